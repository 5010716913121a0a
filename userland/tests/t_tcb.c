// SPDX-License-Identifier: BSD-2-Clause
// TCB method tests (§8.4, §9): registers, Configure and friends, priorities, notifications, domain.

#include "captest.h"

#include <string.h>

#define ALL   KEEL_RIGHTS_ALL
#define NREGS KEEL_USER_CONTEXT_WORDS
#define SPSR  2 // index of spsr in seL4_UserContext
#define TPIDR 34

// An IPC buffer inside the image, so that its frame cap is in userImageFrames.
static seL4_IPCBuffer image_buffer;

static seL4_Word *words(seL4_UserContext *c)
{
    return (seL4_Word *)c;
}

// A register pattern in which every word differs.
static void fill(seL4_UserContext *c, seL4_Word seed)
{
    for (unsigned i = 0; i < NREGS; i++) {
        words(c)[i] = seed ^ (0x0101010101010101UL * (i + 1)) ^ ((seL4_Word)i << 56);
    }
}

static seL4_Word sanitised_spsr(seL4_Word written)
{
    return (written & 0xF0000000UL) | env.user_pstate;
}

// The SPSR of a fresh TCB (§7.2: user PSTATE of §12.4); learnt once, used by later tests.
static int learn_pstate(seL4_CPtr tcb)
{
    seL4_UserContext c;
    seL4_Error err = keel_tcb_read_registers(tcb, 0, 0, NREGS, &c);
    if (!check_ok(__FILE__, __LINE__, "ReadRegisters of a fresh TCB", err)) {
        return 0;
    }
    env.user_pstate = c.spsr;
    return 1;
}

#define NEW_TCB(var)                                  \
    do {                                              \
        NEW(var, seL4_TCBObject, 0);                  \
        if (!env.user_pstate && !learn_pstate(var)) { \
            return;                                   \
        }                                             \
    } while (0)

static void t_initial_registers(void)
{
    seL4_CPtr t;
    NEW(t, seL4_TCBObject, 0);
    seL4_UserContext c;
    memset(&c, 0xAA, sizeof(c));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &c));
    CHECK_EQ(keel_reply_length(), NREGS);
    CHECK(c.spsr == 0x40 || c.spsr == 0x140, "SPSR of a new TCB is 0x%lx, not 0x40 or 0x140",
          c.spsr);
    env.user_pstate = c.spsr;
    for (unsigned i = 0; i < NREGS; i++) {
        if (i != SPSR) {
            CHECK(words(&c)[i] == 0, "register %u of a new TCB is 0x%lx, not 0", i, words(&c)[i]);
        }
    }
}

static void t_write_read(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    seL4_UserContext in, out;
    fill(&in, 0x5EED);
    in.spsr = 0xF00003C5UL; // NZCV all set, plus mode bits a thread must not choose
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, NREGS, &in));
    CHECK_EQ(keel_reply_info().words[0], 0);
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    for (unsigned i = 0; i < NREGS; i++) {
        seL4_Word want = i == SPSR ? sanitised_spsr(in.spsr) : words(&in)[i];
        CHECK(words(&out)[i] == want, "register %u reads 0x%lx after writing 0x%lx (want 0x%lx)", i,
              words(&out)[i], words(&in)[i], want);
    }
    // All SPSR bits set: still only NZCV get through; none set: only the user PSTATE.
    in.spsr = ~0UL;
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, 3, &in));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, 3, &out));
    CHECK_EQ(out.spsr, 0xF0000000UL | env.user_pstate);
    in.spsr = 0x6000000FUL;
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, 3, &in));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, 3, &out));
    CHECK_EQ(out.spsr, 0x60000000UL | env.user_pstate);
}

