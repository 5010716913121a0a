// SPDX-License-Identifier: BSD-2-Clause
// Invocation wrappers: ABI §8.2 marshalling onto a Call, reply MRs kept readable (keel/invoke.h).

#include <keel/invoke.h>
#include <keel/runtime.h>

// KEEL_INVOKE_POISON is sent in x2..x5 for MRs the tag does not cover, so that a kernel reading
// past the message length gets values no test would ever expect.
#define POISON KEEL_INVOKE_POISON

#define MAX_LENGTH seL4_MsgMaxLength

// Reply of the last invocation of a thread without an IPC buffer.
static seL4_Word spare_mr[seL4_FastMessageRegisters];
static seL4_MessageInfo_t spare_tag;

static const char *const error_names[] = {
    "NoError",     "InvalidArgument", "InvalidCapability", "IllegalOperation",
    "RangeError",  "AlignmentError",  "FailedLookup",      "TruncatedMessage",
    "DeleteFirst", "RevokeFirst",     "NotEnoughMemory",
};

const char *keel_error_name(seL4_Word err)
{
    if (err < sizeof(error_names) / sizeof(error_names[0])) {
        return error_names[err];
    }
    return "?";
}

// Fills the registers and the IPC buffer for a message; returns the register part.
static void marshal(seL4_IPCBuffer *buf, seL4_Word length, seL4_Word ncaps, const seL4_Word *mr,
                    const seL4_CPtr *caps, seL4_Word regs[seL4_FastMessageRegisters])
{
    seL4_Word n = length > MAX_LENGTH ? MAX_LENGTH : length;
    for (seL4_Word i = 0; i < seL4_FastMessageRegisters; i++) {
        regs[i] = i < n ? mr[i] : POISON;
    }
    if (!buf) {
        return;
    }
    for (seL4_Word i = seL4_FastMessageRegisters; i < n; i++) {
        buf->msg[i] = mr[i];
    }
    for (seL4_Word k = 0; k < ncaps && k < seL4_MsgMaxExtraCaps; k++) {
        buf->caps_or_badges[k] = caps[k];
    }
}

seL4_MessageInfo_t keel_invoke(seL4_CPtr cap, seL4_Word label, seL4_Word length, seL4_Word ncaps,
                               const seL4_Word *mr, const seL4_CPtr *caps)
{
    seL4_IPCBuffer *buf = keel_ipc_buffer();
    seL4_Word regs[seL4_FastMessageRegisters];
    marshal(buf, length, ncaps, mr, caps, regs);
    seL4_MessageInfo_t reply = keel_call(cap, seL4_MessageInfo_new(label, 0, ncaps, length), regs);
    seL4_Word *dst = buf ? buf->msg : spare_mr;
    for (unsigned i = 0; i < seL4_FastMessageRegisters; i++) {
        dst[i] = regs[i];
    }
    if (buf) {
        buf->tag = reply;
    } else {
        spare_tag = reply;
    }
    return reply;
}

void keel_invoke_send(seL4_Syscall_ID sys, seL4_CPtr cap, seL4_Word label, seL4_Word length,
                      seL4_Word ncaps, const seL4_Word *mr, const seL4_CPtr *caps)
{
    seL4_Word regs[seL4_FastMessageRegisters];
    marshal(keel_ipc_buffer(), length, ncaps, mr, caps, regs);
    keel_sys_send_only(sys, cap, seL4_MessageInfo_new(label, 0, ncaps, length), regs);
}

seL4_Word keel_mr(unsigned i)
{
    seL4_IPCBuffer *buf = keel_ipc_buffer();
    if (buf) {
        return i < MAX_LENGTH ? buf->msg[i] : 0;
    }
    return i < seL4_FastMessageRegisters ? spare_mr[i] : 0;
}

seL4_MessageInfo_t keel_reply_info(void)
{
    seL4_IPCBuffer *buf = keel_ipc_buffer();
    return buf ? buf->tag : spare_tag;
}

// The wrappers below only differ in their label and argument lists.
static seL4_Error invoke(seL4_CPtr cap, seL4_Word label, seL4_Word length, const seL4_Word *mr,
                         seL4_Word ncaps, const seL4_CPtr *caps)
{
    return (seL4_Error)seL4_MessageInfo_get_label(keel_invoke(cap, label, length, ncaps, mr, caps));
}

