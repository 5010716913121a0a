// SPDX-License-Identifier: BSD-2-Clause
// Switching TTBR0 to the running thread's VSpace (ASID-tagged, so no TLB flush is needed).
#include <arch/asid.h>
#include <arch/mmu.h>
#include <arch/vspace.h>

void vspace_activate(const tcb_t *t)
{
    cap_t c = t->slots[TCB_SLOT_VSPACE].cap;
    if (cap_type(c) == CAP_VSPACE && cap_pt_is_mapped(c) &&
        arch_asid_vspace((uint16_t)c.w1) == cap_paddr(c)) {
        mmu_set_user_vspace(cap_paddr(c), (uint16_t)c.w1);
    } else {
        mmu_set_empty_vspace();
    }
}
