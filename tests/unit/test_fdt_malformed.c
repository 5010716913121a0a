// SPDX-License-Identifier: BSD-2-Clause
// FDT reader on hostile input: each corruption must be refused with its error, never a crash.

#include <keel/fdt.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fdt_build.h"
#include "test_util.h"

/* --- the builder itself, so the negative cases below are not vacuous ---------------------- */

static void expect_good_tree(fdtb_t *b)
{
    fdt_t f;
    uint8_t *copy = fb_init_ok(b, &f);
    assert_true(fdt_node_is_compatible(&f, 0, "keel,built"));
    assert_true(fdt_path_offset(&f, "/child") > 0);
    free(copy);
    free(b);
}

static void built_tree_is_valid(void **state)
{
    (void)state;
    expect_good_tree(fb_good());
}

static void version16_without_struct_size(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    fb_set_hdr(b, H_VERSION, 16);
    fb_set_hdr(b, H_SIZE_STRUCT, 0xdeadbeef); // not a v16 field: must be ignored
    assert_int_equal(fb_init_built(b), FDT_OK);
    free(b);
}

static void nops_are_skipped(void **state)
{
    (void)state;
    fdtb_t *b = fb_new();
    fb_begin(b, "");
    fb_tok(b, TOK_NOP);
    fb_prop_str(b, "compatible", "keel,built");
    fb_tok(b, TOK_NOP);
    fb_begin(b, "child");
    fb_end(b);
    fb_tok(b, TOK_NOP);
    fb_end(b);
    fb_tok(b, TOK_NOP);
    fb_tok(b, TOK_END);
    fb_finish(b);
    expect_good_tree(b);
}

/* --- header --------------------------------------------------------------------------------- */

static void bad_magic(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    b->blob[3] ^= 0x01;
    assert_int_equal(fb_init_built(b), FDT_ERR_BADMAGIC);
    static const uint8_t elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    assert_int_equal(fb_init_exact(elf, sizeof(elf), NULL), FDT_ERR_BADMAGIC);
    assert_non_null(strstr(fdt_strerror(FDT_ERR_BADMAGIC), "magic"));
    free(b);
}

static void bad_version(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    fb_set_hdr(b, H_VERSION, 15);
    assert_int_equal(fb_init_built(b), FDT_ERR_BADVERSION);
    fb_set_hdr(b, H_VERSION, 17);
    fb_set_hdr(b, H_LAST_COMP, 18); // a future format we cannot read
    assert_int_equal(fb_init_built(b), FDT_ERR_BADVERSION);
    free(b);
}

static void truncate_everywhere(const uint8_t *blob, size_t total)
{
    for (size_t len = 0; len < total; len++) {
        int err = fb_init_exact(blob, len, NULL);
        if (err != FDT_ERR_TRUNCATED)
            fail_msg("length %zu of %zu: got %d (%s)", len, total, err, fdt_strerror(err));
    }
    assert_int_equal(fb_init_exact(blob, total, NULL), FDT_OK);
}

static void truncated_at_every_length(void **state)
{
    (void)state;
    static const char *const names[] = {"qemu-virt.dtb", "rpi4.dtb", "tree.dtb"};
    for (size_t i = 0; i < COUNT(names); i++) {
        size_t len;
        uint8_t *blob = test_load_file(test_dtb_path(names[i]), &len);
        assert_non_null(blob);
        truncate_everywhere(blob, len);
        free(blob);
    }
    fdtb_t *b = fb_good();
    truncate_everywhere(b->blob, b->len);
    free(b);
}

static void totalsize_inconsistent(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    fb_set_hdr(b, H_TOTALSIZE, 20); // smaller than the header itself
    assert_int_equal(fb_init_built(b), FDT_ERR_BADSTRUCTURE);
    fb_set_hdr(b, H_TOTALSIZE, (uint32_t)b->len - 4); // cuts into the strings block
    assert_int_equal(fb_init_built(b), FDT_ERR_BADSTRUCTURE);
    // A caller that vouches for everything still gets no node offset that cannot fit an int.
    fb_set_hdr(b, H_TOTALSIZE, 0x80000000u);
    fdt_t f;
    assert_int_equal(fdt_init(&f, b->blob, SIZE_MAX), FDT_ERR_BADSTRUCTURE);
    free(b);
}

