/* SPDX-License-Identifier: BSD-2-Clause */
/* Keel's endpoint/notification/reply-cap protocol as implemented (slowpath, fastpath, cancel paths), for SPIN. */

/*
 * What this is. A Promela transcription of the IPC code of Keel, function by function:
 *
 *   k_send          ipc_send                    kernel/object/endpoint.c
 *   k_receive       ipc_receive                 kernel/object/endpoint.c
 *   k_reply         ipc_reply                   kernel/object/endpoint.c
 *   k_ntfn_receive  notification_receive        kernel/object/endpoint.c
 *   k_signal        notification_signal         kernel/object/notification.c
 *   k_cancel        ipc_cancel                  kernel/object/objects.c
 *   k_delete_ep     endpoint_cancel_all         kernel/object/objects.c (object_finalise)
 *   k_delete_ntfn   notification_unbind + notification_cancel_all (object_finalise)
 *   k_cancel_badged endpoint_cancel_badged_sends kernel/object/objects.c
 *   k_suspend       tcb_suspend                 kernel/object/tcb.c
 *   k_resume        tcb_resume                  kernel/object/tcb.c
 *   k_bind/k_unbind bind_notification / INV_TCB_UNBIND_NOTIFICATION in decode_tcb (tcb.c)
 *   k_syscall       syscall_handle, handle_send, handle_recv (kernel/api/syscall.c)
 *   fast_call       fastpath_call               kernel/fastpath/fastpath.c
 *   fast_reply_recv fastpath_reply_recv         kernel/fastpath/fastpath.c
 *
 * One kernel entry is one atomic step (Keel is single-core and runs with interrupts masked;
 * the preemption points of delete/revoke are outside this model). The scheduler is abstracted:
 * every Running or Restart thread may take the next step (all interleavings), which includes
 * every choice the real scheduler can make.
 *
 * Abstractions (what a value stands for):
 *   - threads 0..NT-1; one object id per endpoint (0..NEP-1) and NTFN for the notification;
 *   - a queue is an array in FIFO order (the kernel's doubly linked ep_next/ep_prev list);
 *     os[o] holds the low two bits of head_state (EP_* or NTFN_* values of object.h);
 *   - thread t's endpoint cap has badge EB(t) and rights from CAP_G/CAP_GR/RCAP_G below, its
 *     notification cap badge SB(t) (one bit, so ORs are visible), Read and Write;
 *   - registers: x0 (badge / word / 0), and for x1..x5 only *what* arrived (rxk) and from whom
 *     (rxf); message contents are abstracted to the identity of the sender's current attempt;
 *   - a caller slot holds "reply cap to thread c" (cs) and its Grant bit (csg); the master reply
 *     cap of every thread is implicit, its child is the one slot with cs == that thread;
 *   - restart_pc is the bit rpn: 0 = the svc (syscall entry), 1 = the next instruction
 *     (tcb_suspend of a Running thread);
 *   - no faults other than capability faults on a deleted object; no fault handlers (a cap fault
 *     makes the thread Inactive, thread_fault's "no handler" case); no cap transfer, no IPC
 *     buffers, no priorities, no SaveCaller (the reply cap never leaves the caller slot).
 *
 * Dead fields. The kernel leaves blocked_on, blocking_* and the queue links of a thread that is
 * no longer blocked as they were (the fastpath even leaves blocked_on set). Every read of such a
 * field below asserts the thread is in the state where the field is live; given that, the model
 * resets dead fields after each step (normalise) so that stale values do not multiply states.
 *
 * Checks (proofs-notes/ipc.md has the list and what each one means): check() after every
 * step (INV-IPC-1, -3..-10, -13), the read-site asserts (INV-IPC-12), observe() when a system
 * call returns (INV-IPC-8, -10, -11), ksame() after each fastpath-eligible Call/ReplyRecv
 * (INV-FP-1 at model level), quiescent_check() when nothing can move (INV-IPC-14), and in the
 * LIVE configuration two LTL claims under weak fairness.
 *
 * Parameters (cpp, spin -DNAME=VALUE): NT, NEP, LEN, ADV, BOUND, NOGRANT, OPS0..OPS2 (safety
 * runs); LIVE, LTL, LIVE_SIGNALS (liveness runs); NOFP (no fastpath comparison); STRICT_BIND
 * and BUG_* (deliberately broken variants, each expected to fail: proofs/model/checks.json).
 * A counter-example is replayed with `spin -t -T -DNAME... ipc.pml`; its `trail:` lines are the
 * system calls and adversary steps taken.
 */

/* ---------------------------------------------------------------- parameters */

#ifndef NT
#define NT 3            /* threads (2 or 3; the queues hold NT entries) */
#endif
#ifndef NEP
#define NEP 1           /* endpoints (1 or 2) */
#endif
#ifndef LEN
#define LEN 3           /* system calls per thread program */
#endif
#ifndef ADV
#define ADV 2           /* adversary steps (Suspend, Resume, deletions, CancelBadgedSends, Bind, Unbind) */
#endif
#ifndef BOUND
#define BOUND 0         /* thread initially bound to the notification (NONE: unbound) */
#endif
#ifndef NOGRANT
#define NOGRANT NONE    /* a thread whose endpoint cap has neither Grant nor GrantReply */
#endif
/* Which system calls each thread's program may use (bit OP_x). */
#ifndef OPS0
#define OPS0 2046
#endif
#ifndef OPS1
#define OPS1 2046
#endif
#ifndef OPS2
#define OPS2 2046
#endif

#define NONE 15
#define NTFN NEP                 /* object id of the notification */
#define NQ 3                     /* queues: endpoints 0..NEP-1, then the notification */
#define QLEN 3                   /* a thread is in at most one queue: NT entries suffice */
#define QSZ 9                    /* NQ * QLEN */

/* thread_state_t (object.h) */
#define INACTIVE 0
#define RUNNING  1
#define RESTART  2
#define BRECV    3
#define BSEND    4
#define BREPLY   5
#define BNTFN    6

