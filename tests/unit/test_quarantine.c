/* SPDX-License-Identifier: MIT */
/* Decisions on the quarantine on one node: every refusal of resolve names its field and leaves
 * the entry as it was; a retry still refused keeps the entry open with the new reason; a drop
 * keeps it, resolved once and for good; quarantined input and decisions are never deleted or
 * edited; every decision is audited with who and why. (Retries that apply a partner's record
 * are walked on two nodes in tests/integration/cli_quarantine.sh and sync_quarantine.sh.) */
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
#include "auth.h"
#include "quarantine.h"
#include "store.h"

#define NOW 1717977600 /* 2024-06-10T00:00:00Z */

struct fixture {
    char dir[64];
    char path[128];
    struct acsa_app *app;
    struct acsa_error err;
    int64_t record;  /* A refused record of JP's (bytes that do not decode). */
    int64_t batch;   /* A refused batch of JP's (bytes that are no batch). */
};

#define MUST(f, call)                                                                      \
    do {                                                                                   \
        if ((call) != ACSA_OK) {                                                           \
            fail_msg("%s: %s", #call, (f)->err.message);                                   \
        }                                                                                  \
    } while (0)

static void add_entry(struct fixture *f, const char *what, int64_t seq, const char *reason)
{
    struct acsa_store *s = acsa__app_store(f->app);
    static const uint8_t junk[] = {0x00, 0x02, 0x01, 'J', 'P', 0, 0, 0, 0, 0, 0, 0, 2};
    struct acsa_quarantine_row row;
    memset(&row, 0, sizeof(row));
    row.at_s = NOW;
    snprintf(row.peer, sizeof(row.peer), "JP");
    snprintf(row.via, sizeof(row.via), "sync");
    snprintf(row.what, sizeof(row.what), "%s", what);
    row.seq = seq;
    snprintf(row.reason, sizeof(row.reason), "%s", reason);
    row.body = junk;
    row.body_len = sizeof(junk);
    MUST(f, s->vtbl->begin_write(s, &f->err));
    MUST(f, s->vtbl->sync->quarantine_add(s, &row, &f->err));
    MUST(f, s->vtbl->commit(s, &f->err));
}

/* Every entry (all) or the open ones, newest first. */
struct rows {
    struct acsa_quarantine_row row[8];
    uint32_t count;
};

static enum acsa_rc keep_row(void *ctx, const struct acsa_quarantine_row *row)
{
    struct rows *rows = ctx;
    if (rows->count < 8) {
        rows->row[rows->count] = *row;
        rows->row[rows->count].body = NULL;
        rows->count++;
    }
    return ACSA_OK;
}

static struct rows listed(struct fixture *f, bool all)
{
    struct rows rows;
    memset(&rows, 0, sizeof(rows));
    MUST(f, acsa_app_quarantine_select(f->app, all, 0, keep_row, &rows, &f->err));
    return rows;
}

static struct acsa_quarantine_row entry(struct fixture *f, int64_t id)
{
    struct rows rows;
    memset(&rows, 0, sizeof(rows));
    MUST(f, acsa_app_quarantine_get(f->app, id, keep_row, &rows, &f->err));
    assert_int_equal(rows.count, 1);
    return rows.row[0];
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-test-quarantine-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
    MUST(f, acsa_app_init(f->path, "IN", "test node", &f->err));
    MUST(f, acsa_app_open(f->path, 0, &f->app, &f->err));
    acsa_app_set_actor(f->app, "tester");
    add_entry(f, "record", 2, "activity: agreement IN-JP-2024 is not loaded here");
    add_entry(f, "batch", 1, "sender: JP is not a partner node of IN");
    struct rows rows = listed(f, false);
    assert_int_equal(rows.count, 2);
    f->batch = rows.row[0].id;
    f->record = rows.row[1].id;
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

static void refused(struct fixture *f, int64_t id, const char *action, const char *by,
                    const char *reason, enum acsa_rc rc, const char *field)
{
    acsa_error_clear(&f->err);
    assert_int_equal(acsa_app_quarantine_resolve(f->app, id, action, by, reason, NOW, &f->err),
                     rc);
    assert_string_equal(f->err.field, field);
}

static void test_refusals_name_the_field(void **state)
{
    struct fixture *f = *state;
    char long_reason[300];
    memset(long_reason, 'x', sizeof(long_reason) - 1);
    long_reason[sizeof(long_reason) - 1] = '\0';
    char long_by[120];
    memset(long_by, 'y', sizeof(long_by) - 1);
    long_by[sizeof(long_by) - 1] = '\0';
    refused(f, 999, "retry", "PO Sharma", "fixed", ACSA_ENOTFOUND, "id");
    refused(f, 0, "retry", "PO Sharma", "fixed", ACSA_EUSAGE, "id");
    refused(f, f->record, "delete", "PO Sharma", "fixed", ACSA_EUSAGE, "action");
    refused(f, f->record, "", "PO Sharma", "fixed", ACSA_EUSAGE, "action");
    refused(f, f->record, "retry", "", "fixed", ACSA_EUSAGE, "by");
    refused(f, f->record, "retry", long_by, "fixed", ACSA_EUSAGE, "by");
    refused(f, f->record, "drop", "PO Sharma", NULL, ACSA_EUSAGE, "reason");
    refused(f, f->record, "drop", "PO Sharma", "", ACSA_EUSAGE, "reason");
    refused(f, f->record, "drop", "PO Sharma", "bad \xff byte", ACSA_EUSAGE, "reason");
    refused(f, f->record, "drop", "PO Sharma", "two\nlines", ACSA_EUSAGE, "reason");
    refused(f, f->record, "drop", "PO Sharma", long_reason, ACSA_EUSAGE, "reason");
    refused(f, f->record, "drop", "PO \x1b[31m", "fixed", ACSA_EUSAGE, "by");
    /* None of them decided anything. */
    struct acsa_quarantine_row row = entry(f, f->record);
    assert_string_equal(row.status, "open");
    assert_int_equal(row.tries, 0);
    assert_string_equal(row.decision.action, "");
}

static void test_retry_still_refused_stays_open(void **state)
{
    struct fixture *f = *state;
    acsa_error_clear(&f->err);
    assert_int_equal(acsa_app_quarantine_resolve(f->app, f->record, "retry", "PO Sharma",
                                                 "the agreement may be in", NOW, &f->err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "refused again, it stays open"));
    struct acsa_quarantine_row row = entry(f, f->record);
    assert_string_equal(row.status, "open");
    assert_int_equal(row.tries, 1);
    assert_string_equal(row.decision.outcome, "refused");
    assert_string_equal(row.decision.by, "PO Sharma");
    assert_string_not_equal(row.decision.refusal, "");
    /* The entry's reason is now the retry's. */
    assert_string_equal(row.reason, row.decision.refusal);
    /* The batch: no longer an acsa batch to take in (its bytes are not one). */
    assert_int_equal(acsa_app_quarantine_resolve(f->app, f->batch, "retry", "PO Sharma",
                                                 "JP is our partner now", NOW, &f->err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "not an acsa batch"));
    assert_int_equal(listed(f, false).count, 2);
}

static void test_drop_is_kept_and_final(void **state)
{
    struct fixture *f = *state;
    MUST(f, acsa_app_quarantine_resolve(f->app, f->batch, "drop", "PO Sharma", "a stale bundle",
                                        NOW, &f->err));
    struct rows open = listed(f, false);
    assert_int_equal(open.count, 1);
    assert_int_equal(open.row[0].id, f->record);
    struct rows all = listed(f, true);
    assert_int_equal(all.count, 2);
    assert_int_equal(all.row[0].id, f->batch);
    assert_string_equal(all.row[0].status, "dropped");
    assert_string_equal(all.row[0].decision.reason, "a stale bundle");
    assert_string_equal(all.row[0].reason, "sender: JP is not a partner node of IN");
    refused(f, f->batch, "drop", "PO Sharma", "again", ACSA_EEXISTS, "id");
    refused(f, f->batch, "retry", "PO Sharma", "again", ACSA_EEXISTS, "id");
    assert_non_null(strstr(f->err.message, "resolved already (dropped by PO Sharma)"));
    /* The store itself allows one resolving decision per entry. */
    struct acsa_store *s = acsa__app_store(f->app);
    struct acsa_quarantine_decision d;
    memset(&d, 0, sizeof(d));
    d.quarantine_id = f->batch;
    d.at_s = NOW;
    snprintf(d.action, sizeof(d.action), "retry");
    snprintf(d.outcome, sizeof(d.outcome), "applied");
    snprintf(d.by, sizeof(d.by), "X");
    snprintf(d.reason, sizeof(d.reason), "Y");
    MUST(f, s->vtbl->begin_write(s, &f->err));
    assert_int_equal(s->vtbl->sync->quarantine_decide(s, &d, &f->err), ACSA_EEXISTS);
    s->vtbl->rollback(s);
}

static void test_nothing_deleted_or_edited(void **state)
{
    struct fixture *f = *state;
    MUST(f, acsa_app_quarantine_resolve(f->app, f->record, "drop", "PO Sharma", "gone", NOW,
                                        &f->err));
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    static const char *const writes[] = {
        "DELETE FROM quarantine",
        "DELETE FROM quarantine_decisions",
        "UPDATE quarantine_decisions SET outcome = 'refused'",
    };
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        char *message = NULL;
        assert_int_not_equal(sqlite3_exec(db, writes[i], NULL, NULL, &message), SQLITE_OK);
        sqlite3_free(message);
    }
    sqlite3_close(db);
    assert_int_equal(listed(f, true).count, 2);
    assert_int_equal(listed(f, false).count, 1);
}

struct audit_seen {
    char outcomes[8][32];
    char details[8][ACSA_AUDIT_TEXT_SIZE];
    uint32_t count;
};

static enum acsa_rc audit_row(void *ctx, const struct acsa_audit_record *r)
{
    struct audit_seen *seen = ctx;
    if (strcmp(r->action, "quarantine.resolve") == 0 && seen->count < 8) {
        snprintf(seen->outcomes[seen->count], sizeof(seen->outcomes[0]), "%s", r->outcome);
        snprintf(seen->details[seen->count], sizeof(seen->details[0]), "%s", r->detail);
        assert_string_equal(r->actor, "tester");
        seen->count++;
    }
    return ACSA_OK;
}

static void test_every_decision_audited(void **state)
{
    struct fixture *f = *state;
    refused(f, 999, "drop", "PO Sharma", "x", ACSA_ENOTFOUND, "id");
    assert_int_equal(acsa_app_quarantine_resolve(f->app, f->record, "retry", "PO Sharma",
                                                 "try", NOW, &f->err),
                     ACSA_EREFUSED);
    MUST(f, acsa_app_quarantine_resolve(f->app, f->record, "drop", "PO Sharma", "not ours",
                                        NOW, &f->err));
    struct audit_seen seen;
    memset(&seen, 0, sizeof(seen));
    MUST(f, acsa_app_audit_list(f->app, 0, 1000, audit_row, &seen, &f->err));
    assert_int_equal(seen.count, 3);
    assert_string_equal(seen.outcomes[0], "ACSA_ENOTFOUND");
    assert_string_equal(seen.outcomes[1], "ACSA_EREFUSED");
    assert_non_null(strstr(seen.details[1], "retry by PO Sharma: try; refused: "));
    assert_string_equal(seen.outcomes[2], "ok");
    assert_string_equal(seen.details[2], "drop by PO Sharma: not ours");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_refusals_name_the_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retry_still_refused_stays_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_drop_is_kept_and_final, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_deleted_or_edited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_decision_audited, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
