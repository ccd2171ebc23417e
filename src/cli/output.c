/* SPDX-License-Identifier: MIT */
/* Output: lists printed as aligned tables (widths computed over the rows, or fixed so
 * rows stream) or streamed as JSON arrays one object at a time; the JSON renderings
 * themselves are shared with the server (src/format/order_json.h). */
#include "cli.h"
#include "text.h"
#include "alloc.h"
#include "csv.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define JSON_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)
#define LABEL_WIDTH 18


/* ---- Text on a terminal ----------------------------------------------------------------- */

/* Text on a terminal as cli_put_text shows it, piece by piece: a well-formed character that is
 * not a control is shown as itself; a control character (C0, DEL) as \xHH, a C1 control as
 * \u00HH, and a byte that is not UTF-8 as \xHH, so that text stored before the text rule
 * (text.h), or written by another program, cannot move the cursor, clear the screen or set
 * the window title. *out_size is the length of the piece of text consumed; the result is the
 * escape to show (in escape) or NULL to show the piece as it is. */
static const char *terminal_piece(const char *text, size_t size, char escape[CLI_ESCAPE_SIZE],
                                  size_t *out_size)
{
    uint32_t code = 0;
    size_t length = acsa_utf8_next(text, size, &code);
    *out_size = length > 0 ? length : 1;
    if (length > 0 && !acsa_text_control(code, ACSA_TEXT_LINE)) {
        return NULL;
    }
    if (length == 0 || code < 0x80) {
        unsigned byte = length == 0 ? (unsigned char)text[0] : (unsigned)code;
        snprintf(escape, CLI_ESCAPE_SIZE, "\\x%02x", byte);
    } else {
        snprintf(escape, CLI_ESCAPE_SIZE, "\\u%04x", (unsigned)(code & 0xffffu));
    }
    return escape;
}

void cli_put_text(FILE *file, const char *text)
{
    size_t size = strlen(text);
    size_t start = 0;
    size_t at = 0;
    while (at < size) {
        char escape[CLI_ESCAPE_SIZE];
        size_t length = 0;
        const char *shown = terminal_piece(text + at, size - at, escape, &length);
        if (shown != NULL) {
            fwrite(text + start, 1, at - start, file);
            fputs(shown, file);
            start = at + length;
        }
        at += length;
    }
    fwrite(text + start, 1, size - start, file);
}

/* Characters on screen of text as cli_put_text shows it. */
static int display_width(const char *text)
{
    size_t size = strlen(text);
    int width = 0;
    for (size_t at = 0; at < size;) {
        char escape[CLI_ESCAPE_SIZE];
        size_t length = 0;
        const char *shown = terminal_piece(text + at, size - at, escape, &length);
        width += shown != NULL ? (int)strlen(shown) : 1;
        at += length;
    }
    return width;
}

static void spaces(FILE *file, int count)
{
    for (int i = 0; i < count; i++) {
        fputc(' ', file);
    }
}

/* ---- Amounts grouped by thousands ------------------------------------------------------ */

static bool raw_amounts; /* --raw: one command per process, so one setting. */

void cli_out_set_raw(void)
{
    raw_amounts = true;
}

/* A plain decimal ("-1234567.50", "326700") with its whole part grouped by thousands into buf
 * ("-1,234,567.50"); any other text (a date, "-", a name) as it is. */
static const char *grouped(const char *text, char buf[CLI_GROUPED_SIZE])
{
    size_t sign = text[0] == '-' ? 1 : 0;
    size_t digits = strspn(text + sign, "0123456789");
    const char *rest = text + sign + digits;
    bool decimal = digits > 0 && (rest[0] == '\0' ||
                                  (rest[0] == '.' && rest[1] != '\0' &&
                                   strspn(rest + 1, "0123456789") == strlen(rest + 1)));
    if (!decimal || digits <= 3 || strlen(text) + digits / 3 >= CLI_GROUPED_SIZE) {
        return text;
    }
    size_t at = 0;
    if (sign) {
        buf[at++] = '-';
    }
    for (size_t i = 0; i < digits; i++) {
        if (i > 0 && (digits - i) % 3 == 0) {
            buf[at++] = ',';
        }
        buf[at++] = text[sign + i];
    }
    snprintf(buf + at, CLI_GROUPED_SIZE - at, "%s", rest);
    return buf;
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
        cli_put_text(out->file, cells[i]);
        if (!out->columns[i].right && i + 1 < out->column_count) {
            spaces(out->file, pad);
        }
    }
    fputc('\n', out->file);
}

static void print_header(const struct cli_out *out, const int *widths)
{
    const char *headers[CLI_COLUMNS_MAX];
    for (size_t i = 0; i < out->column_count; i++) {
        headers[i] = out->columns[i].header;
    }
    print_row(out, headers, widths);
}

static void out_init(struct cli_out *out, FILE *file, const struct cli_column *columns,
                     size_t column_count)
{
    memset(out, 0, sizeof(*out));
    if (column_count > CLI_COLUMNS_MAX) {
        abort(); /* A table wider than this file was built for. */
    }
    out->file = file;
    out->columns = columns;
    out->column_count = column_count;
    out->streaming = true;
    out->group = !raw_amounts;
    for (size_t i = 0; i < column_count; i++) {
        out->streaming = out->streaming && columns[i].width > 0;
    }
}

