/* SPDX-License-Identifier: MIT */
/* The date rules of orders (ARCHITECTURE.md "Dates"). Today is never read here: the recording
 * node passes its day in (recorded_day), and the record carries it, so the partner's node
 * judges the step exactly as the recording node did. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "order.h"
#include "text.h"

/* recorded_day 0 is "not known": records made before the field existed carry none. */
#define RECORDED_UNKNOWN 0

static enum acsa_rc after_today(int32_t day, int32_t recorded_day, struct acsa_error *err)
{
    char d[ACSA_DATE_TEXT_SIZE];
    char t[ACSA_DATE_TEXT_SIZE];
    /* Like a date outside the calendar, a future date is input no rule could accept. */
    return acsa_error_set(err, ACSA_EUSAGE, "date", "date: %s is after today (%s)",
                          acsa_date_format(day, d), acsa_date_format(recorded_day, t));
}

/* Checks the day range first: acsa_date_format asserts on days it cannot write. */
static bool day_known(int32_t day)
{
    return day >= ACSA_DATE_FIRST && day <= ACSA_DATE_LAST;
}

bool acsa_order_back_entered(const struct acsa_agreement *agreement, int32_t day,
                             int32_t recorded_day)
{
    return recorded_day != RECORDED_UNKNOWN && day_known(recorded_day) &&
           (int64_t)recorded_day - day > agreement->backdate_days;
}

/* The back-entry rule and the agreement's end, shared by create and the steps of an order not
 * yet accepted (new_order). */
