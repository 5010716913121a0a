// SPDX-License-Identifier: BSD-2-Clause
// System calls (ABI §2-3): decode x7, find the invoked cap, run the invocation, reply.
// Invariants: INV-CAP-5, INV-FP-1, INV-IPC-3..10, INV-SCHED-1, -5, INV-TCB-2
//   (proofs-notes/README.md)
#include <arch/machine.h>
#include <keel/cdt.h>
#include <keel/debug.h>
#include <keel/delete.h>
#include <keel/invariants.h>
#include <keel/invoke.h>
#include <keel/ipc.h>
#include <keel/notification.h>
#include <keel/kernel.h>
#include <keel/lookup.h>
#include <keel/lookup_fast.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/syscall.h>
#include <keel/thread.h>

#define IPCBUF_CAPS 122
#define IPCBUF_MSG 1

uint64_t inv_arg(const invocation_t *inv, unsigned i)
{
    if (i < MSG_FAST_REGS) {
        return inv->thread->ctx.x[2 + i];
    }
    return inv->buffer != NULL ? inv->buffer[IPCBUF_MSG + i] : 0;
}

void inv_result(invocation_t *inv, unsigned i, uint64_t v)
{
    if (i < MSG_FAST_REGS) {
        inv->thread->ctx.x[2 + i] = v;
    } else {
        uint64_t *buf = thread_ipc_buffer(inv->thread, true);
        if (buf == NULL) {
            return;
        }
        buf[IPCBUF_MSG + i] = v;
    }
    if (i + 1 > inv->reply_len) {
        inv->reply_len = i + 1;
    }
}

syserr_t inv_preempted(invocation_t *inv, unsigned nargs, uint64_t done)
{
    tcb_t *t = inv->thread;
    t->resume.slot = inv->slot;
    t->resume.cap = inv->slot->cap; /* as the restarted call will find it (a watermark moves) */
    t->resume.label = inv->info.label;
    t->resume.pc = t->restart_pc;
    for (unsigned i = 0; i < nargs && i < 6; i++) {
        t->resume.args[i] = inv_arg(inv, i);
    }
    t->resume.done = done;
    return err_code(ERR_PREEMPTED);
}

uint64_t inv_resumed(const invocation_t *inv, unsigned nargs)
{
    const resume_record_t *r = inv->resume;
    if (r == NULL || r->slot != inv->slot || r->cap.w0 != inv->cap.w0 || r->cap.w1 != inv->cap.w1 ||
        r->label != inv->info.label || r->pc != inv->thread->restart_pc) {
        return 0;
    }
    for (unsigned i = 0; i < nargs && i < 6; i++) {
        if (r->args[i] != inv_arg(inv, i)) {
            return 0;
        }
    }
    return r->done;
}

/* Capability lookup for system calls: the decoded first level, else the full walk. */
static inline bool lookup_syscall(const tcb_t *t, uint64_t cptr, cte_t **slot, lookup_fault_t *lf)
{
    cte_t *s = lookup_first_level(t, cptr);
    if (s != NULL) {
        *slot = s;
        return true;
    }
    return lookup_cap_slot(t, cptr, slot, lf);
}

static void cap_fault(tcb_t *t, uint64_t cptr, bool in_recv, const lookup_fault_t *lf)
{
    t->fault_type = FAULT_CAP;
    t->fault_w[0] = cptr;
    t->fault_w[1] = in_recv;
    t->fault_w[2] = lf->type;
    t->fault_w[3] = lf->bits_left;
    t->fault_w[4] = lf->a;
    t->fault_w[5] = lf->b;
    thread_fault(t);
}

/* Writes the reply of a Call to a kernel object (§6.2): x0 = 0, x1 = tag, then MRs. */
static void reply_to_call(invocation_t *inv, syserr_t e)
{
    tcb_t *t = inv->thread;
    msginfo_t tag = { 0, 0, 0, 0 };
    if (e.code == ERR_NONE) {
        tag.length = inv->reply_len;
    } else {
        inv->reply_len = 0;
        tag.label = e.code;
        switch (e.code) {
        case ERR_INVALID_ARGUMENT:
        case ERR_INVALID_CAPABILITY:
        case ERR_NOT_ENOUGH_MEMORY:
            inv_result(inv, 0, e.a);
            break;
        case ERR_RANGE:
            inv_result(inv, 0, e.a);
            inv_result(inv, 1, e.b);
            break;
        case ERR_FAILED_LOOKUP: {
            uint64_t w[4];
            unsigned n = lookup_fault_words(&e.lf, w);
            inv_result(inv, 0, e.source);
            for (unsigned i = 0; i < n; i++) {
                inv_result(inv, 1 + i, w[i]);
            }
            break;
        }
        default:
            break;
        }
        tag.length = inv->reply_len;
    }
    if (tag.length > MSG_FAST_REGS && thread_ipc_buffer(t, true) == NULL) {
        tag.length = MSG_FAST_REGS;
    }
    t->ctx.x[0] = 0;
    t->ctx.x[1] = msginfo_encode(tag);
}

