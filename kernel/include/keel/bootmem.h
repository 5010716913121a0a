// SPDX-License-Identifier: BSD-2-Clause
// Boot-time physical memory: RAM ranges minus what is reserved, handed out page by page.
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define BOOTMEM_MAX_REGIONS 32

typedef struct {
    uint64_t base, end;   /* [base, end) */
} bootmem_region_t;

/* Adds usable RAM (page-aligned inward). */
bool bootmem_add_ram(uint64_t base, uint64_t size);
/* Removes [base, base+size) from the free ranges (page-aligned outward). */
bool bootmem_reserve(uint64_t base, uint64_t size);
/* Allocates size bytes aligned to align (a power of two >= 4 KiB); returns 0 when none fit. */
uint64_t bootmem_alloc(uint64_t size, uint64_t align);
/* Free ranges, in ascending order, for reporting and for the untyped list later. */
unsigned bootmem_regions(const bootmem_region_t **out);
uint64_t bootmem_free_bytes(void);
