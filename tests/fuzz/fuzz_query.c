/* SPDX-License-Identifier: MIT */
/* Query strings, page cursors and JSON bodies against a table holding every kind of field
 * (src/server/json_in.c, list.c), faster than through the routes. Input: "QUERY\nBODY".
 * Properties: a refused query or body is answered 400 naming a field; a page holds at most
 * its limit, starts after its cursor, and has a next cursor exactly when items remain; the
 * pages of one listing, cursor to cursor, give every item once. */
#include "fuzz.h"

#include "alloc.h"
#include "server_fakes.h"

#define KEYS 40

static char keys[KEYS][24];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    for (int i = 0; i < KEYS; i++) {
        snprintf(keys[i], sizeof(keys[i]), "IN-JP-2024-%06d", i * 3 + 1);
    }
    return 0;
}

/* Lists the keys from the beginning as a handler does, one page of page's cursor and limit;
 * returns the index after the last item taken. */
static int list_page(struct request *req, struct page *page, int *first)
{
    enum acsa_rc rc = ACSA_OK;
    int taken = 0;
    *first = -1;
    int i = 0;
    for (; i < KEYS && rc == ACSA_OK; i++) {
        enum page_verdict v = acsa__server_page_next(page, keys[i]);
        if (v == PAGE_TAKE) {
            *first = *first < 0 ? i : *first;
            rc = acsa__server_page_add(page, json_string(keys[i]));
            taken++;
        } else if (v == PAGE_STOP) {
            rc = PAGE_FULL;
        }
    }
    FUZZ_CHECK((uint32_t)taken <= page->limit, "%d items on a page of %u", taken, page->limit);
    FUZZ_CHECK(!page->more || (uint32_t)taken == page->limit, "more after a partial page");
    struct acsa_error err;
    acsa_error_clear(&err);
    acsa__server_page_respond(req, page, rc, &err, NULL);
    FUZZ_CHECK(req->response.status == 200, "a page answered %d", req->response.status);
    return *first < 0 ? KEYS : *first + taken;
}

static void check_pages(struct request *req, struct page *page)
{
    int first = -1;
    int end = list_page(req, page, &first);
    int at = -1;
    for (int i = 0; i < KEYS && page->cursor[0] != '\0'; i++) {
        at = strcmp(keys[i], page->cursor) == 0 ? i : at;
    }
    int want = page->cursor[0] == '\0' ? 0 : at >= 0 && at + 1 < KEYS ? at + 1 : -1;
    FUZZ_CHECK(first == want, "the page after \"%s\" starts at %d, not %d", page->cursor, first,
               want);
    /* Then the following pages, from the cursor each page gives: every key once. */
    for (int guard = 0; page->more && guard < KEYS; guard++) {
        char cursor[SERVER_CURSOR_SIZE];
        snprintf(cursor, sizeof(cursor), "%s", page->last_key);
        uint32_t limit = page->limit;
        acsa__server_response_free(&req->response);
        memset(&req->response, 0, sizeof(req->response));
        acsa__server_page_init(page, true);
        page->limit = limit;
        snprintf(page->cursor, sizeof(page->cursor), "%s", cursor);
        int next = list_page(req, page, &first);
        FUZZ_CHECK(first == -1 || first == end, "after %s the next page starts at %d, not %d",
                   cursor, first, end);
        end = next;
    }
}

static void check_body(struct request *req, char *body)
{
    char text[64], text_empty[64], nation[ACSA_NATION_SIZE];
    const struct acsa_currency *currency = NULL;
    int32_t day = 0;
    int64_t id = 0, qty = 0;
    uint32_t line = 0, count = 0;
    const char *amount = NULL;
    enum acsa_method method;
    enum acsa_role role;
    enum acsa_state state;
    bool flag = false;
    json_t *array = NULL;
    struct json_in_field fields[] = {
        JIN("text", JIN_TEXT, true, text, sizeof(text)),
        JIN("text_empty", JIN_TEXT_EMPTY, false, text_empty, sizeof(text_empty)),
        JIN("nation", JIN_NATION, false, nation, 0),
        JIN("currency", JIN_CURRENCY, false, &currency, 0),
        JIN("date", JIN_DATE, false, &day, 0),
        JIN("id", JIN_ID, false, &id, 0),
        JIN("line", JIN_LINE_NO, false, &line, 0),
        {"count", JIN_COUNT, false, &count, 0, 1, 500, false},
        JIN("qty", JIN_QUANTITY, false, &qty, 0),
        JIN("amount", JIN_AMOUNT, false, &amount, 0),
        JIN("method", JIN_METHOD, false, &method, 0),
        JIN("role", JIN_ROLE, false, &role, 0),
        JIN("state", JIN_STATE, false, &state, 0),
        JIN("flag", JIN_BOOL, false, &flag, 0),
        JIN("array", JIN_ARRAY, false, &array, 0),
    };
    req->body = body;
    req->body_size = strlen(body);
    json_t *doc = NULL;
    if (acsa__server_json_in_request(req, fields, sizeof(fields) / sizeof(fields[0]), &doc)) {
        FUZZ_CHECK(req->response.status == 0, "an accepted body was answered");
        FUZZ_CHECK(strlen(text) > 0 && strlen(text) < sizeof(text), "text");
        FUZZ_CHECK(count == 0 || (count >= 1 && count <= 500), "count %u", count);
        FUZZ_CHECK(id >= 0, "id %lld", (long long)id);
        if (amount != NULL && currency != NULL) {
            struct acsa_error err;
            int64_t minor = 0;
            (void)acsa__server_json_in_amount(amount, currency, "amount", &minor, &err);
        }
        json_decref(doc);
    } else {
        FUZZ_CHECK(req->response.status == 400 || req->response.status == 415,
                   "a refused body answered %d", req->response.status);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    FUZZ_CHECK(text != NULL, "out of memory");
    char *body = strchr(text, '\n');
    if (body != NULL) {
        *body++ = '\0';
    }
    static struct request req;
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = "/api/orders";
    req.route_index = -1;
    query_split(text);
    struct page page;
    acsa__server_page_init(&page, true);
    char state[16] = "";
    struct json_in_field query[] = {
        PAGE_QUERY(&page),
        JIN("state", JIN_TEXT, false, state, sizeof(state)),
    };
    if (acsa__server_query_parse(&req, query, sizeof(query) / sizeof(query[0]))) {
        FUZZ_CHECK(page.limit >= 1 && page.limit <= SERVER_PAGE_MAX, "limit %u", page.limit);
        check_pages(&req, &page);
    } else {
        FUZZ_CHECK(req.response.status == 400, "a refused query answered %d",
                   req.response.status);
    }
    acsa__server_response_free(&req.response);
    if (body != NULL) {
        memset(&req, 0, sizeof(req));
        req.method = "POST";
        req.url = "/api/orders";
        req.route_index = -1;
        check_body(&req, body);
        acsa__server_response_free(&req.response);
    }
    free(text);
    return 0;
}
