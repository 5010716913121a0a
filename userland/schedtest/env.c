// SPDX-License-Identifier: BSD-2-Clause
// Environment of the suite: platform, slots, objects from RAM untypeds, device page mapping.

#include "st.h"

#include <keel/alloc.h>

struct st_env st;

// --- Platform ------------------------------------------------------------------------------------

// The boards differ in where their RAM is: on virt 0x0900_0000 is the PL011 and so lies in a
// device untyped; on the Pi it is RAM. (The kernel hands every non-RAM region out as device
// untypeds, §12.6.)
static bool is_device(seL4_Word paddr)
{
    return keel_untyped_find(paddr, 0, true) >= 0;
}

static void detect_platform(void)
{
    st.platform = ST_PLAT_UNKNOWN;
    st.platform_name = "unknown";
    if (is_device(0x09000000UL)) {
        st.platform = ST_PLAT_VIRT;
        st.platform_name = "qemu-virt";
        st.max_irq = 159;
        st.uart_paddr = 0x09000000UL;
        st.uart_irq = 33;
    } else if (is_device(0xfe201000UL)) {
        st.platform = ST_PLAT_RPI4;
        st.platform_name = "rpi4";
        st.max_irq = 216;
        st.uart_paddr = 0xfe201000UL;
        st.uart_irq = 153;
    }
}

// --- Slots and objects: libkeel's allocator (keel/alloc.h) --------------------------------------

seL4_CPtr st_slots(unsigned n)
{
    seL4_CPtr s = keel_slot_alloc_range(n);
    if (!s) {
        st_fail("out of root CNode slots, wanted", n, keel_slots_left());
    }
    return s;
}

seL4_CPtr st_slot(void)
{
    // Always from the bump region, so that st_slot_release(mark) covers it.
    return st_slots(1);
}

seL4_CPtr st_slot_mark(void)
{
    return keel_slot_next();
}

void st_slot_release(seL4_CPtr mark)
{
    keel_slot_release(mark);
}

seL4_Error st_delete(seL4_CPtr slot)
{
    return keel_cnode_delete(ST_ROOT_CNODE, slot, ST_DEPTH);
}

seL4_Error st_revoke(seL4_CPtr slot)
{
    return keel_cnode_revoke(ST_ROOT_CNODE, slot, ST_DEPTH);
}

seL4_CPtr st_mint(seL4_CPtr src, seL4_Word rights, seL4_Word badge)
{
    seL4_CPtr s = st_slot();
    if (!s) {
        return 0;
    }
    seL4_Error e =
        keel_cnode_mint(ST_ROOT_CNODE, s, ST_DEPTH, ST_ROOT_CNODE, src, ST_DEPTH, rights, badge);
    if (e != seL4_NoError) {
        st_fail("CNode_Mint failed with error", e, src);
        return 0;
    }
    return s;
}

seL4_CPtr st_new_n(seL4_Word type, seL4_Word size_bits, unsigned n)
{
    seL4_CPtr s = st_slots(n);
    if (!s) {
        return 0;
    }
    seL4_Error err = keel_alloc_retype(type, size_bits, KEEL_ALLOC_RAM, s, n);
    if (err != seL4_NoError) {
        st_fail("Untyped_Retype failed (error, object type)", err, type);
        return 0;
    }
    return s;
}

seL4_CPtr st_new(seL4_Word type, seL4_Word size_bits)
{
    return st_new_n(type, size_bits, 1);
}

// --- Device pages --------------------------------------------------------------------------------

// Halves the device untyped covering paddr until a 4 KiB untyped remains, then retypes a frame.
static seL4_CPtr device_frame(seL4_Word paddr)
{
    int i = keel_untyped_find(paddr, seL4_PageBits, true);
    if (i < 0) {
        st_fail("no device untyped covers", paddr, 0);
        return 0;
    }
    keel_untyped_reserve((unsigned)i); // retyped by hand below
    seL4_CPtr ut = keel_untyped_cap((unsigned)i);
    seL4_Word base = keel_untyped_desc((unsigned)i)->paddr;
    unsigned bits = keel_untyped_desc((unsigned)i)->sizeBits;
    while (bits > seL4_PageBits) {
        seL4_CPtr halves = st_slots(2);
        if (!halves) {
            return 0;
        }
        seL4_Error e =
            keel_untyped_retype(ut, seL4_UntypedObject, bits - 1, ST_ROOT_CNODE, 0, 0, halves, 2);
        if (e != seL4_NoError) {
            st_fail("splitting a device untyped failed with error", e, bits);
            return 0;
        }
        bits--;
        bool upper = paddr >= base + (1UL << bits);
        ut = halves + (upper ? 1 : 0);
        base += upper ? (1UL << bits) : 0;
    }
    seL4_CPtr f = st_slot();
    if (!f) {
        return 0;
    }
    seL4_Error e = keel_untyped_retype(ut, seL4_ARM_SmallPageObject, 0, ST_ROOT_CNODE, 0, 0, f, 1);
    if (e != seL4_NoError) {
        st_fail("retyping the device frame failed with error", e, paddr);
        return 0;
    }
    return f;
}

bool st_map_frame(seL4_CPtr f, seL4_Word vaddr)
{
    seL4_Error e = seL4_NoError;
    for (int tries = 0; tries < 4; tries++) {
        e = keel_arm_page_map(f, ST_ROOT_VS, vaddr, KEEL_RIGHTS_RW, seL4_ARM_ExecuteNever);
        if (e != seL4_FailedLookup) {
            break;
        }
        // A missing page table on the way (§8.12): add one at that level and try again.
        seL4_CPtr pt = st_new(seL4_ARM_PageTableObject, 0);
        if (!pt) {
            return false;
        }
        e = keel_arm_page_table_map(pt, ST_ROOT_VS, vaddr, seL4_ARM_Default_VMAttributes);
        if (e != seL4_NoError) {
            break;
        }
    }
    if (e != seL4_NoError) {
        st_fail("mapping the frame failed with error", e, vaddr);
        return false;
    }
    return true;
}

seL4_CPtr st_map_device_page(seL4_Word paddr, seL4_Word vaddr)
{
    seL4_CPtr f = device_frame(paddr & ~0xfffUL);
    return f && st_map_frame(f, vaddr) ? f : 0;
}

// --- Start-up ------------------------------------------------------------------------------------

bool st_env_init(const seL4_BootInfo *bi)
{
    st.bi = bi;
    detect_platform();
    st.freq = st_cntfrq();
    if (st.freq == 0) {
        st_fail("CNTFRQ_EL0 reads 0", 0, 0);
        return false;
    }
    st.rn = st_new(seL4_NotificationObject, 0);
    if (!st.rn) {
        return false;
    }
    st.rn_timer = st_mint(st.rn, KEEL_RIGHTS_ALL, ST_BIT_TIMER);
    st.rn_uart = st_mint(st.rn, KEEL_RIGHTS_ALL, ST_BIT_UART);
    st.rn_done = st_mint(st.rn, KEEL_RIGHTS_ALL, ST_BIT_DONE);
    st.rn_aux = st_mint(st.rn, KEEL_RIGHTS_ALL, ST_BIT_AUX);
    return st.rn_timer && st.rn_uart && st.rn_done && st.rn_aux;
}
