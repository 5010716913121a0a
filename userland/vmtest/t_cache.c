// SPDX-License-Identifier: BSD-2-Clause
// Cache operations on frames (Page_*) and on VSpaces (VSpace_*): ranges and the order of checks.

// ABI sheet §8.10, §8.12.

#include "vmtest.h"

static seL4_Error map(seL4_CPtr frame, seL4_CPtr vs, seL4_Word vaddr)
{
    return keel_arm_page_map(frame, vs, vaddr, VT_RW, VT_CACHED);
}

// Page cache operations: all four succeed on a mapping; the checks of §8.12 in order.
static void test_page_cache_ops(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(10), lva = w + VT_LARGE;
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), ro = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr un = vt_new(seL4_ARM_SmallPageObject, 0), lp = vt_new(seL4_ARM_LargePageObject, 0);
    seL4_CPtr s1 = vt_new(seL4_ARM_SmallPageObject, 0), s2 = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr fd = vt_new(seL4_ARM_SmallPageObject, 0), u = vt_new_untyped(12);
    seL4_CPtr pool = vt_slot(), dead = vt_new(seL4_ARM_VSpaceObject, 0);
    if (!f || !ro || !un || !lp || !s1 || !s2 || !fd || !u || !pool || !dead) {
        goto out;
    }
    if (!OK(vt_map_auto(f, VT_ROOT_VS, w, VT_RW, VT_CACHED)) ||
        !OK(keel_arm_page_map(ro, VT_ROOT_VS, w + 0x1000, VT_RO, VT_CACHED)) ||
        !OK(map(lp, VT_ROOT_VS, lva))) {
        goto out;
    }
    for (seL4_Word label = KEEL_VM_INV_PAGE_CLEAN_DATA; label <= KEEL_VM_INV_PAGE_UNIFY_INSTRUCTION;
         label++) {
        seL4_Word ranges[][2] = {{0, 4096}, {0, 1}, {4095, 4096}, {100, 200}};
        for (unsigned i = 0; i < 4; i++) {
            if (!OK(vt_invoke(f, label, 2, 0, ranges[i], NULL))) {
                vt_info("label %lu, range [%lu, %lu)", label, ranges[i][0], ranges[i][1]);
            }
        }
        seL4_Word whole[2] = {0, VT_LARGE}, page[2] = {0, VT_PAGE};
        OK(vt_invoke(lp, label, 2, 0, whole, NULL));
        if (label != KEEL_VM_INV_PAGE_INVALIDATE_DATA) {
            OK(vt_invoke(ro, label, 2, 0, page, NULL)); // read-only is enough for these
        }
    }
    // Data written before a clean is still there after it.
    if (WRITE(w + 0x40, 0xC1EA) && OK(keel_arm_page_clean_invalidate_data(f, 0, 4096))) {
        READ(w + 0x40, 0xC1EA);
    }
    seL4_Word mr[2] = {0, 64};
    ERR(vt_invoke(f, KEEL_VM_INV_PAGE_CLEAN_DATA, 1, 0, mr, NULL), seL4_TruncatedMessage);
    // Not mapped: IllegalOperation, before the range is looked at.
    ERR(keel_arm_page_clean_data(un, 0, 64), seL4_IllegalOperation);
    ERR(keel_arm_page_clean_data(un, 64, 0), seL4_IllegalOperation);
    ERR(keel_arm_page_unify_instruction(un, 0, 8), seL4_IllegalOperation);
    // The range: end <= start first, then the bounds of the frame.
    ERR_IA(keel_arm_page_clean_data(f, 64, 64), 1);
    ERR_IA(keel_arm_page_clean_data(f, 64, 0), 1);
    ERR_IA(keel_arm_page_clean_data(f, 5000, 4097), 1);
    ERR_IA(keel_arm_page_clean_data(f, 0, 4097), 0);
    ERR_IA(keel_arm_page_clean_data(f, 4096, 4097), 0);
    ERR_IA(keel_arm_page_invalidate_data(f, 0, 8192), 0);
    ERR_IA(keel_arm_page_clean_data(lp, 0, VT_LARGE + 1), 0);
    OK(keel_arm_page_clean_data(lp, VT_LARGE - 1, VT_LARGE));
    // Invalidate needs a read-write mapping (after the range checks).
    ERR(keel_arm_page_invalidate_data(ro, 0, 64), seL4_IllegalOperation);
    ERR_IA(keel_arm_page_invalidate_data(ro, 64, 0), 1);
    // Stale mapping: InvalidCapability(0), after the range checks.
    if (OK(vt_map_auto(s1, VT_ROOT_VS, w + 0x3000, VT_RW, VT_CACHED)) &&
        OK(map(s2, VT_ROOT_VS, w + 0x3000))) {
        ERR_IC(keel_arm_page_clean_data(s1, 0, 64), 0);
        ERR_IA(keel_arm_page_clean_data(s1, 64, 0), 1);
        ERR_IA(keel_arm_page_clean_data(s1, 0, 8192), 0);
        OK(keel_arm_page_clean_data(s2, 0, 64));
    }
    // Dead ASID: FailedLookup(InvalidRoot), before the range checks.
    if (OK(keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, pool,
                                           VT_DEPTH)) &&
        OK(keel_arm_asid_pool_assign(pool, dead)) &&
        OK(vt_map_auto(fd, dead, 0x10000000, VT_RW, VT_CACHED)) && OK(vt_delete(pool))) {
        ERR_FL_ROOT(keel_arm_page_clean_data(fd, 0, 64));
        ERR_FL_ROOT(keel_arm_page_clean_data(fd, 64, 0));
        ERR_FL_ROOT(keel_arm_page_invalidate_data(fd, 0, 8192));
    }
