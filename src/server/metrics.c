/* SPDX-License-Identifier: MIT */
/* Prometheus metrics: requests per route and status, request durations per route as a
 * histogram, orders per state, overdue orders and outstanding per currency, each partner
 * node's sync state (counted when scraped), the write queue's depth and batch sizes, the
 * build and the process (resident memory, open files, start time). The counters are a fixed
 * table of atomics, so recording a request takes no lock. */
#include "server_int.h"
#include "alloc.h"
#include "quarantine.h"

#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


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

/* Upper bounds of the batch size buckets: jobs committed together by the writer. */
static const unsigned batch_buckets[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, SERVER_BATCH_MAX};
#define BATCH_BUCKETS (sizeof(batch_buckets) / sizeof(batch_buckets[0]))
_Static_assert(SERVER_BATCH_MAX > 256, "the last bucket is the largest batch");

static atomic_uint_least64_t batches[BATCH_BUCKETS];
static atomic_uint_least64_t batch_jobs;

/* What an exchange this server started learnt of each partner node (the database keeps the
 * rest): its last record's seq as its status said (whether the exchange then completed or not),
 * and the exchanges that ended well or not. */
static struct sync_seen {
    char party[ACSA_NATION_SIZE];
    int64_t partner_last_seq;
    uint64_t ok;
    uint64_t failed;
} sync_seen[SERVER_SYNC_PEERS_MAX];
static size_t sync_seen_count;
static pthread_mutex_t sync_seen_lock = PTHREAD_MUTEX_INITIALIZER;

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

void acsa__server_metrics_batch(uint32_t count)
{
    size_t bucket = 0;
    while (bucket + 1 < BATCH_BUCKETS && count > batch_buckets[bucket]) {
        bucket++;
    }
    atomic_fetch_add(&batches[bucket], 1);
    atomic_fetch_add(&batch_jobs, count);
}

void acsa__server_metrics_sync(const char *party, bool ok, int64_t partner_last_seq)
{
    pthread_mutex_lock(&sync_seen_lock);
    size_t i = 0;
    while (i < sync_seen_count && strcmp(sync_seen[i].party, party) != 0) {
        i++;
    }
    if (i == sync_seen_count && sync_seen_count < SERVER_SYNC_PEERS_MAX) {
        snprintf(sync_seen[i].party, sizeof(sync_seen[i].party), "%s", party);
        sync_seen_count++;
    }
    if (i < sync_seen_count) {
        sync_seen[i].ok += ok ? 1 : 0;
        sync_seen[i].failed += ok ? 0 : 1;
        /* Kept from a failed exchange too: the partner's status answered before it failed,
         * and a failing exchange is when records fall behind. */
        if (partner_last_seq > 0) {
            sync_seen[i].partner_last_seq = partner_last_seq;
        }
    }
    pthread_mutex_unlock(&sync_seen_lock);
}

/* A copy of what was seen of party; false if nothing. */
static bool sync_seen_get(const char *party, struct sync_seen *out)
{
    bool found = false;
    pthread_mutex_lock(&sync_seen_lock);
    for (size_t i = 0; i < sync_seen_count && !found; i++) {
        found = strcmp(sync_seen[i].party, party) == 0;
        if (found) {
            *out = sync_seen[i];
        }
    }
    pthread_mutex_unlock(&sync_seen_lock);
    return found;
}

static void print_batches(FILE *out, uint32_t depth)
{
    fprintf(out, "# HELP acsa_write_queue_depth Write jobs waiting for the writer.\n"
                 "# TYPE acsa_write_queue_depth gauge\nacsa_write_queue_depth %u\n", depth);
    fputs("# HELP acsa_write_batch_size Write jobs committed together in one transaction.\n"
          "# TYPE acsa_write_batch_size histogram\n", out);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < BATCH_BUCKETS; b++) {
        cumulative += atomic_load(&batches[b]);
        fprintf(out, "acsa_write_batch_size_bucket{le=\"%u\"} %llu\n", batch_buckets[b],
                (unsigned long long)cumulative);
    }
    fprintf(out, "acsa_write_batch_size_bucket{le=\"+Inf\"} %llu\n"
                 "acsa_write_batch_size_sum %llu\nacsa_write_batch_size_count %llu\n",
            (unsigned long long)cumulative, (unsigned long long)atomic_load(&batch_jobs),
            (unsigned long long)cumulative);
}

