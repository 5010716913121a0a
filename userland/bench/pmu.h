// SPDX-License-Identifier: BSD-2-Clause
// Timestamped system calls: PMCCNTR_EL0 read right before the svc and right after it returns.
#pragma once

// A timestamp is `isb; mrs Xn, pmccntr_el0`. The isb keeps the read from being hoisted over the
// svc on real cores; under QEMU -icount shift=0 the counter advances once per guest instruction
// (EL0 and EL1 alike: the kernel sets PMCCFILTR_EL0 = 0), so it counts instructions exactly.
//
// bench_ts_syscall() is one asm block, `isb; mrs A; svc #0; isb; mrs B`, so nothing of the
// compiler's lies between either read and the svc. bench_overhead() is the same block without
// the svc. For a one-way figure the timestamp before the svc is taken in one thread (A) and the
// one after the return in another (B); B - A - overhead is then exactly the svc instruction plus
// every instruction the kernel ran up to and including its eret into the receiving thread.

#include <keel/syscall.h>
#include <keel/types.h>
#include <stdint.h>

typedef struct bench_ts {
    uint64_t start; // read just before the svc
    uint64_t end;   // read just after the svc returned to this thread
    seL4_Word x0;   // badge / notification word on return
    seL4_Word x1;   // message info on return
} bench_ts_t;

static inline __attribute__((always_inline)) bench_ts_t
bench_ts_syscall(seL4_Syscall_ID sys, seL4_Word cptr, seL4_Word info)
{
    register seL4_Word x0 __asm__("x0") = cptr;
    register seL4_Word x1 __asm__("x1") = info;
    register seL4_Word x2 __asm__("x2") = 0;
    register seL4_Word x3 __asm__("x3") = 0;
    register seL4_Word x4 __asm__("x4") = 0;
    register seL4_Word x5 __asm__("x5") = 0;
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    uint64_t a, b;
    // Early-clobbered outputs never share a register with x0..x7, which the kernel may write.
    __asm__ __volatile__("isb\n\t"
                         "mrs %[a], pmccntr_el0\n\t"
                         "svc #0\n\t"
                         "isb\n\t"
                         "mrs %[b], pmccntr_el0"
                         : [a] "=&r"(a), [b] "=&r"(b), "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3),
                           "+r"(x4), "+r"(x5)
                         : "r"(x7)
                         : "memory");
    bench_ts_t ts = {a, b, x0, x1};
    return ts;
}

// Two back-to-back timestamps: the reading cost that every figure has subtracted.
static inline __attribute__((always_inline)) uint64_t bench_overhead(void)
{
    uint64_t a, b;
    __asm__ __volatile__("isb\n\t"
                         "mrs %[a], pmccntr_el0\n\t"
                         "isb\n\t"
                         "mrs %[b], pmccntr_el0"
                         : [a] "=&r"(a), [b] "=&r"(b)
                         :
                         : "memory");
    return b - a;
}

static inline seL4_Word bench_msginfo(seL4_Word length)
{
    return keel_msginfo_to_word(seL4_MessageInfo_new(0, 0, 0, length));
}
