// SPDX-License-Identifier: BSD-2-Clause
// System-call conventions (§2, §6.2) and the IRQControl/IRQHandler methods (§8.7, §8.8).

#include "captest.h"

#define ALL KEEL_RIGHTS_ALL

// An SPI no device of either board raises and the kernel does not use, and a second one.
#define FREE_IRQ  120
#define FREE_IRQ2 121
#define TIMER_IRQ 27

static seL4_Word tag_word(seL4_Word label, seL4_Word caps, seL4_Word len)
{
    return seL4_MessageInfo_new(label, 0, caps, len).words[0];
}

// §2.1/§2.2/§2.3: a Call to a kernel object writes x0..x5 as documented and nothing else.
static void t_registers_preserved(void)
{
    seL4_CPtr ep, dst = slot_alloc();
    NEW(ep, seL4_EndpointObject, 0);
    // A successful Move (4 words, the source root in the IPC buffer): x0 = 0, x1 = 0 and x2..x5
    // untouched (reply length 0).
    struct svc_frame f = {
        .in = {ROOT, tag_word(KEEL_INV_CNODE_MOVE, 1, 4), dst, D64, ep, D64, 0, (seL4_Word)-1},
        .nzcv_in = 0x90000000};
    keel_ipc_buffer()->caps_or_badges[0] = ROOT;
    seL4_Word changed = captest_svc_check(&f);
    CHECK(changed == 0, "a successful Call changed registers: mask 0x%lx", changed);
    CHECK_EQ(f.out[0], 0);
    CHECK_EQ(f.out[1], 0);
    CHECK_EQ(f.out[2], dst);
    CHECK_EQ(f.out[3], D64);
    CHECK_EQ(f.out[4], ep);
    CHECK_EQ(f.out[5], D64);
    CHECK_EQ(f.nzcv_out, f.nzcv_in);
    CHECK_EQ(f.sp_out, f.sp_in);
    CHECK_TAG(dst, KEEL_CAP_ENDPOINT);
    // A failing Call (RangeError, 2 MRs): x2, x3 written, x4, x5 keep the arguments.
    struct svc_frame g = {.in = {ROOT, tag_word(KEEL_INV_CNODE_DELETE, 0, 2), dst, 0, 0x44, 0x55,
                                 0x66, (seL4_Word)-1},
                          .nzcv_in = 0x60000000};
    changed = captest_svc_check(&g);
    CHECK(changed == 0, "a failing Call changed registers: mask 0x%lx", changed);
    CHECK_EQ(g.out[0], 0);
    CHECK_EQ(g.out[1], tag_word(seL4_RangeError, 0, 2));
    CHECK_EQ(g.out[2], 1);
    CHECK_EQ(g.out[3], 64);
    CHECK_EQ(g.out[4], 0x44);
    CHECK_EQ(g.out[5], 0x55);
    CHECK_EQ(g.nzcv_out, g.nzcv_in);
    // DebugCapIdentify writes x0 only.
    struct svc_frame h = {
        .in = {dst, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, (seL4_Word)(long)seL4_SysDebugCapIdentify},
        .nzcv_in = 0xF0000000};
    changed = captest_svc_check(&h);
    CHECK(changed == 0, "DebugCapIdentify changed registers: mask 0x%lx", changed);
    CHECK_EQ(h.out[0], KEEL_CAP_ENDPOINT);
    CHECK_EQ(h.out[1], 0x11);
    CHECK_EQ(h.out[5], 0x55);
    CHECK_EQ(h.nzcv_out, h.nzcv_in);
    // Yield writes nothing.
    struct svc_frame y = {.in = {1, 2, 3, 4, 5, 6, 7, (seL4_Word)(long)seL4_SysYield},
                          .nzcv_in = 0x20000000};
    changed = captest_svc_check(&y);
    CHECK(changed == 0, "Yield changed registers: mask 0x%lx", changed);
    for (unsigned i = 0; i < 6; i++) {
        CHECK(y.out[i] == y.in[i], "Yield changed x%u: 0x%lx -> 0x%lx", i, y.in[i], y.out[i]);
    }
    CHECK_EQ(y.nzcv_out, y.nzcv_in);
}

