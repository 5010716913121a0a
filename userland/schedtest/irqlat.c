// SPDX-License-Identifier: BSD-2-Clause
// IRQ latency benchmark root task: timer deadline to handler wake-up, in PMCCNTR instructions.

// Run under QEMU -icount shift=0,sleep=off on a kernel built with KEEL_PMU_USER, KEEL_EXPORT_PTMR
// and KEEL_EXPORT_PCNT (./keel bench does this; docs/bench.md explains the method). Output:
//     BENCH irq_latency <median> min=<> max=<> n=<>                 root busy at EL0
//     BENCH irq_latency_during_revoke <median> min=<> max=<> n=<>   root in CNode/untyped revokes
//     BENCH irq_latency_during_reset <median> min=<> max=<> n=<>    root in an untyped reset
//     BENCH irq_latency_during_retype <median> min=<> max=<> n=<>   root retyping 256 TCBs at once
//     BENCH irq_latency_during_cache <median> min=<> max=<> n=<>    root cleaning a 2 MiB frame
//     BENCH irq_latency_idle <median> min=<> max=<> n=<>            every thread blocked (WFI)
//     BENCH irq_longest_nonpreemptible <n>   worst of the long-operation maxima minus
//                                            irq_latency's median
//     bench: done                       (or "bench: FAIL ..." lines)
//
// Method. Under -icount shift=0 one guest instruction is one nanosecond of QEMU's virtual clock;
// PMCCNTR_EL0 counts that clock at 1 GHz, i.e. instructions (EL0 and EL1, PMCCFILTR_EL0 = 0),
// and CNTPCT_EL0 is the same clock divided down to CNTFRQ (62.5 MHz: one tick per 16
// instructions). The timer's compare value CVAL therefore fixes an exact instant: the interrupt
// line rises when the virtual clock reaches CVAL * 10^9 / CNTFRQ ns, and QEMU's icount stops the
// vCPU exactly there to raise it. The PMCCNTR value at that instant is found by calibration: the
// root spins on CNTPCT until it changes and reads PMCCNTR at once, so PMCCNTR - (CNTPCT * 10^9 /
// CNTFRQ) is the constant offset between the two (to within the few instructions of the spin
// loop; the smallest of 16 tries is kept). A handler thread at priority 254 waits on the
// notification of IRQ 30 with a timestamped Recv (`svc; isb; mrs pmccntr`), so
//     latency = PMCCNTR at wake-up - (CVAL * 10^9 / CNTFRQ + offset)
// counts every instruction from the moment the line rose to the handler's timestamp: the rest
// of the interrupted instruction stream up to the point where the CPU takes the IRQ (at once at
// EL0; at the next preemption point inside a long kernel operation), the vector, the kernel's
// IRQ path (GIC acknowledge, signal, mask, EOI), the switch to the handler and its eret.
// The handler re-arms the timer `period` ticks after the previous deadline, so over many samples
// the deadlines fall at every phase of the interrupted work; the worst sample during a revoke,
// reset, retype or cache operation approximates the longest non-preemptible kernel path plus the
// interrupt path. In the idle phase the root thread waits on a notification the handler signals
// after enough samples, so the interrupt finds the kernel's idle loop in WFI (under icount QEMU
// moves the virtual clock straight to the deadline; the latency counts the wake-up path).

#include "st.h"

#define PRIO_HANDLER 254
#define PRIO_ROOT    100
#define MAX_SAMPLES  1024
#define BUSY_SAMPLES 256

#define IDLE_SAMPLES 64

enum { PH_NONE, PH_BUSY, PH_REVOKE, PH_RESET, PH_RETYPE, PH_CACHE, PH_IDLE, PH_COUNT };

static uint64_t samples[PH_COUNT][MAX_SAMPLES];
static volatile unsigned nsamples[PH_COUNT];
static volatile unsigned phase, stop;
static volatile uint64_t deadline, period;
static int64_t pmc_offset;  // PMCCNTR - virtual ns
static seL4_CPtr idle_wake; // signalled by the handler when the idle phase has its samples
static bool failed;

// --- Output without stdio ------------------------------------------------------------------------

static void out(const char *s)
{
    keel_debug_puts(s);
}

static void out_u64(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    out(&buf[i]);
}

