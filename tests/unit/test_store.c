/* SPDX-License-Identifier: MIT */
/* The store against a fresh database per test: opening and migrating, every kind of record
 * round-tripped, orders driven through the real state machine and read back, filters,
 * balances, transactions, and the query plan of the balance report. SQLite by default; with
 * ACSA_TEST_PG set (a postgresql:// URI, as tests/pg/cluster.sh exports it) the same tests run
 * on PostgreSQL, each on an emptied database, and the SQLite-only ones (files, pragmas, query
 * plans) are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "agreement.h"
#include "agreement_json.h"
#include "alloc.h"
#include "date.h"
#include "money.h"
#include "order.h"
#include "store.h"
#include "store_sqlite.h"
#include "store_sqlite_int.h"
#if defined(ACSA_HAVE_PG)
#include <libpq-fe.h>
#endif
#if defined(ACSA_TEST_STORE_FAULT)
/* test_store_fault.c includes this file: every store is opened through the fault-injecting
 * wrapper (with no fault armed), and its own tests run after these. */
#include "store_fault.h"
static void test_fault_forwarding(void **state);
static void test_fault_each_call(void **state);
#endif

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define EVENTS_MAX 64
#define ROWS_MAX 32

/* Everything one test works on; on the heap because orders are large. */
struct fixture {
    char dir[64];                        /* The test's temporary directory. */
    char path[128];                      /* The database file in it. */
    struct acsa_store *store;            /* Open on path. */
    struct acsa_agreement agreement;     /* IN-JP-2020, stored. */
    struct acsa_agreement france;        /* IN-FR-2018, stored. */
    struct acsa_activity activity;       /* JIMEX 2024 under IN-JP-2020, stored. */
    struct acsa_activity shakti;         /* Shakti 2024 under IN-FR-2018, stored. */
    int64_t unit_in;                     /* Indian Navy. */
    int64_t unit_jp;                     /* JMSDF. */
    int64_t unit_fr;                     /* Marine nationale. */
    struct acsa_order order;             /* Scratch orders. */
    struct acsa_order other;
    struct acsa_order loaded;            /* What order_get returned. */
    struct acsa_event event;             /* The last event made. */
    struct acsa_event events[EVENTS_MAX]; /* Every event written, for expected balances. */
    uint32_t event_count;
    struct acsa_error err;
};

/* ---- Helpers -------------------------------------------------------------------------- */

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

/* Reads a file of the source tree into a NUL-terminated heap buffer. */
static char *read_source(const char *relative, size_t *out_size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", ACSA_SOURCE_ROOT, relative);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    size_t size = fread(text, 1, 65535, file);
    fclose(file);
    *out_size = size;
    return text;
}

/* The store keeps an agreement as the canonical JSON it is given and hands the text back:
 * the test makes and parses it as the application does. */
static enum acsa_rc put_agreement(struct fixture *f, const struct acsa_agreement *a,
                                  const char *source)
{
    char *canonical = NULL;
    assert_int_equal(acsa_agreement_to_json(a, &canonical, &f->err), ACSA_OK);
    enum acsa_rc rc =
        f->store->vtbl->ledger->agreement_put(f->store, a, canonical, source, &f->err);
    acsa_free(canonical);
    return rc;
}

static enum acsa_rc parse_stored(void *ctx, const char *id, const char *json, size_t len,
                                 struct acsa_error *err)
{
    (void)id;
    return acsa_agreement_from_json(json, len, ctx, err);
}

static enum acsa_rc get_agreement(struct fixture *f, const char *id, struct acsa_agreement *out)
{
    return f->store->vtbl->ledger->agreement_get(f->store, id, parse_stored, out, &f->err);
}

static void load_agreement(struct fixture *f, const char *file, struct acsa_agreement *out)
{
    char relative[128];
    snprintf(relative, sizeof(relative), "agreements/%s", file);
    size_t size = 0;
    char *text = read_source(relative, &size);
    assert_int_equal(acsa_agreement_from_json(text, size, out, &f->err), ACSA_OK);
    assert_int_equal(put_agreement(f, out, text), ACSA_OK);
    free(text);
}

static void add_activity(struct fixture *f, struct acsa_activity *activity,
                         const char *agreement_id, const char *name, const char *from,
                         const char *to)
{
    memset(activity, 0, sizeof(*activity));
    snprintf(activity->agreement_id, sizeof(activity->agreement_id), "%s", agreement_id);
    snprintf(activity->name, sizeof(activity->name), "%s", name);
    snprintf(activity->type, sizeof(activity->type), "bilateral-training");
    snprintf(activity->place, sizeof(activity->place), "Arabian Sea");
    activity->from_day = day_of(from);
    activity->to_day = day_of(to);
    assert_int_equal(
        f->store->vtbl->ledger->activity_add(f->store, activity, &activity->id, &f->err), ACSA_OK);
    assert_true(activity->id > 0);
}

static void set_limit(struct fixture *f, const char *party, const char *name, const char *code,
                      int64_t limit_minor)
{
    int64_t id = 0;
    assert_int_equal(f->store->vtbl->ledger->official_set_limit(f->store, party, name,
                                                        acsa_currency_find(code), limit_minor,
                                                        &id, &f->err),
                     ACSA_OK);
    assert_true(id > 0);
}

/* The PostgreSQL database the tests run on, or NULL for SQLite. */
static const char *pg_uri(void)
{
    const char *uri = getenv("ACSA_TEST_PG");
    return uri != NULL && uri[0] != '\0' ? uri : NULL;
}

#if defined(ACSA_HAVE_PG)
/* Runs SQL on a connection of its own; the result's status is PGRES_COMMAND_OK or
 * PGRES_TUPLES_OK on success. */
static PGresult *pg_raw(const char *sql)
{
    PGconn *conn = PQconnectdb(pg_uri());
    assert_int_equal(PQstatus(conn), CONNECTION_OK);
    PGresult *res = PQexec(conn, sql);
    PQfinish(conn);
    return res;
}
#endif

