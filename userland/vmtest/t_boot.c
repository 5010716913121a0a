// SPDX-License-Identifier: BSD-2-Clause
// The frames the root task starts with: image frames, initial mappings; a device frame (UART).

// ABI sheet §8.11, §8.12, §12.2, §12.3, §12.6, §15.3.

#include "vmtest.h"

// The root task's own image frames (§12.2, §12.3): a data page is unmapped, an access faults,
// the fault handler maps the page back and the access completes with the old contents.
static volatile seL4_Word sacrificial[3 * 512] __attribute__((aligned(4096)));

struct remap_ctx {
    seL4_CPtr frame;
    seL4_Word vaddr;
    seL4_Error err;
};

static bool remap_on_fault(const struct vt_fault *f, void *p)
{
    struct remap_ctx *ctx = p;
    (void)f;
    ctx->err = keel_arm_page_map(ctx->frame, VT_ROOT_VS, ctx->vaddr, VT_RW, VT_CACHED);
    return ctx->err == seL4_NoError;
}

static void test_image_frame(void)
{
    volatile seL4_Word *page = &sacrificial[512];
    const seL4_Word va = (seL4_Word)(uintptr_t)page;
    const seL4_CPtr cap = vt.bi->userImageFrames.start + (va - vt.image_start) / VT_PAGE;
    for (unsigned i = 0; i < 3 * 512; i++) {
        sacrificial[i] = vt_mix(i + 0xABCD);
    }
    seL4_Word pa = 0;
    if (!EQ("DebugCapIdentify(image frame)", keel_debug_cap_identify(cap), KEEL_CAP_FRAME) ||
        !OK(keel_arm_page_get_address(cap, &pa)) ||
        !EQ("probe of the image page", PROBE(VT_ROOT_VS, va), VT_PAGE)) {
        return;
    }
    // The root thread must not touch this page until it is mapped again.
    if (!OK(keel_arm_page_unmap(cap))) {
        return;
    }
    EQ("probe after Page_Unmap", PROBE(VT_ROOT_VS, va), 0);
    READ_FAULT(va + 0x100, VT_FSC_TRANSLATION(3));
    struct remap_ctx ctx = {cap, va, seL4_NoError};
    vt_worker_cmd.op = VT_OP_READ64;
    vt_worker_cmd.addr = va + 0x100;
    struct vt_run r = vt_run_worker(remap_on_fault, &ctx);
    OK(ctx.err);
    if (!vt_expect_vmfault(__LINE__, &r, (seL4_Word)vt_read64_insn, va + 0x100, 0, VT_EC_DABT_LOWER,
                           VT_FSC_TRANSLATION(3), 0, true)) {
        // The root thread reads the page below: make sure it is back, and that the worker can
        // read it, before that (a fault of the root thread would end the suite).
        keel_arm_page_map(cap, VT_ROOT_VS, va, VT_RW, VT_CACHED);
        if (!READ(va + 0x100, vt_mix(512 + 0x20 + 0xABCD))) {
            return;
        }
    }
    if (!EQ("probe after mapping back", PROBE(VT_ROOT_VS, va), VT_PAGE)) {
        return;
    }
    EQ("word read after the handler mapped the page back", vt_worker_cmd.result,
       vt_mix(512 + 0x20 + 0xABCD));
    unsigned bad = 0;
    for (unsigned i = 0; i < 3 * 512; i++) {
        bad += sacrificial[i] != vt_mix(i + 0xABCD);
    }
    EQ("words of the three pages changed", bad, 0);
    seL4_Word pa2 = 0;
    if (OK(keel_arm_page_get_address(cap, &pa2))) {
        EQ("paddr after mapping back", pa2, pa);
    }
}

