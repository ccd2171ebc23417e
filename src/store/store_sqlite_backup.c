/* SPDX-License-Identifier: MIT */
/* Backups of a SQLite store (store_copy.h): SQLite's online backup API copies every page of
 * the database as it is at one moment into a new file while other connections go on writing
 * (under WAL, one step over all pages reads one snapshot); and PRAGMA integrity_check. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_copy_int.h"
#include "store_sqlite_int.h"

/* Makes the file private before SQLite opens it, refusing one that exists. */
static enum acsa_rc create_new(const char *path, struct acsa_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        return acsa_error_set(err, errno == EEXIST ? ACSA_EEXISTS : ACSA_ESTORAGE, "out",
                              "out: cannot create %s: %s", path, strerror(errno));
    }
    close(fd);
    return ACSA_OK;
}

enum { BUSY_STEP_MS = 20, BUSY_WAIT_MS = 30000 };

/* Copies every page of from into the database file path in one step (one read snapshot). */
static enum acsa_rc pages_copy(sqlite3 *from, const char *path, struct acsa_error *err)
{
    sqlite3 *to = NULL;
    int code = sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (code == SQLITE_OK) {
        sqlite3_backup *copy = sqlite3_backup_init(to, "main", from, "main");
        if (copy == NULL) {
            code = sqlite3_errcode(to);
        } else {
            /* A lock held elsewhere is waited out, but not for ever: after BUSY_WAIT_MS the
             * backup fails with SQLite's "database is locked" rather than hang. */
            int waited_ms = 0;
            do {
                code = sqlite3_backup_step(copy, -1);
                if ((code == SQLITE_BUSY || code == SQLITE_LOCKED) &&
                    waited_ms < BUSY_WAIT_MS) {
                    sqlite3_sleep(BUSY_STEP_MS);
                    waited_ms += BUSY_STEP_MS;
                } else if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
                    break;
                }
            } while (code == SQLITE_OK || code == SQLITE_BUSY || code == SQLITE_LOCKED);
            int finished = sqlite3_backup_finish(copy);
            code = code == SQLITE_DONE ? finished : code;
        }
    }
    /* The copy is a single file: its journal mode stays what the source's was (WAL). */
    enum acsa_rc rc = ACSA_OK;
    if (code != SQLITE_OK) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "out", "out: the backup of the database "
                            "failed: %s", to != NULL ? sqlite3_errmsg(to) : sqlite3_errstr(code));
    } else if (sqlite3_exec(to, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL) !=
               SQLITE_OK) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot checkpoint the copy: %s",
                            sqlite3_errmsg(to));
    }
    if (sqlite3_close(to) != SQLITE_OK && rc == ACSA_OK) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "out", "out: cannot close the copy %s", path);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_backup_pages(sqlite3 *from, const char *path, struct acsa_error *err)
{
    ACSA_TRY(create_new(path, err));
    enum acsa_rc rc = pages_copy(from, path, err);
    if (rc != ACSA_OK) {
        char side[4200];
        unlink(path);
        snprintf(side, sizeof(side), "%s-wal", path);
        unlink(side);
        snprintf(side, sizeof(side), "%s-shm", path);
        unlink(side);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_backup(struct acsa_store *store, const char *path,
                                 struct acsa_error *err)
{
    return acsa__sqlite_backup_pages(acsa__sqlite_of(store)->db, path, err);
}

enum acsa_rc acsa__sqlite_check(struct acsa_store *store, char *out, size_t size,
                                struct acsa_error *err)
{
    sqlite3 *db = acsa__sqlite_of(store)->db;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &stmt, NULL) != SQLITE_OK) {
        return acsa__sqlite_fail(acsa__sqlite_of(store), err);
    }
    int code = sqlite3_step(stmt);
    const unsigned char *text = code == SQLITE_ROW ? sqlite3_column_text(stmt, 0) : NULL;
    snprintf(out, size, "%s", text != NULL ? (const char *)text : "no answer");
    sqlite3_finalize(stmt);
    if (code != SQLITE_ROW) {
        return acsa_error_set(err, ACSA_ESTORAGE, "database", "storage: integrity_check "
                              "failed: %s", sqlite3_errmsg(db));
    }
    return ACSA_OK;
}
