// SPDX-License-Identifier: BSD-2-Clause
// The seL4_BootInfo frame handed to the root task, laid out as the ABI sheet §12.5 says.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define BI_MAX_UNTYPEDS 230
#define BI_HEADER_FDT   6

typedef struct {
    uint64_t start, end;
} bi_slot_region_t;

typedef struct {
    uint64_t paddr;
    uint8_t size_bits;
    uint8_t is_device;
    uint8_t padding[6];
} bi_untyped_desc_t;

typedef struct {
    uint64_t extra_len;
    uint64_t node_id;
    uint64_t num_nodes;
    uint64_t num_io_pt_levels;
    uint64_t ipc_buffer;
    bi_slot_region_t empty;
    bi_slot_region_t shared_frames;
    bi_slot_region_t user_image_frames;
    bi_slot_region_t user_image_paging;
    bi_slot_region_t io_space_caps;
    bi_slot_region_t extra_bi_pages;
    uint64_t init_thread_cnode_size_bits;
    uint64_t init_thread_domain;
    bi_slot_region_t untyped;
    bi_untyped_desc_t untyped_list[BI_MAX_UNTYPEDS];
} bootinfo_t;

typedef struct {
    uint64_t id;
    uint64_t len;   /* bytes, including this header */
} bi_header_t;

_Static_assert(sizeof(bi_untyped_desc_t) == 16, "seL4_UntypedDesc is 16 bytes");
_Static_assert(offsetof(bootinfo_t, ipc_buffer) == 32, "BootInfo.ipcBuffer at byte 32");
_Static_assert(offsetof(bootinfo_t, empty) == 40, "BootInfo.empty at byte 40");
_Static_assert(offsetof(bootinfo_t, user_image_frames) == 72, "BootInfo.userImageFrames");
_Static_assert(offsetof(bootinfo_t, user_image_paging) == 88, "BootInfo.userImagePaging");
_Static_assert(offsetof(bootinfo_t, extra_bi_pages) == 120, "BootInfo.extraBIPages");
_Static_assert(offsetof(bootinfo_t, init_thread_cnode_size_bits) == 136, "cnode size bits");
_Static_assert(offsetof(bootinfo_t, untyped) == 152, "BootInfo.untyped at byte 152");
_Static_assert(offsetof(bootinfo_t, untyped_list) == 168, "untypedList at byte 168");
_Static_assert(sizeof(bootinfo_t) == 3848, "seL4_BootInfo is 481 words");
