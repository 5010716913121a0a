// SPDX-License-Identifier: BSD-2-Clause
// Access rights and VM faults: read-only and execute-never mappings, rights masking, revocation.

// ABI sheet §4.6, §8.12, §10.2-§10.4, §13.8, §13.9.

#include "vmtest.h"

// add x0, x0, #1 ; ret
#define CODE_INC_RET 0xD65F03C091000400UL

static seL4_Error map(seL4_CPtr frame, seL4_CPtr vs, seL4_Word vaddr)
{
    return keel_arm_page_map(frame, vs, vaddr, VT_RW, VT_CACHED);
}

struct fix_ctx {
    seL4_CPtr frame;
    seL4_Word vaddr, rights, attr;
    unsigned calls;
    seL4_Error err;
};

// Fault handler: (re)maps ctx->frame at ctx->vaddr with the given rights and attributes.
static bool fix_mapping(const struct vt_fault *f, void *p)
{
    struct fix_ctx *ctx = p;
    (void)f;
    ctx->calls++;
    ctx->err = keel_arm_page_map(ctx->frame, VT_ROOT_VS, ctx->vaddr, ctx->rights, ctx->attr);
    return ctx->err == seL4_NoError;
}

// Writing to a read-only mapping faults (permission, WnR = 1, §10.3); the handler remaps the page
// read-write and replies; the thread re-executes the store and completes (§10.4). Then the same
// with a handler that maps a different, writable frame at the address instead.
static void test_read_only(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(13), a = w + 0x10, v = 0x0B5E55ED0B5E55EDUL;
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), g = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr fc = f ? vt_copy(f, VT_RW) : 0, gc = g ? vt_copy(g, VT_RW) : 0;
    if (!fc || !gc || !OK(vt_map_auto(f, VT_ROOT_VS, w, VT_RO, VT_CACHED)) ||
        !OK(map(fc, VT_ROOT_VS, w + 0x10000)) || !OK(map(gc, VT_ROOT_VS, w + 0x20000))) {
        goto out;
    }
    READ(a, 0); // reading is allowed
    struct fix_ctx ctx = {f, w, VT_RW, VT_CACHED, 0, seL4_NoError};
    vt_worker_cmd.op = VT_OP_WRITE64;
    vt_worker_cmd.addr = a;
    vt_worker_cmd.value = v;
    struct vt_run r = vt_run_worker(fix_mapping, &ctx);
    OK(ctx.err);
    vt_expect_vmfault(__LINE__, &r, (seL4_Word)vt_write64_insn, a, 0, VT_EC_DABT_LOWER,
                      VT_FSC_PERMISSION(3), 1, true);
    READ(w + 0x10010, v); // the store landed in f

    // Read-only again; this time the handler puts g there (silent replacement, §13.11).
    if (!OK(keel_arm_page_map(f, VT_ROOT_VS, w, VT_RO, VT_CACHED))) {
        goto out;
    }
    ctx = (struct fix_ctx){g, w, VT_RW, VT_CACHED, 0, seL4_NoError};
    vt_worker_cmd.op = VT_OP_WRITE64;
    vt_worker_cmd.addr = a + 8;
    vt_worker_cmd.value = ~v;
    r = vt_run_worker(fix_mapping, &ctx);
    OK(ctx.err);
    vt_expect_vmfault(__LINE__, &r, (seL4_Word)vt_write64_insn, a + 8, 0, VT_EC_DABT_LOWER,
                      VT_FSC_PERMISSION(3), 1, true);
    READ(w + 0x20018, ~v); // in g
    READ(w + 0x10018, 0);  // not in f
    READ(a, 0);            // w now shows g
out:
    vt_slot_release(mark);
}

