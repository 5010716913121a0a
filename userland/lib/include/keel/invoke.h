// SPDX-License-Identifier: BSD-2-Clause
// Kernel-object invocations: error codes, object types, labels and one wrapper per method.
#pragma once

// Every wrapper marshals its arguments as the ABI sheet's §8.2 says (words in declaration order,
// MR0..MR3 in x2..x5, MR4 and up in the IPC buffer, cap arguments in caps_or_badges[]), performs
// a Call on the invoked cap and returns the label of the reply tag, i.e. the error code (§6.2).
//
// Reply MRs: after every invocation made through this file, the reply's MR0..MR3 (x2..x5 as the
// kernel left them) are copied into msg[0..3] of the calling thread's IPC buffer, and the reply
// tag into the buffer's tag word, as libsel4 does for errors. keel_mr(i) then reads MR i for any
// i, keel_reply_info() the tag. MRs at or beyond the reply's length read back whatever was there
// before: for i < 4 what the invocation itself put in that register (its argument, or
// KEEL_INVOKE_POISON past the message it sent), since the kernel leaves those alone (§6.2),
// and for i >= 4 the buffer's old contents. A thread without a
// registered IPC buffer (keel_set_ipc_buffer) can still invoke: MRs 0..3 and the tag are then
// kept in a static area shared by all such threads, MRs 4 and up are dropped, no cap arguments
// are sent and keel_mr(i) reads 0 for i >= 4.
//
// Depths, indices and flags are taken as full words even where libsel4 uses a narrower C type,
// because the kernel reads whole words (§8.2) and tests need to send values such as depth 65.

#include <keel/syscall.h>
#include <keel/types.h>

// --- Error codes (§6.1) --------------------------------------------------------------------------

typedef enum seL4_Error {
    seL4_NoError = 0,
    seL4_InvalidArgument = 1,
    seL4_InvalidCapability = 2,
    seL4_IllegalOperation = 3,
    seL4_RangeError = 4,
    seL4_AlignmentError = 5,
    seL4_FailedLookup = 6,
    seL4_TruncatedMessage = 7,
    seL4_DeleteFirst = 8,
    seL4_RevokeFirst = 9,
    seL4_NotEnoughMemory = 10,
    seL4_NumErrors = 11,
} seL4_Error;

// "InvalidArgument" etc., or "?" for a value outside the table.
const char *keel_error_name(seL4_Word err);

// --- Lookup failures (§11.1) ---------------------------------------------------------------------

enum {
    seL4_NoFailure = 0,
    seL4_InvalidRoot = 1,
    seL4_MissingCapability = 2,
    seL4_DepthMismatch = 3,
    seL4_GuardMismatch = 4,
};

// --- Object types (§7.1) -------------------------------------------------------------------------

enum {
    seL4_UntypedObject = 0,
    seL4_TCBObject = 1,
    seL4_EndpointObject = 2,
    seL4_NotificationObject = 3,
    seL4_CapTableObject = 4,
    seL4_ARM_HugePageObject = 5,
    seL4_ARM_VSpaceObject = 6,
    seL4_ARM_SmallPageObject = 7,
    seL4_ARM_LargePageObject = 8,
    seL4_ARM_PageTableObject = 9,
    seL4_ObjectTypeCount = 10,
};

// log2 sizes of the fixed-size objects (§4.5, §7.1).
#define seL4_TCBBits          11
#define seL4_EndpointBits     4
#define seL4_NotificationBits 5
#define seL4_VSpaceBits       12
#define seL4_PageTableBits    12

// --- Cap type tags returned by DebugCapIdentify (§13.12) -----------------------------------------

enum {
    KEEL_CAP_NULL = 0,
    KEEL_CAP_FRAME = 1,
    KEEL_CAP_UNTYPED = 2,
    KEEL_CAP_PAGE_TABLE = 3,
    KEEL_CAP_ENDPOINT = 4,
    KEEL_CAP_NOTIFICATION = 6,
    KEEL_CAP_REPLY = 8,
    KEEL_CAP_VSPACE = 9,
    KEEL_CAP_CNODE = 10,
    KEEL_CAP_ASID_CONTROL = 11,
    KEEL_CAP_TCB = 12,
    KEEL_CAP_ASID_POOL = 13,
    KEEL_CAP_IRQ_CONTROL = 14,
    KEEL_CAP_IRQ_HANDLER = 16,
    KEEL_CAP_ZOMBIE = 18,
    KEEL_CAP_DOMAIN = 20,
};

// --- Invocation labels (§8.1) --------------------------------------------------------------------

