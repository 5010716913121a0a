// SPDX-License-Identifier: BSD-2-Clause
// Page_Map/Unmap/GetAddress: 4 KiB, 2 MiB and 1 GiB frames, Page_Map's checks, silent replacement.

// ABI sheet §8.3, §8.12, §12.1, §13.8-§13.11, §13.16, §13.17.

#include "vmtest.h"

static seL4_Error map(seL4_CPtr frame, seL4_CPtr vs, seL4_Word vaddr)
{
    return keel_arm_page_map(frame, vs, vaddr, VT_RW, VT_CACHED);
}

static seL4_Word pattern(seL4_Word seed, seL4_Word offset)
{
    return vt_mix(seed * 0x9E3779B97F4A7C15UL + offset);
}

// Writes pattern words through `via` at the offsets and checks them through `check` (worker).
static bool share_check(int line, seL4_Word via, seL4_Word check, const seL4_Word *offsets,
                        unsigned n, seL4_Word seed)
{
    vt_worker_cmd.op = VT_OP_WRITE_LIST;
    vt_worker_cmd.count = n;
    for (unsigned i = 0; i < n; i++) {
        vt_worker_cmd.list[i].addr = via + offsets[i];
        vt_worker_cmd.list[i].value = pattern(seed, offsets[i]);
    }
    struct vt_run r = vt_run_worker(NULL, NULL);
    if (!vt_expect_clean(line, &r)) {
        return false;
    }
    vt_worker_cmd.op = VT_OP_CHECK_LIST;
    for (unsigned i = 0; i < n; i++) {
        vt_worker_cmd.list[i].addr = check + offsets[i];
    }
    r = vt_run_worker(NULL, NULL);
    if (!vt_expect_clean(line, &r)) {
        return false;
    }
    return vt_check(vt_worker_cmd.result == 0, line,
                    "%lu of %u words written at 0x%lx differ when read at 0x%lx (first: 0x%lx "
                    "read 0x%lx, expected 0x%lx)",
                    vt_worker_cmd.result, n, via, check, vt_worker_cmd.bad_addr,
                    vt_worker_cmd.bad_got, vt_worker_cmd.bad_want);
}

// Page_GetAddress agrees with BootInfo's untyped addresses and the placement rules of §8.3; the
// image frames are contiguous (§12.1); retyping again after deletion hands out zeroed memory.
static void test_get_address(void)
{
    seL4_CPtr mark = vt_slot_mark();
    if (!CHECK(vt.fresh_ut >= 0, "no unused RAM untyped of at least 4 MiB")) {
        return;
    }
    const seL4_UntypedDesc *d = vt_untyped_desc((unsigned)vt.fresh_ut);
    seL4_CPtr ut = vt_untyped_cap((unsigned)vt.fresh_ut);
    seL4_Word base = d->paddr, pa = 0;
    seL4_CPtr s = vt_slots(3), lp = vt_slot();
    if (!s || !lp) {
        goto out;
    }
    if (!OK(keel_untyped_retype(ut, seL4_ARM_SmallPageObject, 0, VT_ROOT_CNODE, 0, 0, s, 3)) ||
        !OK(keel_untyped_retype(ut, seL4_ARM_LargePageObject, 0, VT_ROOT_CNODE, 0, 0, lp, 1))) {
        goto out;
    }
    for (unsigned i = 0; i < 3; i++) {
        if (OK(keel_arm_page_get_address(s + i, &pa))) {
            EQ("reply length of GetAddress", keel_reply_length(), 1);
            EQ("paddr of the i-th frame retyped from a fresh untyped", pa, base + i * VT_PAGE);
        }
    }
    if (OK(keel_arm_page_get_address(lp, &pa))) {
        EQ("paddr of the next 2 MiB page (aligned up)", pa, base + VT_LARGE);
    }
    seL4_CPtr c = vt_copy(s + 1, VT_RO);
    if (c && OK(keel_arm_page_get_address(c, &pa))) {
        EQ("paddr through a read-only copy", pa, base + VT_PAGE);
    }
    // Image frames: one cap per page, physically contiguous, in address order.
    seL4_SlotRegion r = vt.bi->userImageFrames;
    seL4_Word first = 0;
    if (OK(keel_arm_page_get_address(r.start, &first))) {
        EQ("image base paddr & 0xfff", first & (VT_PAGE - 1), 0);
        for (seL4_CPtr i = r.start + 1; i < r.end; i++) {
            if (!OK(keel_arm_page_get_address(i, &pa)) ||
                !EQ("paddr of an image frame", pa, first + (i - r.start) * VT_PAGE)) {
                break;
            }
        }
    }
    if (OK(keel_arm_page_get_address(seL4_CapInitThreadIPCBuffer, &pa))) {
        EQ("IPC buffer frame paddr & 0xfff", pa & (VT_PAGE - 1), 0);
    }
    // Dirty a frame, delete everything retyped from the untyped, retype again: the untyped is
    // reset and the same memory comes back zeroed (§13.10).
    const seL4_Word w = vt_window(4);
    if (!OK(vt_map_auto(s, VT_ROOT_VS, w, VT_RW, VT_CACHED)) ||
        !WRITE(w + 0x80, 0xFEEDFACECAFEBEEFUL)) {
        goto out;
    }
    vt_slot_release(mark);
    s = vt_slots(1);
    if (s && OK(keel_untyped_retype(ut, seL4_ARM_SmallPageObject, 0, VT_ROOT_CNODE, 0, 0, s, 1)) &&
        OK(keel_arm_page_get_address(s, &pa)) && EQ("paddr after reset", pa, base) &&
        OK(vt_map_auto(s, VT_ROOT_VS, w, VT_RW, VT_CACHED))) {
        READ(w + 0x80, 0);
    }
out:
    vt_slot_release(mark);
}