/* ep_state_t and ntfn_state_t (object.h) */
#define E_IDLE   0
#define E_SEND   1
#define E_RECV   2
#define N_IDLE   0
#define N_WAIT   1
#define N_ACTIVE 2

/* what the registers say arrived */
#define RX_NONE  0
#define RX_MSG   1   /* an endpoint message: x0 = badge, x1.. = the message */
#define RX_REPLY 2   /* a reply: x0 = 0 */
#define RX_SIG   3   /* a signal delivered directly: x0 = the signaller's badge */
#define RX_WORD  4   /* an Active notification's word consumed: x0 = word */
#define RX_EMPTY 5   /* NBRecv/Poll found nothing: x0 = 0 */

/* system calls of a thread program (Signal = Send, Wait = Recv, Poll = NBRecv on the notification cap) */
#define OP_CALL      1
#define OP_SEND      2
#define OP_NBSEND    3
#define OP_RECV      4
#define OP_NBRECV    5
#define OP_REPLY     6
#define OP_REPLYRECV 7
#define OP_SIGNAL    8
#define OP_WAIT      9
#define OP_POLL      10

#define EB(t)      ((t) + 1)                         /* badge of t's endpoint cap */
#define SB(t)      (1 << (t))                        /* badge of t's notification cap */
#define CAP_G(t)   ((t) != 2 && (t) != NOGRANT)      /* t's endpoint cap has Grant */
#define CAP_GR(t)  ((t) != 1 && (t) != NOGRANT)      /* ... GrantReply */
#define RCAP_G(t)  ((t) != 1)                        /* Grant of the cap t receives with */
#define OPS(t)     ((t) == 0 -> OPS0 : ((t) == 1 -> OPS1 : OPS2))
#define ALLOW(t, o) (((OPS(t)) >> (o)) & 1)

#define BLOCKED_ON_OBJECT(S, t) (S.st[t] == BSEND || S.st[t] == BRECV || S.st[t] == BNTFN)

/* ---------------------------------------------------------------- state */

typedef Kernel {
    /* TCBs */
    byte st[NT];        /* state */
    byte bo[NT];        /* blocked_on (object id) */
    byte bbadge[NT];    /* blocking_badge */
    bool bgrant[NT];    /* blocking_can_grant */
    bool bgr[NT];       /* blocking_can_grant_reply */
    bool bcall[NT];     /* blocking_is_call */
    bool rpn[NT];       /* restart_pc is the next instruction (else the svc) */
    byte cs[NT];        /* caller slot: reply cap to thread cs[t], or NONE */
    bool csg[NT];       /* ... with Grant */
    byte x0[NT];        /* registers */
    byte rxk[NT];
    byte rxf[NT];
    /* endpoints and the notification */
    byte q[QSZ];        /* queue o is q[o*QLEN .. o*QLEN + qn[o] - 1], head first */
    byte qn[NQ];
    byte os[NQ];        /* head_state & 3 */
    bool alive[NQ];     /* some cap to the object exists */
    byte nw;            /* notification word */
    byte nb;            /* bound_tcb (NONE) */
    /* ghost */
    byte dcnt[NT];      /* how often t's current message has been delivered */
    byte callee[NT];    /* who received t's current Call (and holds the reply cap) */
    byte gacc;          /* OR of the signals since the word was last consumed */
    bool lateb;         /* a bound receiver blocked before the binding to an Active notification */
}

Kernel K;               /* the kernel */
hidden Kernel G;        /* the fastpath's copy (not part of the state vector) */

/* user level: each thread's program counter, current system call and argument */
byte upc[NT];
byte uop[NT];
byte uep[NT];
bool infl[NT];          /* the current system call was issued and has not been observed yet */
#ifdef LIVE
#ifndef LIVE_SIGNALS
#define LIVE_SIGNALS 2
#endif
byte lsig;              /* signals sent so far (255: unbounded) */
#endif

/* scratch (each use is initialised first; not part of the state vector) */
hidden byte qi, qk, sr, rs, rc, cr, sgb, ii, jj, nfound, where, at, ae;
hidden byte sgr, act, fpm, occ, rmask;
hidden byte fresh;

/* ---------------------------------------------------------------- queues (endpoint.c / objects.c) */

/* q_append: the state bits are written in both branches. */
inline q_append(S, o, t, stv)
{
    assert(S.qn[o] < QLEN);
    S.q[(o) * QLEN + S.qn[o]] = t;
    S.qn[o]++;
    S.os[o] = stv
}

/* q_pop (endpoints) and the Waiting case of notification_signal: an empty queue is state 0. */
inline q_pop(S, o, out)
{
    assert(S.qn[o] > 0);
    out = S.q[(o) * QLEN];
    qi = 0;
    do
    :: qi + 1 < S.qn[o] -> S.q[(o) * QLEN + qi] = S.q[(o) * QLEN + qi + 1]; qi++
    :: else -> break
    od;
    S.qn[o]--;
    S.q[(o) * QLEN + S.qn[o]] = NONE;
    if
    :: S.qn[o] == 0 -> S.os[o] = 0
    :: else
    fi
}

/* queue_remove: t must be in the queue (the kernel would corrupt the list otherwise). */
inline q_remove(S, o, t)
{
    qk = 0;
    do
    :: qk < S.qn[o] && S.q[(o) * QLEN + qk] != t -> qk++
    :: else -> break
    od;
    assert(qk < S.qn[o]);
    do
    :: qk + 1 < S.qn[o] -> S.q[(o) * QLEN + qk] = S.q[(o) * QLEN + qk + 1]; qk++
    :: else -> break
    od;
    S.qn[o]--;
    S.q[(o) * QLEN + S.qn[o]] = NONE;
    if
    :: S.qn[o] == 0 -> S.os[o] = 0
    :: else
    fi
}

/* ---------------------------------------------------------------- cancel paths (objects.c, tcb.c) */

