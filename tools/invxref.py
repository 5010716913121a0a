#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Keeps the invariant cross-references honest: sources, proofs-notes/README.md's tables, totals.
"""tools/invxref.py [--write]

proofs-notes/README.md has two tables: every invariant (id, file, statement, kinds, checks) and,
for every kernel source, the invariants it must preserve. Each kernel source repeats its row as
its third line, `// Invariants: INV-..., ...` (or `// Invariants: none (...)`), so a reader of the
code sees what it must keep without leaving the file.

Checks (the default): every kernel source has a row and a matching third line; every id named
in either place is defined in the invariant table; the "Totals" paragraph under the invariant
table matches the table. Prints the problems and exits 1 if there are any.
--write rewrites the third lines and the totals paragraph from the tables.
"""

import argparse
import glob
import os
import re
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTES = os.path.join(ROOT, "proofs-notes", "README.md")
SOURCE_GLOBS = ["kernel/**/*.c", "arch/arm64/**/*.c", "arch/arm64/**/*.S"]
KINDS = [("P", "proof (Frama-C)"), ("M", "model (SPIN)"), ("R", "runtime checker / guard"),
         ("U", "unit test"), ("S", "suite or root-task self-check"), ("B", "boot test line")]
TOTALS_START = "<!-- invxref: totals -->"
TOTALS_END = "<!-- /invxref -->"

ID_RE = re.compile(r"INV-([A-Z]+)-(\d+)(?:\.\.(\d+))?")
# After an id: ", -4", ", -4..6" or "/2" continue the same area (a parenthetical may come between).
MORE_RE = re.compile(r"\s*(?:\((?:[^()]|\([^()]*\))*\))?\s*(?:,\s*-|/)(\d+)(?:\.\.(\d+))?")


def expand(text):
    """The invariant ids a table cell or source line names, ranges and continuations expanded."""
    ids = []
    for m in ID_RE.finditer(text):
        area, lo, hi = m[1], int(m[2]), int(m[3] or m[2])
        ids += [f"INV-{area}-{n}" for n in range(lo, hi + 1)]
        pos = m.end()
        while True:
            c = MORE_RE.match(text, pos)
            if not c or text.startswith("INV-", c.start(1) - 4):
                break
            lo, hi = int(c[1]), int(c[2] or c[1])
            ids += [f"INV-{area}-{n}" for n in range(lo, hi + 1)]
            pos = c.end()
    return sorted(set(ids), key=id_key)


def id_key(i):
    area, num = i.rsplit("-", 1)
    return (area, int(num))


def table_rows(lines, header):
    """Rows of the markdown table whose header line starts with `header`, as lists of cells."""
    rows, inside = [], False
    for line in lines:
        if line.startswith(header):
            inside = True
            continue
        if inside:
            if not line.startswith("|"):
                if rows:
                    break
                continue
            if re.match(r"^\|[-| ]+\|$", line):
                continue
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def read_tables():
    with open(NOTES, encoding="utf-8") as f:
        text = f.read()
    lines = text.splitlines()
    inv_rows = table_rows(lines, "| id | file |")
    src_rows = table_rows(lines, "| source file |")
    return text, inv_rows, src_rows


def kind_counts(inv_rows):
    whole = {k: [] for k, _ in KINDS}
    part = {k: [] for k, _ in KINDS}
    unchecked, partial = [], []
    for row in inv_rows:
        ident, kinds = row[0], row[3]
        tokens = re.findall(r"\(([A-Z])\)|([A-Z])", kinds)
        if not tokens:
            unchecked.append(ident)
        elif all(p for p, _ in tokens):
            partial.append(ident)
        for p, w in tokens:
            (part[p] if p else whole[w]).append(ident)
    return whole, part, unchecked, partial


def totals_text(inv_rows):
    defined = [i for row in inv_rows for i in expand(row[0])]
    whole, part, unchecked, partial = kind_counts(inv_rows)
    out = [*textwrap.wrap(f"Totals (counted by `tools/invxref.py`): {len(inv_rows)} rows, "
                          f"{len(defined)} identifiers (the INV-MEM-1..4 row holds four; INV-TCB-3 "
                          "is INV-FP-2 under another name). Counting rows, a row once per kind:",
                          99, break_on_hyphens=False), "",
           "| kind | covers the whole statement | covers a part |", "|---|---|---|"]
    def cell(rows):
        ids = sorted({i for r in rows for i in expand(r)}, key=id_key)
        return f"{len(rows)} ({compress(ids)})" if 0 < len(rows) <= 12 else str(len(rows))
    for k, name in KINDS:
        out.append(f"| {name} | {cell(whole[k])} | {cell(part[k])} |")
    def listed(rows):
        return compress(sorted({i for r in rows for i in expand(r)}, key=id_key)) or "none"
    summary = (f"Not checked at all: {len(unchecked)} ({listed(unchecked)}). "
               f"Checked only in part: {len(partial)} ({listed(partial)}).")
    out += ["", *textwrap.wrap(summary, 99, break_on_hyphens=False)]
    return "\n".join(out)