// A 4 KiB frame and a copy of its cap mapped at two addresses share memory both ways.
static void test_map_4k_shared(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word a = vt_window(5), b = a + 0x10000;
    static const seL4_Word offsets[] = {0, 8, 0x800, 0xFF8};
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr c = f ? vt_copy(f, VT_RW) : 0;
    seL4_Word pa = 0, pc = 1;
    if (!c || !OK(vt_map_auto(f, VT_ROOT_VS, a, VT_RW, VT_CACHED)) ||
        !OK(vt_map_auto(c, VT_ROOT_VS, b, VT_RW, VT_CACHED))) {
        goto out;
    }
    EQ("probe of a", PROBE(VT_ROOT_VS, a), VT_PAGE);
    EQ("probe of b", PROBE(VT_ROOT_VS, b), VT_PAGE);
    EQ("probe of b + 4 KiB", PROBE(VT_ROOT_VS, b + VT_PAGE), 0);
    READ(a + 0x100, 0); // new frames are zero (§7.2)
    share_check(__LINE__, a, b, offsets, 4, 1);
    share_check(__LINE__, b, a, offsets, 4, 2);
    if (OK(keel_arm_page_get_address(f, &pa)) && OK(keel_arm_page_get_address(c, &pc))) {
        EQ("paddr of the copy", pc, pa);
    }
    OK(keel_arm_page_unmap(c));
    EQ("probe of b after Page_Unmap", PROBE(VT_ROOT_VS, b), 0);
    READ_FAULT(b + 8, VT_FSC_TRANSLATION(3));
    READ(a + 8, pattern(2, 8));
    // A copy of a mapped frame cap starts unmapped (§13.8).
    seL4_CPtr c2 = vt_copy(f, VT_RW);
    if (c2) {
        ERR(keel_arm_page_clean_data(c2, 0, 64), seL4_IllegalOperation);
        // Deleting a mapped cap unmaps it even though other caps to the frame remain (§13.9).
        if (OK(map(c2, VT_ROOT_VS, b)) && READ(b + 8, pattern(2, 8)) && OK(vt_delete(c2))) {
            EQ("probe of b after deleting its cap", PROBE(VT_ROOT_VS, b), 0);
            READ_FAULT(b + 8, VT_FSC_TRANSLATION(3));
            READ(a + 8, pattern(2, 8));
        }
    }
out:
    vt_slot_release(mark);
}

