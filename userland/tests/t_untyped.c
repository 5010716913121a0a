// SPDX-License-Identifier: BSD-2-Clause
// Untyped_Retype tests: every object type, every error of §8.3 in check order, watermark (§13.10).

#include "captest.h"

#include <stdio.h>

// Retypes n objects of `type` from a fresh 2^ut_bits untyped and checks their tags.
static void retype_and_check(seL4_Word type, seL4_Word size_bits, unsigned ut_bits,
                             seL4_Word want_tag)
{
    seL4_CPtr ut;
    NEW_UT(ut, ut_bits);
    seL4_CPtr dst = slot_alloc_range(2);
    CHECK(dst, "no slots");
    CHECK_OK(root_retype(ut, type, size_bits, dst, 2));
    CHECK_EQ(keel_reply_info().words[0], 0); // §6.2: x1 = tag(0, 0, 0, 0) on success
    CHECK_TAG(dst, want_tag);
    CHECK_TAG(dst + 1, want_tag);
    CHECK_TAG(ut, KEEL_CAP_UNTYPED);
}

static void t_untyped(void)
{
    retype_and_check(seL4_UntypedObject, 12, 16, KEEL_CAP_UNTYPED);
}
static void t_tcb(void)
{
    retype_and_check(seL4_TCBObject, 0, 16, KEEL_CAP_TCB);
}
static void t_endpoint(void)
{
    retype_and_check(seL4_EndpointObject, 0, 16, KEEL_CAP_ENDPOINT);
}
static void t_notification(void)
{
    retype_and_check(seL4_NotificationObject, 0, 16, KEEL_CAP_NOTIFICATION);
}
static void t_cnode(void)
{
    retype_and_check(seL4_CapTableObject, 3, 16, KEEL_CAP_CNODE);
}
static void t_vspace(void)
{
    retype_and_check(seL4_ARM_VSpaceObject, 0, 16, KEEL_CAP_VSPACE);
}
static void t_small_page(void)
{
    retype_and_check(seL4_ARM_SmallPageObject, 0, 16, KEEL_CAP_FRAME);
}
static void t_large_page(void)
{
    retype_and_check(seL4_ARM_LargePageObject, 0, 22, KEEL_CAP_FRAME);
}
static void t_page_table(void)
{
    retype_and_check(seL4_ARM_PageTableObject, 0, 16, KEEL_CAP_PAGE_TABLE);
}

// Fixed-size types ignore size_bits as long as it is below 64 (§7.1).
static void t_fixed_size_ignores_size_bits(void)
{
    seL4_CPtr ut;
    NEW_UT(ut, 16);
    seL4_CPtr dst = slot_alloc_range(3);
    CHECK(dst, "no slots");
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 63, dst, 1));
    CHECK_OK(root_retype(ut, seL4_TCBObject, 40, dst + 1, 1));
    CHECK_OK(root_retype(ut, seL4_ARM_SmallPageObject, 5, dst + 2, 1));
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    CHECK_TAG(dst + 1, KEEL_CAP_TCB);
    CHECK_TAG(dst + 2, KEEL_CAP_FRAME);
}

// 1 GiB frames: from a device untyped (always present: device untypeds cover the MMIO space),
// and from RAM when a 1 GiB RAM untyped exists, otherwise NotEnoughMemory from the arena.
static void t_huge_page(void)
{
    seL4_CPtr dst = slot_alloc_range(2);
    CHECK(dst, "no slots");
    CHECK(env.dev_huge, "no device untyped of at least 1 GiB to retype a HugePage from");
    CHECK_OK(root_retype(env.dev_huge, seL4_ARM_HugePageObject, 0, dst, 1));
    CHECK_TAG(dst, KEEL_CAP_FRAME);
    if (env.ram_huge) {
        CHECK_OK(root_retype(env.ram_huge, seL4_ARM_HugePageObject, 0, dst + 1, 1));
        CHECK_TAG(dst + 1, KEEL_CAP_FRAME);
    } else if (env.arena_bits < seL4_HugePageBits) {
        CHECK_ERR(root_retype(env.arena, seL4_ARM_HugePageObject, 0, dst + 1, 1),
                  seL4_NotEnoughMemory, 1UL << env.arena_bits);
        CHECK_TAG(dst + 1, KEEL_CAP_NULL);
    }
}

