// SPDX-License-Identifier: BSD-2-Clause
// ACSL contract for kernel/object/objsize.c: the size of each retypeable object, as the ABI gives it.
#pragma once

#include <keel/objects.h>

/*
 * decode_untyped has checked type < OBJ_TYPE_COUNT and size_bits < 64 before it asks. The
 * behaviours are the ABI's table (sel4-aarch64-abi.md §7.1); `small_enough` is what the caller
 * relies on: only an untyped or a CNode can exceed MAX_UNTYPED_BITS (it is checked after), and
 * every fixed-size object is at least 16 bytes, the unit the untyped watermark counts in.
 */
/*@ requires size_bits < 64;
    assigns \nothing;
    ensures bounded: \result <= size_bits + SLOT_BITS || \result <= 30;
    ensures small_enough: type != OBJ_UNTYPED && type != OBJ_CNODE ==> \result <= 30;
    ensures unit_multiple: type != OBJ_UNTYPED && type < OBJ_TYPE_COUNT ==> \result >= 4;
    behavior untyped: assumes type == OBJ_UNTYPED; ensures \result == size_bits;
    behavior tcb: assumes type == OBJ_TCB; ensures \result == TCB_BITS;
    behavior endpoint: assumes type == OBJ_ENDPOINT; ensures \result == ENDPOINT_BITS;
    behavior notification: assumes type == OBJ_NOTIFICATION; ensures \result == NOTIFICATION_BITS;
    behavior cnode: assumes type == OBJ_CNODE; ensures \result == size_bits + SLOT_BITS;
    behavior huge_page: assumes type == OBJ_HUGE_PAGE; ensures \result == 30;
    behavior vspace: assumes type == OBJ_VSPACE; ensures \result == VSPACE_BITS;
    behavior small_page: assumes type == OBJ_SMALL_PAGE; ensures \result == 12;
    behavior large_page: assumes type == OBJ_LARGE_PAGE; ensures \result == 21;
    behavior page_table: assumes type == OBJ_PAGE_TABLE; ensures \result == PAGE_TABLE_BITS;
    behavior invalid: assumes type >= OBJ_TYPE_COUNT; ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
*/
unsigned object_size_bits(unsigned type, unsigned size_bits);
