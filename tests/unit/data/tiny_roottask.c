// SPDX-License-Identifier: BSD-2-Clause
// Smallest AArch64 executable with text, data and bss, linked by the cross toolchain for test_elf.

volatile int tiny_data = 42;
volatile int tiny_bss[1024];

void _start(void)
{
    for (;;)
        tiny_bss[tiny_data & 1023]++;
}
