// SPDX-License-Identifier: BSD-2-Clause
// Helpers shared by the host unit tests: files, exact-size copies and a repeatable PRNG.

#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
