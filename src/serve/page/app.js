// copydesk serve: the pre-publish page. Plain JavaScript, no build step;
// the server does all checking, counting and splitting.
"use strict";

// The token from the URL copydesk serve printed, or from the password
// (copydesk serve --password-env/--password-prompt).
let token = new URLSearchParams(location.search).get("token") || "";
const $ = (id) => document.getElementById(id);
// The editor (CodeMirror 6, from editor.js): `value`, `selectionStart`,
// `setSelectionRange` and `focus` as a textarea has them, the findings as
// lint diagnostics. `window.copydeskPost` lets the browser tests read it.
const post = CopydeskEditor.create($("editor"), {
  id: "post",
  labelledBy: "post-label",
  describedBy: "counts",
  hint: "Write or paste your post here",
  nonce: document.querySelector('meta[name="copydesk-style-nonce"]').content,
  onInput: () => schedule(),
});
window.copydeskPost = post;

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
  review: null, // the model review's answer, with the text it is about
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
  renderPreviews(result);
  renderQuestions();
  renderReview();
  renderReady();
  $("counts").textContent = `${result.words} words, ${[...text].length} characters`;
}

function renderUnderlines(text, toIndex) {
  post.setDiagnostics(state.findings.map((f) => ({
    from: toIndex(f.range.start.offset),
    to: toIndex(f.range.end.offset),
    severity: ["error", "warning", "info", "hint"].includes(f.severity) ? f.severity : "info",
    source: f.rule,
    message: f.message,
  })));
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

function renderPreviews(result) {
  const list = $("preview-list");
  list.replaceChildren();
  for (const platform of result.platforms) {
    const over = platform.max_chars !== null && platform.count > platform.max_chars;
    const unit = platform.counting === "graphemes" ? "characters as Bluesky counts them" : platform.counting === "x-weighted" ? "weighted characters" : "characters";
    const count = el("span", { class: over ? "count over-limit" : "count" }, `${platform.count}${platform.max_chars !== null ? "/" + platform.max_chars : ""} ${unit}`);
    const body = previewBody(result.plain, platform.preview);
    const box = el("section", { class: "preview", "aria-label": `${platform.name} preview`, "data-platform": platform.id },
      el("h3", {}, platform.name, " ", count), body);
    if (platform.preview.card) {
      box.append(el("div", { class: "card", role: "note" },
        el("strong", {}, "Link card: "), platform.preview.card,
        el("span", { class: "muted" }, " (the platform builds it from the page; copydesk fetches nothing)")));
    }
    if (platform.preview.entities.some((e) => e.kind === "link")) {
      box.append(el("p", { class: "muted links-note" }, `Links: ${platform.preview.links}.`));
    }
    if (platform.thread) {
      const thread = el("ol", { class: "thread", "aria-label": `${platform.name} thread` });
      for (const part of platform.thread) thread.append(el("li", {}, part));
      box.append(el("p", {}, `Too long for one post: as a thread of ${platform.thread.length}, split at sentence boundaries:`), thread);
    }
    list.append(box);
  }
}

// The published text (Markdown markers removed, as Ready to post copies
// it) as the platform shows it: hashtags and mentions styled, links as the
// platform shortens them, the fold drawn, what is over the limit marked.
function previewBody(plain, preview) {
  const toIndex = byteIndex(plain);
  const fold = preview.fold === null ? null : toIndex(preview.fold);
  const overflow = preview.overflow === null ? null : toIndex(preview.overflow);
  const pieces = [];
  let at = 0;
  const text = (start, end) => {
    // Plain text, split where the fold or the overflow falls inside it.
    const cuts = [fold, overflow].filter((c) => c !== null && c > start && c < end).sort((a, b) => a - b);
    for (const cut of [...cuts, end]) {
      if (cut > start) pieces.push({ start, node: plain.slice(start, cut) });
      start = cut;
    }
  };
  for (const entity of preview.entities) {
    const start = toIndex(entity.start);
    const end = toIndex(entity.end);
    if (start < at) continue;
    text(at, start);
    const written = plain.slice(start, end);
    const node = entity.kind === "link"
      ? el("span", { class: "link", title: written }, entity.shown)
      : el("span", { class: entity.kind }, written);
    pieces.push({ start, node });
    at = end;
  }
  text(at, plain.length);
  const body = el("div", { class: "body" });
  let over = null;
  let folded = false;
  for (const piece of pieces) {
    if (fold !== null && !folded && piece.start >= fold && (overflow === null || fold < overflow)) {
      body.append(el("span", { class: "fold", role: "note" }, "…see more (the fold)"));
      folded = true;
    }
    if (overflow !== null && piece.start >= overflow && !over) {
      over = el("span", { class: "over", title: "over the limit" });
      body.append(over);
    }
    (over || body).append(piece.node);
  }
  return body;
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
      list.append(el("li", {}, box, " ", el("label", { for: `q-${question.id}` }, question.text),
        el("div", { class: "muted", id: `q-${question.id}-findings` }),
        el("div", { class: "model-answer", id: `q-${question.id}-model`, "data-question": question.id })));
    }
  }
  for (const question of QUESTIONS) {
    const related = findingsFor(question);
    $(`q-${question.id}-findings`).textContent = related.length
      ? `Bears on it: ${related.map((f) => f.message).join("; ")}`
      : "No finding bears on it.";
  }
}

