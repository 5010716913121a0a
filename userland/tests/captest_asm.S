// SPDX-License-Identifier: BSD-2-Clause
// captest's assembly: the register-preservation checker and the bodies of the test threads.

// Syscall numbers (§3) and the TCB_Suspend tag (label 11, no words) the threads use on themselves.
#define SYS_CALL    -1
#define SYS_YIELD   -7
#define TAG_SUSPEND 0xB000

#define PATTERN     0x5A5AC3C300000000

    .text

// seL4_Word captest_svc_check(struct svc_frame *f)
// struct svc_frame: in[8] @0, out[6] @64, nzcv_in @112, nzcv_out @120, sp_in @128, sp_out @136,
// tpidr_out @144.
// Loads x0..x5 and x7 from in[], every other general register with PATTERN + n, TPIDR_EL0 with
// PATTERN + 31 and NZCV from nzcv_in, runs svc, stores x0..x5, NZCV, SP and TPIDR_EL0, and returns
// a mask of the registers that changed: bit n for xn (n = 6..30), bit 7 for x7, bit 31 for
// TPIDR_EL0. TPIDR_EL0 is restored before returning.
    .global captest_svc_check
    .type captest_svc_check, %function
captest_svc_check:
    sub     sp, sp, #128
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    str     x0, [sp, #96]
    mrs     x1, tpidr_el0
    str     x1, [sp, #104]
    mov     x1, sp
    str     x1, [x0, #128]
    ldr     x8, =PATTERN
    .irp n, 6, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
    add     x\n, x8, #\n
    .endr
    add     x1, x8, #31
    msr     tpidr_el0, x1
    add     x8, x8, #8
    ldr     x1, [x0, #112]
    msr     nzcv, x1
    ldp     x2, x3, [x0, #16]
    ldp     x4, x5, [x0, #32]
    ldr     x7, [x0, #56]
    ldr     x1, [x0, #8]
    ldr     x0, [x0, #0]
    svc     #0
    stp     x0, x1, [sp, #-48]!
    stp     x2, x3, [sp, #16]
    stp     x4, x5, [sp, #32]
    mrs     x0, nzcv
    mov     x1, sp
    add     x1, x1, #48
    ldr     x2, [sp, #48 + 96]
    str     x0, [x2, #120]
    str     x1, [x2, #136]
    ldp     x3, x4, [sp]
    stp     x3, x4, [x2, #64]
    ldp     x3, x4, [sp, #16]
    stp     x3, x4, [x2, #80]
    ldp     x3, x4, [sp, #32]
    stp     x3, x4, [x2, #96]
    add     sp, sp, #48
    mrs     x5, tpidr_el0
    str     x5, [x2, #144]
    ldr     x1, =PATTERN
    mov     x0, #0
    .irp n, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18
    add     x3, x1, #\n
    cmp     x\n, x3
    b.eq    1f
    orr     x0, x0, #(1 << \n)
1:
    .endr
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30
    add     x3, x1, #\n
    cmp     x\n, x3
    b.eq    1f
    orr     x0, x0, #(1 << \n)
1:
    .endr
    ldr     x3, [x2, #56]
    cmp     x7, x3
    b.eq    1f
    orr     x0, x0, #(1 << 7)
1:  add     x3, x1, #31
    cmp     x5, x3
    b.eq    1f
    orr     x0, x0, #(1 << 31)
1:  ldr     x3, [sp, #104]
    msr     tpidr_el0, x3
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #128
    ret
    .size captest_svc_check, . - captest_svc_check

// Thread body: x0 = struct { count, magic, sp, tpidr }, x1 = its own TCB cap, x2 = magic.
// Each round: count += 1, record x2, SP and TPIDR_EL0, then TCB_Suspend on itself. Resumed at the
// svc it suspends again at once (§13.7); resumed after it (pc + 4) it runs another round.
    .global captest_counter_thread
    .global captest_counter_thread_svc
    .type captest_counter_thread, %function
captest_counter_thread:
    mov     x12, x0
    mov     x13, x1
1:  ldr     x9, [x12]
    add     x9, x9, #1
    str     x9, [x12]
    str     x2, [x12, #8]
    mov     x10, sp
    str     x10, [x12, #16]
    mrs     x11, tpidr_el0
    str     x11, [x12, #24]
    mov     x0, x13
    mov     x1, #TAG_SUSPEND
    mov     x7, #SYS_CALL
captest_counter_thread_svc:
    svc     #0
    b       1b
    .size captest_counter_thread, . - captest_counter_thread

// Thread body: x0 = counter address; counts for ever.
    .global captest_spin_thread
    .global captest_spin_thread_end
    .type captest_spin_thread, %function
captest_spin_thread:
    ldr     x9, [x0]
    add     x9, x9, #1
    str     x9, [x0]
    b       captest_spin_thread
captest_spin_thread_end:
    .size captest_spin_thread, . - captest_spin_thread

// Thread body: x0..x7 = a syscall to make, x19 = result block, x20 = its own TCB cap.
// Stores x0..x5 after the svc and 1 as a done flag at [x19 + 48], then suspends itself.
    .global captest_call_thread
    .type captest_call_thread, %function
captest_call_thread:
    svc     #0
    stp     x0, x1, [x19]
    stp     x2, x3, [x19, #16]
    stp     x4, x5, [x19, #32]
    mov     x9, #1
    str     x9, [x19, #48]
    mov     x0, x20
    mov     x1, #TAG_SUSPEND
    mov     x7, #SYS_CALL
    svc     #0
    b       .
    .size captest_call_thread, . - captest_call_thread

// Thread body: x0 = done-flag address, x1 = its own TCB cap, x2 = pattern. Fills d0..d31 with
// pattern + 2000 + n, x19..x28 with pattern + 100 + n, FPSR and FPCR with 0, stores the pattern
// at [x0] and suspends itself.
    .global captest_fp_thread
    .type captest_fp_thread, %function
captest_fp_thread:
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    add     x3, x2, #(2000 + \n)
    fmov    d\n, x3
    .endr
    .irp n, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    add     x3, x2, #(2000 + \n)
    fmov    d\n, x3
    .endr
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    add     x\n, x2, #(100 + \n)
    .endr
    msr     fpsr, xzr
    msr     fpcr, xzr
    str     x2, [x0]
    mov     x0, x1
    mov     x1, #TAG_SUSPEND
    mov     x7, #SYS_CALL
    svc     #0
    b       .
    .size captest_fp_thread, . - captest_fp_thread

#define FPSR_VALUE 0x08000011
#define FPCR_VALUE 0x01C00000

// seL4_Word captest_fp_yield_check(seL4_Word pattern)
// Fills d0..d31 with pattern + 1000 + n, x19..x28 with pattern + n, FPSR/FPCR with fixed values,
// calls Yield, and returns a mask of what changed: bits 0..31 = d0..d31, 32..41 = x19..x28,
// 42 = FPSR, 43 = FPCR.
    .global captest_fp_yield_check
    .type captest_fp_yield_check, %function
captest_fp_yield_check:
    sub     sp, sp, #192
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    stp     d8, d9, [sp, #96]
    stp     d10, d11, [sp, #112]
    stp     d12, d13, [sp, #128]
    stp     d14, d15, [sp, #144]
    mrs     x9, fpcr
    mrs     x10, fpsr
    stp     x9, x10, [sp, #160]
    str     x0, [sp, #176]
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    add     x3, x0, #(1000 + \n)
    fmov    d\n, x3
    .endr
    .irp n, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    add     x3, x0, #(1000 + \n)
    fmov    d\n, x3
    .endr
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    add     x\n, x0, #\n
    .endr
    ldr     x3, =FPSR_VALUE
    msr     fpsr, x3
    ldr     x3, =FPCR_VALUE
    msr     fpcr, x3
    mov     x7, #SYS_YIELD
    svc     #0
    mrs     x13, fpsr
    mrs     x14, fpcr
    ldr     x12, [sp, #176]
    mov     x0, #0
    .irp n, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
    fmov    x15, d\n
    add     x16, x12, #(1000 + \n)
    cmp     x15, x16
    b.eq    1f
    orr     x0, x0, #(1 << \n)
1:
    .endr
    .irp n, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31
    fmov    x15, d\n
    add     x16, x12, #(1000 + \n)
    cmp     x15, x16
    b.eq    1f
    orr     x0, x0, #(1 << \n)
1:
    .endr
    .irp n, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    add     x16, x12, #\n
    cmp     x\n, x16
    b.eq    1f
    orr     x0, x0, #(1 << (32 + \n - 19))
1:
    .endr
    ldr     x16, =FPSR_VALUE
    cmp     x13, x16
    b.eq    1f
    orr     x0, x0, #(1 << 42)
1:  ldr     x16, =FPCR_VALUE
    cmp     x14, x16
    b.eq    1f
    orr     x0, x0, #(1 << 43)
1:  ldp     x9, x10, [sp, #160]
    msr     fpcr, x9
    msr     fpsr, x10
    ldp     d8, d9, [sp, #96]
    ldp     d10, d11, [sp, #112]
    ldp     d12, d13, [sp, #128]
    ldp     d14, d15, [sp, #144]
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #192
    ret
    .size captest_fp_yield_check, . - captest_fp_yield_check

    .ltorg

    .section .note.GNU-stack, "", %progbits
