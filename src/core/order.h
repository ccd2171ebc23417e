/* SPDX-License-Identifier: MIT */
/* Orders and their state machine. A step is a pure function of (agreement, order, command)
 * that either refuses with the rule named and leaves the order untouched, or changes the order
 * and yields one event with its balanced ledger postings. The caller persists both together. */
#ifndef ACSA_ORDER_H
#define ACSA_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "agreement.h"
#include "limits.h"
#include "rate.h"
#include "grant.h"
#include "rc.h"

/* Order states (DOMAIN.md requirement 3). Stored as names; the numbers are not stored. */
enum acsa_state {
    ACSA_STATE_DRAFT,
    ACSA_STATE_SUBMITTED,
    ACSA_STATE_APPROVED,
    ACSA_STATE_ACCEPTED,
    ACSA_STATE_REJECTED,
    ACSA_STATE_DELIVERING,
    ACSA_STATE_DELIVERED,
    ACSA_STATE_INVOICED,
    ACSA_STATE_SETTLED,
    ACSA_STATE_CLOSED,
    ACSA_STATE_CANCELLED,
    ACSA_STATE_DISPUTED,
    ACSA_STATE_COUNT
};

/* The steps an order goes through; each recorded step is an event. Stored as names. */
enum acsa_step {
    ACSA_STEP_CREATE,
    ACSA_STEP_SUBMIT,
    ACSA_STEP_APPROVE,
    ACSA_STEP_ACCEPT,
    ACSA_STEP_REJECT,
    ACSA_STEP_CANCEL,
    ACSA_STEP_DISPUTE,
    ACSA_STEP_ISSUE,
    ACSA_STEP_RECEIVE,
    ACSA_STEP_INVOICE,
    ACSA_STEP_PAY,
    ACSA_STEP_RETURN,
    ACSA_STEP_ACCEPT_RETURN,
    ACSA_STEP_EXCHANGE,
    ACSA_STEP_CONVERT,
    ACSA_STEP_CLOSE,
    ACSA_STEP_RESOLVE,        /* Ends a dispute: back to the state it was raised in. */
    ACSA_STEP_CLOSE_LINE,     /* Ends a line short at the quantity received. */
    ACSA_STEP_CORRECT,        /* Sets a per-line step's cumulative quantity anew. */
    ACSA_STEP_AMEND,          /* Changes a draft: units, place, need-by, lines. */
    ACSA_STEP_REJECT_RETURN,  /* The supplier refuses part of a return; it is owed again. */
    ACSA_STEP_VOID,           /* Derived, never taken nor signed: undoes this node's step that
                                 lost to a concurrent step of the partner's (concurrency.h). */
    ACSA_STEP_COUNT
};

/* Ledger accounts, seen from the node's own nation. Amounts are signed: debit positive,
 * credit negative; the postings of every event sum to zero per currency. */
enum acsa_account {
    ACSA_ACCOUNT_RECEIVABLE_CASH, /* The partner owes us money. */
    ACSA_ACCOUNT_RECEIVABLE_KIND, /* The partner owes us supplies or services (by value). */
    ACSA_ACCOUNT_PAYABLE_CASH,    /* We owe the partner money (credit balance). */
    ACSA_ACCOUNT_PAYABLE_KIND,    /* We owe the partner in kind (credit balance). */
    ACSA_ACCOUNT_SUPPLIED,        /* Value of what we supplied (credit balance). */
    ACSA_ACCOUNT_RECEIVED,        /* Value of what we received. */
    ACSA_ACCOUNT_CASH,            /* Money paid or received in settlement. */
    ACSA_ACCOUNT_KIND_SETTLED,    /* Value of supplies returned in kind in settlement. */
    ACSA_ACCOUNT_EXCHANGE,        /* Clearing account of equal-value exchanges. */
    /* Commitments (DOMAIN step 3): from acceptance until receipt an order's value is owed as
     * a commitment; a receipt moves it to the delivered obligation above, a cancel or a line
     * ended short releases it. */
    ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH, /* The partner has committed to owe us money. */
    ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND, /* ... to owe us in kind. */
    ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH,    /* We have committed to owe money (credit). */
    ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND,    /* ... to owe in kind (credit). */
    ACSA_ACCOUNT_COMMITTED,                 /* Counter account of commitments. */
    ACSA_ACCOUNT_COUNT
};

