// SPDX-License-Identifier: BSD-2-Clause
// System-call numbers and the svc stubs that follow the AArch64 register convention.
#pragma once

// Register use (ABI sheet §2.2): x7 = syscall number (sign-extended), x0 = CPtr or first
// argument, x1 = message info, x2..x5 = MR0..MR3. The kernel preserves every register it does not
// write, including x6, x8..x30, SP and the flags, so each stub names exactly the registers the
// sheet says a syscall writes and nothing more: anything wider would hide a kernel that corrupts
// a register it promised to keep. "memory" is on every stub because the kernel reads and writes
// the IPC buffer behind the compiler's back.

#include <keel/types.h>

typedef enum seL4_Syscall_ID {
    seL4_SysCall = -1,
    seL4_SysReplyRecv = -2,
    seL4_SysSend = -3,
    seL4_SysNBSend = -4,
    seL4_SysRecv = -5,
    seL4_SysReply = -6,
    seL4_SysYield = -7,
    seL4_SysNBRecv = -8,
    seL4_SysDebugPutChar = -9,
    seL4_SysDebugDumpScheduler = -10,
    seL4_SysDebugHalt = -11,
    seL4_SysDebugCapIdentify = -12,
    seL4_SysDebugSnapshot = -13,
    seL4_SysDebugNameThread = -14,
} seL4_Syscall_ID;

// The kernel range-checks the full 64-bit value, so -1 must reach x7 as 0xFFFF_FFFF_FFFF_FFFF and
// not as a zero-extended 32-bit pattern (§2.2).
static inline seL4_Word keel_sysno(seL4_Syscall_ID sys)
{
    return (seL4_Word)(long)sys;
}

// --- Raw stubs -----------------------------------------------------------------------------------

// Send, NBSend: the kernel writes no register.
static inline void keel_sys_send_only(seL4_Syscall_ID sys, seL4_CPtr dest, seL4_MessageInfo_t info,
                                      const seL4_Word mr[4])
{
    register seL4_Word x0 __asm__("x0") = dest;
    register seL4_Word x1 __asm__("x1") = info.words[0];
    register seL4_Word x2 __asm__("x2") = mr[0];
    register seL4_Word x3 __asm__("x3") = mr[1];
    register seL4_Word x4 __asm__("x4") = mr[2];
    register seL4_Word x5 __asm__("x5") = mr[3];
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    __asm__ __volatile__("svc #0"
                         :
                         : "r"(x0), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5), "r"(x7)
                         : "memory");
}

// Call, ReplyRecv: x0..x5 are both the outgoing message and the incoming one. MRs beyond the
// delivered length keep the values the caller put there, which is why mr[] is in/out.
static inline seL4_MessageInfo_t keel_sys_send_recv(seL4_Syscall_ID sys, seL4_CPtr dest,
                                                    seL4_MessageInfo_t info, seL4_Word mr[4],
                                                    seL4_Word *badge)
{
    register seL4_Word x0 __asm__("x0") = dest;
    register seL4_Word x1 __asm__("x1") = info.words[0];
    register seL4_Word x2 __asm__("x2") = mr[0];
    register seL4_Word x3 __asm__("x3") = mr[1];
    register seL4_Word x4 __asm__("x4") = mr[2];
    register seL4_Word x5 __asm__("x5") = mr[3];
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    __asm__ __volatile__("svc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                         : "r"(x7)
                         : "memory");
    mr[0] = x2;
    mr[1] = x3;
    mr[2] = x4;
    mr[3] = x5;
    if (badge) {
        *badge = x0;
    }
    return keel_msginfo_from_word(x1);
}

