#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Builds the Raspberry Pi 4 SD image with tools/mksdcard.sh (as ./keel sdcard does) and checks what is in it.
"""tests/sdcard/test_sdcard.py --image KEEL.IMG [--out FILE]

Prints one line per check, PASS name / FAIL name — reason, and exits non-zero if any check fails.
Checked: the image size is a power of two; the MBR has one bootable FAT partition at 1 MiB that
fits the disk; the file system is FAT32; every file is there with the right content; config.txt
has its keys; boot.scr is a U-Boot script with the expected commands; the overlay applies to the
board DTB and moves the console to the PL011; the .bmap matches the image.
"""

import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPS = os.environ.get("KEEL_DEPS_DIR", "/opt/keel-deps")
FIRMWARE = os.path.join(DEPS, "raspi-firmware/usr/lib/raspi-firmware")
OFFSET = 2048 * 512  # the partition start that tools/fatdisk.sh uses

CONFIG_KEYS = {"arm_64bit": "1", "enable_uart": "1", "uart_2ndstage": "1",
               "dtoverlay": "keel-uart0", "kernel": "u-boot.bin"}
BOOT_SCR = [r"fatload mmc \$\{devnum\}:1 \$\{kernel_addr_r\} keel\.img",
            r"booti \$\{kernel_addr_r\} - \$\{fdt_addr\}"]

failures = 0


def check(name, ok, reason=""):
    global failures
    if ok:
        print(f"PASS sdcard {name}", flush=True)
    else:
        failures += 1
        print(f"FAIL sdcard {name} — {reason or 'failed'}", flush=True)
    return ok


def sh(*argv, binary=False):
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        msg = proc.stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(f"{argv[0]} failed: {msg[-1] if msg else proc.returncode}")
    return proc.stdout if binary else proc.stdout.decode(errors="replace")


