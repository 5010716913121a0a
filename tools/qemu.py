#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# QEMU command lines for Keel's four boot paths, and a runner that streams the console and never hangs.
"""Boot Keel in QEMU.

Library use (./keel and tests/qemu/runner.py):
    files = prepare(platform, boot, image, workdir)   # disks and patched DTBs the boot needs
    argv = command(platform, boot, image, files, interactive=False, icount=False)
    result = run(argv, timeout=60, on_line=lambda line: bool(re.search(...)))

Command-line use, to see or reuse a command line:
    tools/qemu.py --platform rpi4 --boot uboot --image build/rpi4-gcc-release/keel.img --print
"""

import argparse
import collections
import os
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPS = os.environ.get("KEEL_DEPS_DIR", "/opt/keel-deps")
QEMU = "qemu-system-aarch64"

UBOOT_VIRT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
UBOOT_RPI4 = os.path.join(DEPS, "u-boot-rpi/usr/lib/u-boot/rpi_4/u-boot.bin")
RPI4_DTB = os.path.join(DEPS, "rpi-dtb/bcm2711-rpi-4-b.dtb")

PLATFORMS = ("qemu-virt", "rpi4")
BOOTS = ("direct", "uboot")

# QEMU's raspi4b deletes DTB nodes it does not model and says so on every boot: known noise.
_STDERR_NOISE = re.compile(r"bcm2711 dtc: .* has been disabled!")


_LIVE = set()                  # QEMU processes started by run(), for kill_all()
_LIVE_LOCK = threading.RLock()  # re-entrant: kill_all() may run in a signal handler
_STOPPING = threading.Event()  # set by kill_all(): no new QEMU may start


class QemuError(Exception):
    """A boot could not be prepared (a missing file or a failing helper)."""


def _require(path, what):
    if not os.path.isfile(path):
        raise QemuError(f"{what} not found at {path}: run ./keel setup")
    return path


def _fresh(target, *sources):
    """True when target exists and is newer than every source."""
    if not os.path.exists(target):
        return False
    mtime = os.path.getmtime(target)
    return all(os.path.getmtime(s) <= mtime for s in sources)


def console_dtb(workdir):
    """bcm2711-rpi-4-b.dtb with /chosen/stdout-path on the PL011, so U-Boot's whole console is on serial 1.

    The mainline DTB points stdout-path at the mini-UART (serial1); QEMU wires that to the second
    -serial, so without this patch U-Boot's output after the banner would vanish.
    """
    src = _require(RPI4_DTB, "bcm2711-rpi-4-b.dtb")
    out = os.path.join(workdir, "bcm2711-rpi-4-b-serial0.dtb")
    if not _fresh(out, src):
        os.makedirs(workdir, exist_ok=True)
        tmp = out + ".tmp"
        shutil.copyfile(src, tmp)
        _helper(["fdtput", "-t", "s", tmp, "/chosen", "stdout-path", "serial0:115200n8"])
        os.replace(tmp, out)
    return out


def _helper(argv):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        raise QemuError(f"{' '.join(map(shlex.quote, argv))} failed:\n{proc.stdout.strip()}")
    return proc.stdout


def prepare(platform, boot, image, workdir):
    """Creates what the boot needs besides the image; returns a dict of paths for command()."""
    if platform not in PLATFORMS:
        raise QemuError(f"unknown platform {platform!r} (expected one of {', '.join(PLATFORMS)})")
    if boot not in BOOTS:
        raise QemuError(f"unknown boot path {boot!r} (expected one of {', '.join(BOOTS)})")
    if not os.path.isfile(image):
        raise QemuError(f"no kernel image at {image}")
    os.makedirs(workdir, exist_ok=True)
    files = {}
    tools = os.path.join(ROOT, "tools")
    if platform == "rpi4":
        files["dtb"] = console_dtb(workdir)
    if boot == "uboot" and platform == "qemu-virt":
        _require(UBOOT_VIRT, "U-Boot for qemu_arm64")
        disk = os.path.join(workdir, "virtio-disk.img")
        deps = [image, os.path.join(tools, "mkdisk.sh"), os.path.join(tools, "fatdisk.sh")]
        if not _fresh(disk, *deps):
            _helper([os.path.join(tools, "mkdisk.sh"), "--image", image, "--out", disk])
        files["disk"] = disk
    elif boot == "uboot":
        _require(UBOOT_RPI4, "U-Boot for rpi_4")
        sd = os.path.join(workdir, "sdcard.img")
        deps = [image, os.path.join(tools, "mksdcard.sh"), os.path.join(tools, "fatdisk.sh"),
                os.path.join(ROOT, "platforms/rpi4/overlays/keel-uart0.dts")]
        if not _fresh(sd, *deps):
            _helper([os.path.join(tools, "mksdcard.sh"), "--image", image, "--out", sd])
        files["sd"] = sd
    return files


