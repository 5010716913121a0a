#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Builds the kernel's FDT and ELF parsers for AArch64 without libc headers; lists what they call.
# usage: check_freestanding.sh KEEL_ROOT CC NM [extra CC flags...]
set -eu
root=$1 cc=$2 nm=$3
shift 3
case $nm in
*gcc) nm=${nm%gcc}nm ;; # the cross gcc's nm sits beside it
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inc=$("$cc" "$@" -print-file-name=include)
status=0
for src in kernel/lib/fdt.c kernel/boot/elf.c; do
    obj=$tmp/$(basename "$src" .c).o
    "$cc" "$@" -std=c11 -ffreestanding -nostdinc -isystem "$inc" -I"$root/kernel/include" \
        -mgeneral-regs-only -O2 -Wall -Wextra -Werror -c "$root/$src" -o "$obj"
    # Compilers may emit memset/memcpy for struct copies; the kernel supplies both.
    extra=$("$nm" -u "$obj" | awk '{ print $NF }' | grep -v -x -e memset -e memcpy || true)
    if [ -n "$extra" ]; then
        echo "FAIL: $src calls outside itself: $extra"
        status=1
    else
        echo "ok: $src ($("$nm" -u "$obj" | wc -l) compiler-support symbols)"
    fi
done
exit $status
