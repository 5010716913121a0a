// SPDX-License-Identifier: BSD-2-Clause
// Translation-table builder: page/block mappings, errors, kernel-half addresses, random mappings.

#include <arch/pgtable.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kobj.h"

#define PG  0x1000UL /* one 4 KiB page */
#define MIB 0x100000UL
#define GIB 0x40000000UL

/* Table memory: a fixed pool with fake physical addresses, and a budget for NOMEM tests. */
#define POOL_TABLES 256
#define TABLE_PA_BASE 0x7000000000UL
typedef struct {
    pte_t *tables[POOL_TABLES];
    unsigned used, limit;
} pool_t;

static pte_t *pool_alloc(pt_env_t *env, uint64_t *pa)
{
    pool_t *p = env->ctx;
    if (p->used >= p->limit) {
        return NULL;
    }
    pte_t *t = p->tables[p->used];
    memset(t, 0, PT_ENTRIES * sizeof(pte_t));
    *pa = TABLE_PA_BASE + p->used * PG;
    p->used++;
    return t;
}

static pte_t *pool_table(pt_env_t *env, uint64_t pa)
{
    pool_t *p = env->ctx;
    uint64_t i = (pa - TABLE_PA_BASE) / PG;
    if (pa < TABLE_PA_BASE || (pa & (PG - 1)) != 0 || i >= p->used) {
        fail_msg("table(%#lx): not a table this pool handed out", (unsigned long)pa);
    }
    return p->tables[i];
}

static pool_t pool;
static pt_env_t env = { pool_alloc, pool_table, &pool };
static pte_t *root;

static int setup(void **state)
{
    (void)state;
    for (unsigned i = 0; i < POOL_TABLES; i++) {
        if (pool.tables[i] == NULL) {
            pool.tables[i] = aligned_alloc(PG, PT_ENTRIES * sizeof(pte_t));
            assert_non_null(pool.tables[i]);
        }
    }
    pool.used = 0;
    pool.limit = POOL_TABLES;
    uint64_t pa;
    root = pool_alloc(&env, &pa);
    return 0;
}

static unsigned level_of(uint64_t va)
{
    unsigned level = 99;
    pte_t e = pt_lookup(&env, root, va, &level);
    return e == 0 ? 99 : level;
}

static uint64_t translate(uint64_t va)
{
    uint64_t pa = 0;
    if (!pt_translate(&env, root, va, &pa)) {
        fail_msg("%#lx is not mapped", (unsigned long)va);
    }
    return pa;
}

static bool root_is_empty(void)
{
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        if (root[i] != 0) {
            return false;
        }
    }
    return true;
}

static void test_index_and_level_size(void **state)
{
    (void)state;
    uint64_t va = 0xffffff8012345678UL;
    assert_int_equal(pt_index(va, 0), 511);   /* bits 47:39 */
    assert_int_equal(pt_index(va, 1), 0);     /* bits 38:30 */
    assert_int_equal(pt_index(va, 2), 0x91);  /* bits 29:21 */
    assert_int_equal(pt_index(va, 3), 0x145); /* bits 20:12 */
    assert_int_equal(pt_level_size(0), 512 * GIB);
    assert_int_equal(pt_level_size(1), GIB);
    assert_int_equal(pt_level_size(2), 2 * MIB);
    assert_int_equal(pt_level_size(3), PG);
}

static void test_map_4k(void **state)
{
    (void)state;
    uint64_t attrs = PTE_USER_RW;
    assert_int_equal(pt_map(&env, root, 0x400000, 0x80000000, PG, attrs, 1), PT_OK);
    unsigned level = 0;
    pte_t e = pt_lookup(&env, root, 0x400000, &level);
    assert_int_equal(level, 3);
    /* The leaf is the page address, exactly the attributes, valid, and the level-3 page bit. */
    assert_int_equal(e, 0x80000000 | attrs | PTE_VALID | PTE_TABLE);
    assert_int_equal(translate(0x400abc), 0x80000abc);
    assert_int_equal(pt_lookup(&env, root, 0x401000, NULL), 0);
    assert_int_equal(pt_lookup(&env, root, 0x3ff000, NULL), 0);
    uint64_t pa;
    assert_false(pt_translate(&env, root, 0x401000, &pa));
    assert_int_equal(pool.used, 4); /* root + L1 + L2 + L3 */
    /* Intermediate descriptors are bare table pointers: no leaf attributes leak into them. */
    pte_t l0 = root[pt_index(0x400000, 0)];
    assert_int_equal(l0 & ~PTE_ADDR_MASK, PTE_TABLE | PTE_VALID);
}

