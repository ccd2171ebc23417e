/* SPDX-License-Identifier: MIT */
/* acsa migrate (migrate.h): a SQLite node copied into an empty PostgreSQL database through the
 * stores' copy interface (store_copy.h), checked on the target inside the copy's transaction,
 * then committed. */
#include "migrate.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store_copy.h"
#include "alloc.h"
#include "app_int.h"
#include "auth.h"

/* Rows between two progress reports of one table. */
#define PROGRESS_EVERY 50000

/* One end of the copy. */
struct side {
    struct acsa_store *store;
    const struct acsa_store_copy_vtbl *copy;
    const char *what;   /* "source" or "target". */
    const char *flag;   /* "from" or "to". */
};

/* Puts "flag: " before the message of a failure of one end. */
static enum acsa_rc on_side(enum acsa_rc rc, const char *flag, struct acsa_error *err)
{
    if (rc == ACSA_OK || err == NULL) {
        return rc;
    }
    char message[ACSA_ERROR_MESSAGE_SIZE];
    snprintf(message, sizeof(message), "%s", err->message);
    return acsa_error_set(err, rc, flag, "%s: %s", flag, message);
}

/* ---- The tables of both ends ------------------------------------------------------------ */

struct listing {
    const struct side *side;
    struct acsa_error *err;
};

static enum acsa_rc table_listed(void *ctx, const char *table)
{
    struct listing *l = ctx;
    if (acsa_store_copy_known(table)) {
        return ACSA_OK;
    }
    return acsa_error_set(l->err, ACSA_EREFUSED, l->side->flag,
                          "%s: the %s has table %.64s, which acsa migrate does not know (an "
                          "acsa newer than this one?); nothing was copied", l->side->flag,
                          l->side->what, table);
}

/* The first column of a that b does not have, or NULL. */
static const char *missing_column(const struct acsa_copy_table *a,
                                  const struct acsa_copy_table *b)
{
    for (uint32_t c = 0; c < a->column_count; c++) {
        bool found = false;
        for (uint32_t d = 0; !found && d < b->column_count; d++) {
            found = strcmp(a->columns[c], b->columns[d]) == 0;
        }
        if (!found) {
            return a->columns[c];
        }
    }
    return NULL;
}

/* Every table of both ends is one the copy knows, and every table it knows is at both ends
 * with the same columns. */
static enum acsa_rc schemas_match(const struct side *src, const struct side *dst,
                                  struct acsa_copy_table *src_tables,
                                  struct acsa_copy_table *scratch, struct acsa_error *err)
{
    const struct side *sides[2] = {src, dst};
    for (size_t i = 0; i < 2; i++) {
        struct listing l = {sides[i], err};
        enum acsa_rc rc = sides[i]->copy->tables(sides[i]->store, table_listed, &l, err);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    size_t count = 0;
    const char *const *known = acsa_store_copy_tables(&count);
    for (size_t t = 0; t < count; t++) {
        for (size_t i = 0; i < 2; i++) {
            struct acsa_copy_table *into = i == 0 ? &src_tables[t] : scratch;
            enum acsa_rc rc = sides[i]->copy->describe(sides[i]->store, known[t], into, err);
            if (rc == ACSA_ENOTFOUND) {
                return acsa_error_set(err, ACSA_EREFUSED, sides[i]->flag, "%s: table %s is "
                                      "missing from the %s; the schemas differ",
                                      sides[i]->flag, known[t], sides[i]->what);
            }
            if (rc != ACSA_OK) {
                return on_side(rc, sides[i]->flag, err);
            }
        }
        const struct acsa_copy_table *ours = &src_tables[t];
        const struct acsa_copy_table *theirs = scratch;
        const struct acsa_copy_table *pair[2] = {ours, theirs};
        for (size_t side = 0; side < 2; side++) {
            const char *missing = missing_column(pair[side], pair[1 - side]);
            if (missing != NULL) {
                return acsa_error_set(err, ACSA_EREFUSED, "to", "to: column %s.%s of the %s is "
                                      "not in the %s; their schemas differ", ours->name,
                                      missing, side == 0 ? "source" : "target",
                                      side == 0 ? "target" : "source");
            }
        }
    }
    return ACSA_OK;
}

/* ---- Hashing rows ------------------------------------------------------------------------- */

/* SHA-256 over every row of a table in key order: each value as a type byte, then an int64
 * (big-endian) or a length (8 bytes, big-endian) and the bytes. */
struct digest {
    crypto_hash_sha256_state state;
    int64_t rows;
};

static void digest_init(struct digest *d)
{
    crypto_hash_sha256_init(&d->state);
    d->rows = 0;
}

static void put_u64(struct digest *d, uint64_t value)
{
    uint8_t bytes[8];
    for (size_t i = 0; i < 8; i++) {
        bytes[i] = (uint8_t)(value >> (56 - 8 * i));
    }
    crypto_hash_sha256_update(&d->state, bytes, sizeof(bytes));
}

static void digest_row(struct digest *d, const struct acsa_copy_value *values, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        const struct acsa_copy_value *v = &values[i];
        uint8_t type = (uint8_t)v->type;
        crypto_hash_sha256_update(&d->state, &type, 1);
        if (v->type == ACSA_COPY_INT) {
            put_u64(d, (uint64_t)v->number);
        } else if (v->type != ACSA_COPY_NULL) {
            put_u64(d, (uint64_t)v->len);
            if (v->len > 0) {
                crypto_hash_sha256_update(&d->state, v->bytes, v->len);
            }
        }
    }
    d->rows++;
}

