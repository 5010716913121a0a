// SPDX-License-Identifier: BSD-2-Clause
// Stress: thousands of 4 KiB mappings made and removed across several VSpaces, with checks.

// Eight VSpaces with ASIDs from one new pool share 512 frames: every VSpace has its own cap to
// each frame and, in each round, maps the frames at a fresh pseudo-random permutation of 512
// pages (one level-3 table; fewer in debug builds, see below). A sample of the mappings is checked
// three ways: the frame cap's mapping record must be live (Page_Clean_Data succeeds, §8.12), the
// VSpace must see a 4 KiB page there (vt_probe, §8.10), and a thread running inside the VSpace
// reads the frame's pattern, which the worker wrote through the root VSpace's own mapping of each
// frame. Even rounds remove the mappings one by one with Page_Unmap, odd rounds all at once with
// PageTable_Unmap (§8.11); both are checked to leave nothing behind. The seed is fixed, so every
// run does the same work.

#include "vmtest.h"

#include <string.h>

// A debug kernel checks its invariants on every kernel entry, at a cost that grows with the number
// of caps: a debug build of the suite (KEEL_DEBUG mirrors the kernel's) does a quarter of the
// pages and a third of the rounds, still thousands of operations.
#define NVS 8
#if KEEL_DEBUG
#define NPAGES 128
#define ROUNDS 2
#else
#define NPAGES 512
#define ROUNDS 6
#endif
#define SAMPLES  24 // per VSpace and round
#define SEED     0x5EEDC0DEF00DBA5EUL
#define AREA     0x20000000UL // in each VSpace: one 2 MiB level-3 table's worth of pages
#define ROOT_WIN 0x30000000UL // the root VSpace's mapping of frame k is at ROOT_WIN + k pages

static uint16_t perm[NVS][NPAGES];
static seL4_Word rng_state;

static seL4_Word rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DUL;
}

static seL4_Word frame_word(unsigned k, seL4_Word offset)
{
    return vt_mix(SEED ^ ((seL4_Word)k << 20) ^ offset);
}

static const seL4_Word offsets[] = {0, 0x808, 0xFF8};
#define NOFF 3

struct stress {
    seL4_CPtr frames;    // NPAGES frames (root's caps, mapped at ROOT_WIN)
    seL4_CPtr caps[NVS]; // per VSpace: NPAGES copies, cap k for frame k
    seL4_CPtr vs[NVS], l3[NVS];
    unsigned long maps, unmaps, map_errors, unmap_errors, record_checks, probe_checks, thread_reads,
        table_unmaps;
};

static bool fill_patterns(struct stress *s)
{
    (void)s;
    vt_worker_cmd.op = VT_OP_WRITE_LIST;
    vt_worker_cmd.count = 0;
    for (unsigned k = 0; k < NPAGES; k++) {
        for (unsigned o = 0; o < NOFF; o++) {
            struct vt_pair *p = &vt_worker_cmd.list[vt_worker_cmd.count++];
            p->addr = ROOT_WIN + k * VT_PAGE + offsets[o];
            p->value = frame_word(k, offsets[o]);
        }
    }
    struct vt_run r = vt_run_worker(NULL, NULL);
    return CLEAN(r);
}

static bool check_root_patterns(void)
{
    vt_worker_cmd.op = VT_OP_CHECK_LIST; // same list as fill_patterns left behind
    struct vt_run r = vt_run_worker(NULL, NULL);
    if (!CLEAN(r)) {
        return false;
    }
    return CHECK(vt_worker_cmd.result == 0,
                 "%lu frame words changed in the root VSpace (first at 0x%lx: 0x%lx, expected "
                 "0x%lx)",
                 vt_worker_cmd.result, vt_worker_cmd.bad_addr, vt_worker_cmd.bad_got,
                 vt_worker_cmd.bad_want);
}

static void shuffle(unsigned v)
{
    for (unsigned j = 0; j < NPAGES; j++) {
        perm[v][j] = (uint16_t)j;
    }
    for (unsigned j = NPAGES - 1; j > 0; j--) {
        unsigned i = (unsigned)(rng() % (j + 1));
        uint16_t t = perm[v][i];
        perm[v][i] = perm[v][j];
        perm[v][j] = t;
    }
}