ICOUNT_SLEEP = "sleep"  # icount= value: instructions are guest time, idle time follows the host


def command(platform, boot, image, files, interactive=False, icount=False):
    """The QEMU argv for one boot path. No window ever; the console is the first serial on stdio.
    icount: False (guest time follows the host), True (-icount shift=0,sleep=off: one instruction
    is one ns and idle time is skipped, fully deterministic) or ICOUNT_SLEEP (-icount shift=0: one
    instruction is one ns, but an idle guest waits in host time, e.g. for console input)."""
    # mon:stdio multiplexes the QEMU monitor (Ctrl-A C) and gives Ctrl-A X to quit; a test wants the
    # bare serial so that nothing but the guest writes to the pipe.
    serial = "mon:stdio" if interactive else "stdio"
    argv = [QEMU, "-nodefaults", "-display", "none", "-serial", serial]
    if platform == "qemu-virt":
        argv += ["-M", "virt,gic-version=2", "-cpu", "cortex-a72", "-m", "1G"]
        if boot == "direct":
            argv += ["-kernel", image]
        else:
            argv += ["-bios", UBOOT_VIRT,
                     "-drive", f"if=none,file={files['disk']},format=raw,id=disk0,snapshot=on",
                     "-device", "virtio-blk-device,drive=disk0"]
    else:
        # raspi4b implies 2 GiB of RAM; the second serial is the mini-UART, sent nowhere.
        argv += ["-M", "raspi4b", "-serial", "null", "-dtb", files["dtb"]]
        if boot == "direct":
            argv += ["-kernel", image]
        else:
            argv += ["-kernel", _require(UBOOT_RPI4, "U-Boot for rpi_4"),
                     "-drive", f"file={files['sd']},if=sd,format=raw,snapshot=on"]
    if icount == ICOUNT_SLEEP:
        argv += ["-icount", "shift=0"]
    elif icount:
        argv += ["-icount", "shift=0,sleep=off"]
    return argv


class RunResult:
    """How a non-interactive QEMU run ended.

    status: "stopped" (on_line asked to stop), "exited" (QEMU ended by itself) or "timeout".
    """

    def __init__(self, status, returncode, elapsed, tail, stderr):
        self.status = status
        self.returncode = returncode
        self.elapsed = elapsed
        self.tail = tail          # the last console lines (a list)
        self.stderr = stderr      # QEMU's own messages, known noise removed

    def describe(self):
        if self.status == "timeout":
            return f"timed out after {self.elapsed:.0f} s"
        if self.status == "exited":
            why = f"QEMU exited with status {self.returncode}"
            return why + (f" ({self.stderr.strip().splitlines()[-1]})" if self.stderr.strip() else "")
        return "stopped"


def _kill_group(proc):
    """Ends QEMU and anything it started: TERM to its process group, KILL if it lingers."""
    if proc.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def kill_all():
    """Ends every QEMU that run() started and that is still going, and lets no new one start.

    For signal handlers and exits: boots running in other threads then end at once.
    """
    _STOPPING.set()
    with _LIVE_LOCK:
        procs = list(_LIVE)
    for proc in procs:
        _kill_group(proc)