// Rights masking (§13.8): a mapping never gets more than the cap's rights; without Read the
// mapping gives EL0 no data access at all.
static void test_rights_masking(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(14);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr ro = f ? vt_copy(f, VT_RO) : 0;
    seL4_CPtr ro_rw = ro ? vt_copy(ro, VT_RW) : 0; // copying cannot add Write back
    seL4_CPtr wo = f ? vt_copy(f, KEEL_RIGHT_WRITE) : 0;
    seL4_CPtr c1 = f ? vt_copy(f, VT_RW) : 0, c2 = f ? vt_copy(f, VT_RW) : 0;
    seL4_CPtr c3 = f ? vt_copy(f, VT_RW) : 0, view = f ? vt_copy(f, VT_RW) : 0;
    if (!ro || !ro_rw || !wo || !c1 || !c2 || !c3 || !view) {
        goto out;
    }
    if (!OK(vt_map_auto(view, VT_ROOT_VS, w + 0x10000, VT_RW, VT_CACHED)) ||
        !WRITE(w + 0x10008, 0x5EE)) {
        goto out;
    }
    struct {
        seL4_CPtr cap;
        seL4_Word rights;
        bool readable, writable;
        const char *what;
    } cases[] = {
        {ro, VT_RW, true, false, "read-only cap mapped with ReadWrite"},
        {ro_rw, VT_RW, true, false, "copy of a read-only cap made with ReadWrite"},
        {c1, VT_RO, true, false, "read-write cap mapped with CanRead"},
        {wo, VT_RW, false, false, "write-only cap mapped with ReadWrite"},
        {c2, KEEL_RIGHT_WRITE, false, false, "read-write cap mapped with CanWrite only"},
        {c3, 0, false, false, "read-write cap mapped with no rights"},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seL4_Word va = w + i * VT_PAGE;
        vt_info("case: %s", cases[i].what);
        if (!OK(keel_arm_page_map(cases[i].cap, VT_ROOT_VS, va, cases[i].rights, VT_CACHED))) {
            continue;
        }
        if (cases[i].readable) {
            READ(va + 8, 0x5EE);
        } else {
            READ_FAULT(va + 8, VT_FSC_PERMISSION(3));
        }
        if (cases[i].writable) {
            WRITE(va + 8, 0x5EE);
        } else {
            WRITE_FAULT(va + 8, VT_FSC_PERMISSION(3));
        }
    }
    READ(w + 0x10008, 0x5EE); // no refused write got through
out:
    vt_slot_release(mark);
}

// Code run from a frame: written through a writable mapping, made coherent with
// Page_Unify_Instruction, executed through a second mapping.
static bool place_code(seL4_CPtr frame_rw, seL4_Word va_rw)
{
    return WRITE(va_rw, CODE_INC_RET) && OK(keel_arm_page_unify_instruction(frame_rw, 0, 64));
}

// A mapping without Read/Write rights still executes at EL0 unless ExecuteNever is set
// (§8.12 note: in 13.0.0 only UXN controls EL0 instruction fetch).
static void test_kernel_only_exec(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(15), x = w + 0x1000;
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), c = f ? vt_copy(f, VT_RW) : 0;
    if (!c || !OK(vt_map_auto(c, VT_ROOT_VS, w, VT_RW, VT_CACHED)) || !place_code(c, w) ||
        !OK(keel_arm_page_map(f, VT_ROOT_VS, x, 0, VT_CACHED))) {
        goto out;
    }
    vt_worker_cmd.op = VT_OP_EXEC;
    vt_worker_cmd.addr = x;
    vt_worker_cmd.value = 41;
    struct vt_run r = vt_run_worker(NULL, NULL);
    if (CLEAN(r)) {
        EQ("value returned by the code", vt_worker_cmd.result, 42);
    }
    READ_FAULT(x, VT_FSC_PERMISSION(3));
out:
    vt_slot_release(mark);
}

