// The copydesk VS Code extension: a thin client that starts `copydesk lsp`
// and lets vscode-languageclient do the rest (diagnostics, quick fixes,
// hover, commands). It holds no copydesk logic of its own: everything a
// writer sees comes from the server, so VS Code, Neovim and any other LSP
// editor behave the same.

import * as vscode from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  ExecuteCommandRequest,
  State,
  TransportKind,
} from "vscode-languageclient/node";

import { findServer, type ServerLookup } from "./server-path";

/** The languages copydesk checks without any setting; `copydesk.extraLanguages` adds more. */
export const DEFAULT_LANGUAGES = ["markdown", "plaintext", "text", "gitcommit", "mdx"];

/**
 * Settings whose change needs a new server process (the binary, or the
 * document selector, which is fixed when the client starts).
 */
const RESTART_SETTINGS = ["copydesk.path", "copydesk.extraLanguages"];

let client: LanguageClient | undefined;
let outputChannel: vscode.LogOutputChannel | undefined;
/**
 * Starts, stops and restarts run one after another: two settings changes in
 * a row must not start two servers.
 */
let lifecycle: Promise<void> = Promise.resolve();

function serially(step: () => Promise<void>): Promise<void> {
  lifecycle = lifecycle.then(step, step);
  return lifecycle;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // One channel for the whole session, so restarts append to the same log
  // instead of opening a new "copydesk" entry each time.
  outputChannel = vscode.window.createOutputChannel("copydesk", { log: true });
  context.subscriptions.push(outputChannel);

  context.subscriptions.push(
    vscode.commands.registerCommand("copydesk.restart", () => restart(context)),
    vscode.commands.registerCommand("copydesk.showOutput", () => outputChannel?.show(true)),
    vscode.commands.registerCommand("copydesk.fixAllInFile", () => fixAllInActiveEditor()),
    vscode.commands.registerCommand("copydesk.tightenHere", () => modelActionHere(TIGHTEN_KIND)),
    vscode.commands.registerCommand("copydesk.suggestTransitionHere", () => modelActionHere(BRIDGE_KIND)),
    vscode.commands.registerCommand("copydesk.reviewFile", () => reviewActiveEditor()),
    vscode.commands.registerCommand("copydesk.trustGuide", () => trustActiveGuide()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (RESTART_SETTINGS.some((setting) => event.affectsConfiguration(setting))) {
        void restart(context);
      }
    }),
  );

  await serially(() => start(context));
}

export async function deactivate(): Promise<void> {
  await serially(stop);
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const settings = vscode.workspace.getConfiguration("copydesk");
  const lookup = findServer(
    settings.get<string>("path", ""),
    process.env,
    workspaceFolderPath(),
    process.platform,
    context.extensionPath,
  );
  if (lookup.kind !== "found") {
    reportMissingServer(context, lookup);
    return;
  }
  const from = { setting: "from the setting copydesk.path", bundled: "bundled with the extension", path: "found on PATH" };
  outputChannel?.info(`Starting ${lookup.path} lsp --stdio (${from[lookup.source]})`);

  const serverOptions: ServerOptions = {
    command: lookup.path,
    // vscode-languageclient appends `--stdio` for TransportKind.stdio;
    // `copydesk lsp` accepts it.
    args: ["lsp"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(settings.get<string[]>("extraLanguages", [])),
    outputChannel,
    // The first check already uses the settings (guidePath above all)...
    initializationOptions: () => serverSettings(vscode.workspace.getConfiguration("copydesk")),
    // ...and later changes reach the server as `didChangeConfiguration`,
    // after which it reads them with `workspace/configuration`.
    synchronize: { configurationSection: "copydesk" },
    middleware: {
      workspace: {
        // Answer the server's `workspace/configuration` for "copydesk" with
        // the same cleaned-up values as the initialization options.
        configuration: async (params, token, next) => {
          const answers = await next(params, token);
          if (!Array.isArray(answers)) {
            return answers;
          }
          return params.items.map((item, index) =>
            item.section === "copydesk"
              ? serverSettings(
                  vscode.workspace.getConfiguration(
                    "copydesk",
                    item.scopeUri === undefined ? undefined : vscode.Uri.parse(item.scopeUri),
                  ),
                )
              : answers[index],
          );
        },
      },
    },
  };

  client = new LanguageClient("copydesk", "copydesk", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (error) {
    // vscode-languageclient has already shown the error with a "Go to
    // output" button; a second notification would only repeat it.
    outputChannel?.error(`The language server did not start: ${String(error)}`);
  }
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined && running.state !== State.Stopped) {
    await running.stop();
  }
}

function restart(context: vscode.ExtensionContext): Promise<void> {
  return serially(async () => {
    await stop();
    await start(context);
  });
}

/**
 * Apply every safe fix in the active document: the server's `copydesk.fixAll`
 * command computes the edit and applies it with `workspace/applyEdit`. (The
 * same edit is offered as the `source.fixAll.copydesk` code action, for
 * `editor.codeActionsOnSave`.)
 */
/**
 * The running client and the active editor's document, or a warning that
 * says which is missing (`what`: "fix", "review").
 */
function clientAndDocument(what: string): [LanguageClient, vscode.TextDocument] | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showWarningMessage("copydesk: the language server is not running");
    return undefined;
  }
  if (document === undefined) {
    void vscode.window.showWarningMessage(`copydesk: open a file to ${what} first`);
    return undefined;
  }
  return [client, document];
}

