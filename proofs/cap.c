// SPDX-License-Identifier: BSD-2-Clause
// WP harness for cap.h and msginfo.h: the translation unit is the kernel headers plus contracts.
#include "cap_spec.h"
