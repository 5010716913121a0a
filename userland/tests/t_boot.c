// SPDX-License-Identifier: BSD-2-Clause
// Tests of the initial CSpace and the BootInfo regions the kernel hands the root task (§12).

#include "captest.h"

#define PAGE (1UL << seL4_PageBits)

extern const char __keel_image_start[];
extern const char __keel_image_end[];

static seL4_Word region_len(seL4_SlotRegion r)
{
    return r.end >= r.start ? r.end - r.start : 0;
}

static seL4_Word image_start(void)
{
    return (seL4_Word)(uintptr_t)__keel_image_start & ~(PAGE - 1);
}

static seL4_Word image_end(void)
{
    return ((seL4_Word)(uintptr_t)__keel_image_end + PAGE - 1) & ~(PAGE - 1);
}

// §12.3: slots 1..15 hold fixed caps or nothing.
static void t_fixed_slots(void)
{
    static const seL4_Word want[16] = {
        [0] = KEEL_CAP_NULL,      [1] = KEEL_CAP_TCB,         [2] = KEEL_CAP_CNODE,
        [3] = KEEL_CAP_VSPACE,    [4] = KEEL_CAP_IRQ_CONTROL, [5] = KEEL_CAP_ASID_CONTROL,
        [6] = KEEL_CAP_ASID_POOL, [7] = KEEL_CAP_NULL,        [8] = KEEL_CAP_NULL,
        [9] = KEEL_CAP_FRAME,     [10] = KEEL_CAP_FRAME,      [11] = KEEL_CAP_DOMAIN,
        [12] = KEEL_CAP_NULL,     [13] = KEEL_CAP_NULL,       [14] = KEEL_CAP_NULL,
        [15] = KEEL_CAP_NULL,
    };
    for (seL4_CPtr s = 0; s < 16; s++) {
        CHECK_TAG(s, want[s]);
    }
}

// §12.5: the scalar fields.
static void t_bootinfo_fields(void)
{
    const seL4_BootInfo *bi = env.bi;
    CHECK_EQ(bi->nodeID, 0);
    CHECK_EQ(bi->numNodes, 1);
    CHECK_EQ(bi->numIOPTLevels, 0);
    CHECK_EQ(bi->initThreadCNodeSizeBits, ROOT_BITS);
    CHECK_EQ(bi->initThreadDomain, 0);
    CHECK_EQ((seL4_Word)(uintptr_t)bi->ipcBuffer, image_end());
    CHECK_EQ((seL4_Word)(uintptr_t)bi, image_end() + PAGE);
    CHECK_EQ(bi->sharedFrames.start, 0);
    CHECK_EQ(bi->sharedFrames.end, 0);
    CHECK_EQ(bi->ioSpaceCaps.start, 0);
    CHECK_EQ(bi->ioSpaceCaps.end, 0);
}

// §12.3: dynamic slots from 16 in the order paging, extra bootinfo, image frames, untypeds, then
// the empty region up to the end of the CNode.
static void t_region_order(void)
{
    const seL4_BootInfo *bi = env.bi;
    CHECK_EQ(bi->userImagePaging.start, seL4_NumInitialCaps);
    seL4_Word next = bi->userImagePaging.end;
    seL4_Word extra_pages = (bi->extraLen + PAGE - 1) / PAGE;
    if (extra_pages) {
        CHECK_EQ(bi->extraBIPages.start, next);
        CHECK_EQ(region_len(bi->extraBIPages), extra_pages);
        next = bi->extraBIPages.end;
    } else {
        CHECK_EQ(bi->extraBIPages.start, 0);
        CHECK_EQ(bi->extraBIPages.end, 0);
    }
    CHECK_EQ(bi->userImageFrames.start, next);
    CHECK_EQ(bi->untyped.start, bi->userImageFrames.end);
    CHECK_EQ(bi->empty.start, bi->untyped.end);
    CHECK_EQ(bi->empty.end, ROOT_SLOTS);
}

// §12.2: one frame cap per image page, in address order.
static void t_image_frames(void)
{
    const seL4_BootInfo *bi = env.bi;
    CHECK_EQ(region_len(bi->userImageFrames), (image_end() - image_start()) / PAGE);
    for (seL4_CPtr s = bi->userImageFrames.start; s < bi->userImageFrames.end; s++) {
        CHECK_TAG(s, KEEL_CAP_FRAME);
    }
}

static seL4_Word tables_at(seL4_Word first, seL4_Word last, unsigned shift)
{
    return (last >> shift) - (first >> shift) + 1;
}

