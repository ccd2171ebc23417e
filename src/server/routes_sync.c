/* SPDX-License-Identifier: MIT */
/* Node to node (/sync/v1/...): only requests signed by a registered partner node's key are
 * answered; batches it sends are taken in through the writer like any other write. And the
 * API pages of sync for people: partner nodes, the quarantine, reconciliation, a sync now. */
#include "server_int.h"
#include "quarantine.h"
#include "alloc.h"

#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sync.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

/* ---- The sync wire: admission before the body, signed answers ----------------------------- */

/* Partner nodes with a batch POST in flight, at most (one batch per partner at a time). */

static pthread_once_t wire_once = PTHREAD_ONCE_INIT;
static struct acsa_nonce_cache *nonces;                  /* NULL if it could not be made. */
static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;
static char inflight[SERVER_SYNC_INFLIGHT_MAX][ACSA_NATION_SIZE];  /* "" for a free slot. */

/* When this process started. Nonces live in memory: a request signed before then may have
 * been taken by an earlier run of the node, so it is refused rather than perhaps taken twice. */
static int64_t process_started_s;

__attribute__((constructor)) static void note_process_start(void)
{
    process_started_s = (int64_t)time(NULL);
}

static void wire_start(void)
{
    nonces = acsa_nonce_cache_new(ACSA_NONCE_CACHE_MAX);
}

/* Takes the partner's one batch slot; false if it has a batch in flight (or no slot is free). */
static bool inflight_take(const char *peer)
{
    pthread_mutex_lock(&inflight_lock);
    int free_slot = -1;
    bool busy = false;
    for (int i = 0; i < SERVER_SYNC_INFLIGHT_MAX && !busy; i++) {
        busy = strcmp(inflight[i], peer) == 0;
        free_slot = free_slot < 0 && inflight[i][0] == '\0' ? i : free_slot;
    }
    bool taken = !busy && free_slot >= 0;
    if (taken) {
        snprintf(inflight[free_slot], ACSA_NATION_SIZE, "%s", peer);
    }
    pthread_mutex_unlock(&inflight_lock);
    return taken;
}

void acsa__server_sync_request_done(struct request *req)
{
    if (!req->sync_inflight) {
        return;
    }
    pthread_mutex_lock(&inflight_lock);
    for (int i = 0; i < SERVER_SYNC_INFLIGHT_MAX; i++) {
        if (strcmp(inflight[i], req->peer) == 0) {
            inflight[i][0] = '\0';
        }
    }
    pthread_mutex_unlock(&inflight_lock);
    req->sync_inflight = false;
}

/* A refusal before the body is read (err's problem, else status's, else the problem answered
 * already): the connection closes after it, so no body is taken. */
static bool refuse_early(struct request *req, int status, const char *field, const char *detail,
                         const struct acsa_error *err)
{
    if (err != NULL) {
        acsa__server_problem_rc(req, err->rc, err);
    } else if (status != 0) {
        acsa__server_problem(req, status, field, "%s", detail);
    }
    if (req->response.status == 503) {
        acsa__server_response_header(req, "Retry-After", "1");
    }
    acsa__server_response_header(req, "Connection", "close");
    return false;
}

/* The target as signed: the path, then "?" and the query's name=value pairs in the order
 * received, joined by "&", every byte but A-Z a-z 0-9 - . _ ~ percent-encoded ("/" too in the
 * query). A client that sends its target in this form signs the bytes it sends. */
struct target_text {
    char text[ACSA_WIRE_TARGET_MAX + 1];
    size_t len;
    bool overflow;
    uint32_t pairs;
};

static void target_add(struct target_text *t, const char *s, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                     || (c != '\0' && strchr(keep, c) != NULL);
        char enc[3] = {(char)c, 0, 0};
        size_t n = 1;
        if (!plain) {
            enc[0] = '%';
            enc[1] = hex[c >> 4];
            enc[2] = hex[c & 15];
            n = 3;
        }
        if (t->len + n > ACSA_WIRE_TARGET_MAX) {
            t->overflow = true;
            return;
        }
        memcpy(t->text + t->len, enc, n);
        t->len += n;
        t->text[t->len] = '\0';
    }
}

static enum MHD_Result target_pair(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct target_text *t = cls;
    target_add(t, t->pairs++ == 0 ? "?" : "&", "?&");
    target_add(t, key, "-._~");
    if (value != NULL) {
        target_add(t, "=", "=");
        target_add(t, value, "-._~");
    }
    return MHD_YES;
}