// A device frame over the UART (§12.6, §15.3), mapped uncached: the PL011's flag and ID
// registers read plausibly.
static void test_device_uart(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(12);
    seL4_Word base = 0, pa = 0;
    seL4_CPtr f = vt_uart_frame(&base);
    if (!f || !OK(keel_arm_page_get_address(f, &pa)) || !EQ("UART frame paddr", pa, base) ||
        !OK(vt_map_auto(f, VT_ROOT_VS, w, VT_RW, 0))) {
        goto out;
    }
    static const struct {
        seL4_Word offset, want;
        const char *what;
    } ids[] = {
        {0xFE0, 0x11, "UARTPeriphID0"}, {0xFE4, 0x10, "UARTPeriphID1"},
        {0xFF0, 0x0D, "UARTPCellID0"},  {0xFF4, 0xF0, "UARTPCellID1"},
        {0xFF8, 0x05, "UARTPCellID2"},  {0xFFC, 0xB1, "UARTPCellID3"},
    };
    struct vt_run r;
    for (unsigned i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        vt_worker_cmd.op = VT_OP_READ32;
        vt_worker_cmd.addr = w + ids[i].offset;
        r = vt_run_worker(NULL, NULL);
        if (CLEAN(r)) {
            EQ(ids[i].what, vt_worker_cmd.result & 0xFF, ids[i].want);
        }
    }
    vt_worker_cmd.op = VT_OP_READ32;
    vt_worker_cmd.addr = w + 0x18;
    r = vt_run_worker(NULL, NULL);
    if (CLEAN(r)) {
        seL4_Word fr = vt_worker_cmd.result;
        vt_info("PL011 UARTFR = 0x%lx", fr);
        CHECK((fr & ~0x1FFUL) == 0, "UARTFR 0x%lx has reserved bits set", fr);
        CHECK((fr & 0x10) != 0, "UARTFR 0x%lx: RXFE clear, but nothing is ever typed", fr);
        CHECK((fr & 0x20) == 0 || (fr & 0x80) == 0, "UARTFR 0x%lx: TX FIFO both full and empty",
              fr);
    }
out:
    vt_slot_release(mark);
}

// The root task's initial mappings (§12.2, §12.3): the paging caps of BootInfo are mapped page
// tables, one per level-1/2/3 region of the layout, in that order; every initial frame cap
// records its live mapping; the IPC buffer and BootInfo pages are execute-never, the extra
// bootinfo pages are executable.
#define CODE_INC_RET 0xD65F03C091000400UL // add x0, x0, #1 ; ret

static unsigned regions(seL4_Word start, seL4_Word end, unsigned shift)
{
    return (unsigned)(((end - 1) >> shift) - (start >> shift) + 1);
}