/* Each test starts on an empty PostgreSQL database: the schema is dropped and made anew. */
static void pg_reset(void)
{
#if defined(ACSA_HAVE_PG)
    PGresult *res = pg_raw("SET client_min_messages = warning; "
                           "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
#else
    fail_msg("ACSA_TEST_PG is set but this acsa was built without libpq");
#endif
}

static void open_store(struct fixture *f, unsigned flags)
{
    const char *spec = pg_uri() != NULL ? pg_uri() : f->path;
    assert_int_equal(acsa_store_open(spec, flags, &f->store, &f->err), ACSA_OK);
    assert_non_null(f->store);
#if defined(ACSA_TEST_STORE_FAULT)
    f->store = acsa_store_fault_wrap(f->store);
    assert_non_null(f->store);
#endif
    assert_int_equal(f->store->vtbl->version, ACSA_STORE_INTERFACE_VERSION);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/acsa.db", f->dir);
    if (pg_uri() != NULL) {
        pg_reset();
    }
    /* FAST keeps the suite quick; one test opens with the default FULL. */
    open_store(f, ACSA_STORE_CREATE | ACSA_STORE_BULK_LOAD);
    load_agreement(f, "india-japan-2020.json", &f->agreement);
    load_agreement(f, "india-france-2018.json", &f->france);
    add_activity(f, &f->activity, "IN-JP-2020", "JIMEX 2024", "2024-06-01", "2024-06-20");
    add_activity(f, &f->shakti, "IN-FR-2018", "Shakti 2024", "2024-05-13", "2024-05-26");
    const struct acsa_store_vtbl *v = f->store->vtbl;
    assert_int_equal(v->ledger->unit_add(f->store, "IN", "Indian Navy", &f->unit_in, &f->err),
                     ACSA_OK);
    assert_int_equal(v->ledger->unit_add(f->store, "JP", "JMSDF", &f->unit_jp, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_add(f->store, "FR", "Marine nationale", &f->unit_fr, &f->err),
                     ACSA_OK);
    set_limit(f, "IN", "Cdr Rao", "INR", 100000000);
    set_limit(f, "IN", "Cdr Rao", "JPY", 5000000);
    set_limit(f, "IN", "Cdr Rao", "EUR", 5000000);
    set_limit(f, "JP", "Capt Sato", "JPY", 50000000);
    set_limit(f, "FR", "Cne Martin", "EUR", 5000000);
    *state = f;
    return 0;
}

static void remove_file(const char *dir, const char *name)
{
    char path[160];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    (void)unlink(path);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    acsa_store_close(f->store);
    remove_file(f->dir, "acsa.db");
    remove_file(f->dir, "acsa.db-wal");
    remove_file(f->dir, "acsa.db-shm");
    remove_file(f->dir, "junk.db");
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

/* Runs SQL on a connection of its own and returns the first column of the first row as text
 * ("" if none) in buf: how an operator with the sqlite3 shell would see the database. */
static const char *raw_text(const char *path, const char *sql, char *buf, size_t size)
{
    buf[0] = '\0';
#if defined(ACSA_HAVE_PG)
    if (pg_uri() != NULL) {
        PGresult *res = pg_raw(sql);
        assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
        if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
            snprintf(buf, size, "%s", PQgetvalue(res, 0, 0));
        }
        PQclear(res);
        return buf;
    }
#endif
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    buf[0] = '\0';
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != NULL) {
        snprintf(buf, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return buf;
}

static int64_t raw_int(const char *path, const char *sql)
{
    char text[64];
    raw_text(path, sql, text, sizeof(text));
    return strtoll(text, NULL, 10);
}

/* Runs SQL that changes something; returns the SQLite result code. */
static int raw_exec(const char *path, const char *sql)
{
#if defined(ACSA_HAVE_PG)
    if (pg_uri() != NULL) {
        PGresult *res = pg_raw(sql);
        int code = PQresultStatus(res) == PGRES_COMMAND_OK ? SQLITE_OK : SQLITE_ERROR;
        PQclear(res);
        return code;
    }
#endif
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    int code = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return code;
}

/* ---- Orders through the state machine ------------------------------------------------- */

static void remember_event(struct fixture *f)
{
    assert_true(f->event_count < EVENTS_MAX);
    f->events[f->event_count] = f->event;
    f->event_count++;
}

static void set_line(struct acsa_order_draft *draft, uint32_t index, const char *category,
                     int64_t quantity_milli, int64_t price_minor, const char *currency)
{
    struct acsa_order_line *line = &draft->lines[index];
    snprintf(line->category, sizeof(line->category), "%s", category);
    snprintf(line->description, sizeof(line->description), "%s supply", category);
    snprintf(line->nsn, sizeof(line->nsn), "9130-00-%03u-0001", index + 1);
    snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "ea");
    line->quantity_milli = quantity_milli;
    line->price_minor = price_minor;
    snprintf(draft->line_currency[index], ACSA_CURRENCY_SIZE, "%s", currency);
    draft->line_count = index + 1;
}

static int64_t unit_of(const struct fixture *f, const char *party)
{
    if (strcmp(party, "IN") == 0) {
        return f->unit_in;
    }
    return strcmp(party, "JP") == 0 ? f->unit_jp : f->unit_fr;
}

/* Creates an order with the core and inserts it. IN-JP orders have two JPY lines worth
 * 20,000 JPY; IN-FR orders one EUR line of 1,500.00 EUR. */
static void create_order(struct fixture *f, struct acsa_order *out, enum acsa_method method,
                         const char *requester, const char *supplier, int64_t sequence)
{
    bool france = strcmp(requester, "FR") == 0 || strcmp(supplier, "FR") == 0;
    struct acsa_order_draft draft;
    memset(&draft, 0, sizeof(draft));
    snprintf(draft.requester, sizeof(draft.requester), "%s", requester);
    snprintf(draft.supplier, sizeof(draft.supplier), "%s", supplier);
    draft.requester_unit_id = unit_of(f, requester);
    draft.supplier_unit_id = unit_of(f, supplier);
    draft.method = method;
    snprintf(draft.place, sizeof(draft.place), "Yokosuka");
    draft.need_by_day = day_of("2024-06-05");
    if (france) {
        set_line(&draft, 0, "food", 10000, 15000, "EUR");
    } else {
        set_line(&draft, 0, "pol", 10000, 1000, "JPY");
        set_line(&draft, 1, "food", 4000, 2500, "JPY");
    }
    char number[ACSA_NUMBER_SIZE];
    acsa_order_number_format(requester, supplier, 2024, sequence, number);
    const struct acsa_agreement *agreement = france ? &f->france : &f->agreement;
    const struct acsa_activity *activity = france ? &f->shakti : &f->activity;
    assert_int_equal(acsa_order_create(agreement, activity, &draft, number, day_of("2024-06-01"),
                                       "Lt Iyer", out, &f->event, &f->err),
                     ACSA_OK);
    assert_int_equal(f->store->vtbl->ledger->order_insert(f->store, out, &f->event, &f->err),
                     ACSA_OK);
    remember_event(f);
}

/* Applies one step with the core and stores the result, as the application layer does. The
 * approving and accepting officials are read from the store. */
static void step_on(struct fixture *f, struct acsa_order *order, enum acsa_step step,
                    const char *day, const char *actor, uint32_t line_no, int64_t quantity)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day_of(day);
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    snprintf(cmd.reason, sizeof(cmd.reason), "%s", step == ACSA_STEP_DISPUTE ? "short" : "");
    cmd.line_no = line_no;
    cmd.quantity_milli = quantity;
    if (step == ACSA_STEP_INVOICE) {
        /* Invoice numbers are unique across orders: one per order number here. */
        snprintf(cmd.invoice, sizeof(cmd.invoice), "INV-%.20s", order->number);
    }
    struct acsa_official official;
    if (step == ACSA_STEP_APPROVE || step == ACSA_STEP_ACCEPT) {
        const char *party = step == ACSA_STEP_APPROVE ? order->requester : order->supplier;
        assert_int_equal(
            f->store->vtbl->ledger->official_get(f->store, party, actor, &official, &f->err),
            ACSA_OK);
        cmd.official = &official;
    }
    const struct acsa_agreement *agreement =
        strcmp(order->agreement_id, f->france.id) == 0 ? &f->france : &f->agreement;
    enum acsa_rc rc = acsa_order_apply(agreement, "IN", order, &cmd, &f->event, &f->err);
    if (rc != ACSA_OK) {
        print_error("%s %s: %s\n", order->number, acsa_step_name(step), f->err.message);
    }
    assert_int_equal(rc, ACSA_OK);
    assert_int_equal(f->store->vtbl->ledger->order_update(f->store, order, &f->event, &f->err),
                     ACSA_OK);
    remember_event(f);
}

static const char *approver_of(const struct acsa_order *order)
{
    return strcmp(order->requester, "IN") == 0 ? "Cdr Rao" : "Capt Sato";
}

static const char *acceptor_of(const struct acsa_order *order)
{
    if (strcmp(order->supplier, "FR") == 0) {
        return "Cne Martin";
    }
    return strcmp(order->supplier, "JP") == 0 ? "Capt Sato" : "Cdr Rao";
}

static void to_accepted(struct fixture *f, struct acsa_order *order)
{
    step_on(f, order, ACSA_STEP_SUBMIT, "2024-06-02", "Lt Iyer", 0, 0);
    step_on(f, order, ACSA_STEP_APPROVE, "2024-06-03", approver_of(order), 0, 0);
    step_on(f, order, ACSA_STEP_ACCEPT, "2024-06-04", acceptor_of(order), 0, 0);
    assert_int_equal(order->state, ACSA_STATE_ACCEPTED);
}

/* Issues every line on 06-10 and receives it on 06-12. */
static void to_delivered(struct fixture *f, struct acsa_order *order)
{
    for (uint32_t no = 1; no <= order->line_count; no++) {
        int64_t quantity = order->lines[no - 1].quantity_milli;
        /* Every line issued and received on the 12th: no step before the one before it. */
        step_on(f, order, ACSA_STEP_ISSUE, "2024-06-12", "PO Tanaka", no, quantity);
        step_on(f, order, ACSA_STEP_RECEIVE, "2024-06-12", "CPO Das", no, quantity);
    }
    assert_int_equal(order->state, ACSA_STATE_DELIVERED);
}

static void assert_lines_equal(const struct acsa_order_line *a, const struct acsa_order_line *b)
{
    assert_string_equal(a->category, b->category);
    assert_string_equal(a->description, b->description);
    assert_string_equal(a->nsn, b->nsn);
    assert_string_equal(a->unit_of_issue, b->unit_of_issue);
    assert_int_equal(a->quantity_milli, b->quantity_milli);
    assert_int_equal(a->price_minor, b->price_minor);
    assert_int_equal(a->value_minor, b->value_minor);
    assert_int_equal(a->issued_milli, b->issued_milli);
    assert_int_equal(a->received_milli, b->received_milli);
    assert_int_equal(a->returned_milli, b->returned_milli);
    assert_int_equal(a->return_accepted_milli, b->return_accepted_milli);
}

static void assert_orders_equal(const struct acsa_order *a, const struct acsa_order *b)
{
    assert_string_equal(a->number, b->number);
    assert_string_equal(a->agreement_id, b->agreement_id);
    assert_string_equal(a->requester, b->requester);
    assert_string_equal(a->supplier, b->supplier);
    assert_int_equal(a->requester_unit_id, b->requester_unit_id);
    assert_int_equal(a->supplier_unit_id, b->supplier_unit_id);
    assert_int_equal(a->activity_id, b->activity_id);
    assert_int_equal(a->method, b->method);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->state_before_dispute, b->state_before_dispute);
    assert_string_equal(a->currency.code, b->currency.code);
    assert_int_equal(a->currency.exponent, b->currency.exponent);
    assert_string_equal(a->place, b->place);
    assert_int_equal(a->need_by_day, b->need_by_day);
    assert_int_equal(a->created_day, b->created_day);
    assert_int_equal(a->delivered_day, b->delivered_day);
    assert_int_equal(a->invoiced_day, b->invoiced_day);
    assert_int_equal(a->due_day, b->due_day);
    assert_int_equal(a->value_minor, b->value_minor);
    assert_int_equal(a->received_value_minor, b->received_value_minor);
    assert_int_equal(a->kind_settled_minor, b->kind_settled_minor);
    assert_int_equal(a->cash_due_minor, b->cash_due_minor);
    assert_int_equal(a->paid_minor, b->paid_minor);
    assert_int_equal(a->converted, b->converted);
    assert_string_equal(a->exchanged_with, b->exchanged_with);
    assert_int_equal(a->line_count, b->line_count);
    for (uint32_t i = 0; i < a->line_count; i++) {
        assert_lines_equal(&a->lines[i], &b->lines[i]);
    }
    assert_int_equal(a->event_count, b->event_count);
    assert_int_equal(a->last_step_day, b->last_step_day);
    assert_int_equal(a->duty_count, b->duty_count);
    for (uint32_t i = 0; i < a->duty_count; i++) {
        assert_int_equal(a->duties[i].step, b->duties[i].step);
        assert_string_equal(a->duties[i].actor, b->duties[i].actor);
    }
}

static void assert_stored(struct fixture *f, const struct acsa_order *order)
{
    assert_int_equal(
        f->store->vtbl->ledger->order_get(f->store, order->number, &f->loaded, &f->err), ACSA_OK);
    assert_orders_equal(order, &f->loaded);
}

/* ---- Collectors for scans ------------------------------------------------------------- */

struct collected {
    char numbers[ROWS_MAX][ACSA_NUMBER_SIZE];     /* Orders, in callback order. */
    struct acsa_event_row events[ROWS_MAX];       /* Events, in callback order. */
    struct acsa_balance_row balances[ROWS_MAX];   /* Balance rows, in callback order. */
    char names[ROWS_MAX][ACSA_NAME_SIZE];         /* Units, officials, activities. */
    struct acsa_official officials[ROWS_MAX];
    uint32_t count;
    uint32_t stop_after;                          /* Return EREFUSED after this many; 0 never. */
    struct fixture *f;                            /* For callbacks that call back in. */
    uint32_t nested;                              /* Rows seen by nested scans. */
};

static enum acsa_rc collected_next(struct collected *c)
{
    c->count++;
    return c->stop_after != 0 && c->count >= c->stop_after ? ACSA_EREFUSED : ACSA_OK;
}

static enum acsa_rc collect_order(void *ctx, const struct acsa_order_summary *order)
{
    struct collected *c = ctx;
    assert_true(c->count < ROWS_MAX);
    snprintf(c->numbers[c->count], ACSA_NUMBER_SIZE, "%s", order->number);
    return collected_next(c);
}

static enum acsa_rc collect_event(void *ctx, const struct acsa_event_row *row)
{
    struct collected *c = ctx;
    assert_true(c->count < ROWS_MAX);
    c->events[c->count] = *row;
    return collected_next(c);
}

static enum acsa_rc collect_balance(void *ctx, const struct acsa_balance_row *row)
{
    struct collected *c = ctx;
    assert_true(c->count < ROWS_MAX);
    c->balances[c->count] = *row;
    return collected_next(c);
}

static enum acsa_rc collect_unit(void *ctx, int64_t id, const char *party, const char *name)
{
    struct collected *c = ctx;
    assert_true(c->count < ROWS_MAX);
    assert_true(id > 0);
    snprintf(c->names[c->count], ACSA_NAME_SIZE, "%s/%s", party, name);
    return collected_next(c);
}

static enum acsa_rc collect_official(void *ctx, const struct acsa_official *official)
{
    struct collected *c = ctx;
    assert_true(c->count < ROWS_MAX);
    c->officials[c->count] = *official;
    return collected_next(c);
}

static enum acsa_rc collect_activity(void *ctx, const struct acsa_activity *activity)
{
    struct collected *c = ctx;
    assert_true(c->count < ROWS_MAX);
    snprintf(c->names[c->count], ACSA_NAME_SIZE, "%s", activity->name);
    return collected_next(c);
}

static enum acsa_rc collect_agreement(void *ctx, const char *id, const char *json, size_t len,
                                      struct acsa_error *err)
{
    (void)err;
    struct collected *c = ctx;
    assert_true(c->count < ROWS_MAX);
    assert_non_null(json);
    assert_true(len > 0 && json[0] == '{');
    snprintf(c->names[c->count], ACSA_NAME_SIZE, "%s", id);
    return collected_next(c);
}

static struct collected *collected_new(struct fixture *f)
{
    struct collected *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    c->f = f;
    return c;
}

static void list_orders(struct fixture *f, const struct acsa_order_filter *filter,
                        struct collected *c)
{
    c->count = 0;
    assert_int_equal(
        f->store->vtbl->ledger->order_list(f->store, filter, collect_order, c, &f->err), ACSA_OK);
}

static struct acsa_order_filter no_filter(void)
{
    struct acsa_order_filter filter;
    memset(&filter, 0, sizeof(filter));
    return filter;
}

static void check_balance(struct fixture *f, const char *partner, int32_t as_of);

/* ---- Opening and migrations ----------------------------------------------------------- */

static void test_open_missing_file(void **state)
{
    struct fixture *f = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/missing.db", f->dir);
    struct acsa_store *store = (struct acsa_store *)1;
    assert_int_equal(acsa_store_sqlite_open(path, 0, &store, &f->err), ACSA_ENOTFOUND);
    assert_null(store);
    char expected[256];
    snprintf(expected, sizeof(expected),
             "database \"%s\" does not exist (run \"acsa init\" first)", path);
    assert_string_equal(f->err.message, expected);
    assert_int_equal(access(path, F_OK), -1);
}

