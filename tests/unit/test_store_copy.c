/* SPDX-License-Identifier: MIT */
/* The stores' copy interface (store_copy.h), called directly: the SQLite store lists exactly
 * the tables the copy knows (a table a new migration adds fails here until the copy knows it),
 * describes them with their keys and reads typed rows in key order. When ACSA_TEST_PG names a
 * database (tests/pg/cluster.sh), a SQLite store is copied into it, read back alike, takes new
 * rows with new ids, and the database is then refused as a copy's target. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store.h"
#include "store_copy.h"
#if defined(ACSA_HAVE_PG)
#include <libpq-fe.h>
#endif

#define UNIT_NAME "Depot\tC:\\new\n\"north\""

struct fixture {
    char dir[64];
    char path[128];
    struct acsa_store *store;
    struct acsa_error err;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-copy-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/acsa.db", f->dir);
    assert_int_equal(acsa_store_open(f->path, ACSA_STORE_CREATE | ACSA_STORE_BULK_LOAD,
                                          &f->store, &f->err),
                     ACSA_OK);
    const struct acsa_store_vtbl *v = f->store->vtbl;
    assert_int_equal(v->meta_set(f->store, "nation", "IN", &f->err), ACSA_OK);
    const char *names[] = {"Indian Navy", UNIT_NAME, "Army"};
    for (size_t i = 0; i < 3; i++) {
        int64_t id = 0;
        assert_int_equal(v->ledger->unit_add(f->store, "IN", names[i], &id, &f->err), ACSA_OK);
        assert_int_equal(id, (int64_t)i + 1);
    }
    struct acsa_record_row row;
    memset(&row, 0, sizeof(row));
    snprintf(row.origin, sizeof(row.origin), "IN");
    row.seq = 1;
    snprintf(row.partner, sizeof(row.partner), "JP");
    memset(row.hash, 0xab, sizeof(row.hash));
    const uint8_t body[] = {1, 0, 2, '\\', '\n'};
    row.body = body;
    row.body_len = sizeof(body);
    assert_int_equal(v->sync->record_append(f->store, &row, &f->err), ACSA_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    acsa_store_close(f->store);
    char path[160];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
        (void)unlink(path);
    }
    assert_int_equal(rmdir(f->dir), 0);
    free(f);
    return 0;
}

static enum acsa_rc count_table(void *ctx, const char *table)
{
    assert_true(acsa_store_copy_known(table));
    (*(size_t *)ctx)++;
    return ACSA_OK;
}

static void test_sqlite_lists_the_known_tables(void **state)
{
    struct fixture *f = *state;
    size_t count = 0;
    size_t listed = 0;
    const char *const *known = acsa_store_copy_tables(&count);
    assert_int_equal(f->store->vtbl->copy->tables(f->store, count_table, &listed, &f->err),
                     ACSA_OK);
    assert_int_equal(listed, count);
    /* Each known table once; each has a primary key. */
    for (size_t i = 0; i < count; i++) {
        for (size_t j = i + 1; j < count; j++) {
            assert_string_not_equal(known[i], known[j]);
        }
        struct acsa_copy_table table;
        assert_int_equal(f->store->vtbl->copy->describe(f->store, known[i], &table, &f->err),
                         ACSA_OK);
        assert_true(table.key_count > 0);
    }
    struct acsa_copy_table table;
    assert_int_equal(f->store->vtbl->copy->describe(f->store, "nonesuch", &table, &f->err),
                     ACSA_ENOTFOUND);
    assert_false(acsa_store_copy_known("schema_migrations"));
}

/* The rows of units as "id name" lines, and of records their body lengths. */
struct rows {
    char text[512];
    size_t used;
};

static enum acsa_rc unit_row(void *ctx, const struct acsa_copy_value *values, uint32_t count,
                             struct acsa_error *err)
{
    (void)err;
    struct rows *r = ctx;
    assert_true(count >= 3);
    assert_int_equal(values[0].type, ACSA_COPY_INT);
    assert_int_equal(values[2].type, ACSA_COPY_TEXT);
    int written = snprintf(r->text + r->used, sizeof(r->text) - r->used, "%lld %.*s|",
                           (long long)values[0].number, (int)values[2].len,
                           (const char *)values[2].bytes);
    assert_true(written > 0);
    r->used += (size_t)written;
    return ACSA_OK;
}