static void test_map_2m_blocks(void **state)
{
    (void)state;
    uint64_t attrs = PTE_KERN_RW;
    assert_int_equal(pt_map(&env, root, 0x40000000, 0x80000000, 4 * MIB, attrs, 2), PT_OK);
    unsigned level;
    pte_t e = pt_lookup(&env, root, 0x40200000, &level);
    assert_int_equal(level, 2);
    assert_int_equal(e, 0x80200000 | attrs | PTE_VALID); /* a block: bit 1 clear */
    assert_int_equal(translate(0x403fffff), 0x803fffff);
    assert_int_equal(translate(0x40123456), 0x80123456);
    assert_int_equal(pool.used, 3); /* no level-3 table */
    /* Pages only: the same range as 1024 pages. */
    assert_int_equal(pt_map(&env, root, 0x80000000, 0x80000000, 4 * MIB, attrs, 3), PT_OK);
    assert_int_equal(level_of(0x80200000), 3);
    assert_int_equal(translate(0x803ff123), 0x803ff123);
    /* Aligned va but misaligned pa: pages, not a block. */
    assert_int_equal(pt_map(&env, root, 0xc0000000, 0x90001000, 2 * MIB, attrs, 1), PT_OK);
    assert_int_equal(level_of(0xc0000000), 3);
    assert_int_equal(translate(0xc01fffff), 0x90200fff);
}

static void test_map_1g_blocks(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&env, root, 0x0, 0x0, 2 * GIB, PTE_KERN_DEV, 1), PT_OK);
    assert_int_equal(level_of(0x0), 1);
    assert_int_equal(level_of(0x7fffffff), 1);
    assert_int_equal(translate(0x7fffffff), 0x7fffffff);
    pte_t e = pt_lookup(&env, root, GIB, NULL);
    assert_int_equal(e, GIB | PTE_KERN_DEV | PTE_VALID);
    /* min_block_level 0 means 1: never a 512 GiB block at level 0. */
    assert_int_equal(pt_map(&env, root, 512 * GIB, 0x0, 512 * GIB, PTE_KERN_RW, 0), PT_OK);
    assert_int_equal(level_of(512 * GIB), 1);
    assert_int_equal(level_of(1024 * GIB - 1), 1);
    /* min_block_level 2: a 1 GiB range becomes 512 blocks of 2 MiB. */
    assert_int_equal(pt_map(&env, root, 2048 * GIB, GIB, GIB, PTE_KERN_RW, 2), PT_OK);
    assert_int_equal(level_of(2048 * GIB + 0x3fe00000), 2);
    assert_int_equal(translate(2048 * GIB + 0x3fe00001), GIB + 0x3fe00001);
}

static void test_map_mixed_sizes(void **state)
{
    (void)state;
    /* One page, one 2 MiB block, one page: the largest block alignment allows at each step. */
    assert_int_equal(pt_map(&env, root, 0x1ff000, 0x401ff000, 0x202000, PTE_USER_RWX, 1), PT_OK);
    assert_int_equal(level_of(0x1ff000), 3);
    assert_int_equal(level_of(0x200000), 2);
    assert_int_equal(level_of(0x3ff000), 2);
    assert_int_equal(level_of(0x400000), 3);
    assert_int_equal(level_of(0x401000), 99);
    assert_int_equal(translate(0x3fffff), 0x403fffff);
    assert_int_equal(translate(0x400fff), 0x40400fff);
}

