// SPDX-License-Identifier: BSD-2-Clause
// Thread bodies and helpers shared by the SCHED tests: busy loops, loggers, waiters, senders.

#include "sched_threads.h"

#include <stdio.h>
#include <string.h>

// The id of the busy thread that ran last; a thread logs its id whenever it finds another id
// here, i.e. each time it gets the CPU back from someone else.
volatile seL4_Word last_runner;
volatile seL4_Word stop_all;

// --- Thread bodies -------------------------------------------------------------------------------

void log_once(st_thread_t *self)
{
    st_log(self->id);
}

// Busy until CNTPCT reaches a[0] (every busy thread limits itself, so that nothing spins for
// ever if a test gives up), logging each time it gets the CPU back.
void busy_tracked(st_thread_t *self)
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
void busy_runs(st_thread_t *self)
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
void yielder(st_thread_t *self)
{
    for (seL4_Word k = 1; k <= 3; k++) {
        st_log(self->id * 10 + k);
        if (k < 3) {
            keel_yield();
        }
    }
}

// stage 1, Wait on a[0], r[0] = badge, stage 2.
void waiter(st_thread_t *self)
{
    self->stage = 1;
    self->r[0] = keel_ipc_wait(self->a[0]);
    self->stage = 2;
}

// stage 1, Send (label 0x77, MR0 = 0x1234) on endpoint a[0], stage 2.
void sender(st_thread_t *self)
{
    self->stage = 1;
    const seL4_Word mr[4] = {0x1234, 0, 0, 0};
    keel_send(self->a[0], seL4_MessageInfo_new(0x77, 0, 0, 1), mr);
    self->stage = 2;
}

st_thread_t *busy_thread(st_thread_fn fn, seL4_Word prio, seL4_Word id, uint64_t ms)
{
    st_thread_t *t = st_thread_new(fn, prio, id, "st-busy");
    if (t) {
        t->a[0] = st_cntpct() + st_ms_to_ticks(ms);
    }
    return t;
}

bool log_is(int line, const char *what, const seL4_Word *want, unsigned n)
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

void begin_busy(void)
{
    stop_all = 0;
    last_runner = 0;
}
