// SPDX-License-Identifier: BSD-2-Clause
// Shared declarations of the VM test suite: harness, checks, allocators, helper threads.
#pragma once

#include <keel/debug.h>
#include <keel/invoke.h>
#include <keel/runtime.h>
#include <keel/syscall.h>
#include <keel/types.h>
#include <keel/vm.h>
#include <stdbool.h>
#include <stdint.h>

#define VT_PAGE       0x1000UL
#define VT_LARGE      0x200000UL
#define VT_HUGE       0x40000000UL
#define VT_RW         KEEL_RIGHTS_RW
#define VT_RO         KEEL_RIGHT_READ
#define VT_CACHED     seL4_ARM_PageCacheable
#define VT_XN         seL4_ARM_ExecuteNever
#define VT_USER_TOP   seL4_UserTop
#define VT_ROOT_CNODE seL4_CapInitThreadCNode
#define VT_ROOT_VS    seL4_CapInitThreadVSpace
#define VT_DEPTH      64

// Fault labels (§10.1) and VMFault words (§10.3).
#define VT_FAULT_CAP      1
#define VT_FAULT_UNKNOWN  2
#define VT_FAULT_USER_EXC 3
#define VT_FAULT_VM       5
// ESR_EL1 fields: exception class and the fault status code of aborts.
#define VT_ESR_EC(esr)            (((esr) >> 26) & 0x3F)
#define VT_ESR_FSC(esr)           ((esr)&0x3F)
#define VT_ESR_WNR(esr)           (((esr) >> 6) & 1)
#define VT_EC_IABT_LOWER          0x20
#define VT_EC_DABT_LOWER          0x24
#define VT_FSC_TRANSLATION(level) (0x04 + (level))
#define VT_FSC_PERMISSION(level)  (0x0C + (level))

// Labels of the messages helper threads send on the shared endpoint.
#define VT_MSG_DONE     0x7D0
#define VT_MSG_WATCHDOG 0x7D1

// Badges of the endpoint caps the helper threads use, to tell the messages apart.
#define VT_BADGE_WORKER   1
#define VT_BADGE_PROBER   2
#define VT_BADGE_WATCHDOG 3

// --- Harness (main.c) ----------------------------------------------------------------------------

struct vt_test {
    const char *name;
    void (*fn)(void);
};

extern const struct vt_test vt_tests_asid[], vt_tests_pt[], vt_tests_frame[], vt_tests_cache[],
    vt_tests_boot[], vt_tests_fault[], vt_tests_stress[], vt_tests_device[];

