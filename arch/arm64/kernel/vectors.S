// SPDX-License-Identifier: BSD-2-Clause
// Exception vectors, kernel entry from EL0 and the return path to user mode.
// Invariants: INV-BOOT-9, INV-FP-1, INV-TCB-1, INV-VS-1 (proofs-notes/README.md)
#include <arch/context.h>
#include <keel/config.h>

/*
 * While a thread runs at EL0, SP_EL1 points at its user_context_t, so entry can save the
 * registers without a scratch register; the kernel then switches to its own stack.
 */
.macro vector target
    .balign 0x80
    b       \target
.endm

.macro save_user_and_switch
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    /* x8/x9 are saved: use them, so x0/x1 (cptr, msginfo) stay live for the fastpath. */
    mrs     x8, sp_el0
    stp     x30, x8, [sp, #CTX_SP - 8]
    mrs     x8, elr_el1
    mrs     x9, spsr_el1
    stp     x8, x9, [sp, #CTX_PC]
    mrs     x8, tpidr_el0               // TPIDRRO_EL0 is read-only at EL0: ctx already has it
    str     x8, [sp, #CTX_TPIDR]
    mov     x8, sp                      // x8 = the context
    mrs     x9, tpidr_el1               // the kernel stack top (set once at boot)
    mov     sp, x9
.endm

/* Kernel-mode frame: caller-saved registers plus the exception return state. */
#define KFRAME_SIZE (16 * 12)
.macro save_kernel_frame
    sub     sp, sp, #KFRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x29, [sp, #16 * 9]
    mrs     x0, elr_el1
    mrs     x1, spsr_el1
    stp     x30, x0, [sp, #16 * 10]
    str     x1, [sp, #16 * 11]
.endm

.macro restore_kernel_frame
    ldr     x1, [sp, #16 * 11]
    ldp     x30, x0, [sp, #16 * 10]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    ldp     x18, x29, [sp, #16 * 9]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x0, x1, [sp, #16 * 0]
    add     sp, sp, #KFRAME_SIZE
.endm

    .section ".text.vectors", "ax"
    .balign 2048
    .globl exception_vectors
exception_vectors:
    vector  el1_bad          // current EL, SP0: the kernel never runs on SP_EL0
    vector  el1_bad
    vector  el1_bad
    vector  el1_bad
    vector  el1_sync         // current EL, SPx
    vector  el1_irq
    vector  el1_bad
    vector  el1_bad
    vector  el0_sync         // lower EL, AArch64
    vector  el0_irq
    vector  el0_irq          // FIQ: handled like IRQ (GIC group routing may signal FIQ)
    vector  el0_serror
    vector  el0_bad32        // lower EL, AArch32: never enabled
    vector  el0_bad32
    vector  el0_bad32
    vector  el0_bad32

el0_sync:
    save_user_and_switch
#if KEEL_FASTPATH
    /* Call (-1) and ReplyRecv (-2) of an svc try the fastpath with the caller's x0 (cptr)
     * and x1 (msginfo) still in place; x7 still holds the number. */
    mrs     x9, esr_el1
    lsr     x9, x9, #26
    cmp     x9, #0x15
    b.ne    1f
    cmn     x7, #1
    b.eq    fastpath_call
    cmn     x7, #2
    b.eq    fastpath_reply_recv
1:
#endif
    mov     x0, x8
    bl      c_handle_el0_sync
    b       .

el0_irq:
    save_user_and_switch
    mov     x0, x8
    bl      c_handle_el0_irq
    b       .

el0_serror:
    save_user_and_switch
    mov     x0, x8
    bl      c_handle_el0_serror
    b       .

el0_bad32:
    save_user_and_switch
    mov     x0, x8
    bl      c_handle_el0_serror
    b       .

el1_irq:
    save_kernel_frame
    bl      c_handle_el1_irq
    restore_kernel_frame
    eret

el1_sync:
el1_bad:
    save_kernel_frame
    stp     x19, x20, [sp, #-16]!       // the report prints callee-saved registers too
    mov     x0, sp
    bl      c_handle_el1_fault
    b       .

    .text
    .globl arch_return_to_user
arch_return_to_user:
    mov     sp, x0
    ldp     x0, x1, [sp, #CTX_TPIDR]
    msr     tpidr_el0, x0
    msr     tpidrro_el0, x1
    ldp     x0, x1, [sp, #CTX_PC]
    msr     elr_el1, x0
    msr     spsr_el1, x1
    ldp     x30, x0, [sp, #CTX_SP - 8]
    msr     sp_el0, x0
    ldp     x28, x29, [sp, #16 * 14]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x0, x1, [sp, #16 * 0]
    eret

    .globl arch_idle
arch_idle:
    adrp    x0, kernel_stack_top
    add     x0, x0, :lo12:kernel_stack_top
    mov     sp, x0
    msr     daifclr, #2
1:  wfi
    b       1b
