// SPDX-License-Identifier: BSD-2-Clause
// Lazy FP/SIMD switching: the registers move only when a different thread first uses them.
// Invariants: INV-TCB-5 (proofs-notes/README.md)
#include <arch/fpu.h>
#include <arch/sysreg.h>

/* At boot FP is enabled (arch_cpu_init) with no owner: the first switch disables it. */
fpu_state_t fpu_state = { .owner = NULL, .enabled_for = (const tcb_t *)1 };

void arch_fpu_forget(const tcb_t *t)
{
    if (fpu_state.owner == t) {
        fpu_state.owner = NULL;
    }
    if (fpu_state.enabled_for == t) {
        arch_fpu_set_enabled_for(NULL);
        isb();
    }
}

void arch_fpu_trap(tcb_t *t)
{
    arch_fpu_set_enabled_for(t);
    isb();
    if (fpu_state.owner != NULL) {
        tcb_t *o = (tcb_t *)fpu_state.owner;
        fpu_save(o->fpregs, &o->fpsr);
    }
    fpu_load(t->fpregs, &t->fpsr);
    fpu_state.owner = t;
}
