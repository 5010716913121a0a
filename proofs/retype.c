// SPDX-License-Identifier: BSD-2-Clause
// WP harness for keel/retype.h: the translation unit is the kernel header plus its contract.
#include "retype_spec.h"
