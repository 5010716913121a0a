// SPDX-License-Identifier: BSD-2-Clause
// Choosing what runs next; with a single thread, it runs if it can, otherwise the CPU idles.
#include <arch/context.h>
#include <arch/mmu.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/thread.h>

root_thread_t root_thread;

void thread_stop(root_thread_t *t, const char *why)
{
    t->runnable = 0;
    kprintf("Keel: thread '%s' stopped: %s\n", t->name, why);
}

_Noreturn void schedule_and_return(void)
{
    if (root_thread.runnable) {
        arch_return_to_user(&root_thread.ctx);
    }
    arch_idle();
}
