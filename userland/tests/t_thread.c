// SPDX-License-Identifier: BSD-2-Clause
// Tests with a second thread in the root task's address space: scheduling, context switches (§13.6,
// §13.7), and invocations made by a thread with and without its own IPC buffer (§5.2, §4.1).

#include "captest.h"

#include <string.h>

#define NREGS KEEL_USER_CONTEXT_WORDS

extern char captest_counter_thread[];
extern char captest_counter_thread_svc[];
extern char captest_spin_thread[];
extern char captest_spin_thread_end[];
extern char captest_call_thread[];
extern char captest_fp_thread[];
seL4_Word captest_fp_yield_check(seL4_Word pattern);

struct counter_block {
    seL4_Word count, magic, sp, tpidr;
};

static volatile struct counter_block counter;
static volatile seL4_Word spin_count;
static volatile seL4_Word call_result[7];
static volatile seL4_Word fp_done;
static volatile seL4_Word c_result;

#define STACK_WORDS 2048
static seL4_Word thread_stack[STACK_WORDS] __attribute__((aligned(16)));
static seL4_IPCBuffer thread_ipc_buffer;

static seL4_Word stack_top(void)
{
    return (seL4_Word)(uintptr_t)&thread_stack[STACK_WORDS];
}

static seL4_Word addr(const volatile void *p)
{
    return (seL4_Word)(uintptr_t)p;
}

// A TCB in the root task's CSpace and VSpace, at `prio`, with the given first registers. It is
// left inactive; the caller resumes it.
static seL4_CPtr make_thread(const char *file, int line, seL4_Word prio, const seL4_UserContext *c)
{
    seL4_CPtr t = new_object(file, line, seL4_TCBObject, 0);
    if (!t) {
        return 0;
    }
    seL4_Error err = keel_tcb_configure(t, 0, ROOT, 0, seL4_CapInitThreadVSpace, 0, 0,
                                        seL4_CapInitThreadIPCBuffer);
    if (!check_ok(file, line, "Configure", err)) {
        return 0;
    }
    err = keel_tcb_set_priority(t, seL4_CapInitThreadTCB, prio);
    if (!check_ok(file, line, "SetPriority", err)) {
        return 0;
    }
    err = keel_tcb_write_registers(t, 0, 0, NREGS, c);
    if (!check_ok(file, line, "WriteRegisters", err)) {
        return 0;
    }
    return t;
}

#define MAKE_THREAD(var, prio, ctx)                       \
    do {                                                  \
        var = make_thread(__FILE__, __LINE__, prio, ctx); \
        if (!var) {                                       \
            return;                                       \
        }                                                 \
    } while (0)

static void counter_context(seL4_UserContext *c, seL4_CPtr self_slot, seL4_Word magic)
{
    memset(c, 0, sizeof(*c));
    c->pc = addr(captest_counter_thread);
    c->sp = stack_top();
    c->x0 = addr(&counter);
    c->x1 = self_slot;
    c->x2 = magic;
    c->tpidr_el0 = 0xC0FFEE00UL;
    memset((void *)&counter, 0, sizeof(counter));
}

// The TCB's slot is known before it is made: it is the next slot the allocator hands out,
// keel_slot_next().

// Equal priority: the new thread runs when the root task yields, and suspends itself (§13.6,
// §13.7); its restart PC then stays on its own svc.
static void t_runs_on_yield(void)
{
    seL4_UserContext c, out;
    counter_context(&c, keel_slot_next(), 0x1234);
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_EQ(t, c.x1);
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK_EQ(counter.count, 1);
    CHECK_EQ(counter.magic, 0x1234);
    CHECK_EQ(counter.sp, stack_top());
    CHECK_EQ(counter.tpidr, 0xC0FFEE00UL);
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.pc, addr(captest_counter_thread_svc));
    CHECK_EQ(out.x12, addr(&counter));
    CHECK_EQ(out.x13, t);
    CHECK_EQ(out.x0, t);
    CHECK_EQ(out.x7, (seL4_Word)-1);
    // Resumed at the svc it suspends itself again without another round.
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    keel_yield();
    CHECK_EQ(counter.count, 1);
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, 1, &out));
    CHECK_EQ(out.pc, addr(captest_counter_thread_svc));
    // Moved past the svc it goes round once more.
    out.pc += 4;
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, 1, &out));
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK_EQ(counter.count, 2);
}

