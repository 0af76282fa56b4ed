"""Precision of copydesk's rules on real writing; run through scripts/precision-eval.

A finding is keyed by (file, rule, quote, context hash), a fix by the same plus
the text after it; see docs/precision.md for the key and the judging rubric.
The Rust test tests/precision_labels.rs computes the same key: keep the two in
step (`collapse`, `quote`, `context_hash`).
"""

import argparse
import collections
import datetime
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LABELS = os.path.join(REPO, "benches/precision/labels.tsv")
FIX_LABELS = os.path.join(REPO, "benches/precision/fix-labels.tsv")
DOC = os.path.join(REPO, "docs/precision.md")
START = "<!-- results: written by scripts/precision-eval; edit outside the markers -->"
END = "<!-- /results -->"
HELDOUT_LABELS = os.path.join(REPO, "benches/precision/heldout-labels.tsv")
HELDOUT_FIX_LABELS = os.path.join(REPO, "benches/precision/heldout-fix-labels.tsv")
HELDOUT_START = "<!-- heldout results: written by scripts/precision-eval --heldout; edit outside the markers -->"
HELDOUT_END = "<!-- /heldout results -->"
ESSAYS_LABELS = os.path.join(REPO, "benches/precision/essays-labels.tsv")
ESSAYS_FIX_LABELS = os.path.join(REPO, "benches/precision/essays-fix-labels.tsv")
ESSAYS_START = "<!-- essays results: written by scripts/precision-eval --essays; edit outside the markers -->"
ESSAYS_END = "<!-- /essays results -->"
FINDING_VERDICTS = ("true", "false", "debatable")
FIX_VERDICTS = ("right", "wrong")
FINDING_COLUMNS = ["file", "rule", "quote", "context", "verdict", "why"]
FIX_COLUMNS = ["file", "rule", "quote", "context", "after", "verdict", "why"]
RANK = {"off": 0, "info": 1, "warning": 2, "error": 3}

# ASCII whitespace only, so that Rust's and Python's notions agree.
WS = re.compile(r"[ \t\n\r\x0b\x0c]+")


def collapse(text):
    return WS.sub(" ", text)


def quote(span):
    """The label's short quote of a span: at most six words and 60 characters,
    e-mail addresses masked."""
    # An e-mail address keeps only its first character and its domain, so that
    # no address goes into the labels.
    words = [w[0] + "***" + w[w.index("@"):] if w.find("@") > 0 else w
             for w in collapse(span).strip(" ").split(" ")]
    text = " ".join(words) if len(words) <= 6 else " ".join(words[:4]) + " …"
    return text if len(text) <= 60 else text[:40] + "…"


def fnv1a32(data):
    h = 0x811C9DC5
    for byte in data:
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def context_hash(text, start, end):
    """8 hex digits of FNV-1a over the 40 characters before the span, the span
    and the 40 after, whitespace runs collapsed to one space (character
    offsets into `text`)."""
    before = collapse(text[:start])[-40:]
    after = collapse(text[end:])[:40]
    key = before + "\x1f" + collapse(text[start:end]) + "\x1f" + after
    return f"{fnv1a32(key.encode('utf-8')):08x}"


