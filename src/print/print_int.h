/* SPDX-License-Identifier: MIT */
/* What the PDF and the HTML renderings share: the fields, columns and cells of a form as
 * text, so that both show the same record in the same words. */
#ifndef ACSA_PRINT_INT_H
#define ACSA_PRINT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "date.h"
#include "form.h"
#include "print_limits.h"

#define PRINT_COLUMNS_MAX 9
#define PRINT_STEP_COLUMNS 6
#define PRINT_FIELDS_MAX 16
#define PRINT_FIELD_ROWS_MAX 5

struct print_column {
    const char *title;
    double share;     /* Of the table's width; the shares of a table add up to 1. */
    bool right;       /* Numbers: aligned right. */
};

/* One boxed field of the form's head: a numbered label and its value, in a row. */
struct print_field {
    char label[ACSA_FORM_LABEL_SIZE];
    char value[PRINT_CELL_SIZE];
    double share;     /* Of the row's width. */
    uint32_t row;
};

/** The columns of the form's lines table; their number. */
uint32_t acsa__print_line_columns(const struct acsa_form *f, const struct print_column **out);
/** The cells of one line, as many as the columns. */
void acsa__print_line_cells(const struct acsa_form *f, const struct acsa_form_line *l,
                            char cells[PRINT_COLUMNS_MAX][PRINT_CELL_SIZE]);
/** The columns of the record of signed steps (PRINT_STEP_COLUMNS). */
const struct print_column *acsa__print_step_columns(void);
void acsa__print_step_cells(const struct acsa_form *f, const struct acsa_form_step *s,
                            char cells[PRINT_STEP_COLUMNS][PRINT_CELL_SIZE]);
/** The boxed fields of the head, row by row; their number. */
uint32_t acsa__print_fields(const struct acsa_form *f, struct print_field out[PRINT_FIELDS_MAX]);
/** A day as YYYY-MM-DD, or "-" for none. */
char *acsa__print_date(int32_t day, char buf[ACSA_DATE_TEXT_SIZE + 1]);
/** "Total ordered", "USD 1,234.50" of one total. */
void acsa__print_total(const struct acsa_form_total *t, char buf[PRINT_CELL_SIZE]);
/** The footer's words: "IN-JP-2024-000001 · order · printed by node IN". */
void acsa__print_footer(const struct acsa_form *f, char buf[PRINT_CELL_SIZE]);

#endif
