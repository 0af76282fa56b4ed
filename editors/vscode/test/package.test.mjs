// scripts/package.mjs refuses a binary that cannot run on the platform it
// would be packaged for (the package would install, then fail to start),
// before it builds or packages anything.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../scripts/package.mjs");

/** A file that starts like an ELF executable for `machine` (e_machine). */
function elf(dir, machine) {
  const header = Buffer.alloc(64);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(header);
  header.writeUInt16LE(machine, 18);
  const file = path.join(dir, `copydesk-${machine}`);
  fs.writeFileSync(file, header, { mode: 0o755 });
  return file;
}

function packageWith(...args) {
  return spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
}

test("a Linux binary is refused for a macOS or Windows package", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "copydesk-package-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const linux = elf(dir, 0x3e);
  let run = packageWith("--target", "darwin-arm64", "--binary", linux);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /is ELF; darwin-arm64 needs Mach-O/);
  run = packageWith("--target", "win32-x64", "--binary", linux);
  assert.equal(run.status, 2);
  assert.match(run.stderr, /is ELF; win32-x64 needs PE/);
});

test("an x64 binary is refused for an arm64 package, and the other way round", (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "copydesk-package-"));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  let run = packageWith("--target", "linux-arm64", "--binary", elf(dir, 0x3e));
  assert.equal(run.status, 2);
  assert.match(run.stderr, /is built for x64; linux-arm64 needs arm64/);
  run = packageWith("--target", "alpine-x64", "--binary", elf(dir, 0xb7));
  assert.equal(run.status, 2);
  assert.match(run.stderr, /is built for arm64; alpine-x64 needs x64/);
});

test("another platform needs a binary or a Rust target, and the two must agree", () => {
  let run = packageWith("--target", process.arch === "arm64" ? "linux-x64" : "linux-arm64");
  assert.equal(run.status, 2);
  assert.match(run.stderr, /not this machine's platform/);
  run = packageWith("--rust-target", "aarch64-apple-darwin", "--target", "linux-x64");
  assert.equal(run.status, 2);
  assert.match(run.stderr, /builds for darwin-arm64, not linux-x64/);
  run = packageWith("--rust-target", "sparc-sun-solaris");
  assert.equal(run.status, 2);
  assert.match(run.stderr, /unknown Rust target sparc-sun-solaris/);
});
