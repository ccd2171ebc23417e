/* SPDX-License-Identifier: MIT */
/* Backups of a PostgreSQL store (store_copy.h): pg_dump and pg_restore run as child processes
 * (no shell), given the connection's own parameters through the environment (PGHOST, PGPORT,
 * PGUSER, PGDATABASE, PGPASSWORD), so that no password appears on a command line. pg_dump
 * takes one snapshot of the whole database: a consistent copy while the node writes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store_copy_int.h"
#include "store_pg_int.h"

/* Runs argv (argv[0] found on PATH) with the connection parameters of conn in its
 * environment; stdout and stderr go to the caller's stderr. */
static enum acsa_rc run_tool(PGconn *conn, char *const argv[], struct acsa_error *err)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        return acsa_error_set(err, ACSA_ESTORAGE, "db", "%s: cannot start: %s", argv[0],
                              strerror(errno));
    }
    if (pid == 0) {
        const char *names[] = {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGPASSWORD"};
        const char *values[] = {PQhost(conn), PQport(conn), PQuser(conn), PQdb(conn),
                                PQpass(conn)};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (values[i] != NULL && values[i][0] != '\0') {
                setenv(names[i], values[i], 1);
            }
        }
        (void)dup2(STDERR_FILENO, STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return acsa_error_set(err, ACSA_ESTORAGE, "db", "%s: lost: %s", argv[0],
                                  strerror(errno));
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return acsa_error_set(err, ACSA_ESTORAGE, "db", "%s failed (exit %d%s); its messages "
                              "are above", argv[0], code,
                              code == 127 ? ": not installed, or not on PATH" : "");
    }
    return ACSA_OK;
}

/* Opens a read-only repeatable-read transaction on the store's connection and exports its
 * snapshot (its id into snapshot) for pg_dump --snapshot. */
static enum acsa_rc snapshot_begin(struct acsa_store_pg *s, char *snapshot, size_t size,
                                   struct acsa_error *err)
{
    PGresult *res = PQexec(s->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    enum acsa_rc rc = PQresultStatus(res) == PGRES_COMMAND_OK ? ACSA_OK
                                                              : acsa__pg_fail(s, res, err);
    PQclear(res);
    ACSA_TRY(rc);
    res = PQexec(s->conn, "SELECT pg_export_snapshot()");
    if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
        rc = acsa__pg_fail(s, res, err);
    } else {
        snprintf(snapshot, size, "--snapshot=%s", PQgetvalue(res, 0, 0));
    }
    PQclear(res);
    return rc;
}

enum acsa_rc acsa__pg_backup(struct acsa_store *store, const char *path, struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        return acsa_error_set(err, errno == EEXIST ? ACSA_EEXISTS : ACSA_ESTORAGE, "out",
                              "out: cannot create %s: %s", path, strerror(errno));
    }
    close(fd);
    /* pg_dump reads the snapshot this connection exported, and the connection stays in it
     * (until the store is closed): what the caller counts and verifies next is exactly what
     * the dump holds, however many orders the node writes meanwhile. */
    char snapshot[128];
    enum acsa_rc rc = snapshot_begin(s, snapshot, sizeof(snapshot), err);
    if (rc == ACSA_OK) {
        char file[4200];
        snprintf(file, sizeof(file), "--file=%s", path);
        char *argv[] = {"pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                        snapshot, file, NULL};
        rc = run_tool(s->conn, argv, err);
    }
    if (rc != ACSA_OK) {
        PQclear(PQexec(s->conn, "ROLLBACK"));
        unlink(path);
    }
    return rc;
}

enum acsa_rc acsa__pg_check(struct acsa_store *store, char *out, size_t size,
                            struct acsa_error *err)
{
    struct acsa_store_pg *s = acsa__pg_of(store);
    PGresult *res = PQexec(s->conn, "SELECT 1");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        enum acsa_rc rc = acsa__pg_fail(s, res, err);
        PQclear(res);
        return rc;
    }
    PQclear(res);
    snprintf(out, size, "connected");
    return ACSA_OK;
}

enum acsa_rc acsa__pg_restore(const char *path, const char *uri, struct acsa_error *err)
{
    PGconn *conn = PQconnectdb(uri);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        enum acsa_rc rc = acsa_error_set(err, ACSA_EUNAVAILABLE, "db", "db: cannot connect: "
                                         "%s", conn != NULL ? PQerrorMessage(conn) : "no memory");
        PQfinish(conn);
        return rc;
    }
    PGresult *res = PQexec(conn, "SELECT count(*) FROM pg_tables WHERE tablename = "
                                 "'schema_migrations' AND schemaname = current_schema()");
    bool taken = PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
                 strcmp(PQgetvalue(res, 0, 0), "0") != 0;
    PQclear(res);
    enum acsa_rc rc = ACSA_OK;
    if (taken) {
        rc = acsa_error_set(err, ACSA_EEXISTS, "db", "db: the database holds an acsa node "
                            "already; restore into a new, empty database");
    } else {
        /* The database by name only: the rest of the connection comes from PGHOST etc. */
        char dbname[256];
        snprintf(dbname, sizeof(dbname), "--dbname=%s", PQdb(conn) != NULL ? PQdb(conn) : "");
        char *named[] = {"pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
                         "--exit-on-error", dbname, (char *)path, NULL};
        rc = run_tool(conn, named, err);
    }
    PQfinish(conn);
    return rc;
}
