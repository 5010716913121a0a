# SPDX-License-Identifier: BSD-2-Clause
# Build and QEMU settings for the Raspberry Pi 4 B; every device constant comes from the DTS.

set(KEEL_PLATFORM_DTS ${CMAKE_CURRENT_LIST_DIR}/rpi4.dts)
set(KEEL_QEMU_MACHINE raspi4b)
set(KEEL_QEMU_CPU cortex-a72)
# QEMU's raspi4b models the 2 GiB board and refuses any other -m.
set(KEEL_QEMU_MEM 2G)
# raspi4b has no built-in DTB: without -dtb QEMU hands the kernel an ATAGS pointer instead.
set(KEEL_QEMU_NEEDS_DTB ON)
set(KEEL_PADDR_BITS 44)   # BCM2711 (Cortex-A72): 44 physical address bits
