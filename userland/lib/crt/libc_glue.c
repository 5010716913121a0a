// SPDX-License-Identifier: BSD-2-Clause
// The system hooks picolibc expects from its host: the standard streams and _exit.

// picolibc's tinystdio leaves stdin/stdout/stderr undefined; each FILE only needs a put or get
// function. These live in the startup objects rather than in libkeel.a because libc.a is searched
// after libkeel.a: a definition in the archive would not be pulled in by a printf call that the
// linker only meets later.

#include <keel/debug.h>
#include <stdio.h>
#include <unistd.h>

static int console_put(char c, FILE *stream)
{
    (void)stream;
    keel_debug_putchar(c);
    return (unsigned char)c;
}

// There is no console input yet: reads report end of file instead of blocking forever.
static int console_get(FILE *stream)
{
    (void)stream;
    return _FDEV_EOF;
}

static FILE console_out = FDEV_SETUP_STREAM(console_put, NULL, NULL, _FDEV_SETUP_WRITE);
static FILE console_in = FDEV_SETUP_STREAM(NULL, console_get, NULL, _FDEV_SETUP_READ);

FILE *const stdin = &console_in;
FILE *const stdout = &console_out;
FILE *const stderr = &console_out;

// Reached through exit() and abort(); a user program has nowhere to return to.
void _exit(int status)
{
    (void)status;
    keel_debug_halt();
}
