/* SPDX-License-Identifier: MIT */
/* Every route's request validation, through the route table: each input is one request (a
 * route, the role of the signed-in user, path parameters, a query string and a body) handed
 * to the route's handler as the server would after admitting it, on a demo node. The field
 * tables live in the handlers; calling the handlers reaches each of them as it is, with its
 * conversions (dates, amounts, quantities, nations, states), the cursors of list pages and what
 * a handler does with values that passed. A write that passes validation runs its job as the
 * writer would, inside a transaction that is rolled back, so the node stays as it was.
 *
 * The harness stands in for the HTTP side (server_fakes.c).
 *
 * Input: byte 0 picks the route, byte 1 the role (its top bit: an order step names an old
 * version of the order in If-Match, else the current one); then "PARAMS\nQUERY\nBODY", PARAMS
 * the path parameters separated by '/'. Properties: no crash, leak or assert; every request is
 * answered (a status is set); a refused request's answer is a 4xx. ACSA_FUZZ_DESCRIBE=1 prints each
 * request's answer. */
#include "fuzz.h"

#include <microhttpd.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "auth.h"
#include "demo.h"
#include "server_fakes.h"

#define TODAY 19884            /* 2024-06-10: the day of every request. */
#define URL_SIZE 1024

static char dir[64];
static struct acsa_order order;
static struct acsa_user users[ACSA_ROLE_COUNT];
static bool have_user[ACSA_ROLE_COUNT];

/* The path of pattern with its {params} replaced by the '/'-separated texts of params. */
static void path_of(const char *pattern, char *params, char out[URL_SIZE])
{
    size_t len = 0;
    char *save = NULL;
    char *next = strtok_r(params, "/", &save);
    for (const char *p = pattern; *p != '\0' && len + 1 < URL_SIZE; p++) {
        if (*p != '{') {
            out[len++] = *p;
            continue;
        }
        const char *close = strchr(p, '}');
        const char *text = next != NULL ? next : "x";
        int n = snprintf(out + len, URL_SIZE - len, "%s", text);
        len += n > 0 && (size_t)n < URL_SIZE - len ? (size_t)n : 0;
        next = next != NULL ? strtok_r(NULL, "/", &save) : NULL;
        p = close != NULL ? close : p + strlen(p) - 1;
    }
    out[len] = '\0';
}

static enum acsa_rc collect_user(void *ctx, const struct acsa_user *user)
{
    if (user->role < ACSA_ROLE_COUNT && !have_user[user->role] && !user->disabled) {
        users[user->role] = *user;
        have_user[user->role] = true;
    }
    return ACSA_OK;
}

static void teardown(void)
{
    acsa_app_close(app);
    acsa_free(view);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[200];
        snprintf(path, sizeof(path), "%s%s", db_uri, suffixes[i]);
        unlink(path);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    FUZZ_CHECK(sodium_init() >= 0, "libsodium");
    struct stat st;
    const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof(dir), "%s/acsa-fuzz-XXXXXX", base);
    FUZZ_CHECK(mkdtemp(dir) != NULL, "mkdtemp %s", dir);
    snprintf(db_uri, sizeof(db_uri), "%s/demo.db", dir);
    struct acsa_error err;
    FUZZ_CHECK(acsa_demo_run(db_uri, NULL, &err) == ACSA_OK, "demo: %s", err.message);
    FUZZ_CHECK(acsa_app_open(db_uri, 0, &app, &err) == ACSA_OK, "open: %s", err.message);
    FUZZ_CHECK(acsa_app_user_list(app, collect_user, NULL, &err) == ACSA_OK, "users");
    view = acsa_malloc(sizeof(*view));
    FUZZ_CHECK(view != NULL, "out of memory");
    atexit(teardown);
    return 0;
}

/* The ETag of the order a step names, as GET /api/orders/{number} gives it, or an older one. */
static void set_if_match(const struct route *route, const struct request *req, bool stale)
{
    if_match[0] = '\0';
    struct acsa_error err;
    if (route->handler != acsa__server_route_orders_step ||
        acsa_app_order_get(app, req->params[0], &order, NULL, &err) != ACSA_OK) {
        return;
    }
    snprintf(if_match, sizeof(if_match), "\"%s.%u\"", order.number,
             stale && order.event_count > 0 ? order.event_count - 1 : order.event_count);
}

static void request_run(const struct route *route, struct request *req)
{
    route->handler(req);
    if (getenv("ACSA_FUZZ_DESCRIBE") != NULL) {
        fprintf(stderr, "%s %s as %s: %d %.*s\n", route->method, req->url,
                acsa_role_name(req->user.role), req->response.status, (int)req->response.size,
                req->response.body != NULL ? req->response.body : "");
    }
    FUZZ_CHECK(req->response.status != 0, "%s %s: no answer", route->method, route->pattern);
    FUZZ_CHECK(req->response.status < 500, "%s %s: answered %d: %.*s", route->method,
               route->pattern, req->response.status, (int)req->response.size,
               req->response.body != NULL ? req->response.body : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || size > SERVER_BODY_MAX) {
        return 0;
    }
    const struct route *route =
        &acsa__server_routes[data[0] % acsa__server_route_count];
    enum acsa_role role = (enum acsa_role)((data[1] & 0x7f) % ACSA_ROLE_COUNT);
    if (route->handler == acsa__server_route_asset ||
        route->handler == acsa__server_route_openapi) {
        return 0; /* Embedded files: no input to validate. */
    }
    if (route->handler == acsa__server_route_session_create) {
        return 0; /* Suspends its connection for the hashing pool: there is none here. */
    }
    char *text = fuzz_text(data + 2, size - 2);
    FUZZ_CHECK(text != NULL, "out of memory");
    char *query = strchr(text, '\n');
    char *body = query != NULL ? strchr(query + 1, '\n') : NULL;
    if (query != NULL) {
        *query++ = '\0';
    }
    if (body != NULL) {
        *body++ = '\0';
    }
    char url[URL_SIZE];
    path_of(route->pattern, text, url);
    query_split(query != NULL ? query : (char *)"");

    static struct request req;
    memset(&req, 0, sizeof(req));
    req.method = route->method;
    req.url = url;
    req.route_index = -1;
    req.today = TODAY;
    bool other_method = false;
    const struct route *matched = acsa__server_route_match(&req, route->method, url, &other_method);
    if (matched == route) {
        req.route = route;
        req.signed_in = have_user[role];
        req.user = users[role];
        snprintf(req.peer, sizeof(req.peer), "JP");
        req.body = body;
        req.body_size = body != NULL ? strlen(body) : 0;
        set_if_match(route, &req, (data[1] & 0x80) != 0);
        request_run(route, &req);
    }
    acsa__server_response_free(&req.response);
    acsa_free(req.job_args);
    free(text);
    return 0;
}
