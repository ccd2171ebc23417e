/* SPDX-License-Identifier: MIT */
/* Ingest benchmark: creates COUNT orders through the domain core and the SQLite store in
 * batched transactions and, in the same run, inserts the same rows into a second database of
 * the same schema with plain prepared statements, and prints both rates and their ratio. */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agreement_json.h"
#include "app.h"
#include "date.h"
#include "order.h"
#include "store.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define DEFAULT_COUNT 1000000
#define DEFAULT_BATCH 1000
#define PROGRESS_EVERY 100000
#define AGREEMENT_FILE ACSA_SOURCE_ROOT "/agreements/india-japan-2020.json"
#define AGREEMENT_TEXT_MAX (1024 * 1024)
#define NATION "IN"
#define YEAR 2024
#define LIMIT_MINOR INT64_C(1000000000000)
#define STEPS 5 /* submit, approve, accept, issue line 1, receive line 1. */

/* The people of one party who act on its orders. */
struct party {
    const char *code;     /* Nation. */
    const char *raiser;   /* Raises and submits its requests. */
    const char *official; /* Approves its requests and accepts the partner's. */
    const char *issuer;   /* Issues what it supplies. */
    const char *receiver; /* Receives what it requested. */
    const char *unit;     /* Its unit. */
    const char *place;    /* Where it takes delivery. */
};

static const struct party parties[2] = {
    {"IN", "Lt Iyer", "Cdr Rao", "PO Das", "CPO Nair", "INS Sahyadri", "Visakhapatnam"},
    {"JP", "1Lt Mori", "Capt Sato", "PO Tanaka", "Sgt Ito", "JS Kaga", "Yokosuka"},
};

/* Per currency: code, exponent, unit prices of line 1 (fuel, per l) and line 2 (food, per kg). */
static const struct {
    const char *code;
    int exponent;
    int64_t price[2];
} currencies[3] = {
    {"JPY", 0, {150, 1200}},
    {"INR", 2, {9500, 45000}},
    {"USD", 2, {120, 550}},
};

static const char *const method_names[3] = {"cash", "rik", "eve"};

/* Everything about order i that both runs derive from i alone. */
struct spec {
    const struct party *req;    /* Requesting party. */
    const struct party *sup;    /* Supplying party. */
    unsigned method;            /* enum acsa_method: cash, rik, eve in turn. */
    unsigned currency;          /* Index into currencies. */
    int64_t qty[2];             /* Thousandths, whole units. */
    int64_t price[2];           /* Minor units per unit. */
    int32_t day;                /* Created and submitted; later steps one day apart. */
    int64_t sequence;           /* Number within (requester, supplier, year). */
};

/* The step days after creation, by step index (submit .. receive). */
static const int32_t step_offset[STEPS] = {0, 1, 2, 3, 4};

/* Wall time decides the rates; CPU time of the process is printed beside it because other
 * load on the machine stretches wall time far more than CPU time. */
struct timer {
    struct timespec wall;
    struct timespec cpu;
};

static double seconds_between(const struct timespec *from, const struct timespec *to)
{
    return (double)(to->tv_sec - from->tv_sec) + (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

static void timer_start(struct timer *t)
{
    clock_gettime(CLOCK_MONOTONIC, &t->wall);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t->cpu);
}

static double timer_seconds(const struct timer *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return seconds_between(&t->wall, &now);
}

static double timer_cpu_seconds(const struct timer *t)
{
    struct timespec now;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return seconds_between(&t->cpu, &now);
}

/* The time the batches of one side took, summed. */
struct meter {
    double seconds;     /* Wall. */
    double cpu_seconds; /* Of this process. */
};

static void meter_add(struct meter *m, const struct timer *t)
{
    m->seconds += timer_seconds(t);
    m->cpu_seconds += timer_cpu_seconds(t);
}

static void spec_of(uint64_t i, int32_t first_day, struct spec *s)
{
    s->req = &parties[i % 2];
    s->sup = &parties[(i + 1) % 2];
    s->method = (unsigned)(i % 3);
    s->currency = (unsigned)((i / 6) % 3);
    s->qty[0] = (int64_t)(100 + i % 900) * 1000;
    s->qty[1] = (int64_t)(10 + i % 90) * 1000;
    s->price[0] = currencies[s->currency].price[0];
    s->price[1] = currencies[s->currency].price[1];
    /* Within one year, so every order of a direction shares one numbering sequence. */
    s->day = first_day + (int32_t)(i % 300);
    s->sequence = (int64_t)(i / 2) + 1;
}

static bool parse_count(const char *text, const char *what, uint64_t *out)
{
    char *end = NULL;
    unsigned long long value = strtoull(text, &end, 10);
    if (text[0] == '\0' || text[0] == '-' || *end != '\0' || value == 0) {
        fprintf(stderr, "bench_ingest: %s must be a positive integer, not \"%s\"\n", what,
                text);
        return false;
    }
    *out = (uint64_t)value;
    return true;
}

static int fail(const char *what, const struct acsa_error *err)
{
    fprintf(stderr, "bench_ingest: %s: %s\n", what, err->message);
    return 1;
}

/* ---- Node setup --------------------------------------------------------------------- */

static bool read_file(const char *path, char *buf, size_t size, size_t *out_length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "bench_ingest: cannot open %s\n", path);
        return false;
    }
    size_t length = fread(buf, 1, size - 1, f);
    bool ok = ferror(f) == 0 && feof(f) != 0;
    fclose(f);
    if (!ok) {
        fprintf(stderr, "bench_ingest: cannot read %s (or it is too large)\n", path);
        return false;
    }
    buf[length] = '\0';
    *out_length = length;
    return true;
}