// Checks a sample of the mappings of VSpace v (mapped = true) or their absence; for the latter,
// `gone` is what Page_Clean_Data must say: IllegalOperation once the cap is unmapped, or
// InvalidCapability while it still records a mapping its table no longer has (stale).
static void check_sample(struct stress *s, unsigned v, bool mapped, seL4_Error gone, bool by_thread)
{
    vt_prober_cmd.op = VT_OP_CHECK_LIST;
    vt_prober_cmd.count = 0;
    unsigned reported = 0;
    for (unsigned n = 0; n < SAMPLES; n++) {
        unsigned j = (unsigned)(rng() % NPAGES), k = perm[v][j];
        seL4_Word va = AREA + j * VT_PAGE;
        seL4_CPtr cap = s->caps[v] + k;
        seL4_Error e = keel_arm_page_clean_data(cap, 0, 64);
        seL4_Word size = vt_probe(__LINE__, s->vs[v], va);
        s->record_checks++;
        s->probe_checks++;
        bool ok = mapped ? e == seL4_NoError && size == VT_PAGE : e == gone && size == 0;
        if (!ok && reported++ < 3) {
            CHECK(false, "VSpace %u page %u (frame %u, %s): Page_Clean_Data %s, probe 0x%lx", v, j,
                  k, mapped ? "mapped" : "unmapped", keel_error_name(e), size);
        }
        if (mapped && by_thread) {
            for (unsigned o = 0; o < NOFF; o++) {
                struct vt_pair *p = &vt_prober_cmd.list[vt_prober_cmd.count++];
                p->addr = va + offsets[o];
                p->value = frame_word(k, offsets[o]);
            }
        }
    }
    if (mapped && by_thread) {
        struct vt_run r = vt_run_prober(s->vs[v], NULL, NULL);
        s->thread_reads += vt_prober_cmd.progress;
        if (CLEAN(r)) {
            CHECK(vt_prober_cmd.result == 0,
                  "VSpace %u: %lu of %u words read by a thread in it differ (first at 0x%lx: "
                  "0x%lx, expected 0x%lx)",
                  v, vt_prober_cmd.result, vt_prober_cmd.count, vt_prober_cmd.bad_addr,
                  vt_prober_cmd.bad_got, vt_prober_cmd.bad_want);
        }
    } else if (!mapped && by_thread) {
        // One access in the unmapped area must fault.
        vt_prober_cmd.op = VT_OP_READ64;
        vt_prober_cmd.addr = AREA + (rng() % NPAGES) * VT_PAGE;
        struct vt_run r = vt_run_prober(s->vs[v], NULL, NULL);
        // Page_Unmap leaves the level-3 table (fault at level 3); PageTable_Unmap removes it.
        seL4_Word level = gone == seL4_IllegalOperation ? 3 : 2;
        vt_expect_vmfault(__LINE__, &r, (seL4_Word)vt_read64_insn, vt_prober_cmd.addr, 0,
                          VT_EC_DABT_LOWER, VT_FSC_TRANSLATION(level), 0, false);
    }
}

