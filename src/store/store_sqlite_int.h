/* SPDX-License-Identifier: MIT */
/* Internals shared by the store_sqlite_*.c files: the handle, its statement cache, and the
 * helpers that bind values and read columns, so every file maps types and errors one way. */
#ifndef ACSA_STORE_SQLITE_INT_H
#define ACSA_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"
#include "store_sqlite.h"

/* One cache slot per SQL statement. Each slot is used by exactly one call site, which passes
 * the same SQL text every time, so the slot can be filled lazily on first use. */
enum acsa__sqlite_slot {
    ACSA__SQLITE_META_GET,
    ACSA__SQLITE_META_SET,
    ACSA__SQLITE_AGREEMENT_PUT,
    ACSA__SQLITE_AGREEMENT_GET,
    ACSA__SQLITE_AGREEMENT_LIST,
    ACSA__SQLITE_UNIT_ADD,
    ACSA__SQLITE_UNIT_GET,
    ACSA__SQLITE_UNIT_LIST,
    ACSA__SQLITE_OFFICIAL_ADD,
    ACSA__SQLITE_OFFICIAL_ID,
    ACSA__SQLITE_LIMIT_COUNT,
    ACSA__SQLITE_LIMIT_SET,
    ACSA__SQLITE_OFFICIAL_GET,
    ACSA__SQLITE_OFFICIAL_LIST,
    ACSA__SQLITE_ACTIVITY_ADD,
    ACSA__SQLITE_ACTIVITY_GET,
    ACSA__SQLITE_ACTIVITY_LIST,
    ACSA__SQLITE_SEQUENCE_BUMP,
    ACSA__SQLITE_SEQUENCE_GET,
    ACSA__SQLITE_ORDER_INSERT,
    ACSA__SQLITE_ORDER_UPDATE,
    ACSA__SQLITE_LINE_UPSERT,
    ACSA__SQLITE_LINE_TRIM,
    ACSA__SQLITE_EVENT_INSERT,
    ACSA__SQLITE_POSTING_INSERT,
    ACSA__SQLITE_ORDER_GET,
    ACSA__SQLITE_ORDER_LINES,
    ACSA__SQLITE_ORDER_HISTORY,
    ACSA__SQLITE_ORDER_EXISTS,
    ACSA__SQLITE_ORDER_LIST,
    ACSA__SQLITE_ORDER_LINE_LIST,
    ACSA__SQLITE_POSTING_LIST,
    ACSA__SQLITE_EVENT_LIST,
    ACSA__SQLITE_BALANCE,
    ACSA__SQLITE_BALANCE_PARTNER,
    ACSA__SQLITE_BALANCE_KEPT,
    ACSA__SQLITE_BALANCE_KEPT_PARTNER,
    ACSA__SQLITE_USER_ADD,
    ACSA__SQLITE_USER_GET,
    ACSA__SQLITE_USER_LIST,
    ACSA__SQLITE_USER_DISABLE,
    ACSA__SQLITE_USER_END_SESSIONS,
    ACSA__SQLITE_USER_REVOKE_TOKENS,
    ACSA__SQLITE_SESSION_ADD,
    ACSA__SQLITE_SESSION_GET,
    ACSA__SQLITE_SESSION_DELETE,
    ACSA__SQLITE_SESSION_PURGE,
    ACSA__SQLITE_TOKEN_ADD,
    ACSA__SQLITE_TOKEN_USER,
    ACSA__SQLITE_TOKEN_GET,
    ACSA__SQLITE_TOKEN_REVOKE,
    ACSA__SQLITE_TOKEN_LIST,
    ACSA__SQLITE_IDEMPOTENCY_GET,
    ACSA__SQLITE_IDEMPOTENCY_PUT,
    ACSA__SQLITE_IDEMPOTENCY_PURGE,
    ACSA__SQLITE_AUDIT_LAST,
    ACSA__SQLITE_AUDIT_APPEND,
    ACSA__SQLITE_AUDIT_LIST,
    ACSA__SQLITE_PEER_PUT,
    ACSA__SQLITE_PEER_GET,
    ACSA__SQLITE_PEER_LIST,
    ACSA__SQLITE_PEER_ADVANCE,
    ACSA__SQLITE_RECORD_APPEND,
    ACSA__SQLITE_RECORD_HEAD,
    ACSA__SQLITE_RECORD_HEAD_OTHER,
    ACSA__SQLITE_RECORD_GET,
    ACSA__SQLITE_RECORD_LAST,
    ACSA__SQLITE_RECORD_SCAN,
    ACSA__SQLITE_CHAIN_HEAD,
    ACSA__SQLITE_RECORD_IN_CHAIN,
    ACSA__SQLITE_RECORD_LIST,
    ACSA__SQLITE_BATCH_ADD,
    ACSA__SQLITE_QUARANTINE_ADD,
    ACSA__SQLITE_QUARANTINE_LIST,
    ACSA__SQLITE_REF_BIND_ACTIVITY,
    ACSA__SQLITE_REF_BIND_UNIT,
    ACSA__SQLITE_REF_FIND_ACTIVITY,
    ACSA__SQLITE_REF_FIND_UNIT,
    ACSA__SQLITE_REF_ORIGIN_ACTIVITY,
    ACSA__SQLITE_REF_ORIGIN_UNIT,
    ACSA__SQLITE_REF_NAME_ACTIVITY,
    ACSA__SQLITE_REF_NAME_UNIT,
    ACSA__SQLITE_FINGERPRINTS,
    ACSA__SQLITE_FIX_DISPUTED,
    ACSA__SQLITE_FIX_CLOSED,
    ACSA__SQLITE_FIX_AMEND,
    ACSA__SQLITE_INVOICE_UPSERT,
    ACSA__SQLITE_INVOICE_LIST,
    ACSA__SQLITE_INVOICE_SEQ,
    ACSA__SQLITE_AGREEMENT_VERSION_ADD,
    ACSA__SQLITE_AGREEMENT_VERSION_GET,
    ACSA__SQLITE_AGREEMENT_EVENT_ADD,
    ACSA__SQLITE_AGREEMENT_EVENT_GET,
    ACSA__SQLITE_UNIT_SERVICE_SET,
    ACSA__SQLITE_UNIT_SERVICE_GET,
    ACSA__SQLITE_CHAIN_HEAD_SET,
    ACSA__SQLITE_QUARANTINE_ONE,
    ACSA__SQLITE_QUARANTINE_OPEN,
    ACSA__SQLITE_QUARANTINE_ALL,
    ACSA__SQLITE_QUARANTINE_DECIDE,
    ACSA__SQLITE_BATCH_OF_RECORD,
    ACSA__SQLITE_SNAPSHOT_PUT,
    ACSA__SQLITE_SNAPSHOT_GET,
    ACSA__SQLITE_STATEMENT,
    ACSA__SQLITE_TOTALS_UNLIQUIDATED,
    ACSA__SQLITE_TOTALS_BY_METHOD,
    ACSA__SQLITE_TOTALS_YEARLY,
    ACSA__SQLITE_DOCUMENT_ADD,
    ACSA__SQLITE_DOCUMENT_GET,
    ACSA__SQLITE_DOCUMENT_LIST,
    ACSA__SQLITE_BLOB_PUT,
    ACSA__SQLITE_BLOB_GET,
    ACSA__SQLITE_SLOT_COUNT
};


