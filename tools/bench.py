#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# IPC benchmark host side: runs bench images under QEMU, parses BENCH lines, writes table/JSON/SVG.
"""Run Keel's IPC benchmark images and report.

Library use (./keel bench and ./keel test):
    results = run_image("qemu-virt", image, workdir, icount=True)   # {name: Stat}
    report(matrix, host_matrix, out_dir, irq)                        # table, ipc.json, ipc.svg

Command-line use, on images built by ./keel bench (build/<platform>-gcc-bench[-nofastpath], and
build/<platform>-gcc-bench-irqlat for the interrupt latency):
    tools/bench.py [--platform qemu-virt] [--no-host-time] [--out build/bench]
"""

import argparse
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import qemu  # noqa: E402  tools/qemu.py

BUILD = os.path.join(ROOT, "build")
PLATFORMS = ("qemu-virt", "rpi4")
FASTPATH = ("on", "off")
SPACES = ("cross", "same")

# seL4 13.0.0 measured with sel4bench (ipc app) on the same QEMU (virt, cortex-a72, -icount
# shift=0): one-way, cross address space, overhead subtracted, in instructions. "_slow" are the
# Call/ReplyRecv figures of a kernel built without the fastpath.
SEL4_REFERENCE = {
    "call": 186, "replyrecv": 209,
    "call_slow": 622, "replyrecv_slow": 604,
    "send": 625,
    "call_10w": 696, "replyrecv_10w": 678,
}
# The fastpath claim that ./keel test checks on every build.
CALL_LIMIT = SEL4_REFERENCE["call"]

# Operations per address-space mode, in table order: (key, label).
OPERATIONS = [
    ("call", "Call (one-way, client -> server)"),
    ("replyrecv", "ReplyRecv (one-way, server -> client)"),
    ("roundtrip", "Call + ReplyRecv round trip"),
    ("call_10w", "Call, 10 words (slowpath)"),
    ("replyrecv_10w", "ReplyRecv, 10 words (slowpath)"),
    ("send", "Send to a waiting receiver"),
    ("nbsend", "NBSend to a waiting receiver"),
    ("recv", "Recv from a queued sender"),
    ("notify", "Signal -> waiting thread"),
    ("yield", "Yield to another thread"),
]

# Table rows compared with seL4: (label, keel key, fastpath column it is compared in, reference).
COMPARED = [
    ("Call, fastpath", "cross.call", "on", "call"),
    ("ReplyRecv, fastpath", "cross.replyrecv", "on", "replyrecv"),
    ("Call, slowpath", "cross.call", "off", "call_slow"),
    ("ReplyRecv, slowpath", "cross.replyrecv", "off", "replyrecv_slow"),
    ("Send", "cross.send", "on", "send"),
    ("Call, 10 words", "cross.call_10w", "on", "call_10w"),
    ("ReplyRecv, 10 words", "cross.replyrecv_10w", "on", "replyrecv_10w"),
]

# ipc.json's top-level figures: key -> (BENCH name, fastpath build); qemu-virt, icount.
SUMMARY = {
    "call": ("cross.call", "on"), "replyrecv": ("cross.replyrecv", "on"),
    "roundtrip": ("cross.roundtrip", "on"),
    "call_slow": ("cross.call", "off"), "replyrecv_slow": ("cross.replyrecv", "off"),
    "send": ("cross.send", "on"), "notify": ("cross.notify", "on"),
    "call_10w": ("cross.call_10w", "on"), "replyrecv_10w": ("cross.replyrecv_10w", "on"),
    "yield": ("cross.yield", "on"),
}

