// SPDX-License-Identifier: BSD-2-Clause
// Flattened-device-tree reader: one validating walk at init, then lookups that stay in bounds.
// Invariants: INV-BOOT-2, INV-VS-8 (proofs-notes/README.md)

#include <keel/fdt.h>

/*
 * The blob comes from the boot loader, so nothing in it is trusted: every offset, length and
 * string is checked against the block it claims to live in before a byte of it is read. All
 * arithmetic is done in uint32_t on values already known to be <= the block size (itself
 * <= INT32_MAX), so no sum below can wrap.
 */

enum { TOK_BEGIN_NODE = 1, TOK_END_NODE = 2, TOK_PROP = 3, TOK_NOP = 4, TOK_END = 9 };

enum {
    HDR_TOTALSIZE = 4,
    HDR_OFF_STRUCT = 8,
    HDR_OFF_STRINGS = 12,
    HDR_OFF_RSVMAP = 16,
    HDR_VERSION = 20,
    HDR_LAST_COMP = 24,
    HDR_SIZE_STRINGS = 32,
    HDR_SIZE_STRUCT = 36,
    HDR_LEN_V16 = 36, // version 17 added size_dt_struct
    HDR_LEN_V17 = 40,
    RSV_ENTRY = 16,
};

// GIC specifier <type number flags>: SPI n is INTID n + 32 (up to 1019), PPI n is n + 16.
enum { GIC_SPI = 0, GIC_PPI = 1, GIC_SPEC_CELLS = 3 };
enum { GIC_SPI_BASE = 32, GIC_NUM_SPI = 988, GIC_PPI_BASE = 16, GIC_NUM_PPI = 16 };

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
    return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n] != '\0')
        n++;
    return n;
}

static bool mem_eq(const void *a, const void *b, size_t n)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return false;
    return true;
}

// Length of the string at p if a NUL ends it within max bytes; false otherwise.
static bool bounded_len(const uint8_t *p, uint32_t max, uint32_t *len)
{
    for (uint32_t i = 0; i < max; i++) {
        if (p[i] == '\0') {
            *len = i;
            return true;
        }
    }
    return false;
}

static size_t find_char(const char *s, size_t len, char c)
{
    size_t i = 0;
    while (i < len && s[i] != c)
        i++;
    return i;
}

static bool struct_word(const fdt_t *f, uint32_t off, uint32_t *out)
{
    if (off > f->size_struct || f->size_struct - off < 4)
        return false;
    *out = be32(f->blob + f->off_struct + off);
    return true;
}

static const char *string_at(const fdt_t *f, uint32_t nameoff, uint32_t *len)
{
    if (nameoff >= f->size_strings)
        return NULL;
    const uint8_t *s = f->blob + f->off_strings + nameoff;
    return bounded_len(s, f->size_strings - nameoff, len) ? (const char *)s : NULL;
}

// Decodes the token at off; *next is the offset of the token after it (padding skipped).
static int next_token(const fdt_t *f, int off, uint32_t *tag, int *next)
{
    uint32_t pos = (uint32_t)off, t, len, nameoff;
    if (off < 0 || (pos & 3) != 0 || !struct_word(f, pos, &t))
        return FDT_ERR_BADSTRUCTURE;
    pos += 4;
    switch (t) {
    case TOK_BEGIN_NODE:
        if (!bounded_len(f->blob + f->off_struct + pos, f->size_struct - pos, &len))
            return FDT_ERR_BADSTRUCTURE;
        pos += len + 1;
        break;
    case TOK_PROP:
        if (!struct_word(f, pos, &len) || !struct_word(f, pos + 4, &nameoff))
            return FDT_ERR_BADSTRUCTURE;
        pos += 8;
        if (len > f->size_struct - pos)
            return FDT_ERR_BADSTRUCTURE;
        pos += len;
        break;
    case TOK_END_NODE:
    case TOK_NOP:
    case TOK_END:
        break;
    default:
        return FDT_ERR_BADSTRUCTURE;
    }
    // size_struct is a multiple of 4, so rounding up cannot step past it.
    *tag = t;
    *next = (int)((pos + 3) & ~3u);
    return FDT_OK;
}

static const char *prop_name(const fdt_t *f, int prop, uint32_t *len)
{
    uint32_t nameoff;
    if (!struct_word(f, (uint32_t)prop + 8, &nameoff))
        return NULL;
    return string_at(f, nameoff, len);
}

