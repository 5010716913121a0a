// SPDX-License-Identifier: BSD-2-Clause
// C handlers called from the exception vectors (vectors.S).
#pragma once

#include <arch/context.h>

struct kernel_fault_frame;

_Noreturn void c_handle_el0_sync(user_context_t *ctx);
_Noreturn void c_handle_el0_irq(user_context_t *ctx);
_Noreturn void c_handle_el0_serror(user_context_t *ctx);
void c_handle_el1_irq(void);
_Noreturn void c_handle_el1_fault(struct kernel_fault_frame *f);
