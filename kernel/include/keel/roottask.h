// SPDX-License-Identifier: BSD-2-Clause
// Creating the root task from the ELF image the kernel carries (ABI §12).
#pragma once

#include <stddef.h>
#include <keel/object.h>

/* Initial CSpace slots (§12.3). */
enum {
    SLOT_INIT_TCB = 1,
    SLOT_INIT_CNODE = 2,
    SLOT_INIT_VSPACE = 3,
    SLOT_IRQ_CONTROL = 4,
    SLOT_ASID_CONTROL = 5,
    SLOT_INIT_ASID_POOL = 6,
    SLOT_BOOTINFO_FRAME = 9,
    SLOT_INIT_IPC_BUFFER = 10,
    SLOT_DOMAIN = 11,
    SLOT_FIRST_FREE = 16,
};

#define ROOT_ASID 1

/* Loads the image, builds its VSpace, CSpace, TCB and BootInfo, including every untyped.
 * Panics with the reason if the image is unusable (the kernel has nothing else to run). */
tcb_t *roottask_create(const void *elf, size_t elf_size, const void *dtb, size_t dtb_size);
