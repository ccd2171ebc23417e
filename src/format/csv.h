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
#include <stdint.h>

#include "json_text.h"
#include "rc.h"

/* The UTF-8 byte order mark `--excel` puts first, so that Excel reads the file as UTF-8. */
#define ACSA_CSV_BOM "\xef\xbb\xbf"

/** Whether a spreadsheet would read text as a formula (and acsa_csv_row neutralises it). */
bool acsa_csv_formula(const char *text);
/** Appends one field to t (quoted and neutralised as needed), without separator. */
void acsa_csv_field(struct acsa_text *t, const char *text);
/** Appends one row of count fields and its CRLF to t; a NULL cell is an empty field. */
void acsa_csv_row(struct acsa_text *t, const char *const *cells, size_t count);

/* ---- Reading (csv_read.c) -------------------------------------------------------------------
 * RFC 4180 as spreadsheets write it: a leading UTF-8 byte order mark is skipped; a row ends
 * with CRLF or LF (the last row may lack it); a quoted field may hold commas, doubled quotes,
 * CR and LF. Rows are counted from 1 (the header, if the file has one), one per record: a
 * quoted field that spans lines is still one row. What is refused, as ACSA_EUSAGE naming the
 * row and the column's number: a quote inside an unquoted field, text after a closing quote,
 * a quote never closed, a NUL byte, a row of more than max_fields fields. The reader does not
 * judge the bytes of a field otherwise (UTF-8 is the caller's rule, per column). */
struct acsa_csv_reader {
    const char *data;
    size_t size;
    size_t pos;
    uint32_t row;            /* The row last read (0 before the first). */
    uint32_t max_fields;
    char *buf;               /* The fields of the row last read, each NUL-terminated. */
    const char **fields;
};

/** Begins reading data[0..size) (not copied: it must outlive the reader). ACSA_ENOMEM. */
ACSA_NODISCARD enum acsa_rc acsa_csv_reader_open(struct acsa_csv_reader *r, const char *data,
                                                 size_t size, uint32_t max_fields,
                                                 struct acsa_error *err);
/** Reads the next row: *out_end true when there is none; else its fields (valid until the next
 * call) and their count, and r->row its number. On a refusal *out_column is the 1-based
 * column at fault. */
ACSA_NODISCARD enum acsa_rc acsa_csv_next(struct acsa_csv_reader *r,
                                          const char *const **out_fields, uint32_t *out_count,
                                          bool *out_end, uint32_t *out_column,
                                          struct acsa_error *err);
void acsa_csv_reader_close(struct acsa_csv_reader *r);

#endif
