#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Turns a board's compiled DTB into plat/platform.h, so that no board constant is written in C.
"""Generate Keel's platform header from a flattened device tree.

Usage: gen-platform.py --dtb platform.dtb --name qemu-virt --out gen/plat/platform.h

Every address in the header is a CPU physical address (reg translated through each ancestor's
`ranges`), every IRQ a GIC INTID. Feature flags (PLAT_POWEROFF_*, PLAT_PSCI_CONDUIT_*,
PLAT_UART_GPIO_MUX) are always defined to 0 or 1 so the kernel can test them with #if under
-Wundef; the address of an optional block (PLAT_PM_PADDR, PLAT_UART_GPIO_PADDR) is defined only
when its flag is 1.

PLAT_MAX_IRQ is the `keel,max-irq` property of the GIC node: it is a policy of ours (the highest
INTID user space may claim, as seL4's maxIRQ), not a fact a stock DTB states.
"""

import argparse
import os
import struct
import sys

FDT_MAGIC = 0xD00DFEED
TOK_BEGIN_NODE, TOK_END_NODE, TOK_PROP, TOK_NOP, TOK_END = 1, 2, 3, 4, 9
GIC_COMPATS = ("arm,gic-400", "arm,cortex-a15-gic")
PM_COMPATS = ("brcm,bcm2711-pm", "brcm,bcm2835-pm-wdt")
UART_COMPAT = "arm,pl011"
TIMER_COMPAT = "arm,armv8-timer"
GPIO_COMPAT = "brcm,bcm2711-gpio"
TIMER_VIRT_INDEX = 2  # armv8-timer interrupts: secure phys, phys, virtual, hyp


class DtbError(Exception):
    pass


class Node:
    def __init__(self, name, parent):
        self.name = name
        self.parent = parent
        self.props = {}
        self.children = []

    @property
    def path(self):
        if self.parent is None:
            return "/"
        return self.parent.path.rstrip("/") + "/" + self.name

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def parse_dtb(data):
    """Builds the node tree, refusing anything that does not fit inside the blob."""
    if data[:4] != struct.pack(">I", FDT_MAGIC):
        raise DtbError("bad magic %s (not a device tree)" % data[:4].hex())
    if len(data) < 40:
        raise DtbError("file too short for a device-tree header")
    total, off_struct, off_strings, _rsv, version = struct.unpack_from(">5I", data, 4)
    if version < 17:
        raise DtbError("device-tree version %d is not supported (need 17)" % version)
    size_strings, size_struct = struct.unpack_from(">2I", data, 32)
    if total > len(data):
        raise DtbError("header says %d bytes but the file has %d" % (total, len(data)))
    if off_struct + size_struct > total or off_strings + size_strings > total:
        raise DtbError("structure or strings block lies outside the blob")
    structure = data[off_struct:off_struct + size_struct]
    strings = data[off_strings:off_strings + size_strings]

    def string_at(off):
        end = strings.find(b"\0", off)
        if off >= len(strings) or end < 0:
            raise DtbError("property name offset %d is outside the strings block" % off)
        return strings[off:end].decode("ascii", "replace")

    root, node, pos = None, None, 0
    try:
        while True:
            (tok,) = struct.unpack_from(">I", structure, pos)
            pos += 4
            if tok == TOK_BEGIN_NODE:
                end = structure.find(b"\0", pos)
                if end < 0:
                    raise DtbError("node name at struct offset %d is not terminated" % pos)
                if node is None and root is not None:
                    raise DtbError("more than one root node")
                node = Node(structure[pos:end].decode("ascii", "replace"), node)
                if node.parent is None:
                    root = node
                else:
                    node.parent.children.append(node)
                pos = (end + 4) & ~3
            elif tok == TOK_END_NODE:
                if node is None:
                    raise DtbError("unbalanced end of node")
                node = node.parent
            elif tok == TOK_PROP:
                length, nameoff = struct.unpack_from(">2I", structure, pos)
                pos += 8
                if node is None or pos + length > len(structure):
                    raise DtbError("property at struct offset %d is malformed" % pos)
                node.props[string_at(nameoff)] = structure[pos:pos + length]
                pos = (pos + length + 3) & ~3
            elif tok == TOK_END:
                break
            elif tok != TOK_NOP:
                raise DtbError("unknown token 0x%x at struct offset %d" % (tok, pos - 4))
    except struct.error:
        raise DtbError("structure block ends before FDT_END") from None
    if root is None or node is not None:
        raise DtbError("structure block does not hold one complete root node")
    return root


