// SPDX-License-Identifier: BSD-2-Clause
// PL011 UART console: polled output for the kernel's own messages.
// Invariants: INV-BOOT-3 (proofs-notes/README.md)
#include <arch/machine.h>
#include <plat/platform.h>
#include <stdint.h>

#define UART_DR    0x00
#define UART_FR    0x18
#define UART_IBRD  0x24
#define UART_FBRD  0x28
#define UART_LCRH  0x2c
#define UART_CR    0x30
#define UART_IMSC  0x38
#define FR_TXFF    (1u << 5)
#define FR_BUSY    (1u << 3)
#define LCRH_8N1_FIFO 0x70u
#define CR_UARTEN_TXE_RXE 0x301u
#define CONSOLE_BAUD 115200u

static volatile uint32_t *uart;

static inline uint32_t rd(unsigned off) { return uart[off / 4]; }
static inline void wr(unsigned off, uint32_t v) { uart[off / 4] = v; }

#if PLAT_UART_GPIO_MUX
/* The Pi routes GPIO14/15 to the mini-UART by default; give them to the PL011 (ALT0). */
static void mux_uart_pins(void)
{
    volatile uint32_t *gpio = arch_map_device(PLAT_UART_GPIO_PADDR, 0x1000);
    uint32_t sel = gpio[1];                      /* GPFSEL1: GPIO10..19, 3 bits each */
    sel &= ~((7u << 12) | (7u << 15));
    sel |= (4u << 12) | (4u << 15);              /* ALT0 */
    gpio[1] = sel;
    uint32_t pull = gpio[0xe4 / 4];              /* GPIO_PUP_PDN_CNTRL_REG0: 2 bits a pin */
    pull &= ~((3u << 28) | (3u << 30));
    pull |= (1u << 30);                          /* RX pulled up, TX floating */
    gpio[0xe4 / 4] = pull;
}
#endif

void arch_console_init(void)
{
    uart = arch_map_device(PLAT_UART_PADDR, 0x1000);
#if PLAT_UART_GPIO_MUX
    mux_uart_pins();
#endif
    /* Reprogram for 115200 8N1 from the clock the platform names; wait for the FIFO to drain
     * first so a loader's last characters are not cut. */
    while (rd(UART_FR) & FR_BUSY) {
    }
    uint32_t div64 = (uint32_t)(((uint64_t)PLAT_UART_CLOCK_HZ * 4 + CONSOLE_BAUD / 2) /
                                CONSOLE_BAUD);
    wr(UART_CR, 0);
    wr(UART_IBRD, div64 >> 6);
    wr(UART_FBRD, div64 & 63);
    wr(UART_LCRH, LCRH_8N1_FIFO);
    wr(UART_IMSC, 0);
    wr(UART_CR, CR_UARTEN_TXE_RXE);
}

void arch_console_putc(char c)
{
    if (uart == NULL) {
        return;
    }
    while (rd(UART_FR) & FR_TXFF) {
    }
    wr(UART_DR, (uint8_t)c);
}