/* Initialises a node database as an operator would: nation, agreement, units, officials
 * with limits in every currency of the agreement, and one activity. */
static enum acsa_rc setup_node(const char *path, const char *agreement_text, size_t length,
                               struct acsa_error *err)
{
    enum acsa_rc rc = acsa_app_init(path, NATION, "Benchmark node", err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa_app *app = NULL;
    rc = acsa_app_open(path, 0, &app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    char id[ACSA_ID_SIZE];
    rc = acsa_app_agreement_load(app, agreement_text, length, id, err);
    int64_t out_id = 0;
    for (unsigned p = 0; rc == ACSA_OK && p < 2; p++) {
        rc = acsa_app_unit_add(app, parties[p].code, parties[p].unit, &out_id, err);
        for (unsigned c = 0; rc == ACSA_OK && c < 3; c++) {
            rc = acsa_app_official_add(app, parties[p].code, parties[p].official, LIMIT_MINOR,
                                       currencies[c].code, &out_id, err);
        }
    }
    if (rc == ACSA_OK) {
        struct acsa_activity activity;
        memset(&activity, 0, sizeof(activity));
        snprintf(activity.agreement_id, sizeof(activity.agreement_id), "%s", id);
        snprintf(activity.name, sizeof(activity.name), "JIMEX %d", YEAR);
        snprintf(activity.type, sizeof(activity.type), "bilateral-training");
        snprintf(activity.place, sizeof(activity.place), "Bay of Bengal");
        activity.from_day = acsa_date_from_ymd(YEAR, 1, 1);
        activity.to_day = acsa_date_from_ymd(YEAR, 12, 31);
        rc = acsa_app_activity_add(app, &activity, &out_id, err);
    }
    acsa_app_close(app);
    return rc;
}

/* ---- acsa: domain core and store ----------------------------------------------------- */

/* The state of the acsa run; on the heap because orders are large. */
struct acsa_run {
    struct acsa_store *store;
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_official official[2];    /* By party index. */
    struct acsa_grant grants[2][ACSA_OFFICIAL_GRANTS_MAX]; /* Each official's, by party. */
    int64_t unit_id[2];                  /* By party index. */
    struct acsa_order_draft draft;
    struct acsa_order order;
    struct acsa_event event;
    struct acsa_command command;
};

static enum acsa_rc find_unit(void *ctx, int64_t id, const char *party, const char *name)
{
    struct acsa_run *run = ctx;
    for (unsigned p = 0; p < 2; p++) {
        if (strcmp(party, parties[p].code) == 0 && strcmp(name, parties[p].unit) == 0) {
            run->unit_id[p] = id;
        }
    }
    return ACSA_OK;
}

static enum acsa_rc find_activity(void *ctx, const struct acsa_activity *activity)
{
    struct acsa_run *run = ctx;
    run->activity = *activity;
    return ACSA_OK;
}

/* The store hands an agreement back as its canonical JSON. */
static enum acsa_rc parse_stored(void *ctx, const char *id, const char *json, size_t len,
                                 struct acsa_error *err)
{
    (void)id;
    return acsa_agreement_from_json(json, len, ctx, err);
}

/* Collects one official's grants into its party's slots (filled through official[p]). */
struct grant_sink {
    struct acsa_run *run;
    unsigned party;
};

static enum acsa_rc collect_grant(void *ctx, const struct acsa_grant *grant, const char *origin,
                                  int64_t origin_id)
{
    (void)origin;
    (void)origin_id;
    struct grant_sink *sink = ctx;
    struct acsa_official *o = &sink->run->official[sink->party];
    if (o->grant_count >= ACSA_OFFICIAL_GRANTS_MAX) {
        return ACSA_ELIMIT;
    }
    sink->run->grants[sink->party][o->grant_count++] = *grant;
    return ACSA_OK;
}

/* Loads what the orders refer to back from the store, as the application would. */
static enum acsa_rc acsa_run_load(struct acsa_run *run, struct acsa_error *err)
{
    const struct acsa_store_vtbl *v = run->store->vtbl;
    enum acsa_rc rc =
        v->ledger->agreement_get(run->store, "IN-JP-2020", parse_stored, &run->agreement, err);
    rc = rc == ACSA_OK ? v->ledger->unit_list(run->store, find_unit, run, err) : rc;
    rc = rc == ACSA_OK ? v->ledger->activity_list(run->store, "IN-JP-2020", find_activity, run, err)
                       : rc;
    for (unsigned p = 0; rc == ACSA_OK && p < 2; p++) {
        rc = v->ledger->official_get(run->store, parties[p].code, parties[p].official,
                             &run->official[p], err);
        /* The core judges approvals by the official's dated grants, as the app fills them. */
        struct grant_sink sink = {run, p};
        run->official[p].grant_count = 0;
        rc = rc == ACSA_OK ? v->ledger->grant_list(run->store, parties[p].code, parties[p].official,
                                           ACSA_DATE_NONE, collect_grant, &sink, err)
                           : rc;
        run->official[p].grants = run->grants[p];
        run->official[p].by_grants = true;
    }
    if (rc == ACSA_OK && (run->unit_id[0] == 0 || run->unit_id[1] == 0 || run->activity.id == 0)) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "units or activity missing after setup");
    }
    return rc;
}

