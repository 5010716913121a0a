// SPDX-License-Identifier: BSD-2-Clause
// DomainSet_Set (ABI §8.9): with one domain the only valid domain is 0.
// Invariants: none (domain is always 0) (proofs-notes/README.md)
#include <keel/invoke.h>

#define NUM_DOMAINS 1

syserr_t decode_domain(invocation_t *inv)
{
    if (inv->info.label != INV_DOMAIN_SET) {
        return err_code(ERR_ILLEGAL_OPERATION);
    }
    if (inv->info.length == 0) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    if (inv_arg(inv, 0) >= NUM_DOMAINS) {
        return err_arg(0);
    }
    if (inv->nextra < 1) {
        return err_code(ERR_TRUNCATED_MESSAGE);
    }
    if (cap_type(inv_extra(inv, 0)) != CAP_TCB) {
        return err_arg(1);
    }
    cap_tcb(inv_extra(inv, 0))->domain = 0;
    return err_none();
}
