// SPDX-License-Identifier: BSD-2-Clause
// VM tests on device frames beyond the UART mapping of t_boot.c: cache operations.

#include "vmtest.h"

// Every cache operation on a device frame (the UART's page), through the frame cap and through the
// VSpace, succeeds and changes nothing (§8.10, §8.12): the kernel's physical window holds RAM
// only, so it must not try to reach device memory there. On hardware the DC instruction took a
// translation fault at EL1 and the kernel stopped; QEMU treats DC by VA as a no-op and never
// faults, so here the test checks the results and that the UART still answers afterwards.
static void test_device_cache_ops(void)
{
    seL4_CPtr mark = vt_slot_mark();
    const seL4_Word w = vt_window(12);
    seL4_Word base = 0;
    seL4_CPtr f = vt_uart_frame(&base);
    if (!f || !OK(vt_map_auto(f, VT_ROOT_VS, w, VT_RW, 0))) {
        goto out;
    }
    for (seL4_Word label = KEEL_VM_INV_PAGE_CLEAN_DATA; label <= KEEL_VM_INV_PAGE_UNIFY_INSTRUCTION;
         label++) {
        seL4_Word range[2] = {0, VT_PAGE}, bad[2] = {0, VT_PAGE + 1};
        if (!OK(vt_invoke(f, label, 2, 0, range, NULL))) {
            vt_info("Page cache label %lu on the device frame", label);
        }
        // The argument checks still apply to device frames.
        ERR_IA(vt_invoke(f, label, 2, 0, bad, NULL), 0);
    }
    OK(keel_arm_vspace_clean_data(VT_ROOT_VS, w, w + VT_PAGE));
    OK(keel_arm_vspace_invalidate_data(VT_ROOT_VS, w, w + 64));
    OK(keel_arm_vspace_clean_invalidate_data(VT_ROOT_VS, w + 64, w + 128));
    OK(keel_arm_vspace_unify_instruction(VT_ROOT_VS, w, w + VT_PAGE));
    vt_worker_cmd.op = VT_OP_READ32;
    vt_worker_cmd.addr = w + 0xFE0;
    struct vt_run r = vt_run_worker(NULL, NULL);
    if (CLEAN(r)) {
        EQ("UARTPeriphID0 after the cache operations", vt_worker_cmd.result & 0xFF, 0x11);
    }
out:
    vt_slot_release(mark);
}

const struct vt_test vt_tests_device[] = {
    {"device_frame_cache_ops", test_device_cache_ops},
    {NULL, NULL},
};
