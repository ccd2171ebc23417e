/* SPDX-License-Identifier: MIT */
/* A form as one self-contained HTML page: the same fields, lines, totals, steps and signature
 * blocks as the PDF, every text escaped (stored text is the partner's and may hold markup),
 * no script, the QR code as inline SVG, a print stylesheet for A4. */
#include "print.h"
#include "print_int.h"

#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

struct html {
    char *data;
    size_t size;
    size_t capacity;
    bool failed;
};

static void raw(struct html *h, const char *text, size_t length)
{
    if (h->failed) {
        return;
    }
    if (h->size + length + 1 > h->capacity) {
        size_t capacity = h->capacity > 0 ? h->capacity : 16384;
        while (capacity < h->size + length + 1) {
            capacity *= 2;
        }
        char *grown = acsa_realloc(h->data, capacity);
        if (grown == NULL) {
            h->failed = true;
            return;
        }
        h->data = grown;
        h->capacity = capacity;
    }
    memcpy(h->data + h->size, text, length);
    h->size += length;
    h->data[h->size] = '\0';
}

static void lit(struct html *h, const char *text)
{
    raw(h, text, strlen(text));
}

static void fmt(struct html *h, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void fmt(struct html *h, const char *format, ...)
{
    char buf[256];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(buf, sizeof(buf), format, args);
    va_end(args);
    if (n > 0) {
        raw(h, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
    }
}

/* Text as HTML: & < > " ' escaped, control characters and bytes of malformed UTF-8 dropped
 * for U+FFFD (stored text from before the text rule). */
static void esc(struct html *h, const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s != '\0') {
        unsigned char c = *s;
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                             : (c & 0xF8) == 0xF0 ? 4 : 0;
        bool valid = n > 0 && !(n == 2 && c < 0xC2) && !(n == 4 && c > 0xF4);
        for (size_t i = 1; valid && i < n; i++) {
            valid = (s[i] & 0xC0) == 0x80;
        }
        if (!valid) {
            lit(h, "\xef\xbf\xbd");
            s++;
            continue;
        }
        switch (c) {
        case '&': lit(h, "&amp;"); break;
        case '<': lit(h, "&lt;"); break;
        case '>': lit(h, "&gt;"); break;
        case '"': lit(h, "&quot;"); break;
        case '\'': lit(h, "&#39;"); break;
        default:
            if (n == 1 && (c < 0x20 || c == 0x7F)) {
                lit(h, "\xef\xbf\xbd");
            } else {
                raw(h, (const char *)s, n);
            }
            break;
        }
        s += n;
    }
}

static void tag_text(struct html *h, const char *open, const char *text, const char *close)
{
    lit(h, open);
    esc(h, text);
    lit(h, close);
}

const char acsa_print_html_style[] =
    "body{font-family:'Noto Sans','Noto Sans CJK JP','Noto Sans Devanagari',sans-serif;"
    "font-size:10pt;color:#000;margin:0 auto;max-width:190mm;padding:8mm}"
    "header{display:flex;justify-content:space-between;gap:12px}"
    ".kicker{font-size:8pt;font-weight:bold;margin:0}h1{font-size:16pt;margin:2px 0}"
    "h2{font-size:12pt;margin:2px 0}h3{font-size:9pt;margin:12px 0 3px}"
    ".qr{width:30mm;height:30mm;border:1px solid #000;flex:none}"
    "table{border-collapse:collapse;width:100%}th,td{border:1px solid #000;padding:2px 4px;"
    "vertical-align:top;overflow-wrap:anywhere}th{background:#e0e0e0;font-size:8pt;"
    "text-align:left}td.n,th.n{text-align:right}.fields td{width:auto}"
    ".fields .l{display:block;font-size:6.5pt;font-weight:bold;color:#444}"
    ".totals{width:auto;margin-left:auto;margin-top:6px}.totals th{font-size:9pt}"
    ".sign{display:flex;gap:0}.sign div{flex:1;border:1px solid #000;padding:4px;"
    "min-height:28mm;position:relative}.sign .line{position:absolute;left:8px;right:8px;"
    "bottom:14px;border-top:1px solid #000;font-size:6pt;padding-top:1px}"
    ".hash{font-family:'Noto Sans Mono','Noto Sans Mono CJK JP',monospace;overflow-wrap:anywhere}"
    "@page{size:A4;margin:12mm}@media print{body{padding:0;max-width:none}"
    "tr{break-inside:avoid}thead{display:table-header-group}}";

static void qr_svg(struct html *h, const struct acsa_form *f)
{
    char text[PRINT_QR_TEXT_SIZE];
    acsa_form_qr_text(f, text, sizeof(text));
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL) {
        return;
    }
    int size = qr->width + 4;
    fmt(h, "<svg class=\"qr\" role=\"img\" aria-label=\"QR code of the number and hash\" "
           "viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\">"
           "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
        size, size, size, size);
    for (int row = 0; row < qr->width; row++) {
        for (int col = 0; col < qr->width; col++) {
            if (qr->data[row * qr->width + col] & 1) {
                fmt(h, "M%d %dh1v1h-1z", col + 2, row + 2);
            }
        }
    }
    lit(h, "\"/></svg>");
    QRcode_free(qr);
}

