// SPDX-License-Identifier: BSD-2-Clause
// retype_plan (keel/retype.h) against the mask-and-shift arithmetic decode_untyped used before.

#include <keel/object.h>
#include <keel/retype.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

/* The placement decode_untyped computed inline before retype_plan existed, kept as the oracle
 * for "no change in behaviour". */
static retype_plan_t reference(uint64_t base, unsigned ut_bits, uint64_t used, unsigned obj_bits,
                               uint64_t count)
{
    retype_plan_t p;
    uint64_t ut_size = 1UL << ut_bits, obj_size = 1UL << obj_bits;
    p.free_bytes = ut_size - used;
    p.start = (base + used + obj_size - 1) & ~(obj_size - 1);
    uint64_t fits = p.start >= base + ut_size ? 0 : (base + ut_size - p.start) >> obj_bits;
    p.ok = !((p.free_bytes >> obj_bits) < count || fits < count);
    p.watermark = p.ok ? p.start + count * obj_size - base : used;
    return p;
}

static void check(uint64_t base, unsigned ut_bits, uint64_t used, unsigned obj_bits,
                  uint64_t count)
{
    retype_plan_t got = retype_plan(base, ut_bits, used, obj_bits, count);
    retype_plan_t want = reference(base, ut_bits, used, obj_bits, count);
    assert_int_equal(got.ok, want.ok);
    assert_int_equal(got.free_bytes, want.free_bytes);
    assert_int_equal(got.start, want.start);
    assert_int_equal(got.watermark, want.watermark);
    /* The proved contract, checked on the same inputs. */
    uint64_t obj_size = 1UL << obj_bits, end = base + (1UL << ut_bits);
    assert_int_equal(got.start % obj_size, 0);
    assert_true(got.start >= base + used && got.start - (base + used) < obj_size);
    assert_int_equal(got.ok, got.start + count * obj_size <= end);
    if (got.ok) {
        assert_true(got.watermark > used && got.watermark <= (1UL << ut_bits));
    }
}

static void test_edges(void **state)
{
    (void)state;
    check(0x40000000, 12, 0, 12, 1);             /* a page filling a page-sized untyped */
    check(0x40000000, 12, 0, 12, 2);             /* two do not fit */
    check(0x40000000, 12, 16, 12, 1);            /* aligning past the watermark: no room */
    check(0x40000000, 21, 16, 12, 256);          /* 256 pages after the first alignment */
    check(0x40000000, 21, 0x1ff000, 12, 1);      /* the last page */
    check(0x40000000, 21, 0x200000, 4, 1);       /* full untyped */
    check(0x40000000, 4, 0, 5, 1);               /* object bigger than the untyped */
    check(0x7fffffffc000UL & ~((1UL << 14) - 1), 14, 0x10, 12, 3);
    check(0, MAX_UNTYPED_BITS, 0, MAX_UNTYPED_BITS, 1);
    check(0, MAX_UNTYPED_BITS, 16, MAX_UNTYPED_BITS, 1);
    check(1UL << 46, 46, (1UL << 46) - 16, 4, 1);
    check(1UL << 46, 46, (1UL << 46) - 16, 4, 2);
}

static void test_random(void **state)
{
    (void)state;
    srand(8);
    for (int i = 0; i < 200000; i++) {
        unsigned ut_bits = MIN_UNTYPED_BITS + (unsigned)rand() % (MAX_UNTYPED_BITS - 3);
        unsigned obj_bits = (unsigned)rand() % (MAX_UNTYPED_BITS + 1);
        uint64_t ut_size = 1UL << ut_bits;
        uint64_t base = (((uint64_t)rand() << 31 ^ (uint64_t)rand()) << ut_bits) &
                        ((1UL << MAX_UNTYPED_BITS) - 1);
        uint64_t used = (((uint64_t)rand() << 31 ^ (uint64_t)rand()) % (ut_size + 1)) & ~15UL;
        if (rand() % 4 == 0) {
            used = ut_size - ((uint64_t)(rand() % 4) << 4) * (ut_size >= 64);
        }
        uint64_t count = 1 + (uint64_t)rand() % 256;
        check(base, ut_bits, used, obj_bits, count);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_random),
    };
    return cmocka_run_group_tests_name("retype", tests, NULL, NULL);
}