class Post:
    def __init__(self, root, rel):
        self.rel = rel
        self.data = open(os.path.join(root, rel), "rb").read()
        self.text = self.data.decode("utf-8")
        self._chars = None

    def char(self, byte_offset):
        """Character offset of a byte offset (the JSON gives UTF-8 bytes)."""
        return len(self.data[:byte_offset].decode("utf-8"))

    def words(self):
        text = self.text
        fm = re.match(r"\A(---|\+\+\+)\n.*?\n\1\n", text, re.S)
        if fm:
            text = text[fm.end():]
        text = re.sub(r"^(```|~~~).*?^\1[^\n]*$", " ", text, flags=re.S | re.M)
        text = re.sub(r"`[^`\n]*`", " ", text)
        text = re.sub(r"https?://\S+", " ", text)
        text = re.sub(r"<[^>\n]*>", " ", text)
        return len(re.findall(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)*", text))


def posts_in(root, exclude=frozenset()):
    """The posts one folder down, sorted (or, in a flat folder such as the
    essays, the posts in the folder itself); a post whose bytes equal one
    in `exclude` (SHA-256 hex digests) is left out."""
    def is_post(path):
        return path.endswith((".md", ".markdown", ".mdx")) and os.path.isfile(path)

    rels = []
    folders = [f for f in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, f))]
    for folder in folders:
        for name in sorted(os.listdir(os.path.join(root, folder))):
            if is_post(os.path.join(root, folder, name)):
                rels.append(f"{folder}/{name}")
    if not folders:
        rels = [name for name in sorted(os.listdir(root)) if is_post(os.path.join(root, name))]
    return [rel for rel in rels if not (exclude and digest(os.path.join(root, rel)) in exclude)]


def digest(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def run_check(binary, root, rels, select):
    with tempfile.TemporaryDirectory() as tmp:
        # An empty guide: the built-in default, whatever copydesk.toml sits
        # above the corpus.
        guide = os.path.join(tmp, "copydesk.toml")
        open(guide, "w").close()
        args = [binary, "check", "--format", "json", "--fail-on", "never", "--color", "never",
                "--config", guide]
        if select:
            args += ["--select", ",".join(select)]
        done = subprocess.run(args + rels, cwd=root, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"precision-eval: copydesk check failed ({done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout)


def run_diff(binary, root, rels, unsafe):
    """The summary line of `check --diff` at default levels: what `--fix`
    (with `--unsafe-fixes` when `unsafe`) would really apply, overlaps and
    repeated passes included."""
    with tempfile.TemporaryDirectory() as tmp:
        guide = os.path.join(tmp, "copydesk.toml")
        open(guide, "w").close()
        args = [binary, "check", "--diff", "--fail-on", "never", "--color", "never", "--config", guide]
        if unsafe:
            args.append("--unsafe-fixes")
        done = subprocess.run(args + rels, cwd=root, capture_output=True, text=True)
    summary = [line for line in done.stderr.splitlines() if line.startswith("Would apply")]
    if done.returncode not in (0, 1) or not summary:
        sys.exit(f"precision-eval: copydesk check --diff failed ({done.returncode}): {done.stderr.strip()}")
    return summary[-1].rstrip(".")


class Finding:
    def __init__(self, post, raw):
        self.post = post
        self.file = post.rel
        self.rule = raw["rule"]
        self.severity = raw["severity"]
        self.message = raw["message"]
        self.line = raw["range"]["start"]["line"]
        self.column = raw["range"]["start"]["column"]
        self.start = post.char(raw["range"]["start"]["offset"])
        self.end = post.char(raw["range"]["end"]["offset"])
        self.quote = quote(post.text[self.start:self.end])
        self.context = context_hash(post.text, self.start, self.end)
        self.key = (self.file, self.rule, self.quote, self.context)
        self.fixes = [Fix(self, f) for f in raw["fixes"] if f["applicability"] in ("safe", "unsafe")]


class Fix:
    def __init__(self, finding, raw):
        post = finding.post
        self.finding = finding
        self.applicability = raw["applicability"]
        self.title = raw["title"]
        edits = sorted(((post.char(e["start"]), post.char(e["end"]), e["replacement"])
                        for e in raw["edits"]), reverse=True)
        self.start = min(e[0] for e in edits)
        self.end = max(e[1] for e in edits)
        region = post.text[self.start:self.end]
        for s, e, replacement in edits:
            region = region[:s - self.start] + replacement + region[e - self.start:]
        self.after_region = region
        self.after = quote(region) if region.strip() else "(deleted)"
        self.quote = quote(post.text[self.start:self.end])
        self.context = context_hash(post.text, self.start, self.end)
        self.key = (finding.file, finding.rule, self.quote, self.context, self.after)


def read_labels(path, columns, verdicts):
    labels = {}
    if not os.path.exists(path):
        return labels
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells == columns:
            continue
        if len(cells) != len(columns):
            sys.exit(f"precision-eval: {path}:{number}: expected {len(columns)} tab-separated columns, found {len(cells)}")
        row = dict(zip(columns, cells))
        if row["verdict"] not in verdicts:
            sys.exit(f"precision-eval: {path}:{number}: verdict {row['verdict']!r} is not one of {', '.join(verdicts)}")
        key = tuple(row[c] for c in columns[: columns.index("verdict")])
        labels[key] = row
    return labels


# A blank line, or a new line that starts a list item or a heading.
BLOCK_BREAK = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+[.)])[ \t]|[ \t]*#)")


