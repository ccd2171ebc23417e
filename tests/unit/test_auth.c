/* SPDX-License-Identifier: MIT */
/* Accounts and accountability against a fresh node per test: users and their validation,
 * sign-in (failures write nothing) and the in-memory throttle, disabled users, sessions, API
 * tokens, the audit chain (and its verification after a record is edited behind its back),
 * nested transactions, idempotency records and their expiry, and private database files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>
#include <sqlite3.h>

#include "app.h"
#include "auth.h"
#include "demo.h"
#include "store.h"
#include "throttle.h"

#define NOW 1718000000          /* 2024-06-10, the clock of the sign-in tests. */
#define PASSWORD "correct horse battery"
#define WRONG "username or password is wrong"
#define RECORDS_MAX 64

/* One node: India, the India-Japan agreement, a unit on each side, an official. */
struct fixture {
    char dir[64];
    char path[128];
    struct acsa_app *app;
    int64_t navy;               /* Indian Navy. */
    int64_t jmsdf;              /* JMSDF. */
    struct acsa_error err;
};

/* ---- Helpers -------------------------------------------------------------------------- */

static void raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *message = NULL;
    int code = sqlite3_exec(db, sql, NULL, NULL, &message);
    if (code != SQLITE_OK) {
        fail_msg("%s: %s", sql, message != NULL ? message : "?");
    }
    sqlite3_close(db);
}

static int64_t raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    int64_t value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

static struct acsa_user make_user(const char *username, const char *name, enum acsa_role role,
                                  const char *party, int64_t unit_id)
{
    struct acsa_user user;
    memset(&user, 0, sizeof(user));
    snprintf(user.username, sizeof(user.username), "%s", username);
    snprintf(user.display_name, sizeof(user.display_name), "%s", name);
    user.role = role;
    snprintf(user.party, sizeof(user.party), "%s", party);
    user.unit_id = unit_id;
    return user;
}

static int64_t add_user(struct fixture *f, const char *username, const char *name,
                        enum acsa_role role, int64_t unit_id)
{
    struct acsa_user user = make_user(username, name, role, "IN", unit_id);
    int64_t id = 0;
    enum acsa_rc rc = acsa_app_user_add(f->app, &user, PASSWORD, &id, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("user add %s: %s", username, f->err.message);
    }
    assert_true(id > 0);
    return id;
}

static enum acsa_rc login(struct fixture *f, const char *username, const char *password,
                          int64_t now, char *session, char *csrf, struct acsa_user *user)
{
    return acsa_app_login(f->app, username, password, now, session, csrf, user, &f->err);
}

static bool is_secret(const char *text)
{
    return strlen(text) == 64 && strspn(text, "0123456789abcdef") == 64;
}

