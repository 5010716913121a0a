// SPDX-License-Identifier: BSD-2-Clause
// Rules for making a cap from a cap: derivation, rights masking, badges and guards (§8.6, §13.8).
#pragma once

#include <keel/errors.h>
#include <keel/object.h>

/* The cap a copy of slot's cap would hold, or an error (RevokeFirst, IllegalOperation). */
syserr_t cap_derive(const cte_t *slot, cap_t c, cap_t *out);
/* Applies a rights word (only the low 4 bits count). */
cap_t cap_mask_rights(cap_t c, uint64_t rights);
/* Applies cap data: badge for endpoints/notifications, guard for CNodes. preserve = Mutate. */
cap_t cap_update_data(cap_t c, uint64_t data, bool preserve);