# Interrupt latency (userland/schedtest/irqlat.c, run under -icount on a kernel built with
# IRQLAT_OPTIONS): (BENCH name, table label, statistic shown). The figure for the long operations
# is the worst sample: what matters there is the longest stretch the kernel runs with an interrupt
# pending, i.e. the work between two preemption points plus the interrupt path.
IRQLAT_OPTIONS = ("-DKEEL_EXPORT_PTMR=ON", "-DKEEL_EXPORT_PCNT=ON")  # plus KEEL_PMU_USER (bench)
IRQ_FIGURES = [
    ("irq_latency", "timer deadline -> handler thread, root busy at EL0", "median"),
    ("irq_latency_during_revoke", "... during CNode/untyped revokes (worst)", "max"),
    ("irq_latency_during_reset", "... during a 2 MiB untyped reset (worst)", "max"),
    ("irq_latency_during_retype", "... during a retype of 256 TCBs (worst)", "max"),
    ("irq_latency_during_cache", "... during cache ops on a 2 MiB frame (worst)", "max"),
    ("irq_latency_idle", "timer deadline -> handler thread, kernel idle (WFI)", "median"),
    ("irq_longest_nonpreemptible", "longest non-preemptible stretch (worst - plain)", "median"),
]

BENCH_LINE = re.compile(r"^BENCH (?P<name>[a-z0-9_.]+) (?P<median>\d+)(?P<rest>(?: \w+=\d+)*)\s*$")


class BenchError(Exception):
    """A benchmark run that did not produce a complete, clean set of results."""


def image_dir(platform, fastpath):
    """Build directory of a bench configuration, as ./keel bench names it."""
    return os.path.join(BUILD, f"{platform}-gcc-bench" + ("" if fastpath == "on" else "-nofastpath"))


def irq_image_dir(platform):
    """Build directory of the IRQ latency image (irqlat.elf in a bench kernel, fastpath on)."""
    return os.path.join(BUILD, f"{platform}-gcc-bench-irqlat")


def parse(lines):
    """{name: {"median": m, "min": ..., "max": ..., "q1": ..., "q3": ..., "n": ...}} from BENCH lines."""
    out = {}
    for line in lines:
        m = BENCH_LINE.match(line.strip())
        if m:
            stat = {"median": int(m["median"])}
            for kv in m["rest"].split():
                k, _, v = kv.partition("=")
                stat[k] = int(v)
            out[m["name"]] = stat
    return out