/*
 * Nesting, token order and every property name are checked once here so that a broken tree is
 * refused at boot with one clear error instead of surfacing as "not found" somewhere later.
 * Properties must precede subnodes, as the spec requires; a property placed after a subnode
 * would be invisible to lookups, so such a tree is refused as well.
 */
static int check_structure(const fdt_t *f)
{
    int off = 0, next, depth = 0;
    bool seen_root = false, after_child = false;
    uint32_t tag, nlen;

    for (;;) {
        int err = next_token(f, off, &tag, &next);
        if (err != FDT_OK)
            return err;
        switch (tag) {
        case TOK_BEGIN_NODE:
            if ((depth == 0 && seen_root) || ++depth > FDT_MAX_DEPTH)
                return FDT_ERR_BADSTRUCTURE;
            seen_root = true;
            after_child = false;
            break;
        case TOK_END_NODE:
            if (depth-- == 0)
                return FDT_ERR_BADSTRUCTURE;
            after_child = true;
            break;
        case TOK_PROP:
            if (depth == 0 || after_child || prop_name(f, off, &nlen) == NULL)
                return FDT_ERR_BADSTRUCTURE;
            break;
        case TOK_NOP:
            break;
        default: // TOK_END
            return depth == 0 && seen_root ? FDT_OK : FDT_ERR_BADSTRUCTURE;
        }
        if (off == 0 && tag != TOK_BEGIN_NODE) // the root must sit at offset 0
            return FDT_ERR_BADSTRUCTURE;
        off = next;
    }
}

static bool block_inside(uint32_t off, uint32_t size, uint32_t hdr_len, uint32_t total)
{
    return off >= hdr_len && (uint64_t)off + size <= total;
}

// Walks the reservation map to its all-zero terminator; with out NULL it only checks the map.
static int walk_memreserve(const uint8_t *blob, uint32_t total, fdt_region_t *out, unsigned max)
{
    unsigned count = 0;
    for (uint32_t off = be32(blob + HDR_OFF_RSVMAP); off <= total && total - off >= RSV_ENTRY;
         off += RSV_ENTRY) {
        fdt_region_t r = {be64(blob + off), be64(blob + off + 8)};
        if (r.base == 0 && r.size == 0)
            return (int)count;
        if (out != NULL && count == max)
            return FDT_ERR_NOSPACE;
        if (out != NULL)
            out[count] = r;
        count++;
    }
    return FDT_ERR_BADSTRUCTURE;
}

int fdt_init(fdt_t *f, const void *blob, size_t max_size)
{
    const uint8_t *b = blob;
    fdt_t t = {0};
    *f = t;

    if (b == NULL || max_size < 4)
        return FDT_ERR_TRUNCATED;
    if (be32(b) != FDT_MAGIC)
        return FDT_ERR_BADMAGIC;
    if (max_size < HDR_LEN_V16)
        return FDT_ERR_TRUNCATED;
    uint32_t version = be32(b + HDR_VERSION);
    if (version < 16 || be32(b + HDR_LAST_COMP) > 17)
        return FDT_ERR_BADVERSION;
    uint32_t hdr_len = version >= 17 ? HDR_LEN_V17 : HDR_LEN_V16;
    if (max_size < hdr_len)
        return FDT_ERR_TRUNCATED;

    t.blob = b;
    t.size = be32(b + HDR_TOTALSIZE);
    if (t.size > max_size)
        return FDT_ERR_TRUNCATED;
    // Node offsets are ints, so the whole blob must be addressable by one.
    if (t.size < hdr_len || t.size > INT32_MAX)
        return FDT_ERR_BADSTRUCTURE;

    t.off_struct = be32(b + HDR_OFF_STRUCT);
    t.off_strings = be32(b + HDR_OFF_STRINGS);
    t.size_strings = be32(b + HDR_SIZE_STRINGS);
    if (version >= 17)
        t.size_struct = be32(b + HDR_SIZE_STRUCT);
    else if (t.off_struct <= t.size)
        t.size_struct = (t.size - t.off_struct) & ~3u;
    if ((t.off_struct & 3) != 0 || (t.size_struct & 3) != 0 ||
        !block_inside(t.off_struct, t.size_struct, hdr_len, t.size) ||
        !block_inside(t.off_strings, t.size_strings, hdr_len, t.size))
        return FDT_ERR_BADSTRUCTURE;

    uint32_t rsvmap = be32(b + HDR_OFF_RSVMAP);
    if (rsvmap < hdr_len || (rsvmap & 7) != 0 || walk_memreserve(b, t.size, NULL, 0) < 0)
        return FDT_ERR_BADSTRUCTURE;
    int err = check_structure(&t);
    if (err == FDT_OK)
        *f = t;
    return err;
}

