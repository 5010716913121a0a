// SPDX-License-Identifier: BSD-2-Clause
// Shared declarations of the IPC test suite: harness, kernel-object helpers, threads, asm probes.
#pragma once

#include <keel/ipc.h>
#include <keel/syscall.h>
#include <keel/types.h>
#include <stdbool.h>
#include <stdint.h>

// --- ABI values used by the tests (sheet §4.2, §6.1, §7.1, §8.1, §10.1, §11.1, §13.12) ---------

#define R_WRITE       0x1UL
#define R_READ        0x2UL
#define R_GRANT       0x4UL
#define R_GRANTREPLY  0x8UL
#define R_ALL         0xFUL

#define ERR_INVALID_CAPABILITY 2
#define ERR_ILLEGAL_OPERATION  3

#define OBJ_TCB          1
#define OBJ_ENDPOINT     2
#define OBJ_NOTIFICATION 3

#define FAULT_CAP             1
#define FAULT_UNKNOWN_SYSCALL 2
#define FAULT_USER_EXCEPTION  3
#define FAULT_VM              5

#define LF_MISSING_CAPABILITY 2
#define LF_GUARD_MISMATCH     4

#define CAPTYPE_NULL         0
#define CAPTYPE_ENDPOINT     4
#define CAPTYPE_NOTIFICATION 6
#define CAPTYPE_REPLY        8

// Values a register is preset to so that "the kernel did not write it" is visible.
#define SENT0 0x5e00000000000001UL
#define SENT1 0x5e00000000000002UL
#define SENT2 0x5e00000000000003UL
#define SENT3 0x5e00000000000004UL
#define SENT4 0x5e00000000000005UL
#define SENT_INFO 0xFFFFFFFFFFFFFFFFUL // no real tag has every label bit set

// Addresses nothing is mapped at in the root VSpace (the image starts at 0x400000).
#define UNMAPPED_DATA  0xdead0000UL
#define UNMAPPED_CODE  0xdead1000UL

#define PRIO_TEST 100

static inline seL4_MessageInfo_t tag(seL4_Word label, seL4_Word caps, seL4_Word len)
{
    return seL4_MessageInfo_new(label, 0, caps, len);
}

static inline seL4_Word tagw(seL4_Word label, seL4_Word caps, seL4_Word len)
{
    return keel_msginfo_to_word(tag(label, caps, len));
}

static inline seL4_Word tag_label(seL4_Word w) { return w >> 12; }
static inline seL4_Word tag_unwrapped(seL4_Word w) { return (w >> 9) & 7; }
static inline seL4_Word tag_caps(seL4_Word w) { return (w >> 7) & 3; }
static inline seL4_Word tag_len(seL4_Word w) { return w & 0x7f; }

// --- Harness (harness.c) -------------------------------------------------------------------------

struct it_env {
    const seL4_BootInfo *bi;
    seL4_IPCBuffer *buf;   // the root thread's IPC buffer
    seL4_Word cnode_bits;  // radix of the root CNode
    seL4_CPtr quiet;       // notification the idle thread signals when nothing else can run
};
extern struct it_env it;

// Check helpers: each failed check prints one "  ..." line and marks the running test failed.
bool it_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool it_eq(const char *what, seL4_Word got, seL4_Word want);
// As it_eq, naming element i of what ("MR", 5 -> "MR[5]").
bool it_eqi(const char *what, unsigned i, seL4_Word got, seL4_Word want);
#define CHECK(cond, ...) it_check((cond), __VA_ARGS__)
#define EQ(what, got, want) it_eq((what), (seL4_Word)(got), (seL4_Word)(want))

// Blocks the root thread until every other thread of priority > 1 is blocked or inactive.
void it_settle(void);
// Runs a test whose outcome depends on equal-priority threads taking turns, and, if it fails, once
// more from a clean state: the kernel's timer tick may end a thread's timeslice at any instruction
// (and under host load it does), which reorders equal-priority threads as the ABI allows. A real
// ordering defect fails both attempts.
void it_retry_on_tick(void (*once)(void));

// Ordering log written by threads (ids are small integers, read after it_settle()).
void it_log(seL4_Word id);
seL4_Word it_log_count(void);
seL4_Word it_log_at(seL4_Word i);
// Compares the log against want[0..n) and reports a mismatch with both sequences.
bool it_log_is(const char *what, const seL4_Word *want, seL4_Word n);

// --- Kernel objects (kobj.c); every helper is invoked by the root thread ------------------------

// Slots and objects come from <keel/alloc.h> (objects: the smallest RAM untyped that fits).
seL4_CPtr it_slot(void);
seL4_CPtr it_new(seL4_Word type);
seL4_CPtr it_new_ep(void);
seL4_CPtr it_new_ntfn(void);
// Mints src into a fresh slot with the given rights and badge; returns the slot (0 on error).
seL4_CPtr it_mint(seL4_CPtr src, seL4_Word rights, seL4_Word badge);
seL4_CPtr it_copy(seL4_CPtr src, seL4_Word rights);
seL4_Word it_copy_to(seL4_CPtr dst, seL4_CPtr src, seL4_Word rights);
seL4_Word it_delete(seL4_CPtr slot);
seL4_Word it_save_caller(seL4_CPtr slot);
seL4_Word it_cancel_badged_sends(seL4_CPtr slot);
seL4_Word it_cap_type(seL4_CPtr cptr);

