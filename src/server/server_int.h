/* SPDX-License-Identifier: MIT */
/* Declarations shared by the files of the HTTP server: one request and its response, the
 * route table, the write queue, per-thread read connections, pagination and metrics. */
#ifndef ACSA_SERVER_INT_H
#define ACSA_SERVER_INT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "app.h"
#include "app_reads.h"
#include "auth.h"
#include "node.h"
#include "acsa_assert.h"
#include "authz.h"
#include "date.h"
#include "money.h"
#include "auth_json.h"
#include "order_json.h"
#include "server.h"

#include "server_limits.h"
_Static_assert(SERVER_ANON_BODY_MAX <= SERVER_BODY_MAX && SERVER_BODY_MAX < ACSA_BATCH_BYTES_MAX,
               "bodies: anonymous, signed in, partner batch");
_Static_assert(SERVER_PER_ADDRESS_MAX < SERVER_CONNECTIONS_MAX, "one address cannot fill");
_Static_assert(SERVER_CONNECTIONS_HOLD_MAX <= 272u * 1024u * 1024u,
               "connections hold at most 272 MiB (docs/ARCHITECTURE.md)");
_Static_assert(SERVER_HEADER_DEADLINE_S < SERVER_TIMEOUT_S &&
               SERVER_BODY_DEADLINE_S < SERVER_LARGE_BODY_DEADLINE_S, "deadlines");
_Static_assert(SERVER_PARAM_SIZE >= ACSA_NUMBER_SIZE, "an order number fits a parameter");

struct request;
struct server;

/* A response being built: a status, a body and the headers the handler added. */
struct response {
    int status;                                    /* 0 until set. */
    char *body;                                    /* Owned unless body_static. */
    size_t size;
    bool body_static;                              /* body is embedded data, not freed. */
    const char *content_type;                      /* Static text. */
    int file;                                      /* body_file: an open file sent as the
                                                      body (its size in size), closed once
                                                      sent (the exports). */
    bool body_file;
    uint32_t header_count;
    const char *header_names[SERVER_HEADERS_MAX];  /* Static text. */
    char header_values[SERVER_HEADERS_MAX][SERVER_HEADER_SIZE];
};

/* Who may call a route. */
enum route_access {
    ROUTE_PUBLIC,        /* Anyone, signed in or not. */
    ROUTE_SIGNED_IN,     /* Any signed-in user; the handler scopes what is shown. */
    ROUTE_ACTION,        /* A signed-in user whose role allows route->action. */
    ROUTE_PEER,          /* A partner node: a request signed by its registered key. */
    ROUTE_PROBE,         /* Anyone, never authenticated, answered without this thread's read
                          * connection being opened first (/healthz, /readyz): a database
                          * that does not answer is the probe's to report. */
};

typedef void (*route_fn)(struct request *req);

/* One line of the route table. */
struct route {
    const char *method;          /* "GET", "POST", "DELETE". */
    const char *pattern;         /* "/api/orders/{number}/{step}"; "{name*}" takes the rest. */
    route_fn handler;
    enum route_access access;
    enum acsa_action action;     /* For ROUTE_ACTION. */
    const char *audit;           /* Action recorded for a refused write ("unit.add"). */
};

/* Called on the writer thread inside the job's savepoint; fills req->response. Returns
 * ACSA_OK, a refusal (its audit record is kept) or a fatal code (acsa_rc_fatal: rolled back). */
typedef enum acsa_rc (*job_fn)(struct acsa_app *app, struct request *req);
/* Renders the body of a job's result on a connection that sees the job's writes. */
typedef void (*render_fn)(struct acsa_app *app, struct request *req);

/* States of a request's write job. */
enum job_state { JOB_NONE, JOB_QUEUED, JOB_DONE };

