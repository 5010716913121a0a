// SPDX-License-Identifier: BSD-2-Clause
// Interrupt tests: IRQControl/IRQHandler errors, user-level timer and PL011 drivers, floods.

// ABI sheet §8.7 (IRQControl_Get/GetTrigger), §8.8 (IRQHandler Ack/SetNotification/Clear and
// delivery: the kernel signals the installed notification with its badge and masks the IRQ until
// Ack), §13.4/§13.5 (how the signal reaches waiters and bound threads), §13.14 (EL0 timer access)
// and §13.15 (long operations are preempted by interrupts).
//
// Tests that claim INTID 30 themselves release the harness's claim first (st_timer_release) and
// then wait by polling or by spinning: the harness puts its claim back after every test.

#include "schedtest.h"

#include <stdio.h>
#include <string.h>

#define IRQ_FREE 100 // an SPI nothing drives on either board

// --- Helpers -------------------------------------------------------------------------------------

// Polls notification n until it is active or `ms` pass; returns its word (0 on timeout).
static seL4_Word poll_for(seL4_CPtr n, uint64_t ms)
{
    uint64_t limit = st_cntpct() + st_ms_to_ticks(ms);
    seL4_Word w = 0;
    while (w == 0 && st_cntpct() < limit) {
        w = keel_ipc_poll(n);
    }
    return w;
}

// Spins until *flag reaches `want` or `ms` pass; true if it did.
bool st_spin_for(volatile seL4_Word *flag, seL4_Word want, uint64_t ms)
{
    uint64_t limit = st_cntpct() + st_ms_to_ticks(ms);
    while (*flag != want && st_cntpct() < limit) {
    }
    return *flag == want;
}

// Spins until the timer's condition is met (CNTP_CTL.ISTATUS: the line is asserted) or `ms`
// pass, then `settle_ms` more, in which an unmasked interrupt would certainly be taken. Without
// -icount QEMU updates ISTATUS only when its host-side timer has fired, which a loaded host may
// delay by milliseconds: the deadline alone does not say the line is up.
static bool wait_asserted(uint64_t ms, uint64_t settle_ms)
{
    uint64_t limit = st_cntpct() + st_ms_to_ticks(ms);
    while (!(st_cntp_ctl_read() & ST_CTL_ISTATUS) && st_cntpct() < limit) {
    }
    bool up = (st_cntp_ctl_read() & ST_CTL_ISTATUS) != 0;
    st_spin_until(st_cntpct() + st_ms_to_ticks(settle_ms));
    return up;
}

// Takes INTID 30 from the harness and claims it for the test: a handler cap in a new slot,
// targeting notification `ntfn_cap`. Returns the handler slot or 0.
seL4_CPtr st_claim_ptimer(seL4_CPtr ntfn_cap)
{
    st_timer_release();
    seL4_CPtr h = st_slot();
    if (!h) {
        return 0;
    }
    if (!OK(keel_irq_control_get(seL4_CapIRQControl, ST_IRQ_PTIMER, ST_ROOT_CNODE, h, ST_DEPTH))) {
        return 0;
    }
    if (ntfn_cap && !OK(keel_irq_handler_set_notification(h, ntfn_cap))) {
        return 0;
    }
    return h;
}

seL4_CPtr st_new_ntfn_badged(seL4_Word badge, seL4_CPtr *orig)
{
    seL4_CPtr n = st_new(seL4_NotificationObject, 0);
    if (!n) {
        return 0;
    }
    if (orig) {
        *orig = n;
    }
    return st_mint(n, KEEL_RIGHTS_ALL, badge);
}

// --- IRQControl_Get / GetTrigger errors ----------------------------------------------------------

