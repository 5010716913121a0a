// SPDX-License-Identifier: BSD-2-Clause
// CNode method tests (§8.5, §8.6, §13.8, §13.9): success paths, errors in order, CDT effects.

#include "captest.h"

#define ALL KEEL_RIGHTS_ALL

// §8.5 common part, for every CNode label: IllegalOperation outside 16..24, TruncatedMessage,
// RangeError(1, 64) for the depth, FailedLookup(0, ...) for the target slot.
static void t_common_errors(void)
{
    seL4_CPtr dst = slot_alloc();
    const seL4_CPtr caps[] = {ROOT, ROOT};
    const seL4_Word bad_labels[] = {0, 1, 2, 15, 25, 26, 29, 44, 47, 100};
    const seL4_Word ok_mr[] = {dst, D64, dst, D64, ALL, 0, dst, D64};
    for (unsigned i = 0; i < ARRAY_LEN(bad_labels); i++) {
        seL4_MessageInfo_t r = keel_invoke(ROOT, bad_labels[i], 8, 2, ok_mr, caps);
        CHECK(seL4_MessageInfo_get_label(r) == seL4_IllegalOperation &&
                  seL4_MessageInfo_get_length(r) == 0,
              "label %lu on a CNode: reply label %lu length %lu, expected IllegalOperation",
              bad_labels[i], seL4_MessageInfo_get_label(r), seL4_MessageInfo_get_length(r));
    }
    for (seL4_Word label = KEEL_INV_CNODE_REVOKE; label <= KEEL_INV_CNODE_SAVE_CALLER; label++) {
        const seL4_Word depth0[] = {dst, 0, dst, D64, ALL, 0, dst, D64};
        const seL4_Word depth65[] = {dst, 65, dst, D64, ALL, 0, dst, D64};
        const seL4_Word guard[] = {ROOT_SLOTS | dst, D64, dst, D64, ALL, 0, dst, D64};
        const seL4_Word shallow[] = {dst, ROOT_BITS, dst, D64, ALL, 0, dst, D64};
        seL4_MessageInfo_t r;
        r = keel_invoke(ROOT, label, 1, 2, ok_mr, caps);
        CHECK(seL4_MessageInfo_get_label(r) == seL4_TruncatedMessage,
              "label %lu, length 1: %s, expected TruncatedMessage", label,
              keel_error_name(seL4_MessageInfo_get_label(r)));
        r = keel_invoke(ROOT, label, 8, 2, depth0, caps);
        CHECK_ERR(seL4_MessageInfo_get_label(r), seL4_RangeError, 1, 64);
        r = keel_invoke(ROOT, label, 8, 2, depth65, caps);
        CHECK_ERR(seL4_MessageInfo_get_label(r), seL4_RangeError, 1, 64);
        r = keel_invoke(ROOT, label, 8, 2, guard, caps);
        CHECK_ERR(seL4_MessageInfo_get_label(r), seL4_FailedLookup, FL_GUARD(0, 64, 0, ROOT_GUARD));
        r = keel_invoke(ROOT, label, 8, 2, shallow, caps);
        CHECK_ERR(seL4_MessageInfo_get_label(r), seL4_FailedLookup,
                  FL_GUARD(0, ROOT_BITS, 0, ROOT_GUARD));
    }
    CHECK_TAG(dst, KEEL_CAP_NULL);
}

static void t_copy(void)
{
    seL4_CPtr ep, tcb, dst = slot_alloc_range(3);
    NEW(ep, seL4_EndpointObject, 0);
    NEW(tcb, seL4_TCBObject, 0);
    CHECK(dst, "no slots");
    CHECK_OK(root_copy(dst, ep, ALL));
    CHECK_EQ(keel_reply_info().words[0], 0);
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    CHECK_TAG(ep, KEEL_CAP_ENDPOINT);
    CHECK_OK(root_copy(dst + 1, tcb, 0));
    CHECK_TAG(dst + 1, KEEL_CAP_TCB);
    // A copy of a copy, with the rights argument ignored for TCBs.
    CHECK_OK(root_copy(dst + 2, dst + 1, KEEL_RIGHT_READ));
    CHECK_TAG(dst + 2, KEEL_CAP_TCB);
    // The copies are usable: the TCB copy accepts an invocation.
    CHECK_OK(keel_tcb_set_tls_base(dst + 2, 0x1000));
}

