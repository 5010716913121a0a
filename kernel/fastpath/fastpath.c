// SPDX-License-Identifier: BSD-2-Clause
// Call/ReplyRecv fastpath: the preconditions of proofs-notes/fastpath.md, then a direct switch.
// Invariants: INV-FP-1, INV-IPC-1..3, -5, -6, -8, -10..12, INV-SCHED-2, -3, INV-TCB-2, INV-VS-1, -7
//   (proofs-notes/README.md)
#include <arch/asid.h>
#include <arch/fpu.h>
#include <arch/mmu.h>
#include <keel/cdt.h>
#include <keel/lookup_fast.h>
#include <keel/fastpath.h>
#include <keel/msginfo.h>
#include <keel/sched.h>

/*
 * Every check below mirrors a case where the slowpath would do something the fastpath does not
 * (transfer caps, touch IPC buffers, deliver a notification, consult the scheduler). When all
 * hold, the slowpath would end in exactly the state built here; FP-1..FP-9 in the notes.
 *
 * The two ways out are tail calls: the return to user mode, or the ordinary system-call path.
 * They are declared here as returning functions (they are the same symbols) so the compiler
 * emits plain branches and needs no stack frame: nothing is live across them.
 */
void fp_return_to_user(user_context_t *ctx) __asm__("arch_return_to_user");
void fp_slowpath(user_context_t *ctx) __asm__("c_handle_el0_sync");

#define FP_INLINE static inline __attribute__((always_inline))

/* FP-1: no extra caps and at most 4 message words (they travel in x2..x5). */
FP_INLINE bool fits_registers(uint64_t msginfo)
{
    return (msginfo & 0x1ff) <= MSG_FAST_REGS;
}

/* FP-2: the cap is found in the first level of the CSpace (deeper CSpaces take the slowpath). */
#define lookup(t, cptr) lookup_first_level((t), (cptr))

/* FP-3 (Call): an endpoint cap with Write and the right to create a reply cap. */
FP_INLINE bool may_call(cap_t ep_cap)
{
    unsigned rights = cap_rights(ep_cap);
    return cap_type(ep_cap) == CAP_ENDPOINT && (rights & RIGHT_WRITE) &&
           (rights & (RIGHT_GRANT | RIGHT_GRANT_REPLY));
}

/* FP-3 (ReplyRecv): receiving needs an endpoint cap with Read. */
FP_INLINE bool may_receive(cap_t ep_cap)
{
    return cap_type(ep_cap) == CAP_ENDPOINT && (cap_rights(ep_cap) & RIGHT_READ);
}

/* FP-4 (Call): a receiver is waiting; head is the endpoint's head_state word. */
FP_INLINE bool receiver_waiting(uint64_t head)
{
    return (head & 3) == EP_RECV;
}

/* FP-4 (ReplyRecv): nobody is queued sending. */
FP_INLINE bool no_sender_queued(const endpoint_t *ep)
{
    return (ep->head_state & 3) != EP_SEND;
}

/* FP-5: the cached TTBR0 is of the current ASID generation. */
FP_INLINE bool vspace_current(const tcb_t *t)
{
    return t->vs_gen == asid_generation;
}

/* FP-7 (Call): the receiver's caller slot is empty (cleared when it began receiving). */
FP_INLINE bool caller_slot_empty(const cte_t *caller_slot)
{
    return cap_is_null(caller_slot->cap);
}

/* FP-8 (ReplyRecv): no pending notification would end the receive at once. */
FP_INLINE bool no_active_notification(const notification_t *bound)
{
    return bound == NULL || (bound->head_state & 3) != NTFN_ACTIVE;
}

/* FP-9 (ReplyRecv): a reply cap to a thread that waits for it, without a fault to answer;
 * client is the TCB the cap names, read only when the cap is a reply cap. */
FP_INLINE bool replies_to_waiting_client(cap_t reply, const tcb_t *client)
{
    return cap_type(reply) == CAP_REPLY && !cap_reply_is_master(reply) &&
           client->state == TS_BLOCKED_ON_REPLY && client->fault_type == 0;
}

/* FP-6: the partner may run now. The current thread was the highest runnable one, so a
 * partner at least as important settles it; otherwise compare with the ready queues. */
FP_INLINE bool may_switch_to(const tcb_t *partner, const tcb_t *self)
{
    return partner->priority >= self->priority || partner->priority >= sched_highest_ready();
}

