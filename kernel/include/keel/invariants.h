// SPDX-License-Identifier: BSD-2-Clause
// The runtime invariant checker of debug builds (the INV-* of proofs-notes, as C checks).
#pragma once

#include <stdint.h>
#include <keel/object.h>

typedef struct {
    uint64_t slots;        /* slots visited */
    uint64_t cnodes;       /* CNodes visited */
    uint64_t violations;
} invariants_report_t;

/* Checks every invariant it can reach from root (the root task's CNode slot) and the
 * scheduler; prints each violation with its INV number. */
invariants_report_t invariants_check(const tcb_t *root);
