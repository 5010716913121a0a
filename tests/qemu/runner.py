#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Boots one Keel configuration in QEMU and checks its console: ordered expectations plus numbered test lines.
"""Run one boot and judge its console.

    tests/qemu/runner.py --name qemu-virt/direct --platform qemu-virt --boot direct \
        --image build/qemu-virt-gcc-release/keel.img --expect 'banner=^Keel .*qemu-virt' \
        --expect 'timer=timer: [0-9]+ Hz' --expect-exit --timeout 60 --result out.json

Each --expect LABEL=REGEX must match a console line, in the given order (--reply REGEX=TEXT
types TEXT into the serial console once a line matches REGEX: a suite's input prompt). Every
in-QEMU test line
    ABC0001 some_name pass|fail
counts as one test of its own; the lines indented by two spaces just before a failing one are its
reason. With --expect-exit, QEMU must then stop by itself with status 0 (the
root task powers the machine off). One line per check is printed (PASS name / FAIL name — reason),
the console goes to <result>.log and the verdicts to the --result JSON file.
"""

import argparse
import json
import os
import re
import sys
import textwrap

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import qemu  # noqa: E402  (tools/qemu.py)

TEST_LINE = re.compile(r"^(?P<id>[A-Z]+[0-9]{4}) (?P<name>\S+) (?P<res>pass|fail)$")
# A kernel that panics will not get further: remember why, and stop once it says it has halted
# (Keel's panic() prints "Keel: fatal: ..." then "Keel: system halted") instead of waiting for the
# timeout. A bare "panic" line stops at once.
FATAL = re.compile(r"^Keel: (?:fatal|unexpected exception)\b|^\s*(?:kernel\s+)?panic\b", re.IGNORECASE)
HALTED = re.compile(r"^Keel: system halted\b|^\s*(?:kernel\s+)?panic\b", re.IGNORECASE)


class Check:
    def __init__(self, name, ok, reason=""):
        self.name, self.ok, self.reason = name, ok, reason

    def line(self):
        """One line per check; a multi-line reason (a log excerpt) follows it, indented."""
        if self.ok:
            return f"PASS {self.name}"
        first, *rest = (self.reason or "failed").strip().splitlines()
        rest = textwrap.dedent("\n".join(rest)).splitlines()
        return "\n".join([f"FAIL {self.name} — {first.strip()}"] + [f"  | {r.rstrip()}" for r in rest])

    def as_dict(self):
        return {"name": self.name, "ok": self.ok, "reason": self.reason}


class Judge:
    """Follows the console line by line; tells qemu.run when nothing more can be learnt."""

    def __init__(self, prefix, expects, expect_exit):
        self.prefix = prefix
        self.expects = expects            # [(label, compiled regex)]
        self.expect_exit = expect_exit
        self.next = 0                     # index of the next expectation to meet
        self.met = []                     # Check for each expectation met
        self.tests = []                   # Check for each numbered test line
        self.abort = None                 # why the boot was cut short
        self.fatal = None                 # the kernel's first fatal message, if any
        self.prev = None                  # the previous line handed in
        self.counted = False              # whether it counted as a test or an expectation
        self.why = []                     # "  reason" lines since the last test line

    def __call__(self, line):
        line = line.rstrip()
        # qemu.run also hands in a trailing partial line, again each time it grows, and then once
        # complete: that is one line (one test, one expectation met), not several.
        prev, self.prev = self.prev, line
        prev_counted, self.counted = self.counted, False
        if line == prev or (prev_counted and prev and line.startswith(prev)):
            self.counted = prev_counted
            return False
        m = TEST_LINE.match(line)
        if m:
            self.counted = True
            why = "; ".join(self.why[:4]) or "reported fail by the test itself"
            if len(self.why) > 4:
                why += f" (+{len(self.why) - 4} more)"
            self.why = []
            self.tests.append(Check(f"{self.prefix} {m['id']} {m['name']}", m["res"] == "pass", why))
            return False
        if line.startswith("  ") and line.strip():
            # A test's reasons for failing precede its line, indented by two spaces.
            if self.why and prev is not None and line.startswith(prev) and self.why[-1] == prev.strip():
                self.why[-1] = line.strip()
            else:
                self.why.append(line.strip())
        if self.next < len(self.expects):
            label, rx = self.expects[self.next]
            if rx.search(line):
                self.counted = True
                self.met.append(Check(f"{self.prefix} {label}", True))
                self.next += 1
                return self.next == len(self.expects) and not self.expect_exit
        elif self.expects and self.expects[0][1].search(line):
            self.abort = "the machine rebooted instead of powering off"
            return True
        if FATAL.search(line) and self.fatal is None:
            self.fatal = line.strip()
        if HALTED.search(line):
            self.abort = f"kernel panic: {self.fatal or line.strip()}"
            return True
        return False

    def verdicts(self, result):
        """All checks, in order: expectations, numbered tests, then the clean exit."""
        why = self.abort or result.describe()
        if self.fatal and not self.abort:
            why += f"; the kernel said: {self.fatal}"
        checks = list(self.met)
        for label, rx in self.expects[self.next:]:
            checks.append(Check(f"{self.prefix} {label}", False,
                                f"/{rx.pattern}/ not seen ({why})"))
        checks += self.tests
        if self.expect_exit:
            clean = result.status == "exited" and result.returncode == 0 and self.abort is None
            if clean and self.next < len(self.expects):
                why = "QEMU exited before every expected line was seen"
                clean = False
            checks.append(Check(f"{self.prefix} clean-exit", clean, "" if clean else why))
        return checks


