// SPDX-License-Identifier: BSD-2-Clause
// Builds flattened device trees token by token, so each malformed-input test breaks one rule.

#include "fdt_build.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

void fb_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t fb_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint32_t fb_tok(fdtb_t *b, uint32_t v)
{
    uint32_t at = b->st_len;
    assert_true(b->st_len + 4 <= sizeof(b->st));
    fb_put32(b->st + b->st_len, v);
    b->st_len += 4;
    return at;
}

void fb_raw(fdtb_t *b, const void *p, uint32_t n)
{
    assert_true(b->st_len + n + 3 <= sizeof(b->st));
    memcpy(b->st + b->st_len, p, n);
    b->st_len += n;
    while (b->st_len % 4)
        b->st[b->st_len++] = 0;
}

void fb_begin(fdtb_t *b, const char *name)
{
    fb_tok(b, TOK_BEGIN);
    fb_raw(b, name, (uint32_t)strlen(name) + 1);
}

void fb_end(fdtb_t *b)
{
    fb_tok(b, TOK_END_NODE);
}

uint32_t fb_prop(fdtb_t *b, const char *name, const void *val, uint32_t len)
{
    uint32_t at = fb_tok(b, TOK_PROP), nlen = (uint32_t)strlen(name) + 1;
    fb_tok(b, len);
    fb_tok(b, b->str_len);
    assert_true(b->str_len + nlen <= sizeof(b->str));
    memcpy(b->str + b->str_len, name, nlen);
    b->str_len += nlen;
    fb_raw(b, val, len);
    return at;
}

uint32_t fb_prop_str(fdtb_t *b, const char *name, const char *val)
{
    return fb_prop(b, name, val, (uint32_t)strlen(val) + 1);
}

void fb_finish(fdtb_t *b)
{
    uint32_t off_struct = HDR_LEN + RSV_LEN, off_strings = off_struct + b->st_len;
    b->len = off_strings + b->str_len;
    assert_true(b->len <= sizeof(b->blob));
    memset(b->blob, 0, sizeof(b->blob));
    fb_put32(b->blob + H_MAGIC, FDT_MAGIC);
    fb_put32(b->blob + H_TOTALSIZE, (uint32_t)b->len);
    fb_put32(b->blob + H_OFF_STRUCT, off_struct);
    fb_put32(b->blob + H_OFF_STRINGS, off_strings);
    fb_put32(b->blob + H_OFF_RSVMAP, HDR_LEN);
    fb_put32(b->blob + H_VERSION, 17);
    fb_put32(b->blob + H_LAST_COMP, 16);
    fb_put32(b->blob + H_SIZE_STRINGS, b->str_len);
    fb_put32(b->blob + H_SIZE_STRUCT, b->st_len);
    memcpy(b->blob + off_struct, b->st, b->st_len);
    memcpy(b->blob + off_strings, b->str, b->str_len);
}

void fb_set_hdr(fdtb_t *b, unsigned field, uint32_t v)
{
    fb_put32(b->blob + field, v);
}

int fb_init_exact(const void *blob, size_t len, fdt_t *f)
{
    uint8_t *copy = test_dup_exact(blob, len);
    assert_true(copy != NULL || len == 0);
    fdt_t scratch;
    int err = fdt_init(f != NULL ? f : &scratch, copy, len);
    free(copy);
    return err;
}

uint8_t *fb_init_ok(const fdtb_t *b, fdt_t *f)
{
    uint8_t *copy = test_dup_exact(b->blob, b->len);
    assert_non_null(copy);
    int err = fdt_init(f, copy, b->len);
    if (err != FDT_OK)
        fail_msg("built blob refused: %s", fdt_strerror(err));
    return copy;
}

int fb_init_built(fdtb_t *b)
{
    return fb_init_exact(b->blob, b->len, NULL);
}

void fb_good_body(fdtb_t *b)
{
    fb_begin(b, "");
    fb_prop_str(b, "compatible", "keel,built");
    fb_begin(b, "child@1");
    fb_prop_str(b, "status", "okay");
    fb_end(b);
    fb_end(b);
}

fdtb_t *fb_new(void)
{
    fdtb_t *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    return b;
}

fdtb_t *fb_good(void)
{
    fdtb_t *b = fb_new();
    fb_good_body(b);
    fb_tok(b, TOK_END);
    fb_finish(b);
    return b;
}

