// SPDX-License-Identifier: BSD-2-Clause
// IRQ tests, continued: interrupts during long kernel operations and from the kernel's idle loop.

// Numbered after t_irq.c's tests (IRQ0013 on). A flood of timer interrupts must be delivered
// while a revoke, an untyped reset or cache maintenance is still running (§13.15, INV-SCHED-5),
// and a signal from an interrupt taken in the idle loop must wake its waiter (§13.4).

#include "schedtest.h"

// --- Interrupt floods during long kernel operations ----------------------------------------------

// A handler thread above the root: each timer interrupt is counted (in r[1 + phase] while a phase
// is set), the timer re-armed `a[2]` ticks ahead and the IRQ acknowledged.
static volatile seL4_Word flood_phase, flood_stop;

static void flood_handler(st_thread_t *self)
{
    seL4_CPtr n = self->a[0], h = self->a[1];
    uint64_t period = self->a[2];
    self->stage = 1;
    for (;;) {
        keel_ipc_wait(n);
        self->r[0]++;
        seL4_Word p = flood_phase;
        if (p >= 1 && p <= 3) {
            self->r[p]++;
        }
        if (flood_stop) {
            st_ptimer_disarm();
            st_invoke_regs(h, KEEL_INV_IRQ_ACK, 0, NULL, NULL);
            break;
        }
        st_ptimer_arm(st_cntpct() + period);
        st_invoke_regs(h, KEEL_INV_IRQ_ACK, 0, NULL, NULL);
    }
    self->stage = 2;
}

static st_thread_t *flood_start(uint64_t period_us)
{
    seL4_CPtr n;
    seL4_CPtr nb = st_new_ntfn_badged(1, &n);
    st_thread_t *f = st_thread_new(flood_handler, 250, 1, "st-flood");
    if (!nb || !f) {
        return NULL;
    }
    seL4_CPtr h = st_claim_ptimer(nb);
    if (!h) {
        return NULL;
    }
    flood_phase = 0;
    flood_stop = 0;
    f->a[0] = n;
    f->a[1] = h;
    f->a[2] = st_us_to_ticks(period_us);
    if (!st_thread_start(f)) {
        return NULL;
    }
    st_ptimer_arm(st_cntpct() + f->a[2]);
    return f;
}

static void flood_stop_wait(st_thread_t *f)
{
    flood_phase = 0;
    flood_stop = 1;
    CHECK(st_spin_for(&f->stage, 2, 500), "the flood handler did not stop");
    st_ptimer_disarm();
}

// Trees of thousands of caps; 256 on a slow (debug) kernel (see st.slow_kernel).
#define TREE_BITS  (st.slow_kernel ? 8u : 12u)
#define TREE_SLOTS (1u << TREE_BITS)
#define FLOOD_MS   (st.slow_kernel ? 10u : 20u)
// The flood's period: on a slow kernel the handler's own three system calls take about 1.5 ms.
#define FLOOD_PERIOD_US (st.slow_kernel ? 2500u : 50u)