def sentences_around(text, start, end, limit=600):
    """The sentence holding [start, end) with one sentence either side, the
    span marked ⟦ ⟧, from the paragraph around it."""
    ps, pe = 0, len(text)
    for m in BLOCK_BREAK.finditer(text):
        if m.end() <= start:
            ps = m.end()
        elif m.start() >= end:
            pe = m.start()
            break
    marked = collapse(text[ps:start] + "⟦" + text[start:end] + "⟧" + text[end:pe]).strip()
    parts = re.split(r"(?<=[.!?])(?:[\"”’)]*)\s+(?=[^a-z\s])", marked)
    first = next((i for i, p in enumerate(parts) if "⟦" in p), 0)
    last = next((i for i, p in enumerate(parts) if "⟧" in p), len(parts) - 1)
    shown = " ".join(parts[max(0, first - 1): last + 2])
    if len(shown) > limit:
        at = shown.index("⟦")
        lo = max(0, at - limit // 3)
        shown = ("…" if lo else "") + shown[lo: lo + limit] + "…"
    return shown


def rule_levels(binary):
    out = subprocess.run([binary, "rules", "--json"], capture_output=True, text=True, check=True).stdout
    return {r["id"]: r["default"] for r in json.loads(out)}


def collect(run, posts):
    findings = []
    for entry in run["files"]:
        if entry.get("error"):
            sys.exit(f"precision-eval: {entry['path']}: {entry['error']}")
        post = posts[entry["path"]]
        findings += [Finding(post, raw) for raw in entry["findings"]]
    return findings


def pct(part, whole):
    return f"{100 * part / whole:.0f}%" if whole else "–"


def bar(true, labelled):
    """The default level strict precision earns under the policy in docs/precision.md."""
    if labelled < 10:
        return "–"
    share = true / labelled
    return "warning" if share >= 0.9 else "info" if share >= 0.7 else "off"


def per_k(count, words):
    return f"{1000 * count / words:.2f}"


def measure(args, levels, posts, words, default_run, all_run, labels, fix_labels, diffs, markers, note=""):
    default_findings = collect(default_run, posts)
    findings = collect(all_run, posts)
    by_rule_default = collections.Counter(f.rule for f in default_findings)
    by_rule = collections.defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)

    seen_keys = {f.key for f in findings}
    rows = []
    totals = collections.Counter()
    est_false = 0.0
    est_covered = 0
    for rule in sorted(levels):
        fs = by_rule.get(rule, [])
        verdicts = collections.Counter()
        unlabelled = 0
        for f in fs:
            label = labels.get(f.key)
            if label:
                verdicts[label["verdict"]] += 1
            else:
                unlabelled += 1
        n = sum(verdicts.values())
        totals.update(verdicts)
        if n and by_rule_default[rule]:
            est_false += by_rule_default[rule] * verdicts["false"] / n
            est_covered += by_rule_default[rule]
        rows.append((rule, levels[rule], by_rule_default[rule], len(fs), n, verdicts, unlabelled))

    n_default = len(default_findings)
    warn_findings = [f for f in default_findings if RANK.get(f.severity, 0) >= RANK["warning"]]
    warn_default = len(warn_findings)
    warn_verdicts = collections.Counter(labels[f.key]["verdict"] for f in warn_findings if f.key in labels)
    warn_labelled = sum(warn_verdicts.values())
    labelled = sum(totals.values())
    stale = collections.Counter(label["verdict"] for key, label in labels.items() if key not in seen_keys)

    lines = [
        markers[0],
        f"Run on {datetime.date.today().isoformat()} at commit `{git_head()}`: {len(posts)} posts, "
        f"{words:,} words of prose (front matter, code, URLs and HTML tags not counted){note}.",
        "",
        f"- At default levels: **{n_default}** findings, **{per_k(n_default, words)} per 1,000 words**; "
        f"at warning or error: **{warn_default}**, **{per_k(warn_default, words)} per 1,000 words**.",
        f"- Of the {warn_default} at warning or error, {warn_labelled} are labelled: {warn_verdicts['true']} true, "
        f"{warn_verdicts['false']} false ({pct(warn_verdicts['false'], warn_labelled)} plainly wrong), "
        f"{warn_verdicts['debatable']} debatable.",
        f"- With every rule selected (`--select` of all {len(levels)} rules): {len(findings)} findings, "
        f"{per_k(len(findings), words)} per 1,000 words.",
        f"- Labelled: {labelled} findings: {totals['true']} true, {totals['false']} false, "
        f"{totals['debatable']} debatable; plainly wrong (false) among labelled: **{pct(totals['false'], labelled)}**.",
        f"- Estimated plainly-wrong share of the default run (each rule's labelled false rate times its "
        f"count, over the {est_covered} findings of rules with labels): "
        f"**{pct(est_false, est_covered)}** (≈{est_false:.0f} findings).",
        f"- Labels that match no finding any more (the rule or the text changed): "
        + (", ".join(f"{v} {k}" for k, v in sorted(stale.items())) or "none") + ".",
        "",
        "Per rule. *default*: findings at the shipped levels; *all*: with every rule selected "
        "(the labels and precision are over *all*). Strict = true / labelled; lenient = "
        "(true + debatable) / labelled; *to judge* = findings with no label.",
        "",
        "*Bar met* applies the defaults policy to strict precision: `warning` at 90% or more, `info` at 70% "
        "or more, else `off` (`–` with fewer than 10 labels).",
        "",
        "| rule | level | default | per 1k words | all | labelled | true | false | debatable | strict | lenient | to judge | bar met |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for rule, level, nd, na, n, v, un in rows:
        lines.append(
            f"| {rule} | {level} | {nd} | {per_k(nd, words)} | {na} | {n} | {v['true']} | {v['false']} | "
            f"{v['debatable']} | {pct(v['true'], n)} | {pct(v['true'] + v['debatable'], n)} | {un} | "
            f"{bar(v['true'], n)} |"
        )

    fix_rows = collections.defaultdict(lambda: collections.Counter())
    fix_seen = set()
    for f in findings:
        for fix in f.fixes:
            fix_seen.add(fix.key)
            row = fix_rows[(fix.applicability, f.rule)]
            row["offered"] += 1
            label = fix_labels.get(fix.key)
            row[label["verdict"] if label else "unlabelled"] += 1
    lines += [
        "",
        "Fixes (each Safe or Unsafe fix applied on its own, as `--fix` and `--fix --unsafe-fixes` would; "
        "right = grammatical and the meaning kept):",
        "",
        "| fix | rule | offered | labelled | right | wrong | right / labelled | to judge |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for app in ("safe", "unsafe"):
        total = collections.Counter()
        for (a, rule), c in sorted(fix_rows.items()):
            if a != app:
                continue
            total.update(c)
            n = c["right"] + c["wrong"]
            lines.append(f"| {app} | {rule} | {c['offered']} | {n} | {c['right']} | {c['wrong']} | "
                         f"{pct(c['right'], n)} | {c['unlabelled']} |")
        n = total["right"] + total["wrong"]
        lines.append(f"| **{app}** | all | {total['offered']} | {n} | {total['right']} | {total['wrong']} | "
                     f"**{pct(total['right'], n)}** | {total['unlabelled']} |")
    lines += targets(levels, words, default_findings, labels, fix_labels)
    fix_stale = sum(1 for k in fix_labels if k not in fix_seen)
    lines += [
        "",
        f"Fix labels that match no fix any more: {fix_stale}. As a cross-check at default levels, "
        f"`check --diff`: “{diffs[0]}”; `check --diff --unsafe-fixes`: “{diffs[1]}” (it applies "
        "non-overlapping fixes in passes, so its count can differ from the fixes offered).",
        markers[1],
    ]
    return "\n".join(lines)


def targets(levels, words, default_findings, labels, fix_labels):
    """The targets of issue 12, measured on the default run."""
    n = len(default_findings)
    warn = sum(1 for f in default_findings if RANK.get(f.severity, 0) >= RANK["warning"])
    verdicts = collections.defaultdict(collections.Counter)
    for f in default_findings:
        label = labels.get(f.key)
        verdicts[f.rule][label["verdict"] if label else "unlabelled"] += 1
    false_all = sum(v["false"] for v in verdicts.values())
    labelled_all = sum(v["true"] + v["false"] + v["debatable"] for v in verdicts.values())

    def bar_rows(rank_ok, need):
        met, unmeasured, missed = [], [], []
        for rule, level in sorted(levels.items()):
            if not rank_ok(level):
                continue
            v = verdicts.get(rule, collections.Counter())
            labelled = v["true"] + v["false"] + v["debatable"]
            if labelled < 10:
                unmeasured.append(f"{rule} ({labelled})")
            elif v["true"] >= need * labelled:
                met.append(f"{rule} {pct(v['true'], labelled)}")
            else:
                missed.append(f"{rule} {pct(v['true'], labelled)}")
        text = ", ".join(met) or "none"
        if missed:
            text += "; **below**: " + ", ".join(missed)
        if unmeasured:
            text += "; fewer than 10 labelled findings, not measured: " + ", ".join(unmeasured)
        status = "not met" if missed else "met where measured" if unmeasured else "met"
        return status, text

    safe = [x for f in default_findings for x in f.fixes if x.applicability == "safe"]
    safe_wrong = sum(1 for x in safe if fix_labels.get(x.key, {}).get("verdict") == "wrong")
    safe_unlabelled = sum(1 for x in safe if x.key not in fix_labels)
    warn_status, warn_text = bar_rows(lambda l: l in ("warning", "error"), 0.9)
    info_status, info_text = bar_rows(lambda l: l == "info", 0.7)
    rows = [
        ("≤ 6 findings per 1,000 words (default run)", f"{per_k(n, words)}",
         "met" if 1000 * n / words <= 6 else "not met"),
        ("≤ 2 per 1,000 words at warning or error", f"{per_k(warn, words)}",
         "met" if 1000 * warn / words <= 2 else "not met"),
        ("strict precision ≥ 90% for every warning/error rule", warn_text, warn_status),
        ("strict precision ≥ 70% for every info rule", info_text, info_status),
        ("plainly wrong ≤ 3% of all findings (default run)",
         f"{false_all} labelled false of {n} findings ({pct(false_all, n)}; {n - labelled_all} unlabelled)",
         "met" if labelled_all == n and false_all <= 0.03 * n else "not met"),
        ("0 Safe fixes that break grammar or change meaning, among ≥ 200 applied",
         f"{safe_wrong} wrong of {len(safe)} Safe fixes offered by default ({safe_unlabelled} unlabelled)",
         "met" if safe_wrong == 0 and safe_unlabelled == 0 and len(safe) >= 200
         else ("0 wrong, but fewer than 200 on this corpus" if safe_wrong == 0 and safe_unlabelled == 0
               else "not met")),
    ]
    out = ["", "Targets of issue 12, on the default run:", "", "| target | measured | |", "|---|---|---|"]
    out += [f"| {t} | {m} | {s} |" for t, m, s in rows]
    return out


def git_head():
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "src", "Cargo.toml",
                            "Cargo.lock"],
                           capture_output=True, text=True, cwd=REPO).stdout.strip()
    return done.stdout.strip() + ("+changes" if dirty else "")