#define ARRAY_LEN(a)             (sizeof(a) / sizeof((a)[0]))
#define INVOKE(c, l, mrs, caps)  invoke(c, l, ARRAY_LEN(mrs), mrs, ARRAY_LEN(caps), caps)
#define INVOKE_NOCAPS(c, l, mrs) invoke(c, l, ARRAY_LEN(mrs), mrs, 0, NULL)
#define INVOKE_NOARGS(c, l)      invoke(c, l, 0, NULL, 0, NULL)

// --- Untyped -------------------------------------------------------------------------------------

seL4_Error keel_untyped_retype(seL4_CPtr untyped, seL4_Word type, seL4_Word size_bits,
                               seL4_CPtr root, seL4_Word node_index, seL4_Word node_depth,
                               seL4_Word node_offset, seL4_Word num_objects)
{
    seL4_Word mr[] = {type, size_bits, node_index, node_depth, node_offset, num_objects};
    seL4_CPtr caps[] = {root};
    return INVOKE(untyped, KEEL_INV_UNTYPED_RETYPE, mr, caps);
}

// --- CNode ---------------------------------------------------------------------------------------

static seL4_Error cnode_slot_op(seL4_CPtr cnode, seL4_Word label, seL4_Word index, seL4_Word depth)
{
    seL4_Word mr[] = {index, depth};
    return INVOKE_NOCAPS(cnode, label, mr);
}

seL4_Error keel_cnode_revoke(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    return cnode_slot_op(cnode, KEEL_INV_CNODE_REVOKE, index, depth);
}

seL4_Error keel_cnode_delete(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    return cnode_slot_op(cnode, KEEL_INV_CNODE_DELETE, index, depth);
}

seL4_Error keel_cnode_cancel_badged_sends(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    return cnode_slot_op(cnode, KEEL_INV_CNODE_CANCEL_BADGED_SENDS, index, depth);
}

seL4_Error keel_cnode_save_caller(seL4_CPtr cnode, seL4_Word index, seL4_Word depth)
{
    return cnode_slot_op(cnode, KEEL_INV_CNODE_SAVE_CALLER, index, depth);
}

seL4_Error keel_cnode_copy(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                           seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth,
                           seL4_Word rights)
{
    seL4_Word mr[] = {dest_index, dest_depth, src_index, src_depth, rights};
    seL4_CPtr caps[] = {src_root};
    return INVOKE(dest_root, KEEL_INV_CNODE_COPY, mr, caps);
}

seL4_Error keel_cnode_mint(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                           seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth,
                           seL4_Word rights, seL4_Word badge)
{
    seL4_Word mr[] = {dest_index, dest_depth, src_index, src_depth, rights, badge};
    seL4_CPtr caps[] = {src_root};
    return INVOKE(dest_root, KEEL_INV_CNODE_MINT, mr, caps);
}

seL4_Error keel_cnode_move(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                           seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth)
{
    seL4_Word mr[] = {dest_index, dest_depth, src_index, src_depth};
    seL4_CPtr caps[] = {src_root};
    return INVOKE(dest_root, KEEL_INV_CNODE_MOVE, mr, caps);
}

seL4_Error keel_cnode_mutate(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                             seL4_CPtr src_root, seL4_Word src_index, seL4_Word src_depth,
                             seL4_Word badge)
{
    seL4_Word mr[] = {dest_index, dest_depth, src_index, src_depth, badge};
    seL4_CPtr caps[] = {src_root};
    return INVOKE(dest_root, KEEL_INV_CNODE_MUTATE, mr, caps);
}

seL4_Error keel_cnode_rotate(seL4_CPtr dest_root, seL4_Word dest_index, seL4_Word dest_depth,
                             seL4_Word dest_badge, seL4_CPtr pivot_root, seL4_Word pivot_index,
                             seL4_Word pivot_depth, seL4_Word pivot_badge, seL4_CPtr src_root,
                             seL4_Word src_index, seL4_Word src_depth)
{
    seL4_Word mr[] = {dest_index,  dest_depth,  dest_badge, pivot_index,
                      pivot_depth, pivot_badge, src_index,  src_depth};
    seL4_CPtr caps[] = {pivot_root, src_root};
    return INVOKE(dest_root, KEEL_INV_CNODE_ROTATE, mr, caps);
}

