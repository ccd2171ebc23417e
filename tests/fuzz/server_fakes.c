/* SPDX-License-Identifier: MIT */
/* See server_fakes.h. */
#include "server_fakes.h"

#include <microhttpd.h>
#include <strings.h>

#include "alloc.h"
#include "auth.h"
#include "fuzz.h"

char db_uri[128];
struct acsa_app *app;
struct acsa_order_view *view;
char if_match[SERVER_HEADER_SIZE];

/* The query string of the current input, split and decoded. */
static char *query_keys[QUERY_PAIRS_MAX];
static char *query_values[QUERY_PAIRS_MAX];
static size_t query_count;

struct acsa_app *acsa__server_reader(struct request *req)
{
    return app;
}

/* The harness's read connection is opened before any input: it never fails. */
const char *acsa__server_reader_failure(void)
{
    return "";
}

struct acsa_order_view *acsa__server_order_view(struct request *req)
{
    return view;
}

const char *acsa__server_header(struct request *req, const char *name)
{
    if (strcasecmp(name, "If-Match") == 0) {
        return if_match[0] != '\0' ? if_match : NULL;
    }
    return strcasecmp(name, MHD_HTTP_HEADER_CONTENT_TYPE) == 0 ? "application/json" : NULL;
}

const char *acsa__server_cookie(struct request *req, const char *name)
{
    return NULL;
}

const char *acsa__server_query(struct request *req, const char *name)
{
    for (size_t i = 0; i < query_count; i++) {
        if (strcmp(query_keys[i], name) == 0) {
            return query_values[i];
        }
    }
    return NULL;
}

bool acsa__server_tls(const struct server *server)
{
    return false;
}

const char *acsa__server_db_uri(const struct server *server)
{
    return db_uri;
}

const char *acsa__server_nation(const struct server *server)
{
    return acsa_app_nation(app);
}

struct writer *acsa__server_writer(struct request *req)
{
    return NULL;
}

/* Sign-in's hand-over after its password check: never reached (the harness skips sign-in). */
bool acsa__server_writer_enqueue_suspended(struct writer *writer, struct request *req)
{
    (void)writer;
    (void)req;
    return false;
}

/* The node's own writes (a sync exchange's, its audit record): run like a job, rolled back. */
enum acsa_rc acsa__server_writer_call(struct writer *writer, const char *actor,
                                      acsa_app_write_fn fn, void *arg, struct acsa_error *err)
{
    (void)writer;
    acsa_app_set_actor(app, actor);
    FUZZ_CHECK(acsa_app_begin(app, err) == ACSA_OK, "begin: %s", err->message);
    enum acsa_rc rc = fn(app, arg, err);
    acsa_app_rollback(app);
    return rc;
}

uint32_t acsa__server_writer_depth(struct writer *writer)
{
    return 0;
}

/* /readyz's round trip through the writer: the harness's writer is this thread, always alive. */
bool acsa__server_writer_ping(struct writer *writer, uint32_t timeout_ms)
{
    (void)writer;
    (void)timeout_ms;
    return true;
}

const char *acsa__server_request_audit_action(const struct request *req, char *buf, size_t size)
{
    const char *action = req->route != NULL && req->route->audit != NULL ? req->route->audit
                                                                          : "request";
    if (strcmp(action, "order.step") == 0) {
        snprintf(buf, size, "order.%s", req->params[1]);
    } else {
        snprintf(buf, size, "%s", action);
    }
    return buf;
}

/* Jobs that hash a password (tens of milliseconds each) or call a partner node are not run:
 * their validation is what is fuzzed. */
static bool job_skipped(const struct request *req)
{
    route_fn h = req->route != NULL ? req->route->handler : NULL;
    return h == acsa__server_route_session_create || h == acsa__server_route_users_create ||
           h == acsa__server_route_sync_run;
}

/* The writer's job_run, without idempotency keys, and rolled back. */
void acsa__server_submit(struct request *req, job_fn job, render_fn render, void *args)
{
    acsa_free(req->job_args);
    req->job_args = args;
    req->job = job;
    req->render = render;
    if (job_skipped(req) && job != acsa__server_job_refused) {
        acsa__server_response_empty(req, 202);
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    acsa_app_set_actor(app, req->signed_in ? req->user.username : "");
    FUZZ_CHECK(acsa_app_begin(app, &err) == ACSA_OK, "begin: %s", err.message);
    enum acsa_rc rc = job(app, req);
    FUZZ_CHECK(rc != ACSA_ESTORAGE, "a job failed in storage: %.*s", (int)req->response.size,
               req->response.body != NULL ? req->response.body : "");
    if (rc == ACSA_OK && req->render != NULL && req->response.status == 0) {
        req->render(app, req);
    }
    acsa_app_rollback(app);
}

int MHD_get_connection_values(struct MHD_Connection *connection, enum MHD_ValueKind kind,
                              MHD_KeyValueIterator iterator, void *iterator_cls)
{
    if ((kind & MHD_GET_ARGUMENT_KIND) == 0) {
        return 0;
    }
    int n = 0;
    for (size_t i = 0; i < query_count; i++) {
        n++;
        if (iterator != NULL &&
            iterator(iterator_cls, MHD_GET_ARGUMENT_KIND, query_keys[i], query_values[i]) !=
                MHD_YES) {
            break;
        }
    }
    return n;
}

static int hex_value(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes %XX and '+' in place, as MHD does for query strings. */
static void unescape(char *s)
{
    char *out = s;
    for (char *p = s; *p != '\0'; p++) {
        if (*p == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
            *out++ = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
            p += 2;
        } else {
            *out++ = *p == '+' ? ' ' : *p;
        }
    }
    *out = '\0';
}

void query_split(char *query)
{
    query_count = 0;
    char *save = NULL;
    for (char *pair = strtok_r(query, "&", &save); pair != NULL && query_count < QUERY_PAIRS_MAX;
         pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq != NULL) {
            *eq = '\0';
            unescape(eq + 1);
        }
        unescape(pair);
        query_keys[query_count] = pair;
        query_values[query_count++] = eq != NULL ? eq + 1 : NULL;
    }
}