static void head(struct html *h, const struct acsa_form *f)
{
    lit(h, "<header><div><p class=\"kicker\">ACQUISITION AND CROSS-SERVICING AGREEMENT \xc2\xb7 ");
    esc(h, f->agreement_id);
    lit(h, "</p>");
    tag_text(h, "<h1>", acsa_form_kind_title(f->kind), "</h1>");
    tag_text(h, "<h2 data-test=\"form-number\">Order No. ", f->number, "</h2>");
    if (f->invoice[0] != '\0') {
        tag_text(h, "<h2 data-test=\"form-invoice\">Invoice No. ", f->invoice, "</h2>");
    }
    lit(h, "<p>Parties: ");
    esc(h, f->parties[0]);
    lit(h, " and ");
    esc(h, f->parties[1]);
    lit(h, ". Requested by ");
    esc(h, f->requester);
    lit(h, ", supplied by ");
    esc(h, f->supplier);
    lit(h, ". Amounts in ");
    esc(h, f->currency);
    lit(h, ".</p></div>");
    qr_svg(h, f);
    lit(h, "</header>");
}

static void fields(struct html *h, const struct acsa_form *f)
{
    struct print_field all[PRINT_FIELDS_MAX];
    uint32_t count = acsa__print_fields(f, all);
    lit(h, "<table class=\"fields\">");
    for (uint32_t start = 0; start < count;) {
        uint32_t end = start;
        while (end < count && all[end].row == all[start].row) {
            end++;
        }
        lit(h, "<tr>");
        for (uint32_t i = start; i < end; i++) {
            /* A row of fewer boxes spans the table: 60 columns share out. */
            fmt(h, "<td colspan=\"%d\">", (int)(all[i].share * 60 + 0.5));
            tag_text(h, "<span class=\"l\">", all[i].label, "</span>");
            esc(h, all[i].value);
            lit(h, "</td>");
        }
        lit(h, "</tr>");
        start = end;
    }
    lit(h, "</table>");
}

/* The columns' widths go in <col width>, not in style attributes: the page's policy allows
 * its one style element and nothing inline. */
static void table_head(struct html *h, const struct print_column *cols, uint32_t n)
{
    lit(h, "<table><colgroup>");
    for (uint32_t i = 0; i < n; i++) {
        fmt(h, "<col width=\"%d%%\">", (int)(cols[i].share * 100 + 0.5));
    }
    lit(h, "</colgroup><thead><tr>");
    for (uint32_t i = 0; i < n; i++) {
        lit(h, cols[i].right ? "<th class=\"n\">" : "<th>");
        esc(h, cols[i].title);
        lit(h, "</th>");
    }
    lit(h, "</tr></thead><tbody>");
}

