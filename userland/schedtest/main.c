// SPDX-License-Identifier: BSD-2-Clause
// schedtest root task: scheduling and interrupt tests, one result line each, then halt.

// Output (read by ./keel test through tests/qemu/runner.py):
//     SCHED0001 <name> pass|fail     one line per scheduling test (t_sched.c)
//     IRQ0001 <name> pass|fail       one line per interrupt test (t_irq.c)
//       <reason>                     before a failing test's line, indented by two spaces
//     schedinfo: ...                 informational lines (measurements), ignored by the runner
//     IRQ-INPUT-READY                the UART test waits for "keel\n" on the console after this
//     schedtest: N passed, M failed  at the end, then DebugHalt powers the machine off
// Numbers follow the order of the tables, so a number names the same test on every board.

#include "schedtest.h"

#include <stdarg.h>
#include <stdio.h>
#include <testlib.h>

static const char *current_name = "setup";
static unsigned reasons_printed;

#define MAX_REASONS 10

bool st_check(bool ok, int line, const char *fmt, ...)
{
    if (ok) {
        return true;
    }
    tl_fail();
    if (reasons_printed++ < MAX_REASONS) {
        va_list ap;
        va_start(ap, fmt);
        printf("  %s (line %d): ", current_name, line);
        vprintf(fmt, ap);
        printf("\n");
        va_end(ap);
    } else if (reasons_printed == MAX_REASONS + 1) {
        printf("  %s: further failed checks not shown\n", current_name);
    }
    return false;
}

bool st_eq(int line, const char *what, seL4_Word got, seL4_Word want)
{
    return st_check(got == want, line, "%s: got %lu (0x%lx), expected %lu (0x%lx)", what, got, got,
                    want, want);
}

void st_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("schedinfo: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

void st_fail(const char *what, seL4_Word a, seL4_Word b)
{
    st_check(false, 0, "%s %lu (0x%lx), %lu", what, a, a, b);
}

static bool expect(int line, const char *what, seL4_Word err, const seL4_Word *mr, seL4_Word len,
                   seL4_Error want, unsigned nmr, seL4_Word mr0, seL4_Word mr1)
{
    if (err != (seL4_Word)want) {
        return st_check(false, line, "%s: got %s (%lu), expected %s", what, keel_error_name(err),
                        err, keel_error_name(want));
    }
    if (nmr == 0) {
        return true;
    }
    bool ok = len == nmr && mr[0] == mr0 && (nmr < 2 || mr[1] == mr1);
    if (nmr == 1) {
        return st_check(ok, line, "%s: %s with length %lu, MR0 %lu; expected length 1, MR0 %lu",
                        what, keel_error_name(want), len, mr[0], mr0);
    }
    return st_check(ok, line,
                    "%s: %s with length %lu, MR0 %lu, MR1 %lu; expected length 2, MR0 %lu, MR1 %lu",
                    what, keel_error_name(want), len, mr[0], mr[1], mr0, mr1);
}

bool st_expect(int line, const char *what, seL4_Error err, seL4_Error want, unsigned nmr,
               seL4_Word mr0, seL4_Word mr1)
{
    seL4_Word mr[2] = {keel_mr(0), keel_mr(1)};
    return expect(line, what, err, mr, keel_reply_length(), want, nmr, mr0, mr1);
}

bool st_expect_thread(int line, const char *what, seL4_Word label, const seL4_Word *mr,
                      seL4_Error want, unsigned nmr, seL4_Word mr0, seL4_Word mr1)
{
    // A thread records no reply length; MRs it did not get keep the value it sent.
    return expect(line, what, label, mr, nmr, want, nmr, mr0, mr1);
}

static seL4_CPtr retry_mark; // slots the attempts of st_retry_timing allocate start here

static void again_after_timing(unsigned attempt)
{
    st_threads_reset();
    st_slot_release(retry_mark);
    printf("  (attempt %u failed; timing may have been disturbed: running it again)\n", attempt);
    st_log_reset();
}

void st_retry_timing(void (*once)(void))
{
    retry_mark = st_slot_mark();
    st_log_reset();
    tl_retry(once, st.slow_kernel ? 3 : 2, again_after_timing);
    st_threads_reset();
    st_slot_release(retry_mark);
}

static void run_group(const char *prefix, const struct st_test *tests, unsigned count,
                      unsigned first)
{
    for (unsigned i = 0; i < count; i++) {
        current_name = tests[i].name;
        tl_begin();
        reasons_printed = 0;
        seL4_CPtr mark = st_slot_mark();
        st_log_reset();
        tests[i].fn();
        st_threads_reset();
        keel_tcb_set_priority(ST_ROOT_TCB, ST_ROOT_TCB, ST_ROOT_PRIO);
        st_slot_release(mark);
        st_timer_restore();
        keel_tcb_resume(st.idle_tcb);
        tl_result(prefix, first + i, tests[i].name);
    }
}

int root_main(const seL4_BootInfo *bi)
{
    printf("schedtest: Keel scheduling and interrupt tests\n");
    bool ok = st_env_init(bi);
    if (ok) {
        seL4_Error e = keel_tcb_set_priority(ST_ROOT_TCB, ST_ROOT_TCB, ST_ROOT_PRIO);
        ok = st_check(e == seL4_NoError, __LINE__, "root SetPriority(%u): %s", ST_ROOT_PRIO,
                      keel_error_name(e));
    }
    // The CPU is never left to the kernel's idle loop except in the one test about it (the last
    // one): an EL0 thread at priority 1 spins whenever nothing else is runnable. A kernel that
    // loses wake-ups from its idle loop then fails that test (by hanging, since nothing can run
    // any more) instead of every test that sleeps.
    if (ok) {
        ok = st_idle_start();
    }
    if (ok && !st_timer_init()) {
        st_info("the user-level timer did not fire: every test that sleeps will fail");
    }
    if (!ok) {
        printf("SCHED0000 setup fail\n");
        printf("schedtest: 0 passed, 1 failed\n");
        return 0;
    }
    // A debug kernel checks its invariants at every exit, which costs time in proportion to the
    // slots reachable: the tests that build trees of thousands of caps then shrink them.
    uint64_t t0 = st_cntpct();
    for (int i = 0; i < 64; i++) {
        keel_yield();
    }
    uint64_t per_call = st_ticks_to_us(st_cntpct() - t0) / 64;
    st.slow_kernel = per_call > 20;
    st_info("platform %s, counter %lu Hz, UART IRQ %lu, max IRQ %lu, user timer %s",
            st.platform_name, (unsigned long)st.freq, st.uart_irq, st.max_irq,
            st.timer_ok ? "works" : "BROKEN");
    st_info("%lu us per Yield: %s kernel", (unsigned long)per_call,
            st.slow_kernel ? "slow (debug?)" : "normal");
    run_group("SCHED", st_sched_tests, st_sched_count, 1);
    run_group("SCHED", st_sched_tcb_tests, st_sched_tcb_count, st_sched_count + 1);
    run_group("IRQ", st_irq_tests, st_irq_count, 1);
    run_group("IRQ", st_longop_tests, st_longop_count, st_irq_count + 1);
    tl_summary("schedtest");
    return 0;
}
