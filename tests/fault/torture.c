/* SPDX-License-Identifier: MIT */
/* Allocation failure torture, as SQLite tests itself: each scenario runs once untouched for its
 * reference result, then again with allocation 1, 2, 3, ... made to fail (once, and with
 * --persistent also from then on) until a run passes without reaching the failure. Every run
 * must end in ACSA_OK or a clean ACSA_ENOMEM/ACSA_ESTORAGE, leave no leak (the sanitizer build
 * checks after each run), and leave each database whole: integrity and the audit chain intact,
 * every row as before the failed command, or as after it if it had committed.
 *
 * Usage: torture [--stride N] [--persistent] [--leak-check-each] [--only NAME]
 *   --stride N         try every Nth failure point only (the suite's budget); 1 tries all
 *   --persistent       also fail every allocation after the Nth
 *   --leak-check-each  in the sanitizer build, check for leaks after every run (slow)
 *   --only NAME        one scenario (agreement, agreement-load, order, reports, sync)
 * TORTURE_FROM=N starts at point N and TORTURE_DEBUG=1 prints each run, to study one. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agreement_json.h"
#include "alloc.h"
#include "app_reads.h"
#include "auth.h"
#include "date.h"
#include "fault_alloc.h"
#include "fault_util.h"
#include "node.h"
#include "order_json.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_CHECK() (__lsan_do_recoverable_leak_check() == 0)
#else
#define LEAK_CHECK() true
#endif
/* Without --leak-check-each, a leak is reported once, at exit, by the sanitizer build. */

#define STEPS_MAX 16                    /* Commands of the lifecycle: create and its steps. */
#define POINTS_MAX 2000000ul            /* A scenario that never ends is a failure. */

struct torture {
    char dir[64];
    char base[FX_PATH_SIZE];            /* The node the scenario starts from (IN). */
    char work[FX_PATH_SIZE];            /* Its copy, faulted. */
    char peer_base[FX_PATH_SIZE];       /* JP, for the sync scenario. */
    char peer_work[FX_PATH_SIZE];
    struct fx_ids ids;
    size_t step;                        /* Lifecycle: the command faulted (0: create). */
    uint64_t before;                    /* Digest of work before the faulted command. */
    uint64_t after;                     /* ... and after it, from the reference run. */
    uint64_t peer_before;
    uint64_t peer_after;
    uint64_t output;                    /* Digest of what a read scenario rendered. */
    uint64_t reference_output;
    char *agreement;                    /* A file's text (agreement scenarios). */
    size_t agreement_size;
};

/* A scenario: run is the faulted part; check judges a run's result with no fault armed. */
struct scenario {
    const char *name;
    enum acsa_rc (*run)(struct torture *t, struct acsa_error *err);
    bool (*check)(struct torture *t, enum acsa_rc rc, char *why, size_t size);
    const char *finding;                /* The defect it found, fixed since (or ""). */
};

static uint64_t mix(uint64_t h, const char *text)
{
    for (; *text != '\0'; text++) {
        h = (h ^ (unsigned char)*text) * 1099511628211ull;
    }
    return (h ^ 0xffu) * 1099511628211ull;
}

/* ---- Scenario: parse and canonicalise an agreement file (format layer only) ------------ */

static enum acsa_rc run_agreement(struct torture *t, struct acsa_error *err)
{
    struct acsa_agreement *a = calloc(2, sizeof(*a));
    char *canonical = NULL;
    char *again = NULL;
    enum acsa_rc rc = acsa_agreement_from_json(t->agreement, t->agreement_size, &a[0], err);
    rc = rc == ACSA_OK ? acsa_agreement_to_json(&a[0], &canonical, err) : rc;
    rc = rc == ACSA_OK ? acsa_agreement_from_json(canonical, strlen(canonical), &a[1], err) : rc;
    rc = rc == ACSA_OK ? acsa_agreement_to_json(&a[1], &again, err) : rc;
    if (rc == ACSA_OK) {
        t->output = mix(mix(1, canonical), again);
        if (strcmp(canonical, again) != 0) {
            rc = acsa_error_set(err, ACSA_EREFUSED, "$", "canonical text not stable");
        }
    }
    acsa_free(canonical);
    acsa_free(again);
    free(a);
    return rc;
}