// A 2 MiB frame: mapped at a level-2 entry, shared through a second mapping, nothing below it.
static void test_map_2m(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word a = vt_window(6) + VT_LARGE, b = vt_window(7) + VT_LARGE;
    static const seL4_Word offsets[] = {0, 0x1000, 0x100000, 0x1FFFF8};
    seL4_CPtr lp = vt_new(seL4_ARM_LargePageObject, 0);
    seL4_CPtr c = lp ? vt_copy(lp, VT_RW) : 0, c2 = lp ? vt_copy(lp, VT_RW) : 0;
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), pt = vt_new(seL4_ARM_PageTableObject, 0);
    seL4_Word pa = 0, pc = 1;
    if (!c || !c2 || !f || !pt) {
        goto out;
    }
    ERR(map(c2, VT_ROOT_VS, a + VT_PAGE), seL4_AlignmentError);
    if (!OK(map(lp, VT_ROOT_VS, a)) || !OK(map(c, VT_ROOT_VS, b))) {
        goto out;
    }
    EQ("probe inside the 2 MiB page", PROBE(VT_ROOT_VS, a + 0x123000), VT_LARGE);
    share_check(__LINE__, a, b, offsets, 4, 3);
    share_check(__LINE__, b, a, offsets, 4, 4);
    if (OK(keel_arm_page_get_address(lp, &pa)) && OK(keel_arm_page_get_address(c, &pc))) {
        EQ("large page paddr & 0x1fffff", pa & (VT_LARGE - 1), 0);
        EQ("paddr of the copy", pc, pa);
    }
    ERR_FL_MISSING(map(f, VT_ROOT_VS, a + 0x3000), 21);
    ERR(keel_arm_page_table_map(pt, VT_ROOT_VS, a + 0x3000, 0), seL4_DeleteFirst);
    // Another 2 MiB frame at b replaces the copy silently; the copy's record is then stale.
    seL4_CPtr other = vt_new(seL4_ARM_LargePageObject, 0);
    if (other && OK(map(other, VT_ROOT_VS, b))) {
        READ(b + 0x1000, 0);
        ERR_IC(keel_arm_page_clean_data(c, 0, 64), 0);
        OK(keel_arm_page_unmap(c));
        EQ("probe of b after unmapping the displaced copy", PROBE(VT_ROOT_VS, b), VT_LARGE);
        if (OK(keel_arm_page_unmap(other)) && OK(map(c, VT_ROOT_VS, b))) {
            READ(b + 0x1000, pattern(4, 0x1000));
        }
    }
    OK(keel_arm_page_unmap(lp));
    EQ("probe after Page_Unmap", PROBE(VT_ROOT_VS, a), 0);
    READ_FAULT(a + 0x1000, VT_FSC_TRANSLATION(2));
    READ(b + 0x1000, pattern(4, 0x1000));
out:
    vt_slot_release(mark);
}