/* The process, in the names of Prometheus's client libraries, from /proc (Linux). */
static void print_process(FILE *out)
{
    fprintf(out, "# HELP acsa_build_info The version of acsa serving.\n"
                 "# TYPE acsa_build_info gauge\nacsa_build_info{version=\"%s\"} 1\n",
            ACSA_VERSION);
    long page = sysconf(_SC_PAGESIZE);
    long ticks = sysconf(_SC_CLK_TCK);
    unsigned long long size_pages = 0, resident_pages = 0;
    FILE *statm = fopen("/proc/self/statm", "r");
    if (statm != NULL) {
        if (fscanf(statm, "%llu %llu", &size_pages, &resident_pages) != 2) {
            resident_pages = 0;
        }
        fclose(statm);
    }
    fprintf(out, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
                 "# TYPE process_resident_memory_bytes gauge\n"
                 "process_resident_memory_bytes %llu\n",
            resident_pages * (unsigned long long)(page > 0 ? page : 4096));
    unsigned long long fds = 0;
    DIR *dir = opendir("/proc/self/fd");
    if (dir != NULL) {
        for (struct dirent *e = readdir(dir); e != NULL; e = readdir(dir)) {
            fds += e->d_name[0] != '.' ? 1 : 0;
        }
        closedir(dir);
        fds -= fds > 0 ? 1 : 0; /* The directory's own. */
    }
    fprintf(out, "# HELP process_open_fds Number of open file descriptors.\n"
                 "# TYPE process_open_fds gauge\nprocess_open_fds %llu\n", fds);
    /* /proc/self/stat: the fields after the command (which may hold spaces) in parentheses;
     * utime, stime are the 14th and 15th, starttime (ticks after boot) the 22nd. */
    char stat[1024] = "";
    FILE *file = fopen("/proc/self/stat", "r");
    size_t n = file != NULL ? fread(stat, 1, sizeof(stat) - 1, file) : 0;
    if (file != NULL) {
        fclose(file);
    }
    stat[n] = '\0';
    const char *rest = strrchr(stat, ')');
    unsigned long long utime = 0, stime = 0, start = 0;
    if (rest == NULL ||
        sscanf(rest + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d "
               "%*d %*d %*d %llu", &utime, &stime, &start) != 3) {
        utime = stime = start = 0;
    }
    unsigned long long boot = 0;
    FILE *proc_stat = fopen("/proc/stat", "r");
    char line[256];
    while (proc_stat != NULL && fgets(line, sizeof(line), proc_stat) != NULL) {
        if (sscanf(line, "btime %llu", &boot) == 1) {
            break;
        }
    }
    if (proc_stat != NULL) {
        fclose(proc_stat);
    }
    unsigned long long hz = (unsigned long long)(ticks > 0 ? ticks : 100);
    fprintf(out, "# HELP process_cpu_seconds_total Total user and system CPU time in seconds.\n"
                 "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total "
                 "%llu.%02llu\n",
            (utime + stime) / hz, ((utime + stime) % hz) * 100 / hz);
    fprintf(out, "# HELP process_start_time_seconds Start time of the process since the Unix "
                 "epoch in seconds.\n# TYPE process_start_time_seconds gauge\n"
                 "process_start_time_seconds %llu.%02llu\n",
            boot + start / hz, (start % hz) * 100 / hz);
}

/* Open quarantine entries per partner node. */
struct quarantine_count {
    char party[SERVER_SYNC_PEERS_MAX][ACSA_NATION_SIZE];
    uint64_t count[SERVER_SYNC_PEERS_MAX];
    size_t parties;
    uint64_t unknown;                 /* Of no partner node listed (or "" if unknown). */
};

