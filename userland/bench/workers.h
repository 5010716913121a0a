// SPDX-License-Identifier: BSD-2-Clause
// Entry points of the benchmark's helper threads (the "other side" of every measurement).
#pragma once

#include <keel/types.h>

// Every worker stores its timestamps in its results area: words [0, BENCH_MAX_SAMPLES) hold the
// timestamps taken after a syscall returned ("end"), words [BENCH_MAX_SAMPLES, 2*...) those taken
// before an svc ("start"), and the last word counts messages that arrived with a wrong length.
// Workers never return: when done they wait on `park` (an endpoint nobody sends to) until the
// root task suspends them.

#define BENCH_END_BASE   0
#define BENCH_START_BASE BENCH_MAX_SAMPLES
#define BENCH_BAD_WORD   (2 * BENCH_MAX_SAMPLES - 1)

// Server of the Call/ReplyRecv benchmarks: Recv once, then `n` ReplyRecvs with `length`-word
// replies. end[i] = message i received; start[i] = just before replying to message i.
void worker_server(seL4_Word ep, seL4_Word length, seL4_Word n, seL4_Word results);

// Waiting receiver of Send, NBSend and Signal: `n` times Recv on `cap`; end[i] = i-th return.
void worker_receiver(seL4_Word cap, seL4_Word n, seL4_Word results, seL4_Word park);

// Sender for the queued-Recv benchmark: Send forever (0 words) on ep.
void worker_sender(seL4_Word ep, seL4_Word unused1, seL4_Word unused2, seL4_Word unused3);

// One of two yielding threads: `n` timestamped Yields; start[i], end[i].
void worker_yield(seL4_Word n, seL4_Word results, seL4_Word park, seL4_Word unused);