def run_image(platform, image, workdir, icount, timeout=300):
    """Boots one bench image; returns ({name: stat}, console lines). Raises BenchError."""
    try:
        files = qemu.prepare(platform, "direct", image, workdir)
    except qemu.QemuError as e:
        raise BenchError(str(e))
    argv = qemu.command(platform, "direct", image, files, icount=icount)
    log_path = os.path.join(workdir, f"console-{'icount' if icount else 'host'}.log")
    os.makedirs(workdir, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        result = qemu.run(argv, timeout, log=log)
    with open(log_path, encoding="utf-8", errors="replace") as log:
        console = log.read().replace("\r\n", "\n").split("\n")
    if result.status != "exited" or result.returncode != 0:
        raise BenchError(f"{platform} {os.path.basename(os.path.dirname(image))}: {result.describe()}"
                         f"; console in {log_path}:\n" + "\n".join(result.tail[-15:]))
    fails = [line for line in console if line.startswith("bench: FAIL")]
    if fails or not any(line.startswith("bench: done") for line in console):
        raise BenchError(f"{platform} {image}: the benchmark did not finish cleanly; console in "
                         f"{log_path}:\n" + "\n".join((fails or result.tail)[-15:]))
    return parse(console), console


# ------------------------------------------------------------------------------------ reporting

def pct(keel, ref):
    return f"{100.0 * (keel - ref) / ref:+.1f}%"


def _fig(matrix, platform, fastpath, name):
    stat = matrix.get(platform, {}).get(fastpath, {}).get(name)
    return stat["median"] if stat else None


def _cell(v, width=8):
    return f"{'-' if v is None else v:>{width}}"


def table(matrix):
    """The comparison table (icount figures) as text."""
    lines = []
    head = (f"{'operation':<40}{'Keel fastpath on':>18}{'Keel fastpath off':>18}"
            f"{'seL4 13.0.0':>13}{'Keel vs seL4':>14}")
    sub = f"{'':<40}{'virt':>9}{'rpi4':>9}{'virt':>9}{'rpi4':>9}"
    rule = "-" * len(head)
    lines += ["Instructions per operation (QEMU -icount shift=0, PMCCNTR; median of 256, "
              "overhead subtracted)", rule, head, sub, rule]
    lines.append("compared with seL4 (different address spaces; Keel vs seL4 uses qemu-virt):")
    for label, key, fp, ref_key in COMPARED:
        ref = SEL4_REFERENCE[ref_key]
        keel = _fig(matrix, "qemu-virt", fp, key)
        row = f"  {label:<38}"
        for f in FASTPATH:  # only the build the reference is compared with
            for p in PLATFORMS:
                row += _cell(_fig(matrix, p, f, key), 9) if f == fp else f"{'':>9}"
        row += f"{ref:>13}{pct(keel, ref) if keel is not None else '-':>14}"
        lines.append(row)
    for space in SPACES:
        lines.append(f"all operations, {'different address spaces' if space == 'cross' else 'same address space'}:")
        for key, label in OPERATIONS:
            row = f"  {label:<38}"
            for f in FASTPATH:
                for p in PLATFORMS:
                    row += _cell(_fig(matrix, p, f, f"{space}.{key}"), 9)
            lines.append(row)
    for key, label in (("null_syscall", "null syscall (Yield, alone at its prio)"),
                       ("overhead", "timestamp overhead (subtracted)")):
        row = f"  {label:<38}"
        for f in FASTPATH:
            for p in PLATFORMS:
                row += _cell(_fig(matrix, p, f, key), 9)
        lines.append(row)
    lines.append(rule)
    return "\n".join(lines)


def host_table(host):
    """Medians and spread of the runs without -icount: PMCCNTR then follows host time."""
    lines = ["Without -icount (PMCCNTR follows QEMU's virtual clock, ~host ns): NOISY, for "
             "orientation only", "median [q1-q3] (min-max) per configuration"]
    configs = [(p, f) for p in PLATFORMS for f in FASTPATH if host.get(p, {}).get(f)]
    if not configs:
        return "\n".join(lines + ["  (not run)"])
    lines.append(f"{'operation':<28}" + "".join(f"{p + ' fastpath ' + f:>38}" for p, f in configs))
    for key in ["cross." + k for k, _ in OPERATIONS] + ["null_syscall"]:
        row = f"  {key:<26}"
        for p, f in configs:
            s = host[p][f].get(key)
            cell = (f"{s['median']} [{s.get('q1', '?')}-{s.get('q3', '?')}] ({s['min']}-{s['max']})"
                    if s else "-")
            row += f"{cell:>38}"
        lines.append(row)
    return "\n".join(lines)


def _irq_fig(irq, platform, name, stat):
    s = (irq or {}).get(platform, {}).get(name)
    return s.get(stat, s.get("median")) if s else None


def irq_table(irq):
    """The interrupt latency table (icount figures, fastpath-on bench kernels)."""
    lines = ["Interrupt latency (QEMU -icount shift=0, PMCCNTR; instructions from the timer's "
             "programmed deadline to the handler thread's timestamp)"]
    rule = "-" * 76
    lines += [rule, f"{'figure':<56}{'virt':>10}{'rpi4':>10}", rule]
    if not irq:
        return "\n".join(lines + ["  (not run)", rule])
    for name, label, stat in IRQ_FIGURES:
        row = f"  {label:<54}"
        for p in PLATFORMS:
            row += _cell(_irq_fig(irq, p, name, stat), 10)
        lines.append(row)
    lines.append(rule)
    return "\n".join(lines)


def summary_json(matrix, host, irq=None):
    out = {}
    for key, (name, fp) in SUMMARY.items():
        out[key] = _fig(matrix, "qemu-virt", fp, name)
    for name, _, stat in IRQ_FIGURES:
        out[name] = _irq_fig(irq, "qemu-virt", name, stat)
    out["units"] = ("guest instructions: PMCCNTR_EL0 under qemu-system-aarch64 -icount "
                    "shift=0,sleep=off, one-way, median of 256, timestamp overhead subtracted; "
                    "top-level figures are qemu-virt, cross address space, fastpath on "
                    "(call_slow/replyrecv_slow: fastpath off)")
    out["sel4_reference"] = dict(SEL4_REFERENCE,
                                 source="seL4 13.0.0, sel4bench ipc, same QEMU, cortex-a72, "
                                        "one-way, overhead subtracted")
    nested = {}
    for p, by_fp in matrix.items():
        for f, stats in by_fp.items():
            node = nested.setdefault(p, {}).setdefault(f"fastpath-{f}", {})
            for name, stat in stats.items():
                space, _, op = name.partition(".")
                if op:
                    node.setdefault(space, {})[op] = stat
                else:
                    node[name] = stat
    out["matrix"] = nested
    hosted = {}
    for p, by_fp in host.items():
        for f, stats in by_fp.items():
            hosted.setdefault(p, {})[f"fastpath-{f}"] = stats
    out["host_time"] = {"note": "without -icount: PMCCNTR follows QEMU's virtual clock (about "
                                "host nanoseconds); noisy, not comparable across machines",
                        "matrix": hosted}
    out["irq"] = {"units": "guest instructions under -icount shift=0,sleep=off: PMCCNTR_EL0 at "
                           "the handler thread's wake-up minus PMCCNTR at the timer's programmed "
                           "deadline (CNTP_CVAL_EL0), qemu-virt and rpi4, fastpath-on bench kernel "
                           "with KEEL_EXPORT_PTMR/PCNT; top-level irq_latency is the median with "
                           "the root busy at EL0, irq_latency_during_revoke/_reset the worst "
                           "sample (see docs/bench.md)",
                  "matrix": irq or {}}
    return out


# Short x-axis labels for the chart.
SHORT = {
    "call": "Call", "replyrecv": "ReplyRecv", "roundtrip": "Call+ReplyRecv",
    "call_10w": "Call 10w", "replyrecv_10w": "ReplyRecv 10w", "send": "Send",
    "nbsend": "NBSend", "recv": "Recv (queued)", "notify": "Signal", "yield": "Yield",
}


def svg(matrix):
    """Grouped bar chart, qemu-virt, cross address space: Keel and seL4, fastpath on and off."""
    series = [("Keel, fastpath on", "#1f4e99"), ("seL4 13.0.0, fastpath on", "#b22222"),
              ("Keel, fastpath off", "#8fb3e8"), ("seL4 13.0.0, fastpath off", "#f0a0a0")]
    # sel4bench's Send and 10-word figures come from its fastpath build.
    ref_on = {k: SEL4_REFERENCE.get(k) for k in ("call", "replyrecv", "call_10w",
                                                   "replyrecv_10w", "send")}
    ref_off = {"call": SEL4_REFERENCE["call_slow"], "replyrecv": SEL4_REFERENCE["replyrecv_slow"]}
    groups = [key for key, _ in OPERATIONS]
    values = [(_fig(matrix, "qemu-virt", "on", f"cross.{k}"), ref_on.get(k),
               _fig(matrix, "qemu-virt", "off", f"cross.{k}"), ref_off.get(k)) for k in groups]
    vmax = max([v for row in values for v in row if v] + [1])
    step = 10 ** (len(str(int(vmax))) - 1) / 2
    top = (int(vmax / step) + 1) * step
    width, height = 980, 460
    left, right, ytop, bottom = 60, 20, 70, 90
    plot_w, plot_h = width - left - right, height - ytop - bottom
    gw = plot_w / len(groups)
    bw = gw * 0.84 / len(series)
    e = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
         f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
         f'<rect width="{width}" height="{height}" fill="white"/>',
         f'<text x="{width / 2}" y="22" text-anchor="middle" font-size="15">Instructions per IPC '
         f'operation, one-way: Keel vs seL4 13.0.0 (QEMU virt, -icount, different address '
         f'spaces)</text>',
         f'<text x="14" y="{ytop + plot_h / 2}" text-anchor="middle" '
         f'transform="rotate(-90 14 {ytop + plot_h / 2})">instructions (fewer is better)</text>']
    for i in range(6):
        v = top * i / 5
        y = ytop + plot_h - plot_h * v / top
        e.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>')
        e.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{int(v)}</text>')
    e.append(f'<line x1="{left}" y1="{ytop + plot_h}" x2="{width - right}" y2="{ytop + plot_h}" '
             f'stroke="black"/>')
    for g, (key, row) in enumerate(zip(groups, values)):
        x0 = left + g * gw + gw * 0.08
        for s, v in enumerate(row):
            if not v:
                continue
            h = plot_h * v / top
            x, y = x0 + s * bw, ytop + plot_h - h
            e.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw - 1:.1f}" height="{h:.1f}" '
                     f'fill="{series[s][1]}"><title>{series[s][0]}: {v}</title></rect>')
            e.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                     f'font-size="8">{v}</text>')
        cx, cy = left + g * gw + gw / 2, ytop + plot_h + 16
        e.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle">{_xml(SHORT[key])}</text>')
    for s, (name, color) in enumerate(series):
        x = left + 10 + s * 220
        e.append(f'<rect x="{x}" y="38" width="12" height="12" fill="{color}"/>')
        e.append(f'<text x="{x + 17}" y="48">{name}</text>')
    e.append(f'<text x="{left}" y="{height - 30}" font-size="10">Median of 256 samples, timestamp '
             f'overhead subtracted. seL4 figures: sel4bench ipc on the same QEMU; there is no seL4 '
             f'reference here for the round trip, NBSend, Recv, Signal or Yield.</text>')
    e.append(f'<text x="{left}" y="{height - 15}" font-size="10">Send, 10-word and Signal/Yield '
             f'paths have no fastpath: the "fastpath off" bars show the same path in the build '
             f'without it.</text>')
    e.append("</svg>")
    return "\n".join(e) + "\n"


