/* SPDX-License-Identifier: MIT */
/* The bodies of the ways out of an order that the step table of routes_orders.c does not
 * cover alone: the changes of an amend (units, place, need-by, lines added and removed) and
 * the step a correction corrects. */
#include "server_int.h"

#include <string.h>

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

enum acsa_rc acsa__server_route_corrected_step(const char *text, enum acsa_step *out,
                                               struct acsa_error *err)
{
    enum acsa_step step = ACSA_STEP_CREATE;
    bool known = acsa_step_parse(text, &step);
    if (!known || (step != ACSA_STEP_ISSUE && step != ACSA_STEP_RECEIVE &&
                   step != ACSA_STEP_RETURN && step != ACSA_STEP_ACCEPT_RETURN)) {
        return acsa_error_set(err, ACSA_EUSAGE, "corrected_step", "corrected_step: \"%.40s\" is "
                              "not issue, receive, return or accept-return", text);
    }
    *out = step;
    return ACSA_OK;
}

/* remove_lines: line numbers 1..ACSA_ORDER_LINES_MAX, as JSON integers. */
static enum acsa_rc remove_lines(json_t *array, struct acsa_amend *changes,
                                 struct acsa_error *err)
{
    size_t count = json_array_size(array);
    if (count > ACSA_ORDER_LINES_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "remove_lines", "remove_lines: at most %d lines",
                              ACSA_ORDER_LINES_MAX);
    }
    for (size_t i = 0; i < count; i++) {
        json_t *item = json_array_get(array, i);
        json_int_t no = json_is_integer(item) ? json_integer_value(item) : 0;
        if (no < 1 || no > ACSA_ORDER_LINES_MAX) {
            return acsa_error_set(err, ACSA_EUSAGE, "remove_lines",
                                  "remove_lines[%zu]: must be a line number, 1 to %d", i,
                                  ACSA_ORDER_LINES_MAX);
        }
        changes->remove[changes->remove_count++] = (uint32_t)no;
    }
    return ACSA_OK;
}

/* The lines an amend adds and removes, each list when the body gives it. */
static enum acsa_rc amend_lines_parse(json_t *add, json_t *remove, struct acsa_amend *changes,
                                      struct acsa_error *err)
{
    if (add != NULL) {
        ACSA_TRY(acsa__server_route_order_lines(&changes->add, "add_lines", add, err));
    }
    if (remove != NULL) {
        ACSA_TRY(remove_lines(remove, changes, err));
    }
    return ACSA_OK;
}

bool acsa__server_route_amend_parse(struct request *req, struct acsa_amend *changes,
                       struct acsa_command *cmd)
{
    json_t *doc = NULL;
    json_t *add = NULL;
    json_t *remove = NULL;
    struct json_in_field fields[] = {
        JIN("date", JIN_DATE, false, &cmd->day, 0),
        JIN("requester_unit", JIN_ID, false, &changes->requester_unit_id, 0),
        JIN("supplier_unit", JIN_ID, false, &changes->supplier_unit_id, 0),
        JIN("place", JIN_TEXT, false, changes->place, sizeof(changes->place)),
        JIN("need_by", JIN_DATE, false, &changes->need_by_day, 0),
        JIN("add_lines", JIN_ARRAY, false, &add, 0),
        JIN("remove_lines", JIN_ARRAY, false, &remove, 0),
        JIN("backdate_reason", JIN_TEXT_EMPTY, false, cmd->backdate_reason,
            sizeof(cmd->backdate_reason)),
    };
    if (!acsa__server_json_in_request(req, fields, LEN(fields), &doc)) {
        return false;
    }
    changes->set_requester_unit = fields[1].seen;
    changes->set_supplier_unit = fields[2].seen;
    changes->set_place = fields[3].seen;
    changes->set_need_by = fields[4].seen;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = amend_lines_parse(add, remove, changes, &err);
    json_decref(doc);
    if (rc != ACSA_OK) {
        acsa__server_refuse(req, 400, &err);
    }
    return rc == ACSA_OK;
}
