// SPDX-License-Identifier: BSD-2-Clause
// Fault IPC tests, and what deletion, CancelBadgedSends, Suspend and Resume do to blocked threads.

// ABI sheet §10 (fault delivery, message layouts, replies), §9 (restart PC), §13.7 (thread
// states), §13.9 (deleting endpoints/notifications), §8.5 (CancelBadgedSends).

#include "ipctest.h"

#define NEED(x)                                                                                    \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)
#define ESR_IL        (1UL << 25)
#define ESR_WNR       (1UL << 6)
#define ESR_FSC(esr)  ((esr) & 0x3f)
#define EC_UNKNOWN    0x00
#define EC_IABT_LOWER 0x20
#define EC_DABT_LOWER 0x24

static void probe_unknown(it_thread_t *self)
{
    it_probe_unknown_syscall((seL4_Word *)self->r);
}

static void probe_udf(it_thread_t *self)
{
    it_probe_udf((seL4_Word *)self->r);
}

static void probe_load(it_thread_t *self)
{
    it_probe_load((seL4_Word *)self->r, UNMAPPED_DATA);
}

static void probe_store(it_thread_t *self)
{
    it_probe_store((seL4_Word *)self->r, UNMAPPED_DATA + 8);
}

static void probe_jump(it_thread_t *self)
{
    (void)self;
    it_probe_jump(UNMAPPED_CODE);
}

// A fault endpoint and a badged cap to it that may carry faults (Write + GrantReply).
static bool fault_ep(seL4_CPtr *fep, seL4_CPtr *fcap, seL4_Word badge)
{
    *fep = it_new_ep();
    *fcap = *fep ? it_mint(*fep, R_WRITE | R_GRANTREPLY, badge) : 0;
    return *fcap != 0;
}

static void check_spsr(const char *what, seL4_Word spsr)
{
    it_check((spsr & 0x1f) == 0, "%s: SPSR 0x%lx is not EL0t/AArch64", what, spsr);
}

// Starts a thread running the unknown-syscall probe and takes its fault message; the message
// words MR0..MR12 end up in mr[].
static it_thread_t *unknown_syscall_fault(seL4_CPtr fep, seL4_CPtr fcap, seL4_Word mr[13])
{
    it_thread_t *t = it_thread(probe_unknown, PRIO_TEST, fcap);
    if (t == NULL) {
        return NULL;
    }
    it_start(t);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(fep, &r), "no fault message for syscall number 123")) {
        return NULL;
    }
    EQ("fault badge (x0)", r.x0, 0xfa);
    EQ("fault label", tag_label(r.x1), FAULT_UNKNOWN_SYSCALL);
    EQ("fault length", tag_len(r.x1), 13);
    EQ("fault extraCaps", tag_caps(r.x1), 0);
    for (unsigned i = 0; i < 13; i++) {
        mr[i] = i < 4 ? r.mr[i] : it.buf->msg[i];
    }
    return t;
}

static void t_unknown_syscall_message(void)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfa));
    seL4_Word mr[13];
    it_thread_t *t = unknown_syscall_fault(fep, fcap, mr);
    NEED(t);
    for (unsigned i = 0; i < 7; i++) {
        it_eqi("MR (x0..x6 at the svc)", i, mr[i], 0xa0 + i);
    }
    EQ("MR7 (x7)", mr[7], 123);
    EQ("MR8 FaultIP (the svc)", mr[8], t->r[0]);
    EQ("MR9 SP", mr[9], t->r[2]);
    EQ("MR10 LR (ELR = svc + 4)", mr[10], t->r[0] + 4);
    check_spsr("MR11", mr[11]);
    EQ("MR12 syscall number", mr[12], 123);
    EQ("faulting thread waits (finished)", t->finished, 0);
}

// Sends a 12-MR reply to an UnknownSyscall fault: x0 := x0_value, pc := svc + 4.
static void reply_unknown_syscall(seL4_Word label, const seL4_Word mr[13], seL4_Word x0_value)
{
    for (unsigned i = 4; i < 12; i++) {
        it.buf->msg[i] = mr[i];
    }
    it.buf->msg[8] = mr[8] + 4;
    keel_ipc_regs_t rep = {0, tagw(label, 0, 12), {x0_value, mr[1], mr[2], mr[3]}};
    it_sys(seL4_SysReply, &rep);
}