const char *acsa_state_name(enum acsa_state state);
bool acsa_state_parse(const char *text, enum acsa_state *out);
const char *acsa_step_name(enum acsa_step step);
bool acsa_step_parse(const char *text, enum acsa_step *out);
const char *acsa_account_name(enum acsa_account account);
/** The account of the partner's ledger that mirrors account in ours: our receivable is its
 * payable (committed or delivered), what we supplied it received; cash, kind settled,
 * exchange and the commitments' counter account mirror themselves. */
enum acsa_account acsa_account_mirror(enum acsa_account account);
bool acsa_account_parse(const char *text, enum acsa_account *out);

/* An authorised official of one party, with approval limits per currency. */
struct acsa_official {
    int64_t id;                                                      /* Store id. */
    char party[ACSA_NATION_SIZE];                                    /* Nation. */
    char name[ACSA_NAME_SIZE];                                       /* As given with --by. */
    struct acsa_currency limit_currency[ACSA_OFFICIAL_LIMITS_MAX];   /* Currencies of limits. */
    int64_t limit_minor[ACSA_OFFICIAL_LIMITS_MAX];                   /* Limit per currency. */
    uint32_t limit_count;                                            /* Used entries. */
    /* Dated authority: when by_grants, the core judges the step by acsa_grant_check over
     * grants (every grant of this official the node holds, filled by the app) and the
     * limits above are only for display. */
    char title[ACSA_NAME_SIZE];                                      /* Latest grant's. */
    const struct acsa_grant *grants;                                 /* Not owned. */
    uint32_t grant_count;
    bool by_grants;
};

/* A joint exercise or operation orders are raised for. */
struct acsa_activity {
    int64_t id;                              /* Store id. */
    char agreement_id[ACSA_ID_SIZE];         /* The agreement it falls under. */
    char name[ACSA_NAME_SIZE];               /* "Dharma Guardian 2024". */
    char type[ACSA_CODE_SIZE];               /* One of the agreement's activity types. */
    int32_t from_day;                        /* First day. */
    int32_t to_day;                          /* Last day (>= from_day). */
    char place[ACSA_TEXT_SIZE];              /* Optional. */
    char reason[ACSA_TEXT_SIZE];             /* Why both nations' laws allow it: required for
                                                type other-lawful, else optional. */
};

/** Validates an activity against its agreement: name present, type covered, dates ordered.
 * ACSA_EREFUSED naming the field and rule. */
ACSA_NODISCARD enum acsa_rc acsa_activity_validate(const struct acsa_agreement *agreement,
                                                   const struct acsa_activity *activity,
                                                   struct acsa_error *err);

struct acsa_order_line {
    char category[ACSA_CODE_SIZE];         /* One of the agreement's categories. */
    char description[ACSA_TEXT_SIZE];      /* What is supplied. */
    char nsn[ACSA_NSN_SIZE];               /* NSN or part number; "" if unknown. */
    char unit_of_issue[ACSA_UNIT_OF_ISSUE_SIZE]; /* "l", "kg", "ea", ... */
    int64_t quantity_milli;                /* Ordered, > 0. */
    int64_t price_minor;                   /* Unit price in the order currency, >= 0. */
    int64_t value_minor;                   /* quantity x price, rounded (money.h). */
    int64_t issued_milli;                  /* Issued so far (<= quantity). */
    int64_t received_milli;                /* Received so far (<= issued). */
    int64_t returned_milli;                /* Returned in kind so far (<= received). */
    int64_t return_accepted_milli;         /* Returns the supplier accepted (<= returned). */
    bool closed;                           /* Ended short at received_milli (close-line). */
    int64_t invoiced_milli;                /* Invoiced so far (<= received); cash orders. */
};