/* Savepoint statements of the nesting levels 2 .. ACSA__SQLITE_LEVELS_KEPT + 1, kept
 * prepared: a command inside a batch opens and ends a level or two, and parsing their SQL
 * every time is a good part of its cost. Deeper levels are run from their text. */
#define ACSA__SQLITE_LEVELS_KEPT 8
enum acsa__sqlite_level_verb {
    ACSA__SQLITE_SAVEPOINT,
    ACSA__SQLITE_RELEASE,
    ACSA__SQLITE_ROLLBACK_TO,
    ACSA__SQLITE_LEVEL_VERBS
};

/* The handle. base comes first so a struct acsa_store pointer converts to this one. */
struct acsa_store_sqlite {
    struct acsa_store base;                            /* vtbl of the SQLite backend. */
    sqlite3 *db;                                       /* The one connection. */
    sqlite3_stmt *stmts[ACSA__SQLITE_SLOT_COUNT];      /* Cached statements, NULL until used. */
    bool in_use[ACSA__SQLITE_SLOT_COUNT];              /* Held by a running call or scan. */
    unsigned depth;                                    /* Open begin_write levels. */
    sqlite3_stmt *levels[ACSA__SQLITE_LEVEL_VERBS][ACSA__SQLITE_LEVELS_KEPT]; /* NULL until
                                                          used. */
    int64_t last_event_id;                             /* Of the last event inserted. */
};

static inline struct acsa_store_sqlite *acsa__sqlite_of(struct acsa_store *store)
{
    return (struct acsa_store_sqlite *)store;
}

/* Errors. fail reports the connection's last error as ESTORAGE "storage: <message>" (ENOMEM
 * for SQLITE_NOMEM); call it before resetting the failed statement, which may clear it. */
enum acsa_rc acsa__sqlite_fail(struct acsa_store_sqlite *s, struct acsa_error *err);
/* Copies every page of from into the new file path (SQLite's online backup API; EEXISTS if
 * path exists; nothing left behind on failure). */
enum acsa_rc acsa__sqlite_backup_pages(sqlite3 *from, const char *path, struct acsa_error *err);
/* Copies a lookup key (order number, agreement id, name) into a local buffer before a get
 * clears its output: the key may point into that output, as when an order is reloaded in
 * place. False when the key is longer than any stored key can be. */
bool acsa__sqlite_key_copy(char *dst, size_t size, const char *src);
/* Whether a step result is the violation of a UNIQUE or PRIMARY KEY constraint. */
bool acsa__sqlite_is_unique(int code);
/* Whether a step result is the violation of a FOREIGN KEY constraint. */
bool acsa__sqlite_is_foreign_key(int code);

/* Whether SQLite rolled back the transaction the handle still counts as open. */
bool acsa__sqlite_transaction_lost(const struct acsa_store_sqlite *s);

