/* SPDX-License-Identifier: MIT */
/* The order state machine and its ledger postings. Each step works on a copy of the order and
 * writes the caller's order back only when every rule held, so a refusal changes nothing. */
#include "order.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "concurrency.h"
#include "date.h"
#include "money.h"

static const char *const state_names[ACSA_STATE_COUNT] = {
    "draft",     "submitted", "approved", "accepted", "rejected",  "delivering",
    "delivered", "invoiced",  "settled",  "closed",   "cancelled", "disputed",
};

static const char *const step_names[ACSA_STEP_COUNT] = {
    "create", "submit", "approve", "accept",        "reject",   "cancel",  "dispute", "issue",
    "receive", "invoice", "pay",   "return", "accept-return", "exchange", "convert", "close",
    "resolve", "close-line", "correct", "amend", "reject-return", "void",
};

static const char *const account_names[ACSA_ACCOUNT_COUNT] = {
    "receivable-cash", "receivable-kind", "payable-cash", "payable-kind", "supplied",
    "received",        "cash",            "kind-settled", "exchange",
    "committed-receivable-cash", "committed-receivable-kind", "committed-payable-cash",
    "committed-payable-kind",    "committed",
};

static bool name_parse(const char *const *names, unsigned count, const char *text,
                       unsigned *out)
{
    for (unsigned i = 0; i < count; i++) {
        if (strcmp(names[i], text) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

const char *acsa_state_name(enum acsa_state state)
{
    ACSA_ASSERT((unsigned)state < ACSA_STATE_COUNT);
    return state_names[state];
}

bool acsa_state_parse(const char *text, enum acsa_state *out)
{
    unsigned index = 0;
    bool found = name_parse(state_names, ACSA_STATE_COUNT, text, &index);
    *out = (enum acsa_state)index;
    return found;
}

const char *acsa_step_name(enum acsa_step step)
{
    ACSA_ASSERT((unsigned)step < ACSA_STEP_COUNT);
    return step_names[step];
}

bool acsa_step_parse(const char *text, enum acsa_step *out)
{
    unsigned index = 0;
    bool found = name_parse(step_names, ACSA_STEP_COUNT, text, &index);
    *out = (enum acsa_step)index;
    return found;
}

enum acsa_account acsa_account_mirror(enum acsa_account account)
{
    switch (account) {
    case ACSA_ACCOUNT_RECEIVABLE_CASH: return ACSA_ACCOUNT_PAYABLE_CASH;
    case ACSA_ACCOUNT_RECEIVABLE_KIND: return ACSA_ACCOUNT_PAYABLE_KIND;
    case ACSA_ACCOUNT_PAYABLE_CASH: return ACSA_ACCOUNT_RECEIVABLE_CASH;
    case ACSA_ACCOUNT_PAYABLE_KIND: return ACSA_ACCOUNT_RECEIVABLE_KIND;
    case ACSA_ACCOUNT_SUPPLIED: return ACSA_ACCOUNT_RECEIVED;
    case ACSA_ACCOUNT_RECEIVED: return ACSA_ACCOUNT_SUPPLIED;
    case ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH: return ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH;
    case ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND: return ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND;
    case ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH: return ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH;
    case ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND: return ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND;
    default: return account; /* Cash, kind settled, exchange, committed mirror themselves. */
    }
}

const char *acsa_account_name(enum acsa_account account)
{
    ACSA_ASSERT((unsigned)account < ACSA_ACCOUNT_COUNT);
    return account_names[account];
}

bool acsa_account_parse(const char *text, enum acsa_account *out)
{
    unsigned index = 0;
    bool found = name_parse(account_names, ACSA_ACCOUNT_COUNT, text, &index);
    *out = (enum acsa_account)index;
    return found;
}

char *acsa_order_number_format(const char *requester, const char *supplier, int32_t year,
                               int64_t sequence, char buf[ACSA_NUMBER_SIZE])
{
    snprintf(buf, ACSA_NUMBER_SIZE, "%s-%s-%04d-%06lld", requester, supplier, (int)year,
             (long long)sequence);
    return buf;
}

char *acsa_order_number_format_manual(const char *requester, const char *supplier,
                                      int32_t year, int64_t sequence,
                                      char buf[ACSA_NUMBER_SIZE])
{
    snprintf(buf, ACSA_NUMBER_SIZE, "%s-%s-%04d-M%06lld", requester, supplier, (int)year,
             (long long)sequence);
    return buf;
}

bool acsa_order_number_manual(const char *number)
{
    /* "CC-CC-YYYY-" is 11 characters; the series letter follows. */
    size_t length = strnlen(number, ACSA_NUMBER_SIZE);
    return length > 12 && number[11] == 'M' &&
           strspn(number + 12, "0123456789") == length - 12;
}

/* Copies text into a fixed field; false if it does not fit (the caller names the field). */
static bool copy_text(char *dst, size_t size, const char *src)
{
    size_t length = strlen(src);
    if (length >= size) {
        return false;
    }
    memcpy(dst, src, length + 1);
    return true;
}

enum acsa_rc acsa_activity_validate(const struct acsa_agreement *agreement,
                                    const struct acsa_activity *activity,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL);
    ACSA_ASSERT(activity != NULL);
    if (activity->name[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "name", "name: an activity needs a name");
    }
    if (strcmp(activity->agreement_id, agreement->id) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "agreement",
                              "agreement: activity falls under %s, not %s",
                              activity->agreement_id, agreement->id);
    }
    if (!acsa_agreement_has_activity_type(agreement, activity->type)) {
        return acsa_error_set(err, ACSA_EREFUSED, "type",
                              "type: activity type \"%s\" is not covered by agreement %s",
                              activity->type, agreement->id);
    }
    if (strcmp(activity->type, ACSA_ACTIVITY_OTHER_LAWFUL) == 0 && activity->reason[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "reason",
                              "reason: an activity of type %s needs a stated reason (--reason: "
                              "any other activity both nations' laws allow; say which and why)",
                              ACSA_ACTIVITY_OTHER_LAWFUL);
    }
    if (activity->from_day == ACSA_DATE_NONE || activity->to_day == ACSA_DATE_NONE) {
        return acsa_error_set(err, ACSA_EUSAGE, "from", "from: an activity needs its dates");
    }
    /* Days outside the parser's range would reach the date code's assertions when stored. */
    if (activity->from_day < ACSA_DATE_FIRST || activity->from_day > ACSA_DATE_LAST) {
        return acsa_error_set(err, ACSA_EUSAGE, "from", "from: must be 1900-01-01 to 9999-12-31");
    }
    if (activity->to_day < ACSA_DATE_FIRST || activity->to_day > ACSA_DATE_LAST) {
        return acsa_error_set(err, ACSA_EUSAGE, "to", "to: must be 1900-01-01 to 9999-12-31");
    }
    if (activity->to_day < activity->from_day) {
        return acsa_error_set(err, ACSA_EREFUSED, "to", "to: the activity ends before it starts");
    }
    return ACSA_OK;
}

/* ---- Ledger legs ---------------------------------------------------------------------- */

static bool we_supply(const struct acsa_order *order, const char *nation)
{
    bool supply = strcmp(order->supplier, nation) == 0;
    /* The node is always one of the two parties: agreements without it are never loaded. */
    ACSA_ASSERT(supply || strcmp(order->requester, nation) == 0);
    return supply;
}

static const char *partner_of(const struct acsa_order *order, const char *nation)
{
    return we_supply(order, nation) ? order->requester : order->supplier;
}

static void post(struct acsa_event *event, const struct acsa_order *order, const char *nation,
                 enum acsa_account account, int64_t amount_minor, int64_t quantity_milli,
                 uint32_t line_no)
{
    ACSA_ASSERT(event->posting_count < ACSA_EVENT_POSTINGS_MAX);
    struct acsa_posting *leg = &event->postings[event->posting_count];
    memset(leg, 0, sizeof(*leg));
    leg->account = account;
    memcpy(leg->partner, partner_of(order, nation), ACSA_NATION_SIZE);
    memcpy(leg->currency, order->currency.code, ACSA_CURRENCY_SIZE);
    leg->amount_minor = amount_minor;
    leg->quantity_milli = quantity_milli;
    leg->line_no = line_no;
    event->posting_count++;
}

/* The account holding the order's obligation from our side: receivable if we supply. */
static enum acsa_account obligation_account(bool supply, bool kind)
{
    if (supply) {
        return kind ? ACSA_ACCOUNT_RECEIVABLE_KIND : ACSA_ACCOUNT_RECEIVABLE_CASH;
    }
    return kind ? ACSA_ACCOUNT_PAYABLE_KIND : ACSA_ACCOUNT_PAYABLE_CASH;
}

/* A receipt creates an obligation: receivable against supplied, or received against payable. */
static void post_accrual(struct acsa_event *event, const struct acsa_order *order,
                         const char *nation, bool kind, int64_t value, int64_t quantity,
                         uint32_t line_no)
{
    bool supply = we_supply(order, nation);
    int64_t kind_quantity = kind ? quantity : 0;
    if (supply) {
        post(event, order, nation, obligation_account(true, kind), value, kind_quantity, line_no);
        post(event, order, nation, ACSA_ACCOUNT_SUPPLIED, -value, 0, line_no);
    } else {
        post(event, order, nation, ACSA_ACCOUNT_RECEIVED, value, 0, line_no);
        post(event, order, nation, obligation_account(false, kind), -value, -kind_quantity,
             line_no);
    }
}

/* Discharges (part of) an obligation against a counter account: a payment, a return, an
 * exchange, or a conversion (whose counter account is the cash obligation). */
static void post_discharge(struct acsa_event *event, const struct acsa_order *order,
                           const char *nation, bool kind, enum acsa_account counter,
                           int64_t value, int64_t quantity, uint32_t line_no)
{
    bool supply = we_supply(order, nation);
    int64_t kind_quantity = kind ? quantity : 0;
    if (supply) {
        post(event, order, nation, counter, value, 0, line_no);
        post(event, order, nation, obligation_account(true, kind), -value, -kind_quantity,
             line_no);
    } else {
        post(event, order, nation, obligation_account(false, kind), value, kind_quantity,
             line_no);
        post(event, order, nation, counter, -value, 0, line_no);
    }
}

/* A commitment (value > 0) or its release (value < 0): committed-receivable against the
 * counter account if we supply, the counter account against committed-payable if we
 * receive; cash or kind by the order's method. */
void acsa__order_post_commitment(struct acsa_event *event, const struct acsa_order *order,
                                 const char *nation, int64_t value, uint32_t line_no)
{
    if (value == 0) {
        return;
    }
    bool kind = order->method != ACSA_METHOD_CASH;
    if (we_supply(order, nation)) {
        post(event, order, nation,
             kind ? ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND : ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH,
             value, 0, line_no);
        post(event, order, nation, ACSA_ACCOUNT_COMMITTED, -value, 0, line_no);
    } else {
        post(event, order, nation, ACSA_ACCOUNT_COMMITTED, value, 0, line_no);
        post(event, order, nation,
             kind ? ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND : ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH,
             -value, 0, line_no);
    }
}

bool acsa_order_committed(const struct acsa_order *order)
{
    enum acsa_state state = order->state == ACSA_STATE_DISPUTED ? order->state_before_dispute
                                                                : order->state;
    return state == ACSA_STATE_ACCEPTED || state == ACSA_STATE_DELIVERING;
}

static int64_t value_between(const struct acsa_order_line *line, int64_t done, int64_t quantity);

int64_t acsa_order_commitment(const struct acsa_order *order)
{
    int64_t total = 0;
    for (uint32_t i = 0; acsa_order_committed(order) && i < order->line_count; i++) {
        const struct acsa_order_line *line = &order->lines[i];
        if (line->received_milli < line->quantity_milli && !line->closed) {
            total += value_between(line, line->received_milli,
                                   line->quantity_milli - line->received_milli);
        }
    }
    return total;
}

void acsa_post_uncommit(struct acsa_event *event, const struct acsa_order *order,
                        const char *nation, uint32_t line_no, int64_t quantity_milli)
{
    ACSA_ASSERT(line_no >= 1 && line_no <= order->line_count);
    const struct acsa_order_line *line = &order->lines[line_no - 1];
    ACSA_ASSERT(quantity_milli >= 0 &&
                quantity_milli <= line->quantity_milli - line->received_milli);
    if (!acsa_order_committed(order) || quantity_milli == 0) {
        return;
    }
    acsa__order_post_commitment(event, order, nation, -value_between(line, line->received_milli,
                                                         quantity_milli), line_no);
}

bool acsa_event_balanced(const struct acsa_event *event)
{
    /* Every leg of one event is in the order's currency, so one sum covers it; a different
     * currency would be a broken invariant. */
    int64_t sum = 0;
    for (uint32_t i = 0; i < event->posting_count; i++) {
        ACSA_ASSERT(strcmp(event->postings[i].currency, event->postings[0].currency) == 0);
        bool ok = acsa_money_add(sum, event->postings[i].amount_minor, &sum);
        ACSA_ASSERT(ok);
    }
    ACSA_ASSERT(sum == 0);
    return true;
}

/* ---- Creation ------------------------------------------------------------------------- */

static enum acsa_rc check_parties(const struct acsa_agreement *agreement,
                                  const struct acsa_order_draft *draft, struct acsa_error *err)
{
    const char *fields[2] = {"requester", "supplier"};
    const char *codes[2] = {draft->requester, draft->supplier};
    for (unsigned i = 0; i < 2; i++) {
        if (!acsa_nation_valid(codes[i])) {
            return acsa_error_set(err, ACSA_EUSAGE, fields[i],
                                  "%s: \"%s\" is not an ISO 3166 alpha-2 code", fields[i],
                                  codes[i]);
        }
        if (!acsa_agreement_has_party(agreement, codes[i])) {
            return acsa_error_set(err, ACSA_EREFUSED, fields[i],
                                  "%s: %s is not a party to agreement %s", fields[i], codes[i],
                                  agreement->id);
        }
    }
    if (strcmp(draft->requester, draft->supplier) == 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "supplier",
                              "supplier: requester and supplier must be different parties");
    }
    return ACSA_OK;
}

