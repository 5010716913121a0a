// SPDX-License-Identifier: BSD-2-Clause
// Address spaces as the scheduler needs them: install a thread's VSpace in TTBR0.
#pragma once

#include <keel/object.h>

/* Makes t's VSpace current; a thread without a valid one runs with an empty address space. */
void vspace_activate(tcb_t *t);
