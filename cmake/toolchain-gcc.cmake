# SPDX-License-Identifier: BSD-2-Clause
# Cross toolchain: GNU aarch64-linux-gnu-gcc building the freestanding kernel.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_ASM_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_OBJCOPY aarch64-linux-gnu-objcopy CACHE FILEPATH "objcopy")
set(CMAKE_NM aarch64-linux-gnu-nm CACHE FILEPATH "nm")
set(KEEL_COMPILER gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
