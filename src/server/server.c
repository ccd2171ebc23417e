/* SPDX-License-Identifier: MIT */
/* The daemon: libmicrohttpd with a bounded thread pool, bounded connections and bodies
 * (connections.c), route dispatch in two steps (what the request line and headers settle
 * before any body is read: framing, route, who asks, how much body; then CSRF, role,
 * idempotency replay and the handler), the per-thread read connections, one JSON log line per
 * request, and the graceful shutdown on SIGTERM and SIGINT. */
#include "connections.h"
#include "server_int.h"
#include "tls_creds.h"
#include "alloc.h"
#include "node.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "date.h"


struct server {
    const struct acsa_server_config *config;
    struct MHD_Daemon *daemon;
    struct writer *writer;
    struct conns *conns;                      /* Deadlines and large-body slots. */
    struct sync_timer *sync_timer;            /* --sync-every, or NULL. */
    struct convert_timer *convert_timer;      /* --convert-every, or NULL. */
    FILE *log;
    char nation[ACSA_NATION_SIZE];
    pthread_mutex_t readers_lock;
    struct acsa_app *readers[SERVER_READERS_MAX];   /* Every thread's read connection. */
    size_t reader_count;
    struct acsa_order_view *views[SERVER_READERS_MAX];  /* Every thread's order scratch space. */
    size_t view_count;
    atomic_int in_flight;                     /* Requests begun and not yet completed. */
    char *tls_cert;                           /* PEM text, or NULL. */
    char *tls_key;
};

static _Thread_local struct acsa_app *thread_reader;
static _Thread_local struct acsa_order_view *thread_view;
static _Thread_local char thread_reader_failure[ACSA_ERROR_MESSAGE_SIZE]; /* Why it failed. */
/* Request ids: a keyed hash of a per-thread counter, so an id costs no system call. */
static _Thread_local unsigned char thread_id_key[crypto_generichash_KEYBYTES];
static _Thread_local uint64_t thread_id_count;
static int signal_pipe[2] = {-1, -1};

static int64_t monotonic_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int32_t local_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL) {
        return acsa_date_from_ymd(1970, 1, 1);
    }
    return acsa_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

bool acsa__server_tls(const struct server *server)
{
    return server->tls_cert != NULL;
}

const char *acsa__server_db_uri(const struct server *server)
{
    return server->config->db_uri;
}

const char *acsa__server_nation(const struct server *server)
{
    return server->nation;
}

struct writer *acsa__server_writer(struct request *req)
{
    return req->server->writer;
}

struct acsa_app *acsa__server_reader(struct request *req)
{
    if (thread_reader != NULL) {
        return thread_reader;
    }
    struct server *server = req->server;
    struct acsa_error err;
    struct acsa_app *app = NULL;
    if (acsa_app_open(server->config->db_uri, 0, &app, &err) != ACSA_OK) {
        snprintf(thread_reader_failure, sizeof(thread_reader_failure), "%s", err.message);
        return NULL;
    }
    acsa_app_read_only(app); /* Every write goes through the writer thread. */
    pthread_mutex_lock(&server->readers_lock);
    if (server->reader_count == SERVER_READERS_MAX) {
        pthread_mutex_unlock(&server->readers_lock);
        acsa_app_close(app);
        snprintf(thread_reader_failure, sizeof(thread_reader_failure),
                 "as many read connections are open as the server keeps");
        return NULL;
    }
    server->readers[server->reader_count++] = app;
    pthread_mutex_unlock(&server->readers_lock);
    thread_reader = app;
    return app;
}

const char *acsa__server_reader_failure(void)
{
    return thread_reader_failure;
}

struct acsa_order_view *acsa__server_order_view(struct request *req)
{
    if (thread_view != NULL) {
        return thread_view;
    }
    struct server *server = req->server;
    struct acsa_order_view *view = acsa_malloc(sizeof(*view));
    if (view == NULL) {
        return NULL;
    }
    pthread_mutex_lock(&server->readers_lock);
    if (server->view_count == SERVER_READERS_MAX) {
        pthread_mutex_unlock(&server->readers_lock);
        acsa_free(view);
        return NULL;
    }
    server->views[server->view_count++] = view;
    pthread_mutex_unlock(&server->readers_lock);
    thread_view = view;
    return view;
}

