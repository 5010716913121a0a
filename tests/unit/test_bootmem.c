// SPDX-License-Identifier: BSD-2-Clause
// Boot memory allocator: adding RAM, reserving ranges, top-down aligned allocation, exhaustion.

#include <keel/bootmem.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kobj.h"

#define PAGE 0x1000UL
#define MIB  0x100000UL

/* The allocator's state is static in bootmem.c: each test starts by reserving everything. */
static int reset(void **state)
{
    (void)state;
    assert_true(bootmem_reserve(0, ~(PAGE - 1)));
    const bootmem_region_t *r;
    assert_int_equal(bootmem_regions(&r), 0);
    return 0;
}

/* The free list, as pairs base, end, must be exactly `want` (n regions). */
static void expect_regions(const uint64_t *want, unsigned n)
{
    const bootmem_region_t *r;
    unsigned got = bootmem_regions(&r);
    uint64_t total = 0;
    for (unsigned i = 0; i < got && i < n; i++) {
        if (r[i].base != want[2 * i] || r[i].end != want[2 * i + 1]) {
            fail_msg("region %u is [%#lx, %#lx), want [%#lx, %#lx)", i, (unsigned long)r[i].base,
                     (unsigned long)r[i].end, (unsigned long)want[2 * i],
                     (unsigned long)want[2 * i + 1]);
        }
        total += want[2 * i + 1] - want[2 * i];
    }
    assert_int_equal(got, n);
    assert_int_equal(bootmem_free_bytes(), total);
}
#define EXPECT(...)                                                                               \
    do {                                                                                          \
        const uint64_t w_[] = { __VA_ARGS__ };                                                    \
        expect_regions(w_, sizeof(w_) / sizeof(w_[0]) / 2);                                       \
    } while (0)
#define EXPECT_NONE() expect_regions(NULL, 0)

static void test_add_aligns_inward_and_sorts(void **state)
{
    (void)state;
    assert_true(bootmem_add_ram(0x40000000, 0x10000000));
    assert_true(bootmem_add_ram(0x1001, 0x3000));           /* -> [0x2000, 0x4000) */
    assert_false(bootmem_add_ram(0x10000000, 0x800));       /* not one whole page: refused */
    EXPECT(0x2000, 0x4000, 0x40000000, 0x50000000);
}

static void test_add_refuses_bad_ranges(void **state)
{
    (void)state;
    assert_true(bootmem_add_ram(0x80000000, 0x40000000));
    assert_true(bootmem_add_ram(0x1000, 0));                /* empty: accepted, no effect */
    assert_false(bootmem_add_ram(0x80000000, 0x1000));      /* same start */
    assert_false(bootmem_add_ram(0x7ffff000, 0x2000));      /* overlaps the start */
    assert_false(bootmem_add_ram(0xbffff000, 0x2000));      /* overlaps the end */
    assert_false(bootmem_add_ram(0x90000000, 0x1000));      /* inside */
    assert_false(bootmem_add_ram(0x70000000, 0x60000000));  /* covers it */
    assert_false(bootmem_add_ram(0xfffffffffffff000, 0x2000)); /* wraps */
    EXPECT(0x80000000, 0xc0000000);
    /* Touching ranges are fine; they stay separate regions. */
    assert_true(bootmem_add_ram(0xc0000000, 0x1000));
    assert_true(bootmem_add_ram(0x7ffff000, 0x1000));
    EXPECT(0x7ffff000, 0x80000000, 0x80000000, 0xc0000000, 0xc0000000, 0xc0001000);
}

static void test_add_full_table(void **state)
{
    (void)state;
    for (uint64_t i = 0; i < BOOTMEM_MAX_REGIONS; i++) {
        assert_true(bootmem_add_ram((2 * i + 1) * MIB, MIB));
    }
    assert_false(bootmem_add_ram(0x100 * MIB, MIB));
    const bootmem_region_t *r;
    assert_int_equal(bootmem_regions(&r), BOOTMEM_MAX_REGIONS);
}