/* The checks of the sync wire that need no body (docs/ARCHITECTURE.md, "The sync wire"):
 * headers, registered sender, receiver, time, nonce not seen, signature; then the nonce is
 * remembered and, for a batch, the partner's one slot taken. False after answering. */
static bool wire_admit(struct request *req, struct acsa_app *app, struct acsa_wire_request *w,
                       const char *sig)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    int64_t now = (int64_t)time(NULL);
    uint8_t key[32];
    enum acsa_rc rc = acsa_app_request_check(app, w, now, key, &err);
    rc = rc == ACSA_ENOTFOUND ? ACSA_EFORBIDDEN : rc;
    if (rc != ACSA_OK) {
        err.rc = rc;
        return refuse_early(req, 0, NULL, NULL, &err);
    }
    if (w->at_s < process_started_s) {
        acsa__server_problem(req, 403, "X-Acsa-Time",
                             "X-Acsa-Time: %lld is before this node started "
                             "(%lld): such a request cannot be told from a replay; sign it again",
                             (long long)w->at_s, (long long)process_started_s);
        return refuse_early(req, 0, NULL, NULL, NULL);
    }
    if (acsa_nonce_seen(nonces, w->from, w->nonce, now)) {
        return refuse_early(req, 403, "X-Acsa-Nonce", "X-Acsa-Nonce: used before: a signed "
                            "request is taken once", NULL);
    }
    if (acsa_request_verify_signature(w, sig, key, &err) != ACSA_OK) {
        return refuse_early(req, 0, NULL, NULL, &err);
    }
    enum acsa_nonce_verdict verdict = acsa_nonce_remember(nonces, w->from, w->nonce,
                                                          w->at_s + ACSA_REQUEST_SKEW_S, now);
    if (verdict != ACSA_NONCE_NEW) {
        return verdict == ACSA_NONCE_SEEN
                   ? refuse_early(req, 403, "X-Acsa-Nonce", "X-Acsa-Nonce: used before: a "
                                  "signed request is taken once", NULL)
                   : refuse_early(req, 503, "X-Acsa-Nonce", "X-Acsa-Nonce: this node "
                                  "remembers as many recent requests as it can; retry later",
                                  NULL);
    }
    snprintf(req->peer, sizeof(req->peer), "%s", w->from);
    if (strcmp(req->method, "POST") == 0 && (strcmp(req->url, ACSA_SYNC_BATCHES) == 0 ||
                                              strcmp(req->url, ACSA_SYNC_DOCUMENTS) == 0)) {
        if (!inflight_take(w->from)) {
            return refuse_early(req, 503, "X-Acsa-Node", "X-Acsa-Node: a batch of this node "
                                "is being taken in; one at a time", NULL);
        }
        req->sync_inflight = true;
    }
    return true;
}

bool acsa__server_sync_admit_early(struct request *req)
{
    pthread_once(&wire_once, wire_start);
    struct acsa_app *app = acsa__server_reader(req);
    if (app == NULL || nonces == NULL) {
        return refuse_early(req, 503, NULL, "the node cannot check signed requests now; retry",
                            NULL);
    }
    const char *at_text = acsa__server_header(req, "X-Acsa-Time");
    const char *sig = acsa__server_header(req, "X-Acsa-Signature");
    struct acsa_wire_request w = {req->method, NULL, acsa__server_header(req, "X-Acsa-Node"),
                                  acsa__server_header(req, "X-Acsa-To"), 0,
                                  acsa__server_header(req, "X-Acsa-Nonce"),
                                  acsa__server_header(req, "X-Acsa-Body-SHA256")};
    if (w.from == NULL || sig == NULL) {
        return refuse_early(req, 403, "X-Acsa-Signature", "X-Acsa-Node, X-Acsa-To, "
                            "X-Acsa-Time, X-Acsa-Nonce, X-Acsa-Body-SHA256 and "
                            "X-Acsa-Signature: a partner node signs every request to /sync/",
                            NULL);
    }
    char *end = NULL;
    errno = 0;
    long long at = at_text != NULL ? strtoll(at_text, &end, 10) : 0;
    if (at_text == NULL || errno != 0 || end == at_text || *end != '\0') {
        return refuse_early(req, 403, "X-Acsa-Time", "X-Acsa-Time: expected Unix seconds",
                            NULL);
    }
    w.at_s = (int64_t)at;
    struct target_text target = {.len = 0};
    target_add(&target, req->url, "-._~/");
    MHD_get_connection_values(req->connection, MHD_GET_ARGUMENT_KIND, target_pair, &target);
    if (target.overflow) {
        return refuse_early(req, 403, "X-Acsa-Signature", "X-Acsa-Signature: the path and "
                            "query are longer than a signed request's", NULL);
    }
    w.target = target.text;
    if (!wire_admit(req, app, &w, sig)) {
        return false;
    }
    snprintf(req->sync_nonce, sizeof(req->sync_nonce), "%s", w.nonce);
    snprintf(req->sync_body_sha256, sizeof(req->sync_body_sha256), "%s", w.body_sha256);
    req->acsa__server_sync_admitted = true;
    req->body_max = ACSA_BATCH_BYTES_MAX; /* Batches are far larger than any API body. */
    return true;
}

