/* SPDX-License-Identifier: MIT */
/* Node to node (/sync/v1/...): only requests signed by a registered partner node's key are
 * answered; batches it sends are taken in through the writer like any other write. And the
 * API pages of sync for people: partner nodes, the quarantine, reconciliation, a sync now. */
#include "server_int.h"
#include "../util/alloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../sync/sync.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

bool sync_admitted(struct request *req)
{
    const char *node = server_header(req, "X-Acsa-Node");
    const char *at_text = server_header(req, "X-Acsa-Time");
    const char *sig = server_header(req, "X-Acsa-Signature");
    struct acsa_error err;
    acsa_error_clear(&err);
    if (node == NULL || at_text == NULL || sig == NULL) {
        problem(req, 403, "X-Acsa-Signature", "X-Acsa-Node, X-Acsa-Time and X-Acsa-Signature: "
                "a partner node signs every request to /sync/");
        return false;
    }
    char *end = NULL;
    errno = 0;
    long long at = strtoll(at_text, &end, 10);
    if (errno != 0 || end == at_text || *end != '\0') {
        problem(req, 403, "X-Acsa-Time", "X-Acsa-Time: expected Unix seconds");
        return false;
    }
    enum acsa_rc rc = acsa_app_request_verify(server_reader(req), node, req->method, req->url,
                                              (int64_t)at, (const uint8_t *)req->body,
                                              req->body_size, sig, (int64_t)time(NULL), &err);
    if (rc != ACSA_OK) {
        problem_rc(req, rc == ACSA_ENOTFOUND ? ACSA_EFORBIDDEN : rc, &err);
        return false;
    }
    snprintf(req->peer, sizeof(req->peer), "%s", node);
    return true;
}

bool sync_admit_early(struct request *req)
{
    (void)req;
    return true;
}

/* Answers a text or byte buffer built by the sync layer, or the problem of rc. */
static void respond_buf(struct request *req, enum acsa_rc rc, struct acsa_sync_buf *buf,
                        const char *content_type, const struct acsa_error *err)
{
    if (rc != ACSA_OK) {
        acsa_free(buf->data);
        problem_rc(req, rc, err);
        return;
    }
    if (buf->data == NULL) {
        acsa_sync_buf_add(buf, "", 0);
    }
    response_text(req, 200, content_type, buf->data, buf->len);
}

void route_sync_status(struct request *req)
{
    struct acsa_app *app = server_reader(req);
    struct acsa_peer peer;
    struct acsa_error err;
    acsa_error_clear(&err);
    int64_t last = 0;
    enum acsa_rc rc = acsa_app_peer_get(app, req->peer, &peer, &err);
    struct acsa_store *store = acsa_app_store(app);
    rc = rc == ACSA_OK ? store->vtbl->record_last_seq(store, acsa_app_nation(app), &last, &err)
                       : rc;
    if (rc != ACSA_OK) {
        problem_rc(req, rc, &err);
        return;
    }
    response_json(req, 200, json_pack("{s:s, s:I, s:I}", "nation", acsa_app_nation(app),
                                      "received_through", (json_int_t)peer.received_through,
                                      "last_seq", (json_int_t)last));
}

static enum acsa_rc job_batch_import(struct acsa_app *app, struct request *req)
{
    struct acsa_batch_result result;
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_batch_info info;
    enum acsa_rc rc = acsa_batch_peek((const uint8_t *)req->body, req->body_size, &info, &err);
    if (rc == ACSA_OK && strcmp(info.sender, req->peer) != 0) {
        rc = acsa_error_set(&err, ACSA_EFORBIDDEN, "sender", "sender: a batch of %s sent by the "
                            "node of %s", info.sender, req->peer);
    }
    rc = rc == ACSA_OK ? acsa_app_batch_import(app, (const uint8_t *)req->body, req->body_size,
                                               "sync", (int64_t)time(NULL), &result, &err) : rc;
    if (rc == ACSA_OK) {
        response_json(req, 200, acsa_batch_result_json(&result));
    } else if (rc == ACSA_ECONFLICT) {
        problem(req, 409, err.field, "%s", err.message);
    } else {
        problem_rc(req, rc, &err);
    }
    return rc;
}

void route_sync_batches_post(struct request *req)
{
    submit(req, job_batch_import, NULL, NULL);
}

void route_sync_batches_get(struct request *req)
{
    uint32_t after = 0;
    uint32_t limit = ACSA_BATCH_RECORDS_DEFAULT;
    struct json_in_field query[] = {
        {"after", JIN_COUNT, true, &after, 0, 0, UINT32_MAX - 1, false},
        {"limit", JIN_COUNT, false, &limit, 0, 1, ACSA_BATCH_RECORDS_MAX, false},
    };
    if (!query_parse(req, query, LEN(query))) {
        return;
    }
    uint8_t *batch = NULL;
    size_t len = 0;
    struct acsa_batch_info info;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_batch_export(server_reader(req), req->peer, after, limit,
                                            (int64_t)time(NULL), &batch, &len, &info, &err);
    if (rc != ACSA_OK) {
        problem_rc(req, rc, &err);
        return;
    }
    response_text(req, 200, "application/octet-stream", (char *)batch, len);
}

