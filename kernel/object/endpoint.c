// SPDX-License-Identifier: BSD-2-Clause
// Endpoint IPC: rendezvous queues, message and cap transfer, reply caps, fault messages.
// Invariants: INV-CAP-1, -3, -4, INV-IPC-1..12, INV-SCHED-1, INV-TCB-1 (proofs-notes/README.md)
#include <keel/cdt.h>
#include <keel/delete.h>
#include <keel/derive.h>
#include <keel/ipc.h>
#include <keel/lookup.h>
#include <keel/msginfo.h>
#include <keel/notification.h>
#include <keel/objects.h>
#include <keel/sched.h>
#include <keel/thread.h>
#include <keel/waitq.h>

#define IPCBUF_MSG 1
#define IPCBUF_CAPS 122
#define IPCBUF_RECV_CNODE 125
#define IPCBUF_RECV_INDEX 126
#define IPCBUF_RECV_DEPTH 127

/* --- message transfer ---------------------------------------------------------------------- */

static uint64_t get_mr(const tcb_t *t, const uint64_t *buf, unsigned i)
{
    return i < MSG_FAST_REGS ? t->ctx.x[2 + i] : buf[IPCBUF_MSG + i];
}

static void set_mr(tcb_t *t, uint64_t *buf, unsigned i, uint64_t v)
{
    if (i < MSG_FAST_REGS) {
        t->ctx.x[2 + i] = v;
    } else {
        buf[IPCBUF_MSG + i] = v;
    }
}

/* Copies up to n MRs; returns how many arrived (only 4 without both buffers). */
static unsigned copy_mrs(const tcb_t *s, const uint64_t *sbuf, tcb_t *r, uint64_t *rbuf,
                         unsigned n)
{
    if (sbuf == NULL || rbuf == NULL) {
        n = n > MSG_FAST_REGS ? MSG_FAST_REGS : n;
    }
    for (unsigned i = 0; i < n; i++) {
        set_mr(r, rbuf, i, get_mr(s, sbuf, i));
    }
    return n;
}

/* The receiver's receive slot (§5.4 step 2), or NULL. */
static cte_t *receive_slot(const tcb_t *r, const uint64_t *rbuf)
{
    if (rbuf == NULL) {
        return NULL;
    }
    cte_t *s;
    lookup_fault_t lf;
    if (!lookup_cap_slot(r, rbuf[IPCBUF_RECV_CNODE], &s, &lf) || cap_type(s->cap) != CAP_CNODE) {
        return NULL;
    }
    uint64_t depth = rbuf[IPCBUF_RECV_DEPTH];
    if (depth < 1 || depth > 64) {
        return NULL;
    }
    cte_t *dest;
    if (!lookup_slot_exact(s->cap, rbuf[IPCBUF_RECV_INDEX], (unsigned)depth, &dest, &lf) ||
        !cap_is_null(dest->cap)) {
        return NULL;
    }
    return dest;
}

/* Transfers the sender's extra caps (§5.3-5.4); returns the tag fields for the receiver. */
static void transfer_caps(tcb_t *s, const uint64_t *sbuf, msginfo_t *info, const endpoint_t *ep,
                          tcb_t *r, uint64_t *rbuf)
{
    unsigned n = info->extra_caps;
    info->extra_caps = 0;
    info->caps_unwrapped = 0;
    if (n == 0 || sbuf == NULL || rbuf == NULL) {
        return;
    }
    cte_t *dest = receive_slot(r, rbuf);
    for (unsigned k = 0; k < n; k++) {
        cte_t *src;
        lookup_fault_t lf;
        if (!lookup_cap_slot(s, sbuf[IPCBUF_CAPS + k], &src, &lf)) {
            break;
        }
        cap_t c = src->cap;
        if (ep != NULL && cap_type(c) == CAP_ENDPOINT && obj_ptr(cap_paddr(c)) == ep) {
            rbuf[IPCBUF_CAPS + k] = cap_badge(c);
            info->caps_unwrapped |= 1u << k;
        } else {
            if (dest == NULL) {
                break;
            }
            cap_t d;
            if (cap_derive(src, c, &d).code != ERR_NONE || cap_is_null(d)) {
                break;
            }
            cdt_insert_derived(src, dest, d);
            dest = NULL;
        }
        info->extra_caps = k + 1;
    }
}

static void normal_transfer(tcb_t *s, const endpoint_t *ep, uint64_t badge, bool grant,
                            tcb_t *r)
{
    uint64_t *sbuf = thread_ipc_buffer(s, false);
    uint64_t *rbuf = thread_ipc_buffer(r, true);
    msginfo_t info = msginfo_decode(s->ctx.x[1]);
    if (!grant) {
        info.extra_caps = 0;
    }
    transfer_caps(s, sbuf, &info, ep, r, rbuf);
    info.length = copy_mrs(s, sbuf, r, rbuf, info.length);
    r->ctx.x[1] = msginfo_encode(info);
    r->ctx.x[0] = badge;
}

