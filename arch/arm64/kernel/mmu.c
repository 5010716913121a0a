// SPDX-License-Identifier: BSD-2-Clause
// The kernel half of the address space: image with W^X, physical window, devices, DTB.
// Invariants: INV-BOOT-1..6, INV-VS-1, -8, -9 (proofs-notes/README.md)
#include <arch/machine.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <keel/printk.h>
#include <keel/object.h>
#include <keel/string.h>

extern char _head[], __text_end[], __rodata_end[], _end[];

static uint64_t kernel_load_pa;
static pte_t pt_pool[KERNEL_PT_POOL_PAGES][PT_ENTRIES] __attribute__((aligned(4096)));
static unsigned pt_pool_used;
static pte_t *kernel_root;
static pte_t *empty_user_root;
static uint64_t device_next = KERNEL_DEVICE_BASE;
static uint64_t dtb_mapped;

uint64_t arch_kernel_image_pa(const void *kernel_va)
{
    return (uint64_t)kernel_va - KERNEL_VBASE + kernel_load_pa;
}

void *arch_phys_to_virt(uint64_t pa)
{
    return (void *)(pa + KERNEL_PHYSMAP_BASE);
}



static pte_t *pool_alloc(pt_env_t *env, uint64_t *pa)
{
    (void)env;
    if (pt_pool_used == KERNEL_PT_POOL_PAGES) {
        return NULL;
    }
    pte_t *t = pt_pool[pt_pool_used++];
    memset(t, 0, PAGE_SIZE);
    *pa = arch_kernel_image_pa(t);
    return t;
}

/* Kernel tables all come from the pool inside the image. */
static pte_t *pool_table(pt_env_t *env, uint64_t pa)
{
    (void)env;
    return (pte_t *)(pa - kernel_load_pa + KERNEL_VBASE);
}

static pt_env_t kernel_env = { .alloc = pool_alloc, .table = pool_table };

static void kmap(uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs, unsigned min_block)
{
    int err = pt_map(&kernel_env, kernel_root, va, pa, size, attrs, min_block);
    if (err != PT_OK) {
        panic("mmu: cannot map %lx..%lx at %lx (error %d)", pa, pa + size, va, err);
    }
}

static void tlb_flush_all(void)
{
    dsb_ishst();
    __asm__ volatile("tlbi vmalle1is" ::: "memory");
    dsb_ish();
    isb();
}

const void *mmu_init_kernel(uint64_t load_pa, uint64_t dtb_pa)
{
    kernel_load_pa = load_pa;
    uint64_t dummy;
    kernel_root = pool_alloc(&kernel_env, &dummy);
    empty_user_root = pool_alloc(&kernel_env, &dummy);

    uint64_t text = (uint64_t)_head, rodata = (uint64_t)__text_end;
    uint64_t data = (uint64_t)__rodata_end, end = (uint64_t)_end;
    kmap(text, arch_kernel_image_pa(_head), rodata - text, PTE_KERN_RX, 3);
    kmap(rodata, arch_kernel_image_pa(__text_end), data - rodata, PTE_KERN_RO, 3);
    kmap(data, arch_kernel_image_pa(__rodata_end), end - data, PTE_KERN_RW, 3);

    /* The DTB's first page tells its size; map that page now and the rest once known. */
    const void *dtb = NULL;
    if (dtb_pa != 0 && (dtb_pa & 7) == 0) {
        uint64_t base = dtb_pa & ~(PAGE_SIZE - 1);
        uint64_t off = dtb_pa - base;
        kmap(KERNEL_DTB_WINDOW, base, PAGE_SIZE, PTE_KERN_RO, 3);
        dtb = (const void *)(KERNEL_DTB_WINDOW + off);
        dtb_mapped = PAGE_SIZE - off;
    }

    sysreg_write(ttbr1_el1, arch_kernel_image_pa(kernel_root));
    sysreg_write(ttbr0_el1, arch_kernel_image_pa(empty_user_root));
    isb();
    tlb_flush_all();

    if (dtb != NULL && dtb_mapped >= 8) {
        const uint8_t *h = dtb;
        uint32_t total = (uint32_t)h[4] << 24 | (uint32_t)h[5] << 16 | (uint32_t)h[6] << 8 | h[7];
        if (total > dtb_mapped && total <= KERNEL_DTB_MAX - PAGE_SIZE) {
            uint64_t base = (dtb_pa & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
            uint64_t last = (dtb_pa + total + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
            kmap(KERNEL_DTB_WINDOW + PAGE_SIZE, base, last - base, PTE_KERN_RO, 3);
            dtb_mapped = total;
            dsb_ishst();
            isb();
        }
    }
    return dtb;
}

uint64_t mmu_dtb_mapped_size(void)
{
    return dtb_mapped;
}

void mmu_map_ram(uint64_t pa, uint64_t size)
{
    if (pa + size > KERNEL_PHYSMAP_SIZE) {
        panic("mmu: RAM at %lx..%lx is beyond the physical window", pa, pa + size);
    }
    kmap(KERNEL_PHYSMAP_BASE + pa, pa, size, PTE_KERN_RW, 1);
    dsb_ishst();
    isb();
}

void *arch_map_device(uint64_t pa, uint64_t size)
{
    uint64_t base = pa & ~(PAGE_SIZE - 1);
    uint64_t len = ((pa + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) - base;
    /* The window ends at the top of the address space: compare last bytes, not ends. */
    if (len == 0 || len - 1 > KERNEL_DEVICE_BASE + (KERNEL_DEVICE_SIZE - 1) - device_next) {
        panic("mmu: device window full mapping %lx", pa);
    }
    uint64_t va = device_next;
    kmap(va, base, len, PTE_KERN_DEV, 3);
    dsb_ishst();
    isb();
    device_next += len;
    return (void *)(va + (pa - base));
}

uint64_t mmu_cur_ttbr0;

void mmu_set_user_vspace(uint64_t root_pa, uint16_t asid)
{
    mmu_set_user_ttbr0(root_pa | ((uint64_t)asid << 48));
}

void mmu_set_empty_vspace(void)
{
    mmu_set_user_ttbr0(arch_kernel_image_pa(empty_user_root));
}

static uint64_t (*user_alloc_page)(void);

static pte_t *user_alloc(pt_env_t *env, uint64_t *pa)
{
    (void)env;
    uint64_t p = user_alloc_page();
    if (p == 0) {
        return NULL;
    }
    pte_t *t = arch_phys_to_virt(p);
    memset(t, 0, PAGE_SIZE);
    *pa = p;
    return t;
}

static pte_t *user_table(pt_env_t *env, uint64_t pa)
{
    (void)env;
    return arch_phys_to_virt(pa);
}

void mmu_user_env(pt_env_t *env, uint64_t (*alloc_page)(void))
{
    user_alloc_page = alloc_page;
    env->alloc = user_alloc;
    env->table = user_table;
    env->ctx = NULL;
}

void arch_sync_icache(const void *va, size_t size)
{
    uint64_t ctr = sysreg_read(ctr_el0);
    uint64_t line = 4UL << ((ctr >> 16) & 0xf);  /* DminLine */
    uint64_t p = (uint64_t)va & ~(line - 1);
    for (; p < (uint64_t)va + size; p += line) {
        __asm__ volatile("dc cvau, %0" : : "r"(p) : "memory");
    }
    dsb_ish();
    __asm__ volatile("ic ialluis" ::: "memory");
    dsb_ish();
    isb();
}
