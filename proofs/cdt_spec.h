// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for kernel/core/cdt.c: insert, move and remove keep the tree's links symmetric.
#pragma once

#include "cap_spec.h"
#include <keel/cdt.h>

/*
 * A link word is a slot address with flags in its five low bits (INV-CAP-7: slots are 32-byte
 * aligned). l_prev/l_next decode a slot's links as cdt_prev/cdt_next do. The one fact about
 * link words the proofs need, link_decode, is bit arithmetic on 64-bit words with multi-bit
 * masks that neither z3 nor cvc4 (nor WP's bitwise tactics) finish here, so it is an axiom:
 * or-ing flags below bit 5 into an aligned address and masking them off again gives the
 * address back, and the flags read back unchanged. It is trusted; see proofs-notes/proofs.md.
 */
/*@
  logic cte_t *l_link(integer w) = (cte_t *)(w & 0xffffffffffffffe0);
  logic cte_t *l_prev{L}(cte_t *s) = l_link(s->prev);
  logic cte_t *l_next{L}(cte_t *s) = l_link(s->next);
  predicate l_revocable{L}(cte_t *s) = (s->prev & 1) != 0;
  predicate l_first_badged{L}(cte_t *s) = (s->next & 1) != 0;
  logic integer l_tcb_slot{L}(cte_t *s) = (s->prev >> 1) & 7;

  // A slot address (or NULL) fits a link word: a 64-bit address, 32-byte aligned (INV-CAP-7).
  predicate slot_aligned(cte_t *p) = 0 <= (uint64_t)p <= 0xffffffffffffffff &&
                                     ((uint64_t)p) % 32 == 0;

  // Each axiom is stated on the exact shape of a kernel expression (WP's simplifier orders the
  // operands of | and &, so a shape over integers would not match a pointer's).
  axiomatic LinkWords {
    axiom link_flags15: \forall cte_t *p, uint64_t w; slot_aligned(p) ==>
        ((((uint64_t)p) | (w & 15)) & 0xffffffffffffffe0) == (uint64_t)p &&
        ((((uint64_t)p) | (w & 15)) & 15) == (w & 15) &&
        ((((uint64_t)p) | (w & 15)) & 1) == (w & 1);
    axiom link_flags1: \forall cte_t *p, uint64_t w; slot_aligned(p) ==>
        ((((uint64_t)p) | (w & 1)) & 0xffffffffffffffe0) == (uint64_t)p &&
        ((((uint64_t)p) | (w & 1)) & 1) == (w & 1);
    axiom link_one: \forall cte_t *p; slot_aligned(p) ==>
        ((((uint64_t)p) | 1) & 0xffffffffffffffe0) == (uint64_t)p &&
        ((((uint64_t)p) | 1) & 15) == 1 && ((((uint64_t)p) | 1) & 1) == 1;
    axiom link_zero: \forall cte_t *p; slot_aligned(p) ==>
        (((uint64_t)p) & 0xffffffffffffffe0) == (uint64_t)p &&
        (((uint64_t)p) & 15) == 0 && (((uint64_t)p) & 1) == 0;
    // Setting bit 0 (first badged) leaves the address part of a link word alone.
    axiom link_set_bit0: \forall uint64_t w;
        ((w | 1) & 0xffffffffffffffe0) == (w & 0xffffffffffffffe0);
  }
*/

/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result == l_prev(s);
*/
static inline cte_t *cdt_prev(const cte_t *s);

/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result == l_next(s);
*/
static inline cte_t *cdt_next(const cte_t *s);

/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result <==> l_revocable(s);
*/
static inline bool cdt_revocable(const cte_t *s);

/*@ requires \valid_read(s);
    assigns \nothing;
    ensures \result <==> l_first_badged(s);
*/
static inline bool cdt_first_badged(const cte_t *s);

/*@ requires \valid(s) && slot_aligned(p);
    assigns s->prev;
    ensures l_prev(s) == p;
    ensures (s->prev & 15) == (\old(s->prev) & 15);
*/
static void set_prev(cte_t *s, cte_t *p);

