// SPDX-License-Identifier: BSD-2-Clause
// Creating the root task from the ELF image the kernel carries.
#pragma once

#include <stddef.h>
#include <arch/context.h>

typedef struct {
    user_context_t ctx;
    uint64_t vspace_pa;    /* level-0 table of its address space */
    uint64_t ipc_buffer;   /* user address of the IPC buffer */
    uint64_t bootinfo;     /* user address of the BootInfo frame */
    const char *name;
    int runnable;
} root_thread_t;

/* Loads the image, builds its address space and fills BootInfo; panics with the reason if the
 * image is unusable (the kernel has nothing else to run). */
void roottask_create(root_thread_t *t, const void *elf, size_t elf_size, const void *dtb,
                     size_t dtb_size);