static void test_reserve_cases(void **state)
{
    (void)state;
    assert_true(bootmem_add_ram(0x100000, 0x100000));     /* [1 MiB, 2 MiB) */
    assert_true(bootmem_add_ram(0x400000, 0x400000));     /* [4 MiB, 8 MiB) */
    assert_true(bootmem_reserve(0x1000, 0));               /* empty */
    assert_true(bootmem_reserve(0x300000, 0x100000));      /* a hole: no effect */
    EXPECT(0x100000, 0x200000, 0x400000, 0x800000);
    assert_true(bootmem_reserve(0x100000, 0x1000));        /* head */
    EXPECT(0x101000, 0x200000, 0x400000, 0x800000);
    assert_true(bootmem_reserve(0x1ff800, 0x10));          /* tail, widened outward to a page */
    EXPECT(0x101000, 0x1ff000, 0x400000, 0x800000);
    assert_true(bootmem_reserve(0x500fff, 2));             /* middle: split; 2 pages */
    EXPECT(0x101000, 0x1ff000, 0x400000, 0x500000, 0x502000, 0x800000);
    assert_true(bootmem_reserve(0x1f0000, 0x320000));      /* across three regions */
    EXPECT(0x101000, 0x1f0000, 0x510000, 0x800000);
    assert_true(bootmem_reserve(0x0, 0x1f0000));           /* a whole region */
    EXPECT(0x510000, 0x800000);
}

static void test_reserve_split_when_full(void **state)
{
    (void)state;
    for (uint64_t i = 0; i < BOOTMEM_MAX_REGIONS; i++) {
        assert_true(bootmem_add_ram((4 * i + 4) * MIB, 2 * MIB));
    }
    /* Splitting needs a 33rd region: refused. */
    assert_false(bootmem_reserve(4 * MIB + PAGE, PAGE));
    /* Cutting an end needs no new region. */
    assert_true(bootmem_reserve(8 * MIB, PAGE));
    const bootmem_region_t *r;
    assert_int_equal(bootmem_regions(&r), BOOTMEM_MAX_REGIONS);
    assert_int_equal(r[1].base, 8 * MIB + PAGE);
}

static void test_alloc_top_down_aligned(void **state)
{
    (void)state;
    assert_true(bootmem_add_ram(0x40000000, 0x1000000));  /* [1 GiB, 1 GiB + 16 MiB) */
    assert_true(bootmem_add_ram(0x10000000, 0x100000));   /* [256 MiB, +1 MiB) */
    uint64_t a = bootmem_alloc(PAGE, PAGE);
    assert_int_equal(a, 0x40fff000);                        /* the very top */
    uint64_t b = bootmem_alloc(0x1800, 0);                  /* rounded to 2 pages, align 4K */
    assert_int_equal(b, 0x40ffd000);
    uint64_t c = bootmem_alloc(PAGE, 2 * MIB);              /* aligned down to 2 MiB */
    assert_int_equal(c, 0x40e00000);
    EXPECT(0x10000000, 0x10100000, 0x40000000, 0x40e00000, 0x40e01000, 0x40ffd000);
    uint64_t d = bootmem_alloc(PAGE, 16);                   /* small align means 4 KiB */
    assert_int_equal(d, 0x40ffc000);
    /* Not a power of two, or nothing: refused. */
    assert_int_equal(bootmem_alloc(PAGE, 3 * PAGE), 0);
    assert_int_equal(bootmem_alloc(0, PAGE), 0);
    /* Too big for the top region: taken from the next one down. */
    assert_int_equal(bootmem_alloc(0x200000, PAGE), 0x40c00000);
    /* A region whose aligned candidate falls below its base is skipped for a lower one. */
    assert_true(bootmem_reserve(0x40000000, 0xc00000));
    EXPECT(0x10000000, 0x10100000, 0x40e01000, 0x40ffc000);
    assert_int_equal(bootmem_alloc(0x100000, 2 * MIB), 0x10000000);
    EXPECT(0x40e01000, 0x40ffc000);
    /* An alignment no region can meet. */
    assert_int_equal(bootmem_alloc(PAGE, 1UL << 40), 0);
}