const char *acsa__server_header(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_HEADER_KIND, name);
}

const char *acsa__server_cookie(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_COOKIE_KIND, name);
}

const char *acsa__server_query(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->connection, MHD_GET_ARGUMENT_KIND, name);
}

/* ---- Requests ------------------------------------------------------------------------- */

static struct request *request_new(struct server *server, struct MHD_Connection *connection,
                                   const char *url, const char *method)
{
    struct request *req = acsa_calloc(1, sizeof(*req));
    if (req == NULL) {
        return NULL;
    }
    if (thread_id_count == 0) {
        randombytes_buf(thread_id_key, sizeof(thread_id_key));
    }
    thread_id_count++;
    unsigned char id[(SERVER_REQUEST_ID_SIZE - 1) / 2];
    crypto_generichash(id, sizeof(id), (const unsigned char *)&thread_id_count,
                       sizeof(thread_id_count), thread_id_key, sizeof(thread_id_key));
    sodium_bin2hex(req->request_id, sizeof(req->request_id), id, sizeof(id));
    req->server = server;
    req->connection = connection;
    req->conn = acsa__server_conn_of(connection);
    req->url = url;
    req->body_max = 0; /* Until the request is admitted (admit_early). */
    req->method = method;
    req->started_us = monotonic_us();
    req->route_index = -1;
    atomic_fetch_add(&server->in_flight, 1);
    return req;
}

/* The body grows as data arrives, doubling from SERVER_BODY_CHUNK, and never from the length
 * the client announced: memory follows the bytes actually received. Past SERVER_BODY_MAX a
 * body needs one of the SERVER_LARGE_BODIES_MAX slots; without one the rest is not kept and
 * the request is answered 503. */
#define SERVER_BODY_CHUNK 4096u

static void body_append(struct request *req, const char *data, size_t size)
{
    if (req->body_too_large || req->body_no_slot) {
        return;
    }
    if (size > req->body_max - req->body_size) {
        req->body_too_large = true;
        return;
    }
    size_t need = req->body_size + size;
    if (need > SERVER_BODY_MAX && !req->large_body) {
        if (!acsa__server_conns_large_body_take(req->server->conns)) {
            req->body_no_slot = true;
            return;
        }
        req->large_body = true;
        acsa__server_conn_phase(req->conn, CONN_LARGE_BODY);
    }
    if (need > req->body_capacity) {
        size_t capacity = req->body_capacity < SERVER_BODY_CHUNK ? SERVER_BODY_CHUNK
                                                                 : req->body_capacity;
        while (capacity < need) {
            capacity *= 2;
        }
        capacity = capacity > req->body_max ? req->body_max : capacity;
        char *body = acsa_realloc(req->body, capacity + 1);
        if (body == NULL) {
            req->body_too_large = true;
            return;
        }
        req->body = body;
        req->body_capacity = capacity;
    }
    memcpy(req->body + req->body_size, data, size);
    req->body_size += size;
    req->body[req->body_size] = '\0';
}

static const char *const security_headers[][2] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"Content-Security-Policy", "default-src 'self'"},
    {"X-Frame-Options", "DENY"},
};