inline k_cancel(S, t)   /* ipc_cancel */
{
    if
    :: S.st[t] == BSEND || S.st[t] == BRECV ->
#ifndef BUG_CANCEL_NO_DEQUEUE
        assert(S.bo[t] < NEP);
        q_remove(S, S.bo[t], t)
#else
        skip    /* BUG: the thread stays in the endpoint queue */
#endif
    :: S.st[t] == BNTFN ->
        assert(S.bo[t] == NTFN);
        q_remove(S, NTFN, t);
        if
        :: S.qn[NTFN] == 0 -> S.os[NTFN] = N_IDLE
        :: else
        fi
    :: S.st[t] == BREPLY ->
#ifndef BUG_CANCEL_KEEPS_REPLY
        /* the child of t's master reply cap, wherever it is, is deleted */
        cr = 0;
        do
        :: cr < NT && S.cs[cr] != t -> cr++
        :: else -> break
        od;
        if
        :: cr < NT -> S.cs[cr] = NONE; S.csg[cr] = false
        :: else
        fi
#else
        skip    /* BUG: the server keeps a reply cap to a thread that no longer waits */
#endif
    :: else
    fi;
    S.bo[t] = NONE
}

inline restart_thread(S, t)
{
    S.bo[t] = NONE;
    S.st[t] = RESTART
}

inline k_delete_ep(S, e)     /* last cap deleted: object_finalise -> endpoint_cancel_all */
{
    S.alive[e] = false;
#ifndef BUG_DELETE_NO_RESTART
    do
    :: S.qn[e] > 0 -> q_pop(S, e, rs); restart_thread(S, rs)
    :: else -> break
    od;
#endif
    S.os[e] = E_IDLE
}

inline k_delete_ntfn(S)      /* object_finalise: notification_unbind, notification_cancel_all */
{
    S.alive[NTFN] = false;
    S.nb = NONE;
    if
    :: S.os[NTFN] == N_WAIT ->
        do
        :: S.qn[NTFN] > 0 -> q_pop(S, NTFN, rs); restart_thread(S, rs)
        :: else -> break
        od;
        S.os[NTFN] = N_IDLE
    :: else
    fi
}

inline k_cancel_badged(S, e, badge)   /* endpoint_cancel_badged_sends */
{
    if
    :: S.os[e] == E_SEND ->
        ii = 0;
        do
        :: ii < S.qn[e] ->
            rs = S.q[(e) * QLEN + ii];
            assert(S.st[rs] == BSEND);
            if
            :: S.bbadge[rs] == badge -> q_remove(S, e, rs); restart_thread(S, rs)
            :: else -> ii++
            fi
        :: else -> break
        od
    :: else
    fi
}

inline k_suspend(S, t)       /* tcb_suspend */
{
    k_cancel(S, t);
    if
    :: S.st[t] == RUNNING -> S.rpn[t] = true
    :: else
    fi;
    S.st[t] = INACTIVE
}

inline k_resume(S, t)        /* tcb_resume */
{
    if
    :: S.st[t] == INACTIVE || S.st[t] == BRECV || S.st[t] == BSEND ||
       S.st[t] == BREPLY || S.st[t] == BNTFN ->
        k_cancel(S, t);
        S.st[t] = RESTART
    :: else
    fi
}

inline k_bind(S, t)          /* bind_notification (errors leave everything unchanged) */
{
    if
    :: S.alive[NTFN] && S.nb == NONE && S.os[NTFN] != N_WAIT ->
        S.nb = t;
        S.lateb = (S.st[t] == BRECV && S.os[NTFN] == N_ACTIVE)
    :: else
    fi
}

/* ---------------------------------------------------------------- endpoints (endpoint.c) */

inline transfer(S, s, badge, r)   /* do_transfer of a normal message */
{
    S.x0[r] = badge;
    S.rxk[r] = RX_MSG;
    S.rxf[r] = s;
    S.dcnt[s]++
}

inline setup_caller_cap(S, caller, r, grant)
{
    S.st[caller] = BREPLY;
    S.cs[r] = NONE;          /* cte_delete_one: a reply cap's deletion wakes nobody */
    S.csg[r] = false;
    S.cs[r] = caller;        /* cdt_insert_derived(master of caller, caller slot of r) */
    S.csg[r] = grant;
    S.callee[caller] = r
}

inline complete_call(S, caller, g, gr, r, grant)
{
    if
    :: g || gr -> setup_caller_cap(S, caller, r, grant)
    :: else -> S.st[caller] = INACTIVE
    fi
}

inline k_send(S, t, e, blocking, is_call)   /* ipc_send with t's cap on e */
{
    if
    :: S.os[e] != E_RECV ->
        if
        :: blocking ->
            S.bo[t] = e;
            S.bbadge[t] = EB(t);
            S.bgrant[t] = CAP_G(t);
            S.bgr[t] = CAP_GR(t);
            S.bcall[t] = is_call;
            S.st[t] = BSEND;
            q_append(S, e, t, E_SEND)
        :: else
        fi
    :: else ->
        q_pop(S, e, sr);
        assert(S.st[sr] == BRECV && S.bo[sr] == e);
        S.bo[sr] = NONE;
        transfer(S, t, EB(t), sr);
        sgr = S.bgrant[sr];
        S.st[sr] = RUNNING;
        if
        :: is_call -> complete_call(S, t, CAP_G(t), CAP_GR(t), sr, sgr)
        :: else
        fi
    fi
}

inline consume_word(S, t)
{
    S.x0[t] = S.nw;
    S.rxk[t] = RX_WORD;
    assert(S.nw == S.gacc);      /* the word is the OR of the signals since it was last consumed */
    S.gacc = 0;
#ifndef BUG_WORD_NOT_CLEARED
    S.nw = 0;
#endif
    S.os[NTFN] = N_IDLE
}

