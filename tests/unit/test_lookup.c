// SPDX-License-Identifier: BSD-2-Clause
// CSpace address resolution (ABI §11): hand-built CNodes, every failure kind, random CSpaces.

#include <keel/lookup.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "kobj.h"

static int setup(void **state)
{
    (void)state;
    kobj_reset();
    return 0;
}

static cap_t cnode_cap(const cte_t *slots, unsigned radix, unsigned guard_size, uint64_t guard)
{
    return cap_cnode(obj_paddr(slots), radix, guard_size, guard);
}

static cap_t some_endpoint(void)
{
    return cap_endpoint(obj_paddr(kobj_alloc(ENDPOINT_BITS)), 0, RIGHTS_ALL);
}

/* What one lookup_resolve call produced. */
typedef struct {
    bool ok;
    cte_t *slot;
    unsigned bits_left;
    lookup_fault_t lf;
} result_t;

static result_t resolve(cap_t root, uint64_t cptr, unsigned n)
{
    result_t r = { 0 };
    r.slot = (cte_t *)(uintptr_t)0xdeadbeef; /* must not be read on failure */
    r.bits_left = 0xdead;
    r.lf = (lookup_fault_t){ 0xdead, 0xdead, 0xdead, 0xdead };
    r.ok = lookup_resolve(root, cptr, n, &r.slot, &r.bits_left, &r.lf);
    return r;
}

static void expect_fault(result_t r, unsigned type, uint64_t left, uint64_t a, uint64_t b)
{
    assert_false(r.ok);
    assert_int_equal(r.lf.type, type);
    assert_int_equal(r.lf.bits_left, left);
    assert_int_equal(r.lf.a, a);
    assert_int_equal(r.lf.b, b);
}

static void expect_slot(result_t r, const cte_t *slot, unsigned left)
{
    assert_true(r.ok);
    assert_ptr_equal(r.slot, slot);
    assert_int_equal(r.bits_left, left);
}

/* sel4test's root CNode: radix 13, guard size 51, guard 0. */
static void test_root_radix13(void **state)
{
    (void)state;
    cte_t *root = kobj_cnode(13);
    cap_t rc = cnode_cap(root, 13, 51, 0);
    for (uint64_t c = 0; c < 8192; c++) {
        result_t r = resolve(rc, c, 64);
        expect_slot(r, &root[c], 0);
    }
    expect_fault(resolve(rc, 8192, 64), LF_GUARD_MISMATCH, 64, 0, 51);
    expect_fault(resolve(rc, ~0UL, 64), LF_GUARD_MISMATCH, 64, 0, 51);
    expect_fault(resolve(rc, 1UL << 63, 64), LF_GUARD_MISMATCH, 64, 0, 51);
}

/* Appendix A item 7: a Call on CPtr 0x1234 in a radix-12, guard-52 CSpace. */
static void test_appendix_a7(void **state)
{
    (void)state;
    cte_t *root = kobj_cnode(12);
    cap_t rc = cnode_cap(root, 12, 52, 0);
    result_t r = resolve(rc, 0x1234, 64);
    expect_fault(r, LF_GUARD_MISMATCH, 64, 0, 52);
    uint64_t words[4] = { 0 };
    assert_int_equal(lookup_fault_words(&r.lf, words), 4);
    assert_int_equal(words[0], 4);  /* GuardMismatch */
    assert_int_equal(words[1], 64); /* bits left */
    assert_int_equal(words[2], 0);  /* the CNode's guard */
    assert_int_equal(words[3], 52); /* its guard size */
    expect_slot(resolve(rc, 0xfff, 64), &root[0xfff], 0);
}

/*
 * Root: guard 0xA in 4 bits, radix 4. Slot 3 holds a CNode cap with guard size 48, guard
 * 0x123456789abc, radix 8: 4 + 4 + 48 + 8 = 64 bits.
 */
