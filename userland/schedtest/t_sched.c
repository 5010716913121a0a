// SPDX-License-Identifier: BSD-2-Clause
// Scheduling tests: priorities, round robin, preemption, Yield, MCP, Suspend/Resume, domains.

// ABI sheet §8.4 (SetPriority/SetMCPriority/SetSchedParams/Suspend/Resume), §8.9 (DomainSet),
// §13.6 (strict priorities, head/tail insertion, timeslice of 5 ticks of 2 ms, Yield, MCP) and
// §13.7 (thread states). The root thread runs at ST_ROOT_PRIO; threads below it run only while
// it sleeps on the user-level timer, threads above it preempt it.

#include "schedtest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRIO_MID 100

// The id of the busy thread that ran last; a thread logs its id whenever it finds another id
// here, i.e. each time it gets the CPU back from someone else.
static volatile seL4_Word last_runner;
static volatile seL4_Word stop_all;

#define ROOT_ID 99

// --- Thread bodies -------------------------------------------------------------------------------

static void log_once(st_thread_t *self)
{
    st_log(self->id);
}

// Busy until CNTPCT reaches a[0] (every busy thread limits itself, so that nothing spins for
// ever if a test gives up), logging each time it gets the CPU back.
static void busy_tracked(st_thread_t *self)
{
    uint64_t end = self->a[0];
    while (!stop_all && st_cntpct() < end) {
        if (last_runner != self->id) {
            last_runner = self->id;
            st_log(self->id);
        }
        self->count++;
    }
}

// Busy until a[0] or until it has recorded ST_RESULTS runs: for each uninterrupted run, its
// length in counter ticks (r[i]) and the number of kernel entries it saw (r[ST_RESULTS / 2 + i],
// half as many runs are kept then).
//
// A run ends when the counter of the other thread (at address a[2]) has moved since this thread
// last looked: that thread ran in between. Kernel entries are counted with the exclusive monitor:
// the loop keeps an exclusive load outstanding and every exception return clears the monitor, so
// the store-exclusive at the end of an iteration fails exactly when the kernel ran in between (a
// timer tick, or the switch back to this thread). Host stalls of QEMU, which stretch the clock,
// do not touch the monitor: the count of ticks per run is what the timeslice is made of (§13.6).
static void busy_runs(st_thread_t *self)
{
    uint64_t end = self->a[0];
    const volatile seL4_Word *other = (const volatile seL4_Word *)self->a[2];
    static uint64_t monitor[ST_MAX_THREADS][8] __attribute__((aligned(64)));
    uint64_t *mon = monitor[self->index];
    seL4_Word seen = *other;
    uint64_t prev = st_cntpct(), start = prev, v;
    unsigned n = 0, entries = 0;
    const unsigned max = ST_RESULTS / 2;
    __asm__ __volatile__("ldxr %0, [%1]" : "=r"(v) : "r"(mon) : "memory");
    while (!stop_all && n < max) {
        // A sample (o, now) with the other thread's counter read on both sides of the clock: a
        // switch in between shows up as a difference and the sample is taken again, so `now` is
        // never a reading from before a switch paired with a counter from after it.
        seL4_Word o, o2;
        uint64_t now;
        do {
            o = *other;
            now = st_cntpct();
            o2 = *other;
        } while (o != o2);
        if (o != seen) {
            self->r[n] = prev - start;
            self->r[max + n] = entries;
            n++;
            start = now;
            seen = o;
            entries = 0;
        }
        uint32_t failed;
        __asm__ __volatile__("stxr %w0, %1, [%2]\n\t"
                             "ldxr %1, [%2]"
                             : "=&r"(failed), "+r"(v)
                             : "r"(mon)
                             : "memory");
        entries += failed != 0;
        prev = now;
        self->count++;
        if (now >= end) {
            break;
        }
    }
    self->stage = n;
    stop_all = 1; // the other thread's runs end with this one's
    keel_ipc_signal(st.rn_done);
}

// Logs id*10+1, Yields, logs id*10+2, Yields, logs id*10+3.
static void yielder(st_thread_t *self)
{
    for (seL4_Word k = 1; k <= 3; k++) {
        st_log(self->id * 10 + k);
        if (k < 3) {
            keel_yield();
        }
    }
}

// stage 1, Wait on a[0], r[0] = badge, stage 2.
static void waiter(st_thread_t *self)
{
    self->stage = 1;
    self->r[0] = keel_ipc_wait(self->a[0]);
    self->stage = 2;
}

// stage 1, Send (label 0x77, MR0 = 0x1234) on endpoint a[0], stage 2.
static void sender(st_thread_t *self)
{
    self->stage = 1;
    const seL4_Word mr[4] = {0x1234, 0, 0, 0};
    keel_send(self->a[0], seL4_MessageInfo_new(0x77, 0, 0, 1), mr);
    self->stage = 2;
}

static st_thread_t *busy_thread(st_thread_fn fn, seL4_Word prio, seL4_Word id, uint64_t ms)
{
    st_thread_t *t = st_thread_new(fn, prio, id, "st-busy");
    if (t) {
        t->a[0] = st_cntpct() + st_ms_to_ticks(ms);
    }
    return t;
}

