/* SPDX-License-Identifier: MIT */
/* The fault programs' shared helpers (fault_util.h). */
#include "fault_util.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "auth.h"
#include "date.h"
#include "node.h"
#include "snapshot.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define FNV_OFFSET 1469598103934665603ull
#define FNV_PRIME 1099511628211ull
#define SOURCE_MAX (1u << 20)

static unsigned tap_count;
static unsigned tap_failed;

void tap_ok(bool ok, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("%s %u - ", ok ? "ok" : "not ok", ++tap_count);
    vprintf(format, args);
    printf("\n");
    va_end(args);
    fflush(stdout);
    tap_failed += ok ? 0 : 1;
}

void tap_diag(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("# ");
    vprintf(format, args);
    printf("\n");
    va_end(args);
    fflush(stdout);
}

int tap_done(void)
{
    printf("1..%u\n", tap_count);
    return tap_failed == 0 ? 0 : 1;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "fault: %s: %s\n", what, detail);
    abort();
}

void fx_tempdir(char out[64], const char *name)
{
    /* In memory where there is one: the runs sync thousands of times, and what a sync makes
     * durable is the fault VFS's business here, not the disk's. */
    const char *root = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(out, 64, "%s/acsa-%s-XXXXXX", root, name);
    if (mkdtemp(out) == NULL) {
        die("mkdtemp", out);
    }
}

void fx_remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key", ".key.tmp"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char name[FX_PATH_SIZE + 16];
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out = fopen(to, "wb");
    if (in == NULL || out == NULL) {
        die("copy", from);
    }
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
        if (fwrite(buf, 1, n, out) != n) {
            die("copy", to);
        }
    }
    fclose(in);
    if (fclose(out) != 0) {
        die("copy", to);
    }
}

void fx_copy_db(const char *from, const char *to)
{
    fx_remove_db(to);
    char wal[FX_PATH_SIZE + 8];
    snprintf(wal, sizeof(wal), "%s-wal", from);
    if (access(wal, F_OK) == 0) {
        die("copy: not closed cleanly", from);
    }
    copy_file(from, to);
    char key_from[FX_PATH_SIZE + 8];
    char key_to[FX_PATH_SIZE + 8];
    snprintf(key_from, sizeof(key_from), "%s.key", from);
    snprintf(key_to, sizeof(key_to), "%s.key", to);
    copy_file(key_from, key_to);
    if (chmod(key_to, 0600) != 0) {
        die("chmod", key_to);
    }
}

char *fx_source(const char *relative, size_t *out_size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", ACSA_SOURCE_ROOT, relative);
    FILE *file = fopen(path, "rb");
    char *text = calloc(1, SOURCE_MAX);
    if (file == NULL || text == NULL) {
        die("source", path);
    }
    *out_size = fread(text, 1, SOURCE_MAX - 1, file);
    fclose(file);
    return text;
}

/* ---- Nodes and orders ----------------------------------------------------------------- */

