// SPDX-License-Identifier: BSD-2-Clause
// Thread bodies and helpers shared by the SCHED tests (t_sched.c, t_sched_tcb.c).
#pragma once

#include "schedtest.h"

#define PRIO_MID 100
#define ROOT_ID  99 // logged by the root thread

// The id of the busy thread that ran last (busy_tracked logs on a change); set to make every
// busy thread stop.
extern volatile seL4_Word last_runner, stop_all;

void log_once(st_thread_t *self);     // logs its id
void busy_tracked(st_thread_t *self); // busy until a[0], logging each time it gets the CPU back
void busy_runs(st_thread_t *self);    // busy, recording its runs and their kernel entries
void yielder(st_thread_t *self);      // logs id*10+1..3 with a Yield between
void waiter(st_thread_t *self);       // stage 1, Wait on a[0], r[0] = badge, stage 2
void sender(st_thread_t *self);       // stage 1, Send on a[0], stage 2
// A busy thread running fn at prio that stops itself after ms.
st_thread_t *busy_thread(st_thread_fn fn, seL4_Word prio, seL4_Word id, uint64_t ms);
// Resets the busy threads' shared state before a test that uses them.
void begin_busy(void);
// The log holds exactly want[0..n-1] (waiting up to 500 ms for it on a slow kernel).
bool log_is(int line, const char *what, const seL4_Word *want, unsigned n);
#define LOG_IS(what, ...)                                                  \
    do {                                                                   \
        const seL4_Word want_[] = {__VA_ARGS__};                           \
        log_is(__LINE__, (what), want_, sizeof(want_) / sizeof(want_[0])); \
    } while (0)
