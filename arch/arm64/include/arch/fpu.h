// SPDX-License-Identifier: BSD-2-Clause
// FP/SIMD state ownership: loaded on first use after a switch (EC 0x07 trap).
#pragma once

#include <arch/sysreg.h>
#include <keel/object.h>

/*
 * owner: the thread whose V0..V31/FPSR/FPCR are in the registers. enabled_for: the thread for
 * which CPACR_EL1 lets EL0 use them (NULL: trapping). FP is enabled exactly when the running
 * thread is the owner, so no thread can read another's registers (INV-TCB-5).
 */
typedef struct {
    const tcb_t *owner;
    const tcb_t *enabled_for;
} fpu_state_t;

extern fpu_state_t fpu_state;

/* No ISB: the exception return that follows synchronises; arch_fpu_trap, which uses the
 * registers at EL1 right away, adds its own. */
static inline __attribute__((always_inline)) void arch_fpu_set_enabled_for(const tcb_t *t)
{
    sysreg_write(cpacr_el1, t != NULL ? CPACR_FPEN_ALL : 0);
    fpu_state.enabled_for = t;
}

/* The owner may use its live registers without a trap; anyone else traps first. */
static inline __attribute__((always_inline)) void arch_fpu_switch_to(const tcb_t *t)
{
    const tcb_t *want = t == fpu_state.owner ? t : NULL;
    if (want != fpu_state.enabled_for) {
        arch_fpu_set_enabled_for(want);
    }
}

void arch_fpu_forget(const tcb_t *t);
void arch_fpu_trap(tcb_t *t);
/* fpsr points at {fpsr, fpcr}. */
void fpu_save(uint64_t *vregs, uint64_t *fpsr);
void fpu_load(const uint64_t *vregs, const uint64_t *fpsr);