static bool check_output(struct torture *t, enum acsa_rc rc, char *why, size_t size)
{
    if (rc == ACSA_OK && t->output != t->reference_output) {
        snprintf(why, size, "succeeded with another result than the untouched run");
        return false;
    }
    return true;
}

/* ---- Scenario: load an agreement into a node ------------------------------------------ */

static enum acsa_rc run_agreement_load(struct torture *t, struct acsa_error *err)
{
    struct acsa_app *app = NULL;
    enum acsa_rc rc = acsa_app_open(t->work, 0, &app, err);
    char id[ACSA_ID_SIZE];
    rc = rc == ACSA_OK ? acsa_app_agreement_load(app, t->agreement, t->agreement_size, id, err)
                       : rc;
    acsa_app_close(app);
    return rc;
}

/* The database is whole and holds exactly what it held before the command or after it. */
static bool check_before_or_after(struct torture *t, enum acsa_rc rc, char *why, size_t size)
{
    if (!fx_check_db(t->work, why, size)) {
        return false;
    }
    uint64_t now = fx_digest(t->work, rc == ACSA_OK);
    uint64_t now_timeless = fx_digest(t->work, true);
    if (rc == ACSA_OK ? now != t->after : now != t->before && now_timeless != t->after) {
        snprintf(why, size, "%s, but the rows are neither those before nor after the command",
                 rc == ACSA_OK ? "succeeded" : "failed");
        return false;
    }
    return true;
}

/* ---- Scenario: one command of a cash order's life, on the database the ones before left --- */

static enum acsa_rc run_step(struct torture *t, struct acsa_error *err)
{
    struct acsa_app *app = NULL;
    enum acsa_rc rc = acsa_app_open(t->work, 0, &app, err);
    char number[ACSA_NUMBER_SIZE] = "IN-JP-2024-000001";
    if (rc == ACSA_OK) {
        rc = t->step == 0 ? fx_create(app, &t->ids, number, err)
                          : fx_take(app, number, &fx_cash_steps[t->step - 1], err);
    }
    acsa_app_close(app);
    return rc;
}

/* ---- Scenario: the reports (order list, balance, one order) as the CLI renders them ---- */

/* As the CLI prints JSON (src/cli/output.c): a dump during which an allocation failed may
 * have left something out, so it counts as out of memory. */
static enum acsa_rc render(struct torture *t, json_t *value, struct acsa_error *err)
{
    unsigned long failures = acsa_alloc_failures();
    char *text = value != NULL ? json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(value);
    if (text == NULL || acsa_alloc_failures() != failures) {
        acsa_free(text);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    t->output = mix(t->output, text);
    if (getenv("TORTURE_DEBUG") != NULL) {
        fprintf(stderr, "rendered: %s\n", text);
    }
    acsa_free(text);
    return ACSA_OK;
}

struct render_ctx {
    struct torture *t;
    struct acsa_error *err;
};

static enum acsa_rc summary_row(void *ctx, const struct acsa_order_summary *order)
{
    struct render_ctx *r = ctx;
    return render(r->t, acsa_order_summary_json(order), r->err);
}

static enum acsa_rc balance_line(void *ctx, const struct acsa_balance_line *line, acsa_wide net)
{
    struct render_ctx *r = ctx;
    return render(r->t, acsa_balance_line_json(line, net), r->err);
}

static enum acsa_rc run_reports(struct torture *t, struct acsa_error *err)
{
    t->output = 1;
    struct acsa_app *app = NULL;
    enum acsa_rc rc = acsa_app_open(t->work, 0, &app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct render_ctx ctx = {t, err};
    rc = acsa_app_order_list(app, NULL, summary_row, &ctx, err);
    struct acsa_balance_grouper grouper = {.emit = balance_line, .ctx = &ctx, .err = err};
    rc = rc == ACSA_OK ? acsa_app_balance(app, "", ACSA_DATE_NONE, acsa_balance_grouper_row,
                                          &grouper, err)
                       : rc;
    rc = rc == ACSA_OK ? acsa_balance_grouper_finish(&grouper) : rc;
    struct acsa_order_view *view = calloc(1, sizeof(*view));
    rc = rc == ACSA_OK ? acsa_app_order_get(app, "IN-JP-2024-000001", &view->order, NULL, err)
                       : rc;
    if (rc == ACSA_OK) {
        rc = acsa_app_order_view(app, view);
        rc = rc == ACSA_OK ? render(t, acsa_order_json(view, fx_day("2024-09-01")), err) : rc;
    }
    free(view);
    struct acsa_audit_verdict verdict;
    rc = rc == ACSA_OK ? acsa_app_audit_verify(app, &verdict, err) : rc;
    if (rc == ACSA_OK && !verdict.ok) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "audit", "audit chain broken: %s",
                            verdict.reason);
    }
    acsa_app_close(app);
    return rc;
}

