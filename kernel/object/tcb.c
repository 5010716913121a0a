// SPDX-License-Identifier: BSD-2-Clause
// TCB invocations (ABI §8.4): registers, scheduling parameters, spaces, suspend and resume.
// Invariants: INV-FP-2, INV-IPC-5, -7, INV-SCHED-1, INV-TCB-1..4, INV-VS-7 (proofs-notes/README.md)
#include <keel/cdt.h>
#include <keel/delete.h>
#include <keel/derive.h>
#include <keel/invoke.h>
#include <keel/objects.h>
#include <keel/sched.h>
#include <keel/thread.h>

#define NUM_USER_REGS 36
#define NUM_FRAME_REGS 17

/* seL4_UserContext order (§9) -> our saved context. */
static uint64_t *user_reg(tcb_t *t, unsigned i)
{
    static const uint8_t xreg[NUM_USER_REGS] = {
        0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 17, 18, 29, 30,
        9, 10, 11, 12, 13, 14, 15, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 0, 0,
    };
    switch (i) {
    case 0: return &t->restart_pc;
    case 1: return &t->ctx.sp;
    case 2: return &t->ctx.spsr;
    case 34: return &t->ctx.tpidr;
    case 35: return &t->ctx.tpidrro;
    default: return &t->ctx.x[xreg[i]];
    }
}

void tcb_suspend(tcb_t *t)
{
    ipc_cancel(t);
    if (t->state == TS_RUNNING) {
        t->restart_pc = t->ctx.pc;
    }
    sched_dequeue(t);
    thread_set_state(t, TS_INACTIVE);
}

void tcb_resume(tcb_t *t)
{
    if (t->state == TS_INACTIVE || t->state == TS_BLOCKED_ON_RECEIVE ||
        t->state == TS_BLOCKED_ON_SEND || t->state == TS_BLOCKED_ON_REPLY ||
        t->state == TS_BLOCKED_ON_NOTIFICATION) {
        ipc_cancel(t);
        thread_set_state(t, TS_RESTART);
        sched_possible_switch_to(t);
    }
}

static void set_priority(tcb_t *t, uint64_t prio)
{
    bool was_queued = t != cur_thread && thread_runnable(t);
    if (was_queued) {
        sched_dequeue(t);
    }
    t->priority = (uint8_t)prio;
    if (was_queued) {
        sched_enqueue_head(t);
    }
    /* Any change may alter who should run now. */
    sched_reschedule_required();
}

static syserr_t authority_mcp(invocation_t *inv, uint64_t *mcp)
{
    cap_t a = inv_extra(inv, 0);
    if (cap_type(a) != CAP_TCB) {
        return err_cap(1);
    }
    *mcp = cap_tcb(a)->mcp;
    return err_none();
}

static syserr_t read_registers(invocation_t *inv, tcb_t *t)
{
    if (inv->info.length < 2) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t flags = inv_arg(inv, 0), count = inv_arg(inv, 1);
    if (count < 1 || count > NUM_USER_REGS) {
        return err_range(1, NUM_USER_REGS);
    }
    if (t == inv->thread) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (flags & 1) {
        tcb_suspend(t);
    }
    for (unsigned i = 0; i < count; i++) {
        inv_result(inv, i, *user_reg(t, i));
    }
    return err_none();
}

static syserr_t write_registers(invocation_t *inv, tcb_t *t)
{
    if (inv->info.length < 2) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t flags = inv_arg(inv, 0), count = inv_arg(inv, 1);
    if (inv->info.length - 2 < count) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    if (t == inv->thread) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (count > NUM_USER_REGS) {
        count = NUM_USER_REGS;
    }
    for (unsigned i = 0; i < count; i++) {
        uint64_t v = inv_arg(inv, 2 + i);
        *user_reg(t, i) = i == 2 ? thread_sanitise_spsr(v) : v;
    }
    t->ctx.pc = t->restart_pc;
    t->resume.slot = NULL; /* rewritten: no preempted invocation of its own to go on with */
    if (flags & 1) {
        tcb_resume(t);
    }
    return err_none();
}