static void test_open_not_a_database(void **state)
{
    struct fixture *f = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/junk.db", f->dir);
    FILE *file = fopen(path, "wb");
    assert_non_null(file);
    for (int i = 0; i < 64; i++) {
        fputs("this is not an SQLite database file at all\n", file);
    }
    fclose(file);
    struct acsa_store *store = NULL;
    assert_int_equal(acsa_store_sqlite_open(path, 0, &store, &f->err), ACSA_ESTORAGE);
    assert_null(store);
    assert_memory_equal(f->err.message, "storage: ", 9);
}

/* SQLite: a database file renamed (or removed) under an open store takes no write: the
 * connection would write to a file its path no longer names, lost when it closes. Reads go on;
 * once the file is back, writes too. */
static void test_moved_file_refuses_writes(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    char moved[200];
    snprintf(moved, sizeof(moved), "%s.moved", f->path);
    assert_int_equal(rename(f->path, moved), 0);
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_EUNAVAILABLE);
    assert_string_equal(f->err.field, "database");
    assert_non_null(strstr(f->err.message, "removed or replaced since it was opened"));
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    assert_int_equal(v->ledger->unit_get(f->store, f->unit_in, party, name, &f->err), ACSA_OK);
    assert_int_equal(rename(moved, f->path), 0);
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->commit(f->store, &f->err), ACSA_OK);
}

static void test_migrations_idempotent(void **state)
{
    struct fixture *f = *state;
    char text[64];
    assert_true(acsa_store_schema_version() >= 1);
    assert_int_equal(raw_int(f->path, "SELECT max(version) FROM schema_migrations"),
                     acsa_store_schema_version());
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM schema_migrations"),
                     acsa_store_schema_version());
    assert_string_equal(raw_text(f->path, "PRAGMA journal_mode", text, sizeof(text)), "wal");
    /* Reopen twice, without CREATE and with the default synchronous=FULL: nothing re-runs
     * and the data is still there. */
    for (int i = 0; i < 2; i++) {
        acsa_store_close(f->store);
        f->store = NULL;
        open_store(f, 0);
    }
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM schema_migrations"),
                     acsa_store_schema_version());
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    assert_int_equal(f->store->vtbl->ledger->unit_get(f->store, f->unit_in, party, name, &f->err),
                     ACSA_OK);
    assert_string_equal(name, "Indian Navy");
}

static void test_newer_schema_refused(void **state)
{
    struct fixture *f = *state;
    acsa_store_close(f->store);
    f->store = NULL;
    assert_int_equal(raw_exec(f->path, "INSERT INTO schema_migrations VALUES (999, 'later')"),
                     SQLITE_OK);
    struct acsa_store *store = NULL;
    assert_int_equal(acsa_store_sqlite_open(f->path, 0, &store, &f->err), ACSA_ESTORAGE);
    assert_null(store);
    assert_non_null(strstr(f->err.message, "schema version 999"));
}

/* ---- Settings and reference data ------------------------------------------------------ */

static void test_meta(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    char value[32];
    assert_int_equal(v->meta_get(f->store, "nation", value, sizeof(value), &f->err),
                     ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "setting \"nation\" not found");
    assert_int_equal(v->meta_set(f->store, "nation", "IN", &f->err), ACSA_OK);
    assert_int_equal(v->meta_set(f->store, "name", "Indian Navy HQ", &f->err), ACSA_OK);
    assert_int_equal(v->meta_get(f->store, "nation", value, sizeof(value), &f->err), ACSA_OK);
    assert_string_equal(value, "IN");
    assert_int_equal(v->meta_set(f->store, "nation", "JP", &f->err), ACSA_OK);
    assert_int_equal(v->meta_get(f->store, "nation", value, sizeof(value), &f->err), ACSA_OK);
    assert_string_equal(value, "JP");
    /* A value longer than the buffer is an error, never cut short. */
    assert_int_equal(v->meta_get(f->store, "name", value, 5, &f->err), ACSA_ESTORAGE);
    assert_string_equal(value, "");
}

static void test_agreement_round_trip(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    struct acsa_agreement *loaded = calloc(1, sizeof(*loaded));
    assert_non_null(loaded);
    assert_int_equal(get_agreement(f, "IN-JP-2020", loaded), ACSA_OK);
    char *expected = NULL;
    char *got = NULL;
    assert_int_equal(acsa_agreement_to_json(&f->agreement, &expected, &f->err), ACSA_OK);
    assert_int_equal(acsa_agreement_to_json(loaded, &got, &f->err), ACSA_OK);
    assert_string_equal(got, expected);
    assert_string_equal(loaded->parties[1], "JP");
    assert_int_equal(loaded->effective_from_day, day_of("2020-09-09"));
    /* The canonical JSON is what is stored; the loaded text is kept beside it. */
    char text[64];
    assert_string_equal(raw_text(f->path, "SELECT effective_from FROM agreements "
                                          "WHERE id = 'IN-JP-2020'", text, sizeof(text)),
                        "2020-09-09");
    size_t size = 0;
    free(read_source("agreements/india-japan-2020.json", &size));
    assert_int_equal(raw_int(f->path, pg_uri() != NULL
                                          ? "SELECT octet_length(loaded_json) "
                                            "FROM agreements WHERE id = 'IN-JP-2020'"
                                          : "SELECT length(CAST(loaded_json AS BLOB)) "
                                            "FROM agreements WHERE id = 'IN-JP-2020'"),
                     size);
    free(got);
    free(expected);

    /* Putting it again replaces it. */
    snprintf(f->agreement.title, sizeof(f->agreement.title), "Renamed");
    assert_int_equal(put_agreement(f, &f->agreement, NULL), ACSA_OK);
    assert_int_equal(get_agreement(f, "IN-JP-2020", loaded), ACSA_OK);
    assert_string_equal(loaded->title, "Renamed");
    assert_int_equal(get_agreement(f, loaded->id, loaded), ACSA_OK);
    assert_string_equal(loaded->id, "IN-JP-2020");

    assert_int_equal(get_agreement(f, "XX-YY-1999", loaded), ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "agreement \"XX-YY-1999\" not found");

    struct collected *c = collected_new(f);
    assert_int_equal(v->ledger->agreement_list(f->store, collect_agreement, c, &f->err), ACSA_OK);
    assert_int_equal(c->count, 2);
    assert_string_equal(c->names[0], "IN-FR-2018");
    assert_string_equal(c->names[1], "IN-JP-2020");
    free(c);
    free(loaded);
}

static void test_units(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    int64_t id = 0;
    assert_int_equal(v->ledger->unit_add(f->store, "IN", "Indian Navy", &id, &f->err),
                     ACSA_EEXISTS);
    assert_string_equal(f->err.message, "unit \"Indian Navy\" of IN already exists");
    assert_int_equal(id, 0);
    /* The same name in the other party is another unit. */
    assert_int_equal(v->ledger->unit_add(f->store, "JP", "Indian Navy", &id, &f->err), ACSA_OK);
    assert_true(id > f->unit_fr);
    assert_int_equal(v->ledger->unit_add(f->store, "IN", "Indian Army", &id, &f->err), ACSA_OK);

    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    assert_int_equal(v->ledger->unit_get(f->store, f->unit_jp, party, name, &f->err), ACSA_OK);
    assert_string_equal(party, "JP");
    assert_string_equal(name, "JMSDF");
    assert_int_equal(v->ledger->unit_get(f->store, 9, party, name, &f->err), ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "unit 9 not found");

    struct collected *c = collected_new(f);
    assert_int_equal(v->ledger->unit_list(f->store, collect_unit, c, &f->err), ACSA_OK);
    assert_int_equal(c->count, 5);
    assert_string_equal(c->names[0], "FR/Marine nationale");
    assert_string_equal(c->names[1], "IN/Indian Army");
    assert_string_equal(c->names[2], "IN/Indian Navy");
    assert_string_equal(c->names[3], "JP/Indian Navy");
    assert_string_equal(c->names[4], "JP/JMSDF");
    free(c);
}

static void test_officials(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    struct acsa_official official;
    assert_int_equal(v->ledger->official_get(f->store, "IN", "Cdr Rao", &official, &f->err),
                     ACSA_OK);
    int64_t rao = official.id;
    assert_string_equal(official.party, "IN");
    assert_int_equal(official.limit_count, 3);
    /* Limits come ordered by currency code. */
    assert_string_equal(official.limit_currency[0].code, "EUR");
    assert_string_equal(official.limit_currency[1].code, "INR");
    assert_int_equal(official.limit_currency[1].exponent, 2);
    assert_int_equal(official.limit_minor[1], 100000000);
    assert_string_equal(official.limit_currency[2].code, "JPY");
    assert_int_equal(official.limit_currency[2].exponent, 0);

    /* Setting a limit again replaces it and keeps the official. */
    int64_t id = 0;
    assert_int_equal(v->ledger->official_set_limit(f->store, "IN", "Cdr Rao",
                                                   acsa_currency_find("INR"), 250000000, &id,
                                                   &f->err),
                     ACSA_OK);
    assert_int_equal(id, rao);
    assert_int_equal(v->ledger->official_get(f->store, "IN", "Cdr Rao", &official, &f->err),
                     ACSA_OK);
    assert_int_equal(official.limit_count, 3);
    assert_int_equal(official.limit_minor[1], 250000000);
    /* Keys may point into the output. */
    assert_int_equal(
        v->ledger->official_get(f->store, official.party, official.name, &official, &f->err),
        ACSA_OK);
    assert_int_equal(official.id, rao);

    assert_int_equal(v->ledger->official_get(f->store, "IN", "Capt Sato", &official, &f->err),
                     ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "official \"Capt Sato\" of IN not found");
    assert_int_equal(official.id, 0);

    /* One official holds at most ACSA_OFFICIAL_LIMITS_MAX currencies. */
    const char *codes[] = {"USD", "AUD", "GBP", "CAD", "KRW", "SGD"};
    for (unsigned i = 0; i < 5; i++) {
        set_limit(f, "IN", "Cdr Rao", codes[i], 1000);
    }
    assert_int_equal(v->ledger->official_set_limit(f->store, "IN", "Cdr Rao",
                                                   acsa_currency_find("SGD"), 1000, &id, &f->err),
                     ACSA_EUSAGE);
    set_limit(f, "IN", "Cdr Rao", "USD", 2000);

    struct collected *c = collected_new(f);
    assert_int_equal(v->ledger->official_list(f->store, collect_official, c, &f->err), ACSA_OK);
    assert_int_equal(c->count, 3);
    assert_string_equal(c->officials[0].party, "FR");
    assert_string_equal(c->officials[1].name, "Cdr Rao");
    assert_int_equal(c->officials[1].limit_count, ACSA_OFFICIAL_LIMITS_MAX);
    assert_string_equal(c->officials[2].name, "Capt Sato");
    assert_int_equal(c->officials[2].limit_count, 1);
    assert_int_equal(c->officials[2].limit_minor[0], 50000000);
    free(c);
}

