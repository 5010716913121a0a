// SPDX-License-Identifier: BSD-2-Clause
// Root task creation: image, VSpace, CSpace with the initial caps, TCB and BootInfo (ABI §12).
// Invariants: INV-BOOT-10..13, INV-CAP-1, -4, INV-FP-2, INV-IPC-1, -2, INV-TCB-1, INV-VS-2, -3, -6
//   (proofs-notes/README.md)
#include <arch/machine.h>
#include <arch/memlayout.h>
#include <arch/mmu.h>
#include <arch/asid.h>
#include <arch/sysreg.h>
#include <keel/bootinfo.h>
#include <keel/bootmem.h>
#include <keel/cdt.h>
#include <keel/config.h>
#include <keel/elf.h>
#include <keel/objects.h>
#include <keel/printk.h>
#include <keel/roottask.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/thread.h>
#include "bootcaps.h"

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

static uint64_t next_pow2(uint64_t bytes)
{
    uint64_t size = PAGE_SIZE;
    while (size < bytes) {
        size <<= 1;
    }
    return size;
}

/* Frame caps for [va, va+size) backed by pa, recorded as mapped at ASID 1. */
static void frame_caps(boot_cspace_t *cs, uint64_t va, uint64_t pa, uint64_t size,
                       bi_slot_region_t *region)
{
    region->start = cs->next;
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        cap_t c = cap_frame(pa + off, FRAME_4K, false, VM_READ_WRITE);
        boot_cspace_put(cs, cs->next, cap_set_mapping(c, ROOT_ASID, va + off));
    }
    region->end = cs->next;
}

/* Page-table caps in the order §12.2 asks: every level-1 table, then level 2, then level 3. */
static void paging_caps(boot_cspace_t *cs, uint64_t vspace_pa, bi_slot_region_t *region)
{
    region->start = cs->next;
    for (unsigned want = 1; want <= 3; want++) {
        pte_t *l0 = arch_phys_to_virt(vspace_pa);
        for (unsigned i0 = 0; i0 < PT_ENTRIES; i0++) {
            if (!(l0[i0] & PTE_VALID)) continue;
            uint64_t va0 = (uint64_t)i0 << 39, pa1 = l0[i0] & PTE_ADDR_MASK;
            if (want == 1) {
                boot_cspace_put(cs, cs->next, cap_set_mapping(cap_pt_set_mapped(
                    cap_make(CAP_PAGE_TABLE, pa1, 0), true), ROOT_ASID, va0));
                continue;
            }
            pte_t *l1 = arch_phys_to_virt(pa1);
            for (unsigned i1 = 0; i1 < PT_ENTRIES; i1++) {
                if (!(l1[i1] & PTE_VALID) || !(l1[i1] & PTE_TABLE)) continue;
                uint64_t va1 = va0 | (uint64_t)i1 << 30, pa2 = l1[i1] & PTE_ADDR_MASK;
                if (want == 2) {
                    boot_cspace_put(cs, cs->next, cap_set_mapping(cap_pt_set_mapped(
                        cap_make(CAP_PAGE_TABLE, pa2, 0), true), ROOT_ASID, va1));
                    continue;
                }
                pte_t *l2 = arch_phys_to_virt(pa2);
                for (unsigned i2 = 0; i2 < PT_ENTRIES; i2++) {
                    if (!(l2[i2] & PTE_VALID) || !(l2[i2] & PTE_TABLE)) continue;
                    uint64_t va2 = va1 | (uint64_t)i2 << 21;
                    boot_cspace_put(cs, cs->next, cap_set_mapping(cap_pt_set_mapped(
                        cap_make(CAP_PAGE_TABLE, l2[i2] & PTE_ADDR_MASK, 0), true),
                        ROOT_ASID, va2));
                }
            }
        }
    }
    region->end = cs->next;
}