bool acsa__server_sync_admitted(struct request *req)
{
    if (!req->acsa__server_sync_admitted) {
        acsa__server_problem(req, 403, "X-Acsa-Signature",
                             "X-Acsa-Signature: a partner node signs every "
                             "request to /sync/");
        return false;
    }
    char hash[ACSA_SHA256_TEXT_SIZE];
    acsa_sha256_text((const uint8_t *)req->body, req->body_size, hash);
    if (strcmp(hash, req->sync_body_sha256) != 0) {
        acsa__server_problem(req, 403, "X-Acsa-Body-SHA256",
                             "X-Acsa-Body-SHA256: the body's SHA-256 is %s, "
                             "not the one signed",
                             hash);
        acsa__server_sync_sign_reply(acsa__server_reader(req), req);
        return false;
    }
    return true;
}

void acsa__server_sync_sign_reply(struct acsa_app *app, struct request *req)
{
    struct response *r = &req->response;
    if (!req->acsa__server_sync_admitted || r->status == 0 || app == NULL ||
        r->header_count + 2 > SERVER_HEADERS_MAX) {
        return; /* Unsigned: the asker refuses it. */
    }
    char hash[ACSA_SHA256_TEXT_SIZE];
    acsa_sha256_text((const uint8_t *)r->body, r->size, hash);
    char msg[ACSA_WIRE_MESSAGE_SIZE];
    size_t n = acsa_reply_message(req->sync_nonce, r->status, hash, acsa_app_nation(app),
                                  req->peer, msg, sizeof(msg));
    uint8_t sig[64];
    struct acsa_error err;
    acsa_error_clear(&err);
    if (n == 0 || acsa_app_node_sign(app, (const uint8_t *)msg, n, sig, &err) != ACSA_OK) {
        return;
    }
    char sig_hex[ACSA_SIGNATURE_TEXT_SIZE];
    sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
    acsa__server_response_header(req, "X-Acsa-Node", "%s", acsa_app_nation(app));
    acsa__server_response_header(req, "X-Acsa-Signature", "%s", sig_hex);
}

/* Answers a text or byte buffer built by the sync layer, or the problem of rc. */
static void respond_buf(struct request *req, enum acsa_rc rc, struct acsa_sync_buf *buf,
                        const char *content_type, const struct acsa_error *err)
{
    if (rc != ACSA_OK) {
        acsa_free(buf->data);
        acsa__server_problem_rc(req, rc, err);
        return;
    }
    if (buf->data == NULL) {
        acsa_sync_buf_add(buf, "", 0);
    }
    acsa__server_response_text(req, 200, content_type, buf->data, buf->len);
}

/* What this node holds of the partner's records and of its own. */
static enum acsa_rc sync_status(struct acsa_app *app, const char *party, struct acsa_peer *peer,
                                int64_t *last, struct acsa_error *err)
{
    ACSA_TRY(acsa_app_peer_get(app, party, peer, err));
    return acsa_app_own_last_seq(app, last, err);
}

