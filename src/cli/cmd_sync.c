/* SPDX-License-Identifier: MIT */
/* The node and its partners: node show | keygen, peer add | list, sync, bundle export |
 * import and reconcile (quarantine: cmd_quarantine.c). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth_json.h"
#include "snapshot.h"
#include "alloc.h"
#include "sync.h"
#include "cli.h"

/* ---- node --------------------------------------------------------------------------------- */

static int node_show_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    uint8_t key[32];
    enum acsa_rc rc = acsa_app_node_public_key(app, key, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    char text[ACSA_KEY_TEXT_SIZE];
    char fingerprint[ACSA_FINGERPRINT_TEXT_SIZE];
    acsa_node_key_text(key, text);
    acsa_node_fingerprint(key, fingerprint);
    if (cli->json) {
        rc = cli_json_print(stdout, json_pack("{s:s, s:s, s:s, s:s}", "nation",
                                              acsa_app_nation(app), "key", text, "fingerprint",
                                              fingerprint, "key_file",
                                              acsa_app_node_key_path(app)));
        return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
    }
    cli_field(stdout, "Nation", "%s", acsa_app_nation(app));
    cli_field(stdout, "Public key", "%s", text);
    cli_field(stdout, "Fingerprint", "%s", fingerprint);
    cli_field(stdout, "Secret key", "%s", acsa_app_node_key_path(app));
    return CLI_EXIT_OK;
}

static int node_show(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Prints this node's nation, public key (give it to the partner's "
                              "\"acsa peer add --key\") and its fingerprint (to read aloud).",
                              NULL, 0, NULL, true, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, node_show_in, NULL);
}

static int node_keygen_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    enum acsa_rc rc = acsa_app_node_keygen(app, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    fprintf(stderr, "acsa: key pair made; the secret key is in %s\n",
            acsa_app_node_key_path(app));
    return node_show_in(cli, app, ctx);
}

static int node_keygen(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Makes the node's key pair, for a node database made before nodes "
                              "had keys (acsa init makes one). Refused if it has one.",
                              NULL, 0, NULL, false, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, node_keygen_in, NULL);
}

int cmd_node(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"show", node_show, "print the node's public key and fingerprint"},
        {"keygen", node_keygen, "make the node's key pair (if it has none)"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- peer --------------------------------------------------------------------------------- */

struct peer_args {
    char party[ACSA_NATION_SIZE];
    char url[ACSA_URL_SIZE];
    char key[ACSA_KEY_TEXT_SIZE + 1];
};

static int peer_add_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct peer_args *args = ctx;
    enum acsa_rc rc = acsa_app_peer_add(app, args->party, args->url, args->key, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    uint8_t key[32];
    char fingerprint[ACSA_FINGERPRINT_TEXT_SIZE];
    (void)acsa_node_key_parse(args->key, key);
    acsa_node_fingerprint(key, fingerprint);
    fprintf(stderr, "acsa: partner node %s added (%s); check the fingerprint with its "
            "officer: %s\n", args->party, args->url[0] != '\0' ? args->url : "bundles only",
            fingerprint);
    return CLI_EXIT_OK;
}

static int peer_add(struct cli *cli, int argc, char **argv)
{
    struct peer_args args;
    memset(&args, 0, sizeof(args));
    struct cli_option options[] = {
        CLI_OPT("party", CLI_NATION, true, args.party, 0, "CC", "the partner's nation"),
        CLI_OPT("url", CLI_TEXT, false, args.url, sizeof(args.url), "URL",
                "its node's base URL (http://host:port); none: bundle files only"),
        CLI_OPT("key", CLI_TEXT, true, args.key, sizeof(args.key), "PUBKEY",
                "its public key, 64 hex digits (acsa node show on its node)"),
    };
    struct cli_command cmd = {"Records the partner node of a party: the only key whose records "
                              "and requests this node accepts for that party.",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, peer_add_in, &args);
}

static enum acsa_rc peer_row(void *ctx, const struct acsa_peer *peer)
{
    struct cli_list *list = ctx;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_peer_json(peer));
    }
    char fingerprint[ACSA_FINGERPRINT_TEXT_SIZE];
    char received[24];
    char acked[24];
    char last[ACSA_TIME_TEXT_SIZE];
    acsa_node_fingerprint(peer->key, fingerprint);
    snprintf(received, sizeof(received), "%lld", (long long)peer->received_through);
    snprintf(acked, sizeof(acked), "%lld", (long long)peer->acked_through);
    const char *cells[] = {peer->party, peer->url[0] != '\0' ? peer->url : "-", fingerprint,
                           received, acked,
                           peer->last_sync_s > 0 ? acsa_time_format(peer->last_sync_s, last)
                                                 : "never"};
    return cli_out_cells(&list->out, cells);
}

