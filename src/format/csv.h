/* SPDX-License-Identifier: MIT */
/* CSV as RFC 4180 writes it, for the spreadsheets finance officers open: fields separated by
 * commas, rows ended by CRLF, a field quoted when it holds a comma, a quote, CR or LF (quotes
 * doubled inside). A text cell that a spreadsheet would take for a formula (it starts with
 * `=`, `+`, `-`, `@`, a tab or CR) is neutralised by a leading apostrophe; a plain decimal
 * number ("-12.50") is a number, not a formula, and is kept as it is. */
#ifndef ACSA_CSV_H
#define ACSA_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "json_text.h"

/* The UTF-8 byte order mark `--excel` puts first, so that Excel reads the file as UTF-8. */
#define ACSA_CSV_BOM "\xef\xbb\xbf"

/** Whether a spreadsheet would read text as a formula (and acsa_csv_row neutralises it). */
bool acsa_csv_formula(const char *text);
/** Appends one field to t (quoted and neutralised as needed), without separator. */
void acsa_csv_field(struct acsa_text *t, const char *text);
/** Appends one row of count fields and its CRLF to t; a NULL cell is an empty field. */
void acsa_csv_row(struct acsa_text *t, const char *const *cells, size_t count);

#endif
