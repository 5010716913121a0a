# SPDX-License-Identifier: BSD-2-Clause
# Shared by mkdisk.sh and mksdcard.sh: a raw MBR disk with one FAT32 partition, built without root.
# shellcheck shell=bash
#
# Source this file, then call:
#   fatdisk_create IMG SIZE_MIB LABEL   sparse file, MBR, one bootable FAT32 (LBA) partition at 1 MiB
#   fatdisk_put IMG SRC DEST            copy a host file into the partition (DEST like /overlays/x.dtbo)
#   fatdisk_bootscr CMD OUT             compile a U-Boot script (text CMD) into a mkimage'd OUT
#   fatdisk_finish TMP OUT              atomically move a finished image into place
# No loop devices: sfdisk edits the file, mtools addresses the partition with IMG@@OFFSET.

FATDISK_START_SECTOR=2048             # 1 MiB alignment, as SD cards and most tools expect
FATDISK_DISK_ID=0x4b45454c            # "KEEL": fixed so that identical inputs give identical tables

export MTOOLS_SKIP_CHECK=1            # mtools must not second-guess the geometry of a file

fatdisk_die() { printf '%s: error: %s\n' "${0##*/}" "$*" >&2; exit 1; }

fatdisk_need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || fatdisk_die "'$c' not found: run ./keel setup"
    done
}

fatdisk_offset() { echo $((FATDISK_START_SECTOR * 512)); }

fatdisk_create() {
    local img=$1 mib=$2 label=$3
    fatdisk_need sfdisk mformat mmd mcopy
    # QEMU rejects SD cards whose size is not a power of two; keep every disk that way.
    if [ "$mib" -le 0 ] || [ $((mib & (mib - 1))) -ne 0 ]; then
        fatdisk_die "size ${mib} MiB is not a power of two"
    fi
    rm -f "$img"
    truncate -s "${mib}M" "$img"
    local sectors=$((mib * 2048 - FATDISK_START_SECTOR))
    printf 'label: dos\nlabel-id: %s\nunit: sectors\n\nstart=%d, size=%d, type=c, bootable\n' \
        "$FATDISK_DISK_ID" "$FATDISK_START_SECTOR" "$sectors" |
        sfdisk --quiet --no-reread --no-tell-kernel "$img" >/dev/null ||
        fatdisk_die "sfdisk failed on $img"
    # -H: hidden sectors = partition start, so the boot sector agrees with the MBR.
    mformat -i "$img@@$(fatdisk_offset)" -F -T "$sectors" -h 64 -s 32 -H "$FATDISK_START_SECTOR" \
        -N "${FATDISK_DISK_ID#0x}" -v "$label" :: || fatdisk_die "mformat failed on $img"
}

fatdisk_put() {
    local img=$1 src=$2 dest=$3 dir
    [ -f "$src" ] || fatdisk_die "missing input file: $src"
    dir=${dest%/*}
    if [ -n "$dir" ] && ! mdir -i "$img@@$(fatdisk_offset)" "::$dir" >/dev/null 2>&1; then
        mmd -i "$img@@$(fatdisk_offset)" "::$dir" || fatdisk_die "mmd ::$dir failed"
    fi
    mcopy -o -i "$img@@$(fatdisk_offset)" "$src" "::$dest" || fatdisk_die "mcopy $src failed"
}

fatdisk_bootscr() {
    local cmd=$1 out=$2
    fatdisk_need mkimage
    printf '%s\n' "$cmd" >"$out.cmd"
    mkimage -A arm64 -O linux -T script -C none -n "Keel boot script" -d "$out.cmd" "$out" >/dev/null ||
        fatdisk_die "mkimage failed for $out"
}

fatdisk_finish() {
    local tmp=$1 out=$2
    mkdir -p "$(dirname "$out")"
    mv -f "$tmp" "$out"
}