static bool log_is(int line, const char *what, const seL4_Word *want, unsigned n)
{
    // The caller slept long enough for a normal kernel; a slow (debug) one may need longer.
    uint64_t limit = st_cntpct() + st_ms_to_ticks(500);
    while (st_log_count() < n && st_cntpct() < limit) {
        st_sleep_ms(1);
    }
    unsigned got = st_log_count();
    bool same = got == n;
    for (unsigned i = 0; same && i < n; i++) {
        same = st_log_at(i) == want[i];
    }
    if (same) {
        return true;
    }
    char buf[160];
    unsigned k = 0;
    for (unsigned i = 0; i < got && i < 16 && k < sizeof(buf) - 24; i++) {
        k += (unsigned)snprintf(buf + k, sizeof(buf) - k, "%s%lu", i ? "," : "", st_log_at(i));
    }
    buf[k] = '\0';
    char wbuf[160];
    k = 0;
    for (unsigned i = 0; i < n && k < sizeof(wbuf) - 24; i++) {
        k += (unsigned)snprintf(wbuf + k, sizeof(wbuf) - k, "%s%lu", i ? "," : "", want[i]);
    }
    wbuf[k] = '\0';
    return st_check(false, line, "%s: order [%s], expected [%s]", what, buf, wbuf);
}

#define LOG_IS(what, ...)                                                  \
    do {                                                                   \
        const seL4_Word want_[] = {__VA_ARGS__};                           \
        log_is(__LINE__, (what), want_, sizeof(want_) / sizeof(want_[0])); \
    } while (0)

static void begin_busy(void)
{
    stop_all = 0;
    last_runner = 0;
}

// --- Strict priorities ---------------------------------------------------------------------------

// Five threads resumed in scrambled priority order while the root thread (above them all) keeps
// the CPU; once it sleeps they must run highest first (§13.6).
static void t_priority_order(void)
{
    NEED_TIMER();
    static const seL4_Word prios[5] = {110, 150, 130, 170, 120};
    for (seL4_Word i = 0; i < 5; i++) {
        st_thread_t *t = st_thread_new(log_once, prios[i], i + 1, "st-prio");
        NEED(t && st_thread_start(t));
    }
    CHECK(st_log_count() == 0, "a thread below the root thread ran while the root was runnable");
    st_sleep_ms(20);
    LOG_IS("ids in the order they ran (prio 170=4, 150=2, 130=3, 120=5, 110=1)", 4, 2, 3, 5, 1);
}

// A busy thread at 150 runs for 30 ms (3 timeslices); a runnable thread at 140 must not get the
// CPU until it is done: timeslices rotate only within a priority.
static void busy_then_log(st_thread_t *self)
{
    st_log(self->id);
    st_spin_until(self->a[0]);
    st_log(self->id + 10);
}

static void t_priority_busy_strict(void)
{
    NEED_TIMER();
    st_thread_t *low = st_thread_new(log_once, 140, 2, "st-low");
    st_thread_t *high = st_thread_new(busy_then_log, 150, 1, "st-high");
    NEED(low && high);
    NEED(st_thread_start(low));
    high->a[0] = st_cntpct() + st_ms_to_ticks(30);
    NEED(st_thread_start(high));
    st_sleep_ms(80);
    LOG_IS("1 = high starts, 11 = high ends after 30 ms, 2 = low", 1, 11, 2);
}

// --- Round robin and the timeslice ---------------------------------------------------------------

// Two busy threads at one priority: both make progress, about equally, and the CPU changes hands
// at timeslice granularity. The window is 10 hand-overs (about 100 ms; longer when the host slows
// QEMU down), so that a few slow runs do not decide the balance.
static void t_round_robin(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 3000);
    st_thread_t *b = busy_thread(busy_tracked, PRIO_MID, 2, 3000);
    NEED(a && b && st_thread_start(a) && st_thread_start(b));
    uint64_t t0 = st_cntpct(), limit = t0 + st_ms_to_ticks(2500);
    while (st_log_count() < 11 && st_cntpct() < limit) {
        st_sleep_ms(20);
    }
    keel_tcb_suspend(a->tcb);
    keel_tcb_suspend(b->tcb);
    uint64_t ms = st_ticks_to_us(st_cntpct() - t0) / 1000;
    seL4_Word ca = a->count, cb = b->count;
    unsigned switches = st_log_count();
    st_info("round robin over %lu ms: counters %lu and %lu, %u hand-overs", (unsigned long)ms, ca,
            cb, switches);
    CHECK(ca > 0 && cb > 0, "both threads must progress: counters %lu and %lu", ca, cb);
    seL4_Word lo = ca < cb ? ca : cb, hi = ca < cb ? cb : ca;
    CHECK(lo * 3 >= hi, "unbalanced: counters %lu and %lu (more than 3:1)", ca, cb);
    CHECK(switches >= 11, "only %u hand-overs in %lu ms; a 10 ms timeslice gives about 100 per s",
          switches, (unsigned long)ms);
    // Far more than one hand-over per 4 ms means much shorter slices (timeslice_5_ticks
    // counts them).
    CHECK(switches <= ms / 4 + 2, "%u hand-overs in %lu ms: slices far shorter than 10 ms",
          switches, (unsigned long)ms);
}