// Only the first `count` registers are written; count is clamped to 36.
static void t_write_partial(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    seL4_UserContext a, b, out;
    fill(&a, 0x1111);
    fill(&b, 0x2222);
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, NREGS, &a));
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, 2, &b));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.pc, b.pc);
    CHECK_EQ(out.sp, b.sp);
    CHECK_EQ(out.x0, a.x0);
    CHECK_EQ(out.tpidrro_el0, a.tpidrro_el0);
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, 0, &a));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.pc, b.pc);
    // count above 36 with enough words: clamped, succeeds.
    seL4_Word mr[42];
    mr[0] = 0;
    mr[1] = 40;
    for (unsigned i = 0; i < 40; i++) {
        mr[2 + i] = 0x7700 + i;
    }
    CHECK_OK(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_WRITE_REGISTERS, 42, 0, mr, NULL)));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.pc, 0x7700);
    CHECK_EQ(out.tpidrro_el0, 0x7700 + 35);
}

static void t_read_errors(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    CHECK_ERR(keel_tcb_read_registers(t, 0, 0, 0, NULL), seL4_RangeError, 1, 36);
    CHECK_ERR(keel_tcb_read_registers(t, 0, 0, 37, NULL), seL4_RangeError, 1, 36);
    CHECK_ERR(keel_tcb_read_registers(t, 1, 0, ~0UL, NULL), seL4_RangeError, 1, 36);
    const seL4_Word mr[] = {0, 3};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_READ_REGISTERS, 1, 0, mr, NULL)),
        seL4_TruncatedMessage);
    CHECK_ERR0(keel_tcb_read_registers(seL4_CapInitThreadTCB, 0, 0, NREGS, NULL),
               seL4_IllegalOperation);
    CHECK_ERR(keel_tcb_read_registers(seL4_CapInitThreadTCB, 0, 0, 0, NULL), seL4_RangeError, 1,
              36);
    // Three registers: reply length 3, and x5 (MR3) is left as the caller had it (§6.2).
    seL4_UserContext in;
    fill(&in, 0x3333);
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, NREGS, &in));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, 3, NULL));
    CHECK_EQ(keel_reply_length(), 3);
    CHECK_EQ(keel_mr(0), in.pc);
    CHECK_EQ(keel_mr(1), in.sp);
    CHECK_EQ(keel_mr(2), sanitised_spsr(in.spsr));
    CHECK_EQ(keel_mr(3), KEEL_INVOKE_POISON);
    // Five: the fifth comes through the IPC buffer.
    CHECK_OK(keel_tcb_read_registers(t, 1, 0xFF, 5, NULL));
    CHECK_EQ(keel_reply_length(), 5);
    CHECK_EQ(keel_mr(3), in.x0);
    CHECK_EQ(keel_mr(4), in.x1);
}

static void t_write_errors(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    seL4_UserContext in;
    fill(&in, 0x4444);
    CHECK_ERR0(keel_tcb_write_registers(seL4_CapInitThreadTCB, 0, 0, NREGS, &in),
               seL4_IllegalOperation);
    seL4_Word mr[2 + NREGS];
    mr[0] = 0;
    mr[1] = 9;
    for (unsigned i = 0; i < NREGS; i++) {
        mr[2 + i] = words(&in)[i];
    }
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_WRITE_REGISTERS, 1, 0, mr, NULL)),
        seL4_TruncatedMessage);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_WRITE_REGISTERS, 10, 0, mr, NULL)),
        seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(
                   seL4_CapInitThreadTCB, KEEL_INV_TCB_WRITE_REGISTERS, 1, 0, mr, NULL)),
               seL4_TruncatedMessage);
    mr[1] = 8;
    CHECK_OK(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_WRITE_REGISTERS, 10, 0, mr, NULL)));
    seL4_UserContext out;
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.x4, in.x4);
    CHECK_EQ(out.x5, 0);
}

