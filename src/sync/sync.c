/* SPDX-License-Identifier: MIT */
/* One exchange with a partner node: ask what it holds of ours, push the rest in signed
 * batches, then pull its records after what we hold. Every step starts from a cursor the
 * receiving side keeps, so an exchange cut anywhere (network, kill) resumes where the partner's
 * last committed batch ended, and a batch sent twice is taken in once. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sync.h"
#include "alloc.h"
#include "app_reads.h"


/* The problem the partner answered, as our error. */
static enum acsa_rc partner_refused(const struct acsa_sync_response *r, const char *what,
                                    struct acsa_error *err)
{
    json_t *doc = json_loadb((const char *)r->body, r->size, 0, NULL);
    const char *detail = json_string_value(json_object_get(doc, "detail"));
    enum acsa_rc rc = r->status == 403 ? ACSA_EFORBIDDEN
                      : r->status == 404 ? ACSA_ENOTFOUND
                      : r->status == 409 ? ACSA_ECONFLICT
                      : r->status >= 500 ? ACSA_ENETWORK : ACSA_EREFUSED;
    acsa_error_set(err, rc, "peer", "peer: %s: the partner answered %ld: %s", what, r->status,
                   detail != NULL ? detail : "(no detail)");
    json_decref(doc);
    return rc;
}

static int64_t json_int(json_t *doc, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(doc, key));
}

/* What the partner holds of our records. */
static enum acsa_rc partner_status(struct acsa_app *app, const struct acsa_peer *peer,
                                   int64_t *out_received, int64_t *out_last,
                                   struct acsa_error *err)
{
    struct acsa_sync_response r;
    enum acsa_rc rc = acsa_sync_request_retry(app, peer, "GET", ACSA_SYNC_STATUS, NULL, 0, &r, err);
    if (rc == ACSA_OK && r.status != 200) {
        rc = partner_refused(&r, "status", err);
    }
    if (rc == ACSA_OK) {
        json_t *doc = json_loadb((const char *)r.body, r.size, 0, NULL);
        const char *nation = json_string_value(json_object_get(doc, "nation"));
        if (nation == NULL || strcmp(nation, peer->party) != 0) {
            rc = acsa_error_set(err, ACSA_EREFUSED, "url", "url: %s answers as %s, not as %s",
                                peer->url, nation != NULL ? nation : "nothing", peer->party);
        }
        *out_received = json_int(doc, "received_through");
        *out_last = json_int(doc, "last_seq");
        json_decref(doc);
    }
    acsa_sync_response_free(&r);
    return rc;
}

/* One exchange: the app it reads and talks with, and where its writes go. */
struct exchange {
    struct acsa_app *app;
    const struct acsa_sync_writer *writer;  /* NULL: app writes itself. */
};

static enum acsa_rc write_through(const struct exchange *x, acsa_app_write_fn fn, void *arg,
                                  struct acsa_error *err)
{
    return x->writer != NULL ? x->writer->run(x->writer->ctx, fn, arg, err)
                             : fn(x->app, arg, err);
}

struct advance_args {
    const char *party;
    int64_t acked_through;
    int64_t synced_at_s;
};

static enum acsa_rc advance_write(struct acsa_app *app, void *arg, struct acsa_error *err)
{
    const struct advance_args *a = arg;
    return acsa_app_peer_advance(app, a->party, 0, a->acked_through, a->synced_at_s, err);
}

/* Notes what the partner confirmed (acked_through, 0 to keep) and when it last answered. */
static enum acsa_rc advance(const struct exchange *x, const char *party, int64_t acked_through,
                            int64_t synced_at_s, struct acsa_error *err)
{
    struct advance_args a = {party, acked_through, synced_at_s};
    return write_through(x, advance_write, &a, err);
}

struct import_args {
    const struct acsa_sync_response *response;
    struct acsa_batch_result *result;
};

static enum acsa_rc import_write(struct acsa_app *app, void *arg, struct acsa_error *err)
{
    const struct import_args *a = arg;
    return acsa_app_batch_import(app, a->response->body, a->response->size, "sync",
                                 (int64_t)time(NULL), a->result, err);
}