static int cmp_word(const void *x, const void *y)
{
    seL4_Word a = *(const seL4_Word *)x, b = *(const seL4_Word *)y;
    return a < b ? -1 : a > b;
}

// The runs of two equal-priority busy threads last a timeslice: 5 ticks of 2 ms (§13.6). The
// ticks are counted (busy_runs); the length in time is only reported, since without -icount a
// host that deschedules QEMU stretches it.
static void t_timeslice_length(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_runs, PRIO_MID, 1, 3000);
    st_thread_t *b = busy_thread(busy_runs, PRIO_MID, 2, 3000);
    NEED(a && b);
    a->a[2] = (seL4_Word)(uintptr_t)&b->count;
    b->a[2] = (seL4_Word)(uintptr_t)&a->count;
    NEED(st_thread_start(a) && st_thread_start(b));
    // The root sleeps until the threads are done: a wake-up in between would add a kernel entry
    // to a run.
    st_wait_ms(ST_BIT_DONE, 3000);
    uint64_t limit = st_cntpct() + st_ms_to_ticks(1000);
    while (!(a->finished && b->finished) && st_cntpct() < limit) {
        st_sleep_ms(5); // the second thread stops once it runs again
    }
    NEED(CHECK(a->finished && b->finished, "busy threads did not finish (%lu, %lu)", a->finished,
               b->finished));
    const unsigned max = ST_RESULTS / 2;
    seL4_Word ticks[ST_RESULTS], us[ST_RESULTS];
    unsigned n = 0;
    // Each thread's first run started at an arbitrary point: left out.
    for (unsigned i = 1; i < a->stage; i++, n++) {
        ticks[n] = a->r[max + i];
        us[n] = st_ticks_to_us(a->r[i]);
    }
    for (unsigned i = 1; i < b->stage; i++, n++) {
        ticks[n] = b->r[max + i];
        us[n] = st_ticks_to_us(b->r[i]);
    }
    NEED(CHECK(n >= 4, "only %u complete runs", n));
    qsort(ticks, n, sizeof(ticks[0]), cmp_word);
    qsort(us, n, sizeof(us[0]), cmp_word);
    st_info("timeslice: %u runs; kernel entries per run: median %lu (%lu..%lu); length: median "
            "%lu us (%lu..%lu)",
            n, ticks[n / 2], ticks[0], ticks[n - 1], us[n / 2], us[0], us[n - 1]);
    // The switch to the thread plus 4 ticks that return to it; the 5th tick ends the run. Only
    // ticks interrupt these threads here, so no run can see more; on QEMU's raspi4b an entry
    // now and then goes unseen by the monitor, so a run may show fewer.
    // On a slow (debug) kernel one kernel entry can outlast a tick (the invariant checker runs at
    // every exit), and the tick then pending at exit is one more entry inside the run.
    seL4_Word most = st.slow_kernel ? 6 : 5;
    CHECK(ticks[n - 1] <= most && ticks[n - 1] >= 5 && ticks[n / 2] >= 4 && ticks[n / 2] <= 5,
          "runs span %lu..%lu kernel entries (median %lu): the switch to the thread and 4 "
          "ticks are expected for 5 ticks of 2 ms",
          ticks[0], ticks[n - 1], ticks[n / 2]);
    CHECK(us[n / 2] >= 7000, "median run of a busy thread is %lu us; 5 ticks of 2 ms is 10000 us",
          us[n / 2]);
}

// --- Preemption ----------------------------------------------------------------------------------

// Busy like busy_tracked, and watching the user timer: for every stretch in which it finds the
// timer's condition met (CNTP_CTL.ISTATUS, the interrupt line up) it records the stretch's length
// in r[] (stage counts them).
static void busy_watch_timer(st_thread_t *self)
{
    uint64_t end = self->a[0], first = 0, last = 0;
    bool up = false;
    while (!stop_all) {
        uint64_t now = st_cntpct();
        if (st_cntp_ctl_read() & ST_CTL_ISTATUS) {
            if (!up) {
                first = now;
                up = true;
            }
            last = now;
        } else if (up) {
            if (self->stage < ST_RESULTS) {
                self->r[self->stage] = last - first;
                self->stage = self->stage + 1;
            }
            up = false;
        }
        self->count++;
        if (now >= end) {
            break;
        }
    }
}