void st_fail(const char *what, seL4_Word a, seL4_Word b)
{
    failed = true;
    out("bench: FAIL ");
    out(what);
    out(" ");
    out_u64(a);
    out(" ");
    out_u64(b);
    out("\n");
}

// --- Time ----------------------------------------------------------------------------------------

static uint64_t ticks_to_ns(uint64_t ticks)
{
    // 62.5 MHz divides 10^9 exactly; the general form keeps any other frequency right too.
    return ticks / st.freq * 1000000000UL + (ticks % st.freq) * 1000000000UL / st.freq;
}

static void calibrate(void)
{
    int64_t best = INT64_MAX;
    for (int i = 0; i < 16; i++) {
        uint64_t c0 = st_cntpct(), c1, p;
        do {
            __asm__ __volatile__("mrs %0, cntpct_el0" : "=r"(c1));
        } while (c1 == c0);
        __asm__ __volatile__("mrs %0, pmccntr_el0" : "=r"(p));
        int64_t off = (int64_t)p - (int64_t)ticks_to_ns(c1);
        if (off < best) {
            best = off;
        }
    }
    pmc_offset = best;
}

// Recv on a notification with PMCCNTR read right after the svc returns.
static inline uint64_t wait_stamped(seL4_CPtr n)
{
    register seL4_Word x0 __asm__("x0") = n;
    register seL4_Word x1 __asm__("x1") = 0;
    register seL4_Word x2 __asm__("x2") = 0;
    register seL4_Word x3 __asm__("x3") = 0;
    register seL4_Word x4 __asm__("x4") = 0;
    register seL4_Word x5 __asm__("x5") = 0;
    register seL4_Word x7 __asm__("x7") = keel_sysno(seL4_SysRecv);
    uint64_t t;
    __asm__ __volatile__("svc #0\n\t"
                         "isb\n\t"
                         "mrs %[t], pmccntr_el0"
                         : [t] "=&r"(t), "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                         : "r"(x7)
                         : "memory");
    return t;
}

// --- The handler thread --------------------------------------------------------------------------

static seL4_CPtr handler_cap;

static void handler(st_thread_t *self)
{
    seL4_CPtr n = self->a[0];
    deadline = st_cntpct() + period;
    st_ptimer_arm(deadline);
    for (;;) {
        uint64_t t = wait_stamped(n);
        uint64_t d = deadline;
        int64_t lat = (int64_t)t - ((int64_t)ticks_to_ns(d) + pmc_offset);
        unsigned p = phase;
        if (p != PH_NONE && nsamples[p] < MAX_SAMPLES) {
            samples[p][nsamples[p]] = lat < 0 ? 0 : (uint64_t)lat;
            nsamples[p] = nsamples[p] + 1;
        }
        if (p == PH_IDLE && nsamples[PH_IDLE] >= IDLE_SAMPLES) {
            keel_ipc_signal(idle_wake);
        }
        if (stop) {
            st_ptimer_disarm();
            st_invoke_regs(handler_cap, KEEL_INV_IRQ_ACK, 0, NULL, NULL);
            break;
        }
        // Next deadline one period after this one; if handling took longer, one period from now.
        uint64_t next = d + period;
        uint64_t now = st_cntpct();
        if (next <= now + 64) {
            next = now + period;
        }
        deadline = next;
        st_ptimer_arm(next);
        st_invoke_regs(handler_cap, KEEL_INV_IRQ_ACK, 0, NULL, NULL);
    }
}

// --- Statistics ----------------------------------------------------------------------------------

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned a = 1; a < n; a++) {
        uint64_t x = v[a];
        unsigned b = a;
        while (b > 0 && v[b - 1] > x) {
            v[b] = v[b - 1];
            b--;
        }
        v[b] = x;
    }
}

// Prints "BENCH name <median> min=<> max=<> n=<>"; returns the median (worst = false) or the max.
static uint64_t report(const char *name, unsigned p, bool worst)
{
    unsigned n = nsamples[p];
    if (n == 0) {
        st_fail("no samples for phase", p, 0);
        return 0;
    }
    uint64_t *v = samples[p];
    sort(v, n);
    uint64_t med = v[n / 2], lo = v[0], hi = v[n - 1];
    out("BENCH ");
    out(name);
    out(" ");
    out_u64(med);
    out(" min=");
    out_u64(lo);
    out(" max=");
    out_u64(hi);
    out(" n=");
    out_u64(n);
    out("\n");
    return worst ? hi : med;
}

