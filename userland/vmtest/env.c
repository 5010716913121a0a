// SPDX-License-Identifier: BSD-2-Clause
// VM suite environment: board detection, allocation checks, mapping helpers.

#include "vmtest.h"

#include <keel/alloc.h>

#include <stdio.h>
#include <string.h>

struct vt_env vt;

void vt_threads_init(void); // threads.c

extern const char __keel_image_start[];
extern const char __keel_image_end[];

// --- Board detection from the FDT in the extra bootinfo (§12.7) ----------------------------------

static uint32_t be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

// The root node's "compatible" string list, or NULL.
static const char *fdt_root_compatible(const seL4_BootInfo *bi, uint32_t *len_out)
{
    if (bi->extraLen < 16 + 40) {
        return NULL;
    }
    const unsigned char *extra = (const unsigned char *)bi + VT_PAGE;
    const seL4_BootInfoHeader *hdr = (const seL4_BootInfoHeader *)extra;
    if (hdr->id != SEL4_BOOTINFO_HEADER_FDT) {
        return NULL;
    }
    const unsigned char *fdt = extra + sizeof(*hdr);
    if (be32(fdt) != 0xd00dfeedU) {
        return NULL;
    }
    uint32_t total = be32(fdt + 4), off_struct = be32(fdt + 8), off_strings = be32(fdt + 12);
    if (total > bi->extraLen - sizeof(*hdr) || off_struct >= total || off_strings >= total) {
        return NULL;
    }
    const unsigned char *p = fdt + off_struct, *end = fdt + total;
    int depth = 0;
    while (p + 4 <= end) {
        uint32_t token = be32(p);
        p += 4;
        if (token == 1) { // FDT_BEGIN_NODE: name, NUL, padding
            depth++;
            while (p < end && *p) {
                p++;
            }
            p = fdt + ((p + 1 - fdt + 3) & ~3UL);
        } else if (token == 2) { // FDT_END_NODE
            if (--depth <= 0) {
                return NULL;
            }
        } else if (token == 3) { // FDT_PROP: len, nameoff, value
            if (p + 8 > end) {
                return NULL;
            }
            uint32_t len = be32(p), nameoff = be32(p + 4);
            const unsigned char *value = p + 8;
            if (depth == 1 && off_strings + nameoff < total &&
                strcmp((const char *)fdt + off_strings + nameoff, "compatible") == 0) {
                *len_out = len;
                return (const char *)value;
            }
            p = fdt + ((value + len - fdt + 3) & ~3UL);
        } else if (token == 4) { // FDT_NOP
            continue;
        } else {
            return NULL;
        }
    }
    return NULL;
}

static bool compatible_has(const char *list, uint32_t len, const char *what)
{
    size_t n = strlen(what);
    for (uint32_t i = 0; i < len;) {
        const char *s = list + i;
        size_t l = 0;
        while (i + l < len && s[l]) {
            l++;
        }
        if (l >= n && memcmp(s, what, n) == 0) {
            return true;
        }
        i += (uint32_t)l + 1;
    }
    return false;
}

static void detect_platform(const seL4_BootInfo *bi)
{
    uint32_t len = 0;
    const char *compat = fdt_root_compatible(bi, &len);
    vt.platform = VT_PLAT_UNKNOWN;
    vt.platform_name = "unknown";
    if (compat && compatible_has(compat, len, "linux,dummy-virt")) {
        vt.platform = VT_PLAT_VIRT;
        vt.platform_name = "qemu-virt";
    } else if (compat && (compatible_has(compat, len, "raspberrypi,4") ||
                          compatible_has(compat, len, "brcm,bcm2711"))) {
        vt.platform = VT_PLAT_RPI4;
        vt.platform_name = "rpi4";
    }
}

// --- Slots (<keel/alloc.h>) ----------------------------------------------------------------------

seL4_CPtr vt_slots(unsigned n)
{
    seL4_CPtr s = keel_slot_alloc_range(n);
    CHECK(s != 0, "out of CNode slots (%u wanted, %u left)", n, keel_slots_left());
    return s;
}

