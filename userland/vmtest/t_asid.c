// SPDX-License-Identifier: BSD-2-Clause
// VM object retyping, ASIDControl_MakePool and ASIDPool_Assign (ABI sheet §7, §8.13, §8.14).

#include "vmtest.h"

#define ASIDS_PER_POOL 512
#define NUM_POOLS      128

static seL4_Error make_pool(seL4_CPtr untyped, seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    return keel_arm_asid_control_make_pool(seL4_CapASIDControl, untyped, root, index, depth);
}

// Retyping every VM object type; what derivation allows for unassigned/unmapped ones (§13.8).
static void test_retype_vm_objects(void)
{
    seL4_CPtr mark = vt_slot_mark();
    seL4_CPtr vs = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr pt = vt_new(seL4_ARM_PageTableObject, 0);
    seL4_CPtr small = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr large = vt_new(seL4_ARM_LargePageObject, 0);
    seL4_CPtr many = vt_new_n(seL4_ARM_PageTableObject, 0, 32);
    seL4_CPtr d = vt_slot();
    if (!vs || !pt || !small || !large || !many || !d) {
        goto out;
    }
    EQ("DebugCapIdentify(VSpace)", keel_debug_cap_identify(vs), KEEL_CAP_VSPACE);
    EQ("DebugCapIdentify(PageTable)", keel_debug_cap_identify(pt), KEEL_CAP_PAGE_TABLE);
    EQ("DebugCapIdentify(SmallPage)", keel_debug_cap_identify(small), KEEL_CAP_FRAME);
    EQ("DebugCapIdentify(LargePage)", keel_debug_cap_identify(large), KEEL_CAP_FRAME);
    for (unsigned i = 0; i < 32; i++) {
        EQ("DebugCapIdentify(one of 32 page tables)", keel_debug_cap_identify(many + i),
           KEEL_CAP_PAGE_TABLE);
    }
    // Copying a VSpace without ASID or an unmapped page table is refused (§13.8).
    ERR(keel_cnode_copy(VT_ROOT_CNODE, d, VT_DEPTH, VT_ROOT_CNODE, vs, VT_DEPTH, KEEL_RIGHTS_ALL),
        seL4_IllegalOperation);
    ERR(keel_cnode_copy(VT_ROOT_CNODE, d, VT_DEPTH, VT_ROOT_CNODE, pt, VT_DEPTH, KEEL_RIGHTS_ALL),
        seL4_IllegalOperation);
    EQ("slot after refused copies", keel_debug_cap_identify(d), KEEL_CAP_NULL);
    // Frames copy freely, and the copy is a frame too.
    if (OK(keel_cnode_copy(VT_ROOT_CNODE, d, VT_DEPTH, VT_ROOT_CNODE, small, VT_DEPTH,
                           KEEL_RIGHTS_ALL))) {
        EQ("DebugCapIdentify(copy of a frame)", keel_debug_cap_identify(d), KEEL_CAP_FRAME);
        OK(vt_delete(d));
    }
    // A VSpace without ASID cannot be used yet; unmapping what is not mapped does nothing.
    ERR_IC(keel_arm_vspace_clean_data(vs, 0x1000, 0x2000), 0);
    OK(keel_arm_page_table_unmap(pt));
    OK(keel_arm_page_unmap(small));
    OK(keel_arm_page_unmap(large));
    // Frame physical addresses follow the object size alignment (§8.3).
    seL4_Word pa_small = 1, pa_large = 1;
    if (OK(keel_arm_page_get_address(small, &pa_small)) &&
        OK(keel_arm_page_get_address(large, &pa_large))) {
        EQ("small page paddr & 0xfff", pa_small & (VT_PAGE - 1), 0);
        EQ("large page paddr & 0x1fffff", pa_large & (VT_LARGE - 1), 0);
        EQ("GetAddress reply length", keel_reply_length(), 1);
    }
out:
    vt_slot_release(mark);
}

