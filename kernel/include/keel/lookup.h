// SPDX-License-Identifier: BSD-2-Clause
// Resolving capability addresses through guarded CNodes (ABI §11) and describing failures.
#pragma once

#include <keel/object.h>

/* seL4_LookupFailureType (§11.1). */
enum {
    LF_NONE = 0,
    LF_INVALID_ROOT = 1,
    LF_MISSING_CAPABILITY = 2,
    LF_DEPTH_MISMATCH = 3,
    LF_GUARD_MISMATCH = 4,
};

typedef struct {
    unsigned type;
    uint64_t bits_left;
    uint64_t a;     /* DepthMismatch: bits found; GuardMismatch: guard found */
    uint64_t b;     /* GuardMismatch: bits found (the guard size) */
} lookup_fault_t;

/* Number of words the failure adds to a message after its type word. */
unsigned lookup_fault_words(const lookup_fault_t *lf, uint64_t out[4]);

/*
 * Resolves the top n bits of cptr starting at root. On success *slot is the slot reached and
 * *bits_left the bits not consumed (non-zero only when a non-CNode cap stopped the walk).
 * Returns false with *lf filled on failure. Never reads outside a CNode for any input.
 */
bool lookup_resolve(cap_t root, uint64_t cptr, unsigned n, cte_t **slot, unsigned *bits_left,
                    lookup_fault_t *lf);

/* Capability lookup from a thread's CSpace root with all 64 bits (§11.3). */
bool lookup_cap_slot(const tcb_t *t, uint64_t cptr, cte_t **slot, lookup_fault_t *lf);

/* Exact-depth slot lookup for CNode-operation arguments; depth is pre-checked in 1..64. */
bool lookup_slot_exact(cap_t root, uint64_t index, unsigned depth, cte_t **slot,
                       lookup_fault_t *lf);