seL4_CPtr vt_slot(void)
{
    return vt_slots(1);
}

seL4_CPtr vt_slot_mark(void)
{
    return keel_slot_next();
}

void vt_slot_release(seL4_CPtr mark)
{
    keel_slot_release(mark);
}

unsigned vt_slots_free(void)
{
    return keel_slots_left();
}

seL4_CPtr vt_copy(seL4_CPtr src, seL4_Word rights)
{
    seL4_CPtr s = vt_slot();
    if (!s) {
        return 0;
    }
    seL4_Error e =
        keel_cnode_copy(VT_ROOT_CNODE, s, VT_DEPTH, VT_ROOT_CNODE, src, VT_DEPTH, rights);
    if (!vt_ok(__LINE__, "CNode_Copy", e)) {
        return 0;
    }
    return s;
}

seL4_Error vt_delete(seL4_CPtr slot)
{
    return keel_cnode_delete(VT_ROOT_CNODE, slot, VT_DEPTH);
}

seL4_Error vt_revoke(seL4_CPtr slot)
{
    return keel_cnode_revoke(VT_ROOT_CNODE, slot, VT_DEPTH);
}

// --- Untypeds (<keel/alloc.h>: the smallest RAM untyped that fits) ------------------------------

unsigned vt_num_untypeds(void)
{
    return keel_untyped_count();
}

const seL4_UntypedDesc *vt_untyped_desc(unsigned i)
{
    return keel_untyped_desc(i);
}

seL4_CPtr vt_untyped_cap(unsigned i)
{
    return keel_untyped_cap(i);
}

void vt_untyped_reserve(unsigned i)
{
    keel_untyped_reserve(i);
}

bool vt_untyped_is_used(unsigned i)
{
    return keel_untyped_is_used(i);
}

seL4_Error vt_retype(seL4_Word type, seL4_Word size_bits, seL4_CPtr slot, unsigned n)
{
    return keel_alloc_retype(type, size_bits, KEEL_ALLOC_RAM, slot, n);
}

seL4_CPtr vt_new_n(seL4_Word type, seL4_Word size_bits, unsigned n)
{
    seL4_CPtr s = vt_slots(n);
    if (!s) {
        return 0;
    }
    seL4_Error err = vt_retype(type, size_bits, s, n);
    if (!vt_check(err == seL4_NoError, __LINE__, "Untyped_Retype of %u objects of type %lu: %s", n,
                  type, keel_error_name(err))) {
        return 0;
    }
    return s;
}

seL4_CPtr vt_new(seL4_Word type, seL4_Word size_bits)
{
    return vt_new_n(type, size_bits, 1);
}

seL4_CPtr vt_new_untyped(unsigned bits)
{
    return vt_new(seL4_UntypedObject, bits);
}

// --- VSpaces and mappings ------------------------------------------------------------------------

seL4_CPtr vt_new_vspace(seL4_CPtr pool)
{
    seL4_CPtr vs = vt_new(seL4_ARM_VSpaceObject, 0);
    if (!vs) {
        return 0;
    }
    seL4_Error e = keel_arm_asid_pool_assign(pool ? pool : seL4_CapInitThreadASIDPool, vs);
    if (!vt_ok(__LINE__, "ASIDPool_Assign", e)) {
        return 0;
    }
    return vs;
}

seL4_Error vt_map_auto(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_Word rights,
                       seL4_Word attr)
{
    seL4_Error err = seL4_NoError;
    for (int tries = 0; tries < 4; tries++) {
        err = keel_arm_page_map(frame, vspace, vaddr, rights, attr);
        if (err != seL4_FailedLookup || keel_mr(1) != seL4_MissingCapability) {
            return err;
        }
        seL4_CPtr pt = vt_new(seL4_ARM_PageTableObject, 0);
        if (!pt) {
            return seL4_NotEnoughMemory;
        }
        seL4_Error e = keel_arm_page_table_map(pt, vspace, vaddr, seL4_ARM_Default_VMAttributes);
        if (e != seL4_NoError) {
            return e;
        }
    }
    return err;
}

