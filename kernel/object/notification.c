// SPDX-License-Identifier: BSD-2-Clause
// Signalling a notification: the part interrupt delivery and Send-on-notification share.
#include <keel/notification.h>
#include <keel/objects.h>
#include <keel/sched.h>

static tcb_t *head(const notification_t *n) { return (tcb_t *)(n->head_state & ~3UL); }

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
        tcb_t *t = head(n);
        tcb_t *next = t->ep_next;
        if (next != NULL) {
            next->ep_prev = NULL;
            n->head_state = (uint64_t)next | NTFN_WAITING;
        } else {
            n->head_state = NTFN_IDLE;
            n->tail = NULL;
        }
        t->ep_next = t->ep_prev = NULL;
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
