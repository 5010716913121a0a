// SPDX-License-Identifier: BSD-2-Clause
// The ASID table: which pool covers which ASIDs, and which VSpace holds each ASID.
#include <arch/asid.h>
#include <keel/object.h>

typedef struct {
    uint64_t vspace[ASIDS_PER_POOL];    /* VSpace paddr per ASID, 0 = free */
} asid_pool_t;

_Static_assert(sizeof(asid_pool_t) == (1u << ASID_POOL_BITS), "an ASID pool is 4 KiB");

static asid_pool_t *pools[ASID_POOLS];

void arch_asid_pool_init(uint64_t pool_pa, uint64_t vspace_pa)
{
    pools[0] = obj_ptr(pool_pa);
    pools[0]->vspace[1] = vspace_pa;
}

uint64_t arch_asid_vspace(uint16_t asid)
{
    asid_pool_t *p = pools[(asid / ASIDS_PER_POOL) % ASID_POOLS];
    return p != NULL ? p->vspace[asid % ASIDS_PER_POOL] : 0;
}