static void digest_hex(struct digest *d, char out[65])
{
    uint8_t hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&d->state, hash);
    sodium_bin2hex(out, 65, hash, sizeof(hash));
}

static enum acsa_rc digest_cb(void *ctx, const struct acsa_copy_value *values, uint32_t count,
                              struct acsa_error *err)
{
    (void)err;
    digest_row(ctx, values, count);
    return ACSA_OK;
}

/* ---- Copying one table -------------------------------------------------------------------- */

/* The source end of one table's write: reads the source's rows, hashes and counts them, tells
 * the progress, and hands each to the target. */
struct pump {
    const struct side *src;
    const struct acsa_copy_table *table;
    int64_t total;
    struct digest digest;
    acsa_copy_row_cb cb;
    void *cb_ctx;
    acsa_migrate_progress_fn progress;
    void *progress_ctx;
    bool target_failed; /* The target refused a row. */
    bool source_failed; /* The failure was reading the source, not writing the target. */
};

static enum acsa_rc pump_row(void *ctx, const struct acsa_copy_value *values, uint32_t count,
                             struct acsa_error *err)
{
    struct pump *p = ctx;
    digest_row(&p->digest, values, count);
    if (p->progress != NULL && p->digest.rows % PROGRESS_EVERY == 0 &&
        p->digest.rows < p->total) {
        p->progress(p->progress_ctx, p->table->name, p->digest.rows, p->total);
    }
    enum acsa_rc rc = p->cb(p->cb_ctx, values, count, err);
    p->target_failed = rc != ACSA_OK;
    return rc;
}

static enum acsa_rc pump_rows(void *ctx, acsa_copy_row_cb cb, void *cb_ctx,
                              struct acsa_error *err)
{
    struct pump *p = ctx;
    p->cb = cb;
    p->cb_ctx = cb_ctx;
    enum acsa_rc rc = p->src->copy->read(p->src->store, p->table, pump_row, p, err);
    /* A failure the target's callback returned is the target's; the read's own is ours. */
    p->source_failed = rc != ACSA_OK && !p->target_failed;
    return p->source_failed ? on_side(rc, "from", err) : rc;
}