static int peer_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"PARTY", 0, false},    {"URL", 0, false},      {"FINGERPRINT", 0, false},
        {"RECEIVED", 0, true},  {"ACKED", 0, true},     {"LAST SYNC", 0, false},
    };
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    return cli_list_end(&list, acsa_app_peer_list(app, peer_row, &list, &cli->err));
}

static int peer_list(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Lists the partner nodes: URL, key fingerprint, how far each "
                              "side holds the other's records, and the last sync.",
                              NULL, 0, NULL, true, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, peer_list_in, NULL);
}

int cmd_peer(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"add", peer_add, "--party CC --key PUBKEY [--url URL]: record a partner node"},
        {"list", peer_list, "list the partner nodes"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- sync --------------------------------------------------------------------------------- */

struct sync_args {
    char peer[ACSA_NATION_SIZE];
    int64_t batch;
};

static void sync_progress(void *ctx, const char *phase, uint64_t records)
{
    (void)ctx;
    fprintf(stderr, "acsa: %s: %llu records\n", phase, (unsigned long long)records);
}

static int sync_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct sync_args *args = ctx;
    struct acsa_sync_report report;
    enum acsa_rc rc = acsa_sync_peer(app, NULL, args->peer, (uint32_t)args->batch,
                                     isatty(STDERR_FILENO) || !cli->json ? sync_progress : NULL,
                                     NULL, &report, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    if (cli->json) {
        rc = cli_json_print(stdout, acsa_sync_report_json(&report));
        return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
    }
    printf("sent %llu records to %s in %u batches (%llu held already, %llu refused)\n",
           (unsigned long long)report.sent, args->peer, report.batches_sent,
           (unsigned long long)report.sent_duplicates,
           (unsigned long long)report.sent_quarantined);
    printf("received %llu records from %s in %u batches (%llu held already, %llu refused)\n",
           (unsigned long long)report.received, args->peer, report.batches_received,
           (unsigned long long)report.received_duplicates,
           (unsigned long long)report.received_quarantined);
    if (report.documents_sent + report.documents_received + report.documents_refused > 0) {
        printf("documents: %u files sent, %u received, %u refused\n", report.documents_sent,
               report.documents_received, report.documents_refused);
    }
    if (report.received_quarantined > 0 || report.sent_quarantined > 0) {
        fprintf(stderr, "acsa: refused records are in the quarantine (acsa quarantine list, on "
                "the node that refused them)\n");
    }
    return CLI_EXIT_OK;
}

int cmd_sync(struct cli *cli, int argc, char **argv)
{
    struct sync_args args = {"", 0};
    struct cli_option options[] = {
        CLI_OPT("peer", CLI_NATION, true, args.peer, 0, "CC", "the partner node to sync with"),
        CLI_OPT("batch", CLI_ID, false, &args.batch, 0, "N",
                "records per signed batch (default 2000, at most 10000)"),
    };
    struct cli_command cmd = {"Exchanges records with a partner node over HTTP: sends ours it "
                              "lacks, takes in its records we lack; resumes where it stopped.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code == CLI_CONTINUE && args.batch > ACSA_BATCH_RECORDS_MAX) {
        code = cli_usage(cli, "--batch: at most %d", ACSA_BATCH_RECORDS_MAX);
    }
    return code != CLI_CONTINUE ? code : cli_with_app(cli, sync_in, &args);
}

/* ---- bundle ------------------------------------------------------------------------------- */

struct bundle_args {
    char peer[ACSA_NATION_SIZE];
    int64_t since;
    bool since_set;
    bool no_snapshot;
    const char *out;
    const char *in;
};

/* Writes data to path through a temporary file renamed into place: never half a bundle. */
static int write_whole(struct cli *cli, const char *path, const uint8_t *data, size_t len)
{
    size_t n = strlen(path) + 16;
    char *tmp = acsa_malloc(n);
    if (tmp == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    snprintf(tmp, n, "%s.part", path);
    FILE *f = fopen(tmp, "wb");
    bool ok = f != NULL && fwrite(data, 1, len, f) == len;
    ok = f != NULL && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    int error = errno;
    ok = f != NULL && fclose(f) == 0 && ok;
    ok = ok && rename(tmp, path) == 0;
    if (!ok) {
        unlink(tmp);
        acsa_free(tmp);
        acsa_error_set(&cli->err, ACSA_ESTORAGE, "out", "--out: cannot write %s: %s", path,
                       strerror(error != 0 ? error : errno));
        return cli_fail(cli, ACSA_ESTORAGE);
    }
    acsa_free(tmp);
    return CLI_EXIT_OK;
}

static int bundle_export_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct bundle_args *args = ctx;
    struct acsa_peer peer;
    enum acsa_rc rc = acsa_app_peer_get(app, args->peer, &peer, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    int64_t since = args->since_set ? args->since : peer.acked_through;
    uint8_t *data = NULL;
    size_t len = 0;
    struct acsa_batch_info info;
    size_t snapshot_len = 0;
    /* Without the snapshot: the batch alone, a bundle of the first version, which a node of
     * an earlier version (or the sync route, POST /sync/v1/batches) reads too. */
    rc = args->no_snapshot
             ? acsa_app_batch_export(app, args->peer, since, ACSA_BATCH_RECORDS_MAX,
                                     (int64_t)time(NULL), &data, &len, &info, &cli->err)
             : acsa_app_bundle_export(app, args->peer, since, (int64_t)time(NULL), &data, &len,
                                      &snapshot_len, &info, &cli->err);
    if (rc == ACSA_OK && len - snapshot_len > ACSA_BATCH_BYTES_MAX) {
        rc = acsa_error_set(&cli->err, ACSA_EREFUSED, "since", "since: the records after %lld "
                            "make %zu bytes, more than a bundle may hold; export in parts with "
                            "--since", (long long)since, len);
    }
    /* The bytes of the documents the records name, in a section after the snapshot. */
    uint8_t *docs = NULL;
    size_t docs_len = 0;
    uint32_t docs_count = 0;
    uint32_t docs_left = 0;
    if (rc == ACSA_OK) {
        rc = acsa_app_bundle_documents(app, args->peer, info.after, info.through, &docs,
                                       &docs_len, &docs_count, &docs_left, &cli->err);
    }
    if (rc == ACSA_OK && docs_count > 0) {
        uint8_t *joined = acsa_realloc(data, len + docs_len);
        if (joined == NULL) {
            rc = acsa_error_set(&cli->err, ACSA_ENOMEM, "", "out of memory");
        } else {
            data = joined;
            memcpy(data + len, docs, docs_len);
            len += docs_len;
        }
    }
    acsa_free(docs);
    if (rc != ACSA_OK) {
        acsa_free(data);
        return cli_fail(cli, rc);
    }
    int code = write_whole(cli, args->out, data, len);
    acsa_free(data);
    if (code == CLI_EXIT_OK && docs_count + docs_left > 0) {
        fprintf(stderr, "acsa: the bundle carries the bytes of %u documents%s\n", docs_count,
                docs_left > 0 ? "; some were left out by the size limit: export again with "
                                "--since after these records" : "");
    }
    if (code == CLI_EXIT_OK) {
        fprintf(stderr, "acsa: wrote %s: %u records for %s (%lld..%lld), %zu bytes (%zu of "
                "them our signed snapshot)%s\n",
                args->out, info.count, args->peer, (long long)info.after + 1,
                (long long)info.through, len, snapshot_len,
                info.count == ACSA_BATCH_RECORDS_MAX ? "; more remain: export again with "
                                                       "--since the last number" : "");
    }
    return code;
}

static int bundle_export(struct cli *cli, int argc, char **argv)
{
    struct bundle_args args;
    memset(&args, 0, sizeof(args));
    struct cli_option options[] = {
        CLI_OPT("peer", CLI_NATION, true, args.peer, 0, "CC", "the partner the bundle is for"),
        CLI_OPT("since", CLI_RAW, false, NULL, 0, "CURSOR",
                "our records after this number (default: those it has not confirmed)"),
        CLI_OPT("out", CLI_PATH, true, &args.out, 0, "FILE", "the bundle file to write"),
        CLI_OPT("no-snapshot", CLI_FLAG, false, &args.no_snapshot, 0, NULL,
                "leave out our signed snapshot (a bundle a node of an earlier version reads)"),
    };
    const char *since = NULL;
    options[1].target = &since;
    struct cli_command cmd = {"Writes our records the partner has not confirmed into one signed "
                              "file, to carry by hand to a node without a network.",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code == CLI_CONTINUE && since != NULL) {
        char *end = NULL;
        errno = 0;
        long long value = strtoll(since, &end, 10);
        if (errno != 0 || end == since || *end != '\0' || value < 0) {
            code = cli_usage(cli, "--since: \"%.40s\" is not a record number (0 or more)", since);
        }
        args.since = value;
        args.since_set = true;
    }
    return code != CLI_CONTINUE ? code : cli_with_app(cli, bundle_export_in, &args);
}

static int bundle_import_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const char *path = ctx;
    char *text = NULL;
    size_t len = 0;
    /* A file over the limit is read one byte past it: the import refuses it and says so. */
    int code = cli_read_file(cli, path, ACSA_BUNDLE_BYTES_MAX + ACSA_BUNDLE_DOCUMENTS_BYTES_MAX,
                             &text, &len);
    if (code != CLI_CONTINUE) {
        return code;
    }
    uint8_t *data = (uint8_t *)text;
    struct acsa_batch_result result;
    bool snapshot = false;
    /* The documents section, if any, is checked first and taken in after the records that
     * name its files. */
    size_t docs_at = acsa_app_bundle_documents_offset(data, len);
    enum acsa_rc rc = docs_at < len ? acsa_app_bundle_documents_check(data + docs_at,
                                                                      len - docs_at, &cli->err)
                                    : ACSA_OK;
    if (rc == ACSA_OK && docs_at > ACSA_BUNDLE_BYTES_MAX) {
        rc = acsa_error_set(&cli->err, ACSA_ELIMIT, "bundle", "bundle: %zu bytes of records "
                            "and snapshot, more than a bundle may hold", docs_at);
    }
    if (rc == ACSA_OK) {
        rc = acsa_app_bundle_import(app, data, docs_at, (int64_t)time(NULL), &result,
                                    &snapshot, &cli->err);
    }
    uint32_t docs_taken = 0;
    uint32_t docs_refused = 0;
    if (rc == ACSA_OK && docs_at < len) {
        rc = acsa_app_bundle_documents_import(app, result.info.sender, data + docs_at,
                                              len - docs_at, &docs_taken, &docs_refused,
                                              &cli->err);
    }
    acsa_free(data);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    if (docs_at < len) {
        fprintf(stderr, "acsa: documents: %u files taken in, %u refused (acsa audit: "
                "sync.document)\n", docs_taken, docs_refused);
    }
    if (snapshot) {
        fprintf(stderr, "acsa: kept %s's snapshot for offline reconciliation "
                "(acsa reconcile --peer %s --offline)\n", result.info.sender, result.info.sender);
    }
    if (cli->json) {
        rc = cli_json_print(stdout, acsa_batch_result_json(&result));
        return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
    }
    printf("%s: %u records from %s: %u applied, %u held already, %u refused (quarantined)\n",
           path, result.info.count, result.info.sender, result.applied, result.duplicates,
           result.quarantined);
    if (result.concurrent > 0) {
        /* Say it where the operator looks: one step of each pair stands on both nodes. */
        printf("%s: %u of them decided against a concurrent step here (acsa audit: "
               "sync.concurrent)\n", path, result.concurrent);
    }
    return CLI_EXIT_OK;
}

static int bundle_import(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Takes in a bundle file a partner node wrote, with the checks of "
                              "sync: a truncated, altered, forged or replayed bundle is refused "
                              "whole and applies nothing.",
                              "FILE", 0, NULL, true, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, bundle_import_in, (void *)cmd.value);
}