// The maximum fan-out: 256 objects into a 256-slot CNode addressed through node_index/depth.
static void t_many_objects(void)
{
    seL4_CPtr ut, cn;
    NEW_UT(ut, 16);
    NEW(cn, seL4_CapTableObject, 8);
    CHECK_OK(keel_untyped_retype(ut, seL4_EndpointObject, 0, ROOT, cn, D64, 0, 256));
    seL4_CPtr back = slot_alloc_range(2);
    CHECK(back, "no slots");
    CHECK_OK(keel_cnode_move(ROOT, back, D64, cn, 255, 8));
    CHECK_OK(keel_cnode_move(ROOT, back + 1, D64, cn, 0, 8));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
    CHECK_TAG(back + 1, KEEL_CAP_ENDPOINT);
    // Revoking the untyped deletes all 256, wherever they are.
    CHECK_OK(root_revoke(ut));
    CHECK_TAG(back, KEEL_CAP_NULL);
    CHECK_ERR(keel_cnode_move(ROOT, back, D64, cn, 128, 8), seL4_FailedLookup, FL_MISSING(1, 8));
    CHECK_ERR(keel_cnode_move(ROOT, back, D64, cn, 1, 8), seL4_FailedLookup, FL_MISSING(1, 8));
}

// §8.3 check 1: any label but 1 on an untyped cap.
static void t_illegal_label(void)
{
    seL4_CPtr ut, dst = slot_alloc();
    NEW_UT(ut, 12);
    const seL4_Word labels[] = {0, 2, 5, 16, 19, 25, 29, 43, 46, 47, 0x1234};
    const seL4_Word mr[] = {seL4_EndpointObject, 0, 0, 0, dst, 1};
    const seL4_CPtr caps[] = {ROOT};
    for (unsigned i = 0; i < ARRAY_LEN(labels); i++) {
        seL4_MessageInfo_t r = keel_invoke(ut, labels[i], 6, 1, mr, caps);
        CHECK(seL4_MessageInfo_get_label(r) == seL4_IllegalOperation &&
                  seL4_MessageInfo_get_length(r) == 0,
              "label %lu: reply label %lu length %lu, expected IllegalOperation length 0",
              labels[i], seL4_MessageInfo_get_label(r), seL4_MessageInfo_get_length(r));
    }
    CHECK_TAG(dst, KEEL_CAP_NULL);
}

static seL4_Error retype_raw(seL4_CPtr ut, seL4_Word length, seL4_Word ncaps, const seL4_Word *mr,
                             seL4_CPtr root)
{
    const seL4_CPtr caps[] = {root};
    return (seL4_Error)seL4_MessageInfo_get_label(
        keel_invoke(ut, KEEL_INV_UNTYPED_RETYPE, length, ncaps, mr, caps));
}

