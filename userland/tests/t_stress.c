// SPDX-License-Identifier: BSD-2-Clause
// Randomised CDT stress: random capability operations checked step by step against a model.

// The model (§8.3, §8.5, §8.6, §13.8-§13.10): every cap has a parent (the cap it was derived
// from, or the untyped it was retyped from). Retype children and untyped copies are "original"
// caps; so is an endpoint/notification cap minted with a new badge; plain copies are not.
// Revoke of an original deletes its whole subtree, Revoke of a non-original deletes nothing;
// Delete hands a cap's children to its parent; Move/Mutate keep the tree position. Untypeds
// track their watermark; they reset when they have no children. The kernel's answer to every
// step (error code and MRs) and the tag of every tracked slot after every step must match.

#include "captest.h"

#include <stdio.h>

#define POOL   40
#define NMODEL (POOL + 2)
#define U0     POOL
#define U1     (POOL + 1)
#define STEPS  10000
// Debug kernels (user PSTATE 0x40, §12.4) check their invariants on every kernel exit, which
// makes each step thousands of times slower: they get fewer steps.
#define STEPS_DEBUG_KERNEL 1000
#define SEED               0x6b65656c63617073UL

struct mcap {
    seL4_Word tag;   // KEEL_CAP_*; KEEL_CAP_NULL for an empty slot
    int parent;      // model index of the parent, -1 for outside the model
    int original;    // revocable: may have children
    seL4_Word badge; // endpoints and notifications
    seL4_Word radix; // CNodes
    seL4_Word bits;  // untypeds: log2 size
    seL4_Word wm;    // untypeds: watermark in bytes
};

static struct mcap model[NMODEL];
static seL4_CPtr slot_of[NMODEL];
static seL4_Word rng_state;

static seL4_Word rnd(seL4_Word n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state % n;
}

static int has_children(int i)
{
    for (int j = 0; j < NMODEL; j++) {
        if (model[j].tag != KEEL_CAP_NULL && model[j].parent == i) {
            return 1;
        }
    }
    return 0;
}

static void clear(int i)
{
    model[i] = (struct mcap){.tag = KEEL_CAP_NULL, .parent = -1};
}

static void model_delete(int i)
{
    for (int j = 0; j < NMODEL; j++) {
        if (model[j].tag != KEEL_CAP_NULL && model[j].parent == i) {
            model[j].parent = model[i].parent;
        }
    }
    clear(i);
}

static void delete_subtree(int i)
{
    for (int j = 0; j < NMODEL; j++) {
        if (model[j].tag != KEEL_CAP_NULL && model[j].parent == i) {
            delete_subtree(j);
            clear(j);
        }
    }
}

static void model_revoke(int i)
{
    if (model[i].tag != KEEL_CAP_NULL && model[i].original) {
        delete_subtree(i);
    }
}

static void model_move(int dst, int src)
{
    model[dst] = model[src];
    for (int j = 0; j < NMODEL; j++) {
        if (model[j].tag != KEEL_CAP_NULL && model[j].parent == src) {
            model[j].parent = dst;
        }
    }
    clear(src);
}

// The answer the model predicts for one step.
struct expect {
    seL4_Word err;
    seL4_Word mrs[3];
    unsigned nmrs;
};

static struct expect ok(void)
{
    return (struct expect){0};
}

static struct expect err0(seL4_Word err)
{
    return (struct expect){.err = err};
}

static struct expect missing_source(void)
{
    return (struct expect){
        .err = seL4_FailedLookup, .mrs = {1, seL4_MissingCapability, 64}, .nmrs = 3};
}

static int is_badgeable(seL4_Word tag)
{
    return tag == KEEL_CAP_ENDPOINT || tag == KEEL_CAP_NOTIFICATION;
}

// Cap data on a CNode cap: valid iff guard size + radix <= 64 (§4.3).
static int cnode_data_ok(const struct mcap *c, seL4_Word data)
{
    return (data & 0x3F) + c->radix <= 64;
}

static const seL4_Word cnode_datas[] = {0, (1 << 6) | 3, 63};

// --- Operations: each predicts, performs, and updates the model on success ----------------------

static int pick_full(void)
{
    for (int tries = 0; tries < 8; tries++) {
        int i = (int)rnd(POOL);
        if (model[i].tag != KEEL_CAP_NULL) {
            return i;
        }
    }
    return (int)rnd(POOL);
}