// §13.6: a resumed thread of higher priority than the caller runs before the Resume returns.
static void t_preempts_on_resume(void)
{
    seL4_UserContext c;
    counter_context(&c, keel_slot_next(), 0x55);
    seL4_CPtr t;
    MAKE_THREAD(t, 200, &c);
    CHECK_OK(keel_tcb_set_priority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 100));
    CHECK_OK(keel_tcb_resume(t));
    CHECK_EQ(counter.count, 1);
    CHECK_EQ(counter.magic, 0x55);
    root_priority_restore();
}

// A lower-priority thread never runs while the root task is runnable; it runs as soon as the
// root task lowers itself below it (SetPriority on the caller reschedules, §8.4).
static void t_lower_priority_waits(void)
{
    seL4_UserContext c;
    counter_context(&c, keel_slot_next(), 0x66);
    seL4_CPtr t;
    MAKE_THREAD(t, 10, &c);
    CHECK_OK(keel_tcb_resume(t));
    for (int i = 0; i < 5; i++) {
        keel_yield();
    }
    CHECK_EQ(counter.count, 0);
    CHECK_OK(keel_tcb_set_priority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 5));
    CHECK_EQ(counter.count, 1);
    CHECK_OK(keel_tcb_set_priority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, seL4_MaxPrio));
    CHECK_EQ(counter.count, 1);
}

__attribute__((noinline)) static seL4_Word fib(seL4_Word n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

// A C function with a stack; it suspends itself with a register-only Call (no IPC buffer, no TLS).
static void c_thread(seL4_Word n, seL4_Word add, seL4_Word self)
{
    c_result = fib(n) + add;
    for (;;) {
        seL4_Word mr[4] = {0, 0, 0, 0};
        keel_call(self, seL4_MessageInfo_new(KEEL_INV_TCB_SUSPEND, 0, 0, 0), mr);
    }
}

// WriteRegisters with resume_target starts the thread (§8.4).
static void t_c_function(void)
{
    seL4_UserContext c;
    memset(&c, 0, sizeof(c));
    c.pc = addr(c_thread);
    c.sp = stack_top();
    c.x0 = 20;
    c.x1 = 1000;
    c.x2 = keel_slot_next();
    c_result = 0;
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_OK(keel_tcb_write_registers(t, 1, 0, NREGS, &c));
    keel_yield();
    CHECK_EQ(c_result, 6765 + 1000);
}

// Another thread's use of the FP/SIMD registers, x19..x28, FPSR and FPCR does not leak into the
// root task's (§2.1), and its integer registers are kept in its TCB.
static void t_fp_context(void)
{
    const seL4_Word pattern = 0x7E57000000000000UL, theirs = 0x0DD0000000000000UL;
    seL4_UserContext c, out;
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_fp_thread);
    c.sp = stack_top();
    c.x0 = addr(&fp_done);
    c.x1 = keel_slot_next();
    c.x2 = theirs;
    fp_done = 0;
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_OK(keel_tcb_resume(t));
    seL4_Word changed = captest_fp_yield_check(pattern);
    CHECK_EQ(fp_done, theirs);
    CHECK(changed == 0,
          "registers changed across the switch: mask 0x%lx (bits 0-31 d0-d31, "
          "32-41 x19-x28, 42 FPSR, 43 FPCR)",
          changed);
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.x19, theirs + 100 + 19);
    CHECK_EQ(out.x28, theirs + 100 + 28);
    // And once more the other way round, now that both threads have live FP state.
    CHECK_OK(keel_tcb_write_registers(t, 1, 0, NREGS, &c));
    changed = captest_fp_yield_check(pattern + 0x10000);
    CHECK(changed == 0, "second switch: mask 0x%lx", changed);
}