seL4_Word it_tcb_configure(seL4_CPtr tcb, seL4_CPtr fault_ep, seL4_CPtr frame, seL4_Word buffer);
seL4_Word it_tcb_set_priority(seL4_CPtr tcb, seL4_Word prio);
seL4_Word it_tcb_write_regs(seL4_CPtr tcb, seL4_Word pc, seL4_Word sp, seL4_Word x0);
// Reads the first n (≤ 36) registers of seL4_UserContext order (§9): out[0] = pc, out[1] = sp...
seL4_Word it_tcb_read_regs(seL4_CPtr tcb, seL4_Word n, seL4_Word *out);
seL4_Word it_tcb_suspend(seL4_CPtr tcb);
seL4_Word it_tcb_resume(seL4_CPtr tcb);
seL4_Word it_tcb_bind(seL4_CPtr tcb, seL4_CPtr ntfn);
seL4_Word it_tcb_unbind(seL4_CPtr tcb);

// Plain (non-invocation) IPC from the root thread with all six registers visible.
void it_sys(seL4_Syscall_ID sys, keel_ipc_regs_t *r);
// Fills *r with x0 = cptr, x1 = SENT_INFO and sentinels in x2..x5.
void it_regs_sentinel(keel_ipc_regs_t *r, seL4_CPtr cptr);
// NBRecv on ep with sentinels; true if a message arrived (x1 was written).
bool it_take(seL4_CPtr ep, keel_ipc_regs_t *r);
// Empties the root thread's caller slot (SaveCaller into a scratch slot, then Delete).
void it_drop_caller(void);

// --- Threads (threads.c) -------------------------------------------------------------------------

#define IT_MAX_THREADS 8
#define IT_RESULTS 24

typedef struct it_thread it_thread_t;
typedef void (*it_thread_fn)(it_thread_t *self);

struct it_thread {
    seL4_CPtr tcb;
    seL4_IPCBuffer *buf;           // NULL for a thread created without an IPC buffer
    it_thread_fn fn;
    seL4_Word a[8];                // arguments, set by the test before it_start()
    volatile seL4_Word r[IT_RESULTS]; // results, read by the test after it_settle()
    volatile seL4_Word stage;      // how far the thread got
    volatile seL4_Word finished;   // 1 once fn returned
    int index;
    bool in_use;
};

// Creates a thread (not started) with its own stack and IPC buffer (unless with_buffer is
// false), running fn at prio with fault_ep as its fault-endpoint CPtr. NULL on failure.
it_thread_t *it_thread(it_thread_fn fn, seL4_Word prio, seL4_CPtr fault_ep);
it_thread_t *it_thread_nobuf(it_thread_fn fn, seL4_Word prio, seL4_CPtr fault_ep);
void it_start(it_thread_t *t);
// Points a stopped thread at fn again, from the top of its stack (TCB_WriteRegisters, no resume).
void it_thread_rewind(it_thread_t *t, it_thread_fn fn);
// Suspends every thread the running test created and frees their slots.
void it_threads_reset(void);
// The svc-level helpers threads use (no TLS, no IPC buffer of the root).
void it_thread_sys(seL4_Syscall_ID sys, keel_ipc_regs_t *r);

// A thread that issues one syscall with x0 = cptr, x1 = info, x2..x5 = mr[0..3] (SENT0..SENT3
// if mr is NULL). Results: r[0] = x0, r[1] = x1, r[2..5] = x2..x5 after the syscall returned,
// r[6] = address of its svc (stored before the svc). Not started.
it_thread_t *it_sys_thread(seL4_Word prio, seL4_CPtr fault_ep, seL4_Syscall_ID sys, seL4_CPtr cptr,
                           seL4_Word info, const seL4_Word *mr);
it_thread_t *it_sys_thread_nobuf(seL4_Word prio, seL4_CPtr fault_ep, seL4_Syscall_ID sys,
                                 seL4_CPtr cptr, seL4_Word info, const seL4_Word *mr);
#define R_X0 0
#define R_X1 1
#define R_MR 2
#define R_SVC 6

// Starts the idle thread behind it_settle().
bool it_idle_init(void);

// --- Assembly probes (probes.S) ------------------------------------------------------------------

// Stores the address of its svc into *svc_addr, then issues sys with x0..x5 from/to *r.
void it_sys_at(seL4_Syscall_ID sys, keel_ipc_regs_t *r, seL4_Word *svc_addr);
// rec[0] = svc address, rec[2] = SP at the svc; x0..x6 = 0xA0..0xA6, x7 = 123; after a resume
// past the svc: rec[1] = x0.
void it_probe_unknown_syscall(seL4_Word *rec);
// rec[0] = address of a udf #0, rec[1] = SP; rec[2] = 1 once execution continues past it.
void it_probe_udf(seL4_Word *rec);
// rec[0] = address of the load from addr; rec[1] = the loaded value once it completes.
void it_probe_load(seL4_Word *rec, seL4_Word addr);
// rec[0] = address of the store to addr.
void it_probe_store(seL4_Word *rec, seL4_Word addr);
// Branches to addr; never returns unless the fault handler redirects it.
void it_probe_jump(seL4_Word addr);
// Issues sys with x0..x5 from/to *r after loading x6, x7 (kept as sys), x8..x28 and NZCV with
// patterns; returns a mask of the registers x6..x30/SP (bit n = xn, bit 31 = SP) and NZCV (bit 32)
// whose value was different after the svc.
seL4_Word it_probe_preserve(seL4_Syscall_ID sys, keel_ipc_regs_t *r);

// --- Test table (tests_*.c) ----------------------------------------------------------------------

typedef void (*it_test_fn)(void);
struct it_test {
    const char *name;
    it_test_fn fn;
};
extern const struct it_test it_tests_ep[];
extern const struct it_test it_tests_call[];
extern const struct it_test it_tests_caps[];
extern const struct it_test it_tests_ntfn[];
extern const struct it_test it_tests_fault[];
extern const struct it_test it_tests_sched[];
