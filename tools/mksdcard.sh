#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the Raspberry Pi 4 SD card image: firmware, DTB, our UART overlay, U-Boot, boot.scr, keel.img.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=tools/fatdisk.sh
. "$here/fatdisk.sh"

DEPS=${KEEL_DEPS_DIR:-/opt/keel-deps}
FIRMWARE=$DEPS/raspi-firmware/usr/lib/raspi-firmware
UBOOT=$DEPS/u-boot-rpi/usr/lib/u-boot/rpi_4/u-boot.bin
DTB=$DEPS/rpi-dtb/bcm2711-rpi-4-b.dtb
OVERLAY=$root/platforms/rpi4/overlays/keel-uart0.dts
# ${devnum}: distro boot sets it to the MMC device it found boot.scr on (0 in QEMU, 1 on a real Pi 4).
# shellcheck disable=SC2016  # U-Boot expands these variables, not the shell
BOOT_CMD='fatload mmc ${devnum}:1 ${kernel_addr_r} keel.img; booti ${kernel_addr_r} - ${fdt_addr}'

usage() {
    cat <<USAGE
usage: ${0##*/} --image KEEL.IMG [--out FILE] [--size-mib N]

Writes a Raspberry Pi 4 SD card image (default $root/build/sdcard/keel-rpi4.img, 64 MiB):
an MBR with one bootable FAT32 partition holding start4.elf, fixup4.dat, bcm2711-rpi-4-b.dtb,
overlays/keel-uart0.dtbo, config.txt, u-boot.bin (rpi_4), boot.scr and keel.img.
A .bmap is written next to it when bmaptool is installed. No root, no loop devices.
Inputs come from \$KEEL_DEPS_DIR (default /opt/keel-deps, filled by tools/setup.sh).
USAGE
}

config_txt() {
    cat <<'CONFIG'
# Keel on Raspberry Pi 4 Model B: read by the GPU firmware (start4.elf) from this partition.
# Boot chain: firmware -> U-Boot (u-boot.bin) -> boot.scr -> keel.img, console on the PL011.

# Start the ARM cores in AArch64 (set explicitly: the default of Debian's firmware is not certain).
arm_64bit=1
# Turn on the primary UART on GPIO 14 (TXD) / 15 (RXD), 115200 8N1.
enable_uart=1
# Let the firmware itself print boot diagnostics on UART0 (PL011).
uart_2ndstage=1
# Our overlay (overlays/keel-uart0.dtbo): Bluetooth off, PL011 on GPIO 14/15 as serial0 and console.
dtoverlay=keel-uart0
# Load U-Boot; it runs boot.scr, which loads keel.img and starts it with booti.
kernel=u-boot.bin

# To boot Keel directly without U-Boot, replace the kernel= line above with these two:
#kernel=keel.img
#kernel_address=0x200000
CONFIG
}

image="" out=$root/build/sdcard/keel-rpi4.img size=64
while [ $# -gt 0 ]; do
    case $1 in
        --image) image=${2:?--image needs a file}; shift 2 ;;
        --out) out=${2:?--out needs a file}; shift 2 ;;
        --size-mib) size=${2:?--size-mib needs a number}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; fatdisk_die "unknown option: $1" ;;
    esac
done
[ -n "$image" ] || { usage >&2; exit 2; }
[ -f "$image" ] || fatdisk_die "no such image: $image"
for f in "$FIRMWARE/start4.elf" "$FIRMWARE/fixup4.dat" "$UBOOT" "$DTB" "$OVERLAY"; do
    [ -f "$f" ] || fatdisk_die "missing $f: run ./keel setup"
done
fatdisk_need dtc

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dtc -@ -q -I dts -O dtb -o "$work/keel-uart0.dtbo" "$OVERLAY" || fatdisk_die "dtc failed on $OVERLAY"
config_txt >"$work/config.txt"
fatdisk_bootscr "$BOOT_CMD" "$work/boot.scr"

fatdisk_create "$work/sd.img" "$size" KEEL-BOOT
fatdisk_put "$work/sd.img" "$FIRMWARE/start4.elf" /start4.elf
fatdisk_put "$work/sd.img" "$FIRMWARE/fixup4.dat" /fixup4.dat
fatdisk_put "$work/sd.img" "$DTB" /bcm2711-rpi-4-b.dtb
fatdisk_put "$work/sd.img" "$work/keel-uart0.dtbo" /overlays/keel-uart0.dtbo
fatdisk_put "$work/sd.img" "$work/config.txt" /config.txt
fatdisk_put "$work/sd.img" "$UBOOT" /u-boot.bin
fatdisk_put "$work/sd.img" "$work/boot.scr" /boot.scr
fatdisk_put "$work/sd.img" "$image" /keel.img
fatdisk_finish "$work/sd.img" "$out"

rm -f "$out.bmap"
if command -v bmaptool >/dev/null 2>&1; then
    bmaptool -q create -o "$out.bmap" "$out" || fatdisk_die "bmaptool create failed"
fi
printf 'sdcard: %s (%s MiB)%s\n' "$out" "$size" "$([ -f "$out.bmap" ] && echo ", block map $out.bmap")"