inline k_receive(S, t, e, blocking)   /* ipc_receive on e */
{
#ifndef BUG_RECV_KEEPS_CALLER
    S.cs[t] = NONE;              /* cte_delete_one(caller slot) */
    S.csg[t] = false;
#endif
    if
    :: S.nb == t && S.os[NTFN] == N_ACTIVE -> consume_word(S, t)
    :: else ->
        if
        :: S.os[e] != E_SEND ->
            if
            :: blocking ->
                S.bo[t] = e;
                S.bgrant[t] = RCAP_G(t);
                S.st[t] = BRECV;
                q_append(S, e, t, E_RECV)
            :: else ->
                S.x0[t] = 0;
                S.rxk[t] = RX_EMPTY
            fi
        :: else ->
            q_pop(S, e, rs);
            assert(S.st[rs] == BSEND && S.bo[rs] == e);
            S.bo[rs] = NONE;
            transfer(S, rs, S.bbadge[rs], t);
            if
            :: S.bcall[rs] -> complete_call(S, rs, S.bgrant[rs], S.bgr[rs], t, RCAP_G(t))
            :: else -> S.st[rs] = RUNNING
            fi
        fi
    fi
}

inline k_reply(S, rp)        /* ipc_reply through rp's caller slot */
{
    rc = S.cs[rp];
    if
    :: rc != NONE ->
        S.cs[rp] = NONE;
        S.csg[rp] = false;
        if
        :: S.st[rc] == BREPLY ->
            assert(S.callee[rc] == rp);   /* the reply goes to the thread whose Call rp received */
            S.x0[rc] = 0;
            S.rxk[rc] = RX_REPLY;
            S.rxf[rc] = rp;
#ifndef BUG_REPLY_NO_WAKE
            S.st[rc] = RUNNING
#else
            skip    /* BUG: the caller is never woken */
#endif
        :: else
        fi
    :: else
    fi
}

/* ---------------------------------------------------------------- notifications */

inline k_signal(S, badge)    /* notification_signal */
{
    if
    :: S.os[NTFN] == N_IDLE ->
        sgb = S.nb;
        if
        :: sgb != NONE && S.st[sgb] == BRECV ->
#ifndef BUG_SIGNAL_NO_CANCEL
            k_cancel(S, sgb);
#endif
            S.x0[sgb] = badge;
            S.rxk[sgb] = RX_SIG;
            S.st[sgb] = RUNNING
        :: else ->
            S.os[NTFN] = N_ACTIVE;
            S.nw = badge;
            S.gacc = S.gacc | badge
        fi
    :: S.os[NTFN] == N_WAIT ->
        q_pop(S, NTFN, sgb);
        assert(S.st[sgb] == BNTFN && S.bo[sgb] == NTFN);
        S.bo[sgb] = NONE;
        S.x0[sgb] = badge;
        S.rxk[sgb] = RX_SIG;
        S.st[sgb] = RUNNING
    :: else ->
#ifndef BUG_SIGNAL_OVERWRITES
        S.nw = S.nw | badge;
#else
        S.nw = badge;
#endif
        S.gacc = S.gacc | badge
    fi
}

inline k_ntfn_receive(S, t, blocking)   /* notification_receive */
{
    if
    :: S.os[NTFN] == N_ACTIVE -> consume_word(S, t)
    :: else ->
        if
        :: blocking ->
            S.bo[t] = NTFN;
            S.st[t] = BNTFN;
            q_append(S, NTFN, t, N_WAIT)
        :: else ->
            S.x0[t] = 0;
            S.rxk[t] = RX_EMPTY
        fi
    fi
}

/* ---------------------------------------------------------------- system calls (syscall.c) */

/* A capability fault with no fault handler: thread_fault makes the thread Inactive. */
#define CAP_FAULT(S, t) S.st[t] = INACTIVE

inline k_recv_ep(S, t, e, blocking)    /* handle_recv on an endpoint cap (Read: all caps have it) */
{
    if
    :: S.alive[e] -> k_receive(S, t, e, blocking)
    :: else -> CAP_FAULT(S, t)
    fi
}

inline k_syscall(S, t, op, e)
{
    S.rpn[t] = false;        /* t->restart_pc = the svc */
    if
    :: op == OP_CALL ->
        if
        :: S.alive[e] -> k_send(S, t, e, true, true)
        :: else -> CAP_FAULT(S, t)
        fi
    :: op == OP_SEND ->
        if
        :: S.alive[e] -> k_send(S, t, e, true, false)
        :: else -> CAP_FAULT(S, t)
        fi
    :: op == OP_NBSEND ->
        if
        :: S.alive[e] -> k_send(S, t, e, false, false)
        :: else            /* NBSend ignores lookup failures */
        fi
    :: op == OP_RECV -> k_recv_ep(S, t, e, true)
    :: op == OP_NBRECV -> k_recv_ep(S, t, e, false)
    :: op == OP_REPLY -> k_reply(S, t)
    :: op == OP_REPLYRECV -> k_reply(S, t); k_recv_ep(S, t, e, true)
    :: op == OP_SIGNAL ->
        if
        :: S.alive[NTFN] -> k_signal(S, SB(t))
        :: else -> CAP_FAULT(S, t)
        fi
    :: op == OP_WAIT || op == OP_POLL ->
        if
        :: S.alive[NTFN] && (S.nb == NONE || S.nb == t) -> k_ntfn_receive(S, t, op == OP_WAIT)
        :: else -> CAP_FAULT(S, t)      /* no cap, or bound to another thread */
        fi
    fi
}

/* ---------------------------------------------------------------- the fastpath (fastpath.c) */

/*
 * Preconditions as far as the model has them: FP-2/FP-3 (the cap is an endpoint cap with the
 * rights: the object is alive; recv caps always have Read), FP-4, FP-7, FP-8, FP-9 (no faults
 * in the model: fault_type is always 0). FP-1 (message length, extra caps), FP-5 (ASID
 * generation) and FP-6 (priorities) concern state the model does not have; they are taken as
 * true, i.e. the model checks the fastpath in every state where the modelled ones hold.
 */
#define FP_CALL_PRE(S, t, e) (S.alive[e] && (CAP_G(t) || CAP_GR(t)) && S.os[e] == E_RECV && \
                              S.cs[S.q[(e) * QLEN]] == NONE)
#ifndef BUG_FP_IGNORES_FP8
#define FP_RR_PRE(S, t, e) (S.alive[e] && S.os[e] != E_SEND && \
                            !(S.nb == t && S.os[NTFN] == N_ACTIVE) && \
                            S.cs[t] != NONE && S.st[S.cs[t]] == BREPLY)
