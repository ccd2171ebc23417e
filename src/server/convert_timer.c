/* SPDX-License-Identifier: MIT */
/* `acsa serve --convert-every SECONDS` (a day unless told): a thread that converts, once each
 * interval, every in-kind obligation past due under an agreement whose conversion rule is
 * automatic, as of the node's today. It writes through the writer thread like any request
 * (a job of its own, with no connection), audited as the node itself, "system:convert", and
 * logs one JSON line per run. Obligations under the approval rule wait for an official
 * (convert-overdue --by). */
#include "server_int.h"
#include "alloc.h"

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

static enum acsa_rc convert_write(struct acsa_app *app, void *arg, struct acsa_error *err)
{
    struct convert_run *run = arg;
    struct acsa_convert_options opts = {.as_of = run->today, .today = run->today, .by = "",
                                        .actor = CONVERT_ACTOR, .automatic_only = true};
    return acsa_app_convert(app, &opts, NULL, NULL, &run->result, err);
}

static void log_run(struct convert_timer *t, const struct convert_run *run)
{
    char date[ACSA_DATE_TEXT_SIZE];
    json_t *line = json_pack("{s:s, s:b, s:I, s:I}", "as_of",
                             acsa_date_format(run->today, date), "ok", run->rc == ACSA_OK,
                             "converted", (json_int_t)run->result.converted,
                             "awaiting_approval", (json_int_t)run->result.awaiting_approval);
    if (line != NULL && run->rc != ACSA_OK) {
        json_object_set_new(line, "error", acsa_json_string(run->err.message));
    }
    acsa__server_log(t->log, run->rc == ACSA_OK ? "info" : "warning", "convert", line);
}

static void tick(void *ctx)
{
    struct convert_timer *t = ctx;
    struct convert_run run = {.today = t->today(), .rc = ACSA_OK};
    acsa_error_clear(&run.err);
    run.rc = acsa__server_writer_call(t->writer, CONVERT_ACTOR, convert_write, &run, &run.err);
    log_run(t, &run);
}

enum acsa_rc acsa__server_convert_timer_start(struct writer *writer, uint32_t every_s,
                                              int32_t (*today)(void), FILE *log,
                                              struct convert_timer **out, struct acsa_error *err)
{
    *out = NULL;
    struct convert_timer *t = acsa_calloc(1, sizeof(*t));
    if (t == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    t->writer = writer;
    t->today = today;
    t->log = log;
    enum acsa_rc rc = acsa__server_ticker_start(every_s, tick, t, "conversion", &t->ticker, err);
    if (rc != ACSA_OK) {
        acsa_free(t);
        return rc;
    }
    *out = t;
    return ACSA_OK;
}

void acsa__server_convert_timer_stop(struct convert_timer *t)
{
    if (t == NULL) {
        return;
    }
    acsa__server_ticker_stop(t->ticker);
    acsa_free(t);
}
