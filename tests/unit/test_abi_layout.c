// SPDX-License-Identifier: BSD-2-Clause
// Bit layouts and sizes against the ABI sheet: msginfo, BootInfo, objects, caps, codes.

#include <keel/bootinfo.h>
#include <keel/cap.h>
#include <keel/errors.h>
#include <keel/lookup.h>
#include <keel/msginfo.h>
#include <keel/object.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* Appendix A: (label, capsUnwrapped, extraCaps, length) -> the word the sheet gives. */
static const struct {
    uint64_t word, label;
    unsigned unwrapped, extra, length;
} worked[] = {
    { 0x1086, 1, 0, 1, 6 },   /* 1: Untyped_Retype */
    { 0x14086, 20, 0, 1, 6 }, /* 2: CNode_Mint */
    { 0x8000, 8, 0, 0, 0 },   /* 2: DeleteFirst reply */
    { 0x3026, 3, 0, 0, 38 },  /* 3: TCB_WriteRegisters */
    { 0x2002, 2, 0, 0, 2 },   /* 4: TCB_ReadRegisters */
    { 0x3, 0, 0, 0, 3 },      /* 4: its reply */
    { 0x6003, 6, 0, 0, 3 },   /* 5: FailedLookup */
    { 0xA001, 10, 0, 0, 1 },  /* 6: NotEnoughMemory */
    { 0x1007, 1, 0, 0, 7 },   /* 7: CapFault */
};

static void test_msginfo_appendix_a(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(worked) / sizeof(worked[0]); i++) {
        msginfo_t m = msginfo_decode(worked[i].word);
        assert_int_equal(m.label, worked[i].label);
        assert_int_equal(m.caps_unwrapped, worked[i].unwrapped);
        assert_int_equal(m.extra_caps, worked[i].extra);
        assert_int_equal(m.length, worked[i].length);
        msginfo_t e = { worked[i].label, worked[i].unwrapped, worked[i].extra, worked[i].length };
        assert_int_equal(msginfo_encode(e), worked[i].word);
    }
}

static void test_msginfo_fields(void **state)
{
    (void)state;
    /* §4.1: label [63:12], capsUnwrapped [11:9], extraCaps [8:7], length [6:0]. */
    msginfo_t m = msginfo_decode(~0UL);
    assert_int_equal(m.label, (1UL << 52) - 1);
    assert_int_equal(m.caps_unwrapped, 7);
    assert_int_equal(m.extra_caps, 3);
    assert_int_equal(m.length, MSG_MAX_LENGTH);
    m = msginfo_decode(7UL << 9);
    assert_int_equal(m.caps_unwrapped, 7);
    assert_int_equal(m.extra_caps | m.length | m.label, 0);
    m = msginfo_decode(3UL << 7);
    assert_int_equal(m.extra_caps, 3);
    assert_int_equal(m.caps_unwrapped | m.length | m.label, 0);
    m = msginfo_decode(1UL << 12);
    assert_int_equal(m.label, 1);
    assert_int_equal(m.caps_unwrapped | m.extra_caps | m.length, 0);
    /* Each field is masked to its width when encoded. */
    msginfo_t wide = { 1UL << 52 | 5, 8 | 2, 4 | 1, 128 | 9 };
    assert_int_equal(msginfo_encode(wide), (5UL << 12) | (2UL << 9) | (1UL << 7) | 9);
    /* Round trip for every length, extraCaps and capsUnwrapped. */
    for (unsigned len = 0; len <= MSG_MAX_LENGTH; len++) {
        for (unsigned ec = 0; ec < 4; ec++) {
            for (unsigned cu = 0; cu < 8; cu++) {
                msginfo_t in = { 0xabcdef0123456UL, cu, ec, len };
                msginfo_t out = msginfo_decode(msginfo_encode(in));
                assert_int_equal(out.label, in.label);
                assert_int_equal(out.caps_unwrapped, cu);
                assert_int_equal(out.extra_caps, ec);
                assert_int_equal(out.length, len);
            }
        }
    }
}