// A 1 GiB frame read and written through two mappings. Needs 1 GiB of memory in one naturally
// aligned piece: a RAM untyped of 1 GiB, or on the Raspberry Pi 4 the second GiB of physical
// memory, which the kernel's memory map (960 MiB) leaves out and therefore hands out as device
// untyped, but which a 2 GiB board (and QEMU's raspi4b) backs with RAM.
static void test_map_1g_rw(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word a = 0x4000000000UL, b = 0x4040000000UL;
    static const seL4_Word offsets[] = {0, 0x1000, 0x12345678UL & ~7UL, 0x20000000, 0x3FFFFFF8};
    int found = -1;
    unsigned largest = 0;
    seL4_CPtr hp = vt_slot();
    if (!hp) {
        goto out;
    }
    for (unsigned i = 0; i < vt_num_untypeds() && found < 0; i++) {
        const seL4_UntypedDesc *d = vt_untyped_desc(i);
        if (d->isDevice) {
            continue;
        }
        largest = d->sizeBits > largest ? d->sizeBits : largest;
        if (d->sizeBits >= 30 && keel_untyped_retype(vt_untyped_cap(i), seL4_ARM_HugePageObject, 0,
                                                     VT_ROOT_CNODE, 0, 0, hp, 1) == seL4_NoError) {
            found = (int)i;
        }
    }
    const char *what = "RAM untyped";
    if (found < 0 && vt.platform == VT_PLAT_RPI4 && vt_find_device_untyped(VT_HUGE, 30) >= 0) {
        hp = vt_device_frame(VT_HUGE, 30);
        if (!hp) {
            goto out;
        }
        found = vt_find_device_untyped(VT_HUGE, 30);
        what = "device untyped at 0x40000000 (RAM beyond the kernel's memory map)";
    }
    if (found < 0) {
        vt_skip("no 1 GiB of memory in one piece: no RAM untyped of 1 GiB (largest RAM untyped "
                "2^%u) and no other memory known on this board",
                largest);
        goto out;
    }
    vt_info("page_map_1g_rw: 1 GiB frame from a %s", what);
    seL4_CPtr c = vt_copy(hp, VT_RW);
    seL4_Word pa = 0;
    if (!c || !OK(map(hp, VT_ROOT_VS, a)) || !OK(map(c, VT_ROOT_VS, b))) {
        goto out;
    }
    if (OK(keel_arm_page_get_address(hp, &pa))) {
        EQ("huge page paddr & (1 GiB - 1)", pa & (VT_HUGE - 1), 0);
        const seL4_UntypedDesc *d = vt_untyped_desc((unsigned)found);
        CHECK(pa >= d->paddr && pa + VT_HUGE <= d->paddr + (1UL << d->sizeBits),
              "huge page paddr 0x%lx outside its untyped [0x%lx, +2^%u)", pa, d->paddr,
              d->sizeBits);
    }
    EQ("probe of the 1 GiB page", PROBE(VT_ROOT_VS, a + 0x2345000), VT_HUGE);
    struct vt_run r;
    vt_worker_read64(a, &r);
    if (r.faults && VT_ESR_FSC(r.first.fsr) == 0x10) {
        vt_skip("no memory behind physical 0x%lx (synchronous external abort)", pa);
        goto out;
    }
    if (!CLEAN(r)) {
        goto out;
    }
    share_check(__LINE__, a, b, offsets, 5, 5);
    share_check(__LINE__, b, a, offsets, 5, 6);
    OK(keel_arm_page_unmap(c));
    READ_FAULT(b, VT_FSC_TRANSLATION(1));
    READ(a + 0x20000000, pattern(6, 0x20000000));
    if (vt_untyped_desc((unsigned)found)->isDevice) {
        // Device untypeds are never zeroed when reset (§8.3, §13.10): delete everything taken
        // from it, carve the same frame again, and the data is still there.
        vt_slot_release(mark);
        hp = vt_device_frame(VT_HUGE, 30);
        if (hp && OK(keel_arm_page_get_address(hp, &pa)) && EQ("paddr again", pa, VT_HUGE) &&
            OK(map(hp, VT_ROOT_VS, a))) {
            READ(a + 0x20000000, pattern(6, 0x20000000));
        }
    }
out:
    vt_slot_release(mark);
}

// A 1 GiB device frame: mapping checks only (the memory behind it is never touched).
static void test_map_1g_device(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word a = 0x4080000000UL;
    seL4_CPtr hp = vt_device_huge();
    if (!hp) {
        vt_skip("no device untyped of 1 GiB or more");
        goto out;
    }
    seL4_CPtr c = vt_copy(hp, VT_RW);
    seL4_Word pa = 0;
    if (!c) {
        goto out;
    }
    if (OK(keel_arm_page_get_address(hp, &pa))) {
        EQ("device huge page paddr & (1 GiB - 1)", pa & (VT_HUGE - 1), 0);
        CHECK(vt_find_device_untyped(pa, 30) >= 0, "no device untyped covers 0x%lx", pa);
    }
    ERR(keel_arm_page_map(hp, VT_ROOT_VS, a + VT_LARGE, VT_RW, 0), seL4_AlignmentError);
    if (!OK(keel_arm_page_map(hp, VT_ROOT_VS, a, VT_RW, 0))) {
        goto out;
    }
    EQ("probe of the 1 GiB page", PROBE(VT_ROOT_VS, a + VT_LARGE), VT_HUGE);
    OK(keel_arm_page_map(hp, VT_ROOT_VS, a, VT_RO, VT_XN)); // remap: new rights/attributes
    ERR_IA(keel_arm_page_map(hp, VT_ROOT_VS, a + VT_HUGE, VT_RW, 0), 0);
    // A second mapping of the same frame through the copy.
    if (OK(keel_arm_page_map(c, VT_ROOT_VS, a + VT_HUGE, VT_RW, 0))) {
        EQ("probe of the second mapping", PROBE(VT_ROOT_VS, a + VT_HUGE + 0x1000), VT_HUGE);
        OK(keel_arm_page_unmap(c));
        EQ("probe of the first mapping after unmapping the second", PROBE(VT_ROOT_VS, a), VT_HUGE);
    }
    // Silent replacement by another frame of the same size (§13.11): the displaced cap is stale,
    // and unmapping it leaves the new mapping alone.
    seL4_CPtr other = vt_device_huge();
    if (other) {
        seL4_Word po = 0;
        if (OK(keel_arm_page_get_address(other, &po)) &&
            CHECK(po != pa, "two huge frames at 0x%lx", po) &&
            OK(keel_arm_page_map(other, VT_ROOT_VS, a, VT_RW, 0))) {
            OK(keel_arm_page_unmap(hp));
            EQ("probe after unmapping the displaced cap", PROBE(VT_ROOT_VS, a), VT_HUGE);
            OK(keel_arm_page_unmap(other));
        }
    } else {
        vt_info("only one device huge frame available: replacement case left out");
        OK(keel_arm_page_unmap(hp));
    }
    EQ("probe after unmapping", PROBE(VT_ROOT_VS, a), 0);
out:
    vt_slot_release(mark);
}

