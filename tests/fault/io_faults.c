/* SPDX-License-Identifier: MIT */
/* I/O faults: commands as the CLI runs them (open the node, one application command, close)
 * with the Nth read, write or sync of SQLite failing (SQLITE_IOERR once, or SQLITE_FULL from
 * then on, as a full disk stays full), for N = 1, 2, ... until the command runs untouched.
 * Each must report ACSA_ESTORAGE (the CLI's exit 4) and leave the database exactly as it was:
 * integrity and foreign keys clean, the audit chain verified, every row the same. A fault the
 * command does not notice (in the closing checkpoint) must leave its whole result.
 *
 * Usage: io_faults [--stride N]   (N > 1 tries every Nth fault point only) */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fault_util.h"
#include "fault_vfs.h"
#include "node.h"
#include "snapshot.h"
#include "store_sqlite_int.h"

#define POINTS_MAX 1000000ul

struct io {
    char dir[64];
    char work[FX_PATH_SIZE];
    struct fx_ids ids;
    char *agreement;
    size_t agreement_size;
    uint8_t *batch;                     /* India's batch for Japan (pair-in.db). */
    size_t batch_size;
    unsigned long total;                /* Fault points tried over all commands. */
};

struct command {
    const char *name;
    const char *base;                   /* The database it starts from, in the directory. */
    size_t step;                        /* For order steps: 0 create, k fx_cash_steps[k-1]. */
    enum acsa_rc (*run)(struct io *io, struct acsa_app *app, const struct command *c,
                        struct acsa_error *err);
};

struct fault {
    const char *name;
    enum fault_op op;
    int code;
    bool persistent;
};

static enum acsa_rc run_order(struct io *io, struct acsa_app *app, const struct command *c,
                              struct acsa_error *err)
{
    char number[ACSA_NUMBER_SIZE] = "IN-JP-2024-000001";
    return c->step == 0 ? fx_create(app, &io->ids, number, err)
                        : fx_take(app, number, &fx_cash_steps[c->step - 1], err);
}

static enum acsa_rc run_unit_add(struct io *io, struct acsa_app *app, const struct command *c,
                                 struct acsa_error *err)
{
    (void)io;
    (void)c;
    int64_t id = 0;
    return acsa_app_unit_add(app, "JP", "JGSDF", &id, err);
}

static enum acsa_rc run_agreement_load(struct io *io, struct acsa_app *app,
                                       const struct command *c, struct acsa_error *err)
{
    (void)c;
    char id[ACSA_ID_SIZE];
    return acsa_app_agreement_load(app, io->agreement, io->agreement_size, id, err);
}

static enum acsa_rc run_audit_verify(struct io *io, struct acsa_app *app,
                                     const struct command *c, struct acsa_error *err)
{
    (void)io;
    (void)c;
    struct acsa_audit_verdict verdict;
    enum acsa_rc rc = acsa_app_audit_verify(app, &verdict, err);
    if (rc == ACSA_OK && !verdict.ok) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "audit", "audit: %s", verdict.reason);
    }
    return rc;
}

static enum acsa_rc run_bundle_import(struct io *io, struct acsa_app *app,
                                      const struct command *c, struct acsa_error *err)
{
    (void)c;
    struct acsa_batch_result result;
    bool snapshot = false;
    enum acsa_rc rc = acsa_app_bundle_import(app, io->batch, io->batch_size, FX_NOW, &result,
                                             &snapshot, err);
    if (rc == ACSA_OK && !snapshot) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "snapshot", "the bundle's snapshot was not kept");
    }
    if (rc == ACSA_OK && result.quarantined != 0) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "batch", "%u records quarantined",
                            result.quarantined);
    }
    return rc;
}

/* A fresh copy of the database the command starts from. */
static void fresh_copy(struct io *io, const struct command *c)
{
    char base[FX_PATH_SIZE];
    snprintf(base, sizeof(base), "%s/%s", io->dir, c->base);
    fx_copy_db(base, io->work);
}