static void read_units(struct acsa_store *store, struct rows *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct acsa_copy_table table;
    assert_int_equal(store->vtbl->copy->describe(store, "units", &table, err), ACSA_OK);
    assert_string_equal(table.columns[0], "id");
    assert_string_equal(table.columns[2], "name");
    assert_int_equal(table.key_count, 1);
    assert_int_equal(table.key[0], 0);
    assert_int_equal(store->vtbl->copy->read(store, &table, unit_row, out, err), ACSA_OK);
}

static void test_sqlite_reads_typed_rows_in_key_order(void **state)
{
    struct fixture *f = *state;
    struct rows rows;
    read_units(f->store, &rows, &f->err);
    assert_string_equal(rows.text, "1 Indian Navy|2 " UNIT_NAME "|3 Army|");
    int64_t count = 0;
    assert_int_equal(f->store->vtbl->copy->count(f->store, "units", &count, &f->err), ACSA_OK);
    assert_int_equal(count, 3);
    assert_null(f->store->vtbl->copy->write);
}

/* The backup (store_copy.h): a whole copy of what is committed, taken while another handle
 * holds a write open, refused onto an existing file; and the engine's own check. */
static void test_sqlite_backs_up_what_is_committed(void **state)
{
    struct fixture *f = *state;
    struct acsa_store *writer = NULL;
    assert_int_equal(acsa_store_open(f->path, 0, &writer, &f->err), ACSA_OK);
    assert_int_equal(writer->vtbl->begin_write(writer, &f->err), ACSA_OK);
    int64_t id = 0;
    assert_int_equal(writer->vtbl->ledger->unit_add(writer, "IN", "Not yet", &id, &f->err),
                     ACSA_OK);
    char copy[160];
    snprintf(copy, sizeof(copy), "%s/copy.db", f->dir);
    assert_int_equal(f->store->vtbl->copy->backup(f->store, copy, &f->err), ACSA_OK);
    writer->vtbl->rollback(writer);
    acsa_store_close(writer);
    assert_int_equal(f->store->vtbl->copy->backup(f->store, copy, &f->err), ACSA_EEXISTS);
    assert_non_null(strstr(f->err.message, "copy.db"));
    struct acsa_store *opened = NULL;
    assert_int_equal(acsa_store_open(copy, 0, &opened, &f->err), ACSA_OK);
    struct rows ours;
    struct rows theirs;
    read_units(f->store, &ours, &f->err);
    read_units(opened, &theirs, &f->err);
    assert_string_equal(ours.text, theirs.text);
    char check[64];
    assert_int_equal(opened->vtbl->copy->check(opened, check, sizeof(check), &f->err), ACSA_OK);
    assert_string_equal(check, "ok");
    acsa_store_close(opened);
    char side[170];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(side, sizeof(side), "%s%s", copy, suffixes[i]);
        (void)unlink(side);
    }
}

#if defined(ACSA_HAVE_PG)
static const char *pg_uri(void)
{
    const char *uri = getenv("ACSA_TEST_PG");
    return uri != NULL && uri[0] != '\0' ? uri : NULL;
}