/*@ requires \valid(s) && slot_aligned(n);
    assigns s->next;
    ensures l_next(s) == n;
    ensures (s->next & 1) == (\old(s->next) & 1);
*/
static void set_next(cte_t *s, cte_t *n);

/*
 * Inserting dest after src: src's old successor n (if any) follows dest. The links around dest
 * are symmetric afterwards (INV-CAP-1 locally) and the flags of src and n are kept.
 */
/*@ predicate insert_ok{L}(cte_t *src, cte_t *dest) =
      \valid(src) && \valid(dest) && \separated(src, dest) &&
      slot_aligned(src) && slot_aligned(dest) && slot_aligned(l_next(src)) &&
      (l_next(src) != \null ==> \valid(l_next(src)) && \separated(l_next(src), src, dest));

    predicate linked_after{L1, L2}(cte_t *src, cte_t *dest) =
      l_next{L2}(src) == dest && l_prev{L2}(dest) == src &&
      l_next{L2}(dest) == l_next{L1}(src) &&
      (\at(src->next, L2) & 1) == (\at(src->next, L1) & 1) &&
      (l_next{L1}(src) != \null ==>
          l_prev{L2}(l_next{L1}(src)) == dest &&
          (\at(l_next{L1}(src)->prev, L2) & 15) == (\at(l_next{L1}(src)->prev, L1) & 15));
*/

/*@ requires insert_ok(src, dest);
    assigns dest->cap, dest->prev, dest->next, src->next, l_next(src)->prev;
    ensures linked_after{Pre, Post}(src, dest);
    ensures dest->cap == cap;
    ensures (dest->prev & 15) == (revocable ? 1 : 0);
    ensures l_first_badged(dest) <==> first_badged;
*/
static inline void cdt_link_after(cte_t *src, cte_t *dest, cap_t cap, bool revocable,
                                  bool first_badged);

/*@ requires \valid(untyped);
    requires insert_ok(untyped, dest);
    assigns dest->cap, dest->prev, dest->next, untyped->next, l_next(untyped)->prev;
    ensures linked_after{Pre, Post}(untyped, dest);
    ensures dest->cap == cap;
    ensures (dest->prev & 15) == 1 && l_first_badged(dest);
*/
void cdt_insert_new(cte_t *untyped, cte_t *dest, cap_t cap);

/*@ assigns \nothing;
    ensures \result.w0 == c.w0 && \result.w1 == bytes >> 4;
*/
static inline cap_t cap_untyped_set_used(cap_t c, uint64_t bytes);

/*@ predicate l_cap_revocable(cap_t derived, cap_t src) =
      (l_type(derived) == CAP_ENDPOINT || l_type(derived) == CAP_NOTIFICATION) ?
          derived.w1 != src.w1 :
      l_type(derived) == CAP_IRQ_HANDLER ? l_type(src) == CAP_IRQ_CONTROL :
      l_type(derived) == CAP_UNTYPED;
*/

/*@ assigns \nothing;
    ensures \result <==> l_cap_revocable(derived, src);
*/
bool cdt_cap_revocable(cap_t derived, cap_t src);

/*@ requires insert_ok(src, dest);
    assigns dest->cap, dest->prev, dest->next, src->next, l_next(src)->prev, src->cap;
    ensures linked_after{Pre, Post}(src, dest);
    ensures dest->cap == cap;
    ensures l_cap_revocable(cap, \old(src->cap)) ==>
            (dest->prev & 15) == 1 && l_first_badged(dest);
    ensures !l_cap_revocable(cap, \old(src->cap)) ==>
            (dest->prev & 15) == 0 && !l_first_badged(dest);
    ensures l_type(\old(src->cap)) == CAP_UNTYPED && l_type(cap) == CAP_UNTYPED ==>
            src->cap.w0 == \old(src->cap.w0) &&
            src->cap.w1 == ((uint64_t)(1 << ((\old(src->cap.w0) >> 52) & 63))) >> 4;
    ensures !(l_type(\old(src->cap)) == CAP_UNTYPED && l_type(cap) == CAP_UNTYPED) ==>
            src->cap == \old(src->cap);
*/
void cdt_insert_derived(cte_t *src, cte_t *dest, cap_t cap);

/* --- move ------------------------------------------------------------------------------- */

