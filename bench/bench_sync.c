/* SPDX-License-Identifier: MIT */
/* Helpers of bench/sync, the node-to-node benchmark:
 *   bench_sync verify SECONDS         libsodium's Ed25519 verify rate on a 32-byte message
 *                                     (the batch digest), on one core: the ceiling;
 *   bench_sync make DB COUNT          node IN at DB (a new file) with COUNT orders IN -> JP, made
 *                                     through the application layer (acsa_app_order_create, one
 *                                     record each), 1,000 per transaction;
 *   bench_sync diverge DB EVERY       takes the submit step on every EVERY-th order of DB (by
 *                                     number), 1,000 per transaction: the node's view moves on
 *                                     without the partner's;
 *   bench_sync sigcost DB BATCH       what checking the signatures of DB's records for JP costs,
 *                                     batch by batch of BATCH as acsa_app_batch_import checks
 *                                     them: one SHA-256 per record, the digest, one verify.
 * Each prints "key=value" pairs on one line of stdout for the script to read. */
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "date.h"
#include "order.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define AGREEMENT_FILE ACSA_SOURCE_ROOT "/agreements/india-japan-2020.json"
#define AGREEMENT_TEXT_MAX (1024 * 1024)
#define PER_TRANSACTION 1000
#define PROGRESS_EVERY 100000
#define LIMIT_MINOR INT64_C(1000000000000)
/* Orders are spread over two years: an order number has six digits of sequence per
 * (requester, supplier, year), so a million orders in one year would overflow it. */
#define FIRST_YEAR 2024
#define YEARS 2

static const char *const currencies[3] = {"JPY", "INR", "USD"};
static const int64_t prices[3][2] = {{150, 1200}, {9500, 45000}, {120, 550}};

static double now_s(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static bool parse_u64(const char *text, const char *what, uint64_t *out)
{
    char *end = NULL;
    unsigned long long value = strtoull(text, &end, 10);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || value == 0) {
        fprintf(stderr, "bench_sync: %s must be a positive integer, not \"%s\"\n", what, text);
        return false;
    }
    *out = (uint64_t)value;
    return true;
}

static int fail(const char *what, const struct acsa_error *err)
{
    fprintf(stderr, "bench_sync: %s: %s\n", what, err->message);
    return 1;
}

/* ---- verify ----------------------------------------------------------------------------- */

static int cmd_verify(double seconds)
{
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    unsigned char msg[32];
    unsigned char sig[crypto_sign_BYTES];
    crypto_sign_keypair(pk, sk);
    randombytes_buf(msg, sizeof(msg));
    crypto_sign_detached(sig, NULL, msg, sizeof(msg), sk);
    uint64_t done = 0;
    uint64_t bad = 0;
    double start = now_s(CLOCK_MONOTONIC);
    double cpu_start = now_s(CLOCK_PROCESS_CPUTIME_ID);
    double elapsed = 0.0;
    while (elapsed < seconds) {
        for (int i = 0; i < 256; i++) {
            bad += crypto_sign_verify_detached(sig, msg, sizeof(msg), pk) != 0;
        }
        done += 256;
        elapsed = now_s(CLOCK_MONOTONIC) - start;
    }
    double cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    if (bad != 0) {
        fprintf(stderr, "bench_sync: %" PRIu64 " verifications failed\n", bad);
        return 1;
    }
    printf("verifications=%" PRIu64 " seconds=%.3f cpu_s=%.3f verify_per_s=%.0f "
           "verify_per_cpu_s=%.0f\n", done, elapsed, cpu, (double)done / elapsed,
           (double)done / cpu);
    return 0;
}

/* ---- make ------------------------------------------------------------------------------- */

static bool read_file(const char *path, char *buf, size_t size, size_t *out_length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "bench_sync: cannot open %s\n", path);
        return false;
    }
    size_t length = fread(buf, 1, size - 1, f);
    bool ok = ferror(f) == 0 && feof(f) != 0;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "bench_sync: cannot read %s (or it is too large)\n", path);
        return false;
    }
    buf[length] = '\0';
    *out_length = length;
    return true;
}

/* What the orders cite, made on the node as an operator would. */
struct refs {
    char agreement_id[ACSA_ID_SIZE];
    int64_t activity_id;
    int64_t unit_in;
    int64_t unit_jp;
};