int cmd_bundle(struct cli *cli, int argc, char **argv)
{
    static const struct cli_verb verbs[] = {
        {"export", bundle_export, "--peer CC [--since CURSOR] [--no-snapshot] --out FILE: write "
                                  "a bundle"},
        {"import", bundle_import, "FILE: take in a partner's bundle"},
    };
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}

/* ---- reconcile ---------------------------------------------------------------------------- */

struct reconcile_args {
    char peer[ACSA_NATION_SIZE];
    bool csv;
    bool offline;
};

/* A CSV field, quoted when it holds a comma, quote or line end. */
static void csv_field(FILE *out, const char *text, bool last)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, out);
    } else {
        fputc('"', out);
        for (const char *p = text; *p != '\0'; p++) {
            if (*p == '"') {
                fputc('"', out);
            }
            fputc(*p, out);
        }
        fputc('"', out);
    }
    fputc(last ? '\n' : ',', out);
}

struct reconcile_out {
    struct cli_list list;
    bool csv;
};

static enum acsa_rc reconcile_row(void *ctx, const struct acsa_reconcile_row *row)
{
    struct reconcile_out *r = ctx;
    if (r->csv) {
        const char *cells[] = {row->kind, row->number, row->field, row->ours, row->theirs};
        for (size_t i = 0; i < CLI_LEN(cells); i++) {
            csv_field(stdout, cells[i], i + 1 == CLI_LEN(cells));
        }
        return ACSA_OK;
    }
    if (r->list.out.json) {
        return cli_out_json(&r->list.out, acsa_reconcile_row_json(row));
    }
    const char *cells[] = {row->kind, row->number[0] != '\0' ? row->number : "-", row->field,
                           row->ours, row->theirs};
    return cli_out_cells(&r->list.out, cells);
}

