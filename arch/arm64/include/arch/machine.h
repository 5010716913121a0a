// SPDX-License-Identifier: BSD-2-Clause
// What the portable kernel asks of the architecture and board: the arch_*() hooks.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Per-CPU control state: FP/SIMD access, user PMU access (build option). */
void arch_cpu_init(void);

/* Console (the PL011 named by the platform description). */
void arch_console_init(void);
void arch_console_putc(char c);

/* Interrupt controller (GICv2 / GIC-400). */
void arch_irq_init(void);
void arch_irq_enable(unsigned intid);
void arch_irq_disable(unsigned intid);
void arch_irq_set_trigger(unsigned intid, bool edge);
unsigned arch_irq_ack(void);          /* returns ARCH_IRQ_NONE for a spurious interrupt */
void arch_irq_eoi(unsigned intid);
#define ARCH_IRQ_NONE 1023u

/* Kernel tick: the EL1 virtual timer. */
void arch_timer_init(unsigned tick_ms);
uint64_t arch_timer_freq(void);
void arch_timer_rearm(void);

/* Stopping the machine. */
_Noreturn void arch_power_off(void);  /* QEMU exits; a board powers down or halts */
_Noreturn void arch_halt(void);       /* interrupts masked, CPU parked */

/* Kernel address space. */
void *arch_map_device(uint64_t pa, uint64_t size);
void *arch_phys_to_virt(uint64_t pa);
uint64_t arch_kernel_image_pa(const void *kernel_va);

/* Cache maintenance after the kernel wrote code that user space will execute. */
void arch_sync_icache(const void *va, size_t size);
