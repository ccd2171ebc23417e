/* SPDX-License-Identifier: MIT */
/* Internals shared by the files of the application layer: the handle, the end of a command
 * (audit record, then commit or rollback) and the checks several commands make. */
#ifndef ACSA_APP_INT_H
#define ACSA_APP_INT_H

#include "app.h"
#include "auth.h"
#include "node.h"
#include "store.h"
#include "record.h"

/* Parsed agreements kept by a handle. An agreement is never replaced once loaded, so a
 * cached copy stays true; it saves parsing the stored JSON on every order command. */

/* The handle behind struct acsa_app. */
struct acsa_app {
    struct acsa_store *store;           /* Owned. */
    char nation[ACSA_NATION_SIZE];      /* The node's own nation, from meta. */
    char actor[ACSA_USERNAME_SIZE];     /* Recorded as the actor of audit records. */
    struct acsa_agreement *agreements[ACSA__APP_AGREEMENT_CACHE]; /* Owned; cache. */
    uint32_t agreement_count;           /* Used cache entries. */
    struct acsa__app_work *work;        /* Owned; scratch space of order commands. */
    char key_path[4096];                /* The node's secret key file: "<db>.key". */
    bool read_only;                     /* acsa_app_read_only: begin refuses. */
};

/* Everything an order create or step works on. Orders are large, so it lives on the heap, in
 * one block per handle, allocated on first use and kept: a command costs no allocation. */
/* What a partner's step does against this node's step taken from the same record of an order
 * (ARCHITECTURE.md, "Concurrent steps"). */
enum acsa__app_fork {
    ACSA__APP_FORK_NONE,        /* Not concurrent, commuting, or decided by hand: apply it. */
    ACSA__APP_FORK_SUPERSEDED,  /* Ours stands: the partner's is kept, not applied. */
    ACSA__APP_FORK_VOID_HEAD,   /* The partner's stands: ours is voided first. */
    ACSA__APP_FORK_BY_HAND,     /* Neither can be voided: held for a programme officer. */
};

struct acsa__app_work {
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_official official;
    struct acsa_order order;
    struct acsa_order other;
    struct acsa_event event;
    struct acsa_event other_event;
    struct acsa_record record;                    /* The record of the step (records.c). */
    uint8_t record_buf[ACSA_RECORD_MAX];          /* Its canonical bytes. */
    struct acsa_grant grants[ACSA_OFFICIAL_GRANTS_MAX]; /* The acting official's grants. */
    struct acsa_order_draft draft;                /* A new order's draft with its recorded day. */
    enum acsa__app_fork fork;                     /* A partner's step against this node's
                                                     concurrent one (records.c). */
    char fork_detail[ACSA_TEXT_SIZE];             /* How the two were decided. */
};

/* How many days a partner's record may be recorded after today here (time zones). */
#define ACSA_RECORDED_DAY_SLACK 1

/* Today on this node by its clock, or given when it is not 0. */
int32_t acsa__app_today(int32_t given);

/* The handle's work space, allocated on first use. */
struct acsa__app_work *acsa__app_work(struct acsa_app *app, struct acsa_error *err);

/* The agreement with that id, from the cache or the store (then cached). */
ACSA_NODISCARD enum acsa_rc acsa__app_agreement(struct acsa_app *app, const char *id,
                                                struct acsa_agreement *out,
                                                struct acsa_error *err);

/* The one place that picks an agreement's version: the one in force on day (the latest for
 * ACSA_DATE_NONE), with the node's notice and termination (agreement_life.c). */
ACSA_NODISCARD enum acsa_rc acsa__app_agreement_on(struct acsa_app *app, const char *id,
                                                   int32_t day, struct acsa_agreement *out,
                                                   struct acsa_error *err);
/* A service code (a-z, 0-9, '-'); ACSA_EUSAGE naming "service" otherwise. */
ACSA_NODISCARD enum acsa_rc acsa__app_check_service(const char *service,
                                                    struct acsa_error *err);