static enum acsa_rc copy_table(const struct side *src, const struct side *dst,
                               const struct acsa_copy_table *table,
                               acsa_migrate_progress_fn progress, void *progress_ctx,
                               struct acsa_migrate_table *out, struct acsa_error *err)
{
    snprintf(out->name, sizeof(out->name), "%s", table->name);
    struct pump p;
    memset(&p, 0, sizeof(p));
    p.src = src;
    p.table = table;
    p.progress = progress;
    p.progress_ctx = progress_ctx;
    digest_init(&p.digest);
    enum acsa_rc rc = src->copy->count(src->store, table->name, &p.total, err);
    if (rc != ACSA_OK) {
        return on_side(rc, "from", err);
    }
    int64_t written = 0;
    rc = dst->copy->write(dst->store, table, pump_rows, &p, &written, err);
    if (rc != ACSA_OK) {
        return p.source_failed ? rc : on_side(rc, "to", err);
    }
    out->source_rows = p.digest.rows;
    digest_hex(&p.digest, out->hash);
    if (progress != NULL) {
        progress(progress_ctx, table->name, p.digest.rows, p.digest.rows);
    }
    if (p.digest.rows != p.total || written != p.total) {
        return acsa_error_set(err, ACSA_EREFUSED, "to", "to: table %s: the source counts %lld "
                              "rows, %lld were read and %lld written; nothing was committed",
                              table->name, (long long)p.total, (long long)p.digest.rows,
                              (long long)written);
    }
    return ACSA_OK;
}

/* Reads the table back from the target (inside the copy's transaction): its count and the
 * hash of its rows must be the source's. */
static enum acsa_rc check_table(const struct side *dst, const struct acsa_copy_table *table,
                                struct acsa_migrate_table *row, struct acsa_error *err)
{
    enum acsa_rc rc = dst->copy->count(dst->store, table->name, &row->target_rows, err);
    if (rc != ACSA_OK) {
        return on_side(rc, "to", err);
    }
    struct digest d;
    digest_init(&d);
    rc = dst->copy->read(dst->store, table, digest_cb, &d, err);
    if (rc != ACSA_OK) {
        return on_side(rc, "to", err);
    }
    char hash[65];
    digest_hex(&d, hash);
    if (row->target_rows != row->source_rows || d.rows != row->source_rows) {
        return acsa_error_set(err, ACSA_EREFUSED, "to", "to: table %s has %lld rows in the "
                              "source and %lld in the target; nothing was committed",
                              table->name, (long long)row->source_rows,
                              (long long)row->target_rows);
    }
    if (strcmp(hash, row->hash) != 0) {
        return acsa_error_set(err, ACSA_EREFUSED, "to", "to: table %s differs between the "
                              "source and the target (row hashes %.16s and %.16s); nothing was "
                              "committed", table->name, row->hash, hash);
    }
    return ACSA_OK;
}

