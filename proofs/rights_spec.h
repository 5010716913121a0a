// SPDX-License-Identifier: BSD-2-Clause
// ACSL contracts for rights masking (derive.c cap_mask_rights): a derived cap's rights never grow.
#pragma once

#include "cap_spec.h"
#include <keel/derive.h>

/*
 * L_FIELD(w, lo, bits, v) is cap_with_field's value, written as C computes it (each cast is a
 * reduction modulo 2^64). Macros rather than logic functions, so that WP's simplifier sees (and
 * normalises) the same terms on both sides of each goal. The read-back for the rights field
 * (lo = 52, bits = 4: the field holds v & 15, the type and address bits are w's) is proved on
 * cap_set_rights by wp:bitwised; cap_mask_rights is then proved from cap_set_rights' contract.
 */
#define L_FIELD_MASK(lo, bits) ((uint64_t)((uint64_t)((uint64_t)(1 << (bits)) - 1) << (lo)))
#define L_FIELD(w, lo, bits, v)                            \
    (((w) & (uint64_t)~L_FIELD_MASK(lo, bits)) |           \
     ((uint64_t)((v) << (lo)) & L_FIELD_MASK(lo, bits)))
#define L_RIGHTS(c) (((c).w0 >> 52) & 15)          /* rights; a frame's VM rights; reply grant */
#define L_MASK_WORD(rights) (((unsigned int)(rights)) & 15)
/* The type (bits 63:59, as bits 62:59 and bit 63: a mask reaching bit 63 defeats wp:bitwised)
 * and the physical address (bits 46:0) of two caps agree. */
#define KEEPS_TYPE_AND_PADDR(a, b)                                                 \
    (((a).w0 >> 59) & 15) == (((b).w0 >> 59) & 15) &&                              \
        (((a).w0 >> 63) & 1) == (((b).w0 >> 63) & 1) &&                            \
        ((a).w0 & 0x7fffffffffff) == ((b).w0 & 0x7fffffffffff)
#define L_MAKE(t, paddr) ((uint64_t)(((uint64_t)(t) << 59) | ((paddr) & 0x7fffffffffff)))

/*@ requires lo <= 63 && 1 <= bits <= 63;
    assigns \nothing;
    ensures \result == L_FIELD(w, lo, bits, v);
*/
static inline uint64_t cap_with_field(uint64_t w, unsigned lo, unsigned bits, uint64_t v);

/*@ assigns \nothing;
    ensures \result.w0 == L_FIELD(c.w0, 52, 4, r);
    ensures rights_read_back: L_RIGHTS(\result) == (r & 15);
    ensures KEEPS_TYPE_AND_PADDR(\result, c);
    ensures \result.w1 == c.w1;
*/
static inline cap_t cap_set_rights(cap_t c, unsigned r);

/*@ assigns \nothing;
    ensures \result == L_RIGHTS(c);
*/
static inline unsigned cap_frame_vm_rights(cap_t c);

/*@ assigns \nothing;
    ensures \result == ((c.w0 >> 51) & 1);
*/
static inline bool cap_reply_is_master(cap_t c);

/*@ assigns \nothing;
    ensures \result.w0 == L_MAKE(t, paddr);
    ensures \result.w1 == w1;
*/
static inline cap_t cap_make(cap_type_t t, uint64_t paddr, uint64_t w1);

/*@ assigns \nothing;
    ensures reply_grant: ((\result.w0 >> 52) & 1) == grant;
    ensures reply_master: ((\result.w0 >> 51) & 1) == master;
    ensures reply_type: ((\result.w0 >> 59) & 15) == CAP_REPLY && ((\result.w0 >> 63) & 1) == 0;
    ensures \result.w1 == 0;
*/
static inline cap_t cap_reply(uint64_t tcb_paddr, bool master, bool grant);

/*
 * Rights never grow. Endpoint and notification: the rights field of the result is the old
 * rights ANDed with the mask (and, for a notification, with Read|Write): a subset of both.
 * Frame: the VM rights written are ReadWrite only if the cap was ReadWrite and the mask has
 * Read and Write, ReadOnly only if the cap could read and the mask has Read, else KernelOnly.
 * Reply: a mask with Grant returns the cap unchanged; without Grant the cap is rebuilt as a
 * reply cap with the grant bit clear and the master bit kept (its address: proofs.md). Every
 * other cap comes back unchanged. Wherever rights change, the type, the physical address and
 * w1 (badge, mapping) are kept.
 */
