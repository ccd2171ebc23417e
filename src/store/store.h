/* SPDX-License-Identifier: MIT */
/* The storage interface. The application layer talks to a store only through this vtable, so
 * a second backend (PostgreSQL) plugs in by providing another vtable; the domain core never
 * sees it. Every mutating application command runs inside begin_write .. commit, and a failed
 * command calls rollback, so a command is all or nothing. Row callbacks stream results: a
 * store never materialises a whole report in memory. */
#ifndef ACSA_STORE_H
#define ACSA_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/agreement.h"
#include "../core/order.h"
#include "../core/rc.h"

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
    int32_t overdue_as_of;                /* ACSA_DATE_NONE, or only orders with
                                             due_day < overdue_as_of and not settled. */
    bool convertible_only;                /* With overdue_as_of: in-kind orders (rik, eve) in
                                             state delivered, not converted. */
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
    int64_t amount_minor;
    int64_t quantity_milli;     /* Sum of in-kind quantities (for kind accounts). */
};

/* Callbacks return ACSA_OK to continue; any other code stops the scan and is returned. */
typedef enum acsa_rc (*acsa_agreement_cb)(void *ctx, const struct acsa_agreement *agreement);
typedef enum acsa_rc (*acsa_activity_cb)(void *ctx, const struct acsa_activity *activity);
typedef enum acsa_rc (*acsa_unit_cb)(void *ctx, int64_t id, const char *party, const char *name);
typedef enum acsa_rc (*acsa_official_cb)(void *ctx, const struct acsa_official *official);
typedef enum acsa_rc (*acsa_order_cb)(void *ctx, const struct acsa_order_summary *order);
typedef enum acsa_rc (*acsa_event_cb)(void *ctx, const struct acsa_event_row *row);
typedef enum acsa_rc (*acsa_balance_cb)(void *ctx, const struct acsa_balance_row *row);

#define ACSA_STORE_VTBL_VERSION 1

/* Every function returns ACSA_OK, ACSA_ENOTFOUND (a get that found nothing), ACSA_EEXISTS
 * (a unique key taken), ACSA_ESTORAGE (the backend failed: the message is in err) or
 * ACSA_ENOMEM. None is thread-safe on one handle. */
struct acsa_store_vtbl {
    uint32_t version; /* ACSA_STORE_VTBL_VERSION. */
    void (*close)(struct acsa_store *store);
    enum acsa_rc (*begin_write)(struct acsa_store *store, struct acsa_error *err);
    enum acsa_rc (*commit)(struct acsa_store *store, struct acsa_error *err);
    void (*rollback)(struct acsa_store *store);

    /* Node settings: "nation", "name". value_size includes the NUL. */
    enum acsa_rc (*meta_get)(struct acsa_store *store, const char *key, char *value,
                             size_t value_size, struct acsa_error *err);
    enum acsa_rc (*meta_set)(struct acsa_store *store, const char *key, const char *value,
                             struct acsa_error *err);

    /* Agreements are kept with the JSON text they were loaded from. */
    enum acsa_rc (*agreement_put)(struct acsa_store *store, const struct acsa_agreement *agreement,
                                  const char *source_json, struct acsa_error *err);
    enum acsa_rc (*agreement_get)(struct acsa_store *store, const char *id,
                                  struct acsa_agreement *out, struct acsa_error *err);
    enum acsa_rc (*agreement_list)(struct acsa_store *store, acsa_agreement_cb cb, void *ctx,
                                   struct acsa_error *err);

    enum acsa_rc (*unit_add)(struct acsa_store *store, const char *party, const char *name,
                             int64_t *out_id, struct acsa_error *err);
    /* party and name are filled; each buffer holds ACSA_NATION_SIZE / ACSA_NAME_SIZE bytes. */
    enum acsa_rc (*unit_get)(struct acsa_store *store, int64_t id, char *party, char *name,
                             struct acsa_error *err);
    enum acsa_rc (*unit_list)(struct acsa_store *store, acsa_unit_cb cb, void *ctx,
                              struct acsa_error *err);

