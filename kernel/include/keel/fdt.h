// SPDX-License-Identifier: BSD-2-Clause
// Read-only flattened-device-tree reader that stays inside the blob for any input.
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A node is named by the offset of its FDT_BEGIN_NODE token inside the structure block; the root
 * is always 0. Offsets stay valid for as long as the blob does, which at boot is forever.
 *
 * fdt_init() walks the whole structure block once, so every later call may assume the tokens nest
 * and every property name is a terminated string; the later calls still bound every access, so a
 * blob that changes under our feet (it never should) cannot make them read outside it.
 */
typedef struct {
    const uint8_t *blob;
    uint32_t size; // totalsize from the header, already checked against the caller's bound
    uint32_t off_struct, size_struct, off_strings, size_strings;
} fdt_t;

typedef struct {
    uint64_t base, size;
} fdt_region_t;

enum {
    FDT_OK = 0,
    FDT_ERR_BADMAGIC = -1,
    FDT_ERR_BADVERSION = -2,
    FDT_ERR_TRUNCATED = -3,
    FDT_ERR_BADSTRUCTURE = -4,
    FDT_ERR_NOTFOUND = -5,
    FDT_ERR_BADVALUE = -6,
    FDT_ERR_NOSPACE = -7,
};

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAX_DEPTH 64 // deeper nesting is refused by fdt_init(); real trees stay below 8

// max_size: how many bytes from blob the caller knows to be readable.
int fdt_init(fdt_t *f, const void *blob, size_t max_size);
const char *fdt_strerror(int err);
uint32_t fdt_totalsize(const fdt_t *f);

// Paths: "/", "/chosen", "/soc/serial@7e201000"; a component without "@unit" matches a node whose
// name has one ("/memory" finds "memory@40000000"); a first component without a leading '/' is
// looked up in /aliases ("serial0", "serial0/child").
int fdt_path_offset(const fdt_t *f, const char *path);
// Same, for a path that is not NUL-terminated (a property value); len bytes at most are read.
int fdt_path_offset_len(const fdt_t *f, const char *path, size_t len);

// Walks nodes in document order. Pass -1 to start at the root; returns FDT_ERR_NOTFOUND after the
// last node. depth (optional) is updated relative to its value on entry.
int fdt_next_node(const fdt_t *f, int node, int *depth);
// The node's name including any "@unit"; the root's is "".
const char *fdt_get_name(const fdt_t *f, int node, uint32_t *len);
int fdt_parent(const fdt_t *f, int node);
int fdt_node_by_phandle(const fdt_t *f, uint32_t phandle);
int fdt_next_compatible(const fdt_t *f, int after, const char *compat);
bool fdt_node_is_compatible(const fdt_t *f, int node, const char *compat);

const void *fdt_getprop(const fdt_t *f, int node, const char *name, uint32_t *len);
int fdt_getprop_u32(const fdt_t *f, int node, const char *name, uint32_t *out);

// The index-th reg entry exactly as written, in the parent bus's address space.
int fdt_reg_raw(const fdt_t *f, int node, unsigned index, uint64_t *addr, uint64_t *size);
// The same, translated to a CPU physical address through every ancestor's `ranges`.
int fdt_reg(const fdt_t *f, int node, unsigned index, uint64_t *addr, uint64_t *size);
// GIC three-cell specifier -> INTID (SPI n -> n + 32, PPI n -> n + 16).
int fdt_interrupt(const fdt_t *f, int node, unsigned index, uint32_t *intid);

// Every non-empty reg range of every device_type = "memory" node. Returns the count,
// FDT_ERR_NOTFOUND when there is none, FDT_ERR_NOSPACE when more than max exist.
int fdt_memory(const fdt_t *f, fdt_region_t *out, unsigned max);
// The /memreserve/ entries, same return convention except that none at all is a count of 0.
int fdt_memreserve(const fdt_t *f, fdt_region_t *out, unsigned max);
// The node /chosen/stdout-path names, with any ":options" suffix dropped.
int fdt_stdout_node(const fdt_t *f);