// MakePool on a fresh 4 KiB untyped; the untyped is then full; the pool works; deletion.
static void test_make_pool(void)
{
    seL4_CPtr mark = vt_slot_mark();
    seL4_CPtr u = vt_new_untyped(12), pool = vt_slot(), d = vt_slot(), vs = 0, f = 0;
    if (!u || !pool || !d) {
        goto out;
    }
    if (!OK(make_pool(u, VT_ROOT_CNODE, pool, VT_DEPTH))) {
        goto out;
    }
    EQ("DebugCapIdentify(new pool)", keel_debug_cap_identify(pool), KEEL_CAP_ASID_POOL);
    // The untyped is marked full (§8.13): nothing more can be retyped from it.
    ERR_NOMEM(keel_untyped_retype(u, seL4_EndpointObject, 0, VT_ROOT_CNODE, 0, 0, d, 1), 0);
    // It has a child now, so it cannot become a second pool.
    ERR(make_pool(u, VT_ROOT_CNODE, d, VT_DEPTH), seL4_RevokeFirst);
    EQ("destination of the refused MakePool", keel_debug_cap_identify(d), KEEL_CAP_NULL);

    vs = vt_new(seL4_ARM_VSpaceObject, 0);
    f = vt_new(seL4_ARM_SmallPageObject, 0);
    if (!vs || !f || !OK(keel_arm_asid_pool_assign(pool, vs))) {
        goto out;
    }
    OK(vt_vspace_state(vs));
    if (OK(vt_map_auto(f, vs, 0x10000000, VT_RW, VT_CACHED))) {
        EQ("probe of the page mapped in the new pool's VSpace", PROBE(vs, 0x10000000), VT_PAGE);
    }
    // Deleting the pool's only cap deregisters it: its ASIDs die (§13.9).
    OK(vt_delete(pool));
    ERR_FL_ROOT(vt_vspace_state(vs));
    ERR_FL_ROOT(keel_arm_page_clean_data(f, 0, 64));
    // The untyped has no children any more and can become a pool again.
    OK(make_pool(u, VT_ROOT_CNODE, pool, VT_DEPTH));
out:
    vt_slot_release(mark);
}

// Two VSpaces of one pool get two different ASIDs: the same address maps different frames, and
// a thread running in each sees its own frame.
static void test_assign_distinct(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word x = 0x20000000, r1 = vt_window(1), r2 = r1 + 0x10000;
    seL4_CPtr pool = vt_new_pool();
    seL4_CPtr v1 = vt_new(seL4_ARM_VSpaceObject, 0), v2 = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr f1 = vt_new(seL4_ARM_SmallPageObject, 0), f2 = vt_new(seL4_ARM_SmallPageObject, 0);
    if (!pool || !v1 || !v2 || !f1 || !f2) {
        goto out;
    }
    if (!OK(keel_arm_asid_pool_assign(pool, v1)) || !OK(keel_arm_asid_pool_assign(pool, v2))) {
        goto out;
    }
    // An assigned VSpace cannot be assigned again, by any pool (§8.14).
    ERR_IC(keel_arm_asid_pool_assign(pool, v1), 1);
    ERR_IC(keel_arm_asid_pool_assign(seL4_CapInitThreadASIDPool, v2), 1);
    ERR_IC(keel_arm_asid_pool_assign(pool, VT_ROOT_VS), 1);
    OK(vt_vspace_state(v1));
    OK(vt_vspace_state(v2));
    if (!vt_map_image(v1) || !vt_map_image(v2)) {
        goto out;
    }
    seL4_CPtr c1 = vt_copy(f1, VT_RW), c2 = vt_copy(f2, VT_RW);
    if (!c1 || !c2 || !OK(vt_map_auto(f1, v1, x, VT_RW, VT_CACHED)) ||
        !OK(vt_map_auto(f2, v2, x, VT_RW, VT_CACHED)) ||
        !OK(vt_map_auto(c1, VT_ROOT_VS, r1, VT_RW, VT_CACHED)) ||
        !OK(vt_map_auto(c2, VT_ROOT_VS, r2, VT_RW, VT_CACHED))) {
        goto out;
    }
    EQ("probe of x in the root VSpace", PROBE(VT_ROOT_VS, x), 0);
    EQ("probe of x in v1", PROBE(v1, x), VT_PAGE);
    EQ("probe of x in v2", PROBE(v2, x), VT_PAGE);
    // Both frames' mappings are intact, i.e. the two ASIDs name two VSpaces.
    OK(keel_arm_page_clean_data(f1, 0, 64));
    OK(keel_arm_page_clean_data(f2, 0, 64));

    struct vt_run run;
    vt_worker_write64(r1 + 8, 0x1111111111111111UL, &run);
    CLEAN(run);
    vt_worker_write64(r2 + 8, 0x2222222222222222UL, &run);
    CLEAN(run);
    vt_prober_cmd.op = VT_OP_READ64;
    vt_prober_cmd.addr = x + 8;
    run = vt_run_prober(v1, NULL, NULL);
    if (CLEAN(run)) {
        EQ("x+8 read by a thread in v1", vt_prober_cmd.result, 0x1111111111111111UL);
    }
    run = vt_run_prober(v2, NULL, NULL);
    if (CLEAN(run)) {
        EQ("x+8 read by a thread in v2", vt_prober_cmd.result, 0x2222222222222222UL);
    }
out:
    vt_slot_release(mark);
}

