/* SPDX-License-Identifier: MIT */
/* Deterministic simulation of two nodes, India and Japan, in one process: each with its own
 * database file, both driven by one seeded generator. Between them a network of signed
 * batches that loses, duplicates, reorders and holds them back (partitions); on both nodes
 * random order steps, conflicting ones included (one side cancels what the other accepts);
 * and crashes: a handle closed and the file opened again, sometimes in the middle of an open
 * transaction. After healing and a full exchange: no record lost or taken twice, the two
 * views of every order equal unless its conflict sits in quarantine, the balances mirror when
 * nothing is quarantined, and nothing committed before a crash is gone after it.
 *
 * Every choice comes from the seed, so a failing seed runs again exactly:
 *   acsa-sim --seed N            one seed, telling what it does with --verbose
 *   acsa-sim --first F --seeds K seeds F..F+K-1 (TAP)
 *   acsa-sim                     the fixed seeds of the test suite (TAP) */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "app_int.h"
#include "auth.h"
#include "date.h"
#include "node.h"
#include "record.h"
#include "store.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define SUITE_FIRST_SEED 1
#define SUITE_SEEDS 24          /* The suite's fixed seeds: 1..24. */
#define TICKS_DEFAULT 240       /* Random actions per seed. */
#define NET_MAX 64              /* Batches in flight at most; the oldest is lost beyond. */
#define ORDERS_MAX 256          /* Orders the simulation tracks. */
#define QUARANTINE_MAX 4096     /* Quarantined records inspected per node. */
#define HEAL_ROUNDS 8           /* Full exchanges after healing, until nothing moves. */
#define NOW 1718000000          /* 2024-06-10: batches are stamped with this time. */
#define CURRENCIES_MAX 8

/* ---- Seeded generator (splitmix64) ---------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A number in 0..n-1 (n > 0). */
static uint32_t rng_below(uint32_t n)
{
    return (uint32_t)(rng_next() % n);
}

/* True with probability percent/100. */
static bool rng_chance(uint32_t percent)
{
    return rng_below(100) < percent;
}

/* ---- State ------------------------------------------------------------------------------ */

struct node {
    const char *nation;
    const char *official;        /* The node's official who approves, accepts and rejects. */
    const char *clerk;           /* Who raises orders and takes the other steps. */
    char path[128];
    struct acsa_app *app;
    uint8_t key[32];
    int64_t activity;            /* Local ids of the activity and the two units. */
    int64_t unit_in;
    int64_t unit_jp;
};

struct message {
    uint8_t *buf;
    size_t len;
    int to;                      /* Index of the receiving node. */
};

struct stats {
    uint32_t steps;              /* Steps and creates taken. */
    uint32_t refused;            /* Steps the core refused (the usual outcome of a random one). */
    uint32_t sent;
    uint32_t delivered;
    uint32_t lost;
    uint32_t duplicated;
    uint32_t crashes;
    uint32_t torn;               /* Crashes in the middle of a transaction. */
    uint32_t quarantined;        /* Orders with a refused record, at the end. */
    uint32_t differing;          /* Orders whose two views differ, at the end. */
};

static struct {
    uint64_t seed;
    bool verbose;
    uint32_t ticks;
    char dir[64];
    struct node nodes[2];
    struct message net[NET_MAX];
    uint32_t in_flight;
    bool partitioned;
    char orders[ORDERS_MAX][ACSA_NUMBER_SIZE];
    uint32_t order_count;
    struct acsa_order *order;    /* Scratch (large: on the heap). */
    struct acsa_order *other;
    struct stats stats;
    jmp_buf fail;
} sim;

/* Ends the seed: the message names the seed, so that it can be run again alone. */
__attribute__((format(printf, 1, 2), noreturn)) static void fail(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fprintf(stderr, "acsa-sim: seed %" PRIu64 ": ", sim.seed);
    vfprintf(stderr, format, ap);
    fprintf(stderr, " (replay: acsa-sim --seed %" PRIu64 " --verbose)\n", sim.seed);
    va_end(ap);
    longjmp(sim.fail, 1);
}

__attribute__((format(printf, 1, 2))) static void say(const char *format, ...)
{
    if (sim.verbose) {
        va_list ap;
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        fputc('\n', stderr);
        va_end(ap);
    }
}

#define CHECK(call, err)                                                                       \
    do {                                                                                       \
        enum acsa_rc check_rc_ = (call);                                                       \
        if (check_rc_ != ACSA_OK) {                                                            \
            fail("%s: %s: %s", #call, acsa_rc_name(check_rc_), (err)->message);                \
        }                                                                                      \
    } while (0)

static struct acsa_store *store_of(struct node *n)
{
    return acsa__app_store(n->app);
}

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    CHECK(acsa_date_parse(text, "date", &day, &err), &err);
    return day;
}

/* ---- Nodes ------------------------------------------------------------------------------ */

static void load_agreement(struct node *n)
{
    static char text[65536];
    const char *path = ACSA_SOURCE_ROOT "/agreements/india-japan-2020.json";
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fail("cannot read %s", path);
    }
    size_t size = fread(text, 1, sizeof(text) - 1, file);
    fclose(file);
    char id[ACSA_ID_SIZE];
    struct acsa_error err;
    CHECK(acsa_app_agreement_load(n->app, text, size, id, &err), &err);
}

