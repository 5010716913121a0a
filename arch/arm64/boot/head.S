// SPDX-License-Identifier: BSD-2-Clause
// Image header and first instructions: drop to EL1, build the early tables, turn the MMU on.
// Invariants: INV-BOOT-1, -6..9, INV-VS-1 (proofs-notes/README.md)
#include <arch/memlayout.h>
#include <arch/pte.h>

/* SCTLR_EL1: RES1 bits of ARMv8.0, then M C SA I UCT nTWI nTWE UCI (EL0 cache ops, ABI).
 * SA0 stays clear: seL4 does not check EL0 stack alignment (ABI §13.14). */
#define SCTLR_RES1   0x30d00800
#define SCTLR_MMU_ON (SCTLR_RES1 | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 12) | \
                      (1 << 15) | (1 << 16) | (1 << 18) | (1 << 26))
/* TCR_EL1: 48-bit halves, 4 KiB granules, inner-shareable write-back walks, 16-bit ASIDs. */
#define TCR_VALUE    ((16 << 0) | (1 << 8) | (1 << 10) | (3 << 12) | (0 << 14) | \
                      (16 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (1 << 36))
/* Early block attributes: the whole image RWX for now; C replaces this with W^X pages. */
#define EARLY_BLOCK  (PTE_VALID | PTE_AF | PTE_SH_INNER | PTE_ATTR(MAIR_IDX_NORMAL))

    .section ".text.head", "ax"
    .globl _head
_head:
    b       primary_entry               // code0
    .long   0                           // code1
    .quad   0                           // text_offset: load at a 2 MiB boundary
    .quad   __image_size                // image_size, including .bss
    .quad   0xa                         // flags: little-endian, 4 KiB pages, place anywhere
    .quad   0, 0, 0                     // res2..res4
    .ascii  "ARM\x64"                   // magic
    .long   0                           // res5

primary_entry:
    msr     daifset, #0xf               // whatever the loader left, nothing may interrupt us
    mov     x19, x0                     // DTB physical address from the loader
    adrp    x20, _head                  // physical load address (MMU is off)
    tst     x20, #(BLOCK_2M - 1)
    b.ne    park                        // the early map uses 2 MiB blocks: must be aligned
    mrs     x21, CurrentEL
    ubfx    x21, x21, #2, #2            // the EL we were entered at, reported by boot_main
    cmp     x21, #2
    b.eq    from_el2
    cmp     x21, #1
    b.eq    at_el1
    b       park                        // EL3 entry is not supported

from_el2:
    mov     x0, #(1 << 31)              // HCR_EL2.RW: EL1 runs AArch64; nothing else traps
    msr     hcr_el2, x0
    mov     x0, #3                      // CNTHCTL_EL2: EL1 may use the physical counter/timer
    msr     cnthctl_el2, x0
    msr     cntvoff_el2, xzr
    mov     x0, #0x33ff                 // CPTR_EL2: no FP/SIMD traps
    msr     cptr_el2, x0
    msr     hstr_el2, xzr
    mrs     x0, pmcr_el0
    ubfx    x0, x0, #11, #5             // MDCR_EL2.HPMN = PMCR.N: all counters to EL1/EL0
    msr     mdcr_el2, x0
    msr     vttbr_el2, xzr
    ldr     x0, =SCTLR_RES1
    msr     sctlr_el1, x0
    mov     x0, #0x3c5                  // EL1h with D, A, I, F masked
    msr     spsr_el2, x0
    adr     x0, at_el1
    msr     elr_el2, x0
    eret