static void t_get_range(void)
{
    NEED(CHECK(st.max_irq != 0, "unknown platform: no maximum IRQ to test against"));
    seL4_CPtr h = st_slot();
    NEED(h);
    const seL4_CPtr ctl = seL4_CapIRQControl;
    ERR_RANGE(keel_irq_control_get(ctl, st.max_irq + 1, ST_ROOT_CNODE, h, ST_DEPTH), 0, st.max_irq);
    ERR_RANGE(keel_irq_control_get(ctl, ~0UL, ST_ROOT_CNODE, h, ST_DEPTH), 0, st.max_irq);
    ERR_RANGE(keel_irq_control_get(ctl, 1UL << 32, ST_ROOT_CNODE, h, ST_DEPTH), 0, st.max_irq);
    ERR_RANGE(keel_irq_control_get_trigger(ctl, st.max_irq + 1, 0, ST_ROOT_CNODE, h, ST_DEPTH), 0,
              st.max_irq);
    // The range comes first: a bad destination does not change the answer.
    ERR_RANGE(keel_irq_control_get(ctl, st.max_irq + 1, st.rn, h, 0), 0, st.max_irq);
    EQ("destination after the refusals", keel_debug_cap_identify(h), KEEL_CAP_NULL);
    // The largest INTID itself is accepted.
    OK(keel_irq_control_get(ctl, st.max_irq, ST_ROOT_CNODE, h, ST_DEPTH));
    EQ("cap type of the new handler", keel_debug_cap_identify(h), KEEL_CAP_IRQ_HANDLER);
}

static void t_get_kernel_timer(void)
{
    seL4_CPtr h = st_slot();
    NEED(h);
    const seL4_CPtr ctl = seL4_CapIRQControl;
    ERR0(keel_irq_control_get(ctl, ST_IRQ_KERNEL_TIMER, ST_ROOT_CNODE, h, ST_DEPTH),
         seL4_RevokeFirst);
    ERR0(keel_irq_control_get_trigger(ctl, ST_IRQ_KERNEL_TIMER, 0, ST_ROOT_CNODE, h, ST_DEPTH),
         seL4_RevokeFirst);
    EQ("destination after the refusals", keel_debug_cap_identify(h), KEEL_CAP_NULL);
    if (st.timer_ok) {
        // The kernel tick still runs: two busy-free sleeps of 3 ms end on time.
        uint64_t t0 = st_cntpct();
        st_sleep_ms(3);
        CHECK(st_cntpct() - t0 < st_ms_to_ticks(50), "a 3 ms sleep took %lu us",
              st_ticks_to_us(st_cntpct() - t0));
    }
}

static void t_get_twice(void)
{
    seL4_CPtr h1 = st_slot(), h2 = st_slot(), h3 = st_slot();
    NEED(h1 && h2 && h3);
    const seL4_CPtr ctl = seL4_CapIRQControl;
    NEED(OK(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, h1, ST_DEPTH)));
    ERR0(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, h2, ST_DEPTH), seL4_RevokeFirst);
    ERR0(keel_irq_control_get_trigger(ctl, IRQ_FREE, 0, ST_ROOT_CNODE, h2, ST_DEPTH),
         seL4_RevokeFirst);
    EQ("second destination", keel_debug_cap_identify(h2), KEEL_CAP_NULL);
    // The harness holds INTID 30.
    ERR0(keel_irq_control_get(ctl, ST_IRQ_PTIMER, ST_ROOT_CNODE, h2, ST_DEPTH), seL4_RevokeFirst);
    // A copy keeps the IRQ claimed after the original goes; the last one frees it.
    NEED(OK(keel_cnode_copy(ST_ROOT_CNODE, h3, ST_DEPTH, ST_ROOT_CNODE, h1, ST_DEPTH,
                            KEEL_RIGHTS_ALL)));
    OK(st_delete(h1));
    ERR0(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, h2, ST_DEPTH), seL4_RevokeFirst);
    OK(st_delete(h3));
    OK(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, h2, ST_DEPTH));
}

