/* SPDX-License-Identifier: MIT */
/* Application commands over a store: one transaction per command, domain rules from the core,
 * and an audit record for every command, accepted or refused. Orders are large fixed-size
 * structs, so they live on the heap, not on the stack. */
#include "app.h"
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "acsa_assert.h"
#include "date.h"
#include "agreement_json.h"
#include "store.h"
#include "app_int.h"
#include "app_key.h"
#include "node.h"

const char *acsa_app_nation(const struct acsa_app *app)
{
    return app->nation;
}

/* A new node's nation and name, written into a store that has none, and committed. */
static enum acsa_rc write_identity(struct acsa_store *store, const char *path,
                                   const char *nation, const char *name, struct acsa_error *err)
{
    char existing[ACSA_NATION_SIZE] = "";
    enum acsa_rc rc = store->vtbl->meta_get(store, "nation", existing, sizeof(existing), err);
    if (rc == ACSA_OK) {
        return acsa_error_set(err, ACSA_EEXISTS, "db",
                              "db: %s is already initialised for nation %s", path, existing);
    }
    if (rc != ACSA_ENOTFOUND) {
        return rc;
    }
    acsa_error_clear(err);
    ACSA_TRY(store->vtbl->meta_set(store, "nation", nation, err));
    ACSA_TRY(store->vtbl->meta_set(store, "name", name, err));
    return store->vtbl->commit(store, err);
}

enum acsa_rc acsa_app_init(const char *path, const char *nation, const char *name,
                           struct acsa_error *err)
{
    if (!acsa_nation_valid(nation)) {
        return acsa_error_set(err, ACSA_EUSAGE, "nation",
                              "nation: \"%s\" is not an ISO 3166 alpha-2 code (e.g. IN, JP)",
                              nation);
    }
    struct acsa_store *store = NULL;
    /* The key file is named before anything is written: a PostgreSQL node needs --key. */
    char key_path[sizeof(((struct acsa_app *)NULL)->key_path)];
    ACSA_TRY(acsa__app_key_path(path, key_path, sizeof(key_path), err));
    ACSA_TRY(acsa__app_crypto_init(err));
    ACSA_TRY(acsa_store_open(path, ACSA_STORE_CREATE, &store, err));
    enum acsa_rc rc = store->vtbl->begin_write(store, err);
    if (rc == ACSA_OK) {
        rc = write_identity(store, path, nation, name, err);
        if (rc != ACSA_OK) {
            store->vtbl->rollback(store);
        }
    }
    acsa_store_close(store);
    if (rc != ACSA_OK) {
        return rc;
    }
    /* Every node signs what it sends: its key pair is made with it. */
    struct acsa_app *app = NULL;
    ACSA_TRY(acsa_app_open(path, 0, &app, err)); /* A failed open leaves nothing to close. */
    rc = acsa_app_node_keygen(app, err);
    acsa_app_close(app);
    return rc;
}