// Page_Map's checks in the order of §8.12.
static void test_map_errors(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(8), beyond = seL4_UserTop + 1;
    seL4_CPtr vs = vt_new_vspace(0), un = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), f2 = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr lp = vt_new(seL4_ARM_LargePageObject, 0), pt = vt_new(seL4_ARM_PageTableObject, 0);
    seL4_CPtr u = vt_new_untyped(12), pool = vt_slot(), dead = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr other = vt_new(seL4_ARM_VSpaceObject, 0), ep = vt_new(seL4_EndpointObject, 0);
    if (!vs || !un || !f || !f2 || !lp || !pt || !u || !pool || !dead || !other || !ep) {
        goto out;
    }
    seL4_Word mr[3] = {w, VT_RW, VT_CACHED};
    seL4_CPtr caps[1] = {VT_ROOT_VS};
    ERR(vt_invoke(f, KEEL_VM_INV_PAGE_MAP, 2, 1, mr, caps), seL4_TruncatedMessage);
    ERR(vt_invoke(f, KEEL_VM_INV_PAGE_MAP, 3, 0, mr, caps), seL4_TruncatedMessage);
    static const seL4_Word bad_labels[] = {0, 34, 35, 36, 30, 44, 45, 46, 47, 1000};
    for (unsigned i = 0; i < sizeof(bad_labels) / sizeof(bad_labels[0]); i++) {
        if (!ERR(vt_invoke(f, bad_labels[i], 3, 1, mr, caps), seL4_IllegalOperation)) {
            vt_info("label %lu on a frame cap", bad_labels[i]);
        }
    }
    // 2: cap[0] a VSpace with an ASID (before alignment and address checks).
    ERR_IC(map(f, un, w), 1);
    ERR_IC(map(f, pt, w), 1);
    ERR_IC(map(f, f2, w), 1);
    ERR_IC(map(f, ep, w), 1);
    ERR_IC(map(f, seL4_CapNull, w), 1);
    ERR_IC(map(f, un, w + 0x800), 1);
    ERR_IC(map(f, un, beyond), 1);
    // 3: dead ASID, then ASID of another VSpace (before alignment and address).
    if (OK(keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, pool,
                                           VT_DEPTH)) &&
        OK(keel_arm_asid_pool_assign(pool, dead)) && OK(vt_delete(pool))) {
        ERR_FL_ROOT(map(f, dead, w));
        ERR_FL_ROOT(map(f, dead, w + 0x800));
        ERR_FL_ROOT(map(f, dead, beyond));
        if (OK(keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, pool,
                                               VT_DEPTH)) &&
            OK(keel_arm_asid_pool_assign(pool, other))) {
            ERR_IC(map(f, dead, w), 1);
            ERR_IC(map(f, dead, w + 0x800), 1);
        }
    }
    // 4: alignment to the frame size (before the address range).
    ERR(map(f, VT_ROOT_VS, w + 0x800), seL4_AlignmentError);
    ERR(map(f, VT_ROOT_VS, w + 8), seL4_AlignmentError);
    ERR(map(lp, VT_ROOT_VS, w + VT_PAGE), seL4_AlignmentError);
    ERR(map(f, VT_ROOT_VS, beyond + 0x800), seL4_AlignmentError);
    // 5 (unmapped cap): the frame must end at or below seL4_UserTop.
    ERR_IA(map(f, VT_ROOT_VS, beyond), 0);
    ERR_IA(map(f, VT_ROOT_VS, 0xFFFFFFFFFFFFF000UL), 0);
    ERR_IA(map(lp, VT_ROOT_VS, beyond), 0);
    ERR_FL_MISSING(map(f, vs, seL4_UserTop & ~(VT_PAGE - 1)), 39); // the last page is fine
    ERR_FL_MISSING(map(lp, vs, seL4_UserTop & ~(VT_LARGE - 1)), 39);
    // 5 (mapped cap): same ASID and address only ("remap").
    if (!OK(vt_map_auto(f, VT_ROOT_VS, w, VT_RW, VT_CACHED))) {
        goto out;
    }
    ERR_IA(map(f, VT_ROOT_VS, w + VT_PAGE), 0);
    ERR_IA(map(f, VT_ROOT_VS, beyond), 0);
    ERR(map(f, VT_ROOT_VS, w + 0x800), seL4_AlignmentError);
    ERR_IC(map(f, vs, w), 1);
    ERR_IC(map(f, un, w), 1);
    OK(map(f, VT_ROOT_VS, w));
    // Rights are masked to their 4 bits (§4.2); unknown attribute bits are ignored (§4.6).
    if (OK(keel_arm_page_map(f, VT_ROOT_VS, w, 0xFFFFFFF0UL | VT_RW, 0xF8UL | VT_CACHED))) {
        WRITE(w + 16, 16);
        READ(w + 16, 16);
    }
    EQ("probe of w", PROBE(VT_ROOT_VS, w), VT_PAGE);
