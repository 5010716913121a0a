// SPDX-License-Identifier: BSD-2-Clause
// PageTable_Map/Unmap: levels, the walk's FailedLookup bitsLeft, check order, unmap effects.

// ABI sheet §8.11, §8.12 (step 6), §13.9, §13.11.

#include "vmtest.h"

static seL4_Error pt_map(seL4_CPtr pt, seL4_CPtr vs, seL4_Word vaddr)
{
    return keel_arm_page_table_map(pt, vs, vaddr, seL4_ARM_Default_VMAttributes);
}

static seL4_Error map(seL4_CPtr frame, seL4_CPtr vs, seL4_Word vaddr)
{
    return keel_arm_page_map(frame, vs, vaddr, VT_RW, VT_CACHED);
}

// Repeated PageTable_Map at one address builds levels 1, 2, 3 and then says DeleteFirst; Page_Map
// on the way reports where the walk stopped as bitsLeft 39/30/21/12 (§13.11).
static void test_pt_levels(void)
{
    seL4_CPtr mark = vt_slot_mark();
    // Indices 1/1/1/1 at levels 0..3.
    const seL4_Word va = 0x8040201000UL, gib = 0x8040000000UL, mib2 = 0x8040200000UL;
    seL4_CPtr vs = vt_new_vspace(0);
    seL4_CPtr pts = vt_new_n(seL4_ARM_PageTableObject, 0, 8);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), f2 = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr lp = vt_new(seL4_ARM_LargePageObject, 0), lp2 = vt_new(seL4_ARM_LargePageObject, 0);
    seL4_CPtr hp = vt_device_huge();
    if (!vs || !pts || !f || !f2 || !lp || !lp2) {
        goto out;
    }
    if (!hp) {
        vt_info("no device untyped of 1 GiB: the 1 GiB cases of this test are left out");
    }
    ERR_FL_MISSING(map(f, vs, va), 39);
    ERR_FL_MISSING(map(lp, vs, mib2), 39);
    if (hp) {
        ERR_FL_MISSING(map(hp, vs, gib), 39);
    }
    if (!OK(pt_map(pts + 0, vs, va))) { // level 1
        goto out;
    }
    ERR_FL_MISSING(map(f, vs, va), 30);
    ERR_FL_MISSING(map(lp, vs, mib2), 30);
    ERR_IC(pt_map(pts + 0, vs, va), 0); // already mapped
    if (!OK(pt_map(pts + 1, vs, va))) { // level 2
        goto out;
    }
    ERR_FL_MISSING(map(f, vs, va), 21);
    if (hp) {
        // A 1 GiB page where a level-2 table occupies the level-1 entry (§8.12 step 6).
        ERR_FL_MISSING(map(hp, vs, gib), 21);
    }
    if (!OK(pt_map(pts + 2, vs, va))) { // level 3
        goto out;
    }
    EQ("probe of va before any page", PROBE(vs, va), 0);
    if (OK(map(f, vs, va))) {
        EQ("probe of va", PROBE(vs, va), VT_PAGE);
    }
    // All levels exist: nothing more to build on this path, whatever the offset in the 2 MiB.
    ERR(pt_map(pts + 3, vs, va), seL4_DeleteFirst);
    ERR(pt_map(pts + 3, vs, mib2 + 0x1FF000), seL4_DeleteFirst);
    // A level-3 table is present where a 2 MiB page is asked for.
    ERR_FL_MISSING(map(lp, vs, mib2), 12);
    if (hp && OK(pt_map(pts + 3, vs, gib + 0x7000))) { // level 3 for the GiB's first 2 MiB
        ERR_FL_MISSING(map(hp, vs, gib), 12);
    }
    // Another GiB under the same level-1 table: the next table becomes a level-2 table there.
    if (OK(pt_map(pts + 4, vs, 0x80C0005000UL))) {
        ERR_FL_MISSING(map(f2, vs, 0x80C0005000UL), 21);
    }
    // A 2 MiB page in an empty level-2 entry: nothing can be built or mapped below it.
    const seL4_Word va2 = 0x8040600000UL;
    if (OK(map(lp2, vs, va2))) {
        EQ("probe of the 2 MiB page", PROBE(vs, va2 + 0x3000), VT_LARGE);
        ERR(pt_map(pts + 5, vs, va2 + 0x3000), seL4_DeleteFirst);
        ERR_FL_MISSING(map(f2, vs, va2 + 0x3000), 21);
    }
    // A 1 GiB page in an empty level-1 entry.
    const seL4_Word va3 = 0x8080000000UL;
    if (hp && OK(keel_arm_page_unmap(hp)) && OK(keel_arm_page_map(hp, vs, va3, VT_RW, 0))) {
        EQ("probe of the 1 GiB page", PROBE(vs, va3 + 0x5000), VT_HUGE);
        ERR(pt_map(pts + 5, vs, va3), seL4_DeleteFirst);
        ERR_FL_MISSING(map(lp, vs, va3 + VT_LARGE), 30);
        ERR_FL_MISSING(map(f2, vs, va3 + 0x1000), 30);
    }