static void test_alloc_exhaustion(void **state)
{
    (void)state;
    assert_true(bootmem_add_ram(0x80000000, 16 * PAGE));
    assert_true(bootmem_add_ram(0x90000000, 4 * PAGE));
    uint64_t seen[20];
    for (int i = 0; i < 20; i++) {
        seen[i] = bootmem_alloc(PAGE, PAGE);
        assert_int_not_equal(seen[i], 0);
        assert_int_equal(seen[i] & (PAGE - 1), 0);
        for (int j = 0; j < i; j++) {
            assert_int_not_equal(seen[i], seen[j]);
        }
    }
    assert_int_equal(seen[0], 0x90003000);
    assert_int_equal(seen[4], 0x8000f000);
    assert_int_equal(bootmem_alloc(PAGE, PAGE), 0);
    assert_int_equal(bootmem_free_bytes(), 0);
    EXPECT_NONE();
    /* Room in total, but not in one piece. */
    assert_true(bootmem_add_ram(0xa0000000, 2 * PAGE));
    assert_true(bootmem_add_ram(0xa0003000, 2 * PAGE));
    assert_int_equal(bootmem_alloc(3 * PAGE, PAGE), 0);
    assert_int_equal(bootmem_free_bytes(), 4 * PAGE);
}

/* A RAM range that wraps past 2^64 is refused, even when its page-rounded base does not wrap
 * (today: the check uses the rounded base, and [0, 0x1000) is added). */
static void test_add_ram_wrapping(void **state)
{
    (void)state;
    assert_false(bootmem_add_ram(0xfffffffffffff001UL, 0x2000));
    EXPECT_NONE();
    assert_false(bootmem_add_ram(0xffffffffffffe800UL, 0x2000));
    EXPECT_NONE();
}

/* A reservation whose end rounds up past 2^64 still reserves its pages (today: the rounded end
 * wraps to 0 and nothing is reserved, yet the call reports success). */
static void test_reserve_wrapping(void **state)
{
    (void)state;
    assert_true(bootmem_add_ram(0xffffffffff000000UL, 0xfff000));
    assert_true(bootmem_reserve(0xffffffffffffe000UL, 0x1800));
    EXPECT(0xffffffffff000000UL, 0xffffffffffffe000UL);
    /* And one that wraps reserves up to the end. */
    assert_true(bootmem_reserve(0xffffffffffff0000UL, 0x20000));
    EXPECT(0xffffffffff000000UL, 0xffffffffffff0000UL);
}

/* --- randomized: the free list against a page bitmap ---------------------------------------- */

#define WIN_PAGES 4096 /* a 16 MiB physical window at 1 GiB */
#define WIN_BASE 0x40000000UL
static uint8_t is_free[WIN_PAGES];

/* After a refused split (a full table) the model takes the allocator's word for what is free. */
static void model_from_list(void)
{
    memset(is_free, 0, sizeof(is_free));
    const bootmem_region_t *r;
    unsigned n = bootmem_regions(&r);
    for (unsigned i = 0; i < n; i++) {
        for (uint64_t p = r[i].base; p < r[i].end; p += PAGE) {
            is_free[(p - WIN_BASE) / PAGE] = 1;
        }
    }
}

static void check_free_list(unsigned step)
{
    static uint8_t listed[WIN_PAGES];
    memset(listed, 0, sizeof(listed));
    const bootmem_region_t *r;
    unsigned n = bootmem_regions(&r);
    for (unsigned i = 0; i < n; i++) {
        if (r[i].base >= r[i].end || (r[i].base | r[i].end) & (PAGE - 1) ||
            (i > 0 && r[i - 1].end > r[i].base) || r[i].base < WIN_BASE ||
            r[i].end > WIN_BASE + WIN_PAGES * PAGE) {
            fail_msg("step %u: region %u [%#lx, %#lx) is malformed, unsorted or overlapping",
                     step, i, (unsigned long)r[i].base, (unsigned long)r[i].end);
        }
        for (uint64_t p = r[i].base; p < r[i].end; p += PAGE) {
            listed[(p - WIN_BASE) / PAGE] = 1;
        }
    }
    for (unsigned p = 0; p < WIN_PAGES; p++) {
        if (listed[p] != is_free[p]) {
            fail_msg("step %u: page %#lx is %s in the allocator, %s in the model", step,
                     (unsigned long)(WIN_BASE + p * PAGE), listed[p] ? "free" : "not free",
                     is_free[p] ? "free" : "not free");
        }
    }
}

