// SPDX-License-Identifier: BSD-2-Clause
// Entry points from the architecture layer into the portable kernel.
#pragma once

#include <arch/context.h>
#include <stdbool.h>
#include <stdint.h>

/* A system call trapped from EL0 with the caller's registers saved in ctx. */
void syscall_handle(user_context_t *ctx);
/* A user exception other than a system call (ESR and FAR as read at entry). */
void fault_handle_user(user_context_t *ctx, uint64_t esr, uint64_t far);
/* An interrupt arrived (from EL0 or from the idle loop). */
void irq_handle(void);

/* The first C code: called by head.S with the MMU on, on the boot stack. */
_Noreturn void boot_main(uint64_t dtb_pa, uint64_t load_pa, uint64_t entry_el);

extern uint64_t kernel_ticks;
/* Set once boot hands over to the first thread. */
extern bool kernel_running;
