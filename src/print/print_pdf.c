/* SPDX-License-Identifier: MIT */
/* A form as PDF: cairo's PDF surface and pango, A4, fonts found by fontconfig and embedded
 * (subsets) by cairo, pages broken where the tables overflow, "page N of M" on each, a QR
 * code of the number and the hash. Laid out twice: once to count the pages, once to draw. */
#include "print.h"
#include "print_int.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

#define FONT_SANS "Noto Sans, Noto Sans CJK JP, Noto Sans Devanagari"
#define FONT_MONO "Noto Sans Mono CJK JP, Noto Sans Mono"
#define LEFT PRINT_MARGIN
#define RIGHT (PRINT_PAGE_WIDTH - PRINT_MARGIN)
#define WIDTH (RIGHT - LEFT)
#define TOP PRINT_MARGIN
#define BOTTOM (PRINT_PAGE_HEIGHT - PRINT_MARGIN - PRINT_FOOTER)
#define PAD 3.0
#define QR_SIZE 84.0

enum style { REGULAR, BOLD, MONO };

/* The bytes cairo writes. */
struct sink {
    uint8_t *data;
    size_t size;
    size_t capacity;
    bool failed;
    bool discard;      /* The counting pass: nothing kept. */
};

struct pdf {
    cairo_t *cr;
    PangoContext *pango;   /* Of a font map of this rendering's own, released with it. */
    const struct acsa_form *form;
    double y;
    int page;          /* 1-based once the first page is begun. */
    int pages;         /* Known on the drawing pass; 0 on the counting pass. */
    const struct print_column *table;     /* The table being drawn, repeated on a new page. */
    uint32_t table_columns;
    const char *table_title;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct sink *s = closure;
    if (s->discard || s->failed) {
        return s->failed ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
    }
    if (s->size + length > s->capacity) {
        size_t capacity = s->capacity > 0 ? s->capacity : 65536;
        while (capacity < s->size + length) {
            capacity *= 2;
        }
        uint8_t *grown = acsa_realloc(s->data, capacity);
        if (grown == NULL) {
            s->failed = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        s->data = grown;
        s->capacity = capacity;
    }
    memcpy(s->data + s->size, data, length);
    s->size += length;
    return CAIRO_STATUS_SUCCESS;
}

/* A layout of text (made valid UTF-8: stored text from before the text rule may not be) in
 * width points, wrapped at words or, for a long word, anywhere. Plain text, never markup. */
static PangoLayout *layout_of(struct pdf *p, const char *text, double width, double size,
                              enum style style, PangoAlignment align)
{
    pango_cairo_update_context(p->cr, p->pango);
    PangoLayout *layout = pango_layout_new(p->pango);
    PangoFontDescription *font = pango_font_description_from_string(
        style == MONO ? FONT_MONO : FONT_SANS);
    pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
    pango_font_description_set_weight(font, style == BOLD ? PANGO_WEIGHT_BOLD
                                                          : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout, font);
    pango_font_description_free(font);
    pango_layout_set_width(layout, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    gchar *valid = g_utf8_make_valid(text, -1);
    pango_layout_set_text(layout, valid, -1);
    g_free(valid);
    return layout;
}

static double text_height(struct pdf *p, const char *text, double width, double size,
                          enum style style)
{
    PangoLayout *layout = layout_of(p, text, width, size, style, PANGO_ALIGN_LEFT);
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    return (double)h / PANGO_SCALE;
}

/* Draws text at (x, y), top left, within width; returns its height. */
static double text_at(struct pdf *p, double x, double y, double width, const char *text,
                      double size, enum style style, PangoAlignment align)
{
    PangoLayout *layout = layout_of(p, text, width, size, style, align);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, layout);
    int w = 0;
    int h = 0;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    return (double)h / PANGO_SCALE;
}

static void gray(struct pdf *p, double level)
{
    cairo_set_source_rgb(p->cr, level, level, level);
}

static void box(struct pdf *p, double x, double y, double w, double h, double line, bool fill)
{
    cairo_rectangle(p->cr, x, y, w, h);
    if (fill) {
        gray(p, 0.88);
        cairo_fill_preserve(p->cr);
    }
    gray(p, 0.0);
    cairo_set_line_width(p->cr, line);
    cairo_stroke(p->cr);
}

static void qr_draw(struct pdf *p, double x, double y, double size)
{
    char text[PRINT_QR_TEXT_SIZE];
    acsa_form_qr_text(p->form, text, sizeof(text));
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL) {
        return;
    }
    double module = size / (qr->width + 4);
    gray(p, 0.0);
    for (int row = 0; row < qr->width; row++) {
        for (int col = 0; col < qr->width; col++) {
            if (qr->data[row * qr->width + col] & 1) {
                cairo_rectangle(p->cr, x + (col + 2) * module, y + (row + 2) * module, module,
                                module);
            }
        }
    }
    cairo_fill(p->cr);
    QRcode_free(qr);
}

