/* SPDX-License-Identifier: MIT */
/* Internals shared by the store_pg_*.c files (the PostgreSQL backend): the handle, the
 * statement runner over prepared statements, and the column readers, so every file maps types
 * and errors one way. Values travel as text (binary for blobs); results come back as text. */
#ifndef ACSA_STORE_PG_INT_H
#define ACSA_STORE_PG_INT_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_pg.h"

/* One prepared statement per slot, named "acsa_<slot>" on the connection and prepared on first
 * use. Each slot is used by exactly one call site, which passes the same SQL every time. */
enum acsa__pg_slot {
    ACSA__PG_META_GET,
    ACSA__PG_META_SET,
    ACSA__PG_AGREEMENT_PUT,
    ACSA__PG_AGREEMENT_GET,
    ACSA__PG_AGREEMENT_LIST,
    ACSA__PG_UNIT_ADD,
    ACSA__PG_UNIT_GET,
    ACSA__PG_UNIT_LIST,
    ACSA__PG_OFFICIAL_ADD,
    ACSA__PG_OFFICIAL_ID,
    ACSA__PG_LIMIT_SET,
    ACSA__PG_OFFICIAL_GET,
    ACSA__PG_OFFICIAL_LIST,
    ACSA__PG_ACTIVITY_ADD,
    ACSA__PG_ACTIVITY_GET,
    ACSA__PG_ACTIVITY_LIST,
    ACSA__PG_SEQUENCE_BUMP,
    ACSA__PG_INVOICE_SEQ,
    ACSA__PG_ORDER_INSERT,
    ACSA__PG_ORDER_UPDATE,
    ACSA__PG_LINE_UPSERT,
    ACSA__PG_LINE_TRIM,
    ACSA__PG_EVENT_INSERT,
    ACSA__PG_POSTING_INSERT,
    ACSA__PG_FIX_DISPUTED,
    ACSA__PG_FIX_CLOSED,
    ACSA__PG_FIX_AMEND,
    ACSA__PG_INVOICE_UPSERT,
    ACSA__PG_ORDER_GET,
    ACSA__PG_ORDER_LINES,
    ACSA__PG_ORDER_HISTORY,
    ACSA__PG_INVOICE_LIST,
    ACSA__PG_ORDER_EXISTS,
    ACSA__PG_ORDER_LIST,
    ACSA__PG_ORDER_LINE_LIST,
    ACSA__PG_POSTING_LIST,
    ACSA__PG_EVENT_LIST,
    ACSA__PG_BALANCE,
    ACSA__PG_BALANCE_KEPT,
    ACSA__PG_AGREEMENT_EVENT_ADD,
    ACSA__PG_AGREEMENT_EVENT_GET,
    ACSA__PG_AGREEMENT_VERSION_ADD,
    ACSA__PG_AGREEMENT_VERSION_GET,
    ACSA__PG_AUDIT_APPEND,
    ACSA__PG_AUDIT_LAST,
    ACSA__PG_AUDIT_LIST,
    ACSA__PG_BATCH_ADD,
    ACSA__PG_BATCH_OF_RECORD,
    ACSA__PG_CHAIN_HEAD,
    ACSA__PG_CHAIN_HEAD_SET,
    ACSA__PG_FINGERPRINTS,
    ACSA__PG_GRANT_FIND,
    ACSA__PG_GRANT_INSERT,
    ACSA__PG_GRANT_LIST,
    ACSA__PG_GRANT_OFFICIAL,
    ACSA__PG_GRANT_REVOKE,
    ACSA__PG_IDEMPOTENCY_GET,
    ACSA__PG_IDEMPOTENCY_PURGE,
    ACSA__PG_IDEMPOTENCY_PUT,
    ACSA__PG_PEER_ADVANCE,
    ACSA__PG_PEER_GET,
    ACSA__PG_PEER_LIST,
    ACSA__PG_PEER_PUT,
    ACSA__PG_QUARANTINE_ADD,
    ACSA__PG_QUARANTINE_ALL,
    ACSA__PG_QUARANTINE_DECIDE,
    ACSA__PG_QUARANTINE_LIST,
    ACSA__PG_QUARANTINE_ONE,
    ACSA__PG_QUARANTINE_OPEN,
    ACSA__PG_RECORD_APPEND,
    ACSA__PG_RECORD_GET,
    ACSA__PG_RECORD_HEAD,
    ACSA__PG_RECORD_HEAD_OTHER,
    ACSA__PG_RECORD_IN_CHAIN,
    ACSA__PG_RECORD_LAST,
    ACSA__PG_RECORD_LIST,
    ACSA__PG_RECORD_SCAN,
    ACSA__PG_REF_BIND_ACTIVITY,
    ACSA__PG_REF_BIND_UNIT,
    ACSA__PG_REF_FIND_ACTIVITY,
    ACSA__PG_REF_FIND_UNIT,
    ACSA__PG_REF_NAME_ACTIVITY,
    ACSA__PG_REF_NAME_UNIT,
    ACSA__PG_REF_ORIGIN_ACTIVITY,
    ACSA__PG_REF_ORIGIN_UNIT,
    ACSA__PG_SESSION_ADD,
    ACSA__PG_SESSION_DELETE,
    ACSA__PG_SESSION_GET,
    ACSA__PG_SESSION_PURGE,
    ACSA__PG_SNAPSHOT_GET,
    ACSA__PG_SNAPSHOT_PUT,
    ACSA__PG_STATEMENT,
    ACSA__PG_TOKEN_ADD,
    ACSA__PG_TOKEN_GET,
    ACSA__PG_TOKEN_LIST,
    ACSA__PG_TOKEN_REVOKE,
    ACSA__PG_TOKEN_USER,
    ACSA__PG_TOTALS_BY_METHOD,
    ACSA__PG_TOTALS_UNLIQUIDATED,
    ACSA__PG_TOTALS_YEARLY,
    ACSA__PG_UNIT_SERVICE_GET,
    ACSA__PG_UNIT_SERVICE_SET,
    ACSA__PG_USER_ADD,
    ACSA__PG_USER_DISABLE,
    ACSA__PG_USER_END_SESSIONS,
    ACSA__PG_USER_GET,
    ACSA__PG_USER_LIST,
    ACSA__PG_USER_REVOKE_TOKENS,
    ACSA__PG_DOCUMENT_ADD,
    ACSA__PG_DOCUMENT_GET,
    ACSA__PG_DOCUMENT_LIST,
    ACSA__PG_BLOB_PUT,
    ACSA__PG_BLOB_GET,
    ACSA__PG_SLOT_COUNT
};

