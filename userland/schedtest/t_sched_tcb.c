// SPDX-License-Identifier: BSD-2-Clause
// Scheduling tests, continued: MCP, Suspend/Resume, domains, DebugDumpScheduler (SCHED0011-0020).

// ABI sheet §8.4 (SetPriority/SetMCPriority/SetSchedParams/Suspend/Resume), §8.9 (DomainSet) and
// §13.7 (thread states); numbered after t_sched.c's tests.

#include "sched_threads.h"

#include <stdio.h>
#include <string.h>

// --- MCP -----------------------------------------------------------------------------------------

static void t_mcp_root_limits(void)
{
    seL4_CPtr t = st_new(seL4_TCBObject, 0);
    seL4_CPtr fresh = st_new(seL4_TCBObject, 0);
    NEED(t && fresh);
    ERR_RANGE(keel_tcb_set_priority(t, ST_ROOT_TCB, 256), 0, 255);
    ERR_RANGE(keel_tcb_set_mc_priority(t, ST_ROOT_TCB, 256), 0, 255);
    ERR_RANGE(keel_tcb_set_sched_params(t, ST_ROOT_TCB, 256, 0), 0, 255);
    ERR_RANGE(keel_tcb_set_sched_params(t, ST_ROOT_TCB, 0, 256), 0, 255);
    ERR_RANGE(keel_tcb_set_priority(t, ST_ROOT_TCB, ~0UL), 0, 255);
    OK(keel_tcb_set_priority(t, ST_ROOT_TCB, 255));
    OK(keel_tcb_set_mc_priority(t, ST_ROOT_TCB, 255));
    OK(keel_tcb_set_sched_params(t, ST_ROOT_TCB, 255, 255));
    // The authority must be a TCB: InvalidCapability(1) (§13.17).
    ERR1(keel_tcb_set_priority(t, st.rn, 1), seL4_InvalidCapability, 1);
    ERR1(keel_tcb_set_mc_priority(t, ST_ROOT_CNODE, 1), seL4_InvalidCapability, 1);
    ERR1(keel_tcb_set_sched_params(t, st.rn, 1, 1), seL4_InvalidCapability, 1);
    // Short messages (§8.4): no priority word, or no authority cap.
    const seL4_Word one[2] = {1, 1};
    const seL4_CPtr auth[1] = {ST_ROOT_TCB};
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_PRIORITY, 0, 1, one, auth), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_PRIORITY, 1, 0, one, NULL), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_MC_PRIORITY, 1, 0, one, NULL), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_SCHED_PARAMS, 1, 1, one, auth), seL4_TruncatedMessage);
    // A new TCB has MCP 0 (§13.6): as an authority it allows priority 0 only.
    ERR_RANGE(keel_tcb_set_priority(t, fresh, 1), 0, 0);
    ERR_RANGE(keel_tcb_set_mc_priority(t, fresh, 1), 0, 0);
    OK(keel_tcb_set_priority(t, fresh, 0));
}

// An authority with MCP 100 cannot raise anything above 100; a failed SetSchedParams changes
// nothing.
static void t_mcp_authority_100(void)
{
    seL4_CPtr auth = st_new(seL4_TCBObject, 0);
    seL4_CPtr t = st_new(seL4_TCBObject, 0);
    seL4_CPtr probe = st_new(seL4_TCBObject, 0);
    NEED(auth && t && probe);
    NEED(OK(keel_tcb_set_mc_priority(auth, ST_ROOT_TCB, 100)));
    ERR_RANGE(keel_tcb_set_priority(t, auth, 101), 0, 100);
    ERR_RANGE(keel_tcb_set_mc_priority(t, auth, 101), 0, 100);
    ERR_RANGE(keel_tcb_set_sched_params(t, auth, 101, 10), 0, 100);
    ERR_RANGE(keel_tcb_set_sched_params(t, auth, 50, 101), 0, 100);
    // t's MCP is still 0 after the refused SetSchedParams(mcp 50, prio 101).
    ERR_RANGE(keel_tcb_set_priority(probe, t, 1), 0, 0);
    OK(keel_tcb_set_priority(t, auth, 100));
    OK(keel_tcb_set_sched_params(t, auth, 60, 70));
    ERR_RANGE(keel_tcb_set_priority(probe, t, 61), 0, 60);
    OK(keel_tcb_set_priority(probe, t, 60));
    // The authority may lower its own MCP, and is then held to the new value.
    OK(keel_tcb_set_mc_priority(auth, auth, 90));
    ERR_RANGE(keel_tcb_set_priority(t, auth, 91), 0, 90);
}

