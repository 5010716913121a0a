// SPDX-License-Identifier: BSD-2-Clause
// C half of the root-task startup: TLS, IPC buffer, allocator, constructors, then root_main.

// This file is built with -mgeneral-regs-only: nothing before root_main may touch FP/SIMD, so a
// kernel that has not enabled FP for EL0 yet still gets as far as the program's first output.
// BSS is not cleared here because the kernel zero-fills the whole image before starting us.

#include <keel/alloc.h>
#include <keel/debug.h>
#include <keel/runtime.h>
#include <picotls.h>
#include <stdint.h>

// Provided by keel-user.ld.
extern const char __tdata_source[];
extern const char __tdata_end[];
extern char __keel_root_tls[];

typedef void (*keel_ctor_fn)(void);
extern keel_ctor_fn __preinit_array_start[];
extern keel_ctor_fn __preinit_array_end[];
extern keel_ctor_fn __init_array_start[];
extern keel_ctor_fn __init_array_end[];

_Noreturn void keel_root_start(const seL4_BootInfo *bi);

static _Thread_local seL4_IPCBuffer *thread_ipc_buffer;

seL4_IPCBuffer *keel_ipc_buffer(void)
{
    return thread_ipc_buffer;
}

void keel_set_ipc_buffer(seL4_IPCBuffer *buffer)
{
    thread_ipc_buffer = buffer;
}

// The root thread gets its own TLS block instead of running on the .tdata/.tbss template, so the
// template stays pristine for threads created later with _init_tls(). Only the initialised part
// is copied: the block lives in the already-zeroed image, which covers the .tbss part.
static void tls_init_root(void)
{
    // The length is taken as the distance between two addresses: reading it from an absolute
    // symbol's address (&__tdata_size) lets the compiler assume it is non-zero, since no object
    // lives at address 0, and the copy loop would then run away when there is no .tdata.
    const char *src = __tdata_source;
    size_t len = (uintptr_t)__tdata_end - (uintptr_t)__tdata_source;
    for (size_t i = 0; i < len; i++) {
        __keel_root_tls[i] = src[i];
    }
    _set_tls(__keel_root_tls);
}

static void run_ctors(keel_ctor_fn *start, keel_ctor_fn *end)
{
    for (keel_ctor_fn *fn = start; fn < end; fn++) {
        (*fn)();
    }
}

_Noreturn void keel_root_start(const seL4_BootInfo *bi)
{
    tls_init_root();
    // A BootInfo pointer the kernel got wrong is left for root_main to report; dereferencing it
    // here would fault before anything could be printed.
    if (bi && ((uintptr_t)bi & ((1UL << seL4_PageBits) - 1)) == 0) {
        keel_set_ipc_buffer(bi->ipcBuffer);
        keel_alloc_init(bi);
    }
    run_ctors(__preinit_array_start, __preinit_array_end);
    run_ctors(__init_array_start, __init_array_end);
    if (root_main(bi) != 0) {
        keel_debug_puts("keel: root_main returned non-zero\n");
    }
    keel_debug_halt();
}