static void test_activities(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    struct acsa_activity loaded;
    assert_int_equal(v->ledger->activity_get(f->store, f->activity.id, &loaded, &f->err), ACSA_OK);
    assert_int_equal(loaded.id, f->activity.id);
    assert_string_equal(loaded.agreement_id, "IN-JP-2020");
    assert_string_equal(loaded.name, "JIMEX 2024");
    assert_string_equal(loaded.type, "bilateral-training");
    assert_string_equal(loaded.place, "Arabian Sea");
    assert_int_equal(loaded.from_day, day_of("2024-06-01"));
    assert_int_equal(loaded.to_day, day_of("2024-06-20"));

    int64_t id = 0;
    assert_int_equal(v->ledger->activity_add(f->store, &f->activity, &id, &f->err), ACSA_EEXISTS);
    assert_string_equal(f->err.message,
                        "activity \"JIMEX 2024\" under agreement IN-JP-2020 already exists");
    struct acsa_activity stray = f->activity;
    snprintf(stray.agreement_id, sizeof(stray.agreement_id), "XX-YY-1999");
    assert_int_equal(v->ledger->activity_add(f->store, &stray, &id, &f->err), ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "agreement \"XX-YY-1999\" not found");
    assert_int_equal(v->ledger->activity_get(f->store, 7, &loaded, &f->err), ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "activity 7 not found");

    struct acsa_activity early;
    add_activity(f, &early, "IN-JP-2020", "Dharma Guardian 2024", "2024-02-25", "2024-03-09");
    struct collected *c = collected_new(f);
    assert_int_equal(v->ledger->activity_list(f->store, "IN-JP-2020", collect_activity, c, &f->err),
                     ACSA_OK);
    assert_int_equal(c->count, 2);
    assert_string_equal(c->names[0], "Dharma Guardian 2024");
    assert_string_equal(c->names[1], "JIMEX 2024");
    c->count = 0;
    assert_int_equal(v->ledger->activity_list(f->store, "", collect_activity, c, &f->err), ACSA_OK);
    assert_int_equal(c->count, 3);
    assert_string_equal(c->names[1], "Shakti 2024");
    free(c);
}

/* ---- Orders --------------------------------------------------------------------------- */

static void test_order_sequence(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    int64_t sequence = 0;
    for (int64_t expected = 1; expected <= 3; expected++) {
        assert_int_equal(
            v->ledger->order_next_sequence(f->store, "IN", "JP", 2024, &sequence, &f->err),
            ACSA_OK);
        assert_int_equal(sequence, expected);
    }
    assert_int_equal(v->ledger->order_next_sequence(f->store, "JP", "IN", 2024, &sequence, &f->err),
                     ACSA_OK);
    assert_int_equal(sequence, 1);
    assert_int_equal(v->ledger->order_next_sequence(f->store, "IN", "JP", 2025, &sequence, &f->err),
                     ACSA_OK);
    assert_int_equal(sequence, 1);
    /* A refused command rolls its number back: the next command gets the same one. */
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->order_next_sequence(f->store, "IN", "JP", 2024, &sequence, &f->err),
                     ACSA_OK);
    assert_int_equal(sequence, 4);
    v->rollback(f->store);
    assert_int_equal(v->ledger->order_next_sequence(f->store, "IN", "JP", 2024, &sequence, &f->err),
                     ACSA_OK);
    assert_int_equal(sequence, 4);
}

static void test_order_round_trip(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 1);
    assert_stored(f, &f->order);
    assert_int_equal(f->loaded.line_count, 2);
    assert_int_equal(f->loaded.event_count, 1);
    assert_int_equal(f->loaded.duty_count, 1);
    assert_int_equal(f->loaded.duties[0].step, ACSA_STEP_CREATE);
    assert_string_equal(f->loaded.duties[0].actor, "Lt Iyer");
    assert_int_equal(f->loaded.due_day, ACSA_DATE_NONE);

    /* Each step is stored and reads back equal, lines and history included. */
    to_accepted(f, &f->order);
    assert_stored(f, &f->order);
    to_delivered(f, &f->order);
    assert_stored(f, &f->order);
    step_on(f, &f->order, ACSA_STEP_INVOICE, "2024-06-20", "Cdr Mori", 0, 0);
    assert_stored(f, &f->order);
    step_on(f, &f->order, ACSA_STEP_DISPUTE, "2024-06-25", "Lt Iyer", 0, 0);
    assert_int_equal(f->order.state_before_dispute, ACSA_STATE_INVOICED);
    assert_stored(f, &f->order);
    assert_int_equal(f->loaded.event_count, 10);

    /* Dates are readable ISO text, and none is NULL. */
    char text[64];
    assert_string_equal(raw_text(f->path, "SELECT created_on || ' ' || due_on || ' ' || "
                                          "state_before_dispute FROM orders",
                                 text, sizeof(text)),
                        "2024-06-01 2024-07-20 invoiced");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM orders WHERE need_by IS NULL"), 0);

    assert_int_equal(v->ledger->order_insert(f->store, &f->order, &f->event, &f->err),
                     ACSA_EEXISTS);
    assert_string_equal(f->err.message, "order \"IN-JP-2024-000001\" already exists");
    assert_int_equal(v->ledger->order_get(f->store, "IN-JP-2024-000042", &f->loaded, &f->err),
                     ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "order \"IN-JP-2024-000042\" not found");
    assert_string_equal(f->loaded.number, "");
    f->other = f->order;
    snprintf(f->other.number, sizeof(f->other.number), "IN-JP-2024-000042");
    assert_int_equal(v->ledger->order_update(f->store, &f->other, &f->event, &f->err),
                     ACSA_ENOTFOUND);
    /* The failed update left nothing behind. */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM events"), f->event_count);

    /* A damaged value is reported with its column, never read as a wrong state or date. */
    assert_int_equal(raw_exec(f->path, "UPDATE orders SET state = 'lost'"), SQLITE_OK);
    assert_int_equal(v->ledger->order_get(f->store, f->order.number, &f->loaded, &f->err),
                     ACSA_ESTORAGE);
    assert_string_equal(f->err.message, "storage: stored column \"state\" holds an invalid value");
    assert_int_equal(raw_exec(f->path, "UPDATE orders SET state = 'disputed', "
                                       "need_by = '2024-13-01'"),
                     SQLITE_OK);
    assert_int_equal(v->ledger->order_get(f->store, f->order.number, &f->loaded, &f->err),
                     ACSA_ESTORAGE);
    assert_string_equal(f->err.message,
                        "storage: stored column \"need_by\" holds an invalid value");
}

static void assert_events_equal(const struct acsa_event *a, const struct acsa_event *b)
{
    assert_int_equal(a->step, b->step);
    assert_int_equal(a->day, b->day);
    assert_string_equal(a->actor, b->actor);
    assert_int_equal(a->state_from, b->state_from);
    assert_int_equal(a->state_to, b->state_to);
    assert_int_equal(a->line_no, b->line_no);
    assert_int_equal(a->quantity_milli, b->quantity_milli);
    assert_int_equal(a->amount_minor, b->amount_minor);
    assert_string_equal(a->detail, b->detail);
    assert_int_equal(a->posting_count, b->posting_count);
    for (uint32_t i = 0; i < a->posting_count; i++) {
        const struct acsa_posting *x = &a->postings[i];
        const struct acsa_posting *y = &b->postings[i];
        assert_int_equal(x->account, y->account);
        assert_string_equal(x->partner, y->partner);
        assert_string_equal(x->currency, y->currency);
        assert_int_equal(x->amount_minor, y->amount_minor);
        assert_int_equal(x->quantity_milli, y->quantity_milli);
        assert_int_equal(x->line_no, y->line_no);
    }
}

static void test_events(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 1);
    to_accepted(f, &f->order);
    to_delivered(f, &f->order);
    step_on(f, &f->order, ACSA_STEP_INVOICE, "2024-06-20", "Cdr Mori", 0, 0);
    struct acsa_command pay;
    memset(&pay, 0, sizeof(pay));
    pay.step = ACSA_STEP_PAY;
    pay.day = day_of("2024-07-01");
    snprintf(pay.actor, sizeof(pay.actor), "Lt Iyer");
    pay.amount_minor = 5000;
    snprintf(pay.currency, sizeof(pay.currency), "JPY");
    assert_int_equal(acsa_order_apply(&f->agreement, "IN", &f->order, &pay, &f->event, &f->err),
                     ACSA_OK);
    assert_int_equal(v->ledger->order_update(f->store, &f->order, &f->event, &f->err), ACSA_OK);
    remember_event(f);
    create_order(f, &f->other, ACSA_METHOD_RIK, "IN", "JP", 2);

    struct collected *c = collected_new(f);
    assert_int_equal(v->ledger->event_list(f->store, f->order.number, collect_event, c, &f->err),
                     ACSA_OK);
    /* All events but the other order's create, oldest first, with their postings. */
    assert_int_equal(c->count, f->event_count - 1);
    int64_t last_id = 0;
    uint32_t postings = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        assert_true(c->events[i].id > last_id);
        last_id = c->events[i].id;
        assert_string_equal(c->events[i].order_number, f->order.number);
        assert_events_equal(&c->events[i].event, &f->events[i]);
        postings += c->events[i].event.posting_count;
    }
    assert_true(postings >= 4);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM postings WHERE order_number = "
                                      "'IN-JP-2024-000001'"),
                     postings);
    assert_int_equal(c->events[c->count - 1].event.step, ACSA_STEP_PAY);

    c->count = 0;
    assert_int_equal(
        v->ledger->event_list(f->store, "IN-JP-2024-000099", collect_event, c, &f->err),
        ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "order \"IN-JP-2024-000099\" not found");
    assert_int_equal(c->count, 0);
    free(c);

    /* The history is append-only even for someone with the sqlite3 shell. */
    assert_int_not_equal(raw_exec(f->path, "UPDATE events SET actor = 'X'"), SQLITE_OK);
    assert_int_not_equal(raw_exec(f->path, "DELETE FROM postings"), SQLITE_OK);
}

/* Four orders in different states, agreements and directions:
 *   IN-FR-2024-000001  cash EUR, accepted
 *   IN-JP-2024-000001  cash JPY, invoiced 06-20, due 07-20
 *   IN-JP-2024-000002  rik JPY, delivered 06-12, due 2025-06-12
 *   JP-IN-2024-000001  cash JPY, draft */
static void build_orders(struct fixture *f)
{
    struct acsa_order *order = &f->other;
    create_order(f, order, ACSA_METHOD_CASH, "IN", "JP", 1);
    to_accepted(f, order);
    to_delivered(f, order);
    step_on(f, order, ACSA_STEP_INVOICE, "2024-06-20", "Cdr Mori", 0, 0);
    create_order(f, order, ACSA_METHOD_RIK, "IN", "JP", 2);
    to_accepted(f, order);
    to_delivered(f, order);
    create_order(f, order, ACSA_METHOD_CASH, "JP", "IN", 1);
    create_order(f, order, ACSA_METHOD_CASH, "IN", "FR", 1);
    to_accepted(f, order);
}

static void expect_numbers(const struct collected *c, uint32_t count, const char *const *numbers)
{
    assert_int_equal(c->count, count);
    for (uint32_t i = 0; i < count; i++) {
        assert_string_equal(c->numbers[i], numbers[i]);
    }
}

static void test_order_list_filters(void **state)
{
    struct fixture *f = *state;
    build_orders(f);
    struct collected *c = collected_new(f);
    struct acsa_order_filter filter = no_filter();
    list_orders(f, &filter, c);
    const char *all[] = {"IN-FR-2024-000001", "IN-JP-2024-000001", "IN-JP-2024-000002",
                         "JP-IN-2024-000001"};
    expect_numbers(c, 4, all);
    list_orders(f, NULL, c);
    expect_numbers(c, 4, all);

    filter.state_set = true;
    filter.state = ACSA_STATE_DELIVERED;
    list_orders(f, &filter, c);
    expect_numbers(c, 1, (const char *[]){"IN-JP-2024-000002"});
    filter.state = ACSA_STATE_DRAFT;
    list_orders(f, &filter, c);
    expect_numbers(c, 1, (const char *[]){"JP-IN-2024-000001"});

    filter = no_filter();
    snprintf(filter.agreement_id, sizeof(filter.agreement_id), "IN-FR-2018");
    list_orders(f, &filter, c);
    expect_numbers(c, 1, all);

    filter = no_filter();
    filter.activity_id = f->activity.id;
    list_orders(f, &filter, c);
    expect_numbers(c, 3, all + 1);

    filter = no_filter();
    snprintf(filter.partner, sizeof(filter.partner), "JP");
    list_orders(f, &filter, c);
    expect_numbers(c, 3, all + 1);
    snprintf(filter.partner, sizeof(filter.partner), "IN");
    list_orders(f, &filter, c);
    expect_numbers(c, 4, all);
    filter.state_set = true;
    filter.state = ACSA_STATE_INVOICED;
    list_orders(f, &filter, c);
    expect_numbers(c, 1, all + 1);
    free(c);
}