// A running thread with MCP 100 and priority 100 tries to raise itself and another thread.
static void mcp_thread_body(st_thread_t *self)
{
    seL4_CPtr other = self->a[0];
    seL4_CPtr me = self->tcb;
    seL4_Word out[4];
    seL4_Word p101[1] = {101}, p150[1] = {150}, p90[1] = {90}, p200[1] = {200};
    seL4_Word sp[2] = {100, 100};
    seL4_CPtr own[1] = {me}, root[1] = {ST_ROOT_TCB};
    self->r[0] = st_tinvoke(self, other, KEEL_INV_TCB_SET_PRIORITY, 1, p101, 1, own, out);
    self->r[1] = out[0];
    self->r[2] = out[1];
    self->r[3] = st_tinvoke(self, me, KEEL_INV_TCB_SET_PRIORITY, 1, p150, 1, own, out);
    self->r[4] = out[0];
    self->r[5] = out[1];
    self->r[6] = st_tinvoke(self, other, KEEL_INV_TCB_SET_MC_PRIORITY, 1, p101, 1, own, out);
    self->r[7] = out[0];
    self->r[8] = out[1];
    self->r[9] = st_tinvoke(self, other, KEEL_INV_TCB_SET_PRIORITY, 1, p90, 1, own, NULL);
    self->r[10] = st_tinvoke(self, other, KEEL_INV_TCB_SET_SCHED_PARAMS, 2, sp, 1, own, NULL);
    // The rule looks at the authority, not at the caller (§13.6): the root TCB (MCP 255) as
    // authority lets this thread raise the other one to 200.
    self->r[11] = st_tinvoke(self, other, KEEL_INV_TCB_SET_PRIORITY, 1, p200, 1, root, NULL);
    self->stage = 1;
}

static void t_mcp_thread_cannot_raise(void)
{
    NEED_TIMER();
    st_thread_t *t1 = st_thread_new(mcp_thread_body, PRIO_MID, 1, "st-mcp100");
    seL4_CPtr t2 = st_new(seL4_TCBObject, 0);
    NEED(t1 && t2);
    NEED(OK(keel_tcb_set_sched_params(t1->tcb, ST_ROOT_TCB, 100, 100)));
    t1->a[0] = t2;
    NEED(st_thread_start(t1));
    st_await(&t1->stage, 1, 500);
    NEED(CHECK(t1->stage == 1, "the MCP-100 thread did not finish its invocations"));
    seL4_Word m[2] = {t1->r[1], t1->r[2]};
    st_expect_thread(__LINE__, "SetPriority(other, own authority, 101)", t1->r[0], m,
                     seL4_RangeError, 2, 0, 100);
    m[0] = t1->r[4];
    m[1] = t1->r[5];
    st_expect_thread(__LINE__, "SetPriority(self, own authority, 150)", t1->r[3], m,
                     seL4_RangeError, 2, 0, 100);
    m[0] = t1->r[7];
    m[1] = t1->r[8];
    st_expect_thread(__LINE__, "SetMCPriority(other, own authority, 101)", t1->r[6], m,
                     seL4_RangeError, 2, 0, 100);
    EQ("SetPriority(other, own authority, 90)", t1->r[9], seL4_NoError);
    EQ("SetSchedParams(other, own authority, 100, 100)", t1->r[10], seL4_NoError);
    EQ("SetPriority(other, root authority, 200)", t1->r[11], seL4_NoError);
}

// --- Suspend and Resume --------------------------------------------------------------------------

static void t_suspend_resume_running(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 1000);
    NEED(a && st_thread_start(a));
    st_await_above(&a->count, 0, 500);
    NEED(CHECK(a->count > 0, "the busy thread did not run"));
    OK(keel_tcb_suspend(a->tcb));
    seL4_Word c1 = a->count;
    st_sleep_ms(30);
    CHECK(a->count == c1, "a suspended thread ran: counter %lu -> %lu", c1, a->count);
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    OK(keel_tcb_read_registers(a->tcb, 0, 0, 1, &regs));
    OK(keel_tcb_resume(a->tcb));
    st_await_above(&a->count, c1, 500);
    CHECK(a->count > c1, "a resumed thread did not run again (counter %lu)", a->count);
    EQ("entries into the thread function (resume continues, it does not restart)", a->entries, 1);
    // Resuming a thread that is already runnable does nothing (§13.16).
    seL4_Word c2 = a->count;
    OK(keel_tcb_resume(a->tcb));
    st_await_above(&a->count, c2, 500);
    CHECK(a->count > c2, "the thread stopped after a second Resume");
    EQ("entries after Resume of a running thread", a->entries, 1);
}

