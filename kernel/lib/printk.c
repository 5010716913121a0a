// SPDX-License-Identifier: BSD-2-Clause
// A small printf for the kernel console; no allocation, no floating point.
// Invariants: none (proofs-notes/README.md)
#include <keel/printk.h>
#include <arch/machine.h>
#include <stdbool.h>
#include <stdint.h>

static void out(char c)
{
    if (c == '\n') {
        arch_console_putc('\r');
    }
    arch_console_putc(c);
}

void kputs(const char *s)
{
    while (*s != '\0') {
        out(*s++);
    }
}

static void out_number(uint64_t v, unsigned base, unsigned width, bool zero, bool negative)
{
    char buf[24];
    unsigned n = 0;
    do {
        unsigned d = (unsigned)(v % base);
        buf[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v != 0);
    if (negative) {
        if (zero) {
            out('-');
        } else {
            buf[n++] = '-';
        }
    }
    unsigned len = n + (negative && zero ? 1 : 0);
    for (; len < width; len++) {
        out(zero ? '0' : ' ');
    }
    while (n > 0) {
        out(buf[--n]);
    }
}

void kvprintf(const char *fmt, va_list ap)
{
    for (; *fmt != '\0'; fmt++) {
        if (*fmt != '%') {
            out(*fmt);
            continue;
        }
        fmt++;
        bool zero = false, left = false;
        unsigned width = 0;
        unsigned longs = 0;
        if (*fmt == '-') {
            left = true;
            fmt++;
        }
        if (*fmt == '0') {
            zero = true;
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9') {
            width = width * 10 + (unsigned)(*fmt++ - '0');
        }
        while (*fmt == 'l' || *fmt == 'z') {
            longs++;
            fmt++;
        }
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            s = s != NULL ? s : "(null)";
            unsigned len = 0;
            while (s[len] != '\0') {
                len++;
            }
            for (unsigned i = len; !left && i < width; i++) {
                out(' ');
            }
            kputs(s);
            for (unsigned i = len; left && i < width; i++) {
                out(' ');
            }
            break;
        }
        case 'c':
            out((char)va_arg(ap, int));
            break;
        case 'd':
        case 'i': {
            int64_t v = longs != 0 ? va_arg(ap, int64_t) : va_arg(ap, int);
            uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
            out_number(mag, 10, width, zero, v < 0);
            break;
        }
        case 'u':
        case 'x': {
            uint64_t v = longs != 0 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            out_number(v, *fmt == 'u' ? 10 : 16, width, zero, false);
            break;
        }
        case 'p':
            kputs("0x");
            out_number((uint64_t)(uintptr_t)va_arg(ap, void *), 16, 16, true, false);
            break;
        case '%':
            out('%');
            break;
        case '\0':
            return;
        default:
            out('%');
            out(*fmt);
            break;
        }
    }
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    kputs("\nKeel: fatal: ");
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kputs("\nKeel: system halted\n");
    arch_halt();
}