/*
 * Moving src's cap (as cap) to dest: dest takes src's place in the list with src's link words
 * as they were (flags and TCB-slot mark included: the callers move only between CNode slots
 * and the caller slot, none of which carries a mark), src's neighbours now point at dest with
 * their flags kept, and src is emptied.
 */
/*@ predicate move_ok{L}(cte_t *src, cte_t *dest) =
      \valid(src) && \valid(dest) && \separated(src, dest) && slot_aligned(dest) &&
      (l_prev(src) != \null ==> \valid(l_prev(src)) && \separated(l_prev(src), src, dest)) &&
      (l_next(src) != \null ==> \valid(l_next(src)) && \separated(l_next(src), src, dest)) &&
      (l_prev(src) != \null && l_next(src) != \null ==> \separated(l_prev(src), l_next(src)));
*/

/*@ requires move_ok(src, dest);
    assigns dest->cap, dest->prev, dest->next, src->cap, src->prev, src->next,
            l_prev(src)->next, l_next(src)->prev;
    ensures moved: dest->cap == cap && dest->prev == \old(src->prev) &&
        dest->next == \old(src->next);
    ensures prev_repointed: \old(l_prev(src)) != \null ==>
        l_next(\old(l_prev(src))) == dest &&
        (\old(l_prev(src))->next & 1) == \old(l_prev(src)->next & 1);
    ensures next_repointed: \old(l_next(src)) != \null ==>
        l_prev(\old(l_next(src))) == dest &&
        (\old(l_next(src))->prev & 15) == \old(l_next(src)->prev & 15);
    ensures emptied: src->cap.w0 == 0 && src->cap.w1 == 0 && src->prev == 0 && src->next == 0;
*/
void cdt_move(cte_t *src, cte_t *dest, cap_t cap);

/* --- swap ------------------------------------------------------------------------------- */

/*
 * cdt_swap (Rotate with src == dest, and reduce_zombie's cycle break) is proved, like
 * cdt_remove, from static helpers: swap_words exchanges the two slots' caps and link words
 * (each slot keeps its TCB-slot mark), untangle turns a link that now names the slot itself
 * (the slots were adjacent) into one to the other slot, repoint_neighbours makes a slot's
 * neighbours point back at it.
 */

/*@ axiomatic SwapWords {
      // swap_words' new prev word for a: b's address and revocable bit, a's TCB-slot mark
      // (bits 3:1). Stated on the kernel's expression over the two slots' words (so that the
      // simplifier orders its operands as in the goals); trusted like LinkWords; test_cdt.c.
      axiom swap_prev_addr{L}: \forall cte_t *a, *b;
        (((b->prev & (uint64_t)~(b->prev & 14)) | (a->prev & 14)) & 0xffffffffffffffe0) ==
            (b->prev & 0xffffffffffffffe0);
      axiom swap_prev_flags{L}: \forall cte_t *a, *b;
        (((b->prev & (uint64_t)~(b->prev & 14)) | (a->prev & 14)) & 15) ==
            ((b->prev & 1) | (a->prev & 14));
    }
*/

/*@ requires \valid(a) && \valid(b) && \separated(a, b);
    assigns a->cap, a->prev, a->next, b->cap, b->prev, b->next;
    ensures sw_caps: a->cap == cb && b->cap == ca;
    ensures sw_prev: l_prev(a) == \old(l_prev(b)) && l_prev(b) == \old(l_prev(a));
    ensures sw_a_flags: (a->prev & 15) == ((\old(b->prev) & 1) | (\old(a->prev) & 14));
    ensures sw_b_flags: (b->prev & 15) == ((\old(a->prev) & 1) | (\old(b->prev) & 14));
    ensures sw_next: a->next == \old(b->next) && b->next == \old(a->next);
*/
static void swap_words(cte_t *a, cap_t ca, cte_t *b, cap_t cb);

/*@ requires \valid(s) && slot_aligned(other);
    assigns s->prev, s->next;
    ensures l_prev(s) == (\old(l_prev(s)) == s ? other : \old(l_prev(s)));
    ensures l_next(s) == (\old(l_next(s)) == s ? other : \old(l_next(s)));
    ensures (s->prev & 15) == \old(s->prev & 15) && (s->next & 1) == \old(s->next & 1);
*/
static void untangle(cte_t *s, cte_t *other);