/* The statement of slot, with bindings cleared. A slot still held by an outer scan (a
 * callback calling back into the store) yields a private statement instead, so scans nest.
 * Every successful acquire is paired with one release. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_acquire(struct acsa_store_sqlite *s,
                                                 enum acsa__sqlite_slot slot, const char *sql,
                                                 sqlite3_stmt **out_stmt,
                                                 struct acsa_error *err);
void acsa__sqlite_release(struct acsa_store_sqlite *s, enum acsa__sqlite_slot slot,
                          sqlite3_stmt *stmt);

/* Savepoints make a multi-statement write all or nothing even outside begin_write. finish
 * releases the savepoint when rc is ACSA_OK and rolls back to it otherwise; it returns rc,
 * or the error of the release. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_savepoint(struct acsa_store_sqlite *s,
                                                   struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__sqlite_finish(struct acsa_store_sqlite *s, enum acsa_rc rc,
                                                struct acsa_error *err);

/* Binding: the first failing bind is kept in rc and later binds are skipped, so a caller
 * binds every value and checks once. Texts are copied (SQLITE_TRANSIENT) because many come
 * from short-lived buffers. */
struct acsa__sqlite_bind {
    sqlite3_stmt *stmt; /* The statement bound. */
    int rc;             /* SQLITE_OK, or the first failure. */
};

void acsa__sqlite_bind_init(struct acsa__sqlite_bind *b, sqlite3_stmt *stmt);
/* NULL binds SQL NULL. */
void acsa__sqlite_bind_text(struct acsa__sqlite_bind *b, int index, const char *text);
/* NULL and "" bind SQL NULL: for optional references such as exchanged_with. */
void acsa__sqlite_bind_opt_text(struct acsa__sqlite_bind *b, int index, const char *text);
void acsa__sqlite_bind_int(struct acsa__sqlite_bind *b, int index, int64_t value);
/* 0 binds SQL NULL: for optional ids and line numbers. */
void acsa__sqlite_bind_opt_int(struct acsa__sqlite_bind *b, int index, int64_t value);
/* A day number as 'YYYY-MM-DD'; ACSA_DATE_NONE binds SQL NULL. */
void acsa__sqlite_bind_day(struct acsa__sqlite_bind *b, int index, int32_t day);

/* Reading: each getter checks the stored value (type, range, known name, text length) and
 * remembers the first column that failed; check then turns that into ESTORAGE naming the
 * column, so a damaged database is reported instead of read as wrong numbers. */
struct acsa__sqlite_row {
    sqlite3_stmt *stmt; /* The statement positioned on a row. */
    int bad_column;     /* -1, or the first column that held an invalid value. */
};

void acsa__sqlite_row_init(struct acsa__sqlite_row *row, sqlite3_stmt *stmt);
/* NULL reads as "". */
void acsa__sqlite_col_text(struct acsa__sqlite_row *row, int column, char *buf, size_t size);
int64_t acsa__sqlite_col_int(struct acsa__sqlite_row *row, int column);
/* NULL reads as 0 (the counterpart of bind_opt_int). */
int64_t acsa__sqlite_col_opt_int(struct acsa__sqlite_row *row, int column);
/* Integers that must fit a narrower field, 0..max; NULL reads as 0. */
uint32_t acsa__sqlite_col_u32(struct acsa__sqlite_row *row, int column, uint32_t max);
/* NULL reads as ACSA_DATE_NONE. */
int32_t acsa__sqlite_col_day(struct acsa__sqlite_row *row, int column);
/* NULL reads as ACSA_STATE_DRAFT (the counterpart of how state_before_dispute is stored). */
enum acsa_state acsa__sqlite_col_state(struct acsa__sqlite_row *row, int column);
enum acsa_step acsa__sqlite_col_step(struct acsa__sqlite_row *row, int column);
enum acsa_method acsa__sqlite_col_method(struct acsa__sqlite_row *row, int column);
enum acsa_account acsa__sqlite_col_account(struct acsa__sqlite_row *row, int column);
/* 0 or 1 as false or true. */
bool acsa__sqlite_col_flag(struct acsa__sqlite_row *row, int column);
enum acsa_role acsa__sqlite_col_role(struct acsa__sqlite_row *row, int column);
ACSA_NODISCARD enum acsa_rc acsa__sqlite_row_check(const struct acsa__sqlite_row *row,
                                                   struct acsa_error *err);

/* Runners (store_sqlite_run.c): a statement of one slot and the values to bind to ?1, ?2, ...
 * A value is text (NULL binds SQL NULL), an integer, a day, a blob or SQL NULL; the optional
 * forms bind SQL NULL for "none" (NULL or "" text, integer 0). */
struct acsa__sqlite_value {
    const char *text;
    int64_t number;
    const void *blob;
    size_t blob_len;
    char kind; /* 't' text, 'o' optional text, 'i' integer, 'n' optional integer, 'd' day (as
                * 'YYYY-MM-DD'; ACSA_DATE_NONE for none), 'b' blob, '-' SQL NULL. */
};

#define TEXT(v) {(v), 0, NULL, 0, 't'}
#define OPT_TEXT(v) {(v), 0, NULL, 0, 'o'}
#define INT(v) {NULL, (v), NULL, 0, 'i'}
#define OPT_INT(v) {NULL, (v), NULL, 0, 'n'}
/* An integer whose 0 is a value too when present, SQL NULL when not. */
#define INT_IF(present, v) {NULL, (v), NULL, 0, (present) ? 'i' : '-'}
#define BLOB(p, n) {NULL, 0, (p), (n), 'b'}
#define DAY(v) {NULL, (v), NULL, 0, 'd'}
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