enum acsa_rc acsa_app_open(const char *path, unsigned flags, struct acsa_app **out_app,
                           struct acsa_error *err)
{
    *out_app = NULL;
    struct acsa_app *app = acsa_calloc(1, sizeof(*app));
    if (app == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    /* A path or sqlite:PATH is a SQLite file, postgresql://... a PostgreSQL database. */
    enum acsa_rc key_rc = acsa__app_key_path(path, app->key_path, sizeof(app->key_path), err);
    if (key_rc != ACSA_OK) {
        acsa_free(app);
        return key_rc;
    }
    const char *login = getenv("USER");
    bool known = login != NULL && login[0] != '\0' && strlen(login) + 4 < sizeof(app->actor);
    char actor[sizeof(app->actor)];
    snprintf(actor, sizeof(actor), "cli:%s", known ? login : "unknown");
    acsa_app_set_actor(app, actor);
    enum acsa_rc rc = acsa__app_crypto_init(err);
    if (rc == ACSA_OK) {
        rc = acsa_store_open(path, flags & ~ACSA_STORE_CREATE, &app->store, err);
    }
    /* The store refuses a file acsa never created as EUSAGE; one it created but never
     * initialised has no nation. */
    bool fresh = rc == ACSA_EUSAGE && path != NULL && path[0] != '\0';
    if (rc == ACSA_OK) {
        rc = STORE(app)->meta_get(app->store, "nation", app->nation, sizeof(app->nation), err);
        fresh = rc == ACSA_ENOTFOUND;
    }
    if (fresh) {
        rc = acsa_error_set(err, ACSA_EUSAGE, "db",
                            "db: %s is not initialised (run \"acsa init --nation CC\")", path);
    }
    if (rc != ACSA_OK) {
        acsa_app_close(app);
        return rc;
    }
    *out_app = app;
    return ACSA_OK;
}

void acsa_app_close(struct acsa_app *app)
{
    if (app != NULL) {
        for (uint32_t i = 0; i < app->agreement_count; i++) {
            acsa_free(app->agreements[i]);
        }
        acsa_store_close(app->store);
        acsa_free(app->work);
        acsa_free(app);
    }
}

enum acsa_rc acsa__app_agreement(struct acsa_app *app, const char *id,
                                 struct acsa_agreement *out, struct acsa_error *err)
{
    for (uint32_t i = 0; i < app->agreement_count; i++) {
        if (strcmp(app->agreements[i]->id, id) == 0) {
            *out = *app->agreements[i];
            return ACSA_OK;
        }
    }
    enum acsa_rc rc = acsa__app_agreement_read(app, id, out, err);
    if (rc == ACSA_OK && app->agreement_count < ACSA__APP_AGREEMENT_CACHE) {
        struct acsa_agreement *copy = acsa_malloc(sizeof(*copy));
        if (copy != NULL) {
            *copy = *out;
            app->agreements[app->agreement_count++] = copy;
        }
    }
    return rc;
}

void acsa_app_set_actor(struct acsa_app *app, const char *actor)
{
    acsa__app_text_copy(app->actor, sizeof(app->actor), actor != NULL ? actor : "");
}

void acsa_app_read_only(struct acsa_app *app)
{
    app->read_only = true;
}

enum acsa_rc acsa_app_begin(struct acsa_app *app, struct acsa_error *err)
{
    if (app->read_only) {
        /* A write off the server's writer thread is a bug: refused, never silently raced. */
        return acsa_error_set(err, ACSA_ESTORAGE, "", "this connection only reads: a write "
                              "goes through the node's writer");
    }
    return STORE(app)->begin_write(app->store, err);
}

enum acsa_rc acsa_app_commit(struct acsa_app *app, struct acsa_error *err)
{
    return STORE(app)->commit(app->store, err);
}

void acsa_app_rollback(struct acsa_app *app)
{
    STORE(app)->rollback(app->store);
}

/* The audit object of a reference record: "kind:<id>" once it has one, else
 * "kind:<scope>/<name>" naming what was asked for. */
static void object_of(char object[ACSA__APP_OBJECT_SIZE], const char *kind, int64_t id,
                      const char *scope, const char *name)
{
    char text[ACSA__APP_OBJECT_SIZE * 2];
    if (id > 0) {
        snprintf(text, sizeof(text), "%s:%lld", kind, (long long)id);
    } else {
        snprintf(text, sizeof(text), "%s:%.32s/%.*s", kind, scope != NULL ? scope : "",
                 ACSA__APP_OBJECT_SIZE, name != NULL ? name : "");
    }
    acsa__app_text_copy(object, ACSA__APP_OBJECT_SIZE, text);
}

/* Agreements are never replaced in place: orders already raised were checked against the
 * loaded text, and changing it underneath them would rewrite history. */
static enum acsa_rc load_new_agreement(struct acsa_app *app, const struct acsa_agreement *agreement,
                                       const char *text, struct acsa_error *err)
{
    struct acsa_agreement *existing = acsa_malloc(sizeof(*existing));
    if (existing == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = acsa__app_agreement_read(app, agreement->id, existing, err);
    acsa_free(existing);
    if (rc == ACSA_OK) {
        return acsa_error_set(err, ACSA_EEXISTS, "$.id", "$.id: agreement %s is already loaded",
                              agreement->id);
    }
    if (rc != ACSA_ENOTFOUND) {
        return rc;
    }
    acsa_error_clear(err);
    return acsa__app_agreement_write(app, agreement, text, err);
}

/* Parses an agreement's text and loads it, if this node is a party to it; object names it
 * for the audit once it is parsed. */
static enum acsa_rc parse_and_load_agreement(struct acsa_app *app, const char *text,
                                             size_t size, struct acsa_agreement *agreement,
                                             char object[ACSA__APP_OBJECT_SIZE],
                                             struct acsa_error *err)
{
    ACSA_TRY(acsa_agreement_from_json(text, size, agreement, err));
    acsa__app_text_copy(object, ACSA__APP_OBJECT_SIZE, agreement->id);
    if (!acsa_agreement_has_party(agreement, app->nation)) {
        return acsa_error_set(err, ACSA_EREFUSED, "$.parties",
                              "$.parties: this node is %s, which is not a party to %s",
                              app->nation, agreement->id);
    }
    return load_new_agreement(app, agreement, text, err);
}

enum acsa_rc acsa_app_agreement_load(struct acsa_app *app, const char *text, size_t size,
                                     char out_id[ACSA_ID_SIZE], struct acsa_error *err)
{
    out_id[0] = '\0';
    struct acsa_agreement *agreement = acsa_calloc(1, sizeof(*agreement));
    if (agreement == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        acsa_free(agreement);
        return rc;
    }
    char object[ACSA__APP_OBJECT_SIZE] = "";
    rc = parse_and_load_agreement(app, text, size, agreement, object, err);
    rc = acsa__app_finish(app, rc, "agreement.load", object, err);
    if (rc == ACSA_OK) {
        memcpy(out_id, agreement->id, ACSA_ID_SIZE);
    }
    acsa_free(agreement);
    return rc;
}

enum acsa_rc acsa__app_check_name(const char *field, const char *name, size_t size,
                                  struct acsa_error *err)
{
    if (name == NULL || name[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: is required", field);
    }
    if (strlen(name) >= size) {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: longer than %zu characters", field,
                              size - 1);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__app_check_party(const char *party, struct acsa_error *err)
{
    if (party == NULL || !acsa_nation_valid(party)) {
        return acsa_error_set(err, ACSA_EUSAGE, "party",
                              "party: \"%.40s\" is not an ISO 3166 alpha-2 code",
                              party != NULL ? party : "");
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_unit_add(struct acsa_app *app, const char *party, const char *name,
                               int64_t *out_id, struct acsa_error *err)
{
    return acsa_app_unit_add_service(app, party, name, NULL, out_id, err);
}

/* Checks and adds a unit (with its service, if given) and records it for the partners. */
static enum acsa_rc unit_add_in_transaction(struct acsa_app *app, const char *party,
                                            const char *name, const char *service,
                                            int64_t *out_id, struct acsa_error *err)
{
    ACSA_TRY(acsa__app_check_party(party, err));
    ACSA_TRY(acsa__app_check_name("name", name, ACSA_NAME_SIZE, err));
    if (service != NULL) {
        ACSA_TRY(acsa__app_check_service(service, err));
    }
    ACSA_TRY(LEDGER(app)->unit_add(app->store, party, name, out_id, err));
    if (service != NULL) {
        ACSA_TRY(LEDGER(app)->unit_service_set(app->store, *out_id, service, err));
    }
    return acsa__app_record_ref(app, ACSA_REF_UNIT, *out_id, err);
}

enum acsa_rc acsa_app_unit_add_service(struct acsa_app *app, const char *party,
                                       const char *name, const char *service, int64_t *out_id,
                                       struct acsa_error *err)
{
    *out_id = 0;
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = unit_add_in_transaction(app, party, name, service, out_id, err);
    char object[ACSA__APP_OBJECT_SIZE];
    object_of(object, "unit", rc == ACSA_OK ? *out_id : 0, party, name);
    rc = acsa__app_finish(app, rc, "unit.add", object, err);
    if (rc != ACSA_OK) {
        *out_id = 0;
    }
    return rc;
}

/* Checks an activity against its agreement (read into agreement), adds it and records it for
 * the partners. */
static enum acsa_rc activity_add_in_transaction(struct acsa_app *app,
                                                const struct acsa_activity *activity,
                                                struct acsa_agreement *agreement,
                                                int64_t *out_id, struct acsa_error *err)
{
    ACSA_TRY(acsa__app_agreement(app, activity->agreement_id, agreement, err));
    ACSA_TRY(acsa_activity_validate(agreement, activity, err));
    ACSA_TRY(LEDGER(app)->activity_add(app->store, activity, out_id, err));
    return acsa__app_record_ref(app, ACSA_REF_ACTIVITY, *out_id, err);
}

enum acsa_rc acsa_app_activity_add(struct acsa_app *app, const struct acsa_activity *activity,
                                   int64_t *out_id, struct acsa_error *err)
{
    *out_id = 0;
    struct acsa_agreement *agreement = acsa_malloc(sizeof(*agreement));
    if (agreement == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = activity_add_in_transaction(app, activity, agreement, out_id, err);
        char object[ACSA__APP_OBJECT_SIZE];
        object_of(object, "activity", rc == ACSA_OK ? *out_id : 0, activity->agreement_id,
                  activity->name);
        rc = acsa__app_finish(app, rc, "activity.add", object, err);
    }
    if (rc != ACSA_OK) {
        *out_id = 0;
    }
    acsa_free(agreement);
    return rc;
}

/* A unit cited by an order or a user must exist and belong to the party it stands for. */
enum acsa_rc acsa__app_check_unit(struct acsa_app *app, const char *field, int64_t id,
                                  const char *party, struct acsa_error *err)
{
    if (id == 0) {
        return ACSA_OK;
    }
    char unit_party[ACSA_NATION_SIZE];
    char unit_name[ACSA_NAME_SIZE];
    enum acsa_rc rc = LEDGER(app)->unit_get(app->store, id, unit_party, unit_name, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_ENOTFOUND, field, "%s: unit %lld not found", field,
                              (long long)id);
    }
    if (rc == ACSA_OK && strcmp(unit_party, party) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, field,
                              "%s: unit %lld (%s) belongs to %s, not %s", field, (long long)id,
                              unit_name, unit_party, party);
    }
    return rc;
}

struct acsa__app_work *acsa__app_work(struct acsa_app *app, struct acsa_error *err)
{
    if (app->work == NULL) {
        app->work = acsa_calloc(1, sizeof(*app->work));
    }
    if (app->work == NULL) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    return app->work;
}

/* The record of a new order: its entry as given, with the reference data as their origins
 * name it. */
static enum acsa_rc record_create(struct acsa_app *app, struct acsa__app_work *work,
                                  const char *agreement_id, int64_t activity_id,
                                  const struct acsa_order_draft *draft, int32_t day,
                                  const char *actor, const char *number, bool manual,
                                  struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    memset(r, 0, sizeof(*r));
    snprintf(r->number, sizeof(r->number), "%s", number);
    r->command.step = ACSA_STEP_CREATE;
    r->command.day = day;
    r->command.recorded_day = draft->recorded_day;
    memcpy(r->command.backdate_reason, draft->backdate_reason, ACSA_TEXT_SIZE);
    acsa__app_text_copy(r->command.actor, sizeof(r->command.actor), actor);
    snprintf(r->agreement_id, sizeof(r->agreement_id), "%s", agreement_id);
    r->draft = *draft;
    r->draft.requester_unit_id = 0;
    r->draft.supplier_unit_id = 0;
    ACSA_TRY(acsa__app_ref_of(app, ACSA_REF_ACTIVITY, activity_id, &r->activity, err));
    ACSA_TRY(acsa__app_ref_of(app, ACSA_REF_UNIT, draft->requester_unit_id, &r->requester_unit,
                              err));
    ACSA_TRY(acsa__app_ref_of(app, ACSA_REF_UNIT, draft->supplier_unit_id, &r->supplier_unit,
                              err));
    return acsa__app_record_local(app, work, manual, err);
}

/* The record of a step on work->order (and work->other for an exchange). */
static enum acsa_rc record_step(struct acsa_app *app, struct acsa__app_work *work,
                                const struct acsa_command *command, const char *other_number,
                                bool manual, struct acsa_error *err)
{
    struct acsa_record *r = &work->record;
    memset(r, 0, sizeof(*r));
    memcpy(r->number, work->order.number, sizeof(r->number));
    r->command = *command;
    r->command.official = NULL;
    r->command.amend = NULL;
    r->command.activity = NULL;
    const struct acsa_official *official = command->official;
    for (uint32_t i = 0; official != NULL && i < official->limit_count; i++) {
        if (strcmp(official->limit_currency[i].code, work->order.currency.code) == 0) {
            r->official_limit_minor = official->limit_minor[i];
        }
    }
    /* With grants: the highest limit in force on the step's day, as the core judged it. */
    for (uint32_t i = 0; official != NULL && official->by_grants && i < official->grant_count;
         i++) {
        const struct acsa_grant *g = &official->grants[i];
        if (acsa_grant_covers(g, work->order.agreement_id, work->order.currency.code,
                              command->day) && g->limit_minor > r->official_limit_minor) {
            r->official_limit_minor = g->limit_minor;
        }
    }
    if (other_number != NULL) {
        snprintf(r->other_number, sizeof(r->other_number), "%s", other_number);
    }
    return acsa__app_record_local(app, work, manual, err);
}

/* Whether this node enters an order by hand for a requester without a node of its own (an
 * order of ours, or of a partner with a registered node, is not). */
static enum acsa_rc entered_by_hand(struct acsa_app *app, const char *requester, bool *out,
                                    struct acsa_error *err)
{
    *out = false;
    if (strcmp(requester, app->nation) == 0) {
        return ACSA_OK;
    }
    struct acsa_peer peer;
    enum acsa_rc rc = SYNC_STORE(app)->peer_get(app->store, requester, &peer, err);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_clear(err);
        *out = true;
        return ACSA_OK;
    }
    return rc;
}

/* Today on this node: the day a step is recorded on, when the caller did not say. The core
 * reads no clock; the app hands it the day, and the record carries it to the partner. */
int32_t acsa__app_today(int32_t given)
{
    if (given != 0) {
        return given;
    }
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL) {
        return 0;
    }
    return acsa_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static enum acsa_rc create_in_transaction(struct acsa_app *app, struct acsa__app_work *work,
                                          const char *agreement_id, int64_t activity_id,
                                          const struct acsa_order_draft *draft, int32_t day,
                                          const char *actor, char *number,
                                          struct acsa_error *err)
{
    ACSA_TRY(acsa__app_agreement_on(app, agreement_id, day, &work->agreement, err));
    ACSA_TRY(LEDGER(app)->activity_get(app->store, activity_id, &work->activity, err));
    ACSA_TRY(acsa__app_check_unit(app, "requester_unit", draft->requester_unit_id,
                                  draft->requester, err));
    ACSA_TRY(acsa__app_check_unit(app, "supplier_unit", draft->supplier_unit_id,
                                  draft->supplier, err));
    ACSA_TRY(acsa__app_check_services(app, &work->agreement, draft->requester,
                                      draft->requester_unit_id, draft->supplier,
                                      draft->supplier_unit_id, err));
    int32_t year = 0;
    acsa_date_to_ymd(day, &year, NULL, NULL);
    int64_t sequence = 0;
    bool by_hand = false;
    if (acsa_nation_valid(draft->requester) && acsa_nation_valid(draft->supplier)) {
        ACSA_TRY(entered_by_hand(app, draft->requester, &by_hand, err));
        /* The series entered by hand is keyed apart: supplier "IN" becomes "IN:M". */
        char supplier[ACSA_NATION_SIZE + 2];
        snprintf(supplier, sizeof(supplier), "%s%s", draft->supplier, by_hand ? ":M" : "");
        ACSA_TRY(LEDGER(app)->order_next_sequence(app->store, draft->requester, supplier, year,
                                                  &sequence, err));
    }
    /* The record carries the day the order was recorded on. */
    struct acsa_order_draft *dated = &work->draft;
    *dated = *draft;
    dated->recorded_day = acsa__app_today(draft->recorded_day);
    if (by_hand) {
        acsa_order_number_format_manual(draft->requester, draft->supplier, year, sequence,
                                        number);
    } else {
        acsa_order_number_format(draft->requester, draft->supplier, year, sequence, number);
    }
    ACSA_TRY(acsa_order_create(&work->agreement, &work->activity, dated, number, day, actor,
                               &work->order, &work->event, err));
    draft = dated;
    bool manual = false;
    ACSA_TRY(acsa__app_local_step_allowed(app, &work->order, ACSA_STEP_CREATE, &manual, err));
    ACSA_TRY(LEDGER(app)->order_insert(app->store, &work->order, &work->event, err));
    return record_create(app, work, agreement_id, activity_id, draft, day, actor, number, manual,
                         err);
}

enum acsa_rc acsa_app_order_create(struct acsa_app *app, const char *agreement_id,
                                   int64_t activity_id, const struct acsa_order_draft *draft,
                                   int32_t day, const char *actor,
                                   char out_number[ACSA_NUMBER_SIZE], struct acsa_error *err)
{
    out_number[0] = '\0';
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    char number[ACSA_NUMBER_SIZE] = "";
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = create_in_transaction(app, work, agreement_id, activity_id, draft, day, actor,
                                   number, err);
        /* A refused order's number is given to the next order, so it is not named. */
        rc = acsa__app_finish_step(app, rc, "order.create",
                                   rc == ACSA_OK ? number : "order:new", &work->event, err);
    }
    if (rc == ACSA_OK) {
        memcpy(out_number, number, ACSA_NUMBER_SIZE);
    }
    return rc;
}

void acsa_app_order_created(const struct acsa_app *app, struct acsa_app_created *out)
{
    ACSA_ASSERT(app->work != NULL);
    out->order = &app->work->order;
    out->activity = &app->work->activity;
    out->event = &app->work->event;
    out->event_id = LEDGER(app)->last_event_id(app->store);
}

/* Loads an order and the agreement it falls under. */
static enum acsa_rc load_order(struct acsa_app *app, const char *number, int32_t day,
                               struct acsa_order *order, struct acsa_agreement *agreement,
                               struct acsa_error *err)
{
    enum acsa_rc rc = LEDGER(app)->order_get(app->store, number, order, err);
    if (rc == ACSA_OK) {
        acsa_app_order_keys(order);
        rc = acsa__app_agreement_on(app, order->agreement_id, day, agreement, err);
    }
    return rc;
}

/* The actor as an official of the party acting on this step, with all its grants, if any. */
static enum acsa_rc find_official(struct acsa_app *app, struct acsa__app_work *work,
                                  const struct acsa_command *command,
                                  const struct acsa_official **out, struct acsa_error *err)
{
    *out = NULL;
    /* The core says which steps need an official, and of which party. */
    const char *party = acsa_order_official_party(&work->agreement, &work->order, command->step);
    if (command->step == ACSA_STEP_RESOLVE) {
        /* An official of the party that raised the dispute (this node's, if not known). */
        party = work->order.disputed_by[0] != '\0' ? work->order.disputed_by : app->nation;
    }
    if (party == NULL) {
        return ACSA_OK;
    }
    /* The official's grants; none: the core refuses the step and says why. */
    return acsa__app_official_fill(app, work, party, command->actor, out, err);
}

/* Gives a new invoice its number from this node's series: "IN-INV-2024-000001" for invoices
 * of its own nation as supplier; "JP-INV-IN-2024-000001" for a supplier without a node whose
 * invoice this node enters by hand, so the two series can never meet (ARCHITECTURE.md
 * "Invoices"). A date out of range is left to the core to refuse. */
static enum acsa_rc invoice_number(struct acsa_app *app, const struct acsa_order *order,
                                   struct acsa_command *cmd, struct acsa_error *err)
{
    if (cmd->step != ACSA_STEP_INVOICE || cmd->day < ACSA_DATE_FIRST ||
        cmd->day > ACSA_DATE_STEP_LAST) {
        return ACSA_OK;
    }
    char series[ACSA_NUMBER_SIZE];
    if (strcmp(order->supplier, app->nation) == 0) {
        snprintf(series, sizeof(series), "%s-INV", app->nation);
    } else {
        snprintf(series, sizeof(series), "%s-INV-%s", order->supplier, app->nation);
    }
    int32_t year = 0;
    acsa_date_to_ymd(cmd->day, &year, NULL, NULL);
    int64_t sequence = 0;
    enum acsa_rc rc = LEDGER(app)->invoice_next_sequence(app->store, series, year, &sequence,
                                                        err);
    if (rc == ACSA_OK) {
        snprintf(cmd->invoice, sizeof(cmd->invoice), "%.12s-%04d-%06lld", series, (int)year,
                 (long long)sequence);
    }
    return rc;
}

/* A step on an order of this node, in its transaction: checked, applied by the core, written
 * and recorded for the partner. known: the step is one acsa knows (else the core refuses it). */
static enum acsa_rc step_in_transaction(struct acsa_app *app, struct acsa__app_work *work,
                                        const char *number, const struct acsa_command *command,
                                        bool known, struct acsa_error *err)
{
    struct acsa_command cmd = *command;
    acsa__app_command_prepare(app, &cmd);
    bool manual = false;
    ACSA_TRY(load_order(app, number, cmd.day, &work->order, &work->agreement, err));
    if (cmd.step == ACSA_STEP_SUBMIT) {
        ACSA_TRY(acsa__app_check_services(app, &work->agreement, work->order.requester,
                                          work->order.requester_unit_id, work->order.supplier,
                                          work->order.supplier_unit_id, err));
    }
    if (known) {
        ACSA_TRY(acsa__app_local_command_allowed(app, &work->order, &cmd, &manual, err));
    }
    ACSA_TRY(find_official(app, work, &cmd, &cmd.official, err));
    ACSA_TRY(invoice_number(app, &work->order, &cmd, err));
    ACSA_TRY(acsa_order_apply(&work->agreement, app->nation, &work->order, &cmd, &work->event,
                              err));
    if (cmd.step == ACSA_STEP_CLOSE) {
        /* close_requires_documents: judged by the node that closes, on the documents it holds
         * (a partner's close record was judged by its node). */
        uint64_t with = 0;
        ACSA_TRY(acsa__app_lines_with_documents(app, number, &with, err));
        ACSA_TRY(acsa_document_close_check(&work->agreement, &work->order, with, err));
    }
    ACSA_TRY(LEDGER(app)->order_update(app->store, &work->order, &work->event, err));
    return record_step(app, work, &cmd, NULL, manual, err);
}

enum acsa_rc acsa_app_order_step(struct acsa_app *app, const char *number,
                                 const struct acsa_command *command,
                                 struct acsa_event *out_event, struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    char action[ACSA__APP_OBJECT_SIZE];
    bool known = (unsigned)command->step < ACSA_STEP_COUNT;
    snprintf(action, sizeof(action), "order.%s",
             known ? acsa_step_name(command->step) : "step");
    char object[ACSA__APP_OBJECT_SIZE];
    acsa__app_text_copy(object, sizeof(object), number);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = step_in_transaction(app, work, number, command, known, err);
        rc = acsa__app_finish_step(app, rc, action, object, &work->event, err);
    }
    if (rc == ACSA_OK && out_event != NULL) {
        *out_event = work->event;
    }
    return rc;
}

enum acsa_rc acsa_app_order_exchange(struct acsa_app *app, const char *number,
                                     const char *other_number, const struct acsa_command *command,
                                     struct acsa_error *err)
{
    const char *others[1] = {other_number};
    return acsa_app_order_exchange_many(app, number, others, 1, command, err);
}

/* One pair of an exchange: the order against others[i], with how many pairs follow. */
static enum acsa_rc exchange_pair(struct acsa_app *app, struct acsa__app_work *work,
                                  const char *other_number, struct acsa_command *cmd,
                                  struct acsa_error *err)
{
    ACSA_TRY(LEDGER(app)->order_get(app->store, other_number, &work->other, err));
    ACSA_TRY(acsa_order_exchange(&work->agreement, app->nation, &work->order, &work->other, cmd,
                                 &work->event, &work->other_event, err));
    ACSA_TRY(LEDGER(app)->order_update(app->store, &work->order, &work->event, err));
    ACSA_TRY(LEDGER(app)->order_update(app->store, &work->other, &work->other_event, err));
    return record_step(app, work, cmd, other_number, false, err);
}

enum acsa_rc acsa_app_order_exchange_many(struct acsa_app *app, const char *number,
                                          const char *const *others, uint32_t count,
                                          const struct acsa_command *command,
                                          struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    if (count < 1 || count > ACSA_EXCHANGE_WITH_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "with", "with: an exchange matches 1 to %d "
                              "reverse orders", ACSA_EXCHANGE_WITH_MAX);
    }
    char pair[ACSA__APP_OBJECT_SIZE * 2];
    snprintf(pair, sizeof(pair), "%.40s,%.40s%s", number, others[0], count > 1 ? ",..." : "");
    char object[ACSA__APP_OBJECT_SIZE];
    acsa__app_text_copy(object, sizeof(object), pair);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        struct acsa_command cmd = *command;
        cmd.recorded_day = acsa__app_today(command->recorded_day);
        rc = load_order(app, number, command->day, &work->order, &work->agreement, err);
        for (uint32_t i = 0; rc == ACSA_OK && i < count; i++) {
            cmd.exchange_more = (uint8_t)(count - 1 - i);
            rc = exchange_pair(app, work, others[i], &cmd, err);
        }
        rc = acsa__app_finish(app, rc, "order.exchange", object, err);
    }
    return rc;
}

