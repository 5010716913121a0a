// SPDX-License-Identifier: BSD-2-Clause
// Derivation rules: what a copy may carry, what rights it keeps, how badges and guards apply.
// Invariants: INV-CAP-3, -6, INV-IPC-1, INV-MEM-1..4, INV-VS-4 (proofs-notes/README.md)
#include <keel/cdt.h>
#include <keel/derive.h>

syserr_t cap_derive(const cte_t *slot, cap_t c, cap_t *out)
{
    switch (cap_type(c)) {
    case CAP_UNTYPED:
        if (cdt_has_children(slot)) {
            return err_code(ERR_REVOKE_FIRST);
        }
        *out = c;
        return err_none();
    case CAP_IRQ_CONTROL:
    case CAP_REPLY:
    case CAP_ZOMBIE:
        *out = cap_null();
        return err_none();
    case CAP_VSPACE:
    case CAP_PAGE_TABLE:
        if (!cap_pt_is_mapped(c)) {
            return err_code(ERR_ILLEGAL_OPERATION);
        }
        *out = c;
        return err_none();
    case CAP_FRAME:
        *out = cap_set_mapping(c, 0, 0);
        return err_none();
    default:
        *out = c;
        return err_none();
    }
}

cap_t cap_mask_rights(cap_t c, uint64_t rights)
{
    unsigned r = (unsigned)rights & RIGHTS_ALL;
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
        return cap_set_rights(c, cap_rights(c) & r);
    case CAP_NOTIFICATION:
        return cap_set_rights(c, cap_rights(c) & r & (RIGHT_READ | RIGHT_WRITE));
    case CAP_REPLY:
        if (!(r & RIGHT_GRANT)) {
            c = cap_reply(cap_paddr(c), cap_reply_is_master(c), false);
        }
        return c;
    case CAP_FRAME: {
        unsigned vm = cap_frame_vm_rights(c);
        unsigned out;
        if (vm == VM_READ_WRITE && (r & RIGHT_READ) && (r & RIGHT_WRITE)) {
            out = VM_READ_WRITE;
        } else if ((vm == VM_READ_WRITE || vm == VM_READ_ONLY) && (r & RIGHT_READ)) {
            out = VM_READ_ONLY;
        } else {
            out = VM_KERNEL_ONLY;
        }
        return cap_set_rights(c, out);
    }
    default:
        return c;
    }
}

cap_t cap_update_data(cap_t c, uint64_t data, bool preserve)
{
    switch (cap_type(c)) {
    case CAP_ENDPOINT:
    case CAP_NOTIFICATION:
        if (!preserve && cap_badge(c) == 0) {
            return cap_set_badge(c, data);
        }
        return cap_null();
    case CAP_CNODE: {
        unsigned guard_size = (unsigned)(data & 63);
        uint64_t guard = data >> 6;
        unsigned radix = cap_cnode_radix(c);
        if (guard_size + radix > 64) {
            return cap_null();
        }
        guard &= guard_size >= 64 ? ~0UL : (1UL << guard_size) - 1;
        return cap_cnode(cap_paddr(c), radix, guard_size, guard);
    }
    default:
        return c;
    }
}
