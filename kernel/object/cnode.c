// SPDX-License-Identifier: BSD-2-Clause
// CNode invocations (ABI §8.5): slot lookups and checks in seL4's order, then the operation.
// Invariants: INV-CAP-1, -3, -4, -6, -8, INV-IPC-1..3, -5 (proofs-notes/README.md)
#include <keel/cdt.h>
#include <keel/delete.h>
#include <keel/derive.h>
#include <keel/invoke.h>
#include <keel/objects.h>
#include <keel/sched.h>

/* Exact-depth lookup of (root, index, depth) with the depth range check first. */
static syserr_t lookup_target(cap_t root, uint64_t index, uint64_t depth, bool source,
                              cte_t **slot)
{
    if (depth < 1 || depth > 64) {
        return err_range(1, 64);
    }
    lookup_fault_t lf;
    if (!lookup_slot_exact(root, index, (unsigned)depth, slot, &lf)) {
        return err_lookup(source, lf);
    }
    return err_none();
}

static syserr_t missing(bool source, uint64_t depth)
{
    return err_lookup(source, (lookup_fault_t){ LF_MISSING_CAPABILITY, depth, 0, 0 });
}

/* Copy, Mint, Move, Mutate: labels 19..22. */
static syserr_t copy_like(invocation_t *inv, cte_t *dest)
{
    unsigned label = (unsigned)inv->info.label;
    if (inv->info.length < 4 || inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t src_index = inv_arg(inv, 2), src_depth = inv_arg(inv, 3);
    cap_t src_root = inv_extra(inv, 0);
    if (!cap_is_null(dest->cap)) {
        return err_code(ERR_DELETE_FIRST);
    }
    cte_t *src;
    syserr_t e = lookup_target(src_root, src_index, src_depth, true, &src);
    if (e.code != ERR_NONE) {
        return e;
    }
    if (cap_is_null(src->cap)) {
        return missing(true, src_depth);
    }
    unsigned need = label == INV_CNODE_COPY ? 5 : label == INV_CNODE_MINT ? 6
                  : label == INV_CNODE_MUTATE ? 5 : 4;
    if (inv->info.length < need) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    cap_t c = src->cap;
    bool move = label == INV_CNODE_MOVE || label == INV_CNODE_MUTATE;
    if (label == INV_CNODE_COPY || label == INV_CNODE_MINT) {
        c = cap_mask_rights(c, inv_arg(inv, 4));
        if (label == INV_CNODE_MINT) {
            c = cap_update_data(c, inv_arg(inv, 5), false);
        }
        cap_t derived;
        e = cap_derive(src, c, &derived);
        if (e.code != ERR_NONE) {
            return e;
        }
        c = derived;
    } else if (label == INV_CNODE_MUTATE) {
        c = cap_update_data(c, inv_arg(inv, 4), true);
    }
    if (cap_is_null(c)) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (move) {
        cdt_move(src, dest, c);
    } else {
        cdt_insert_derived(src, dest, c);
    }
    return err_none();
}

static syserr_t rotate(invocation_t *inv, cte_t *dest)
{
    if (inv->info.length < 8 || inv->nextra < 2) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t dest_badge = inv_arg(inv, 2);
    uint64_t pivot_index = inv_arg(inv, 3), pivot_depth = inv_arg(inv, 4);
    uint64_t pivot_badge = inv_arg(inv, 5);
    uint64_t src_index = inv_arg(inv, 6), src_depth = inv_arg(inv, 7);
    cte_t *src, *pivot;
    syserr_t e = lookup_target(inv_extra(inv, 1), src_index, src_depth, true, &src);
    if (e.code != ERR_NONE) {
        return e;
    }
    e = lookup_target(inv_extra(inv, 0), pivot_index, pivot_depth, true, &pivot);
    if (e.code != ERR_NONE) {
        return e;
    }
    if (pivot == src || pivot == dest) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (src != dest && !cap_is_null(dest->cap)) {
        return err_code(ERR_DELETE_FIRST);
    }
    if (cap_is_null(src->cap)) {
        return missing(true, src_depth);
    }
    if (cap_is_null(pivot->cap)) {
        return missing(false, pivot_depth);
    }
    cap_t new_src = cap_update_data(src->cap, pivot_badge, true);
    if (cap_is_null(new_src)) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    cap_t new_pivot = cap_update_data(pivot->cap, dest_badge, true);
    if (cap_is_null(new_pivot)) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (src == dest) {
        cdt_swap(src, new_src, pivot, new_pivot);
    } else {
        cdt_move(pivot, dest, new_pivot);
        cdt_move(src, pivot, new_src);
    }
    return err_none();
}

syserr_t decode_cnode(invocation_t *inv)
{
    uint64_t label = inv->info.label;
    if (label < INV_CNODE_REVOKE || label > INV_CNODE_SAVE_CALLER) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (inv->info.length < 2) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    cte_t *target;
    syserr_t e = lookup_target(inv->cap, inv_arg(inv, 0), inv_arg(inv, 1), false, &target);
    if (e.code != ERR_NONE) {
        return e;
    }
    switch (label) {
    case INV_CNODE_COPY:
    case INV_CNODE_MINT:
    case INV_CNODE_MOVE:
    case INV_CNODE_MUTATE:
        return copy_like(inv, target);
    case INV_CNODE_ROTATE:
        return rotate(inv, target);
    case INV_CNODE_REVOKE:
        return cte_revoke(target);
    case INV_CNODE_DELETE:
        return cte_delete(target);
    case INV_CNODE_SAVE_CALLER: {
        if (!cap_is_null(target->cap)) {
            return err_code(ERR_DELETE_FIRST);
        }
        cte_t *caller = &inv->thread->slots[TCB_SLOT_CALLER];
        if (cap_type(caller->cap) == CAP_REPLY) {
            cdt_move(caller, target, caller->cap);
        }
        return err_none();
    }
    case INV_CNODE_CANCEL_BADGED_SENDS: {
        cap_t c = target->cap;
        if (cap_type(c) != CAP_ENDPOINT || cap_rights(c) != RIGHTS_ALL) {
            return err_code(ERR_ILLEGAL_OPERATION);
        }
        if (cap_badge(c) != 0) {
            endpoint_cancel_badged_sends(obj_ptr(cap_paddr(c)), cap_badge(c));
        }
        return err_none();
    }
    default:
        return err_code(ERR_ILLEGAL_OPERATION);
    }
}