static void node_open(struct node *n)
{
    struct acsa_error err;
    CHECK(acsa_app_open(n->path, 0, &n->app, &err), &err);
    acsa_app_set_actor(n->app, "sim");
}

static void node_init(struct node *n, const char *nation, const char *official,
                      const char *clerk)
{
    struct acsa_error err;
    n->nation = nation;
    n->official = official;
    n->clerk = clerk;
    snprintf(n->path, sizeof(n->path), "%s/%s.db", sim.dir, nation);
    CHECK(acsa_app_init(n->path, nation, nation, &err), &err);
    node_open(n);
    load_agreement(n);
    CHECK(acsa_app_node_public_key(n->app, n->key, &err), &err);
    int64_t id = 0;
    CHECK(acsa_app_official_add(n->app, nation, official, 100000000, "JPY", &id, &err), &err);
}

static void link_nodes(struct node *from, struct node *to)
{
    char key[ACSA_KEY_TEXT_SIZE];
    acsa_node_key_text(to->key, key);
    struct acsa_error err;
    CHECK(acsa_app_peer_add(from->app, to->nation, "", key, &err), &err);
}

static struct acsa_peer peer_of(struct node *n, const char *party)
{
    struct acsa_peer peer;
    struct acsa_error err;
    CHECK(acsa_app_peer_get(n->app, party, &peer, &err), &err);
    return peer;
}

static int64_t last_seq(struct node *n, const char *origin)
{
    int64_t seq = 0;
    struct acsa_error err;
    CHECK(store_of(n)->vtbl->sync->record_last_seq(store_of(n), origin, &seq, &err), &err);
    return seq;
}

/* ---- Orders ------------------------------------------------------------------------------ */

static void track_order(const char *number)
{
    for (uint32_t i = 0; i < sim.order_count; i++) {
        if (strcmp(sim.orders[i], number) == 0) {
            return; /* A number given again after a rolled-back create. */
        }
    }
    if (sim.order_count < ORDERS_MAX) {
        snprintf(sim.orders[sim.order_count++], ACSA_NUMBER_SIZE, "%s", number);
    }
}

static void set_line(struct acsa_order_draft *d, uint32_t i, const char *category, int64_t qty,
                     int64_t price)
{
    struct acsa_order_line *l = &d->lines[i];
    snprintf(l->category, sizeof(l->category), "%s", category);
    snprintf(l->description, sizeof(l->description), "%s supply", category);
    snprintf(l->unit_of_issue, sizeof(l->unit_of_issue), "ea");
    l->quantity_milli = qty;
    l->price_minor = price;
    snprintf(d->line_currency[i], ACSA_CURRENCY_SIZE, "JPY");
    d->line_count = i + 1;
}

/* Node n raises an order on its partner (two lines, cash or replacement in kind). */
static bool create_order(struct node *n, bool must)
{
    bool in = strcmp(n->nation, "IN") == 0;
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, sizeof(d.requester), "%s", n->nation);
    snprintf(d.supplier, sizeof(d.supplier), "%s", in ? "JP" : "IN");
    d.requester_unit_id = in ? n->unit_in : n->unit_jp;
    d.supplier_unit_id = in ? n->unit_jp : n->unit_in;
    d.method = rng_chance(70) ? ACSA_METHOD_CASH : ACSA_METHOD_RIK;
    snprintf(d.place, sizeof(d.place), "Yokosuka");
    d.need_by_day = day_of("2024-06-15");
    set_line(&d, 0, "pol", 1000 * (1 + rng_below(10)), 1000);
    set_line(&d, 1, "food", 1000 * (1 + rng_below(4)), 2500);
    char number[ACSA_NUMBER_SIZE];
    struct acsa_error err;
    d.recorded_day = day_of("2024-06-02"); /* Recorded on its day: not back-entered. */
    enum acsa_rc rc = acsa_app_order_create(n->app, "IN-JP-2020", n->activity, &d,
                                            day_of("2024-06-02"), n->clerk, number, &err);
    if (rc != ACSA_OK) {
        if (must || rc == ACSA_ESTORAGE || rc == ACSA_ENOMEM) {
            fail("create on %s: %s", n->nation, err.message);
        }
        return false;
    }
    say("%s creates %s", n->nation, number);
    track_order(number);
    return true;
}