static syserr_t decode_object(invocation_t *inv)
{
    switch (cap_type(inv->cap)) {
    case CAP_UNTYPED: return decode_untyped(inv);
    case CAP_CNODE: return decode_cnode(inv);
    case CAP_TCB: return decode_tcb(inv);
    case CAP_IRQ_CONTROL: return decode_irq_control(inv);
    case CAP_IRQ_HANDLER: return decode_irq_handler(inv);
    case CAP_DOMAIN: return decode_domain(inv);
    case CAP_VSPACE: return decode_vspace(inv);
    case CAP_PAGE_TABLE: return decode_page_table(inv);
    case CAP_FRAME: return decode_frame(inv);
    case CAP_ASID_CONTROL: return decode_asid_control(inv);
    case CAP_ASID_POOL: return decode_asid_pool(inv);
    case CAP_NULL:
    case CAP_ZOMBIE:
        return err_cap(0);
    default:
        return err_code(ERR_ILLEGAL_OPERATION);
    }
}

/* Call, Send and NBSend: everything that is not a receive. */
static void handle_send(tcb_t *t, bool blocking, bool is_call)
{
    invocation_t inv;              /* fields set one by one: no zeroing on the hot path */
    inv.thread = t;
    inv.is_call = is_call;
    inv.nextra = 0;
    inv.reply_len = 0;
    uint64_t cptr = t->ctx.x[0];
    inv.info = msginfo_decode(t->ctx.x[1]);
    lookup_fault_t lf;
    if (!lookup_syscall(t, cptr, &inv.slot, &lf)) {
        if (blocking) {
            cap_fault(t, cptr, false, &lf);
        }
        return;
    }
    inv.cap = inv.slot->cap;
    inv.buffer = thread_ipc_buffer(t, false);
    if (inv.buffer == NULL && inv.info.length > MSG_FAST_REGS) {
        inv.info.length = MSG_FAST_REGS;
    }
    if (inv.buffer != NULL) {
        for (unsigned k = 0; k < inv.info.extra_caps; k++) {
            uint64_t xptr = inv.buffer[IPCBUF_CAPS + k];
            if (!lookup_syscall(t, xptr, &inv.extra_slot[k], &lf)) {
                if (blocking) {
                    cap_fault(t, xptr, false, &lf);
                }
                return;
            }
            inv.nextra = k + 1;
        }
    }
    cap_type_t type = cap_type(inv.cap);
    if ((type == CAP_ENDPOINT || type == CAP_NOTIFICATION) && !(cap_rights(inv.cap) & RIGHT_WRITE)) {
        if (is_call) {
            reply_to_call(&inv, err_cap(0));
        }
        return;
    }
    switch (type) {
    case CAP_ENDPOINT:
        ipc_send(t, inv.cap, blocking, is_call, false);
        return;
    case CAP_NOTIFICATION:
        notification_signal(obj_ptr(cap_paddr(inv.cap)), cap_badge(inv.cap));
        break;
    case CAP_REPLY:
        ipc_reply(t, inv.slot);
        break;
    default:
        goto object;
    }
    if (is_call) {
        t->ctx.x[0] = 0;
        t->ctx.x[1] = 0;
    }
    return;
object:
    /* As in seL4 the invoker is in Restart while the operation runs: a preempted operation
     * re-issues the call, and a thread that suspends itself resumes at its svc. */
    thread_set_state(t, TS_RESTART);
    /* A progress record serves this call only; a call preempted again records it afresh. */
    resume_record_t taken;
    inv.resume = NULL;
    if (t->resume.slot != NULL) {
        taken = t->resume;
        t->resume.slot = NULL;
        inv.resume = &taken;
    }
    syserr_t e = decode_object(&inv);
    if (e.code == ERR_PREEMPTED) {
        return;
    }
    if (t->state == TS_RESTART) {
        thread_set_state(t, TS_RUNNING);
        if (is_call) {
            reply_to_call(&inv, e);
        }
    }
}

