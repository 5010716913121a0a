// SPDX-License-Identifier: BSD-2-Clause
// ACSL contract for keel/retype.h: Untyped_Retype placement never wraps and stays in the untyped.
#pragma once

#include <keel/object.h>
#include <keel/retype.h>

/*
 * Facts about powers of two and integer division the provers use: pow2_range is proved by
 * wp:range (one constant shift per case, evaluated by Qed), div_ge by cvc4.
 */
/*@
  lemma pow2_range: \forall integer k; 0 <= k && k <= 47 ==> 1 <= (1 << k) <= 0x800000000000;
  lemma div_ge: \forall integer a, m, c; 0 <= a && 1 <= m && 0 <= c ==>
      (c <= a / m <==> c * m <= a);
*/

/*
 * The preconditions are what decode_untyped has established when it calls retype_plan:
 * obj_bits <= MAX_UNTYPED_BITS (checked), ut_bits <= MAX_UNTYPED_BITS (every untyped cap is made
 * by boot or by a retype that checked it, INV-MEM-2), base < 2^47 (cap_paddr's range, proved in
 * the cap module), used <= 2^ut_bits (0 before a reset, else the watermark: INV-MEM-1) and
 * 1 <= count <= 256 (checked). Everything is stated over mathematical integers, so each ensures
 * also says the C value did not wrap.
 */
/*@ requires ut_bits <= MAX_UNTYPED_BITS && obj_bits <= MAX_UNTYPED_BITS;
    requires base < 0x800000000000;
    requires used <= (1 << ut_bits);
    requires 1 <= count <= 256;
    assigns \nothing;
    ensures free: \result.free_bytes == (1 << ut_bits) - used;
    ensures aligned: \result.start % (1 << obj_bits) == 0;
    ensures above_watermark: base + used <= \result.start;
    ensures first_fit: \result.start < base + used + (1 << obj_bits);
    ensures fits: \result.ok ==> \result.start + count * (1 << obj_bits) <= base + (1 << ut_bits);
    ensures complete: \result.start + count * (1 << obj_bits) <= base + (1 << ut_bits) ==>
                      \result.ok;
    ensures watermark: \result.ok ==>
                       \result.watermark == \result.start + count * (1 << obj_bits) - base;
    ensures monotone: \result.ok ==> used < \result.watermark <= (1 << ut_bits);
    ensures unchanged: !\result.ok ==> \result.watermark == used;
*/
static inline retype_plan_t retype_plan(uint64_t base, unsigned ut_bits, uint64_t used,
                                        unsigned obj_bits, uint64_t count);
