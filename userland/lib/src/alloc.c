// SPDX-License-Identifier: BSD-2-Clause
// The root task's slot and untyped allocator (design in <keel/alloc.h>).

#include <keel/alloc.h>

#define MAX_UT     CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS
#define MAX_FREED  64 // freed single slots remembered; more are simply not reused
#define ROOT_DEPTH 64

extern const char __keel_image_start[];

static const seL4_BootInfo *boot;
static seL4_CPtr slot_next, slot_end;
static seL4_CPtr freed[MAX_FREED];
static unsigned num_freed;

static seL4_Word ut_watermark[MAX_UT]; // our copy of the kernel's free index, in bytes
static bool ut_reserved[MAX_UT], ut_used[MAX_UT];
static seL4_Error last_error;

void keel_alloc_init(const seL4_BootInfo *bi)
{
    // The startup code calls this before root_main, where nothing may touch FP/SIMD (a libc
    // memset might): the arrays are still zero then, as the kernel zero-fills the image.
    if (boot) {
        for (unsigned i = 0; i < MAX_UT; i++) {
            ut_watermark[i] = 0;
            ut_reserved[i] = false;
            ut_used[i] = false;
        }
    }
    boot = bi;
    slot_next = bi->empty.start;
    slot_end = bi->empty.end;
    num_freed = 0;
    last_error = seL4_NoError;
}

const seL4_BootInfo *keel_alloc_bootinfo(void)
{
    return boot;
}

// --- Slots ---------------------------------------------------------------------------------------

void keel_slot_set_limit(seL4_CPtr end)
{
    if (end < slot_end) {
        slot_end = end;
    }
}

seL4_CPtr keel_slot_alloc_range(unsigned n)
{
    if (n == 0 || slot_next > slot_end || slot_end - slot_next < n) {
        return 0;
    }
    seL4_CPtr first = slot_next;
    slot_next += n;
    return first;
}

seL4_CPtr keel_slot_alloc(void)
{
    if (num_freed > 0) {
        return freed[--num_freed];
    }
    return keel_slot_alloc_range(1);
}

void keel_slot_free(seL4_CPtr slot)
{
    if (!boot || slot < boot->empty.start || slot >= slot_next || num_freed == MAX_FREED) {
        return;
    }
    for (unsigned i = 0; i < num_freed; i++) {
        if (freed[i] == slot) {
            return; // freed twice: keep one entry so it is handed out once
        }
    }
    freed[num_freed++] = slot;
}

seL4_CPtr keel_slot_next(void)
{
    return slot_next;
}

unsigned keel_slots_left(void)
{
    return slot_next < slot_end ? (unsigned)(slot_end - slot_next) : 0;
}

void keel_slot_release(seL4_CPtr mark)
{
    for (seL4_CPtr s = slot_next; s-- > mark;) {
        keel_cnode_delete(seL4_CapInitThreadCNode, s, ROOT_DEPTH);
    }
    if (mark >= slot_next) {
        return;
    }
    slot_next = mark;
    unsigned kept = 0;
    for (unsigned i = 0; i < num_freed; i++) {
        if (freed[i] < mark) {
            freed[kept++] = freed[i];
        }
    }
    num_freed = kept;
}

// --- Untypeds ------------------------------------------------------------------------------------

unsigned keel_untyped_count(void)
{
    seL4_Word n = boot ? boot->untyped.end - boot->untyped.start : 0;
    return n > MAX_UT ? MAX_UT : (unsigned)n;
}

const seL4_UntypedDesc *keel_untyped_desc(unsigned i)
{
    return &boot->untypedList[i];
}

seL4_CPtr keel_untyped_cap(unsigned i)
{
    return boot->untyped.start + i;
}

void keel_untyped_reserve(unsigned i)
{
    if (i < MAX_UT) {
        ut_reserved[i] = true;
    }
}

bool keel_untyped_is_used(unsigned i)
{
    return i < MAX_UT && ut_used[i];
}

int keel_untyped_take_fresh(unsigned min_bits)
{
    int best = -1;
    for (unsigned i = 0; i < keel_untyped_count(); i++) {
        const seL4_UntypedDesc *d = keel_untyped_desc(i);
        if (d->isDevice || d->sizeBits < min_bits || ut_used[i] || ut_reserved[i]) {
            continue;
        }
        if (best < 0 || d->sizeBits < keel_untyped_desc((unsigned)best)->sizeBits) {
            best = (int)i;
        }
    }
    if (best >= 0) {
        ut_reserved[best] = true;
    }
    return best;
}