// §8.5 errors 1-7 of Copy in their order.
static void t_copy_errors(void)
{
    seL4_CPtr ep, ut, child, dst = slot_alloc(), full = slot_alloc(), empty = slot_alloc();
    NEW(ep, seL4_EndpointObject, 0);
    NEW_UT(ut, 12);
    child = slot_alloc();
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 0, child, 1));
    CHECK_OK(root_copy(full, ep, ALL));
    const seL4_CPtr caps[] = {ROOT};
    const seL4_Word four[] = {dst, D64, empty, D64};
    // 1: length < 4 or no cap.
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_COPY, 3, 1, four, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_COPY, 5, 0, four, caps)),
               seL4_TruncatedMessage);
    // 2: an occupied destination comes before any source problem.
    CHECK_ERR0(keel_cnode_copy(ROOT, full, D64, ROOT, empty, D64, ALL), seL4_DeleteFirst);
    CHECK_ERR0(keel_cnode_copy(ROOT, full, D64, ROOT, ROOT_SLOTS, D64, ALL), seL4_DeleteFirst);
    CHECK_ERR0(keel_cnode_copy(ROOT, full, D64, ROOT, ep, 0, ALL), seL4_DeleteFirst);
    // 3: source lookup, reported as source (MR0 = 1).
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, ROOT, ep, 0, ALL), seL4_RangeError, 1, 64);
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, ROOT, ep, 65, ALL), seL4_RangeError, 1, 64);
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, ROOT, ROOT_SLOTS | ep, D64, ALL), seL4_FailedLookup,
              FL_GUARD(1, 64, 0, ROOT_GUARD));
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, ROOT, ep, ROOT_BITS, ALL), seL4_FailedLookup,
              FL_GUARD(1, ROOT_BITS, 0, ROOT_GUARD));
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, ep, ep, D64, ALL), seL4_FailedLookup,
              FL_INVALID_ROOT(1));
    // 4: empty source.
    CHECK_ERR(keel_cnode_copy(ROOT, dst, D64, ROOT, empty, D64, ALL), seL4_FailedLookup,
              FL_MISSING(1, 64));
    // 5: the rights word is missing; but an empty source is found first.
    CHECK_ERR(seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_COPY, 4, 1, four, caps)),
              seL4_FailedLookup, FL_MISSING(1, 64));
    const seL4_Word four_ok[] = {dst, D64, ep, D64};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_COPY, 4, 1, four_ok, caps)),
        seL4_TruncatedMessage);
    // 6/7: derivation failures.
    CHECK_ERR0(root_copy(dst, seL4_CapIRQControl, ALL), seL4_IllegalOperation);
    CHECK_ERR0(root_copy(dst, ut, ALL), seL4_RevokeFirst);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_TAG(seL4_CapIRQControl, KEEL_CAP_IRQ_CONTROL);
}

// Mint: badges on endpoints and notifications (§8.6, §13.17).
static void t_mint_badge(void)
{
    seL4_CPtr ep, nt, dst = slot_alloc_range(8);
    NEW(ep, seL4_EndpointObject, 0);
    NEW(nt, seL4_NotificationObject, 0);
    CHECK(dst, "no slots");
    CHECK_OK(root_mint(dst, ep, ALL, 5));
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    CHECK_ERR0(root_mint(dst + 1, dst, ALL, 6), seL4_IllegalOperation);
    CHECK_ERR0(root_mint(dst + 1, dst, ALL, 0), seL4_IllegalOperation);
    CHECK_ERR0(root_mint(dst + 1, dst, ALL, 5), seL4_IllegalOperation);
    CHECK_TAG(dst + 1, KEEL_CAP_NULL);
    // A copy of the badged cap is fine, and is itself badged.
    CHECK_OK(root_copy(dst + 1, dst, ALL));
    CHECK_ERR0(root_mint(dst + 2, dst + 1, ALL, 7), seL4_IllegalOperation);
    // Badge 0 on an unbadged cap is a plain copy, which can still be badged later.
    CHECK_OK(root_mint(dst + 2, ep, ALL, 0));
    CHECK_OK(root_mint(dst + 3, dst + 2, ALL, ~0UL));
    CHECK_TAG(dst + 3, KEEL_CAP_ENDPOINT);
    CHECK_OK(root_mint(dst + 4, nt, ALL, 0x80));
    CHECK_ERR0(root_mint(dst + 5, dst + 4, ALL, 0x81), seL4_IllegalOperation);
    CHECK_TAG(dst + 5, KEEL_CAP_NULL);
    // Mint needs 6 words; 5 is truncated (after the source lookup).
    const seL4_Word five[] = {dst + 5, D64, ep, D64, ALL};
    const seL4_CPtr caps[] = {ROOT};
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_MINT, 5, 1, five, caps)),
               seL4_TruncatedMessage);
    // Other types ignore the badge.
    seL4_CPtr tcb;
    NEW(tcb, seL4_TCBObject, 0);
    CHECK_OK(root_mint(dst + 5, tcb, ALL, 0x1234));
    CHECK_TAG(dst + 5, KEEL_CAP_TCB);
    CHECK_OK(root_mint(dst + 6, dst + 5, ALL, 0x99));
    CHECK_TAG(dst + 6, KEEL_CAP_TCB);
    // IRQControl cannot be derived (§13.8).
    CHECK_ERR0(root_mint(dst + 7, seL4_CapIRQControl, ALL, 0), seL4_IllegalOperation);
    CHECK_TAG(dst + 7, KEEL_CAP_NULL);
}

// Mint on CNode caps sets the guard; guardSize + radix > 64 gives a null cap (§4.3, §8.6).
static void t_mint_cnode_guard(void)
{
    seL4_CPtr cn, dst = slot_alloc_range(4);
    NEW(cn, seL4_CapTableObject, 4);
    CHECK(dst, "no slots");
    CHECK_ERR0(root_mint(dst, ROOT, ALL, keel_cnode_capdata(0, 52)), seL4_IllegalOperation);
    CHECK_ERR0(root_mint(dst, cn, ALL, keel_cnode_capdata(0, 61)), seL4_IllegalOperation);
    CHECK_ERR0(root_mint(dst, cn, ALL, keel_cnode_capdata(0, 63)), seL4_IllegalOperation);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_OK(root_mint(dst, ROOT, ALL, keel_cnode_capdata(0, ROOT_GUARD)));
    CHECK_OK(root_mint(dst + 1, cn, ALL, keel_cnode_capdata(0, 60)));
    CHECK_OK(root_mint(dst + 2, cn, ALL, keel_cnode_capdata(0x3f, 6)));
    CHECK_OK(root_mint(dst + 3, cn, ALL, 0));
    for (unsigned i = 0; i < 4; i++) {
        CHECK_TAG(dst + i, KEEL_CAP_CNODE);
    }
    // The minted root copy (guard 51, radix 13) resolves CPtrs exactly like slot 2.
    CHECK_OK(keel_cnode_delete(dst, dst + 3, D64));
    CHECK_TAG(dst + 3, KEEL_CAP_NULL);
}

