// SPDX-License-Identifier: BSD-2-Clause
// Endpoint Send/Recv tests: registers, long messages, badges, queue order, rights, cap faults.

// ABI sheet §2.2-§2.3 (registers), §4.1 (message info), §5 (IPC buffer), §13.1 (endpoints),
// §13.3 (Call/Send on caps without Write or null caps), §10.2-§10.3 (cap faults).

#include "ipctest.h"

#define NEED(x)                                                                                    \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static seL4_Word pattern(unsigned i)
{
    return 0xc0de000000000000UL | ((seL4_Word)i << 16) | (i * 7);
}

static void check_regs(const char *who, const keel_ipc_regs_t *r, seL4_Word badge, seL4_Word label,
                       seL4_Word len, const seL4_Word *mr)
{
    EQ("badge (x0)", r->x0, badge);
    EQ("label", tag_label(r->x1), label);
    EQ("length", tag_len(r->x1), len);
    EQ("extraCaps", tag_caps(r->x1), 0);
    EQ("capsUnwrapped", tag_unwrapped(r->x1), 0);
    for (unsigned i = 0; i < 4; i++) {
        it_eqi(who, i, r->mr[i], mr[i]);
    }
}

static void thread_regs(const it_thread_t *t, keel_ipc_regs_t *r)
{
    r->x0 = t->r[R_X0];
    r->x1 = t->r[R_X1];
    for (unsigned i = 0; i < 4; i++) {
        r->mr[i] = t->r[R_MR + i];
    }
}

// A queued sender's message reaches a later Recv: label (all 52 bits), length, MR0..3, badge 0.
static void t_send_queued_then_recv(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    const seL4_Word label = 0x8123456789abcUL;
    const seL4_Word mr[4] = {0x1111, 0x2222, 0x3333, 0x4444};
    it_thread_t *s = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(label, 0, 4), mr);
    NEED(s);
    it_start(s);
    it_settle();
    EQ("sender still blocked before anyone receives (finished)", s->finished, 0);
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysRecv, &r);
    check_regs("MR", &r, 0, label, 4, mr);
    it_settle();
    EQ("sender finished once its message was taken", s->finished, 1);
}

// A receiver blocked first gets the message; registers beyond the length keep their values.
static void t_recv_waiting_then_send(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *rcv = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(rcv);
    it_start(rcv);
    it_settle();
    EQ("receiver blocked (finished)", rcv->finished, 0);
    const seL4_Word mr[4] = {0xaaaa, 0xbbbb, 0, 0};
    it_thread_t *snd = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(0x42, 0, 2), mr);
    NEED(snd);
    it_start(snd);
    it_settle();
    EQ("receiver finished", rcv->finished, 1);
    EQ("sender finished", snd->finished, 1);
    keel_ipc_regs_t r;
    thread_regs(rcv, &r);
    const seL4_Word want[4] = {0xaaaa, 0xbbbb, SENT2, SENT3};
    check_regs("receiver x2..x5", &r, 0, 0x42, 2, want);
}

// All 120 MRs: MR0..3 in registers, MR4..119 buffer to buffer.
static void t_long_message(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    const seL4_Word mr[4] = {pattern(0), pattern(1), pattern(2), pattern(3)};
    it_thread_t *s = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(7, 0, 120), mr);
    NEED(s);
    for (unsigned i = 4; i < 120; i++) {
        s->buf->msg[i] = pattern(i);
    }
    it_start(s);
    it_settle();
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysRecv, &r);
    EQ("length", tag_len(r.x1), 120);
    for (unsigned i = 0; i < 4; i++) {
        it_eqi("MR", i, r.mr[i], pattern(i));
    }
    unsigned bad = 0;
    for (unsigned i = 4; i < 120 && bad < 3; i++) {
        bad += !it_eqi("MR", i, it.buf->msg[i], pattern(i));
    }
}

