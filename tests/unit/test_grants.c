/* SPDX-License-Identifier: MIT */
/* Dated authority of officials: the grant check at its boundaries (first day, last day,
 * revocation day), per-agreement grants and limits, and the regression tests of defect 12. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include <unistd.h>

#include "app.h"
#include "app_int.h"
#include "date.h"
#include "auth.h"
#include "demo.h"
#include "grant.h"
#include "money.h"
#include "store.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static struct acsa_grant grant(const char *agreement, const char *currency, int64_t limit,
                               const char *from, const char *to)
{
    struct acsa_grant g;
    memset(&g, 0, sizeof(g));
    snprintf(g.party, sizeof(g.party), "IN");
    snprintf(g.name, sizeof(g.name), "Cdr A. Rao");
    snprintf(g.title, sizeof(g.title), "Commander, Logistics");
    snprintf(g.agreement_id, sizeof(g.agreement_id), "%s", agreement);
    g.currency = *acsa_currency_find(currency);
    g.limit_minor = limit;
    g.from_day = day_of(from);
    g.to_day = to != NULL ? day_of(to) : ACSA_DATE_NONE;
    g.revoked_day = ACSA_DATE_NONE;
    return g;
}

static enum acsa_rc check(const struct acsa_grant *grants, uint32_t count, const char *agreement,
                          const char *currency, const char *day, int64_t amount,
                          struct acsa_error *err)
{
    return acsa_grant_check(grants, count, "Cdr A. Rao", agreement,
                            acsa_currency_find(currency), day_of(day), amount, err);
}

static void test_from_and_to_days_are_in_force(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("IN-JP-2020", "JPY", 1000, "2024-01-01", "2024-05-31");
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2023-12-31", 1, &err), ACSA_EREFUSED);
    assert_string_equal(err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2023-12-31; the next begins 2024-01-01");
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-01-01", 1, &err), ACSA_OK);
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-05-31", 1000, &err), ACSA_OK);
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-06-01", 1, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "by");
    assert_string_equal(err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2024-06-01; the last ended 2024-05-31");
}

static void test_revocation_day_is_not_in_force(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("", "JPY", 1000, "2024-01-01", NULL);
    g.revoked_day = day_of("2024-03-10");
    snprintf(g.revoke_reason, sizeof(g.revoke_reason), "posted away");
    assert_int_equal(acsa_grant_last_day(&g), day_of("2024-03-09"));
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-03-09", 1000, &err), ACSA_OK);
    assert_int_equal(check(&g, 1, "IN-JP-2020", "JPY", "2024-03-10", 1, &err), ACSA_EREFUSED);
    assert_string_equal(err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2024-03-10; the last ended 2024-03-09 (revoked on 2024-03-10: "
                        "posted away)");
    /* A revocation after a grant's own end changes nothing of it. */
    struct acsa_grant h = grant("", "JPY", 1000, "2024-01-01", "2024-02-01");
    h.revoked_day = day_of("2024-03-10");
    assert_int_equal(acsa_grant_last_day(&h), day_of("2024-02-01"));
}

static void test_agreement_and_currency_must_match(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("IN-JP-2020", "JPY", 1000, "2024-01-01", NULL);
    assert_int_equal(check(&g, 1, "IN-US-2016", "JPY", "2024-06-01", 1, &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "holds no grant for IN-US-2016 in JPY"));
    assert_non_null(strstr(err.message, "none was ever granted"));
    assert_int_equal(check(&g, 1, "IN-JP-2020", "INR", "2024-06-01", 1, &err), ACSA_EREFUSED);
    /* A grant without an agreement covers every agreement of the party. */
    struct acsa_grant all = grant("", "JPY", 1000, "2024-01-01", NULL);
    assert_int_equal(check(&all, 1, "IN-US-2016", "JPY", "2024-06-01", 1, &err), ACSA_OK);
}