static enum acsa_rc push(const struct exchange *x, const struct acsa_peer *peer, uint32_t limit,
                         acsa_sync_progress_cb cb, void *ctx, struct acsa_sync_report *report,
                         struct acsa_error *err)
{
    struct acsa_app *app = x->app;
    int64_t after = 0;
    enum acsa_rc rc = partner_status(app, peer, &after, &report->partner_last_seq, err);
    uint64_t done = 0;
    while (rc == ACSA_OK) {
        uint8_t *batch = NULL;
        size_t len = 0;
        struct acsa_batch_info info;
        rc = acsa_app_batch_export(app, peer->party, after, limit, (int64_t)time(NULL), &batch,
                                   &len, &info, err);
        if (rc != ACSA_OK || (info.count == 0 && info.through == after)) {
            acsa_free(batch);
            break;
        }
        struct acsa_sync_response r;
        rc = acsa_sync_request_retry(app, peer, "POST", ACSA_SYNC_BATCHES, batch, len, &r, err);
        acsa_free(batch);
        if (rc == ACSA_OK && r.status == 200) {
            json_t *doc = json_loadb((const char *)r.body, r.size, 0, NULL);
            report->sent += (uint64_t)json_int(doc, "applied");
            report->sent_duplicates += (uint64_t)json_int(doc, "duplicates");
            report->sent_quarantined += (uint64_t)json_int(doc, "quarantined");
            json_decref(doc);
            report->batches_sent++;
            after = info.through;
        } else if (rc == ACSA_OK && r.status == 409) {
            /* Taken in before (an answer lost on the way back): ask where the partner is. */
            rc = partner_status(app, peer, &after, &report->partner_last_seq, err);
        } else if (rc == ACSA_OK) {
            rc = partner_refused(&r, "batch", err);
        }
        acsa_sync_response_free(&r);
        if (rc == ACSA_OK) {
            rc = advance(x, peer->party, after, 0, err);
            done += info.count;
            if (cb != NULL) {
                cb(ctx, "push", done);
            }
        }
        if (info.count < limit) {
            break;
        }
    }
    report->acked_through = after;
    return rc;
}

static enum acsa_rc pull(const struct exchange *x, const struct acsa_peer *peer, uint32_t limit,
                         acsa_sync_progress_cb cb, void *ctx, struct acsa_sync_report *report,
                         struct acsa_error *err)
{
    struct acsa_app *app = x->app;
    enum acsa_rc rc = ACSA_OK;
    uint64_t done = 0;
    for (;;) {
        struct acsa_peer now;
        rc = acsa_app_peer_get(app, peer->party, &now, err);
        if (rc != ACSA_OK) {
            break;
        }
        char target[128];
        snprintf(target, sizeof(target), ACSA_SYNC_BATCHES "?after=%lld&limit=%u",
                 (long long)now.received_through, limit);
        struct acsa_sync_response r;
        rc = acsa_sync_request_retry(app, peer, "GET", target, NULL, 0, &r, err);
        if (rc == ACSA_OK && r.status != 200) {
            rc = partner_refused(&r, "batches", err);
        }
        struct acsa_batch_result result;
        memset(&result, 0, sizeof(result));
        if (rc == ACSA_OK) {
            struct import_args args = {&r, &result};
            rc = write_through(x, import_write, &args, err);
        }
        acsa_sync_response_free(&r);
        if (rc == ACSA_ECONFLICT && result.replay) {
            rc = ACSA_OK; /* Another exchange took it in meanwhile. */
            continue;
        }
        if (rc != ACSA_OK) {
            break;
        }
        report->batches_received++;
        report->received += result.applied;
        report->received_duplicates += result.duplicates;
        report->received_quarantined += result.quarantined;
        report->received_through = result.info.through;
        done += result.info.count;
        if (cb != NULL && result.info.count > 0) {
            cb(ctx, "pull", done);
        }
        if (result.info.count < limit) {
            break;
        }
    }
    return rc;
}

/* ---- Document bytes ------------------------------------------------------------------------ */