static enum MHD_Result send_response(struct request *req)
{
    struct response *r = &req->response;
    if (r->status == 0) {
        acsa__server_problem(req, 500, NULL, "the request produced no response");
    }
    /* The partner's batch is taken in by now: its next one, sent as soon as this answer
     * arrives, must not find the node still marked busy (on_completed runs after the send). */
    acsa__server_sync_request_done(req);
    struct MHD_Response *response = NULL;
    if (r->body_file) {
        /* The file is handed over: MHD sends it (sendfile where it can) and closes it. */
        response = MHD_create_response_from_fd64(r->size, r->file);
        r->body_file = response == NULL;
    } else if (r->body_static) {
        response = MHD_create_response_from_buffer(r->size, r->body, MHD_RESPMEM_PERSISTENT);
    } else if (r->body != NULL) {
        /* The body (from acsa_malloc) is handed over: MHD frees it once it is sent. */
        response = MHD_create_response_from_buffer_with_free_callback(r->size, r->body,
                                                                      acsa_free);
        r->body = response != NULL ? NULL : r->body;
    } else {
        response = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    }
    if (response == NULL) {
        return MHD_NO;
    }
    if (r->content_type != NULL) {
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
    }
    MHD_add_response_header(response, "X-Request-Id", req->request_id);
    if (req->close_after) {
        /* Whatever the client sends after a request answered unread is not a request. */
        MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++) {
        /* A handler may set a stricter one of its own (a printed form's policy). */
        bool own = false;
        for (uint32_t j = 0; j < r->header_count && !own; j++) {
            own = strcasecmp(r->header_names[j], security_headers[i][0]) == 0;
        }
        if (!own) {
            MHD_add_response_header(response, security_headers[i][0], security_headers[i][1]);
        }
    }
    for (uint32_t i = 0; i < r->header_count; i++) {
        MHD_add_response_header(response, r->header_names[i], r->header_values[i]);
    }
    if (acsa__server_tls(req->server)) {
        /* Browsers keep to HTTPS for this host for a year (RFC 6797). */
        MHD_add_response_header(response, "Strict-Transport-Security", "max-age=31536000");
    }
    if (r->status == 401) {
        /* RFC 9110: a 401 names how to authenticate. An API token goes as a bearer token
         * (RFC 6750); the web UI's session cookie comes from POST /api/session. */
        MHD_add_response_header(response, "WWW-Authenticate", "Bearer realm=\"acsa\"");
    }
    enum MHD_Result result = MHD_queue_response(req->connection, (unsigned)r->status, response);
    MHD_destroy_response(response);
    return result;
}

/* ---- Dispatch ------------------------------------------------------------------------- */

static bool idempotency_key_valid(const char *key)
{
    size_t length = strlen(key);
    if (length == 0 || length >= ACSA_IDEMPOTENCY_KEY_SIZE) {
        return false;
    }
    return strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") ==
           length;
}

/* A POST with Idempotency-Key: answered from the stored response if there is one. Returns
 * true when the request has been answered. */
static bool idempotent_replay(struct request *req)
{
    const char *key = acsa__server_header(req, "Idempotency-Key");
    if (key == NULL || strcmp(req->method, "POST") != 0 || !req->signed_in) {
        return false;
    }
    if (!idempotency_key_valid(key)) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, "Idempotency-Key",
                "Idempotency-Key: 1 to 64 characters of A-Z a-z 0-9 _ -");
        return true;
    }
    snprintf(req->idempotency_key, sizeof(req->idempotency_key), "%s", key);
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, (const unsigned char *)req->url, strlen(req->url) + 1);
    if (req->body != NULL) {
        crypto_hash_sha256_update(&state, (const unsigned char *)req->body, req->body_size);
    }
    crypto_hash_sha256_final(&state, hash);
    sodium_bin2hex(req->request_hash, sizeof(req->request_hash), hash, sizeof(hash));
    int status = 0;
    char *body = NULL;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_idempotency_get(acsa__server_reader(req), req->user.id, key,
                                               req->request_hash, &status, &body, &err);
    if (rc == ACSA_ENOTFOUND) {
        return false;
    }
    if (rc == ACSA_OK) {
        acsa__server_response_replay(req, status, body);
    } else if (rc == ACSA_EREFUSED) {
        acsa__server_refusef(req, 422, ACSA_EREFUSED, "Idempotency-Key",
                "Idempotency-Key: %s was used with another request", key);
    } else {
        acsa__server_problem_rc(req, rc, &err);
    }
    return true;
}

/* ---- Before the body: framing, route, who asks, how much body ------------------------ */

struct framing {
    unsigned lengths;          /* Content-Length headers. */
    unsigned encodings;        /* Transfer-Encoding headers. */
    bool length_valid;         /* Every Content-Length is 1 to 19 digits. */
    bool chunked;              /* The one Transfer-Encoding is "chunked". */
    bool refused;              /* Answered 400. */
    unsigned long long length;
};

static enum MHD_Result framing_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                      const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        size_t digits = strspn(value, "0123456789");
        f->lengths++;
        f->length_valid = f->length_valid && digits > 0 && digits < 20 && value[digits] == '\0';
        f->length = f->length_valid ? strtoull(value, NULL, 10) : 0;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        f->encodings++;
        f->chunked = strcasecmp(value, "chunked") == 0;
    }
    return MHD_YES;
}

/* Strict framing, so that no proxy in front can read the body's end elsewhere than this
 * server does (request smuggling): one Content-Length of digits, or one Transfer-Encoding
 * that is chunked, never both. False after answering 400. */
