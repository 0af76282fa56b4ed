// What both browser scripts share: their environment, playwright-core and
// axe-core from the cached setup (scripts/setup/45-serve.sh).
import { createRequire } from "node:module";
import fs from "node:fs";
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
