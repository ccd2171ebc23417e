/* SPDX-License-Identifier: MIT */
/* The reads and reports of the application layer: every list, view and report a front end
 * (the CLI, the server, the sync layer) shows. They are the only door to stored data outside
 * src/app and src/store: no front end includes store.h or calls the storage interface. Each
 * reads only, streams rows to its callback where a result can be long, and computes a report
 * once for every front end (the CLI's overdue report and the API's are the one below). Domain
 * rules (overdue, convertible, ageing, invoice deadlines) are the core's. */
#ifndef ACSA_APP_READS_H
#define ACSA_APP_READS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "authz.h"
#include "form.h"
#include "order_json.h"
#include "rows.h"

/* ---- Lists and views ---------------------------------------------------------------------- */

/** Orders matching filter (NULL: all), by number. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_list(struct acsa_app *app,
                                                const struct acsa_order_filter *filter,
                                                acsa_order_cb cb, void *ctx,
                                                struct acsa_error *err);
/** The events of an order with their postings, oldest first. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_events(struct acsa_app *app, const char *number,
                                                  acsa_event_cb cb, void *ctx,
                                                  struct acsa_error *err);
/** Fills the activity and unit names of view->order; what is not found is left empty
 * (activity.id 0, names ""). ACSA_ENOMEM or ACSA_ESTORAGE if a read failed (a name left
 * empty then would be shown as if there were none). */
ACSA_NODISCARD enum acsa_rc acsa_app_order_view(struct acsa_app *app,
                                                struct acsa_order_view *view);
/** Every order counted by state (the server's metrics). */
ACSA_NODISCARD enum acsa_rc acsa_app_order_state_counts(struct acsa_app *app,
                                                        uint64_t counts[ACSA_STATE_COUNT],
                                                        struct acsa_error *err);
/* Orders counted by state: all, and those of them where a party is the requester or the
 * supplier. */
struct acsa_state_counts {
    uint64_t all[ACSA_STATE_COUNT];
    uint64_t requested[ACSA_STATE_COUNT];  /* The party asked for them. */
    uint64_t supplied[ACSA_STATE_COUNT];   /* The party supplies them. */
};

/** The orders viewer may see (NULL: every order) counted by state (all: what the order list
 * filtered by that state shows them), and by the side of the viewer's party (NULL: this
 * node's). */
ACSA_NODISCARD enum acsa_rc acsa_app_visible_state_counts(struct acsa_app *app,
                                                          const struct acsa_user *viewer,
                                                          struct acsa_state_counts *counts,
                                                          struct acsa_error *err);
/** The signed records of an order's chain, oldest first, with their bodies. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_records(struct acsa_app *app, const char *number,
                                                   acsa_record_cb cb, void *ctx,
                                                   struct acsa_error *err);
/** Every order shared with partner, by number, with acsa_order_fingerprint. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_fingerprints(struct acsa_app *app,
                                                        const char *partner,
                                                        acsa_fingerprint_cb cb, void *ctx,
                                                        struct acsa_error *err);
/** The highest seq of this node's own records, 0 if none. */
ACSA_NODISCARD enum acsa_rc acsa_app_own_last_seq(struct acsa_app *app, int64_t *out_seq,
                                                  struct acsa_error *err);

