/* SPDX-License-Identifier: MIT */
/* Roles and what each may see and do: a pure policy over (user, action, order parties and
 * units). Separation of duties between persons is the order state machine's, not this. */
#ifndef ACSA_AUTHZ_H
#define ACSA_AUTHZ_H

#include <stdbool.h>
#include <stdint.h>

#include "limits.h"
#include "order.h"
#include "rc.h"

/* Roles. Stored as names; never renumber. */
enum acsa_role {
    ACSA_ROLE_REQUESTER,
    ACSA_ROLE_APPROVER,
    ACSA_ROLE_SUPPLIER_CLERK,
    ACSA_ROLE_FINANCE_OFFICER,
    ACSA_ROLE_PROGRAMME_OFFICER,
    ACSA_ROLE_AUDITOR,
    ACSA_ROLE_COUNT
};

/** "requester", "approver", "supplier-clerk", "finance-officer", "programme-officer",
 * "auditor". */
const char *acsa_role_name(enum acsa_role role);
bool acsa_role_parse(const char *text, enum acsa_role *out);

#define ACSA_USERNAME_SIZE 64

/* A signed-in person, as far as the policy needs. */
struct acsa_user {
    int64_t id;                               /* Store id. */
    char username[ACSA_USERNAME_SIZE];        /* Sign-in name. */
    char display_name[ACSA_NAME_SIZE];        /* The actor recorded on events (--by). */
    enum acsa_role role;                      /* One role per user. */
    char party[ACSA_NATION_SIZE];             /* The user's nation. */
    int64_t unit_id;                          /* The user's unit, 0 for none. */
    bool disabled;                            /* Disabled users cannot sign in. */
};

/* Node-level actions that are not steps of one order. */
enum acsa_action {
    ACSA_ACTION_READ_REFERENCE,   /* Agreements, units, officials, activities. */
    ACSA_ACTION_MANAGE_NODE,      /* Load agreements, add units, officials, activities. */
    ACSA_ACTION_MANAGE_USERS,     /* Add and disable users, revoke others' tokens. */
    ACSA_ACTION_CREATE_ORDER,     /* Raise an order (for the user's own unit). */
    ACSA_ACTION_READ_FINANCE,     /* Balance. */
    ACSA_ACTION_READ_OVERDUE,     /* Overdue list. */
    ACSA_ACTION_CONVERT_OVERDUE,  /* Record conversions to cash. */
    ACSA_ACTION_READ_AUDIT,       /* Audit log and its verification. */
    ACSA_ACTION_COUNT
};

/* The parties and units of an order, as far as the policy needs. */
struct acsa_order_scope {
    const char *requester;        /* Requesting nation. */
    const char *supplier;         /* Supplying nation. */
    int64_t requester_unit_id;    /* 0 if none. */
    int64_t supplier_unit_id;     /* 0 if none. */
};

/** Whether user may take a node-level action. */
bool acsa_authz_action(const struct acsa_user *user, enum acsa_action action);

/** Whether user may see the order (its detail and its line in lists). */
bool acsa_authz_order_visible(const struct acsa_user *user, const struct acsa_order_scope *order);

/** Whether user may raise an order with these parties and units: a requester of the
 * requesting party whose unit is the requesting unit. ACSA_OK, or ACSA_EREFUSED with err
 * naming the rule (the HTTP layer answers 403). */
ACSA_NODISCARD enum acsa_rc acsa_authz_create(const struct acsa_user *user,
                                              const struct acsa_order_scope *order,
                                              struct acsa_error *err);

/** Whether user may take step on the order (roles table of docs/API.md). ACSA_OK, or
 * ACSA_EREFUSED with err naming the role rule. */
ACSA_NODISCARD enum acsa_rc acsa_authz_step(const struct acsa_user *user,
                                            const struct acsa_order_scope *order,
                                            enum acsa_step step, struct acsa_error *err);

/** Whether user may attach a supporting document to order: anyone who may see the order and
 * belongs to one of its parties, but an auditor (who reads only). ACSA_EREFUSED naming "role"
 * otherwise. */
ACSA_NODISCARD enum acsa_rc acsa_authz_attach(const struct acsa_user *user,
                                              const struct acsa_order_scope *order,
                                              struct acsa_error *err);

#endif
