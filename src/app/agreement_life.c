/* SPDX-License-Identifier: MIT */
/* The agreement's lifecycle: amendments (versions from an effective day), notice of
 * non-renewal, termination, its status; the participating service of a unit. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "text.h"
#include "agreement_json.h"
#include "alloc.h"
#include "app.h"
#include "app_int.h"

#define KIND_NOTICE "notice"
#define KIND_TERMINATE "terminate"

/* The node's notice and termination of an agreement, onto a version of it. A termination
 * in the file stays when it comes earlier. */
static enum acsa_rc apply_events(struct acsa_app *app, const char *id,
                                 struct acsa_agreement *out, struct acsa_error *err)
{
    char party[ACSA_NATION_SIZE];
    char reason[ACSA_TEXT_SIZE];
    int32_t day = ACSA_DATE_NONE;
    enum acsa_rc rc = LEDGER(app)->agreement_event_get(app->store, id, KIND_NOTICE, &day, party,
                                                      reason, err);
    if (rc == ACSA_OK) {
        out->notice_day = day;
    }
    if (rc == ACSA_OK || rc == ACSA_ENOTFOUND) {
        rc = LEDGER(app)->agreement_event_get(app->store, id, KIND_TERMINATE, &day, party, reason,
                                             err);
    }
    if (rc == ACSA_OK && (out->terminated_day == ACSA_DATE_NONE || day < out->terminated_day)) {
        out->terminated_day = day;
    }
    return rc == ACSA_ENOTFOUND ? ACSA_OK : rc;
}

/* The effective days of every version (the first: the day it took effect) into days. */
static enum acsa_rc version_days(struct acsa_app *app, const struct acsa_agreement *first,
                                 struct acsa_agreement *scratch,
                                 int32_t days[ACSA_AGREEMENT_VERSIONS_MAX], uint32_t *count,
                                 struct acsa_error *err)
{
    days[0] = first->effective_from_day;
    *count = 1;
    while (*count < ACSA_AGREEMENT_VERSIONS_MAX) {
        enum acsa_rc rc = acsa__app_agreement_version_read(app, first->id, *count - 1,
                                                            scratch, &days[*count], NULL,
                                                            err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_clear(err);
            return ACSA_OK;
        }
        if (rc != ACSA_OK) {
            return rc;
        }
        (*count)++;
    }
    return ACSA_OK;
}

