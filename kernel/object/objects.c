// SPDX-License-Identifier: BSD-2-Clause
// Object lifecycle: creation from untyped memory and finalisation on last-cap deletion.
// Invariants: INV-FP-2, INV-IPC-1..5, -13, INV-SCHED-1, -2, INV-TCB-1, -4, INV-VS-2..5
//   (proofs-notes/README.md)
#include <arch/fpu.h>
#include <arch/machine.h>
#include <arch/vm.h>
#include <keel/cdt.h>
#include <keel/config.h>
#include <keel/delete.h>
#include <keel/ipc.h>
#include <keel/irq.h>
#include <keel/objects.h>
#include <keel/sched.h>
#include <keel/waitq.h>
#include <keel/string.h>
#include <keel/thread.h>

void tcb_cspace_changed(tcb_t *t)
{
    cap_t c = t->slots[TCB_SLOT_CSPACE].cap;
    if (cap_type(c) != CAP_CNODE) {
        t->cs_slots = NULL;
        return;
    }
    unsigned radix = cap_cnode_radix(c), level = radix + cap_cnode_guard_size(c);
    t->cs_slots = cnode_slots(c);
    t->cs_mask = (1UL << radix) - 1;
    t->cs_guard_hi = cap_cnode_guard(c) << radix;
    t->cs_shift_single = (64 - level) | (level == 64 ? 1UL << 8 : 0);
}

static void tcb_init(tcb_t *t)
{
    t->reply_w0 = cap_reply(obj_paddr(t), false, false).w0;
    t->state = TS_INACTIVE;
    /* The master reply cap: every reply cap to this thread is derived from it. */
    t->slots[TCB_SLOT_REPLY].cap = cap_reply(obj_paddr(t), true, true);
    t->slots[TCB_SLOT_REPLY].prev = 1;
    t->slots[TCB_SLOT_REPLY].next = 1;
    t->ctx.spsr = thread_sanitise_spsr(0);
    t->time_slice = TIME_SLICE_TICKS;
    const char *who = cur_thread != NULL ? cur_thread->name : "kernel";
    static const char prefix[] = "child of: '";
    size_t n = sizeof(prefix) - 1;
    memcpy(t->name, prefix, n);
    for (size_t i = 0; who[i] != '\0' && n < sizeof(t->name) - 2; i++) {
        t->name[n++] = who[i];
    }
    t->name[n++] = '\'';
    t->name[n] = '\0';
}

cap_t object_create(unsigned type, uint64_t paddr, unsigned size_bits, bool device)
{
    switch (type) {
    case OBJ_UNTYPED: return cap_untyped(paddr, size_bits, device, 0);
    case OBJ_TCB:
        tcb_init(obj_ptr(paddr));
        return cap_make(CAP_TCB, paddr, 0);
    case OBJ_ENDPOINT: return cap_endpoint(paddr, 0, RIGHTS_ALL);
    case OBJ_NOTIFICATION: return cap_notification(paddr, 0, RIGHT_READ | RIGHT_WRITE);
    case OBJ_CNODE: return cap_cnode(paddr, size_bits, 0, 0);
    case OBJ_SMALL_PAGE: return cap_frame(paddr, FRAME_4K, device, VM_READ_WRITE);
    case OBJ_LARGE_PAGE: return cap_frame(paddr, FRAME_2M, device, VM_READ_WRITE);
    case OBJ_HUGE_PAGE: return cap_frame(paddr, FRAME_1G, device, VM_READ_WRITE);
    case OBJ_PAGE_TABLE: return cap_make(CAP_PAGE_TABLE, paddr, 0);
    case OBJ_VSPACE: return cap_make(CAP_VSPACE, paddr, 0);
    default: return cap_null();
    }
}

/* --- wait queues, shared by endpoints and notifications ----------------------------------- */

