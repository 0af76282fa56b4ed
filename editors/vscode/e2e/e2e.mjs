// Drives a real VS Code workbench (code-server) in headless Chromium the way
// a writer would: open the post with Quick Open, open the Problems panel,
// read copydesk's findings there, put the cursor on one, press Ctrl+. and
// pick the quick fix, read the changed line back from the editor and save;
// then apply every safe fix from the command palette. All of that runs on
// the server inside the .vsix (no copydesk.path, no copydesk on PATH), which
// the test checks by the running process and the extension's log. Then it
// points copydesk.path at another server and sees that one start instead,
// and at a missing file and follows the install hint.
// Started by scripts/e2e-vscode.sh, which serves the workbench and passes:
//   COPYDESK_E2E_URL        the workbench URL with the workspace folder
//   COPYDESK_E2E_WORKSPACE  that folder (holds post.md)
//   COPYDESK_E2E_EXTENSIONS code-server's extensions folder (the .vsix is installed there)
//   COPYDESK_E2E_LOGS       code-server's log folder (the extension's output channel)
//   COPYDESK_E2E_RECORDING_SERVER  a copydesk wrapper that records the traffic
//   COPYDESK_E2E_ARTIFACTS  where screenshots go
//   COPYDESK_PLAYWRIGHT_CORE, COPYDESK_CHROMIUM  from scripts/setup/40-vscode.sh

import assert from "node:assert/strict";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";

const require = createRequire(import.meta.url);
const { chromium } = require(requiredEnv("COPYDESK_PLAYWRIGHT_CORE"));

const url = requiredEnv("COPYDESK_E2E_URL");
const workspace = requiredEnv("COPYDESK_E2E_WORKSPACE");
const artifacts = requiredEnv("COPYDESK_E2E_ARTIFACTS");
const extensions = requiredEnv("COPYDESK_E2E_EXTENSIONS");
const logs = requiredEnv("COPYDESK_E2E_LOGS");
const recordingServer = requiredEnv("COPYDESK_E2E_RECORDING_SERVER");
const post = path.join(workspace, "post.md");
const original = fs.readFileSync(post, "utf8");
// The finding the quick fix removes, and what the line reads afterwards.
const WORDY = "in order to give";
const FIXED = "to May to give the team";
const UI_TIMEOUT_MS = 60_000;

const browser = await chromium.launch({
  executablePath: process.env.COPYDESK_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // This machine has no network but the package registries: without these
  // flags Chromium keeps trying to reach Google's hosts.
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
page.setDefaultTimeout(UI_TIMEOUT_MS);
const consoleLines = [];
page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));