def list_unlabelled(args, findings, labels, fix_labels):
    pool = [f for f in findings if not args.rule or f.rule == args.rule or f.rule.startswith(args.rule + "/")]
    pool.sort(key=lambda f: (f.file, f.start, f.end, f.rule))
    if args.fixes:
        app = "unsafe" if args.unsafe else "safe"
        items = [x for f in pool for x in f.fixes if x.applicability == app]
        known = fix_labels
    else:
        items = pool
        known = labels
    if args.sample is not None:
        rng = random.Random(args.seed)
        chosen = set(map(id, rng.sample(items, min(args.sample, len(items)))))
        items = [x for x in items if id(x) in chosen]
    todo = [x for x in items if x.key not in known]
    out = []
    for n, x in enumerate(todo, 1):
        f = x.finding if args.fixes else x
        entry = {"n": n, "file": f.file, "line": f.line, "column": f.column, "rule": f.rule,
                 "severity": f.severity, "message": f.message, "quote": x.quote, "context": x.context}
        if args.fixes:
            text = f.post.text
            after_text = text[:x.start] + "⟦" + x.after_region + "⟧" + text[x.end:]
            entry.update(applicability=x.applicability, after=x.after,
                         before_sentence=sentences_around(text, x.start, x.end, 400),
                         after_sentence=sentences_around(after_text.replace("⟦", "").replace("⟧", ""),
                                                         x.start, x.start + len(x.after_region), 400))
        else:
            entry["sentences"] = sentences_around(f.post.text, f.start, f.end)
            entry["fixes"] = [{"applicability": x.applicability, "quote": x.quote, "context": x.context,
                               "after": x.after} for x in f.fixes]
        out.append(entry)
    if args.json:
        for entry in out:
            print(json.dumps(entry, ensure_ascii=False))
    else:
        for e in out:
            print(f"[{e['n']}] {e['file']}:{e['line']}:{e['column']} {e['rule']} {e['severity']}: {e['message']}")
            if args.fixes:
                print(f"  before: {e['before_sentence']}")
                print(f"  after:  {e['after_sentence']}")
                print("  row: " + "\t".join([e["file"], e["rule"], e["quote"], e["context"], e["after"], ""]))
            else:
                print(f"  {e['sentences']}")
                print("  row: " + "\t".join([e["file"], e["rule"], e["quote"], e["context"], ""]))
    what = "fixes" if args.fixes else "findings"
    print(f"{len(todo)} unlabelled {what} of {len(items)} listed"
          + (f" (sample of {args.sample}, seed {args.seed})" if args.sample is not None else ""),
          file=sys.stderr)