typedef struct {
    unsigned field;
    uint32_t (*value)(const fdtb_t *b);
} hdr_patch_t;

static uint32_t v_total(const fdtb_t *b)
{
    return (uint32_t)b->len;
}
static uint32_t v_huge(const fdtb_t *b)
{
    (void)b;
    return 0xfffffffcu; // makes offset + size wrap in 32 bits
}
static uint32_t v_inside_header(const fdtb_t *b)
{
    (void)b;
    return 8;
}
static uint32_t v_struct_misaligned(const fdtb_t *b)
{
    return fb_get32(b->blob + H_OFF_STRUCT) + 2;
}
static uint32_t v_struct_size_odd(const fdtb_t *b)
{
    return fb_get32(b->blob + H_SIZE_STRUCT) - 2;
}
static uint32_t v_rsv_misaligned(const fdtb_t *b)
{
    (void)b;
    return HDR_LEN + 4;
}
static uint32_t v_rsv_at_end(const fdtb_t *b)
{
    return ((uint32_t)b->len - 15) & ~7u; // aligned, but no room for the terminating entry
}

static void corrupted_offsets(void **state)
{
    (void)state;
    static const hdr_patch_t patches[] = {
        {H_OFF_STRUCT, v_total},         {H_OFF_STRUCT, v_huge},
        {H_OFF_STRUCT, v_inside_header}, {H_OFF_STRUCT, v_struct_misaligned},
        {H_SIZE_STRUCT, v_total},        {H_SIZE_STRUCT, v_huge},
        {H_SIZE_STRUCT, v_struct_size_odd}, {H_OFF_STRINGS, v_total},
        {H_OFF_STRINGS, v_huge},         {H_OFF_STRINGS, v_inside_header},
        {H_SIZE_STRINGS, v_total},       {H_SIZE_STRINGS, v_huge},
        {H_OFF_RSVMAP, v_total},         {H_OFF_RSVMAP, v_huge},
        {H_OFF_RSVMAP, v_inside_header}, {H_OFF_RSVMAP, v_rsv_misaligned},
        {H_OFF_RSVMAP, v_rsv_at_end},
    };
    for (size_t i = 0; i < COUNT(patches); i++) {
        fdtb_t *b = fb_good();
        fb_set_hdr(b, patches[i].field, patches[i].value(b));
        int err = fb_init_built(b);
        if (err != FDT_ERR_BADSTRUCTURE)
            fail_msg("patch %zu: got %d (%s)", i, err, fdt_strerror(err));
        free(b);
    }
}

static void memreserve_without_terminator(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    // Every 16-byte slot from the map to the end of the blob is non-zero.
    uint32_t off = fb_get32(b->blob + H_OFF_RSVMAP);
    fb_set_hdr(b, H_OFF_RSVMAP, fb_get32(b->blob + H_OFF_STRUCT)); // the struct block is never 0,0
    assert_int_equal(fb_init_built(b), FDT_ERR_BADSTRUCTURE);
    fb_set_hdr(b, H_OFF_RSVMAP, off);
    memset(b->blob + off, 0xff, RSV_LEN);
    assert_int_equal(fb_init_built(b), FDT_ERR_BADSTRUCTURE);
    free(b);
}

/* --- structure block ------------------------------------------------------------------------ */

static void expect_bad_structure(fdtb_t *b)
{
    fb_finish(b);
    int err = fb_init_built(b);
    free(b);
    if (err != FDT_ERR_BADSTRUCTURE)
        fail_msg("got %d (%s)", err, fdt_strerror(err));
}

// A one-property tree whose property token gets `word` (+4 length, +8 name offset) replaced.
static void expect_bad_prop_word(unsigned word, const uint32_t *values, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fdtb_t *b = fb_new();
        fb_begin(b, "");
        uint32_t at = fb_prop_str(b, "compatible", "keel,built");
        fb_end(b);
        fb_tok(b, TOK_END);
        fb_put32(b->st + at + word, values[i]);
        expect_bad_structure(b);
    }
}

static void prop_len_past_block(void **state)
{
    (void)state;
    static const uint32_t lens[] = {0x1000, 0x7ffffff0, 0xfffffff0, 0xffffffff};
    expect_bad_prop_word(4, lens, COUNT(lens));
}

