// SPDX-License-Identifier: BSD-2-Clause
// Console output and halting through the kernel's debug syscalls (−9..−14).
#pragma once

// Under seL4 the debug syscalls exist only in debug kernels (ABI sheet §2.5), and calling one on a
// kernel without them raises an UnknownSyscall fault, which for the root task means silent death.
// Keel keeps DebugPutChar and DebugHalt in every build, so they are used by default; building with
// KEEL_DEBUG_SYSCALLS=0 targets a kernel without them: output is dropped and halting falls back
// to an ordinary invocation.

#include <keel/syscall.h>
#include <keel/types.h>

#ifndef KEEL_DEBUG_SYSCALLS
#define KEEL_DEBUG_SYSCALLS 1
#endif

// seL4_TCB_Suspend's invocation label (§8.4): the only way to stop a thread on a release kernel.
#define KEEL_LABEL_TCB_SUSPEND 11

static inline void keel_debug_putchar(char c)
{
#if KEEL_DEBUG_SYSCALLS
    keel_sys_arg(seL4_SysDebugPutChar, (seL4_Word)(unsigned char)c);
#else
    (void)c;
#endif
}

static inline void keel_debug_dump_scheduler(void)
{
#if KEEL_DEBUG_SYSCALLS
    keel_sys_noarg(seL4_SysDebugDumpScheduler);
#endif
}

static inline void keel_debug_snapshot(void)
{
#if KEEL_DEBUG_SYSCALLS
    keel_sys_noarg(seL4_SysDebugSnapshot);
#endif
}

// Returns the kernel's cap-type tag (§13.12), 0 for an empty slot, and 0 without debug syscalls.
static inline seL4_Word keel_debug_cap_identify(seL4_CPtr cap)
{
#if KEEL_DEBUG_SYSCALLS
    return keel_sys_arg_ret(seL4_SysDebugCapIdentify, cap);
#else
    (void)cap;
    return 0;
#endif
}

void keel_debug_puts(const char *s);

// Copies the name into the calling thread's IPC buffer at msg[0], where the kernel looks for it;
// the buffer must have been registered with keel_set_ipc_buffer() first.
void keel_debug_name_thread(seL4_CPtr tcb, const char *name);

// Stops the machine (QEMU powers off). Without debug syscalls the root thread suspends itself
// instead and the system goes idle.
_Noreturn void keel_debug_halt(void);