const char *fdt_strerror(int err)
{
    static const char *const msg[] = {
        [-FDT_OK] = "success",
        [-FDT_ERR_BADMAGIC] = "bad magic (not a device tree)",
        [-FDT_ERR_BADVERSION] = "unsupported device-tree version (need 16 or 17)",
        [-FDT_ERR_TRUNCATED] = "device tree truncated (shorter than its header says)",
        [-FDT_ERR_BADSTRUCTURE] = "malformed device tree (bad header offsets or structure block)",
        [-FDT_ERR_NOTFOUND] = "device-tree node or property not found",
        [-FDT_ERR_BADVALUE] = "device-tree property malformed or out of range",
        [-FDT_ERR_NOSPACE] = "more device-tree entries than the caller has room for",
    };
    if (err > 0 || err < FDT_ERR_NOSPACE)
        return "unknown device-tree error";
    return msg[-err];
}

uint32_t fdt_totalsize(const fdt_t *f)
{
    return f->size;
}

/* --- nodes and properties ------------------------------------------------------------------ */

static bool is_node(const fdt_t *f, int node)
{
    uint32_t tag;
    return node >= 0 && ((uint32_t)node & 3) == 0 && struct_word(f, (uint32_t)node, &tag) &&
           tag == TOK_BEGIN_NODE;
}

const char *fdt_get_name(const fdt_t *f, int node, uint32_t *len)
{
    uint32_t n;
    if (!is_node(f, node))
        return NULL;
    const uint8_t *name = f->blob + f->off_struct + (uint32_t)node + 4;
    if (!bounded_len(name, f->size_struct - (uint32_t)node - 4, &n))
        return NULL;
    if (len != NULL)
        *len = n;
    return (const char *)name;
}

int fdt_next_node(const fdt_t *f, int node, int *depth)
{
    int off, next, rel = 1;
    uint32_t tag;

    if (node < 0) {
        if (!is_node(f, 0))
            return FDT_ERR_NOTFOUND;
        if (depth != NULL)
            *depth = 0;
        return 0;
    }
    if (!is_node(f, node) || next_token(f, node, &tag, &off) != FDT_OK)
        return FDT_ERR_BADVALUE;
    for (;;) {
        if (next_token(f, off, &tag, &next) != FDT_OK)
            return FDT_ERR_BADSTRUCTURE;
        if (tag == TOK_BEGIN_NODE) {
            if (depth != NULL)
                *depth += rel;
            return off;
        }
        if (tag == TOK_END_NODE)
            rel--;
        else if (tag == TOK_END)
            return FDT_ERR_NOTFOUND;
        off = next;
    }
}

static const uint8_t *find_prop(const fdt_t *f, int node, const char *name, size_t nlen,
                                uint32_t *len)
{
    int off, next;
    uint32_t tag, plen, vlen;

    if (!is_node(f, node) || next_token(f, node, &tag, &off) != FDT_OK)
        return NULL;
    for (; next_token(f, off, &tag, &next) == FDT_OK; off = next) {
        if (tag == TOK_NOP)
            continue;
        if (tag != TOK_PROP)
            return NULL;
        const char *pname = prop_name(f, off, &plen);
        if (pname != NULL && plen == nlen && mem_eq(pname, name, nlen) &&
            struct_word(f, (uint32_t)off + 4, &vlen)) {
            *len = vlen;
            return f->blob + f->off_struct + (uint32_t)off + 12;
        }
    }
    return NULL;
}

const void *fdt_getprop(const fdt_t *f, int node, const char *name, uint32_t *len)
{
    uint32_t l = 0;
    const uint8_t *p = find_prop(f, node, name, str_len(name), &l);
    if (len != NULL)
        *len = l;
    return p;
}

int fdt_getprop_u32(const fdt_t *f, int node, const char *name, uint32_t *out)
{
    uint32_t len;
    const uint8_t *p = fdt_getprop(f, node, name, &len);
    if (p == NULL)
        return FDT_ERR_NOTFOUND;
    if (len != 4)
        return FDT_ERR_BADVALUE;
    *out = be32(p);
    return FDT_OK;
}

