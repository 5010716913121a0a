// SPDX-License-Identifier: BSD-2-Clause
// Data/instruction cache maintenance by virtual range, for the cache invocations.
#pragma once

#include <stddef.h>

enum { CACHE_CLEAN = 0, CACHE_INVALIDATE = 1, CACHE_CLEAN_INVALIDATE = 2, CACHE_UNIFY = 3 };

/* Applies op to [va, va+size) of a kernel mapping of the same physical memory. */
void cache_op(unsigned op, const void *va, size_t size);