def _xml(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def report(matrix, host, out_dir, irq=None):
    """Prints the tables; writes ipc.json and ipc.svg into out_dir. Returns the JSON object.

    irq: {platform: {name: stat}} from the IRQ latency images, or None if they were not run.
    """
    os.makedirs(out_dir, exist_ok=True)
    print(table(matrix))
    print()
    print(host_table(host))
    if irq is not None:
        print()
        print(irq_table(irq))
    data = summary_json(matrix, host, irq)
    with open(os.path.join(out_dir, "ipc.json"), "w") as f:
        json.dump(data, f, indent=2, sort_keys=False)
        f.write("\n")
    with open(os.path.join(out_dir, "ipc.svg"), "w") as f:
        f.write(svg(matrix))
    return data


def odd_findings(matrix):
    """Warnings worth a look: a fastpath that is not taken, or results that differ by platform."""
    notes = []
    for p in PLATFORMS:
        on, off = _fig(matrix, p, "on", "cross.call"), _fig(matrix, p, "off", "cross.call")
        if on is not None and off is not None and on >= off:
            notes.append(f"{p}: fastpath Call ({on}) is not cheaper than the slowpath ({off}): "
                         "the fastpath is not being taken")
    return notes


def main():
    ap = argparse.ArgumentParser(description="Run already-built bench images and report.")
    ap.add_argument("--platform", choices=PLATFORMS + ("all",), default="all")
    ap.add_argument("--no-host-time", action="store_true", help="skip the runs without -icount")
    ap.add_argument("--out", default=os.path.join(BUILD, "bench"))
    args = ap.parse_args()
    platforms = PLATFORMS if args.platform == "all" else (args.platform,)
    matrix, host, irq = {}, {}, {}
    try:
        for p in platforms:
            for f in FASTPATH:
                image = os.path.join(image_dir(p, f), "keel.img")
                work = os.path.join(args.out, f"{p}-fastpath-{f}")
                matrix.setdefault(p, {})[f], _ = run_image(p, image, work, icount=True)
                if not args.no_host_time:
                    host.setdefault(p, {})[f], _ = run_image(p, image, work, icount=False)
            image = os.path.join(irq_image_dir(p), "keel.img")
            if os.path.isfile(image):
                irq[p], _ = run_image(p, image, os.path.join(args.out, f"{p}-irqlat"),
                                      icount=True)
    except BenchError as e:
        sys.exit(f"bench.py: {e}")
    report(matrix, host, args.out, irq or None)
    for note in odd_findings(matrix):
        print("note: " + note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
