// SPDX-License-Identifier: BSD-2-Clause
// FDT reader on well-formed trees: the boards' own DTS, the test tree and real boot DTBs.

#include <keel/fdt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

typedef struct {
    uint8_t *buf;
    size_t len;
    fdt_t f;
} dtb_t;

static dtb_t *open_dtb(const char *path)
{
    dtb_t *d = calloc(1, sizeof(*d));
    assert_non_null(d);
    d->buf = test_load_file(path, &d->len);
    if (d->buf == NULL) {
        free(d);
        return NULL;
    }
    int err = fdt_init(&d->f, d->buf, d->len);
    if (err != FDT_OK)
        fail_msg("%s: %s", path, fdt_strerror(err));
    return d;
}

static int setup_named(void **state, const char *name)
{
    *state = open_dtb(test_dtb_path(name));
    if (*state == NULL)
        fail_msg("%s was not built", test_dtb_path(name));
    return 0;
}

static int setup_tree(void **state)
{
    return setup_named(state, "tree.dtb");
}

static int setup_nomemory(void **state)
{
    return setup_named(state, "nomemory.dtb");
}

static int setup_virt(void **state)
{
    return setup_named(state, "qemu-virt.dtb");
}

static int setup_rpi4(void **state)
{
    return setup_named(state, "rpi4.dtb");
}

// Boot DTBs from outside the tree; the test skips when the file is not on this machine.
static int setup_optional(void **state, const char *env, const char *fallback)
{
    const char *path = getenv(env);
    *state = open_dtb(path != NULL && path[0] != '\0' ? path : fallback);
    return 0;
}

static int setup_real_rpi(void **state)
{
    return setup_optional(state, "KEEL_RPI_DTB", KEEL_RPI_DTB_DEFAULT);
}

static int setup_qemu_virt(void **state)
{
    return setup_optional(state, "KEEL_QEMU_VIRT_DTB", "");
}

static int teardown(void **state)
{
    dtb_t *d = *state;
    if (d != NULL)
        free(d->buf);
    free(d);
    return 0;
}

static const fdt_t *tree_of(void **state)
{
    dtb_t *d = *state;
    if (d == NULL)
        skip();
    return &d->f;
}

static int must_find(const fdt_t *f, const char *path)
{
    int node = fdt_path_offset(f, path);
    if (node < 0)
        fail_msg("%s: %s", path, fdt_strerror(node));
    return node;
}

static void assert_name(const fdt_t *f, int node, const char *want)
{
    uint32_t len = UINT32_MAX;
    const char *name = fdt_get_name(f, node, &len);
    assert_non_null(name);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(name, want, len);
}

static void assert_path_is(const fdt_t *f, const char *path, const char *name)
{
    assert_name(f, must_find(f, path), name);
}

static void assert_reg(const fdt_t *f, int node, unsigned i, uint64_t addr, uint64_t size)
{
    uint64_t a = 0, s = 0;
    int err = fdt_reg(f, node, i, &a, &s);
    if (err != FDT_OK)
        fail_msg("reg[%u]: %s", i, fdt_strerror(err));
    assert_int_equal(a, addr);
    assert_int_equal(s, size);
}

static void assert_raw_reg(const fdt_t *f, int node, unsigned i, uint64_t addr, uint64_t size)
{
    uint64_t a = 0, s = 0;
    assert_int_equal(fdt_reg_raw(f, node, i, &a, &s), FDT_OK);
    assert_int_equal(a, addr);
    assert_int_equal(s, size);
}

static int reg_error(const fdt_t *f, const char *path, unsigned i)
{
    uint64_t a, s;
    return fdt_reg(f, must_find(f, path), i, &a, &s);
}

static void assert_irq(const fdt_t *f, int node, unsigned i, uint32_t intid)
{
    uint32_t got = 0;
    int err = fdt_interrupt(f, node, i, &got);
    if (err != FDT_OK)
        fail_msg("interrupt[%u]: %s", i, fdt_strerror(err));
    assert_int_equal(got, intid);
}

