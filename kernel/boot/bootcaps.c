// SPDX-License-Identifier: BSD-2-Clause
// Initial caps and the untyped list: device space first, then free RAM, in aligned chunks.
// Invariants: INV-BOOT-12, INV-CAP-1, -4, INV-MEM-1..5, INV-VS-8 (proofs-notes/README.md)
#include <arch/machine.h>
#include <keel/bootmem.h>
#include <keel/cdt.h>
#include <keel/printk.h>
#include <plat/platform.h>
#include "bootcaps.h"

#define MAX_CHUNK_BITS 47

void boot_cspace_init(boot_cspace_t *cs, uint64_t cnode_pa, unsigned radix)
{
    cs->slots = obj_ptr(cnode_pa);
    cs->nslots = 1UL << radix;
    cs->next = 0;
}

void boot_cspace_put(boot_cspace_t *cs, uint64_t slot, cap_t c)
{
    if (slot >= cs->nslots) {
        panic("boot: the root CNode (%lu slots) is too small for the initial caps", cs->nslots);
    }
    cte_t *s = &cs->slots[slot];
    s->cap = c;
    s->prev = 1;    /* revocable, no neighbours */
    s->next = 1;    /* first badged */
    if (slot >= cs->next) {
        cs->next = slot + 1;
    }
}

void boot_cspace_copy(boot_cspace_t *cs, uint64_t slot, cte_t *dest)
{
    cdt_insert_derived(&cs->slots[slot], dest, cs->slots[slot].cap);
}

static void add_untyped(boot_cspace_t *cs, bootinfo_t *bi, uint64_t base, unsigned bits,
                        bool device, uint64_t *dropped)
{
    uint64_t n = cs->next - bi->untyped.start;
    if (n >= BI_MAX_UNTYPEDS || cs->next >= cs->nslots) {
        *dropped += 1;
        return;
    }
    /* Boot untypeds start full with no children: their first Retype zeroes them (§13.10). */
    boot_cspace_put(cs, cs->next, cap_untyped(base, bits, device, 1UL << bits));
    bi->untyped_list[n] = (bi_untyped_desc_t){ .paddr = base, .size_bits = (uint8_t)bits,
                                               .is_device = device };
}

/* Cuts [base, end) into the largest naturally aligned power-of-two pieces. */
static void add_range(boot_cspace_t *cs, bootinfo_t *bi, uint64_t base, uint64_t end,
                      bool device, uint64_t *dropped)
{
    while (base < end && end - base >= 16) {
        unsigned bits = base == 0 ? MAX_CHUNK_BITS : (unsigned)__builtin_ctzl(base);
        if (bits > MAX_CHUNK_BITS) {
            bits = MAX_CHUNK_BITS;
        }
        while ((1UL << bits) > end - base) {
            bits--;
        }
        if (bits >= 4) {
            add_untyped(cs, bi, base, bits, device, dropped);
        }
        base += 1UL << bits;
    }
}

/* Physical ranges the kernel keeps for itself inside device space: the GIC's first pages. */
static const uint64_t kernel_device_pages[] = { PLAT_GICD_PADDR, PLAT_GICC_PADDR };

void boot_untypeds(boot_cspace_t *cs, bootinfo_t *bi)
{
    uint64_t dropped = 0;
    bi->untyped.start = cs->next;

    /* Device space: everything below the top that is neither RAM nor a kernel device page. */
    const fdt_region_t *ram;
    unsigned nram = boot_ram_regions(&ram);
    uint64_t top = 1UL << PLAT_PADDR_BITS;
    uint64_t cursor = 0;
    while (cursor < top) {
        /* The next obstacle above cursor: a RAM range or a kernel device page. */
        uint64_t obstacle = top, obstacle_end = top;
        for (unsigned i = 0; i < nram; i++) {
            uint64_t b = ram[i].base, e = ram[i].base + ram[i].size;
            if (e > cursor && b < obstacle) {
                obstacle = b < cursor ? cursor : b;
                obstacle_end = e;
            }
        }
        for (unsigned i = 0; i < sizeof(kernel_device_pages) / sizeof(kernel_device_pages[0]); i++) {
            uint64_t b = kernel_device_pages[i] & ~0xfffUL;
            if (b + 0x1000 > cursor && b < obstacle) {
                obstacle = b < cursor ? cursor : b;
                obstacle_end = b + 0x1000;
            }
        }
        add_range(cs, bi, cursor, obstacle, true, &dropped);
        cursor = obstacle_end;
    }

    /* Free RAM. */
    const bootmem_region_t *r;
    unsigned n = bootmem_regions(&r);
    for (unsigned i = 0; i < n; i++) {
        add_range(cs, bi, r[i].base, r[i].end, false, &dropped);
    }
    bi->untyped.end = cs->next;
    if (dropped != 0) {
        kprintf("boot: %lu untyped chunks did not fit the BootInfo list of %u\n", dropped,
                BI_MAX_UNTYPEDS);
    }
}