static void status_reply(struct request *req)
{
    struct acsa_app *app = acsa__server_reader(req);
    struct acsa_peer peer;
    struct acsa_error err;
    acsa_error_clear(&err);
    int64_t last = 0;
    enum acsa_rc rc = sync_status(app, req->peer, &peer, &last, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_json(req, 200,
                               json_pack("{s:s, s:I, s:I}", "nation", acsa_app_nation(app),
                                         "received_through", (json_int_t)peer.received_through,
                                         "last_seq", (json_int_t)last));
}

/* Imports the request's batch when the partner that signed the request sent it. */
static enum acsa_rc batch_import_from_peer(struct acsa_app *app, struct request *req,
                                           struct acsa_batch_result *result,
                                           struct acsa_error *err)
{
    struct acsa_batch_info info;
    ACSA_TRY(acsa_batch_peek((const uint8_t *)req->body, req->body_size, &info, err));
    if (strcmp(info.sender, req->peer) != 0) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "sender", "sender: a batch of %s sent by "
                              "the node of %s", info.sender, req->peer);
    }
    return acsa_app_batch_import(app, (const uint8_t *)req->body, req->body_size, "sync",
                                 (int64_t)time(NULL), result, err);
}

static enum acsa_rc job_batch_import(struct acsa_app *app, struct request *req)
{
    struct acsa_batch_result result;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = batch_import_from_peer(app, req, &result, &err);
    if (rc == ACSA_OK) {
        acsa__server_response_json(req, 200, acsa_batch_result_json(&result));
    } else if (rc == ACSA_ECONFLICT) {
        acsa__server_problem(req, 409, err.field, "%s", err.message);
    } else {
        acsa__server_problem_rc(req, rc, &err);
    }
    acsa__server_sync_sign_reply(app, req);
    return rc;
}

void acsa__server_route_sync_batches_post(struct request *req)
{
    acsa__server_submit(req, job_batch_import, NULL, NULL);
}

static void batches_get_reply(struct request *req)
{
    uint32_t after = 0;
    uint32_t limit = ACSA_BATCH_RECORDS_DEFAULT;
    struct json_in_field query[] = {
        {"after", JIN_COUNT, true, &after, 0, 0, UINT32_MAX - 1, false},
        {"limit", JIN_COUNT, false, &limit, 0, 1, ACSA_BATCH_RECORDS_MAX, false},
    };
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return;
    }
    uint8_t *batch = NULL;
    size_t len = 0;
    struct acsa_batch_info info;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_batch_export(acsa__server_reader(req), req->peer, after,
                                            limit, (int64_t)time(NULL), &batch, &len, &info, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_text(req, 200, "application/octet-stream", (char *)batch, len);
}

