/* SPDX-License-Identifier: MIT */
/* The two-node scenario of nodes.h, made with the application commands as test_sync.c does. */
#include "nodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app_int.h"
#include "auth.h"
#include "date.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define AGREEMENT "IN-JP-2020"
#define AGREEMENT_BYTES 65536

static void check(enum acsa_rc rc, const struct acsa_error *err, const char *what)
{
    if (rc != ACSA_OK) {
        fprintf(stderr, "fuzz nodes: %s: %s: %s\n", what, acsa_rc_name(rc), err->message);
        exit(2);
    }
}

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    check(acsa_date_parse(text, "date", &day, &err), &err, text);
    return day;
}

static void load_agreement(struct fuzz_node *n)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/india-japan-2020.json", ACSA_SOURCE_ROOT);
    FILE *file = fopen(path, "rb");
    char *text = calloc(1, AGREEMENT_BYTES);
    if (file == NULL || text == NULL) {
        fprintf(stderr, "fuzz nodes: cannot read %s\n", path);
        exit(2);
    }
    size_t size = fread(text, 1, AGREEMENT_BYTES - 1, file);
    fclose(file);
    char id[ACSA_ID_SIZE];
    struct acsa_error err;
    check(acsa_app_agreement_load(n->app, text, size, id, &err), &err, "agreement");
    free(text);
}

static void node_init(struct fuzz_nodes *f, struct fuzz_node *n, const char *nation)
{
    struct acsa_error err;
    n->nation = nation;
    snprintf(n->path, sizeof(n->path), "%s/%s.db", f->dir, nation);
    check(acsa_app_init(n->path, nation, nation, &err), &err, "init");
    check(acsa_app_open(n->path, 0, &n->app, &err), &err, "open");
    acsa_app_set_actor(n->app, "fuzz");
    load_agreement(n);
    uint8_t pk[32];
    check(acsa_app_node_public_key(n->app, pk, &err), &err, "public key");
    acsa_node_key_text(pk, n->key);
    FILE *file = fopen(acsa_app_node_key_path(n->app), "rb");
    if (file == NULL || fread(n->sk, 1, sizeof(n->sk), file) != sizeof(n->sk)) {
        fprintf(stderr, "fuzz nodes: cannot read the key of %s\n", nation);
        exit(2);
    }
    fclose(file);
}

/* Everything from has for to that to has not taken in yet. */
static void sync_nodes(struct fuzz_node *from, struct fuzz_node *to)
{
    struct acsa_error err;
    struct acsa_peer peer;
    check(acsa_app_peer_get(to->app, from->nation, &peer, &err), &err, "peer");
    uint8_t *buf = NULL;
    size_t len = 0;
    struct acsa_batch_info info;
    check(acsa_app_batch_export(from->app, to->nation, peer.received_through, 0, FUZZ_NOW, &buf,
                                &len, &info, &err), &err, "export");
    struct acsa_batch_result result;
    check(acsa_app_batch_import(to->app, buf, len, "sync", FUZZ_NOW, &result, &err), &err,
          "import");
    free(buf);
    if (result.quarantined != 0) {
        fprintf(stderr, "fuzz nodes: the scenario's batch was refused in part\n");
        exit(2);
    }
}

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

static void create(struct fuzz_node *n, enum acsa_method method, const char *requester,
                   const char *supplier, int64_t requester_unit, int64_t supplier_unit,
                   int64_t activity, char number[ACSA_NUMBER_SIZE])
{
    struct acsa_order_draft d;
    memset(&d, 0, sizeof(d));
    snprintf(d.requester, sizeof(d.requester), "%s", requester);
    snprintf(d.supplier, sizeof(d.supplier), "%s", supplier);
    d.requester_unit_id = requester_unit;
    d.supplier_unit_id = supplier_unit;
    d.method = method;
    snprintf(d.place, sizeof(d.place), "Yokosuka");
    d.need_by_day = day_of("2024-06-05");
    set_line(&d, 0, "pol", 10000, 1000);
    set_line(&d, 1, "food", 4000, 2500);
    d.recorded_day = day_of("2024-06-01"); /* Recorded on its day: not back-entered. */
    struct acsa_error err;
    check(acsa_app_order_create(n->app, AGREEMENT, activity, &d, day_of("2024-06-01"), "Lt Iyer",
                                number, &err), &err, "create");
}

static void take(struct fuzz_node *n, const char *number, enum acsa_step step,
                 const char *actor, uint32_t line, int64_t qty, int64_t amount)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    /* Settlement steps are dated on or after the invoice, the others before it. */
    bool settling = step == ACSA_STEP_INVOICE || step == ACSA_STEP_PAY || step == ACSA_STEP_CLOSE;
    cmd.day = day_of(settling ? "2024-06-12" : "2024-06-10");
    cmd.recorded_day = cmd.day;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    cmd.line_no = line;
    cmd.quantity_milli = qty;
    cmd.amount_minor = amount;
    if (amount != 0) {
        snprintf(cmd.currency, sizeof(cmd.currency), "JPY");
    }
    if (step == ACSA_STEP_DISPUTE || step == ACSA_STEP_CANCEL) {
        snprintf(cmd.reason, sizeof(cmd.reason), "short delivery");
    }
    struct acsa_error err;
    check(acsa_app_order_step(n->app, number, &cmd, NULL, &err), &err, acsa_step_name(step));
}

