/* SPDX-License-Identifier: MIT */
/* A programme officer's decisions on the quarantine: the refused records and batches of
 * partner nodes are listed open until a retry takes them in through the same checks as sync,
 * or they are dropped (kept for audit, never deleted). A decision is this node's own, about its
 * own intake: audited here, never sent to a partner. */
#ifndef ACSA_APP_QUARANTINE_H
#define ACSA_APP_QUARANTINE_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"

/** Quarantine entries, newest first, at most limit (0: all): the open ones, or every one with
 * all set, each with its status and last decision; texts quoted as acsa_app_quarantine_list
 * does. */
ACSA_NODISCARD enum acsa_rc acsa_app_quarantine_select(struct acsa_app *app, bool all,
                                                       uint32_t limit, acsa_quarantine_cb cb,
                                                       void *ctx, struct acsa_error *err);

/** One entry (ACSA_ENOTFOUND naming "id" if there is none). */
ACSA_NODISCARD enum acsa_rc acsa_app_quarantine_get(struct acsa_app *app, int64_t id,
                                                    acsa_quarantine_cb cb, void *ctx,
                                                    struct acsa_error *err);

/** Decides on open entry id, as the programme officer named by (the audit log's actor is the
 * handle's), for reason: action "retry" takes the refused record (or batch) in again through
 * the checks of sync, "drop" closes the entry unapplied. A retry still refused keeps the entry
 * open with the new refusal, recorded and audited, and returns ACSA_EREFUSED naming the rule.
 * Refused: id unknown (ACSA_ENOTFOUND), resolved already (ACSA_EEXISTS), action, by or reason
 * missing, not one line of valid text or too long (ACSA_EUSAGE naming the field). */
ACSA_NODISCARD enum acsa_rc acsa_app_quarantine_resolve(struct acsa_app *app, int64_t id,
                                                        const char *action, const char *by,
                                                        const char *reason, int64_t now_s,
                                                        struct acsa_error *err);

#endif