#else
#define FP_RR_PRE(S, t, e) (S.alive[e] && S.os[e] != E_SEND && \
                            S.cs[t] != NONE && S.st[S.cs[t]] == BREPLY)
#endif

inline fast_call(S, t, e)
{
    rs = S.q[(e) * QLEN];                /* dest = head receiver */
    assert(S.st[rs] == BRECV);           /* its blocking_can_grant is live */
    /* dequeue: next becomes the head (state Recv kept), or the endpoint becomes Idle */
    qi = 0;
    do
    :: qi + 1 < S.qn[e] -> S.q[(e) * QLEN + qi] = S.q[(e) * QLEN + qi + 1]; qi++
    :: else -> break
    od;
    S.qn[e]--;
    S.q[(e) * QLEN + S.qn[e]] = NONE;
    if
    :: S.qn[e] == 0 -> S.os[e] = E_IDLE
    :: else -> S.os[e] = E_RECV
    fi;
    /* blocked_on of dest is left as it was: dead from here on */
    S.rpn[t] = false;
    S.st[t] = BREPLY;
    S.cs[rs] = t;
    S.csg[rs] = S.bgrant[rs];
    S.callee[t] = rs;
    S.x0[rs] = EB(t);
    S.rxk[rs] = RX_MSG;
    S.rxf[rs] = t;
    S.dcnt[t]++;
    S.st[rs] = RUNNING
}

inline fast_reply_recv(S, t, e)
{
    rc = S.cs[t];                        /* the client */
    S.rpn[t] = false;
    S.st[t] = BRECV;
    S.bo[t] = e;
    S.bgrant[t] = RCAP_G(t);
    /* append; head_state is written only when the queue was empty */
    assert(S.qn[e] < QLEN);
    S.q[(e) * QLEN + S.qn[e]] = t;
    S.qn[e]++;
    if
    :: S.qn[e] == 1 -> S.os[e] = E_RECV
    :: else
    fi;
    S.cs[t] = NONE;                      /* master->next = 1: the reply cap is unlinked */
    S.csg[t] = false;
    assert(S.callee[rc] == t);
    S.x0[rc] = 0;
    S.rxk[rc] = RX_REPLY;
    S.rxf[rc] = t;
    S.st[rc] = RUNNING
}

inline kcopy(D, S)
{
    ii = 0;
    do
    :: ii < NT ->
        D.st[ii] = S.st[ii]; D.bo[ii] = S.bo[ii]; D.bbadge[ii] = S.bbadge[ii];
        D.bgrant[ii] = S.bgrant[ii]; D.bgr[ii] = S.bgr[ii]; D.bcall[ii] = S.bcall[ii];
        D.rpn[ii] = S.rpn[ii]; D.cs[ii] = S.cs[ii]; D.csg[ii] = S.csg[ii];
        D.x0[ii] = S.x0[ii]; D.rxk[ii] = S.rxk[ii]; D.rxf[ii] = S.rxf[ii];
        D.dcnt[ii] = S.dcnt[ii]; D.callee[ii] = S.callee[ii];
        ii++
    :: else -> break
    od;
    ii = 0;
    do
    :: ii < QSZ -> D.q[ii] = S.q[ii]; ii++
    :: else -> break
    od;
    ii = 0;
    do
    :: ii < NQ -> D.qn[ii] = S.qn[ii]; D.os[ii] = S.os[ii]; D.alive[ii] = S.alive[ii]; ii++
    :: else -> break
    od;
    D.nw = S.nw; D.nb = S.nb; D.gacc = S.gacc; D.lateb = S.lateb
}

/* INV-FP-1 at model level: equal states, blocked_on compared only where it is live. */
inline ksame(A, B)
{
    ii = 0;
    do
    :: ii < NT ->
        assert(A.st[ii] == B.st[ii]);
        assert(!BLOCKED_ON_OBJECT(A, ii) || A.bo[ii] == B.bo[ii]);
        assert(A.st[ii] != BSEND || (A.bbadge[ii] == B.bbadge[ii] && A.bgr[ii] == B.bgr[ii] &&
                                     A.bcall[ii] == B.bcall[ii]));
        assert((A.st[ii] != BSEND && A.st[ii] != BRECV) || A.bgrant[ii] == B.bgrant[ii]);
        assert(A.rpn[ii] == B.rpn[ii] && A.cs[ii] == B.cs[ii] && A.csg[ii] == B.csg[ii]);
        assert(A.x0[ii] == B.x0[ii] && A.rxk[ii] == B.rxk[ii] && A.rxf[ii] == B.rxf[ii]);
        assert(A.dcnt[ii] == B.dcnt[ii] && A.callee[ii] == B.callee[ii]);
        ii++
    :: else -> break
    od;
    ii = 0;
    do
    :: ii < QSZ -> assert(A.q[ii] == B.q[ii]); ii++
    :: else -> break
    od;
    ii = 0;
    do
    :: ii < NQ -> assert(A.qn[ii] == B.qn[ii] && A.os[ii] == B.os[ii] && A.alive[ii] == B.alive[ii]); ii++
    :: else -> break
    od;
    assert(A.nw == B.nw && A.nb == B.nb && A.gacc == B.gacc && A.lateb == B.lateb)
}

/* ---------------------------------------------------------------- invariants */

/* Dead fields back to a canonical value (their reads are guarded by asserts above). */
inline normalise()
{
    ii = 0;
    do
    :: ii < NT ->
        if
        :: !BLOCKED_ON_OBJECT(K, ii) -> K.bo[ii] = NONE
        :: else
        fi;
        if
        :: K.st[ii] != BSEND -> K.bbadge[ii] = 0; K.bgr[ii] = false; K.bcall[ii] = false
        :: else
        fi;
        if
        :: K.st[ii] != BSEND && K.st[ii] != BRECV -> K.bgrant[ii] = false
        :: else
        fi;
        ii++
    :: else -> break
    od;
    K.lateb = K.lateb && K.nb != NONE && K.st[K.nb] == BRECV && K.os[NTFN] == N_ACTIVE
}

