// SPDX-License-Identifier: BSD-2-Clause
// IPC test suite root task: runs the numbered tests, reports them, detects a stuck root thread.

// Output (read by ./keel test through tests/qemu/runner.py):
//     IPC0001 <name> pass|fail       one line per test; a failing test is preceded by
//       <reason>                     one or more lines starting with two spaces
//     ipctest: N passed, M failed    once at the end, then DebugHalt powers the machine off
//
// Waiting without a timer: every thread a test creates runs at a priority above 1, and an idle
// thread at priority 1 only runs when all of them (and the root thread) are blocked. it_settle()
// blocks the root thread on a notification that the idle thread signals, so it returns exactly
// when the system has quiesced. If the idle thread ever runs while the root thread is blocked
// anywhere else, nothing can wake the root thread any more: the idle thread then reports the
// running test (and every test not yet run) as failed and halts, so a kernel that loses a wakeup
// produces a report instead of a silent timeout.

#include "ipctest.h"

#include <keel/debug.h>
#include <keel/runtime.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <testlib.h>

struct it_env it;

static const struct it_test *const groups[] = {
    it_tests_ep, it_tests_call, it_tests_caps, it_tests_ntfn, it_tests_fault, it_tests_sched,
};

#define MAX_TESTS 128
static const struct it_test *all_tests[MAX_TESTS];
static unsigned num_tests;

// Shared with the idle thread, which reads them without locks: single core, and the idle thread
// only runs while the root thread is blocked.
static volatile unsigned current_test; // index into all_tests
static volatile bool in_settle;
static volatile seL4_Word settle_epoch;

// --- Checks --------------------------------------------------------------------------------------

bool it_check(bool ok, const char *fmt, ...)
{
    if (!ok) {
        va_list ap;
        va_start(ap, fmt);
        printf("  ");
        vprintf(fmt, ap);
        printf("\n");
        va_end(ap);
        tl_fail();
    }
    return ok;
}

bool it_eq(const char *what, seL4_Word got, seL4_Word want)
{
    return it_check(got == want, "%s: got 0x%lx, expected 0x%lx", what, got, want);
}

bool it_eqi(const char *what, unsigned i, seL4_Word got, seL4_Word want)
{
    return it_check(got == want, "%s[%u]: got 0x%lx, expected 0x%lx", what, i, got, want);
}

// --- Ordering log --------------------------------------------------------------------------------

#define LOG_MAX 32
static volatile seL4_Word log_ids[LOG_MAX];
static volatile seL4_Word log_n;

void it_log(seL4_Word id)
{
    seL4_Word n = log_n;
    if (n < LOG_MAX) {
        log_ids[n] = id;
    }
    log_n = n + 1;
}

seL4_Word it_log_count(void)
{
    return log_n;
}

seL4_Word it_log_at(seL4_Word i)
{
    return i < LOG_MAX ? log_ids[i] : 0;
}

static void format_seq(char *out, size_t room, const volatile seL4_Word *ids, seL4_Word n)
{
    size_t used = 0;
    out[0] = '\0';
    for (seL4_Word i = 0; i < n && i < LOG_MAX && used + 24 < room; i++) {
        used += (size_t)snprintf(out + used, room - used, "%s%lx", i ? "," : "", ids[i]);
    }
}

bool it_log_is(const char *what, const seL4_Word *want, seL4_Word n)
{
    bool same = log_n == n;
    for (seL4_Word i = 0; same && i < n; i++) {
        same = log_ids[i] == want[i];
    }
    if (!same) {
        char got_s[200], want_s[200];
        format_seq(got_s, sizeof(got_s), log_ids, log_n);
        format_seq(want_s, sizeof(want_s), want, n);
        it_check(false, "%s: order [%s], expected [%s]", what, got_s, want_s);
    }
    return same;
}

// --- Settling and the idle thread ----------------------------------------------------------------

void it_settle(void)
{
    keel_ipc_poll(it.quiet);
    settle_epoch++;
    in_settle = true;
    keel_ipc_wait(it.quiet);
    in_settle = false;
}