static enum acsa_rc check_line(const struct acsa_agreement *agreement,
                               const struct acsa_order_draft *draft, uint32_t index,
                               struct acsa_order_line *line, struct acsa_error *err)
{
    uint32_t no = index + 1;
    if (line->category[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "line.category",
                              "line %u: a category is required", no);
    }
    if (acsa_agreement_excludes(agreement, line->category)) {
        return acsa_error_set(err, ACSA_EREFUSED, "line.category",
                              "line %u: category \"%s\" is excluded by agreement %s", no,
                              line->category, agreement->id);
    }
    if (!acsa_agreement_has_category(agreement, line->category)) {
        return acsa_error_set(err, ACSA_EREFUSED, "line.category",
                              "line %u: category \"%s\" is not a category of agreement %s", no,
                              line->category, agreement->id);
    }
    if (line->description[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "line.desc", "line %u: a description is required",
                              no);
    }
    if (line->unit_of_issue[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "line.unit",
                              "line %u: a unit of issue is required", no);
    }
    if (line->quantity_milli <= 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "line.qty",
                              "line %u: quantity must be greater than zero", no);
    }
    if (line->price_minor < 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "line.price",
                              "line %u: price cannot be negative", no);
    }
    const char *currency = draft->line_currency[index];
    if (acsa_agreement_currency(agreement, currency) == NULL) {
        return acsa_error_set(err, ACSA_EREFUSED, "line.currency",
                              "line %u: currency \"%s\" is not allowed by agreement %s", no,
                              currency, agreement->id);
    }
    if (strcmp(currency, draft->line_currency[0]) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "line.currency",
                              "line %u: currency %s differs from line 1 (%s); one order is in "
                              "one currency", no, currency, draft->line_currency[0]);
    }
    if (!acsa_money_line_value(line->quantity_milli, line->price_minor, &line->value_minor) ||
        line->value_minor > ACSA_LINE_VALUE_MAX) {
        char limit[ACSA_MONEY_TEXT_SIZE];
        const struct acsa_currency *cur = acsa_agreement_currency(agreement, currency);
        return acsa_error_set(err, ACSA_EREFUSED, "line.price",
                              "line %u: quantity x price exceeds the largest value of a line, "
                              "%s %s (ACSA_LINE_VALUE_MAX)", no,
                              acsa_money_format(ACSA_LINE_VALUE_MAX, cur->exponent, limit),
                              cur->code);
    }
    return ACSA_OK;
}

enum acsa_rc acsa_order_lines_total(const struct acsa_order_line *lines, uint32_t count,
                                    const struct acsa_currency *currency, int64_t *out_total,
                                    struct acsa_error *err)
{
    *out_total = 0;
    for (uint32_t i = 0; i < count; i++) {
        /* Each line is at most ACSA_LINE_VALUE_MAX: the sum cannot overflow before the test. */
        *out_total += lines[i].value_minor;
        if (*out_total > ACSA_ORDER_VALUE_MAX) {
            char limit[ACSA_MONEY_TEXT_SIZE];
            return acsa_error_set(err, ACSA_EREFUSED, "line.price",
                                  "line %u: the order's value exceeds the largest value of an "
                                  "order, %s %s (ACSA_ORDER_VALUE_MAX)", i + 1,
                                  acsa_money_format(ACSA_ORDER_VALUE_MAX, currency->exponent,
                                                    limit),
                                  currency->code);
        }
    }
    return ACSA_OK;
}

static enum acsa_rc check_entry(const struct acsa_agreement *agreement,
                                const struct acsa_activity *activity,
                                const struct acsa_order_draft *draft, int32_t day,
                                struct acsa_error *err)
{
    /* Checked before any date is formatted: a day outside the parser's range has no text. */
    if (day < ACSA_DATE_FIRST || day > ACSA_DATE_STEP_LAST) {
        return acsa_error_set(err, ACSA_EUSAGE, "date", "date: must be 1900-01-01 to 9899-12-31");
    }
    if (draft->need_by_day != ACSA_DATE_NONE &&
        (draft->need_by_day < ACSA_DATE_FIRST || draft->need_by_day > ACSA_DATE_LAST)) {
        return acsa_error_set(err, ACSA_EUSAGE, "need_by",
                              "need_by: must be 1900-01-01 to 9999-12-31");
    }
    if (!acsa_agreement_in_force(agreement, day)) {
        char text[ACSA_DATE_TEXT_SIZE];
        return acsa_error_set(err, ACSA_EREFUSED, "date",
                              "date: agreement %s is not in force on %s", agreement->id,
                              acsa_date_format(day, text));
    }
    enum acsa_rc rc = check_parties(agreement, draft, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (strcmp(activity->agreement_id, agreement->id) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "activity",
                              "activity: activity %lld falls under %s, not %s",
                              (long long)activity->id, activity->agreement_id, agreement->id);
    }
    if (!acsa_agreement_has_activity_type(agreement, activity->type)) {
        return acsa_error_set(err, ACSA_EREFUSED, "activity",
                              "activity: type \"%s\" is not covered by agreement %s",
                              activity->type, agreement->id);
    }
    if ((unsigned)draft->method >= ACSA_METHOD_COUNT || !agreement->method_allowed[draft->method]) {
        return acsa_error_set(err, ACSA_EREFUSED, "method",
                              "method: settlement method \"%s\" is not allowed by agreement %s",
                              (unsigned)draft->method < ACSA_METHOD_COUNT
                                  ? acsa_method_name(draft->method)
                                  : "?",
                              agreement->id);
    }
    if (draft->line_count == 0 || draft->line_count > ACSA_ORDER_LINES_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "line",
                              "line: an order needs 1 to %d lines", ACSA_ORDER_LINES_MAX);
    }
    return ACSA_OK;
}

