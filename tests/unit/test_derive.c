// SPDX-License-Identifier: BSD-2-Clause
// Derivation rules: rights masking (§13.8), badge and guard data (§8.6, §4.3), cap_derive results.

#include <keel/cdt.h>
#include <keel/derive.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kobj.h"

#define EP_PA 0x12340UL
#define FR_PA 0x200000UL

static void assert_cap_equal(cap_t a, cap_t b)
{
    if (a.w0 != b.w0 || a.w1 != b.w1) {
        fail_msg("cap {%#lx, %#lx} != {%#lx, %#lx}", (unsigned long)a.w0, (unsigned long)a.w1,
                 (unsigned long)b.w0, (unsigned long)b.w1);
    }
}

/* Every rights word the caller can give: the 16 meaningful ones, plus garbage above bit 3. */
static uint64_t rights_word(unsigned r, unsigned variant)
{
    return variant == 0 ? r : (0xfffffffffffffff0UL << (variant - 1)) | r;
}

static void test_mask_endpoint(void **state)
{
    (void)state;
    for (unsigned old = 0; old < 16; old++) {
        for (unsigned r = 0; r < 16; r++) {
            for (unsigned v = 0; v < 3; v++) {
                cap_t c = cap_endpoint(EP_PA, 0x77, old);
                cap_t m = cap_mask_rights(c, rights_word(r, v));
                assert_int_equal(cap_type(m), CAP_ENDPOINT);
                assert_int_equal(cap_rights(m), old & r);
                assert_int_equal(cap_badge(m), 0x77);
                assert_int_equal(cap_paddr(m), EP_PA);
                /* Only the rights field changed. */
                assert_int_equal(m.w0 & ~(15UL << 52), c.w0 & ~(15UL << 52));
            }
        }
    }
}

static void test_mask_notification(void **state)
{
    (void)state;
    for (unsigned old = 0; old < 16; old++) {
        cap_t c = cap_notification(EP_PA, 5, old);
        assert_int_equal(cap_rights(c), old & (RIGHT_READ | RIGHT_WRITE)); /* no grant bits */
        for (unsigned r = 0; r < 16; r++) {
            cap_t m = cap_mask_rights(c, rights_word(r, 1));
            assert_int_equal(cap_type(m), CAP_NOTIFICATION);
            assert_int_equal(cap_rights(m) & RIGHT_WRITE, old & r & RIGHT_WRITE);
            assert_int_equal(cap_rights(m) & RIGHT_READ, old & r & RIGHT_READ);
            assert_int_equal(cap_rights(m) & (RIGHT_GRANT | RIGHT_GRANT_REPLY), 0);
            assert_int_equal(cap_badge(m), 5);
        }
    }
}

/* §13.8: RW & (R,W) -> RW; RW & R -> RO; RO & R -> RO; without R -> kernel only. */
static unsigned frame_table(unsigned vm, unsigned r)
{
    bool read = (r & RIGHT_READ) != 0, write = (r & RIGHT_WRITE) != 0;
    if (!read || vm == VM_KERNEL_ONLY) {
        return VM_KERNEL_ONLY;
    }
    return vm == VM_READ_WRITE && write ? VM_READ_WRITE : VM_READ_ONLY;
}

static void test_mask_frame(void **state)
{
    (void)state;
    unsigned vms[] = { VM_KERNEL_ONLY, VM_READ_ONLY, VM_READ_WRITE };
    for (unsigned i = 0; i < 3; i++) {
        for (unsigned size = FRAME_4K; size <= FRAME_1G; size++) {
            for (unsigned r = 0; r < 16; r++) {
                cap_t c = cap_set_mapping(cap_frame(FR_PA, size, size == 1, vms[i]), 3, 0x400000);
                cap_t m = cap_mask_rights(c, rights_word(r, 2));
                assert_int_equal(cap_frame_vm_rights(m), frame_table(vms[i], r));
                /* Rights never grow: kernel-only < read-only < read-write. */
                assert_true(cap_frame_vm_rights(m) <= vms[i]);
                assert_int_equal(cap_frame_size(m), size);
                assert_int_equal(cap_frame_is_device(m), size == 1);
                assert_int_equal(cap_paddr(m), FR_PA);
                assert_int_equal(cap_mapped_asid(m), 3);
                assert_int_equal(cap_mapped_vaddr(m), 0x400000);
            }
        }
    }
}