// Console output without printf: the idle thread has no TLS block.
static void raw_puts(const char *s)
{
    keel_debug_puts(s);
}

static void raw_putu(unsigned long v, unsigned width)
{
    char digits[24];
    unsigned n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (width > n) {
        keel_debug_putchar('0');
        width--;
    }
    while (n > 0) {
        keel_debug_putchar(digits[--n]);
    }
}

static void raw_fail_line(unsigned index, const char *why)
{
    raw_puts("  ");
    raw_puts(why);
    raw_puts("\nIPC");
    raw_putu(index + 1, 4);
    raw_puts(" ");
    raw_puts(all_tests[index]->name);
    raw_puts(" fail\n");
}

static _Noreturn void idle_abort(const char *why)
{
    unsigned cur = current_test;
    unsigned fails = tl_failed();
    raw_fail_line(cur, why);
    fails++;
    for (unsigned i = cur + 1; i < num_tests; i++) {
        raw_fail_line(i, "not run: the suite was aborted by an earlier test");
        fails++;
    }
    raw_puts("ipctest: aborted in IPC");
    raw_putu(cur + 1, 4);
    raw_puts("\nipctest: ");
    raw_putu(tl_passed(), 0);
    raw_puts(" passed, ");
    raw_putu(fails, 0);
    raw_puts(" failed\n");
    keel_debug_halt();
}

static void idle_thread(it_thread_t *self)
{
    (void)self;
    seL4_Word seen_epoch = 0, spins = 0;
    for (;;) {
        if (!in_settle) {
            idle_abort("hang: the root thread is blocked and no other thread can run to wake it");
        }
        if (settle_epoch != seen_epoch) {
            seen_epoch = settle_epoch;
            spins = 0;
        } else if (++spins > 100000) {
            idle_abort("hang: signalling the settle notification does not wake the root thread");
        }
        keel_ipc_signal(it.quiet);
    }
}

bool it_idle_init(void)
{
    it.quiet = it_new_ntfn();
    if (it.quiet == 0) {
        return false;
    }
    it_thread_t *t = it_thread_nobuf(idle_thread, 1, 0);
    if (t == NULL) {
        return false;
    }
    it_start(t);
    return true;
}

// --- Main ----------------------------------------------------------------------------------------

static void reset_between_tests(void)
{
    it_threads_reset();
    it_drop_caller();
    seL4_IPCBuffer *b = it.buf;
    memset(b, 0, sizeof(*b));
    log_n = 0;
}

static void again_after_tick(unsigned attempt)
{
    (void)attempt;
    // A failed first attempt was already explained by its "  " lines; say why it is run again.
    printf("  (first attempt failed; a timeslice may have ended inside it: running it again)\n");
    reset_between_tests();
}

void it_retry_on_tick(void (*once)(void))
{
    tl_retry(once, 2, again_after_tick);
}

int root_main(const seL4_BootInfo *bi)
{
    printf("ipctest: IPC, notification, fault and scheduling tests\n");
    it.bi = bi;
    it.buf = bi->ipcBuffer;
    it.cnode_bits = bi->initThreadCNodeSizeBits;

    for (unsigned g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (const struct it_test *t = groups[g]; t->fn != NULL; t++) {
            if (num_tests < MAX_TESTS) {
                all_tests[num_tests++] = t;
            }
        }
    }

    if (!it_idle_init()) {
        printf("ipctest: setup failed (no RAM untyped, or the idle thread could not be made)\n");
        printf("ipctest: 0 passed, %u failed\n", num_tests);
        keel_debug_halt();
    }

    for (unsigned i = 0; i < num_tests; i++) {
        current_test = i;
        tl_begin();
        reset_between_tests();
        all_tests[i]->fn();
        it_threads_reset();
        tl_result("IPC", i + 1, all_tests[i]->name);
    }
    tl_summary("ipctest");
    keel_debug_halt();
}
