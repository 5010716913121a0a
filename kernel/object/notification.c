// SPDX-License-Identifier: BSD-2-Clause
// Signalling a notification: the part interrupt delivery and Send-on-notification share.
// Invariants: INV-IPC-4, -5, -7, -9, -11 (proofs-notes/README.md)
#include <keel/notification.h>
#include <keel/objects.h>
#include <keel/sched.h>
#include <keel/waitq.h>

void notification_signal(notification_t *n, uint64_t badge)
{
    switch (n->head_state & 3) {
    case NTFN_IDLE: {
        tcb_t *b = n->bound_tcb;
        if (b != NULL && b->state == TS_BLOCKED_ON_RECEIVE) {
            ipc_cancel(b);
            b->ctx.x[0] = badge;
            thread_set_state(b, TS_RUNNING);
            sched_possible_switch_to(b);
        } else {
            n->head_state = NTFN_ACTIVE;
            n->word = badge;
        }
        break;
    }
    case NTFN_WAITING: {
        tcb_t *t = waitq_pop(&n->head_state, &n->tail);
        t->blocked_on = NULL;
        t->ctx.x[0] = badge;
        thread_set_state(t, TS_RUNNING);
        sched_possible_switch_to(t);
        break;
    }
    default:
        n->word |= badge;
        break;
    }
}
