// How the extension finds the copydesk binary (dist/server-path.js, built by
// `npm run build`): the setting wins, then the server a platform package
// carries, then PATH; a wrong setting is reported as such rather than
// silently falling back to another binary.

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const { bundledServerPath, findServer } = require("../dist/server-path.js");

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
  assert.deepEqual(findServer("", env, undefined, "linux"), { kind: "found", path: wanted, source: "path" });
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
  const found = { kind: "found", path: local, source: "setting" };
  assert.deepEqual(findServer("bin/copydesk", env, project, "linux"), found);
  assert.deepEqual(findServer("${workspaceFolder}/bin/copydesk", env, project, "linux"), found);
  assert.deepEqual(findServer(local, env, undefined, "linux"), found);
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

test("the bundled server comes before PATH, and the setting before both", (t) => {
  const dir = scratch(t);
  const onPath = executable(path.join(dir, "path/copydesk"));
  const extension = path.join(dir, "extension");
  const bundled = executable(bundledServerPath(extension, "linux"));
  assert.equal(bundled, path.join(extension, "server/copydesk"));
  const env = { PATH: path.join(dir, "path") };
  assert.deepEqual(findServer("", env, undefined, "linux", extension), { kind: "found", path: bundled, source: "bundled" });
  assert.deepEqual(findServer(onPath, env, undefined, "linux", extension), { kind: "found", path: onPath, source: "setting" });
  const missing = path.join(dir, "nowhere/copydesk");
  assert.deepEqual(findServer(missing, env, undefined, "linux", extension), { kind: "bad-setting", path: missing });
});

test("a package without a server (the universal one) falls back to PATH", (t) => {
  const dir = scratch(t);
  const onPath = executable(path.join(dir, "path/copydesk"));
  const extension = path.join(dir, "extension");
  fs.mkdirSync(extension);
  const env = { PATH: path.join(dir, "path") };
  assert.deepEqual(findServer("", env, undefined, "linux", extension), { kind: "found", path: onPath, source: "path" });
  assert.deepEqual(findServer("", { PATH: "" }, undefined, "linux", extension), { kind: "not-on-path" });
});

test("a bundled server that lost its executable bit in the unzip is made executable", (t) => {
  const dir = scratch(t);
  const extension = path.join(dir, "extension");
  const bundled = executable(bundledServerPath(extension, "linux"), 0o644);
  assert.deepEqual(findServer("", { PATH: "" }, undefined, "linux", extension), { kind: "found", path: bundled, source: "bundled" });
  assert.equal(fs.statSync(bundled).mode & 0o111, 0o111);
});

test("on Windows the bundled server is server\\copydesk.exe", () => {
  assert.equal(bundledServerPath("ext", "win32"), path.join("ext", "server", "copydesk.exe"));
});