/* Unit id (0: none) of party is of a participating service under the agreement (a unit whose
 * service is not known passes); ACSA_EREFUSED naming field otherwise. */
ACSA_NODISCARD enum acsa_rc acsa__app_check_unit_service(struct acsa_app *app,
                                                         const struct acsa_agreement *agreement,
                                                         const char *field, int64_t id,
                                                         const char *party,
                                                         struct acsa_error *err);
/* Both units of an order (create, amend, submit). */
ACSA_NODISCARD enum acsa_rc acsa__app_check_services(struct acsa_app *app,
                                                     const struct acsa_agreement *agreement,
                                                     const char *requester,
                                                     int64_t requester_unit,
                                                     const char *supplier, int64_t supplier_unit,
                                                     struct acsa_error *err);

#define STORE(app) ((app)->store->vtbl)  /* Transactions, settings. */
#define LEDGER(app) ((app)->store->vtbl->ledger)
#define ACCOUNTS(app) ((app)->store->vtbl->accounts)
#define SYNC_STORE(app) ((app)->store->vtbl->sync)

/* The handle's store, for tests that look at what a command stored (reads.c). Front ends use
 * app_reads.h. */
struct acsa_store *acsa__app_store(struct acsa_app *app);

/* What a bundle carries after its batch (its snapshot): check runs once the batch as a whole
 * has passed its checks and before anything applies (a refusal refuses the whole, and bytes
 * are quarantined as what); keep runs in the batch's transaction after its records. */
struct acsa__batch_hook {
    enum acsa_rc (*check)(void *ctx, const struct acsa_batch_info *info,
                          const struct acsa_peer *peer, struct acsa_error *err);
    enum acsa_rc (*keep)(void *ctx, struct acsa_error *err);
    void *ctx;
    const char *what;
    const uint8_t *bytes;
    size_t len;
};

/* acsa_app_batch_import with a hook (may be NULL), and keep_refused false for a batch retried
 * from the quarantine: a batch refused whole again is not quarantined a second time (its entry
 * keeps the refusal). */
ACSA_NODISCARD enum acsa_rc acsa__app_batch_take(struct acsa_app *app, const uint8_t *buf,
                                                 size_t len, const char *via, int64_t now_s,
                                                 bool keep_refused,
                                                 const struct acsa__batch_hook *hook,
                                                 struct acsa_batch_result *result,
                                                 struct acsa_error *err);

/* Keeps refused input (a record, a batch, a bundle's snapshot: what) from peer with the reason
 * why, in a level of its own (batch.c). */
void acsa__app_quarantine(struct acsa_app *app, const char *peer, const char *via,
                          const char *what, int64_t seq, const char *number,
                          const struct acsa_error *why, const uint8_t *body, size_t len,
                          int64_t now_s);

/* Audit texts: the object of a record ("unit:12", an order number), and the action. */
#define ACSA__APP_OBJECT_SIZE ACSA_NAME_SIZE

/* agreement_store.c: agreements to and from the store, which keeps them as canonical JSON;
 * a stored text that no longer parses is ESTORAGE naming the agreement. */