static void t_unknown_syscall_reply_resumes(void)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfa));
    seL4_Word mr[13];
    it_thread_t *t = unknown_syscall_fault(fep, fcap, mr);
    NEED(t);
    reply_unknown_syscall(0, mr, 0x600d);
    it_settle();
    EQ("thread resumed after the svc (finished)", t->finished, 1);
    EQ("x0 set from reply MR0", t->r[1], 0x600d);
}

static void t_unknown_syscall_reply_label_stops(void)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfa));
    seL4_Word mr[13];
    it_thread_t *t = unknown_syscall_fault(fep, fcap, mr);
    NEED(t);
    reply_unknown_syscall(1, mr, 0x600e);
    it_settle();
    EQ("thread left inactive by a reply with label 1 (finished)", t->finished, 0);
    seL4_Word regs[4] = {0};
    EQ("ReadRegisters", it_tcb_read_regs(t->tcb, 4, regs), 0);
    EQ("pc (reply MR8 applied)", regs[0], t->r[0] + 4);
    EQ("x0 (reply MR0 applied)", regs[3], 0x600e);
    EQ("Resume", it_tcb_resume(t->tcb), 0);
    it_settle();
    EQ("resumed thread continued after the svc (finished)", t->finished, 1);
    EQ("its x0", t->r[1], 0x600e);
}

static void t_user_exception(void)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfb));
    seL4_CPtr s = it_slot();
    NEED(s);
    it_thread_t *t = it_thread(probe_udf, PRIO_TEST, fcap);
    NEED(t);
    it_start(t);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(fep, &r), "no fault message for udf #0")) {
        return;
    }
    EQ("fault badge (x0)", r.x0, 0xfb);
    EQ("fault label", tag_label(r.x1), FAULT_USER_EXCEPTION);
    EQ("fault length", tag_len(r.x1), 5);
    EQ("MR0 FaultIP (the udf)", r.mr[0], t->r[0]);
    EQ("MR1 SP", r.mr[1], t->r[1]);
    check_spsr("MR2", r.mr[2]);
    EQ("MR3 ESR exception class (unknown)", ESR_EC(r.mr[3]), EC_UNKNOWN);
    EQ("MR3 ESR.IL", r.mr[3] & ESR_IL, ESR_IL);
    EQ("MR4 code", it.buf->msg[4], 0);
    EQ("SaveCaller", it_save_caller(s), 0);
    EQ("the handler holds a reply cap", it_cap_type(s), CAPTYPE_REPLY);
    keel_ipc_regs_t rep = {s, tagw(0, 0, 1), {t->r[0] + 4, 0, 0, 0}};
    it_sys(seL4_SysSend, &rep);
    it_settle();
    EQ("thread continued after the udf (finished)", t->finished, 1);
    EQ("marker stored after the udf", t->r[2], 1);
}

static void vm_fault_case(it_thread_fn probe, seL4_Word addr, bool write, bool instr)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfc));
    it_thread_t *t = it_thread(probe, PRIO_TEST, fcap);
    NEED(t);
    it_start(t);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(fep, &r), "no fault message for an access to 0x%lx", addr)) {
        return;
    }
    seL4_Word ip = instr ? addr : t->r[0];
    EQ("fault badge (x0)", r.x0, 0xfc);
    EQ("fault label", tag_label(r.x1), FAULT_VM);
    EQ("fault length", tag_len(r.x1), 4);
    EQ("MR0 IP", r.mr[0], ip);
    EQ("MR1 address", r.mr[1], addr);
    EQ("MR2 prefetch fault", r.mr[2], instr ? 1 : 0);
    EQ("MR3 ESR exception class", ESR_EC(r.mr[3]), instr ? EC_IABT_LOWER : EC_DABT_LOWER);
    it_check((ESR_FSC(r.mr[3]) & 0x3c) == 0x04, "MR3 ESR 0x%lx: fault status is not a translation "
             "fault", r.mr[3]);
    if (!instr) {
        EQ("MR3 ESR.WnR", r.mr[3] & ESR_WNR, write ? ESR_WNR : 0);
    }
    // Replying restarts the faulting instruction, which faults again.
    keel_ipc_regs_t rep = {0, tagw(0, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    if (CHECK(it_take(fep, &r), "no second fault after replying to the VM fault")) {
        EQ("second fault label", tag_label(r.x1), FAULT_VM);
        EQ("second fault IP", r.mr[0], ip);
        EQ("second fault address", r.mr[1], addr);
    }
    EQ("faulting thread never got past the access (finished)", t->finished, 0);
}

static void t_vm_fault_read(void)
{
    vm_fault_case(probe_load, UNMAPPED_DATA, false, false);
}

static void t_vm_fault_write(void)
{
    vm_fault_case(probe_store, UNMAPPED_DATA + 8, true, false);
}

static void t_vm_fault_exec(void)
{
    vm_fault_case(probe_jump, UNMAPPED_CODE, false, true);
}

// No handler (fault_ep 0): the thread becomes inactive at the faulting instruction, nothing else
// is disturbed (§10.2).
static void t_no_handler(void)
{
    it_thread_t *t = it_thread(probe_udf, PRIO_TEST, 0);
    NEED(t);
    it_start(t);
    it_settle();
    EQ("thread stopped at the udf (finished)", t->finished, 0);
    EQ("marker after the udf not stored", t->r[2], 0);
    seL4_Word regs[1] = {0};
    EQ("ReadRegisters", it_tcb_read_regs(t->tcb, 1, regs), 0);
    EQ("pc of the stopped thread (the udf)", regs[0], t->r[0]);
    // The system still runs: an ordinary exchange between two threads works.
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *rcv = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    it_thread_t *snd = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(0x5, 0, 0), NULL);
    NEED(rcv && snd);
    it_start(rcv);
    it_settle();
    it_start(snd);
    it_settle();
    EQ("receiver after the faulted thread", tag_label(rcv->r[R_X1]), 0x5);
}