static void test_alignment_errors(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&env, root, 0x1001, 0x2000, PG, PTE_KERN_RW, 1), PT_ERR_ALIGN);
    assert_int_equal(pt_map(&env, root, 0x1000, 0x2800, PG, PTE_KERN_RW, 1), PT_ERR_ALIGN);
    assert_int_equal(pt_map(&env, root, 0x1000, 0x2000, 0x1800, PTE_KERN_RW, 1), PT_ERR_ALIGN);
    assert_int_equal(pt_map(&env, root, 0x1000, 0x2000, 0, PTE_KERN_RW, 1), PT_OK);
    /* No partial effect: nothing allocated, nothing written. */
    assert_int_equal(pool.used, 1);
    assert_true(root_is_empty());
}

static void test_range_errors(void **state)
{
    (void)state;
    /* From the top of the user half into the hole. */
    assert_int_equal(pt_map(&env, root, 0x0000fffffffff000UL, 0, 2 * PG, PTE_KERN_RW, 1),
                     PT_ERR_RANGE);
    /* Wrapping past 2^64. */
    assert_int_equal(pt_map(&env, root, 0xfffffffffffff000UL, 0, 2 * PG, PTE_KERN_RW, 1),
                     PT_ERR_RANGE);
    /* Neither half: the top 16 bits are neither all 0 nor all 1. */
    assert_int_equal(pt_map(&env, root, 0x0001000000000000UL, 0, PG, PTE_KERN_RW, 1),
                     PT_ERR_RANGE);
    assert_int_equal(pt_map(&env, root, 0xfffe000000000000UL, 0, PG, PTE_KERN_RW, 1),
                     PT_ERR_RANGE);
    /* Physical addresses beyond 48 bits, or wrapping. */
    assert_int_equal(pt_map(&env, root, 0x1000, 0x0001000000000000UL, PG, PTE_KERN_RW, 1),
                     PT_ERR_RANGE);
    assert_int_equal(pt_map(&env, root, 0x1000, 0xfffffffffffff000UL, 2 * PG, PTE_KERN_RW,
                            1), PT_ERR_RANGE);
    assert_int_equal(pool.used, 1);
    assert_true(root_is_empty());
    /* The last page of each half is fine (each half in a root of its own, as TTBR0/1). */
    assert_int_equal(pt_map(&env, root, 0x0000fffffffff000UL, 0x5000, PG, PTE_USER_RW, 1), PT_OK);
    assert_int_equal(translate(0x0000ffffffffffffUL), 0x5fff);
    setup(NULL);
    assert_int_equal(pt_map(&env, root, 0xfffffffffffff000UL, 0x6000, PG, PTE_KERN_RW, 1), PT_OK);
    assert_int_equal(translate(0xffffffffffffffffUL), 0x6fff);
}

static void test_exists(void **state)
{
    (void)state;
    assert_int_equal(pt_map(&env, root, 0x200000, 0x1000000, PG, PTE_KERN_RW, 1), PT_OK);
    assert_int_equal(pt_map(&env, root, 0x200000, 0x2000000, PG, PTE_KERN_RW, 1), PT_ERR_EXISTS);
    /* A 2 MiB block where a table already is. */
    assert_int_equal(pt_map(&env, root, 0x200000, 0x2000000, 2 * MIB, PTE_KERN_RW, 2),
                     PT_ERR_EXISTS);
    /* A page inside an existing 2 MiB block. */
    assert_int_equal(pt_map(&env, root, 0x40000000, 0x3000000, 2 * MIB, PTE_KERN_RW, 2), PT_OK);
    unsigned used = pool.used;
    assert_int_equal(pt_map(&env, root, 0x40001000, 0x5000000, PG, PTE_KERN_RW, 1),
                     PT_ERR_EXISTS);
    assert_int_equal(pool.used, used);
    /* The block is untouched. */
    assert_int_equal(translate(0x40001000), 0x3001000);
    /* A 1 GiB block over an L2 table. */
    assert_int_equal(pt_map(&env, root, 0x40000000, 0x40000000, GIB, PTE_KERN_RW, 1),
                     PT_ERR_EXISTS);
    /* The error can come after a prefix was mapped: the prefix stays. */
    assert_int_equal(pt_map(&env, root, 0x1fe000, 0x7000000, 3 * PG, PTE_KERN_RW, 1),
                     PT_ERR_EXISTS);
    assert_int_equal(translate(0x1fe000), 0x7000000);
    assert_int_equal(translate(0x1ff000), 0x7001000);
}

