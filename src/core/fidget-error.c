/* fidget-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-error.h"

G_DEFINE_QUARK (fidget-error-quark, fidget_error)
