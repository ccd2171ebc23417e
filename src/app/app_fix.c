/* SPDX-License-Identifier: MIT */
/* Amending a draft: the changes a front end gives (units, place, need-by, lines added and
 * removed) are applied to the draft as stored, and the whole changed draft goes through the
 * core's rules of entry again (acsa_order_apply, step amend) and into the amend record, so
 * the partner's node derives the same order from it. */
#include <stdio.h>
#include <string.h>

#include "app_int.h"

static bool removed(const struct acsa_amend *changes, uint32_t line_no)
{
    for (uint32_t i = 0; i < changes->remove_count; i++) {
        if (changes->remove[i] == line_no) {
            return true;
        }
    }
    return false;
}

/* The draft as stored, with the changes applied. */
static enum acsa_rc build_draft(const struct acsa_order *order, const struct acsa_amend *changes,
                                struct acsa_order_draft *d, struct acsa_error *err)
{
    memset(d, 0, sizeof(*d));
    memcpy(d->requester, order->requester, sizeof(d->requester));
    memcpy(d->supplier, order->supplier, sizeof(d->supplier));
    d->method = order->method;
    d->requester_unit_id = changes->set_requester_unit ? changes->requester_unit_id
                                                       : order->requester_unit_id;
    d->supplier_unit_id = changes->set_supplier_unit ? changes->supplier_unit_id
                                                     : order->supplier_unit_id;
    snprintf(d->place, sizeof(d->place), "%s", changes->set_place ? changes->place : order->place);
    d->need_by_day = changes->set_need_by ? changes->need_by_day : order->need_by_day;
    for (uint32_t i = 0; i < changes->remove_count; i++) {
        if (changes->remove[i] < 1 || changes->remove[i] > order->line_count) {
            return acsa_error_set(err, ACSA_EREFUSED, "remove_line", "remove_line: order %s has "
                                  "no line %u (it has %u)", order->number, changes->remove[i],
                                  order->line_count);
        }
    }
    for (uint32_t i = 0; i < order->line_count; i++) {
        if (!removed(changes, i + 1)) {
            d->lines[d->line_count] = order->lines[i];
            memcpy(d->line_currency[d->line_count], order->currency.code, ACSA_CURRENCY_SIZE);
            d->line_count++;
        }
    }
    if (changes->add.line_count > ACSA_ORDER_LINES_MAX - d->line_count) {
        return acsa_error_set(err, ACSA_ELIMIT, "add_line", "add_line: an order has at most "
                              "%d lines", ACSA_ORDER_LINES_MAX);
    }
    for (uint32_t i = 0; i < changes->add.line_count; i++) {
        d->lines[d->line_count] = changes->add.lines[i];
        memcpy(d->line_currency[d->line_count], changes->add.line_currency[i],
               ACSA_CURRENCY_SIZE);
        d->line_count++;
    }
    if (d->line_count == 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "remove_line", "remove_line: an order keeps "
                              "at least one line");
    }
    return ACSA_OK;
}

/* The amend record: the command, then the changed draft with its units named by origin. */
static enum acsa_rc record_amend(struct acsa_app *app, struct acsa__app_work *work,
                                 const struct acsa_command *cmd,
                                 const struct acsa_order_draft *draft, bool manual,
                                 struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    memset(r, 0, sizeof(*r));
    memcpy(r->number, work->order.number, sizeof(r->number));
    r->command = *cmd;
    r->command.official = NULL;
    r->command.amend = NULL;
    r->command.activity = NULL;
    r->draft = *draft;
    r->draft.requester_unit_id = 0;
    r->draft.supplier_unit_id = 0;
    ACSA_TRY(acsa__app_ref_of(app, ACSA_REF_UNIT, draft->requester_unit_id, &r->requester_unit,
                              err));
    ACSA_TRY(acsa__app_ref_of(app, ACSA_REF_UNIT, draft->supplier_unit_id, &r->supplier_unit,
                              err));
    return acsa__app_record_local(app, work, manual, err);
}

static enum acsa_rc amend_in_transaction(struct acsa_app *app, struct acsa__app_work *work,
                                         const char *number, const struct acsa_amend *changes,
                                         struct acsa_command *cmd,
                                         struct acsa_order_draft *draft, struct acsa_error *err)
{
    bool manual = false;
    ACSA_TRY(LEDGER(app)->order_get(app->store, number, &work->order, err));
    acsa_app_order_keys(&work->order);
    ACSA_TRY(acsa__app_agreement(app, work->order.agreement_id, &work->agreement, err));
    ACSA_TRY(acsa__app_local_command_allowed(app, &work->order, cmd, &manual, err));
    ACSA_TRY(build_draft(&work->order, changes, draft, err));
    ACSA_TRY(acsa__app_check_unit(app, "requester_unit", draft->requester_unit_id,
                                  draft->requester, err));
    ACSA_TRY(acsa__app_check_unit(app, "supplier_unit", draft->supplier_unit_id,
                                  draft->supplier, err));
    ACSA_TRY(LEDGER(app)->activity_get(app->store, work->order.activity_id, &work->activity,
                                       err));
    cmd->amend = draft;
    cmd->activity = &work->activity;
    ACSA_TRY(acsa_order_apply(&work->agreement, app->nation, &work->order, cmd, &work->event,
                              err));
    ACSA_TRY(LEDGER(app)->order_update(app->store, &work->order, &work->event, err));
    return record_amend(app, work, cmd, draft, manual, err);
}

enum acsa_rc acsa_app_order_amend(struct acsa_app *app, const char *number,
                                  const struct acsa_amend *changes,
                                  const struct acsa_command *command,
                                  struct acsa_event *out_event, struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    /* The draft is large (64 lines); it lives in the work space's record until encoded. */
    static _Thread_local struct acsa_order_draft draft;
    char object[ACSA__APP_OBJECT_SIZE];
    acsa__app_text_copy(object, sizeof(object), number);
    struct acsa_command cmd = *command;
    cmd.step = ACSA_STEP_AMEND;
    acsa__app_command_prepare(app, &cmd);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = amend_in_transaction(app, work, number, changes, &cmd, &draft, err);
        rc = acsa__app_finish(app, rc, "order.amend", object, err);
    }
    if (rc == ACSA_OK && out_event != NULL) {
        *out_event = work->event;
    }
    return rc;
}
