# SPDX-License-Identifier: BSD-2-Clause
# Build and QEMU settings for the QEMU virt board; every device constant comes from the DTS.

set(KEEL_PLATFORM_DTS ${CMAKE_CURRENT_LIST_DIR}/qemu-virt.dts)
# Keel has only a GICv2 driver; naming the version keeps a change of QEMU's default from
# changing the board under us.
set(KEEL_QEMU_MACHINE "virt,gic-version=2")
set(KEEL_QEMU_CPU cortex-a72)
set(KEEL_QEMU_MEM 1G)
# QEMU builds the DTB for virt itself; nothing needs to be passed with -dtb.
set(KEEL_QEMU_NEEDS_DTB OFF)
set(KEEL_PADDR_BITS 40)   # device untypeds cover [0, 2^40) as seL4 does on qemu-arm-virt