async function fixAllInActiveEditor(): Promise<void> {
  const target = clientAndDocument("fix");
  if (target === undefined) {
    return;
  }
  const [client, document] = target;
  try {
    await client.sendRequest(ExecuteCommandRequest.type, {
      command: "copydesk.fixAll",
      arguments: [document.uri.toString()],
    });
  } catch (error) {
    void vscode.window.showErrorMessage(`copydesk: fix all failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Ask the server to ask the writer (its "Allow" / "Not now" question) whether
 * the active file's copydesk.toml may send drafts to the model endpoint it
 * names (src/server/trust.rs). Consent is recorded outside the repository,
 * in the same store `copydesk trust` writes.
 */
async function trustActiveGuide(): Promise<void> {
  const target = clientAndDocument("trust its guide");
  if (target === undefined) {
    return;
  }
  const [running, document] = target;
  try {
    const answer = (await running.sendRequest(ExecuteCommandRequest.type, {
      command: "copydesk.trust",
      arguments: [document.uri.toString()],
    })) as { trusted: boolean; guide?: string } | null;
    if (answer?.trusted === true && answer.guide === undefined) {
      void vscode.window.showInformationMessage("copydesk: this folder's guide sends nothing that needs your consent");
    } else if (answer?.trusted === true) {
      void vscode.window.showInformationMessage(`copydesk: trusted ${answer.guide}`);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`copydesk: trust failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** What `copydesk.review` answers (src/server/review.rs). */
interface ReviewAnswer {
  findings: number;
  paragraphs: number;
  requests: number;
  cacheHits: number;
  unlocated: number;
  hiddenLowConfidence: number;
  overBudget: number;
  error: string | null;
}

/**
 * Ask the model the guide's review questions about the active file now (the
 * server also does on save when `[review] on_save` is on). Its findings
 * arrive as diagnostics with the source "copydesk (model)".
 */
async function reviewActiveEditor(): Promise<void> {
  const target = clientAndDocument("review");
  if (target === undefined) {
    return;
  }
  const [running, document] = target;
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "copydesk: reviewing with the model…" },
    async () => {
      try {
        const answer = (await running.sendRequest(ExecuteCommandRequest.type, {
          command: "copydesk.review",
          arguments: [document.uri.toString()],
        })) as ReviewAnswer | null;
        if (answer === null) {
          return;
        }
        const summary = `copydesk: model review found ${answer.findings} to look at (${answer.requests} requests, ${answer.cacheHits} from the cache)`;
        if (answer.error !== null) {
          void vscode.window.showWarningMessage(`${summary}; ${answer.error}`);
        } else {
          void vscode.window.showInformationMessage(summary);
        }
      } catch (error) {
        void vscode.window.showErrorMessage(
          `copydesk: review failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  );
}

/** The code action kinds of the server's model actions (src/server/model.rs). */
export const TIGHTEN_KIND = "refactor.rewrite.copydesk.tighten";
export const BRIDGE_KIND = "refactor.rewrite.copydesk.bridge";

/**
 * Tighten or Bridge at the cursor or selection: ask VS Code for the
 * server's code actions of that kind, as Ctrl+. would, and apply the only
 * one or let the writer pick. Going through code actions (not the server's
 * `copydesk.tighten` command) keeps VS Code's own flow: the model is called
 * in `codeAction/resolve` with progress, and the edit's change annotation
 * opens the refactor preview with the diff before anything changes.
 */
async function modelActionHere(kind: string): Promise<void> {
  if (client === undefined || !client.isRunning()) {
    void vscode.window.showWarningMessage("copydesk: the language server is not running");
    return;
  }
  if (vscode.window.activeTextEditor === undefined) {
    void vscode.window.showWarningMessage("copydesk: open a draft first");
    return;
  }
  await vscode.commands.executeCommand("editor.action.codeAction", { kind, apply: "ifSingle" });
}

/** Files of every default language plus the extra ones, on disk or unsaved. */
export function documentSelector(extraLanguages: readonly string[]): { language: string; scheme: string }[] {
  const languages = [...new Set([...DEFAULT_LANGUAGES, ...extraLanguages.map((id) => id.trim()).filter((id) => id !== "")])];
  return languages.flatMap((language) => [
    { language, scheme: "file" },
    { language, scheme: "untitled" },
  ]);
}

/**
 * The settings the server reads (see src/server/settings.rs), as plain JSON.
 * The extension's own keys (path, trace) stay out.
 */
export function serverSettings(settings: vscode.WorkspaceConfiguration): Record<string, unknown> {
  // The settings editor leaves "" behind when a path is cleared; that means unset.
  const guidePath = settings.get<string | null>("guidePath", null)?.trim() || null;
  return {
    guidePath,
    extraLanguages: settings.get<string[]>("extraLanguages", []),
    maxDocumentBytes: settings.get<number>("maxDocumentBytes", 2 * 1024 * 1024),
    maxDiagnostics: settings.get<number>("maxDiagnostics", 1000),
    llm: modelSettings(settings),
  };
}

/**
 * The `copydesk.llm.*` settings as the server's `llm` object, with only the
 * keys that are set: the server treats an empty object as no model at all,
 * and the guide's `[llm]` wins key by key over these.
 */
export function modelSettings(settings: vscode.WorkspaceConfiguration): Record<string, string | number> {
  const llm: Record<string, string | number> = {};
  for (const key of ["baseUrl", "model", "apiKeyEnv"]) {
    const value = settings.get<string | null>(`llm.${key}`, null)?.trim();
    if (value) {
      llm[key] = value;
    }
  }
  for (const key of ["timeoutSecs", "maxConcurrency", "temperature"]) {
    const value = settings.get<number | null>(`llm.${key}`, null);
    if (typeof value === "number") {
      llm[key] = value;
    }
  }
  return llm;
}

function workspaceFolderPath(): string | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
}

function reportMissingServer(context: vscode.ExtensionContext, lookup: Exclude<ServerLookup, { kind: "found" }>): void {
  const message =
    lookup.kind === "bad-setting"
      ? `copydesk: “${lookup.path}” from the setting copydesk.path is not an executable file`
      : "copydesk: this package carries no copydesk server for this platform and none is on PATH. Install it, or set copydesk.path to where it is";
  outputChannel?.error(message);
  void vscode.window.showErrorMessage(message, "Install instructions", "Open settings").then((choice) => {
    if (choice === "Install instructions") {
      // The extension ships its README, whose first section is how to
      // install the binary; opening it works offline.
      void vscode.commands.executeCommand(
        "markdown.showPreview",
        vscode.Uri.joinPath(context.extensionUri, "README.md"),
      );
    } else if (choice === "Open settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "copydesk.path");
    }
  });
}
