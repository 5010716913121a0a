// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for the fastpath's precondition checks (FP-1..FP-9 of fastpath.md).
#pragma once

#include "cap_spec.h"
#include <arch/asid.h>
#include <keel/lookup_fast.h>
#include <keel/msginfo.h>
#include <keel/sched.h>

/*
 * Each check is stated as the precondition of proofs-notes/fastpath.md it implements, in terms
 * of the ABI fields (msginfo, ABI §4.1) or of the TCB's decoded CSpace root (cs_*, INV-FP-2).
 * The checks are static always-inline functions of kernel/fastpath/fastpath.c and
 * kernel/include/keel/lookup_fast.h: this header is included at the top of fastpath.c's
 * translation unit, so the contracts attach to the kernel's own definitions.
 */

/* The 4-bit rights field of an endpoint cap (what cap_rights returns); a macro, so that Qed
 * sees the shifts and masks themselves. */
#define FP_RIGHTS(c) (((c).w0 >> 52) & 15)

/*@
  // FP-1: no extra caps (extraCaps is bits 8:7 of the word, ABI 4.1) and at most
  // MSG_FAST_REGS message words ((w & 0x7f) is the length field; msginfo_decode clamps it to
  // 120, which is above 4, so "decoded length <= 4" is the same condition).
  predicate fp1_fits(uint64_t w) = (w & 0x180) == 0 && (w & 0x7f) <= MSG_FAST_REGS;

  // The nine low bits decide FP-1 (wp:range: 512 constant cases) ...
  lemma fp1_bits: \forall integer v; 0 <= v && v <= 511 ==>
      (v <= 4 <==> ((v & 0x180) == 0 && (v & 0x7f) <= 4));
  // ... and masking them first changes neither field.
  lemma fp1_fields: \forall uint64_t w;
      ((w & 0x1ff) & 0x180) == (w & 0x180) && ((w & 0x1ff) & 0x7f) == (w & 0x7f);
  // A masked index is at most the mask (as lookup's land_low_mask).
  lemma fp_land_mask: \forall integer y, r; 0 <= y && 0 <= r && r <= 63 ==>
      (y & ((1 << r) - 1)) <= (1 << r) - 1;

  // Bit 51 of a reply cap: the master reply cap (what cap_reply_is_master tests).
  predicate fp_reply_master(cap_t c) = ((c.w0 >> 51) & 1) != 0;

  // FP-2: the index of cptr in the first level (the bits below the guard), and the condition
  // under which the first level alone decides the lookup: a decoded root, the guard bits
  // equal to the decoded guard, and either one level consumes all 64 bits (bit 8 of
  // cs_shift_single) or the slot found is not a CNode (a deeper walk would continue there).
  logic integer fp2_index{L}(tcb_t *t, uint64_t cptr) =
      (cptr >> (t->cs_shift_single & 63)) & t->cs_mask;
  predicate fp2_first_level{L}(tcb_t *t, uint64_t cptr) =
      t->cs_slots != \null &&
      ((cptr >> (t->cs_shift_single & 63)) & (uint64_t)~t->cs_mask) == t->cs_guard_hi &&
      ((t->cs_shift_single & 256) != 0 ||
       l_type(t->cs_slots[fp2_index(t, cptr)].cap) != CAP_CNODE);

  // FP-6: the priority of the best queued thread (-1 if none), as sched_highest_ready
  // computes it from the ready bitmap.
  axiomatic ReadyQueues {
    logic integer l_highest_ready{L} reads ready_bitmap[0 .. NUM_PRIORITIES / 64 - 1];
  }
*/

/* Trusted (not proved: a loop over __builtin_clzl): the best queued priority. */
/*@ assigns \nothing;
    ensures \result == l_highest_ready;
*/
static inline int sched_highest_ready(void);

/* FP-1 as the code tests it: the nine low bits (length, extraCaps) as a number <= 4. With
 * v = msginfo & 0x1ff (0 <= v <= 511), lemmas fp1_bits and fp1_fields turn this into
 * fp1_fits(msginfo); the provers do not finish that last step inside the function's goal, so
 * the contract states the tested form (proofs-notes/proofs.md). */
