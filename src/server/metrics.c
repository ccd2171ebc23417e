/* SPDX-License-Identifier: MIT */
/* Prometheus metrics: requests per route and status, request durations per route as a
 * histogram, orders per state (counted when scraped) and the depth of the write queue. The
 * counters are a fixed table of atomics, so recording a request takes no lock. */
#include "server_int.h"
#include "alloc.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>


_Static_assert(SERVER_ROUTES_MAX >= 40, "room for every route of the table");

static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 409,
                               412, 413, 415, 422, 428, 429, 500, 503};
#define STATUS_SLOTS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* The last: any other. */

/* Upper bounds of the duration buckets, in microseconds and as Prometheus writes them. */
static const struct bucket {
    int64_t le_us;
    const char *le;
} buckets[] = {
    {1000, "0.001"}, {5000, "0.005"}, {10000, "0.01"}, {25000, "0.025"}, {50000, "0.05"},
    {100000, "0.1"}, {250000, "0.25"}, {500000, "0.5"}, {1000000, "1"},   {5000000, "5"},
};
#define BUCKETS (sizeof(buckets) / sizeof(buckets[0]))

static atomic_uint_least64_t requests[SERVER_ROUTES_MAX][STATUS_SLOTS];
static atomic_uint_least64_t durations[SERVER_ROUTES_MAX][BUCKETS + 1]; /* Cumulative at print. */
static atomic_uint_least64_t duration_sum_us[SERVER_ROUTES_MAX];

static size_t status_slot(int status)
{
    for (size_t i = 0; i + 1 < STATUS_SLOTS; i++) {
        if (statuses[i] == status) {
            return i;
        }
    }
    return STATUS_SLOTS - 1;
}

void acsa__server_metrics_record(int route_index, int status, int64_t duration_us)
{
    size_t route = route_index >= 0 && route_index + 1 < SERVER_ROUTES_MAX ? (size_t)route_index + 1
                                                                    : 0;
    size_t bucket = 0;
    while (bucket < BUCKETS && duration_us > buckets[bucket].le_us) {
        bucket++;
    }
    atomic_fetch_add(&requests[route][status_slot(status)], 1);
    atomic_fetch_add(&durations[route][bucket], 1);
    atomic_fetch_add(&duration_sum_us[route], (uint64_t)(duration_us > 0 ? duration_us : 0));
}

static const char *route_label(size_t slot)
{
    return slot == 0 ? "none" : acsa__server_routes[slot - 1].pattern;
}

/* Routes share patterns across methods, so a series is named by both. */
static const char *method_label(size_t slot)
{
    return slot == 0 ? "none" : acsa__server_routes[slot - 1].method;
}

static void print_requests(FILE *out)
{
    fputs("# HELP acsa_http_requests_total HTTP requests answered, by route and status.\n"
          "# TYPE acsa_http_requests_total counter\n", out);
    for (size_t r = 0; r < SERVER_ROUTES_MAX; r++) {
        for (size_t s = 0; s < STATUS_SLOTS; s++) {
            uint64_t n = atomic_load(&requests[r][s]);
            char status[16] = "other";
            if (s + 1 < STATUS_SLOTS) {
                snprintf(status, sizeof(status), "%d", statuses[s]);
            }
            if (n > 0) {
                fprintf(out,
                        "acsa_http_requests_total{method=\"%s\",route=\"%s\",status=\"%s\"} "
                        "%llu\n",
                        method_label(r), route_label(r), status, (unsigned long long)n);
            }
        }
    }
}

static void print_durations(FILE *out)
{
    fputs("# HELP acsa_http_request_duration_seconds Time from request to response.\n"
          "# TYPE acsa_http_request_duration_seconds histogram\n", out);
    for (size_t r = 0; r < SERVER_ROUTES_MAX; r++) {
        uint64_t count = 0;
        for (size_t b = 0; b <= BUCKETS; b++) {
            count += atomic_load(&durations[r][b]);
        }
        if (count == 0) {
            continue;
        }
        uint64_t cumulative = 0;
        for (size_t b = 0; b <= BUCKETS; b++) {
            cumulative += atomic_load(&durations[r][b]);
            fprintf(out,
                    "acsa_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                    "le=\"%s\"} %llu\n",
                    method_label(r), route_label(r), b < BUCKETS ? buckets[b].le : "+Inf",
                    (unsigned long long)cumulative);
        }
        uint64_t sum = atomic_load(&duration_sum_us[r]);
        fprintf(out,
                "acsa_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} "
                "%llu.%06llu\n",
                method_label(r), route_label(r), (unsigned long long)(sum / 1000000),
                (unsigned long long)(sum % 1000000));
        fprintf(out,
                "acsa_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
                method_label(r), route_label(r), (unsigned long long)cumulative);
    }
}

static enum acsa_rc print_orders(FILE *out, struct request *req, struct acsa_error *err)
{
    uint64_t counts[ACSA_STATE_COUNT] = {0};
    enum acsa_rc rc = acsa_app_order_state_counts(acsa__server_reader(req), counts, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    fputs("# HELP acsa_orders Orders by state, counted when scraped.\n"
          "# TYPE acsa_orders gauge\n", out);
    for (unsigned s = 0; s < ACSA_STATE_COUNT; s++) {
        fprintf(out, "acsa_orders{state=\"%s\"} %llu\n", acsa_state_name((enum acsa_state)s),
                (unsigned long long)counts[s]);
    }
    return ACSA_OK;
}

void acsa__server_metrics_respond(struct request *req)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    if (out == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    print_requests(out);
    print_durations(out);
    enum acsa_rc rc = print_orders(out, req, &err);
    fprintf(out, "# HELP acsa_write_queue_depth Write jobs waiting for the writer.\n"
                 "# TYPE acsa_write_queue_depth gauge\nacsa_write_queue_depth %u\n",
            acsa__server_writer_depth(acsa__server_writer(req)));
    bool closed = fclose(out) == 0;
    /* open_memstream's buffer is the C library's: the response takes a copy of acsa's. */
    char *body = closed && rc == ACSA_OK ? acsa_strndup(text != NULL ? text : "", size) : NULL;
    free(text); /* libc-owned */
    if (body == NULL) {
        acsa__server_problem_rc(req, rc != ACSA_OK ? rc : ACSA_ENOMEM, &err);
        return;
    }
    acsa__server_response_text(req, 200, "text/plain; version=0.0.4; charset=utf-8", body, size);
    acsa__server_response_header(req, "Cache-Control", "no-store");
}

void acsa__server_route_metrics(struct request *req)
{
    acsa__server_metrics_respond(req);
}
