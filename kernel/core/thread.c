// SPDX-License-Identifier: BSD-2-Clause
// Per-thread helpers: where its IPC buffer is, and what a fault does to it.
#include <keel/config.h>
#include <keel/lookup.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/thread.h>
#include <arch/sysreg.h>

#define IPC_BUFFER_BYTES 1024u

uint64_t *thread_ipc_buffer(const tcb_t *t, bool writing)
{
    cap_t c = t->slots[TCB_SLOT_BUFFER].cap;
    if (cap_type(c) != CAP_FRAME || cap_frame_is_device(c) || t->ipc_buffer == 0) {
        return NULL;
    }
    unsigned rights = cap_frame_vm_rights(c);
    if (rights != VM_READ_WRITE && (writing || rights != VM_READ_ONLY)) {
        return NULL;
    }
    uint64_t size = 1UL << cap_frame_size_bits(c);
    uint64_t off = t->ipc_buffer & (size - 1) & ~(uint64_t)(IPC_BUFFER_BYTES - 1);
    return (uint64_t *)obj_ptr(cap_paddr(c) + off);
}

uint64_t thread_sanitise_spsr(uint64_t requested)
{
    return (requested & 0xf0000000UL) | (KEEL_DEBUG_BUILD ? SPSR_EL0T_DEBUG : SPSR_EL0T_RELEASE);
}

static const char *fault_name(unsigned type)
{
    switch (type) {
    case 1: return "capability fault";
    case 2: return "unknown system call";
    case 3: return "user exception";
    case 5: return "VM fault";
    default: return "fault";
    }
}

void thread_fault(tcb_t *t, unsigned fault_type, const uint64_t *words, unsigned n)
{
    /* Delivery needs an endpoint cap with Write and Grant or GrantReply (§10.2). */
    cte_t *slot;
    lookup_fault_t lf;
    bool have_handler = false;
    if (lookup_cap_slot(t, t->fault_ep, &slot, &lf)) {
        cap_t ep = slot->cap;
        have_handler = cap_type(ep) == CAP_ENDPOINT && (cap_rights(ep) & RIGHT_WRITE) &&
                       (cap_rights(ep) & (RIGHT_GRANT | RIGHT_GRANT_REPLY));
    }
    kprintf("Keel: %s in thread '%s' at pc %lx", fault_name(fault_type), t->name,
            t->restart_pc);
    for (unsigned i = 0; i < n; i++) {
        kprintf(i == 0 ? " [%lx" : " %lx", words[i]);
    }
    kprintf("%s\n", n > 0 ? "]" : "");
    if (have_handler) {
        /* Fault IPC arrives with the IPC issue; until then the thread is stopped visibly. */
        kprintf("Keel: fault delivery to endpoint %lx is not available yet; thread stopped\n",
                t->fault_ep);
    } else {
        kprintf("Keel: no fault handler (fault endpoint cptr %lx); thread '%s' is now inactive\n",
                t->fault_ep, t->name);
    }
    sched_dequeue(t);
    thread_set_state(t, TS_INACTIVE);
}
