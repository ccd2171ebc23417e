/* SPDX-License-Identifier: MIT */
/* The store interface's accounts and node-to-node tables, called directly: users, sessions,
 * API tokens, idempotency records, partner nodes, records, batches, the quarantine and its
 * decisions, grants and reference origins. The same cases run on SQLite (a file per test) and,
 * when ACSA_TEST_PG names a database (tests/pg/cluster.sh), on PostgreSQL, emptied per test:
 * both backends must give the same answers and codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "date.h"
#include "grant.h"
#include "money.h"
#include "store.h"
#include "store.h"
#if defined(ACSA_HAVE_PG)
#include <libpq-fe.h>
#endif

struct fixture {
    char dir[64];
    char path[128];
    struct acsa_store *store;
    struct acsa_error err;
};

static const char *pg_uri(void)
{
    const char *uri = getenv("ACSA_TEST_PG");
    return uri != NULL && uri[0] != '\0' ? uri : NULL;
}

static void pg_reset(void)
{
#if defined(ACSA_HAVE_PG)
    PGconn *conn = PQconnectdb(pg_uri());
    assert_int_equal(PQstatus(conn), CONNECTION_OK);
    PGresult *res = PQexec(conn, "SET client_min_messages = warning; "
                                 "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(conn);
#else
    fail_msg("ACSA_TEST_PG is set but this acsa was built without libpq");
#endif
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-accounts-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/acsa.db", f->dir);
    if (pg_uri() != NULL) {
        pg_reset();
    }
    const char *spec = pg_uri() != NULL ? pg_uri() : f->path;
    assert_int_equal(acsa_store_open(spec, ACSA_STORE_CREATE | ACSA_STORE_BULK_LOAD, &f->store,
                                          &f->err),
                     ACSA_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    acsa_store_close(f->store);
    char path[160];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
        (void)unlink(path);
    }
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

static int64_t add_user(struct fixture *f, const char *username, enum acsa_role role)
{
    struct acsa_user user;
    memset(&user, 0, sizeof(user));
    snprintf(user.username, sizeof(user.username), "%s", username);
    snprintf(user.display_name, sizeof(user.display_name), "Lt %s", username);
    snprintf(user.party, sizeof(user.party), "IN");
    user.role = role;
    int64_t id = 0;
    assert_int_equal(f->store->vtbl->accounts->user_add(f->store, &user, "$argon2id$hash", 100, &id,
                                              &f->err),
                     ACSA_OK);
    assert_true(id > 0);
    return id;
}

static enum acsa_rc count_user(void *ctx, const struct acsa_user *user)
{
    (void)user;
    (*(int *)ctx)++;
    return ACSA_OK;
}

static void test_users_and_sessions(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    int64_t iyer = add_user(f, "iyer", ACSA_ROLE_REQUESTER);
    add_user(f, "rao", ACSA_ROLE_APPROVER);
    struct acsa_user again;
    memset(&again, 0, sizeof(again));
    snprintf(again.username, sizeof(again.username), "iyer");
    int64_t id = 0;
    assert_int_equal(v->accounts->user_add(f->store, &again, "x", 1, &id, &f->err), ACSA_EEXISTS);
    struct acsa_user user;
    char hash[ACSA_PASSWORD_HASH_SIZE];
    assert_int_equal(v->accounts->user_get(f->store, "iyer", &user, hash, &f->err), ACSA_OK);
    assert_int_equal(user.id, iyer);
    assert_int_equal(user.role, ACSA_ROLE_REQUESTER);
    assert_string_equal(hash, "$argon2id$hash");
    assert_int_equal(v->accounts->user_get(f->store, "nobody", &user, NULL, &f->err),
                     ACSA_ENOTFOUND);
    int users = 0;
    assert_int_equal(v->accounts->user_list(f->store, count_user, &users, &f->err), ACSA_OK);
    assert_int_equal(users, 2);

    char csrf[ACSA_SECRET_TEXT_SIZE];
    assert_int_equal(v->accounts->session_add(f->store, "s1", iyer, "csrf1", 100, 200, &f->err),
                     ACSA_OK);
    assert_int_equal(v->accounts->session_add(f->store, "s2", iyer, "csrf2", 100, 150, &f->err),
                     ACSA_OK);
    assert_int_equal(v->accounts->session_get(f->store, "s1", 199, &user, csrf, &f->err), ACSA_OK);
    assert_string_equal(csrf, "csrf1");
    assert_int_equal(v->accounts->session_get(f->store, "s1", 200, &user, csrf, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(v->accounts->session_purge(f->store, 150, &f->err), ACSA_OK);
    assert_int_equal(v->accounts->session_get(f->store, "s2", 100, &user, csrf, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(v->accounts->session_delete(f->store, "s1", &f->err), ACSA_OK);
    assert_int_equal(v->accounts->session_delete(f->store, "s1", &f->err), ACSA_ENOTFOUND);

    /* Disabling ends the user's sessions and revokes the tokens. */
    assert_int_equal(v->accounts->session_add(f->store, "s3", iyer, "csrf3", 100, 900, &f->err),
                     ACSA_OK);
    int64_t token = 0;
    assert_int_equal(v->accounts->token_add(f->store, iyer, "ci", "t1", 100, &token, &f->err),
                     ACSA_OK);
    assert_int_equal(v->accounts->user_disable(f->store, iyer, &f->err), ACSA_OK);
    assert_int_equal(v->accounts->session_get(f->store, "s3", 100, &user, csrf, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(v->accounts->token_user(f->store, "t1", &user, &f->err), ACSA_ENOTFOUND);
    assert_int_equal(v->accounts->user_disable(f->store, 9999, &f->err), ACSA_ENOTFOUND);
}

static enum acsa_rc collect_token(void *ctx, const struct acsa_token_info *token)
{
    int64_t *ids = ctx;
    ids[ids[0] + 1] = token->id;
    ids[0]++;
    return ACSA_OK;
}

static void test_tokens_and_idempotency(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    int64_t iyer = add_user(f, "iyer", ACSA_ROLE_REQUESTER);
    int64_t rao = add_user(f, "rao", ACSA_ROLE_APPROVER);
    int64_t t1 = 0;
    int64_t t2 = 0;
    assert_int_equal(v->accounts->token_add(f->store, iyer, "ci", "h1", 100, &t1, &f->err),
                     ACSA_OK);
    assert_int_equal(v->accounts->token_add(f->store, rao, "ci", "h2", 101, &t2, &f->err), ACSA_OK);
    int64_t t3 = 0;
    assert_int_equal(v->accounts->token_add(f->store, rao, "dup", "h2", 102, &t3, &f->err),
                     ACSA_EEXISTS);
    struct acsa_user user;
    assert_int_equal(v->accounts->token_user(f->store, "h2", &user, &f->err), ACSA_OK);
    assert_string_equal(user.username, "rao");
    struct acsa_token_info info;
    assert_int_equal(v->accounts->token_get(f->store, t1, &info, &f->err), ACSA_OK);
    assert_string_equal(info.username, "iyer");
    assert_false(info.revoked);
    int64_t ids[4] = {0};
    assert_int_equal(v->accounts->token_list(f->store, "", collect_token, ids, &f->err), ACSA_OK);
    assert_int_equal(ids[0], 2);
    assert_int_equal(ids[1], t1);
    ids[0] = 0;
    assert_int_equal(v->accounts->token_list(f->store, "rao", collect_token, ids, &f->err),
                     ACSA_OK);
    assert_int_equal(ids[0], 1);
    assert_int_equal(v->accounts->token_revoke(f->store, t1, &f->err), ACSA_OK);
    assert_int_equal(v->accounts->token_revoke(f->store, t1, &f->err), ACSA_OK);
    assert_int_equal(v->accounts->token_revoke(f->store, 9999, &f->err), ACSA_ENOTFOUND);
    assert_int_equal(v->accounts->token_user(f->store, "h1", &user, &f->err), ACSA_ENOTFOUND);

    struct acsa_idempotency_row row;
    assert_int_equal(
        v->accounts->idempotency_put(f->store, iyer, "k1", "req", 201, "{\"ok\":1}", 100, &f->err),
        ACSA_OK);
    assert_int_equal(
        v->accounts->idempotency_put(f->store, iyer, "k1", "req", 201, "{}", 100, &f->err),
        ACSA_EEXISTS);
    assert_int_equal(v->accounts->idempotency_get(f->store, iyer, "k1", &row, &f->err), ACSA_OK);
    assert_int_equal(row.status, 201);
    assert_string_equal(row.body, "{\"ok\":1}");
    free(row.body);
    assert_int_equal(v->accounts->idempotency_get(f->store, rao, "k1", &row, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(v->accounts->idempotency_purge(f->store, 101, &f->err), ACSA_OK);
    assert_int_equal(v->accounts->idempotency_get(f->store, iyer, "k1", &row, &f->err),
                     ACSA_ENOTFOUND);
}

struct quarantine_seen {
    int count;
    char status[ACSA_QUARANTINE_WORD_SIZE];
    uint32_t tries;
    size_t body_len;
    uint8_t first_byte;
};

static enum acsa_rc see_quarantine(void *ctx, const struct acsa_quarantine_row *row)
{
    struct quarantine_seen *seen = ctx;
    seen->count++;
    memcpy(seen->status, row->status, sizeof(seen->status));
    seen->tries = row->tries;
    seen->body_len = row->body_len;
    seen->first_byte = row->body_len > 0 ? row->body[0] : 0;
    return ACSA_OK;
}

static void test_quarantine_and_batches(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    uint8_t digest[ACSA_HASH_SIZE];
    uint8_t signature[ACSA_SIGNATURE_SIZE];
    memset(digest, 0xab, sizeof(digest));
    memset(signature, 0x00, sizeof(signature));
    int64_t batch = 0;
    assert_int_equal(v->sync->batch_add(f->store, "JP", "bundle", 1, 5, 5, digest, signature, 100,
                                  &batch, &f->err),
                     ACSA_OK);
    int64_t found = 0;
    assert_int_equal(v->sync->batch_of_record(f->store, "JP", 3, &found, &f->err), ACSA_OK);
    assert_int_equal(found, batch);
    assert_int_equal(v->sync->batch_of_record(f->store, "JP", 6, &found, &f->err), ACSA_ENOTFOUND);

    /* Bytes with a NUL and high bytes survive the round trip. */
    const uint8_t body[] = {0xff, 0x00, 0x27, 0x5c, 0x80};
    struct acsa_quarantine_row q;
    memset(&q, 0, sizeof(q));
    q.at_s = 100;
    snprintf(q.peer, sizeof(q.peer), "JP");
    snprintf(q.via, sizeof(q.via), "bundle");
    snprintf(q.what, sizeof(q.what), "record");
    q.seq = 3;
    snprintf(q.reason, sizeof(q.reason), "sender: not a partner");
    q.body = body;
    q.body_len = sizeof(body);
    assert_int_equal(v->sync->quarantine_add(f->store, &q, &f->err), ACSA_OK);
    struct quarantine_seen seen = {0};
    assert_int_equal(v->sync->quarantine_list(f->store, 0, see_quarantine, &seen, &f->err),
                     ACSA_OK);
    assert_int_equal(seen.count, 1);
    assert_int_equal(seen.body_len, sizeof(body));
    assert_int_equal(seen.first_byte, 0xff);

    struct acsa_quarantine_decision d;
    memset(&d, 0, sizeof(d));
    d.quarantine_id = 1;
    d.at_s = 200;
    snprintf(d.action, sizeof(d.action), "retry");
    snprintf(d.outcome, sizeof(d.outcome), "refused");
    snprintf(d.by, sizeof(d.by), "PO Sharma");
    snprintf(d.reason, sizeof(d.reason), "try again");
    assert_int_equal(v->sync->quarantine_decide(f->store, &d, &f->err), ACSA_OK);
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(
        v->sync->quarantine_select(f->store, 0, false, 0, see_quarantine, &seen, &f->err), ACSA_OK);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.status, "open");
    assert_int_equal(seen.tries, 1);
    snprintf(d.action, sizeof(d.action), "drop");
    snprintf(d.outcome, sizeof(d.outcome), "dropped");
    assert_int_equal(v->sync->quarantine_decide(f->store, &d, &f->err), ACSA_OK);
    assert_int_equal(v->sync->quarantine_decide(f->store, &d, &f->err), ACSA_EEXISTS);
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(
        v->sync->quarantine_select(f->store, 0, false, 0, see_quarantine, &seen, &f->err), ACSA_OK);
    assert_int_equal(seen.count, 0);
    assert_int_equal(
        v->sync->quarantine_select(f->store, 1, false, 0, see_quarantine, &seen, &f->err), ACSA_OK);
    assert_int_equal(seen.count, 1);
    assert_string_equal(seen.status, "dropped");
    assert_int_equal(seen.tries, 2);
}

static enum acsa_rc count_records(void *ctx, const struct acsa_record_row *row)
{
    int64_t *sum = ctx;
    sum[0]++;
    sum[1] += row->seq;
    sum[2] += (int64_t)row->body_len;
    return ACSA_OK;
}

static void add_record(struct fixture *f, const char *origin, int64_t seq, const char *partner,
                       enum acsa_rc expected)
{
    struct acsa_record_row row;
    memset(&row, 0, sizeof(row));
    snprintf(row.origin, sizeof(row.origin), "%s", origin);
    row.seq = seq;
    snprintf(row.partner, sizeof(row.partner), "%s", partner);
    memset(row.hash, (int)seq, sizeof(row.hash));
    const uint8_t body[] = {1, 0, 2};
    row.body = body;
    row.body_len = sizeof(body);
    assert_int_equal(f->store->vtbl->sync->record_append(f->store, &row, &f->err), expected);
}

static void test_peers_and_records(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    struct acsa_peer peer;
    memset(&peer, 0, sizeof(peer));
    snprintf(peer.party, sizeof(peer.party), "JP");
    memset(peer.key, 7, sizeof(peer.key));
    assert_int_equal(v->sync->peer_put(f->store, &peer, &f->err), ACSA_OK);
    assert_int_equal(v->sync->peer_advance(f->store, "JP", 5, 3, 1000, &f->err), ACSA_OK);
    assert_int_equal(v->sync->peer_advance(f->store, "JP", 4, 2, 0, &f->err), ACSA_OK);
    struct acsa_peer got;
    assert_int_equal(v->sync->peer_get(f->store, "JP", &got, &f->err), ACSA_OK);
    assert_int_equal(got.received_through, 5); /* Cursors never move back. */
    assert_int_equal(got.acked_through, 3);
    assert_int_equal(got.last_sync_s, 1000);
    assert_memory_equal(got.key, peer.key, sizeof(peer.key));
    /* The same key keeps the cursors; a new key starts afresh. */
    assert_int_equal(v->sync->peer_put(f->store, &peer, &f->err), ACSA_OK);
    assert_int_equal(v->sync->peer_get(f->store, "JP", &got, &f->err), ACSA_OK);
    assert_int_equal(got.received_through, 5);
    memset(peer.key, 8, sizeof(peer.key));
    assert_int_equal(v->sync->peer_put(f->store, &peer, &f->err), ACSA_OK);
    assert_int_equal(v->sync->peer_get(f->store, "JP", &got, &f->err), ACSA_OK);
    assert_int_equal(got.received_through, 0);
    assert_int_equal(v->sync->peer_advance(f->store, "FR", 1, 1, 1, &f->err), ACSA_ENOTFOUND);

    add_record(f, "IN", 1, "JP", ACSA_OK);
    add_record(f, "IN", 2, "", ACSA_OK);
    add_record(f, "IN", 3, "FR", ACSA_OK);
    add_record(f, "IN", 2, "JP", ACSA_EEXISTS);
    int64_t last = 0;
    assert_int_equal(v->sync->record_last_seq(f->store, "IN", &last, &f->err), ACSA_OK);
    assert_int_equal(last, 3);
    assert_int_equal(v->sync->record_last_seq(f->store, "JP", &last, &f->err), ACSA_OK);
    assert_int_equal(last, 0);
    int64_t sum[3] = {0, 0, 0};
    assert_int_equal(v->sync->record_scan(f->store, "IN", "JP", 0, 0, count_records, sum, &f->err),
                     ACSA_OK);
    assert_int_equal(sum[0], 2); /* Seq 1 (for JP) and 2 (for any). */
    assert_int_equal(sum[1], 3);
    assert_int_equal(sum[2], 6);
    memset(sum, 0, sizeof(sum));
    assert_int_equal(v->sync->record_scan(f->store, "IN", "JP", 0, 1, count_records, sum, &f->err),
                     ACSA_OK);
    assert_int_equal(sum[0], 1);
    struct acsa_record_row row;
    assert_int_equal(v->sync->record_get(f->store, "IN", 3, &row, &f->err), ACSA_OK);
    assert_string_equal(row.partner, "FR");
    assert_int_equal(row.hash[0], 3);
    assert_null(row.body);
    assert_int_equal(v->sync->record_get(f->store, "IN", 4, &row, &f->err), ACSA_ENOTFOUND);
}

struct grant_seen {
    int count;
    char origin[ACSA_NATION_SIZE];
    int64_t origin_id;
};

static enum acsa_rc see_grant(void *ctx, const struct acsa_grant *grant, const char *origin,
                              int64_t origin_id)
{
    (void)grant;
    struct grant_seen *seen = ctx;
    seen->count++;
    snprintf(seen->origin, sizeof(seen->origin), "%s", origin);
    seen->origin_id = origin_id;
    return ACSA_OK;
}

static void test_grants_and_origins(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    struct acsa_grant g;
    memset(&g, 0, sizeof(g));
    snprintf(g.party, sizeof(g.party), "JP");
    snprintf(g.name, sizeof(g.name), "Capt Sato");
    g.currency = *acsa_currency_find("JPY");
    g.limit_minor = 5000000;
    g.from_day = acsa_date_from_ymd(2024, 1, 1);
    g.to_day = ACSA_DATE_NONE;
    g.revoked_day = ACSA_DATE_NONE;
    int64_t local = 0;
    int64_t theirs = 0;
    assert_int_equal(v->ledger->grant_add(f->store, &g, "JP", 41, &theirs, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->grant_add(f->store, &g, NULL, 0, &local, &f->err), ACSA_OK);
    /* A partner's grant taken in twice is refused. store.h calls a unique key taken EEXISTS,
     * which PostgreSQL answers; SQLite answers ESTORAGE here: both refuse, nothing is added. */
    assert_int_not_equal(v->ledger->grant_add(f->store, &g, "JP", 41, &local, &f->err), ACSA_OK);
    int64_t found = 0;
    assert_int_equal(v->ledger->grant_find(f->store, "JP", 41, &found, &f->err), ACSA_OK);
    assert_int_equal(found, theirs);
    assert_int_equal(v->ledger->grant_find(f->store, "JP", 42, &found, &f->err), ACSA_ENOTFOUND);
    struct grant_seen seen = {0};
    assert_int_equal(v->ledger->grant_list(f->store, "JP", "Capt Sato", ACSA_DATE_NONE, see_grant,
                                           &seen, &f->err),
                     ACSA_OK);
    assert_int_equal(seen.count, 2);
    assert_string_equal(seen.origin, ""); /* The second, made here. */
    assert_int_equal(
        v->ledger->grant_revoke(f->store, theirs, acsa_date_from_ymd(2024, 6, 1), "left", &f->err),
        ACSA_OK);
    assert_int_equal(
        v->ledger->grant_revoke(f->store, theirs, acsa_date_from_ymd(2024, 7, 1), "again", &f->err),
        ACSA_ENOTFOUND);
    memset(&seen, 0, sizeof(seen));
    assert_int_equal(v->ledger->grant_list(f->store, NULL, NULL, acsa_date_from_ymd(2024, 6, 1),
                                   see_grant, &seen, &f->err),
                     ACSA_OK);
    assert_int_equal(seen.count, 1);

    int64_t unit = 0;
    assert_int_equal(v->ledger->unit_add(f->store, "JP", "JMSDF", &unit, &f->err), ACSA_OK);
    assert_int_equal(v->sync->ref_bind(f->store, ACSA_REF_UNIT, unit, "JP", 7, &f->err), ACSA_OK);
    assert_int_equal(v->sync->ref_find(f->store, ACSA_REF_UNIT, "JP", 7, &found, &f->err), ACSA_OK);
    assert_int_equal(found, unit);
    assert_int_equal(v->sync->ref_find(f->store, ACSA_REF_UNIT, "JP", 8, &found, &f->err),
                     ACSA_ENOTFOUND);
    char origin[ACSA_NATION_SIZE];
    int64_t origin_id = 0;
    assert_int_equal(
        v->sync->ref_origin(f->store, ACSA_REF_UNIT, unit, origin, &origin_id, &f->err), ACSA_OK);
    assert_string_equal(origin, "JP");
    assert_int_equal(origin_id, 7);
    assert_int_equal(v->sync->ref_by_name(f->store, ACSA_REF_UNIT, "JP", "JMSDF", &found, &f->err),
                     ACSA_OK);
    assert_int_equal(found, unit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_users_and_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens_and_idempotency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_quarantine_and_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_peers_and_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grants_and_origins, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
