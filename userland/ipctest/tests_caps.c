// SPDX-License-Identifier: BSD-2-Clause
// Capability transfer through endpoints: Grant, receive slots, unwrapping, lookup failures.

// ABI sheet §5.3-§5.4 (sending and receiving caps), §13.2 (Grant), §13.8 (derived copies).

#include "ipctest.h"

#define NEED(x)                                                                                    \
    do {                                                                                           \
        if (!(x)) {                                                                                \
            return;                                                                                \
        }                                                                                          \
    } while (0)

#define ROOT_CNODE seL4_CapInitThreadCNode

// Queues a thread sending label with the given extra caps on ep (MR0 = label).
static it_thread_t *cap_sender(seL4_CPtr ep, seL4_Word label, unsigned ncaps, const seL4_CPtr *caps,
                               seL4_CPtr fault_ep)
{
    const seL4_Word mr[4] = {label, 0, 0, 0};
    it_thread_t *s =
        it_sys_thread(PRIO_TEST, fault_ep, seL4_SysSend, ep, tagw(label, ncaps, 1), mr);
    if (s == NULL) {
        return NULL;
    }
    for (unsigned k = 0; k < ncaps; k++) {
        s->buf->caps_or_badges[k] = caps[k];
    }
    it_start(s);
    it_settle();
    return s;
}

static void recv_into(seL4_CPtr ep, seL4_CPtr cnode, seL4_CPtr index, seL4_Word depth,
                      keel_ipc_regs_t *r)
{
    keel_ipc_set_receive_path(it.buf, cnode, index, depth);
    it.buf->caps_or_badges[0] = SENT0;
    it.buf->caps_or_badges[1] = SENT1;
    it.buf->caps_or_badges[2] = SENT2;
    it_regs_sentinel(r, ep);
    it_sys(seL4_SysRecv, r);
}

// With Grant the receive slot gets a derived copy (badge kept); the sender keeps its cap.
static void t_grant_transfer(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr dst = it_slot();
    NEED(ep && n && dst);
    seL4_CPtr nb = it_mint(n, R_WRITE, 0x42);
    NEED(nb);
    it_thread_t *s = cap_sender(ep, 0x11, 1, &nb, 0);
    NEED(s);
    keel_ipc_regs_t r;
    recv_into(ep, ROOT_CNODE, dst, 64, &r);
    EQ("label", tag_label(r.x1), 0x11);
    EQ("length", tag_len(r.x1), 1);
    EQ("MR0", r.mr[0], 0x11);
    EQ("extraCaps", tag_caps(r.x1), 1);
    EQ("capsUnwrapped", tag_unwrapped(r.x1), 0);
    EQ("cap type in the receive slot", it_cap_type(dst), CAPTYPE_NOTIFICATION);
    keel_ipc_signal(dst);
    EQ("word after a signal through the received cap (its badge)", keel_ipc_poll(n), 0x42);
    EQ("sender's cap still there", it_cap_type(nb), CAPTYPE_NOTIFICATION);
}

// Without Grant the message arrives without caps (§5.3, §13.2).
static void t_no_grant(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr dst = it_slot();
    NEED(ep && n && dst);
    seL4_CPtr nogrant = it_mint(ep, R_WRITE | R_READ | R_GRANTREPLY, 0);
    NEED(nogrant);
    it_thread_t *s = cap_sender(nogrant, 0x12, 1, &n, 0);
    NEED(s);
    keel_ipc_regs_t r;
    recv_into(ep, ROOT_CNODE, dst, 64, &r);
    EQ("label", tag_label(r.x1), 0x12);
    EQ("MR0", r.mr[0], 0x12);
    EQ("extraCaps", tag_caps(r.x1), 0);
    EQ("cap type in the receive slot", it_cap_type(dst), CAPTYPE_NULL);
}

// An occupied receive slot means no slot: no cap, no error, slot unchanged (§5.4).
static void t_full_slot(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr dst = it_copy(ep, R_ALL);
    NEED(ep && n && dst);
    it_thread_t *s = cap_sender(ep, 0x13, 1, &n, 0);
    NEED(s);
    keel_ipc_regs_t r;
    recv_into(ep, ROOT_CNODE, dst, 64, &r);
    EQ("label", tag_label(r.x1), 0x13);
    EQ("extraCaps", tag_caps(r.x1), 0);
    EQ("cap type in the occupied receive slot", it_cap_type(dst), CAPTYPE_ENDPOINT);
    it_settle();
    EQ("sender finished after delivery", s->finished, 1);
}

