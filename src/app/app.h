/* SPDX-License-Identifier: MIT */
/* Application commands: each loads what it needs from the store, asks the domain core, and
 * writes the result in one transaction, so a refused or failed command changes nothing. The
 * CLI (and any other front end) calls these; none of them contains domain rules. */
#ifndef ACSA_APP_H
#define ACSA_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agreement.h"
#include "order.h"
#include "rc.h"
#include "rows.h"

struct acsa_app;

/** Creates a new node database at path for nation (ISO 3166 alpha-2) with a display name.
 * ACSA_EEXISTS if the database is already initialised; ACSA_EUSAGE for a bad nation code. */
ACSA_NODISCARD enum acsa_rc acsa_app_init(const char *path, const char *nation,
                                          const char *name, struct acsa_error *err);

/** Opens an initialised node database. ENOTFOUND if the file is missing, EUSAGE if it was
 * never initialised. flags as for acsa_store_open (ACSA_STORE_BULK_LOAD for bulk loads). */
ACSA_NODISCARD enum acsa_rc acsa_app_open(const char *path, unsigned flags,
                                          struct acsa_app **out_app, struct acsa_error *err);
void acsa_app_close(struct acsa_app *app);

/** A write run by whoever holds the node's write connection (the server's writer thread, or
 * the caller itself): fn gets that connection, inside a transaction. */
typedef enum acsa_rc (*acsa_app_write_fn)(struct acsa_app *app, void *arg,
                                          struct acsa_error *err);

/** The node's own nation ("IN"). */
const char *acsa_app_nation(const struct acsa_app *app);
/* Lists, views and reports: app_reads.h. */

/** Loads an agreement file's text. Refused if malformed (JSON path named), if the node's
 * nation is not a party, or if the id exists. The agreement id goes to out_id. */
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_load(struct acsa_app *app, const char *text,
                                                    size_t size, char out_id[ACSA_ID_SIZE],
                                                    struct acsa_error *err);

/** Amends a loaded agreement: the file's text is a new version (same id and parties) in
 * force from effective_day, which must come after every earlier version's. Versions are
 * history: never edited. */
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_amend(struct acsa_app *app, const char *text,
                                                     size_t size, int32_t effective_day,
                                                     char out_id[ACSA_ID_SIZE],
                                                     struct acsa_error *err);
/** Notice of non-renewal given by this node's party on day: the term running then is the
 * last. Once per agreement; refused for an agreement that does not renew or is terminated. */
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_notice(struct acsa_app *app, const char *id,
                                                      int32_t day, struct acsa_error *err);
/** Termination by this node's party, taking effect on day (the last day in force is the day
 * before), with a reason. Once per agreement. */
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_terminate(struct acsa_app *app, const char *id,
                                                         int32_t day, const char *reason,
                                                         struct acsa_error *err);

struct acsa_agreement_info {
    uint32_t version_count;                            /* 1 + amendments. */
    int32_t effective[ACSA_AGREEMENT_VERSIONS_MAX];    /* From when each version is in force. */
    char hash[ACSA_AGREEMENT_VERSIONS_MAX][65];        /* SHA-256 of its canonical JSON, hex. */
    int32_t notice_day;                                /* ACSA_DATE_NONE if none. */
    char notice_by[ACSA_NATION_SIZE];
    int32_t terminated_day;                            /* ACSA_DATE_NONE if none. */
    char terminated_by[ACSA_NATION_SIZE];
    char reason[ACSA_TEXT_SIZE];                       /* Of the termination. */
    int32_t last_day;                                  /* acsa_agreement_last_day. */
    char status[24]; /* "in force", "notice given", "terminated", "expired", "not yet in force" */
    /* The party whose node entered each version ("" for the first, loaded on both nodes, and
     * for amendments made before this was kept). */
    char entered_by[ACSA_AGREEMENT_VERSIONS_MAX][ACSA_NATION_SIZE];
};

/** The agreement as in force on day (its version for that day, with notice and termination;
 * the latest version for ACSA_DATE_NONE). */
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_on(struct acsa_app *app, const char *id,
                                                  int32_t day, struct acsa_agreement *out,
                                                  struct acsa_error *err);

/** An agreement's versions and status as of today. */
ACSA_NODISCARD enum acsa_rc acsa_app_agreement_info(struct acsa_app *app, const char *id,
                                                    int32_t today,
                                                    struct acsa_agreement_info *out,
                                                    struct acsa_error *err);

/** Adds a unit of a participating service (a code such as "navy"); required. Orders are
 * refused whose unit's service is not a participating one of the agreement. */