// Revoke of an endpoint cap with 4096 copies in a CNode: a long, preemptible operation (§13.15).
// The interrupts that arrive meanwhile must reach the handler thread while the revoke is still in
// progress, and the revoke must complete. Without -icount QEMU's timers follow the host, which
// may stall for a millisecond or more, so the revoke is repeated until 20 ms of it have passed.
static void t_flood_during_cnode_revoke(void)
{
    seL4_CPtr ep = st_new(seL4_EndpointObject, 0);
    seL4_CPtr tree = st_new(seL4_CapTableObject, TREE_BITS);
    seL4_CPtr probe = st_slot();
    NEED(ep && tree && probe);
    st_thread_t *f = flood_start(FLOOD_PERIOD_US);
    NEED(f);
    uint64_t spent = 0;
    unsigned rounds = 0;
    // On a slow kernel the interrupts are sparse: go on (within the round limit) until one came.
    while (rounds < 12 && (spent < st_ms_to_ticks(FLOOD_MS) || (st.slow_kernel && f->r[1] == 0))) {
        for (seL4_Word i = 0; i < TREE_SLOTS; i++) {
            seL4_Error e =
                keel_cnode_copy(tree, i, TREE_BITS, ST_ROOT_CNODE, ep, ST_DEPTH, KEEL_RIGHTS_ALL);
            if (!CHECK(e == seL4_NoError, "copy %lu into the tree: %s", i, keel_error_name(e))) {
                flood_stop_wait(f);
                return;
            }
        }
        uint64_t t0 = st_cntpct();
        flood_phase = 1;
        seL4_Error e = st_revoke(ep);
        flood_phase = 0;
        spent += st_cntpct() - t0;
        rounds++;
        if (!OK(e)) {
            break;
        }
        // The tree is empty again: moving any slot out finds nothing.
        const seL4_Word idx[4] = {0, 1, TREE_SLOTS / 2, TREE_SLOTS - 1};
        for (unsigned k = 0; k < 4; k++) {
            seL4_Error m = keel_cnode_move(ST_ROOT_CNODE, probe, ST_DEPTH, tree, idx[k], TREE_BITS);
            CHECK(m == seL4_FailedLookup, "slot %lu of the tree after the revoke: move gave %s",
                  idx[k], keel_error_name(m));
        }
    }
    flood_stop_wait(f);
    st_info("%u revokes of %u caps: %lu us, %lu interrupts during them (%lu in all)", rounds,
            TREE_SLOTS, st_ticks_to_us(spent), f->r[1], f->r[0]);
    CHECK(f->r[1] > 0, "no interrupt reached the handler thread during %lu us of revokes",
          st_ticks_to_us(spent));
    // One interrupt per revoke is all a kernel that never preempts a revoke could deliver.
    CHECK(st.slow_kernel || f->r[1] >= 2 * rounds,
          "%lu interrupts during %u revokes: the revokes were not preempted", f->r[1], rounds);
}

// Revoke of an untyped with 4592 children (4096 endpoints and 496 frames, 2 MiB in all; 287 and
// 128 KiB on a slow kernel), then a Retype that resets (zeroes) that memory: both long and
// preemptible; interrupts must be delivered during each. Repeated until 20 ms of each have passed
// (host stalls, see above).
static bool fill_untyped(seL4_CPtr ut, unsigned ut_bits, unsigned batches, seL4_CPtr tree,
                         seL4_Word *count)
{
    seL4_Word off = 0;
    for (unsigned k = 0; k < batches; k++, off += 256) {
        seL4_Error e = keel_untyped_retype(ut, seL4_EndpointObject, 0, tree, 0, 0, off, 256);
        if (!CHECK(e == seL4_NoError, "retype of endpoints %lu..: %s", off, keel_error_name(e))) {
            return false;
        }
    }
    seL4_Word frames = ((1UL << ut_bits) - 4096 * batches) / 4096;
    for (seL4_Word done = 0; done < frames;) {
        seL4_Word n = frames - done > 256 ? 256 : frames - done;
        seL4_Error e = keel_untyped_retype(ut, seL4_ARM_SmallPageObject, 0, tree, 0, 0, off, n);
        if (!CHECK(e == seL4_NoError, "retype of frames %lu..: %s", off, keel_error_name(e))) {
            return false;
        }
        off += n;
        done += n;
    }
    *count = off;
    return true;
}

static void t_flood_during_untyped_revoke_reset(void)
{
    const unsigned ut_bits = st.slow_kernel ? 17 : 21, tree_bits = st.slow_kernel ? 9 : 13;
    seL4_CPtr ut = st_new(seL4_UntypedObject, ut_bits);
    seL4_CPtr tree = st_new(seL4_CapTableObject, tree_bits);
    NEED(ut && tree);
    st_thread_t *f = flood_start(FLOOD_PERIOD_US);
    NEED(f);
    uint64_t in_revoke = 0, in_reset = 0;
    seL4_Word children = 0;
    unsigned rounds = 0;
    uint64_t want = st_ms_to_ticks(FLOOD_MS);
    while (rounds < 8 && (in_revoke < want || in_reset < want ||
                          (st.slow_kernel && (f->r[1] == 0 || f->r[2] == 0)))) {
        if (!fill_untyped(ut, ut_bits, st.slow_kernel ? 1 : 16, tree, &children)) {
            break;
        }
        uint64_t t0 = st_cntpct();
        flood_phase = 1;
        seL4_Error e = st_revoke(ut);
        flood_phase = 2;
        uint64_t t1 = st_cntpct();
        seL4_Error r = keel_untyped_retype(ut, seL4_ARM_SmallPageObject, 0, tree, 0, 0, 0, 1);
        flood_phase = 0;
        uint64_t t2 = st_cntpct();
        in_revoke += t1 - t0;
        in_reset += t2 - t1;
        rounds++;
        if (!OK(e) || !OK(r) || !OK(st_revoke(ut))) {
            break;
        }
    }
    flood_stop_wait(f);
    st_info("%u rounds: untyped revoke of %lu children: %lu us, %lu interrupts; reset of %lu KiB: "
            "%lu us, %lu interrupts",
            rounds, children, st_ticks_to_us(in_revoke), f->r[1], 1UL << (ut_bits - 10),
            st_ticks_to_us(in_reset), f->r[2]);
    CHECK(f->r[1] > 0, "no interrupt delivered during %lu us of untyped revokes",
          st_ticks_to_us(in_revoke));
    CHECK(f->r[2] > 0, "no interrupt delivered during %lu us of untyped resets",
          st_ticks_to_us(in_reset));
    CHECK(st.slow_kernel || f->r[1] >= 2 * rounds,
          "%lu interrupts during %u untyped revokes: they were not preempted", f->r[1], rounds);
    CHECK(st.slow_kernel || f->r[2] >= 2 * rounds,
          "%lu interrupts during %u resets: they were not preempted", f->r[2], rounds);
}

