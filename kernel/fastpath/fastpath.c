// SPDX-License-Identifier: BSD-2-Clause
// Call/ReplyRecv fastpath: the preconditions of proofs-notes/fastpath.md, then a direct switch.
#include <arch/asid.h>
#include <arch/entry.h>
#include <arch/fpu.h>
#include <arch/mmu.h>
#include <keel/cdt.h>
#include <keel/fastpath.h>
#include <keel/lookup.h>
#include <keel/msginfo.h>
#include <keel/sched.h>

#define FP_INLINE static inline __attribute__((always_inline))

/*
 * Every check below mirrors a case where the slowpath would do something the fastpath does not
 * (transfer caps, touch IPC buffers, deliver a notification, consult the scheduler). When all
 * hold, the slowpath would end in exactly the state built here; FP-1..FP-9 in the notes.
 */

FP_INLINE bool fits_registers(uint64_t msginfo)
{
    /* FP-1: no extra caps, at most 4 message words (they travel in x2..x5). */
    return (msginfo & 0x180) == 0 && (msginfo & 0x7f) <= MSG_FAST_REGS;
}

/* FP-2: the cap resolves through the CSpace without faulting: the §11.2 walk without the
 * failure bookkeeping (any failure goes to the slowpath, which reports it). */
FP_INLINE cte_t *lookup(const tcb_t *t, uint64_t cptr)
{
    cap_t node = t->slots[TCB_SLOT_CSPACE].cap;
    unsigned n = 64;
    if (cap_type(node) != CAP_CNODE) {
        return NULL;
    }
    for (;;) {
        unsigned radix = cap_cnode_radix(node), guard_size = cap_cnode_guard_size(node);
        unsigned level = radix + guard_size;
        if (level > n || level == 0 || radix == 0) {
            return NULL;
        }
        if (guard_size != 0 &&
            ((cptr >> (n - guard_size)) & ((1UL << guard_size) - 1)) != cap_cnode_guard(node)) {
            return NULL;
        }
        cte_t *s = &cnode_slots(node)[(cptr >> (n - level)) & ((1UL << radix) - 1)];
        n -= level;
        if (n == 0 || cap_type(s->cap) != CAP_CNODE) {
            return s;
        }
        node = s->cap;
    }
}

/* FP-5: the thread's address space is usable (VSpace with an ASID that still names it). */
FP_INLINE bool vspace_ok(const tcb_t *t, uint64_t *ttbr0)
{
    cap_t vs = t->slots[TCB_SLOT_VSPACE].cap;
    if (cap_type(vs) != CAP_VSPACE || !cap_pt_is_mapped(vs)) {
        return false;
    }
    uint16_t asid = (uint16_t)vs.w1;
    if (arch_asid_vspace(asid) != cap_paddr(vs)) {
        return false;
    }
    *ttbr0 = cap_paddr(vs) | ((uint64_t)asid << 48);
    return true;
}

/* Delivers the caller's message registers and switches to dest. */
FP_INLINE _Noreturn void switch_to(user_context_t *from, tcb_t *dest, uint64_t badge,
                                uint64_t msginfo, uint64_t ttbr0)
{
    unsigned len = (unsigned)(msginfo & 0x7f);
    dest->ctx.x[0] = badge;
    dest->ctx.x[1] = msginfo & ~0xe00UL;    /* capsUnwrapped is never set by a sender */
    for (unsigned i = 0; i < len; i++) {
        dest->ctx.x[2 + i] = from->x[2 + i];
    }
    dest->state = TS_RUNNING;
    cur_thread = dest;
    mmu_set_user_ttbr0(ttbr0);
    arch_fpu_switch_to(dest);
    arch_return_to_user(&dest->ctx);
}