def run(argv, timeout, on_line=None, echo=None, log=None, tail_lines=50, replies=None):
    """Runs QEMU with stdin closed, streaming its console.

    on_line(line) is called for every console line (and for a trailing partial line such as a prompt,
    which may be seen again once complete); returning True stops QEMU. echo is a text stream to copy
    the console to as it arrives, log an open text file for the whole console. QEMU runs in its own
    process group, which is killed on every way out, including exceptions and Ctrl-C.

    replies, if given, is a list of (REGEX, TEXT): QEMU's stdin (the serial console's input with
    -serial stdio) is then a pipe, and the first complete console line matching REGEX makes TEXT
    be typed into it, once per pair, in any order.
    """
    start = time.monotonic()
    deadline = start + timeout if timeout else None
    tail = collections.deque(maxlen=tail_lines)
    errbuf = []
    with _LIVE_LOCK:
        if _STOPPING.is_set():
            raise QemuError("interrupted: not starting QEMU")
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if replies else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        _LIVE.add(proc)
    waiting = [(re.compile(rx) if isinstance(rx, str) else rx, text) for rx, text in replies or ()]
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    pending = ""
    status = None
    try:
        open_streams = 2
        while open_streams and status is None:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                status = "timeout"
                break
            for key, _ in sel.select(wait):
                data = os.read(key.fileobj.fileno(), 65536)
                if not data:
                    sel.unregister(key.fileobj)
                    open_streams -= 1
                    continue
                text = data.decode("utf-8", errors="replace")
                if key.data == "err":
                    errbuf.append(text)
                    continue
                if echo is not None:
                    echo.write(text)
                    echo.flush()
                if log is not None:
                    log.write(text)
                pending += text.replace("\r\n", "\n").replace("\r", "\n")
                *lines, pending = pending.split("\n")
                for line in lines:
                    tail.append(line)
                    for pair in [p for p in waiting if p[0].search(line)]:
                        waiting.remove(pair)
                        _type_into(proc, pair[1])
                    if on_line is not None and on_line(line):
                        status = "stopped"
                        break
                if status is None and pending and on_line is not None and on_line(pending):
                    status = "stopped"
                if status is not None:
                    break
        if status is None:
            # Both pipes closed: QEMU is exiting; give it a moment to report its status.
            try:
                proc.wait(timeout=max(1.0, deadline - time.monotonic()) if deadline else None)
                status = "exited"
            except subprocess.TimeoutExpired:
                status = "timeout"
    finally:
        _kill_group(proc)
        with _LIVE_LOCK:
            _LIVE.discard(proc)
        sel.close()
        proc.stdout.close()
        proc.stderr.close()
        if proc.stdin is not None:
            try:
                proc.stdin.close()
            except OSError:
                pass
    if pending:
        tail.append(pending)
    if echo is not None and pending:
        echo.write("\n")
    stderr = "".join(line for line in "".join(errbuf).splitlines(True)
                     if not _STDERR_NOISE.search(line))
    return RunResult(status, proc.returncode, time.monotonic() - start, list(tail), stderr)


def _type_into(proc, text):
    """Writes text to QEMU's stdin; a QEMU that is already gone is not an error here."""
    try:
        proc.stdin.write(text.encode())
        proc.stdin.flush()
    except (BrokenPipeError, OSError):
        pass


def interactive(argv):
    """Runs QEMU on the terminal (serial multiplexed with the monitor); returns its exit status."""
    proc = subprocess.Popen(argv, start_new_session=False)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl-C normally reaches the guest through the raw terminal; this is only a fallback.
        proc.terminate()
        return proc.wait()


def main():
    ap = argparse.ArgumentParser(description="Print or run the QEMU command line for a Keel boot path.")
    ap.add_argument("--platform", choices=PLATFORMS, default="qemu-virt")
    ap.add_argument("--boot", choices=BOOTS, default="direct")
    ap.add_argument("--image", required=True, help="arm64 Image to boot (keel.img)")
    ap.add_argument("--workdir", help="where disks and DTBs go (default: beside the image)")
    ap.add_argument("--icount", action="store_true", help="add -icount shift=0,sleep=off")
    ap.add_argument("--print", action="store_true", help="only print the command line")
    args = ap.parse_args()
    image = os.path.abspath(args.image)
    workdir = args.workdir or os.path.join(os.path.dirname(image), f"boot-{args.platform}-{args.boot}")
    try:
        files = prepare(args.platform, args.boot, image, workdir)
    except QemuError as e:
        sys.exit(f"qemu.py: error: {e}")
    tty = sys.stdin.isatty() and sys.stdout.isatty()
    argv = command(args.platform, args.boot, image, files, interactive=tty, icount=args.icount)
    if args.print:
        print(" ".join(map(shlex.quote, argv)))
        return 0
    return interactive(argv)


if __name__ == "__main__":
    sys.exit(main())
