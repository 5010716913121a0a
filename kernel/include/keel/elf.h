// SPDX-License-Identifier: BSD-2-Clause
// Validator and segment iterator for the ELF64 root-task image the kernel carries.
#pragma once

#include <stddef.h>
#include <stdint.h>

enum {
    PF_X = 1,
    PF_W = 2,
    PF_R = 4,
};

#define ELF_MAX_PHNUM 64
#define ELF_PAGE_SIZE 0x1000u

/*
 * Each refusal has its own code so the boot log says exactly what is wrong with the image.
 * Checks run in this order; the first that fails is reported.
 */
enum {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED = -1,       // smaller than an ELF64 header
    ELF_ERR_BADMAGIC = -2,        // not "\x7fELF"
    ELF_ERR_BADCLASS = -3,        // not ELFCLASS64
    ELF_ERR_BADENDIAN = -4,       // not little-endian
    ELF_ERR_BADVERSION = -5,      // e_ident[EI_VERSION] or e_version is not EV_CURRENT
    ELF_ERR_BADMACHINE = -6,      // not EM_AARCH64
    ELF_ERR_BADTYPE = -7,         // not ET_EXEC
    ELF_ERR_BADPHENTSIZE = -8,    // e_phentsize is not sizeof(Elf64_Phdr)
    ELF_ERR_TOOMANYPHDRS = -9,    // more than ELF_MAX_PHNUM program headers
    ELF_ERR_PHDRSOUTSIDE = -10,   // program header table not inside the file
    ELF_ERR_SEGOUTSIDE = -11,     // a PT_LOAD's file bytes not inside the file
    ELF_ERR_FILESZ = -12,         // p_filesz > p_memsz
    ELF_ERR_SEGOVERFLOW = -13,    // p_vaddr + p_memsz wraps around
    ELF_ERR_SEGUSERTOP = -14,     // a segment reaches user_top (where the kernel lives)
    ELF_ERR_SEGOVERLAP = -15,     // two PT_LOAD segments share virtual addresses
    ELF_ERR_NOLOAD = -16,         // no non-empty PT_LOAD
    ELF_ERR_BADENTRY = -17,       // e_entry not inside an executable PT_LOAD
    ELF_ERR_BADINDEX = -18,       // elf_load_segment() index >= nload
};

typedef struct {
    uint64_t vaddr, memsz, filesz, offset;
    uint32_t flags; // PF_*
} elf_seg_t;

/*
 * v_start/v_end bound the image the way seL4's elfloader does, so the root task sees the layout
 * it would under seL4: over every program header with p_memsz != 0 (not only PT_LOAD), lowest
 * p_vaddr rounded down and highest p_vaddr + p_memsz rounded up to ELF_PAGE_SIZE.
 * nload counts PT_LOAD headers with p_memsz != 0; empty ones are skipped by the iterator.
 */
typedef struct {
    const uint8_t *data;
    size_t size;
    uint64_t entry, v_start, v_end;
    unsigned phnum, nload;
    uint64_t phoff;
} elf_image_t;

// Every check is done here; on success elf_load_segment() cannot fail for i < nload.
int elf_parse(elf_image_t *img, const void *data, size_t size, uint64_t user_top);
int elf_load_segment(const elf_image_t *img, unsigned i, elf_seg_t *seg);
const char *elf_strerror(int err);
