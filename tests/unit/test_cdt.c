// SPDX-License-Identifier: BSD-2-Clause
// The capability derivation tree: list surgery, parenthood rules (§13.8), and a random model check.

#include <keel/cdt.h>
#include <keel/derive.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kobj.h"

#define NSLOTS 256
static cte_t *pool;

static int setup(void **state)
{
    (void)state;
    kobj_reset();
    pool = kobj_cnode(8);
    return 0;
}

/* Fake physical addresses: the CDT never dereferences a cap's object. */
#define UT_BASE 0x80000000UL
#define EP_A    0x90000000UL
#define EP_B    0x90000010UL

/* A root cap with no parent: revocable and first of its kind, as boot makes them. */
static void put_root(cte_t *s, cap_t c)
{
    s->cap = c;
    s->prev = 1;
    s->next = 1;
}

/* Every non-empty slot of the pool: neighbours point back, empty slots are unlinked, and each
 * list reaches its end without a cycle. Returns the number of linked slots. */
static unsigned check_lists(void)
{
    unsigned linked = 0, reached = 0;
    for (unsigned i = 0; i < NSLOTS; i++) {
        cte_t *s = &pool[i];
        if (cap_is_null(s->cap)) {
            if (s->prev != 0 || s->next != 0) {
                fail_msg("empty slot %u still has links %#lx %#lx", i, (unsigned long)s->prev,
                         (unsigned long)s->next);
            }
            continue;
        }
        linked++;
        cte_t *p = cdt_prev(s), *n = cdt_next(s);
        if (p != NULL && (p < pool || p >= pool + NSLOTS || cdt_next(p) != s)) {
            fail_msg("slot %u: prev %p does not point back", i, (void *)p);
        }
        if (n != NULL && (n < pool || n >= pool + NSLOTS || cdt_prev(n) != s)) {
            fail_msg("slot %u: next %p does not point back", i, (void *)n);
        }
        if (p != NULL && cap_is_null(p->cap)) {
            fail_msg("slot %u: prev is empty", i);
        }
        if (n != NULL && cap_is_null(n->cap)) {
            fail_msg("slot %u: next is empty", i);
        }
        if (p == NULL) {
            for (const cte_t *x = s; x != NULL; x = cdt_next(x)) {
                if (++reached > NSLOTS) {
                    fail_msg("list from slot %u does not end", i);
                }
            }
        }
    }
    assert_int_equal(reached, linked);
    return linked;
}

static unsigned idx(const cte_t *s) { return (unsigned)(s - pool); }

static void test_insert_derived_links_and_flags(void **state)
{
    (void)state;
    cte_t *ep = &pool[0], *c1 = &pool[1], *c2 = &pool[2], *b = &pool[3], *bc = &pool[4];
    put_root(ep, cap_endpoint(EP_A, 0, RIGHTS_ALL));
    cdt_insert_derived(ep, c1, ep->cap);              /* plain copy */
    assert_false(cdt_revocable(c1));
    assert_false(cdt_first_badged(c1));
    cdt_insert_derived(ep, c2, ep->cap);              /* goes right after ep */
    assert_ptr_equal(cdt_next(ep), c2);
    assert_ptr_equal(cdt_next(c2), c1);
    assert_ptr_equal(cdt_prev(c1), c2);
    cdt_insert_derived(c1, b, cap_set_badge(c1->cap, 7)); /* badging Mint */
    assert_true(cdt_revocable(b));
    assert_true(cdt_first_badged(b));
    cdt_insert_derived(b, bc, b->cap);                /* copy of the badged cap */
    assert_false(cdt_revocable(bc));
    assert_false(cdt_first_badged(bc));
    assert_int_equal(check_lists(), 5);
    /* ep's flags were not touched by inserting after it. */
    assert_true(cdt_revocable(ep));
    assert_true(cdt_first_badged(ep));
    assert_ptr_equal(cdt_prev(ep), NULL);
    /* Order: ep c2 c1 b bc. */
    const cte_t *want[] = { ep, c2, c1, b, bc };
    const cte_t *x = ep;
    for (unsigned i = 0; i < 5; i++, x = cdt_next(x)) {
        assert_ptr_equal(x, want[i]);
    }
    assert_ptr_equal(x, NULL);
}