static void test_nomem(void **state)
{
    (void)state;
    pool.limit = 3; /* root + L1 + L2: no room for the level-3 table */
    assert_int_equal(pt_map(&env, root, 0x1000, 0x1000, PG, PTE_KERN_RW, 1), PT_ERR_NOMEM);
    assert_int_equal(pool.used, 3);
    /* A 2 MiB block needs no level-3 table. */
    assert_int_equal(pt_map(&env, root, 0x200000, 0x200000, 2 * MIB, PTE_KERN_RW, 2), PT_OK);
    pool.limit = 4;
    assert_int_equal(pt_map(&env, root, 0x1000, 0x1000, PG, PTE_KERN_RW, 1), PT_OK);
    /* A different 1 GiB region needs a new L2 and L3. */
    assert_int_equal(pt_map(&env, root, GIB, 0x1000, PG, PTE_KERN_RW, 1), PT_ERR_NOMEM);
    assert_int_equal(translate(0x1abc), 0x1abc);
}

static void test_kernel_half(void **state)
{
    (void)state;
    /* The kernel image window: L0 511, L1 510 (0xffffffff80000000). */
    uint64_t kva = 0xffffffff80000000UL;
    assert_int_equal(pt_index(kva, 0), 511);
    assert_int_equal(pt_index(kva, 1), 510);
    assert_int_equal(pt_map(&env, root, kva, 0x40080000, 0x200000, PTE_KERN_RX, 2), PT_OK);
    assert_int_equal(level_of(kva), 3); /* pa only 512 KiB aligned: pages */
    assert_int_equal(translate(kva + 0x1234), 0x40081234);
    pte_t e = pt_lookup(&env, root, kva + 0x5000, NULL);
    assert_int_equal(e & ~PTE_ADDR_MASK, PTE_KERN_RX | PTE_VALID | PTE_TABLE);
    assert_true((e & PTE_UXN) && (e & PTE_AP_RO) && !(e & PTE_AP_EL0));
    /* The physical-memory window: 1 GiB blocks from 0xffffff8000000000. */
    uint64_t pmap = 0xffffff8000000000UL;
    assert_int_equal(pt_map(&env, root, pmap + GIB, GIB, 4 * GIB, PTE_KERN_RW, 1), PT_OK);
    assert_int_equal(level_of(pmap + 2 * GIB), 1);
    assert_int_equal(translate(pmap + 3 * GIB + 5), 3 * GIB + 5);
    /* Indices come from bits 47:12 only: in one root the user-half alias translates alike
     * (the kernel keeps one root per half, chosen by TTBR0/TTBR1). */
    assert_int_equal(translate(0x0000ff8000000000UL + 3 * GIB + 5), 3 * GIB + 5);
}

/* --- randomized: mappings against a list of what was mapped ------------------------------- */

typedef struct {
    uint64_t va, pa, size, attrs;
} mapping_t;
#define VA48 0x0000ffffffffffffUL