static void t_get_dest_errors(void)
{
    seL4_CPtr h = st_slot();
    NEED(h);
    const seL4_CPtr ctl = seL4_CapIRQControl;
    ERR0(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, st.rn, ST_DEPTH), seL4_DeleteFirst);
    ERR_RANGE(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, h, 0), 1, 64);
    ERR_RANGE(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, h, 65), 1, 64);
    ERR_RANGE(keel_irq_control_get_trigger(ctl, IRQ_FREE, 0, ST_ROOT_CNODE, h, 65), 1, 64);
    seL4_Error e = keel_irq_control_get(ctl, IRQ_FREE, st.rn, h, ST_DEPTH);
    if (ERR0(e, seL4_FailedLookup)) {
        EQ("FailedLookup MR0 (destination, not a source)", keel_mr(0), 0);
        EQ("lookup failure type", keel_mr(1), seL4_InvalidRoot);
    }
    const seL4_Word args[4] = {IRQ_FREE, h, ST_DEPTH, ST_DEPTH};
    const seL4_CPtr root[1] = {ST_ROOT_CNODE};
    ERR0(st_invoke_raw(ctl, KEEL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, 0, args, NULL),
         seL4_TruncatedMessage);
    ERR0(st_invoke_raw(ctl, KEEL_INV_IRQ_ISSUE_IRQ_HANDLER, 2, 1, args, root),
         seL4_TruncatedMessage);
    ERR0(st_invoke_raw(ctl, KEEL_INV_ARM_IRQ_ISSUE_IRQ_HANDLER_TRIGGER, 3, 1, args, root),
         seL4_TruncatedMessage);
    ERR0(st_invoke_raw(ctl, KEEL_INV_IRQ_ACK, 3, 1, args, root), seL4_IllegalOperation);
    EQ("destination after the refusals", keel_debug_cap_identify(h), KEEL_CAP_NULL);
    // None of the refused calls claimed the IRQ.
    OK(keel_irq_control_get(ctl, IRQ_FREE, ST_ROOT_CNODE, h, ST_DEPTH));
}

static void t_get_trigger(void)
{
    seL4_CPtr h = st_slot();
    NEED(h);
    const seL4_CPtr ctl = seL4_CapIRQControl;
    NEED(OK(keel_irq_control_get_trigger(ctl, IRQ_FREE, 1, ST_ROOT_CNODE, h, ST_DEPTH)));
    EQ("cap type", keel_debug_cap_identify(h), KEEL_CAP_IRQ_HANDLER);
    ERR0(keel_irq_control_get_trigger(ctl, IRQ_FREE, 0, ST_ROOT_CNODE, st_slot(), ST_DEPTH),
         seL4_RevokeFirst);
    OK(st_delete(h));
    OK(keel_irq_control_get_trigger(ctl, IRQ_FREE, 0, ST_ROOT_CNODE, h, ST_DEPTH));
}

// --- IRQHandler methods --------------------------------------------------------------------------

static void t_set_notification_errors(void)
{
    seL4_CPtr h = st_slot();
    seL4_CPtr ep = st_new(seL4_EndpointObject, 0);
    seL4_CPtr tcb = st_new(seL4_TCBObject, 0);
    seL4_CPtr ro = st_mint(st.rn, KEEL_RIGHT_READ, 0);
    NEED(h && ep && tcb && ro);
    NEED(OK(keel_irq_control_get(seL4_CapIRQControl, IRQ_FREE, ST_ROOT_CNODE, h, ST_DEPTH)));
    ERR1(keel_irq_handler_set_notification(h, ep), seL4_InvalidCapability, 0);
    ERR1(keel_irq_handler_set_notification(h, tcb), seL4_InvalidCapability, 0);
    ERR1(keel_irq_handler_set_notification(h, ST_ROOT_CNODE), seL4_InvalidCapability, 0);
    ERR1(keel_irq_handler_set_notification(h, ro), seL4_InvalidCapability, 0);
    ERR0(st_invoke_raw(h, KEEL_INV_IRQ_SET_HANDLER, 0, 0, NULL, NULL), seL4_TruncatedMessage);
    ERR0(st_invoke_raw(h, KEEL_INV_IRQ_ISSUE_IRQ_HANDLER, 0, 0, NULL, NULL), seL4_IllegalOperation);
    ERR0(st_invoke_raw(h, KEEL_INV_DOMAIN_SET, 0, 0, NULL, NULL), seL4_IllegalOperation);
    OK(keel_irq_handler_set_notification(h, st.rn_aux));
    OK(keel_irq_handler_set_notification(h, st.rn_aux)); // replaces the previous target
    OK(keel_irq_handler_clear(h));
    OK(keel_irq_handler_clear(h)); // nothing installed: still fine
    OK(keel_irq_handler_ack(h));
}