static bool framing_valid(struct request *req, struct framing *f)
{
    memset(f, 0, sizeof(*f));
    f->length_valid = true;
    MHD_get_connection_values(req->connection, MHD_HEADER_KIND, framing_header, f);
    const char *why = NULL;
    if (f->lengths > 1) {
        why = "Content-Length: sent more than once";
    } else if (!f->length_valid) {
        why = "Content-Length: expected a number of bytes";
    } else if (f->lengths == 1 && f->encodings > 0) {
        why = "Content-Length and Transfer-Encoding: send one of them";
    } else if (f->encodings > 1 || (f->encodings == 1 && !f->chunked)) {
        why = "Transfer-Encoding: only chunked is accepted";
    }
    f->refused = why != NULL;
    if (why != NULL) {
        acsa__server_problem(req, 400, f->lengths > 1 || !f->length_valid ? "Content-Length"
                                                              : "Transfer-Encoding", "%s", why);
        return false;
    }
    return true;
}

/* How much body this request may send, from who asks; false after answering 413 (announced
 * too long) or 503 (a large body, and no slot free). */
static bool body_admitted(struct request *req, const struct framing *f)
{
    if (req->route->access == ROUTE_PEER) {
        req->body_max = ACSA_BATCH_BYTES_MAX;  /* A record batch from a partner node. */
    } else if (req->route->handler == acsa__server_route_documents_upload && req->signed_in) {
        /* A document: up to ACSA_DOCUMENT_BYTES_MAX, once the headers showed who may send it. */
        if (!acsa__server_documents_upload_admit(req)) {
            return false;
        }
    } else {
        req->body_max = req->signed_in ? SERVER_BODY_MAX : SERVER_ANON_BODY_MAX;
    }
    if (req->signed_in && req->route->handler == acsa__server_route_import_orders) {
        req->body_max = SERVER_IMPORT_BODY_MAX;
    }
    if (f->lengths == 1 && f->length > req->body_max) {
        acsa__server_problem(req, 413, NULL, "the body is larger than %zu bytes", req->body_max);
        return false;
    }
    if (f->lengths == 1 && f->length > SERVER_BODY_MAX) {
        if (!acsa__server_conns_large_body_take(req->server->conns)) {
            acsa__server_problem(req, 503, NULL, "the server holds as many large bodies as it may; "
                    "try again");
            acsa__server_response_header(req, "Retry-After", "5");
            return false;
        }
        req->large_body = true;
        acsa__server_conn_phase(req->conn, CONN_LARGE_BODY);
    }
    return true;
}

static void not_found(struct request *req, bool other_method)
{
    if (other_method) {
        char allowed[64];
        acsa__server_route_allowed(req->url, allowed, sizeof(allowed));
        acsa__server_problem(req, 405, NULL, "method %.16s is not allowed on %.200s", req->method,
                             req->url);
        acsa__server_response_header(req, "Allow", "%s", allowed);
    } else {
        acsa__server_problem(req, 404, NULL, "no such resource: %.200s", req->url);
    }
}

/* What the request line and headers settle, on the first call, before any of the body is
 * read: the framing, the route, who asks (a signed-in user, or a partner node's headers), and
 * how much body they may send. False after answering; the body is then never read. */
static bool admit_early(struct request *req, struct framing *framing)
{
    if (!framing_valid(req, framing)) {
        return false;
    }
    bool other_method = false;
    const struct route *route = acsa__server_route_match(req, req->method, req->url, &other_method);
    if (route == NULL) {
        not_found(req, other_method);
        return false;
    }
    req->route = route;
    req->today = local_today();
    struct acsa_error err;
    acsa_error_clear(&err);
    if (acsa__server_route_params_check(req, &err) != ACSA_OK) {
        acsa__server_problem(req, 400, err.field, "%s",
                             err.message); /* Before anything quotes them. */
        return false;
    }
    if (route->access == ROUTE_PROBE) {
        return body_admitted(req, framing);
    }
    if (acsa__server_reader(req) == NULL) {
        acsa__server_problem(req, 503, NULL, "the database cannot be opened; try again");
        acsa__server_response_header(req, "Retry-After", "1");
        return false;
    }
    if (route->access == ROUTE_PEER) {
        if (!acsa__server_sync_admit_early(req)) {
            return false;
        }
    } else if (!acsa__server_http_authenticate(req) && req->auth_unavailable) {
        /* Not "not signed in": the credentials could not be looked up (the database does not
         * answer), and asking again may succeed. */
        acsa__server_problem(req, 503, NULL, "the database does not answer; try again");
        acsa__server_response_header(req, "Retry-After", "1");
        return false;
    } else if (!req->signed_in && route->access != ROUTE_PUBLIC) {
        acsa__server_problem(req, 401, NULL, "not signed in: sign in at POST /api/session or send "
                                "Authorization: Bearer <token>");
        return false;
    }
    return body_admitted(req, framing);
}