// §8.3 check 2: fewer than 6 words or no root cap; checked before the type.
static void t_truncated(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(4);
    NEW_UT(ut, 12);
    CHECK(dst, "no slots");
    const seL4_Word mr[] = {seL4_EndpointObject, 0, 0, 0, dst, 1};
    const seL4_Word bad_type[] = {99, 0, 0, 0, dst, 1};
    CHECK_ERR0(retype_raw(ut, 5, 1, mr, ROOT), seL4_TruncatedMessage);
    CHECK_ERR0(retype_raw(ut, 0, 1, mr, ROOT), seL4_TruncatedMessage);
    CHECK_ERR0(retype_raw(ut, 6, 0, mr, ROOT), seL4_TruncatedMessage);
    CHECK_ERR0(retype_raw(ut, 5, 1, bad_type, ROOT), seL4_TruncatedMessage);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_OK(retype_raw(ut, 6, 1, mr, ROOT));
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    // Longer messages and more caps than needed are fine: length 127 is read as 120 (§4.1), and
    // the unused extra caps may even be empty slots (a null cap is not a lookup failure, §11.3).
    seL4_Word long_mr[seL4_MsgMaxLength] = {seL4_EndpointObject, 0, 0, 0, dst + 1, 1};
    CHECK_OK(retype_raw(ut, 127, 1, long_mr, ROOT));
    CHECK_TAG(dst + 1, KEEL_CAP_ENDPOINT);
    const seL4_Word mr3[] = {seL4_EndpointObject, 0, 0, 0, dst + 2, 1};
    const seL4_CPtr caps3[] = {ROOT, dst + 3, ROOT};
    CHECK_OK(
        seL4_MessageInfo_get_label(keel_invoke(ut, KEEL_INV_UNTYPED_RETYPE, 6, 3, mr3, caps3)));
    CHECK_TAG(dst + 2, KEEL_CAP_ENDPOINT);
}

// §8.3 check 3: type >= 10, before the size check.
static void t_bad_type(void)
{
    seL4_CPtr ut, dst = slot_alloc();
    NEW_UT(ut, 12);
    const seL4_Word types[] = {seL4_ObjectTypeCount, 11, 0xfffe, 0xffff, 1UL << 32, ~0UL};
    for (unsigned i = 0; i < ARRAY_LEN(types); i++) {
        CHECK_ERR(root_retype(ut, types[i], 0, dst, 1), seL4_InvalidArgument, 0);
    }
    CHECK_ERR(root_retype(ut, 10, 64, dst, 1), seL4_InvalidArgument, 0);
    CHECK_ERR(root_retype(ut, 10, 0, 1UL << 40, 0), seL4_InvalidArgument, 0);
    CHECK_TAG(dst, KEEL_CAP_NULL);
}

// §8.3 checks 4-6: RangeError(0, 47) before the per-type InvalidArgument(1).
static void t_size_bits(void)
{
    seL4_CPtr ut, dst = slot_alloc();
    NEW_UT(ut, 12);
    CHECK_ERR(root_retype(ut, seL4_EndpointObject, 64, dst, 1), seL4_RangeError, 0, 47);
    CHECK_ERR(root_retype(ut, seL4_TCBObject, ~0UL, dst, 1), seL4_RangeError, 0, 47);
    CHECK_ERR(root_retype(ut, seL4_UntypedObject, 48, dst, 1), seL4_RangeError, 0, 47);
    CHECK_ERR(root_retype(ut, seL4_UntypedObject, 64, dst, 1), seL4_RangeError, 0, 47);
    CHECK_ERR(root_retype(ut, seL4_CapTableObject, 43, dst, 1), seL4_RangeError, 0, 47);
    CHECK_ERR(root_retype(ut, seL4_CapTableObject, 64, dst, 1), seL4_RangeError, 0, 47);
    CHECK_ERR(root_retype(ut, seL4_CapTableObject, 0, dst, 1), seL4_InvalidArgument, 1);
    CHECK_ERR(root_retype(ut, seL4_UntypedObject, 3, dst, 1), seL4_InvalidArgument, 1);
    CHECK_ERR(root_retype(ut, seL4_UntypedObject, 0, dst, 1), seL4_InvalidArgument, 1);
    // Before the destination lookup: a bad node_index does not matter yet.
    CHECK_ERR(keel_untyped_retype(ut, seL4_CapTableObject, 0, ROOT, ROOT_SLOTS, D64, 0, 1),
              seL4_InvalidArgument, 1);
    // In range but too big for this untyped.
    CHECK_ERR(root_retype(ut, seL4_UntypedObject, 47, dst, 1), seL4_NotEnoughMemory, 4096);
    CHECK_ERR(root_retype(ut, seL4_CapTableObject, 42, dst, 1), seL4_NotEnoughMemory, 4096);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_OK(root_retype(ut, seL4_UntypedObject, 4, dst, 1));
    CHECK_TAG(dst, KEEL_CAP_UNTYPED);
}