// ASIDs are handed out lowest first and pools take the lowest free index (§8.13, §8.14). Not
// directly visible, but a stale VSpace cap shows it: after its pool is deleted and a new pool
// takes the same index, the first VSpace assigned gets the stale cap's ASID, and the stale cap
// then names "a different VSpace" (InvalidCapability) instead of a dead ASID (InvalidRoot).
static void test_lowest_free_asid(void)
{
    seL4_CPtr mark = vt_slot_mark();
    seL4_CPtr u = vt_new_untyped(12), pool = vt_slot();
    seL4_CPtr v1 = vt_new(seL4_ARM_VSpaceObject, 0), v2 = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr w1 = vt_new(seL4_ARM_VSpaceObject, 0), w2 = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), pt = vt_new(seL4_ARM_PageTableObject, 0);
    if (!u || !pool || !v1 || !v2 || !w1 || !w2 || !f || !pt) {
        goto out;
    }
    if (!OK(make_pool(u, VT_ROOT_CNODE, pool, VT_DEPTH)) ||
        !OK(keel_arm_asid_pool_assign(pool, v1)) || !OK(keel_arm_asid_pool_assign(pool, v2))) {
        goto out;
    }
    OK(vt_vspace_state(v1));
    OK(vt_vspace_state(v2));

    OK(vt_delete(pool));
    ERR_FL_ROOT(vt_vspace_state(v1));
    ERR_FL_ROOT(vt_vspace_state(v2));
    ERR_FL_ROOT(keel_arm_page_map(f, v1, 0x10000000, VT_RW, VT_CACHED));
    ERR_FL_ROOT(keel_arm_page_table_map(pt, v1, 0x10000000, 0));

    if (!OK(make_pool(u, VT_ROOT_CNODE, pool, VT_DEPTH)) ||
        !OK(keel_arm_asid_pool_assign(pool, w1))) {
        goto out;
    }
    // w1 took v1's ASID (the pool's lowest), v2's is still free.
    ERR_IC(vt_vspace_state(v1), 0);
    ERR_IC(keel_arm_page_map(f, v1, 0x10000000, VT_RW, VT_CACHED), 1);
    ERR_IC(keel_arm_page_table_map(pt, v1, 0x10000000, 0), 1);
    ERR_FL_ROOT(vt_vspace_state(v2));
    OK(vt_vspace_state(w1));
    if (OK(keel_arm_asid_pool_assign(pool, w2))) {
        ERR_IC(vt_vspace_state(v2), 0);
        OK(vt_vspace_state(w2));
    }
    // v1's cap is still "assigned" in its own record: it cannot be assigned again.
    ERR_IC(keel_arm_asid_pool_assign(pool, v1), 1);
out:
    vt_slot_release(mark);
}