// ExecuteNever: an instruction fetch faults with PrefetchFault = 1 and the PC as address; the
// handler remaps without ExecuteNever and the call completes.
static void test_execute_never(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(16), x = w + 0x1000;
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), c = f ? vt_copy(f, VT_RW) : 0;
    if (!c || !OK(vt_map_auto(c, VT_ROOT_VS, w, VT_RW, VT_CACHED)) || !place_code(c, w) ||
        !OK(keel_arm_page_map(f, VT_ROOT_VS, x, VT_RW, VT_CACHED | VT_XN))) {
        goto out;
    }
    READ(x, CODE_INC_RET); // data access is fine
    struct fix_ctx ctx = {f, x, VT_RW, VT_CACHED, 0, seL4_NoError};
    vt_worker_cmd.op = VT_OP_EXEC;
    vt_worker_cmd.addr = x;
    vt_worker_cmd.value = 99;
    struct vt_run r = vt_run_worker(fix_mapping, &ctx);
    OK(ctx.err);
    if (vt_expect_vmfault(__LINE__, &r, x, x, 1, VT_EC_IABT_LOWER, VT_FSC_PERMISSION(3), -1,
                          true)) {
        EQ("value returned after the handler made the page executable", vt_worker_cmd.result, 100);
    }
    // ExecuteNever with a read-only mapping too; the handler gives up this time.
    if (OK(keel_arm_page_map(f, VT_ROOT_VS, x, VT_RO, VT_CACHED | VT_XN))) {
        r = vt_run_worker(NULL, NULL);
        vt_expect_vmfault(__LINE__, &r, x, x, 1, VT_EC_IABT_LOWER, VT_FSC_PERMISSION(3), -1, false);
    }
    // Unmapped code: a translation fault on the fetch.
    if (OK(keel_arm_page_unmap(f))) {
        r = vt_run_worker(NULL, NULL);
        vt_expect_vmfault(__LINE__, &r, x, x, 1, VT_EC_IABT_LOWER, VT_FSC_TRANSLATION(3), -1,
                          false);
    }
out:
    vt_slot_release(mark);
}

// Revoking a frame's untyped while the frame is mapped in two VSpaces removes both mappings
// (§13.9: every mapped frame cap is unmapped when deleted); the memory is reset afterwards.
static void test_revoke_mapped(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(17), x = 0x20000000, v = 0xD00DFEEDUL;
    seL4_CPtr u = vt_new_untyped(16), vs = vt_new_vspace(0), f = vt_slot(), f3 = vt_slot();
    if (!u || !vs || !f || !f3) {
        goto out;
    }
    if (!OK(keel_untyped_retype(u, seL4_ARM_SmallPageObject, 0, VT_ROOT_CNODE, 0, 0, f, 1))) {
        goto out;
    }
    seL4_CPtr f2 = vt_copy(f, VT_RW);
    seL4_Word pa = 0, pa3 = 1;
    if (!f2 || !vt_map_image(vs) || !OK(vt_map_auto(f, VT_ROOT_VS, w, VT_RW, VT_CACHED)) ||
        !OK(vt_map_auto(f2, vs, x, VT_RW, VT_CACHED)) || !OK(keel_arm_page_get_address(f, &pa))) {
        goto out;
    }
    WRITE(w + 0x40, v);
    vt_prober_cmd.op = VT_OP_READ64;
    vt_prober_cmd.addr = x + 0x40;
    struct vt_run r = vt_run_prober(vs, NULL, NULL);
    if (CLEAN(r)) {
        EQ("word read by a thread in the second VSpace", vt_prober_cmd.result, v);
    }
    EQ("probe in the second VSpace", PROBE(vs, x), VT_PAGE);

    if (!OK(vt_revoke(u))) {
        goto out;
    }
    EQ("frame cap after Revoke", keel_debug_cap_identify(f), KEEL_CAP_NULL);
    EQ("copy after Revoke", keel_debug_cap_identify(f2), KEEL_CAP_NULL);
    EQ("probe in the root VSpace after Revoke", PROBE(VT_ROOT_VS, w), 0);
    EQ("probe in the second VSpace after Revoke", PROBE(vs, x), 0);
    READ_FAULT(w + 0x40, VT_FSC_TRANSLATION(3));
    r = vt_run_prober(vs, NULL, NULL);
    vt_expect_vmfault(__LINE__, &r, (seL4_Word)vt_read64_insn, x + 0x40, 0, VT_EC_DABT_LOWER,
                      VT_FSC_TRANSLATION(3), 0, false);
    // The untyped has no children any more: the next frame is at the same place, zeroed.
    if (OK(keel_untyped_retype(u, seL4_ARM_SmallPageObject, 0, VT_ROOT_CNODE, 0, 0, f3, 1)) &&
        OK(keel_arm_page_get_address(f3, &pa3)) && EQ("paddr of the new frame", pa3, pa) &&
        OK(map(f3, VT_ROOT_VS, w))) {
        READ(w + 0x40, 0);
    }
out:
    vt_slot_release(mark);
}