/* A step of node n's party on the order, with random figures; false if the core refuses. */
static bool take_step(struct node *n, const struct acsa_order *o, enum acsa_step step)
{
    static const char *const days[] = {"2024-06-10", "2024-06-11", "2024-06-12", "2024-06-14"};
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day_of(days[step == ACSA_STEP_INVOICE ? 2 : step == ACSA_STEP_PAY ||
                          step == ACSA_STEP_CLOSE ? 3 : rng_below(2)]);
    if (cmd.day < o->last_step_day) {
        cmd.day = o->last_step_day; /* Steps are dated in order. */
    }
    cmd.recorded_day = cmd.day;
    bool official = step == ACSA_STEP_APPROVE || step == ACSA_STEP_ACCEPT ||
                    step == ACSA_STEP_REJECT;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", official ? n->official : n->clerk);
    cmd.line_no = 1 + rng_below(o->line_count > 0 ? o->line_count : 1);
    const struct acsa_order_line *line = &o->lines[cmd.line_no - 1];
    int64_t left = line->quantity_milli - (step == ACSA_STEP_RECEIVE ? line->received_milli
                                                                      : line->issued_milli);
    cmd.quantity_milli = rng_chance(60) && left > 0 ? left : 1000 * (1 + rng_below(3));
    if (step == ACSA_STEP_PAY) {
        int64_t due = o->cash_due_minor - o->paid_minor;
        cmd.amount_minor = rng_chance(70) && due > 0 ? due : 1 + rng_below(5000);
        snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    }
    if (step == ACSA_STEP_DISPUTE || step == ACSA_STEP_REJECT || step == ACSA_STEP_CANCEL) {
        snprintf(cmd.reason, sizeof(cmd.reason), "simulated");
    }
    struct acsa_error err;
    enum acsa_rc rc = acsa_app_order_step(n->app, o->number, &cmd, NULL, &err);
    if (rc == ACSA_ESTORAGE || rc == ACSA_ENOMEM) {
        fail("%s on %s by %s: %s", acsa_step_name(step), o->number, n->nation, err.message);
    }
    say("%s: %s %s: %s", n->nation, acsa_step_name(step), o->number,
        rc == ACSA_OK ? "ok" : err.message);
    return rc == ACSA_OK;
}

/* The steps that move an order on from its state (and the cancel or dispute that may cut
 * across the partner's next step): most tries pick one of these, so that lifecycles run on. */
static uint32_t next_steps(const struct acsa_order *o, enum acsa_step out[4])
{
    bool cash = o->method == ACSA_METHOD_CASH;
    uint32_t n = 0;
    switch (o->state) {
    case ACSA_STATE_DRAFT: out[n++] = ACSA_STEP_SUBMIT; break;
    case ACSA_STATE_SUBMITTED: out[n++] = ACSA_STEP_APPROVE; out[n++] = ACSA_STEP_CANCEL; break;
    case ACSA_STATE_APPROVED:
        out[n++] = ACSA_STEP_ACCEPT;
        out[n++] = ACSA_STEP_REJECT;
        out[n++] = ACSA_STEP_CANCEL;
        break;
    case ACSA_STATE_ACCEPTED: out[n++] = ACSA_STEP_ISSUE; out[n++] = ACSA_STEP_CANCEL; break;
    case ACSA_STATE_DELIVERING:
        out[n++] = ACSA_STEP_ISSUE;
        out[n++] = ACSA_STEP_RECEIVE;
        out[n++] = ACSA_STEP_DISPUTE;
        break;
    case ACSA_STATE_DELIVERED:
        out[n++] = cash ? ACSA_STEP_INVOICE : ACSA_STEP_RETURN;
        out[n++] = cash ? ACSA_STEP_DISPUTE : ACSA_STEP_ACCEPT_RETURN;
        break;
    case ACSA_STATE_INVOICED: out[n++] = ACSA_STEP_PAY; out[n++] = ACSA_STEP_DISPUTE; break;
    case ACSA_STATE_SETTLED: out[n++] = ACSA_STEP_CLOSE; break;
    default: break;
    }
    return n;
}

/* One step of n's party on a random order n knows; a few tries, as a step may not fit. */
static void random_step(struct node *n)
{
    static const enum acsa_step steps[] = {
        ACSA_STEP_SUBMIT, ACSA_STEP_APPROVE, ACSA_STEP_ACCEPT, ACSA_STEP_REJECT,
        ACSA_STEP_CANCEL, ACSA_STEP_DISPUTE, ACSA_STEP_ISSUE, ACSA_STEP_RECEIVE,
        ACSA_STEP_INVOICE, ACSA_STEP_PAY, ACSA_STEP_RETURN, ACSA_STEP_ACCEPT_RETURN,
        ACSA_STEP_CLOSE,
    };
    const uint32_t step_count = sizeof(steps) / sizeof(steps[0]);
    if (sim.order_count == 0) {
        return;
    }
    /* Newer orders more often: the old ones are mostly finished. */
    uint32_t pick = rng_below(sim.order_count);
    pick = rng_chance(50) ? pick : sim.order_count - 1 - rng_below(pick + 1 < 8 ? pick + 1 : 8);
    const char *number = sim.orders[pick];
    struct acsa_error err;
    enum acsa_rc rc = acsa_app_order_get(n->app, number, sim.order, NULL, &err);
    if (rc == ACSA_ENOTFOUND) {
        return; /* Not arrived here yet. */
    }
    CHECK(rc, &err);
    enum acsa_step next[4];
    uint32_t next_count = next_steps(sim.order, next);
    for (int attempt = 0; attempt < 4; attempt++) {
        enum acsa_step step = next_count > 0 && rng_chance(85) ? next[rng_below(next_count)]
                                                               : steps[rng_below(step_count)];
        const char *party = acsa_step_party(sim.order, step);
        if (party != NULL && strcmp(party, n->nation) != 0) {
            continue;
        }
        if (take_step(n, sim.order, step)) {
            sim.stats.steps++;
            return;
        }
        sim.stats.refused++;
    }
}

