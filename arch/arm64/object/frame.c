// SPDX-License-Identifier: BSD-2-Clause
// Frame invocations (§8.12): Map with rights and attributes, Unmap, cache ops, GetAddress.
// Invariants: INV-VS-3..5, -8 (proofs-notes/README.md)
#include <arch/asid.h>
#include <arch/sysreg.h>
#include <arch/vm.h>
#include <keel/derive.h>
#include <keel/invoke.h>

enum { INV_PAGE_MAP = 37, INV_PAGE_UNMAP = 38, INV_PAGE_CLEAN = 39, INV_PAGE_INVALIDATE = 40,
       INV_PAGE_UNIFY = 42, INV_PAGE_GET_ADDRESS = 43 };

#define ATTR_CACHEABLE 1u
#define ATTR_EXECUTE_NEVER 4u

static pte_t frame_pte(cap_t f, unsigned vm_rights, uint64_t attr, unsigned level)
{
    pte_t e = (cap_paddr(f) & PTE_ADDR_MASK) | PTE_VALID | PTE_AF | PTE_NG | PTE_PXN;
    e |= (attr & ATTR_CACHEABLE) ? PTE_ATTR(MAIR_IDX_NORMAL) : PTE_ATTR(MAIR_IDX_DEVICE_nGnRnE);
    if (attr & ATTR_EXECUTE_NEVER) {
        e |= PTE_UXN;
    }
    if (cap_frame_is_device(f)) {
        e |= PTE_SW_DEVICE;   /* VSpace cache operations must not reach it through the physmap */
    }
    if (vm_rights == VM_READ_WRITE) {
        e |= PTE_AP_EL0;
    } else if (vm_rights == VM_READ_ONLY) {
        e |= PTE_AP_EL0 | PTE_AP_RO;
    }
    if (level == 3) {
        e |= PTE_TABLE;   /* a page descriptor at level 3 */
    }
    return e;
}

static syserr_t page_map(invocation_t *inv)
{
    if (inv->info.length < 3 || inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t vaddr = inv_arg(inv, 0), rights = inv_arg(inv, 1), attr = inv_arg(inv, 2);
    cap_t vs = inv_extra(inv, 0), f = inv->cap;
    if (cap_type(vs) != CAP_VSPACE || !cap_pt_is_mapped(vs)) {
        return err_cap(1);
    }
    pte_t *root;
    syserr_t e = vm_checked_root(vs, 1, &root);
    if (e.code != ERR_NONE) {
        return e;
    }
    unsigned bits = cap_frame_size_bits(f);
    uint64_t size = 1UL << bits;
    if (vaddr & (size - 1)) {
        return err_code(ERR_ALIGNMENT);
    }
    uint16_t asid = (uint16_t)vs.w1;
    if (cap_mapped_asid(f) != 0) {
        if (cap_mapped_asid(f) != asid) {
            return err_cap(1);
        }
        if (cap_mapped_vaddr(f) != vaddr) {
            return err_arg(0);
        }
    } else if (vaddr + size - 1 > USER_LAST_VADDR) {
        return err_arg(0);
    }
    unsigned want = 3 - cap_frame_size(f), level;
    pte_t *entry = vm_walk(root, vaddr, &level);
    bool table_here = level < 3 && (*entry & (PTE_VALID | PTE_TABLE)) == (PTE_VALID | PTE_TABLE);
    if (level != want || table_here) {
        unsigned stop = table_here ? level + 1 : level;
        return err_lookup(false, (lookup_fault_t){ LF_MISSING_CAPABILITY, 12 + 9 * (3 - stop),
                                                   0, 0 });
    }
    cap_t masked = cap_mask_rights(f, rights);
    bool replacing = (*entry & PTE_VALID) != 0;
    *entry = frame_pte(f, cap_frame_vm_rights(masked), attr, level);
    dsb_ishst();
    if (replacing) {
        arch_tlb_flush_page(asid, vaddr);
    }
    inv->slot->cap = cap_set_mapping(f, asid, vaddr);
    return err_none();
}

static syserr_t page_cache(invocation_t *inv)
{
    if (inv->info.length < 2) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    cap_t f = inv->cap;
    if (cap_mapped_asid(f) == 0) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    uint64_t vs_pa = arch_asid_vspace(cap_mapped_asid(f));
    if (vs_pa == 0) {
        return err_lookup(false, (lookup_fault_t){ LF_INVALID_ROOT, 0, 0, 0 });
    }
    uint64_t start = inv_arg(inv, 0), end = inv_arg(inv, 1);
    uint64_t size = 1UL << cap_frame_size_bits(f);
    if (end <= start) {
        return err_arg(1);
    }
    if (start >= size || end > size) {
        return err_arg(0);
    }
    unsigned level;
    pte_t *entry = vm_walk(obj_ptr(vs_pa), cap_mapped_vaddr(f), &level);
    if (level != 3 - cap_frame_size(f) || !(*entry & PTE_VALID) ||
        (*entry & PTE_ADDR_MASK) != cap_paddr(f)) {
        return err_cap(0);
    }
    bool rw = (*entry & PTE_AP_EL0) && !(*entry & PTE_AP_RO);
    if (inv->info.label == INV_PAGE_INVALIDATE && !rw) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    return vm_cache_invocation(inv, (unsigned)(inv->info.label - INV_PAGE_CLEAN), *entry,
                               cap_paddr(f) + start, end - start);
}

syserr_t decode_frame(invocation_t *inv)
{
    uint64_t label = inv->info.label;
    switch (label) {
    case INV_PAGE_MAP:
        return page_map(inv);
    case INV_PAGE_UNMAP:
        vm_frame_unmap(inv->cap);
        inv->slot->cap = cap_set_mapping(inv->cap, 0, 0);
        return err_none();
    case INV_PAGE_GET_ADDRESS:
        inv_result(inv, 0, cap_paddr(inv->cap));
        return err_none();
    default:
        if (label >= INV_PAGE_CLEAN && label <= INV_PAGE_UNIFY) {
            return page_cache(inv);
        }
        return err_code(ERR_ILLEGAL_OPERATION);
    }
}