let step = "load the workbench";
try {
  await page.goto(url);
  await page.locator(".monaco-workbench").waitFor();
  // The status bar appears once the workbench has restored its layout.
  await page.locator("#workbench\\.parts\\.statusbar").waitFor();

  step = "open post.md with Quick Open";
  // Give the workbench keyboard focus, as a first click would.
  await page.locator("#workbench\\.parts\\.editor").click();
  await runCommand(page, "workbench.action.quickOpen", "Control+P");
  await page.keyboard.type("post.md");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "post.md" }).first().waitFor();
  await page.keyboard.press("Enter");
  const editor = page.locator(".editor-instance .monaco-editor").first();
  await editor.locator(".view-lines", { hasText: "Our spring launch" }).waitFor();

  step = "see copydesk's findings in the Problems panel";
  await page.keyboard.press("Control+Shift+M");
  const problems = page.locator(".markers-panel");
  await problems.waitFor();
  const wordyRow = problems.locator(".monaco-list-row", { hasText: "concise/wordy-phrase" });
  await wordyRow.first().waitFor();
  const rows = await problems.locator(".monaco-list-row").allInnerTexts();
  const findingRows = rows.filter((row) => row.includes("copydesk"));
  assert.ok(findingRows.length >= 2, `expected copydesk findings in the Problems panel, saw:\n${rows.join("\n")}`);
  assert.ok(
    findingRows.some((row) => row.includes("“in order to”")),
    `the Problems panel quotes the wordy phrase:\n${findingRows.join("\n")}`,
  );
  await page.screenshot({ path: path.join(artifacts, "1-problems.png") });

  step = "find the findings coming from the server inside the .vsix";
  const installed = fs.readdirSync(extensions).filter((name) => name.startsWith("copydesk.copydesk-"));
  assert.equal(installed.length, 1, `one copydesk extension installed, saw: ${installed.join(", ")}`);
  // The installed extension keeps its package's manifest, platform included.
  const vsixManifest = fs.readFileSync(path.join(extensions, installed[0], ".vsixmanifest"), "utf8");
  assert.match(vsixManifest, /TargetPlatform="linux-x64"/, "the linux-x64 package is installed");
  const bundled = path.join(extensions, installed[0], "server", "copydesk");
  // Other copydesk processes may run on the machine; this one's executable
  // is in this run's extensions folder, so it can only be the bundled server.
  assert.ok(serverProcesses().includes(bundled), `no running copydesk at ${bundled}: ${serverProcesses().join(", ")}`);
  const started = await waitForLog(`Starting ${bundled} lsp --stdio (bundled with the extension)`);
  console.log(`e2e-vscode: the extension's log says: ${started}`);

  step = "open the quick fix menu on the finding";
  // Double-clicking a problem selects its text in the editor, as a writer
  // would do; the status bar shows the selection (“in order to”, 11 chars).
  await wordyRow.first().dblclick();
  await page.locator("#workbench\\.parts\\.statusbar", { hasText: "Ln 3, Col 39 (11 selected)" }).waitFor();
  const menu = page.locator(".action-widget");
  const fix = menu.locator(".action-list-item, .monaco-list-row", { hasText: "Replace with “to”" }).first();
  // The editor takes keyboard focus a moment after the double click; a key
  // pressed before that goes nowhere, so press again as a writer would.
  await pressUntilVisible(page, "Control+.", fix);
  await page.screenshot({ path: path.join(artifacts, "2-quick-fix-menu.png") });

  step = "apply the quick fix and see the text change";
  await fix.click();
  await editor.locator(".view-lines", { hasText: FIXED }).waitFor();
  const lines = normalize(await editor.locator(".view-lines").innerText());
  assert.ok(!lines.includes(WORDY), `the editor still shows “${WORDY}”:\n${lines}`);

  step = "see the finding leave the Problems panel";
  await wordyRow.first().waitFor({ state: "detached" });

  step = "save, and find the fix on disk";
  await page.keyboard.press("Control+S");
  // VS Code truncates and then writes, so wait for the whole new text.
  await waitForFile(post, original.replace("in order to give", "to give"));
  await page.screenshot({ path: path.join(artifacts, "3-fixed.png") });

  step = "apply every safe fix from the command palette";
  await runCommand(page, "workbench.action.showCommands", "F1");
  await page.keyboard.type("copydesk: Apply every safe fix");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "Apply every safe fix in this file" }).first().waitFor();
  await page.keyboard.press("Enter");
  await editor.locator(".view-lines", { hasText: "The result is an editor" }).waitFor();
  await problems.locator(".monaco-list-row", { hasText: "copydesk" }).first().waitFor({ state: "detached" });
  await page.keyboard.press("Control+S");
  await waitForFile(post, original.replace("in order to give", "to give").replace("The end result", "The result"));
  await page.screenshot({ path: path.join(artifacts, "4-all-fixed.png") });

  step = "point copydesk.path at another server and see it replace the bundled one";
  // A workspace setting, as a writer would put in .vscode/settings.json;
  // the extension restarts the server when the path changes.
  fs.mkdirSync(path.join(workspace, ".vscode"), { recursive: true });
  fs.writeFileSync(path.join(workspace, ".vscode/settings.json"), JSON.stringify({ "copydesk.path": recordingServer }));
  const received = path.join(artifacts, "client-to-server.jsonrpc");
  await waitFor(() => fs.existsSync(received) && fs.readFileSync(received, "utf8").includes('"method":"initialize"'), "the server named by copydesk.path was not started");
  await waitForLog(`Starting ${recordingServer} lsp --stdio (from the setting copydesk.path)`);
  await waitFor(() => !serverProcesses().includes(bundled), "the bundled server still runs after copydesk.path was set");

  step = "point copydesk.path at a missing binary and get the install hint";
  // A workspace setting, as a writer would put in .vscode/settings.json;
  // the extension restarts the server when the path changes.
  const missing = path.join(workspace, "no-such-copydesk");
  fs.writeFileSync(path.join(workspace, ".vscode/settings.json"), JSON.stringify({ "copydesk.path": missing }));
  const toast = page.locator(".notification-toast", { hasText: `“${missing}” from the setting copydesk.path` });
  await toast.waitFor();
  await page.screenshot({ path: path.join(artifacts, "5-missing-binary.png") });
  await toast.locator(".monaco-button", { hasText: "Install instructions" }).click();
  // The bundled README opens in the Markdown preview (a webview).
  await page.locator(".tab", { hasText: "Preview README.md" }).waitFor();
  console.log(`e2e-vscode: all steps passed; screenshots in ${artifacts}`);
} catch (error) {
  await page.screenshot({ path: path.join(artifacts, "failure.png") }).catch(() => {});
  fs.writeFileSync(path.join(artifacts, "browser-console.log"), consoleLines.join("\n"));
  console.error(`e2e-vscode: failed to ${step} (screenshot: ${path.join(artifacts, "failure.png")})`);
  throw error;
} finally {
  await browser.close();
}