// Deleting a VSpace's last cap frees its ASID (§13.9): frame caps that were mapped in it then see
// a dead ASID (InvalidRoot), and once the ASID is reused their stale record must not touch the new
// VSpace's mappings.
static void test_vspace_delete(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word x = 0x30000000;
    seL4_CPtr pool = vt_new_pool();
    seL4_CPtr v = vt_new(seL4_ARM_VSpaceObject, 0), v2 = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr nv = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0), g = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr pts = vt_new_n(seL4_ARM_PageTableObject, 0, 3);
    if (!pool || !v || !v2 || !nv || !f || !g || !pts) {
        goto out;
    }
    // v takes the pool's first ASID, v2 the second.
    if (!OK(keel_arm_asid_pool_assign(pool, v)) || !OK(keel_arm_asid_pool_assign(pool, v2)) ||
        !OK(keel_arm_page_table_map(pts + 0, v, x, 0)) ||
        !OK(keel_arm_page_table_map(pts + 1, v, x, 0)) ||
        !OK(keel_arm_page_table_map(pts + 2, v, x, 0)) || !OK(map(f, v, x))) {
        goto out;
    }
    OK(keel_arm_page_clean_data(f, 0, 64));
    // A second cap keeps the VSpace (and its ASID) alive.
    seL4_CPtr vc = vt_copy(v, KEEL_RIGHTS_ALL);
    if (!vc || !OK(vt_delete(v))) {
        goto out;
    }
    OK(vt_vspace_state(vc));
    EQ("probe through the remaining cap", PROBE(vc, x), VT_PAGE);
    // The last cap goes: the ASID dies.
    if (!OK(vt_delete(vc))) {
        goto out;
    }
    ERR_FL_ROOT(keel_arm_page_clean_data(f, 0, 64));
    ERR_FL_ROOT(keel_arm_page_clean_data(f, 64, 0));
    OK(vt_vspace_state(v2)); // the other VSpace of the pool is untouched
    // The ASID is free again and goes to the next VSpace assigned (lowest free first).
    if (!OK(keel_arm_asid_pool_assign(pool, nv))) {
        goto out;
    }
    seL4_CPtr npts = vt_new_n(seL4_ARM_PageTableObject, 0, 3);
    if (!npts || !OK(keel_arm_page_table_map(npts + 0, nv, x, 0)) ||
        !OK(keel_arm_page_table_map(npts + 1, nv, x, 0)) ||
        !OK(keel_arm_page_table_map(npts + 2, nv, x, 0)) || !OK(map(g, nv, x))) {
        goto out;
    }
    // f's record (that ASID, x) now names nv, where x holds g: f's mapping is stale.
    ERR_IC(keel_arm_page_clean_data(f, 0, 64), 0);
    OK(keel_arm_page_unmap(f)); // must leave g alone
    EQ("probe of g's mapping after unmapping f's stale record", PROBE(nv, x), VT_PAGE);
    OK(keel_arm_page_clean_data(g, 0, 64));
    // Tables that were mapped in the deleted VSpace can be unmapped and reused.
    OK(keel_arm_page_table_unmap(pts + 2));
    OK(keel_arm_page_table_unmap(pts + 1));
    OK(keel_arm_page_table_unmap(pts + 0));
    EQ("probe of g's mapping after unmapping the old tables", PROBE(nv, x), VT_PAGE);
    OK(keel_arm_page_table_map(pts + 0, v2, x, 0));