/* One invoice of a cash order: a numbered claim for receipted quantities, due
 * due_days.cash after its date. Numbers come from the issuing node's series (ARCHITECTURE.md
 * "Invoices"); the core only keeps them. */
struct acsa_invoice {
    char number[ACSA_NUMBER_SIZE];         /* "IN-INV-2024-000001". */
    int32_t day;                           /* Invoice date. */
    int32_t due_day;                       /* day + due_days.cash. */
    int64_t amount_minor;                  /* In the order currency, > 0. */
    int64_t paid_minor;                    /* Applied to it so far (<= amount). */
};

/* One recorded step, as far as later rules need it (separation of duties). */
/* One person who took a step separation of duties weighs (raise, submit, issue, receive):
 * each (step, name as written) once. */
struct acsa_order_duty {
    uint8_t step;                          /* enum acsa_step. */
    char actor[ACSA_NAME_SIZE];            /* Who took it, as written. */
    uint8_t actor_key[ACSA_NAME_KEY_SIZE]; /* The name's comparison key (all zero: none; the
                                              actors are then compared as written). */
};

struct acsa_order {
    char number[ACSA_NUMBER_SIZE];         /* "IN-JP-2024-000042". */
    char agreement_id[ACSA_ID_SIZE];       /* The one agreement it falls under. */
    char requester[ACSA_NATION_SIZE];      /* Requesting (receiving) party. */
    char supplier[ACSA_NATION_SIZE];       /* Supplying party. */
    int64_t requester_unit_id;             /* Unit of the requester, 0 if not given. */
    int64_t supplier_unit_id;              /* Unit of the supplier, 0 if not given. */
    int64_t activity_id;                   /* The activity it cites. */
    enum acsa_method method;               /* Settlement method. */
    enum acsa_state state;                 /* Current state. */
    enum acsa_state state_before_dispute;  /* Where a dispute was raised from. */
    struct acsa_currency currency;         /* Every line and payment is in this currency. */
    char place[ACSA_TEXT_SIZE];            /* Requested delivery place; "" if not given. */
    int32_t need_by_day;                   /* Requested delivery date or ACSA_DATE_NONE. */
    int32_t created_day;                   /* Date raised. */
    int32_t delivered_day;                 /* Date the last receipt completed delivery. */
    int32_t invoiced_day;                  /* Date of the invoice or of the conversion. */
    int32_t due_day;                       /* Settlement due date, ACSA_DATE_NONE if none. */
    int64_t value_minor;                   /* Sum of line values as ordered. */
    int64_t received_value_minor;          /* Value received so far. */
    int64_t kind_settled_minor;            /* In-kind obligation discharged (returns, exchange). */
    int64_t cash_due_minor;                /* Cash obligation: invoiced, converted or difference. */
    int64_t paid_minor;                    /* Paid so far (<= cash_due_minor). */
    bool converted;                        /* An in-kind obligation became cash. */
    char exchanged_with[ACSA_NUMBER_SIZE]; /* The reciprocal order of an exchange, or "". */
    uint32_t line_count;                   /* Used lines. */
    struct acsa_order_line lines[ACSA_ORDER_LINES_MAX];                 /* Lines 1..count. */
    char disputed_by[ACSA_NATION_SIZE];    /* The party that raised the open (or last)
                                              dispute; "" if never disputed or not known. */
    uint32_t event_count;                  /* Events recorded on the order, voids included:
                                              its version, one more with every step. */
    uint32_t duty_count;                                                /* Used entries. */
    struct acsa_order_duty duties[ACSA_ORDER_DUTIES_MAX];               /* Oldest first. */
    uint32_t invoice_count;                                             /* Used entries. */
    struct acsa_invoice invoices[ACSA_ORDER_INVOICES_MAX];              /* Oldest first. */
    int32_t last_step_day;                 /* Date of the latest step; the next is not before. */
};

/* One leg of a ledger entry. */
struct acsa_posting {
    enum acsa_account account;             /* Which account. */
    char partner[ACSA_NATION_SIZE];        /* The counterparty nation. */
    char currency[ACSA_CURRENCY_SIZE];     /* Currency of amount_minor. */
    int64_t amount_minor;                  /* Debit > 0, credit < 0. */
    int64_t quantity_milli;                /* For in-kind legs: the quantity; else 0. */
    uint32_t line_no;                      /* For per-line legs: the line (1-based); else 0. */
};

