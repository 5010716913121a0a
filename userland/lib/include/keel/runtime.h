// SPDX-License-Identifier: BSD-2-Clause
// What the startup code hands to a program: the entry-register record and its IPC buffer.
#pragma once

#include <keel/types.h>

// Snapshot taken by _start before it touches any register, so that a program can check the
// kernel kept the startup contract (§12.4) instead of trusting it.
struct keel_entry_state {
    seL4_Word sp;          // SP_EL0 at entry; the contract says 0
    seL4_Word gpr_or;      // x1..x30 ORed together; 0 iff all of them were 0
    seL4_Word tpidr_el0;   // TLS register at entry; 0
    seL4_Word tpidrro_el0; // read-only TLS register at entry; 0
    seL4_Word nzcv;        // condition flags at entry; 0
};

extern const struct keel_entry_state keel_entry_state;

// The program's entry point after the runtime is up. Its return value is printed (debug builds)
// and the system is halted.
int root_main(const seL4_BootInfo *bi);

// The IPC buffer of the calling thread, or NULL if none was registered. Kept in TLS because every
// thread has its own.
seL4_IPCBuffer *keel_ipc_buffer(void);
void keel_set_ipc_buffer(seL4_IPCBuffer *buffer);
