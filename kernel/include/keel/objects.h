// SPDX-License-Identifier: BSD-2-Clause
// Creating objects from untyped memory and finalising them when their last cap goes.
#pragma once

#include <keel/object.h>

/* The cap for a freshly created (already zeroed) object of `type` at paddr. */
cap_t object_create(unsigned type, uint64_t paddr, unsigned size_bits, bool device);
/* log2 of the object size for a retype request; 0 if the type is not valid. */
unsigned object_size_bits(unsigned type, unsigned size_bits);

/* The last cap to this object was deleted (not for CNodes/TCBs, which go through zombies). */
void object_finalise(cap_t c);
/* A zombie's object is empty: release what remains (nothing to free: memory is untyped's). */
void object_free_zombie(cap_t z);
/* Before a TCB's slots are cleared: stop it, unbind it, take it off every queue. */
void tcb_prepare_destroy(tcb_t *t);

/* Recomputes the fastpath's decoded copy of t's CSpace root (call whenever that slot changes). */
void tcb_cspace_changed(tcb_t *t);

/* Cancelling waiters: each is put in Restart so it re-issues its system call. */
void endpoint_cancel_all(endpoint_t *ep);
void endpoint_cancel_badged_sends(endpoint_t *ep, uint64_t badge);
void notification_cancel_all(notification_t *n);
/* Takes a blocked thread out of whatever queue it is in. */
void ipc_cancel(tcb_t *t);

/* TCB_Suspend / TCB_Resume semantics (§13.7), also used by fault handling. */
void tcb_suspend(tcb_t *t);
void tcb_resume(tcb_t *t);