// Receive paths that do not resolve to an empty slot: no cap, no error (§5.4 step 2).
static void t_invalid_receive_path(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr dst = it_slot();
    seL4_CPtr empty = it_slot();
    NEED(ep && n && dst && empty);
    for (seL4_Word i = 0; i < 3; i++) {
        NEED(cap_sender(ep, 0x20 + i, 1, &n, 0));
    }
    struct {
        const char *what;
        seL4_CPtr cnode;
        seL4_Word depth;
    } paths[3] = {
        {"receiveCNode names an empty slot", empty, 64},
        {"receiveDepth 0", ROOT_CNODE, 0},
        {"receiveDepth shorter than the CNode's guard + radix", ROOT_CNODE, it.cnode_bits},
    };
    for (unsigned i = 0; i < 3; i++) {
        keel_ipc_regs_t r;
        recv_into(ep, paths[i].cnode, dst, paths[i].depth, &r);
        it_check(tag_label(r.x1) == 0x20 + i, "%s: label 0x%lx, expected 0x%lx", paths[i].what,
                 tag_label(r.x1), 0x20 + (seL4_Word)i);
        it_check(tag_caps(r.x1) == 0, "%s: extraCaps %lu, expected 0", paths[i].what,
                 tag_caps(r.x1));
        it_check(it_cap_type(dst) == CAPTYPE_NULL, "%s: cap type %lu in the slot, expected 0",
                 paths[i].what, it_cap_type(dst));
    }
}

// A badged cap to the endpoint being sent through is unwrapped: its badge goes to
// caps_or_badges[k], bit k of capsUnwrapped is set, no slot is used (§5.4).
static void t_unwrap(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr dst = it_slot();
    NEED(ep && dst);
    seL4_CPtr epb = it_mint(ep, R_ALL, 0xbeef);
    NEED(epb);
    it_thread_t *s = cap_sender(ep, 0x14, 1, &epb, 0);
    NEED(s);
    keel_ipc_regs_t r;
    recv_into(ep, ROOT_CNODE, dst, 64, &r);
    EQ("label", tag_label(r.x1), 0x14);
    EQ("extraCaps", tag_caps(r.x1), 1);
    EQ("capsUnwrapped", tag_unwrapped(r.x1), 1);
    EQ("caps_or_badges[0]", it.buf->caps_or_badges[0], 0xbeef);
    EQ("receive slot unused", it_cap_type(dst), CAPTYPE_NULL);
}

// Unwrapped and transferred caps in one message, in both orders.
static void t_unwrap_mixed(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n = it_new_ntfn();
    seL4_CPtr dst1 = it_slot();
    seL4_CPtr dst2 = it_slot();
    NEED(ep && n && dst1 && dst2);
    seL4_CPtr epb = it_mint(ep, R_ALL, 0xbeef);
    NEED(epb);
    const seL4_CPtr first[2] = {epb, n};
    const seL4_CPtr second[2] = {n, epb};
    NEED(cap_sender(ep, 0x15, 2, first, 0));
    NEED(cap_sender(ep, 0x16, 2, second, 0));
    keel_ipc_regs_t r;
    recv_into(ep, ROOT_CNODE, dst1, 64, &r);
    EQ("[endpoint, notification]: label", tag_label(r.x1), 0x15);
    EQ("[endpoint, notification]: extraCaps", tag_caps(r.x1), 2);
    EQ("[endpoint, notification]: capsUnwrapped", tag_unwrapped(r.x1), 1);
    EQ("[endpoint, notification]: caps_or_badges[0]", it.buf->caps_or_badges[0], 0xbeef);
    EQ("[endpoint, notification]: slot", it_cap_type(dst1), CAPTYPE_NOTIFICATION);
    recv_into(ep, ROOT_CNODE, dst2, 64, &r);
    EQ("[notification, endpoint]: label", tag_label(r.x1), 0x16);
    EQ("[notification, endpoint]: extraCaps", tag_caps(r.x1), 2);
    EQ("[notification, endpoint]: capsUnwrapped", tag_unwrapped(r.x1), 2);
    EQ("[notification, endpoint]: caps_or_badges[1]", it.buf->caps_or_badges[1], 0xbeef);
    EQ("[notification, endpoint]: slot", it_cap_type(dst2), CAPTYPE_NOTIFICATION);
}