static void test_insert_new_and_untyped_copy(void **state)
{
    (void)state;
    cte_t *ut = &pool[10], *o1 = &pool[11], *o2 = &pool[12], *copy = &pool[13];
    put_root(ut, cap_untyped(UT_BASE, 16, false, 0));
    cdt_insert_new(ut, o1, cap_endpoint(UT_BASE, 0, RIGHTS_ALL));
    cdt_insert_new(ut, o2, cap_notification(UT_BASE + 0x20, 0, RIGHTS_ALL));
    assert_true(cdt_revocable(o1) && cdt_first_badged(o1));
    assert_true(cdt_revocable(o2) && cdt_first_badged(o2));
    assert_ptr_equal(cdt_next(ut), o2);
    assert_ptr_equal(cdt_next(o2), o1);
    assert_true(cdt_has_children(ut));
    assert_true(cdt_is_parent_of(ut, o1));
    assert_true(cdt_is_parent_of(ut, o2));
    assert_false(cdt_has_children(o1));
    check_lists();

    /* Copying an untyped without children: the copy is its child and the source is full. */
    cte_t *u2 = &pool[20];
    put_root(u2, cap_untyped(UT_BASE + 0x100000, 12, false, 0x100));
    cdt_insert_derived(u2, copy, u2->cap);
    assert_true(cdt_revocable(copy));
    assert_true(cdt_is_parent_of(u2, copy));
    assert_int_equal(cap_untyped_free_bytes_used(u2->cap), 1UL << 12);
    assert_int_equal(cap_untyped_free_bytes_used(copy->cap), 0x100);
    check_lists();
}

static void test_move_keeps_place_and_flags(void **state)
{
    (void)state;
    cte_t *ep = &pool[0], *b = &pool[1], *bc = &pool[2], *dest = &pool[30];
    put_root(ep, cap_endpoint(EP_A, 0, RIGHTS_ALL));
    cdt_insert_derived(ep, b, cap_set_badge(ep->cap, 9));
    cdt_insert_derived(b, bc, b->cap);
    cap_t moved = cap_set_rights(b->cap, RIGHT_READ);
    cdt_move(b, dest, moved);
    assert_true(cap_is_null(b->cap));
    assert_int_equal(b->prev, 0);
    assert_int_equal(b->next, 0);
    assert_memory_equal(&dest->cap, &moved, sizeof(cap_t));
    assert_true(cdt_revocable(dest));
    assert_true(cdt_first_badged(dest));
    assert_ptr_equal(cdt_next(ep), dest);
    assert_ptr_equal(cdt_prev(dest), ep);
    assert_ptr_equal(cdt_next(dest), bc);
    assert_ptr_equal(cdt_prev(bc), dest);
    assert_true(cdt_is_parent_of(dest, bc));
    check_lists();
    /* Moving the head and the tail of the list. */
    cdt_move(ep, &pool[31], ep->cap);
    assert_ptr_equal(cdt_prev(&pool[31]), NULL);
    assert_true(cdt_revocable(&pool[31]) && cdt_first_badged(&pool[31]));
    cdt_move(bc, &pool[32], bc->cap);
    assert_ptr_equal(cdt_next(&pool[32]), NULL);
    assert_false(cdt_revocable(&pool[32]) || cdt_first_badged(&pool[32]));
    assert_int_equal(check_lists(), 3);
}

/* Makes the list pool[0] -> pool[1] -> ... -> pool[n-1], each cap naming its own endpoint, with
 * alternating flag patterns so a swap that loses a flag shows. */
static void make_chain(unsigned n)
{
    memset(pool, 0, NSLOTS * sizeof(cte_t));
    for (unsigned i = 0; i < n; i++) {
        pool[i].cap = cap_endpoint(EP_A + 16 * i, i, RIGHTS_ALL);
        pool[i].prev = (i > 0 ? (uint64_t)&pool[i - 1] : 0) | (i % 2);
        pool[i].next = (i + 1 < n ? (uint64_t)&pool[i + 1] : 0) | ((i / 2) % 2);
    }
}

