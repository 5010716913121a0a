// SPDX-License-Identifier: BSD-2-Clause
// ASID pools: 128 pools of 512 ASIDs, each entry naming the VSpace that owns the ASID.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ASID_POOLS      128
#define ASIDS_PER_POOL  512

/* Registers the initial pool (ASIDs 0..511) and gives ASID 1 to the root VSpace. */
void arch_asid_pool_init(uint64_t pool_pa, uint64_t vspace_pa);
typedef struct {
    uint64_t vspace[ASIDS_PER_POOL];    /* VSpace paddr per ASID, 0 = free */
} asid_pool_t;

extern asid_pool_t *asid_pools[ASID_POOLS];
/* Bumped whenever an ASID stops naming a VSpace; cached TTBR0 values of older generations
 * are stale (tcb_t.vs_gen). Starts at 1 so that 0 never matches. */
extern uint64_t asid_generation;

/* The VSpace physical address owning asid, 0 if none. */
static inline uint64_t arch_asid_vspace(uint16_t asid)
{
    asid_pool_t *p = asid_pools[(asid / ASIDS_PER_POOL) % ASID_POOLS];
    return p != NULL ? p->vspace[asid % ASIDS_PER_POOL] : 0;
}
/* Pool registry: index of the lowest free pool (-1 if all used), register, look up, remove. */
int arch_asid_free_pool(void);
void arch_asid_pool_register(unsigned pool, uint64_t pool_pa);
uint64_t arch_asid_pool_at(unsigned pool);
void arch_asid_pool_remove(unsigned pool);
/* Lowest free ASID in a pool (never 0), or -1. */
int arch_asid_alloc(unsigned pool);
void arch_asid_set(uint16_t asid, uint64_t vspace_pa);
/* Drops every TLB entry tagged with asid. */
void arch_tlb_flush_asid(uint16_t asid);
void arch_tlb_flush_page(uint16_t asid, uint64_t vaddr);
