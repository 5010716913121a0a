// SPDX-License-Identifier: BSD-2-Clause
// Accessors and bit definitions for the AArch64 system registers the kernel touches.
#pragma once

#include <stdint.h>

#define sysreg_read(reg) ({ uint64_t v_; __asm__ volatile("mrs %0, " #reg : "=r"(v_)); v_; })
#define sysreg_write(reg, v) __asm__ volatile("msr " #reg ", %0" : : "r"((uint64_t)(v)) : "memory")

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }

/* ESR_EL1 exception classes the kernel decodes. */
#define ESR_EC_SHIFT      26
#define ESR_EC_UNKNOWN    0x00
#define ESR_EC_WFX        0x01
#define ESR_EC_FPSIMD     0x07
#define ESR_EC_ILLEGAL    0x0e
#define ESR_EC_SVC64      0x15
#define ESR_EC_SYSREG     0x18
#define ESR_EC_IABT_LOW   0x20
#define ESR_EC_IABT_CUR   0x21
#define ESR_EC_PC_ALIGN   0x22
#define ESR_EC_DABT_LOW   0x24
#define ESR_EC_DABT_CUR   0x25
#define ESR_EC_SP_ALIGN   0x26
#define ESR_EC_SERROR     0x2f
#define ESR_EC_BRK        0x3c

/* SPSR values for the user thread: EL0t, AArch64; F (and A unless debug) masked (ABI §12.4). */
#define SPSR_EL0T_DEBUG   0x40UL
#define SPSR_EL0T_RELEASE 0x140UL

/* CPACR_EL1.FPEN: do not trap FP/SIMD at EL0/EL1. */
#define CPACR_FPEN_ALL    (3UL << 20)
