// SPDX-License-Identifier: BSD-2-Clause
// Translation-table construction shared by boot, the root task loader and host tests.
// Invariants: INV-BOOT-1..5, -10 (proofs-notes/README.md)
#include <arch/pgtable.h>

#define VA_HALF_MASK 0xffff000000000000UL

/* Both halves use 48-bit indices; the top 16 bits only select TTBR0/TTBR1. */
static bool va_in_one_half(uint64_t va, uint64_t size)
{
    uint64_t last = va + size - 1;
    if (last < va) {
        return false;
    }
    uint64_t top = va & VA_HALF_MASK;
    if (top != 0 && top != VA_HALF_MASK) {
        return false;
    }
    return (last & VA_HALF_MASK) == top;
}

static pte_t *next_table(pt_env_t *env, pte_t *entry)
{
    if (*entry & PTE_VALID) {
        if (!(*entry & PTE_TABLE)) {
            return NULL; /* a block is in the way */
        }
        return env->table(env, *entry & PTE_ADDR_MASK);
    }
    uint64_t pa;
    pte_t *t = env->alloc(env, &pa);
    if (t == NULL) {
        return NULL;
    }
    *entry = (pa & PTE_ADDR_MASK) | PTE_TABLE | PTE_VALID;
    return t;
}

int pt_map(pt_env_t *env, pte_t *root, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
           unsigned min_block_level)
{
    if (((va | pa | size) & (PAGE_SIZE_4K - 1)) != 0) {
        return PT_ERR_ALIGN;
    }
    if (size == 0) {
        return PT_OK;
    }
    if (!va_in_one_half(va, size) || pa + size - 1 < pa ||
        (pa + size - 1) > (PTE_ADDR_MASK | (PAGE_SIZE_4K - 1))) {
        return PT_ERR_RANGE;
    }
    if (min_block_level < 1) {
        min_block_level = 1;
    }
    while (size != 0) {
        pte_t *table = root;
        unsigned level = 0;
        for (;;) {
            uint64_t step = pt_level_size(level);
            bool leaf_ok = level >= min_block_level && ((va | pa) & (step - 1)) == 0 &&
                           size >= step;
            pte_t *entry = &table[pt_index(va, level)];
            if (level == 3 || leaf_ok) {
                if (*entry & PTE_VALID) {
                    return PT_ERR_EXISTS;
                }
                *entry = (pa & PTE_ADDR_MASK) | attrs | PTE_VALID | (level == 3 ? PTE_TABLE : 0);
                va += step;
                pa += step;
                size -= step;
                break;
            }
            table = next_table(env, entry);
            if (table == NULL) {
                return (*entry & PTE_VALID) ? PT_ERR_EXISTS : PT_ERR_NOMEM;
            }
            level++;
        }
    }
    return PT_OK;
}

pte_t pt_lookup(pt_env_t *env, pte_t *root, uint64_t va, unsigned *level)
{
    pte_t *table = root;
    for (unsigned l = 0; l < PT_LEVELS; l++) {
        pte_t e = table[pt_index(va, l)];
        if (!(e & PTE_VALID)) {
            return 0;
        }
        if (l == 3 || !(e & PTE_TABLE)) {
            if (level != NULL) {
                *level = l;
            }
            return e;
        }
        table = env->table(env, e & PTE_ADDR_MASK);
    }
    return 0;
}

bool pt_translate(pt_env_t *env, pte_t *root, uint64_t va, uint64_t *pa)
{
    unsigned level = 0;
    pte_t e = pt_lookup(env, root, va, &level);
    if (e == 0) {
        return false;
    }
    uint64_t off_mask = pt_level_size(level) - 1;
    *pa = ((e & PTE_ADDR_MASK) & ~off_mask) | (va & off_mask);
    return true;
}