ACSA_NODISCARD enum acsa_rc acsa_app_unit_add_service(struct acsa_app *app, const char *party,
                                                      const char *name, const char *service,
                                                      int64_t *out_id, struct acsa_error *err);

ACSA_NODISCARD enum acsa_rc acsa_app_unit_add(struct acsa_app *app, const char *party,
                                              const char *name, int64_t *out_id,
                                              struct acsa_error *err);

/** Adds a grant to an official in currency up to limit_minor for every agreement, from
 * 1900-01-01, open-ended, without a title (acsa_app_grant_add with those defaults). */
ACSA_NODISCARD enum acsa_rc acsa_app_official_add(struct acsa_app *app, const char *party,
                                                  const char *name, int64_t limit_minor,
                                                  const char *currency, int64_t *out_id,
                                                  struct acsa_error *err);

/** Adds one dated grant of authority (a new row each time; nothing is overwritten): grant's
 * party, name, title, agreement_id ("" for every agreement of the party), currency code,
 * limit_minor, from_day and to_day (ACSA_DATE_NONE: open-ended). A grant of this node's own
 * party becomes a signed record for the partners; a partner that keeps its own node grants its
 * officials there. Audited as official.add. */
ACSA_NODISCARD enum acsa_rc acsa_app_grant_add(struct acsa_app *app,
                                               const struct acsa_grant *grant,
                                               int64_t *out_id, struct acsa_error *err);

/** Ends every grant of the official from day on (the grants stay, with the revocation);
 * *out_count: how many. ACSA_ENOTFOUND when the official holds no grant still to revoke.
 * Audited as official.revoke. */
ACSA_NODISCARD enum acsa_rc acsa_app_official_revoke(struct acsa_app *app, const char *party,
                                                     const char *name, int32_t day,
                                                     const char *reason, uint32_t *out_count,
                                                     struct acsa_error *err);

/** The title of the official's grant in force on day (else of its latest grant; "" when it
 * holds none), for showing who approved or accepted an order. */
ACSA_NODISCARD enum acsa_rc acsa_app_official_title(struct acsa_app *app, const char *party,
                                                    const char *name, int32_t day, char *title,
                                                    size_t size, struct acsa_error *err);

ACSA_NODISCARD enum acsa_rc acsa_app_activity_add(struct acsa_app *app,
                                                  const struct acsa_activity *activity,
                                                  int64_t *out_id, struct acsa_error *err);

/** Raises an order: numbers it (requester-supplier-year-sequence) and stores it as draft. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_create(struct acsa_app *app, const char *agreement_id,
                                                  int64_t activity_id,
                                                  const struct acsa_order_draft *draft,
                                                  int32_t day, const char *actor,
                                                  char out_number[ACSA_NUMBER_SIZE],
                                                  struct acsa_error *err);
/* What acsa_app_order_created shows of the order a create has just stored: everything an
 * answer shows of it, owned by the handle and valid until its next command. */
struct acsa_app_created {
    const struct acsa_order *order;
    const struct acsa_activity *activity;  /* The activity the order cites. */
    const struct acsa_event *event;        /* Its create event, */
    int64_t event_id;                      /* stored with this id. */
};

/** Right after acsa_app_order_create returned ACSA_OK on app: the order it stored. */
void acsa_app_order_created(const struct acsa_app *app, struct acsa_app_created *out);

/** Takes one step on an order (every step but create and exchange). For approve, accept and
 * reject the actor's official record is looked up in the acting party. The resulting event
 * is copied to out_event if not NULL. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_step(struct acsa_app *app, const char *number,
                                                const struct acsa_command *command,
                                                struct acsa_event *out_event,
                                                struct acsa_error *err);

/** Matches two delivered eve orders (acsa_order_exchange). */
ACSA_NODISCARD enum acsa_rc acsa_app_order_exchange(struct acsa_app *app, const char *number,
                                                    const char *other_number,
                                                    const struct acsa_command *command,
                                                    struct acsa_error *err);

/** Matches one delivered eve order against count reverse ones (1 .. ACSA_EXCHANGE_WITH_MAX),
 * in the order given, in one transaction: a run of pairs (acsa_order_exchange), each its own
 * event and signed record, the order keeping its remainder in kind until the last pair.
 * command->rate converts the others' currency to the order's where they differ. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_exchange_many(struct acsa_app *app,
                                                         const char *number,
                                                         const char *const *others,
                                                         uint32_t count,
                                                         const struct acsa_command *command,
                                                         struct acsa_error *err);

/* Called for each order converted by acsa_app_convert_overdue. */
typedef void (*acsa_converted_cb)(void *ctx, const struct acsa_order *order,
                                  const struct acsa_event *event);