static void test_random_mappings(void **state)
{
    (void)state;
    uint64_t s = kt_seed(0x9a9e7ab1eUL);
    unsigned total = 0;
    for (int round = 0; round < 20; round++) {
        setup(NULL);
        mapping_t maps[64];
        unsigned n = 0;
        for (int k = 0; k < 64; k++) {
            /* A random range, biased to block-aligned sizes and addresses. */
            unsigned gran = (unsigned)kt_below(&s, 3); /* 4K, 2M or 1G units */
            uint64_t unit = gran == 0 ? PG : gran == 1 ? 2 * MIB : GIB;
            uint64_t size = (1 + kt_below(&s, gran == 2 ? 2 : 4)) * unit;
            if (kt_below(&s, 3) == 0) {
                size += PG * kt_below(&s, 4);
            }
            uint64_t va = (kt_below(&s, 1UL << 20) * unit) & 0x0000ffffffffffffUL & ~(PG - 1);
            if (kt_below(&s, 2)) {
                va |= 0xffff000000000000UL;
            }
            uint64_t pa = kt_below(&s, 1UL << 14) * unit & 0xffffffffffUL;
            if (gran < 2 && kt_below(&s, 2)) {
                pa += PG; /* misaligned for blocks: pages instead */
            }
            uint64_t attrs = kt_below(&s, 2) ? PTE_USER_RW : PTE_KERN_RO;
            /* Skip ranges that leave their half, or overlap an earlier one in bits 47:0 (one
             * root serves both halves here, so the halves alias). */
            bool clash = (va & 0xffff000000000000UL) !=
                         ((va + size - 1) & 0xffff000000000000UL) || va + size - 1 < va;
            for (unsigned i = 0; i < n && !clash; i++) {
                uint64_t a = va & VA48, b = maps[i].va & VA48;
                clash = a < b + maps[i].size && b < a + size;
            }
            if (clash) {
                continue;
            }
            /* Pages only for ranges of 1 GiB units would need 512 tables per GiB: not those. */
            unsigned min_level = 1 + (unsigned)kt_below(&s, gran == 2 ? 2 : 3);
            int rc = pt_map(&env, root, va, pa, size, attrs, min_level);
            if (rc == PT_ERR_NOMEM) {
                break;
            }
            assert_int_equal(rc, PT_OK);
            maps[n++] = (mapping_t){ va, pa, size, attrs };
        }
        /* Every byte of every mapping translates; its neighbours outside do not (unless they
         * belong to another mapping). */
        for (unsigned i = 0; i < n; i++) {
            for (int k = 0; k < 16; k++) {
                uint64_t off = kt_below(&s, maps[i].size);
                uint64_t got = translate(maps[i].va + off);
                if (got != maps[i].pa + off) {
                    fail_msg("round %d: %#lx -> %#lx, want %#lx", round,
                             (unsigned long)(maps[i].va + off), (unsigned long)got,
                             (unsigned long)(maps[i].pa + off));
                }
                pte_t e = pt_lookup(&env, root, maps[i].va + off, NULL);
                assert_int_equal(e & ~PTE_ADDR_MASK & ~(PTE_TABLE | PTE_VALID), maps[i].attrs);
            }
            uint64_t after = maps[i].va + maps[i].size, pa;
            bool other = (after & VA48) == 0;
            for (unsigned j = 0; j < n; j++) {
                uint64_t b = maps[j].va & VA48;
                other |= (after & VA48) >= b && (after & VA48) < b + maps[j].size;
            }
            if (!other) {
                assert_false(pt_translate(&env, root, after, &pa));
            }
        }
        total += n;
    }
    printf("(%u ranges mapped and checked)\n", total);
    assert_true(total >= 400); /* most ranges did get mapped */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_index_and_level_size),
        cmocka_unit_test_setup(test_map_4k, setup),
        cmocka_unit_test_setup(test_map_2m_blocks, setup),
        cmocka_unit_test_setup(test_map_1g_blocks, setup),
        cmocka_unit_test_setup(test_map_mixed_sizes, setup),
        cmocka_unit_test_setup(test_alignment_errors, setup),
        cmocka_unit_test_setup(test_range_errors, setup),
        cmocka_unit_test_setup(test_exists, setup),
        cmocka_unit_test_setup(test_nomem, setup),
        cmocka_unit_test_setup(test_kernel_half, setup),
        cmocka_unit_test_setup(test_random_mappings, setup),
    };
    return cmocka_run_group_tests_name("pgtable", tests, NULL, NULL);
}