out:
    vt_slot_release(mark);
}

// Silent replacement of a same-size mapping (§13.11), stale caps, remap with new rights.
static void test_remap_replace(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(9);
    seL4_CPtr f1 = vt_new(seL4_ARM_SmallPageObject, 0), f2 = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr c2 = f2 ? vt_copy(f2, VT_RW) : 0;
    if (!f1 || !c2) {
        goto out;
    }
    if (!OK(vt_map_auto(f1, VT_ROOT_VS, w, VT_RW, VT_CACHED)) || !WRITE(w + 8, 0x1111) ||
        !OK(map(c2, VT_ROOT_VS, w + 0x2000))) {
        goto out;
    }
    if (!OK(map(f2, VT_ROOT_VS, w))) { // replaces f1
        goto out;
    }
    READ(w + 8, 0);
    WRITE(w + 8, 0x2222);
    READ(w + 0x2008, 0x2222);
    // f1's cap still records w but no longer maps it: stale.
    ERR_IC(keel_arm_page_clean_data(f1, 0, 64), 0);
    OK(keel_arm_page_unmap(f1)); // must not touch f2's mapping
    EQ("probe of w after unmapping the displaced cap", PROBE(VT_ROOT_VS, w), VT_PAGE);
    READ(w + 8, 0x2222);
    ERR(keel_arm_page_clean_data(f1, 0, 64), seL4_IllegalOperation); // unmapped now
    if (OK(map(f1, VT_ROOT_VS, w + 0x1000))) {
        READ(w + 0x1008, 0x1111);
    }
    // Remapping the same cap at the same address changes its rights.
    if (OK(keel_arm_page_map(f2, VT_ROOT_VS, w, VT_RO, VT_CACHED))) {
        WRITE_FAULT(w + 8, VT_FSC_PERMISSION(3));
        READ(w + 8, 0x2222);
    }
    if (OK(map(f2, VT_ROOT_VS, w))) {
        WRITE(w + 8, 0x3333);
        READ(w + 0x2008, 0x3333);
    }
out:
    vt_slot_release(mark);
}

const struct vt_test vt_tests_frame[] = {
    {"page_get_address", test_get_address},
    {"page_map_4k_shared", test_map_4k_shared},
    {"page_map_2m_shared", test_map_2m},
    {"page_map_1g_rw", test_map_1g_rw},
    {"page_map_1g_device", test_map_1g_device},
    {"page_map_errors", test_map_errors},
    {"page_remap_replace", test_remap_replace},
    {NULL, NULL},
};
