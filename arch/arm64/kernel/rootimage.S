// SPDX-License-Identifier: BSD-2-Clause
// The root task's ELF file, carried inside the kernel image.
// Invariants: none (data) (proofs-notes/README.md)
    .section ".rootimage", "a"
    .balign 8
    .globl rootimage_start, rootimage_end
rootimage_start:
    .incbin ROOTIMAGE_PATH
rootimage_end:
