/* SPDX-License-Identifier: MIT */
/* Reading CSV per RFC 4180 (csv.h): one row at a time, each field unquoted into a buffer of
 * the reader's, so that a file of any number of rows is read in the memory of its largest. */
#include "csv.h"

#include <string.h>

#include "alloc.h"

enum acsa_rc acsa_csv_reader_open(struct acsa_csv_reader *r, const char *data, size_t size,
                                  uint32_t max_fields, struct acsa_error *err)
{
    memset(r, 0, sizeof(*r));
    size_t skip = 0;
    if (size >= 3 && memcmp(data, ACSA_CSV_BOM, 3) == 0) {
        skip = 3;
    }
    r->data = data + skip;
    r->size = size - skip;
    r->max_fields = max_fields;
    /* A row's fields take at most its bytes, plus one NUL each. */
    r->buf = acsa_malloc(r->size + (size_t)max_fields + 2);
    r->fields = acsa_calloc((size_t)max_fields + 1, sizeof(*r->fields));
    if (r->buf == NULL || r->fields == NULL) {
        acsa_csv_reader_close(r);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory reading CSV");
    }
    return ACSA_OK;
}

void acsa_csv_reader_close(struct acsa_csv_reader *r)
{
    acsa_free(r->buf);
    acsa_free(r->fields);
    r->buf = NULL;
    r->fields = NULL;
}

static enum acsa_rc refuse(struct acsa_csv_reader *r, uint32_t column, const char *what,
                           uint32_t *out_column, struct acsa_error *err)
{
    *out_column = column;
    return acsa_error_set(err, ACSA_EUSAGE, "csv", "row %u, column %u: %s", r->row, column,
                          what);
}

/* Whether the row ends at pos: LF, CRLF, or the end of the data. Moves past the ending. */
static bool row_end(struct acsa_csv_reader *r)
{
    if (r->pos >= r->size) {
        return true;
    }
    if (r->data[r->pos] == '\n') {
        r->pos++;
        return true;
    }
    if (r->data[r->pos] == '\r' && r->pos + 1 < r->size && r->data[r->pos + 1] == '\n') {
        r->pos += 2;
        return true;
    }
    return false;
}

/* Reads one quoted field's content after its opening quote into out. */
static enum acsa_rc quoted(struct acsa_csv_reader *r, uint32_t column, char **out,
                           uint32_t *out_column, struct acsa_error *err)
{
    char *o = *out;
    for (;;) {
        if (r->pos >= r->size) {
            return refuse(r, column, "a quoted field is never closed", out_column, err);
        }
        char c = r->data[r->pos++];
        if (c == '\0') {
            return refuse(r, column, "a NUL byte", out_column, err);
        }
        if (c == '"') {
            if (r->pos < r->size && r->data[r->pos] == '"') {
                r->pos++;
                *o++ = '"';
                continue;
            }
            break;
        }
        *o++ = c;
    }
    *out = o;
    if (r->pos < r->size && r->data[r->pos] != ',' && r->data[r->pos] != '\n' &&
        !(r->data[r->pos] == '\r' && r->pos + 1 < r->size && r->data[r->pos + 1] == '\n')) {
        return refuse(r, column, "text after the closing quote (a quote inside a quoted field "
                      "is written twice)", out_column, err);
    }
    return ACSA_OK;
}

/* Reads one unquoted field into out, up to a comma or the row's end. */
static enum acsa_rc plain(struct acsa_csv_reader *r, uint32_t column, char **out,
                          uint32_t *out_column, struct acsa_error *err)
{
    char *o = *out;
    while (r->pos < r->size) {
        char c = r->data[r->pos];
        if (c == ',' || c == '\n' ||
            (c == '\r' && r->pos + 1 < r->size && r->data[r->pos + 1] == '\n')) {
            break;
        }
        if (c == '"') {
            return refuse(r, column, "a quote inside a field that is not quoted (quote the "
                          "whole field and write the quote twice)", out_column, err);
        }
        if (c == '\0') {
            return refuse(r, column, "a NUL byte", out_column, err);
        }
        *o++ = c;
        r->pos++;
    }
    *out = o;
    return ACSA_OK;
}

enum acsa_rc acsa_csv_next(struct acsa_csv_reader *r, const char *const **out_fields,
                           uint32_t *out_count, bool *out_end, uint32_t *out_column,
                           struct acsa_error *err)
{
    *out_count = 0;
    *out_column = 0;
    *out_end = r->pos >= r->size;
    if (*out_end) {
        return ACSA_OK;
    }
    r->row++;
    char *o = r->buf;
    uint32_t count = 0;
    for (;;) {
        if (count == r->max_fields) {
            return refuse(r, count + 1, "more fields than the file may have", out_column, err);
        }
        r->fields[count++] = o;
        if (r->pos < r->size && r->data[r->pos] == '"') {
            r->pos++;
            ACSA_TRY(quoted(r, count, &o, out_column, err));
        } else {
            ACSA_TRY(plain(r, count, &o, out_column, err));
        }
        *o++ = '\0';
        if (row_end(r)) {
            break;
        }
        r->pos++; /* The comma. */
    }
    *out_fields = r->fields;
    *out_count = count;
    return ACSA_OK;
}