/* The command as the CLI runs it: open the node, the command, close. */
static enum acsa_rc open_run_close(struct io *io, const struct command *c,
                                   struct acsa_error *err)
{
    struct acsa_app *app = NULL;
    enum acsa_rc rc = acsa_app_open(io->work, 0, &app, err);
    rc = rc == ACSA_OK ? c->run(io, app, c, err) : rc;
    acsa_app_close(app);
    return rc;
}

/* One run with the fault at point n; false (with why) unless it ended as it must. */
static bool run_point(struct io *io, const struct command *c, const struct fault *f,
                      unsigned long n, uint64_t before, uint64_t after, bool *fired,
                      char *why, size_t size)
{
    struct acsa_error err;
    fresh_copy(io, c);
    fault_vfs_arm(f->op, n, f->code, f->persistent);
    enum acsa_rc rc = open_run_close(io, c, &err);
    fault_vfs_disarm();
    *fired = fault_vfs_fired();
    if (rc != ACSA_OK && (!*fired || rc != ACSA_ESTORAGE)) {
        snprintf(why, size, "%s: %s", acsa_rc_name(rc), err.message);
        return false;
    }
    if (!fx_check_db(io->work, why, size)) {
        return false;
    }
    bool same = rc == ACSA_OK ? fx_digest(io->work, true) == after
                              : fx_digest(io->work, false) == before;
    if (!same) {
        snprintf(why, size, rc == ACSA_OK ? "succeeded without its whole result"
                                          : "failed but changed the database");
        return false;
    }
    return true;
}

static void sweep(struct io *io, const struct command *c, const struct fault *f,
                  unsigned long stride)
{
    char base[FX_PATH_SIZE];
    snprintf(base, sizeof(base), "%s/%s", io->dir, c->base);
    uint64_t before = fx_digest(base, false);
    struct acsa_error err;
    fresh_copy(io, c);
    if (open_run_close(io, c, &err) != ACSA_OK) {
        fprintf(stderr, "io_faults: %s: untouched run failed: %s\n", c->name, err.message);
        abort();
    }
    uint64_t after = fx_digest(io->work, true);
    unsigned long tried = 0;
    unsigned long n = 1;
    bool ok = true;
    bool fired = true;
    char why[FX_WHY_SIZE] = "";
    for (; ok && fired && n < POINTS_MAX; n += stride) {
        ok = run_point(io, c, f, n, before, after, &fired, why, sizeof(why));
        tried += fired ? 1 : 0;
    }
    io->total += tried;
    tap_ok(ok && !fired, "%s, %s: %lu I/O fault points tried, each exit 4 and nothing changed",
           c->name, f->name, tried);
    if (!ok) {
        tap_diag("%s, %s: fault at point %lu: %s", c->name, f->name, n - stride, why);
    }
}

static int64_t audit_rows(const char *path)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    int64_t rows = -1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &stmt, NULL) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        rows = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
}

/* The refusal of a command used to be recorded whatever its cause: a write that failed once
 * was followed by an audit record of the failure, written by the next write, which worked. */
static void failure_not_audited(struct io *io, const struct command *submit)
{
    struct acsa_error err;
    fresh_copy(io, submit);
    int64_t before = audit_rows(io->work);
    fault_vfs_arm(FAULT_WRITE, 1, SQLITE_IOERR, false);
    enum acsa_rc rc = open_run_close(io, submit, &err);
    fault_vfs_disarm();
    int64_t after = audit_rows(io->work);
    tap_ok(rc == ACSA_ESTORAGE && before > 0 && after == before,
           "finding: a command failing on storage adds no audit record (%s; %lld records, "
           "then %lld)", acsa_rc_name(rc), (long long)before, (long long)after);
}

/* SQLite may roll a transaction back on its own after SQLITE_FULL, SQLITE_IOERR or
 * SQLITE_NOMEM; here it is rolled back behind the store's back, as SQLite would. The store
 * used to go on: a savepoint opened a transaction of its own and each write committed alone. */
