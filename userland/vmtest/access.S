/* SPDX-License-Identifier: BSD-2-Clause */
/* Single-instruction memory accessors whose addresses the VM-fault tests expect as fault IPs. */

/*
 * A VMFault reports the address of the faulting instruction (ABI sheet §10.3, MR0). Each accessor
 * does its access with one labelled instruction, so a test knows that address exactly. They are
 * leaf functions that touch nothing but x0/x1, safe on threads without TLS or IPC buffer.
 */

    .text
    .balign 4

    .global vt_read64
    .type vt_read64, %function
vt_read64:
    .global vt_read64_insn
vt_read64_insn:
    ldr     x0, [x0]
    ret
    .size vt_read64, . - vt_read64

    .global vt_write64
    .type vt_write64, %function
vt_write64:
    .global vt_write64_insn
vt_write64_insn:
    str     x1, [x0]
    dsb     sy
    ret
    .size vt_write64, . - vt_write64

    .global vt_read32
    .type vt_read32, %function
vt_read32:
    .global vt_read32_insn
vt_read32_insn:
    ldr     w0, [x0]
    ret
    .size vt_read32, . - vt_read32

    .section .note.GNU-stack, "", %progbits