static void reopen(struct fixture *f)
{
    acsa_app_close(f->app);
    f->app = NULL;
    assert_int_equal(acsa_app_open(f->path, 0, &f->app, &f->err), ACSA_OK);
    acsa_app_set_actor(f->app, "tester");
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-test-auth-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/node.db", f->dir);
    assert_int_equal(acsa_app_init(f->path, "IN", "test node", &f->err), ACSA_OK);
    assert_int_equal(acsa_app_open(f->path, 0, &f->app, &f->err), ACSA_OK);
    acsa_app_set_actor(f->app, "tester");
    const char *text = acsa_demo_agreement_json();
    char id[ACSA_ID_SIZE];
    assert_int_equal(acsa_app_agreement_load(f->app, text, strlen(text), id, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_unit_add(f->app, "IN", "Indian Navy", &f->navy, &f->err),
                     ACSA_OK);
    assert_int_equal(acsa_app_unit_add(f->app, "JP", "JMSDF", &f->jmsdf, &f->err), ACSA_OK);
    int64_t official = 0;
    assert_int_equal(acsa_app_official_add(f->app, "IN", "Cdr A. Rao", 5000000, "JPY",
                                           &official, &f->err),
                     ACSA_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    acsa_app_close(f->app);
    char other[160];
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(other, sizeof(other), "%s%s", f->path, suffixes[i]);
        unlink(other);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* The audit log as read back. */
struct records {
    struct acsa_audit_record r[RECORDS_MAX];
    size_t count;
};

static enum acsa_rc collect_record(void *ctx, const struct acsa_audit_record *record)
{
    struct records *list = ctx;
    assert_true(list->count < RECORDS_MAX);
    list->r[list->count++] = *record;
    return ACSA_OK;
}

static void read_audit(struct fixture *f, struct records *out)
{
    memset(out, 0, sizeof(*out));
    assert_int_equal(acsa_app_audit_list(f->app, 0, 0, collect_record, out, &f->err), ACSA_OK);
}

static const struct acsa_audit_record *last_record(struct fixture *f, struct records *list)
{
    read_audit(f, list);
    assert_true(list->count > 0);
    return &list->r[list->count - 1];
}

/* ---- Users ---------------------------------------------------------------------------- */

static enum acsa_rc count_user(void *ctx, const struct acsa_user *user)
{
    (*(int *)ctx)++;
    assert_true(user->id > 0);
    return ACSA_OK;
}

static void test_user_add_get_list(void **state)
{
    struct fixture *f = *state;
    int64_t id = add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    add_user(f, "rao", "Cdr A. Rao", ACSA_ROLE_APPROVER, 0);
    struct acsa_user got;
    assert_int_equal(acsa_app_user_get(f->app, "iyer", &got, &f->err), ACSA_OK);
    assert_int_equal(got.id, id);
    assert_string_equal(got.display_name, "Lt Iyer");
    assert_int_equal(got.role, ACSA_ROLE_REQUESTER);
    assert_string_equal(got.party, "IN");
    assert_int_equal(got.unit_id, f->navy);
    assert_false(got.disabled);
    int count = 0;
    assert_int_equal(acsa_app_user_list(f->app, count_user, &count, &f->err), ACSA_OK);
    assert_int_equal(count, 2);
    assert_int_equal(acsa_app_user_get(f->app, "nobody", &got, &f->err), ACSA_ENOTFOUND);
    assert_string_equal(f->err.field, "username");
    /* The password is stored as an Argon2id hash, never as given. */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM users WHERE password_hash LIKE "
                                      "'$argon2id$%' AND password_hash NOT LIKE '%horse%'"),
                     2);
    /* A taken username. */
    struct acsa_user again = make_user("iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, "IN", f->navy);
    assert_int_equal(acsa_app_user_add(f->app, &again, PASSWORD, &id, &f->err), ACSA_EEXISTS);
    assert_int_equal(id, 0);
    assert_string_equal(f->err.field, "username");
}

/* One invalid user: the code, the field named, and the start of the message. */
struct bad_user {
    const char *username;
    const char *name;
    enum acsa_role role;
    const char *party;
    int unit;                   /* 0 none, 1 the Indian unit, 2 the Japanese one, 3 unknown. */
    const char *password;
    enum acsa_rc rc;
    const char *field;
    const char *message;
};

static void test_user_validation(void **state)
{
    struct fixture *f = *state;
    static const struct bad_user cases[] = {
        {"", "A", ACSA_ROLE_AUDITOR, "IN", 0, PASSWORD, ACSA_EUSAGE, "username",
         "username: is required"},
        {"Alice", "A", ACSA_ROLE_AUDITOR, "IN", 0, PASSWORD, ACSA_EUSAGE, "username",
         "username: \"Alice\" may contain only"},
        {"a b", "A", ACSA_ROLE_AUDITOR, "IN", 0, PASSWORD, ACSA_EUSAGE, "username", NULL},
        {"a", "", ACSA_ROLE_AUDITOR, "IN", 0, PASSWORD, ACSA_EUSAGE, "display_name",
         "display_name: is required"},
        {"a", "Two\nlines", ACSA_ROLE_AUDITOR, "IN", 0, PASSWORD, ACSA_EUSAGE, "display_name",
         "display_name: must not contain control characters"},
        {"a", "A", (enum acsa_role)99, "IN", 0, PASSWORD, ACSA_EUSAGE, "role", "role: 99"},
        {"a", "A", ACSA_ROLE_AUDITOR, "India", 0, PASSWORD, ACSA_EUSAGE, "party", "party: "},
        {"a", "A", ACSA_ROLE_REQUESTER, "IN", 0, PASSWORD, ACSA_EUSAGE, "unit_id",
         "unit_id: a requester needs a unit of IN"},
        {"a", "A", ACSA_ROLE_SUPPLIER_CLERK, "IN", 0, PASSWORD, ACSA_EUSAGE, "unit_id", NULL},
        {"a", "A", ACSA_ROLE_REQUESTER, "IN", 3, PASSWORD, ACSA_ENOTFOUND, "unit_id",
         "unit_id: unit 999 not found"},
        {"a", "A", ACSA_ROLE_REQUESTER, "IN", 2, PASSWORD, ACSA_EREFUSED, "unit_id",
         "unit_id: unit"},
        {"a", "Lt Nobody", ACSA_ROLE_APPROVER, "IN", 0, PASSWORD, ACSA_EREFUSED, "display_name",
         "display_name: an approver needs an official of IN named \"Lt Nobody\""},
        {"a", "Cdr A. Rao", ACSA_ROLE_APPROVER, "JP", 0, PASSWORD, ACSA_EREFUSED,
         "display_name", NULL},
        {"a", "A", ACSA_ROLE_AUDITOR, "IN", 0, "short", ACSA_EUSAGE, "password",
         "password: shorter than 12 characters"},
        /* Eleven characters in 22 bytes: the minimum counts characters. */
        {"a", "A", ACSA_ROLE_AUDITOR, "IN", 0, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3"
         "\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", ACSA_EUSAGE, "password", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct bad_user *c = &cases[i];
        const int64_t units[] = {0, f->navy, f->jmsdf, 999};
        struct acsa_user user = make_user(c->username, c->name, c->role, c->party,
                                          units[c->unit]);
        int64_t id = -1;
        enum acsa_rc rc = acsa_app_user_add(f->app, &user, c->password, &id, &f->err);
        if (rc != c->rc || strcmp(f->err.field, c->field) != 0) {
            fail_msg("case %zu: got %s (%s) field \"%s\"", i, acsa_rc_name(rc), f->err.message,
                     f->err.field);
        }
        assert_int_equal(id, 0);
        if (c->message != NULL && strncmp(f->err.message, c->message, strlen(c->message))) {
            fail_msg("case %zu: message \"%s\"", i, f->err.message);
        }
    }
    char long_password[ACSA_PASSWORD_MAX + 2];
    memset(long_password, 'x', sizeof(long_password) - 1);
    long_password[sizeof(long_password) - 1] = '\0';
    struct acsa_user user = make_user("a", "A", ACSA_ROLE_AUDITOR, "IN", 0);
    int64_t id = 0;
    assert_int_equal(acsa_app_user_add(f->app, &user, long_password, &id, &f->err),
                     ACSA_EUSAGE);
    assert_string_equal(f->err.message, "password: longer than 256 bytes");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM users"), 0);
}

/* ---- Signing in ----------------------------------------------------------------------- */

static void test_login_and_session(void **state)
{
    struct fixture *f = *state;
    int64_t id = add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    char session[ACSA_SECRET_TEXT_SIZE];
    char csrf[ACSA_SECRET_TEXT_SIZE];
    struct acsa_user user;
    assert_int_equal(login(f, "iyer", PASSWORD, NOW, session, csrf, &user), ACSA_OK);
    assert_true(is_secret(session));
    assert_true(is_secret(csrf));
    assert_string_not_equal(session, csrf);
    assert_int_equal(user.id, id);
    /* finding 7: no secret in clear: the CSRF token is derived, never stored. */
    char stored[200];
    snprintf(stored, sizeof(stored), "SELECT count(*) FROM sessions WHERE csrf <> ''");
    assert_int_equal(raw_int(f->path, stored), 0);
    assert_string_equal(user.display_name, "Lt Iyer");
    /* Only the session's hash is kept. */
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM sessions WHERE token_hash = '%s'",
             session);
    assert_int_equal(raw_int(f->path, sql), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sessions"), 1);

    struct acsa_user who;
    char again[ACSA_SECRET_TEXT_SIZE];
    assert_int_equal(acsa_app_session_user(f->app, session, NOW + 60, &who, again, &f->err),
                     ACSA_OK);
    assert_int_equal(who.id, id);
    assert_string_equal(again, csrf);
    /* It lasts ACSA_SESSION_SECONDS and not a second longer. */
    assert_int_equal(acsa_app_session_user(f->app, session, NOW + ACSA_SESSION_SECONDS - 1,
                                           &who, again, &f->err),
                     ACSA_OK);
    assert_int_equal(acsa_app_session_user(f->app, session, NOW + ACSA_SESSION_SECONDS, &who,
                                           again, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(who.id, 0);
    assert_string_equal(again, "");
    assert_int_equal(acsa_app_session_user(f->app, "not-a-session", NOW, &who, again, &f->err),
                     ACSA_ENOTFOUND);

    /* Logging out ends the session; twice is not found. */
    assert_int_equal(acsa_app_logout(f->app, session, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_session_user(f->app, session, NOW + 60, &who, again, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(acsa_app_logout(f->app, session, &f->err), ACSA_ENOTFOUND);
    struct records list;
    const struct acsa_audit_record *r = last_record(f, &list);
    assert_string_equal(r->action, "session.delete");
    assert_string_equal(r->outcome, "ACSA_ENOTFOUND");
    r = &list.r[list.count - 2];
    assert_string_equal(r->action, "session.delete");
    assert_string_equal(r->object, "user:iyer");
    assert_string_equal(r->outcome, "ok");
}

static void test_login_wrong_and_unknown_alike(void **state)
{
    struct fixture *f = *state;
    add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    char session[ACSA_SECRET_TEXT_SIZE];
    char csrf[ACSA_SECRET_TEXT_SIZE];
    struct acsa_user user;
    const char *const names[] = {"iyer", "nobody", "Not A Name"};
    const char *const passwords[] = {"wrong password!", PASSWORD, PASSWORD};
    int64_t audit_before = raw_int(f->path, "SELECT count(*) FROM audit");
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(login(f, names[i], passwords[i], NOW, session, csrf, &user),
                         ACSA_EREFUSED);
        assert_string_equal(f->err.message, WRONG);
        assert_string_equal(session, "");
        assert_int_equal(user.id, 0);
    }
    /* A failed sign-in writes nothing; a success writes its session and its record. */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit"), audit_before);
    assert_int_equal(login(f, "iyer", PASSWORD, NOW, session, csrf, &user), ACSA_OK);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit"), audit_before + 1);
}

static void test_finding3_failed_signins_write_nothing(void **state)
{
    /* finding 3: a flood of failed sign-ins leaves the login_failures and audit tables as
     * they were (each attempt used to add a row to both); the summary is one record. */
    struct fixture *f = *state;
    add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    int64_t audit_before = raw_int(f->path, "SELECT count(*) FROM audit");
    char session[ACSA_SECRET_TEXT_SIZE];
    char csrf[ACSA_SECRET_TEXT_SIZE];
    struct acsa_user user;
    char name[32];
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof(name), i % 2 == 0 ? "iyer" : "guess%d", i);
        assert_int_equal(login(f, name, "wrong password!", NOW + i, session, csrf, &user),
                         ACSA_EREFUSED);
    }
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM login_failures"), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit"), audit_before);
    assert_int_equal(acsa_app_audit_signin_failures(f->app, 8, 3, 1, &f->err), ACSA_OK);
    struct records list;
    const struct acsa_audit_record *r = last_record(f, &list);
    assert_string_equal(r->action, "session.failures");
    assert_string_equal(r->detail, "sign-in failures: 8 from 1 addresses; 3 attempts throttled");
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit"), audit_before + 1);
}

static void test_finding3_throttle_delays_grow_and_end(void **state)
{
    /* finding 3: failures past the free ones get growing delays (429 with Retry-After in the
     * server), capped, and the right user still gets in once the delay is over. */
    (void)state;
    static struct acsa_throttle t;
    int64_t now = 1000000;
    acsa_throttle_init(&t, now);
    uint32_t retry = 0;
    for (int i = 0; i < ACSA_THROTTLE_PAIR_FREE; i++) {
        assert_true(acsa_throttle_admit(&t, "10.0.0.9", "po", now, &retry));
        acsa_throttle_result(&t, "10.0.0.9", "po", ACSA_THROTTLE_FAILED, now);
    }
    /* The next one is let through, and from then on each failure doubles the wait. */
    uint32_t last = 0;
    for (int i = 0; i < 12; i++) {
        assert_true(acsa_throttle_admit(&t, "10.0.0.9", "po", now, &retry));
        acsa_throttle_result(&t, "10.0.0.9", "po", ACSA_THROTTLE_FAILED, now);
        assert_false(acsa_throttle_admit(&t, "10.0.0.9", "po", now, &retry));
        assert_true(retry >= 1);
        assert_true(retry >= last);
        assert_true(retry <= ACSA_THROTTLE_PAIR_CAP_MS / 1000);
        last = retry;
        now += (int64_t)retry * 1000;
    }
    assert_int_equal(last, ACSA_THROTTLE_PAIR_CAP_MS / 1000);
    /* Once the wait is over the right password is checked, and its success forgets the
     * pair's failures. */
    assert_true(acsa_throttle_admit(&t, "10.0.0.9", "po", now, &retry));
    acsa_throttle_result(&t, "10.0.0.9", "po", ACSA_THROTTLE_OK, now);
    struct acsa_throttle_summary sum;
    assert_true(acsa_throttle_summary_due(&t, now, &sum));
    assert_int_equal(sum.failures, ACSA_THROTTLE_PAIR_FREE + 12);
    assert_int_equal(sum.throttled, 12);
    assert_int_equal(sum.addresses, 1);
    assert_false(acsa_throttle_summary_due(&t, now, &sum));
    acsa_throttle_destroy(&t);
}

static void test_finding8_officer_not_locked_from_elsewhere(void **state)
{
    /* finding 8: five (or fifty) wrong passwords for the programme officer from one address
     * do not keep the officer out from another: no lock anyone can set on anyone. */
    (void)state;
    static struct acsa_throttle t;
    int64_t now = 5000000;
    acsa_throttle_init(&t, now);
    uint32_t retry = 0;
    int throttled = 0;
    for (int i = 0; i < 50; i++) {
        if (acsa_throttle_admit(&t, "192.0.2.66", "in-programme", now + i, &retry)) {
            acsa_throttle_result(&t, "192.0.2.66", "in-programme", ACSA_THROTTLE_FAILED,
                                 now + i);
        } else {
            throttled++;
        }
    }
    assert_true(throttled > 0);
    assert_false(acsa_throttle_admit(&t, "192.0.2.66", "in-programme", now + 50, &retry));
    /* Many other addresses failing on the name do not hold back a clean address either. */
    char address[32];
    for (int a = 0; a < 40; a++) {
        snprintf(address, sizeof(address), "198.51.100.%d", a);
        for (int i = 0; i < ACSA_THROTTLE_PAIR_FREE; i++) {
            if (acsa_throttle_admit(&t, address, "in-programme", now + 60, &retry)) {
                acsa_throttle_result(&t, address, "in-programme", ACSA_THROTTLE_FAILED,
                                     now + 60);
            }
        }
    }
    assert_true(acsa_throttle_admit(&t, "203.0.113.5", "in-programme", now + 61, &retry));
    acsa_throttle_result(&t, "203.0.113.5", "in-programme", ACSA_THROTTLE_OK, now + 61);
    /* The delay is the pair's: another name from that address is not held back by it. */
    assert_true(acsa_throttle_admit(&t, "192.0.2.66", "in-auditor", now + 62, &retry));
    acsa_throttle_destroy(&t);
}

static void test_finding3_throttle_table_bounded(void **state)
{
    /* finding 3: a flood of random names from many addresses fits the fixed table: memory
     * does not grow, and the attacker's own hot entry is not pushed out by it. */
    (void)state;
    static struct acsa_throttle t;
    int64_t now = 9000000;
    acsa_throttle_init(&t, now);
    uint32_t retry = 0;
    char name[32];
    char address[32];
    for (int i = 0; i < 3 * ACSA_THROTTLE_ENTRIES; i++) {
        snprintf(name, sizeof(name), "n%d", i);
        snprintf(address, sizeof(address), "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        if (acsa_throttle_admit(&t, address, name, now, &retry)) {
            acsa_throttle_result(&t, address, name, ACSA_THROTTLE_FAILED, now);
        }
        if (acsa_throttle_admit(&t, "192.0.2.1", name, now, &retry)) {
            acsa_throttle_result(&t, "192.0.2.1", name, ACSA_THROTTLE_FAILED, now);
        }
    }
    assert_false(acsa_throttle_admit(&t, "192.0.2.1", "another", now, &retry));
    struct acsa_throttle_summary sum;
    assert_true(acsa_throttle_summary_due(&t, now, &sum));
    assert_true(sum.failures >= 3 * ACSA_THROTTLE_ENTRIES);
    assert_true(sum.throttled > 0);
    acsa_throttle_destroy(&t);
}

static void test_disabled_user(void **state)
{
    struct fixture *f = *state;
    add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    char session[ACSA_SECRET_TEXT_SIZE];
    char csrf[ACSA_SECRET_TEXT_SIZE];
    char token[ACSA_SECRET_TEXT_SIZE];
    struct acsa_user user;
    int64_t token_id = 0;
    assert_int_equal(login(f, "iyer", PASSWORD, NOW, session, csrf, &user), ACSA_OK);
    assert_int_equal(acsa_app_token_create(f->app, "iyer", "export", NOW, token, &token_id,
                                           &f->err),
                     ACSA_OK);
    assert_int_equal(acsa_app_user_disable(f->app, "iyer", &f->err), ACSA_OK);
    assert_int_equal(acsa_app_user_get(f->app, "iyer", &user, &f->err), ACSA_OK);
    assert_true(user.disabled);
    assert_int_equal(acsa_app_session_user(f->app, session, NOW + 1, &user, csrf, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(acsa_app_token_user(f->app, token, &user, &f->err), ACSA_ENOTFOUND);
    /* finding 8: the right password of a disabled user gets the answer of a wrong one. */
    assert_int_equal(login(f, "iyer", PASSWORD, NOW + 2, session, csrf, &user), ACSA_EREFUSED);
    assert_string_equal(f->err.message, WRONG);
    assert_string_equal(f->err.field, "password");
    struct acsa_error wrong;
    assert_int_equal(login(f, "iyer", "wrong password!", NOW + 2, session, csrf, &user),
                     ACSA_EREFUSED);
    wrong = f->err;
    assert_int_equal(login(f, "iyer", PASSWORD, NOW + 2, session, csrf, &user), ACSA_EREFUSED);
    assert_memory_equal(&wrong, &f->err, sizeof(wrong));
    assert_int_equal(acsa_app_token_create(f->app, "iyer", "again", NOW, token, &token_id,
                                           &f->err),
                     ACSA_EREFUSED);
    assert_int_equal(acsa_app_user_disable(f->app, "nobody", &f->err), ACSA_ENOTFOUND);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM sessions"), 0);
    assert_int_equal(raw_int(f->path, "SELECT revoked FROM api_tokens"), 1);
}

/* ---- API tokens ----------------------------------------------------------------------- */

static enum acsa_rc collect_token(void *ctx, const struct acsa_token_info *token)
{
    struct acsa_token_info *out = ctx;
    assert_true(out[0].id == 0 || out[1].id == 0);
    out[out[0].id == 0 ? 0 : 1] = *token;
    return ACSA_OK;
}

static void test_tokens(void **state)
{
    struct fixture *f = *state;
    int64_t uid = add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    add_user(f, "audit", "Ms Sharma", ACSA_ROLE_AUDITOR, 0);
    char token[ACSA_SECRET_TEXT_SIZE];
    int64_t id = 0;
    assert_int_equal(acsa_app_token_create(f->app, "iyer", "nightly export", NOW, token, &id,
                                           &f->err),
                     ACSA_OK);
    assert_true(is_secret(token));
    assert_true(id > 0);
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM api_tokens WHERE token_hash = '%s'", token);
    assert_int_equal(raw_int(f->path, sql), 0);
    struct acsa_user user;
    assert_int_equal(acsa_app_token_user(f->app, token, &user, &f->err), ACSA_OK);
    assert_int_equal(user.id, uid);
    struct acsa_token_info info;
    assert_int_equal(acsa_app_token_get(f->app, id, &info, &f->err), ACSA_OK);
    assert_string_equal(info.username, "iyer");
    assert_string_equal(info.name, "nightly export");
    assert_int_equal(info.created_s, NOW);
    assert_false(info.revoked);
    char other[ACSA_SECRET_TEXT_SIZE];
    int64_t other_id = 0;
    assert_int_equal(acsa_app_token_create(f->app, "audit", "reports", NOW, other, &other_id,
                                           &f->err),
                     ACSA_OK);
    struct acsa_token_info listed[2];
    memset(listed, 0, sizeof(listed));
    assert_int_equal(acsa_app_token_list(f->app, "iyer", collect_token, listed, &f->err),
                     ACSA_OK);
    assert_int_equal(listed[0].id, id);
    assert_int_equal(listed[1].id, 0);
    memset(listed, 0, sizeof(listed));
    assert_int_equal(acsa_app_token_list(f->app, "", collect_token, listed, &f->err), ACSA_OK);
    assert_int_equal(listed[1].id, other_id);
    assert_int_equal(acsa_app_token_list(f->app, "nobody", collect_token, listed, &f->err),
                     ACSA_ENOTFOUND);
    /* Revoked: the token stops working at once; the other one goes on. */
    assert_int_equal(acsa_app_token_revoke(f->app, id, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_token_user(f->app, token, &user, &f->err), ACSA_ENOTFOUND);
    assert_int_equal(acsa_app_token_user(f->app, other, &user, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_token_get(f->app, id, &info, &f->err), ACSA_OK);
    assert_true(info.revoked);
    assert_int_equal(acsa_app_token_revoke(f->app, 999, &f->err), ACSA_ENOTFOUND);
    assert_string_equal(f->err.message, "id: token 999 not found");
    assert_int_equal(acsa_app_token_create(f->app, "nobody", "x", NOW, token, &id, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(acsa_app_token_create(f->app, "iyer", "", NOW, token, &id, &f->err),
                     ACSA_EUSAGE);
    assert_string_equal(f->err.field, "name");
    assert_string_equal(token, "");
    assert_int_equal(acsa_app_token_user(f->app, "short", &user, &f->err), ACSA_ENOTFOUND);
}

/* ---- The audit log -------------------------------------------------------------------- */

/* A mix of accepted and refused commands; returns how many records they made. */
static size_t mixed_commands(struct fixture *f)
{
    int64_t id = 0;
    assert_int_equal(acsa_app_unit_add(f->app, "IN", "Indian Army", &id, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_unit_add(f->app, "IN", "Indian Army", &id, &f->err),
                     ACSA_EEXISTS);
    assert_int_equal(acsa_app_unit_add(f->app, "India", "Indian Army", &id, &f->err),
                     ACSA_EUSAGE);
    assert_int_equal(acsa_app_official_add(f->app, "IN", "Col Mehta", 100, "XYZ", &id, &f->err),
                     ACSA_EUSAGE);
    add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    char session[ACSA_SECRET_TEXT_SIZE];
    char csrf[ACSA_SECRET_TEXT_SIZE];
    struct acsa_user user;
    assert_int_equal(login(f, "iyer", "wrong password!", NOW, session, csrf, &user),
                     ACSA_EREFUSED);
    assert_int_equal(login(f, "iyer", PASSWORD, NOW, session, csrf, &user), ACSA_OK);
    assert_int_equal(acsa_app_audit(f->app, "request.refused", "/api/balance", ACSA_EFORBIDDEN,
                                    "role: a requester may not read the balance", &f->err),
                     ACSA_OK);
    return 7; /* The failed sign-in wrote nothing. */
}

static void test_audit_chain_verifies(void **state)
{
    struct fixture *f = *state;
    /* The setup made five records: the node key, agreement, two units, an official. */
    size_t made = 5 + mixed_commands(f);
    struct records list;
    read_audit(f, &list);
    assert_int_equal(list.count, made);
    static const char *const expected[][2] = {
        {"node.keygen", "ok"},
        {"agreement.load", "ok"},     {"unit.add", "ok"},
        {"unit.add", "ok"},           {"official.add", "ok"},
        {"unit.add", "ok"},           {"unit.add", "ACSA_EEXISTS"},
        {"unit.add", "ACSA_EUSAGE"},  {"official.add", "ACSA_EUSAGE"},
        {"user.add", "ok"},
        {"session.create", "ok"},     {"request.refused", "ACSA_EFORBIDDEN"},
    };
    assert_int_equal(list.count, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < list.count; i++) {
        const struct acsa_audit_record *r = &list.r[i];
        assert_int_equal(r->id, (int64_t)i + 1);
        /* The key pair is made by acsa_app_init, before the test names its actor. */
        if (i == 0) {
            assert_int_equal(strncmp(r->actor, "cli:", 4), 0);
        } else {
            assert_string_equal(r->actor, "tester");
        }
        assert_string_equal(r->action, expected[i][0]);
        assert_string_equal(r->outcome, expected[i][1]);
        assert_string_equal(r->prev_hash, i == 0 ? "00000000000000000000000000000000"
                                                   "00000000000000000000000000000000"
                                                 : list.r[i - 1].hash);
    }
    assert_string_equal(list.r[0].object, "node:key");
    assert_string_equal(list.r[1].object, "IN-JP-2020");
    assert_string_equal(list.r[2].object, "unit:1");
    assert_string_equal(list.r[5].detail, "");
    assert_string_equal(list.r[6].detail, "unit \"Indian Army\" of IN already exists");
    assert_string_equal(list.r[7].object, "unit:India/Indian Army");
    assert_string_equal(list.r[9].object, "user:iyer");
    assert_string_equal(list.r[11].object, "/api/balance");
    /* The refused commands left no change behind. */
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM units"), 3);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM officials"), 1);

    struct acsa_audit_verdict verdict;
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &f->err), ACSA_OK);
    assert_true(verdict.ok);
    assert_int_equal(verdict.records, (int64_t)made);
    assert_int_equal(verdict.first_broken_id, 0);
    /* Paging. */
    struct records page;
    memset(&page, 0, sizeof(page));
    assert_int_equal(acsa_app_audit_list(f->app, 3, 2, collect_record, &page, &f->err),
                     ACSA_OK);
    assert_int_equal(page.count, 2);
    assert_int_equal(page.r[0].id, 4);
    /* The log is append-only in the database itself. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET detail = 'x'", NULL, NULL, NULL),
                         SQLITE_OK);
    assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* The hash of a record by the byte layout of docs/ARCHITECTURE.md, "Audit log": prev_hash,
 * id, at_s, actor, action, object, outcome and detail, each followed by a line feed. */
static void documented_hash(const struct acsa_audit_record *r, char out[ACSA_SECRET_TEXT_SIZE])
{
    char text[2048];
    int length = snprintf(text, sizeof(text), "%s\n%lld\n%lld\n%s\n%s\n%s\n%s\n%s\n",
                          r->prev_hash, (long long)r->id, (long long)r->at_s, r->actor,
                          r->action, r->object, r->outcome, r->detail);
    assert_true(length > 0 && (size_t)length < sizeof(text));
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, (const unsigned char *)text, (unsigned long long)length);
    sodium_bin2hex(out, ACSA_SECRET_TEXT_SIZE, digest, sizeof(digest));
}

static void test_audit_edited_record_named(void **state)
{
    struct fixture *f = *state;
    mixed_commands(f);
    struct records list;
    read_audit(f, &list);
    for (size_t i = 0; i < list.count; i++) {
        char expected[ACSA_SECRET_TEXT_SIZE];
        documented_hash(&list.r[i], expected);
        assert_string_equal(list.r[i].hash, expected);
    }
    /* Record 7 refused a unit; make it read as accepted. */
    acsa_app_close(f->app);
    f->app = NULL;
    raw_exec(f->path, "DROP TRIGGER audit_no_update; "
                      "UPDATE audit SET outcome = 'ok', detail = '' WHERE id = 7");
    reopen(f);
    struct acsa_audit_verdict verdict;
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &f->err), ACSA_OK);
    assert_false(verdict.ok);
    assert_int_equal(verdict.first_broken_id, 7);
    assert_int_equal(verdict.records, 6);
    assert_string_equal(verdict.reason, "hash does not match the record's contents");

    /* Recomputing the edited record's hash moves the break to the next record. */
    struct acsa_audit_record *edited = &list.r[6];
    snprintf(edited->outcome, sizeof(edited->outcome), "ok");
    edited->detail[0] = '\0';
    documented_hash(edited, edited->hash);
    char sql[256];
    snprintf(sql, sizeof(sql), "UPDATE audit SET hash = '%s' WHERE id = 7", edited->hash);
    raw_exec(f->path, sql);
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &f->err), ACSA_OK);
    assert_int_equal(verdict.first_broken_id, 8);
    assert_string_equal(verdict.reason, "prev_hash is not the hash of the record before it");
}

static void test_audit_removed_record_named(void **state)
{
    struct fixture *f = *state;
    mixed_commands(f);
    acsa_app_close(f->app);
    f->app = NULL;
    raw_exec(f->path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id = 3");
    reopen(f);
    struct acsa_audit_verdict verdict;
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &f->err), ACSA_OK);
    assert_false(verdict.ok);
    assert_int_equal(verdict.first_broken_id, 4);
    assert_non_null(strstr(verdict.reason, "gap"));
    /* A record that cannot even be read is named too. */
    raw_exec(f->path, "DROP TRIGGER audit_no_update; "
                      "UPDATE audit SET at_s = 'yesterday' WHERE id = 2");
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &f->err), ACSA_OK);
    assert_int_equal(verdict.first_broken_id, 2);
    assert_non_null(strstr(verdict.reason, "at_s"));
}

