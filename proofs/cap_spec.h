// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for cap.h, msginfo.h and object.h, attached to the kernel's own declarations.
#pragma once

/*
 * Frama-C merges the contract written on a later declaration of a function with its
 * definition, so the kernel headers stay free of annotations: include them first, then
 * re-declare each function with its contract. The logic functions below restate the bit
 * layouts of cap.h and of ABI §4.1 as arithmetic on mathematical integers.
 */
#include <keel/cap.h>
#include <keel/msginfo.h>
#include <keel/object.h>

/*@
  logic integer l_type(cap_t c)       = (unsigned int)(c.w0 >> 59);
  logic integer l_paddr(cap_t c)      = c.w0 & 0x7fffffffffff;
  logic integer l_radix(cap_t c)      = (c.w0 >> 47) & 63;
  logic integer l_guard_size(cap_t c) = (c.w0 >> 53) & 63;
  logic integer l_guard(cap_t c)      = c.w1;

  // The low 7 bits of a word survive the (unsigned) cast msginfo_decode applies first.
  lemma low7_of_u32: \forall uint64_t w; (((unsigned int) w) & 0x7f) == (w & 0x7f);
*/

/* --- generic field access ------------------------------------------------------------------ */

/*@ requires lo <= 63 && 1 <= bits <= 63;
    assigns \nothing;
    ensures \result == ((w >> lo) & ((1 << bits) - 1));
    ensures \result < (1 << bits);
*/
static inline uint64_t cap_field(uint64_t w, unsigned lo, unsigned bits);

/*@ requires lo <= 63 && 1 <= bits <= 63;
    assigns \nothing;
*/
static inline uint64_t cap_with_field(uint64_t w, unsigned lo, unsigned bits, uint64_t v);

/* --- the accessors address resolution depends on ------------------------------------------- */

/*@ assigns \nothing;
    ensures \result == l_type(c);
    ensures 0 <= \result <= 31;
*/
static inline cap_type_t cap_type(cap_t c);

/*@ assigns \nothing;
    ensures \result == l_paddr(c);
    ensures \result < 0x800000000000;
*/
static inline uint64_t cap_paddr(cap_t c);

/*@ assigns \nothing;
    ensures \result == l_radix(c);
    ensures \result <= 63;
*/
static inline unsigned cap_cnode_radix(cap_t c);

/*@ assigns \nothing;
    ensures \result == l_guard_size(c);
    ensures \result <= 63;
*/
static inline unsigned cap_cnode_guard_size(cap_t c);

/*@ assigns \nothing;
    ensures \result == l_guard(c);
*/
static inline uint64_t cap_cnode_guard(cap_t c);

/*@ assigns \nothing;
    ensures \result == ((c.w0 >> 52) & 63);
    ensures \result <= 63;
*/
static inline unsigned cap_untyped_size_bits(cap_t c);

/*@ assigns \nothing;
    ensures \result <==> ((c.w0 >> 58) & 1) != 0;
*/
static inline bool cap_untyped_is_device(cap_t c);

/*@ assigns \nothing;
    ensures \result == ((c.w0 >> 52) & 15);
    ensures \result <= 15;
*/
static inline unsigned cap_rights(cap_t c);

/*@ assigns \nothing;
    ensures \result == c.w1;
*/
static inline uint64_t cap_badge(cap_t c);

/* --- seL4_MessageInfo_t (ABI §4.1) ---------------------------------------------------------- */

/*@ assigns \nothing;
    ensures \result.label == w >> 12;
    ensures \result.caps_unwrapped == ((w >> 9) & 7);
    ensures \result.extra_caps == ((w >> 7) & 3);
    ensures \result.length <= 120;
    ensures (w & 0x7f) <= 120 ==> \result.length == (w & 0x7f);
    ensures (w & 0x7f) > 120 ==> \result.length == 120;
*/
static inline msginfo_t msginfo_decode(uint64_t w);

/*@ assigns \nothing;
    ensures (\result & 0x7f) == (m.length & 0x7f);
    ensures ((\result >> 7) & 3) == (m.extra_caps & 3);
    ensures ((\result >> 9) & 7) == (m.caps_unwrapped & 7);
*/
static inline uint64_t msginfo_encode(msginfo_t m);