static void t_move(void)
{
    seL4_CPtr ep, dst = slot_alloc_range(3), empty = slot_alloc();
    NEW(ep, seL4_EndpointObject, 0);
    CHECK(dst, "no slots");
    CHECK_OK(root_move(dst, ep));
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    CHECK_TAG(ep, KEEL_CAP_NULL);
    CHECK_ERR(root_move(dst + 1, ep), seL4_FailedLookup, FL_MISSING(1, 64));
    CHECK_OK(root_copy(dst + 1, dst, ALL));
    CHECK_ERR0(root_move(dst + 1, dst), seL4_DeleteFirst);
    CHECK_ERR0(root_move(dst, dst), seL4_DeleteFirst);
    CHECK_ERR(root_move(empty, empty), seL4_FailedLookup, FL_MISSING(1, 64));
    const seL4_Word three[] = {dst + 2, D64, dst, D64};
    const seL4_CPtr caps[] = {ROOT};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_MOVE, 3, 1, three, caps)),
        seL4_TruncatedMessage);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_MOVE, 4, 0, three, caps)),
        seL4_TruncatedMessage);
    // Caps that cannot be copied can still be moved (§13.8): IRQControl out and back.
    CHECK_OK(root_move(dst + 2, seL4_CapIRQControl));
    CHECK_TAG(dst + 2, KEEL_CAP_IRQ_CONTROL);
    CHECK_TAG(seL4_CapIRQControl, KEEL_CAP_NULL);
    CHECK_OK(root_move(seL4_CapIRQControl, dst + 2));
    CHECK_TAG(seL4_CapIRQControl, KEEL_CAP_IRQ_CONTROL);
    CHECK_TAG(dst + 2, KEEL_CAP_NULL);
}

static void t_mutate(void)
{
    seL4_CPtr ep, nt, tcb, cn, dst = slot_alloc_range(4);
    NEW(ep, seL4_EndpointObject, 0);
    NEW(nt, seL4_NotificationObject, 0);
    NEW(tcb, seL4_TCBObject, 0);
    NEW(cn, seL4_CapTableObject, 3);
    CHECK(dst, "no slots");
    // Any Mutate of an endpoint or notification fails, even with data 0, and leaves it in place.
    CHECK_ERR0(root_mutate(dst, ep, 0), seL4_IllegalOperation);
    CHECK_ERR0(root_mutate(dst, ep, 5), seL4_IllegalOperation);
    CHECK_ERR0(root_mutate(dst, nt, 0), seL4_IllegalOperation);
    CHECK_TAG(ep, KEEL_CAP_ENDPOINT);
    CHECK_TAG(nt, KEEL_CAP_NOTIFICATION);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_OK(root_mutate(dst, tcb, 0xabc));
    CHECK_TAG(dst, KEEL_CAP_TCB);
    CHECK_TAG(tcb, KEEL_CAP_NULL);
    CHECK_ERR0(root_mutate(dst + 1, cn, keel_cnode_capdata(0, 62)), seL4_IllegalOperation);
    CHECK_TAG(cn, KEEL_CAP_CNODE);
    CHECK_OK(root_mutate(dst + 1, cn, keel_cnode_capdata(1, 2)));
    CHECK_TAG(dst + 1, KEEL_CAP_CNODE);
    CHECK_TAG(cn, KEEL_CAP_NULL);
    // The new guard is in force: slot 6 of the CNode is now index (1 << 3) | 6 at depth 5.
    CHECK_OK(keel_cnode_copy(dst + 1, (1 << 3) | 6, 5, ROOT, dst, D64, ALL));
    CHECK_OK(keel_cnode_move(ROOT, dst + 2, D64, dst + 1, (1 << 3) | 6, 5));
    CHECK_TAG(dst + 2, KEEL_CAP_TCB);
    const seL4_Word four[] = {dst + 3, D64, dst + 2, D64};
    const seL4_CPtr caps[] = {ROOT};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_MUTATE, 4, 1, four, caps)),
        seL4_TruncatedMessage);
    CHECK_ERR0(root_mutate(dst + 2, dst, 0), seL4_DeleteFirst);
}

// Rotate with source == destination swaps source and pivot.
static void t_rotate_swap(void)
{
    seL4_CPtr tcb, cn;
    NEW(tcb, seL4_TCBObject, 0);
    NEW(cn, seL4_CapTableObject, 1);
    CHECK_OK(keel_cnode_rotate(ROOT, tcb, D64, 0, ROOT, cn, D64, 0, ROOT, tcb, D64));
    CHECK_TAG(tcb, KEEL_CAP_CNODE);
    CHECK_TAG(cn, KEEL_CAP_TCB);
    CHECK_OK(keel_cnode_rotate(ROOT, cn, D64, 0, ROOT, tcb, D64, 0, ROOT, cn, D64));
    CHECK_TAG(tcb, KEEL_CAP_TCB);
    CHECK_TAG(cn, KEEL_CAP_CNODE);
}

