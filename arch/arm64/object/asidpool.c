// SPDX-License-Identifier: BSD-2-Clause
// ASIDControl_MakePool (§8.13) and ASIDPool_Assign (§8.14).
// Invariants: INV-CAP-1, INV-MEM-1..4, INV-VS-2 (proofs-notes/README.md)
#include <arch/asid.h>
#include <keel/cdt.h>
#include <keel/invoke.h>

enum { INV_ASID_MAKE_POOL = 44, INV_ASID_ASSIGN = 45 };

syserr_t decode_asid_control(invocation_t *inv)
{
    if (inv->info.label != INV_ASID_MAKE_POOL) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (inv->info.length < 2 || inv->nextra < 2) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    int pool = arch_asid_free_pool();
    if (pool < 0) {
        return err_code(ERR_DELETE_FIRST);
    }
    cte_t *ut = inv->extra_slot[0];
    cap_t u = ut->cap;
    if (cap_type(u) != CAP_UNTYPED || cap_untyped_size_bits(u) != ASID_POOL_BITS ||
        cap_untyped_is_device(u)) {
        return err_cap(1);
    }
    if (cdt_has_children(ut)) {
        return err_code(ERR_REVOKE_FIRST);
    }
    uint64_t index = inv_arg(inv, 0), depth = inv_arg(inv, 1);
    if (depth < 1 || depth > 64) {
        return err_range(1, 64);
    }
    cte_t *dest;
    lookup_fault_t lf;
    if (!lookup_slot_exact(inv_extra(inv, 1), index, (unsigned)depth, &dest, &lf)) {
        return err_lookup(false, lf);
    }
    if (!cap_is_null(dest->cap)) {
        return err_code(ERR_DELETE_FIRST);
    }
    ut->cap = cap_untyped_set_used(u, 1UL << ASID_POOL_BITS);
    arch_asid_pool_register((unsigned)pool, cap_paddr(u));
    cdt_insert_new(ut, dest, cap_make(CAP_ASID_POOL, cap_paddr(u),
                                      (uint64_t)pool * ASIDS_PER_POOL));
    return err_none();
}

syserr_t decode_asid_pool(invocation_t *inv)
{
    if (inv->info.label != INV_ASID_ASSIGN) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    cte_t *vs_slot = inv->extra_slot[0];
    cap_t vs = vs_slot->cap;
    if (cap_type(vs) != CAP_VSPACE || cap_pt_is_mapped(vs)) {
        return err_cap(1);
    }
    unsigned pool = (unsigned)(inv->cap.w1 / ASIDS_PER_POOL);
    uint64_t registered = arch_asid_pool_at(pool);
    if (registered == 0) {
        return err_lookup(false, (lookup_fault_t){ LF_INVALID_ROOT, 0, 0, 0 });
    }
    if (registered != cap_paddr(inv->cap)) {
        return err_cap(0);
    }
    int asid = arch_asid_alloc(pool);
    if (asid < 0) {
        return err_code(ERR_DELETE_FIRST);
    }
    arch_asid_set((uint16_t)asid, cap_paddr(vs));
    vs_slot->cap = cap_make(CAP_VSPACE, cap_paddr(vs), (uint64_t)asid);
    vs_slot->cap = cap_pt_set_mapped(vs_slot->cap, true);
    return err_none();
}