/* The advisory lock every write transaction takes first: writers queue as SQLite's BEGIN
 * IMMEDIATE makes them queue, across every process on the database, so numbering stays
 * gap-free and the audit chain one chain. */
#define ACSA__PG_WRITE_LOCK "1633907553" /* "acsa" as a number, in SQL text. */

/* What a write transaction has already read of the reference tables (agreements, their
 * versions and events, activities, units), and the heads it has appended to the two
 * append-only logs. Every writer holds the write lock for its whole transaction, so within one
 * nothing changes these rows but the transaction itself: a write to a reference table, a
 * rollback of any level and the end of the transaction forget it all. It saves the round trips
 * that made an order cost some thirty statements on the writer. */
struct acsa__pg_cached_result {
    enum acsa__pg_slot slot;
    size_t key_len;
    char key[ACSA_STORE_PG_CACHE_KEY_SIZE]; /* The bound values, length-prefixed. */
    PGresult *res;
};

struct acsa__pg_cache {
    struct acsa__pg_cached_result results[ACSA_STORE_PG_CACHE_RESULTS];
    size_t count;
    size_t next; /* The entry a full cache gives up next (round robin). */
    bool seq_known;
    char seq_origin[ACSA_NATION_SIZE];
    int64_t seq; /* The last record seq of seq_origin. */
    bool audit_known;
    struct acsa_audit_record audit_last;
};

/* A begin_write level inside the transaction. A level begun before anything was written since
 * the savepoint below it shares that savepoint, since undoing either goes back to the same
 * state: the writer's level for one request and the application's level inside it cost one
 * SAVEPOINT and one RELEASE, not two of each. */
struct acsa__pg_level {
    unsigned mark;   /* The level whose savepoint this one returns to (itself: its own). */
    uint64_t writes; /* The handle's writes when that savepoint was made or returned to. */
};