// Capacity: a new pool holds 512 VSpaces; the initial pool 510 more (ASID 0 is never handed out,
// ASID 1 is the root task's, §12.3); a full pool says DeleteFirst; deleting a VSpace frees one.
static void test_pool_capacity(void)
{
    seL4_CPtr mark = vt_slot_mark();
    seL4_CPtr pool = vt_new_pool();
    seL4_CPtr a = vt_new_n(seL4_ARM_VSpaceObject, 0, 256);
    seL4_CPtr b = vt_new_n(seL4_ARM_VSpaceObject, 0, 256);
    seL4_CPtr extra = vt_new_n(seL4_ARM_VSpaceObject, 0, 2);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0);
    if (!pool || !a || !b || !extra || !f || b != a + 256 || extra != b + 256) {
        CHECK(false, "set-up failed");
        goto out;
    }
    unsigned n = 0;
    for (; n < ASIDS_PER_POOL; n++) {
        if (keel_arm_asid_pool_assign(pool, a + n) != seL4_NoError) {
            break;
        }
    }
    EQ("VSpaces a new pool accepted", n, ASIDS_PER_POOL);
    ERR(keel_arm_asid_pool_assign(pool, extra), seL4_DeleteFirst);
    // Check order: an unsuitable cap[0] is reported before the pool is found full.
    ERR_IC(keel_arm_asid_pool_assign(pool, a + 7), 1);
    ERR_IC(keel_arm_asid_pool_assign(pool, f), 1);
    // Deleting a VSpace's last cap frees its ASID, exactly one.
    OK(vt_delete(a + 100));
    OK(keel_arm_asid_pool_assign(pool, extra));
    ERR(keel_arm_asid_pool_assign(pool, extra + 1), seL4_DeleteFirst);
    OK(vt_vspace_state(extra));
    vt_slot_release(mark);

    // The initial pool: every test gives back its VSpaces, so only ASID 1 is taken.
    mark = vt_slot_mark();
    a = vt_new_n(seL4_ARM_VSpaceObject, 0, 256);
    b = vt_new_n(seL4_ARM_VSpaceObject, 0, 256);
    if (!a || !b || b != a + 256) {
        goto out;
    }
    for (n = 0; n < ASIDS_PER_POOL; n++) {
        if (keel_arm_asid_pool_assign(seL4_CapInitThreadASIDPool, a + n) != seL4_NoError) {
            break;
        }
    }
    EQ("VSpaces the initial pool accepted besides the root task's", n, ASIDS_PER_POOL - 2);
    if (n < ASIDS_PER_POOL) {
        vt_err(__LINE__, "Assign to the full initial pool", (seL4_Error)keel_reply_label(),
               seL4_DeleteFirst);
    }
out:
    vt_slot_release(mark);
}

// A FailedLookup reply with exactly these MRs.
static void expect_lookup(int line, const char *what, seL4_Error err, const seL4_Word *mr,
                          unsigned n)
{
    bool ok = err == seL4_FailedLookup && keel_reply_length() == n;
    for (unsigned i = 0; ok && i < n; i++) {
        ok = keel_mr(i) == mr[i];
    }
    vt_check(ok, line,
             "%s: got %s length %lu MRs 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx, expected FailedLookup "
             "length %u MRs 0x%lx 0x%lx 0x%lx ...",
             what, keel_error_name(err), keel_reply_length(), keel_mr(0), keel_mr(1), keel_mr(2),
             keel_mr(3), keel_mr(4), n, mr[0], mr[1], mr[2]);
}

