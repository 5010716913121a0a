// SPDX-License-Identifier: BSD-2-Clause
// A user thread's saved register state, in the order the entry code stores it.
#pragma once

#define CTX_X0       0
#define CTX_SP       248
#define CTX_PC       256
#define CTX_SPSR     264
#define CTX_TPIDR    272
#define CTX_TPIDRRO  280
#define CTX_SIZE     288

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

typedef struct user_context {
    uint64_t x[31];
    uint64_t sp;        /* SP_EL0 */
    uint64_t pc;        /* ELR_EL1: where the thread resumes */
    uint64_t spsr;      /* SPSR_EL1: the thread's PSTATE */
    uint64_t tpidr;     /* TPIDR_EL0 */
    uint64_t tpidrro;   /* TPIDRRO_EL0 */
} user_context_t;

_Static_assert(offsetof(user_context_t, sp) == CTX_SP, "context layout");
_Static_assert(offsetof(user_context_t, pc) == CTX_PC, "context layout");
_Static_assert(offsetof(user_context_t, spsr) == CTX_SPSR, "context layout");
_Static_assert(offsetof(user_context_t, tpidr) == CTX_TPIDR, "context layout");
_Static_assert(offsetof(user_context_t, tpidrro) == CTX_TPIDRRO, "context layout");
_Static_assert(sizeof(user_context_t) == CTX_SIZE, "context size");

/* Leaves the kernel: restores ctx and returns to EL0. The kernel stack is abandoned. */
_Noreturn void arch_return_to_user(user_context_t *ctx);
/* Runs the idle loop on a fresh kernel stack with interrupts enabled. */
_Noreturn void arch_idle(void);
#endif
