// SPDX-License-Identifier: BSD-2-Clause
// IPC benchmark root task: one-way kernel paths in PMU instruction counts, printed as BENCH lines.

// What each figure means is defined in docs/bench.md. In short: every sample is "timestamp after
// the svc returned in the receiving thread" minus "timestamp before the svc in the sending thread"
// minus the cost of two back-to-back timestamps, i.e. the svc plus every kernel instruction up to
// the eret into the receiver. Each benchmark runs WARMUP + RUNS iterations and reports the median
// of the last RUNS samples with their min, max and quartiles:
//
//   BENCH <space>.<operation> <median> min=<min> max=<max> q1=<q1> q3=<q3> n=<RUNS>
//
// <space> is "cross" (the other thread has its own VSpace and ASID) or "same" (a second thread of
// the root VSpace). The root task is always one side; the helper threads are in workers.c.

#include "kobj.h"
#include "out.h"
#include "pmu.h"
#include "workers.h"

#include <keel/debug.h>
#include <keel/runtime.h>

#define WARMUP 16
#define RUNS   256
#define TOTAL  (WARMUP + RUNS)
// The yielding helper goes on a little longer than the root task, so that a pairing shifted by
// preemption still finds a partner for every Yield of the root task.
#define YIELD_HELPER (TOTAL + 16)
_Static_assert(YIELD_HELPER + 1 < BENCH_MAX_SAMPLES, "results area too small");

// The root task and the helpers run at these priorities; nothing else is runnable meanwhile.
#define PRIO_BENCH 100
#define PRIO_HIGH  (PRIO_BENCH + 1)

// Helper-thread layout: stack, IPC buffer and results at BASE in the helper's VSpace; the cross
// helper's results are also mapped at CROSS_VIEW in the root VSpace.
#define CROSS_VIEW 0x10000000UL
#define CROSS_BASE 0x10100000UL
#define SAME_BASE  0x10200000UL

static uint64_t root_start[TOTAL + 1];
static uint64_t root_end[TOTAL + 1];
static uint64_t samples[RUNS];
static uint64_t overhead;
static unsigned failures;

static seL4_CPtr ep, ntfn, park;

static void fail(const char *what, const char *name, uint64_t value)
{
    failures++;
    out_str("bench: FAIL ");
    out_str(what);
    out_str(" in ");
    out_str(name);
    out_str(": ");
    out_u64(value);
    out_str("\n");
}

// One sample: later - earlier - overhead, refusing to wrap.
static uint64_t one_way(uint64_t earlier, uint64_t later, const char *name)
{
    if (later < earlier + overhead) {
        fail("timestamp order", name, later - earlier);
        return 0;
    }
    return later - earlier - overhead;
}

static void sort(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--) {
            v[j] = v[j - 1];
        }
        v[j] = x;
    }
}

// Prints the statistics of samples[0, n).
static void report_n(const char *space, const char *name, unsigned n)
{
    sort(samples, n);
    uint64_t median = (samples[(n - 1) / 2] + samples[n / 2]) / 2;
    out_str("BENCH ");
    if (space) {
        out_str(space);
        out_str(".");
    }
    out_str(name);
    out_str(" ");
    out_u64(median);
    out_str(" min=");
    out_u64(samples[0]);
    out_str(" max=");
    out_u64(samples[n - 1]);
    out_str(" q1=");
    out_u64(samples[n / 4]);
    out_str(" q3=");
    out_u64(samples[(3 * n) / 4]);
    out_str(" n=");
    out_u64(n);
    out_str("\n");
}

static void report(const char *space, const char *name)
{
    report_n(space, name, RUNS);
}

static volatile uint64_t *results_of(const bench_thread_t *t)
{
    return (volatile uint64_t *)t->view;
}