/* What one step recorded. */
struct acsa_event {
    enum acsa_step step;                   /* The step. */
    int32_t day;                           /* Its date. */
    char actor[ACSA_NAME_SIZE];            /* Who took it. */
    enum acsa_state state_from;            /* State before. */
    enum acsa_state state_to;              /* State after. */
    uint32_t line_no;                      /* Line of a per-line step, else 0. */
    int64_t quantity_milli;                /* Quantity of a per-line step, else 0. */
    int64_t amount_minor;                  /* Amount of a money step (pay, invoice, convert). */
    char detail[ACSA_TEXT_SIZE];           /* Reason or note, human-readable. */
    uint32_t posting_count;                /* Used postings. */
    struct acsa_posting postings[ACSA_EVENT_POSTINGS_MAX]; /* Balanced legs. */
    /* pay: what was paid, in its own currency, and the rate it was converted at (units 0:
     * paid in the order currency); amount_minor above is the order-currency amount. */
    char paid_currency[ACSA_CURRENCY_SIZE];
    int64_t paid_minor;
    struct acsa_rate rate;
    int32_t rate_day;                      /* ACSA_DATE_NONE without a rate. */
    char rate_source[ACSA_TEXT_SIZE];
    char invoice[ACSA_NUMBER_SIZE];        /* invoice: the new invoice; pay: the one named. */
    int32_t recorded_day;                  /* Day the step was recorded; 0 if not known. */
    char backdate_reason[ACSA_TEXT_SIZE];  /* Back-entry reason; "" unless back-entered. */
    /* correct: the step whose cumulative quantity it set (quantity_milli is the new total),
     * so that views and reports can say what was corrected; ACSA_STEP_CREATE otherwise. */
    enum acsa_step corrected_step;
};

/* The input of a new order, before it has a number. */
struct acsa_order_draft {
    char requester[ACSA_NATION_SIZE];
    char supplier[ACSA_NATION_SIZE];
    int64_t requester_unit_id;             /* 0 if not given. */
    int64_t supplier_unit_id;              /* 0 if not given. */
    enum acsa_method method;
    char place[ACSA_TEXT_SIZE];
    int32_t need_by_day;                   /* ACSA_DATE_NONE if not given. */
    uint32_t line_count;
    struct acsa_order_line lines[ACSA_ORDER_LINES_MAX]; /* category .. price_minor filled. */
    char line_currency[ACSA_ORDER_LINES_MAX][ACSA_CURRENCY_SIZE]; /* Per line; all must agree. */
    int32_t recorded_day;                  /* Today on the recording node; 0 if not known. */
    char backdate_reason[ACSA_TEXT_SIZE];  /* --backdate-reason, may be "". */
};