// §8.3 checks 7-8: the destination CNode lookup.
static void t_dest_lookup(void)
{
    seL4_CPtr ut, ep, empty = slot_alloc();
    NEW_UT(ut, 12);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_Word T = seL4_EndpointObject;
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, ROOT_SLOTS, D64, 0, 1), seL4_FailedLookup,
              FL_GUARD(0, 64, 0, ROOT_GUARD));
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, 5, ROOT_BITS, 0, 1), seL4_FailedLookup,
              FL_GUARD(0, ROOT_BITS, 0, ROOT_GUARD));
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, ROOT, 65, 0, 1), seL4_RangeError, 1, 64);
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, ROOT, 1000, 0, 1), seL4_RangeError, 1, 64);
    // Not a CNode at the end of the lookup: MissingCapability with bitsLeft = node_depth.
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, ep, D64, 0, 1), seL4_FailedLookup,
              FL_MISSING(0, 64));
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, empty, D64, 0, 1), seL4_FailedLookup,
              FL_MISSING(0, 64));
    // node_depth 0 uses the root cap itself, which here is an endpoint.
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ep, 0, 0, 0, 1), seL4_FailedLookup, FL_MISSING(0, 0));
    // node_depth != 0 with a root that is not a CNode.
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ep, 0, D64, 0, 1), seL4_FailedLookup,
              FL_INVALID_ROOT(0));
    CHECK_TAG(empty, KEEL_CAP_NULL);
    // node_depth 64 naming the root CNode's own slot works like node_depth 0.
    CHECK_OK(keel_untyped_retype(ut, T, 0, ROOT, ROOT, D64, empty, 1));
    CHECK_TAG(empty, KEEL_CAP_ENDPOINT);
}

// §8.3 checks 9-11: node_offset, num_objects, window.
static void t_ranges(void)
{
    seL4_CPtr ut, cn, dst = slot_alloc();
    NEW_UT(ut, 12);
    NEW(cn, seL4_CapTableObject, 2);
    const seL4_Word T = seL4_EndpointObject;
    CHECK_ERR(root_retype(ut, T, 0, ROOT_SLOTS, 1), seL4_RangeError, 0, ROOT_SLOTS - 1);
    CHECK_ERR(root_retype(ut, T, 0, ~0UL, 1), seL4_RangeError, 0, ROOT_SLOTS - 1);
    CHECK_ERR(root_retype(ut, T, 0, ROOT_SLOTS, 0), seL4_RangeError, 0, ROOT_SLOTS - 1);
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, cn, D64, 4, 1), seL4_RangeError, 0, 3);
    CHECK_ERR(root_retype(ut, T, 0, dst, 0), seL4_RangeError, 1, 256);
    CHECK_ERR(root_retype(ut, T, 0, dst, 257), seL4_RangeError, 1, 256);
    CHECK_ERR(root_retype(ut, T, 0, dst, ~0UL), seL4_RangeError, 1, 256);
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, cn, D64, 2, 3), seL4_RangeError, 1, 2);
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, cn, D64, 0, 5), seL4_RangeError, 1, 4);
    CHECK_ERR(keel_untyped_retype(ut, T, 0, ROOT, cn, D64, 3, 2), seL4_RangeError, 1, 1);
    CHECK_ERR(root_retype(ut, T, 0, ROOT_SLOTS - 2, 3), seL4_RangeError, 1, 2);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    // The exact window fits.
    CHECK_OK(keel_untyped_retype(ut, T, 0, ROOT, cn, D64, 0, 4));
    seL4_CPtr back = slot_alloc();
    CHECK_OK(keel_cnode_move(ROOT, back, D64, cn, 3, 2));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
    // The last slot of the root CNode (outside anything this program allocates).
    seL4_CPtr last = ROOT_SLOTS - 1;
    CHECK_TAG(last, KEEL_CAP_NULL);
    CHECK_OK(root_retype(ut, T, 0, last, 1));
    CHECK_TAG(last, KEEL_CAP_ENDPOINT);
    CHECK_OK(root_delete(last));
    CHECK_TAG(last, KEEL_CAP_NULL);
}

