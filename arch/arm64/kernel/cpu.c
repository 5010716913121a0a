// SPDX-License-Identifier: BSD-2-Clause
// Per-CPU control state the kernel sets once: FP/SIMD access and the user PMU option.
// Invariants: INV-BOOT-9 (proofs-notes/README.md)
#include <arch/machine.h>
#include <arch/sysreg.h>
#include <keel/config.h>

void arch_cpu_init(void)
{
    /* FP/SIMD is usable at EL0; the kernel itself is built with general registers only. */
    sysreg_write(cpacr_el1, CPACR_FPEN_ALL);
    /* EL0 sees no generic-timer registers (ABI §1.1, CNTKCTL_EL1 = 0) unless a build option
     * exports one, as seL4's KernelArmExport*User options do (§13.14). The virtual timer is
     * the kernel's tick and is never exported. */
    sysreg_write(cntkctl_el1, (KEEL_EXPORT_PCNT ? 1UL << 0 : 0) |
                              (KEEL_EXPORT_VCNT ? 1UL << 1 : 0) |
                              (KEEL_EXPORT_PTMR ? 1UL << 9 : 0));
#if KEEL_PMU_USER
    /* Benchmarks read PMCCNTR_EL0 from EL0; under -icount it counts guest instructions. */
    sysreg_write(pmcr_el0, sysreg_read(pmcr_el0) | 1 | (1 << 2));  /* E, reset cycle counter */
    sysreg_write(pmccfiltr_el0, 0);
    sysreg_write(pmcntenset_el0, 1UL << 31);
    sysreg_write(pmuserenr_el0, 1);                                  /* EN */
#else
    sysreg_write(pmuserenr_el0, 0);   /* PMU registers trap at EL0 whatever firmware left */
#endif
    isb();
}
