// SPDX-License-Identifier: BSD-2-Clause
// Helper threads of the benchmark: a Call server, a waiting receiver, a sender, a yielder.

// These run in the root task's image, possibly in another address space, with no TLS and no
// IPC-buffer pointer of their own: they use nothing but their arguments, registers and stack.

#include "workers.h"

#include "kobj.h"
#include "pmu.h"

#define MSG_LENGTH_MASK 0x7FUL

static _Noreturn void park_on(seL4_Word cap)
{
    for (;;) {
        bench_ts_syscall(seL4_SysRecv, cap, 0);
    }
}

void worker_server(seL4_Word ep, seL4_Word length, seL4_Word n, seL4_Word results)
{
    volatile uint64_t *out = (volatile uint64_t *)(uintptr_t)results;
    seL4_Word info = bench_msginfo(length);
    seL4_Word bad = 0;
    bench_ts_t ts = bench_ts_syscall(seL4_SysRecv, ep, 0);
    for (seL4_Word i = 0; i < n; i++) {
        out[BENCH_END_BASE + i] = ts.end;
        bad += (ts.x1 & MSG_LENGTH_MASK) != length;
        out[BENCH_BAD_WORD] = bad;
        ts = bench_ts_syscall(seL4_SysReplyRecv, ep, info);
        out[BENCH_START_BASE + i] = ts.start;
    }
    // Not reached while the client makes exactly n Calls: the last ReplyRecv waits for ever.
    park_on(ep);
}

void worker_receiver(seL4_Word cap, seL4_Word n, seL4_Word results, seL4_Word park)
{
    volatile uint64_t *out = (volatile uint64_t *)(uintptr_t)results;
    for (seL4_Word i = 0; i < n; i++) {
        out[BENCH_END_BASE + i] = bench_ts_syscall(seL4_SysRecv, cap, 0).end;
    }
    park_on(park);
}

void worker_sender(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3)
{
    (void)unused1;
    (void)unused2;
    (void)unused3;
    for (;;) {
        bench_ts_syscall(seL4_SysSend, ep, bench_msginfo(0));
    }
}

void worker_yield(seL4_Word n, seL4_Word results, seL4_Word park, seL4_Word unused)
{
    (void)unused;
    volatile uint64_t *out = (volatile uint64_t *)(uintptr_t)results;
    for (seL4_Word i = 0; i < n; i++) {
        bench_ts_t ts = bench_ts_syscall(seL4_SysYield, 0, 0);
        out[BENCH_START_BASE + i] = ts.start;
        out[BENCH_END_BASE + i] = ts.end;
    }
    park_on(park);
}
