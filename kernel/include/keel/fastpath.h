// SPDX-License-Identifier: BSD-2-Clause
// The IPC fastpath: Call and ReplyRecv that switch threads directly when nothing is unusual.
#pragma once

#include <arch/context.h>

/* Entered from the vectors with the caller's registers saved; they never return to their
 * caller: they leave through the return to user mode or continue into the ordinary
 * system-call path when a precondition fails. */
void fastpath_call(uint64_t cptr, uint64_t msginfo);
void fastpath_reply_recv(uint64_t cptr, uint64_t msginfo);