int keel_untyped_find(seL4_Word paddr, unsigned min_bits, bool device)
{
    for (unsigned i = 0; i < keel_untyped_count(); i++) {
        const seL4_UntypedDesc *d = keel_untyped_desc(i);
        if ((bool)d->isDevice == device && d->sizeBits >= min_bits && paddr >= d->paddr &&
            paddr - d->paddr < (1UL << d->sizeBits)) {
            return (int)i;
        }
    }
    return -1;
}

seL4_Word keel_object_bytes(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
        return 1UL << size_bits;
    case seL4_TCBObject:
        return 1UL << seL4_TCBBits;
    case seL4_EndpointObject:
        return 1UL << seL4_EndpointBits;
    case seL4_NotificationObject:
        return 1UL << seL4_NotificationBits;
    case seL4_CapTableObject:
        return 1UL << (size_bits + seL4_SlotBits);
    case seL4_ARM_HugePageObject:
        return 1UL << seL4_HugePageBits;
    case seL4_ARM_VSpaceObject:
        return 1UL << seL4_VSpaceBits;
    case seL4_ARM_SmallPageObject:
        return 1UL << seL4_PageBits;
    case seL4_ARM_LargePageObject:
        return 1UL << seL4_LargePageBits;
    case seL4_ARM_PageTableObject:
        return 1UL << seL4_PageTableBits;
    default:
        return 0;
    }
}

// Offset after placing n objects of `bytes` (a power of two) above `watermark`, or 0 if they do
// not fit an untyped of 2^bits bytes.
static seL4_Word fit(seL4_Word watermark, unsigned bits, seL4_Word bytes, unsigned n)
{
    if (bits >= seL4_WordBits) {
        return 0;
    }
    seL4_Word size = 1UL << bits;
    seL4_Word start = (watermark + bytes - 1) & ~(bytes - 1);
    if (start < watermark || start > size || (size - start) / bytes < n) {
        return 0;
    }
    return start + bytes * n;
}

seL4_Error keel_alloc_retype(seL4_Word type, seL4_Word size_bits, unsigned flags, seL4_CPtr dst,
                             unsigned n)
{
    seL4_Word bytes = keel_object_bytes(type, size_bits);
    if (!boot || bytes == 0 || n == 0) {
        return seL4_InvalidArgument;
    }
    bool device = (flags & KEEL_ALLOC_DEVICE) != 0;
    for (;;) {
        // The smallest untyped of the asked kind that still has room in our books.
        int best = -1;
        for (unsigned i = 0; i < keel_untyped_count(); i++) {
            const seL4_UntypedDesc *d = keel_untyped_desc(i);
            if ((bool)d->isDevice != device || ut_reserved[i] ||
                fit(ut_watermark[i], d->sizeBits, bytes, n) == 0) {
                continue;
            }
            if (best < 0 || d->sizeBits < keel_untyped_desc((unsigned)best)->sizeBits) {
                best = (int)i;
            }
        }
        if (best < 0) {
            return seL4_NotEnoughMemory;
        }
        unsigned i = (unsigned)best;
        seL4_Error err = keel_untyped_retype(keel_untyped_cap(i), type, size_bits,
                                             seL4_CapInitThreadCNode, 0, 0, dst, n);
        if (err == seL4_NoError) {
            ut_watermark[i] = fit(ut_watermark[i], keel_untyped_desc(i)->sizeBits, bytes, n);
            ut_used[i] = true;
            return err;
        }
        if (err != seL4_NotEnoughMemory) {
            return err;
        }
        // Someone else retyped from it: MR0 says how many bytes are really left.
        seL4_Word size = 1UL << keel_untyped_desc(i)->sizeBits;
        seL4_Word left = keel_mr(0);
        seL4_Word mark = left < size ? size - left : size;
        ut_watermark[i] = mark > ut_watermark[i] ? mark : size;
    }
}

seL4_CPtr keel_alloc_object(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = keel_slot_alloc();
    if (!slot) {
        last_error = seL4_NotEnoughMemory;
        return 0;
    }
    last_error = keel_alloc_retype(type, size_bits, KEEL_ALLOC_RAM, slot, 1);
    if (last_error != seL4_NoError) {
        keel_slot_free(slot);
        return 0;
    }
    return slot;
}

seL4_Error keel_alloc_error(void)
{
    return last_error;
}

// --- The program's own image ---------------------------------------------------------------------

seL4_CPtr keel_image_frame_cap(const void *addr)
{
    uintptr_t base = (uintptr_t)__keel_image_start & ~((1UL << seL4_PageBits) - 1);
    return boot->userImageFrames.start + (((uintptr_t)addr - base) >> seL4_PageBits);
}
