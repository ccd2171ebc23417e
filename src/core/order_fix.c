/* SPDX-License-Identifier: MIT */
/* Ways out and corrections: the steps that end a dispute (resolve), end a line short
 * (close-line), set a per-line quantity anew (correct), change a draft (amend) and refuse part
 * of a return (reject-return). History is append-only: a correction is a new event that posts
 * the difference, never an edit of an earlier one. acsa_order_apply has checked the actor,
 * date, method, state and separation of duties, and hands a copy of the order here. */
#include <stdio.h>
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "money.h"
#include "order.h"

static const char *qty_text(int64_t milli, char buf[ACSA_MONEY_TEXT_SIZE])
{
    return acsa_quantity_format(milli, buf);
}

static bool every_line_complete(const struct acsa_order *order)
{
    for (uint32_t i = 0; i < order->line_count; i++) {
        if (!acsa_order_line_complete(&order->lines[i])) {
            return false;
        }
    }
    return true;
}

/* Delivery is complete: the in-kind clock starts; an order with nothing received owes
 * nothing in kind and is settled at once (a cash one is, by its invoice of nothing). */
static void deliver(const struct acsa_agreement *agreement, struct acsa_order *order,
                    int32_t day)
{
    order->state = ACSA_STATE_DELIVERED;
    order->delivered_day = day;
    if (order->method == ACSA_METHOD_CASH) {
        acsa__order_cash_state(order); /* Everything received may be invoiced already. */
    } else {
        order->due_day = day + agreement->due_days[order->method];
        if (order->received_value_minor == 0) {
            order->state = ACSA_STATE_SETTLED;
        }
    }
}

/* Delivery is no longer complete after a correction: back to delivering, clocks stopped. */
static void undeliver(struct acsa_order *order)
{
    order->state = ACSA_STATE_DELIVERING;
    order->delivered_day = ACSA_DATE_NONE;
    if (order->method != ACSA_METHOD_CASH) {
        order->due_day = ACSA_DATE_NONE;
    }
}

/* ---- resolve -------------------------------------------------------------------------- */

static enum acsa_rc step_resolve(struct acsa_order *order, const struct acsa_command *cmd,
                                 struct acsa_error *err)
{
    enum acsa_rc rc = acsa__order_need_reason(cmd, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    /* Due dates were kept through the dispute: an in-kind order past them converts now. */
    order->state = order->state_before_dispute;
    return ACSA_OK;
}

/* ---- close-line ----------------------------------------------------------------------- */

static enum acsa_rc step_close_line(const struct acsa_agreement *agreement, const char *nation,
                                    struct acsa_order *order, const struct acsa_command *cmd,
                                    struct acsa_event *event, struct acsa_error *err)
{
    ACSA_TRY(acsa__order_need_reason(cmd, err));
    struct acsa_order_line *line = acsa__order_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    if (line->closed) {
        return acsa_error_set(err, ACSA_EREFUSED, "line", "line: line %u of order %s is "
                              "closed already", cmd->line_no, order->number);
    }
    if (line->received_milli == line->quantity_milli) {
        return acsa_error_set(err, ACSA_EREFUSED, "line", "line: line %u of order %s is fully "
                              "received; there is nothing to close", cmd->line_no,
                              order->number);
    }
    /* What was not received is no longer expected (its commitment is released by the caller);
     * the record of the issue stays. */
    line->closed = true;
    if (every_line_complete(order)) {
        deliver(agreement, order, cmd->day);
    }
    return ACSA_OK;
}

/* ---- correct -------------------------------------------------------------------------- */

/* The bounds a step's cumulative quantity must keep: low <= Q <= high. */
struct bounds {
    int64_t low;
    int64_t high;
    const char *low_what;
    const char *high_what;
    int64_t *field;
};

static enum acsa_rc correct_bounds(struct acsa_order *order, struct acsa_order_line *line,
                                   const struct acsa_command *cmd, struct bounds *b,
                                   struct acsa_error *err)
{
    switch (cmd->corrected_step) {
    case ACSA_STEP_ISSUE:
        *b = (struct bounds){line->received_milli, line->quantity_milli, "received", "ordered",
                             &line->issued_milli};
        return ACSA_OK;
    case ACSA_STEP_RECEIVE:
        /* A receipt stays at or above what was returned and what was invoiced of it. */
        *b = line->invoiced_milli > line->returned_milli
                 ? (struct bounds){line->invoiced_milli, line->issued_milli, "invoiced",
                                   "issued", &line->received_milli}
                 : (struct bounds){line->returned_milli, line->issued_milli, "returned",
                                   "issued", &line->received_milli};
        return ACSA_OK;
    case ACSA_STEP_RETURN:
    case ACSA_STEP_ACCEPT_RETURN:
        if (order->method != ACSA_METHOD_RIK) {
            return acsa_error_set(err, ACSA_EREFUSED, "method", "method: order %s settles by "
                                  "%s; returns apply to rik orders", order->number,
                                  acsa_method_name(order->method));
        }
        if (cmd->corrected_step == ACSA_STEP_RETURN) {
            *b = (struct bounds){line->return_accepted_milli, line->received_milli,
                                 "accepted as returned", "received", &line->returned_milli};
        } else {
            *b = (struct bounds){0, line->returned_milli, "nothing", "returned",
                                 &line->return_accepted_milli};
        }
        return ACSA_OK;
    default:
        return acsa_error_set(err, ACSA_EUSAGE, "corrected_step", "corrected_step: only issue, "
                              "receive, return and accept-return are corrected");
    }
}

static enum acsa_rc check_correction(const struct acsa_order *order,
                                     const struct acsa_command *cmd, const struct bounds *b,
                                     struct acsa_error *err)
{
    char want[ACSA_MONEY_TEXT_SIZE];
    char cap[ACSA_MONEY_TEXT_SIZE];
    const char *step = acsa_step_name(cmd->corrected_step);
    if (cmd->quantity_milli < 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "qty", "qty: a quantity cannot be negative");
    }
    if (cmd->quantity_milli == *b->field) {
        return acsa_error_set(err, ACSA_EREFUSED, "qty", "qty: %s on line %u of order %s is "
                              "%s already; there is nothing to correct", step, cmd->line_no,
                              order->number, qty_text(*b->field, want));
    }
    if (cmd->quantity_milli > b->high) {
        return acsa_error_set(err, ACSA_EREFUSED, "qty", "qty: %s %s on line %u would exceed "
                              "the %s %s", step, qty_text(cmd->quantity_milli, want),
                              cmd->line_no, qty_text(b->high, cap), b->high_what);
    }
    if (cmd->quantity_milli < b->low) {
        return acsa_error_set(err, ACSA_EREFUSED, "qty", "qty: %s %s on line %u would fall "
                              "below the %s %s", step, qty_text(cmd->quantity_milli, want),
                              cmd->line_no, qty_text(b->low, cap), b->low_what);
    }
    return ACSA_OK;
}