// The model review of the five questions (and the guide's other review
// questions): the server runs the review `copydesk review` runs; each answer
// is anchored to the words of the post it quotes. A quote that is not in the
// post was dropped by the review: only counted, never shown.
let reviewing = null;

function selectQuote(answer) {
  let start = answer.start;
  let end = answer.end;
  if (post.value !== state.review.text) {
    // Edited since the review: the passage where it is now, if it still is.
    const at = post.value.indexOf(answer.quote);
    if (at < 0) {
      say(`“${answer.quote}” is no longer in the post.`, true);
      return;
    }
    start = at;
    end = at + answer.quote.length;
  }
  post.focus();
  post.setSelectionRange(start, end);
  say(`Selected “${answer.quote}” in the post.`);
}

function answerItem(answer) {
  const fix = answer.finding.fixes[0];
  return el("li", { class: "answer" },
    el("button", { type: "button", class: "quote", "aria-label": `Select “${answer.quote}” in the post (line ${answer.finding.range.start.line})`, onclick: () => selectQuote(answer) }, `“${answer.quote}”`),
    " ", answer.reason,
    fix ? el("div", { class: "muted" }, `Suggested: ${fix.title} (edit the text yourself if you agree)`) : null);
}

function renderReview() {
  const review = state.review;
  const summary = $("review-summary");
  const others = $("review-others");
  others.replaceChildren();
  for (const question of QUESTIONS) $(`q-${question.id}-model`).replaceChildren();
  if (!review) {
    summary.textContent = "";
    return;
  }
  const toIndex = byteIndex(review.text);
  const answers = review.file.findings.map((finding) => {
    const start = toIndex(finding.range.start.offset);
    const end = toIndex(finding.range.end.offset);
    const quote = review.text.slice(start, end);
    const after = finding.message.indexOf("”: ");
    return { finding, start, end, quote, question: finding.rule.replace(/^review\//, ""), reason: after >= 0 ? finding.message.slice(after + 3) : finding.message };
  });
  const asked = new Map(review.questions.map((q) => [q.id, q]));
  for (const question of QUESTIONS) {
    const box = $(`q-${question.id}-model`);
    const mine = answers.filter((a) => a.question === question.id);
    if (!asked.has(question.id)) {
      box.append(el("p", { class: "muted" }, `The model was not asked this one (the guide turns review/${question.id} off).`));
    } else if (mine.length) {
      box.append(el("p", {}, `The model (${review.model}) points to:`), el("ul", { class: "answers" }, ...mine.map(answerItem)));
    } else {
      box.append(el("p", { class: "muted" }, `The model (${review.model}) quoted nothing from the post for this question.`));
    }
  }
  const rest = answers.filter((a) => !QUESTIONS.some((q) => q.id === a.question));
  if (rest.length) {
    others.append(el("h3", {}, "Also from the model review"), el("ul", { class: "answers" }, ...rest.map((a) =>
      answerItem({ ...a, reason: `${asked.has(a.question) ? asked.get(a.question).title : a.question}: ${a.reason}` }))));
  }
  const notes = [`Model review (${review.model}) of ${review.stats.paragraphs} paragraph${review.stats.paragraphs === 1 ? "" : "s"}: a model's opinion, not a rule; the answers are yours.`];
  if (review.stats.unlocated) notes.push(`${review.stats.unlocated} answer${review.stats.unlocated === 1 ? "" : "s"} quoted words that are not in the post: not shown.`);
  if (review.error) notes.push(`Part of the review failed: ${review.error}.`);
  if (post.value !== review.text) notes.push("The post changed since: ask again for answers about this text.");
  summary.textContent = notes.join(" ");
}

async function askReview() {
  if (reviewing) return;
  const text = post.value;
  const summary = $("review-summary");
  summary.textContent = "Asking the model about the questions…";
  reviewing = new AbortController();
  $("review-cancel").hidden = false;
  $("review").disabled = true;
  try {
    const response = await fetch("/api/review", {
      method: "POST",
      headers: { "X-Copydesk-Token": token, "Content-Type": "application/json" },
      body: JSON.stringify({ text, path: state.file ? state.file.path : null }),
      signal: reviewing.signal,
    });
    const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
    state.review = { ...data, text };
    renderReview();
  } catch (error) {
    summary.textContent = error.name === "AbortError" ? "Cancelled: no model answers." : `No model answers: ${error.message}`;
  } finally {
    reviewing = null;
    $("review-cancel").hidden = true;
    $("review").disabled = !state.info.model;
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
    model_review: state.review
      ? { model: state.review.model, of_this_text: state.review.text === post.value, answers: state.review.file.findings.map((f) => ({ rule: f.rule, message: f.message })) }
      : null,
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
      // A suggestion's edits are the server's `Edit`s: { range: { start, end }, replacement }.
      for (const edit of [...suggestion.edits].sort((a, b) => b.range.start - a.range.start)) {
        next = next.slice(0, toIndex(edit.range.start)) + edit.replacement + next.slice(toIndex(edit.range.end));
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
  $("review").disabled = !info.model;
  $("review-state").textContent = info.model
    ? "Ask the model what in the post bears on each question: it quotes the passages, which you can select in the text."
    : "No model configured, so no model answers: the questions are yours alone.";
  $("review").addEventListener("click", askReview);
  $("review-cancel").addEventListener("click", () => reviewing && reviewing.abort());
  $("tighten").addEventListener("click", () => askModel("tighten"));
  $("bridge").addEventListener("click", () => askModel("bridge"));
  $("cancel").addEventListener("click", () => pending && pending.abort());
  $("open-file").addEventListener("click", openFile);
  $("save-file").addEventListener("click", saveFile);
  $("start-key").addEventListener("click", startFromKeyMessage);
  $("copy").addEventListener("click", copyFinal);
  $("record").addEventListener("click", downloadRecord);
  renderQuestions();
  renderReady();
  runCheck();
}

// Opened without the token (a server with a password): ask for it, trade
// it for the token, then start.
function askPassword() {
  const form = $("login");
  form.hidden = false;
  $("main").hidden = true;
  $("password").focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    say("Checking the password…");
    try {
      const { token: given } = await api("/api/login", { password: $("password").value });
      token = given;
      $("password").value = "";
      form.hidden = true;
      $("main").hidden = false;
      say("");
      init();
    } catch (error) {
      say(`Not unlocked: ${error.message}`, true);
      $("password").select();
    }
  });
}

if (token) init();
else askPassword();
