// SPDX-License-Identifier: BSD-2-Clause
// DebugDumpScheduler: a table of the threads reachable from the root task's CSpace.
#include <keel/debug.h>
#include <keel/printk.h>
#include <keel/sched.h>

#define MAX_CNODES 256

static const char *state_name(thread_state_t s)
{
    static const char *const names[] = { "inactive", "running", "restart", "blocked-recv",
                                         "blocked-send", "blocked-reply", "blocked-ntfn", "idle" };
    return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void row(const tcb_t *t)
{
    kprintf("%-32s %-14s %016lx %3u %s\n", t->name, state_name(t->state), t->restart_pc,
            t->priority, t == cur_thread ? "current" : "");
}

void debug_dump_scheduler(const tcb_t *root)
{
    kprintf("name                             state          pc               pri\n");
    uint64_t todo[MAX_CNODES], seen[MAX_CNODES];
    unsigned radix[MAX_CNODES], ntodo = 0, nseen = 0;
    cap_t rc = root->slots[TCB_SLOT_CSPACE].cap;
    if (cap_type(rc) == CAP_CNODE) {
        todo[ntodo] = seen[nseen++] = cap_paddr(rc);
        radix[ntodo++] = cap_cnode_radix(rc);
    }
    uint64_t tcbs[MAX_CNODES];
    unsigned ntcbs = 0;
    while (ntodo > 0) {
        ntodo--;
        cte_t *slots = obj_ptr(todo[ntodo]);
        for (uint64_t i = 0; i < (1UL << radix[ntodo]); i++) {
            cap_t c = slots[i].cap;
            uint64_t pa = cap_paddr(c);
            bool known = false;
            if (cap_type(c) == CAP_TCB) {
                for (unsigned k = 0; k < ntcbs; k++) {
                    known |= tcbs[k] == pa;
                }
                if (!known && ntcbs < MAX_CNODES) {
                    tcbs[ntcbs++] = pa;
                    row(cap_tcb(c));
                }
            } else if (cap_type(c) == CAP_CNODE && ntodo < MAX_CNODES && nseen < MAX_CNODES) {
                for (unsigned k = 0; k < nseen; k++) {
                    known |= seen[k] == pa;
                }
                if (!known) {
                    seen[nseen++] = pa;
                    todo[ntodo] = pa;
                    radix[ntodo++] = cap_cnode_radix(c);
                }
            }
        }
    }
}