static enum acsa_rc setup(struct acsa_app *app, struct refs *refs, struct acsa_error *err)
{
    static char text[AGREEMENT_TEXT_MAX];
    size_t length = 0;
    if (!read_file(AGREEMENT_FILE, text, sizeof(text), &length)) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "", "agreement file missing");
    }
    enum acsa_rc rc = acsa_app_agreement_load(app, text, length, refs->agreement_id, err);
    rc = rc == ACSA_OK ? acsa_app_unit_add(app, "IN", "INS Sahyadri", &refs->unit_in, err) : rc;
    rc = rc == ACSA_OK ? acsa_app_unit_add(app, "JP", "JS Kaga", &refs->unit_jp, err) : rc;
    int64_t id = 0;
    for (unsigned c = 0; rc == ACSA_OK && c < 3; c++) {
        rc = acsa_app_official_add(app, "IN", "Cdr Rao", LIMIT_MINOR, currencies[c], &id, err);
    }
    if (rc == ACSA_OK) {
        struct acsa_activity activity;
        memset(&activity, 0, sizeof(activity));
        snprintf(activity.agreement_id, sizeof(activity.agreement_id), "%s",
                 refs->agreement_id);
        snprintf(activity.name, sizeof(activity.name), "JIMEX %d-%d", FIRST_YEAR,
                 FIRST_YEAR + YEARS - 1);
        snprintf(activity.type, sizeof(activity.type), "bilateral-training");
        snprintf(activity.place, sizeof(activity.place), "Bay of Bengal");
        activity.from_day = acsa_date_from_ymd(FIRST_YEAR, 1, 1);
        activity.to_day = acsa_date_from_ymd(FIRST_YEAR + YEARS - 1, 12, 31);
        rc = acsa_app_activity_add(app, &activity, &refs->activity_id, err);
    }
    return rc;
}

static void line_of(struct acsa_order_draft *d, unsigned index, const char *category,
                    const char *description, const char *unit, int64_t qty, int64_t price,
                    const char *currency)
{
    struct acsa_order_line *line = &d->lines[index];
    snprintf(line->category, sizeof(line->category), "%s", category);
    snprintf(line->description, sizeof(line->description), "%s", description);
    snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "%s", unit);
    line->quantity_milli = qty;
    line->price_minor = price;
    snprintf(d->line_currency[index], ACSA_CURRENCY_SIZE, "%s", currency);
}

/* Order i: IN requests from JP; method, currency, quantities and day vary with i. */
static void draft_of(const struct refs *refs, uint64_t i, struct acsa_order_draft *d,
                     int32_t *day)
{
    memset(d, 0, sizeof(*d));
    snprintf(d->requester, sizeof(d->requester), "IN");
    snprintf(d->supplier, sizeof(d->supplier), "JP");
    d->requester_unit_id = refs->unit_in;
    d->supplier_unit_id = refs->unit_jp;
    d->method = (enum acsa_method)(i % 3);
    snprintf(d->place, sizeof(d->place), "Yokosuka");
    int year = FIRST_YEAR + (int)(i % YEARS);
    *day = acsa_date_from_ymd(year, 1, 2) + (int32_t)((i / YEARS) % 300);
    d->need_by_day = *day + 10;
    d->line_count = 2;
    unsigned c = (unsigned)((i / 6) % 3);
    line_of(d, 0, "pol", "Diesel fuel F-76", "l", (int64_t)(100 + i % 900) * 1000, prices[c][0],
            currencies[c]);
    line_of(d, 1, "food", "Fresh rations", "kg", (int64_t)(10 + i % 90) * 1000, prices[c][1],
            currencies[c]);
}

static int cmd_make(const char *path, uint64_t count)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    if (acsa_app_init(path, "IN", "Benchmark node IN", &err) != ACSA_OK) {
        return fail(path, &err);
    }
    struct acsa_app *app = NULL;
    if (acsa_app_open(path, ACSA_STORE_BULK_LOAD, &app, &err) != ACSA_OK) {
        return fail(path, &err);
    }
    struct refs refs;
    memset(&refs, 0, sizeof(refs));
    enum acsa_rc rc = setup(app, &refs, &err);
    struct acsa_order_draft *draft = malloc(sizeof(*draft));
    if (draft == NULL) {
        rc = acsa_error_set(&err, ACSA_ENOMEM, "", "out of memory");
    }
    double start = now_s(CLOCK_MONOTONIC);
    for (uint64_t i = 0; rc == ACSA_OK && i < count; i += PER_TRANSACTION) {
        uint64_t end = i + PER_TRANSACTION < count ? i + PER_TRANSACTION : count;
        rc = acsa_app_begin(app, &err);
        for (uint64_t j = i; rc == ACSA_OK && j < end; j++) {
            int32_t day = 0;
            char number[ACSA_NUMBER_SIZE];
            draft_of(&refs, j, draft, &day);
            rc = acsa_app_order_create(app, refs.agreement_id, refs.activity_id, draft, day,
                                       "Lt Iyer", number, &err);
        }
        rc = rc == ACSA_OK ? acsa_app_commit(app, &err) : rc;
        if (rc != ACSA_OK) {
            acsa_app_rollback(app);
        }
        if (rc == ACSA_OK && (end % PROGRESS_EVERY == 0 || end == count)) {
            fprintf(stderr, "bench_sync make: %" PRIu64 " orders, %.1f s\n", end,
                    now_s(CLOCK_MONOTONIC) - start);
        }
    }
    double seconds = now_s(CLOCK_MONOTONIC) - start;
    free(draft);
    acsa_app_close(app);
    if (rc != ACSA_OK) {
        return fail(path, &err);
    }
    printf("orders=%" PRIu64 " seconds=%.3f orders_per_s=%.0f\n", count, seconds,
           (double)count / seconds);
    return 0;
}