/*@ predicate repoint_ok{L}(cte_t *s) =
      \valid(s) && slot_aligned(s) &&
      (l_prev(s) != \null ==> \valid(l_prev(s)) && \separated(l_prev(s), s)) &&
      (l_next(s) != \null ==> \valid(l_next(s)) && \separated(l_next(s), s)) &&
      (l_prev(s) != \null && l_next(s) != \null ==> \separated(l_prev(s), l_next(s)));
*/

/*@ requires repoint_ok(s);
    assigns l_prev(s)->next, l_next(s)->prev;
    ensures l_prev(s) != \null ==>
        l_next(l_prev(s)) == s && (l_prev(s)->next & 1) == \old(l_prev(s)->next & 1);
    ensures l_next(s) != \null ==>
        l_prev(l_next(s)) == s && (l_next(s)->prev & 15) == \old(l_next(s)->prev & 15);
    ensures rn_caps_kept: s->cap == \old(s->cap) &&
        (l_prev(s) != \null ==> l_prev(s)->cap == \old(l_prev(s)->cap)) &&
        (l_next(s) != \null ==> l_next(s)->cap == \old(l_next(s)->cap));
*/
static void repoint_neighbours(cte_t *s);

/*@ requires \valid(a) && \valid(b) && \separated(a, b) && slot_aligned(a) && slot_aligned(b);
    assigns a->cap, a->prev, a->next, b->cap, b->prev, b->next;
    ensures sl_caps: a->cap == cb && b->cap == ca;
    ensures sl_a: l_prev(a) == (\old(l_prev(b)) == a ? b : \old(l_prev(b))) &&
                  l_next(a) == (\old(l_next(b)) == a ? b : \old(l_next(b)));
    ensures sl_b: l_prev(b) == (\old(l_prev(a)) == b ? a : \old(l_prev(a))) &&
                  l_next(b) == (\old(l_next(a)) == b ? a : \old(l_next(a)));
    ensures sl_a_flags: (a->prev & 15) == ((\old(b->prev) & 1) | (\old(a->prev) & 14)) &&
        (a->next & 1) == \old(b->next & 1);
    ensures sl_b_flags: (b->prev & 15) == ((\old(a->prev) & 1) | (\old(b->prev) & 14)) &&
        (b->next & 1) == \old(a->next & 1);
*/
static void swap_links(cte_t *a, cap_t ca, cte_t *b, cap_t cb);

/*@ // a and b each have the other as neighbour or not, consistently; every neighbour is valid;
    // writing a neighbour's link word touches neither a's nor b's other words.
    predicate repoint_both_ok{L}(cte_t *a, cte_t *b) =
      \valid(a) && \valid(b) && \separated(a, b) && slot_aligned(a) && slot_aligned(b) &&
      l_prev(a) != a && l_next(a) != a && l_prev(b) != b && l_next(b) != b &&
      (l_prev(a) == b <==> l_next(b) == a) && (l_next(a) == b <==> l_prev(b) == a) &&
      (l_prev(a) != \null && l_prev(a) != b ==> \valid(l_prev(a)) && \separated(l_prev(a), a, b)) &&
      (l_next(a) != \null && l_next(a) != b ==> \valid(l_next(a)) && \separated(l_next(a), a, b)) &&
      (l_prev(b) != \null && l_prev(b) != a ==> \valid(l_prev(b)) && \separated(l_prev(b), a, b)) &&
      (l_next(b) != \null && l_next(b) != a ==> \valid(l_next(b)) && \separated(l_next(b), a, b)) &&
      (l_prev(a) != \null && l_next(a) != \null ==> \separated(l_prev(a), l_next(a))) &&
      (l_prev(b) != \null && l_next(b) != \null ==> \separated(l_prev(b), l_next(b))) &&
      (l_prev(a) != \null && l_prev(b) != \null ==> \separated(l_prev(a), l_prev(b))) &&
      (l_next(a) != \null && l_next(b) != \null ==> \separated(l_next(a), l_next(b))) &&
      (l_prev(a) != \null && l_next(b) != \null ==>
          l_prev(a) == l_next(b) || \separated(l_prev(a), l_next(b))) &&
      (l_next(a) != \null && l_prev(b) != \null ==>
          l_next(a) == l_prev(b) || \separated(l_next(a), l_prev(b)));
*/