void cli_out_begin(struct cli_out *out, FILE *file, bool json, const struct cli_column *columns,
                   size_t column_count)
{
    out_init(out, file, columns, column_count);
    out->json = json;
    int widths[CLI_COLUMNS_MAX];
    for (size_t i = 0; i < column_count; i++) {
        widths[i] = columns[i].width;
    }
    if (json) {
        fputs("[", file);
    } else if (out->streaming) {
        print_header(out, widths);
    }
}

/* One CSV row, written at once (a spreadsheet export streams whatever its size). A table's
 * "-" (no value: no due date yet) is an empty field. */
static enum acsa_rc write_csv_row(struct cli_out *out, const char *const *cells)
{
    const char *fields[CLI_COLUMNS_MAX];
    for (size_t i = 0; i < out->column_count; i++) {
        fields[i] = strcmp(cells[i], "-") == 0 ? "" : cells[i];
    }
    struct acsa_text row;
    acsa_text_init(&row, 256);
    acsa_csv_row(&row, fields, out->column_count);
    size_t size = 0;
    char *text = acsa_text_take(&row, &size);
    if (text == NULL) {
        return ACSA_ENOMEM;
    }
    size_t written = fwrite(text, 1, size, out->file);
    acsa_free(text);
    return written == size ? ACSA_OK : ACSA_ESTORAGE;
}

void cli_out_begin_csv(struct cli_out *out, FILE *file, const struct cli_column *columns,
                       size_t column_count, bool excel)
{
    out_init(out, file, columns, column_count);
    out->csv = true;
    const char *headers[CLI_COLUMNS_MAX];
    for (size_t i = 0; i < column_count; i++) {
        headers[i] = columns[i].header;
    }
    if (excel) {
        fputs(ACSA_CSV_BOM, out->file);
    }
    (void)write_csv_row(out, headers); /* A failed write shows again at the first row. */
}

enum acsa_rc cli_out_cells(struct cli_out *out, const char *const *given)
{
    if (out->csv) {
        out->items++;
        return write_csv_row(out, given);
    }
    const char *cells[CLI_COLUMNS_MAX];
    char buf[CLI_COLUMNS_MAX][CLI_GROUPED_SIZE];
    for (size_t i = 0; i < out->column_count; i++) {
        bool amount = out->group && out->columns[i].right == CLI_AMOUNT;
        cells[i] = amount ? grouped(given[i], buf[i]) : given[i];
    }
    if (out->streaming) {
        int widths[CLI_COLUMNS_MAX];
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

/* Writes doc and drops it. Every string in it is UTF-8 (acsa_json_string repairs stored text),
 * so json_dumpf fails only when the output cannot be written: that is reported as main reports
 * a failed write (exit 4), not as a lack of memory. */
/* Writes doc (taken): ACSA_ESTORAGE if the write failed, ACSA_ENOMEM if jansson left out what
 * it could not allocate for (it may still succeed: the output is then not to be trusted). */
static enum acsa_rc dump_json(json_t *doc, FILE *file)
{
    unsigned long failures = acsa_alloc_failures();
    int failed = json_dumpf(doc, file, JSON_FLAGS);
    json_decref(doc);
    if (acsa_alloc_failures() != failures) {
        return ACSA_ENOMEM;
    }
    return failed == 0 ? ACSA_OK : ACSA_ESTORAGE;
}

enum acsa_rc cli_out_json(struct cli_out *out, json_t *item)
{
    if (item == NULL) {
        return ACSA_ENOMEM;
    }
    fputs(out->items > 0 ? ",\n" : "\n", out->file);
    enum acsa_rc rc = dump_json(item, out->file);
    out->items++;
    return rc;
}

static void print_buffered(const struct cli_out *out)
{
    int widths[CLI_COLUMNS_MAX];
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
    if (rc == ACSA_OK && !out->json && !out->csv && out->items == 0 && out->rows == 0) {
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

void cli_list_begin(struct cli_list *list, struct cli *cli, struct acsa_app *app,
                    const struct cli_column *columns, size_t column_count)
{
    memset(list, 0, sizeof(*list));
    list->cli = cli;
    list->app = app;
    if (cli->csv) {
        cli_out_begin_csv(&list->out, stdout, columns, column_count, cli->excel);
    } else {
        cli_out_begin(&list->out, stdout, cli->json, columns, column_count);
    }
    acsa_error_clear(&cli->err);
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
    enum acsa_rc rc = dump_json(doc, file);
    fputc('\n', file);
    return rc;
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
    char line[CLI_FIELD_LINE_MAX];
    va_list args;
    va_start(args, format);
    vsnprintf(line, sizeof(line), format, args);
    va_end(args);
    fprintf(file, "%-*s", LABEL_WIDTH, label);
    cli_put_text(file, line);
    fputc('\n', file);
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