/* Whether separation of duties weighs who took step (check_duties' conflicting steps). */
static bool duty_step(enum acsa_step step)
{
    return step == ACSA_STEP_CREATE || step == ACSA_STEP_SUBMIT || step == ACSA_STEP_ISSUE ||
           step == ACSA_STEP_RECEIVE;
}

/* The duty entry of (step, actor as written), or NULL. */
static const struct acsa_order_duty *duty_find(const struct acsa_order *order,
                                               enum acsa_step step, const char *actor)
{
    for (uint32_t i = 0; i < order->duty_count && i < ACSA_ORDER_DUTIES_MAX; i++) {
        if (order->duties[i].step == step && strcmp(order->duties[i].actor, actor) == 0) {
            return &order->duties[i];
        }
    }
    return NULL;
}

/* A step taken: one event more, and its taker kept if separation of duties weighs the step. */
static void step_note(struct acsa_order *order, enum acsa_step step, const char *actor,
                      const uint8_t *key)
{
    order->event_count++;
    if (!duty_step(step) || duty_find(order, step, actor) != NULL) {
        return;
    }
    ACSA_ASSERT(order->duty_count < ACSA_ORDER_DUTIES_MAX); /* check_common made room. */
    struct acsa_order_duty *duty = &order->duties[order->duty_count++];
    duty->step = (uint8_t)step;
    snprintf(duty->actor, sizeof(duty->actor), "%s", actor);
    if (key != NULL) {
        memcpy(duty->actor_key, key, ACSA_NAME_KEY_SIZE);
    } else {
        memset(duty->actor_key, 0, ACSA_NAME_KEY_SIZE);
    }
}

static enum acsa_rc fill_order(const struct acsa_agreement *agreement,
                               const struct acsa_activity *activity,
                               const struct acsa_order_draft *draft, const char *number,
                               int32_t day, struct acsa_order *order, struct acsa_error *err)
{
    if (!copy_text(order->number, sizeof(order->number), number)) {
        return acsa_error_set(err, ACSA_EUSAGE, "number", "number: too long");
    }
    memcpy(order->agreement_id, agreement->id, sizeof(order->agreement_id));
    memcpy(order->requester, draft->requester, ACSA_NATION_SIZE);
    memcpy(order->supplier, draft->supplier, ACSA_NATION_SIZE);
    order->requester_unit_id = draft->requester_unit_id;
    order->supplier_unit_id = draft->supplier_unit_id;
    order->activity_id = activity->id;
    order->method = draft->method;
    order->state = ACSA_STATE_DRAFT;
    order->state_before_dispute = ACSA_STATE_DRAFT;
    order->currency = *acsa_agreement_currency(agreement, draft->line_currency[0]);
    memcpy(order->place, draft->place, sizeof(order->place));
    order->need_by_day = draft->need_by_day;
    order->created_day = day;
    order->last_step_day = day;
    order->delivered_day = ACSA_DATE_NONE;
    order->invoiced_day = ACSA_DATE_NONE;
    order->due_day = ACSA_DATE_NONE;
    order->line_count = draft->line_count;
    for (uint32_t i = 0; i < draft->line_count; i++) {
        order->lines[i] = draft->lines[i];
        order->lines[i].issued_milli = 0;
        order->lines[i].received_milli = 0;
        order->lines[i].returned_milli = 0;
        order->lines[i].return_accepted_milli = 0;
    }
    return acsa_order_lines_total(order->lines, order->line_count, &order->currency,
                                  &order->value_minor, err);
}

enum acsa_rc acsa_order_create(const struct acsa_agreement *agreement,
                               const struct acsa_activity *activity,
                               const struct acsa_order_draft *draft, const char *number,
                               int32_t day, const char *actor, struct acsa_order *out_order,
                               struct acsa_event *out_event, struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL && activity != NULL && draft != NULL);
    ACSA_ASSERT(out_order != NULL && out_event != NULL);
    acsa_error_clear(err);
    memset(out_order, 0, sizeof(*out_order));
    memset(out_event, 0, sizeof(*out_event));
    /* Every check before fill_order leaves out_order as cleared above. */
    ACSA_TRY(check_entry(agreement, activity, draft, day, err));
    ACSA_TRY(acsa_order_create_dates(agreement, activity, draft, day, err));
    struct acsa_order_draft checked = *draft;
    for (uint32_t i = 0; i < draft->line_count; i++) {
        ACSA_TRY(check_line(agreement, draft, i, &checked.lines[i], err));
    }
    if (actor[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "by", "by: who raises the order is required");
    }
    enum acsa_rc rc = fill_order(agreement, activity, &checked, number, day, out_order, err);
    if (rc != ACSA_OK) {
        memset(out_order, 0, sizeof(*out_order));
        return rc;
    }
    step_note(out_order, ACSA_STEP_CREATE, actor, NULL);
    out_event->step = ACSA_STEP_CREATE;
    out_event->day = day;
    snprintf(out_event->actor, sizeof(out_event->actor), "%s", actor);
    out_event->state_from = ACSA_STATE_DRAFT;
    out_event->state_to = ACSA_STATE_DRAFT;
    out_event->amount_minor = out_order->value_minor;
    out_event->recorded_day = draft->recorded_day;
    memcpy(out_event->backdate_reason, draft->backdate_reason, ACSA_TEXT_SIZE);
    out_event->backdate_reason[ACSA_TEXT_SIZE - 1] = '\0';
    ACSA_ASSERT(out_order->value_minor >= 0);
    return ACSA_OK;
}

enum acsa_rc acsa_order_entry_check(const struct acsa_agreement *agreement,
                                    const struct acsa_activity *activity,
                                    const struct acsa_order_draft *draft, int32_t day,
                                    struct acsa_order_draft *checked, struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL && activity != NULL && draft != NULL && checked != NULL);
    enum acsa_rc rc = check_entry(agreement, activity, draft, day, err);
    *checked = *draft;
    for (uint32_t i = 0; rc == ACSA_OK && i < draft->line_count; i++) {
        rc = check_line(agreement, draft, i, &checked->lines[i], err);
    }
    return rc;
}

void acsa__order_post_receipt(struct acsa_event *event, const struct acsa_order *order,
                              const char *nation, int64_t value, int64_t quantity,
                              uint32_t line_no)
{
    post_accrual(event, order, nation, order->method != ACSA_METHOD_CASH, value, quantity,
                 line_no);
}

void acsa__order_post_return_accepted(struct acsa_event *event, const struct acsa_order *order,
                                      const char *nation, int64_t value, int64_t quantity,
                                      uint32_t line_no)
{
    post_discharge(event, order, nation, true, ACSA_ACCOUNT_KIND_SETTLED, value, quantity,
                   line_no);
}

/* ---- Rules shared by the steps -------------------------------------------------------- */

/* The states each step may be taken in, as a bit set. */
static uint32_t allowed_states(enum acsa_step step)
{
#define S(state) (1u << ACSA_STATE_##state)
    switch (step) {
    case ACSA_STEP_SUBMIT: return S(DRAFT);
    case ACSA_STEP_APPROVE: return S(SUBMITTED);
    case ACSA_STEP_ACCEPT: return S(APPROVED);
    case ACSA_STEP_REJECT: return S(APPROVED);
    case ACSA_STEP_CANCEL: return S(DRAFT) | S(SUBMITTED) | S(APPROVED) | S(ACCEPTED);
    /* Settled and disputed too: a dispute raised on one node while the other paid, or while
     * the partner disputed as well, must apply on both (src/core/concurrency.c). */
    case ACSA_STEP_DISPUTE: return S(ACCEPTED) | S(DELIVERING) | S(DELIVERED) | S(INVOICED) |
                                   S(SETTLED) | S(DISPUTED);
    case ACSA_STEP_ISSUE: return S(ACCEPTED) | S(DELIVERING);
    case ACSA_STEP_RECEIVE: return S(DELIVERING);
    /* Receipted quantities may be invoiced, and invoices paid, while delivery goes on. */
    case ACSA_STEP_INVOICE: return S(DELIVERING) | S(DELIVERED);
    case ACSA_STEP_PAY: return S(DELIVERING) | S(DELIVERED) | S(INVOICED);
    case ACSA_STEP_RETURN: return S(DELIVERED);
    case ACSA_STEP_ACCEPT_RETURN: return S(DELIVERED);
    case ACSA_STEP_EXCHANGE: return S(DELIVERED);
    case ACSA_STEP_CONVERT: return S(DELIVERED);
    case ACSA_STEP_CLOSE: return S(SETTLED);
    case ACSA_STEP_RESOLVE: return S(DISPUTED);
    case ACSA_STEP_CLOSE_LINE: return S(ACCEPTED) | S(DELIVERING);
    case ACSA_STEP_CORRECT: return S(DELIVERING) | S(DELIVERED);
    case ACSA_STEP_AMEND: return S(DRAFT);
    case ACSA_STEP_REJECT_RETURN: return S(DELIVERED);
    case ACSA_STEP_CREATE: return 0;
    case ACSA_STEP_VOID: return 0;
    case ACSA_STEP_COUNT: return 0;
    }
#undef S
    return 0;
}