/* What convert-overdue does: converts each order the scan yields, inside the scan. */
static enum acsa_rc convert_listed(void *ctx, const struct acsa_order_summary *summary)
{
    struct collected *c = ctx;
    struct fixture *f = c->f;
    assert_int_equal(
        f->store->vtbl->ledger->order_get(f->store, summary->number, &f->loaded, &f->err), ACSA_OK);
    step_on(f, &f->loaded, ACSA_STEP_CONVERT, "2025-06-13", "Cdr Mori", 0, 0);
    return collected_next(c);
}

static void test_order_list_overdue(void **state)
{
    struct fixture *f = *state;
    build_orders(f);
    struct collected *c = collected_new(f);
    struct acsa_order_filter filter = no_filter();
    /* The cash order is due 2024-07-20: overdue from the day after. */
    acsa_order_overdue_rule(day_of("2024-07-20"), &filter.due);
    list_orders(f, &filter, c);
    assert_int_equal(c->count, 0);
    acsa_order_overdue_rule(day_of("2024-07-21"), &filter.due);
    list_orders(f, &filter, c);
    expect_numbers(c, 1, (const char *[]){"IN-JP-2024-000001"});
    acsa_order_overdue_rule(day_of("2025-06-13"), &filter.due);
    list_orders(f, &filter, c);
    expect_numbers(c, 2, (const char *[]){"IN-JP-2024-000001", "IN-JP-2024-000002"});

    /* Only the in-kind order is convertible, and only once it is overdue. */
    acsa_order_convertible_rule(day_of("2025-06-13"), &filter.due);
    list_orders(f, &filter, c);
    expect_numbers(c, 1, (const char *[]){"IN-JP-2024-000002"});
    acsa_order_convertible_rule(day_of("2024-07-21"), &filter.due);
    list_orders(f, &filter, c);
    assert_int_equal(c->count, 0);

    /* The store and the core agree on every order. */
    assert_int_equal(f->store->vtbl->ledger->order_get(f->store, "IN-JP-2024-000002", &f->loaded,
                                               &f->err),
                     ACSA_OK);
    assert_true(acsa_order_convertible(&f->loaded, day_of("2025-06-13")));
    assert_false(acsa_order_convertible(&f->loaded, day_of("2024-07-21")));

    /* Writing to the orders a scan is reading visits each order once. */
    acsa_order_convertible_rule(day_of("2025-06-13"), &filter.due);
    c->count = 0;
    assert_int_equal(
        f->store->vtbl->ledger->order_list(f->store, &filter, convert_listed, c, &f->err), ACSA_OK);
    assert_int_equal(c->count, 1);
    list_orders(f, &filter, c);
    assert_int_equal(c->count, 0);
    f->order = f->loaded;
    /* Reloading an order in place: the number read points into the output. */
    assert_int_equal(
        f->store->vtbl->ledger->order_get(f->store, f->loaded.number, &f->loaded, &f->err),
        ACSA_OK);
    assert_orders_equal(&f->order, &f->loaded);
    assert_true(f->loaded.converted);
    assert_int_equal(f->loaded.state, ACSA_STATE_INVOICED);
    check_balance(f, "", ACSA_DATE_NONE);
    free(c);
}

/* Summary fields as the list reports them. */
static enum acsa_rc check_summary(void *ctx, const struct acsa_order_summary *order)
{
    struct collected *c = ctx;
    struct acsa_order *loaded = &c->f->loaded;
    assert_int_equal(c->f->store->vtbl->ledger->order_get(c->f->store, order->number, loaded,
                                                  &c->f->err),
                     ACSA_OK);
    assert_string_equal(order->agreement_id, loaded->agreement_id);
    assert_string_equal(order->requester, loaded->requester);
    assert_string_equal(order->supplier, loaded->supplier);
    assert_int_equal(order->activity_id, loaded->activity_id);
    assert_int_equal(order->method, loaded->method);
    assert_int_equal(order->state, loaded->state);
    assert_string_equal(order->currency, loaded->currency.code);
    assert_int_equal(order->exponent, loaded->currency.exponent);
    assert_int_equal(order->value_minor, loaded->value_minor);
    assert_int_equal(order->outstanding_minor, acsa_order_outstanding(loaded));
    assert_int_equal(order->created_day, loaded->created_day);
    assert_int_equal(order->delivered_day, loaded->delivered_day);
    assert_int_equal(order->due_day, loaded->due_day);
    /* A scan of the same kind inside the callback runs on a statement of its own. */
    struct collected inner;
    memset(&inner, 0, sizeof(inner));
    assert_int_equal(c->f->store->vtbl->ledger->order_list(c->f->store, NULL, collect_order, &inner,
                                                   &c->f->err),
                     ACSA_OK);
    c->nested += inner.count;
    return collected_next(c);
}

static void test_order_list_summary_and_nesting(void **state)
{
    struct fixture *f = *state;
    build_orders(f);
    struct collected *c = collected_new(f);
    assert_int_equal(f->store->vtbl->ledger->order_list(f->store, NULL, check_summary, c, &f->err),
                     ACSA_OK);
    assert_int_equal(c->count, 4);
    assert_int_equal(c->nested, 16);

    /* A callback's code other than ACSA_OK stops the scan and is returned. */
    c->count = 0;
    c->stop_after = 2;
    assert_int_equal(f->store->vtbl->ledger->order_list(f->store, NULL, collect_order, c, &f->err),
                     ACSA_EREFUSED);
    assert_int_equal(c->count, 2);
    c->count = 0;
    c->stop_after = 0;
    list_orders(f, NULL, c);
    assert_int_equal(c->count, 4);
    free(c);
}

/* ---- Balance -------------------------------------------------------------------------- */

/* The balance computed from the events the core made, as the store should report it. */
static void expected_balance(const struct fixture *f, const char *partner, int32_t as_of,
                             struct collected *out)
{
    out->count = 0;
    for (uint32_t e = 0; e < f->event_count; e++) {
        const struct acsa_event *event = &f->events[e];
        for (uint32_t p = 0; p < event->posting_count; p++) {
            const struct acsa_posting *leg = &event->postings[p];
            if ((partner[0] != '\0' && strcmp(partner, leg->partner) != 0) ||
                (as_of != ACSA_DATE_NONE && event->day > as_of)) {
                continue;
            }
            uint32_t i = 0;
            while (i < out->count && (strcmp(out->balances[i].partner, leg->partner) != 0 ||
                                      strcmp(out->balances[i].currency, leg->currency) != 0 ||
                                      out->balances[i].account != leg->account)) {
                i++;
            }
            if (i == out->count) {
                assert_true(out->count < ROWS_MAX);
                memset(&out->balances[i], 0, sizeof(out->balances[i]));
                memcpy(out->balances[i].partner, leg->partner, ACSA_NATION_SIZE);
                memcpy(out->balances[i].currency, leg->currency, ACSA_CURRENCY_SIZE);
                out->balances[i].account = leg->account;
                out->count++;
            }
            out->balances[i].amount_minor += leg->amount_minor;
            out->balances[i].quantity_milli += leg->quantity_milli;
        }
    }
}

/* Every expected row is reported once, and rows come by partner, currency, account. */
static void check_balance(struct fixture *f, const char *partner, int32_t as_of)
{
    struct collected *expected = collected_new(f);
    struct collected *got = collected_new(f);
    expected_balance(f, partner, as_of, expected);
    assert_int_equal(f->store->vtbl->ledger->balance(f->store, partner, as_of, collect_balance, got,
                                             &f->err),
                     ACSA_OK);
    assert_int_equal(got->count, expected->count);
    for (uint32_t i = 0; i < got->count; i++) {
        const struct acsa_balance_row *row = &got->balances[i];
        uint32_t j = 0;
        while (j < expected->count && (strcmp(expected->balances[j].partner, row->partner) != 0 ||
                                       strcmp(expected->balances[j].currency, row->currency) != 0 ||
                                       expected->balances[j].account != row->account)) {
            j++;
        }
        assert_true(j < expected->count);
        assert_int_equal(row->amount_minor, expected->balances[j].amount_minor);
        assert_int_equal(row->quantity_milli, expected->balances[j].quantity_milli);
        if (i > 0) {
            const struct acsa_balance_row *prev = &got->balances[i - 1];
            int order = strcmp(prev->partner, row->partner);
            order = order != 0 ? order : strcmp(prev->currency, row->currency);
            assert_true(order < 0 || (order == 0 && prev->account < row->account));
        }
    }
    free(expected);
    free(got);
}

static void test_balance(void **state)
{
    struct fixture *f = *state;
    build_orders(f);
    /* The French order has postings only once something is received. */
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "FR", 2);
    to_accepted(f, &f->order);
    to_delivered(f, &f->order);
    check_balance(f, "", ACSA_DATE_NONE);
    check_balance(f, "JP", ACSA_DATE_NONE);
    check_balance(f, "FR", ACSA_DATE_NONE);
    check_balance(f, "US", ACSA_DATE_NONE);
    check_balance(f, "", day_of("2024-06-11"));
    check_balance(f, "", day_of("2024-06-12"));
    check_balance(f, "JP", day_of("2024-06-19"));

    /* Spot checks against hand-computed numbers: IN received 2 x 20,000 JPY from JP, one
     * order in cash (now invoiced) and one in kind (10 + 4 units). */
    struct collected *c = collected_new(f);
    assert_int_equal(f->store->vtbl->ledger->balance(f->store, "JP", ACSA_DATE_NONE,
                                                     collect_balance, c, &f->err),
                     ACSA_OK);
    int64_t received = 0;
    int64_t kind_quantity = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        assert_string_equal(c->balances[i].currency, "JPY");
        if (c->balances[i].account == ACSA_ACCOUNT_RECEIVED) {
            received = (int64_t)c->balances[i].amount_minor; /* Fits: one order. */
        }
        if (c->balances[i].account == ACSA_ACCOUNT_PAYABLE_KIND) {
            kind_quantity = (int64_t)c->balances[i].quantity_milli;
        }
    }
    assert_int_equal(received, 40000);
    assert_int_equal(kind_quantity, -14000);
    c->count = 0;
    assert_int_equal(f->store->vtbl->ledger->balance(f->store, "", day_of("2024-06-01"),
                                                     collect_balance, c, &f->err),
                     ACSA_OK);
    assert_int_equal(c->count, 0);
    free(c);
}

/* Whether two scans of the balance gave the same rows in the same order. */
static void assert_balances_equal(const struct collected *a, const struct collected *b)
{
    assert_int_equal(a->count, b->count);
    for (uint32_t i = 0; i < a->count; i++) {
        const struct acsa_balance_row *x = &a->balances[i];
        const struct acsa_balance_row *y = &b->balances[i];
        assert_string_equal(x->partner, y->partner);
        assert_string_equal(x->currency, y->currency);
        assert_int_equal(x->account, y->account);
        assert_true(x->amount_minor == y->amount_minor);
        assert_true(x->quantity_milli == y->quantity_milli);
    }
}

/* The current balance (the sums kept with every posting) against the sum of every posting
 * (a balance as of the last day there is: the GROUP BY over the postings), all partners and
 * each. */
static void check_kept_equals_postings(struct fixture *f)
{
    const char *partners[] = {"", "JP", "FR", "US"};
    struct collected *kept = collected_new(f);
    struct collected *summed = collected_new(f);
    for (size_t p = 0; p < sizeof(partners) / sizeof(partners[0]); p++) {
        kept->count = 0;
        summed->count = 0;
        assert_int_equal(f->store->vtbl->ledger->balance(f->store, partners[p], ACSA_DATE_NONE,
                                                         collect_balance, kept, &f->err),
                         ACSA_OK);
        assert_int_equal(f->store->vtbl->ledger->balance(f->store, partners[p], ACSA_DATE_LAST,
                                                         collect_balance, summed, &f->err),
                         ACSA_OK);
        assert_balances_equal(kept, summed);
        check_balance(f, partners[p], ACSA_DATE_NONE);
    }
    free(kept);
    free(summed);
}