static enum acsa_rc quarantine_counted(void *ctx, const struct acsa_quarantine_row *row)
{
    struct quarantine_count *q = ctx;
    for (size_t i = 0; i < q->parties; i++) {
        if (strcmp(q->party[i], row->peer) == 0) {
            q->count[i]++;
            return ACSA_OK;
        }
    }
    q->unknown++;
    return ACSA_OK;
}

/* The partner nodes, as listed: what each series is printed from. */
struct peer_rows {
    struct acsa_peer peers[SERVER_SYNC_PEERS_MAX];
    size_t count;
};

static enum acsa_rc peer_kept(void *ctx, const struct acsa_peer *peer)
{
    struct peer_rows *rows = ctx;
    if (rows->count < SERVER_SYNC_PEERS_MAX) {
        rows->peers[rows->count++] = *peer;
    }
    return ACSA_OK;
}

#define QUARANTINE_COUNTED_MAX 1000000u

static enum acsa_rc print_peers(FILE *out, struct acsa_app *app, struct acsa_error *err)
{
    struct peer_rows *rows = acsa_calloc(1, sizeof(*rows));
    struct quarantine_count *q = acsa_calloc(1, sizeof(*q));
    int64_t own_last = 0;
    enum acsa_rc rc = rows == NULL || q == NULL
                          ? acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory")
                          : acsa_app_peer_list(app, peer_kept, rows, err);
    if (rc == ACSA_OK) {
        rc = acsa_app_own_last_seq(app, &own_last, err);
    }
    for (size_t i = 0; rc == ACSA_OK && i < rows->count; i++) {
        memcpy(q->party[i], rows->peers[i].party, ACSA_NATION_SIZE);
        q->parties++;
    }
    if (rc == ACSA_OK) {
        rc = acsa_app_quarantine_select(app, false, QUARANTINE_COUNTED_MAX, quarantine_counted,
                                        q, err);
    }
    if (rc == ACSA_OK) {
        fputs("# HELP acsa_sync_last_success_timestamp_seconds When the last complete exchange "
              "this node started with the partner node ended (0: never).\n"
              "# TYPE acsa_sync_last_success_timestamp_seconds gauge\n", out);
        for (size_t i = 0; i < rows->count; i++) {
            fprintf(out, "acsa_sync_last_success_timestamp_seconds{peer=\"%s\"} %lld\n",
                    rows->peers[i].party, (long long)rows->peers[i].last_sync_s);
        }
        fputs("# HELP acsa_sync_records_behind Records one node has that the other has not "
              "confirmed: outbound, this node's that the partner has not acknowledged; inbound, "
              "the partner's (up to its last as its status said at the last exchange this "
              "server started, completed or not) not taken in here.\n"
              "# TYPE acsa_sync_records_behind gauge\n", out);
        for (size_t i = 0; i < rows->count; i++) {
            const struct acsa_peer *p = &rows->peers[i];
            int64_t outbound = own_last - p->acked_through;
            fprintf(out, "acsa_sync_records_behind{peer=\"%s\",direction=\"outbound\"} %lld\n",
                    p->party, (long long)(outbound > 0 ? outbound : 0));
            struct sync_seen seen;
            if (sync_seen_get(p->party, &seen) && seen.partner_last_seq > 0) {
                int64_t inbound = seen.partner_last_seq - p->received_through;
                fprintf(out, "acsa_sync_records_behind{peer=\"%s\",direction=\"inbound\"} "
                        "%lld\n", p->party, (long long)(inbound > 0 ? inbound : 0));
            }
        }
        fputs("# HELP acsa_sync_exchanges_total Exchanges this server started with the partner "
              "node (--sync-every, POST /api/sync), by result.\n"
              "# TYPE acsa_sync_exchanges_total counter\n", out);
        for (size_t i = 0; i < rows->count; i++) {
            struct sync_seen seen = {.ok = 0, .failed = 0};
            (void)sync_seen_get(rows->peers[i].party, &seen);
            fprintf(out, "acsa_sync_exchanges_total{peer=\"%s\",result=\"ok\"} %llu\n"
                         "acsa_sync_exchanges_total{peer=\"%s\",result=\"failed\"} %llu\n",
                    rows->peers[i].party, (unsigned long long)seen.ok, rows->peers[i].party,
                    (unsigned long long)seen.failed);
        }
        fputs("# HELP acsa_quarantine_open Records and batches of the partner node held in "
              "quarantine, not resolved (peer \"\": of no partner node listed).\n"
              "# TYPE acsa_quarantine_open gauge\n", out);
        for (size_t i = 0; i < q->parties; i++) {
            fprintf(out, "acsa_quarantine_open{peer=\"%s\"} %llu\n", q->party[i],
                    (unsigned long long)q->count[i]);
        }
        if (q->unknown > 0) {
            fprintf(out, "acsa_quarantine_open{peer=\"\"} %llu\n",
                    (unsigned long long)q->unknown);
        }
    }
    acsa_free(rows);
    acsa_free(q);
    return rc;
}

