// SPDX-License-Identifier: BSD-2-Clause
// Checks the root-task ELF image completely before the kernel copies a byte of it.
// Invariants: INV-BOOT-4, -10 (proofs-notes/README.md)

#include <keel/elf.h>

#include <stdbool.h>

/*
 * The image is linked into the kernel, but it is built separately and may be anything, so it gets
 * the same distrust as a file from disk: every field is read byte-wise (no alignment assumed) and
 * checked with overflow-free comparisons before it is used as an offset or an address.
 */

enum {
    EHDR_SIZE = 64,
    PHDR_SIZE = 56,
    EI_CLASS = 4,
    EI_DATA = 5,
    EI_VERSION = 6,
    ELFCLASS64 = 2,
    ELFDATA2LSB = 1,
    EV_CURRENT = 1,
    ET_EXEC = 2,
    EM_AARCH64 = 183,
    PT_LOAD = 1,

    E_TYPE = 16,
    E_MACHINE = 18,
    E_VERSION = 20,
    E_ENTRY = 24,
    E_PHOFF = 32,
    E_PHENTSIZE = 54,
    E_PHNUM = 56,

    P_TYPE = 0,
    P_FLAGS = 4,
    P_OFFSET = 8,
    P_VADDR = 16,
    P_FILESZ = 32,
    P_MEMSZ = 40,
};

typedef struct {
    uint32_t type;
    elf_seg_t seg;
} phdr_t;

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    while (bytes-- > 0)
        v = v << 8 | p[bytes];
    return v;
}

static phdr_t read_phdr(const elf_image_t *img, unsigned k)
{
    const uint8_t *p = img->data + img->phoff + (uint64_t)k * PHDR_SIZE;
    phdr_t h = {
        .type = (uint32_t)le(p + P_TYPE, 4),
        .seg = {
            .flags = (uint32_t)le(p + P_FLAGS, 4),
            .offset = le(p + P_OFFSET, 8),
            .vaddr = le(p + P_VADDR, 8),
            .filesz = le(p + P_FILESZ, 8),
            .memsz = le(p + P_MEMSZ, 8),
        },
    };
    return h;
}

static bool is_load(const phdr_t *h)
{
    return h->type == PT_LOAD && h->seg.memsz != 0;
}

static int check_header(const uint8_t *d, size_t size)
{
    static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};

    if (d == NULL || size < EHDR_SIZE)
        return ELF_ERR_TRUNCATED;
    for (unsigned i = 0; i < sizeof(magic); i++)
        if (d[i] != magic[i])
            return ELF_ERR_BADMAGIC;
    if (d[EI_CLASS] != ELFCLASS64)
        return ELF_ERR_BADCLASS;
    if (d[EI_DATA] != ELFDATA2LSB)
        return ELF_ERR_BADENDIAN;
    if (d[EI_VERSION] != EV_CURRENT || le(d + E_VERSION, 4) != EV_CURRENT)
        return ELF_ERR_BADVERSION;
    if (le(d + E_MACHINE, 2) != EM_AARCH64)
        return ELF_ERR_BADMACHINE;
    if (le(d + E_TYPE, 2) != ET_EXEC)
        return ELF_ERR_BADTYPE;
    if (le(d + E_PHENTSIZE, 2) != PHDR_SIZE)
        return ELF_ERR_BADPHENTSIZE;
    return ELF_OK;
}

// Checks one header on its own; overlap and entry need all of them and are checked afterwards.
static int check_phdr(const elf_image_t *img, const phdr_t *h, uint64_t user_top)
{
    const elf_seg_t *s = &h->seg;
    if (h->type == PT_LOAD) {
        if (s->offset > img->size || s->filesz > img->size - s->offset)
            return ELF_ERR_SEGOUTSIDE;
        if (s->filesz > s->memsz)
            return ELF_ERR_FILESZ;
    }
    if (s->memsz == 0)
        return ELF_OK;
    if (s->vaddr > UINT64_MAX - s->memsz)
        return ELF_ERR_SEGOVERFLOW;
    if (s->vaddr + s->memsz > user_top)
        return ELF_ERR_SEGUSERTOP;
    return ELF_OK;
}

