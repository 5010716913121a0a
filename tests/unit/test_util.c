// SPDX-License-Identifier: BSD-2-Clause
// Helpers shared by the host unit tests: files, exact-size copies and a repeatable PRNG.

#include "test_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

uint8_t *test_load_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    uint8_t *buf = NULL;
    long n;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n);
        if (buf != NULL && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
            free(buf);
            buf = NULL;
        }
        *len = (size_t)n;
    }
    fclose(fp);
    return buf;
}

uint8_t *test_dup_exact(const void *p, size_t n)
{
    // glibc and ASan return a unique pointer for 0 bytes, and ASan reports any access to it.
    uint8_t *copy = malloc(n);
    if (copy != NULL && n > 0)
        memcpy(copy, p, n);
    return copy;
}

const char *test_dtb_path(const char *name)
{
    static char path[512];
    snprintf(path, sizeof(path), "%s/%s", KEEL_TEST_DTB_DIR, name);
    return path;
}

uint32_t test_rand(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *state = x;
}

void test_distinct_messages(const char *(*strerror_fn)(int), int lo, int hi)
{
    for (int e = lo; e <= hi; e++) {
        const char *m = strerror_fn(e);
        assert_true(strlen(m) > 6);
        assert_null(strstr(m, "unknown"));
        for (int o = e + 1; o <= hi; o++)
            assert_string_not_equal(m, strerror_fn(o));
    }
    assert_non_null(strstr(strerror_fn(lo - 1), "unknown"));
    assert_non_null(strstr(strerror_fn(hi + 1), "unknown"));
}
