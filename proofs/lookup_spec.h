// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for kernel/core/lookup.c: CSpace resolution never leaves a CNode (INV-CAP-5).
#pragma once

#include "cap_spec.h"
#include <keel/lookup.h>

/*
 * The physical window is abstract here: l_obj(p) is the first slot of the object at physical
 * address p. A CNode cap is "ok" when its 2^radix slots are readable memory, and the CSpace is
 * "closed" when every slot of an ok CNode that holds a CNode cap names an ok CNode. Both are the
 * capability invariants lookup relies on (every CNode cap names a live CNode of its radix,
 * INV-CAP-2/INV-MEM-3 in proofs-notes/cap.md); lookup itself neither creates nor checks them.
 */
/*@
  logic cte_t *l_obj(integer paddr);

  predicate cnode_ok{L}(cap_t c) =
      \valid_read(l_obj(l_paddr(c)) + (0 .. (1 << l_radix(c)) - 1));

  // A masked index is at most the mask (wp:range splits r into 64 constants, wp:bitrange
  // bounds each constant mask).
  lemma land_low_mask: \forall integer y, integer r; 0 <= y && 0 <= r && r <= 63 ==>
      (y & ((1 << r) - 1)) <= (1 << r) - 1;
  // Shifting a non-negative word right keeps it non-negative (wp:bitshift: a division).
  lemma lsr_nonneg: \forall integer x, integer k; 0 <= x && 0 <= k && k <= 63 ==> 0 <= (x >> k);

  predicate cspace_closed{L} =
      \forall cap_t c, integer i; cnode_ok(c) && 0 <= i < (1 << l_radix(c)) &&
          l_type(l_obj(l_paddr(c))[i].cap) == CAP_CNODE ==> cnode_ok(l_obj(l_paddr(c))[i].cap);
*/

/* Trusted: the definition of the physical window (kernel: physmap offset; tests: an arena). */
/*@ assigns \nothing;
    ensures \result == l_obj(l_paddr(c));
*/
static inline cte_t *cnode_slots(cap_t c);

/*@ assigns \nothing;
    ensures bits <= 63 ==> \result == (1 << bits) - 1;
    ensures bits >= 64 ==> \result == 0xffffffffffffffff;
*/
static uint64_t low_mask(unsigned bits);

/*@ requires n <= 64;
    requires \valid(slot) && \valid(bits_left) && \valid(lf);
    requires \separated(slot, bits_left, lf);
    requires l_type(root) == CAP_CNODE ==> cnode_ok(root);
    requires cspace_closed;
    assigns *slot, *bits_left, *lf;
    ensures \result ==> *bits_left < n;
    ensures found_readable: \result ==> \valid_read(*slot);
    ensures \result && *bits_left != 0 ==> l_type((*slot)->cap) != CAP_CNODE;
    ensures !\result ==> lf->type == LF_INVALID_ROOT || lf->type == LF_DEPTH_MISMATCH ||
                         lf->type == LF_GUARD_MISMATCH;
    ensures !\result ==> lf->bits_left <= n;
    ensures !\result && lf->type == LF_GUARD_MISMATCH ==> lf->b <= 63 && lf->b > lf->bits_left ||
            lf->b <= lf->bits_left;
*/
bool lookup_resolve(cap_t root, uint64_t cptr, unsigned n, cte_t **slot, unsigned *bits_left,
                    lookup_fault_t *lf);

/*@ requires \valid_read(t);
    requires \valid(slot) && \valid(lf) && \separated(slot, lf);
    requires l_type(t->slots[TCB_SLOT_CSPACE].cap) == CAP_CNODE ==>
             cnode_ok(t->slots[TCB_SLOT_CSPACE].cap);
    requires cspace_closed;
    assigns *slot, *lf;
    ensures found_readable: \result ==> \valid_read(*slot);
*/
bool lookup_cap_slot(const tcb_t *t, uint64_t cptr, cte_t **slot, lookup_fault_t *lf);

/*@ requires 1 <= depth <= 64;
    requires \valid(slot) && \valid(lf) && \separated(slot, lf);
    requires l_type(root) == CAP_CNODE ==> cnode_ok(root);
    requires cspace_closed;
    assigns *slot, *lf;
    ensures !\result ==> 1 <= lf->type <= 4;
    ensures found_readable: \result ==> \valid_read(*slot);
*/
bool lookup_slot_exact(cap_t root, uint64_t index, unsigned depth, cte_t **slot,
                       lookup_fault_t *lf);

/*@ requires \valid_read(lf) && \valid(out + (0 .. 3)) && \separated(lf, out + (0 .. 3));
    assigns out[0 .. 3];
    ensures 1 <= \result <= 4;
    ensures out[0] == lf->type;
*/
unsigned lookup_fault_words(const lookup_fault_t *lf, uint64_t out[4]);
