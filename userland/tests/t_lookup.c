// SPDX-License-Identifier: BSD-2-Clause
// Capability addressing tests (§11): multi-level CSpaces, guards, every lookup-failure kind.

#include "captest.h"

#define ALL KEEL_RIGHTS_ALL

// A two-level space: `r` is a copy of the root CNode cap with no guard (so 13 bits select a root
// slot and the rest of a CPtr goes on), `k` a 16-slot CNode and `kg` a copy of it minted into
// the root with guard 5 of 3 bits. Through r, slot i of k is ((kg << 3 | 5) << 4) | i, depth 20.
struct space {
    seL4_CPtr r, k, kg;
};

#define K_RADIX     4
#define K_GUARD     5
#define K_GUARDBITS 3
#define K_DEPTH     (ROOT_BITS + K_GUARDBITS + K_RADIX)

static seL4_Word k_index(const struct space *s, seL4_Word guard, seL4_Word i)
{
    return (((s->kg << K_GUARDBITS) | guard) << K_RADIX) | i;
}

static int make_space(struct space *s)
{
    s->r = slot_alloc();
    s->kg = slot_alloc();
    s->k = new_object(__FILE__, __LINE__, seL4_CapTableObject, K_RADIX);
    if (!s->r || !s->kg || !s->k) {
        return 0;
    }
    seL4_Error err = root_mint(s->r, ROOT, ALL, keel_cnode_capdata(0, 0));
    if (!check_ok(__FILE__, __LINE__, "mint the unguarded root", err)) {
        return 0;
    }
    err = root_mint(s->kg, s->k, ALL, keel_cnode_capdata(K_GUARD, K_GUARDBITS));
    return check_ok(__FILE__, __LINE__, "mint the guarded CNode", err);
}

#define MAKE_SPACE(s)          \
    do {                       \
        if (!make_space(&s)) { \
            return;            \
        }                      \
    } while (0)

static void t_two_level(void)
{
    struct space s;
    seL4_CPtr ep, back = slot_alloc(), empty = slot_alloc();
    MAKE_SPACE(s);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_OK(keel_cnode_copy(s.r, k_index(&s, K_GUARD, 9), K_DEPTH, ROOT, ep, D64, ALL));
    // Seen directly in k (radix 4, no guard) at index 9.
    CHECK_OK(keel_cnode_move(ROOT, back, D64, s.k, 9, K_RADIX));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
    // And back in through r, as the source this time.
    CHECK_OK(
        keel_cnode_move(s.kg, (K_GUARD << K_RADIX) | 12, K_GUARDBITS + K_RADIX, ROOT, back, D64));
    CHECK_OK(keel_cnode_move(ROOT, back, D64, s.r, k_index(&s, K_GUARD, 12), K_DEPTH));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
    // Through the guarded cap itself: 3 guard bits then 4 index bits.
    CHECK_OK(keel_cnode_copy(s.kg, (K_GUARD << K_RADIX) | 1, K_GUARDBITS + K_RADIX, ROOT, back, D64,
                             ALL));
    CHECK_OK(keel_cnode_delete(s.r, k_index(&s, K_GUARD, 1), K_DEPTH));
    CHECK_ERR(keel_cnode_move(ROOT, empty, D64, s.k, 1, K_RADIX), seL4_FailedLookup,
              FL_MISSING(1, K_RADIX));
    CHECK_TAG(empty, KEEL_CAP_NULL);
}

// Retype with the destination CNode found two levels down.
static void t_retype_two_level(void)
{
    struct space s;
    seL4_CPtr ut, back = slot_alloc();
    MAKE_SPACE(s);
    NEW_UT(ut, 12);
    // node_index names the slot holding the guarded cap (13 bits through r).
    CHECK_OK(keel_untyped_retype(ut, seL4_NotificationObject, 0, s.r, s.kg, ROOT_BITS, 2, 1));
    CHECK_OK(keel_cnode_move(ROOT, back, D64, s.k, 2, K_RADIX));
    CHECK_TAG(back, KEEL_CAP_NOTIFICATION);
}