// Call (client = root) and ReplyRecv (server = helper), `length`-word messages both ways.
static void bench_call(const char *space, bench_thread_t *t, seL4_Word length)
{
    const int slow = length > seL4_FastMessageRegisters;
    bench_set_priority(t->tcb, PRIO_BENCH);
    bench_thread_start(t, worker_server, ep, length, TOTAL + 1, t->results);
    seL4_Word info = bench_msginfo(length);
    unsigned bad = 0;
    // One Call more than is used: the server stores the timestamp taken before a ReplyRecv only
    // once that ReplyRecv returns, i.e. when the next Call arrives.
    for (unsigned i = 0; i <= TOTAL; i++) {
        bench_ts_t ts = bench_ts_syscall(seL4_SysCall, ep, info);
        root_start[i] = ts.start;
        root_end[i] = ts.end;
        bad += (ts.x1 & 0x7F) != length;
    }
    bench_thread_stop(t);
    volatile uint64_t *r = results_of(t);
    if (bad != 0 || r[BENCH_BAD_WORD] != 0) {
        fail("message length", "call", bad + r[BENCH_BAD_WORD]);
    }
    for (unsigned i = 0; i < RUNS; i++) {
        samples[i] = one_way(root_start[WARMUP + i], r[BENCH_END_BASE + WARMUP + i], "call");
    }
    report(space, slow ? "call_10w" : "call");
    for (unsigned i = 0; i < RUNS; i++) {
        samples[i] = one_way(r[BENCH_START_BASE + WARMUP + i], root_end[WARMUP + i], "replyrecv");
    }
    report(space, slow ? "replyrecv_10w" : "replyrecv");
    for (unsigned i = 0; i < RUNS; i++) {
        samples[i] = one_way(root_start[WARMUP + i], root_end[WARMUP + i], "roundtrip");
    }
    report(space, slow ? "roundtrip_10w" : "roundtrip");
}

// Send, NBSend or Signal from the root task to a higher-priority helper blocked in Recv on cap.
static void bench_to_waiter(const char *space, bench_thread_t *t, seL4_Syscall_ID sys,
                            seL4_CPtr cap, const char *name)
{
    bench_set_priority(t->tcb, PRIO_HIGH);
    // The helper preempts the root task at once and blocks in its first Recv.
    bench_thread_start(t, worker_receiver, cap, TOTAL, t->results, park);
    for (unsigned i = 0; i < TOTAL; i++) {
        root_start[i] = bench_ts_syscall(sys, cap, bench_msginfo(0)).start;
    }
    bench_thread_stop(t);
    volatile uint64_t *r = results_of(t);
    for (unsigned i = 0; i < RUNS; i++) {
        samples[i] = one_way(root_start[WARMUP + i], r[BENCH_END_BASE + WARMUP + i], name);
    }
    report(space, name);
}

// Recv that finds an equal-priority sender already queued: timed in the receiver alone.
static void bench_recv_queued(const char *space, bench_thread_t *t)
{
    bench_set_priority(t->tcb, PRIO_BENCH);
    bench_thread_start(t, worker_sender, ep, 0, 0, 0);
    // This Recv blocks; the sender runs, its first Send wakes us and its second one queues it.
    // From then on every other Recv finds the sender queued (those are timed), and the ones in
    // between block and let the sender queue itself again.
    bench_ts_syscall(seL4_SysRecv, ep, 0);
    for (unsigned i = 0; i < TOTAL; i++) {
        bench_ts_t ts = bench_ts_syscall(seL4_SysRecv, ep, 0);
        root_start[i] = ts.start;
        root_end[i] = ts.end;
        bench_ts_syscall(seL4_SysRecv, ep, 0);
    }
    bench_thread_stop(t);
    for (unsigned i = 0; i < RUNS; i++) {
        samples[i] = one_way(root_start[WARMUP + i], root_end[WARMUP + i], "recv");
    }
    report(space, "recv");
}

