// SPDX-License-Identifier: BSD-2-Clause
// Root-task entry point: snapshots the entry registers, installs a static stack, enters C.

// The kernel starts the root task with x0 = BootInfo address, SP = 0 and every other register 0
// (ABI sheet §12.4). Nothing here may use the stack until SP is loaded, and the registers are
// recorded first so that the program can later report a kernel that broke the contract.

    .section .text.keel_start, "ax", %progbits
    .global _start
    .type _start, %function
_start:
    // x9 is folded in by starting from itself; x0 is excluded because it carries BootInfo.
    orr     x9, x9, x1
    orr     x9, x9, x2
    orr     x9, x9, x3
    orr     x9, x9, x4
    orr     x9, x9, x5
    orr     x9, x9, x6
    orr     x9, x9, x7
    orr     x9, x9, x8
    orr     x9, x9, x10
    orr     x9, x9, x11
    orr     x9, x9, x12
    orr     x9, x9, x13
    orr     x9, x9, x14
    orr     x9, x9, x15
    orr     x9, x9, x16
    orr     x9, x9, x17
    orr     x9, x9, x18
    orr     x9, x9, x19
    orr     x9, x9, x20
    orr     x9, x9, x21
    orr     x9, x9, x22
    orr     x9, x9, x23
    orr     x9, x9, x24
    orr     x9, x9, x25
    orr     x9, x9, x26
    orr     x9, x9, x27
    orr     x9, x9, x28
    orr     x9, x9, x29
    orr     x9, x9, x30

    mov     x10, sp
    mrs     x11, tpidr_el0
    mrs     x12, tpidrro_el0
    mrs     x13, nzcv
    // Field order matches struct keel_entry_state in <keel/runtime.h>.
    adrp    x14, keel_entry_state
    add     x14, x14, :lo12:keel_entry_state
    stp     x10, x9, [x14]
    stp     x11, x12, [x14, #16]
    str     x13, [x14, #32]

    adrp    x9, __keel_stack_top
    add     x9, x9, :lo12:__keel_stack_top
    mov     sp, x9
    // A zero frame record ends every backtrace here.
    mov     x29, xzr
    mov     x30, xzr
    bl      keel_root_start
    // keel_root_start never returns; if it somehow did, there is no caller to return to.
    bl      keel_debug_halt
1:  b       1b
    .size _start, . - _start

    .section .bss.keel_entry_state, "aw", %nobits
    .balign 8
    .global keel_entry_state
    .type keel_entry_state, %object
keel_entry_state:
    .space  40
    .size keel_entry_state, . - keel_entry_state

    .section .note.GNU-stack, "", %progbits
