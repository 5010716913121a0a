// SPDX-License-Identifier: BSD-2-Clause
// Call/Reply tests: reply caps, ReplyRecv, SaveCaller, Grant/GrantReply, suspend/resume of callers.

// ABI sheet §2.3 (Call, Reply, ReplyRecv), §8.5 (SaveCaller), §13.1 (reply caps), §13.2 (Grant,
// GrantReply), §13.7 (Suspend/Resume of a thread blocked on reply).

#include "ipctest.h"

#define NEED(x)                                                                                    \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

static seL4_Word pattern(unsigned i)
{
    return 0xbeef000000000000UL | ((seL4_Word)i << 20) | (i * 3);
}

// Receives once on a[0], records x0..x5 in r[0..5], then replies with tag a[1], MRs a[2..5].
// With a[6] != 0 the reply carries a[6] MRs and MR4.. come from pattern().
static void server_once(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], SENT_INFO, {SENT0, SENT1, SENT2, SENT3}};
    keel_ipc_syscall(seL4_SysRecv, &r);
    self->r[0] = r.x0;
    self->r[1] = r.x1;
    for (unsigned i = 0; i < 4; i++) {
        self->r[2 + i] = r.mr[i];
    }
    self->stage = 1;
    if (self->a[6] != 0) {
        for (unsigned i = 4; i < self->a[6]; i++) {
            self->buf->msg[i] = pattern(i);
        }
    }
    keel_ipc_regs_t rep = {0, self->a[1], {self->a[2], self->a[3], self->a[4], self->a[5]}};
    keel_ipc_syscall(seL4_SysReply, &rep);
    self->stage = 2;
}

// Serves a[1] requests on a[0] with Recv then ReplyRecv: replies label + 0x100 and
// MR0 = 2 * MR0 + badge. r[2n] = badge, r[2n + 1] = tag of request n.
static void server_loop(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], SENT_INFO, {SENT0, SENT1, SENT2, SENT3}};
    keel_ipc_syscall(seL4_SysRecv, &r);
    for (seL4_Word n = 0;; n++) {
        if (2 * n + 1 < IT_RESULTS) {
            self->r[2 * n] = r.x0;
            self->r[2 * n + 1] = r.x1;
        }
        self->stage = n + 1;
        seL4_Word reply_mr = 2 * r.mr[0] + r.x0;
        seL4_Word reply_tag = tagw(tag_label(r.x1) + 0x100, 0, 1);
        if (n + 1 == self->a[1]) {
            keel_ipc_regs_t rep = {0, reply_tag, {reply_mr, 0, 0, 0}};
            keel_ipc_syscall(seL4_SysReply, &rep);
            return;
        }
        r.x0 = self->a[0];
        r.x1 = reply_tag;
        r.mr[0] = reply_mr;
        keel_ipc_syscall(seL4_SysReplyRecv, &r);
    }
}

static void t_call_reply(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    seL4_CPtr bep = it_mint(ep, R_ALL, 0x33);
    NEED(bep);
    it_thread_t *srv = it_thread(server_once, PRIO_TEST, 0);
    NEED(srv);
    srv->a[0] = ep;
    srv->a[1] = tagw(0x77, 0, 3);
    srv->a[2] = 0xa;
    srv->a[3] = 0xb;
    srv->a[4] = 0xc;
    srv->a[5] = 0xd;
    it_start(srv);
    it_settle();
    keel_ipc_regs_t c = {bep, tagw(0x44, 0, 2), {1, 2, SENT2, SENT3}};
    it_sys(seL4_SysCall, &c);
    EQ("server: badge", srv->r[0], 0x33);
    EQ("server: label", tag_label(srv->r[1]), 0x44);
    EQ("server: length", tag_len(srv->r[1]), 2);
    EQ("server: MR0", srv->r[2], 1);
    EQ("server: MR1", srv->r[3], 2);
    EQ("server: x4 beyond the length untouched", srv->r[4], SENT2);
    EQ("client: x0 (reply badge is always 0)", c.x0, 0);
    EQ("client: reply label", tag_label(c.x1), 0x77);
    EQ("client: reply length", tag_len(c.x1), 3);
    EQ("client: reply extraCaps", tag_caps(c.x1), 0);
    EQ("client: MR0", c.mr[0], 0xa);
    EQ("client: MR1", c.mr[1], 0xb);
    EQ("client: MR2", c.mr[2], 0xc);
    EQ("client: x5 beyond the reply length untouched", c.mr[3], SENT3);
    it_settle();
    EQ("server finished after Reply", srv->finished, 1);
}

