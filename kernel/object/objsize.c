// SPDX-License-Identifier: BSD-2-Clause
// Object sizes for Untyped_Retype (ABI §7.1): log2 of the bytes each object type takes.
// Invariants: INV-CAP-2, INV-MEM-1..4 (proofs-notes/README.md)
#include <keel/objects.h>

unsigned object_size_bits(unsigned type, unsigned size_bits)
{
    switch (type) {
    case OBJ_UNTYPED: return size_bits;
    case OBJ_TCB: return TCB_BITS;
    case OBJ_ENDPOINT: return ENDPOINT_BITS;
    case OBJ_NOTIFICATION: return NOTIFICATION_BITS;
    case OBJ_CNODE: return size_bits + SLOT_BITS;
    case OBJ_HUGE_PAGE: return 30;
    case OBJ_VSPACE: return VSPACE_BITS;
    case OBJ_SMALL_PAGE: return 12;
    case OBJ_LARGE_PAGE: return 21;
    case OBJ_PAGE_TABLE: return PAGE_TABLE_BITS;
    default: return 0;
    }
}