/*@ assigns \nothing;
    ensures \result <==> (msginfo & 0x1ff) <= MSG_FAST_REGS;
*/
static inline __attribute__((always_inline)) bool fits_registers(uint64_t msginfo);

/*@ requires \valid_read(partner) && \valid_read(self);
    assigns \nothing;
    ensures \result <==> partner->priority >= self->priority ||
                         partner->priority >= l_highest_ready;
*/
static inline __attribute__((always_inline)) bool may_switch_to(const tcb_t *partner,
                                                                const tcb_t *self);

/* --- cap.h predicates the checks use --------------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result <==> l_type(c) == CAP_NULL;
*/
static inline bool cap_is_null(cap_t c);

/*@ assigns \nothing;
    ensures \result <==> fp_reply_master(c);
*/
static inline bool cap_reply_is_master(cap_t c);

/* --- FP-2: the first-level lookup ------------------------------------------------------------ */

/* The slot index: at most the mask when the mask is 2^r - 1 (r <= 63), by lemma fp_land_mask. */
/*@ requires \exists integer r; 0 <= r && r <= 63 && mask == (1 << r) - 1;
    assigns \nothing;
    ensures \result == (bits & mask) && \result <= mask;
*/
static inline __attribute__((always_inline)) uint64_t lookup_first_index(uint64_t bits,
                                                                         uint64_t mask);

/* The decoded root is readable: cs_mask = 2^r - 1 (r is the root CNode's radix) and, when
 * cs_slots is set, its cs_mask + 1 slots are (INV-FP-2: cs_slots is the root CNode's slot
 * array). The result is NULL (slowpath) or the slot FP-2 names, inside the root CNode. */
/*@ requires \valid_read(t);
    requires \exists integer r; 0 <= r && r <= 63 && t->cs_mask == (1 << r) - 1;
    requires t->cs_slots != \null ==> \valid_read(t->cs_slots + (0 .. t->cs_mask));
    assigns \nothing;
    ensures \result != \null <==> fp2_first_level(t, cptr);
    ensures \result != \null ==> \result == t->cs_slots + fp2_index(t, cptr) &&
                                 0 <= fp2_index(t, cptr) <= t->cs_mask;
*/
static inline __attribute__((always_inline)) cte_t *lookup_first_level(const tcb_t *t,
                                                                       uint64_t cptr);

/* --- FP-3..FP-9: the checks of kernel/fastpath/fastpath.c (FP_INLINE there) ------------------ */

/* FP-3 (Call): an endpoint cap with Write, and Grant or GrantReply. */
/*@ assigns \nothing;
    ensures \result <==> l_type(c) == CAP_ENDPOINT && (FP_RIGHTS(c) & RIGHT_WRITE) != 0 &&
                         (FP_RIGHTS(c) & (RIGHT_GRANT | RIGHT_GRANT_REPLY)) != 0;
*/
static inline __attribute__((always_inline)) bool may_call(cap_t c);

/* FP-3 (ReplyRecv): an endpoint cap with Read. */
/*@ assigns \nothing;
    ensures \result <==> l_type(c) == CAP_ENDPOINT && (FP_RIGHTS(c) & RIGHT_READ) != 0;
*/
static inline __attribute__((always_inline)) bool may_receive(cap_t c);

/* FP-4 (Call): a receiver waits (the endpoint's state, bits 1:0 of head_state, is Recv). */
/*@ assigns \nothing;
    ensures \result <==> (head & 3) == EP_RECV;
*/
static inline __attribute__((always_inline)) bool receiver_waiting(uint64_t head);

/* FP-4 (ReplyRecv): no sender is queued (the endpoint's state is not Send). */
/*@ requires \valid_read(ep);
    assigns \nothing;
    ensures \result <==> (ep->head_state & 3) != EP_SEND;
*/
static inline __attribute__((always_inline)) bool no_sender_queued(const endpoint_t *ep);