// The user-level timer driver: program CNTP from EL0, a thread above the root waits, the
// interrupt wakes it with the handler's badge.
static void timer_waiter(st_thread_t *self)
{
    self->stage = 1;
    self->r[0] = keel_ipc_wait(self->a[0]);
    self->r[1] = st_cntpct();
    self->r[2] = st_cntp_ctl_read();
    self->stage = 2;
}

static void t_user_timer_signal(void)
{
    seL4_CPtr n;
    seL4_CPtr nb = st_new_ntfn_badged(0x30, &n);
    seL4_CPtr n100 = nb ? st_mint(n, KEEL_RIGHTS_ALL, 0x100) : 0;
    st_thread_t *w = st_thread_new(timer_waiter, 250, 1, "st-timer-waiter");
    NEED(nb && n100 && w);
    seL4_CPtr h = st_claim_ptimer(nb);
    NEED(h);
    w->a[0] = n;
    NEED(st_thread_start(w)); // runs at once (250 > 200) and blocks
    NEED(CHECK(w->stage == 1, "the waiter is not blocked (stage %lu)", w->stage));
    uint64_t deadline = st_cntpct() + st_ms_to_ticks(2);
    st_ptimer_arm(deadline);
    bool woke = st_spin_for(&w->stage, 2, 500);
    st_ptimer_disarm();
    NEED(CHECK(woke, "the timer interrupt did not wake the waiter within 500 ms"));
    EQ("badge delivered", w->r[0], 0x30);
    CHECK(w->r[1] >= deadline, "woken at %lu, before the deadline %lu", w->r[1], deadline);
    CHECK(w->r[2] & ST_CTL_ISTATUS, "CNTP_CTL.ISTATUS clear at wake-up (0x%lx)", w->r[2]);
    st_info("user timer: waiter woken %lu us after the deadline",
            st_ticks_to_us(w->r[1] - deadline));
    // A delivery into an active notification ORs the badge in (§13.4).
    OK(keel_irq_handler_ack(h));
    deadline = st_cntpct() + st_ms_to_ticks(1);
    st_ptimer_arm(deadline);
    keel_ipc_signal(n100);
    CHECK(wait_asserted(500, 5), "the timer line did not rise within 500 ms");
    st_ptimer_disarm();
    EQ("word after a signal and an interrupt", keel_ipc_poll(n), 0x130);
    OK(keel_irq_handler_ack(h));
}

// The interrupt stays masked from its delivery to the Ack: a second expiry signals nothing until
// then, and the Ack lets the still-asserted line through at once.
static void t_masked_until_ack(void)
{
    seL4_CPtr n;
    seL4_CPtr nb = st_new_ntfn_badged(0x30, &n);
    NEED(nb);
    seL4_CPtr h = st_claim_ptimer(nb);
    NEED(h);
    st_ptimer_arm(st_cntpct() + st_ms_to_ticks(1));
    NEED(EQ("first delivery", poll_for(n, 200), 0x30));
    for (int round = 0; round < 2; round++) {
        // Expire again without an Ack: the line drops when CVAL moves ahead, then rises again.
        uint64_t again = st_cntpct() + st_ms_to_ticks(1);
        st_ptimer_arm(again);
        CHECK(wait_asserted(500, 5), "round %d: the timer line did not rise within 500 ms", round);
        EQ("word before the Ack (the IRQ must be masked)", keel_ipc_poll(n), 0);
        OK(keel_irq_handler_ack(h));
        EQ("delivery right after the Ack", poll_for(n, 100), 0x30);
        // Round 1 checks that the delivery after an Ack masks the IRQ again.
    }
    st_ptimer_disarm();
    OK(keel_irq_handler_ack(h));
    EQ("word with the timer off", poll_for(n, 5), 0);
}

