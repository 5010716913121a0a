// SPDX-License-Identifier: BSD-2-Clause
// Notification tests: signal, wait, poll, badge ORing, rights, and bound notifications.

// ABI sheet §2.3 (Recv on a notification writes x0 only), §13.3 (Call on a notification),
// §13.4 (notifications), §13.5 (bound notifications), §10.2 (cap faults on receive).

#include "ipctest.h"

#define NEED(x)                                                                                    \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

// Only x0 may change when a thread is woken by a notification.
static void check_only_x0(const char *who, const it_thread_t *t, seL4_Word word)
{
    it_check(t->r[R_X0] == word, "%s: x0 0x%lx, expected 0x%lx", who, t->r[R_X0], word);
    it_check(t->r[R_X1] == SENT_INFO, "%s: x1 written (0x%lx)", who, t->r[R_X1]);
    const seL4_Word sent[4] = {SENT0, SENT1, SENT2, SENT3};
    for (unsigned i = 0; i < 4; i++) {
        it_check(t->r[R_MR + i] == sent[i], "%s: x%u written (0x%lx)", who, 2 + i,
                 t->r[R_MR + i]);
    }
}

static it_thread_t *waiter(seL4_CPtr cap, seL4_CPtr fault_ep)
{
    it_thread_t *w = it_sys_thread(PRIO_TEST, fault_ep, seL4_SysRecv, cap, SENT_INFO, NULL);
    if (w != NULL) {
        it_start(w);
        it_settle();
    }
    return w;
}

static void t_signal_then_wait(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x5);
    NEED(nb);
    keel_ipc_signal(nb);
    it_thread_t *w = waiter(n, 0);
    NEED(w);
    EQ("waiter returned at once", w->finished, 1);
    check_only_x0("waiter", w, 0x5);
    EQ("poll after the wait consumed the word", keel_ipc_poll(n), 0);
}

static void t_badges_ored(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    const seL4_Word badges[3] = {0x1, 0x4, 0x10};
    for (unsigned i = 0; i < 3; i++) {
        seL4_CPtr nb = it_mint(n, R_WRITE, badges[i]);
        NEED(nb);
        keel_ipc_signal(nb);
    }
    EQ("word after signals with badges 1, 4, 0x10", keel_ipc_poll(n), 0x15);
    EQ("word after the poll consumed it", keel_ipc_poll(n), 0);
}

static void t_poll_idle(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, n);
    it_sys(seL4_SysNBRecv, &r);
    EQ("x0", r.x0, 0);
    EQ("x1", r.x1, SENT_INFO);
    const seL4_Word want[4] = {SENT0, SENT1, SENT2, SENT3};
    for (unsigned i = 0; i < 4; i++) {
        it_eqi("x2..x5", i, r.mr[i], want[i]);
    }
}

static void t_waiter_woken(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x80);
    NEED(nb);
    it_thread_t *w = waiter(n, 0);
    NEED(w);
    EQ("waiter blocked on an idle notification (finished)", w->finished, 0);
    keel_ipc_signal(nb);
    it_settle();
    EQ("waiter woken", w->finished, 1);
    check_only_x0("waiter", w, 0x80);
    EQ("notification idle again after waking the waiter (poll)", keel_ipc_poll(n), 0);
}

static void t_waiters_fifo(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    seL4_CPtr nb1 = it_mint(n, R_WRITE, 0x1);
    seL4_CPtr nb2 = it_mint(n, R_WRITE, 0x2);
    NEED(nb1 && nb2);
    it_thread_t *w1 = waiter(n, 0);
    it_thread_t *w2 = waiter(n, 0);
    NEED(w1 && w2);
    keel_ipc_signal(nb1);
    it_settle();
    EQ("first waiter woken by the first signal", w1->finished, 1);
    EQ("second waiter still blocked", w2->finished, 0);
    EQ("first waiter's word", w1->r[R_X0], 0x1);
    keel_ipc_signal(nb2);
    it_settle();
    EQ("second waiter woken by the second signal", w2->finished, 1);
    EQ("second waiter's word (not ORed with the first)", w2->r[R_X0], 0x2);
}