static void footer(struct pdf *p)
{
    char words[PRINT_CELL_SIZE];
    char page[64];
    acsa__print_footer(p->form, words);
    if (p->pages > 0) {
        snprintf(page, sizeof(page), "page %d of %d", p->page, p->pages);
    } else {
        snprintf(page, sizeof(page), "page %d of %d", p->page, 99);
    }
    double y = PRINT_PAGE_HEIGHT - PRINT_MARGIN - PRINT_FOOTER + 8;
    gray(p, 0.0);
    cairo_set_line_width(p->cr, 0.5);
    cairo_move_to(p->cr, LEFT, y - 3);
    cairo_line_to(p->cr, RIGHT, y - 3);
    cairo_stroke(p->cr);
    text_at(p, LEFT, y, WIDTH * 0.75, words, 7.5, REGULAR, PANGO_ALIGN_LEFT);
    text_at(p, LEFT, y, WIDTH, page, 7.5, BOLD, PANGO_ALIGN_RIGHT);
    char hash[ACSA_FORM_HASH_TEXT_SIZE + 64];
    snprintf(hash, sizeof(hash), "SHA-256 of the last record: %s",
             p->form->hash[0] != '\0' ? p->form->hash : "none");
    text_at(p, LEFT, y + 10, WIDTH, hash, 6.5, MONO, PANGO_ALIGN_LEFT);
}

static void table_header(struct pdf *p);

static void page_begin(struct pdf *p)
{
    if (p->page > 0) {
        footer(p);
        cairo_show_page(p->cr);
    }
    p->page++;
    p->y = TOP;
    if (p->page > 1) {
        char head[PRINT_CELL_SIZE];
        snprintf(head, sizeof(head), "%s \xe2\x80\x94 %s (continued)",
                 acsa_form_kind_title(p->form->kind), p->form->number);
        p->y += text_at(p, LEFT, p->y, WIDTH, head, 9, BOLD, PANGO_ALIGN_LEFT) + 6;
        if (p->table != NULL) {
            table_header(p);
        }
    }
}

/* Begins a new page unless height fits below y. */
static void room(struct pdf *p, double height)
{
    if (p->y + height > BOTTOM) {
        page_begin(p);
    }
}

static double section_title(struct pdf *p, const char *title)
{
    room(p, 40);
    double h = text_at(p, LEFT, p->y, WIDTH, title, 8.5, BOLD, PANGO_ALIGN_LEFT);
    p->y += h + 2;
    return h + 2;
}

static void head(struct pdf *p)
{
    const struct acsa_form *f = p->form;
    double text_width = WIDTH - QR_SIZE - 12;
    double y = p->y;
    char line[PRINT_CELL_SIZE];
    snprintf(line, sizeof(line), "ACQUISITION AND CROSS-SERVICING AGREEMENT \xc2\xb7 %s",
             f->agreement_id);
    y += text_at(p, LEFT, y, text_width, line, 8, BOLD, PANGO_ALIGN_LEFT) + 2;
    y += text_at(p, LEFT, y, text_width, acsa_form_kind_title(f->kind), 16, BOLD,
                 PANGO_ALIGN_LEFT) + 4;
    snprintf(line, sizeof(line), "Order No. %s", f->number);
    y += text_at(p, LEFT, y, text_width, line, 12, BOLD, PANGO_ALIGN_LEFT) + 2;
    if (f->invoice[0] != '\0') {
        snprintf(line, sizeof(line), "Invoice No. %s", f->invoice);
        y += text_at(p, LEFT, y, text_width, line, 12, BOLD, PANGO_ALIGN_LEFT) + 2;
    }
    snprintf(line, sizeof(line),
             "Parties: %s and %s. Requested by %s, supplied by %s. Amounts in %s.",
             f->parties[0], f->parties[1], f->requester, f->supplier, f->currency);
    y += text_at(p, LEFT, y, text_width, line, 8, REGULAR, PANGO_ALIGN_LEFT);
    box(p, RIGHT - QR_SIZE, p->y, QR_SIZE, QR_SIZE, 0.5, false);
    qr_draw(p, RIGHT - QR_SIZE, p->y, QR_SIZE);
    double qr_bottom = p->y + QR_SIZE;
    text_at(p, RIGHT - QR_SIZE, qr_bottom + 1, QR_SIZE, "number and record hash", 5.5, REGULAR,
            PANGO_ALIGN_CENTER);
    p->y = (y > qr_bottom + 8 ? y : qr_bottom + 8) + 8;
}