#define L2_GUARD 0x123456789abcUL
static void two_level(cte_t **root, cte_t **l2, cap_t *rc)
{
    *root = kobj_cnode(4);
    *l2 = kobj_cnode(8);
    *rc = cnode_cap(*root, 4, 4, 0xA);
    (*root)[3].cap = cnode_cap(*l2, 8, 48, L2_GUARD);
}

static void test_two_level_guards(void **state)
{
    (void)state;
    cte_t *root, *l2;
    cap_t rc;
    two_level(&root, &l2, &rc);
    uint64_t good = (0xAUL << 60) | (3UL << 56) | (L2_GUARD << 8) | 0x5c;
    expect_slot(resolve(rc, good, 64), &l2[0x5c], 0);
    /* Wrong root guard: nothing consumed yet. */
    expect_fault(resolve(rc, good ^ (1UL << 61), 64), LF_GUARD_MISMATCH, 64, 0xA, 4);
    /* Wrong second-level guard: 56 bits left, the second CNode's guard reported. */
    expect_fault(resolve(rc, good ^ (1UL << 30), 64), LF_GUARD_MISMATCH, 56, L2_GUARD, 48);
    expect_fault(resolve(rc, good ^ (1UL << 8), 64), LF_GUARD_MISMATCH, 56, L2_GUARD, 48);
    /* A different root slot that is empty: the walk stops there with 56 bits left. */
    uint64_t other = (0xAUL << 60) | (7UL << 56) | 0x1234;
    expect_slot(resolve(rc, other, 64), &root[7], 56);
    /* 8 bits only: the root slot is reached exactly. */
    expect_slot(resolve(rc, 0xA3, 8), &root[3], 0);
    /* 60 bits: the second level needs 56 but only 52 remain after the root. */
    expect_fault(resolve(rc, good >> 4, 60), LF_DEPTH_MISMATCH, 52, 56, 0);
    /* ... and with its guard wrong as well, the guard is reported first. */
    expect_fault(resolve(rc, (good >> 4) ^ (1UL << 20), 60), LF_GUARD_MISMATCH, 52, L2_GUARD, 48);
}

static void test_depth_mismatch(void **state)
{
    (void)state;
    cte_t *root = kobj_cnode(8), *l2 = kobj_cnode(8);
    cap_t rc = cnode_cap(root, 8, 0, 0);
    root[1].cap = cnode_cap(l2, 8, 50, 0);
    /* Second level wants 58 bits, 56 are left. */
    expect_fault(resolve(rc, 1UL << 56, 64), LF_DEPTH_MISMATCH, 56, 58, 0);
    /* The root wants 8 bits; 5 given. */
    expect_fault(resolve(rc, 1, 5), LF_DEPTH_MISMATCH, 5, 8, 0);
    expect_fault(resolve(rc, 0, 0), LF_DEPTH_MISMATCH, 0, 8, 0);
    uint64_t words[4] = { 0 };
    lookup_fault_t lf = { LF_DEPTH_MISMATCH, 56, 58, 0 };
    assert_int_equal(lookup_fault_words(&lf, words), 3);
    assert_int_equal(words[0], 3);
    assert_int_equal(words[1], 56);
    assert_int_equal(words[2], 58);
    /* A guard longer than the bits left is a GuardMismatch, checked before the depth. */
    cap_t g = cnode_cap(root, 8, 10, 0);
    expect_fault(resolve(g, 0, 9), LF_GUARD_MISMATCH, 9, 0, 10);
}