/* ---- After the body: CSRF, role, idempotency, the handler ----------------------------- */

/* CSRF and role (who asks was settled by admit_early): true when the handler may run. */
static bool admitted(struct request *req)
{
    const struct route *route = req->route;
    if (route->access == ROUTE_PEER) {
        return acsa__server_sync_admitted(req);
    }
    if (route->access == ROUTE_PUBLIC || route->access == ROUTE_PROBE) {
        return true;
    }
    if (strcmp(req->method, "GET") != 0 && req->by_cookie &&
        !acsa__server_http_csrf_ok(req, req->csrf)) {
        acsa__server_refusef(req, 403, ACSA_EFORBIDDEN, "X-CSRF-Token",
                "X-CSRF-Token: missing or wrong (send the csrf_token of the session)");
        return false;
    }
    if (route->access == ROUTE_ACTION && !acsa_authz_action(&req->user, route->action)) {
        acsa__server_refusef(req, 403, ACSA_EFORBIDDEN, "role", "role: a %s may not %s %s",
                acsa_role_name(req->user.role), route->method, route->pattern);
        return false;
    }
    return true;
}

static void dispatch(struct request *req)
{
    if (req->body_too_large) {
        acsa__server_refusef(req, 413, ACSA_EUSAGE, NULL, "the body is larger than %zu bytes",
                             req->body_max);
        return;
    }
    if (req->body_no_slot) {
        acsa__server_problem(req, 503, NULL,
                             "the server holds as many large bodies as it may; try again");
        acsa__server_response_header(req, "Retry-After", "5");
        return;
    }
    if (!admitted(req) || idempotent_replay(req)) {
        return;
    }
    req->route->handler(req);
}

