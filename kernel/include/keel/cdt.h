// SPDX-License-Identifier: BSD-2-Clause
// The capability derivation tree: who was derived from whom, for revoke and finality.
#pragma once

#include <keel/object.h>

static inline cte_t *cdt_prev(const cte_t *s) { return (cte_t *)(s->prev & ~31UL); }
static inline cte_t *cdt_next(const cte_t *s) { return (cte_t *)(s->next & ~31UL); }
static inline bool cdt_revocable(const cte_t *s) { return (s->prev & 1) != 0; }
static inline bool cdt_first_badged(const cte_t *s) { return (s->next & 1) != 0; }

/* Links dest (empty) right after src with cap and flags: the primitive under every insert. */
static inline void cdt_link_after(cte_t *src, cte_t *dest, cap_t cap, bool revocable,
                                  bool first_badged)
{
    cte_t *n = cdt_next(src);
    dest->cap = cap;
    dest->prev = (uint64_t)src | (revocable ? 1 : 0);
    dest->next = (uint64_t)n | (first_badged ? 1 : 0);
    if (n != NULL) {
        n->prev = (uint64_t)dest | (n->prev & CTE_PREV_FLAGS);
    }
    src->next = (uint64_t)dest | (src->next & 1);
}

/* A TCB's own slot was emptied or turned into a zombie (objects.c). */
void tcb_slot_cleared(cte_t *s);
/* Marks slot `which` of t as a TCB slot, after a cap was inserted there. */
static inline void cdt_mark_tcb_slot(tcb_t *t, unsigned which)
{
    t->slots[which].prev |= (uint64_t)(which + 1) << 1;
}

/* Would a cap derived from src into `derived` be revocable (may have children of its own)? */
bool cdt_cap_revocable(cap_t derived, cap_t src);
/* Is b a child of a (a must be revocable, same region, badge rules for endpoints)? */
bool cdt_is_parent_of(const cte_t *a, const cte_t *b);
bool cdt_has_children(const cte_t *s);
/* No other slot in the tree names the same object. */
bool cdt_is_final(const cte_t *s);

/* Puts cap into the empty slot dest as a child of src (Copy, Mint, IPC transfer). */
void cdt_insert_derived(cte_t *src, cte_t *dest, cap_t cap);
/* Puts the cap of a freshly retyped object into dest as a child of the untyped slot. */
void cdt_insert_new(cte_t *untyped, cte_t *dest, cap_t cap);
/* Moves src's cap (replaced by cap) to the empty slot dest, keeping its place in the tree. */
void cdt_move(cte_t *src, cte_t *dest, cap_t cap);
/* Exchanges two slots' caps and their places in the tree: a's cap (given as ca, possibly
 * updated) goes to b, b's (as cb) to a. */
void cdt_swap(cte_t *a, cap_t ca, cte_t *b, cap_t cb);
/* Unlinks the slot and empties it; its children become children of its parent. */
void cdt_remove(cte_t *s);
