// How the extension finds the copydesk binary (dist/server-path.js, built by
// `npm run build`): the setting wins, then PATH; a wrong setting is reported
// as such rather than silently falling back to another binary.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { findServer } = require("../dist/server-path.js");

function scratch(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "copydesk-server-path-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function executable(file, mode = 0o755) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "#!/bin/sh\n");
  fs.chmodSync(file, mode);
  return file;
}

test("an empty setting finds the first executable copydesk on PATH", (t) => {
  const dir = scratch(t);
  executable(path.join(dir, "a/copydesk"), 0o644); // not executable: skipped
  const wanted = executable(path.join(dir, "b/copydesk"));
  executable(path.join(dir, "c/copydesk"));
  const env = { PATH: ["", path.join(dir, "missing"), path.join(dir, "a"), path.join(dir, "b"), path.join(dir, "c")].join(path.delimiter) };
  assert.deepEqual(findServer("", env, undefined, "linux"), { kind: "found", path: wanted });
});

test("no setting and nothing on PATH says so", (t) => {
  const dir = scratch(t);
  assert.deepEqual(findServer("  ", { PATH: dir }, undefined, "linux"), { kind: "not-on-path" });
});

test("the setting wins over PATH, and may be relative to the workspace", (t) => {
  const dir = scratch(t);
  executable(path.join(dir, "path/copydesk"));
  const local = executable(path.join(dir, "project/bin/copydesk"));
  const env = { PATH: path.join(dir, "path") };
  const project = path.join(dir, "project");
  assert.deepEqual(findServer("bin/copydesk", env, project, "linux"), { kind: "found", path: local });
  assert.deepEqual(findServer("${workspaceFolder}/bin/copydesk", env, project, "linux"), { kind: "found", path: local });
  assert.deepEqual(findServer(local, env, undefined, "linux"), { kind: "found", path: local });
});

test("a setting that names no executable file is an error, not a fallback to PATH", (t) => {
  const dir = scratch(t);
  executable(path.join(dir, "path/copydesk"));
  const env = { PATH: path.join(dir, "path") };
  const missing = path.join(dir, "nowhere/copydesk");
  assert.deepEqual(findServer(missing, env, undefined, "linux"), { kind: "bad-setting", path: missing });
  assert.deepEqual(findServer(dir, env, undefined, "linux"), { kind: "bad-setting", path: dir });
  const home = findServer("~/no-such-copydesk", env, undefined, "linux");
  assert.deepEqual(home, { kind: "bad-setting", path: path.join(os.homedir(), "no-such-copydesk") });
});
