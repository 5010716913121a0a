// SPDX-License-Identifier: BSD-2-Clause
// Switching TTBR0 to the running thread's VSpace (ASID-tagged, so no TLB flush is needed).
// Invariants: INV-VS-1, -7 (proofs-notes/README.md)
#include <arch/asid.h>
#include <arch/mmu.h>
#include <arch/vspace.h>

void vspace_activate(tcb_t *t)
{
    if (t->vs_gen == asid_generation) {
        mmu_set_user_ttbr0(t->vs_ttbr0);
        return;
    }
    cap_t c = t->slots[TCB_SLOT_VSPACE].cap;
    if (cap_type(c) == CAP_VSPACE && cap_pt_is_mapped(c) &&
        arch_asid_vspace((uint16_t)c.w1) == cap_paddr(c)) {
        t->vs_ttbr0 = cap_paddr(c) | (c.w1 << 48);
        t->vs_gen = asid_generation;
        mmu_set_user_ttbr0(t->vs_ttbr0);
    } else {
        t->vs_gen = 0;
        mmu_set_empty_vspace();
    }
}
