#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Runs the Frama-C WP proofs of proofs/modules.json, one module at a time, and reports goals.
"""tools/prove.py [--module NAME]... [--timeout S] [--list]

For each module of proofs/modules.json: builds its translation unit (a harness in proofs/, or a
kernel source with loop annotations from proofs/*.acsl inserted at exact anchors, so the code
proved is the kernel's own text), runs `frama-c -wp -wp-rte` once per run of the module, and
prints `module: P/T goals proved (time)`. Exits 1 if a goal of a must-prove module is unproved.

Then the SPIN model checks of proofs/model/checks.json (spin -a, gcc, pan; two at a time):
`model NAME: OK (N states, T s)`, or FAILED with the violated property and a summary of the
counter-example trail. A missing spin or gcc fails every model check with a message saying so.
--module selects model checks too (NAME or "model NAME").
"""

import argparse
import concurrent.futures
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

MODEL_CONFIG = os.path.join(ROOT, "proofs", "model", "checks.json")
MODEL_OUT = os.path.join(OUT, "model")

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
        # "before": the annotation goes above the anchor line; "after": below it.
        anchor = ins.get("before", ins.get("after"))
        hits = [i for i, line in enumerate(lines) if line.rstrip("\n") == anchor]
        if len(hits) != 1:
            raise ProveError(f"{mod['source']}: the anchor line {anchor!r} occurs "
                             f"{len(hits)} times (need exactly 1); update proofs/modules.json")
        with open(os.path.join(ROOT, ins["text"]), encoding="utf-8") as f:
            inserts[hits[0] + (0 if "before" in ins else 1)] = f.read()
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
    """Proves the selected modules, then runs the selected model checks. Returns a list of
    dicts, one per module and per model check, in config order (modules first)."""
    modules = load_modules()
    checks = load_checks()
    if names:
        known = {m["name"] for m in modules} | {c["name"] for c in checks}
        wanted = {n[len("model "):] if n.startswith("model ") else n for n in names}
        unknown = wanted - known
        if unknown:
            raise ProveError(f"unknown module(s) {', '.join(sorted(unknown))}; known: "
                             + ", ".join(m["name"] for m in modules) + "; model checks: "
                             + ", ".join(c["name"] for c in checks))
        modules = [m for m in modules if m["name"] in wanted]
        checks = [c for c in checks if c["name"] in wanted]
    results = prove_modules(modules, timeout, echo) if modules else []
    return results + run_model_checks(checks, echo)


def prove_modules(modules, timeout, echo):
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
        admitted = admitted_clauses(mod)
        ok = error is None and total > 0 and proved == total
        res = {"name": mod["name"], "proved": proved, "total": total, "seconds": secs,
               "unproved": unproved, "error": error, "must_prove": must, "ok": ok,
               "log": os.path.relpath(log_path, ROOT), "admitted": admitted}
        results.append(res)
        if echo:
            echo(summary_line(res))
    return results


def admitted_clauses(mod):
    """ACSL `admit` clauses of a module (its spec and inserted annotations): assumed, not proved,
    so the summary line names how many there are."""
    paths = [os.path.join("proofs", mod["spec"])] if "spec" in mod else [mod["harness"]]
    paths += [ins["text"] for ins in mod.get("inserts", [])]
    count = 0
    for path in paths:
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            count += len(re.findall(r"^\s*(?:/\*@|//@)?\s*admit\b", f.read(), re.M))
    return count


def summary_line(res):
    if res.get("kind") == "model":
        return model_summary_line(res)
    if res["error"]:
        return f"{res['name']}: error: {res['error']}"
    line = f"{res['name']}: {res['proved']}/{res['total']} goals proved ({res['seconds']:.1f} s)"
    if res.get("admitted"):
        line += f" [{res['admitted']} admitted clause(s), assumed]"
    if not res["must_prove"]:
        line += " [not in the must-prove list]"
    if res["unproved"]:
        line += "\n" + "\n".join(f"    unproved: {g}" for g in res["unproved"])
        line += f"\n    (log: {res['log']})"
    return line


# ------------------------------------------------------------------------ SPIN model checks