_Noreturn void fastpath_call(user_context_t *ctx, uint64_t cptr, uint64_t msginfo)
{
    tcb_t *caller = cur_thread;
    if (!fits_registers(msginfo)) {
        goto slow;
    }
    cte_t *slot = lookup(caller, cptr);
    if (slot == NULL) {
        goto slow;
    }
    /* FP-3: an endpoint cap with Write and the right to create a reply cap. */
    cap_t ep_cap = slot->cap;
    unsigned rights = cap_rights(ep_cap);
    if (cap_type(ep_cap) != CAP_ENDPOINT || !(rights & RIGHT_WRITE) ||
        !(rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY))) {
        goto slow;
    }
    /* FP-4: a receiver is waiting. */
    endpoint_t *ep = obj_ptr(cap_paddr(ep_cap));
    if ((ep->head_state & 3) != EP_RECV) {
        goto slow;
    }
    tcb_t *dest = (tcb_t *)(ep->head_state & ~3UL);
    uint64_t ttbr0;
    if (!vspace_ok(dest, &ttbr0)) {
        goto slow;
    }
    /* FP-6: the receiver may run now: nothing queued has higher priority (the caller blocks).
     * The caller was the highest runnable thread, so dest >= caller settles it cheaply. */
    if (dest->priority < caller->priority && dest->priority < sched_highest_ready()) {
        goto slow;
    }
    /* FP-7: the receiver's caller slot is empty (it was cleared when it began receiving). */
    cte_t *caller_slot = &dest->slots[TCB_SLOT_CALLER];
    if (!cap_is_null(caller_slot->cap)) {
        goto slow;
    }

    /* Commit: dequeue the receiver, block the caller on the reply, hand over. */
    tcb_t *next = dest->ep_next;
    if (next != NULL) {
        next->ep_prev = NULL;
        ep->head_state = (uint64_t)next | EP_RECV;
    } else {
        ep->head_state = EP_IDLE;
        ep->tail = NULL;
    }
    dest->ep_next = NULL;
    dest->blocked_on = NULL;
    caller->restart_pc = ctx->pc - 4;
    caller->state = TS_BLOCKED_ON_REPLY;
    /* A reply cap is never revocable (cdt_cap_revocable), so a plain link suffices. */
    cdt_link_after(&caller->slots[TCB_SLOT_REPLY], caller_slot,
                   cap_reply(obj_paddr(caller), false, dest->blocking_can_grant), false, false);
    switch_to(ctx, dest, cap_badge(ep_cap), msginfo, ttbr0);
slow:
    c_handle_el0_sync(ctx);
}

_Noreturn void fastpath_reply_recv(user_context_t *ctx, uint64_t cptr, uint64_t msginfo)
{
    tcb_t *server = cur_thread;
    if (!fits_registers(msginfo)) {
        goto slow;
    }
    cte_t *slot = lookup(server, cptr);
    if (slot == NULL) {
        goto slow;
    }
    /* FP-3: receiving needs an endpoint cap with Read. */
    cap_t ep_cap = slot->cap;
    if (cap_type(ep_cap) != CAP_ENDPOINT || !(cap_rights(ep_cap) & RIGHT_READ)) {
        goto slow;
    }
    /* FP-8: no pending notification would end the receive at once. */
    notification_t *bound = server->bound_notification;
    if (bound != NULL && (bound->head_state & 3) == NTFN_ACTIVE) {
        goto slow;
    }
    /* FP-4: nobody is queued sending (else the server would take that message). */
    endpoint_t *ep = obj_ptr(cap_paddr(ep_cap));
    if ((ep->head_state & 3) == EP_SEND) {
        goto slow;
    }
    /* FP-9: a reply cap to a thread that waits for it, without a fault to answer. */
    cte_t *caller_slot = &server->slots[TCB_SLOT_CALLER];
    cap_t reply = caller_slot->cap;
    if (cap_type(reply) != CAP_REPLY || cap_reply_is_master(reply)) {
        goto slow;
    }
    tcb_t *client = obj_ptr(cap_paddr(reply));
    if (client->state != TS_BLOCKED_ON_REPLY || client->fault_type != 0) {
        goto slow;
    }
    uint64_t ttbr0;
    if (!vspace_ok(client, &ttbr0)) {
        goto slow;
    }
    /* FP-6: the client is the one to run once the server blocks. */
    if (client->priority < server->priority && client->priority < sched_highest_ready()) {
        goto slow;
    }

    /* Commit: the server waits on the endpoint, the reply cap is spent, the client runs. */
    server->restart_pc = ctx->pc - 4;
    server->state = TS_BLOCKED_ON_RECEIVE;
    server->blocked_on = ep;
    server->blocking_can_grant = (cap_rights(ep_cap) & RIGHT_GRANT) != 0;
    server->ep_next = NULL;
    server->ep_prev = ep->tail;
    if (ep->tail != NULL) {
        ep->tail->ep_next = server;
    } else {
        ep->head_state = (uint64_t)server | EP_RECV;
    }
    ep->tail = server;
    cdt_remove(caller_slot);
    switch_to(ctx, client, 0, msginfo, ttbr0);
slow:
    c_handle_el0_sync(ctx);
}