inline check()
{
    /* one pass over the queues */
    occ = 0;
    ii = 0;
    do
    :: ii < NQ ->
        /* INV-IPC-3/4: the object's state says whether its queue is empty */
        if
        :: ii < NEP -> assert((K.os[ii] == E_IDLE) == (K.qn[ii] == 0))
        :: else -> assert((K.os[ii] == N_WAIT) == (K.qn[ii] > 0))
        fi;
        assert(K.alive[ii] || K.qn[ii] == 0);                      /* INV-IPC-13 */
        jj = 0;
        do
        :: jj < K.qn[ii] ->
            where = K.q[ii * QLEN + jj];
            /* INV-IPC-5: a thread is in at most one queue, at most once */
            assert(where < NT && (occ & (1 << where)) == 0);
            occ = occ | (1 << where);
            /* INV-IPC-3/4: every queued thread's state matches the queue's state */
            assert(K.bo[where] == ii);
            assert((ii < NEP && K.os[ii] == E_SEND && K.st[where] == BSEND) ||
                   (ii < NEP && K.os[ii] == E_RECV && K.st[where] == BRECV) ||
                   (ii == NTFN && K.st[where] == BNTFN && (K.nb == NONE || where == K.nb)));
            jj++
        :: else -> break
        od;
        do
        :: jj < QLEN -> assert(K.q[ii * QLEN + jj] == NONE); jj++
        :: else -> break
        od;
        ii++
    :: else -> break
    od;
    rmask = 0;
    ii = 0;
    do
    :: ii < NT ->
        /* INV-IPC-5: a thread blocked on an object is in that object's queue, no one else is */
        assert(BLOCKED_ON_OBJECT(K, ii) == ((occ >> ii) & 1));
        /* INV-IPC-1 and INV-IPC-8: a reply cap names a thread waiting for this replier; one each */
        if
        :: K.cs[ii] != NONE ->
            assert(K.cs[ii] < NT && K.cs[ii] != ii && (rmask & (1 << K.cs[ii])) == 0);
            rmask = rmask | (1 << K.cs[ii]);
            assert(K.st[K.cs[ii]] == BREPLY && K.callee[K.cs[ii]] == ii)
        :: else
        fi;
        /* INV-IPC-6: a receiver's caller slot is empty (so FP-7 always holds) */
        assert(K.st[ii] != BRECV || K.cs[ii] == NONE);
        /* INV-IPC-10: a message is delivered at most once */
        assert(K.dcnt[ii] <= 1);
        ii++
    :: else -> break
    od;
    /* INV-IPC-7: bound notification */
    assert(K.nb == NONE || (K.nb < NT && K.alive[NTFN]));
#ifndef STRICT_BIND
    assert(!(K.nb != NONE && K.st[K.nb] == BRECV && K.os[NTFN] == N_ACTIVE) || K.lateb);
#else
    /* without the exception for TCB_BindNotification on an Active notification (seL4 does the same) */
    assert(!(K.nb != NONE && K.st[K.nb] == BRECV && K.os[NTFN] == N_ACTIVE));
#endif
    /* INV-IPC-9: the word is the OR of the signals since the last consumption */
    assert((K.os[NTFN] == N_ACTIVE && K.nw == K.gacc) ||
           (K.os[NTFN] != N_ACTIVE && K.nw == 0 && K.gacc == 0));
    occ = 0;
    rmask = 0
}

/* No wakeup the protocol promised is pending (evaluated in a state where nothing can move). */
inline quiescent_check()
{
    check();
    ii = 0;
    do
    :: ii < NEP ->
        nfound = 0;
        jj = 0;
        do
        :: jj < NT ->
            if
            :: K.st[jj] == BSEND && K.bo[jj] == ii -> nfound = nfound | 1
            :: K.st[jj] == BRECV && K.bo[jj] == ii -> nfound = nfound | 2
            :: else
            fi;
            jj++
        :: else -> break
        od;
        assert(nfound != 3);                    /* a sender and a receiver waiting on one endpoint */
        ii++
    :: else -> break
    od;
    ii = 0;
    do
    :: ii < NT ->
        assert(!(K.st[ii] == BNTFN && K.os[NTFN] == N_ACTIVE));   /* a waiter on an Active notification */
        assert(!(BLOCKED_ON_OBJECT(K, ii) && !K.alive[K.bo[ii]])); /* waiting on a deleted object */
        /* a runnable thread with work left would be able to move */
        assert(!((K.st[ii] == RUNNING || K.st[ii] == RESTART) && upc[ii] < LEN));
        ii++
    :: else -> break
    od
}

/* ---------------------------------------------------------------- user level */

inline choose_op(t)
{
#ifdef LIVE
    /* thread 0: a server (Recv once, then ReplyRecv forever) bound to the notification;
     * 1: a client that Calls or Sends; 2: a client that Calls or NBSends, and Signals the
     * server's notification at most LIVE_SIGNALS times (a bound notification is served before
     * queued senders, so a thread signalling forever can starve them: ipc-live-starve) */
    if
    :: t == 0 && upc[t] == 0 -> uop[t] = OP_RECV
    :: t == 0 && upc[t] != 0 -> uop[t] = OP_REPLYRECV
    :: t == 1 -> uop[t] = OP_CALL
    :: t == 1 -> uop[t] = OP_SEND
    :: t == 2 -> uop[t] = OP_CALL
    :: t == 2 -> uop[t] = OP_NBSEND
    :: t == 2 && lsig < LIVE_SIGNALS -> uop[t] = OP_SIGNAL;
#if LIVE_SIGNALS < 255
        lsig++
#else
        skip
#endif
    fi;
    uep[t] = 0
#else
    if
    :: ALLOW(t, OP_CALL) -> uop[t] = OP_CALL
    :: ALLOW(t, OP_SEND) -> uop[t] = OP_SEND
    :: ALLOW(t, OP_NBSEND) -> uop[t] = OP_NBSEND
    :: ALLOW(t, OP_RECV) -> uop[t] = OP_RECV
    :: ALLOW(t, OP_NBRECV) -> uop[t] = OP_NBRECV
    :: ALLOW(t, OP_REPLY) -> uop[t] = OP_REPLY
    :: ALLOW(t, OP_REPLYRECV) -> uop[t] = OP_REPLYRECV
    :: ALLOW(t, OP_SIGNAL) -> uop[t] = OP_SIGNAL
    :: ALLOW(t, OP_WAIT) -> uop[t] = OP_WAIT
    :: ALLOW(t, OP_POLL) -> uop[t] = OP_POLL
    fi;
    uep[t] = 0;
#if NEP > 1
    if
    :: uop[t] != OP_REPLY && uop[t] < OP_SIGNAL -> uep[t] = 1
    :: true
    fi
#endif
#endif
}