// Rotate with three slots: pivot -> destination, source -> pivot.
static void t_rotate_three(void)
{
    seL4_CPtr tcb, frame, cn, dst = slot_alloc();
    NEW(tcb, seL4_TCBObject, 0);
    NEW(frame, seL4_ARM_SmallPageObject, 0);
    NEW(cn, seL4_CapTableObject, 2);
    CHECK_OK(keel_cnode_rotate(ROOT, dst, D64, 0, ROOT, frame, D64, 0, ROOT, tcb, D64));
    CHECK_TAG(dst, KEEL_CAP_FRAME);
    CHECK_TAG(frame, KEEL_CAP_TCB);
    CHECK_TAG(tcb, KEEL_CAP_NULL);
    // The badges are CNode cap data for CNode caps: rotate the CNode in with a new guard.
    CHECK_OK(keel_cnode_rotate(ROOT, tcb, D64, keel_cnode_capdata(2, 3), ROOT, cn, D64, 0, ROOT,
                               dst, D64));
    CHECK_TAG(tcb, KEEL_CAP_CNODE);
    CHECK_TAG(cn, KEEL_CAP_FRAME);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_OK(keel_cnode_copy(tcb, (2 << 2) | 1, 5, ROOT, frame, D64, ALL));
    CHECK_OK(keel_cnode_move(ROOT, dst, D64, tcb, (2 << 2) | 1, 5));
    CHECK_TAG(dst, KEEL_CAP_TCB);
}

static void t_rotate_errors(void)
{
    seL4_CPtr a, b, c, ep, nt, e1 = slot_alloc(), e2 = slot_alloc();
    NEW(a, seL4_TCBObject, 0);
    NEW(b, seL4_CapTableObject, 2);
    NEW(c, seL4_ARM_SmallPageObject, 0);
    NEW(ep, seL4_EndpointObject, 0);
    NEW(nt, seL4_NotificationObject, 0);
    // Truncated: 7 words, or one cap.
    const seL4_Word mr[] = {e1, D64, 0, b, D64, 0, a, D64};
    const seL4_CPtr caps[] = {ROOT, ROOT};
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_ROTATE, 7, 2, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(ROOT, KEEL_INV_CNODE_ROTATE, 8, 1, mr, caps)),
               seL4_TruncatedMessage);
    // Source lookup, then pivot lookup (both reported as source lookups).
    CHECK_ERR(
        keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, ROOT_SLOTS, D64, 0, ROOT, ROOT_SLOTS | 1, D64),
        seL4_FailedLookup, FL_GUARD(1, 64, 0, ROOT_GUARD));
    CHECK_ERR(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, ROOT_SLOTS, D64, 0, ROOT, a, D64),
              seL4_FailedLookup, FL_GUARD(1, 64, 0, ROOT_GUARD));
    CHECK_ERR(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, b, 0, 0, ROOT, a, D64), seL4_RangeError, 1,
              64);
    CHECK_ERR(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, b, D64, 0, ROOT, a, 65), seL4_RangeError, 1,
              64);
    CHECK_ERR(keel_cnode_rotate(ROOT, e1, D64, 0, ep, b, D64, 0, ROOT, a, D64), seL4_FailedLookup,
              FL_INVALID_ROOT(1));
    // Pivot equal to source or destination, even when all are empty.
    CHECK_ERR0(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, a, D64, 0, ROOT, a, D64),
               seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, e1, D64, 0, ROOT, a, D64),
               seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, e2, D64, 0, ROOT, e2, D64),
               seL4_IllegalOperation);
    // Occupied destination (source != destination), before the emptiness checks.
    CHECK_ERR0(keel_cnode_rotate(ROOT, c, D64, 0, ROOT, b, D64, 0, ROOT, a, D64), seL4_DeleteFirst);
    CHECK_ERR0(keel_cnode_rotate(ROOT, c, D64, 0, ROOT, e1, D64, 0, ROOT, e2, D64),
               seL4_DeleteFirst);
    // Empty source (MR0 = 1), then empty pivot (MR0 = 0).
    CHECK_ERR(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, e2, D64, 0, ROOT, e1, D64),
              seL4_FailedLookup, FL_MISSING(1, 64));
    CHECK_ERR(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, b, D64, 0, ROOT, e2, D64),
              seL4_FailedLookup, FL_MISSING(1, 64));
    CHECK_ERR(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, e2, D64, 0, ROOT, a, D64),
              seL4_FailedLookup, FL_MISSING(0, 64));
    // Endpoint and notification caps cannot be rotated (preserve semantics give a null cap).
    CHECK_ERR0(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, b, D64, 0, ROOT, ep, D64),
               seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, nt, D64, 0, ROOT, a, D64),
               seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_rotate(ROOT, ep, D64, 0, ROOT, b, D64, 0, ROOT, ep, D64),
               seL4_IllegalOperation);
    // Invalid CNode guard (63 + radix 2 > 64) for the cap moving pivot -> destination.
    CHECK_ERR0(
        keel_cnode_rotate(ROOT, e1, D64, keel_cnode_capdata(0, 63), ROOT, b, D64, 0, ROOT, a, D64),
        seL4_IllegalOperation);
    CHECK_ERR0(
        keel_cnode_rotate(ROOT, e1, D64, 0, ROOT, a, D64, keel_cnode_capdata(0, 63), ROOT, b, D64),
        seL4_IllegalOperation);
    // Nothing moved.
    CHECK_TAG(a, KEEL_CAP_TCB);
    CHECK_TAG(b, KEEL_CAP_CNODE);
    CHECK_TAG(c, KEEL_CAP_FRAME);
    CHECK_TAG(ep, KEEL_CAP_ENDPOINT);
    CHECK_TAG(nt, KEEL_CAP_NOTIFICATION);
    CHECK_TAG(e1, KEEL_CAP_NULL);
    CHECK_TAG(e2, KEEL_CAP_NULL);
}

