// SPDX-License-Identifier: BSD-2-Clause
// Kernel objects as they live in retyped memory: slots, TCBs, endpoints, notifications.
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <arch/context.h>
#include <keel/cap.h>

/* Object sizes of the seL4 AArch64 ABI (sheet §4.5, §7.1). */
#define SLOT_BITS          5
#define TCB_BITS           11
#define ENDPOINT_BITS      4
#define NOTIFICATION_BITS  5
#define PAGE_TABLE_BITS    12
#define VSPACE_BITS        12
#define ASID_POOL_BITS     12
#define MIN_UNTYPED_BITS   4
#define MAX_UNTYPED_BITS   47

/* seL4_ObjectType (§7.1). */
enum {
    OBJ_UNTYPED = 0,
    OBJ_TCB = 1,
    OBJ_ENDPOINT = 2,
    OBJ_NOTIFICATION = 3,
    OBJ_CNODE = 4,
    OBJ_HUGE_PAGE = 5,
    OBJ_VSPACE = 6,
    OBJ_SMALL_PAGE = 7,
    OBJ_LARGE_PAGE = 8,
    OBJ_PAGE_TABLE = 9,
    OBJ_TYPE_COUNT = 10,
};

/*
 * A capability slot: the cap and its place in the derivation tree. The tree is kept as one
 * doubly linked list in depth-first order (a cap's descendants follow it); who is whose child
 * is decided from the caps themselves (cdt.c), so removing a slot never rewrites others.
 * prev/next hold slot addresses; bit 0 of prev is "revocable" (this cap may have children),
 * bit 0 of next is "first badged" (the first cap carrying its badge). Bits 3:1 of prev are
 * non-zero only for a TCB's own slots (index + 1): emptying such a slot must reach the TCB,
 * which keeps decoded copies of its CSpace and VSpace roots for the fastpath.
 */
typedef struct cte {
    cap_t cap;
    uint64_t prev;
    uint64_t next;
} __attribute__((aligned(32))) cte_t;   /* the link words' low 5 bits carry flags */

_Static_assert(sizeof(cte_t) == (1u << SLOT_BITS), "a slot is 32 bytes (seL4_SlotBits)");

#define CTE_PREV_FLAGS   15UL      /* revocable | TCB slot index + 1 */
#define CTE_TCB_SLOT(s)  ((unsigned)(((s)->prev >> 1) & 7))   /* 0: not a TCB slot */

/* Thread states (ABI §13.7). */
typedef enum {
    TS_INACTIVE = 0,
    TS_RUNNING,
    TS_RESTART,
    TS_BLOCKED_ON_RECEIVE,
    TS_BLOCKED_ON_SEND,
    TS_BLOCKED_ON_REPLY,
    TS_BLOCKED_ON_NOTIFICATION,
    TS_IDLE,
} thread_state_t;

/* The slots every TCB carries. */
enum {
    TCB_SLOT_CSPACE = 0,
    TCB_SLOT_VSPACE,
    TCB_SLOT_REPLY,      /* the master reply cap: "this thread may be replied to" */
    TCB_SLOT_CALLER,     /* the reply cap of the thread this one must answer */
    TCB_SLOT_BUFFER,     /* the IPC buffer's frame */
    TCB_SLOT_COUNT,
};

struct endpoint;
struct notification;

/* Which invocation a thread had in progress when a preemption point stopped it (the invoked
 * slot and cap, label, argument words, the address of its svc) and how many units of work it
 * completed. The thread's next object invocation takes the record; only the same invocation
 * makes use of it (INV-SCHED-5). */
typedef struct {
    const cte_t *slot; /* NULL: nothing recorded */
    cap_t cap;
    uint64_t label, pc;
    uint64_t args[6];
    uint64_t done;
} resume_record_t;

