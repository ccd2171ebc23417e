/* SPDX-License-Identifier: MIT */
/* Output: lists printed as aligned tables (widths computed over the rows, or fixed so
 * rows stream) or streamed as JSON arrays one object at a time; the JSON renderings
 * themselves are shared with the server (src/format/order_json.h). */
#include "cli.h"
#include "../util/alloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)
#define COLUMNS_MAX 16
#define LABEL_WIDTH 18

/* Characters on screen of UTF-8 text: every byte but continuation bytes. */
static int display_width(const char *text)
{
    int width = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        width += (*p & 0xC0u) != 0x80u ? 1 : 0;
    }
    return width;
}

static void spaces(FILE *file, int count)
{
    for (int i = 0; i < count; i++) {
        fputc(' ', file);
    }
}

static void print_row(const struct cli_out *out, const char *const *cells, const int *widths)
{
    for (size_t i = 0; i < out->column_count; i++) {
        int pad = widths[i] - display_width(cells[i]);
        pad = pad > 0 ? pad : 0;
        if (i > 0) {
            fputs("  ", out->file);
        }
        if (out->columns[i].right) {
            spaces(out->file, pad);
        }
        fputs(cells[i], out->file);
        if (!out->columns[i].right && i + 1 < out->column_count) {
            spaces(out->file, pad);
        }
    }
    fputc('\n', out->file);
}

static void print_header(const struct cli_out *out, const int *widths)
{
    const char *headers[COLUMNS_MAX];
    for (size_t i = 0; i < out->column_count; i++) {
        headers[i] = out->columns[i].header;
    }
    print_row(out, headers, widths);
}

void cli_out_begin(struct cli_out *out, FILE *file, bool json, const struct cli_column *columns,
                   size_t column_count)
{
    memset(out, 0, sizeof(*out));
    if (column_count > COLUMNS_MAX) {
        abort(); /* A table wider than this file was built for. */
    }
    out->file = file;
    out->json = json;
    out->columns = columns;
    out->column_count = column_count;
    out->streaming = true;
    int widths[COLUMNS_MAX];
    for (size_t i = 0; i < column_count; i++) {
        widths[i] = columns[i].width;
        out->streaming = out->streaming && columns[i].width > 0;
    }
    if (json) {
        fputs("[", file);
    } else if (out->streaming) {
        print_header(out, widths);
    }
}

enum acsa_rc cli_out_cells(struct cli_out *out, const char *const *cells)
{
    if (out->streaming) {
        int widths[COLUMNS_MAX];
        for (size_t i = 0; i < out->column_count; i++) {
            widths[i] = out->columns[i].width;
        }
        print_row(out, cells, widths);
        out->items++;
        return ACSA_OK;
    }
    if (out->rows == out->capacity) {
        size_t capacity = out->capacity == 0 ? 16 : out->capacity * 2;
        char **grown = acsa_realloc(out->cells, capacity * out->column_count * sizeof(*grown));
        if (grown == NULL) {
            return ACSA_ENOMEM;
        }
        out->cells = grown;
        out->capacity = capacity;
    }
    char **row = out->cells + out->rows * out->column_count;
    for (size_t i = 0; i < out->column_count; i++) {
        row[i] = acsa_strdup(cells[i]);
    }
    out->rows++;
    for (size_t i = 0; i < out->column_count; i++) {
        if (row[i] == NULL) {
            return ACSA_ENOMEM;
        }
    }
    return ACSA_OK;
}

enum acsa_rc cli_out_json(struct cli_out *out, json_t *item)
{
    if (item == NULL) {
        return ACSA_ENOMEM;
    }
    fputs(out->items > 0 ? ",\n" : "\n", out->file);
    unsigned long failures = acsa_alloc_failures();
    int failed = json_dumpf(item, out->file, JSON_FLAGS);
    json_decref(item);
    out->items++;
    /* jansson may leave out what it could not allocate for and still succeed: the output is
     * then not to be trusted, and exit 4 says so. */
    return failed == 0 && acsa_alloc_failures() == failures ? ACSA_OK : ACSA_ENOMEM;
}

static void print_buffered(const struct cli_out *out)
{
    int widths[COLUMNS_MAX];
    for (size_t i = 0; i < out->column_count; i++) {
        widths[i] = display_width(out->columns[i].header);
        for (size_t r = 0; r < out->rows; r++) {
            int width = display_width(out->cells[r * out->column_count + i]);
            widths[i] = width > widths[i] ? width : widths[i];
        }
    }
    print_header(out, widths);
    for (size_t r = 0; r < out->rows; r++) {
        print_row(out, (const char *const *)(out->cells + r * out->column_count), widths);
    }
}

enum acsa_rc cli_out_end(struct cli_out *out, enum acsa_rc rc)
{
    if (rc == ACSA_OK && out->json) {
        fputs(out->items > 0 ? "\n]" : "]", out->file);
        fputs(out->nested ? "" : "\n", out->file);
    } else if (rc == ACSA_OK && !out->streaming) {
        print_buffered(out);
    }
    if (rc == ACSA_OK && !out->json && out->items == 0 && out->rows == 0) {
        fputs("(none)\n", out->file);
    }
    for (size_t i = 0; i < out->rows * out->column_count; i++) {
        acsa_free(out->cells[i]);
    }
    acsa_free(out->cells);
    out->cells = NULL;
    out->rows = 0;
    out->capacity = 0;
    return rc;
}

struct acsa_store *cli_list_begin(struct cli_list *list, struct cli *cli, struct acsa_app *app,
                                  const struct cli_column *columns, size_t column_count)
{
    memset(list, 0, sizeof(*list));
    list->cli = cli;
    list->app = app;
    cli_out_begin(&list->out, stdout, cli->json, columns, column_count);
    acsa_error_clear(&cli->err);
    return acsa_app_store(app);
}

int cli_list_end(struct cli_list *list, enum acsa_rc rc)
{
    rc = cli_out_end(&list->out, rc);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(list->cli, rc);
}

/* ---- JSON values ---------------------------------------------------------------------- */

enum acsa_rc cli_json_print(FILE *file, json_t *doc)
{
    if (doc == NULL) {
        return ACSA_ENOMEM;
    }
    unsigned long failures = acsa_alloc_failures();
    int failed = json_dumpf(doc, file, JSON_FLAGS);
    fputc('\n', file);
    json_decref(doc);
    return failed == 0 && acsa_alloc_failures() == failures ? ACSA_OK : ACSA_ENOMEM;
}

/* ---- Text values ---------------------------------------------------------------------- */

void cli_append(char *buf, size_t size, size_t *used, const char *format, ...)
{
    if (*used >= size) {
        return;
    }
    va_list args;
    va_start(args, format);
    int n = vsnprintf(buf + *used, size - *used, format, args);
    va_end(args);
    if (n > 0) {
        *used = (size_t)n >= size - *used ? size : *used + (size_t)n;
    }
}

void cli_field(FILE *file, const char *label, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fprintf(file, "%-*s", LABEL_WIDTH, label);
    vfprintf(file, format, args);
    fputc('\n', file);
    va_end(args);
}

const char *cli_date_text(int32_t day, char buf[ACSA_DATE_TEXT_SIZE])
{
    if (day == ACSA_DATE_NONE) {
        buf[0] = '-';
        buf[1] = '\0';
        return buf;
    }
    return acsa_date_format(day, buf);
}