// A cap to a different endpoint is transferred, not unwrapped, and keeps its badge.
static void t_other_endpoint(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr other = it_new_ep();
    seL4_CPtr dst = it_slot();
    NEED(ep && other && dst);
    seL4_CPtr otherb = it_mint(other, R_ALL, 0x77);
    NEED(otherb);
    NEED(cap_sender(ep, 0x17, 1, &otherb, 0));
    keel_ipc_regs_t r;
    recv_into(ep, ROOT_CNODE, dst, 64, &r);
    EQ("extraCaps", tag_caps(r.x1), 1);
    EQ("capsUnwrapped", tag_unwrapped(r.x1), 0);
    EQ("slot", it_cap_type(dst), CAPTYPE_ENDPOINT);
    it_thread_t *rcv = it_sys_thread(PRIO_TEST, 0, seL4_SysRecv, other, SENT_INFO, NULL);
    NEED(rcv);
    it_start(rcv);
    it_settle();
    keel_ipc_regs_t s = {dst, tagw(0x18, 0, 0), {0, 0, 0, 0}};
    it_sys(seL4_SysNBSend, &s);
    it_settle();
    EQ("receiver on the other endpoint finished", rcv->finished, 1);
    EQ("badge seen through the transferred cap", rcv->r[R_X0], 0x77);
}

// At most one cap is copied per message; the next one stops the processing (§5.4 step 4).
static void t_one_cap_per_message(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr n1 = it_new_ntfn();
    seL4_CPtr n2 = it_new_ntfn();
    seL4_CPtr dst = it_slot();
    NEED(ep && n1 && n2 && dst);
    const seL4_CPtr caps[2] = {n1, n2};
    NEED(cap_sender(ep, 0x19, 2, caps, 0));
    keel_ipc_regs_t r;
    recv_into(ep, ROOT_CNODE, dst, 64, &r);
    EQ("extraCaps", tag_caps(r.x1), 1);
    EQ("slot", it_cap_type(dst), CAPTYPE_NOTIFICATION);
}

// An extra-cap CPtr that does not resolve faults the sender even without Grant; nothing is sent
// (§5.3, §13.2).
static void t_extra_cap_lookup_failure(void)
{
    seL4_CPtr ep = it_new_ep();
    seL4_CPtr fep = it_new_ep();
    NEED(ep && fep);
    seL4_CPtr fcap = it_mint(fep, R_WRITE | R_GRANTREPLY, 0xf3);
    seL4_CPtr nogrant = it_mint(ep, R_WRITE | R_GRANTREPLY, 0);
    NEED(fcap && nogrant);
    const seL4_CPtr bad = 1UL << 41;
    seL4_CPtr via[2] = {ep, nogrant};
    const char *what[2] = {"with Grant", "without Grant"};
    for (unsigned i = 0; i < 2; i++) {
        it_thread_t *s = cap_sender(via[i], 0x1a, 1, &bad, fcap);
        NEED(s);
        keel_ipc_regs_t r;
        if (!it_check(it_take(fep, &r), "%s: no fault for an unresolvable extra cap", what[i])) {
            continue;
        }
        it_check(tag_label(r.x1) == FAULT_CAP, "%s: fault label %lu, expected 1", what[i],
                 tag_label(r.x1));
        it_check(r.mr[0] == s->r[R_SVC], "%s: MR0 0x%lx, expected the svc 0x%lx", what[i],
                 r.mr[0], s->r[R_SVC]);
        it_check(r.mr[1] == bad, "%s: MR1 0x%lx, expected the extra CPtr 0x%lx", what[i], r.mr[1],
                 bad);
        it_check(r.mr[2] == 0, "%s: MR2 (in receive phase) %lu, expected 0", what[i], r.mr[2]);
        it_check(r.mr[3] == LF_GUARD_MISMATCH, "%s: MR3 lookup failure %lu, expected 4", what[i],
                 r.mr[3]);
        it_check(!it_take(ep, &r), "%s: the message was sent anyway (label 0x%lx)", what[i],
                 tag_label(r.x1));
        it_drop_caller();
    }
}

const struct it_test it_tests_caps[] = {
    {"grant_transfers_derived_copy", t_grant_transfer},
    {"no_grant_no_cap", t_no_grant},
    {"full_receive_slot_no_cap", t_full_slot},
    {"invalid_receive_path_no_cap", t_invalid_receive_path},
    {"unwrap_badged_same_endpoint", t_unwrap},
    {"unwrap_and_transfer_mixed", t_unwrap_mixed},
    {"other_endpoint_transferred", t_other_endpoint},
    {"one_cap_copied_per_message", t_one_cap_per_message},
    {"extra_cap_lookup_failure_faults", t_extra_cap_lookup_failure},
    {NULL, NULL},
};