enum keel_invocation_label {
    KEEL_INV_UNTYPED_RETYPE = 1,
    KEEL_INV_TCB_READ_REGISTERS = 2,
    KEEL_INV_TCB_WRITE_REGISTERS = 3,
    KEEL_INV_TCB_COPY_REGISTERS = 4,
    KEEL_INV_TCB_CONFIGURE = 5,
    KEEL_INV_TCB_SET_PRIORITY = 6,
    KEEL_INV_TCB_SET_MC_PRIORITY = 7,
    KEEL_INV_TCB_SET_SCHED_PARAMS = 8,
    KEEL_INV_TCB_SET_IPC_BUFFER = 9,
    KEEL_INV_TCB_SET_SPACE = 10,
    KEEL_INV_TCB_SUSPEND = 11,
    KEEL_INV_TCB_RESUME = 12,
    KEEL_INV_TCB_BIND_NOTIFICATION = 13,
    KEEL_INV_TCB_UNBIND_NOTIFICATION = 14,
    KEEL_INV_TCB_SET_TLS_BASE = 15,
    KEEL_INV_CNODE_REVOKE = 16,
    KEEL_INV_CNODE_DELETE = 17,
    KEEL_INV_CNODE_CANCEL_BADGED_SENDS = 18,
    KEEL_INV_CNODE_COPY = 19,
    KEEL_INV_CNODE_MINT = 20,
    KEEL_INV_CNODE_MOVE = 21,
    KEEL_INV_CNODE_MUTATE = 22,
    KEEL_INV_CNODE_ROTATE = 23,
    KEEL_INV_CNODE_SAVE_CALLER = 24,
    KEEL_INV_IRQ_ISSUE_IRQ_HANDLER = 25,
    KEEL_INV_IRQ_ACK = 26,
    KEEL_INV_IRQ_SET_HANDLER = 27,
    KEEL_INV_IRQ_CLEAR_HANDLER = 28,
    KEEL_INV_DOMAIN_SET = 29,
    KEEL_INV_ARM_PAGE_GET_ADDRESS = 43,
    KEEL_INV_ARM_IRQ_ISSUE_IRQ_HANDLER_TRIGGER = 46,
};

// --- Rights (§4.2) and cap data (§4.3) -----------------------------------------------------------

#define KEEL_RIGHT_WRITE       0x1UL
#define KEEL_RIGHT_READ        0x2UL
#define KEEL_RIGHT_GRANT       0x4UL
#define KEEL_RIGHT_GRANT_REPLY 0x8UL
#define KEEL_RIGHTS_ALL        0xFUL
#define KEEL_RIGHTS_RW         (KEEL_RIGHT_READ | KEEL_RIGHT_WRITE)

// CNode cap data: guard in bits [63:6], guard size in bits [5:0].
static inline seL4_Word keel_cnode_capdata(seL4_Word guard, seL4_Word guard_size)
{
    return (guard << 6) | (guard_size & 0x3FUL);
}

// --- User context (§9): the register order of Read/Write/CopyRegisters ---------------------------

typedef struct seL4_UserContext_ {
    seL4_Word pc, sp, spsr;
    seL4_Word x0, x1, x2, x3, x4, x5, x6, x7, x8;
    seL4_Word x16, x17, x18, x29, x30;
    seL4_Word x9, x10, x11, x12, x13, x14, x15;
    seL4_Word x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
    seL4_Word tpidr_el0, tpidrro_el0;
} seL4_UserContext;

#define KEEL_USER_CONTEXT_WORDS 36
_Static_assert(sizeof(seL4_UserContext) == KEEL_USER_CONTEXT_WORDS * sizeof(seL4_Word),
               "seL4_UserContext is 36 words");

// --- Generic invocation and reply access ---------------------------------------------------------

// Calls `cap` with tag (label, 0, ncaps, length): mr[0..length-1] are the message words and
// caps[0..ncaps-1] the extra cap CPtrs (either may be NULL when its count is 0). The tag is sent
// exactly as given, so a test can send a short message or claim caps that are not there;
// registers x2..x5 for MRs at or beyond `length` carry KEEL_INVOKE_POISON. Returns the reply tag.
#define KEEL_INVOKE_POISON 0xDEAD00000000BEEFUL

seL4_MessageInfo_t keel_invoke(seL4_CPtr cap, seL4_Word label, seL4_Word length, seL4_Word ncaps,
                               const seL4_Word *mr, const seL4_CPtr *caps);

// As keel_invoke, but with Send (-3) or NBSend (-4) instead of Call: nothing comes back.
void keel_invoke_send(seL4_Syscall_ID sys, seL4_CPtr cap, seL4_Word label, seL4_Word length,
                      seL4_Word ncaps, const seL4_Word *mr, const seL4_CPtr *caps);

// The reply of the calling thread's last invocation (see the comment at the top).
seL4_Word keel_mr(unsigned i);
seL4_MessageInfo_t keel_reply_info(void);

static inline seL4_Word keel_reply_length(void)
{
    return seL4_MessageInfo_get_length(keel_reply_info());
}

// The label of the last reply as a full word (the wrappers return it as seL4_Error).
static inline seL4_Word keel_reply_label(void)
{
    return seL4_MessageInfo_get_label(keel_reply_info());
}

// --- Untyped (§8.3) ------------------------------------------------------------------------------

