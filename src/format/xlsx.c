/* SPDX-License-Identifier: MIT */
/* XLSX for the table exports (xlsx.h), written with libxlsxwriter in constant-memory mode: each
 * row goes to the sheet's temporary file as it comes, so peak memory does not grow with the
 * rows. */
#include "xlsx.h"

#include <string.h>
#include <xlsxwriter.h>

#include "alloc.h"
#include "date.h"
#include "json_text.h"

/* Excel's date serial of 1970-01-01, the day number 0. */
#define XLSX_EPOCH_SERIAL 25569.0
/* The last row a sheet holds (rows from 0, the header included). */
#define XLSX_ROW_LAST 1048575u
/* Number formats for amounts, one per currency exponent: #,##0 (JPY) .. #,##0.0000. */
#define XLSX_EXPONENT_MAX 4

struct acsa__format_xlsx {
    lxw_workbook *workbook;
    lxw_worksheet *sheet;
    const struct acsa_export_column *columns;
    size_t count;
    lxw_format *bold;
    lxw_format *date;
    lxw_format *money[XLSX_EXPONENT_MAX + 1];
    lxw_row_t row;                 /* The last row written. */
};

static enum acsa_rc xlsx_failed(lxw_error error, struct acsa_error *err)
{
    return acsa_error_set(err, ACSA_ESTORAGE, "out", "cannot write the workbook: %s",
                          lxw_strerror(error));
}

static void make_formats(struct acsa__format_xlsx *x)
{
    x->bold = workbook_add_format(x->workbook);
    format_set_bold(x->bold);
    x->date = workbook_add_format(x->workbook);
    format_set_num_format(x->date, "yyyy-mm-dd");
    static const char *const patterns[XLSX_EXPONENT_MAX + 1] = {
        "#,##0", "#,##0.0", "#,##0.00", "#,##0.000", "#,##0.0000"};
    for (unsigned e = 0; e <= XLSX_EXPONENT_MAX; e++) {
        x->money[e] = workbook_add_format(x->workbook);
        format_set_num_format(x->money[e], patterns[e]);
    }
}