// §8.3 check 12: an occupied slot anywhere in the window; nothing is created, no memory used.
static void t_delete_first(void)
{
    seL4_CPtr ut, dst;
    NEW_UT(ut, 14);
    dst = slot_alloc_range(8);
    CHECK(dst, "no slots");
    CHECK_OK(root_copy(dst + 1, ROOT, KEEL_RIGHTS_ALL));
    CHECK_ERR0(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 3), seL4_DeleteFirst);
    CHECK_ERR0(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst + 1, 1), seL4_DeleteFirst);
    // DeleteFirst comes before the memory check.
    CHECK_ERR0(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 5), seL4_DeleteFirst);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_TAG(dst + 2, KEEL_CAP_NULL);
    CHECK_TAG(dst + 1, KEEL_CAP_CNODE);
    // Still the whole untyped is free.
    CHECK_ERR(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst + 2, 5), seL4_NotEnoughMemory,
              1UL << 14);
}

// §8.3 check 13 and §13.10: NotEnoughMemory carries the free bytes.
static void t_not_enough_memory(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(3);
    NEW_UT(ut, 12);
    CHECK(dst, "no slots");
    CHECK_ERR(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 2), seL4_NotEnoughMemory, 4096);
    CHECK_ERR(root_retype(ut, seL4_TCBObject, 0, dst, 3), seL4_NotEnoughMemory, 4096);
    CHECK_ERR(root_retype(ut, seL4_EndpointObject, 0, dst, 257), seL4_RangeError, 1, 256);
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 0, dst, 1));
    CHECK_ERR(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst + 1, 1), seL4_NotEnoughMemory,
              4096 - 16);
    CHECK_OK(root_retype(ut, seL4_TCBObject, 0, dst + 1, 1));
    // EP at 0, TCB aligned up to 2048: the watermark is 4096, nothing left.
    CHECK_ERR(root_retype(ut, seL4_EndpointObject, 0, dst + 2, 1), seL4_NotEnoughMemory, 0);
}

// §13.10: objects are aligned to their size, the watermark moves past the last one and the free
// byte count is size - watermark.
static void t_watermark_alignment(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(9);
    NEW_UT(ut, 14);
    CHECK(dst, "no slots");
    const seL4_Word page = seL4_ARM_SmallPageObject;
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 0, dst, 1)); // [0, 16)
    CHECK_ERR(root_retype(ut, page, 0, dst + 1, 4), seL4_NotEnoughMemory, 16384 - 16);
    CHECK_OK(root_retype(ut, seL4_TCBObject, 0, dst + 1, 1)); // [2048, 4096)
    CHECK_ERR(root_retype(ut, page, 0, dst + 2, 4), seL4_NotEnoughMemory, 16384 - 4096);
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 0, dst + 2, 2));     // [4096, 4128)
    CHECK_OK(root_retype(ut, seL4_NotificationObject, 0, dst + 4, 1)); // [4128, 4160)
    CHECK_ERR(root_retype(ut, page, 0, dst + 5, 3), seL4_NotEnoughMemory, 16384 - 4160);
    CHECK_OK(root_retype(ut, seL4_CapTableObject, 1, dst + 5, 1)); // 64 bytes: [4160, 4224)
    CHECK_ERR(root_retype(ut, page, 0, dst + 6, 3), seL4_NotEnoughMemory, 16384 - 4224);
    CHECK_OK(root_retype(ut, page, 0, dst + 6, 2)); // [8192, 16384)
    CHECK_ERR(root_retype(ut, seL4_EndpointObject, 0, dst + 8, 1), seL4_NotEnoughMemory, 0);
    CHECK_TAG(dst + 6, KEEL_CAP_FRAME);
    CHECK_TAG(dst + 7, KEEL_CAP_FRAME);
}