static void set_line(struct acsa_order_draft *draft, unsigned index, const char *category,
                     const char *description, const char *unit_of_issue, int64_t qty,
                     int64_t price, const char *currency)
{
    struct acsa_order_line *line = &draft->lines[index];
    snprintf(line->category, sizeof(line->category), "%s", category);
    snprintf(line->description, sizeof(line->description), "%s", description);
    snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "%s", unit_of_issue);
    line->quantity_milli = qty;
    line->price_minor = price;
    snprintf(draft->line_currency[index], ACSA_CURRENCY_SIZE, "%s", currency);
}

static void draft_of(const struct acsa_run *run, const struct spec *s,
                     struct acsa_order_draft *draft)
{
    memset(draft, 0, sizeof(*draft));
    unsigned req = (unsigned)(s->req - parties);
    unsigned sup = (unsigned)(s->sup - parties);
    snprintf(draft->requester, sizeof(draft->requester), "%s", s->req->code);
    snprintf(draft->supplier, sizeof(draft->supplier), "%s", s->sup->code);
    draft->requester_unit_id = run->unit_id[req];
    draft->supplier_unit_id = run->unit_id[sup];
    draft->method = (enum acsa_method)s->method;
    snprintf(draft->place, sizeof(draft->place), "%s", s->req->place);
    draft->need_by_day = s->day + 10;
    draft->line_count = 2;
    const char *currency = currencies[s->currency].code;
    set_line(draft, 0, "pol", "Diesel fuel F-76", "l", s->qty[0], s->price[0], currency);
    set_line(draft, 1, "food", "Fresh rations", "kg", s->qty[1], s->price[1], currency);
}

/* The command of step index k (0 submit .. 4 receive) on order s. */
static void command_of(const struct acsa_run *run, const struct spec *s, unsigned k,
                       struct acsa_command *cmd)
{
    static const enum acsa_step steps[STEPS] = {ACSA_STEP_SUBMIT, ACSA_STEP_APPROVE,
                                                ACSA_STEP_ACCEPT, ACSA_STEP_ISSUE,
                                                ACSA_STEP_RECEIVE};
    unsigned req = (unsigned)(s->req - parties);
    unsigned sup = (unsigned)(s->sup - parties);
    const char *actors[STEPS] = {s->req->raiser, s->req->official, s->sup->official,
                                 s->sup->issuer, s->req->receiver};
    memset(cmd, 0, sizeof(*cmd));
    cmd->step = steps[k];
    cmd->day = s->day + step_offset[k];
    snprintf(cmd->actor, sizeof(cmd->actor), "%s", actors[k]);
    if (cmd->step == ACSA_STEP_APPROVE) {
        cmd->official = &run->official[req];
    } else if (cmd->step == ACSA_STEP_ACCEPT) {
        cmd->official = &run->official[sup];
    } else if (cmd->step == ACSA_STEP_ISSUE || cmd->step == ACSA_STEP_RECEIVE) {
        cmd->line_no = 1;
        cmd->quantity_milli = s->qty[0];
    }
}

/* One order: number, create, insert, then each step applied by the core and persisted. */
static enum acsa_rc acsa_one(struct acsa_run *run, uint64_t i, int32_t first_day,
                             struct acsa_error *err)
{
    const struct acsa_store_vtbl *v = run->store->vtbl;
    struct spec s;
    spec_of(i, first_day, &s);
    int64_t sequence = 0;
    enum acsa_rc rc = v->ledger->order_next_sequence(run->store, s.req->code, s.sup->code, YEAR,
                                             &sequence, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (sequence != s.sequence) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "order %" PRIu64 " got sequence %lld, "
                              "expected %lld", i, (long long)sequence, (long long)s.sequence);
    }
    char number[ACSA_NUMBER_SIZE];
    acsa_order_number_format(s.req->code, s.sup->code, YEAR, sequence, number);
    draft_of(run, &s, &run->draft);
    rc = acsa_order_create(&run->agreement, &run->activity, &run->draft, number, s.day,
                           s.req->raiser, &run->order, &run->event, err);
    rc = rc == ACSA_OK ? v->ledger->order_insert(run->store, &run->order, &run->event, err) : rc;
    for (unsigned k = 0; rc == ACSA_OK && k < STEPS; k++) {
        command_of(run, &s, k, &run->command);
        rc = acsa_order_apply(&run->agreement, NATION, &run->order, &run->command, &run->event,
                              err);
        rc =
            rc == ACSA_OK ? v->ledger->order_update(run->store, &run->order, &run->event, err) : rc;
    }
    return rc;
}