typedef struct tcb {
    cte_t slots[TCB_SLOT_COUNT];
    user_context_t ctx;
    uint64_t restart_pc;          /* seL4's FaultIP: where a Restart resumes */
    thread_state_t state;
    uint8_t priority;
    uint8_t mcp;
    uint8_t domain;
    uint8_t time_slice;
    /* What the thread is blocked on and the details of its pending operation. */
    void *blocked_on;
    uint64_t blocking_badge;
    bool blocking_can_grant;
    bool blocking_can_grant_reply;
    bool blocking_is_call;
    uint64_t ipc_buffer;          /* user address, 0 = none */
    uint64_t fault_ep;            /* CPtr looked up at fault time */
    /* TTBR0 for this thread's VSpace, valid while vs_gen equals the ASID generation (the
     * fastpath's cheap form of "the VSpace cap has an ASID that still names it"). */
    uint64_t vs_ttbr0;
    uint64_t vs_gen;
    /* The CSpace root's first level, decoded for the fastpath (tcb_cspace_changed); valid
     * while cs_slots != NULL, i.e. while the CSpace slot holds a CNode cap. */
    cte_t *cs_slots;
    uint64_t cs_mask;             /* index bits */
    uint64_t cs_guard_hi;         /* guard << radix */
    uint64_t cs_shift_single;     /* 64 - (radix + guard size); bit 8: one level covers 64 */
    uint64_t reply_w0;            /* word 0 of a non-master, non-granting reply cap to us */
    uint64_t *ipcbuf;             /* the IPC buffer through the buffer frame cap, NULL: none */
    bool ipcbuf_rw;               /* ... and the kernel may write it */
    uint64_t fault_type;          /* pending fault (seL4_Fault_* label), 0 = none */
    uint64_t fault_w[6];          /* its details, composed into a message at delivery */
    struct notification *bound_notification;
    /* Queues: ready queue and endpoint/notification waiters. */
    struct tcb *sched_next, *sched_prev;
    struct tcb *ep_next, *ep_prev;
    /* FP/SIMD state: V0..V31, FPSR, FPCR. */
    __attribute__((aligned(16))) uint64_t fpregs[64];
    uint64_t fpsr, fpcr;
    char name[64];
    /* A long invocation stopped at a preemption point (INV-SCHED-5); see resume_record_t. */
    resume_record_t resume;
} tcb_t;

_Static_assert(sizeof(tcb_t) <= (1u << TCB_BITS), "TCB fits its 2 KiB object");

typedef enum { EP_IDLE = 0, EP_SEND = 1, EP_RECV = 2 } ep_state_t;

/* 16 bytes: queue head with the state in its low bits (TCBs are 2 KiB aligned), queue tail. */
typedef struct endpoint {
    uint64_t head_state;
    tcb_t *tail;
} endpoint_t;

_Static_assert(sizeof(endpoint_t) == (1u << ENDPOINT_BITS), "endpoint is 16 bytes");

typedef enum { NTFN_IDLE = 0, NTFN_WAITING = 1, NTFN_ACTIVE = 2 } ntfn_state_t;

typedef struct notification {
    uint64_t head_state;          /* waiter queue head | state */
    tcb_t *tail;
    uint64_t word;                /* pending badges, OR-ed */
    tcb_t *bound_tcb;
} notification_t;

_Static_assert(sizeof(notification_t) == (1u << NOTIFICATION_BITS), "notification is 32 bytes");

/* Turning a capability's physical address into the object: the kernel's physical window
 * (inline, it is on every path); host tests supply their own arena. */
#ifdef KEEL_KERNEL
#include <arch/memlayout.h>
static inline void *obj_ptr(uint64_t paddr) { return (void *)(paddr + KERNEL_PHYSMAP_BASE); }
static inline uint64_t obj_paddr(const void *p) { return (uint64_t)p - KERNEL_PHYSMAP_BASE; }
#else
void *obj_ptr(uint64_t paddr);
uint64_t obj_paddr(const void *p);
#endif

static inline cte_t *cnode_slots(cap_t c) { return (cte_t *)obj_ptr(cap_paddr(c)); }
static inline tcb_t *cap_tcb(cap_t c) { return (tcb_t *)obj_ptr(cap_paddr(c)); }
