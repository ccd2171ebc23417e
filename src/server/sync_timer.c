/* SPDX-License-Identifier: MIT */
/* `acsa serve --sync-every SECONDS`: a thread that exchanges records with every partner node
 * that has a URL, reading on a connection of its own and writing what it takes in through the
 * writer thread, and logs one JSON line per exchange. A partner that cannot be reached is
 * tried again at the next tick; nothing is lost meanwhile, since each side resumes from what
 * the other confirmed. */
#include "server_int.h"
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#include "sync.h"

#define SYNC_ACTOR "sync-every"

struct sync_timer {
    char *db_uri;
    struct writer *writer;
    FILE *log;
    struct ticker *ticker;
};

struct peer_list {
    char party[SERVER_SYNC_PEERS_MAX][ACSA_NATION_SIZE];
    uint32_t count;
    uint32_t left_out;            /* Partners past SERVER_SYNC_PEERS_MAX, not exchanged with. */
};

static enum acsa_rc collect(void *ctx, const struct acsa_peer *peer)
{
    struct peer_list *list = ctx;
    if (peer->url[0] == '\0') {
        return ACSA_OK;
    }
    if (list->count == SERVER_SYNC_PEERS_MAX) {
        list->left_out++; /* Said in the log: never dropped silently. */
        return ACSA_OK;
    }
    memcpy(list->party[list->count++], peer->party, ACSA_NATION_SIZE);
    return ACSA_OK;
}

static void log_exchange(struct sync_timer *t, const char *party, enum acsa_rc rc,
                         const struct acsa_sync_report *report, const struct acsa_error *err)
{
    acsa__server_metrics_sync(party, rc == ACSA_OK, report->partner_last_seq);
    json_t *line = json_pack("{s:s, s:b}", "peer", party, "ok", rc == ACSA_OK);
    json_t *counts = rc == ACSA_OK ? acsa_sync_report_json(report) : NULL;
    if (line != NULL && counts != NULL) {
        json_object_update(line, counts);
    }
    json_decref(counts);
    if (line != NULL && rc != ACSA_OK) {
        /* The message may quote a partner's text: repaired, so the line is always written. */
        json_object_set_new(line, "error", acsa_json_string(err->message));
    }
    acsa__server_log(t->log, rc == ACSA_OK ? "info" : "warning", "sync", line);
}

static void tick(void *ctx)
{
    struct sync_timer *t = ctx;
    struct acsa_app *app = NULL;
    struct acsa_error err;
    acsa_error_clear(&err);
    struct peer_list peers = {.count = 0};
    /* A connection of its own for reading and talking; every write goes through the writer. */
    enum acsa_rc rc = acsa_app_open(t->db_uri, 0, &app, &err);
    if (rc == ACSA_OK) {
        acsa_app_read_only(app);
        rc = acsa_app_peer_list(app, collect, &peers, &err);
    }
    if (rc == ACSA_OK && peers.left_out > 0) {
        char error[160];
        snprintf(error, sizeof(error), "%u partner nodes past the first %u are not exchanged "
                 "with; sync them with acsa sync", peers.left_out, SERVER_SYNC_PEERS_MAX);
        acsa__server_log(t->log, "warning", "sync", json_pack("{s:b, s:s}", "ok", false,
                                                              "error", error));
    }
    struct sync_through through = {t->writer, SYNC_ACTOR};
    const struct acsa_sync_writer writer = {acsa__server_sync_through_run, &through};
    for (uint32_t i = 0; rc == ACSA_OK && i < peers.count; i++) {
        struct acsa_sync_report report;
        struct acsa_error peer_err;
        acsa_error_clear(&peer_err);
        enum acsa_rc peer_rc = acsa_sync_peer(app, &writer, peers.party[i], 0, NULL, NULL,
                                              &report, &peer_err);
        log_exchange(t, peers.party[i], peer_rc, &report, &peer_err);
    }
    acsa_app_close(app);
}

enum acsa_rc acsa__server_sync_timer_start(const char *db_uri, struct writer *writer,
                                           uint32_t every_s, FILE *log, struct sync_timer **out,
                                           struct acsa_error *err)
{
    *out = NULL;
    struct sync_timer *t = acsa_calloc(1, sizeof(*t));
    char *path = db_uri != NULL ? acsa_strdup(db_uri) : NULL;
    if (t == NULL || path == NULL) {
        acsa_free(t);
        acsa_free(path);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    t->db_uri = path;
    t->writer = writer;
    t->log = log;
    enum acsa_rc rc = acsa__server_ticker_start(every_s, tick, t, "sync", &t->ticker, err);
    if (rc != ACSA_OK) {
        acsa_free(t->db_uri);
        acsa_free(t);
        return rc;
    }
    *out = t;
    return ACSA_OK;
}

void acsa__server_sync_timer_stop(struct sync_timer *t)
{
    if (t == NULL) {
        return;
    }
    acsa__server_ticker_stop(t->ticker);
    acsa_free(t->db_uri);
    acsa_free(t);
}