STORED = re.compile(r"^\s*(\d+) states, stored")
ERRORS = re.compile(r"errors: (\d+)")
FIRST_ERROR = re.compile(r"^pan:1: (.*)$")
INCOMPLETE = ("error: max search depth too small", "pan: out of memory", "pan: reached -DMEMLIM")
MEMLIM_MB = 6144          # pan aborts (and the check fails) instead of swapping
DEPTH = {"safety": 20000, "liveness": 200000}
CHECK_TIMEOUT = 900       # seconds per check


def load_checks():
    if not os.path.isfile(MODEL_CONFIG):
        return []
    with open(MODEL_CONFIG, encoding="utf-8") as f:
        return json.load(f)["checks"]


def model_tools_missing():
    """Why model checks cannot run on this machine, or None."""
    missing = [tool for tool in ("spin", "gcc") if shutil.which(tool) is None]
    if not missing:
        return None
    return (f"{' and '.join(missing)} not found: the SPIN model check could not run (skipped, "
            "counted as a failure; ./keel setup installs the Debian package spin, and gcc "
            "compiles SPIN's verifier)")


def _run(argv, cwd, log, timeout):
    log.write("$ " + " ".join(argv) + "\n")
    log.flush()
    try:
        proc = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired as e:
        out = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode(errors="replace")
        log.write(out + f"\n(timed out after {timeout} s)\n")
        return None, out
    log.write(proc.stdout)
    return proc.returncode, proc.stdout


def trail_summary(chk, work, log, limit=14):
    """The counter-example as the model's `trail:` lines (system calls and adversary steps)."""
    model = os.path.basename(chk["model"])
    if not os.path.isfile(os.path.join(work, model + ".trail")):
        return []
    argv = ["spin", "-t", "-T"] + [f"-D{d}" for d in chk.get("defines", [])] + [model]
    _, out = _run(argv, work, log, 120)
    lines = []
    for line in (out or "").splitlines():
        line = line.strip()
        if line.startswith("trail:"):
            lines.append(line[len("trail:"):].strip())
        elif "START OF CYCLE" in line:
            lines.append("-- the rest repeats forever (acceptance cycle) --")
        elif line.startswith("spin: text of failed assertion"):
            lines.append(line[len("spin: "):])
    if len(lines) > limit:
        lines = [f"... ({len(lines) - limit} earlier steps)"] + lines[-limit:]
    return lines


def run_model_check(chk):
    """One spin + gcc + pan run. Returns a result dict shaped like a Frama-C module's."""
    name, mode = chk["name"], chk.get("mode", "safety")
    expect = chk.get("expect", "pass")
    res = {"name": f"model {name}", "kind": "model", "check": name, "proved": 0, "total": 0,
           "seconds": 0.0, "unproved": [], "error": None, "must_prove": True, "ok": False,
           "states": 0, "expect": expect, "found": None, "trail": [], "what": chk.get("what", "")}
    work = os.path.join(MODEL_OUT, name)
    res["log"] = os.path.relpath(os.path.join(work, "pan.log"), ROOT)
    missing = model_tools_missing()
    if missing:
        res["error"] = missing
        return res
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    model = os.path.basename(chk["model"])
    shutil.copy(os.path.join(ROOT, chk["model"]), os.path.join(work, model))
    defines = [f"-D{d}" for d in chk.get("defines", [])]
    if mode == "safety":
        cflags = ["-DSAFETY", "-DNOCLAIM"]
        pan_args = []
    else:
        cflags = ["-DNFAIR=3"]
        pan_args = ["-a", "-f"]
    start = time.monotonic()
    with open(os.path.join(work, "pan.log"), "w", encoding="utf-8") as log:
        steps = [
            ("spin -a", ["spin"] + defines + ["-a", model], 120),
            ("gcc", ["gcc", "-O2", "-w", f"-DMEMLIM={MEMLIM_MB}"] + cflags
             + ["-o", "pan", "pan.c"], 300),
            ("pan", ["./pan", f"-m{chk.get('depth', DEPTH[mode])}", f"-w{chk.get('hash', 24)}"]
             + pan_args, chk.get("timeout", CHECK_TIMEOUT)),
        ]
        out = ""
        for what, argv, limit in steps:
            status, out = _run(argv, work, log, limit)
            if status is None:
                res["error"] = f"{what} timed out after {limit} s (log: {res['log']})"
                break
            if status != 0 and what != "pan":
                tail = "\n".join("    " + line for line in out.strip().splitlines()[-6:])
                res["error"] = f"{what} failed (status {status}):\n{tail}"
                break
        res["seconds"] = time.monotonic() - start
        if res["error"]:
            return res
        errors = None
        for line in out.splitlines():
            m = STORED.match(line)
            if m:
                res["states"] = int(m[1])
            m = ERRORS.search(line)
            if m:
                errors = int(m[1])
            m = FIRST_ERROR.match(line)
            if m and res["found"] is None:
                res["found"] = m[1].strip()
        incomplete = [w for w in INCOMPLETE if w in out]
        if errors is None:
            res["error"] = f"pan printed no result (log: {res['log']})"
        elif expect == "pass":
            if errors:
                res["trail"] = trail_summary(chk, work, log)
            elif incomplete:
                res["error"] = (f"the search was not exhaustive ({incomplete[0]}); raise 'depth' "
                                f"or shrink the check in proofs/model/checks.json")
            else:
                res["ok"] = True
        else:
            pattern = chk.get("error", ".")
            if errors and res["found"] and re.search(pattern, res["found"]):
                res["ok"] = True
                res["trail"] = trail_summary(chk, work, log)
            elif errors:
                res["trail"] = trail_summary(chk, work, log)
    return res


