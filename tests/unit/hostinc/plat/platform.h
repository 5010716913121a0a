// SPDX-License-Identifier: BSD-2-Clause
// Stand-in for the generated platform header in host tests (qemu-virt's interrupt numbers).
#pragma once

#define PLAT_MAX_IRQ   159
#define PLAT_TIMER_IRQ 27