static void act(struct node *n)
{
    if (rng_chance(15) || sim.order_count < 3) {
        sim.stats.steps += create_order(n, false);
    } else {
        random_step(n);
    }
}

/* ---- The network ------------------------------------------------------------------------ */

static void net_drop(uint32_t i)
{
    free(sim.net[i].buf);
    sim.net[i] = sim.net[--sim.in_flight];
}

/* Node from sends node to the records after `after` (at most max, 0: all), onto the wire. */
static void send_batch(int from, int64_t after, uint32_t max)
{
    struct node *a = &sim.nodes[from];
    struct node *b = &sim.nodes[1 - from];
    struct message m = {0};
    struct acsa_batch_info info;
    struct acsa_error err;
    CHECK(acsa_app_batch_export(a->app, b->nation, after, max, NOW, &m.buf, &m.len, &info,
                                &err), &err);
    m.to = 1 - from;
    say("%s sends %s records %" PRId64 "..%" PRId64 " (%u), ack %" PRId64 "%s", a->nation,
        b->nation, info.after + 1, info.through, info.count, info.ack,
        sim.partitioned ? ": cut off" : "");
    sim.stats.sent++;
    if (sim.partitioned) {
        free(m.buf);
        return;
    }
    if (sim.in_flight == NET_MAX) {
        net_drop(rng_below(NET_MAX));
        sim.stats.lost++;
    }
    sim.net[sim.in_flight++] = m;
}

/* A push (after what the partner confirmed) or a pull (after what the partner holds, as it
 * asks), of a few records or of all. */
static void random_send(void)
{
    int from = (int)rng_below(2);
    struct node *a = &sim.nodes[from];
    struct node *b = &sim.nodes[1 - from];
    int64_t after = rng_chance(50) ? peer_of(a, b->nation).acked_through
                                   : peer_of(b, a->nation).received_through;
    send_batch(from, after, rng_chance(40) ? 0 : 1 + rng_below(6));
}

/* The receiver takes a batch in; a refusal of the whole batch (a gap, a replay) is normal on
 * this network, anything else is a failure. */
static void deliver(const struct message *m)
{
    struct node *b = &sim.nodes[m->to];
    struct acsa_batch_result result;
    struct acsa_error err;
    enum acsa_rc rc = acsa_app_batch_import(b->app, m->buf, m->len, "sync", NOW, &result, &err);
    if (rc != ACSA_OK && rc != ACSA_ECONFLICT && rc != ACSA_EREFUSED) {
        fail("import on %s: %s: %s", b->nation, acsa_rc_name(rc), err.message);
    }
    say("%s takes %s %" PRId64 "..%" PRId64 ": %s, %u applied, %u duplicates, "
        "%u quarantined", b->nation, result.info.sender, result.info.after + 1,
        result.info.through, rc == ACSA_OK ? "ok" : err.message, result.applied,
        result.duplicates, result.quarantined);
    sim.stats.delivered++;
}

/* A random batch in flight arrives, or is lost, or arrives and stays on the wire to arrive
 * again later. */
static void random_delivery(void)
{
    if (sim.in_flight == 0 || sim.partitioned) {
        return;
    }
    uint32_t i = rng_below(sim.in_flight);
    if (rng_chance(15)) {
        say("lost: a batch to %s", sim.nodes[sim.net[i].to].nation);
        sim.stats.lost++;
        net_drop(i);
        return;
    }
    deliver(&sim.net[i]);
    if (rng_chance(15)) {
        sim.stats.duplicated++;
    } else {
        net_drop(i);
    }
}

/* ---- Crashes ---------------------------------------------------------------------------- */

/* Closes node n's handle and opens its file again. A torn crash opens a transaction first and
 * does work in it (steps, a batch taken in) that is never committed: none of it may remain,
 * and everything committed before must. */
static void crash(int index)
{
    struct node *n = &sim.nodes[index];
    struct node *p = &sim.nodes[1 - index];
    int64_t own = last_seq(n, n->nation);
    int64_t theirs = peer_of(n, p->nation).received_through;
    bool torn = rng_chance(50);
    if (torn) {
        struct acsa_error err;
        CHECK(acsa_app_begin(n->app, &err), &err);
        uint32_t work = 1 + rng_below(3);
        for (uint32_t i = 0; i < work; i++) {
            if (rng_chance(30) && sim.in_flight > 0) {
                uint32_t m = rng_below(sim.in_flight);
                if (sim.net[m].to == index) {
                    deliver(&sim.net[m]);
                }
            } else {
                act(n);
            }
        }
        if (rng_chance(50)) {
            acsa_app_rollback(n->app);
        }
        sim.stats.torn++;
    }
    say("%s crashes%s", n->nation, torn ? " inside a transaction" : "");
    acsa_app_close(n->app);
    n->app = NULL;
    node_open(n);
    sim.stats.crashes++;
    if (last_seq(n, n->nation) != own) {
        fail("%s after a crash holds its own records through %" PRId64 ", not %" PRId64,
             n->nation, last_seq(n, n->nation), own);
    }
    if (peer_of(n, p->nation).received_through != theirs) {
        fail("%s after a crash holds %s's records through %" PRId64 ", not %" PRId64,
             n->nation, p->nation, peer_of(n, p->nation).received_through, theirs);
    }
}