// §7.1/§8.3 check 14: device untypeds only give untypeds and frames; NotEnoughMemory first.
static void t_device_untyped(void)
{
    CHECK(env.dev_small, "no device untyped of at least 2^13 bytes in BootInfo");
    seL4_CPtr dev = env.dev_small, dst = slot_alloc_range(3);
    CHECK(dst, "no slots");
    seL4_Word size = 1UL << env.dev_small_bits;
    seL4_Word tcbs = (size >> seL4_TCBBits) + 1;
    if (tcbs <= 256) {
        CHECK_ERR(root_retype(dev, seL4_TCBObject, 0, dst, tcbs), seL4_NotEnoughMemory, size);
    }
    const seL4_Word refused[] = {seL4_TCBObject,          seL4_EndpointObject,
                                 seL4_NotificationObject, seL4_CapTableObject,
                                 seL4_ARM_VSpaceObject,   seL4_ARM_PageTableObject};
    for (unsigned i = 0; i < ARRAY_LEN(refused); i++) {
        CHECK_ERR(root_retype(dev, refused[i], 2, dst, 1), seL4_InvalidArgument, 1);
    }
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_OK(root_retype(dev, seL4_ARM_SmallPageObject, 0, dst, 1));
    CHECK_TAG(dst, KEEL_CAP_FRAME);
    CHECK_OK(root_retype(dev, seL4_UntypedObject, 12, dst + 1, 1));
    CHECK_TAG(dst + 1, KEEL_CAP_UNTYPED);
    // The child inherits the device flag.
    CHECK_ERR(root_retype(dst + 1, seL4_TCBObject, 0, dst + 2, 1), seL4_InvalidArgument, 1);
    CHECK_OK(root_retype(dst + 1, seL4_ARM_SmallPageObject, 0, dst + 2, 1));
    CHECK_TAG(dst + 2, KEEL_CAP_FRAME);
}

// §13.10: once every child is gone the untyped is reset and wholly free again.
static void t_reset_after_revoke(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(5);
    NEW_UT(ut, 14);
    CHECK(dst, "no slots");
    CHECK_OK(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 4));
    CHECK_ERR(root_retype(ut, seL4_EndpointObject, 0, dst + 4, 1), seL4_NotEnoughMemory, 0);
    CHECK_OK(root_revoke(ut));
    for (unsigned i = 0; i < 4; i++) {
        CHECK_TAG(dst + i, KEEL_CAP_NULL);
    }
    CHECK_OK(root_retype(ut, seL4_UntypedObject, 14, dst, 1));
    CHECK_TAG(dst, KEEL_CAP_UNTYPED);
}

// §13.10: deleted children leave holes until the last one goes.
static void t_reset_after_delete(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(5);
    NEW_UT(ut, 14);
    CHECK(dst, "no slots");
    CHECK_OK(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 2));
    CHECK_OK(root_delete(dst));
    CHECK_ERR(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst + 2, 3), seL4_NotEnoughMemory, 8192);
    CHECK_OK(root_delete(dst + 1));
    CHECK_OK(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 4));
    for (unsigned i = 0; i < 4; i++) {
        CHECK_TAG(dst + i, KEEL_CAP_FRAME);
    }
}