static void table_row(struct html *h, const struct print_column *cols, uint32_t n,
                      char cells[][PRINT_CELL_SIZE])
{
    lit(h, "<tr>");
    for (uint32_t i = 0; i < n; i++) {
        tag_text(h, cols[i].right ? "<td class=\"n\">" : "<td>", cells[i], "</td>");
    }
    lit(h, "</tr>");
}

static void body(struct html *h, const struct acsa_form *f)
{
    head(h, f);
    fields(h, f);
    const struct print_column *cols = NULL;
    uint32_t n = acsa__print_line_columns(f, &cols);
    char cells[PRINT_COLUMNS_MAX][PRINT_CELL_SIZE];
    lit(h, "<h3>LINES</h3>");
    table_head(h, cols, n);
    for (uint32_t i = 0; i < f->line_count; i++) {
        acsa__print_line_cells(f, &f->lines[i], cells);
        table_row(h, cols, n, cells);
    }
    lit(h, "</tbody></table><table class=\"totals\" data-test=\"form-totals\">");
    for (uint32_t i = 0; i < f->total_count; i++) {
        char amount[PRINT_CELL_SIZE];
        acsa__print_total(&f->totals[i], amount);
        tag_text(h, "<tr><th>", f->totals[i].label, "</th>");
        tag_text(h, "<td class=\"n\">", amount, "</td></tr>");
    }
    lit(h, "</table><h3>SIGNATURES</h3><div class=\"sign\">");
    for (uint32_t i = 0; i < f->signature_count; i++) {
        const struct acsa_form_signature *s = &f->signatures[i];
        char date[ACSA_DATE_TEXT_SIZE + 1];
        tag_text(h, "<div><b>", s->label, "");
        tag_text(h, " (", s->party, ")</b>");
        tag_text(h, "<br>Name: ", s->name, "");
        tag_text(h, "<br>Title: ", s->title, "");
        tag_text(h, "<br>Date: ", s->day != ACSA_DATE_NONE ? acsa__print_date(s->day, date) : "",
                 "<span class=\"line\">Signature</span></div>");
    }
    lit(h, "</div><h3>RECORD OF SIGNED STEPS (officials, titles and dates)</h3>");
    const struct print_column *step_cols = acsa__print_step_columns();
    table_head(h, step_cols, PRINT_STEP_COLUMNS);
    for (uint32_t i = 0; i < f->step_count; i++) {
        acsa__print_step_cells(f, &f->steps[i], cells);
        table_row(h, step_cols, PRINT_STEP_COLUMNS, cells);
    }
    lit(h, "</tbody></table>");
    if (f->steps_omitted > 0) {
        fmt(h, "<p>and %u later steps</p>", f->steps_omitted);
    }
    fmt(h, "<h3>VERIFICATION</h3><p>This form renders the order as held by node ");
    esc(h, f->node);
    fmt(h, " after %u records. SHA-256 of the last record: <span class=\"hash\" "
           "data-test=\"form-hash\">", f->record_count);
    esc(h, f->hash[0] != '\0' ? f->hash : "none");
    lit(h, "</span></p><footer>");
    char footer[PRINT_CELL_SIZE];
    acsa__print_footer(f, footer);
    esc(h, footer);
    lit(h, "</footer>");
}

enum acsa_rc acsa_print_html(const struct acsa_form *form, char **out, size_t *out_size,
                             struct acsa_error *err)
{
    *out = NULL;
    *out_size = 0;
    struct html h;
    memset(&h, 0, sizeof(h));
    lit(&h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"" ACSA_PRINT_HTML_META_CSP
            "\"><title>");
    esc(&h, form->number);
    lit(&h, " ");
    esc(&h, acsa_form_kind_name(form->kind));
    lit(&h, "</title><style>");
    lit(&h, acsa_print_html_style);
    lit(&h, "</style></head><body>");
    body(&h, form);
    lit(&h, "</body></html>\n");
    if (h.failed) {
        acsa_free(h.data);
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    *out = h.data;
    *out_size = h.size;
    return ACSA_OK;
}
