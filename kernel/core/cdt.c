// SPDX-License-Identifier: BSD-2-Clause
// Derivation tree as a depth-first list; parenthood is computed from caps, as seL4 does.
// Invariants: INV-CAP-1, -4, -7, INV-FP-2, INV-IPC-2, INV-MEM-1..4, INV-VS-7
//   (proofs-notes/README.md)
#include <keel/cdt.h>

static void set_prev(cte_t *s, cte_t *p) { s->prev = (uint64_t)p | (s->prev & CTE_PREV_FLAGS); }
static void set_next(cte_t *s, cte_t *n) { s->next = (uint64_t)n | (s->next & 1); }

/* The fastpath's decoded copies of a TCB's roots die with the slot's cap. */
void tcb_slot_cleared(cte_t *s)
{
    unsigned which = CTE_TCB_SLOT(s) - 1;
    tcb_t *t = (tcb_t *)(s - which);
    if (which == TCB_SLOT_CSPACE) {
        t->cs_slots = NULL;
    } else if (which == TCB_SLOT_VSPACE) {
        t->vs_gen = 0;
    } else if (which == TCB_SLOT_BUFFER) {
        t->ipcbuf = NULL;
        t->ipcbuf_rw = false;
    }
}

bool cdt_cap_revocable(cap_t derived, cap_t src)
{
    switch (cap_type(derived)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return cap_badge(derived) != cap_badge(src);
    case CAP_IRQ_HANDLER:
        return cap_type(src) == CAP_IRQ_CONTROL;
    case CAP_UNTYPED:
        return true;
    default:
        return false;
    }
}

bool cdt_is_parent_of(const cte_t *a, const cte_t *b)
{
    if (!cdt_revocable(a) || !cap_same_region(a->cap, b->cap)) {
        return false;
    }
    switch (cap_type(a->cap)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION: {
        uint64_t badge = cap_badge(a->cap);
        if (badge == 0) {
            return true;
        }
        return badge == cap_badge(b->cap) && !cdt_first_badged(b);
    }
    default:
        return true;
    }
}

bool cdt_has_children(const cte_t *s)
{
    const cte_t *n = cdt_next(s);
    return n != NULL && cdt_is_parent_of(s, n);
}

bool cdt_is_final(const cte_t *s)
{
    const cte_t *p = cdt_prev(s), *n = cdt_next(s);
    if (p != NULL && cap_same_object(p->cap, s->cap)) {
        return false;
    }
    return n == NULL || !cap_same_object(s->cap, n->cap);
}

void cdt_insert_derived(cte_t *src, cte_t *dest, cap_t cap)
{
    bool revocable = cdt_cap_revocable(cap, src->cap);
    cdt_link_after(src, dest, cap, revocable, revocable);
    /* A copied untyped must not be retyped through both caps: the source is marked full. */
    if (cap_type(src->cap) == CAP_UNTYPED && cap_type(cap) == CAP_UNTYPED) {
        src->cap = cap_untyped_set_used(src->cap, 1UL << cap_untyped_size_bits(src->cap));
    }
}

void cdt_insert_new(cte_t *untyped, cte_t *dest, cap_t cap)
{
    cdt_link_after(untyped, dest, cap, true, true);
}

void cdt_move(cte_t *src, cte_t *dest, cap_t cap)
{
    dest->cap = cap;
    dest->prev = src->prev;
    dest->next = src->next;
    cte_t *p = cdt_prev(src), *n = cdt_next(src);
    if (p != NULL) {
        set_next(p, dest);
    }
    if (n != NULL) {
        set_prev(n, dest);
    }
    src->cap = cap_null();
    src->prev = 0;
    src->next = 0;
}

/* Exchanges the caps and link words of a and b, except that each slot keeps its own TCB-slot
 * mark: it belongs to the slot, not to the cap. */
static void swap_words(cte_t *a, cap_t ca, cte_t *b, cap_t cb)
{
    const uint64_t marks = CTE_PREV_FLAGS & ~1UL;
    uint64_t mark_a = a->prev & marks, mark_b = b->prev & marks;
    uint64_t a_prev = (b->prev & ~mark_b) | mark_a, a_next = b->next;
    uint64_t b_prev = (a->prev & ~mark_a) | mark_b, b_next = a->next;
    a->cap = cb;
    b->cap = ca;
    a->prev = a_prev;
    a->next = a_next;
    b->prev = b_prev;
    b->next = b_next;
}

/* After swap_words, a link of s that names s itself named the other slot (they were adjacent). */
static void untangle(cte_t *s, cte_t *other)
{
    if (cdt_prev(s) == s) set_prev(s, other);
    if (cdt_next(s) == s) set_next(s, other);
}

/* s's neighbours point back at s. */
static void repoint_neighbours(cte_t *s)
{
    if (cdt_prev(s) != NULL) set_next(cdt_prev(s), s);
    if (cdt_next(s) != NULL) set_prev(cdt_next(s), s);
}

/* Swaps the link words; links between a and b themselves now name the other slot again. */
static void swap_links(cte_t *a, cap_t ca, cte_t *b, cap_t cb)
{
    swap_words(a, ca, b, cb);
    untangle(a, b);
    untangle(b, a);
}

static void repoint_both(cte_t *a, cte_t *b)
{
    repoint_neighbours(a);
    repoint_neighbours(b);
}

/* Swap the link words, then repoint the neighbours; adjacent slots need care because each is
 * the other's neighbour. Small steps so that each proof goal stays small (proofs/cdt_spec.h);
 * the compiler inlines them back into the same code. */
void cdt_swap(cte_t *a, cap_t ca, cte_t *b, cap_t cb)
{
    swap_links(a, ca, b, cb);
    repoint_both(a, b);
}

/* n takes s's place: if s was the first of its badge, n (a copy with the same badge) now is. */
static void pass_first_badged(const cte_t *s, cte_t *n)
{
    if (cdt_first_badged(s)) {
        n->next |= 1;
    }
}

/* Joins s's neighbours to each other; s's own link words are left for the caller to clear. */
static void unlink_neighbours(const cte_t *s)
{
    cte_t *p = cdt_prev(s), *n = cdt_next(s);
    if (p != NULL) {
        set_next(p, n);
    }
    if (n != NULL) {
        set_prev(n, p);
        pass_first_badged(s, n);
    }
}

/* In a TCB's own slot, the fastpath's decoded copies go with the cap. */
static void clear_tcb_copies(cte_t *s)
{
    if (CTE_TCB_SLOT(s) != 0) {
        tcb_slot_cleared(s);
    }
}

static void empty_slot(cte_t *s)
{
    s->cap = cap_null();
    s->prev = 0;
    s->next = 0;
}

/* Three small steps rather than one body so that each proof goal stays small (proofs/cdt_spec.h);
 * the compiler inlines them back into the same code. */
void cdt_remove(cte_t *s)
{
    clear_tcb_copies(s);
    unlink_neighbours(s);
    empty_slot(s);
}
