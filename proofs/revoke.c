// SPDX-License-Identifier: BSD-2-Clause
// WP harness for one step of cte_revoke's loop, built from the proved contracts of cdt.c.
#include "cdt_spec.h"

/*
 * cte_revoke (kernel/core/delete.c) loops `while (cdt_has_children(slot))
 * cte_delete(cdt_next(slot))`. When the child's cap is neither a zombie nor the final cap of a
 * CNode or TCB, cte_delete ends in cte_delete_one, whose only CDT write is cdt_remove(child)
 * (vm_frame_unmap and object_finalise touch no slot's link words). revoke_step is that path,
 * written against the contracts proved in the cdt module: it is a model of the step, not kernel
 * code. The contract says the step removes exactly the first element of the list after slot:
 * slot's successor becomes the child's old successor, whose back link now names slot, the child
 * is emptied (null cap, both link words 0, so in no list), and slot keeps its cap and flags.
 */
/*@ requires \valid(slot) && \separated(slot, l_next(slot));
    requires l_next(slot) != \null && cdt_parent(slot, l_next(slot));  // cdt_has_children
    requires l_prev(l_next(slot)) == slot;                              // INV-CAP-1 at slot
    requires unlink_ok(l_next(slot)) && tcb_hook_ok(l_next(slot));
    requires l_next(l_next(slot)) != \null ==> \separated(l_next(l_next(slot)), slot);
    assigns slot->next, l_next(slot)->cap, l_next(slot)->prev, l_next(slot)->next,
            l_next(l_next(slot))->prev, l_next(l_next(slot))->next,
            l_tcb_of(l_next(slot))->cs_slots, l_tcb_of(l_next(slot))->vs_gen,
            l_tcb_of(l_next(slot))->ipcbuf, l_tcb_of(l_next(slot))->ipcbuf_rw;
    ensures next_is_grandchild: l_next(slot) == \old(l_next(l_next(slot)));
    ensures back_link: \old(l_next(l_next(slot))) != \null ==>
        l_prev(\old(l_next(l_next(slot)))) == slot;
    ensures child_emptied: \old(l_next(slot))->cap.w0 == 0 && \old(l_next(slot))->cap.w1 == 0 &&
        \old(l_next(slot))->prev == 0 && \old(l_next(slot))->next == 0;
    ensures slot_kept: slot->cap == \old(slot->cap) && slot->prev == \old(slot->prev) &&
        (slot->next & 1) == \old(slot->next & 1);
*/
void revoke_step(cte_t *slot)
{
    cdt_remove(cdt_next(slot));
}
