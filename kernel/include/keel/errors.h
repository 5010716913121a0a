// SPDX-License-Identifier: BSD-2-Clause
// seL4_Error codes (ABI §6.1) and the description of an invocation error (§6.2).
#pragma once

#include <keel/lookup.h>

typedef enum {
    ERR_NONE = 0,
    ERR_INVALID_ARGUMENT = 1,
    ERR_INVALID_CAPABILITY = 2,
    ERR_ILLEGAL_OPERATION = 3,
    ERR_RANGE = 4,
    ERR_ALIGNMENT = 5,
    ERR_FAILED_LOOKUP = 6,
    ERR_TRUNCATED_MESSAGE = 7,
    ERR_DELETE_FIRST = 8,
    ERR_REVOKE_FIRST = 9,
    ERR_NOT_ENOUGH_MEMORY = 10,
} error_code_t;

/* The error and its message words, as the caller will see them. */
typedef struct {
    error_code_t code;
    uint64_t a, b;          /* InvalidArgument/Capability index; Range min/max; memory left */
    bool source;            /* FailedLookup: the failing lookup was a source slot */
    lookup_fault_t lf;      /* FailedLookup description */
} syserr_t;

static inline syserr_t err_none(void) { return (syserr_t){ .code = ERR_NONE }; }
static inline syserr_t err_code(error_code_t c) { return (syserr_t){ .code = c }; }
static inline syserr_t err_arg(unsigned i) { return (syserr_t){ .code = ERR_INVALID_ARGUMENT, .a = i }; }
static inline syserr_t err_cap(unsigned i) { return (syserr_t){ .code = ERR_INVALID_CAPABILITY, .a = i }; }
static inline syserr_t err_range(uint64_t lo, uint64_t hi)
{
    return (syserr_t){ .code = ERR_RANGE, .a = lo, .b = hi };
}
static inline syserr_t err_lookup(bool source, lookup_fault_t lf)
{
    return (syserr_t){ .code = ERR_FAILED_LOOKUP, .source = source, .lf = lf };
}
static inline syserr_t err_memory(uint64_t left)
{
    return (syserr_t){ .code = ERR_NOT_ENOUGH_MEMORY, .a = left };
}
