// SPDX-License-Identifier: BSD-2-Clause
// Helpers shared by the host unit tests: files, exact-size copies and a repeatable PRNG.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

// Whole file in a malloc'd buffer of exactly its size, or NULL if it cannot be read.
uint8_t *test_load_file(const char *path, size_t *len);
// A malloc'd copy of exactly n bytes, so AddressSanitizer flags any read past the end.
uint8_t *test_dup_exact(const void *p, size_t n);
// Path of a DTB compiled by the build into KEEL_TEST_DTB_DIR.
const char *test_dtb_path(const char *name);
// xorshift32: the same corruption sequence on every run, so a failure can be replayed.
uint32_t test_rand(uint32_t *state);
// Every code in [lo, hi] has its own message, none says "unknown", and an unused code does.
void test_distinct_messages(const char *(*strerror_fn)(int), int lo, int hi);