#define MUST(call)                                                                             \
    do {                                                                                       \
        if ((call) != ACSA_OK) {                                                               \
            die(#call, err.message);                                                           \
        }                                                                                      \
    } while (0)

int32_t fx_day(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    MUST(acsa_date_parse(text, "date", &day, &err));
    return day;
}

static void add_activity(struct acsa_app *app, struct fx_ids *ids)
{
    struct acsa_error err;
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    snprintf(activity.agreement_id, sizeof(activity.agreement_id), "IN-JP-2020");
    snprintf(activity.name, sizeof(activity.name), "JIMEX 2024");
    snprintf(activity.type, sizeof(activity.type), "bilateral-training");
    snprintf(activity.place, sizeof(activity.place), "Arabian Sea");
    activity.from_day = fx_day("2024-06-01");
    activity.to_day = fx_day("2024-06-20");
    MUST(acsa_app_activity_add(app, &activity, &ids->activity, &err));
}

void fx_make_node(const char *path, const char *nation, struct fx_ids *ids)
{
    struct acsa_error err;
    struct acsa_app *app = NULL;
    fx_remove_db(path);
    MUST(acsa_app_init(path, nation, nation, &err));
    MUST(acsa_app_open(path, 0, &app, &err));
    acsa_app_set_actor(app, "tester");
    size_t size = 0;
    char *text = fx_source("agreements/india-japan-2020.json", &size);
    char id[ACSA_ID_SIZE];
    MUST(acsa_app_agreement_load(app, text, size, id, &err));
    free(text);
    int64_t official = 0;
    MUST(acsa_app_official_add(app, "IN", "Cdr A. Rao", 5000000, "JPY", &official, &err));
    MUST(acsa_app_official_add(app, "JP", "Capt K. Sato", 50000000, "JPY", &official, &err));
    memset(ids, 0, sizeof(*ids));
    if (strcmp(nation, "IN") == 0) {
        MUST(acsa_app_unit_add(app, "IN", "Indian Navy", &ids->navy, &err));
        MUST(acsa_app_unit_add(app, "JP", "JMSDF", &ids->jmsdf, &err));
        add_activity(app, ids);
    }
    acsa_app_close(app);
}

static void set_line(struct acsa_order_draft *d, uint32_t i, const char *category, int64_t qty,
                     int64_t price)
{
    struct acsa_order_line *l = &d->lines[i];
    snprintf(l->category, sizeof(l->category), "%s", category);
    snprintf(l->description, sizeof(l->description), "%s supply", category);
    snprintf(l->nsn, sizeof(l->nsn), "9140-00-%03u", i);
    snprintf(l->unit_of_issue, sizeof(l->unit_of_issue), "ea");
    l->quantity_milli = qty;
    l->price_minor = price;
    snprintf(d->line_currency[i], ACSA_CURRENCY_SIZE, "JPY");
    d->line_count = i + 1;
}

struct acsa_order_draft fx_draft(const struct fx_ids *ids)
{
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, sizeof(d.requester), "IN");
    snprintf(d.supplier, sizeof(d.supplier), "JP");
    d.requester_unit_id = ids->navy;
    d.supplier_unit_id = ids->jmsdf;
    d.method = ACSA_METHOD_CASH;
    snprintf(d.place, sizeof(d.place), "Yokosuka berth 4");
    d.need_by_day = fx_day("2024-06-12");
    set_line(&d, 0, "pol", 10000, 1000);
    set_line(&d, 1, "food", 4000, 2500);
    return d;
}

const struct fx_step fx_cash_steps[] = {
    {ACSA_STEP_SUBMIT, "Lt Iyer", "2024-06-10", 0, 0, 0},
    {ACSA_STEP_APPROVE, "Cdr A. Rao", "2024-06-10", 0, 0, 0},
    {ACSA_STEP_ACCEPT, "Capt K. Sato", "2024-06-11", 0, 0, 0},
    {ACSA_STEP_ISSUE, "PO Tanaka", "2024-06-12", 1, 10000, 0},
    {ACSA_STEP_RECEIVE, "CPO Das", "2024-06-12", 1, 10000, 0},
    {ACSA_STEP_ISSUE, "PO Tanaka", "2024-06-12", 2, 4000, 0},
    {ACSA_STEP_RECEIVE, "CPO Das", "2024-06-13", 2, 4000, 0},
    {ACSA_STEP_INVOICE, "Capt K. Sato", "2024-06-20", 0, 0, 0},
    {ACSA_STEP_PAY, "Lt Cdr Menon", "2024-07-25", 0, 0, 8000},
    {ACSA_STEP_PAY, "Lt Cdr Menon", "2024-08-02", 0, 0, 12000},
    {ACSA_STEP_CLOSE, "Cdr A. Rao", "2024-08-03", 0, 0, 0},
};
const size_t fx_cash_step_count = sizeof(fx_cash_steps) / sizeof(fx_cash_steps[0]);