static enum acsa_rc check_state(const struct acsa_order *order, enum acsa_step step,
                                struct acsa_error *err)
{
    uint32_t allowed = allowed_states(step);
    if ((allowed & (1u << order->state)) != 0) {
        return ACSA_OK;
    }
    char needed[160] = "";
    size_t used = 0;
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        if ((allowed & (1u << s)) != 0) {
            int n = snprintf(needed + used, sizeof(needed) - used, "%s%s", used > 0 ? " or " : "",
                             state_names[s]);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    return acsa_error_set(err, ACSA_EREFUSED, "state",
                          "state: cannot %s order %s in state %s (%s needs %s)",
                          step_names[step], order->number, state_names[order->state],
                          step_names[step], needed);
}

/* Steps tied to one settlement method. */
static enum acsa_rc check_method(const struct acsa_order *order, enum acsa_step step,
                                 struct acsa_error *err)
{
    enum acsa_method method = order->method;
    const char *name = acsa_method_name(method);
    switch (step) {
    case ACSA_STEP_INVOICE:
        if (method != ACSA_METHOD_CASH) {
            return acsa_error_set(err, ACSA_EREFUSED, "method",
                                  "method: order %s settles by %s; only cash orders are "
                                  "invoiced", order->number, name);
        }
        break;
    case ACSA_STEP_PAY:
        if (method != ACSA_METHOD_CASH && order->cash_due_minor == 0) {
            return acsa_error_set(err, ACSA_EREFUSED, "method",
                                  "method: order %s settles by %s; it can be paid only once "
                                  "converted to cash", order->number, name);
        }
        break;
    case ACSA_STEP_RETURN:
    case ACSA_STEP_ACCEPT_RETURN:
    case ACSA_STEP_REJECT_RETURN:
        if (method != ACSA_METHOD_RIK) {
            return acsa_error_set(err, ACSA_EREFUSED, "method",
                                  "method: order %s settles by %s; returns apply to rik orders",
                                  order->number, name);
        }
        break;
    case ACSA_STEP_EXCHANGE:
        if (method != ACSA_METHOD_EVE) {
            return acsa_error_set(err, ACSA_EREFUSED, "method",
                                  "method: order %s settles by %s; exchanges apply to eve "
                                  "orders", order->number, name);
        }
        break;
    case ACSA_STEP_CONVERT:
        if (method == ACSA_METHOD_CASH) {
            return acsa_error_set(err, ACSA_EREFUSED, "method",
                                  "method: order %s already settles in cash", order->number);
        }
        break;
    default:
        break;
    }
    return ACSA_OK;
}

static bool key_set(const uint8_t key[ACSA_NAME_KEY_SIZE])
{
    for (unsigned i = 0; i < ACSA_NAME_KEY_SIZE; i++) {
        if (key[i] != 0) {
            return true;
        }
    }
    return false;
}

/* One person or two: by their comparison keys (case and spacing folded above the core) when
 * both have one, else by the names as written. */
static bool same_person(const struct acsa_order_duty *entry, const struct acsa_command *cmd)
{
    if (key_set(entry->actor_key) && key_set(cmd->actor_key)) {
        return memcmp(entry->actor_key, cmd->actor_key, ACSA_NAME_KEY_SIZE) == 0;
    }
    return strcmp(entry->actor, cmd->actor) == 0;
}

static bool duty_held(const struct acsa_order *order, enum acsa_step step,
                        const struct acsa_command *cmd)
{
    for (uint32_t i = 0; i < order->duty_count && i < ACSA_ORDER_DUTIES_MAX; i++) {
        if (order->duties[i].step == step && same_person(&order->duties[i], cmd)) {
            return true;
        }
    }
    return false;
}

/* Separation of duties: one person may not hold two conflicting steps of one order. */
static enum acsa_rc check_duties(const struct acsa_order *order, const struct acsa_command *cmd,
                                 struct acsa_error *err)
{
    static const struct {
        enum acsa_step step;     /* The step being taken. */
        enum acsa_step conflict; /* A step the same person may not have taken. */
        const char *did;         /* What the earlier step was, for the message. */
    } rules[] = {
        {ACSA_STEP_APPROVE, ACSA_STEP_CREATE, "raised"},
        {ACSA_STEP_APPROVE, ACSA_STEP_SUBMIT, "submitted"},
        {ACSA_STEP_RECEIVE, ACSA_STEP_ISSUE, "recorded an issue of"},
        {ACSA_STEP_ISSUE, ACSA_STEP_RECEIVE, "recorded a receipt of"},
        {ACSA_STEP_PAY, ACSA_STEP_RECEIVE, "recorded a receipt of"},
    };
    /* A correction is held to the rules of the step it corrects. */
    enum acsa_step step = cmd->step == ACSA_STEP_CORRECT ? cmd->corrected_step : cmd->step;
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (rules[i].step == step && duty_held(order, rules[i].conflict, cmd)) {
            return acsa_error_set(err, ACSA_EREFUSED, "by",
                                  "by: \"%s\" %s order %s and may not also %s it (separation "
                                  "of duties)", cmd->actor, rules[i].did, order->number,
                                  step_names[step]);
        }
    }
    return ACSA_OK;
}

const char *acsa_order_official_party(const struct acsa_agreement *agreement,
                                      const struct acsa_order *order, enum acsa_step step)
{
    switch (step) {
    case ACSA_STEP_APPROVE:
        return order->requester;
    case ACSA_STEP_ACCEPT:
    case ACSA_STEP_REJECT:
        return order->supplier;
    case ACSA_STEP_CONVERT:
        /* The creditor of an in-kind obligation is the supplier; it turns its claim into
         * cash, and under the approval rule one of its officials approves that. */
        return agreement != NULL && agreement->conversion == ACSA_CONVERSION_APPROVAL
                   ? order->supplier
                   : NULL;
    default:
        return NULL;
    }
}

/* Approve, accept, reject (and convert under the approval rule) need an authorised official
 * of the acting party; approve and convert also a limit in the order's currency covering
 * value. */
static enum acsa_rc check_official(const struct acsa_agreement *agreement,
                                   const struct acsa_order *order,
                                   const struct acsa_command *cmd, struct acsa_error *err)
{
    const char *party = acsa_order_official_party(agreement, order, cmd->step);
    if (cmd->step == ACSA_STEP_RESOLVE) {
        /* The party that raised the dispute ends it; unknown (an order disputed before the
         * raising party was kept), either party's official may. */
        party = order->disputed_by[0] != '\0' ? order->disputed_by
                : cmd->official != NULL && strcmp(cmd->official->party, order->supplier) == 0
                    ? order->supplier : order->requester;
    }
    if (party == NULL) {
        return ACSA_OK;
    }
    const struct acsa_official *official = cmd->official;
    bool convert = cmd->step == ACSA_STEP_CONVERT;
    if (official == NULL || strcmp(official->party, party) != 0 ||
        strcmp(official->name, cmd->actor) != 0) {
        if (convert) {
            return acsa_error_set(err, ACSA_EREFUSED, "by",
                                  "by: \"%s\" is not an authorised official of %s; agreement "
                                  "%s's conversion rule is approval, so converting order %s "
                                  "needs an official of the creditor", cmd->actor, party,
                                  agreement->id, order->number);
        }
        return acsa_error_set(err, ACSA_EREFUSED, "by",
                              "by: \"%s\" is not an authorised official of %s, who must %s "
                              "order %s", cmd->actor, party, step_names[cmd->step],
                              order->number);
    }
    int64_t value = convert ? order->received_value_minor - order->kind_settled_minor
                            : order->value_minor;
    if (official->by_grants) {
        return acsa_grant_check(official->grants, official->grant_count, cmd->actor,
                                order->agreement_id, &order->currency, cmd->day, value, err);
    }
    if (!convert && cmd->step != ACSA_STEP_APPROVE) {
        return ACSA_OK;
    }
    const char *what = convert ? "conversion" : "order";
    char amount[ACSA_MONEY_TEXT_SIZE];
    char limit[ACSA_MONEY_TEXT_SIZE];
    for (uint32_t i = 0; i < official->limit_count; i++) {
        if (strcmp(official->limit_currency[i].code, order->currency.code) != 0) {
            continue;
        }
        if (value > official->limit_minor[i]) {
            return acsa_error_set(
                err, ACSA_EREFUSED, "by",
                "by: %s value %s %s exceeds the approval limit of \"%s\" (%s %s)", what,
                acsa_money_format(value, order->currency.exponent, amount),
                order->currency.code, cmd->actor,
                acsa_money_format(official->limit_minor[i], order->currency.exponent, limit),
                order->currency.code);
        }
        return ACSA_OK;
    }
    return acsa_error_set(err, ACSA_EREFUSED, "by",
                          "by: \"%s\" has no approval limit in %s", cmd->actor,
                          order->currency.code);
}

