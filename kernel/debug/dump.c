// SPDX-License-Identifier: BSD-2-Clause
// DebugDumpScheduler: a table of the threads reachable from the root task's CSpace.
// Invariants: reads only (DebugDumpScheduler) (proofs-notes/README.md)
#include <keel/debug.h>
#include <keel/irq.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/walk.h>

static const char *state_name(thread_state_t s)
{
    static const char *const names[] = { "inactive", "running", "restart", "blocked-recv",
                                         "blocked-send", "blocked-reply", "blocked-ntfn", "idle" };
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void row(void *ctx, tcb_t *t)
{
    (void)ctx;
    kprintf("%-32s %-14s %016lx %3u %s\n", t->name, state_name(t->state), t->restart_pc,
            t->priority, t == cur_thread ? "current" : "");
}

void debug_dump_scheduler(const tcb_t *root)
{
    kprintf("name                             state          pc               pri\n");
    walk_visitor_t v = { .slot = NULL, .tcb = row, .ctx = NULL };
    cspace_walk(root, &v);
    kprintf("interrupts: %lu kernel ticks, %lu spurious, %lu unclaimed\n", kernel_ticks,
            irq_spurious_count(), irq_unclaimed_count());
}