/* FP-5: the partner's cached TTBR0 is of the current ASID generation. */
/*@ requires \valid_read(t) && \separated(t, &asid_generation);
    assigns \nothing;
    ensures \result <==> t->vs_gen == asid_generation;
*/
static inline __attribute__((always_inline)) bool vspace_current(const tcb_t *t);

/* FP-7 (Call): the receiver's caller slot is empty. */
/*@ requires \valid_read(caller_slot);
    assigns \nothing;
    ensures \result <==> l_type(caller_slot->cap) == CAP_NULL;
*/
static inline __attribute__((always_inline)) bool caller_slot_empty(const cte_t *caller_slot);

/* FP-8 (ReplyRecv): no bound notification, or one that is not Active. */
/*@ requires bound != \null ==> \valid_read(bound);
    assigns \nothing;
    ensures \result <==> bound == \null || (bound->head_state & 3) != NTFN_ACTIVE;
*/
static inline __attribute__((always_inline)) bool
no_active_notification(const notification_t *bound);

/* FP-9 (ReplyRecv): a (non-master) reply cap to a thread blocked on reply without a pending
 * fault. The client is read only when the cap is such a reply cap. */
/*@ requires l_type(reply) == CAP_REPLY && !fp_reply_master(reply) ==> \valid_read(client);
    assigns \nothing;
    ensures \result <==> l_type(reply) == CAP_REPLY && !fp_reply_master(reply) &&
                         client->state == TS_BLOCKED_ON_REPLY && client->fault_type == 0;
*/
static inline __attribute__((always_inline)) bool replies_to_waiting_client(cap_t reply,
                                                                            const tcb_t *client);

/* --- The Call fastpath's commit (fastpath_call) ---------------------------------------------- */

#include <arch/fpu.h>
#include <arch/mmu.h>
#include <keel/fastpath.h>

/*
 * The two exits are tail calls that never return. A ghost word records which one was taken and
 * with which register frame; a post-condition of fastpath_call is the state handed to it.
 */
#define FP_EXIT_SLOW 1
#define FP_EXIT_USER 2
/*@ ghost int fp_exit; */
/*@ ghost user_context_t *fp_exit_ctx; */

/*@ assigns fp_exit, fp_exit_ctx;
    ensures fp_exit == FP_EXIT_SLOW && fp_exit_ctx == ctx;
*/
void fp_slowpath(user_context_t *ctx) __asm__("c_handle_el0_sync");

/*@ assigns fp_exit, fp_exit_ctx;
    ensures fp_exit == FP_EXIT_USER && fp_exit_ctx == ctx;
*/
void fp_return_to_user(user_context_t *ctx) __asm__("arch_return_to_user");

