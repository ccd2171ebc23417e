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
