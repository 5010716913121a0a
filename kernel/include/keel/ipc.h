// SPDX-License-Identifier: BSD-2-Clause
// Synchronous IPC (ABI §5, §13.1-13.5): send, receive, call/reply, notifications, faults.
#pragma once

#include <keel/object.h>

/* Fault labels (§10.1). */
enum {
    FAULT_NONE = 0,
    FAULT_CAP = 1,
    FAULT_UNKNOWN_SYSCALL = 2,
    FAULT_USER_EXCEPTION = 3,
    FAULT_VM = 5,
};

/* The sender side of an endpoint: queue or hand over to the head receiver. */
void ipc_send(tcb_t *t, cap_t ep_cap, bool blocking, bool is_call, bool fault);
/* Receive on an endpoint (clears the caller slot first) or a notification. */
void ipc_receive(tcb_t *t, cap_t cap, bool blocking);
/* Reply through the reply cap in slot (the caller slot or a saved one). */
void ipc_reply(tcb_t *replier, cte_t *reply_slot);
/* Wait or poll on a notification. */
void notification_receive(tcb_t *t, cap_t cap, bool blocking);