/* The boxed fields, one row at a time, each row as high as its tallest box. */
static void fields(struct pdf *p)
{
    struct print_field all[PRINT_FIELDS_MAX];
    uint32_t count = acsa__print_fields(p->form, all);
    for (uint32_t start = 0; start < count;) {
        uint32_t end = start;
        double height = 0;
        while (end < count && all[end].row == all[start].row) {
            double w = all[end].share * WIDTH - 2 * PAD;
            double h = text_height(p, all[end].label, w, 6, BOLD) +
                       text_height(p, all[end].value, w, 9, REGULAR);
            height = h > height ? h : height;
            end++;
        }
        height += 2 * PAD + 1;
        room(p, height);
        double x = LEFT;
        for (uint32_t i = start; i < end; i++) {
            double w = all[i].share * WIDTH;
            box(p, x, p->y, w, height, 0.6, false);
            gray(p, 0.3);
            double lh = text_at(p, x + PAD, p->y + PAD, w - 2 * PAD, all[i].label, 6, BOLD,
                                PANGO_ALIGN_LEFT);
            gray(p, 0.0);
            text_at(p, x + PAD, p->y + PAD + lh + 1, w - 2 * PAD, all[i].value, 9, REGULAR,
                    PANGO_ALIGN_LEFT);
            x += w;
        }
        p->y += height;
        start = end;
    }
    p->y += 10;
}

static double row_height(struct pdf *p, const struct print_column *cols, uint32_t n,
                         char cells[][PRINT_CELL_SIZE], double size, enum style style)
{
    double height = 0;
    for (uint32_t i = 0; i < n; i++) {
        double h = text_height(p, cells[i], cols[i].share * WIDTH - 2 * PAD, size, style);
        height = h > height ? h : height;
    }
    return height + 2 * PAD;
}