static int pick_empty(void)
{
    for (int tries = 0; tries < 8; tries++) {
        int i = (int)rnd(POOL);
        if (model[i].tag == KEEL_CAP_NULL) {
            return i;
        }
    }
    return (int)rnd(POOL);
}

static char what[120];
static unsigned op_count[8], op_errors;

static struct expect do_retype(void)
{
    int u = rnd(2) ? U0 : U1;
    static const seL4_Word types[] = {seL4_EndpointObject,      seL4_NotificationObject,
                                      seL4_CapTableObject,      seL4_TCBObject,
                                      seL4_ARM_SmallPageObject, seL4_UntypedObject};
    static const seL4_Word tags[] = {KEEL_CAP_ENDPOINT, KEEL_CAP_NOTIFICATION, KEEL_CAP_CNODE,
                                     KEEL_CAP_TCB,      KEEL_CAP_FRAME,        KEEL_CAP_UNTYPED};
    unsigned t = (unsigned)rnd(ARRAY_LEN(types));
    seL4_Word size_bits = types[t] == seL4_CapTableObject  ? 1 + rnd(2)
                          : types[t] == seL4_UntypedObject ? 4 + rnd(7)
                                                           : 0;
    seL4_Word off = rnd(POOL), n = 1 + rnd(3);
    if (off + n > POOL) {
        n = POOL - off;
    }
    snprintf(what, sizeof(what), "Retype(u%d, type %lu, bits %lu, pool %lu, n %lu)", u - U0,
             types[t], size_bits, off, n);
    struct expect e = ok();
    seL4_Word obj = keel_object_bytes(types[t], size_bits);
    seL4_Word size = 1UL << model[u].bits;
    int children = has_children(u);
    seL4_Word free = children ? size - model[u].wm : size;
    for (seL4_Word i = off; i < off + n; i++) {
        if (model[i].tag != KEEL_CAP_NULL) {
            e = err0(seL4_DeleteFirst);
        }
    }
    if (e.err == 0 && free / obj < n) {
        e = (struct expect){.err = seL4_NotEnoughMemory, .mrs = {free}, .nmrs = 1};
    }
    seL4_Error got = root_retype(slot_of[u], types[t], size_bits, slot_of[off], n);
    if (e.err == 0 && got == seL4_NoError) {
        seL4_Word wm = children ? model[u].wm : 0;
        wm = (wm + obj - 1) & ~(obj - 1);
        model[u].wm = wm + n * obj;
        for (seL4_Word i = off; i < off + n; i++) {
            model[i] = (struct mcap){
                .tag = tags[t], .parent = u, .original = 1, .radix = size_bits, .bits = size_bits};
        }
    }
    return e;
}

static struct expect do_copy_or_mint(int mint)
{
    int src = pick_full(), dst = pick_empty();
    seL4_Word rights = rnd(2) ? KEEL_RIGHTS_ALL : rnd(16);
    seL4_Word data = rnd(3) ? 1 + rnd(1000) : 0;
    if (model[src].tag == KEEL_CAP_CNODE) {
        data = cnode_datas[rnd(ARRAY_LEN(cnode_datas))];
    }
    snprintf(what, sizeof(what), "%s(pool %d <- pool %d, rights 0x%lx, data 0x%lx)",
             mint ? "Mint" : "Copy", dst, src, rights, data);
    struct mcap *s = &model[src];
    struct expect e = ok();
    struct mcap c = *s;
    c.parent = src;
    c.original = s->tag == KEEL_CAP_UNTYPED;
    if (model[dst].tag != KEEL_CAP_NULL) {
        e = err0(seL4_DeleteFirst);
    } else if (s->tag == KEEL_CAP_NULL) {
        e = missing_source();
    } else if (mint && is_badgeable(s->tag)) {
        if (s->badge != 0) {
            e = err0(seL4_IllegalOperation);
        } else {
            c.badge = data;
            c.original = data != 0;
        }
    } else if (mint && s->tag == KEEL_CAP_CNODE && !cnode_data_ok(s, data)) {
        e = err0(seL4_IllegalOperation);
    }
    if (e.err == 0 && s->tag == KEEL_CAP_UNTYPED && has_children(src)) {
        e = err0(seL4_RevokeFirst);
    }
    seL4_Error got = mint ? root_mint(slot_of[dst], slot_of[src], rights, data)
                          : root_copy(slot_of[dst], slot_of[src], rights);
    if (e.err == 0 && got == seL4_NoError) {
        model[dst] = c;
        if (s->tag == KEEL_CAP_UNTYPED) {
            s->wm = 1UL << s->bits;
        }
    }
    return e;
}

