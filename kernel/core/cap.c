// SPDX-License-Identifier: BSD-2-Clause
// What caps say about their objects: size, identity, region containment, derivation rules.
// Invariants: INV-CAP-2, INV-MEM-3 (proofs-notes/README.md)
#include <keel/cap.h>
#include <keel/object.h>

uint64_t cap_object_size_bits(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED: return cap_untyped_size_bits(c);
    case CAP_ENDPOINT: return ENDPOINT_BITS;
    case CAP_NOTIFICATION: return NOTIFICATION_BITS;
    case CAP_CNODE: return cap_cnode_radix(c) + SLOT_BITS;
    case CAP_TCB: return TCB_BITS;
    case CAP_FRAME: return cap_frame_size_bits(c);
    case CAP_PAGE_TABLE: return PAGE_TABLE_BITS;
    case CAP_VSPACE: return VSPACE_BITS;
    case CAP_ASID_POOL: return ASID_POOL_BITS;
    case CAP_ZOMBIE:
        return cap_zombie_radix(c) == ZOMBIE_TCB_RADIX ? TCB_BITS
                                                       : cap_zombie_radix(c) + SLOT_BITS;
    default: return 0;
    }
}

/* Caps that name memory: [base, base + 2^size) lies inside an untyped's region. */
static bool has_region(cap_t c)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED: case CAP_ENDPOINT: case CAP_NOTIFICATION: case CAP_CNODE: case CAP_TCB:
    case CAP_FRAME: case CAP_PAGE_TABLE: case CAP_VSPACE: case CAP_ASID_POOL: case CAP_ZOMBIE:
        return true;
    default:
        return false;
    }
}

bool cap_same_region(cap_t a, cap_t b)
{
    switch (cap_type(a)) {
    case CAP_UNTYPED: {
        if (!has_region(b)) {
            return false;
        }
        uint64_t a_base = cap_paddr(a), a_last = a_base + ((1UL << cap_untyped_size_bits(a)) - 1);
        uint64_t b_base = cap_paddr(b);
        uint64_t b_last = b_base + ((1UL << cap_object_size_bits(b)) - 1);
        return a_base <= b_base && b_last <= a_last && b_base <= b_last;
    }
    case CAP_FRAME: {
        if (cap_type(b) != CAP_FRAME) {
            return false;
        }
        uint64_t a_base = cap_paddr(a), a_last = a_base + ((1UL << cap_frame_size_bits(a)) - 1);
        uint64_t b_base = cap_paddr(b), b_last = b_base + ((1UL << cap_frame_size_bits(b)) - 1);
        return a_base <= b_base && b_last <= a_last && b_base <= b_last;
    }
    case CAP_ENDPOINT: case CAP_NOTIFICATION: case CAP_TCB: case CAP_PAGE_TABLE:
    case CAP_VSPACE: case CAP_ASID_POOL: case CAP_REPLY:
        return cap_type(b) == cap_type(a) && cap_paddr(b) == cap_paddr(a);
    case CAP_CNODE:
        return cap_type(b) == CAP_CNODE && cap_paddr(b) == cap_paddr(a) &&
               cap_cnode_radix(b) == cap_cnode_radix(a);
    case CAP_IRQ_CONTROL:
        return cap_type(b) == CAP_IRQ_CONTROL || cap_type(b) == CAP_IRQ_HANDLER;
    case CAP_IRQ_HANDLER:
        return cap_type(b) == CAP_IRQ_HANDLER && cap_irq(b) == cap_irq(a);
    case CAP_DOMAIN: case CAP_ASID_CONTROL:
        return cap_type(b) == cap_type(a);
    default:
        return false;
    }
}

bool cap_same_object(cap_t a, cap_t b)
{
    if (cap_type(a) == CAP_UNTYPED) {
        return false;
    }
    if (cap_type(a) == CAP_IRQ_CONTROL && cap_type(b) == CAP_IRQ_HANDLER) {
        return false;
    }
    if (cap_type(a) == CAP_FRAME && cap_type(b) == CAP_FRAME) {
        return cap_paddr(a) == cap_paddr(b) && cap_frame_size(a) == cap_frame_size(b) &&
               cap_frame_is_device(a) == cap_frame_is_device(b);
    }
    return cap_same_region(a, b);
}