static void lost_transaction_refused(struct io *io)
{
    char base[FX_PATH_SIZE];
    snprintf(base, sizeof(base), "%s/in.db", io->dir);
    fx_copy_db(base, io->work);
    uint64_t before = fx_digest(io->work, false);
    struct acsa_store *store = NULL;
    struct acsa_error err;
    int64_t id = 0;
    bool opened = acsa_store_sqlite_open(io->work, 0, &store, &err) == ACSA_OK;
    enum acsa_rc begun = opened ? store->vtbl->begin_write(store, &err) : ACSA_ESTORAGE;
    enum acsa_rc nested = ACSA_ESTORAGE;
    enum acsa_rc written = ACSA_ESTORAGE;
    if (begun == ACSA_OK) {
        (void)sqlite3_exec(acsa__sqlite_of(store)->db, "ROLLBACK", NULL, NULL, NULL);
        nested = store->vtbl->begin_write(store, &err);
        written = store->vtbl->ledger->unit_add(store, "JP", "JGSDF", &id, &err);
        store->vtbl->rollback(store);
    }
    acsa_store_close(store);
    tap_ok(begun == ACSA_OK && nested == ACSA_ESTORAGE && written == ACSA_ESTORAGE &&
               fx_digest(io->work, false) == before,
           "finding: once SQLite rolled a transaction back, the store refuses further levels "
           "and writes (%s, %s) and nothing commits alone", acsa_rc_name(nested),
           acsa_rc_name(written));
}

static const struct command commands[] = {
    {"order create", "in.db", 0, run_order},
    {"order submit", "step-1.db", 1, run_order},
    {"order approve", "step-2.db", 2, run_order},
    {"order receive", "step-5.db", 5, run_order},
    {"order invoice", "step-8.db", 8, run_order},
    {"order pay", "step-9.db", 9, run_order},
    {"unit add", "in.db", 0, run_unit_add},
    {"agreement load", "in.db", 0, run_agreement_load},
    {"audit verify", "step-12.db", 0, run_audit_verify},
    {"bundle import", "pair-jp.db", 0, run_bundle_import},
};

static const struct fault faults[] = {
    {"write fails (I/O error)", FAULT_WRITE, SQLITE_IOERR, false},
    {"write fails (disk full, from then on)", FAULT_WRITE, SQLITE_FULL, true},
    {"sync fails", FAULT_SYNC, SQLITE_IOERR, false},
    {"read fails", FAULT_READ, SQLITE_IOERR, false},
};

int main(int argc, char **argv)
{
    unsigned long stride = 1;
    if (argc == 3 && strcmp(argv[1], "--stride") == 0) {
        stride = strtoul(argv[2], NULL, 10);
    }
    if (stride == 0 || (argc != 1 && argc != 3)) {
        fprintf(stderr, "usage: io_faults [--stride N]\n");
        return 2;
    }
    fault_vfs_install();
    setenv("USER", "io-faults", 1);
    struct io *io = calloc(1, sizeof(*io));
    fx_tempdir(io->dir, "io-faults");
    snprintf(io->work, sizeof(io->work), "%s/work.db", io->dir);
    char in[FX_PATH_SIZE];
    snprintf(in, sizeof(in), "%s/in.db", io->dir);
    fx_make_node(in, "IN", &io->ids);
    fx_make_lifecycle(io->dir, in, &io->ids);
    io->agreement = fx_source("agreements/india-france-2018.json", &io->agreement_size);
    char pair_in[FX_PATH_SIZE];
    char pair_jp[FX_PATH_SIZE];
    snprintf(pair_in, sizeof(pair_in), "%s/pair-in.db", io->dir);
    snprintf(pair_jp, sizeof(pair_jp), "%s/pair-jp.db", io->dir);
    fx_make_pair(pair_in, pair_jp);
    io->batch = fx_export(pair_in, &io->batch_size);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        for (size_t j = 0; j < sizeof(faults) / sizeof(faults[0]); j++) {
            sweep(io, &commands[i], &faults[j], stride);
        }
    }
    failure_not_audited(io, &commands[1]);
    lost_transaction_refused(io);
    tap_diag("I/O fault points tried in all: %lu", io->total);
    free(io->agreement);
    free(io->batch);
    char command[128];
    snprintf(command, sizeof(command), "rm -rf %s", io->dir);
    if (system(command) != 0) {
        tap_diag("could not remove %s", io->dir);
    }
    free(io);
    return tap_done();
}
