/* SPDX-License-Identifier: MIT */
/* The roles table of docs/API.md as code: who may see which orders and take which steps. */
#include "authz.h"

#include <string.h>

#include "acsa_assert.h"

static const char *const role_names[ACSA_ROLE_COUNT] = {
    "requester", "approver", "supplier-clerk", "finance-officer", "programme-officer", "auditor",
};

const char *acsa_role_name(enum acsa_role role)
{
    ACSA_ASSERT((unsigned)role < ACSA_ROLE_COUNT);
    return role_names[role];
}

bool acsa_role_parse(const char *text, enum acsa_role *out)
{
    for (unsigned i = 0; i < ACSA_ROLE_COUNT; i++) {
        if (strcmp(text, role_names[i]) == 0) {
            *out = (enum acsa_role)i;
            return true;
        }
    }
    return false;
}

#define ROLE(r) (1u << ACSA_ROLE_##r)

bool acsa_authz_action(const struct acsa_user *user, enum acsa_action action)
{
    static const uint32_t allowed[ACSA_ACTION_COUNT] = {
        [ACSA_ACTION_READ_REFERENCE] = (1u << ACSA_ROLE_COUNT) - 1,
        [ACSA_ACTION_MANAGE_NODE] = ROLE(PROGRAMME_OFFICER),
        [ACSA_ACTION_MANAGE_USERS] = ROLE(PROGRAMME_OFFICER),
        [ACSA_ACTION_CREATE_ORDER] = ROLE(REQUESTER),
        [ACSA_ACTION_READ_FINANCE] = ROLE(FINANCE_OFFICER) | ROLE(PROGRAMME_OFFICER) |
                                     ROLE(AUDITOR),
        [ACSA_ACTION_READ_OVERDUE] = ROLE(FINANCE_OFFICER) | ROLE(PROGRAMME_OFFICER) |
                                     ROLE(AUDITOR) | ROLE(APPROVER),
        [ACSA_ACTION_CONVERT_OVERDUE] = ROLE(PROGRAMME_OFFICER),
        [ACSA_ACTION_READ_AUDIT] = ROLE(AUDITOR) | ROLE(PROGRAMME_OFFICER),
    };
    ACSA_ASSERT((unsigned)action < ACSA_ACTION_COUNT);
    return !user->disabled && (allowed[action] & (1u << user->role)) != 0;
}

static bool requesting_unit(const struct acsa_user *user, const struct acsa_order_scope *order)
{
    return strcmp(user->party, order->requester) == 0 && user->unit_id != 0 &&
           user->unit_id == order->requester_unit_id;
}

static bool supplying_unit(const struct acsa_user *user, const struct acsa_order_scope *order)
{
    return strcmp(user->party, order->supplier) == 0 && user->unit_id != 0 &&
           user->unit_id == order->supplier_unit_id;
}

static bool either_party(const struct acsa_user *user, const struct acsa_order_scope *order)
{
    return strcmp(user->party, order->requester) == 0 ||
           strcmp(user->party, order->supplier) == 0;
}

bool acsa_authz_order_visible(const struct acsa_user *user, const struct acsa_order_scope *order)
{
    if (user->disabled) {
        return false;
    }
    switch (user->role) {
    case ACSA_ROLE_PROGRAMME_OFFICER:
    case ACSA_ROLE_AUDITOR:
        return true;
    case ACSA_ROLE_APPROVER:
    case ACSA_ROLE_FINANCE_OFFICER:
        return either_party(user, order);
    case ACSA_ROLE_REQUESTER:
        return requesting_unit(user, order);
    case ACSA_ROLE_SUPPLIER_CLERK:
        return supplying_unit(user, order);
    case ACSA_ROLE_COUNT:
        break;
    }
    return false;
}