static enum acsa_rc check_common(const struct acsa_order *order, const struct acsa_command *cmd,
                                 struct acsa_error *err)
{
    if (cmd->actor[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "by", "by: who takes the step is required");
    }
    if (cmd->day > ACSA_DATE_STEP_LAST || cmd->day < ACSA_DATE_FIRST) {
        return acsa_error_set(err, ACSA_EUSAGE, "date", "date: must be 1900-01-01 to 9899-12-31");
    }
    if (cmd->day < order->created_day) {
        char text[ACSA_DATE_TEXT_SIZE];
        return acsa_error_set(err, ACSA_EREFUSED, "date",
                              "date: cannot be before the order was raised (%s)",
                              acsa_date_format(order->created_day, text));
    }
    if (order->event_count >= ACSA_ORDER_EVENTS_MAX) {
        return acsa_error_set(err, ACSA_ELIMIT, "state",
                              "state: order %s has reached its limit of %d events",
                              order->number, ACSA_ORDER_EVENTS_MAX);
    }
    if (duty_step(cmd->step) && order->duty_count >= ACSA_ORDER_DUTIES_MAX &&
        duty_find(order, cmd->step, cmd->actor) == NULL) {
        return acsa_error_set(err, ACSA_EREFUSED, "by",
                              "by: order %s has been raised, submitted, issued and received by "
                              "%d names already, as many as separation of duties keeps; \"%s\" "
                              "would be one more", order->number, ACSA_ORDER_DUTIES_MAX,
                              cmd->actor);
    }
    enum acsa_rc rc = check_method(order, cmd->step, err);
    if (rc == ACSA_OK) {
        rc = check_state(order, cmd->step, err);
    }
    if (rc == ACSA_OK) {
        rc = check_duties(order, cmd, err);
    }
    return rc;
}

/* ---- Per-line steps ------------------------------------------------------------------- */

/* Returns the line a per-line command names, or NULL after filling err. */
struct acsa_order_line *acsa__order_line(struct acsa_order *order,
                                         const struct acsa_command *cmd, struct acsa_error *err)
{
    if (cmd->line_no < 1 || cmd->line_no > order->line_count) {
        acsa_error_set(err, ACSA_EREFUSED, "line", "line: order %s has no line %u (it has %u)",
                       order->number, cmd->line_no, order->line_count);
        return NULL;
    }
    return &order->lines[cmd->line_no - 1];
}

/* The line of a per-line step that moves a quantity, which must be positive. */
static struct acsa_order_line *command_line(struct acsa_order *order,
                                            const struct acsa_command *cmd,
                                            struct acsa_error *err)
{
    if (acsa__order_line(order, cmd, err) == NULL) {
        return NULL;
    }
    if (cmd->quantity_milli <= 0) {
        acsa_error_set(err, ACSA_EREFUSED, "qty", "qty: quantity must be greater than zero");
        return NULL;
    }
    return &order->lines[cmd->line_no - 1];
}

/* Moves quantity from "available" into "done", refusing more than is available. */
static enum acsa_rc check_quantity(const struct acsa_command *cmd, const char *verb,
                                   int64_t limit, const char *limit_what, int64_t done,
                                   const struct acsa_order_line *line, struct acsa_error *err)
{
    if (cmd->quantity_milli <= limit - done) {
        return ACSA_OK;
    }
    char want[ACSA_MONEY_TEXT_SIZE];
    char cap[ACSA_MONEY_TEXT_SIZE];
    char had[ACSA_MONEY_TEXT_SIZE];
    return acsa_error_set(err, ACSA_EREFUSED, "qty",
                          "qty: %s %s %s on line %u would exceed the %s %s (%s already)", verb,
                          acsa_quantity_format(cmd->quantity_milli, want), line->unit_of_issue,
                          cmd->line_no, acsa_quantity_format(limit, cap), limit_what,
                          acsa_quantity_format(done, had));
}

/* Value of the step from done to done + quantity, by cumulative rounding so that the parts
 * of a line always add up to its value. */
int64_t acsa__order_value_between(const struct acsa_order_line *line, int64_t done,
                                  int64_t quantity)
{
    int64_t before = 0;
    int64_t after = 0;
    bool ok = acsa_money_line_value(done, line->price_minor, &before);
    ok = ok && acsa_money_line_value(done + quantity, line->price_minor, &after);
    /* Both are at most the line value, which was computed without overflow at entry. */
    ACSA_ASSERT(ok);
    return after - before;
}

static int64_t value_between(const struct acsa_order_line *line, int64_t done, int64_t quantity)
{
    return acsa__order_value_between(line, done, quantity);
}

bool acsa_order_line_complete(const struct acsa_order_line *line)
{
    return line->closed || line->received_milli == line->quantity_milli;
}

static bool all_lines(const struct acsa_order *order, int which)
{
    for (uint32_t i = 0; i < order->line_count; i++) {
        const struct acsa_order_line *line = &order->lines[i];
        if (which == 0 && acsa_order_line_complete(line)) {
            continue; /* A line closed short expects no more. */
        }
        int64_t have = which == 0 ? line->received_milli : line->return_accepted_milli;
        int64_t want = which == 0 ? line->quantity_milli : line->received_milli;
        if (have != want) {
            return false;
        }
    }
    return true;
}