/* Reference data. */
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_get(struct acsa_app *app, const char *id,
                                                   struct acsa_agreement *out,
                                                   struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_list(struct acsa_app *app, acsa_agreement_cb cb,
                                                    void *ctx, struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_unit_list(struct acsa_app *app, acsa_unit_cb cb,
                                               void *ctx, struct acsa_error *err);
/** party holds ACSA_NATION_SIZE bytes, name ACSA_NAME_SIZE. */
ACSA_NODISCARD enum acsa_rc acsa_app_unit_get(struct acsa_app *app, int64_t id, char *party,
                                              char *name, struct acsa_error *err);
/** Activities of agreement_id (NULL: of every agreement). */
ACSA_NODISCARD enum acsa_rc acsa_app_activity_list(struct acsa_app *app,
                                                   const char *agreement_id,
                                                   acsa_activity_cb cb, void *ctx,
                                                   struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa_app_activity_get(struct acsa_app *app, int64_t id,
                                                  struct acsa_activity *out,
                                                  struct acsa_error *err);
/** Grants by party and exact name (either NULL: all), oldest first; as_of_day not
 * ACSA_DATE_NONE keeps those in force on that day. */
ACSA_NODISCARD enum acsa_rc acsa_app_grant_list(struct acsa_app *app, const char *party,
                                                const char *name, int32_t as_of_day,
                                                acsa_grant_cb cb, void *ctx,
                                                struct acsa_error *err);

/* ---- Reports ------------------------------------------------------------------------------- */

/** The balance rows (one account, partner and currency each) of postings dated on or before
 * as_of (ACSA_DATE_NONE: all), with partner (""/NULL: every partner), ordered by partner and
 * currency (acsa_balance_grouper sums them into lines). */
ACSA_NODISCARD enum acsa_rc acsa_app_balance(struct acsa_app *app, const char *partner,
                                             int32_t as_of, acsa_balance_cb cb, void *ctx,
                                             struct acsa_error *err);

#define ACSA_AGEING_LABEL_SIZE 24

/* One order past due in the overdue report. */
struct acsa_overdue_item {
    const struct acsa_order_summary *order;
    int32_t days;                               /* Days past its due date. */
    uint32_t bucket;                            /* Its agreement's ageing bucket. */
    char label[ACSA_AGEING_LABEL_SIZE];         /* The bucket's label ("1-30"). */
    bool disputed;       /* Past due but disputed: listed apart, not in the totals. */
};

/* The totals of the overdue report: orders and outstanding per ageing bucket and currency,
 * ordered by bucket, label and currency. As many as there are (the array grows). */
struct acsa_overdue_total {
    uint32_t bucket;
    char label[ACSA_AGEING_LABEL_SIZE];
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    uint64_t orders;
    acsa_wide outstanding_minor;   /* 128 bits: no number of orders overflows it. */
};

struct acsa_overdue_totals {
    struct acsa_overdue_total *items;   /* acsa_malloc'd; acsa_app_overdue_totals_free. */
    size_t count;
    size_t capacity;
};

typedef enum acsa_rc (*acsa_overdue_cb)(void *ctx, const struct acsa_overdue_item *item);

/* Which orders past due a scan of the overdue report lists. */
enum acsa_overdue_part {
    ACSA_OVERDUE_ALL,        /* Both, in number order. */
    ACSA_OVERDUE_OPEN,       /* Not disputed: the ones the totals count. */
    ACSA_OVERDUE_DISPUTED,   /* Disputed ones past due. */
};

/** The overdue report as of as_of: each order past due (acsa_order_overdue) that viewer may
 * see (NULL: every order), of the part asked for, to cb by number; totals (may be NULL) gets
 * the totals of every open one seen, whichever part is listed. */
ACSA_NODISCARD enum acsa_rc acsa_app_overdue(struct acsa_app *app, int32_t as_of,
                                             const struct acsa_user *viewer,
                                             enum acsa_overdue_part part, acsa_overdue_cb cb,
                                             void *ctx, struct acsa_overdue_totals *totals,
                                             struct acsa_error *err);
void acsa_app_overdue_totals_free(struct acsa_overdue_totals *totals);

/* A delivered cash order not invoiced within its agreement's days_to_invoice. */
struct acsa_invoice_late {
    const struct acsa_order_summary *order;
    int32_t invoice_by;      /* The last day to invoice it. */
    int32_t days_late;       /* as_of - invoice_by (>= 1). */
};
typedef enum acsa_rc (*acsa_invoice_late_cb)(void *ctx, const struct acsa_invoice_late *item);

/** Every delivered cash order whose invoice is late on as_of, by number. */
ACSA_NODISCARD enum acsa_rc acsa_app_invoice_late(struct acsa_app *app, int32_t as_of,
                                                  acsa_invoice_late_cb cb, void *ctx,
                                                  struct acsa_error *err);

/* Which way an order goes, seen from this node's party. */
enum acsa_month_direction {
    ACSA_MONTH_RECEIVED,                 /* This node's party is the requester. */
    ACSA_MONTH_SUPPLIED,                 /* This node's party is the supplier. */
};

/** "received" or "supplied". */
const char *acsa_month_direction_name(enum acsa_month_direction direction);

/* The value of the orders raised in one month with one partner, one way, in one currency. */
struct acsa_month_figure {
    int32_t month;                       /* year * 12 + month - 1. */
    char partner[ACSA_NATION_SIZE];
    enum acsa_month_direction direction;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    uint64_t orders;
    acsa_wide value_minor;               /* 128 bits: no number of orders overflows it. */
};

struct acsa_monthly {
    struct acsa_month_figure *items;     /* acsa_malloc'd; acsa_app_monthly_free. */
    size_t count;
    size_t capacity;
};

/** The order value per month, partner, direction and currency of the orders raised from
 * from_day on that viewer may see (NULL: every order), rejected and cancelled ones left out,
 * ordered by month, partner, direction (received first) and currency. As many
 * figures as there are (the array grows); ACSA_ENOMEM only when memory runs out. */
ACSA_NODISCARD enum acsa_rc acsa_app_monthly(struct acsa_app *app, int32_t from_day,
                                             const struct acsa_user *viewer,
                                             struct acsa_monthly *out, struct acsa_error *err);
void acsa_app_monthly_free(struct acsa_monthly *monthly);
/** The month index (year * 12 + month - 1) of day. */
int32_t acsa_app_month_of(int32_t day);

/** Whether viewer (NULL: the node's operator, who sees all) may see the order. */
bool acsa_app_summary_visible(const struct acsa_user *viewer,
                              const struct acsa_order_summary *order);

/* ---- The reports of requirement 15 (statement, open, unliquidated, by method, yearly,
 * missing) ---------------------------------------------------------------------------------- */

/* What a line of the statement of account is. */
enum acsa_statement_line_kind {
    ACSA_STATEMENT_OPENING,   /* The balance before from (postings dated before it). */
    ACSA_STATEMENT_POSTING,   /* One posting in the period. */
    ACSA_STATEMENT_CLOSING,   /* The balance at the end of to. */
};

/* One line of a statement: per currency, the cash section then the kind section, each
 * opening, its postings by day, closing. The balance is the partner's debt to us (receivable
 * less payable): positive, the partner owes us; negative, we owe the partner. */
struct acsa_statement_line {
    enum acsa_statement_line_kind kind;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    bool in_kind;                               /* The kind section (rik, eve), else cash. */
    int32_t day;                                /* Opening: from - 1; closing: to. */
    const struct acsa_statement_row *posting;   /* ACSA_STATEMENT_POSTING only, else NULL. */
    acsa_wide balance_minor;                    /* After this line. */
};
typedef enum acsa_rc (*acsa_statement_cb)(void *ctx, const struct acsa_statement_line *line);

/** The statement of account with partner from from_day to to_day (both included) in
 * currency ("" or NULL: every currency), streamed: the opening and closing balances equal the
 * balance report as of from_day - 1 and to_day. A section with no balance and no posting is
 * left out. from after to: ACSA_EUSAGE naming both. */
ACSA_NODISCARD enum acsa_rc acsa_app_statement(struct acsa_app *app, const char *partner,
                                               const char *currency, int32_t from_day,
                                               int32_t to_day, acsa_statement_cb cb, void *ctx,
                                               struct acsa_error *err);
/** "cash" or "kind". */
const char *acsa_statement_section_name(bool in_kind);
/** "opening", "posting" or "closing". */
const char *acsa_statement_line_kind_name(enum acsa_statement_line_kind kind);

/* One open order: its age in days since it was raised, and its agreement's ageing bucket. */
struct acsa_open_item {
    const struct acsa_order_summary *order;
    int32_t age_days;
    char label[ACSA_AGEING_LABEL_SIZE];
};
typedef enum acsa_rc (*acsa_open_cb)(void *ctx, const struct acsa_open_item *item);

/* The totals of the open orders per state and currency. */
struct acsa_open_total {
    enum acsa_state state;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    uint64_t orders;
    acsa_wide value_minor;
    acsa_wide outstanding_minor;
};
struct acsa_open_totals {
    struct acsa_open_total *items;       /* acsa_malloc'd; acsa_app_open_totals_free. */
    size_t count;
    size_t capacity;
};

/** Every open order (acsa_report_state_open) viewer may see (NULL: all), by state (in the
 * order of enum acsa_state) and number, aged on as_of; totals (may be NULL) per state and
 * currency, ordered so. */
ACSA_NODISCARD enum acsa_rc acsa_app_open_orders(struct acsa_app *app, int32_t as_of,
                                                 const struct acsa_user *viewer,
                                                 acsa_open_cb cb, void *ctx,
                                                 struct acsa_open_totals *totals,
                                                 struct acsa_error *err);
void acsa_app_open_totals_free(struct acsa_open_totals *totals);

/* One group of unliquidated obligations: with partner, one way, in one currency, by one
 * method: receivable (we supplied) or payable (we received). */
struct acsa_unliquidated_row {
    char partner[ACSA_NATION_SIZE];
    bool receivable;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    enum acsa_method method;
    uint64_t orders;
    acsa_wide outstanding_minor;
};
typedef enum acsa_rc (*acsa_unliquidated_cb)(void *ctx, const struct acsa_unliquidated_row *row);
/** Obligations not settled (orders with something outstanding), per partner, way, currency
 * and method; partner ""/NULL: every partner. */
ACSA_NODISCARD enum acsa_rc acsa_app_unliquidated(struct acsa_app *app, const char *partner,
                                                  acsa_unliquidated_cb cb, void *ctx,
                                                  struct acsa_error *err);

/* Settlement by method, per currency: orders past draft and not void. */
struct acsa_method_row {
    enum acsa_method method;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    uint64_t orders;
    acsa_wide value_minor;
    uint64_t settled_orders;
    acsa_wide settled_minor;
    int64_t settled_permille;     /* Settled value / value, in tenths of a percent. */
    uint64_t timed_orders;        /* Settled orders with both days known. */
    int64_t average_days;         /* Days from delivery to settlement, mean, rounded. */
};
typedef enum acsa_rc (*acsa_method_cb)(void *ctx, const struct acsa_method_row *row);
ACSA_NODISCARD enum acsa_rc acsa_app_by_method(struct acsa_app *app, acsa_method_cb cb,
                                               void *ctx, struct acsa_error *err);

/* The yearly summary: per agreement, activity, category, way and partner, currency. */
struct acsa_yearly_row {
    const struct acsa_totals_row *totals;       /* Keys and sums. */
    const char *partner;
    bool supplied;                              /* This node's party supplied them. */
};
typedef enum acsa_rc (*acsa_yearly_cb)(void *ctx, const struct acsa_yearly_row *row);
/** The orders raised in year (not void, past draft), their lines grouped so. */
ACSA_NODISCARD enum acsa_rc acsa_app_yearly(struct acsa_app *app, int32_t year,
                                            acsa_yearly_cb cb, void *ctx,
                                            struct acsa_error *err);

/* One finding of the missing report: an order lacking required data or documents. */
struct acsa_missing_item {
    const struct acsa_order_summary *order;
    const char *check;                          /* "no-invoice", "no-due-date", ... */
    char detail[ACSA_TEXT_SIZE];
};
typedef enum acsa_rc (*acsa_missing_cb)(void *ctx, const struct acsa_missing_item *item);
/** The findings (docs/CLI.md, "acsa report missing") of every order viewer may see, by
 * number, as of as_of. */
ACSA_NODISCARD enum acsa_rc acsa_app_missing(struct acsa_app *app, int32_t as_of,
                                             const struct acsa_user *viewer, acsa_missing_cb cb,
                                             void *ctx, struct acsa_error *err);

/* The columns and cells of these reports, one definition for every front end: the CLI's
 * table and CSV, the API's JSON (members named by key) and CSV. */
enum acsa_report_table {
    ACSA_REPORT_STATEMENT,
    ACSA_REPORT_OPEN,
    ACSA_REPORT_OPEN_TOTALS,
    ACSA_REPORT_UNLIQUIDATED,
    ACSA_REPORT_BY_METHOD,
    ACSA_REPORT_YEARLY,
    ACSA_REPORT_MISSING,
};

#define ACSA_REPORT_COLUMNS_MAX 12
#define ACSA_REPORT_CELL_SIZE ACSA_TEXT_SIZE

struct acsa_report_column {
    const char *key;        /* JSON member. */
    const char *header;     /* Table and CSV header. */
    int width;              /* Table width (every column fixed: tables stream). */
    bool right;             /* Right-aligned. */
    bool integer;           /* A JSON integer (else a string; "-" is null). */
};

struct acsa_report_cells {
    char text[ACSA_REPORT_COLUMNS_MAX][ACSA_REPORT_CELL_SIZE];
    const char *cells[ACSA_REPORT_COLUMNS_MAX];
};

/** The columns of table; *count is set. */
const struct acsa_report_column *acsa_report_columns(enum acsa_report_table table,
                                                     size_t *count);
void acsa_report_statement_cells(const struct acsa_statement_line *line,
                                 struct acsa_report_cells *out);
void acsa_report_open_cells(const char *nation, const struct acsa_open_item *item,
                            struct acsa_report_cells *out);
void acsa_report_open_total_cells(const struct acsa_open_total *total,
                                  struct acsa_report_cells *out);
void acsa_report_unliquidated_cells(const struct acsa_unliquidated_row *row,
                                    struct acsa_report_cells *out);
void acsa_report_method_cells(const struct acsa_method_row *row, struct acsa_report_cells *out);
void acsa_report_yearly_cells(const struct acsa_yearly_row *row, struct acsa_report_cells *out);
void acsa_report_missing_cells(const struct acsa_missing_item *item,
                               struct acsa_report_cells *out);
/** One row as a JSON object of the columns' keys; NULL when out of memory. */
json_t *acsa_report_row_json(enum acsa_report_table table, const struct acsa_report_cells *cells);

/* ---- Printed forms (requirement 16) -------------------------------------------------------- */

/** The canonical record of a printed form of order number (core/form.h): kind, and for the
 * invoice form the invoice named (NULL or "": the latest; refused when the order has none, or
 * not found when it is not one of its invoices). viewer NULL: the node's operator; an order
 * viewer may not see is not found. out is the caller's (it is large). */
ACSA_NODISCARD enum acsa_rc acsa_app_order_form(struct acsa_app *app, const char *number,
                                                enum acsa_form_kind kind, const char *invoice,
                                                const struct acsa_user *viewer,
                                                struct acsa_form *out, struct acsa_error *err);

/* A printed hash checked against the order's record chain on this node. */
struct acsa_order_hash_check {
    char last[ACSA_FORM_HASH_TEXT_SIZE];  /* The hash of its last record, "" if none. */
    uint32_t records;                     /* Records in its chain. */
    uint32_t match;                       /* 0: no record has the hash; else its position
                                             (1 = the first); == records: the last. */
};

/** Checks hash (64 hex digits, else ACSA_EUSAGE naming "hash") against every record of order
 * number, as acsa_app_order_form finds the order. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_verify(struct acsa_app *app, const char *number,
                                                  const char *hash,
                                                  const struct acsa_user *viewer,
                                                  struct acsa_order_hash_check *out,
                                                  struct acsa_error *err);
/* ---- Supporting documents (documents.c) ---------------------------------------------------- */

/** The documents of order number by line and id (ENOTFOUND if there is no such order);
 * number NULL or "": every document of the node, by id (an export of documents). */
ACSA_NODISCARD enum acsa_rc acsa_app_documents(struct acsa_app *app, const char *number,
                                               acsa_document_cb cb, void *ctx,
                                               struct acsa_error *err);
/** One document by id, and (out_bytes not NULL) its bytes, the caller's to acsa_free.
 * ENOTFOUND for an unknown id, or for a partner's document whose bytes have not arrived. */
ACSA_NODISCARD enum acsa_rc acsa_app_document_get(struct acsa_app *app, const char *id,
                                                  struct acsa_document_row *out,
                                                  uint8_t **out_bytes, size_t *out_len,
                                                  struct acsa_error *err);
/** Every document whose bytes are not here yet (a partner's, before its bytes came), by id. */
ACSA_NODISCARD enum acsa_rc acsa_app_documents_pending(struct acsa_app *app,
                                                       acsa_document_cb cb, void *ctx,
                                                       struct acsa_error *err);
/** The receipt lines of order number (received quantity above zero) that have no supporting
 * document: bit i-1 of *out_missing is line i (acsa_document_lines_missing). The rule that
 * close_requires_documents applies; the "missing" report's documents column. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_lines_without_documents(struct acsa_app *app,
                                                                   const char *number,
                                                                   uint64_t *out_missing,
                                                                   struct acsa_error *err);

#endif