/* What acsa_app_convert converts, as of when, and who approves or records it. */
struct acsa_convert_options {
    int32_t as_of;          /* The conversion date; refused (naming as_of) after today. */
    int32_t today;          /* The recording node's date. */
    const char *by;         /* The approving official (convert-overdue --by): needed by
                               agreements whose conversion rule is approval, where it must be
                               an official of the creditor holding authority for the value;
                               under the automatic rule it is who records. "" or NULL: none. */
    const char *actor;      /* Who records automatic conversions when by is empty. */
    bool automatic_only;    /* Only agreements whose rule is automatic (the server's timer). */
};

struct acsa_convert_result {
    uint64_t converted;           /* Orders converted. */
    uint64_t awaiting_approval;   /* Overdue under the approval rule, left for an approver. */
};

/** Records, in one transaction, the conversion to cash of every in-kind obligation past its
 * deadline on opts->as_of (due before it) that this node signs; obligations under the
 * approval rule only with opts->by (else counted as awaiting approval). A refusal (as_of after
 * today, a by who is not an authorised official of the creditor) converts nothing. Audited
 * as convert-overdue. */
ACSA_NODISCARD enum acsa_rc acsa_app_convert(struct acsa_app *app,
                                             const struct acsa_convert_options *opts,
                                             acsa_converted_cb cb, void *ctx,
                                             struct acsa_convert_result *out,
                                             struct acsa_error *err);

/** acsa_app_convert as of day, which may not be after today (ACSA_EUSAGE naming "as-of"),
 * by actor: under an agreement whose rule is approval, actor must be an official of the
 * creditor holding a grant (ACSA_EREFUSED naming "by"). *out_count is the number converted. */
ACSA_NODISCARD enum acsa_rc acsa_app_convert_overdue(struct acsa_app *app, int32_t day,
                                                     int32_t today, const char *actor,
                                                     acsa_converted_cb cb, void *ctx,
                                                     uint32_t *out_count,
                                                     struct acsa_error *err);

struct acsa_transit_line;

/* Called for each line in transit too long, with its order (valid during the call). */
typedef enum acsa_rc (*acsa_transit_cb)(void *ctx, const struct acsa_order *order,
                                        const struct acsa_transit_line *line);

/** Lists, by order number, every line issued and not received for more than its agreement's
 * transit_days before as_of (src/core/transit.h), of orders with partner (or every partner
 * for ""): delivering orders, then (include_disputed) disputed ones, whose disagreement is
 * on record already. Reads only. */
ACSA_NODISCARD enum acsa_rc acsa_app_in_transit(struct acsa_app *app, int32_t as_of,
                                                const char *partner, bool include_disputed,
                                                acsa_transit_cb cb, void *ctx,
                                                struct acsa_error *err);

/** Loads one order (lines, duties and invoices) and its agreement. Either out pointer may be
 * NULL. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_get(struct acsa_app *app, const char *number,
                                               struct acsa_order *out_order,
                                               struct acsa_agreement *out_agreement,
                                               struct acsa_error *err);

/** The comparison key of a person's name for separation of duties: SHA-256 of its NFKC form
 * case-folded (full folding), NFKC again, white space trimmed and collapsed (names.c). */
void acsa_app_name_key(const char *name, uint8_t key[ACSA_NAME_KEY_SIZE]);

/** Computes the comparison key of every person separation of duties weighs on order. */
void acsa_app_order_keys(struct acsa_order *order);

/* What acsa_app_order_amend changes in a draft: each set_ field says whether its value is
 * given; lines listed in remove (1-based, as numbered before the amend) go, then add's lines
 * (category .. price and line_currency filled) are appended. */
struct acsa_amend {
    bool set_requester_unit;
    int64_t requester_unit_id;
    bool set_supplier_unit;
    int64_t supplier_unit_id;
    bool set_place;
    char place[ACSA_TEXT_SIZE];
    bool set_need_by;
    int32_t need_by_day;
    uint32_t remove_count;
    uint32_t remove[ACSA_ORDER_LINES_MAX];
    struct acsa_order_draft add;           /* line_count, lines and line_currency used. */
};

/** Amends a draft order (acsa_order_apply with step amend): the command's actor, day and
 * reason, the changes in *changes. Every rule of entry is checked again. */