seL4_CPtr vt_new_mapped_page(seL4_Word vaddr)
{
    seL4_CPtr f = vt_new(seL4_ARM_SmallPageObject, 0);
    if (!f) {
        return 0;
    }
    if (!vt_ok(__LINE__, "map a new 4 KiB page",
               vt_map_auto(f, VT_ROOT_VS, vaddr, VT_RW, VT_CACHED))) {
        return 0;
    }
    return f;
}

bool vt_map_image(seL4_CPtr vspace)
{
    seL4_SlotRegion r = vt.bi->userImageFrames;
    for (seL4_CPtr s = r.start; s < r.end; s++) {
        seL4_CPtr c = vt_copy(s, VT_RW);
        if (!c) {
            return false;
        }
        seL4_Word va = vt.image_start + (s - r.start) * VT_PAGE;
        if (!vt_ok(__LINE__, "map an image frame into another VSpace",
                   vt_map_auto(c, vspace, va, VT_RW, VT_CACHED))) {
            return false;
        }
    }
    return true;
}

// One probe: NoError, or RangeError(start, last byte of the page) when [vaddr, vaddr + span + 1)
// leaves the page that maps vaddr.
static int probe_span(seL4_CPtr vspace, seL4_Word vaddr, seL4_Word span, seL4_Word *last)
{
    seL4_Error e = keel_arm_vspace_clean_data(vspace, vaddr, vaddr + span + 1);
    if (e == seL4_NoError) {
        return 0;
    }
    if (e == seL4_RangeError && keel_reply_length() == 2 && keel_mr(0) == vaddr) {
        *last = keel_mr(1);
        return 1;
    }
    return -1;
}

seL4_Word vt_probe(int line, seL4_CPtr vspace, seL4_Word vaddr)
{
    static const seL4_Word spans[] = {VT_PAGE, VT_LARGE, VT_HUGE};
    for (unsigned i = 0; i < 3; i++) {
        seL4_Word last = 0;
        int r = probe_span(vspace, vaddr, spans[i], &last);
        if (r == 1) {
            seL4_Word base = vaddr & ~(spans[i] - 1);
            if (!vt_check(last == base + spans[i] - 1, line,
                          "probe of 0x%lx: RangeError names last byte 0x%lx, expected 0x%lx", vaddr,
                          last, base + spans[i] - 1)) {
                return 1;
            }
            return spans[i];
        }
        if (r < 0) {
            vt_check(false, line, "probe of 0x%lx: VSpace_Clean_Data gave %s (length %lu)", vaddr,
                     keel_error_name(keel_reply_label()), keel_reply_length());
            return 1;
        }
    }
    return 0;
}

seL4_CPtr vt_new_pool(void)
{
    seL4_CPtr u = vt_new_untyped(seL4_ASIDPoolBits);
    seL4_CPtr s = vt_slot();
    if (!u || !s) {
        return 0;
    }
    if (!vt_ok(
            __LINE__, "ASIDControl_MakePool",
            keel_arm_asid_control_make_pool(seL4_CapASIDControl, u, VT_ROOT_CNODE, s, VT_DEPTH))) {
        return 0;
    }
    return s;
}

int vt_find_device_untyped(seL4_Word paddr, unsigned min_bits)
{
    return keel_untyped_find(paddr, min_bits, true);
}

