// The password page of `copydesk serve --password-env VAR`: opened without
// the token, the page asks for the password (keyboard only); a wrong one is
// refused, the right one unlocks the desk. Run with SERVE_URL (no token),
// SERVE_PASSWORD, E2E_MODULES, CHROMIUM, ARTIFACTS.
import path from "node:path";
import assert from "node:assert/strict";
import { env, chromium, artifacts, axe } from "./harness.mjs";

const browser = await chromium.launch({ executablePath: env("CHROMIUM"), args: ["--no-sandbox"] });
const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
page.setDefaultTimeout(15000);
try {
  await page.goto(env("SERVE_URL"));
  await page.locator("#password").waitFor();
  assert.equal(await page.locator("#main").isVisible(), false, "nothing of the desk before the password");
  assert.equal(await page.evaluate(() => document.activeElement.id), "password");
  await axe(page, "login");
  await page.screenshot({ path: path.join(artifacts, "0-login.png"), fullPage: true });

  await page.keyboard.type("not the password at all");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /Not unlocked: refused: wrong password/.test(document.getElementById("status").innerText));
  assert.equal(await page.locator("#main").isVisible(), false);

  await page.locator("#password").fill("");
  await page.keyboard.type(env("SERVE_PASSWORD"));
  await page.keyboard.press("Enter");
  await page.locator("#platforms input").first().waitFor();
  assert.equal(await page.locator("#login").isVisible(), false);
  await page.locator("#post").focus();
  await page.keyboard.insertText("We utilize the new search every day.\n");
  await page.locator("#findings li.finding").first().waitFor();
  console.log("[serve e2e login] done");
} catch (error) {
  await page.screenshot({ path: path.join(artifacts, "failure.png"), fullPage: true }).catch(() => {});
  throw error;
} finally {
  await browser.close();
}