static void t_copy_registers(void)
{
    seL4_CPtr a, b, ep;
    NEW_TCB(a);
    NEW_TCB(b);
    NEW(ep, seL4_EndpointObject, 0);
    seL4_UserContext in, out;
    fill(&in, 0x5555);
    CHECK_OK(keel_tcb_write_registers(a, 0, 0, NREGS, &in));
    CHECK_OK(keel_tcb_read_registers(a, 0, 0, NREGS, &in)); // with the sanitised SPSR
    // Frame registers only (§9: pc, sp, spsr, x0-x8, x16-x18, x29, x30 = indices 0..16).
    CHECK_OK(keel_tcb_copy_registers(b, a, 0, 0, 1, 0, 0));
    CHECK_OK(keel_tcb_read_registers(b, 0, 0, NREGS, &out));
    for (unsigned i = 0; i < NREGS; i++) {
        seL4_Word want = i <= 16 ? words(&in)[i] : 0;
        CHECK(words(&out)[i] == want, "after frame copy register %u = 0x%lx, want 0x%lx", i,
              words(&out)[i], want);
    }
    // Then the integer registers (indices 17..35).
    CHECK_OK(keel_tcb_copy_registers(b, a, 0, 0, 0, 1, 0));
    CHECK_OK(keel_tcb_read_registers(b, 0, 0, NREGS, &out));
    for (unsigned i = 0; i < NREGS; i++) {
        CHECK(words(&out)[i] == words(&in)[i], "after integer copy register %u = 0x%lx, want 0x%lx",
              i, words(&out)[i], words(&in)[i]);
    }
    // Nothing to transfer is fine; errors.
    CHECK_OK(keel_tcb_copy_registers(b, a, 1, 0, 0, 0, 0xFF));
    CHECK_ERR(keel_tcb_copy_registers(b, ep, 0, 0, 1, 1, 0), seL4_InvalidCapability, 1);
    CHECK_ERR(keel_tcb_copy_registers(b, ROOT, 0, 0, 1, 1, 0), seL4_InvalidCapability, 1);
    const seL4_Word mr[] = {4};
    const seL4_CPtr caps[] = {a};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(b, KEEL_INV_TCB_COPY_REGISTERS, 1, 0, mr, caps)),
        seL4_TruncatedMessage);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(b, KEEL_INV_TCB_COPY_REGISTERS, 0, 1, mr, caps)),
        seL4_TruncatedMessage);
}

static void t_tls_base(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    seL4_UserContext out;
    CHECK_OK(keel_tcb_set_tls_base(t, 0x123456789ABCUL));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.tpidr_el0, 0x123456789ABCUL);
    CHECK_EQ(words(&out)[TPIDR], 0x123456789ABCUL);
    CHECK_EQ(out.tpidrro_el0, 0);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_TLS_BASE, 0, 0, NULL, NULL)),
        seL4_TruncatedMessage);
}

// §8.4 and §13.6: priorities are checked against the authority's MCP.
static void t_priority(void)
{
    seL4_CPtr t, t2, ep;
    NEW_TCB(t);
    NEW_TCB(t2);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_CPtr self = seL4_CapInitThreadTCB;
    CHECK_OK(keel_tcb_set_priority(t, self, 200));
    CHECK_OK(keel_tcb_set_priority(t, self, 255));
    CHECK_ERR(keel_tcb_set_priority(t, self, 256), seL4_RangeError, 0, 255);
    // A new TCB has MCP 0.
    CHECK_ERR(keel_tcb_set_priority(t2, t, 1), seL4_RangeError, 0, 0);
    CHECK_OK(keel_tcb_set_priority(t2, t, 0));
    CHECK_OK(keel_tcb_set_mc_priority(t, self, 100));
    CHECK_OK(keel_tcb_set_priority(t2, t, 100));
    CHECK_ERR(keel_tcb_set_priority(t2, t, 101), seL4_RangeError, 0, 100);
    CHECK_ERR(keel_tcb_set_mc_priority(t2, t, 101), seL4_RangeError, 0, 100);
    CHECK_OK(keel_tcb_set_mc_priority(t2, t, 100));
    CHECK_ERR(keel_tcb_set_mc_priority(t2, self, 256), seL4_RangeError, 0, 255);
    // The target's own MCP does not matter, only the authority's.
    CHECK_OK(keel_tcb_set_priority(t, self, 250));
    // Authority not a TCB; missing authority; missing priority.
    CHECK_ERR(keel_tcb_set_priority(t, ep, 1), seL4_InvalidCapability, 1);
    CHECK_ERR(keel_tcb_set_mc_priority(t, ROOT, 1), seL4_InvalidCapability, 1);
    const seL4_Word mr[] = {1};
    const seL4_CPtr caps[] = {self};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_PRIORITY, 1, 0, mr, caps)),
        seL4_TruncatedMessage);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_PRIORITY, 0, 1, mr, caps)),
        seL4_TruncatedMessage);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_MC_PRIORITY, 0, 1, mr, caps)),
        seL4_TruncatedMessage);
}