/* The fault message (§10.3), composed from the faulting thread's state now. */
static unsigned fault_message(const tcb_t *s, uint64_t *w)
{
    switch (s->fault_type) {
    case FAULT_CAP: {
        w[0] = s->restart_pc;
        for (unsigned i = 0; i < 6; i++) {
            w[1 + i] = s->fault_w[i];
        }
        /* fault_w: addr, in_recv, lf type, bits left, a, b; length depends on the type. */
        unsigned lf = (unsigned)s->fault_w[2];
        return lf == 1 ? 4 : lf == 2 ? 5 : lf == 3 ? 6 : 7;
    }
    case FAULT_UNKNOWN_SYSCALL:
        for (unsigned i = 0; i < 8; i++) {
            w[i] = s->ctx.x[i];
        }
        w[8] = s->restart_pc;
        w[9] = s->ctx.sp;
        w[10] = s->ctx.pc;
        w[11] = s->ctx.spsr;
        w[12] = s->fault_w[0];
        return 13;
    case FAULT_USER_EXCEPTION:
        w[0] = s->restart_pc;
        w[1] = s->ctx.sp;
        w[2] = s->ctx.spsr;
        w[3] = s->fault_w[0];
        w[4] = s->fault_w[1];
        return 5;
    default: /* FAULT_VM */
        w[0] = s->restart_pc;
        w[1] = s->fault_w[0];
        w[2] = s->fault_w[1];
        w[3] = s->fault_w[2];
        return 4;
    }
}

static void fault_transfer(tcb_t *s, uint64_t badge, tcb_t *r)
{
    uint64_t w[13];
    unsigned n = fault_message(s, w);
    uint64_t *rbuf = thread_ipc_buffer(r, true);
    if (rbuf == NULL && n > MSG_FAST_REGS) {
        n = MSG_FAST_REGS;
    }
    for (unsigned i = 0; i < n; i++) {
        set_mr(r, rbuf, i, w[i]);
    }
    r->ctx.x[1] = msginfo_encode((msginfo_t){ s->fault_type, 0, 0, n });
    r->ctx.x[0] = badge;
}

static void do_transfer(tcb_t *s, const endpoint_t *ep, uint64_t badge, bool grant, tcb_t *r)
{
    if (s->fault_type == FAULT_NONE) {
        normal_transfer(s, ep, badge, grant, r);
    } else {
        fault_transfer(s, badge, r);
    }
}

/* The caller waits for a reply; the receiver holds the one-shot reply cap (§13.1). */
static void setup_caller_cap(tcb_t *caller, tcb_t *receiver, bool can_grant)
{
    thread_set_state(caller, TS_BLOCKED_ON_REPLY);
    cte_t *master = &caller->slots[TCB_SLOT_REPLY];
    cte_t *slot = &receiver->slots[TCB_SLOT_CALLER];
    cte_delete_one(slot);
    cdt_insert_derived(master, slot, cap_reply(obj_paddr(caller), false, can_grant));
}

static void complete_call(tcb_t *caller, bool can_grant, bool can_grant_reply, tcb_t *receiver,
                          bool reply_grant)
{
    if (can_grant || can_grant_reply) {
        setup_caller_cap(caller, receiver, reply_grant);
    } else {
        thread_set_state(caller, TS_INACTIVE);
    }
}

void ipc_send(tcb_t *t, cap_t ep_cap, bool blocking, bool is_call, bool fault)
{
    endpoint_t *ep = obj_ptr(cap_paddr(ep_cap));
    uint64_t badge = cap_badge(ep_cap);
    bool grant = (cap_rights(ep_cap) & RIGHT_GRANT) != 0;
    bool grant_reply = fault || (cap_rights(ep_cap) & RIGHT_GRANT_REPLY) != 0;
    if ((ep->head_state & 3) != EP_RECV) {
        if (!blocking) {
            return;
        }
        t->blocked_on = ep;
        t->blocking_badge = badge;
        t->blocking_can_grant = grant;
        t->blocking_can_grant_reply = grant_reply;
        t->blocking_is_call = is_call;
        thread_set_state(t, TS_BLOCKED_ON_SEND);
        waitq_append(&ep->head_state, &ep->tail, t, EP_SEND);
        return;
    }
    tcb_t *r = waitq_pop(&ep->head_state, &ep->tail);
    r->blocked_on = NULL;
    do_transfer(t, ep, badge, grant, r);
    bool reply_grant = r->blocking_can_grant;
    thread_set_state(r, TS_RUNNING);
    sched_possible_switch_to(r);
    if (is_call) {
        complete_call(t, grant, grant_reply, r, reply_grant);
    }
}