at_el1:
    ldr     x0, =SCTLR_RES1             // MMU and caches off until the tables exist
    msr     sctlr_el1, x0
    isb
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:
    // TTBR1: L0[511] -> L1, L1[510] -> L2, L2[i] -> 2 MiB blocks of the image.
    adrp    x0, early_l0_hi
    adrp    x1, early_l1_hi
    orr     x2, x1, #(PTE_VALID | PTE_TABLE)
    str     x2, [x0, #(511 * 8)]
    adrp    x2, early_l2_img
    orr     x3, x2, #(PTE_VALID | PTE_TABLE)
    str     x3, [x1, #(510 * 8)]
    ldr     x4, =(__image_size + BLOCK_2M - 1)
    lsr     x4, x4, #21
    ldr     x5, =EARLY_BLOCK
    orr     x5, x5, x20
    mov     x8, #BLOCK_2M
3:  str     x5, [x2], #8
    add     x5, x5, x8
    subs    x4, x4, #1
    b.ne    3b
    // TTBR0: identity-map the 1 GiB (and the next) holding the image, for the MMU switch.
    adrp    x0, early_l0_id
    adrp    x1, early_l1_id
    lsr     x3, x20, #39
    orr     x2, x1, #(PTE_VALID | PTE_TABLE)
    str     x2, [x0, x3, lsl #3]
    lsr     x3, x20, #30
    and     x3, x3, #511
    lsl     x6, x3, #30
    and     x7, x20, #~((1 << 39) - 1)
    orr     x6, x6, x7
    ldr     x5, =EARLY_BLOCK
    orr     x6, x6, x5
    str     x6, [x1, x3, lsl #3]
    cmp     x3, #511
    b.eq    4f
    add     x3, x3, #1
    mov     x8, #BLOCK_1G
    add     x6, x6, x8
    str     x6, [x1, x3, lsl #3]
4:
    // Written with the MMU off: drop any stale cache lines before caches see these addresses.
    adrp    x0, __bss_start
    add     x0, x0, :lo12:__bss_start
    adrp    x1, __bss_end
    add     x1, x1, :lo12:__bss_end
    mrs     x2, ctr_el0
    ubfx    x2, x2, #16, #4             // DminLine: log2 of words per line
    mov     x3, #4
    lsl     x3, x3, x2
    sub     x4, x3, #1
    bic     x0, x0, x4
5:  dc      ivac, x0
    add     x0, x0, x3
    cmp     x0, x1
    b.lo    5b
    dsb     sy
    ldr     x0, =MAIR_VALUE
    msr     mair_el1, x0
    ldr     x0, =TCR_VALUE
    mrs     x1, id_aa64mmfr0_el1
    and     x1, x1, #7                  // PARange -> TCR.IPS (at most 48 bits)
    cmp     x1, #5
    mov     x2, #5
    csel    x1, x1, x2, ls
    bfi     x0, x1, #32, #3
    msr     tcr_el1, x0
    adrp    x0, early_l0_id
    msr     ttbr0_el1, x0
    adrp    x0, early_l0_hi
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x0, =SCTLR_MMU_ON
    msr     sctlr_el1, x0
    isb
    ldr     x0, =high_entry             // the linked (high) address
    br      x0

high_entry:
    adrp    x0, kernel_stack_top
    add     x0, x0, :lo12:kernel_stack_top
    mov     sp, x0
    msr     tpidr_el1, x0               // kernel entry from EL0 finds its stack here
    adrp    x0, exception_vectors
    add     x0, x0, :lo12:exception_vectors
    msr     vbar_el1, x0
    isb
    mov     x0, x19
    mov     x1, x20
    mov     x2, x21
    bl      boot_main
park:
    wfe
    b       park

/* Where spin-table secondaries are sent (arch/arm64/kernel/cpus.c): Keel runs on one core, and a
 * core left polling its release address keeps a host CPU busy under QEMU. Entered at EL2 or EL1
 * with the MMU off; it stays in the kernel image, which is never handed out as untyped memory. */
    .globl  secondary_park
secondary_park:
    msr     daifset, #0xf
1:  wfi
    b       1b

    .section ".bss.pagetables", "aw", %nobits
    .balign 4096
early_l0_hi:  .skip 4096
early_l1_hi:  .skip 4096
early_l2_img: .skip 4096
early_l0_id:  .skip 4096
early_l1_id:  .skip 4096

    .section ".bss.stack", "aw", %nobits
    .balign 16
    .globl kernel_stack_bottom, kernel_stack_top
kernel_stack_bottom:
    .skip   KERNEL_STACK_SIZE
kernel_stack_top:
