#!/usr/bin/env python3
"""List import cycles between copydesk's modules.

Edges are every `crate::X` path (a `use` or an inline path) from a file
under one top-level module of src/ to another top-level module, and, inside
src/cli/ and src/server/, every `super::Y` path between their submodules. A
submodule that is a folder (src/server/model/) is one node: the paths of
every file in it count, `super::` resolved from where that file sits (in
src/server/model/run.rs, `super::super::state` is server::state and
`super::request` stays inside server::model).
Comments and string literals are not skipped except `//` comments, which is
enough for this code base. Prints each strongly connected component with
more than one module and the edges inside it; exits 1 when there is one.

With --top, only top-level modules count (the layering ARCHITECTURE.md
states; `scripts/test` runs this), and a cycle inside src/cli/ or
src/server/ is not reported.

With --root DIR, reads DIR instead of this repository's src/ (the tests
use it on a made-up tree).

    python3 scripts/module-cycles.py [--edges] [--top] [--root DIR]
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(
    sys.argv[sys.argv.index("--root") + 1]
    if "--root" in sys.argv[:-1]
    else pathlib.Path(__file__).resolve().parent.parent / "src"
)
TOP = sorted(
    p.stem if p.is_file() else p.name
    for p in ROOT.iterdir()
    if (p.suffix == ".rs" and p.stem not in ("lib", "main")) or p.is_dir()
)


def module_of(path):
    rel = path.relative_to(ROOT)
    return rel.parts[0].removesuffix(".rs")


def submodule_of(path, parent):
    rel = path.relative_to(ROOT / parent)
    return parent + "::" + rel.parts[0].removesuffix(".rs")


def code(path):
    return "\n".join(line.split("//")[0] for line in path.read_text().splitlines())


def edges(top_only=False):
    found = {}
    for path in ROOT.rglob("*.rs"):
        if path.parent == ROOT and path.stem in ("lib", "main"):
            continue
        text = code(path)
        source = module_of(path)
        for target in re.findall(r"\bcrate::(\w+)", text):
            if target in TOP and target != source:
                found.setdefault((source, target), set()).add(str(path.relative_to(ROOT)))
        for parent in () if top_only else ("cli", "server"):
            if source == parent and path.parent != ROOT / parent and (ROOT / parent) in path.parents:
                sub = submodule_of(path, parent)
                for other in nested_targets(path, parent, text):
                    if other != sub:
                        found.setdefault((sub, other), set()).add(str(path.relative_to(ROOT)))
            elif source == parent and path.parent == ROOT / parent:
                sub = submodule_of(path, parent)
                for target in re.findall(r"\bsuper::(\w+)", text):
                    if (ROOT / parent / f"{target}.rs").exists() or (ROOT / parent / target).is_dir():
                        other = parent + "::" + target
                        if other != sub:
                            found.setdefault((sub, other), set()).add(str(path.relative_to(ROOT)))
    return found


def nested_targets(path, parent, text):
    """The submodules of `parent` that the `super::` paths of a file inside
    a folder submodule (src/<parent>/<sub>/...) name."""
    parts = list(path.relative_to(ROOT / parent).with_suffix("").parts)
    if parts[-1] == "mod":
        parts.pop()
    module = [parent] + parts
    for supers, name in re.findall(r"\b((?:super::)+)(\w+)", text):
        base = module[: len(module) - supers.count("super::")]
        target = base + [name]
        if len(target) >= 2 and target[0] == parent:
            if (ROOT / parent / f"{target[1]}.rs").exists() or (ROOT / parent / target[1]).is_dir():
                yield parent + "::" + target[1]


def components(graph_edges):
    graph = {}
    for a, b in graph_edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    found = edges(top_only="--top" in sys.argv)
    if "--edges" in sys.argv:
        for (a, b), files in sorted(found.items()):
            print(f"{a} -> {b}  ({', '.join(sorted(files))})")
    cycles = components(found)
    for comp in cycles:
        print("cycle: " + " <-> ".join(comp))
        for (a, b), files in sorted(found.items()):
            if a in comp and b in comp:
                print(f"  {a} -> {b}  ({', '.join(sorted(files))})")
    if not cycles:
        print("no import cycles")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