// §8.5/§13.10: copying an untyped marks the original full; a copy needs a childless source.
static void t_copy_marks_full(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(4);
    NEW_UT(ut, 14);
    CHECK(dst, "no slots");
    CHECK_OK(root_copy(dst, ut, KEEL_RIGHTS_ALL));
    CHECK_TAG(dst, KEEL_CAP_UNTYPED);
    CHECK_ERR(root_retype(ut, seL4_EndpointObject, 0, dst + 1, 1), seL4_NotEnoughMemory, 0);
    CHECK_OK(root_retype(dst, seL4_ARM_SmallPageObject, 0, dst + 1, 1));
    // Both now have children: neither can be copied.
    CHECK_ERR0(root_copy(dst + 2, ut, KEEL_RIGHTS_ALL), seL4_RevokeFirst);
    CHECK_ERR0(root_copy(dst + 2, dst, KEEL_RIGHTS_ALL), seL4_RevokeFirst);
    CHECK_ERR0(root_mint(dst + 2, dst, KEEL_RIGHTS_ALL, 0), seL4_RevokeFirst);
    CHECK_TAG(dst + 2, KEEL_CAP_NULL);
    // The copy is a child of the original: revoking the original removes it and its frame.
    CHECK_OK(root_revoke(ut));
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_TAG(dst + 1, KEEL_CAP_NULL);
    CHECK_OK(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 4));
}

// §13.8: a moved untyped keeps its children and its watermark.
static void t_move_untyped_with_children(void)
{
    seL4_CPtr ut, moved = slot_alloc(), dst = slot_alloc_range(4);
    NEW_UT(ut, 14);
    CHECK(dst, "no slots");
    CHECK_OK(root_retype(ut, seL4_ARM_SmallPageObject, 0, dst, 1));
    CHECK_OK(root_move(moved, ut));
    CHECK_ERR(root_retype(moved, seL4_ARM_SmallPageObject, 0, dst + 1, 4), seL4_NotEnoughMemory,
              (1UL << 14) - 4096);
    CHECK_OK(root_retype(moved, seL4_ARM_SmallPageObject, 0, dst + 1, 3));
    CHECK_OK(root_revoke(moved));
    for (unsigned i = 0; i < 4; i++) {
        CHECK_TAG(dst + i, KEEL_CAP_NULL);
    }
    CHECK_OK(root_retype(moved, seL4_ARM_SmallPageObject, 0, dst, 4));
}

// Retype into a CNode other than the root: through node_index/depth and with node_depth 0.
static void t_into_other_cnode(void)
{
    seL4_CPtr ut, cn, back = slot_alloc_range(2);
    NEW_UT(ut, 12);
    NEW(cn, seL4_CapTableObject, 2);
    CHECK(back, "no slots");
    CHECK_OK(keel_untyped_retype(ut, seL4_EndpointObject, 0, ROOT, cn, D64, 1, 2));
    CHECK_OK(keel_untyped_retype(ut, seL4_NotificationObject, 0, cn, 0, 0, 3, 1));
    CHECK_ERR0(keel_untyped_retype(ut, seL4_NotificationObject, 0, cn, 0, 0, 2, 1),
               seL4_DeleteFirst);
    CHECK_OK(keel_cnode_move(ROOT, back, D64, cn, 2, 2));
    CHECK_OK(keel_cnode_move(ROOT, back + 1, D64, cn, 3, 2));
    CHECK_TAG(back, KEEL_CAP_ENDPOINT);
    CHECK_TAG(back + 1, KEEL_CAP_NOTIFICATION);
    CHECK_ERR0(keel_cnode_move(ROOT, back, D64, cn, 0, 2), seL4_DeleteFirst);
}

// Nested untypeds: revoking the top one removes the whole tree and frees all of it.
static void t_nested_untyped(void)
{
    seL4_CPtr a, dst;
    NEW_UT(a, 16);
    dst = slot_alloc_range(7);
    CHECK(dst, "no slots");
    CHECK_OK(root_retype(a, seL4_UntypedObject, 14, dst, 1));
    CHECK_OK(root_retype(dst, seL4_UntypedObject, 12, dst + 1, 1));
    CHECK_OK(root_retype(dst + 1, seL4_ARM_SmallPageObject, 0, dst + 2, 1));
    CHECK_ERR(root_retype(dst + 1, seL4_EndpointObject, 0, dst + 3, 1), seL4_NotEnoughMemory, 0);
    CHECK_ERR(root_retype(dst, seL4_ARM_SmallPageObject, 0, dst + 3, 4), seL4_NotEnoughMemory,
              (1UL << 14) - 4096);
    CHECK_OK(root_revoke(a));
    CHECK_TAG(dst, KEEL_CAP_NULL);
    CHECK_TAG(dst + 1, KEEL_CAP_NULL);
    CHECK_TAG(dst + 2, KEEL_CAP_NULL);
    CHECK_OK(root_retype(a, seL4_ARM_SmallPageObject, 0, dst, 4));
    CHECK_ERR0(root_retype(a, seL4_ARM_SmallPageObject, 0, dst + 3, 16), seL4_DeleteFirst);
}

