// SPDX-License-Identifier: BSD-2-Clause
// captest's framework: test table, failure reporting, slot and untyped allocators, helpers.
#pragma once

// Every test is a void function that returns at its first failed check. A failed check prints
// "  <file>:<line>: <reason>" at once; the runner then cleans up (revokes the untyped memory the
// test used and deletes every slot it allocated) and prints exactly one line
// "CAPnnnn <name> pass|fail". Slots are never reused between tests, so a cap that a broken
// kernel fails to delete cannot make a later test fail.

#include <keel/alloc.h>
#include <keel/debug.h>
#include <keel/invoke.h>
#include <keel/runtime.h>
#include <keel/types.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

// The root CNode (slot 2) names its own slot s with CPtr s at depth 64 (§11.3, radix 13, guard 51).
#define ROOT       seL4_CapInitThreadCNode
#define ROOT_BITS  13
#define ROOT_GUARD (64 - ROOT_BITS)
#define ROOT_SLOTS (1UL << ROOT_BITS)
#define D64        64

struct captest_test {
    unsigned id;
    const char *name;
    void (*fn)(void);
};

enum captest_platform { PLAT_UNKNOWN, PLAT_QEMU_VIRT, PLAT_RPI4 };

struct captest_env {
    const seL4_BootInfo *bi;
    seL4_CPtr arena; // RAM untyped every test allocates from; revoked after each test
    unsigned arena_bits;
    seL4_CPtr dev_small; // the smallest device untyped of at least 2^13 bytes (0 if none)
    unsigned dev_small_bits;
    seL4_CPtr dev_huge; // device untyped of at least 2^30 bytes (0 if none)
    unsigned dev_huge_bits;
    seL4_CPtr ram_huge; // RAM untyped of at least 2^30 bytes (0 if none)
    seL4_CPtr ram_big;  // the smallest RAM untyped of at least 2^26 bytes but the arena
    unsigned ram_big_bits;
    enum captest_platform platform;
    seL4_Word max_irq;     // §1.1: 159 on qemu-arm-virt, 216 on bcm2711 (0 if unknown)
    seL4_Word user_pstate; // SPSR of a fresh TCB (0x40 or 0x140), learnt by the TCB tests
};

extern struct captest_env env;

// --- Failure reporting ---------------------------------------------------------------------------

extern int captest_failed;

void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
// Each returns 1 if the reply is the expected one, else prints the difference and returns 0.
int check_ok(const char *file, int line, const char *what, seL4_Word err);
int check_err(const char *file, int line, const char *what, seL4_Word err, seL4_Word want,
              const seL4_Word *mrs, unsigned nmrs);
int check_tag(const char *file, int line, seL4_CPtr slot, seL4_Word want);

#define FAIL(...)                                   \
    do {                                            \
        test_fail(__FILE__, __LINE__, __VA_ARGS__); \
        return;                                     \
    } while (0)

#define CHECK(cond, ...)       \
    do {                       \
        if (!(cond)) {         \
            FAIL(__VA_ARGS__); \
        }                      \
    } while (0)

