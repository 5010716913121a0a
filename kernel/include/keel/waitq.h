// SPDX-License-Identifier: BSD-2-Clause
// Wait queues of endpoints and notifications: a TCB list whose head word also holds the state.
// Invariants: INV-IPC-3..5 (proofs-notes/README.md)
#pragma once

#include <keel/object.h>

/*
 * A queue is a pair (head_state, tail): the first waiting TCB's address with the object's state
 * in bits 1:0 (TCBs are 2 KiB aligned), and the last TCB; waiters are linked through
 * ep_next/ep_prev. The idle state of both endpoints and notifications is 0, so an empty queue is
 * head_state == 0 (INV-IPC-3, INV-IPC-4). The fastpath keeps its own inlined dequeue.
 */
static inline tcb_t *waitq_head(uint64_t head_state)
{
    return (tcb_t *)(head_state & ~3UL);
}

/* Appends t; the object's state becomes `state`. */
static inline void waitq_append(uint64_t *head_state, tcb_t **tail, tcb_t *t, unsigned state)
{
    t->ep_next = NULL;
    t->ep_prev = *tail;
    if (*tail != NULL) {
        (*tail)->ep_next = t;
        *head_state = (*head_state & ~3UL) | state;
    } else {
        *head_state = (uint64_t)t | state;
    }
    *tail = t;
}

/* Unlinks t from anywhere in the queue; an emptied queue turns idle. */
static inline void waitq_remove(uint64_t *head_state, tcb_t **tail, tcb_t *t)
{
    if (t->ep_prev != NULL) {
        t->ep_prev->ep_next = t->ep_next;
    } else {
        *head_state = (uint64_t)t->ep_next | (*head_state & 3);
    }
    if (t->ep_next != NULL) {
        t->ep_next->ep_prev = t->ep_prev;
    } else {
        *tail = t->ep_prev;
    }
    if (waitq_head(*head_state) == NULL) {
        *head_state = 0;
    }
    t->ep_next = t->ep_prev = NULL;
}

/* Removes and returns the first waiter of a non-empty queue; an emptied queue turns idle. */
static inline tcb_t *waitq_pop(uint64_t *head_state, tcb_t **tail)
{
    tcb_t *t = waitq_head(*head_state);
    tcb_t *next = t->ep_next;
    if (next != NULL) {
        next->ep_prev = NULL;
        *head_state = (uint64_t)next | (*head_state & 3);
    } else {
        *head_state = 0;
        *tail = NULL;
    }
    t->ep_next = t->ep_prev = NULL;
    return t;
}
