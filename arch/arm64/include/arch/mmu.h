// SPDX-License-Identifier: BSD-2-Clause
// Building and switching the kernel's translation tables during boot.
#pragma once

#include <stdint.h>
#include <arch/pgtable.h>
#include <arch/sysreg.h>

/*
 * Replaces the early (all-RWX, 2 MiB) tables with the final kernel half: the image in pages
 * with W^X, a read-only window on the device tree and an empty device window. Returns the
 * kernel virtual address of the DTB, or NULL if dtb_pa is 0 or its header cannot be mapped.
 */
const void *mmu_init_kernel(uint64_t load_pa, uint64_t dtb_pa);

/* Size of the DTB window mapping, as read from the blob's header (0 if none). */
uint64_t mmu_dtb_mapped_size(void);

/* Maps [pa, pa+size) of RAM into the physical memory window. */
void mmu_map_ram(uint64_t pa, uint64_t size);

/* Installs a user address space (root table pa, ASID) in TTBR0. */
void mmu_set_user_vspace(uint64_t root_pa, uint16_t asid);

/* Writes TTBR0 (root | ASID << 48) unless it already holds that value. ASID-tagged entries
 * need no TLB maintenance on a switch, only the register write. No ISB: the kernel does not
 * touch user memory between here and the exception return, which synchronises context
 * (INV-VS-1 in proofs-notes/vspace.md). */
extern uint64_t mmu_cur_ttbr0;
static inline void mmu_set_user_ttbr0(uint64_t ttbr0)
{
    if (ttbr0 != mmu_cur_ttbr0) {
        mmu_cur_ttbr0 = ttbr0;
        sysreg_write(ttbr0_el1, ttbr0);
    }
}

/* Installs the empty address space (ASID 0) in TTBR0. */
void mmu_set_empty_vspace(void);

/* Table environment whose memory comes from boot RAM through the physical window. */
void mmu_user_env(pt_env_t *env, uint64_t (*alloc_page)(void));