static void test_msginfo_length_clamp(void **state)
{
    (void)state;
    assert_int_equal(MSG_MAX_LENGTH, 120);
    assert_int_equal(MSG_MAX_EXTRA_CAPS, 3);
    assert_int_equal(MSG_FAST_REGS, 4);
    for (unsigned len = 0; len < 128; len++) {
        msginfo_t m = msginfo_decode((0x77UL << 12) | len);
        assert_int_equal(m.length, len > 120 ? 120 : len);
        assert_int_equal(m.label, 0x77);
    }
}

static void test_bootinfo_layout(void **state)
{
    (void)state;
    /* §12.5, word by word. */
    assert_int_equal(offsetof(bootinfo_t, extra_len), 0);
    assert_int_equal(offsetof(bootinfo_t, node_id), 8);
    assert_int_equal(offsetof(bootinfo_t, num_nodes), 16);
    assert_int_equal(offsetof(bootinfo_t, num_io_pt_levels), 24);
    assert_int_equal(offsetof(bootinfo_t, ipc_buffer), 32);
    assert_int_equal(offsetof(bootinfo_t, empty), 40);
    assert_int_equal(offsetof(bootinfo_t, shared_frames), 56);
    assert_int_equal(offsetof(bootinfo_t, user_image_frames), 72);
    assert_int_equal(offsetof(bootinfo_t, user_image_paging), 88);
    assert_int_equal(offsetof(bootinfo_t, io_space_caps), 104);
    assert_int_equal(offsetof(bootinfo_t, extra_bi_pages), 120);
    assert_int_equal(offsetof(bootinfo_t, init_thread_cnode_size_bits), 136);
    assert_int_equal(offsetof(bootinfo_t, init_thread_domain), 144);
    assert_int_equal(offsetof(bootinfo_t, untyped), 152);
    assert_int_equal(offsetof(bootinfo_t, untyped_list), 168);
    assert_int_equal(offsetof(bootinfo_t, untyped_list[229]), 168 + 16 * 229);
    assert_int_equal(sizeof(bootinfo_t), 481 * 8);
    assert_true(sizeof(bootinfo_t) <= 4096);
    assert_int_equal(BI_MAX_UNTYPEDS, 230);
    assert_int_equal(sizeof(bi_slot_region_t), 16);
    assert_int_equal(offsetof(bi_slot_region_t, end), 8);
    assert_int_equal(sizeof(bi_untyped_desc_t), 16);
    assert_int_equal(offsetof(bi_untyped_desc_t, paddr), 0);
    assert_int_equal(offsetof(bi_untyped_desc_t, size_bits), 8);
    assert_int_equal(offsetof(bi_untyped_desc_t, is_device), 9);
    assert_int_equal(offsetof(bi_untyped_desc_t, padding), 10);
    assert_int_equal(sizeof(bi_header_t), 16);
    assert_int_equal(BI_HEADER_FDT, 6);
}

static void test_object_sizes(void **state)
{
    (void)state;
    /* §4.5 constants, and the structures that must fit them. */
    assert_int_equal(SLOT_BITS, 5);
    assert_int_equal(sizeof(cte_t), 32);
    assert_int_equal(ENDPOINT_BITS, 4);
    assert_int_equal(sizeof(endpoint_t), 16);
    assert_int_equal(NOTIFICATION_BITS, 5);
    assert_int_equal(sizeof(notification_t), 32);
    assert_int_equal(TCB_BITS, 11);
    assert_true(sizeof(tcb_t) <= 2048);
    assert_int_equal(PAGE_TABLE_BITS, 12);
    assert_int_equal(VSPACE_BITS, 12);
    assert_int_equal(ASID_POOL_BITS, 12);
    assert_int_equal(MIN_UNTYPED_BITS, 4);
    assert_int_equal(MAX_UNTYPED_BITS, 47);
    assert_int_equal(sizeof(cap_t), 16);
    /* The CDT keeps flags in the low bits of slot addresses: slots must be 32-byte aligned. */
    assert_int_equal(offsetof(cte_t, prev), 16);
    assert_int_equal(offsetof(cte_t, next), 24);
    /* §7.1 object types. */
    assert_int_equal(OBJ_UNTYPED, 0);
    assert_int_equal(OBJ_TCB, 1);
    assert_int_equal(OBJ_ENDPOINT, 2);
    assert_int_equal(OBJ_NOTIFICATION, 3);
    assert_int_equal(OBJ_CNODE, 4);
    assert_int_equal(OBJ_HUGE_PAGE, 5);
    assert_int_equal(OBJ_VSPACE, 6);
    assert_int_equal(OBJ_SMALL_PAGE, 7);
    assert_int_equal(OBJ_LARGE_PAGE, 8);
    assert_int_equal(OBJ_PAGE_TABLE, 9);
    assert_int_equal(OBJ_TYPE_COUNT, 10);
}