static void test_exact_depth(void **state)
{
    (void)state;
    cte_t *root = kobj_cnode(8), *l2 = kobj_cnode(6);
    cap_t rc = cnode_cap(root, 8, 0, 0);
    root[0x11].cap = cnode_cap(l2, 6, 2, 1);
    root[0x22].cap = some_endpoint();
    cte_t *slot = NULL;
    lookup_fault_t lf = { 0 };
    assert_true(lookup_slot_exact(rc, 0x22, 8, &slot, &lf));
    assert_ptr_equal(slot, &root[0x22]);
    /* 16 bits through the root into a non-CNode cap: 8 bits remain. */
    assert_false(lookup_slot_exact(rc, 0x2200, 16, &slot, &lf));
    assert_int_equal(lf.type, LF_DEPTH_MISMATCH);
    assert_int_equal(lf.bits_left, 8);
    assert_int_equal(lf.a, 0);
    assert_int_equal(lf.b, 0);
    /* Same through an empty slot. */
    assert_false(lookup_slot_exact(rc, 0x3300, 16, &slot, &lf));
    assert_int_equal(lf.type, LF_DEPTH_MISMATCH);
    assert_int_equal(lf.bits_left, 8);
    assert_int_equal(lf.a, 0);
    /* Through the second level: 8 + 2 (guard 01) + 6 bits. */
    assert_true(lookup_slot_exact(rc, (0x11UL << 8) | (1UL << 6) | 0x2a, 16, &slot, &lf));
    assert_ptr_equal(slot, &l2[0x2a]);
    /* 12 bits: the second level wants 8, 4 remain. */
    assert_false(lookup_slot_exact(rc, 0x114, 12, &slot, &lf));
    assert_int_equal(lf.type, LF_DEPTH_MISMATCH);
    assert_int_equal(lf.bits_left, 4);
    assert_int_equal(lf.a, 8);
    /* Wrong second-level guard at depth 16. */
    assert_false(lookup_slot_exact(rc, (0x11UL << 8) | (2UL << 6), 16, &slot, &lf));
    assert_int_equal(lf.type, LF_GUARD_MISMATCH);
    assert_int_equal(lf.bits_left, 8);
    assert_int_equal(lf.a, 1);
    assert_int_equal(lf.b, 2);
    /* depth 64 with 56 bits left at an endpoint. */
    assert_false(lookup_slot_exact(rc, 0x22UL << 56, 64, &slot, &lf));
    assert_int_equal(lf.type, LF_DEPTH_MISMATCH);
    assert_int_equal(lf.bits_left, 56);
}

static void test_invalid_root(void **state)
{
    (void)state;
    cap_t roots[] = { cap_null(), some_endpoint(), cap_irq_handler(3),
                      cap_untyped(KOBJ_PHYS_BASE, 12, false, 0) };
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
        result_t r = resolve(roots[i], 0, 64);
        expect_fault(r, LF_INVALID_ROOT, 0, 0, 0);
        uint64_t words[4] = { 9, 9, 9, 9 };
        assert_int_equal(lookup_fault_words(&r.lf, words), 1);
        assert_int_equal(words[0], 1);
        cte_t *slot;
        lookup_fault_t lf;
        assert_false(lookup_slot_exact(roots[i], 0, 8, &slot, &lf));
        assert_int_equal(lf.type, LF_INVALID_ROOT);
    }
    lookup_fault_t miss = { LF_MISSING_CAPABILITY, 39, 0, 0 };
    uint64_t words[4] = { 0 };
    assert_int_equal(lookup_fault_words(&miss, words), 2);
    assert_int_equal(words[0], 2);
    assert_int_equal(words[1], 39);
}

static void test_stops_at_non_cnode(void **state)
{
    (void)state;
    cte_t *root = kobj_cnode(8);
    cap_t rc = cnode_cap(root, 8, 0, 0);
    root[5].cap = some_endpoint();
    expect_slot(resolve(rc, 5UL << 56 | 0xffff, 64), &root[5], 56);
    expect_slot(resolve(rc, 6UL << 56, 64), &root[6], 56); /* empty slot: null cap */
    root[7].cap = cap_frame(KOBJ_PHYS_BASE, FRAME_4K, false, VM_READ_WRITE);
    expect_slot(resolve(rc, 7UL << 56, 64), &root[7], 56);
}

