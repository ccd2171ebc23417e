/* SPDX-License-Identifier: MIT */
/* `acsa serve --convert-every SECONDS` (a day unless told): a thread that converts, once each
 * interval, every in-kind obligation past due under an agreement whose conversion rule is
 * automatic, as of the node's today. It writes through the writer thread like any request
 * (a job of its own, with no connection), audited as the node itself, "system:convert", and
 * logs one JSON line per run. Obligations under the approval rule wait for an official
 * (convert-overdue --by). */
#include "server_int.h"
#include "../util/alloc.h"

#include <stdlib.h>
#include <string.h>

#define CONVERT_ACTOR "system:convert"

struct convert_timer {
    struct writer *writer;
    int32_t (*today)(void);
    FILE *log;
    struct ticker *ticker;
};

/* What one run did, filled on the writer thread. */
struct convert_run {
    int32_t today;
    enum acsa_rc rc;
    struct acsa_error err;
    struct acsa_convert_result result;
};

static enum acsa_rc convert_job(struct acsa_app *app, struct request *req)
{
    struct convert_run *run = req->job_args;
    acsa_app_set_actor(app, CONVERT_ACTOR);
    struct acsa_convert_options opts = {.as_of = run->today, .today = run->today, .by = "",
                                        .actor = CONVERT_ACTOR, .automatic_only = true};
    run->rc = acsa_app_convert(app, &opts, NULL, NULL, &run->result, &run->err);
    if (run->rc != ACSA_OK) {
        problem_rc(req, run->rc, &run->err);
        return run->rc;
    }
    response_empty(req, 204);
    return ACSA_OK;
}

static void log_run(struct convert_timer *t, const struct convert_run *run)
{
    char date[ACSA_DATE_TEXT_SIZE];
    json_t *line = json_pack("{s:s, s:s, s:b, s:I, s:I}", "event", "convert", "as_of",
                             acsa_date_format(run->today, date), "ok", run->rc == ACSA_OK,
                             "converted", (json_int_t)run->result.converted,
                             "awaiting_approval", (json_int_t)run->result.awaiting_approval);
    if (line != NULL && run->rc != ACSA_OK) {
        json_object_set_new(line, "error", acsa_json_string(run->err.message));
    }
    char *text = line != NULL ? json_dumps(line, JSON_COMPACT) : NULL;
    if (text != NULL) {
        fprintf(t->log, "%s\n", text);
        fflush(t->log);
        acsa_free(text);
    }
    json_decref(line);
}

static void tick(void *ctx)
{
    struct convert_timer *t = ctx;
    struct request *req = acsa_calloc(1, sizeof(*req));
    struct convert_run *run = acsa_calloc(1, sizeof(*run));
    if (req == NULL || run == NULL) {
        acsa_free(req);
        acsa_free(run);
        return; /* Tried again at the next tick. */
    }
    run->today = t->today();
    acsa_error_clear(&run->err);
    req->job = convert_job;
    req->job_args = run;
    req->route_index = -1;
    if (writer_run(t->writer, req)) {
        log_run(t, run);
    }
    response_free(&req->response);
    acsa_free(run);
    acsa_free(req);
}

enum acsa_rc convert_timer_start(struct writer *writer, uint32_t every_s, int32_t (*today)(void),
                                 FILE *log, struct convert_timer **out, struct acsa_error *err)
{
    *out = NULL;
    struct convert_timer *t = acsa_calloc(1, sizeof(*t));
    if (t == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    t->writer = writer;
    t->today = today;
    t->log = log;
    enum acsa_rc rc = ticker_start(every_s, tick, t, "conversion", &t->ticker, err);
    if (rc != ACSA_OK) {
        acsa_free(t);
        return rc;
    }
    *out = t;
    return ACSA_OK;
}

void convert_timer_stop(struct convert_timer *t)
{
    if (t == NULL) {
        return;
    }
    ticker_stop(t->ticker);
    acsa_free(t);
}