// A busy thread below the root thread; the root sleeps on the user timer and, when the interrupt
// makes it runnable again, must get the CPU at once, and keep it while it is runnable, for longer
// than a timeslice.
//
// "At once" is judged from the busy thread's side: it watches the timer's line (ISTATUS) and
// records how long it went on running with the line up. A kernel that left the woken thread
// waiting until the busy thread's timeslice ends would leave it running for milliseconds; the
// delay from the deadline to the root's wake-up is only reported, since without -icount a loaded
// host may fire QEMU's timer late.
static void preempt_busy_loop_once(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *b = busy_thread(busy_watch_timer, PRIO_MID, 1, 2000);
    NEED(b && st_thread_start(b));
    const int samples = 8;
    uint64_t min_lat = ~0UL, max_lat = 0;
    for (int i = 0; i < samples; i++) {
        seL4_Word before = b->count;
        uint64_t deadline = st_cntpct() + st_ms_to_ticks(7);
        st_wait_until(0, deadline);
        uint64_t lat = st_cntpct() - deadline;
        min_lat = lat < min_lat ? lat : min_lat;
        max_lat = lat > max_lat ? lat : max_lat;
        CHECK(b->count > before, "sample %d: the busy thread did not run while the root slept", i);
        seL4_Word c1 = b->count;
        st_spin_until(st_cntpct() + st_ms_to_ticks(i == samples - 1 ? 25 : 1));
        CHECK(b->count == c1,
              "sample %d: the busy thread (prio 100) ran while the root (200) "
              "was runnable (counter %lu -> %lu)",
              i, c1, b->count);
    }
    st_sleep_ms(2); // the busy thread closes its last stretch
    keel_tcb_suspend(b->tcb);
    seL4_Word spans[ST_RESULTS];
    unsigned n = b->stage < ST_RESULTS ? (unsigned)b->stage : ST_RESULTS;
    for (int i = 0; i < samples; i++) {
        spans[i] = (unsigned)i < n ? st_ticks_to_us(b->r[i]) : 0; // unseen: no time at all
    }
    qsort(spans, (size_t)samples, sizeof(spans[0]), cmp_word);
    st_info("root woken %lu..%lu us after its deadlines; the busy thread saw the line up in %u of "
            "%d samples, for at most %lu us",
            st_ticks_to_us(min_lat), st_ticks_to_us(max_lat), n, samples, spans[samples - 1]);
    CHECK(spans[samples / 2] < 1000,
          "the busy thread kept running with the timer interrupt pending for %lu us (median "
          "of %d samples): the woken root did not preempt it",
          spans[samples / 2], samples);
}

static void t_preempt_busy_loop(void)
{
    st_retry_timing(preempt_busy_loop_once);
}

// Two busy threads at one priority; the root preempts them ten times. A preempted thread goes
// back to the head of its queue (§13.6), so the thread that runs after the root is the one that
// ran before it.
static void t_preempted_goes_to_head(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 1000);
    st_thread_t *b = busy_thread(busy_tracked, PRIO_MID, 2, 1000);
    NEED(a && b && st_thread_start(a) && st_thread_start(b));
    for (int i = 0; i < 10; i++) {
        st_sleep_ms(7);
        last_runner = ROOT_ID;
        st_log(ROOT_ID);
    }
    st_sleep_ms(7);
    keel_tcb_suspend(a->tcb);
    keel_tcb_suspend(b->tcb);
    unsigned n = st_log_count(), samples = 0, other = 0;
    for (unsigned i = 1; i + 1 < n; i++) {
        if (st_log_at(i) == ROOT_ID && st_log_at(i - 1) != ROOT_ID && st_log_at(i + 1) != ROOT_ID) {
            samples++;
            other += st_log_at(i - 1) != st_log_at(i + 1);
        }
    }
    // A sample may see a timeslice end and the timer interrupt in the same moment (more often
    // when the host stalls QEMU and both come due together, or on a debug kernel whose exits are
    // slow); a kernel that queued the preempted thread at the tail gets nearly every sample wrong.
    CHECK(samples >= 6 && other * 2 <= samples,
          "after %u of %u preemptions the other thread ran next instead of the preempted one",
          other, samples);
}

// §13.6: a resumed thread that does not run at once goes to the head of its queue, so two
// threads resumed one after the other run in the opposite order.
static void t_resumed_go_to_head(void)
{
    NEED_TIMER();
    st_thread_t *a = st_thread_new(log_once, PRIO_MID, 1, "st-a");
    st_thread_t *b = st_thread_new(log_once, PRIO_MID, 2, "st-b");
    NEED(a && b && st_thread_start(a) && st_thread_start(b));
    st_sleep_ms(10);
    LOG_IS("1 resumed first, 2 resumed second", 2, 1);
}

// SetPriority raising a queued thread above the caller preempts the caller; the caller lowering
// itself below a queued thread does too (§8.4).
static void t_set_priority_preempts(void)
{
    NEED_TIMER();
    st_thread_t *t = st_thread_new(log_once, PRIO_MID, 1, "st-raised");
    st_thread_t *u = st_thread_new(log_once, PRIO_MID, 3, "st-other");
    NEED(t && u && st_thread_start(t));
    CHECK(st_log_count() == 0, "a thread below the root ran while the root was runnable");
    OK(keel_tcb_set_priority(t->tcb, ST_ROOT_TCB, 250));
    st_log(2);
    NEED(st_thread_start(u));
    OK(keel_tcb_set_priority(ST_ROOT_TCB, ST_ROOT_TCB, 50));
    st_log(4);
    OK(keel_tcb_set_priority(ST_ROOT_TCB, ST_ROOT_TCB, ST_ROOT_PRIO));
    LOG_IS("1 raised thread, 2 root after raising it, 3 thread above the lowered root, 4 root", 1,
           2, 3, 4);
}

// --- Yield ---------------------------------------------------------------------------------------