/* What the snapshot compared with had seen, on stderr (the report itself is as online). */
static void print_seen(const char *peer, const char *nation,
                       const struct acsa_reconcile_snapshot *seen)
{
    char made[ACSA_TIME_TEXT_SIZE];
    char received[ACSA_TIME_TEXT_SIZE];
    int64_t unseen = seen->ours_through - seen->seen_through;
    fprintf(stderr, "acsa: offline: compared with %s's snapshot made %s (received %s): it had "
            "%s's records through %lld and %s's through %lld; %s has written %lld since that "
            "%s had not seen, and holds %s's records through %lld\n", peer,
            acsa_time_format(seen->created_s, made),
            acsa_time_format(seen->received_s, received), peer,
            (long long)seen->sender_through, nation, (long long)seen->seen_through, nation,
            (long long)(unseen > 0 ? unseen : 0), peer, peer, (long long)seen->theirs_held);
}

static int reconcile_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct reconcile_args *args = ctx;
    static const struct cli_column columns[] = {
        {"KIND", 0, false},   {"ORDER", 0, false},  {"FIELD", 0, false},
        {"OURS", 0, false},   {"THEIRS", 0, false},
    };
    struct reconcile_out r;
    memset(&r, 0, sizeof(r));
    r.csv = args->csv;
    if (r.csv) {
        fputs("kind,order,field,ours,theirs\n", stdout);
    } else {
        cli_list_begin(&r.list, cli, app, columns, CLI_LEN(columns));
    }
    struct acsa_reconcile_summary summary;
    struct acsa_reconcile_snapshot seen;
    enum acsa_rc rc = args->offline
                          ? acsa_reconcile_offline(app, args->peer, reconcile_row, &r, &summary,
                                                   &seen, &cli->err)
                          : acsa_reconcile(app, args->peer, reconcile_row, &r, &summary,
                                           &cli->err);
    if (rc == ACSA_OK && args->offline) {
        print_seen(args->peer, acsa_app_nation(app), &seen);
    }
    int code = r.csv ? (rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc))
                     : cli_list_end(&r.list, rc);
    if (code != CLI_EXIT_OK) {
        return code;
    }
    uint64_t rows = summary.missing_here + summary.missing_there + summary.differing +
                    summary.balance_rows + summary.in_transit + summary.agreement_rows;
    fprintf(stderr, "acsa: %llu orders here, %llu on %s's node: %llu missing here, %llu missing "
            "there, %llu differing, %llu balance figures not mirrored, %llu lines in transit "
            "too long, %llu agreement facts differing\n",
            (unsigned long long)summary.orders_here, (unsigned long long)summary.orders_there,
            args->peer, (unsigned long long)summary.missing_here,
            (unsigned long long)summary.missing_there, (unsigned long long)summary.differing,
            (unsigned long long)summary.balance_rows, (unsigned long long)summary.in_transit,
            (unsigned long long)summary.agreement_rows);
    /* Scripts check the exit code: 0 only when the two nodes agree. */
    return rows == 0 ? CLI_EXIT_OK : acsa_rc_exit_code(ACSA_EREFUSED);
}

