// SPDX-License-Identifier: BSD-2-Clause
// Scheduling around IPC: who runs first when a message or signal makes a thread runnable, Yield.

// ABI sheet §13.6: strict priorities; a woken thread of higher priority runs at once; of equal
// priority it queues behind a still-runnable current thread, but is preferred over other queued
// threads when the current thread blocks; Yield moves the caller to the tail of its queue.

#include "ipctest.h"

#define NEED(x)                                                                                    \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

// Recv on a[0], then log a[1].
static void recv_then_log(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], SENT_INFO, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysRecv, &r);
    it_log(self->a[1]);
}

// Log a[1], Send on a[0], log a[2].
static void log_send_log(it_thread_t *self)
{
    it_log(self->a[1]);
    keel_ipc_regs_t r = {self->a[0], tagw(1, 0, 0), {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysSend, &r);
    it_log(self->a[2]);
}

static void receiver_vs_sender(seL4_Word recv_prio, const seL4_Word *want)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *rv = it_thread(recv_then_log, recv_prio, 0);
    NEED(rv);
    rv->a[0] = ep;
    rv->a[1] = 2;
    it_start(rv);
    it_settle();
    it_thread_t *sd = it_thread(log_send_log, PRIO_TEST, 0);
    NEED(sd);
    sd->a[0] = ep;
    sd->a[1] = 1;
    sd->a[2] = 3;
    it_start(sd);
    it_settle();
    it_log_is("1 = sender before Send, 2 = receiver woken, 3 = sender after Send", want, 3);
}

static void t_higher_prio_receiver_first(void)
{
    const seL4_Word want[3] = {1, 2, 3};
    receiver_vs_sender(PRIO_TEST + 50, want);
}

static void t_equal_prio_sender_continues_once(void)
{
    const seL4_Word want[3] = {1, 3, 2};
    receiver_vs_sender(PRIO_TEST, want);
}

static void t_equal_prio_sender_continues(void)
{
    it_retry_on_tick(t_equal_prio_sender_continues_once);
}

// Server: Recv on a[0], log 2, Reply, log 3.
static void server_logging(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], SENT_INFO, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysRecv, &r);
    it_log(2);
    keel_ipc_regs_t rep = {0, tagw(0, 0, 0), {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysReply, &rep);
    it_log(3);
}

// Client: Resume the bystander a[1], log 1, Call a[0], log 5.
static void client_logging(it_thread_t *self)
{
    seL4_Word mr[4] = {0, 0, 0, 0};
    keel_call(self->a[1], tag(12, 0, 0), mr); // TCB_Resume
    it_log(1);
    keel_ipc_regs_t c = {self->a[0], tagw(1, 0, 0), {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysCall, &c);
    it_log(5);
}

static void bystander_logging(it_thread_t *self)
{
    (void)self;
    it_log(4);
}

// All three at one priority: the Call hands the CPU to the server ahead of the bystander queued
// earlier; the Reply queues the client behind the bystander while the server keeps running.
static void t_call_switches_to_server_once(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *srv = it_thread(server_logging, PRIO_TEST, 0);
    NEED(srv);
    srv->a[0] = ep;
    it_start(srv);
    it_settle();
    it_thread_t *by = it_thread(bystander_logging, PRIO_TEST, 0);
    it_thread_t *cl = it_thread(client_logging, PRIO_TEST, 0);
    NEED(by && cl);
    cl->a[0] = ep;
    cl->a[1] = by->tcb;
    it_start(cl);
    it_settle();
    const seL4_Word want[5] = {1, 2, 3, 4, 5};
    it_log_is("1 client before Call, 2/3 server before/after Reply, 4 bystander, 5 client after "
              "Call", want, 5);
}

static void t_call_switches_to_server(void)
{
    it_retry_on_tick(t_call_switches_to_server_once);
}

// a[0] = thread to resume first (or 0), a[1] = id to log, three rounds of log + Yield.
static void yielder(it_thread_t *self)
{
    if (self->a[0] != 0) {
        seL4_Word mr[4] = {0, 0, 0, 0};
        keel_call(self->a[0], tag(12, 0, 0), mr); // TCB_Resume
    }
    for (int i = 0; i < 3; i++) {
        it_log(self->a[1]);
        keel_yield();
    }
}

static void t_yield_round_robin_once(void)
{
    it_thread_t *b = it_thread(yielder, PRIO_TEST, 0);
    it_thread_t *a = it_thread(yielder, PRIO_TEST, 0);
    NEED(a && b);
    b->a[1] = 0xb;
    a->a[0] = b->tcb;
    a->a[1] = 0xa;
    it_start(a);
    it_settle();
    const seL4_Word want[6] = {0xa, 0xb, 0xa, 0xb, 0xa, 0xb};
    it_log_is("Yield between two threads of equal priority", want, 6);
}

static void t_yield_round_robin(void)
{
    it_retry_on_tick(t_yield_round_robin_once);
}

static void log_one(it_thread_t *self)
{
    it_log(self->a[0]);
}

// Yield never hands the CPU to a lower priority.
static void t_yield_keeps_priority(void)
{
    it_thread_t *low = it_thread(log_one, PRIO_TEST, 0);
    NEED(low);
    low->a[0] = 1;
    it_start(low);
    keel_yield();
    EQ("lower-priority thread ran during the root thread's Yield", it_log_count(), 0);
    it_settle();
    EQ("lower-priority thread ran once the root thread blocked", it_log_count(), 1);
}

// Log 1, signal a[0], log 3.
static void log_signal_log(it_thread_t *self)
{
    it_log(1);
    keel_ipc_signal(self->a[0]);
    it_log(3);
}

static void signal_case(seL4_Word waiter_prio, const seL4_Word *want)
{
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 1);
    NEED(nb);
    it_thread_t *w = it_thread(recv_then_log, waiter_prio, 0);
    NEED(w);
    w->a[0] = n;
    w->a[1] = 2;
    it_start(w);
    it_settle();
    it_thread_t *s = it_thread(log_signal_log, PRIO_TEST, 0);
    NEED(s);
    s->a[0] = nb;
    it_start(s);
    it_settle();
    it_log_is("1 = signaller before, 2 = waiter woken, 3 = signaller after", want, 3);
}

static void t_signal_wakes_higher_prio_first(void)
{
    const seL4_Word want[3] = {1, 2, 3};
    signal_case(PRIO_TEST + 50, want);
}

static void t_signal_equal_prio_continues_once(void)
{
    const seL4_Word want[3] = {1, 3, 2};
    signal_case(PRIO_TEST, want);
}

static void t_signal_equal_prio_continues(void)
{
    it_retry_on_tick(t_signal_equal_prio_continues_once);
}

const struct it_test it_tests_sched[] = {
    {"sched_higher_prio_receiver_runs_first", t_higher_prio_receiver_first},
    {"sched_equal_prio_sender_continues", t_equal_prio_sender_continues},
    {"sched_call_switches_to_server", t_call_switches_to_server},
    {"sched_yield_round_robin", t_yield_round_robin},
    {"sched_yield_keeps_priority", t_yield_keeps_priority},
    {"sched_signal_wakes_higher_prio_first", t_signal_wakes_higher_prio_first},
    {"sched_signal_equal_prio_continues", t_signal_equal_prio_continues},
    {NULL, NULL},
};