// §13.6: Yield moves the caller to the tail of its queue: two yielding threads of one priority
// alternate.
static void yield_to_equal_once(void)
{
    NEED_TIMER();
    st_thread_t *a = st_thread_new(yielder, PRIO_MID, 1, "st-yield-a");
    st_thread_t *b = st_thread_new(yielder, PRIO_MID, 2, "st-yield-b");
    NEED(a && b && st_thread_start(a) && st_thread_start(b));
    st_sleep_ms(10);
    seL4_Word x = st_log_count() > 0 ? st_log_at(0) / 10 : 0;
    seL4_Word y = x == 1 ? 2 : 1;
    LOG_IS("id*10+k, k-th entry of thread id", x * 10 + 1, y * 10 + 1, x * 10 + 2, y * 10 + 2,
           x * 10 + 3, y * 10 + 3);
}

static void t_yield_to_equal(void)
{
    st_retry_timing(yield_to_equal_once);
}

// A Yield with only lower-priority threads ready returns to the caller.
static void t_yield_not_to_lower(void)
{
    NEED_TIMER();
    st_thread_t *a = st_thread_new(yielder, PRIO_MID, 1, "st-yield");
    st_thread_t *low = st_thread_new(log_once, PRIO_MID - 10, 2, "st-lower");
    NEED(a && low && st_thread_start(low) && st_thread_start(a));
    st_sleep_ms(10);
    LOG_IS("11..13 yielding thread, 2 lower thread", 11, 12, 13, 2);
}

// --- MCP -----------------------------------------------------------------------------------------

static void t_mcp_root_limits(void)
{
    seL4_CPtr t = st_new(seL4_TCBObject, 0);
    seL4_CPtr fresh = st_new(seL4_TCBObject, 0);
    NEED(t && fresh);
    ERR_RANGE(keel_tcb_set_priority(t, ST_ROOT_TCB, 256), 0, 255);
    ERR_RANGE(keel_tcb_set_mc_priority(t, ST_ROOT_TCB, 256), 0, 255);
    ERR_RANGE(keel_tcb_set_sched_params(t, ST_ROOT_TCB, 256, 0), 0, 255);
    ERR_RANGE(keel_tcb_set_sched_params(t, ST_ROOT_TCB, 0, 256), 0, 255);
    ERR_RANGE(keel_tcb_set_priority(t, ST_ROOT_TCB, ~0UL), 0, 255);
    OK(keel_tcb_set_priority(t, ST_ROOT_TCB, 255));
    OK(keel_tcb_set_mc_priority(t, ST_ROOT_TCB, 255));
    OK(keel_tcb_set_sched_params(t, ST_ROOT_TCB, 255, 255));
    // The authority must be a TCB: InvalidCapability(1) (§13.17).
    ERR1(keel_tcb_set_priority(t, st.rn, 1), seL4_InvalidCapability, 1);
    ERR1(keel_tcb_set_mc_priority(t, ST_ROOT_CNODE, 1), seL4_InvalidCapability, 1);
    ERR1(keel_tcb_set_sched_params(t, st.rn, 1, 1), seL4_InvalidCapability, 1);
    // Short messages (§8.4): no priority word, or no authority cap.
    const seL4_Word one[2] = {1, 1};
    const seL4_CPtr auth[1] = {ST_ROOT_TCB};
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_PRIORITY, 0, 1, one, auth), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_PRIORITY, 1, 0, one, NULL), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_MC_PRIORITY, 1, 0, one, NULL), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(t, KEEL_INV_TCB_SET_SCHED_PARAMS, 1, 1, one, auth), seL4_TruncatedMessage);
    // A new TCB has MCP 0 (§13.6): as an authority it allows priority 0 only.
    ERR_RANGE(keel_tcb_set_priority(t, fresh, 1), 0, 0);
    ERR_RANGE(keel_tcb_set_mc_priority(t, fresh, 1), 0, 0);
    OK(keel_tcb_set_priority(t, fresh, 0));
}

// An authority with MCP 100 cannot raise anything above 100; a failed SetSchedParams changes
// nothing.
static void t_mcp_authority_100(void)
{
    seL4_CPtr auth = st_new(seL4_TCBObject, 0);
    seL4_CPtr t = st_new(seL4_TCBObject, 0);
    seL4_CPtr probe = st_new(seL4_TCBObject, 0);
    NEED(auth && t && probe);
    NEED(OK(keel_tcb_set_mc_priority(auth, ST_ROOT_TCB, 100)));
    ERR_RANGE(keel_tcb_set_priority(t, auth, 101), 0, 100);
    ERR_RANGE(keel_tcb_set_mc_priority(t, auth, 101), 0, 100);
    ERR_RANGE(keel_tcb_set_sched_params(t, auth, 101, 10), 0, 100);
    ERR_RANGE(keel_tcb_set_sched_params(t, auth, 50, 101), 0, 100);
    // t's MCP is still 0 after the refused SetSchedParams(mcp 50, prio 101).
    ERR_RANGE(keel_tcb_set_priority(probe, t, 1), 0, 0);
    OK(keel_tcb_set_priority(t, auth, 100));
    OK(keel_tcb_set_sched_params(t, auth, 60, 70));
    ERR_RANGE(keel_tcb_set_priority(probe, t, 61), 0, 60);
    OK(keel_tcb_set_priority(probe, t, 60));
    // The authority may lower its own MCP, and is then held to the new value.
    OK(keel_tcb_set_mc_priority(auth, auth, 90));
    ERR_RANGE(keel_tcb_set_priority(t, auth, 91), 0, 90);
}

