#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs every host package Keel needs, idempotently and without questions.
set -euo pipefail

say() { printf 'keel setup: %s\n' "$*"; }
die() { printf 'keel setup: error: %s\n' "$*" >&2; exit 1; }

# apt is noisy: its output goes to this log, and only its tail is shown when a step fails.
APT_LOG=${KEEL_APT_LOG:-/tmp/keel-setup-apt.log}
quietly() { # quietly WHAT COMMAND...: runs COMMAND with output in $APT_LOG; on failure shows the tail
    local what=$1; shift
    printf '\n### %s: %s\n' "$(date -u +%FT%TZ)" "$*" >>"$APT_LOG"
    if ! "$@" >>"$APT_LOG" 2>&1; then
        printf 'keel setup: last lines of %s:\n' "$APT_LOG" >&2
        tail -n 25 "$APT_LOG" | sed 's/^/    /' >&2
        die "$what failed"
    fi
}

# Packages from bookworm (native architecture).
NATIVE_PKGS=(
    gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu picolibc-aarch64-linux-gnu
    clang lld llvm cmake ninja-build device-tree-compiler python3
    u-boot-qemu u-boot-tools dosfstools mtools fdisk libcmocka-dev bmap-tools
    frama-c-base why3 z3 cvc4 spin
)
# QEMU >= 9 (raspi4b) only exists in bookworm-backports.
BACKPORT_PKGS=(qemu-system-arm qemu-utils)
# Foreign-architecture files we only unpack (never configure on the host).
DEPS_DIR=${KEEL_DEPS_DIR:-/opt/keel-deps}

need_root() {
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || die "run as root (or install sudo)"
        exec sudo -E "$0" "$@"
    fi
}

# The Debian archive URI this machine already uses for bookworm (never hard-coded here).
archive_uri() {
    local uri=""
    if compgen -G '/etc/apt/sources.list.d/*.sources' >/dev/null; then
        uri=$(awk '
            /^URIs:/ { u=$2 }
            /^Suites:/ { for (i=2;i<=NF;i++) if ($i=="bookworm") found=1 }
            /^$/ { if (found && u!="") { print u; exit } found=0; u="" }
            END { if (found && u!="") print u }' /etc/apt/sources.list.d/*.sources | head -n1)
    fi
    if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
        uri=$(awk '$1=="deb" && $3=="bookworm" { for (i=2;i<=NF;i++) if ($i ~ /^(https?|file|mirror)/) { print $i; exit } }' \
              /etc/apt/sources.list | head -n1)
    fi
    [ -n "$uri" ] || die "cannot find a bookworm entry in /etc/apt/sources.list{,.d}; add one and retry"
    printf '%s\n' "$uri"
}

ensure_sources() {
    local uri list=/etc/apt/sources.list.d/keel-extra.sources
    uri=$(archive_uri)
    local want
    want=$(cat <<SRC
# Written by keel setup: backports (QEMU >= 9) and non-free-firmware (raspi-firmware).
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $uri
Suites: bookworm
Components: non-free-firmware
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
)
    if [ ! -f "$list" ] || [ "$(cat "$list")" != "$want" ]; then
        say "adding bookworm-backports and non-free-firmware from $uri"
        printf '%s\n' "$want" >"$list"
    fi
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        say "enabling the arm64 architecture (for u-boot-rpi and the Pi DTB)"
        dpkg --add-architecture arm64
    fi
}

apt_update() {
    [ "${UPDATED:-0}" = 1 ] && return 0
    say "apt-get update"
    quietly "apt-get update (is the Debian archive reachable?)" \
        apt-get update -q -o Acquire::Retries=3
    UPDATED=1
}

missing() { # prints the packages of "$@" that are not installed
    local p
    for p in "$@"; do
        dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
    done
}

qemu_ok() {
    command -v qemu-system-aarch64 >/dev/null || return 1
    local v
    v=$(qemu-system-aarch64 --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p' | head -n1)
    [ "${v:-0}" -ge 9 ]
}

apt_install() {
    quietly "apt-get install $*" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        --no-install-recommends -o Dpkg::Options::=--force-confdef \
        -o Dpkg::Options::=--force-confold "$@"
}

# Download an arm64 package and unpack it under $DEPS_DIR/<name> (no scripts run on the host).
unpack_foreign() {
    local pkg=$1 dest=$DEPS_DIR/$2 tmp
    [ -f "$dest/.done" ] && return 0
    apt_update
    say "fetching $pkg"
    tmp=$(mktemp -d)
    # apt downloads as the unprivileged _apt user: give it the directory, or apt warns and
    # falls back to downloading unsandboxed as root.
    if id _apt >/dev/null 2>&1; then
        chmod 755 "$tmp"
        chown _apt "$tmp"
    fi
    # shellcheck disable=SC2016  # $1/$2 belong to the inner sh
    quietly "downloading $pkg" sh -c 'cd "$1" && apt-get download -q "$2"' sh "$tmp" "$pkg"
    rm -rf "$dest"; mkdir -p "$dest"
    dpkg-deb -x "$tmp"/*.deb "$dest"
    rm -rf "$tmp"
    touch "$dest/.done"
}

main() {
    need_root "$@"
    UPDATED=0   # apt-get update at most once, and only when something has to be fetched
    ensure_sources
    local todo
    mapfile -t todo < <(missing "${NATIVE_PKGS[@]}")
    if [ "${#todo[@]}" -gt 0 ]; then
        apt_update
        say "installing: ${todo[*]}"
        apt_install "${todo[@]}"
    fi
    if ! qemu_ok || [ -n "$(missing "${BACKPORT_PKGS[@]}")" ]; then
        apt_update
        say "installing QEMU from bookworm-backports"
        apt_install -t bookworm-backports "${BACKPORT_PKGS[@]}"
        qemu_ok || die "QEMU >= 9 (raspi4b) is still missing after installing from bookworm-backports"
    fi
    unpack_foreign u-boot-rpi:arm64 u-boot-rpi
    unpack_foreign raspi-firmware raspi-firmware
    if [ ! -f "$DEPS_DIR/rpi-dtb/.done" ]; then
        apt_update
        # The board DTB ships in the arm64 kernel package; find its versioned name.
        local kpkg
        kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null |
               sed -n 's/.*Depends: \(linux-image-[0-9][^ ]*\)/\1/p' | head -n1)
        [ -n "$kpkg" ] || die "cannot resolve linux-image-arm64 for the Pi DTB"
        unpack_foreign "$kpkg" kernel-arm64
        mkdir -p "$DEPS_DIR/rpi-dtb"
        find "$DEPS_DIR/kernel-arm64" -name bcm2711-rpi-4-b.dtb -exec cp {} "$DEPS_DIR/rpi-dtb/" \;
        [ -f "$DEPS_DIR/rpi-dtb/bcm2711-rpi-4-b.dtb" ] || die "bcm2711-rpi-4-b.dtb not found in $kpkg"
        rm -rf "$DEPS_DIR/kernel-arm64"
        touch "$DEPS_DIR/rpi-dtb/.done"
    fi
    if command -v why3 >/dev/null && [ ! -f "$HOME/.why3.conf" ]; then
        why3 config detect >/dev/null 2>&1 || true
    fi
    say "all dependencies present"
}

main "$@"
