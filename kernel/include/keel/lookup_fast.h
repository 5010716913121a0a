// SPDX-License-Identifier: BSD-2-Clause
// Capability lookup through a TCB's decoded CSpace root: the common one-level case, inline.
#pragma once

#include <keel/lookup.h>

/*
 * Resolves cptr in t's CSpace when the root CNode alone decides it (the usual flat CSpace):
 * returns the slot, or NULL when the walk must go deeper or fails, in which case the caller
 * uses the full lookup (which also describes failures). Relies on tcb_t.cs_* describing the
 * cap in t's CSpace slot whenever cs_slots != NULL (tcb_cspace_changed, tcb_slot_cleared).
 */
static inline __attribute__((always_inline)) cte_t *lookup_first_level(const tcb_t *t,
                                                                       uint64_t cptr)
{
    cte_t *slots = t->cs_slots;
    if (slots == NULL) {
        return NULL;
    }
    uint64_t ss = t->cs_shift_single;
    uint64_t bits = cptr >> (ss & 63);     /* guard above, index below */
    if ((bits & ~t->cs_mask) != t->cs_guard_hi) {
        return NULL;
    }
    cte_t *s = &slots[bits & t->cs_mask];
    if ((ss & (1UL << 8)) || cap_type(s->cap) != CAP_CNODE) {
        return s;
    }
    return NULL;
}