/* What the thread sees when its system call returns (ABI §2.3, §13.1-13.5). */
inline observe(t)
{
    if
    :: K.rxk[t] == RX_MSG -> printf("trail: T%d returns: message from T%d, badge %d\n", t, K.rxf[t], K.x0[t])
    :: K.rxk[t] == RX_REPLY -> printf("trail: T%d returns: reply from T%d\n", t, K.rxf[t])
    :: K.rxk[t] == RX_SIG -> printf("trail: T%d returns: signal, badge %d\n", t, K.x0[t])
    :: K.rxk[t] == RX_WORD -> printf("trail: T%d returns: notification word %d\n", t, K.x0[t])
    :: K.rxk[t] == RX_EMPTY -> printf("trail: T%d returns: nothing pending (x0 = 0)\n", t)
    :: else -> printf("trail: T%d returns\n", t)
    fi;
    if
    :: uop[t] == OP_SEND -> assert(K.dcnt[t] == 1)       /* received exactly once */
    :: uop[t] == OP_CALL ->
        assert(K.dcnt[t] == 1 && K.rxk[t] == RX_REPLY && K.rxf[t] == K.callee[t] && K.x0[t] == 0)
    :: uop[t] == OP_RECV || uop[t] == OP_REPLYRECV ->
        assert(K.rxk[t] == RX_MSG || K.rxk[t] == RX_SIG || K.rxk[t] == RX_WORD)
    :: uop[t] == OP_NBRECV -> assert(K.rxk[t] == RX_MSG || K.rxk[t] == RX_WORD || K.rxk[t] == RX_EMPTY)
    :: uop[t] == OP_WAIT -> assert(K.rxk[t] == RX_SIG || K.rxk[t] == RX_WORD)
    :: uop[t] == OP_POLL -> assert(K.rxk[t] == RX_WORD || K.rxk[t] == RX_EMPTY)
    :: else -> assert(K.rxk[t] == RX_NONE)
    fi;
    /* badges delivered are the sender's; a signal delivers one signaller's badge */
    assert(K.rxk[t] != RX_MSG || (K.rxf[t] < NT && K.rxf[t] != t && K.x0[t] == EB(K.rxf[t])));
    assert(K.rxk[t] != RX_SIG || (K.x0[t] != 0 && (K.x0[t] & (K.x0[t] - 1)) == 0));
    assert(K.rxk[t] != RX_EMPTY || K.x0[t] == 0);
    K.x0[t] = 0; K.rxk[t] = RX_NONE; K.rxf[t] = NONE; K.dcnt[t] = 0; K.callee[t] = NONE
}

inline syscall(t)
{
    d_step {
        /* a new attempt: the registers are the user's again, the ghost counters restart */
        K.x0[t] = 0; K.rxk[t] = RX_NONE; K.rxf[t] = NONE; K.dcnt[t] = 0; K.callee[t] = NONE;
        fpm = 0;
#ifndef NOFP
        if
        :: uop[t] == OP_CALL && FP_CALL_PRE(K, t, uep[t]) -> fpm = 1
        :: uop[t] == OP_REPLYRECV && FP_RR_PRE(K, t, uep[t]) -> fpm = 2
        :: else
        fi;
        if
        :: fpm != 0 -> kcopy(G, K)
        :: else
        fi
#endif
    };
    skip;
    /* the slowpath on K (one d_step per system call: SPIN limits a d_step's size) */
    if
    :: uop[t] == OP_CALL -> d_step { printf("trail: T%d Call(ep%d)\n", t, uep[t]); k_syscall(K, t, OP_CALL, uep[t]) }
    :: uop[t] == OP_SEND -> d_step { printf("trail: T%d Send(ep%d)\n", t, uep[t]); k_syscall(K, t, OP_SEND, uep[t]) }
    :: uop[t] == OP_NBSEND -> d_step { printf("trail: T%d NBSend(ep%d)\n", t, uep[t]); k_syscall(K, t, OP_NBSEND, uep[t]) }
    :: uop[t] == OP_RECV -> d_step { printf("trail: T%d Recv(ep%d)\n", t, uep[t]); k_syscall(K, t, OP_RECV, uep[t]) }
    :: uop[t] == OP_NBRECV -> d_step { printf("trail: T%d NBRecv(ep%d)\n", t, uep[t]); k_syscall(K, t, OP_NBRECV, uep[t]) }
    :: uop[t] == OP_REPLY -> d_step { printf("trail: T%d Reply\n", t); k_syscall(K, t, OP_REPLY, uep[t]) }
    :: uop[t] == OP_REPLYRECV -> d_step { printf("trail: T%d ReplyRecv(ep%d)\n", t, uep[t]); k_syscall(K, t, OP_REPLYRECV, uep[t]) }
    :: uop[t] == OP_SIGNAL -> d_step { printf("trail: T%d Signal\n", t); k_syscall(K, t, OP_SIGNAL, uep[t]) }
    :: uop[t] == OP_WAIT -> d_step { printf("trail: T%d Wait\n", t); k_syscall(K, t, OP_WAIT, uep[t]) }
    :: uop[t] == OP_POLL -> d_step { printf("trail: T%d Poll\n", t); k_syscall(K, t, OP_POLL, uep[t]) }
    fi;
    skip;
    /* the fastpath on the copy, then INV-FP-1: the same state */
    if
    :: fpm == 1 -> d_step { printf("trail:   (fastpath Call compared)\n"); fast_call(G, t, uep[t]) };
                   d_step { ksame(K, G) }
    :: fpm == 2 -> d_step { printf("trail:   (fastpath ReplyRecv compared)\n"); fast_reply_recv(G, t, uep[t]) };
                   d_step { ksame(K, G) }
    :: else
    fi;
    fpm = 0
}

