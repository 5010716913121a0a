// SPDX-License-Identifier: BSD-2-Clause
// The boot, in order: memory map, console, device tree, memory, interrupts, timer, root task.
// Invariants: INV-BOOT-1..4, -7, INV-SCHED-2, INV-VS-8 (proofs-notes/README.md)
#include <arch/cpus.h>
#include <arch/machine.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <keel/bootmem.h>
#include <keel/config.h>
#include <keel/fdt.h>
#include <keel/kernel.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <keel/roottask.h>
#include <keel/sched.h>
#include <keel/irq.h>
#include "boot/bootcaps.h"
#include <plat/platform.h>

#define MAX_RAM_REGIONS 16

extern const char rootimage_start[], rootimage_end[];
extern char _head[], _end[];

static fdt_region_t ram[MAX_RAM_REGIONS];
static int nram;
bool kernel_running;

unsigned boot_ram_regions(const fdt_region_t **out)
{
    *out = ram;
    return nram > 0 ? (unsigned)nram : 0;
}

static uint64_t ram_total(void)
{
    uint64_t total = 0;
    for (int i = 0; i < nram; i++) {
        total += ram[i].size;
    }
    return total;
}

/* The DTB we were handed must describe the board this image was built for. */
static void check_board(const fdt_t *fdt)
{
    int root = fdt_path_offset(fdt, "/");
    if (root < 0 || !fdt_node_is_compatible(fdt, root, PLAT_COMPATIBLE)) {
        uint32_t len = 0;
        const char *model = root >= 0 ? fdt_getprop(fdt, root, "compatible", &len) : NULL;
        panic("boot: this kernel is built for %s (\"%s\") but the device tree describes \"%s\"",
              PLAT_NAME, PLAT_COMPATIBLE, model != NULL && len > 0 ? model : "nothing");
    }
    for (int n = fdt_next_compatible(fdt, -1, "arm,pl011"); n >= 0;
         n = fdt_next_compatible(fdt, n, "arm,pl011")) {
        uint64_t addr, size;
        if (fdt_reg(fdt, n, 0, &addr, &size) == FDT_OK && addr == PLAT_UART_PADDR) {
            return;
        }
    }
    panic("boot: the device tree has no PL011 at %lx, the console this kernel was built for",
          (uint64_t)PLAT_UART_PADDR);
}

/* Free RAM = every /memory range minus the kernel, the DTB and the DTB's reserve map. */
static void setup_memory(const fdt_t *fdt, uint64_t load_pa, uint64_t dtb_pa)
{
    for (int i = 0; i < nram; i++) {
        if (!bootmem_add_ram(ram[i].base, ram[i].size)) {
            panic("boot: cannot use RAM range %lx+%lx (overlap or too many ranges)",
                  ram[i].base, ram[i].size);
        }
        mmu_map_ram(ram[i].base, ram[i].size);
    }
    bootmem_reserve(load_pa, (uint64_t)(_end - _head));
    bootmem_reserve(dtb_pa, fdt_totalsize(fdt));
    fdt_region_t rsv[16];
    int n = fdt_memreserve(fdt, rsv, 16);
    for (int i = 0; i < n; i++) {
        bootmem_reserve(rsv[i].base, rsv[i].size);
    }
}

/* The "timer:" line is printed only once a tick has really been taken. */
static void wait_first_tick(void)
{
    uint64_t freq = arch_timer_freq();
    uint64_t deadline = sysreg_read(cntvct_el0) + freq / 5;
    __asm__ volatile("msr daifclr, #2" ::: "memory");
    while (kernel_ticks == 0 && sysreg_read(cntvct_el0) < deadline) {
        wfi();
    }
    __asm__ volatile("msr daifset, #2" ::: "memory");
    if (kernel_ticks == 0) {
        panic("timer: no interrupt within 200 ms (INTID %u never arrived)", PLAT_TIMER_IRQ);
    }
    kprintf("timer: %lu Hz, tick %u ms\n", freq, KEEL_TICK_MS);
}

_Noreturn void boot_main(uint64_t dtb_pa, uint64_t load_pa, uint64_t entry_el)
{
    const void *dtb = mmu_init_kernel(load_pa, dtb_pa);
    arch_console_init();

    fdt_t fdt;
    int err = dtb != NULL ? fdt_init(&fdt, dtb, mmu_dtb_mapped_size()) : FDT_ERR_NOTFOUND;
    if (err == FDT_OK) {
        nram = fdt_memory(&fdt, ram, MAX_RAM_REGIONS);
    }
    if (err == FDT_OK && nram > 0) {
        kprintf("\nKeel %s on %s: entered at EL%lu, RAM %lu MiB\n", KEEL_VERSION, PLAT_NAME,
                entry_el, ram_total() >> 20);
    } else {
        kprintf("\nKeel %s on %s: entered at EL%lu, RAM unknown\n", KEEL_VERSION, PLAT_NAME,
                entry_el);
        if (err != FDT_OK) {
            panic("boot: no usable device tree at %lx (x0 at entry): %s", dtb_pa,
                  fdt_strerror(err));
        }
        panic("boot: the device tree at %lx has no memory node", dtb_pa);
    }
    check_board(&fdt);
    kprintf("boot: kernel at %lx..%lx, device tree at %lx (%u bytes), built with %s\n", load_pa,
            load_pa + (uint64_t)(_end - _head), dtb_pa, fdt_totalsize(&fdt), KEEL_COMPILER_NAME);

    setup_memory(&fdt, load_pa, dtb_pa);
    arch_park_secondaries(&fdt, load_pa, ram, (unsigned)nram);
    arch_cpu_init();
    arch_irq_init();
    irq_init();
    arch_timer_init(KEEL_TICK_MS);
    wait_first_tick();

    tcb_t *root = roottask_create(rootimage_start, (size_t)(rootimage_end - rootimage_start),
                                  dtb, fdt_totalsize(&fdt));
    kprintf("boot: root task entry %lx, %lu MiB of RAM left as untyped memory\n", root->ctx.pc,
            bootmem_free_bytes() >> 20);
    kernel_running = true;
    cur_thread = root;
    sched_root_thread = root;
    sched_kernel_entry();
    sched_exit_kernel();
}
