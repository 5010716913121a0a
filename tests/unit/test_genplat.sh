#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Runs gen-platform.py on both boards' DTBs, checks every value, and checks broken trees are named.
# usage: test_genplat.sh PYTHON GEN_PLATFORM DTB_DIR FDTPUT WORKDIR [QEMU_VIRT_DTB [REAL_RPI_DTB]]
set -u
py=$1 gen=$2 dtbs=$3 fdtput=$4 work=$5 qemu_dtb=${6:-} real_rpi=${7:-}
rm -rf "$work" && mkdir -p "$work" || exit 1
failures=0 checks=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# expect HEADER MACRO VALUE: the macro is defined to exactly VALUE
expect() {
    checks=$((checks + 1))
    got=$(sed -n "s/^#define $2  *//p" "$1")
    [ "$got" = "$3" ] || fail "$(basename "$(dirname "$(dirname "$1")")"): $2 is '$got', want '$3'"
}

absent() {
    checks=$((checks + 1))
    ! grep -q "^#define $2 " "$1" || fail "$1: $2 should not be defined"
}

# The header must be valid C11 that -Wundef accepts in #if, as the kernel will use it.
compiles() {
    checks=$((checks + 1))
    printf '#include <plat/platform.h>\n#if PLAT_POWEROFF_PSCI + PLAT_PSCI_CONDUIT_HVC + PLAT_PSCI_CONDUIT_SMC + PLAT_POWEROFF_BCM_PM + PLAT_UART_GPIO_MUX\n#endif\n_Static_assert(PLAT_UART_PADDR > 0 && PLAT_TIMER_IRQ == 27, "values");\n' |
        cc -std=c11 -Wall -Wundef -Werror -fsyntax-only -I"$1" -x c - ||
        fail "$1/plat/platform.h does not compile"
}

generate() {
    "$py" "$gen" --dtb "$1" --name "$2" --out "$work/$2/plat/platform.h"
}

generate "$dtbs/qemu-virt.dtb" qemu-virt || fail "gen-platform failed on qemu-virt"
h=$work/qemu-virt/plat/platform.h
expect "$h" PLAT_NAME '"qemu-virt"'
expect "$h" PLAT_COMPATIBLE '"linux,dummy-virt"'
expect "$h" PLAT_UART_PADDR 0x9000000UL
expect "$h" PLAT_UART_SIZE 0x1000UL
expect "$h" PLAT_UART_IRQ 33
expect "$h" PLAT_UART_CLOCK_HZ 24000000UL
expect "$h" PLAT_UART_COMPAT '"arm,pl011"'
expect "$h" PLAT_GICD_PADDR 0x8000000UL
expect "$h" PLAT_GICD_SIZE 0x10000UL
expect "$h" PLAT_GICC_PADDR 0x8010000UL
expect "$h" PLAT_GICC_SIZE 0x10000UL
expect "$h" PLAT_MAX_IRQ 159
expect "$h" PLAT_TIMER_IRQ 27
expect "$h" PLAT_RAM_BASE 0x40000000UL
expect "$h" PLAT_RAM_SIZE 0x8000000UL
expect "$h" PLAT_POWEROFF_PSCI 1
expect "$h" PLAT_PSCI_CONDUIT_HVC 1
expect "$h" PLAT_PSCI_CONDUIT_SMC 0
expect "$h" PLAT_POWEROFF_BCM_PM 0
expect "$h" PLAT_UART_GPIO_MUX 0
absent "$h" PLAT_PM_PADDR
absent "$h" PLAT_UART_GPIO_PADDR
compiles "$work/qemu-virt"

generate "$dtbs/rpi4.dtb" rpi4 || fail "gen-platform failed on rpi4"
h=$work/rpi4/plat/platform.h
expect "$h" PLAT_NAME '"rpi4"'
expect "$h" PLAT_COMPATIBLE '"raspberrypi,4-model-b"'
expect "$h" PLAT_UART_PADDR 0xfe201000UL
expect "$h" PLAT_UART_SIZE 0x200UL
expect "$h" PLAT_UART_IRQ 153
expect "$h" PLAT_UART_CLOCK_HZ 48000000UL
expect "$h" PLAT_GICD_PADDR 0xff841000UL
expect "$h" PLAT_GICD_SIZE 0x1000UL
expect "$h" PLAT_GICC_PADDR 0xff842000UL
expect "$h" PLAT_GICC_SIZE 0x2000UL
expect "$h" PLAT_MAX_IRQ 216
expect "$h" PLAT_TIMER_IRQ 27
expect "$h" PLAT_RAM_BASE 0x0UL
expect "$h" PLAT_RAM_SIZE 0x3c000000UL
expect "$h" PLAT_POWEROFF_PSCI 0
expect "$h" PLAT_PSCI_CONDUIT_HVC 0
expect "$h" PLAT_PSCI_CONDUIT_SMC 0
expect "$h" PLAT_POWEROFF_BCM_PM 1
expect "$h" PLAT_PM_PADDR 0xfe100000UL
expect "$h" PLAT_UART_GPIO_MUX 1
expect "$h" PLAT_UART_GPIO_PADDR 0xfe200000UL
compiles "$work/rpi4"

