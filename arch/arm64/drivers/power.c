// SPDX-License-Identifier: BSD-2-Clause
// Powering off or parking the machine: PSCI on virt, the PM watchdog block on the Pi.
// Invariants: INV-BOOT-3, INV-VS-8 (proofs-notes/README.md)
#include <arch/machine.h>
#include <plat/platform.h>
#include <stdint.h>

#define PSCI_SYSTEM_OFF 0x84000008u

_Noreturn void arch_halt(void)
{
    __asm__ volatile("msr daifset, #0xf" ::: "memory");
    for (;;) {
        __asm__ volatile("wfi");
    }
}

_Noreturn void arch_power_off(void)
{
#if PLAT_POWEROFF_PSCI
    register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;
#if PLAT_PSCI_CONDUIT_SMC
    __asm__ volatile("smc #0" : "+r"(x0) : : "memory");
#else
    __asm__ volatile("hvc #0" : "+r"(x0) : : "memory");
#endif
#elif PLAT_POWEROFF_BCM_PM
    /* RSTS 0x555 tells the firmware "halt", then a watchdog reset takes it there. */
    volatile uint32_t *pm = arch_map_device(PLAT_PM_PADDR, 0x1000);
    const uint32_t password = 0x5a000000u;
    pm[0x24 / 4] = password | 10;                           /* WDOG: a few ticks */
    pm[0x20 / 4] = password | 0x555;                        /* RSTS */
    pm[0x1c / 4] = password | (pm[0x1c / 4] & ~0x30u) | 0x20u; /* RSTC: full reset */
#endif
    arch_halt();
}