static int64_t activity_add(struct fuzz_node *n, const char *name, const char *from,
                            const char *to)
{
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    snprintf(activity.agreement_id, sizeof(activity.agreement_id), AGREEMENT);
    snprintf(activity.name, sizeof(activity.name), "%s", name);
    snprintf(activity.type, sizeof(activity.type), "bilateral-training");
    snprintf(activity.place, sizeof(activity.place), "Arabian Sea");
    activity.from_day = day_of(from);
    activity.to_day = day_of(to);
    int64_t id = 0;
    struct acsa_error err;
    check(acsa_app_activity_add(n->app, &activity, &id, &err), &err, "activity");
    return id;
}

static int64_t unit_add(struct fuzz_node *n, const char *party, const char *name)
{
    int64_t id = 0;
    struct acsa_error err;
    check(acsa_app_unit_add(n->app, party, name, &id, &err), &err, "unit");
    return id;
}

static int64_t ref_of(struct fuzz_node *n, enum acsa_ref_kind kind, int64_t origin_id)
{
    int64_t id = 0;
    struct acsa_error err;
    struct acsa_store *s = acsa__app_store(n->app);
    check(s->vtbl->sync->ref_find(s, kind, "IN", origin_id, &id, &err), &err, "ref");
    return id;
}

static void officials(struct fuzz_node *n, const char *party, const char *a, const char *b)
{
    int64_t id = 0;
    struct acsa_error err;
    check(acsa_app_official_add(n->app, party, a, 100000000, "JPY", &id, &err), &err, a);
    check(acsa_app_official_add(n->app, party, b, 100000000, "JPY", &id, &err), &err, b);
}

/* Orders of each method that both nodes hold, then India's steps Japan has not seen. */
static void scenario(struct fuzz_node *in, struct fuzz_node *jp)
{
    officials(in, "IN", "Cdr Rao", "Cdr Menon");
    officials(jp, "JP", "Capt Sato", "Cdr Kato");
    int64_t navy = unit_add(in, "IN", "Indian Navy");
    int64_t jmsdf = unit_add(in, "JP", "JMSDF");
    int64_t jimex = activity_add(in, "JIMEX 2024", "2024-06-01", "2024-06-20");
    char cash[ACSA_NUMBER_SIZE];
    char eve[ACSA_NUMBER_SIZE];
    char rik[ACSA_NUMBER_SIZE];
    char late[ACSA_NUMBER_SIZE];
    create(in, ACSA_METHOD_CASH, "IN", "JP", navy, jmsdf, jimex, cash);
    take(in, cash, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    take(in, cash, ACSA_STEP_APPROVE, "Cdr Rao", 0, 0, 0);
    create(in, ACSA_METHOD_RIK, "IN", "JP", navy, jmsdf, jimex, rik);
    sync_nodes(in, jp);
    take(jp, cash, ACSA_STEP_ACCEPT, "Capt Sato", 0, 0, 0);
    take(jp, cash, ACSA_STEP_ISSUE, "PO Tanaka", 1, 6000, 0);
    create(jp, ACSA_METHOD_EVE, "JP", "IN", ref_of(jp, ACSA_REF_UNIT, jmsdf),
           ref_of(jp, ACSA_REF_UNIT, navy), ref_of(jp, ACSA_REF_ACTIVITY, jimex), eve);
    take(jp, eve, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    take(jp, eve, ACSA_STEP_APPROVE, "Cdr Kato", 0, 0, 0);
    sync_nodes(jp, in);
    /* What follows is India's alone. */
    take(in, cash, ACSA_STEP_RECEIVE, "CPO Das", 1, 6000, 0);
    take(in, cash, ACSA_STEP_DISPUTE, "Cdr Rao", 0, 0, 0);
    take(in, eve, ACSA_STEP_ACCEPT, "Cdr Menon", 0, 0, 0);
    take(in, eve, ACSA_STEP_ISSUE, "PO Nair", 1, 6000, 0);
    take(in, rik, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
    take(in, rik, ACSA_STEP_CANCEL, "Lt Iyer", 0, 0, 0);
    int64_t tabar = unit_add(in, "IN", "INS Tabar");
    int64_t malabar = activity_add(in, "Malabar 2024", "2024-06-08", "2024-06-30");
    create(in, ACSA_METHOD_CASH, "IN", "JP", tabar, jmsdf, malabar, late);
    take(in, late, ACSA_STEP_SUBMIT, "Lt Iyer", 0, 0, 0);
}

void fuzz_nodes_setup(struct fuzz_nodes *f)
{
    memset(f, 0, sizeof(*f));
    struct stat st;
    const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(f->dir, sizeof(f->dir), "%s/acsa-fuzz-XXXXXX", base);
    if (mkdtemp(f->dir) == NULL) {
        fprintf(stderr, "fuzz nodes: cannot make %s\n", f->dir);
        exit(2);
    }
    node_init(f, &f->in, "IN");
    node_init(f, &f->jp, "JP");
    struct acsa_error err;
    check(acsa_app_peer_add(f->in.app, "JP", "", f->jp.key, &err), &err, "peer JP");
    check(acsa_app_peer_add(f->jp.app, "IN", "", f->in.key, &err), &err, "peer IN");
    scenario(&f->in, &f->jp);
}

static void remove_node(struct fuzz_node *n)
{
    if (n->app != NULL) {
        acsa_app_close(n->app);
        n->app = NULL;
    }
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[200];
        snprintf(path, sizeof(path), "%s%s", n->path, suffixes[i]);
        unlink(path);
    }
}

void fuzz_nodes_teardown(struct fuzz_nodes *f)
{
    remove_node(&f->in);
    remove_node(&f->jp);
    rmdir(f->dir);
}
