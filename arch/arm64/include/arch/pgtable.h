// SPDX-License-Identifier: BSD-2-Clause
// Building translation tables: map a range with the largest blocks allowed.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <arch/pte.h>

/*
 * The builder is independent of how table memory is found, so the same code serves the
 * kernel's boot-time tables (a static pool), the root task's tables (boot RAM) and host
 * unit tests (plain arrays).
 */
typedef struct pt_env {
    /* Returns a zeroed table and its physical address, or NULL when memory is exhausted. */
    pte_t *(*alloc)(struct pt_env *env, uint64_t *pa);
    /* Turns a table's physical address (from a descriptor) back into a pointer. */
    pte_t *(*table)(struct pt_env *env, uint64_t pa);
    void *ctx;
} pt_env_t;

enum {
    PT_OK = 0,
    PT_ERR_ALIGN = -1,    /* va, pa or size not page-aligned */
    PT_ERR_RANGE = -2,    /* wraps around or leaves the 48-bit half */
    PT_ERR_NOMEM = -3,    /* no table memory left */
    PT_ERR_EXISTS = -4,   /* something is already mapped there */
};

/*
 * Maps [va, va+size) to [pa, pa+size) with leaf attributes `attrs`. Blocks are used at levels
 * >= min_block_level (1 = 1 GiB, 2 = 2 MiB, 3 = pages only) when alignment allows.
 * Fails without partial effect on alignment/range errors; on PT_ERR_NOMEM or PT_ERR_EXISTS a
 * prefix of the range may be mapped.
 */
int pt_map(pt_env_t *env, pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
           unsigned min_block_level);

/* Looks up va: returns the leaf descriptor (0 if unmapped) and its level in *level. */
pte_t pt_lookup(pt_env_t *env, pte_t *root, uint64_t va, unsigned *level);

/* Translates va to a physical address; returns false if unmapped. */
bool pt_translate(pt_env_t *env, pte_t *root, uint64_t va, uint64_t *pa);
