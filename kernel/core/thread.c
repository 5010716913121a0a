// SPDX-License-Identifier: BSD-2-Clause
// Per-thread helpers: where its IPC buffer is, and what a fault does to it.
// Invariants: INV-FP-2, INV-IPC-1, INV-SCHED-1, INV-TCB-1 (proofs-notes/README.md)
#include <keel/config.h>
#include <keel/ipc.h>
#include <keel/lookup.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/thread.h>
#include <arch/sysreg.h>

#define IPC_BUFFER_BYTES 1024u

void tcb_buffer_changed(tcb_t *t)
{
    cap_t c = t->slots[TCB_SLOT_BUFFER].cap;
    unsigned rights = cap_frame_vm_rights(c);
    t->ipcbuf = NULL;
    t->ipcbuf_rw = false;
    if (cap_type(c) != CAP_FRAME || cap_frame_is_device(c) || t->ipc_buffer == 0 ||
        (rights != VM_READ_WRITE && rights != VM_READ_ONLY)) {
        return;
    }
    uint64_t size = 1UL << cap_frame_size_bits(c);
    uint64_t off = t->ipc_buffer & (size - 1) & ~(uint64_t)(IPC_BUFFER_BYTES - 1);
    t->ipcbuf = (uint64_t *)obj_ptr(cap_paddr(c) + off);
    t->ipcbuf_rw = rights == VM_READ_WRITE;
}

uint64_t thread_sanitise_spsr(uint64_t requested)
{
    return (requested & 0xf0000000UL) | (KEEL_DEBUG_BUILD ? SPSR_EL0T_DEBUG : SPSR_EL0T_RELEASE);
}

static const char *fault_name(uint64_t type)
{
    switch (type) {
    case FAULT_CAP: return "capability fault";
    case FAULT_UNKNOWN_SYSCALL: return "unknown system call";
    case FAULT_USER_EXCEPTION: return "user exception";
    case FAULT_VM: return "VM fault";
    default: return "fault";
    }
}

void thread_fault(tcb_t *t)
{
    /* Delivery needs an endpoint cap with Write and Grant or GrantReply (§10.2). */
    cte_t *slot;
    lookup_fault_t lf;
    if (lookup_cap_slot(t, t->fault_ep, &slot, &lf)) {
        cap_t ep = slot->cap;
        if (cap_type(ep) == CAP_ENDPOINT && (cap_rights(ep) & RIGHT_WRITE) &&
            (cap_rights(ep) & (RIGHT_GRANT | RIGHT_GRANT_REPLY))) {
            ipc_send(t, ep, true, true, true);
            return;
        }
    }
    kprintf("Keel: %s in thread '%s' at pc %lx [%lx %lx %lx]; no fault handler (cptr %lx): "
            "thread is now inactive\n", fault_name(t->fault_type), t->name, t->restart_pc,
            t->fault_w[0], t->fault_w[1], t->fault_w[2], t->fault_ep);
    t->fault_type = FAULT_NONE;
    sched_dequeue(t);
    thread_set_state(t, TS_INACTIVE);
}
