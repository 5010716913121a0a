# SPDX-License-Identifier: BSD-2-Clause
# Cross toolchain: Clang + LLD building the freestanding kernel for aarch64.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(CMAKE_C_COMPILER_TARGET aarch64-none-elf)
set(CMAKE_ASM_COMPILER_TARGET aarch64-none-elf)
set(CMAKE_OBJCOPY llvm-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_NM llvm-nm CACHE FILEPATH "nm")
set(KEEL_COMPILER clang)
set(KEEL_LINKER_FLAGS "-fuse-ld=lld")
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