/* The numbers of the orders to convert, collected before any is written. */
struct number_list {
    char (*numbers)[ACSA_NUMBER_SIZE];
    size_t count;
    size_t capacity;
};

static enum acsa_rc collect_number(void *ctx, const struct acsa_order_summary *summary)
{
    struct number_list *list = ctx;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity == 0 ? 64 : list->capacity * 2;
        void *grown = acsa_realloc(list->numbers, capacity * sizeof(*list->numbers));
        if (grown == NULL) {
            return ACSA_ENOMEM;
        }
        list->numbers = grown;
        list->capacity = capacity;
    }
    memcpy(list->numbers[list->count], summary->number, ACSA_NUMBER_SIZE);
    list->count++;
    return ACSA_OK;
}

/* Converts one listed order, if its agreement's rule lets this run convert it: automatic
 * orders always (recorded by --by, or the recording actor), approval orders only with an
 * approver, who must be an official of the creditor holding authority (the core checks). */
static enum acsa_rc convert_one(struct acsa_app *app, struct acsa__app_work *work,
                                const char *number, const struct acsa_convert_options *opts,
                                acsa_converted_cb cb, void *ctx, struct acsa_convert_result *out,
                                struct acsa_error *err)
{
    enum acsa_rc rc = load_order(app, number, opts->as_of, &work->order, &work->agreement, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    bool approval = work->agreement.conversion == ACSA_CONVERSION_APPROVAL;
    const char *by = opts->by != NULL ? opts->by : "";
    if (approval && (opts->automatic_only || by[0] == '\0')) {
        out->awaiting_approval++;
        return ACSA_OK;
    }
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = ACSA_STEP_CONVERT;
    cmd.day = opts->as_of;
    cmd.recorded_day = acsa__app_today(0);
    /* A conversion as of a past day is entered late by design: it is marked, and says so. */
    char as_of[ACSA_DATE_TEXT_SIZE];
    if (cmd.recorded_day - opts->as_of > 0) {
        snprintf(cmd.backdate_reason, sizeof(cmd.backdate_reason), "convert-overdue as of %s",
                 acsa_date_format(opts->as_of, as_of));
    }
    acsa__app_text_copy(cmd.actor, sizeof(cmd.actor), by[0] != '\0' ? by : opts->actor);
    if (approval) {
        snprintf(cmd.reason, sizeof(cmd.reason), "conversion approved by %s", cmd.actor);
    }
    bool manual = false;
    rc = acsa__app_local_step_allowed(app, &work->order, cmd.step, &manual, err);
    if (rc == ACSA_EFORBIDDEN) {
        acsa_error_clear(err); /* The partner's node converts what is owed to it. */
        return ACSA_OK;
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    ACSA_TRY(find_official(app, work, &cmd, &cmd.official, err));
    ACSA_TRY(acsa_order_apply(&work->agreement, app->nation, &work->order, &cmd, &work->event,
                              err));
    ACSA_TRY(LEDGER(app)->order_update(app->store, &work->order, &work->event, err));
    ACSA_TRY(record_step(app, work, &cmd, NULL, manual, err));
    out->converted++;
    if (cb != NULL) {
        cb(ctx, &work->order, &work->event);
    }
    return ACSA_OK;
}

static enum acsa_rc convert_in_transaction(struct acsa_app *app,
                                           const struct acsa_convert_options *opts,
                                           acsa_converted_cb cb, void *ctx,
                                           struct acsa_convert_result *out,
                                           struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    if (opts->as_of > opts->today) {
        char as_of[ACSA_DATE_TEXT_SIZE];
        char today[ACSA_DATE_TEXT_SIZE];
        return acsa_error_set(err, ACSA_EUSAGE, "as-of",
                              "as-of: %s is after today (%s); only obligations already past "
                              "due are converted", acsa_date_format(opts->as_of, as_of),
                              acsa_date_format(opts->today, today));
    }
    struct number_list list = {0};
    struct acsa_order_filter filter;
    memset(&filter, 0, sizeof(filter));
    acsa_order_convertible_rule(opts->as_of, &filter.due);
    enum acsa_rc rc = LEDGER(app)->order_list(app->store, &filter, collect_number, &list, err);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    for (size_t i = 0; rc == ACSA_OK && i < list.count; i++) {
        rc = convert_one(app, work, list.numbers[i], opts, cb, ctx, out, err);
    }
    acsa_free(list.numbers);
    return rc;
}

enum acsa_rc acsa_app_convert(struct acsa_app *app, const struct acsa_convert_options *opts,
                              acsa_converted_cb cb, void *ctx, struct acsa_convert_result *out,
                              struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct acsa_convert_result result;
    memset(&result, 0, sizeof(result));
    char object[ACSA__APP_OBJECT_SIZE];
    char date[ACSA_DATE_TEXT_SIZE];
    snprintf(object, sizeof(object), "as-of:%s", acsa_date_format(opts->as_of, date));
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = convert_in_transaction(app, opts, cb, ctx, &result, err);
        rc = acsa__app_finish(app, rc, "convert-overdue", object, err);
    }
    if (rc == ACSA_OK) {
        *out = result;
    }
    return rc;
}

enum acsa_rc acsa_app_convert_overdue(struct acsa_app *app, int32_t day, int32_t today,
                                      const char *actor, acsa_converted_cb cb, void *ctx,
                                      uint32_t *out_count, struct acsa_error *err)
{
    struct acsa_convert_options opts = {.as_of = day, .today = today, .by = actor,
                                        .actor = actor, .automatic_only = false};
    struct acsa_convert_result result;
    enum acsa_rc rc = acsa_app_convert(app, &opts, cb, ctx, &result, err);
    *out_count = (uint32_t)result.converted;
    return rc;
}

enum acsa_rc acsa_app_order_get(struct acsa_app *app, const char *number,
                                struct acsa_order *out_order,
                                struct acsa_agreement *out_agreement, struct acsa_error *err)
{
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    enum acsa_rc rc = load_order(app, number, ACSA_DATE_NONE, &work->order, &work->agreement,
                                 err);
    if (rc == ACSA_OK && out_order != NULL) {
        *out_order = work->order;
    }
    if (rc == ACSA_OK && out_agreement != NULL) {
        *out_agreement = work->agreement;
    }
    return rc;
}