enum acsa_rc acsa_authz_create(const struct acsa_user *user, const struct acsa_order_scope *order,
                               struct acsa_error *err)
{
    if (!acsa_authz_action(user, ACSA_ACTION_CREATE_ORDER)) {
        return acsa_error_set(err, ACSA_EREFUSED, "role",
                              "role: a %s may not raise orders (requesters do)",
                              acsa_role_name(user->role));
    }
    if (!requesting_unit(user, order)) {
        return acsa_error_set(err, ACSA_EREFUSED, "requester_unit",
                              "requester_unit: %s may raise orders only for unit %lld of %s",
                              user->username, (long long)user->unit_id, user->party);
    }
    return ACSA_OK;
}

/* Whether the user's role and place fit the step. */
static bool step_allowed(const struct acsa_user *user, const struct acsa_order_scope *order,
                         enum acsa_step step)
{
    bool requester_side = strcmp(user->party, order->requester) == 0;
    bool supplier_side = strcmp(user->party, order->supplier) == 0;
    switch (user->role) {
    case ACSA_ROLE_REQUESTER:
        return requesting_unit(user, order) &&
               (step == ACSA_STEP_SUBMIT || step == ACSA_STEP_CANCEL ||
                step == ACSA_STEP_RECEIVE || step == ACSA_STEP_RETURN ||
                step == ACSA_STEP_DISPUTE || step == ACSA_STEP_CLOSE_LINE ||
                step == ACSA_STEP_CORRECT || step == ACSA_STEP_AMEND);
    case ACSA_ROLE_APPROVER:
        /* Resolve: the order checks that the approver's party raised the dispute. */
        return (requester_side && step == ACSA_STEP_APPROVE) ||
               (supplier_side && (step == ACSA_STEP_ACCEPT || step == ACSA_STEP_REJECT)) ||
               (either_party(user, order) && step == ACSA_STEP_RESOLVE);
    case ACSA_ROLE_SUPPLIER_CLERK:
        return supplying_unit(user, order) &&
               (step == ACSA_STEP_ISSUE || step == ACSA_STEP_ACCEPT_RETURN ||
                step == ACSA_STEP_DISPUTE || step == ACSA_STEP_CLOSE_LINE ||
                step == ACSA_STEP_CORRECT || step == ACSA_STEP_REJECT_RETURN);
    case ACSA_ROLE_FINANCE_OFFICER:
        return (supplier_side && step == ACSA_STEP_INVOICE) ||
               (requester_side && (step == ACSA_STEP_PAY || step == ACSA_STEP_EXCHANGE)) ||
               (either_party(user, order) &&
                (step == ACSA_STEP_DISPUTE || step == ACSA_STEP_CLOSE));
    case ACSA_ROLE_PROGRAMME_OFFICER:
        return step == ACSA_STEP_CLOSE || step == ACSA_STEP_DISPUTE ||
               step == ACSA_STEP_CONVERT;
    case ACSA_ROLE_AUDITOR:
    case ACSA_ROLE_COUNT:
        break;
    }
    return false;
}

enum acsa_rc acsa_authz_step(const struct acsa_user *user, const struct acsa_order_scope *order,
                             enum acsa_step step, struct acsa_error *err)
{
    ACSA_ASSERT((unsigned)step < ACSA_STEP_COUNT);
    if (!user->disabled && step_allowed(user, order, step)) {
        return ACSA_OK;
    }
    return acsa_error_set(err, ACSA_EREFUSED, "role",
                          "role: %s (%s of %s) may not %s this order", user->username,
                          acsa_role_name(user->role), user->party, acsa_step_name(step));
}

enum acsa_rc acsa_authz_attach(const struct acsa_user *user, const struct acsa_order_scope *order,
                               struct acsa_error *err)
{
    if (user->role != ACSA_ROLE_AUDITOR && either_party(user, order) &&
        acsa_authz_order_visible(user, order)) {
        return ACSA_OK;
    }
    return acsa_error_set(err, ACSA_EREFUSED, "role", "role: %s (%s of %s) may not attach "
                          "documents to this order", user->username, acsa_role_name(user->role),
                          user->party);
}