#define CHECK_EQ(got, want)                                        \
    do {                                                           \
        seL4_Word got_ = (seL4_Word)(got);                         \
        seL4_Word want_ = (seL4_Word)(want);                       \
        if (got_ != want_) {                                       \
            FAIL("%s = 0x%lx, expected 0x%lx", #got, got_, want_); \
        }                                                          \
    } while (0)

// The call must succeed (label 0).
#define CHECK_OK(call)                                                 \
    do {                                                               \
        if (!check_ok(__FILE__, __LINE__, #call, (seL4_Word)(call))) { \
            return;                                                    \
        }                                                              \
    } while (0)

// The call must fail with `err`, a reply length equal to the number of MRs given, and those MRs.
#define CHECK_ERR(call, err, ...)                                               \
    do {                                                                        \
        const seL4_Word mrs_[] = {__VA_ARGS__};                                 \
        if (!check_err(__FILE__, __LINE__, #call, (seL4_Word)(call), err, mrs_, \
                       ARRAY_LEN(mrs_))) {                                      \
            return;                                                             \
        }                                                                       \
    } while (0)

// As CHECK_ERR for the errors that carry no MRs (length 0).
#define CHECK_ERR0(call, err)                                                         \
    do {                                                                              \
        if (!check_err(__FILE__, __LINE__, #call, (seL4_Word)(call), err, NULL, 0)) { \
            return;                                                                   \
        }                                                                             \
    } while (0)

// DebugCapIdentify(slot) must give `tag` (§13.12).
#define CHECK_TAG(slot, tag)                             \
    do {                                                 \
        if (!check_tag(__FILE__, __LINE__, slot, tag)) { \
            return;                                      \
        }                                                \
    } while (0)

// FailedLookup MRs (§6.2, §11.1): source flag, then the lookup failure description.
#define FL_INVALID_ROOT(src)          (src), seL4_InvalidRoot
#define FL_MISSING(src, left)         (src), seL4_MissingCapability, (left)
#define FL_DEPTH(src, left, found)    (src), seL4_DepthMismatch, (left), (found)
#define FL_GUARD(src, left, g, found) (src), seL4_GuardMismatch, (left), (g), (found)

// --- Allocation ----------------------------------------------------------------------------------

// A fresh empty slot of the root CNode (never handed out twice); 0 and a failure when exhausted.
seL4_CPtr slot_alloc(void);
// n consecutive fresh slots; returns the first. Both use <keel/alloc.h>; keel_slot_next() is the
// slot the next of them will return.
seL4_CPtr slot_alloc_range(unsigned n);

// A new object retyped from the arena into a fresh slot; 0 (and a failure report) on error.
seL4_CPtr new_object(const char *file, int line, seL4_Word type, seL4_Word size_bits);

#define NEW(var, type, size_bits)                              \
    do {                                                       \
        var = new_object(__FILE__, __LINE__, type, size_bits); \
        if (!var) {                                            \
            return;                                            \
        }                                                      \
    } while (0)

#define NEW_UT(var, size_bits) NEW(var, seL4_UntypedObject, size_bits)

// Copies/mints/moves within the root CNode, depth 64 everywhere.
seL4_Error root_copy(seL4_CPtr dst, seL4_CPtr src, seL4_Word rights);
seL4_Error root_mint(seL4_CPtr dst, seL4_CPtr src, seL4_Word rights, seL4_Word badge);
seL4_Error root_move(seL4_CPtr dst, seL4_CPtr src);
seL4_Error root_mutate(seL4_CPtr dst, seL4_CPtr src, seL4_Word data);
seL4_Error root_delete(seL4_CPtr slot);
seL4_Error root_revoke(seL4_CPtr slot);
seL4_Error root_retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr dst,
                       seL4_Word n);

static inline seL4_Word tag_of(seL4_CPtr slot)
{
    return keel_debug_cap_identify(slot);
}

// Sets the root thread's priority back to 255 (tests that lower it call this when done).
void root_priority_restore(void);

// --- Tests ---------------------------------------------------------------------------------------

extern const struct captest_test boot_tests[];
extern const unsigned boot_tests_count;
extern const struct captest_test untyped_tests[];
extern const unsigned untyped_tests_count;
extern const struct captest_test cnode_tests[];
extern const unsigned cnode_tests_count;
extern const struct captest_test lookup_tests[];
extern const unsigned lookup_tests_count;
extern const struct captest_test tcb_tests[];
extern const unsigned tcb_tests_count;
extern const struct captest_test thread_tests[];
extern const unsigned thread_tests_count;
extern const struct captest_test misc_tests[];
extern const unsigned misc_tests_count;
extern const struct captest_test stress_tests[];
extern const unsigned stress_tests_count;
extern const struct captest_test last_tests[];
extern const unsigned last_tests_count;

// From captest_asm.S.
struct svc_frame {
    seL4_Word in[8];     // x0..x7 loaded before svc
    seL4_Word out[6];    // x0..x5 after svc
    seL4_Word nzcv_in;   // flags set before svc
    seL4_Word nzcv_out;  // flags after svc
    seL4_Word sp_in;     // SP just before svc
    seL4_Word sp_out;    // SP just after svc
    seL4_Word tpidr_out; // TPIDR_EL0 just after svc (it is PATTERN + 31 before)
};
// Runs one svc with every other register holding a known pattern; returns a bit mask of the
// registers the kernel changed (bit n = xn for n in 6..30; bit 31 = TPIDR_EL0).
seL4_Word captest_svc_check(struct svc_frame *frame);