static void test_codes(void **state)
{
    (void)state;
    /* §13.12 cap type tags. */
    const struct { cap_type_t t; unsigned tag; } tags[] = {
        { CAP_NULL, 0 },         { CAP_FRAME, 1 },        { CAP_UNTYPED, 2 },
        { CAP_PAGE_TABLE, 3 },   { CAP_ENDPOINT, 4 },     { CAP_NOTIFICATION, 6 },
        { CAP_REPLY, 8 },        { CAP_VSPACE, 9 },       { CAP_CNODE, 10 },
        { CAP_ASID_CONTROL, 11 }, { CAP_TCB, 12 },        { CAP_ASID_POOL, 13 },
        { CAP_IRQ_CONTROL, 14 }, { CAP_IRQ_HANDLER, 16 }, { CAP_ZOMBIE, 18 },
        { CAP_DOMAIN, 20 },
    };
    for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
        assert_int_equal(tags[i].t, tags[i].tag);
        assert_int_equal(cap_type(cap_make(tags[i].t, 0x1000, 0)), tags[i].tag);
    }
    /* §4.2 rights bits. */
    assert_int_equal(RIGHT_WRITE, 1);
    assert_int_equal(RIGHT_READ, 2);
    assert_int_equal(RIGHT_GRANT, 4);
    assert_int_equal(RIGHT_GRANT_REPLY, 8);
    assert_int_equal(RIGHTS_ALL, 15);
    /* §6.1 errors and §11.1 lookup failures. */
    assert_int_equal(ERR_NONE, 0);
    assert_int_equal(ERR_INVALID_ARGUMENT, 1);
    assert_int_equal(ERR_INVALID_CAPABILITY, 2);
    assert_int_equal(ERR_ILLEGAL_OPERATION, 3);
    assert_int_equal(ERR_RANGE, 4);
    assert_int_equal(ERR_ALIGNMENT, 5);
    assert_int_equal(ERR_FAILED_LOOKUP, 6);
    assert_int_equal(ERR_TRUNCATED_MESSAGE, 7);
    assert_int_equal(ERR_DELETE_FIRST, 8);
    assert_int_equal(ERR_REVOKE_FIRST, 9);
    assert_int_equal(ERR_NOT_ENOUGH_MEMORY, 10);
    assert_int_equal(LF_NONE, 0);
    assert_int_equal(LF_INVALID_ROOT, 1);
    assert_int_equal(LF_MISSING_CAPABILITY, 2);
    assert_int_equal(LF_DEPTH_MISMATCH, 3);
    assert_int_equal(LF_GUARD_MISMATCH, 4);
}

