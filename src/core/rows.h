/* SPDX-License-Identifier: MIT */
/* Rows: the plain data lists and reports carry, from the store through the application to
 * the front ends and the format layer (the rows a scan streams and the callbacks that receive
 * them). Types of core types only, so that every layer may name them while only src/app and
 * src/store include store.h, the storage interface itself. */
#ifndef ACSA_ROWS_H
#define ACSA_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agreement.h"
#include "authz.h"
#include "order.h"
#include "rc.h"
#include "record.h"
#include "limits.h"

struct acsa_store;

/* A compact view of an order for lists and reports. */
struct acsa_order_summary {
    char number[ACSA_NUMBER_SIZE];
    char agreement_id[ACSA_ID_SIZE];
    char requester[ACSA_NATION_SIZE];
    char supplier[ACSA_NATION_SIZE];
    int64_t activity_id;
    int64_t requester_unit_id;  /* 0 if none. */
    int64_t supplier_unit_id;   /* 0 if none. */
    enum acsa_method method;
    enum acsa_state state;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    int64_t value_minor;        /* Ordered value. */
    int64_t outstanding_minor;  /* acsa_order_outstanding at the last step. */
    int32_t created_day;
    int32_t delivered_day;      /* ACSA_DATE_NONE if not delivered. */
    int32_t due_day;            /* ACSA_DATE_NONE if no due date. */
};

/* Filters of order_list; empty strings and zero ids mean "any". */
struct acsa_order_filter {
    bool state_set;                       /* Filter by state. */
    enum acsa_state state;
    char agreement_id[ACSA_ID_SIZE];
    int64_t activity_id;
    char partner[ACSA_NATION_SIZE];       /* Orders where this nation is either party. */
    struct acsa_due_rule due;             /* Only orders past due by the core's rule
                                             (acsa_order_overdue_rule, ..._convertible_rule),
                                             passed as values; zeroed: any. */
    char after_number[ACSA_NUMBER_SIZE];  /* Only orders numbered after this (a page cursor). */
    char search[ACSA_NAME_SIZE];          /* Substring of the number or a line description. */
};

/* One stored event of an order. */
struct acsa_event_row {
    int64_t id;                 /* Global, ascending. */
    char order_number[ACSA_NUMBER_SIZE];
    struct acsa_event event;    /* With its postings. */
};

/* One group of the balance report: the sum of one account with one partner in one currency. */
struct acsa_balance_row {
    char partner[ACSA_NATION_SIZE];
    char currency[ACSA_CURRENCY_SIZE];
    enum acsa_account account;
    acsa_wide amount_minor;     /* Summed in 128 bits: never overflows (money.h). */
    acsa_wide quantity_milli;   /* Sum of in-kind quantities (for kind accounts). */
};

/* One line of an order with its order (the export of lines, ARCHITECTURE.md "Exports"). */
struct acsa_order_line_row {
    struct acsa_order_summary order;
    uint32_t line_no;                      /* 1-based. */
    struct acsa_order_line line;
};

/* One ledger posting with its event and order (the export of postings and the journal). */
struct acsa_posting_row {
    struct acsa_order_summary order;       /* The order the event is of. */
    int64_t event_id;                      /* Global, ascending. */
    enum acsa_step step;
    int32_t day;                           /* The event's (and posting's) date. */
    char invoice[ACSA_NUMBER_SIZE];        /* The event's invoice, or "". */
    uint32_t leg;                          /* Its place among the event's legs, from 0. */
    struct acsa_posting posting;
};

/* Callbacks return ACSA_OK to continue; any other code stops the scan and is returned. */
typedef enum acsa_rc (*acsa_agreement_cb)(void *ctx, const struct acsa_agreement *agreement);
/* An agreement as the store keeps it: its canonical JSON (not NUL-terminated). */
typedef enum acsa_rc (*acsa_agreement_json_cb)(void *ctx, const char *id, const char *json,
                                               size_t len, struct acsa_error *err);
typedef enum acsa_rc (*acsa_activity_cb)(void *ctx, const struct acsa_activity *activity);
typedef enum acsa_rc (*acsa_unit_cb)(void *ctx, int64_t id, const char *party, const char *name);
typedef enum acsa_rc (*acsa_official_cb)(void *ctx, const struct acsa_official *official);
/* One grant of an official; origin "" for one made here. */
typedef enum acsa_rc (*acsa_grant_cb)(void *ctx, const struct acsa_grant *grant,
                                      const char *origin, int64_t origin_id);
typedef enum acsa_rc (*acsa_order_cb)(void *ctx, const struct acsa_order_summary *order);
typedef enum acsa_rc (*acsa_event_cb)(void *ctx, const struct acsa_event_row *row);
typedef enum acsa_rc (*acsa_balance_cb)(void *ctx, const struct acsa_balance_row *row);
typedef enum acsa_rc (*acsa_order_line_cb)(void *ctx, const struct acsa_order_line_row *row);
typedef enum acsa_rc (*acsa_posting_row_cb)(void *ctx, const struct acsa_posting_row *row);

/* ---- Accounts and the audit log (vtable version 2) -------------------------------------- */