static void fingerprints_reply(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc =
        acsa_sync_fingerprints(acsa__server_reader(req), req->peer, &buf, &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

static void facts_reply(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_sync_facts(acsa__server_reader(req), req->peer,
                                      req->body != NULL ? req->body : "", req->body_size, &buf,
                                      &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

static void balance_reply(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_sync_balance(acsa__server_reader(req), req->peer, &buf, &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

/* ---- For people ---------------------------------------------------------------------------- */

static enum acsa_rc peer_item(void *ctx, const struct acsa_peer *peer)
{
    return json_array_append_new(ctx, acsa_peer_json(peer)) == 0 ? ACSA_OK : ACSA_ENOMEM;
}

void acsa__server_route_peers_list(struct request *req)
{
    if (!acsa__server_query_parse(req, NULL, 0)) {
        return;
    }
    json_t *items = json_array();
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_peer_list(acsa__server_reader(req), peer_item, items, &err);
    if (rc != ACSA_OK) {
        json_decref(items);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_json(
        req, 200,
        json_pack("{s:s, s:o}", "nation", acsa__server_nation(req->server), "items", items));
}

static enum acsa_rc quarantine_item(void *ctx, const struct acsa_quarantine_row *row)
{
    return json_array_append_new(ctx, acsa_quarantine_json(row)) == 0 ? ACSA_OK : ACSA_ENOMEM;
}

static const char *const quarantine_columns[] = {
    "id", "at", "peer", "via", "what", "seq", "order", "reason", "bytes", "status", "tries",
    "decision",
};

static enum acsa_rc quarantine_row(void *ctx, const struct acsa_quarantine_row *row)
{
    return acsa__server_page_add(ctx, acsa_quarantine_json(row));
}

/* ?format=csv: every entry the list would show, without its limit, as a CSV download. */
static void quarantine_csv(struct request *req, struct page *page, bool all)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_quarantine_select(acsa__server_reader(req), all, 0,
                                                 quarantine_row, page, &err);
    acsa__server_page_respond(req, page, rc, &err, NULL);
}

void acsa__server_route_quarantine_list(struct request *req)
{
    uint32_t limit = SERVER_PAGE_DEFAULT;
    bool all = false;
    struct page page;
    acsa__server_page_init(&page, false);
    struct json_in_field query[] = {
        {"limit", JIN_COUNT, false, &limit, 0, 1, SERVER_PAGE_MAX, false},
        JIN("all", JIN_BOOL, false, &all, 0),
        PAGE_FORMAT(&page),
    };
    if (!acsa__server_query_parse(req, query, LEN(query)) ||
        !acsa__server_page_format(req, &page, quarantine_columns, LEN(quarantine_columns),
                                  "quarantine")) {
        return;
    }
    if (page.csv != NULL) {
        quarantine_csv(req, &page, all);
        return;
    }
    json_t *items = json_array();
    struct acsa_error err;
    acsa_error_clear(&err);
    /* Open entries, or with ?all=true the resolved ones too, each with its decision. */
    enum acsa_rc rc = acsa_app_quarantine_select(acsa__server_reader(req), all, limit,
                                                 quarantine_item, items, &err);
    if (rc != ACSA_OK) {
        json_decref(items);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_json(req, 200, json_pack("{s:o}", "items", items));
}

/* The one partner node when ?peer= is not given. */
static enum acsa_rc only_peer(void *ctx, const struct acsa_peer *peer)
{
    char *party = ctx;
    if (party[0] != '\0') {
        party[0] = '*'; /* More than one. */
        return ACSA_ESTOP;
    }
    memcpy(party, peer->party, ACSA_NATION_SIZE);
    return ACSA_OK;
}

/* ?peer=CC, or the node's only partner (and ?offline=true where offline is not NULL); false
 * after answering the problem. */
static bool peer_param(struct request *req, char party[ACSA_NATION_SIZE], bool *offline)
{
    party[0] = '\0';
    bool ignored = false;
    struct json_in_field query[] = {
        JIN("peer", JIN_NATION, false, party, ACSA_NATION_SIZE),
        JIN("offline", JIN_BOOL, false, offline != NULL ? offline : &ignored, 0),
    };
    if (!acsa__server_query_parse(req, query, offline != NULL ? LEN(query) : 1)) {
        return false;
    }
    if (query[0].seen) {
        return true;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_peer_list(acsa__server_reader(req), only_peer, party, &err);
    if (rc != ACSA_OK && rc != ACSA_ESTOP) {
        acsa__server_problem_rc(req, rc, &err);
        return false;
    }
    if (party[0] == '\0' || party[0] == '*') {
        acsa__server_problem(req, 400, "peer", "peer: %s", party[0] == '\0'
                ? "this node has no partner node (acsa peer add)"
                : "this node has several partner nodes: name one with ?peer=CC");
        return false;
    }
    return true;
}

static enum acsa_rc reconcile_item(void *ctx, const struct acsa_reconcile_row *row)
{
    return json_array_append_new(ctx, acsa_reconcile_row_json(row)) == 0 ? ACSA_OK
                                                                         : ACSA_ENOMEM;
}

void acsa__server_route_reconcile(struct request *req)
{
    char party[ACSA_NATION_SIZE];
    bool offline = false;
    if (!peer_param(req, party, &offline)) {
        return;
    }
    json_t *items = json_array();
    struct acsa_reconcile_summary summary;
    struct acsa_reconcile_snapshot seen;
    struct acsa_error err;
    acsa_error_clear(&err);
    /* Offline: against the partner's latest snapshot, from its last bundle (no network). */
    enum acsa_rc rc = offline ? acsa_reconcile_offline(acsa__server_reader(req), party,
                                                       reconcile_item, items, &summary, &seen, &err)
                              : acsa_reconcile(acsa__server_reader(req), party,
                                               reconcile_item, items, &summary, &err);
    if (rc != ACSA_OK) {
        json_decref(items);
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    json_t *body =
        json_pack("{s:s, s:s, s:o, s:o}", "nation", acsa__server_nation(req->server), "peer",
                  party, "summary", acsa_reconcile_summary_json(&summary), "items", items);
    if (body != NULL && offline) {
        json_object_set_new(body, "snapshot", acsa_reconcile_snapshot_json(&seen));
    }
    acsa__server_response_json(req, 200, body);
}

enum acsa_rc acsa__server_sync_through_run(void *ctx, acsa_app_write_fn fn, void *arg,
                              struct acsa_error *err)
{
    const struct sync_through *t = ctx;
    return acsa__server_writer_call(t->writer, t->actor, fn, arg, err);
}

struct sync_audit_args {
    const char *object;
    enum acsa_rc rc;
    const char *message;
};

static enum acsa_rc sync_audit_write(struct acsa_app *app, void *arg, struct acsa_error *err)
{
    const struct sync_audit_args *a = arg;
    return acsa_app_audit(app, "sync.run", a->object, a->rc, a->message, err);
}

void acsa__server_route_sync_run(struct request *req)
{
    char party[ACSA_NATION_SIZE];
    if (!peer_param(req, party, NULL)) {
        return;
    }
    /* The exchange reads and talks on this thread; its writes, batch by batch, and its audit
     * record go through the writer like any other. */
    struct acsa_app *app = acsa__server_reader(req);
    if (app == NULL) {
        acsa__server_problem(req, 503, NULL, "the node cannot read its database now; retry");
        return;
    }
    struct sync_through through = {acsa__server_writer(req), req->user.username};
    const struct acsa_sync_writer writer = {acsa__server_sync_through_run, &through};
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_sync_report report;
    enum acsa_rc rc = acsa_sync_peer(app, &writer, party, 0, NULL, NULL, &report, &err);
    acsa__server_metrics_sync(party, rc == ACSA_OK, report.partner_last_seq);
    char object[ACSA_NAME_SIZE];
    snprintf(object, sizeof(object), "peer:%s", party);
    struct sync_audit_args audit = {object, rc, rc == ACSA_OK ? "" : err.message};
    struct acsa_error audit_err;
    acsa_error_clear(&audit_err);
    enum acsa_rc audited = acsa__server_writer_call(through.writer, through.actor, sync_audit_write,
                                                    &audit, &audit_err);
    if (rc == ACSA_OK && audited != ACSA_OK) {
        rc = audited;
        err = audit_err;
    }
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_json(req, 200, acsa_sync_report_json(&report));
}

void acsa__server_route_sync_status(struct request *req)
{
    status_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

void acsa__server_route_sync_batches_get(struct request *req)
{
    batches_get_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

void acsa__server_route_sync_fingerprints(struct request *req)
{
    fingerprints_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

void acsa__server_route_sync_facts(struct request *req)
{
    facts_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

void acsa__server_route_sync_balance(struct request *req)
{
    balance_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

static void agreements_reply(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_sync_agreements(acsa__server_reader(req), req->peer, &buf, &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

void acsa__server_route_sync_agreements(struct request *req)
{
    agreements_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

/* ---- Document bytes ------------------------------------------------------------------------ */

static void documents_pending_reply(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_sync_documents_pending(acsa__server_reader(req), req->peer, &buf,
                                                  &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

void acsa__server_route_sync_documents_pending(struct request *req)
{
    documents_pending_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

static void document_bytes_reply(struct request *req)
{
    uint8_t hash[32];
    const char *hex = req->params[0];
    const char *end = NULL;
    size_t n = 0;
    if (strlen(hex) != 64 ||
        sodium_hex2bin(hash, sizeof(hash), hex, 64, NULL, &n, &end) != 0 || n != 32) {
        acsa__server_problem(req, 400, "sha256", "sha256: expected 64 hex digits");
        return;
    }
    uint8_t *bytes = NULL;
    size_t len = 0;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_document_bytes_for(acsa__server_reader(req), req->peer, hash,
                                                  &bytes, &len, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_text(req, 200, "application/octet-stream", (char *)bytes, len);
}

void acsa__server_route_sync_document_get(struct request *req)
{
    document_bytes_reply(req);
    acsa__server_sync_sign_reply(acsa__server_reader(req), req);
}

static enum acsa_rc job_document_bytes(struct acsa_app *app, struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    bool fresh = false;
    enum acsa_rc rc = acsa_app_document_bytes_take(app, req->peer, (const uint8_t *)req->body,
                                                   req->body_size, NULL, &fresh, &err);
    if (rc == ACSA_OK) {
        acsa__server_response_json(req, 200, json_pack("{s:b}", "taken", fresh ? 1 : 0));
    } else {
        acsa__server_problem_rc(req, rc, &err);
    }
    acsa__server_sync_sign_reply(app, req);
    return rc;
}

void acsa__server_route_sync_documents_post(struct request *req)
{
    acsa__server_submit(req, job_document_bytes, NULL, NULL);
}
