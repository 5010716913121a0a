// SPDX-License-Identifier: BSD-2-Clause
// Lazy FP/SIMD switching: the registers move only when a different thread first uses them.
#include <arch/fpu.h>
#include <arch/sysreg.h>

const tcb_t *fpu_owner;
bool fpu_enabled = true;

static void set_enabled(bool on)
{
    arch_fpu_set_enabled(on);
}

void arch_fpu_forget(const tcb_t *t)
{
    if (fpu_owner == t) {
        fpu_owner = NULL;
    }
}

void arch_fpu_trap(tcb_t *t)
{
    set_enabled(true);
    if (fpu_owner != NULL) {
        tcb_t *o = (tcb_t *)fpu_owner;
        fpu_save(o->fpregs, &o->fpsr);
    }
    fpu_load(t->fpregs, &t->fpsr);
    fpu_owner = t;
}
