// SPDX-License-Identifier: BSD-2-Clause
// Lazy FP/SIMD switching: the registers move only when a different thread first uses them.
#include <arch/fpu.h>
#include <arch/sysreg.h>

static tcb_t *fpu_owner;
static bool fpu_enabled = true;

static void set_enabled(bool on)
{
    if (on != fpu_enabled) {
        sysreg_write(cpacr_el1, on ? CPACR_FPEN_ALL : 0);
        isb();
        fpu_enabled = on;
    }
}

void arch_fpu_switch_to(const tcb_t *t)
{
    /* The owner's registers are live: it may use them without a trap. */
    set_enabled(t == fpu_owner);
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
        fpu_save(fpu_owner->fpregs, &fpu_owner->fpsr);
    }
    fpu_load(t->fpregs, &t->fpsr);
    fpu_owner = t;
}