/*@
  // The physical window (obj_ptr), typed, abstract as lookup_spec.h's l_obj: the endpoint at
  // physical address paddr.
  axiomatic FpWindow {
    logic endpoint_t *fp_ep_obj(integer paddr);
  }

  // FP-3 (Call) as a predicate of the cap.
  predicate fp_may_call(cap_t c) = l_type(c) == CAP_ENDPOINT && (FP_RIGHTS(c) & RIGHT_WRITE) != 0 &&
      (FP_RIGHTS(c) & (RIGHT_GRANT | RIGHT_GRANT_REPLY)) != 0;

  // What fastpath_call looks at, named from the state it starts in: the slot of cptr (FP-2),
  // its cap, the endpoint it names and the receiver at the head of its queue.
  logic cte_t *fp_slot{L}(uint64_t cptr) = cur_thread->cs_slots + fp2_index(cur_thread, cptr);
  logic cap_t fp_cap{L}(uint64_t cptr) = fp_slot(cptr)->cap;
  logic endpoint_t *fp_ep{L}(uint64_t cptr) = fp_ep_obj(l_paddr(fp_cap(cptr)));
  logic tcb_t *fp_dest{L}(uint64_t cptr) =
      (tcb_t *)(fp_ep(cptr)->head_state & 0xfffffffffffffffc);

  // FP-1..FP-7 for a Call, in the order fastpath_call tests them.
  predicate fp_call_checks{L}(uint64_t cptr, uint64_t msginfo) =
      (msginfo & 0x1ff) <= MSG_FAST_REGS &&
      fp2_first_level(cur_thread, cptr) &&
      fp_may_call(fp_cap(cptr)) &&
      (fp_ep(cptr)->head_state & 3) == EP_RECV &&
      fp_dest(cptr)->vs_gen == asid_generation &&
      (fp_dest(cptr)->priority >= cur_thread->priority ||
       fp_dest(cptr)->priority >= l_highest_ready) &&
      l_type(fp_dest(cptr)->slots[TCB_SLOT_CALLER].cap) == CAP_NULL;

  // The memory a Call reads, each object valid once the checks before it name it: the caller,
  // its decoded CSpace root (as lookup_first_level needs), the endpoint, the receiver.
  predicate fp_call_valid{L}(uint64_t cptr) =
      \valid(cur_thread) &&
      (\exists integer r; 0 <= r && r <= 63 && cur_thread->cs_mask == (1 << r) - 1) &&
      (cur_thread->cs_slots != \null ==>
           \valid_read(cur_thread->cs_slots + (0 .. cur_thread->cs_mask))) &&
      (fp2_first_level(cur_thread, cptr) && fp_may_call(fp_cap(cptr)) ==>
           \valid(fp_ep(cptr))) &&
      (fp2_first_level(cur_thread, cptr) && fp_may_call(fp_cap(cptr)) &&
       (fp_ep(cptr)->head_state & 3) == EP_RECV ==>
           \valid(fp_dest(cptr)) && \separated(fp_dest(cptr), &asid_generation));

  // What the commit writes, apart: the caller, the endpoint, the receiver and the receiver's
  // queue successor (if any).
  predicate fp_call_apart{L}(uint64_t cptr) =
      \separated(cur_thread, fp_ep(cptr), fp_dest(cptr)) &&
      (fp_dest(cptr)->ep_next != \null ==>
           \valid(fp_dest(cptr)->ep_next) &&
           \separated(fp_dest(cptr)->ep_next, fp_dest(cptr), cur_thread, fp_ep(cptr)));
*/

/* Trusted: obj_ptr as an endpoint pointer (kernel: physmap base + paddr; host tests: an arena).
 * fastpath_call_window.acsl reads fastpath.c's obj_ptr calls as this function (WP's Typed model
 * does not follow the void * result into endpoint_t *). */
/*@ assigns \nothing;
    ensures \result == fp_ep_obj(paddr);
*/
endpoint_t *fp_ep_window(uint64_t paddr);

/*@ assigns mmu_cur_ttbr0;
    ensures mmu_cur_ttbr0 == ttbr0;
*/
static inline void mmu_set_user_ttbr0(uint64_t ttbr0);

/*@ assigns fpu_state.enabled_for;
    ensures fpu_state.enabled_for == t;
*/
static inline __attribute__((always_inline)) void arch_fpu_set_enabled_for(const tcb_t *t);

/*@ assigns fpu_state.enabled_for;
    ensures t == fpu_state.owner ==> fpu_state.enabled_for == t;
    ensures t != fpu_state.owner ==> fpu_state.enabled_for == \null;
*/
static inline __attribute__((always_inline)) void arch_fpu_switch_to(const tcb_t *t);

/* The hand-over: message registers, dest Running and current, TTBR0 and FP ownership, exit. */
/*@ requires \valid_read(from) && \valid(dest);
    requires \separated(from, dest, &cur_thread, &mmu_cur_ttbr0, &fpu_state);
    requires \separated(dest, &cur_thread, &mmu_cur_ttbr0, &fpu_state);
    assigns dest->ctx.x[0 .. 5], dest->state, cur_thread, mmu_cur_ttbr0,
            fpu_state.enabled_for, fp_exit, fp_exit_ctx;
    ensures fp_exit == FP_EXIT_USER && fp_exit_ctx == &dest->ctx;
    ensures dest->state == TS_RUNNING && cur_thread == dest;
    ensures mmu_cur_ttbr0 == dest->vs_ttbr0;
    ensures dest == fpu_state.owner ==> fpu_state.enabled_for == dest;
    ensures dest != fpu_state.owner ==> fpu_state.enabled_for == \null;
    ensures dest->ctx.x[0] == badge && dest->ctx.x[1] == (msginfo & 0xfffffffffffff1ff);
    ensures \forall integer i; 2 <= i <= 5 && i < 2 + (msginfo & 0x7f) ==>
                dest->ctx.x[i] == from->x[i];
    ensures \forall integer i; 2 + (msginfo & 0x7f) <= i <= 5 ==>
                dest->ctx.x[i] == \old(dest->ctx.x[i]);
*/
static inline __attribute__((always_inline)) void switch_to(const user_context_t *from,
                                                            tcb_t *dest, uint64_t badge,
                                                            uint64_t msginfo);