// §6.2/§13.3: Send and NBSend perform the invocation but return nothing, even on error.
static void t_send_nbsend(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(2);
    NEW_UT(ut, 12);
    CHECK(dst, "no slots");
    const seL4_Word ok_mr[] = {seL4_EndpointObject, 0, 0, 0, dst, 1};
    const seL4_Word ok2_mr[] = {seL4_EndpointObject, 0, 0, 0, dst + 1, 1};
    const seL4_CPtr caps[] = {ROOT};
    keel_invoke_send(seL4_SysSend, ut, KEEL_INV_UNTYPED_RETYPE, 6, 1, ok_mr, caps);
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    keel_invoke_send(seL4_SysNBSend, ut, KEEL_INV_UNTYPED_RETYPE, 6, 1, ok2_mr, caps);
    CHECK_TAG(dst + 1, KEEL_CAP_ENDPOINT);
    // A failing Send writes no register: check x0..x5 and the rest with the register checker.
    struct svc_frame f = {.in = {ut,
                                 seL4_MessageInfo_new(KEEL_INV_UNTYPED_RETYPE, 0, 0, 6).words[0],
                                 99, 0, 0, 0, 0, (seL4_Word)(long)seL4_SysSend}};
    seL4_Word changed = captest_svc_check(&f);
    CHECK(changed == 0, "Send changed registers (mask 0x%lx)", changed);
    for (unsigned i = 0; i < 6; i++) {
        CHECK(f.out[i] == f.in[i], "Send changed x%u: 0x%lx -> 0x%lx", i, f.in[i], f.out[i]);
    }
}

const struct captest_test untyped_tests[] = {
    {101, "retype_untyped", t_untyped},
    {102, "retype_tcb", t_tcb},
    {103, "retype_endpoint", t_endpoint},
    {104, "retype_notification", t_notification},
    {105, "retype_cnode", t_cnode},
    {106, "retype_huge_page", t_huge_page},
    {107, "retype_vspace", t_vspace},
    {108, "retype_small_page", t_small_page},
    {109, "retype_large_page", t_large_page},
    {110, "retype_page_table", t_page_table},
    {111, "retype_fixed_size_ignores_size_bits", t_fixed_size_ignores_size_bits},
    {112, "retype_256_objects", t_many_objects},
    {113, "retype_err_illegal_label", t_illegal_label},
    {114, "retype_err_truncated", t_truncated},
    {115, "retype_err_bad_type", t_bad_type},
    {116, "retype_err_size_bits", t_size_bits},
    {117, "retype_err_dest_lookup", t_dest_lookup},
    {118, "retype_err_ranges", t_ranges},
    {119, "retype_err_delete_first", t_delete_first},
    {120, "retype_err_not_enough_memory", t_not_enough_memory},
    {121, "retype_watermark_alignment", t_watermark_alignment},
    {122, "retype_device_untyped", t_device_untyped},
    {123, "retype_reset_after_revoke", t_reset_after_revoke},
    {124, "retype_reset_after_delete", t_reset_after_delete},
    {125, "retype_copy_marks_source_full", t_copy_marks_full},
    {126, "retype_into_other_cnode", t_into_other_cnode},
    {127, "retype_nested_untyped", t_nested_untyped},
    {128, "retype_send_and_nbsend", t_send_nbsend},
    {129, "retype_from_moved_untyped", t_move_untyped_with_children},
};
const unsigned untyped_tests_count = ARRAY_LEN(untyped_tests);
