// SPDX-License-Identifier: BSD-2-Clause
// Filling the root task's CSpace at boot, and handing out all remaining memory as untypeds.
#pragma once

#include <keel/bootinfo.h>
#include <keel/fdt.h>
#include <keel/object.h>

typedef struct {
    cte_t *slots;
    uint64_t nslots;
    uint64_t next;          /* first dynamic slot not yet used */
} boot_cspace_t;

void boot_cspace_init(boot_cspace_t *cs, uint64_t cnode_pa, unsigned radix);
/* Writes an original cap (no parent, may have children) into slot; advances next past it. */
void boot_cspace_put(boot_cspace_t *cs, uint64_t slot, cap_t c);
/* Copies slot's cap into dest as its child (the TCB's own slots). */
void boot_cspace_copy(boot_cspace_t *cs, uint64_t slot, cte_t *dest);
/* Device untypeds, then RAM untypeds, recorded in BootInfo (§12.6). */
void boot_untypeds(boot_cspace_t *cs, bootinfo_t *bi);

/* The RAM ranges the device tree describes (boot.c keeps them). */
unsigned boot_ram_regions(const fdt_region_t **out);