enum acsa_rc fx_create(struct acsa_app *app, const struct fx_ids *ids,
                       char number[ACSA_NUMBER_SIZE], struct acsa_error *err)
{
    struct acsa_order_draft draft = fx_draft(ids);
    draft.recorded_day = fx_day("2024-06-10"); /* Recorded on its day: not back-entered. */
    return acsa_app_order_create(app, "IN-JP-2020", ids->activity, &draft, fx_day("2024-06-10"),
                                 "Lt Iyer", number, err);
}

enum acsa_rc fx_take(struct acsa_app *app, const char *number, const struct fx_step *s,
                     struct acsa_error *err)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = s->step;
    cmd.day = fx_day(s->day);
    cmd.recorded_day = cmd.day;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", s->actor);
    cmd.line_no = s->line;
    cmd.quantity_milli = s->qty_milli;
    cmd.amount_minor = s->amount_minor;
    if (s->amount_minor != 0) {
        snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    }
    return acsa_app_order_step(app, number, &cmd, NULL, err);
}

void fx_make_lifecycle(const char *dir, const char *from, const struct fx_ids *ids)
{
    char work[FX_PATH_SIZE];
    char to[FX_PATH_SIZE];
    snprintf(work, sizeof(work), "%s/lifecycle.db", dir);
    fx_copy_db(from, work);
    for (size_t k = 0; k <= fx_cash_step_count; k++) {
        struct acsa_error err;
        struct acsa_app *app = NULL;
        char number[ACSA_NUMBER_SIZE] = "IN-JP-2024-000001";
        MUST(acsa_app_open(work, 0, &app, &err));
        MUST(k == 0 ? fx_create(app, ids, number, &err)
                    : fx_take(app, number, &fx_cash_steps[k - 1], &err));
        acsa_app_close(app);
        snprintf(to, sizeof(to), "%s/step-%zu.db", dir, k + 1);
        fx_copy_db(work, to);
    }
    fx_remove_db(work);
}

void fx_make_pair(const char *in, const char *jp)
{
    struct fx_ids ids;
    struct fx_ids jp_ids;
    fx_make_node(in, "IN", &ids);
    fx_make_node(jp, "JP", &jp_ids);
    struct acsa_app *a = NULL;
    struct acsa_app *b = NULL;
    struct acsa_error err;
    uint8_t key_a[32];
    uint8_t key_b[32];
    char text_a[ACSA_KEY_TEXT_SIZE];
    char text_b[ACSA_KEY_TEXT_SIZE];
    char number[ACSA_NUMBER_SIZE];
    MUST(acsa_app_open(in, 0, &a, &err));
    MUST(acsa_app_open(jp, 0, &b, &err));
    MUST(acsa_app_node_public_key(a, key_a, &err));
    MUST(acsa_app_node_public_key(b, key_b, &err));
    acsa_node_key_text(key_a, text_a);
    acsa_node_key_text(key_b, text_b);
    MUST(acsa_app_peer_add(a, "JP", "", text_b, &err));
    MUST(acsa_app_peer_add(b, "IN", "", text_a, &err));
    MUST(fx_create(a, &ids, number, &err));
    MUST(fx_take(a, number, &fx_cash_steps[0], &err));
    MUST(fx_take(a, number, &fx_cash_steps[1], &err));
    acsa_app_close(a);
    acsa_app_close(b);
}

uint8_t *fx_export(const char *in, size_t *out_size)
{
    struct acsa_app *app = NULL;
    struct acsa_error err;
    uint8_t *batch = NULL;
    struct acsa_batch_info info;
    MUST(acsa_app_open(in, 0, &app, &err));
    size_t snapshot_size = 0; /* A bundle file: the batch, then IN's signed snapshot. */
    MUST(acsa_app_bundle_export(app, "JP", 0, FX_NOW, &batch, out_size, &snapshot_size, &info,
                                &err));
    acsa_app_close(app);
    uint8_t *copy = malloc(*out_size);
    if (copy == NULL) {
        die("export", "out of memory");
    }
    memcpy(copy, batch, *out_size);
    acsa_free(batch);
    return copy;
}

