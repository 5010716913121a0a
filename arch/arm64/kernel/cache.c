// SPDX-License-Identifier: BSD-2-Clause
// Cache maintenance by line over a range, through the kernel's physical-memory window.
// Invariants: none (maintenance through the physical window; mappings unchanged)
//   (proofs-notes/README.md)
#include <arch/cache.h>
#include <arch/sysreg.h>
#include <stdint.h>

void cache_lines(unsigned op, const void *va, size_t size)
{
    uint64_t line = 4UL << ((sysreg_read(ctr_el0) >> 16) & 0xf);
    uint64_t p = (uint64_t)va & ~(line - 1), end = (uint64_t)va + size;
    for (; p < end; p += line) {
        switch (op) {
        case CACHE_CLEAN: __asm__ volatile("dc cvac, %0" : : "r"(p) : "memory"); break;
        case CACHE_INVALIDATE: __asm__ volatile("dc civac, %0" : : "r"(p) : "memory"); break;
        case CACHE_CLEAN_INVALIDATE: __asm__ volatile("dc civac, %0" : : "r"(p) : "memory"); break;
        default: __asm__ volatile("dc cvau, %0" : : "r"(p) : "memory"); break;
        }
    }
}

void cache_op(unsigned op, const void *va, size_t size)
{
    cache_lines(op, va, size);
    dsb_sy();
    if (op == CACHE_UNIFY) {
        __asm__ volatile("ic ialluis" ::: "memory");
        dsb_sy();
        isb();
    }
}
