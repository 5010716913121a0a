// SPDX-License-Identifier: BSD-2-Clause
// The kernel's virtual memory map: where the image, physical memory and devices live.
#pragma once

#include <arch/ul.h>

/*
 * Virtual address space (48-bit, 4 KiB granule, both halves):
 *
 *   0x0000_0000_0000_0000 .. 0x0000_7fff_ffff_ffff  user (TTBR0, per address space)
 *   ---------------------------------------------  not mapped
 *   0xffff_ff80_0000_0000 .. 0xffff_fffe_ffff_ffff  physical memory window: RAM only,
 *                                                   va = pa + KERNEL_PHYSMAP_BASE (L1 slots 0..507)
 *   0xffff_ffff_0000_0000 .. 0xffff_ffff_3fff_ffff  (L1 slot 508) unused
 *   0xffff_ffff_4000_0000 .. 0xffff_ffff_7fff_ffff  (L1 slot 509) device tree window, read-only
 *   0xffff_ffff_8000_0000 .. 0xffff_ffff_bfff_ffff  (L1 slot 510) kernel image, linked here,
 *                                                   backed by wherever the loader put it
 *   0xffff_ffff_c000_0000 .. 0xffff_ffff_ffff_ffff  (L1 slot 511) device MMIO, allocated upward
 *
 * Everything the kernel owns sits under L0 slot 511 of TTBR1, so one L0 and one L1 table
 * describe the kernel half and the seL4 rule "kernel VA window starts at 0xffffff8000000000"
 * holds. The kernel image must be loaded 2 MiB-aligned; its physical address is only known
 * at run time (the Image header sets the "anywhere" flag).
 */

#define KERNEL_PHYSMAP_BASE _UL(0xffffff8000000000)
#define KERNEL_PHYSMAP_SIZE (_UL(508) << 30)
#define KERNEL_DTB_WINDOW   _UL(0xffffffff40000000)
#define KERNEL_DTB_MAX      (_UL(8) << 20)
#define KERNEL_VBASE        _UL(0xffffffff80000000)
#define KERNEL_DEVICE_BASE  _UL(0xffffffffc0000000)
#define KERNEL_DEVICE_SIZE  (_UL(1) << 30)

#define USER_TOP            _UL(0x0000800000000000)  /* first address user space may not use */

#define PAGE_BITS  12
#define PAGE_SIZE  (_UL(1) << PAGE_BITS)
#define BLOCK_2M   (_UL(1) << 21)
#define BLOCK_1G   (_UL(1) << 30)

#define KERNEL_STACK_SIZE (_UL(16) << 10)
/* Page-table pages the kernel half may use (image, physical window, devices, DTB). */
#define KERNEL_PT_POOL_PAGES 48
