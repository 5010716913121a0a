// SPDX-License-Identifier: BSD-2-Clause
// A sorted list of free physical ranges; boot allocations are taken from its top.
// Invariants: INV-MEM-5, INV-VS-8 (proofs-notes/README.md)
#include <keel/bootmem.h>

#define PAGE 4096UL

static bootmem_region_t regions[BOOTMEM_MAX_REGIONS];
static unsigned nregions;

static void remove_at(unsigned i)
{
    for (; i + 1 < nregions; i++) {
        regions[i] = regions[i + 1];
    }
    nregions--;
}

static bool insert_at(unsigned i, uint64_t base, uint64_t end)
{
    if (nregions == BOOTMEM_MAX_REGIONS) {
        return false;
    }
    for (unsigned j = nregions; j > i; j--) {
        regions[j] = regions[j - 1];
    }
    regions[i] = (bootmem_region_t){ base, end };
    nregions++;
    return true;
}

bool bootmem_add_ram(uint64_t base, uint64_t size)
{
    if (size == 0) {
        return true;
    }
    if (base + size < base || base > ~(PAGE - 1)) {
        return false;   /* wraps past 2^64: a corrupt description, not RAM */
    }
    uint64_t end = (base + size) & ~(PAGE - 1);
    base = (base + PAGE - 1) & ~(PAGE - 1);
    if (end <= base) {
        return false;   /* not one whole page: nothing usable, say so */
    }
    unsigned i = 0;
    while (i < nregions && regions[i].base < base) {
        i++;
    }
    if ((i > 0 && regions[i - 1].end > base) || (i < nregions && regions[i].base < end)) {
        return false; /* overlapping RAM descriptions: refuse rather than double-count */
    }
    return insert_at(i, base, end);
}

bool bootmem_reserve(uint64_t base, uint64_t size)
{
    if (size == 0) {
        return true;
    }
    /* Saturate at the last page boundary: no free range can end above it. */
    uint64_t end = base + size;
    if (end < base || end > ~(PAGE - 1)) {
        end = ~(PAGE - 1);
    } else {
        end = (end + PAGE - 1) & ~(PAGE - 1);
    }
    base &= ~(PAGE - 1);
    for (unsigned i = 0; i < nregions;) {
        bootmem_region_t *r = &regions[i];
        if (r->end <= base || r->base >= end) {
            i++;
        } else if (r->base >= base && r->end <= end) {
            remove_at(i);
        } else if (r->base < base && r->end > end) {
            if (nregions == BOOTMEM_MAX_REGIONS) {
                return false;   /* refuse before cutting: the region stays whole */
            }
            uint64_t tail = r->end;
            r->end = base;
            insert_at(i + 1, end, tail);
            i += 2;
        } else if (r->base < base) {
            r->end = base;
            i++;
        } else {
            r->base = end;
            i++;
        }
    }
    return true;
}

uint64_t bootmem_alloc(uint64_t size, uint64_t align)
{
    if (size == 0 || (align & (align - 1)) != 0) {
        return 0;
    }
    if (align < PAGE) {
        align = PAGE;
    }
    size = (size + PAGE - 1) & ~(PAGE - 1);
    for (unsigned i = nregions; i-- > 0;) {
        bootmem_region_t *r = &regions[i];
        if (r->end - r->base < size) {
            continue;
        }
        uint64_t p = (r->end - size) & ~(align - 1);
        if (p < r->base) {
            continue;
        }
        if (!bootmem_reserve(p, size)) {
            return 0;
        }
        return p;
    }
    return 0;
}

unsigned bootmem_regions(const bootmem_region_t **out)
{
    *out = regions;
    return nregions;
}

uint64_t bootmem_free_bytes(void)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < nregions; i++) {
        total += regions[i].end - regions[i].base;
    }
    return total;
}
