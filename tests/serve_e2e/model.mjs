// Tighten on the `copydesk serve` page with a real local model (SmolLM2 via
// llama-server): progress and Cancel, then a suggestion's diff with Reject and
// Accept, or the reason when the guard let nothing through (SmolLM2-135M's
// rewrites come out longer than the original, so the guard refuses them:
// Accept and Reject are exercised with the test server in review.mjs). Then
// the five questions' model review: every quote shown is words of the post. Run by
// tests/serve_e2e.rs with SERVE_URL, E2E_MODULES, CHROMIUM, ARTIFACTS.
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { env, chromium, artifacts, axe } from "./harness.mjs";
const step = (message) => console.log(`[serve e2e model] ${message}`);

const browser = await chromium.launch({ executablePath: env("CHROMIUM"), args: ["--no-sandbox"] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
page.setDefaultTimeout(15000);
try {
  await page.goto(env("SERVE_URL"));
  await page.waitForFunction(() => /^Model: /.test(document.getElementById("model-state").innerText));
  const post = page.locator("#post");
  const text =
    "In order to make sure that everyone is able to find what they need, we have basically gone ahead and rebuilt the search from the ground up. It is really, truly a lot faster now than it ever was before.\n";
  await post.focus();
  await page.keyboard.insertText(text);
  await page.evaluate(() => window.copydeskPost.setSelectionRange(10, 10));

  step("Cancel while the model runs; the page stays usable");
  await page.locator("#tighten").click();
  await page.locator("#cancel").waitFor();
  assert.match(await page.locator("#suggestion").innerText(), /Asking the model/);
  await page.locator("#platforms input").first().focus();
  await page.keyboard.press("Space"); // the page still answers the keyboard
  await page.locator("#cancel").focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.getElementById("suggestion").innerText.includes("Cancelled"));
  assert.equal(await page.evaluate(() => window.copydeskPost.value), text);

  step("Tighten: wait for the model's suggestion or its reason");
  await page.evaluate(() => window.copydeskPost.setSelectionRange(10, 10));
  await page.locator("#tighten").click();
  await page.waitForFunction(
    () => document.querySelector("#suggestion .suggestion, #suggestion .reason, #suggestion p:not([role])") !== null,
    null,
    { timeout: 300000 },
  );
  await page.screenshot({ path: path.join(artifacts, "6-tighten.png"), fullPage: true });
  await axe(page, "tighten");
  if (await page.locator("#suggestion .suggestion").count()) {
    step("a suggestion: Reject leaves the text; Accept applies it");
    assert.ok((await page.locator("#suggestion del, #suggestion ins").count()) >= 1, "a diff is shown");
    await page.locator("#suggestion .reject").first().click();
    assert.equal(await page.evaluate(() => window.copydeskPost.value), text);
    await page.locator("#tighten").click();
    await page.locator("#suggestion .accept").first().waitFor({ timeout: 300000 });
    await page.locator("#suggestion .accept").first().click();
    await page.waitForFunction((old) => window.copydeskPost.value !== old, text);
    fs.writeFileSync(path.join(artifacts, "tighten-outcome.txt"), `accepted\n${await page.evaluate(() => window.copydeskPost.value)}`);
  } else {
    const reason = await page.locator("#suggestion").innerText();
    step(`no safe suggestion, with the reason: ${reason}`);
    assert.ok(reason.trim().length > 10, "a reason is shown");
    assert.equal(await page.evaluate(() => window.copydeskPost.value), text);
    fs.writeFileSync(path.join(artifacts, "tighten-outcome.txt"), `reason\n${reason}`);
  }
  step("the five questions: the real model's answers, each quote a passage of the post");
  await page.evaluate((text) => window.copydeskPost.edit(text), text);
  await page.locator("#review").click();
  await page.waitForFunction(
    () => /^(Model review|No model answers)/.test(document.getElementById("review-summary").innerText),
    null,
    { timeout: 300000 },
  );
  const summary = await page.locator("#review-summary").innerText();
  const quotes = await page.locator("#questions button.quote, #review-others button.quote").allInnerTexts();
  step(`review: ${summary} (${quotes.length} quotes)`);
  for (const quote of quotes) {
    assert.ok(text.includes(quote.replace(/^“|”$/g, "")), `a shown quote is words of the post: ${quote}`);
  }
  if (summary.startsWith("Model review")) {
    for (const id of ["helpful", "conflict", "reputation", "inspire", "proud"]) {
      assert.match(await page.locator(`#q-${id}-model`).innerText(), /points to|quoted nothing|not asked/, id);
    }
  }
  if (quotes.length) {
    await page.locator("button.quote").first().click();
    const chosen = await page.evaluate(() => window.copydeskPost.value.slice(window.copydeskPost.selectionStart, window.copydeskPost.selectionEnd));
    assert.equal(`“${chosen}”`, quotes[0]);
  }
  await page.screenshot({ path: path.join(artifacts, "7-review.png"), fullPage: true });
  fs.writeFileSync(path.join(artifacts, "review-outcome.txt"), `${summary}\n${quotes.join("\n")}\n`);
  step("done");
} catch (error) {
  console.log(`[serve e2e model] suggestion box: ${await page.locator("#suggestion").innerText().catch(() => "?")}`);
  await page.screenshot({ path: path.join(artifacts, "failure.png"), fullPage: true }).catch(() => {});
  throw error;
} finally {
  await browser.close();
}
