// SPDX-License-Identifier: BSD-2-Clause
// Debug console, thread naming and halting for user programs.

#include <keel/debug.h>
#include <keel/runtime.h>

void keel_debug_puts(const char *s)
{
    while (*s) {
        keel_debug_putchar(*s++);
    }
}

void keel_debug_name_thread(seL4_CPtr tcb, const char *name)
{
#if KEEL_DEBUG_SYSCALLS
    seL4_IPCBuffer *buffer = keel_ipc_buffer();
    if (!buffer) {
        return;
    }
    // The kernel halts the whole machine if it finds no NUL within msg[], so the copy is cut one
    // byte short of the end and always terminated.
    char *dst = (char *)buffer->msg;
    size_t room = sizeof(buffer->msg) - 1;
    size_t i = 0;
    for (; i < room && name[i]; i++) {
        dst[i] = name[i];
    }
    dst[i] = '\0';
    keel_sys_arg(seL4_SysDebugNameThread, tcb);
#else
    (void)tcb;
    (void)name;
#endif
}

_Noreturn void keel_debug_halt(void)
{
#if KEEL_DEBUG_SYSCALLS
    keel_sys_noarg(seL4_SysDebugHalt);
#endif
    // Reached without debug syscalls, or if the kernel ever returned from DebugHalt. Suspending
    // our own TCB takes the thread off the run queue without needing any other capability.
    seL4_Word mr[4] = {0, 0, 0, 0};
    keel_call(seL4_CapInitThreadTCB, seL4_MessageInfo_new(KEEL_LABEL_TCB_SUSPEND, 0, 0, 0), mr);
    for (;;) {
        keel_yield();
    }
}