static void test_guard_sizes_0_and_63(void **state)
{
    (void)state;
    cte_t *a = kobj_cnode(8);
    cap_t ac = cnode_cap(a, 8, 0, 0);
    for (uint64_t c = 0; c < 256; c++) {
        expect_slot(resolve(ac, c, 8), &a[c], 0);
    }
    /* Radix 1, guard size 63: the whole 64-bit CPtr in one level. */
    cte_t *b = kobj_cnode(1);
    uint64_t g = 0x5a5a5a5a5a5a5a5aUL >> 1;
    cap_t bc = cnode_cap(b, 1, 63, g);
    expect_slot(resolve(bc, g << 1, 64), &b[0], 0);
    expect_slot(resolve(bc, (g << 1) | 1, 64), &b[1], 0);
    expect_fault(resolve(bc, (g << 1) ^ (1UL << 63), 64), LF_GUARD_MISMATCH, 64, g, 63);
    expect_fault(resolve(bc, (g << 1) ^ 2, 64), LF_GUARD_MISMATCH, 64, g, 63);
    /* All-ones guard. */
    cap_t ones = cnode_cap(b, 1, 63, ~0UL >> 1);
    expect_slot(resolve(ones, ~0UL, 64), &b[1], 0);
    expect_slot(resolve(ones, ~1UL, 64), &b[0], 0);
    expect_fault(resolve(ones, 0, 64), LF_GUARD_MISMATCH, 64, ~0UL >> 1, 63);
    /* 63 guard bits with only 63 bits to resolve: the guard fits, the radix does not. */
    expect_fault(resolve(ones, ~0UL >> 1, 63), LF_DEPTH_MISMATCH, 63, 64, 0);
}

static void test_radix1_n64_chain(void **state)
{
    (void)state;
    /* 64 CNodes of radix 1, no guard: each bit of the CPtr picks a slot, level by level. */
    cte_t *nodes[64];
    for (int i = 0; i < 64; i++) {
        nodes[i] = kobj_cnode(1);
    }
    for (int i = 0; i < 63; i++) {
        nodes[i][0].cap = cnode_cap(nodes[i + 1], 1, 0, 0);
        nodes[i][1].cap = cnode_cap(nodes[i + 1], 1, 0, 0);
    }
    cap_t rc = cnode_cap(nodes[0], 1, 0, 0);
    uint64_t c = 0x8000000000000001UL;
    expect_slot(resolve(rc, c, 64), &nodes[63][1], 0);
    expect_slot(resolve(rc, 0, 64), &nodes[63][0], 0);
    expect_slot(resolve(rc, 1, 10), &nodes[9][1], 0);
    /* A hole in the chain stops the walk with the remaining bits. */
    nodes[20][1].cap = cap_null();
    expect_slot(resolve(rc, ~0UL, 64), &nodes[20][1], 43);
}

static void test_lookup_cap_slot(void **state)
{
    (void)state;
    tcb_t *t = kobj_alloc(TCB_BITS);
    cte_t *root = kobj_cnode(12);
    t->slots[TCB_SLOT_CSPACE].cap = cnode_cap(root, 12, 52, 0);
    cte_t *slot = NULL;
    lookup_fault_t lf;
    assert_true(lookup_cap_slot(t, 0x123, &slot, &lf));
    assert_ptr_equal(slot, &root[0x123]);
    assert_false(lookup_cap_slot(t, 0x1234, &slot, &lf));
    assert_int_equal(lf.type, LF_GUARD_MISMATCH);
    t->slots[TCB_SLOT_CSPACE].cap = cap_null();
    assert_false(lookup_cap_slot(t, 0, &slot, &lf));
    assert_int_equal(lf.type, LF_INVALID_ROOT);
}

/* --- randomized: the kernel against a reference written from §11.2 ------------------------- */

/* Bits [n-1 : n-k] of c, one bit at a time (k <= n <= 64). */
static uint64_t ref_bits(uint64_t c, unsigned n, unsigned k)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < k; i++) {
        unsigned bit = n - 1 - i;
        v = (v << 1) | ((c >> bit) & 1);
    }
    return v;
}

typedef struct {
    cte_t *slots;
    unsigned radix;
} ref_node_t;

#define MAX_NODES 8
static ref_node_t nodes[MAX_NODES];
static unsigned nnodes;

