/* SPDX-License-Identifier: GPL-2.0 */
/* The shared ABI header for user-space code: it needs the kernel's __u* types. */
#ifndef AL_ABI_USER_H
#define AL_ABI_USER_H

#include <linux/types.h>

#include "agentlock_abi.h"

#endif
