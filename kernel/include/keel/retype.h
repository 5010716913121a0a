// SPDX-License-Identifier: BSD-2-Clause
// Untyped_Retype placement arithmetic: where the first object goes and whether all of them fit.
// Invariants: INV-CAP-2, INV-MEM-1..4 (proofs-notes/README.md)
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Where `count` objects of 2^obj_bits bytes land in an untyped, decided before anything moves. */
typedef struct {
    uint64_t free_bytes; /* bytes above the watermark: what NotEnoughMemory reports */
    uint64_t start;      /* the first object: the watermark rounded up to the object size */
    uint64_t watermark;  /* bytes from the base in use once the objects are carved (if ok) */
    bool ok;             /* all count objects fit between start and the end of the untyped */
} retype_plan_t;

/*
 * base: the untyped's physical address; ut_bits: its size_bits; used: its watermark in bytes
 * (0 if it is about to be reset). Pure arithmetic, proved by `./keel prove --module retype`
 * for what decode_untyped guarantees (both sizes <= MAX_UNTYPED_BITS, base below 2^47,
 * used <= 2^ut_bits, 1 <= count <= 256): nothing wraps, start is the first multiple of the
 * object size at or above the watermark, and ok holds exactly when the objects end inside the
 * untyped. Division by the (power of two) object size gives the values shifts and masks would;
 * it keeps the proof in integer arithmetic, and retype is not a fast path.
 */
static inline retype_plan_t retype_plan(uint64_t base, unsigned ut_bits, uint64_t used,
                                        unsigned obj_bits, uint64_t count)
{
    retype_plan_t p;
    uint64_t ut_size = 1UL << ut_bits, obj_size = 1UL << obj_bits;
    uint64_t end = base + ut_size;
    p.free_bytes = ut_size - used;
    p.start = (base + used + obj_size - 1) / obj_size * obj_size;
    /* Aligning the first object may cost space; count what really fits. */
    uint64_t fits = p.start >= end ? 0 : (end - p.start) / obj_size;
    p.ok = p.free_bytes / obj_size >= count && fits >= count;
    p.watermark = p.ok ? p.start + count * obj_size - base : used;
    return p;
}