/* Delivers the message registers and leaves the kernel as dest. */
FP_INLINE void switch_to(const user_context_t *from, tcb_t *dest, uint64_t badge,
                         uint64_t msginfo)
{
    unsigned len = (unsigned)(msginfo & 0x7f);
    uint64_t *d = dest->ctx.x;
    const uint64_t *s = from->x;
    d[0] = badge;
    d[1] = msginfo & ~0xe00UL;          /* capsUnwrapped is never set by a sender */
    if (len > 0) {
        d[2] = s[2];
        if (len > 1) {
            d[3] = s[3];
            if (len > 2) {
                d[4] = s[4];
                if (len > 3) {
                    d[5] = s[5];
                }
            }
        }
    }
    dest->state = TS_RUNNING;
    cur_thread = dest;
    mmu_set_user_ttbr0(dest->vs_ttbr0);
    arch_fpu_switch_to(dest);
    fp_return_to_user(&dest->ctx);
}

void fastpath_call(uint64_t cptr, uint64_t msginfo)
{
    tcb_t *caller = cur_thread;
    user_context_t *ctx = &caller->ctx;     /* where the vector saved the caller's registers */
    if (!fits_registers(msginfo)) {
        fp_slowpath(ctx);
        return;
    }
    cte_t *slot = lookup(caller, cptr);
    if (slot == NULL) {
        fp_slowpath(ctx);
        return;
    }
    cap_t ep_cap = slot->cap;
    if (!may_call(ep_cap)) {
        fp_slowpath(ctx);
        return;
    }
    endpoint_t *ep = obj_ptr(cap_paddr(ep_cap));
    uint64_t head = ep->head_state;
    tcb_t *dest = (tcb_t *)(head & ~3UL);
    cte_t *caller_slot = &dest->slots[TCB_SLOT_CALLER];
    if (!receiver_waiting(head) || !vspace_current(dest) || !may_switch_to(dest, caller) ||
        !caller_slot_empty(caller_slot)) {
        fp_slowpath(ctx);
        return;
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
    /* dest's queue links and blocked_on are dead now: they are read only while it is queued. */
    caller->restart_pc = ctx->pc - 4;
    caller->state = TS_BLOCKED_ON_REPLY;
    /* INV-IPC-1: a running thread's master reply cap has no child, so the new reply cap
     * (never revocable, never first badged) ends the list right after the master, whose
     * own first-badged flag is always set (it is an original). */
    cte_t *master = &caller->slots[TCB_SLOT_REPLY];
    caller_slot->cap.w0 = caller->reply_w0 | ((uint64_t)dest->blocking_can_grant << 52);
    caller_slot->cap.w1 = 0;
    caller_slot->prev = (uint64_t)master;
    caller_slot->next = 0;
    master->next = (uint64_t)caller_slot | 1;
    switch_to(ctx, dest, cap_badge(ep_cap), msginfo);
}

void fastpath_reply_recv(uint64_t cptr, uint64_t msginfo)
{
    tcb_t *server = cur_thread;
    user_context_t *ctx = &server->ctx;
    if (!fits_registers(msginfo)) {
        fp_slowpath(ctx);
        return;
    }
    cte_t *slot = lookup(server, cptr);
    if (slot == NULL) {
        fp_slowpath(ctx);
        return;
    }
    cap_t ep_cap = slot->cap;
    endpoint_t *ep = obj_ptr(cap_paddr(ep_cap));
    if (!may_receive(ep_cap) || !no_sender_queued(ep)) {
        fp_slowpath(ctx);
        return;
    }
    if (!no_active_notification(server->bound_notification)) {
        fp_slowpath(ctx);
        return;
    }
    cte_t *caller_slot = &server->slots[TCB_SLOT_CALLER];
    cap_t reply = caller_slot->cap;
    tcb_t *client = obj_ptr(cap_paddr(reply));
    if (!replies_to_waiting_client(reply, client) || !vspace_current(client) ||
        !may_switch_to(client, server)) {
        fp_slowpath(ctx);
        return;
    }

    /* Commit: the server waits on the endpoint, the reply cap is spent, the client runs. */
    server->restart_pc = ctx->pc - 4;
    server->state = TS_BLOCKED_ON_RECEIVE;
    server->blocked_on = ep;
    server->blocking_can_grant = (cap_rights(ep_cap) & RIGHT_GRANT) != 0;
    server->ep_next = NULL;
    tcb_t *tail = ep->tail;
    server->ep_prev = tail;
    if (tail != NULL) {
        tail->ep_next = server;
    } else {
        ep->head_state = (uint64_t)server | EP_RECV;
    }
    ep->tail = server;
    /* INV-IPC-2: a reply cap is the only child of its master and ends its list, so
     * unlinking it leaves the master alone with its first-badged flag. */
    cdt_prev(caller_slot)->next = 1;
    caller_slot->cap = cap_null();
    caller_slot->prev = 0;
    caller_slot->next = 0;
    switch_to(ctx, client, 0, msginfo);
}
