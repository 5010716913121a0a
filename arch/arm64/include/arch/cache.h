// SPDX-License-Identifier: BSD-2-Clause
// Data/instruction cache maintenance by virtual range, for the cache invocations.
#pragma once

#include <stddef.h>

enum { CACHE_CLEAN = 0, CACHE_INVALIDATE = 1, CACHE_CLEAN_INVALIDATE = 2, CACHE_UNIFY = 3 };

/* Applies op to [va, va+size) of a kernel mapping of the same physical memory, and completes it
 * (DSB; for CACHE_UNIFY also the instruction cache invalidation). */
void cache_op(unsigned op, const void *va, size_t size);
/* Issues op for every line of the range without waiting for completion: a later cache_op's
 * barrier completes it. */
void cache_lines(unsigned op, const void *va, size_t size);