/* The value of moving a line's cumulative quantity from `from` to `to`, signed. */
static int64_t value_change(const struct acsa_order_line *line, int64_t from, int64_t to)
{
    if (to >= from) {
        return acsa__order_value_between(line, from, to - from);
    }
    return -acsa__order_value_between(line, to, from - to);
}

static enum acsa_rc step_correct(const struct acsa_agreement *agreement, const char *nation,
                                 struct acsa_order *order, const struct acsa_command *cmd,
                                 struct acsa_event *event, struct acsa_error *err)
{
    ACSA_TRY(acsa__order_need_reason(cmd, err));
    struct acsa_order_line *line = acsa__order_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    struct bounds b = {0, 0, "", "", NULL};
    ACSA_TRY(correct_bounds(order, line, cmd, &b, err));
    ACSA_TRY(check_correction(order, cmd, &b, err));
    int64_t from = *b.field;
    int64_t to = cmd->quantity_milli;
    int64_t value = value_change(line, from, to);
    *b.field = to;
    /* The difference is posted on the accounts the corrected step posts to. */
    if (cmd->corrected_step == ACSA_STEP_RECEIVE) {
        order->received_value_minor += value;
        acsa__order_post_receipt(event, order, nation, value, to - from, cmd->line_no);
        event->amount_minor = value;
    } else if (cmd->corrected_step == ACSA_STEP_ACCEPT_RETURN) {
        order->kind_settled_minor += value;
        acsa__order_post_return_accepted(event, order, nation, value, to - from, cmd->line_no);
        event->amount_minor = value;
    }
    bool complete = every_line_complete(order);
    if (order->state == ACSA_STATE_DELIVERED && !complete) {
        undeliver(order);
    } else if (order->state == ACSA_STATE_DELIVERING && complete) {
        deliver(agreement, order, cmd->day);
    }
    if (cmd->corrected_step == ACSA_STEP_ACCEPT_RETURN && order->state == ACSA_STATE_DELIVERED &&
        order->kind_settled_minor == order->received_value_minor) {
        order->state = ACSA_STATE_SETTLED;
    }
    return ACSA_OK;
}

/* ---- reject-return -------------------------------------------------------------------- */