static void test_stress(void)
{
    static struct stress s;
    memset(&s, 0, sizeof(s));
    seL4_CPtr mark = vt_slot_mark();
    rng_state = SEED;
    unsigned image_pages = (unsigned)(vt.bi->userImageFrames.end - vt.bi->userImageFrames.start);
    unsigned need = NPAGES * (NVS + 1) + NVS * (image_pages + 8) + 64;
    if (!CHECK(vt_slots_free() >= need, "stress needs %u free slots, %u left", need,
               vt_slots_free())) {
        return;
    }
    seL4_CPtr pool = vt_new_pool();
    // Retype allows at most 256 objects per call (§1.1): the frames come in batches.
    s.frames = vt_slot_mark();
    for (unsigned k = 0; k < NPAGES; k += 256) {
        unsigned n = NPAGES - k < 256 ? NPAGES - k : 256;
        if (vt_new_n(seL4_ARM_SmallPageObject, 0, n) != s.frames + k) {
            goto out;
        }
    }
    if (!pool) {
        goto out;
    }
    for (unsigned k = 0; k < NPAGES; k++) {
        if (!OK(vt_map_auto(s.frames + k, VT_ROOT_VS, ROOT_WIN + k * VT_PAGE, VT_RW, VT_CACHED))) {
            goto out;
        }
    }
    if (!fill_patterns(&s)) {
        goto out;
    }
    for (unsigned v = 0; v < NVS; v++) {
        s.vs[v] = vt_new(seL4_ARM_VSpaceObject, 0);
        s.caps[v] = vt_slots(NPAGES);
        if (!s.vs[v] || !s.caps[v] || !OK(keel_arm_asid_pool_assign(pool, s.vs[v])) ||
            !vt_map_image(s.vs[v])) {
            goto out;
        }
        for (unsigned k = 0; k < NPAGES; k++) {
            if (keel_cnode_copy(VT_ROOT_CNODE, s.caps[v] + k, VT_DEPTH, VT_ROOT_CNODE, s.frames + k,
                                VT_DEPTH, VT_RW) != seL4_NoError) {
                CHECK(false, "CNode_Copy of frame %u for VSpace %u failed", k, v);
                goto out;
            }
        }
        // The level-3 table for AREA (levels 1 and 2 exist for the image already).
        s.l3[v] = vt_new(seL4_ARM_PageTableObject, 0);
        if (!s.l3[v] || !OK(keel_arm_page_table_map(s.l3[v], s.vs[v], AREA, 0))) {
            goto out;
        }
    }

    for (unsigned round = 0; round < ROUNDS && !vt_test_failed(); round++) {
        for (unsigned v = 0; v < NVS; v++) {
            shuffle(v);
            for (unsigned j = 0; j < NPAGES; j++) {
                seL4_Error e = keel_arm_page_map(s.caps[v] + perm[v][j], s.vs[v],
                                                 AREA + j * VT_PAGE, VT_RW, VT_CACHED);
                s.maps++;
                if (e != seL4_NoError && s.map_errors++ < 3) {
                    CHECK(false, "round %u: Page_Map of frame %u at page %u of VSpace %u: %s",
                          round, perm[v][j], j, v, keel_error_name(e));
                }
            }
        }
        for (unsigned v = 0; v < NVS; v++) {
            // Threads read in two VSpaces per round (all of them over the six rounds).
            check_sample(&s, v, true, seL4_NoError,
                         v / 2 == round % (NVS / 2) || round == ROUNDS - 1);
        }
        if (round % 2 == 0) {
            for (unsigned v = 0; v < NVS; v++) {
                for (unsigned j = 0; j < NPAGES; j++) {
                    seL4_Error e = keel_arm_page_unmap(s.caps[v] + perm[v][(j * 7) % NPAGES]);
                    s.unmaps++;
                    if (e != seL4_NoError && s.unmap_errors++ < 3) {
                        CHECK(false, "round %u: Page_Unmap: %s", round, keel_error_name(e));
                    }
                }
            }
        } else {
            for (unsigned v = 0; v < NVS; v++) {
                if (!OK(keel_arm_page_table_unmap(s.l3[v]))) {
                    goto out;
                }
                s.table_unmaps++;
            }
        }
        for (unsigned v = 0; v < NVS; v++) {
            check_sample(&s, v, false,
                         round % 2 == 0 ? seL4_IllegalOperation : seL4_InvalidCapability,
                         v == round % NVS);
        }
        if (round % 2 == 1) {
            // The frame caps still record their old mappings: clear them (stale, so nothing is
            // touched) and put the emptied table back.
            for (unsigned v = 0; v < NVS; v++) {
                for (unsigned k = 0; k < NPAGES; k++) {
                    s.unmaps++;
                    if (keel_arm_page_unmap(s.caps[v] + k) != seL4_NoError &&
                        s.unmap_errors++ < 3) {
                        CHECK(false, "round %u: Page_Unmap of a stale cap failed", round);
                    }
                }
                if (!OK(keel_arm_page_table_map(s.l3[v], s.vs[v], AREA, 0))) {
                    goto out;
                }
                EQ("probe of a page in the table just mapped again", PROBE(s.vs[v], AREA), 0);
            }
        }
        check_root_patterns();
    }
    vt_info("stress: seed 0x%lx, %u VSpaces x %u pages x %u rounds: %lu Page_Map, %lu "
            "Page_Unmap, %lu PageTable_Unmap, %lu mapping records and %lu probes checked, %lu "
            "words read by threads inside the VSpaces",
            SEED, NVS, NPAGES, ROUNDS, s.maps, s.unmaps, s.table_unmaps, s.record_checks,
            s.probe_checks, s.thread_reads);
    EQ("Page_Map errors", s.map_errors, 0);
    EQ("Page_Unmap errors", s.unmap_errors, 0);
out:
    vt_slot_release(mark);
}

const struct vt_test vt_tests_stress[] = {
    {"stress_map_unmap_8_vspaces", test_stress},
    {NULL, NULL},
};