static void expect_order(const unsigned *order, unsigned n)
{
    const cte_t *x = &pool[order[0]];
    assert_ptr_equal(cdt_prev(x), NULL);
    for (unsigned i = 0; i < n; i++, x = cdt_next(x)) {
        if (x != &pool[order[i]]) {
            fail_msg("position %u: slot %u, want %u", i, x ? idx(x) : 999, order[i]);
        }
    }
    assert_ptr_equal(x, NULL);
    check_lists();
}

/* After swapping, each cap keeps its own flags and its badge (the cap moved with its flags). */
static void expect_flags_follow(unsigned slot, unsigned orig)
{
    assert_int_equal(cap_badge(pool[slot].cap), orig);
    assert_int_equal(cdt_revocable(&pool[slot]), orig % 2);
    assert_int_equal(cdt_first_badged(&pool[slot]), (orig / 2) % 2);
}

static void test_swap_adjacent(void **state)
{
    (void)state;
    make_chain(5);
    cdt_swap(&pool[1], pool[1].cap, &pool[2], pool[2].cap); /* a before b */
    expect_order((const unsigned[]){ 0, 2, 1, 3, 4 }, 5);
    expect_flags_follow(1, 2);
    expect_flags_follow(2, 1);
    make_chain(5);
    cdt_swap(&pool[3], pool[3].cap, &pool[2], pool[2].cap); /* b before a */
    expect_order((const unsigned[]){ 0, 1, 3, 2, 4 }, 5);
    expect_flags_follow(3, 2);
    expect_flags_follow(2, 3);
    make_chain(2);
    cdt_swap(&pool[0], pool[0].cap, &pool[1], pool[1].cap); /* the whole list */
    expect_order((const unsigned[]){ 1, 0 }, 2);
    make_chain(3);
    cdt_swap(&pool[2], pool[2].cap, &pool[1], pool[1].cap); /* tail */
    expect_order((const unsigned[]){ 0, 2, 1 }, 3);
}

static void test_swap_non_adjacent(void **state)
{
    (void)state;
    make_chain(6);
    cdt_swap(&pool[1], pool[1].cap, &pool[4], pool[4].cap);
    expect_order((const unsigned[]){ 0, 4, 2, 3, 1, 5 }, 6);
    expect_flags_follow(4, 1);
    expect_flags_follow(1, 4);
    make_chain(6);
    cdt_swap(&pool[0], pool[0].cap, &pool[5], pool[5].cap); /* head and tail */
    expect_order((const unsigned[]){ 5, 1, 2, 3, 4, 0 }, 6);
    make_chain(4);
    cdt_swap(&pool[0], pool[0].cap, &pool[2], pool[2].cap); /* one slot between */
    expect_order((const unsigned[]){ 2, 1, 0, 3 }, 4);
    expect_flags_follow(2, 0);
    expect_flags_follow(0, 2);
    /* Two separate lists: each slot changes list. */
    make_chain(3);
    put_root(&pool[40], cap_endpoint(EP_B + 0x1000, 40, RIGHTS_ALL));
    cdt_insert_derived(&pool[40], &pool[41], pool[40].cap);
    cdt_swap(&pool[1], pool[1].cap, &pool[41], pool[41].cap);
    assert_ptr_equal(cdt_next(&pool[0]), &pool[41]);
    assert_ptr_equal(cdt_next(&pool[41]), &pool[2]);
    assert_ptr_equal(cdt_next(&pool[40]), &pool[1]);
    assert_ptr_equal(cdt_next(&pool[1]), NULL);
    check_lists();
}

