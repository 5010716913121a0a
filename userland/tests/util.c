// SPDX-License-Identifier: BSD-2-Clause
// captest helpers: failure reporting, reply checks, slot allocator, object creation.

#include "captest.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct captest_env env;
int captest_failed;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void test_fail(const char *file, int line, const char *fmt, ...)
{
    captest_failed = 1;
    printf("  %s:%d: ", base_name(file), line);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

// "FailedLookup(len 3: 0x0 0x2 0x40)": the error with the MRs the reply carried.
static void describe_reply(char *out, size_t size, seL4_Word err)
{
    seL4_Word len = keel_reply_length();
    int n = snprintf(out, size, "%s(%lu) len %lu", keel_error_name(err), err, len);
    if (err != seL4_NoError) {
        for (seL4_Word i = 0; i < len && i < 6 && n > 0 && (size_t)n < size; i++) {
            n += snprintf(out + n, size - (size_t)n, "%s0x%lx", i ? " " : ": ",
                          keel_mr((unsigned)i));
        }
    }
}

int check_ok(const char *file, int line, const char *what, seL4_Word err)
{
    if (err == seL4_NoError) {
        return 1;
    }
    char got[160];
    describe_reply(got, sizeof(got), err);
    test_fail(file, line, "%s: got %s, expected success", what, got);
    return 0;
}

int check_err(const char *file, int line, const char *what, seL4_Word err, seL4_Word want,
              const seL4_Word *mrs, unsigned nmrs)
{
    int ok = err == want && keel_reply_length() == nmrs;
    for (unsigned i = 0; ok && i < nmrs; i++) {
        ok = keel_mr(i) == mrs[i];
    }
    if (ok) {
        return 1;
    }
    char got[160], exp[160];
    describe_reply(got, sizeof(got), err);
    int n = snprintf(exp, sizeof(exp), "%s(%lu) len %u", keel_error_name(want), want, nmrs);
    for (unsigned i = 0; i < nmrs && n > 0 && (size_t)n < sizeof(exp); i++) {
        n += snprintf(exp + n, sizeof(exp) - (size_t)n, "%s0x%lx", i ? " " : ": ", mrs[i]);
    }
    test_fail(file, line, "%s: got %s, expected %s", what, got, exp);
    return 0;
}

int check_tag(const char *file, int line, seL4_CPtr slot, seL4_Word want)
{
    seL4_Word got = tag_of(slot);
    if (got == want) {
        return 1;
    }
    test_fail(file, line, "DebugCapIdentify(%lu) = %lu, expected %lu", slot, got, want);
    return 0;
}

seL4_CPtr slot_alloc_range(unsigned n)
{
    seL4_CPtr first = keel_slot_alloc_range(n);
    if (!first) {
        test_fail(__FILE__, __LINE__, "out of root CNode slots");
    }
    return first;
}

seL4_CPtr slot_alloc(void)
{
    return slot_alloc_range(1);
}

seL4_Error root_retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits, seL4_CPtr dst,
                       seL4_Word n)
{
    return keel_untyped_retype(ut, type, size_bits, ROOT, 0, 0, dst, n);
}

seL4_CPtr new_object(const char *file, int line, seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot = slot_alloc();
    if (!slot) {
        return 0;
    }
    seL4_Error err = root_retype(env.arena, type, size_bits, slot, 1);
    if (!check_ok(file, line, "retype from the arena", err)) {
        return 0;
    }
    return slot;
}

seL4_Error root_copy(seL4_CPtr dst, seL4_CPtr src, seL4_Word rights)
{
    return keel_cnode_copy(ROOT, dst, D64, ROOT, src, D64, rights);
}

seL4_Error root_mint(seL4_CPtr dst, seL4_CPtr src, seL4_Word rights, seL4_Word badge)
{
    return keel_cnode_mint(ROOT, dst, D64, ROOT, src, D64, rights, badge);
}

seL4_Error root_move(seL4_CPtr dst, seL4_CPtr src)
{
    return keel_cnode_move(ROOT, dst, D64, ROOT, src, D64);
}

seL4_Error root_mutate(seL4_CPtr dst, seL4_CPtr src, seL4_Word data)
{
    return keel_cnode_mutate(ROOT, dst, D64, ROOT, src, D64, data);
}

seL4_Error root_delete(seL4_CPtr slot)
{
    return keel_cnode_delete(ROOT, slot, D64);
}

seL4_Error root_revoke(seL4_CPtr slot)
{
    return keel_cnode_revoke(ROOT, slot, D64);
}

void root_priority_restore(void)
{
    keel_tcb_set_priority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, seL4_MaxPrio);
}