/* A step's input besides the order itself. */
struct acsa_command {
    enum acsa_step step;                   /* Which step. */
    int32_t day;                           /* Date it takes effect. */
    char actor[ACSA_NAME_SIZE];            /* --by. */
    char reason[ACSA_TEXT_SIZE];           /* --reason, may be "". */
    uint32_t line_no;                      /* issue, receive, return, accept-return. */
    int64_t quantity_milli;                /* issue, receive, return, accept-return. */
    int64_t amount_minor;                  /* pay. */
    char currency[ACSA_CURRENCY_SIZE];     /* pay. */
    const struct acsa_official *official;  /* approve/accept/reject/resolve: the actor's
                                              official record in the acting party, NULL if
                                              none. */
    char party[ACSA_NATION_SIZE];          /* dispute, close-line: the party taking the step
                                              ("" if not known). */
    enum acsa_step corrected_step;         /* correct: issue, receive, return or
                                              accept-return; else ACSA_STEP_CREATE (none). */
    uint8_t actor_key[ACSA_NAME_KEY_SIZE]; /* The actor's comparison key (acsa_app_name_key),
                                              all zero: none. */
    const struct acsa_order_draft *amend;  /* amend: the whole changed draft (units, place,
                                              need_by, lines); the parties and the method are
                                              the order's. */
    const struct acsa_activity *activity;  /* amend: the order's activity, for the rules of
                                              entry. */
    /* pay in another currency than the order's: 1 unit of currency = rate units of the order
     * currency, stated on rate_day by rate_source. units 0: no rate (same currency). */
    struct acsa_rate rate;
    int32_t rate_day;                      /* ACSA_DATE_NONE without a rate. */
    char rate_source[ACSA_TEXT_SIZE];
    /* invoice: the number the issuing node gave it; pay: the invoice it settles, "" for the
     * oldest unpaid first. invoice also takes line_no/quantity_milli (0: all receipted). */
    char invoice[ACSA_NUMBER_SIZE];
    /* exchange: how many more reverse orders the same exchange matches after this pair (0:
     * this is the last or only one). While more follow, the order keeps its remainder in kind
     * for them; the last pair turns what is left into cash. rate: 1 unit of the other order's
     * currency = rate units of this order's currency. */
    uint8_t exchange_more;
    int32_t recorded_day;                  /* Today on the recording node, filled from its
                                              clock and carried in the record; 0 if not
                                              known (records made before it existed). */
    char backdate_reason[ACSA_TEXT_SIZE];  /* --backdate-reason, may be "". */
};

/** Formats an order number: "IN-JP-2024-000042". buf holds ACSA_NUMBER_SIZE bytes. */
char *acsa_order_number_format(const char *requester, const char *supplier, int32_t year,
                               int64_t sequence, char buf[ACSA_NUMBER_SIZE]);

/** Sums the values of count lines (each at most ACSA_LINE_VALUE_MAX, as entry checks) into
 * *out_total; ACSA_EREFUSED naming "line.price" and ACSA_ORDER_VALUE_MAX when it exceeds the
 * largest value of an order. */
ACSA_NODISCARD enum acsa_rc acsa_order_lines_total(const struct acsa_order_line *lines,
                                                   uint32_t count,
                                                   const struct acsa_currency *currency,
                                                   int64_t *out_total, struct acsa_error *err);

/** The number of an order a node enters by hand for a requester that keeps no node of its
 * own: "JP-IN-2024-M000001", from a series of its own, so that it never meets the requester's
 * own series once that nation runs a node (docs/ARCHITECTURE.md, "Order numbers"). */
char *acsa_order_number_format_manual(const char *requester, const char *supplier,
                                      int32_t year, int64_t sequence,
                                      char buf[ACSA_NUMBER_SIZE]);

/** Whether number is of the manual series ("CC-CC-YYYY-M" and digits). */
bool acsa_order_number_manual(const char *number);

/** Builds a new draft order from draft, under agreement, citing activity, raised on day by
 * actor, numbered number. Checks every rule of entry: agreement in force on day, both parties
 * of the agreement and different, the activity under the agreement with a covered type, the
 * method allowed, at least one line, every category permitted and not excluded, quantities
 * positive, prices not negative, one allowed currency for all lines, no overflow. On success
 * fills *out_order and *out_event (step create); on refusal leaves them zeroed and returns
 * ACSA_EREFUSED or ACSA_EUSAGE with err naming the field ("line 2.category") and rule. */
ACSA_NODISCARD enum acsa_rc acsa_order_create(const struct acsa_agreement *agreement,
                                              const struct acsa_activity *activity,
                                              const struct acsa_order_draft *draft,
                                              const char *number, int32_t day,
                                              const char *actor, struct acsa_order *out_order,
                                              struct acsa_event *out_event,
                                              struct acsa_error *err);

/** Applies one step (anything but create and exchange) to *order. nation is the node's own
 * nation: it decides which side of each posting is ours. On success *order holds the new
 * state and *out_event the event with balanced postings; on refusal *order is unchanged,
 * *out_event zeroed, and err names the field and rule. Pure; no I/O. */
