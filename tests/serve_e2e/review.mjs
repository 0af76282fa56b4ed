// The five questions' model answers and Tighten's Accept / Reject on the
// `copydesk serve` page, with the test OpenAI-compatible server as the model
// (tests/serve_review.rs scripts its answers): each answer sits under its
// question with the quoted passage, which selects that range in the text by
// keyboard; a quote that is not in the post is never shown; Reject leaves
// the text, Accept changes it. Run with SERVE_URL, E2E_MODULES, CHROMIUM,
// ARTIFACTS.
import path from "node:path";
import assert from "node:assert/strict";
import { env, chromium, artifacts, axe } from "./harness.mjs";

const step = (message) => console.log(`[serve e2e review] ${message}`);
const browser = await chromium.launch({ executablePath: env("CHROMIUM"), args: ["--no-sandbox"] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
page.setDefaultTimeout(15000);

const selected = () => page.evaluate(() => {
  const area = window.copydeskPost;
  return area.value.slice(area.selectionStart, area.selectionEnd);
});

const WORDY =
  "In order to make a decision about our roadmap, we need to take into consideration the fact that at this point in time most of our customers are on the free plan. We will keep both plans.";
// What the test server answers for Tighten (a rewrite the guard lets through).
const TIGHT =
  "To decide on our roadmap, we need to consider that most of our customers are now on the free plan. We will keep both plans.";
const TEXT =
  "Our team rebuilt the search so you find answers faster.\n\n" +
  "Unlike Acme, whose CEO lies to customers, we ship on time.\n\n" +
  "Be the change you want to see in the world.\n\n" +
  WORDY + "\n";

try {
  await page.goto(env("SERVE_URL"));
  await page.waitForFunction(() => /^Model: test-model/.test(document.getElementById("model-state").innerText));
  assert.match(await page.locator("#review-state").innerText(), /Ask the model/);
  const post = page.locator("#post");
  await post.focus();
  await page.keyboard.insertText(TEXT);
  // The debounced check has come back (the screenshot below shows the post's findings).
  await page.waitForFunction(() => /^[1-9]\d* words/.test(document.getElementById("counts").innerText));

  step("ask the model about the questions, with the keyboard");
  await page.locator("#review").focus();
  await page.keyboard.press("Enter");
  await page.locator("#q-reputation-model button.quote").waitFor();
  assert.equal(await page.locator("#q-reputation-model button.quote").innerText(), "“whose CEO lies to customers”");
  assert.match(await page.locator("#q-reputation-model").innerText(), /An accusation with no facts behind it/);
  // The normalised quote shows the post's own words.
  assert.equal(await page.locator("#q-inspire-model button.quote").innerText(), "“Be the change you want to see”");
  assert.match(await page.locator("#q-conflict-model").innerText(), /quoted nothing from the post/);
  assert.match(await page.locator("#q-helpful-model").innerText(), /quoted nothing from the post/);
  // The made-up quote is nowhere on the page; it is counted.
  assert.ok(!(await page.locator("body").innerText()).includes("cheese"), "a quote not in the post is never shown");
  assert.match(await page.locator("#review-summary").innerText(), /1 answer quoted words that are not in the post: not shown/);
  // Another question of the guide's review is listed apart.
  assert.match(await page.locator("#review-others").innerText(), /Puffery: No measurement/);
  await page.screenshot({ path: path.join(artifacts, "7-review.png"), fullPage: true });
  await axe(page, "review");

  step("a quote selects its passage in the text");
  await page.locator("#q-reputation-model button.quote").focus();
  await page.keyboard.press("Enter");
  assert.equal(await selected(), "whose CEO lies to customers");
  assert.equal(await page.evaluate(() => document.activeElement.id), "post");

  step("Tighten: Reject leaves the text, Accept changes it");
  const at = TEXT.indexOf("roadmap");
  await page.evaluate((at) => window.copydeskPost.setSelectionRange(at, at), at);
  await page.locator("#tighten").click();
  await page.locator("#suggestion .reject").waitFor();
  assert.ok((await page.locator("#suggestion del").count()) >= 1, "a diff is shown");
  await page.locator("#suggestion .reject").focus();
  await page.keyboard.press("Enter");
  assert.match(await page.locator("#suggestion").innerText(), /Rejected: the text is unchanged/);
  assert.equal(await page.evaluate(() => window.copydeskPost.value), TEXT);
  await page.evaluate((at) => window.copydeskPost.setSelectionRange(at, at), at);
  await page.locator("#tighten").click();
  await page.locator("#suggestion .accept").focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => window.copydeskPost.value.includes("To decide on our roadmap"));
  assert.equal(await page.evaluate(() => window.copydeskPost.value), TEXT.replace(WORDY, TIGHT), "the paragraph is replaced, the rest kept");

  step("after an edit, a quote still in the post is found where it is now; the answers say they are older");
  await page.waitForFunction(() => /changed since/.test(document.getElementById("review-summary").innerText));
  await page.evaluate(() => window.copydeskPost.edit("New first line.\n\n" + window.copydeskPost.value));
  await page.locator("#q-reputation-model button.quote").click();
  assert.equal(await selected(), "whose CEO lies to customers");
  await page.evaluate(() => window.copydeskPost.edit(window.copydeskPost.value.replace("whose CEO lies to customers", "whose prices are higher")));
  await page.locator("#q-reputation-model button.quote").click();
  await page.waitForFunction(() => /no longer in the post/.test(document.getElementById("status").innerText));
  await page.screenshot({ path: path.join(artifacts, "8-accepted.png"), fullPage: true });
  await axe(page, "accepted");
  step("done");
} catch (error) {
  await page.screenshot({ path: path.join(artifacts, "failure.png"), fullPage: true }).catch(() => {});
  throw error;
} finally {
  await browser.close();
}