// A length field above 120 is clamped: 120 MRs arrive and nothing is written past msg[119].
static void t_length_clamped(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    const seL4_Word mr[4] = {pattern(0), pattern(1), pattern(2), pattern(3)};
    it_thread_t *s = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(8, 0, 127), mr);
    NEED(s);
    for (unsigned i = 4; i < 120; i++) {
        s->buf->msg[i] = pattern(i);
    }
    s->buf->userData = 0xbad0bad0bad0UL; // would be "MR120"
    it.buf->userData = 0x600d600dUL;
    it_start(s);
    it_settle();
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysRecv, &r);
    EQ("length of a message sent with length 127", tag_len(r.x1), 120);
    it_eqi("MR", 119, it.buf->msg[119], pattern(119));
    EQ("receiver's userData (word after MR119)", it.buf->userData, 0x600d600dUL);
}

// Without an IPC buffer only MR0..3 are transferred, on either side (§4.1, §13.1).
static void t_no_ipc_buffer(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    const seL4_Word mr[4] = {1, 2, 3, 4};
    it_thread_t *s = it_sys_thread_nobuf(PRIO_TEST, 0, seL4_SysSend, ep, tagw(9, 0, 10), mr);
    NEED(s);
    it_start(s);
    it_settle();
    it.buf->msg[4] = 0x77777;
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysRecv, &r);
    EQ("length from a sender without IPC buffer", tag_len(r.x1), 4);
    for (unsigned i = 0; i < 4; i++) {
        it_eqi("MR", i, r.mr[i], mr[i]);
    }
    EQ("receiver's MR4 untouched", it.buf->msg[4], 0x77777);

    it_thread_t *rcv = it_sys_thread_nobuf(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(rcv);
    it_start(rcv);
    it_settle();
    for (unsigned i = 4; i < 10; i++) {
        it.buf->msg[i] = i;
    }
    keel_ipc_regs_t sr = {ep, tagw(10, 0, 10), {5, 6, 7, 8}};
    it_sys(seL4_SysSend, &sr);
    it_settle();
    EQ("receiver without IPC buffer finished", rcv->finished, 1);
    EQ("length at a receiver without IPC buffer", tag_len(rcv->r[R_X1]), 4);
    EQ("label at a receiver without IPC buffer", tag_label(rcv->r[R_X1]), 10);
    EQ("MR3 at a receiver without IPC buffer", rcv->r[R_MR + 3], 8);
}

// The sender's badge arrives in x0; an unbadged cap gives 0.
static void t_badge_in_x0(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    const seL4_Word badge = 0xfedcba9876543210UL;
    seL4_CPtr bep = it_mint(ep, R_ALL, badge);
    NEED(bep);
    it_thread_t *s1 = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, bep, tagw(1, 0, 0), NULL);
    NEED(s1);
    it_start(s1);
    it_settle();
    it_thread_t *s2 = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(2, 0, 0), NULL);
    NEED(s2);
    it_start(s2);
    it_settle();
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysRecv, &r);
    EQ("label of first message", tag_label(r.x1), 1);
    EQ("badge of a 64-bit badged cap", r.x0, badge);
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysRecv, &r);
    EQ("label of second message", tag_label(r.x1), 2);
    EQ("badge of the unbadged cap", r.x0, 0);
}

// Queued senders are served first come, first served.
static void t_senders_fifo(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    for (seL4_Word i = 1; i <= 3; i++) {
        seL4_Word mr[4] = {i * 100, 0, 0, 0};
        it_thread_t *s = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep, tagw(i, 0, 1), mr);
        NEED(s);
        it_start(s);
        it_settle();
    }
    for (seL4_Word i = 1; i <= 3; i++) {
        keel_ipc_regs_t r;
        it_regs_sentinel(&r, ep);
        it_sys(seL4_SysRecv, &r);
        it_eqi("label of receive", (unsigned)i, tag_label(r.x1), i);
        it_eqi("MR0 of receive", (unsigned)i, r.mr[0], i * 100);
    }
}

