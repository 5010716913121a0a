// SPDX-License-Identifier: BSD-2-Clause
// IPC helpers: a six-register syscall stub, notification signal/wait/poll, MR and cap-slot access.
#pragma once

// <keel/syscall.h> has one stub per register shape. Tests of the IPC paths need one more: a stub
// that loads x0..x5 from memory and stores all six back, so that a caller can preset registers to
// sentinels and see exactly which ones the kernel wrote (ABI sheet §2.2-§2.3: e.g. NBRecv with
// nothing pending writes x0 only, a notification wakes a Recv with only x0 written).
//
// Everything here is header-only and works on any thread: nothing reads TLS, so threads started
// without a TLS block may use it. Functions that need an IPC buffer take it as an argument.

#include <keel/syscall.h>
#include <keel/types.h>

// x0..x5 of one syscall, in and out.
typedef struct keel_ipc_regs {
    seL4_Word x0; // CPtr in; badge / notification word out
    seL4_Word x1; // message info in and out
    seL4_Word mr[4]; // x2..x5 = MR0..MR3
} keel_ipc_regs_t;

// Issues syscall `sys` with x0..x5 taken from *r and writes x0..x5 back to *r afterwards, whatever
// the syscall. Registers the kernel does not write therefore come back unchanged.
static inline void keel_ipc_syscall(seL4_Syscall_ID sys, keel_ipc_regs_t *r)
{
    register seL4_Word x0 __asm__("x0") = r->x0;
    register seL4_Word x1 __asm__("x1") = r->x1;
    register seL4_Word x2 __asm__("x2") = r->mr[0];
    register seL4_Word x3 __asm__("x3") = r->mr[1];
    register seL4_Word x4 __asm__("x4") = r->mr[2];
    register seL4_Word x5 __asm__("x5") = r->mr[3];
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    __asm__ __volatile__("svc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                         : "r"(x7)
                         : "memory");
    r->x0 = x0;
    r->x1 = x1;
    r->mr[0] = x2;
    r->mr[1] = x3;
    r->mr[2] = x4;
    r->mr[3] = x5;
}

// --- Notifications (§13.4): Signal = Send, Wait = Recv, Poll = NBRecv on a notification cap ------

static inline void keel_ipc_signal(seL4_CPtr ntfn)
{
    const seL4_Word mr[4] = {0, 0, 0, 0};
    keel_send(ntfn, seL4_MessageInfo_new(0, 0, 0, 0), mr);
}

// Blocks until the notification is active; returns its word (the ORed badges).
static inline seL4_Word keel_ipc_wait(seL4_CPtr ntfn)
{
    seL4_Word badge = 0;
    keel_recv(ntfn, NULL, &badge);
    return badge;
}

// Returns the word if the notification was active, else 0; never blocks.
static inline seL4_Word keel_ipc_poll(seL4_CPtr ntfn)
{
    seL4_Word badge = 0;
    keel_nbrecv(ntfn, NULL, &badge);
    return badge;
}

// --- Message registers ---------------------------------------------------------------------------

// MR0..MR3 travel in x2..x5 and the kernel never reads msg[0..3] (§5.1); these accessors are for
// MR4 and up, which live only in the buffer.
static inline void keel_ipc_set_mr(seL4_IPCBuffer *buf, unsigned i, seL4_Word v)
{
    buf->msg[i] = v;
}

static inline seL4_Word keel_ipc_get_mr(const seL4_IPCBuffer *buf, unsigned i)
{
    return buf->msg[i];
}

// Where a received cap goes (§5.4): slot `index` of the CNode `cnode`, resolved with `depth` bits.
static inline void keel_ipc_set_receive_path(seL4_IPCBuffer *buf, seL4_CPtr cnode, seL4_CPtr index,
                                             seL4_Word depth)
{
    buf->receiveCNode = cnode;
    buf->receiveIndex = index;
    buf->receiveDepth = depth;
}