/*@ requires repoint_both_ok(a, b);
    assigns l_prev(a)->next, l_next(a)->prev, l_prev(b)->next, l_next(b)->prev;
    ensures rb_a_prev: \old(l_prev(a)) != \null ==> l_next(\old(l_prev(a))) == a &&
        (\old(l_prev(a))->next & 1) == \old(l_prev(a)->next & 1);
    ensures rb_a_next: \old(l_next(a)) != \null ==> l_prev(\old(l_next(a))) == a &&
        (\old(l_next(a))->prev & 15) == \old(l_next(a)->prev & 15);
    ensures rb_b_prev: \old(l_prev(b)) != \null ==> l_next(\old(l_prev(b))) == b &&
        (\old(l_prev(b))->next & 1) == \old(l_prev(b)->next & 1);
    ensures rb_b_next: \old(l_next(b)) != \null ==> l_prev(\old(l_next(b))) == b &&
        (\old(l_next(b))->prev & 15) == \old(l_next(b)->prev & 15);
    ensures rb_a_kept: l_prev(a) == \old(l_prev(a)) && l_next(a) == \old(l_next(a)) &&
        (a->prev & 15) == \old(a->prev & 15) && (a->next & 1) == \old(a->next & 1);
    ensures rb_b_kept: l_prev(b) == \old(l_prev(b)) && l_next(b) == \old(l_next(b)) &&
        (b->prev & 15) == \old(b->prev & 15) && (b->next & 1) == \old(b->next & 1);
    ensures rb_a_cap_kept: a->cap == \old(a->cap);
    ensures rb_b_cap_kept: b->cap == \old(b->cap);
*/
static void repoint_both(cte_t *a, cte_t *b);

/*@ // x is a neighbour of a or b other than a and b themselves.
    predicate outer(cte_t *x, cte_t *a, cte_t *b) = x != \null && x != a && x != b;
    // Two such neighbours are one slot or apart.
    predicate same_or_apart(cte_t *x, cte_t *y) = x == y || \separated(x, y);

    predicate swap_ok{L}(cte_t *a, cte_t *b) =
      \valid(a) && \valid(b) && \separated(a, b) && slot_aligned(a) && slot_aligned(b) &&
      // no slot links to itself; INV-CAP-1 between a and b; no two-slot cycle
      l_prev(a) != a && l_next(a) != a && l_prev(b) != b && l_next(b) != b &&
      (l_next(a) == b <==> l_prev(b) == a) && (l_next(b) == a <==> l_prev(a) == b) &&
      !(l_next(a) == b && l_next(b) == a) &&
      // the other neighbours are valid and apart from a and b ...
      (outer(l_prev(a), a, b) ==> \valid(l_prev(a)) && \separated(l_prev(a), a, b)) &&
      (outer(l_next(a), a, b) ==> \valid(l_next(a)) && \separated(l_next(a), a, b)) &&
      (outer(l_prev(b), a, b) ==> \valid(l_prev(b)) && \separated(l_prev(b), a, b)) &&
      (outer(l_next(b), a, b) ==> \valid(l_next(b)) && \separated(l_next(b), a, b)) &&
      // ... and from each other, except that one slot may lie between a and b
      (outer(l_prev(a), a, b) && outer(l_prev(b), a, b) ==> \separated(l_prev(a), l_prev(b))) &&
      (outer(l_next(a), a, b) && outer(l_next(b), a, b) ==> \separated(l_next(a), l_next(b))) &&
      (outer(l_prev(a), a, b) && outer(l_next(a), a, b) ==> \separated(l_prev(a), l_next(a))) &&
      (outer(l_prev(b), a, b) && outer(l_next(b), a, b) ==> \separated(l_prev(b), l_next(b))) &&
      (outer(l_prev(a), a, b) && outer(l_next(b), a, b) ==> same_or_apart(l_prev(a), l_next(b))) &&
      (outer(l_prev(b), a, b) && outer(l_next(a), a, b) ==> same_or_apart(l_prev(b), l_next(a)));
*/