// A waiter thread (PRIO_MID) started and blocked in its Wait on notification n, or NULL (the
// failure reported).
static st_thread_t *blocked_waiter(seL4_CPtr n)
{
    st_thread_t *w = st_thread_new(waiter, PRIO_MID, 1, "st-waiter");
    if (w == NULL) {
        return NULL;
    }
    w->a[0] = n;
    if (!st_thread_start(w) || !CHECK(st_await(&w->stage, 1, 500),
                                      "the waiter did not reach its Wait (stage %lu)", w->stage)) {
        return NULL;
    }
    return w;
}

// A waiter blocked on a new notification *n, *nb a copy of it badged `badge`;
// NULL if any could not be made (the failure reported).
static st_thread_t *badged_waiter(seL4_Word badge, seL4_CPtr *n, seL4_CPtr *nb)
{
    *nb = st_new_ntfn_badged(badge, n);
    return *nb != 0 ? blocked_waiter(*n) : NULL;
}

// A thread blocked on a notification is suspended; a signal then must not reach it; Resume
// restarts its Wait, which now finds the notification active (§13.7).
static void t_suspend_blocked_resume_restarts(void)
{
    NEED_TIMER();
    seL4_CPtr n, n5;
    st_thread_t *w = badged_waiter(5, &n, &n5);
    NEED(w);
    OK(keel_tcb_suspend(w->tcb));
    keel_ipc_signal(n5);
    st_sleep_ms(5);
    CHECK(w->stage == 1, "the signal woke a suspended thread (stage %lu)", w->stage);
    OK(keel_tcb_resume(w->tcb));
    st_await(&w->stage, 2, 500);
    EQ("stage after Resume", w->stage, 2);
    EQ("badge returned by the restarted Wait", w->r[0], 5);
    EQ("entries", w->entries, 1);
    EQ("notification word left", keel_ipc_poll(n), 0);
}

// Resume of a thread blocked on a notification (not suspended) restarts its Wait: it blocks
// again, once, and the next signal wakes it (§8.4 Resume).
static void t_resume_blocked_restarts_wait(void)
{
    NEED_TIMER();
    seL4_CPtr n, n7;
    st_thread_t *w = badged_waiter(7, &n, &n7);
    NEED(w);
    OK(keel_tcb_resume(w->tcb));
    OK(keel_tcb_resume(w->tcb));
    st_sleep_ms(5);
    EQ("stage after Resume of the blocked thread (it must wait again)", w->stage, 1);
    keel_ipc_signal(n7);
    st_await(&w->stage, 2, 500);
    EQ("stage after the signal", w->stage, 2);
    EQ("badge", w->r[0], 7);
    // Had the restart left a second queue entry, this signal would go to the stale entry.
    keel_ipc_signal(n7);
    EQ("notification word after a second signal (nobody waits)", keel_ipc_poll(n), 7);
}

// A thread blocked in Send: Suspend takes it off the endpoint queue; Resume restarts the Send.
static void t_suspend_resume_sender(void)
{
    NEED_TIMER();
    seL4_CPtr ep = st_new(seL4_EndpointObject, 0);
    st_thread_t *s = st_thread_new(sender, PRIO_MID, 1, "st-sender");
    NEED(ep && s);
    s->a[0] = ep;
    NEED(st_thread_start(s));
    st_await(&s->stage, 1, 500);
    NEED(CHECK(s->stage == 1, "the sender did not reach its Send (stage %lu)", s->stage));
    OK(keel_tcb_suspend(s->tcb));
    keel_ipc_regs_t r = {ep, ~0UL, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysNBRecv, &r);
    CHECK(r.x1 == ~0UL, "NBRecv took a message from a suspended sender (tag 0x%lx)", r.x1);
    OK(keel_tcb_resume(s->tcb));
    st_sleep_ms(5);
    EQ("stage of the resumed sender (blocked again in its restarted Send)", s->stage, 1);
    keel_ipc_regs_t q = {ep, ~0UL, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysNBRecv, &q);
    EQ("label of the re-sent message", seL4_MessageInfo_get_label(keel_msginfo_from_word(q.x1)),
       0x77);
    EQ("MR0 of the re-sent message", q.mr[0], 0x1234);
    st_await(&s->stage, 2, 500);
    EQ("stage after the message was taken", s->stage, 2);
}

// An Inactive thread does not run; Resume starts it at its restart PC (§13.7).
static void t_resume_inactive(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 300);
    NEED(a);
    st_sleep_ms(5);
    CHECK(a->entries == 0 && a->count == 0, "an inactive thread ran");
    NEED(st_thread_start(a));
    st_await_above(&a->count, 0, 500);
    EQ("entries after Resume", a->entries, 1);
    CHECK(a->count > 0, "a resumed inactive thread did not run");
}

// --- Domains -------------------------------------------------------------------------------------