// §11.2 GuardMismatch(bitsLeft, guardFound, bitsFound): the CNode's guard and guard size.
static void t_guard_mismatch(void)
{
    struct space s;
    seL4_CPtr ep, dst = slot_alloc();
    MAKE_SPACE(s);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_Word left = K_GUARDBITS + K_RADIX;
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, s.r, k_index(&s, 4, 9), K_DEPTH, ALL),
              seL4_FailedLookup, FL_GUARD(1, left, K_GUARD, K_GUARDBITS));
    CHECK_ERR(keel_cnode_copy(s.r, k_index(&s, 7, 9), K_DEPTH, ROOT, ep, D64, ALL),
              seL4_FailedLookup, FL_GUARD(0, left, K_GUARD, K_GUARDBITS));
    CHECK_ERR(keel_cnode_copy(s.kg, (0 << K_RADIX) | 3, left, ROOT, ep, D64, ALL),
              seL4_FailedLookup, FL_GUARD(0, left, K_GUARD, K_GUARDBITS));
    // Fewer bits left than the guard is long.
    CHECK_ERR(keel_cnode_delete(s.r, (s.kg << 2) | 2, ROOT_BITS + 2), seL4_FailedLookup,
              FL_GUARD(0, 2, K_GUARD, K_GUARDBITS));
    CHECK_ERR(keel_cnode_delete(s.kg, 1, 1), seL4_FailedLookup,
              FL_GUARD(0, 1, K_GUARD, K_GUARDBITS));
    // The root CNode's own 51-bit guard of zeros (§11.3).
    CHECK_ERR(keel_cnode_delete(ROOT, ep, ROOT_BITS), seL4_FailedLookup,
              FL_GUARD(0, ROOT_BITS, 0, ROOT_GUARD));
    CHECK_ERR(keel_cnode_delete(ROOT, (1UL << 63) | ep, D64), seL4_FailedLookup,
              FL_GUARD(0, 64, 0, ROOT_GUARD));
    CHECK_ERR(keel_cnode_delete(ROOT, 1UL << 59, 60), seL4_FailedLookup,
              FL_GUARD(0, 60, 0, ROOT_GUARD));
    CHECK_TAG(ep, KEEL_CAP_ENDPOINT);
}

// §11.2 DepthMismatch(bitsLeft, bitsFound): bitsFound is the guard + radix the CNode wanted;
// §11.3: bits left over at a non-CNode cap give DepthMismatch(bitsLeft, 0).
static void t_depth_mismatch(void)
{
    struct space s;
    seL4_CPtr ep, dst = slot_alloc();
    MAKE_SPACE(s);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_Word level = K_GUARDBITS + K_RADIX;
    // 5 bits left at k: the guard matches but radix 4 does not fit.
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, s.r, (((s.kg << 3) | K_GUARD) << 2) | 1,
                              ROOT_BITS + 5, ALL),
              seL4_FailedLookup, FL_DEPTH(1, 5, level));
    CHECK_ERR(keel_cnode_delete(s.r, (s.kg << 3) | K_GUARD, ROOT_BITS + 3), seL4_FailedLookup,
              FL_DEPTH(0, 3, level));
    // An endpoint reached with 4 bits to spare.
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, s.r, (ep << 4) | 3, ROOT_BITS + 4, ALL),
              seL4_FailedLookup, FL_DEPTH(1, 4, 0));
    // An empty slot is not a CNode either.
    CHECK_ERR(keel_cnode_delete(s.r, (dst << 1) | 1, ROOT_BITS + 1), seL4_FailedLookup,
              FL_DEPTH(0, 1, 0));
    // The root CNode with the guard consumed but fewer bits than its radix.
    CHECK_ERR(keel_cnode_delete(s.r, 1, 12), seL4_FailedLookup, FL_DEPTH(0, 12, ROOT_BITS));
    CHECK_ERR(keel_cnode_delete(ROOT, 0, 60), seL4_FailedLookup, FL_DEPTH(0, 60, 64));
    CHECK_TAG(dst, KEEL_CAP_NULL);
}

