// What the browser scripts share: their environment, playwright-core and
// axe-core from the cached setup (scripts/setup/45-serve.sh).
import { createRequire } from "node:module";
import fs from "node:fs";
import assert from "node:assert/strict";
import path from "node:path";

const require = createRequire(import.meta.url);
export const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const modules = env("E2E_MODULES");
export const { chromium } = require(path.join(modules, "playwright-core"));
export const axeSource = fs.readFileSync(path.join(modules, "axe-core", "axe.min.js"), "utf8");
export const artifacts = env("ARTIFACTS");
fs.mkdirSync(artifacts, { recursive: true });

// axe-core over `page` in `state`: its violations saved as
// axe-STATE.json; no serious or critical one allowed.
export async function axe(page, state) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  fs.writeFileSync(path.join(artifacts, `axe-${state}.json`), JSON.stringify(result.violations, null, 2));
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`), [], `axe in state ${state}`);
}