struct request {
    struct server *server;
    void *connection;                         /* struct MHD_Connection. */
    const char *method;                       /* As received (MHD owns it). */
    const char *url;                          /* Path, without the query (MHD owns it). */
    char request_id[SERVER_REQUEST_ID_SIZE];
    int64_t started_us;                       /* Monotonic clock. */
    const struct route *route;                /* NULL until matched. */
    int route_index;                          /* Index in the table; -1 for none. */
    char params[SERVER_PARAMS_MAX][SERVER_PARAM_SIZE];  /* {params} in pattern order. */
    char *body;                               /* Request body, NUL-terminated, or NULL. */
    size_t body_size;
    size_t body_capacity;                     /* Allocated for body, less its NUL. */
    bool body_too_large;
    bool body_no_slot;                        /* Over SERVER_BODY_MAX, and no slot free. */
    bool large_body;                          /* Holds a slot of SERVER_LARGE_BODIES_MAX. */
    bool close_after;                         /* Answered before its body was read. */
    size_t body_max;                          /* Largest body this request may send. */
    struct conn *conn;                        /* Its connection's deadline (connections.c). */
    char peer[ACSA_NATION_SIZE];              /* ROUTE_PEER: the partner node that asks. */
    bool acsa__server_sync_admitted;                       /* /sync/: its signed headers checked. */
    bool sync_inflight;                       /* Holds its partner's one batch slot. */
    char sync_nonce[ACSA_NONCE_TEXT_SIZE];    /* /sync/: the request's nonce. */
    char sync_body_sha256[ACSA_SHA256_TEXT_SIZE];  /* /sync/: the body's hash as signed. */
    bool signed_in;
    bool auth_unavailable;                    /* Who asks could not be looked up (storage). */
    bool by_cookie;                           /* Authenticated by the session cookie. */
    struct acsa_user user;                    /* When signed_in. */
    char session[ACSA_SECRET_TEXT_SIZE];      /* The session token when by_cookie. */
    char csrf[ACSA_SECRET_TEXT_SIZE];         /* The session's CSRF token when by_cookie. */
    char idempotency_key[ACSA_IDEMPOTENCY_KEY_SIZE];   /* "" for none. */
    char request_hash[ACSA_SECRET_TEXT_SIZE];          /* Of method, path and body. */
    int32_t today;                            /* The local date of the request. */
    enum job_state job_state;                 /* Guarded by the write queue's lock. */
    bool suspended;                           /* Set by the HTTP thread when it queued the
                                                 job; the next call finds the job done. */
    job_fn job;
    bool changes_auth;                        /* The job may revoke tokens (of a user). */
    render_fn render;                         /* Run after the job unless it rendered. */
    void *job_args;                           /* Owned; freed with acsa_free(). */
    char audit_object[ACSA_NAME_SIZE];        /* For a refusal recorded by job_refused. */
    struct acsa_error audit_err;              /* The refusal recorded by job_refused. */
    int refused_status;                       /* Its status. */
    struct response response;
    bool logged;
    bool ping_abandoned;                      /* A readiness ping given up on: the writer
                                                 frees it (writer_ping). */
};
/* Half the overhead, the rest for libmicrohttpd's own state of the connection. */
_Static_assert(sizeof(struct request) <= SERVER_CONNECTION_OVERHEAD / 2,
               "a request's state fits SERVER_CONNECTION_OVERHEAD");

/* server.c */
struct acsa_app *
acsa__server_reader(struct request *req); /* This thread's read connection. */
/* Why this thread's read connection could not be opened, when acsa__server_reader was NULL. */
const char *acsa__server_reader_failure(void);
/* This thread's scratch space for rendering one order at a time, or NULL. */
struct acsa_order_view *acsa__server_order_view(struct request *req);
const char *acsa__server_header(struct request *req, const char *name);
const char *acsa__server_cookie(struct request *req, const char *name);
const char *acsa__server_query(struct request *req, const char *name);
bool acsa__server_tls(const struct server *server);
const char *acsa__server_db_uri(const struct server *server);
const char *acsa__server_nation(const struct server *server);

/* response.c: statuses, problems and bodies. */
void acsa__server_response_json(struct request *req, int status, json_t *doc);   /* Takes doc. */
void acsa__server_response_text(struct request *req, int status, const char *content_type,
                                char *text, size_t size); /* Takes text. */
void acsa__server_response_static(struct request *req, const char *content_type,
                                  const unsigned char *data, size_t size);
void acsa__server_response_empty(struct request *req, int status);
/* The open file fd of size bytes as the body (taken: closed once sent or dropped). */
void acsa__server_response_file(struct request *req, int status, const char *content_type,
                                int fd, uint64_t size);
void acsa__server_response_header(struct request *req, const char *name, const char *format, ...)
    __attribute__((format(printf, 3, 4)));
void acsa__server_response_free(struct response *response);
/* A problem+json of status with the field and a printf-style detail. */
void acsa__server_problem(struct request *req, int status, const char *field, const char *format,
                          ...) __attribute__((format(printf, 4, 5)));