static void t_sched_params(void)
{
    seL4_CPtr t, t2, ep;
    NEW_TCB(t);
    NEW_TCB(t2);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_CPtr self = seL4_CapInitThreadTCB;
    CHECK_OK(keel_tcb_set_sched_params(t, self, 50, 40));
    CHECK_ERR(keel_tcb_set_sched_params(t2, t, 60, 10), seL4_RangeError, 0, 50);
    CHECK_ERR(keel_tcb_set_sched_params(t2, t, 10, 60), seL4_RangeError, 0, 50);
    CHECK_OK(keel_tcb_set_sched_params(t2, t, 50, 50));
    CHECK_ERR(keel_tcb_set_sched_params(t2, ep, 0, 0), seL4_InvalidCapability, 1);
    const seL4_Word mr[] = {1, 1};
    const seL4_CPtr caps[] = {self};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_SCHED_PARAMS, 1, 1, mr, caps)),
        seL4_TruncatedMessage);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_SCHED_PARAMS, 2, 0, mr, caps)),
        seL4_TruncatedMessage);
    // t2 now has MCP 50: as authority it allows up to 50.
    CHECK_OK(keel_tcb_set_priority(t, t2, 50));
    CHECK_ERR(keel_tcb_set_priority(t, t2, 51), seL4_RangeError, 0, 50);
}

static void t_configure(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    const seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    CHECK_OK(keel_tcb_configure(t, 0, ROOT, 0, vspace, 0, 0, seL4_CapInitThreadIPCBuffer));
    CHECK_EQ(keel_reply_info().words[0], 0);
    // Again, replacing the roots installed the first time; with a buffer in an image page.
    seL4_CPtr frame = keel_image_frame_cap(&image_buffer);
    CHECK_TAG(frame, KEEL_CAP_FRAME);
    CHECK_OK(keel_tcb_configure(t, 0x55, ROOT, 0, vspace, 0x77, (seL4_Word)&image_buffer, frame));
    // cspace_root_data: the installed CSpace root gets a new guard (valid for radix 13).
    CHECK_OK(keel_tcb_configure(t, 0, ROOT, keel_cnode_capdata(0, 20), vspace, 0, 0, frame));
    CHECK_OK(keel_tcb_set_space(t, 0, ROOT, 0, vspace, 0));
    CHECK_EQ(keel_reply_length(), 0);
}