static void test_remove(void **state)
{
    (void)state;
    cte_t *ep = &pool[0], *b = &pool[1], *bc = &pool[2], *c = &pool[3];
    put_root(ep, cap_endpoint(EP_A, 0, RIGHTS_ALL));
    cdt_insert_derived(ep, c, ep->cap);
    cdt_insert_derived(ep, b, cap_set_badge(ep->cap, 5));
    cdt_insert_derived(b, bc, b->cap);          /* ep b bc c */
    assert_false(cdt_first_badged(bc));
    cdt_remove(b);
    assert_true(cap_is_null(b->cap));
    assert_int_equal(b->prev | b->next, 0);
    assert_ptr_equal(cdt_next(ep), bc);
    assert_ptr_equal(cdt_prev(bc), ep);
    /* The copy inherits "first badged": it is now the first cap with badge 5. */
    assert_true(cdt_first_badged(bc));
    assert_false(cdt_revocable(bc));
    assert_true(cdt_is_parent_of(ep, bc));
    check_lists();
    cdt_remove(ep);                              /* the head */
    assert_ptr_equal(cdt_prev(bc), NULL);
    cdt_remove(c);                               /* the tail */
    assert_ptr_equal(cdt_next(bc), NULL);
    assert_int_equal(check_lists(), 1);
    cdt_remove(bc);                              /* the last one */
    assert_int_equal(check_lists(), 0);
}

static void test_is_parent_of_endpoint_badges(void **state)
{
    (void)state;
    cte_t *o = &pool[0], *c = &pool[1], *b5 = &pool[2], *b5c = &pool[3], *b5b = &pool[4];
    cte_t *b6 = &pool[5], *other = &pool[6];
    put_root(o, cap_endpoint(EP_A, 0, RIGHTS_ALL));
    cdt_insert_derived(o, c, o->cap);
    cdt_insert_derived(o, b5, cap_set_badge(o->cap, 5));
    cdt_insert_derived(b5, b5c, b5->cap);
    cdt_insert_derived(o, b5b, cap_set_badge(o->cap, 5)); /* a second badge-5 original */
    cdt_insert_derived(o, b6, cap_set_badge(o->cap, 6));
    put_root(other, cap_endpoint(EP_B, 0, RIGHTS_ALL));
    /* The unbadged original is the parent of every cap to its endpoint, badged or not. */
    assert_true(cdt_is_parent_of(o, c));
    assert_true(cdt_is_parent_of(o, b5));
    assert_true(cdt_is_parent_of(o, b5c));
    assert_true(cdt_is_parent_of(o, b6));
    assert_false(cdt_is_parent_of(o, other));
    /* A badged original: only same-badge caps that are not themselves first-badged. */
    assert_true(cdt_is_parent_of(b5, b5c));
    assert_false(cdt_is_parent_of(b5, b5b));
    assert_false(cdt_is_parent_of(b5, b6));
    assert_false(cdt_is_parent_of(b5, c));
    /* Copies are never parents. */
    assert_false(cdt_is_parent_of(c, b5));
    assert_false(cdt_is_parent_of(b5c, b5c));
    /* List: o b6 b5b b5 b5c c. */
    assert_true(cdt_has_children(o));
    assert_false(cdt_has_children(b6));
    assert_false(cdt_has_children(b5b));
    assert_true(cdt_has_children(b5));
    assert_false(cdt_has_children(b5c));
    assert_false(cdt_has_children(c));
    /* Notifications follow the same rules. */
    cte_t *n = &pool[10], *nb = &pool[11], *nbc = &pool[12];
    put_root(n, cap_notification(EP_B + 0x100, 0, RIGHTS_ALL));
    cdt_insert_derived(n, nb, cap_set_badge(n->cap, 1));
    cdt_insert_derived(nb, nbc, nb->cap);
    assert_true(cdt_is_parent_of(n, nb));
    assert_true(cdt_is_parent_of(nb, nbc));
    assert_false(cdt_is_parent_of(nbc, nb));
    /* An endpoint is never the parent of a notification at the same address. */
    cte_t *ep2 = &pool[20];
    put_root(ep2, cap_endpoint(EP_B + 0x100, 0, RIGHTS_ALL));
    assert_false(cdt_is_parent_of(ep2, n));
    check_lists();
}