// Each cap moves to the other slot with its flags; each slot keeps its TCB-slot mark.
/*@ requires swap_ok(a, b);
    assigns a->cap, a->prev, a->next, b->cap, b->prev, b->next,
            l_prev(a)->next, l_next(a)->prev, l_prev(b)->next, l_next(b)->prev;
    ensures caps_swapped: a->cap == cb && b->cap == ca;
    ensures a_flags: (a->prev & 15) == ((\old(b->prev) & 1) | (\old(a->prev) & 14)) &&
        (a->next & 1) == \old(b->next & 1);
    ensures b_flags: (b->prev & 15) == ((\old(a->prev) & 1) | (\old(b->prev) & 14)) &&
        (b->next & 1) == \old(a->next & 1);
    ensures apart: \old(l_next(a)) != b && \old(l_next(b)) != a ==>
        l_prev(a) == \old(l_prev(b)) && l_next(a) == \old(l_next(b)) &&
        l_prev(b) == \old(l_prev(a)) && l_next(b) == \old(l_next(a));
    ensures a_before_b: \old(l_next(a)) == b ==>
        l_prev(b) == \old(l_prev(a)) && l_next(b) == a &&
        l_prev(a) == b && l_next(a) == \old(l_next(b));
    ensures b_before_a: \old(l_next(b)) == a ==>
        l_prev(a) == \old(l_prev(b)) && l_next(a) == b &&
        l_prev(b) == a && l_next(b) == \old(l_next(a));
    ensures prev_a_repointed: outer(\old(l_prev(a)), a, b) ==>
        l_next(\old(l_prev(a))) == b &&
        (\old(l_prev(a))->next & 1) == \old(l_prev(a)->next & 1);
    ensures next_a_repointed: outer(\old(l_next(a)), a, b) ==>
        l_prev(\old(l_next(a))) == b &&
        (\old(l_next(a))->prev & 15) == \old(l_next(a)->prev & 15);
    ensures prev_b_repointed: outer(\old(l_prev(b)), a, b) ==>
        l_next(\old(l_prev(b))) == a &&
        (\old(l_prev(b))->next & 1) == \old(l_prev(b)->next & 1);
    ensures next_b_repointed: outer(\old(l_next(b)), a, b) ==>
        l_prev(\old(l_next(b))) == a &&
        (\old(l_next(b))->prev & 15) == \old(l_next(b)->prev & 15);
*/
void cdt_swap(cte_t *a, cap_t ca, cte_t *b, cap_t cb);

/* --- remove ------------------------------------------------------------------------------- */

/*
 * cdt_remove is proved from small static helpers, each with its own contract (kernel/core/cdt.c
 * splits it so; gcc and clang inline them into the same instructions as before):
 * clear_tcb_copies (the TCB hook), unlink_neighbours (using pass_first_badged), empty_slot.
 * Every goal then has one step's context; the one-body version timed out. cap_null gets a
 * contract because a call without one lets WP assume it may write (and free) any memory.
 */

/*@ // The TCB whose slot s is, for a slot marked as a TCB slot (kernel: s - index, as a TCB).
    axiomatic TcbOfSlot { logic tcb_t *l_tcb_of(cte_t *s); }
    predicate tcb_fields_ok{L}(cte_t *s) =
      \valid(&l_tcb_of(s)->cs_slots) && \valid(&l_tcb_of(s)->vs_gen) &&
      \valid(&l_tcb_of(s)->ipcbuf) && \valid(&l_tcb_of(s)->ipcbuf_rw);
*/

/* Trusted (not proved: it turns a slot pointer into its TCB by a cast WP's typed memory model
 * does not follow): clearing the fastpath's decoded copies touches only these four fields. */
/*@ requires \valid_read(s) && l_tcb_slot(s) != 0 && tcb_fields_ok(s);
    assigns l_tcb_of(s)->cs_slots, l_tcb_of(s)->vs_gen, l_tcb_of(s)->ipcbuf,
            l_tcb_of(s)->ipcbuf_rw;
*/
void tcb_slot_cleared(cte_t *s);

