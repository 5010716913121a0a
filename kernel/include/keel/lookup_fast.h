// SPDX-License-Identifier: BSD-2-Clause
// Capability lookup through a TCB's decoded CSpace root: the common one-level case, inline.
#pragma once

#include <keel/lookup.h>

/* The slot index in a CNode whose index mask is mask (2^radix - 1): a function of its own so
 * that its bound (at most mask) is proved once (proofs/fastpath_spec.h). */
static inline __attribute__((always_inline)) uint64_t lookup_first_index(uint64_t bits,
                                                                         uint64_t mask)
{
    return bits & mask;
}

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
    cte_t *s = &slots[lookup_first_index(bits, t->cs_mask)];
    if ((ss & (1UL << 8)) || cap_type(s->cap) != CAP_CNODE) {
        return s;
    }
    return NULL;
}
