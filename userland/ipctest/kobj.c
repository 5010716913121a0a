// SPDX-License-Identifier: BSD-2-Clause
// Kernel-object invocations the IPC suite needs, marshalled by hand per ABI sheet §8.

// Only the root thread calls these: they use its IPC buffer for arguments beyond MR3 and for
// cap arguments. Every helper returns the error label of the reply (0 = success, §6.1).

#include "ipctest.h"

#include <keel/alloc.h>

#include <stdio.h>

#define ROOT_CNODE seL4_CapInitThreadCNode
#define ROOT_TCB   seL4_CapInitThreadTCB
#define ROOT_VSPACE seL4_CapInitThreadVSpace
#define DEPTH 64 // a CPtr names a root-CNode slot with the full word (guard + radix, §11.3)

enum {
    LBL_TCB_READ_REGS = 2,
    LBL_TCB_WRITE_REGS = 3,
    LBL_TCB_CONFIGURE = 5,
    LBL_TCB_SET_PRIORITY = 6,
    LBL_TCB_SUSPEND = 11,
    LBL_TCB_RESUME = 12,
    LBL_TCB_BIND = 13,
    LBL_TCB_UNBIND = 14,
    LBL_CNODE_DELETE = 17,
    LBL_CNODE_CANCEL_BADGED = 18,
    LBL_CNODE_COPY = 19,
    LBL_CNODE_MINT = 20,
    LBL_CNODE_SAVE_CALLER = 24,
};

// One Call to a kernel object: nmr argument words, ncaps cap arguments; up to nout result MRs.
static seL4_Word invoke(seL4_CPtr obj, seL4_Word label, unsigned ncaps, const seL4_CPtr *caps,
                        unsigned nmr, const seL4_Word *args, unsigned nout, seL4_Word *out)
{
    seL4_IPCBuffer *b = it.buf;
    seL4_Word mr[4] = {0, 0, 0, 0};
    for (unsigned i = 0; i < nmr; i++) {
        if (i < 4) {
            mr[i] = args[i];
        } else {
            b->msg[i] = args[i];
        }
    }
    for (unsigned k = 0; k < ncaps; k++) {
        b->caps_or_badges[k] = caps[k];
    }
    seL4_MessageInfo_t reply = keel_call(obj, tag(label, ncaps, nmr), mr);
    for (unsigned i = 0; i < nout; i++) {
        out[i] = i < 4 ? mr[i] : b->msg[i];
    }
    return seL4_MessageInfo_get_label(reply);
}

seL4_CPtr it_slot(void)
{
    seL4_CPtr slot = keel_slot_alloc();
    if (slot == 0) {
        printf("  ipctest: out of CNode slots\n");
    }
    return slot;
}

seL4_CPtr it_new(seL4_Word type)
{
    seL4_CPtr slot = it_slot();
    if (slot == 0) {
        return 0;
    }
    seL4_Word err = keel_alloc_retype(type, 0, KEEL_ALLOC_RAM, slot, 1);
    if (err != 0) {
        it_check(false, "Untyped_Retype(type %lu) into slot %lu failed with error %lu", type, slot,
                 err);
        return 0;
    }
    return slot;
}

seL4_CPtr it_new_ep(void)
{
    return it_new(OBJ_ENDPOINT);
}

seL4_CPtr it_new_ntfn(void)
{
    return it_new(OBJ_NOTIFICATION);
}

seL4_CPtr it_mint(seL4_CPtr src, seL4_Word rights, seL4_Word badge)
{
    seL4_CPtr dst = it_slot();
    if (dst == 0) {
        return 0;
    }
    seL4_CPtr root = ROOT_CNODE;
    const seL4_Word args[6] = {dst, DEPTH, src, DEPTH, rights, badge};
    seL4_Word err = invoke(ROOT_CNODE, LBL_CNODE_MINT, 1, &root, 6, args, 0, NULL);
    if (err != 0) {
        it_check(false, "CNode_Mint(slot %lu, rights 0x%lx, badge 0x%lx) failed with error %lu", src,
                 rights, badge, err);
        return 0;
    }
    return dst;
}

seL4_Word it_copy_to(seL4_CPtr dst, seL4_CPtr src, seL4_Word rights)
{
    seL4_CPtr root = ROOT_CNODE;
    const seL4_Word args[5] = {dst, DEPTH, src, DEPTH, rights};
    return invoke(ROOT_CNODE, LBL_CNODE_COPY, 1, &root, 5, args, 0, NULL);
}

