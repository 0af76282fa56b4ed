// copydesk serve: the pre-publish page. Plain JavaScript, no build step;
// the server does all checking, counting and splitting.
"use strict";

const token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
const post = $("post");

const QUESTIONS = [
  { id: "helpful", text: "Is it helpful to your network?", rules: ["share/"], match: ["link", "hashtag", "mention", "key-message"] },
  { id: "conflict", text: "Could it cause pain or conflict (race, religion, creed, culture)?", match: ["sensitive"] },
  { id: "reputation", text: "Could it harm someone's reputation, and do you have the facts?", match: ["reputation", "unsubstantiated", "confidential", "personal-data", "disclosure", "embargo"] },
  { id: "inspire", text: "Does it inspire?", match: ["voice/", "concise/", "flow/"] },
  { id: "proud", text: "Would the people you respect be proud of it?", match: ["voice/", "competitor", "profan"] },
];

const state = {
  info: null,
  findings: [],
  result: null,
  file: null, // { path, original }
  applied: [],
  confirmed: {},
  timer: null,
  sequence: 0,
};

async function api(path, body) {
  const response = await fetch(path, {
    method: body === undefined ? "GET" : "POST",
    headers: { "X-Copydesk-Token": token, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function say(message, bad) {
  const status = $("status");
  status.textContent = message;
  status.className = bad ? "bad" : "";
}

// UTF-8 byte offsets (the server's) to UTF-16 indices (the page's).
function byteIndex(text) {
  const map = new Map();
  let bytes = 0;
  let index = 0;
  for (const ch of text) {
    map.set(bytes, index);
    const code = ch.codePointAt(0);
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    index += ch.length;
  }
  map.set(bytes, index);
  return (offset) => (map.has(offset) ? map.get(offset) : text.length);
}

function selectedPlatforms() {
  return [...document.querySelectorAll("#platforms input:checked")].map((input) => input.value);
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(runCheck, 250);
}

async function runCheck() {
  const sequence = ++state.sequence;
  const text = post.value;
  try {
    const result = await api("/api/check", {
      text,
      path: state.file ? state.file.path : null,
      platforms: selectedPlatforms(),
    });
    if (sequence !== state.sequence || text !== post.value) return;
    state.result = result;
    state.findings = result.file.findings;
    showVoice(result.voice);
    render(text, result);
  } catch (error) {
    say(`Could not check the post: ${error.message}`, true);
  }
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function render(text, result) {
  const toIndex = byteIndex(text);
  renderUnderlines(text, toIndex);
  renderFindings(text, toIndex, result);
  renderPreviews(text, toIndex, result);
  renderQuestions();
  renderReady();
  $("counts").textContent = `${result.words} words, ${[...text].length} characters`;
}

function renderUnderlines(text, toIndex) {
  const backdrop = $("backdrop");
  backdrop.replaceChildren();
  const spans = state.findings
    .map((f) => ({ start: toIndex(f.range.start.offset), end: toIndex(f.range.end.offset), severity: f.severity }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    backdrop.append(text.slice(at, span.start));
    backdrop.append(el("mark", { class: span.severity }, text.slice(span.start, span.end)));
    at = span.end;
  }
  backdrop.append(text.slice(at) + "\n");
  backdrop.scrollTop = post.scrollTop;
}

function fixControl(text, toIndex, finding, fix) {
  const diff = el("span", { class: "diff" });
  for (const edit of fix.edits) {
    const start = toIndex(edit.start);
    const end = toIndex(edit.end);
    const before = text.slice(Math.max(0, start - 20), start);
    const after = text.slice(end, end + 20);
    diff.append("…" + before, el("del", {}, text.slice(start, end)), el("ins", {}, edit.replacement), after + "…");
  }
  if (fix.applicability === "display-only") {
    return el("div", {}, diff, el("span", { class: "muted" }, `Suggestion only (${fix.title}): not applied automatically; edit the text yourself if you agree.`));
  }
  const unsafe = fix.applicability === "unsafe";
  const button = el(
    "button",
    { type: "button", class: "apply", onclick: () => applyFix(text, toIndex, finding, fix) },
    unsafe ? `Apply (unsafe: may change meaning): ${fix.title}` : `Apply: ${fix.title}`,
  );
  return el("div", {}, diff, button);
}

function applyFix(text, toIndex, finding, fix) {
  if (post.value !== text) {
    say("The text changed; the fix was not applied. Try again once the findings update.", true);
    return;
  }
  const edits = [...fix.edits].sort((a, b) => b.start - a.start);
  let next = text;
  for (const edit of edits) {
    next = next.slice(0, toIndex(edit.start)) + edit.replacement + next.slice(toIndex(edit.end));
  }
  post.value = next;
  state.applied.push({ rule: finding.rule, message: finding.message, fix: fix.title, applicability: fix.applicability });
  say(`Applied: ${fix.title}`);
  post.focus();
  runCheck();
}

function renderFindings(text, toIndex, result) {
  const list = $("findings");
  list.replaceChildren();
  $("finding-count").textContent = `(${state.findings.length})`;
  if (state.findings.length === 0) {
    list.append(el("li", { class: "muted" }, "No findings."));
  }
  for (const finding of state.findings) {
    const quote = text.slice(toIndex(finding.range.start.offset), toIndex(finding.range.end.offset));
    const summary = result.rules[finding.rule] ? result.rules[finding.rule].summary : "";
    const item = el(
      "li",
      { class: "finding" },
      el("span", { class: `sev ${finding.severity}` }, finding.severity), " ",
      el("span", { class: "rule" }, finding.rule), " ",
      el("button", { type: "button", class: "goto", "aria-label": `Line ${finding.range.start.line}: select “${quote}” in the post`, onclick: () => {
        post.focus();
        post.setSelectionRange(toIndex(finding.range.start.offset), toIndex(finding.range.end.offset));
      } }, `Line ${finding.range.start.line}`),
      el("div", { class: "message" }, finding.message),
      summary ? el("div", { class: "muted explain" }, summary) : null,
      finding.note ? el("div", { class: "muted" }, finding.note) : null,
    );
    for (const fix of finding.fixes) item.append(fixControl(text, toIndex, finding, fix));
    list.append(item);
  }
}

function renderPreviews(text, toIndex, result) {
  const list = $("preview-list");
  list.replaceChildren();
  for (const platform of result.platforms) {
    const over = platform.max_chars !== null && platform.count > platform.max_chars;
    const unit = platform.counting === "graphemes" ? "characters as Bluesky counts them" : platform.counting === "x-weighted" ? "weighted characters" : "characters";
    const count = el("span", { class: over ? "count over-limit" : "count" }, `${platform.count}${platform.max_chars !== null ? "/" + platform.max_chars : ""} ${unit}`);
    const body = el("div", { class: "body" });
    const fold = platform.fold_at === null ? null : toIndex(platform.fold_at);
    const overflow = platform.overflow_at === null ? null : toIndex(platform.overflow_at);
    const cut = overflow === null ? text.length : overflow;
    if (fold !== null && fold < cut) {
      body.append(text.slice(0, fold), el("span", { class: "fold", role: "note" }, "…see more (the fold)"), text.slice(fold, cut));
    } else {
      body.append(text.slice(0, cut));
    }
    if (overflow !== null) body.append(el("span", { class: "over", title: "over the limit" }, text.slice(overflow)));
    const box = el("section", { class: "preview", "aria-label": `${platform.name} preview`, "data-platform": platform.id },
      el("h3", {}, platform.name, " ", count), body);
    if (platform.thread) {
      const thread = el("ol", { class: "thread", "aria-label": `${platform.name} thread` });
      for (const part of platform.thread) thread.append(el("li", {}, part));
      box.append(el("p", {}, `Too long for one post: as a thread of ${platform.thread.length}, split at sentence boundaries:`), thread);
    }
    list.append(box);
  }
}

function findingsFor(question) {
  return state.findings.filter((f) => question.match.some((m) => f.rule.includes(m)));
}

function renderQuestions() {
  const list = $("questions");
  if (!list.children.length) {
    for (const question of QUESTIONS) {
      const box = el("input", { type: "checkbox", id: `q-${question.id}` });
      box.addEventListener("change", () => {
        state.confirmed[question.id] = box.checked;
        renderReady();
      });
      list.append(el("li", {}, box, " ", el("label", { for: `q-${question.id}` }, question.text), el("div", { class: "muted", id: `q-${question.id}-findings` })));
    }
  }
  for (const question of QUESTIONS) {
    const related = findingsFor(question);
    $(`q-${question.id}-findings`).textContent = related.length
      ? `Bears on it: ${related.map((f) => f.message).join("; ")}`
      : "No finding bears on it.";
  }
}

function blockers() {
  const why = [];
  const errors = state.findings.filter((f) => f.severity === "error").length;
  if (errors) why.push(`${errors} error-level finding${errors > 1 ? "s" : ""} left`);
  const open = QUESTIONS.filter((q) => !state.confirmed[q.id]).length;
  if (open) why.push(`${open} question${open > 1 ? "s" : ""} to confirm`);
  if (!post.value.trim()) why.push("no text yet");
  return why;
}

function renderReady() {
  const why = blockers();
  const ready = why.length === 0 && state.result !== null;
  $("copy").disabled = !ready;
  $("record").disabled = !ready;
  $("ready-why").textContent = ready ? "Ready: copy the text as the platform wants it (Markdown markers removed)." : `Not yet: ${why.join(", ")}.`;
  $("final").value = state.result ? state.result.plain : "";
}

async function sha256(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function copyFinal() {
  const text = state.result.plain;
  try {
    await navigator.clipboard.writeText(text);
    say("Copied the final text.");
  } catch {
    $("final").focus();
    $("final").select();
    say("Copy blocked by the browser: the final text is selected; press Ctrl+C.");
  }
}

async function downloadRecord() {
  const record = {
    copydesk_record: 1,
    created: new Date().toISOString(),
    text_sha256: await sha256(post.value),
    final_text_sha256: await sha256(state.result.plain),
    file: state.file ? state.file.path : null,
    guide: state.result.guide,
    platforms: state.result.platforms.map((p) => ({ id: p.id, count: p.count, max_chars: p.max_chars })),
    findings: state.findings.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, resolution: "accepted as is" })),
    fixes_applied: state.applied.map((a) => ({ ...a, resolution: "fixed" })),
    confirmations: Object.fromEntries(QUESTIONS.map((q) => [q.text, Boolean(state.confirmed[q.id])])),
  };
  const blob = new Blob([JSON.stringify(record, null, 2) + "\n"], { type: "application/json" });
  const link = el("a", { href: URL.createObjectURL(blob), download: "pre-publish-record.json" });
  document.body.append(link);
  link.click();
  link.remove();
  say("Downloaded the pre-publish record.");
}

async function loadFiles() {
  const { files } = await api("/api/files");
  const list = $("file-list");
  list.replaceChildren(...files.map((name) => el("option", { value: name }, name)));
  $("file-bar").hidden = false;
}

async function openFile() {
  const path = $("file-list").value;
  if (!path) return;
  try {
    const file = await api(`/api/file?path=${encodeURIComponent(path)}`);
    state.file = { path: file.path, original: file.text };
    state.applied = [];
    post.value = file.text;
    $("save-file").disabled = false;
    say(`Opened ${file.path}.`);
    runCheck();
  } catch (error) {
    say(`Could not open ${path}: ${error.message}`, true);
  }
}

async function saveFile() {
  if (!state.file) return;
  try {
    await api("/api/save", { path: state.file.path, original: state.file.original, text: post.value });
    state.file.original = post.value;
    say(`Saved ${state.file.path}.`);
  } catch (error) {
    say(error.message, true);
  }
}

function startFromKeyMessage() {
  const message = state.info.key_messages[Number($("key-list").value)];
  if (!message) return;
  const own = "\n\n";
  post.value = message.text.trim() + own;
  post.focus();
  post.setSelectionRange(post.value.length, post.value.length);
  $("key-help").hidden = false;
  $("key-help").textContent = "Now add one or two lines in your own words, after the message: why it matters to you and your network.";
  runCheck();
}

// Tighten and Bridge: one request at a time; the page stays usable while it
// runs, and Cancel aborts it (the server drops the model call).
let pending = null;

function byteOffset(text, index) {
  return new TextEncoder().encode(text.slice(0, index)).length;
}

async function askModel(action) {
  if (pending) return;
  const text = post.value;
  const offset = byteOffset(text, post.selectionStart);
  const box = $("suggestion");
  box.replaceChildren(el("p", { role: "status" }, action === "tighten" ? "Asking the model to tighten…" : "Asking the model for a transition…"));
  pending = new AbortController();
  $("cancel").hidden = false;
  $("tighten").disabled = $("bridge").disabled = true;
  try {
    const response = await fetch("/api/suggest", {
      method: "POST",
      headers: { "X-Copydesk-Token": token, "Content-Type": "application/json" },
      body: JSON.stringify({ text, offset, action, path: state.file ? state.file.path : null }),
      signal: pending.signal,
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    showSuggestions(text, data);
  } catch (error) {
    box.replaceChildren(el("p", {}, error.name === "AbortError" ? "Cancelled." : `No suggestion: ${error.message}`));
  } finally {
    pending = null;
    $("cancel").hidden = true;
    $("tighten").disabled = $("bridge").disabled = !state.info.model;
  }
}

function showSuggestions(text, data) {
  const box = $("suggestion");
  box.replaceChildren();
  if (!data.suggestions.length) {
    box.append(el("p", { class: "reason" }, data.reason || "No safe suggestion."));
    return;
  }
  const toIndex = byteIndex(text);
  data.suggestions.forEach((suggestion, index) => {
    const diff = el("div", { class: "diff" },
      el("del", {}, suggestion.original), " ", el("ins", {}, suggestion.replacement));
    const accept = el("button", { type: "button", class: "accept", onclick: () => {
      if (post.value !== text) {
        say("The text changed since the suggestion was asked for; ask again.", true);
        return;
      }
      let next = text;
      for (const edit of [...suggestion.edits].sort((a, b) => b.start - a.start)) {
        next = next.slice(0, toIndex(edit.start)) + edit.replacement + next.slice(toIndex(edit.end));
      }
      post.value = next;
      state.applied.push({ rule: `model/${suggestion.action}`, message: suggestion.title, fix: suggestion.title, applicability: "display-only" });
      box.replaceChildren(el("p", {}, "Accepted."));
      say(`Accepted: ${suggestion.title}`);
      post.focus();
      runCheck();
    } }, `Accept${data.suggestions.length > 1 ? " option " + (index + 1) : ""}`);
    const reject = el("button", { type: "button", class: "reject", onclick: () => {
      box.replaceChildren(el("p", {}, "Rejected: the text is unchanged."));
      post.focus();
    } }, "Reject");
    box.append(el("div", { class: "suggestion" }, el("p", {}, suggestion.title), diff, accept, " ", reject));
  });
}

// The voice profile in effect for the post (the guide's, or the one its
// front matter picks), in the page header.
function showVoice(voice) {
  let text = "Voice: no profile";
  if (voice && voice.unknown) {
    text = `Voice: “${voice.unknown}” is not a profile the guide loads`;
  } else if (voice) {
    const from = voice.source === "front matter" ? "from the post's front matter" : "from the guide";
    text = `Voice: “${voice.name}” (${voice.path}), ${from}`;
  }
  $("voice").textContent = text;
}

async function init() {
  try {
    state.info = await api("/api/info");
  } catch (error) {
    say(`Could not reach copydesk: ${error.message}`, true);
    return;
  }
  const info = state.info;
  $("guide").textContent = `Guide: ${info.guide.source}` + (info.folder ? ` · folder: ${info.folder}` : " · paste-only: nothing is saved");
  showVoice(info.voice);
  const chosen = info.default_platforms.length ? info.default_platforms.map((p) => p.toLowerCase()) : ["linkedin"];
  const fieldset = $("platforms");
  for (const platform of info.platforms) {
    const input = el("input", { type: "checkbox", id: `p-${platform.id}`, value: platform.id });
    input.checked = chosen.includes(platform.id);
    input.addEventListener("change", runCheck);
    fieldset.append(el("label", { for: `p-${platform.id}` }, input, ` ${platform.name}`));
  }
  if (info.key_messages.length) {
    $("key-list").replaceChildren(...info.key_messages.map((m, i) => el("option", { value: String(i) }, m.text.slice(0, 70))));
    $("key-bar").hidden = false;
  }
  if (info.folder) await loadFiles();
  $("model-state").textContent = info.model
    ? `Model: ${info.model}. Put the cursor in a paragraph, then ask.`
    : `No model: ${info.model_unavailable || "none configured"}.`;
  $("tighten").disabled = $("bridge").disabled = !info.model;
  $("tighten").addEventListener("click", () => askModel("tighten"));
  $("bridge").addEventListener("click", () => askModel("bridge"));
  $("cancel").addEventListener("click", () => pending && pending.abort());
  post.addEventListener("input", schedule);
  post.addEventListener("scroll", () => { $("backdrop").scrollTop = post.scrollTop; });
  $("open-file").addEventListener("click", openFile);
  $("save-file").addEventListener("click", saveFile);
  $("start-key").addEventListener("click", startFromKeyMessage);
  $("copy").addEventListener("click", copyFinal);
  $("record").addEventListener("click", downloadRecord);
  renderQuestions();
  renderReady();
  runCheck();
}

init();