// Recv, NBRecv: x1..x5 go in as 0 because a notification (or an empty NBRecv) writes only x0 and
// leaves the rest as they were; starting from 0 makes "no message" read back as an empty tag.
static inline seL4_MessageInfo_t keel_sys_recv(seL4_Syscall_ID sys, seL4_CPtr src, seL4_Word mr[4],
                                               seL4_Word *badge)
{
    register seL4_Word x0 __asm__("x0") = src;
    register seL4_Word x1 __asm__("x1") = 0;
    register seL4_Word x2 __asm__("x2") = 0;
    register seL4_Word x3 __asm__("x3") = 0;
    register seL4_Word x4 __asm__("x4") = 0;
    register seL4_Word x5 __asm__("x5") = 0;
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    __asm__ __volatile__("svc #0"
                         : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
                         : "r"(x7)
                         : "memory");
    if (mr) {
        mr[0] = x2;
        mr[1] = x3;
        mr[2] = x4;
        mr[3] = x5;
    }
    if (badge) {
        *badge = x0;
    }
    return keel_msginfo_from_word(x1);
}

// Reply: x0 is ignored by the kernel and nothing is written back.
static inline void keel_sys_reply_only(seL4_MessageInfo_t info, const seL4_Word mr[4])
{
    register seL4_Word x1 __asm__("x1") = info.words[0];
    register seL4_Word x2 __asm__("x2") = mr[0];
    register seL4_Word x3 __asm__("x3") = mr[1];
    register seL4_Word x4 __asm__("x4") = mr[2];
    register seL4_Word x5 __asm__("x5") = mr[3];
    register seL4_Word x7 __asm__("x7") = keel_sysno(seL4_SysReply);
    __asm__ __volatile__("svc #0"
                         :
                         : "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5), "r"(x7)
                         : "memory");
}

// Yield, DebugDumpScheduler, DebugSnapshot: no argument, no result.
static inline void keel_sys_noarg(seL4_Syscall_ID sys)
{
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    __asm__ __volatile__("svc #0" : : "r"(x7) : "memory");
}

// DebugPutChar, DebugNameThread: one argument in x0, nothing written.
static inline void keel_sys_arg(seL4_Syscall_ID sys, seL4_Word arg)
{
    register seL4_Word x0 __asm__("x0") = arg;
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    __asm__ __volatile__("svc #0" : : "r"(x0), "r"(x7) : "memory");
}

// DebugCapIdentify: x0 in, x0 out.
static inline seL4_Word keel_sys_arg_ret(seL4_Syscall_ID sys, seL4_Word arg)
{
    register seL4_Word x0 __asm__("x0") = arg;
    register seL4_Word x7 __asm__("x7") = keel_sysno(sys);
    __asm__ __volatile__("svc #0" : "+r"(x0) : "r"(x7) : "memory");
    return x0;
}

// --- API syscalls --------------------------------------------------------------------------------

static inline seL4_MessageInfo_t keel_call(seL4_CPtr dest, seL4_MessageInfo_t info, seL4_Word mr[4])
{
    return keel_sys_send_recv(seL4_SysCall, dest, info, mr, NULL);
}

static inline void keel_send(seL4_CPtr dest, seL4_MessageInfo_t info, const seL4_Word mr[4])
{
    keel_sys_send_only(seL4_SysSend, dest, info, mr);
}

static inline void keel_nbsend(seL4_CPtr dest, seL4_MessageInfo_t info, const seL4_Word mr[4])
{
    keel_sys_send_only(seL4_SysNBSend, dest, info, mr);
}

static inline seL4_MessageInfo_t keel_recv(seL4_CPtr src, seL4_Word mr[4], seL4_Word *badge)
{
    return keel_sys_recv(seL4_SysRecv, src, mr, badge);
}

static inline seL4_MessageInfo_t keel_nbrecv(seL4_CPtr src, seL4_Word mr[4], seL4_Word *badge)
{
    return keel_sys_recv(seL4_SysNBRecv, src, mr, badge);
}

static inline void keel_reply(seL4_MessageInfo_t info, const seL4_Word mr[4])
{
    keel_sys_reply_only(info, mr);
}

static inline seL4_MessageInfo_t keel_reply_recv(seL4_CPtr src, seL4_MessageInfo_t reply,
                                                 seL4_Word mr[4], seL4_Word *badge)
{
    return keel_sys_send_recv(seL4_SysReplyRecv, src, reply, mr, badge);
}

static inline void keel_yield(void)
{
    keel_sys_noarg(seL4_SysYield);
}