static void test_is_final(void **state)
{
    (void)state;
    cte_t *ut = &pool[0], *e1 = &pool[1], *e2 = &pool[2], *c = &pool[3], *f = &pool[4];
    cte_t *fc = &pool[5];
    put_root(ut, cap_untyped(UT_BASE, 16, false, 0));
    cdt_insert_new(ut, e1, cap_endpoint(UT_BASE, 0, RIGHTS_ALL));
    cdt_insert_new(ut, e2, cap_endpoint(UT_BASE + 0x10, 0, RIGHTS_ALL));
    assert_true(cdt_is_final(e1));
    assert_true(cdt_is_final(e2));
    assert_true(cdt_is_final(ut)); /* an untyped is never "the same object" as another cap */
    cdt_insert_derived(e1, c, e1->cap);
    assert_false(cdt_is_final(e1));
    assert_false(cdt_is_final(c));
    assert_true(cdt_is_final(e2)); /* neighbour of e1, but a different endpoint */
    cdt_remove(e1);
    assert_true(cdt_is_final(c));
    cdt_insert_new(ut, f, cap_frame(UT_BASE + 0x1000, FRAME_4K, false, VM_READ_WRITE));
    cap_t copy;
    assert_int_equal(cap_derive(f, f->cap, &copy).code, ERR_NONE);
    cdt_insert_derived(f, fc, copy);
    assert_false(cdt_is_final(f));
    assert_false(cdt_revocable(fc));
    assert_true(cdt_is_parent_of(f, fc));
    cdt_remove(f);
    assert_true(cdt_is_final(fc));
    check_lists();
}

/* --- randomized: 10 000 operations against a parent-pointer tree ------------------------------ */

typedef struct {
    int parent;       /* slot index, or -1 */
    bool revocable;   /* may have children */
} mnode_t;

static mnode_t model[NSLOTS];
static uint64_t rs;

/* §13.8 restated: which derived caps are originals that may have children. */
static bool model_revocable(cap_t derived, cap_t src)
{
    switch (cap_type(derived)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        return cap_badge(derived) != cap_badge(src);
    case CAP_UNTYPED:
        return true;
    default:
        return false;
    }
}

/* The same object, as §13.8's "refers to the same object": untypeds never are. */
static bool ref_same_object(cap_t a, cap_t b)
{
    if (cap_type(a) != cap_type(b) || cap_type(a) == CAP_UNTYPED) {
        return false;
    }
    if (cap_type(a) == CAP_FRAME) {
        return cap_paddr(a) == cap_paddr(b) && cap_frame_size(a) == cap_frame_size(b);
    }
    return cap_paddr(a) == cap_paddr(b);
}

static int random_slot(bool want_empty)
{
    for (int tries = 0; tries < 4 * NSLOTS; tries++) {
        int i = (int)kt_below(&rs, NSLOTS);
        if (cap_is_null(pool[i].cap) == want_empty) {
            return i;
        }
    }
    return -1;
}

static void op_retype(void)
{
    int u = -1;
    for (int tries = 0; tries < 64 && u < 0; tries++) {
        int i = random_slot(false);
        if (i >= 0 && cap_type(pool[i].cap) == CAP_UNTYPED) {
            u = i;
        }
    }
    int d = random_slot(true);
    if (u < 0 || d < 0) {
        return;
    }
    cap_t ut = pool[u].cap;
    uint64_t used = cap_untyped_free_bytes_used(ut), size = 1UL << cap_untyped_size_bits(ut);
    unsigned kind = (unsigned)kt_below(&rs, 4), bits;
    cap_t obj;
    switch (kind) {
    case 0: bits = ENDPOINT_BITS; break;
    case 1: bits = NOTIFICATION_BITS; break;
    case 2: bits = 12; break;                  /* a 4 KiB frame */
    default: bits = 8 + (unsigned)kt_below(&rs, 5); break; /* a smaller untyped */
    }
    uint64_t at = (used + (1UL << bits) - 1) & ~((1UL << bits) - 1);
    if (at + (1UL << bits) > size) {
        return;
    }
    uint64_t pa = cap_paddr(ut) + at;
    switch (kind) {
    case 0: obj = cap_endpoint(pa, 0, RIGHTS_ALL); break;
    case 1: obj = cap_notification(pa, 0, RIGHTS_ALL); break;
    case 2: obj = cap_frame(pa, FRAME_4K, false, VM_READ_WRITE); break;
    default: obj = cap_untyped(pa, bits, false, 0); break;
    }
    pool[u].cap = cap_untyped_set_used(ut, at + (1UL << bits));
    cdt_insert_new(&pool[u], &pool[d], obj);
    model[d] = (mnode_t){ u, true };
}