class Tree:
    def __init__(self, root):
        self.root = root
        self.phandles = {}
        for n in root.walk():
            for key in ("phandle", "linux,phandle"):
                if key in n.props:
                    self.phandles[self.u32(n, key)] = n

    @staticmethod
    def fail(msg):
        raise DtbError(msg)

    def prop(self, node, name):
        if name not in node.props:
            self.fail("%s has no '%s' property" % (node.path, name))
        return node.props[name]

    def cells(self, node, name):
        raw = self.prop(node, name)
        if len(raw) % 4:
            self.fail("%s '%s' is not a list of 32-bit cells" % (node.path, name))
        return list(struct.unpack(">%dI" % (len(raw) // 4), raw))

    def u32(self, node, name):
        vals = self.cells(node, name)
        if len(vals) != 1:
            self.fail("%s '%s' should be one cell, has %d" % (node.path, name, len(vals)))
        return vals[0]

    def strings(self, node, name):
        raw = self.prop(node, name)
        if not raw.endswith(b"\0"):
            self.fail("%s '%s' is not a NUL-terminated string" % (node.path, name))
        return raw[:-1].decode("ascii", "replace").split("\0")

    def compatible(self, node):
        return self.strings(node, "compatible") if "compatible" in node.props else []

    def find_compatible(self, compats, what):
        for n in self.root.walk():
            if any(c in compats for c in self.compatible(n)):
                return n
        self.fail("no %s node (compatible %s)" % (what, " or ".join(compats)))

    def child(self, node, comp):
        for c in node.children:
            if c.name == comp or ("@" not in comp and c.name.split("@")[0] == comp):
                return c
        return None

    def lookup(self, path):
        """Resolves an absolute path or an alias-led one; None if any component is missing."""
        if not path.startswith("/"):
            alias, _, rest = path.partition("/")
            aliases = self.child(self.root, "aliases")
            if aliases is None or alias not in aliases.props:
                self.fail("alias '%s' is not defined in /aliases" % alias)
            target = self.strings(aliases, alias)[0]
            if not target.startswith("/"):
                self.fail("alias '%s' is '%s', not an absolute path" % (alias, target))
            path = target.rstrip("/") + "/" + rest
        node = self.root
        for comp in filter(None, path.split("/")):
            node = self.child(node, comp)
            if node is None:
                return None
        return node

    def bus_cells(self, bus):
        ac = self.u32(bus, "#address-cells") if "#address-cells" in bus.props else 2
        sc = self.u32(bus, "#size-cells") if "#size-cells" in bus.props else 1
        return ac, sc

    @staticmethod
    def join(cells):
        value = 0
        for c in cells:
            value = value << 32 | c
        return value

    def translate(self, node, addr):
        """Walks addr up through every ancestor bus's ranges to the CPU's address space."""
        bus = node.parent
        while bus.parent is not None:
            if "ranges" not in bus.props:
                self.fail("%s has no 'ranges', so %s is not CPU-addressable"
                          % (bus.path, node.path))
            ranges = self.cells(bus, "ranges") if bus.props["ranges"] else []
            cac, csc = self.bus_cells(bus)
            pac, _ = self.bus_cells(bus.parent)
            step = cac + pac + csc
            if ranges and len(ranges) % step:
                self.fail("%s 'ranges' length is not a multiple of %d cells" % (bus.path, step))
            for i in range(0, len(ranges), step):
                child = self.join(ranges[i:i + cac])
                parent = self.join(ranges[i + cac:i + cac + pac])
                span = self.join(ranges[i + cac + pac:i + step])
                if child <= addr < child + span:
                    addr = parent + addr - child
                    break
            else:
                if ranges:
                    self.fail("%s: address 0x%x is outside every range of %s"
                              % (node.path, addr, bus.path))
            bus = bus.parent
        return addr

    def reg(self, node, minimum=1):
        ac, sc = self.bus_cells(node.parent)
        cells = self.cells(node, "reg")
        if len(cells) % (ac + sc) or len(cells) < minimum * (ac + sc):
            self.fail("%s 'reg' should hold at least %d entries of %d+%d cells"
                      % (node.path, minimum, ac, sc))
        out = []
        for i in range(0, len(cells), ac + sc):
            addr = self.join(cells[i:i + ac])
            out.append((self.translate(node, addr), self.join(cells[i + ac:i + ac + sc])))
        return out

    def interrupts(self, node, minimum=1):
        cells = self.cells(node, "interrupts")
        if len(cells) % 3 or len(cells) < 3 * minimum:
            self.fail("%s 'interrupts' should hold at least %d GIC specifiers of 3 cells"
                      % (node.path, minimum))
        out = []
        for kind, num, _flags in zip(cells[0::3], cells[1::3], cells[2::3]):
            if kind == 0 and num < 988:
                out.append(num + 32)
            elif kind == 1 and num < 16:
                out.append(num + 16)
            else:
                self.fail("%s has an interrupt <%d %d> that is neither SPI nor PPI"
                          % (node.path, kind, num))
        return out


def console_uart(tree):
    chosen = tree.lookup("/chosen")
    if chosen is None:
        tree.fail("no /chosen node")
    path = tree.strings(chosen, "stdout-path")[0].split(":")[0]
    uart = tree.lookup(path)
    if uart is None:
        tree.fail("/chosen/stdout-path '%s' names no node" % path)
    if UART_COMPAT not in tree.compatible(uart):
        tree.fail("console %s is not compatible with %s, the only UART Keel drives"
                  % (uart.path, UART_COMPAT))
    return uart


def uart_clock(tree, uart):
    phandle = tree.cells(uart, "clocks")[0]
    clock = tree.phandles.get(phandle)
    if clock is None:
        tree.fail("%s 'clocks' refers to phandle %d, which no node has" % (uart.path, phandle))
    return tree.u32(clock, "clock-frequency")


def first_memory(tree):
    for n in tree.root.walk():
        if n.props.get("device_type") == b"memory\0":
            for base, size in tree.reg(n):
                if size:
                    return base, size
    tree.fail("no non-empty memory node (device_type = \"memory\")")


def collect(tree, name):
    """Returns the (macro, value) list; values are already C literals."""
    def hexul(v):
        return "0x%xUL" % v

    def string(s):
        return '"%s"' % s.replace("\\", "\\\\").replace('"', '\\"')

    root_compat = tree.compatible(tree.root)
    if not root_compat:
        tree.fail("the root node has no 'compatible' property")

    uart = console_uart(tree)
    uart_base, uart_size = tree.reg(uart)[0]
    uart_irq = tree.interrupts(uart)[0]

    gic = tree.find_compatible(GIC_COMPATS, "GIC")
    (gicd, gicd_size), (gicc, gicc_size) = tree.reg(gic, minimum=2)[:2]
    max_irq = tree.u32(gic, "keel,max-irq")

    timer = tree.find_compatible((TIMER_COMPAT,), "generic timer")
    timer_irq = tree.interrupts(timer, minimum=TIMER_VIRT_INDEX + 1)[TIMER_VIRT_INDEX]
    for irq, what in ((uart_irq, "console UART IRQ"), (timer_irq, "timer IRQ")):
        if irq > max_irq:
            tree.fail("%s %d is above %s 'keel,max-irq' %d" % (what, irq, gic.path, max_irq))

    ram_base, ram_size = first_memory(tree)

    out = [
        ("PLAT_NAME", string(name)),
        ("PLAT_COMPATIBLE", string(root_compat[0])),
        ("PLAT_UART_PADDR", hexul(uart_base)),
        ("PLAT_UART_SIZE", hexul(uart_size)),
        ("PLAT_UART_IRQ", str(uart_irq)),
        ("PLAT_UART_CLOCK_HZ", "%dUL" % uart_clock(tree, uart)),
        ("PLAT_UART_COMPAT", string(UART_COMPAT)),
        ("PLAT_GICD_PADDR", hexul(gicd)),
        ("PLAT_GICD_SIZE", hexul(gicd_size)),
        ("PLAT_GICC_PADDR", hexul(gicc)),
        ("PLAT_GICC_SIZE", hexul(gicc_size)),
        ("PLAT_MAX_IRQ", str(max_irq)),
        ("PLAT_TIMER_IRQ", str(timer_irq)),
        ("PLAT_RAM_BASE", hexul(ram_base)),
        ("PLAT_RAM_SIZE", hexul(ram_size)),
    ]
    out += power_off(tree)

    gpio = next((n for n in tree.root.walk() if GPIO_COMPAT in tree.compatible(n)), None)
    out.append(("PLAT_UART_GPIO_MUX", "1" if gpio else "0"))
    if gpio:
        out.append(("PLAT_UART_GPIO_PADDR", hexul(tree.reg(gpio)[0][0])))
    return out


def power_off(tree):
    psci = tree.lookup("/psci")
    if psci is not None:
        method = tree.strings(psci, "method")[0]
        if method not in ("hvc", "smc"):
            tree.fail("/psci 'method' is '%s', expected hvc or smc" % method)
        return [("PLAT_POWEROFF_PSCI", "1"),
                ("PLAT_PSCI_CONDUIT_HVC", "1" if method == "hvc" else "0"),
                ("PLAT_PSCI_CONDUIT_SMC", "1" if method == "smc" else "0"),
                ("PLAT_POWEROFF_BCM_PM", "0")]
    pm = next((n for n in tree.root.walk()
               if any(c in PM_COMPATS for c in tree.compatible(n))), None)
    if pm is None:
        tree.fail("no way to power off: neither a /psci node nor a %s node"
                  % " or ".join(PM_COMPATS))
    return [("PLAT_POWEROFF_PSCI", "0"),
            ("PLAT_PSCI_CONDUIT_HVC", "0"),
            ("PLAT_PSCI_CONDUIT_SMC", "0"),
            ("PLAT_POWEROFF_BCM_PM", "1"),
            ("PLAT_PM_PADDR", "0x%xUL" % tree.reg(pm)[0][0])]


def render(macros, name, dtb):
    width = max(len(m) for m, _ in macros) + 1
    lines = [
        "// SPDX-License-Identifier: BSD-2-Clause",
        "// Board constants for %s, from %s." % (name, os.path.basename(dtb)),
        "// Generated by tools/gen-platform.py; edit the board's DTS instead.",
        "#pragma once",
        "",
    ]
    lines += ["#define %-*s %s" % (width, m, v) for m, v in macros]
    return "\n".join(lines) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dtb", required=True, help="compiled device tree of the board")
    ap.add_argument("--name", required=True, help="platform name, e.g. qemu-virt")
    ap.add_argument("--out", required=True, help="header to write, e.g. gen/plat/platform.h")
    args = ap.parse_args(argv)
    try:
        with open(args.dtb, "rb") as fh:
            data = fh.read()
        text = render(collect(Tree(parse_dtb(data)), args.name), args.name, args.dtb)
    except (OSError, DtbError) as e:
        print("gen-platform: error: %s: %s" % (args.dtb, e), file=sys.stderr)
        return 1
    # Rewriting an unchanged header would rebuild the whole kernel for nothing.
    try:
        with open(args.out) as fh:
            if fh.read() == text:
                return 0
    except OSError:
        pass
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