static enum acsa_rc overdue_counted(void *ctx, const struct acsa_overdue_item *item)
{
    (void)ctx;
    (void)item;
    return ACSA_OK; /* The totals count them. */
}

/* Overdue orders and their outstanding value per currency, as the overdue report (every
 * order, the disputed ones apart) counts them as of today. */
static enum acsa_rc print_overdue(FILE *out, struct request *req, struct acsa_error *err)
{
    struct acsa_overdue_totals totals = {NULL, 0, 0};
    enum acsa_rc rc = acsa_app_overdue(acsa__server_reader(req), req->today, NULL,
                                       ACSA_OVERDUE_OPEN, overdue_counted, NULL, &totals,
                                       err);
    if (rc == ACSA_OK) {
        /* Totals come per bucket and currency: summed per currency into the first entries
         * of the same array, so any number of currencies is counted. */
        struct acsa_overdue_total *sums = totals.items;
        size_t count = 0;
        for (size_t i = 0; i < totals.count; i++) {
            const struct acsa_overdue_total *t = &totals.items[i];
            size_t c = 0;
            while (c < count && strcmp(sums[c].currency, t->currency) != 0) {
                c++;
            }
            if (c < count) {
                sums[c].orders += t->orders;
                sums[c].outstanding_minor += t->outstanding_minor;
            } else {
                if (count != i) {
                    sums[count] = *t;
                }
                count++;
            }
        }
        fputs("# HELP acsa_overdue_orders Orders past due and not disputed, per currency.\n"
              "# TYPE acsa_overdue_orders gauge\n", out);
        for (size_t c = 0; c < count; c++) {
            fprintf(out, "acsa_overdue_orders{currency=\"%s\"} %llu\n", sums[c].currency,
                    (unsigned long long)sums[c].orders);
        }
        fputs("# HELP acsa_overdue_outstanding What the orders past due still owe, in units of "
              "the currency.\n# TYPE acsa_overdue_outstanding gauge\n", out);
        for (size_t c = 0; c < count; c++) {
            char amount[ACSA_WIDE_TEXT_SIZE];
            fprintf(out, "acsa_overdue_outstanding{currency=\"%s\"} %s\n", sums[c].currency,
                    acsa_wide_format(sums[c].outstanding_minor, sums[c].exponent, amount));
        }
    }
    acsa_app_overdue_totals_free(&totals);
    return rc;
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
    print_process(out);
    print_requests(out);
    print_durations(out);
    print_batches(out, acsa__server_writer_depth(acsa__server_writer(req)));
    enum acsa_rc rc = print_orders(out, req, &err);
    if (rc == ACSA_OK) {
        rc = print_peers(out, acsa__server_reader(req), &err);
    }
    if (rc == ACSA_OK) {
        rc = print_overdue(out, req, &err);
    }
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