/* ---- Nested transactions -------------------------------------------------------------- */

static void test_nested_transactions(void **state)
{
    struct fixture *f = *state;
    int64_t kept = 0;
    int64_t dropped = 0;
    int64_t before = raw_int(f->path, "SELECT count(*) FROM audit");
    assert_int_equal(acsa_app_begin(f->app, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_unit_add(f->app, "IN", "Indian Army", &kept, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_begin(f->app, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_unit_add(f->app, "IN", "Indian Air Force", &dropped, &f->err),
                     ACSA_OK);
    acsa_app_rollback(f->app);
    /* A command refused inside the outer level keeps its refusal record. */
    assert_int_equal(acsa_app_unit_add(f->app, "IN", "Indian Army", &dropped, &f->err),
                     ACSA_EEXISTS);
    assert_int_equal(acsa_app_commit(f->app, &f->err), ACSA_OK);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM units WHERE name = 'Indian Army'"),
                     1);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM units WHERE name = "
                                      "'Indian Air Force'"),
                     0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit"), before + 2);
    struct acsa_audit_verdict verdict;
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &f->err), ACSA_OK);
    assert_true(verdict.ok);

    /* An outer rollback takes the inner commands and their records with it. */
    assert_int_equal(acsa_app_begin(f->app, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_unit_add(f->app, "JP", "JASDF", &dropped, &f->err), ACSA_OK);
    acsa_app_rollback(f->app);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM units WHERE name = 'JASDF'"), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM audit"), before + 2);
}