// A lookup that ends exactly at the slot of a CNode cap names that slot (it does not descend).
static void t_exact_depth_at_cnode(void)
{
    struct space s;
    seL4_CPtr dst = slot_alloc();
    MAKE_SPACE(s);
    CHECK_OK(keel_cnode_copy(ROOT, dst, D64, s.r, s.kg, ROOT_BITS, ALL));
    CHECK_TAG(dst, KEEL_CAP_CNODE);
    // The copy carries the guard: slot 0 of k through it is (5 << 4) | 0 at depth 7.
    CHECK_OK(keel_cnode_copy(dst, K_GUARD << K_RADIX, K_GUARDBITS + K_RADIX, ROOT, ROOT, D64, ALL));
    CHECK_OK(keel_cnode_delete(s.k, 0, K_RADIX));
}

// Three levels: a 4-slot CNode without guard inside k.
static void t_three_levels(void)
{
    struct space s;
    seL4_CPtr k2, ep, back = slot_alloc();
    MAKE_SPACE(s);
    NEW(k2, seL4_CapTableObject, 2);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_OK(keel_cnode_move(s.k, 3, K_RADIX, ROOT, k2, D64));
    seL4_Word idx = (k_index(&s, K_GUARD, 3) << 2) | 2;
    CHECK_OK(keel_cnode_copy(s.r, idx, K_DEPTH + 2, ROOT, ep, D64, ALL));
    CHECK_OK(keel_cnode_move(ROOT, back, D64, s.r, idx, K_DEPTH + 2));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
    // Stopping at k's slot 3 names the k2 cap itself.
    CHECK_OK(keel_cnode_copy(ROOT, k2, D64, s.r, k_index(&s, K_GUARD, 3), K_DEPTH, ALL));
    CHECK_TAG(k2, KEEL_CAP_CNODE);
    CHECK_ERR(keel_cnode_delete(s.r, (k_index(&s, K_GUARD, 3) << 1) | 1, K_DEPTH + 1),
              seL4_FailedLookup, FL_DEPTH(0, 1, 2));
}

// §4.3: guard bits above the guard size are dropped.
static void t_guard_masked(void)
{
    seL4_CPtr r = slot_alloc(), g = slot_alloc(), k, ep, back = slot_alloc();
    NEW(k, seL4_CapTableObject, K_RADIX);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_OK(root_mint(r, ROOT, ALL, 0));
    CHECK_OK(root_mint(g, k, ALL, keel_cnode_capdata(0x1D, 3))); // 0x1D & 7 = 5
    seL4_Word idx = (((g << 3) | 5) << K_RADIX) | 4;
    CHECK_OK(keel_cnode_copy(r, idx, K_DEPTH, ROOT, ep, D64, ALL));
    CHECK_OK(keel_cnode_move(ROOT, back, D64, k, 4, K_RADIX));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
}

// A root that is not a CNode: InvalidRoot, with the source flag of the lookup (§11.1).
static void t_invalid_root(void)
{
    seL4_CPtr tcb, ep, dst = slot_alloc();
    NEW(tcb, seL4_TCBObject, 0);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, tcb, ep, D64, ALL), seL4_FailedLookup,
              FL_INVALID_ROOT(1));
    CHECK_ERR(keel_cnode_move(ROOT, dst, D64, ep, 0, 1), seL4_FailedLookup, FL_INVALID_ROOT(1));
    CHECK_ERR(keel_irq_control_get(seL4_CapIRQControl, 100, tcb, dst, D64), seL4_FailedLookup,
              FL_INVALID_ROOT(0));
    CHECK_TAG(dst, KEEL_CAP_NULL);
}

const struct captest_test lookup_tests[] = {
    {301, "lookup_two_level", t_two_level},
    {302, "lookup_retype_two_level", t_retype_two_level},
    {303, "lookup_guard_mismatch", t_guard_mismatch},
    {304, "lookup_depth_mismatch", t_depth_mismatch},
    {305, "lookup_exact_depth_at_cnode", t_exact_depth_at_cnode},
    {306, "lookup_three_levels", t_three_levels},
    {307, "lookup_guard_masked", t_guard_masked},
    {308, "lookup_invalid_root", t_invalid_root},
};
const unsigned lookup_tests_count = ARRAY_LEN(lookup_tests);
