#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Runs the Frama-C WP proofs of proofs/modules.json, one module at a time, and reports goals.
"""tools/prove.py [--module NAME]... [--timeout S] [--list]

For each module of proofs/modules.json: builds its translation unit (a harness in proofs/, or a
kernel source with loop annotations from proofs/*.acsl inserted at exact anchors, so the code
proved is the kernel's own text), runs `frama-c -wp -wp-rte` once per run of the module, and
prints `module: P/T goals proved (time)`. Exits 1 if a goal of a must-prove module is unproved.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CONFIG = os.path.join(ROOT, "proofs", "modules.json")
OUT = os.path.join(ROOT, "build", "proofs")
INCLUDES = ["kernel/include", "arch/arm64/include", "proofs"]

PROVED = re.compile(r"^\[wp\] Proved goals:\s+(\d+)\s*/\s*(\d+)")
NO_GOAL = re.compile(r"^\[wp\] No proof obligations")
UNPROVED = re.compile(r"^\[wp\] \[(Failed|Unknown|Timeout|Stepout)\] Goal (\S+)")


class ProveError(Exception):
    """The proof could not even be attempted (missing tool, anchor gone, parse error)."""


def provers():
    """alt-ergo if Why3 knows it, else the SMT solvers it knows of z3 and cvc4."""
    if shutil.which("frama-c") is None or shutil.which("why3") is None:
        raise ProveError("frama-c or why3 is not installed (./keel setup installs frama-c-base, "
                         "why3, z3 and cvc4)")
    listing = subprocess.run(["why3", "config", "list-provers"], capture_output=True, text=True)
    if not listing.stdout.strip():
        subprocess.run(["why3", "config", "detect"], capture_output=True, text=True)
        listing = subprocess.run(["why3", "config", "list-provers"], capture_output=True,
                                 text=True)
    names = listing.stdout.lower()
    if "alt-ergo" in names:
        return ["alt-ergo"]
    found = [p for p in ("z3", "cvc4") if re.search(rf"^{p} ", names, re.M)]
    if not found:
        raise ProveError("Why3 knows no prover (why3 config list-provers is empty after "
                         "why3 config detect): install z3 or cvc4")
    return found


def load_modules():
    with open(CONFIG, encoding="utf-8") as f:
        return json.load(f)["modules"]


def translation_unit(mod):
    """The file Frama-C parses: the harness itself, or an annotated copy of a kernel source."""
    if "harness" in mod:
        return os.path.join(ROOT, mod["harness"])
    src_path = os.path.join(ROOT, mod["source"])
    with open(src_path, encoding="utf-8") as f:
        lines = f.read().splitlines(keepends=True)
    out = [f'#include "{mod["spec"]}"\n', f'#line 1 "{mod["source"]}"\n']
    inserts = {}
    for ins in mod.get("inserts", []):
        hits = [i for i, line in enumerate(lines) if line.rstrip("\n") == ins["before"]]
        if len(hits) != 1:
            raise ProveError(f"{mod['source']}: the anchor line {ins['before']!r} occurs "
                             f"{len(hits)} times (need exactly 1); update proofs/modules.json")
        with open(os.path.join(ROOT, ins["text"]), encoding="utf-8") as f:
            inserts[hits[0]] = f.read()
    for i, line in enumerate(lines):
        if i in inserts:
            # The annotation, then a #line so every later goal names the kernel's own lines.
            out.append(inserts[i] if inserts[i].endswith("\n") else inserts[i] + "\n")
            out.append(f'#line {i + 1} "{mod["source"]}"\n')
        out.append(line)
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, os.path.basename(mod["source"]))
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(out))
    return path


def frama_c_argv(tu, run, prover_list, timeout):
    argv = ["frama-c", "-c11", "-wp", "-wp-prover", ",".join(prover_list), "-wp-par",
            str(max(1, os.cpu_count() or 1)), "-wp-timeout", str(run.get("timeout", timeout)),
            "-wp-cache", "none"]
    for inc in INCLUDES:
        argv.append(f"-cpp-extra-args=-I{os.path.join(ROOT, inc)}")
    if run.get("auto"):
        argv += ["-wp-auto", run["auto"]]
    if run.get("lemmas"):
        argv += ["-wp-prop=" + ",".join(run["lemmas"])]
    else:
        argv += ["-wp-rte", "-wp-fct", ",".join(run["functions"])]
    return argv + [tu]


def prove_module(mod, prover_list, timeout, log):
    """Returns (proved, total, seconds, unproved goal names)."""
    start = time.monotonic()
    tu = translation_unit(mod)
    proved = total = 0
    unproved = []
    for run in mod["runs"]:
        argv = frama_c_argv(tu, run, prover_list, timeout)
        log.write("$ " + " ".join(argv) + "\n")
        log.flush()
        proc = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors="replace")
        log.write(proc.stdout)
        counted = False
        for line in proc.stdout.splitlines():
            m = PROVED.match(line)
            if m:
                proved, total, counted = proved + int(m[1]), total + int(m[2]), True
            elif NO_GOAL.match(line):
                counted = True
            m = UNPROVED.match(line)
            if m:
                unproved.append(m[2])
        if proc.returncode != 0 or not counted:
            tail = "\n".join(proc.stdout.strip().splitlines()[-8:])
            raise ProveError(f"frama-c failed on {os.path.relpath(tu, ROOT)} "
                             f"(status {proc.returncode}):\n{tail}")
    return proved, total, time.monotonic() - start, unproved


def prove(names=None, timeout=5, echo=print):
    """Proves the selected modules. Returns a list of dicts, one per module, in config order."""
    modules = load_modules()
    if names:
        unknown = set(names) - {m["name"] for m in modules}
        if unknown:
            raise ProveError(f"unknown module(s) {', '.join(sorted(unknown))}; known: "
                             + ", ".join(m["name"] for m in modules))
        modules = [m for m in modules if m["name"] in names]
    prover_list = provers()
    os.makedirs(OUT, exist_ok=True)
    results = []
    for mod in modules:
        log_path = os.path.join(OUT, f"{mod['name']}.log")
        with open(log_path, "w", encoding="utf-8") as log:
            try:
                proved, total, secs, unproved = prove_module(mod, prover_list, timeout, log)
                error = None
            except ProveError as e:
                proved, total, secs, unproved, error = 0, 0, 0.0, [], str(e)
        must = mod.get("must_prove", True)
        ok = error is None and total > 0 and proved == total
        res = {"name": mod["name"], "proved": proved, "total": total, "seconds": secs,
               "unproved": unproved, "error": error, "must_prove": must, "ok": ok,
               "log": os.path.relpath(log_path, ROOT)}
        results.append(res)
        if echo:
            echo(summary_line(res))
    return results


def summary_line(res):
    if res["error"]:
        return f"{res['name']}: error: {res['error']}"
    line = f"{res['name']}: {res['proved']}/{res['total']} goals proved ({res['seconds']:.1f} s)"
    if not res["must_prove"]:
        line += " [not in the must-prove list]"
    if res["unproved"]:
        line += "\n" + "\n".join(f"    unproved: {g}" for g in res["unproved"])
        line += f"\n    (log: {res['log']})"
    return line


def main(argv):
    p = argparse.ArgumentParser(prog="tools/prove.py", description=__doc__.splitlines()[2])
    p.add_argument("--module", action="append", metavar="NAME", help="prove only this module")
    p.add_argument("--timeout", type=int, default=5, help="seconds per goal and prover "
                   "(default 5; a run may set its own)")
    p.add_argument("--list", action="store_true", help="list the modules and exit")
    args = p.parse_args(argv)
    if args.list:
        for m in load_modules():
            print(f"{m['name']}: {m.get('what', '')}")
        return 0
    try:
        results = prove(args.module, args.timeout)
    except ProveError as e:
        print(f"prove: error: {e}", file=sys.stderr)
        return 1
    proved = sum(r["proved"] for r in results)
    total = sum(r["total"] for r in results)
    secs = sum(r["seconds"] for r in results)
    print(f"total: {proved}/{total} goals proved ({secs:.1f} s)")
    failed = [r["name"] for r in results if r["must_prove"] and not r["ok"]]
    if failed:
        print(f"unproved goals in must-prove module(s): {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