// §8.4 SetTLSBase on the calling thread: TPIDR_EL0 has the new value when the Call returns, and
// nothing else changes.
static void t_set_tls_base_self(void)
{
    const seL4_Word value = 0x5E1F7150UL;
    struct svc_frame f = {.in = {seL4_CapInitThreadTCB, tag_word(KEEL_INV_TCB_SET_TLS_BASE, 0, 1),
                                 value, 0x33, 0x44, 0x55, 0, (seL4_Word)-1}};
    seL4_Word changed = captest_svc_check(&f);
    CHECK(changed == 1UL << 31, "SetTLSBase(self) changed registers: mask 0x%lx, expected 0x%lx",
          changed, 1UL << 31);
    CHECK_EQ(f.tpidr_out, value);
    CHECK_EQ(f.out[0], 0);
    CHECK_EQ(f.out[1], 0);
    CHECK_EQ(f.out[2], value);
}

// §8.2/§13.3: a Call on an empty slot is InvalidCapability(0); so is one on an endpoint cap
// without Write (no IPC is attempted).
static void t_invoke_null_and_no_write(void)
{
    seL4_CPtr empty = slot_alloc(), ep, ro = slot_alloc();
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_Word mr[] = {1, 2, 3, 4};
    seL4_MessageInfo_t r = keel_invoke(empty, KEEL_INV_CNODE_DELETE, 2, 0, mr, NULL);
    CHECK_ERR(seL4_MessageInfo_get_label(r), seL4_InvalidCapability, 0);
    r = keel_invoke(0, 1, 0, 0, NULL, NULL);
    CHECK_ERR(seL4_MessageInfo_get_label(r), seL4_InvalidCapability, 0);
    CHECK_OK(root_mint(ro, ep, KEEL_RIGHTS_ALL & ~KEEL_RIGHT_WRITE, 0));
    // Make sure Write really is gone before invoking: with Write this Call would be an IPC send,
    // which this kernel does not have yet (it would stop the test program).
    CHECK_ERR0(keel_cnode_cancel_badged_sends(ROOT, ro, D64), seL4_IllegalOperation);
    r = keel_invoke(ro, 5, 4, 0, mr, NULL);
    CHECK_ERR(seL4_MessageInfo_get_label(r), seL4_InvalidCapability, 0);
}

// §13.3: methods of objects whose invocations this configuration does not have.
static void t_other_caps_illegal(void)
{
    const seL4_CPtr caps[] = {seL4_CapASIDControl, seL4_CapInitThreadASIDPool, seL4_CapDomain,
                              seL4_CapIRQControl, seL4_CapBootInfoFrame};
    const seL4_Word mr[] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (unsigned i = 0; i < ARRAY_LEN(caps); i++) {
        seL4_MessageInfo_t r = keel_invoke(caps[i], KEEL_INV_CNODE_COPY, 8, 0, mr, NULL);
        CHECK(seL4_MessageInfo_get_label(r) == seL4_IllegalOperation,
              "CNode_Copy label on slot %lu: %s, expected IllegalOperation", caps[i],
              keel_error_name(seL4_MessageInfo_get_label(r)));
    }
    // SMC label 34 without an SMC cap (§8.17).
    seL4_MessageInfo_t r = keel_invoke(seL4_CapInitThreadTCB, 34, 8, 0, mr, NULL);
    CHECK_ERR0(seL4_MessageInfo_get_label(r), seL4_IllegalOperation);
}

