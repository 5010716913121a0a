// SPDX-License-Identifier: BSD-2-Clause
// Guarded CNode address resolution, following the algorithm of ABI §11.2 exactly.
// Invariants: INV-CAP-5, -6 (proofs-notes/README.md)
#include <keel/lookup.h>

static uint64_t low_mask(unsigned bits)
{
    return bits >= 64 ? ~0UL : (1UL << bits) - 1;
}

bool lookup_resolve(cap_t root, uint64_t cptr, unsigned n, cte_t **slot, unsigned *bits_left,
                    lookup_fault_t *lf)
{
    if (cap_type(root) != CAP_CNODE) {
        *lf = (lookup_fault_t){ LF_INVALID_ROOT, 0, 0, 0 };
        return false;
    }
    cap_t node = root;
    for (;;) {
        unsigned radix = cap_cnode_radix(node);
        unsigned guard_size = cap_cnode_guard_size(node);
        unsigned level = radix + guard_size;
        uint64_t guard = cap_cnode_guard(node);
        if (guard_size > n ||
            (guard_size != 0 && ((cptr >> (n - guard_size)) & low_mask(guard_size)) != guard)) {
            *lf = (lookup_fault_t){ LF_GUARD_MISMATCH, n, guard, guard_size };
            return false;
        }
        if (level > n || level == 0) {
            *lf = (lookup_fault_t){ LF_DEPTH_MISMATCH, n, level, 0 };
            return false;
        }
        uint64_t index = (cptr >> (n - level)) & low_mask(radix);
        cte_t *s = &cnode_slots(node)[index];
        if (level == n) {
            *slot = s;
            *bits_left = 0;
            return true;
        }
        n -= level;
        if (cap_type(s->cap) != CAP_CNODE) {
            *slot = s;
            *bits_left = n;
            return true;
        }
        node = s->cap;
    }
}

bool lookup_cap_slot(const tcb_t *t, uint64_t cptr, cte_t **slot, lookup_fault_t *lf)
{
    unsigned left;
    return lookup_resolve(t->slots[TCB_SLOT_CSPACE].cap, cptr, 64, slot, &left, lf);
}

bool lookup_slot_exact(cap_t root, uint64_t index, unsigned depth, cte_t **slot,
                       lookup_fault_t *lf)
{
    unsigned left;
    if (!lookup_resolve(root, index, depth, slot, &left, lf)) {
        return false;
    }
    if (left != 0) {
        *lf = (lookup_fault_t){ LF_DEPTH_MISMATCH, left, 0, 0 };
        return false;
    }
    return true;
}

unsigned lookup_fault_words(const lookup_fault_t *lf, uint64_t out[4])
{
    out[0] = lf->type;
    switch (lf->type) {
    case LF_MISSING_CAPABILITY:
        out[1] = lf->bits_left;
        return 2;
    case LF_DEPTH_MISMATCH:
        out[1] = lf->bits_left;
        out[2] = lf->a;
        return 3;
    case LF_GUARD_MISMATCH:
        out[1] = lf->bits_left;
        out[2] = lf->a;
        out[3] = lf->b;
        return 4;
    default:
        return 1;
    }
}
