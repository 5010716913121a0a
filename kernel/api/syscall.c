// SPDX-License-Identifier: BSD-2-Clause
// System call dispatch by the number in x7 (ABI §2-3); unknown numbers become faults.
#include <arch/machine.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/syscall.h>
#include <keel/thread.h>

void syscall_handle(user_context_t *ctx)
{
    int64_t number = (int64_t)ctx->x[7];
    switch (number) {
    case SYS_DEBUG_PUT_CHAR:
        arch_console_putc((char)(ctx->x[0] & 0xff));
        return;
    case SYS_DEBUG_HALT:
        kputs("Keel: DebugHalt called; powering off\n");
        arch_power_off();
    default:
        break;
    }
    /* An UnknownSyscall fault; without a fault handler the thread stops (ABI §13.13). */
    kprintf("Keel: unknown system call %ld at pc %lx from '%s'\n", number, ctx->pc,
            root_thread.name);
    thread_stop(&root_thread, "unknown-syscall fault and no fault handler");
}