static void row_draw(struct pdf *p, const struct print_column *cols, uint32_t n,
                     char cells[][PRINT_CELL_SIZE], double height, double size,
                     enum style style, bool shaded)
{
    double x = LEFT;
    for (uint32_t i = 0; i < n; i++) {
        double w = cols[i].share * WIDTH;
        box(p, x, p->y, w, height, 0.4, shaded);
        text_at(p, x + PAD, p->y + PAD, w - 2 * PAD, cells[i], size, style,
                cols[i].right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
        x += w;
    }
    p->y += height;
}

static void table_header(struct pdf *p)
{
    char cells[PRINT_COLUMNS_MAX][PRINT_CELL_SIZE];
    for (uint32_t i = 0; i < p->table_columns; i++) {
        snprintf(cells[i], PRINT_CELL_SIZE, "%s", p->table[i].title);
    }
    double h = row_height(p, p->table, p->table_columns, cells, 7, BOLD);
    row_draw(p, p->table, p->table_columns, cells, h, 7, BOLD, true);
}

/* Begins a table: its title and header on the page where its first row fits. */
static void table_begin(struct pdf *p, const char *title, const struct print_column *cols,
                        uint32_t n)
{
    room(p, 60);
    section_title(p, title);
    p->table = cols;
    p->table_columns = n;
    p->table_title = title;
    table_header(p);
}

static void table_row(struct pdf *p, char cells[][PRINT_CELL_SIZE], double size)
{
    double h = row_height(p, p->table, p->table_columns, cells, size, REGULAR);
    room(p, h);
    row_draw(p, p->table, p->table_columns, cells, h, size, REGULAR, false);
}

static void table_end(struct pdf *p)
{
    p->table = NULL;
    p->y += 8;
}

static void lines(struct pdf *p)
{
    const struct print_column *cols = NULL;
    uint32_t n = acsa__print_line_columns(p->form, &cols);
    table_begin(p, "LINES", cols, n);
    char cells[PRINT_COLUMNS_MAX][PRINT_CELL_SIZE];
    for (uint32_t i = 0; i < p->form->line_count; i++) {
        acsa__print_line_cells(p->form, &p->form->lines[i], cells);
        table_row(p, cells, 8);
    }
    if (p->form->line_count == 0) {
        room(p, 16);
        p->y += text_at(p, LEFT + PAD, p->y + PAD, WIDTH, "No line.", 8, REGULAR,
                        PANGO_ALIGN_LEFT) + 2 * PAD;
    }
    p->table = NULL;
}

static void totals(struct pdf *p)
{
    const struct acsa_form *f = p->form;
    double w_label = 150;
    double w_amount = 110;
    double x = RIGHT - w_label - w_amount;
    for (uint32_t i = 0; i < f->total_count; i++) {
        char amount[PRINT_CELL_SIZE];
        acsa__print_total(&f->totals[i], amount);
        double h = 15;
        room(p, h);
        box(p, x, p->y, w_label, h, 0.6, true);
        box(p, x + w_label, p->y, w_amount, h, 0.6, false);
        text_at(p, x + PAD, p->y + PAD, w_label - 2 * PAD, f->totals[i].label, 8, BOLD,
                PANGO_ALIGN_LEFT);
        text_at(p, x + w_label + PAD, p->y + PAD, w_amount - 2 * PAD, amount, 8.5, BOLD,
                PANGO_ALIGN_RIGHT);
        p->y += h;
    }
    p->y += 12;
}

static void steps(struct pdf *p)
{
    const struct acsa_form *f = p->form;
    table_begin(p, "RECORD OF SIGNED STEPS (officials, titles and dates)",
                acsa__print_step_columns(), PRINT_STEP_COLUMNS);
    char cells[PRINT_COLUMNS_MAX][PRINT_CELL_SIZE];
    for (uint32_t i = 0; i < f->step_count; i++) {
        acsa__print_step_cells(f, &f->steps[i], cells);
        table_row(p, cells, 7.5);
    }
    if (f->steps_omitted > 0) {
        char more[96];
        snprintf(more, sizeof(more), "and %u later steps (acsa order show %s)", f->steps_omitted,
                 f->number);
        room(p, 14);
        p->y += text_at(p, LEFT, p->y + 2, WIDTH, more, 7.5, REGULAR, PANGO_ALIGN_LEFT) + 4;
    }
    table_end(p);
}

static void signatures(struct pdf *p)
{
    const struct acsa_form *f = p->form;
    uint32_t n = f->signature_count;
    if (n == 0) {
        return;
    }
    double height = 92;
    room(p, height + 20);
    section_title(p, "SIGNATURES");
    double w = WIDTH / n;
    for (uint32_t i = 0; i < n; i++) {
        const struct acsa_form_signature *s = &f->signatures[i];
        double x = LEFT + i * w;
        double y = p->y + PAD;
        box(p, x, p->y, w, height, 0.6, false);
        char text[PRINT_CELL_SIZE];
        snprintf(text, sizeof(text), "%s (%s)", s->label, s->party);
        y += text_at(p, x + PAD, y, w - 2 * PAD, text, 7.5, BOLD, PANGO_ALIGN_LEFT) + 2;
        char date[ACSA_DATE_TEXT_SIZE + 1];
        snprintf(text, sizeof(text), "Name: %s", s->name[0] != '\0' ? s->name : "");
        y += text_at(p, x + PAD, y, w - 2 * PAD, text, 8, REGULAR, PANGO_ALIGN_LEFT) + 1;
        snprintf(text, sizeof(text), "Title: %s", s->title);
        y += text_at(p, x + PAD, y, w - 2 * PAD, text, 8, REGULAR, PANGO_ALIGN_LEFT) + 1;
        snprintf(text, sizeof(text), "Date: %s",
                 s->day != ACSA_DATE_NONE ? acsa__print_date(s->day, date) : "");
        text_at(p, x + PAD, y, w - 2 * PAD, text, 8, REGULAR, PANGO_ALIGN_LEFT);
        double line_y = p->y + height - 16;
        cairo_set_line_width(p->cr, 0.6);
        gray(p, 0.0);
        cairo_move_to(p->cr, x + 8, line_y);
        cairo_line_to(p->cr, x + w - 8, line_y);
        cairo_stroke(p->cr);
        text_at(p, x + 8, line_y + 2, w - 16, "Signature", 6, REGULAR, PANGO_ALIGN_LEFT);
    }
    p->y += height + 12;
}

static void verification(struct pdf *p)
{
    const struct acsa_form *f = p->form;
    char text[PRINT_CELL_SIZE];
    snprintf(text, sizeof(text),
             "This form renders order %s as held by node %s after %u records. The SHA-256 of "
             "its last record is printed below and in the QR code; check the paper against "
             "either node with: acsa order verify %s --hash <hash>",
             f->number, f->node, f->record_count, f->number);
    double h = text_height(p, text, WIDTH - 2 * PAD, 7.5, REGULAR) + 20;
    room(p, h + 4);
    box(p, LEFT, p->y, WIDTH, h, 0.6, false);
    double y = p->y + PAD;
    y += text_at(p, LEFT + PAD, y, WIDTH - 2 * PAD, text, 7.5, REGULAR, PANGO_ALIGN_LEFT) + 2;
    text_at(p, LEFT + PAD, y, WIDTH - 2 * PAD, f->hash[0] != '\0' ? f->hash : "none", 8.5, MONO,
            PANGO_ALIGN_LEFT);
    p->y += h + 4;
}

/* Lays out and draws the whole form on surface with fonts; returns the number of pages. */
static int render(cairo_surface_t *surface, PangoFontMap *fonts, const struct acsa_form *form,
                  int pages)
{
    struct pdf p;
    memset(&p, 0, sizeof(p));
    p.cr = cairo_create(surface);
    p.pango = pango_font_map_create_context(fonts);
    p.form = form;
    p.pages = pages;
    page_begin(&p);
    head(&p);
    fields(&p);
    lines(&p);
    p.y += 4;
    totals(&p);
    signatures(&p);
    steps(&p);
    verification(&p);
    footer(&p);
    cairo_show_page(p.cr);
    cairo_destroy(p.cr);
    g_object_unref(p.pango);
    return p.page;
}

static enum acsa_rc pass(const struct acsa_form *form, PangoFontMap *fonts, struct sink *sink,
                         int *pages, struct acsa_error *err)
{
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(
        sink_write, sink, PRINT_PAGE_WIDTH, PRINT_PAGE_HEIGHT);
    char title[ACSA_NUMBER_SIZE * 2 + 32];
    snprintf(title, sizeof(title), "%s %s", form->number, acsa_form_kind_name(form->kind));
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "acsa");
    *pages = render(surface, fonts, form, *pages);
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (sink->failed) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    if (status != CAIRO_STATUS_SUCCESS) {
        return acsa_error_set(err, ACSA_ESTORAGE, "pdf", "cairo: %s",
                              cairo_status_to_string(status));
    }
    return ACSA_OK;
}

enum acsa_rc acsa_print_pdf(const struct acsa_form *form, uint8_t **out, size_t *out_size,
                            struct acsa_error *err)
{
    *out = NULL;
    *out_size = 0;
    struct sink sink;
    memset(&sink, 0, sizeof(sink));
    sink.discard = true;
    int pages = 0;
    /* A font map of its own, not the thread's default one: everything it caches (fontconfig
     * patterns, font faces) serves both passes and is released with it, in the server's
     * threads as in the CLI. */
    PangoFontMap *fonts = pango_cairo_font_map_new();
    enum acsa_rc rc = pass(form, fonts, &sink, &pages, err);
    sink.discard = false;
    if (rc == ACSA_OK) {
        rc = pass(form, fonts, &sink, &pages, err);
    }
    g_object_unref(fonts);
    if (rc != ACSA_OK) {
        acsa_free(sink.data);
        return rc;
    }
    *out = sink.data;
    *out_size = sink.size;
    return ACSA_OK;
}