/* A mixed history (cash and in-kind orders each way, several partners, invoices, a level
 * rolled back and a whole transaction rolled back): the balance kept with every posting
 * equals the GROUP BY over the postings at every point, on every backend. */
static void test_balance_kept_equals_postings(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    check_kept_equals_postings(f); /* No posting yet: both empty. */
    build_orders(f);
    check_kept_equals_postings(f);
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "FR", 2);
    to_accepted(f, &f->order);
    to_delivered(f, &f->order);
    create_order(f, &f->order, ACSA_METHOD_RIK, "JP", "IN", 2);
    to_accepted(f, &f->order);
    check_kept_equals_postings(f);

    /* Postings written and rolled back leave the kept balance as it was: whole transaction. */
    struct collected *before = collected_new(f);
    struct collected *after = collected_new(f);
    assert_int_equal(v->ledger->balance(f->store, "", ACSA_DATE_NONE, collect_balance, before,
                                        &f->err),
                     ACSA_OK);
    uint32_t events = f->event_count;
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 3);
    to_accepted(f, &f->order);
    to_delivered(f, &f->order);
    v->rollback(f->store);
    f->event_count = events;
    assert_int_equal(v->ledger->balance(f->store, "", ACSA_DATE_NONE, collect_balance, after,
                                        &f->err),
                     ACSA_OK);
    assert_balances_equal(before, after);
    check_kept_equals_postings(f);

    /* An inner level rolled back takes its postings' sums with it; the outer keeps its own. */
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 3);
    to_accepted(f, &f->order);
    events = f->event_count;
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    to_delivered(f, &f->order);
    v->rollback(f->store);
    f->event_count = events;
    assert_int_equal(v->commit(f->store, &f->err), ACSA_OK);
    check_kept_equals_postings(f);
    free(before);
    free(after);
}

/* ---- The reports of requirement 15 (version 10) ----------------------------------------- */

struct statement_rows {
    struct acsa_statement_row rows[ROWS_MAX];
    uint32_t count;
};

static enum acsa_rc collect_statement(void *ctx, const struct acsa_statement_row *row)
{
    struct statement_rows *c = ctx;
    assert_true(c->count < ROWS_MAX);
    c->rows[c->count++] = *row;
    return ACSA_OK;
}

/* The statement's postings are the fixture's legs of the accounts in the period, by day and
 * then as written, each with its event's step. */
static void check_statement(struct fixture *f, const char *partner, const char *currency,
                            enum acsa_account a, enum acsa_account b, const char *from,
                            const char *to)
{
    struct statement_rows *got = calloc(1, sizeof(*got));
    struct statement_rows *want = calloc(1, sizeof(*want));
    assert_non_null(got);
    assert_non_null(want);
    int32_t from_day = day_of(from);
    int32_t to_day = day_of(to);
    for (int32_t day = from_day; day <= to_day; day++) {
        for (uint32_t e = 0; e < f->event_count; e++) {
            const struct acsa_event *event = &f->events[e];
            for (uint32_t p = 0; event->day == day && p < event->posting_count; p++) {
                const struct acsa_posting *leg = &event->postings[p];
                if (strcmp(leg->partner, partner) == 0 && strcmp(leg->currency, currency) == 0 &&
                    (leg->account == a || leg->account == b)) {
                    struct acsa_statement_row *row = &want->rows[want->count++];
                    row->day = day;
                    row->step = event->step;
                    row->account = leg->account;
                    row->amount_minor = leg->amount_minor;
                    row->quantity_milli = leg->quantity_milli;
                }
            }
        }
    }
    assert_int_equal(f->store->vtbl->ledger->statement(f->store, partner, currency, a, b,
                                                       from_day, to_day, collect_statement,
                                                       got, &f->err),
                     ACSA_OK);
    assert_int_equal(got->count, want->count);
    for (uint32_t i = 0; i < got->count; i++) {
        const struct acsa_statement_row *g = &got->rows[i];
        assert_int_equal(g->day, want->rows[i].day);
        assert_int_equal(g->step, want->rows[i].step);
        assert_int_equal(g->account, want->rows[i].account);
        assert_int_equal(g->amount_minor, want->rows[i].amount_minor);
        assert_int_equal(g->quantity_milli, want->rows[i].quantity_milli);
        assert_string_equal(g->currency, currency);
        assert_true(g->order_number[0] != '\0');
        if (i > 0) {
            const struct acsa_statement_row *prev = &got->rows[i - 1];
            assert_true(prev->day < g->day || (prev->day == g->day &&
                                               (prev->event_id < g->event_id ||
                                                (prev->event_id == g->event_id &&
                                                 prev->leg < g->leg))));
        }
    }
    free(got);
    free(want);
}

static void test_statement(void **state)
{
    struct fixture *f = *state;
    build_orders(f);
    check_statement(f, "JP", "JPY", ACSA_ACCOUNT_RECEIVABLE_CASH, ACSA_ACCOUNT_PAYABLE_CASH,
                    "2024-01-01", "2024-12-31");
    check_statement(f, "JP", "JPY", ACSA_ACCOUNT_RECEIVABLE_KIND, ACSA_ACCOUNT_PAYABLE_KIND,
                    "2024-01-01", "2024-12-31");
    check_statement(f, "JP", "JPY", ACSA_ACCOUNT_COMMITTED, ACSA_ACCOUNT_PAYABLE_CASH,
                    "2024-06-11", "2024-06-11");
    check_statement(f, "JP", "JPY", ACSA_ACCOUNT_RECEIVABLE_CASH, ACSA_ACCOUNT_PAYABLE_CASH,
                    "2024-06-13", "2024-12-31");
    check_statement(f, "JP", "USD", ACSA_ACCOUNT_RECEIVABLE_CASH, ACSA_ACCOUNT_PAYABLE_CASH,
                    "2024-01-01", "2024-12-31");
    check_statement(f, "US", "JPY", ACSA_ACCOUNT_RECEIVABLE_CASH, ACSA_ACCOUNT_PAYABLE_CASH,
                    "2024-01-01", "2024-12-31");
    /* The receipt of each order is there, with its order. */
    struct statement_rows *got = calloc(1, sizeof(*got));
    assert_non_null(got);
    assert_int_equal(f->store->vtbl->ledger->statement(
                         f->store, "JP", "JPY", ACSA_ACCOUNT_PAYABLE_CASH,
                         ACSA_ACCOUNT_PAYABLE_KIND, day_of("2024-06-12"), day_of("2024-06-12"),
                         collect_statement, got, &f->err),
                     ACSA_OK);
    assert_true(got->count >= 2);
    assert_string_equal(got->rows[0].order_number, "IN-JP-2024-000001");
    assert_int_equal(got->rows[0].step, ACSA_STEP_RECEIVE);
    assert_int_equal(got->rows[0].account, ACSA_ACCOUNT_PAYABLE_CASH);
    for (uint32_t i = 1; i < got->count; i++) {
        bool cash = got->rows[i].account == ACSA_ACCOUNT_PAYABLE_CASH;
        assert_string_equal(got->rows[i].order_number,
                            cash ? "IN-JP-2024-000001" : "IN-JP-2024-000002");
        /* The cash order's receipts were written first. */
        assert_true(!cash || got->rows[i - 1].account == ACSA_ACCOUNT_PAYABLE_CASH);
    }
    assert_int_equal(got->rows[got->count - 1].account, ACSA_ACCOUNT_PAYABLE_KIND);
    free(got);
}

struct totals_rows {
    struct acsa_totals_row rows[ROWS_MAX];
    uint32_t count;
};

static enum acsa_rc collect_totals(void *ctx, const struct acsa_totals_row *row)
{
    struct totals_rows *c = ctx;
    assert_true(c->count < ROWS_MAX);
    c->rows[c->count++] = *row;
    return ACSA_OK;
}

/* Every state but draft, rejected and cancelled. */
static uint32_t counted_states(void)
{
    uint32_t mask = 0;
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        if (s != ACSA_STATE_DRAFT && s != ACSA_STATE_REJECTED && s != ACSA_STATE_CANCELLED) {
            mask |= 1u << s;
        }
    }
    return mask;
}

static struct totals_rows *totals_of(struct fixture *f, const struct acsa_totals_query *query)
{
    struct totals_rows *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    assert_int_equal(f->store->vtbl->ledger->order_totals(f->store, query, collect_totals, c,
                                                          &f->err),
                     ACSA_OK);
    return c;
}

static void test_order_totals(void **state)
{
    struct fixture *f = *state;
    build_orders(f);
    struct acsa_order *o = &f->loaded;
    /* Unliquidated: IN-JP-1 (cash, invoiced) and IN-JP-2 (rik, delivered) owe their value. */
    struct acsa_totals_query query;
    memset(&query, 0, sizeof(query));
    query.kind = ACSA_TOTALS_UNLIQUIDATED;
    query.states = counted_states();
    struct totals_rows *c = totals_of(f, &query);
    assert_int_equal(c->count, 2);
    assert_int_equal(f->store->vtbl->ledger->order_get(f->store, "IN-JP-2024-000001", o,
                                                       &f->err),
                     ACSA_OK);
    int64_t cash_value = o->value_minor;
    assert_string_equal(c->rows[0].requester, "IN");
    assert_string_equal(c->rows[0].supplier, "JP");
    assert_string_equal(c->rows[0].currency, "JPY");
    assert_int_equal(c->rows[0].method, ACSA_METHOD_CASH);
    assert_int_equal(c->rows[0].orders, 1);
    assert_true(c->rows[0].value_minor == cash_value);
    assert_int_equal(f->store->vtbl->ledger->order_get(f->store, "IN-JP-2024-000002", o,
                                                       &f->err),
                     ACSA_OK);
    int64_t rik_value = o->value_minor;
    assert_int_equal(c->rows[1].method, ACSA_METHOD_RIK);
    assert_true(c->rows[1].value_minor == rik_value);
    free(c);
    /* No state counted: nothing. */
    query.states = 0;
    c = totals_of(f, &query);
    assert_int_equal(c->count, 0);
    free(c);

    /* By method: the draft is left out; nothing settled yet. */
    assert_int_equal(f->store->vtbl->ledger->order_get(f->store, "IN-FR-2024-000001", o,
                                                       &f->err),
                     ACSA_OK);
    int64_t france_value = o->value_minor;
    char france_currency[ACSA_CURRENCY_SIZE];
    memcpy(france_currency, o->currency.code, sizeof(france_currency));
    memset(&query, 0, sizeof(query));
    query.kind = ACSA_TOTALS_BY_METHOD;
    query.states = counted_states();
    query.settled = (1u << ACSA_STATE_SETTLED) | (1u << ACSA_STATE_CLOSED);
    query.settled_state = ACSA_STATE_SETTLED;
    c = totals_of(f, &query);
    acsa_wide cash_total = 0;
    uint64_t cash_orders = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        assert_int_equal(c->rows[i].settled_orders, 0);
        assert_true(c->rows[i].settled_minor == 0);
        assert_int_equal(c->rows[i].timed_orders, 0);
        if (c->rows[i].method == ACSA_METHOD_CASH) {
            cash_total += c->rows[i].value_minor;
            cash_orders += c->rows[i].orders;
        }
        if (i > 0) {
            int order = strcmp(acsa_method_name(c->rows[i - 1].method),
                               acsa_method_name(c->rows[i].method));
            assert_true(order < 0 ||
                        (order == 0 && strcmp(c->rows[i - 1].currency, c->rows[i].currency) < 0));
        }
    }
    assert_int_equal(cash_orders, 2);
    assert_true(cash_total == (acsa_wide)cash_value + france_value);
    free(c);
    /* Counting accepted as settled: the French order, dated by no settled event. */
    query.settled = 1u << ACSA_STATE_ACCEPTED;
    c = totals_of(f, &query);
    uint64_t settled = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        settled += c->rows[i].settled_orders;
        assert_int_equal(c->rows[i].timed_orders, 0);
        if (c->rows[i].settled_orders > 0) {
            assert_string_equal(c->rows[i].currency, france_currency);
            assert_true(c->rows[i].settled_minor == france_value);
        }
    }
    assert_int_equal(settled, 1);
    free(c);

    /* Yearly: lines of the orders raised in 2024, by agreement, activity, category. */
    memset(&query, 0, sizeof(query));
    query.kind = ACSA_TOTALS_YEARLY;
    query.states = counted_states();
    query.from_day = day_of("2024-01-01");
    query.to_day = day_of("2024-12-31");
    c = totals_of(f, &query);
    acsa_wide total = 0;
    for (uint32_t i = 0; i < c->count; i++) {
        total += c->rows[i].value_minor;
        assert_true(c->rows[i].orders >= 1);
        assert_true(c->rows[i].category[0] != '\0');
        if (c->rows[i].activity_id == f->activity.id) {
            assert_string_equal(c->rows[i].activity, f->activity.name);
        }
        if (i > 0) {
            int order = strcmp(c->rows[i - 1].agreement_id, c->rows[i].agreement_id);
            assert_true(order <= 0);
        }
    }
    assert_true(total == (acsa_wide)cash_value + rik_value + france_value);
    free(c);
    query.from_day = day_of("2023-01-01");
    query.to_day = day_of("2023-12-31");
    c = totals_of(f, &query);
    assert_int_equal(c->count, 0);
    free(c);
}