def _model_check_or_error(chk):
    """run_model_check, with an unexpected exception (missing model file, ...) as a failure."""
    try:
        return run_model_check(chk)
    except (OSError, KeyError, ValueError) as e:
        name = chk.get("name", "?")
        return {"name": f"model {name}", "kind": "model", "check": name, "proved": 0,
                "total": 0, "seconds": 0.0, "unproved": [], "must_prove": True, "ok": False,
                "states": 0, "expect": chk.get("expect", "pass"), "found": None, "trail": [],
                "what": chk.get("what", ""), "error": f"cannot run: {e!r}",
                "log": os.path.relpath(os.path.join(MODEL_OUT, name, "pan.log"), ROOT)}


def run_model_checks(checks, echo=print):
    """Runs the checks two at a time (or one per CPU), reporting them in config order."""
    if not checks:
        return []
    os.makedirs(MODEL_OUT, exist_ok=True)
    workers = max(1, min(2, os.cpu_count() or 1))
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        for res in pool.map(_model_check_or_error, checks):
            results.append(res)
            if echo:
                echo(summary_line(res))
    return results


def model_summary_line(res):
    name = res["name"]
    if res["error"]:
        return f"{name}: FAILED: {res['error']}"
    stats = f"{res['states']} states, {res['seconds']:.1f} s"
    trail = "".join(f"\n    {line}" for line in res["trail"])
    if res["expect"] == "pass":
        if res["ok"]:
            return f"{name}: OK ({stats})"
        return (f"{name}: FAILED: {res['found']} ({stats}); trail:{trail}"
                f"\n    (log: {res['log']})")
    if res["ok"]:
        return f"{name}: OK (found as expected: {res['found']}; {stats})"
    if res["found"]:
        return (f"{name}: FAILED: expected an error matching the check's 'error' pattern, "
                f"got: {res['found']} ({stats}); trail:{trail}\n    (log: {res['log']})")
    return (f"{name}: FAILED: the deliberately broken variant passed ({stats}): the model no "
            f"longer detects it (log: {res['log']})")


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
        for c in load_checks():
            print(f"model {c['name']}: {c.get('what', '')}")
        return 0
    try:
        results = prove(args.module, args.timeout)
    except ProveError as e:
        print(f"prove: error: {e}", file=sys.stderr)
        return 1
    proved = sum(r["proved"] for r in results)
    total = sum(r["total"] for r in results)
    secs = sum(r["seconds"] for r in results if r.get("kind") != "model")
    print(f"total: {proved}/{total} goals proved ({secs:.1f} s)")
    models = [r for r in results if r.get("kind") == "model"]
    if models:
        print(f"model checks: {sum(r['ok'] for r in models)}/{len(models)} OK, "
              f"{sum(r['states'] for r in models)} states "
              f"({sum(r['seconds'] for r in models):.1f} s of checking)")
    failed = [r["name"] for r in results if r["must_prove"] and not r["ok"]]
    if failed:
        print(f"unproved goals in must-prove module(s) or failed model checks: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