def kernel_sources():
    found = set()
    for pattern in SOURCE_GLOBS:
        found.update(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, pattern),
                                                                  recursive=True))
    return sorted(found)


def compress(ids):
    """INV-CAP-1, -3..5, INV-IPC-2: the notation of the tables, from a sorted id list."""
    parts, by_area = [], {}
    for i in ids:
        area, num = i.rsplit("-", 1)
        by_area.setdefault(area, []).append(int(num))
    for area, nums in by_area.items():
        runs, start = [], nums[0]
        for a, b in zip(nums, nums[1:] + [None]):
            if b != a + 1:
                if a >= start + 2:
                    runs.append(f"{start}..{a}")
                else:
                    runs += [str(n) for n in range(start, a + 1)]
                start = b
        parts.append(f"{area}-{runs[0]}" + "".join(f", -{r}" for r in runs[1:]))
    return ", ".join(parts)


def source_lines(cell):
    """The comment lines a source carries for its table row, wrapped at 100 columns."""
    ids = expand(cell)
    text = compress(ids) if ids else cell
    words, lines, cur = (text + " (proofs-notes/README.md)").split(" "), [], "// Invariants:"
    for w in words:
        if len(cur) + 1 + len(w) > 100:
            lines.append(cur)
            cur = "//  "
        cur += " " + w
    return lines + [cur]


def current_lines(lines):
    """The invariant comment block at line 3 of a source (with its continuation lines)."""
    if len(lines) < 3 or not lines[2].startswith("// Invariants:"):
        return []
    block = [lines[2]]
    for line in lines[3:]:
        if not line.startswith("//   "):
            break
        block.append(line)
    return block


def check(write=False):
    text, inv_rows, src_rows = read_tables()
    problems = []
    defined = {i for row in inv_rows for i in expand(row[0])}
    table = {}
    for row in src_rows:
        path = row[0].strip("`")
        table[path] = row[1]
        if path.endswith(".h") and not os.path.isfile(os.path.join(ROOT, path)):
            problems.append(f"README source table names {path}, which does not exist")
        for i in expand(row[1]):
            if i not in defined:
                problems.append(f"README source table, {path}: {i} is not in the invariant table")
    sources = kernel_sources()
    # Headers with inline code the table names are checked like sources.
    sources += sorted(p for p in table
                      if p.endswith(".h") and os.path.isfile(os.path.join(ROOT, p)))
    for path in sources:
        if path not in table:
            problems.append(f"{path}: no row in proofs-notes/README.md's source table")
            continue
        want = source_lines(table[path])
        full = os.path.join(ROOT, path)
        with open(full, encoding="utf-8") as f:
            lines = f.read().split("\n")
        has = current_lines(lines)
        if has == want:
            if expand(" ".join(has)) != expand(table[path]):
                problems.append(f"{path}: its invariant line does not name the table's ids")
            continue
        if write:
            lines[2:2 + len(has)] = want
            with open(full, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
        else:
            problems.append(f"{path}: line 3 should be {want[0]!r}" +
                            (" ..." if len(want) > 1 else ""))
    for path in table:
        if path.endswith((".c", ".S")) and path not in sources:
            problems.append(f"README source table names {path}, which does not exist")
    start, end = text.find(TOTALS_START), text.find(TOTALS_END)
    if start < 0 or end < start:
        problems.append(f"proofs-notes/README.md: no {TOTALS_START} ... {TOTALS_END} block")
    else:
        body = text[start + len(TOTALS_START):end].strip("\n")
        want = totals_text(inv_rows)
        if body != want:
            if write:
                text = text[:start + len(TOTALS_START)] + "\n" + want + "\n" + text[end:]
                with open(NOTES, "w", encoding="utf-8") as f:
                    f.write(text)
            else:
                problems.append("proofs-notes/README.md: the totals block is stale "
                                "(tools/invxref.py --write)")
    return problems, len(sources), len(defined)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="rewrite source lines and the totals")
    args = ap.parse_args()
    problems, nsrc, nids = check(args.write)
    if args.write:
        problems, nsrc, nids = check(False)
    for p in problems:
        print(p)
    print(f"invariant cross-references: {nsrc} kernel sources, {nids} invariants, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
