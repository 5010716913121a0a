// SPDX-License-Identifier: BSD-2-Clause
// captest: root task that checks Keel's capability system against the seL4 ABI sheet.

// Output, read by tests/qemu/runner.py through ./keel test: one line "CAPnnnn name pass|fail" per
// test (a failing test prints its reasons first, each on a line starting with two spaces), then
// "captest: N passed, M failed", then DebugHalt powers the machine off.

#include "captest.h"

#include <stdio.h>
#include <string.h>

struct group {
    const struct captest_test *tests;
    const unsigned *count;
};

static const struct group groups[] = {
    {boot_tests, &boot_tests_count},   {untyped_tests, &untyped_tests_count},
    {cnode_tests, &cnode_tests_count}, {lookup_tests, &lookup_tests_count},
    {tcb_tests, &tcb_tests_count},     {thread_tests, &thread_tests_count},
    {misc_tests, &misc_tests_count},   {stress_tests, &stress_tests_count},
    {last_tests, &last_tests_count},
};

// Slots of the initial CSpace that hold a cap (§12.3) and the tag each must keep.
static const struct {
    seL4_CPtr slot;
    seL4_Word tag;
} fixed_slots[] = {
    {seL4_CapInitThreadTCB, KEEL_CAP_TCB},
    {seL4_CapInitThreadCNode, KEEL_CAP_CNODE},
    {seL4_CapInitThreadVSpace, KEEL_CAP_VSPACE},
    {seL4_CapIRQControl, KEEL_CAP_IRQ_CONTROL},
    {seL4_CapASIDControl, KEEL_CAP_ASID_CONTROL},
    {seL4_CapInitThreadASIDPool, KEEL_CAP_ASID_POOL},
    {seL4_CapBootInfoFrame, KEEL_CAP_FRAME},
    {seL4_CapInitThreadIPCBuffer, KEEL_CAP_FRAME},
    {seL4_CapDomain, KEEL_CAP_DOMAIN},
};

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static int has_compatible(const char *list, uint32_t len, const char *want)
{
    uint32_t i = 0;
    while (i < len) {
        const char *s = list + i;
        uint32_t n = 0;
        while (i + n < len && s[n]) {
            n++;
        }
        if (strstr(s, want)) {
            return 1;
        }
        i += n + 1;
    }
    return 0;
}

// The board, from the root node's "compatible" in the DTB the kernel passes as extra bootinfo
// (§12.7). Only the first properties of the root node are looked at.
static enum captest_platform detect_platform(const seL4_BootInfo *bi)
{
    if (bi->extraLen < sizeof(seL4_BootInfoHeader) + 40) {
        return PLAT_UNKNOWN;
    }
    const uint8_t *extra = (const uint8_t *)bi + (1UL << seL4_PageBits);
    const seL4_BootInfoHeader *hdr = (const seL4_BootInfoHeader *)extra;
    const uint8_t *fdt = extra + sizeof(*hdr);
    if (hdr->id != SEL4_BOOTINFO_HEADER_FDT || be32(fdt) != 0xd00dfeedU) {
        return PLAT_UNKNOWN;
    }
    uint32_t total = be32(fdt + 4);
    const uint8_t *p = fdt + be32(fdt + 8);
    const uint8_t *end = fdt + total;
    const char *strings = (const char *)fdt + be32(fdt + 12);
    if (be32(p) != 1) { // FDT_BEGIN_NODE of the root
        return PLAT_UNKNOWN;
    }
    p += 4;
    while (p < end && *p) {
        p++;
    }
    p = (const uint8_t *)(((uintptr_t)p + 4) & ~(uintptr_t)3);
    while (p + 12 <= end) {
        uint32_t token = be32(p);
        p += 4;
        if (token == 4) { // FDT_NOP
            continue;
        }
        if (token != 3) { // not FDT_PROP: the root's properties are over
            break;
        }
        uint32_t len = be32(p);
        const char *name = strings + be32(p + 4);
        const char *data = (const char *)p + 8;
        p += 8 + ((len + 3) & ~3U);
        if (strcmp(name, "compatible") == 0) {
            if (has_compatible(data, len, "linux,dummy-virt")) {
                return PLAT_QEMU_VIRT;
            }
            if (has_compatible(data, len, "bcm2711") ||
                has_compatible(data, len, "raspberrypi,4")) {
                return PLAT_RPI4;
            }
            return PLAT_UNKNOWN;
        }
    }
    return PLAT_UNKNOWN;
}