static void test_random_against_bitmap(void **state)
{
    (void)state;
    uint64_t s = kt_seed(0xb007b007UL);
    memset(is_free, 0, sizeof(is_free));
    unsigned allocs = 0, refused = 0;
    for (unsigned step = 0; step < 4000; step++) {
        uint64_t first = kt_below(&s, WIN_PAGES), len = 1 + kt_below(&s, 64);
        if (first + len > WIN_PAGES) {
            len = WIN_PAGES - first;
        }
        uint64_t base = WIN_BASE + first * PAGE, size = len * PAGE;
        switch (kt_below(&s, 8)) {
        case 0: { /* add RAM; overlapping free RAM is refused */
            bool overlap = false;
            for (uint64_t p = first; p < first + len; p++) {
                overlap |= is_free[p];
            }
            const bootmem_region_t *r;
            bool room = bootmem_regions(&r) < BOOTMEM_MAX_REGIONS;
            bool ok = bootmem_add_ram(base, size);
            if (overlap || !room) {
                assert_false(ok);
                refused++;
            } else {
                assert_true(ok);
                for (uint64_t p = first; p < first + len; p++) {
                    is_free[p] = 1;
                }
            }
            break;
        }
        case 1:
        case 2: { /* reserve an unaligned range, widened to pages */
            uint64_t off = kt_below(&s, PAGE), sz = size - kt_below(&s, PAGE);
            if (bootmem_reserve(base + off, sz)) {
                uint64_t lo = (base + off) / PAGE, hi = (base + off + sz + PAGE - 1) / PAGE;
                for (uint64_t p = lo; p < hi && p - WIN_BASE / PAGE < WIN_PAGES; p++) {
                    is_free[p - WIN_BASE / PAGE] = 0;
                }
            } else {
                /* Only a split with a full table fails. */
                const bootmem_region_t *r;
                assert_int_equal(bootmem_regions(&r), BOOTMEM_MAX_REGIONS);
                refused++;
                model_from_list();
            }
            break;
        }
        default: { /* allocate */
            uint64_t sz = (1 + kt_below(&s, 8)) * PAGE - kt_below(&s, PAGE);
            uint64_t align = PAGE << kt_below(&s, 6);
            /* Would any region fit it, by the documented rule (highest region first)? */
            const bootmem_region_t *r;
            unsigned n = bootmem_regions(&r);
            uint64_t rounded = (sz + PAGE - 1) & ~(PAGE - 1), want = 0;
            for (unsigned i = n; i-- > 0;) {
                uint64_t p = (r[i].end - rounded) & ~(align - 1);
                if (r[i].end - r[i].base >= rounded && p >= r[i].base) {
                    want = p;
                    break;
                }
            }
            uint64_t got = bootmem_alloc(sz, align);
            if (got == 0 && want != 0 && n == BOOTMEM_MAX_REGIONS) {
                refused++; /* the aligned block would split a region of a full table */
                model_from_list();
                break;
            }
            if (got != want) {
                fail_msg("step %u: alloc(%#lx, %#lx) = %#lx, want %#lx", step, (unsigned long)sz,
                         (unsigned long)align, (unsigned long)got, (unsigned long)want);
            }
            if (got != 0) {
                allocs++;
                assert_int_equal(got & (align - 1), 0);
                for (uint64_t p = (got - WIN_BASE) / PAGE; p < (got - WIN_BASE + rounded) / PAGE;
                     p++) {
                    if (!is_free[p]) {
                        fail_msg("step %u: alloc returned page %#lx twice", step,
                                 (unsigned long)(WIN_BASE + p * PAGE));
                    }
                    is_free[p] = 0;
                }
            }
            break;
        }
        }
        check_free_list(step);
    }
    assert_true(allocs > 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_add_aligns_inward_and_sorts, reset),
        cmocka_unit_test_setup(test_add_refuses_bad_ranges, reset),
        cmocka_unit_test_setup(test_add_full_table, reset),
        cmocka_unit_test_setup(test_reserve_cases, reset),
        cmocka_unit_test_setup(test_reserve_split_when_full, reset),
        cmocka_unit_test_setup(test_alloc_top_down_aligned, reset),
        cmocka_unit_test_setup(test_alloc_exhaustion, reset),
        cmocka_unit_test_setup(test_add_ram_wrapping, reset),
        cmocka_unit_test_setup(test_reserve_wrapping, reset),
        cmocka_unit_test_setup(test_random_against_bitmap, reset),
    };
    return cmocka_run_group_tests_name("bootmem", tests, NULL, NULL);
}
