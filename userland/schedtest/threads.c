// SPDX-License-Identifier: BSD-2-Clause
// Helper threads of the suite: stacks and IPC buffers in the image, a preemption-safe id log.

// Every helper runs in the root VSpace and CSpace. Its IPC buffer is a 1 KiB slot of a static,
// page-aligned array; TCB_Configure gets the BootInfo userImageFrames cap of the page holding it
// (§5.2). A helper has no TLS (TPIDR_EL0 = 0), so it must not call anything that uses TLS
// (printf, keel_invoke() and the wrappers built on it); it records what it sees in its
// st_thread_t, which the root thread reads.

#include "st.h"

#include <keel/alloc.h>

#include <string.h>

#define STACK_BYTES 16384

static seL4_IPCBuffer buffers[ST_MAX_THREADS] __attribute__((aligned(4096)));
static uint8_t stacks[ST_MAX_THREADS][STACK_BYTES] __attribute__((aligned(16)));
static st_thread_t pool[ST_MAX_THREADS];

// --- Invocations from helper threads -------------------------------------------------------------

seL4_Word st_tinvoke(st_thread_t *t, seL4_CPtr cap, seL4_Word label, unsigned nmr,
                     const seL4_Word *mr, unsigned ncaps, const seL4_CPtr *caps, seL4_Word *out)
{
    seL4_Word regs[4] = {0, 0, 0, 0};
    for (unsigned i = 0; i < nmr; i++) {
        if (i < 4) {
            regs[i] = mr[i];
        } else {
            t->buf->msg[i] = mr[i];
        }
    }
    for (unsigned k = 0; k < ncaps; k++) {
        t->buf->caps_or_badges[k] = caps[k];
    }
    seL4_MessageInfo_t info = keel_call(cap, seL4_MessageInfo_new(label, 0, ncaps, nmr), regs);
    if (out) {
        for (unsigned i = 0; i < 4; i++) {
            out[i] = regs[i];
        }
    }
    return seL4_MessageInfo_get_label(info);
}

seL4_Word st_invoke_regs(seL4_CPtr cap, seL4_Word label, unsigned nmr, const seL4_Word *mr,
                         seL4_Word *out)
{
    seL4_Word regs[4] = {0, 0, 0, 0};
    for (unsigned i = 0; i < nmr && i < 4; i++) {
        regs[i] = mr[i];
    }
    seL4_MessageInfo_t info = keel_call(cap, seL4_MessageInfo_new(label, 0, 0, nmr), regs);
    if (out) {
        for (unsigned i = 0; i < 4; i++) {
            out[i] = regs[i];
        }
    }
    return seL4_MessageInfo_get_label(info);
}

// --- The log -------------------------------------------------------------------------------------

static volatile seL4_Word log_ids[ST_LOG_MAX];
static volatile uint64_t log_next;

void st_log_reset(void)
{
    log_next = 0;
}

// Reserves an entry with an exclusive load/store pair: an exception return clears the exclusive
// monitor, so a thread preempted between the two retries instead of sharing the entry.
void st_log(seL4_Word id)
{
    uint64_t old, fail;
    do {
        __asm__ __volatile__("ldxr %0, [%2]\n\t"
                             "add %0, %0, #1\n\t"
                             "stxr %w1, %0, [%2]"
                             : "=&r"(old), "=&r"(fail)
                             : "r"(&log_next)
                             : "memory");
    } while (fail != 0);
    uint64_t i = old - 1;
    if (i < ST_LOG_MAX) {
        log_ids[i] = id;
    }
}

unsigned st_log_count(void)
{
    return log_next < ST_LOG_MAX ? (unsigned)log_next : ST_LOG_MAX;
}

seL4_Word st_log_at(unsigned i)
{
    return log_ids[i];
}

// --- Threads -------------------------------------------------------------------------------------

static _Noreturn void thread_entry(st_thread_t *self)
{
    self->entries++;
    self->fn(self);
    self->finished = 1;
    // TCB_Suspend on itself: the Call does not return (§8.4).
    for (;;) {
        st_invoke_regs(self->tcb, KEEL_INV_TCB_SUSPEND, 0, NULL, NULL);
    }
}