static void t_delete(void)
{
    seL4_CPtr ep, copy = slot_alloc(), empty = slot_alloc();
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_OK(root_copy(copy, ep, ALL));
    CHECK_OK(root_delete(ep));
    CHECK_TAG(ep, KEEL_CAP_NULL);
    CHECK_TAG(copy, KEEL_CAP_ENDPOINT);
    CHECK_OK(root_delete(copy));
    CHECK_TAG(copy, KEEL_CAP_NULL);
    CHECK_OK(root_delete(empty));
    CHECK_OK(root_delete(empty));
    CHECK_OK(root_revoke(empty));
}

// Revoke of an untyped removes everything derived from it, copies of copies included.
static void t_revoke_untyped(void)
{
    seL4_CPtr ut, obj = slot_alloc_range(3), cp = slot_alloc_range(4);
    NEW_UT(ut, 14);
    CHECK(obj && cp, "no slots");
    CHECK_OK(root_retype(ut, seL4_TCBObject, 0, obj, 1));
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 0, obj + 1, 1));
    CHECK_OK(root_retype(ut, seL4_CapTableObject, 2, obj + 2, 1));
    CHECK_OK(root_copy(cp, obj, ALL));
    CHECK_OK(root_copy(cp + 1, cp, ALL));
    CHECK_OK(root_mint(cp + 2, obj + 1, ALL, 3));
    CHECK_OK(root_copy(cp + 3, cp + 2, ALL));
    CHECK_OK(root_revoke(ut));
    CHECK_TAG(ut, KEEL_CAP_UNTYPED);
    for (unsigned i = 0; i < 3; i++) {
        CHECK_TAG(obj + i, KEEL_CAP_NULL);
    }
    for (unsigned i = 0; i < 4; i++) {
        CHECK_TAG(cp + i, KEEL_CAP_NULL);
    }
    CHECK_OK(root_revoke(ut));
}

// A revoke with thousands of descendants (long-running and preemptible, §13.15) leaves nothing.
static void t_revoke_large_tree(void)
{
    seL4_CPtr ut, cn = slot_alloc_range(8), copies = slot_alloc_range(8), probe = slot_alloc();
    NEW_UT(ut, 17);
    CHECK(cn && copies, "no slots");
    CHECK_OK(root_retype(ut, seL4_CapTableObject, 8, cn, 8));
    for (unsigned i = 0; i < 8; i++) {
        if (i < 7) {
            CHECK_OK(keel_untyped_retype(ut, seL4_EndpointObject, 0, ROOT, cn + i, D64, 0, 256));
        }
        CHECK_OK(root_copy(copies + i, cn + i, ALL));
    }
    // Badged copies of some endpoints in the eighth CNode.
    for (unsigned i = 0; i < 256; i++) {
        CHECK_OK(keel_cnode_mint(cn + 7, i, 8, cn, i, 8, ALL, i + 1));
    }
    CHECK_OK(root_revoke(ut));
    for (unsigned i = 0; i < 8; i++) {
        CHECK_TAG(cn + i, KEEL_CAP_NULL);
        CHECK_TAG(copies + i, KEEL_CAP_NULL);
    }
    CHECK_OK(root_retype(ut, seL4_UntypedObject, 17, probe, 1));
}

// §13.8: Revoke on the unbadged original endpoint cap removes every badged derivative.
static void t_revoke_unbadged_endpoint(void)
{
    seL4_CPtr ep, s = slot_alloc_range(6);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK(s, "no slots");
    CHECK_OK(root_mint(s, ep, ALL, 5));        // badged original
    CHECK_OK(root_mint(s + 1, ep, ALL, 7));    // another badge
    CHECK_OK(root_copy(s + 2, ep, ALL));       // unbadged copy
    CHECK_OK(root_copy(s + 3, s, ALL));        // copy of the badge-5 cap
    CHECK_OK(root_mint(s + 4, s + 2, ALL, 9)); // badged from the unbadged copy
    CHECK_OK(root_copy(s + 5, s + 3, ALL));
    CHECK_OK(root_revoke(ep));
    CHECK_TAG(ep, KEEL_CAP_ENDPOINT);
    for (unsigned i = 0; i < 6; i++) {
        CHECK_TAG(s + i, KEEL_CAP_NULL);
    }
}

