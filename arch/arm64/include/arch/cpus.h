// SPDX-License-Identifier: BSD-2-Clause
// Secondary CPUs at boot: Keel runs on the boot core only.
#pragma once

#include <keel/fdt.h>

/* Sends every spin-table secondary the DT describes to a WFI loop inside the kernel image
 * (loaded at load_pa); release addresses must lie in ram[0..nram). */
void arch_park_secondaries(const fdt_t *fdt, uint64_t load_pa, const fdt_region_t *ram,
                           unsigned nram);
