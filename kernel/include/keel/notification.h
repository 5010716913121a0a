// SPDX-License-Identifier: BSD-2-Clause
// Notification signalling (ABI §13.4): wake the head waiter, a bound receiver, or OR the word.
#pragma once

#include <keel/object.h>

void notification_signal(notification_t *n, uint64_t badge);