static enum acsa_rc check_back_entry(const struct acsa_agreement *agreement, int32_t day,
                                     int32_t recorded_day, const char *reason, bool new_order,
                                     struct acsa_error *err)
{
    char d[ACSA_DATE_TEXT_SIZE];
    char t[ACSA_DATE_TEXT_SIZE];
    if (reason[0] != '\0') {
        enum acsa_rc rc = acsa_text_check(reason, 0, "backdate_reason", err);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    int32_t last = acsa_agreement_last_day(agreement);
    if (new_order && last != ACSA_DATE_NONE && day > last) {
        return acsa_error_set(err, ACSA_EREFUSED, "date",
                              "date: agreement %s ended on %s; no step of a new order may be "
                              "dated after it", agreement->id, acsa_date_format(last, t));
    }
    if (recorded_day == RECORDED_UNKNOWN || reason[0] != '\0') {
        return ACSA_OK;
    }
    if (acsa_order_back_entered(agreement, day, recorded_day)) {
        return acsa_error_set(err, ACSA_EREFUSED, "backdate_reason",
                              "backdate_reason: a step dated %s, more than %d days before it "
                              "is recorded (%s), needs a back-entry reason",
                              acsa_date_format(day, d), (int)agreement->backdate_days,
                              acsa_date_format(recorded_day, t));
    }
    if (new_order && last != ACSA_DATE_NONE && recorded_day > last) {
        return acsa_error_set(err, ACSA_EREFUSED, "backdate_reason",
                              "backdate_reason: agreement %s ended on %s; a step of a new order "
                              "recorded after it needs a back-entry reason", agreement->id,
                              acsa_date_format(last, t));
    }
    return ACSA_OK;
}

static enum acsa_rc check_activity_window(const struct acsa_agreement *agreement,
                                          const struct acsa_activity *activity, int32_t day,
                                          struct acsa_error *err)
{
    if (!day_known(activity->from_day) || !day_known(activity->to_day)) {
        return ACSA_OK; /* acsa_activity_validate refuses such an activity before it is kept. */
    }
    int64_t first = (int64_t)activity->from_day - agreement->planning_days_before;
    int64_t last = (int64_t)activity->to_day + agreement->days_after;
    if (day >= first && day <= last) {
        return ACSA_OK;
    }
    char d[ACSA_DATE_TEXT_SIZE];
    char f[ACSA_DATE_TEXT_SIZE];
    char t[ACSA_DATE_TEXT_SIZE];
    return acsa_error_set(err, ACSA_EREFUSED, "date",
                          "date: %s is outside the dates of activity \"%s\" (%s to %s) widened "
                          "by %d days before (planning_days_before) and %d after (days_after)",
                          acsa_date_format(day, d), activity->name,
                          acsa_date_format(activity->from_day, f),
                          acsa_date_format(activity->to_day, t),
                          (int)agreement->planning_days_before, (int)agreement->days_after);
}

enum acsa_rc acsa_order_create_dates(const struct acsa_agreement *agreement,
                                     const struct acsa_activity *activity,
                                     const struct acsa_order_draft *draft, int32_t day,
                                     struct acsa_error *err)
{
    if (!day_known(day)) {
        return acsa_error_set(err, ACSA_EUSAGE, "date", "date: must be 1900-01-01 to 9899-12-31");
    }
    if (draft->recorded_day != RECORDED_UNKNOWN && day_known(draft->recorded_day) &&
        day > draft->recorded_day) {
        return after_today(day, draft->recorded_day, err);
    }
    if (draft->need_by_day != ACSA_DATE_NONE && day_known(draft->need_by_day) &&
        draft->need_by_day < day) {
        char n[ACSA_DATE_TEXT_SIZE];
        char d[ACSA_DATE_TEXT_SIZE];
        return acsa_error_set(err, ACSA_EREFUSED, "need_by",
                              "need_by: %s is before the order date (%s)",
                              acsa_date_format(draft->need_by_day, n), acsa_date_format(day, d));
    }
    ACSA_TRY(check_activity_window(agreement, activity, day, err));
    return check_back_entry(agreement, day, draft->recorded_day, draft->backdate_reason, true,
                            err);
}

/* A step of an order not yet accepted: it may not be taken under an agreement that ended. */
static bool new_order_step(const struct acsa_order *order, enum acsa_step step)
{
    bool opening = step == ACSA_STEP_SUBMIT || step == ACSA_STEP_APPROVE ||
                   step == ACSA_STEP_ACCEPT;
    bool unaccepted = order->state == ACSA_STATE_DRAFT || order->state == ACSA_STATE_SUBMITTED ||
                      order->state == ACSA_STATE_APPROVED;
    return opening && unaccepted;
}

static enum acsa_rc not_before(int32_t day, int32_t earlier, const char *what,
                               struct acsa_error *err)
{
    if (earlier == ACSA_DATE_NONE || !day_known(earlier) || day >= earlier) {
        return ACSA_OK;
    }
    char d[ACSA_DATE_TEXT_SIZE];
    char e[ACSA_DATE_TEXT_SIZE];
    return acsa_error_set(err, ACSA_EREFUSED, "date", "date: %s is before %s (%s)",
                          acsa_date_format(day, d), what, acsa_date_format(earlier, e));
}

enum acsa_rc acsa_order_step_dates(const struct acsa_agreement *agreement,
                                   const struct acsa_order *order,
                                   const struct acsa_command *command, struct acsa_error *err)
{
    int32_t day = command->day;
    if (!day_known(day)) {
        return acsa_error_set(err, ACSA_EUSAGE, "date", "date: must be 1900-01-01 to 9899-12-31");
    }
    int32_t today = command->recorded_day;
    if (today != RECORDED_UNKNOWN && day_known(today) && day > today) {
        return after_today(day, today, err);
    }
    ACSA_TRY(not_before(day, order->last_step_day, "the order's previous step", err));
    if (command->step == ACSA_STEP_INVOICE) {
        ACSA_TRY(not_before(day, order->delivered_day, "the last receipt", err));
    }
    if (command->step == ACSA_STEP_PAY) {
        ACSA_TRY(not_before(day, order->invoiced_day, "the invoice", err));
    }
    return check_back_entry(agreement, day, today, command->backdate_reason,
                            new_order_step(order, command->step), err);
}