ACSA_NODISCARD enum acsa_rc acsa_order_apply(const struct acsa_agreement *agreement,
                                             const char *nation, struct acsa_order *order,
                                             const struct acsa_command *command,
                                             struct acsa_event *out_event,
                                             struct acsa_error *err);

/** Matches two delivered equal-value-exchange orders of reverse direction under the same
 * agreement. The smaller value discharges both in kind; any difference becomes a cash
 * obligation on the larger order, due cash-days after day (on order only once
 * command->exchange_more is 0: one order against several is a run of pairs). Orders in two
 * currencies need command->rate (1 unit of other's currency = rate of order's), its date
 * and source; the matched value is converted at it, rounded half to even (rate.h). Both orders
 * and both events are written only on success. */
ACSA_NODISCARD enum acsa_rc acsa_order_exchange(const struct acsa_agreement *agreement,
                                                const char *nation, struct acsa_order *order,
                                                struct acsa_order *other,
                                                const struct acsa_command *command,
                                                struct acsa_event *out_event,
                                                struct acsa_event *out_other_event,
                                                struct acsa_error *err);

/** Whether a line is settled for delivery: fully received, or closed short. */
bool acsa_order_line_complete(const struct acsa_order_line *line);

/** The rules of entry acsa_order_create applies, on a draft of an order that exists: used by
 * amend. Fills the lines' values of *checked (a copy of draft) on success. */
ACSA_NODISCARD enum acsa_rc acsa_order_entry_check(const struct acsa_agreement *agreement,
                                                   const struct acsa_activity *activity,
                                                   const struct acsa_order_draft *draft,
                                                   int32_t day,
                                                   struct acsa_order_draft *checked,
                                                   struct acsa_error *err);

/** The steps of order_fix.c (resolve, close-line, correct, amend, reject-return), called by
 * acsa_order_apply on a copy of the order after the common checks. */
ACSA_NODISCARD enum acsa_rc acsa__order_fix_apply(const struct acsa_agreement *agreement,
                                                  const char *nation, struct acsa_order *order,
                                                  const struct acsa_command *cmd,
                                                  struct acsa_event *event,
                                                  struct acsa_error *err);

/** ACSA_EUSAGE naming "reason" when a step that needs a stated reason has none. */
ACSA_NODISCARD enum acsa_rc acsa__order_need_reason(const struct acsa_command *cmd,
                                                    struct acsa_error *err);

/** The line a per-line command names, or NULL with err naming "line" when the order has no
 * such line. */
struct acsa_order_line *acsa__order_line(struct acsa_order *order,
                                         const struct acsa_command *cmd, struct acsa_error *err);

/** A delivered cash order becomes invoiced once every receipted quantity is invoiced, and
 * settled once, besides, every invoice is paid; other states are left as they are. */
void acsa__order_cash_state(struct acsa_order *order);

/** The ledger legs of a receipt (accrual) or of a return accepted (discharge in kind) of
 * value and quantity on line_no, signed: a correction posts negative ones. */
void acsa__order_post_receipt(struct acsa_event *event, const struct acsa_order *order,
                              const char *nation, int64_t value, int64_t quantity,
                              uint32_t line_no);
void acsa__order_post_return_accepted(struct acsa_event *event, const struct acsa_order *order,
                                      const char *nation, int64_t value, int64_t quantity,
                                      uint32_t line_no);

/** Value of a line's quantities from done to done + quantity (cumulative rounding). */
int64_t acsa__order_value_between(const struct acsa_order_line *line, int64_t done,
                                  int64_t quantity);
/** The date rules of a new order (ARCHITECTURE.md "Dates"): the date not after recorded_day;
 * need-by not before the date; the date within the activity's dates widened by the
 * agreement's planning_days_before and days_after; a date more than backdate_days before
 * recorded_day, or a recorded_day after the agreement's last day, needs a backdate reason;
 * never dated after the last day. recorded_day 0 (not known) skips the rules that need it. */
ACSA_NODISCARD enum acsa_rc acsa_order_create_dates(const struct acsa_agreement *agreement,
                                                    const struct acsa_activity *activity,
                                                    const struct acsa_order_draft *draft,
                                                    int32_t day, struct acsa_error *err);