tcb_t *roottask_create(const void *elf, size_t elf_size, const void *dtb, size_t dtb_size)
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

    /* Big, aligned objects first so the allocator wastes little. */
    unsigned cnode_bits = KEEL_ROOT_CNODE_BITS;
    uint64_t cnode_pa = alloc_zeroed(1UL << (cnode_bits + SLOT_BITS),
                                     1UL << (cnode_bits + SLOT_BITS), "the root CNode");
    uint64_t tcb_pa = alloc_zeroed(1UL << TCB_BITS, 1UL << TCB_BITS, "the root TCB");
    uint64_t vspace_pa = alloc_zeroed(PAGE_SIZE, PAGE_SIZE, "the root VSpace");
    uint64_t pool_pa = alloc_zeroed(PAGE_SIZE, PAGE_SIZE, "the initial ASID pool");

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
        uint64_t block = next_pow2(extra_len);
        extra_pa = alloc_zeroed(block, block, "the extra BootInfo");
        bi_header_t *h = arch_phys_to_virt(extra_pa);
        h->id = BI_HEADER_FDT;
        h->len = extra_len;
        memcpy(h + 1, dtb, dtb_size);
    }

    pt_env_t env;
    mmu_user_env(&env, alloc_table_page);
    uint64_t ipc_va = img.v_end, bi_va = img.v_end + PAGE_SIZE, extra_va = bi_va + PAGE_SIZE;
    map_user(&env, vspace_pa, img.v_start, image_pa, image_size, PTE_USER_RWX, "image");
    map_user(&env, vspace_pa, ipc_va, ipc_pa, PAGE_SIZE, PTE_USER_RW, "IPC buffer");
    map_user(&env, vspace_pa, bi_va, bi_pa, PAGE_SIZE, PTE_USER_RW, "BootInfo");
    if (extra_len != 0) {
        map_user(&env, vspace_pa, extra_va, extra_pa, extra_pages * PAGE_SIZE, PTE_USER_RWX,
                 "extra BootInfo");
    }

    /* The initial CSpace (§12.3). */
    boot_cspace_t cs;
    boot_cspace_init(&cs, cnode_pa, cnode_bits);
    cap_t tcb_cap = cap_make(CAP_TCB, tcb_pa, 0);
    cap_t cnode_cap = cap_cnode(cnode_pa, cnode_bits, 64 - cnode_bits, 0);
    cap_t vspace_cap = cap_pt_set_mapped(cap_make(CAP_VSPACE, vspace_pa, ROOT_ASID), true);
    cap_t ipc_cap = cap_set_mapping(cap_frame(ipc_pa, FRAME_4K, false, VM_READ_WRITE),
                                    ROOT_ASID, ipc_va);
    boot_cspace_put(&cs, SLOT_INIT_TCB, tcb_cap);
    boot_cspace_put(&cs, SLOT_INIT_CNODE, cnode_cap);
    boot_cspace_put(&cs, SLOT_INIT_VSPACE, vspace_cap);
    boot_cspace_put(&cs, SLOT_IRQ_CONTROL, cap_make(CAP_IRQ_CONTROL, 0, 0));
    boot_cspace_put(&cs, SLOT_ASID_CONTROL, cap_make(CAP_ASID_CONTROL, 0, 0));
    boot_cspace_put(&cs, SLOT_INIT_ASID_POOL, cap_make(CAP_ASID_POOL, pool_pa, 0));
    boot_cspace_put(&cs, SLOT_BOOTINFO_FRAME,
                    cap_set_mapping(cap_frame(bi_pa, FRAME_4K, false, VM_READ_WRITE),
                                    ROOT_ASID, bi_va));
    boot_cspace_put(&cs, SLOT_INIT_IPC_BUFFER, ipc_cap);
    boot_cspace_put(&cs, SLOT_DOMAIN, cap_make(CAP_DOMAIN, 0, 0));
    arch_asid_pool_init(pool_pa, vspace_pa);

    bootinfo_t *bi = arch_phys_to_virt(bi_pa);
    cs.next = SLOT_FIRST_FREE;
    paging_caps(&cs, vspace_pa, &bi->user_image_paging);
    bi->extra_bi_pages = (bi_slot_region_t){ 0, 0 };
    if (extra_len != 0) {
        frame_caps(&cs, extra_va, extra_pa, extra_pages * PAGE_SIZE, &bi->extra_bi_pages);
    }
    frame_caps(&cs, img.v_start, image_pa, image_size, &bi->user_image_frames);

    /* The thread itself. */
    tcb_t *t = obj_ptr(tcb_pa);
    t->priority = 255;
    t->mcp = 255;
    t->time_slice = TIME_SLICE_TICKS;
    t->ipc_buffer = ipc_va;
    t->ctx.x[0] = bi_va;
    t->ctx.pc = img.entry;
    t->restart_pc = img.entry;
    t->ctx.spsr = thread_sanitise_spsr(0);
    memcpy(t->name, "rootserver", sizeof("rootserver"));
    boot_cspace_copy(&cs, SLOT_INIT_CNODE, &t->slots[TCB_SLOT_CSPACE]);
    cdt_mark_tcb_slot(t, TCB_SLOT_CSPACE);
    tcb_cspace_changed(t);
    t->reply_w0 = cap_reply(tcb_pa, false, false).w0;
    boot_cspace_copy(&cs, SLOT_INIT_VSPACE, &t->slots[TCB_SLOT_VSPACE]);
    cdt_mark_tcb_slot(t, TCB_SLOT_VSPACE);
    boot_cspace_copy(&cs, SLOT_INIT_IPC_BUFFER, &t->slots[TCB_SLOT_BUFFER]);
    cdt_mark_tcb_slot(t, TCB_SLOT_BUFFER);
    tcb_buffer_changed(t);
    t->slots[TCB_SLOT_REPLY].cap = cap_reply(tcb_pa, true, true);
    t->slots[TCB_SLOT_REPLY].prev = 1;
    t->slots[TCB_SLOT_REPLY].next = 1;
    t->state = TS_RUNNING;

    /* What is left of RAM, and all device space, goes to the root task as untypeds. */
    bi->extra_len = extra_len;
    bi->node_id = 0;
    bi->num_nodes = 1;
    bi->num_io_pt_levels = 0;
    bi->ipc_buffer = ipc_va;
    bi->init_thread_cnode_size_bits = cnode_bits;
    bi->init_thread_domain = 0;
    boot_untypeds(&cs, bi);
    bi->empty = (bi_slot_region_t){ cs.next, 1UL << cnode_bits };
    return t;
}
