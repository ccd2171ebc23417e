/* SPDX-License-Identifier: MIT */
/* The table exports (ARCHITECTURE.md "Exports"): orders, order lines and ledger postings as
 * CSV (RFC 4180, csv.h), a JSON array streamed one object at a time, or an XLSX workbook
 * (libxlsxwriter, constant memory). One column table per kind names each column once: the
 * CSV header, the JSON member (named as the API's) and the XLSX header. Rows come one at a
 * time from the application's scans and are written as they come: nothing grows with the
 * number of rows. */
#ifndef ACSA_EXPORT_H
#define ACSA_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rc.h"
#include "rows.h"

enum acsa_export_kind {
    ACSA_EXPORT_ORDERS,    /* One row per order. */
    ACSA_EXPORT_LINES,     /* One row per order line. */
    ACSA_EXPORT_POSTINGS,  /* One row per ledger posting. */
    ACSA_EXPORT_DOCUMENTS, /* One row per supporting document (its reference, not its bytes). */
    ACSA_EXPORT_KIND_COUNT
};

enum acsa_export_format {
    ACSA_EXPORT_CSV,
    ACSA_EXPORT_JSON,
    ACSA_EXPORT_XLSX,
    ACSA_EXPORT_FORMAT_COUNT
};

/** "orders", "lines", "postings", "documents". */
const char *acsa_export_kind_name(enum acsa_export_kind kind);
bool acsa_export_kind_parse(const char *text, enum acsa_export_kind *out);
/** "csv", "json", "xlsx" (also the file extension). */
const char *acsa_export_format_name(enum acsa_export_format format);
bool acsa_export_format_parse(const char *text, enum acsa_export_format *out);
/** The media type of a format ("text/csv; charset=utf-8", ...). */
const char *acsa_export_content_type(enum acsa_export_format format);

/* How a column's cells are written: text as text; numbers as numbers (XLSX: a numeric cell,
 * money with a number format per currency exponent); dates as "YYYY-MM-DD" (XLSX: a date
 * serial with the format yyyy-mm-dd), empty when there is none. */
enum acsa_cell_type {
    ACSA_CELL_TEXT,
    ACSA_CELL_INT,       /* number; 0 is written as empty (an id that is not there). */
    ACSA_CELL_MONEY,     /* number in minor units, exponent. */
    ACSA_CELL_QUANTITY,  /* number in thousandths. */
    ACSA_CELL_DATE,      /* number is a day number (ACSA_DATE_NONE: empty). */
    ACSA_CELL_BOOL,      /* number 0 or 1. */
};

struct acsa_export_column {
    const char *name;           /* CSV and XLSX header, JSON member. */
    enum acsa_cell_type type;
    uint8_t width;              /* XLSX column width in characters. */
};

struct acsa_cell {
    const char *text;           /* ACSA_CELL_TEXT ("" for none). */
    int64_t number;             /* The other types. */
    uint8_t exponent;           /* ACSA_CELL_MONEY. */
};

#define ACSA_EXPORT_COLUMNS_MAX 24

/* One row: a cell per column of its kind, pointing into the row it was made from. */
struct acsa_export_row {
    struct acsa_cell cells[ACSA_EXPORT_COLUMNS_MAX];
    size_t count;
};

/** The columns of kind, *out_count of them. */
const struct acsa_export_column *acsa_export_columns(enum acsa_export_kind kind,
                                                     size_t *out_count);

/* An order with the names it refers to (resolved by the application; "" for none). */
struct acsa_export_order {
    const struct acsa_order_summary *order;
    const char *requester_unit;
    const char *supplier_unit;
    const char *activity;
};

void acsa_export_order_row(const struct acsa_export_order *order, struct acsa_export_row *row);
void acsa_export_line_row(const struct acsa_order_line_row *line, struct acsa_export_row *row);
void acsa_export_posting_row(const struct acsa_posting_row *posting,
                             struct acsa_export_row *row);

/* A supporting document with the texts its row points into (its SHA-256 in hex, its time). */
struct acsa_export_document {
    const struct acsa_document_row *document;
    char sha256[2 * 32 + 1];
    char at[32];
};
/** Fills d's texts and row from d->document (members named as GET /api/orders/{number}/documents
 * names them). */
void acsa_export_document_row(struct acsa_export_document *d, struct acsa_export_row *row);

/* An amount written as a number in XLSX only when no digit can be lost: Excel keeps 15
 * significant digits (a double holds integers up to 2^53 exactly, more than that), so a
 * larger amount (|minor| >= 10^15, more than any one order's value) is written as text with
 * every digit. */
#define ACSA_EXPORT_XLSX_NUMBER_MAX 999999999999999LL

struct acsa_export_writer;

/** Opens path (created or truncated) for rows of kind in format; bom puts the UTF-8 byte
 * order mark before a CSV (--excel). The header is written at once. ACSA_ESTORAGE naming the
 * file when it cannot be written. */
ACSA_NODISCARD enum acsa_rc acsa_export_writer_open(enum acsa_export_format format,
                                                    enum acsa_export_kind kind,
                                                    const char *path, bool bom,
                                                    struct acsa_export_writer **out,
                                                    struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_export_writer_row(struct acsa_export_writer *writer,
                                                   const struct acsa_export_row *row,
                                                   struct acsa_error *err);
/** Rows written so far. */
uint64_t acsa_export_writer_rows(const struct acsa_export_writer *writer);
/** Finishes the file (JSON's closing bracket, the XLSX package) and releases the writer,
 * whatever it returns. */
ACSA_NODISCARD enum acsa_rc acsa_export_writer_close(struct acsa_export_writer *writer,
                                                     struct acsa_error *err);
/** Releases the writer without finishing the file (the caller removes it). */
void acsa_export_writer_abort(struct acsa_export_writer *writer);

#endif