/** Run a workbench command by its keybinding (the command id says which it is). */
async function runCommand(page, _command, keys) {
  await page.keyboard.press(keys);
  await page.locator(".quick-input-widget").waitFor();
}

/** Press `keys` until `target` shows, a few seconds apart. */
async function pressUntilVisible(page, keys, target) {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    await page.keyboard.press(keys);
    try {
      await target.waitFor({ timeout: 5_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
    }
  }
}

/** The editor renders spaces as U+00A0; compare plain text. */
function normalize(text) {
  return text.replaceAll("\u00a0", " ");
}

/** The executables of the running processes whose executable is named copydesk. */
function serverProcesses() {
  const found = [];
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const exe = fs.readlinkSync(`/proc/${pid}/exe`);
      if (path.basename(exe) === "copydesk") {
        found.push(exe);
      }
    } catch {
      // Gone already, or not ours to read.
    }
  }
  return found;
}

/** Wait until `done()` is true; on time-out, fail with `message`. */
async function waitFor(done, message) {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (!done()) {
    if (Date.now() > deadline) {
      assert.fail(message);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Wait until a line of the extension's "copydesk" output channel contains `text`; returns it. */
async function waitForLog(text) {
  let line;
  await waitFor(() => {
    line = outputChannelLines().find((candidate) => candidate.includes(text));
    return line !== undefined;
  }, `the copydesk output channel never said “${text}”:\n${outputChannelLines().join("\n")}`);
  return line;
}

/** Every line of the copydesk output channel's log files under `logs`. */
function outputChannelLines() {
  const lines = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (/copydesk\.log$/.test(entry.name)) {
        lines.push(...fs.readFileSync(full, "utf8").split("\n"));
      }
    }
  };
  if (fs.existsSync(logs)) {
    walk(logs);
  }
  return lines;
}

/** Wait until `file` holds exactly `expected`; on time-out, show the difference. */
async function waitForFile(file, expected) {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  while (fs.readFileSync(file, "utf8") !== expected) {
    if (Date.now() > deadline) {
      assert.equal(fs.readFileSync(file, "utf8"), expected, `${file} was not saved with the fix`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set (run scripts/e2e-vscode.sh)`);
  }
  return value;
}