// Fault-endpoint caps that cannot carry a fault: no message, thread inactive (§10.2).
static void t_bad_handler_caps(void)
{
    seL4_CPtr fep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    NEED(fep && n);
    struct {
        const char *what;
        seL4_CPtr cap;
    } cases[3] = {
        {"endpoint cap with Write only", it_mint(fep, R_WRITE, 1)},
        {"endpoint cap without Write", it_mint(fep, R_READ | R_GRANT | R_GRANTREPLY, 2)},
        {"notification cap", n},
    };
    for (unsigned i = 0; i < 3; i++) {
        NEED(cases[i].cap);
        it_thread_t *t = it_thread(probe_udf, PRIO_TEST, cases[i].cap);
        NEED(t);
        it_start(t);
        it_settle();
        keel_ipc_regs_t r;
        it_check(!it_take(fep, &r), "%s: a fault message was delivered (label %lu)", cases[i].what,
                 tag_label(r.x1));
        it_check(t->finished == 0 && t->r[2] == 0, "%s: the faulting thread went on",
                 cases[i].what);
    }
    EQ("notification word (a fault must not signal it)", keel_ipc_poll(n), 0);
}

// Receives one fault on a[0], records it in r[0..5], replies with MR0 = MR0 + 4 (skip a udf).
static void fault_handler(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], SENT_INFO, {SENT0, SENT1, SENT2, SENT3}};
    keel_ipc_syscall(seL4_SysRecv, &r);
    self->r[0] = r.x0;
    self->r[1] = r.x1;
    for (unsigned i = 0; i < 4; i++) {
        self->r[2 + i] = r.mr[i];
    }
    keel_ipc_regs_t rep = {0, tagw(0, 0, 1), {r.mr[0] + 4, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysReply, &rep);
}

static void t_thread_handler(void)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfd));
    it_thread_t *h = it_thread(fault_handler, PRIO_TEST + 50, 0);
    NEED(h);
    h->a[0] = fep;
    it_start(h);
    it_settle();
    it_thread_t *t = it_thread(probe_udf, PRIO_TEST, fcap);
    NEED(t);
    it_start(t);
    it_settle();
    EQ("handler finished", h->finished, 1);
    EQ("handler: badge", h->r[0], 0xfd);
    EQ("handler: label", tag_label(h->r[1]), FAULT_USER_EXCEPTION);
    EQ("handler: MR0", h->r[2], t->r[0]);
    EQ("faulting thread continued after the udf (finished)", t->finished, 1);
}

