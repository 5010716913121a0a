// SPDX-License-Identifier: BSD-2-Clause
// Shared VSpace machinery: ASID-checked roots, walks, and undoing mappings on deletion.
// Invariants: INV-SCHED-5, INV-VS-2, -3, -5, -7 (proofs-notes/README.md)
#include <arch/asid.h>
#include <arch/cache.h>
#include <arch/vm.h>
#include <keel/invoke.h>
#include <keel/preempt.h>
#include <keel/string.h>

#define CACHE_CHUNK 4096UL

syserr_t vm_checked_root(cap_t vs, unsigned cap_index, pte_t **root)
{
    if (cap_type(vs) != CAP_VSPACE || !cap_pt_is_mapped(vs)) {
        return err_cap(cap_index);
    }
    uint64_t pa = arch_asid_vspace((uint16_t)vs.w1);
    if (pa == 0) {
        return err_lookup(false, (lookup_fault_t){ LF_INVALID_ROOT, 0, 0, 0 });
    }
    if (pa != cap_paddr(vs)) {
        return err_cap(cap_index);
    }
    *root = obj_ptr(pa);
    return err_none();
}

/* A preempted call records the bytes it has done; the restarted call (the same invocation: same
 * cap, label, MR0 and MR1) starts after them. Lines already issued are completed by the final
 * chunk's barrier. Device memory has no alias in the kernel's window (RAM only) and holds no
 * lines when mapped uncached: the operation does nothing there. */
syserr_t vm_cache_invocation(invocation_t *inv, unsigned op, pte_t entry, uint64_t pa,
                             uint64_t size)
{
    if (entry & PTE_SW_DEVICE) {
        return err_none();
    }
    uint8_t *va = obj_ptr(pa);
    uint64_t done = inv_resumed(inv, 2);
    while (size - done > CACHE_CHUNK) {
        cache_lines(op, va + done, CACHE_CHUNK);
        done += CACHE_CHUNK;
        if (preemption_point()) {
            return inv_preempted(inv, 2, done);
        }
    }
    cache_op(op, va + done, size - done);
    return err_none();
}

pte_t *vm_walk(pte_t *root, uint64_t vaddr, unsigned *level)
{
    pte_t *table = root;
    for (unsigned l = 0;; l++) {
        pte_t *e = &table[pt_index(vaddr, l)];
        if (l == 3 || !(*e & PTE_VALID) || !(*e & PTE_TABLE)) {
            *level = l;
            return e;
        }
        table = obj_ptr(*e & PTE_ADDR_MASK);
    }
}

static pte_t *root_of_asid(uint16_t asid)
{
    uint64_t pa = arch_asid_vspace(asid);
    return pa != 0 ? obj_ptr(pa) : NULL;
}

void vm_frame_unmap(cap_t f)
{
    uint16_t asid = cap_mapped_asid(f);
    if (asid == 0) {
        return;
    }
    pte_t *root = root_of_asid(asid);
    if (root == NULL) {
        return;
    }
    uint64_t va = cap_mapped_vaddr(f);
    unsigned level;
    pte_t *e = vm_walk(root, va, &level);
    unsigned want = 3 - cap_frame_size(f);
    bool leaf = level == 3 ? (*e & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE)
                           : (*e & (PTE_VALID | PTE_TABLE)) == PTE_VALID;
    if (level == want && leaf && (*e & PTE_ADDR_MASK) == cap_paddr(f)) {
        *e = 0;
        arch_tlb_flush_page(asid, va);
    }
}

/* Finds the entry that points at table `pa` on the path of vaddr, if any. */
static pte_t *find_table_entry(pte_t *root, uint64_t vaddr, uint64_t pa)
{
    pte_t *table = root;
    for (unsigned l = 0; l < 3; l++) {
        pte_t *e = &table[pt_index(vaddr, l)];
        if (!(*e & PTE_VALID) || !(*e & PTE_TABLE)) {
            return NULL;
        }
        if ((*e & PTE_ADDR_MASK) == pa) {
            return e;
        }
        table = obj_ptr(*e & PTE_ADDR_MASK);
    }
    return NULL;
}

void vm_finalise(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_PAGE_TABLE:
        if (cap_pt_is_mapped(c)) {
            pte_t *root = root_of_asid(cap_mapped_asid(c));
            pte_t *e = root != NULL ? find_table_entry(root, cap_mapped_vaddr(c), cap_paddr(c))
                                    : NULL;
            if (e != NULL) {
                *e = 0;
                arch_tlb_flush_asid(cap_mapped_asid(c));
            }
        }
        break;
    case CAP_VSPACE:
        if (cap_pt_is_mapped(c) && arch_asid_vspace((uint16_t)c.w1) == cap_paddr(c)) {
            arch_asid_set((uint16_t)c.w1, 0);
            arch_tlb_flush_asid((uint16_t)c.w1);
        }
        break;
    case CAP_ASID_POOL: {
        unsigned pool = (unsigned)(c.w1 / ASIDS_PER_POOL);
        if (arch_asid_pool_at(pool) == cap_paddr(c)) {
            arch_asid_pool_remove(pool);
        }
        break;
    }
    default:
        break;
    }
}
