// SPDX-License-Identifier: BSD-2-Clause
// VSpace objects in the kernel: checked roots, table walks, mapping teardown.
#pragma once

#include <arch/pte.h>
#include <keel/errors.h>
#include <keel/object.h>

struct invocation;

#define USER_LAST_VADDR 0x00007fffffffffffUL   /* seL4_UserTop */

/* The level-0 table of a VSpace cap, checked against the ASID table (§8.10-8.12):
 * no ASID -> InvalidCapability(cap_index); ASID unused -> FL(InvalidRoot);
 * ASID now names another VSpace -> InvalidCapability(cap_index). */
syserr_t vm_checked_root(cap_t vs, unsigned cap_index, pte_t **root);
/* Walks from root through present table entries; returns the entry where it stopped. */
pte_t *vm_walk(pte_t *root, uint64_t vaddr, unsigned *level);
/* Removes a frame cap's mapping if the recorded entry still maps that frame. */
void vm_frame_unmap(cap_t frame);
/* The cache operation op of a Page_* or VSpace_* invocation, on size bytes at physical address pa
 * of the frame that `entry` maps: 4 KiB at a time with a preemption point after each; a preempted
 * call records how far it got and the restarted one goes on from there (INV-SCHED-5). A device
 * frame (PTE_SW_DEVICE) is left alone. */
syserr_t vm_cache_invocation(struct invocation *inv, unsigned op, pte_t entry, uint64_t pa,
                             uint64_t size);
/* Last cap of a page table / VSpace / ASID pool went away. */
void vm_finalise(cap_t c);