// A running thread with MCP 100 and priority 100 tries to raise itself and another thread.
static void mcp_thread_body(st_thread_t *self)
{
    seL4_CPtr other = self->a[0];
    seL4_CPtr me = self->tcb;
    seL4_Word out[4];
    seL4_Word p101[1] = {101}, p150[1] = {150}, p90[1] = {90}, p200[1] = {200};
    seL4_Word sp[2] = {100, 100};
    seL4_CPtr own[1] = {me}, root[1] = {ST_ROOT_TCB};
    self->r[0] = st_tinvoke(self, other, KEEL_INV_TCB_SET_PRIORITY, 1, p101, 1, own, out);
    self->r[1] = out[0];
    self->r[2] = out[1];
    self->r[3] = st_tinvoke(self, me, KEEL_INV_TCB_SET_PRIORITY, 1, p150, 1, own, out);
    self->r[4] = out[0];
    self->r[5] = out[1];
    self->r[6] = st_tinvoke(self, other, KEEL_INV_TCB_SET_MC_PRIORITY, 1, p101, 1, own, out);
    self->r[7] = out[0];
    self->r[8] = out[1];
    self->r[9] = st_tinvoke(self, other, KEEL_INV_TCB_SET_PRIORITY, 1, p90, 1, own, NULL);
    self->r[10] = st_tinvoke(self, other, KEEL_INV_TCB_SET_SCHED_PARAMS, 2, sp, 1, own, NULL);
    // The rule looks at the authority, not at the caller (§13.6): the root TCB (MCP 255) as
    // authority lets this thread raise the other one to 200.
    self->r[11] = st_tinvoke(self, other, KEEL_INV_TCB_SET_PRIORITY, 1, p200, 1, root, NULL);
    self->stage = 1;
}

static void t_mcp_thread_cannot_raise(void)
{
    NEED_TIMER();
    st_thread_t *t1 = st_thread_new(mcp_thread_body, PRIO_MID, 1, "st-mcp100");
    seL4_CPtr t2 = st_new(seL4_TCBObject, 0);
    NEED(t1 && t2);
    NEED(OK(keel_tcb_set_sched_params(t1->tcb, ST_ROOT_TCB, 100, 100)));
    t1->a[0] = t2;
    NEED(st_thread_start(t1));
    st_await(&t1->stage, 1, 500);
    NEED(CHECK(t1->stage == 1, "the MCP-100 thread did not finish its invocations"));
    seL4_Word m[2] = {t1->r[1], t1->r[2]};
    st_expect_thread(__LINE__, "SetPriority(other, own authority, 101)", t1->r[0], m,
                     seL4_RangeError, 2, 0, 100);
    m[0] = t1->r[4];
    m[1] = t1->r[5];
    st_expect_thread(__LINE__, "SetPriority(self, own authority, 150)", t1->r[3], m,
                     seL4_RangeError, 2, 0, 100);
    m[0] = t1->r[7];
    m[1] = t1->r[8];
    st_expect_thread(__LINE__, "SetMCPriority(other, own authority, 101)", t1->r[6], m,
                     seL4_RangeError, 2, 0, 100);
    EQ("SetPriority(other, own authority, 90)", t1->r[9], seL4_NoError);
    EQ("SetSchedParams(other, own authority, 100, 100)", t1->r[10], seL4_NoError);
    EQ("SetPriority(other, root authority, 200)", t1->r[11], seL4_NoError);
}

// --- Suspend and Resume --------------------------------------------------------------------------

static void t_suspend_resume_running(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 1000);
    NEED(a && st_thread_start(a));
    st_await_above(&a->count, 0, 500);
    NEED(CHECK(a->count > 0, "the busy thread did not run"));
    OK(keel_tcb_suspend(a->tcb));
    seL4_Word c1 = a->count;
    st_sleep_ms(30);
    CHECK(a->count == c1, "a suspended thread ran: counter %lu -> %lu", c1, a->count);
    seL4_UserContext regs;
    memset(&regs, 0, sizeof(regs));
    OK(keel_tcb_read_registers(a->tcb, 0, 0, 1, &regs));
    OK(keel_tcb_resume(a->tcb));
    st_await_above(&a->count, c1, 500);
    CHECK(a->count > c1, "a resumed thread did not run again (counter %lu)", a->count);
    EQ("entries into the thread function (resume continues, it does not restart)", a->entries, 1);
    // Resuming a thread that is already runnable does nothing (§13.16).
    seL4_Word c2 = a->count;
    OK(keel_tcb_resume(a->tcb));
    st_await_above(&a->count, c2, 500);
    CHECK(a->count > c2, "the thread stopped after a second Resume");
    EQ("entries after Resume of a running thread", a->entries, 1);
}