# An unchanged header is not rewritten, so it does not trigger a kernel rebuild.
touch -d '2001-01-01' "$h"
generate "$dtbs/rpi4.dtb" rpi4
checks=$((checks + 1))
[ "$(date -r "$h" +%Y)" = 2001 ] || fail "unchanged rpi4 header was rewritten"

# refuses NAME DTB MESSAGE [FDTPUT_OPTION ARGS...]: gen-platform fails on DTB, or on a copy
# edited with fdtput, and its message contains MESSAGE.
refuses() {
    name=$1 bad=$2 msg=$3
    shift 3
    checks=$((checks + 1))
    if [ $# -gt 0 ]; then
        opt=$1
        shift
        cp "$bad" "$work/$name.dtb" && bad=$work/$name.dtb
        "$fdtput" "$opt" "$bad" "$@" || { fail "$name: fdtput $opt $*"; return; }
    fi
    if out=$("$py" "$gen" --dtb "$bad" --name "$name" --out "$work/$name.h" 2>&1); then
        fail "$name: gen-platform accepted it"
    elif ! printf '%s' "$out" | grep -qF -- "$msg"; then
        fail "$name: message '$out' does not mention '$msg'"
    elif [ -e "$work/$name.h" ]; then
        fail "$name: a header was written despite the error"
    else
        echo "ok: $name: $out"
    fi
}

virt=$dtbs/qemu-virt.dtb
gic=/interrupt-controller@8000000
refuses no-uart "$virt" "stdout-path 'serial0' names no node" -r /pl011@9000000
refuses no-stdout "$virt" "/chosen has no 'stdout-path' property" -d /chosen stdout-path
refuses no-clock "$virt" "/pl011@9000000 has no 'clocks' property" -d /pl011@9000000 clocks
refuses no-max-irq "$virt" "$gic has no 'keel,max-irq' property" -d $gic keel,max-irq
refuses low-max-irq "$virt" "console UART IRQ 33 is above" -tu $gic keel,max-irq 32
refuses no-psci "$virt" "no way to power off" -r /psci
refuses no-gic "$virt" "no GIC node" -ts $gic compatible arm,gic-v3
refuses mini-uart "$virt" "not compatible with arm,pl011" \
    -ts /pl011@9000000 compatible brcm,bcm2835-aux-uart
refuses no-memory "$virt" "no non-empty memory node" -r /memory@40000000
refuses no-timer "$virt" "no generic timer node" -r /timer
refuses pi-no-ranges "$dtbs/rpi4.dtb" "/soc has no 'ranges'" -d /soc ranges
refuses pi-no-pm "$dtbs/rpi4.dtb" "no way to power off" -r /soc/watchdog@7e100000
printf 'not a device tree at all\n' > "$work/text.dtb"
refuses bad-magic "$work/text.dtb" "bad magic"
head -c 100 "$virt" > "$work/short.dtb"
refuses truncated "$work/short.dtb" "header says"
refuses missing-file "$work/does-not-exist.dtb" "No such file"

# QEMU's own virt DTB plus our keel,max-irq must give the header our DTS gives, but for the RAM
# size (-m 1G there, QEMU's default 128 MiB in the DTS).
if [ -f "$qemu_dtb" ]; then
    checks=$((checks + 1))
    dumped=$work/qemu-dumped.dtb
    cp "$qemu_dtb" "$dumped"
    gic=$("${fdtput%put}get" -l "$dumped" / | grep '^intc@')
    "$fdtput" -tu "$dumped" "/$gic" keel,max-irq 159 &&
        generate "$dumped" qemu-virt-dumped || fail "gen-platform on QEMU's DTB"
    for h in qemu-virt qemu-virt-dumped; do
        grep -v -e RAM_SIZE -e '^//' "$work/$h/plat/platform.h" | sed 's/-dumped//' > "$work/$h.cmp"
    done
    diff "$work/qemu-virt.cmp" "$work/qemu-virt-dumped.cmp" ||
        fail "our qemu-virt.dts disagrees with QEMU's DTB"
    expect "$work/qemu-virt-dumped/plat/platform.h" PLAT_RAM_SIZE 0x40000000UL
else
    echo "skipped: no QEMU-dumped virt DTB"
fi

# Debian's mainline Pi DTB picks the mini-UART as console; Keel must say so, not guess.
if [ -f "$real_rpi" ]; then
    refuses real-rpi4 "$real_rpi" "console /soc/serial@7e215040 is not compatible with arm,pl011"
else
    echo "skipped: no real Raspberry Pi 4 DTB"
fi

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
