// SPDX-License-Identifier: BSD-2-Clause
// Capabilities: two words per cap; the type code is the seL4 DebugCapIdentify tag (ABI §13.12).
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Layout (w0 bits [63:59] always hold the type, w0 bits [46:0] the object's physical address;
 * every platform here has at most 44 physical address bits):
 *
 *   type          w0 type-specific bits [58:47]          w1
 *   untyped       dev[58] size_bits[57:52]               watermark (16-byte units)
 *   endpoint      rights[55:52]                          badge
 *   notification  rights[55:52]                          badge
 *   reply         grant[52] master[51]   (address: TCB)  -
 *   cnode         guard_size[58:53] radix[52:47]         guard
 *   tcb           -                                      -
 *   irq_handler   -                                      irq
 *   frame         dev[58] size[57:56] vm_rights[55:52]   asid[63:48] mapped vaddr[47:0]
 *   page_table    mapped[58]                             asid[63:48] mapped vaddr[47:0]
 *   vspace        mapped[58] (has an ASID)               asid
 *   asid_pool     -                                      asid base
 *   zombie        radix_or_tcb[57:52]                    slots still to clear
 */

typedef enum {
    CAP_NULL = 0,
    CAP_FRAME = 1,
    CAP_UNTYPED = 2,
    CAP_PAGE_TABLE = 3,
    CAP_ENDPOINT = 4,
    CAP_NOTIFICATION = 6,
    CAP_REPLY = 8,
    CAP_VSPACE = 9,
    CAP_CNODE = 10,
    CAP_ASID_CONTROL = 11,
    CAP_TCB = 12,
    CAP_ASID_POOL = 13,
    CAP_IRQ_CONTROL = 14,
    CAP_IRQ_HANDLER = 16,
    CAP_ZOMBIE = 18,
    CAP_DOMAIN = 20,
} cap_type_t;

typedef struct {
    uint64_t w0, w1;
} cap_t;

/* seL4_CapRights_t bits (ABI §4.2). */
#define RIGHT_WRITE       1u
#define RIGHT_READ        2u
#define RIGHT_GRANT       4u
#define RIGHT_GRANT_REPLY 8u
#define RIGHTS_ALL        15u

#define CAP_PADDR_MASK 0x00007fffffffffffUL
#define CAP_VADDR_MASK 0x0000ffffffffffffUL

static inline cap_type_t cap_type(cap_t c) { return (cap_type_t)(c.w0 >> 59); }
static inline bool cap_is_null(cap_t c) { return cap_type(c) == CAP_NULL; }
static inline uint64_t cap_paddr(cap_t c) { return c.w0 & CAP_PADDR_MASK; }
static inline cap_t cap_null(void) { return (cap_t){ 0, 0 }; }

static inline uint64_t cap_field(uint64_t w, unsigned lo, unsigned bits)
{
    return (w >> lo) & ((1UL << bits) - 1);
}

static inline uint64_t cap_with_field(uint64_t w, unsigned lo, unsigned bits, uint64_t v)
{
    uint64_t mask = ((1UL << bits) - 1) << lo;
    return (w & ~mask) | ((v << lo) & mask);
}

static inline cap_t cap_make(cap_type_t t, uint64_t paddr, uint64_t w1)
{
    return (cap_t){ ((uint64_t)t << 59) | (paddr & CAP_PADDR_MASK), w1 };
}

/* --- untyped --- */
/* used_bytes: the watermark, in bytes from the base (kept in 16-byte units). */
static inline cap_t cap_untyped(uint64_t paddr, unsigned size_bits, bool device,
                                uint64_t used_bytes)
{
    cap_t c = cap_make(CAP_UNTYPED, paddr, used_bytes >> 4);
    c.w0 = cap_with_field(c.w0, 52, 6, size_bits);
    c.w0 = cap_with_field(c.w0, 58, 1, device);
    return c;
}
static inline unsigned cap_untyped_size_bits(cap_t c) { return (unsigned)cap_field(c.w0, 52, 6); }
static inline bool cap_untyped_is_device(cap_t c) { return cap_field(c.w0, 58, 1) != 0; }
/* Watermark in bytes from the base; stored in 16-byte units. */
static inline uint64_t cap_untyped_free_bytes_used(cap_t c) { return c.w1 << 4; }
static inline cap_t cap_untyped_set_used(cap_t c, uint64_t bytes)
{
    c.w1 = bytes >> 4;
    return c;
}

/* --- endpoint / notification --- */
static inline cap_t cap_endpoint(uint64_t paddr, uint64_t badge, unsigned rights)
{
    cap_t c = cap_make(CAP_ENDPOINT, paddr, badge);
    c.w0 = cap_with_field(c.w0, 52, 4, rights);
    return c;
}
static inline cap_t cap_notification(uint64_t paddr, uint64_t badge, unsigned rights)
{
    cap_t c = cap_make(CAP_NOTIFICATION, paddr, badge);
    c.w0 = cap_with_field(c.w0, 52, 4, rights & (RIGHT_READ | RIGHT_WRITE));
    return c;
}
static inline unsigned cap_rights(cap_t c) { return (unsigned)cap_field(c.w0, 52, 4); }
static inline cap_t cap_set_rights(cap_t c, unsigned r)
{
    c.w0 = cap_with_field(c.w0, 52, 4, r);
    return c;
}
static inline uint64_t cap_badge(cap_t c) { return c.w1; }
static inline cap_t cap_set_badge(cap_t c, uint64_t b)
{
    c.w1 = b;
    return c;
}

