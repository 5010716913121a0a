// SPDX-License-Identifier: BSD-2-Clause
// Root-task ELF validator: a good image, one case per refusal, random corruption, a real image.

#include <keel/elf.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

#define USER_TOP 0x0000800000000000ull

enum {
    EHDR = 64,
    PHDR = 56,
    PT_LOAD = 1,
    PT_NOTE = 4,
    PT_TLS = 7,
    PT_GNU_STACK = 0x6474e551,
    IMAGE_SIZE = 0x3000,
    LAST_FILE_BYTE = 0x2100, // end of the data segment's file bytes in the good image
};

typedef struct {
    uint32_t type, flags;
    uint64_t offset, vaddr, filesz, memsz;
} ph_t;

// Everything the writer puts in the headers; a case edits one field of the good image.
typedef struct {
    uint8_t ident[16];
    uint16_t type, machine, phentsize, phnum;
    uint32_t version;
    uint64_t entry, phoff;
    ph_t ph[80];
    size_t size;
} elf_spec_t;

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

// Writes the ELF64 and program headers into a zeroed buffer of exactly spec->size bytes.
static uint8_t *write_elf(const elf_spec_t *s)
{
    uint8_t *buf = calloc(1, s->size + 1); // +1: a 0-byte image still gets a pointer
    assert_non_null(buf);
    size_t hdr = s->size < EHDR ? s->size : EHDR;
    uint8_t ehdr[EHDR] = {0};
    memcpy(ehdr, s->ident, 16);
    put_le(ehdr + 16, s->type, 2);
    put_le(ehdr + 18, s->machine, 2);
    put_le(ehdr + 20, s->version, 4);
    put_le(ehdr + 24, s->entry, 8);
    put_le(ehdr + 32, s->phoff, 8);
    put_le(ehdr + 52, EHDR, 2);
    put_le(ehdr + 54, s->phentsize, 2);
    put_le(ehdr + 56, s->phnum, 2);
    memcpy(buf, ehdr, hdr);
    for (unsigned i = 0; i < s->phnum && i < 80; i++) {
        uint8_t p[PHDR] = {0};
        put_le(p + 0, s->ph[i].type, 4);
        put_le(p + 4, s->ph[i].flags, 4);
        put_le(p + 8, s->ph[i].offset, 8);
        put_le(p + 16, s->ph[i].vaddr, 8);
        put_le(p + 24, s->ph[i].vaddr, 8);
        put_le(p + 32, s->ph[i].filesz, 8);
        put_le(p + 40, s->ph[i].memsz, 8);
        put_le(p + 48, 0x1000, 8);
        // Headers that do not fit are left out: the parser must notice, not the writer.
        if (s->phoff < s->size && i < (s->size - s->phoff) / PHDR)
            memcpy(buf + s->phoff + (size_t)i * PHDR, p, PHDR);
    }
    return buf;
}

/*
 * text RX at 0x400000 (file 0x1000..0x1800), data RW at 0x401000 with bss to 0x404000
 * (file 0x2000..0x2100), a TLS template inside data and an empty GNU_STACK.
 */
static elf_spec_t good_spec(void)
{
    elf_spec_t s = {
        .ident = {0x7f, 'E', 'L', 'F', 2, 1, 1},
        .type = 2,
        .machine = 183,
        .version = 1,
        .phentsize = PHDR,
        .phnum = 4,
        .entry = 0x400010,
        .phoff = EHDR,
        .size = IMAGE_SIZE,
    };
    s.ph[0] = (ph_t){PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x800, 0x800};
    s.ph[1] = (ph_t){PT_LOAD, PF_R | PF_W, 0x2000, 0x401000, 0x100, 0x3000};
    s.ph[2] = (ph_t){PT_TLS, PF_R, 0x2000, 0x401000, 0x10, 0x20};
    s.ph[3] = (ph_t){PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0};
    return s;
}

static int parse_spec(const elf_spec_t *s, elf_image_t *img)
{
    uint8_t *buf = write_elf(s);
    elf_image_t scratch;
    int err = elf_parse(img != NULL ? img : &scratch, buf, s->size, USER_TOP);
    free(buf);
    return err;
}

/* --- good images --------------------------------------------------------------------------- */