static enum acsa_rc acsa_open(const char *path, struct acsa_run **out_run,
                              struct acsa_error *err)
{
    struct acsa_run *run = calloc(1, sizeof(*run));
    *out_run = run;
    if (run == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = acsa_store_open(path, 0, &run->store, err);
    return rc == ACSA_OK ? acsa_run_load(run, err) : rc;
}

static void acsa_close(struct acsa_run *run)
{
    if (run != NULL) {
        acsa_store_close(run->store);
        free(run);
    }
}

/* Orders from .. to-1 in one transaction, as one command of a bulk load would write them. */
static enum acsa_rc acsa_batch(struct acsa_run *run, uint64_t from, uint64_t to,
                               int32_t first_day, struct acsa_error *err)
{
    enum acsa_rc rc = run->store->vtbl->begin_write(run->store, err);
    for (uint64_t j = from; rc == ACSA_OK && j < to; j++) {
        rc = acsa_one(run, j, first_day, err);
    }
    rc = rc == ACSA_OK ? run->store->vtbl->commit(run->store, err) : rc;
    if (rc != ACSA_OK) {
        run->store->vtbl->rollback(run->store);
    }
    return rc;
}

/* ---- raw: the same rows through plain prepared INSERTs -------------------------------- */

enum raw_stmt { RAW_ORDER, RAW_LINE, RAW_EVENT, RAW_POSTING, RAW_COUNT };

static const char *const raw_sql[RAW_COUNT] = {
    "INSERT INTO orders (number, agreement_id, requester, supplier, requester_unit_id, "
    "supplier_unit_id, activity_id, method, state, state_before_dispute, currency, exponent, "
    "place, need_by, created_on, delivered_on, invoiced_on, due_on, value_minor, "
    "received_value_minor, kind_settled_minor, cash_due_minor, paid_minor, outstanding_minor, "
    "converted, exchanged_with) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?11, "
    "?12, ?13, ?14, NULL, NULL, NULL, ?15, ?16, 0, 0, 0, ?17, 0, NULL)",
    "INSERT INTO order_lines (order_number, line_no, category, description, nsn, "
    "unit_of_issue, quantity_milli, price_minor, value_minor, issued_milli, received_milli, "
    "returned_milli, return_accepted_milli) "
    "VALUES (?1, ?2, ?3, ?4, '', ?5, ?6, ?7, ?8, ?9, ?10, 0, 0)",
    "INSERT INTO events (order_number, step, day, actor, state_from, state_to, line_no, "
    "quantity_milli, amount_minor, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, '')",
    "INSERT INTO postings (event_id, leg, order_number, partner, account, currency, "
    "amount_minor, quantity_milli, line_no, day) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
    "?10)",
};

struct raw_run {
    sqlite3 *db;
    sqlite3_stmt *stmt[RAW_COUNT];
    int64_t activity_id;
    int64_t unit_id[2];
};

/* Binds in order from index 1; the first failure is kept and later binds are skipped. */
struct binder {
    sqlite3_stmt *stmt;
    int index;
    int rc;
};

static void bind_start(struct binder *b, sqlite3_stmt *stmt)
{
    b->stmt = stmt;
    b->index = 1;
    b->rc = SQLITE_OK;
}

static void bind_text(struct binder *b, const char *text)
{
    if (b->rc == SQLITE_OK) {
        b->rc = text == NULL ? sqlite3_bind_null(b->stmt, b->index)
                             : sqlite3_bind_text(b->stmt, b->index, text, -1, SQLITE_STATIC);
    }
    b->index++;
}

static void bind_int(struct binder *b, int64_t value)
{
    if (b->rc == SQLITE_OK) {
        b->rc = sqlite3_bind_int64(b->stmt, b->index, value);
    }
    b->index++;
}

/* Steps the bound statement and resets it; SQLITE_DONE on success. */
static int bind_run(struct binder *b)
{
    int code = b->rc == SQLITE_OK ? sqlite3_step(b->stmt) : b->rc;
    (void)sqlite3_reset(b->stmt);
    return code;
}

static int raw_exec(struct raw_run *raw, const char *sql)
{
    return sqlite3_exec(raw->db, sql, NULL, NULL, NULL) == SQLITE_OK ? SQLITE_DONE
                                                                      : SQLITE_ERROR;
}

static int raw_event(struct raw_run *raw, const char *number, const char *step, int32_t day,
                     const char *actor, const char *from, const char *to, int64_t line_no,
                     int64_t quantity, int64_t amount)
{
    char day_text[ACSA_DATE_TEXT_SIZE];
    struct binder b;
    bind_start(&b, raw->stmt[RAW_EVENT]);
    bind_text(&b, number);
    bind_text(&b, step);
    bind_text(&b, acsa_date_format(day, day_text));
    bind_text(&b, actor);
    bind_text(&b, from);
    bind_text(&b, to);
    if (line_no == 0) {
        bind_text(&b, NULL);
    } else {
        bind_int(&b, line_no);
    }
    bind_int(&b, quantity);
    bind_int(&b, amount);
    return bind_run(&b);
}

/* One leg; line 0 is none (NULL), as the store writes it. */
static int raw_posting(struct raw_run *raw, int64_t event_id, int64_t leg, const char *number,
                       const char *account, const char *currency, int64_t amount,
                       int64_t quantity, int64_t line_no, const char *day)
{
    struct binder b;
    bind_start(&b, raw->stmt[RAW_POSTING]);
    bind_int(&b, event_id);
    bind_int(&b, leg);
    bind_text(&b, number);
    bind_text(&b, "JP");
    bind_text(&b, account);
    bind_text(&b, currency);
    bind_int(&b, amount);
    bind_int(&b, quantity);
    if (line_no == 0) {
        bind_text(&b, NULL);
    } else {
        bind_int(&b, line_no);
    }
    bind_text(&b, day);
    return bind_run(&b);
}

/* The two legs of a commitment of value (a release when negative), seen from IN. */
static int raw_commitment(struct raw_run *raw, int64_t event_id, int64_t leg,
                          const char *number, bool supply, bool kind, const char *currency,
                          int64_t value, int64_t line_no, const char *day)
{
    const char *mine = supply ? (kind ? "committed-receivable-kind" : "committed-receivable-cash")
                              : (kind ? "committed-payable-kind" : "committed-payable-cash");
    int code = raw_posting(raw, event_id, leg, number, supply ? mine : "committed", currency,
                           value, 0, line_no, day);
    return code == SQLITE_DONE ? raw_posting(raw, event_id, leg + 1, number,
                                             supply ? "committed" : mine, currency, -value, 0,
                                             line_no, day)
                               : code;
}

static int raw_line(struct raw_run *raw, const char *number, int64_t line_no,
                    const char *category, const char *description, const char *unit_of_issue,
                    int64_t qty, int64_t price, int64_t done)
{
    struct binder b;
    bind_start(&b, raw->stmt[RAW_LINE]);
    bind_text(&b, number);
    bind_int(&b, line_no);
    bind_text(&b, category);
    bind_text(&b, description);
    bind_text(&b, unit_of_issue);
    bind_int(&b, qty);
    bind_int(&b, price);
    bind_int(&b, qty / 1000 * price);
    bind_int(&b, done);
    bind_int(&b, done);
    return bind_run(&b);
}

/* The rows order i ends with: the order delivering, line 1 issued and received in full, six
 * events, the commitment of the acceptance and the legs of the receipt. */
static int raw_one(struct raw_run *raw, uint64_t i, int32_t first_day)
{
    struct spec s;
    spec_of(i, first_day, &s);
    unsigned req = (unsigned)(s.req - parties);
    unsigned sup = (unsigned)(s.sup - parties);
    const char *currency = currencies[s.currency].code;
    char number[ACSA_NUMBER_SIZE];
    snprintf(number, sizeof(number), "%s-%s-%04d-%06lld", s.req->code, s.sup->code, YEAR,
             (long long)s.sequence);
    int64_t line_value[2] = {s.qty[0] / 1000 * s.price[0], s.qty[1] / 1000 * s.price[1]};
    char need_by[ACSA_DATE_TEXT_SIZE];
    char created[ACSA_DATE_TEXT_SIZE];
    struct binder b;
    bind_start(&b, raw->stmt[RAW_ORDER]);
    bind_text(&b, number);
    bind_text(&b, "IN-JP-2020");
    bind_text(&b, s.req->code);
    bind_text(&b, s.sup->code);
    bind_int(&b, raw->unit_id[req]);
    bind_int(&b, raw->unit_id[sup]);
    bind_int(&b, raw->activity_id);
    bind_text(&b, method_names[s.method]);
    bind_text(&b, "delivering");
    bind_text(&b, currency);
    bind_int(&b, currencies[s.currency].exponent);
    bind_text(&b, s.req->place);
    bind_text(&b, acsa_date_format(s.day + 10, need_by));
    bind_text(&b, acsa_date_format(s.day, created));
    bind_int(&b, line_value[0] + line_value[1]);
    bind_int(&b, line_value[0]);
    bind_int(&b, line_value[0]);
    int code = bind_run(&b);
    if (code == SQLITE_DONE) {
        code = raw_line(raw, number, 1, "pol", "Diesel fuel F-76", "l", s.qty[0], s.price[0],
                        s.qty[0]);
    }
    if (code == SQLITE_DONE) {
        code = raw_line(raw, number, 2, "food", "Fresh rations", "kg", s.qty[1], s.price[1], 0);
    }
    struct {
        const char *step, *actor, *from, *to;
        int64_t line_no, quantity, amount;
        int32_t day;
    } events[STEPS + 1] = {
        {"create", s.req->raiser, "draft", "draft", 0, 0, line_value[0] + line_value[1], s.day},
        {"submit", s.req->raiser, "draft", "submitted", 0, 0, 0, s.day + step_offset[0]},
        {"approve", s.req->official, "submitted", "approved", 0, 0, 0, s.day + step_offset[1]},
        {"accept", s.sup->official, "approved", "accepted", 0, 0, 0, s.day + step_offset[2]},
        {"issue", s.sup->issuer, "accepted", "delivering", 1, s.qty[0], 0,
         s.day + step_offset[3]},
        {"receive", s.req->receiver, "delivering", "delivering", 1, s.qty[0], line_value[0],
         s.day + step_offset[4]},
    };
    int64_t accept_id = 0;
    for (unsigned k = 0; code == SQLITE_DONE && k < STEPS + 1; k++) {
        code = raw_event(raw, number, events[k].step, events[k].day, events[k].actor,
                         events[k].from, events[k].to, events[k].line_no, events[k].quantity,
                         events[k].amount);
        accept_id = k == 3 ? sqlite3_last_insert_rowid(raw->db) : accept_id;
    }
    if (code != SQLITE_DONE) {
        return code;
    }
    /* The acceptance commits the order's value; the receipt's legs, seen from IN (receiving,
     * IN owes; supplying, JP owes IN), then the release of its value from the commitment. */
    int64_t event_id = sqlite3_last_insert_rowid(raw->db);
    bool kind = s.method != 0;
    bool supply = req != 0;
    int64_t v = line_value[0];
    int64_t q = kind ? s.qty[0] : 0;
    char day[ACSA_DATE_TEXT_SIZE];
    acsa_date_format(s.day + step_offset[2], day);
    code = raw_commitment(raw, accept_id, 1, number, supply, kind, currency,
                          line_value[0] + line_value[1], 0, day);
    acsa_date_format(s.day + step_offset[4], day);
    if (code == SQLITE_DONE && !supply) {
        code = raw_posting(raw, event_id, 1, number, "received", currency, v, 0, 1, day);
        if (code == SQLITE_DONE) {
            code = raw_posting(raw, event_id, 2, number, kind ? "payable-kind" : "payable-cash",
                               currency, -v, -q, 1, day);
        }
    } else if (code == SQLITE_DONE) {
        code = raw_posting(raw, event_id, 1, number,
                           kind ? "receivable-kind" : "receivable-cash", currency, v, q, 1, day);
        if (code == SQLITE_DONE) {
            code = raw_posting(raw, event_id, 2, number, "supplied", currency, -v, 0, 1, day);
        }
    }
    return code == SQLITE_DONE ? raw_commitment(raw, event_id, 3, number, supply, kind,
                                                currency, -v, 1, day)
                               : code;
}

static int raw_lookup(struct raw_run *raw)
{
    static const char *const sql[3] = {
        "SELECT id FROM activities",
        "SELECT id FROM units WHERE party = 'IN'",
        "SELECT id FROM units WHERE party = 'JP'",
    };
    int64_t *out[3] = {&raw->activity_id, &raw->unit_id[0], &raw->unit_id[1]};
    for (unsigned k = 0; k < 3; k++) {
        sqlite3_stmt *stmt = NULL;
        if (sqlite3_prepare_v2(raw->db, sql[k], -1, &stmt, NULL) != SQLITE_OK) {
            return SQLITE_ERROR;
        }
        int code = sqlite3_step(stmt);
        *out[k] = code == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
        sqlite3_finalize(stmt);
        if (*out[k] == 0) {
            return SQLITE_ERROR;
        }
    }
    return SQLITE_DONE;
}

/* Opens the database the store created with the store's own settings (WAL, foreign keys,
 * synchronous FULL), so only the code above the SQLite API differs between the runs. */
static int raw_open(struct raw_run *raw, const char *path)
{
    if (sqlite3_open_v2(path, &raw->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        return SQLITE_ERROR;
    }
    int code = raw_exec(raw, "PRAGMA busy_timeout = 5000");
    code = code == SQLITE_DONE ? raw_exec(raw, "PRAGMA journal_mode = WAL") : code;
    code = code == SQLITE_DONE ? raw_exec(raw, "PRAGMA foreign_keys = ON") : code;
    code = code == SQLITE_DONE ? raw_exec(raw, "PRAGMA synchronous = FULL") : code;
    for (unsigned k = 0; code == SQLITE_DONE && k < RAW_COUNT; k++) {
        if (sqlite3_prepare_v2(raw->db, raw_sql[k], -1, &raw->stmt[k], NULL) != SQLITE_OK) {
            code = SQLITE_ERROR;
        }
    }
    return code == SQLITE_DONE ? raw_lookup(raw) : code;
}

static void raw_close(struct raw_run *raw)
{
    for (unsigned k = 0; k < RAW_COUNT; k++) {
        sqlite3_finalize(raw->stmt[k]);
    }
    sqlite3_close_v2(raw->db);
}

static int raw_batch(struct raw_run *raw, uint64_t from, uint64_t to, int32_t first_day)
{
    int code = raw_exec(raw, "BEGIN IMMEDIATE");
    for (uint64_t j = from; code == SQLITE_DONE && j < to; j++) {
        code = raw_one(raw, j, first_day);
    }
    code = code == SQLITE_DONE ? raw_exec(raw, "COMMIT") : code;
    if (code != SQLITE_DONE && sqlite3_get_autocommit(raw->db) == 0) {
        (void)raw_exec(raw, "ROLLBACK");
    }
    return code;
}

/* ---- The two runs --------------------------------------------------------------------- */

/* The acsa run over every order, then the raw run. They run one after the other rather than
 * batch by batch: alternating batches would let each side's commits flush the other's dirty
 * pages and evict its caches, which slows the lean raw side most and flatters the ratio. */
static bool ingest(const char *path, const char *raw_path, uint64_t count, uint64_t batch,
                   int32_t first_day, struct meter *acsa, struct meter *raw)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_run *run = NULL;
    enum acsa_rc rc = acsa_open(path, &run, &err);
    for (uint64_t i = 0; rc == ACSA_OK && i < count; i += batch) {
        uint64_t end = i + batch < count ? i + batch : count;
        struct timer timer;
        timer_start(&timer);
        rc = acsa_batch(run, i, end, first_day, &err);
        meter_add(acsa, &timer);
        if (end % PROGRESS_EVERY == 0 || end == count) {
            fprintf(stderr, "acsa: %" PRIu64 " orders, %.1f s\n", end, acsa->seconds);
        }
    }
    acsa_close(run);
    if (rc != ACSA_OK) {
        fprintf(stderr, "bench_ingest: %s: %s\n", path, err.message);
        return false;
    }
    struct raw_run reference;
    memset(&reference, 0, sizeof(reference));
    int code = raw_open(&reference, raw_path);
    for (uint64_t i = 0; code == SQLITE_DONE && i < count; i += batch) {
        uint64_t end = i + batch < count ? i + batch : count;
        struct timer timer;
        timer_start(&timer);
        code = raw_batch(&reference, i, end, first_day);
        meter_add(raw, &timer);
        if (end % PROGRESS_EVERY == 0 || end == count) {
            fprintf(stderr, "raw:  %" PRIu64 " orders, %.1f s\n", end, raw->seconds);
        }
    }
    if (code != SQLITE_DONE) {
        fprintf(stderr, "bench_ingest: raw insert into %s: %s\n", raw_path,
                reference.db != NULL ? sqlite3_errmsg(reference.db) : "out of memory");
    }
    raw_close(&reference);
    return code == SQLITE_DONE;
}

/* ---- Comparing the two databases ---------------------------------------------------- */

/* Per table: row count and sums over every column, so two databases that agree on these
 * hold the same rows (up to an unlikely cancellation). */
static const struct {
    const char *table;
    const char *sql;
} digests[] = {
    {"orders",
     "SELECT count(*), total(length(number || agreement_id || requester || supplier || method "
     "|| state || currency || place || need_by || created_on)), total(requester_unit_id + "
     "supplier_unit_id + activity_id + exponent), total(value_minor), "
     "total(received_value_minor + kind_settled_minor + cash_due_minor + paid_minor), "
     "total(outstanding_minor), count(state_before_dispute) + count(delivered_on) + "
     "count(invoiced_on) + count(due_on) + count(exchanged_with) + total(converted) "
     "FROM orders"},
    {"order_lines",
     "SELECT count(*), total(length(order_number || category || description || nsn || "
     "unit_of_issue)), total(line_no), total(quantity_milli), total(price_minor), "
     "total(value_minor), total(issued_milli + 3 * received_milli + 5 * returned_milli + "
     "7 * return_accepted_milli) FROM order_lines"},
    {"events",
     "SELECT count(*), total(length(order_number || step || day || actor || state_from || "
     "state_to || detail)), total(id), total(line_no), count(line_no), total(quantity_milli), "
     "total(amount_minor) FROM events"},
    {"postings",
     "SELECT count(*), total(length(order_number || partner || account || currency || day)), "
     "total(event_id * 3 + leg), total(amount_minor), total(quantity_milli), total(line_no), "
     "total(abs(amount_minor) * length(account)) FROM postings"},
};

#define DIGEST_COLUMNS 7

static bool digest_of(sqlite3 *db, const char *sql, double out[DIGEST_COLUMNS])
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench_ingest: %s\n", sqlite3_errmsg(db));
        return false;
    }
    bool ok = sqlite3_step(stmt) == SQLITE_ROW;
    for (int c = 0; ok && c < DIGEST_COLUMNS; c++) {
        out[c] = sqlite3_column_double(stmt, c);
    }
    sqlite3_finalize(stmt);
    return ok;
}