out:
    vt_slot_release(mark);
}

// PageTable_Map's checks in the order of §8.11.
static void test_pt_map_errors(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word va = 0x1000000000UL, beyond = seL4_UserTop + 1;
    seL4_CPtr vs = vt_new_vspace(0), unassigned = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr pts = vt_new_n(seL4_ARM_PageTableObject, 0, 6);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr u = vt_new_untyped(12), pool = vt_slot(), dead = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr other = vt_new(seL4_ARM_VSpaceObject, 0);
    if (!vs || !unassigned || !pts || !f || !u || !pool || !dead || !other) {
        goto out;
    }
    seL4_CPtr pt = pts, mapped = pts + 1;
    seL4_Word mr[2] = {va, 0};
    seL4_CPtr caps[1] = {vs};
    ERR(vt_invoke(pt, KEEL_VM_INV_PAGE_TABLE_MAP, 1, 1, mr, caps), seL4_TruncatedMessage);
    ERR(vt_invoke(pt, KEEL_VM_INV_PAGE_TABLE_MAP, 2, 0, mr, caps), seL4_TruncatedMessage);
    ERR(vt_invoke(pt, KEEL_VM_INV_PAGE_MAP, 3, 1, mr, caps), seL4_IllegalOperation);
    ERR(vt_invoke(pt, KEEL_VM_INV_PAGE_UNMAP, 0, 0, mr, caps), seL4_IllegalOperation);
    ERR(vt_invoke(pt, KEEL_VM_INV_VSPACE_CLEAN_DATA, 2, 0, mr, caps), seL4_IllegalOperation);
    ERR(vt_invoke(pt, KEEL_VM_INV_PAGE_GET_ADDRESS, 0, 0, mr, caps), seL4_IllegalOperation);

    if (!OK(pt_map(mapped, vs, va))) {
        goto out;
    }
    // Already mapped: checked first, before the VSpace and the address.
    ERR_IC(pt_map(mapped, vs, va + VT_HUGE), 0);
    ERR_IC(pt_map(mapped, unassigned, beyond), 0);
    // cap[0] must be a VSpace with an ASID.
    ERR_IC(pt_map(pt, unassigned, va), 1);
    ERR_IC(pt_map(pt, f, va), 1);
    ERR_IC(pt_map(pt, mapped, va), 1);
    ERR_IC(pt_map(pt, seL4_CapNull, va), 1);
    ERR_IC(pt_map(pt, unassigned, beyond), 1);
    // The address: the last user address is fine, the next one is not.
    ERR_IA(pt_map(pt, vs, beyond), 0);
    ERR_IA(pt_map(pt, vs, ~0UL), 0);
    OK(pt_map(pts + 2, vs, seL4_UserTop));

    // Dead ASID: after the address check.
    if (OK(keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, pool,
                                           VT_DEPTH)) &&
        OK(keel_arm_asid_pool_assign(pool, dead)) && OK(vt_delete(pool))) {
        ERR_FL_ROOT(pt_map(pt, dead, va));
        ERR_IA(pt_map(pt, dead, beyond), 0);
        // ASID taken by another VSpace: InvalidCapability(1).
        if (OK(keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, pool,
                                               VT_DEPTH)) &&
            OK(keel_arm_asid_pool_assign(pool, other))) {
            ERR_IC(pt_map(pt, dead, va), 1);
            ERR_IA(pt_map(pt, dead, beyond), 0);
            OK(pt_map(pt, other, va));
        }
    }
out:
    vt_slot_release(mark);
}