static enum acsa_rc step_issue(struct acsa_order *order, const struct acsa_command *cmd,
                               struct acsa_error *err)
{
    struct acsa_order_line *line = command_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    if (line->closed) {
        return acsa_error_set(err, ACSA_EREFUSED, "line",
                              "line: line %u of order %s was closed short; nothing more is "
                              "issued on it", cmd->line_no, order->number);
    }
    enum acsa_rc rc = check_quantity(cmd, "issuing", line->quantity_milli, "ordered",
                                     line->issued_milli, line, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    line->issued_milli += cmd->quantity_milli;
    order->state = ACSA_STATE_DELIVERING;
    return ACSA_OK;
}

static enum acsa_rc step_receive(const struct acsa_agreement *agreement, const char *nation,
                                 struct acsa_order *order, const struct acsa_command *cmd,
                                 struct acsa_event *event, struct acsa_error *err)
{
    struct acsa_order_line *line = command_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    if (line->closed) {
        return acsa_error_set(err, ACSA_EREFUSED, "line",
                              "line: line %u of order %s was closed short; nothing more is "
                              "received on it", cmd->line_no, order->number);
    }
    enum acsa_rc rc = check_quantity(cmd, "receiving", line->issued_milli, "issued",
                                     line->received_milli, line, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    int64_t value = value_between(line, line->received_milli, cmd->quantity_milli);
    /* The receipt moves its value from the commitment to the delivered obligation. */
    post_accrual(event, order, nation, order->method != ACSA_METHOD_CASH, value,
                 cmd->quantity_milli, cmd->line_no);
    acsa_post_uncommit(event, order, nation, cmd->line_no, cmd->quantity_milli);
    line->received_milli += cmd->quantity_milli;
    order->received_value_minor += value;
    event->amount_minor = value;
    if (all_lines(order, 0)) {
        order->state = ACSA_STATE_DELIVERED;
        order->delivered_day = cmd->day;
        if (order->method != ACSA_METHOD_CASH) {
            order->due_day = cmd->day + agreement->due_days[order->method];
        }
    }
    return ACSA_OK;
}

static enum acsa_rc step_return(struct acsa_order *order, const struct acsa_command *cmd,
                                struct acsa_error *err)
{
    struct acsa_order_line *line = command_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    enum acsa_rc rc = check_quantity(cmd, "returning", line->received_milli, "received",
                                     line->returned_milli, line, err);
    if (rc == ACSA_OK) {
        line->returned_milli += cmd->quantity_milli;
    }
    return rc;
}

static enum acsa_rc step_accept_return(const char *nation, struct acsa_order *order,
                                       const struct acsa_command *cmd, struct acsa_event *event,
                                       struct acsa_error *err)
{
    struct acsa_order_line *line = command_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    enum acsa_rc rc = check_quantity(cmd, "accepting", line->returned_milli, "returned",
                                     line->return_accepted_milli, line, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    int64_t value = value_between(line, line->return_accepted_milli, cmd->quantity_milli);
    line->return_accepted_milli += cmd->quantity_milli;
    order->kind_settled_minor += value;
    event->amount_minor = value;
    post_discharge(event, order, nation, true, ACSA_ACCOUNT_KIND_SETTLED, value,
                   cmd->quantity_milli, cmd->line_no);
    if (all_lines(order, 1)) {
        order->state = ACSA_STATE_SETTLED;
    }
    return ACSA_OK;
}

/* ---- Money steps ---------------------------------------------------------------------- */

/* Opens a cash obligation of amount due cash-days after day (invoice, conversion, exchange
 * difference). */
static void open_cash(const struct acsa_agreement *agreement, struct acsa_order *order,
                      int64_t amount, int32_t day)
{
    ACSA_ASSERT(amount > 0);
    order->cash_due_minor = amount;
    order->invoiced_day = day;
    order->due_day = day + agreement->due_days[ACSA_METHOD_CASH];
    order->state = ACSA_STATE_INVOICED;
}

/* An invoice number has the shape of an order number: A-Z, 0-9 and '-', not empty. */
static bool invoice_number_ok(const char *number)
{
    return number[0] != '\0' &&
           strspn(number, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == strlen(number);
}

/* The oldest unpaid invoice's due date (what the overdue report ages), or none when every
 * invoice is paid. */
static void invoices_due(struct acsa_order *order)
{
    for (uint32_t i = 0; i < order->invoice_count; i++) {
        if (order->invoices[i].paid_minor < order->invoices[i].amount_minor) {
            order->due_day = order->invoices[i].due_day;
            return;
        }
    }
    order->due_day = ACSA_DATE_NONE;
}

/* A cash order is invoiced once delivered and every receipted quantity invoiced, and settled
 * once, besides, every invoice is paid. While delivering it stays delivering. */
void acsa__order_cash_state(struct acsa_order *order)
{
    if (order->state != ACSA_STATE_DELIVERED && order->state != ACSA_STATE_INVOICED) {
        return;
    }
    for (uint32_t i = 0; i < order->line_count; i++) {
        if (order->lines[i].invoiced_milli != order->lines[i].received_milli) {
            return;
        }
    }
    order->state = order->paid_minor == order->cash_due_minor ? ACSA_STATE_SETTLED
                                                               : ACSA_STATE_INVOICED;
}

/* Moves qty of line from received to invoiced; returns its value (cumulative rounding). */
static int64_t invoice_part(struct acsa_order_line *line, int64_t qty)
{
    int64_t value = value_between(line, line->invoiced_milli, qty);
    line->invoiced_milli += qty;
    return value;
}

static enum acsa_rc invoice_quantities(struct acsa_order *order, const struct acsa_command *cmd,
                                       int64_t *out_amount, struct acsa_error *err)
{
    *out_amount = 0;
    if (cmd->line_no == 0 && cmd->quantity_milli == 0) {
        for (uint32_t i = 0; i < order->line_count; i++) {
            struct acsa_order_line *line = &order->lines[i];
            *out_amount += invoice_part(line, line->received_milli - line->invoiced_milli);
        }
        return ACSA_OK;
    }
    struct acsa_order_line *line = command_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    enum acsa_rc rc = check_quantity(cmd, "invoicing", line->received_milli, "received",
                                     line->invoiced_milli, line, err);
    if (rc == ACSA_OK) {
        *out_amount = invoice_part(line, cmd->quantity_milli);
    }
    return rc;
}

static enum acsa_rc step_invoice(const struct acsa_agreement *agreement,
                                 struct acsa_order *order, const struct acsa_command *cmd,
                                 struct acsa_event *event, struct acsa_error *err)
{
    /* Only receipted quantities are invoiced (DOMAIN.md requirement 13). */
    int64_t amount = 0;
    enum acsa_rc rc = invoice_quantities(order, cmd, &amount, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (amount == 0 && order->state == ACSA_STATE_DELIVERED) {
        /* What is left is of no value (nothing, or lines priced 0): there is nothing to claim;
         * the order is invoiced, or settled once every invoice is paid. */
        acsa__order_cash_state(order);
        return ACSA_OK;
    }
    if (amount == 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "qty",
                              "qty: order %s has no receipted value left to invoice",
                              order->number);
    }
    if (order->invoice_count >= ACSA_ORDER_INVOICES_MAX) {
        return acsa_error_set(err, ACSA_ELIMIT, "invoice",
                              "invoice: order %s has reached its limit of %d invoices",
                              order->number, ACSA_ORDER_INVOICES_MAX);
    }
    if (!invoice_number_ok(cmd->invoice)) {
        return acsa_error_set(err, ACSA_EUSAGE, "invoice",
                              "invoice: a new invoice needs a number (A-Z, 0-9, -)");
    }
    for (uint32_t i = 0; i < order->invoice_count; i++) {
        if (strcmp(order->invoices[i].number, cmd->invoice) == 0) {
            return acsa_error_set(err, ACSA_EREFUSED, "invoice",
                                  "invoice: number %s is already taken", cmd->invoice);
        }
    }
    struct acsa_invoice *inv = &order->invoices[order->invoice_count++];
    memset(inv, 0, sizeof(*inv));
    snprintf(inv->number, sizeof(inv->number), "%s", cmd->invoice);
    inv->day = cmd->day;
    inv->due_day = cmd->day + agreement->due_days[ACSA_METHOD_CASH];
    inv->amount_minor = amount;
    order->cash_due_minor += amount;
    order->invoiced_day = cmd->day;
    event->amount_minor = amount;
    invoices_due(order);
    acsa__order_cash_state(order);
    return ACSA_OK;
}

static enum acsa_rc pay_convert(const struct acsa_order *order, const struct acsa_command *cmd,
                                const struct acsa_currency *paid, struct acsa_event *event,
                                struct acsa_error *err)
{
    if (cmd->rate.units == 0 || cmd->rate_source[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "rate",
                              "rate: a payment in %s of an order in %s needs the rate, its date "
                              "and its source", paid->code, order->currency.code);
    }
    if (!acsa_rate_valid(&cmd->rate)) {
        return acsa_error_set(err, ACSA_EUSAGE, "rate", "rate: out of range");
    }
    if (cmd->rate_day < ACSA_DATE_FIRST || cmd->rate_day > cmd->day) {
        return acsa_error_set(err, ACSA_EREFUSED, "rate_date",
                              "rate_date: the rate must be dated on or before the payment");
    }
    int64_t value = 0;
    enum acsa_rc rc = acsa_rate_convert(cmd->amount_minor, paid->exponent, &cmd->rate,
                                        order->currency.exponent, "amount", &value, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    event->amount_minor = value;
    event->rate = cmd->rate;
    event->rate_day = cmd->rate_day;
    snprintf(event->rate_source, sizeof(event->rate_source), "%s", cmd->rate_source);
    return ACSA_OK;
}


/* The payment's value in the order currency: the amount itself, or converted at the stated
 * rate when paid in another currency the agreement allows. */
static enum acsa_rc pay_value(const struct acsa_agreement *agreement,
                              const struct acsa_order *order, const struct acsa_command *cmd,
                              struct acsa_event *event, struct acsa_error *err)
{
    const struct acsa_currency *paid = acsa_agreement_currency(agreement, cmd->currency);
    if (paid == NULL) {
        return acsa_error_set(err, ACSA_EREFUSED, "currency",
                              "currency: agreement %s does not allow payment in %s",
                              agreement->id, cmd->currency);
    }
    if (cmd->amount_minor <= 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "amount",
                              "amount: a payment must be greater than zero");
    }
    memcpy(event->paid_currency, paid->code, ACSA_CURRENCY_SIZE);
    event->paid_minor = cmd->amount_minor;
    bool same = strcmp(paid->code, order->currency.code) == 0;
    if (same) {
        if (cmd->rate.units != 0) {
            return acsa_error_set(err, ACSA_EUSAGE, "rate",
                                  "rate: a payment in the order currency (%s) takes no rate",
                                  order->currency.code);
        }
        event->amount_minor = cmd->amount_minor;
        return ACSA_OK;
    }
    return pay_convert(order, cmd, paid, event, err);
}

/* Applies value to the invoices: the one named, else oldest first. */
static enum acsa_rc pay_invoices(struct acsa_order *order, const struct acsa_command *cmd,
                                 int64_t value, struct acsa_error *err)
{
    for (uint32_t i = 0; value > 0 && i < order->invoice_count; i++) {
        struct acsa_invoice *inv = &order->invoices[i];
        if (cmd->invoice[0] != '\0' && strcmp(inv->number, cmd->invoice) != 0) {
            continue;
        }
        int64_t open = inv->amount_minor - inv->paid_minor;
        if (cmd->invoice[0] != '\0' && value > open) {
            char text[ACSA_MONEY_TEXT_SIZE];
            return acsa_error_set(err, ACSA_EREFUSED, "amount",
                                  "amount: payment exceeds the %s %s open on invoice %s",
                                  acsa_money_format(open, order->currency.exponent, text),
                                  order->currency.code, inv->number);
        }
        int64_t part = value < open ? value : open;
        inv->paid_minor += part;
        value -= part;
    }
    if (cmd->invoice[0] != '\0' && value > 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "invoice", "invoice: order %s has no invoice "
                              "%s", order->number, cmd->invoice);
    }
    return ACSA_OK;
}

static enum acsa_rc step_pay(const struct acsa_agreement *agreement, const char *nation,
                             struct acsa_order *order, const struct acsa_command *cmd,
                             struct acsa_event *event, struct acsa_error *err)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    char open_text[ACSA_MONEY_TEXT_SIZE];
    enum acsa_rc rc = pay_value(agreement, order, cmd, event, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    int64_t value = event->amount_minor;
    int64_t open = order->cash_due_minor - order->paid_minor;
    if (value > open) {
        return acsa_error_set(err, ACSA_EREFUSED, "amount",
                              "amount: payment of %s %s exceeds the %s %s outstanding on order "
                              "%s", acsa_money_format(value, order->currency.exponent, text),
                              order->currency.code,
                              acsa_money_format(open, order->currency.exponent, open_text),
                              order->currency.code, order->number);
    }
    rc = pay_invoices(order, cmd, value, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    order->paid_minor += value;
    post_discharge(event, order, nation, false, ACSA_ACCOUNT_CASH, value, 0, 0);
    if (order->method != ACSA_METHOD_CASH) {
        order->state = order->paid_minor == order->cash_due_minor ? ACSA_STATE_SETTLED
                                                                  : order->state;
        return ACSA_OK;
    }
    invoices_due(order);
    acsa__order_cash_state(order);
    return ACSA_OK;
}

static enum acsa_rc step_convert(const struct acsa_agreement *agreement, const char *nation,
                                 struct acsa_order *order, const struct acsa_command *cmd,
                                 struct acsa_event *event, struct acsa_error *err)
{
    if (!acsa_order_convertible(order, cmd->day)) {
        char due[ACSA_DATE_TEXT_SIZE];
        return acsa_error_set(err, ACSA_EREFUSED, "date",
                              "date: order %s is not past its in-kind deadline (%s)",
                              order->number, acsa_date_format(order->due_day, due));
    }
    enum acsa_rc rc = check_official(agreement, order, cmd, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    int64_t remaining = order->received_value_minor - order->kind_settled_minor;
    ACSA_ASSERT(remaining > 0);
    post_discharge(event, order, nation, true, obligation_account(we_supply(order, nation), false),
                   remaining, 0, 0);
    order->converted = true;
    open_cash(agreement, order, remaining, cmd->day);
    event->amount_minor = remaining;
    return ACSA_OK;
}

/* ---- Dispatch ------------------------------------------------------------------------- */

enum acsa_rc acsa__order_need_reason(const struct acsa_command *cmd, struct acsa_error *err)
{
    if (cmd->reason[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "reason", "reason: %s needs a stated reason",
                              step_names[cmd->step]);
    }
    return ACSA_OK;
}

/* Requirement of entry: what must be known before an order leaves draft. */
static enum acsa_rc check_complete(const struct acsa_order *order, struct acsa_error *err)
{
    if (order->requester_unit_id == 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "requester_unit",
                              "requester_unit: order %s needs the requesting unit before it "
                              "is submitted", order->number);
    }
    if (order->supplier_unit_id == 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "supplier_unit",
                              "supplier_unit: order %s needs the supplying unit before it is "
                              "submitted", order->number);
    }
    if (order->place[0] == '\0') {
        return acsa_error_set(err, ACSA_EREFUSED, "place",
                              "place: order %s needs a delivery place before it is submitted",
                              order->number);
    }
    if (order->need_by_day == ACSA_DATE_NONE) {
        return acsa_error_set(err, ACSA_EREFUSED, "need_by",
                              "need_by: order %s needs a delivery date before it is submitted",
                              order->number);
    }
    return ACSA_OK;
}

/* A rejection gives its reason and is made by an official the agreement names. */
static enum acsa_rc check_reject(const struct acsa_agreement *agreement,
                                 const struct acsa_order *order,
                                 const struct acsa_command *cmd, struct acsa_error *err)
{
    ACSA_TRY(acsa__order_need_reason(cmd, err));
    return check_official(agreement, order, cmd, err);
}

static enum acsa_rc step_simple(const struct acsa_agreement *agreement,
                                struct acsa_order *order, const struct acsa_command *cmd,
                                struct acsa_error *err)
{
    enum acsa_rc rc = ACSA_OK;
    switch (cmd->step) {
    case ACSA_STEP_SUBMIT:
        rc = check_complete(order, err);
        order->state = ACSA_STATE_SUBMITTED;
        break;
    case ACSA_STEP_APPROVE:
        rc = check_official(agreement, order, cmd, err);
        order->state = ACSA_STATE_APPROVED;
        break;
    case ACSA_STEP_ACCEPT:
        rc = check_official(agreement, order, cmd, err);
        order->state = ACSA_STATE_ACCEPTED;
        break;
    case ACSA_STEP_REJECT:
        rc = check_reject(agreement, order, cmd, err);
        order->state = ACSA_STATE_REJECTED;
        break;
    case ACSA_STEP_CANCEL:
        order->state = ACSA_STATE_CANCELLED;
        break;
    case ACSA_STEP_DISPUTE:
        rc = acsa__order_need_reason(cmd, err);
        /* A second dispute (the partner's, raised concurrently) keeps the state it was raised
         * from: both orders of arrival end alike. */
        if (order->state != ACSA_STATE_DISPUTED) {
            order->state_before_dispute = order->state;
        }
        order->state = ACSA_STATE_DISPUTED;
        memcpy(order->disputed_by, cmd->party, ACSA_NATION_SIZE);
        order->disputed_by[ACSA_NATION_SIZE - 1] = '\0';
        break;
    case ACSA_STEP_CLOSE:
        order->state = ACSA_STATE_CLOSED;
        break;
    default:
        ACSA_ASSERT(false);
    }
    return rc;
}

/* Acceptance records the obligation at once (DOMAIN step 3): the order's value is committed;
 * a cancel after acceptance releases what is still committed. */
static enum acsa_rc step_commitment(const struct acsa_agreement *agreement, const char *nation,
                                    struct acsa_order *order, const struct acsa_command *cmd,
                                    struct acsa_event *event, struct acsa_error *err)
{
    int64_t released = acsa_order_commitment(order);
    enum acsa_rc rc = step_simple(agreement, order, cmd, err);
    if (rc == ACSA_OK && cmd->step == ACSA_STEP_ACCEPT) {
        acsa__order_post_commitment(event, order, nation, order->value_minor, 0);
    } else if (rc == ACSA_OK) {
        acsa__order_post_commitment(event, order, nation, -released, 0);
    }
    return rc;
}

static enum acsa_rc dispatch(const struct acsa_agreement *agreement, const char *nation,
                             struct acsa_order *order, const struct acsa_command *cmd,
                             struct acsa_event *event, struct acsa_error *err)
{
    switch (cmd->step) {
    case ACSA_STEP_ISSUE:
        return step_issue(order, cmd, err);
    case ACSA_STEP_RECEIVE:
        return step_receive(agreement, nation, order, cmd, event, err);
    case ACSA_STEP_RETURN:
        return step_return(order, cmd, err);
    case ACSA_STEP_ACCEPT_RETURN:
        return step_accept_return(nation, order, cmd, event, err);
    case ACSA_STEP_INVOICE:
        return step_invoice(agreement, order, cmd, event, err);
    case ACSA_STEP_PAY:
        return step_pay(agreement, nation, order, cmd, event, err);
    case ACSA_STEP_CONVERT:
        return step_convert(agreement, nation, order, cmd, event, err);
    case ACSA_STEP_RESOLVE:
        ACSA_TRY(check_official(agreement, order, cmd, err));
        return acsa__order_fix_apply(agreement, nation, order, cmd, event, err);
    case ACSA_STEP_CLOSE_LINE:
    case ACSA_STEP_CORRECT:
    case ACSA_STEP_AMEND:
    case ACSA_STEP_REJECT_RETURN:
        return acsa__order_fix_apply(agreement, nation, order, cmd, event, err);
    case ACSA_STEP_CREATE:
    case ACSA_STEP_EXCHANGE:
    case ACSA_STEP_VOID:
    case ACSA_STEP_COUNT:
        return acsa_error_set(err, ACSA_EUSAGE, "step", "step: %s is not applied one order at "
                              "a time", (unsigned)cmd->step < ACSA_STEP_COUNT
                                            ? step_names[cmd->step] : "?");
    case ACSA_STEP_ACCEPT:
    case ACSA_STEP_CANCEL:
        return step_commitment(agreement, nation, order, cmd, event, err);
    default:
        return step_simple(agreement, order, cmd, err);
    }
}

static void event_begin(struct acsa_event *event, const struct acsa_order *order,
                        const struct acsa_command *cmd)
{
    memset(event, 0, sizeof(*event));
    event->step = cmd->step;
    event->day = cmd->day;
    snprintf(event->actor, sizeof(event->actor), "%s", cmd->actor);
    snprintf(event->detail, sizeof(event->detail), "%s", cmd->reason);
    event->recorded_day = cmd->recorded_day;
    snprintf(event->backdate_reason, sizeof(event->backdate_reason), "%s",
             cmd->backdate_reason);
    event->state_from = order->state;
    /* Only a per-line step names a line: a line number given with any other step is not the
     * event's (the store writes back the line an event names). */
    bool line_step = cmd->step == ACSA_STEP_ISSUE || cmd->step == ACSA_STEP_RECEIVE ||
                     cmd->step == ACSA_STEP_RETURN || cmd->step == ACSA_STEP_ACCEPT_RETURN ||
                     cmd->step == ACSA_STEP_CLOSE_LINE || cmd->step == ACSA_STEP_CORRECT ||
                     cmd->step == ACSA_STEP_REJECT_RETURN ||
                     (cmd->step == ACSA_STEP_INVOICE && cmd->line_no > 0);
    event->line_no = line_step ? cmd->line_no : 0;
    event->quantity_milli = line_step ? cmd->quantity_milli : 0;
    event->rate_day = ACSA_DATE_NONE;
    if (cmd->step == ACSA_STEP_INVOICE || cmd->step == ACSA_STEP_PAY) {
        snprintf(event->invoice, sizeof(event->invoice), "%s", cmd->invoice);
    }
    event->corrected_step = cmd->step == ACSA_STEP_CORRECT ? cmd->corrected_step
                                                           : ACSA_STEP_CREATE;
}

static enum acsa_rc apply_step(const struct acsa_agreement *agreement, const char *nation,
                               struct acsa_order *order, const struct acsa_command *command,
                               bool overlay, struct acsa_event *out_event,
                               struct acsa_error *err);

enum acsa_rc acsa_order_apply(const struct acsa_agreement *agreement, const char *nation,
                              struct acsa_order *order, const struct acsa_command *command,
                              struct acsa_event *out_event, struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL && nation != NULL && order != NULL);
    ACSA_ASSERT(command != NULL && out_event != NULL);
    acsa_error_clear(err);
    memset(out_event, 0, sizeof(*out_event));
    if ((unsigned)command->step >= ACSA_STEP_COUNT || command->step == ACSA_STEP_CREATE ||
        command->step == ACSA_STEP_EXCHANGE || command->step == ACSA_STEP_VOID) {
        return acsa_error_set(err, ACSA_EUSAGE, "step", "step: not a single-order step");
    }
    /* A step that commutes with a dispute is judged against the state the dispute was raised
     * from and leaves the dispute raised (src/core/concurrency.c). */
    bool overlay = order->state == ACSA_STATE_DISPUTED &&
                   acsa_step_under_dispute(command->step);
    if (overlay) {
        order->state = order->state_before_dispute;
    }
    enum acsa_rc rc = apply_step(agreement, nation, order, command, overlay, out_event, err);
    if (overlay && rc != ACSA_OK) {
        order->state = ACSA_STATE_DISPUTED;
    }
    return rc;
}

static enum acsa_rc apply_step(const struct acsa_agreement *agreement, const char *nation,
                               struct acsa_order *order, const struct acsa_command *command,
                               bool overlay, struct acsa_event *out_event,
                               struct acsa_error *err)
{
    ACSA_TRY(check_common(order, command, err));
    ACSA_TRY(acsa_order_step_dates(agreement, order, command, err));
    /* Work on a copy: the caller's order changes only when every rule held. */
    struct acsa_order next = *order;
    struct acsa_event event;
    event_begin(&event, order, command);
    ACSA_TRY(dispatch(agreement, nation, &next, command, &event, err));
    if (overlay) {
        next.state_before_dispute = next.state;
        next.state = ACSA_STATE_DISPUTED;
        event.state_from = ACSA_STATE_DISPUTED;
    }
    event.state_to = next.state;
    ACSA_ASSERT(acsa_event_balanced(&event));
    ACSA_ASSERT(acsa_order_outstanding(&next) >= 0);
    *order = next;
    step_note(order, command->step, command->actor, command->actor_key);
    order->last_step_day = command->day > order->last_step_day ? command->day
                                                                : order->last_step_day;
    *out_event = event;
    return ACSA_OK;
}

/* ---- Exchange ------------------------------------------------------------------------- */

static enum acsa_rc check_exchange_pair(const struct acsa_order *order,
                                        const struct acsa_order *other, struct acsa_error *err)
{
    if (strcmp(order->number, other->number) == 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "with",
                              "with: an order cannot be exchanged with itself");
    }
    if (other->method != ACSA_METHOD_EVE || other->state != ACSA_STATE_DELIVERED) {
        return acsa_error_set(err, ACSA_EREFUSED, "with",
                              "with: order %s must be a delivered eve order (it is a %s order "
                              "in state %s)", other->number, acsa_method_name(other->method),
                              state_names[other->state]);
    }
    if (strcmp(order->agreement_id, other->agreement_id) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "with",
                              "with: order %s falls under %s, not %s", other->number,
                              other->agreement_id, order->agreement_id);
    }
    if (strcmp(order->requester, other->supplier) != 0 ||
        strcmp(order->supplier, other->requester) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "with",
                              "with: order %s must run the other way (%s supplying %s)",
                              other->number, order->requester, order->supplier);
    }
    return ACSA_OK;
}