/* A server's reader connection refuses every write: a write that should have gone through
 * the one writer thread fails instead of racing it; its reads still work. */
static void test_read_only_refuses_writes(void **state)
{
    struct fixture *f = *state;
    int64_t before = raw_int(f->path, "SELECT count(*) FROM units");
    acsa_app_read_only(f->app);
    int64_t id = 0;
    assert_int_equal(acsa_app_begin(f->app, &f->err), ACSA_ESTORAGE);
    assert_non_null(strstr(f->err.message, "only reads"));
    assert_int_not_equal(acsa_app_unit_add(f->app, "IN", "Indian Navy", &id, &f->err), ACSA_OK);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM units"), before);
    struct acsa_audit_verdict verdict;
    assert_int_equal(acsa_app_audit_verify(f->app, &verdict, &f->err), ACSA_OK);
    assert_true(verdict.ok);
}

/* ---- Idempotency ---------------------------------------------------------------------- */

static void test_idempotency(void **state)
{
    struct fixture *f = *state;
    int64_t uid = add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    int status = 0;
    char *body = NULL;
    assert_int_equal(acsa_app_idempotency_get(f->app, uid, "order-1", "hash-a", &status, &body,
                                              &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "order-1", "hash-a", 201,
                                              "{\"number\":\"IN-JP-2024-000001\"}", &f->err),
                     ACSA_OK);
    assert_int_equal(acsa_app_idempotency_get(f->app, uid, "order-1", "hash-a", &status, &body,
                                              &f->err),
                     ACSA_OK);
    assert_int_equal(status, 201);
    assert_string_equal(body, "{\"number\":\"IN-JP-2024-000001\"}");
    free(body);
    body = NULL;
    /* The same key with another request is refused; another user's key is another key. */
    assert_int_equal(acsa_app_idempotency_get(f->app, uid, "order-1", "hash-b", &status, &body,
                                              &f->err),
                     ACSA_EREFUSED);
    assert_null(body);
    assert_string_equal(f->err.field, "Idempotency-Key");
    assert_int_equal(acsa_app_idempotency_get(f->app, uid + 1, "order-1", "hash-a", &status,
                                              &body, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "order-1", "hash-a", 201, "{}",
                                              &f->err),
                     ACSA_EEXISTS);
    const char *const bad_keys[] = {"", "has space", "a/b",
                                    "0123456789012345678901234567890123456789012345678901234567"
                                    "890123456"};
    for (size_t i = 0; i < sizeof(bad_keys) / sizeof(bad_keys[0]); i++) {
        assert_int_equal(acsa_app_idempotency_put(f->app, uid, bad_keys[i], "h", 200, "{}",
                                                  &f->err),
                         ACSA_EUSAGE);
    }
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "k", "h", 42, "{}", &f->err),
                     ACSA_EUSAGE);
    /* Stored inside the caller's transaction: its rollback forgets the response too. */
    assert_int_equal(acsa_app_begin(f->app, &f->err), ACSA_OK);
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "order-2", "hash-c", 200, "{}",
                                              &f->err),
                     ACSA_OK);
    acsa_app_rollback(f->app);
    assert_int_equal(acsa_app_idempotency_get(f->app, uid, "order-2", "hash-c", &status, &body,
                                              &f->err),
                     ACSA_ENOTFOUND);
}

