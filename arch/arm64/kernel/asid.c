// SPDX-License-Identifier: BSD-2-Clause
// The ASID table: which pool covers which ASIDs, and which VSpace holds each ASID.
// Invariants: INV-VS-1, -2, -5, -7 (proofs-notes/README.md)
#include <arch/asid.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <keel/object.h>
#include <keel/string.h>

_Static_assert(sizeof(asid_pool_t) == (1u << ASID_POOL_BITS), "an ASID pool is 4 KiB");

asid_pool_t *asid_pools[ASID_POOLS];
uint64_t asid_generation = 1;

void arch_asid_pool_init(uint64_t pool_pa, uint64_t vspace_pa)
{
    asid_pools[0] = obj_ptr(pool_pa);
    asid_pools[0]->vspace[1] = vspace_pa;
}


int arch_asid_free_pool(void)
{
    for (unsigned i = 0; i < ASID_POOLS; i++) {
        if (asid_pools[i] == NULL) {
            return (int)i;
        }
    }
    return -1;
}

void arch_asid_pool_register(unsigned pool, uint64_t pool_pa)
{
    asid_pools[pool] = obj_ptr(pool_pa);
    memset(asid_pools[pool], 0, sizeof(asid_pool_t));
}

uint64_t arch_asid_pool_at(unsigned pool)
{
    return pool < ASID_POOLS && asid_pools[pool] != NULL ? obj_paddr(asid_pools[pool]) : 0;
}

void arch_asid_pool_remove(unsigned pool)
{
    if (pool >= ASID_POOLS || asid_pools[pool] == NULL) {
        return;
    }
    for (unsigned i = 0; i < ASIDS_PER_POOL; i++) {
        if (asid_pools[pool]->vspace[i] != 0) {
            arch_tlb_flush_asid((uint16_t)(pool * ASIDS_PER_POOL + i));
        }
    }
    asid_pools[pool] = NULL;
    asid_generation++;
}

int arch_asid_alloc(unsigned pool)
{
    asid_pool_t *p = asid_pools[pool];
    for (unsigned i = 0; i < ASIDS_PER_POOL; i++) {
        unsigned asid = pool * ASIDS_PER_POOL + i;
        if (asid != 0 && p->vspace[i] == 0) {
            return (int)asid;
        }
    }
    return -1;
}

void arch_asid_set(uint16_t asid, uint64_t vspace_pa)
{
    asid_pool_t *p = asid_pools[(asid / ASIDS_PER_POOL) % ASID_POOLS];
    if (p != NULL) {
        p->vspace[asid % ASIDS_PER_POOL] = vspace_pa;
    }
    if (vspace_pa == 0) {
        asid_generation++;
    }
}

/* If TTBR0 still names the ASID (a thread unmapping a table of its own VSpace, or deleting it),
 * the empty table goes in first: otherwise a speculative walk after the invalidation could cache
 * entries of tables that are going away, under an ASID that may be handed out again (INV-VS-5).
 * Kernel exit installs the right TTBR0 again. */
void arch_tlb_flush_asid(uint16_t asid)
{
    if ((mmu_cur_ttbr0 >> 48) == asid) {
        mmu_set_empty_vspace();
        isb();
    }
    dsb_ishst();
    __asm__ volatile("tlbi aside1is, %0" : : "r"((uint64_t)asid << 48) : "memory");
    dsb_ish();
    isb();
}

void arch_tlb_flush_page(uint16_t asid, uint64_t vaddr)
{
    dsb_ishst();
    __asm__ volatile("tlbi vae1is, %0" : : "r"(((uint64_t)asid << 48) | ((vaddr >> 12) &
                     0xfffffffffffUL)) : "memory");
    dsb_ish();
    isb();
}