/* The problem for rc (the one table of statuses), with err's field and message. */
void acsa__server_problem_rc(struct request *req, enum acsa_rc rc, const struct acsa_error *err);
int acsa__server_status_of_rc(enum acsa_rc rc);
/* A refusal of a write by a signed-in user: recorded in the audit log (outcome err->rc)
 * through the writer, then answered with the problem of status (0: the status of err->rc);
 * other requests get the problem at once. */
void acsa__server_refuse(struct request *req, int status, const struct acsa_error *err);
/* refuse() with an error made from rc, field and a printf-style message. */
void acsa__server_refusef(struct request *req, int status, enum acsa_rc rc, const char *field,
             const char *format, ...) __attribute__((format(printf, 5, 6)));
/* Answers a stored response again, with Idempotency-Replayed: true. Takes body. */
void acsa__server_response_replay(struct request *req, int status, char *body);
/* A JSON body as text (compact, keys in insertion order), or NULL. */
char *acsa__server_json_text(json_t *doc, size_t *out_size);

/* writer.c: the write queue and its one thread. */
struct writer;
ACSA_NODISCARD enum acsa_rc acsa__server_writer_start(const char *db_uri, uint32_t capacity,
                                         struct writer **out, struct acsa_error *err);
/* Queues req's job and suspends its connection; false (nothing queued) if the queue is full
 * or closed. The writer resumes the connection when the job's batch is committed. */
bool acsa__server_writer_submit(struct writer *writer, struct request *req);
/* writer_submit for a request whose connection is suspended already (a sign-in whose
 * password was checked by another thread); false if the queue is full or closed. */
bool acsa__server_writer_enqueue_suspended(struct writer *writer, struct request *req);
uint32_t acsa__server_writer_depth(struct writer *writer);
/* Runs fn as a job of the node itself (no connection), recorded in the audit log as actor,
 * on the writer thread like any request, and waits until its batch is committed: fn's result,
 * ESTORAGE if the queue is full or closed (nothing ran) or the batch did not commit. The
 * sync exchanges and the timers write only through this. */
ACSA_NODISCARD enum acsa_rc acsa__server_writer_call(struct writer *writer, const char *actor,
                                        acsa_app_write_fn fn, void *arg,
                                        struct acsa_error *err);
/* Refuses further jobs and waits until every queued job is done. */
void acsa__server_writer_close(struct writer *writer);
void acsa__server_writer_stop(struct writer *writer); /* After writer_close: joins and frees. */
struct writer *acsa__server_writer(struct request *req);
/* Queues req's job (the handler returns at once); answers 503 when the queue is full. */
void acsa__server_submit(struct request *req, job_fn job, render_fn render, void *args);
/* signin.c: stops taking sign-ins, answers the queued ones 503 and waits for the checks
 * running (which may queue write jobs), for good: before the writer closes. */
void acsa__server_signin_close(void);
/* The job of refuse(): records the refusal in req->audit_err and answers its problem. */
enum acsa_rc acsa__server_job_refused(struct acsa_app *app, struct request *req);
/* A refusal a job finds itself (not found, forbidden, stale): recorded in the audit log and
 * answered with the problem of status (0: the status of err->rc). Returns err->rc. */
enum acsa_rc acsa__server_job_refuse(struct acsa_app *app, struct request *req, int status,
                        const struct acsa_error *err);
/* The audit action of req: the route's, or "order.<step>" for order steps. */
const char *acsa__server_request_audit_action(const struct request *req, char *buf, size_t size);

/* routes_sync.c: node to node, and the sync pages of the API. */
void acsa__server_route_sync_status(struct request *req);
void acsa__server_route_sync_batches_post(struct request *req);
void acsa__server_route_sync_batches_get(struct request *req);
void acsa__server_route_sync_fingerprints(struct request *req);
void acsa__server_route_sync_facts(struct request *req);
void acsa__server_route_sync_balance(struct request *req);
void acsa__server_route_sync_agreements(struct request *req);
void acsa__server_route_sync_documents_pending(struct request *req);
/* routes_documents.c: supporting documents. upload_admit runs on the headers of an upload
 * (CSRF, the order, the user's right to attach, the query) and raises its body limit; false
 * after answering. */