// Deleting the last cap of an endpoint restarts its queued threads; they re-run their syscall on
// the now empty slot: Send does nothing, Call gets InvalidCapability(0), Recv cap-faults (§13.9,
// §13.3, §10.2).
static void t_delete_endpoint(void)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfe));
    seL4_CPtr e1 = it_new_ep();
    seL4_CPtr e2 = it_new_ep();
    NEED(e1 && e2);
    it_thread_t *s1 = it_sys_thread(PRIO_TEST, fcap, seL4_SysSend, e1, tagw(1, 0, 0), NULL);
    it_thread_t *s2 = it_sys_thread(PRIO_TEST, fcap, seL4_SysCall, e1, tagw(2, 0, 0), NULL);
    it_thread_t *rv = it_sys_thread(PRIO_TEST, fcap, seL4_SysRecv, e2, SENT_INFO, NULL);
    NEED(s1 && s2 && rv);
    it_start(s1);
    it_settle();
    it_start(s2);
    it_settle();
    it_start(rv);
    it_settle();
    EQ("queued threads blocked (finished)", s1->finished + s2->finished + rv->finished, 0);
    EQ("Delete of the sending endpoint", it_delete(e1), 0);
    EQ("Delete of the receiving endpoint", it_delete(e2), 0);
    it_settle();
    EQ("sender restarted, its Send on the empty slot returned (finished)", s1->finished, 1);
    EQ("caller restarted (finished)", s2->finished, 1);
    EQ("caller: error label of Call on the empty slot", tag_label(s2->r[R_X1]),
       ERR_INVALID_CAPABILITY);
    EQ("caller: MR0", s2->r[R_MR], 0);
    EQ("receiver stopped by a fault (finished)", rv->finished, 0);
    keel_ipc_regs_t r;
    if (CHECK(it_take(fep, &r), "no cap fault from the restarted receiver")) {
        EQ("fault label", tag_label(r.x1), FAULT_CAP);
        EQ("MR0 IP (the receiver's svc)", r.mr[0], rv->r[R_SVC]);
        EQ("MR1 address", r.mr[1], e2);
        EQ("MR2 in receive phase", r.mr[2], 1);
        EQ("MR3 lookup failure type", r.mr[3], LF_MISSING_CAPABILITY);
    }
    CHECK(!it_take(fep, &r), "an unexpected second fault (label %lu, IP 0x%lx)", tag_label(r.x1),
          r.mr[0]);
}

static void t_delete_notification(void)
{
    seL4_CPtr fep, fcap;
    NEED(fault_ep(&fep, &fcap, 0xfe));
    seL4_CPtr n = it_new_ntfn();
    NEED(n);
    it_thread_t *w = it_sys_thread(PRIO_TEST, fcap, seL4_SysRecv, n, SENT_INFO, NULL);
    NEED(w);
    it_start(w);
    it_settle();
    EQ("Delete of the notification", it_delete(n), 0);
    it_settle();
    EQ("waiter did not return (finished)", w->finished, 0);
    keel_ipc_regs_t r;
    if (CHECK(it_take(fep, &r), "no cap fault from the restarted waiter")) {
        EQ("fault label", tag_label(r.x1), FAULT_CAP);
        EQ("MR0 IP (the waiter's svc)", r.mr[0], w->r[R_SVC]);
        EQ("MR1 address", r.mr[1], n);
        EQ("MR2 in receive phase", r.mr[2], 1);
    }
}

// CancelBadgedSends restarts only senders with that badge; they re-send and queue up behind the
// others (§8.5, §13.7).
static void t_cancel_badged_sends(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    seL4_CPtr b1 = it_mint(ep, R_ALL, 1);
    seL4_CPtr b2 = it_mint(ep, R_ALL, 2);
    seL4_CPtr b3 = it_mint(ep, R_READ | R_WRITE, 3);
    NEED(b1 && b2 && b3);
    const seL4_CPtr via[3] = {b1, b2, b1};
    const seL4_Word labels[3] = {0x11, 0x22, 0x33};
    for (unsigned i = 0; i < 3; i++) {
        it_thread_t *s = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, via[i], tagw(labels[i], 0, 0),
                                       NULL);
        NEED(s);
        it_start(s);
        it_settle();
    }
    EQ("CancelBadgedSends on a cap without all rights", it_cancel_badged_sends(b3),
       ERR_ILLEGAL_OPERATION);
    EQ("CancelBadgedSends(badge 1)", it_cancel_badged_sends(b1), 0);
    it_settle();
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysRecv, &r);
    EQ("first message after the cancel: badge", r.x0, 2);
    EQ("first message after the cancel: label", tag_label(r.x1), 0x22);
    seL4_Word seen = 0;
    for (unsigned i = 0; i < 2; i++) {
        if (!CHECK(it_take(ep, &r), "message %u of the restarted badge-1 senders missing", i + 2)) {
            break;
        }
        it_eqi("badge of restarted sender's message", i, r.x0, 1);
        seen |= tag_label(r.x1) == 0x11 ? 1 : tag_label(r.x1) == 0x33 ? 2 : 4;
    }
    EQ("labels of the restarted senders (bit 0: 0x11, bit 1: 0x33)", seen, 3);
}

