// SPDX-License-Identifier: BSD-2-Clause
// The harness's user-level timer: EL1 physical timer from EL0, IRQ 30 signalling the root thread.

// The root thread sleeps by programming CNTP_CVAL_EL0 and waiting on its notification st.rn,
// whose ST_BIT_TIMER badge the kernel signals when the timer interrupt (PPI INTID 30) fires. The
// kernel then keeps the interrupt masked until IRQHandler_Ack (§8.8), so every wait ends with
// the timer disarmed (its line low) and, if it fired, acknowledged: no wait ever leaves a stale
// timer bit or a masked interrupt behind.

#include "st.h"

static seL4_Word pending; // bits received but not yet asked for

uint64_t st_ms_to_ticks(uint64_t ms)
{
    return st.freq * ms / 1000;
}

uint64_t st_us_to_ticks(uint64_t us)
{
    return st.freq * us / 1000000;
}

uint64_t st_ticks_to_us(uint64_t ticks)
{
    return ticks * 1000000 / st.freq;
}

// Claims INTID 30 into the harness's slot and aims it at st.rn_timer.
static bool claim(void)
{
    seL4_Error e = keel_irq_control_get(seL4_CapIRQControl, ST_IRQ_PTIMER, ST_ROOT_CNODE,
                                        st.timer_irq, ST_DEPTH);
    if (e != seL4_NoError) {
        st_fail("IRQControl_Get(30) for the harness timer failed with error", e, 0);
        return false;
    }
    e = keel_irq_handler_set_notification(st.timer_irq, st.rn_timer);
    if (e != seL4_NoError) {
        st_fail("IRQHandler_SetNotification for the harness timer failed with error", e, 0);
        return false;
    }
    return true;
}

bool st_timer_init(void)
{
    st_ptimer_disarm();
    st.timer_irq = st_slot();
    if (!st.timer_irq || !claim()) {
        return false;
    }
    // Fire once 1 ms from now and poll for up to 500 ms: a kernel that never delivers the
    // interrupt must not leave the root thread blocked for ever.
    uint64_t now = st_cntpct();
    st_ptimer_arm(now + st_ms_to_ticks(1));
    uint64_t limit = now + st_ms_to_ticks(500);
    seL4_Word w = 0;
    while (!(w & ST_BIT_TIMER) && st_cntpct() < limit) {
        w |= keel_ipc_poll(st.rn);
    }
    st_ptimer_disarm();
    st.timer_ok = (w & ST_BIT_TIMER) != 0;
    keel_irq_handler_ack(st.timer_irq);
    pending = 0;
    return st.timer_ok;
}

void st_timer_release(void)
{
    st_ptimer_disarm();
    st_delete(st.timer_irq); // the slot stays the harness's; only the cap goes
}

bool st_timer_reclaim(void)
{
    if (keel_debug_cap_identify(st.timer_irq) == KEEL_CAP_IRQ_HANDLER) {
        return true;
    }
    st_delete(st.timer_irq);
    return claim();
}

void st_timer_restore(void)
{
    st_ptimer_disarm();
    if (!st_timer_reclaim()) {
        return;
    }
    keel_irq_handler_set_notification(st.timer_irq, st.rn_timer);
    keel_irq_handler_ack(st.timer_irq);
    keel_ipc_poll(st.rn);
    pending = 0;
}

seL4_Word st_wait_until(seL4_Word mask, uint64_t deadline)
{
    seL4_Word got = pending & mask;
    if (got || !st.timer_ok) {
        pending &= ~got;
        return got;
    }
    st_ptimer_arm(deadline);
    bool fired = false;
    while (!got && !fired) {
        seL4_Word w = keel_ipc_wait(st.rn);
        fired = (w & ST_BIT_TIMER) != 0;
        pending |= w & ~ST_BIT_TIMER;
        got = pending & mask;
    }
    st_ptimer_disarm();
    // The timer may have fired after the bit we wanted arrived: collect it now that the line is
    // low, so that the next wait does not take it for its own deadline.
    seL4_Word late = keel_ipc_poll(st.rn);
    fired |= (late & ST_BIT_TIMER) != 0;
    pending |= late & ~ST_BIT_TIMER;
    got = pending & mask;
    pending &= ~got;
    if (fired) {
        keel_irq_handler_ack(st.timer_irq);
    }
    return got;
}

seL4_Word st_wait_ms(seL4_Word mask, uint64_t ms)
{
    return st_wait_until(mask, st_cntpct() + st_ms_to_ticks(ms));
}

void st_sleep_ms(uint64_t ms)
{
    st_wait_ms(0, ms);
}

bool st_await(volatile seL4_Word *v, seL4_Word want, uint64_t ms)
{
    uint64_t limit = st_cntpct() + st_ms_to_ticks(ms);
    while (*v != want && st_cntpct() < limit) {
        st_sleep_ms(1);
    }
    return *v == want;
}

bool st_await_above(volatile seL4_Word *v, seL4_Word above, uint64_t ms)
{
    uint64_t limit = st_cntpct() + st_ms_to_ticks(ms);
    while (*v <= above && st_cntpct() < limit) {
        st_sleep_ms(1);
    }
    return *v > above;
}
