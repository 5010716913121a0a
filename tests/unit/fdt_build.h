// SPDX-License-Identifier: BSD-2-Clause
// Builds flattened device trees token by token, so each malformed-input test breaks one rule.
#pragma once

#include <keel/fdt.h>

#include <stddef.h>
#include <stdint.h>

/*
 * fb_finish() lays a blob out as header, empty reservation map, structure block, strings block.
 * fb_init_exact() hands a blob to fdt_init() in a heap buffer of exactly its size, so
 * AddressSanitizer turns any read past the end into a failure.
 */

enum {
    TOK_BEGIN = 1,
    TOK_END_NODE = 2,
    TOK_PROP = 3,
    TOK_NOP = 4,
    TOK_END = 9,
    HDR_LEN = 40,
    RSV_LEN = 32, // the terminating entry and 16 more zero bytes, so a misaligned map has one
    H_MAGIC = 0,
    H_TOTALSIZE = 4,
    H_OFF_STRUCT = 8,
    H_OFF_STRINGS = 12,
    H_OFF_RSVMAP = 16,
    H_VERSION = 20,
    H_LAST_COMP = 24,
    H_SIZE_STRINGS = 32,
    H_SIZE_STRUCT = 36,
};

typedef struct {
    uint8_t st[8192];
    uint32_t st_len;
    char str[512];
    uint32_t str_len;
    uint8_t blob[9000];
    size_t len;
} fdtb_t;

void fb_put32(uint8_t *p, uint32_t v);
uint32_t fb_get32(const uint8_t *p);
// Appenders to the structure block; fb_tok and fb_prop return the token's offset for patching.
uint32_t fb_tok(fdtb_t *b, uint32_t v);
void fb_raw(fdtb_t *b, const void *p, uint32_t n);
void fb_begin(fdtb_t *b, const char *name);
void fb_end(fdtb_t *b);
uint32_t fb_prop(fdtb_t *b, const char *name, const void *val, uint32_t len);
uint32_t fb_prop_str(fdtb_t *b, const char *name, const char *val);
void fb_finish(fdtb_t *b);
void fb_set_hdr(fdtb_t *b, unsigned field, uint32_t v);
int fb_init_exact(const void *blob, size_t len, fdt_t *f);
int fb_init_built(fdtb_t *b);
// Initialises f from an exact-size copy of b's blob, failing the test if it is refused; the
// caller frees the returned copy once done with f.
uint8_t *fb_init_ok(const fdtb_t *b, fdt_t *f);
// A small good tree: root with a compatible, one child with a property (no FDT_END).
void fb_good_body(fdtb_t *b);
fdtb_t *fb_new(void);
// fb_good_body + FDT_END, finished: the blob every header corruption starts from.
fdtb_t *fb_good(void);
