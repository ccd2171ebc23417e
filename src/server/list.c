/* SPDX-License-Identifier: MIT */
/* Pages of lists: every list answers {items, next_cursor}. The cursor is the key of the last
 * item of the page (an order number, an id); the next page starts after it. */
#include "server_int.h"

#include <string.h>

void acsa__server_page_init(struct page *page, bool skip)
{
    memset(page, 0, sizeof(*page));
    page->limit = SERVER_PAGE_DEFAULT;
    page->skipping = skip;
}

enum page_verdict acsa__server_page_next(struct page *page, const char *key)
{
    if (page->skipping && page->cursor[0] != '\0') {
        page->skipping = strcmp(key, page->cursor) != 0;
        return PAGE_SKIP;
    }
    if (page->items != NULL && json_array_size(page->items) >= page->limit) {
        page->more = true;
        return PAGE_STOP;
    }
    snprintf(page->last_key, sizeof(page->last_key), "%s", key);
    return PAGE_TAKE;
}

enum acsa_rc acsa__server_page_add(struct page *page, json_t *item)
{
    ACSA_ASSERT(page->limit >= 1 && page->limit <= SERVER_PAGE_MAX);
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