ACSA_NODISCARD enum acsa_rc acsa__app_agreement_read(struct acsa_app *app, const char *id,
                                                     struct acsa_agreement *out,
                                                     struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__app_agreement_each(struct acsa_app *app, acsa_agreement_cb cb,
                                                     void *ctx, struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__app_agreement_version_read(struct acsa_app *app,
                                                             const char *id, uint32_t index,
                                                             struct acsa_agreement *out,
                                                             int32_t *out_effective_day,
                                                             char *entered_by,
                                                             struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__app_agreement_write(struct acsa_app *app,
                                                      const struct acsa_agreement *agreement,
                                                      const char *source_json,
                                                      struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__app_agreement_version_write(
    struct acsa_app *app, const struct acsa_agreement *agreement, int32_t effective_day,
    const char *source_json, const char *party, struct acsa_error *err);

/* Ends a command begun with acsa_app_begin. rc ACSA_OK: appends the command's "ok" record and
 * commits, both or neither. Otherwise: rolls the command back, then records the refusal in a
 * level of its own. Returns the command's final rc; err keeps the refusal's message. */
ACSA_NODISCARD enum acsa_rc acsa__app_finish(struct acsa_app *app, enum acsa_rc rc,
                                             const char *action, const char *object,
                                             struct acsa_error *err);
/* acsa__app_finish of an order step: a back-entered step's audit record says so, with the day
 * it was recorded and its reason (ARCHITECTURE.md "Dates"). */
ACSA_NODISCARD enum acsa_rc acsa__app_finish_step(struct acsa_app *app, enum acsa_rc rc,
                                                  const char *action, const char *object,
                                                  const struct acsa_event *event,
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

/* ---- Grants of officials (grants.c) ------------------------------------------------------ */

/* Fills work->official with every grant the node holds of the official named actor of party
 * (names compared as the core compares them: exactly), for the core's acsa_grant_check.
 * *out is NULL when the node holds no grant of that official. */
ACSA_NODISCARD enum acsa_rc acsa__app_official_fill(struct acsa_app *app,
                                                    struct acsa__app_work *work,
                                                    const char *party, const char *actor,
                                                    const struct acsa_official **out,
                                                    struct acsa_error *err);

/* Our record of a grant (or of its revocation), for every partner. */
ACSA_NODISCARD enum acsa_rc acsa__app_record_grant(struct acsa_app *app,
                                                   const struct acsa_grant *grant,
                                                   struct acsa_error *err);

/* A partner's grant record: a grant of an official of the signing party, added, or its
 * revocation recorded. */
ACSA_NODISCARD enum acsa_rc acsa__app_take_grant(struct acsa_app *app,
                                                 struct acsa__app_work *work,
                                                 struct acsa_error *err);

/* Our record of a fact of an agreement's lifecycle (amend, notice, terminate), for the other
 * party of the agreement (records.c). */
ACSA_NODISCARD enum acsa_rc acsa__app_record_agreement(struct acsa_app *app,
                                                       const struct acsa_agreement_fact *fact,
                                                       const char *partner,
                                                       struct acsa_error *err);

/* A partner's agreement record: judged by the same core rules as one entered here, then kept
 * as a version or as the agreement's notice or termination (agreement_life.c). */
ACSA_NODISCARD enum acsa_rc acsa__app_take_agreement(struct acsa_app *app,
                                                     struct acsa__app_work *work,
                                                     struct acsa_error *err);

/* ---- Records (records.c) ----------------------------------------------------------------- */

/* How a step came to be taken on this node. */
struct acsa__app_origin {
    const char *signer;        /* The nation whose node signed it: our own for local steps. */
    const uint8_t *body;       /* Received: its canonical bytes; NULL for a local step. */
    size_t body_len;
    int64_t batch_id;          /* Received: the batch it came in. */
};

/* Before a local step on order: refuses (ACSA_EFORBIDDEN) a step that belongs to a partner
 * with a node of its own (its node signs it and sync brings it); otherwise sets *manual when
 * the step belongs to the partner (entered here on its behalf, unsigned by it). */
ACSA_NODISCARD enum acsa_rc acsa__app_local_step_allowed(struct acsa_app *app,
                                                         const struct acsa_order *order,
                                                         enum acsa_step step, bool *manual,
                                                         struct acsa_error *err);

/** As acsa__app_local_step_allowed, for the party entitled to the command (the corrected
 * step of a correction, the party that raised the dispute for resolve). */
ACSA_NODISCARD enum acsa_rc acsa__app_local_command_allowed(struct acsa_app *app,
                                                            const struct acsa_order *order,
                                                            const struct acsa_command *cmd,
                                                            bool *manual,
                                                            struct acsa_error *err);

/** Fills what a front end does not give of a local command: the actor's comparison key and,
 * for steps either party takes, the party (this node's nation). */
void acsa__app_command_prepare(const struct acsa_app *app, struct acsa_command *cmd);

/** For a partner's amend record in work->record: binds its unit references to this node's
 * units and points the command at the changed draft and the order's activity. */
ACSA_NODISCARD enum acsa_rc acsa__app_amend_take(struct acsa_app *app,
                                                 struct acsa__app_work *work,
                                                 struct acsa_error *err);

/* After a local step was written: records it (work->record filled by the caller with the
 * step's own fields: kind, number, command, create or exchange fields) as our next record,
 * chained to the order's head. */
ACSA_NODISCARD enum acsa_rc acsa__app_record_local(struct acsa_app *app,
                                                   struct acsa__app_work *work, bool manual,
                                                   struct acsa_error *err);

/* The record of a unit or activity added here. */
ACSA_NODISCARD enum acsa_rc acsa__app_record_ref(struct acsa_app *app, enum acsa_ref_kind kind,
                                                 int64_t id, struct acsa_error *err);

/* The reference (origin, id) of a local unit or activity id; id 0 gives ("", 0). */
ACSA_NODISCARD enum acsa_rc acsa__app_ref_of(struct acsa_app *app, enum acsa_ref_kind kind,
                                             int64_t local_id, struct acsa_ref *out,
                                             struct acsa_error *err);

/* Takes in one record a partner node signed (inside the caller's level): checks, applies and
 * stores it. ACSA_OK with *duplicate set when the very record is stored already. Refusals
 * (ACSA_EREFUSED and others) name the reason in err and come before any write, so the caller
 * quarantines and goes on; ACSA_ESTORAGE or ACSA_ENOMEM (possibly after writes) must end the
 * caller's transaction. hash is the SHA-256 of body (the batch computed it). *concurrent is set
 * when the step was decided against a concurrent step of this node's by rule. decided: a
 * programme officer's retry, which a conflict decided by hand waits for. */
ACSA_NODISCARD enum acsa_rc acsa__app_record_take(struct acsa_app *app, const char *signer,
                                                  const uint8_t *body, size_t len,
                                                  const uint8_t hash[ACSA_HASH_SIZE],
                                                  int64_t batch_id, bool decided,
                                                  bool *duplicate, bool *concurrent,
                                                  struct acsa_error *err);

struct acsa_batch_result;


/* SHA-256 of data. */
void acsa__app_sha256(const void *data, size_t len, uint8_t out[ACSA_HASH_SIZE]);

/* documents.c: supporting documents. */
/* The order's lines with at least one document: bit i-1 for line i. */
ACSA_NODISCARD enum acsa_rc acsa__app_lines_with_documents(struct acsa_app *app,
                                                           const char *number, uint64_t *out,
                                                           struct acsa_error *err);
/* Records a document reference of this node for partner (records.c). */
ACSA_NODISCARD enum acsa_rc acsa__app_record_document(struct acsa_app *app,
                                                      const struct acsa_document_ref *ref,
                                                      const char *partner,
                                                      struct acsa_error *err);
/* Takes in the partner's document record in work->record: the order and line must be held
 * here and between the signer and this node, the id new. Every check before the write. */
ACSA_NODISCARD enum acsa_rc acsa__app_take_document(struct acsa_app *app,
                                                    struct acsa__app_work *work,
                                                    struct acsa_error *err);
/* acsa_app_document_bytes_take inside the caller's open level. */
ACSA_NODISCARD enum acsa_rc acsa__app_document_bytes_take(struct acsa_app *app,
                                                          const char *from,
                                                          const uint8_t *bytes, size_t len,
                                                          const uint8_t *expect, bool *out_new,
                                                          struct acsa_error *err);

/* reports.c: the agreements a report has met, each read once (reports scan many orders of
 * few agreements). */
struct acsa__app_met {
    struct acsa_agreement **items;
    size_t count;
    size_t capacity;
};
/** The agreement id, read on first meeting and kept in met. */
ACSA_NODISCARD enum acsa_rc acsa__app_met_agreement(struct acsa_app *app,
                                                    struct acsa__app_met *met, const char *id,
                                                    const struct acsa_agreement **out,
                                                    struct acsa_error *err);
void acsa__app_met_free(struct acsa__app_met *met);

#endif