bool fdt_node_is_compatible(const fdt_t *f, int node, const char *compat)
{
    uint32_t len, pos = 0, n;
    size_t clen = str_len(compat);
    const uint8_t *list = fdt_getprop(f, node, "compatible", &len);

    if (list == NULL)
        return false;
    while (pos < len && bounded_len(list + pos, len - pos, &n)) {
        if (n == clen && mem_eq(list + pos, compat, clen))
            return true;
        pos += n + 1;
    }
    return false;
}

int fdt_next_compatible(const fdt_t *f, int after, const char *compat)
{
    int node = fdt_next_node(f, after < 0 ? -1 : after, NULL);
    for (; node >= 0; node = fdt_next_node(f, node, NULL))
        if (fdt_node_is_compatible(f, node, compat))
            return node;
    return FDT_ERR_NOTFOUND;
}

int fdt_node_by_phandle(const fdt_t *f, uint32_t phandle)
{
    uint32_t v;
    if (phandle == 0 || phandle == UINT32_MAX)
        return FDT_ERR_BADVALUE;
    for (int node = fdt_next_node(f, -1, NULL); node >= 0; node = fdt_next_node(f, node, NULL))
        if ((fdt_getprop_u32(f, node, "phandle", &v) == FDT_OK ||
             fdt_getprop_u32(f, node, "linux,phandle", &v) == FDT_OK) &&
            v == phandle)
            return node;
    return FDT_ERR_NOTFOUND;
}

/*
 * Fills chain[0..d] with the root-to-node path and returns d, the node's depth. One walk from the
 * root is the only way up in a flattened tree; fdt_init() capped the depth, so the array fits.
 */
static int node_chain(const fdt_t *f, int node, int chain[FDT_MAX_DEPTH + 1])
{
    int depth = 0;
    for (int n = fdt_next_node(f, -1, &depth); n >= 0; n = fdt_next_node(f, n, &depth)) {
        if (depth < 0 || depth > FDT_MAX_DEPTH)
            return FDT_ERR_BADSTRUCTURE;
        chain[depth] = n;
        if (n == node)
            return depth;
    }
    return FDT_ERR_NOTFOUND;
}

int fdt_parent(const fdt_t *f, int node)
{
    int chain[FDT_MAX_DEPTH + 1];
    int d = node_chain(f, node, chain);
    if (d < 0)
        return d;
    return d == 0 ? FDT_ERR_NOTFOUND : chain[d - 1];
}

/* --- paths ---------------------------------------------------------------------------------- */

// A path component without "@unit" also matches a node name that has one.
static bool name_matches(const char *name, uint32_t nlen, const char *comp, size_t clen)
{
    return (nlen == clen || (nlen > clen && name[clen] == '@')) && mem_eq(name, comp, clen);
}

static int find_child(const fdt_t *f, int parent, const char *comp, size_t clen)
{
    int depth = 0;
    uint32_t nlen;
    for (int n = fdt_next_node(f, parent, &depth); n >= 0 && depth > 0;
         n = fdt_next_node(f, n, &depth)) {
        const char *name = fdt_get_name(f, n, &nlen);
        if (depth == 1 && name != NULL && name_matches(name, nlen, comp, clen))
            return n;
    }
    return FDT_ERR_NOTFOUND;
}

static int walk_path(const fdt_t *f, int node, const char *path, size_t len)
{
    size_t i = 0;
    while (i < len && node >= 0) {
        if (path[i] == '/') {
            i++;
            continue;
        }
        size_t clen = find_char(path + i, len - i, '/');
        node = find_child(f, node, path + i, clen);
        i += clen;
    }
    return node;
}

int fdt_path_offset_len(const fdt_t *f, const char *path, size_t len)
{
    int root = fdt_next_node(f, -1, NULL);
    len = find_char(path, len, '\0');
    if (root < 0 || len == 0)
        return FDT_ERR_NOTFOUND;
    if (path[0] == '/')
        return walk_path(f, root, path, len);

    size_t alen = find_char(path, len, '/');
    uint32_t vlen, tlen;
    int aliases = find_child(f, root, "aliases", 7);
    if (aliases < 0)
        return FDT_ERR_NOTFOUND;
    const uint8_t *target = find_prop(f, aliases, path, alen, &vlen);
    if (target == NULL)
        return FDT_ERR_NOTFOUND;
    // Only absolute alias targets: following one alias to another could loop forever.
    if (!bounded_len(target, vlen, &tlen) || tlen == 0 || target[0] != '/')
        return FDT_ERR_BADVALUE;
    int node = walk_path(f, root, (const char *)target, tlen);
    return node < 0 ? node : walk_path(f, node, path + alen, len - alen);
}

