// SPDX-License-Identifier: BSD-2-Clause
// The schedtest harness: test tables, checks on results and invocation errors.
#pragma once

#include "st.h"

struct st_test {
    const char *name;
    void (*fn)(void);
};

extern const struct st_test st_sched_tests[];
extern const unsigned st_sched_count;
extern const struct st_test st_sched_tcb_tests[]; // SCHED tests numbered after st_sched_tests
extern const unsigned st_sched_tcb_count;
extern const struct st_test st_irq_tests[];
extern const unsigned st_irq_count;
extern const struct st_test st_longop_tests[]; // IRQ tests numbered after st_irq_tests
extern const unsigned st_longop_count;

// Runs a test whose outcome depends on timing again from a clean state if it fails (three
// attempts on a slow kernel, two otherwise): the kernel's tick may end a timeslice at any
// instruction, which reorders equal-priority threads as the ABI allows, and without -icount (the
// debug kernel) a host that stops QEMU for milliseconds can close a window a check relies on. A
// real defect fails every attempt.
void st_retry_timing(void (*once)(void));

// Helpers shared by the IRQ test files (t_irq.c).
// Spins until *flag reaches `want` or `ms` pass; true if it did.
bool st_spin_for(volatile seL4_Word *flag, seL4_Word want, uint64_t ms);
// Takes INTID 30 from the harness and claims it for the test: a handler cap in a new slot,
// targeting notification `ntfn_cap`. Returns the handler slot or 0.
seL4_CPtr st_claim_ptimer(seL4_CPtr ntfn_cap);
// A new notification (in *orig if orig is not NULL) and a copy of it badged `badge`.
seL4_CPtr st_new_ntfn_badged(seL4_Word badge, seL4_CPtr *orig);

// A failed check prints one line "  <test> (line N): ..." and marks the running test failed.
bool st_check(bool ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool st_eq(int line, const char *what, seL4_Word got, seL4_Word want);
// Informational line ("schedinfo: ..."), ignored by the runner.
void st_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define CHECK(cond, ...)    st_check((cond), __LINE__, __VA_ARGS__)
#define EQ(what, got, want) st_eq(__LINE__, (what), (seL4_Word)(got), (seL4_Word)(want))

// The last root invocation (through libkeel's wrappers) returned err; checks it against want and,
// for errors with MRs (§6.2), the reply length and MR0/MR1.
bool st_expect(int line, const char *what, seL4_Error err, seL4_Error want, unsigned nmr,
               seL4_Word mr0, seL4_Word mr1);
#define OK(call)                st_expect(__LINE__, #call, (call), seL4_NoError, 0, 0, 0)
#define ERR0(call, code)        st_expect(__LINE__, #call, (call), (code), 0, 0, 0)
#define ERR1(call, code, m0)    st_expect(__LINE__, #call, (call), (code), 1, (m0), 0)
#define ERR_RANGE(call, lo, hi) st_expect(__LINE__, #call, (call), seL4_RangeError, 2, (lo), (hi))

// An error a helper thread recorded: label and reply MR0/MR1 it saw.
bool st_expect_thread(int line, const char *what, seL4_Word label, const seL4_Word *mr,
                      seL4_Error want, unsigned nmr, seL4_Word mr0, seL4_Word mr1);

// A raw invocation by the root thread with the tag exactly as given (short messages, missing caps).
static inline seL4_Error st_invoke_raw(seL4_CPtr cap, seL4_Word label, seL4_Word length,
                                       seL4_Word ncaps, const seL4_Word *mr, const seL4_CPtr *caps)
{
    return (seL4_Error)seL4_MessageInfo_get_label(keel_invoke(cap, label, length, ncaps, mr, caps));
}

// Tests that sleep need the harness timer: fail at once (with the reason) when it is not there.
#define NEED_TIMER()                                                                        \
    do {                                                                                    \
        if (!CHECK(st.timer_ok, "the user-level timer (IRQ 30) never fired at start-up")) { \
            return;                                                                         \
        }                                                                                   \
    } while (0)

#define NEED(x)     \
    do {            \
        if (!(x)) { \
            return; \
        }           \
    } while (0)