static bool check_read_only(struct torture *t, enum acsa_rc rc, char *why, size_t size)
{
    if (!fx_check_db(t->work, why, size)) {
        return false;
    }
    if (fx_digest(t->work, false) != t->before) {
        snprintf(why, size, "a read changed the database");
        return false;
    }
    return check_output(t, rc, why, size);
}

/* ---- Scenario: a batch from India's node taken in by Japan's -------------------------- */

static enum acsa_rc run_sync(struct torture *t, struct acsa_error *err)
{
    struct acsa_app *in = NULL;
    struct acsa_app *jp = NULL;
    enum acsa_rc rc = acsa_app_open(t->work, 0, &in, err);
    rc = rc == ACSA_OK ? acsa_app_open(t->peer_work, 0, &jp, err) : rc;
    uint8_t *batch = NULL;
    size_t size = 0;
    struct acsa_batch_info info;
    rc = rc == ACSA_OK ? acsa_app_batch_export(in, "JP", 0, 0, FX_NOW, &batch, &size, &info,
                                               err) : rc;
    struct acsa_batch_result result;
    rc = rc == ACSA_OK ? acsa_app_batch_import(jp, batch, size, "sync", FX_NOW, &result, err)
                       : rc;
    if (rc == ACSA_OK && result.quarantined != 0) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "batch", "%u records quarantined",
                            result.quarantined);
    }
    acsa_free(batch);
    acsa_app_close(in);
    acsa_app_close(jp);
    return rc;
}

static bool check_sync(struct torture *t, enum acsa_rc rc, char *why, size_t size)
{
    if (!fx_check_db(t->work, why, size) || !fx_check_db(t->peer_work, why, size)) {
        return false;
    }
    if (fx_digest(t->work, false) != t->before) {
        snprintf(why, size, "exporting a batch changed the sender's database");
        return false;
    }
    uint64_t now = fx_digest(t->peer_work, rc == ACSA_OK);
    if (rc == ACSA_OK ? now != t->peer_after
                      : now != t->peer_before && fx_digest(t->peer_work, true) != t->peer_after) {
        snprintf(why, size, "the receiver holds neither nothing nor the whole batch");
        return false;
    }
    return true;
}

/* ---- The loop ------------------------------------------------------------------------- */

struct options {
    unsigned long stride;
    bool persistent;
    bool leak_check_each;               /* After every run: names the point that leaked. */
    const char *only;
};

static void reset(struct torture *t)
{
    if (t->base[0] == '\0') {
        return;
    }
    fx_copy_db(t->base, t->work);
    if (t->peer_base[0] != '\0') {
        fx_copy_db(t->peer_base, t->peer_work);
    }
}

/* One run with allocation n failing; false (with why) if it did not end cleanly. *hit tells
 * whether the failure point was reached. */
