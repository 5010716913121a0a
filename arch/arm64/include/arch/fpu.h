// SPDX-License-Identifier: BSD-2-Clause
// FP/SIMD state ownership: loaded on first use after a switch (EC 0x07 trap).
#pragma once

#include <keel/object.h>

void arch_fpu_switch_to(const tcb_t *t);
void arch_fpu_forget(const tcb_t *t);
void arch_fpu_trap(tcb_t *t);
/* fpsr points at {fpsr, fpcr}. */
void fpu_save(uint64_t *vregs, uint64_t *fpsr);
void fpu_load(const uint64_t *vregs, const uint64_t *fpsr);