void ipc_receive(tcb_t *t, cap_t cap, bool blocking)
{
    endpoint_t *ep = obj_ptr(cap_paddr(cap));
    cte_delete_one(&t->slots[TCB_SLOT_CALLER]);
    notification_t *bound = t->bound_notification;
    if (bound != NULL && (bound->head_state & 3) == NTFN_ACTIVE) {
        t->ctx.x[0] = bound->word;
        bound->word = 0;
        bound->head_state = NTFN_IDLE;
        return;
    }
    if ((ep->head_state & 3) != EP_SEND) {
        if (!blocking) {
            t->ctx.x[0] = 0;
            return;
        }
        t->blocked_on = ep;
        t->blocking_can_grant = (cap_rights(cap) & RIGHT_GRANT) != 0;
        thread_set_state(t, TS_BLOCKED_ON_RECEIVE);
        waitq_append(&ep->head_state, &ep->tail, t, EP_RECV);
        return;
    }
    tcb_t *s = waitq_pop(&ep->head_state, &ep->tail);
    s->blocked_on = NULL;
    do_transfer(s, ep, s->blocking_badge, s->blocking_can_grant, t);
    if (s->blocking_is_call) {
        complete_call(s, s->blocking_can_grant, s->blocking_can_grant_reply, t,
                      (cap_rights(cap) & RIGHT_GRANT) != 0);
    } else {
        thread_set_state(s, TS_RUNNING);
        sched_possible_switch_to(s);
    }
}

/* A fault reply (§10.4): restart, or apply registers and restart/stop by label. */
static void fault_reply(tcb_t *replier, tcb_t *r)
{
    msginfo_t info = msginfo_decode(replier->ctx.x[1]);
    uint64_t *buf = thread_ipc_buffer(replier, false);
    uint64_t type = r->fault_type;
    r->fault_type = FAULT_NONE;
    if (type == FAULT_UNKNOWN_SYSCALL || type == FAULT_USER_EXCEPTION) {
        unsigned max = type == FAULT_UNKNOWN_SYSCALL ? 12 : 3;
        unsigned n = info.length < max ? info.length : max;
        if (buf == NULL && n > MSG_FAST_REGS) {
            n = MSG_FAST_REGS;
        }
        for (unsigned i = 0; i < n; i++) {
            uint64_t v = get_mr(replier, buf, i);
            if (type == FAULT_UNKNOWN_SYSCALL) {
                if (i < 8) r->ctx.x[i] = v;
                else if (i == 8) r->restart_pc = v;
                else if (i == 9) r->ctx.sp = v;
                else if (i == 10) r->ctx.pc = v;
                else r->ctx.spsr = thread_sanitise_spsr(v);
            } else {
                if (i == 0) r->restart_pc = v;
                else if (i == 1) r->ctx.sp = v;
                else r->ctx.spsr = thread_sanitise_spsr(v);
            }
        }
        if (info.label != 0) {
            thread_set_state(r, TS_INACTIVE);
            return;
        }
    }
    thread_set_state(r, TS_RESTART);
    sched_possible_switch_to(r);
}

void ipc_reply(tcb_t *replier, cte_t *reply_slot)
{
    cap_t rc = reply_slot->cap;
    if (cap_type(rc) != CAP_REPLY || cap_reply_is_master(rc)) {
        return;
    }
    tcb_t *r = obj_ptr(cap_paddr(rc));
    bool grant = cap_reply_can_grant(rc);
    cte_delete_one(reply_slot);
    if (r->state != TS_BLOCKED_ON_REPLY) {
        return;
    }
    if (r->fault_type == FAULT_NONE) {
        normal_transfer(replier, NULL, 0, grant, r);
        thread_set_state(r, TS_RUNNING);
        sched_possible_switch_to(r);
    } else {
        fault_reply(replier, r);
    }
}

void notification_receive(tcb_t *t, cap_t cap, bool blocking)
{
    notification_t *n = obj_ptr(cap_paddr(cap));
    switch (n->head_state & 3) {
    case NTFN_ACTIVE:
        t->ctx.x[0] = n->word;
        n->word = 0;
        n->head_state = NTFN_IDLE;
        return;
    default:
        if (!blocking) {
            t->ctx.x[0] = 0;
            return;
        }
        t->blocked_on = n;
        thread_set_state(t, TS_BLOCKED_ON_NOTIFICATION);
        waitq_append(&n->head_state, &n->tail, t, NTFN_WAITING);
        return;
    }
}