/* The other order's open value in this order's currency: itself, or converted at the stated
 * rate when the two are in different currencies (which then needs one). */
static enum acsa_rc exchange_rate(const struct acsa_order *order, const struct acsa_order *other,
                                  const struct acsa_command *cmd, int64_t open_other,
                                  int64_t *out_value, struct acsa_error *err)
{
    *out_value = open_other;
    bool same = strcmp(order->currency.code, other->currency.code) == 0;
    if (same) {
        return cmd->rate.units == 0
                   ? ACSA_OK
                   : acsa_error_set(err, ACSA_EUSAGE, "rate", "rate: orders %s and %s are both "
                                    "in %s; an exchange takes no rate", order->number,
                                    other->number, order->currency.code);
    }
    if (cmd->rate.units == 0 || cmd->rate_source[0] == '\0' || !acsa_rate_valid(&cmd->rate)) {
        return acsa_error_set(err, ACSA_EUSAGE, "rate",
                              "rate: order %s is in %s and %s in %s: an exchange across "
                              "currencies needs the rate, its date and its source",
                              order->number, order->currency.code, other->number,
                              other->currency.code);
    }
    if (cmd->rate_day < ACSA_DATE_FIRST || cmd->rate_day > cmd->day) {
        return acsa_error_set(err, ACSA_EREFUSED, "rate_date",
                              "rate_date: the rate must be dated on or before the exchange");
    }
    if (open_other == 0) {
        *out_value = 0;
        return ACSA_OK;
    }
    return acsa_rate_convert(open_other, other->currency.exponent, &cmd->rate,
                             order->currency.exponent, "with", out_value, err);
}

