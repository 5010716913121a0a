// SPDX-License-Identifier: BSD-2-Clause
// ABI data types shared with the kernel: words, message info, IPC buffer, BootInfo.
#pragma once

// The names follow the seL4 user ABI so that code written against the ABI sheet reads the same;
// every layout below is taken from /work/shared/abi/sel4-aarch64-abi.md (§4.1, §5.1, §12.3,
// §12.5, §12.7) and pinned by the _Static_asserts at the end of this file.

#include <stddef.h>
#include <stdint.h>

typedef unsigned long seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_Domain;
typedef seL4_Word seL4_SlotPos;
typedef uint8_t seL4_Uint8;
typedef uint32_t seL4_Uint32;
typedef uint64_t seL4_Uint64;

// Constants this configuration fixes (§4.5).
#define seL4_WordBits                        64
#define seL4_WordSizeBits                    3
#define seL4_PageBits                        12
#define seL4_LargePageBits                   21
#define seL4_HugePageBits                    30
#define seL4_SlotBits                        5
#define seL4_MinUntypedBits                  4
#define seL4_MaxUntypedBits                  47
#define seL4_IPCBufferSizeBits               10
#define seL4_FastMessageRegisters            4
#define seL4_MsgLengthBits                   7
#define seL4_MsgExtraCapBits                 2
#define seL4_MsgMaxLength                    120
#define seL4_MsgMaxExtraCaps                 3
#define seL4_BootInfoFrameBits               12
#define seL4_NumInitialCaps                  16
#define seL4_UserTop                         0x00007FFFFFFFFFFFUL
#define seL4_MaxPrio                         255
#define CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS 230

// Fixed slots of the root task's CNode (§12.3). Slots that this configuration leaves empty keep
// their number so that CPtr arithmetic done by ported code still lines up.
enum {
    seL4_CapNull = 0,
    seL4_CapInitThreadTCB = 1,
    seL4_CapInitThreadCNode = 2,
    seL4_CapInitThreadVSpace = 3,
    seL4_CapIRQControl = 4,
    seL4_CapASIDControl = 5,
    seL4_CapInitThreadASIDPool = 6,
    seL4_CapIOPortControl = 7,
    seL4_CapIOSpace = 8,
    seL4_CapBootInfoFrame = 9,
    seL4_CapInitThreadIPCBuffer = 10,
    seL4_CapDomain = 11,
    seL4_CapSMMUSIDControl = 12,
    seL4_CapSMMUCBControl = 13,
    seL4_CapInitThreadSC = 14,
    seL4_CapSMC = 15,
};
#define seL4_CapInitThreadPD seL4_CapInitThreadVSpace

// --- Message info (§4.1) -------------------------------------------------------------------------

// A one-word struct rather than a bare word so that a tag can never be passed where a CPtr or a
// message register is expected without the compiler noticing.
typedef struct seL4_MessageInfo {
    seL4_Word words[1];
} seL4_MessageInfo_t;

#define KEEL_MSGINFO_LABEL_SHIFT     12
#define KEEL_MSGINFO_UNWRAPPED_SHIFT 9
#define KEEL_MSGINFO_EXTRACAPS_SHIFT 7
#define KEEL_MSGINFO_LABEL_MASK      0xFFFFFFFFFFFFFUL // 52 bits
#define KEEL_MSGINFO_UNWRAPPED_MASK  0x7UL
#define KEEL_MSGINFO_EXTRACAPS_MASK  0x3UL
#define KEEL_MSGINFO_LENGTH_MASK     0x7FUL

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word caps_unwrapped,
                                                      seL4_Word extra_caps, seL4_Word length)
{
    // Out-of-range fields are truncated rather than allowed to spill into their neighbours.
    seL4_Word word = (label & KEEL_MSGINFO_LABEL_MASK) << KEEL_MSGINFO_LABEL_SHIFT;
    word |= (caps_unwrapped & KEEL_MSGINFO_UNWRAPPED_MASK) << KEEL_MSGINFO_UNWRAPPED_SHIFT;
    word |= (extra_caps & KEEL_MSGINFO_EXTRACAPS_MASK) << KEEL_MSGINFO_EXTRACAPS_SHIFT;
    word |= length & KEEL_MSGINFO_LENGTH_MASK;
    seL4_MessageInfo_t info = {{word}};
    return info;
}

static inline seL4_MessageInfo_t keel_msginfo_from_word(seL4_Word word)
{
    seL4_MessageInfo_t info = {{word}};
    return info;
}

static inline seL4_Word keel_msginfo_to_word(seL4_MessageInfo_t info)
{
    return info.words[0];
}

static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t info)
{
    return (info.words[0] >> KEEL_MSGINFO_LABEL_SHIFT) & KEEL_MSGINFO_LABEL_MASK;
}

static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t info)
{
    return (info.words[0] >> KEEL_MSGINFO_UNWRAPPED_SHIFT) & KEEL_MSGINFO_UNWRAPPED_MASK;
}

static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t info)
{
    return (info.words[0] >> KEEL_MSGINFO_EXTRACAPS_SHIFT) & KEEL_MSGINFO_EXTRACAPS_MASK;
}

static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t info)
{
    return info.words[0] & KEEL_MSGINFO_LENGTH_MASK;
}

// --- IPC buffer (§5.1) ---------------------------------------------------------------------------

// The kernel only accepts 1024-aligned buffers (§5.2), so the alignment is part of the type: a
// statically allocated buffer is then usable as is.
typedef struct seL4_IPCBuffer_ {
    seL4_MessageInfo_t tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} __attribute__((aligned(1 << seL4_IPCBufferSizeBits))) seL4_IPCBuffer;

