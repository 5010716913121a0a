// SPDX-License-Identifier: BSD-2-Clause
// Thread-level services: IPC buffer access, restarts, faults with no handler.
#pragma once

#include <keel/object.h>

/* The thread's IPC buffer through its buffer frame cap (ABI §5.2), NULL if it has none: a
 * read-only frame serves only to send. Decoded when the buffer slot changes. */
static inline uint64_t *thread_ipc_buffer(const tcb_t *t, bool writing)
{
    return writing && !t->ipcbuf_rw ? NULL : t->ipcbuf;
}
/* Recomputes the decoded IPC buffer after the buffer slot or address changed. */
void tcb_buffer_changed(tcb_t *t);
/* Raises the fault recorded in t->fault_type/fault_w: a Call on t's fault endpoint, or, with
 * no usable handler, t stops (double fault, §10.2). */
void thread_fault(tcb_t *t);
/* User PSTATE for a thread (§12.4), keeping only NZCV from `requested`. */
uint64_t thread_sanitise_spsr(uint64_t requested);
