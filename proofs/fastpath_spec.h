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