// --- Long operations -----------------------------------------------------------------------------

#define TREE_BITS 12

static void revoke_cnode_tree(void)
{
    seL4_CPtr ep = st_new(seL4_EndpointObject, 0);
    seL4_CPtr tree = st_new(seL4_CapTableObject, TREE_BITS);
    if (!ep || !tree) {
        return;
    }
    for (int round = 0; round < 4; round++) {
        for (seL4_Word i = 0; i < (1UL << TREE_BITS); i++) {
            seL4_Error e =
                keel_cnode_copy(tree, i, TREE_BITS, ST_ROOT_CNODE, ep, ST_DEPTH, KEEL_RIGHTS_ALL);
            if (e != seL4_NoError) {
                st_fail("CNode_Copy into the tree failed with error", e, i);
                return;
            }
        }
        phase = PH_REVOKE;
        seL4_Error e = st_revoke(ep);
        phase = PH_NONE;
        if (e != seL4_NoError) {
            st_fail("revoke of the CNode tree failed with error", e, 0);
            return;
        }
    }
}

static void revoke_and_reset_untyped(void)
{
    const unsigned ut_bits = 21, tree_bits = 13;
    seL4_CPtr ut = st_new(seL4_UntypedObject, ut_bits);
    seL4_CPtr tree = st_new(seL4_CapTableObject, tree_bits);
    if (!ut || !tree) {
        return;
    }
    for (int round = 0; round < 2; round++) {
        seL4_Word off = 0;
        for (int k = 0; k < 16; k++, off += 256) {
            seL4_Error e = keel_untyped_retype(ut, seL4_EndpointObject, 0, tree, 0, 0, off, 256);
            if (e != seL4_NoError) {
                st_fail("retype of endpoints failed with error", e, off);
                return;
            }
        }
        seL4_Word frames = ((1UL << ut_bits) - 16 * 4096) / 4096;
        for (seL4_Word done = 0; done < frames;) {
            seL4_Word n = frames - done > 256 ? 256 : frames - done;
            seL4_Error e = keel_untyped_retype(ut, seL4_ARM_SmallPageObject, 0, tree, 0, 0, off, n);
            if (e != seL4_NoError) {
                st_fail("retype of frames failed with error", e, off);
                return;
            }
            off += n;
            done += n;
        }
        phase = PH_REVOKE;
        seL4_Error e = st_revoke(ut);
        phase = PH_RESET;
        // The first retype after the revoke resets (zeroes) the 2 MiB in preemptible chunks.
        seL4_Error r = keel_untyped_retype(ut, seL4_EndpointObject, 0, tree, 0, 0, 0, 1);
        phase = PH_NONE;
        if (e != seL4_NoError || r != seL4_NoError) {
            st_fail("untyped revoke / reset failed with errors", e, r);
            return;
        }
        st_revoke(ut); // the one endpoint just made: tree slot 0 is free again
    }
}

// 256 TCBs (the most a single retype makes, each initialised) from one untyped, then a revoke.
static void retype_many(void)
{
    const unsigned count = 256, ut_bits = 19; // 256 TCBs of 2 KiB
    seL4_CPtr ut = st_new(seL4_UntypedObject, ut_bits);
    seL4_CPtr dest = st_slots(count);
    if (!ut || !dest) {
        return;
    }
    for (int round = 0; round < 16; round++) {
        phase = PH_RETYPE;
        seL4_Error e = keel_untyped_retype(ut, seL4_TCBObject, 0, ST_ROOT_CNODE, 0, 0, dest, count);
        phase = PH_NONE;
        seL4_Error r = st_revoke(ut);
        if (e != seL4_NoError || r != seL4_NoError) {
            st_fail("retype of 256 TCBs / revoke failed with errors", e, r);
            return;
        }
    }
}

// Every cache operation on the whole of a 2 MiB frame (each line of it, 32768 lines).
#define CACHE_VA 0x40000000UL

