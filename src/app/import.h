/* SPDX-License-Identifier: MIT */
/* Imports of orders from CSV: one row per order line, rows grouped into orders by order_ref.
 * One table of columns drives both the template a user fills in and the reader; each order is
 * raised by acsa_app_order_create, the same path as `acsa order create`, and all of them in one
 * transaction: every order of the file is created, or none. Every error names its row (the
 * header is row 1) and its column. */
#ifndef ACSA_IMPORT_H
#define ACSA_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "app_limits.h"
#include "authz.h"

/* A column of the import file. */
struct acsa_import_column {
    const char *name;       /* As in the header row, e.g. "order_ref". */
    bool required;          /* Must be in the header and filled on every row. */
    bool order_level;       /* One value per order: every row of an order_ref must agree. */
    const char *example;    /* The value of the template's example row. */
    const char *rule;       /* What it holds, for the documentation and --help. */
};

/** The columns, in the template's order; *out_count how many. */
const struct acsa_import_column *acsa_import_columns(size_t *out_count);

/** The template (header row and one example row, RFC 4180, CRLF) as a NUL-terminated text
 * from acsa_malloc, *out_size its length; NULL when out of memory. */
char *acsa_import_template(size_t *out_size);

struct acsa_import_problem {
    uint32_t row;                              /* 1 is the header; 0: the file as a whole. */
    char column[32];                           /* The column's name ("" : the whole row). */
    enum acsa_rc rc;
    char message[ACSA_ERROR_MESSAGE_SIZE];     /* Without the row and column. */
};

struct acsa_import_line {
    uint32_t row;
    char category[ACSA_CODE_SIZE];
    char description[ACSA_TEXT_SIZE];
    int64_t quantity_milli;
    char unit[ACSA_UNIT_OF_ISSUE_SIZE];
    int64_t price_minor;
    int64_t value_minor;                       /* Set once the order is created. */
};

struct acsa_import_order {
    char ref[ACSA_IMPORT_REF_SIZE];
    char number[ACSA_NUMBER_SIZE];             /* Given (or, in a dry run, it would be). */
    uint32_t row;                              /* Its first row. */
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    int64_t value_minor;
    uint32_t first_line;                       /* Index into lines. */
    uint32_t line_count;
};

struct acsa_import_result {
    bool dry_run;
    bool created;                              /* Committed. */
    uint32_t rows;                             /* Data rows read (blank ones left out). */
    struct acsa_import_order *orders;          /* In the order of their first rows. */
    uint32_t order_count;
    struct acsa_import_line *lines;            /* Grouped by order. */
    uint32_t line_count;
    uint32_t problem_count;                    /* Every error found... */
    struct acsa_import_problem problems[ACSA_IMPORT_ERRORS_MAX];  /* ...the first ones. */
};

/** Imports the orders of a CSV file data[0..size) raised by actor, dated today unless a row
 * says otherwise. ACSA_OK: every order created (with dry_run: each was created and rolled
 * back, so out lists the numbers they would get and nothing is kept). On errors out->problems
 * lists them and nothing is created: ACSA_EUSAGE (or ACSA_EREFUSED when a rule of an order
 * refused, ACSA_ELIMIT for a file beyond the limits), err saying how many. Fatal codes as
 * every command. user (NULL: the node's operator) must be allowed to raise each order
 * (acsa_authz_create), else that order is an error of its first row. Free out with
 * acsa_import_result_free whatever the result. */
ACSA_NODISCARD enum acsa_rc acsa_app_import_orders(struct acsa_app *app, const char *data,
                                                   size_t size, bool dry_run,
                                                   const char *actor, int32_t today,
                                                   const struct acsa_user *user,
                                                   struct acsa_import_result *out,
                                                   struct acsa_error *err);
void acsa_import_result_free(struct acsa_import_result *result);

struct acsa_text;
/** The members (no braces) of the JSON of an import: dry_run, created, orders (order_ref,
 * number, row, currency, value, lines: row, category, description, quantity, unit, price,
 * value), error_count and errors (row, column, message). */
void acsa_import_json_members(const struct acsa_import_result *result, struct acsa_text *t);
/** One problem as a line: "row 5, column price: ..." (buf of size bytes). */
void acsa_import_problem_text(const struct acsa_import_problem *p, char *buf, size_t size);

#endif