/* The first call, on the request line and headers. */
static enum MHD_Result request_begin(struct server *server, struct MHD_Connection *connection,
                                     const char *url, const char *method, void **con_cls)
{
    struct request *req = request_new(server, connection, url, method);
    if (req == NULL) {
        return MHD_NO;
    }
    *con_cls = req;
    acsa__server_conn_phase(req->conn, CONN_BODY);
    struct framing framing;
    if (admit_early(req, &framing)) {
        return MHD_YES;
    }
    if (!framing.refused && framing.encodings == 0 && framing.length == 0) {
        return MHD_YES; /* No body: answered on the next call, the connection kept. */
    }
    /* Answered now, so that the body is never read; the connection ends with the answer. */
    req->close_after = true;
    return send_response(req);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
    (void)version;
    struct request *req = *con_cls;
    if (req == NULL) {
        return request_begin(cls, connection, url, method, con_cls);
    }
    if (*upload_data_size != 0) {
        if (acsa__server_conn_expired(req->conn)) {
            return MHD_NO; /* Past the body's deadline: the connection is closed. */
        }
        body_append(req, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (req->suspended) {
        req->suspended = false; /* Resumed: the writer has committed the job. */
        if (req->render != NULL) {
            req->render(acsa__server_reader(req), req);
            req->render = NULL;
        }
        return send_response(req);
    }
    if (req->close_after) {
        return MHD_YES; /* Answered on the first call, queued already. */
    }
    if (req->response.status != 0) {
        return send_response(req); /* Refused on the first call. */
    }
    acsa__server_conn_phase(req->conn, CONN_HANDLING);
    dispatch(req);
    if (req->suspended) {
        return MHD_YES; /* Suspended until the writer has committed the job. */
    }
    return send_response(req);
}

static void log_request(struct request *req)
{
    char ts[40];
    acsa__server_log_time(ts, sizeof(ts));
    int64_t duration_us = monotonic_us() - req->started_us;
    char method[16];
    size_t n = 0;
    for (; req->method[n] != '\0' && n + 1 < sizeof(method); n++) {
        char c = req->method[n];
        method[n] = (c >= 'A' && c <= 'Z') ? c : '?';
    }
    method[n] = '\0';
    char user[ACSA_USERNAME_SIZE + 2] = "null";
    if (req->signed_in) {
        snprintf(user, sizeof(user), "\"%s\"", req->user.username);
    }
    fprintf(req->server->log,
            "{\"ts\":\"%s\",\"level\":\"info\",\"event\":\"request\",\"request_id\":\"%s\","
            "\"user\":%s,\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,"
            "\"duration_ms\":%lld.%03lld}\n",
            ts, req->request_id, user, method,
            req->route != NULL ? req->route->pattern : "", req->response.status,
            (long long)(duration_us / 1000), (long long)(duration_us % 1000));
    acsa__server_metrics_record(req->route_index, req->response.status, duration_us);
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct request *req = *con_cls;
    if (req == NULL) {
        return;
    }
    *con_cls = NULL;
    if (req->large_body) {
        acsa__server_conns_large_body_give(req->server->conns);
    }
    /* A kept-alive connection has the header deadline again for its next request. */
    acsa__server_conn_phase(req->conn, CONN_HEADERS);
    acsa__server_sync_request_done(req);
    log_request(req);
    atomic_fetch_sub(&req->server->in_flight, 1);
    acsa__server_response_free(&req->response);
    acsa_free(req->body);
    acsa_free(req->job_args);
    acsa_free(req);
}

/* ---- Start and stop ------------------------------------------------------------------- */

static void on_signal(int signal_number)
{
    char byte = (char)signal_number;
    ssize_t written = write(signal_pipe[1], &byte, 1);
    (void)written;
}

static enum acsa_rc read_pem(const char *path, char **out, struct acsa_error *err)
{
    *out = NULL;
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "tls", "--tls-cert/--tls-key: cannot read %s: %s",
                              path, strerror(errno));
    }
    char *text = acsa_malloc(SERVER_TLS_FILE_MAX + 1);
    size_t size = text != NULL ? fread(text, 1, SERVER_TLS_FILE_MAX + 1, file) : 0;
    fclose(file);
    if (text == NULL || size == 0 || size > SERVER_TLS_FILE_MAX) {
        acsa_free(text);
        return acsa_error_set(err, ACSA_EUSAGE, "tls", "--tls-cert/--tls-key: %s is empty or "
                              "larger than %d bytes", path, SERVER_TLS_FILE_MAX);
    }
    text[size] = '\0';
    *out = text;
    return ACSA_OK;
}

/* The listening address as a socket address; false if it is not an IP literal. */
static bool socket_address(const struct acsa_server_config *config,
                           struct sockaddr_storage *out, bool *out_ipv6)
{
    memset(out, 0, sizeof(*out));
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET, config->address, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(config->port);
        *out_ipv6 = false;
        return true;
    }
    if (inet_pton(AF_INET6, config->address, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(config->port);
        *out_ipv6 = true;
        return true;
    }
    return false;
}

static enum acsa_rc daemon_start(struct server *server, struct acsa_error *err)
{
    struct sockaddr_storage address;
    bool ipv6 = false;
    if (!socket_address(server->config, &address, &ipv6)) {
        return acsa_error_set(err, ACSA_EUSAGE, "listen",
                              "--listen: %s is not an IPv4 or IPv6 address",
                              server->config->address);
    }
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC | MHD_USE_TURBO;
    flags |= ipv6 ? MHD_USE_IPv6 : 0u;
    flags |= server->tls_cert != NULL ? MHD_USE_TLS : 0u;
    /* The certificate comes from a callback at each handshake, so SIGHUP can replace it. */
    struct MHD_OptionItem tls[] = {
        {MHD_OPTION_HTTPS_CERT_CALLBACK, 0, acsa__tls_creds_callback()},
        {MHD_OPTION_END, 0, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    unsigned connections = acsa__server_conns_limit(server->config->threads, server->log);
    server->daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, server,
        /* First, so that every message of libmicrohttpd is a JSON line of the log. */
        MHD_OPTION_EXTERNAL_LOGGER, acsa__server_log_mhd, server->log,
        MHD_OPTION_SOCK_ADDR, &address,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)server->config->threads, MHD_OPTION_CONNECTION_LIMIT,
        connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)SERVER_PER_ADDRESS_MAX,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)SERVER_CONNECTION_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVER_TIMEOUT_S, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, server, MHD_OPTION_NOTIFY_CONNECTION, acsa__server_conns_notify,
        server->conns, MHD_OPTION_ARRAY, server->tls_cert != NULL ? tls : tls + 2, MHD_OPTION_END);
    if (server->daemon == NULL) {
        return acsa_error_set(err, ACSA_ESTORAGE, "listen",
                              "--listen: cannot serve on %s port %u (in use, or TLS files "
                              "not valid)", server->config->address,
                              (unsigned)server->config->port);
    }
    return ACSA_OK;
}

