// SPDX-License-Identifier: BSD-2-Clause
// User exceptions become VM faults or user-exception faults with the ABI §10.3 layouts.
// Invariants: INV-IPC-1, INV-TCB-2 (proofs-notes/README.md)
#include <arch/sysreg.h>
#include <keel/ipc.h>
#include <keel/kernel.h>
#include <keel/sched.h>
#include <keel/thread.h>

void fault_handle_user(user_context_t *ctx, uint64_t esr, uint64_t far)
{
    tcb_t *t = cur_thread;
    unsigned ec = (unsigned)(esr >> ESR_EC_SHIFT) & 0x3f;
    t->restart_pc = ctx->pc;
    if (ec == ESR_EC_DABT_LOW || ec == ESR_EC_IABT_LOW) {
        bool instr = ec == ESR_EC_IABT_LOW;
        t->fault_type = FAULT_VM;
        t->fault_w[0] = instr ? ctx->pc : far;
        t->fault_w[1] = instr;
        t->fault_w[2] = esr & 0xffffffffUL;
    } else {
        t->fault_type = FAULT_USER_EXCEPTION;
        t->fault_w[0] = esr & 0xffffffffUL;
        t->fault_w[1] = 0;
    }
    thread_fault(t);
}