enum acsa_rc acsa__app_agreement_on(struct acsa_app *app, const char *id, int32_t day,
                                    struct acsa_agreement *out, struct acsa_error *err)
{
    enum acsa_rc rc = acsa__app_agreement(app, id, out, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa_agreement *scratch = acsa_malloc(sizeof(*scratch));
    if (scratch == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    int32_t days[ACSA_AGREEMENT_VERSIONS_MAX];
    uint32_t count = 0;
    rc = version_days(app, out, scratch, days, &count, err);
    uint32_t pick = day == ACSA_DATE_NONE ? count - 1
                                          : acsa_agreement_version_pick(days, count, day);
    if (rc == ACSA_OK && pick > 0) {
        int32_t effective = 0;
        rc = acsa__app_agreement_version_read(app, id, pick - 1, scratch, &effective,
                                               NULL, err);
        if (rc == ACSA_OK) {
            *out = *scratch;
        }
    }
    acsa_free(scratch);
    ACSA_TRY(rc);
    return apply_events(app, id, out, err);
}

/* The effective days of every version of the agreement as it now stands (current). */
static enum acsa_rc amend_checks(struct acsa_app *app, const struct acsa_agreement *next,
                                 int32_t effective_day, struct acsa_agreement *current,
                                 struct acsa_error *err)
{
    enum acsa_rc rc = acsa__app_agreement_on(app, next->id, ACSA_DATE_NONE, current, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "$.id", "$.id: agreement %s is not loaded: "
                              "load it first, then amend it", next->id);
    }
    ACSA_TRY(rc);
    int32_t days[ACSA_AGREEMENT_VERSIONS_MAX];
    uint32_t count = 0;
    struct acsa_agreement *scratch = acsa_malloc(sizeof(*scratch));
    if (scratch == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    rc = version_days(app, current, scratch, days, &count, err);
    acsa_free(scratch);
    ACSA_TRY(rc);
    return acsa_agreement_amend_check(current, next, days, count, effective_day, err);
}

/* The other party of an agreement, to whom its records go. */
static const char *other_party(const struct acsa_app *app, const struct acsa_agreement *a)
{
    return strcmp(a->parties[0], app->nation) == 0 ? a->parties[1] : a->parties[0];
}

/* The fact a local amend, notice or termination sends the other party. The amendment carries
 * its document as canonical JSON, the text both nodes hash for `agreement show`. */
static enum acsa_rc send_fact(struct acsa_app *app, const struct acsa_agreement *agreement,
                              enum acsa_agreement_action action, int32_t day,
                              const char *reason, const struct acsa_agreement *next,
                              struct acsa_error *err)
{
    struct acsa_agreement_fact *fact = acsa_calloc(1, sizeof(*fact));
    if (fact == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    snprintf(fact->agreement_id, sizeof(fact->agreement_id), "%s", agreement->id);
    fact->action = action;
    fact->day = day;
    snprintf(fact->actor, sizeof(fact->actor), "%s", app->actor[0] != '\0' ? app->actor
                                                                              : "unknown");
    snprintf(fact->reason, sizeof(fact->reason), "%s", reason != NULL ? reason : "");
    enum acsa_rc rc = ACSA_OK;
    if (next != NULL) {
        char *text = NULL;
        rc = acsa_agreement_to_json(next, &text, err);
        if (rc == ACSA_OK && strlen(text) >= sizeof(fact->document)) {
            rc = acsa_error_set(err, ACSA_EREFUSED, "agreement", "agreement: the amended "
                                "agreement is %zu bytes as canonical JSON, more than a record "
                                "carries (%d)", strlen(text), ACSA_AGREEMENT_DOC_MAX - 1);
        }
        if (rc == ACSA_OK) {
            memcpy(fact->document, text, strlen(text) + 1);
        }
        acsa_free(text);
    }
    if (rc != ACSA_OK) {
        acsa_free(fact);
        return rc;
    }
    rc = acsa__app_record_agreement(app, fact, other_party(app, agreement), err);
    acsa_free(fact);
    return rc;
}

/* The amendment's checks, its version and the fact sent to the other party; object names the
 * agreement once its file reads. */
static enum acsa_rc amend_write(struct acsa_app *app, const char *text, size_t size,
                                int32_t effective_day, struct acsa_agreement pair[2],
                                char object[ACSA__APP_OBJECT_SIZE], struct acsa_error *err)
{
    ACSA_TRY(acsa_agreement_from_json(text, size, &pair[0], err));
    acsa__app_text_copy(object, ACSA__APP_OBJECT_SIZE, pair[0].id);
    ACSA_TRY(amend_checks(app, &pair[0], effective_day, &pair[1], err));
    ACSA_TRY(acsa__app_agreement_version_write(app, &pair[0], effective_day, text, app->nation,
                                               err));
    return send_fact(app, &pair[1], ACSA_AGREEMENT_AMEND, effective_day, NULL, &pair[0], err);
}

enum acsa_rc acsa_app_agreement_amend(struct acsa_app *app, const char *text, size_t size,
                                      int32_t effective_day, char out_id[ACSA_ID_SIZE],
                                      struct acsa_error *err)
{
    out_id[0] = '\0';
    struct acsa_agreement *pair = acsa_calloc(2, sizeof(*pair));
    if (pair == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        acsa_free(pair);
        return rc;
    }
    char object[ACSA__APP_OBJECT_SIZE] = "agreement:new";
    rc = amend_write(app, text, size, effective_day, pair, object, err);
    rc = acsa__app_finish(app, rc, "agreement.amend", object, err);
    if (rc == ACSA_OK) {
        memcpy(out_id, pair[0].id, ACSA_ID_SIZE);
    }
    acsa_free(pair);
    return rc;
}

/* The checks of a notice or a termination, the event kept and the fact sent. */
static enum acsa_rc event_write(struct acsa_app *app, const char *id, const char *kind,
                                int32_t day, const char *reason,
                                struct acsa_agreement *agreement, struct acsa_error *err)
{
    ACSA_TRY(acsa__app_agreement_on(app, id, ACSA_DATE_NONE, agreement, err));
    bool notice = strcmp(kind, KIND_NOTICE) == 0;
    if (!notice) {
        ACSA_TRY(acsa__app_check_name("reason", reason, ACSA_TEXT_SIZE, err));
        ACSA_TRY(acsa_text_check(reason, 0, "reason", err));
    }
    ACSA_TRY(notice ? acsa_agreement_notice_check(agreement, day, err)
                    : acsa_agreement_terminate_check(agreement, day, reason, err));
    ACSA_TRY(LEDGER(app)->agreement_event_add(app->store, id, kind, day, app->nation,
                                              notice ? "" : reason, err));
    return send_fact(app, agreement, notice ? ACSA_AGREEMENT_NOTICE : ACSA_AGREEMENT_TERMINATE,
                     day, notice ? NULL : reason, NULL, err);
}

/* Notice or termination: a fact of the agreement, one of each, given by this node's party and
 * sent to the other party as a signed record. */
static enum acsa_rc agreement_event(struct acsa_app *app, const char *id, const char *kind,
                                    int32_t day, const char *reason, struct acsa_error *err)
{
    struct acsa_agreement *agreement = acsa_malloc(sizeof(*agreement));
    if (agreement == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        acsa_free(agreement);
        return rc;
    }
    rc = event_write(app, id, kind, day, reason, agreement, err);
    char action[ACSA__APP_OBJECT_SIZE];
    snprintf(action, sizeof(action), "agreement.%s", kind);
    char object[ACSA__APP_OBJECT_SIZE];
    acsa__app_text_copy(object, sizeof(object), id);
    rc = acsa__app_finish(app, rc, action, object, err);
    acsa_free(agreement);
    return rc;
}

enum acsa_rc acsa_app_agreement_notice(struct acsa_app *app, const char *id, int32_t day,
                                       struct acsa_error *err)
{
    return agreement_event(app, id, KIND_NOTICE, day, NULL, err);
}

enum acsa_rc acsa_app_agreement_terminate(struct acsa_app *app, const char *id, int32_t day,
                                          const char *reason, struct acsa_error *err)
{
    return agreement_event(app, id, KIND_TERMINATE, day, reason, err);
}

static void hash_hex(const char *text, char out[65])
{
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(out, 65, digest, sizeof(digest));
}

static enum acsa_rc version_hash(const struct acsa_agreement *a, char out[65],
                                 struct acsa_error *err)
{
    char *text = NULL;
    enum acsa_rc rc = acsa_agreement_to_json(a, &text, err);
    if (rc == ACSA_OK) {
        hash_hex(text, out);
    }
    acsa_free(text);
    return rc;
}

static enum acsa_rc info_versions(struct acsa_app *app, const char *id,
                                  struct acsa_agreement *scratch,
                                  struct acsa_agreement_info *out, struct acsa_error *err)
{
    ACSA_TRY(acsa__app_agreement(app, id, scratch, err));
    ACSA_TRY(acsa__app_crypto_init(err));
    out->effective[0] = scratch->effective_from_day;
    out->version_count = 1;
    ACSA_TRY(version_hash(scratch, out->hash[0], err));
    while (out->version_count < ACSA_AGREEMENT_VERSIONS_MAX) {
        enum acsa_rc rc = acsa__app_agreement_version_read(app, id, out->version_count - 1,
                                                            scratch,
                                                            &out->effective[out->version_count],
                                                            out->entered_by[out->version_count],
                                                            err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_clear(err);
            return ACSA_OK;
        }
        ACSA_TRY(rc);
        ACSA_TRY(version_hash(scratch, out->hash[out->version_count], err));
        out->version_count++;
    }
    return ACSA_OK;
}

/* The versions, the days, who terminated or gave notice, and the status on today. */
static enum acsa_rc info_fill(struct acsa_app *app, const char *id, int32_t today,
                              struct acsa_agreement *a, struct acsa_agreement_info *out,
                              struct acsa_error *err)
{
    ACSA_TRY(info_versions(app, id, a, out, err));
    ACSA_TRY(acsa__app_agreement_on(app, id, today, a, err));
    out->notice_day = a->notice_day;
    out->terminated_day = a->terminated_day;
    out->last_day = acsa_agreement_last_day(a);
    int32_t terminated = ACSA_DATE_NONE;
    enum acsa_rc rc = LEDGER(app)->agreement_event_get(app->store, id, KIND_TERMINATE,
                                                      &terminated, out->terminated_by,
                                                      out->reason, err);
    if (rc != ACSA_OK && rc != ACSA_ENOTFOUND) {
        return rc;
    }
    int32_t noticed = ACSA_DATE_NONE;
    char reason[ACSA_TEXT_SIZE];
    rc = LEDGER(app)->agreement_event_get(app->store, id, KIND_NOTICE, &noticed,
                                         out->notice_by, reason, err);
    if (rc != ACSA_OK && rc != ACSA_ENOTFOUND) {
        return rc;
    }
    const char *status = "in force";
    if (out->terminated_day != ACSA_DATE_NONE) {
        status = "terminated";
    } else if (out->last_day != ACSA_DATE_NONE && today > out->last_day) {
        status = "expired";
    } else if (out->notice_day != ACSA_DATE_NONE) {
        status = "notice given";
    } else if (today < a->effective_from_day) {
        status = "not yet in force";
    }
    snprintf(out->status, sizeof(out->status), "%s", status);
    return ACSA_OK;
}

enum acsa_rc acsa_app_agreement_info(struct acsa_app *app, const char *id, int32_t today,
                                     struct acsa_agreement_info *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct acsa_agreement *a = acsa_malloc(sizeof(*a));
    if (a == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = info_fill(app, id, today, a, out, err);
    acsa_free(a);
    return rc;
}

/* A service code: 1 to 31 characters of a-z, 0-9 and '-', like the agreement's lists. */
enum acsa_rc acsa__app_check_service(const char *service, struct acsa_error *err)
{
    size_t n = service != NULL ? strlen(service) : 0;
    bool ok = n > 0 && n < ACSA_CODE_SIZE;
    for (size_t i = 0; ok && i < n; i++) {
        char c = service[i];
        ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    }
    if (!ok) {
        return acsa_error_set(err, ACSA_EUSAGE, "service",
                              "service: required, 1 to %d characters of a-z, 0-9 and '-' "
                              "(\"navy\", \"jmsdf\")", ACSA_CODE_SIZE - 1);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__app_check_unit_service(struct acsa_app *app,
                                          const struct acsa_agreement *agreement,
                                          const char *field, int64_t id, const char *party,
                                          struct acsa_error *err)
{
    if (id == 0) {
        return ACSA_OK;
    }
    char service[ACSA_CODE_SIZE];
    char unit_party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    ACSA_TRY(LEDGER(app)->unit_service_get(app->store, id, service, err));
    ACSA_TRY(LEDGER(app)->unit_get(app->store, id, unit_party, name, err));
    if (service[0] == '\0') {
        /* A unit made before services were kept, or taken in from a partner's record, which
         * does not carry it: its service is not known here, and is not refused. */
        return ACSA_OK;
    }
    return acsa_agreement_check_service(agreement, field, party, name, service, err);
}

enum acsa_rc acsa__app_check_services(struct acsa_app *app,
                                      const struct acsa_agreement *agreement,
                                      const char *requester, int64_t requester_unit,
                                      const char *supplier, int64_t supplier_unit,
                                      struct acsa_error *err)
{
    ACSA_TRY(acsa__app_check_unit_service(app, agreement, "requester_unit", requester_unit,
                                          requester, err));
    return acsa__app_check_unit_service(app, agreement, "supplier_unit", supplier_unit, supplier,
                                        err);
}

enum acsa_rc acsa_app_agreement_on(struct acsa_app *app, const char *id, int32_t day,
                                   struct acsa_agreement *out, struct acsa_error *err)
{
    return acsa__app_agreement_on(app, id, day, out, err);
}

/* ---- A partner's agreement record ---------------------------------------------------------- */

#define REFUSE(err, field, ...) acsa_error_set((err), ACSA_EREFUSED, (field), __VA_ARGS__)

/* A write after every check has passed fails only for storage. */
static enum acsa_rc stored(enum acsa_rc rc, struct acsa_error *err)
{
    if (rc == ACSA_OK || acsa_rc_fatal(rc)) {
        return rc;
    }
    char message[ACSA_ERROR_MESSAGE_SIZE];
    snprintf(message, sizeof(message), "%s", err->message);
    return acsa_error_set(err, ACSA_ESTORAGE, err->field, "storage: %s", message);
}

/* An amendment the partner entered: the version it names is added here, unless this node
 * holds that very version already (both nodes entered the agreed text: nothing to do). */
static enum acsa_rc take_amend(struct acsa_app *app, const struct acsa_record *r,
                               struct acsa_agreement *current, struct acsa_agreement *next,
                               struct acsa_error *err)
{
    const struct acsa_agreement_fact *f = &r->life;
    enum acsa_rc rc = acsa_agreement_from_json(f->document, strlen(f->document), next, err);
    if (rc != ACSA_OK) {
        char message[ACSA_ERROR_MESSAGE_SIZE];
        snprintf(message, sizeof(message), "%s", err->message);
        return REFUSE(err, "document", "document: not an agreement file: %.200s", message);
    }
    int32_t days[ACSA_AGREEMENT_VERSIONS_MAX];
    uint32_t count = 0;
    ACSA_TRY(acsa__app_crypto_init(err));
    ACSA_TRY(version_days(app, current, next + 1, days, &count, err));
    for (uint32_t i = 1; i < count; i++) {
        if (days[i] != f->day) {
            continue;
        }
        int32_t effective = 0;
        ACSA_TRY(acsa__app_agreement_version_read(app, f->agreement_id, i - 1, next + 1,
                                                  &effective, NULL, err));
        char a[65];
        char b[65];
        ACSA_TRY(version_hash(next, a, err));
        ACSA_TRY(version_hash(next + 1, b, err));
        if (strcmp(a, b) != 0) {
            char when[ACSA_DATE_TEXT_SIZE];
            return REFUSE(err, "document", "document: agreement %s already has a different "
                          "version in force from %s here", f->agreement_id,
                          acsa_date_format(f->day, when));
        }
        return ACSA_OK;
    }
    rc = acsa_agreement_amend_check(current, next, days, count, f->day, err);
    if (rc == ACSA_EUSAGE) {
        err->rc = ACSA_EREFUSED; /* The record's fault, not its sender's usage. */
        rc = ACSA_EREFUSED;
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    return stored(acsa__app_agreement_version_write(app, next, f->day, f->document, r->origin,
                                                    err),
                  err);
}

/* A notice or a termination the partner gave: judged by the same rule, unless this node holds
 * the same one already (the same day: a repetition changes nothing). */
static enum acsa_rc take_event(struct acsa_app *app, const struct acsa_record *r,
                               const struct acsa_agreement *current, struct acsa_error *err)
{
    const struct acsa_agreement_fact *f = &r->life;
    bool notice = f->action == ACSA_AGREEMENT_NOTICE;
    const char *kind = notice ? KIND_NOTICE : KIND_TERMINATE;
    char party[ACSA_NATION_SIZE];
    char reason[ACSA_TEXT_SIZE];
    int32_t day = ACSA_DATE_NONE;
    enum acsa_rc rc = LEDGER(app)->agreement_event_get(app->store, f->agreement_id, kind, &day,
                                                      party, reason, err);
    if (rc == ACSA_OK && day == f->day) {
        return ACSA_OK;
    }
    if (rc != ACSA_OK && rc != ACSA_ENOTFOUND) {
        return rc;
    }
    rc = notice ? acsa_agreement_notice_check(current, f->day, err)
                : acsa_agreement_terminate_check(current, f->day, f->reason, err);
    if (rc == ACSA_EUSAGE) {
        err->rc = ACSA_EREFUSED;
        rc = ACSA_EREFUSED;
    }
    ACSA_TRY(rc);
    return stored(LEDGER(app)->agreement_event_add(app->store, f->agreement_id, kind, f->day,
                                                   r->origin, notice ? "" : f->reason, err),
                  err);
}

enum acsa_rc acsa__app_take_agreement(struct acsa_app *app, struct acsa__app_work *work,
                                      struct acsa_error *err)
{
    const struct acsa_record *r = &work->record;
    const struct acsa_agreement_fact *f = &r->life;
    struct acsa_agreement *current = &work->agreement;
    enum acsa_rc rc = acsa__app_agreement_on(app, f->agreement_id, ACSA_DATE_NONE, current, err);
    if (rc == ACSA_ENOTFOUND) {
        return REFUSE(err, "agreement_id", "agreement_id: %s is not loaded here",
                      f->agreement_id);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    /* Either party gives notice or terminates; an amendment, agreed by both, is signed by the
     * party that entered it. A third nation has no say. */
    if (!acsa_agreement_has_party(current, r->origin)) {
        return REFUSE(err, "origin", "origin: %s is not a party of agreement %s: its %s is "
                      "not for it to sign", r->origin, f->agreement_id,
                      acsa_agreement_action_name(f->action));
    }
    if (f->action != ACSA_AGREEMENT_AMEND) {
        return take_event(app, r, current, err);
    }
    struct acsa_agreement *next = acsa_calloc(2, sizeof(*next));
    if (next == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    rc = take_amend(app, r, current, next, err);
    acsa_free(next);
    return rc;
}