// §13.8: Revoke on a badged original only removes the copies with its badge.
static void t_revoke_badged_original(void)
{
    seL4_CPtr ep, s = slot_alloc_range(7);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK(s, "no slots");
    CHECK_OK(root_mint(s, ep, ALL, 5));     // B: the original being revoked
    CHECK_OK(root_copy(s + 1, s, ALL));     // copy of B
    CHECK_OK(root_copy(s + 2, s + 1, ALL)); // copy of the copy
    CHECK_OK(root_mint(s + 3, ep, ALL, 5)); // another original with the same badge
    CHECK_OK(root_copy(s + 4, s + 3, ALL)); // its copy
    CHECK_OK(root_mint(s + 5, ep, ALL, 6)); // different badge
    CHECK_OK(root_copy(s + 6, ep, ALL));    // unbadged copy
    CHECK_OK(root_revoke(s));
    CHECK_TAG(s, KEEL_CAP_ENDPOINT);
    CHECK_TAG(s + 1, KEEL_CAP_NULL);
    CHECK_TAG(s + 2, KEEL_CAP_NULL);
    CHECK_TAG(s + 3, KEEL_CAP_ENDPOINT);
    CHECK_TAG(s + 4, KEEL_CAP_ENDPOINT);
    CHECK_TAG(s + 5, KEEL_CAP_ENDPOINT);
    CHECK_TAG(s + 6, KEEL_CAP_ENDPOINT);
    CHECK_TAG(ep, KEEL_CAP_ENDPOINT);
    // Deleting a badged original does not hand its copies to its same-badge sibling.
    CHECK_OK(root_copy(s + 1, s, ALL));
    CHECK_OK(root_delete(s));
    CHECK_OK(root_revoke(s + 3));
    CHECK_TAG(s + 4, KEEL_CAP_NULL);
    CHECK_TAG(s + 1, KEEL_CAP_ENDPOINT);
    // The unbadged original still reaches all of them.
    CHECK_OK(root_revoke(ep));
    for (unsigned i = 0; i < 7; i++) {
        CHECK_TAG(s + i, KEEL_CAP_NULL);
    }
}

// Only original caps have CDT children: a copy of a TCB cap made from another copy is a child of
// the original, not of the intermediate copy (seL4's derivation tree: §13.8 "original" caps; a
// cap made by Copy from a non-original has the same parent as its source).
static void t_revoke_copy_keeps_siblings(void)
{
    seL4_CPtr tcb, s = slot_alloc_range(2);
    NEW(tcb, seL4_TCBObject, 0);
    CHECK(s, "no slots");
    CHECK_OK(root_copy(s, tcb, ALL));
    CHECK_OK(root_copy(s + 1, s, ALL));
    CHECK_OK(root_revoke(s));
    CHECK_TAG(s + 1, KEEL_CAP_TCB);
    CHECK_OK(root_revoke(tcb));
    CHECK_TAG(s, KEEL_CAP_NULL);
    CHECK_TAG(s + 1, KEEL_CAP_NULL);
    CHECK_TAG(tcb, KEEL_CAP_TCB);
}

// §13.8: Move, Mutate and Rotate keep the CDT position.
static void t_move_keeps_cdt_position(void)
{
    seL4_CPtr ut, s = slot_alloc_range(8);
    NEW_UT(ut, 14);
    CHECK(s, "no slots");
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 0, s, 1));
    CHECK_OK(root_copy(s + 1, s, ALL));
    CHECK_OK(root_move(s + 2, s + 1));
    CHECK_OK(root_move(s + 3, s)); // move the original too
    CHECK_OK(root_revoke(s + 3));
    CHECK_TAG(s + 2, KEEL_CAP_NULL);
    CHECK_TAG(s + 3, KEEL_CAP_ENDPOINT);
    // A moved retype child still goes with its untyped.
    CHECK_OK(root_retype(ut, seL4_TCBObject, 0, s + 4, 1));
    CHECK_OK(root_copy(s + 5, s + 4, ALL));
    CHECK_OK(root_mutate(s + 6, s + 5, 0));
    CHECK_OK(keel_cnode_rotate(ROOT, s + 7, D64, 0, ROOT, s + 4, D64, 0, ROOT, s + 6, D64));
    CHECK_TAG(s + 4, KEEL_CAP_TCB);
    CHECK_TAG(s + 7, KEEL_CAP_TCB);
    CHECK_OK(root_revoke(s + 7)); // s+7 holds the original now; s+4 the mutated copy
    CHECK_TAG(s + 4, KEEL_CAP_NULL);
    CHECK_OK(root_revoke(ut));
    CHECK_TAG(s + 3, KEEL_CAP_NULL);
    CHECK_TAG(s + 7, KEEL_CAP_NULL);
    CHECK_OK(root_retype(ut, seL4_UntypedObject, 14, s, 1));
}

// §13.9: deleting the last cap of a CNode deletes the caps inside it. Observable through an
// untyped whose only child sits in that CNode: the untyped resets only once the child is gone.
static void t_delete_cnode_deletes_contents(void)
{
    seL4_CPtr x, y, cn = slot_alloc(), cn2 = slot_alloc(), tmp = slot_alloc();
    NEW_UT(x, 12);
    NEW_UT(y, 12);
    CHECK_OK(root_retype(x, seL4_CapTableObject, 2, cn, 1));
    CHECK_OK(keel_untyped_retype(y, seL4_EndpointObject, 0, ROOT, cn, D64, 1, 1));
    CHECK_ERR(root_retype(y, seL4_ARM_SmallPageObject, 0, tmp, 1), seL4_NotEnoughMemory, 4096 - 16);
    CHECK_OK(root_copy(cn2, cn, ALL));
    CHECK_OK(root_delete(cn)); // not the last cap: the contents stay
    CHECK_ERR(root_retype(y, seL4_ARM_SmallPageObject, 0, tmp, 1), seL4_NotEnoughMemory, 4096 - 16);
    CHECK_OK(root_delete(cn2)); // the last cap: the endpoint cap inside goes too
    CHECK_OK(root_retype(y, seL4_ARM_SmallPageObject, 0, tmp, 1));
    CHECK_TAG(tmp, KEEL_CAP_FRAME);
    // The CNode's memory is free as well.
    CHECK_OK(root_retype(x, seL4_ARM_SmallPageObject, 0, cn, 1));
}