// Cache maintenance of a whole 2 MiB frame (32768 lines) by each Page_* and VSpace_* cache
// operation, in a flood of interrupts: each call is preempted every 4 KiB when an interrupt is
// pending and resumes from where it stopped (§13.15, INV-SCHED-5), so a call takes several
// interrupts and still succeeds; a call that was not preemptible could take at most one.
#define CACHE_VA 0x40000000UL

static void t_flood_during_cache_maintenance(void)
{
    const seL4_Word size = 1UL << 21;
    seL4_CPtr frame = st_new(seL4_ARM_LargePageObject, 0);
    NEED(frame && st_map_frame(frame, CACHE_VA));
    st_thread_t *f = flood_start(FLOOD_PERIOD_US);
    NEED(f);
    uint64_t spent = 0, want = st_ms_to_ticks(FLOOD_MS);
    unsigned calls = 0;
    while (calls < 400 && (spent < want || (st.slow_kernel && f->r[3] == 0))) {
        uint64_t t0 = st_cntpct();
        flood_phase = 3;
        seL4_Error e[5] = {
            keel_arm_page_clean_data(frame, 0, size),
            keel_arm_page_clean_invalidate_data(frame, 0, size),
            keel_arm_page_unify_instruction(frame, 0, size),
            keel_arm_vspace_clean_data(ST_ROOT_VS, CACHE_VA, CACHE_VA + size),
            keel_arm_vspace_unify_instruction(ST_ROOT_VS, CACHE_VA, CACHE_VA + size),
        };
        flood_phase = 0;
        spent += st_cntpct() - t0;
        calls += 5;
        bool ok = true;
        for (unsigned k = 0; k < 5 && ok; k++) {
            ok = CHECK(e[k] == seL4_NoError, "cache operation %u on the 2 MiB frame: %s", k,
                       keel_error_name(e[k]));
        }
        if (!ok) {
            break;
        }
    }
    flood_stop_wait(f);
    // Out of range by one byte: still refused after all that restarting.
    CHECK(keel_arm_page_clean_data(frame, 0, size + 1) == seL4_InvalidArgument,
          "Page_Clean_Data past the end of the frame was not refused");
    keel_arm_page_unmap(frame);
    st_delete(frame);
    st_info("%u cache operations on 2 MiB: %lu us, %lu interrupts during them", calls,
            st_ticks_to_us(spent), f->r[3]);
    CHECK(f->r[3] > 0, "no interrupt delivered during %lu us of cache maintenance",
          st_ticks_to_us(spent));
    CHECK(st.slow_kernel || f->r[3] >= 2 * calls,
          "%lu interrupts during %u cache operations: they were not preempted", f->r[3], calls);
}

