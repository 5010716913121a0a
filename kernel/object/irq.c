// SPDX-License-Identifier: BSD-2-Clause
// IRQControl / IRQHandler invocations (ABI §8.7-8.8) and delivery of interrupts to notifications.
// Invariants: INV-CAP-1, -7, INV-IPC-4, -9 (proofs-notes/README.md)
#include <arch/machine.h>
#include <keel/cdt.h>
#include <keel/delete.h>
#include <keel/invoke.h>
#include <keel/irq.h>
#include <keel/kernel.h>
#include <keel/notification.h>
#include <keel/sched.h>
#include <plat/platform.h>

typedef enum { IRQ_INACTIVE = 0, IRQ_SIGNAL, IRQ_TIMER } irq_state_t;

static uint8_t irq_state[PLAT_MAX_IRQ + 1];
/* The notification each active IRQ signals: a kernel-held copy, child of the user's cap. */
static cte_t irq_target[PLAT_MAX_IRQ + 1];
static uint64_t spurious, unclaimed;
uint64_t kernel_ticks;

void irq_init(void)
{
    irq_state[PLAT_TIMER_IRQ] = IRQ_TIMER;
}

uint64_t irq_unclaimed_count(void) { return unclaimed; }
uint64_t irq_spurious_count(void) { return spurious; }

void irq_handle(void)
{
    unsigned intid = arch_irq_ack();
    if (intid == ARCH_IRQ_NONE) {
        spurious++;
        return;
    }
    if (intid > PLAT_MAX_IRQ) {
        unclaimed++;
        arch_irq_disable(intid);
    } else if (irq_state[intid] == IRQ_TIMER) {
        kernel_ticks++;
        arch_timer_rearm();
        sched_tick();
    } else if (irq_state[intid] == IRQ_SIGNAL) {
        /* Masked until the driver acknowledges it (IRQHandler_Ack). */
        arch_irq_disable(intid);
        cap_t n = irq_target[intid].cap;
        if (cap_type(n) == CAP_NOTIFICATION && (cap_rights(n) & RIGHT_WRITE)) {
            notification_signal(obj_ptr(cap_paddr(n)), cap_badge(n));
        }
    } else {
        unclaimed++;
        arch_irq_disable(intid);
    }
    arch_irq_eoi(intid);
}

void irq_handler_deleted(unsigned irq)
{
    if (irq > PLAT_MAX_IRQ || irq_state[irq] != IRQ_SIGNAL) {
        return;
    }
    arch_irq_disable(irq);
    cte_delete_one(&irq_target[irq]);
    irq_state[irq] = IRQ_INACTIVE;
}

syserr_t decode_irq_control(invocation_t *inv)
{
    uint64_t label = inv->info.label;
    if (label != INV_IRQ_ISSUE_HANDLER && label != INV_IRQ_ISSUE_HANDLER_TRIGGER) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    bool trigger = label == INV_IRQ_ISSUE_HANDLER_TRIGGER;
    unsigned need = trigger ? 4 : 3;
    if (inv->info.length < need || inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t irq = inv_arg(inv, 0);
    uint64_t edge = trigger ? inv_arg(inv, 1) : 0;
    uint64_t index = inv_arg(inv, need - 2), depth = inv_arg(inv, need - 1);
    if (irq > PLAT_MAX_IRQ) {
        return err_range(0, PLAT_MAX_IRQ);
    }
    if (irq_state[irq] != IRQ_INACTIVE) {
        return err_code(ERR_REVOKE_FIRST);
    }
    if (depth < 1 || depth > 64) {
        return err_range(1, 64);
    }
    cte_t *dest;
    lookup_fault_t lf;
    if (!lookup_slot_exact(inv_extra(inv, 0), index, (unsigned)depth, &dest, &lf)) {
        return err_lookup(false, lf);
    }
    if (!cap_is_null(dest->cap)) {
        return err_code(ERR_DELETE_FIRST);
    }
    if (trigger) {
        arch_irq_set_trigger((unsigned)irq, edge != 0);
    }
    irq_state[irq] = IRQ_SIGNAL;
    cdt_insert_derived(inv->slot, dest, cap_irq_handler((unsigned)irq));
    arch_irq_enable((unsigned)irq);
    return err_none();
}

syserr_t decode_irq_handler(invocation_t *inv)
{
    unsigned irq = cap_irq(inv->cap);
    switch (inv->info.label) {
    case INV_IRQ_ACK:
        arch_irq_enable(irq);
        return err_none();
    case INV_IRQ_SET_HANDLER: {
        if (inv->nextra < 1) {
            return err_code(ERR_TRUNCATED_MESSAGE);
        }
        cap_t n = inv_extra(inv, 0);
        if (cap_type(n) != CAP_NOTIFICATION || !(cap_rights(n) & RIGHT_WRITE)) {
            return err_cap(0);
        }
        cte_delete_one(&irq_target[irq]);
        cdt_insert_derived(inv->extra_slot[0], &irq_target[irq], n);
        return err_none();
    }
    case INV_IRQ_CLEAR_HANDLER:
        cte_delete_one(&irq_target[irq]);
        return err_none();
    default:
        return err_code(ERR_ILLEGAL_OPERATION);
    }
}