static void test_mask_reply_and_others(void **state)
{
    (void)state;
    for (unsigned r = 0; r < 16; r++) {
        for (int master = 0; master < 2; master++) {
            for (int grant = 0; grant < 2; grant++) {
                cap_t c = cap_reply(0x80000, master, grant);
                cap_t m = cap_mask_rights(c, r);
                assert_int_equal(cap_type(m), CAP_REPLY);
                assert_int_equal(cap_reply_can_grant(m), grant && (r & RIGHT_GRANT));
                assert_int_equal(cap_reply_is_master(m), master);
                assert_int_equal(cap_paddr(m), 0x80000);
            }
        }
        /* Types without rights come back unchanged. */
        cap_t others[] = {
            cap_cnode(0x10000, 8, 56, 0x12), cap_untyped(0x100000, 20, false, 0x40),
            cap_make(CAP_TCB, 0x800, 0), cap_irq_handler(33), cap_make(CAP_IRQ_CONTROL, 0, 0),
            cap_make(CAP_ASID_CONTROL, 0, 0), cap_make(CAP_DOMAIN, 0, 0),
            cap_pt_set_mapped(cap_make(CAP_PAGE_TABLE, 0x3000, 0), true),
        };
        for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
            assert_cap_equal(cap_mask_rights(others[i], r), others[i]);
        }
    }
}

static void test_update_data_badges(void **state)
{
    (void)state;
    uint64_t datas[] = { 0, 1, 0x42, 0x8000000000000000UL, ~0UL };
    for (int t = 0; t < 2; t++) {
        for (size_t i = 0; i < sizeof(datas) / sizeof(datas[0]); i++) {
            uint64_t d = datas[i];
            cap_t unbadged = t ? cap_notification(EP_PA, 0, RIGHTS_ALL)
                               : cap_endpoint(EP_PA, 0, RIGHTS_ALL);
            cap_t badged = cap_set_badge(unbadged, 9);
            /* Mint (no preserve) on an unbadged cap sets the whole 64-bit badge. */
            cap_t m = cap_update_data(unbadged, d, false);
            assert_int_equal(cap_type(m), cap_type(unbadged));
            assert_int_equal(cap_badge(m), d);
            assert_int_equal(cap_rights(m), cap_rights(unbadged));
            assert_int_equal(cap_paddr(m), EP_PA);
            /* A badged cap cannot be rebadged; Mutate (preserve) never badges. */
            assert_true(cap_is_null(cap_update_data(badged, d, false)));
            assert_true(cap_is_null(cap_update_data(badged, d, true)));
            assert_true(cap_is_null(cap_update_data(unbadged, d, true)));
        }
    }
}

static void test_update_data_guards(void **state)
{
    (void)state;
    for (unsigned radix = 1; radix <= 20; radix++) {
        for (unsigned gs = 0; gs < 64; gs++) {
            for (int preserve = 0; preserve < 2; preserve++) {
                uint64_t guard = 0x0123456789abcdefUL; /* 58-bit field, more bits than fit */
                uint64_t data = (guard << 6) | gs;
                cap_t c = cap_cnode(0x40000, radix, 3, 5);
                cap_t u = cap_update_data(c, data, preserve);
                if (gs + radix > 64) {
                    assert_true(cap_is_null(u));
                    continue;
                }
                uint64_t want = gs == 0 ? 0 : ((guard << 6) >> 6) & (~0UL >> (64 - gs));
                assert_int_equal(cap_type(u), CAP_CNODE);
                assert_int_equal(cap_cnode_radix(u), radix);
                assert_int_equal(cap_cnode_guard_size(u), gs);
                assert_int_equal(cap_cnode_guard(u), want);
                assert_int_equal(cap_paddr(u), 0x40000);
            }
        }
    }
    /* The worked case of §4.3: guard 0 size 52 on the root task's radix-12 CNode. */
    cap_t root = cap_update_data(cap_cnode(0x40000, 12, 0, 0), 52, false);
    assert_int_equal(cap_cnode_guard_size(root), 52);
    assert_int_equal(cap_cnode_guard(root), 0);
    /* Radix 13 with guard size 52 is 65 bits. */
    assert_true(cap_is_null(cap_update_data(cap_cnode(0x40000, 13, 0, 0), 52, false)));
    /* Other types ignore the data. */
    cap_t fr = cap_frame(FR_PA, FRAME_4K, false, VM_READ_WRITE);
    assert_cap_equal(cap_update_data(fr, ~0UL, false), fr);
    cap_t ut = cap_untyped(0x100000, 20, false, 0x40);
    assert_cap_equal(cap_update_data(ut, 0x1234, true), ut);
}

