/* SPDX-License-Identifier: MIT */
/* Internals shared by the files of the application layer: the handle, the end of a command
 * (audit record, then commit or rollback) and the checks several commands make. */
#ifndef ACSA_APP_INT_H
#define ACSA_APP_INT_H

#include "app.h"
#include "auth.h"

/* Parsed agreements kept by a handle. An agreement is never replaced once loaded, so a
 * cached copy stays true; it saves parsing the stored JSON on every order command. */
#define ACSA__APP_AGREEMENT_CACHE 16

/* The handle behind struct acsa_app. */
struct acsa_app {
    struct acsa_store *store;           /* Owned. */
    char nation[ACSA_NATION_SIZE];      /* The node's own nation, from meta. */
    char actor[ACSA_USERNAME_SIZE];     /* Recorded as the actor of audit records. */
    struct acsa_agreement *agreements[ACSA__APP_AGREEMENT_CACHE]; /* Owned; cache. */
    uint32_t agreement_count;           /* Used cache entries. */
    struct acsa__app_work *work;        /* Owned; scratch space of order commands. */
};

/* The agreement with that id, from the cache or the store (then cached). */
ACSA_NODISCARD enum acsa_rc acsa__app_agreement(struct acsa_app *app, const char *id,
                                                struct acsa_agreement *out,
                                                struct acsa_error *err);

#define STORE(app) ((app)->store->vtbl)

/* Audit texts: the object of a record ("unit:12", an order number), and the action. */
#define ACSA__APP_OBJECT_SIZE ACSA_NAME_SIZE

/* Ends a command begun with acsa_app_begin. rc ACSA_OK: appends the command's "ok" record and
 * commits, both or neither. Otherwise: rolls the command back, then records the refusal in a
 * level of its own. Returns the command's final rc; err keeps the refusal's message. */
ACSA_NODISCARD enum acsa_rc acsa__app_finish(struct acsa_app *app, enum acsa_rc rc,
                                             const char *action, const char *object,
                                             struct acsa_error *err);

/* Ends a level begun with acsa_app_begin without an audit record (for what belongs to a
 * command that records itself): commits when rc is ACSA_OK, else rolls back. Returns the
 * final rc. */
ACSA_NODISCARD enum acsa_rc acsa__app_end(struct acsa_app *app, enum acsa_rc rc,
                                          struct acsa_error *err);

/* Records the refusal rc (message in err) of a command that holds no open level, in a level
 * of its own; returns rc with err unchanged. */
ACSA_NODISCARD enum acsa_rc acsa__app_refused(struct acsa_app *app, enum acsa_rc rc,
                                              const char *action, const char *object,
                                              struct acsa_error *err);

/* Appends one record to the chain inside the open level. */
ACSA_NODISCARD enum acsa_rc acsa__app_audit_append(struct acsa_app *app, const char *action,
                                                   const char *object, enum acsa_rc outcome,
                                                   const char *detail,
                                                   struct acsa_error *err);

/* Copies src into dst (size bytes) for an audit or display field: control characters become
 * spaces and a text too long is cut at a character boundary, so dst stays one valid line. */
void acsa__app_text_copy(char *dst, size_t size, const char *src);

/* Readies libsodium (idempotent); ACSA_ESTORAGE if it cannot start. */
ACSA_NODISCARD enum acsa_rc acsa__app_crypto_init(struct acsa_error *err);

/* A required name shorter than size; ACSA_EUSAGE naming field otherwise. */
ACSA_NODISCARD enum acsa_rc acsa__app_check_name(const char *field, const char *name,
                                                 size_t size, struct acsa_error *err);
/* An ISO 3166 alpha-2 party; ACSA_EUSAGE otherwise. */
ACSA_NODISCARD enum acsa_rc acsa__app_check_party(const char *party, struct acsa_error *err);
/* Unit id (0: none) exists and belongs to party; ACSA_ENOTFOUND or ACSA_EREFUSED naming
 * field otherwise. */
ACSA_NODISCARD enum acsa_rc acsa__app_check_unit(struct acsa_app *app, const char *field,
                                                 int64_t id, const char *party,
                                                 struct acsa_error *err);

#endif