/* The cap word layout of cap.h: each field where the table says, and nothing else touched. */
static void test_cap_layout(void **state)
{
    (void)state;
    uint64_t pa = 0x00007ffffffff000UL; /* 47 bits */
    cap_t c = cap_cnode(pa, 63, 63, ~0UL);
    assert_int_equal(c.w0 >> 59, CAP_CNODE);
    assert_int_equal(c.w0 & CAP_PADDR_MASK, pa);
    assert_int_equal((c.w0 >> 47) & 63, 63);      /* radix [52:47] */
    assert_int_equal((c.w0 >> 53) & 63, 63);      /* guard size [58:53] */
    assert_int_equal(c.w1, ~0UL);                 /* guard */
    c = cap_cnode(0x1000, 12, 52, 0);
    assert_int_equal(cap_cnode_radix(c), 12);
    assert_int_equal(cap_cnode_guard_size(c), 52);
    assert_int_equal(c.w0, (10UL << 59) | (52UL << 53) | (12UL << 47) | 0x1000);
    /* An address wider than 47 bits does not spill into the type-specific bits. */
    c = cap_endpoint(~0UL, 0x1234, RIGHT_READ);
    assert_int_equal(cap_type(c), CAP_ENDPOINT);
    assert_int_equal(cap_rights(c), RIGHT_READ);
    assert_int_equal(cap_paddr(c), CAP_PADDR_MASK);
    assert_int_equal((c.w0 >> 47) & 0x1f, 0);     /* bits [51:47] unused, still 0 */
    assert_int_equal(cap_badge(c), 0x1234);
    /* Untyped: dev[58] size_bits[57:52], watermark in 16-byte units in w1. */
    c = cap_untyped(0x40000000, 47, true, 0x12340);
    assert_int_equal((c.w0 >> 52) & 63, 47);
    assert_int_equal((c.w0 >> 58) & 1, 1);
    assert_int_equal(c.w1, 0x1234);
    assert_int_equal(cap_untyped_free_bytes_used(c), 0x12340);
    assert_true(cap_untyped_is_device(c));
    assert_int_equal(cap_untyped_size_bits(c), 47);
    /* Frame: dev[58] size[57:56] vm_rights[55:52]; mapping asid[63:48] vaddr[47:0] in w1. */
    c = cap_set_mapping(cap_frame(0x200000, FRAME_2M, true, VM_READ_ONLY), 0xbeef, ~0UL);
    assert_int_equal((c.w0 >> 56) & 3, FRAME_2M);
    assert_int_equal((c.w0 >> 52) & 15, VM_READ_ONLY);
    assert_int_equal((c.w0 >> 58) & 1, 1);
    assert_int_equal(cap_frame_size_bits(c), 21);
    assert_int_equal(cap_mapped_asid(c), 0xbeef);
    assert_int_equal(cap_mapped_vaddr(c), CAP_VADDR_MASK);
    assert_int_equal(c.w1, 0xbeefffffffffffffUL);
    assert_int_equal(cap_frame_size_bits(cap_frame(0, FRAME_4K, false, 1)), 12);
    assert_int_equal(cap_frame_size_bits(cap_frame(0, FRAME_1G, false, 1)), 30);
    /* Reply: grant[52] master[51]. */
    c = cap_reply(0x800, true, false);
    assert_int_equal((c.w0 >> 51) & 3, 1);
    c = cap_reply(0x800, false, true);
    assert_int_equal((c.w0 >> 51) & 3, 2);
    /* cap_field / cap_with_field at the edges of a word. */
    assert_int_equal(cap_field(0x8000000000000000UL, 63, 1), 1);
    assert_int_equal(cap_field(~0UL, 0, 63), ~0UL >> 1);
    assert_int_equal(cap_with_field(0, 59, 5, 0xff), 0x1fUL << 59);
    assert_int_equal(cap_with_field(~0UL, 4, 4, 0), ~0xf0UL);
    /* Object sizes the CDT's region checks rely on. */
    assert_int_equal(cap_object_size_bits(cap_cnode(0, 12, 0, 0)), 12 + 5);
    assert_int_equal(cap_object_size_bits(cap_endpoint(0, 0, 0)), 4);
    assert_int_equal(cap_object_size_bits(cap_notification(0, 0, 0)), 5);
    assert_int_equal(cap_object_size_bits(cap_make(CAP_TCB, 0, 0)), 11);
    assert_int_equal(cap_object_size_bits(cap_zombie(0, ZOMBIE_TCB_RADIX, 0)), 11);
    assert_int_equal(cap_object_size_bits(cap_zombie(0, 4, 0)), 4 + 5);
    assert_int_equal(cap_object_size_bits(cap_irq_handler(3)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_msginfo_appendix_a),
        cmocka_unit_test(test_msginfo_fields),
        cmocka_unit_test(test_msginfo_length_clamp),
        cmocka_unit_test(test_bootinfo_layout),
        cmocka_unit_test(test_object_sizes),
        cmocka_unit_test(test_codes),
        cmocka_unit_test(test_cap_layout),
    };
    return cmocka_run_group_tests_name("abi_layout", tests, NULL, NULL);
}
