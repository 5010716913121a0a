// SPDX-License-Identifier: BSD-2-Clause
// Default root task: checks the startup contract it can see without capabilities, then halts.

// The output is read by the boot test, so its shape is fixed: "hello from EL0", two
// "roottask:" report lines, one "roottask: FAIL ..." line per broken promise, and finally either
// "roottask: startup contract ok" or a "roottask: FAIL ..." summary.

#include <errno.h>
#include <keel/debug.h>
#include <keel/runtime.h>
#include <keel/types.h>
#include <stdint.h>
#include <stdio.h>

#define PAGE_SIZE (1UL << seL4_PageBits)
#define FDT_MAGIC 0xd00dfeedU

// From keel-user.ld: the image's first and one-past-last byte.
extern const char __keel_image_start[];
extern const char __keel_image_end[];

static unsigned checks_run;
static unsigned checks_failed;

static void check(int ok, const char *what, seL4_Word seen, seL4_Word want)
{
    checks_run++;
    if (!ok) {
        checks_failed++;
        printf("roottask: FAIL %s: got 0x%lx, expected 0x%lx\n", what, seen, want);
    }
}

// For properties with no single expected value.
static void check_that(int ok, const char *what, seL4_Word seen)
{
    checks_run++;
    if (!ok) {
        checks_failed++;
        printf("roottask: FAIL %s: got 0x%lx\n", what, seen);
    }
}

static seL4_Word read_tpidr_el0(void)
{
    seL4_Word value;
    __asm__ __volatile__("mrs %0, tpidr_el0" : "=r"(value));
    return value;
}

static uint32_t load_be32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static seL4_Word region_size(seL4_SlotRegion r)
{
    return r.end >= r.start ? r.end - r.start : 0;
}

static void check_region(const char *what, seL4_SlotRegion r)
{
    // Regions may still be all zero while the kernel does not hand out caps; a filled one must at
    // least not run backwards.
    check_that(r.start <= r.end, what, r.start);
}

// The extra bootinfo starts one page after BootInfo; on ARM its only chunk is the FDT (§12.7).
static void check_extra_bootinfo(const seL4_BootInfo *bi)
{
    if (bi->extraLen == 0) {
        return;
    }
    const unsigned char *extra = (const unsigned char *)bi + PAGE_SIZE;
    const seL4_BootInfoHeader *hdr = (const seL4_BootInfoHeader *)extra;
    check_that(bi->extraLen >= sizeof(*hdr) + 8, "extraLen too small for an FDT chunk",
               bi->extraLen);
    if (bi->extraLen < sizeof(*hdr) + 8) {
        return;
    }
    check(hdr->id == SEL4_BOOTINFO_HEADER_FDT, "extra bootinfo chunk id", hdr->id,
          SEL4_BOOTINFO_HEADER_FDT);
    check(hdr->len == bi->extraLen, "FDT chunk len vs extraLen", hdr->len, bi->extraLen);
    const unsigned char *dtb = extra + sizeof(*hdr);
    check(load_be32(dtb) == FDT_MAGIC, "FDT magic", load_be32(dtb), FDT_MAGIC);
    check(load_be32(dtb + 4) == bi->extraLen - sizeof(*hdr), "FDT totalsize", load_be32(dtb + 4),
          bi->extraLen - sizeof(*hdr));
}