static struct expect do_move_or_mutate(int mutate)
{
    int src = pick_full(), dst = pick_empty();
    seL4_Word data = rnd(1000);
    if (model[src].tag == KEEL_CAP_CNODE) {
        data = cnode_datas[rnd(ARRAY_LEN(cnode_datas))];
    }
    snprintf(what, sizeof(what), "%s(pool %d <- pool %d, data 0x%lx)", mutate ? "Mutate" : "Move",
             dst, src, data);
    const struct mcap *s = &model[src];
    struct expect e = ok();
    if (model[dst].tag != KEEL_CAP_NULL) {
        e = err0(seL4_DeleteFirst);
    } else if (s->tag == KEEL_CAP_NULL) {
        e = missing_source();
    } else if (mutate && is_badgeable(s->tag)) {
        e = err0(seL4_IllegalOperation);
    } else if (mutate && s->tag == KEEL_CAP_CNODE && !cnode_data_ok(s, data)) {
        e = err0(seL4_IllegalOperation);
    }
    seL4_Error got = mutate ? root_mutate(slot_of[dst], slot_of[src], data)
                            : root_move(slot_of[dst], slot_of[src]);
    if (e.err == 0 && got == seL4_NoError) {
        model_move(dst, src);
    }
    return e;
}

// Moves the caps of the model slots a -> b and b -> a at once (b may be empty).
static void model_swap(int a, int b)
{
    struct mcap t = model[a];
    model[a] = model[b];
    model[b] = t;
    for (int j = 0; j < NMODEL; j++) {
        if (model[j].tag == KEEL_CAP_NULL) {
            continue;
        }
        if (model[j].parent == a) {
            model[j].parent = b;
        } else if (model[j].parent == b) {
            model[j].parent = a;
        }
    }
}

// Rotate: data applied with "preserve" semantics to both moving caps (§8.5, §8.6).
static int rotate_data_ok(const struct mcap *c, seL4_Word data)
{
    if (is_badgeable(c->tag)) {
        return 0;
    }
    return c->tag != KEEL_CAP_CNODE || cnode_data_ok(c, data);
}

static struct expect do_rotate(void)
{
    int src = pick_full(), pivot = pick_full();
    int dst = rnd(3) ? pick_empty() : src;
    seL4_Word dest_data = cnode_datas[rnd(ARRAY_LEN(cnode_datas))];
    seL4_Word pivot_data = cnode_datas[rnd(ARRAY_LEN(cnode_datas))];
    snprintf(what, sizeof(what),
             "Rotate(dest pool %d, pivot pool %d, src pool %d, data 0x%lx/0x%lx)", dst, pivot, src,
             dest_data, pivot_data);
    struct expect e = ok();
    if (pivot == src || pivot == dst) {
        e = err0(seL4_IllegalOperation);
    } else if (src != dst && model[dst].tag != KEEL_CAP_NULL) {
        e = err0(seL4_DeleteFirst);
    } else if (model[src].tag == KEEL_CAP_NULL) {
        e = missing_source();
    } else if (model[pivot].tag == KEEL_CAP_NULL) {
        e = (struct expect){
            .err = seL4_FailedLookup, .mrs = {0, seL4_MissingCapability, 64}, .nmrs = 3};
    } else if (!rotate_data_ok(&model[src], pivot_data) ||
               !rotate_data_ok(&model[pivot], dest_data)) {
        e = err0(seL4_IllegalOperation);
    }
    seL4_Error got = keel_cnode_rotate(ROOT, slot_of[dst], D64, dest_data, ROOT, slot_of[pivot],
                                       D64, pivot_data, ROOT, slot_of[src], D64);
    if (e.err == 0 && got == seL4_NoError) {
        if (src == dst) {
            model_swap(src, pivot);
        } else {
            model_move(dst, pivot);
            model_move(pivot, src);
        }
    }
    return e;
}

static struct expect do_delete(void)
{
    int i = rnd(4) ? pick_full() : (int)rnd(POOL);
    snprintf(what, sizeof(what), "Delete(pool %d)", i);
    seL4_Error got = root_delete(slot_of[i]);
    if (got == seL4_NoError) {
        model_delete(i);
    }
    return ok();
}

static struct expect do_revoke(void)
{
    int i = rnd(8) ? pick_full() : (rnd(2) ? U0 : U1);
    snprintf(what, sizeof(what), "Revoke(%s %d)", i >= POOL ? "untyped" : "pool",
             i >= POOL ? i - U0 : i);
    seL4_Error got = root_revoke(slot_of[i]);
    if (got == seL4_NoError) {
        model_revoke(i);
    }
    return ok();
}

