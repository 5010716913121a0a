// SPDX-License-Identifier: BSD-2-Clause
// Debug system-call services that print kernel state.
#pragma once

#include <keel/object.h>

/* Prints every TCB reachable from root's CSpace: name, state, restart PC, priority. */
void debug_dump_scheduler(const tcb_t *root);
