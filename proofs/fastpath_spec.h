// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for the fastpath's precondition checks (FP-1, FP-2, FP-6 of fastpath.md).
#pragma once

#include "cap_spec.h"
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

  // FP-2: the index of cptr in the first level (the bits below the guard), and the condition
  // under which the first level alone decides the lookup: a decoded root, the guard bits
  // equal to the decoded guard, and either one level consumes all 64 bits (bit 8 of
  // cs_shift_single) or the slot found is not a CNode (a deeper walk would continue there).
  logic integer fp2_radix{L}(tcb_t *t) = l_radix(t->slots[TCB_SLOT_CSPACE].cap);
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

/* Written but NOT proved (lookup_first_level is not in the module's run): the slot-index bound
 * (bits & cs_mask) <= cs_mask, needed by the read of the slot and by the second ensures,
 * times out (z3/cvc4 at 10 s, also with the lemma fp_land_mask); proofs-notes/proofs.md.
 * The decoded root is readable: cs_mask = 2^radix - 1 and, when cs_slots is set, its
 * cs_mask + 1 slots are (INV-FP-2: cs_slots is the root CNode's slot array). */
/*@ requires \valid_read(t);
    requires 0 <= fp2_radix(t) && fp2_radix(t) <= 63 && t->cs_mask == (1 << fp2_radix(t)) - 1;
    requires t->cs_slots != \null ==> \valid_read(t->cs_slots + (0 .. t->cs_mask));
    assigns \nothing;
    ensures \result != \null <==> fp2_first_level(t, cptr);
    ensures \result != \null ==> \result == t->cs_slots + fp2_index(t, cptr) &&
                                 0 <= fp2_index(t, cptr) <= t->cs_mask;
*/
static inline __attribute__((always_inline)) cte_t *lookup_first_level(const tcb_t *t,
                                                                       uint64_t cptr);