/* ---- Healing ---------------------------------------------------------------------------- */

/* Node from sends everything the other lacks, and it arrives. Whether anything was new. */
static bool exchange(int from)
{
    struct node *a = &sim.nodes[from];
    struct node *b = &sim.nodes[1 - from];
    send_batch(from, peer_of(b, a->nation).received_through, 0);
    struct message m = sim.net[--sim.in_flight];
    int64_t before = peer_of(b, a->nation).received_through;
    deliver(&m);
    free(m.buf);
    return peer_of(b, a->nation).received_through != before;
}

/* The network heals: what is on the wire arrives, in a random order, then full exchanges
 * both ways until nothing moves (the second round carries the acknowledgements). */
static void heal(void)
{
    sim.partitioned = false;
    while (sim.in_flight > 0) {
        uint32_t i = rng_below(sim.in_flight);
        deliver(&sim.net[i]);
        net_drop(i);
    }
    for (int round = 0; round < HEAL_ROUNDS; round++) {
        bool moved = exchange(0);
        moved = exchange(1) || moved;
        if (!moved && round > 0) {
            return;
        }
    }
    fail("records still moving after %d full exchanges", HEAL_ROUNDS);
}

/* ---- Invariants ------------------------------------------------------------------------- */

struct refused {
    char peer[ACSA_NATION_SIZE];
    int64_t seq;
    char number[ACSA_NUMBER_SIZE];
};

struct quarantine {
    struct refused items[QUARANTINE_MAX];
    uint32_t count;
};

static enum acsa_rc add_refused(void *ctx, const struct acsa_quarantine_row *row)
{
    struct quarantine *q = ctx;
    if (strcmp(row->what, "record") != 0) {
        return ACSA_OK; /* Whole batches refused (gaps, replays): nothing of them applied. */
    }
    if (q->count == QUARANTINE_MAX) {
        return ACSA_ENOMEM;
    }
    struct refused *r = &q->items[q->count++];
    snprintf(r->peer, sizeof(r->peer), "%s", row->peer);
    r->seq = row->seq;
    snprintf(r->number, sizeof(r->number), "%s", row->order_number);
    return ACSA_OK;
}

static struct quarantine quarantines[2];

static void load_quarantine(int index)
{
    struct quarantine *q = &quarantines[index];
    q->count = 0;
    struct acsa_error err;
    CHECK(acsa_app_quarantine_list(sim.nodes[index].app, 0, add_refused, q, &err), &err);
    for (uint32_t i = 0; i < q->count; i++) {
        if (q->items[i].number[0] == '\0') {
            fail("%s refused %s's record %" PRId64 ", which is no order step",
                 sim.nodes[index].nation, q->items[i].peer, q->items[i].seq);
        }
        say("%s quarantined %s/%" PRId64 " of %s", sim.nodes[index].nation, q->items[i].peer,
            q->items[i].seq, q->items[i].number);
    }
}

static bool was_refused(int index, const char *peer, int64_t seq)
{
    const struct quarantine *q = &quarantines[index];
    for (uint32_t i = 0; i < q->count; i++) {
        if (q->items[i].seq == seq && strcmp(q->items[i].peer, peer) == 0) {
            return true;
        }
    }
    return false;
}

static bool in_quarantine(const char *number)
{
    for (int k = 0; k < 2; k++) {
        for (uint32_t i = 0; i < quarantines[k].count; i++) {
            if (strcmp(quarantines[k].items[i].number, number) == 0) {
                return true;
            }
        }
    }
    return false;
}

/* Every record y made is held by x with the same bytes, or was refused by x: exactly one. */
static void check_records(int x, int y)
{
    struct node *a = &sim.nodes[x];
    struct node *b = &sim.nodes[y];
    int64_t last = last_seq(b, b->nation);
    if (peer_of(a, b->nation).received_through != last) {
        fail("%s holds %s's records through %" PRId64 ", but %s made %" PRId64, a->nation,
             b->nation, peer_of(a, b->nation).received_through, b->nation, last);
    }
    for (int64_t seq = 1; seq <= last; seq++) {
        struct acsa_record_row mine;
        struct acsa_record_row got;
        struct acsa_error err;
        CHECK(store_of(b)->vtbl->sync->record_get(store_of(b), b->nation, seq, &mine, &err), &err);
        enum acsa_rc rc =
            store_of(a)->vtbl->sync->record_get(store_of(a), b->nation, seq, &got, &err);
        bool refused = was_refused(x, b->nation, seq);
        if (rc == ACSA_OK && memcmp(mine.hash, got.hash, sizeof(mine.hash)) != 0) {
            fail("%s/%" PRId64 " differs on %s", b->nation, seq, a->nation);
        }
        if (rc == ACSA_ENOTFOUND && !refused) {
            fail("%s/%" PRId64 " (%s) is lost: not on %s and not in its quarantine",
                 b->nation, seq, mine.order_number, a->nation);
        }
        if (rc == ACSA_OK && refused) {
            fail("%s/%" PRId64 " is both taken in and quarantined on %s", b->nation, seq,
                 a->nation);
        }
        if (rc != ACSA_OK && rc != ACSA_ENOTFOUND) {
            CHECK(rc, &err);
        }
    }
}