// PageTable_Unmap: RevokeFirst while another cap exists; afterwards the pages below are gone
// (faults), the frame caps are stale, and the table comes back empty (it is zeroed, §8.11).
static void test_pt_unmap(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(2), a = w + 0x5000;
    const seL4_Word pattern = 0x0123456789ABCDEFUL;
    seL4_CPtr pt = vt_new(seL4_ARM_PageTableObject, 0), f = vt_new(seL4_ARM_SmallPageObject, 0);
    if (!pt || !f) {
        goto out;
    }
    OK(keel_arm_page_table_unmap(pt)); // not mapped: nothing to do
    if (!OK(pt_map(pt, VT_ROOT_VS, w)) || !OK(map(f, VT_ROOT_VS, a))) {
        goto out;
    }
    if (!WRITE(a + 8, pattern) || !READ(a + 8, pattern)) {
        goto out;
    }
    seL4_CPtr c = vt_copy(pt, KEEL_RIGHTS_ALL); // a mapped table may be copied (§13.8)
    if (c) {
        EQ("DebugCapIdentify(copy of a mapped table)", keel_debug_cap_identify(c),
           KEEL_CAP_PAGE_TABLE);
        ERR(keel_arm_page_table_unmap(pt), seL4_RevokeFirst);
        ERR(keel_arm_page_table_unmap(c), seL4_RevokeFirst);
        ERR_IC(pt_map(c, VT_ROOT_VS, vt_window(19)), 0); // the copy names the mapped table
        EQ("probe after the refused unmaps", PROBE(VT_ROOT_VS, a), VT_PAGE);
        OK(vt_delete(c));
    }
    if (!OK(keel_arm_page_table_unmap(pt))) {
        goto out;
    }
    EQ("probe after PageTable_Unmap", PROBE(VT_ROOT_VS, a), 0);
    // The level-2 entry is gone: a translation fault at level 2.
    READ_FAULT(a + 8, VT_FSC_TRANSLATION(2));
    // The frame cap still records its mapping, which is stale now.
    ERR_IC(keel_arm_page_clean_data(f, 0, 64), 0);
    // The table is empty when mapped again.
    if (OK(pt_map(pt, VT_ROOT_VS, w))) {
        EQ("probe after remapping the table", PROBE(VT_ROOT_VS, a), 0);
        READ_FAULT(a + 8, VT_FSC_TRANSLATION(3));
        // The stale cap may map at its recorded address again; the data is still there.
        if (OK(map(f, VT_ROOT_VS, a))) {
            READ(a + 8, pattern);
        }
    }
    OK(keel_arm_page_table_unmap(pt));
    OK(keel_arm_page_table_unmap(pt));
    OK(keel_arm_page_unmap(f)); // stale: nothing to do

    // A level-2 table in another VSpace takes the level-3 table and its page with it.
    seL4_CPtr vs = vt_new_vspace(0), l = vt_new_n(seL4_ARM_PageTableObject, 0, 3);
    seL4_CPtr f2 = vt_new(seL4_ARM_SmallPageObject, 0), f3 = vt_new(seL4_ARM_SmallPageObject, 0);
    const seL4_Word x = 0x40201000UL;
    if (!vs || !l || !f2 || !f3) {
        goto out;
    }
    if (OK(pt_map(l + 0, vs, x)) && OK(pt_map(l + 1, vs, x)) && OK(pt_map(l + 2, vs, x)) &&
        OK(map(f2, vs, x))) {
        EQ("probe in the other VSpace", PROBE(vs, x), VT_PAGE);
        OK(keel_arm_page_table_unmap(l + 1));
        EQ("probe after unmapping its level-2 table", PROBE(vs, x), 0);
        ERR_FL_MISSING(map(f3, vs, x), 30);
        OK(keel_arm_page_table_unmap(l + 2)); // its parent entry is already gone
        if (OK(pt_map(l + 1, vs, x))) {
            ERR_FL_MISSING(map(f3, vs, x), 21); // the level-2 table came back empty
        }
    }
out:
    vt_slot_release(mark);
}

// Deleting a mapped table's last cap removes it from its parent (§13.9).
static void test_pt_delete(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(3), a = w + 0x3000;
    seL4_CPtr pt = vt_new(seL4_ARM_PageTableObject, 0), f = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr pt2 = vt_new(seL4_ARM_PageTableObject, 0);
    if (!pt || !f || !pt2) {
        goto out;
    }
    if (!OK(pt_map(pt, VT_ROOT_VS, w)) || !OK(map(f, VT_ROOT_VS, a)) || !WRITE(a, 77) ||
        !READ(a, 77)) {
        goto out;
    }
    // Deleting a cap that is not the last one leaves the table in place.
    seL4_CPtr c = vt_copy(pt, KEEL_RIGHTS_ALL);
    if (c && OK(vt_delete(c))) {
        EQ("probe after deleting a copy of the table cap", PROBE(VT_ROOT_VS, a), VT_PAGE);
        READ(a, 77);
    }
    c = vt_copy(pt, KEEL_RIGHTS_ALL);
    if (c && OK(vt_delete(pt))) {
        EQ("probe after deleting the original, a copy left", PROBE(VT_ROOT_VS, a), VT_PAGE);
        pt = c; // now the last cap
    }
    OK(vt_delete(pt));
    EQ("probe after deleting the table", PROBE(VT_ROOT_VS, a), 0);
    READ_FAULT(a, VT_FSC_TRANSLATION(2));
    ERR_IC(keel_arm_page_clean_data(f, 0, 64), 0);
    if (OK(pt_map(pt2, VT_ROOT_VS, w))) {
        READ_FAULT(a, VT_FSC_TRANSLATION(3));
        if (OK(map(f, VT_ROOT_VS, a))) {
            READ(a, 77);
        }
    }
out:
    vt_slot_release(mark);
}

const struct vt_test vt_tests_pt[] = {
    {"pt_map_levels_bitsleft", test_pt_levels},
    {"pt_map_errors", test_pt_map_errors},
    {"pt_unmap", test_pt_unmap},
    {"pt_delete_last_cap", test_pt_delete},
    {NULL, NULL},
};