/* The slot of a statement prepared for one run and finalized after it: SQL built at run time
 * (the copy's per-table queries), run once per open (the schema's), or rare enough not to
 * keep (the grants'). */
#define ACSA__SQLITE_ONCE ACSA__SQLITE_SLOT_COUNT

/* What run_write makes of a violated constraint; the answers leave the message to the
 * caller, a failure is ESTORAGE with SQLite's message. */
enum acsa__sqlite_keys {
    ACSA__SQLITE_KEYS_UNIQUE, /* A taken unique key is ACSA_EEXISTS; others are failures. */
    ACSA__SQLITE_KEYS_REFS,   /* As UNIQUE, and a missing reference (FOREIGN KEY) is
                               * ACSA_ENOTFOUND. */
    ACSA__SQLITE_KEYS_FAIL    /* Every violation is a failure. */
};

struct acsa__sqlite_statement {
    enum acsa__sqlite_slot slot; /* A cache slot, or ACSA__SQLITE_ONCE. */
    const char *sql;
    const struct acsa__sqlite_value *values;
    size_t count;
    enum acsa__sqlite_keys keys;
};

#define STATEMENT_KEYS(slot, sql, values, keys) {(slot), (sql), (values), COUNT(values), (keys)}
#define STATEMENT(slot, sql, values) STATEMENT_KEYS(slot, sql, values, ACSA__SQLITE_KEYS_UNIQUE)
/* A statement whose every violated constraint is a storage failure. */
#define STATEMENT_PLAIN(slot, sql, values) STATEMENT_KEYS(slot, sql, values, ACSA__SQLITE_KEYS_FAIL)
/* A statement whose missing references are the caller's to report. */
#define STATEMENT_REFS(slot, sql, values) STATEMENT_KEYS(slot, sql, values, ACSA__SQLITE_KEYS_REFS)
/* A statement without values. */
#define STATEMENT_BARE(slot, sql) {(slot), (sql), NULL, 0, ACSA__SQLITE_KEYS_UNIQUE}

/* Reads the current row; returns ACSA_OK to go on. */
typedef enum acsa_rc (*acsa__sqlite_row_fn)(void *ctx, struct acsa__sqlite_row *row,
                                            struct acsa_error *err);

/* Runs a statement that returns no rows. A violated constraint is an answer or a failure as
 * st->keys says (by default a taken unique key is ACSA_EEXISTS with the message left to the
 * caller). *out_changes (if not NULL) is the number of rows changed. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_run_write(struct acsa_store_sqlite *s,
                                                   const struct acsa__sqlite_statement *st,
                                                   int64_t *out_changes,
                                                   struct acsa_error *err);
/* Runs a query and hands each row to fn until fn returns something other than ACSA_OK.
 * *out_rows (if not NULL) is the number of rows read. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_run_query(struct acsa_store_sqlite *s,
                                                   const struct acsa__sqlite_statement *st,
                                                   acsa__sqlite_row_fn fn, void *ctx,
                                                   int64_t *out_rows, struct acsa_error *err);
/* Runs a statement without values that is kept prepared by its caller (the savepoint levels),
 * to its end, and resets it. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_run_kept(struct acsa_store_sqlite *s, sqlite3_stmt *stmt,
                                                  struct acsa_error *err);
/* run_query for a query of at most one row: ACSA_ENOTFOUND, with what, if there was none. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_run_get(struct acsa_store_sqlite *s,
                                                 const struct acsa__sqlite_statement *st,
                                                 acsa__sqlite_row_fn fn, void *ctx,
                                                 const char *what, struct acsa_error *err);

/* Schema (store_sqlite_schema.c). check_created refuses, without writing, a database that
 * acsa never migrated: ACSA_EUSAGE naming path. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_check_created(struct acsa_store_sqlite *s,
                                                       const char *path,
                                                       struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__sqlite_migrate(struct acsa_store_sqlite *s,
                                                 struct acsa_error *err);

/* The vtable entries, by file. store_sqlite_ref.c: agreements, units, officials, activities. */
enum acsa_rc acsa__sqlite_agreement_put(struct acsa_store *store,
                         const struct acsa_agreement *agreement,
                         const char *canonical_json, const char *source_json,
                         struct acsa_error *err);
