// SPDX-License-Identifier: BSD-2-Clause
// ASID pools: 128 pools of 512 ASIDs, each entry naming the VSpace that owns the ASID.
#pragma once

#include <stdint.h>

#define ASID_POOLS      128
#define ASIDS_PER_POOL  512

/* Registers the initial pool (ASIDs 0..511) and gives ASID 1 to the root VSpace. */
void arch_asid_pool_init(uint64_t pool_pa, uint64_t vspace_pa);
/* The VSpace physical address owning asid, 0 if none. */
uint64_t arch_asid_vspace(uint16_t asid);