static void pg_reset(void)
{
    PGconn *conn = PQconnectdb(pg_uri());
    assert_int_equal(PQstatus(conn), CONNECTION_OK);
    PGresult *res = PQexec(conn, "SET client_min_messages = warning; "
                                 "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    assert_int_equal(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(conn);
}

struct source {
    struct acsa_store *store;
    const struct acsa_copy_table *table;
};

static enum acsa_rc pull(void *ctx, acsa_copy_row_cb cb, void *cb_ctx, struct acsa_error *err)
{
    struct source *s = ctx;
    return s->store->vtbl->copy->read(s->store, s->table, cb, cb_ctx, err);
}

static void test_pg_takes_a_copy(void **state)
{
    struct fixture *f = *state;
    pg_reset();
    struct acsa_store *pg = NULL;
    assert_int_equal(acsa_store_open(pg_uri(), ACSA_STORE_CREATE | ACSA_STORE_EMPTY, &pg,
                                          &f->err),
                     ACSA_OK);
    assert_int_equal(pg->vtbl->begin_write(pg, &f->err), ACSA_OK);
    size_t count = 0;
    const char *const *known = acsa_store_copy_tables(&count);
    for (size_t i = 0; i < count; i++) {
        struct acsa_copy_table table;
        assert_int_equal(f->store->vtbl->copy->describe(f->store, known[i], &table, &f->err),
                         ACSA_OK);
        struct source source = {f->store, &table};
        int64_t written = -1;
        assert_int_equal(pg->vtbl->copy->write(pg, &table, pull, &source, &written, &f->err),
                         ACSA_OK);
        int64_t expected = 0;
        assert_int_equal(f->store->vtbl->copy->count(f->store, known[i], &expected, &f->err),
                         ACSA_OK);
        assert_int_equal(written, expected);
    }
    assert_int_equal(pg->vtbl->commit(pg, &f->err), ACSA_OK);
    struct rows ours;
    struct rows theirs;
    read_units(f->store, &ours, &f->err);
    read_units(pg, &theirs, &f->err);
    assert_string_equal(ours.text, theirs.text);
    struct acsa_record_row record;
    assert_int_equal(pg->vtbl->sync->record_get(pg, "IN", 1, &record, &f->err), ACSA_OK);
    assert_int_equal(record.hash[0], 0xab);
    /* The identity moved past the copied ids. */
    int64_t id = 0;
    assert_int_equal(pg->vtbl->ledger->unit_add(pg, "IN", "Air Force", &id, &f->err), ACSA_OK);
    assert_int_equal(id, 4);
    acsa_store_close(pg);
    pg = NULL;
    /* Holding rows now, it is no copy's target. */
    assert_int_equal(acsa_store_open(pg_uri(), ACSA_STORE_CREATE | ACSA_STORE_EMPTY, &pg,
                                          &f->err),
                     ACSA_EEXISTS);
    assert_null(pg);
    assert_non_null(strstr(f->err.message, "is not empty"));
    /* Its backup is a pg_dump archive; its check a round trip. */
    assert_int_equal(acsa_store_open(pg_uri(), 0, &pg, &f->err), ACSA_OK);
    char dump[160];
    snprintf(dump, sizeof(dump), "%s/pg.dump", f->dir);
    assert_int_equal(pg->vtbl->copy->backup(pg, dump, &f->err), ACSA_OK);
    FILE *file = fopen(dump, "rb");
    assert_non_null(file);
    char magic[6] = "";
    assert_int_equal(fread(magic, 1, 5, file), 5);
    fclose(file);
    assert_string_equal(magic, "PGDMP");
    assert_int_equal(pg->vtbl->copy->backup(pg, dump, &f->err), ACSA_EEXISTS);
    char check[64];
    assert_int_equal(pg->vtbl->copy->check(pg, check, sizeof(check), &f->err), ACSA_OK);
    assert_string_equal(check, "connected");
    acsa_store_close(pg);
    (void)unlink(dump);
}
#endif

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sqlite_lists_the_known_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sqlite_reads_typed_rows_in_key_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_sqlite_backs_up_what_is_committed, setup, teardown),
#if defined(ACSA_HAVE_PG)
        cmocka_unit_test_setup_teardown(test_pg_takes_a_copy, setup, teardown),
#endif
    };
    /* The PostgreSQL case runs only when a database is named. */
    size_t count = sizeof(tests) / sizeof(tests[0]);
#if defined(ACSA_HAVE_PG)
    count -= pg_uri() == NULL ? 1 : 0;
#endif
    return _cmocka_run_group_tests("test_store_copy", tests, count, NULL, NULL);
}