static void t_suspend_queued_sender(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *s = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(0x41, 0, 0), NULL);
    NEED(s);
    it_start(s);
    it_settle();
    EQ("Suspend", it_tcb_suspend(s->tcb), 0);
    keel_ipc_regs_t r;
    CHECK(!it_take(ep, &r), "a suspended sender's message was still queued (label 0x%lx)",
          tag_label(r.x1));
    EQ("Resume", it_tcb_resume(s->tcb), 0);
    it_settle();
    if (CHECK(it_take(ep, &r), "the resumed sender did not send again")) {
        EQ("label", tag_label(r.x1), 0x41);
    }
    it_settle();
    EQ("sender finished", s->finished, 1);
}

static void t_resume_blocked_receiver(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *rv = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(rv);
    it_start(rv);
    it_settle();
    EQ("Resume", it_tcb_resume(rv->tcb), 0);
    it_settle();
    EQ("resumed receiver re-entered Recv instead of returning (finished)", rv->finished, 0);
    keel_ipc_regs_t s = {ep, tagw(0x71, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysSend, &s);
    it_settle();
    EQ("receiver got the message", rv->finished, 1);
    EQ("label", tag_label(rv->r[R_X1]), 0x71);
}

// A fault message that was never received is dropped when the sender is cancelled (INV-IPC-16):
// the thread is rewound to code that Calls a server, and both its message and the server's reply
// are ordinary IPC, not a fault message and a fault reply.
static void t_cancelled_fault_dropped(void)
{
    seL4_CPtr fep, fcap, ep = it_new_ep();
    NEED(ep && fault_ep(&fep, &fcap, 0xfa));
    seL4_Word mr[4] = {0x10, 0x11, 0x12, 0x13};
    it_thread_t *t = it_sys_thread(PRIO_TEST, fcap, seL4_SysCall, ep, tagw(0x55, 0, 2), mr);
    NEED(t);
    it_thread_fn caller = t->fn;
    t->fn = probe_udf;
    it_start(t);
    it_settle(); // blocked sending its fault to fep, which nobody receives on
    EQ("Suspend of the faulted sender", it_tcb_suspend(t->tcb), 0);
    it_thread_rewind(t, caller);
    EQ("Resume", it_tcb_resume(t->tcb), 0);
    it_settle();
    keel_ipc_regs_t r;
    NEED(CHECK(it_take(ep, &r), "the rewound thread did not Call the server"));
    EQ("message label (not a fault label)", tag_label(r.x1), 0x55);
    EQ("message length", tag_len(r.x1), 2);
    EQ("MR0", r.mr[0], 0x10);
    keel_ipc_regs_t reply = {0, tagw(0x66, 0, 1), {0x77, 0, 0, 0}};
    it_sys(seL4_SysReply, &reply);
    it_settle();
    EQ("caller finished (a normal reply, not a fault reply)", t->finished, 1);
    EQ("reply label seen by the caller", tag_label(t->r[R_X1]), 0x66);
    EQ("reply MR0 seen by the caller", t->r[R_MR], 0x77);
    // (Not before the Reply: a Recv empties the root's caller slot.)
    CHECK(!it_take(fep, &r), "the dropped fault message reached the fault endpoint later");
}

const struct it_test it_tests_fault[] = {
    {"fault_unknown_syscall_message", t_unknown_syscall_message},
    {"fault_unknown_syscall_reply_resumes", t_unknown_syscall_reply_resumes},
    {"fault_unknown_syscall_reply_label_stops", t_unknown_syscall_reply_label_stops},
    {"fault_user_exception_udf", t_user_exception},
    {"fault_vm_data_read", t_vm_fault_read},
    {"fault_vm_data_write", t_vm_fault_write},
    {"fault_vm_instruction_fetch", t_vm_fault_exec},
    {"fault_without_handler_inactive", t_no_handler},
    {"fault_handler_cap_unusable", t_bad_handler_caps},
    {"fault_handled_by_thread", t_thread_handler},
    {"delete_endpoint_restarts_queued", t_delete_endpoint},
    {"delete_notification_restarts_waiter", t_delete_notification},
    {"cancel_badged_sends_restarts_matching", t_cancel_badged_sends},
    {"suspend_queued_sender", t_suspend_queued_sender},
    {"resume_blocked_receiver_reblocks", t_resume_blocked_receiver},
    {"cancelled_fault_dropped", t_cancelled_fault_dropped},
    {NULL, NULL},
};
