/* SPDX-License-Identifier: MIT */
/* The bounds of the print layer: the page and the QR code. */
#ifndef ACSA_PRINT_LIMITS_H
#define ACSA_PRINT_LIMITS_H

#include "form.h"
#include "limits.h"

#define PRINT_PAGE_WIDTH 595.276       /* A4 in PostScript points. */
#define PRINT_PAGE_HEIGHT 841.89
#define PRINT_MARGIN 36.0              /* Half an inch on every side. */
#define PRINT_FOOTER 30.0              /* Kept at the foot of every page. */
#define PRINT_QR_TEXT_SIZE (ACSA_NUMBER_SIZE + ACSA_FORM_HASH_TEXT_SIZE + 8)
#define PRINT_CELL_SIZE 512            /* One cell's text as formatted. */

_Static_assert(PRINT_QR_TEXT_SIZE >= sizeof("acsa::") + ACSA_NUMBER_SIZE + 64,
               "the QR text holds the number and the hash");
_Static_assert(PRINT_CELL_SIZE > ACSA_TEXT_SIZE + ACSA_NAME_SIZE,
               "a cell holds a description or a place with a name");

#endif
