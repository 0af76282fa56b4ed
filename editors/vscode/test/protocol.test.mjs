// The fast check of the VS Code path: drive `copydesk lsp --stdio` from Node
// with the same protocol library vscode-languageclient uses, sending the
// initialize request VS Code itself sends (captured from code-server into
// fixtures/vscode-initialize.json by scripts/capture-initialize.mjs), then
// open a post, wait for diagnostics, ask for code actions the way VS Code
// does when the writer presses Ctrl+., apply the quick fix and see the
// finding go.
//
// The binary is $COPYDESK_BIN, else target/debug/copydesk of this clone.
// Run: `npm run test:protocol` in editors/vscode.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const protocol = require("vscode-languageserver-protocol/node");
const { TextDocument } = require("vscode-languageserver-textdocument");

const here = path.dirname(fileURLToPath(import.meta.url));
const repository = path.resolve(here, "../../..");
const fixtures = path.join(here, "fixtures");
const binary = process.env.COPYDESK_BIN || path.join(repository, "target/debug/copydesk");
const TIMEOUT_MS = 20_000;

test("copydesk lsp serves VS Code: diagnostics, a quick fix, and the fix clears the finding", async (t) => {
  assert.ok(fs.existsSync(binary), `no copydesk binary at ${binary}: run \`cargo build\` or set COPYDESK_BIN`);
  const session = await Session.start(t);
  try {
    const text = fs.readFileSync(path.join(fixtures, "post.md"), "utf8");
    const uri = session.open("post.md", "markdown", text);

    const first = await session.diagnosticsFor(uri, 1, (items) => items.length > 0);
    const wordy = first.find((d) => d.code === "concise/wordy-phrase");
    assert.ok(wordy, `expected a concise/wordy-phrase finding, got ${describe(first)}`);
    assert.equal(wordy.source, "copydesk");
    assert.equal(textAt(text, wordy.range), "in order to");

    // What VS Code sends for Ctrl+. on the finding: the range under the
    // cursor, the diagnostics there, no `only` filter, trigger = Invoke.
    const actions = await session.request(protocol.CodeActionRequest.type, {
      textDocument: { uri },
      range: wordy.range,
      context: { diagnostics: [wordy], triggerKind: protocol.CodeActionTriggerKind.Invoke },
    });
    assert.ok(Array.isArray(actions) && actions.length > 0, `no code actions for ${describe([wordy])}`);
    let fix = actions.find((a) => a.kind === "quickfix" && a.title === "Replace with “to”");
    assert.ok(fix, `no “Replace with “to”” quick fix among ${actions.map((a) => a.title).join(" | ")}`);
    // "in order to" follows a noun ("May") here, where dropping it can change
    // the meaning: the fix is Unsafe, offered but not the preferred one.
    assert.notEqual(fix.isPreferred, true, "an Unsafe fix is not the preferred quick fix");
    if (fix.edit === undefined) {
      // VS Code advertises resolveSupport for `edit`, so a server may defer it.
      fix = await session.request(protocol.CodeActionResolveRequest.type, fix);
    }
    assert.ok(fix.edit, "the resolved quick fix carries an edit");

    const fixed = applyWorkspaceEdit(text, uri, fix.edit);
    assert.equal(fixed, text.replace("in order to give", "to give"));

    session.change(uri, 2, text, fixed);
    const second = await session.diagnosticsFor(uri, 2, () => true);
    assert.ok(
      !second.some((d) => d.code === "concise/wordy-phrase"),
      `the fixed phrase is still reported: ${describe(second)}`,
    );
    // Only the fixed finding went; the others stay where they were.
    assert.equal(second.length, first.length - 1, `before: ${describe(first)}\nafter: ${describe(second)}`);
  } finally {
    await session.close();
  }
});

const WORDY =
  "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. You can read all about it at https://acme.example/berlin.";
// The guard turns down a rewrite that drops a fact or an ability ("can"),
// so the model's answer keeps both.
const TIGHT =
  "To better serve our 12,000 customers in Berlin, we open a new office on 3 March. You can read all about it at https://acme.example/berlin.";