static void print_listening(struct server *server)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info != NULL ? info->port : server->config->port;
    bool ipv6 = strchr(server->config->address, ':') != NULL;
    char url[ACSA_SERVER_ADDRESS_SIZE + 32];
    snprintf(url, sizeof(url), "%s://%s%s%s:%u", acsa__server_tls(server) ? "https" : "http",
             ipv6 ? "[" : "", server->config->address, ipv6 ? "]" : "", port);
    acsa__server_log(server->log, "info", "listening",
                     json_pack("{s:s, s:s, s:s, s:i}", "url", url, "version", ACSA_VERSION,
                               "nation", server->nation, "threads",
                               (int)server->config->threads));
}

/* SIGHUP: the TLS certificate and key read again from their files; new connections get the
 * new pair, open ones keep theirs. A pair that cannot be read or does not match keeps the old
 * one. One JSON line tells which. */
static void tls_reload(struct server *server)
{
    const struct acsa_server_config *config = server->config;
    char why[ACSA_ERROR_MESSAGE_SIZE] = "";
    bool ok = false;
    if (!acsa__server_tls(server)) {
        snprintf(why, sizeof(why), "not serving TLS: nothing to reload");
    } else {
        struct acsa_error err;
        acsa_error_clear(&err);
        char *cert = NULL;
        char *key = NULL;
        if (read_pem(config->tls_cert_path, &cert, &err) != ACSA_OK ||
            read_pem(config->tls_key_path, &key, &err) != ACSA_OK) {
            snprintf(why, sizeof(why), "%s", err.message);
        } else {
            ok = acsa__tls_creds_set(cert, key, why, sizeof(why));
        }
        acsa_free(cert);
        acsa_free(key);
    }
    json_t *line = json_pack("{s:b}", "ok", ok);
    if (line != NULL && ok) {
        json_object_set_new(line, "cert", acsa_json_string(config->tls_cert_path));
    } else if (line != NULL) {
        json_object_set_new(line, "error", acsa_json_string(why));
        json_object_set_new(line, "kept", json_string("the certificate already in use"));
    }
    acsa__server_log(server->log, ok ? "info" : "error", "tls.reload", line);
}

/* Waits for SIGTERM or SIGINT, sweeping the connections past their deadlines meanwhile;
 * SIGHUP reloads the TLS certificate. */
static void wait_for_signal(struct server *server)
{
    struct pollfd signals = {signal_pipe[0], POLLIN, 0};
    for (;;) {
        int ready = poll(&signals, 1, (int)SERVER_SWEEP_MS);
        if (ready < 0 && errno != EINTR) {
            return;
        }
        if (ready > 0) {
            char byte = 0;
            ssize_t n = read(signal_pipe[0], &byte, 1);
            if (n == 1 && byte == (char)SIGHUP) {
                tls_reload(server);
            } else if (n == 1 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
                return;
            }
        }
        acsa__server_conns_sweep(server->conns);
    }
}

/* Stops accepting, then waits (a while at most) until no request is in flight; idle
 * keep-alive connections are not waited for. Then no more write jobs are taken, and the
 * queued ones are committed. */
static void drain_connections(struct server *server)
{
    MHD_quiesce_daemon(server->daemon);
    for (unsigned waited = 0; waited < SERVER_DRAIN_MS; waited += 10) {
        if (atomic_load(&server->in_flight) == 0) {
            break;
        }
        poll(NULL, 0, 10);
    }
    acsa__server_signin_close();
    acsa__server_writer_close(server->writer);
}

