// SPDX-License-Identifier: BSD-2-Clause
// The kernel tick on the EL1 virtual timer (the interrupt seL4 reserves for itself).
// Invariants: none (EL0 timer access is `cpu.c`'s) (proofs-notes/README.md)
#include <arch/machine.h>
#include <arch/sysreg.h>
#include <plat/platform.h>

static uint64_t tick_counts;

void arch_timer_init(unsigned tick_ms)
{
    tick_counts = arch_timer_freq() * tick_ms / 1000;
    sysreg_write(cntv_ctl_el0, 0);
    arch_timer_rearm();
    sysreg_write(cntv_ctl_el0, 1);          /* enabled, interrupt not masked */
    arch_irq_enable(PLAT_TIMER_IRQ);
}

uint64_t arch_timer_freq(void)
{
    return sysreg_read(cntfrq_el0);
}

void arch_timer_rearm(void)
{
    sysreg_write(cntv_tval_el0, tick_counts);
    isb();
}