// Deleting the IRQHandler cap deactivates and masks the IRQ: an expiry then signals nothing;
// claiming it again works, and after Ack the pending expiry is delivered.
static void t_handler_delete(void)
{
    seL4_CPtr n;
    seL4_CPtr nb = st_new_ntfn_badged(0x30, &n);
    NEED(nb);
    seL4_CPtr h = st_claim_ptimer(nb);
    NEED(h);
    OK(keel_irq_handler_ack(h));
    NEED(OK(st_delete(h)));
    st_ptimer_arm(st_cntpct() + st_ms_to_ticks(1));
    CHECK(wait_asserted(500, 5), "the timer line did not rise within 500 ms");
    EQ("word after an expiry with the handler deleted", keel_ipc_poll(n), 0);
    keel_yield();
    NEED(OK(keel_irq_control_get(seL4_CapIRQControl, ST_IRQ_PTIMER, ST_ROOT_CNODE, h, ST_DEPTH)));
    // The claim unmasks the line while no notification is installed: the kernel takes the
    // interrupt, has nobody to signal and masks it again (§8.8).
    OK(keel_irq_handler_set_notification(h, nb));
    st_spin_until(st_cntpct() + st_ms_to_ticks(5));
    EQ("word before the Ack (an undelivered IRQ stays masked)", keel_ipc_poll(n), 0);
    OK(keel_irq_handler_ack(h));
    EQ("delivery after the new claim and Ack", poll_for(n, 100), 0x30);
    st_ptimer_disarm();
}

// An interrupt with no notification installed is masked, not fatal: the device keeps asserting
// the line, Clear takes the target away, every Ack lets one interrupt through and the system goes
// on; SetNotification brings the signals back.
static void t_clear_while_asserting(void)
{
    seL4_CPtr n;
    seL4_CPtr nb = st_new_ntfn_badged(0x30, &n);
    NEED(nb);
    seL4_CPtr h = st_claim_ptimer(nb);
    NEED(h);
    st_ptimer_arm(st_cntpct());
    NEED(EQ("delivery", poll_for(n, 100), 0x30));
    OK(keel_irq_handler_clear(h));
    uint64_t t0 = st_cntpct();
    for (int i = 0; i < 50; i++) {
        OK(keel_irq_handler_ack(h));
        keel_yield();
    }
    uint64_t us = st_ticks_to_us(st_cntpct() - t0);
    EQ("word after 50 undeliverable interrupts", keel_ipc_poll(n), 0);
    CHECK(us < 1000000, "50 Ack/Yield rounds with an asserting line took %lu us", us);
    OK(keel_irq_handler_set_notification(h, nb));
    OK(keel_irq_handler_ack(h));
    EQ("delivery once a notification is back", poll_for(n, 100), 0x30);
    st_ptimer_disarm();
    OK(keel_irq_handler_ack(h));
}

// §13.5: the interrupt signals a notification bound to a thread blocked in Recv on an endpoint;
// the thread wakes from the Recv with the badge in x0.
static void bound_receiver(st_thread_t *self)
{
    keel_ipc_regs_t r = {self->a[0], 0, {0, 0, 0, 0}};
    self->stage = 1;
    keel_ipc_syscall(seL4_SysRecv, &r);
    self->r[0] = r.x0;
    self->stage = 2;
}

static void t_bound_notification_wakes_receiver(void)
{
    seL4_CPtr n;
    seL4_CPtr nb = st_new_ntfn_badged(0x40, &n);
    seL4_CPtr ep = st_new(seL4_EndpointObject, 0);
    st_thread_t *w = st_thread_new(bound_receiver, 250, 1, "st-bound");
    NEED(nb && ep && w);
    NEED(OK(keel_tcb_bind_notification(w->tcb, n)));
    seL4_CPtr h = st_claim_ptimer(nb);
    NEED(h);
    w->a[0] = ep;
    NEED(st_thread_start(w));
    NEED(CHECK(w->stage == 1, "the receiver is not blocked (stage %lu)", w->stage));
    st_ptimer_arm(st_cntpct() + st_ms_to_ticks(2));
    bool woke = st_spin_for(&w->stage, 2, 500);
    st_ptimer_disarm();
    NEED(CHECK(woke, "the interrupt did not wake the bound receiver within 500 ms"));
    EQ("x0 of the woken Recv", w->r[0], 0x40);
    OK(keel_irq_handler_ack(h));
}

