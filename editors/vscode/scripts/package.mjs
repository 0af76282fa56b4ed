// Builds a platform-specific .vsix that carries the copydesk server, as
// Marketplace and Open VSX expect (`vsce package --target …`): one package per
// platform, each with the binary for that platform in server/, which the
// extension starts unless the copydesk.path setting names another.
//
//   node scripts/package.mjs                       this machine's platform; builds
//                                                  `cargo build --release` if needed
//   node scripts/package.mjs --binary PATH         package this binary instead
//   node scripts/package.mjs --rust-target TRIPLE  cross-build with cargo --target
//                                                  (the toolchain must be installed)
//   node scripts/package.mjs --target linux-arm64 --binary PATH
//                                                  an already-built binary for another platform
//   --out FILE   where the .vsix goes (default copydesk-<target>.vsix here)
//
// The LICENSE is the repository's, copied in; the manifest's repository and
// license fields are checked against Cargo.toml by tests/editor_packages.rs.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const extension = path.resolve(here, "..");
const repository = path.resolve(extension, "../..");

/** Rust target triples and the VS Code target each one's binary runs on. */
const RUST_TARGETS = {
  "x86_64-unknown-linux-gnu": "linux-x64",
  "aarch64-unknown-linux-gnu": "linux-arm64",
  "armv7-unknown-linux-gnueabihf": "linux-armhf",
  "x86_64-unknown-linux-musl": "alpine-x64",
  "aarch64-unknown-linux-musl": "alpine-arm64",
  "x86_64-apple-darwin": "darwin-x64",
  "aarch64-apple-darwin": "darwin-arm64",
  "x86_64-pc-windows-msvc": "win32-x64",
  "aarch64-pc-windows-msvc": "win32-arm64",
};

function usage(message) {
  console.error(`package: ${message}`);
  console.error("usage: node scripts/package.mjs [--target VSCODE_TARGET] [--rust-target TRIPLE] [--binary PATH] [--out FILE]");
  process.exit(2);
}

function parseArguments(argv) {
  const options = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const names = { "--target": "target", "--rust-target": "rustTarget", "--binary": "binary", "--out": "out" };
    if (!(flag in names)) {
      usage(`unknown argument ${flag}`);
    }
    const value = argv[i + 1];
    if (value === undefined || value.startsWith("--")) {
      usage(`${flag} needs a value`);
    }
    options[names[flag]] = value;
    i += 1;
  }
  return options;
}

/** This machine's VS Code target, such as linux-x64 or darwin-arm64. */
function hostTarget() {
  const arch = { x64: "x64", arm64: "arm64", arm: "armhf" }[process.arch];
  if (arch === undefined) {
    usage(`no VS Code target for the architecture ${process.arch}; pass --target`);
  }
  const musl = process.platform === "linux" && !process.report?.getReport()?.header?.glibcVersionRuntime;
  return `${musl ? "alpine" : process.platform}-${arch}`;
}

function run(command, args, cwd) {
  console.error(`package: ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd, stdio: "inherit" });
}

const options = parseArguments(process.argv.slice(2));
const host = hostTarget();
if (options.rustTarget !== undefined && !(options.rustTarget in RUST_TARGETS)) {
  usage(`unknown Rust target ${options.rustTarget}; known: ${Object.keys(RUST_TARGETS).join(", ")}`);
}
const target = options.target ?? (options.rustTarget ? RUST_TARGETS[options.rustTarget] : host);
if (options.rustTarget !== undefined && RUST_TARGETS[options.rustTarget] !== target) {
  usage(`--rust-target ${options.rustTarget} builds for ${RUST_TARGETS[options.rustTarget]}, not ${target}`);
}
if (target !== host && options.binary === undefined && options.rustTarget === undefined) {
  usage(`${target} is not this machine's platform (${host}): pass --rust-target or --binary`);
}
const exe = target.startsWith("win32") ? ".exe" : "";

let binary = options.binary;
if (binary === undefined) {
  const cargoArgs = ["build", "--release", "--locked", "--bin", "copydesk"];
  if (options.rustTarget !== undefined) {
    cargoArgs.push("--target", options.rustTarget);
  }
  run("cargo", cargoArgs, repository);
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repository, "target");
  binary = path.join(targetDir, options.rustTarget ?? "", "release", `copydesk${exe}`);
}
binary = path.resolve(binary);
if (!fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) {
  usage(`no copydesk binary at ${binary}`);
}

// The file's format must be the target's: ELF for Linux, Mach-O for macOS,
// PE for Windows (a Linux binary in a darwin package would install and then
// fail to start).
const header = Buffer.alloc(20);
const fd = fs.openSync(binary, "r");
fs.readSync(fd, header, 0, 20, 0);
fs.closeSync(fd);
const magic = header.subarray(0, 4);
const format = magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))
  ? "ELF"
  : [0xfeedfacf, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(magic.readUInt32BE(0))
    ? "Mach-O"
    : magic.subarray(0, 2).toString("latin1") === "MZ"
      ? "PE"
      : "unknown";
const expected = target.startsWith("darwin") ? "Mach-O" : target.startsWith("win32") ? "PE" : "ELF";
if (format !== expected) {
  usage(`${binary} is ${format === "unknown" ? "not an executable" : format}; ${target} needs ${expected}`);
}
if (format === "ELF") {
  // e_machine (little-endian on every target here): the CPU it runs on.
  const machines = { 0x3e: "x64", 0xb7: "arm64", 0x28: "armhf" };
  const cpu = machines[header.readUInt16LE(18)] ?? `machine ${header.readUInt16LE(18)}`;
  if (!target.endsWith(`-${cpu}`)) {
    usage(`${binary} is built for ${cpu}; ${target} needs ${target.split("-")[1]}`);
  }
}

const manifest = JSON.parse(fs.readFileSync(path.join(extension, "package.json"), "utf8"));
if (target === host) {
  // A binary for this machine can be asked its version: a stale one fails here.
  const version = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  if (version !== `copydesk ${manifest.version}`) {
    usage(`${binary} says "${version}", but the extension is version ${manifest.version}`);
  }
}

const server = path.join(extension, "server");
fs.rmSync(server, { recursive: true, force: true });
fs.mkdirSync(server);
fs.copyFileSync(binary, path.join(server, `copydesk${exe}`));
fs.chmodSync(path.join(server, `copydesk${exe}`), 0o755);
fs.copyFileSync(path.join(repository, "LICENSE"), path.join(extension, "LICENSE"));

const out = path.resolve(options.out ?? path.join(extension, `copydesk-${target}.vsix`));
// `vsce` runs `vscode:prepublish` (npm run build) first. --no-dependencies:
// esbuild has bundled everything into dist/extension.js. $COPYDESK_VSCE is
// the copy scripts/setup/40-vscode.sh keeps outside the clone; else the
// devDependency.
const vsce = process.env.COPYDESK_VSCE || path.join(extension, "node_modules/@vscode/vsce/vsce");
run(process.execPath, [vsce, "package", "--no-dependencies", "--target", target, "--out", out], extension);
console.error(`package: ${out} (${target}, server from ${binary})`);