static void test_finding8_last_officer_stays(void **state)
{
    /* finding 8: the last enabled programme officer cannot be disabled (nobody could manage
     * users after); with another one, they can. */
    struct fixture *f = *state;
    add_user(f, "po", "Capt Kulkarni", ACSA_ROLE_PROGRAMME_OFFICER, 0);
    assert_int_equal(acsa_app_user_disable(f->app, "po", &f->err), ACSA_EREFUSED);
    assert_string_equal(f->err.field, "username");
    assert_non_null(strstr(f->err.message, "last enabled programme officer"));
    struct acsa_user user;
    assert_int_equal(acsa_app_user_get(f->app, "po", &user, &f->err), ACSA_OK);
    assert_false(user.disabled);
    add_user(f, "po2", "Cdr Menon", ACSA_ROLE_PROGRAMME_OFFICER, 0);
    assert_int_equal(acsa_app_user_disable(f->app, "po", &f->err), ACSA_OK);
    assert_int_equal(acsa_app_user_disable(f->app, "po2", &f->err), ACSA_EREFUSED);
}

static void test_finding7_idempotency_expires(void **state)
{
    /* finding 7: stored responses expire after 24 hours: not replayed, and deleted by the
     * next write. */
    struct fixture *f = *state;
    int64_t uid = add_user(f, "iyer", "Lt Iyer", ACSA_ROLE_REQUESTER, f->navy);
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "old", "h1", 201, "{}", &f->err),
                     ACSA_OK);
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "new", "h2", 201, "{}", &f->err),
                     ACSA_OK);
    char sql[160];
    snprintf(sql, sizeof(sql), "UPDATE idempotency SET created_s = created_s - %d "
             "WHERE key = 'old'", ACSA_IDEMPOTENCY_SECONDS);
    raw_exec(f->path, sql);
    int status = 0;
    char *body = NULL;
    assert_int_equal(acsa_app_idempotency_get(f->app, uid, "old", "h1", &status, &body,
                                              &f->err),
                     ACSA_ENOTFOUND);
    assert_null(body);
    assert_int_equal(acsa_app_idempotency_get(f->app, uid, "new", "h2", &status, &body,
                                              &f->err),
                     ACSA_OK);
    free(body);
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "other", "h3", 201, "{}", &f->err),
                     ACSA_OK);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM idempotency WHERE key = 'old'"), 0);
    assert_int_equal(raw_int(f->path, "SELECT count(*) FROM idempotency"), 2);
    /* The key may be used again. */
    assert_int_equal(acsa_app_idempotency_put(f->app, uid, "old", "h4", 201, "{}", &f->err),
                     ACSA_OK);
}

