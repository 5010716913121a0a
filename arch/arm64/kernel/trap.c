// SPDX-License-Identifier: BSD-2-Clause
// Exception dispatch from the vectors, and the decoded report for unexpected kernel faults.
// Invariants: INV-SCHED-1..3, INV-TCB-2 (proofs-notes/README.md)
#include <arch/context.h>
#include <arch/entry.h>
#include <arch/machine.h>
#include <arch/sysreg.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <arch/fpu.h>

static const char *ec_name(unsigned ec)
{
    switch (ec) {
    case ESR_EC_UNKNOWN: return "unknown reason / undefined instruction";
    case ESR_EC_WFX: return "WFI/WFE trapped";
    case ESR_EC_FPSIMD: return "FP/SIMD access trapped";
    case ESR_EC_ILLEGAL: return "illegal execution state";
    case ESR_EC_SVC64: return "SVC from AArch64";
    case ESR_EC_SYSREG: return "system register access trapped";
    case ESR_EC_IABT_LOW: return "instruction abort from EL0";
    case ESR_EC_IABT_CUR: return "instruction abort in the kernel";
    case ESR_EC_PC_ALIGN: return "PC alignment fault";
    case ESR_EC_DABT_LOW: return "data abort from EL0";
    case ESR_EC_DABT_CUR: return "data abort in the kernel";
    case ESR_EC_SP_ALIGN: return "SP alignment fault";
    case ESR_EC_SERROR: return "SError";
    case ESR_EC_BRK: return "BRK instruction";
    default: return "unexpected exception class";
    }
}

_Noreturn void c_handle_el0_sync(user_context_t *ctx)
{
    uint64_t esr = sysreg_read(esr_el1);
    sched_kernel_entry();
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    if (ec == ESR_EC_SVC64) {
        syscall_handle(ctx);
    } else if (ec == ESR_EC_FPSIMD) {
        arch_fpu_trap(cur_thread);
    } else {
        fault_handle_user(ctx, esr, sysreg_read(far_el1));
    }
    sched_exit_kernel();
}

_Noreturn void c_handle_el0_irq(user_context_t *ctx)
{
    (void)ctx;
    sched_kernel_entry();
    cur_thread->restart_pc = cur_thread->ctx.pc;
    irq_handle();
    sched_exit_kernel();
}

_Noreturn void c_handle_el0_serror(user_context_t *ctx)
{
    panic("SError or AArch32 exception from user mode at pc %lx (ESR %lx)", ctx->pc,
          sysreg_read(esr_el1));
}

void c_handle_el1_irq(void)
{
    /* From the idle loop: an interrupt may have made a thread runnable. During boot the
     * kernel waits for its first tick here and must get control back. */
    if (kernel_running) {
        sched_kernel_entry();   /* before the handler: a wake-up it records must survive */
    }
    irq_handle();
    if (kernel_running) {
        sched_exit_kernel();
    }
}

/* Frame pushed by el1_sync: x19, x20, then x0..x18, x29, x30, ELR, SPSR. */
struct kernel_fault_frame {
    uint64_t x19, x20;
    uint64_t x[18 + 1];
    uint64_t x29, x30, elr, spsr;
};

_Noreturn void c_handle_el1_fault(struct kernel_fault_frame *f)
{
    uint64_t esr = sysreg_read(esr_el1);
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    kprintf("\nKeel: unexpected exception in the kernel: %s\n", ec_name(ec));
    kprintf("  ESR %016lx (EC 0x%02x, ISS 0x%07lx)  FAR %016lx\n", esr, ec, esr & 0x1ffffff,
            sysreg_read(far_el1));
    kprintf("  ELR %016lx  SPSR %016lx  SP %016lx\n", f->elr, f->spsr,
            (uint64_t)(f + 1) + 0);
    for (unsigned i = 0; i < 19; i += 2) {
        if (i + 1 < 19) {
            kprintf("  x%02u %016lx  x%02u %016lx\n", i, f->x[i], i + 1, f->x[i + 1]);
        } else {
            kprintf("  x%02u %016lx  x19 %016lx\n", i, f->x[i], f->x19);
        }
    }
    kprintf("  x20 %016lx  x29 %016lx  x30 %016lx\n", f->x20, f->x29, f->x30);
    panic("kernel exception (see report above)");
}