static void good_image(void **state)
{
    (void)state;
    elf_spec_t s = good_spec();
    uint8_t *buf = write_elf(&s);
    elf_image_t img;
    elf_seg_t seg;
    assert_int_equal(elf_parse(&img, buf, s.size, USER_TOP), ELF_OK);
    assert_int_equal(img.entry, 0x400010);
    assert_int_equal(img.v_start, 0x400000);
    assert_int_equal(img.v_end, 0x404000);
    assert_int_equal(img.phnum, 4);
    assert_int_equal(img.nload, 2);
    assert_int_equal(elf_load_segment(&img, 0, &seg), ELF_OK);
    assert_int_equal(seg.vaddr, 0x400000);
    assert_int_equal(seg.offset, 0x1000);
    assert_int_equal(seg.filesz, 0x800);
    assert_int_equal(seg.flags, PF_R | PF_X);
    assert_int_equal(elf_load_segment(&img, 1, &seg), ELF_OK);
    assert_int_equal(seg.vaddr, 0x401000);
    assert_int_equal(seg.memsz, 0x3000);
    assert_int_equal(seg.flags, PF_R | PF_W);
    assert_int_equal(elf_load_segment(&img, 2, &seg), ELF_ERR_BADINDEX);
    free(buf);
}

// seL4's rule: bounds come from every header with p_memsz != 0 and are rounded to pages.
static void bounds_follow_elfloader_rule(void **state)
{
    (void)state;
    elf_spec_t s = good_spec();
    elf_image_t img;
    s.ph[0].vaddr = 0x400123;
    s.entry = 0x400200;
    s.ph[1].memsz = 0x2f01; // ends at 0x403f01
    assert_int_equal(parse_spec(&s, &img), ELF_OK);
    assert_int_equal(img.v_start, 0x400000);
    assert_int_equal(img.v_end, 0x404000);

    s = good_spec();
    s.ph[2] = (ph_t){PT_NOTE, PF_R, 0x100, 0x3ff800, 0x10, 0x10}; // below every PT_LOAD
    assert_int_equal(parse_spec(&s, &img), ELF_OK);
    assert_int_equal(img.v_start, 0x3ff000);
    assert_int_equal(img.nload, 2);

    s.ph[2].memsz = 0; // an empty header does not count
    s.ph[2].filesz = 0;
    assert_int_equal(parse_spec(&s, &img), ELF_OK);
    assert_int_equal(img.v_start, 0x400000);
}

static void empty_load_skipped(void **state)
{
    (void)state;
    elf_spec_t s = good_spec();
    elf_image_t img;
    elf_seg_t seg;
    s.ph[0] = (ph_t){PT_LOAD, PF_R, 0, 0x10000000, 0, 0};
    s.ph[2] = (ph_t){PT_LOAD, PF_R | PF_X, 0x1000, 0x400000, 0x800, 0x800};
    uint8_t *buf = write_elf(&s);
    assert_int_equal(elf_parse(&img, buf, s.size, USER_TOP), ELF_OK);
    assert_int_equal(img.nload, 2);
    assert_int_equal(img.v_end, 0x404000); // the empty segment at 0x10000000 adds nothing
    assert_int_equal(elf_load_segment(&img, 0, &seg), ELF_OK);
    assert_int_equal(seg.vaddr, 0x401000);
    assert_int_equal(elf_load_segment(&img, 1, &seg), ELF_OK);
    assert_int_equal(seg.vaddr, 0x400000);
    free(buf);
}

static void boundaries_accepted(void **state)
{
    (void)state;
    elf_spec_t s = good_spec();
    // Touching segments share no byte.
    s.ph[1].vaddr = 0x400800;
    s.ph[2].vaddr = 0x400800;
    assert_int_equal(parse_spec(&s, NULL), ELF_OK);
    // Ending exactly at user_top is the last legal byte.
    s = good_spec();
    s.ph[1].vaddr = USER_TOP - 0x3000;
    s.ph[2].vaddr = USER_TOP - 0x3000;
    assert_int_equal(parse_spec(&s, NULL), ELF_OK);
    // File bytes ending exactly at the end of the file, and 64 headers.
    s = good_spec();
    s.ph[1].filesz = IMAGE_SIZE - 0x2000;
    assert_int_equal(parse_spec(&s, NULL), ELF_OK);
    s = good_spec();
    s.phnum = ELF_MAX_PHNUM;
    for (unsigned i = 4; i < ELF_MAX_PHNUM; i++)
        s.ph[i] = (ph_t){PT_NOTE, PF_R, 0, 0, 0, 0};
    s.phoff = 0x100;
    s.ph[0].offset = 0x1000 + 0x1000; // tables up to 0x100 + 64 * 56 = 0xf00
    s.size = 0x4000;
    assert_int_equal(parse_spec(&s, NULL), ELF_OK);
}