int cmd_reconcile(struct cli *cli, int argc, char **argv)
{
    struct reconcile_args args = {"", false, false};
    struct cli_option options[] = {
        CLI_OPT("peer", CLI_NATION, true, args.peer, 0, "CC", "the partner node to compare with"),
        CLI_OPT("csv", CLI_FLAG, false, &args.csv, 0, NULL, "print CSV (for a spreadsheet)"),
        CLI_OPT("offline", CLI_FLAG, false, &args.offline, 0, NULL,
                "compare with the partner's latest snapshot, from its last bundle"),
    };
    struct cli_command cmd = {"Compares this node's view of every order shared with a partner "
                              "with the partner node's, and the balances; lists every "
                              "disagreement. Exits 0 when they agree, 1 when they do not. "
                              "--offline compares with the snapshot the partner's last bundle "
                              "carried, without a network.",
                              NULL, 0, NULL, true, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code == CLI_CONTINUE && args.csv && cli->json) {
        code = cli_usage(cli, "--csv and --json: choose one");
    }
    return code != CLI_CONTINUE ? code : cli_with_app(cli, reconcile_in, &args);
}

/* ---- order chain -------------------------------------------------------------------------- */

static enum acsa_rc chain_row(void *ctx, const struct acsa_record_row *row)
{
    struct cli_list *list = ctx;
    struct acsa_record *record = acsa_malloc(sizeof(*record));
    if (record == NULL) {
        return ACSA_ENOMEM;
    }
    struct acsa_error err;
    bool decoded = acsa_record_decode(row->body, row->body_len, record, &err) == ACSA_OK;
    static const uint8_t none[ACSA_HASH_SIZE];
    char hash[2 * ACSA_HASH_SIZE + 1];
    char prev[2 * ACSA_HASH_SIZE + 1];
    sodium_bin2hex(hash, sizeof(hash), row->hash, ACSA_HASH_SIZE);
    sodium_bin2hex(prev, sizeof(prev), decoded ? record->prev_hash : none, ACSA_HASH_SIZE);
    const char *step = decoded ? acsa_step_name(record->command.step) : "(unreadable)";
    /* Who vouches for the step: the node that signed it, or nobody when a node entered a
     * partner's step on its behalf. */
    const char *signature = !decoded ? "-" : record->manual ? "unsigned (entered manually)"
                                                            : "signed";
    enum acsa_rc rc;
    if (list->out.json) {
        rc = cli_out_json(&list->out,
                          json_pack("{s:o, s:I, s:s, s:s, s:s, s:b, s:o, s:o, s:b}", "origin",
                                    acsa_json_string(row->origin), "seq", (json_int_t)row->seq,
                                    "step", step, "hash", hash, "prev_hash", prev, "manual",
                                    decoded && record->manual, "actor",
                                    acsa_json_string(decoded ? record->command.actor : ""),
                                    "order", acsa_json_string(row->order_number), "received",
                                    row->batch_id != 0));
    } else {
        char seq[24];
        snprintf(seq, sizeof(seq), "%lld", (long long)row->seq);
        hash[16] = '\0';
        prev[16] = '\0';
        const char *cells[] = {row->origin, seq, step, decoded ? record->command.actor : "-",
                               signature, hash, prev};
        rc = cli_out_cells(&list->out, cells);
    }
    acsa_free(record);
    return rc;
}