def fat(img, path, dest):
    """Copies ::path out of the FAT partition into dest (mtools, no mounting)."""
    sh("mcopy", "-n", "-i", f"{img}@@{OFFSET}", f"::{path}", dest)
    with open(dest, "rb") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--image", required=True, help="the rpi4 keel.img to put on the card")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "test-results", "sdcard", "keel-rpi4.img"))
    args = ap.parse_args()
    os.environ["MTOOLS_SKIP_CHECK"] = "1"
    img = os.path.abspath(args.out)
    os.makedirs(os.path.dirname(img), exist_ok=True)

    if not os.path.isfile(args.image):
        check("build", False, f"no rpi4 kernel image at {args.image} (did the rpi4 build fail?)")
        return 1
    proc = subprocess.run([os.path.join(ROOT, "tools", "mksdcard.sh"), "--image", args.image, "--out", img],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not check("build", proc.returncode == 0 and os.path.isfile(img),
                 "tools/mksdcard.sh failed: " + " | ".join(proc.stdout.strip().splitlines()[-3:])):
        return 1

    size = os.path.getsize(img)
    check("size-power-of-two", size > 0 and size & (size - 1) == 0,
          f"{size} bytes is not a power of two (QEMU refuses such SD cards)")

    # Partition table, as sfdisk reads it.
    try:
        table = json.loads(sh("sfdisk", "--json", img))["partitiontable"]
        parts = table.get("partitions", [])
        problems = []
        if table.get("label") != "dos":
            problems.append(f"label is {table.get('label')!r}, not an MBR (dos)")
        if len(parts) != 1:
            problems.append(f"{len(parts)} partitions instead of 1")
        else:
            p = parts[0]
            if p["type"].lower() not in ("b", "c"):
                problems.append(f"type {p['type']} is not FAT32 (b or c)")
            if not p.get("bootable"):
                problems.append("partition 1 is not marked bootable")
            if p["start"] * 512 != OFFSET:
                problems.append(f"starts at sector {p['start']}, not 2048")
            if (p["start"] + p["size"]) * 512 > size:
                problems.append("runs past the end of the image")
        check("partition-table", not problems, "; ".join(problems))
    except (RuntimeError, KeyError, ValueError) as e:
        check("partition-table", False, str(e))

    with open(img, "rb") as f:
        f.seek(OFFSET)
        boot = f.read(512)
    check("fat32", boot[0x52:0x5a] == b"FAT32   " and boot[510:512] == b"\x55\xaa",
          f"partition boot sector says {boot[0x52:0x5a]!r}, signature {boot[510:512].hex()}")

    # Every file, with the content it must have.
    expected = {
        "start4.elf": os.path.join(FIRMWARE, "start4.elf"),
        "fixup4.dat": os.path.join(FIRMWARE, "fixup4.dat"),
        "bcm2711-rpi-4-b.dtb": os.path.join(DEPS, "rpi-dtb/bcm2711-rpi-4-b.dtb"),
        "u-boot.bin": os.path.join(DEPS, "u-boot-rpi/usr/lib/u-boot/rpi_4/u-boot.bin"),
        "keel.img": args.image,
        "overlays/keel-uart0.dtbo": None,
        "config.txt": None,
        "boot.scr": None,
    }
    try:
        listing = set(sh("mdir", "-/", "-b", "-i", f"{img}@@{OFFSET}", "::").split())
    except RuntimeError as e:
        listing = set()
        check("listing", False, str(e))
    work = tempfile.mkdtemp(prefix="keel-sdcard-test-")
    got = {}
    try:
        for name, source in expected.items():
            if f"::/{name}" not in listing:
                check(f"file {name}", False, "missing from the FAT partition")
                continue
            got[name] = fat(img, name, os.path.join(work, name.replace("/", "_")))
            if source is None:
                check(f"file {name}", len(got[name]) > 0, "empty")
            else:
                with open(source, "rb") as f:
                    check(f"file {name}", got[name] == f.read(), f"differs from {source}")

        if "config.txt" in got:
            text = got["config.txt"].decode(errors="replace")
            keys = dict(line.strip().split("=", 1) for line in text.splitlines()
                        if "=" in line and not line.lstrip().startswith("#"))
            for key, value in CONFIG_KEYS.items():
                check(f"config.txt {key}={value}", keys.get(key) == value,
                      f"found {key}={keys[key]}" if key in keys else f"no {key}= line")
            check("config.txt direct-boot-alternative",
                  re.search(r"^#\s*kernel=keel\.img\s*$", text, re.M) is not None and
                  re.search(r"^#\s*kernel_address=0x200000\s*$", text, re.M) is not None,
                  "the commented kernel=keel.img / kernel_address=0x200000 lines are missing")

        if "boot.scr" in got:
            scr = got["boot.scr"]
            # mkimage legacy header: magic 0x27051956, image type 6 (script) at byte 30.
            is_script = len(scr) > 64 and struct.unpack(">I", scr[:4])[0] == 0x27051956 and scr[30] == 6
            text = scr[64:].decode(errors="replace")
            missing = [rx for rx in BOOT_SCR if not re.search(rx, text)]
            check("boot.scr", is_script and not missing,
                  "not a mkimage script" if not is_script else f"missing /{'/, /'.join(missing)}/")

        if "overlays/keel-uart0.dtbo" in got and "bcm2711-rpi-4-b.dtb" in got:
            merged = os.path.join(work, "merged.dtb")
            try:
                sh("fdtoverlay", "-i", os.path.join(work, "bcm2711-rpi-4-b.dtb"), "-o", merged,
                   os.path.join(work, "overlays_keel-uart0.dtbo"))
                want = [(("/chosen", "stdout-path"), "serial0:115200n8"),
                        (("/aliases", "serial0"), "/soc/serial@7e201000"),
                        (("/soc/serial@7e215040", "status"), "disabled"),
                        (("/soc/serial@7e201000/bluetooth", "status"), "disabled"),
                        (("/soc/gpio@7e200000/keel_uart0_pins", "brcm,pins"), "14 15"),
                        (("/soc/gpio@7e200000/keel_uart0_pins", "brcm,function"), "4")]
                wrong = []
                for (node, prop), value in want:
                    have = sh("fdtget", merged, node, prop).strip()
                    if have != value:
                        wrong.append(f"{node}:{prop} is {have!r}, want {value!r}")
                pins = sh("fdtget", merged, "/soc/gpio@7e200000/keel_uart0_pins", "phandle").strip()
                if sh("fdtget", merged, "/soc/serial@7e201000", "pinctrl-0").strip() != pins:
                    wrong.append("uart0 pinctrl-0 does not point at the GPIO 14/15 pin group")
                check("overlay-applies", not wrong, "; ".join(wrong))
            except RuntimeError as e:
                check("overlay-applies", False, str(e))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    if shutil.which("bmaptool"):
        bmap = img + ".bmap"
        try:
            tree = ET.parse(bmap).getroot()
            image_size = int(tree.findtext("ImageSize"))
            check("bmap", image_size == size, f"ImageSize {image_size} != {size}")
        except (OSError, ET.ParseError, TypeError, ValueError) as e:
            check("bmap", False, f"{bmap}: {e}")
    else:
        print("(bmaptool is not installed: no .bmap written, none checked)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
