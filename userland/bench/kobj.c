// SPDX-License-Identifier: BSD-2-Clause
// Kernel objects for the benchmark (from <keel/alloc.h>), VSpaces, helper threads.

#include "kobj.h"

#include "out.h"

#include <keel/alloc.h>
#include <keel/debug.h>
#include <keel/invoke.h>
#include <keel/vm.h>

#define CPTR_DEPTH 64 // the root CNode's guard makes every slot number a 64-bit CPtr

// Stack, IPC buffer and results area of a helper thread, relative to its base address.
#define STACK_PAGES    4
#define IPC_OFFSET     0x8000UL
#define RESULTS_OFFSET 0x10000UL

extern const char __keel_image_start[];

static const seL4_BootInfo *boot;

_Noreturn void bench_fail(const char *msg, seL4_Word err)
{
    out_str("bench: FAIL ");
    out_str(msg);
    out_str(" (error ");
    out_u64(err);
    out_str(")\n");
    keel_debug_halt();
}

static void must(seL4_Error err, const char *what)
{
    if (err != 0) {
        bench_fail(what, err);
    }
}

static seL4_CPtr new_slot(void)
{
    seL4_CPtr slot = keel_slot_alloc();
    if (!slot) {
        bench_fail("out of CNode slots", 0);
    }
    return slot;
}

void bench_kobj_init(const seL4_BootInfo *bi)
{
    boot = bi; // the startup code has set the allocator up from the same BootInfo
}

seL4_CPtr bench_alloc(seL4_Word type)
{
    seL4_CPtr slot = keel_alloc_object(type, 0);
    if (!slot) {
        bench_fail("Untyped_Retype", keel_alloc_error());
    }
    return slot;
}

seL4_CPtr bench_copy(seL4_CPtr cap)
{
    seL4_CPtr slot = new_slot();
    must(keel_cnode_copy(seL4_CapInitThreadCNode, slot, CPTR_DEPTH, seL4_CapInitThreadCNode, cap,
                         CPTR_DEPTH, KEEL_RIGHTS_ALL),
         "CNode_Copy");
    return slot;
}

void bench_map(seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr, int xn)
{
    seL4_ARM_VMAttributes attr = seL4_ARM_PageCacheable | (xn ? seL4_ARM_ExecuteNever : 0);
    // Each failed walk names one missing table level; at most three are missing (§13.11).
    for (int level = 0; level < 4; level++) {
        seL4_Error err = keel_arm_page_map(frame, vspace, vaddr, KEEL_RIGHTS_RW, attr);
        if (err == seL4_NoError) {
            return;
        }
        if (err != seL4_FailedLookup) {
            bench_fail("Page_Map", err);
        }
        seL4_CPtr pt = bench_alloc(seL4_ARM_PageTableObject);
        must(keel_arm_page_table_map(pt, vspace, vaddr, seL4_ARM_Default_VMAttributes),
             "PageTable_Map");
    }
    bench_fail("Page_Map still missing tables", 0);
}

seL4_CPtr bench_new_vspace_with_image(void)
{
    seL4_CPtr vspace = bench_alloc(seL4_ARM_VSpaceObject);
    must(keel_arm_asid_pool_assign(seL4_CapInitThreadASIDPool, vspace), "ASIDPool_Assign");
    seL4_Word start = (seL4_Word)(uintptr_t)__keel_image_start;
    for (seL4_CPtr f = boot->userImageFrames.start; f < boot->userImageFrames.end; f++) {
        bench_map(vspace, bench_copy(f),
                  start + BENCH_PAGE_SIZE * (f - boot->userImageFrames.start), 0);
    }
    return vspace;
}

void bench_set_priority(seL4_CPtr tcb, seL4_Word prio)
{
    must(keel_tcb_set_priority(tcb, seL4_CapInitThreadTCB, prio), "TCB_SetPriority");
}

void bench_thread_create(bench_thread_t *t, seL4_CPtr vspace, seL4_Word base, seL4_Word root_view,
                         seL4_Word prio)
{
    for (seL4_Word i = 0; i < STACK_PAGES; i++) {
        bench_map(vspace, bench_alloc(seL4_ARM_SmallPageObject), base + BENCH_PAGE_SIZE * i, 1);
    }
    seL4_CPtr ipc_frame = bench_alloc(seL4_ARM_SmallPageObject);
    bench_map(vspace, ipc_frame, base + IPC_OFFSET, 1);
    int shared = vspace == seL4_CapInitThreadVSpace;
    for (seL4_Word i = 0; i < BENCH_RESULT_PAGES; i++) {
        seL4_CPtr frame = bench_alloc(seL4_ARM_SmallPageObject);
        bench_map(vspace, frame, base + RESULTS_OFFSET + BENCH_PAGE_SIZE * i, 1);
        if (!shared) {
            bench_map(seL4_CapInitThreadVSpace, bench_copy(frame), root_view + BENCH_PAGE_SIZE * i,
                      1);
        }
    }
    t->tcb = bench_alloc(seL4_TCBObject);
    must(keel_tcb_configure(t->tcb, 0, seL4_CapInitThreadCNode, 0, vspace, 0, base + IPC_OFFSET,
                            ipc_frame),
         "TCB_Configure");
    bench_set_priority(t->tcb, prio);
    t->stack_top = base + BENCH_PAGE_SIZE * STACK_PAGES;
    t->results = base + RESULTS_OFFSET;
    t->view = (seL4_Word *)(uintptr_t)(shared ? base + RESULTS_OFFSET : root_view);
}

void bench_thread_stop(bench_thread_t *t)
{
    must(keel_tcb_suspend(t->tcb), "TCB_Suspend");
}

void bench_thread_start(bench_thread_t *t, bench_entry_t fn, seL4_Word a0, seL4_Word a1,
                        seL4_Word a2, seL4_Word a3)
{
    bench_thread_stop(t);
    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)(uintptr_t)fn;
    regs.sp = t->stack_top;
    regs.x0 = a0;
    regs.x1 = a1;
    regs.x2 = a2;
    regs.x3 = a3;
    // pc, sp, spsr, x0..x3 are the first seven registers in §9 order; resume at once.
    must(keel_tcb_write_registers(t->tcb, 1, 0, 7, &regs), "TCB_WriteRegisters");
}
