// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for kernel/core/delete.c: revoke ends, and ends only when no child is left.
#pragma once

#include "cdt_spec.h"
#include <keel/delete.h>
#include <keel/objects.h>
#include <arch/vm.h>

/*
 * Termination of cte_revoke needs a measure that every deletion lowers. The measure is the
 * number of caps held in slots, kept in the ghost counter `cdt_caps` (INV-CAP-9,
 * proofs-notes/cap.md). WP cannot count slots, so the link between the counter and memory is
 * `counted`, the consequence of "cdt_caps is the number of non-null slots" the proof needs:
 * while some slot holds a cap, the count is at least one. It is what keeps the trusted "one
 * fewer" clause on cdt_remove below from ever being asked of a zero counter.
 *
 * `cdt_wf` is the part of INV-CAP-1/-7 the proofs use, for every slot: its neighbours are valid,
 * aligned and distinct (unlink_ok), a TCB slot's decoded copies are apart from it
 * (tcb_hook_ok), and the slot after it holds a cap. The runtime checker checks these at every
 * kernel exit of a debug build; here they are assumed on entry and kept by the callees'
 * contracts.
 *
 * What is proved (module `delete`): cte_revoke's loop ends (variant: cdt_caps), returns
 * ERR_NONE only when the slot has no child left, and otherwise ERR_PREEMPTED; cte_delete and
 * cte_delete_one lower the count when they delete a cap and report only ERR_NONE or
 * ERR_PREEMPTED. What is trusted: the contracts below on functions not proved here
 * (reduce_zombie, make_zombie, object_finalise, vm_frame_unmap, tcb_slot_cleared), the count
 * clauses added to cdt_remove, and one `admit` (writing a zombie over a cap keeps the tree
 * well formed and the count).
 */
/*@ ghost uint64_t cdt_caps; */

/*@
  predicate l_null(cap_t c) = l_type(c) == CAP_NULL;

  predicate slot_ok{L}(cte_t *s) =
    unlink_ok(s) && tcb_hook_ok(s) && (l_next(s) != \null ==> !l_null(l_next(s)->cap));

  predicate cdt_wf{L} = \forall cte_t *s; \valid(s) ==> slot_ok(s);

  // What the proofs use of INV-CAP-9 (cdt_caps is the number of non-null slots): while a slot
  // holds a cap, the count is at least one. True whenever the count is exact.
  // No slot stops being valid memory: the kernel never frees (objects live in untyped memory).
  // Stated on the callees below that have no assigns clause, which WP lets write anything.
  predicate no_free{L1, L2} = \forall cte_t *s; \valid{L1}(s) ==> \valid{L2}(s);

  predicate counted{L} = \forall cte_t *s; \valid(s) && !l_null(s->cap) ==> cdt_caps >= 1;
*/

/*@ assigns \nothing;
    ensures \result <==> l_null(c);
*/
static inline bool cap_is_null(cap_t c);

/*@ assigns \nothing;
    ensures \result.code == ERR_NONE;
*/
static inline syserr_t err_none(void);

/*@ assigns \nothing;
    ensures \result.code == c;
*/
static inline syserr_t err_code(error_code_t c);

/*@ assigns \nothing; */
static inline bool preemption_point(void);

/* Trusted, added to cdt_remove's proved contract (cdt_spec.h): removing a slot that held a cap
 * leaves one cap fewer and the tree well formed. */
/*@ requires cdt_wf && counted && !l_null(s->cap) && cdt_caps >= 1;
    assigns cdt_caps;
    ensures cdt_wf && counted && cdt_caps == \old(cdt_caps) - 1;
*/
void cdt_remove(cte_t *s);

/* Trusted (cdt_spec.h states its frame): clearing the decoded copies keeps the tree and count. */
/*@ requires cdt_wf && counted;
    ensures cdt_wf && counted && cdt_caps == \old(cdt_caps);
    ensures no_free{Pre, Post};
*/
void tcb_slot_cleared(cte_t *s);

/*
 * Trusted: finalising an object or unmapping a frame may delete other caps (an endpoint's
 * cancelled callers lose their reply caps, an IRQ handler its notification), never one holding
 * the cap being deleted, and never makes one. No assigns clause: WP assumes they may write
 * anything else.
 */
/*@ requires cdt_wf && counted;
    ensures cdt_wf && counted && cdt_caps <= \old(cdt_caps);
    ensures \forall cte_t *s; \valid(s) && \at(s->cap, Pre) == c ==> !l_null(s->cap);
    ensures no_free{Pre, Post};
*/
void object_finalise(cap_t c);

/*@ requires cdt_wf && counted;
    ensures cdt_wf && counted && cdt_caps <= \old(cdt_caps);
    ensures \forall cte_t *s; \valid(s) && \at(s->cap, Pre) == frame ==> !l_null(s->cap);
    ensures no_free{Pre, Post};
*/
void vm_frame_unmap(cap_t frame);

/* Trusted: a TCB's destruction starts (its callers may lose reply caps); the zombie is a cap. */
/*@ requires cdt_wf && counted;
    ensures cdt_wf && counted && cdt_caps <= \old(cdt_caps);
    ensures l_type(\result) == CAP_ZOMBIE;
    ensures no_free{Pre, Post};
*/
static cap_t make_zombie(cap_t c);

/*
 * Trusted: clearing a zombie's object slot by slot ends (proofs-notes/cap.md, termination of
 * deletion, by hand) with the root's own zombie removed, or stops at a preemption point with the
 * progress kept in the slots.
 */
/*@ requires cdt_wf && counted && \valid(root) && l_type(root->cap) == CAP_ZOMBIE;
    ensures cdt_wf && counted && cdt_caps <= \old(cdt_caps);
    ensures \result.code == ERR_NONE || \result.code == ERR_PREEMPTED;
    ensures \result.code == ERR_NONE ==> cdt_caps < \old(cdt_caps);
    ensures no_free{Pre, Post};
*/
static syserr_t reduce_zombie(cte_t *root);

/* --- proved ---------------------------------------------------------------------------------- */

/*@ requires cdt_wf && counted && \valid(slot);
    ensures cdt_wf && counted;
    ensures null_kept: \old(l_null(slot->cap)) ==> cdt_caps == \old(cdt_caps);
    ensures one_fewer: !\old(l_null(slot->cap)) ==> cdt_caps < \old(cdt_caps);
    ensures no_free{Pre, Post};
*/
void cte_delete_one(cte_t *slot);

/*@ requires cdt_wf && counted && \valid(slot);
    ensures cdt_wf && counted && cdt_caps <= \old(cdt_caps);
    ensures codes: \result.code == ERR_NONE || \result.code == ERR_PREEMPTED;
    ensures progress: \result.code == ERR_NONE && !\old(l_null(slot->cap)) ==>
                      cdt_caps < \old(cdt_caps);
    ensures no_free{Pre, Post};
*/
syserr_t cte_delete(cte_t *slot);

/*@ requires cdt_wf && counted && \valid(slot);
    ensures cdt_wf && counted;
    ensures codes: \result.code == ERR_NONE || \result.code == ERR_PREEMPTED;
    ensures no_child_left: \result.code == ERR_NONE ==>
        !(l_next(slot) != \null && cdt_parent(slot, l_next(slot)));
    ensures no_free{Pre, Post};
*/
syserr_t cte_revoke(cte_t *slot);