st_thread_t *st_thread_new(st_thread_fn fn, seL4_Word prio, seL4_Word id, const char *name)
{
    int index = -1;
    for (int i = 0; i < ST_MAX_THREADS; i++) {
        if (!pool[i].in_use) {
            index = i;
            break;
        }
    }
    if (index < 0) {
        st_fail("more helper threads in one test than the pool holds:", ST_MAX_THREADS, 0);
        return NULL;
    }
    st_thread_t *t = &pool[index];
    memset(t, 0, sizeof(*t));
    memset(&buffers[index], 0, sizeof(buffers[index]));
    t->index = index;
    t->fn = fn;
    t->id = id;
    t->buf = &buffers[index];
    t->tcb = st_new(seL4_TCBObject, 0);
    if (!t->tcb) {
        return NULL;
    }
    seL4_CPtr frame = keel_image_frame_cap(t->buf);
    seL4_Error e = keel_tcb_configure(t->tcb, 0, ST_ROOT_CNODE, 0, ST_ROOT_VS, 0,
                                      (seL4_Word)(uintptr_t)t->buf, frame);
    if (e != seL4_NoError) {
        st_fail("TCB_Configure of a helper failed with error", e, frame);
        return NULL;
    }
    e = keel_tcb_set_priority(t->tcb, ST_ROOT_TCB, prio);
    if (e != seL4_NoError) {
        st_fail("TCB_SetPriority of a helper failed with error", e, prio);
        return NULL;
    }
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)(uintptr_t)thread_entry;
    regs.sp = (seL4_Word)(uintptr_t)&stacks[index][STACK_BYTES];
    regs.x0 = (seL4_Word)(uintptr_t)t;
    e = keel_tcb_write_registers(t->tcb, 0, 0, 4, &regs);
    if (e != seL4_NoError) {
        st_fail("TCB_WriteRegisters of a helper failed with error", e, 0);
        return NULL;
    }
    if (name) {
        keel_debug_name_thread(t->tcb, name);
    }
    t->in_use = true;
    return t;
}

bool st_thread_start(st_thread_t *t)
{
    seL4_Error e = keel_tcb_resume(t->tcb);
    if (e != seL4_NoError) {
        st_fail("TCB_Resume failed with error", e, 0);
        return false;
    }
    return true;
}

void st_threads_reset(void)
{
    for (int i = 0; i < ST_MAX_THREADS; i++) {
        if (pool[i].in_use) {
            // Suspend first so that the thread stops at once even if its cap were not the last.
            keel_tcb_suspend(pool[i].tcb);
            st_delete(pool[i].tcb);
            pool[i].in_use = false;
        }
    }
}

// --- The EL0 idle thread -------------------------------------------------------------------------

static uint8_t idle_stack[4096] __attribute__((aligned(16)));

static _Noreturn void idle_body(void)
{
    for (;;) {
        __asm__ __volatile__("" : : : "memory");
    }
}

bool st_idle_start(void)
{
    seL4_CPtr tcb = st_new(seL4_TCBObject, 0);
    if (!tcb) {
        return false;
    }
    seL4_Error e =
        keel_tcb_configure(tcb, 0, ST_ROOT_CNODE, 0, ST_ROOT_VS, 0, 0, seL4_CapInitThreadIPCBuffer);
    if (e == seL4_NoError) {
        e = keel_tcb_set_priority(tcb, ST_ROOT_TCB, ST_IDLE_PRIO);
    }
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    regs.pc = (seL4_Word)(uintptr_t)idle_body;
    regs.sp = (seL4_Word)(uintptr_t)&idle_stack[sizeof(idle_stack)];
    if (e == seL4_NoError) {
        e = keel_tcb_write_registers(tcb, 1, 0, 2, &regs);
    }
    if (e != seL4_NoError) {
        st_fail("starting the EL0 idle thread failed with error", e, 0);
        return false;
    }
    keel_debug_name_thread(tcb, "st-idle");
    st.idle_tcb = tcb;
    return true;
}