static bool overlap(const elf_seg_t *a, const elf_seg_t *b)
{
    return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

static int check_layout(const elf_image_t *img)
{
    bool entry_ok = false;
    for (unsigned i = 0; i < img->phnum; i++) {
        phdr_t a = read_phdr(img, i);
        if (!is_load(&a))
            continue;
        for (unsigned j = i + 1; j < img->phnum; j++) {
            phdr_t b = read_phdr(img, j);
            if (is_load(&b) && overlap(&a.seg, &b.seg))
                return ELF_ERR_SEGOVERLAP;
        }
        if ((a.seg.flags & PF_X) && img->entry >= a.seg.vaddr &&
            img->entry - a.seg.vaddr < a.seg.memsz)
            entry_ok = true;
    }
    if (img->nload == 0)
        return ELF_ERR_NOLOAD;
    return entry_ok ? ELF_OK : ELF_ERR_BADENTRY;
}

int elf_parse(elf_image_t *img, const void *data, size_t size, uint64_t user_top)
{
    const uint8_t *d = data;
    elf_image_t t = {.data = d, .size = size, .v_start = UINT64_MAX};
    *img = (elf_image_t){0};

    int err = check_header(d, size);
    if (err != ELF_OK)
        return err;
    t.entry = le(d + E_ENTRY, 8);
    t.phoff = le(d + E_PHOFF, 8);
    t.phnum = (unsigned)le(d + E_PHNUM, 2);
    if (t.phnum > ELF_MAX_PHNUM)
        return ELF_ERR_TOOMANYPHDRS;
    if (t.phoff > size || (uint64_t)t.phnum * PHDR_SIZE > size - t.phoff)
        return ELF_ERR_PHDRSOUTSIDE;

    uint64_t end = 0;
    for (unsigned i = 0; i < t.phnum; i++) {
        phdr_t h = read_phdr(&t, i);
        if ((err = check_phdr(&t, &h, user_top)) != ELF_OK)
            return err;
        if (h.seg.memsz == 0)
            continue;
        t.nload += is_load(&h);
        if (h.seg.vaddr < t.v_start)
            t.v_start = h.seg.vaddr;
        if (h.seg.vaddr + h.seg.memsz > end)
            end = h.seg.vaddr + h.seg.memsz;
    }
    if ((err = check_layout(&t)) != ELF_OK)
        return err;

    // Rounding up must stay below user_top too, or the last page would reach the kernel's half.
    t.v_start &= ~(uint64_t)(ELF_PAGE_SIZE - 1);
    if (end > UINT64_MAX - (ELF_PAGE_SIZE - 1))
        return ELF_ERR_SEGOVERFLOW;
    t.v_end = (end + ELF_PAGE_SIZE - 1) & ~(uint64_t)(ELF_PAGE_SIZE - 1);
    if (t.v_end > user_top)
        return ELF_ERR_SEGUSERTOP;
    *img = t;
    return ELF_OK;
}

int elf_load_segment(const elf_image_t *img, unsigned i, elf_seg_t *seg)
{
    if (i >= img->nload)
        return ELF_ERR_BADINDEX;
    for (unsigned k = 0; k < img->phnum; k++) {
        phdr_t h = read_phdr(img, k);
        if (is_load(&h) && i-- == 0) {
            *seg = h.seg;
            return ELF_OK;
        }
    }
    return ELF_ERR_BADINDEX;
}

const char *elf_strerror(int err)
{
    switch (err) {
    case ELF_OK:
        return "success";
    case ELF_ERR_TRUNCATED:
        return "ELF image truncated (smaller than its header)";
    case ELF_ERR_BADMAGIC:
        return "not an ELF image (bad magic)";
    case ELF_ERR_BADCLASS:
        return "ELF image is not 64-bit (ELFCLASS64)";
    case ELF_ERR_BADENDIAN:
        return "ELF image is not little-endian";
    case ELF_ERR_BADVERSION:
        return "ELF image is not ELF version 1 (EV_CURRENT)";
    case ELF_ERR_BADMACHINE:
        return "ELF image is not for AArch64 (EM_AARCH64)";
    case ELF_ERR_BADTYPE:
        return "ELF image is not a static executable (ET_EXEC)";
    case ELF_ERR_BADPHENTSIZE:
        return "ELF program header entry size is not 56";
    case ELF_ERR_TOOMANYPHDRS:
        return "ELF image has too many program headers (more than 64)";
    case ELF_ERR_PHDRSOUTSIDE:
        return "ELF program header table lies outside the image";
    case ELF_ERR_SEGOUTSIDE:
        return "ELF loadable segment's file bytes lie outside the image";
    case ELF_ERR_FILESZ:
        return "ELF segment's file size exceeds its memory size";
    case ELF_ERR_SEGOVERFLOW:
        return "ELF segment's address range wraps around";
    case ELF_ERR_SEGUSERTOP:
        return "ELF segment reaches the kernel's address range (at or above the user top)";
    case ELF_ERR_SEGOVERLAP:
        return "ELF loadable segments overlap";
    case ELF_ERR_NOLOAD:
        return "ELF image has no loadable segment";
    case ELF_ERR_BADENTRY:
        return "ELF entry point is not inside an executable segment";
    case ELF_ERR_BADINDEX:
        return "ELF segment index out of range";
    default:
        return "unknown ELF error";
    }
}