static void test_derive(void **state)
{
    (void)state;
    kobj_reset();
    cte_t *slots = kobj_cnode(4);
    cap_t out;
    /* Untyped: copied while it has no children, RevokeFirst once it has one. */
    slots[0].cap = cap_untyped(0x100000, 16, false, 0x100);
    slots[0].prev = slots[0].next = 1;
    assert_int_equal(cap_derive(&slots[0], slots[0].cap, &out).code, ERR_NONE);
    assert_cap_equal(out, slots[0].cap);
    cdt_insert_new(&slots[0], &slots[1], cap_endpoint(0x100000, 0, RIGHTS_ALL));
    out = cap_null();
    assert_int_equal(cap_derive(&slots[0], slots[0].cap, &out).code, ERR_REVOKE_FIRST);
    assert_true(cap_is_null(out));
    /* The child is a different kind of cap and derives normally. */
    assert_int_equal(cap_derive(&slots[1], slots[1].cap, &out).code, ERR_NONE);
    assert_cap_equal(out, slots[1].cap);

    /* IRQControl, reply and zombie caps derive to the null cap. */
    cap_t nulls[] = { cap_make(CAP_IRQ_CONTROL, 0, 0), cap_reply(0x80000, true, true),
                      cap_reply(0x80000, false, false), cap_zombie(0x40000, 4, 16) };
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++) {
        out = cap_endpoint(1, 1, 1);
        assert_int_equal(cap_derive(&slots[2], nulls[i], &out).code, ERR_NONE);
        assert_true(cap_is_null(out));
    }

    /* Page tables and VSpaces: only when mapped (with an ASID). */
    cap_t pt = cap_set_mapping(cap_make(CAP_PAGE_TABLE, 0x3000, 0), 0, 0);
    assert_int_equal(cap_derive(&slots[2], pt, &out).code, ERR_ILLEGAL_OPERATION);
    cap_t vs = cap_make(CAP_VSPACE, 0x5000, 0);
    assert_int_equal(cap_derive(&slots[2], vs, &out).code, ERR_ILLEGAL_OPERATION);
    pt = cap_set_mapping(cap_pt_set_mapped(pt, true), 7, 0x40000000);
    assert_int_equal(cap_derive(&slots[2], pt, &out).code, ERR_NONE);
    assert_cap_equal(out, pt);
    vs = cap_pt_set_mapped(cap_make(CAP_VSPACE, 0x5000, 9), true);
    assert_int_equal(cap_derive(&slots[2], vs, &out).code, ERR_NONE);
    assert_cap_equal(out, vs);

    /* Frames: always, and the copy is unmapped even if the source is mapped. */
    cap_t fr = cap_set_mapping(cap_frame(FR_PA, FRAME_2M, true, VM_READ_ONLY), 12, 0x7f0000200000);
    assert_int_equal(cap_derive(&slots[2], fr, &out).code, ERR_NONE);
    assert_int_equal(cap_type(out), CAP_FRAME);
    assert_int_equal(cap_mapped_asid(out), 0);
    assert_int_equal(cap_mapped_vaddr(out), 0);
    assert_int_equal(out.w0, fr.w0); /* address, size, device, rights kept */

    /* Everything else: an unchanged copy. */
    cap_t same[] = {
        cap_endpoint(EP_PA, 3, RIGHT_READ), cap_notification(EP_PA + 0x20, 0, RIGHTS_ALL),
        cap_cnode(0x40000, 6, 58, 1), cap_make(CAP_TCB, 0x800, 0), cap_irq_handler(40),
        cap_make(CAP_ASID_CONTROL, 0, 0), cap_make(CAP_ASID_POOL, 0x6000, 0x200),
        cap_make(CAP_DOMAIN, 0, 0),
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        out = cap_null();
        assert_int_equal(cap_derive(&slots[2], same[i], &out).code, ERR_NONE);
        assert_cap_equal(out, same[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mask_endpoint),
        cmocka_unit_test(test_mask_notification),
        cmocka_unit_test(test_mask_frame),
        cmocka_unit_test(test_mask_reply_and_others),
        cmocka_unit_test(test_update_data_badges),
        cmocka_unit_test(test_update_data_guards),
        cmocka_unit_test(test_derive),
    };
    return cmocka_run_group_tests_name("derive", tests, NULL, NULL);
}
