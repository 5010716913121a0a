// SPDX-License-Identifier: BSD-2-Clause
// Ready queues over 256 priorities with a bitmap, and seL4's rule for direct switches.
// Invariants: INV-SCHED-1..4, INV-TCB-2, INV-VS-1 (proofs-notes/README.md)
#include <arch/context.h>
#include <arch/machine.h>
#include <arch/fpu.h>
#include <arch/vspace.h>
#include <keel/config.h>
#include <keel/invariants.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/sched.h>

tcb_t *cur_thread;

/* What happens at kernel exit: resume the current thread, switch to a candidate, or choose. */
static enum { ACT_RESUME, ACT_SWITCH_TO, ACT_CHOOSE } action = ACT_CHOOSE;
static tcb_t *candidate;

static tcb_t *queue_head[NUM_PRIORITIES];
static tcb_t *queue_tail[NUM_PRIORITIES];
uint64_t ready_bitmap[NUM_PRIORITIES / 64];
/* Queued threads are marked by a non-NULL sched_prev or being the head: keep a flag instead. */
static bool queued(const tcb_t *t)
{
    return t->sched_prev != NULL || queue_head[t->priority] == t;
}

bool sched_is_queued(const tcb_t *t)
{
    return queued(t);
}

const tcb_t *sched_queue_first(unsigned p)
{
    return p < NUM_PRIORITIES ? queue_head[p] : NULL;
}

bool thread_runnable(const tcb_t *t)
{
    return t->state == TS_RUNNING || t->state == TS_RESTART;
}

void thread_set_state(tcb_t *t, thread_state_t s)
{
    t->state = s;
    /* A pending switch already replaces the current thread; only a plain resume must turn
     * into a fresh choice (as seL4's scheduleTCB). */
    if (t == cur_thread && action == ACT_RESUME && !thread_runnable(t)) {
        sched_reschedule_required();
    }
}

void sched_enqueue_head(tcb_t *t)
{
    if (queued(t)) {
        return;
    }
    unsigned p = t->priority;
    t->sched_prev = NULL;
    t->sched_next = queue_head[p];
    if (queue_head[p] != NULL) {
        queue_head[p]->sched_prev = t;
    } else {
        queue_tail[p] = t;
    }
    queue_head[p] = t;
    ready_bitmap[p / 64] |= 1UL << (p % 64);
}

void sched_enqueue_tail(tcb_t *t)
{
    if (queued(t)) {
        return;
    }
    unsigned p = t->priority;
    t->sched_next = NULL;
    t->sched_prev = queue_tail[p];
    if (queue_tail[p] != NULL) {
        queue_tail[p]->sched_next = t;
    } else {
        queue_head[p] = t;
    }
    queue_tail[p] = t;
    ready_bitmap[p / 64] |= 1UL << (p % 64);
}

void sched_dequeue(tcb_t *t)
{
    if (!queued(t)) {
        return;
    }
    unsigned p = t->priority;
    if (t->sched_prev != NULL) {
        t->sched_prev->sched_next = t->sched_next;
    } else {
        queue_head[p] = t->sched_next;
    }
    if (t->sched_next != NULL) {
        t->sched_next->sched_prev = t->sched_prev;
    } else {
        queue_tail[p] = t->sched_prev;
    }
    t->sched_next = t->sched_prev = NULL;
    if (queue_head[p] == NULL) {
        ready_bitmap[p / 64] &= ~(1UL << (p % 64));
    }
}

void sched_forget(tcb_t *t)
{
    sched_dequeue(t);
    if (candidate == t) {
        action = ACT_CHOOSE;
        candidate = NULL;
    }
}

void sched_reschedule_required(void)
{
    if (action == ACT_SWITCH_TO && candidate != NULL) {
        sched_enqueue_head(candidate);
    }
    action = ACT_CHOOSE;
    candidate = NULL;
}

void sched_possible_switch_to(tcb_t *t)
{
    if (action != ACT_RESUME) {
        sched_reschedule_required();
        sched_enqueue_head(t);
    } else {
        action = ACT_SWITCH_TO;
        candidate = t;
    }
}

static tcb_t *choose_thread(void)
{
    int p = sched_highest_ready();
    if (p < 0) {
        return NULL;
    }
    tcb_t *t = queue_head[p];
    sched_dequeue(t);
    return t;
}

void sched_kernel_entry(void)
{
    action = ACT_RESUME;
    candidate = NULL;
}

static void settle(void)
{
    bool was_runnable = cur_thread != NULL && thread_runnable(cur_thread);
    if (action == ACT_RESUME && was_runnable) {
        return;
    }
    if (was_runnable) {
        sched_enqueue_head(cur_thread);
    }
    tcb_t *next;
    if (action == ACT_SWITCH_TO) {
        tcb_t *c = candidate;
        int best = sched_highest_ready();
        if (!was_runnable && best > c->priority) {
            sched_enqueue_head(c);
            next = choose_thread();
        } else if (was_runnable && c->priority == cur_thread->priority) {
            sched_enqueue_tail(c);
            next = choose_thread();
        } else if (was_runnable && c->priority < cur_thread->priority) {
            sched_enqueue_head(c);
            next = choose_thread();
        } else {
            next = c;
        }
    } else {
        next = choose_thread();
    }
    cur_thread = next;
    action = ACT_RESUME;
    candidate = NULL;
}

tcb_t *sched_root_thread;

_Noreturn void sched_exit_kernel(void)
{
    settle();
#if KEEL_DEBUG_BUILD
    if (sched_root_thread != NULL) {
        invariants_report_t r = invariants_check(sched_root_thread);
        if (r.violations != 0) {
            panic("%lu invariant violations (%lu slots checked)", r.violations, r.slots);
        }
    }
#endif
    tcb_t *t = cur_thread;
    if (t == NULL) {
        arch_idle();
    }
    if (t->state == TS_RESTART) {
        t->ctx.pc = t->restart_pc;
        t->state = TS_RUNNING;
    }
    vspace_activate(t);
    arch_fpu_switch_to(t);
    arch_return_to_user(&t->ctx);
}

void sched_tick(void)
{
    tcb_t *t = cur_thread;
    if (t == NULL || !thread_runnable(t)) {
        return;
    }
    if (t->time_slice > 1) {
        t->time_slice--;
        return;
    }
    t->time_slice = TIME_SLICE_TICKS;
    sched_enqueue_tail(t);
    sched_reschedule_required();
}
