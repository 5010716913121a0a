# SPDX-License-Identifier: BSD-2-Clause
# Cross toolchain for Keel user programs: Debian's aarch64-linux-gnu-gcc on picolibc.

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(KEEL_CROSS_PREFIX "aarch64-linux-gnu-" CACHE STRING "Prefix of the AArch64 GNU tools")
set(KEEL_PICOLIBC_SPECS "/usr/lib/picolibc/aarch64-linux-gnu/picolibc.specs"
    CACHE FILEPATH "picolibc specs file (package picolibc-aarch64-linux-gnu)")
if(NOT EXISTS "${KEEL_PICOLIBC_SPECS}")
    message(FATAL_ERROR "picolibc specs not found at ${KEEL_PICOLIBC_SPECS}; "
                        "run tools/setup.sh to install picolibc-aarch64-linux-gnu")
endif()

set(CMAKE_C_COMPILER "${KEEL_CROSS_PREFIX}gcc")
set(CMAKE_ASM_COMPILER "${KEEL_CROSS_PREFIX}gcc")

# The Linux-targeting compiler defaults to PIE and to its own crt files; user programs are static
# executables at a fixed address with Keel's own startup code instead.
set(CMAKE_C_FLAGS_INIT "--specs=${KEEL_PICOLIBC_SPECS} -fno-pie")
set(CMAKE_ASM_FLAGS_INIT "--specs=${KEEL_PICOLIBC_SPECS} -fno-pie")
# CMake also passes the C flags to the link step, so the specs are not repeated here (gcc rejects a
# specs file read twice).
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "-static -no-pie -nostartfiles -Wl,-z,max-page-size=4096 -Wl,-z,common-page-size=4096")

# Compiler checks cannot link a program before the startup code exists.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