static enum acsa_rc signals_install(struct acsa_error *err)
{
    if (pipe(signal_pipe) != 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, NULL, "cannot create a pipe: %s",
                              strerror(errno));
    }
    fcntl(signal_pipe[1], F_SETFL, O_NONBLOCK);
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    signal(SIGPIPE, SIG_IGN);
    return ACSA_OK;
}

static enum acsa_rc server_prepare(struct server *server, struct acsa_error *err)
{
    if (sodium_init() < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, NULL, "libsodium cannot be initialised");
    }
    const struct acsa_server_config *config = server->config;
    if (config->tls_cert_path != NULL) {
        ACSA_TRY(read_pem(config->tls_cert_path, &server->tls_cert, err));
        ACSA_TRY(read_pem(config->tls_key_path, &server->tls_key, err));
        char why[ACSA_ERROR_MESSAGE_SIZE];
        if (!acsa__tls_creds_set(server->tls_cert, server->tls_key, why, sizeof(why))) {
            return acsa_error_set(err, ACSA_EUSAGE, "tls", "%s", why);
        }
    }
    struct acsa_app *app = NULL;
    ACSA_TRY(acsa_app_open(config->db_uri, 0, &app, err));
    snprintf(server->nation, sizeof(server->nation), "%s", acsa_app_nation(app));
    acsa_app_close(app);
    ACSA_TRY(acsa__server_writer_start(config->db_uri, config->queue, &server->writer, err));
    ACSA_TRY(acsa__server_conns_start(&server->conns, err));
    if (config->sync_every_s > 0) {
        ACSA_TRY(acsa__server_sync_timer_start(config->db_uri, server->writer,
                                               config->sync_every_s, server->log,
                                               &server->sync_timer, err));
    }
    if (config->convert_every_s > 0) {
        ACSA_TRY(acsa__server_convert_timer_start(server->writer, config->convert_every_s,
                                                  local_today, server->log,
                                                  &server->convert_timer, err));
    }
    return signals_install(err);
}

/* Prepares the server, serves until SIGTERM or SIGINT, then lets the connections finish.
 * What was started is stopped by the caller, whichever step failed. */
static enum acsa_rc serve(struct server *server, struct acsa_error *err)
{
    ACSA_TRY(server_prepare(server, err));
    ACSA_TRY(daemon_start(server, err));
    print_listening(server);
    wait_for_signal(server);
    acsa__server_log(server->log, "info", "stopping",
                     json_pack("{s:i}", "in_flight", atomic_load(&server->in_flight)));
    drain_connections(server);
    MHD_stop_daemon(server->daemon);
    return ACSA_OK;
}

enum acsa_rc acsa_server_run(const struct acsa_server_config *config, FILE *log,
                             struct acsa_error *err)
{
    struct server server;
    memset(&server, 0, sizeof(server));
    server.config = config;
    server.log = log;
    atomic_init(&server.in_flight, 0);
    pthread_mutex_init(&server.readers_lock, NULL);
    enum acsa_rc rc = serve(&server, err);
    acsa__server_conns_stop(server.conns);
    acsa__server_sync_timer_stop(server.sync_timer);
    acsa__server_convert_timer_stop(server.convert_timer); /* Its jobs go through the writer. */
    if (server.writer != NULL) {
        acsa__server_writer_close(server.writer);
        acsa__server_writer_stop(server.writer);
    }
    for (size_t i = 0; i < server.reader_count; i++) {
        acsa_app_close(server.readers[i]);
    }
    for (size_t i = 0; i < server.view_count; i++) {
        acsa_free(server.views[i]);
    }
    pthread_mutex_destroy(&server.readers_lock);
    acsa_free(server.tls_cert);
    acsa_free(server.tls_key);
    acsa__tls_creds_free(); /* The daemon is stopped: no handshake can ask any more. */
    json_t *line = json_pack("{s:b}", "ok", rc == ACSA_OK);
    if (line != NULL && rc != ACSA_OK) {
        json_object_set_new(line, "error", acsa_json_string(err->message));
        json_object_set_new(line, "field", acsa_json_string(err->field));
    }
    acsa__server_log(log, rc == ACSA_OK ? "info" : "error", "stopped", line);
    return rc;
}