// A thread blocked on a notification is suspended; a signal then must not reach it; Resume
// restarts its Wait, which now finds the notification active (§13.7).
static void t_suspend_blocked_resume_restarts(void)
{
    NEED_TIMER();
    seL4_CPtr n = st_new(seL4_NotificationObject, 0);
    NEED(n);
    seL4_CPtr n5 = st_mint(n, KEEL_RIGHTS_ALL, 5);
    st_thread_t *w = st_thread_new(waiter, PRIO_MID, 1, "st-waiter");
    NEED(n5 && w);
    w->a[0] = n;
    NEED(st_thread_start(w));
    st_await(&w->stage, 1, 500);
    NEED(CHECK(w->stage == 1, "the waiter did not reach its Wait (stage %lu)", w->stage));
    OK(keel_tcb_suspend(w->tcb));
    keel_ipc_signal(n5);
    st_sleep_ms(5);
    CHECK(w->stage == 1, "the signal woke a suspended thread (stage %lu)", w->stage);
    OK(keel_tcb_resume(w->tcb));
    st_await(&w->stage, 2, 500);
    EQ("stage after Resume", w->stage, 2);
    EQ("badge returned by the restarted Wait", w->r[0], 5);
    EQ("entries", w->entries, 1);
    EQ("notification word left", keel_ipc_poll(n), 0);
}

// Resume of a thread blocked on a notification (not suspended) restarts its Wait: it blocks
// again, once, and the next signal wakes it (§8.4 Resume).
static void t_resume_blocked_restarts_wait(void)
{
    NEED_TIMER();
    seL4_CPtr n = st_new(seL4_NotificationObject, 0);
    NEED(n);
    seL4_CPtr n7 = st_mint(n, KEEL_RIGHTS_ALL, 7);
    st_thread_t *w = st_thread_new(waiter, PRIO_MID, 1, "st-waiter");
    NEED(n7 && w);
    w->a[0] = n;
    NEED(st_thread_start(w));
    st_await(&w->stage, 1, 500);
    NEED(CHECK(w->stage == 1, "the waiter did not reach its Wait (stage %lu)", w->stage));
    OK(keel_tcb_resume(w->tcb));
    OK(keel_tcb_resume(w->tcb));
    st_sleep_ms(5);
    EQ("stage after Resume of the blocked thread (it must wait again)", w->stage, 1);
    keel_ipc_signal(n7);
    st_await(&w->stage, 2, 500);
    EQ("stage after the signal", w->stage, 2);
    EQ("badge", w->r[0], 7);
    // Had the restart left a second queue entry, this signal would go to the stale entry.
    keel_ipc_signal(n7);
    EQ("notification word after a second signal (nobody waits)", keel_ipc_poll(n), 7);
}

// A thread blocked in Send: Suspend takes it off the endpoint queue; Resume restarts the Send.
static void t_suspend_resume_sender(void)
{
    NEED_TIMER();
    seL4_CPtr ep = st_new(seL4_EndpointObject, 0);
    st_thread_t *s = st_thread_new(sender, PRIO_MID, 1, "st-sender");
    NEED(ep && s);
    s->a[0] = ep;
    NEED(st_thread_start(s));
    st_await(&s->stage, 1, 500);
    NEED(CHECK(s->stage == 1, "the sender did not reach its Send (stage %lu)", s->stage));
    OK(keel_tcb_suspend(s->tcb));
    keel_ipc_regs_t r = {ep, ~0UL, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysNBRecv, &r);
    CHECK(r.x1 == ~0UL, "NBRecv took a message from a suspended sender (tag 0x%lx)", r.x1);
    OK(keel_tcb_resume(s->tcb));
    st_sleep_ms(5);
    EQ("stage of the resumed sender (blocked again in its restarted Send)", s->stage, 1);
    keel_ipc_regs_t q = {ep, ~0UL, {0, 0, 0, 0}};
    keel_ipc_syscall(seL4_SysNBRecv, &q);
    EQ("label of the re-sent message", seL4_MessageInfo_get_label(keel_msginfo_from_word(q.x1)),
       0x77);
    EQ("MR0 of the re-sent message", q.mr[0], 0x1234);
    st_await(&s->stage, 2, 500);
    EQ("stage after the message was taken", s->stage, 2);
}

// An Inactive thread does not run; Resume starts it at its restart PC (§13.7).
static void t_resume_inactive(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 300);
    NEED(a);
    st_sleep_ms(5);
    CHECK(a->entries == 0 && a->count == 0, "an inactive thread ran");
    NEED(st_thread_start(a));
    st_await_above(&a->count, 0, 500);
    EQ("entries after Resume", a->entries, 1);
    CHECK(a->count > 0, "a resumed inactive thread did not run");
}

// --- Domains -------------------------------------------------------------------------------------