/* An API token as listed (never the secret). */
struct acsa_token_info {
    int64_t id;
    int64_t user_id;
    char username[ACSA_USERNAME_SIZE];
    char name[ACSA_NAME_SIZE];
    int64_t created_s;
    bool revoked;
};

/* One audit record. hash = SHA-256(prev_hash || canonical text of the other fields); the
 * byte layout is in docs/ARCHITECTURE.md, "Audit log". */
struct acsa_audit_record {
    int64_t id;
    int64_t at_s;                               /* Unix seconds. */
    char actor[ACSA_USERNAME_SIZE];
    char action[ACSA_NAME_SIZE];                /* "order.approve", "session.create", ... */
    char object[ACSA_NAME_SIZE];                /* "IN-JP-2024-000001", "user:alice", ... */
    char outcome[32];                           /* "ok" or the refusal's rc name. */
    char detail[ACSA_AUDIT_TEXT_SIZE];          /* The refusal message, or "". */
    char prev_hash[ACSA_SECRET_TEXT_SIZE];      /* Hex; 64 zeros for the first record. */
    char hash[ACSA_SECRET_TEXT_SIZE];           /* Hex. */
};

/* A response stored under an idempotency key. */
struct acsa_idempotency_row {
    char request_hash[ACSA_REQUEST_HASH_SIZE];  /* What the request was. */
    int status;                                 /* The response's status. */
    char *body;                                 /* The response's body; the caller frees it. */
    int64_t created_s;                          /* When it was stored. */
};

typedef enum acsa_rc (*acsa_user_cb)(void *ctx, const struct acsa_user *user);
typedef enum acsa_rc (*acsa_token_cb)(void *ctx, const struct acsa_token_info *token);
typedef enum acsa_rc (*acsa_audit_cb)(void *ctx, const struct acsa_audit_record *record);

/* ---- Node identity, partner nodes, records and quarantine (vtable version 3) ------------ */



/* A partner node: the one key whose signature this node accepts for that party. */
struct acsa_peer {
    char party[ACSA_NATION_SIZE];
    char url[ACSA_URL_SIZE];                 /* "" when reached only by bundle files. */
    uint8_t key[ACSA_PUBLIC_KEY_SIZE];
    int64_t received_through;                /* Its records taken in here, up to this seq. */
    int64_t acked_through;                   /* Our records it confirmed, up to this seq. */
    int64_t last_sync_s;                     /* Last complete exchange, 0 if none. */
};

/* One stored record: its canonical bytes and what it is indexed by. */
struct acsa_record_row {
    int64_t id;                              /* Local, ascending. */
    char origin[ACSA_NATION_SIZE];           /* Who signed it. */
    int64_t seq;                             /* Origin's number. */
    char partner[ACSA_NATION_SIZE];          /* Own records: the party it is for; "" for any. */
    char order_number[ACSA_NUMBER_SIZE];     /* Step records: the order, else "". */
    char other_number[ACSA_NUMBER_SIZE];     /* Exchange: the other order, else "". */
    uint8_t hash[ACSA_HASH_SIZE];            /* SHA-256 of body. */
    int64_t batch_id;                        /* The signed batch it came in; 0: our own. */
    const uint8_t *body;                     /* Canonical encoding (record.h). */
    size_t body_len;
};


/* A programme officer's decision on a quarantine entry (vtable version 5): retry (outcome
 * "applied", or "refused" with the refusal, the entry staying open) or drop (outcome
 * "dropped"). Kept for good; an entry is resolved by at most one applied or dropped. */
struct acsa_quarantine_decision {
    int64_t quarantine_id;
    int64_t at_s;
    char action[ACSA_QUARANTINE_WORD_SIZE];
    char outcome[ACSA_QUARANTINE_WORD_SIZE];
    char by[ACSA_NAME_SIZE];                 /* The programme officer named (--by). */
    char reason[ACSA_TEXT_SIZE];             /* Why the officer decided so. */
    char refusal[ACSA_AUDIT_TEXT_SIZE];      /* outcome "refused": why, this time; else "". */
};

/* A refused record or batch, kept with the reason for the programme officer. */
struct acsa_quarantine_row {
    int64_t id;
    int64_t at_s;
    char peer[ACSA_NATION_SIZE];             /* Who sent it ("" if unknown). */
    char via[16];                            /* "sync" or "bundle". */
    char what[16];                           /* "record" or "batch". */
    int64_t seq;                             /* The record's seq, or the batch's first. */
    char order_number[ACSA_NUMBER_SIZE];     /* The order, if a step record. */
    char reason[ACSA_AUDIT_TEXT_SIZE];
    const uint8_t *body;                     /* The refused bytes (may be cut). */
    size_t body_len;
    /* Version 5 (quarantine_select only; quarantine_list leaves them zero): the programme
     * officer's decisions. status "open", "applied" or "dropped"; decision the one that
     * resolved the entry, or its last retry still refused (then reason above is that retry's
     * reason); tries counts every decision. */
    char status[ACSA_QUARANTINE_WORD_SIZE];
    struct acsa_quarantine_decision decision;
    uint32_t tries;
};

