// SPDX-License-Identifier: BSD-2-Clause
// Preemption points of long kernel operations: is an interrupt waiting to be taken?
// Invariants: INV-SCHED-5 (proofs-notes/README.md)
#pragma once

#include <arch/sysreg.h>
#include <keel/errors.h>
#include <stdbool.h>

/* Returned by an operation that stopped at a preemption point. Its progress is in kernel objects
 * (zombies, the untyped watermark) or in the thread's resume record (inv_preempted); the
 * invoker is in Restart, so it issues the same system call again once the interrupt has been
 * handled. */
#define ERR_PREEMPTED ((error_code_t)100)

/*
 * Called after each unit of work: one slot cleared, one cap deleted, 256 bytes of an untyped
 * zeroed, one object made by a Retype, 4 KiB of cache maintenance. A unit costs a few hundred
 * instructions, so an interrupt waits at most about one unit (INV-SCHED-5); polling ISR_EL1.I at
 * every unit costs one system register read. Every caller does its unit before asking, so a restarted operation always makes
 * progress, even under a flood of interrupts.
 */
static inline bool preemption_point(void)
{
    return (sysreg_read(isr_el1) & (1UL << 7)) != 0; /* ISR_EL1.I: an IRQ is pending */
}