#define CHAIN_MAX 256

struct chain {
    uint8_t hash[CHAIN_MAX][ACSA_HASH_SIZE];
    uint32_t count;
};

static enum acsa_rc add_link(void *ctx, const struct acsa_record_row *row)
{
    struct chain *c = ctx;
    if (c->count == CHAIN_MAX) {
        return ACSA_ENOMEM;
    }
    memcpy(c->hash[c->count++], row->hash, ACSA_HASH_SIZE);
    return ACSA_OK;
}

static int hash_compare(const void *a, const void *b)
{
    return memcmp(a, b, ACSA_HASH_SIZE);
}

/* How many conflicts of concurrent steps node n decided on the order by rule: each keeps one
 * record in the chain out of the history (the partner's, not applied, or its own, voided). */
struct concurrent_count {
    const char *number;
    uint32_t count;
    int64_t last_id;
};

static enum acsa_rc count_concurrent(void *ctx, const struct acsa_audit_record *record)
{
    struct concurrent_count *c = ctx;
    c->last_id = record->id;
    if (strcmp(record->action, "sync.concurrent") == 0 && strcmp(record->object, c->number) == 0) {
        c->count++;
    }
    return ACSA_OK;
}

static enum acsa_rc count_voids(void *ctx, const struct acsa_event_row *row)
{
    *(uint32_t *)ctx += row->event.step == ACSA_STEP_VOID ? 1 : 0;
    return ACSA_OK;
}

static uint32_t concurrent_of(struct node *n, const char *number)
{
    struct concurrent_count c = {.number = number};
    struct acsa_error err;
    int64_t after = -1;
    while (after != c.last_id) {
        after = c.last_id;
        CHECK(acsa_app_audit_list(n->app, after, 512, count_concurrent, &c, &err), &err);
    }
    return c.count;
}

/* The records of the order on node n, sorted; false if n does not know the order. Each
 * taken once: as many events as records in its chain, but for those of the conflicts decided
 * by rule, and none twice. */
static bool load_chain(int index, const char *number, struct chain *c)
{
    struct node *n = &sim.nodes[index];
    struct acsa_error err;
    enum acsa_rc rc = acsa_app_order_get(n->app, number, sim.order, NULL, &err);
    if (rc == ACSA_ENOTFOUND) {
        return false;
    }
    CHECK(rc, &err);
    c->count = 0;
    CHECK(store_of(n)->vtbl->sync->record_list(store_of(n), number, add_link, c, &err), &err);
    /* A conflict decided here is a partner's record kept unapplied, or a step of ours voided:
     * its event and the void's both count among the events. */
    uint32_t decided = concurrent_of(n, number);
    uint32_t voids = 0;
    CHECK(store_of(n)->vtbl->ledger->event_list(store_of(n), number, count_voids, &voids, &err),
          &err);
    if (c->count + 2 * voids != sim.order->event_count + decided) {
        fail("%s on %s: %u events (%u voids) and %u conflicts decided, but %u records in its "
             "chain", number, n->nation, sim.order->event_count, voids, decided, c->count);
    }
    qsort(c->hash, c->count, ACSA_HASH_SIZE, hash_compare);
    for (uint32_t i = 1; i < c->count; i++) {
        if (memcmp(c->hash[i - 1], c->hash[i], ACSA_HASH_SIZE) == 0) {
            fail("%s on %s: one record twice in its chain", number, n->nation);
        }
    }
    return true;
}

static struct chain chains[2];

/* An order without a refused record has the same records on both nodes. */
static void check_chains(void)
{
    for (uint32_t i = 0; i < sim.order_count; i++) {
        const char *number = sim.orders[i];
        bool here = load_chain(0, number, &chains[0]);
        bool there = load_chain(1, number, &chains[1]);
        if (in_quarantine(number)) {
            continue;
        }
        if (here != there) {
            fail("%s is on %s only, and nothing of it is quarantined", number,
                 here ? "IN" : "JP");
        }
        if (here && (chains[0].count != chains[1].count ||
                     memcmp(chains[0].hash, chains[1].hash,
                            (size_t)chains[0].count * ACSA_HASH_SIZE) != 0)) {
            fail("%s: IN holds %u records of it, JP %u, not the same, and nothing of it is "
                 "quarantined", number, chains[0].count, chains[1].count);
        }
    }
}

struct fingerprints {
    char number[ORDERS_MAX][ACSA_NUMBER_SIZE];
    uint64_t fingerprint[ORDERS_MAX];
    uint32_t count;
};

static enum acsa_rc add_fingerprint(void *ctx, const char *number, uint64_t fingerprint)
{
    struct fingerprints *f = ctx;
    if (f->count == ORDERS_MAX) {
        return ACSA_ENOMEM;
    }
    snprintf(f->number[f->count], ACSA_NUMBER_SIZE, "%s", number);
    f->fingerprint[f->count++] = fingerprint;
    return ACSA_OK;
}

static struct fingerprints prints[2];

static void differs(const char *number, const char *how)
{
    sim.stats.differing++;
    say("reconcile: %s %s", number, how);
    if (!in_quarantine(number)) {
        fail("reconcile finds %s %s, and nothing of it is quarantined", number, how);
    }
}

