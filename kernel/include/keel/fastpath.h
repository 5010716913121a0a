// SPDX-License-Identifier: BSD-2-Clause
// The IPC fastpath: Call and ReplyRecv that switch threads directly when nothing is unusual.
#pragma once

#include <arch/context.h>

/* Entered from the vectors with the caller's registers saved; never returns. When a
 * precondition fails it continues into the ordinary system-call path. */
_Noreturn void fastpath_call(user_context_t *ctx, uint64_t cptr, uint64_t msginfo);
_Noreturn void fastpath_reply_recv(user_context_t *ctx, uint64_t cptr, uint64_t msginfo);