static void unknown_syscall(tcb_t *t, int64_t number)
{
    t->fault_type = FAULT_UNKNOWN_SYSCALL;
    t->fault_w[0] = (uint64_t)number;
    thread_fault(t);
}

/* Recv/NBRecv and the receive half of ReplyRecv (§2.3, §10.2 for the cap faults). */
static void handle_recv(tcb_t *t, bool blocking)
{
    uint64_t cptr = t->ctx.x[0];
    cte_t *slot;
    lookup_fault_t lf;
    if (!lookup_syscall(t, cptr, &slot, &lf)) {
        cap_fault(t, cptr, true, &lf);
        return;
    }
    cap_t c = slot->cap;
    lookup_fault_t missing = { LF_MISSING_CAPABILITY, 0, 0, 0 };
    if (cap_type(c) == CAP_ENDPOINT && (cap_rights(c) & RIGHT_READ)) {
        ipc_receive(t, c, blocking);
        return;
    }
    if (cap_type(c) == CAP_NOTIFICATION && (cap_rights(c) & RIGHT_READ)) {
        notification_t *n = obj_ptr(cap_paddr(c));
        if (n->bound_tcb == NULL || n->bound_tcb == t) {
            notification_receive(t, c, blocking);
            return;
        }
    }
    cap_fault(t, cptr, true, &missing);
}

static void debug_name_thread(tcb_t *t)
{
    cte_t *slot;
    lookup_fault_t lf;
    uint64_t *buf = thread_ipc_buffer(t, false);
    if (!lookup_cap_slot(t, t->ctx.x[0], &slot, &lf) || cap_type(slot->cap) != CAP_TCB ||
        buf == NULL) {
        panic("DebugNameThread: cptr %lx is not a TCB cap (or no IPC buffer)", t->ctx.x[0]);
    }
    const char *name = (const char *)&buf[IPCBUF_MSG];
    size_t len = 0;
    while (len < 960 && name[len] != '\0') {
        len++;
    }
    if (len == 960) {
        panic("DebugNameThread: name is not NUL-terminated within 960 bytes");
    }
    tcb_t *target = cap_tcb(slot->cap);
    if (len >= sizeof(target->name)) {
        len = sizeof(target->name) - 1;
    }
    memcpy(target->name, name, len);
    target->name[len] = '\0';
}

void syscall_handle(user_context_t *ctx)
{
    tcb_t *t = cur_thread;
    int64_t number = (int64_t)ctx->x[7];
    t->restart_pc = ctx->pc - 4;
    switch (number) {
    case SYS_CALL:
        handle_send(t, true, true);
        return;
    case SYS_SEND:
        handle_send(t, true, false);
        return;
    case SYS_NB_SEND:
        handle_send(t, false, false);
        return;
    case SYS_YIELD:
        sched_enqueue_tail(t);
        sched_reschedule_required();
        return;
    case SYS_RECV:
        handle_recv(t, true);
        return;
    case SYS_NB_RECV:
        handle_recv(t, false);
        return;
    case SYS_REPLY:
        ipc_reply(t, &t->slots[TCB_SLOT_CALLER]);
        return;
    case SYS_REPLY_RECV:
        ipc_reply(t, &t->slots[TCB_SLOT_CALLER]);
        handle_recv(t, true);
        return;
    case SYS_DEBUG_PUT_CHAR:
        arch_console_putc((char)(ctx->x[0] & 0xff));
        return;
    case SYS_DEBUG_HALT:
        kputs("Keel: DebugHalt called; powering off\n");
        arch_power_off();
    case SYS_DEBUG_CAP_IDENTIFY: {
        cte_t *slot;
        lookup_fault_t lf;
        ctx->x[0] = lookup_cap_slot(t, ctx->x[0], &slot, &lf) ? (uint64_t)cap_type(slot->cap) : 0;
        return;
    }
    case SYS_DEBUG_NAME_THREAD:
        debug_name_thread(t);
        return;
    case SYS_DEBUG_DUMP_SCHEDULER:
        debug_dump_scheduler(sched_root_thread != NULL ? sched_root_thread : t);
        return;
    case SYS_DEBUG_SNAPSHOT:
        /* seL4 prints a capDL description here; Keel reports its invariant check instead. */
        {
            invariants_report_t r = invariants_check(sched_root_thread != NULL
                                                         ? sched_root_thread : t);
            kprintf("Keel: snapshot: %lu CNodes, %lu slots, %lu invariant violations\n",
                    r.cnodes, r.slots, r.violations);
        }
        return;
    default:
        unknown_syscall(t, number);
        return;
    }
}