static int irq_error(const fdt_t *f, const char *path, unsigned i)
{
    uint32_t intid;
    return fdt_interrupt(f, must_find(f, path), i, &intid);
}

static uint32_t clock_hz(const fdt_t *f, int uart)
{
    uint32_t len, hz = 0;
    const uint8_t *clocks = fdt_getprop(f, uart, "clocks", &len);
    assert_non_null(clocks);
    assert_true(len >= 4);
    uint32_t phandle = (uint32_t)clocks[0] << 24 | clocks[1] << 16 | clocks[2] << 8 | clocks[3];
    int clk = fdt_node_by_phandle(f, phandle);
    assert_true(clk >= 0);
    assert_int_equal(fdt_getprop_u32(f, clk, "clock-frequency", &hz), FDT_OK);
    return hz;
}

/* --- test tree ---------------------------------------------------------------------------- */

static void fdt_tree_header(void **state)
{
    dtb_t *d = *state;
    assert_int_equal(fdt_totalsize(&d->f), d->len);
    assert_true(d->f.off_struct > 0 && d->f.size_struct > 0 && d->f.size_strings > 0);
    assert_true(fdt_node_is_compatible(&d->f, 0, "keel,test-board"));
}

static void fdt_path_rules(void **state)
{
    const fdt_t *f = tree_of(state);
    assert_int_equal(fdt_path_offset(f, "/"), 0);
    assert_path_is(f, "/chosen", "chosen");
    assert_path_is(f, "/memory", "memory@40000000"); // unit omitted: first match
    assert_path_is(f, "/memory@80000000", "memory@80000000");
    assert_path_is(f, "/bus/dev", "dev@7e001000");
    assert_path_is(f, "//bus@10000000///dev@7e001000/", "dev@7e001000");
    assert_path_is(f, "/serial@9040000", "serial@9040000");
    assert_int_equal(fdt_path_offset(f, "/memory@12345"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(f, "/memo"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(f, "/twin"), FDT_ERR_NOTFOUND); // "-a" is not a unit
    assert_int_equal(fdt_path_offset(f, "/nowhere"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(f, "/bus/dev/deeper"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(f, ""), FDT_ERR_NOTFOUND);
    // Only children count: leaf@100 is a grandchild of /bus, not a child.
    assert_int_equal(fdt_path_offset(f, "/bus/leaf@100"), FDT_ERR_NOTFOUND);
}

static void fdt_alias_rules(void **state)
{
    const fdt_t *f = tree_of(state);
    assert_int_equal(fdt_path_offset(f, "serial0"), must_find(f, "/serial@9000000"));
    assert_path_is(f, "bus/shifted/leaf", "leaf@100");
    assert_int_equal(fdt_path_offset(f, "relative"), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_path_offset(f, "unterminated"), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_path_offset(f, "dangling"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(f, "serial"), FDT_ERR_NOTFOUND); // aliases match whole
    assert_int_equal(fdt_path_offset(f, "nosuch"), FDT_ERR_NOTFOUND);
    // A property value is not NUL-terminated where the caller's slice ends.
    assert_int_equal(fdt_path_offset_len(f, "serial0XYZ", 7), must_find(f, "/serial@9000000"));
    assert_int_equal(fdt_path_offset_len(f, "/chosenXYZ", 7), must_find(f, "/chosen"));
}

static void fdt_stdout_alias_with_options(void **state)
{
    const fdt_t *f = tree_of(state);
    assert_int_equal(fdt_stdout_node(f), must_find(f, "/serial@9000000"));
}

static void fdt_property_access(void **state)
{
    const fdt_t *f = tree_of(state);
    int props = must_find(f, "/props");
    uint32_t v = 0, len = 99;

    assert_int_equal(fdt_getprop_u32(f, props, "one", &v), FDT_OK);
    assert_int_equal(v, 5);
    assert_int_equal(fdt_getprop_u32(f, props, "wide", &v), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_getprop_u32(f, props, "missing", &v), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_getprop_u32(f, props, "on", &v), FDT_ERR_NOTFOUND); // prefix of "one"
    assert_non_null(fdt_getprop(f, props, "flag", &len));
    assert_int_equal(len, 0);
    const char *text = fdt_getprop(f, props, "text", &len);
    assert_int_equal(len, 2);
    assert_string_equal(text, "x");
    assert_null(fdt_getprop(f, props, "nothing", &len));
    assert_int_equal(len, 0);
    // Properties of a child are not the parent's.
    assert_null(fdt_getprop(f, 0, "one", NULL));
}

static void fdt_compatible_search(void **state)
{
    const fdt_t *f = tree_of(state);
    assert_true(fdt_node_is_compatible(f, 0, "keel,test-family"));
    assert_false(fdt_node_is_compatible(f, 0, "keel,test"));
    assert_false(fdt_node_is_compatible(f, 0, "keel,test-boardx"));
    assert_false(fdt_node_is_compatible(f, must_find(f, "/props"), "keel,twinx"));

    int a = fdt_next_compatible(f, -1, "keel,twin");
    assert_int_equal(a, must_find(f, "/twin-a"));
    int b = fdt_next_compatible(f, a, "keel,twin");
    assert_int_equal(b, must_find(f, "/twin-b")); // matches as its second entry
    assert_int_equal(fdt_next_compatible(f, b, "keel,twin"), FDT_ERR_NOTFOUND);
    int u = fdt_next_compatible(f, -1, "arm,pl011");
    assert_int_equal(u, must_find(f, "/serial@9000000"));
    assert_int_equal(fdt_next_compatible(f, u, "arm,pl011"), must_find(f, "/serial@9040000"));
    assert_int_equal(fdt_next_compatible(f, -1, "keel,nothing"), FDT_ERR_NOTFOUND);
}

static void fdt_tree_navigation(void **state)
{
    const fdt_t *f = tree_of(state);
    int leaf = must_find(f, "/bus/shifted/leaf");
    int shifted = must_find(f, "/bus/shifted");
    assert_int_equal(fdt_parent(f, 0), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_parent(f, leaf), shifted);
    assert_int_equal(fdt_parent(f, shifted), must_find(f, "/bus"));
    assert_int_equal(fdt_parent(f, must_find(f, "/bus")), 0);
    assert_name(f, 0, "");

    // Document order with depths: the walk must see every node once and come back to depth 1.
    int depth = 0, nodes = 0, deepest = 0, n;
    for (n = fdt_next_node(f, -1, &depth); n >= 0; n = fdt_next_node(f, n, &depth)) {
        nodes++;
        deepest = depth > deepest ? depth : deepest;
    }
    assert_int_equal(n, FDT_ERR_NOTFOUND);
    assert_int_equal(nodes, 37);
    assert_int_equal(deepest, 3);
    depth = 0;
    assert_int_equal(fdt_next_node(f, leaf, &depth), must_find(f, "/bus/noranges"));
    assert_int_equal(depth, -1);
}

static void fdt_phandle_lookup(void **state)
{
    const fdt_t *f = tree_of(state);
    uint32_t gic_phandle;
    assert_int_equal(fdt_getprop_u32(f, 0, "interrupt-parent", &gic_phandle), FDT_OK);
    assert_int_equal(fdt_node_by_phandle(f, gic_phandle), must_find(f, "/interrupt-controller"));
    assert_int_equal(fdt_node_by_phandle(f, 0x4242), must_find(f, "/legacy"));
    assert_int_equal(fdt_node_by_phandle(f, 0), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_node_by_phandle(f, UINT32_MAX), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_node_by_phandle(f, 12345), FDT_ERR_NOTFOUND);
}

static void fdt_reg_translation(void **state)
{
    const fdt_t *f = tree_of(state);
    int dev = must_find(f, "/bus/dev");
    assert_reg(f, dev, 0, 0xfe001000, 0x100);
    assert_reg(f, dev, 1, 0xff800100, 0x10); // second window of the same ranges
    assert_raw_reg(f, dev, 0, 0x7e001000, 0x100);
    assert_int_equal(reg_error(f, "/bus/dev", 2), FDT_ERR_NOTFOUND);
    assert_reg(f, must_find(f, "/bus/identity/leaf"), 0, 0xfe100200, 0x20);
    assert_reg(f, must_find(f, "/bus/shifted/leaf"), 0, 0xfe200100, 0x10);
    assert_reg(f, must_find(f, "/serial@9000000"), 0, 0x9000000, 0x1000);
    assert_int_equal(reg_error(f, "/bus/outside", 0), FDT_ERR_BADVALUE);
    assert_int_equal(reg_error(f, "/bus/noranges/leaf", 0), FDT_ERR_BADVALUE);
    assert_raw_reg(f, must_find(f, "/bus/noranges/leaf"), 0, 0, 4);
    assert_int_equal(reg_error(f, "/wide/dev", 0), FDT_ERR_BADVALUE);
    assert_int_equal(reg_error(f, "/wrap/leaf", 0), FDT_ERR_BADVALUE);
    assert_int_equal(reg_error(f, "/badreg", 0), FDT_ERR_BADVALUE);
    assert_int_equal(reg_error(f, "/props", 0), FDT_ERR_NOTFOUND);
    assert_int_equal(reg_error(f, "/", 0), FDT_ERR_BADVALUE);
    // cpus: reg is an MPIDR, not an address; raw works, translation has no ranges to use.
    assert_raw_reg(f, must_find(f, "/cpus/cpu@100"), 0, 0x100, 0);
    assert_int_equal(reg_error(f, "/cpus/cpu@100", 0), FDT_ERR_BADVALUE);
    // No #address-cells/#size-cells on the parent: 2 and 1.
    assert_reg(f, must_find(f, "/defaults/dev"), 0, 0x1000, 0x10);
}

static void fdt_interrupt_specifiers(void **state)
{
    const fdt_t *f = tree_of(state);
    int irqs = must_find(f, "/irqs");
    assert_irq(f, must_find(f, "/serial@9000000"), 0, 33);
    assert_irq(f, must_find(f, "/bus/identity/leaf"), 0, 27); // parent inherited from the root
    assert_irq(f, irqs, 0, 1019);
    assert_irq(f, irqs, 1, 31);
    assert_int_equal(irq_error(f, "/irqs", 2), FDT_ERR_BADVALUE);
    assert_int_equal(irq_error(f, "/irqs", 3), FDT_ERR_BADVALUE);
    assert_int_equal(irq_error(f, "/irqs", 4), FDT_ERR_BADVALUE);
    assert_int_equal(irq_error(f, "/irqs", 5), FDT_ERR_NOTFOUND);
    assert_int_equal(irq_error(f, "/irq-short", 0), FDT_ERR_BADVALUE);
    assert_int_equal(irq_error(f, "/button", 0), FDT_ERR_BADVALUE); // 2-cell GPIO parent
    assert_int_equal(irq_error(f, "/props", 0), FDT_ERR_NOTFOUND);
}

static void fdt_memory_ranges(void **state)
{
    const fdt_t *f = tree_of(state);
    fdt_region_t r[4];
    memset(r, 0, sizeof(r));
    assert_int_equal(fdt_memory(f, r, 4), 3);
    assert_int_equal(r[0].base, 0x40000000);
    assert_int_equal(r[0].size, 0x10000000);
    assert_int_equal(r[1].base, 0x100000000);
    assert_int_equal(r[1].size, 0x20000000);
    assert_int_equal(r[2].base, 0x80000000);
    assert_int_equal(r[2].size, 0x1000000);
    assert_int_equal(fdt_memory(f, r, 3), 3);
    assert_int_equal(fdt_memory(f, r, 2), FDT_ERR_NOSPACE);
}

static void fdt_memreserve_entries(void **state)
{
    const fdt_t *f = tree_of(state);
    fdt_region_t r[2];
    assert_int_equal(fdt_memreserve(f, r, 2), 2);
    assert_int_equal(r[0].base, 0x80000000);
    assert_int_equal(r[0].size, 0x10000);
    assert_int_equal(r[1].base, 0x90000000);
    assert_int_equal(r[1].size, 0x2000);
    assert_int_equal(fdt_memreserve(f, r, 1), FDT_ERR_NOSPACE);
}

static void fdt_no_memory_no_stdout(void **state)
{
    const fdt_t *f = tree_of(state);
    fdt_region_t r[1];
    assert_int_equal(fdt_memory(f, r, 1), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_stdout_node(f), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_memreserve(f, r, 1), 0);
    assert_non_null(strstr(fdt_strerror(FDT_ERR_NOTFOUND), "not found"));
}

/* --- the boards' own DTS ------------------------------------------------------------------ */

typedef struct {
    uint64_t gicd, gicd_size, gicc, gicc_size;
} gic_regs_t;

static const gic_regs_t virt_gic = {0x8000000, 0x10000, 0x8010000, 0x10000};
static const gic_regs_t rpi4_gic = {0xff841000, 0x1000, 0xff842000, 0x2000};

static void check_gic(const fdt_t *f, const char *compat, const gic_regs_t *want)
{
    int gic = fdt_next_compatible(f, -1, compat);
    assert_true(gic >= 0);
    assert_reg(f, gic, 0, want->gicd, want->gicd_size);
    assert_reg(f, gic, 1, want->gicc, want->gicc_size);
}

static void check_timer(const fdt_t *f)
{
    int timer = fdt_next_compatible(f, -1, "arm,armv8-timer");
    assert_true(timer >= 0);
    assert_irq(f, timer, 0, 29);
    assert_irq(f, timer, 1, 30);
    assert_irq(f, timer, 2, 27);
    assert_irq(f, timer, 3, 26);
}

// What the kernel reads from a virt DTB, ours or QEMU's; only the RAM size differs.
static void check_virt(const fdt_t *f, uint64_t ram_size)
{
    fdt_region_t mem[2];
    assert_true(fdt_node_is_compatible(f, 0, "linux,dummy-virt"));
    int uart = fdt_stdout_node(f);
    assert_true(uart >= 0);
    assert_true(fdt_node_is_compatible(f, uart, "arm,pl011"));
    assert_reg(f, uart, 0, 0x9000000, 0x1000);
    assert_irq(f, uart, 0, 33);
    assert_int_equal(clock_hz(f, uart), 24000000);
    check_gic(f, "arm,cortex-a15-gic", &virt_gic);
    check_timer(f);
    assert_int_equal(fdt_memory(f, mem, 2), 1);
    assert_int_equal(mem[0].base, 0x40000000);
    assert_int_equal(mem[0].size, ram_size);
}

static void plat_qemu_virt_dts(void **state)
{
    const fdt_t *f = tree_of(state);
    check_virt(f, 128u << 20);
    uint32_t len;
    const char *method = fdt_getprop(f, must_find(f, "/psci"), "method", &len);
    assert_non_null(method);
    assert_string_equal(method, "hvc");
}

static void plat_rpi4_dts(void **state)
{
    const fdt_t *f = tree_of(state);
    fdt_region_t r[2];
    assert_true(fdt_node_is_compatible(f, 0, "raspberrypi,4-model-b"));
    assert_true(fdt_node_is_compatible(f, 0, "brcm,bcm2711"));
    int uart = fdt_stdout_node(f);
    assert_int_equal(uart, must_find(f, "/soc/serial@7e201000"));
    assert_reg(f, uart, 0, 0xfe201000, 0x200);
    assert_raw_reg(f, uart, 0, 0x7e201000, 0x200);
    assert_irq(f, uart, 0, 153);
    assert_int_equal(clock_hz(f, uart), 48000000);
    check_gic(f, "arm,gic-400", &rpi4_gic);
    check_timer(f);
    assert_reg(f, fdt_next_compatible(f, -1, "brcm,bcm2711-pm"), 0, 0xfe100000, 0x114);
    assert_reg(f, fdt_next_compatible(f, -1, "brcm,bcm2711-gpio"), 0, 0xfe200000, 0xb4);
    assert_int_equal(fdt_memory(f, r, 2), 1);
    assert_int_equal(r[0].base, 0);
    assert_int_equal(r[0].size, 0x3c000000);
    assert_int_equal(fdt_memreserve(f, r, 2), 1);
    assert_int_equal(r[0].base, 0);
    assert_int_equal(r[0].size, 0x1000);
    assert_int_equal(fdt_path_offset(f, "/psci"), FDT_ERR_NOTFOUND);
}

/* --- DTBs the kernel will really be handed ------------------------------------------------ */

// Debian's mainline bcm2711-rpi-4-b.dtb: stdout is serial1 (the mini-UART), memory is a 0-size
// placeholder the firmware fills in, and the PL011 hides behind the serial0 alias.
static void real_rpi4_dtb(void **state)
{
    const fdt_t *f = tree_of(state);
    fdt_region_t r[2];
    int con = fdt_stdout_node(f);
    assert_true(con >= 0);
    assert_int_equal(con, must_find(f, "serial1"));
    assert_reg(f, con, 0, 0xfe215040, 0x40);
    int pl011 = must_find(f, "serial0");
    assert_true(fdt_node_is_compatible(f, pl011, "arm,pl011"));
    assert_reg(f, pl011, 0, 0xfe201000, 0x200);
    assert_irq(f, pl011, 0, 153);
    check_gic(f, "arm,gic-400", &rpi4_gic);
    check_timer(f);
    assert_int_equal(fdt_memory(f, r, 2), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_memreserve(f, r, 2), 1);
    assert_int_equal(r[0].size, 0x1000);
    // /emmc2bus uses 2 address cells and a ranges of its own.
    assert_reg(f, must_find(f, "/emmc2bus/mmc@7e340000"), 0, 0xfe340000, 0x100);
}

// QEMU's own virt DTB (dumped by the build with -m 1G): the one the kernel boots with.
static void real_qemu_virt_dtb(void **state)
{
    check_virt(tree_of(state), 1ull << 30);
}

#define TREE_TEST(fn, setup) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        TREE_TEST(fdt_tree_header, setup_tree),
        TREE_TEST(fdt_path_rules, setup_tree),
        TREE_TEST(fdt_alias_rules, setup_tree),
        TREE_TEST(fdt_stdout_alias_with_options, setup_tree),
        TREE_TEST(fdt_property_access, setup_tree),
        TREE_TEST(fdt_compatible_search, setup_tree),
        TREE_TEST(fdt_tree_navigation, setup_tree),
        TREE_TEST(fdt_phandle_lookup, setup_tree),
        TREE_TEST(fdt_reg_translation, setup_tree),
        TREE_TEST(fdt_interrupt_specifiers, setup_tree),
        TREE_TEST(fdt_memory_ranges, setup_tree),
        TREE_TEST(fdt_memreserve_entries, setup_tree),
        TREE_TEST(fdt_no_memory_no_stdout, setup_nomemory),
        TREE_TEST(plat_qemu_virt_dts, setup_virt),
        TREE_TEST(plat_rpi4_dts, setup_rpi4),
        TREE_TEST(real_rpi4_dtb, setup_real_rpi),
        TREE_TEST(real_qemu_virt_dtb, setup_qemu_virt),
    };
    return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