seL4_Error keel_untyped_retype(seL4_CPtr untyped, seL4_Word type, seL4_Word size_bits,
                               seL4_CPtr root, seL4_Word node_index, seL4_Word node_depth,
                               seL4_Word node_offset, seL4_Word num_objects);

// --- CNode (§8.5) --------------------------------------------------------------------------------

seL4_Error keel_cnode_revoke(seL4_CPtr cnode, seL4_Word index, seL4_Word depth);
seL4_Error keel_cnode_delete(seL4_CPtr cnode, seL4_Word index, seL4_Word depth);
seL4_Error keel_cnode_cancel_badged_sends(seL4_CPtr cnode, seL4_Word index, seL4_Word depth);
seL4_Error keel_cnode_copy(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                           seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth,
                           seL4_Word rights);
seL4_Error keel_cnode_mint(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                           seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth,
                           seL4_Word rights, seL4_Word badge);
seL4_Error keel_cnode_move(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                           seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth);
seL4_Error keel_cnode_mutate(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                             seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth,
                             seL4_Word badge);
seL4_Error keel_cnode_rotate(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                             seL4_Word dest_badge, seL4_CPtr pivot_root, seL4_Word pivot_index,
                             seL4_Word pivot_depth, seL4_Word pivot_badge, seL4_CPtr src_root,
                             seL4_Word src_index, seL4_Word src_depth);
seL4_Error keel_cnode_save_caller(seL4_CPtr cnode, seL4_Word index, seL4_Word depth);

// --- TCB (§8.4) ----------------------------------------------------------------------------------

// Reads `count` registers into regs (the rest of *regs is left alone).
seL4_Error keel_tcb_read_registers(seL4_CPtr tcb, seL4_Word suspend_source, seL4_Word arch_flags,
                                   seL4_Word count, seL4_UserContext *regs);
// Always sends all 36 registers (length 38), as libsel4 does; `count` says how many are used.
seL4_Error keel_tcb_write_registers(seL4_CPtr tcb, seL4_Word resume_target, seL4_Word arch_flags,
                                    seL4_Word count, const seL4_UserContext *regs);
seL4_Error keel_tcb_copy_registers(seL4_CPtr tcb, seL4_CPtr source, seL4_Word suspend_source,
                                   seL4_Word resume_target, seL4_Word transfer_frame,
                                   seL4_Word transfer_integer, seL4_Word arch_flags);
seL4_Error keel_tcb_configure(seL4_CPtr tcb, seL4_Word fault_ep, seL4_CPtr cspace_root,
                              seL4_Word cspace_root_data, seL4_CPtr vspace_root,
                              seL4_Word vspace_root_data, seL4_Word buffer, seL4_CPtr buffer_frame);
seL4_Error keel_tcb_set_priority(seL4_CPtr tcb, seL4_CPtr authority, seL4_Word priority);
seL4_Error keel_tcb_set_mc_priority(seL4_CPtr tcb, seL4_CPtr authority, seL4_Word mcp);
seL4_Error keel_tcb_set_sched_params(seL4_CPtr tcb, seL4_CPtr authority, seL4_Word mcp,
                                     seL4_Word priority);
seL4_Error keel_tcb_set_ipc_buffer(seL4_CPtr tcb, seL4_Word buffer, seL4_CPtr buffer_frame);
seL4_Error keel_tcb_set_space(seL4_CPtr tcb, seL4_Word fault_ep, seL4_CPtr cspace_root,
                              seL4_Word cspace_root_data, seL4_CPtr vspace_root,
                              seL4_Word vspace_root_data);
seL4_Error keel_tcb_suspend(seL4_CPtr tcb);
seL4_Error keel_tcb_resume(seL4_CPtr tcb);
seL4_Error keel_tcb_bind_notification(seL4_CPtr tcb, seL4_CPtr notification);
seL4_Error keel_tcb_unbind_notification(seL4_CPtr tcb);
seL4_Error keel_tcb_set_tls_base(seL4_CPtr tcb, seL4_Word tls_base);

// --- IRQ control and handlers (§8.7, §8.8) -------------------------------------------------------

seL4_Error keel_irq_control_get(seL4_CPtr irq_control, seL4_Word irq, seL4_CPtr root,
                                seL4_Word index, seL4_Word depth);
seL4_Error keel_irq_control_get_trigger(seL4_CPtr irq_control, seL4_Word irq, seL4_Word trigger,
                                        seL4_CPtr root, seL4_Word index, seL4_Word depth);
seL4_Error keel_irq_handler_ack(seL4_CPtr handler);
seL4_Error keel_irq_handler_set_notification(seL4_CPtr handler, seL4_CPtr notification);
seL4_Error keel_irq_handler_clear(seL4_CPtr handler);

// --- Domains (§8.9) ------------------------------------------------------------------------------

seL4_Error keel_domain_set(seL4_CPtr domain_cap, seL4_Word domain, seL4_CPtr thread);