/* The reference knows CNodes only by the table above, never through obj_ptr. */
static cte_t *ref_node_slots(cap_t c)
{
    for (unsigned i = 0; i < nnodes; i++) {
        if (obj_paddr(nodes[i].slots) == cap_paddr(c)) {
            assert_int_equal(nodes[i].radix, cap_cnode_radix(c));
            return nodes[i].slots;
        }
    }
    fail_msg("reference: a CNode cap names no CNode of this CSpace");
    return NULL;
}

static result_t ref_resolve(cap_t node, uint64_t c, unsigned n)
{
    result_t r = { 0 };
    if (cap_type(node) != CAP_CNODE) {
        r.lf = (lookup_fault_t){ LF_INVALID_ROOT, 0, 0, 0 };
        return r;
    }
    for (;;) {
        unsigned radix = cap_cnode_radix(node), g = cap_cnode_guard_size(node);
        uint64_t guard = cap_cnode_guard(node);
        unsigned level = radix + g;
        if (g > n || ref_bits(c, n, g) != guard) {
            r.lf = (lookup_fault_t){ LF_GUARD_MISMATCH, n, guard, g };
            return r;
        }
        /* level 0 (radix 0, no guard) would never consume a bit: Keel reports it as a
         * DepthMismatch; seL4 cannot make such a CNode. */
        if (level > n || level == 0) {
            r.lf = (lookup_fault_t){ LF_DEPTH_MISMATCH, n, level, 0 };
            return r;
        }
        cte_t *slot = &ref_node_slots(node)[ref_bits(c, n - g, radix)];
        if (level == n) {
            r.ok = true;
            r.slot = slot;
            r.bits_left = 0;
            return r;
        }
        n -= level;
        if (cap_type(slot->cap) != CAP_CNODE) {
            r.ok = true;
            r.slot = slot;
            r.bits_left = n;
            return r;
        }
        node = slot->cap;
    }
}

static uint64_t rand_guard(uint64_t *s, unsigned g)
{
    return g == 0 ? 0 : kt_rand64(s) & (~0UL >> (64 - g));
}

/* Guard sizes that make levels fill all 64 bits often, and sometimes overrun them. */
static unsigned rand_guard_size(uint64_t *s, unsigned radix)
{
    unsigned g;
    switch (kt_below(s, 4)) {
    case 0: g = 0; break;
    case 1: g = (unsigned)kt_below(s, 5); break;
    case 2: g = (unsigned)kt_below(s, 65 - radix); break;
    default: g = 64 - radix - (unsigned)kt_below(s, 3); break;
    }
    return g > 63 ? 63 : g; /* the cap's field is 6 bits */
}

static cap_t rand_cnode_cap(uint64_t *s, unsigned i)
{
    unsigned g = rand_guard_size(s, nodes[i].radix);
    return cnode_cap(nodes[i].slots, nodes[i].radix, g, rand_guard(s, g));
}

/* A CPtr that follows the CSpace for a while (matching guards), then random bits. */
static uint64_t guided_cptr(uint64_t *s, cap_t root, unsigned n)
{
    uint64_t c = kt_rand64(s);
    cap_t node = root;
    unsigned left = n;
    while (cap_type(node) == CAP_CNODE) {
        unsigned radix = cap_cnode_radix(node), g = cap_cnode_guard_size(node);
        if (radix + g > left || radix + g == 0) {
            break;
        }
        uint64_t idx = kt_below(s, 1UL << radix);
        uint64_t chunk = (cap_cnode_guard(node) << radix) | idx;
        unsigned shift = left - (radix + g);
        uint64_t mask = (radix + g == 64 ? ~0UL : (1UL << (radix + g)) - 1) << shift;
        c = (c & ~mask) | ((chunk << shift) & mask);
        left -= radix + g;
        node = ref_node_slots(node)[idx].cap;
    }
    if (kt_below(s, 4) == 0) {
        c ^= 1UL << kt_below(s, 64);
    }
    return c;
}

