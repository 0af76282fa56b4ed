// Drives the real `copydesk serve` page in headless Chromium (playwright-core)
// through the main flow, runs axe-core in each state and saves screenshots.
// Run by tests/serve_e2e.rs, which starts the server and passes:
//   SERVE_URL, SERVE_FOLDER, E2E_MODULES, CHROMIUM, ARTIFACTS
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";
import { env, chromium, artifacts, axe } from "./harness.mjs";

const folder = env("SERVE_FOLDER");

const step = (message) => console.log(`[serve e2e] ${message}`);
const browser = await chromium.launch({ executablePath: env("CHROMIUM"), args: ["--no-sandbox"] });
const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(env("SERVE_URL")).origin });
const page = await context.newPage();
page.setDefaultTimeout(10000);
const problems = [];
page.on("console", (message) => {
  if (message.type() === "error") problems.push(message.text());
});
page.on("pageerror", (error) => problems.push(String(error)));

async function shot(name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}
const findingsText = () => page.locator("#findings").innerText();

try {
  await page.goto(env("SERVE_URL"));
  await page.locator("#platforms input").first().waitFor();
  await axe(page, "empty");

  step("paste a post with known problems");
  const post = page.locator("#post");
  await post.focus();
  const draft =
    "We are **excited** to utilize our new platform in order to help teams. " +
    "It ships today for every customer who asked for it. ".repeat(6) +
    "Read more at https://example.com/launch-notes-for-the-new-platform-release\n";
  await page.keyboard.insertText(draft);
  await page.locator("#findings li.finding").first().waitFor();
  await page.locator(".cm-lintRange").first().waitFor();
  const before = await findingsText();
  assert.match(before, /utilize/i, "the finding about “utilize” is listed");
  await shot("1-findings");
  await axe(page, "findings");

  step("apply a Safe fix with the keyboard; the counter moves");
  const count = page.locator('section[data-platform="linkedin"] .count');
  const countBefore = await count.innerText();
  const fix = page.locator("#findings li.finding", { hasText: /utilize/i }).locator("button.apply").first();
  assert.match(await fix.innerText(), /^Apply: /, "a Safe fix says Apply, not unsafe");
  const diff = await page.locator("#findings li.finding", { hasText: /utilize/i }).locator(".diff").first().innerText();
  assert.match(diff, /utilize/);
  await fix.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => !window.copydeskPost.value.includes("utilize"));
  await page.waitForFunction((old) => document.querySelector('section[data-platform="linkedin"] .count').innerText !== old, countBefore);
  assert.ok(!(await page.evaluate(() => window.copydeskPost.value)).includes("utilize"));
  assert.match(await page.locator('section[data-platform="linkedin"]').innerText(), /see more/, "the LinkedIn fold is drawn");
  await shot("2-fixed");

  step("switch to X: the thread split appears");
  await page.locator("#p-x").check();
  await page.locator('section[data-platform="x"] ol.thread li').nth(1).waitFor();
  const parts = await page.locator('section[data-platform="x"] ol.thread li').allInnerTexts();
  assert.ok(parts.length >= 2);
  assert.match(parts[0], / 1\/\d+$/);
  step("the previews show the post as each platform does");
  const xPreview = page.locator('section[data-platform="x"]');
  assert.equal(await xPreview.locator(".body .link").innerText(), "https://t.co/xxxxxxxxxx", "X shows a t.co link");
  assert.match(await xPreview.locator(".card").innerText(), /Link card: example\.com/);
  assert.ok(!(await xPreview.locator(".body").innerText()).includes("**"), "Markdown markers removed");
  const linkedinPreview = page.locator('section[data-platform="linkedin"]');
  assert.equal(await linkedinPreview.locator(".body .link").innerText(), "https://example.com/launch-notes-for-the-new-platform-release");
  assert.equal(await linkedinPreview.locator(".body .fold").count(), 1, "the fold is drawn once");
  await shot("3-x-thread");
  await axe(page, "thread");
  await page.locator("#p-x").uncheck();

  step("start from a key message");
  await page.locator("#key-list").selectOption({ index: 0 });
  await page.locator("#start-key").click();
  await page.keyboard.insertText("I helped build the search in this release and I am glad it is out.");
  const started = await page.evaluate(() => window.copydeskPost.value);
  assert.ok(started.startsWith("Our new search finds answers in every document you keep."), started);
  assert.match(await page.locator("#key-help").innerText(), /own words/);
  await page.waitForFunction(() => document.getElementById("final").value.includes("glad it is out"));

  step("no model: said once for the questions, no answer under any of them");
  const questionsText = await page.locator("#questions-title + *").evaluate((node) => node.parentElement.innerText);
  assert.equal(questionsText.split("No model configured").length - 1, 1, questionsText);
  assert.equal(await page.locator("#review").isDisabled(), true);
  assert.equal((await page.locator(".model-answer").allInnerTexts()).join(""), "");

  step("confirm the five questions with the keyboard");
  const ready = page.locator("#copy");
  assert.equal(await ready.isDisabled(), true, "not ready before the questions are confirmed");
  for (const box of await page.locator("#questions input").all()) {
    await box.focus();
    await page.keyboard.press("Space");
  }
  await page.waitForFunction(() => !document.getElementById("copy").disabled);
  await shot("4-ready");
  await axe(page, "ready");

  step("copy and download the record");
  await ready.click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert.ok(copied.includes("glad it is out") && !copied.includes("**"), copied);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#record").click()]);
  const saved = path.join(artifacts, "pre-publish-record.json");
  await download.saveAs(saved);
  const record = JSON.parse(fs.readFileSync(saved, "utf8"));
  assert.match(record.text_sha256, /^[0-9a-f]{64}$/);
  assert.ok(record.guide.hash);
  assert.equal(Object.values(record.confirmations).filter(Boolean).length, 5);
  assert.ok(record.fixes_applied.some((fix) => /utilize/i.test(fix.message)), JSON.stringify(record.fixes_applied));

  step("open a draft from the folder, save it, then the stale-save refusal");
  await page.locator("#file-list").selectOption("drafts/note.md");
  await page.locator("#open-file").click();
  await page.waitForFunction(() => window.copydeskPost.value.startsWith("A short note"));
  await post.focus();
  await page.keyboard.press("End");
  await page.keyboard.insertText(" Edited on the page.");
  await page.locator("#save-file").click();
  await page.waitForFunction(() => document.getElementById("status").innerText.startsWith("Saved"));
  const onDisk = path.join(folder, "drafts", "note.md");
  assert.match(fs.readFileSync(onDisk, "utf8"), /Edited on the page\./);
  fs.writeFileSync(onDisk, "Someone else changed it.\n");
  await page.keyboard.insertText(" Again.");
  await page.locator("#save-file").click();
  await page.waitForFunction(() => /changed on disk/.test(document.getElementById("status").innerText));
  assert.equal(fs.readFileSync(onDisk, "utf8"), "Someone else changed it.\n");
  await shot("5-stale-save");
  await axe(page, "stale-save");

  const csp = problems.filter((p) => /Content Security Policy|Refused to/i.test(p));
  assert.deepEqual(csp, [], "no resource was blocked by the page's own policy");
  step("done");
} catch (error) {
  await shot("failure").catch(() => {});
  throw error;
} finally {
  await browser.close();
}