static void t_configure_errors(void)
{
    seL4_CPtr t, ep, ut, vs, pt, cn;
    NEW_TCB(t);
    NEW(ep, seL4_EndpointObject, 0);
    NEW_UT(ut, 12);
    NEW(vs, seL4_ARM_VSpaceObject, 0);
    NEW(pt, seL4_ARM_PageTableObject, 0);
    NEW(cn, seL4_CapTableObject, 2);
    seL4_CPtr child = slot_alloc(), devframe = slot_alloc();
    CHECK_OK(root_retype(ut, seL4_EndpointObject, 0, child, 1));
    const seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    const seL4_CPtr frame = keel_image_frame_cap(&image_buffer);
    const seL4_Word buf = (seL4_Word)&image_buffer;
    // 1: truncated.
    const seL4_Word mr[] = {0, 0, 0, 0};
    const seL4_CPtr caps[] = {ROOT, vspace, frame};
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_CONFIGURE, 4, 2, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_CONFIGURE, 3, 3, mr, caps)),
               seL4_TruncatedMessage);
    // 2: the buffer frame, checked before the CSpace root.
    CHECK_ERR0(keel_tcb_configure(t, 0, ep, 0, vspace, 0, buf, ep), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_configure(t, 0, ep, 0, ep, 0, buf + 0x100, frame), seL4_AlignmentError);
    CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, 0, vspace, 0, buf + 8, frame), seL4_AlignmentError);
    if (env.dev_small) {
        CHECK_OK(root_retype(env.dev_small, seL4_ARM_SmallPageObject, 0, devframe, 1));
        CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, 0, vspace, 0, 0x1000, devframe),
                   seL4_IllegalOperation);
        // Without a buffer address the frame is not looked at.
        CHECK_OK(keel_tcb_configure(t, 0, ROOT, 0, vspace, 0, 0, devframe));
    }
    // 4: the CSpace root (derived first: an untyped with children cannot be).
    CHECK_ERR0(keel_tcb_configure(t, 0, ep, 0, vspace, 0, buf, frame), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_configure(t, 0, ut, 0, vs, 0, 0, frame), seL4_RevokeFirst);
    CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, keel_cnode_capdata(0, 52), vspace, 0, 0, frame),
               seL4_IllegalOperation);
    // 5: the VSpace root must be a VSpace with an ASID.
    CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, 0, vs, 0, 0, frame), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, 0, pt, 0, 0, frame), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, 0, ep, 0, 0, frame), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, 0, ROOT, 0, 0, frame), seL4_IllegalOperation);
    // 3: the TCB's current CSpace root holds the last cap to a CNode.
    CHECK_OK(keel_tcb_configure(t, 0, cn, 0, vspace, 0, 0, frame));
    CHECK_OK(root_delete(cn));
    CHECK_ERR0(keel_tcb_configure(t, 0, ROOT, 0, vspace, 0, 0, frame), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_set_space(t, 0, ROOT, 0, vspace, 0), seL4_IllegalOperation);
}

static void t_set_space(void)
{
    seL4_CPtr t, ep;
    NEW_TCB(t);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_CPtr vspace = seL4_CapInitThreadVSpace;
    CHECK_OK(keel_tcb_set_space(t, 3, ROOT, 0, vspace, 0));
    const seL4_Word mr[] = {0, 0, 0};
    const seL4_CPtr caps[] = {ROOT, vspace};
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_SPACE, 2, 2, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_SPACE, 3, 1, mr, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(keel_tcb_set_space(t, 0, ep, 0, vspace, 0), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_set_space(t, 0, ROOT, 0, ep, 0), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_set_space(t, 0, ROOT, keel_cnode_capdata(0, 60), vspace, 0),
               seL4_IllegalOperation);
}

static void t_set_ipc_buffer(void)
{
    seL4_CPtr t, ep;
    NEW_TCB(t);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_CPtr frame = keel_image_frame_cap(&image_buffer);
    const seL4_Word buf = (seL4_Word)&image_buffer;
    CHECK_OK(keel_tcb_set_ipc_buffer(t, buf, frame));
    CHECK_OK(keel_tcb_set_ipc_buffer(t, 0, ep)); // no buffer: the cap is not checked
    CHECK_ERR0(keel_tcb_set_ipc_buffer(t, buf, ep), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_set_ipc_buffer(t, buf + 0x200, frame), seL4_AlignmentError);
    CHECK_OK(keel_tcb_set_ipc_buffer(t, (buf & ~0xFFFUL) + 0xC00, frame));
    const seL4_Word mr[] = {buf};
    const seL4_CPtr caps[] = {frame};
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_IPC_BUFFER, 1, 0, mr, caps)),
        seL4_TruncatedMessage);
    CHECK_ERR0(
        seL4_MessageInfo_get_label(keel_invoke(t, KEEL_INV_TCB_SET_IPC_BUFFER, 0, 1, mr, caps)),
        seL4_TruncatedMessage);
}