/* --- reply --- */
static inline cap_t cap_reply(uint64_t tcb_paddr, bool master, bool grant)
{
    cap_t c = cap_make(CAP_REPLY, tcb_paddr, 0);
    c.w0 = cap_with_field(c.w0, 51, 1, master);
    c.w0 = cap_with_field(c.w0, 52, 1, grant);
    return c;
}
static inline bool cap_reply_is_master(cap_t c) { return cap_field(c.w0, 51, 1) != 0; }
static inline bool cap_reply_can_grant(cap_t c) { return cap_field(c.w0, 52, 1) != 0; }

/* --- cnode --- */
static inline cap_t cap_cnode(uint64_t paddr, unsigned radix, unsigned guard_size, uint64_t guard)
{
    cap_t c = cap_make(CAP_CNODE, paddr, guard);
    c.w0 = cap_with_field(c.w0, 47, 6, radix);
    c.w0 = cap_with_field(c.w0, 53, 6, guard_size);
    return c;
}
static inline unsigned cap_cnode_radix(cap_t c) { return (unsigned)cap_field(c.w0, 47, 6); }
static inline unsigned cap_cnode_guard_size(cap_t c) { return (unsigned)cap_field(c.w0, 53, 6); }
static inline uint64_t cap_cnode_guard(cap_t c) { return c.w1; }

/* --- irq handler --- */
static inline cap_t cap_irq_handler(unsigned irq) { return cap_make(CAP_IRQ_HANDLER, 0, irq); }
static inline unsigned cap_irq(cap_t c) { return (unsigned)c.w1; }

/* --- frame --- */
enum { FRAME_4K = 0, FRAME_2M = 1, FRAME_1G = 2 };
/* VM rights of a frame cap, seL4's encoding: 1 = kernel only, 2 = read only, 3 = read-write. */
enum { VM_KERNEL_ONLY = 1, VM_READ_ONLY = 2, VM_READ_WRITE = 3 };
static inline cap_t cap_frame(uint64_t paddr, unsigned size, bool device, unsigned vm_rights)
{
    cap_t c = cap_make(CAP_FRAME, paddr, 0);
    c.w0 = cap_with_field(c.w0, 52, 4, vm_rights);
    c.w0 = cap_with_field(c.w0, 56, 2, size);
    c.w0 = cap_with_field(c.w0, 58, 1, device);
    return c;
}
static inline unsigned cap_frame_size(cap_t c) { return (unsigned)cap_field(c.w0, 56, 2); }
static inline unsigned cap_frame_size_bits(cap_t c) { return 12 + 9 * cap_frame_size(c); }
static inline bool cap_frame_is_device(cap_t c) { return cap_field(c.w0, 58, 1) != 0; }
static inline unsigned cap_frame_vm_rights(cap_t c) { return (unsigned)cap_field(c.w0, 52, 4); }

/* Mapping record of frames and page tables: ASID in w1[63:48], vaddr in w1[47:0]. */
static inline uint16_t cap_mapped_asid(cap_t c) { return (uint16_t)(c.w1 >> 48); }
static inline uint64_t cap_mapped_vaddr(cap_t c) { return c.w1 & CAP_VADDR_MASK; }
static inline cap_t cap_set_mapping(cap_t c, uint16_t asid, uint64_t vaddr)
{
    c.w1 = ((uint64_t)asid << 48) | (vaddr & CAP_VADDR_MASK);
    return c;
}

/* --- page table / vspace --- */
static inline bool cap_pt_is_mapped(cap_t c) { return cap_field(c.w0, 58, 1) != 0; }
static inline cap_t cap_pt_set_mapped(cap_t c, bool m)
{
    c.w0 = cap_with_field(c.w0, 58, 1, m);
    return c;
}

/* --- zombie: a CNode or TCB whose slots are being cleared before it dies --- */
#define ZOMBIE_TCB_RADIX 63u
static inline cap_t cap_zombie(uint64_t paddr, unsigned radix_or_tcb, uint64_t remaining)
{
    cap_t c = cap_make(CAP_ZOMBIE, paddr, remaining);
    c.w0 = cap_with_field(c.w0, 52, 6, radix_or_tcb);
    return c;
}
static inline unsigned cap_zombie_radix(cap_t c) { return (unsigned)cap_field(c.w0, 52, 6); }
static inline uint64_t cap_zombie_remaining(cap_t c) { return c.w1; }

/* Size in bytes of the object a cap names (0 for caps without memory). */
uint64_t cap_object_size_bits(cap_t c);
/* Whether a and b name the same object (seL4's sameObjectAs), and region containment. */
bool cap_same_object(cap_t a, cap_t b);
bool cap_same_region(cap_t a, cap_t b);