// Queued receivers are served first come, first served.
static void t_receivers_fifo(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *rcv[3];
    for (unsigned i = 0; i < 3; i++) {
        rcv[i] = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
        NEED(rcv[i]);
        it_start(rcv[i]);
        it_settle();
    }
    for (seL4_Word i = 0; i < 3; i++) {
        keel_ipc_regs_t r = {ep, tagw(0x10 + i, 0, 0), {0, 0, 0, 0}};
        it_sys(seL4_SysSend, &r);
    }
    it_settle();
    for (unsigned i = 0; i < 3; i++) {
        it_eqi("receiver finished", i, rcv[i]->finished, 1);
        it_eqi("label at receiver", i, tag_label(rcv[i]->r[R_X1]), 0x10 + i);
    }
}

// NBSend with nobody waiting loses the message; with a waiting receiver it delivers.
static void t_nbsend(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    keel_ipc_regs_t r = {ep, tagw(0x51, 0, 1), {0x51, 0, 0, 0}};
    it_sys(seL4_SysNBSend, &r);
    EQ("NBSend writes no register (x1)", r.x1, tagw(0x51, 0, 1));
    it_thread_t *rcv = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(rcv);
    it_start(rcv);
    it_settle();
    EQ("receiver blocked: the earlier NBSend was dropped (finished)", rcv->finished, 0);
    keel_ipc_regs_t r2 = {ep, tagw(0x52, 0, 1), {0x52, 0, 0, 0}};
    it_sys(seL4_SysNBSend, &r2);
    it_settle();
    EQ("receiver finished after NBSend to it", rcv->finished, 1);
    EQ("label received", tag_label(rcv->r[R_X1]), 0x52);
    EQ("MR0 received", rcv->r[R_MR], 0x52);
}

// NBRecv with nothing pending: x0 = 0, x1..x5 unchanged (§2.3).
static void t_nbrecv_empty(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    keel_ipc_regs_t r;
    it_regs_sentinel(&r, ep);
    it_sys(seL4_SysNBRecv, &r);
    EQ("x0", r.x0, 0);
    EQ("x1", r.x1, SENT_INFO);
    const seL4_Word want[4] = {SENT0, SENT1, SENT2, SENT3};
    for (unsigned i = 0; i < 4; i++) {
        it_eqi("x2..x5", i, r.mr[i], want[i]);
    }
}

// Send without Write does nothing; Call without Write returns InvalidCapability(0) (§13.3).
static void t_no_write_right(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    seL4_CPtr nowrite = it_mint(ep, R_READ | R_GRANT | R_GRANTREPLY, 0);
    NEED(nowrite);
    it_thread_t *rcv = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, ep, SENT_INFO, NULL);
    NEED(rcv);
    it_start(rcv);
    it_settle();
    it_thread_t *snd = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, nowrite, tagw(0x61, 0, 0), NULL);
    NEED(snd);
    it_start(snd);
    it_settle();
    EQ("Send without Write returned (finished)", snd->finished, 1);
    EQ("receiver got nothing (finished)", rcv->finished, 0);
    it_thread_t *cl = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, nowrite, tagw(0x62, 0, 0), NULL);
    NEED(cl);
    it_start(cl);
    it_settle();
    EQ("Call without Write returned (finished)", cl->finished, 1);
    EQ("Call without Write: x0", cl->r[R_X0], 0);
    EQ("Call without Write: error label", tag_label(cl->r[R_X1]), ERR_INVALID_CAPABILITY);
    EQ("Call without Write: length", tag_len(cl->r[R_X1]), 1);
    EQ("Call without Write: MR0 (cap index)", cl->r[R_MR], 0);
    EQ("Call without Write: x3 beyond the length untouched", cl->r[R_MR + 1], SENT1);
    EQ("receiver still got nothing (finished)", rcv->finished, 0);
}

