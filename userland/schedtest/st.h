// SPDX-License-Identifier: BSD-2-Clause
// Shared declarations of the scheduling/interrupt suite and the IRQ latency benchmark.
#pragma once

// Two root tasks are built from this directory:
//   schedtest.elf  numbered SCHED/IRQ tests (main.c, t_sched.c, t_irq.c)
//   irqlat.elf     interrupt latency under QEMU -icount, printed as BENCH lines (irqlat.c)
// Both need a kernel built with KEEL_EXPORT_PTMR and KEEL_EXPORT_PCNT (EL0 programs the EL1
// physical timer, PPI INTID 30, and reads CNTPCT_EL0/CNTFRQ_EL0, ABI sheet §13.14); irqlat also
// needs KEEL_PMU_USER (PMCCNTR_EL0 at EL0).
//
// Everything here except the thread bodies runs in the root thread, which has TLS and an IPC
// buffer. Helper threads have neither: they use only the header-only syscall stubs, and
// st_tinvoke() with their own IPC buffer for invocations that carry caps.

#include <keel/debug.h>
#include <keel/invoke.h>
#include <keel/ipc.h>
#include <keel/runtime.h>
#include <keel/syscall.h>
#include <keel/types.h>
#include <keel/vm.h>
#include <stdbool.h>
#include <stdint.h>

#define ST_ROOT_CNODE seL4_CapInitThreadCNode
#define ST_ROOT_TCB   seL4_CapInitThreadTCB
#define ST_ROOT_VS    seL4_CapInitThreadVSpace
#define ST_DEPTH      64

// The root thread runs at ST_ROOT_PRIO (it lowers itself from 255 at start-up, MCP stays 255),
// so that threads can be placed both below it (they run only while it sleeps) and above it.
#define ST_ROOT_PRIO 200

// Interrupts used (platform-facts: GIC INTIDs).
#define ST_IRQ_KERNEL_TIMER 27 // EL1 virtual timer: the kernel's tick
#define ST_IRQ_PTIMER       30 // EL1 physical timer: the user-level timer (KEEL_EXPORT_PTMR)

// Badge bits of the root notification (st.rn).
#define ST_BIT_TIMER 0x1UL // the harness's user timer fired
#define ST_BIT_UART  0x2UL // PL011 interrupt (IRQ tests)
#define ST_BIT_DONE  0x4UL // a helper thread reports
#define ST_BIT_AUX   0x8UL // a second helper signal

// --- Generic timer registers from EL0 (§13.14) ---------------------------------------------------

static inline uint64_t st_cntpct(void)
{
    uint64_t v;
    __asm__ __volatile__("isb\n\tmrs %0, cntpct_el0" : "=r"(v) : : "memory");
    return v;
}

