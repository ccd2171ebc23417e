/* SPDX-License-Identifier: MIT */
/* Putting a backup back (store_copy.h): a SQLite copy renamed onto the database's file, a
 * pg_dump archive given to pg_restore. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_copy.h"
#include "store_copy_int.h"

const char *acsa_store_kind(const char *uri)
{
    return acsa_store_uri_file(uri) != NULL ? "sqlite" : "postgresql";
}

/* Removes a file if it is there. */
static enum acsa_rc remove_stale(const char *file, const char *suffix, struct acsa_error *err)
{
    char path[4200];
    int n = snprintf(path, sizeof(path), "%s%s", file, suffix);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        return acsa_error_set(err, ACSA_EUSAGE, "db", "db: the path is too long");
    }
    if (unlink(path) != 0 && errno != ENOENT) {
        return acsa_error_set(err, ACSA_ESTORAGE, "db", "db: cannot remove %s: %s", path,
                              strerror(errno));
    }
    return ACSA_OK;
}

enum acsa_rc acsa_store_restore(const char *kind, const char *path, const char *uri,
                                struct acsa_error *err)
{
    if (strcmp(kind, acsa_store_kind(uri)) != 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "db", "db: the backup is of a %s database; "
                              "restore it to a %s one", kind,
                              strcmp(kind, "sqlite") == 0 ? "SQLite" : "PostgreSQL");
    }
    const char *file = acsa_store_uri_file(uri);
    if (file == NULL) {
#if defined(ACSA_HAVE_PG)
        return acsa__pg_restore(path, uri, err);
#else
        return acsa_error_set(err, ACSA_EUSAGE, "db", "db: this acsa was built without "
                              "PostgreSQL (libpq not found)");
#endif
    }
    /* A -wal left by an earlier database would be replayed onto the restored one. */
    ACSA_TRY(remove_stale(file, "-wal", err));
    ACSA_TRY(remove_stale(file, "-shm", err));
    if (rename(path, file) != 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "db", "db: cannot rename %s to %s: %s", path,
                              file, strerror(errno));
    }
    return ACSA_OK;
}
