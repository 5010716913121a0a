// SPDX-License-Identifier: BSD-2-Clause
// Secondary threads for the IPC suite: a fixed pool of stacks and IPC buffers in the image.

// Frames cannot be mapped yet, so every thread runs in the root VSpace and its IPC buffer is a
// 1 KiB slot of a static, page-aligned array. The kernel reaches a buffer through the frame cap
// installed by TCB_Configure as frame_base + (address mod frame size) (ABI sheet §5.2); the cap
// is the BootInfo userImageFrames cap of the image page holding the buffer. Four buffers share
// each page, so the offset part of that computation is exercised too.
//
// Threads get no TLS block (TPIDR_EL0 = 0) and must not call anything that uses TLS (printf,
// errno, keel_ipc_buffer()); they record results in their it_thread_t for the root to check.

#include "ipctest.h"

#include <string.h>

extern const char __keel_image_start[];

#define STACK_BYTES 8192

static seL4_IPCBuffer thread_buffers[IT_MAX_THREADS + 1] __attribute__((aligned(4096)));
static uint8_t thread_stacks[IT_MAX_THREADS + 1][STACK_BYTES] __attribute__((aligned(16)));
static it_thread_t pool[IT_MAX_THREADS + 1]; // the last entry is the idle thread's, never freed

void it_thread_sys(seL4_Syscall_ID sys, keel_ipc_regs_t *r)
{
    keel_ipc_syscall(sys, r);
}

static _Noreturn void thread_entry(it_thread_t *self)
{
    self->fn(self);
    self->finished = 1;
    // TCB_Suspend on itself: the Call never returns (§8.4).
    seL4_Word mr[4] = {0, 0, 0, 0};
    for (;;) {
        keel_call(self->tcb, tag(11, 0, 0), mr);
    }
}

// The userImageFrames cap of the page holding addr.
static seL4_CPtr image_frame_cap(const void *addr)
{
    uintptr_t base = (uintptr_t)__keel_image_start;
    seL4_Word page = ((uintptr_t)addr - base) >> seL4_PageBits;
    seL4_SlotRegion frames = it.bi->userImageFrames;
    if (page >= frames.end - frames.start) {
        return 0;
    }
    return frames.start + page;
}

static it_thread_t *make(it_thread_fn fn, seL4_Word prio, seL4_CPtr fault_ep, bool with_buffer,
                         int index)
{
    it_thread_t *t = &pool[index];
    memset(t, 0, sizeof(*t));
    t->index = index;
    t->fn = fn;
    t->buf = with_buffer ? &thread_buffers[index] : NULL;
    memset(&thread_buffers[index], 0, sizeof(thread_buffers[index]));

    t->tcb = it_new(OBJ_TCB);
    if (t->tcb == 0) {
        return NULL;
    }
    seL4_CPtr frame = image_frame_cap(&thread_buffers[index]);
    if (!it_check(frame != 0, "no image frame cap covers IPC buffer %p", (void *)t->buf)) {
        return NULL;
    }
    seL4_Word buffer = with_buffer ? (seL4_Word)(uintptr_t)t->buf : 0;
    seL4_Word err = it_tcb_configure(t->tcb, fault_ep, frame, buffer);
    if (!it_check(err == 0, "TCB_Configure failed with error %lu", err)) {
        return NULL;
    }
    err = it_tcb_set_priority(t->tcb, prio);
    if (!it_check(err == 0, "TCB_SetPriority(%lu) failed with error %lu", prio, err)) {
        return NULL;
    }
    seL4_Word sp = (seL4_Word)(uintptr_t)&thread_stacks[index][STACK_BYTES];
    err = it_tcb_write_regs(t->tcb, (seL4_Word)(uintptr_t)thread_entry, sp,
                            (seL4_Word)(uintptr_t)t);
    if (!it_check(err == 0, "TCB_WriteRegisters failed with error %lu", err)) {
        return NULL;
    }
    t->in_use = true;
    return t;
}