void route_sync_fingerprints(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_sync_fingerprints(server_reader(req), req->peer, &buf, &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

void route_sync_facts(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_sync_facts(server_reader(req), req->peer,
                                      req->body != NULL ? req->body : "", req->body_size, &buf,
                                      &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

void route_sync_balance(struct request *req)
{
    struct acsa_sync_buf buf = {0};
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_sync_balance(server_reader(req), req->peer, &buf, &err);
    respond_buf(req, rc, &buf, "text/plain; charset=utf-8", &err);
}

/* ---- For people ---------------------------------------------------------------------------- */

static enum acsa_rc peer_item(void *ctx, const struct acsa_peer *peer)
{
    return json_array_append_new(ctx, acsa_peer_json(peer)) == 0 ? ACSA_OK : ACSA_ENOMEM;
}

void route_peers_list(struct request *req)
{
    if (!query_parse(req, NULL, 0)) {
        return;
    }
    json_t *items = json_array();
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_peer_list(server_reader(req), peer_item, items, &err);
    if (rc != ACSA_OK) {
        json_decref(items);
        problem_rc(req, rc, &err);
        return;
    }
    response_json(req, 200, json_pack("{s:s, s:o}", "nation", server_nation(req->server),
                                      "items", items));
}

static enum acsa_rc quarantine_item(void *ctx, const struct acsa_quarantine_row *row)
{
    return json_array_append_new(ctx, acsa_quarantine_json(row)) == 0 ? ACSA_OK : ACSA_ENOMEM;
}

void route_quarantine_list(struct request *req)
{
    uint32_t limit = SERVER_PAGE_DEFAULT;
    struct json_in_field query[] = {
        {"limit", JIN_COUNT, false, &limit, 0, 1, SERVER_PAGE_MAX, false},
    };
    if (!query_parse(req, query, LEN(query))) {
        return;
    }
    json_t *items = json_array();
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_quarantine_list(server_reader(req), limit, quarantine_item, items,
                                               &err);
    if (rc != ACSA_OK) {
        json_decref(items);
        problem_rc(req, rc, &err);
        return;
    }
    response_json(req, 200, json_pack("{s:o}", "items", items));
}

/* The one partner node when ?peer= is not given. */
static enum acsa_rc only_peer(void *ctx, const struct acsa_peer *peer)
{
    char *party = ctx;
    if (party[0] != '\0') {
        party[0] = '*'; /* More than one. */
        return ACSA_ECONFLICT;
    }
    memcpy(party, peer->party, ACSA_NATION_SIZE);
    return ACSA_OK;
}

/* ?peer=CC, or the node's only partner; false after answering the problem. */
static bool peer_param(struct request *req, char party[ACSA_NATION_SIZE])
{
    party[0] = '\0';
    struct json_in_field query[] = {JIN("peer", JIN_NATION, false, party, ACSA_NATION_SIZE)};
    if (!query_parse(req, query, LEN(query))) {
        return false;
    }
    if (query[0].seen) {
        return true;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_peer_list(server_reader(req), only_peer, party, &err);
    if (rc != ACSA_OK && rc != ACSA_ECONFLICT) {
        problem_rc(req, rc, &err);
        return false;
    }
    if (party[0] == '\0' || party[0] == '*') {
        problem(req, 400, "peer", "peer: %s", party[0] == '\0'
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

void route_reconcile(struct request *req)
{
    char party[ACSA_NATION_SIZE];
    if (!peer_param(req, party)) {
        return;
    }
    json_t *items = json_array();
    struct acsa_reconcile_summary summary;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_reconcile(server_reader(req), party, reconcile_item, items, &summary,
                                     &err);
    if (rc != ACSA_OK) {
        json_decref(items);
        problem_rc(req, rc, &err);
        return;
    }
    response_json(req, 200, json_pack("{s:s, s:s, s:o, s:o}", "nation",
                                      server_nation(req->server), "peer", party, "summary",
                                      acsa_reconcile_summary_json(&summary), "items", items));
}

void route_sync_run(struct request *req)
{
    char party[ACSA_NATION_SIZE];
    if (!peer_param(req, party)) {
        return;
    }
    /* A connection of its own: the exchange writes batch by batch, as `acsa sync` does. */
    struct acsa_app *app = NULL;
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_sync_report report;
    enum acsa_rc rc = acsa_app_open(server_db_path(req->server), 0, &app, &err);
    if (rc == ACSA_OK) {
        acsa_app_set_actor(app, req->user.username);
        rc = acsa_sync_peer(app, party, 0, NULL, NULL, &report, &err);
        char object[ACSA_NAME_SIZE];
        snprintf(object, sizeof(object), "peer:%s", party);
        struct acsa_error audit_err;
        acsa_error_clear(&audit_err);
        enum acsa_rc audited = acsa_app_audit(app, "sync.run", object, rc,
                                              rc == ACSA_OK ? "" : err.message, &audit_err);
        if (rc == ACSA_OK && audited != ACSA_OK) {
            rc = audited;
            err = audit_err;
        }
    }
    acsa_app_close(app);
    if (rc != ACSA_OK) {
        problem_rc(req, rc, &err);
        return;
    }
    response_json(req, 200, acsa_sync_report_json(&report));
}