test("Tighten with a model: listed at once, resolved into an edit VS Code previews", async (t) => {
  assert.ok(fs.existsSync(binary), `no copydesk binary at ${binary}: run \`cargo build\` or set COPYDESK_BIN`);
  const model = await fakeModel(TIGHT);
  // The `llm` object the extension builds from the copydesk.llm.* settings.
  const settings = { llm: { baseUrl: model.url, model: "test-model", timeoutSecs: 10 } };
  const session = await Session.start(t, settings);
  try {
    const text = `# Launch\n\n${WORDY}\n`;
    const uri = session.open("launch.md", "markdown", text);
    await session.diagnosticsFor(uri, 1, () => true);
    const document = TextDocument.create(uri, "markdown", 1, text);
    const cursor = document.positionAt(text.indexOf("in order to"));
    // What the "Tighten with the model" command sends: editor.action.codeAction
    // with the Tighten kind at the cursor.
    const actions = await session.request(protocol.CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: cursor, end: cursor },
      context: { diagnostics: [], only: ["refactor.rewrite.copydesk.tighten"], triggerKind: protocol.CodeActionTriggerKind.Invoke },
    });
    const titles = (actions ?? []).map((a) => a.title);
    assert.deepEqual(titles, ["Tighten sentence with test-model", "Tighten paragraph with test-model"]);
    assert.equal(model.requests, 0, "listing makes no model call");
    const listed = actions[1];
    assert.equal(listed.edit, undefined, "the model is called on resolve");

    const resolved = await session.request(protocol.CodeActionResolveRequest.type, listed);
    assert.equal(model.requests, 1);
    const annotation = resolved.edit?.changeAnnotations?.["copydesk.model"];
    assert.ok(annotation, `no change annotation: ${JSON.stringify(resolved)}`);
    assert.equal(annotation.needsConfirmation, true, "VS Code previews the edit before applying it");
    assert.ok(annotation.description.includes(`+${TIGHT}`), annotation.description);
    const edits = resolved.edit.documentChanges.flatMap((change) => change.edits);
    assert.ok(edits.length > 1 && edits.every((edit) => edit.annotationId === "copydesk.model"));
    assert.equal(resolved.edit.documentChanges[0].textDocument.version, 1);
    assert.equal(applyWorkspaceEdit(text, uri, resolved.edit), text.replace(WORDY, TIGHT));
  } finally {
    await session.close();
    model.close();
  }
});

/**
 * An OpenAI-compatible chat endpoint on 127.0.0.1 that always answers
 * `reply`; `requests` counts the calls.
 */