/* Discharges matched value of one side of an exchange and opens cash for any remainder. */
static void exchange_side(const struct acsa_agreement *agreement, const char *nation,
                          struct acsa_order *order, const char *with, int64_t matched,
                          bool keep_kind, const struct acsa_command *cmd,
                          struct acsa_event *event)
{
    int64_t open = order->received_value_minor - order->kind_settled_minor;
    event_begin(event, order, cmd);
    snprintf(event->detail, sizeof(event->detail), "exchanged with %s", with);
    memcpy(order->exchanged_with, with, ACSA_NUMBER_SIZE);
    order->last_step_day = cmd->day > order->last_step_day ? cmd->day : order->last_step_day;
    event->amount_minor = matched;
    if (matched > 0) {
        post_discharge(event, order, nation, true, ACSA_ACCOUNT_EXCHANGE, matched, 0, 0);
    }
    order->kind_settled_minor += matched;
    int64_t difference = open - matched;
    if (cmd->rate.units > 0) {
        event->rate = cmd->rate;
        event->rate_day = cmd->rate_day;
        snprintf(event->rate_source, sizeof(event->rate_source), "%s", cmd->rate_source);
    }
    if (difference > 0 && keep_kind) {
        /* More reverse orders of the same exchange follow: the rest stays owed in kind. */
        ACSA_ASSERT(order->state == ACSA_STATE_DELIVERED);
    } else if (difference > 0) {
        post_discharge(event, order, nation, true,
                       obligation_account(we_supply(order, nation), false), difference, 0, 0);
        open_cash(agreement, order, difference, cmd->day);
    } else {
        order->state = ACSA_STATE_SETTLED;
    }
    step_note(order, ACSA_STEP_EXCHANGE, cmd->actor, cmd->actor_key);
    event->state_to = order->state;
    ACSA_ASSERT(acsa_event_balanced(event));
}

enum acsa_rc acsa_order_exchange(const struct acsa_agreement *agreement, const char *nation,
                                 struct acsa_order *order, struct acsa_order *other,
                                 const struct acsa_command *command,
                                 struct acsa_event *out_event,
                                 struct acsa_event *out_other_event, struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL && order != NULL && other != NULL && command != NULL);
    ACSA_ASSERT(command->step == ACSA_STEP_EXCHANGE);
    acsa_error_clear(err);
    memset(out_event, 0, sizeof(*out_event));
    memset(out_other_event, 0, sizeof(*out_other_event));
    ACSA_TRY(check_common(order, command, err));
    ACSA_TRY(check_common(other, command, err));
    ACSA_TRY(acsa_order_step_dates(agreement, order, command, err));
    ACSA_TRY(acsa_order_step_dates(agreement, other, command, err));
    ACSA_TRY(check_exchange_pair(order, other, err));
    int64_t open_a = order->received_value_minor - order->kind_settled_minor;
    int64_t open_b = other->received_value_minor - other->kind_settled_minor;
    int64_t open_b_in_a = 0;
    ACSA_TRY(exchange_rate(order, other, command, open_b, &open_b_in_a, err));
    int64_t matched = open_a < open_b_in_a ? open_a : open_b_in_a;
    if (matched == 0 && command->exchange_more > 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "with", "with: order %s has nothing left to "
                              "match against %s", order->number, other->number);
    }
    /* What the other order gives for it, in its own currency: all of it when it is the smaller
     * side, else its share at the rate (the same share in one currency). */
    int64_t matched_b = matched == open_b_in_a ? open_b
                                               : acsa_rate_prorate(open_b, matched, open_b_in_a);
    /* In one currency the two sides clear the exchange account in opposite directions, so
     * the sum over both is 0; across currencies each currency's legs balance within each
     * event, and the exchange account holds the two matched values at the stated rate. */
    exchange_side(agreement, nation, order, other->number, matched,
                  command->exchange_more > 0, command, out_event);
    exchange_side(agreement, nation, other, order->number, matched_b, false, command,
                  out_other_event);
    return ACSA_OK;
}

/* ---- Status --------------------------------------------------------------------------- */

int64_t acsa_order_outstanding(const struct acsa_order *order)
{
    return order->received_value_minor - order->kind_settled_minor - order->paid_minor;
}

bool acsa_order_overdue(const struct acsa_order *order, int32_t day)
{
    /* A partly invoiced order is open from its oldest unpaid invoice on, while delivering. */
    bool open = order->state == ACSA_STATE_DELIVERED || order->state == ACSA_STATE_INVOICED ||
                order->state == ACSA_STATE_DISPUTED ||
                (order->state == ACSA_STATE_DELIVERING && order->invoice_count > 0);
    return open && order->due_day != ACSA_DATE_NONE && day > order->due_day &&
           acsa_order_outstanding(order) > 0;
}

bool acsa_order_convertible(const struct acsa_order *order, int32_t day)
{
    return order->method != ACSA_METHOD_CASH && order->state == ACSA_STATE_DELIVERED &&
           !order->converted && acsa_order_overdue(order, day);
}

void acsa_order_overdue_rule(int32_t day, struct acsa_due_rule *out)
{
    /* The open states of acsa_order_overdue; delivering counts once invoiced (its due day). */
    static const enum acsa_state open[] = {ACSA_STATE_DELIVERED, ACSA_STATE_INVOICED,
                                           ACSA_STATE_DISPUTED, ACSA_STATE_DELIVERING};
    _Static_assert(sizeof(open) / sizeof(open[0]) <= ACSA_DUE_RULE_STATES,
                   "the overdue states fit a due rule");
    memset(out, 0, sizeof(*out));
    out->due_before = day;
    out->state_count = (uint32_t)(sizeof(open) / sizeof(open[0]));
    memcpy(out->states, open, sizeof(open));
    out->outstanding = true;
}

void acsa_order_convertible_rule(int32_t day, struct acsa_due_rule *out)
{
    acsa_order_overdue_rule(day, out);
    out->state_count = 1;
    out->states[0] = ACSA_STATE_DELIVERED;
    out->in_kind = true;
    out->unconverted = true;
}