static void t_call_reply_long(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *srv = it_thread(server_once, PRIO_TEST, 0);
    NEED(srv);
    srv->a[0] = ep;
    srv->a[1] = tagw(0x78, 0, 60);
    srv->a[2] = pattern(0);
    srv->a[3] = pattern(1);
    srv->a[4] = pattern(2);
    srv->a[5] = pattern(3);
    srv->a[6] = 60;
    it_start(srv);
    it_settle();
    keel_ipc_regs_t c = {ep, tagw(1, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysCall, &c);
    EQ("reply length", tag_len(c.x1), 60);
    for (unsigned i = 0; i < 4; i++) {
        it_eqi("MR", i, c.mr[i], pattern(i));
    }
    unsigned bad = 0;
    for (unsigned i = 4; i < 60 && bad < 3; i++) {
        bad += !it_eqi("MR", i, it.buf->msg[i], pattern(i));
    }
}

// Call through a cap with neither Grant nor GrantReply: the message goes through, no reply cap
// is made and the caller becomes Inactive at its svc; a Resume makes it Call again (§13.1).
static void t_call_without_grant(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    seL4_CPtr cap = it_mint(ep, R_WRITE | R_READ, 0x3);
    seL4_CPtr s = it_slot();
    NEED(cap && s);
    const seL4_Word mr[4] = {0x99, 0, 0, 0};
    it_thread_t *c = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, cap, tagw(0x99, 0, 1), mr);
    NEED(c);
    it_start(c);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(ep, &r), "the Call's message did not arrive")) {
        return;
    }
    EQ("label", tag_label(r.x1), 0x99);
    EQ("badge", r.x0, 0x3);
    EQ("SaveCaller", it_save_caller(s), 0);
    EQ("cap type in the saved caller slot (no reply cap expected)", it_cap_type(s), CAPTYPE_NULL);
    keel_ipc_regs_t rep = {0, tagw(0x1, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("caller never returned (finished)", c->finished, 0);
    seL4_Word regs[1] = {0};
    EQ("ReadRegisters", it_tcb_read_regs(c->tcb, 1, regs), 0);
    EQ("caller's pc (restart PC = its svc)", regs[0], c->r[R_SVC]);
    EQ("Resume", it_tcb_resume(c->tcb), 0);
    it_settle();
    if (CHECK(it_take(ep, &r), "a resumed caller did not send its Call again")) {
        EQ("label of the repeated Call", tag_label(r.x1), 0x99);
    }
    EQ("caller still not returned (finished)", c->finished, 0);
}

// GrantReply without Grant is enough for a reply cap (§13.2).
static void t_call_grantreply_only(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    seL4_CPtr cap = it_mint(ep, R_WRITE | R_GRANTREPLY, 0);
    NEED(cap);
    it_thread_t *c = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, cap, tagw(0x31, 0, 0), NULL);
    NEED(c);
    it_start(c);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(ep, &r), "the Call's message did not arrive")) {
        return;
    }
    keel_ipc_regs_t rep = {0, tagw(0x5, 0, 1), {0x55, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("caller returned (finished)", c->finished, 1);
    EQ("caller: x0", c->r[R_X0], 0);
    EQ("caller: reply label", tag_label(c->r[R_X1]), 0x5);
    EQ("caller: MR0", c->r[R_MR], 0x55);
}

static void t_reply_recv(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *srv = it_thread(server_loop, PRIO_TEST, 0);
    NEED(srv);
    srv->a[0] = ep;
    srv->a[1] = 2;
    it_start(srv);
    it_settle();
    keel_ipc_regs_t c = {ep, tagw(1, 0, 1), {10, 0, 0, 0}};
    it_sys(seL4_SysCall, &c);
    EQ("first reply x0", c.x0, 0);
    EQ("first reply label", tag_label(c.x1), 0x101);
    EQ("first reply MR0", c.mr[0], 20);
    EQ("server blocked in ReplyRecv after the first reply (stage)", srv->stage, 1);
    keel_ipc_regs_t c2 = {ep, tagw(2, 0, 1), {21, 0, 0, 0}};
    it_sys(seL4_SysCall, &c2);
    EQ("second reply x0", c2.x0, 0);
    EQ("second reply label", tag_label(c2.x1), 0x102);
    EQ("second reply MR0", c2.mr[0], 42);
    EQ("server: second request label (received by ReplyRecv)", tag_label(srv->r[3]), 2);
    it_settle();
    EQ("server finished", srv->finished, 1);
}

// Reply with an empty caller slot does nothing and writes no register (§2.3, §13.16).
static void t_reply_empty_noop(void)
{
    keel_ipc_regs_t r = {0x1234, tagw(5, 0, 2), {SENT0, SENT1, SENT2, SENT3}};
    it_sys(seL4_SysReply, &r);
    EQ("x0", r.x0, 0x1234);
    EQ("x1", r.x1, tagw(5, 0, 2));
    EQ("x2", r.mr[0], SENT0);
    EQ("x5", r.mr[3], SENT3);

    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *c = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, ep, tagw(0x21, 0, 0), NULL);
    NEED(c);
    it_start(c);
    it_settle();
    it_sys(seL4_SysReply, &r);
    it_settle();
    EQ("a queued caller is untouched by a Reply with nothing to reply to (finished)", c->finished,
       0);
    keel_ipc_regs_t m;
    if (!CHECK(it_take(ep, &m), "the queued Call was lost")) {
        return;
    }
    EQ("label of the queued Call", tag_label(m.x1), 0x21);
    keel_ipc_regs_t rep = {0, tagw(0x22, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("caller returned", c->finished, 1);
    EQ("caller: reply label", tag_label(c->r[R_X1]), 0x22);
    // The reply cap was consumed: replying again is a no-op.
    seL4_CPtr s = it_slot();
    NEED(s);
    EQ("SaveCaller after the reply", it_save_caller(s), 0);
    EQ("caller slot after the reply (consumed)", it_cap_type(s), CAPTYPE_NULL);
}

// Starts a client that Calls ep with label and lets the root take the message (reply cap in
// the root's caller slot). NULL if anything went wrong.
static it_thread_t *client_waiting_for_reply(seL4_CPtr ep, seL4_Word label)
{
    const seL4_Word mr[4] = {label, SENT1, SENT2, SENT3};
    it_thread_t *c = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, ep, tagw(label, 0, 1), mr);
    if (c == NULL) {
        return NULL;
    }
    it_start(c);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(ep, &r), "the client's Call did not arrive")) {
        return NULL;
    }
    if (!EQ("label of the client's Call", tag_label(r.x1), label)) {
        return NULL;
    }
    return c;
}