/* The handle. base comes first so a struct acsa_store pointer converts to this one. */
struct acsa_store_pg {
    struct acsa_store base;                   /* vtbl of the PostgreSQL backend. */
    PGconn *conn;                             /* The one connection. */
    bool prepared[ACSA__PG_SLOT_COUNT];       /* Slot prepared on this connection. */
    bool writes_reference[ACSA__PG_SLOT_COUNT]; /* Slot's SQL writes a cached table. */
    unsigned depth;                           /* Open begin_write levels. */
    unsigned flags;                           /* The open flags a new session needs. */
    bool in_transaction;                      /* BEGIN sent, COMMIT or ROLLBACK not yet. */
    uint64_t writes;                          /* Statements run that may have written. */
    struct acsa__pg_level levels[ACSA_STORE_PG_LEVELS_MAX + 1]; /* By depth, from 2. */
    int64_t last_event_id;                    /* Of the last event inserted. */
    char last_state[6];                       /* SQLSTATE of the last failed statement. */
    struct acsa__pg_cache cache;              /* Of the open write transaction. */
};

static inline struct acsa_store_pg *acsa__pg_of(struct acsa_store *store)
{
    return (struct acsa_store_pg *)store;
}

/* No transaction is open on the connection: making it again loses nothing. */
static inline bool acsa__pg_idle(const struct acsa_store_pg *s)
{
    return !s->in_transaction && s->depth == 0;
}

/* Makes the connection again after the database dropped it (a restart, a standby promoted),
 * as it was opened, when no transaction was open on it (acsa__pg_idle). */
ACSA_NODISCARD enum acsa_rc acsa__pg_connected(struct acsa_store_pg *s, struct acsa_error *err);
/* Makes the connection again, as it was opened; any open transaction is gone with the old
 * one. */
ACSA_NODISCARD enum acsa_rc acsa__pg_reconnect(struct acsa_store_pg *s, struct acsa_error *err);

/* Forgets what the write transaction had read and appended (see struct acsa__pg_cache). */
void acsa__pg_cache_clear(struct acsa_store_pg *s);

/* ESTORAGE "storage: <message>" from a result (NULL: the connection's message). */
enum acsa_rc acsa__pg_fail(struct acsa_store_pg *s, const PGresult *res, struct acsa_error *err);
/* Runs constant SQL without values (transactions, schema). */
ACSA_NODISCARD enum acsa_rc acsa__pg_exec(struct acsa_store_pg *s, const char *sql,
                                          struct acsa_error *err);
/* The same where a failure is already being reported (undoing after an error). */
void acsa__pg_exec_quiet(struct acsa_store_pg *s, const char *sql);
/* A multi-statement write outside begin_write runs in a transaction of its own: begin opens it
 * when none is open, finish commits it (rc ACSA_OK) or rolls it back and returns rc. */
