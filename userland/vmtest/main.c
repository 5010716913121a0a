// SPDX-License-Identifier: BSD-2-Clause
// VM test suite root task: runs the numbered tests, prints one result line each, then halts.

// Output (read by ./keel test through tests/qemu/runner.py):
//     VM0001 <name> pass|fail        one line per test that ran; a failing test is preceded by
//       <reason>                     one or more lines starting with two spaces
//     vminfo: ...                    informational lines (skips, counts), ignored by the runner
//     vmtest: N passed, M failed     once at the end, then DebugHalt powers the machine off
// Test numbers are fixed by the order of the tables below, so a number names the same test on
// every platform; a test that cannot run on a board (vt_skip) prints no result line at all.

#include "vmtest.h"

#include <stdarg.h>
#include <stdio.h>

static const struct vt_test *const groups[] = {
    vt_tests_asid, vt_tests_pt,    vt_tests_frame,  vt_tests_cache,
    vt_tests_boot, vt_tests_fault, vt_tests_stress, vt_tests_device,
};

static const char *current_name;
static bool current_failed;
static bool current_skipped;
static unsigned reasons_printed;

#define MAX_REASONS 12 // per test; more would only repeat the same cause

bool vt_test_failed(void)
{
    return current_failed;
}

bool vt_check(bool ok, int line, const char *fmt, ...)
{
    if (ok) {
        return true;
    }
    current_failed = true;
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

bool vt_eq(int line, const char *what, seL4_Word got, seL4_Word want)
{
    return vt_check(got == want, line, "%s: got 0x%lx, expected 0x%lx", what, got, want);
}

void vt_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("vminfo: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

void vt_skip(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("vminfo: %s not run: ", current_name);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    current_skipped = true;
}

// --- Invocation results --------------------------------------------------------------------------

// The reply of the last invocation, formatted for a failure message.
static const char *describe_reply(char *buf, size_t size)
{
    seL4_Word len = keel_reply_length();
    int n = snprintf(buf, size, "%s(", keel_error_name(keel_reply_label()));
    for (seL4_Word i = 0; i < len && i < 5 && n > 0 && (size_t)n < size; i++) {
        n += snprintf(buf + n, size - (size_t)n, "%s0x%lx", i ? ", " : "", keel_mr((unsigned)i));
    }
    if (n > 0 && (size_t)n < size) {
        snprintf(buf + n, size - (size_t)n, ") length %lu", len);
    }
    return buf;
}

bool vt_ok(int line, const char *what, seL4_Error err)
{
    char buf[160];
    return vt_check(err == seL4_NoError, line, "%s: got %s, expected NoError", what,
                    describe_reply(buf, sizeof(buf)));
}

// Compares the last reply with an expected label, length and MRs.
static bool expect_reply(int line, const char *what, seL4_Error err, seL4_Error want, unsigned n,
                         const seL4_Word *mr)
{
    bool ok = err == want && keel_reply_label() == (seL4_Word)want && keel_reply_length() == n;
    for (unsigned i = 0; ok && i < n; i++) {
        ok = keel_mr(i) == mr[i];
    }
    if (ok) {
        return true;
    }
    char got[160], exp[120];
    int k = snprintf(exp, sizeof(exp), "%s(", keel_error_name(want));
    for (unsigned i = 0; i < n && k > 0 && (size_t)k < sizeof(exp); i++) {
        k += snprintf(exp + k, sizeof(exp) - (size_t)k, "%s0x%lx", i ? ", " : "", mr[i]);
    }
    if (k > 0 && (size_t)k < sizeof(exp)) {
        snprintf(exp + k, sizeof(exp) - (size_t)k, ") length %u", n);
    }
    return vt_check(false, line, "%s: got %s, expected %s", what, describe_reply(got, sizeof(got)),
                    exp);
}

bool vt_err(int line, const char *what, seL4_Error err, seL4_Error want)
{
    return expect_reply(line, what, err, want, 0, NULL);
}

bool vt_err1(int line, const char *what, seL4_Error err, seL4_Error want, seL4_Word mr0)
{
    return expect_reply(line, what, err, want, 1, &mr0);
}

bool vt_range(int line, const char *what, seL4_Error err, seL4_Word min, seL4_Word max)
{
    seL4_Word mr[] = {min, max};
    return expect_reply(line, what, err, seL4_RangeError, 2, mr);
}

bool vt_fl_missing(int line, const char *what, seL4_Error err, seL4_Word bits_left)
{
    seL4_Word mr[] = {0, seL4_MissingCapability, bits_left};
    return expect_reply(line, what, err, seL4_FailedLookup, 3, mr);
}

bool vt_fl_root(int line, const char *what, seL4_Error err)
{
    seL4_Word mr[] = {0, seL4_InvalidRoot};
    return expect_reply(line, what, err, seL4_FailedLookup, 2, mr);
}

// --- Main ----------------------------------------------------------------------------------------

int root_main(const seL4_BootInfo *bi)
{
    printf("vmtest: Keel VM suite (ABI sheet sections 8.10-8.14, 10.3, 13.8-13.11)\n");
    current_name = "setup";
    vt_env_init(bi);
    if (current_failed) {
        vt_info("environment setup had failures (see above); tests that need it will fail");
    }

    unsigned number = 0, passed = 0, failed = 0;
    for (unsigned g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        for (const struct vt_test *t = groups[g]; t->name; t++) {
            number++;
            current_name = t->name;
            current_failed = false;
            current_skipped = false;
            reasons_printed = 0;
            t->fn();
            if (current_skipped && !current_failed) {
                continue;
            }
            printf("VM%04u %s %s\n", number, t->name, current_failed ? "fail" : "pass");
            if (current_failed) {
                failed++;
            } else {
                passed++;
            }
        }
    }
    printf("vmtest: %u passed, %u failed\n", passed, failed);
    keel_debug_halt();
}
