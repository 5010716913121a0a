// SPDX-License-Identifier: BSD-2-Clause
// Interrupt dispatch (kernel/object/irq.c): spurious and unclaimed interrupts (INV-IRQ-2).

#include <arch/machine.h>
#include <keel/delete.h>
#include <keel/invoke.h>
#include <keel/irq.h>
#include <keel/kernel.h>
#include <keel/notification.h>
#include <keel/sched.h>
#include <plat/platform.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

/* --- what irq.c calls: each fake records, so a test can say what happened -------------------- */

static struct {
    unsigned ack;                     /* what arch_irq_ack returns next */
    unsigned disabled[4], ndisabled;  /* arch_irq_disable calls */
    unsigned enabled, eoi[4], neoi;
    unsigned rearmed, ticks, signals, deletes;
} hw;

unsigned arch_irq_ack(void) { return hw.ack; }
void arch_irq_disable(unsigned intid) { hw.disabled[hw.ndisabled++ % 4] = intid; }
void arch_irq_enable(unsigned intid) { (void)intid; hw.enabled++; }
void arch_irq_eoi(unsigned intid) { hw.eoi[hw.neoi++ % 4] = intid; }
void arch_irq_set_trigger(unsigned intid, bool edge) { (void)intid; (void)edge; }
void arch_timer_rearm(void) { hw.rearmed++; }
void sched_tick(void) { hw.ticks++; }
void notification_signal(notification_t *n, uint64_t badge) { (void)n; (void)badge; hw.signals++; }
void cte_delete_one(cte_t *slot) { (void)slot; hw.deletes++; }
/* The invocation decoders are not exercised here (the IRQ suite does that in QEMU). */
uint64_t inv_arg(const invocation_t *inv, unsigned i) { (void)inv; (void)i; fail(); return 0; }

static int setup(void **state)
{
    (void)state;
    memset(&hw, 0, sizeof(hw));
    return 0;
}

/* Nothing but the counters moved: no tick, no signal, no slot touched, no line enabled. */
static void assert_nothing_else(void)
{
    assert_int_equal(hw.rearmed, 0);
    assert_int_equal(hw.ticks, 0);
    assert_int_equal(hw.signals, 0);
    assert_int_equal(hw.deletes, 0);
    assert_int_equal(hw.enabled, 0);
}

/* An acknowledge that reads the spurious ID is counted and ends there: no EOI is owed for it. */
static void test_spurious_counted(void **state)
{
    (void)state;
    uint64_t before = irq_spurious_count(), unclaimed = irq_unclaimed_count();
    hw.ack = ARCH_IRQ_NONE;
    irq_handle();
    assert_int_equal(irq_spurious_count(), before + 1);
    assert_int_equal(irq_unclaimed_count(), unclaimed);
    assert_int_equal(hw.ndisabled, 0);
    assert_int_equal(hw.neoi, 0);
    assert_nothing_else();
}

/* A line nobody holds a handler for is counted, masked so it cannot storm, and completed. */
static void test_unclaimed_line_masked(void **state)
{
    (void)state;
    uint64_t before = irq_unclaimed_count(), spurious = irq_spurious_count();
    hw.ack = 42;
    irq_handle();
    assert_int_equal(irq_unclaimed_count(), before + 1);
    assert_int_equal(irq_spurious_count(), spurious);
    assert_int_equal(hw.ndisabled, 1);
    assert_int_equal(hw.disabled[0], 42);
    assert_int_equal(hw.neoi, 1);
    assert_int_equal(hw.eoi[0], 42);
    assert_nothing_else();
}

/* An ID above the platform's last line (a GIC that reports more than the DTS says): the same,
 * and no table is indexed with it (ASan would report the read). */
static void test_out_of_range_id(void **state)
{
    (void)state;
    uint64_t before = irq_unclaimed_count();
    hw.ack = PLAT_MAX_IRQ + 1;
    irq_handle();
    hw.ack = 1019; /* the largest SPI ID GICv2 can report */
    irq_handle();
    assert_int_equal(irq_unclaimed_count(), before + 2);
    assert_int_equal(hw.ndisabled, 2);
    assert_int_equal(hw.disabled[0], PLAT_MAX_IRQ + 1);
    assert_int_equal(hw.disabled[1], 1019);
    assert_int_equal(hw.neoi, 2);
    assert_nothing_else();
}

/* The kernel's own timer line is neither spurious nor unclaimed: it ticks the scheduler. */
static void test_timer_not_counted(void **state)
{
    (void)state;
    irq_init();
    uint64_t unclaimed = irq_unclaimed_count(), spurious = irq_spurious_count();
    uint64_t ticks = kernel_ticks;
    hw.ack = PLAT_TIMER_IRQ;
    irq_handle();
    assert_int_equal(kernel_ticks, ticks + 1);
    assert_int_equal(hw.ticks, 1);
    assert_int_equal(hw.rearmed, 1);
    assert_int_equal(hw.ndisabled, 0);
    assert_int_equal(hw.neoi, 1);
    assert_int_equal(irq_unclaimed_count(), unclaimed);
    assert_int_equal(irq_spurious_count(), spurious);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_spurious_counted, setup),
        cmocka_unit_test_setup(test_unclaimed_line_masked, setup),
        cmocka_unit_test_setup(test_out_of_range_id, setup),
        cmocka_unit_test_setup(test_timer_not_counted, setup),
    };
    return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
