// Finding the `copydesk` binary: the `copydesk.path` setting when set, else
// the server bundled with the extension (a platform package carries one in
// server/, see scripts/package.mjs), else the first `copydesk` on PATH. Kept
// free of the `vscode` module so the Node tests can run it without a VS Code.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export type ServerLookup =
  | { kind: "found"; path: string; source: "setting" | "bundled" | "path" }
  /** The setting names a file that does not exist or cannot be run. */
  | { kind: "bad-setting"; path: string }
  /** No setting, no bundled server, and no `copydesk` on PATH. */
  | { kind: "not-on-path" };

/** Where a platform package keeps its server, inside the extension folder. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform = process.platform): string {
  return path.join(extensionPath, "server", platform === "win32" ? "copydesk.exe" : "copydesk");
}

/**
 * Resolve the server binary. `setting` may start with `~` or
 * `${workspaceFolder}`, or be relative to the first workspace folder.
 * `extensionPath` is the extension's folder, where a platform package keeps
 * its server (undefined: look on PATH only).
 */
export function findServer(
  setting: string,
  env: NodeJS.ProcessEnv,
  workspaceFolder: string | undefined,
  platform: NodeJS.Platform = process.platform,
  extensionPath?: string,
): ServerLookup {
  const configured = setting.trim();
  if (configured !== "") {
    const resolved = expandSetting(configured, workspaceFolder);
    return isExecutableFile(resolved, platform)
      ? { kind: "found", path: resolved, source: "setting" }
      : { kind: "bad-setting", path: resolved };
  }
  if (extensionPath !== undefined) {
    const bundled = bundledServerPath(extensionPath, platform);
    if (isExecutableFile(bundled, platform) || (makeExecutable(bundled, platform) && isExecutableFile(bundled, platform))) {
      return { kind: "found", path: bundled, source: "bundled" };
    }
  }
  const names = platform === "win32" ? windowsNames(env) : ["copydesk"];
  for (const directory of (env.PATH ?? env.Path ?? "").split(path.delimiter)) {
    if (directory === "") {
      continue;
    }
    for (const name of names) {
      const candidate = path.join(directory, name);
      if (isExecutableFile(candidate, platform)) {
        return { kind: "found", path: candidate, source: "path" };
      }
    }
  }
  return { kind: "not-on-path" };
}

function expandSetting(setting: string, workspaceFolder: string | undefined): string {
  let expanded = setting;
  if (workspaceFolder !== undefined) {
    expanded = expanded.replaceAll("${workspaceFolder}", workspaceFolder);
  }
  if (expanded === "~" || expanded.startsWith("~/")) {
    expanded = path.join(os.homedir(), expanded.slice(1));
  }
  if (!path.isAbsolute(expanded) && workspaceFolder !== undefined) {
    expanded = path.join(workspaceFolder, expanded);
  }
  return expanded;
}

function windowsNames(env: NodeJS.ProcessEnv): string[] {
  const extensions = (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").filter((extension) => extension !== "");
  return extensions.map((extension) => `copydesk${extension.toLowerCase()}`);
}

function isExecutableFile(candidate: string, platform: NodeJS.Platform): boolean {
  try {
    if (!fs.statSync(candidate).isFile()) {
      return false;
    }
    if (platform !== "win32") {
      fs.accessSync(candidate, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

/**
 * A bundled server whose executable bit was lost on the way (an unzip that
 * drops modes) is made executable again; false when it is not there at all.
 */
function makeExecutable(candidate: string, platform: NodeJS.Platform): boolean {
  if (platform === "win32") {
    return false;
  }
  try {
    if (!fs.statSync(candidate).isFile()) {
      return false;
    }
    fs.chmodSync(candidate, 0o755);
    return true;
  } catch {
    return false;
  }
}
