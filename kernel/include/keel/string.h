// SPDX-License-Identifier: BSD-2-Clause
// The few string and memory routines the freestanding kernel needs.
#pragma once

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* -ffreestanding turns builtins off; these let the compiler inline small fixed-size copies and
 * clears (it still calls the functions above for the rest). */
#ifndef KEEL_STRING_IMPL
#define memcpy(d, s, n) __builtin_memcpy((d), (s), (n))
#define memset(d, c, n) __builtin_memset((d), (c), (n))
#endif