static void t_domain_set_errors(void)
{
    NEED_TIMER();
    begin_busy();
    st_thread_t *a = busy_thread(busy_tracked, PRIO_MID, 1, 300);
    NEED(a);
    const seL4_CPtr dom = seL4_CapDomain;
    ERR1(keel_domain_set(dom, 1, a->tcb), seL4_InvalidArgument, 0);
    ERR1(keel_domain_set(dom, 255, a->tcb), seL4_InvalidArgument, 0);
    ERR1(keel_domain_set(dom, 0, st.rn), seL4_InvalidArgument, 1);
    ERR1(keel_domain_set(dom, 0, ST_ROOT_CNODE), seL4_InvalidArgument, 1);
    // The domain is checked before the cap (§8.9 order).
    ERR1(keel_domain_set(dom, 1, st.rn), seL4_InvalidArgument, 0);
    const seL4_Word d0[1] = {0}, d1[1] = {1};
    const seL4_CPtr tcb[1] = {a->tcb};
    ERR0(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET, 0, 1, d0, tcb), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET, 1, 0, d0, NULL), seL4_TruncatedMessage);
    ERR1(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET, 1, 0, d1, NULL), seL4_InvalidArgument, 0);
    ERR0(st_invoke_raw(dom, KEEL_INV_DOMAIN_SET + 1, 1, 1, d0, tcb), seL4_IllegalOperation);
    OK(keel_domain_set(dom, 0, a->tcb));
    OK(keel_domain_set(dom, 0, ST_ROOT_TCB));
    NEED(st_thread_start(a));
    OK(keel_domain_set(dom, 0, a->tcb));
    st_await_above(&a->count, 0, 500);
    CHECK(a->count > 0, "a thread set to domain 0 does not run");
}

// --- DebugDumpScheduler --------------------------------------------------------------------------

// Threads in every state, a CNode that holds a cap to itself, to the root CNode and to a TCB:
// the dump must come back, and everything must go on as before.
static void t_debug_dump_scheduler(void)
{
    NEED_TIMER();
    begin_busy();
    seL4_CPtr n = st_new(seL4_NotificationObject, 0);
    seL4_CPtr cnode = st_new(seL4_CapTableObject, 4);
    st_thread_t *busy = busy_thread(busy_tracked, PRIO_MID, 1, 300);
    st_thread_t *w = st_thread_new(waiter, PRIO_MID + 1, 2, "st-dump-waiter");
    st_thread_t *idle = st_thread_new(log_once, PRIO_MID, 3, "st-dump-inactive");
    st_thread_t *susp = busy_thread(busy_tracked, PRIO_MID, 4, 300);
    NEED(n && cnode && busy && w && idle && susp);
    OK(keel_cnode_copy(cnode, 0, 4, ST_ROOT_CNODE, cnode, ST_DEPTH, KEEL_RIGHTS_ALL));
    OK(keel_cnode_copy(cnode, 1, 4, ST_ROOT_CNODE, ST_ROOT_CNODE, ST_DEPTH, KEEL_RIGHTS_ALL));
    OK(keel_cnode_copy(cnode, 2, 4, ST_ROOT_CNODE, busy->tcb, ST_DEPTH, KEEL_RIGHTS_ALL));
    w->a[0] = n;
    NEED(st_thread_start(busy) && st_thread_start(w) && st_thread_start(susp));
    st_sleep_ms(5);
    OK(keel_tcb_suspend(susp->tcb));
    keel_debug_dump_scheduler();
    seL4_Word c = busy->count;
    st_await_above(&busy->count, c, 500);
    CHECK(busy->count > c, "the busy thread stopped after the dump");
    EQ("waiter stage before its signal", w->stage, 1);
    keel_ipc_signal(n);
    st_await(&w->stage, 2, 500);
    EQ("waiter stage after its signal", w->stage, 2);
    // Break the cycle so that the CNode and the TCB copy inside it go with the test's slots.
    for (seL4_Word i = 0; i < 3; i++) {
        keel_cnode_delete(cnode, i, 4);
    }
}

const struct st_test st_sched_tests[] = {
    {"priority_order", t_priority_order},
    {"priority_busy_strict", t_priority_busy_strict},
    {"round_robin_equal_prio", t_round_robin},
    {"timeslice_5_ticks", t_timeslice_length},
    {"preempt_busy_loop_on_timer", t_preempt_busy_loop},
    {"preempted_thread_to_head", t_preempted_goes_to_head},
    {"resumed_threads_to_head", t_resumed_go_to_head},
    {"set_priority_preempts", t_set_priority_preempts},
    {"yield_to_equal_prio", t_yield_to_equal},
    {"yield_not_to_lower_prio", t_yield_not_to_lower},
    {"mcp_root_limits", t_mcp_root_limits},
    {"mcp_authority_100", t_mcp_authority_100},
    {"mcp_thread_cannot_raise", t_mcp_thread_cannot_raise},
    {"suspend_resume_running", t_suspend_resume_running},
    {"suspend_blocked_resume_restarts", t_suspend_blocked_resume_restarts},
    {"resume_blocked_restarts_wait", t_resume_blocked_restarts_wait},
    {"suspend_resume_sender", t_suspend_resume_sender},
    {"resume_inactive", t_resume_inactive},
    {"domain_set_errors", t_domain_set_errors},
    {"debug_dump_scheduler", t_debug_dump_scheduler},
};
const unsigned st_sched_count = sizeof(st_sched_tests) / sizeof(st_sched_tests[0]);