static void prop_name_offset_outside_strings(void **state)
{
    (void)state;
    static const uint32_t offs[] = {0x100, 0x7fffffff, 0xffffffff};
    expect_bad_prop_word(8, offs, COUNT(offs));
}

static void prop_name_without_nul(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    // "status" is the last name; dropping the block's final byte leaves it unterminated.
    fb_set_hdr(b, H_SIZE_STRINGS, fb_get32(b->blob + H_SIZE_STRINGS) - 1);
    assert_int_equal(fb_init_built(b), FDT_ERR_BADSTRUCTURE);
    free(b);
}

/*
 * One rule broken per case; each builds only the structure block, and the blob must be refused
 * as malformed.
 */
static void s_prop_len_one_past_end(fdtb_t *b)
{
    fb_begin(b, "");
    uint32_t at = fb_prop(b, "blob", "abcd", 4);
    fb_end(b);
    fb_tok(b, TOK_END);
    // The value would need exactly one byte more than the block has after it.
    fb_put32(b->st + at + 4, 4 + 8 + 1);
}

static void s_node_name_without_nul(fdtb_t *b)
{
    fb_tok(b, TOK_BEGIN);
    memcpy(b->st + b->st_len, "abcdefgh", 8); // runs to the end of the block, no NUL
    b->st_len += 8;
}

static void s_unknown_token(fdtb_t *b)
{
    fb_begin(b, "");
    fb_tok(b, 7);
    fb_end(b);
    fb_tok(b, TOK_END);
}

static void s_unbalanced_end_node(fdtb_t *b)
{
    fb_good_body(b);
    fb_end(b);
    fb_tok(b, TOK_END);
}

static void s_end_inside_node(fdtb_t *b)
{
    fb_begin(b, "");
    fb_begin(b, "child");
    fb_end(b);
    fb_tok(b, TOK_END);
}

static void s_missing_fdt_end(fdtb_t *b)
{
    fb_good_body(b);
}

static void s_two_roots(fdtb_t *b)
{
    fb_good_body(b);
    fb_good_body(b);
    fb_tok(b, TOK_END);
}

static void s_prop_outside_root(fdtb_t *b)
{
    fb_prop_str(b, "stray", "x");
    fb_good_body(b);
    fb_tok(b, TOK_END);
}

static void s_nop_before_root(fdtb_t *b)
{
    fb_tok(b, TOK_NOP); // the root must be at offset 0: node offsets promise it
    fb_good_body(b);
    fb_tok(b, TOK_END);
}

static void s_prop_after_subnode(fdtb_t *b)
{
    fb_begin(b, "");
    fb_begin(b, "child");
    fb_end(b);
    fb_prop_str(b, "late", "x");
    fb_end(b);
    fb_tok(b, TOK_END);
}

typedef struct {
    const char *what;
    void (*build)(fdtb_t *b);
} struct_case_t;

#define STRUCT_CASE(fn) {#fn, fn}

static const struct_case_t struct_cases[] = {
    STRUCT_CASE(s_prop_len_one_past_end), STRUCT_CASE(s_node_name_without_nul),
    STRUCT_CASE(s_unknown_token),         STRUCT_CASE(s_unbalanced_end_node),
    STRUCT_CASE(s_end_inside_node),       STRUCT_CASE(s_missing_fdt_end),
    STRUCT_CASE(s_two_roots),             STRUCT_CASE(s_prop_outside_root),
    STRUCT_CASE(s_nop_before_root),       STRUCT_CASE(s_prop_after_subnode),
};


static void run_struct_case(void **state)
{
    const struct_case_t *c = *state;
    fdtb_t *b = fb_new();
    c->build(b);
    expect_bad_structure(b);
}

static void nest(fdtb_t *b, int levels)
{
    for (int i = 0; i < levels; i++)
        fb_begin(b, i == 0 ? "" : "n");
    fb_prop_str(b, "reg", "");
    for (int i = 0; i < levels; i++)
        fb_end(b);
    fb_tok(b, TOK_END);
    fb_finish(b);
}

