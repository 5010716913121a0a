// SPDX-License-Identifier: BSD-2-Clause
// ARM virtual-memory invocations: VSpace, PageTable, Page (frame), ASIDControl and ASIDPool.
#pragma once

// One wrapper per method of ABI sheet §8.10-§8.14, marshalled as §8.2 says and performed as a Call
// through keel_invoke() (<keel/invoke.h>). Each returns the reply label, i.e. the error code; the
// reply tag and MRs stay readable with keel_reply_info() and keel_mr(i) exactly as for the
// wrappers in <keel/invoke.h> (e.g. after seL4_FailedLookup keel_mr(1) is the lookup-failure type
// and keel_mr(2) the bits left).
//
// Rights and attributes are taken as full words: the kernel reads whole words (§8.2) and masks
// rights to 4 bits itself (§4.2), and tests need to send values a narrower type could not carry.

#include <keel/invoke.h>
#include <keel/types.h>

// --- VM attributes (§4.6) ------------------------------------------------------------------------

typedef seL4_Word seL4_ARM_VMAttributes;

#define seL4_ARM_PageCacheable        0x1UL // Normal write-back memory; without it Device-nGnRnE
#define seL4_ARM_ParityEnabled        0x2UL // ignored on AArch64
#define seL4_ARM_ExecuteNever         0x4UL // UXN: no instruction fetch at EL0
#define seL4_ARM_Default_VMAttributes 0x3UL

// seL4_ARM_CacheType (§4.6), for completeness of the ABI names.
#define seL4_ARM_CacheI  1
#define seL4_ARM_CacheD  2
#define seL4_ARM_CacheID 3

// log2 of the ASID pool object and of the ASIDs per pool (§4.5).
#define seL4_ASIDPoolBits      12
#define seL4_ASIDPoolIndexBits 9
#define seL4_NumASIDPoolsBits  7

// --- Labels (§8.1) -------------------------------------------------------------------------------

// Separate names from <keel/invoke.h>'s enum so the two headers can grow independently; the
// values are the ABI's.
enum keel_vm_label {
    KEEL_VM_INV_VSPACE_CLEAN_DATA = 30,
    KEEL_VM_INV_VSPACE_INVALIDATE_DATA = 31,
    KEEL_VM_INV_VSPACE_CLEAN_INVALIDATE_DATA = 32,
    KEEL_VM_INV_VSPACE_UNIFY_INSTRUCTION = 33,
    KEEL_VM_INV_PAGE_TABLE_MAP = 35,
    KEEL_VM_INV_PAGE_TABLE_UNMAP = 36,
    KEEL_VM_INV_PAGE_MAP = 37,
    KEEL_VM_INV_PAGE_UNMAP = 38,
    KEEL_VM_INV_PAGE_CLEAN_DATA = 39,
    KEEL_VM_INV_PAGE_INVALIDATE_DATA = 40,
    KEEL_VM_INV_PAGE_CLEAN_INVALIDATE_DATA = 41,
    KEEL_VM_INV_PAGE_UNIFY_INSTRUCTION = 42,
    KEEL_VM_INV_PAGE_GET_ADDRESS = 43,
    KEEL_VM_INV_ASID_CONTROL_MAKE_POOL = 44,
    KEEL_VM_INV_ASID_POOL_ASSIGN = 45,
};

// --- VSpace cache maintenance (§8.10): range [start, end) of user virtual addresses --------------

seL4_Error keel_arm_vspace_clean_data(seL4_CPtr vspace, seL4_Word start, seL4_Word end);
seL4_Error keel_arm_vspace_invalidate_data(seL4_CPtr vspace, seL4_Word start, seL4_Word end);
seL4_Error keel_arm_vspace_clean_invalidate_data(seL4_CPtr vspace, seL4_Word start, seL4_Word end);
seL4_Error keel_arm_vspace_unify_instruction(seL4_CPtr vspace, seL4_Word start, seL4_Word end);

// --- PageTable (§8.11) ---------------------------------------------------------------------------

seL4_Error keel_arm_page_table_map(seL4_CPtr page_table, seL4_CPtr vspace, seL4_Word vaddr,
                                   seL4_ARM_VMAttributes attr);
seL4_Error keel_arm_page_table_unmap(seL4_CPtr page_table);

// --- Page (§8.12) --------------------------------------------------------------------------------

seL4_Error keel_arm_page_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_Word rights,
                             seL4_ARM_VMAttributes attr);
seL4_Error keel_arm_page_unmap(seL4_CPtr frame);
// Cache operations on [start_offset, end_offset) inside the frame.
seL4_Error keel_arm_page_clean_data(seL4_CPtr frame, seL4_Word start_offset, seL4_Word end_offset);
seL4_Error keel_arm_page_invalidate_data(seL4_CPtr frame, seL4_Word start_offset,
                                         seL4_Word end_offset);
seL4_Error keel_arm_page_clean_invalidate_data(seL4_CPtr frame, seL4_Word start_offset,
                                               seL4_Word end_offset);
seL4_Error keel_arm_page_unify_instruction(seL4_CPtr frame, seL4_Word start_offset,
                                           seL4_Word end_offset);
// On success *paddr is the frame's physical base address (reply MR0); untouched on error.
seL4_Error keel_arm_page_get_address(seL4_CPtr frame, seL4_Word *paddr);

// --- ASIDControl (§8.13) and ASIDPool (§8.14) ----------------------------------------------------

// Turns a 4 KiB RAM untyped without children into an ASID pool placed at (root, index, depth).
seL4_Error keel_arm_asid_control_make_pool(seL4_CPtr asid_control, seL4_CPtr untyped,
                                           seL4_CPtr root, seL4_Word index, seL4_Word depth);
seL4_Error keel_arm_asid_pool_assign(seL4_CPtr asid_pool, seL4_CPtr vspace);