static void test_random_against_reference(void **state)
{
    (void)state;
    uint64_t s = kt_seed(0x6b65656c6c6f6f6bUL);
    unsigned lookups = 0, successes = 0, deep = 0;
    for (int space = 0; space < 400; space++) {
        kobj_reset();
        nnodes = 1 + (unsigned)kt_below(&s, MAX_NODES);
        for (unsigned i = 0; i < nnodes; i++) {
            nodes[i].radix = kt_below(&s, 8) == 0 ? 0 : 1 + (unsigned)kt_below(&s, 8);
            nodes[i].slots = kobj_cnode(nodes[i].radix);
        }
        for (unsigned i = 0; i < nnodes; i++) {
            for (uint64_t j = 0; j < (1UL << nodes[i].radix); j++) {
                uint64_t pick = kt_below(&s, 10);
                if (pick < 5) {
                    nodes[i].slots[j].cap = rand_cnode_cap(&s, (unsigned)kt_below(&s, nnodes));
                } else if (pick < 7) {
                    nodes[i].slots[j].cap = some_endpoint();
                }
            }
        }
        cap_t root = kt_below(&s, 50) == 0 ? some_endpoint() : rand_cnode_cap(&s, 0);
        for (int k = 0; k < 200; k++) {
            unsigned n = kt_below(&s, 3) == 0 ? (unsigned)kt_below(&s, 65) : 64;
            uint64_t c = kt_below(&s, 3) == 0 ? kt_rand64(&s)
                         : cap_type(root) == CAP_CNODE ? guided_cptr(&s, root, n)
                                                       : 0;
            result_t want = ref_resolve(root, c, n);
            result_t got = resolve(root, c, n);
            lookups++;
            if (got.ok != want.ok || (want.ok && (got.slot != want.slot ||
                                                  got.bits_left != want.bits_left)) ||
                (!want.ok && (got.lf.type != want.lf.type ||
                              got.lf.bits_left != want.lf.bits_left ||
                              got.lf.a != want.lf.a || got.lf.b != want.lf.b))) {
                fail_msg("space %d lookup %d: cptr %#lx n %u: kernel ok=%d type %u left %lu "
                         "a %lu b %lu, reference ok=%d type %u left %lu a %lu b %lu",
                         space, k, (unsigned long)c, n, got.ok, got.lf.type,
                         (unsigned long)got.lf.bits_left, (unsigned long)got.lf.a,
                         (unsigned long)got.lf.b, want.ok, want.lf.type,
                         (unsigned long)want.lf.bits_left, (unsigned long)want.lf.a,
                         (unsigned long)want.lf.b);
            }
            if (got.ok) {
                successes++;
                /* The slot lies inside one of this CSpace's CNodes. */
                bool inside = false;
                for (unsigned i = 0; i < nnodes; i++) {
                    inside |= got.slot >= nodes[i].slots &&
                               got.slot < nodes[i].slots + (1UL << nodes[i].radix);
                }
                assert_true(inside);
                deep += got.bits_left == 0 && n == 64;
            }
        }
    }
    printf("(%u lookups, %u resolved, %u resolved all 64 bits)\n", lookups, successes, deep);
    /* The generator must actually reach slots, or the comparison proves little. */
    assert_true(successes > lookups / 4);
    assert_true(deep > 100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_root_radix13, setup),
        cmocka_unit_test_setup(test_appendix_a7, setup),
        cmocka_unit_test_setup(test_two_level_guards, setup),
        cmocka_unit_test_setup(test_depth_mismatch, setup),
        cmocka_unit_test_setup(test_exact_depth, setup),
        cmocka_unit_test_setup(test_invalid_root, setup),
        cmocka_unit_test_setup(test_stops_at_non_cnode, setup),
        cmocka_unit_test_setup(test_guard_sizes_0_and_63, setup),
        cmocka_unit_test_setup(test_radix1_n64_chain, setup),
        cmocka_unit_test_setup(test_lookup_cap_slot, setup),
        cmocka_unit_test_setup(test_random_against_reference, setup),
    };
    return cmocka_run_group_tests_name("lookup", tests, NULL, NULL);
}
