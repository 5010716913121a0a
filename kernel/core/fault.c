// SPDX-License-Identifier: BSD-2-Clause
// User exceptions become VM faults or user-exception faults with the ABI §10.3 layouts.
#include <arch/sysreg.h>
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/thread.h>

#define FAULT_USER_EXCEPTION 3
#define FAULT_VM 5

void fault_handle_user(user_context_t *ctx, uint64_t esr, uint64_t far)
{
    tcb_t *t = cur_thread;
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    t->restart_pc = ctx->pc;
    if (ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW) {
        bool instr = ec == ESR_EC_IABT_LOW;
        uint64_t w[4] = { ctx->pc, instr ? ctx->pc : far, instr, esr & 0xffffffffUL };
        thread_fault(t, FAULT_VM, w, 4);
    } else {
        uint64_t w[5] = { ctx->pc, ctx->sp, ctx->spsr, esr & 0xffffffffUL, 0 };
        thread_fault(t, FAULT_USER_EXCEPTION, w, 5);
    }
}