/*@ requires \valid_read(s) && \valid(n) && \separated(s, n);
    assigns n->next;
    ensures l_next(n) == \old(l_next(n));
    ensures l_first_badged(s) ==> l_first_badged(n);
    ensures !l_first_badged(s) ==> n->next == \old(n->next);
*/
static void pass_first_badged(const cte_t *s, cte_t *n);

// s's neighbours, if any, are valid, aligned, and distinct from s and from each other.
/*@ predicate unlink_ok{L}(cte_t *s) =
      \valid(s) && slot_aligned(l_prev(s)) && slot_aligned(l_next(s)) &&
      (l_prev(s) != \null ==> \valid(l_prev(s)) && \separated(l_prev(s), s)) &&
      (l_next(s) != \null ==> \valid(l_next(s)) && \separated(l_next(s), s)) &&
      (l_prev(s) != \null && l_next(s) != \null ==> \separated(l_prev(s), l_next(s)));

    predicate unlinked{L1, L2}(cte_t *s) =
      (l_prev{L1}(s) != \null ==>
          l_next{L2}(l_prev{L1}(s)) == l_next{L1}(s) &&
          (\at(l_prev{L1}(s)->next, L2) & 1) == (\at(l_prev{L1}(s)->next, L1) & 1)) &&
      (l_next{L1}(s) != \null ==>
          l_prev{L2}(l_next{L1}(s)) == l_prev{L1}(s) &&
          (\at(l_next{L1}(s)->prev, L2) & 15) == (\at(l_next{L1}(s)->prev, L1) & 15) &&
          l_next{L2}(l_next{L1}(s)) == l_next{L1}(l_next{L1}(s))) &&
      (l_next{L1}(s) != \null && l_first_badged{L1}(s) ==>
          l_first_badged{L2}(l_next{L1}(s))) &&
      (l_next{L1}(s) != \null && !l_first_badged{L1}(s) ==>
          (l_first_badged{L2}(l_next{L1}(s)) <==> l_first_badged{L1}(l_next{L1}(s))));
*/

/*@ requires unlink_ok(s);
    assigns l_prev(s)->next, l_next(s)->prev, l_next(s)->next;
    ensures unlinked{Pre, Post}(s);
*/
static void unlink_neighbours(const cte_t *s);

/*@ predicate tcb_hook_ok{L}(cte_t *s) =
      l_tcb_slot(s) != 0 ==>
        tcb_fields_ok(s) &&
        \separated(&l_tcb_of(s)->vs_gen, s, l_prev(s), l_next(s)) &&
        \separated(&l_tcb_of(s)->ipcbuf_rw, s, l_prev(s), l_next(s)) &&
        \separated(&l_tcb_of(s)->cs_slots, s, l_prev(s), l_next(s)) &&
        \separated(&l_tcb_of(s)->ipcbuf, s, l_prev(s), l_next(s));
*/

// The TCB fields it may write are apart from s and its neighbours, whose link words it keeps
// (stated as ensures: for a slot that is not a TCB's, l_tcb_of(s) is unconstrained).
/*@ requires \valid(s) && tcb_hook_ok(s);
    assigns l_tcb_of(s)->cs_slots, l_tcb_of(s)->vs_gen, l_tcb_of(s)->ipcbuf,
            l_tcb_of(s)->ipcbuf_rw;
    ensures s->prev == \old(s->prev) && s->next == \old(s->next);
    ensures l_prev(s) != \null ==>
        l_prev(s)->next == \old(l_prev(s)->next) && l_prev(s)->prev == \old(l_prev(s)->prev) &&
        l_prev(s)->cap == \old(l_prev(s)->cap);
    ensures l_next(s) != \null ==>
        l_next(s)->prev == \old(l_next(s)->prev) && l_next(s)->next == \old(l_next(s)->next);
*/
static void clear_tcb_copies(cte_t *s);

/*@ assigns \nothing;
    ensures \result.w0 == 0 && \result.w1 == 0;
*/
static inline cap_t cap_null(void);

