// SPDX-License-Identifier: BSD-2-Clause
// User exceptions: reported and, without a fault handler, the thread is stopped.
#include <arch/sysreg.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/thread.h>

void fault_handle_user(user_context_t *ctx, uint64_t esr, uint64_t far)
{
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    const char *kind = "user exception";
    if (ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW) {
        kind = ec == ESR_EC_DABT_LOW ? "VM fault (data)" : "VM fault (instruction)";
    }
    kprintf("Keel: %s in '%s': pc %lx, address %lx, ESR %lx\n", kind, root_thread.name,
            ctx->pc, far, esr);
    thread_stop(&root_thread, "fault and no fault handler");
}
