// SPDX-License-Identifier: BSD-2-Clause
// The shared part of the suites' harnesses: verdict, retries, result lines and counts.

#include "testlib.h"

#include <stdio.h>

static volatile bool test_failed;
// Volatile: ipctest's idle thread reads them when it reports a hang.
static volatile unsigned passed, failed;

void tl_begin(void)
{
    test_failed = false;
}

void tl_fail(void)
{
    test_failed = true;
}

bool tl_test_failed(void)
{
    return test_failed;
}

void tl_retry(void (*once)(void), unsigned attempts, void (*again)(unsigned attempt))
{
    for (unsigned k = 1;; k++) {
        once();
        if (!test_failed || k >= attempts) {
            return;
        }
        again(k);
        test_failed = false;
    }
}

void tl_result(const char *prefix, unsigned number, const char *name)
{
    printf("%s%04u %s %s\n", prefix, number, name, test_failed ? "fail" : "pass");
    if (test_failed) {
        failed++;
    } else {
        passed++;
    }
}

void tl_summary(const char *program)
{
    printf("%s: %u passed, %u failed\n", program, passed, failed);
}

unsigned tl_passed(void)
{
    return passed;
}

unsigned tl_failed(void)
{
    return failed;
}