static void op_copy(void)
{
    int s = random_slot(false), d = random_slot(true);
    if (s < 0 || d < 0) {
        return;
    }
    cap_t c;
    if (cap_derive(&pool[s], pool[s].cap, &c).code != ERR_NONE || cap_is_null(c)) {
        return;
    }
    if ((cap_type(c) == CAP_ENDPOINT || cap_type(c) == CAP_NOTIFICATION) &&
        kt_below(&rs, 2) == 0) {
        c = cap_update_data(c, 1 + kt_below(&rs, 3), false); /* Mint with a badge */
        if (cap_is_null(c)) {
            return;
        }
    }
    bool rev = model_revocable(c, pool[s].cap);
    cdt_insert_derived(&pool[s], &pool[d], c);
    model[d] = (mnode_t){ model[s].revocable ? s : model[s].parent, rev };
}

static void rename_in_model(int from, int to)
{
    for (int i = 0; i < NSLOTS; i++) {
        if (model[i].parent == from) {
            model[i].parent = to;
        }
    }
}

static void op_move(void)
{
    int s = random_slot(false), d = random_slot(true);
    if (s < 0 || d < 0) {
        return;
    }
    cdt_move(&pool[s], &pool[d], pool[s].cap);
    model[d] = model[s];
    model[s] = (mnode_t){ -1, false };
    rename_in_model(s, d);
}

static void op_swap(void)
{
    int a = random_slot(false), b;
    if (a < 0) {
        return;
    }
    /* Half of the swaps are with the list neighbour, where the links interlock. */
    cte_t *n = kt_below(&rs, 2) ? cdt_next(&pool[a]) : NULL;
    b = n != NULL ? (int)idx(n) : random_slot(false);
    if (b < 0 || b == a) {
        return;
    }
    cdt_swap(&pool[a], pool[a].cap, &pool[b], pool[b].cap);
    mnode_t t = model[a];
    model[a] = model[b];
    model[b] = t;
    rename_in_model(a, -2);
    rename_in_model(b, a);
    rename_in_model(-2, b);
}

static void op_remove(void)
{
    int s = random_slot(false);
    /* The boot untypeds (2^20 and up) stay, or the tree would die out. */
    if (s < 0 ||
        (cap_type(pool[s].cap) == CAP_UNTYPED && cap_untyped_size_bits(pool[s].cap) >= 20)) {
        return;
    }
    cdt_remove(&pool[s]);
    rename_in_model(s, model[s].parent);
    model[s] = (mnode_t){ -1, false };
}

static bool desc_of[NSLOTS][NSLOTS]; /* [a][x]: x is a descendant of a in the model */
static unsigned ndesc[NSLOTS];