static void cache_maintenance(void)
{
    seL4_CPtr f = st_new(seL4_ARM_LargePageObject, 0);
    if (!f || !st_map_frame(f, CACHE_VA)) {
        return;
    }
    const seL4_Word size = 1UL << 21;
    for (int round = 0; round < 4; round++) {
        phase = PH_CACHE;
        seL4_Error a = keel_arm_page_clean_data(f, 0, size);
        seL4_Error b = keel_arm_page_clean_invalidate_data(f, 0, size);
        seL4_Error c = keel_arm_vspace_clean_data(ST_ROOT_VS, CACHE_VA, CACHE_VA + size);
        seL4_Error d = keel_arm_page_unify_instruction(f, 0, size);
        phase = PH_NONE;
        if (a != seL4_NoError || b != seL4_NoError || c != seL4_NoError || d != seL4_NoError) {
            st_fail("cache operations on a 2 MiB frame failed with errors", a * 16 + b, c * 16 + d);
            return;
        }
    }
    keel_arm_page_unmap(f);
    st_delete(f);
}

// The root blocks until the handler has IDLE_SAMPLES interrupts taken from the idle loop.
static void idle(void)
{
    idle_wake = st_new(seL4_NotificationObject, 0);
    if (!idle_wake) {
        return;
    }
    phase = PH_IDLE;
    keel_ipc_wait(idle_wake);
    phase = PH_NONE;
}

// --- Main ----------------------------------------------------------------------------------------

int root_main(const seL4_BootInfo *bi)
{
    out("bench: Keel IRQ latency benchmark\n");
    if (!st_env_init(bi)) {
        return 0;
    }
    seL4_CPtr h = st_slot();
    seL4_CPtr n = st_new(seL4_NotificationObject, 0);
    if (!h || !n) {
        return 0;
    }
    if (keel_tcb_set_priority(ST_ROOT_TCB, ST_ROOT_TCB, PRIO_ROOT) != seL4_NoError ||
        keel_irq_control_get(seL4_CapIRQControl, ST_IRQ_PTIMER, ST_ROOT_CNODE, h, ST_DEPTH) !=
            seL4_NoError ||
        keel_irq_handler_set_notification(h, n) != seL4_NoError) {
        st_fail("set-up (priority, IRQControl_Get(30), SetNotification) failed", 0, 0);
        return 0;
    }
    handler_cap = h;
    calibrate();
    // 20 000 instructions at 62.5 MHz: longer than the handler's own path, and not a multiple of
    // anything the interrupted work does.
    period = st.freq / 50000 + 37;
    st_thread_t *t = st_thread_new(handler, PRIO_HANDLER, 1, "irqlat-handler");
    if (!t) {
        return 0;
    }
    t->a[0] = n;
    if (!st_thread_start(t)) {
        return 0;
    }
    // 1. The root thread busy at EL0 (for at most 10 s of guest time).
    phase = PH_BUSY;
    uint64_t give_up = st_cntpct() + 10 * st.freq;
    while (nsamples[PH_BUSY] < BUSY_SAMPLES && st_cntpct() < give_up) {
    }
    phase = PH_NONE;
    if (nsamples[PH_BUSY] < BUSY_SAMPLES) {
        st_fail("interrupt samples with the root busy, of", nsamples[PH_BUSY], BUSY_SAMPLES);
        out("bench: FAIL (see above)\n");
        return 0;
    }
    // 2. Long preemptible kernel operations.
    revoke_cnode_tree();
    revoke_and_reset_untyped();
    retype_many();
    cache_maintenance();
    // 3. Nothing to run: the interrupt wakes the kernel's idle loop.
    idle();
    stop = 1;
    uint64_t limit = st_cntpct() + st.freq;
    while (!t->finished && st_cntpct() < limit) {
    }
    if (!t->finished) {
        st_fail("the handler thread did not stop", 0, 0);
    }
    uint64_t busy = report("irq_latency", PH_BUSY, false);
    uint64_t rv = report("irq_latency_during_revoke", PH_REVOKE, true);
    uint64_t rs = report("irq_latency_during_reset", PH_RESET, true);
    uint64_t rt = report("irq_latency_during_retype", PH_RETYPE, true);
    uint64_t cm = report("irq_latency_during_cache", PH_CACHE, true);
    report("irq_latency_idle", PH_IDLE, false);
    // The longest stretch the kernel ran with the interrupt pending, beyond the plain path.
    uint64_t worst = rv > rs ? rv : rs;
    worst = worst > rt ? worst : rt;
    worst = worst > cm ? worst : cm;
    out("BENCH irq_longest_nonpreemptible ");
    out_u64(worst > busy ? worst - busy : 0);
    out("\n");
    out(failed ? "bench: FAIL (see above)\n" : "bench: done\n");
    return 0;
}