ACSA_NODISCARD enum acsa_rc acsa_app_order_amend(struct acsa_app *app, const char *number,
                                                const struct acsa_amend *changes,
                                                const struct acsa_command *command,
                                                struct acsa_event *out_event,
                                                struct acsa_error *err);

/* ---- Supporting documents (documents.c) ---------------------------------------------------- */

/** Checks a document's bytes as they would be attached: not empty (EREFUSED), at most
 * ACSA_DOCUMENT_BYTES_MAX (ELIMIT: "--file: 21.3 MiB is over the 20 MiB limit for a
 * document"), a PDF, JPEG or PNG by its first bytes (EREFUSED). field names the input in the
 * refusal ("--file", "body"). *out_type is the sniffed content type. */
ACSA_NODISCARD enum acsa_rc acsa_app_document_content_check(const uint8_t *bytes, size_t len,
                                                            const char *field,
                                                            const char **out_type,
                                                            struct acsa_error *err);

/** Attaches bytes to line of order number, of kind, attached by `by`: checked as
 * acsa_app_document_content_check says (field names the input), the order must be this node's
 * party's, the line one of its lines, the order neither cancelled nor rejected. Keeps the
 * bytes once per SHA-256, adds the reference under a new id of this node's series
 * ("IN-DOC-2024-000001") and records it (record kind 6) for the partner, in one transaction
 * with its audit record (document.attach). */
ACSA_NODISCARD enum acsa_rc acsa_app_document_attach(struct acsa_app *app, const char *number,
                                                     uint32_t line,
                                                     enum acsa_document_kind kind,
                                                     const uint8_t *bytes, size_t len,
                                                     const char *field, const char *by,
                                                     char out_id[ACSA_DOCUMENT_ID_SIZE],
                                                     struct acsa_error *err);

/** Takes in bytes a partner node (from) sent for one of its document records whose bytes are
 * not here yet: refused (EREFUSED, audited as sync.document) when they hash to other than
 * expect (if not NULL), when no pending record of from names their SHA-256 (bytes without a
 * record), or when the size or content type differ from the record's. Bytes held already are
 * ACSA_OK with *out_new false. One transaction. */
ACSA_NODISCARD enum acsa_rc acsa_app_document_bytes_take(struct acsa_app *app,
                                                         const char *from,
                                                         const uint8_t *bytes, size_t len,
                                                         const uint8_t *expect, bool *out_new,
                                                         struct acsa_error *err);

/** The documents section of a bundle for partner: the bytes of the documents that this
 * node's records after..through for partner name and that it holds, "ACSADOC1" | u32 count |
 * count x (SHA-256, u32 length, bytes) | u64 length of all before | "ACSADOC1". Appended to the
 * bundle file; each file is checked on arrival against the hash its signed record names. None
 * (*out NULL, *out_count 0) when the records name no document; *out_left counts files left
 * out by ACSA_BUNDLE_DOCUMENTS_BYTES_MAX or ACSA_BUNDLE_DOCUMENTS_MAX. */
ACSA_NODISCARD enum acsa_rc acsa_app_bundle_documents(struct acsa_app *app,
                                                      const char *partner, int64_t after,
                                                      int64_t through, uint8_t **out,
                                                      size_t *out_len, uint32_t *out_count,
                                                      uint32_t *out_left,
                                                      struct acsa_error *err);
/** Where a bundle's documents section begins: len when it has none. */
size_t acsa_app_bundle_documents_offset(const uint8_t *buf, size_t len);
/** Checks a documents section's layout (EREFUSED naming "documents"). */
ACSA_NODISCARD enum acsa_rc acsa_app_bundle_documents_check(const uint8_t *buf, size_t len,
                                                            struct acsa_error *err);
/** Takes in each file of a documents section from the partner from (after its batch): each
 * by acsa_app_document_bytes_take against the SHA-256 it is listed under; refusals are
 * counted (and audited), never an abort. */
ACSA_NODISCARD enum acsa_rc acsa_app_bundle_documents_import(struct acsa_app *app,
                                                             const char *from,
                                                             const uint8_t *buf, size_t len,
                                                             uint32_t *taken,
                                                             uint32_t *refused,
                                                             struct acsa_error *err);
/** The bytes of sha256 for partner: only when a document held here with those bytes belongs
 * to an order between this node and partner (else ENOTFOUND). *out is the caller's. */
ACSA_NODISCARD enum acsa_rc acsa_app_document_bytes_for(struct acsa_app *app,
                                                        const char *partner,
                                                        const uint8_t sha256[32],
                                                        uint8_t **out, size_t *out_len,
                                                        struct acsa_error *err);

#endif