// Timeslices: a spinning thread at the root task's priority shares the CPU (§13.6); Suspend of
// a runnable thread freezes it with its restart PC at the interrupted instruction (§13.7, §9).
static void t_timeslice_and_suspend(void)
{
    seL4_UserContext c, out;
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_spin_thread);
    c.sp = stack_top();
    c.x0 = addr(&spin_count);
    spin_count = 0;
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_OK(keel_tcb_resume(t));
    keel_yield(); // the thread runs until its timeslice is used up
    seL4_Word first = spin_count;
    CHECK(first > 0, "the spinning thread did not run");
    CHECK_OK(keel_tcb_read_registers(t, 1, 0, NREGS, &out)); // suspend_source = 1
    CHECK(out.pc >= addr(captest_spin_thread) && out.pc < addr(captest_spin_thread_end),
          "suspended thread's pc 0x%lx is outside its loop [0x%lx, 0x%lx)", out.pc,
          addr(captest_spin_thread), addr(captest_spin_thread_end));
    CHECK_EQ(out.x0, addr(&spin_count));
    seL4_Word frozen = spin_count;
    for (int i = 0; i < 3; i++) {
        keel_yield();
    }
    CHECK_EQ(spin_count, frozen);
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK(spin_count > frozen, "the resumed thread did not run again");
    CHECK_OK(keel_tcb_suspend(t));
    frozen = spin_count;
    keel_yield();
    CHECK_EQ(spin_count, frozen);
}

// The thread's own IPC buffer carries MR4/MR5 and the cap argument of its Retype (§5.2).
static void t_call_with_own_buffer(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(3), decoy = slot_alloc_range(2);
    NEW_UT(ut, 12);
    CHECK(dst && decoy, "no slots");
    seL4_UserContext c;
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_call_thread);
    c.sp = stack_top();
    c.x0 = ut;
    c.x1 = seL4_MessageInfo_new(KEEL_INV_UNTYPED_RETYPE, 0, 1, 6).words[0];
    c.x2 = seL4_EndpointObject;
    c.x7 = (seL4_Word)-1;
    c.x19 = addr(call_result);
    c.x20 = keel_slot_next();
    memset((void *)call_result, 0xFF, sizeof(call_result));
    thread_ipc_buffer.msg[4] = dst;
    thread_ipc_buffer.msg[5] = 2;
    thread_ipc_buffer.caps_or_badges[0] = ROOT;
    // The root task's own buffer says something else; the kernel must not read it.
    seL4_IPCBuffer *mine = keel_ipc_buffer();
    mine->msg[4] = decoy;
    mine->msg[5] = 1;
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_EQ(t, c.x20);
    CHECK_OK(keel_tcb_configure(t, 0, ROOT, 0, seL4_CapInitThreadVSpace, 0,
                                addr(&thread_ipc_buffer), keel_image_frame_cap(&thread_ipc_buffer)));
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK_EQ(call_result[6], 1);
    CHECK_EQ(call_result[0], 0);
    CHECK_EQ(call_result[1], 0); // tag of a successful reply
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    CHECK_TAG(dst + 1, KEEL_CAP_ENDPOINT);
    CHECK_TAG(dst + 2, KEEL_CAP_NULL);
    CHECK_TAG(decoy, KEEL_CAP_NULL);
}

