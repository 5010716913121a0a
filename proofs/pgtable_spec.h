// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for the page-table index helpers of pte.h and pgtable.c's va_in_one_half.
#pragma once

#include <arch/pgtable.h>

/*@ requires level <= 3;
    assigns \nothing;
    ensures \result == ((va >> (39 - 9 * level)) & 511);
    ensures \result < PT_ENTRIES;
*/
static inline unsigned pt_index(uint64_t va, unsigned level);

/*@ requires level <= 3;
    assigns \nothing;
    ensures \result == (1 << (39 - 9 * level));
*/
static inline uint64_t pt_level_size(unsigned level);

/*
 * va_in_one_half: true only if va lies in one of the two halves (TTBR0: top 16 bits 0; TTBR1:
 * top 16 bits 1). The no-wrap and same-half-at-the-end clauses are not proved yet
 * (proofs-notes/proofs.md); tests/unit/test_pgtable.c checks them.
 */
/*@ assigns \nothing;
    ensures \result ==> (va & 0xffff000000000000) == 0 ||
                        (va & 0xffff000000000000) == 0xffff000000000000;
*/
static bool va_in_one_half(uint64_t va, uint64_t size);