struct pending_list {
    const char *origin;
    struct acsa_sync_buf *buf;
};

static enum acsa_rc pending_line(void *ctx, const struct acsa_document_row *row)
{
    struct pending_list *p = ctx;
    if (strcmp(row->origin, p->origin) != 0) {
        return ACSA_OK;
    }
    char hex[ACSA_SHA256_TEXT_SIZE];
    for (size_t i = 0; i < ACSA_HASH_SIZE; i++) {
        snprintf(hex + 2 * i, 3, "%02x", row->ref.sha256[i]);
    }
    acsa_sync_buf_printf(p->buf, "%s\n", hex);
    return p->buf->failed ? ACSA_ENOMEM : ACSA_OK;
}

enum acsa_rc acsa_sync_documents_pending(struct acsa_app *app, const char *party,
                                         struct acsa_sync_buf *out, struct acsa_error *err)
{
    struct pending_list p = {party, out};
    enum acsa_rc rc = acsa_app_documents_pending(app, pending_line, &p, err);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, rc, "", "out of memory");
    }
    return rc;
}

static bool hex_hash(const char *text, size_t len, uint8_t out[ACSA_HASH_SIZE])
{
    if (len != 2 * ACSA_HASH_SIZE) {
        return false;
    }
    for (size_t i = 0; i < ACSA_HASH_SIZE; i++) {
        unsigned v = 0;
        for (size_t k = 0; k < 2; k++) {
            char c = text[2 * i + k];
            unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                         : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) : 16u;
            if (d > 15) {
                return false;
            }
            v = v * 16 + d;
        }
        out[i] = (uint8_t)v;
    }
    return true;
}

/* Sends the partner the bytes of our documents it lacks (it lists them). A partner that does
 * not know the route (an earlier version) takes no documents: nothing to send. */
static enum acsa_rc documents_push(const struct exchange *x, const struct acsa_peer *peer,
                                   struct acsa_sync_report *report, struct acsa_error *err)
{
    struct acsa_sync_response r;
    ACSA_TRY(acsa_sync_request_retry(x->app, peer, "GET", ACSA_SYNC_DOCUMENTS_PENDING, NULL, 0,
                                     &r, err));
    enum acsa_rc rc = ACSA_OK;
    if (r.status != 200) {
        rc = r.status == 404 ? ACSA_OK : partner_refused(&r, "documents", err);
        acsa_sync_response_free(&r);
        return rc;
    }
    const char *text = (const char *)r.body;
    size_t pos = 0;
    while (rc == ACSA_OK && pos < r.size) {
        const char *nl = memchr(text + pos, '\n', r.size - pos);
        size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : r.size - pos;
        uint8_t hash[ACSA_HASH_SIZE];
        bool ok = hex_hash(text + pos, n, hash);
        pos += n + 1;
        uint8_t *bytes = NULL;
        size_t len = 0;
        if (!ok) {
            continue;
        }
        rc = acsa_app_document_bytes_for(x->app, peer->party, hash, &bytes, &len, err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_clear(err);
            rc = ACSA_OK;
            continue;
        }
        struct acsa_sync_response sent;
        if (rc == ACSA_OK) {
            rc = acsa_sync_request_retry(x->app, peer, "POST", ACSA_SYNC_DOCUMENTS, bytes, len,
                                         &sent, err);
            acsa_free(bytes);
            if (rc == ACSA_OK) {
                report->documents_sent += sent.status == 200 ? 1 : 0;
                report->documents_refused += sent.status == 422 ? 1 : 0;
                if (sent.status != 200 && sent.status != 422) {
                    rc = partner_refused(&sent, "documents", err);
                }
                acsa_sync_response_free(&sent);
            }
        }
    }
    acsa_sync_response_free(&r);
    return rc;
}

struct hashes {
    const char *origin;
    uint8_t (*items)[ACSA_HASH_SIZE];
    size_t count;
    size_t capacity;
};