static inline uint64_t st_cntfrq(void)
{
    uint64_t v;
    __asm__ __volatile__("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

static inline void st_cntp_cval_write(uint64_t v)
{
    __asm__ __volatile__("msr cntp_cval_el0, %0\n\tisb" : : "r"(v) : "memory");
}

static inline uint64_t st_cntp_cval_read(void)
{
    uint64_t v;
    __asm__ __volatile__("mrs %0, cntp_cval_el0" : "=r"(v) : : "memory");
    return v;
}

// CNTP_CTL_EL0: bit 0 ENABLE, bit 1 IMASK, bit 2 ISTATUS (read-only).
#define ST_CTL_ENABLE  0x1UL
#define ST_CTL_IMASK   0x2UL
#define ST_CTL_ISTATUS 0x4UL

static inline void st_cntp_ctl_write(uint64_t v)
{
    __asm__ __volatile__("msr cntp_ctl_el0, %0\n\tisb" : : "r"(v) : "memory");
}

static inline uint64_t st_cntp_ctl_read(void)
{
    uint64_t v;
    __asm__ __volatile__("isb\n\tmrs %0, cntp_ctl_el0" : "=r"(v) : : "memory");
    return v;
}

// Fires (interrupt line asserted) from the moment CNTPCT >= cval until disarmed or reprogrammed.
static inline void st_ptimer_arm(uint64_t cval)
{
    st_cntp_cval_write(cval);
    st_cntp_ctl_write(ST_CTL_ENABLE);
}

static inline void st_ptimer_disarm(void)
{
    st_cntp_ctl_write(0);
}

static inline uint64_t st_pmccntr(void)
{
    uint64_t v;
    __asm__ __volatile__("isb\n\tmrs %0, pmccntr_el0" : "=r"(v) : : "memory");
    return v;
}

// --- Environment (env.c) -------------------------------------------------------------------------

enum st_platform { ST_PLAT_UNKNOWN, ST_PLAT_VIRT, ST_PLAT_RPI4 };

struct st_env {
    const seL4_BootInfo *bi;
    enum st_platform platform;
    const char *platform_name;
    seL4_Word max_irq;    // largest INTID IRQControl_Get accepts (§8.7)
    seL4_Word uart_paddr; // the console PL011
    seL4_Word uart_irq;
    uint64_t freq;       // CNTFRQ_EL0
    seL4_CPtr rn;        // the root thread's notification (all rights, badge 0)
    seL4_CPtr rn_timer;  // rn badged ST_BIT_TIMER: target of the harness's timer IRQ
    seL4_CPtr rn_uart;   // rn badged ST_BIT_UART
    seL4_CPtr rn_done;   // rn badged ST_BIT_DONE: helper threads report through it
    seL4_CPtr rn_aux;    // rn badged ST_BIT_AUX
    seL4_CPtr timer_irq; // IRQHandler for ST_IRQ_PTIMER held by the harness, 0 if released
    bool timer_ok;       // the user timer was seen to fire at start-up
    seL4_CPtr idle_tcb;  // the EL0 idle thread (st_idle_start), 0 if none
    // Kernel entries cost far more than usual (a debug kernel, whose invariant checker runs at
    // every exit): the tests that build trees of thousands of caps scale them down.
    bool slow_kernel;
};
extern struct st_env st;

// How the shared code reports a failure that stops what it was doing: the program decides what a
// failure means (schedtest marks the running test failed, irqlat prints "bench: FAIL").
void st_fail(const char *what, seL4_Word a, seL4_Word b);

// Start-up: BootInfo, platform, the root notification; false (after st_fail) on error.
bool st_env_init(const seL4_BootInfo *bi);

// Slots of the root CNode and objects from RAM untypeds, through libkeel's allocator
// (<keel/alloc.h>): a mark is the allocator's next bump slot.
seL4_CPtr st_slot(void);
seL4_CPtr st_slots(unsigned n);
seL4_CPtr st_slot_mark(void);
// Deletes every cap in [mark, next free slot) and makes the slots free again.
void st_slot_release(seL4_CPtr mark);

// n objects retyped from RAM untypeds into n new consecutive root slots; first slot or 0.
seL4_CPtr st_new_n(seL4_Word type, seL4_Word size_bits, unsigned n);
seL4_CPtr st_new(seL4_Word type, seL4_Word size_bits);
// Mints `src` with rights and badge into a new slot; 0 on error.
seL4_CPtr st_mint(seL4_CPtr src, seL4_Word rights, seL4_Word badge);
seL4_Error st_delete(seL4_CPtr slot);
seL4_Error st_revoke(seL4_CPtr slot);

// A 4 KiB device frame at paddr carved out of the device untyped covering it, mapped uncached
// (Device-nGnRnE, execute-never) at vaddr in the root VSpace; returns the frame cap or 0.
seL4_CPtr st_map_device_page(seL4_Word paddr, seL4_Word vaddr);
// Maps frame f read-write, never executable, at vaddr of the root VSpace, adding page tables.
bool st_map_frame(seL4_CPtr f, seL4_Word vaddr);

// --- The harness's user timer (timer.c) ----------------------------------------------------------

// Claims ST_IRQ_PTIMER, targets st.rn_timer and checks that the timer fires (st.timer_ok).
bool st_timer_init(void);
// Gives the IRQHandler cap back (IRQ tests that claim INTID 30 themselves) and reclaims it.
void st_timer_release(void);
bool st_timer_reclaim(void);
// Undoes whatever a test left: timer disarmed, handler claimed and aimed at st.rn_timer,
// delivered interrupt acknowledged, stale bits dropped.
void st_timer_restore(void);

// Blocks the root thread until one of the bits in `mask` has been signalled on st.rn or CNTPCT
// reaches `deadline`, whichever is first; returns the bits of `mask` received (0 on timeout).
// Other bits that arrive are kept for a later call. Needs st.timer_ok.
seL4_Word st_wait_until(seL4_Word mask, uint64_t deadline);
seL4_Word st_wait_ms(seL4_Word mask, uint64_t ms);
void st_sleep_ms(uint64_t ms);
// Sleeps in 1 ms steps until *v == want or `ms` pass; true if it got there. For checks that a
// thread made progress: on a slow (debug) kernel a few system calls can take milliseconds.
bool st_await(volatile seL4_Word *v, seL4_Word want, uint64_t ms);
// The same until *v > above (a counter that must grow).
bool st_await_above(volatile seL4_Word *v, seL4_Word above, uint64_t ms);
uint64_t st_ms_to_ticks(uint64_t ms);
uint64_t st_us_to_ticks(uint64_t us);
uint64_t st_ticks_to_us(uint64_t ticks);

// --- Helper threads (threads.c) ------------------------------------------------------------------

#define ST_MAX_THREADS 8
#define ST_RESULTS     16

typedef struct st_thread st_thread_t;
typedef void (*st_thread_fn)(st_thread_t *self);

struct st_thread {
    seL4_CPtr tcb;
    seL4_IPCBuffer *buf;
    st_thread_fn fn;
    seL4_Word id;                     // what the thread logs
    seL4_Word a[8];                   // arguments set by the test before starting it
    volatile seL4_Word r[ST_RESULTS]; // results
    volatile seL4_Word stage;         // how far it got
    volatile seL4_Word count;         // busy-loop counter
    volatile seL4_Word entries;       // times fn was entered
    volatile seL4_Word finished;      // 1 once fn returned
    int index;
    bool in_use;
};

// A new TCB (not started) in the root CSpace and VSpace with its own stack and IPC buffer,
// priority prio (authority: the root TCB), registers set to enter fn. NULL after st_fail.
st_thread_t *st_thread_new(st_thread_fn fn, seL4_Word prio, seL4_Word id, const char *name);
// TCB_Resume; false after st_fail.
bool st_thread_start(st_thread_t *t);
// Deletes the TCB of every thread created since the last reset.
void st_threads_reset(void);

// An invocation by a helper thread through its own IPC buffer: nmr words (≤ 4 travel in
// registers, the rest in the buffer), ncaps cap arguments; the reply MR0..MR3 go to out[] if
// given. Returns the reply label (the error code).
seL4_Word st_tinvoke(st_thread_t *t, seL4_CPtr cap, seL4_Word label, unsigned nmr,
                     const seL4_Word *mr, unsigned ncaps, const seL4_CPtr *caps, seL4_Word *out);
// Register-only invocation (no caps, ≤ 4 words), usable from any thread.
seL4_Word st_invoke_regs(seL4_CPtr cap, seL4_Word label, unsigned nmr, const seL4_Word *mr,
                         seL4_Word *out);

// An EL0 thread at ST_IDLE_PRIO that spins for ever, so that the CPU is never left to the
// kernel's idle loop while the root thread sleeps (schedtest: see main.c). Suspend/Resume it
// through st.idle_tcb.
#define ST_IDLE_PRIO 1
bool st_idle_start(void);

// A shared, preemption-safe log of thread ids (exclusive load/store).
#define ST_LOG_MAX 256
void st_log_reset(void);
void st_log(seL4_Word id);
unsigned st_log_count(void);
seL4_Word st_log_at(unsigned i);

// Busy-waits (no syscall) until CNTPCT reaches `deadline`.
static inline void st_spin_until(uint64_t deadline)
{
    while (st_cntpct() < deadline) {
    }
}