static void t_irq_control_get(void)
{
    seL4_CPtr h = slot_alloc(), h2 = slot_alloc(), full = slot_alloc();
    const seL4_CPtr ctl = seL4_CapIRQControl;
    CHECK_OK(root_copy(full, ROOT, ALL));
    CHECK_OK(keel_irq_control_get(ctl, FREE_IRQ, ROOT, h, D64));
    CHECK_EQ(keel_reply_info().words[0], 0);
    CHECK_TAG(h, KEEL_CAP_IRQ_HANDLER);
    // Already issued; the kernel's timer.
    CHECK_ERR0(keel_irq_control_get(ctl, FREE_IRQ, ROOT, h2, D64), seL4_RevokeFirst);
    CHECK_ERR0(keel_irq_control_get(ctl, TIMER_IRQ, ROOT, h2, D64), seL4_RevokeFirst);
    // Range, before the destination is looked at.
    if (env.max_irq) {
        CHECK_ERR(keel_irq_control_get(ctl, env.max_irq + 1, ROOT, full, 0), seL4_RangeError, 0,
                  env.max_irq);
        CHECK_ERR(keel_irq_control_get(ctl, ~0UL, ROOT, h2, D64), seL4_RangeError, 0, env.max_irq);
    } else {
        CHECK_EQ(keel_irq_control_get(ctl, ~0UL, ROOT, h2, D64), seL4_RangeError);
    }
    // The highest IRQ number is allowed.
    if (env.max_irq) {
        CHECK_OK(keel_irq_control_get(ctl, env.max_irq, ROOT, h2, D64));
        CHECK_TAG(h2, KEEL_CAP_IRQ_HANDLER);
        CHECK_OK(root_delete(h2));
    }
    // Destination: depth, lookup, occupied.
    CHECK_ERR(keel_irq_control_get(ctl, FREE_IRQ2, ROOT, h2, 0), seL4_RangeError, 1, 64);
    CHECK_ERR(keel_irq_control_get(ctl, FREE_IRQ2, ROOT, ROOT_SLOTS, D64), seL4_FailedLookup,
              FL_GUARD(0, 64, 0, ROOT_GUARD));
    CHECK_ERR0(keel_irq_control_get(ctl, FREE_IRQ2, ROOT, full, D64), seL4_DeleteFirst);
    // Truncated.
    const seL4_Word mr[] = {FREE_IRQ2, h2, D64};
    const seL4_CPtr caps[] = {ROOT};
    CHECK_ERR0(seL4_MessageInfo_get_label(
                   keel_invoke(ctl, KEEL_INV_IRQ_ISSUE_IRQ_HANDLER, 2, 1, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(
                   keel_invoke(ctl, KEEL_INV_IRQ_ISSUE_IRQ_HANDLER, 3, 0, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_TAG(h2, KEEL_CAP_NULL);
    // A copy of the handler cap is not a second issue; deleting the last one frees the IRQ.
    CHECK_OK(root_copy(h2, h, ALL));
    CHECK_TAG(h2, KEEL_CAP_IRQ_HANDLER);
    CHECK_OK(root_delete(h));
    CHECK_ERR0(keel_irq_control_get(ctl, FREE_IRQ, ROOT, h, D64), seL4_RevokeFirst);
    CHECK_OK(root_delete(h2));
    CHECK_OK(keel_irq_control_get(ctl, FREE_IRQ, ROOT, h, D64));
    // Other labels on IRQControl.
    const seL4_Word labels[] = {0, 1, 16, 26, 27, 28, 47};
    for (unsigned i = 0; i < ARRAY_LEN(labels); i++) {
        seL4_MessageInfo_t r = keel_invoke(ctl, labels[i], 3, 1, mr, caps);
        CHECK(seL4_MessageInfo_get_label(r) == seL4_IllegalOperation,
              "label %lu on IRQControl: %s, expected IllegalOperation", labels[i],
              keel_error_name(seL4_MessageInfo_get_label(r)));
    }
}

static void t_irq_control_get_trigger(void)
{
    seL4_CPtr h = slot_alloc(), h2 = slot_alloc();
    const seL4_CPtr ctl = seL4_CapIRQControl;
    CHECK_OK(keel_irq_control_get_trigger(ctl, FREE_IRQ, 1, ROOT, h, D64));
    CHECK_TAG(h, KEEL_CAP_IRQ_HANDLER);
    CHECK_ERR0(keel_irq_control_get_trigger(ctl, FREE_IRQ, 0, ROOT, h2, D64), seL4_RevokeFirst);
    CHECK_ERR0(keel_irq_control_get_trigger(ctl, TIMER_IRQ, 0, ROOT, h2, D64), seL4_RevokeFirst);
    if (env.max_irq) {
        CHECK_ERR(keel_irq_control_get_trigger(ctl, env.max_irq + 1, 0, ROOT, h2, D64),
                  seL4_RangeError, 0, env.max_irq);
    }
    CHECK_ERR(keel_irq_control_get_trigger(ctl, FREE_IRQ2, 0, ROOT, h2, 65), seL4_RangeError, 1,
              64);
    const seL4_Word mr[] = {FREE_IRQ2, 0, h2, D64};
    const seL4_CPtr caps[] = {ROOT};
    CHECK_ERR0(seL4_MessageInfo_get_label(
                   keel_invoke(ctl, KEEL_INV_ARM_IRQ_ISSUE_IRQ_HANDLER_TRIGGER, 3, 1, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(
                   keel_invoke(ctl, KEEL_INV_ARM_IRQ_ISSUE_IRQ_HANDLER_TRIGGER, 4, 0, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_OK(keel_irq_control_get_trigger(ctl, FREE_IRQ2, 0, ROOT, h2, D64));
    CHECK_TAG(h2, KEEL_CAP_IRQ_HANDLER);
}

static void t_irq_handler_methods(void)
{
    seL4_CPtr h = slot_alloc(), nt, ep, ro = slot_alloc(), badged = slot_alloc();
    NEW(nt, seL4_NotificationObject, 0);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_OK(keel_irq_control_get(seL4_CapIRQControl, FREE_IRQ, ROOT, h, D64));
    CHECK_OK(keel_irq_handler_ack(h));
    CHECK_OK(keel_irq_handler_clear(h)); // nothing installed yet
    CHECK_OK(keel_irq_handler_set_notification(h, nt));
    CHECK_OK(root_mint(badged, nt, ALL, 0x40));
    CHECK_OK(keel_irq_handler_set_notification(h, badged)); // replaces the first one
    CHECK_ERR(keel_irq_handler_set_notification(h, ep), seL4_InvalidCapability, 0);
    CHECK_ERR(keel_irq_handler_set_notification(h, ROOT), seL4_InvalidCapability, 0);
    CHECK_OK(root_mint(ro, nt, KEEL_RIGHT_READ, 0));
    CHECK_ERR(keel_irq_handler_set_notification(h, ro), seL4_InvalidCapability, 0);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(h, KEEL_INV_IRQ_SET_HANDLER, 0, 0, NULL, NULL)),
        seL4_TruncatedMessage);
    CHECK_OK(keel_irq_handler_clear(h));
    CHECK_OK(keel_irq_handler_clear(h));
    CHECK_OK(keel_irq_handler_ack(h));
    // The installed notification is a copy: deleting the handler leaves ours alone.
    CHECK_OK(keel_irq_handler_set_notification(h, nt));
    CHECK_OK(root_delete(h));
    CHECK_TAG(nt, KEEL_CAP_NOTIFICATION);
    CHECK_OK(keel_irq_control_get(seL4_CapIRQControl, FREE_IRQ, ROOT, h, D64));
    const seL4_Word labels[] = {0, 1, 25, 29, 46};
    for (unsigned i = 0; i < ARRAY_LEN(labels); i++) {
        seL4_MessageInfo_t r = keel_invoke(h, labels[i], 0, 0, NULL, NULL);
        CHECK(seL4_MessageInfo_get_label(r) == seL4_IllegalOperation,
              "label %lu on an IRQHandler: %s, expected IllegalOperation", labels[i],
              keel_error_name(seL4_MessageInfo_get_label(r)));
    }
}

// §8.8: the notification an IRQHandler signals is a kernel-held copy, a CDT child of the cap
// given to SetNotification. It keeps the notification's untyped from being reset until the
// handler lets go of it, and Revoke of that untyped removes it.
static void t_irq_notification_in_cdt(void)
{
    seL4_CPtr u, nt = slot_alloc(), h = slot_alloc(), tmp = slot_alloc();
    NEW_UT(u, 12);
    CHECK_OK(root_retype(u, seL4_NotificationObject, 0, nt, 1));
    CHECK_OK(keel_irq_control_get(seL4_CapIRQControl, FREE_IRQ, ROOT, h, D64));
    CHECK_OK(keel_irq_handler_set_notification(h, nt));
    CHECK_OK(root_delete(nt));
    CHECK_ERR(root_retype(u, seL4_ARM_SmallPageObject, 0, tmp, 1), seL4_NotEnoughMemory, 4096 - 32);
    CHECK_OK(keel_irq_handler_clear(h));
    CHECK_OK(root_retype(u, seL4_ARM_SmallPageObject, 0, tmp, 1));
    CHECK_OK(root_delete(tmp));
    CHECK_OK(root_retype(u, seL4_NotificationObject, 0, nt, 1));
    CHECK_OK(keel_irq_handler_set_notification(h, nt));
    CHECK_OK(root_revoke(u));
    CHECK_TAG(nt, KEEL_CAP_NULL);
    CHECK_OK(root_retype(u, seL4_ARM_SmallPageObject, 0, tmp, 1));
    CHECK_OK(keel_irq_handler_clear(h));
    CHECK_OK(keel_irq_handler_ack(h));
    CHECK_OK(root_delete(h));
    CHECK_OK(keel_irq_control_get(seL4_CapIRQControl, FREE_IRQ, ROOT, h, D64));
}

// §8.7/§13.8: IRQHandler caps are CDT children of IRQControl; Revoke on IRQControl removes
// them all, and IRQControl itself can be moved but not copied.
static void t_irq_control_cdt(void)
{
    seL4_CPtr h = slot_alloc(), hc = slot_alloc(), moved = slot_alloc(), cp = slot_alloc();
    const seL4_CPtr ctl = seL4_CapIRQControl;
    CHECK_OK(keel_irq_control_get(ctl, FREE_IRQ, ROOT, h, D64));
    CHECK_OK(root_copy(hc, h, ALL));
    CHECK_OK(root_revoke(ctl));
    CHECK_TAG(h, KEEL_CAP_NULL);
    CHECK_TAG(hc, KEEL_CAP_NULL);
    CHECK_TAG(ctl, KEEL_CAP_IRQ_CONTROL);
    CHECK_OK(keel_irq_control_get(ctl, FREE_IRQ, ROOT, h, D64));
    CHECK_ERR0(root_copy(cp, ctl, ALL), seL4_IllegalOperation);
    CHECK_OK(root_move(moved, ctl));
    CHECK_TAG(ctl, KEEL_CAP_NULL);
    CHECK_ERR0(keel_irq_control_get(moved, FREE_IRQ, ROOT, hc, D64), seL4_RevokeFirst);
    CHECK_OK(keel_irq_control_get(moved, FREE_IRQ2, ROOT, hc, D64));
    CHECK_OK(root_revoke(moved)); // still the parent after the move
    CHECK_TAG(h, KEEL_CAP_NULL);
    CHECK_TAG(hc, KEEL_CAP_NULL);
    CHECK_OK(root_move(ctl, moved));
    CHECK_TAG(ctl, KEEL_CAP_IRQ_CONTROL);
}

// Yield with nobody else at the root task's priority returns at once (§13.6).
static void t_yield_alone(void)
{
    for (int i = 0; i < 100; i++) {
        keel_yield();
    }
    CHECK_TAG(seL4_CapInitThreadTCB, KEEL_CAP_TCB);
}

const struct captest_test misc_tests[] = {
    {601, "syscall_registers_preserved", t_registers_preserved},
    {602, "invoke_null_and_no_write_caps", t_invoke_null_and_no_write},
    {603, "invoke_unsupported_methods", t_other_caps_illegal},
    {604, "irq_control_get", t_irq_control_get},
    {605, "irq_control_get_trigger", t_irq_control_get_trigger},
    {606, "irq_handler_methods", t_irq_handler_methods},
    {607, "irq_control_cdt", t_irq_control_cdt},
    {608, "yield_alone", t_yield_alone},
    {609, "tcb_set_tls_base_self", t_set_tls_base_self},
    {610, "irq_notification_copy_in_cdt", t_irq_notification_in_cdt},
};
const unsigned misc_tests_count = ARRAY_LEN(misc_tests);