static void test_limit_is_inclusive_and_the_highest_in_force_decides(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g[2] = {grant("IN-JP-2020", "JPY", 1000, "2024-01-01", NULL),
                              grant("IN-JP-2020", "JPY", 5000, "2024-06-01", "2024-06-30")};
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-05-31", 1000, &err), ACSA_OK);
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-05-31", 1001, &err),
                     ACSA_EREFUSED);
    assert_string_equal(err.message, "by: order value 1001 JPY exceeds the approval limit of "
                        "Cdr A. Rao (Commander, Logistics) on 2024-05-31 (1000 JPY under "
                        "IN-JP-2020)");
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-06-30", 5000, &err), ACSA_OK);
    assert_int_equal(check(g, 2, "IN-JP-2020", "JPY", "2024-07-01", 5000, &err),
                     ACSA_EREFUSED);
}

static void test_validate(void **state)
{
    (void)state;
    struct acsa_error err;
    struct acsa_grant g = grant("", "JPY", 1000, "2024-01-01", "2023-12-31");
    assert_int_equal(acsa_grant_validate(&g, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "to");
    g = grant("", "JPY", 0, "2024-01-01", NULL);
    assert_int_equal(acsa_grant_validate(&g, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "limit");
    g = grant("", "JPY", 10, "2024-01-01", NULL);
    assert_int_equal(acsa_grant_validate(&g, &err), ACSA_OK);
}

/* ---- One node: grants as the app keeps them and applies them to orders --------------------- */

struct fixture {
    char dir[64];
    char path[128];
    struct acsa_app *app;
    struct acsa_error err;
    int64_t navy;
    int64_t jmsdf;
    int64_t jimex;
    char number[ACSA_NUMBER_SIZE];
};

#define MUST(f, call)                                                                      \
    do {                                                                                   \
        if ((call) != ACSA_OK) {                                                           \
            fail_msg("%s: %s", #call, (f)->err.message);                                   \
        }                                                                                  \
    } while (0)

static void load_file(struct fixture *f, const char *name)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/agreements/%s", ACSA_SOURCE_ROOT, name);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    static char text[65536];
    size_t size = fread(text, 1, sizeof(text) - 1, file);
    fclose(file);
    char id[ACSA_ID_SIZE];
    MUST(f, acsa_app_agreement_load(f->app, text, size, id, &f->err));
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-test-grants-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
    MUST(f, acsa_app_init(f->path, "IN", "test node", &f->err));
    MUST(f, acsa_app_open(f->path, 0, &f->app, &f->err));
    acsa_app_set_actor(f->app, "tester");
    load_file(f, "india-japan-2020.json");
    load_file(f, "india-france-2018.json");
    MUST(f, acsa_app_unit_add(f->app, "IN", "Indian Navy", &f->navy, &f->err));
    MUST(f, acsa_app_unit_add(f->app, "JP", "JMSDF", &f->jmsdf, &f->err));
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    snprintf(activity.agreement_id, sizeof(activity.agreement_id), "IN-JP-2020");
    snprintf(activity.name, sizeof(activity.name), "JIMEX 2024");
    snprintf(activity.type, sizeof(activity.type), "bilateral-training");
    activity.from_day = day_of("2024-06-01");
    activity.to_day = day_of("2024-06-20");
    MUST(f, acsa_app_activity_add(f->app, &activity, &f->jimex, &f->err));
    int64_t id = 0;
    MUST(f, acsa_app_official_add(f->app, "JP", "Capt K. Sato", 50000000, "JPY", &id, &f->err));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    acsa_app_close(f->app);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[160];
        snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Adds a grant to Cdr A. Rao of IN. */
static int64_t add_grant(struct fixture *f, const char *agreement, int64_t limit,
                         const char *from, const char *to)
{
    struct acsa_grant g = grant(agreement, "JPY", limit, from, to);
    int64_t id = 0;
    MUST(f, acsa_app_grant_add(f->app, &g, &id, &f->err));
    assert_true(id > 0);
    return id;
}

/* A submitted IN-JP-2020 order of 20,000 JPY raised on 2024-06-01, in f->number. */
static void submitted_order(struct fixture *f)
{
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, sizeof(d.requester), "IN");
    snprintf(d.supplier, sizeof(d.supplier), "JP");
    d.requester_unit_id = f->navy;
    d.supplier_unit_id = f->jmsdf;
    d.method = ACSA_METHOD_CASH;
    snprintf(d.place, sizeof(d.place), "Yokosuka");
    d.need_by_day = day_of("2024-06-15");
    struct acsa_order_line *l = &d.lines[0];
    snprintf(l->category, sizeof(l->category), "pol");
    snprintf(l->description, sizeof(l->description), "diesel");
    snprintf(l->unit_of_issue, sizeof(l->unit_of_issue), "l");
    l->quantity_milli = 20000;
    l->price_minor = 1000;
    snprintf(d.line_currency[0], ACSA_CURRENCY_SIZE, "JPY");
    d.line_count = 1;
    d.recorded_day = day_of("2024-06-01"); /* Recorded on its day: not back-entered. */
    MUST(f, acsa_app_order_create(f->app, "IN-JP-2020", f->jimex, &d, day_of("2024-06-01"),
                                  "Lt Iyer", f->number, &f->err));
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = ACSA_STEP_SUBMIT;
    cmd.day = day_of("2024-06-01");
    cmd.recorded_day = cmd.day;
    snprintf(cmd.actor, sizeof(cmd.actor), "Lt Iyer");
    MUST(f, acsa_app_order_step(f->app, f->number, &cmd, NULL, &f->err));
}

static enum acsa_rc step(struct fixture *f, enum acsa_step which, const char *actor,
                         const char *day)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = which;
    cmd.day = day_of(day);
    cmd.recorded_day = cmd.day;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    if (which == ACSA_STEP_REJECT) {
        snprintf(cmd.reason, sizeof(cmd.reason), "not needed");
    }
    acsa_error_clear(&f->err);
    return acsa_app_order_step(f->app, f->number, &cmd, NULL, &f->err);
}

struct grant_rows {
    struct acsa_grant rows[8];
    uint32_t count;
};

static enum acsa_rc collect(void *ctx, const struct acsa_grant *grant, const char *origin,
                            int64_t origin_id)
{
    (void)origin;
    (void)origin_id;
    struct grant_rows *list = ctx;
    assert_true(list->count < 8);
    list->rows[list->count++] = *grant;
    return ACSA_OK;
}

static void list_grants(struct fixture *f, int32_t as_of, struct grant_rows *out)
{
    memset(out, 0, sizeof(*out));
    struct acsa_store *store = acsa__app_store(f->app);
    MUST(f,
         store->vtbl->ledger->grant_list(store, "IN", "Cdr A. Rao", as_of, collect, out, &f->err));
}

static void test_defect12_second_add_keeps_history(void **state)
{
    struct fixture *f = *state;
    int64_t first = add_grant(f, "", 5000000, "2020-01-01", NULL);
    int64_t second = add_grant(f, "", 9000000, "2024-01-01", "2024-12-31");
    assert_true(second != first);
    struct grant_rows list;
    list_grants(f, ACSA_DATE_NONE, &list);
    assert_int_equal(list.count, 2);
    assert_int_equal(list.rows[0].id, first);
    assert_int_equal(list.rows[0].limit_minor, 5000000);
    assert_int_equal(list.rows[0].from_day, day_of("2020-01-01"));
    assert_int_equal(list.rows[0].to_day, ACSA_DATE_NONE);
    assert_string_equal(list.rows[0].title, "Commander, Logistics");
    assert_int_equal(list.rows[1].limit_minor, 9000000);
    /* In force on a day: the first only before 2024, both during it. */
    list_grants(f, day_of("2023-06-01"), &list);
    assert_int_equal(list.count, 1);
    list_grants(f, day_of("2024-06-01"), &list);
    assert_int_equal(list.count, 2);
}

static void test_defect12_revoked_refused_from_revocation_day(void **state)
{
    struct fixture *f = *state;
    add_grant(f, "", 5000000, "2020-01-01", NULL);
    uint32_t count = 0;
    MUST(f, acsa_app_official_revoke(f->app, "IN", "Cdr A. Rao", day_of("2024-06-05"),
                                     "posted to Delhi", &count, &f->err));
    assert_int_equal(count, 1);
    /* Revoked grants stay in the history, with the revocation. */
    struct grant_rows list;
    list_grants(f, ACSA_DATE_NONE, &list);
    assert_int_equal(list.count, 1);
    assert_int_equal(list.rows[0].revoked_day, day_of("2024-06-05"));
    assert_string_equal(list.rows[0].revoke_reason, "posted to Delhi");
    submitted_order(f);
    assert_int_equal(step(f, ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-05"), ACSA_EREFUSED);
    assert_string_equal(f->err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2024-06-05; the last ended 2024-06-04 (revoked on 2024-06-05: posted "
                        "to Delhi)");
    assert_int_equal(step(f, ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-04"), ACSA_OK);
    /* Nothing left to revoke. */
    assert_int_equal(acsa_app_official_revoke(f->app, "IN", "Cdr A. Rao", day_of("2024-07-01"),
                                              "again", &count, &f->err),
                     ACSA_ENOTFOUND);
}

static void test_defect12_grant_ended_day_before(void **state)
{
    struct fixture *f = *state;
    add_grant(f, "IN-JP-2020", 5000000, "2020-01-01", "2024-05-31");
    submitted_order(f);
    assert_int_equal(step(f, ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-01"), ACSA_EREFUSED);
    assert_string_equal(f->err.field, "by");
    assert_string_equal(f->err.message, "by: Cdr A. Rao holds no grant for IN-JP-2020 in JPY on "
                        "2024-06-01; the last ended 2024-05-31");
}

static void test_defect12_per_agreement(void **state)
{
    struct fixture *f = *state;
    add_grant(f, "IN-FR-2018", 5000000, "2020-01-01", NULL);
    submitted_order(f);
    assert_int_equal(step(f, ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-02"), ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "holds no grant for IN-JP-2020 in JPY"));
    add_grant(f, "IN-JP-2020", 5000000, "2024-06-02", NULL);
    assert_int_equal(step(f, ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-02"), ACSA_OK);
    /* A grant names an agreement of its party. */
    struct acsa_grant g = grant("IN-JP-2020", "JPY", 10, "2024-01-01", NULL);
    snprintf(g.party, sizeof(g.party), "FR");
    int64_t id = 0;
    assert_int_equal(acsa_app_grant_add(f->app, &g, &id, &f->err), ACSA_EREFUSED);
    assert_string_equal(f->err.field, "agreement");
}

static void test_defect12_limit_exceeded(void **state)
{
    struct fixture *f = *state;
    add_grant(f, "", 19999, "2020-01-01", NULL);
    submitted_order(f);
    assert_int_equal(step(f, ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-02"), ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "by: order value 20000 JPY exceeds the approval "
                                           "limit of Cdr A. Rao (Commander, Logistics)"));
    add_grant(f, "IN-JP-2020", 20000, "2024-06-02", NULL);
    assert_int_equal(step(f, ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-02"), ACSA_OK);
    /* The supplier's acceptance is judged the same way, by its official's grants. */
    assert_int_equal(step(f, ACSA_STEP_ACCEPT, "Capt Nobody", "2024-06-03"), ACSA_EREFUSED);
    assert_int_equal(step(f, ACSA_STEP_ACCEPT, "Capt K. Sato", "2024-06-03"), ACSA_OK);
}

static void test_migration_carries_limits_over(void **state)
{
    struct fixture *f = *state;
    acsa_app_close(f->app);
    f->app = NULL;
    /* The database as it was before migration 4: officials with limits, no grants. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    const char *sql =
        "DROP TABLE grants;"
        /* The rest of migration 4, undone so that it can run again. */
        "DROP TABLE invoices; DROP TABLE invoice_sequences;"
        "DROP TABLE agreement_versions; DROP TABLE agreement_events;"
        "ALTER TABLE units DROP COLUMN service;"
        "ALTER TABLE orders DROP COLUMN disputed_by;"
        "ALTER TABLE order_lines DROP COLUMN closed;"
        "ALTER TABLE order_lines DROP COLUMN invoiced_milli;"
        "ALTER TABLE activities DROP COLUMN reason;"
        "ALTER TABLE events DROP COLUMN paid_currency;"
        "ALTER TABLE events DROP COLUMN paid_minor;"
        "ALTER TABLE events DROP COLUMN rate_units;"
        "ALTER TABLE events DROP COLUMN rate_scale;"
        "ALTER TABLE events DROP COLUMN rate_on;"
        "ALTER TABLE events DROP COLUMN rate_source;"
        "ALTER TABLE events DROP COLUMN invoice;"
        "ALTER TABLE events DROP COLUMN recorded_day;"
        "ALTER TABLE events DROP COLUMN backdate_reason;"
        /* And the migrations after it (quarantine decisions, agreement records' party,
         * commitments), so that they run again after it. */
        "DROP TABLE quarantine_decisions; DROP TRIGGER quarantine_no_delete;"
        "DROP TABLE peer_snapshots; ALTER TABLE events DROP COLUMN corrected_step;"
        "ALTER TABLE orders DROP COLUMN last_step_on;"
        "DROP TRIGGER postings_balance; DROP TABLE balances;"
        "DROP TABLE documents; DROP TABLE document_blobs;"
        "DROP TRIGGER postings_no_delete;"
        "DELETE FROM postings WHERE account LIKE 'committed%';"
        "CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings "
        "BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END;"
        "DELETE FROM schema_migrations WHERE version >= 4;"
        "INSERT INTO officials (party, name) VALUES ('IN', 'Cdr Old');"
        "INSERT INTO official_limits (official_id, currency, exponent, limit_minor) "
        "SELECT id, 'JPY', 0, 777 FROM officials WHERE name = 'Cdr Old';"
        "INSERT INTO official_limits (official_id, currency, exponent, limit_minor) "
        "SELECT id, 'USD', 2, 5000 FROM officials WHERE name = 'Cdr Old';";
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    MUST(f, acsa_app_open(f->path, 0, &f->app, &f->err));
    struct grant_rows list;
    memset(&list, 0, sizeof(list));
    struct acsa_store *store = acsa__app_store(f->app);
    MUST(f, store->vtbl->ledger->grant_list(store, "IN", "Cdr Old", ACSA_DATE_NONE, collect, &list,
                                    &f->err));
    assert_int_equal(list.count, 2);
    assert_string_equal(list.rows[0].currency.code, "JPY");
    assert_int_equal(list.rows[0].limit_minor, 777);
    assert_int_equal(list.rows[1].limit_minor, 5000);
    assert_int_equal(list.rows[1].currency.exponent, 2);
    assert_int_equal(list.rows[0].from_day, ACSA_DATE_FIRST);
    assert_int_equal(list.rows[0].to_day, ACSA_DATE_NONE);
    assert_string_equal(list.rows[0].agreement_id, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_from_and_to_days_are_in_force),
        cmocka_unit_test(test_revocation_day_is_not_in_force),
        cmocka_unit_test(test_agreement_and_currency_must_match),
        cmocka_unit_test(test_limit_is_inclusive_and_the_highest_in_force_decides),
        cmocka_unit_test(test_validate),
        {"defect 12: a second official add keeps the first grant in history",
         test_defect12_second_add_keeps_history, setup, teardown, NULL},
        {"defect 12: a revoked official's approval is refused from the revocation date",
         test_defect12_revoked_refused_from_revocation_day, setup, teardown, NULL},
        {"defect 12: an approval by an official whose grant ended the day before is refused",
         test_defect12_grant_ended_day_before, setup, teardown, NULL},
        {"defect 12: a grant for one agreement does not authorise orders of another",
         test_defect12_per_agreement, setup, teardown, NULL},
        {"defect 12: an approval above the grant's limit is refused",
         test_defect12_limit_exceeded, setup, teardown, NULL},
        {"migration 4 carries every official's limits over as open-ended grants",
         test_migration_carries_limits_over, setup, teardown, NULL},
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
