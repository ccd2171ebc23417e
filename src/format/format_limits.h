/* SPDX-License-Identifier: MIT */
/* Every bound of the format layer in one place (the core's are in core/limits.h), with the
 * relations between them checked at compile time. */
#ifndef ACSA_FORMAT_LIMITS_H
#define ACSA_FORMAT_LIMITS_H

#include "limits.h"
#include "rc.h"

#define ACSA_JSON_DEPTH_MAX 2048       /* jansson's own limit on nesting. */
#define ACSA_JSON_PATH_SIZE ACSA_ERROR_FIELD_SIZE  /* A JSON path named in an error. */
/* Quoted values and keys are cut to this size so one hostile value cannot push the rest of
 * the message out of the fixed-size error record. */
#define ACSA_JSON_SHOW_SIZE 44
#define ACSA_TIME_TEXT_SIZE 32  /* "2024-06-10T12:00:00Z" plus NUL, with room for any year. */

_Static_assert(ACSA_JSON_PATH_SIZE + 2 * ACSA_JSON_SHOW_SIZE + 64 < ACSA_ERROR_MESSAGE_SIZE,
               "a path and two quoted values leave room for the rule in a message");
_Static_assert(ACSA_TIME_TEXT_SIZE > sizeof("2024-06-10T12:00:00Z"), "a time fits");

#endif
