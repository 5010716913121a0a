// SPDX-License-Identifier: BSD-2-Clause
// Untyped_Retype (ABI §8.3, §13.10): checks in seL4's order, then reset, carve and insert.
// Invariants: INV-CAP-1, -2, -4, INV-MEM-1..5, INV-SCHED-5, INV-VS-6 (proofs-notes/README.md)
#include <keel/cdt.h>
#include <keel/delete.h>
#include <keel/invoke.h>
#include <keel/objects.h>
#include <keel/retype.h>
#include <keel/string.h>

#define RETYPE_MAX_OBJECTS 256u
#define RESET_CHUNK (1UL << 8)

/* Zeroes the used part of an untyped from the top down, so progress survives preemption
 * in the watermark itself. Device memory is never touched. */
static syserr_t reset_untyped(cte_t *slot)
{
    cap_t c = slot->cap;
    uint64_t used = cap_untyped_free_bytes_used(c);
    if (cap_untyped_is_device(c) || used == 0) {
        slot->cap = cap_untyped_set_used(c, 0);
        return err_none();
    }
    uint8_t *base = obj_ptr(cap_paddr(c));
    while (used > 0) {
        uint64_t chunk = used % RESET_CHUNK != 0 ? used % RESET_CHUNK : RESET_CHUNK;
        used -= chunk;
        memset(base + used, 0, chunk);
        slot->cap = cap_untyped_set_used(slot->cap, used);
        if (used > 0 && preemption_point()) {
            return err_code(ERR_PREEMPTED);
        }
    }
    return err_none();
}

static bool is_frame_type(uint64_t type)
{
    return type == OBJ_SMALL_PAGE || type == OBJ_LARGE_PAGE || type == OBJ_HUGE_PAGE;
}

/* How many objects an earlier run of this same Retype made before it was preempted, if the last
 * of them is still where it put it: in its destination slot, a child of the untyped, ending at
 * the watermark (so nothing was carved or reset since). Otherwise 0, and the call starts afresh.
 * One slot is checked, not all: the restart must stay short (INV-SCHED-5), and a racing thread
 * that deleted or moved one of the earlier objects did what it could have done just after an
 * uninterrupted Retype. */
static uint64_t resumed_objects(const invocation_t *inv, const cte_t *dst, uint64_t count,
                                uint64_t obj_size)
{
    uint64_t made = inv_resumed(inv, 6);
    uint64_t used = cap_untyped_free_bytes_used(inv->cap);
    if (made == 0 || made >= count || used < obj_size) {
        return 0;
    }
    const cte_t *last = &dst[made - 1];
    if (cap_is_null(last->cap) || cap_paddr(last->cap) != cap_paddr(inv->cap) + used - obj_size ||
        !cdt_is_parent_of(inv->slot, last)) {
        return 0;
    }
    return made;
}

syserr_t decode_untyped(invocation_t *inv)
{
    if (inv->info.label != INV_UNTYPED_RETYPE) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (inv->info.length < 6 || inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    uint64_t type = inv_arg(inv, 0), size_bits = inv_arg(inv, 1);
    uint64_t node_index = inv_arg(inv, 2), node_depth = inv_arg(inv, 3);
    uint64_t node_offset = inv_arg(inv, 4), count = inv_arg(inv, 5);
    cap_t root = inv_extra(inv, 0);

    if (type >= OBJ_TYPE_COUNT) {
        return err_arg(0);
    }
    if (size_bits >= 64) {
        return err_range(0, MAX_UNTYPED_BITS);
    }
    unsigned obj_bits = object_size_bits((unsigned)type, (unsigned)size_bits);
    if (obj_bits > MAX_UNTYPED_BITS) {
        return err_range(0, MAX_UNTYPED_BITS);
    }
    if (type == OBJ_CNODE && size_bits == 0) {
        return err_arg(1);
    }
    if (type == OBJ_UNTYPED && size_bits < MIN_UNTYPED_BITS) {
        return err_arg(1);
    }
    cap_t dest = root;
    if (node_depth != 0) {
        if (node_depth > 64) {
            return err_range(1, 64);
        }
        cte_t *s;
        lookup_fault_t lf;
        if (!lookup_slot_exact(root, node_index, (unsigned)node_depth, &s, &lf)) {
            return err_lookup(false, lf);
        }
        dest = s->cap;
    }
    if (cap_type(dest) != CAP_CNODE) {
        return err_lookup(false, (lookup_fault_t){ LF_MISSING_CAPABILITY, node_depth, 0, 0 });
    }
    uint64_t slots = 1UL << cap_cnode_radix(dest);
    if (node_offset > slots - 1) {
        return err_range(0, slots - 1);
    }
    if (count < 1 || count > RETYPE_MAX_OBJECTS) {
        return err_range(1, RETYPE_MAX_OBJECTS);
    }
    if (count > slots - node_offset) {
        return err_range(1, slots - node_offset);
    }
    cte_t *dst = &cnode_slots(dest)[node_offset];
    uint64_t obj_size = 1UL << obj_bits;
    uint64_t made = resumed_objects(inv, dst, count, obj_size);
    for (uint64_t i = made; i < count; i++) {
        if (!cap_is_null(dst[i].cap)) {
            return err_code(ERR_DELETE_FIRST);
        }
    }
    cap_t ut = inv->cap;
    bool reset = !cdt_has_children(inv->slot);
    uint64_t used = reset ? 0 : cap_untyped_free_bytes_used(ut);
    retype_plan_t plan = retype_plan(cap_paddr(ut), cap_untyped_size_bits(ut), used, obj_bits,
                                     count - made);
    if (!plan.ok) {
        return err_memory(plan.free_bytes);
    }
    if (cap_untyped_is_device(ut) && type != OBJ_UNTYPED && !is_frame_type(type)) {
        return err_arg(1);
    }

    /* Everything is checked: reset if needed, then carve. */
    if (reset) {
        syserr_t e = reset_untyped(inv->slot);
        if (e.code != ERR_NONE) {
            return e;
        }
    }
    for (uint64_t i = made; i < count; i++) {
        uint64_t pa = plan.start + (i - made) * obj_size;
        cap_t c = object_create((unsigned)type, pa, (unsigned)size_bits,
                                cap_untyped_is_device(ut));
        cdt_insert_new(inv->slot, &dst[i], c);
        if (i + 1 < count && preemption_point()) {
            /* The objects made so far stay, under the watermark; the restarted call makes the
             * rest right after them. */
            inv->slot->cap = cap_untyped_set_used(inv->slot->cap, pa + obj_size - cap_paddr(ut));
            return inv_preempted(inv, 6, i + 1);
        }
    }
    inv->slot->cap = cap_untyped_set_used(inv->slot->cap, plan.watermark);
    return err_none();
}
