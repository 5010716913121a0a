// SPDX-License-Identifier: BSD-2-Clause
// Fixed-priority scheduling (ABI §13.6): ready queues, the current thread, switching.
#pragma once

#include <keel/object.h>

#define NUM_PRIORITIES 256
#define TIME_SLICE_TICKS 5

/* The root task's TCB, whose CSpace the debug invariant checker walks. */
extern tcb_t *sched_root_thread;

/* The thread that entered the kernel (NULL while idle). */
extern tcb_t *cur_thread;

bool thread_runnable(const tcb_t *t);
void thread_set_state(tcb_t *t, thread_state_t s);

void sched_enqueue_head(tcb_t *t);    /* woken, preempted: runs first among its priority */
void sched_enqueue_tail(tcb_t *t);    /* yield, time slice used up */
void sched_dequeue(tcb_t *t);
/* t is about to be destroyed: not queued, not a switch candidate. */
void sched_forget(tcb_t *t);
/* T became runnable: run it at kernel exit if it should preempt, otherwise queue it. */
void sched_possible_switch_to(tcb_t *t);
/* Ask for a fresh choice at kernel exit (current thread blocked, priority changed, ...). */
void sched_reschedule_required(void);
/* Priority of the best queued thread, -1 if none is queued. */
extern uint64_t ready_bitmap[NUM_PRIORITIES / 64];
static inline int sched_highest_ready(void)
{
    for (int w = NUM_PRIORITIES / 64 - 1; w >= 0; w--) {
        if (ready_bitmap[w] != 0) {
            return w * 64 + 63 - __builtin_clzl(ready_bitmap[w]);
        }
    }
    return -1;
}
/* For the debug invariant checker: is t in a ready queue; the first thread of queue p. */
bool sched_is_queued(const tcb_t *t);
const tcb_t *sched_queue_first(unsigned p);
/* Kernel entry from a running thread: nothing has changed yet. */
void sched_kernel_entry(void);
/* Kernel exit: settles who runs and returns to it, or idles. */
_Noreturn void sched_exit_kernel(void);
/* A timer tick charged to the current thread. */
void sched_tick(void);