/*@ requires fp_call_valid(cptr);
    assigns fp_exit, fp_exit_ctx,
            fp_ep(cptr)->head_state, fp_ep(cptr)->tail, fp_dest(cptr)->ep_next->ep_prev,
            cur_thread->restart_pc, cur_thread->state, cur_thread->slots[TCB_SLOT_REPLY].next,
            fp_dest(cptr)->slots[TCB_SLOT_CALLER], fp_dest(cptr)->ctx.x[0 .. 5],
            fp_dest(cptr)->state, cur_thread, mmu_cur_ttbr0, fpu_state.enabled_for;
    behavior slow:
      assumes !fp_call_checks(cptr, msginfo);
      assigns fp_exit, fp_exit_ctx;
      ensures fp_exit == FP_EXIT_SLOW && fp_exit_ctx == &cur_thread->ctx;
    behavior fast:
      assumes fp_call_checks(cptr, msginfo);
      requires fp_call_apart(cptr);
      ensures fp_exit == FP_EXIT_USER;
      ensures dequeued: \let e = fp_ep{Pre}(cptr); \let d = fp_dest{Pre}(cptr);
          \let n = \at(d->ep_next, Pre);
          n != \null ? e->head_state == ((uint64_t)n | EP_RECV) && n->ep_prev == \null
                     : e->head_state == EP_IDLE && e->tail == \null;
      ensures caller_blocked: \at(cur_thread, Pre)->state == TS_BLOCKED_ON_REPLY;
      // Not proved (z3 fails, cvc4 times out at 30 s; proofs-notes/proofs.md): restart_pc ==
      // old ctx.pc - 4, and the reply cap's word 0 == reply_w0 | blocking_can_grant << 52.
      ensures reply_cap_w1: fp_dest{Pre}(cptr)->slots[TCB_SLOT_CALLER].cap.w1 == 0;
      ensures reply_links: \let c = \at(cur_thread, Pre); \let d = fp_dest{Pre}(cptr);
          d->slots[TCB_SLOT_CALLER].prev == (uint64_t)&c->slots[TCB_SLOT_REPLY] &&
          d->slots[TCB_SLOT_CALLER].next == 0;
      ensures master_next: \let c = \at(cur_thread, Pre); \let d = fp_dest{Pre}(cptr);
          c->slots[TCB_SLOT_REPLY].next == ((uint64_t)&d->slots[TCB_SLOT_CALLER] | 1);
      ensures dest_runs: \let d = fp_dest{Pre}(cptr);
          cur_thread == d && d->state == TS_RUNNING && fp_exit_ctx == &d->ctx &&
          mmu_cur_ttbr0 == \at(d->vs_ttbr0, Pre);
      ensures badge_tag: \let d = fp_dest{Pre}(cptr);
          d->ctx.x[0] == fp_cap{Pre}(cptr).w1 && d->ctx.x[1] == (msginfo & 0xfffffffffffff1ff);
      ensures message: \let c = \at(cur_thread, Pre); \let d = fp_dest{Pre}(cptr);
          \forall integer i; 2 <= i <= 5 && i < 2 + (msginfo & 0x7f) ==>
              d->ctx.x[i] == \at(c->ctx.x[i], Pre);
    complete behaviors;
    disjoint behaviors;
*/
void fastpath_call(uint64_t cptr, uint64_t msginfo);
