// SPDX-License-Identifier: BSD-2-Clause
// Kernel console output: formatted printing and the fatal-stop path.
#pragma once

#include <stdarg.h>

/* Formats: %s %c %d %i %u %x %p %%, length modifiers l/ll/z, '0' and '-' (strings) flags,
 * and a width. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
void kputs(const char *s);
/* Prints the message and stops the machine for good (interrupts masked). */
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