static void nesting_depth_limit(void **state)
{
    (void)state;
    fdtb_t *b = fb_new();
    nest(b, FDT_MAX_DEPTH);
    fdt_t f;
    uint8_t *copy = fb_init_ok(b, &f);
    // The deepest node still has a parent chain that fits the walker's array.
    int deepest = 0, depth = 0;
    for (int n = fdt_next_node(&f, -1, &depth); n >= 0; n = fdt_next_node(&f, n, &depth))
        deepest = n;
    assert_true(fdt_parent(&f, deepest) > 0);
    free(copy);
    free(b);

    b = fb_new();
    nest(b, FDT_MAX_DEPTH + 1);
    assert_int_equal(fb_init_built(b), FDT_ERR_BADSTRUCTURE);
    free(b);
}

/* --- values and offsets after a good init --------------------------------------------------- */

static void unterminated_values(void **state)
{
    (void)state;
    fdtb_t *b = fb_new();
    fb_begin(b, "");
    fb_prop(b, "compatible", "keel,built", 10); // no NUL: the last entry cannot be confirmed
    fb_begin(b, "chosen");
    fb_prop(b, "stdout-path", "/chosen", 7);
    fb_end(b);
    fb_begin(b, "memory@0");
    fb_prop(b, "device_type", "memory", 6);
    fb_prop(b, "reg", "\0\0\0\0\0\0\0\0\0\0\0\1", 12);
    fb_end(b);
    fb_end(b);
    fb_tok(b, TOK_END);
    fb_finish(b);
    fdt_t f;
    fdt_region_t r[1];
    uint8_t *copy = fb_init_ok(b, &f);
    assert_false(fdt_node_is_compatible(&f, 0, "keel,built"));
    assert_int_equal(fdt_stdout_node(&f), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_memory(&f, r, 1), FDT_ERR_NOTFOUND); // "memory" without NUL
    free(copy);
    free(b);
}

static void bad_node_offsets(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    fdt_t f;
    uint8_t *copy = fb_init_ok(b, &f);
    static const int offs[] = {-1, -4, 1, 2, 8, 12, 0x7ffffffc, 0x7fffffff};
    for (size_t i = 0; i < COUNT(offs); i++) {
        int off = offs[i];
        uint64_t a, s;
        uint32_t v, len;
        assert_null(fdt_getprop(&f, off, "compatible", &len));
        assert_null(fdt_get_name(&f, off, &len));
        assert_true(fdt_getprop_u32(&f, off, "x", &v) < 0);
        assert_true(fdt_reg(&f, off, 0, &a, &s) < 0);
        assert_true(fdt_interrupt(&f, off, 0, &v) < 0);
        assert_true(fdt_parent(&f, off) < 0);
        assert_false(fdt_node_is_compatible(&f, off, "keel,built"));
        if (off >= 0)
            assert_true(fdt_next_node(&f, off, NULL) < 0);
    }
    free(copy);
    free(b);
}

static void calls_after_failed_init(void **state)
{
    (void)state;
    fdtb_t *b = fb_good();
    b->blob[0] = 0;
    fdt_t f;
    fdt_region_t r[1];
    uint64_t a, s;
    assert_int_equal(fdt_init(&f, b->blob, b->len), FDT_ERR_BADMAGIC);
    assert_int_equal(fdt_totalsize(&f), 0);
    assert_true(fdt_path_offset(&f, "/") < 0);
    assert_true(fdt_next_node(&f, -1, NULL) < 0);
    assert_true(fdt_memory(&f, r, 1) < 0);
    assert_true(fdt_memreserve(&f, r, 1) < 0);
    assert_true(fdt_stdout_node(&f) < 0);
    assert_true(fdt_reg(&f, 0, 0, &a, &s) < 0);
    assert_int_equal(fdt_init(&f, NULL, 100), FDT_ERR_TRUNCATED);
    free(b);
}

static void error_messages(void **state)
{
    (void)state;
    test_distinct_messages(fdt_strerror, FDT_ERR_NOSPACE, FDT_OK);
}

/* --- random corruption --------------------------------------------------------------------- */

static void assert_inside(const fdt_t *f, const void *p, uint32_t len)
{
    const uint8_t *q = p;
    if (q == NULL)
        return;
    assert_true(q >= f->blob && q <= f->blob + f->size && len <= (size_t)(f->blob + f->size - q));
}