seL4_CPtr it_copy(seL4_CPtr src, seL4_Word rights)
{
    seL4_CPtr dst = it_slot();
    if (dst == 0) {
        return 0;
    }
    seL4_Word err = it_copy_to(dst, src, rights);
    if (err != 0) {
        it_check(false, "CNode_Copy(slot %lu) failed with error %lu", src, err);
        return 0;
    }
    return dst;
}

static seL4_Word cnode_op(seL4_Word label, seL4_CPtr slot)
{
    const seL4_Word args[2] = {slot, DEPTH};
    return invoke(ROOT_CNODE, label, 0, NULL, 2, args, 0, NULL);
}

seL4_Word it_delete(seL4_CPtr slot)
{
    return cnode_op(LBL_CNODE_DELETE, slot);
}

seL4_Word it_save_caller(seL4_CPtr slot)
{
    return cnode_op(LBL_CNODE_SAVE_CALLER, slot);
}

seL4_Word it_cancel_badged_sends(seL4_CPtr slot)
{
    return cnode_op(LBL_CNODE_CANCEL_BADGED, slot);
}

seL4_Word it_cap_type(seL4_CPtr cptr)
{
    return keel_sys_arg_ret(seL4_SysDebugCapIdentify, cptr);
}

seL4_Word it_tcb_configure(seL4_CPtr tcb, seL4_CPtr fault_ep, seL4_CPtr frame, seL4_Word buffer)
{
    const seL4_CPtr caps[3] = {ROOT_CNODE, ROOT_VSPACE, frame};
    const seL4_Word args[4] = {fault_ep, 0, 0, buffer};
    return invoke(tcb, LBL_TCB_CONFIGURE, 3, caps, 4, args, 0, NULL);
}

seL4_Word it_tcb_set_priority(seL4_CPtr tcb, seL4_Word prio)
{
    seL4_CPtr auth = ROOT_TCB;
    return invoke(tcb, LBL_TCB_SET_PRIORITY, 1, &auth, 1, &prio, 0, NULL);
}

seL4_Word it_tcb_write_regs(seL4_CPtr tcb, seL4_Word pc, seL4_Word sp, seL4_Word x0)
{
    // MR0 = flags (no resume), MR1 = count, then pc, sp, spsr, x0 (§8.4, §9).
    const seL4_Word args[6] = {0, 4, pc, sp, 0, x0};
    return invoke(tcb, LBL_TCB_WRITE_REGS, 0, NULL, 6, args, 0, NULL);
}

seL4_Word it_tcb_read_regs(seL4_CPtr tcb, seL4_Word n, seL4_Word *out)
{
    const seL4_Word args[2] = {0, n};
    return invoke(tcb, LBL_TCB_READ_REGS, 0, NULL, 2, args, (unsigned)n, out);
}

seL4_Word it_tcb_suspend(seL4_CPtr tcb)
{
    return invoke(tcb, LBL_TCB_SUSPEND, 0, NULL, 0, NULL, 0, NULL);
}

seL4_Word it_tcb_resume(seL4_CPtr tcb)
{
    return invoke(tcb, LBL_TCB_RESUME, 0, NULL, 0, NULL, 0, NULL);
}

seL4_Word it_tcb_bind(seL4_CPtr tcb, seL4_CPtr ntfn)
{
    return invoke(tcb, LBL_TCB_BIND, 1, &ntfn, 0, NULL, 0, NULL);
}

seL4_Word it_tcb_unbind(seL4_CPtr tcb)
{
    return invoke(tcb, LBL_TCB_UNBIND, 0, NULL, 0, NULL, 0, NULL);
}

// --- Plain IPC from the root thread --------------------------------------------------------------

void it_sys(seL4_Syscall_ID sys, keel_ipc_regs_t *r)
{
    keel_ipc_syscall(sys, r);
}

void it_regs_sentinel(keel_ipc_regs_t *r, seL4_CPtr cptr)
{
    r->x0 = cptr;
    r->x1 = SENT_INFO;
    r->mr[0] = SENT0;
    r->mr[1] = SENT1;
    r->mr[2] = SENT2;
    r->mr[3] = SENT3;
}

bool it_take(seL4_CPtr ep, keel_ipc_regs_t *r)
{
    it_regs_sentinel(r, ep);
    keel_ipc_syscall(seL4_SysNBRecv, r);
    return r->x1 != SENT_INFO;
}

void it_drop_caller(void)
{
    static seL4_CPtr scratch;
    if (scratch == 0) {
        scratch = it_slot();
    }
    it_delete(scratch);
    it_save_caller(scratch);
    it_delete(scratch);
}
