// SPDX-License-Identifier: BSD-2-Clause
// The object arena behind obj_ptr/obj_paddr for host tests, and a small seeded PRNG.
#include "kobj.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

static uint8_t *arena;
static size_t arena_used;

void kobj_reset(void)
{
    if (arena == NULL) {
        arena = aligned_alloc(KOBJ_ARENA_SIZE, KOBJ_ARENA_SIZE);
        if (arena == NULL) {
            fprintf(stderr, "kobj: cannot allocate the %lu-byte arena\n", KOBJ_ARENA_SIZE);
            abort();
        }
    }
    ASAN_UNPOISON_MEMORY_REGION(arena, KOBJ_ARENA_SIZE);
    memset(arena, 0xa5, KOBJ_ARENA_SIZE); /* garbage, so no test relies on zeroed memory */
    ASAN_POISON_MEMORY_REGION(arena, KOBJ_ARENA_SIZE);
    arena_used = 0;
}

void *kobj_alloc(unsigned size_bits)
{
    if (arena == NULL) {
        kobj_reset();
    }
    size_t size = (size_t)1 << size_bits;
    size_t align = size < 64 ? 64 : size;
    /* At least 64 poisoned bytes stay between objects: an off-by-one slot read is caught. */
    size_t at = (arena_used + 64 + align - 1) & ~(align - 1);
    if (size_bits >= KOBJ_ARENA_BITS || at + size > KOBJ_ARENA_SIZE) {
        fprintf(stderr, "kobj: arena exhausted (object of 2^%u bytes)\n", size_bits);
        abort();
    }
    arena_used = at + size;
    ASAN_UNPOISON_MEMORY_REGION(arena + at, size);
    memset(arena + at, 0, size);
    return arena + at;
}

cte_t *kobj_cnode(unsigned radix)
{
    return kobj_alloc(radix + SLOT_BITS);
}

int kobj_contains(const void *p, size_t n)
{
    const uint8_t *b = p;
    return arena != NULL && b >= arena && n <= KOBJ_ARENA_SIZE &&
           (size_t)(b - arena) <= KOBJ_ARENA_SIZE - n;
}

/* The kernel's view: physical address <-> pointer, checked so a wild cap aborts the test. */
void *obj_ptr(uint64_t paddr)
{
    if (arena == NULL || paddr < KOBJ_PHYS_BASE || paddr - KOBJ_PHYS_BASE >= KOBJ_ARENA_SIZE) {
        fprintf(stderr, "obj_ptr: paddr %#lx is outside the test arena\n", (unsigned long)paddr);
        abort();
    }
    return arena + (paddr - KOBJ_PHYS_BASE);
}

uint64_t obj_paddr(const void *p)
{
    if (!kobj_contains(p, 0)) {
        fprintf(stderr, "obj_paddr: %p is outside the test arena\n", p);
        abort();
    }
    return KOBJ_PHYS_BASE + (uint64_t)((const uint8_t *)p - arena);
}

uint64_t kt_rand64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15UL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
    return z ^ (z >> 31);
}

uint64_t kt_below(uint64_t *state, uint64_t n)
{
    return kt_rand64(state) % n;
}

uint64_t kt_seed(uint64_t dflt)
{
    const char *s = getenv("KEEL_TEST_SEED");
    uint64_t seed = s != NULL && *s != '\0' ? strtoull(s, NULL, 0) : dflt;
    printf("(seed %#lx; set KEEL_TEST_SEED to replay another)\n", (unsigned long)seed);
    return seed;
}