/* --- one case per refusal ------------------------------------------------------------------ */

typedef struct {
    const char *what;
    void (*edit)(elf_spec_t *s);
    int want;
} bad_case_t;

static void run_bad(void **state)
{
    const bad_case_t *c = *state;
    elf_spec_t s = good_spec();
    c->edit(&s);
    int err = parse_spec(&s, NULL);
    if (err != c->want)
        fail_msg("%s: want %d (%s), got %d (%s)", c->what, c->want, elf_strerror(c->want), err,
                 elf_strerror(err));
}

static void e_magic(elf_spec_t *s) { s->ident[1] = 'e'; }
static void e_class32(elf_spec_t *s) { s->ident[4] = 1; }
static void e_bigendian(elf_spec_t *s) { s->ident[5] = 2; }
static void e_ident_version(elf_spec_t *s) { s->ident[6] = 0; }
static void e_version(elf_spec_t *s) { s->version = 2; }
static void e_x86(elf_spec_t *s) { s->machine = 62; }
static void e_dyn(elf_spec_t *s) { s->type = 3; }
static void e_rel(elf_spec_t *s) { s->type = 1; }
static void e_phentsize32(elf_spec_t *s) { s->phentsize = 32; }
static void e_phentsize64(elf_spec_t *s) { s->phentsize = 64; }
static void e_phnum65(elf_spec_t *s) { s->phnum = ELF_MAX_PHNUM + 1; }
static void e_phnum_xnum(elf_spec_t *s) { s->phnum = 0xffff; }
static void e_phoff_past(elf_spec_t *s) { s->phoff = IMAGE_SIZE + 8; }
static void e_phoff_tail(elf_spec_t *s) { s->phoff = IMAGE_SIZE - 3 * PHDR; }
static void e_phoff_wrap(elf_spec_t *s) { s->phoff = UINT64_MAX - 8; }
static void e_seg_offset(elf_spec_t *s) { s->ph[0].offset = IMAGE_SIZE + 1; }
static void e_seg_tail(elf_spec_t *s) { s->ph[1].filesz = IMAGE_SIZE - 0x2000 + 1; }
static void e_seg_wrap(elf_spec_t *s) { s->ph[0].offset = UINT64_MAX - 0x10; }
static void e_filesz(elf_spec_t *s) { s->ph[0].filesz = s->ph[0].memsz + 1; }
static void e_filesz_empty(elf_spec_t *s) { s->ph[3] = (ph_t){PT_LOAD, PF_R, 0, 0x900000, 8, 0}; }
static void e_vaddr_wrap(elf_spec_t *s) { s->ph[1].vaddr = UINT64_MAX - 0xfff; }
static void e_tls_wrap(elf_spec_t *s) { s->ph[2].vaddr = UINT64_MAX - 0x8; }
static void e_past_top(elf_spec_t *s) { s->ph[1].vaddr = USER_TOP - 0x2000; }
static void e_kernel_half(elf_spec_t *s) { s->ph[1].vaddr = 0xffffff8000000000ull; }
static void e_note_past_top(elf_spec_t *s) { s->ph[2].vaddr = USER_TOP; }
static void e_overlap(elf_spec_t *s) { s->ph[1].vaddr = 0x4007ff; }
static void e_contains(elf_spec_t *s) { s->ph[1].vaddr = 0x3ff000; }
static void e_phnum0(elf_spec_t *s) { s->phnum = 0; }
static void e_notes_only(elf_spec_t *s) { s->ph[0].type = PT_NOTE; s->ph[1].type = PT_NOTE; }
static void e_loads_empty(elf_spec_t *s)
{
    s->ph[0].memsz = s->ph[0].filesz = 0;
    s->ph[1].memsz = s->ph[1].filesz = 0;
}
static void e_entry_outside(elf_spec_t *s) { s->entry = 0x500000; }
static void e_entry_in_data(elf_spec_t *s) { s->entry = 0x401000; }
static void e_entry_one_past(elf_spec_t *s) { s->entry = 0x400800; }
static void e_entry_not_x(elf_spec_t *s) { s->ph[0].flags = PF_R; }

