// SPDX-License-Identifier: BSD-2-Clause
// Root task creation: load the ELF, map image/IPC buffer/BootInfo (ABI §12), set its registers.
#include <arch/machine.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/sysreg.h>
#include <keel/bootinfo.h>
#include <keel/bootmem.h>
#include <keel/config.h>
#include <keel/elf.h>
#include <keel/printk.h>
#include <keel/roottask.h>
#include <keel/string.h>

static uint64_t alloc_zeroed(uint64_t size, uint64_t align, const char *what)
{
    uint64_t pa = bootmem_alloc(size, align);
    if (pa == 0) {
        panic("boot: out of memory allocating %s (%lu bytes)", what, size);
    }
    memset(arch_phys_to_virt(pa), 0, (size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
    return pa;
}

static uint64_t alloc_table_page(void)
{
    return bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
}

static void map_user(pt_env_t *env, uint64_t root_pa, uint64_t va, uint64_t pa, uint64_t size,
                     uint64_t attrs, const char *what)
{
    int err = pt_map(env, arch_phys_to_virt(root_pa), va, pa, size, attrs, 3);
    if (err != PT_OK) {
        panic("boot: cannot map the root task's %s at %lx (error %d)", what, va, err);
    }
}

static uint64_t next_pow2_pages(uint64_t bytes)
{
    uint64_t size = PAGE_SIZE;
    while (size < bytes) {
        size <<= 1;
    }
    return size;
}

void roottask_create(root_thread_t *t, const void *elf, size_t elf_size, const void *dtb,
                     size_t dtb_size)
{
    elf_image_t img;
    int err = elf_parse(&img, elf, elf_size, USER_TOP);
    if (err != 0) {
        panic("boot: root task image rejected: %s", elf_strerror(err));
    }
    uint64_t extra_len = dtb != NULL ? sizeof(bi_header_t) + dtb_size : 0;
    uint64_t extra_pages = (extra_len + PAGE_SIZE - 1) / PAGE_SIZE;
    uint64_t layout_end = img.v_end + 2 * PAGE_SIZE + extra_pages * PAGE_SIZE;
    if (layout_end >= USER_TOP || layout_end < img.v_end) {
        panic("boot: root task layout %lx..%lx reaches the kernel window", img.v_start,
              layout_end);
    }

    /* The image: one zeroed block, each PT_LOAD's file bytes copied to its place. */
    uint64_t image_size = img.v_end - img.v_start;
    uint64_t image_pa = alloc_zeroed(image_size, PAGE_SIZE, "the root task image");
    uint8_t *image = arch_phys_to_virt(image_pa);
    for (unsigned i = 0; i < img.nload; i++) {
        elf_seg_t seg;
        elf_load_segment(&img, i, &seg);
        memcpy(image + (seg.vaddr - img.v_start), img.data + seg.offset, seg.filesz);
    }
    arch_sync_icache(image, image_size);

    uint64_t ipc_pa = alloc_zeroed(PAGE_SIZE, PAGE_SIZE, "the IPC buffer");
    uint64_t bi_pa = alloc_zeroed(PAGE_SIZE, PAGE_SIZE, "BootInfo");
    uint64_t extra_pa = 0;
    if (extra_len != 0) {
        uint64_t block = next_pow2_pages(extra_len);
        extra_pa = alloc_zeroed(block, block, "the extra BootInfo");
        bi_header_t *h = arch_phys_to_virt(extra_pa);
        h->id = BI_HEADER_FDT;
        h->len = extra_len;
        memcpy(h + 1, dtb, dtb_size);
    }

    t->vspace_pa = alloc_zeroed(PAGE_SIZE, PAGE_SIZE, "the root VSpace");
    pt_env_t env;
    mmu_user_env(&env, alloc_table_page);
    t->ipc_buffer = img.v_end;
    t->bootinfo = img.v_end + PAGE_SIZE;
    map_user(&env, t->vspace_pa, img.v_start, image_pa, image_size, PTE_USER_RWX, "image");
    map_user(&env, t->vspace_pa, t->ipc_buffer, ipc_pa, PAGE_SIZE, PTE_USER_RW, "IPC buffer");
    map_user(&env, t->vspace_pa, t->bootinfo, bi_pa, PAGE_SIZE, PTE_USER_RW, "BootInfo");
    if (extra_len != 0) {
        map_user(&env, t->vspace_pa, t->bootinfo + PAGE_SIZE, extra_pa,
                 extra_pages * PAGE_SIZE, PTE_USER_RWX, "extra BootInfo");
    }

    bootinfo_t *bi = arch_phys_to_virt(bi_pa);
    bi->extra_len = extra_len;
    bi->node_id = 0;
    bi->num_nodes = 1;
    bi->num_io_pt_levels = 0;
    bi->ipc_buffer = t->ipc_buffer;
    bi->init_thread_cnode_size_bits = KEEL_ROOT_CNODE_BITS;
    bi->init_thread_domain = 0;
    /* Capability regions stay empty until the capability core creates the initial CSpace. */

    memset(&t->ctx, 0, sizeof(t->ctx));
    t->ctx.x[0] = t->bootinfo;
    t->ctx.pc = img.entry;
    t->ctx.sp = 0;
    t->ctx.spsr = KEEL_DEBUG_BUILD ? SPSR_EL0T_DEBUG : SPSR_EL0T_RELEASE;
    t->name = "rootserver";
    t->runnable = 1;
}