/* ---- Checks --------------------------------------------------------------------------- */

/* Runs a pragma that answers "ok" (or nothing at all) when all is well. */
static bool pragma_clean(sqlite3 *db, const char *sql, char *why, size_t size)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        snprintf(why, size, "%s: %s", sql, sqlite3_errmsg(db));
        return false;
    }
    bool clean = true;
    int code;
    while ((code = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(stmt, 0);
        if (text == NULL || strcmp(text, "ok") != 0) {
            snprintf(why, size, "%s: %s", sql, text != NULL ? text : "(a row)");
            clean = false;
        }
    }
    if (code != SQLITE_DONE) {
        snprintf(why, size, "%s: %s", sql, sqlite3_errmsg(db));
        clean = false;
    }
    sqlite3_finalize(stmt);
    return clean;
}

bool fx_check_db(const char *path, char *why, size_t size)
{
    struct acsa_app *app = NULL;
    struct acsa_error err;
    if (acsa_app_open(path, 0, &app, &err) != ACSA_OK) {
        snprintf(why, size, "reopen: %s", err.message);
        return false;
    }
    struct acsa_audit_verdict verdict;
    enum acsa_rc rc = acsa_app_audit_verify(app, &verdict, &err);
    acsa_app_close(app);
    if (rc != ACSA_OK || !verdict.ok) {
        snprintf(why, size, "audit verify: %s %s (record %lld)", acsa_rc_name(rc),
                 rc != ACSA_OK ? err.message : verdict.reason, (long long)verdict.first_broken_id);
        return false;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        snprintf(why, size, "open: %s", db != NULL ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return false;
    }
    bool ok = pragma_clean(db, "PRAGMA integrity_check", why, size) &&
              pragma_clean(db, "PRAGMA foreign_key_check", why, size);
    sqlite3_close(db);
    return ok;
}

static uint64_t fnv(uint64_t h, const void *bytes, size_t size)
{
    const unsigned char *p = bytes;
    for (size_t i = 0; i < size; i++) {
        h = (h ^ p[i]) * FNV_PRIME;
    }
    return h;
}

static bool time_column(const char *table, const char *column)
{
    return strcmp(table, "audit") == 0 &&
           (strcmp(column, "at_s") == 0 || strcmp(column, "hash") == 0 ||
            strcmp(column, "prev_hash") == 0);
}

static uint64_t table_digest(sqlite3 *db, const char *table, bool skip_times, uint64_t h)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", table);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        die("digest", sqlite3_errmsg(db));
    }
    h = fnv(h, table, strlen(table) + 1);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(stmt); i++) {
            if (skip_times && time_column(table, sqlite3_column_name(stmt, i))) {
                continue;
            }
            const void *bytes = sqlite3_column_blob(stmt, i);
            int size = sqlite3_column_bytes(stmt, i);
            int type = sqlite3_column_type(stmt, i);
            h = fnv(h, &type, sizeof(type));
            h = bytes != NULL ? fnv(h, bytes, (size_t)size) : h;
        }
    }
    sqlite3_finalize(stmt);
    return h;
}

uint64_t fx_digest(const char *path, bool skip_times)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        die("digest: open", path);
    }
    sqlite3_stmt *tables = NULL;
    if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
                               "ORDER BY name", -1, &tables, NULL) != SQLITE_OK) {
        die("digest", sqlite3_errmsg(db));
    }
    uint64_t h = FNV_OFFSET;
    while (sqlite3_step(tables) == SQLITE_ROW) {
        h = table_digest(db, (const char *)sqlite3_column_text(tables, 0), skip_times, h);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    return h;
}

bool fx_clean_failure(enum acsa_rc rc)
{
    return rc == ACSA_ENOMEM || rc == ACSA_ESTORAGE;
}