// --- TCB -----------------------------------------------------------------------------------------

seL4_Error keel_tcb_read_registers(seL4_CPtr tcb, seL4_Word suspend_source, seL4_Word arch_flags,
                                   seL4_Word count, seL4_UserContext *regs)
{
    seL4_Word mr[] = {(suspend_source & 1) | ((arch_flags & 0xFF) << 8), count};
    seL4_Error err = INVOKE_NOCAPS(tcb, KEEL_INV_TCB_READ_REGISTERS, mr);
    if (err == seL4_NoError && regs) {
        seL4_Word *dst = (seL4_Word *)regs;
        seL4_Word n = count < KEEL_USER_CONTEXT_WORDS ? count : KEEL_USER_CONTEXT_WORDS;
        for (seL4_Word i = 0; i < n; i++) {
            dst[i] = keel_mr((unsigned)i);
        }
    }
    return err;
}

seL4_Error keel_tcb_write_registers(seL4_CPtr tcb, seL4_Word resume_target, seL4_Word arch_flags,
                                    seL4_Word count, const seL4_UserContext *regs)
{
    seL4_Word mr[2 + KEEL_USER_CONTEXT_WORDS];
    const seL4_Word *src = (const seL4_Word *)regs;
    mr[0] = (resume_target & 1) | ((arch_flags & 0xFF) << 8);
    mr[1] = count;
    for (unsigned i = 0; i < KEEL_USER_CONTEXT_WORDS; i++) {
        mr[2 + i] = src[i];
    }
    return INVOKE_NOCAPS(tcb, KEEL_INV_TCB_WRITE_REGISTERS, mr);
}

seL4_Error keel_tcb_copy_registers(seL4_CPtr tcb, seL4_CPtr source, seL4_Word suspend_source,
                                   seL4_Word resume_target, seL4_Word transfer_frame,
                                   seL4_Word transfer_integer, seL4_Word arch_flags)
{
    seL4_Word mr[] = {(suspend_source & 1) | ((resume_target & 1) << 1) |
                      ((transfer_frame & 1) << 2) | ((transfer_integer & 1) << 3) |
                      ((arch_flags & 0xFF) << 8)};
    seL4_CPtr caps[] = {source};
    return INVOKE(tcb, KEEL_INV_TCB_COPY_REGISTERS, mr, caps);
}

seL4_Error keel_tcb_configure(seL4_CPtr tcb, seL4_Word fault_ep, seL4_CPtr cspace_root,
                              seL4_Word cspace_root_data, seL4_CPtr vspace_root,
                              seL4_Word vspace_root_data, seL4_Word buffer, seL4_CPtr buffer_frame)
{
    seL4_Word mr[] = {fault_ep, cspace_root_data, vspace_root_data, buffer};
    seL4_CPtr caps[] = {cspace_root, vspace_root, buffer_frame};
    return INVOKE(tcb, KEEL_INV_TCB_CONFIGURE, mr, caps);
}

seL4_Error keel_tcb_set_priority(seL4_CPtr tcb, seL4_CPtr authority, seL4_Word priority)
{
    seL4_Word mr[] = {priority};
    seL4_CPtr caps[] = {authority};
    return INVOKE(tcb, KEEL_INV_TCB_SET_PRIORITY, mr, caps);
}

seL4_Error keel_tcb_set_mc_priority(seL4_CPtr tcb, seL4_CPtr authority, seL4_Word mcp)
{
    seL4_Word mr[] = {mcp};
    seL4_CPtr caps[] = {authority};
    return INVOKE(tcb, KEEL_INV_TCB_SET_MC_PRIORITY, mr, caps);
}

seL4_Error keel_tcb_set_sched_params(seL4_CPtr tcb, seL4_CPtr authority, seL4_Word mcp,
                                     seL4_Word priority)
{
    seL4_Word mr[] = {mcp, priority};
    seL4_CPtr caps[] = {authority};
    return INVOKE(tcb, KEEL_INV_TCB_SET_SCHED_PARAMS, mr, caps);
}

