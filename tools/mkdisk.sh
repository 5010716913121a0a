#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Builds the virtio disk that U-Boot boots Keel from on QEMU virt: one FAT partition, keel.img + boot.scr.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tools/fatdisk.sh
. "$here/fatdisk.sh"

usage() {
    cat <<USAGE
usage: ${0##*/} --image KEEL.IMG --out DISK.IMG [--size-mib N]

Writes an MBR disk image (N MiB, a power of two, default 64) with one FAT32 partition holding
keel.img and boot.scr. U-Boot's distro boot finds boot.scr on virtio 0:1 and runs:
  $BOOT_CMD
USAGE
}

# shellcheck disable=SC2016  # U-Boot expands these variables, not the shell
BOOT_CMD='fatload virtio 0:1 ${kernel_addr_r} keel.img; booti ${kernel_addr_r} - ${fdtcontroladdr}'
image="" out="" size=64
while [ $# -gt 0 ]; do
    case $1 in
        --image) image=${2:?--image needs a file}; shift 2 ;;
        --out) out=${2:?--out needs a file}; shift 2 ;;
        --size-mib) size=${2:?--size-mib needs a number}; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; fatdisk_die "unknown option: $1" ;;
    esac
done
if [ -z "$image" ] || [ -z "$out" ]; then usage >&2; exit 2; fi
[ -f "$image" ] || fatdisk_die "no such image: $image"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fatdisk_bootscr "$BOOT_CMD" "$work/boot.scr"
fatdisk_create "$work/disk.img" "$size" KEEL
fatdisk_put "$work/disk.img" "$image" /keel.img
fatdisk_put "$work/disk.img" "$work/boot.scr" /boot.scr
fatdisk_finish "$work/disk.img" "$out"