/* A fault never delivered is dropped: the restarted instruction raises it again (INV-IPC-16). */
static void restart_thread(tcb_t *t)
{
    t->fault_type = FAULT_NONE;
    t->blocked_on = NULL;
    t->ep_next = t->ep_prev = NULL;
    thread_set_state(t, TS_RESTART);
    sched_possible_switch_to(t);
}

/* Empties a wait queue (the object turns idle) and restarts every thread that was in it. */
static void restart_all(uint64_t *head_state, tcb_t **tail)
{
    tcb_t *t = waitq_head(*head_state);
    *head_state = 0;
    *tail = NULL;
    while (t != NULL) {
        tcb_t *next = t->ep_next;
        restart_thread(t);
        t = next;
    }
}

void endpoint_cancel_all(endpoint_t *ep)
{
    restart_all(&ep->head_state, &ep->tail);
}

void endpoint_cancel_badged_sends(endpoint_t *ep, uint64_t badge)
{
    if ((ep->head_state & 3) != EP_SEND) {
        return;
    }
    tcb_t *t = waitq_head(ep->head_state);
    while (t != NULL) {
        tcb_t *next = t->ep_next;
        if (t->blocking_badge == badge) {
            waitq_remove(&ep->head_state, &ep->tail, t);
            restart_thread(t);
        }
        t = next;
    }
}

void notification_cancel_all(notification_t *n)
{
    if ((n->head_state & 3) != NTFN_WAITING) {
        return;
    }
    restart_all(&n->head_state, &n->tail);
}

void ipc_cancel(tcb_t *t)
{
    switch (t->state) {
    case TS_BLOCKED_ON_SEND:
    case TS_BLOCKED_ON_RECEIVE: {
        endpoint_t *ep = t->blocked_on;
        waitq_remove(&ep->head_state, &ep->tail, t);
        t->fault_type = FAULT_NONE; /* an undelivered fault message is dropped (INV-IPC-16) */
        break;
    }
    case TS_BLOCKED_ON_NOTIFICATION: {
        notification_t *n = t->blocked_on;
        waitq_remove(&n->head_state, &n->tail, t);
        break;
    }
    case TS_BLOCKED_ON_REPLY: {
        /* The server's reply cap to t goes away: t can no longer be answered. */
        cte_t *master = &t->slots[TCB_SLOT_REPLY];
        cte_t *child = cdt_next(master);
        if (cap_type(master->cap) == CAP_REPLY && child != NULL &&
            cap_type(child->cap) == CAP_REPLY && !cap_reply_is_master(child->cap) &&
            cap_paddr(child->cap) == obj_paddr(t)) {
            cte_delete_one(child);
        }
        t->fault_type = FAULT_NONE;
        break;
    }
    default:
        break;
    }
    t->blocked_on = NULL;
}

static void notification_unbind(notification_t *n)
{
    if (n->bound_tcb != NULL) {
        n->bound_tcb->bound_notification = NULL;
        n->bound_tcb = NULL;
    }
}

void tcb_prepare_destroy(tcb_t *t)
{
    ipc_cancel(t);
    if (t->bound_notification != NULL) {
        notification_unbind(t->bound_notification);
    }
    sched_forget(t);
    thread_set_state(t, TS_INACTIVE);
    if (t == cur_thread) {
        cur_thread = NULL;
        sched_reschedule_required();
    }
    arch_fpu_forget(t);
}

void object_finalise(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
        endpoint_cancel_all(obj_ptr(cap_paddr(c)));
        break;
    case CAP_NOTIFICATION: {
        notification_t *n = obj_ptr(cap_paddr(c));
        notification_unbind(n);
        notification_cancel_all(n);
        break;
    }
    case CAP_IRQ_HANDLER:
        irq_handler_deleted(cap_irq(c));
        break;
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_POOL:
        vm_finalise(c);
        break;
    default:
        break;
    }
}

void object_free_zombie(cap_t z)
{
    (void)z;
}