#define BAD(edit, err) {#edit, edit, err}

static const bad_case_t bad_cases[] = {
    BAD(e_magic, ELF_ERR_BADMAGIC),
    BAD(e_class32, ELF_ERR_BADCLASS),
    BAD(e_bigendian, ELF_ERR_BADENDIAN),
    BAD(e_ident_version, ELF_ERR_BADVERSION),
    BAD(e_version, ELF_ERR_BADVERSION),
    BAD(e_x86, ELF_ERR_BADMACHINE),
    BAD(e_dyn, ELF_ERR_BADTYPE),
    BAD(e_rel, ELF_ERR_BADTYPE),
    BAD(e_phentsize32, ELF_ERR_BADPHENTSIZE),
    BAD(e_phentsize64, ELF_ERR_BADPHENTSIZE),
    BAD(e_phnum65, ELF_ERR_TOOMANYPHDRS),
    BAD(e_phnum_xnum, ELF_ERR_TOOMANYPHDRS),
    BAD(e_phoff_past, ELF_ERR_PHDRSOUTSIDE),
    BAD(e_phoff_tail, ELF_ERR_PHDRSOUTSIDE),
    BAD(e_phoff_wrap, ELF_ERR_PHDRSOUTSIDE),
    BAD(e_seg_offset, ELF_ERR_SEGOUTSIDE),
    BAD(e_seg_tail, ELF_ERR_SEGOUTSIDE),
    BAD(e_seg_wrap, ELF_ERR_SEGOUTSIDE),
    BAD(e_filesz, ELF_ERR_FILESZ),
    BAD(e_filesz_empty, ELF_ERR_FILESZ),
    BAD(e_vaddr_wrap, ELF_ERR_SEGOVERFLOW),
    BAD(e_tls_wrap, ELF_ERR_SEGOVERFLOW),
    BAD(e_past_top, ELF_ERR_SEGUSERTOP),
    BAD(e_kernel_half, ELF_ERR_SEGUSERTOP),
    BAD(e_note_past_top, ELF_ERR_SEGUSERTOP),
    BAD(e_overlap, ELF_ERR_SEGOVERLAP),
    BAD(e_contains, ELF_ERR_SEGOVERLAP),
    BAD(e_phnum0, ELF_ERR_NOLOAD),
    BAD(e_notes_only, ELF_ERR_NOLOAD),
    BAD(e_loads_empty, ELF_ERR_NOLOAD),
    BAD(e_entry_outside, ELF_ERR_BADENTRY),
    BAD(e_entry_in_data, ELF_ERR_BADENTRY),
    BAD(e_entry_one_past, ELF_ERR_BADENTRY),
    BAD(e_entry_not_x, ELF_ERR_BADENTRY),
};

static void truncated_header(void **state)
{
    (void)state;
    elf_spec_t s = good_spec();
    uint8_t *full = write_elf(&s);
    elf_image_t img;
    for (size_t len = 0; len < EHDR; len++) {
        uint8_t *cut = test_dup_exact(full, len);
        assert_int_equal(elf_parse(&img, cut, len, USER_TOP), ELF_ERR_TRUNCATED);
        free(cut);
    }
    assert_int_equal(elf_parse(&img, NULL, 0, USER_TOP), ELF_ERR_TRUNCATED);
    // Past the header, every shorter length cuts off headers or segment bytes.
    for (size_t len = EHDR; len < LAST_FILE_BYTE; len += 7) {
        uint8_t *cut = test_dup_exact(full, len);
        int err = elf_parse(&img, cut, len, USER_TOP);
        assert_true(err == ELF_ERR_PHDRSOUTSIDE || err == ELF_ERR_SEGOUTSIDE);
        free(cut);
    }
    free(full);
}

static void refusal_leaves_image_empty(void **state)
{
    (void)state;
    elf_spec_t s = good_spec();
    s.entry = 0;
    uint8_t *buf = write_elf(&s);
    elf_image_t img;
    memset(&img, 0xa5, sizeof(img));
    assert_int_equal(elf_parse(&img, buf, s.size, USER_TOP), ELF_ERR_BADENTRY);
    assert_int_equal(img.nload, 0); // a caller that ignores the error iterates nothing
    elf_seg_t seg;
    assert_int_equal(elf_load_segment(&img, 0, &seg), ELF_ERR_BADINDEX);
    free(buf);
}

