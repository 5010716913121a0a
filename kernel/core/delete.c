// SPDX-License-Identifier: BSD-2-Clause
// Delete and revoke: final caps finalise their object; CNodes and TCBs die through zombies.
// Invariants: INV-CAP-1, -4, -8, -9, INV-FP-2, INV-IPC-13, INV-SCHED-5, INV-TCB-4, INV-VS-3
//   (proofs-notes/README.md)
#include <arch/vm.h>
#include <keel/cdt.h>
#include <keel/delete.h>
#include <keel/objects.h>
#include <keel/sched.h>

static cte_t *zombie_slot(cap_t z, uint64_t i)
{
    if (cap_zombie_radix(z) == ZOMBIE_TCB_RADIX) {
        return &((tcb_t *)obj_ptr(cap_paddr(z)))->slots[i];
    }
    return &((cte_t *)obj_ptr(cap_paddr(z)))[i];
}

/* Turns the final cap of a CNode or TCB into a zombie that remembers what is left to clear. */
static cap_t make_zombie(cap_t c)
{
    if (cap_type(c) == CAP_TCB) {
        tcb_t *t = cap_tcb(c);
        tcb_prepare_destroy(t);
        t->cs_slots = NULL;
        return cap_zombie(cap_paddr(c), ZOMBIE_TCB_RADIX, TCB_SLOT_COUNT);
    }
    return cap_zombie(cap_paddr(c), cap_cnode_radix(c), 1UL << cap_cnode_radix(c));
}

void cte_delete_one(cte_t *slot)
{
    if (cap_is_null(slot->cap)) {
        return;
    }
    if (cap_type(slot->cap) == CAP_FRAME) {
        vm_frame_unmap(slot->cap);   /* every mapped frame cap, final or not (§13.9) */
    }
    if (cdt_is_final(slot)) {
        object_finalise(slot->cap);
    }
    cdt_remove(slot);
}

/*
 * Deletion without recursion: `root` holds a zombie. Repeatedly find the deepest unfinished
 * zombie reachable from it through last-occupied slots, clear one slot of it, and remove zombies
 * whose objects are empty. Progress survives preemption because it is all in the slots.
 */
static syserr_t reduce_zombie(cte_t *root)
{
    for (;;) {
        cte_t *cur = root;
        for (;;) {
            cap_t z = cur->cap;
            uint64_t left = cap_zombie_remaining(z);
            cte_t *s = NULL;
            while (left > 0) {
                s = zombie_slot(z, left - 1);
                if (s != cur && !cap_is_null(s->cap)) {
                    break;
                }
                left--;
            }
            cur->cap = cap_zombie(cap_paddr(z), cap_zombie_radix(z), left);
            if (left == 0) {
                if (cur == root) {
                    object_free_zombie(cur->cap);
                    cdt_remove(cur);
                    return err_none();
                }
                object_free_zombie(cur->cap);
                cdt_remove(cur);
                break;              /* restart from the root */
            }
            cap_type_t t = cap_type(s->cap);
            if (t == CAP_ZOMBIE && s == root) {
                /* A cycle: the objects below contain the root's own zombie. Every object's
                 * zombie lives in one slot, so any cycle passes through the root. Swapping
                 * leaves each of the two zombies inside its own object, where it only waits
                 * for its other slots (skipped as `s != cur` above). */
                cdt_swap(root, root->cap, cur, cur->cap);
                break;
            }
            if (t == CAP_ZOMBIE) {
                cur = s;            /* an unfinished deletion below: finish it first */
                continue;
            }
            if ((t == CAP_CNODE || t == CAP_TCB) && cdt_is_final(s)) {
                if (CTE_TCB_SLOT(s) != 0) {
                    tcb_slot_cleared(s);
                }
                s->cap = make_zombie(s->cap);
                cur = s;
                continue;
            }
            cte_delete_one(s);
            break;
        }
        if (preemption_point()) {
            return err_code(ERR_PREEMPTED);
        }
    }
}

syserr_t cte_delete(cte_t *slot)
{
    cap_t c = slot->cap;
    if (cap_is_null(c)) {
        return err_none();
    }
    if (cap_type(c) == CAP_ZOMBIE) {
        return reduce_zombie(slot);
    }
    if ((cap_type(c) == CAP_CNODE || cap_type(c) == CAP_TCB) && cdt_is_final(slot)) {
        if (CTE_TCB_SLOT(slot) != 0) {
            tcb_slot_cleared(slot);
        }
        slot->cap = make_zombie(c);
        return reduce_zombie(slot);
    }
    cte_delete_one(slot);
    return err_none();
}

syserr_t cte_revoke(cte_t *slot)
{
    while (cdt_has_children(slot)) {
        syserr_t e = cte_delete(cdt_next(slot));
        if (e.code != ERR_NONE) {
            return e;
        }
        if (cdt_has_children(slot) && preemption_point()) {
            return err_code(ERR_PREEMPTED);
        }
    }
    return err_none();
}