// Without an IPC buffer only MR0..MR3 exist and no caps are sent (§4.1, §5.2): a Retype is
// truncated, and an error with MRs beyond 3 is cut to 4 (§6.2).
static void t_call_without_buffer(void)
{
    seL4_CPtr ut, dst = slot_alloc_range(2);
    NEW_UT(ut, 12);
    CHECK(dst, "no slots");
    seL4_UserContext c;
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_call_thread);
    c.sp = stack_top();
    c.x0 = ut;
    c.x1 = seL4_MessageInfo_new(KEEL_INV_UNTYPED_RETYPE, 0, 1, 6).words[0];
    c.x2 = seL4_EndpointObject;
    c.x7 = (seL4_Word)-1;
    c.x19 = addr(call_result);
    c.x20 = keel_slot_next();
    memset((void *)call_result, 0xFF, sizeof(call_result));
    thread_ipc_buffer.msg[4] = dst;
    thread_ipc_buffer.msg[5] = 1;
    thread_ipc_buffer.caps_or_badges[0] = ROOT;
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK_EQ(call_result[6], 1);
    CHECK_EQ(call_result[0], 0);
    CHECK_EQ(call_result[1], seL4_MessageInfo_new(seL4_TruncatedMessage, 0, 0, 0).words[0]);
    CHECK_TAG(dst, KEEL_CAP_NULL);
    // A CNode Copy whose source lookup fails with GuardMismatch (5 MRs): only 4 come back.
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_call_thread);
    c.sp = stack_top();
    c.x0 = ROOT;
    c.x1 = seL4_MessageInfo_new(KEEL_INV_CNODE_REVOKE, 0, 0, 2).words[0];
    c.x2 = ROOT_SLOTS | dst;
    c.x3 = D64;
    c.x7 = (seL4_Word)-1;
    c.x19 = addr(call_result);
    c.x20 = t;
    memset((void *)call_result, 0xFF, sizeof(call_result));
    CHECK_OK(keel_tcb_write_registers(t, 1, 0, NREGS, &c));
    keel_yield();
    CHECK_EQ(call_result[6], 1);
    CHECK_EQ(call_result[1], seL4_MessageInfo_new(seL4_FailedLookup, 0, 0, 4).words[0]);
    CHECK_EQ(call_result[2], 0);
    CHECK_EQ(call_result[3], seL4_GuardMismatch);
    CHECK_EQ(call_result[4], 64);
    CHECK_EQ(call_result[5], 0);
}

// CopyRegisters of a suspended thread into a fresh one, fixed up with WriteRegisters: the copy
// runs the same code (§8.4 CopyRegisters then WriteRegisters with resume).
static void t_copy_registers_then_run(void)
{
    seL4_UserContext c, out;
    counter_context(&c, keel_slot_next(), 0x77);
    seL4_CPtr a, b;
    MAKE_THREAD(a, seL4_MaxPrio, &c);
    CHECK_OK(keel_tcb_resume(a));
    keel_yield();
    CHECK_EQ(counter.count, 1);
    seL4_UserContext zero;
    memset(&zero, 0, sizeof(zero));
    MAKE_THREAD(b, seL4_MaxPrio, &zero);
    CHECK_OK(keel_tcb_copy_registers(b, a, 0, 0, 1, 1, 0));
    CHECK_OK(keel_tcb_read_registers(b, 0, 0, NREGS, &out));
    CHECK_EQ(out.pc, addr(captest_counter_thread_svc));
    CHECK_EQ(out.x12, addr(&counter));
    out.x0 = b;
    out.x13 = b;
    out.x2 = 0x88;
    out.pc += 4;
    CHECK_OK(keel_tcb_write_registers(b, 1, 0, NREGS, &out));
    keel_yield();
    CHECK_EQ(counter.count, 2);
    CHECK_EQ(counter.magic, 0x88);
    CHECK_OK(keel_tcb_read_registers(a, 0, 0, 1, &out));
    CHECK_EQ(out.pc, addr(captest_counter_thread_svc));
}

// Deleting a runnable thread's only cap removes it from scheduling (§13.9).
static void t_delete_running_thread(void)
{
    seL4_UserContext c;
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_spin_thread);
    c.sp = stack_top();
    c.x0 = addr(&spin_count);
    spin_count = 0;
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK(spin_count > 0, "the spinning thread did not run");
    CHECK_OK(root_delete(t));
    seL4_Word frozen = spin_count;
    for (int i = 0; i < 3; i++) {
        keel_yield();
    }
    CHECK_EQ(spin_count, frozen);
}

// §8.4: raising a runnable thread above the caller preempts the caller at once.
static void t_set_priority_preempts(void)
{
    seL4_UserContext c;
    counter_context(&c, keel_slot_next(), 0x99);
    seL4_CPtr t;
    MAKE_THREAD(t, 10, &c);
    CHECK_OK(keel_tcb_set_priority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, 100));
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK_EQ(counter.count, 0);
    CHECK_OK(keel_tcb_set_priority(t, seL4_CapInitThreadTCB, 200));
    CHECK_EQ(counter.count, 1);
    root_priority_restore();
}