static it_thread_t *alloc(it_thread_fn fn, seL4_Word prio, seL4_CPtr fault_ep, bool with_buffer)
{
    // The idle thread takes the extra last entry; tests share the others.
    if (prio == 1) {
        return make(fn, prio, fault_ep, with_buffer, IT_MAX_THREADS);
    }
    for (int i = 0; i < IT_MAX_THREADS; i++) {
        if (!pool[i].in_use) {
            return make(fn, prio, fault_ep, with_buffer, i);
        }
    }
    it_check(false, "test harness: more than %d threads in one test", IT_MAX_THREADS);
    return NULL;
}

it_thread_t *it_thread(it_thread_fn fn, seL4_Word prio, seL4_CPtr fault_ep)
{
    return alloc(fn, prio, fault_ep, true);
}

it_thread_t *it_thread_nobuf(it_thread_fn fn, seL4_Word prio, seL4_CPtr fault_ep)
{
    return alloc(fn, prio, fault_ep, false);
}

void it_thread_rewind(it_thread_t *t, it_thread_fn fn)
{
    t->fn = fn;
    seL4_Word sp = (seL4_Word)(uintptr_t)&thread_stacks[t->index][STACK_BYTES];
    seL4_Word err = it_tcb_write_regs(t->tcb, (seL4_Word)(uintptr_t)thread_entry, sp,
                                      (seL4_Word)(uintptr_t)t);
    it_check(err == 0, "TCB_WriteRegisters failed with error %lu", err);
}

void it_start(it_thread_t *t)
{
    if (t == NULL) {
        return;
    }
    seL4_Word err = it_tcb_resume(t->tcb);
    it_check(err == 0, "TCB_Resume failed with error %lu", err);
}

void it_threads_reset(void)
{
    for (int i = 0; i < IT_MAX_THREADS; i++) {
        if (pool[i].in_use) {
            it_tcb_suspend(pool[i].tcb);
            pool[i].in_use = false;
        }
    }
}

// --- One-syscall threads -------------------------------------------------------------------------

static void sys_thread_body(it_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[1], self->a[2], {self->a[3], self->a[4], self->a[5], self->a[6]}};
    self->stage = 1;
    it_sys_at((seL4_Syscall_ID)(long)self->a[0], &r, (seL4_Word *)&self->r[R_SVC]);
    self->r[R_X0] = r.x0;
    self->r[R_X1] = r.x1;
    for (unsigned i = 0; i < 4; i++) {
        self->r[R_MR + i] = r.mr[i];
    }
    self->stage = 2;
}

static it_thread_t *sys_thread(bool with_buffer, seL4_Word prio, seL4_CPtr fault_ep,
                               seL4_Syscall_ID sys, seL4_CPtr cptr, seL4_Word info,
                               const seL4_Word *mr)
{
    it_thread_t *t = alloc(sys_thread_body, prio, fault_ep, with_buffer);
    if (t == NULL) {
        return NULL;
    }
    static const seL4_Word sentinels[4] = {SENT0, SENT1, SENT2, SENT3};
    if (mr == NULL) {
        mr = sentinels;
    }
    t->a[0] = (seL4_Word)(long)sys;
    t->a[1] = cptr;
    t->a[2] = info;
    for (unsigned i = 0; i < 4; i++) {
        t->a[3 + i] = mr[i];
    }
    return t;
}

it_thread_t *it_sys_thread(seL4_Word prio, seL4_CPtr fault_ep, seL4_Syscall_ID sys, seL4_CPtr cptr,
                           seL4_Word info, const seL4_Word *mr)
{
    return sys_thread(true, prio, fault_ep, sys, cptr, info, mr);
}

it_thread_t *it_sys_thread_nobuf(seL4_Word prio, seL4_CPtr fault_ep, seL4_Syscall_ID sys,
                                 seL4_CPtr cptr, seL4_Word info, const seL4_Word *mr)
{
    return sys_thread(false, prio, fault_ep, sys, cptr, info, mr);
}