static void test_finding7_database_private(void **state)
{
    /* finding 7: the database acsa creates, its -wal and -shm, and the node's key file are
     * readable by their owner only, whatever the umask. */
    struct fixture *f = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/open.db", f->dir);
    mode_t old = umask(022);
    assert_int_equal(acsa_app_init(path, "IN", "private node", &f->err), ACSA_OK);
    struct acsa_app *app = NULL;
    assert_int_equal(acsa_app_open(path, 0, &app, &f->err), ACSA_OK);
    umask(old);
    static const char *const suffixes[] = {"", "-wal", "-shm", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char file[200];
        snprintf(file, sizeof(file), "%s%s", path, suffixes[i]);
        struct stat st;
        if (stat(file, &st) != 0) {
            assert_true(i == 1 || i == 2); /* No WAL files once the last connection closed. */
            continue;
        }
        if ((st.st_mode & 0777) != 0600) {
            fail_msg("%s has mode %o", file, (unsigned)(st.st_mode & 0777));
        }
    }
    acsa_app_close(app);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char file[200];
        snprintf(file, sizeof(file), "%s%s", path, suffixes[i]);
        unlink(file);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_user_add_get_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_and_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_login_wrong_and_unknown_alike, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finding3_failed_signins_write_nothing, setup,
                                        teardown),
        cmocka_unit_test(test_finding3_throttle_delays_grow_and_end),
        cmocka_unit_test(test_finding8_officer_not_locked_from_elsewhere),
        cmocka_unit_test(test_finding3_throttle_table_bounded),
        cmocka_unit_test_setup_teardown(test_finding8_last_officer_stays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finding7_idempotency_expires, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finding7_database_private, setup, teardown),
        cmocka_unit_test_setup_teardown(test_disabled_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_chain_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_edited_record_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit_removed_record_named, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_refuses_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotency, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
