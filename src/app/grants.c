/* SPDX-License-Identifier: MIT */
/* Dated grants of officials: adding one (each call a new grant, history kept), revoking an
 * official (every grant ends from a day on, and stays in the history with its revocation),
 * taking in a partner's signed grants, and filling the official the core judges a step by. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "text.h"
#include "app_int.h"

#define REFUSE(err, field, ...) acsa_error_set((err), ACSA_EREFUSED, (field), __VA_ARGS__)

/* Collects an official's grants into the work space, in the store's order (oldest first). */
struct grant_set {
    struct acsa_grant *grants;
    uint32_t count;
    char title[ACSA_NAME_SIZE];
    int64_t revoke_ids[ACSA_OFFICIAL_GRANTS_MAX];  /* revoke: local grants not yet revoked. */
    bool revoke_local[ACSA_OFFICIAL_GRANTS_MAX];   /* revoke: made here (so ours to send). */
    uint32_t revoke_count;
    int32_t revoke_from;                           /* revoke: its day; else ACSA_DATE_NONE. */
};

static enum acsa_rc collect_grant(void *ctx, const struct acsa_grant *grant, const char *origin,
                                  int64_t origin_id)
{
    (void)origin_id;
    struct grant_set *set = ctx;
    if (set->count >= ACSA_OFFICIAL_GRANTS_MAX) {
        return ACSA_ESTOP; /* Never stored: both adding paths refuse the grant past it. */
    }
    int32_t last = acsa_grant_last_day(grant);
    /* A revocation ends what is still in force on its day or begins later; a grant that
     * ended before it is left as it ended. */
    /* Only grants made here are this node's to revoke: a partner revokes its own officials
     * and its revocation arrives as a record. */
    if (grant->revoked_day == ACSA_DATE_NONE && origin[0] == '\0' &&
        (set->revoke_from == ACSA_DATE_NONE || last == ACSA_DATE_NONE ||
         last >= set->revoke_from)) {
        set->revoke_ids[set->revoke_count] = grant->id;
        set->revoke_local[set->revoke_count] = origin[0] == '\0';
        set->revoke_count++;
    }
    set->grants[set->count++] = *grant;
    memcpy(set->title, grant->title, sizeof(set->title));
    return ACSA_OK;
}

static enum acsa_rc load_grants(struct acsa_app *app, struct acsa__app_work *work,
                                const char *party, const char *name, struct grant_set *set,
                                struct acsa_error *err)
{
    int32_t revoke_from = set->revoke_from;
    memset(set, 0, sizeof(*set));
    set->revoke_from = revoke_from;
    set->grants = work->grants;
    enum acsa_rc rc = LEDGER(app)->grant_list(app->store, party, name, ACSA_DATE_NONE,
                                             collect_grant, set, err);
    if (rc == ACSA_ESTOP) {
        return acsa_error_set(err, ACSA_ELIMIT, "", "official \"%s\" of %s has more "
                              "than %d grants", name, party, ACSA_OFFICIAL_GRANTS_MAX);
    }
    return rc;
}

enum acsa_rc acsa__app_official_fill(struct acsa_app *app, struct acsa__app_work *work,
                                     const char *party, const char *actor,
                                     const struct acsa_official **out, struct acsa_error *err)
{
    *out = NULL;
    struct grant_set set;
    set.revoke_from = ACSA_DATE_NONE;
    enum acsa_rc rc = load_grants(app, work, party, actor, &set, err);
    if (rc != ACSA_OK || set.count == 0) {
        return rc;
    }
    struct acsa_official *o = &work->official;
    memset(o, 0, sizeof(*o));
    snprintf(o->party, sizeof(o->party), "%s", party);
    snprintf(o->name, sizeof(o->name), "%s", actor);
    memcpy(o->title, set.title, sizeof(o->title));
    o->grants = work->grants;
    o->grant_count = set.count;
    o->by_grants = true;
    *out = o;
    return ACSA_OK;
}

/* The rules of a new grant besides its own fields: texts by the text rule, the agreement
 * loaded and the party one of its parties, room in the official's history. */
