// SPDX-License-Identifier: BSD-2-Clause
// The root task's small allocator: slots of the root CNode's empty region and untyped memory.
#pragma once

// State is global: only the root thread of a root task allocates (the startup code initialises it
// from the BootInfo before root_main; a program may call keel_alloc_init() again to start over).
// Slots are named by CPtrs into the root CNode at depth 64 (seL4_CapInitThreadCNode, §11.3).
//
// Slots: a bump pointer over bootinfo->empty plus a small stack of freed single slots. A slot is
// never handed out while it is still allocated: a range always comes from the bump region, a
// single slot from the freed stack first. keel_slot_release() rewinds the bump pointer.
//
// Untypeds: objects are retyped directly from a BootInfo untyped (no child untypeds, so that no
// slot is spent on bookkeeping and a failed retype leaves nothing behind). For each untyped the
// allocator keeps its own copy of the kernel's watermark: the offset of the first free byte, moved
// up to the object size's alignment before each retype as the kernel does. It picks the smallest
// untyped (by size) that still fits the request, so large untypeds stay whole for large frames.
// When the kernel says NotEnoughMemory anyway (a program retyped from that untyped itself), the
// copy is brought up to date from the reply (MR0 = bytes left) and the next candidate is tried.
// Untypeds a program uses by hand should be reserved first (keel_untyped_reserve()).

#include <keel/invoke.h>
#include <keel/types.h>

#include <stdbool.h>

// Start over from this BootInfo: all of bi->empty free, no untyped used or reserved.
void keel_alloc_init(const seL4_BootInfo *bi);
// The BootInfo the allocator was initialised from (NULL before keel_alloc_init()).
const seL4_BootInfo *keel_alloc_bootinfo(void);

// --- Slots ---------------------------------------------------------------------------------------

// Hand out no slot at or above `end` (e.g. to stay inside the root CNode's radix).
void keel_slot_set_limit(seL4_CPtr end);
// A free empty slot, or 0 when none is left.
seL4_CPtr keel_slot_alloc(void);
// n consecutive never-used slots (from the bump region); the first, or 0 when they do not fit.
seL4_CPtr keel_slot_alloc_range(unsigned n);
// Gives back one slot (its cap must already be deleted). Slots not handed out are ignored.
void keel_slot_free(seL4_CPtr slot);
// The slot the bump region hands out next: every bump-allocated slot since a mark lies in
// [mark, keel_slot_next()).
seL4_CPtr keel_slot_next(void);
// Slots left in the bump region.
unsigned keel_slots_left(void);
// Deletes the caps in [mark, keel_slot_next()) from the top down and rewinds the bump region to
// mark, so those slots can be handed out again.
void keel_slot_release(seL4_CPtr mark);

// --- Untypeds ------------------------------------------------------------------------------------

// The BootInfo untyped list: number of entries, i-th descriptor and cap.
unsigned keel_untyped_count(void);
const seL4_UntypedDesc *keel_untyped_desc(unsigned i);
seL4_CPtr keel_untyped_cap(unsigned i);
// Keeps untyped i out of the allocator (the program retypes from it by hand).
void keel_untyped_reserve(unsigned i);
// Whether the allocator has retyped from untyped i.
bool keel_untyped_is_used(unsigned i);
// The smallest RAM untyped of at least 2^min_bits bytes that is neither used nor reserved; it is
// reserved for the caller. -1 if none.
int keel_untyped_take_fresh(unsigned min_bits);
// The first untyped (device or RAM as asked) of at least 2^min_bits bytes covering paddr, or -1.
int keel_untyped_find(seL4_Word paddr, unsigned min_bits, bool device);

// Bytes an object of `type` takes in an untyped (size_bits for untypeds and CNodes); 0 for a type
// that cannot be retyped.
seL4_Word keel_object_bytes(seL4_Word type, seL4_Word size_bits);

#define KEEL_ALLOC_RAM    0u // RAM untypeds only (the default)
#define KEEL_ALLOC_DEVICE 1u // device untypeds only (frames and untypeds)

// Retypes n objects of `type` into the root-CNode slots [dst, dst + n) from one untyped of the
// kind `flags` names. NotEnoughMemory when no untyped has room; other kernel errors as they come
// (the reply stays readable with keel_mr()).
seL4_Error keel_alloc_retype(seL4_Word type, seL4_Word size_bits, unsigned flags, seL4_CPtr dst,
                             unsigned n);
// One RAM object in a fresh slot; 0 on failure, with the error in keel_alloc_error() (the slot
// is given back).
seL4_CPtr keel_alloc_object(seL4_Word type, seL4_Word size_bits);
// The error of the last keel_alloc_object() (seL4_NoError after a success; seL4_NotEnoughMemory
// too when no slot was left).
seL4_Error keel_alloc_error(void);

// --- The program's own image ---------------------------------------------------------------------

// The BootInfo userImageFrames cap of the 4 KiB frame holding addr (an address of this image).
seL4_CPtr keel_image_frame_cap(const void *addr);