/* Prints the rows per table of both databases; false if they differ in any digest. */
static bool compare(const char *acsa_path, const char *raw_path)
{
    sqlite3 *db[2] = {NULL, NULL};
    const char *paths[2] = {acsa_path, raw_path};
    bool same = true;
    for (int d = 0; d < 2; d++) {
        if (sqlite3_open_v2(paths[d], &db[d], SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            same = false;
        }
    }
    printf("%-12s %14s %14s\n", "rows", "acsa", "raw");
    for (size_t t = 0; same && t < sizeof(digests) / sizeof(digests[0]); t++) {
        double digest[2][DIGEST_COLUMNS] = {{0.0}, {0.0}};
        same = digest_of(db[0], digests[t].sql, digest[0]) &&
               digest_of(db[1], digests[t].sql, digest[1]) &&
               memcmp(digest[0], digest[1], sizeof(digest[0])) == 0;
        printf("%-12s %14.0f %14.0f%s\n", digests[t].table, digest[0][0], digest[1][0],
               same ? "" : "  (contents differ)");
    }
    sqlite3_close_v2(db[0]);
    sqlite3_close_v2(db[1]);
    return same;
}

/* ---- Main ----------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: bench_ingest DBPATH [COUNT [BATCH]]\n"
                        "  creates DBPATH (COUNT orders, default %d, in transactions of BATCH,\n"
                        "  default %d) and DBPATH.raw (the same rows by plain INSERTs)\n",
                DEFAULT_COUNT, DEFAULT_BATCH);
        return 2;
    }
    uint64_t count = DEFAULT_COUNT;
    uint64_t batch = DEFAULT_BATCH;
    if ((argc > 2 && !parse_count(argv[2], "COUNT", &count)) ||
        (argc > 3 && !parse_count(argv[3], "BATCH", &batch))) {
        return 2;
    }
    const char *path = argv[1];
    char raw_path[4096];
    if ((size_t)snprintf(raw_path, sizeof(raw_path), "%s.raw", path) >= sizeof(raw_path)) {
        fprintf(stderr, "bench_ingest: path too long\n");
        return 2;
    }
    static char agreement_text[AGREEMENT_TEXT_MAX];
    size_t length = 0;
    if (!read_file(AGREEMENT_FILE, agreement_text, sizeof(agreement_text), &length)) {
        return 1;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    if (setup_node(path, agreement_text, length, &err) != ACSA_OK) {
        return fail(path, &err);
    }
    if (setup_node(raw_path, agreement_text, length, &err) != ACSA_OK) {
        return fail(raw_path, &err);
    }
    int32_t first_day = acsa_date_from_ymd(YEAR, 1, 2);
    printf("ingest: %" PRIu64 " orders in transactions of %" PRIu64 " (WAL, synchronous=FULL); "
           "acsa first, then raw\n"
           "per order: 1 order, 2 lines, 6 events (create, submit, approve, accept, issue, "
           "receive), 6 postings\n",
           count, batch);
    fflush(stdout);
    struct meter acsa = {0.0, 0.0};
    struct meter raw = {0.0, 0.0};
    if (!ingest(path, raw_path, count, batch, first_day, &acsa, &raw)) {
        return 1;
    }
    bool same = compare(path, raw_path);
    double acsa_rate = (double)count / acsa.seconds;
    double raw_rate = (double)count / raw.seconds;
    double ratio = acsa_rate / raw_rate;
    printf("%-30s %9s %9s %10s %9s\n", "", "orders", "seconds", "orders/s", "cpu s");
    printf("%-30s %9" PRIu64 " %9.2f %10.0f %9.2f\n", "acsa (core + store)", count,
           acsa.seconds, acsa_rate, acsa.cpu_seconds);
    printf("%-30s %9" PRIu64 " %9.2f %10.0f %9.2f\n", "raw SQLite INSERT (reference)", count,
           raw.seconds, raw_rate, raw.cpu_seconds);
    printf("ratio acsa/raw orders/s: %.2f (target >= 0.50: %s); by cpu time: %.2f\n", ratio,
           ratio >= 0.5 ? "met" : "missed", raw.cpu_seconds / acsa.cpu_seconds);
    if (!same) {
        fprintf(stderr, "bench_ingest: the two databases do not hold the same rows\n");
        return 1;
    }
    return 0;
}
