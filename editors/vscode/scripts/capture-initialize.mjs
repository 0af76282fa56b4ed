// Refreshes fixtures/vscode-initialize.json from a real VS Code: reads the
// first message of target/e2e-vscode/client-to-server.jsonrpc (recorded by
// scripts/e2e-vscode.sh), which is the initialize request code-server's
// VS Code sent, and drops what belongs to that one run (process id, folders).
// Run after a new code-server or vscode-languageclient:
//   scripts/e2e-vscode.sh; node editors/vscode/scripts/capture-initialize.mjs

import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const recording = path.resolve(here, "../../../target/e2e-vscode/client-to-server.jsonrpc");
const raw = fs.readFileSync(recording);
const header = raw.indexOf("\r\n\r\n");
const length = Number(/Content-Length: (\d+)/.exec(raw.subarray(0, header).toString("ascii"))?.[1]);
const message = JSON.parse(raw.subarray(header + 4, header + 4 + length).toString("utf8"));
if (message.method !== "initialize") {
  throw new Error(`the first recorded message is ${message.method}, not initialize`);
}
const { processId, rootPath, rootUri, workspaceFolders, ...params } = message.params;
params.trace = "off";
const fixture = path.join(here, "../test/fixtures/vscode-initialize.json");
fs.writeFileSync(fixture, `${JSON.stringify(params, null, 2)}\n`);
console.log(`wrote ${fixture} (from ${params.clientInfo?.name} ${params.clientInfo?.version})`);