int fdt_path_offset(const fdt_t *f, const char *path)
{
    return fdt_path_offset_len(f, path, str_len(path));
}

int fdt_stdout_node(const fdt_t *f)
{
    uint32_t len, slen;
    int chosen = fdt_path_offset(f, "/chosen");
    if (chosen < 0)
        return chosen;
    const uint8_t *path = fdt_getprop(f, chosen, "stdout-path", &len);
    if (path == NULL)
        path = fdt_getprop(f, chosen, "linux,stdout-path", &len);
    if (path == NULL)
        return FDT_ERR_NOTFOUND;
    if (!bounded_len(path, len, &slen))
        return FDT_ERR_BADVALUE;
    return fdt_path_offset_len(f, (const char *)path, find_char((const char *)path, slen, ':'));
}

/* --- addresses and interrupts ------------------------------------------------------------- */

static int get_cells(const fdt_t *f, int node, const char *name, uint32_t dflt, uint32_t min,
                     uint32_t max, uint32_t *out)
{
    int err = fdt_getprop_u32(f, node, name, out);
    if (err == FDT_ERR_NOTFOUND) {
        *out = dflt;
        return FDT_OK;
    }
    if (err != FDT_OK || *out < min || *out > max)
        return FDT_ERR_BADVALUE;
    return FDT_OK;
}

// Addresses and sizes wider than 64 bits (PCI's 3 cells) are not something the kernel needs.
static int bus_cells(const fdt_t *f, int bus, uint32_t min_size, uint32_t *ac, uint32_t *sc)
{
    int err = get_cells(f, bus, "#address-cells", 2, 1, 2, ac);
    return err != FDT_OK ? err : get_cells(f, bus, "#size-cells", 1, min_size, 2, sc);
}

static uint64_t read_cells(const uint8_t *p, uint32_t n)
{
    return n == 0 ? 0 : n == 1 ? be32(p) : be64(p);
}

static int reg_entry(const fdt_t *f, const int *chain, int d, unsigned index, uint64_t *addr,
                     uint64_t *size)
{
    uint32_t ac, sc, len;
    if (d == 0)
        return FDT_ERR_BADVALUE; // the root has no bus to be addressed on
    int err = bus_cells(f, chain[d - 1], 0, &ac, &sc);
    if (err != FDT_OK)
        return err;
    const uint8_t *reg = fdt_getprop(f, chain[d], "reg", &len);
    uint32_t entry = (ac + sc) * 4;
    if (reg == NULL)
        return FDT_ERR_NOTFOUND;
    if (len % entry != 0)
        return FDT_ERR_BADVALUE;
    if (index >= len / entry)
        return FDT_ERR_NOTFOUND;
    reg += (size_t)index * entry;
    *addr = read_cells(reg, ac);
    *size = read_cells(reg + ac * 4, sc);
    return FDT_OK;
}

int fdt_reg_raw(const fdt_t *f, int node, unsigned index, uint64_t *addr, uint64_t *size)
{
    int chain[FDT_MAX_DEPTH + 1];
    int d = node_chain(f, node, chain);
    return d < 0 ? d : reg_entry(f, chain, d, index, addr, size);
}

// Maps addr from bus's address space into its parent's through bus's `ranges`.
static int translate_one(const fdt_t *f, int bus, int up, uint64_t *addr)
{
    uint32_t cac, csc, pac, psc, len;
    const uint8_t *r = fdt_getprop(f, bus, "ranges", &len);
    if (r == NULL)
        return FDT_ERR_BADVALUE; // no ranges: the bus is not visible to the CPU
    if (len == 0)
        return FDT_OK;
    int err = bus_cells(f, bus, 1, &cac, &csc);
    if (err == FDT_OK)
        err = bus_cells(f, up, 0, &pac, &psc);
    if (err != FDT_OK)
        return err;
    uint32_t entry = (cac + pac + csc) * 4;
    if (len % entry != 0)
        return FDT_ERR_BADVALUE;
    for (const uint8_t *e = r; e < r + len; e += entry) {
        uint64_t child = read_cells(e, cac), parent = read_cells(e + cac * 4, pac);
        uint64_t span = read_cells(e + (cac + pac) * 4, csc);
        uint64_t delta = *addr - child;
        if (*addr >= child && delta < span) {
            if (delta > UINT64_MAX - parent)
                return FDT_ERR_BADVALUE;
            *addr = parent + delta;
            return FDT_OK;
        }
    }
    return FDT_ERR_BADVALUE;
}