// §8.4 BindNotification / UnbindNotification, §13.5, §13.9 (deletion unbinds).
static void t_bind_notification(void)
{
    seL4_CPtr t, t2, n, n2, ep, wo = slot_alloc();
    NEW_TCB(t);
    NEW_TCB(t2);
    NEW(n, seL4_NotificationObject, 0);
    NEW(n2, seL4_NotificationObject, 0);
    NEW(ep, seL4_EndpointObject, 0);
    CHECK_ERR0(keel_tcb_unbind_notification(t), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_bind_notification(t, ep), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_bind_notification(t, ROOT), seL4_IllegalOperation);
    CHECK_OK(root_mint(wo, n, KEEL_RIGHT_WRITE, 0));
    CHECK_ERR0(keel_tcb_bind_notification(t, wo), seL4_IllegalOperation);
    CHECK_OK(keel_tcb_bind_notification(t, n));
    // Already bound TCB (checked first), notification bound elsewhere.
    CHECK_ERR0(keel_tcb_bind_notification(t, n2), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_bind_notification(t, ep), seL4_IllegalOperation);
    CHECK_ERR0(keel_tcb_bind_notification(t2, n), seL4_IllegalOperation);
    CHECK_ERR0(seL4_MessageInfo_get_label(
                   keel_invoke(t2, KEEL_INV_TCB_BIND_NOTIFICATION, 0, 0, NULL, NULL)),
               seL4_TruncatedMessage);
    CHECK_OK(keel_tcb_unbind_notification(t));
    CHECK_ERR0(keel_tcb_unbind_notification(t), seL4_IllegalOperation);
    CHECK_OK(keel_tcb_bind_notification(t2, n));
    // Deleting the bound notification's last cap unbinds it.
    CHECK_OK(root_delete(wo));
    CHECK_OK(root_delete(n));
    CHECK_ERR0(keel_tcb_unbind_notification(t2), seL4_IllegalOperation);
    CHECK_OK(keel_tcb_bind_notification(t2, n2));
    // Deleting the TCB frees its notification for another TCB.
    CHECK_OK(root_delete(t2));
    CHECK_OK(keel_tcb_bind_notification(t, n2));
}

// §13.7 on threads that never ran: Suspend and Resume succeed and change nothing visible.
static void t_suspend_resume_inactive(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    seL4_UserContext in, out;
    fill(&in, 0x6666);
    CHECK_OK(keel_tcb_write_registers(t, 0, 0, NREGS, &in));
    CHECK_OK(keel_tcb_suspend(t));
    CHECK_OK(keel_tcb_suspend(t));
    CHECK_EQ(keel_reply_info().words[0], 0);
    // Resume of a priority-0 thread: the root task (255) never blocks here, so it never runs.
    CHECK_OK(keel_tcb_resume(t));
    CHECK_OK(keel_tcb_resume(t));
    CHECK_OK(keel_tcb_suspend(t));
    CHECK_OK(keel_tcb_read_registers(t, 0, 0, NREGS, &out));
    CHECK_EQ(out.pc, in.pc);
    CHECK_EQ(out.x0, in.x0);
}

