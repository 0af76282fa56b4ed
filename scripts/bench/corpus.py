#!/usr/bin/env python3
"""Generate the peer-benchmark corpora, deterministically.

  corpus.py SOURCE_DIR_OR_EMPTY OUT_DIR

writes OUT_DIR/large.md (a 1 MiB Markdown document) and OUT_DIR/posts/
(2,000 Markdown posts of about 2 KB each). The text comes from the Markdown
and text files in SOURCE_DIR when it exists and has any; otherwise it is
generated from a fixed vocabulary with a fixed seed, so every run and every
machine sees the same bytes.
"""

import os
import random
import sys

LARGE_BYTES = 1024 * 1024
POST_COUNT = 2000
POST_BYTES = 2048


def paragraphs_from(source):
    found = []
    if not source or not os.path.isdir(source):
        return found
    for name in sorted(os.listdir(source)):
        if not name.endswith((".md", ".markdown", ".txt")):
            continue
        with open(os.path.join(source, name), encoding="utf-8") as handle:
            text = handle.read()
        for block in text.split("\n\n"):
            block = block.strip()
            if len(block) >= 40:
                found.append(block)
    return found


WORDS = (
    "the a our team customers product launch in order to really very basically "
    "leverage synergy we are excited to announce that new feature helps you ship "
    "faster and with less effort each week because the editor checks every draft "
    "before it goes out however some people think that it is was were been being "
    "made decided by the committee at the end of the day going forward we will "
    "continue to listen to feedback from our community and partners across regions"
).split()


def generated_paragraphs(count):
    rng = random.Random(6)
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(2, 6)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 24))]
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        paragraphs.append(" ".join(sentences))
    return paragraphs


def main():
    source, out = sys.argv[1], sys.argv[2]
    paragraphs = paragraphs_from(source) or generated_paragraphs(400)
    os.makedirs(os.path.join(out, "posts"), exist_ok=True)

    # The large document: every paragraph in turn under numbered headings.
    parts, size, index, section = [], 0, 0, 0
    while size < LARGE_BYTES:
        if index % 12 == 0:
            section += 1
            heading = f"## Section {section}\n\n"
            parts.append(heading)
            size += len(heading.encode())
        paragraph = paragraphs[index % len(paragraphs)] + "\n\n"
        parts.append(paragraph)
        size += len(paragraph.encode())
        index += 1
    text = "".join(parts).encode()[:LARGE_BYTES].decode("utf-8", "ignore")
    text = text[: text.rfind("\n\n") + 2]
    with open(os.path.join(out, "large.md"), "w", encoding="utf-8") as handle:
        handle.write(text)

    # The posts: a title, then consecutive paragraphs from a different start
    # each time, until about 2 KB.
    short = [p for p in paragraphs if len(p) <= 1200] or paragraphs
    stride = 7
    for post in range(POST_COUNT):
        start = (post * stride) % len(short)
        body = [f"# Post {post + 1}\n"]
        size, offset = 0, 0
        while size < POST_BYTES - 200:
            paragraph = short[(start + offset) % len(short)]
            body.append(paragraph + "\n")
            size += len(paragraph) + 2
            offset += 1
        name = os.path.join(out, "posts", f"post-{post + 1:04}.md")
        with open(name, "w", encoding="utf-8") as handle:
            handle.write("\n".join(body))


if __name__ == "__main__":
    main()