static bool run_point(struct torture *t, const struct scenario *s, unsigned long n,
                      const struct options *o, bool persistent, bool *hit, unsigned long *count,
                      char *why, size_t size)
{
    reset(t);
    struct acsa_error err;
    acsa_error_clear(&err);
    fault_alloc_arm(n, persistent);
    enum acsa_rc rc = s->run(t, &err);
    fault_alloc_disarm();
    *hit = fault_alloc_failures() > 0;
    *count = fault_alloc_count();
    if (getenv("TORTURE_DEBUG") != NULL) {
        fprintf(stderr, "point %lu: %s, %lu allocations, %lu failed: %s\n", n, acsa_rc_name(rc),
                fault_alloc_count(), fault_alloc_failures(), err.message);
    }
    if (rc != ACSA_OK && (!*hit || !fx_clean_failure(rc))) {
        snprintf(why, size, "%s: %s", acsa_rc_name(rc), err.message);
        return false;
    }
    if (!s->check(t, rc, why, size)) {
        return false;
    }
    if (o->leak_check_each && !LEAK_CHECK()) {
        snprintf(why, size, "memory leaked (see the sanitizer's report above)");
        return false;
    }
    return true;
}

/* Fails allocation 1, 1 + stride, ... until a run passes without reaching it. */
static void torture(struct torture *t, const struct scenario *s, const char *label,
                    const struct options *o, bool persistent)
{
    unsigned long tried = 0;
    unsigned long n;
    bool ok = true;
    bool hit = true;
    unsigned long total = 0;
    char why[FX_WHY_SIZE] = "";
    n = getenv("TORTURE_FROM") != NULL ? strtoul(getenv("TORTURE_FROM"), NULL, 10) : 1;
    for (; hit && n < POINTS_MAX; n += o->stride) {
        ok = run_point(t, s, n, o, persistent, &hit, &total, why, sizeof(why));
        tried += hit ? 1 : 0;
        if (!ok) {
            break;
        }
    }
    tap_ok(ok && !hit, "%s%s: %lu allocation failure points tried (%s, of %lu allocations), "
           "each a clean error%s", s->name, label, tried, persistent ? "persistent" : "once",
           total, s->finding);
    if (!ok) {
        tap_diag("%s%s: failing allocation %lu: %s", s->name, label, n, why);
    }
}

static void reference(struct torture *t, const struct scenario *s)
{
    reset(t);
    struct acsa_error err;
    enum acsa_rc rc = s->run(t, &err);
    if (rc != ACSA_OK) {
        fprintf(stderr, "torture: %s: untouched run failed: %s\n", s->name, err.message);
        abort();
    }
    t->reference_output = t->output;
    t->after = t->base[0] != '\0' ? fx_digest(t->work, true) : 0;
    if (t->peer_base[0] != '\0') {
        t->peer_after = fx_digest(t->peer_work, true);
    }
}

/* Runs s's reference, then the torture in each mode asked for. */
static void scenario(struct torture *t, const struct scenario *s, const char *label,
                     const struct options *o)
{
    if (o->only != NULL && strcmp(o->only, s->name) != 0) {
        return;
    }
    t->before = t->base[0] != '\0' ? fx_digest(t->base, false) : 0;
    t->peer_before = t->peer_base[0] != '\0' ? fx_digest(t->peer_base, false) : 0;
    reference(t, s);
    torture(t, s, label, o, false);
    if (o->persistent) {
        torture(t, s, label, o, true);
    }
}

/* ---- Preparation ---------------------------------------------------------------------- */

static void set_paths(struct torture *t, const char *base, const char *peer_base)
{
    snprintf(t->base, sizeof(t->base), "%s", base);
    snprintf(t->work, sizeof(t->work), "%s/work.db", t->dir);
    snprintf(t->peer_base, sizeof(t->peer_base), "%s", peer_base);
    snprintf(t->peer_work, sizeof(t->peer_work), "%s/peer-work.db", t->dir);
}

static void set_agreement(struct torture *t, const char *file)
{
    free(t->agreement);
    t->agreement = fx_source(file, &t->agreement_size);
}

/* step-K.db: the node after the first K commands of the cash order (no faults). */
static void make_lifecycle(struct torture *t, const struct scenario *step)
{
    char from[FX_PATH_SIZE];
    char to[FX_PATH_SIZE];
    snprintf(from, sizeof(from), "%s/in.db", t->dir);
    for (size_t k = 0; k <= fx_cash_step_count; k++) {
        snprintf(to, sizeof(to), "%s/step-%zu.db", t->dir, k + 1);
        set_paths(t, from, "");
        t->step = k;
        reset(t);
        struct acsa_error err;
        if (step->run(t, &err) != ACSA_OK) {
            fprintf(stderr, "torture: lifecycle command %zu: %s\n", k, err.message);
            abort();
        }
        fx_copy_db(t->work, to);
        snprintf(from, sizeof(from), "%s", to);
    }
}

