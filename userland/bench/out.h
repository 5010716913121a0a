// SPDX-License-Identifier: BSD-2-Clause
// Console output for the benchmark without printf (picolibc's stdio may touch FP registers).
#pragma once

#include <keel/debug.h>
#include <stdint.h>

static inline void out_str(const char *s)
{
    keel_debug_puts(s);
}

static inline void out_u64(uint64_t v)
{
    char buf[21];
    int i = 20;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    keel_debug_puts(&buf[i]);
}

static inline void out_hex(uint64_t v)
{
    char buf[19];
    int i = 18;
    buf[i] = '\0';
    do {
        buf[--i] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v != 0);
    buf[--i] = 'x';
    buf[--i] = '0';
    keel_debug_puts(&buf[i]);
}
