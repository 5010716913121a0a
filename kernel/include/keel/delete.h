// SPDX-License-Identifier: BSD-2-Clause
// Deleting caps and destroying objects, preemptibly, without recursion.
#pragma once

#include <keel/errors.h>
#include <keel/object.h>
#include <keel/preempt.h>

/* Deletes the cap in slot; destroys its object if it was the last cap to it. */
syserr_t cte_delete(cte_t *slot);
/* Deletes every descendant of the cap in slot. */
syserr_t cte_revoke(cte_t *slot);
/* Deletes a cap that is known not to need recursive destruction (never preempts). */
void cte_delete_one(cte_t *slot);