enum acsa_rc acsa__sqlite_agreement_get(struct acsa_store *store, const char *id,
                         acsa_agreement_json_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_agreement_list(struct acsa_store *store, acsa_agreement_json_cb cb,
                          void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_unit_add(struct acsa_store *store, const char *party, const char *name,
                                   int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__sqlite_unit_get(struct acsa_store *store, int64_t id, char *party, char *name,
                                   struct acsa_error *err);
enum acsa_rc acsa__sqlite_unit_list(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                                    struct acsa_error *err);
enum acsa_rc acsa__sqlite_official_set_limit(struct acsa_store *store, const char *party,
                                             const char *name,
                                             const struct acsa_currency *currency,
                                             int64_t limit_minor, int64_t *out_id,
                                             struct acsa_error *err);
enum acsa_rc acsa__sqlite_official_get(struct acsa_store *store, const char *party,
                                       const char *name, struct acsa_official *out,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_official_list(struct acsa_store *store, acsa_official_cb cb,
                                        void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_activity_add(struct acsa_store *store,
                                       const struct acsa_activity *activity, int64_t *out_id,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_activity_get(struct acsa_store *store, int64_t id,
                                       struct acsa_activity *out, struct acsa_error *err);
enum acsa_rc acsa__sqlite_activity_list(struct acsa_store *store, const char *agreement_id,
                                        acsa_activity_cb cb, void *ctx,
                                        struct acsa_error *err);

/* store_sqlite_orders.c: order numbers, orders with lines, events and postings. */
enum acsa_rc acsa__sqlite_order_next_sequence(struct acsa_store *store, const char *requester,
                                              const char *supplier, int32_t year,
                                              int64_t *out_sequence, struct acsa_error *err);
enum acsa_rc acsa__sqlite_order_insert(struct acsa_store *store, const struct acsa_order *order,
                                       const struct acsa_event *event, struct acsa_error *err);
enum acsa_rc acsa__sqlite_order_get(struct acsa_store *store, const char *number,
                                    struct acsa_order *out, struct acsa_error *err);
enum acsa_rc acsa__sqlite_order_update(struct acsa_store *store, const struct acsa_order *order,
                                       const struct acsa_event *event, struct acsa_error *err);
int64_t acsa__sqlite_last_event_id(struct acsa_store *store);
/* Whether the order exists: ACSA_OK, ACSA_ENOTFOUND naming it, or a storage error. */
/* The columns of migration 4 a step of order_fix.c changes (the party that raised a dispute,
 * a line closed short, a draft amended); see store_sqlite_fix.c. */
ACSA_NODISCARD enum acsa_rc acsa__sqlite_order_fix_write(struct acsa_store_sqlite *s,
                                                         const struct acsa_order *order,
                                                         const struct acsa_event *event,
                                                         struct acsa_error *err);

ACSA_NODISCARD enum acsa_rc acsa__sqlite_order_exists(struct acsa_store_sqlite *s,
                                                      const char *number,
                                                      struct acsa_error *err);

/* store_sqlite_reports.c: scans over orders, events and postings. The balance query is here
 * so a test can check that its plan reads only the covering index postings_balance. */
/* The balance report in three forms, so that no row pays for a filter it does not have: the
 * whole ledger (the covering index alone, no condition per row), one partner (a seek into the
 * index), and everything up to a date. */
/* SQLite's sum() stops with "integer overflow" past int64; so each amount (and quantity) is
 * summed in three parts of 21 bits (x = hi * 2^42 + mid * 2^21 + lo, hi by arithmetic shift),
 * put together in 128 bits (acsa_wide). A part's sum overflows only past 2^42 rows, more
 * than a database of SQLite's largest size (2^48 bytes) can hold at over 64 bytes a posting
 * with its index entries: no balance of any ledger overflows, and the covering index still
 * answers it alone. */
#define ACSA__SQLITE_WIDE_SUM(column)                                                      \
    "sum(" column " >> 42), sum((" column " >> 21) & 2097151), sum(" column " & 2097151)"
#define ACSA__SQLITE_BALANCE_COLUMNS                                                       \
    "SELECT partner, currency, account, " ACSA__SQLITE_WIDE_SUM("amount_minor") ", "          \
    ACSA__SQLITE_WIDE_SUM("quantity_milli") " FROM postings "
#define ACSA__SQLITE_BALANCE_GROUP " GROUP BY partner, currency, account"
#define ACSA__SQLITE_BALANCE_PARTNER_SQL                                                   \
    ACSA__SQLITE_BALANCE_COLUMNS "WHERE partner = ?1 AND (?2 IS NULL OR day <= ?2)"         \
    ACSA__SQLITE_BALANCE_GROUP
/* The current balance: the sums the trigger of migration 11 keeps, in the same columns. */
#define ACSA__SQLITE_BALANCE_KEPT_COLUMNS                                                  \
    "SELECT partner, currency, account, amount_hi, amount_mid, amount_lo, quantity_hi, "   \
    "quantity_mid, quantity_lo FROM balances "
#define ACSA__SQLITE_BALANCE_KEPT_SQL                                                      \
    ACSA__SQLITE_BALANCE_KEPT_COLUMNS "ORDER BY partner, currency, account"
#define ACSA__SQLITE_BALANCE_KEPT_PARTNER_SQL                                              \
    ACSA__SQLITE_BALANCE_KEPT_COLUMNS "WHERE partner = ?1 ORDER BY partner, currency, account"
#define ACSA__SQLITE_BALANCE_SQL                                                           \
    ACSA__SQLITE_BALANCE_COLUMNS "WHERE ?1 IS NULL AND day <= ?2" ACSA__SQLITE_BALANCE_GROUP

/* The order list's filter (struct acsa_order_filter) over the table orders, not aliased: its
 * values bind ?1 .. ?15 (acsa__sqlite_order_filter_values); an unset filter binds NULL and its
 * condition is true. Which orders are overdue or convertible is the core's rule, bound as
 * values (struct acsa_due_rule), so the SQL restates no rule. */
#define ACSA__SQLITE_ORDER_FILTER                                                            \
    "(?1 IS NULL OR state = ?1) "                                                           \
    "AND (?2 IS NULL OR agreement_id = ?2) "                                                \
    "AND (?3 IS NULL OR activity_id = ?3) "                                                 \
    "AND (?4 IS NULL OR requester = ?4 OR supplier = ?4) "                                  \
    "AND (?5 IS NULL OR (due_on < ?5 AND state IN (?6, ?7, ?8, ?13) "                      \
    "AND (?14 IS NULL OR outstanding_minor > 0) AND (?9 IS NULL OR method <> ?10) "         \
    "AND (?15 IS NULL OR converted = 0))) "                                                 \
    "AND (?11 IS NULL OR number > ?11) "                                                    \
    "AND (?12 IS NULL OR instr(number, ?12) > 0 OR EXISTS (SELECT 1 FROM order_lines l "    \
    "WHERE l.order_number = orders.number AND instr(lower(l.description), lower(?12)) > 0)) "
#define ACSA__SQLITE_ORDER_FILTER_VALUES 15
/* The columns of an order summary (acsa__sqlite_summary_read reads them from column 0). */
#define ACSA__SQLITE_SUMMARY_COLUMNS                                                         \
    "orders.number, orders.agreement_id, orders.requester, orders.supplier, "               \
    "orders.activity_id, orders.method, orders.state, orders.currency, orders.exponent, "   \
    "orders.value_minor, orders.outstanding_minor, orders.created_on, orders.delivered_on, " \
    "orders.due_on, orders.requester_unit_id, orders.supplier_unit_id"
void acsa__sqlite_order_filter_values(const struct acsa_order_filter *filter,
                                      struct acsa__sqlite_value *values);
ACSA_NODISCARD enum acsa_rc acsa__sqlite_summary_read(struct acsa__sqlite_row *row,
                                                      struct acsa_order_summary *out,
                                                      struct acsa_error *err);
/* store_sqlite_export.c: the lines and postings of the orders a filter selects. */
enum acsa_rc acsa__sqlite_order_line_list(struct acsa_store *store,
                                          const struct acsa_order_filter *filter,
                                          acsa_order_line_cb cb, void *ctx,
                                          struct acsa_error *err);
enum acsa_rc acsa__sqlite_posting_list(struct acsa_store *store,
                                       const struct acsa_order_filter *filter, int32_t from_day,
                                       int32_t to_day, acsa_posting_row_cb cb, void *ctx,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_order_list(struct acsa_store *store,
                                     const struct acsa_order_filter *filter, acsa_order_cb cb,
                                     void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_event_list(struct acsa_store *store, const char *order_number,
                                     acsa_event_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_balance(struct acsa_store *store, const char *partner,
                                  int32_t as_of_day, acsa_balance_cb cb, void *ctx,
                                  struct acsa_error *err);

/* store_sqlite_auth.c: users, sessions, API tokens, sign-in failures, idempotency records
 * and the audit log. */
enum acsa_rc acsa__sqlite_user_add(struct acsa_store *store, const struct acsa_user *user,
                                   const char *password_hash, int64_t created_s,
                                   int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__sqlite_user_get(struct acsa_store *store, const char *username,
                                   struct acsa_user *out, char *password_hash,
                                   struct acsa_error *err);
enum acsa_rc acsa__sqlite_user_list(struct acsa_store *store, acsa_user_cb cb, void *ctx,
                                    struct acsa_error *err);
enum acsa_rc acsa__sqlite_user_disable(struct acsa_store *store, int64_t user_id,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_session_add(struct acsa_store *store, const char *token_hash,
                                      int64_t user_id, const char *csrf, int64_t created_s,
                                      int64_t expires_s, struct acsa_error *err);
enum acsa_rc acsa__sqlite_session_get(struct acsa_store *store, const char *token_hash,
                                      int64_t now_s, struct acsa_user *out_user, char *out_csrf,
                                      struct acsa_error *err);
enum acsa_rc acsa__sqlite_session_delete(struct acsa_store *store, const char *token_hash,
                                         struct acsa_error *err);
enum acsa_rc acsa__sqlite_session_purge(struct acsa_store *store, int64_t now_s,
                                        struct acsa_error *err);
enum acsa_rc acsa__sqlite_token_add(struct acsa_store *store, int64_t user_id, const char *name,
                                    const char *token_hash, int64_t created_s, int64_t *out_id,
                                    struct acsa_error *err);
enum acsa_rc acsa__sqlite_token_user(struct acsa_store *store, const char *token_hash,
                                     struct acsa_user *out, struct acsa_error *err);
enum acsa_rc acsa__sqlite_token_get(struct acsa_store *store, int64_t id,
                                    struct acsa_token_info *out, struct acsa_error *err);
enum acsa_rc acsa__sqlite_token_revoke(struct acsa_store *store, int64_t id,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_token_list(struct acsa_store *store, const char *username,
                                     acsa_token_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_idempotency_get(struct acsa_store *store, int64_t user_id,
                                          const char *key, struct acsa_idempotency_row *out,
                                          struct acsa_error *err);
enum acsa_rc acsa__sqlite_idempotency_put(struct acsa_store *store, int64_t user_id,
                                          const char *key, const char *request_hash, int status,
                                          const char *body, int64_t created_s,
                                          struct acsa_error *err);
enum acsa_rc acsa__sqlite_idempotency_purge(struct acsa_store *store, int64_t before_s,
                                            struct acsa_error *err);
enum acsa_rc acsa__sqlite_audit_last(struct acsa_store *store, struct acsa_audit_record *out,
                                     struct acsa_error *err);
enum acsa_rc acsa__sqlite_audit_append(struct acsa_store *store,
                                       const struct acsa_audit_record *record,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_audit_list(struct acsa_store *store, int64_t after_id, uint32_t limit,
                                     acsa_audit_cb cb, void *ctx, struct acsa_error *err);

/* store_sqlite_sync.c: partner nodes, records, batches, quarantine, reference origins. */
enum acsa_rc acsa__sqlite_peer_put(struct acsa_store *store, const struct acsa_peer *peer,
                                   struct acsa_error *err);
enum acsa_rc acsa__sqlite_peer_get(struct acsa_store *store, const char *party,
                                   struct acsa_peer *out, struct acsa_error *err);
enum acsa_rc acsa__sqlite_peer_list(struct acsa_store *store, acsa_peer_cb cb, void *ctx,
                                    struct acsa_error *err);
enum acsa_rc acsa__sqlite_peer_advance(struct acsa_store *store, const char *party,
                                       int64_t received_through, int64_t acked_through,
                                       int64_t last_sync_s, struct acsa_error *err);
enum acsa_rc acsa__sqlite_record_append(struct acsa_store *store,
                                        const struct acsa_record_row *row,
                                        struct acsa_error *err);
enum acsa_rc acsa__sqlite_record_get(struct acsa_store *store, const char *origin, int64_t seq,
                                     struct acsa_record_row *out, struct acsa_error *err);
enum acsa_rc acsa__sqlite_record_last_seq(struct acsa_store *store, const char *origin,
                                          int64_t *out_seq, struct acsa_error *err);
enum acsa_rc acsa__sqlite_record_scan(struct acsa_store *store, const char *origin,
                                      const char *partner, int64_t after_seq, uint32_t limit,
                                      acsa_record_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_chain_head(struct acsa_store *store, const char *number,
                                     uint8_t out_hash[ACSA_HASH_SIZE], struct acsa_error *err);
enum acsa_rc acsa__sqlite_record_in_chain(struct acsa_store *store, const char *number,
                                          const uint8_t hash[ACSA_HASH_SIZE], bool *out,
                                          struct acsa_error *err);
enum acsa_rc acsa__sqlite_record_list(struct acsa_store *store, const char *number,
                                      acsa_record_cb cb, void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_batch_add(struct acsa_store *store, const char *peer, const char *via,
                                    int64_t first_seq, int64_t last_seq, uint32_t count,
                                    const uint8_t digest[ACSA_HASH_SIZE],
                                    const uint8_t signature[ACSA_SIGNATURE_SIZE], int64_t at_s,
                                    int64_t *out_id, struct acsa_error *err);
enum acsa_rc acsa__sqlite_quarantine_add(struct acsa_store *store,
                                         const struct acsa_quarantine_row *row,
                                         struct acsa_error *err);
enum acsa_rc acsa__sqlite_quarantine_list(struct acsa_store *store, uint32_t limit,
                                          acsa_quarantine_cb cb, void *ctx,
                                          struct acsa_error *err);
enum acsa_rc acsa__sqlite_ref_bind(struct acsa_store *store, enum acsa_ref_kind kind,
                                   int64_t local_id, const char *origin, int64_t origin_id,
                                   struct acsa_error *err);
enum acsa_rc acsa__sqlite_ref_find(struct acsa_store *store, enum acsa_ref_kind kind,
                                   const char *origin, int64_t origin_id, int64_t *out_local_id,
                                   struct acsa_error *err);
enum acsa_rc acsa__sqlite_ref_origin(struct acsa_store *store, enum acsa_ref_kind kind,
                                     int64_t local_id, char out_origin[ACSA_NATION_SIZE],
                                     int64_t *out_origin_id, struct acsa_error *err);
enum acsa_rc acsa__sqlite_ref_by_name(struct acsa_store *store, enum acsa_ref_kind kind,
                                      const char *scope, const char *name,
                                      int64_t *out_local_id, struct acsa_error *err);
enum acsa_rc acsa__sqlite_order_fingerprints(struct acsa_store *store, const char *partner,
                                             acsa_fingerprint_cb cb, void *ctx,
                                             struct acsa_error *err);
enum acsa_rc acsa__sqlite_grant_add(struct acsa_store *store, const struct acsa_grant *grant,
                                    const char *origin, int64_t origin_id, int64_t *out_id,
                                    struct acsa_error *err);
enum acsa_rc acsa__sqlite_grant_revoke(struct acsa_store *store, int64_t id, int32_t day,
                                       const char *reason, struct acsa_error *err);
enum acsa_rc acsa__sqlite_grant_list(struct acsa_store *store, const char *party,
                                     const char *name, int32_t as_of_day, acsa_grant_cb cb,
                                     void *ctx, struct acsa_error *err);
enum acsa_rc acsa__sqlite_grant_find(struct acsa_store *store, const char *origin,
                                     int64_t origin_id, int64_t *out_id,
                                     struct acsa_error *err);

/* Invoices (store_sqlite_invoices.c, migration 4). */
#define ACSA__SQLITE_INVOICE_LIST_SQL                                                       \
    "SELECT number, issued_on, due_on, amount_minor, paid_minor FROM invoices "            \
    "WHERE order_number = ?1 ORDER BY position"
enum acsa_rc acsa__sqlite_invoices_write(struct acsa_store_sqlite *s,
                                         const struct acsa_order *order, struct acsa_error *err);
/* A row of ACSA__SQLITE_INVOICE_LIST_SQL into the order ctx, for run_query. */
enum acsa_rc acsa__sqlite_invoice_read(void *ctx, struct acsa__sqlite_row *row,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_invoice_next_sequence(struct acsa_store *store, const char *series,
                                                int32_t year, int64_t *out_sequence,
                                                struct acsa_error *err);


/* Agreement lifecycle (store_sqlite_life.c). */
enum acsa_rc acsa__sqlite_agreement_version_get(struct acsa_store *store, const char *id,
                                 uint32_t index, acsa_agreement_json_cb cb, void *ctx,
                                 int32_t *out_effective_day, char *entered_by,
                                 struct acsa_error *err);
enum acsa_rc acsa__sqlite_agreement_event_add(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t day, const char *party,
                                              const char *reason, struct acsa_error *err);
enum acsa_rc acsa__sqlite_agreement_event_get(struct acsa_store *store, const char *id,
                                              const char *kind, int32_t *out_day, char *party,
                                              char *reason, struct acsa_error *err);
enum acsa_rc acsa__sqlite_unit_service_set(struct acsa_store *store, int64_t id,
                                           const char *service, struct acsa_error *err);
enum acsa_rc acsa__sqlite_unit_service_get(struct acsa_store *store, int64_t id, char *service,
                                           struct acsa_error *err);
enum acsa_rc acsa__sqlite_chain_head_set(struct acsa_store *store, const char *number,
                                         const uint8_t hash[ACSA_HASH_SIZE],
                                         struct acsa_error *err);

/* store_sqlite_quarantine.c: decisions on the quarantine. */
enum acsa_rc acsa__sqlite_quarantine_select(struct acsa_store *store, int64_t id, bool all,
                                            uint32_t limit, acsa_quarantine_cb cb, void *ctx,
                                            struct acsa_error *err);
enum acsa_rc acsa__sqlite_quarantine_decide(struct acsa_store *store,
                                            const struct acsa_quarantine_decision *decision,
                                            struct acsa_error *err);
enum acsa_rc acsa__sqlite_batch_of_record(struct acsa_store *store, const char *peer,
                                          int64_t seq, int64_t *out_batch_id,
                                          struct acsa_error *err);
enum acsa_rc acsa__sqlite_agreement_version_add_by(struct acsa_store *store,
                                    const struct acsa_agreement *agreement,
                                    int32_t effective_day, const char *canonical_json,
                                    const char *source_json, const char *party,
                                    struct acsa_error *err);

/* store_sqlite_snapshot.c: the partners' latest snapshots. */
enum acsa_rc acsa__sqlite_snapshot_put(struct acsa_store *store,
                                       const struct acsa_snapshot_row *row,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_snapshot_get(struct acsa_store *store, const char *party,
                                       struct acsa_snapshot_row *out, struct acsa_error *err);

/* store_sqlite_totals.c: the reports of requirement 15. */
enum acsa_rc acsa__sqlite_statement(struct acsa_store *store, const char *partner,
                                    const char *currency, enum acsa_account account_a,
                                    enum acsa_account account_b, int32_t from_day,
                                    int32_t to_day, acsa_statement_row_cb cb, void *ctx,
                                    struct acsa_error *err);
enum acsa_rc acsa__sqlite_order_totals(struct acsa_store *store,
                                       const struct acsa_totals_query *query, acsa_totals_cb cb,
                                       void *ctx, struct acsa_error *err);
/* store_sqlite_documents.c: supporting documents and their bytes. */
enum acsa_rc acsa__sqlite_document_add(struct acsa_store *store,
                                       const struct acsa_document_ref *ref, const char *origin,
                                       struct acsa_error *err);
enum acsa_rc acsa__sqlite_document_get(struct acsa_store *store, const char *id,
                                       struct acsa_document_row *out, struct acsa_error *err);
enum acsa_rc acsa__sqlite_document_list(struct acsa_store *store, const char *number,
                                        bool pending, acsa_document_cb cb, void *ctx,
                                        struct acsa_error *err);
enum acsa_rc acsa__sqlite_blob_put(struct acsa_store *store,
                                   const uint8_t sha256[ACSA_HASH_SIZE], const uint8_t *bytes,
                                   size_t len, struct acsa_error *err);
enum acsa_rc acsa__sqlite_blob_get(struct acsa_store *store,
                                   const uint8_t sha256[ACSA_HASH_SIZE], uint8_t **out,
                                   size_t *out_len, struct acsa_error *err);

#endif