// Call on a notification signals it and returns x0 = 0, x1 = 0, x2..x5 untouched (§13.3).
static void t_call_on_ntfn(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x6);
    NEED(nb);
    keel_ipc_regs_t r = {nb, tagw(0x3, 0, 2), {SENT0, SENT1, SENT2, SENT3}};
    it_sys(seL4_SysCall, &r);
    EQ("x0", r.x0, 0);
    EQ("x1", r.x1, 0);
    const seL4_Word want[4] = {SENT0, SENT1, SENT2, SENT3};
    for (unsigned i = 0; i < 4; i++) {
        it_eqi("x2..x5", i, r.mr[i], want[i]);
    }
    EQ("word after the Call", keel_ipc_poll(n), 0x6);
}

// A notification cap without Write cannot signal: Send does nothing, Call gets
// InvalidCapability(0) (§13.3).
static void t_signal_without_write(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    seL4_CPtr nr = it_mint(n, R_READ, 0x9);
    NEED(nr);
    keel_ipc_regs_t r = {nr, tagw(0, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysSend, &r);
    EQ("word after Send through a cap without Write", keel_ipc_poll(n), 0);
    keel_ipc_regs_t c = {nr, tagw(0, 0, 0), {SENT0, SENT1, SENT2, SENT3}};
    it_sys(seL4_SysCall, &c);
    EQ("Call without Write: error label", tag_label(c.x1), ERR_INVALID_CAPABILITY);
    EQ("Call without Write: length", tag_len(c.x1), 1);
    EQ("Call without Write: MR0", c.mr[0], 0);
    EQ("word after Call through a cap without Write", keel_ipc_poll(n), 0);
}

static void check_recv_cap_fault(const char *what, seL4_CPtr fep, const it_thread_t *t,
                                 seL4_CPtr cptr)
{
    keel_ipc_regs_t r;
    if (!it_check(it_take(fep, &r), "%s: no fault message", what)) {
        return;
    }
    it_check(tag_label(r.x1) == FAULT_CAP, "%s: fault label %lu, expected 1", what,
             tag_label(r.x1));
    it_check(tag_len(r.x1) == 5, "%s: fault length %lu, expected 5", what, tag_len(r.x1));
    it_check(r.mr[0] == t->r[R_SVC], "%s: MR0 0x%lx, expected the svc 0x%lx", what, r.mr[0],
             t->r[R_SVC]);
    it_check(r.mr[1] == cptr, "%s: MR1 0x%lx, expected the CPtr 0x%lx", what, r.mr[1], cptr);
    it_check(r.mr[2] == 1, "%s: MR2 (in receive phase) %lu, expected 1", what, r.mr[2]);
    it_check(r.mr[3] == LF_MISSING_CAPABILITY, "%s: MR3 lookup failure %lu, expected 2", what,
             r.mr[3]);
    it_check(it.buf->msg[4] == 0, "%s: MR4 bits left %lu, expected 0", what, it.buf->msg[4]);
    it_check(t->finished == 0, "%s: the faulting thread returned", what);
}

static void t_wait_without_read(void)
{
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr fep = it_new_ep();
    NEED(n && fep);
    seL4_CPtr nw = it_mint(n, R_WRITE, 0);
    seL4_CPtr fcap = it_mint(fep, R_WRITE | R_GRANT, 0);
    NEED(nw && fcap);
    it_thread_t *w = waiter(nw, fcap);
    NEED(w);
    check_recv_cap_fault("Recv on a notification cap without Read", fep, w, nw);
}

// Signalling an idle notification with badge 0 makes it active with word 0 (§13.4).
static void t_zero_badge_signal(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    keel_ipc_signal(n);
    it_thread_t *w = waiter(n, 0);
    NEED(w);
    EQ("waiter returned at once after a badge-0 signal (finished)", w->finished, 1);
    EQ("word", w->r[R_X0], 0);
}

static void t_bound_wakes_recv(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    NEED(ep && n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x99);
    NEED(nb);
    it_thread_t *t = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(t);
    EQ("BindNotification", it_tcb_bind(t->tcb, n), 0);
    it_start(t);
    it_settle();
    EQ("bound thread blocked on the endpoint (finished)", t->finished, 0);
    keel_ipc_signal(nb);
    it_settle();
    EQ("bound thread woken by the signal", t->finished, 1);
    check_only_x0("bound thread", t, 0x99);
}

static void t_bound_active_before_recv(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    NEED(ep && n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x98);
    NEED(nb);
    it_thread_t *s = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(0x7, 0, 0), NULL);
    NEED(s);
    it_start(s);
    it_settle();
    keel_ipc_signal(nb);
    it_thread_t *t = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(t);
    EQ("BindNotification", it_tcb_bind(t->tcb, n), 0);
    it_start(t);
    it_settle();
    EQ("bound thread returned at once", t->finished, 1);
    check_only_x0("bound thread", t, 0x98);
    EQ("queued sender untouched (finished)", s->finished, 0);
    keel_ipc_regs_t r;
    if (CHECK(it_take(ep, &r), "the queued sender's message is gone")) {
        EQ("label of the queued sender", tag_label(r.x1), 0x7);
    }
}