seL4_Error keel_tcb_set_ipc_buffer(seL4_CPtr tcb, seL4_Word buffer, seL4_CPtr buffer_frame)
{
    seL4_Word mr[] = {buffer};
    seL4_CPtr caps[] = {buffer_frame};
    return INVOKE(tcb, KEEL_INV_TCB_SET_IPC_BUFFER, mr, caps);
}

seL4_Error keel_tcb_set_space(seL4_CPtr tcb, seL4_Word fault_ep, seL4_CPtr cspace_root,
                              seL4_Word cspace_root_data, seL4_CPtr vspace_root,
                              seL4_Word vspace_root_data)
{
    seL4_Word mr[] = {fault_ep, cspace_root_data, vspace_root_data};
    seL4_CPtr caps[] = {cspace_root, vspace_root};
    return INVOKE(tcb, KEEL_INV_TCB_SET_SPACE, mr, caps);
}

seL4_Error keel_tcb_suspend(seL4_CPtr tcb)
{
    return INVOKE_NOARGS(tcb, KEEL_INV_TCB_SUSPEND);
}

seL4_Error keel_tcb_resume(seL4_CPtr tcb)
{
    return INVOKE_NOARGS(tcb, KEEL_INV_TCB_RESUME);
}

seL4_Error keel_tcb_bind_notification(seL4_CPtr tcb, seL4_CPtr notification)
{
    seL4_CPtr caps[] = {notification};
    return invoke(tcb, KEEL_INV_TCB_BIND_NOTIFICATION, 0, NULL, 1, caps);
}

seL4_Error keel_tcb_unbind_notification(seL4_CPtr tcb)
{
    return INVOKE_NOARGS(tcb, KEEL_INV_TCB_UNBIND_NOTIFICATION);
}

seL4_Error keel_tcb_set_tls_base(seL4_CPtr tcb, seL4_Word tls_base)
{
    seL4_Word mr[] = {tls_base};
    return INVOKE_NOCAPS(tcb, KEEL_INV_TCB_SET_TLS_BASE, mr);
}

// --- IRQ -----------------------------------------------------------------------------------------

seL4_Error keel_irq_control_get(seL4_CPtr irq_control, seL4_Word irq, seL4_CPtr root,
                                seL4_Word index, seL4_Word depth)
{
    seL4_Word mr[] = {irq, index, depth};
    seL4_CPtr caps[] = {root};
    return INVOKE(irq_control, KEEL_INV_IRQ_ISSUE_IRQ_HANDLER, mr, caps);
}

seL4_Error keel_irq_control_get_trigger(seL4_CPtr irq_control, seL4_Word irq, seL4_Word trigger,
                                        seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    seL4_Word mr[] = {irq, trigger, index, depth};
    seL4_CPtr caps[] = {root};
    return INVOKE(irq_control, KEEL_INV_ARM_IRQ_ISSUE_IRQ_HANDLER_TRIGGER, mr, caps);
}

seL4_Error keel_irq_handler_ack(seL4_CPtr handler)
{
    return INVOKE_NOARGS(handler, KEEL_INV_IRQ_ACK);
}

seL4_Error keel_irq_handler_set_notification(seL4_CPtr handler, seL4_CPtr notification)
{
    seL4_CPtr caps[] = {notification};
    return invoke(handler, KEEL_INV_IRQ_SET_HANDLER, 0, NULL, 1, caps);
}

seL4_Error keel_irq_handler_clear(seL4_CPtr handler)
{
    return INVOKE_NOARGS(handler, KEEL_INV_IRQ_CLEAR_HANDLER);
}

// --- Domain --------------------------------------------------------------------------------------

seL4_Error keel_domain_set(seL4_CPtr domain_cap, seL4_Word domain, seL4_CPtr thread)
{
    seL4_Word mr[] = {domain};
    seL4_CPtr caps[] = {thread};
    return INVOKE(domain_cap, KEEL_INV_DOMAIN_SET, mr, caps);
}
