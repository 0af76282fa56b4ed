#!/usr/bin/env python3
"""Write dictionaries/software-terms/software-terms.dic from cspell's
software-terms word lists, so the conversion can be re-run on a new release.

The source is npm's `@cspell/dict-software-terms` (MIT, Street Side
Software; see dictionaries/software-terms/COPYRIGHT). Two of its lists are
taken whole:

- `dict/softwareTerms.txt.gz` ("Software terms dictionary": webhook,
  backtick, WordPress, ...);
- `dict/webServices.txt` ("Web Services and APIs": netlify, dependabot, ...).

Its other lists are left out: `software-tools.txt` (product and tool names,
which Vale flags and tells users to put in a vocabulary, as copydesk's guide
puts them in `[voice.casing] names`), `networkingTerms.txt` and
`posix-*.txt` (off by default in cspell itself; mostly capitals, which the
spelling filters skip anyway), `computing-acronyms.txt` (capitals, skipped
by the filters), `coding-compound-terms.txt` (word pieces for cspell's
compounding, such as `*Auth*`, not words) and
`software-terms-alternative.txt` (off by default).

One general rule drops entries a speller never looks up: an entry is kept
only if it is ASCII letters, with at most one apostrophe between letters
(`bcc'd`). Entries with digits (`0ff1ce`, `sha256`), hyphens
(`git-commit`, which the tokenizer splits) or underscores are dropped.

Each entry keeps its case, as in Hunspell: a lower-case entry matches any
case, one with capitals (`WordPress`) only as written. Lower-case entries
of letters only get the flags `SM` of dictionaries/software-terms/
software-terms.aff: English noun plural (-s, -es, -ies) and possessive
(-'s), because the lists hold singular forms only (`webhook`, not
`webhooks`).

    python3 scripts/software-terms-dictionary.py [PACKAGE.tgz]

Without an argument it runs `npm pack @cspell/dict-software-terms@VERSION`
in a temporary folder. It prints what it kept and dropped.
"""
import gzip
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile

PACKAGE = "@cspell/dict-software-terms"
VERSION = "5.4.9"
LISTS = ["package/dict/softwareTerms.txt.gz", "package/dict/webServices.txt"]
OUT = pathlib.Path(__file__).resolve().parent.parent / "dictionaries/software-terms/software-terms.dic"

WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
INFLECTED = re.compile(r"[a-z]+")


def entries(tarball: pathlib.Path):
    """Each list's entries, without blank lines and cspell's `#` comments."""
    with tarfile.open(tarball) as archive:
        for name in LISTS:
            data = archive.extractfile(name).read()
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            for line in data.decode("utf-8").splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    yield name, line


def main() -> int:
    with tempfile.TemporaryDirectory() as scratch:
        if len(sys.argv) > 1:
            tarball = pathlib.Path(sys.argv[1])
        else:
            packed = subprocess.run(
                ["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"],
                cwd=scratch,
                check=True,
                capture_output=True,
                text=True,
            )
            tarball = pathlib.Path(scratch) / packed.stdout.strip().splitlines()[-1]
        kept = set()
        dropped = []
        counts = {}
        for name, entry in entries(tarball):
            counts[name] = counts.get(name, 0) + 1
            if WORD.fullmatch(entry):
                kept.add(entry)
            else:
                dropped.append(entry)
    lines = [
        f"{word}/SM" if INFLECTED.fullmatch(word) else word
        for word in sorted(kept)
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(f"{len(lines)}\n" + "".join(f"{line}\n" for line in lines))
    for name, count in counts.items():
        print(f"{name}: {count} entries")
    inflected = sum(1 for line in lines if line.endswith("/SM"))
    print(f"kept {len(kept)} distinct words ({inflected} inflected as nouns)")
    print(f"dropped {len(dropped)} (not letters and apostrophes): {' '.join(sorted(dropped))}")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