def blind_sample(args, findings, labels):
    """A seeded sample of labelled findings, printed without their verdicts,
    for a second judge (see docs/precision.md, "Second judgement")."""
    pool = sorted((f for f in findings if f.key in labels), key=lambda f: (f.file, f.start, f.end, f.rule))
    rng = random.Random(args.seed)
    chosen = rng.sample(pool, min(args.blind, len(pool)))
    chosen.sort(key=lambda f: (f.file, f.start, f.end, f.rule))
    for n, f in enumerate(chosen, 1):
        print(f"[{n}] {f.file}:{f.line}:{f.column} {f.rule} {f.severity}: {f.message}")
        print(f"  {sentences_around(f.post.text, f.start, f.end)}")
        for x in f.fixes:
            print(f"  fix ({x.applicability}): {x.quote} -> {x.after}")
        print("  row: " + "\t".join([f.file, f.rule, f.quote, f.context, ""]))
    print(f"{len(chosen)} labelled findings of {len(pool)} (seed {args.seed}); verdicts not shown", file=sys.stderr)


def agreement(args, labels):
    """Compare a second judge's labels (same format) with the labels."""
    second = read_labels(args.agreement, FINDING_COLUMNS, FINDING_VERDICTS)
    same = 0
    rows = []
    missing = 0
    for key, row in second.items():
        first = labels.get(key)
        if not first:
            missing += 1
            continue
        if first["verdict"] == row["verdict"]:
            same += 1
        else:
            rows.append((key, first, row))
    n = same + len(rows)
    print(f"agreement: {same} of {n} ({pct(same, n)}); {missing} second-pass rows match no label")
    for key, first, row in rows:
        print(f"- {key[0]} {key[1]} “{key[2]}”: first {first['verdict']} ({first['why']}); "
              f"second {row['verdict']} ({row['why']})")