static void test_balance_plan_uses_covering_index(void **state)
{
    struct fixture *f = *state;
    build_orders(f);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "EXPLAIN QUERY PLAN " ACSA__SQLITE_BALANCE_SQL, -1,
                                        &stmt, NULL),
                     SQLITE_OK);
    char plan[1024] = "";
    size_t used = 0;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(stmt, 3);
        int written = snprintf(plan + used, sizeof(plan) - used, "%s; ", detail);
        assert_true(written > 0 && (size_t)written < sizeof(plan) - used);
        used += (size_t)written;
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    /* Read from the index alone, and grouped and ordered by it without a sort. */
    assert_non_null(strstr(plan, "USING COVERING INDEX postings_balance"));
    assert_null(strstr(plan, "TEMP B-TREE"));
}

/* ---- Transactions --------------------------------------------------------------------- */

static void test_rollback_discards_writes(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    int64_t id = 0;
    assert_int_equal(v->ledger->unit_add(f->store, "IN", "Indian Air Force", &id, &f->err),
                     ACSA_OK);
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 1);
    assert_int_equal(v->meta_set(f->store, "nation", "IN", &f->err), ACSA_OK);
    v->rollback(f->store);
    /* A second rollback without a transaction is harmless. */
    v->rollback(f->store);

    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    assert_int_equal(v->ledger->unit_get(f->store, id, party, name, &f->err), ACSA_ENOTFOUND);
    assert_int_equal(v->ledger->order_get(f->store, "IN-JP-2024-000001", &f->loaded, &f->err),
                     ACSA_ENOTFOUND);
    char value[8];
    assert_int_equal(v->meta_get(f->store, "nation", value, sizeof(value), &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM events"), 0);

    /* Committed writes survive a reopen. */
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 1);
    assert_int_equal(v->commit(f->store, &f->err), ACSA_OK);
    acsa_store_close(f->store);
    f->store = NULL;
    open_store(f, 0);
    assert_stored(f, &f->order);

    /* Transactions nest: an inner level rolled back takes only its own writes with it. */
    v = f->store->vtbl;
    int64_t kept = 0;
    int64_t dropped = 0;
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_add(f->store, "IN", "Indian Army", &kept, &f->err), ACSA_OK);
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_add(f->store, "IN", "Indian Air Force", &dropped, &f->err),
                     ACSA_OK);
    v->rollback(f->store);
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    int64_t inner = 0;
    assert_int_equal(v->ledger->unit_add(f->store, "JP", "JASDF", &inner, &f->err), ACSA_OK);
    assert_int_equal(v->commit(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->commit(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_get(f->store, kept, party, name, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_get(f->store, inner, party, name, &f->err), ACSA_OK);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM units WHERE name = "
                                      "'Indian Air Force'"), 0);
    /* A commit without a transaction is a storage error, not a silent no-op. */
    assert_int_equal(v->commit(f->store, &f->err), ACSA_ESTORAGE);
    assert_memory_equal(f->err.message, "storage: ", 9);
}

/* ---- Records of an order's chain ------------------------------------------------------- */

static enum acsa_rc count_chain(void *ctx, const struct acsa_record_row *row)
{
    int64_t *seqs = ctx;
    seqs[0]++;
    seqs[seqs[0]] = row->seq;
    return row->body_len == 2 ? ACSA_OK : ACSA_ESTORAGE;
}

static void append_step_record(struct fixture *f, int64_t seq, const char *number,
                               const char *other)
{
    struct acsa_record_row row;
    memset(&row, 0, sizeof(row));
    snprintf(row.origin, sizeof(row.origin), "IN");
    row.seq = seq;
    snprintf(row.order_number, sizeof(row.order_number), "%s", number);
    snprintf(row.other_number, sizeof(row.other_number), "%s", other);
    memset(row.hash, (int)seq, sizeof(row.hash));
    const uint8_t body[] = {0, (uint8_t)seq};
    row.body = body;
    row.body_len = sizeof(body);
    assert_int_equal(f->store->vtbl->sync->record_append(f->store, &row, &f->err), ACSA_OK);
}

