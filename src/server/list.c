/* SPDX-License-Identifier: MIT */
/* Pages of lists: every list answers {items, next_cursor}. The cursor is the key of the last
 * item of the page (an order number, an id); the next page starts after it. A list that takes
 * ?format=csv writes the same items as rows of a CSV download instead, all of them. */
#include "server_int.h"

#include <string.h>

#include "alloc.h"

#define PAGE_CSV_COLUMNS_MAX 16

void acsa__server_page_init(struct page *page, bool skip)
{
    memset(page, 0, sizeof(*page));
    page->limit = SERVER_PAGE_DEFAULT;
    page->skipping = skip;
    snprintf(page->format, sizeof(page->format), "json");
}

bool acsa__server_page_format(struct request *req, struct page *page,
                              const char *const *columns, size_t count, const char *name)
{
    ACSA_ASSERT(count <= PAGE_CSV_COLUMNS_MAX);
    if (strcmp(page->format, "json") == 0) {
        return true;
    }
    if (strcmp(page->format, "csv") != 0) {
        acsa__server_problem(req, 400, "format", "format: \"%s\" is not json or csv",
                             page->format);
        return false;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    page->csv = acsa_calloc(1, sizeof(*page->csv));
    enum acsa_rc rc = page->csv != NULL
                          ? acsa__server_download_csv(page->csv, columns, count, &err)
                          : acsa_error_set(&err, ACSA_ENOMEM, NULL, "out of memory");
    if (rc != ACSA_OK) {
        acsa_free(page->csv);
        page->csv = NULL;
        acsa__server_problem_rc(req, rc, &err);
        return false;
    }
    page->cursor[0] = '\0'; /* The whole list: no cursor, no limit. */
    page->columns = columns;
    page->column_count = count;
    snprintf(page->csv_name, sizeof(page->csv_name), "%s", name);
    return true;
}

/* One member of an item as a CSV cell: text as is, a number or true/false as JSON writes it,
 * null empty, an array or object as compact JSON (*owned, freed by the caller). */
static const char *csv_cell(const json_t *value, char buf[32], char **owned)
{
    switch (json_typeof(value)) {
    case JSON_STRING:
        return json_string_value(value);
    case JSON_INTEGER:
        snprintf(buf, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
        return buf;
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "";
    default:
        *owned = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
        return *owned != NULL ? *owned : "";
    }
}

static enum acsa_rc csv_add(struct page *page, json_t *item)
{
    if (item == NULL) {
        return ACSA_ENOMEM;
    }
    const char *cells[PAGE_CSV_COLUMNS_MAX];
    char bufs[PAGE_CSV_COLUMNS_MAX][32];
    char *owned[PAGE_CSV_COLUMNS_MAX] = {NULL};
    for (size_t i = 0; i < page->column_count; i++) {
        const json_t *value = json_object_get(item, page->columns[i]);
        cells[i] = value != NULL ? csv_cell(value, bufs[i], &owned[i]) : "";
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa__server_download_row(page->csv, cells, page->column_count, &err);
    for (size_t i = 0; i < page->column_count; i++) {
        acsa_free(owned[i]); /* jansson allocates through acsa_malloc. */
    }
    json_decref(item);
    return rc;
}

enum page_verdict acsa__server_page_next(struct page *page, const char *key)
{
    if (page->skipping && page->cursor[0] != '\0') {
        page->skipping = strcmp(key, page->cursor) != 0;
        return PAGE_SKIP;
    }
    if (page->csv == NULL && page->items != NULL && json_array_size(page->items) >= page->limit) {
        page->more = true;
        return PAGE_STOP;
    }
    snprintf(page->last_key, sizeof(page->last_key), "%s", key);
    return PAGE_TAKE;
}

enum acsa_rc acsa__server_page_add(struct page *page, json_t *item)
{
    ACSA_ASSERT(page->limit >= 1 && page->limit <= SERVER_PAGE_MAX);
    if (page->csv != NULL) {
        return csv_add(page, item);
    }
    if (page->items == NULL) {
        page->items = json_array();
    }
    if (item == NULL || page->items == NULL || json_array_append_new(page->items, item) != 0) {
        return ACSA_ENOMEM;
    }
    return ACSA_OK;
}

enum acsa_rc acsa__server_page_offer(struct page *page, const char *key, json_t *item)
{
    switch (acsa__server_page_next(page, key)) {
    case PAGE_TAKE:
        return acsa__server_page_add(page, item);
    case PAGE_SKIP:
        json_decref(item);
        return ACSA_OK;
    case PAGE_STOP:
        break;
    }
    json_decref(item);
    return PAGE_FULL;
}

void acsa__server_page_respond(struct request *req, struct page *page, enum acsa_rc rc,
                  const struct acsa_error *err, json_t *extra)
{
    if (page->csv != NULL) {
        json_decref(extra);
        if (rc != ACSA_OK && rc != PAGE_FULL) {
            acsa__server_download_drop(page->csv);
            acsa__server_problem_rc(req, rc, err);
        } else {
            char today[ACSA_DATE_TEXT_SIZE];
            char filename[96];
            snprintf(filename, sizeof(filename), "acsa-%s-%s.csv", page->csv_name,
                     acsa_date_format(req->today, today));
            acsa__server_download_answer(req, page->csv, "text/csv; charset=utf-8", filename);
        }
        acsa_free(page->csv);
        page->csv = NULL;
        return;
    }
    json_t *items = page->items != NULL ? page->items : json_array();
    page->items = NULL;
    if (rc != ACSA_OK && rc != PAGE_FULL) {
        json_decref(items);
        json_decref(extra);
        acsa__server_problem_rc(req, rc, err);
        return;
    }
    json_t *doc = json_pack("{s:o, s:o}", "items", items, "next_cursor",
                            page->more ? acsa_json_string(page->last_key) : json_null());
    if (doc != NULL && extra != NULL && json_object_update(doc, extra) != 0) {
        json_decref(doc);
        doc = NULL;
    }
    json_decref(extra);
    if (doc == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    acsa__server_response_json(req, 200, doc);
}
