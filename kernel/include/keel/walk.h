// SPDX-License-Identifier: BSD-2-Clause
// Visiting every slot and TCB reachable from a thread's CSpace (debug tools only).
#pragma once

#include <keel/object.h>

typedef struct {
    void (*slot)(void *ctx, cte_t *s);        /* every slot of every reachable CNode */
    void (*tcb)(void *ctx, tcb_t *t);         /* every distinct TCB named by a reachable cap */
    void *ctx;
} walk_visitor_t;

/* Breadth-first over CNodes, each visited once (bounded table: the walk stops adding CNodes
 * beyond it, which only makes the debug output partial). Returns the number of CNodes. */
unsigned cspace_walk(const tcb_t *root, const walk_visitor_t *v);