bool acsa__server_documents_upload_admit(struct request *req);
void acsa__server_route_documents_upload(struct request *req);
void acsa__server_route_documents_list(struct request *req);
void acsa__server_route_document_get(struct request *req);
void acsa__server_route_sync_document_get(struct request *req);
void acsa__server_route_sync_documents_post(struct request *req);
void acsa__server_route_peers_list(struct request *req);
void acsa__server_route_quarantine_list(struct request *req);
void acsa__server_route_quarantine_resolve(struct request *req);
void acsa__server_route_reconcile(struct request *req);
void acsa__server_route_sync_run(struct request *req);
/* An exchange's writes (sync.h's acsa_sync_writer) through the one writer, recorded as
 * actor: {sync_through_run, &through}. */
struct sync_through {
    struct writer *writer;
    const char *actor;
};
ACSA_NODISCARD enum acsa_rc acsa__server_sync_through_run(void *ctx, acsa_app_write_fn fn,
                                                          void *arg, struct acsa_error *err);
/* On the first call for a /sync/ path, before any of the body is taken: checks the signed
 * headers of a partner node's request (sender, receiver, time, nonce, signature) and, for a
 * batch, takes the partner's one slot; false after answering (the connection then closes, the
 * body unread). Only an admitted request may have a body larger than SERVER_BODY_MAX. */
bool acsa__server_sync_admit_early(struct request *req);
/* After the body: it must have the signed hash; false after answering 403. */
bool acsa__server_sync_admitted(struct request *req);
/* Signs the answer to an admitted sync request (its nonce, status, body, both nodes). */
void acsa__server_sync_sign_reply(struct acsa_app *app, struct request *req);
/* When a request ends: gives back its partner's batch slot. */
void acsa__server_sync_request_done(struct request *req);

/* ticker.c: a thread calling tick(ctx) every every_s seconds until ticker_stop (which joins
 * it); what names the thread in an error. */
struct ticker;
ACSA_NODISCARD enum acsa_rc acsa__server_ticker_start(uint32_t every_s, void (*tick)(void *ctx),
                                                      void *ctx, const char *what,
                                                      struct ticker **out, struct acsa_error *err);
void acsa__server_ticker_stop(struct ticker *ticker);

/* sync_timer.c: --sync-every. */
struct sync_timer;
ACSA_NODISCARD enum acsa_rc acsa__server_sync_timer_start(const char *db_uri,
                                                          struct writer *writer, uint32_t every_s,
                                                          FILE *log, struct sync_timer **out,
                                                          struct acsa_error *err);
void acsa__server_sync_timer_stop(struct sync_timer *timer);

/* convert_timer.c: --convert-every (automatic conversion of overdue in-kind obligations). */
struct convert_timer;
ACSA_NODISCARD enum acsa_rc
acsa__server_convert_timer_start(struct writer *writer, uint32_t every_s, int32_t (*today)(void),
                                 FILE *log, struct convert_timer **out, struct acsa_error *err);
void acsa__server_convert_timer_stop(struct convert_timer *timer);

/* routes.c */
extern const struct route acsa__server_routes[];
extern const size_t acsa__server_route_count;
/* The route of method and path, with its parameters into req. *out_allowed is set when the
 * path matches but with another method (405). */
const struct route *acsa__server_route_match(struct request *req, const char *method,
                                             const char *path, bool *out_allowed);
/* Holds the {params} of req's route to the text rule (core/text.h): ACSA_EUSAGE with err
 * naming the parameter ("number: control character U+001B at byte 6 is not allowed"). */
ACSA_NODISCARD enum acsa_rc acsa__server_route_params_check(const struct request *req,
                                               struct acsa_error *err);

/* json_in.c: request bodies and query strings, checked against one kind of table. */
enum json_in_kind {
    JIN_TEXT,        /* char[size], non-empty. */
    JIN_TEXT_EMPTY,  /* char[size], may be empty. */
    JIN_NATION,      /* char[ACSA_NATION_SIZE]. */
    JIN_CURRENCY,    /* const struct acsa_currency *. */
    JIN_DATE,        /* int32_t day. */
    JIN_ID,          /* int64_t, positive (a JSON integer). */
    JIN_LINE_NO,     /* uint32_t, positive (a JSON integer). */
    JIN_COUNT,       /* uint32_t between min and max (a JSON integer). */
    JIN_QUANTITY,    /* int64_t thousandths, from a decimal string. */
    JIN_AMOUNT,      /* const char *: a decimal string, converted once its currency is known. */
    JIN_METHOD,      /* enum acsa_method. */
    JIN_ROLE,        /* enum acsa_role. */
    JIN_STATE,       /* enum acsa_state. */
    JIN_BOOL,        /* bool (JSON true/false; "true"/"false" in a query). */
    JIN_ARRAY,       /* json_t * (borrowed): a non-empty array (bodies only). */
};
struct json_in_field {
    const char *name;
    enum json_in_kind kind;
    bool required;
    void *target;
    size_t size;        /* JIN_TEXT buffer size. */
    uint32_t min, max;  /* JIN_COUNT bounds. */
    bool seen;          /* Set when the member or parameter was present. */
};
#define JIN(name, kind, required, target, size) \
    {(name), (kind), (required), (target), (size), 0, 0, false}