/* Two linked nodes; India's has an order created, submitted and approved. */
static void make_pair(struct torture *t)
{
    char in[FX_PATH_SIZE];
    char jp[FX_PATH_SIZE];
    snprintf(in, sizeof(in), "%s/pair-in.db", t->dir);
    snprintf(jp, sizeof(jp), "%s/pair-jp.db", t->dir);
    fx_make_pair(in, jp);
    set_paths(t, in, jp);
}

static const struct scenario agreement = {
    "agreement", run_agreement, check_output,
    " (finding: a failed allocation in jansson's parser or dump is ENOMEM, never a malformed "
    "file or an agreement with a letter or a key missing)"};
static const struct scenario agreement_load = {
    "agreement-load", run_agreement_load, check_before_or_after,
    " (finding: a command failing for want of memory adds no audit record)"};
static const struct scenario step = {"order", run_step, check_before_or_after, ""};
static const struct scenario reports = {
    "reports", run_reports, check_read_only,
    " (finding: a unit name that cannot be read, or a JSON dump jansson could not complete, is "
    "an error, never a report with a name or a key missing)"};
static const struct scenario sync = {
    "sync", run_sync, check_sync,
    " (finding: a read failing while a batch is taken in fails the batch: the record is not "
    "taken for a new order, nothing is written after SQLite rolled the transaction back)"};

static void run_all(struct torture *t, const struct options *o)
{
    set_agreement(t, "agreements/india-japan-2020.json");
    set_paths(t, "", "");
    scenario(t, &agreement, "", o);
    char in[FX_PATH_SIZE];
    snprintf(in, sizeof(in), "%s/in.db", t->dir);
    fx_make_node(in, "IN", &t->ids);
    set_agreement(t, "agreements/india-france-2018.json");
    set_paths(t, in, "");
    scenario(t, &agreement_load, "", o);
    make_lifecycle(t, &step);
    for (size_t k = 0; k <= fx_cash_step_count; k++) {
        char base[FX_PATH_SIZE];
        char label[64];
        snprintf(base, sizeof(base), "%s/step-%zu.db", t->dir, k);
        set_paths(t, k == 0 ? in : base, "");
        t->step = k;
        snprintf(label, sizeof(label), " %s",
                 k == 0 ? "create" : acsa_step_name(fx_cash_steps[k - 1].step));
        scenario(t, &step, label, o);
    }
    char closed[FX_PATH_SIZE];
    snprintf(closed, sizeof(closed), "%s/step-%zu.db", t->dir, fx_cash_step_count + 1);
    set_paths(t, closed, "");
    scenario(t, &reports, "", o);
    make_pair(t);
    scenario(t, &sync, "", o);
}

static bool parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){1, false, false, NULL};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--stride") == 0 && i + 1 < argc) {
            o->stride = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--persistent") == 0) {
            o->persistent = true;
        } else if (strcmp(argv[i], "--leak-check-each") == 0) {
            o->leak_check_each = true;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            o->only = argv[++i];
        } else {
            return false;
        }
    }
    return o->stride > 0;
}

int main(int argc, char **argv)
{
    struct options o;
    if (!parse(argc, argv, &o)) {
        fprintf(stderr, "usage: torture [--stride N] [--persistent] [--leak-check-each] "
                        "[--only NAME]\n");
        return 2;
    }
    fault_alloc_install();
    struct torture *t = calloc(1, sizeof(*t));
    fx_tempdir(t->dir, "torture");
    setenv("USER", "torture", 1);
    run_all(t, &o);
    free(t->agreement);
    char command[128];
    snprintf(command, sizeof(command), "rm -rf %s", t->dir);
    if (system(command) != 0) {
        tap_diag("could not remove %s", t->dir);
    }
    free(t);
    return tap_done();
}