ACSA_NODISCARD enum acsa_rc acsa__pg_savepoint(struct acsa_store_pg *s, struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__pg_finish(struct acsa_store_pg *s, enum acsa_rc rc,
                                            struct acsa_error *err);
/* Whether the last failed statement broke a foreign key (a row it names is missing). */
bool acsa__pg_foreign_key(const struct acsa_store_pg *s);
/* Copies a lookup key before a get clears its output (the key may point into it). */
bool acsa__pg_key_copy(char *dst, size_t size, const char *src);

/* A value to bind to $1, $2, ...: text (NULL: SQL NULL), optional text ("" or NULL: NULL), an
 * integer, an optional integer (0: NULL), a day ('YYYY-MM-DD', ACSA_DATE_NONE: NULL) or a
 * blob. */
struct acsa__pg_value {
    const char *text;
    int64_t number;
    const void *blob;
    size_t blob_len;
    char kind; /* 't', 'o', 'i', 'z', 'd' or 'b'. */
};

#define PG_TEXT(v) {(v), 0, NULL, 0, 't'}
#define PG_OPT_TEXT(v) {(v), 0, NULL, 0, 'o'}
#define PG_INT(v) {NULL, (v), NULL, 0, 'i'}
#define PG_OPT_INT(v) {NULL, (v), NULL, 0, 'z'}
#define PG_DAY(v) {NULL, (v), NULL, 0, 'd'}
#define PG_BLOB(p, n) {NULL, 0, (p), (n), 'b'}
#define PG_COUNT(array) (sizeof(array) / sizeof((array)[0]))

struct acsa__pg_statement {
    enum acsa__pg_slot slot;
    const char *sql;
    const struct acsa__pg_value *values;
    size_t count;
    bool unique; /* A write whose failure (a key taken) is an answer: see run_write. */
    bool cached; /* A read of reference tables a write transaction keeps: see the cache. */
};

#define PG_STATEMENT(slot, sql, values) {(slot), (sql), (values), PG_COUNT(values), false, false}
#define PG_STATEMENT_UNIQUE(slot, sql, values)                                             \
    {(slot), (sql), (values), PG_COUNT(values), true, false}
#define PG_STATEMENT_CACHED(slot, sql, values)                                             \
    {(slot), (sql), (values), PG_COUNT(values), false, true}
#define PG_STATEMENT0(slot, sql) {(slot), (sql), NULL, 0, false, false}

/* Reading: each getter checks the stored value and remembers the first column that failed;
 * row_check turns that into ESTORAGE naming the column. */
struct acsa__pg_row {
    const PGresult *res;
    int row;
    int bad_column; /* -1, or the first column that held an invalid value. */
};

bool acsa__pg_col_null(const struct acsa__pg_row *row, int column);
/* NULL reads as "". */
void acsa__pg_col_text(struct acsa__pg_row *row, int column, char *buf, size_t size);
/* The text of a column as stored (NULL reads as ""), valid while the row is. */
const char *acsa__pg_col_raw(const struct acsa__pg_row *row, int column, size_t *out_len);
int64_t acsa__pg_col_int(struct acsa__pg_row *row, int column);
/* NULL reads as 0. */
int64_t acsa__pg_col_opt_int(struct acsa__pg_row *row, int column);
uint32_t acsa__pg_col_u32(struct acsa__pg_row *row, int column, uint32_t max);
/* NULL reads as ACSA_DATE_NONE. */
int32_t acsa__pg_col_day(struct acsa__pg_row *row, int column);
/* A numeric sum as 128 bits. */
acsa_wide acsa__pg_col_wide(struct acsa__pg_row *row, int column);
/* NULL reads as ACSA_STATE_DRAFT. */
enum acsa_state acsa__pg_col_state(struct acsa__pg_row *row, int column);
enum acsa_step acsa__pg_col_step(struct acsa__pg_row *row, int column);
enum acsa_method acsa__pg_col_method(struct acsa__pg_row *row, int column);
enum acsa_account acsa__pg_col_account(struct acsa__pg_row *row, int column);
bool acsa__pg_col_flag(struct acsa__pg_row *row, int column);
enum acsa_role acsa__pg_col_role(struct acsa__pg_row *row, int column);
/* A bytea column decoded into buf of exactly size bytes (a fixed-size hash or key). */
void acsa__pg_col_fixed(struct acsa__pg_row *row, int column, uint8_t *buf, size_t size);
/* A bytea column decoded into a new acsa_malloc'd buffer (NULL and 0 for SQL NULL). */
ACSA_NODISCARD enum acsa_rc acsa__pg_col_blob(struct acsa__pg_row *row, int column,
                                              uint8_t **out, size_t *out_len,
                                              struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__pg_row_check(const struct acsa__pg_row *row,
                                               struct acsa_error *err);

typedef enum acsa_rc (*acsa__pg_row_fn)(void *ctx, struct acsa__pg_row *row,
                                        struct acsa_error *err);

/* A statement that returns no rows (or a RETURNING row read into *out_id when not NULL). A
 * taken unique key is ACSA_EEXISTS with the message left to the caller. A failed statement
 * aborts a PostgreSQL transaction where SQLite's goes on, so a statement marked unique (whose
 * failure callers take as an answer and go on) is an INSERT ... ON CONFLICT DO NOTHING, and
 * nothing inserted is the taken key; any other failure leaves the transaction to the caller's
 * rollback. *out_changes (if not NULL): rows changed. */
ACSA_NODISCARD enum acsa_rc acsa__pg_run_write(struct acsa_store_pg *s,
                                               const struct acsa__pg_statement *st,
                                               int64_t *out_changes, int64_t *out_id,
                                               struct acsa_error *err);
/* A query: each row to fn until fn returns something other than ACSA_OK. The result is read
 * whole before the first callback, so a callback may call back into the store. */
ACSA_NODISCARD enum acsa_rc acsa__pg_run_query(struct acsa_store_pg *s,
                                               const struct acsa__pg_statement *st,
                                               acsa__pg_row_fn fn, void *ctx,
                                               int64_t *out_rows, struct acsa_error *err);
/* run_query of at most one row: ACSA_ENOTFOUND "<what> not found" if none. */
ACSA_NODISCARD enum acsa_rc acsa__pg_run_get(struct acsa_store_pg *s,
                                             const struct acsa__pg_statement *st,
                                             acsa__pg_row_fn fn, void *ctx, const char *what,
                                             struct acsa_error *err);

/* Schema (store_pg_schema.c). */
ACSA_NODISCARD enum acsa_rc acsa__pg_check_created(struct acsa_store_pg *s,
                                                   struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__pg_migrate(struct acsa_store_pg *s, struct acsa_error *err);

/* store_pg_ref.c: agreements, units, officials, activities. */
enum acsa_rc acsa__pg_agreement_put(struct acsa_store *store,
                         const struct acsa_agreement *agreement,
                         const char *canonical_json, const char *source_json,
                         struct acsa_error *err);
enum acsa_rc acsa__pg_agreement_get(struct acsa_store *store, const char *id,
                         acsa_agreement_json_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_agreement_list(struct acsa_store *store, acsa_agreement_json_cb cb,
                          void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_unit_add(struct acsa_store *store, const char *party, const char *name,
                               int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__pg_unit_get(struct acsa_store *store, int64_t id, char *party, char *name,
                               struct acsa_error *err);
enum acsa_rc acsa__pg_unit_list(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                                struct acsa_error *err);
enum acsa_rc acsa__pg_official_set_limit(struct acsa_store *store, const char *party,
                                         const char *name, const struct acsa_currency *currency,
                                         int64_t limit_minor, int64_t *out_id,
                                         struct acsa_error *err);
enum acsa_rc acsa__pg_official_get(struct acsa_store *store, const char *party,
                                   const char *name, struct acsa_official *out,
                                   struct acsa_error *err);
enum acsa_rc acsa__pg_official_list(struct acsa_store *store, acsa_official_cb cb, void *ctx,
                                    struct acsa_error *err);
enum acsa_rc acsa__pg_activity_add(struct acsa_store *store, const struct acsa_activity *activity,
                                   int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__pg_activity_get(struct acsa_store *store, int64_t id,
                                   struct acsa_activity *out, struct acsa_error *err);
enum acsa_rc acsa__pg_activity_list(struct acsa_store *store, const char *agreement_id,
                                    acsa_activity_cb cb, void *ctx, struct acsa_error *err);

/* store_pg_orders.c: order and invoice numbers, orders with lines, events and postings. */
enum acsa_rc acsa__pg_order_next_sequence(struct acsa_store *store, const char *requester,
                                          const char *supplier, int32_t year,
                                          int64_t *out_sequence, struct acsa_error *err);
enum acsa_rc acsa__pg_invoice_next_sequence(struct acsa_store *store, const char *series,
                                            int32_t year, int64_t *out_sequence,
                                            struct acsa_error *err);
enum acsa_rc acsa__pg_order_insert(struct acsa_store *store, const struct acsa_order *order,
                                   const struct acsa_event *event, struct acsa_error *err);
enum acsa_rc acsa__pg_order_update(struct acsa_store *store, const struct acsa_order *order,
                                   const struct acsa_event *event, struct acsa_error *err);
enum acsa_rc acsa__pg_order_get(struct acsa_store *store, const char *number,
                                struct acsa_order *out, struct acsa_error *err);
/* ACSA_OK if the order exists, ACSA_ENOTFOUND naming it, or a storage error. */
ACSA_NODISCARD enum acsa_rc acsa__pg_order_exists(struct acsa_store_pg *s, const char *number,
                                                  struct acsa_error *err);

/* store_pg_reports.c: order lists, the events of an order, the balance. */
/* The order list's filter (struct acsa_order_filter) over the table orders, not aliased: its
 * values bind $1 .. $15 (acsa__pg_order_filter_values), as ACSA__SQLITE_ORDER_FILTER. */
#define ACSA__PG_ORDER_FILTER                                                                \
    "($1::text IS NULL OR state = $1) "                                                     \
    "AND ($2::text IS NULL OR agreement_id = $2) "                                          \
    "AND ($3::bigint IS NULL OR activity_id = $3) "                                         \
    "AND ($4::text IS NULL OR requester = $4 OR supplier = $4) "                            \
    "AND ($5::text IS NULL OR (due_on < $5 AND state IN ($6, $7, $8, $13) "                \
    "AND ($14::bigint IS NULL OR outstanding_minor > 0) "                                   \
    "AND ($9::bigint IS NULL OR method <> $10) "                                            \
    "AND ($15::bigint IS NULL OR converted = 0))) "                                         \
    "AND ($11::text IS NULL OR number > $11) "                                              \
    "AND ($12::text IS NULL OR strpos(number, $12) > 0 OR EXISTS (SELECT 1 FROM "           \
    "order_lines l WHERE l.order_number = orders.number AND "                               \
    "strpos(lower(l.description), lower($12)) > 0)) "
#define ACSA__PG_ORDER_FILTER_VALUES 15
/* The columns of an order summary (acsa__pg_summary_read reads them from column 0). */
#define ACSA__PG_SUMMARY_COLUMNS                                                             \
    "orders.number, orders.agreement_id, orders.requester, orders.supplier, "               \
    "orders.activity_id, orders.method, orders.state, orders.currency, orders.exponent, "   \
    "orders.value_minor, orders.outstanding_minor, orders.created_on, orders.delivered_on, " \
    "orders.due_on, orders.requester_unit_id, orders.supplier_unit_id"
void acsa__pg_order_filter_values(const struct acsa_order_filter *filter,
                                  struct acsa__pg_value *values);
ACSA_NODISCARD enum acsa_rc acsa__pg_summary_read(struct acsa__pg_row *row,
                                                  struct acsa_order_summary *out_summary,
                                                  struct acsa_error *err);
/* store_pg_export.c: the lines and postings of the orders a filter selects. */
enum acsa_rc acsa__pg_order_line_list(struct acsa_store *store,
                                      const struct acsa_order_filter *filter,
                                      acsa_order_line_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_posting_list(struct acsa_store *store,
                                   const struct acsa_order_filter *filter, int32_t from_day,
                                   int32_t to_day, acsa_posting_row_cb cb, void *ctx,
                                   struct acsa_error *err);
enum acsa_rc acsa__pg_order_list(struct acsa_store *store, const struct acsa_order_filter *filter,
                                 acsa_order_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_event_list(struct acsa_store *store, const char *order_number,
                                 acsa_event_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_balance(struct acsa_store *store, const char *partner, int32_t as_of_day,
                              acsa_balance_cb cb, void *ctx, struct acsa_error *err);
/* store_pg_totals.c: the reports of requirement 15. */
enum acsa_rc acsa__pg_statement(struct acsa_store *store, const char *partner,
                                const char *currency, enum acsa_account account_a,
                                enum acsa_account account_b, int32_t from_day, int32_t to_day,
                                acsa_statement_row_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_order_totals(struct acsa_store *store, const struct acsa_totals_query *query,
                                   acsa_totals_cb cb, void *ctx, struct acsa_error *err);

/* store_pg_auth.c, store_pg_sync.c, store_pg_grants.c, store_pg_life.c,
 * store_pg_quarantine.c, store_pg_snapshot.c: the rest of the vtable, as the SQLite files of
 * the same names. */
enum acsa_rc acsa__pg_user_add(struct acsa_store *store, const struct acsa_user *user,
                               const char *password_hash, int64_t created_s,
                               int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__pg_user_get(struct acsa_store *store, const char *username,
                               struct acsa_user *out, char *password_hash,
                               struct acsa_error *err);
enum acsa_rc acsa__pg_user_list(struct acsa_store *store, acsa_user_cb cb, void *ctx,
                                struct acsa_error *err);
enum acsa_rc acsa__pg_user_disable(struct acsa_store *store, int64_t user_id,
                                   struct acsa_error *err);
enum acsa_rc acsa__pg_session_add(struct acsa_store *store, const char *token_hash,
                                  int64_t user_id, const char *csrf, int64_t created_s,
                                  int64_t expires_s, struct acsa_error *err);
enum acsa_rc acsa__pg_session_get(struct acsa_store *store, const char *token_hash,
                                  int64_t now_s, struct acsa_user *out_user, char *out_csrf,
                                  struct acsa_error *err);
enum acsa_rc acsa__pg_session_delete(struct acsa_store *store, const char *token_hash,
                                     struct acsa_error *err);
enum acsa_rc acsa__pg_session_purge(struct acsa_store *store, int64_t now_s,
                                    struct acsa_error *err);
enum acsa_rc acsa__pg_token_add(struct acsa_store *store, int64_t user_id, const char *name,
                                const char *token_hash, int64_t created_s, int64_t *out_id,
                                struct acsa_error *err);
enum acsa_rc acsa__pg_token_user(struct acsa_store *store, const char *token_hash,
                                 struct acsa_user *out, struct acsa_error *err);
enum acsa_rc acsa__pg_token_get(struct acsa_store *store, int64_t id,
                                struct acsa_token_info *out, struct acsa_error *err);
enum acsa_rc acsa__pg_token_revoke(struct acsa_store *store, int64_t id,
                                   struct acsa_error *err);
enum acsa_rc acsa__pg_token_list(struct acsa_store *store, const char *username,
                                 acsa_token_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_idempotency_get(struct acsa_store *store, int64_t user_id,
                                      const char *key, struct acsa_idempotency_row *out,
                                      struct acsa_error *err);
enum acsa_rc acsa__pg_idempotency_put(struct acsa_store *store, int64_t user_id,
                                      const char *key, const char *request_hash, int status,
                                      const char *body, int64_t created_s,
                                      struct acsa_error *err);
enum acsa_rc acsa__pg_idempotency_purge(struct acsa_store *store, int64_t before_s,
                                        struct acsa_error *err);
enum acsa_rc acsa__pg_audit_last(struct acsa_store *store, struct acsa_audit_record *out,
                                 struct acsa_error *err);
enum acsa_rc acsa__pg_audit_append(struct acsa_store *store,
                                   const struct acsa_audit_record *record,
                                   struct acsa_error *err);
enum acsa_rc acsa__pg_audit_list(struct acsa_store *store, int64_t after_id, uint32_t limit,
                                 acsa_audit_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_peer_put(struct acsa_store *store, const struct acsa_peer *peer,
                               struct acsa_error *err);
enum acsa_rc acsa__pg_peer_get(struct acsa_store *store, const char *party,
                               struct acsa_peer *out, struct acsa_error *err);
enum acsa_rc acsa__pg_peer_list(struct acsa_store *store, acsa_peer_cb cb, void *ctx,
                                struct acsa_error *err);
enum acsa_rc acsa__pg_peer_advance(struct acsa_store *store, const char *party,
                                   int64_t received_through, int64_t acked_through,
                                   int64_t last_sync_s, struct acsa_error *err);
enum acsa_rc acsa__pg_record_append(struct acsa_store *store, const struct acsa_record_row *row,
                                    struct acsa_error *err);
enum acsa_rc acsa__pg_record_get(struct acsa_store *store, const char *origin, int64_t seq,
                                 struct acsa_record_row *out, struct acsa_error *err);
enum acsa_rc acsa__pg_record_last_seq(struct acsa_store *store, const char *origin,
                                      int64_t *out_seq, struct acsa_error *err);
enum acsa_rc acsa__pg_record_scan(struct acsa_store *store, const char *origin,
                                  const char *partner, int64_t after_seq, uint32_t limit,
                                  acsa_record_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_record_list(struct acsa_store *store, const char *number,
                                  acsa_record_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_chain_head(struct acsa_store *store, const char *number,
                                 uint8_t out_hash[ACSA_HASH_SIZE], struct acsa_error *err);
enum acsa_rc acsa__pg_chain_head_set(struct acsa_store *store, const char *number,
                                     const uint8_t hash[ACSA_HASH_SIZE],
                                     struct acsa_error *err);
enum acsa_rc acsa__pg_record_in_chain(struct acsa_store *store, const char *number,
                                      const uint8_t hash[ACSA_HASH_SIZE], bool *out,
                                      struct acsa_error *err);
enum acsa_rc acsa__pg_batch_add(struct acsa_store *store, const char *peer, const char *via,
                                int64_t first_seq, int64_t last_seq, uint32_t count,
                                const uint8_t digest[ACSA_HASH_SIZE],
                                const uint8_t signature[ACSA_SIGNATURE_SIZE], int64_t at_s,
                                int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__pg_quarantine_add(struct acsa_store *store,
                                     const struct acsa_quarantine_row *row,
                                     struct acsa_error *err);
enum acsa_rc acsa__pg_quarantine_list(struct acsa_store *store, uint32_t limit,
                                      acsa_quarantine_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_ref_bind(struct acsa_store *store, enum acsa_ref_kind kind,
                               int64_t local_id, const char *origin, int64_t origin_id,
                               struct acsa_error *err);
enum acsa_rc acsa__pg_ref_find(struct acsa_store *store, enum acsa_ref_kind kind,
                               const char *origin, int64_t origin_id, int64_t *out_local_id,
                               struct acsa_error *err);
enum acsa_rc acsa__pg_ref_origin(struct acsa_store *store, enum acsa_ref_kind kind,
                                 int64_t local_id, char out_origin[ACSA_NATION_SIZE],
                                 int64_t *out_origin_id, struct acsa_error *err);
enum acsa_rc acsa__pg_ref_by_name(struct acsa_store *store, enum acsa_ref_kind kind,
                                  const char *scope, const char *name, int64_t *out_local_id,
                                  struct acsa_error *err);
enum acsa_rc acsa__pg_order_fingerprints(struct acsa_store *store, const char *partner,
                                         acsa_fingerprint_cb cb, void *ctx,
                                         struct acsa_error *err);
enum acsa_rc acsa__pg_grant_add(struct acsa_store *store, const struct acsa_grant *grant,
                                const char *origin, int64_t origin_id, int64_t *out_id,
                                struct acsa_error *err);
enum acsa_rc acsa__pg_grant_revoke(struct acsa_store *store, int64_t id, int32_t day,
                                   const char *reason, struct acsa_error *err);
enum acsa_rc acsa__pg_grant_list(struct acsa_store *store, const char *party, const char *name,
                                 int32_t as_of_day, acsa_grant_cb cb, void *ctx,
                                 struct acsa_error *err);
enum acsa_rc acsa__pg_grant_find(struct acsa_store *store, const char *origin,
                                 int64_t origin_id, int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__pg_agreement_version_add_by(struct acsa_store *store,
                                    const struct acsa_agreement *agreement,
                                    int32_t effective_day, const char *canonical_json,
                                    const char *source_json, const char *party,
                                    struct acsa_error *err);
enum acsa_rc acsa__pg_agreement_version_get(struct acsa_store *store, const char *id,
                                 uint32_t index, acsa_agreement_json_cb cb, void *ctx,
                                 int32_t *out_effective_day, char *entered_by,
                                 struct acsa_error *err);
enum acsa_rc acsa__pg_agreement_event_add(struct acsa_store *store, const char *id,
                                          const char *kind, int32_t day, const char *party,
                                          const char *reason, struct acsa_error *err);
enum acsa_rc acsa__pg_agreement_event_get(struct acsa_store *store, const char *id,
                                          const char *kind, int32_t *out_day, char *party,
                                          char *reason, struct acsa_error *err);
enum acsa_rc acsa__pg_unit_service_set(struct acsa_store *store, int64_t id,
                                       const char *service, struct acsa_error *err);
enum acsa_rc acsa__pg_unit_service_get(struct acsa_store *store, int64_t id, char *service,
                                       struct acsa_error *err);
enum acsa_rc acsa__pg_quarantine_select(struct acsa_store *store, int64_t id, bool all,
                                        uint32_t limit, acsa_quarantine_cb cb, void *ctx,
                                        struct acsa_error *err);
enum acsa_rc acsa__pg_quarantine_decide(struct acsa_store *store,
                                        const struct acsa_quarantine_decision *d,
                                        struct acsa_error *err);
enum acsa_rc acsa__pg_batch_of_record(struct acsa_store *store, const char *peer,
                                      int64_t seq, int64_t *out_batch_id,
                                      struct acsa_error *err);
enum acsa_rc acsa__pg_snapshot_put(struct acsa_store *store,
                                   const struct acsa_snapshot_row *row,
                                   struct acsa_error *err);
enum acsa_rc acsa__pg_snapshot_get(struct acsa_store *store, const char *party,
                                   struct acsa_snapshot_row *out, struct acsa_error *err);

/* store_pg_documents.c: supporting documents and their bytes. */
enum acsa_rc acsa__pg_document_add(struct acsa_store *store, const struct acsa_document_ref *ref,
                                   const char *origin, struct acsa_error *err);
enum acsa_rc acsa__pg_document_get(struct acsa_store *store, const char *id,
                                   struct acsa_document_row *out, struct acsa_error *err);
enum acsa_rc acsa__pg_document_list(struct acsa_store *store, const char *number, bool pending,
                                    acsa_document_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__pg_blob_put(struct acsa_store *store, const uint8_t sha256[ACSA_HASH_SIZE],
                               const uint8_t *bytes, size_t len, struct acsa_error *err);
enum acsa_rc acsa__pg_blob_get(struct acsa_store *store, const uint8_t sha256[ACSA_HASH_SIZE],
                               uint8_t **out, size_t *out_len, struct acsa_error *err);

#endif