/*@ assigns \nothing;
    behavior endpoint:
      assumes l_type(c) == CAP_ENDPOINT;
      ensures \result.w0 == L_FIELD(c.w0, 52, 4, L_RIGHTS(c) & L_MASK_WORD(rights));
      ensures L_RIGHTS(\result) == (L_RIGHTS(c) & L_MASK_WORD(rights));
      ensures KEEPS_TYPE_AND_PADDR(\result, c);
      ensures \result.w1 == c.w1;
    behavior notification:
      assumes l_type(c) == CAP_NOTIFICATION;
      ensures \result.w0 == L_FIELD(c.w0, 52, 4, L_RIGHTS(c) & L_MASK_WORD(rights) & 3);
      ensures L_RIGHTS(\result) == (L_RIGHTS(c) & L_MASK_WORD(rights) & 3);
      ensures KEEPS_TYPE_AND_PADDR(\result, c);
      ensures \result.w1 == c.w1;
    behavior reply_keep:
      assumes l_type(c) == CAP_REPLY && (L_MASK_WORD(rights) & RIGHT_GRANT) != 0;
      ensures \result == c;
    behavior reply_drop_grant:
      assumes l_type(c) == CAP_REPLY && (L_MASK_WORD(rights) & RIGHT_GRANT) == 0;
      ensures ((\result.w0 >> 52) & 1) == 0;
      ensures ((\result.w0 >> 51) & 1) == ((c.w0 >> 51) & 1);
      ensures ((\result.w0 >> 59) & 15) == CAP_REPLY && ((\result.w0 >> 63) & 1) == 0;
      ensures \result.w1 == 0;
    behavior frame_read_write:
      assumes l_type(c) == CAP_FRAME && L_RIGHTS(c) == VM_READ_WRITE &&
              (L_MASK_WORD(rights) & RIGHT_READ) != 0 && (L_MASK_WORD(rights) & RIGHT_WRITE) != 0;
      ensures \result.w0 == L_FIELD(c.w0, 52, 4, VM_READ_WRITE);
      ensures L_RIGHTS(\result) == VM_READ_WRITE;
      ensures KEEPS_TYPE_AND_PADDR(\result, c);
      ensures \result.w1 == c.w1;
    behavior frame_read_only:
      assumes l_type(c) == CAP_FRAME && (L_RIGHTS(c) == VM_READ_WRITE ||
                                         L_RIGHTS(c) == VM_READ_ONLY) &&
              (L_MASK_WORD(rights) & RIGHT_READ) != 0 &&
              !(L_RIGHTS(c) == VM_READ_WRITE && (L_MASK_WORD(rights) & RIGHT_WRITE) != 0);
      ensures \result.w0 == L_FIELD(c.w0, 52, 4, VM_READ_ONLY);
      ensures L_RIGHTS(\result) == VM_READ_ONLY;
      ensures KEEPS_TYPE_AND_PADDR(\result, c);
      ensures \result.w1 == c.w1;
    behavior frame_kernel_only:
      assumes l_type(c) == CAP_FRAME && (L_MASK_WORD(rights) & RIGHT_READ) == 0 ||
              l_type(c) == CAP_FRAME && L_RIGHTS(c) != VM_READ_WRITE && L_RIGHTS(c) != VM_READ_ONLY;
      ensures \result.w0 == L_FIELD(c.w0, 52, 4, VM_KERNEL_ONLY);
      ensures L_RIGHTS(\result) == VM_KERNEL_ONLY;
      ensures KEEPS_TYPE_AND_PADDR(\result, c);
      ensures \result.w1 == c.w1;
    behavior other:
      assumes l_type(c) != CAP_ENDPOINT && l_type(c) != CAP_NOTIFICATION &&
              l_type(c) != CAP_REPLY && l_type(c) != CAP_FRAME;
      ensures \result == c;
    complete behaviors;
    disjoint behaviors;
*/
cap_t cap_mask_rights(cap_t c, uint64_t rights);