seL4_CPtr vt_device_frame(seL4_Word paddr, unsigned bits)
{
    int i = vt_find_device_untyped(paddr, bits);
    if (!vt_check(i >= 0, __LINE__, "no device untyped covers 0x%lx", paddr)) {
        return 0;
    }
    seL4_CPtr ut = vt_untyped_cap((unsigned)i);
    seL4_Word base = vt_untyped_desc((unsigned)i)->paddr;
    unsigned n = vt_untyped_desc((unsigned)i)->sizeBits;
    // Halve the untyped until the half that holds paddr has the frame's size.
    while (n > bits) {
        seL4_CPtr halves = vt_slots(2);
        if (!halves || !vt_ok(__LINE__, "Retype a device untyped into two halves",
                              keel_untyped_retype(ut, seL4_UntypedObject, n - 1, VT_ROOT_CNODE, 0,
                                                  0, halves, 2))) {
            return 0;
        }
        n--;
        bool upper = paddr - base >= (1UL << n);
        ut = halves + (upper ? 1 : 0);
        base += upper ? 1UL << n : 0;
    }
    seL4_Word type = bits == 12   ? seL4_ARM_SmallPageObject
                     : bits == 21 ? seL4_ARM_LargePageObject
                                  : seL4_ARM_HugePageObject;
    seL4_CPtr f = vt_slot();
    if (!f || !vt_ok(__LINE__, "Retype a device frame",
                     keel_untyped_retype(ut, type, 0, VT_ROOT_CNODE, 0, 0, f, 1))) {
        return 0;
    }
    return f;
}

seL4_CPtr vt_uart_frame(seL4_Word *paddr)
{
    seL4_Word base = vt.platform == VT_PLAT_VIRT   ? 0x09000000UL
                     : vt.platform == VT_PLAT_RPI4 ? 0xFE201000UL
                                                   : 0;
    if (!base) {
        vt_skip("board not recognised from the device tree: UART address unknown");
        return 0;
    }
    *paddr = base;
    return vt_device_frame(base, 12);
}

seL4_CPtr vt_device_huge(void)
{
    for (unsigned i = 0; i < vt_num_untypeds(); i++) {
        const seL4_UntypedDesc *d = vt_untyped_desc(i);
        if (!d->isDevice || d->sizeBits < 30) {
            continue;
        }
        seL4_CPtr s = vt_slot();
        if (!s) {
            return 0;
        }
        if (keel_untyped_retype(vt_untyped_cap(i), seL4_ARM_HugePageObject, 0, VT_ROOT_CNODE, 0, 0,
                                s, 1) == seL4_NoError) {
            return s;
        }
    }
    return 0;
}

int vt_take_fresh_untyped(unsigned min_bits)
{
    return keel_untyped_take_fresh(min_bits);
}

seL4_Word vt_window(unsigned n)
{
    return 0x10000000UL + (seL4_Word)n * 0x400000UL;
}

// --- Init ----------------------------------------------------------------------------------------

void vt_env_init(const seL4_BootInfo *bi)
{
    vt.bi = bi;
    vt.image_start = (uintptr_t)__keel_image_start;
    vt.image_end = ((uintptr_t)__keel_image_end + VT_PAGE - 1) & ~(VT_PAGE - 1);
    detect_platform(bi); // slots and untypeds: the startup code set <keel/alloc.h> up from bi

    seL4_Word ram = 0, dev = 0;
    unsigned big = 0;
    for (unsigned i = 0; i < vt_num_untypeds(); i++) {
        const seL4_UntypedDesc *d = vt_untyped_desc(i);
        if (d->isDevice) {
            dev++;
        } else {
            ram += 1UL << d->sizeBits;
            big = d->sizeBits > big ? d->sizeBits : big;
        }
    }
    vt_info("board %s, %u untypeds (%lu device), %lu MiB RAM untyped (largest 2^%u), "
            "slots [%lu, %lu), image 0x%lx-0x%lx (%lu frame caps)",
            vt.platform_name, vt_num_untypeds(), dev, ram >> 20, big, bi->empty.start,
            bi->empty.end, (seL4_Word)vt.image_start, (seL4_Word)vt.image_end,
            bi->userImageFrames.end - bi->userImageFrames.start);
    CHECK(bi->userImageFrames.end - bi->userImageFrames.start ==
              (vt.image_end - vt.image_start) / VT_PAGE,
          "BootInfo userImageFrames has %lu caps for an image of %lu pages",
          bi->userImageFrames.end - bi->userImageFrames.start,
          (vt.image_end - vt.image_start) / VT_PAGE);
    vt.fresh_ut = vt_take_fresh_untyped(22);
    vt_threads_init();
}