static void test_root_layout(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_BootInfo *bi = vt.bi;
    const seL4_Word ipc = vt.image_end, bootinfo = ipc + VT_PAGE, extra = ipc + 2 * VT_PAGE;
    const seL4_Word extra_pages = (bi->extraLen + VT_PAGE - 1) / VT_PAGE;
    const seL4_Word end = extra + extra_pages * VT_PAGE;
    EQ("BootInfo ipcBuffer", (seL4_Word)(uintptr_t)bi->ipcBuffer, ipc);
    EQ("BootInfo address", (seL4_Word)(uintptr_t)bi, bootinfo);
    EQ("extraBIPages caps", bi->extraBIPages.end - bi->extraBIPages.start, extra_pages);

    // Paging caps: all level-1 tables, then level-2, then level-3, each a mapped table.
    unsigned n1 = regions(vt.image_start, end, 39), n2 = regions(vt.image_start, end, 30);
    unsigned n3 = regions(vt.image_start, end, 21);
    seL4_SlotRegion pg = bi->userImagePaging;
    EQ("userImagePaging.start (first dynamic slot)", pg.start, seL4_NumInitialCaps);
    EQ("userImagePaging caps (level-1 + level-2 + level-3 tables)", pg.end - pg.start,
       n1 + n2 + n3);
    seL4_CPtr vs = vt_new_vspace(0);
    for (seL4_CPtr c = pg.start; c < pg.end; c++) {
        EQ("DebugCapIdentify(paging cap)", keel_debug_cap_identify(c), KEEL_CAP_PAGE_TABLE);
        // A mapped table refuses to be mapped again, whatever the target (§8.11).
        if (vs) {
            ERR_IC(keel_arm_page_table_map(c, vs, 0x1000, 0), 0);
        }
    }

    // Every initial frame cap's mapping record is live: a cache operation succeeds only if the
    // entry at the recorded address maps this frame (§8.12). A different address is refused.
    struct {
        seL4_CPtr first, last;
        const char *what;
    } frames[] = {
        {bi->userImageFrames.start, bi->userImageFrames.end, "image frame"},
        {seL4_CapInitThreadIPCBuffer, seL4_CapInitThreadIPCBuffer + 1, "IPC buffer frame"},
        {seL4_CapBootInfoFrame, seL4_CapBootInfoFrame + 1, "BootInfo frame"},
        {bi->extraBIPages.start, bi->extraBIPages.end, "extra bootinfo frame"},
    };
    for (unsigned k = 0; k < sizeof(frames) / sizeof(frames[0]); k++) {
        unsigned bad = 0;
        for (seL4_CPtr c = frames[k].first; c < frames[k].last; c++) {
            bad += keel_arm_page_clean_data(c, 0, 64) != seL4_NoError;
        }
        EQ(frames[k].what, bad, 0);
        if (frames[k].first < frames[k].last) {
            ERR_IA(keel_arm_page_map(frames[k].first, VT_ROOT_VS, vt_window(18), VT_RW, VT_CACHED),
                   0);
        }
    }
    EQ("probe of the IPC buffer", PROBE(VT_ROOT_VS, ipc), VT_PAGE);
    EQ("probe of the BootInfo page", PROBE(VT_ROOT_VS, bootinfo), VT_PAGE);
    EQ("probe of the last extra bootinfo page", PROBE(VT_ROOT_VS, end - VT_PAGE), VT_PAGE);
    EQ("probe past the layout", PROBE(VT_ROOT_VS, end), 0);

    // Execute permissions: code placed in the IPC buffer and BootInfo pages must not run.
    struct {
        seL4_Word va;
        bool executable;
        const char *what;
    } code[3] = {
        {ipc + 0x300, false, "IPC buffer"},
        {bootinfo + 0xF80, false, "BootInfo page"},
        {0, true, "extra bootinfo page"},
    };
    seL4_Word used = bi->extraLen;
    if (extra_pages && (used & (VT_PAGE - 1)) && VT_PAGE - (used & (VT_PAGE - 1)) >= 16) {
        code[2].va = extra + ((used + 7) & ~7UL);
    } else {
        vt_info("no spare bytes in the extra bootinfo pages: their execute check is left out");
    }
    for (unsigned k = 0; k < 3; k++) {
        if (!code[k].va) {
            continue;
        }
        *(volatile seL4_Word *)code[k].va = CODE_INC_RET;
        if (!OK(keel_arm_vspace_unify_instruction(VT_ROOT_VS, code[k].va, code[k].va + 8))) {
            continue;
        }
        vt_worker_cmd.op = VT_OP_EXEC;
        vt_worker_cmd.addr = code[k].va;
        vt_worker_cmd.value = 6;
        struct vt_run r = vt_run_worker(NULL, NULL);
        if (code[k].executable) {
            if (CLEAN(r)) {
                EQ(code[k].what, vt_worker_cmd.result, 7);
            }
        } else {
            vt_info("execute check: %s", code[k].what);
            vt_expect_vmfault(__LINE__, &r, code[k].va, code[k].va, 1, VT_EC_IABT_LOWER,
                              VT_FSC_PERMISSION(3), -1, false);
        }
        *(volatile seL4_Word *)code[k].va = 0;
    }
    vt_slot_release(mark);
}

const struct vt_test vt_tests_boot[] = {
    {"image_frame_unmap_remap", test_image_frame},
    {"device_frame_uart", test_device_uart},
    {"root_task_initial_mappings", test_root_layout},
    {NULL, NULL},
};
