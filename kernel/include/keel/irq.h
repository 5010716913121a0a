// SPDX-License-Identifier: BSD-2-Clause
// Interrupts as capabilities: IRQControl issues handlers; a handler routes one INTID to a notification.
#pragma once

#include <stdint.h>

void irq_init(void);
/* The last IRQHandler cap for irq was deleted: forget its notification, mask it. */
void irq_handler_deleted(unsigned irq);
/* Statistics for the tools: interrupts nobody claimed and spurious acknowledgements. */
uint64_t irq_unclaimed_count(void);
uint64_t irq_spurious_count(void);
