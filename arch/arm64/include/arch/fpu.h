// SPDX-License-Identifier: BSD-2-Clause
// FP/SIMD state ownership: loaded on first use after a switch (EC 0x07 trap).
#pragma once

#include <keel/object.h>

#include <arch/sysreg.h>

extern const tcb_t *fpu_owner;
extern bool fpu_enabled;

static inline __attribute__((always_inline)) void arch_fpu_set_enabled(bool on)
{
    if (on != fpu_enabled) {
        sysreg_write(cpacr_el1, on ? CPACR_FPEN_ALL : 0);
        isb();
        fpu_enabled = on;
    }
}

/* The owner's registers are live: it may use them without a trap; others trap first. */
static inline __attribute__((always_inline)) void arch_fpu_switch_to(const tcb_t *t)
{
    arch_fpu_set_enabled(t == fpu_owner);
}
void arch_fpu_forget(const tcb_t *t);
void arch_fpu_trap(tcb_t *t);
/* fpsr points at {fpsr, fpcr}. */
void fpu_save(uint64_t *vregs, uint64_t *fpsr);
void fpu_load(const uint64_t *vregs, const uint64_t *fpsr);
