// SPDX-License-Identifier: BSD-2-Clause
// GICv2 / GIC-400 distributor and CPU interface for a single core.
// Invariants: INV-BOOT-3, INV-VS-8 (proofs-notes/README.md)
#include <arch/machine.h>
#include <plat/platform.h>
#include <stdint.h>

#define GICD_CTLR       0x000
#define GICD_TYPER      0x004
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00

#define GICC_CTLR       0x000
#define GICC_PMR        0x004
#define GICC_BPR        0x008
#define GICC_IAR        0x00c
#define GICC_EOIR       0x010

#define IRQ_PRIORITY    0xa0u

static volatile uint32_t *gicd;
static volatile uint32_t *gicc;

static inline void d_wr(unsigned off, uint32_t v) { gicd[off / 4] = v; }
static inline uint32_t d_rd(unsigned off) { return gicd[off / 4]; }

void arch_irq_init(void)
{
    gicd = arch_map_device(PLAT_GICD_PADDR, 0x1000);   /* registers used fit the first page */
    gicc = arch_map_device(PLAT_GICC_PADDR, 0x1000);
    unsigned lines = 32 * ((d_rd(GICD_TYPER) & 0x1f) + 1);

    d_wr(GICD_CTLR, 0);
    for (unsigned i = 0; i < lines; i += 32) {
        d_wr(GICD_ICENABLER + i / 8, 0xffffffffu);
        d_wr(GICD_ICPENDR + i / 8, 0xffffffffu);
    }
    for (unsigned i = 0; i < lines; i += 4) {
        d_wr(GICD_IPRIORITYR + i, IRQ_PRIORITY * 0x01010101u);
    }
    /* SPIs: level-triggered (the reset value on most lines), all to CPU 0. */
    for (unsigned i = 32; i < lines; i += 4) {
        d_wr(GICD_ITARGETSR + i, 0x01010101u);
    }
    for (unsigned i = 32; i < lines; i += 16) {
        d_wr(GICD_ICFGR + i / 4, 0);
    }
    /* Enable both groups: without security extensions (QEMU) everything is group 0; behind
     * the Pi's armstub everything is group 1 and this is the non-secure view. */
    d_wr(GICD_CTLR, 3);
    gicc[GICC_PMR / 4] = 0xff;
    gicc[GICC_BPR / 4] = 0;
    gicc[GICC_CTLR / 4] = 3;
}

void arch_irq_enable(unsigned intid)
{
    d_wr(GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void arch_irq_disable(unsigned intid)
{
    d_wr(GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

void arch_irq_set_trigger(unsigned intid, bool edge)
{
    unsigned reg = GICD_ICFGR + (intid / 16) * 4, shift = (intid % 16) * 2 + 1;
    uint32_t v = d_rd(reg);
    d_wr(reg, edge ? (v | (1u << shift)) : (v & ~(1u << shift)));
}

unsigned arch_irq_ack(void)
{
    unsigned intid = gicc[GICC_IAR / 4] & 0x3ff;
    return intid >= 1020 ? ARCH_IRQ_NONE : intid;
}

void arch_irq_eoi(unsigned intid)
{
    gicc[GICC_EOIR / 4] = intid;
}
