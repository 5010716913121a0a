// SPDX-License-Identifier: BSD-2-Clause
// One invocation of a kernel object: its arguments as the caller sent them, and its results.
#pragma once

#include <keel/errors.h>
#include <keel/msginfo.h>
#include <keel/object.h>

typedef struct invocation {
    tcb_t *thread;                       /* the invoker */
    cte_t *slot;                         /* slot of the invoked cap */
    cap_t cap;                           /* the invoked cap */
    msginfo_t info;                      /* label and length as sent (length clamped) */
    uint64_t *buffer;                    /* the invoker's IPC buffer, NULL if it has none */
    unsigned nextra;                     /* extra caps actually present */
    cte_t *extra_slot[MSG_MAX_EXTRA_CAPS];
    bool is_call;                        /* results go back only to Call */
    unsigned reply_len;                  /* result MRs written */
    const resume_record_t *resume;       /* the record this call took from its thread, or NULL */
} invocation_t;

/* Argument MR i (the caller guarantees i < info.length). */
uint64_t inv_arg(const invocation_t *inv, unsigned i);
/* Extra cap k, or a null cap when it is missing. */
static inline cap_t inv_extra(const invocation_t *inv, unsigned k)
{
    return k < inv->nextra ? inv->extra_slot[k]->cap : (cap_t){ 0, 0 };
}
/* Writes result MR i; results beyond the fast registers need an IPC buffer. */
void inv_result(invocation_t *inv, unsigned i, uint64_t v);
/* Long invocations (INV-SCHED-5). A preempted one records how many units it completed and
 * returns ERR_PREEMPTED; the invoker, in Restart, issues the same system call again, and that
 * call, if it is the same invocation (slot, cap, label, the first nargs argument words, the
 * same svc), gets the count back. Any other call gets 0 and the record is gone: nothing the
 * user can see (registers, IPC buffer) carries the progress. */
syserr_t inv_preempted(invocation_t *inv, unsigned nargs, uint64_t done);
uint64_t inv_resumed(const invocation_t *inv, unsigned nargs);

/* Per-object decoders: every argument is checked before anything changes. */
syserr_t decode_untyped(invocation_t *inv);
syserr_t decode_cnode(invocation_t *inv);
syserr_t decode_tcb(invocation_t *inv);
syserr_t decode_irq_control(invocation_t *inv);
syserr_t decode_irq_handler(invocation_t *inv);
syserr_t decode_domain(invocation_t *inv);
syserr_t decode_vspace(invocation_t *inv);
syserr_t decode_page_table(invocation_t *inv);
syserr_t decode_frame(invocation_t *inv);
syserr_t decode_asid_control(invocation_t *inv);
syserr_t decode_asid_pool(invocation_t *inv);

/* Invocation labels (ABI §8.1). */
enum {
    INV_UNTYPED_RETYPE = 1,
    INV_TCB_READ_REGISTERS = 2, INV_TCB_WRITE_REGISTERS, INV_TCB_COPY_REGISTERS,
    INV_TCB_CONFIGURE, INV_TCB_SET_PRIORITY, INV_TCB_SET_MC_PRIORITY, INV_TCB_SET_SCHED_PARAMS,
    INV_TCB_SET_IPC_BUFFER, INV_TCB_SET_SPACE, INV_TCB_SUSPEND, INV_TCB_RESUME,
    INV_TCB_BIND_NOTIFICATION, INV_TCB_UNBIND_NOTIFICATION, INV_TCB_SET_TLS_BASE,
    INV_CNODE_REVOKE = 16, INV_CNODE_DELETE, INV_CNODE_CANCEL_BADGED_SENDS, INV_CNODE_COPY,
    INV_CNODE_MINT, INV_CNODE_MOVE, INV_CNODE_MUTATE, INV_CNODE_ROTATE, INV_CNODE_SAVE_CALLER,
    INV_IRQ_ISSUE_HANDLER = 25, INV_IRQ_ACK, INV_IRQ_SET_HANDLER, INV_IRQ_CLEAR_HANDLER,
    INV_DOMAIN_SET = 29,
    INV_IRQ_ISSUE_HANDLER_TRIGGER = 46,
};