/* ---- diverge ---------------------------------------------------------------------------- */

/* The numbers of every EVERY-th order, by number, read straight from the database. */
static char (*numbers_every(const char *path, uint64_t every, size_t *out_count))[ACSA_NUMBER_SIZE]
{
    *out_count = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    char (*list)[ACSA_NUMBER_SIZE] = NULL;
    size_t count = 0;
    size_t cap = 0;
    bool ok = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
              sqlite3_prepare_v2(db, "SELECT number FROM orders ORDER BY number", -1, &stmt,
                                 NULL) == SQLITE_OK;
    uint64_t row = 0;
    int code = SQLITE_ROW;
    while (ok && (code = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (row++ % every != every - 1) {
            continue;
        }
        if (count == cap) {
            cap = cap == 0 ? 1024 : cap * 2;
            void *grown = realloc(list, cap * sizeof(*list));
            ok = grown != NULL;
            list = ok ? grown : list;
        }
        if (ok) {
            snprintf(list[count++], ACSA_NUMBER_SIZE, "%s",
                     (const char *)sqlite3_column_text(stmt, 0));
        }
    }
    ok = ok && code == SQLITE_DONE;
    if (!ok) {
        fprintf(stderr, "bench_sync: reading the orders of %s: %s\n", path,
                db != NULL ? sqlite3_errmsg(db) : "out of memory");
        free(list);
        list = NULL;
        count = 0;
    }
    sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
    *out_count = count;
    return list;
}

static int cmd_diverge(const char *path, uint64_t every)
{
    size_t count = 0;
    char(*numbers)[ACSA_NUMBER_SIZE] = numbers_every(path, every, &count);
    if (numbers == NULL) {
        return 1;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_app *app = NULL;
    if (acsa_app_open(path, ACSA_STORE_BULK_LOAD, &app, &err) != ACSA_OK) {
        free(numbers);
        return fail(path, &err);
    }
    struct acsa_order *order = malloc(sizeof(*order));
    enum acsa_rc rc = order != NULL ? ACSA_OK
                                    : acsa_error_set(&err, ACSA_ENOMEM, "", "out of memory");
    double start = now_s(CLOCK_MONOTONIC);
    for (size_t i = 0; rc == ACSA_OK && i < count; i += PER_TRANSACTION) {
        size_t end = i + PER_TRANSACTION < count ? i + PER_TRANSACTION : count;
        rc = acsa_app_begin(app, &err);
        for (size_t j = i; rc == ACSA_OK && j < end; j++) {
            rc = acsa_app_order_get(app, numbers[j], order, NULL, &err);
            struct acsa_command cmd;
            memset(&cmd, 0, sizeof(cmd));
            cmd.step = ACSA_STEP_SUBMIT;
            cmd.day = order->created_day;
            snprintf(cmd.actor, sizeof(cmd.actor), "Lt Iyer");
            rc = rc == ACSA_OK ? acsa_app_order_step(app, numbers[j], &cmd, NULL, &err) : rc;
        }
        rc = rc == ACSA_OK ? acsa_app_commit(app, &err) : rc;
        if (rc != ACSA_OK) {
            acsa_app_rollback(app);
        }
    }
    double seconds = now_s(CLOCK_MONOTONIC) - start;
    free(order);
    free(numbers);
    acsa_app_close(app);
    if (rc != ACSA_OK) {
        return fail(path, &err);
    }
    printf("submitted=%zu seconds=%.3f\n", count, seconds);
    return 0;
}

/* ---- sigcost ---------------------------------------------------------------------------- */

/* Replays the signature work of every batch of DB's records for JP: per record the SHA-256 of
 * its body, per batch the SHA-256 over the header and those hashes, signed once and verified
 * once. The bodies are read first, so only the hashing and the Ed25519 calls are timed. */
static int cmd_sigcost(const char *path, uint64_t batch)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT body FROM records WHERE origin = 'IN' AND partner IN "
                           "('JP', '') ORDER BY seq", -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_sync: %s: %s\n", path, sqlite3_errmsg(db));
        sqlite3_close_v2(db);
        return 1;
    }
    uint8_t *data = NULL;
    size_t len = 0;
    size_t cap = 0;
    size_t *ends = NULL;
    size_t count = 0;
    size_t ends_cap = 0;
    bool ok = true;
    while (ok && sqlite3_step(stmt) == SQLITE_ROW) {
        const void *body = sqlite3_column_blob(stmt, 0);
        size_t n = (size_t)sqlite3_column_bytes(stmt, 0);
        if (len + n > cap) {
            cap = (len + n) * 2;
            void *grown = realloc(data, cap);
            ok = grown != NULL;
            data = ok ? grown : data;
        }
        if (ok && count == ends_cap) {
            ends_cap = ends_cap == 0 ? 4096 : ends_cap * 2;
            void *grown = realloc(ends, ends_cap * sizeof(*ends));
            ok = grown != NULL;
            ends = ok ? grown : ends;
        }
        if (ok) {
            memcpy(data + len, body, n);
            len += n;
            ends[count++] = len;
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
    if (!ok || count == 0) {
        fprintf(stderr, "bench_sync: %s: no records read\n", path);
        free(data);
        free(ends);
        return 1;
    }
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    crypto_sign_keypair(pk, sk);
    uint8_t header[52];
    memset(header, 0, sizeof(header));
    double hash_s = 0.0;
    double sign_s = 0.0;
    double verify_s = 0.0;
    uint64_t batches = 0;
    for (size_t first = 0; first < count; first += batch) {
        size_t last = first + batch < count ? first + batch : count;
        double t0 = now_s(CLOCK_MONOTONIC);
        crypto_hash_sha256_state state;
        crypto_hash_sha256_init(&state);
        crypto_hash_sha256_update(&state, header, sizeof(header));
        for (size_t i = first; i < last; i++) {
            size_t from = i == 0 ? 0 : ends[i - 1];
            uint8_t hash[32];
            crypto_hash_sha256(hash, data + from, ends[i] - from);
            crypto_hash_sha256_update(&state, hash, sizeof(hash));
        }
        uint8_t digest[32];
        crypto_hash_sha256_final(&state, digest);
        double t1 = now_s(CLOCK_MONOTONIC);
        uint8_t sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, NULL, digest, sizeof(digest), sk);
        double t2 = now_s(CLOCK_MONOTONIC);
        if (crypto_sign_verify_detached(sig, digest, sizeof(digest), pk) != 0) {
            ok = false;
        }
        double t3 = now_s(CLOCK_MONOTONIC);
        hash_s += t1 - t0;
        sign_s += t2 - t1;
        verify_s += t3 - t2;
        batches++;
    }
    free(data);
    free(ends);
    if (!ok) {
        fprintf(stderr, "bench_sync: a verification failed\n");
        return 1;
    }
    printf("records=%zu bytes=%zu batches=%" PRIu64 " digest_s=%.6f sign_s=%.6f "
           "verify_s=%.6f\n", count, len, batches, hash_s, sign_s, verify_s);
    return 0;
}

int main(int argc, char **argv)
{
    if (sodium_init() < 0) {
        fprintf(stderr, "bench_sync: libsodium cannot start\n");
        return 1;
    }
    uint64_t n = 0;
    if (argc == 3 && strcmp(argv[1], "verify") == 0 && parse_u64(argv[2], "SECONDS", &n)) {
        return cmd_verify((double)n);
    }
    if (argc == 4 && strcmp(argv[1], "make") == 0 && parse_u64(argv[3], "COUNT", &n)) {
        return cmd_make(argv[2], n);
    }
    if (argc == 4 && strcmp(argv[1], "diverge") == 0 && parse_u64(argv[3], "EVERY", &n)) {
        return cmd_diverge(argv[2], n);
    }
    if (argc == 4 && strcmp(argv[1], "sigcost") == 0 && parse_u64(argv[3], "BATCH", &n)) {
        return cmd_sigcost(argv[2], n);
    }
    fprintf(stderr, "usage: bench_sync verify SECONDS | make DB COUNT | diverge DB EVERY | "
                    "sigcost DB BATCH\n");
    return 2;
}