static void t_tcb_bad_labels(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    const seL4_Word labels[] = {0, 1, 16, 24, 25, 29, 43, 46, 47, 1000};
    const seL4_Word mr[] = {0, 1, 0, 0};
    const seL4_CPtr caps[] = {ROOT, seL4_CapInitThreadVSpace, seL4_CapInitThreadIPCBuffer};
    for (unsigned i = 0; i < ARRAY_LEN(labels); i++) {
        seL4_MessageInfo_t r = keel_invoke(t, labels[i], 4, 3, mr, caps);
        CHECK(seL4_MessageInfo_get_label(r) == seL4_IllegalOperation &&
                  seL4_MessageInfo_get_length(r) == 0,
              "label %lu on a TCB: %s, expected IllegalOperation", labels[i],
              keel_error_name(seL4_MessageInfo_get_label(r)));
    }
}

// §8.9 DomainSet_Set, errors in their order.
static void t_domain_set(void)
{
    seL4_CPtr t, ep;
    NEW_TCB(t);
    NEW(ep, seL4_EndpointObject, 0);
    const seL4_CPtr dom = seL4_CapDomain;
    CHECK_OK(keel_domain_set(dom, 0, t));
    CHECK_OK(keel_domain_set(dom, 0, seL4_CapInitThreadTCB));
    CHECK_ERR(keel_domain_set(dom, 1, t), seL4_InvalidArgument, 0);
    CHECK_ERR(keel_domain_set(dom, 255, t), seL4_InvalidArgument, 0);
    CHECK_ERR(keel_domain_set(dom, 0, ep), seL4_InvalidArgument, 1);
    const seL4_Word zero[] = {0}, one[] = {1};
    const seL4_CPtr caps[] = {t};
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(dom, KEEL_INV_DOMAIN_SET, 0, 1, zero, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(dom, KEEL_INV_DOMAIN_SET, 1, 0, zero, caps)),
               seL4_TruncatedMessage);
    CHECK_ERR(seL4_MessageInfo_get_label(keel_invoke(dom, KEEL_INV_DOMAIN_SET, 1, 0, one, caps)),
              seL4_InvalidArgument, 0);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(dom, 30, 1, 1, zero, caps)),
               seL4_IllegalOperation);
    CHECK_ERR0(seL4_MessageInfo_get_label(keel_invoke(dom, 0, 1, 1, zero, caps)),
               seL4_IllegalOperation);
}

// DebugNameThread on a TCB: must not disturb anything (the name is only visible in dumps).
static void t_name_thread(void)
{
    seL4_CPtr t;
    NEW_TCB(t);
    keel_debug_name_thread(t, "captest-named-thread");
    keel_debug_name_thread(t, "");
    char long_name[300];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    keel_debug_name_thread(t, long_name);
    CHECK_TAG(t, KEEL_CAP_TCB);
    CHECK_OK(keel_tcb_set_priority(t, seL4_CapInitThreadTCB, 1));
}

const struct captest_test tcb_tests[] = {
    {401, "tcb_initial_registers", t_initial_registers},
    {402, "tcb_write_read_registers", t_write_read},
    {403, "tcb_write_registers_partial", t_write_partial},
    {404, "tcb_read_registers_errors", t_read_errors},
    {405, "tcb_write_registers_errors", t_write_errors},
    {406, "tcb_copy_registers", t_copy_registers},
    {407, "tcb_set_tls_base", t_tls_base},
    {408, "tcb_priority_and_mcp", t_priority},
    {409, "tcb_sched_params", t_sched_params},
    {410, "tcb_configure", t_configure},
    {411, "tcb_configure_errors_in_order", t_configure_errors},
    {412, "tcb_set_space", t_set_space},
    {413, "tcb_set_ipc_buffer", t_set_ipc_buffer},
    {414, "tcb_bind_notification", t_bind_notification},
    {415, "tcb_suspend_resume_inactive", t_suspend_resume_inactive},
    {416, "tcb_bad_labels", t_tcb_bad_labels},
    {417, "tcb_domain_set", t_domain_set},
    {418, "tcb_debug_name_thread", t_name_thread},
};
const unsigned tcb_tests_count = ARRAY_LEN(tcb_tests);