// Runs every query on a blob that fdt_init() accepted; only ASan and the bounds are judged.
static void exercise(const fdt_t *f)
{
    static const char *const paths[] = {"/", "/chosen", "serial0", "/soc/serial", "/memory",
                                        "/bus/dev", "serial1", "bus/shifted/leaf"};
    fdt_region_t r[8];
    uint32_t len, v;
    uint64_t a, s;
    for (size_t i = 0; i < COUNT(paths); i++)
        (void)fdt_path_offset(f, paths[i]);
    (void)fdt_memory(f, r, 8);
    (void)fdt_memreserve(f, r, 8);
    (void)fdt_stdout_node(f);
    (void)fdt_node_by_phandle(f, 1);
    (void)fdt_next_compatible(f, -1, "arm,pl011");
    int depth = 0, budget = 10000;
    for (int n = fdt_next_node(f, -1, &depth); n >= 0 && budget-- > 0;
         n = fdt_next_node(f, n, &depth)) {
        const void *p = fdt_get_name(f, n, &len);
        assert_inside(f, p, len);
        p = fdt_getprop(f, n, "compatible", &len);
        assert_inside(f, p, len);
        p = fdt_getprop(f, n, "reg", &len);
        assert_inside(f, p, len);
        (void)fdt_getprop_u32(f, n, "#address-cells", &v);
        (void)fdt_reg(f, n, 0, &a, &s);
        (void)fdt_reg_raw(f, n, 1, &a, &s);
        (void)fdt_interrupt(f, n, 0, &v);
        (void)fdt_parent(f, n);
        (void)fdt_node_is_compatible(f, n, "arm,gic-400");
    }
    assert_true(budget > 0);
}

static unsigned fuzz_file(const char *name, uint32_t seed, unsigned rounds)
{
    size_t len;
    unsigned accepted = 0;
    uint8_t *orig = test_load_file(test_dtb_path(name), &len);
    assert_non_null(orig);
    for (unsigned i = 0; i < rounds; i++) {
        uint8_t *blob = test_dup_exact(orig, len);
        unsigned flips = 1 + test_rand(&seed) % 3;
        for (unsigned k = 0; k < flips; k++) {
            size_t at = test_rand(&seed) % len;
            // Small values in cells and lengths hit the interesting boundaries more often.
            blob[at] = (test_rand(&seed) & 1) ? (uint8_t)test_rand(&seed) : blob[at] ^ 0x01;
        }
        fdt_t f;
        if (fdt_init(&f, blob, len) == FDT_OK) {
            accepted++;
            exercise(&f);
        }
        free(blob);
    }
    free(orig);
    return accepted;
}

static void random_corruption(void **state)
{
    (void)state;
    // Many mutants must still parse, or the queries after init would go untested.
    assert_true(fuzz_file("tree.dtb", 0x1234567u, 4000) > 1000);
    assert_true(fuzz_file("rpi4.dtb", 0x89abcdefu, 4000) > 1000);
    assert_true(fuzz_file("qemu-virt.dtb", 0x2468aceu, 4000) > 1000);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(built_tree_is_valid),
        cmocka_unit_test(version16_without_struct_size),
        cmocka_unit_test(nops_are_skipped),
        cmocka_unit_test(bad_magic),
        cmocka_unit_test(bad_version),
        cmocka_unit_test(truncated_at_every_length),
        cmocka_unit_test(totalsize_inconsistent),
        cmocka_unit_test(corrupted_offsets),
        cmocka_unit_test(memreserve_without_terminator),
        cmocka_unit_test(prop_len_past_block),
        cmocka_unit_test(prop_name_offset_outside_strings),
        cmocka_unit_test(prop_name_without_nul),
        cmocka_unit_test(nesting_depth_limit),
        cmocka_unit_test(unterminated_values),
        cmocka_unit_test(bad_node_offsets),
        cmocka_unit_test(calls_after_failed_init),
        cmocka_unit_test(error_messages),
        cmocka_unit_test(random_corruption),
    };
    struct CMUnitTest tests[COUNT(fixed) + COUNT(struct_cases)];
    memcpy(tests, fixed, sizeof(fixed));
    for (size_t i = 0; i < COUNT(struct_cases); i++)
        tests[COUNT(fixed) + i] = (struct CMUnitTest){
            .name = struct_cases[i].what,
            .test_func = run_struct_case,
            .initial_state = (void *)&struct_cases[i],
        };
    return cmocka_run_group_tests_name("fdt_malformed", tests, NULL, NULL);
}