// Call on an empty slot is an InvalidCapability(0) error, Send on it does nothing; neither is a
// fault, because an empty slot is not a lookup failure (§11.3, §13.3).
static void t_null_cap(void)
{
    seL4_CPtr fep = it_new_ep();
    NEED(fep);
    seL4_CPtr empty = it_slot();
    NEED(empty);
    it_thread_t *cl = it_sys_thread(PRIO_TEST, fep, seL4_SysCall, empty, tagw(0x63, 0, 0), NULL);
    NEED(cl);
    it_start(cl);
    it_settle();
    EQ("Call on an empty slot returned (finished)", cl->finished, 1);
    EQ("Call on an empty slot: error label", tag_label(cl->r[R_X1]), ERR_INVALID_CAPABILITY);
    EQ("Call on an empty slot: MR0", cl->r[R_MR], 0);
    it_thread_t *snd = it_sys_thread(PRIO_TEST, fep, seL4_SysSend, empty, tagw(0x64, 0, 0), NULL);
    NEED(snd);
    it_start(snd);
    it_settle();
    EQ("Send on an empty slot returned (finished)", snd->finished, 1);
    keel_ipc_regs_t r;
    CHECK(!it_take(fep, &r), "a fault message arrived (label %lu) for a null-cap Call/Send",
          tag_label(r.x1));
}

// Recv on an endpoint cap without Read: cap fault in the receive phase (§10.2-§10.3).
static void t_recv_without_read(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr fep = it_new_ep();
    NEED(ep && fep);
    seL4_CPtr fcap = it_mint(fep, R_WRITE | R_GRANTREPLY, 0xf1);
    seL4_CPtr noread = it_mint(ep, R_WRITE | R_GRANT | R_GRANTREPLY, 0);
    NEED(fcap && noread);
    it_thread_t *t = it_sys_thread(PRIO_TEST, fcap, seL4_SysRecv, noread, SENT_INFO, NULL);
    NEED(t);
    it_start(t);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(fep, &r), "no fault message for Recv without Read")) {
        return;
    }
    EQ("fault badge (x0)", r.x0, 0xf1);
    EQ("fault label", tag_label(r.x1), FAULT_CAP);
    EQ("fault length", tag_len(r.x1), 5);
    EQ("MR0 IP (the svc)", r.mr[0], t->r[R_SVC]);
    EQ("MR1 address (CPtr)", r.mr[1], noread);
    EQ("MR2 in receive phase", r.mr[2], 1);
    EQ("MR3 lookup failure type", r.mr[3], LF_MISSING_CAPABILITY);
    EQ("MR4 bits left", it.buf->msg[4], 0);
    EQ("faulting thread did not return (finished)", t->finished, 0);
}