// Yield between the root task and an equal-priority helper: helper's Yield to our return.
static void bench_yield(const char *space, bench_thread_t *t)
{
    bench_set_priority(t->tcb, PRIO_BENCH);
    // A helper Yield that never returns leaves no timestamp: mark those slots as "not yet".
    volatile uint64_t *r = results_of(t);
    for (unsigned i = 0; i < YIELD_HELPER; i++) {
        r[BENCH_START_BASE + i] = ~0UL;
    }
    bench_thread_start(t, worker_yield, YIELD_HELPER, t->results, park, 0);
    // The helper's Yield i returns (and stores its timestamps) at our Yield i + 1, hence one more.
    for (unsigned i = 0; i <= TOTAL; i++) {
        bench_ts_t ts = bench_ts_syscall(seL4_SysYield, 0, 0);
        root_start[i] = ts.start;
        root_end[i] = ts.end;
    }
    bench_thread_stop(t);
    // Normally the helper's Yield i is what our Yield i returns from. A timeslice running out
    // between two Yields (it happens without -icount) shifts that pairing, so each of our returns
    // is matched with the helper's last Yield before it instead; a return with no helper Yield
    // inside our own (the helper was preempted, not yielding) is no Yield sample and is dropped.
    unsigned j = 0, kept = 0;
    for (unsigned i = 0; i < RUNS; i++) {
        uint64_t ret = root_end[WARMUP + i];
        while (j + 1 < YIELD_HELPER && r[BENCH_START_BASE + j + 1] <= ret) {
            j++;
        }
        uint64_t from = r[BENCH_START_BASE + j];
        if (from <= ret && from >= root_start[WARMUP + i]) {
            samples[kept++] = one_way(from, ret, "yield");
        }
    }
    if (kept < RUNS / 2) {
        fail("Yield samples kept", "yield", kept);
        kept = RUNS;
    }
    report_n(space, "yield", kept);
}

// Yield with no other thread at our priority: the kernel picks us again. The cheapest
// well-defined round trip into the kernel and back (Keel has no BenchmarkNullSyscall).
static void bench_null(void)
{
    for (unsigned i = 0; i < TOTAL; i++) {
        bench_ts_t ts = bench_ts_syscall(seL4_SysYield, 0, 0);
        root_start[i] = ts.start;
        root_end[i] = ts.end;
    }
    for (unsigned i = 0; i < RUNS; i++) {
        samples[i] = one_way(root_start[WARMUP + i], root_end[WARMUP + i], "null_syscall");
    }
    report(NULL, "null_syscall");
}

static void measure_overhead(void)
{
    overhead = ~0UL;
    uint64_t worst = 0;
    for (unsigned i = 0; i < TOTAL; i++) {
        uint64_t o = bench_overhead();
        overhead = o < overhead ? o : overhead;
        worst = o > worst ? o : worst;
    }
    out_str("BENCH overhead ");
    out_u64(overhead);
    out_str(" min=");
    out_u64(overhead);
    out_str(" max=");
    out_u64(worst);
    out_str(" n=");
    out_u64(TOTAL);
    out_str("\n");
}

static void run_all(const char *space, bench_thread_t *t)
{
    bench_call(space, t, 0);
    bench_call(space, t, 10);
    bench_to_waiter(space, t, seL4_SysSend, ep, "send");
    bench_to_waiter(space, t, seL4_SysNBSend, ep, "nbsend");
    bench_to_waiter(space, t, seL4_SysSend, ntfn, "notify");
    bench_recv_queued(space, t);
    bench_yield(space, t);
}

int root_main(const seL4_BootInfo *bi)
{
    out_str("bench: Keel IPC benchmark, ");
    out_u64(WARMUP);
    out_str(" warm-up + ");
    out_u64(RUNS);
    out_str(" measured iterations each\n");
    bench_kobj_init(bi);
    bench_set_priority(seL4_CapInitThreadTCB, PRIO_BENCH);
    ep = bench_alloc(seL4_EndpointObject);
    ntfn = bench_alloc(seL4_NotificationObject);
    park = bench_alloc(seL4_EndpointObject);

    bench_thread_t cross, same;
    seL4_CPtr vspace = bench_new_vspace_with_image();
    bench_thread_create(&cross, vspace, CROSS_BASE, CROSS_VIEW, PRIO_BENCH);
    bench_thread_create(&same, seL4_CapInitThreadVSpace, SAME_BASE, SAME_BASE, PRIO_BENCH);
    out_str("bench: helper threads ready\n");

    measure_overhead();
    run_all("cross", &cross);
    run_all("same", &same);
    bench_null();

    if (failures != 0) {
        out_str("bench: FAIL ");
        out_u64(failures);
        out_str(" check(s) failed\n");
    } else {
        out_str("bench: done\n");
    }
    keel_debug_halt();
}