/* Reconciliation's comparison, as acsa reconcile makes it (one merge of the two sorted
 * fingerprint lists): every order it lists has its conflict in quarantine. */
static void check_fingerprints(void)
{
    for (int k = 0; k < 2; k++) {
        struct node *n = &sim.nodes[k];
        struct acsa_error err;
        prints[k].count = 0;
        CHECK(store_of(n)->vtbl->sync->order_fingerprints(store_of(n), sim.nodes[1 - k].nation,
                                                    add_fingerprint, &prints[k], &err), &err);
    }
    uint32_t i = 0;
    uint32_t j = 0;
    while (i < prints[0].count || j < prints[1].count) {
        int order = i == prints[0].count ? 1 : j == prints[1].count ? -1
                    : strcmp(prints[0].number[i], prints[1].number[j]);
        if (order < 0) {
            differs(prints[0].number[i++], "is missing on JP");
        } else if (order > 0) {
            differs(prints[1].number[j++], "is missing on IN");
        } else {
            if (prints[0].fingerprint[i] != prints[1].fingerprint[j]) {
                differs(prints[0].number[i], "has different facts");
            }
            i++;
            j++;
        }
    }
}

/* ---- Balances ---------------------------------------------------------------------------- */

struct ledger {
    char currency[CURRENCIES_MAX][ACSA_CURRENCY_SIZE];
    int64_t amount[CURRENCIES_MAX][ACSA_ACCOUNT_COUNT];
    uint32_t count;
};

static enum acsa_rc add_balance(void *ctx, const struct acsa_balance_row *row)
{
    struct ledger *l = ctx;
    uint32_t i = 0;
    while (i < l->count && strcmp(l->currency[i], row->currency) != 0) {
        i++;
    }
    if (i == CURRENCIES_MAX || (unsigned)row->account >= ACSA_ACCOUNT_COUNT) {
        return ACSA_ENOMEM;
    }
    if (i == l->count) {
        snprintf(l->currency[l->count++], ACSA_CURRENCY_SIZE, "%s", row->currency);
    }
    l->amount[i][row->account] += (int64_t)row->amount_minor; /* Fits: a few orders. */
    return ACSA_OK;
}

static struct ledger ledgers[2];

/* With nothing quarantined the two ledgers mirror: our receivable is the partner's payable. */
static void check_balances(void)
{
    for (int k = 0; k < 2; k++) {
        struct acsa_store *s = store_of(&sim.nodes[k]);
        struct acsa_error err;
        memset(&ledgers[k], 0, sizeof(ledgers[k]));
        CHECK(s->vtbl->ledger->balance(s, sim.nodes[1 - k].nation, ACSA_DATE_NONE, add_balance,
                               &ledgers[k], &err), &err);
    }
    for (uint32_t i = 0; i < ledgers[0].count; i++) {
        uint32_t j = 0;
        while (j < ledgers[1].count && strcmp(ledgers[1].currency[j], ledgers[0].currency[i])) {
            j++;
        }
        for (int a = 0; a < ACSA_ACCOUNT_COUNT; a++) {
            int64_t ours = ledgers[0].amount[i][a];
            enum acsa_account twin = acsa_account_mirror(a);
            int64_t theirs = j < ledgers[1].count ? ledgers[1].amount[j][twin] : 0;
            if (ours != -theirs) {
                fail("balance %s %s: IN %" PRId64 ", JP's mirror %" PRId64,
                     ledgers[0].currency[i], acsa_account_name(a), ours, theirs);
            }
        }
    }
}

/* ---- One seed ---------------------------------------------------------------------------- */

static int64_t local_ref(struct node *n, enum acsa_ref_kind kind, int64_t origin_id)
{
    int64_t id = 0;
    struct acsa_error err;
    CHECK(store_of(n)->vtbl->sync->ref_find(store_of(n), kind, "IN", origin_id, &id, &err), &err);
    return id;
}

/* Two linked nodes; India holds the reference data, which reaches Japan with a first order. */
static void setup(void)
{
    struct node *in = &sim.nodes[0];
    struct node *jp = &sim.nodes[1];
    node_init(in, "IN", "Cdr Rao", "Lt Iyer");
    node_init(jp, "JP", "Capt Sato", "Lt Mori");
    link_nodes(in, jp);
    link_nodes(jp, in);
    struct acsa_error err;
    CHECK(acsa_app_unit_add(in->app, "IN", "Indian Navy", &in->unit_in, &err), &err);
    CHECK(acsa_app_unit_add(in->app, "JP", "JMSDF", &in->unit_jp, &err), &err);
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    snprintf(activity.agreement_id, sizeof(activity.agreement_id), "IN-JP-2020");
    snprintf(activity.name, sizeof(activity.name), "JIMEX 2024");
    snprintf(activity.type, sizeof(activity.type), "bilateral-training");
    snprintf(activity.place, sizeof(activity.place), "Arabian Sea");
    activity.from_day = day_of("2024-06-01");
    activity.to_day = day_of("2024-06-20");
    CHECK(acsa_app_activity_add(in->app, &activity, &in->activity, &err), &err);
    create_order(in, true);
    exchange(0);
    jp->activity = local_ref(jp, ACSA_REF_ACTIVITY, in->activity);
    jp->unit_in = local_ref(jp, ACSA_REF_UNIT, in->unit_in);
    jp->unit_jp = local_ref(jp, ACSA_REF_UNIT, in->unit_jp);
}