static void check_against_model(unsigned step, const char *op)
{
    check_lists();
    memset(desc_of, 0, sizeof(desc_of));
    memset(ndesc, 0, sizeof(ndesc));
    for (int j = 0; j < NSLOTS; j++) {
        if (!cap_is_null(pool[j].cap)) {
            for (int p = model[j].parent; p >= 0; p = model[p].parent) {
                desc_of[p][j] = true;
                ndesc[p]++;
            }
        } else if (model[j].parent != -1 || model[j].revocable) {
            fail_msg("step %u (%s): model has an entry for empty slot %d", step, op, j);
        }
    }
    for (int i = 0; i < NSLOTS; i++) {
        cte_t *s = &pool[i];
        if (cap_is_null(s->cap)) {
            continue;
        }
        if (cdt_revocable(s) != model[i].revocable) {
            fail_msg("step %u (%s): slot %d revocable %d, model %d", step, op, i,
                     cdt_revocable(s), model[i].revocable);
        }
        /* Descendants in the list: the run after s whose caps s is the parent of. */
        unsigned nlist = 0;
        if (model[i].revocable) {
            for (cte_t *x = cdt_next(s); x != NULL && cdt_is_parent_of(s, x); x = cdt_next(x)) {
                if (!desc_of[i][idx(x)]) {
                    fail_msg("step %u (%s): slot %u follows slot %d as its child in the list, "
                             "but is not its descendant in the model", step, op, idx(x), i);
                }
                nlist++;
            }
            if (nlist != ndesc[i]) {
                fail_msg("step %u (%s): slot %d has %u descendants in the list, %u in the model",
                         step, op, i, nlist, ndesc[i]);
            }
        }
        if (cdt_has_children(s) != (ndesc[i] > 0)) {
            fail_msg("step %u (%s): slot %d has_children %d, model has %u descendants", step, op,
                     i, cdt_has_children(s), ndesc[i]);
        }
    }
    /* Finality of a few slots per step (the full check is quadratic). */
    for (int k = 0; k < 8; k++) {
        int i = random_slot(false);
        if (i < 0) {
            break;
        }
        bool final = true;
        for (int j = 0; j < NSLOTS; j++) {
            if (j != i && !cap_is_null(pool[j].cap) && ref_same_object(pool[i].cap, pool[j].cap)) {
                final = false;
            }
        }
        if (cdt_is_final(&pool[i]) != final) {
            fail_msg("step %u (%s): slot %d is_final %d, want %d", step, op, i,
                     cdt_is_final(&pool[i]), final);
        }
    }
}

static void test_random_against_model(void **state)
{
    (void)state;
    rs = kt_seed(0xcd7cd7cd7UL);
    for (int i = 0; i < NSLOTS; i++) {
        model[i] = (mnode_t){ -1, false };
    }
    /* Three root untypeds, as boot hands them out. */
    for (int i = 0; i < 3; i++) {
        put_root(&pool[i], cap_untyped(UT_BASE + ((uint64_t)i << 24), 20 + i, false, 0));
        model[i] = (mnode_t){ -1, true };
    }
    static const struct { const char *name; void (*fn)(void); unsigned weight; } ops[] = {
        { "retype", op_retype, 4 }, { "copy", op_copy, 5 }, { "move", op_move, 2 },
        { "swap", op_swap, 3 },     { "remove", op_remove, 7 },
    };
    unsigned total = 0, done[5] = { 0 }, population = 0, deepest = 0;
    for (unsigned i = 0; i < 5; i++) {
        total += ops[i].weight;
    }
    for (unsigned step = 0; step < 10000; step++) {
        unsigned w = (unsigned)kt_below(&rs, total), k = 0;
        while (w >= ops[k].weight) {
            w -= ops[k++].weight;
        }
        ops[k].fn();
        done[k]++;
        check_against_model(step, ops[k].name);
        population += check_lists();
        for (int j = 0; j < NSLOTS; j++) {
            unsigned d = 0;
            for (int p = model[j].parent; p >= 0; p = model[p].parent) {
                d++;
            }
            deepest = d > deepest ? d : deepest;
        }
    }
    printf("(retype %u, copy %u, move %u, swap %u, remove %u; %u slots in use on average, "
           "tree depth up to %u)\n", done[0], done[1], done[2], done[3], done[4],
           population / 10000, deepest);
    /* The sequence must build real trees, or the comparison proves little. */
    assert_true(population / 10000 >= 20);
    assert_true(deepest >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_insert_derived_links_and_flags, setup),
        cmocka_unit_test_setup(test_insert_new_and_untyped_copy, setup),
        cmocka_unit_test_setup(test_move_keeps_place_and_flags, setup),
        cmocka_unit_test_setup(test_swap_adjacent, setup),
        cmocka_unit_test_setup(test_swap_non_adjacent, setup),
        cmocka_unit_test_setup(test_remove, setup),
        cmocka_unit_test_setup(test_is_parent_of_endpoint_badges, setup),
        cmocka_unit_test_setup(test_is_final, setup),
        cmocka_unit_test_setup(test_random_against_model, setup),
    };
    return cmocka_run_group_tests_name("cdt", tests, NULL, NULL);
}
