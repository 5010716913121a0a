// SPDX-License-Identifier: BSD-2-Clause
// The CSpace walk shared by the invariant checker and DebugDumpScheduler.
// Invariants: reads only (the CSpace walk shared by the two above) (proofs-notes/README.md)
#include <keel/walk.h>

#define MAX_NODES 1024

static uint64_t node_pa[MAX_NODES];
static unsigned node_radix[MAX_NODES];
static uint64_t tcb_pa[MAX_NODES];

static bool seen(const uint64_t *list, unsigned n, uint64_t pa)
{
    for (unsigned i = 0; i < n; i++) {
        if (list[i] == pa) {
            return true;
        }
    }
    return false;
}

unsigned cspace_walk(const tcb_t *root, const walk_visitor_t *v)
{
    unsigned nnodes = 0, ntcbs = 0;
    cap_t rc = root->slots[TCB_SLOT_CSPACE].cap;
    if (cap_type(rc) == CAP_CNODE) {
        node_pa[nnodes] = cap_paddr(rc);
        node_radix[nnodes++] = cap_cnode_radix(rc);
    }
    for (unsigned k = 0; k < nnodes; k++) {
        cte_t *slots = obj_ptr(node_pa[k]);
        for (uint64_t i = 0; i < (1UL << node_radix[k]); i++) {
            cte_t *s = &slots[i];
            if (v->slot != NULL) {
                v->slot(v->ctx, s);
            }
            cap_t c = s->cap;
            uint64_t pa = cap_paddr(c);
            if (cap_type(c) == CAP_CNODE && nnodes < MAX_NODES && !seen(node_pa, nnodes, pa)) {
                node_pa[nnodes] = pa;
                node_radix[nnodes++] = cap_cnode_radix(c);
            } else if (cap_type(c) == CAP_TCB && ntcbs < MAX_NODES && !seen(tcb_pa, ntcbs, pa)) {
                tcb_pa[ntcbs++] = pa;
                if (v->tcb != NULL) {
                    v->tcb(v->ctx, cap_tcb(c));
                }
            }
        }
    }
    return nnodes;
}
