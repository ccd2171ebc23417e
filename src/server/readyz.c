/* SPDX-License-Identifier: MIT */
/* GET /readyz: whether the node can serve, for a load balancer or an orchestrator: the
 * database answers a read on the thread's read connection (made again when it was lost, so the
 * node is ready again once the database is back, without a restart), and the writer commits a
 * transaction that does nothing within SERVER_READY_WRITER_MS (so a stopped, stuck or locked-out
 * writer makes the node not ready). And the page of problem types that every problem's "type"
 * (a URI relative to the server, "/problems/CODE") resolves to, made from response.c's table. */
#include "server_int.h"

#include <string.h>

#include "json_text.h"

/* Long enough for a commit behind a busy disk's fsync, so a loaded node is not taken for a
 * stuck one; a probe's own timeout should be longer. */
#define SERVER_READY_WRITER_MS 5000u

void acsa__server_route_readyz(struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    uint8_t key[32];
    /* The thread's read connection is opened here, not before the route (ROUTE_PROBE): a
     * database that cannot be reached at all is reported as one that does not answer. */
    struct acsa_app *reader = acsa__server_reader(req);
    enum acsa_rc rc = reader == NULL
                          ? acsa_error_set(&err, ACSA_EUNAVAILABLE, "database",
                                           "it cannot be opened: %s",
                                           acsa__server_reader_failure())
                          : acsa_app_node_public_key(reader, key, &err);
    bool database = rc == ACSA_OK || rc == ACSA_ENOTFOUND;
    bool writer = database && acsa__server_writer_ping(acsa__server_writer(req),
                                                       SERVER_READY_WRITER_MS);
    if (!database) {
        acsa__server_problem_code(req, 503, "not-ready",
                                  "database: the database does not answer a read (%s)",
                                  err.message);
    } else if (!writer) {
        acsa__server_problem_code(req, 503, "not-ready",
                                  "writer: the writer did not commit within %u ms (stopping, "
                                  "busy, the database locked, or its file removed or replaced)",
                                  SERVER_READY_WRITER_MS);
    } else {
        acsa__server_response_json(
            req, 200,
            json_pack("{s:s, s:s, s:s, s:I}", "status", "ready", "database", "ok", "writer",
                      "ok", "write_queue_depth",
                      (json_int_t)acsa__server_writer_depth(acsa__server_writer(req))));
    }
    if (!writer) {
        acsa__server_response_header(req, "Retry-After", "1");
    }
    acsa__server_response_header(req, "Cache-Control", "no-store");
}

/* ---- The page of problem types ------------------------------------------------------ */

static bool wants_json(struct request *req)
{
    const char *accept = acsa__server_header(req, "Accept");
    return accept != NULL && strstr(accept, "json") != NULL && strstr(accept, "html") == NULL;
}

static json_t *type_json(size_t index)
{
    const char *code = NULL;
    const char *title = NULL;
    const char *description = NULL;
    int status = 0;
    acsa__server_problem_type(index, &code, &status, &title, &description);
    char type[96];
    snprintf(type, sizeof(type), SERVER_PROBLEM_BASE "%s", code);
    return json_pack("{s:s, s:s, s:i, s:s, s:s}", "type", type, "code", code, "status", status,
                     "title", title, "description", description);
}

static void put(struct acsa_text *t, const char *text)
{
    acsa_text_raw(t, text, strlen(text));
}

/* The text is the table's, but escaped all the same. */
static void html_text(struct acsa_text *t, const char *text)
{
    for (const char *c = text; *c != '\0'; c++) {
        switch (*c) {
        case '<': put(t, "&lt;"); break;
        case '>': put(t, "&gt;"); break;
        case '&': put(t, "&amp;"); break;
        case '"': put(t, "&quot;"); break;
        default: acsa_text_raw(t, c, 1); break;
        }
    }
}

static void html_entry(struct acsa_text *t, size_t index)
{
    const char *code = NULL;
    const char *title = NULL;
    const char *description = NULL;
    int status = 0;
    acsa__server_problem_type(index, &code, &status, &title, &description);
    put(t, "<section id=\"");
    html_text(t, code);
    put(t, "\">\n<h2><code>" SERVER_PROBLEM_BASE);
    html_text(t, code);
    put(t, "</code></h2>\n<p><strong>HTTP ");
    acsa_text_int(t, status);
    put(t, "</strong>: ");
    html_text(t, title);
    put(t, "</p>\n<p>");
    html_text(t, description);
    put(t, "</p>\n</section>\n");
}

/* One type (code, or NULL for all) as HTML or JSON. */
static void problems_respond(struct request *req, const char *code)
{
    size_t count = acsa__server_problem_type_count();
    size_t first = 0;
    size_t end = count;
    if (code != NULL) {
        for (first = 0; first < count; first++) {
            const char *c = NULL, *title = NULL, *description = NULL;
            int status = 0;
            acsa__server_problem_type(first, &c, &status, &title, &description);
            if (strcmp(c, code) == 0) {
                break;
            }
        }
        if (first == count) {
            acsa__server_problem(req, 404, "type", "no problem type %.64s (GET /problems lists "
                                 "them)", code);
            return;
        }
        end = first + 1;
    }
    if (wants_json(req)) {
        json_t *items = json_array();
        for (size_t i = first; i < end; i++) {
            json_array_append_new(items, type_json(i));
        }
        acsa__server_response_json(req, 200, code != NULL ? json_incref(json_array_get(items, 0))
                                                          : json_pack("{s:o}", "items", items));
        if (code != NULL) {
            json_decref(items);
        }
    } else {
        struct acsa_text t;
        acsa_text_init(&t, 8192);
        put(&t, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                         "<title>acsa: problem types</title>\n</head>\n<body>\n<main>\n"
                         "<h1>Problem types of the acsa API</h1>\n<p>Every error is answered "
                         "as <code>application/problem+json</code> (RFC 9457) whose "
                         "<code>type</code> is one of these, relative to the server; "
                         "<code>detail</code> says what happened and <code>field</code> names "
                         "the input at fault. See <a href=\"/problems\">all types</a>.</p>\n");
        for (size_t i = first; i < end; i++) {
            html_entry(&t, i);
        }
        put(&t, "</main>\n</body>\n</html>\n");
        size_t size = 0;
        char *text = acsa_text_take(&t, &size);
        if (text == NULL) {
            acsa__server_problem(req, 500, NULL, "out of memory");
            return;
        }
        acsa__server_response_text(req, 200, "text/html; charset=utf-8", text, size);
    }
    acsa__server_response_header(req, "Vary", "Accept");
    acsa__server_response_header(req, "Cache-Control", "no-cache");
}

void acsa__server_route_problems(struct request *req)
{
    problems_respond(req, NULL);
}

void acsa__server_route_problem(struct request *req)
{
    problems_respond(req, req->params[0]);
}
