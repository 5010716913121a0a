// SPDX-License-Identifier: BSD-2-Clause
// PageTable_Map/Unmap (§8.11) and VSpace cache maintenance (§8.10).
// Invariants: INV-VS-2, -3, -5, -6 (proofs-notes/README.md)
#include <arch/asid.h>
#include <arch/sysreg.h>
#include <arch/vm.h>
#include <keel/cdt.h>
#include <keel/invoke.h>
#include <keel/string.h>

enum { INV_VSPACE_CLEAN = 30, INV_VSPACE_INVALIDATE = 31, INV_VSPACE_UNIFY = 33,
       INV_PT_MAP = 35, INV_PT_UNMAP = 36 };

static syserr_t pt_map_inv(invocation_t *inv)
{
    if (inv->info.length < 2 || inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    if (cap_pt_is_mapped(inv->cap)) {
        return err_cap(0);
    }
    cap_t vs = inv_extra(inv, 0);
    if (cap_type(vs) != CAP_VSPACE || !cap_pt_is_mapped(vs)) {
        return err_cap(1);
    }
    uint64_t vaddr = inv_arg(inv, 0);
    if (vaddr > USER_LAST_VADDR) {
        return err_arg(0);
    }
    pte_t *root;
    syserr_t e = vm_checked_root(vs, 1, &root);
    if (e.code != ERR_NONE) {
        return e;
    }
    unsigned level;
    pte_t *entry = vm_walk(root, vaddr, &level);
    if (level == 3 || (*entry & PTE_VALID)) {
        return err_code(ERR_DELETE_FIRST);
    }
    /* The new table serves level+1 and covers the region of this entry. */
    uint64_t base = vaddr & ~(pt_level_size(level) - 1);
    *entry = (cap_paddr(inv->cap) & PTE_ADDR_MASK) | PTE_TABLE | PTE_VALID;
    dsb_ishst();
    cap_t c = cap_pt_set_mapped(inv->cap, true);
    inv->slot->cap = cap_set_mapping(c, (uint16_t)vs.w1, base);
    return err_none();
}

static syserr_t pt_unmap_inv(invocation_t *inv)
{
    if (!cdt_is_final(inv->slot)) {
        return err_code(ERR_REVOKE_FIRST);
    }
    cap_t c = inv->cap;
    if (cap_pt_is_mapped(c)) {
        vm_finalise(c);
        memset(obj_ptr(cap_paddr(c)), 0, 1UL << PAGE_TABLE_BITS);
        dsb_ishst();
    }
    inv->slot->cap = cap_set_mapping(cap_pt_set_mapped(c, false), 0, 0);
    return err_none();
}

syserr_t decode_page_table(invocation_t *inv)
{
    switch (inv->info.label) {
    case INV_PT_MAP: return pt_map_inv(inv);
    case INV_PT_UNMAP: return pt_unmap_inv(inv);
    default: return err_code(ERR_ILLEGAL_OPERATION);
    }
}

/* Size of the page whose leaf entry is e at level. */
static uint64_t leaf_size(pte_t e, unsigned level)
{
    if (level == 3) {
        return (e & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE) ? 1UL << 12 : 0;
    }
    return (e & (PTE_VALID | PTE_TABLE)) == PTE_VALID && level > 0 ? pt_level_size(level) : 0;
}

syserr_t decode_vspace(invocation_t *inv)
{
    uint64_t label = inv->info.label;
    if (label < INV_VSPACE_CLEAN || label > INV_VSPACE_UNIFY) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (inv->info.length < 2) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t start = inv_arg(inv, 0), end = inv_arg(inv, 1);
    if (end <= start) {
        return err_arg(1);
    }
    if (end > USER_LAST_VADDR) {      /* §8.10: end beyond seL4_UserTop, even by one */
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    pte_t *root;
    syserr_t e = vm_checked_root(inv->cap, 0, &root);
    if (e.code != ERR_NONE) {
        return e;
    }
    unsigned level;
    pte_t *entry = vm_walk(root, start, &level);
    uint64_t size = leaf_size(*entry, level);
    if (size == 0) {
        return err_none();
    }
    uint64_t page_last = (start | (size - 1));
    if (end - 1 > page_last) {
        return err_range(start, page_last);
    }
    bool rw = (*entry & PTE_AP_EL0) && !(*entry & PTE_AP_RO);
    if (label == INV_VSPACE_INVALIDATE && !rw) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    uint64_t pa = (*entry & PTE_ADDR_MASK & ~(size - 1)) + (start & (size - 1));
    return vm_cache_invocation(inv, (unsigned)(label - INV_VSPACE_CLEAN), *entry, pa, end - start);
}