static void check_bootinfo(const seL4_BootInfo *bi, uintptr_t image_end)
{
    uintptr_t bi_addr = (uintptr_t)bi;
    uintptr_t ipc = (uintptr_t)bi->ipcBuffer;
    uintptr_t v_end = (image_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);

    check(ipc == bi_addr - PAGE_SIZE, "ipc buffer == bootinfo - 4096", ipc, bi_addr - PAGE_SIZE);
    check(ipc == v_end, "ipc buffer at end of image", ipc, v_end);
    check(bi->nodeID == 0, "nodeID", bi->nodeID, 0);
    check(bi->numNodes == 1, "numNodes", bi->numNodes, 1);
    check(bi->numIOPTLevels == 0, "numIOPTLevels", bi->numIOPTLevels, 0);
    check(bi->initThreadDomain == 0, "initThreadDomain", bi->initThreadDomain, 0);
    // The 16 fixed slots must fit and a CPtr must stay within one word with a guard.
    check_that(bi->initThreadCNodeSizeBits >= 5 && bi->initThreadCNodeSizeBits <= 32,
               "initThreadCNodeSizeBits outside [5, 32]", bi->initThreadCNodeSizeBits);
    if (bi->empty.end != 0 && bi->initThreadCNodeSizeBits < 64) {
        check(bi->empty.end == 1UL << bi->initThreadCNodeSizeBits, "empty.end == CNode slots",
              bi->empty.end, 1UL << bi->initThreadCNodeSizeBits);
    }
    check_region("empty region reversed", bi->empty);
    check_region("sharedFrames region reversed", bi->sharedFrames);
    check_region("userImageFrames region reversed", bi->userImageFrames);
    check_region("userImagePaging region reversed", bi->userImagePaging);
    check_region("ioSpaceCaps region reversed", bi->ioSpaceCaps);
    check_region("extraBIPages region reversed", bi->extraBIPages);
    check_region("untyped region reversed", bi->untyped);
    check_that(region_size(bi->untyped) <= CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS,
               "untyped count above 230", region_size(bi->untyped));
    check_extra_bootinfo(bi);
}

static void check_entry_registers(void)
{
    const struct keel_entry_state *entry = &keel_entry_state;
    check(entry->sp == 0, "SP at entry", entry->sp, 0);
    check(entry->gpr_or == 0, "x1..x30 at entry (ORed)", entry->gpr_or, 0);
    check(entry->tpidr_el0 == 0, "TPIDR_EL0 at entry", entry->tpidr_el0, 0);
    check(entry->tpidrro_el0 == 0, "TPIDRRO_EL0 at entry", entry->tpidrro_el0, 0);
    check(entry->nzcv == 0, "NZCV at entry", entry->nzcv, 0);
}

int root_main(const seL4_BootInfo *bi)
{
    // Sampled before the first syscall so that the comparison below spans kernel entries.
    seL4_Word tls_before = read_tpidr_el0();

    printf("hello from EL0\n");

    uintptr_t image_start = (uintptr_t)__keel_image_start;
    uintptr_t image_end = (uintptr_t)__keel_image_end;
    if (!bi || ((uintptr_t)bi & (PAGE_SIZE - 1)) != 0) {
        // Nothing in BootInfo can be read safely; report and stop here.
        printf("roottask: FAIL bootinfo pointer 0x%lx is null or not page aligned\n",
               (seL4_Word)(uintptr_t)bi);
        keel_debug_halt();
    }

    printf(
        "roottask: bootinfo at 0x%lx ipc buffer 0x%lx cnode bits %lu untypeds %lu extraLen %lu\n",
        (seL4_Word)(uintptr_t)bi, (seL4_Word)(uintptr_t)bi->ipcBuffer, bi->initThreadCNodeSizeBits,
        region_size(bi->untyped), bi->extraLen);
    printf("roottask: image 0x%lx-0x%lx node %lu/%lu empty [%lu, %lu) untyped [%lu, %lu)\n",
           (seL4_Word)image_start, (seL4_Word)image_end, bi->nodeID, bi->numNodes, bi->empty.start,
           bi->empty.end, bi->untyped.start, bi->untyped.end);

    check_entry_registers();
    check_bootinfo(bi, image_end);

    // TLS must be live (errno is thread-local in picolibc) and TPIDR_EL0 must survive the syscalls
    // the printf calls above made.
    errno = 0;
    check_that(tls_before != 0, "TPIDR_EL0 not set by startup", tls_before);
    check(read_tpidr_el0() == tls_before, "TPIDR_EL0 preserved across syscalls", read_tpidr_el0(),
          tls_before);

    if (checks_failed == 0) {
        printf("roottask: startup contract ok\n");
    } else {
        printf("roottask: FAIL startup contract: %u of %u checks failed\n", checks_failed,
               checks_run);
    }
    keel_debug_halt();
}