/* The request body as a JSON object (an empty body is {}); false after answering 415 or 400
 * (line and column of a syntax error). *out is a new reference on success. */
bool acsa__server_json_in_body(struct request *req, json_t **out);
/* Checks object against fields (unknown and missing members, types, values) and converts
 * into the targets. path prefixes the field names ("lines[1]"). ACSA_EUSAGE with err naming
 * the field ("lines[1].qty"). */
ACSA_NODISCARD enum acsa_rc acsa__server_json_in_object(json_t *object, const char *path,
                                           struct json_in_field *fields, size_t count,
                                           struct acsa_error *err);
/* routes_orders_fix.c: the ways out of an order. The body of POST .../amend into changes and
 * cmd (date); false after answering 400 naming the field. */
bool acsa__server_route_amend_parse(struct request *req, struct acsa_amend *changes,
                       struct acsa_command *cmd);
/* The "corrected_step" of a correction: issue, receive, return or accept-return. */
ACSA_NODISCARD enum acsa_rc acsa__server_route_corrected_step(const char *text, enum acsa_step *out,
                                                 struct acsa_error *err);
/* routes_orders.c: the "lines" of POST /api/orders (also "add_lines" of an amend: name). */
ACSA_NODISCARD enum acsa_rc acsa__server_route_order_lines(struct acsa_order_draft *d,
                                                           const char *name, json_t *lines,
                                                           struct acsa_error *err);

/* json_in_body and json_in_object together; false after answering the problem. *out (may
 * be NULL) keeps the object for arrays inside it; the caller releases it. */
bool acsa__server_json_in_request(struct request *req, struct json_in_field *fields, size_t count,
                     json_t **out);
/* Converts text (a path parameter, say) into f's target, naming f->name. */
ACSA_NODISCARD enum acsa_rc acsa__server_json_in_value(struct json_in_field *f, const char *text,
                                          struct acsa_error *err);
/* Converts an amount kept by JIN_AMOUNT, naming field. */
ACSA_NODISCARD enum acsa_rc acsa__server_json_in_amount(const char *text,
                                                        const struct acsa_currency *currency,
                                                        const char *field, int64_t *out_minor,
                                                        struct acsa_error *err);
/* Parses the query string into params (unknown parameters refused); false after answering
 * 400 naming the parameter. */
bool acsa__server_query_parse(struct request *req, struct json_in_field *params, size_t count);

/* The methods served on path, for Allow ("GET, POST"). */
void acsa__server_route_allowed(const char *path, char *buf, size_t size);

/* download.c: an answer written into a temporary file, sent, and removed. */
struct download {
    char path[256];
    FILE *file;                        /* Open while CSV rows are written. */
    struct acsa_text row;              /* The CSV row being written. */
};
/* Makes the empty temporary file d->path (a writer opens it by name). ACSA_ESTORAGE. */
enum acsa_rc acsa__server_download_make(struct download *d, struct acsa_error *err);
/* Makes the file and writes the CSV header row (csv.h); on failure nothing is left. */
enum acsa_rc acsa__server_download_csv(struct download *d, const char *const *headers,
                                       size_t count, struct acsa_error *err);
/* Appends one CSV row of count cells (a NULL cell is empty). */
enum acsa_rc acsa__server_download_row(struct download *d, const char *const *cells,
                                       size_t count, struct acsa_error *err);
/* Sends the file as an attachment named filename (no-store), removing its name. */
void acsa__server_download_answer(struct request *req, struct download *d,
                                  const char *content_type, const char *filename);
/* Abandons the download: the file closed and removed. Safe on a zeroed download. */
void acsa__server_download_drop(struct download *d);