static void test_record_chain(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 1);
    create_order(f, &f->other, ACSA_METHOD_RIK, "IN", "JP", 2);
    uint8_t head[ACSA_HASH_SIZE];
    uint8_t expected[ACSA_HASH_SIZE];
    memset(expected, 0, sizeof(expected));
    assert_int_equal(v->sync->chain_head(f->store, f->order.number, head, &f->err), ACSA_OK);
    assert_memory_equal(head, expected, sizeof(head));
    append_step_record(f, 1, f->order.number, "");
    append_step_record(f, 2, f->order.number, f->other.number); /* An exchange: both chains. */
    memset(expected, 2, sizeof(expected));
    assert_int_equal(v->sync->chain_head(f->store, f->other.number, head, &f->err), ACSA_OK);
    assert_memory_equal(head, expected, sizeof(head));
    bool in_chain = false;
    memset(expected, 1, sizeof(expected));
    assert_int_equal(
        v->sync->record_in_chain(f->store, f->order.number, expected, &in_chain, &f->err), ACSA_OK);
    assert_true(in_chain);
    assert_int_equal(
        v->sync->record_in_chain(f->store, f->other.number, expected, &in_chain, &f->err), ACSA_OK);
    assert_false(in_chain);
    int64_t seqs[4] = {0};
    assert_int_equal(v->sync->record_list(f->store, f->order.number, count_chain, seqs, &f->err),
                     ACSA_OK);
    assert_int_equal(seqs[0], 2);
    assert_int_equal(seqs[1], 1);
    assert_int_equal(seqs[2], 2);
    /* Concurrent steps: the head is set to the later one in the shared order. */
    assert_int_equal(v->sync->chain_head_set(f->store, f->order.number, expected, &f->err),
                     ACSA_OK);
    assert_int_equal(v->sync->chain_head(f->store, f->order.number, head, &f->err), ACSA_OK);
    assert_memory_equal(head, expected, sizeof(head));
    assert_int_equal(v->sync->chain_head_set(f->store, "IN-JP-2024-000099", expected, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(v->sync->chain_head(f->store, "IN-JP-2024-000099", head, &f->err),
                     ACSA_ENOTFOUND);
}

static enum acsa_rc collect_document(void *ctx, const struct acsa_document_row *row)
{
    char *ids = ctx;
    size_t used = strlen(ids);
    snprintf(ids + used, 256 - used, "%s%s:%u:%d", used > 0 ? " " : "", row->ref.id,
             row->ref.line, row->have_bytes ? 1 : 0);
    return ACSA_OK;
}

/* Supporting documents: references by order and line, their bytes once per SHA-256 (a
 * reference may come before its bytes), ids unique, references append-only. */
static void test_documents(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_sync *s = f->store->vtbl->sync;
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 1);
    struct acsa_document_ref d;
    memset(&d, 0, sizeof(d));
    snprintf(d.id, sizeof(d.id), "IN-DOC-2024-000002");
    snprintf(d.number, sizeof(d.number), "%s", f->order.number);
    d.line = 2;
    d.kind = ACSA_DOCUMENT_RECEIPT;
    memset(d.sha256, 7, sizeof(d.sha256));
    d.size = 5;
    snprintf(d.content_type, sizeof(d.content_type), "application/pdf");
    snprintf(d.actor, sizeof(d.actor), "PO Tanaka");
    d.at_s = 1718000000;
    assert_int_equal(s->document_add(f->store, &d, "IN", &f->err), ACSA_OK);
    assert_int_equal(s->document_add(f->store, &d, "IN", &f->err), ACSA_EEXISTS);
    snprintf(d.id, sizeof(d.id), "JP-DOC-2024-000001");
    d.line = 1;
    memset(d.sha256, 8, sizeof(d.sha256));
    assert_int_equal(s->document_add(f->store, &d, "JP", &f->err), ACSA_OK);
    char ids[256] = "";
    assert_int_equal(s->document_list(f->store, f->order.number, false, collect_document, ids,
                                      &f->err), ACSA_OK);
    assert_string_equal(ids, "JP-DOC-2024-000001:1:0 IN-DOC-2024-000002:2:0");
    uint8_t hash[ACSA_HASH_SIZE];
    memset(hash, 7, sizeof(hash));
    const uint8_t bytes[] = "%PDF-";
    assert_int_equal(s->blob_put(f->store, hash, bytes, 5, &f->err), ACSA_OK);
    assert_int_equal(s->blob_put(f->store, hash, bytes, 5, &f->err), ACSA_OK); /* Kept once. */
    ids[0] = '\0';
    assert_int_equal(s->document_list(f->store, "", true, collect_document, ids, &f->err),
                     ACSA_OK);
    assert_string_equal(ids, "JP-DOC-2024-000001:1:0");
    struct acsa_document_row row;
    assert_int_equal(s->document_get(f->store, "IN-DOC-2024-000002", &row, &f->err), ACSA_OK);
    assert_true(row.have_bytes);
    assert_string_equal(row.origin, "IN");
    assert_string_equal(row.ref.actor, "PO Tanaka");
    assert_int_equal(row.ref.kind, ACSA_DOCUMENT_RECEIPT);
    assert_int_equal(row.ref.at_s, 1718000000);
    assert_int_equal(s->document_get(f->store, "IN-DOC-2024-000009", &row, &f->err),
                     ACSA_ENOTFOUND);
    uint8_t *out = NULL;
    size_t len = 0;
    assert_int_equal(s->blob_get(f->store, hash, &out, &len, &f->err), ACSA_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(out, bytes, 5);
    acsa_free(out);
    memset(hash, 8, sizeof(hash));
    assert_int_equal(s->blob_get(f->store, hash, &out, &len, &f->err), ACSA_ENOTFOUND);
    assert_null(out);
}

/* A write transaction reads what it wrote, and after an inner level is rolled back, what was
 * there before: whatever a backend keeps of the rows it read goes with the writes undone. */
static void test_transaction_reads_its_writes(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_vtbl *v = f->store->vtbl;
    char service[ACSA_NAME_SIZE];
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    int64_t seq = -1;
    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    create_order(f, &f->order, ACSA_METHOD_CASH, "IN", "JP", 1);
    assert_int_equal(v->ledger->unit_service_get(f->store, f->unit_jp, service, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_service_set(f->store, f->unit_jp, "navy", &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_service_get(f->store, f->unit_jp, service, &f->err), ACSA_OK);
    assert_string_equal(service, "navy");
    append_step_record(f, 1, f->order.number, "");
    assert_int_equal(v->sync->record_last_seq(f->store, "IN", &seq, &f->err), ACSA_OK);
    assert_int_equal(seq, 1);

    assert_int_equal(v->begin_write(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_service_set(f->store, f->unit_jp, "army", &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_service_get(f->store, f->unit_jp, service, &f->err), ACSA_OK);
    assert_string_equal(service, "army");
    int64_t dropped = 0;
    assert_int_equal(v->ledger->unit_add(f->store, "JP", "JGSDF", &dropped, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_get(f->store, dropped, party, name, &f->err), ACSA_OK);
    append_step_record(f, 2, f->order.number, "");
    assert_int_equal(v->sync->record_last_seq(f->store, "IN", &seq, &f->err), ACSA_OK);
    assert_int_equal(seq, 2);
    v->rollback(f->store);

    assert_int_equal(v->ledger->unit_service_get(f->store, f->unit_jp, service, &f->err), ACSA_OK);
    assert_string_equal(service, "navy");
    assert_int_equal(v->ledger->unit_get(f->store, dropped, party, name, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(v->sync->record_last_seq(f->store, "IN", &seq, &f->err), ACSA_OK);
    assert_int_equal(seq, 1);
    assert_int_equal(v->commit(f->store, &f->err), ACSA_OK);
    assert_int_equal(v->ledger->unit_service_get(f->store, f->unit_jp, service, &f->err), ACSA_OK);
    assert_string_equal(service, "navy");
}

/* ---- The exports' scans (version 10) ----------------------------------------------------- */

struct export_scan {
    struct fixture *f;
    uint32_t rows;
    char last_number[ACSA_NUMBER_SIZE];
    uint32_t last_line;
    int32_t last_day;
    int64_t last_event;
    uint32_t last_leg;
    int64_t jpy_sum;
    int32_t from_day;
    int32_t to_day;
};

/* Each line comes once, by order and line, with what order_get reads for it (a store call
 * inside the scan: scans nest). */
static enum acsa_rc export_line(void *ctx, const struct acsa_order_line_row *row)
{
    struct export_scan *scan = ctx;
    struct fixture *f = scan->f;
    int order = strcmp(row->order.number, scan->last_number);
    assert_true(order > 0 || (order == 0 && row->line_no == scan->last_line + 1));
    if (order > 0) {
        assert_int_equal(row->line_no, 1);
    }
    snprintf(scan->last_number, sizeof(scan->last_number), "%s", row->order.number);
    scan->last_line = row->line_no;
    assert_int_equal(f->store->vtbl->ledger->order_get(f->store, row->order.number, &f->loaded,
                                                       &f->err),
                     ACSA_OK);
    assert_true(row->line_no >= 1 && row->line_no <= f->loaded.line_count);
    assert_lines_equal(&row->line, &f->loaded.lines[row->line_no - 1]);
    assert_int_equal(row->order.value_minor, f->loaded.value_minor);
    scan->rows++;
    return ACSA_OK;
}

/* Postings by event and leg, within the dates asked for. */
static enum acsa_rc export_posting(void *ctx, const struct acsa_posting_row *row)
{
    struct export_scan *scan = ctx;
    assert_true(row->event_id > scan->last_event ||
                (row->event_id == scan->last_event && row->leg == scan->last_leg + 1));
    assert_true(scan->from_day == ACSA_DATE_NONE || row->day >= scan->from_day);
    assert_true(scan->to_day == ACSA_DATE_NONE || row->day <= scan->to_day);
    scan->last_day = row->day;
    scan->last_event = row->event_id;
    scan->last_leg = row->leg;
    assert_true(row->order.number[0] != '\0');
    if (strcmp(row->posting.currency, "JPY") == 0) {
        scan->jpy_sum += row->posting.amount_minor;
    }
    scan->rows++;
    return ACSA_OK;
}

static uint32_t postings_between(const struct fixture *f, int32_t from_day, int32_t to_day)
{
    uint32_t count = 0;
    for (uint32_t e = 0; e < f->event_count; e++) {
        const struct acsa_event *event = &f->events[e];
        bool in = (from_day == ACSA_DATE_NONE || event->day >= from_day) &&
                  (to_day == ACSA_DATE_NONE || event->day <= to_day);
        count += in ? event->posting_count : 0;
    }
    return count;
}

static struct export_scan export_scan_new(struct fixture *f, int32_t from_day, int32_t to_day)
{
    struct export_scan scan;
    memset(&scan, 0, sizeof(scan));
    scan.f = f;
    scan.last_day = INT32_MIN;
    scan.last_leg = UINT32_MAX;
    scan.from_day = from_day;
    scan.to_day = to_day;
    return scan;
}

static void test_export_scans(void **state)
{
    struct fixture *f = *state;
    const struct acsa_store_ledger *l = f->store->vtbl->ledger;
    build_orders(f);
    /* Lines: IN-FR 1, IN-JP 2 + 2, JP-IN 2. */
    struct export_scan scan = export_scan_new(f, ACSA_DATE_NONE, ACSA_DATE_NONE);
    assert_int_equal(l->order_line_list(f->store, NULL, export_line, &scan, &f->err), ACSA_OK);
    assert_int_equal(scan.rows, 7);
    struct acsa_order_filter filter = no_filter();
    snprintf(filter.partner, sizeof(filter.partner), "FR");
    scan = export_scan_new(f, ACSA_DATE_NONE, ACSA_DATE_NONE);
    assert_int_equal(l->order_line_list(f->store, &filter, export_line, &scan, &f->err), ACSA_OK);
    assert_int_equal(scan.rows, 1);
    assert_string_equal(scan.last_number, "IN-FR-2024-000001");
    filter = no_filter();
    filter.state_set = true;
    filter.state = ACSA_STATE_DRAFT;
    scan = export_scan_new(f, ACSA_DATE_NONE, ACSA_DATE_NONE);
    assert_int_equal(l->order_line_list(f->store, &filter, export_line, &scan, &f->err), ACSA_OK);
    assert_int_equal(scan.rows, 2);
    assert_string_equal(scan.last_number, "JP-IN-2024-000001");

    /* Postings: every one, balanced per currency; then a range of dates; then one order. */
    scan = export_scan_new(f, ACSA_DATE_NONE, ACSA_DATE_NONE);
    assert_int_equal(l->posting_list(f->store, NULL, ACSA_DATE_NONE, ACSA_DATE_NONE,
                                     export_posting, &scan, &f->err),
                     ACSA_OK);
    assert_true(scan.rows > 0);
    assert_int_equal(scan.rows, postings_between(f, ACSA_DATE_NONE, ACSA_DATE_NONE));
    assert_int_equal(scan.jpy_sum, 0);
    int32_t from = day_of("2024-06-12");
    int32_t to = day_of("2024-06-12");
    scan = export_scan_new(f, from, to);
    assert_int_equal(l->posting_list(f->store, NULL, from, to, export_posting, &scan, &f->err),
                     ACSA_OK);
    assert_true(scan.rows > 0);
    assert_int_equal(scan.rows, postings_between(f, from, to));
    filter = no_filter();
    snprintf(filter.partner, sizeof(filter.partner), "FR");
    scan = export_scan_new(f, ACSA_DATE_NONE, ACSA_DATE_NONE);
    assert_int_equal(l->posting_list(f->store, &filter, ACSA_DATE_NONE, ACSA_DATE_NONE,
                                     export_posting, &scan, &f->err),
                     ACSA_OK);
    assert_true(scan.rows > 0);
    assert_int_equal(scan.jpy_sum, 0);
    filter.state_set = true;
    filter.state = ACSA_STATE_DRAFT;
    scan = export_scan_new(f, ACSA_DATE_NONE, ACSA_DATE_NONE);
    assert_int_equal(l->posting_list(f->store, &filter, ACSA_DATE_NONE, ACSA_DATE_NONE,
                                     export_posting, &scan, &f->err),
                     ACSA_OK);
    assert_int_equal(scan.rows, 0);
}

#define SQLITE_ONLY SIZE_MAX
/* A function a test needs: its offset in its table, plus 1 for the ledger, plus NEED_SYNC for
 * the sync table (0: none). */
#define NEED_SYNC 100000u
#define NEED_ledger 1u
#define NEED_sync NEED_SYNC
#define NEED(table, function) (offsetof(struct acsa_store_##table, function) + NEED_##table)

static int run_store_tests(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_file_refuses_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrations_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_meta, setup, teardown),
        cmocka_unit_test_setup_teardown(test_agreement_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_officials, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activities, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_list_overdue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_list_summary_and_nesting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_balance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_balance_plan_uses_covering_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_balance_kept_equals_postings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_statement, setup, teardown),
        cmocka_unit_test_setup_teardown(test_order_totals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_discards_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_documents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_reads_its_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_scans, setup, teardown),
#if defined(ACSA_TEST_STORE_FAULT)
        cmocka_unit_test_setup_teardown(test_fault_forwarding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fault_each_call, setup, teardown),
#endif
    };
    /* What each test needs beyond setup: SQLITE_ONLY for SQLite's own behaviour (files,
     * pragmas, query plans), else the function it needs (NEED; 0: none). */
    const size_t needs[] = {
        SQLITE_ONLY, SQLITE_ONLY, SQLITE_ONLY, SQLITE_ONLY, SQLITE_ONLY, 0, 0, 0, 0, 0,
        NEED(ledger, order_next_sequence), NEED(ledger, order_insert),
        NEED(ledger, event_list), NEED(ledger, order_list), NEED(ledger, order_list),
        NEED(ledger, order_list), NEED(ledger, balance), SQLITE_ONLY, NEED(ledger, balance),
        NEED(ledger, statement), NEED(ledger, order_totals), NEED(ledger, order_insert),
        NEED(sync, chain_head_set), NEED(sync, document_add), NEED(sync, record_last_seq),
        NEED(ledger, posting_list),
#if defined(ACSA_TEST_STORE_FAULT)
        0, NEED(ledger, order_update),
#endif
    };
    _Static_assert(sizeof(needs) / sizeof(needs[0]) == sizeof(tests) / sizeof(tests[0]),
                   "one entry of needs per test");
    if (pg_uri() == NULL) {
        return cmocka_run_group_tests(tests, NULL, NULL);
    }
    /* On PostgreSQL: the tests of functions the backend provides; the others are named. */
    struct acsa_error err;
    struct acsa_store *store = NULL;
    pg_reset();
    if (acsa_store_open(pg_uri(), ACSA_STORE_CREATE, &store, &err) != ACSA_OK) {
        fprintf(stderr, "cannot open %s: %s\n", pg_uri(), err.message);
        return 1;
    }
    struct CMUnitTest run[sizeof(tests) / sizeof(tests[0])];
    size_t count = 0;
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        const void *table = store->vtbl->ledger;
        size_t at = needs[i] - 1;
        if (needs[i] >= NEED_SYNC) {
            table = store->vtbl->sync;
            at = needs[i] - NEED_SYNC;
        }
        void (*const *function)(void) =
            (void (*const *)(void))(const void *)((const char *)table + at);
        if (needs[i] == SQLITE_ONLY || (needs[i] != 0 && *function == NULL)) {
            printf("# %s: not run on PostgreSQL (%s)\n", tests[i].name,
                   needs[i] == SQLITE_ONLY ? "SQLite only" : "not in this backend yet");
            continue;
        }
        run[count++] = tests[i];
    }
    acsa_store_close(store);
    return _cmocka_run_group_tests("tests", run, count, NULL, NULL);
}

#if !defined(ACSA_TEST_STORE_FAULT)
int main(void)
{
    return run_store_tests();
}
#endif
