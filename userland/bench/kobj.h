// SPDX-License-Identifier: BSD-2-Clause
// The benchmark's kernel-object helpers: allocation, mappings and helper threads.
#pragma once

// Built on libkeel's invocation wrappers (<keel/invoke.h>, <keel/vm.h>); every helper halts the
// machine with a message on an error, since a half-built benchmark measures nothing.

#include <keel/invoke.h>
#include <keel/types.h>

#define BENCH_PAGE_SIZE 4096UL

// A thread started by bench_thread_start() runs fn(a0, a1, a2, a3) on its own stack; fn must not
// return and must not touch TLS (TPIDR_EL0 is 0 in these threads).
typedef void (*bench_entry_t)(seL4_Word, seL4_Word, seL4_Word, seL4_Word);

typedef struct bench_thread {
    seL4_CPtr tcb;
    seL4_Word stack_top; // in the thread's own address space
    seL4_Word results;   // results area as the thread sees it
    seL4_Word *view;     // the same area as the root task sees it
} bench_thread_t;

// Remembers BootInfo (for the image frames); objects come from <keel/alloc.h>.
void bench_kobj_init(const seL4_BootInfo *bi);

// A fresh object of `type` (seL4_*Object) in a new slot of the root CNode; halts on failure.
seL4_CPtr bench_alloc(seL4_Word type);

// Maps frame at vaddr (RW, cacheable; executable unless xn) into vspace, creating the page tables
// the walk lacks.
void bench_map(seL4_CPtr vspace, seL4_CPtr frame, seL4_Word vaddr, int xn);

// A copy of cap in a new slot (for mapping one frame twice).
seL4_CPtr bench_copy(seL4_CPtr cap);

// A new VSpace with an ASID from the initial pool, holding the root task's image frames at their
// own addresses so that the root task's code runs there too.
seL4_CPtr bench_new_vspace_with_image(void);

// A new thread in vspace (the root CSpace) at priority prio with fresh frames for its stack, IPC
// buffer and results area at `base` of its address space. The results area is also mapped at
// `root_view` in the root VSpace (pass the same address when vspace is the root VSpace).
void bench_thread_create(bench_thread_t *t, seL4_CPtr vspace, seL4_Word base, seL4_Word root_view,
                         seL4_Word prio);

// (Re)starts t at fn with four arguments; a previous run of t is cancelled first.
void bench_thread_start(bench_thread_t *t, bench_entry_t fn, seL4_Word a0, seL4_Word a1,
                        seL4_Word a2, seL4_Word a3);
void bench_thread_stop(bench_thread_t *t);
void bench_set_priority(seL4_CPtr tcb, seL4_Word prio);

// Prints msg and the error code, then halts.
_Noreturn void bench_fail(const char *msg, seL4_Word err);

// Results area: 4 pages, big enough for two arrays of BENCH_MAX_SAMPLES words.
#define BENCH_RESULT_PAGES 4
#define BENCH_MAX_SAMPLES  1024