int fdt_reg(const fdt_t *f, int node, unsigned index, uint64_t *addr, uint64_t *size)
{
    int chain[FDT_MAX_DEPTH + 1];
    uint64_t a, s;
    int d = node_chain(f, node, chain);
    int err = d < 0 ? d : reg_entry(f, chain, d, index, &a, &s);
    // chain[b] is the bus the address currently belongs to; the root's space is the CPU's.
    for (int b = d - 1; err == FDT_OK && b > 0; b--)
        err = translate_one(f, chain[b], chain[b - 1], &a);
    if (err == FDT_OK) {
        *addr = a;
        *size = s;
    }
    return err;
}

// Number of cells in an interrupt specifier for node: 3 (GIC) unless its controller says other.
static int interrupt_cells(const fdt_t *f, int node, uint32_t *cells)
{
    int chain[FDT_MAX_DEPTH + 1];
    uint32_t phandle;
    int d = node_chain(f, node, chain);
    if (d < 0)
        return d;
    *cells = GIC_SPEC_CELLS;
    for (; d >= 0; d--) {
        int err = fdt_getprop_u32(f, chain[d], "interrupt-parent", &phandle);
        if (err == FDT_ERR_NOTFOUND)
            continue;
        int ctrl = err != FDT_OK ? err : fdt_node_by_phandle(f, phandle);
        if (ctrl < 0)
            return FDT_ERR_BADVALUE;
        return fdt_getprop_u32(f, ctrl, "#interrupt-cells", cells) == FDT_OK ? FDT_OK
                                                                            : FDT_ERR_BADVALUE;
    }
    return FDT_OK;
}

int fdt_interrupt(const fdt_t *f, int node, unsigned index, uint32_t *intid)
{
    uint32_t len, cells;
    const uint8_t *spec = fdt_getprop(f, node, "interrupts", &len);
    if (spec == NULL)
        return FDT_ERR_NOTFOUND;
    int err = interrupt_cells(f, node, &cells);
    if (err != FDT_OK)
        return err;
    if (cells != GIC_SPEC_CELLS || len % (GIC_SPEC_CELLS * 4) != 0)
        return FDT_ERR_BADVALUE;
    if (index >= len / (GIC_SPEC_CELLS * 4))
        return FDT_ERR_NOTFOUND;
    spec += (size_t)index * GIC_SPEC_CELLS * 4;
    uint32_t type = be32(spec), num = be32(spec + 4);
    if (type == GIC_SPI && num < GIC_NUM_SPI)
        *intid = num + GIC_SPI_BASE;
    else if (type == GIC_PPI && num < GIC_NUM_PPI)
        *intid = num + GIC_PPI_BASE;
    else
        return FDT_ERR_BADVALUE;
    return FDT_OK;
}

/* --- memory --------------------------------------------------------------------------------- */

static bool is_memory_node(const fdt_t *f, int node)
{
    static const char memory[] = "memory"; // compared with its NUL
    uint32_t len;
    const uint8_t *type = fdt_getprop(f, node, "device_type", &len);
    return type != NULL && len == sizeof(memory) && mem_eq(type, memory, sizeof(memory));
}

int fdt_memory(const fdt_t *f, fdt_region_t *out, unsigned max)
{
    unsigned count = 0;
    for (int node = fdt_next_node(f, -1, NULL); node >= 0; node = fdt_next_node(f, node, NULL)) {
        if (!is_memory_node(f, node))
            continue;
        uint64_t base, size;
        int err;
        for (unsigned i = 0; (err = fdt_reg(f, node, i, &base, &size)) == FDT_OK; i++) {
            if (size == 0) // the Pi's file carries a 0-size placeholder for the firmware to fill
                continue;
            if (count == max)
                return FDT_ERR_NOSPACE;
            out[count++] = (fdt_region_t){base, size};
        }
        if (err != FDT_ERR_NOTFOUND)
            return err;
    }
    return count == 0 ? FDT_ERR_NOTFOUND : (int)count;
}

int fdt_memreserve(const fdt_t *f, fdt_region_t *out, unsigned max)
{
    return f->blob == NULL ? FDT_ERR_BADSTRUCTURE : walk_memreserve(f->blob, f->size, out, max);
}