static void error_messages(void **state)
{
    (void)state;
    test_distinct_messages(elf_strerror, ELF_ERR_BADINDEX, ELF_OK);
}

/* --- random corruption and a real image ---------------------------------------------------- */

// Everything elf_parse() promised must hold for the image it accepted.
static void check_accepted(const elf_image_t *img)
{
    bool entry_seen = false;
    assert_true(img->nload >= 1 && img->v_start < img->v_end && img->v_end <= USER_TOP);
    assert_int_equal(img->v_start % ELF_PAGE_SIZE, 0);
    assert_int_equal(img->v_end % ELF_PAGE_SIZE, 0);
    for (unsigned i = 0; i < img->nload; i++) {
        elf_seg_t a, b;
        assert_int_equal(elf_load_segment(img, i, &a), ELF_OK);
        assert_true(a.filesz <= a.memsz && a.memsz > 0);
        assert_true(a.offset <= img->size && a.filesz <= img->size - a.offset);
        assert_true(a.vaddr >= img->v_start && a.vaddr + a.memsz <= img->v_end);
        if ((a.flags & PF_X) && img->entry >= a.vaddr && img->entry < a.vaddr + a.memsz)
            entry_seen = true;
        for (unsigned j = i + 1; j < img->nload; j++) {
            assert_int_equal(elf_load_segment(img, j, &b), ELF_OK);
            assert_true(a.vaddr + a.memsz <= b.vaddr || b.vaddr + b.memsz <= a.vaddr);
        }
        // Touch the bytes the kernel would copy: ASan proves they are inside the buffer.
        volatile uint8_t sum = 0;
        for (uint64_t k = 0; k < a.filesz; k += 61)
            sum ^= img->data[a.offset + k];
        (void)sum;
    }
    assert_true(entry_seen);
}

static void random_corruption(void **state)
{
    (void)state;
    elf_spec_t s = good_spec();
    uint8_t *orig = write_elf(&s);
    uint32_t seed = 0xc0ffee;
    unsigned accepted = 0;
    for (unsigned i = 0; i < 20000; i++) {
        uint8_t *buf = test_dup_exact(orig, s.size);
        unsigned flips = 1 + test_rand(&seed) % 4;
        for (unsigned k = 0; k < flips; k++) {
            // Aim at the headers: the segment bytes behind them carry no meaning.
            size_t at = test_rand(&seed) % (EHDR + 4 * PHDR);
            buf[at] = (uint8_t)test_rand(&seed);
        }
        elf_image_t img;
        if (elf_parse(&img, buf, s.size, USER_TOP) == ELF_OK) {
            accepted++;
            check_accepted(&img);
        }
        free(buf);
    }
    free(orig);
    assert_true(accepted > 1000);
}

static void real_roottask(void **state)
{
    (void)state;
    const char *path = getenv("KEEL_ROOTTASK_ELF");
    if (path == NULL || path[0] == '\0')
        skip();
    size_t len;
    uint8_t *data = test_load_file(path, &len);
    if (data == NULL)
        fail_msg("KEEL_ROOTTASK_ELF=%s cannot be read", path);
    elf_image_t img;
    int err = elf_parse(&img, data, len, USER_TOP);
    if (err != ELF_OK)
        fail_msg("%s: %s", path, elf_strerror(err));
    check_accepted(&img);
    free(data);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(good_image),
        cmocka_unit_test(bounds_follow_elfloader_rule),
        cmocka_unit_test(empty_load_skipped),
        cmocka_unit_test(boundaries_accepted),
        cmocka_unit_test(truncated_header),
        cmocka_unit_test(refusal_leaves_image_empty),
        cmocka_unit_test(error_messages),
        cmocka_unit_test(random_corruption),
    };
    struct CMUnitTest tests[COUNT(fixed) + COUNT(bad_cases)];
    memcpy(tests, fixed, sizeof(fixed));
    for (size_t i = 0; i < COUNT(bad_cases); i++)
        tests[COUNT(fixed) + i] = (struct CMUnitTest){
            .name = bad_cases[i].what,
            .test_func = run_bad,
            .initial_state = (void *)&bad_cases[i],
        };
    int failed = cmocka_run_group_tests_name("elf", tests, NULL, NULL);
    const struct CMUnitTest real[] = {cmocka_unit_test(real_roottask)};
    return failed + cmocka_run_group_tests_name("elf_roottask", real, NULL, NULL);
}