typedef enum acsa_rc (*acsa_peer_cb)(void *ctx, const struct acsa_peer *peer);
typedef enum acsa_rc (*acsa_record_cb)(void *ctx, const struct acsa_record_row *row);
typedef enum acsa_rc (*acsa_quarantine_cb)(void *ctx, const struct acsa_quarantine_row *row);
typedef enum acsa_rc (*acsa_fingerprint_cb)(void *ctx, const char *number,
                                            uint64_t fingerprint);

/* The latest signed snapshot a partner node sent with a bundle (offline reconciliation): its
 * bytes as received, verified, and what they say about when and what it had seen. */
struct acsa_snapshot_row {
    char party[ACSA_NATION_SIZE];            /* The partner that signed it. */
    int64_t created_s;                       /* When the partner made it (its clock). */
    int64_t sender_through;                  /* The partner's own records, through this seq. */
    int64_t seen_through;                    /* Our records it had taken in, through this seq. */
    int64_t received_s;                      /* When this node took it in. */
    uint8_t *bytes;                          /* get: acsa_malloc'd; the caller frees it. */
    size_t len;
};

/* Kinds of reference data that travel as records. */
enum acsa_ref_kind {
    ACSA_REF_ACTIVITY,
    ACSA_REF_UNIT,
};

/* Opening flags of a store (acsa_app_open takes them too). */
/* Without ACSA_STORE_BULK_LOAD every commit is durable before it returns. */
#define ACSA_STORE_CREATE 1u     /* Create the database (file) or give an empty one its schema. */
#define ACSA_STORE_BULK_LOAD 2u  /* A commit may return before it is durable: a crash may lose
                                    the last commits, never half of one (bulk loads, benchmarks). */
#define ACSA_STORE_EMPTY 4u      /* A database server's: open only a database holding no table
                                    but acsa's and no row in those, checked before the schema is
                                    given (EEXISTS naming it otherwise): a copy's target. */

/* ---- The reports of requirement 15 (vtable version 10) ---------------------------------- */

/* One posting of a statement of account: a leg on a receivable or payable account of one
 * partner and currency, with its event's day, order, step and invoice. */
struct acsa_statement_row {
    int64_t event_id;
    uint32_t leg;
    int32_t day;
    char order_number[ACSA_NUMBER_SIZE];
    char invoice[ACSA_NUMBER_SIZE];           /* The event's invoice ("" if none). */
    enum acsa_step step;
    enum acsa_account account;
    char currency[ACSA_CURRENCY_SIZE];
    int64_t amount_minor;                     /* Debit positive, credit negative. */
    int64_t quantity_milli;
};
typedef enum acsa_rc (*acsa_statement_row_cb)(void *ctx, const struct acsa_statement_row *row);

/* What an order_totals query groups and sums (orders in the states of the mask only). */
enum acsa_totals_kind {
    ACSA_TOTALS_UNLIQUIDATED, /* Orders with something outstanding, per requester, supplier,
                                 currency and method: count and outstanding. */
    ACSA_TOTALS_BY_METHOD,    /* Per method and currency: count, value, settled count and
                                 value, days from delivery to settlement. */
    ACSA_TOTALS_YEARLY,       /* Lines of orders created from from_day to to_day, per
                                 agreement, activity, category, requester, supplier and
                                 currency: orders and line values. */
};

struct acsa_totals_query {
    enum acsa_totals_kind kind;
    uint32_t states;          /* Orders in these states (bit 1u << state) are counted. */
    uint32_t settled;         /* By method: the states that count as settled. */
    enum acsa_state settled_state; /* By method: the first event into it dates settlement. */
    int32_t from_day;         /* Yearly: created on or after. */
    int32_t to_day;           /* Yearly: created on or before. */
};

struct acsa_totals_row {
    char requester[ACSA_NATION_SIZE];
    char supplier[ACSA_NATION_SIZE];
    char agreement_id[ACSA_ID_SIZE];
    int64_t activity_id;
    char activity[ACSA_NAME_SIZE];
    char category[ACSA_CODE_SIZE];
    enum acsa_method method;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    uint64_t orders;
    acsa_wide value_minor;     /* Unliquidated: outstanding; else ordered value (lines). */
    uint64_t settled_orders;   /* By method. */
    acsa_wide settled_minor;
    uint64_t timed_orders;     /* Settled orders with a delivery day and a settlement day. */
    int64_t settle_days;       /* Their days from delivery to settlement, summed. */
};
typedef enum acsa_rc (*acsa_totals_cb)(void *ctx, const struct acsa_totals_row *row);
/* A supporting document as a node holds it (vtable version 12): its signed reference and
 * whether its bytes are here yet (a partner's arrive after the record). */
struct acsa_document_row {
    struct acsa_document_ref ref;
    char origin[ACSA_NATION_SIZE];           /* The node that attached it. */
    bool have_bytes;                         /* The bytes of ref.sha256 are stored here. */
};
typedef enum acsa_rc (*acsa_document_cb)(void *ctx, const struct acsa_document_row *row);

#endif
