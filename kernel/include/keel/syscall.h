// SPDX-License-Identifier: BSD-2-Clause
// System call numbers of the seL4 AArch64 ABI (sheet §3), as the kernel sees them in x7.
#pragma once

enum {
    SYS_CALL = -1,
    SYS_REPLY_RECV = -2,
    SYS_SEND = -3,
    SYS_NB_SEND = -4,
    SYS_RECV = -5,
    SYS_REPLY = -6,
    SYS_YIELD = -7,
    SYS_NB_RECV = -8,
    SYS_DEBUG_PUT_CHAR = -9,
    SYS_DEBUG_DUMP_SCHEDULER = -10,
    SYS_DEBUG_HALT = -11,
    SYS_DEBUG_CAP_IDENTIFY = -12,
    SYS_DEBUG_SNAPSHOT = -13,
    SYS_DEBUG_NAME_THREAD = -14,
};