// A CPtr that fails to resolve: NBSend ignores it, Call raises a GuardMismatch cap fault, and a
// reply to the fault restarts the Call (which faults again) (§10.3, §10.4, §11.2).
static void t_lookup_failure(void)
{
    seL4_CPtr fep = it_new_ep();
    NEED(fep);
    seL4_CPtr fcap = it_mint(fep, R_WRITE | R_GRANT, 0xf2);
    NEED(fcap);
    const seL4_CPtr bad = 1UL << 40; // a bit in the guard of the root CNode
    it_thread_t *nb = it_sys_thread(PRIO_TEST, fcap, seL4_SysNBSend, bad, tagw(1, 0, 0), NULL);
    NEED(nb);
    it_start(nb);
    it_settle();
    EQ("NBSend on an unresolvable CPtr returned (finished)", nb->finished, 1);
    keel_ipc_regs_t r;
    CHECK(!it_take(fep, &r), "NBSend on an unresolvable CPtr raised a fault (label %lu)",
          tag_label(r.x1));

    it_thread_t *t = it_sys_thread(PRIO_TEST, fcap, seL4_SysCall, bad, tagw(1, 0, 0), NULL);
    NEED(t);
    it_start(t);
    it_settle();
    if (!CHECK(it_take(fep, &r), "no fault message for Call on an unresolvable CPtr")) {
        return;
    }
    seL4_Word guard_bits = 64 - it.cnode_bits;
    EQ("fault badge (x0)", r.x0, 0xf2);
    EQ("fault label", tag_label(r.x1), FAULT_CAP);
    EQ("fault length (GuardMismatch)", tag_len(r.x1), 7);
    EQ("MR0 IP (the svc)", r.mr[0], t->r[R_SVC]);
    EQ("MR1 address", r.mr[1], bad);
    EQ("MR2 in receive phase", r.mr[2], 0);
    EQ("MR3 lookup failure type", r.mr[3], LF_GUARD_MISMATCH);
    EQ("MR4 bits left", it.buf->msg[4], 64);
    EQ("MR5 guard found", it.buf->msg[5], 0);
    EQ("MR6 guard size", it.buf->msg[6], guard_bits);
    // Reply: the thread re-executes its Call and faults again at the same svc.
    keel_ipc_regs_t rep = {0, tagw(0, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    if (CHECK(it_take(fep, &r), "no second fault after replying to the cap fault")) {
        EQ("second fault label", tag_label(r.x1), FAULT_CAP);
        EQ("second fault IP", r.mr[0], t->r[R_SVC]);
    }
    EQ("faulting thread never returned (finished)", t->finished, 0);
}

static void preserve_receiver(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], SENT_INFO, {SENT0, SENT1, SENT2, SENT3}};
    self->r[0] = it_probe_preserve(seL4_SysRecv, &r);
    self->r[1] = r.x1;
}

static void preserve_server(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], 0, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysRecv, &r);
    r.x1 = tagw(0x5, 0, 1);
    r.mr[0] = 0x55;
    keel_ipc_syscall(seL4_SysReply, &r);
}

// Registers that are not syscall outputs survive a blocking Recv and a Call: x6..x30, SP, NZCV,
// and x7 (§2.1-§2.2).
static void t_registers_preserved(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *rcv = it_thread(preserve_receiver, PRIO_TEST, 0);
    NEED(rcv);
    rcv->a[0] = ep;
    it_start(rcv);
    it_settle();
    keel_ipc_regs_t s = {ep, tagw(3, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysSend, &s);
    it_settle();
    EQ("receiver finished", rcv->finished, 1);
    EQ("receiver: label", tag_label(rcv->r[1]), 3);
    EQ("Recv: mask of changed registers (bit n = xn, 31 = SP, 32 = NZCV)", rcv->r[0], 0);

    it_thread_t *srv = it_thread(preserve_server, PRIO_TEST, 0);
    NEED(srv);
    srv->a[0] = ep;
    it_start(srv);
    it_settle();
    keel_ipc_regs_t c = {ep, tagw(4, 0, 0), {0, 0, 0, 0}};
    seL4_Word mask = it_probe_preserve(seL4_SysCall, &c);
    EQ("Call: reply label", tag_label(c.x1), 5);
    EQ("Call: mask of changed registers (bit n = xn, 31 = SP, 32 = NZCV)", mask, 0);
}

const struct it_test it_tests_ep[] = {
    {"send_queued_then_recv", t_send_queued_then_recv},
    {"recv_waiting_then_send", t_recv_waiting_then_send},
    {"long_message_120_mrs", t_long_message},
    {"length_clamped_to_120", t_length_clamped},
    {"no_ipc_buffer_only_4_mrs", t_no_ipc_buffer},
    {"badge_in_x0", t_badge_in_x0},
    {"senders_fifo", t_senders_fifo},
    {"receivers_fifo", t_receivers_fifo},
    {"nbsend_drops_without_receiver", t_nbsend},
    {"nbrecv_empty_leaves_registers", t_nbrecv_empty},
    {"no_write_right_send_and_call", t_no_write_right},
    {"null_cap_call_error_send_silent", t_null_cap},
    {"recv_without_read_cap_fault", t_recv_without_read},
    {"lookup_failure_cap_fault", t_lookup_failure},
    {"registers_preserved", t_registers_preserved},
    {NULL, NULL},
};