// §12.2: page tables covering [v_start, end of the extra bootinfo): one per 512 GiB, 1 GiB and
// 2 MiB block touched.
static void t_paging_caps(void)
{
    const seL4_BootInfo *bi = env.bi;
    seL4_Word extra_pages = (bi->extraLen + PAGE - 1) / PAGE;
    seL4_Word first = image_start();
    seL4_Word last = image_end() + 2 * PAGE + extra_pages * PAGE - 1;
    seL4_Word want =
        tables_at(first, last, 39) + tables_at(first, last, 30) + tables_at(first, last, 21);
    CHECK_EQ(region_len(bi->userImagePaging), want);
    for (seL4_CPtr s = bi->userImagePaging.start; s < bi->userImagePaging.end; s++) {
        CHECK_TAG(s, KEEL_CAP_PAGE_TABLE);
    }
}

static void t_extra_frames(void)
{
    const seL4_BootInfo *bi = env.bi;
    for (seL4_CPtr s = bi->extraBIPages.start; s < bi->extraBIPages.end; s++) {
        CHECK_TAG(s, KEEL_CAP_FRAME);
    }
}

// §12.5/§12.6: the untyped caps and their descriptors.
static void t_untyped_list(void)
{
    const seL4_BootInfo *bi = env.bi;
    seL4_Word n = region_len(bi->untyped);
    CHECK(n > 0 && n <= CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS, "untyped count %lu", n);
    int seen_ram = 0, big_ram = 0;
    for (seL4_Word i = 0; i < n; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        CHECK_TAG(bi->untyped.start + i, KEEL_CAP_UNTYPED);
        CHECK(d->sizeBits >= seL4_MinUntypedBits && d->sizeBits <= seL4_MaxUntypedBits,
              "untypedList[%lu].sizeBits = %u", i, d->sizeBits);
        CHECK(d->isDevice <= 1, "untypedList[%lu].isDevice = %u", i, d->isDevice);
        CHECK((d->paddr & ((1UL << d->sizeBits) - 1)) == 0,
              "untypedList[%lu] paddr 0x%lx not aligned to 2^%u", i, d->paddr, d->sizeBits);
        for (unsigned k = 0; k < sizeof(d->padding); k++) {
            CHECK(d->padding[k] == 0, "untypedList[%lu].padding[%u] = %u", i, k, d->padding[k]);
        }
        // Device untypeds come first (§12.6).
        CHECK(!(seen_ram && d->isDevice), "device untyped %lu listed after a RAM untyped", i);
        seen_ram |= !d->isDevice;
        big_ram |= !d->isDevice && d->sizeBits >= 20;
        seL4_Word end_i = d->paddr + (1UL << d->sizeBits);
        for (seL4_Word j = 0; j < i; j++) {
            const seL4_UntypedDesc *e = &bi->untypedList[j];
            seL4_Word end_j = e->paddr + (1UL << e->sizeBits);
            CHECK(end_i <= e->paddr || end_j <= d->paddr, "untypeds %lu and %lu overlap", j, i);
        }
    }
    CHECK(big_ram, "no RAM untyped of at least 1 MiB");
    for (seL4_Word i = n; i < CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        CHECK(d->paddr == 0 && d->sizeBits == 0 && d->isDevice == 0,
              "unused untypedList[%lu] is not zero", i);
    }
    // The slot after the last untyped is the first empty one.
    CHECK_TAG(bi->untyped.end, KEEL_CAP_NULL);
}

// §12.3: the empty region really is empty (run before any test allocates from it).
static void t_empty_region(void)
{
    for (seL4_CPtr s = env.bi->empty.start; s < env.bi->empty.end && s < ROOT_SLOTS; s++) {
        CHECK_TAG(s, KEEL_CAP_NULL);
    }
}

// §2.5/§11.3: DebugCapIdentify resolves 64 bits from the root; a CPtr whose guard bits are not 0
// does not resolve and gives 0.
static void t_identify_out_of_range(void)
{
    const seL4_CPtr bad[] = {ROOT_SLOTS,      ROOT_SLOTS + 1,        ROOT_SLOTS | 2,
                             1UL << 63,       (1UL << 63) | 1,       ~0UL,
                             ROOT_SLOTS << 1, 0x12345678UL << 13 | 1};
    for (unsigned i = 0; i < ARRAY_LEN(bad); i++) {
        CHECK_TAG(bad[i], KEEL_CAP_NULL);
    }
    CHECK_TAG(ROOT, KEEL_CAP_CNODE);
}

const struct captest_test boot_tests[] = {
    {1, "boot_fixed_slots", t_fixed_slots},
    {2, "boot_bootinfo_fields", t_bootinfo_fields},
    {3, "boot_region_order", t_region_order},
    {4, "boot_image_frames", t_image_frames},
    {5, "boot_paging_caps", t_paging_caps},
    {6, "boot_extra_bootinfo_frames", t_extra_frames},
    {7, "boot_untyped_list", t_untyped_list},
    {8, "boot_empty_region_is_empty", t_empty_region},
    {9, "boot_identify_out_of_range", t_identify_out_of_range},
};
const unsigned boot_tests_count = ARRAY_LEN(boot_tests);
