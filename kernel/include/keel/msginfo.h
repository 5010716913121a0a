// SPDX-License-Identifier: BSD-2-Clause
// seL4_MessageInfo_t (ABI §4.1): label, capsUnwrapped, extraCaps, length in one word.
#pragma once

#include <stdint.h>

#define MSG_MAX_LENGTH     120u
#define MSG_MAX_EXTRA_CAPS 3u
#define MSG_FAST_REGS      4u

typedef struct {
    uint64_t label;
    unsigned caps_unwrapped;
    unsigned extra_caps;
    unsigned length;
} msginfo_t;

static inline msginfo_t msginfo_decode(uint64_t w)
{
    msginfo_t m;
    m.label = w >> 12;
    m.caps_unwrapped = (unsigned)(w >> 9) & 7u;
    m.extra_caps = (unsigned)(w >> 7) & 3u;
    m.length = (unsigned)w & 0x7fu;
    if (m.length > MSG_MAX_LENGTH) {
        m.length = MSG_MAX_LENGTH;
    }
    return m;
}

static inline uint64_t msginfo_encode(msginfo_t m)
{
    return (m.label << 12) | ((uint64_t)(m.caps_unwrapped & 7u) << 9) |
           ((uint64_t)(m.extra_caps & 3u) << 7) | (m.length & 0x7fu);
}