def main():
    parser = argparse.ArgumentParser(prog="scripts/precision-eval")
    parser.add_argument("--binary", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--heldout", action="store_true",
                        help="the held-out set: its own labels files and results section")
    parser.add_argument("--essays", action="store_true",
                        help="the four founding essays: their own labels files and results section")
    parser.add_argument("--dev-corpus", help="with --heldout: leave out posts identical to one here")
    parser.add_argument("--check", action="store_true", help="print the results; write nothing")
    parser.add_argument("--unlabelled", nargs="?", const="", default=None, metavar="RULE")
    parser.add_argument("--sample", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fixes", action="store_true")
    parser.add_argument("--unsafe", action="store_true")
    parser.add_argument("--json", action="store_true", help="list mode: one JSON object per item")
    parser.add_argument("--blind", type=int, metavar="N", help="N labelled findings, verdicts hidden")
    parser.add_argument("--agreement", metavar="FILE", help="compare a second judge's labels file")
    args = parser.parse_args()
    args.binary = os.path.abspath(args.binary)

    levels = rule_levels(args.binary)
    exclude = frozenset()
    if args.heldout and args.dev_corpus:
        exclude = frozenset(digest(os.path.join(args.dev_corpus, rel)) for rel in posts_in(args.dev_corpus))
    rels = posts_in(args.corpus, exclude)
    if not rels:
        sys.exit(f"precision-eval: no posts (*.md in sub-folders) in {args.corpus}")
    posts = {rel: Post(args.corpus, rel) for rel in rels}
    labels_path, fix_labels_path = (
        (HELDOUT_LABELS, HELDOUT_FIX_LABELS) if args.heldout
        else (ESSAYS_LABELS, ESSAYS_FIX_LABELS) if args.essays
        else (LABELS, FIX_LABELS)
    )
    labels = read_labels(labels_path, FINDING_COLUMNS, FINDING_VERDICTS)
    fix_labels = read_labels(fix_labels_path, FIX_COLUMNS, FIX_VERDICTS)
    if args.agreement:
        agreement(args, labels)
        return
    all_run = run_check(args.binary, args.corpus, rels, sorted(levels))

    if args.blind is not None:
        blind_sample(args, collect(all_run, posts), labels)
        return
    if args.unlabelled is not None:
        args.rule = args.unlabelled
        list_unlabelled(args, collect(all_run, posts), labels, fix_labels)
        return

    words = sum(p.words() for p in posts.values())
    default_run = run_check(args.binary, args.corpus, rels, None)
    diffs = (run_diff(args.binary, args.corpus, rels, False), run_diff(args.binary, args.corpus, rels, True))
    markers = (
        (HELDOUT_START, HELDOUT_END) if args.heldout
        else (ESSAYS_START, ESSAYS_END) if args.essays
        else (START, END)
    )
    left_out = len(posts_in(args.corpus)) - len(rels)
    note = f"; {left_out} posts identical to development-set posts left out" if left_out else ""
    result = measure(args, levels, posts, words, default_run, all_run, labels, fix_labels, diffs, markers, note)
    if args.check:
        print(result)
        return
    text = open(DOC, encoding="utf-8").read()
    start = text.index(markers[0])
    end = text.index(markers[1]) + len(markers[1])
    open(DOC, "w", encoding="utf-8").write(text[:start] + result + text[end:])
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