static enum acsa_rc step_reject_return(struct acsa_order *order, const struct acsa_command *cmd,
                                       struct acsa_error *err)
{
    ACSA_TRY(acsa__order_need_reason(cmd, err));
    struct acsa_order_line *line = acsa__order_line(order, cmd, err);
    if (line == NULL) {
        return err->rc;
    }
    char want[ACSA_MONEY_TEXT_SIZE];
    char open[ACSA_MONEY_TEXT_SIZE];
    int64_t pending = line->returned_milli - line->return_accepted_milli;
    if (cmd->quantity_milli <= 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "qty", "qty: quantity must be greater than "
                              "zero");
    }
    if (cmd->quantity_milli > pending) {
        return acsa_error_set(err, ACSA_EREFUSED, "qty", "qty: rejecting %s %s on line %u "
                              "would exceed the %s returned and not accepted",
                              qty_text(cmd->quantity_milli, want), line->unit_of_issue,
                              cmd->line_no, qty_text(pending, open));
    }
    /* The refused quantity is owed again: it may be returned anew. */
    line->returned_milli -= cmd->quantity_milli;
    return ACSA_OK;
}

/* ---- amend ---------------------------------------------------------------------------- */

static enum acsa_rc step_amend(const struct acsa_agreement *agreement, struct acsa_order *order,
                               const struct acsa_command *cmd, struct acsa_event *event,
                               struct acsa_error *err)
{
    if (cmd->amend == NULL || cmd->activity == NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "amend", "amend: the changed draft is missing");
    }
    struct acsa_order_draft draft = *cmd->amend;
    /* Parties and method are the order's: amend changes what a draft may leave open. */
    memcpy(draft.requester, order->requester, ACSA_NATION_SIZE);
    memcpy(draft.supplier, order->supplier, ACSA_NATION_SIZE);
    draft.method = order->method;
    struct acsa_order_draft checked;
    enum acsa_rc rc = acsa_order_entry_check(agreement, cmd->activity, &draft, order->created_day,
                                             &checked, err);
    if (rc == ACSA_OK && strcmp(draft.line_currency[0], order->currency.code) != 0) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "line.currency", "line 1: currency %s differs "
                            "from the order's (%s)", draft.line_currency[0],
                            order->currency.code);
    }
    int64_t total = 0;
    if (rc == ACSA_OK) {
        rc = acsa_order_lines_total(checked.lines, checked.line_count, &order->currency, &total,
                                    err);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    order->requester_unit_id = checked.requester_unit_id;
    order->supplier_unit_id = checked.supplier_unit_id;
    memcpy(order->place, checked.place, sizeof(order->place));
    order->need_by_day = checked.need_by_day;
    memset(order->lines, 0, sizeof(order->lines));
    order->line_count = checked.line_count;
    for (uint32_t i = 0; i < checked.line_count; i++) {
        order->lines[i] = checked.lines[i];
        order->lines[i].issued_milli = 0;
        order->lines[i].received_milli = 0;
        order->lines[i].returned_milli = 0;
        order->lines[i].return_accepted_milli = 0;
        order->lines[i].closed = false;
    }
    order->value_minor = total;
    event->amount_minor = total;
    return ACSA_OK;
}

static enum acsa_rc fix_step(const struct acsa_agreement *agreement, const char *nation,
                             struct acsa_order *order, const struct acsa_command *cmd,
                             struct acsa_event *event, struct acsa_error *err)
{
    switch (cmd->step) {
    case ACSA_STEP_RESOLVE:
        return step_resolve(order, cmd, err);
    case ACSA_STEP_CLOSE_LINE:
        return step_close_line(agreement, nation, order, cmd, event, err);
    case ACSA_STEP_CORRECT:
        return step_correct(agreement, nation, order, cmd, event, err);
    case ACSA_STEP_REJECT_RETURN:
        return step_reject_return(order, cmd, err);
    case ACSA_STEP_AMEND:
        return step_amend(agreement, order, cmd, event, err);
    default:
        ACSA_ASSERT(false);
        return ACSA_EUSAGE;
    }
}

enum acsa_rc acsa__order_fix_apply(const struct acsa_agreement *agreement, const char *nation,
                                   struct acsa_order *order, const struct acsa_command *cmd,
                                   struct acsa_event *event, struct acsa_error *err)
{
    /* A way out may change what is still committed: a line closed short releases its
     * commitment; a receipt corrected down reopens delivery and commits again what is now
     * expected, one corrected up releases it. The difference is posted with the step. */
    int64_t committed = acsa_order_commitment(order);
    enum acsa_rc rc = fix_step(agreement, nation, order, cmd, event, err);
    if (rc == ACSA_OK) {
        acsa__order_post_commitment(event, order, nation, acsa_order_commitment(order) - committed,
                                    cmd->line_no);
    }
    return rc;
}