/* list.c: pages of {items, next_cursor}; or, for the lists that take ?format=csv, the whole
 * list as one CSV attachment, a row per item. */
struct page {
    char cursor[SERVER_CURSOR_SIZE];   /* ?cursor=, "" for the first page. */
    uint32_t limit;                    /* ?limit=. */
    bool skipping;                     /* Items up to the cursor's are skipped. */
    json_t *items;
    char last_key[SERVER_CURSOR_SIZE]; /* Key of the last item taken. */
    bool more;                         /* An item after the page exists. */
    char format[8];                    /* ?format=: "json" (the default) or "csv". */
    struct download *csv;              /* The CSV being written, when format=csv. */
    const char *const *columns;        /* The items' members that are the CSV's columns. */
    size_t column_count;
    char csv_name[48];                 /* The attachment is acsa-NAME-TODAY.csv. */
};
#define PAGE_QUERY(page)                                                 \
    JIN("cursor", JIN_TEXT, false, (page)->cursor, SERVER_CURSOR_SIZE), \
    {"limit", JIN_COUNT, false, &(page)->limit, 0, 1, SERVER_PAGE_MAX, false}
/* ?format=json|csv, for the lists that call acsa__server_page_format. */
#define PAGE_FORMAT(page) JIN("format", JIN_TEXT, false, (page)->format, sizeof((page)->format))
/* After the query is parsed: with format=csv the page writes every item (cursor and limit
 * ignored) as a CSV row of its members named by columns (text as is, numbers as JSON writes
 * them, null empty, arrays and objects as JSON), and page_respond sends the file as
 * acsa-NAME-TODAY.csv. False after answering the problem (a bad format, no temporary file). */
bool acsa__server_page_format(struct request *req, struct page *page,
                              const char *const *columns, size_t count, const char *name);
#define PAGE_FULL ACSA_ESTOP      /* Returned by row callbacks to stop a scan: page full. */
enum page_verdict { PAGE_TAKE, PAGE_SKIP, PAGE_STOP };
/* skip: the scan starts at the beginning, so items up to the cursor's key are skipped.
 * Call before query_parse (it sets the default limit). */
void acsa__server_page_init(struct page *page, bool skip);
/* What to do with the next item, of key: take it (then page_add), skip it, or stop the
 * scan (return PAGE_FULL) because the page is full. */
enum page_verdict acsa__server_page_next(struct page *page, const char *key);
/* Adds an item (taken); ACSA_ENOMEM if it is NULL or cannot be added. */
enum acsa_rc acsa__server_page_add(struct page *page, json_t *item);
/* The row callback's answer for an item of key made by make(row) when taken. */
enum acsa_rc acsa__server_page_offer(struct page *page, const char *key, json_t *item);
/* Answers 200 {items, next_cursor} plus extra's members (taken; may be NULL); or the problem
 * of rc (PAGE_FULL counts as done). Frees the items. */
void acsa__server_page_respond(struct request *req, struct page *page, enum acsa_rc rc,
                  const struct acsa_error *err, json_t *extra);

/* auth_http.c */
/* Resolves the session cookie or bearer token; false if nobody is signed in. */
bool acsa__server_http_authenticate(struct request *req);
/* Called by the writer once a job that revokes tokens or disables a user is committed, before
 * any answer: no thread trusts a token it resolved earlier. */
void acsa__server_http_auth_changed(void);
/* Whether a mutating request by cookie carries the session's CSRF token. */
bool acsa__server_http_csrf_ok(struct request *req, const char *expected);

/* metrics.c */
void acsa__server_metrics_record(int route_index, int status, int64_t duration_us);
void acsa__server_metrics_respond(struct request *req);
/* A batch of count jobs committed (or not) by the writer. */
void acsa__server_metrics_batch(uint32_t count);
/* An exchange with party ended, well or not; partner_last_seq is the partner's last record as
 * its status said (0: unknown, the status did not answer). */
void acsa__server_metrics_sync(const char *party, bool ok, int64_t partner_last_seq);
/* Readiness, observability: readyz.c (/readyz and the page of problem types), log.c. */
void acsa__server_route_readyz(struct request *req);
void acsa__server_route_problems(struct request *req);
void acsa__server_route_problem(struct request *req);
/* Queues a job that does nothing through the writer and waits up to timeout_ms for its batch
 * to commit: false if the writer is closed, full, stuck or its transaction fails. */
