// SPDX-License-Identifier: BSD-2-Clause
// Deleting caps and destroying objects, preemptibly, without recursion.
#pragma once

#include <keel/errors.h>
#include <keel/object.h>

/* Long operations return this when an interrupt is pending; the syscall is restarted later
 * and continues where it stopped (progress lives in zombies and watermarks). */
#define ERR_PREEMPTED ((error_code_t)100)

/* Deletes the cap in slot; destroys its object if it was the last cap to it. */
syserr_t cte_delete(cte_t *slot);
/* Deletes every descendant of the cap in slot. */
syserr_t cte_revoke(cte_t *slot);
/* Deletes a cap that is known not to need recursive destruction (never preempts). */
void cte_delete_one(cte_t *slot);

/* Work accounting for preemption points (every PREEMPT_UNITS units, ISR_EL1 is polled). */
#define PREEMPT_UNITS 100
bool preemption_point(void);
void preemption_reset(void);