// Untyped_Retype of 256 frames in a flood of interrupts (§13.15, INV-SCHED-5). The kernel may stop
// between two objects; the restarted call makes the rest, its progress kept in the kernel, so
// nothing of it shows in the caller's registers or IPC buffer. Each call must take several
// interrupts (a call that could not be preempted would take at most one), and its outcome must
// be that of one uninterrupted retype: 256 frames at consecutive physical addresses in
// consecutive slots, the message registers as sent.
static bool frames_consecutive(seL4_CPtr first, unsigned count)
{
    seL4_Word base = 0;
    for (unsigned i = 0; i < count; i++) {
        seL4_Word pa = 0;
        if (!OK(keel_arm_page_get_address(first + i, &pa)) ||
            !CHECK(i == 0 ? (pa & 0xfff) == 0 : pa == base + i * 4096UL,
                   "frame %u of the retype is at 0x%lx, not 0x%lx", i, pa, base + i * 4096UL)) {
            return false;
        }
        base = i == 0 ? pa : base;
    }
    return true;
}

static void t_flood_during_retype(void)
{
    const unsigned count = 256, ut_bits = 20;
    seL4_CPtr ut = st_new(seL4_UntypedObject, ut_bits);
    seL4_CPtr dst = st_slots(count);
    seL4_IPCBuffer *buf = keel_ipc_buffer();
    NEED(ut && dst && buf);
    st_thread_t *f = flood_start(FLOOD_PERIOD_US);
    NEED(f);
    unsigned rounds = 0;
    const unsigned max_rounds = st.slow_kernel ? 4 : 16;
    uint64_t spent = 0;
    bool ok = true;
    while (ok && rounds < max_rounds) {
        uint64_t t0 = st_cntpct();
        flood_phase = 1;
        seL4_Error e =
            keel_untyped_retype(ut, seL4_ARM_SmallPageObject, 0, ST_ROOT_CNODE, 0, 0, dst, count);
        flood_phase = 0;
        spent += st_cntpct() - t0;
        ok = CHECK(e == seL4_NoError, "retype of %u frames: %s", count, keel_error_name(e)) &&
             CHECK(buf->msg[4] == dst && buf->msg[5] == count,
                   "the IPC buffer's MR4/MR5 changed to %lu/%lu (sent %lu/%u)", buf->msg[4],
                   buf->msg[5], (seL4_Word)dst, count) &&
             frames_consecutive(dst, count) && OK(st_revoke(ut));
        rounds++;
    }
    flood_stop_wait(f);
    st_info("%u retypes of %u frames: %lu us, %lu interrupts during them", rounds, count,
            st_ticks_to_us(spent), f->r[1]);
    CHECK(st.slow_kernel || f->r[1] >= 2 * rounds,
          "%lu interrupts during %u retypes of %u frames: they were not preempted", f->r[1], rounds,
          count);
}

// The kernel's own idle loop: with the EL0 idle thread suspended nothing is runnable while the
// root thread sleeps, so the timer interrupt arrives in the kernel's WFI loop and its signal must
// make the root thread run again (§8.8, §13.4, §13.6). Last in the suite: a kernel that loses
// this wake-up has nothing left to run, and the machine idles until the runner's timeout.
static void t_wake_from_kernel_idle(void)
{
    NEED_TIMER();
    NEED(CHECK(st.idle_tcb != 0, "no EL0 idle thread to suspend"));
    NEED(OK(keel_tcb_suspend(st.idle_tcb)));
    st_info("sleeping 5 ms with no thread runnable; if nothing follows, the kernel lost the "
            "wake-up signalled by an interrupt taken in its idle loop");
    uint64_t total = 0, worst = 0;
    for (int i = 0; i < 3; i++) {
        uint64_t deadline = st_cntpct() + st_ms_to_ticks(5);
        st_wait_until(0, deadline);
        uint64_t lat = st_cntpct() - deadline;
        total += lat;
        worst = lat > worst ? lat : worst;
    }
    OK(keel_tcb_resume(st.idle_tcb));
    st_info("woken from the kernel's idle loop %lu us after the deadline on average, %lu at worst",
            st_ticks_to_us(total / 3), st_ticks_to_us(worst));
    CHECK(st_ticks_to_us(worst) < 20000, "woken %lu us after the deadline", st_ticks_to_us(worst));
}

const struct st_test st_longop_tests[] = {
    {"flood_during_cnode_revoke", t_flood_during_cnode_revoke},
    {"flood_during_untyped_revoke_reset", t_flood_during_untyped_revoke_reset},
    {"flood_during_cache_maintenance", t_flood_during_cache_maintenance},
    {"flood_during_retype", t_flood_during_retype},
    {"wake_from_kernel_idle", t_wake_from_kernel_idle},
};
const unsigned st_longop_count = sizeof(st_longop_tests) / sizeof(st_longop_tests[0]);
