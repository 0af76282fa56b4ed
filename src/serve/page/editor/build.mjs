// Bundle entry.mjs (CodeMirror 6 from this folder's node_modules, as locked
// in package-lock.json) into ../editor.js, the file the binary embeds. Its
// first line records a hash of the inputs; tests/serve_editor.rs fails when
// they changed and the bundle was not rebuilt. Run scripts/build-serve-editor.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = path.dirname(fileURLToPath(import.meta.url));

// FNV-1a (64-bit) over the inputs, as tests/serve_editor.rs computes it.
export function inputsHash() {
  let hash = 0xcbf29ce484222325n;
  for (const name of ["build.mjs", "entry.mjs", "package.json", "package-lock.json"]) {
    for (const byte of fs.readFileSync(path.join(here, name))) {
      hash ^= BigInt(byte);
      hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  }
  return hash.toString(16).padStart(16, "0");
}

const result = await esbuild.build({
  entryPoints: [path.join(here, "entry.mjs")],
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "CopydeskEditor",
  target: ["es2020"],
  legalComments: "none",
  write: false,
});
// CodeMirror and its helpers (style-mod, w3c-keyname, crelt,
// find-cluster-break) are all Marijn Haverbeke's, under this MIT license.
const license = fs.readFileSync(path.join(here, "node_modules/@codemirror/view/LICENSE"), "utf8").trim();
const header =
  `/* copydesk serve editor: CodeMirror 6, bundled by src/serve/page/editor/build.mjs; inputs fnv1a64 ${inputsHash()} */\n` +
  `/* CodeMirror, style-mod, w3c-keyname, crelt and find-cluster-break:\n\n${license.replaceAll("*/", "* /")}\n*/\n`;
// EDITOR_OUT: write elsewhere (tests/serve_editor.rs compares a fresh build).
const out = process.env.EDITOR_OUT || path.join(here, "..", "editor.js");
fs.writeFileSync(out, header + result.outputFiles[0].text);
console.log(`wrote ${out} (${result.outputFiles[0].text.length} bytes)`);