// --- BootInfo (§12.5, §12.7) ---------------------------------------------------------------------

typedef struct seL4_SlotRegion {
    seL4_SlotPos start; // first slot of the region
    seL4_SlotPos end;   // first slot after the region
} seL4_SlotRegion;

typedef struct seL4_UntypedDesc {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[6];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen;
    seL4_NodeId nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty;
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits; // a full word in the code, whatever the manual says
    seL4_Domain initThreadDomain;
    seL4_SlotRegion untyped;
    seL4_UntypedDesc untypedList[CONFIG_MAX_NUM_BOOTINFO_UNTYPED_CAPS];
} seL4_BootInfo;

// Chunk ids of the extra bootinfo region that starts one page after the BootInfo frame.
#define SEL4_BOOTINFO_HEADER_PADDING 0
#define SEL4_BOOTINFO_HEADER_FDT     6

typedef struct seL4_BootInfoHeader {
    seL4_Word id;
    seL4_Word len; // bytes, this 16-byte header included
} seL4_BootInfoHeader;

// --- Layout pins ---------------------------------------------------------------------------------

// Anything that moves here silently breaks binary compatibility with the kernel, so every offset
// the ABI sheet gives is asserted rather than trusted to the compiler's layout rules.
_Static_assert(sizeof(seL4_Word) == 8, "seL4_Word is one 64-bit register");
_Static_assert(sizeof(seL4_MessageInfo_t) == 8, "message info is one word");

_Static_assert(sizeof(seL4_IPCBuffer) == 1024, "IPC buffer is 128 words");
_Static_assert(_Alignof(seL4_IPCBuffer) == 1024, "IPC buffer is 1024-aligned");
_Static_assert(offsetof(seL4_IPCBuffer, tag) == 0, "IPC buffer tag");
_Static_assert(offsetof(seL4_IPCBuffer, msg) == 8, "IPC buffer msg[0]");
_Static_assert(offsetof(seL4_IPCBuffer, msg[119]) == 960, "IPC buffer msg[119]");
_Static_assert(offsetof(seL4_IPCBuffer, userData) == 968, "IPC buffer userData");
_Static_assert(offsetof(seL4_IPCBuffer, caps_or_badges) == 976, "IPC buffer caps_or_badges");
_Static_assert(offsetof(seL4_IPCBuffer, receiveCNode) == 1000, "IPC buffer receiveCNode");
_Static_assert(offsetof(seL4_IPCBuffer, receiveIndex) == 1008, "IPC buffer receiveIndex");
_Static_assert(offsetof(seL4_IPCBuffer, receiveDepth) == 1016, "IPC buffer receiveDepth");

_Static_assert(sizeof(seL4_SlotRegion) == 16, "slot region is two words");
_Static_assert(sizeof(seL4_UntypedDesc) == 16, "untyped descriptor is 16 bytes");
_Static_assert(offsetof(seL4_UntypedDesc, paddr) == 0, "untyped paddr");
_Static_assert(offsetof(seL4_UntypedDesc, sizeBits) == 8, "untyped sizeBits");
_Static_assert(offsetof(seL4_UntypedDesc, isDevice) == 9, "untyped isDevice");
_Static_assert(offsetof(seL4_UntypedDesc, padding) == 10, "untyped padding");

_Static_assert(sizeof(seL4_BootInfo) == 3848, "BootInfo is 481 words");
_Static_assert(offsetof(seL4_BootInfo, extraLen) == 0, "BootInfo extraLen");
_Static_assert(offsetof(seL4_BootInfo, nodeID) == 8, "BootInfo nodeID");
_Static_assert(offsetof(seL4_BootInfo, numNodes) == 16, "BootInfo numNodes");
_Static_assert(offsetof(seL4_BootInfo, numIOPTLevels) == 24, "BootInfo numIOPTLevels");
_Static_assert(offsetof(seL4_BootInfo, ipcBuffer) == 32, "BootInfo ipcBuffer");
_Static_assert(offsetof(seL4_BootInfo, empty) == 40, "BootInfo empty");
_Static_assert(offsetof(seL4_BootInfo, sharedFrames) == 56, "BootInfo sharedFrames");
_Static_assert(offsetof(seL4_BootInfo, userImageFrames) == 72, "BootInfo userImageFrames");
_Static_assert(offsetof(seL4_BootInfo, userImagePaging) == 88, "BootInfo userImagePaging");
_Static_assert(offsetof(seL4_BootInfo, ioSpaceCaps) == 104, "BootInfo ioSpaceCaps");
_Static_assert(offsetof(seL4_BootInfo, extraBIPages) == 120, "BootInfo extraBIPages");
_Static_assert(offsetof(seL4_BootInfo, initThreadCNodeSizeBits) == 136, "BootInfo cnode bits");
_Static_assert(offsetof(seL4_BootInfo, initThreadDomain) == 144, "BootInfo initThreadDomain");
_Static_assert(offsetof(seL4_BootInfo, untyped) == 152, "BootInfo untyped");
_Static_assert(offsetof(seL4_BootInfo, untypedList) == 168, "BootInfo untypedList");
_Static_assert(offsetof(seL4_BootInfo, untypedList[229]) == 168 + 16 * 229, "last untyped");
_Static_assert(sizeof(seL4_BootInfo) <= (1UL << seL4_BootInfoFrameBits), "BootInfo fits a page");

_Static_assert(sizeof(seL4_BootInfoHeader) == 16, "bootinfo chunk header is two words");