/* The audit chain recomputed on the target, as acsa audit verify does it. */
static enum acsa_rc check_audit(struct acsa_store *target, int64_t rows, int64_t *out_records,
                                struct acsa_error *err)
{
    struct acsa_app *view = acsa_calloc(1, sizeof(*view));
    if (view == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    view->store = target;
    struct acsa_audit_verdict verdict;
    enum acsa_rc rc = acsa_app_audit_verify(view, &verdict, err);
    acsa_free(view);
    if (rc != ACSA_OK) {
        return on_side(rc, "to", err);
    }
    if (!verdict.ok) {
        return acsa_error_set(err, ACSA_EREFUSED, "to", "to: the audit chain does not verify "
                              "on the target: record %lld: %s; nothing was committed",
                              (long long)verdict.first_broken_id, verdict.reason);
    }
    if (verdict.records != rows) {
        return acsa_error_set(err, ACSA_EREFUSED, "to", "to: the audit chain has %lld records "
                              "on the target, the table %lld; nothing was committed",
                              (long long)verdict.records, (long long)rows);
    }
    *out_records = verdict.records;
    return ACSA_OK;
}

/* Everything between the two transactions' begin and end. */
static enum acsa_rc copy_all(const struct side *src, const struct side *dst,
                             acsa_migrate_progress_fn progress, void *ctx,
                             struct acsa_migrate_report *out, struct acsa_error *err)
{
    size_t count = 0;
    const char *const *known = acsa_store_copy_tables(&count);
    _Static_assert(ACSA_MIGRATE_NAME_SIZE == ACSA_COPY_NAME_SIZE, "one name size");
    if (count > ACSA_MIGRATE_TABLES_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "migrate: more tables than a report "
                              "holds");
    }
    /* The source's tables, and one more for the target's description of each in turn. */
    struct acsa_copy_table *tables = acsa_calloc(count + 1, sizeof(*tables));
    if (tables == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = schemas_match(src, dst, tables, &tables[count], err);
    for (size_t t = 0; rc == ACSA_OK && t < count; t++) {
        rc = copy_table(src, dst, &tables[t], progress, ctx, &out->tables[t], err);
        out->table_count = (uint32_t)t + 1;
        out->rows += out->tables[t].source_rows;
    }
    int64_t audit_rows = 0;
    for (size_t t = 0; rc == ACSA_OK && t < count; t++) {
        rc = check_table(dst, &tables[t], &out->tables[t], err);
        if (strcmp(known[t], "records") == 0) {
            out->records = out->tables[t].target_rows;
        } else if (strcmp(known[t], "audit") == 0) {
            audit_rows = out->tables[t].target_rows;
        }
    }
    if (rc == ACSA_OK) {
        rc = check_audit(dst->store, audit_rows, &out->audit_records, err);
    }
    acsa_free(tables);
    return rc;
}

enum acsa_rc acsa_app_migrate(const char *from, const char *to,
                              acsa_migrate_progress_fn progress, void *ctx,
                              struct acsa_migrate_report *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    if (from == NULL || from[0] == '\0' || acsa_store_uri_file(from) == NULL ||
        strstr(from, "://") != NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "from", "from: must name the node's SQLite "
                              "file (PATH or sqlite:PATH)");
    }
    if (to == NULL || acsa_store_uri_file(to) != NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "to", "to: must be a PostgreSQL URI "
                              "(postgresql://...)");
    }
    struct acsa_app *source = NULL;
    enum acsa_rc rc = on_side(acsa_app_open(from, 0, &source, err), "from", err);
    if (rc != ACSA_OK) {
        return rc;
    }
    snprintf(out->nation, sizeof(out->nation), "%s", acsa_app_nation(source));
    snprintf(out->key_path, sizeof(out->key_path), "%s", source->key_path);
    out->key_present = access(out->key_path, F_OK) == 0;
    struct acsa_store *target = NULL;
    rc = on_side(acsa_store_open(to, ACSA_STORE_CREATE | ACSA_STORE_EMPTY, &target, err),
                 "to", err);
    struct side src = {source->store, source->store->vtbl->copy, "source", "from"};
    struct side dst = {target, target != NULL ? target->vtbl->copy : NULL, "target", "to"};
    if (rc == ACSA_OK && (src.copy == NULL || dst.copy == NULL || dst.copy->write == NULL)) {
        rc = acsa_error_set(err, ACSA_EUSAGE, "to", "to: this store cannot be a copy's target");
    }
    /* The source's write lock keeps it still while it is read; the target's transaction makes
     * the copy all or nothing. */
    bool src_open = false;
    bool dst_open = false;
    if (rc == ACSA_OK) {
        rc = on_side(source->store->vtbl->begin_write(source->store, err), "from", err);
        src_open = rc == ACSA_OK;
    }
    if (rc == ACSA_OK) {
        rc = on_side(target->vtbl->begin_write(target, err), "to", err);
        dst_open = rc == ACSA_OK;
    }
    if (rc == ACSA_OK) {
        rc = copy_all(&src, &dst, progress, ctx, out, err);
    }
    if (rc == ACSA_OK) {
        rc = on_side(target->vtbl->commit(target, err), "to", err);
        dst_open = false;
    }
    if (dst_open) {
        target->vtbl->rollback(target);
    }
    if (src_open) {
        source->store->vtbl->rollback(source->store); /* Nothing was written to it. */
    }
    acsa_store_close(target);
    acsa_app_close(source);
    return rc;
}