// --- A user-level PL011 receive driver -----------------------------------------------------------

#define UART_VA    0x20000000UL
#define UART_DR    0x000
#define UART_FR    0x018
#define UART_IMSC  0x038
#define UART_MIS   0x040
#define UART_ICR   0x044
#define FR_RXFE    (1u << 4)
#define INT_RX     (1u << 4)
#define INT_RT     (1u << 6)
#define INPUT_WAIT 15000 // ms

static inline uint32_t uart_rd(unsigned off)
{
    return *(volatile uint32_t *)(UART_VA + off);
}

static inline void uart_wr(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(UART_VA + off) = v;
}

static void t_uart_rx(void)
{
    NEED_TIMER();
    NEED(CHECK(st.uart_paddr != 0, "unknown platform: no UART address"));
    seL4_CPtr frame = st_map_device_page(st.uart_paddr, UART_VA);
    seL4_CPtr h = st_slot();
    NEED(frame && h);
    NEED(OK(keel_irq_control_get(seL4_CapIRQControl, st.uart_irq, ST_ROOT_CNODE, h, ST_DEPTH)));
    NEED(OK(keel_irq_handler_set_notification(h, st.rn_uart)));
    uint32_t old_imsc = uart_rd(UART_IMSC);
    for (int i = 0; i < 64 && !(uart_rd(UART_FR) & FR_RXFE); i++) {
        (void)uart_rd(UART_DR); // whatever was typed before the prompt
    }
    uart_wr(UART_ICR, 0x7ff);
    uart_wr(UART_IMSC, old_imsc | INT_RX | INT_RT);
    OK(keel_irq_handler_ack(h));
    printf("IRQ-INPUT-READY\n");
    char line[32];
    unsigned len = 0, irqs = 0;
    bool done = false;
    uint64_t limit = st_cntpct() + st_ms_to_ticks(INPUT_WAIT);
    while (!done && st_wait_until(ST_BIT_UART, limit)) {
        irqs++;
        while (!(uart_rd(UART_FR) & FR_RXFE)) {
            char c = (char)(uart_rd(UART_DR) & 0xff);
            if (c == '\n' || c == '\r') {
                done = true;
                break;
            }
            if (len < sizeof(line) - 1) {
                line[len++] = c;
            }
        }
        uart_wr(UART_ICR, INT_RX | INT_RT);
        OK(keel_irq_handler_ack(h));
    }
    line[len] = '\0';
    uart_wr(UART_IMSC, old_imsc);
    st_delete(h);
    st_info("UART: read \"%s\" with %u interrupt(s)", line, irqs);
    CHECK(done,
          "no complete line within %u s (did the harness type \"keel\\n\" after the "
          "prompt?)",
          INPUT_WAIT / 1000);
    CHECK(strcmp(line, "keel") == 0, "read \"%s\", expected \"keel\"", line);
    CHECK(irqs >= 1, "no receive interrupt");
}

const struct st_test st_irq_tests[] = {
    {"control_get_range", t_get_range},
    {"control_get_kernel_timer", t_get_kernel_timer},
    {"control_get_twice", t_get_twice},
    {"control_get_dest_errors", t_get_dest_errors},
    {"control_get_trigger", t_get_trigger},
    {"handler_set_notification_errors", t_set_notification_errors},
    {"user_timer_signal", t_user_timer_signal},
    {"masked_until_ack", t_masked_until_ack},
    {"handler_delete_masks", t_handler_delete},
    {"clear_while_asserting", t_clear_while_asserting},
    {"bound_notification_wakes_recv", t_bound_notification_wakes_receiver},
    {"uart_rx_driver", t_uart_rx},
};
const unsigned st_irq_count = sizeof(st_irq_tests) / sizeof(st_irq_tests[0]);