static enum acsa_rc pending_hash(void *ctx, const struct acsa_document_row *row)
{
    struct hashes *h = ctx;
    if (strcmp(row->origin, h->origin) != 0) {
        return ACSA_OK;
    }
    if (h->count == h->capacity) {
        size_t capacity = h->capacity == 0 ? 16 : 2 * h->capacity;
        void *grown = acsa_realloc(h->items, capacity * ACSA_HASH_SIZE);
        if (grown == NULL) {
            return ACSA_ENOMEM;
        }
        h->items = grown;
        h->capacity = capacity;
    }
    memcpy(h->items[h->count++], row->ref.sha256, ACSA_HASH_SIZE);
    return ACSA_OK;
}

struct bytes_args {
    const char *from;
    const uint8_t *bytes;
    size_t len;
    const uint8_t *expect;
    bool fresh;
};

static enum acsa_rc bytes_write(struct acsa_app *app, void *arg, struct acsa_error *err)
{
    struct bytes_args *a = arg;
    return acsa_app_document_bytes_take(app, a->from, a->bytes, a->len, a->expect, &a->fresh,
                                        err);
}

/* Fetches the bytes of the partner's documents this node lacks, each checked against the hash
 * its signed record names; a refusal is counted (and audited), never the end of the exchange. */
static enum acsa_rc documents_pull(const struct exchange *x, const struct acsa_peer *peer,
                                   struct acsa_sync_report *report, struct acsa_error *err)
{
    struct hashes h = {peer->party, NULL, 0, 0};
    enum acsa_rc rc = acsa_app_documents_pending(x->app, pending_hash, &h, err);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, rc, "", "out of memory");
    }
    for (size_t i = 0; rc == ACSA_OK && i < h.count; i++) {
        char target[128];
        int n = snprintf(target, sizeof(target), "%s/", ACSA_SYNC_DOCUMENTS);
        for (size_t k = 0; k < ACSA_HASH_SIZE && n > 0; k++) {
            n += snprintf(target + n, sizeof(target) - (size_t)n, "%02x", h.items[i][k]);
        }
        struct acsa_sync_response r;
        rc = acsa_sync_request_retry(x->app, peer, "GET", target, NULL, 0, &r, err);
        if (rc == ACSA_OK && r.status == 200) {
            struct bytes_args a = {peer->party, r.body, r.size, h.items[i], false};
            struct acsa_error one;
            acsa_error_clear(&one);
            enum acsa_rc taken = write_through(x, bytes_write, &a, &one);
            if (acsa_rc_fatal(taken)) {
                *err = one;
                rc = taken;
            }
            report->documents_received += taken == ACSA_OK && a.fresh ? 1 : 0;
            report->documents_refused += taken != ACSA_OK ? 1 : 0;
        } else if (rc == ACSA_OK && r.status != 404) {
            rc = partner_refused(&r, "documents", err);
        }
        acsa_sync_response_free(&r);
    }
    acsa_free(h.items);
    return rc;
}

enum acsa_rc acsa_sync_peer(struct acsa_app *app, const struct acsa_sync_writer *writer,
                            const char *party, uint32_t batch_records, acsa_sync_progress_cb cb,
                            void *ctx, struct acsa_sync_report *out, struct acsa_error *err)
{
    const struct exchange x = {app, writer};
    memset(out, 0, sizeof(*out));
    uint32_t limit = batch_records == 0 || batch_records > ACSA_BATCH_RECORDS_MAX
                         ? ACSA_BATCH_RECORDS_DEFAULT : batch_records;
    struct acsa_peer peer;
    ACSA_TRY(acsa_app_peer_get(app, party, &peer, err));
    ACSA_TRY(push(&x, &peer, limit, cb, ctx, out, err));
    ACSA_TRY(pull(&x, &peer, limit, cb, ctx, out, err));
    ACSA_TRY(documents_push(&x, &peer, out, err));
    ACSA_TRY(documents_pull(&x, &peer, out, err));
    ACSA_TRY(advance(&x, party, 0, (int64_t)time(NULL), err));
    struct acsa_peer now;
    enum acsa_rc rc = acsa_app_peer_get(app, party, &now, err);
    out->received_through = now.received_through;
    return rc;
}
