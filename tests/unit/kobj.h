// SPDX-License-Identifier: BSD-2-Clause
// Host stand-in for kernel object memory: an arena with fake physical addresses, ASan-poisoned.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <keel/object.h>

/* The arena's fake physical base and size: caps made by the tests hold paddrs in this range. */
#define KOBJ_PHYS_BASE 0x40000000UL
#define KOBJ_ARENA_BITS 26
#define KOBJ_ARENA_SIZE (1UL << KOBJ_ARENA_BITS)

/*
 * Empties the arena (allocating it on first use). Everything is poisoned for AddressSanitizer
 * until kobj_alloc hands it out, so a kernel read outside the objects a test made is reported.
 */
void kobj_reset(void);
/* A zeroed object of 2^size_bits bytes, aligned to its size, with a poisoned gap before it. */
void *kobj_alloc(unsigned size_bits);
/* A CNode of 2^radix empty slots. */
cte_t *kobj_cnode(unsigned radix);
/* Whether [p, p + n) lies in the arena. */
int kobj_contains(const void *p, size_t n);

/* splitmix64: a repeatable 64-bit generator; every randomized test prints its seed. */
uint64_t kt_rand64(uint64_t *state);
/* Uniform in [0, n) (n > 0). */
uint64_t kt_below(uint64_t *state, uint64_t n);
/* The seed for a randomized test: KEEL_TEST_SEED from the environment, else `dflt`. */
uint64_t kt_seed(uint64_t dflt);