// Reports a failed check of the running test on its own line (two leading spaces). Returns ok.
bool vt_check(bool ok, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool vt_eq(int line, const char *what, seL4_Word got, seL4_Word want);
// Prints an informational line that the runner ignores ("vminfo: ...").
void vt_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Marks the running test as not run: it prints no result line and is not counted.
void vt_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool vt_test_failed(void);

#define CHECK(cond, ...)    vt_check((cond), __LINE__, __VA_ARGS__)
#define EQ(what, got, want) vt_eq(__LINE__, (what), (seL4_Word)(got), (seL4_Word)(want))

// Invocation results. Each compares the error code and, for errors that carry MRs, the reply
// length and MRs (§6.2) of the last invocation made through keel_invoke().
bool vt_ok(int line, const char *what, seL4_Error err);
bool vt_err(int line, const char *what, seL4_Error err, seL4_Error want); // errors without MRs
bool vt_err1(int line, const char *what, seL4_Error err, seL4_Error want, seL4_Word mr0);
bool vt_range(int line, const char *what, seL4_Error err, seL4_Word min, seL4_Word max);
bool vt_fl_missing(int line, const char *what, seL4_Error err, seL4_Word bits_left);
bool vt_fl_root(int line, const char *what, seL4_Error err);

#define OK(call)                   vt_ok(__LINE__, #call, (call))
#define ERR(call, want)            vt_err(__LINE__, #call, (call), (want))
#define ERR_IA(call, index)        vt_err1(__LINE__, #call, (call), seL4_InvalidArgument, (index))
#define ERR_IC(call, index)        vt_err1(__LINE__, #call, (call), seL4_InvalidCapability, (index))
#define ERR_NOMEM(call, free)      vt_err1(__LINE__, #call, (call), seL4_NotEnoughMemory, (free))
#define ERR_RANGE(call, lo, hi)    vt_range(__LINE__, #call, (call), (lo), (hi))
#define ERR_FL_MISSING(call, bits) vt_fl_missing(__LINE__, #call, (call), (bits))
#define ERR_FL_ROOT(call)          vt_fl_root(__LINE__, #call, (call))

// --- Environment (env.c) -------------------------------------------------------------------------

enum vt_platform { VT_PLAT_UNKNOWN, VT_PLAT_VIRT, VT_PLAT_RPI4 };

struct vt_env {
    const seL4_BootInfo *bi;
    enum vt_platform platform;
    const char *platform_name;
    uintptr_t image_start, image_end; // [start, end) of the root task image (page aligned)
    seL4_CPtr ep;                     // unbadged endpoint the root thread receives on
    seL4_CPtr ep_worker, ep_prober, ep_watchdog;
    seL4_CPtr worker, prober, watchdog; // TCBs
    bool threads_ok;
    int fresh_ut; // a RAM untyped (>= 4 MiB) kept unused for the GetAddress test, or -1
};
extern struct vt_env vt;

void vt_env_init(const seL4_BootInfo *bi);

// Slots (<keel/alloc.h>): a bump allocator over BootInfo's empty region, with marks to give
// slots back.
seL4_CPtr vt_slot(void);
seL4_CPtr vt_slots(unsigned n); // n consecutive slots
seL4_CPtr vt_slot_mark(void);
// Deletes every cap in [mark, next free slot) and makes those slots free again.
void vt_slot_release(seL4_CPtr mark);
unsigned vt_slots_free(void);

// Objects from RAM untypeds (<keel/alloc.h>: the smallest untyped that fits, so those of 1 GiB
// and more are used last).
// Retypes n objects into consecutive slots starting at `slot`; returns the last error.
seL4_Error vt_retype(seL4_Word type, seL4_Word size_bits, seL4_CPtr slot, unsigned n);
// One object in a new slot, or 0 (and a failed check) if memory or slots ran out.
seL4_CPtr vt_new(seL4_Word type, seL4_Word size_bits);
// n objects in n new consecutive slots; returns the first slot or 0.
seL4_CPtr vt_new_n(seL4_Word type, seL4_Word size_bits, unsigned n);
// A copy of `src` with the given rights in a new slot, or 0.
seL4_CPtr vt_copy(seL4_CPtr src, seL4_Word rights);
seL4_Error vt_delete(seL4_CPtr slot);
seL4_Error vt_revoke(seL4_CPtr slot);
// A fresh untyped of 2^bits bytes carved from RAM (no children), or 0.
seL4_CPtr vt_new_untyped(unsigned bits);

// Untyped descriptors from BootInfo.
unsigned vt_num_untypeds(void);
const seL4_UntypedDesc *vt_untyped_desc(unsigned i);
seL4_CPtr vt_untyped_cap(unsigned i);
// Marks a BootInfo RAM untyped as taken so that the allocator never uses it.
void vt_untyped_reserve(unsigned i);
bool vt_untyped_is_used(unsigned i);

// A new ASID pool (from a new 4 KiB untyped) in a new slot, or 0.
seL4_CPtr vt_new_pool(void);
// Index of the device untyped of at least 2^min_bits bytes that covers paddr, or -1.
int vt_find_device_untyped(seL4_Word paddr, unsigned min_bits);
// A frame of 2^bits bytes at physical address paddr (aligned), carved out of the device untyped
// that covers it by halving; or 0.
seL4_CPtr vt_device_frame(seL4_Word paddr, unsigned bits);
// The board's PL011 page as a device frame, its physical address in *paddr; 0 if that failed or
// the board is unknown (the test is then marked skipped).
seL4_CPtr vt_uart_frame(seL4_Word *paddr);
// A 1 GiB frame from a device untyped (never accessed by the tests), or 0 if there is none.
seL4_CPtr vt_device_huge(void);
// Index of an unused RAM untyped of at least 2^min_bits bytes (the smallest), now reserved; or -1.
int vt_take_fresh_untyped(unsigned min_bits);

// A VSpace with an ASID from `pool` (0 = the initial pool, slot 6), or 0.
seL4_CPtr vt_new_vspace(seL4_CPtr pool);
// Maps `frame` at vaddr, creating the page tables the walk asks for (FailedLookup) on the way.
seL4_Error vt_map_auto(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_Word rights,
                       seL4_Word attr);
// A new 4 KiB frame mapped in the root VSpace at vaddr (RW, cacheable), or 0.
seL4_CPtr vt_new_mapped_page(seL4_Word vaddr);
// Maps copies of every root-task image frame into `vspace` at the same addresses, so that a
// thread can run there with the root task's code and data (same physical memory).
bool vt_map_image(seL4_CPtr vspace);

// Whether `vaddr` is mapped in `vspace`, found without touching memory: a VSpace cache operation
// over a range that leaves the page mapping its start is RangeError(start, last byte of that page)
// and one whose start is unmapped succeeds (§8.10). Returns the page size, 0 if unmapped, or 1
// (after a failed check) for any other answer.
seL4_Word vt_probe(int line, seL4_CPtr vspace, seL4_Word vaddr);
#define PROBE(vs, va) vt_probe(__LINE__, (vs), (va))

// Free virtual windows of the root VSpace, one per user (4 MiB each, 2 MiB aligned).
seL4_Word vt_window(unsigned n);
#define VT_WIN_STRESS 40

// --- Helper threads (threads.c) ------------------------------------------------------------------

enum vt_op {
    VT_OP_NOP,
    VT_OP_READ64,     // result = *(u64 *)addr (through vt_read64_insn)
    VT_OP_WRITE64,    // *(u64 *)addr = value (through vt_write64_insn)
    VT_OP_READ32,     // result = *(u32 *)addr (through vt_read32_insn)
    VT_OP_EXEC,       // result = ((fn)addr)(value)
    VT_OP_WRITE_LIST, // list[i].addr := list[i].value
    VT_OP_CHECK_LIST, // compares; result = mismatches, bad_* = first mismatch
};

struct vt_pair {
    seL4_Word addr, value;
};

#define VT_LIST_MAX 2048

struct vt_cmd {
    seL4_CPtr done_ep;
    enum vt_op op;
    seL4_Word addr, value;
    seL4_Word result;
    seL4_Word bad_addr, bad_got, bad_want;
    unsigned count;             // entries of list used by the list ops
    volatile unsigned progress; // list entries completed
    struct vt_pair list[VT_LIST_MAX];
};

struct vt_fault {
    seL4_Word label, length;
    seL4_Word ip, addr, prefetch, fsr; // MR0..MR3 of a VMFault
};

struct vt_run {
    bool done;       // the thread finished its command
    bool stuck;      // the watchdog reported that nothing was runnable
    bool unexpected; // a message with another badge or label arrived
    unsigned faults; // fault messages received
    struct vt_fault first, last;
};

// Called for each fault of the thread; return true to reply (restart the thread) or false to
// stop it. At most 8 faults are answered.
typedef bool (*vt_fault_cb)(const struct vt_fault *f, void *ctx);

// The commands of the two threads (shared memory: both run the root task's image).
extern struct vt_cmd vt_worker_cmd, vt_prober_cmd;

// Runs the worker (root VSpace) / the prober (in `vspace`) on their command and waits for the
// outcome; the thread is suspended again before returning.
struct vt_run vt_run_worker(vt_fault_cb cb, void *ctx);
struct vt_run vt_run_prober(seL4_CPtr vspace, vt_fault_cb cb, void *ctx);

// Convenience: one access by the worker, no fault handling. *ok = completed without fault.
seL4_Word vt_worker_read64(seL4_Word addr, struct vt_run *run);
void vt_worker_write64(seL4_Word addr, seL4_Word value, struct vt_run *run);

// Checks that a run ended with exactly one VMFault of the given kind, and the thread completed
// (completed = true) or was stopped (false).
bool vt_expect_vmfault(int line, const struct vt_run *r, seL4_Word ip, seL4_Word addr,
                       seL4_Word prefetch, seL4_Word ec, seL4_Word fsc, int wnr, bool completed);
// Checks that a run completed with no fault at all.
bool vt_expect_clean(int line, const struct vt_run *r);
#define CLEAN(run) vt_expect_clean(__LINE__, &(run))

// The accessor instructions in access.S (their addresses are the fault IPs).
extern const char vt_read64_insn[], vt_write64_insn[], vt_read32_insn[];

// Deterministic patterns.
seL4_Word vt_mix(seL4_Word x);

// A raw invocation with the tag exactly as given (to send short messages or missing caps).
static inline seL4_Error vt_invoke(seL4_CPtr cap, seL4_Word label, seL4_Word length,
                                   seL4_Word ncaps, const seL4_Word *mr, const seL4_CPtr *caps)
{
    return (seL4_Error)seL4_MessageInfo_get_label(keel_invoke(cap, label, length, ncaps, mr, caps));
}

// Whether a VSpace cap is usable, asked without side effects: a cache operation whose start is
// unmapped succeeds on a VSpace with a live ASID; otherwise the ASID checks of §8.10 answer.
static inline seL4_Error vt_vspace_state(seL4_CPtr vspace)
{
    return keel_arm_vspace_clean_data(vspace, 0x1000, 0x1001);
}

// The worker reads/writes one word: expect exactly one VMFault (data abort with fault status
// `fsc`, the thread is then stopped), or a clean access (and, for reads, the value).
bool vt_expect_read_fault(int line, seL4_Word addr, seL4_Word fsc);
bool vt_expect_write_fault(int line, seL4_Word addr, seL4_Word fsc);
bool vt_expect_read(int line, seL4_Word addr, seL4_Word want);
bool vt_expect_write(int line, seL4_Word addr, seL4_Word value);
#define READ_FAULT(addr, fsc)  vt_expect_read_fault(__LINE__, (addr), (fsc))
#define WRITE_FAULT(addr, fsc) vt_expect_write_fault(__LINE__, (addr), (fsc))
#define READ(addr, want)       vt_expect_read(__LINE__, (addr), (want))
#define WRITE(addr, value)     vt_expect_write(__LINE__, (addr), (value))
