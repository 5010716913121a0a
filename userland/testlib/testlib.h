// SPDX-License-Identifier: BSD-2-Clause
// What the numbered test suites' harnesses share: a test's verdict, retries, result lines.
#pragma once

// A suite keeps its own checks, failure-reason lines and run loop; this is the part that was the
// same in each: the running test's verdict, running a timing-sensitive test again, the result
// line "<PREFIX><nnnn> <name> pass|fail" with the counts behind the summary line.

#include <stdbool.h>

// The running test's verdict: tl_begin() clears it, tl_fail() (from a failed check) sets it.
void tl_begin(void);
void tl_fail(void);
bool tl_test_failed(void);

// Runs once(); while it fails and fewer than `attempts` have run, calls again(k) with the number
// of attempts so far (it says why on a "  " line and restores a clean state), clears the verdict
// and runs once() again. A real defect fails every attempt; the last attempt's verdict stands.
void tl_retry(void (*once)(void), unsigned attempts, void (*again)(unsigned attempt));

// Prints "<prefix><number, 4 digits> <name> pass|fail" for the test that just ran and counts it.
void tl_result(const char *prefix, unsigned number, const char *name);
// Prints "<program>: N passed, M failed".
void tl_summary(const char *program);
// The counts so far (plain loads: safe from a thread without TLS or FP).
unsigned tl_passed(void);
unsigned tl_failed(void);