    /* Creates the official if new, and sets (or replaces) the limit in that currency. */
    enum acsa_rc (*official_set_limit)(struct acsa_store *store, const char *party,
                                       const char *name, const struct acsa_currency *currency,
                                       int64_t limit_minor, int64_t *out_id,
                                       struct acsa_error *err);
    /* Finds an official by party and exact name, with all limits. */
    enum acsa_rc (*official_get)(struct acsa_store *store, const char *party, const char *name,
                                 struct acsa_official *out, struct acsa_error *err);
    enum acsa_rc (*official_list)(struct acsa_store *store, acsa_official_cb cb, void *ctx,
                                  struct acsa_error *err);

    enum acsa_rc (*activity_add)(struct acsa_store *store, const struct acsa_activity *activity,
                                 int64_t *out_id, struct acsa_error *err);
    enum acsa_rc (*activity_get)(struct acsa_store *store, int64_t id, struct acsa_activity *out,
                                 struct acsa_error *err);
    enum acsa_rc (*activity_list)(struct acsa_store *store, const char *agreement_id,
                                  acsa_activity_cb cb, void *ctx, struct acsa_error *err);

    /* The next order sequence number for (requester, supplier, year): 1, 2, ... It is part of
     * the command's transaction, so a refused command leaves no gap and no number is reused. */
    enum acsa_rc (*order_next_sequence)(struct acsa_store *store, const char *requester,
                                        const char *supplier, int32_t year, int64_t *out_sequence,
                                        struct acsa_error *err);
    /* Inserts a new order (with its lines) and its create event. EEXISTS if the number is taken. */
    enum acsa_rc (*order_insert)(struct acsa_store *store, const struct acsa_order *order,
                                 const struct acsa_event *event, struct acsa_error *err);
    /* Loads an order with its lines and history. */
    enum acsa_rc (*order_get)(struct acsa_store *store, const char *number,
                              struct acsa_order *out, struct acsa_error *err);
    /* Writes the order's new state and lines and appends the event with its postings. */
    enum acsa_rc (*order_update)(struct acsa_store *store, const struct acsa_order *order,
                                 const struct acsa_event *event, struct acsa_error *err);
    /* Orders matching filter (NULL: all), ordered by number. */
    enum acsa_rc (*order_list)(struct acsa_store *store, const struct acsa_order_filter *filter,
                               acsa_order_cb cb, void *ctx, struct acsa_error *err);
    /* The events of one order, oldest first, with postings. */
    enum acsa_rc (*event_list)(struct acsa_store *store, const char *order_number,
                               acsa_event_cb cb, void *ctx, struct acsa_error *err);
    /* Sums of postings grouped by partner, currency and account, for postings dated on or
     * before as_of_day (ACSA_DATE_NONE: all); partner "" for all partners. Ordered by partner,
     * currency, account. */
    enum acsa_rc (*balance)(struct acsa_store *store, const char *partner, int32_t as_of_day,
                            acsa_balance_cb cb, void *ctx, struct acsa_error *err);
};

struct acsa_store {
    const struct acsa_store_vtbl *vtbl; /* The backend. */
};

/* Opening flags. */
#define ACSA_STORE_CREATE 1u   /* Create the database file if missing. */
#define ACSA_STORE_FAST 2u     /* synchronous=NORMAL instead of FULL (bulk loads, benchmarks). */

/** Opens (and migrates to the current schema) the SQLite database at path. On success
 * *out_store owns the connection; close it with acsa_store_close. ENOTFOUND when the file is
 * missing and ACSA_STORE_CREATE is not set; ESTORAGE with the SQLite message otherwise. */
ACSA_NODISCARD enum acsa_rc acsa_store_sqlite_open(const char *path, unsigned flags,
                                                   struct acsa_store **out_store,
                                                   struct acsa_error *err);

/** The schema version the code migrates to. */
int acsa_store_schema_version(void);

static inline void acsa_store_close(struct acsa_store *store)
{
    if (store != NULL) {
        store->vtbl->close(store);
    }
}

#endif