/* The records of order number, once the order is known to exist. */
static enum acsa_rc order_chain_list(struct acsa_app *app, const char *number,
                                     struct cli_list *list, struct acsa_error *err)
{
    ACSA_TRY(acsa_app_order_get(app, number, NULL, NULL, err));
    return acsa_app_order_records(app, number, chain_row, list, err);
}

static int order_chain_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    static const struct cli_column columns[] = {
        {"ORIGIN", 0, false}, {"SEQ", 0, true},    {"STEP", 0, false}, {"ACTOR", 0, false},
        {"SIGNATURE", 0, false}, {"HASH", 0, false}, {"PREVIOUS", 0, false},
    };
    const char *number = ctx;
    struct cli_list list;
    cli_list_begin(&list, cli, app, columns, CLI_LEN(columns));
    enum acsa_rc rc = order_chain_list(app, number, &list, &cli->err);
    return cli_list_end(&list, rc);
}

int cmd_order_chain(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Lists the records of an order's hash chain, oldest first: which "
                              "node wrote each step, whether its party signed it or it was "
                              "entered manually, and the hashes that link them.",
                              "NUMBER", ACSA_NUMBER_SIZE, NULL, true, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    return code != CLI_CONTINUE ? code : cli_with_app(cli, order_chain_in, (void *)cmd.value);
}