/*@ requires \valid(s);
    assigns s->cap, s->prev, s->next;
    ensures s->cap.w0 == 0 && s->cap.w1 == 0 && s->prev == 0 && s->next == 0;
*/
static void empty_slot(cte_t *s);

// Removing s: its neighbours are joined (flags kept, first-badged handed on), s is emptied.
/*@ requires unlink_ok(s) && tcb_hook_ok(s);
    assigns s->cap, s->prev, s->next, l_prev(s)->next, l_next(s)->prev, l_next(s)->next,
            l_tcb_of(s)->cs_slots, l_tcb_of(s)->vs_gen, l_tcb_of(s)->ipcbuf,
            l_tcb_of(s)->ipcbuf_rw;
    ensures prev_joined: \old(l_prev(s)) != \null ==>
        l_next(\old(l_prev(s))) == \old(l_next(s)) &&
        (\old(l_prev(s))->next & 1) == \old(l_prev(s)->next & 1);
    ensures next_joined: \old(l_next(s)) != \null ==>
        l_prev(\old(l_next(s))) == \old(l_prev(s)) &&
        (\old(l_next(s))->prev & 15) == \old(l_next(s)->prev & 15) &&
        l_next(\old(l_next(s))) == \old(l_next(l_next(s)));
    ensures badge_handed_on: \old(l_next(s)) != \null && \old(l_first_badged(s)) ==>
        l_first_badged(\old(l_next(s)));
    ensures badge_kept: \old(l_next(s)) != \null && !\old(l_first_badged(s)) ==>
        (l_first_badged(\old(l_next(s))) <==> \old(l_first_badged(l_next(s))));
    ensures emptied: s->cap.w0 == 0 && s->cap.w1 == 0 && s->prev == 0 && s->next == 0;
    ensures parent_kept: \old(l_prev(s)) != \null ==>
        \old(l_prev(s))->cap == \old(l_prev(s)->cap) &&
        \old(l_prev(s))->prev == \old(l_prev(s)->prev);
*/
void cdt_remove(cte_t *s);

/* --- the questions revoke and delete ask --------------------------------------------------- */

/*@ // cap.c's region and object comparisons, as opaque relations (they are defined in cap.c,
    // outside this translation unit; their contracts below are trusted).
    axiomatic CapRelations {
      predicate l_same_region(cap_t a, cap_t b);
      predicate l_same_object(cap_t a, cap_t b);
    }

    // b is a child of a (the next slot after a is a's child exactly when this holds).
    predicate cdt_parent{L}(cte_t *a, cte_t *b) =
      l_revocable(a) && l_same_region(a->cap, b->cap) &&
      ((l_type(a->cap) == CAP_ENDPOINT || l_type(a->cap) == CAP_NOTIFICATION) ==>
          (a->cap.w1 == 0 || (a->cap.w1 == b->cap.w1 && !l_first_badged(b))));
*/

/*@ assigns \nothing;
    ensures \result <==> l_same_region(a, b);
*/
bool cap_same_region(cap_t a, cap_t b);

/*@ assigns \nothing;
    ensures \result <==> l_same_object(a, b);
*/
bool cap_same_object(cap_t a, cap_t b);

/*@ requires \valid_read(a) && \valid_read(b);
    assigns \nothing;
    ensures \result <==> cdt_parent(a, b);
*/
bool cdt_is_parent_of(const cte_t *a, const cte_t *b);

/* Revoke deletes cdt_next(slot) while this holds: it names only a child of slot. */
/*@ requires \valid_read(s);
    requires l_next(s) != \null ==> \valid_read(l_next(s));
    assigns \nothing;
    ensures \result <==> l_next(s) != \null && cdt_parent(s, l_next(s));
*/
bool cdt_has_children(const cte_t *s);

/*@ requires \valid_read(s);
    requires l_prev(s) != \null ==> \valid_read(l_prev(s));
    requires l_next(s) != \null ==> \valid_read(l_next(s));
    assigns \nothing;
    ensures \result <==>
        !(l_prev(s) != \null && l_same_object(l_prev(s)->cap, s->cap)) &&
        (l_next(s) == \null || !l_same_object(s->cap, l_next(s)->cap));
*/
bool cdt_is_final(const cte_t *s);
