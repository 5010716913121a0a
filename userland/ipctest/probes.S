// SPDX-License-Identifier: BSD-2-Clause
// Assembly probes for the IPC suite: syscalls at known addresses, faults, register preservation.

// The fault tests need the exact address of the faulting instruction and full control over the
// registers at a svc, which C cannot promise; each probe records what the test compares against.

    .text

// void it_sys_at(seL4_Syscall_ID sys, keel_ipc_regs_t *r, seL4_Word *svc_addr)
    .global it_sys_at
    .type it_sys_at, %function
    .balign 8
it_sys_at:
    adr     x9, 1f
    str     x9, [x2]
    sxtw    x7, w0                  // the enum arrives as a 32-bit int; x7 needs all 64 bits
    mov     x9, x1
    ldp     x0, x1, [x9]
    ldp     x2, x3, [x9, #16]
    ldp     x4, x5, [x9, #32]
1:  svc     #0
    stp     x0, x1, [x9]
    stp     x2, x3, [x9, #16]
    stp     x4, x5, [x9, #32]
    ret
    .size it_sys_at, . - it_sys_at

// void it_probe_unknown_syscall(seL4_Word *rec)
    .global it_probe_unknown_syscall
    .type it_probe_unknown_syscall, %function
    .balign 8
it_probe_unknown_syscall:
    mov     x9, x0
    adr     x10, 1f
    str     x10, [x9]
    mov     x10, sp
    str     x10, [x9, #16]
    mov     x0, #0xa0
    mov     x1, #0xa1
    mov     x2, #0xa2
    mov     x3, #0xa3
    mov     x4, #0xa4
    mov     x5, #0xa5
    mov     x6, #0xa6
    mov     x7, #123
1:  svc     #0
    str     x0, [x9, #8]
    ret
    .size it_probe_unknown_syscall, . - it_probe_unknown_syscall

// void it_probe_udf(seL4_Word *rec)
    .global it_probe_udf
    .type it_probe_udf, %function
    .balign 8
it_probe_udf:
    mov     x9, x0
    adr     x10, 1f
    str     x10, [x9]
    mov     x10, sp
    str     x10, [x9, #8]
1:  udf     #0
    mov     x10, #1
    str     x10, [x9, #16]
    ret
    .size it_probe_udf, . - it_probe_udf

// void it_probe_load(seL4_Word *rec, seL4_Word addr)
    .global it_probe_load
    .type it_probe_load, %function
    .balign 8
it_probe_load:
    mov     x9, x0
    adr     x10, 1f
    str     x10, [x9]
1:  ldr     x10, [x1]
    str     x10, [x9, #8]
    ret
    .size it_probe_load, . - it_probe_load

// void it_probe_store(seL4_Word *rec, seL4_Word addr)
    .global it_probe_store
    .type it_probe_store, %function
    .balign 8
it_probe_store:
    mov     x9, x0
    adr     x10, 1f
    str     x10, [x9]
    mov     x10, #0x55
1:  str     x10, [x1]
    ret
    .size it_probe_store, . - it_probe_store

// void it_probe_jump(seL4_Word addr)
    .global it_probe_jump
    .type it_probe_jump, %function
    .balign 8
it_probe_jump:
    br      x0
    .size it_probe_jump, . - it_probe_jump

// seL4_Word it_probe_preserve(seL4_Syscall_ID sys, keel_ipc_regs_t *r)
//
// Pattern for xn: 0x7e57_0000_0000_0000 | n << 8 | n. x7 holds the syscall number and is checked
// against it. Frame (offsets from SP): 0 x29/x30, 16..95 x19..x28, 96 sys, 104 r, 112 x16/x17 after
// the svc, 128 SP before the svc, 136 NZCV after the svc.
    .macro pattern reg, n
    movz    \reg, #0x7e57, lsl #48
    movk    \reg, #((\n << 8) | \n)
    .endm
    .macro check reg, n
    movz    x1, #0x7e57, lsl #48
    movk    x1, #((\n << 8) | \n)
    cmp     \reg, x1
    cset    x2, ne
    orr     x0, x0, x2, lsl #\n
    .endm

    .global it_probe_preserve
    .type it_probe_preserve, %function
    .balign 8
it_probe_preserve:
    sub     sp, sp, #160
    stp     x29, x30, [sp]
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    stp     x23, x24, [sp, #48]
    stp     x25, x26, [sp, #64]
    stp     x27, x28, [sp, #80]
    stp     x0, x1, [sp, #96]
    mov     x2, sp
    str     x2, [sp, #128]

    sxtw    x7, w0                  // sign-extended syscall number, as at the top of it_sys_at
    str     x7, [sp, #96]           // the value x7 must still hold after the svc
    mov     x16, x1
    ldp     x0, x1, [x16]
    ldp     x2, x3, [x16, #16]
    ldp     x4, x5, [x16, #32]
    pattern x6, 6
    pattern x8, 8
    pattern x9, 9
    pattern x10, 10
    pattern x11, 11
    pattern x12, 12
    pattern x13, 13
    pattern x14, 14
    pattern x15, 15
    pattern x16, 16
    pattern x17, 17
    pattern x18, 18
    pattern x19, 19
    pattern x20, 20
    pattern x21, 21
    pattern x22, 22
    pattern x23, 23
    pattern x24, 24
    pattern x25, 25
    pattern x26, 26
    pattern x27, 27
    pattern x28, 28
    pattern x30, 30
    // N and C set, Z and V clear; nothing below touches the flags before the svc.
    movz    x29, #0xa000, lsl #16
    msr     nzcv, x29
    pattern x29, 29
    svc     #0

    // Nothing that changes the flags may run before NZCV is saved.
    stp     x16, x17, [sp, #112]
    mrs     x16, nzcv
    str     x16, [sp, #136]
    ldr     x16, [sp, #104]
    stp     x0, x1, [x16]
    stp     x2, x3, [x16, #16]
    stp     x4, x5, [x16, #32]

    mov     x0, #0
    check   x6, 6
    ldr     x1, [sp, #96]
    cmp     x7, x1
    cset    x2, ne
    orr     x0, x0, x2, lsl #7
    check   x8, 8
    check   x9, 9
    check   x10, 10
    check   x11, 11
    check   x12, 12
    check   x13, 13
    check   x14, 14
    check   x15, 15
    ldp     x3, x4, [sp, #112]
    check   x3, 16
    check   x4, 17
    check   x18, 18
    check   x19, 19
    check   x20, 20
    check   x21, 21
    check   x22, 22
    check   x23, 23
    check   x24, 24
    check   x25, 25
    check   x26, 26
    check   x27, 27
    check   x28, 28
    check   x29, 29
    check   x30, 30
    mov     x3, sp
    ldr     x4, [sp, #128]
    cmp     x3, x4
    cset    x2, ne
    orr     x0, x0, x2, lsl #31
    ldr     x3, [sp, #136]
    movz    x4, #0xa000, lsl #16
    cmp     x3, x4
    cset    x2, ne
    orr     x0, x0, x2, lsl #32

    ldp     x29, x30, [sp]
    ldp     x19, x20, [sp, #16]
    ldp     x21, x22, [sp, #32]
    ldp     x23, x24, [sp, #48]
    ldp     x25, x26, [sp, #64]
    ldp     x27, x28, [sp, #80]
    add     sp, sp, #160
    ret
    .size it_probe_preserve, . - it_probe_preserve

    .section .note.GNU-stack, "", %progbits