async function fakeModel(reply) {
  const state = { requests: 0 };
  const server = http.createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      state.requests += 1;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          id: "chatcmpl-test",
          object: "chat.completion",
          created: 1_700_000_000,
          model: "test-model",
          choices: [{ index: 0, message: { role: "assistant", content: reply }, finish_reason: "stop" }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/v1`,
    get requests() {
      return state.requests;
    },
    close: () => server.close(),
  };
}

/** One server process and the JSON-RPC connection to it, VS Code style. */
class Session {
  /** `settings`: the `copydesk` section, sent as VS Code's extension sends it. */
  static async start(t, settings = {}) {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "copydesk-protocol-"));
    // A cache of its own: with the user's, a fake model on a port an
    // earlier run used would be answered from that run's suggestions.
    const env = { ...process.env, COPYDESK_CACHE_DIR: path.join(workspace, ".cache") };
    const child = spawn(binary, ["lsp", "--stdio"], { cwd: workspace, env, stdio: ["pipe", "pipe", "pipe"] });
    const stderr = [];
    child.stderr.on("data", (chunk) => stderr.push(chunk));
    const connection = protocol.createProtocolConnection(
      new protocol.StreamMessageReader(child.stdout),
      new protocol.StreamMessageWriter(child.stdin),
    );
    const session = new Session(t, workspace, child, connection, stderr);
    session.configuration = { copydesk: settings };
    connection.listen();
    await session.initialize();
    return session;
  }

  constructor(t, workspace, child, connection, stderr) {
    this.t = t;
    this.workspace = workspace;
    this.child = child;
    this.connection = connection;
    this.stderr = stderr;
    this.exit = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    /** uri → list of { version, diagnostics } in arrival order */
    this.published = new Map();
    this.waiters = [];
    this.configuration = { copydesk: {} };

    connection.onNotification(protocol.PublishDiagnosticsNotification.type, (params) => {
      const list = this.published.get(params.uri) ?? [];
      list.push(params);
      this.published.set(params.uri, list);
      for (const waiter of [...this.waiters]) {
        waiter();
      }
    });
    // The requests VS Code answers for a server, answered as VS Code would.
    connection.onRequest(protocol.ConfigurationRequest.type, (params) =>
      params.items.map((item) => (item.section === undefined ? this.configuration : this.configuration[item.section] ?? null)),
    );
    connection.onRequest(protocol.RegistrationRequest.type, () => null);
    connection.onRequest(protocol.UnregistrationRequest.type, () => null);
    connection.onRequest(protocol.WorkDoneProgressCreateRequest.type, () => null);
    connection.onRequest(protocol.ShowMessageRequest.type, () => null);
    connection.onRequest(protocol.WorkspaceFoldersRequest.type, () => [this.folder()]);
    connection.onRequest(protocol.DiagnosticRefreshRequest.type, () => null);
    connection.onRequest(protocol.CodeLensRefreshRequest.type, () => null);
    connection.onRequest(protocol.InlayHintRefreshRequest.type, () => null);
    connection.onRequest(protocol.SemanticTokensRefreshRequest.type, () => null);
    connection.onNotification(protocol.LogMessageNotification.type, () => {});
    connection.onNotification(protocol.ShowMessageNotification.type, (params) => {
      t.diagnostic(`server showMessage: ${params.message}`);
    });
  }

  folder() {
    return { uri: pathToFileURL(this.workspace).href, name: path.basename(this.workspace) };
  }

  async initialize() {
    const captured = JSON.parse(fs.readFileSync(path.join(fixtures, "vscode-initialize.json"), "utf8"));
    const folder = this.folder();
    const params = {
      ...captured,
      // The extension sends its settings here too, so the first check uses them.
      initializationOptions: this.configuration.copydesk,
      processId: process.pid,
      rootPath: this.workspace,
      rootUri: folder.uri,
      workspaceFolders: [folder],
    };
    const result = await this.request(protocol.InitializeRequest.type, params);
    this.capabilities = result.capabilities;
    const encoding = result.capabilities.positionEncoding ?? "utf-16";
    assert.equal(encoding, "utf-16", "VS Code offers only UTF-16 positions");
    const sync = result.capabilities.textDocumentSync;
    this.syncKind = typeof sync === "number" ? sync : sync?.change ?? protocol.TextDocumentSyncKind.None;
    assert.ok(result.capabilities.codeActionProvider, "the server offers code actions");
    this.connection.sendNotification(protocol.InitializedNotification.type, {});
  }

  request(type, params) {
    return withTimeout(this.connection.sendRequest(type, params), `${type.method}`, this);
  }

  open(name, languageId, text) {
    const file = path.join(this.workspace, name);
    fs.writeFileSync(file, text);
    const uri = pathToFileURL(file).href;
    this.connection.sendNotification(protocol.DidOpenTextDocumentNotification.type, {
      textDocument: { uri, languageId, version: 1, text },
    });
    return uri;
  }

  /** Send the change as VS Code does: one range edit when the server syncs incrementally. */
  change(uri, version, before, after) {
    let contentChanges = [{ text: after }];
    if (this.syncKind === protocol.TextDocumentSyncKind.Incremental) {
      let start = 0;
      while (start < before.length && before[start] === after[start]) start++;
      let end = 0;
      while (end < before.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
      const document = TextDocument.create(uri, "markdown", 1, before);
      contentChanges = [
        {
          range: { start: document.positionAt(start), end: document.positionAt(before.length - end) },
          text: after.slice(start, after.length - end),
        },
      ];
    }
    this.connection.sendNotification(protocol.DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version },
      contentChanges,
    });
  }

  /** The first diagnostics published for `version` of `uri` that satisfy `accept`. */
  diagnosticsFor(uri, version, accept) {
    const find = () =>
      (this.published.get(uri) ?? []).find(
        (params) => (params.version === undefined || params.version === version) && accept(params.diagnostics),
      );
    return withTimeout(
      new Promise((resolve) => {
        const check = () => {
          const found = find();
          if (found) {
            this.waiters = this.waiters.filter((waiter) => waiter !== check);
            resolve(found.diagnostics);
          }
        };
        this.waiters.push(check);
        check();
      }),
      `publishDiagnostics for version ${version}`,
      this,
    );
  }

  async close() {
    try {
      if (this.child.exitCode === null) {
        await this.request(protocol.ShutdownRequest.type, undefined);
        this.connection.sendNotification(protocol.ExitNotification.type);
        const { code } = await withTimeout(this.exit, "exit after shutdown", this);
        assert.equal(code, 0, "the server exits with 0 after shutdown and exit");
      }
    } finally {
      this.connection.dispose();
      this.child.kill();
      fs.rmSync(this.workspace, { recursive: true, force: true });
    }
  }
}

function withTimeout(promise, what, session) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const log = Buffer.concat(session.stderr).toString("utf8").slice(-4000);
      reject(new Error(`timed out after ${TIMEOUT_MS} ms waiting for ${what}\nserver stderr:\n${log}`));
    }, TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Apply a WorkspaceEdit for one document (both `changes` and `documentChanges` forms), as VS Code does. */
function applyWorkspaceEdit(text, uri, edit) {
  const edits = [];
  for (const [target, list] of Object.entries(edit.changes ?? {})) {
    assert.equal(target, uri, "the fix edits only the open document");
    edits.push(...list);
  }
  for (const change of edit.documentChanges ?? []) {
    assert.ok(change.textDocument, `unexpected resource operation ${JSON.stringify(change)}`);
    assert.equal(change.textDocument.uri, uri, "the fix edits only the open document");
    edits.push(...change.edits);
  }
  assert.ok(edits.length > 0, `the edit changes nothing: ${JSON.stringify(edit)}`);
  return TextDocument.applyEdits(TextDocument.create(uri, "markdown", 1, text), edits);
}

function textAt(text, range) {
  const document = TextDocument.create("file:///x", "markdown", 1, text);
  return text.slice(document.offsetAt(range.start), document.offsetAt(range.end));
}

function describe(diagnostics) {
  return diagnostics.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character} ${d.message}`).join("; ") || "none";
}