static enum acsa_rc check_new_grant(struct acsa_app *app, struct acsa__app_work *work,
                                    struct acsa_grant *g, struct acsa_error *err)
{
    const struct acsa_currency *known = acsa_currency_find(g->currency.code);
    g->currency.exponent = known != NULL ? known->exponent : 0;
    ACSA_TRY(acsa__app_check_party(g->party, err));
    ACSA_TRY(acsa__app_check_name("name", g->name, ACSA_NAME_SIZE, err));
    ACSA_TRY(acsa_text_check(g->name, ACSA_TEXT_LINE, "name", err));
    ACSA_TRY(acsa_text_check(g->title, ACSA_TEXT_LINE, "title", err));
    ACSA_TRY(acsa_text_check(g->revoke_reason, ACSA_TEXT_LINE, "reason", err));
    ACSA_TRY(acsa_grant_validate(g, err));
    if (g->agreement_id[0] != '\0') {
        enum acsa_rc rc = acsa__app_agreement(app, g->agreement_id, &work->agreement, err);
        if (rc == ACSA_ENOTFOUND) {
            return acsa_error_set(err, ACSA_ENOTFOUND, "agreement",
                                  "agreement: %s is not loaded here", g->agreement_id);
        }
        ACSA_TRY(rc);
        bool party = strcmp(work->agreement.parties[0], g->party) == 0 ||
                     strcmp(work->agreement.parties[1], g->party) == 0;
        if (!party) {
            return REFUSE(err, "agreement", "agreement: %s is not a party of %s", g->party,
                          g->agreement_id);
        }
    }
    struct grant_set set;
    set.revoke_from = ACSA_DATE_NONE;
    ACSA_TRY(load_grants(app, work, g->party, g->name, &set, err));
    if (set.count >= ACSA_OFFICIAL_GRANTS_MAX) {
        return REFUSE(err, "name", "name: official \"%s\" of %s holds %d grants, the most one "
                      "official may hold over time", g->name, g->party,
                      ACSA_OFFICIAL_GRANTS_MAX);
    }
    return ACSA_OK;
}

/* The grant checked, stored (its id into out_id) and, if it is ours, sent to the partners:
 * they check our approvals by it. A grant entered for a partner without a node stays here,
 * as the steps entered for it do. */
static enum acsa_rc add_grant(struct acsa_app *app, struct acsa__app_work *work,
                              struct acsa_grant *g, int64_t *out_id, struct acsa_error *err)
{
    ACSA_TRY(check_new_grant(app, work, g, err));
    ACSA_TRY(LEDGER(app)->grant_add(app->store, g, NULL, 0, out_id, err));
    g->id = *out_id;
    if (strcmp(g->party, app->nation) != 0) {
        return ACSA_OK;
    }
    return acsa__app_record_grant(app, g, err);
}

enum acsa_rc acsa_app_grant_add(struct acsa_app *app, const struct acsa_grant *grant,
                                int64_t *out_id, struct acsa_error *err)
{
    *out_id = 0;
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    struct acsa_grant g = *grant;
    g.id = 0;
    g.revoked_day = ACSA_DATE_NONE;
    g.revoke_reason[0] = '\0';
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = add_grant(app, work, &g, out_id, err);
    char object[ACSA__APP_OBJECT_SIZE];
    snprintf(object, sizeof(object), "grant:%lld", (long long)(rc == ACSA_OK ? *out_id : 0));
    rc = acsa__app_finish(app, rc, "official.add", object, err);
    if (rc != ACSA_OK) {
        *out_id = 0;
    }
    return rc;
}

/* An official's party, name and currency; nothing is cut to fit: a value too long for the
 * grant is refused, never shortened. */
static enum acsa_rc check_official(const char *party, const char *name, const char *currency,
                                   struct acsa_error *err)
{
    ACSA_TRY(acsa__app_check_party(party, err));
    ACSA_TRY(acsa__app_check_name("name", name, ACSA_NAME_SIZE, err));
    if (currency == NULL || acsa_currency_find(currency) == NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "currency",
                              "currency: \"%.8s\" is not a known ISO 4217 currency",
                              currency != NULL ? currency : "");
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_official_add(struct acsa_app *app, const char *party, const char *name,
                                   int64_t limit_minor, const char *currency, int64_t *out_id,
                                   struct acsa_error *err)
{
    *out_id = 0;
    struct acsa_grant g;
    memset(&g, 0, sizeof(g));
    enum acsa_rc rc = check_official(party, name, currency, err);
    if (rc != ACSA_OK) {
        char object[ACSA__APP_OBJECT_SIZE];
        snprintf(object, sizeof(object), "official:%.2s/%.80s", party != NULL ? party : "",
                 name != NULL ? name : "");
        return acsa__app_refused(app, rc, "official.add", object, err);
    }
    snprintf(g.party, sizeof(g.party), "%s", party);
    snprintf(g.name, sizeof(g.name), "%s", name);
    snprintf(g.currency.code, sizeof(g.currency.code), "%s", currency);
    g.limit_minor = limit_minor;
    g.from_day = ACSA_DATE_FIRST;
    g.to_day = ACSA_DATE_NONE;
    return acsa_app_grant_add(app, &g, out_id, err);
}

/* Revokes the collected grants and sends the revocations of ours. */
static enum acsa_rc revoke_all(struct acsa_app *app, const struct grant_set *set,
                               const char *party, int32_t day, const char *reason,
                               struct acsa_error *err)
{
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t i = 0; rc == ACSA_OK && i < set->revoke_count; i++) {
        rc = LEDGER(app)->grant_revoke(app->store, set->revoke_ids[i], day, reason, err);
        if (rc != ACSA_OK || !set->revoke_local[i] || strcmp(party, app->nation) != 0) {
            continue;
        }
        for (uint32_t k = 0; k < set->count; k++) {
            if (set->grants[k].id == set->revoke_ids[i]) {
                struct acsa_grant g = set->grants[k];
                g.revoked_day = day;
                snprintf(g.revoke_reason, sizeof(g.revoke_reason), "%s", reason);
                rc = acsa__app_record_grant(app, &g, err);
            }
        }
    }
    return rc;
}

