// SPDX-License-Identifier: BSD-2-Clause
// Interrupt dispatch: the kernel tick, and counting of spurious or unclaimed interrupts.
#include <arch/machine.h>
#include <keel/kernel.h>
#include <plat/platform.h>

uint64_t kernel_ticks;
static uint64_t spurious_irqs;
static uint64_t unclaimed_irqs;

void irq_handle(void)
{
    unsigned intid = arch_irq_ack();
    if (intid == ARCH_IRQ_NONE) {
        spurious_irqs++;
        return;
    }
    if (intid == PLAT_TIMER_IRQ) {
        kernel_ticks++;
        arch_timer_rearm();
    } else {
        /* Nobody holds a handler for it: keep it masked so it cannot storm. */
        unclaimed_irqs++;
        arch_irq_disable(intid);
    }
    arch_irq_eoi(intid);
}
