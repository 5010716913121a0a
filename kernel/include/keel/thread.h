// SPDX-License-Identifier: BSD-2-Clause
// The running thread, until the capability core brings TCB objects and the scheduler.
#pragma once

#include <keel/roottask.h>

/* The one thread of the first milestone: the root task. */
extern root_thread_t root_thread;

/* Stops the current thread after a fault it has no handler for (seL4: becomes Inactive). */
void thread_stop(root_thread_t *t, const char *why);