// MakePool's checks, in the order of §8.13, including "all 128 pools allocated".
static void test_make_pool_errors(void)
{
    seL4_CPtr mark = vt_slot_mark();
    seL4_CPtr u = vt_new_untyped(12), d = vt_slot(), f = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr u8k = vt_new_untyped(13), u2k = vt_new_untyped(11), uc = vt_new_untyped(12);
    seL4_CPtr ep = vt_slot();
    if (!u || !d || !f || !u8k || !u2k || !uc || !ep) {
        goto out;
    }
    seL4_Word mr[2] = {d, VT_DEPTH};
    seL4_CPtr caps[2] = {u, VT_ROOT_CNODE};
    ERR(vt_invoke(seL4_CapASIDControl, KEEL_VM_INV_ASID_POOL_ASSIGN, 2, 2, mr, caps),
        seL4_IllegalOperation);
    ERR(vt_invoke(seL4_CapASIDControl, KEEL_VM_INV_PAGE_GET_ADDRESS, 2, 2, mr, caps),
        seL4_IllegalOperation);
    ERR(vt_invoke(seL4_CapASIDControl, KEEL_VM_INV_ASID_CONTROL_MAKE_POOL, 1, 2, mr, caps),
        seL4_TruncatedMessage);
    ERR(vt_invoke(seL4_CapASIDControl, KEEL_VM_INV_ASID_CONTROL_MAKE_POOL, 2, 1, mr, caps),
        seL4_TruncatedMessage);
    ERR(vt_invoke(seL4_CapASIDControl, KEEL_VM_INV_ASID_CONTROL_MAKE_POOL, 0, 0, mr, caps),
        seL4_TruncatedMessage);

    // cap[0]: not an untyped, wrong size, device memory.
    ERR_IC(make_pool(f, VT_ROOT_CNODE, d, VT_DEPTH), 1);
    ERR_IC(make_pool(u8k, VT_ROOT_CNODE, d, VT_DEPTH), 1);
    ERR_IC(make_pool(u2k, VT_ROOT_CNODE, d, VT_DEPTH), 1);
    ERR_IC(make_pool(seL4_CapNull, VT_ROOT_CNODE, d, VT_DEPTH), 1);
    // A 4 KiB device untyped: retyped from a device untyped (allowed, §7.2).
    int di = -1;
    for (unsigned i = 0; i < vt_num_untypeds() && di < 0; i++) {
        if (vt_untyped_desc(i)->isDevice && vt_untyped_desc(i)->sizeBits >= 12 &&
            vt_untyped_desc(i)->sizeBits < 30) {
            di = (int)i;
        }
    }
    seL4_CPtr udev = vt_slot();
    if (CHECK(di >= 0, "no device untyped between 4 KiB and 512 MiB") && udev &&
        OK(keel_untyped_retype(vt_untyped_cap((unsigned)di), seL4_UntypedObject, 12, VT_ROOT_CNODE,
                               0, 0, udev, 1))) {
        ERR_IC(make_pool(udev, VT_ROOT_CNODE, d, VT_DEPTH), 1);
    }
    // Order: cap[0]'s checks come before the destination's.
    ERR_IC(make_pool(u8k, VT_ROOT_CNODE, u, VT_DEPTH), 1);

    // An untyped with children: RevokeFirst, still before the destination is looked at.
    if (OK(keel_untyped_retype(uc, seL4_EndpointObject, 0, VT_ROOT_CNODE, 0, 0, ep, 1))) {
        ERR(make_pool(uc, VT_ROOT_CNODE, d, VT_DEPTH), seL4_RevokeFirst);
        ERR(make_pool(uc, VT_ROOT_CNODE, u, VT_DEPTH), seL4_RevokeFirst);
        ERR(make_pool(uc, VT_ROOT_CNODE, d, 0), seL4_RevokeFirst);
    }
    // The destination: depth range, root type, occupied slot.
    ERR_RANGE(make_pool(u, VT_ROOT_CNODE, d, 0), 1, 64);
    ERR_RANGE(make_pool(u, VT_ROOT_CNODE, d, 65), 1, 64);
    ERR_FL_ROOT(make_pool(u, f, d, VT_DEPTH));
    // Lookup failures of the destination are reported as FailedLookup(0, ...) (§11.2, §11.3).
    // The root CNode has radix r = initThreadCNodeSizeBits and a guard of 64 - r zero bits.
    const seL4_Word radix = vt.bi->initThreadCNodeSizeBits, guard = 64 - radix;
    seL4_Word mr_guard[] = {0, seL4_GuardMismatch, 12, 0, guard};
    expect_lookup(__LINE__, "destination depth 12: guard longer than the bits to resolve",
                  make_pool(u, VT_ROOT_CNODE, d, 12), mr_guard, 5);
    seL4_Word mr_guard2[] = {0, seL4_GuardMismatch, 64, 0, guard};
    expect_lookup(__LINE__, "destination index beyond the root CNode: guard mismatch",
                  make_pool(u, VT_ROOT_CNODE, 1UL << radix, VT_DEPTH), mr_guard2, 5);
    seL4_Word mr_depth[] = {0, seL4_DepthMismatch, 60, 64};
    expect_lookup(__LINE__, "destination depth 60: depth mismatch",
                  make_pool(u, VT_ROOT_CNODE, d, 60), mr_depth, 4);
    ERR(make_pool(u, VT_ROOT_CNODE, u, VT_DEPTH), seL4_DeleteFirst);
    // None of the refusals consumed anything.
    EQ("destination after the refusals", keel_debug_cap_identify(d), KEEL_CAP_NULL);
    if (!OK(make_pool(u, VT_ROOT_CNODE, d, VT_DEPTH))) {
        goto out;
    }

    // Use up every pool index: 128 in all, the initial pool included (§4.5, §8.13).
    unsigned made = 1;
    seL4_CPtr last_u = 0;
    for (unsigned i = 0; i < NUM_POOLS + 2; i++) {
        seL4_CPtr ui = vt_new_untyped(12), si = vt_slot();
        if (!ui || !si) {
            break;
        }
        seL4_Error e = make_pool(ui, VT_ROOT_CNODE, si, VT_DEPTH);
        if (e == seL4_DeleteFirst) {
            last_u = ui;
            break;
        }
        if (!OK(e)) {
            break;
        }
        made++;
    }
    EQ("pools created besides the initial one", made, NUM_POOLS - 1);
    if (last_u) {
        seL4_CPtr d2 = vt_slot();
        // "All pools allocated" is checked before cap[0]: a frame gets DeleteFirst too.
        ERR(make_pool(f, VT_ROOT_CNODE, d2, VT_DEPTH), seL4_DeleteFirst);
        ERR(make_pool(u8k, VT_ROOT_CNODE, d2, VT_DEPTH), seL4_DeleteFirst);
        // Deleting a pool frees its index for exactly one new pool.
        OK(vt_delete(d));
        OK(make_pool(last_u, VT_ROOT_CNODE, d2, VT_DEPTH));
        ERR(make_pool(u, VT_ROOT_CNODE, d, VT_DEPTH), seL4_DeleteFirst);
    }
out:
    vt_slot_release(mark);
}

