/* SPDX-License-Identifier: MIT */
/* Decisions on the quarantine (migration 5): each retry or drop a programme officer decides is
 * a row of its own, never edited; an entry is open until a retry applies it or it is dropped.
 * Lists show each entry with its status and its last decision. */
#include <string.h>

#include "store_sqlite_int.h"

/* Every entry with its latest decision (the resolving one, when there is one: nothing is
 * decided after it) and, while a retry was refused, that retry's refusal as its reason. */
#define SELECT_ENTRIES                                                                        \
    "SELECT q.id, q.at_s, q.peer, q.via, q.what, q.seq, q.order_number, "                     \
    "coalesce((SELECT r.refusal FROM quarantine_decisions r WHERE r.quarantine_id = q.id "    \
    "AND r.outcome = 'refused' ORDER BY r.id DESC LIMIT 1), q.reason), q.body, "               \
    "d.at_s, d.action, d.outcome, d.by_name, d.reason, d.refusal, "                           \
    "(SELECT count(*) FROM quarantine_decisions c WHERE c.quarantine_id = q.id) "             \
    "FROM quarantine q LEFT JOIN quarantine_decisions d ON d.id = "                           \
    "(SELECT max(x.id) FROM quarantine_decisions x WHERE x.quarantine_id = q.id) "

#define OPEN_ONLY                                                                             \
    "WHERE NOT EXISTS (SELECT 1 FROM quarantine_decisions f WHERE f.quarantine_id = q.id "    \
    "AND f.outcome <> 'refused') "

struct select_out {
    acsa_quarantine_cb cb;
    void *ctx;
};

static void status_of(struct acsa_quarantine_row *q)
{
    const char *outcome = q->decision.outcome;
    const char *status = strcmp(outcome, "applied") == 0   ? "applied"
                         : strcmp(outcome, "dropped") == 0 ? "dropped"
                                                           : "open";
    memcpy(q->status, status, strlen(status) + 1);
}

static enum acsa_rc entry_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct select_out *out = ctx;
    struct acsa_quarantine_row q;
    memset(&q, 0, sizeof(q));
    q.id = acsa__sqlite_col_int(row, 0);
    q.at_s = acsa__sqlite_col_int(row, 1);
    acsa__sqlite_col_text(row, 2, q.peer, sizeof(q.peer));
    acsa__sqlite_col_text(row, 3, q.via, sizeof(q.via));
    acsa__sqlite_col_text(row, 4, q.what, sizeof(q.what));
    q.seq = acsa__sqlite_col_int(row, 5);
    acsa__sqlite_col_text(row, 6, q.order_number, sizeof(q.order_number));
    acsa__sqlite_col_text(row, 7, q.reason, sizeof(q.reason));
    q.body = sqlite3_column_blob(row->stmt, 8);
    int n = sqlite3_column_bytes(row->stmt, 8);
    q.body_len = n > 0 ? (size_t)n : 0;
    struct acsa_quarantine_decision *d = &q.decision;
    d->quarantine_id = q.id;
    if (sqlite3_column_type(row->stmt, 10) != SQLITE_NULL) {
        d->at_s = acsa__sqlite_col_int(row, 9);
        acsa__sqlite_col_text(row, 10, d->action, sizeof(d->action));
        acsa__sqlite_col_text(row, 11, d->outcome, sizeof(d->outcome));
        acsa__sqlite_col_text(row, 12, d->by, sizeof(d->by));
        acsa__sqlite_col_text(row, 13, d->reason, sizeof(d->reason));
        acsa__sqlite_col_text(row, 14, d->refusal, sizeof(d->refusal));
    }
    int64_t tries = acsa__sqlite_col_int(row, 15);
    q.tries = tries > 0 && tries < UINT32_MAX ? (uint32_t)tries : 0;
    status_of(&q);
    ACSA_TRY(acsa__sqlite_row_check(row, err));
    return out->cb(out->ctx, &q);
}

enum acsa_rc acsa__sqlite_quarantine_select(struct acsa_store *store, int64_t id, bool all,
                                            uint32_t limit, acsa_quarantine_cb cb, void *ctx,
                                            struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(limit > 0 ? (int64_t)limit : -1), INT(id)};
    const struct acsa__sqlite_statement one =
        STATEMENT(ACSA__SQLITE_QUARANTINE_ONE, SELECT_ENTRIES "WHERE q.id = ?2 LIMIT ?1",
                  values);
    const struct acsa__sqlite_statement open =
        STATEMENT(ACSA__SQLITE_QUARANTINE_OPEN,
                  SELECT_ENTRIES OPEN_ONLY "AND ?2 = 0 ORDER BY q.id DESC LIMIT ?1", values);
    const struct acsa__sqlite_statement every =
        STATEMENT(ACSA__SQLITE_QUARANTINE_ALL,
                  SELECT_ENTRIES "WHERE ?2 = 0 ORDER BY q.id DESC LIMIT ?1", values);
    const struct acsa__sqlite_statement *st = id > 0 ? &one : all ? &every : &open;
    struct select_out result = {cb, ctx};
    return acsa__sqlite_run_query(acsa__sqlite_of(store), st, entry_row, &result, NULL, err);
}

enum acsa_rc acsa__sqlite_quarantine_decide(struct acsa_store *store,
                                            const struct acsa_quarantine_decision *d,
                                            struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        INT(d->quarantine_id), INT(d->at_s),    TEXT(d->action),  TEXT(d->outcome),
        TEXT(d->by),           TEXT(d->reason), TEXT(d->refusal),
    };
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_QUARANTINE_DECIDE,
                  "INSERT INTO quarantine_decisions (quarantine_id, at_s, action, outcome, "
                  "by_name, reason, refusal) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                  values);
    return acsa__sqlite_run_write(acsa__sqlite_of(store), &st, NULL, err);
}

static enum acsa_rc id_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    *(int64_t *)ctx = acsa__sqlite_col_int(row, 0);
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_batch_of_record(struct acsa_store *store, const char *peer,
                                          int64_t seq, int64_t *out_batch_id,
                                          struct acsa_error *err)
{
    *out_batch_id = 0;
    const struct acsa__sqlite_value values[] = {TEXT(peer), INT(seq)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_BATCH_OF_RECORD,
                  "SELECT id FROM batches WHERE peer = ?1 AND first_seq <= ?2 "
                  "AND last_seq >= ?2 ORDER BY id DESC LIMIT 1",
                  values);
    return acsa__sqlite_run_get(acsa__sqlite_of(store), &st, id_row, out_batch_id, "batch",
                                err);
}