static void tick(void)
{
    uint32_t roll = rng_below(100);
    if (roll < 35) {
        act(&sim.nodes[rng_below(2)]);
    } else if (roll < 65) {
        random_send();
    } else if (roll < 92) {
        random_delivery();
    } else if (roll < 96) {
        sim.partitioned = !sim.partitioned;
        say("network %s", sim.partitioned ? "cut" : "joined");
    } else {
        crash((int)rng_below(2));
    }
}

static void check_all(void)
{
    load_quarantine(0);
    load_quarantine(1);
    check_records(0, 1);
    check_records(1, 0);
    check_chains();
    check_fingerprints();
    uint32_t quarantined = 0;
    for (uint32_t i = 0; i < sim.order_count; i++) {
        quarantined += in_quarantine(sim.orders[i]);
    }
    sim.stats.quarantined = quarantined;
    if (quarantined == 0) {
        check_balances();
    }
}

static void cleanup(void)
{
    while (sim.in_flight > 0) {
        net_drop(0);
    }
    for (int k = 0; k < 2; k++) {
        struct node *n = &sim.nodes[k];
        acsa_app_close(n->app);
        n->app = NULL;
        static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
        for (size_t i = 0; n->path[0] != '\0' && i < sizeof(suffixes) / sizeof(*suffixes); i++) {
            char path[160];
            snprintf(path, sizeof(path), "%s%s", n->path, suffixes[i]);
            unlink(path);
        }
    }
    rmdir(sim.dir);
}

/* Runs one seed; true if every invariant held. */
static bool run_seed(uint64_t seed)
{
    struct acsa_order *order = sim.order;
    struct acsa_order *other = sim.other;
    bool verbose = sim.verbose;
    uint32_t ticks = sim.ticks;
    memset(&sim, 0, sizeof(sim));
    sim.order = order;
    sim.other = other;
    sim.verbose = verbose;
    sim.ticks = ticks;
    sim.seed = seed;
    rng_state = seed;
    snprintf(sim.dir, sizeof(sim.dir), "%s/acsa-sim-XXXXXX",
             getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(sim.dir) == NULL) {
        fprintf(stderr, "acsa-sim: cannot make a directory under %s\n", sim.dir);
        return false;
    }
    bool ok = false;
    if (setjmp(sim.fail) == 0) {
        setup();
        for (uint32_t i = 0; i < sim.ticks; i++) {
            tick();
        }
        heal();
        check_all();
        ok = true;
    }
    cleanup();
    return ok;
}

static bool number_arg(const char *text, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    *out = v;
    return end != text && *end == '\0';
}

static int usage(void)
{
    fprintf(stderr, "usage: acsa-sim [--seed N | --first N --seeds K] [--ticks T] "
            "[--verbose]\n");
    return 2;
}

int main(int argc, char **argv)
{
    uint64_t first = SUITE_FIRST_SEED;
    uint64_t count = SUITE_SEEDS;
    uint64_t ticks = TICKS_DEFAULT;
    for (int i = 1; i < argc; i++) {
        bool has = i + 1 < argc;
        if (strcmp(argv[i], "--seed") == 0 && has && number_arg(argv[++i], &first)) {
            count = 1;
        } else if (strcmp(argv[i], "--first") == 0 && has && number_arg(argv[++i], &first)) {
        } else if (strcmp(argv[i], "--seeds") == 0 && has && number_arg(argv[++i], &count)) {
        } else if (strcmp(argv[i], "--ticks") == 0 && has && number_arg(argv[++i], &ticks)) {
        } else if (strcmp(argv[i], "--verbose") == 0) {
            sim.verbose = true;
        } else {
            return usage();
        }
    }
    sim.ticks = (uint32_t)ticks;
    sim.order = calloc(1, sizeof(*sim.order));
    sim.other = calloc(1, sizeof(*sim.other));
    if (sim.order == NULL || sim.other == NULL) {
        return 1;
    }
    printf("1..%" PRIu64 "\n", count);
    uint64_t failed = 0;
    for (uint64_t i = 0; i < count; i++) {
        uint64_t seed = first + i;
        bool ok = run_seed(seed);
        failed += !ok;
        printf("%s %" PRIu64 " - seed %" PRIu64 ": %u steps, %u refused, %u batches sent, "
               "%u delivered, %u lost, %u duplicated, %u crashes (%u torn), "
               "%u orders, %u quarantined, %u differing\n", ok ? "ok" : "not ok", i + 1, seed,
               sim.stats.steps, sim.stats.refused, sim.stats.sent, sim.stats.delivered,
               sim.stats.lost, sim.stats.duplicated, sim.stats.crashes, sim.stats.torn,
               sim.order_count, sim.stats.quarantined, sim.stats.differing);
        fflush(stdout);
    }
    free(sim.order);
    free(sim.other);
    if (failed > 0) {
        fprintf(stderr, "acsa-sim: %" PRIu64 " of %" PRIu64 " seeds failed\n", failed, count);
    }
    return failed > 0 ? 1 : 0;
}
