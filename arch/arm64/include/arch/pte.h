// SPDX-License-Identifier: BSD-2-Clause
// Bit layout of AArch64 stage-1 translation table descriptors (4 KiB granule).
#pragma once

#include <arch/ul.h>


#define PT_ENTRIES      512
#define PT_LEVELS       4            /* level 0 (512 GiB per entry) .. level 3 (4 KiB) */
#define PAGE_SIZE_4K    _UL(4096)

#define PTE_VALID       (_UL(1) << 0)
#define PTE_TABLE       (_UL(1) << 1)   /* level 0..2: next-level table; level 3: page */
#define PTE_ATTR(i)     ((i) << 2)
#define PTE_AP_EL0      (_UL(1) << 6)   /* AP[1]: EL0 may access */
#define PTE_AP_RO       (_UL(1) << 7)   /* AP[2]: read-only at every level that may access */
#define PTE_SH_INNER    (_UL(3) << 8)
#define PTE_AF          (_UL(1) << 10)
#define PTE_NG          (_UL(1) << 11)
#define PTE_PXN         (_UL(1) << 53)
#define PTE_UXN         (_UL(1) << 54)
#define PTE_SW_DEVICE   (_UL(1) << 55)  /* software bit: the frame is device memory (no physmap) */
#define PTE_ADDR_MASK   _UL(0x0000fffffffff000)

/* MAIR_EL1 attribute indices; the same layout as seL4's elfloader so page attributes agree. */
#define MAIR_IDX_DEVICE_nGnRnE 0
#define MAIR_IDX_DEVICE_nGnRE  1
#define MAIR_IDX_DEVICE_GRE    2
#define MAIR_IDX_NORMAL_NC     3
#define MAIR_IDX_NORMAL        4
#define MAIR_IDX_NORMAL_WT     5
#define MAIR_VALUE _UL(0x0000aaff440c0400)

/* Permission sets used by the kernel; each is the full set of attribute bits for a leaf. */
#define PTE_KERN_RX   (PTE_AF | PTE_SH_INNER | PTE_ATTR(MAIR_IDX_NORMAL) | PTE_AP_RO | PTE_UXN)
#define PTE_KERN_RO   (PTE_KERN_RX | PTE_PXN)
#define PTE_KERN_RW   (PTE_AF | PTE_SH_INNER | PTE_ATTR(MAIR_IDX_NORMAL) | PTE_PXN | PTE_UXN)
#define PTE_KERN_DEV  (PTE_AF | PTE_ATTR(MAIR_IDX_DEVICE_nGnRnE) | PTE_PXN | PTE_UXN)
#define PTE_USER_RWX  (PTE_AF | PTE_SH_INNER | PTE_ATTR(MAIR_IDX_NORMAL) | PTE_NG | PTE_AP_EL0 | \
                       PTE_PXN)
#define PTE_USER_RW   (PTE_USER_RWX | PTE_UXN)

#ifndef __ASSEMBLER__
#include <stdint.h>

typedef uint64_t pte_t;

static inline unsigned pt_index(uint64_t va, unsigned level)
{
    return (unsigned)((va >> (39 - 9 * level)) & (PT_ENTRIES - 1));
}

static inline uint64_t pt_level_size(unsigned level)
{
    return _UL(1) << (39 - 9 * level);
}
#endif