static void t_save_caller_send(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr s = it_slot();
    NEED(ep && s);
    it_thread_t *c = client_waiting_for_reply(ep, 0x21);
    NEED(c);
    EQ("SaveCaller", it_save_caller(s), 0);
    EQ("saved cap type", it_cap_type(s), CAPTYPE_REPLY);
    keel_ipc_regs_t rep = {0, tagw(0x1, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep); // the caller slot is empty now: no-op
    it_settle();
    EQ("client not woken by Reply after SaveCaller (finished)", c->finished, 0);
    keel_ipc_regs_t r = {s, tagw(0x66, 0, 2), {7, 8, 0, 0}};
    it_sys(seL4_SysSend, &r);
    it_settle();
    EQ("client returned", c->finished, 1);
    EQ("client: x0", c->r[R_X0], 0);
    EQ("client: reply label", tag_label(c->r[R_X1]), 0x66);
    EQ("client: reply length", tag_len(c->r[R_X1]), 2);
    EQ("client: MR0", c->r[R_MR], 7);
    EQ("client: MR1", c->r[R_MR + 1], 8);
    EQ("client: x4 beyond the reply length untouched", c->r[R_MR + 2], SENT2);
    EQ("saved reply cap consumed by the Send", it_cap_type(s), CAPTYPE_NULL);
}

static void t_save_caller_call(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr s = it_slot();
    NEED(ep && s);
    it_thread_t *c = client_waiting_for_reply(ep, 0x23);
    NEED(c);
    EQ("SaveCaller", it_save_caller(s), 0);
    keel_ipc_regs_t r = {s, tagw(0x67, 0, 1), {9, SENT1, SENT2, SENT3}};
    it_sys(seL4_SysCall, &r);
    EQ("Call on a reply cap: x0", r.x0, 0);
    EQ("Call on a reply cap: x1", r.x1, 0);
    it_settle();
    EQ("client returned", c->finished, 1);
    EQ("client: reply label", tag_label(c->r[R_X1]), 0x67);
    EQ("client: MR0", c->r[R_MR], 9);
}

static void t_delete_saved_reply(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr s = it_slot();
    NEED(ep && s);
    it_thread_t *c = client_waiting_for_reply(ep, 0x24);
    NEED(c);
    EQ("SaveCaller", it_save_caller(s), 0);
    EQ("Delete", it_delete(s), 0);
    it_settle();
    EQ("client not woken by deleting its reply cap (finished)", c->finished, 0);
    EQ("client still inside its Call (stage)", c->stage, 1);
}

// Receiving on an endpoint deletes the reply cap in the caller slot, for NBRecv with nothing
// pending and for a blocking Recv (§2.3, §13.1).
static void t_recv_clears_reply(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr ep2 = it_new_ep();
    seL4_CPtr s = it_slot();
    NEED(ep && ep2 && s);
    it_thread_t *c = client_waiting_for_reply(ep, 0x25);
    NEED(c);
    keel_ipc_regs_t r;
    CHECK(!it_take(ep2, &r), "NBRecv on an idle endpoint returned a message");
    EQ("SaveCaller", it_save_caller(s), 0);
    EQ("caller slot after NBRecv on an endpoint", it_cap_type(s), CAPTYPE_NULL);
    keel_ipc_regs_t rep = {0, tagw(0x1, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("client not woken (finished)", c->finished, 0);

    // Blocking Recv: a second client, then the root blocks on ep2 until a helper sends.
    it_thread_t *c2 = client_waiting_for_reply(ep, 0x26);
    NEED(c2);
    it_thread_t *h = it_sys_thread(PRIO_TEST, 0, seL4_SysSend, ep2, tagw(0x27, 0, 0), NULL);
    NEED(h);
    it_start(h);
    it_regs_sentinel(&r, ep2);
    it_sys(seL4_SysRecv, &r);
    EQ("label from the helper", tag_label(r.x1), 0x27);
    seL4_CPtr s2 = it_slot();
    NEED(s2);
    EQ("SaveCaller", it_save_caller(s2), 0);
    EQ("caller slot after a blocking Recv on an endpoint", it_cap_type(s2), CAPTYPE_NULL);
    it_settle();
    EQ("second client not woken (finished)", c2->finished, 0);
}

// Receiving on a notification leaves the caller slot alone (§13.1).
static void t_ntfn_recv_keeps_reply(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    NEED(ep && n);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x8);
    NEED(nb);
    it_thread_t *c = client_waiting_for_reply(ep, 0x28);
    NEED(c);
    EQ("poll of an idle notification", keel_ipc_poll(n), 0);
    keel_ipc_signal(nb);
    keel_ipc_regs_t w = {n, SENT_INFO, {0, 0, 0, 0}};
    it_sys(seL4_SysRecv, &w); // active: returns at once
    EQ("wait on the signalled notification: x0", w.x0, 0x8);
    keel_ipc_regs_t rep = {0, tagw(0x3, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("client woken by the reply (finished)", c->finished, 1);
    EQ("client: reply label", tag_label(c->r[R_X1]), 0x3);
}

// The reply cap's Grant right is the Grant right of the cap the server received on (§13.2).
static void reply_grant_case(bool server_grant)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr dst = it_slot();
    NEED(ep && n && dst);
    seL4_CPtr recv_cap = server_grant ? ep : it_mint(ep, R_READ | R_WRITE, 0);
    NEED(recv_cap);
    it_thread_t *c = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, ep, tagw(0x29, 0, 0), NULL);
    NEED(c);
    keel_ipc_set_receive_path(c->buf, seL4_CapInitThreadCNode, dst, 64);
    it_start(c);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(recv_cap, &r), "the client's Call did not arrive")) {
        return;
    }
    it.buf->caps_or_badges[0] = n;
    keel_ipc_regs_t rep = {0, tagw(0x2a, 1, 1), {0x2a, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("client returned", c->finished, 1);
    EQ("client: reply label", tag_label(c->r[R_X1]), 0x2a);
    EQ("client: reply MR0", c->r[R_MR], 0x2a);
    if (server_grant) {
        EQ("client: extraCaps", tag_caps(c->r[R_X1]), 1);
        EQ("client: cap type in its receive slot", it_cap_type(dst), CAPTYPE_NOTIFICATION);
    } else {
        EQ("client: extraCaps (reply cap without Grant)", tag_caps(c->r[R_X1]), 0);
        EQ("client: cap type in its receive slot", it_cap_type(dst), CAPTYPE_NULL);
    }
}

// Receives on a[0] and replies label 0x2d carrying the cap a[1].
static void server_reply_with_cap(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], SENT_INFO, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysRecv, &r);
    self->r[0] = r.x1;
    self->buf->caps_or_badges[0] = self->a[1];
    keel_ipc_regs_t rep = {0, tagw(0x2d, 1, 0), {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysReply, &rep);
}

// The same with the roles swapped: a server thread already waiting, the root thread calling (the
// path a fastpath takes).
static void reply_grant_case_waiting_server(bool server_grant)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr dst = it_slot();
    NEED(ep && n && dst);
    seL4_CPtr recv_cap = server_grant ? ep : it_mint(ep, R_READ | R_WRITE, 0);
    NEED(recv_cap);
    it_thread_t *srv = it_thread(server_reply_with_cap, PRIO_TEST, 0);
    NEED(srv);
    srv->a[0] = recv_cap;
    srv->a[1] = n;
    it_start(srv);
    it_settle();
    keel_ipc_set_receive_path(it.buf, seL4_CapInitThreadCNode, dst, 64);
    keel_ipc_regs_t c = {ep, tagw(0x2e, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysCall, &c);
    EQ("waiting server: request label", tag_label(srv->r[0]), 0x2e);
    EQ("root caller: reply label", tag_label(c.x1), 0x2d);
    if (server_grant) {
        EQ("root caller: extraCaps", tag_caps(c.x1), 1);
        EQ("root caller: cap type in its receive slot", it_cap_type(dst), CAPTYPE_NOTIFICATION);
    } else {
        EQ("root caller: extraCaps (reply cap without Grant)", tag_caps(c.x1), 0);
        EQ("root caller: cap type in its receive slot", it_cap_type(dst), CAPTYPE_NULL);
    }
}

static void t_reply_grant_transfers_cap(void)
{
    reply_grant_case(true);
    reply_grant_case_waiting_server(true);
}

static void t_reply_without_grant_drops_cap(void)
{
    reply_grant_case(false);
    reply_grant_case_waiting_server(false);
}

// Resume of a thread blocked on reply deletes the reply cap and restarts the Call (§13.1).
static void t_resume_caller_resends(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr s = it_slot();
    NEED(ep && s);
    it_thread_t *c = client_waiting_for_reply(ep, 0x2b);
    NEED(c);
    EQ("Resume", it_tcb_resume(c->tcb), 0);
    EQ("SaveCaller", it_save_caller(s), 0);
    EQ("server's reply cap after Resume of the caller", it_cap_type(s), CAPTYPE_NULL);
    it_settle();
    keel_ipc_regs_t r;
    if (CHECK(it_take(ep, &r), "the resumed caller did not send its Call again")) {
        EQ("label of the repeated Call", tag_label(r.x1), 0x2b);
    }
    EQ("caller not returned (finished)", c->finished, 0);
}

// Suspend of a thread blocked on reply deletes the server's reply cap; Resume re-sends (§13.7).
static void t_suspend_client_mid_call(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr s = it_slot();
    NEED(ep && s);
    it_thread_t *c = client_waiting_for_reply(ep, 0x2c);
    NEED(c);
    EQ("Suspend", it_tcb_suspend(c->tcb), 0);
    EQ("SaveCaller", it_save_caller(s), 0);
    EQ("server's reply cap after Suspend of the caller", it_cap_type(s), CAPTYPE_NULL);
    keel_ipc_regs_t rep = {0, tagw(0x1, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep);
    it_settle();
    EQ("suspended caller not returned (finished)", c->finished, 0);
    EQ("Resume", it_tcb_resume(c->tcb), 0);
    it_settle();
    keel_ipc_regs_t r;
    if (!CHECK(it_take(ep, &r), "the resumed caller did not send its Call again")) {
        return;
    }
    EQ("label of the repeated Call", tag_label(r.x1), 0x2c);
    keel_ipc_regs_t rep2 = {0, tagw(0x45, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysReply, &rep2);
    it_settle();
    EQ("caller returned after the second reply", c->finished, 1);
    EQ("caller: reply label", tag_label(c->r[R_X1]), 0x45);
}

static void t_several_clients(void)
{
    seL4_CPtr ep = it_new_ep();
    NEED(ep);
    it_thread_t *srv = it_thread(server_loop, PRIO_TEST, 0);
    NEED(srv);
    srv->a[0] = ep;
    srv->a[1] = 3;
    it_start(srv);
    it_settle();
    it_thread_t *cl[3];
    for (seL4_Word i = 1; i <= 3; i++) {
        seL4_CPtr cap = it_mint(ep, R_ALL, i);
        NEED(cap);
        const seL4_Word mr[4] = {i * 10, 0, 0, 0};
        cl[i - 1] = it_sys_thread(PRIO_TEST, 0, seL4_SysCall, cap, tagw(0x10 + i, 0, 1), mr);
        NEED(cl[i - 1]);
    }
    for (unsigned i = 0; i < 3; i++) {
        it_start(cl[i]);
    }
    it_settle();
    EQ("server served all three (finished)", srv->finished, 1);
    for (seL4_Word i = 1; i <= 3; i++) {
        it_thread_t *c = cl[i - 1];
        it_eqi("client returned", (unsigned)i, c->finished, 1);
        it_eqi("client's reply label", (unsigned)i, tag_label(c->r[R_X1]), 0x110 + i);
        it_eqi("client's reply MR0", (unsigned)i, c->r[R_MR], 2 * (i * 10) + i);
    }
}

const struct it_test it_tests_call[] = {
    {"call_reply_roundtrip", t_call_reply},
    {"call_reply_long_message", t_call_reply_long},
    {"call_without_grant_caller_inactive", t_call_without_grant},
    {"call_grantreply_only_gets_reply", t_call_grantreply_only},
    {"reply_recv_server", t_reply_recv},
    {"reply_empty_caller_slot_noop", t_reply_empty_noop},
    {"save_caller_then_send", t_save_caller_send},
    {"save_caller_then_call", t_save_caller_call},
    {"delete_saved_reply_no_wake", t_delete_saved_reply},
    {"recv_clears_reply_cap", t_recv_clears_reply},
    {"ntfn_recv_keeps_reply_cap", t_ntfn_recv_keeps_reply},
    {"reply_grant_transfers_cap", t_reply_grant_transfers_cap},
    {"reply_without_grant_drops_cap", t_reply_without_grant_drops_cap},
    {"resume_blocked_caller_resends", t_resume_caller_resends},
    {"suspend_client_mid_call", t_suspend_client_mid_call},
    {"server_several_clients", t_several_clients},
    {NULL, NULL},
};