static int reply_matches(seL4_Word got, const struct expect *e)
{
    if (got != e->err) {
        return 0;
    }
    if (got == seL4_NoError) {
        return 1;
    }
    if (keel_reply_length() != e->nmrs) {
        return 0;
    }
    for (unsigned i = 0; i < e->nmrs; i++) {
        if (keel_mr(i) != e->mrs[i]) {
            return 0;
        }
    }
    return 1;
}

static void t_cdt_stress(void)
{
    seL4_CPtr pool = slot_alloc_range(POOL), u = slot_alloc_range(2);
    CHECK(pool && u, "no slots");
    for (int i = 0; i < NMODEL; i++) {
        clear(i);
        slot_of[i] = i < POOL ? pool + (seL4_CPtr)i : u + (seL4_CPtr)(i - POOL);
    }
    CHECK_OK(root_retype(env.arena, seL4_UntypedObject, 16, slot_of[U0], 1));
    CHECK_OK(root_retype(env.arena, seL4_UntypedObject, 14, slot_of[U1], 1));
    model[U0] = (struct mcap){.tag = KEEL_CAP_UNTYPED, .parent = -1, .original = 1, .bits = 16};
    model[U1] = (struct mcap){.tag = KEEL_CAP_UNTYPED, .parent = -1, .original = 1, .bits = 14};
    rng_state = SEED;
    const unsigned steps = env.user_pstate == 0x40 ? STEPS_DEBUG_KERNEL : STEPS;
    for (unsigned step = 0; step < steps; step++) {
        seL4_Word r = rnd(100);
        struct expect e;
        unsigned kind;
        if (r < 25) {
            kind = 0;
            e = do_retype();
        } else if (r < 40) {
            kind = 1;
            e = do_copy_or_mint(0);
        } else if (r < 52) {
            kind = 2;
            e = do_copy_or_mint(1);
        } else if (r < 62) {
            kind = 3;
            e = do_move_or_mutate(0);
        } else if (r < 68) {
            kind = 4;
            e = do_move_or_mutate(1);
        } else if (r < 74) {
            kind = 7;
            e = do_rotate();
        } else if (r < 86) {
            kind = 5;
            e = do_delete();
        } else {
            kind = 6;
            e = do_revoke();
        }
        op_count[kind]++;
        op_errors += e.err != 0;
        seL4_Word got = keel_reply_label();
        if (!reply_matches(got, &e)) {
            FAIL("step %u: %s: got %s (len %lu, MR0 0x%lx), model expects %s (MR0 0x%lx)", step,
                 what, keel_error_name(got), keel_reply_length(), keel_mr(0),
                 keel_error_name(e.err), e.nmrs ? e.mrs[0] : 0UL);
        }
        for (int i = 0; i < NMODEL; i++) {
            seL4_Word tag = tag_of(slot_of[i]);
            if (tag != model[i].tag) {
                FAIL("step %u: after %s: %s %d (slot %lu) has tag %lu, model says %lu", step, what,
                     i >= POOL ? "untyped" : "pool", i >= POOL ? i - U0 : i, slot_of[i], tag,
                     model[i].tag);
            }
        }
    }
    // Revoking both untypeds empties the whole pool, and both are then wholly free.
    CHECK_OK(root_revoke(slot_of[U0]));
    CHECK_OK(root_revoke(slot_of[U1]));
    for (int i = 0; i < POOL; i++) {
        CHECK_TAG(slot_of[i], KEEL_CAP_NULL);
    }
    CHECK_OK(root_retype(slot_of[U0], seL4_UntypedObject, 16, slot_of[0], 1));
    CHECK_OK(root_retype(slot_of[U1], seL4_UntypedObject, 14, slot_of[1], 1));
    printf("captest: CDT stress: %u steps (seed 0x%lx): %u retype, %u copy, %u mint, %u move, "
           "%u mutate, %u rotate, %u delete, %u revoke; %u expected errors\n",
           steps, SEED, op_count[0], op_count[1], op_count[2], op_count[3], op_count[4],
           op_count[7], op_count[5], op_count[6], op_errors);
}

const struct captest_test stress_tests[] = {
    {901, "cdt_random_stress", t_cdt_stress},
};
const unsigned stress_tests_count = ARRAY_LEN(stress_tests);