static syserr_t copy_registers(invocation_t *inv, tcb_t *t)
{
    if (inv->info.length < 1 || inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    cap_t s = inv_extra(inv, 0);
    if (cap_type(s) != CAP_TCB) {
        return err_cap(1);
    }
    tcb_t *src = cap_tcb(s);
    uint64_t flags = inv_arg(inv, 0);
    if (flags & 1) {
        tcb_suspend(src);
    }
    if (flags & 2) {
        tcb_resume(t);
    }
    if (flags & 4) {
        for (unsigned i = 0; i < NUM_FRAME_REGS; i++) {
            *user_reg(t, i) = *user_reg(src, i);
        }
        t->ctx.pc = t->restart_pc;
        t->resume.slot = NULL; /* as for WriteRegisters */
    }
    if (flags & 8) {
        for (unsigned i = NUM_FRAME_REGS; i < NUM_USER_REGS; i++) {
            *user_reg(t, i) = *user_reg(src, i);
        }
    }
    return err_none();
}

/* The IPC buffer part of Configure and SetIPCBuffer: checks, without side effects. */
static syserr_t check_buffer(const cte_t *frame_slot, uint64_t buffer, cap_t *derived)
{
    *derived = cap_null();
    if (buffer == 0) {
        return err_none();
    }
    syserr_t e = cap_derive(frame_slot, frame_slot->cap, derived);
    if (e.code != ERR_NONE) {
        return e;
    }
    if (cap_type(*derived) != CAP_FRAME || cap_frame_is_device(*derived)) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (buffer & 1023) {
        return err_code(ERR_ALIGNMENT);
    }
    return err_none();
}

/* A root slot whose deletion could be long (last cap to a TCB, CNode or zombie). */
static bool root_slot_busy(const cte_t *s)
{
    cap_type_t t = cap_type(s->cap);
    return (t == CAP_TCB || t == CAP_CNODE || t == CAP_ZOMBIE) && cdt_is_final(s);
}

static syserr_t check_spaces(invocation_t *inv, tcb_t *t, unsigned cs_k, uint64_t cs_data,
                             cap_t *cspace, cap_t *vspace)
{
    if (root_slot_busy(&t->slots[TCB_SLOT_CSPACE]) || root_slot_busy(&t->slots[TCB_SLOT_VSPACE])) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    cte_t *cs_slot = inv->extra_slot[cs_k], *vs_slot = inv->extra_slot[cs_k + 1];
    cap_t cs = cs_slot->cap;
    if (cs_data != 0) {
        cs = cap_update_data(cs, cs_data, false);
    }
    syserr_t e = cap_derive(cs_slot, cs, cspace);
    if (e.code != ERR_NONE) {
        return e;
    }
    if (cap_type(*cspace) != CAP_CNODE) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    e = cap_derive(vs_slot, vs_slot->cap, vspace);
    if (e.code != ERR_NONE) {
        return e;
    }
    if (cap_type(*vspace) != CAP_VSPACE || !cap_pt_is_mapped(*vspace)) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    return err_none();
}

/* Replaces one of t's own slots with a copy of src's cap (if src still holds the object). */
static void install(tcb_t *t, unsigned which, cte_t *src, cap_t c)
{
    cte_t *dst = &t->slots[which];
    if (which == TCB_SLOT_VSPACE) {
        t->vs_gen = 0;   /* the fastpath's cached TTBR0 no longer describes this slot */
    }
    cte_delete_one(dst);
    if (!cap_is_null(c) && cap_same_object(src->cap, c)) {
        cdt_insert_derived(src, dst, c);
        cdt_mark_tcb_slot(t, which);
    }
    if (which == TCB_SLOT_CSPACE) {
        tcb_cspace_changed(t);
    } else if (which == TCB_SLOT_BUFFER) {
        tcb_buffer_changed(t);
    }
}

static syserr_t set_space(invocation_t *inv, tcb_t *t, bool with_buffer)
{
    unsigned need = with_buffer ? 4 : 3;
    if (inv->info.length < need || inv->nextra < (with_buffer ? 3u : 2u)) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t fault_ep = inv_arg(inv, 0), cs_data = inv_arg(inv, 1);
    uint64_t buffer = with_buffer ? inv_arg(inv, 3) : 0;
    cap_t buf_cap = cap_null();
    if (with_buffer) {
        syserr_t e = check_buffer(inv->extra_slot[2], buffer, &buf_cap);
        if (e.code != ERR_NONE) {
            return e;
        }
    }
    cap_t cs, vs;
    syserr_t e = check_spaces(inv, t, 0, cs_data, &cs, &vs);
    if (e.code != ERR_NONE) {
        return e;
    }
    t->fault_ep = fault_ep;
    install(t, TCB_SLOT_CSPACE, inv->extra_slot[0], cs);
    install(t, TCB_SLOT_VSPACE, inv->extra_slot[1], vs);
    if (with_buffer) {
        t->ipc_buffer = buffer;
        install(t, TCB_SLOT_BUFFER, inv->extra_slot[2], buf_cap);
    }
    return err_none();
}

static syserr_t set_ipc_buffer(invocation_t *inv, tcb_t *t)
{
    if (inv->info.length < 1 || inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t buffer = inv_arg(inv, 0);
    cap_t c;
    syserr_t e = check_buffer(inv->extra_slot[0], buffer, &c);
    if (e.code != ERR_NONE) {
        return e;
    }
    t->ipc_buffer = buffer;
    install(t, TCB_SLOT_BUFFER, inv->extra_slot[0], c);
    return err_none();
}

static syserr_t bind_notification(invocation_t *inv, tcb_t *t)
{
    if (inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    if (t->bound_notification != NULL) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    cap_t c = inv_extra(inv, 0);
    if (cap_type(c) != CAP_NOTIFICATION || !(cap_rights(c) & RIGHT_READ)) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    notification_t *n = obj_ptr(cap_paddr(c));
    if ((n->head_state & 3) == NTFN_WAITING || n->bound_tcb != NULL) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    n->bound_tcb = t;
    t->bound_notification = n;
    return err_none();
}

syserr_t decode_tcb(invocation_t *inv)
{
    tcb_t *t = cap_tcb(inv->cap);
    uint64_t mcp;
    syserr_t e;
    switch (inv->info.label) {
    case INV_TCB_READ_REGISTERS: return read_registers(inv, t);
    case INV_TCB_WRITE_REGISTERS: return write_registers(inv, t);
    case INV_TCB_COPY_REGISTERS: return copy_registers(inv, t);
    case INV_TCB_CONFIGURE: return set_space(inv, t, true);
    case INV_TCB_SET_SPACE: return set_space(inv, t, false);
    case INV_TCB_SET_IPC_BUFFER: return set_ipc_buffer(inv, t);
    case INV_TCB_SET_PRIORITY:
    case INV_TCB_SET_MC_PRIORITY: {
        if (inv->info.length < 1 || inv->nextra < 1) {
            return err_code(ERR_TRUNCATED_MESSAGE);
        }
        uint64_t v = inv_arg(inv, 0);
        if ((e = authority_mcp(inv, &mcp)).code != ERR_NONE) {
            return e;
        }
        if (v > mcp) {
            return err_range(0, mcp);
        }
        if (inv->info.label == INV_TCB_SET_PRIORITY) {
            set_priority(t, v);
        } else {
            t->mcp = (uint8_t)v;
        }
        return err_none();
    }
    case INV_TCB_SET_SCHED_PARAMS: {
        if (inv->info.length < 2 || inv->nextra < 1) {
            return err_code(ERR_TRUNCATED_MESSAGE);
        }
        uint64_t new_mcp = inv_arg(inv, 0), prio = inv_arg(inv, 1);
        if ((e = authority_mcp(inv, &mcp)).code != ERR_NONE) {
            return e;
        }
        if (new_mcp > mcp || prio > mcp) {
            return err_range(0, mcp);
        }
        t->mcp = (uint8_t)new_mcp;
        set_priority(t, prio);
        return err_none();
    }
    case INV_TCB_SUSPEND:
        tcb_suspend(t);
        return err_none();
    case INV_TCB_RESUME:
        tcb_resume(t);
        return err_none();
    case INV_TCB_BIND_NOTIFICATION:
        return bind_notification(inv, t);
    case INV_TCB_UNBIND_NOTIFICATION:
        if (t->bound_notification == NULL) {
            return err_code(ERR_ILLEGAL_OPERATION);
        }
        t->bound_notification->bound_tcb = NULL;
        t->bound_notification = NULL;
        return err_none();
    case INV_TCB_SET_TLS_BASE:
        if (inv->info.length < 1) {
            return err_code(ERR_TRUNCATED_MESSAGE);
        }
        t->ctx.tpidr = inv_arg(inv, 0);
        return err_none();
    default:
        return err_code(ERR_ILLEGAL_OPERATION);
    }
}