// WriteRegisters on a runnable (preempted) thread: it continues from the new PC (§9).
static void t_write_registers_runnable(void)
{
    static volatile seL4_Word other_count;
    seL4_UserContext c;
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_spin_thread);
    c.sp = stack_top();
    c.x0 = addr(&spin_count);
    spin_count = 0;
    other_count = 0;
    seL4_CPtr t;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    CHECK_OK(keel_tcb_resume(t));
    keel_yield();
    CHECK(spin_count > 0, "the spinning thread did not run");
    c.x0 = addr(&other_count);
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, 4, &c)); // pc, sp, spsr, x0
    seL4_Word frozen = spin_count;
    keel_yield();
    CHECK(other_count > 0, "after WriteRegisters the thread did not run from the new registers");
    CHECK_EQ(spin_count, frozen);
    CHECK_OK(keel_tcb_suspend(t));
}

// §13.15: the reset of a large untyped is preemptible; another thread at the same priority runs
// while it goes on, and the restarted Retype still does exactly what was asked. A reset that
// ends within the root task's timeslice proves nothing, so up to 8 resets are tried.
static void t_long_reset(void)
{
    if (!env.ram_big) {
        return; // no RAM untyped of 64 MiB or more besides the arena
    }
    seL4_UserContext c;
    memset(&c, 0, sizeof(c));
    c.pc = addr(captest_spin_thread);
    c.sp = stack_top();
    c.x0 = addr(&spin_count);
    spin_count = 0;
    seL4_CPtr t, dst;
    MAKE_THREAD(t, seL4_MaxPrio, &c);
    dst = slot_alloc_range(2);
    CHECK(dst, "no slots");
    const seL4_CPtr big = env.ram_big;
    const seL4_Word size = 1UL << env.ram_big_bits;
    unsigned round;
    for (round = 0; round < 8 && spin_count == 0; round++) {
        // Use the untyped up to its end and drop everything: the next Retype must first zero
        // the whole of it (§13.10).
        CHECK_OK(root_revoke(big));
        CHECK_OK(root_retype(big, seL4_UntypedObject, env.ram_big_bits, dst, 1));
        CHECK_OK(root_revoke(big));
        if (round == 0) {
            CHECK_OK(keel_tcb_resume(t));
        }
        CHECK_OK(root_retype(big, seL4_ARM_SmallPageObject, 0, dst, 1));
        CHECK_TAG(dst, KEEL_CAP_FRAME);
        CHECK_TAG(dst + 1, KEEL_CAP_NULL);
        CHECK_ERR(root_retype(big, seL4_ARM_LargePageObject, 0, dst + 1, 256), seL4_NotEnoughMemory,
                  size - 4096);
    }
    CHECK_OK(keel_tcb_suspend(t));
    CHECK(spin_count > 0, "no other thread ran during %u resets of %lu MiB (not preempted)", round,
          size >> 20);
}

const struct captest_test thread_tests[] = {
    {501, "thread_runs_on_yield_and_self_suspends", t_runs_on_yield},
    {502, "thread_preempts_on_resume", t_preempts_on_resume},
    {503, "thread_lower_priority_waits", t_lower_priority_waits},
    {504, "thread_c_function_with_stack", t_c_function},
    {505, "thread_fp_and_register_context", t_fp_context},
    {506, "thread_timeslice_and_suspend", t_timeslice_and_suspend},
    {507, "thread_call_with_own_ipc_buffer", t_call_with_own_buffer},
    {508, "thread_call_without_ipc_buffer", t_call_without_buffer},
    {509, "thread_copy_registers_then_run", t_copy_registers_then_run},
    {510, "thread_delete_runnable_thread", t_delete_running_thread},
    {511, "thread_set_priority_preempts", t_set_priority_preempts},
    {512, "thread_write_registers_runnable", t_write_registers_runnable},
    {513, "thread_runs_during_long_untyped_reset", t_long_reset},
};
const unsigned thread_tests_count = ARRAY_LEN(thread_tests);
