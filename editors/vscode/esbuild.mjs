// Bundles the extension into one file, dist/extension.js, so the .vsix
// carries no node_modules. `vscode` is provided by the editor at run time.
// dist/server-path.js is built on its own for the Node tests.
import * as esbuild from "esbuild";

const watch = process.argv.includes("--watch");
const options = {
  entryPoints: { extension: "src/extension.ts", "server-path": "src/server-path.ts" },
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["vscode"],
  sourcemap: true,
  minify: !watch,
  logLevel: "info",
};

if (watch) {
  await (await esbuild.context(options)).watch();
} else {
  await esbuild.build(options);
}