// A CNode holding a cap to itself: revoking inside itself, then deleting the only outside cap
// and revoking its untyped, must neither hang nor leak (§13.9: cycles are handled).
static void t_cnode_self_reference(void)
{
    seL4_CPtr x, y, cn = slot_alloc(), tmp = slot_alloc();
    NEW_UT(x, 12);
    NEW_UT(y, 12);
    CHECK_OK(root_retype(x, seL4_CapTableObject, 2, cn, 1));
    CHECK_OK(keel_cnode_copy(cn, 0, 2, ROOT, cn, D64, ALL));
    CHECK_OK(keel_untyped_retype(y, seL4_EndpointObject, 0, ROOT, cn, D64, 1, 1));
    // Revoking the original removes the copy that sits inside the CNode itself.
    CHECK_OK(root_revoke(cn));
    CHECK_ERR(keel_cnode_move(ROOT, tmp, D64, cn, 0, 2), seL4_FailedLookup, FL_MISSING(1, 2));
    // Put the self-cap back, then drop the outside cap: the CNode keeps itself alive.
    CHECK_OK(keel_cnode_copy(cn, 0, 2, ROOT, cn, D64, ALL));
    CHECK_OK(root_delete(cn));
    CHECK_TAG(cn, KEEL_CAP_NULL);
    CHECK_ERR(root_retype(y, seL4_ARM_SmallPageObject, 0, tmp, 1), seL4_NotEnoughMemory, 4096 - 16);
    // The cap inside is now a child of x: revoking x destroys the CNode and its contents.
    CHECK_OK(root_revoke(x));
    CHECK_OK(root_retype(y, seL4_ARM_SmallPageObject, 0, tmp, 1));
    CHECK_OK(root_retype(x, seL4_ARM_SmallPageObject, 0, cn, 1));
}

// Two CNodes holding caps to each other, with every outside cap gone: revoking their untyped
// must destroy both and what they contain, without hanging.
static void t_cnode_mutual_cycle(void)
{
    seL4_CPtr x, y, a = slot_alloc_range(2), tmp = slot_alloc();
    NEW_UT(x, 12);
    NEW_UT(y, 12);
    CHECK(a, "no slots");
    seL4_CPtr b = a + 1;
    CHECK_OK(root_retype(x, seL4_CapTableObject, 1, a, 2));
    CHECK_OK(keel_cnode_copy(a, 0, 1, ROOT, b, D64, ALL));
    CHECK_OK(keel_cnode_copy(b, 0, 1, ROOT, a, D64, ALL));
    CHECK_OK(keel_untyped_retype(y, seL4_EndpointObject, 0, ROOT, b, D64, 1, 1));
    CHECK_OK(root_delete(a));
    CHECK_OK(root_delete(b));
    CHECK_ERR(root_retype(y, seL4_ARM_SmallPageObject, 0, tmp, 1), seL4_NotEnoughMemory, 4096 - 16);
    CHECK_ERR(root_retype(x, seL4_ARM_SmallPageObject, 0, tmp, 1), seL4_NotEnoughMemory,
              4096 - 128);
    CHECK_OK(root_revoke(x));
    CHECK_OK(root_retype(y, seL4_ARM_SmallPageObject, 0, tmp, 1));
    CHECK_OK(root_retype(x, seL4_ARM_SmallPageObject, 0, a, 1));
}

static void t_save_caller(void)
{
    seL4_CPtr dst = slot_alloc(), full = slot_alloc();
    CHECK_OK(root_copy(full, ROOT, ALL));
    // The root task's caller slot is empty: success, nothing stored (§13.16).
    CHECK_OK(keel_cnode_save_caller(ROOT, dst, D64));
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_ERR0(keel_cnode_save_caller(ROOT, full, D64), seL4_DeleteFirst);
    CHECK_ERR(keel_cnode_save_caller(ROOT, dst, 0), seL4_RangeError, 1, 64);
    CHECK_ERR(keel_cnode_save_caller(ROOT, ROOT_SLOTS, D64), seL4_FailedLookup,
              FL_GUARD(0, 64, 0, ROOT_GUARD));
}

// §8.5: CancelBadgedSends needs an endpoint cap with all four rights.
static void t_cancel_badged_sends(void)
{
    seL4_CPtr ep, nt, tcb, s = slot_alloc_range(4), empty = slot_alloc();
    NEW(ep, seL4_EndpointObject, 0);
    NEW(nt, seL4_NotificationObject, 0);
    NEW(tcb, seL4_TCBObject, 0);
    CHECK(s, "no slots");
    CHECK_OK(keel_cnode_cancel_badged_sends(ROOT, ep, D64));
    CHECK_OK(root_mint(s, ep, ALL, 0x55));
    CHECK_OK(keel_cnode_cancel_badged_sends(ROOT, s, D64));
    CHECK_OK(root_mint(s + 1, ep, KEEL_RIGHTS_RW | KEEL_RIGHT_GRANT, 0x56));
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, s + 1, D64), seL4_IllegalOperation);
    CHECK_OK(root_copy(s + 2, ep, KEEL_RIGHTS_ALL & ~KEEL_RIGHT_GRANT_REPLY));
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, s + 2, D64), seL4_IllegalOperation);
    // Rights cannot grow back through a copy.
    CHECK_OK(root_copy(s + 3, s + 2, ALL));
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, s + 3, D64), seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, empty, D64), seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, nt, D64), seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, tcb, D64), seL4_IllegalOperation);
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, ROOT, D64), seL4_IllegalOperation);
}

