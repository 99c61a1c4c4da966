/* fidget-error.h: the error domain of the core layer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FIDGET_ERROR (fidget_error_quark ())

/* Every refusal of the core names one of these, with a message that says what and why. */
typedef enum
{
  FIDGET_ERROR_FAILED,          /* an SQLite or I/O failure with no better name */
  FIDGET_ERROR_NOT_FOUND,       /* a project file, video, segment, person, action that is not there */
  FIDGET_ERROR_EXISTS,          /* creating what already exists (file, name, code) */
  FIDGET_ERROR_DUPLICATE,       /* importing content that the project already holds */
  FIDGET_ERROR_INVALID,         /* a value out of range: frames, codes, names, emotions */
  FIDGET_ERROR_READ_ONLY,       /* the project file or its folder cannot be written */
  FIDGET_ERROR_LOCKED,          /* another program holds the project locked */
  FIDGET_ERROR_CORRUPT,         /* not an SQLite file, or a damaged one */
  FIDGET_ERROR_NOT_A_PROJECT,   /* an SQLite file that is not a Fidget project */
  FIDGET_ERROR_TOO_NEW,         /* written by a newer Fidget: never touched */
  FIDGET_ERROR_CONFLICT,        /* undo/redo of a row that changed since */
  FIDGET_ERROR_NOTHING_TO_DO,   /* undo with an empty log, redo with nothing undone */
  FIDGET_ERROR_NOT_ALLOWED,     /* a review step or edit by someone whose step it is not, or in
                                 * a state that does not take it */
} FidgetError;

GQuark fidget_error_quark (void);

G_END_DECLS