out:
    vt_slot_release(mark);
}

// An ASID freed by deleting a VSpace and handed to a new VSpace must not bring back the old
// VSpace's translations (the kernel has to flush the ASID from the TLB): a thread in the new
// VSpace reads its own frame at an address a thread in the old one had just read.
static void test_asid_reuse_translations(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word x = 0x20000000, r1 = vt_window(20), r2 = r1 + 0x10000;
    seL4_CPtr pool = vt_new_pool();
    seL4_CPtr v = vt_new(seL4_ARM_VSpaceObject, 0), w = vt_new(seL4_ARM_VSpaceObject, 0);
    seL4_CPtr f1 = vt_new(seL4_ARM_SmallPageObject, 0), f2 = vt_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr c1 = f1 ? vt_copy(f1, VT_RW) : 0, c2 = f2 ? vt_copy(f2, VT_RW) : 0;
    if (!pool || !v || !w || !c1 || !c2 || !OK(keel_arm_asid_pool_assign(pool, v)) ||
        !vt_map_image(v) || !OK(vt_map_auto(f1, v, x, VT_RW, VT_CACHED)) ||
        !OK(vt_map_auto(c1, VT_ROOT_VS, r1, VT_RW, VT_CACHED)) ||
        !OK(vt_map_auto(c2, VT_ROOT_VS, r2, VT_RW, VT_CACHED)) || !WRITE(r1, 0xAAAA) ||
        !WRITE(r2, 0xBBBB)) {
        goto out;
    }
    vt_prober_cmd.op = VT_OP_READ64;
    vt_prober_cmd.addr = x;
    struct vt_run r = vt_run_prober(v, NULL, NULL);
    if (!CLEAN(r) || !EQ("x read in the first VSpace", vt_prober_cmd.result, 0xAAAA)) {
        goto out;
    }
    if (!OK(vt_delete(v)) || !OK(keel_arm_asid_pool_assign(pool, w)) || !vt_map_image(w) ||
        !OK(vt_map_auto(f2, w, x, VT_RW, VT_CACHED))) {
        goto out;
    }
    ERR_IC(keel_arm_page_clean_data(f1, 0, 64), 0); // f1's record now names w (same ASID)
    r = vt_run_prober(w, NULL, NULL);
    if (CLEAN(r)) {
        EQ("x read in the VSpace that got the ASID next", vt_prober_cmd.result, 0xBBBB);
    }
    // Unmapped in the new VSpace: the old translation must not answer either.
    if (OK(keel_arm_page_unmap(f2))) {
        r = vt_run_prober(w, NULL, NULL);
        vt_expect_vmfault(__LINE__, &r, (seL4_Word)vt_read64_insn, x, 0, VT_EC_DABT_LOWER,
                          VT_FSC_TRANSLATION(3), 0, false);
    }
out:
    vt_slot_release(mark);
}

const struct vt_test vt_tests_fault[] = {
    {"rights_read_only_fault", test_read_only},
    {"rights_masking", test_rights_masking},
    {"rights_none_still_executable", test_kernel_only_exec},
    {"execute_never_fault", test_execute_never},
    {"revoke_untyped_mapped_twice", test_revoke_mapped},
    {"vspace_delete_frees_asid", test_vspace_delete},
    {"asid_reuse_no_stale_translation", test_asid_reuse_translations},
    {NULL, NULL},
};