enum acsa_rc acsa__format_xlsx_open(const char *path, const struct acsa_export_column *columns,
                                    size_t count, struct acsa__format_xlsx **out,
                                    struct acsa_error *err)
{
    *out = NULL;
    struct acsa__format_xlsx *x = acsa_calloc(1, sizeof(*x));
    if (x == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    lxw_workbook_options options = {.constant_memory = LXW_TRUE, .tmpdir = NULL,
                                    .use_zip64 = LXW_TRUE};
    x->workbook = workbook_new_opt(path, &options);
    x->sheet = x->workbook != NULL ? workbook_add_worksheet(x->workbook, "acsa") : NULL;
    if (x->sheet == NULL) {
        if (x->workbook != NULL) {
            workbook_close(x->workbook);
        }
        acsa_free(x);
        return acsa_error_set(err, ACSA_ESTORAGE, "out", "cannot start the workbook \"%s\"",
                              path);
    }
    x->columns = columns;
    x->count = count;
    make_formats(x);
    enum acsa_rc rc = ACSA_OK;
    for (size_t i = 0; rc == ACSA_OK && i < count; i++) {
        lxw_col_t col = (lxw_col_t)i;
        lxw_format *format = columns[i].type == ACSA_CELL_DATE ? x->date : NULL;
        lxw_error e = worksheet_set_column(x->sheet, col, col, columns[i].width, format);
        e = e == LXW_NO_ERROR ? worksheet_write_string(x->sheet, 0, col, columns[i].name, x->bold)
                              : e;
        rc = e == LXW_NO_ERROR ? ACSA_OK : xlsx_failed(e, err);
    }
    if (rc == ACSA_OK) {
        worksheet_freeze_panes(x->sheet, 1, 0);
        *out = x;
        return ACSA_OK;
    }
    acsa__format_xlsx_drop(x);
    return rc;
}

/* Stored text as a string cell (never a formula), made well-formed UTF-8 first. */
static lxw_error write_text(struct acsa__format_xlsx *x, lxw_col_t col, const char *text)
{
    size_t length = strlen(text);
    if (length == 0) {
        return LXW_NO_ERROR;
    }
    if (acsa_utf8_valid(text, length)) {
        return worksheet_write_string(x->sheet, x->row, col, text, NULL);
    }
    char *repaired = acsa_malloc(3 * length + 1);
    if (repaired == NULL) {
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    }
    repaired[acsa_utf8_repair(text, length, repaired)] = '\0';
    lxw_error e = worksheet_write_string(x->sheet, x->row, col, repaired, NULL);
    acsa_free(repaired);
    return e;
}

/* An exact decimal of minor units as the nearest double, or text beyond 15 digits. */
static lxw_error write_money(struct acsa__format_xlsx *x, lxw_col_t col,
                             const struct acsa_cell *c)
{
    if (c->number > ACSA_EXPORT_XLSX_NUMBER_MAX || c->number < -ACSA_EXPORT_XLSX_NUMBER_MAX ||
        c->exponent > XLSX_EXPONENT_MAX) {
        char text[ACSA_MONEY_TEXT_SIZE];
        return worksheet_write_string(x->sheet, x->row, col,
                                      acsa_money_format(c->number, c->exponent, text), NULL);
    }
    double scale = 1.0;
    for (uint8_t e = 0; e < c->exponent; e++) {
        scale *= 10.0;
    }
    /* Both are exact doubles (|minor| < 2^53, scale <= 10^4): one correctly rounded
     * division gives the double nearest the decimal. */
    return worksheet_write_number(x->sheet, x->row, col, (double)c->number / scale,
                                  x->money[c->exponent]);
}

static lxw_error write_cell(struct acsa__format_xlsx *x, size_t i, const struct acsa_cell *c)
{
    lxw_col_t col = (lxw_col_t)i;
    switch (x->columns[i].type) {
    case ACSA_CELL_TEXT:
        return write_text(x, col, c->text);
    case ACSA_CELL_INT:
        return c->number == 0 ? LXW_NO_ERROR
                              : worksheet_write_number(x->sheet, x->row, col,
                                                       (double)c->number, NULL);
    case ACSA_CELL_MONEY:
        return write_money(x, col, c);
    case ACSA_CELL_QUANTITY:
        return worksheet_write_number(x->sheet, x->row, col, (double)c->number / 1000.0, NULL);
    case ACSA_CELL_DATE:
        return c->number == ACSA_DATE_NONE
                   ? LXW_NO_ERROR
                   : worksheet_write_number(x->sheet, x->row, col,
                                            (double)c->number + XLSX_EPOCH_SERIAL, x->date);
    case ACSA_CELL_BOOL:
        return worksheet_write_boolean(x->sheet, x->row, col, c->number != 0, NULL);
    }
    return LXW_NO_ERROR;
}

enum acsa_rc acsa__format_xlsx_row(struct acsa__format_xlsx *x,
                                   const struct acsa_export_row *row, struct acsa_error *err)
{
    if (x->row >= XLSX_ROW_LAST) {
        return acsa_error_set(err, ACSA_ELIMIT, "format",
                              "an XLSX sheet holds at most %u rows: export as csv or json, or "
                              "choose fewer orders",
                              XLSX_ROW_LAST);
    }
    x->row++;
    for (size_t i = 0; i < x->count; i++) {
        lxw_error e = write_cell(x, i, &row->cells[i]);
        if (e != LXW_NO_ERROR) {
            return xlsx_failed(e, err);
        }
    }
    return ACSA_OK;
}

enum acsa_rc acsa__format_xlsx_close(struct acsa__format_xlsx *x, struct acsa_error *err)
{
    worksheet_autofilter(x->sheet, 0, 0, x->row, (lxw_col_t)(x->count - 1));
    lxw_error e = workbook_close(x->workbook);
    acsa_free(x);
    return e != LXW_NO_ERROR ? xlsx_failed(e, err) : ACSA_OK;
}

void acsa__format_xlsx_drop(struct acsa__format_xlsx *x)
{
    /* libxlsxwriter has no way to drop a workbook but to write it: it is written, and the
     * caller removes the file. */
    (void)workbook_close(x->workbook);
    acsa_free(x);
}
