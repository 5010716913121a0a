// SPDX-License-Identifier: BSD-2-Clause
// Debug-build checks of INV-CAP, INV-MEM, INV-SCHED and INV-IPC over the reachable state.
// Invariants: INV-CAP-1, -2, -4, INV-IPC-1, -2, -16, INV-MEM-1..4, INV-SCHED-1..4
//   (proofs-notes/README.md)
#include <keel/cdt.h>
#include <keel/invariants.h>
#include <keel/ipc.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/walk.h>

static invariants_report_t rep;

static void violation(const char *inv, const void *where, const char *what)
{
    rep.violations++;
    if (rep.violations <= 8) {
        kprintf("Keel: invariant %s violated at %p: %s\n", inv, where, what);
    }
}

static void check_untyped(const cte_t *s)
{
    cap_t u = s->cap;
    uint64_t size = 1UL << cap_untyped_size_bits(u);
    uint64_t used = cap_untyped_free_bytes_used(u);
    if (used > size) {
        violation("INV-MEM-1", s, "untyped watermark beyond its size");
    }
    if ((cap_paddr(u) & (size - 1)) != 0) {
        violation("INV-MEM-2", s, "untyped not aligned to its size");
    }
    for (const cte_t *c = cdt_next(s); c != NULL && cdt_is_parent_of(s, c); c = cdt_next(c)) {
        uint64_t base = cap_paddr(c->cap);
        uint64_t bits = cap_object_size_bits(c->cap);
        if (base < cap_paddr(u) || base + (1UL << bits) > cap_paddr(u) + size) {
            violation("INV-MEM-3", c, "child object outside its untyped");
        } else if (base + (1UL << bits) > cap_paddr(u) + used) {
            violation("INV-MEM-4", c, "child object above the untyped's watermark");
        }
    }
}

static void check_slot(const cte_t *s)
{
    rep.slots++;
    cap_t c = s->cap;
    if (cap_is_null(c)) {
        if (s->prev != 0 || s->next != 0) {
            violation("INV-CAP-4", s, "empty slot still linked in the derivation tree");
        }
        return;
    }
    const cte_t *p = cdt_prev(s), *n = cdt_next(s);
    if (p != NULL && cdt_next(p) != s) {
        violation("INV-CAP-1", s, "prev->next does not point back");
    }
    if (n != NULL && cdt_prev(n) != s) {
        violation("INV-CAP-1", s, "next->prev does not point back");
    }
    uint64_t bits = cap_object_size_bits(c);
    if (bits != 0 && (cap_paddr(c) & ((1UL << bits) - 1)) != 0) {
        violation("INV-CAP-2", s, "object not aligned to its size");
    }
    if (cap_type(c) == CAP_UNTYPED) {
        check_untyped(s);
    }
}

/* The ready queues themselves: each thread runnable, at its own priority, linked both ways; the
 * bitmap bit set exactly for the non-empty queues; the current thread in none of them and at least
 * as important as all of them (the idle loop only when they are all empty). A queue longer than
 * the TCBs that fit in memory would mean a cycle: the walk stops there. */
static void check_ready_queues(void)
{
    const uint64_t max_threads = 1UL << (PLAT_PADDR_BITS - TCB_BITS);
    for (unsigned p = 0; p < NUM_PRIORITIES; p++) {
        const tcb_t *first = sched_queue_first(p);
        bool bit = (ready_bitmap[p / 64] >> (p % 64)) & 1;
        if (bit != (first != NULL)) {
            violation("INV-SCHED-1", first, "ready bitmap bit disagrees with its queue");
        }
        const tcb_t *prev = NULL;
        uint64_t n = 0;
        for (const tcb_t *t = first; t != NULL && n < max_threads; t = t->sched_next, n++) {
            if (t->sched_prev != prev) {
                violation("INV-SCHED-1", t, "ready queue links do not point back");
            }
            if (t->priority != p || !thread_runnable(t)) {
                violation("INV-SCHED-1", t, "queued thread not runnable or at another priority");
            }
            if (t == cur_thread) {
                violation("INV-SCHED-2", t, "the current thread is also in a ready queue");
            }
            prev = t;
        }
    }
    int best = sched_highest_ready();
    if (cur_thread == NULL ? best >= 0 : best > (int)cur_thread->priority) {
        violation("INV-SCHED-3", cur_thread, "a queued thread outranks the running one");
    }
}

static void visit_slot(void *ctx, cte_t *s)
{
    (void)ctx;
    check_slot(s);
}

static void visit_tcb(void *ctx, tcb_t *t)
{
    (void)ctx;
    for (unsigned k = 0; k < TCB_SLOT_COUNT; k++) {
        check_slot(&t->slots[k]);
    }
    if (!thread_runnable(t) && sched_is_queued(t)) {
        violation("INV-SCHED-1", t, "a blocked thread is in a ready queue");
    }
    if (thread_runnable(t) && t != cur_thread && !sched_is_queued(t)) {
        violation("INV-SCHED-4", t, "a runnable thread is in no ready queue: it would never run");
    }
    const cte_t *m = &t->slots[TCB_SLOT_REPLY];
    const cte_t *child = cdt_next(m);
    if ((m->next & 1) == 0) {
        violation("INV-IPC-2", m, "master reply cap lost its first-badged flag");
    }
    if (child != NULL && t->state != TS_BLOCKED_ON_REPLY) {
        violation("INV-IPC-1", t, "reply cap to a thread not waiting for a reply");
    }
    if (child != NULL && cdt_next(child) != NULL) {
        violation("INV-IPC-2", child, "a reply cap does not end its list");
    }
    if (t->fault_type != FAULT_NONE && t->state != TS_BLOCKED_ON_REPLY &&
        !(t->state == TS_BLOCKED_ON_SEND && t->blocking_is_call)) {
        violation("INV-IPC-16", t, "a pending fault on a thread not sending or awaiting it");
    }
}

invariants_report_t invariants_check(const tcb_t *root)
{
    rep = (invariants_report_t){ 0, 0, 0 };
    walk_visitor_t v = { .slot = visit_slot, .tcb = visit_tcb, .ctx = NULL };
    rep.cnodes = cspace_walk(root, &v);
    check_ready_queues();
    return rep;
}