// Waiting on a notification bound to another TCB is a cap fault (§13.4).
static void t_bound_other_tcb(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr fep = it_new_ep();
    NEED(ep && n && fep);
    seL4_CPtr fcap = it_mint(fep, R_WRITE | R_GRANT, 0);
    NEED(fcap);
    it_thread_t *owner = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(owner);
    EQ("BindNotification", it_tcb_bind(owner->tcb, n), 0);
    it_start(owner);
    it_settle();
    it_thread_t *w = waiter(n, fcap);
    NEED(w);
    check_recv_cap_fault("Recv on a notification bound to another thread", fep, w, n);
}

static void t_bound_wait_directly(void)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x96);
    NEED(nb);
    it_thread_t *t = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, n, SENT_INFO, NULL);
    NEED(t);
    EQ("BindNotification", it_tcb_bind(t->tcb, n), 0);
    it_start(t);
    it_settle();
    EQ("bound thread blocked on its own notification (finished)", t->finished, 0);
    keel_ipc_signal(nb);
    it_settle();
    EQ("bound thread woken", t->finished, 1);
    check_only_x0("bound thread", t, 0x96);
}

// A bound thread blocked on a reply is not woken by a signal (§13.4).
static void t_bound_call_not_woken(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    NEED(ep && n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x97);
    NEED(nb);
    it_thread_t *t = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, ep, tagw(0x30, 0, 0), NULL);
    NEED(t);
    EQ("BindNotification", it_tcb_bind(t->tcb, n), 0);
    it_start(t);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(ep, &r), "the bound thread's Call did not arrive")) {
        return;
    }
    keel_ipc_signal(nb);
    it_settle();
    EQ("bound thread blocked on reply not woken by the signal (finished)", t->finished, 0);
    keel_ipc_regs_t rep = {0, tagw(0x31, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("bound thread returned after the reply", t->finished, 1);
    EQ("its x0", t->r[R_X0], 0);
    EQ("its reply label", tag_label(t->r[R_X1]), 0x31);
    EQ("UnbindNotification", it_tcb_unbind(t->tcb), 0);
    EQ("the signal is still pending (poll)", keel_ipc_poll(n), 0x97);
}

static void t_unbound_no_wake(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    NEED(ep && n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x95);
    NEED(nb);
    it_thread_t *t = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(t);
    EQ("BindNotification", it_tcb_bind(t->tcb, n), 0);
    EQ("UnbindNotification", it_tcb_unbind(t->tcb), 0);
    it_start(t);
    it_settle();
    keel_ipc_signal(nb);
    it_settle();
    EQ("thread on the endpoint not woken after unbinding (finished)", t->finished, 0);
    EQ("word (the notification went active instead)", keel_ipc_poll(n), 0x95);
}

const struct it_test it_tests_ntfn[] = {
    {"ntfn_signal_then_wait", t_signal_then_wait},
    {"ntfn_badges_ored", t_badges_ored},
    {"ntfn_poll_idle", t_poll_idle},
    {"ntfn_waiter_woken_with_badge", t_waiter_woken},
    {"ntfn_waiters_fifo", t_waiters_fifo},
    {"ntfn_call_signals", t_call_on_ntfn},
    {"ntfn_signal_without_write", t_signal_without_write},
    {"ntfn_wait_without_read_cap_fault", t_wait_without_read},
    {"ntfn_zero_badge_signal_activates", t_zero_badge_signal},
    {"bound_ntfn_wakes_endpoint_recv", t_bound_wakes_recv},
    {"bound_ntfn_active_before_recv", t_bound_active_before_recv},
    {"bound_ntfn_other_tcb_cap_fault", t_bound_other_tcb},
    {"bound_ntfn_wait_directly", t_bound_wait_directly},
    {"bound_ntfn_blocked_on_reply_not_woken", t_bound_call_not_woken},
    {"unbound_ntfn_does_not_wake", t_unbound_no_wake},
    {NULL, NULL},
};
