// SPDX-License-Identifier: BSD-2-Clause
// ARM virtual-memory invocation wrappers (keel/vm.h), marshalled per ABI sheet §8.2 and
// §8.10-§8.14.

#include <keel/vm.h>

static seL4_Error vm_invoke(seL4_CPtr cap, seL4_Word label, seL4_Word length, const seL4_Word *mr,
                            seL4_Word ncaps, const seL4_CPtr *caps)
{
    return (seL4_Error)seL4_MessageInfo_get_label(keel_invoke(cap, label, length, ncaps, mr, caps));
}

// Cache operations on a VSpace and on a frame share one shape: tag (L, 0, 0, 2), MR0/MR1 = range.
static seL4_Error range_op(seL4_CPtr cap, seL4_Word label, seL4_Word start, seL4_Word end)
{
    seL4_Word mr[] = {start, end};
    return vm_invoke(cap, label, 2, mr, 0, NULL);
}

// --- VSpace --------------------------------------------------------------------------------------

seL4_Error keel_arm_vspace_clean_data(seL4_CPtr vspace, seL4_Word start, seL4_Word end)
{
    return range_op(vspace, KEEL_VM_INV_VSPACE_CLEAN_DATA, start, end);
}

seL4_Error keel_arm_vspace_invalidate_data(seL4_CPtr vspace, seL4_Word start, seL4_Word end)
{
    return range_op(vspace, KEEL_VM_INV_VSPACE_INVALIDATE_DATA, start, end);
}

seL4_Error keel_arm_vspace_clean_invalidate_data(seL4_CPtr vspace, seL4_Word start, seL4_Word end)
{
    return range_op(vspace, KEEL_VM_INV_VSPACE_CLEAN_INVALIDATE_DATA, start, end);
}

seL4_Error keel_arm_vspace_unify_instruction(seL4_CPtr vspace, seL4_Word start, seL4_Word end)
{
    return range_op(vspace, KEEL_VM_INV_VSPACE_UNIFY_INSTRUCTION, start, end);
}

// --- PageTable -----------------------------------------------------------------------------------

seL4_Error keel_arm_page_table_map(seL4_CPtr page_table, seL4_CPtr vspace, seL4_Word vaddr,
                                   seL4_ARM_VMAttributes attr)
{
    seL4_Word mr[] = {vaddr, attr};
    seL4_CPtr caps[] = {vspace};
    return vm_invoke(page_table, KEEL_VM_INV_PAGE_TABLE_MAP, 2, mr, 1, caps);
}

seL4_Error keel_arm_page_table_unmap(seL4_CPtr page_table)
{
    return vm_invoke(page_table, KEEL_VM_INV_PAGE_TABLE_UNMAP, 0, NULL, 0, NULL);
}

// --- Page ----------------------------------------------------------------------------------------

seL4_Error keel_arm_page_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_Word rights,
                             seL4_ARM_VMAttributes attr)
{
    seL4_Word mr[] = {vaddr, rights, attr};
    seL4_CPtr caps[] = {vspace};
    return vm_invoke(frame, KEEL_VM_INV_PAGE_MAP, 3, mr, 1, caps);
}

seL4_Error keel_arm_page_unmap(seL4_CPtr frame)
{
    return vm_invoke(frame, KEEL_VM_INV_PAGE_UNMAP, 0, NULL, 0, NULL);
}

seL4_Error keel_arm_page_clean_data(seL4_CPtr frame, seL4_Word start_offset, seL4_Word end_offset)
{
    return range_op(frame, KEEL_VM_INV_PAGE_CLEAN_DATA, start_offset, end_offset);
}

seL4_Error keel_arm_page_invalidate_data(seL4_CPtr frame, seL4_Word start_offset,
                                         seL4_Word end_offset)
{
    return range_op(frame, KEEL_VM_INV_PAGE_INVALIDATE_DATA, start_offset, end_offset);
}

seL4_Error keel_arm_page_clean_invalidate_data(seL4_CPtr frame, seL4_Word start_offset,
                                               seL4_Word end_offset)
{
    return range_op(frame, KEEL_VM_INV_PAGE_CLEAN_INVALIDATE_DATA, start_offset, end_offset);
}

seL4_Error keel_arm_page_unify_instruction(seL4_CPtr frame, seL4_Word start_offset,
                                           seL4_Word end_offset)
{
    return range_op(frame, KEEL_VM_INV_PAGE_UNIFY_INSTRUCTION, start_offset, end_offset);
}

seL4_Error keel_arm_page_get_address(seL4_CPtr frame, seL4_Word *paddr)
{
    seL4_Error err = vm_invoke(frame, KEEL_VM_INV_PAGE_GET_ADDRESS, 0, NULL, 0, NULL);
    if (err == seL4_NoError && paddr) {
        *paddr = keel_mr(0);
    }
    return err;
}

// --- ASIDs ---------------------------------------------------------------------------------------

seL4_Error keel_arm_asid_control_make_pool(seL4_CPtr asid_control, seL4_CPtr untyped,
                                           seL4_CPtr root, seL4_Word index, seL4_Word depth)
{
    seL4_Word mr[] = {index, depth};
    seL4_CPtr caps[] = {untyped, root};
    return vm_invoke(asid_control, KEEL_VM_INV_ASID_CONTROL_MAKE_POOL, 2, mr, 2, caps);
}

seL4_Error keel_arm_asid_pool_assign(seL4_CPtr asid_pool, seL4_CPtr vspace)
{
    seL4_CPtr caps[] = {vspace};
    return vm_invoke(asid_pool, KEEL_VM_INV_ASID_POOL_ASSIGN, 0, NULL, 1, caps);
}