def boot(name, platform, boot_path, image, expects, timeout, workdir, result_path=None,
         expect_exit=True, icount=False, echo=None, replies=None):
    """Runs one boot; returns (checks, RunResult or None, log path).

    replies: [(REGEX, TEXT)] typed into the serial console once a console line matches REGEX
    (for suites that read input, e.g. schedtest's PL011 driver after "IRQ-INPUT-READY").
    """
    expects = [(label, re.compile(rx)) for label, rx in expects]
    judge = Judge(name, expects, expect_exit)
    os.makedirs(workdir, exist_ok=True)
    log_path = (os.path.splitext(result_path)[0] if result_path else os.path.join(workdir, "console")) + ".log"
    result = None
    try:
        files = qemu.prepare(platform, boot_path, image, workdir)
        argv = qemu.command(platform, boot_path, image, files, interactive=False, icount=icount)
        with open(log_path, "w", encoding="utf-8") as log:
            log.write("# " + " ".join(argv) + "\n")
            result = qemu.run(argv, timeout, on_line=judge, echo=echo, log=log, replies=replies)
            if result.stderr:
                log.write("\n# QEMU stderr:\n" + result.stderr)
        checks = judge.verdicts(result)
    except (qemu.QemuError, OSError) as e:
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        checks = [Check(f"{name} {label}", False, f"boot not started: {reason}") for label, _ in expects]
        if expect_exit:
            checks.append(Check(f"{name} clean-exit", False, f"boot not started: {reason}"))
    if result_path:
        with open(result_path, "w", encoding="utf-8") as f:
            json.dump({"name": name, "platform": platform, "boot": boot_path, "image": image,
                       "status": result.status if result else "not-started",
                       "returncode": result.returncode if result else None,
                       "seconds": round(result.elapsed, 2) if result else None,
                       "console": log_path,
                       "checks": [c.as_dict() for c in checks]}, f, indent=2)
    return checks, result, log_path


def tail_lines(result, n):
    """The last n console lines and QEMU's own complaints, indented for a test report."""
    lines = [f"  | {line}" for line in result.tail[-n:]] or ["  | (the console printed nothing)"]
    return lines + [f"  | qemu: {line}" for line in result.stderr.strip().splitlines()[-10:]]


def parse_expect(text):
    label, sep, rx = text.partition("=")
    if not sep or not label or not rx:
        raise argparse.ArgumentTypeError(f"--expect wants LABEL=REGEX, got {text!r}")
    try:
        re.compile(rx)
    except re.error as e:
        raise argparse.ArgumentTypeError(f"bad regex {rx!r}: {e}")
    return label, rx


def parse_reply(text):
    """REGEX=TEXT, TEXT with backslash escapes (keel\\n is keel and a newline)."""
    rx, sep, typed = text.partition("=")
    if not sep or not rx:
        raise argparse.ArgumentTypeError(f"--reply wants REGEX=TEXT, got {text!r}")
    try:
        re.compile(rx)
    except re.error as e:
        raise argparse.ArgumentTypeError(f"bad regex {rx!r}: {e}")
    return rx, typed.encode("latin-1", "backslashreplace").decode("unicode_escape")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--name", required=True, help="prefix of every check name")
    ap.add_argument("--platform", choices=qemu.PLATFORMS, required=True)
    ap.add_argument("--boot", choices=qemu.BOOTS, default="direct")
    ap.add_argument("--image", required=True)
    ap.add_argument("--expect", type=parse_expect, action="append", default=[], metavar="LABEL=REGEX")
    ap.add_argument("--expect-exit", action="store_true", help="QEMU must power off by itself")
    ap.add_argument("--reply", type=parse_reply, action="append", default=[],
                    metavar="REGEX=TEXT",
                    help="type TEXT (backslash escapes allowed) into the console after a line "
                         "matching REGEX")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--workdir", help="disks and DTBs (default: beside --result, or /tmp)")
    ap.add_argument("--result", help="JSON result file; the console goes beside it as .log")
    ap.add_argument("--tail", type=int, default=50, help="console lines to show when a check fails")
    ap.add_argument("--echo", action="store_true", help="stream the console while it runs")
    args = ap.parse_args()
    if not args.expect and not args.expect_exit:
        ap.error("nothing to check: give --expect and/or --expect-exit")
    workdir = args.workdir or (os.path.dirname(os.path.abspath(args.result)) if args.result else
                               os.path.join("/tmp", "keel-boot-" + re.sub(r"\W", "_", args.name)))
    checks, result, log_path = boot(args.name, args.platform, args.boot, os.path.abspath(args.image),
                                    args.expect, args.timeout, workdir, args.result,
                                    expect_exit=args.expect_exit, icount=args.icount,
                                    echo=sys.stdout if args.echo else None,
                                    replies=args.reply or None)
    for c in checks:
        print(c.line())
    if not all(c.ok for c in checks) and result is not None and args.tail > 0:
        print(f"  console ({log_path}):")
        for line in tail_lines(result, args.tail):
            print(line)
    return 0 if all(c.ok for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
