/* SPDX-License-Identifier: MIT */
/* The JSON renderings of orders, events, balances and reference data that every front end
 * shares, so the CLI's --json output and the HTTP API show the same objects. The row types of
 * the storage interface are plain data; only their declarations are used here. */
#ifndef ACSA_ORDER_JSON_H
#define ACSA_ORDER_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "agreement.h"
#include "order.h"
#include "rows.h"
#include "json_text.h"

/* Every function returns a new reference, or NULL when out of memory. */

/** An amount as a decimal string with the currency's decimals ("12.50"). */
json_t *acsa_json_money(int64_t minor, uint8_t exponent);
/** A quantity in thousandths as a decimal string ("0.5"). */
json_t *acsa_json_quantity(int64_t milli);
/** "YYYY-MM-DD", or null for ACSA_DATE_NONE. */
json_t *acsa_json_date(int32_t day);
/** A string of stored text: each byte that is not part of well-formed UTF-8 becomes U+FFFD, so
 * that text stored before the text rule (core/text.h) renders instead of failing. NULL only
 * when out of memory. */
json_t *acsa_json_string(const char *text);
/** The text as acsa_json_string, or null when empty. */
json_t *acsa_json_text(const char *text);
/** The id, or null for 0. */
json_t *acsa_json_id(int64_t id);

/** One order of a list. */
json_t *acsa_order_summary_json(const struct acsa_order_summary *order);

/* An order with the names it refers to, resolved by the caller (acsa_app_order_view). */
struct acsa_order_view {
    struct acsa_order order;                 /* With lines and history. */
    struct acsa_activity activity;           /* activity.id is 0 if it could not be read. */
    char requester_unit[ACSA_NAME_SIZE];     /* "" if none. */
    char supplier_unit[ACSA_NAME_SIZE];      /* "" if none. */
};

/** An order's header, amounts (overdue judged on today) and lines, without events. */
json_t *acsa_order_json(const struct acsa_order_view *view, int32_t today);
/** One event with its postings; amounts in the order's currency cur. */
json_t *acsa_event_json(const struct acsa_event_row *row, const struct acsa_currency *cur);

/* The same as text, for the server's answers: byte for byte the compact text of the JSON
 * above (tests/unit/test_json_in.c compares them), without building the values first. */
/** The members of acsa_order_json(view, today), without the braces around them. */
void acsa_order_text_members(struct acsa_text *t, const struct acsa_order_view *view,
                             int32_t today);
/** acsa_event_json(row, cur). */
void acsa_event_text(struct acsa_text *t, const struct acsa_event_row *row,
                     const struct acsa_currency *cur);

/* The balance with one partner in one currency, every figure summed in 128 bits (no ledger
 * overflows it): payables as positive amounts owed by us. Committed is accepted and not yet
 * delivered; receivable and payable are delivered and not yet settled; settled is what has
 * been discharged of what was delivered (delivered value less what is still owed), each way. */
struct acsa_balance_line {
    char partner[ACSA_NATION_SIZE];
    char currency[ACSA_CURRENCY_SIZE];
    acsa_wide receivable_cash_minor;
    acsa_wide receivable_kind_minor;
    acsa_wide payable_cash_minor;
    acsa_wide payable_kind_minor;
    acsa_wide committed_receivable_cash_minor;
    acsa_wide committed_receivable_kind_minor;
    acsa_wide committed_payable_cash_minor;
    acsa_wide committed_payable_kind_minor;
    acsa_wide supplied_minor;         /* Value delivered to the partner (positive). */
    acsa_wide received_minor;         /* Value delivered by the partner. */
};

/** Whether row belongs to the group line already holds (same partner and currency). */
bool acsa_balance_line_same(const struct acsa_balance_line *line,
                            const struct acsa_balance_row *row);
/** Starts line as the (empty) group of row's partner and currency. */
void acsa_balance_line_start(struct acsa_balance_line *line, const struct acsa_balance_row *row);
/** Adds row (of the same group) to line; settlement and counter accounts are not figures of
 * the statement. */
void acsa_balance_line_add(struct acsa_balance_line *line, const struct acsa_balance_row *row);
/** Delivered receivables minus delivered payables: what is owed now, net. */
acsa_wide acsa_balance_line_net(const struct acsa_balance_line *line);
/** Settled of what we supplied (receivable) and of what we received (payable). */
acsa_wide acsa_balance_line_settled_receivable(const struct acsa_balance_line *line);
acsa_wide acsa_balance_line_settled_payable(const struct acsa_balance_line *line);
/** The line with its net. */
json_t *acsa_balance_line_json(const struct acsa_balance_line *line, acsa_wide net);
/** A wide amount as JSON: a decimal string with every digit. */
json_t *acsa_json_wide(acsa_wide minor, uint8_t exponent);

/* Called with each finished (partner, currency) line of the balance report and its net. */
typedef enum acsa_rc (*acsa_balance_line_cb)(void *ctx, const struct acsa_balance_line *line,
                                             acsa_wide net);

/* Sums the rows of the store's balance scan, which arrive ordered by partner and currency,
 * into one line per partner and currency: one group in memory at a time. */
struct acsa_balance_grouper {
    acsa_balance_line_cb emit;       /* Receives each finished line. */
    void *ctx;                       /* Passed to emit. */
    struct acsa_error *err;          /* Unused: wide sums do not overflow; kept for callers. */
    bool have;                       /* line holds a group. */
    struct acsa_balance_line line;   /* The group being summed. */
};

/** The store's balance callback (acsa_balance_cb); ctx is a struct acsa_balance_grouper.
 * Returns what emit returns. */
ACSA_NODISCARD enum acsa_rc acsa_balance_grouper_row(void *ctx,
                                                     const struct acsa_balance_row *row);
/** Emits the last group; call once the scan succeeded. */
ACSA_NODISCARD enum acsa_rc acsa_balance_grouper_finish(struct acsa_balance_grouper *grouper);

struct acsa_transit_line;
/** One line in transit too long (src/core/transit.h): its order, the line, issued, received,
 * the quantity in transit, when its oldest part was issued and the days since. */
json_t *acsa_transit_json(const struct acsa_order *order, const struct acsa_transit_line *line);

/** One overdue order: days overdue and its ageing bucket's label. */
json_t *acsa_overdue_json(const struct acsa_order_summary *order, int32_t days,
                          const char *bucket);

/** An agreement as listed: id, title, parties, dates, whether in force on today. */
json_t *acsa_agreement_summary_json(const struct acsa_agreement *agreement, int32_t today);
/** Every field of an agreement, with its term end and whether in force on today. */
json_t *acsa_agreement_detail_json(const struct acsa_agreement *agreement, int32_t today);

json_t *acsa_unit_json(int64_t id, const char *party, const char *name);
json_t *acsa_official_json(const struct acsa_official *official);
json_t *acsa_activity_json(const struct acsa_activity *activity);

#endif
