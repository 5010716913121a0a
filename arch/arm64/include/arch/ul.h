// SPDX-License-Identifier: BSD-2-Clause
// Constants shared between C and assembly: the UL suffix exists only in C.
#pragma once

#ifdef __ASSEMBLER__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif
