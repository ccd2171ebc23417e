/* SPDX-License-Identifier: MIT */
/* Two nodes in one process, India and Japan, each with its own database and key pair, moving
 * signed batches between them without HTTP: whole lifecycles with a batch after every step
 * (equal facts and fingerprints, mirrored balances), the partner's steps refused locally,
 * every way a batch or a record is refused on import (with its quarantine entry and nothing
 * applied), replays and overlaps, reference data travelling with the orders that cite it, and
 * the store functions of version 3 on their own. */
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

#include "app.h"
#include "app_reads.h"
#include "app_int.h"
#include "auth.h"
#include "agreement_json.h"
#include "alloc.h"
#include "date.h"
#include "node.h"
#include "quarantine.h"
#include "record.h"
#include "store.h"
#include "sync.h"
#include "text.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define NOW 1718000000                 /* 2024-06-10. */
#define HEADER 52                      /* The fixed batch header (top of src/app/batch.c). */
#define SIG 64
#define BATCH_RECORDS 64
#define FACTS_BYTES (512 * 1024)
#define QROWS 64
#define MUTATIONS 400                  /* Re-signed mutated records per run (a few seconds). */

/* One node: its database, its handle and its keys. */
struct node {
    const char *nation;
    char path[160];
    struct acsa_app *app;
    uint8_t pk[32];
    uint8_t sk[64];
    char key[ACSA_KEY_TEXT_SIZE];
};

struct fixture {
    char dir[64];
    struct node in;
    struct node jp;
    int64_t navy;                       /* On IN: unit Indian Navy (IN). */
    int64_t jmsdf;                      /* On IN: unit JMSDF (JP). */
    int64_t jimex;                      /* On IN: activity JIMEX 2024. */
    char number[ACSA_NUMBER_SIZE];      /* The order of the test. */
    struct acsa_order *a;               /* Scratch orders (large: on the heap). */
    struct acsa_order *b;
    char *facts_a;
    char *facts_b;
    struct acsa_error err;
};

/* ---- Nodes -------------------------------------------------------------------------------- */

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static struct acsa_store *store_of(struct node *n)
{
    return acsa__app_store(n->app);
}

#define CHECK(f, call)                                                                         \
    do {                                                                                       \
        enum acsa_rc check_rc_ = (call);                                                       \
        if (check_rc_ != ACSA_OK) {                                                            \
            fail_msg("%s: %s: %s", #call, acsa_rc_name(check_rc_), (f)->err.message);          \
        }                                                                                      \
    } while (0)

static char *read_source(const char *relative, size_t *out_size)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", ACSA_SOURCE_ROOT, relative);
    FILE *file = fopen(path, "rb");
    assert_non_null(file);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    *out_size = fread(text, 1, 65535, file);
    fclose(file);
    return text;
}

static void load_agreement(struct fixture *f, struct node *n, const char *file)
{
    char relative[128];
    snprintf(relative, sizeof(relative), "agreements/%s", file);
    size_t size = 0;
    char *text = read_source(relative, &size);
    char id[ACSA_ID_SIZE];
    CHECK(f, acsa_app_agreement_load(n->app, text, size, id, &f->err));
    free(text);
}

static void node_init(struct fixture *f, struct node *n, const char *nation)
{
    n->nation = nation;
    snprintf(n->path, sizeof(n->path), "%s/%s.db", f->dir, nation);
    CHECK(f, acsa_app_init(n->path, nation, nation, &f->err));
    CHECK(f, acsa_app_open(n->path, 0, &n->app, &f->err));
    acsa_app_set_actor(n->app, "tester");
    load_agreement(f, n, "india-japan-2020.json");
    CHECK(f, acsa_app_node_public_key(n->app, n->pk, &f->err));
    acsa_node_key_text(n->pk, n->key);
    /* The secret key, to sign batches a test makes up as this node would. */
    char key_path[200];
    snprintf(key_path, sizeof(key_path), "%s.key", n->path);
    assert_string_equal(acsa_app_node_key_path(n->app), key_path);
    FILE *file = fopen(key_path, "rb");
    assert_non_null(file);
    assert_int_equal(fread(n->sk, 1, sizeof(n->sk), file), sizeof(n->sk));
    fclose(file);
}

static void link_to(struct fixture *f, struct node *from, struct node *to)
{
    CHECK(f, acsa_app_peer_add(from->app, to->nation, "", to->key, &f->err));
}

static void add_official(struct fixture *f, struct node *n, const char *party, const char *name)
{
    int64_t id = 0;
    CHECK(f, acsa_app_official_add(n->app, party, name, 100000000, "JPY", &id, &f->err));
}

/* Two nodes; JP knows IN's node; IN knows JP's when linked. IN holds the reference data. */
static struct acsa_batch_result sync_nodes(struct fixture *f, struct node *from, struct node *to);

static int setup_nodes(void **state, bool linked)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->a = calloc(1, sizeof(*f->a));
    f->b = calloc(1, sizeof(*f->b));
    f->facts_a = calloc(1, FACTS_BYTES);
    f->facts_b = calloc(1, FACTS_BYTES);
    assert_true(f->a != NULL && f->b != NULL && f->facts_a != NULL && f->facts_b != NULL);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-test-sync-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    node_init(f, &f->in, "IN");
    node_init(f, &f->jp, "JP");
    link_to(f, &f->jp, &f->in);
    if (linked) {
        link_to(f, &f->in, &f->jp);
    }
    add_official(f, &f->in, "IN", "Cdr Rao");
    add_official(f, &f->jp, "JP", "Capt Sato");
    /* Each node's grant to its official goes to the partner first, as it would in service:
     * the partner checks approvals and acceptances by it. */
    if (linked) {
        sync_nodes(f, &f->in, &f->jp);
        sync_nodes(f, &f->jp, &f->in);
    }
    CHECK(f, acsa_app_unit_add(f->in.app, "IN", "Indian Navy", &f->navy, &f->err));
    CHECK(f, acsa_app_unit_add(f->in.app, "JP", "JMSDF", &f->jmsdf, &f->err));
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    snprintf(activity.agreement_id, sizeof(activity.agreement_id), "IN-JP-2020");
    snprintf(activity.name, sizeof(activity.name), "JIMEX 2024");
    snprintf(activity.type, sizeof(activity.type), "bilateral-training");
    snprintf(activity.place, sizeof(activity.place), "Arabian Sea");
    activity.from_day = day_of("2024-06-01");
    activity.to_day = day_of("2024-06-20");
    CHECK(f, acsa_app_activity_add(f->in.app, &activity, &f->jimex, &f->err));
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_nodes(state, true);
}

static int setup_unlinked(void **state)
{
    return setup_nodes(state, false);
}

static void remove_node(struct node *n)
{
    acsa_app_close(n->app);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[200];
        snprintf(path, sizeof(path), "%s%s", n->path, suffixes[i]);
        unlink(path);
    }
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    remove_node(&f->in);
    remove_node(&f->jp);
    rmdir(f->dir);
    free(f->a);
    free(f->b);
    free(f->facts_a);
    free(f->facts_b);
    free(f);
    return 0;
}

/* ---- Orders ------------------------------------------------------------------------------- */

static void set_line(struct acsa_order_draft *d, uint32_t i, const char *category,
                     int64_t qty, int64_t price)
{
    struct acsa_order_line *l = &d->lines[i];
    snprintf(l->category, sizeof(l->category), "%s", category);
    snprintf(l->description, sizeof(l->description), "%s supply", category);
    snprintf(l->nsn, sizeof(l->nsn), "9140-00-%03u", i);
    snprintf(l->unit_of_issue, sizeof(l->unit_of_issue), "ea");
    l->quantity_milli = qty;
    l->price_minor = price;
    snprintf(d->line_currency[i], ACSA_CURRENCY_SIZE, "JPY");
    d->line_count = i + 1 > d->line_count ? i + 1 : d->line_count;
}

/* 10 x 1000 JPY of fuel and 4 x 2500 JPY of food: 20,000 JPY. */
/* The fixtures' steps are recorded in the summer of 2024, when they are dated. */
#define FIXTURE_RECORDED_DAY 19905 /* 2024-07-01 */

static struct acsa_order_draft draft_of(enum acsa_method method, const char *requester,
                                        const char *supplier, int64_t requester_unit,
                                        int64_t supplier_unit)
{
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, sizeof(d.requester), "%s", requester);
    snprintf(d.supplier, sizeof(d.supplier), "%s", supplier);
    d.recorded_day = FIXTURE_RECORDED_DAY;
    d.requester_unit_id = requester_unit;
    d.supplier_unit_id = supplier_unit;
    d.method = method;
    snprintf(d.place, sizeof(d.place), "Yokosuka");
    d.need_by_day = day_of("2024-06-05");
    set_line(&d, 0, "pol", 10000, 1000);
    set_line(&d, 1, "food", 4000, 2500);
    return d;
}

static struct acsa_command command(enum acsa_step step, const char *actor, const char *day)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day_of(day);
    cmd.recorded_day = FIXTURE_RECORDED_DAY;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    return cmd;
}

/* Takes a step on node n; fails the test if it is refused. */
static void take(struct fixture *f, struct node *n, const char *number, enum acsa_step step,
                 const char *actor, uint32_t line, int64_t qty, int64_t amount)
{
    struct acsa_command cmd = command(step, actor, "2024-06-10");
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    cmd.amount_minor = amount;
    if (amount != 0) {
        snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    }
    if (step == ACSA_STEP_INVOICE || step == ACSA_STEP_PAY) {
        cmd.day = day_of("2024-06-12"); /* A payment is not dated before the invoice. */
    }
    if (step == ACSA_STEP_DISPUTE) {
        snprintf(cmd.reason, sizeof(cmd.reason), "short delivery");
    }
    if (step == ACSA_STEP_REJECT || step == ACSA_STEP_CANCEL) {
        snprintf(cmd.reason, sizeof(cmd.reason), "no longer needed");
    }
    /* No step is dated before the order's previous one (a conversion is dated a year on). */
    struct acsa_order *now = calloc(1, sizeof(*now));
    assert_non_null(now);
    if (acsa_app_order_get(n->app, number, now, NULL, &f->err) == ACSA_OK &&
        now->last_step_day > cmd.day) {
        cmd.day = now->last_step_day;
        cmd.recorded_day = cmd.day > cmd.recorded_day ? cmd.day : cmd.recorded_day;
    }
    free(now);
    acsa_error_clear(&f->err);
    enum acsa_rc rc = acsa_app_order_step(n->app, number, &cmd, NULL, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("%s on %s by %s: %s", acsa_step_name(step), n->nation, actor, f->err.message);
    }
}

static void create_order(struct fixture *f, struct node *n, const struct acsa_order_draft *d,
                         int64_t activity, const char *actor, char number[ACSA_NUMBER_SIZE])
{
    struct acsa_order_draft recorded = *d;
    recorded.recorded_day = FIXTURE_RECORDED_DAY;
    enum acsa_rc rc = acsa_app_order_create(n->app, "IN-JP-2020", activity, &recorded,
                                            day_of("2024-06-01"), actor, number, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("create on %s: %s", n->nation, f->err.message);
    }
}

static void get_order(struct fixture *f, struct node *n, const char *number,
                      struct acsa_order *out)
{
    CHECK(f, acsa_app_order_get(n->app, number, out, NULL, &f->err));
}

static int64_t last_seq(struct fixture *f, struct node *n, const char *origin)
{
    int64_t seq = -1;
    CHECK(f, store_of(n)->vtbl->sync->record_last_seq(store_of(n), origin, &seq, &f->err));
    return seq;
}

static struct acsa_peer peer_of(struct fixture *f, struct node *n, const char *party)
{
    struct acsa_peer peer;
    CHECK(f, acsa_app_peer_get(n->app, party, &peer, &f->err));
    return peer;
}

/* ---- Batches ------------------------------------------------------------------------------ */

static uint8_t *export_batch(struct fixture *f, struct node *from, struct node *to,
                             int64_t after, uint32_t max, size_t *len,
                             struct acsa_batch_info *info)
{
    uint8_t *buf = NULL;
    CHECK(f, acsa_app_batch_export(from->app, to->nation, after, max, NOW, &buf, len, info,
                                   &f->err));
    assert_non_null(buf);
    return buf;
}

/* Moves everything from has for to that to has not taken in yet, refusals counted. */
static struct acsa_batch_result sync_counted(struct fixture *f, struct node *from,
                                             struct node *to)
{
    int64_t after = peer_of(f, to, from->nation).received_through;
    size_t len = 0;
    struct acsa_batch_info info;
    uint8_t *buf = export_batch(f, from, to, after, 0, &len, &info);
    struct acsa_batch_result result;
    enum acsa_rc rc = acsa_app_batch_import(to->app, buf, len, "sync", NOW, &result, &f->err);
    free(buf);
    if (rc != ACSA_OK) {
        fail_msg("import %s -> %s: %s", from->nation, to->nation, f->err.message);
    }
    assert_int_equal(result.applied + result.duplicates + result.quarantined, info.count);
    assert_int_equal(peer_of(f, to, from->nation).received_through, info.through);
    return result;
}

/* As sync_counted; nothing may be refused. */
static struct acsa_batch_result sync_nodes(struct fixture *f, struct node *from, struct node *to)
{
    struct acsa_batch_result result = sync_counted(f, from, to);
    assert_int_equal(result.quarantined, 0);
    return result;
}

static uint64_t be_get(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void be_put(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
}

/* Finds the records of a batch laid out as documented; returns their number. */
static uint32_t split_batch(const uint8_t *buf, size_t len, const uint8_t **bodies,
                            size_t *lens)
{
    assert_true(len >= HEADER + SIG);
    uint32_t count = (uint32_t)be_get(buf + 48, 4);
    assert_true(count <= BATCH_RECORDS);
    size_t pos = HEADER;
    for (uint32_t i = 0; i < count; i++) {
        assert_true(pos + 4 <= len);
        lens[i] = (size_t)be_get(buf + pos, 4);
        bodies[i] = buf + pos + 4;
        pos += 4 + lens[i];
    }
    assert_int_equal(pos + SIG, len);
    return count;
}

/* SHA-256(header || SHA-256 of each record): what the signature covers. */
static void digest_of(const uint8_t *buf, size_t len, uint8_t out[32])
{
    const uint8_t *bodies[BATCH_RECORDS];
    size_t lens[BATCH_RECORDS];
    uint32_t count = split_batch(buf, len, bodies, lens);
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, buf, HEADER);
    for (uint32_t i = 0; i < count; i++) {
        uint8_t hash[32];
        crypto_hash_sha256(hash, bodies[i], lens[i]);
        crypto_hash_sha256_update(&state, hash, sizeof(hash));
    }
    crypto_hash_sha256_final(&state, out);
}

static void resign(uint8_t *buf, size_t len, const uint8_t sk[64])
{
    uint8_t digest[32];
    digest_of(buf, len, digest);
    crypto_sign_detached(buf + len - SIG, NULL, digest, sizeof(digest), sk);
}

/* A batch made up from its parts and signed with sk. *out is malloc'd. */
static size_t make_batch(const char *sender, const char *receiver, int64_t after,
                         int64_t through, const uint8_t *const *bodies, const size_t *lens,
                         uint32_t count, const uint8_t sk[64], uint8_t **out)
{
    size_t len = HEADER + SIG;
    for (uint32_t i = 0; i < count; i++) {
        len += 4 + lens[i];
    }
    uint8_t *buf = calloc(1, len);
    assert_non_null(buf);
    memcpy(buf, "ACSABAT1", 8);
    be_put(buf + 8, 2, 2);
    memcpy(buf + 10, sender, 2);
    be_put(buf + 12, 2, 2);
    memcpy(buf + 14, receiver, 2);
    be_put(buf + 16, (uint64_t)after, 8);
    be_put(buf + 24, (uint64_t)through, 8);
    be_put(buf + 32, 0, 8);
    be_put(buf + 40, NOW, 8);
    be_put(buf + 48, count, 4);
    size_t pos = HEADER;
    for (uint32_t i = 0; i < count; i++) {
        be_put(buf + pos, lens[i], 4);
        memcpy(buf + pos + 4, bodies[i], lens[i]);
        pos += 4 + lens[i];
    }
    resign(buf, len, sk);
    *out = buf;
    return len;
}

/* ---- Quarantine --------------------------------------------------------------------------- */

struct qrow {
    int64_t id;
    int64_t at_s;
    char peer[ACSA_NATION_SIZE];
    char via[16];
    char what[16];
    int64_t seq;
    char order_number[ACSA_NUMBER_SIZE];
    char reason[ACSA_AUDIT_TEXT_SIZE];
    size_t body_len;
    uint8_t body[64];
};

struct qlist {
    struct qrow rows[QROWS];
    size_t count;
};

static enum acsa_rc collect_quarantine(void *ctx, const struct acsa_quarantine_row *row)
{
    struct qlist *list = ctx;
    assert_true(list->count < QROWS);
    struct qrow *q = &list->rows[list->count++];
    q->id = row->id;
    q->at_s = row->at_s;
    snprintf(q->peer, sizeof(q->peer), "%s", row->peer);
    snprintf(q->via, sizeof(q->via), "%s", row->via);
    snprintf(q->what, sizeof(q->what), "%s", row->what);
    q->seq = row->seq;
    snprintf(q->order_number, sizeof(q->order_number), "%s", row->order_number);
    snprintf(q->reason, sizeof(q->reason), "%s", row->reason);
    q->body_len = row->body_len;
    if (row->body_len > 0) {
        memcpy(q->body, row->body, row->body_len < sizeof(q->body) ? row->body_len
                                                                     : sizeof(q->body));
    }
    return ACSA_OK;
}

static void quarantine_of(struct fixture *f, struct node *n, struct qlist *out)
{
    memset(out, 0, sizeof(*out));
    CHECK(f, acsa_app_quarantine_list(n->app, 0, collect_quarantine, out, &f->err));
}

/* ---- Comparing the two nodes -------------------------------------------------------------- */

struct text_buf {
    char *data;
    size_t len;
};

static void add_fact(void *ctx, const char *field, const char *value)
{
    struct text_buf *t = ctx;
    int n = snprintf(t->data + t->len, FACTS_BYTES - t->len, "%s=%s\n", field, value);
    assert_true(n > 0 && (size_t)n < FACTS_BYTES - t->len);
    t->len += (size_t)n;
}

static enum acsa_rc add_fingerprint(void *ctx, const char *number, uint64_t fingerprint)
{
    struct text_buf *t = ctx;
    int n = snprintf(t->data + t->len, FACTS_BYTES - t->len, "%s %016llx\n", number,
                     (unsigned long long)fingerprint);
    assert_true(n > 0 && (size_t)n < FACTS_BYTES - t->len);
    t->len += (size_t)n;
    return ACSA_OK;
}

static void expect_same_text(const char *a, const char *b, const char *what)
{
    if (strcmp(a, b) == 0) {
        return;
    }
    size_t i = 0;
    size_t line = 0;
    while (a[i] == b[i]) {
        line = a[i] == '\n' ? i + 1 : line;
        i++;
    }
    fail_msg("%s differ: IN has \"%.80s\", JP has \"%.80s\"", what, a + line, b + line);
}

/* The order has the same facts, fingerprint and chain head on both nodes. */
static void expect_same_order(struct fixture *f, const char *number, enum acsa_state state)
{
    get_order(f, &f->in, number, f->a);
    get_order(f, &f->jp, number, f->b);
    struct text_buf ta = {f->facts_a, 0};
    struct text_buf tb = {f->facts_b, 0};
    f->facts_a[0] = f->facts_b[0] = '\0';
    acsa_order_facts(f->a, add_fact, &ta);
    acsa_order_facts(f->b, add_fact, &tb);
    expect_same_text(f->facts_a, f->facts_b, number);
    assert_int_equal(f->a->state, state);
    assert_true(acsa_order_fingerprint(f->a) == acsa_order_fingerprint(f->b));
    assert_int_equal(f->a->duty_count, f->b->duty_count);
    assert_int_equal(f->a->last_step_day, f->b->last_step_day);
    /* What reconciliation compares: every shared order's stored fingerprint. */
    ta.len = tb.len = 0;
    f->facts_a[0] = f->facts_b[0] = '\0';
    CHECK(f, store_of(&f->in)->vtbl->sync->order_fingerprints(store_of(&f->in), "JP",
                                                              add_fingerprint, &ta, &f->err));
    CHECK(f, store_of(&f->jp)->vtbl->sync->order_fingerprints(store_of(&f->jp), "IN",
                                                              add_fingerprint, &tb, &f->err));
    expect_same_text(f->facts_a, f->facts_b, "stored fingerprints");
    char mine[64];
    snprintf(mine, sizeof(mine), "%s %016llx\n", number,
             (unsigned long long)acsa_order_fingerprint(f->a));
    assert_non_null(strstr(f->facts_a, mine));
    /* Both hold the same records of the order, so the same head. */
    uint8_t head_in[ACSA_HASH_SIZE];
    uint8_t head_jp[ACSA_HASH_SIZE];
    CHECK(f, store_of(&f->in)->vtbl->sync->chain_head(store_of(&f->in), number, head_in, &f->err));
    CHECK(f, store_of(&f->jp)->vtbl->sync->chain_head(store_of(&f->jp), number, head_jp, &f->err));
    assert_memory_equal(head_in, head_jp, ACSA_HASH_SIZE);
    static const uint8_t zeros[ACSA_HASH_SIZE];
    assert_memory_not_equal(head_in, zeros, ACSA_HASH_SIZE);
}

/* Balances by currency and account. */
struct balances {
    char currency[4][ACSA_CURRENCY_SIZE];
    int64_t amount[4][ACSA_ACCOUNT_COUNT];
    int64_t quantity[4][ACSA_ACCOUNT_COUNT];
    size_t currencies;
};

static enum acsa_rc add_balance(void *ctx, const struct acsa_balance_row *row)
{
    struct balances *b = ctx;
    size_t c = 0;
    while (c < b->currencies && strcmp(b->currency[c], row->currency) != 0) {
        c++;
    }
    if (c == b->currencies) {
        assert_true(c < 4);
        snprintf(b->currency[c], ACSA_CURRENCY_SIZE, "%s", row->currency);
        b->currencies++;
    }
    b->amount[c][row->account] += (int64_t)row->amount_minor; /* Fits: a few orders. */
    b->quantity[c][row->account] += (int64_t)row->quantity_milli;
    return ACSA_OK;
}

static void balances_of(struct fixture *f, struct node *n, const char *partner,
                        struct balances *out)
{
    memset(out, 0, sizeof(*out));
    CHECK(f, store_of(n)->vtbl->ledger->balance(store_of(n), partner, ACSA_DATE_NONE, add_balance,
                                                out, &f->err));
}

static enum acsa_account mirror_of(enum acsa_account account)
{
    switch (account) {
    case ACSA_ACCOUNT_RECEIVABLE_CASH: return ACSA_ACCOUNT_PAYABLE_CASH;
    case ACSA_ACCOUNT_RECEIVABLE_KIND: return ACSA_ACCOUNT_PAYABLE_KIND;
    case ACSA_ACCOUNT_PAYABLE_CASH: return ACSA_ACCOUNT_RECEIVABLE_CASH;
    case ACSA_ACCOUNT_PAYABLE_KIND: return ACSA_ACCOUNT_RECEIVABLE_KIND;
    case ACSA_ACCOUNT_SUPPLIED: return ACSA_ACCOUNT_RECEIVED;
    case ACSA_ACCOUNT_RECEIVED: return ACSA_ACCOUNT_SUPPLIED;
    case ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH: return ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH;
    case ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND: return ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND;
    case ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH: return ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH;
    case ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND: return ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND;
    default: return account;
    }
}

/* What IN's books say of JP is what JP's say of IN, seen from the other side. */
static void expect_mirrored(struct fixture *f, struct balances *in_books)
{
    struct balances jp;
    balances_of(f, &f->in, "JP", in_books);
    balances_of(f, &f->jp, "IN", &jp);
    assert_int_equal(in_books->currencies, jp.currencies);
    for (size_t c = 0; c < in_books->currencies; c++) {
        size_t d = 0;
        while (d < jp.currencies && strcmp(jp.currency[d], in_books->currency[c]) != 0) {
            d++;
        }
        assert_true(d < jp.currencies);
        for (int a = 0; a < ACSA_ACCOUNT_COUNT; a++) {
            enum acsa_account m = mirror_of((enum acsa_account)a);
            if (in_books->amount[c][a] != -jp.amount[d][m] ||
                in_books->quantity[c][a] != -jp.quantity[d][m]) {
                fail_msg("%s %s: IN has %lld (%lld milli), JP has %s %lld (%lld milli)",
                         in_books->currency[c], acsa_account_name((enum acsa_account)a),
                         (long long)in_books->amount[c][a],
                         (long long)in_books->quantity[c][a], acsa_account_name(m),
                         (long long)jp.amount[d][m], (long long)jp.quantity[d][m]);
            }
        }
    }
}

/* A step on its entitled node, a batch to the other, and both alike afterwards. */
static void step_and_sync(struct fixture *f, struct node *n, enum acsa_step step,
                          const char *actor, uint32_t line, int64_t qty, int64_t amount,
                          enum acsa_state state)
{
    take(f, n, f->number, step, actor, line, qty, amount);
    struct node *other = n == &f->in ? &f->jp : &f->in;
    struct acsa_batch_result result = sync_nodes(f, n, other);
    assert_int_equal(result.applied, 1);
    assert_int_equal(result.duplicates, 0);
    expect_same_order(f, f->number, state);
    struct balances books;
    expect_mirrored(f, &books);
}

/* ---- Lifecycles --------------------------------------------------------------------------- */

static void test_node_keys(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 2; i++) {
        struct node *n = i == 0 ? &f->in : &f->jp;
        struct stat st;
        assert_int_equal(stat(acsa_app_node_key_path(n->app), &st), 0);
        assert_int_equal(st.st_mode & 0777, 0600);
        assert_int_equal(st.st_size, 64);
        uint8_t pk[32];
        assert_int_equal(crypto_sign_ed25519_sk_to_pk(pk, n->sk), 0);
        assert_memory_equal(pk, n->pk, 32);
        uint8_t parsed[32];
        assert_true(acsa_node_key_parse(n->key, parsed));
        assert_memory_equal(parsed, n->pk, 32);
        assert_int_equal(acsa_app_node_keygen(n->app, &f->err), ACSA_EEXISTS);
    }
    assert_memory_not_equal(f->in.pk, f->jp.pk, 32);
    assert_int_equal(acsa_app_init(f->in.path, "IN", "again", &f->err), ACSA_EEXISTS);
    /* The peers hold each other's keys. */
    assert_memory_equal(peer_of(f, &f->jp, "IN").key, f->in.pk, 32);
    assert_memory_equal(peer_of(f, &f->in, "JP").key, f->jp.pk, 32);
    /* A peer must be a party of a loaded agreement and not this node. */
    assert_int_equal(acsa_app_peer_add(f->in.app, "FR", "", f->jp.key, &f->err),
                     ACSA_EREFUSED);
    assert_int_equal(acsa_app_peer_add(f->in.app, "IN", "", f->jp.key, &f->err), ACSA_EUSAGE);
    assert_int_equal(acsa_app_peer_add(f->in.app, "JP", "", "abc", &f->err), ACSA_EUSAGE);
}

/* The batch an export writes is laid out and signed as documented. */
static void test_batch_layout(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    size_t len = 0;
    struct acsa_batch_info info;
    uint8_t *buf = export_batch(f, &f->in, &f->jp, 0, 0, &len, &info);
    assert_memory_equal(buf, "ACSABAT1", 8);
    assert_memory_equal(buf + 8, "\0\2IN\0\2JP", 8);
    assert_string_equal(info.sender, "IN");
    assert_string_equal(info.receiver, "JP");
    assert_int_equal(info.after, 0);
    /* The grant to IN's official, two units, the activity and the create: IN's records
     * 1..5. */
    assert_int_equal(info.count, 5);
    assert_int_equal(info.through, 5);
    assert_int_equal(info.created_s, NOW);
    assert_int_equal(info.size, len);
    assert_int_equal(be_get(buf + 16, 8), 0);
    assert_int_equal(be_get(buf + 24, 8), 5);
    assert_int_equal(be_get(buf + 40, 8), NOW);
    assert_int_equal(be_get(buf + 48, 4), 5);
    struct acsa_batch_info peeked;
    CHECK(f, acsa_batch_peek(buf, len, &peeked, &f->err));
    assert_int_equal(peeked.through, info.through);
    assert_int_equal(peeked.count, info.count);
    uint8_t digest[32];
    digest_of(buf, len, digest);
    assert_int_equal(crypto_sign_verify_detached(buf + len - SIG, digest, 32, f->in.pk), 0);
    assert_int_not_equal(crypto_sign_verify_detached(buf + len - SIG, digest, 32, f->jp.pk), 0);
    const uint8_t *bodies[BATCH_RECORDS];
    size_t lens[BATCH_RECORDS];
    uint32_t count = split_batch(buf, len, bodies, lens);
    static const enum acsa_record_kind kinds[] = {ACSA_RECORD_GRANT, ACSA_RECORD_UNIT,
                                                  ACSA_RECORD_UNIT, ACSA_RECORD_ACTIVITY,
                                                  ACSA_RECORD_STEP};
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    for (uint32_t i = 0; i < count; i++) {
        CHECK(f, acsa_record_decode(bodies[i], lens[i], r, &f->err));
        assert_string_equal(r->origin, "IN");
        assert_int_equal(r->seq, i + 1);
        assert_int_equal(r->kind, kinds[i]);
        assert_int_equal(r->manual, 0);
    }
    assert_string_equal(r->number, f->number);
    assert_int_equal(r->command.step, ACSA_STEP_CREATE);
    assert_string_equal(r->activity.origin, "IN");
    assert_int_equal(r->activity.id, f->jimex);
    assert_int_equal(r->supplier_unit.id, f->jmsdf);
    /* The chain head of the order is the hash of its create record. */
    uint8_t hash[32];
    uint8_t head[32];
    crypto_hash_sha256(hash, bodies[4], lens[4]);
    CHECK(f, store_of(&f->in)->vtbl->sync->chain_head(store_of(&f->in), f->number, head, &f->err));
    assert_memory_equal(head, hash, 32);
    free(r);
    free(buf);
    /* A batch of at most two records stops at the second; nothing after IN's last is sent. */
    buf = export_batch(f, &f->in, &f->jp, 0, 2, &len, &info);
    assert_int_equal(info.count, 2);
    assert_int_equal(info.through, 2);
    free(buf);
    buf = export_batch(f, &f->in, &f->jp, 5, 0, &len, &info);
    assert_int_equal(info.count, 0);
    assert_int_equal(info.through, 5);
    assert_int_equal(len, HEADER + SIG);
    free(buf);
    /* No batch for a party without a node. */
    assert_int_equal(acsa_app_batch_export(f->jp.app, "FR", 0, 0, NOW, &buf, &len, &info,
                                           &f->err),
                     ACSA_ENOTFOUND);
    assert_null(buf);
}

/* Takes cmd on node n, sends the record to the other node and expects the same order there. */
static void settle_and_sync(struct fixture *f, struct node *n, struct acsa_command cmd,
                            enum acsa_state state)
{
    cmd.rate_day = cmd.rate.units > 0 ? cmd.rate_day : ACSA_DATE_NONE;
    enum acsa_rc rc = acsa_app_order_step(n->app, f->number, &cmd, NULL, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("%s on %s: %s", acsa_step_name(cmd.step), n->nation, f->err.message);
    }
    struct node *other = n == &f->in ? &f->jp : &f->in;
    struct acsa_batch_result result = sync_nodes(f, n, other);
    assert_int_equal(result.applied, 1);
    expect_same_order(f, f->number, state);
    struct balances books;
    expect_mirrored(f, &books);
}

/* Partial invoices numbered by the supplier's node, payments oldest first and by a named
 * invoice, and a payment in INR of a JPY order at a stated rate: the partner node takes each
 * in and holds the same invoices, amounts and state. */
static void test_settlement_two_nodes(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 10000, 0, ACSA_STATE_DELIVERING);
    struct acsa_command inv = command(ACSA_STEP_INVOICE, "Capt Sato", "2024-06-12");
    inv.line_no = 1;
    inv.quantity_milli = 6000;
    settle_and_sync(f, &f->jp, inv, ACSA_STATE_DELIVERING);
    inv.quantity_milli = 4000;
    inv.day = day_of("2024-06-13");
    settle_and_sync(f, &f->jp, inv, ACSA_STATE_DELIVERING);
    assert_int_equal(f->a->invoice_count, 2);
    assert_string_equal(f->a->invoices[0].number, "JP-INV-2024-000001");
    assert_string_equal(f->a->invoices[1].number, "JP-INV-2024-000002");
    assert_int_equal(f->a->invoices[1].due_day, day_of("2024-07-13"));
    struct acsa_command pay = command(ACSA_STEP_PAY, "Lt Finance", "2024-06-14");
    pay.amount_minor = 1000;
    snprintf(pay.currency, sizeof(pay.currency), "JPY");
    settle_and_sync(f, &f->in, pay, ACSA_STATE_DELIVERING);
    pay.amount_minor = 4000;
    snprintf(pay.invoice, sizeof(pay.invoice), "JP-INV-2024-000002");
    settle_and_sync(f, &f->in, pay, ACSA_STATE_DELIVERING);
    assert_int_equal(f->b->invoices[0].paid_minor, 1000);
    assert_int_equal(f->b->invoices[1].paid_minor, 4000);
    assert_int_equal(f->b->due_day, day_of("2024-07-12"));
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0, ACSA_STATE_DELIVERED);
    inv = command(ACSA_STEP_INVOICE, "Capt Sato", "2024-06-14");
    settle_and_sync(f, &f->jp, inv, ACSA_STATE_INVOICED);
    /* 8,450.70 INR at 1 INR = 1.7750 JPY is 14,999.99 JPY: 15,000 JPY, half to even. */
    pay = command(ACSA_STEP_PAY, "Lt Finance", "2024-06-15");
    pay.amount_minor = 845070;
    snprintf(pay.currency, sizeof(pay.currency), "INR");
    pay.rate = (struct acsa_rate){17750, 4};
    pay.rate_day = day_of("2024-06-14");
    snprintf(pay.rate_source, sizeof(pay.rate_source), "RBI reference rate");
    settle_and_sync(f, &f->in, pay, ACSA_STATE_SETTLED);
    assert_int_equal(f->b->paid_minor, 20000);
    assert_int_equal(f->b->invoices[2].paid_minor, 10000);
    assert_int_equal(f->b->due_day, ACSA_DATE_NONE);
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 0);
    quarantine_of(f, &f->in, &q);
    assert_int_equal(q.count, 0);
}

static void test_cash_lifecycle(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    assert_string_equal(f->number, "IN-JP-2024-000001");
    struct acsa_batch_result first = sync_nodes(f, &f->in, &f->jp);
    assert_int_equal(first.applied, 4);
    expect_same_order(f, f->number, ACSA_STATE_DRAFT);
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 6000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 6000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0, ACSA_STATE_DELIVERED);
    struct balances books;
    expect_mirrored(f, &books);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_RECEIVED], 20000);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_CASH], -20000);
    step_and_sync(f, &f->jp, ACSA_STEP_INVOICE, "Capt Sato", 0, 0, 0, ACSA_STATE_INVOICED);
    assert_int_equal(f->b->due_day, day_of("2024-07-12"));
    step_and_sync(f, &f->in, ACSA_STEP_PAY, "Lt Finance", 0, 0, 5000, ACSA_STATE_INVOICED);
    step_and_sync(f, &f->in, ACSA_STEP_PAY, "Lt Finance", 0, 0, 15000, ACSA_STATE_SETTLED);
    step_and_sync(f, &f->jp, ACSA_STEP_CLOSE, "Capt Sato", 0, 0, 0, ACSA_STATE_CLOSED);
    expect_mirrored(f, &books);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_RECEIVED], 20000);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_CASH], 0);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_CASH], -20000);
    assert_int_equal(f->a->paid_minor, 20000);
    assert_int_equal(f->b->paid_minor, 20000);
    /* Each node sent only its own records: IN 5 + 7, JP 1 + 6. */
    assert_int_equal(last_seq(f, &f->in, "IN"), 12);
    assert_int_equal(last_seq(f, &f->in, "JP"), 7);
    assert_int_equal(last_seq(f, &f->jp, "JP"), 7);
    assert_int_equal(last_seq(f, &f->jp, "IN"), 12);
    assert_int_equal(peer_of(f, &f->jp, "IN").received_through, 12);
    assert_int_equal(peer_of(f, &f->in, "JP").received_through, 7);
    /* The acknowledgement a batch carries: what its sender held of the receiver's records
     * (IN's last batch left before JP closed). */
    assert_int_equal(peer_of(f, &f->jp, "IN").acked_through, 6);
    assert_int_equal(peer_of(f, &f->in, "JP").acked_through, 12);
    /* Nothing was refused on the way. */
    struct qlist q;
    quarantine_of(f, &f->in, &q);
    assert_int_equal(q.count, 0);
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 0);
    /* A batch with nothing new changes nothing. */
    struct acsa_batch_result empty = sync_nodes(f, &f->in, &f->jp);
    assert_int_equal(empty.applied, 0);
    assert_int_equal(peer_of(f, &f->jp, "IN").acked_through, 7);
    expect_same_order(f, f->number, ACSA_STATE_CLOSED);
}

/* Defect 15: India pays in full while Japan, apart, raises a dispute on the same order. After
 * sync both ways (in either order) both nodes hold the same order (disputed, paid in full),
 * the same chain head and mirrored books, nothing quarantined; a later Indian step goes
 * through. */
static void run_defect15(struct fixture *f, bool india_first)
{
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0, ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->jp, ACSA_STEP_INVOICE, "Capt Sato", 0, 0, 0, ACSA_STATE_INVOICED);
    /* Apart: India pays, Japan disputes. */
    take(f, &f->in, f->number, ACSA_STEP_PAY, "Lt Finance", 0, 0, 20000);
    take(f, &f->jp, f->number, ACSA_STEP_DISPUTE, "Capt Sato", 0, 0, 0);
    if (india_first) {
        assert_int_equal(sync_nodes(f, &f->in, &f->jp).applied, 1);
        assert_int_equal(sync_nodes(f, &f->jp, &f->in).applied, 1);
    } else {
        assert_int_equal(sync_nodes(f, &f->jp, &f->in).applied, 1);
        assert_int_equal(sync_nodes(f, &f->in, &f->jp).applied, 1);
    }
    expect_same_order(f, f->number, ACSA_STATE_DISPUTED);
    assert_int_equal(f->a->paid_minor, 20000);
    assert_int_equal(f->a->state_before_dispute, ACSA_STATE_SETTLED);
    assert_int_equal(f->b->state_before_dispute, ACSA_STATE_SETTLED);
    struct balances books;
    expect_mirrored(f, &books);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_CASH], 0);
    struct qlist q;
    quarantine_of(f, &f->in, &q);
    assert_int_equal(q.count, 0);
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 0);
    /* A later Indian step links to what India holds and is taken in by Japan. */
    step_and_sync(f, &f->in, ACSA_STEP_DISPUTE, "Lt Iyer", 0, 0, 0, ACSA_STATE_DISPUTED);
}

/* ---- Conflicting concurrent steps ------------------------------------------------------- */

/* A pair of steps that do not commute, taken apart from the same state (India a, Japan b),
 * and the state both nodes must end in whichever record arrives first. */
struct conflict_case {
    const char *name;
    enum acsa_state from;
    enum acsa_step a;
    const char *a_actor;
    enum acsa_step b;
    const char *b_actor;
    enum acsa_state ends;
};

static const struct conflict_case CONFLICTS[] = {
    /* Goods or an acceptance stand over a cancel: the cancel is void on both nodes. */
    {"cancel and accept", ACSA_STATE_APPROVED, ACSA_STEP_CANCEL, "Lt Iyer", ACSA_STEP_ACCEPT,
     "Capt Sato", ACSA_STATE_ACCEPTED},
    {"cancel and issue", ACSA_STATE_ACCEPTED, ACSA_STEP_CANCEL, "Lt Iyer", ACSA_STEP_ISSUE,
     "PO Tanaka", ACSA_STATE_DELIVERING},
    /* A dispute stands over a cancel or a close. */
    {"cancel and dispute", ACSA_STATE_ACCEPTED, ACSA_STEP_CANCEL, "Lt Iyer", ACSA_STEP_DISPUTE,
     "Capt Sato", ACSA_STATE_DISPUTED},
    {"close and dispute", ACSA_STATE_SETTLED, ACSA_STEP_CLOSE, "Lt Iyer", ACSA_STEP_DISPUTE,
     "Capt Sato", ACSA_STATE_DISPUTED},
    /* Two that can both be voided: the first in (day, nation, seq) stands, India's here. */
    {"cancel and reject", ACSA_STATE_APPROVED, ACSA_STEP_CANCEL, "Lt Iyer", ACSA_STEP_REJECT,
     "Capt Sato", ACSA_STATE_CANCELLED},
    {"close and close", ACSA_STATE_SETTLED, ACSA_STEP_CLOSE, "Lt Iyer", ACSA_STEP_CLOSE,
     "Capt Sato", ACSA_STATE_CLOSED},
    /* Japan's dispute against India's cancel on the same day, Japan's reject first in time. */
};

/* A new cash order walked on both nodes, in step, to state. */
static void walk_both(struct fixture *f, enum acsa_state state)
{
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    if (state == ACSA_STATE_APPROVED) {
        return;
    }
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    if (state == ACSA_STATE_ACCEPTED) {
        return;
    }
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0, ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->jp, ACSA_STEP_INVOICE, "Capt Sato", 0, 0, 0, ACSA_STATE_INVOICED);
    step_and_sync(f, &f->in, ACSA_STEP_PAY, "Lt Finance", 0, 0, 20000, ACSA_STATE_SETTLED);
    assert_int_equal(state, ACSA_STATE_SETTLED);
}

static uint32_t open_quarantine(struct fixture *f, struct node *n)
{
    struct qlist q;
    quarantine_of(f, n, &q);
    return (uint32_t)q.count;
}

/* Every conflicting pair, both orders of arrival: both nodes end in the same state with the
 * same facts, head and mirrored books, nothing left in quarantine, and the order goes on. */
static void test_conflicts_converge(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < sizeof(CONFLICTS) / sizeof(CONFLICTS[0]); i++) {
        const struct conflict_case *c = &CONFLICTS[i];
        for (int india_first = 1; india_first >= 0; india_first--) {
            print_message("# %s, %s first\n", c->name, india_first ? "India" : "Japan");
            walk_both(f, c->from);
            uint32_t line = c->b == ACSA_STEP_ISSUE ? 1 : 0;
            take(f, &f->in, f->number, c->a, c->a_actor, 0, 0, 0);
            take(f, &f->jp, f->number, c->b, c->b_actor, line, line != 0 ? 5000 : 0, 0);
            struct node *first = india_first ? &f->in : &f->jp;
            struct node *second = india_first ? &f->jp : &f->in;
            struct acsa_batch_result one = sync_nodes(f, first, second);
            struct acsa_batch_result two = sync_nodes(f, second, first);
            assert_int_equal(one.applied, 1);
            assert_int_equal(two.applied, 1);
            /* Each node decided the pair when the other's step arrived. */
            assert_int_equal(one.concurrent, 1);
            assert_int_equal(two.concurrent, 1);
            expect_same_order(f, f->number, c->ends);
            struct balances books;
            expect_mirrored(f, &books);
            assert_int_equal(open_quarantine(f, &f->in), 0);
            assert_int_equal(open_quarantine(f, &f->jp), 0);
            /* The void is said in the history of the node whose step lost. */
            /* The order goes on from the step that stood, on either node. */
            if (c->ends == ACSA_STATE_ACCEPTED) {
                step_and_sync(f, &f->in, ACSA_STEP_CANCEL, "Lt Iyer", 0, 0, 0,
                              ACSA_STATE_CANCELLED);
            } else if (c->ends == ACSA_STATE_DELIVERING) {
                step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 5000, 0,
                              ACSA_STATE_DELIVERING);
            } else if (c->ends == ACSA_STATE_DISPUTED) {
                step_and_sync(f, &f->in, ACSA_STEP_DISPUTE, "Lt Iyer", 0, 0, 0,
                              ACSA_STATE_DISPUTED);
            }
        }
    }
}

/* Two concurrent steps neither of which can be voided (India closes line 1 short while Japan
 * issues on it): neither node applies the other's, both hold the same conflict for a programme
 * officer, and the officer's retry applies the partner's step where the core allows it on top
 * of the node's own (Japan: the close-line after the issue) and keeps it held, saying why,
 * where it does not (India: no issue on a closed line). */
static void test_conflict_by_hand(void **state)
{
    struct fixture *f = *state;
    walk_both(f, ACSA_STATE_ACCEPTED);
    struct acsa_command close = command(ACSA_STEP_CLOSE_LINE, "Lt Iyer", "2024-06-10");
    close.line_no = 1;
    snprintf(close.reason, sizeof(close.reason), "no more fuel needed");
    CHECK(f, acsa_app_order_step(f->in.app, f->number, &close, NULL, &f->err));
    take(f, &f->jp, f->number, ACSA_STEP_ISSUE, "PO Tanaka", 1, 5000, 0);
    assert_int_equal(sync_counted(f, &f->in, &f->jp).quarantined, 1);
    assert_int_equal(sync_counted(f, &f->jp, &f->in).quarantined, 1);
    struct qlist q_in;
    struct qlist q_jp;
    quarantine_of(f, &f->in, &q_in);
    quarantine_of(f, &f->jp, &q_jp);
    assert_int_equal(q_in.count, 1);
    assert_int_equal(q_jp.count, 1);
    assert_non_null(strstr(q_in.rows[0].reason, "JP's issue of 2024-06-10"));
    assert_non_null(strstr(q_in.rows[0].reason, "neither can be voided"));
    assert_non_null(strstr(q_jp.rows[0].reason, "IN's close-line of 2024-06-10"));
    assert_non_null(strstr(q_jp.rows[0].reason, "neither can be voided"));
    /* Each node kept its own step. */
    get_order(f, &f->in, f->number, f->a);
    get_order(f, &f->jp, f->number, f->b);
    assert_true(f->a->lines[0].closed && f->a->lines[0].issued_milli == 0);
    assert_true(!f->b->lines[0].closed && f->b->lines[0].issued_milli == 5000);
    /* Japan's officer applies India's close-line on top of the issue. */
    CHECK(f, acsa_app_quarantine_resolve(f->jp.app, q_jp.rows[0].id, "retry", "PO Sharma",
                                         "India closed the line; the issue stands", 1, &f->err));
    get_order(f, &f->jp, f->number, f->b);
    assert_true(f->b->lines[0].closed && f->b->lines[0].issued_milli == 5000);
    /* India's node refuses an issue on a line closed here: the entry stays, saying why. */
    assert_int_equal(acsa_app_quarantine_resolve(f->in.app, q_in.rows[0].id, "retry",
                                                 "Cdr Rao", "take the issue", 1, &f->err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "closed"));
}

/* Defect 9: before Japan had a node, India entered Japan's order by hand; Japan's node then
 * raised its own first order. The manual order is numbered in its own series, so the two
 * never share a number: India takes Japan's order in, nothing is quarantined, and each number
 * names one order. */
static void test_defect9_numbers_never_collide(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "JP", "IN", f->jmsdf, f->navy);
    char manual[ACSA_NUMBER_SIZE];
    create_order(f, &f->in, &d, f->jimex, "1Lt Mori", manual);
    assert_string_equal(manual, "JP-IN-2024-M000001");
    assert_true(acsa_order_number_manual(manual));
    /* Japan's node, on its own reference data, raises its first order. */
    int64_t jmsdf = 0;
    int64_t navy = 0;
    int64_t jimex = 0;
    CHECK(f, acsa_app_unit_add(f->jp.app, "JP", "JMSDF", &jmsdf, &f->err));
    CHECK(f, acsa_app_unit_add(f->jp.app, "IN", "Indian Navy", &navy, &f->err));
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    snprintf(activity.agreement_id, sizeof(activity.agreement_id), "IN-JP-2020");
    snprintf(activity.name, sizeof(activity.name), "JIMEX 2024");
    snprintf(activity.type, sizeof(activity.type), "bilateral-training");
    snprintf(activity.place, sizeof(activity.place), "Arabian Sea");
    activity.from_day = day_of("2024-06-01");
    activity.to_day = day_of("2024-06-20");
    CHECK(f, acsa_app_activity_add(f->jp.app, &activity, &jimex, &f->err));
    d = draft_of(ACSA_METHOD_CASH, "JP", "IN", jmsdf, navy);
    create_order(f, &f->jp, &d, jimex, "1Lt Mori", f->number);
    assert_string_equal(f->number, "JP-IN-2024-000001");
    assert_false(acsa_order_number_manual(f->number));
    /* India registers Japan's node and takes its records in: none is refused. */
    link_to(f, &f->in, &f->jp);
    sync_nodes(f, &f->jp, &f->in);
    struct qlist q;
    quarantine_of(f, &f->in, &q);
    assert_int_equal(q.count, 0);
    get_order(f, &f->in, f->number, f->a);
    get_order(f, &f->jp, f->number, f->b);
    assert_true(acsa_order_fingerprint(f->a) == acsa_order_fingerprint(f->b));
    get_order(f, &f->in, manual, f->b);
    assert_string_equal(f->b->number, manual);
    assert_string_not_equal(f->a->number, f->b->number);
    /* India's next order for Japan is entered by Japan's node now: refused here. */
    char none[ACSA_NUMBER_SIZE];
    d = draft_of(ACSA_METHOD_CASH, "JP", "IN", f->jmsdf, f->navy);
    assert_int_equal(acsa_app_order_create(f->in.app, "IN-JP-2020", f->jimex, &d,
                                           day_of("2024-06-01"), "1Lt Mori", none, &f->err),
                     ACSA_EFORBIDDEN);
}

static void test_defect15_india_first(void **state)
{
    run_defect15(*state, true);
}

static void test_defect15_japan_first(void **state)
{
    run_defect15(*state, false);
}

/* In kind: returns accepted in part, the rest converted to cash by the creditor's node only,
 * then paid; a dispute raised by either side. */
static void test_rik_lifecycle(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_RIK, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0, ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->in, ACSA_STEP_RETURN, "Lt Iyer", 1, 2500, 0, ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT_RETURN, "Capt Sato", 1, 2500, 0,
                  ACSA_STATE_DELIVERED);
    struct balances books;
    expect_mirrored(f, &books);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_KIND], -17500);
    assert_int_equal(books.quantity[0][ACSA_ACCOUNT_PAYABLE_KIND], -11500);
    /* Past the deadline: the debtor's node converts nothing, the creditor's converts. */
    int32_t day = f->a->due_day + 1;
    uint32_t converted = 99;
    CHECK(f, acsa_app_convert_overdue(f->in.app, day, day, "system", NULL, NULL, &converted,
                                      &f->err));
    assert_int_equal(converted, 0);
    CHECK(f, acsa_app_convert_overdue(f->jp.app, day, day, "system", NULL, NULL, &converted,
                                      &f->err));
    assert_int_equal(converted, 1);
    assert_int_equal(sync_nodes(f, &f->jp, &f->in).applied, 1);
    expect_same_order(f, f->number, ACSA_STATE_INVOICED);
    assert_true(f->a->converted);
    assert_int_equal(f->a->cash_due_minor, 17500);
    expect_mirrored(f, &books);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_CASH], -17500);
    step_and_sync(f, &f->jp, ACSA_STEP_DISPUTE, "Capt Sato", 0, 0, 0, ACSA_STATE_DISPUTED);
    expect_mirrored(f, &books);
}

/* A way out taken on its entitled node with cmd, a batch to the other, both alike after. */
static void fix_and_sync(struct fixture *f, struct node *n, struct acsa_command cmd,
                         enum acsa_state state)
{
    if (cmd.reason[0] == '\0') {
        snprintf(cmd.reason, sizeof(cmd.reason), "%s: reason given", acsa_step_name(cmd.step));
    }
    enum acsa_rc rc = acsa_app_order_step(n->app, f->number, &cmd, NULL, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("%s on %s by %s: %s", acsa_step_name(cmd.step), n->nation, cmd.actor,
                 f->err.message);
    }
    struct node *other = n == &f->in ? &f->jp : &f->in;
    struct acsa_batch_result result = sync_nodes(f, n, other);
    assert_int_equal(result.applied, 1);
    expect_same_order(f, f->number, state);
    struct balances books;
    expect_mirrored(f, &books);
}

static struct acsa_command fix_command(enum acsa_step step, const char *actor, uint32_t line,
                                       int64_t qty)
{
    struct acsa_command cmd = command(step, actor, "2024-06-11");
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    return cmd;
}

/* The ways out of an order across two nodes: a draft amended by the requester's node, a
 * dispute raised by Japan and resolved by Japan's official (India's node may not), a receipt
 * corrected, a line closed short, a return refused in part; after each, both nodes hold the
 * same order and mirrored ledgers. */
static void test_ways_out_two_nodes(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_RIK, "IN", "JP", 0, 0);
    d.place[0] = '\0';
    d.need_by_day = ACSA_DATE_NONE;
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    struct acsa_amend changes;
    memset(&changes, 0, sizeof(changes));
    changes.set_requester_unit = changes.set_supplier_unit = true;
    changes.requester_unit_id = f->navy;
    changes.supplier_unit_id = f->jmsdf;
    changes.set_place = changes.set_need_by = true;
    snprintf(changes.place, sizeof(changes.place), "Yokosuka");
    changes.need_by_day = day_of("2024-06-12");
    struct acsa_command cmd = command(ACSA_STEP_AMEND, "Lt Iyer", "2024-06-02");
    CHECK(f, acsa_app_order_amend(f->in.app, f->number, &changes, &cmd, NULL, &f->err));
    assert_int_equal(sync_nodes(f, &f->in, &f->jp).applied, 1);
    expect_same_order(f, f->number, ACSA_STATE_DRAFT);
    assert_string_equal(f->b->place, "Yokosuka");
    assert_true(f->b->requester_unit_id != 0 && f->b->supplier_unit_id != 0);
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_DISPUTE, "Capt Sato", 0, 0, 0, ACSA_STATE_DISPUTED);
    assert_string_equal(f->a->disputed_by, "JP");
    /* India did not raise it: its node may not end it. */
    cmd = fix_command(ACSA_STEP_RESOLVE, "Cdr Rao", 0, 0);
    snprintf(cmd.reason, sizeof(cmd.reason), "settled by phone");
    assert_int_equal(acsa_app_order_step(f->in.app, f->number, &cmd, NULL, &f->err),
                     ACSA_EFORBIDDEN);
    fix_and_sync(f, &f->jp, fix_command(ACSA_STEP_RESOLVE, "Capt Sato", 0, 0),
                 ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 10000, 0, ACSA_STATE_DELIVERING);
    cmd = fix_command(ACSA_STEP_CORRECT, "CPO Das", 1, 9000);
    cmd.corrected_step = ACSA_STEP_RECEIVE;
    fix_and_sync(f, &f->in, cmd, ACSA_STATE_DELIVERING);
    assert_int_equal(f->b->lines[0].received_milli, 9000);
    fix_and_sync(f, &f->jp, fix_command(ACSA_STEP_CLOSE_LINE, "Capt Sato", 1, 0),
                 ACSA_STATE_DELIVERING);
    assert_true(f->b->lines[0].closed);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0, ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->in, ACSA_STEP_RETURN, "Lt Iyer", 1, 9000, 0, ACSA_STATE_DELIVERED);
    fix_and_sync(f, &f->jp, fix_command(ACSA_STEP_REJECT_RETURN, "Capt Sato", 1, 1000),
                 ACSA_STATE_DELIVERED);
    assert_int_equal(f->a->lines[0].returned_milli, 8000);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT_RETURN, "Capt Sato", 1, 8000, 0,
                  ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->in, ACSA_STEP_RETURN, "Lt Iyer", 1, 1000, 0, ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT_RETURN, "Capt Sato", 1, 1000, 0,
                  ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->in, ACSA_STEP_RETURN, "Lt Iyer", 2, 4000, 0, ACSA_STATE_DELIVERED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT_RETURN, "Capt Sato", 2, 4000, 0,
                  ACSA_STATE_SETTLED);
    struct balances books;
    expect_mirrored(f, &books);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_KIND], 0);
}

/* Equal-value exchange: two orders of opposite direction, each created by its requester's
 * node, matched on one node; the exchange record moves both orders on the other. */
static void test_exchange_two_nodes(void **state)
{
    struct fixture *f = *state;
    add_official(f, &f->in, "IN", "Cdr Menon");
    add_official(f, &f->jp, "JP", "Cdr Kato");
    char other[ACSA_NUMBER_SIZE];
    struct acsa_order_draft d = draft_of(ACSA_METHOD_EVE, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    /* JP's order cites the units and the activity as JP now knows them. */
    int64_t jp_navy = 0;
    int64_t jp_jmsdf = 0;
    int64_t jp_jimex = 0;
    struct acsa_store *s = store_of(&f->jp);
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_UNIT, "IN", f->navy, &jp_navy, &f->err));
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_UNIT, "IN", f->jmsdf, &jp_jmsdf, &f->err));
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_ACTIVITY, "IN", f->jimex, &jp_jimex, &f->err));
    struct acsa_order_draft e = draft_of(ACSA_METHOD_EVE, "JP", "IN", jp_jmsdf, jp_navy);
    e.line_count = 1;
    set_line(&e, 0, "water", 30000, 500);
    create_order(f, &f->jp, &e, jp_jimex, "1Lt Mori", other);
    assert_string_equal(other, "JP-IN-2024-000001");
    sync_nodes(f, &f->jp, &f->in);
    char number[ACSA_NUMBER_SIZE];
    memcpy(number, f->number, sizeof(number));
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 10000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 2, 4000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 2, 4000, 0, ACSA_STATE_DELIVERED);
    memcpy(f->number, other, sizeof(f->number));
    step_and_sync(f, &f->jp, ACSA_STEP_SUBMIT, "1Lt Mori", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->jp, ACSA_STEP_APPROVE, "Cdr Kato", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->in, ACSA_STEP_ACCEPT, "Cdr Menon", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->in, ACSA_STEP_ISSUE, "PO Nair", 1, 30000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->jp, ACSA_STEP_RECEIVE, "Sgt Ito", 1, 30000, 0, ACSA_STATE_DELIVERED);
    struct acsa_command cmd = command(ACSA_STEP_EXCHANGE, "Cdr Rao", "2024-06-20");
    CHECK(f, acsa_app_order_exchange(f->in.app, number, other, &cmd, &f->err));
    assert_int_equal(sync_nodes(f, &f->in, &f->jp).applied, 1);
    expect_same_order(f, number, ACSA_STATE_INVOICED);
    assert_int_equal(f->a->cash_due_minor, 5000);
    assert_string_equal(f->b->exchanged_with, other);
    expect_same_order(f, other, ACSA_STATE_SETTLED);
    struct balances books;
    expect_mirrored(f, &books);
    memcpy(f->number, number, sizeof(f->number));
    step_and_sync(f, &f->in, ACSA_STEP_PAY, "Lt Finance", 0, 0, 5000, ACSA_STATE_SETTLED);
    expect_mirrored(f, &books);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_CASH], 0);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_PAYABLE_KIND], 0);
    assert_int_equal(books.amount[0][ACSA_ACCOUNT_RECEIVABLE_KIND], 0);
}

/* An order of 64 lines with long descriptions is a valid order: it must be recorded, sent and
 * taken in like any other. */
static void test_largest_order(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    for (uint32_t i = 0; i < ACSA_ORDER_LINES_MAX; i++) {
        set_line(&d, i, "repair-maintenance", 1000, 100);
        memset(d.lines[i].description, 'a' + (char)(i % 26), 200);
        d.lines[i].description[200] = '\0';
        snprintf(d.lines[i].nsn, sizeof(d.lines[i].nsn), "2910-01-%03u-0000", i);
    }
    enum acsa_rc rc = acsa_app_order_create(f->in.app, "IN-JP-2020", f->jimex, &d,
                                            day_of("2024-06-01"), "Lt Iyer", f->number, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("a valid order of 64 lines with 200-character descriptions was refused: %s: %s",
                 acsa_rc_name(rc), f->err.message);
    }
    sync_nodes(f, &f->in, &f->jp);
    expect_same_order(f, f->number, ACSA_STATE_DRAFT);
    assert_int_equal(f->b->line_count, ACSA_ORDER_LINES_MAX);
}

/* A default batch of 2,000 large records once came to 64 MB, twice what the partner takes
 * (ACSA_BATCH_BYTES_MAX): the partner refused every batch and the exchange stalled for good.
 * Export now cuts a batch by bytes too, and the next batch goes on from where it stopped. */
static void test_batch_cut_by_bytes(void **state)
{
    struct fixture *f = *state;
    struct acsa_store *s = store_of(&f->in);
    int64_t first = last_seq(f, &f->in, "IN") + 1;
    enum { RECORDS = 1100, BODY = 32000 };
    uint8_t *body = acsa_malloc(BODY);
    assert_non_null(body);
    CHECK(f, acsa_app_begin(f->in.app, &f->err));
    for (int64_t i = 0; i < RECORDS; i++) {
        memset(body, (int)('a' + i % 26), BODY);
        memcpy(body, &i, sizeof(i));
        struct acsa_record_row row = {.seq = first + i, .body = body, .body_len = BODY};
        memcpy(row.origin, "IN", 3);
        memcpy(row.partner, "JP", 3);
        crypto_hash_sha256(row.hash, body, BODY);
        CHECK(f, s->vtbl->sync->record_append(s, &row, &f->err));
    }
    CHECK(f, acsa_app_commit(f->in.app, &f->err));
    acsa_free(body);
    int64_t after = first - 1;
    uint32_t total = 0;
    for (int part = 0; part < 2; part++) {
        uint8_t *batch = NULL;
        size_t len = 0;
        struct acsa_batch_info info;
        CHECK(f, acsa_app_batch_export(f->in.app, "JP", after, ACSA_BATCH_RECORDS_DEFAULT, 0,
                                       &batch, &len, &info, &f->err));
        assert_true(len <= ACSA_BATCH_BYTES_MAX);
        assert_true(info.count > 0 && info.count < RECORDS);
        assert_int_equal(info.through, after + info.count);
        struct acsa_batch_info peeked;
        CHECK(f, acsa_batch_peek(batch, len, &peeked, &f->err));
        assert_int_equal(peeked.count, info.count);
        acsa_free(batch);
        total += info.count;
        after = info.through;
    }
    assert_int_equal(total, RECORDS);
    assert_int_equal(after, first - 1 + RECORDS);
}

/* ---- Steps that belong to the partner ----------------------------------------------------- */

static void test_partner_step_forbidden(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    int64_t jp_seq = last_seq(f, &f->jp, "JP");
    /* IN's submit, entered on JP's node. */
    struct acsa_command cmd = command(ACSA_STEP_SUBMIT, "Lt Iyer", "2024-06-10");
    assert_int_equal(acsa_app_order_step(f->jp.app, f->number, &cmd, NULL, &f->err),
                     ACSA_EFORBIDDEN);
    assert_string_equal(f->err.field, "step");
    assert_non_null(strstr(f->err.message, "belongs to IN"));
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->state, ACSA_STATE_DRAFT);
    assert_int_equal(last_seq(f, &f->jp, "JP"), jp_seq);
    /* An order IN requests, raised on JP's node. */
    int64_t jp_navy = 0;
    int64_t jp_jmsdf = 0;
    int64_t jp_jimex = 0;
    struct acsa_store *s = store_of(&f->jp);
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_UNIT, "IN", f->navy, &jp_navy, &f->err));
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_UNIT, "IN", f->jmsdf, &jp_jmsdf, &f->err));
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_ACTIVITY, "IN", f->jimex, &jp_jimex, &f->err));
    struct acsa_order_draft e = draft_of(ACSA_METHOD_CASH, "IN", "JP", jp_navy, jp_jmsdf);
    char number[ACSA_NUMBER_SIZE];
    assert_int_equal(acsa_app_order_create(f->jp.app, "IN-JP-2020", jp_jimex, &e,
                                           day_of("2024-06-01"), "Lt Iyer", number, &f->err),
                     ACSA_EFORBIDDEN);
    assert_string_equal(number, "");
    assert_int_equal(acsa_app_order_get(f->jp.app, "IN-JP-2024-000002", NULL, NULL, &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(last_seq(f, &f->jp, "JP"), jp_seq);
    /* JP's accept, entered on IN's node. */
    take(f, &f->in, f->number, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    take(f, &f->in, f->number, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0);
    int64_t in_seq = last_seq(f, &f->in, "IN");
    add_official(f, &f->in, "JP", "Capt Sato");
    cmd = command(ACSA_STEP_ACCEPT, "Capt Sato", "2024-06-10");
    assert_int_equal(acsa_app_order_step(f->in.app, f->number, &cmd, NULL, &f->err),
                     ACSA_EFORBIDDEN);
    assert_non_null(strstr(f->err.message, "belongs to JP"));
    get_order(f, &f->in, f->number, f->a);
    assert_int_equal(f->a->state, ACSA_STATE_APPROVED);
    assert_int_equal(last_seq(f, &f->in, "IN"), in_seq);
    sync_nodes(f, &f->in, &f->jp);
    expect_same_order(f, f->number, ACSA_STATE_APPROVED);
    /* Steps of either party may be taken on either node. */
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->in, ACSA_STEP_DISPUTE, "Cdr Rao", 0, 0, 0, ACSA_STATE_DISPUTED);
}

/* ---- Batches refused whole ---------------------------------------------------------------- */

/* What JP holds, to show that a refused batch changed nothing. */
struct held {
    int64_t received_through;
    int64_t in_seq;
    uint64_t fingerprint;
    enum acsa_state state;
    size_t quarantined;
};

static void held_of(struct fixture *f, struct held *out)
{
    out->received_through = peer_of(f, &f->jp, "IN").received_through;
    out->in_seq = last_seq(f, &f->jp, "IN");
    get_order(f, &f->jp, f->number, f->b);
    out->fingerprint = acsa_order_fingerprint(f->b);
    out->state = f->b->state;
    struct qlist *q = calloc(1, sizeof(*q));
    assert_non_null(q);
    quarantine_of(f, &f->jp, q);
    out->quarantined = q->count;
    free(q);
}

static void expect_batch_refused(struct fixture *f, const uint8_t *buf, size_t len,
                                 enum acsa_rc rc, const char *field, const char *reason,
                                 const char *peer, const char *what)
{
    struct held before;
    struct held after;
    held_of(f, &before);
    struct acsa_batch_result result;
    memset(&result, 0xEE, sizeof(result));
    acsa_error_clear(&f->err);
    enum acsa_rc got = acsa_app_batch_import(f->jp.app, buf, len, "bundle", NOW + 5, &result,
                                             &f->err);
    if (got != rc) {
        fail_msg("%s: import gave %s (%s), expected %s", what, acsa_rc_name(got),
                 f->err.message, acsa_rc_name(rc));
    }
    if (field != NULL && strcmp(f->err.field, field) != 0) {
        fail_msg("%s: refusal names \"%s\", expected \"%s\"", what, f->err.field, field);
    }
    if (strstr(f->err.message, reason) == NULL) {
        fail_msg("%s: \"%s\" does not say \"%s\"", what, f->err.message, reason);
    }
    assert_int_equal(result.applied, 0);
    assert_int_equal(result.duplicates, 0);
    assert_int_equal(result.quarantined, 0);
    assert_int_equal(result.replay, rc == ACSA_ECONFLICT);
    held_of(f, &after);
    assert_int_equal(after.received_through, before.received_through);
    assert_int_equal(after.in_seq, before.in_seq);
    assert_true(after.fingerprint == before.fingerprint);
    assert_int_equal(after.state, before.state);
    assert_int_equal(after.quarantined, before.quarantined + 1);
    struct qlist *q = calloc(1, sizeof(*q));
    assert_non_null(q);
    quarantine_of(f, &f->jp, q);
    const struct qrow *row = &q->rows[0];
    assert_string_equal(row->what, "batch");
    assert_string_equal(row->via, "bundle");
    if (peer != NULL) {
        assert_string_equal(row->peer, peer);
    }
    assert_int_equal(row->at_s, NOW + 5);
    if (strstr(row->reason, reason) == NULL) {
        fail_msg("%s: quarantined as \"%s\", which does not say \"%s\"", what, row->reason,
                 reason);
    }
    assert_int_equal(row->body_len, len);
    assert_memory_equal(row->body, buf, len < sizeof(row->body) ? len : sizeof(row->body));
    free(q);
}

/* JP has taken in the create; IN has submitted since: returns IN's batch of the submit. */
static uint8_t *pending_batch(struct fixture *f, size_t *len)
{
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    take(f, &f->in, f->number, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    struct acsa_batch_info info;
    uint8_t *buf = export_batch(f, &f->in, &f->jp, 5, 0, len, &info);
    assert_int_equal(info.count, 1);
    return buf;
}

/* The batch applies once the refused copies are gone: they left nothing in the way. */
static void expect_batch_applies(struct fixture *f, const uint8_t *buf, size_t len)
{
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    assert_int_equal(result.applied, 1);
    expect_same_order(f, f->number, ACSA_STATE_SUBMITTED);
}

static void test_import_bad_signatures(void **state)
{
    struct fixture *f = *state;
    size_t len = 0;
    uint8_t *good = pending_batch(f, &len);
    uint8_t *bad = malloc(len + 1);
    assert_non_null(bad);
    /* Signed by another key. */
    uint8_t pk[32];
    uint8_t sk[64];
    crypto_sign_keypair(pk, sk);
    memcpy(bad, good, len);
    resign(bad, len, sk);
    expect_batch_refused(f, bad, len, ACSA_EFORBIDDEN, "signature", "does not verify", "IN",
                         "another key");
    /* JP's own key does not pass for IN's either. */
    memcpy(bad, good, len);
    resign(bad, len, f->jp.sk);
    expect_batch_refused(f, bad, len, ACSA_EFORBIDDEN, "signature", "does not verify", "IN",
                         "the receiver's key");
    /* One byte of the record altered, one of the header, one of the signature. */
    size_t at[] = {HEADER + 4 + 20, len - SIG - 1, 30, len - 1, len - SIG};
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        memcpy(bad, good, len);
        bad[at[i]] ^= 0x04;
        char what[64];
        snprintf(what, sizeof(what), "byte %zu altered", at[i]);
        expect_batch_refused(f, bad, len, ACSA_EFORBIDDEN, "signature", "does not verify",
                             "IN", what);
    }
    /* A record's bytes altered and re-signed by IN: a different record at that number is not
     * one already taken, it is a new step; here it decodes no more. */
    memcpy(bad, good, len);
    bad[HEADER + 4] = 9;
    resign(bad, len, f->in.sk);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, bad, len, "sync", NOW, &result, &f->err));
    assert_int_equal(result.quarantined, 1);
    assert_int_equal(result.applied, 0);
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_string_equal(q.rows[0].what, "record");
    assert_non_null(strstr(q.rows[0].reason, "record.version"));
    free(bad);
    free(good);
}

static void test_import_malformed(void **state)
{
    struct fixture *f = *state;
    size_t len = 0;
    uint8_t *good = pending_batch(f, &len);
    uint8_t *bad = calloc(1, len + 128);
    assert_non_null(bad);
    /* Cut short anywhere. */
    size_t cuts[] = {0, 7, 20, HEADER - 1, HEADER, HEADER + 3, HEADER + 4, HEADER + 40,
                     len - SIG - 1, len - SIG, len - 1};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "cut to %zu of %zu bytes", cuts[i], len);
        memcpy(bad, good, len);
        const char *reason = cuts[i] < HEADER ? "not an acsa batch" : "truncated";
        expect_batch_refused(f, bad, cuts[i], ACSA_EREFUSED, "batch", reason,
                             cuts[i] < HEADER ? "" : "IN", what);
    }
    /* Bytes after the signature. */
    memcpy(bad, good, len);
    bad[len] = 0;
    expect_batch_refused(f, bad, len + 1, ACSA_EREFUSED, "batch", "after the records", "IN",
                         "one byte after the signature");
    /* Not a batch. */
    memcpy(bad, good, len);
    bad[7] = '2';
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "not an acsa batch", "",
                         "wrong magic");
    /* A record length of zero, and one past the largest record. */
    memcpy(bad, good, len);
    be_put(bad + HEADER, 0, 4);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "has a length of 0", "IN",
                         "record of 0 bytes");
    memcpy(bad, good, len);
    be_put(bad + HEADER, ACSA_RECORD_MAX + 1, 4);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "has a length", "IN",
                         "record over the largest");
    /* More records announced than there are, and more than a batch may carry. */
    memcpy(bad, good, len);
    be_put(bad + 48, 2, 4);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "record 2 of 2", "IN",
                         "two records announced, one given");
    memcpy(bad, good, len);
    be_put(bad + 48, ACSA_BATCH_RECORDS_MAX + 1, 4);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "at most", "IN",
                         "10001 records announced");
    /* Nations that are not nations; a range that is not a range (signed by IN all the same). */
    memcpy(bad, good, len);
    bad[10] = 'i';
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "nations", NULL,
                         "sender \"iN\"");
    memcpy(bad, good, len);
    be_put(bad + 12, 3, 2);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "two-letter", "",
                         "receiver of three letters");
    memcpy(bad, good, len);
    be_put(bad + 24, 3, 8);
    resign(bad, len, f->in.sk);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "not a range", "IN",
                         "through before after");
    memcpy(bad, good, len);
    be_put(bad + 16, UINT64_MAX, 8);
    resign(bad, len, f->in.sk);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "not a range", "IN",
                         "after -1");
    expect_batch_applies(f, good, len);
    free(bad);
    free(good);
}

static void test_import_wrong_parties(void **state)
{
    struct fixture *f = *state;
    size_t len = 0;
    uint8_t *good = pending_batch(f, &len);
    uint8_t *bad = malloc(len);
    assert_non_null(bad);
    /* Addressed to another node, signed by IN. */
    memcpy(bad, good, len);
    memcpy(bad + 14, "FR", 2);
    resign(bad, len, f->in.sk);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "addressed to FR", "IN",
                         "wrong receiver");
    /* Addressed to IN itself. */
    memcpy(bad, good, len);
    memcpy(bad + 14, "IN", 2);
    resign(bad, len, f->in.sk);
    expect_batch_refused(f, bad, len, ACSA_EREFUSED, "batch", "addressed to IN", "IN",
                         "receiver is the sender");
    /* From a nation that has no node registered here. */
    memcpy(bad, good, len);
    memcpy(bad + 10, "KR", 2);
    resign(bad, len, f->in.sk);
    expect_batch_refused(f, bad, len, ACSA_EFORBIDDEN, "sender", "KR is not a partner", "KR",
                         "unknown sender");
    /* From JP to JP, signed with JP's key. */
    memcpy(bad, good, len);
    memcpy(bad + 10, "JP", 2);
    resign(bad, len, f->jp.sk);
    expect_batch_refused(f, bad, len, ACSA_EFORBIDDEN, "sender", "JP is not a partner", "JP",
                         "sender is the receiver");
    expect_batch_applies(f, good, len);
    free(bad);
    free(good);
}

static void test_import_gap_and_replay(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    size_t first_len = 0;
    struct acsa_batch_info info;
    uint8_t *first = export_batch(f, &f->in, &f->jp, 0, 0, &first_len, &info);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, first, first_len, "sync", NOW, &result,
                                   &f->err));
    assert_int_equal(result.applied, 4);
    take(f, &f->in, f->number, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    take(f, &f->in, f->number, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0);
    /* Records 7.. while JP holds IN's through 5: record 6 would be missing. */
    size_t len = 0;
    uint8_t *gap = export_batch(f, &f->in, &f->jp, 6, 0, &len, &info);
    assert_int_equal(info.count, 1);
    expect_batch_refused(f, gap, len, ACSA_EREFUSED, "batch", "gap", "IN", "gap");
    free(gap);
    /* The same batch again: taken in before, so a replay, and nothing applied twice. */
    expect_batch_refused(f, first, first_len, ACSA_ECONFLICT, "batch", "replayed", "IN",
                         "replay");
    /* A first part of it, also taken in before. */
    uint8_t *part = export_batch(f, &f->in, &f->jp, 0, 2, &len, &info);
    expect_batch_refused(f, part, len, ACSA_ECONFLICT, "batch", "replayed", "IN",
                         "replay of a part");
    free(part);
    /* Overlap: records 4..7, of which 4 and 5 are held: skipped, 6 and 7 applied. */
    uint8_t *overlap = export_batch(f, &f->in, &f->jp, 3, 0, &len, &info);
    assert_int_equal(info.count, 4);
    CHECK(f, acsa_app_batch_import(f->jp.app, overlap, len, "sync", NOW, &result, &f->err));
    assert_int_equal(result.duplicates, 2);
    assert_int_equal(result.applied, 2);
    assert_int_equal(result.quarantined, 0);
    assert_false(result.replay);
    expect_same_order(f, f->number, ACSA_STATE_APPROVED);
    assert_int_equal(peer_of(f, &f->jp, "IN").received_through, 7);
    /* The overlapping batch again is a replay in its turn. */
    expect_batch_refused(f, overlap, len, ACSA_ECONFLICT, "batch", "replayed", "IN",
                         "replay of the overlap");
    free(overlap);
    free(first);
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 4);
    /* Newest first. */
    assert_true(q.rows[0].id > q.rows[1].id && q.rows[1].id > q.rows[2].id);
    assert_non_null(strstr(q.rows[3].reason, "gap"));
    assert_int_equal(q.rows[3].seq, 7);
}

/* A partner node that changed its key: the old key signs nothing any more, the cursors start
 * again, records sent again are held already, and a record that differs from the one of that
 * number is refused. */
static void test_import_after_key_change(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    uint8_t pk[32];
    uint8_t sk[64];
    crypto_sign_keypair(pk, sk);
    char key[ACSA_KEY_TEXT_SIZE];
    acsa_node_key_text(pk, key);
    CHECK(f, acsa_app_peer_add(f->jp.app, "IN", "", key, &f->err));
    assert_int_equal(peer_of(f, &f->jp, "IN").received_through, 0);
    size_t len = 0;
    struct acsa_batch_info info;
    uint8_t *buf = export_batch(f, &f->in, &f->jp, 0, 0, &len, &info);
    expect_batch_refused(f, buf, len, ACSA_EFORBIDDEN, "signature", "does not verify", "IN",
                         "old key");
    resign(buf, len, sk);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    assert_int_equal(result.duplicates, 5);
    assert_int_equal(result.applied, 0);
    assert_int_equal(result.quarantined, 0);
    assert_int_equal(peer_of(f, &f->jp, "IN").received_through, 5);
    free(buf);
    /* Again a new key; now record 1 comes back as another unit. */
    crypto_sign_keypair(pk, sk);
    acsa_node_key_text(pk, key);
    CHECK(f, acsa_app_peer_add(f->jp.app, "IN", "", key, &f->err));
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    r->kind = ACSA_RECORD_UNIT;
    memcpy(r->origin, "IN", 3);
    r->seq = 1;
    r->ref_id = f->navy;
    memcpy(r->unit_party, "IN", 3);
    snprintf(r->unit_name, sizeof(r->unit_name), "Indian Coast Guard");
    uint8_t body[256];
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    const uint8_t *bodies[1] = {body};
    len = make_batch("IN", "JP", 0, 1, bodies, &body_len, 1, sk, &buf);
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    free(r);
    assert_int_equal(result.quarantined, 1);
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_non_null(strstr(q.rows[0].reason, "seq: IN/1 differs"));
    expect_same_order(f, f->number, ACSA_STATE_DRAFT);
}

/* A batch that overlaps what was taken in, in which a record already held comes back with
 * other bytes (re-signed by its sender): it is not the record held, so it may not pass as a
 * duplicate; it is refused as a record of that number that differs, like above the cursor. */
static void test_import_overlap_altered(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    take(f, &f->in, f->number, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    size_t len = 0;
    struct acsa_batch_info info;
    uint8_t *buf = export_batch(f, &f->in, &f->jp, 3, 0, &len, &info);
    assert_int_equal(info.count, 3);
    const uint8_t *bodies[BATCH_RECORDS];
    size_t lens[BATCH_RECORDS];
    split_batch(buf, len, bodies, lens);
    /* Record 4, the activity: the last letter of its place comes before its empty reason. */
    uint8_t *last = (uint8_t *)bodies[0] + lens[0] - 3;
    assert_int_equal(*last, 'a');
    *last = 'o';
    resign(buf, len, f->in.sk);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.applied, 1);
    assert_int_equal(result.duplicates, 1);
    assert_int_equal(result.quarantined, 1);
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 1);
    assert_int_equal(q.rows[0].seq, 4);
    assert_non_null(strstr(q.rows[0].reason, "differs"));
}

/* ---- Records refused one by one ----------------------------------------------------------- */

/* IN, without JP's node registered, enters JP's accept itself; later it registers JP's node
 * and sends everything: JP refuses the accept (IN may not sign it) and takes the rest. */
static void test_import_signer_not_entitled(void **state)
{
    struct fixture *f = *state;
    add_official(f, &f->in, "JP", "Capt Sato");
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    take(f, &f->in, f->number, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    take(f, &f->in, f->number, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0);
    take(f, &f->in, f->number, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0);
    get_order(f, &f->in, f->number, f->a);
    assert_int_equal(f->a->state, ACSA_STATE_ACCEPTED);
    link_to(f, &f->in, &f->jp);
    size_t len = 0;
    struct acsa_batch_info info;
    uint8_t *buf = export_batch(f, &f->in, &f->jp, 0, 0, &len, &info);
    assert_int_equal(info.count, 8);
    /* The accept is marked as entered on JP's behalf. */
    const uint8_t *bodies[BATCH_RECORDS];
    size_t lens[BATCH_RECORDS];
    split_batch(buf, len, bodies, lens);
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    CHECK(f, acsa_record_decode(bodies[7], lens[7], r, &f->err));
    assert_int_equal(r->command.step, ACSA_STEP_ACCEPT);
    assert_int_equal(r->manual, 1);
    CHECK(f, acsa_record_decode(bodies[6], lens[6], r, &f->err));
    assert_int_equal(r->manual, 0);
    free(r);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.applied, 7);
    assert_int_equal(result.quarantined, 1);
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->state, ACSA_STATE_APPROVED);
    assert_int_equal(last_seq(f, &f->jp, "IN"), 7);
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 1);
    assert_string_equal(q.rows[0].what, "record");
    assert_string_equal(q.rows[0].peer, "IN");
    assert_string_equal(q.rows[0].via, "sync");
    assert_int_equal(q.rows[0].seq, 8);
    assert_string_equal(q.rows[0].order_number, f->number);
    assert_non_null(strstr(q.rows[0].reason, "step: accept on IN-JP-2024-000001 belongs to JP, "
                                             "not to its signer IN"));
    assert_int_equal(q.rows[0].body_len, lens[7]);
    /* JP takes its own step; its record reaches IN, whose chain went another way. */
    take(f, &f->jp, f->number, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0);
    CHECK(f, acsa_app_batch_export(f->jp.app, "IN", 0, 0, NOW, &buf, &len, &info, &f->err));
    CHECK(f, acsa_app_batch_import(f->in.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.quarantined, 1);
    quarantine_of(f, &f->in, &q);
    assert_int_equal(q.count, 1);
    assert_string_equal(q.rows[0].peer, "JP");
    assert_int_equal(q.rows[0].seq, 2); /* JP's record 1, its grant, is taken in. */
}

/* Sends one record made up by the test, signed by IN, and expects it quarantined for field
 * with JP's order unchanged. */
static void expect_record_refused(struct fixture *f, const struct acsa_record *r,
                                  const char *reason, const char *number)
{
    uint8_t *body = malloc(ACSA_RECORD_MAX);
    assert_non_null(body);
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, ACSA_RECORD_MAX, &body_len, &f->err));
    struct held before;
    held_of(f, &before);
    const uint8_t *bodies[1] = {body};
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", before.received_through, r->seq, bodies, &body_len, 1,
                            f->in.sk, &buf);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    assert_int_equal(result.applied, 0);
    assert_int_equal(result.quarantined, 1);
    struct held after;
    held_of(f, &after);
    assert_int_equal(after.in_seq, before.in_seq);
    assert_true(after.fingerprint == before.fingerprint);
    assert_int_equal(after.quarantined, before.quarantined + 1);
    /* The batch itself was taken: the cursor moves past the refused record. */
    assert_int_equal(after.received_through, r->seq);
    struct qlist *q = calloc(1, sizeof(*q));
    assert_non_null(q);
    quarantine_of(f, &f->jp, q);
    assert_string_equal(q->rows[0].what, "record");
    assert_int_equal(q->rows[0].seq, r->seq);
    assert_string_equal(q->rows[0].order_number, number);
    if (strncmp(q->rows[0].reason, reason, strlen(reason)) != 0) {
        fail_msg("quarantined as \"%s\", expected \"%s...\"", q->rows[0].reason, reason);
    }
    assert_int_equal(q->rows[0].body_len, body_len);
    free(q);
    free(buf);
    free(body);
}

/* A step record of IN's on the order, chained to JP's head. */
static void next_record(struct fixture *f, struct acsa_record *r, enum acsa_step step,
                        const char *actor)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_STEP;
    memcpy(r->origin, "IN", 3);
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    snprintf(r->number, sizeof(r->number), "%s", f->number);
    CHECK(f, store_of(&f->jp)->vtbl->sync->chain_head(store_of(&f->jp), f->number, r->prev_hash,
                                                 &f->err));
    r->command = command(step, actor, "2024-06-10");
}

/* An agreement record of IN's for JP, numbered after what JP holds of IN. */
static void agreement_record(struct fixture *f, struct acsa_record *r, const char *id,
                             enum acsa_agreement_action action, const char *day)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_AGREEMENT;
    memcpy(r->origin, "IN", 3);
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    snprintf(r->life.agreement_id, sizeof(r->life.agreement_id), "%s", id);
    r->life.action = action;
    r->life.day = day_of(day);
    snprintf(r->life.actor, sizeof(r->life.actor), "cli:ops");
    if (action == ACSA_AGREEMENT_TERMINATE) {
        snprintf(r->life.reason, sizeof(r->life.reason), "superseded");
    }
    if (action == ACSA_AGREEMENT_AMEND) {
        size_t size = 0;
        char *text = read_source("agreements/india-japan-2020.json", &size);
        struct acsa_agreement *a = calloc(1, sizeof(*a));
        assert_non_null(a);
        CHECK(f, acsa_agreement_from_json(text, size, a, &f->err));
        snprintf(a->categories[a->category_count++], ACSA_CODE_SIZE, "salvage");
        char *json = NULL;
        CHECK(f, acsa_agreement_to_json(a, &json, &f->err));
        snprintf(r->life.document, sizeof(r->life.document), "%s", json);
        acsa_free(json);
        free(a);
        free(text);
    }
}

/* Sends r from IN to JP and expects it taken in (applied, or a fact held already). */
static void expect_record_applied(struct fixture *f, const struct acsa_record *r)
{
    uint8_t *body = malloc(ACSA_RECORD_MAX);
    assert_non_null(body);
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, ACSA_RECORD_MAX, &body_len, &f->err));
    const uint8_t *bodies[1] = {body};
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", r->seq - 1, r->seq, bodies, &body_len, 1, f->in.sk,
                            &buf);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    assert_int_equal(result.quarantined, 0);
    assert_int_equal(result.applied + result.duplicates, 1);
    /* The same batch again is a replay, refused whole; nothing applies twice. */
    assert_int_equal(acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err),
                     ACSA_ECONFLICT);
    free(buf);
    free(body);
}

/* Defect 5: the partner's amendment, notice and termination are judged by the rules of the
 * core on this node too; what they refuse is quarantined with the rule, nothing applied. */
static void test_defect5_agreement_records_quarantined(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    /* An agreement JP holds with France only: IN has no say in it. */
    size_t size = 0;
    char *text = read_source("agreements/india-france-2018.json", &size);
    char *at = NULL;
    while ((at = strstr(text, "\"IN\"")) != NULL || (at = strstr(text, "\"IN-")) != NULL) {
        memcpy(at + 1, "JP", 2);
    }
    char id[ACSA_ID_SIZE];
    CHECK(f, acsa_app_agreement_load(f->jp.app, text, strlen(text), id, &f->err));
    assert_string_equal(id, "JP-FR-2018");
    free(text);
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    agreement_record(f, r, "XX-YY-2000", ACSA_AGREEMENT_NOTICE, "2024-06-13");
    expect_record_refused(f, r, "agreement_id: XX-YY-2000 is not loaded here", "");
    agreement_record(f, r, "JP-FR-2018", ACSA_AGREEMENT_NOTICE, "2024-06-13");
    expect_record_refused(f, r, "origin: IN is not a party of agreement JP-FR-2018", "");
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_AMEND, "2019-01-01");
    expect_record_refused(f, r, "effective: must be after 2020-09-09", "");
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_AMEND, "2024-06-12");
    snprintf(r->life.document, sizeof(r->life.document), "{\"id\": \"IN-JP-2020\"}");
    expect_record_refused(f, r, "document: ", "");
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_TERMINATE, "2019-01-01");
    expect_record_refused(f, r, "date: must be on or after the day agreement IN-JP-2020 took "
                          "effect", "");
    /* The good ones apply; the same fact again (both nodes entered it) changes nothing. */
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_AMEND, "2024-06-12");
    expect_record_applied(f, r);
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_AMEND, "2024-06-12");
    expect_record_applied(f, r);
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_AMEND, "2024-06-11");
    expect_record_refused(f, r, "effective: must be after 2024-06-12", "");
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_NOTICE, "2024-06-13");
    expect_record_applied(f, r);
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_NOTICE, "2024-06-14");
    expect_record_refused(f, r, "date: notice of non-renewal of IN-JP-2020 was already given "
                          "on 2024-06-13", "");
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_TERMINATE, "2024-06-15");
    expect_record_applied(f, r);
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_TERMINATE, "2024-06-16");
    expect_record_refused(f, r, "date: agreement IN-JP-2020 is already terminated (from "
                          "2024-06-15)", "");
    agreement_record(f, r, "IN-JP-2020", ACSA_AGREEMENT_AMEND, "2024-07-01");
    expect_record_refused(f, r, "effective: agreement IN-JP-2020 is terminated", "");
    /* JP's node holds what IN sent: two versions, IN's notice and termination. */
    struct acsa_agreement_info *info = calloc(1, sizeof(*info));
    assert_non_null(info);
    CHECK(f, acsa_app_agreement_info(f->jp.app, "IN-JP-2020", day_of("2024-06-20"), info,
                                     &f->err));
    assert_int_equal(info->version_count, 2);
    assert_string_equal(info->entered_by[1], "IN");
    assert_string_equal(info->notice_by, "IN");
    assert_string_equal(info->terminated_by, "IN");
    assert_string_equal(info->status, "terminated");
    free(info);
    free(r);
}

static void test_import_refused_records(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    /* Illegal in the order's state: a payment on a draft. */
    next_record(f, r, ACSA_STEP_PAY, "Lt Finance");
    r->command.amount_minor = 100;
    snprintf(r->command.currency, sizeof(r->command.currency), "JPY");
    expect_record_refused(f, r, "state: cannot pay order IN-JP-2024-000001 in state draft",
                          f->number);
    /* Closing a draft: a step of either party, still refused by the state. */
    next_record(f, r, ACSA_STEP_CLOSE, "Cdr Rao");
    expect_record_refused(f, r, "state: cannot close", f->number);
    /* A step of JP's, signed by IN. */
    next_record(f, r, ACSA_STEP_INVOICE, "Capt Sato");
    snprintf(r->command.invoice, sizeof(r->command.invoice), "IN-INV-2024-000001");
    expect_record_refused(f, r, "step: invoice on IN-JP-2024-000001 belongs to JP", f->number);
    /* Chained to a record JP does not hold. */
    next_record(f, r, ACSA_STEP_SUBMIT, "Lt Iyer");
    r->prev_hash[0] ^= 1;
    expect_record_refused(f, r, "prev_hash:", f->number);
    /* On an order JP does not know. */
    next_record(f, r, ACSA_STEP_SUBMIT, "Lt Iyer");
    snprintf(r->number, sizeof(r->number), "IN-JP-2024-000099");
    expect_record_refused(f, r, "number: order IN-JP-2024-000099 is not known",
                          "IN-JP-2024-000099");
    /* Written by JP, in a batch IN signed. */
    next_record(f, r, ACSA_STEP_SUBMIT, "Lt Iyer");
    memcpy(r->origin, "JP", 3);
    expect_record_refused(f, r, "origin:", f->number);
    /* A create of an order between IN and JP raised again under a number JP holds. */
    next_record(f, r, ACSA_STEP_CREATE, "Lt Iyer");
    memset(r->prev_hash, 0, sizeof(r->prev_hash));
    snprintf(r->agreement_id, sizeof(r->agreement_id), "IN-JP-2020");
    r->draft = d;
    r->draft.requester_unit_id = 0;
    r->draft.supplier_unit_id = 0;
    memcpy(r->activity.origin, "IN", 3);
    r->activity.id = f->jimex;
    expect_record_refused(f, r, "number: order IN-JP-2024-000001 already exists", f->number);
    /* A create citing an activity JP never received. */
    snprintf(r->number, sizeof(r->number), "IN-JP-2024-000002");
    r->activity.id = 999;
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    expect_record_refused(f, r, "activity: activity IN/999 is not known", "IN-JP-2024-000002");
    /* A create whose supplier is not this node. */
    r->activity.id = f->jimex;
    memcpy(r->draft.supplier, "FR", 3);
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    expect_record_refused(f, r, "supplier:", "IN-JP-2024-000002");
    /* A create under a number IN would not give. */
    memcpy(r->draft.supplier, "JP", 3);
    snprintf(r->number, sizeof(r->number), "IN-JP-2023-000002");
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    expect_record_refused(f, r, "number: IN-JP-2023-000002 is not a number", "IN-JP-2023-000002");
    /* A record that does not decode. */
    next_record(f, r, ACSA_STEP_SUBMIT, "Lt Iyer");
    uint8_t body[ACSA_RECORD_MAX];
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    body[body_len++] = 0;
    const uint8_t *bodies[1] = {body};
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", r->seq - 1, r->seq, bodies, &body_len, 1, f->in.sk,
                            &buf);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.quarantined, 1);
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_non_null(strstr(q.rows[0].reason, "record.length"));
    /* Two records out of order in one batch: the first applies, the second goes backwards. */
    next_record(f, r, ACSA_STEP_SUBMIT, "Lt Iyer");
    uint8_t second[ACSA_RECORD_MAX];
    size_t second_len = 0;
    r->seq += 1;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    r->seq -= 1;
    CHECK(f, acsa_record_encode(r, second, sizeof(second), &second_len, &f->err));
    const uint8_t *pair[2] = {body, second};
    size_t pair_lens[2] = {body_len, second_len};
    len = make_batch("IN", "JP", r->seq - 1, r->seq + 1, pair, pair_lens, 2, f->in.sk, &buf);
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.applied, 1);
    assert_int_equal(result.quarantined, 1);
    quarantine_of(f, &f->jp, &q);
    assert_non_null(strstr(q.rows[0].reason, "not ascending"));
    assert_int_equal(q.rows[0].seq, r->seq);
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->state, ACSA_STATE_SUBMITTED);
    /* Approval by an official of whom IN sent no grant: judged by the limit its record
     * carries (above it, or none). */
    next_record(f, r, ACSA_STEP_APPROVE, "Cdr Menon");
    r->official_limit_minor = 19999;
    expect_record_refused(f, r, "by: order value 20000 JPY exceeds the approval limit",
                          f->number);
    next_record(f, r, ACSA_STEP_APPROVE, "Cdr Menon");
    expect_record_refused(f, r, "by: \"Cdr Menon\" is not an authorised official of IN",
                          f->number);
    /* After all that, a proper step still applies. */
    next_record(f, r, ACSA_STEP_APPROVE, "Cdr Rao");
    r->official_limit_minor = 20000;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    len = make_batch("IN", "JP", r->seq - 1, r->seq, bodies, &body_len, 1, f->in.sk, &buf);
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.applied, 1);
    assert_int_equal(result.quarantined, 0);
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->state, ACSA_STATE_APPROVED);
    free(r);
}

/* defect 12: authority is dated on both nodes. IN's grants reach JP as signed records, and JP
 * judges IN's approvals by them: an approval by an official whose grant ended the day before
 * is refused on IN and quarantined on JP, and so is one after a revocation. */
static void test_defect12_grant_ended_both_nodes(void **state)
{
    struct fixture *f = *state;
    struct acsa_grant g;
    memset(&g, 0, sizeof(g));
    snprintf(g.party, sizeof(g.party), "IN");
    snprintf(g.name, sizeof(g.name), "Cdr Iyer");
    snprintf(g.title, sizeof(g.title), "Commander, Fleet Logistics");
    snprintf(g.agreement_id, sizeof(g.agreement_id), "IN-JP-2020");
    snprintf(g.currency.code, sizeof(g.currency.code), "JPY");
    g.limit_minor = 100000000;
    g.from_day = day_of("2024-01-01");
    g.to_day = day_of("2024-06-09");
    g.revoked_day = ACSA_DATE_NONE;
    int64_t id = 0;
    CHECK(f, acsa_app_grant_add(f->in.app, &g, &id, &f->err));
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    /* Submitted on the 8th, so that an approval on the 9th is in date order. */
    struct acsa_command cmd = command(ACSA_STEP_SUBMIT, "Lt Iyer", "2024-06-08");
    CHECK(f, acsa_app_order_step(f->in.app, f->number, &cmd, NULL, &f->err));
    cmd = command(ACSA_STEP_APPROVE, "Cdr Iyer", "2024-06-10");
    assert_int_equal(acsa_app_order_step(f->in.app, f->number, &cmd, NULL, &f->err),
                     ACSA_EREFUSED);
    assert_string_equal(f->err.message, "by: Cdr Iyer holds no grant for IN-JP-2020 in JPY on "
                        "2024-06-10; the last ended 2024-06-09");
    uint32_t count = 0;
    CHECK(f, acsa_app_official_revoke(f->in.app, "IN", "Cdr Rao", day_of("2024-06-10"),
                                      "relieved of command", &count, &f->err));
    assert_int_equal(count, 1);
    sync_nodes(f, &f->in, &f->jp);
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    next_record(f, r, ACSA_STEP_APPROVE, "Cdr Iyer");
    r->official_limit_minor = 100000000;
    expect_record_refused(f, r, "by: Cdr Iyer holds no grant for IN-JP-2020 in JPY on "
                          "2024-06-10; the last ended 2024-06-09", f->number);
    next_record(f, r, ACSA_STEP_APPROVE, "Cdr Rao");
    r->official_limit_minor = 100000000;
    expect_record_refused(f, r, "by: Cdr Rao holds no grant for IN-JP-2020 in JPY on "
                          "2024-06-10; the last ended 2024-06-09 (revoked on 2024-06-10: "
                          "relieved of command)", f->number);
    /* The day before, both held their grants. */
    next_record(f, r, ACSA_STEP_APPROVE, "Cdr Iyer");
    r->command.day = day_of("2024-06-09");
    r->official_limit_minor = 100000000;
    uint8_t body[ACSA_RECORD_MAX];
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    const uint8_t *bodies[1] = {body};
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", r->seq - 1, r->seq, bodies, &body_len, 1, f->in.sk,
                            &buf);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.applied, 1);
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->state, ACSA_STATE_APPROVED);
    /* IN's node may not grant authority to an official of JP. */
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_GRANT;
    memcpy(r->origin, "IN", 3);
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    r->ref_id = 99;
    r->grant = g;
    snprintf(r->grant.party, sizeof(r->grant.party), "JP");
    expect_record_refused(f, r, "party: a grant to an official of JP is for JP's node to sign, "
                          "not IN's", "");
    free(r);
}

/* ---- Reference data ----------------------------------------------------------------------- */

struct unit_list {
    int64_t ids[16];
    char names[16][ACSA_NAME_SIZE];
    char parties[16][ACSA_NATION_SIZE];
    size_t count;
};

static enum acsa_rc collect_unit(void *ctx, int64_t id, const char *party, const char *name)
{
    struct unit_list *list = ctx;
    assert_true(list->count < 16);
    list->ids[list->count] = id;
    snprintf(list->names[list->count], ACSA_NAME_SIZE, "%s", name);
    snprintf(list->parties[list->count], ACSA_NATION_SIZE, "%s", party);
    list->count++;
    return ACSA_OK;
}

static void test_reference_data(void **state)
{
    struct fixture *f = *state;
    /* JP has its own JMSDF already; IN's JMSDF is bound to it, not added twice. */
    int64_t jp_jmsdf = 0;
    CHECK(f, acsa_app_unit_add(f->jp.app, "JP", "JMSDF", &jp_jmsdf, &f->err));
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    struct acsa_batch_result result = sync_nodes(f, &f->in, &f->jp);
    assert_int_equal(result.applied, 4);
    struct acsa_store *s = store_of(&f->jp);
    int64_t navy = 0;
    int64_t jmsdf = 0;
    int64_t jimex = 0;
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_UNIT, "IN", f->navy, &navy, &f->err));
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_UNIT, "IN", f->jmsdf, &jmsdf, &f->err));
    CHECK(f, s->vtbl->sync->ref_find(s, ACSA_REF_ACTIVITY, "IN", f->jimex, &jimex, &f->err));
    assert_int_equal(jmsdf, jp_jmsdf);
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    CHECK(f, s->vtbl->ledger->unit_get(s, navy, party, name, &f->err));
    assert_string_equal(party, "IN");
    assert_string_equal(name, "Indian Navy");
    struct unit_list units = {0};
    CHECK(f, s->vtbl->ledger->unit_list(s, collect_unit, &units, &f->err));
    assert_int_equal(units.count, 2);
    struct acsa_activity activity;
    CHECK(f, s->vtbl->ledger->activity_get(s, jimex, &activity, &f->err));
    assert_string_equal(activity.name, "JIMEX 2024");
    assert_string_equal(activity.type, "bilateral-training");
    assert_string_equal(activity.place, "Arabian Sea");
    assert_int_equal(activity.from_day, day_of("2024-06-01"));
    assert_int_equal(activity.to_day, day_of("2024-06-20"));
    char origin[ACSA_NATION_SIZE];
    int64_t origin_id = 0;
    CHECK(f, s->vtbl->sync->ref_origin(s, ACSA_REF_ACTIVITY, jimex, origin, &origin_id, &f->err));
    assert_string_equal(origin, "IN");
    assert_int_equal(origin_id, f->jimex);
    CHECK(f, s->vtbl->sync->ref_origin(s, ACSA_REF_UNIT, navy, origin, &origin_id, &f->err));
    assert_string_equal(origin, "IN");
    /* The order cites them by JP's own ids. */
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->activity_id, jimex);
    assert_int_equal(f->b->requester_unit_id, navy);
    assert_int_equal(f->b->supplier_unit_id, jp_jmsdf);
    expect_same_order(f, f->number, ACSA_STATE_DRAFT);
    /* The other way: JP's activity reaches IN, and an order of IN citing it reaches JP. */
    struct acsa_activity relief;
    memset(&relief, 0, sizeof(relief));
    snprintf(relief.agreement_id, sizeof(relief.agreement_id), "IN-JP-2020");
    snprintf(relief.name, sizeof(relief.name), "Noto relief 2024");
    snprintf(relief.type, sizeof(relief.type), "disaster-response");
    relief.from_day = day_of("2024-01-02");
    relief.to_day = day_of("2024-03-31");
    int64_t jp_relief = 0;
    CHECK(f, acsa_app_activity_add(f->jp.app, &relief, &jp_relief, &f->err));
    sync_nodes(f, &f->jp, &f->in);
    int64_t in_relief = 0;
    struct acsa_store *t = store_of(&f->in);
    CHECK(f, t->vtbl->sync->ref_find(t, ACSA_REF_ACTIVITY, "JP", jp_relief, &in_relief, &f->err));
    /* JP's unit JMSDF reached IN too, and is bound to IN's unit of that name. */
    int64_t in_jmsdf = 0;
    CHECK(f, t->vtbl->sync->ref_find(t, ACSA_REF_UNIT, "JP", jp_jmsdf, &in_jmsdf, &f->err));
    assert_int_equal(in_jmsdf, f->jmsdf);
    char second[ACSA_NUMBER_SIZE];
    struct acsa_order_draft e = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    e.recorded_day = day_of("2024-01-10");
    enum acsa_rc rc = acsa_app_order_create(f->in.app, "IN-JP-2020", in_relief, &e,
                                            day_of("2024-01-10"), "Lt Iyer", second, &f->err);
    if (rc != ACSA_OK) {
        fail_msg("create citing JP's activity: %s", f->err.message);
    }
    assert_int_equal(sync_nodes(f, &f->in, &f->jp).applied, 1);
    get_order(f, &f->jp, second, f->b);
    assert_int_equal(f->b->activity_id, jp_relief);
    assert_int_equal(f->b->supplier_unit_id, jp_jmsdf);
    assert_int_equal(f->b->requester_unit_id, navy);
    expect_same_order(f, second, ACSA_STATE_DRAFT);
    /* Nothing was added twice on either side. */
    memset(&units, 0, sizeof(units));
    CHECK(f, s->vtbl->ledger->unit_list(s, collect_unit, &units, &f->err));
    assert_int_equal(units.count, 2);
    memset(&units, 0, sizeof(units));
    CHECK(f, t->vtbl->ledger->unit_list(t, collect_unit, &units, &f->err));
    assert_int_equal(units.count, 2);
}

/* ---- Back-entered steps ------------------------------------------------------------------ */

struct last_event {
    struct acsa_event event;
};

static enum acsa_rc keep_last_event(void *ctx, const struct acsa_event_row *row)
{
    ((struct last_event *)ctx)->event = row->event;
    return ACSA_OK;
}

/* A step dated long before the day it is recorded reaches the partner with its mark: the same
 * recorded day and back-entry reason stand in both ledgers. */
static void test_back_entered_step_syncs_with_its_mark(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    struct acsa_command cmd = command(ACSA_STEP_SUBMIT, "Lt Iyer", "2024-06-10");
    cmd.recorded_day = day_of("2024-09-30");
    snprintf(cmd.backdate_reason, sizeof(cmd.backdate_reason), "found in the ship's log");
    CHECK(f, acsa_app_order_step(f->in.app, f->number, &cmd, NULL, &f->err));
    assert_int_equal(sync_nodes(f, &f->in, &f->jp).applied, 1);
    expect_same_order(f, f->number, ACSA_STATE_SUBMITTED);
    struct last_event in_last;
    struct last_event jp_last;
    memset(&in_last, 0, sizeof(in_last));
    memset(&jp_last, 0, sizeof(jp_last));
    struct acsa_store *s = store_of(&f->in);
    CHECK(f, s->vtbl->ledger->event_list(s, f->number, keep_last_event, &in_last, &f->err));
    struct acsa_store *t = store_of(&f->jp);
    CHECK(f, t->vtbl->ledger->event_list(t, f->number, keep_last_event, &jp_last, &f->err));
    assert_int_equal(jp_last.event.step, ACSA_STEP_SUBMIT);
    assert_string_equal(jp_last.event.backdate_reason, "found in the ship's log");
    assert_string_equal(in_last.event.backdate_reason, "found in the ship's log");
    assert_int_equal(jp_last.event.recorded_day, day_of("2024-09-30"));
    assert_int_equal(in_last.event.recorded_day, jp_last.event.recorded_day);
}

/* ---- The store functions of version 3 ----------------------------------------------------- */

static void test_store_peer_advance(void **state)
{
    struct fixture *f = *state;
    struct acsa_store *s = store_of(&f->jp);
    const struct acsa_store_vtbl *v = s->vtbl;
    assert_int_equal(v->version, ACSA_STORE_INTERFACE_VERSION);
    struct acsa_peer p = peer_of(f, &f->jp, "IN");
    /* The setup's first sync: IN's grant to its official. */
    assert_int_equal(p.received_through, 1);
    assert_int_equal(p.acked_through, 0);
    CHECK(f, v->begin_write(s, &f->err));
    CHECK(f, v->sync->peer_advance(s, "IN", 5, 3, 100, &f->err));
    CHECK(f, v->commit(s, &f->err));
    p = peer_of(f, &f->jp, "IN");
    assert_int_equal(p.received_through, 5);
    assert_int_equal(p.acked_through, 3);
    assert_int_equal(p.last_sync_s, 100);
    /* Lower values never move a cursor back; 0 leaves the time. */
    CHECK(f, acsa_app_peer_advance(f->jp.app, "IN", 2, 1, 0, &f->err));
    p = peer_of(f, &f->jp, "IN");
    assert_int_equal(p.received_through, 5);
    assert_int_equal(p.acked_through, 3);
    assert_int_equal(p.last_sync_s, 100);
    CHECK(f, acsa_app_peer_advance(f->jp.app, "IN", 7, 0, 0, &f->err));
    CHECK(f, acsa_app_peer_advance(f->jp.app, "IN", 0, 9, 200, &f->err));
    p = peer_of(f, &f->jp, "IN");
    assert_int_equal(p.received_through, 7);
    assert_int_equal(p.acked_through, 9);
    assert_int_equal(p.last_sync_s, 200);
    CHECK(f, acsa_app_peer_advance(f->jp.app, "IN", -4, INT64_MIN, 0, &f->err));
    p = peer_of(f, &f->jp, "IN");
    assert_int_equal(p.received_through, 7);
    assert_int_equal(p.acked_through, 9);
    assert_int_equal(acsa_app_peer_advance(f->jp.app, "KR", 1, 1, 1, &f->err), ACSA_ENOTFOUND);
    /* Registering the same key again keeps the cursors; a new key starts afresh. */
    CHECK(f, acsa_app_peer_add(f->jp.app, "IN", "https://in.example", f->in.key, &f->err));
    p = peer_of(f, &f->jp, "IN");
    assert_int_equal(p.received_through, 7);
    assert_string_equal(p.url, "https://in.example");
    CHECK(f, acsa_app_peer_add(f->jp.app, "IN", "", f->jp.key, &f->err));
    p = peer_of(f, &f->jp, "IN");
    assert_int_equal(p.received_through, 0);
    assert_int_equal(p.acked_through, 0);
    assert_memory_equal(p.key, f->jp.pk, 32);
}

struct row_list {
    int64_t seqs[16];
    char partners[16][ACSA_NATION_SIZE];
    uint8_t hashes[16][ACSA_HASH_SIZE];
    size_t lens[16];
    size_t count;
};

static enum acsa_rc collect_row(void *ctx, const struct acsa_record_row *row)
{
    struct row_list *list = ctx;
    assert_true(list->count < 16);
    list->seqs[list->count] = row->seq;
    snprintf(list->partners[list->count], ACSA_NATION_SIZE, "%s", row->partner);
    uint8_t hash[ACSA_HASH_SIZE];
    crypto_hash_sha256(hash, row->body, row->body_len);
    assert_memory_equal(hash, row->hash, ACSA_HASH_SIZE);
    memcpy(list->hashes[list->count], row->hash, ACSA_HASH_SIZE);
    list->lens[list->count] = row->body_len;
    list->count++;
    return ACSA_OK;
}

static struct acsa_record_row row_of(const char *origin, int64_t seq, const char *partner,
                                     const char *number, const char *other, uint8_t *body,
                                     size_t len)
{
    struct acsa_record_row row;
    memset(&row, 0, sizeof(row));
    snprintf(row.origin, sizeof(row.origin), "%s", origin);
    row.seq = seq;
    snprintf(row.partner, sizeof(row.partner), "%s", partner);
    snprintf(row.order_number, sizeof(row.order_number), "%s", number);
    snprintf(row.other_number, sizeof(row.other_number), "%s", other);
    for (size_t i = 0; i < len; i++) {
        body[i] = (uint8_t)(seq * 31 + (int64_t)i + origin[0]);
    }
    row.body = body;
    row.body_len = len;
    crypto_hash_sha256(row.hash, body, len);
    return row;
}

static void test_store_records(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    char second[ACSA_NUMBER_SIZE];
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", second);
    struct acsa_store *s = store_of(&f->in);
    const struct acsa_store_vtbl *v = s->vtbl;
    uint8_t head[ACSA_HASH_SIZE];
    uint8_t create_head[ACSA_HASH_SIZE];
    CHECK(f, v->sync->chain_head(s, f->number, create_head, &f->err));
    assert_int_equal(v->sync->chain_head(s, "IN-JP-2024-000404", head, &f->err), ACSA_ENOTFOUND);
    assert_true(f->err.field[0] != '\0');
    assert_int_equal(last_seq(f, &f->in, "IN"), 6);
    assert_int_equal(last_seq(f, &f->in, "KR"), 0);
    /* Appends: (origin, seq) is unique; the same seq of another origin is another record. */
    uint8_t b1[40];
    uint8_t b2[41];
    uint8_t b3[42];
    uint8_t b4[43];
    CHECK(f, v->begin_write(s, &f->err));
    struct acsa_record_row r1 = row_of("IN", 7, "JP", f->number, "", b1, sizeof(b1));
    CHECK(f, v->sync->record_append(s, &r1, &f->err));
    struct acsa_record_row again = row_of("IN", 7, "JP", second, "", b2, sizeof(b2));
    assert_int_equal(v->sync->record_append(s, &again, &f->err), ACSA_EEXISTS);
    assert_string_equal(f->err.field, "seq");
    struct acsa_record_row r2 = row_of("JP", 6, "", "", "", b2, sizeof(b2));
    CHECK(f, v->sync->record_append(s, &r2, &f->err));
    /* An exchange moves the heads of both of its orders. */
    struct acsa_record_row r3 = row_of("IN", 8, "FR", f->number, second, b3, sizeof(b3));
    CHECK(f, v->sync->record_append(s, &r3, &f->err));
    struct acsa_record_row r4 = row_of("IN", 10, "", "", "", b4, sizeof(b4));
    CHECK(f, v->sync->record_append(s, &r4, &f->err));
    CHECK(f, v->commit(s, &f->err));
    CHECK(f, v->sync->chain_head(s, f->number, head, &f->err));
    assert_memory_equal(head, r3.hash, ACSA_HASH_SIZE);
    CHECK(f, v->sync->chain_head(s, second, head, &f->err));
    assert_memory_equal(head, r3.hash, ACSA_HASH_SIZE);
    /* Every record of an order stays in its chain. */
    bool known = false;
    CHECK(f, v->sync->record_in_chain(s, f->number, create_head, &known, &f->err));
    assert_true(known);
    CHECK(f, v->sync->record_in_chain(s, f->number, r1.hash, &known, &f->err));
    assert_true(known);
    CHECK(f, v->sync->record_in_chain(s, second, r3.hash, &known, &f->err));
    assert_true(known);
    CHECK(f, v->sync->record_in_chain(s, second, r1.hash, &known, &f->err));
    assert_false(known);
    CHECK(f, v->sync->record_in_chain(s, f->number, r2.hash, &known, &f->err));
    assert_false(known);
    /* Read back without the body. */
    struct acsa_record_row got;
    CHECK(f, v->sync->record_get(s, "IN", 7, &got, &f->err));
    assert_memory_equal(got.hash, r1.hash, ACSA_HASH_SIZE);
    assert_string_equal(got.order_number, f->number);
    assert_string_equal(got.partner, "JP");
    assert_int_equal(got.batch_id, 0);
    assert_null(got.body);
    assert_int_equal(v->sync->record_get(s, "IN", 9, &got, &f->err), ACSA_ENOTFOUND);
    assert_int_equal(last_seq(f, &f->in, "IN"), 10);
    assert_int_equal(last_seq(f, &f->in, "JP"), 6);
    /* A scan for JP: IN's records for JP or for anyone, after a seq, by seq, within a limit. */
    struct row_list rows = {0};
    CHECK(f, v->sync->record_scan(s, "IN", "JP", 0, 0, collect_row, &rows, &f->err));
    assert_int_equal(rows.count, 8);
    static const int64_t expected[] = {1, 2, 3, 4, 5, 6, 7, 10};
    for (size_t i = 0; i < rows.count; i++) {
        assert_int_equal(rows.seqs[i], expected[i]);
    }
    assert_string_equal(rows.partners[0], "");
    assert_string_equal(rows.partners[5], "JP");
    assert_string_equal(rows.partners[6], "JP");
    assert_string_equal(rows.partners[7], "");
    assert_int_equal(rows.lens[7], sizeof(b4));
    memset(&rows, 0, sizeof(rows));
    CHECK(f, v->sync->record_scan(s, "IN", "JP", 4, 2, collect_row, &rows, &f->err));
    assert_int_equal(rows.count, 2);
    assert_int_equal(rows.seqs[0], 5);
    assert_int_equal(rows.seqs[1], 6);
    memset(&rows, 0, sizeof(rows));
    CHECK(f, v->sync->record_scan(s, "IN", "FR", 6, 0, collect_row, &rows, &f->err));
    assert_int_equal(rows.count, 2);
    assert_int_equal(rows.seqs[0], 8);
    assert_int_equal(rows.seqs[1], 10);
}

static void test_store_quarantine_order(void **state)
{
    struct fixture *f = *state;
    struct acsa_store *s = store_of(&f->jp);
    const struct acsa_store_vtbl *v = s->vtbl;
    struct qlist q;
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 0);
    static const char *const reasons[] = {"first", "second", "third", "fourth"};
    uint8_t body[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    CHECK(f, v->begin_write(s, &f->err));
    for (int i = 0; i < 4; i++) {
        struct acsa_quarantine_row row;
        memset(&row, 0, sizeof(row));
        /* Times out of order: the list goes by arrival, not by the time given. */
        row.at_s = NOW - i;
        snprintf(row.peer, sizeof(row.peer), "IN");
        snprintf(row.via, sizeof(row.via), i % 2 ? "bundle" : "sync");
        snprintf(row.what, sizeof(row.what), i == 3 ? "batch" : "record");
        row.seq = 10 + i;
        snprintf(row.order_number, sizeof(row.order_number), "IN-JP-2024-00000%d", i);
        snprintf(row.reason, sizeof(row.reason), "%s", reasons[i]);
        row.body = i == 2 ? NULL : body;
        row.body_len = i == 2 ? 0 : (size_t)(i + 1);
        CHECK(f, v->sync->quarantine_add(s, &row, &f->err));
    }
    CHECK(f, v->commit(s, &f->err));
    quarantine_of(f, &f->jp, &q);
    assert_int_equal(q.count, 4);
    for (int i = 0; i < 4; i++) {
        const struct qrow *row = &q.rows[3 - i];
        assert_string_equal(row->reason, reasons[i]);
        assert_int_equal(row->seq, 10 + i);
        assert_int_equal(row->at_s, NOW - i);
        assert_string_equal(row->via, i % 2 ? "bundle" : "sync");
        assert_string_equal(row->what, i == 3 ? "batch" : "record");
        assert_int_equal(row->body_len, i == 2 ? 0 : (size_t)(i + 1));
        assert_memory_equal(row->body, body, row->body_len);
    }
    assert_true(q.rows[0].id > q.rows[1].id);
    memset(&q, 0, sizeof(q));
    CHECK(f, acsa_app_quarantine_list(f->jp.app, 2, collect_quarantine, &q, &f->err));
    assert_int_equal(q.count, 2);
    assert_string_equal(q.rows[0].reason, "fourth");
    assert_string_equal(q.rows[1].reason, "third");
}


/* ---- Hostile records, validly signed (issue 8) ------------------------------------------- */

/* Every text of every quarantine row is one line of valid UTF-8 and renders as JSON: what
 * GET /api/quarantine and "acsa quarantine list --json" do with it. */
static enum acsa_rc expect_row_renders(void *ctx, const struct acsa_quarantine_row *row)
{
    size_t *count = ctx;
    const char *texts[] = {row->peer, row->via, row->what, row->order_number, row->reason};
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (!acsa_text_valid(texts[i], strlen(texts[i]), ACSA_TEXT_LINE, NULL)) {
            fail_msg("quarantine row %lld: text %zu is not one valid line", (long long)row->id,
                     i);
        }
    }
    json_t *json = acsa_quarantine_json(row);
    assert_non_null(json);
    json_decref(json);
    (*count)++;
    return ACSA_OK;
}

static void expect_quarantine_renders(struct fixture *f, struct node *n)
{
    size_t count = 0;
    CHECK(f, acsa_app_quarantine_list(n->app, 0, expect_row_renders, &count, &f->err));
    assert_true(count > 0);
}

/* A create of IN-JP-2024-000002 by IN, otherwise valid. */
static void hostile_create(struct fixture *f, struct acsa_record *r,
                           const struct acsa_order_draft *d)
{
    next_record(f, r, ACSA_STEP_CREATE, "Lt Iyer");
    memset(r->prev_hash, 0, sizeof(r->prev_hash));
    snprintf(r->number, sizeof(r->number), "IN-JP-2024-000002");
    snprintf(r->agreement_id, sizeof(r->agreement_id), "IN-JP-2020");
    r->draft = *d;
    r->draft.requester_unit_id = 0;
    r->draft.supplier_unit_id = 0;
    memcpy(r->activity.origin, "IN", 3);
    r->activity.id = f->jimex;
}

/* Defect 6 across nodes: a unit's service travels in its record, so an order of IN's for its
 * coast guard, which IN's node would refuse, is refused by JP's node too if it arrives. */
static void test_defect6_unit_service_synced_and_judged(void **state)
{
    struct fixture *f = *state;
    int64_t guard = 0;
    CHECK(f, acsa_app_unit_add_service(f->in.app, "IN", "Indian Coast Guard", "coast-guard",
                                       &guard, &f->err));
    sync_nodes(f, &f->in, &f->jp);
    int64_t bound = 0;
    struct acsa_store *jp = store_of(&f->jp);
    CHECK(f, jp->vtbl->sync->ref_find(jp, ACSA_REF_UNIT, "IN", guard, &bound, &f->err));
    char service[ACSA_CODE_SIZE];
    CHECK(f, jp->vtbl->ledger->unit_service_get(jp, bound, service, &f->err));
    assert_string_equal(service, "coast-guard");
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    hostile_create(f, r, &d);
    memcpy(r->requester_unit.origin, "IN", 3);
    r->requester_unit.id = guard;
    expect_record_refused(f, r, "requester_unit: unit \"Indian Coast Guard\" is of service "
                          "\"coast-guard\", not a participating service of IN",
                          "IN-JP-2024-000002");
    free(r);
}

/* A reference record of IN's: an activity (or, with name only, a unit). */
static void hostile_ref(struct fixture *f, struct acsa_record *r, enum acsa_record_kind kind,
                        const char *name)
{
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    memcpy(r->origin, "IN", 3);
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    r->ref_id = 777;
    memcpy(r->unit_party, "IN", 3);
    snprintf(r->unit_name, sizeof(r->unit_name), "%s", name);
    struct acsa_activity *a = &r->ref_activity;
    snprintf(a->agreement_id, sizeof(a->agreement_id), "IN-JP-2020");
    snprintf(a->name, sizeof(a->name), "%s", name);
    snprintf(a->type, sizeof(a->type), "bilateral-training");
    a->from_day = day_of("2024-06-01");
    a->to_day = day_of("2024-06-20");
}

/* Finding 2 (and the records half of 5): records signed by the partner's own key whose values
 * used to reach an assertion (SIGABRT), or whose texts could not be rendered, are quarantined
 * with a reason naming the field; nothing of them is applied and the node goes on syncing. */
static void test_finding2_hostile_records_quarantined(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    /* A submit naming line 16,777,215: chained and in state, it reached the store's assert. */
    next_record(f, r, ACSA_STEP_SUBMIT, "Lt Iyer");
    r->command.line_no = 16777215;
    expect_record_refused(f, r, "record.line: 16777215 is outside 0..0", f->number);
    /* A create dated INT32_MAX: its refusal formatted the date. */
    hostile_create(f, r, &d);
    r->command.day = INT32_MAX;
    expect_record_refused(f, r, "record.day: day 2147483647 is outside", "IN-JP-2024-000002");
    /* Invalid UTF-8 in a description, ESC in the place. */
    hostile_create(f, r, &d);
    snprintf(r->draft.lines[1].description, ACSA_TEXT_SIZE, "food \xff\xfe");
    expect_record_refused(f, r, "record.line.description: not valid UTF-8 at byte 6: "
                          "\"food \\xff\\xfe\"", "IN-JP-2024-000002");
    hostile_create(f, r, &d);
    snprintf(r->draft.place, ACSA_TEXT_SIZE, "Yokosuka\x1b]0;owned\x07");
    expect_record_refused(f, r, "record.place: control character U+001B at byte 9",
                          "IN-JP-2024-000002");
    /* An activity starting near INT32_MIN: storing it reached the date code's assert. */
    hostile_ref(f, r, ACSA_RECORD_ACTIVITY, "Hostile exercise");
    r->ref_activity.from_day = INT32_MIN + 1;
    expect_record_refused(f, r, "record.from: day -2147483647 is outside", "");
    /* A unit named in invalid UTF-8 with an escape sequence. */
    hostile_ref(f, r, ACSA_RECORD_UNIT, "JS \xff\x1b[2J");
    expect_record_refused(f, r, "record.name: not valid UTF-8 at byte 4: \"JS \\xff\\x1b[2J\"",
                          "");
    expect_quarantine_renders(f, &f->jp);
    /* Nothing of them was applied. */
    int64_t id = 0;
    assert_int_equal(store_of(&f->jp)->vtbl->sync->ref_find(store_of(&f->jp), ACSA_REF_UNIT, "IN",
                                                      777, &id, &f->err), ACSA_ENOTFOUND);
    assert_int_equal(acsa_app_order_get(f->jp.app, "IN-JP-2024-000002", NULL, NULL, &f->err),
                     ACSA_ENOTFOUND);
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->state, ACSA_STATE_DRAFT);
    /* JP keeps taking IN's records: a proper submit applies. */
    next_record(f, r, ACSA_STEP_SUBMIT, "Lt Iyer");
    uint8_t body[ACSA_RECORD_MAX];
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    const uint8_t *bodies[1] = {body};
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", r->seq - 1, r->seq, bodies, &body_len, 1, f->in.sk,
                            &buf);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    assert_int_equal(result.applied, 1);
    assert_int_equal(result.quarantined, 0);
    get_order(f, &f->jp, f->number, f->b);
    assert_int_equal(f->b->state, ACSA_STATE_SUBMITTED);
    free(r);
}

/* A document record of IN's on order number, line 1, naming bytes of sha256 and size. */
static void document_record(struct fixture *f, struct acsa_record *r, const char *id,
                            const char *number, const uint8_t *bytes, size_t len)
{
    memset(r, 0, sizeof(*r));
    r->kind = ACSA_RECORD_DOCUMENT;
    memcpy(r->origin, "IN", 3);
    r->seq = peer_of(f, &f->jp, "IN").received_through + 1;
    struct acsa_document_ref *d = &r->document;
    snprintf(d->id, sizeof(d->id), "%s", id);
    snprintf(d->number, sizeof(d->number), "%s", number);
    d->line = 1;
    d->kind = ACSA_DOCUMENT_FUEL_TICKET;
    crypto_hash_sha256(d->sha256, bytes, len);
    d->size = (int64_t)len;
    snprintf(d->content_type, sizeof(d->content_type), "image/png");
    snprintf(d->actor, sizeof(d->actor), "CPO Das");
    d->at_s = NOW;
}

/* Takes r in on JP as IN signed it; returns how many records applied. */
static uint32_t take_signed(struct fixture *f, const struct acsa_record *r)
{
    uint8_t body[ACSA_RECORD_MAX];
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    const uint8_t *bodies[1] = {body};
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", r->seq - 1, r->seq, bodies, &body_len, 1, f->in.sk,
                            &buf);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    free(buf);
    return result.applied;
}

/* Supporting documents as an attacker would send them: a record for an order or a line JP
 * does not hold, a size over the bound, an id of another node's series, a replay of an id
 * under a new number; bytes that do not hash to the record's SHA-256, bytes no record names,
 * bytes of another size than the record says. Each is refused with its reason, none aborts,
 * and the right bytes are then taken in once. */
static void test_documents_hostile(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    const uint8_t png[] = "\x89PNG\r\n\x1a\n a fuel ticket";
    size_t png_len = sizeof(png) - 1;
    document_record(f, r, "IN-DOC-2024-000001", "IN-JP-2024-000077", png, png_len);
    expect_record_refused(f, r, "number: order IN-JP-2024-000077 of document "
                          "IN-DOC-2024-000001 is not known here", "");
    document_record(f, r, "IN-DOC-2024-000001", f->number, png, png_len);
    r->document.line = 9;
    expect_record_refused(f, r, "line: order", "");
    document_record(f, r, "IN-DOC-2024-000001", f->number, png, png_len);
    r->document.size = (int64_t)ACSA_RECORD_DOCUMENT_BYTES_MAX + 1;
    expect_record_refused(f, r, "record.size: 20971521 is outside 1..20971520", "");
    document_record(f, r, "JP-DOC-2024-000001", f->number, png, png_len);
    expect_record_refused(f, r, "record.id: \"JP-DOC-2024-000001\" is not of the series IN-DOC-",
                          "");
    /* A proper one applies; its bytes are pending. */
    document_record(f, r, "IN-DOC-2024-000001", f->number, png, png_len);
    assert_int_equal(take_signed(f, r), 1);
    struct acsa_document_row row;
    uint8_t *bytes = NULL;
    size_t len = 0;
    assert_int_equal(acsa_app_document_get(f->jp.app, "IN-DOC-2024-000001", &row, &bytes, &len,
                                           &f->err), ACSA_ENOTFOUND);
    assert_non_null(strstr(f->err.message, "have not arrived from IN"));
    /* The same id again under a new record number: a replay. */
    document_record(f, r, "IN-DOC-2024-000001", f->number, png, png_len);
    expect_record_refused(f, r, "id: document IN-DOC-2024-000001 is held already", "");
    /* Bytes that do not hash to what was named. */
    bool fresh = false;
    uint8_t forged[sizeof(png)];
    memcpy(forged, png, sizeof(png));
    forged[10] ^= 1;
    assert_int_equal(acsa_app_document_bytes_take(f->jp.app, "IN", forged, png_len,
                                                  row.ref.sha256, &fresh, &f->err),
                     ACSA_EREFUSED);
    assert_string_equal(f->err.field, "sha256");
    /* Bytes that no record names. */
    assert_int_equal(acsa_app_document_bytes_take(f->jp.app, "IN", forged, png_len, NULL,
                                                  &fresh, &f->err), ACSA_EREFUSED);
    assert_non_null(strstr(f->err.message, "no document record of IN names"));
    /* Bytes the record names, from a node that did not sign it. */
    assert_int_equal(acsa_app_document_bytes_take(f->jp.app, "FR", png, png_len, NULL, &fresh,
                                                  &f->err), ACSA_EREFUSED);
    /* A record naming the right hash with another size: its bytes are refused. */
    const uint8_t pdf[] = "%PDF-1.7 a receipt";
    document_record(f, r, "IN-DOC-2024-000002", f->number, pdf, sizeof(pdf) - 1);
    r->document.size = 5;
    snprintf(r->document.content_type, sizeof(r->document.content_type), "application/pdf");
    assert_int_equal(take_signed(f, r), 1);
    assert_int_equal(acsa_app_document_bytes_take(f->jp.app, "IN", pdf, sizeof(pdf) - 1, NULL,
                                                  &fresh, &f->err), ACSA_EREFUSED);
    assert_string_equal(f->err.field, "size");
    /* The right bytes are taken in once; again they are a repeat. */
    CHECK(f, acsa_app_document_bytes_take(f->jp.app, "IN", png, png_len, row.ref.sha256,
                                          &fresh, &f->err));
    assert_true(fresh);
    CHECK(f, acsa_app_document_bytes_take(f->jp.app, "IN", png, png_len, NULL, &fresh,
                                          &f->err));
    assert_false(fresh);
    CHECK(f, acsa_app_document_get(f->jp.app, "IN-DOC-2024-000001", &row, &bytes, &len,
                                   &f->err));
    assert_int_equal(len, png_len);
    assert_memory_equal(bytes, png, png_len);
    acsa_free(bytes);
    free(r);
}

/* Finding 2, the node's own side: a line number given with a step that takes none (through the
 * application interface) is not the event's line, so the store's assert cannot see it, and the
 * record leaves without it: the partner takes it in. */
static void test_finding2_local_step_with_stray_line(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    struct acsa_command cmd = command(ACSA_STEP_SUBMIT, "Lt Iyer", "2024-06-10");
    cmd.line_no = 16777215;
    cmd.quantity_milli = 5;
    cmd.amount_minor = 9;
    struct acsa_event event;
    CHECK(f, acsa_app_order_step(f->in.app, f->number, &cmd, &event, &f->err));
    assert_int_equal(event.line_no, 0);
    assert_int_equal(event.quantity_milli, 0);
    sync_nodes(f, &f->in, &f->jp);
    expect_same_order(f, f->number, ACSA_STATE_SUBMITTED);
}

/* A fixed sequence of pseudo-random numbers (xorshift64), so that a failure replays. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* Changes one to three bytes of a record after its fixed head, often to the ends of the
 * integer ranges or to bytes the text rule refuses. */
static void mutate_record(uint8_t *b, size_t n, uint64_t *rng)
{
    static const uint64_t ends[] = {0x80000000u, 0x7fffffffu, 0x00ffffffu, 0xffffffffu, 0, 1,
                                    0x8000000000000000ull, 0x7fffffffffffffffull,
                                    0xffffffffffffffffull, 0x4000000000000000ull};
    unsigned k = 1 + (unsigned)(next_random(rng) % 3);
    for (unsigned j = 0; j < k; j++) {
        size_t pos = 15 + (size_t)(next_random(rng) % (n - 15));
        uint64_t how = next_random(rng) % 6;
        uint64_t end = ends[next_random(rng) % (sizeof(ends) / sizeof(ends[0]))];
        if (how == 0 && pos + 4 <= n) {
            be_put(b + pos, end, 4);
        } else if (how == 1 && pos + 8 <= n) {
            be_put(b + pos, end, 8);
        } else if (how == 2) {
            b[pos] = 0xff;
        } else if (how == 3) {
            b[pos] = 0x1b;
        } else {
            b[pos] = (uint8_t)next_random(rng);
        }
    }
}

/* Finding 2: the crude fuzzer that found it, as a regression test. Real records of IN (a
 * create, reference data, steps up to a delivery in progress, a second order in draft) are
 * mutated, renumbered and validly signed again; JP takes in or quarantines each, never
 * aborts, and goes on syncing. */
static void test_finding2_resigned_mutations_never_abort(void **state)
{
    struct fixture *f = *state;
    struct acsa_order_draft d = draft_of(ACSA_METHOD_CASH, "IN", "JP", f->navy, f->jmsdf);
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", f->number);
    sync_nodes(f, &f->in, &f->jp);
    step_and_sync(f, &f->in, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0, ACSA_STATE_SUBMITTED);
    step_and_sync(f, &f->in, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0, ACSA_STATE_APPROVED);
    step_and_sync(f, &f->jp, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0, ACSA_STATE_ACCEPTED);
    step_and_sync(f, &f->jp, ACSA_STEP_ISSUE, "PO Tanaka", 1, 6000, 0, ACSA_STATE_DELIVERING);
    step_and_sync(f, &f->in, ACSA_STEP_RECEIVE, "CPO Das", 1, 6000, 0, ACSA_STATE_DELIVERING);
    char other[ACSA_NUMBER_SIZE];
    create_order(f, &f->in, &d, f->jimex, "Lt Iyer", other);
    sync_nodes(f, &f->in, &f->jp);
    size_t all_len = 0;
    struct acsa_batch_info info;
    uint8_t *all = export_batch(f, &f->in, &f->jp, 0, 0, &all_len, &info);
    const uint8_t *bodies[BATCH_RECORDS];
    size_t lens[BATCH_RECORDS];
    uint32_t count = split_batch(all, all_len, bodies, lens);
    uint64_t rng = 0x9e3779b97f4a7c15ull;
    uint32_t taken = 0;
    for (int i = 0; i < MUTATIONS; i++) {
        uint32_t pick = (uint32_t)(next_random(&rng) % count);
        uint8_t body[ACSA_RECORD_MAX];
        size_t body_len = lens[pick];
        memcpy(body, bodies[pick], body_len);
        mutate_record(body, body_len, &rng);
        int64_t held = peer_of(f, &f->jp, "IN").received_through;
        be_put(body + 6, (uint64_t)(held + 1), 8);
        const uint8_t *one[1] = {body};
        uint8_t *buf = NULL;
        size_t len = make_batch("IN", "JP", held, held + 1, one, &body_len, 1, f->in.sk, &buf);
        struct acsa_batch_result result;
        CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
        free(buf);
        assert_int_equal(result.applied + result.quarantined, 1);
        taken += result.applied;
    }
    free(all);
    assert_true(taken < MUTATIONS);
    expect_quarantine_renders(f, &f->jp);
    /* IN's real records, after all that: taken in from where JP's cursor stands. */
    int64_t held = peer_of(f, &f->jp, "IN").received_through;
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    hostile_ref(f, r, ACSA_RECORD_UNIT, "JS Hyuga");
    uint8_t body[ACSA_RECORD_MAX];
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    const uint8_t *one[1] = {body};
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", held, held + 1, one, &body_len, 1, f->in.sk, &buf);
    struct acsa_batch_result result;
    CHECK(f, acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err));
    assert_int_equal(result.applied, 1);
    free(buf);
    free(r);
}

/* Sets a batch's ack and signs it again, as a fuzzer would (acsa_batch_resign). */
static void set_ack(uint8_t *buf, size_t len, int64_t ack, const uint8_t sk[64])
{
    be_put(buf + 32, (uint64_t)ack, 8);
    struct acsa_error err;
    assert_int_equal(acsa_batch_resign(buf, len, sk, &err), ACSA_OK);
    uint8_t *check = malloc(len);
    assert_non_null(check);
    memcpy(check, buf, len);
    resign(check, len, sk);
    assert_memory_equal(check, buf, len);
    free(check);
    assert_int_equal(acsa_batch_resign(buf, len - 1, sk, &err), ACSA_EREFUSED);
}

/* Finding 8: a batch may not jump its sender's record counter to 2^62 (or past the gap a
 * batch may skip), nor claim to hold records this node never wrote; the real batch still
 * applies afterwards. */
static void test_finding8_record_counter_bounded(void **state)
{
    struct fixture *f = *state;
    size_t real_len = 0;
    uint8_t *real = pending_batch(f, &real_len);
    int64_t held = peer_of(f, &f->jp, "IN").received_through;
    uint8_t *buf = NULL;
    size_t len = make_batch("IN", "JP", held, INT64_C(1) << 62, NULL, NULL, 0, f->in.sk, &buf);
    expect_batch_refused(f, buf, len, ACSA_EREFUSED, "seq",
                         "seq: the batch names record 4611686018427387904; record numbers end "
                         "at 281474976710656", "IN", "through 2^62");
    free(buf);
    len = make_batch("IN", "JP", held, held + ACSA_RECORD_SEQ_GAP_MAX + 1, NULL, NULL, 0,
                     f->in.sk, &buf);
    expect_batch_refused(f, buf, len, ACSA_EREFUSED, "seq", "seq: the batch jumps from record",
                         "IN", "through past the gap");
    free(buf);
    /* A record numbered past the gap, in a batch that ends there. */
    struct acsa_record *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    hostile_ref(f, r, ACSA_RECORD_UNIT, "JS Izumo");
    r->seq = held + 1 + ACSA_RECORD_SEQ_GAP_MAX;
    uint8_t body[ACSA_RECORD_MAX];
    size_t body_len = 0;
    CHECK(f, acsa_record_encode(r, body, sizeof(body), &body_len, &f->err));
    const uint8_t *bodies[1] = {body};
    len = make_batch("IN", "JP", held, r->seq, bodies, &body_len, 1, f->in.sk, &buf);
    expect_batch_refused(f, buf, len, ACSA_EREFUSED, "seq", "jumps from record", "IN",
                         "record past the gap");
    free(buf);
    free(r);
    /* An ack of 2^62 is refused; one past our last record is taken as our last. */
    buf = malloc(real_len);
    assert_non_null(buf);
    memcpy(buf, real, real_len);
    set_ack(buf, real_len, INT64_C(1) << 62, f->in.sk);
    expect_batch_refused(f, buf, real_len, ACSA_EREFUSED, "seq", "record numbers end at",
                         "IN", "ack 2^62");
    int64_t jp_last = last_seq(f, &f->jp, "JP");
    set_ack(buf, real_len, jp_last + 1000, f->in.sk);
    expect_batch_applies(f, buf, real_len);
    assert_int_equal(peer_of(f, &f->jp, "IN").acked_through, jp_last);
    free(buf);
    free(real);
    /* And the nodes go on syncing. */
    take(f, &f->in, f->number, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0);
    assert_int_equal(sync_nodes(f, &f->in, &f->jp).applied, 1);
    expect_same_order(f, f->number, ACSA_STATE_APPROVED);
}

/* Finding 5, the quarantine's own texts: a batch whose sender is no nation, and rows stored
 * before texts were checked, list and render as JSON (GET /api/quarantine answered 500). */
static void test_finding5_quarantine_texts_render(void **state)
{
    struct fixture *f = *state;
    uint8_t *buf = NULL;
    size_t len = make_batch("\xff\xfe", "JP", 0, 0, NULL, NULL, 0, f->in.sk, &buf);
    struct acsa_batch_result result;
    assert_int_equal(acsa_app_batch_import(f->jp.app, buf, len, "sync", NOW, &result, &f->err),
                     ACSA_EREFUSED);
    free(buf);
    struct acsa_quarantine_row row;
    memset(&row, 0, sizeof(row));
    row.at_s = NOW;
    memcpy(row.peer, "\xff\xfe", 3);
    snprintf(row.via, sizeof(row.via), "sync\x1b");
    snprintf(row.what, sizeof(row.what), "record");
    row.seq = 9;
    snprintf(row.order_number, sizeof(row.order_number), "IN-\xc0\xaf");
    snprintf(row.reason, sizeof(row.reason), "bad \xff\xfe \x1b[31mred");
    row.body = (const uint8_t *)"x";
    row.body_len = 1;
    CHECK(f, store_of(&f->jp)->vtbl->sync->quarantine_add(store_of(&f->jp), &row, &f->err));
    expect_quarantine_renders(f, &f->jp);
    struct qlist *q = calloc(1, sizeof(*q));
    assert_non_null(q);
    quarantine_of(f, &f->jp, q);
    assert_int_equal(q->count, 2);
    assert_string_equal(q->rows[0].reason, "bad \\xff\\xfe \\x1b[31mred");
    assert_string_equal(q->rows[0].peer, "");
    assert_string_equal(q->rows[0].via, "sync\\x1b");
    assert_string_equal(q->rows[0].order_number, "IN-\\xc0\\xaf");
    assert_string_equal(q->rows[1].peer, "");
    assert_non_null(strstr(q->rows[1].reason, "ISO 3166"));
    free(q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_node_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cash_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_settlement_two_nodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rik_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflicts_converge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exchange_two_nodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ways_out_two_nodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_largest_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batch_cut_by_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partner_step_forbidden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_bad_signatures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_wrong_parties, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_gap_and_replay, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_after_key_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_overlap_altered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_signer_not_entitled, setup_unlinked,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_import_refused_records, setup, teardown),
        {"defect 12: an approval by an official whose grant ended the day before is refused "
         "on both nodes", test_defect12_grant_ended_both_nodes, setup, teardown, NULL},
        cmocka_unit_test_setup_teardown(test_reference_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_peer_advance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_quarantine_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finding2_hostile_records_quarantined, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_documents_hostile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defect5_agreement_records_quarantined, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_defect6_unit_service_synced_and_judged, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_finding2_local_step_with_stray_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_finding8_record_counter_bounded, setup, teardown),
        cmocka_unit_test_setup_teardown(test_back_entered_step_syncs_with_its_mark, setup,
                                        teardown),
        {"defect 9: an order entered by hand for a partner never shares a number with the "
         "partner's own", test_defect9_numbers_never_collide, setup_unlinked, teardown, NULL},
        {"defect 15: a payment and a dispute taken apart converge, India's batch first",
         test_defect15_india_first, setup, teardown, NULL},
        {"defect 15: a payment and a dispute taken apart converge, Japan's batch first",
         test_defect15_japan_first, setup, teardown, NULL},
        cmocka_unit_test_setup_teardown(test_finding5_quarantine_texts_render, setup, teardown),
        cmocka_unit_test_setup_teardown(test_finding2_resigned_mutations_never_abort, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