/** The date rules of a step on order: on or after the order's last step, not after
 * recorded_day, invoice on or after the last receipt, payment on or after the invoice, the
 * back-entry rule, and the agreement's end for an order not yet accepted. */
ACSA_NODISCARD enum acsa_rc acsa_order_step_dates(const struct acsa_agreement *agreement,
                                                  const struct acsa_order *order,
                                                  const struct acsa_command *command,
                                                  struct acsa_error *err);

/** Whether a step dated day and recorded on recorded_day is back-entered: more than the
 * agreement's backdate_days before it. */
bool acsa_order_back_entered(const struct acsa_agreement *agreement, int32_t day,
                             int32_t recorded_day);
/** Posts to event the release of the commitment of quantity_milli of line line_no (1-based)
 * of order, seen from nation: the value from the line's received quantity up to received +
 * quantity_milli (cumulative rounding, as a receipt of that quantity would be valued). Call it
 * before the line's received quantity changes. For an order that holds no commitment (not
 * accepted, or already released) and for a zero value it posts nothing. A receipt, a cancel
 * after acceptance and a line ended short (close-line) release through it. */
void acsa_post_uncommit(struct acsa_event *event, const struct acsa_order *order,
                        const char *nation, uint32_t line_no, int64_t quantity_milli);

/** Posts a change of value of what order still commits (positive: more committed), seen from
 * nation, on line_no; nothing for 0. */
void acsa__order_post_commitment(struct acsa_event *event, const struct acsa_order *order,
                                 const char *nation, int64_t value, uint32_t line_no);

/** Whether order holds a commitment: accepted and not yet cancelled (the steps from
 * acceptance on, a dispute raised from one of them included). */
bool acsa_order_committed(const struct acsa_order *order);

/** The value still committed on order: each line's value from its received quantity up to
 * its ordered quantity, while acsa_order_committed; else 0. */
int64_t acsa_order_commitment(const struct acsa_order *order);

/** The party whose official must take step on order under agreement: the requester for
 * approve, the supplier for accept and reject, and the creditor (the supplier) for convert
 * where the agreement's conversion rule is approval; NULL for every other step. The one
 * place that says which steps need an official; the app looks the official up for it. */
const char *acsa_order_official_party(const struct acsa_agreement *agreement,
                                      const struct acsa_order *order, enum acsa_step step);

/** Whether the order's settlement is past due as of day (due_day < day, not settled). */
bool acsa_order_overdue(const struct acsa_order *order, int32_t day);

/** Whether an in-kind obligation of the order is past due as of day and may be converted. */
bool acsa_order_convertible(const struct acsa_order *order, int32_t day);

/* acsa_order_overdue and acsa_order_convertible as values that a query of stored orders
 * takes, so that a store selects the same orders without restating the rule: orders whose
 * due day is before due_before, in one of states, with something outstanding (outstanding),
 * in kind (in_kind) and not converted (unconverted). A delivering order has a due day only
 * once part of it is invoiced, so its due day alone says whether it is open. No rule applies
 * while state_count is 0 (a zeroed struct). */
#define ACSA_DUE_RULE_STATES 4
struct acsa_due_rule {
    int32_t due_before;
    uint32_t state_count;
    enum acsa_state states[ACSA_DUE_RULE_STATES];
    bool outstanding;
    bool in_kind;
    bool unconverted;
};

/** The orders acsa_order_overdue(order, day) holds for. */
void acsa_order_overdue_rule(int32_t day, struct acsa_due_rule *out);
/** The orders acsa_order_convertible(order, day) holds for. */
void acsa_order_convertible_rule(int32_t day, struct acsa_due_rule *out);

/** The outstanding obligation of the order: cash still unpaid plus in-kind value still
 * unsettled, in minor units of the order currency. */
int64_t acsa_order_outstanding(const struct acsa_order *order);

/** Asserts (ACSA_ASSERT, always on) that the event's postings sum to zero per currency and
 * returns true; the ledger's one invariant. */
bool acsa_event_balanced(const struct acsa_event *event);

#endif