out:
    vt_slot_release(mark);
}

// VSpace cache operations: per-page ranges, unmapped start is a no-op, crossing a page is a
// RangeError naming the page's last byte; the checks of §8.10 in order.
static void test_vspace_cache_ops(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(11), lva = w + VT_LARGE;
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), ro = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr lp = vt_new(seL4_ARM_LargePageObject, 0), un = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr u = vt_new_untyped(12), pool = vt_slot(), dead = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr other = vt_new(seL4_ARM_VSpaceObject, 0);
    if (!f || !ro || !lp || !un || !u || !pool || !dead || !other) {
        goto out;
    }
    if (!OK(vt_map_auto(f, VT_ROOT_VS, w, VT_RW, VT_CACHED)) ||
        !OK(keel_arm_page_map(ro, VT_ROOT_VS, w + 0x1000, VT_RO, VT_CACHED)) ||
        !OK(map(lp, VT_ROOT_VS, lva))) {
        goto out;
    }
    for (seL4_Word label = KEEL_VM_INV_VSPACE_CLEAN_DATA;
         label <= KEEL_VM_INV_VSPACE_UNIFY_INSTRUCTION; label++) {
        seL4_Word in_page[2] = {w + 0x10, w + 0x1000};
        seL4_Word in_large[2] = {lva + 0xFF0, lva + 0x1010}; // crosses 4 KiB, not 2 MiB
        seL4_Word unmapped[2] = {w + 0x10000, w + 0x30000};
        seL4_Word crossing[2] = {w + 0xF00, w + 0x1100};
        OK(vt_invoke(VT_ROOT_VS, label, 2, 0, in_page, NULL));
        OK(vt_invoke(VT_ROOT_VS, label, 2, 0, in_large, NULL));
        OK(vt_invoke(VT_ROOT_VS, label, 2, 0, unmapped, NULL));
        ERR_RANGE(vt_invoke(VT_ROOT_VS, label, 2, 0, crossing, NULL), w + 0xF00, w + 0xFFF);
    }
    ERR_RANGE(keel_arm_vspace_clean_data(VT_ROOT_VS, w, w + 0x1001), w, w + 0xFFF);
    ERR_RANGE(keel_arm_vspace_clean_data(VT_ROOT_VS, lva + 0x1FFF00, lva + 0x200100),
              lva + 0x1FFF00, lva + 0x1FFFFF);
    OK(keel_arm_vspace_clean_data(VT_ROOT_VS, w + 0x2FFF, w + 0x3100)); // start unmapped
    // Invalidate needs a read-write mapping; the others do not.
    ERR(keel_arm_vspace_invalidate_data(VT_ROOT_VS, w + 0x1000, w + 0x1100), seL4_IllegalOperation);
    OK(keel_arm_vspace_clean_data(VT_ROOT_VS, w + 0x1000, w + 0x1100));
    OK(keel_arm_vspace_unify_instruction(VT_ROOT_VS, w + 0x1000, w + 0x1100));
    OK(keel_arm_vspace_invalidate_data(VT_ROOT_VS, w, w + 0x100));

    seL4_Word mr[2] = {w, w + 8};
    ERR(vt_invoke(VT_ROOT_VS, KEEL_VM_INV_VSPACE_CLEAN_DATA, 1, 0, mr, NULL),
        seL4_TruncatedMessage);
    static const seL4_Word bad_labels[] = {34, 35, 36, 37, 38, 43, 45, 0};
    for (unsigned i = 0; i < sizeof(bad_labels) / sizeof(bad_labels[0]); i++) {
        if (!ERR(vt_invoke(VT_ROOT_VS, bad_labels[i], 2, 0, mr, NULL), seL4_IllegalOperation)) {
            vt_info("label %lu on a VSpace cap", bad_labels[i]);
        }
    }
    // end <= start, then end > seL4_UserTop (IllegalOperation), then the ASID.
    ERR_IA(keel_arm_vspace_clean_data(VT_ROOT_VS, w, w), 1);
    ERR_IA(keel_arm_vspace_clean_data(VT_ROOT_VS, w + 8, w), 1);
    ERR_IA(keel_arm_vspace_clean_data(VT_ROOT_VS, 0x900000000000UL, 0x800000000000UL), 1);
    ERR(keel_arm_vspace_clean_data(VT_ROOT_VS, 0x7FFFFFFFF000UL, 0x800000000000UL),
        seL4_IllegalOperation);
    ERR(keel_arm_vspace_clean_data(VT_ROOT_VS, 0x7FFFFFFFF000UL, 0x800000001000UL),
        seL4_IllegalOperation);
    ERR(keel_arm_vspace_clean_data(VT_ROOT_VS, 0, ~0UL), seL4_IllegalOperation);
    OK(keel_arm_vspace_clean_data(VT_ROOT_VS, 0x7FFFFFFFF000UL, 0x7FFFFFFFFFFFUL));
    ERR_IC(keel_arm_vspace_clean_data(un, w, w + 1), 0);
    ERR_IA(keel_arm_vspace_clean_data(un, w, w), 1);
    ERR(keel_arm_vspace_clean_data(un, 0, 0x900000000000UL), seL4_IllegalOperation);
    if (OK(keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, pool,
                                           VT_DEPTH)) &&
        OK(keel_arm_asid_pool_assign(pool, dead)) && OK(vt_delete(pool))) {
        ERR_FL_ROOT(keel_arm_vspace_clean_data(dead, w, w + 1));
        ERR(keel_arm_vspace_clean_data(dead, 0, 0x900000000000UL), seL4_IllegalOperation);
        if (OK(keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, pool,
                                               VT_DEPTH)) &&
            OK(keel_arm_asid_pool_assign(pool, other))) {
            ERR_IC(keel_arm_vspace_clean_data(dead, w, w + 1), 0);
            OK(keel_arm_vspace_clean_data(other, w, w + 1));
        }
    }
out:
    vt_slot_release(mark);
}

const struct vt_test vt_tests_cache[] = {
    {"page_cache_ops", test_page_cache_ops},
    {"vspace_cache_ops", test_vspace_cache_ops},
    {NULL, NULL},
};
