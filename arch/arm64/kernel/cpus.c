// SPDX-License-Identifier: BSD-2-Clause
// Secondary CPUs: Keel is uniprocessor; spin-table cores are moved from polling into a WFI loop.
// Invariants: none (moves spin-table secondary cores into a WFI loop; writes only their release
//   addresses) (proofs-notes/README.md)
#include <arch/cache.h>
#include <arch/cpus.h>
#include <arch/machine.h>
#include <arch/sysreg.h>
#include <keel/fdt.h>
#include <keel/printk.h>

extern char _head[], secondary_park[];

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static bool prop_is(const fdt_t *fdt, int node, const char *name, const char *want)
{
    uint32_t len = 0;
    const char *v = fdt_getprop(fdt, node, name, &len);
    size_t n = 0;
    while (want[n] != '\0') {
        n++;
    }
    if (v == NULL || len != n + 1) {
        return false;
    }
    for (size_t i = 0; i <= n; i++) {
        if (v[i] != want[i]) {
            return false;
        }
    }
    return true;
}

/* A release address the kernel may write: 8-aligned and inside RAM it has mapped. */
static bool release_addr_ok(uint64_t pa, const fdt_region_t *ram, unsigned n)
{
    if ((pa & 7) != 0) {
        return false;
    }
    for (unsigned i = 0; i < n; i++) {
        if (pa >= ram[i].base && pa - ram[i].base <= ram[i].size - 8) {
            return true;
        }
    }
    return false;
}

/* Every /cpus/cpu@N other than this one that DT gives enable-method "spin-table" is released to
 * secondary_park. PSCI boards (qemu-virt) start their secondaries powered off: nothing to do. */
void arch_park_secondaries(const fdt_t *fdt, uint64_t load_pa, const fdt_region_t *ram,
                           unsigned nram)
{
    int cpus = fdt_path_offset(fdt, "/cpus");
    if (cpus < 0) {
        return;
    }
    uint64_t self = sysreg_read(mpidr_el1) & 0xff00ffffffUL;
    uint64_t park_pa = load_pa + (uint64_t)(secondary_park - _head);
    unsigned parked = 0, refused = 0;
    int depth = 0;
    for (int node = fdt_next_node(fdt, cpus, &depth); node >= 0 && depth > 0;
         node = fdt_next_node(fdt, node, &depth)) {
        uint64_t mpidr, size;
        uint32_t len = 0;
        if (depth != 1 || !prop_is(fdt, node, "device_type", "cpu") ||
            !prop_is(fdt, node, "enable-method", "spin-table") ||
            fdt_reg_raw(fdt, node, 0, &mpidr, &size) != FDT_OK || mpidr == self) {
            continue;
        }
        const uint8_t *rel = fdt_getprop(fdt, node, "cpu-release-addr", &len);
        uint64_t pa = rel != NULL && len == 8 ? be64(rel) : 1;
        if (!release_addr_ok(pa, ram, nram)) {
            refused++;
            continue;
        }
        volatile uint64_t *slot = arch_phys_to_virt(pa);
        *slot = park_pa;
        /* The waiting core reads with its MMU and caches off. */
        cache_op(CACHE_CLEAN_INVALIDATE, (const void *)slot, sizeof(*slot));
        parked++;
    }
    if (parked + refused == 0) {
        return;
    }
    __asm__ volatile("dsb sy\n\tsev" ::: "memory");
    kprintf("cpus: %u secondary core(s) parked in WFI (spin-table)", parked);
    if (refused != 0) {
        kprintf(", %u left spinning: cpu-release-addr outside RAM", refused);
    }
    kprintf("\n");
}