/* The revocation checked, the official's grants still in force on day collected into set,
 * and revoked. */
static enum acsa_rc revoke_checked(struct acsa_app *app, struct acsa__app_work *work,
                                   const char *party, const char *name, int32_t day,
                                   const char *reason, struct grant_set *set,
                                   struct acsa_error *err)
{
    ACSA_TRY(acsa__app_check_party(party, err));
    ACSA_TRY(acsa__app_check_name("name", name, ACSA_NAME_SIZE, err));
    ACSA_TRY(acsa__app_check_name("reason", reason, ACSA_TEXT_SIZE, err));
    ACSA_TRY(acsa_text_check(reason, ACSA_TEXT_LINE, "reason", err));
    if (day < ACSA_DATE_FIRST || day > ACSA_DATE_LAST) {
        return acsa_error_set(err, ACSA_EUSAGE, "date", "date: the day of revocation is "
                              "required");
    }
    ACSA_TRY(load_grants(app, work, party, name, set, err));
    if (set->revoke_count == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "name", "name: official \"%s\" of %s holds "
                              "no grant still to revoke", name, party);
    }
    return revoke_all(app, set, party, day, reason, err);
}

enum acsa_rc acsa_app_official_revoke(struct acsa_app *app, const char *party,
                                      const char *name, int32_t day, const char *reason,
                                      uint32_t *out_count, struct acsa_error *err)
{
    *out_count = 0;
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct grant_set set;
    set.revoke_from = day;
    rc = revoke_checked(app, work, party, name, day, reason, &set, err);
    char object[ACSA__APP_OBJECT_SIZE];
    snprintf(object, sizeof(object), "official:%.2s/%.80s", party != NULL ? party : "",
             name != NULL ? name : "");
    rc = acsa__app_finish(app, rc, "official.revoke", object, err);
    *out_count = rc == ACSA_OK ? set.revoke_count : 0;
    return rc;
}

enum acsa_rc acsa__app_take_grant(struct acsa_app *app, struct acsa__app_work *work,
                                  struct acsa_error *err)
{
    const struct acsa_record *r = &work->record;
    struct acsa_grant g = r->grant;
    if (strcmp(g.party, r->origin) != 0) {
        return REFUSE(err, "party", "party: a grant to an official of %s is for %s's node to "
                      "sign, not %s's", g.party, g.party, r->origin);
    }
    int64_t id = 0;
    enum acsa_rc rc = LEDGER(app)->grant_find(app->store, r->origin, r->ref_id, &id, err);
    if (rc == ACSA_OK) {
        if (g.revoked_day == ACSA_DATE_NONE) {
            return ACSA_OK; /* Known already: a record can only repeat what it said. */
        }
        rc = LEDGER(app)->grant_revoke(app->store, id, g.revoked_day, g.revoke_reason, err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_clear(err); /* Revoked before: the first revocation stands. */
            rc = ACSA_OK;
        }
        return rc;
    }
    if (rc != ACSA_ENOTFOUND) {
        return rc;
    }
    acsa_error_clear(err);
    struct grant_set set;
    set.revoke_from = ACSA_DATE_NONE;
    ACSA_TRY(acsa_grant_validate(&g, err));
    ACSA_TRY(load_grants(app, work, g.party, g.name, &set, err));
    if (set.count >= ACSA_OFFICIAL_GRANTS_MAX) {
        return REFUSE(err, "name", "name: official \"%s\" of %s holds %d grants here, the most "
                      "one official may hold over time", g.name, g.party,
                      ACSA_OFFICIAL_GRANTS_MAX);
    }
    return LEDGER(app)->grant_add(app->store, &g, r->origin, r->ref_id, &id, err);
}

/* The title of the grant in force on the day, else of the latest grant. */
struct title_find {
    char *title;
    size_t size;
    int32_t day;
    bool in_force;
};

static enum acsa_rc title_of(void *ctx, const struct acsa_grant *grant, const char *origin,
                             int64_t origin_id)
{
    (void)origin;
    (void)origin_id;
    struct title_find *find = ctx;
    int32_t last = acsa_grant_last_day(grant);
    bool in_force = grant->from_day <= find->day && (last == ACSA_DATE_NONE || last >= find->day);
    if (in_force || !find->in_force) {
        snprintf(find->title, find->size, "%s", grant->title);
        find->in_force = find->in_force || in_force;
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_official_title(struct acsa_app *app, const char *party, const char *name,
                                     int32_t day, char *title, size_t size,
                                     struct acsa_error *err)
{
    title[0] = '\0';
    struct title_find find = {title, size, day, false};
    return LEDGER(app)->grant_list(app->store, party, name, ACSA_DATE_NONE, title_of, &find, err);
}