static void t_domain_set_errors(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 300);
    NEED(a);
    const seL4_CPtr dom = seL4_CapDomain;
    ERR1(keel_domain_set(dom, 1, a->tcb), seL4_InvalidArgument, 0);
    ERR1(keel_domain_set(dom, 255, a->tcb), seL4_InvalidArgument, 0);
    ERR1(keel_domain_set(dom, 0, st.rn), seL4_InvalidArgument, 1);
    ERR1(keel_domain_set(dom, 0, ST_ROOT_CNODE), seL4_InvalidArgument, 1);
    // The domain is checked before the cap (§8.9 order).
    ERR1(keel_domain_set(dom, 1, st.rn), seL4_InvalidArgument, 0);
    const seL4_Word d0[1] = {0}, d1[1] = {1};
    const seL4_CPtr tcb[1] = {a->tcb};
    ERR0(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET, 0, 1, d0, tcb), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET, 1, 0, d0, NULL), seL4_TruncatedMessage);
    ERR1(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET, 1, 0, d1, NULL), seL4_InvalidArgument, 0);
    ERR0(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET + 1, 1, 1, d0, tcb), seL4_IllegalOperation);
    OK(keel_domain_set(dom, 0, a->tcb));
    OK(keel_domain_set(dom, 0, ST_ROOT_TCB));
    NEED(st_thread_start(a));
    OK(keel_domain_set(dom, 0, a->tcb));
    st_await_above(&a->count, 0, 500);
    CHECK(a->count > 0, "a thread set to domain 0 does not run");
}

// --- DebugDumpScheduler --------------------------------------------------------------------------

// Threads in every state, a CNode that holds a cap to itself, to the root CNode and to a TCB:
// the dump must come back, and everything must go on as before.
static void t_debug_dump_scheduler(void)
{
    NEED_TIMER();
    begin_busy();
    seL4_CPtr n = st_new(seL4_NotificationObject, 0);
    seL4_CPtr cnode = st_new(seL4_CapTableObject, 4);
    st_thread_t *busy = busy_thread(busy_tracked, PRIO_MID, 1, 300);
    st_thread_t *w = st_thread_new(waiter, PRIO_MID + 1, 2, "st-dump-waiter");
    st_thread_t *idle = st_thread_new(log_once, PRIO_MID, 3, "st-dump-inactive");
    st_thread_t *susp = busy_thread(busy_tracked, PRIO_MID, 4, 300);
    NEED(n && cnode && busy && w && idle && susp);
    OK(keel_cnode_copy(cnode, 0, 4, ST_ROOT_CNODE, cnode, ST_DEPTH, KEEL_RIGHTS_ALL));
    OK(keel_cnode_copy(cnode, 1, 4, ST_ROOT_CNODE, ST_ROOT_CNODE, ST_DEPTH, KEEL_RIGHTS_ALL));
    OK(keel_cnode_copy(cnode, 2, 4, ST_ROOT_CNODE, busy->tcb, ST_DEPTH, KEEL_RIGHTS_ALL));
    w->a[0] = n;
    NEED(st_thread_start(busy) && st_thread_start(w) && st_thread_start(susp));
    st_sleep_ms(5);
    OK(keel_tcb_suspend(susp->tcb));
    keel_debug_dump_scheduler();
    seL4_Word c = busy->count;
    st_await_above(&busy->count, c, 500);
    CHECK(busy->count > c, "the busy thread stopped after the dump");
    EQ("waiter stage before its signal", w->stage, 1);
    keel_ipc_signal(n);
    st_await(&w->stage, 2, 500);
    EQ("waiter stage after its signal", w->stage, 2);
    // Break the cycle so that the CNode and the TCB copy inside it go with the test's slots.
    for (seL4_Word i = 0; i < 3; i++) {
        keel_cnode_delete(cnode, i, 4);
    }
}

const struct st_test st_sched_tcb_tests[] = {
    {"mcp_root_limits", t_mcp_root_limits},
    {"mcp_authority_100", t_mcp_authority_100},
    {"mcp_thread_cannot_raise", t_mcp_thread_cannot_raise},
    {"suspend_resume_running", t_suspend_resume_running},
    {"suspend_blocked_resume_restarts", t_suspend_blocked_resume_restarts},
    {"resume_blocked_restarts_wait", t_resume_blocked_restarts_wait},
    {"suspend_resume_sender", t_suspend_resume_sender},
    {"resume_inactive", t_resume_inactive},
    {"domain_set_errors", t_domain_set_errors},
    {"debug_dump_scheduler", t_debug_dump_scheduler},
};
const unsigned st_sched_tcb_count = sizeof(st_sched_tcb_tests) / sizeof(st_sched_tcb_tests[0]);