// CNode operations invoked on a CNode other than the root.
static void t_ops_in_other_cnode(void)
{
    seL4_CPtr cn, ep, back = slot_alloc();
    NEW(cn, seL4_CapTableObject, 3);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_OK(keel_cnode_copy(cn, 7, 3, ROOT, ep, D64, ALL));
    CHECK_OK(keel_cnode_mint(cn, 6, 3, cn, 7, 3, ALL, 4));
    CHECK_ERR0(keel_cnode_copy(cn, 6, 3, cn, 7, 3, ALL), seL4_DeleteFirst);
    CHECK_OK(keel_cnode_move(cn, 5, 3, cn, 6, 3));
    CHECK_ERR(keel_cnode_delete(cn, 0, 4), seL4_FailedLookup, FL_DEPTH(0, 1, 0));
    CHECK_ERR(keel_cnode_delete(cn, 0, 2), seL4_FailedLookup, FL_DEPTH(0, 2, 3));
    CHECK_OK(keel_cnode_revoke(cn, 7, 3)); // a copy: it has no children, nothing happens
    CHECK_OK(keel_cnode_move(ROOT, back, D64, cn, 5, 3));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
    CHECK_OK(root_revoke(ep)); // removes the copy in slot 7 and the badged cap in back
    CHECK_TAG(back, KEEL_CAP_NULL);
    CHECK_ERR(keel_cnode_move(ROOT, back, D64, cn, 7, 3), seL4_FailedLookup, FL_MISSING(1, 3));
    CHECK_OK(keel_cnode_delete(cn, 7, 3));
}

const struct captest_test cnode_tests[] = {
    {201, "cnode_common_errors", t_common_errors},
    {202, "cnode_copy", t_copy},
    {203, "cnode_copy_errors_in_order", t_copy_errors},
    {204, "cnode_mint_badge", t_mint_badge},
    {205, "cnode_mint_cnode_guard", t_mint_cnode_guard},
    {206, "cnode_move", t_move},
    {207, "cnode_mutate", t_mutate},
    {208, "cnode_rotate_swap", t_rotate_swap},
    {209, "cnode_rotate_three_slots", t_rotate_three},
    {210, "cnode_rotate_errors_in_order", t_rotate_errors},
    {211, "cnode_delete", t_delete},
    {212, "cnode_revoke_untyped", t_revoke_untyped},
    {213, "cnode_revoke_unbadged_endpoint", t_revoke_unbadged_endpoint},
    {214, "cnode_revoke_badged_original", t_revoke_badged_original},
    {215, "cnode_revoke_copy_keeps_siblings", t_revoke_copy_keeps_siblings},
    {216, "cnode_move_keeps_cdt_position", t_move_keeps_cdt_position},
    {217, "cnode_delete_last_cap_deletes_contents", t_delete_cnode_deletes_contents},
    {218, "cnode_self_reference", t_cnode_self_reference},
    {220, "cnode_save_caller", t_save_caller},
    {221, "cnode_cancel_badged_sends", t_cancel_badged_sends},
    {222, "cnode_ops_in_other_cnode", t_ops_in_other_cnode},
    {224, "cnode_revoke_large_tree", t_revoke_large_tree},
};
const unsigned cnode_tests_count = ARRAY_LEN(cnode_tests);

// A TCB whose CSpace root is a CNode that holds the TCB's only cap, no other cap to either:
// revoking their untyped destroys both (§13.9) without hanging.
static void t_tcb_cnode_cycle(void)
{
    seL4_CPtr x, k = slot_alloc(), t = slot_alloc(), tmp = slot_alloc();
    NEW_UT(x, 14);
    CHECK_OK(root_retype(x, seL4_CapTableObject, 2, k, 1));
    CHECK_OK(root_retype(x, seL4_TCBObject, 0, t, 1));
    CHECK_OK(keel_tcb_configure(t, 0, k, 0, seL4_CapInitThreadVSpace, 0, 0,
                                seL4_CapInitThreadIPCBuffer));
    CHECK_OK(keel_cnode_move(k, 0, 2, ROOT, t, D64));
    CHECK_OK(root_delete(k));
    CHECK_TAG(k, KEEL_CAP_NULL);
    CHECK_TAG(t, KEEL_CAP_NULL);
    CHECK_OK(root_revoke(x));
    CHECK_OK(root_retype(x, seL4_UntypedObject, 14, tmp, 1));
}

// Run after everything else: a kernel that mishandles the cycle hangs here, and every other test
// has reported by then.
const struct captest_test last_tests[] = {
    {223, "cnode_tcb_cspace_cycle", t_tcb_cnode_cycle},
    {219, "cnode_mutual_cycle", t_cnode_mutual_cycle},
};
const unsigned last_tests_count = ARRAY_LEN(last_tests);