bool acsa__server_writer_ping(struct writer *writer, uint32_t timeout_ms);
/* The problem types of response.c's table: count, and each one's code, status, title and
 * description. */
size_t acsa__server_problem_type_count(void);
void acsa__server_problem_type(size_t index, const char **code, int *status, const char **title,
                               const char **description);
/* The problem type code with its own title (one not chosen by status or result code). */
void acsa__server_problem_code(struct request *req, int status, const char *code,
                               const char *format, ...) __attribute__((format(printf, 4, 5)));
/* The base of problem type URIs: relative, resolved against the server's own URL. */
#define SERVER_PROBLEM_BASE "/problems/"
void acsa__server_log_time(char *buf, size_t size);
/* One JSON line {ts, level, event, fields...} on log; takes fields (may be NULL). */
void acsa__server_log(FILE *log, const char *level, const char *event, json_t *fields);
void acsa__server_log_text(FILE *log, const char *level, const char *event, const char *format,
                           ...) __attribute__((format(printf, 4, 5)));
/* libmicrohttpd's logger (MHD_OPTION_EXTERNAL_LOGGER), cls the log stream. */
void acsa__server_log_mhd(void *cls, const char *format, va_list args)
    __attribute__((format(printf, 2, 0)));

/* Handlers, one per route (routes_*.c). */
void acsa__server_route_healthz(struct request *req);
void acsa__server_route_metrics(struct request *req);
void acsa__server_route_openapi(struct request *req);
void acsa__server_route_asset(struct request *req);
void acsa__server_route_session_create(struct request *req);
void acsa__server_route_session_get(struct request *req);
void acsa__server_route_session_delete(struct request *req);
void acsa__server_route_users_list(struct request *req);
void acsa__server_route_users_create(struct request *req);
void acsa__server_route_users_disable(struct request *req);
void acsa__server_route_tokens_list(struct request *req);
void acsa__server_route_tokens_create(struct request *req);
void acsa__server_route_tokens_delete(struct request *req);
void acsa__server_route_agreements_list(struct request *req);
void acsa__server_route_agreements_get(struct request *req);
void acsa__server_route_agreements_create(struct request *req);
void acsa__server_route_agreement_lifecycle(struct request *req);
void acsa__server_route_agreement_amend(struct request *req);
void acsa__server_route_agreement_notice(struct request *req);
void acsa__server_route_agreement_terminate(struct request *req);
void acsa__server_route_units_list(struct request *req);
void acsa__server_route_units_create(struct request *req);
void acsa__server_route_officials_list(struct request *req);
void acsa__server_route_officials_create(struct request *req);
void acsa__server_route_officials_revoke(struct request *req);
void acsa__server_route_activities_list(struct request *req);
void acsa__server_route_activities_create(struct request *req);
void acsa__server_route_orders_list(struct request *req);
void acsa__server_route_orders_create(struct request *req);
void acsa__server_route_orders_get(struct request *req);
/* routes_forms.c: the printed forms and the check of a printed hash. */
void acsa__server_route_order_form(struct request *req);
void acsa__server_route_order_verify(struct request *req);
void acsa__server_route_orders_step(struct request *req);
void acsa__server_route_balance(struct request *req);
void acsa__server_route_overdue(struct request *req);
void acsa__server_route_convert_overdue(struct request *req);
void acsa__server_route_stats_monthly(struct request *req);
void acsa__server_route_stats_states(struct request *req);
void acsa__server_route_in_transit(struct request *req);
void acsa__server_route_import_orders(struct request *req);
/* routes_summaries.c: the reports of requirement 15. */
void acsa__server_route_report_statement(struct request *req);
void acsa__server_route_report_open(struct request *req);
void acsa__server_route_report_unliquidated(struct request *req);
void acsa__server_route_report_by_method(struct request *req);
void acsa__server_route_report_yearly(struct request *req);
void acsa__server_route_report_missing(struct request *req);
void acsa__server_route_export(struct request *req);
void acsa__server_route_export_journal(struct request *req);
void acsa__server_route_audit_list(struct request *req);
void acsa__server_route_audit_verify(struct request *req);

/* Shared by the order routes and reports: the scope of an order for authz.h. */
struct acsa_order_scope acsa__server_order_scope(const struct acsa_order *order);
struct acsa_order_scope acsa__server_summary_scope(const struct acsa_order_summary *summary);

#endif