proctype Thread(byte t)
{
end_thread:
    do
    :: atomic {
        upc[t] < LEN && (K.st[t] == RUNNING || K.st[t] == RESTART) ->
        d_step {
            if
            :: K.st[t] == RESTART && !K.rpn[t] && infl[t] ->
                printf("trail: T%d restarts its system call\n", t);
                K.st[t] = RUNNING;      /* sched_exit_kernel: pc := restart_pc, the svc */
                fresh = false
            :: else ->
                K.st[t] = RUNNING;
                if
                :: infl[t] ->
                    observe(t);
                    infl[t] = false;
#ifdef LIVE
                    upc[t] = 1
#else
                    upc[t]++
#endif
                :: else
                fi;
                fresh = true
            fi
        }
        if
        :: fresh && upc[t] < LEN -> choose_op(t)
        :: fresh && upc[t] >= LEN -> uop[t] = 0; uep[t] = 0
        :: else
        fi;
        skip;
        if
        :: upc[t] < LEN -> syscall(t); infl[t] = true
        :: else
        fi;
        skip;
        d_step { normalise() };
        d_step { check() };
        fresh = false
    }
    od
}

/* Kernel operations invoked by other threads (not modelled as threads themselves). */
#define A_SUSPEND 1
#define A_RESUME  2
#define A_DELEP   3
#define A_DELNTFN 4
#define A_CANCELB 5
#define A_UNBIND  6
#define A_BIND    7

#ifdef LIVE
/* For the liveness runs: up to ADV times, suspend a thread and (later) resume it again. */
proctype Adversary()
{
    byte n = ADV;
    byte victim;
end_adversary:
    do
    :: n > 0 ->
        atomic {
            n--;
            select(at : 0 .. NT - 1);
            victim = at;
            d_step { printf("trail: TCB_Suspend(T%d)\n", at); k_suspend(K, at) };
            d_step { normalise() };
            d_step { check() };
            at = 0
        }
        atomic {
            d_step { printf("trail: TCB_Resume(T%d)\n", victim); k_resume(K, victim) };
            d_step { normalise() };
            d_step { check() };
            victim = 0
        }
    od
}
#else
proctype Adversary()
{
    byte n = ADV;
end_adversary:
    do
    :: n > 0 ->
        atomic {
            n--;
            at = 0;
            ae = 0;
            if
            :: act = A_SUSPEND; select(at : 0 .. NT - 1)
            :: act = A_RESUME; select(at : 0 .. NT - 1)
            :: act = A_DELEP; select(ae : 0 .. NEP - 1)
            :: act = A_DELNTFN
            :: act = A_CANCELB; select(ae : 0 .. NEP - 1); select(at : 0 .. NT - 1)
            :: act = A_UNBIND
            :: act = A_BIND; select(at : 0 .. NT - 1)
            fi;
            skip;       /* a d_step may not be the target of the selection's jumps */
            d_step {
                if
                :: act == A_SUSPEND -> printf("trail: TCB_Suspend(T%d)\n", at); k_suspend(K, at)
                :: act == A_RESUME -> printf("trail: TCB_Resume(T%d)\n", at); k_resume(K, at)
                :: act == A_DELEP && K.alive[ae] ->
                    printf("trail: delete the last cap of ep%d\n", ae); k_delete_ep(K, ae)
                :: act == A_DELNTFN && K.alive[NTFN] ->
                    printf("trail: delete the last cap of the notification\n"); k_delete_ntfn(K)
                :: act == A_CANCELB && K.alive[ae] ->
                    printf("trail: CNode_CancelBadgedSends(ep%d, badge %d)\n", ae, EB(at));
                    k_cancel_badged(K, ae, EB(at))
                :: act == A_UNBIND && K.nb != NONE ->
                    printf("trail: TCB_UnbindNotification(T%d)\n", K.nb); K.nb = NONE
                :: act == A_BIND -> printf("trail: TCB_BindNotification(T%d)\n", at); k_bind(K, at)
                :: else
                fi
            };
            d_step { normalise() };
            d_step { check() };
            act = 0; at = 0; ae = 0
        }
    od
}

#endif

proctype Quiescence()
{
end_quiescence:
    atomic { timeout -> quiescent_check() }
}

init
{
    atomic {
        ii = 0;
        do
        :: ii < NT ->
            K.st[ii] = RUNNING; K.bo[ii] = NONE; K.cs[ii] = NONE; K.rxf[ii] = NONE;
            K.callee[ii] = NONE;
            ii++
        :: else -> break
        od;
        ii = 0;
        do
        :: ii < QSZ -> K.q[ii] = NONE; ii++
        :: else -> break
        od;
        ii = 0;
        do
        :: ii < NQ -> K.alive[ii] = (ii <= NTFN); ii++
        :: else -> break
        od;
        K.nb = BOUND;
        ii = 0;
        do
        :: ii < NT -> run Thread(ii); ii++
        :: else -> break
        od;
        run Adversary();
        run Quiescence();
        ii = 0
    }
}

#ifdef LIVE
#ifndef LTL
#define LTL 1
#endif
#if LTL == 1
/* Under weak fairness: no thread of the client/server system stays blocked forever. */
ltl progress {
    [] ((K.st[0] != RUNNING) -> <> (K.st[0] == RUNNING)) &&
    [] ((K.st[1] != RUNNING) -> <> (K.st[1] == RUNNING)) &&
    [] ((K.st[2] != RUNNING) -> <> (K.st[2] == RUNNING))
}
#else
/* A signal to the bound server is consumed. */
ltl signals {
    [] ((K.os[NTFN] == N_ACTIVE) -> <> (K.os[NTFN] != N_ACTIVE))
}
#endif
#endif