static void setup_env(const seL4_BootInfo *bi)
{
    env.bi = bi;
    seL4_Word count = bi->untyped.end - bi->untyped.start;
    if (count > CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS) {
        count = CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS;
    }
    seL4_CPtr best = 0, largest = 0;
    unsigned best_bits = 0, largest_bits = 0;
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_CPtr slot = bi->untyped.start + i;
        if (d->isDevice) {
            if (d->sizeBits >= 13 && (!env.dev_small || d->sizeBits < env.dev_small_bits)) {
                env.dev_small = slot;
                env.dev_small_bits = d->sizeBits;
            }
            if (!env.dev_huge && d->sizeBits >= seL4_HugePageBits) {
                env.dev_huge = slot;
                env.dev_huge_bits = d->sizeBits;
            }
            continue;
        }
        // The arena: the smallest RAM untyped of at least 8 MiB (room for 2 MiB frames and the
        // stress test, little to zero after each test), else the largest one of at least 1 MiB.
        if (d->sizeBits >= 23 && (!best || d->sizeBits < best_bits)) {
            best = slot;
            best_bits = d->sizeBits;
        }
        if (d->sizeBits >= 20 && d->sizeBits > largest_bits) {
            largest = slot;
            largest_bits = d->sizeBits;
        }
        if (!env.ram_huge && d->sizeBits >= seL4_HugePageBits) {
            env.ram_huge = slot;
        }
    }
    env.arena = best ? best : largest;
    env.arena_bits = best ? best_bits : largest_bits;
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_CPtr slot = bi->untyped.start + i;
        if (!d->isDevice && slot != env.arena && d->sizeBits >= 26 &&
            (!env.ram_big || d->sizeBits < env.ram_big_bits)) {
            env.ram_big = slot;
            env.ram_big_bits = d->sizeBits;
        }
    }
    env.platform = detect_platform(bi);
    env.max_irq = env.platform == PLAT_QEMU_VIRT ? 159 : env.platform == PLAT_RPI4 ? 216 : 0;
    keel_slot_set_limit(ROOT_SLOTS); // the startup code set the allocator up from bi->empty
}

// Puts a moved fixed cap back, revokes all test memory and empties every slot the test used.
static void cleanup(seL4_CPtr first)
{
    root_priority_restore();
    for (unsigned i = 0; i < ARRAY_LEN(fixed_slots); i++) {
        if (tag_of(fixed_slots[i].slot) != KEEL_CAP_NULL) {
            continue;
        }
        for (seL4_CPtr s = first; s < keel_slot_next(); s++) {
            if (tag_of(s) == fixed_slots[i].tag && root_move(fixed_slots[i].slot, s) == 0) {
                break;
            }
        }
    }
    const seL4_CPtr untypeds[] = {env.arena, env.dev_small, env.dev_huge, env.ram_huge,
                                  env.ram_big};
    for (unsigned i = 0; i < ARRAY_LEN(untypeds); i++) {
        if (untypeds[i]) {
            seL4_Error err = root_revoke(untypeds[i]);
            if (err) {
                test_fail(__FILE__, __LINE__, "cleanup: Revoke(untyped %lu) = %s", untypeds[i],
                          keel_error_name(err));
            }
        }
    }
    for (seL4_CPtr s = first; s < keel_slot_next(); s++) {
        seL4_Error err = root_delete(s);
        if (err) {
            test_fail(__FILE__, __LINE__, "cleanup: Delete(%lu) = %s", s, keel_error_name(err));
        }
    }
    for (seL4_CPtr s = first; s < keel_slot_next(); s++) {
        seL4_Word tag = tag_of(s);
        if (tag != KEEL_CAP_NULL) {
            test_fail(__FILE__, __LINE__, "cleanup: slot %lu still holds tag %lu after Delete", s,
                      tag);
        }
    }
    for (unsigned i = 0; i < ARRAY_LEN(fixed_slots); i++) {
        seL4_Word tag = tag_of(fixed_slots[i].slot);
        if (tag != fixed_slots[i].tag) {
            test_fail(__FILE__, __LINE__, "cleanup: initial slot %lu holds tag %lu, not %lu",
                      fixed_slots[i].slot, tag, fixed_slots[i].tag);
        }
    }
}

int root_main(const seL4_BootInfo *bi)
{
    setup_env(bi);
    static const char *const plat_names[] = {"an unknown board", "qemu-virt", "rpi4"};
    printf("captest: capability tests on %s; arena untyped %lu (2^%u bytes)\n",
           plat_names[env.platform], env.arena, env.arena_bits);

    unsigned passed = 0, failed = 0;
    for (unsigned g = 0; g < ARRAY_LEN(groups); g++) {
        for (unsigned i = 0; i < *groups[g].count; i++) {
            const struct captest_test *t = &groups[g].tests[i];
            seL4_CPtr first = keel_slot_next();
            captest_failed = 0;
            if (groups[g].tests == last_tests) {
                // These may hang a faulty kernel: say which one is running.
                printf("captest: running CAP%04u %s\n", t->id, t->name);
            }
            if (!env.arena) {
                test_fail(__FILE__, __LINE__, "no RAM untyped of at least 1 MiB in BootInfo");
            } else {
                t->fn();
            }
            cleanup(first);
            printf("CAP%04u %s %s\n", t->id, t->name, captest_failed ? "fail" : "pass");
            if (captest_failed) {
                failed++;
            } else {
                passed++;
            }
        }
    }
    printf("captest: %u passed, %u failed\n", passed, failed);
    keel_debug_halt();
}