// Assign's checks, in the order of §8.14.
static void test_assign_errors(void)
{
    seL4_CPtr mark = vt_slot_mark();
    seL4_CPtr pool = vt_new_pool(), vs = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr v2 = vt_new(seL4_ARM_VSpaceObject, 0), pt = vt_new(seL4_ARM_PageTableObject, 0);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), empty = vt_slot();
    if (!pool || !vs || !v2 || !pt || !f || !empty) {
        goto out;
    }
    seL4_CPtr caps[1] = {vs};
    ERR(vt_invoke(pool, KEEL_VM_INV_ASID_CONTROL_MAKE_POOL, 0, 1, NULL, caps),
        seL4_IllegalOperation);
    ERR(vt_invoke(pool, KEEL_VM_INV_PAGE_TABLE_MAP, 0, 1, NULL, caps), seL4_IllegalOperation);
    ERR(vt_invoke(pool, KEEL_VM_INV_ASID_POOL_ASSIGN, 0, 0, NULL, caps), seL4_TruncatedMessage);
    ERR_IC(keel_arm_asid_pool_assign(pool, pt), 1);
    ERR_IC(keel_arm_asid_pool_assign(pool, f), 1);
    ERR_IC(keel_arm_asid_pool_assign(pool, empty), 1);
    ERR_IC(keel_arm_asid_pool_assign(pool, pool), 1);
    ERR_IC(keel_arm_asid_pool_assign(pool, VT_ROOT_VS), 1);
    ERR_IC(vt_vspace_state(vs), 0);
    if (!OK(keel_arm_asid_pool_assign(pool, vs))) {
        goto out;
    }
    ERR_IC(keel_arm_asid_pool_assign(pool, vs), 1);
    // An assigned VSpace may be copied; the copy shares the ASID and is "assigned" too.
    seL4_CPtr c = vt_copy(vs, KEEL_RIGHTS_ALL);
    if (c) {
        OK(vt_vspace_state(c));
        ERR_IC(keel_arm_asid_pool_assign(pool, c), 1);
    }
    // Pool caps copy like any other; a copy assigns from the same pool.
    seL4_CPtr pc = vt_copy(pool, KEEL_RIGHTS_ALL);
    if (pc) {
        EQ("DebugCapIdentify(copy of a pool)", keel_debug_cap_identify(pc), KEEL_CAP_ASID_POOL);
        OK(keel_arm_asid_pool_assign(pc, v2));
        OK(vt_vspace_state(v2));
    }
    // (FailedLookup(InvalidRoot) and InvalidCapability(0) of §8.14 need a pool cap whose pool
    // is gone, which deletion of the last cap never leaves behind: not reachable from here.)
out:
    vt_slot_release(mark);
}

const struct vt_test vt_tests_asid[] = {
    {"retype_vm_objects", test_retype_vm_objects},
    {"asid_make_pool", test_make_pool},
    {"asid_assign_two_vspaces", test_assign_distinct},
    {"asid_lowest_free_reuse", test_lowest_free_asid},
    {"asid_pool_capacity", test_pool_capacity},
    {"asid_make_pool_errors", test_make_pool_errors},
    {"asid_assign_errors", test_assign_errors},
    {NULL, NULL},
};
