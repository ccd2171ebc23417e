/* SPDX-License-Identifier: MIT */
/* Batches and bundles (acsa_app_batch_import), past the signature: every input is signed again
 * with India's key before Japan imports it, so mutated records reach the checks and the apply
 * path of a partner's validly signed records. Japan's database is left as it was after each
 * input (the import runs inside a transaction that is rolled back).
 *
 * The mutator knows the layout: it mutates one record's bytes, or decodes a record, sets one
 * of its numbers to a value at an edge (a line 16,777,215, a day near INT32_MIN) and encodes it
 * again, or drops, repeats or reorders records, and keeps the header's range around them.
 * Properties: nothing aborts; an import either refuses the batch or accounts for every record
 * (applied, duplicate or quarantined).
 *
 * ACSA_FUZZ_SKIP_KNOWN=1: inputs with a record of the two kinds issue 8 reported (a line number
 * on a step that names no line; a day outside the years the parser takes), or a header whose
 * range starts after INT64_MAX - 1 (reported with them), are skipped, so that
 * long runs look for other defects while the decoder does not refuse those yet.
 *
 * ACSA_FUZZ_DESCRIBE=1: prints the records of each input before importing it (to say what a
 * crashing input holds).
 *
 * ACSA_FUZZ_WRITE_SEEDS=DIR: writes the scenario's batches to DIR/batch and its records to
 * DIR/record (the seed corpora), then exits. */
#include "fuzz.h"

#include <sodium.h>
#include <sys/stat.h>

#include "auth.h"
#include "batch_frame.h"
#include "nodes.h"
#include "record.h"

#define BATCH_MAX (1u << 20) /* Inputs are cut to this (libFuzzer's -max_len keeps them small). */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

static struct fuzz_nodes nodes;
static uint8_t *work;        /* The input, signed. */
static uint8_t *scratch;     /* The mutator's rebuilt batch. */
static struct frame frame;
static struct acsa_record record;
static bool skip_known;
static bool describe;

#define DAY_FIRST (-25567)   /* 1900-01-01 */
#define DAY_LAST 2932896     /* 9999-12-31 */

static bool day_known_bad(int32_t day)
{
    return day != INT32_MIN && (day < DAY_FIRST || day > DAY_LAST);
}

static bool line_step(enum acsa_step step)
{
    return step == ACSA_STEP_ISSUE || step == ACSA_STEP_RECEIVE || step == ACSA_STEP_RETURN ||
           step == ACSA_STEP_ACCEPT_RETURN;
}

static void describe_records(const struct frame *f)
{
    fprintf(stderr, "batch: after %llu through %llu, %u records\n",
            (unsigned long long)frame_get(work + 16, 8),
            (unsigned long long)frame_get(work + 24, 8), f->count);
    for (uint32_t i = 0; i < f->count; i++) {
        struct acsa_error err;
        if (acsa_record_decode(f->bodies[i], f->lens[i], &record, &err) != ACSA_OK) {
            fprintf(stderr, "  %u: refused: %s\n", i + 1, err.message);
            continue;
        }
        const struct acsa_command *c = &record.command;
        fprintf(stderr, "  %u: kind %d %s/%lld %s %s day %d line %u qty %lld amount %lld "
                "need_by %d lines %u ref %lld from %d to %d\n", i + 1, (int)record.kind,
                record.origin, (long long)record.seq, record.number,
                record.kind == ACSA_RECORD_STEP ? acsa_step_name(c->step) : "-", c->day,
                c->line_no, (long long)c->quantity_milli, (long long)c->amount_minor,
                record.draft.need_by_day, record.draft.line_count, (long long)record.ref_id,
                record.ref_activity.from_day, record.ref_activity.to_day);
    }
}

/* Whether a record of the input is of a kind already reported (see ACSA_FUZZ_SKIP_KNOWN). */
static bool known_finding(const struct frame *f)
{
    struct acsa_error err;
    for (uint32_t i = 0; i < f->count; i++) {
        if (acsa_record_decode(f->bodies[i], f->lens[i], &record, &err) != ACSA_OK) {
            continue;
        }
        const struct acsa_command *c = &record.command;
        if (record.kind == ACSA_RECORD_STEP &&
            ((!line_step(c->step) && c->line_no != 0) || day_known_bad(c->day) ||
             day_known_bad(record.draft.need_by_day))) {
            return true;
        }
        if (record.kind == ACSA_RECORD_ACTIVITY && (day_known_bad(record.ref_activity.from_day) ||
                                                    day_known_bad(record.ref_activity.to_day))) {
            return true;
        }
    }
    return false;
}

static void teardown(void)
{
    fuzz_nodes_teardown(&nodes);
}

static void write_file(const char *dir, const char *sub, const char *name, const uint8_t *data,
                       size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir, sub);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, name);
    FILE *file = fopen(path, "wb");
    if (file == NULL || fwrite(data, 1, len, file) != len || fclose(file) != 0) {
        fprintf(stderr, "fuzz batch: cannot write %s\n", path);
        exit(2);
    }
}

/* India's pending batch with the record of seq changed by change: a regression input. */
static void write_regression(const char *dir, const char *name, const uint8_t *batch, size_t len,
                             int64_t seq, void (*change)(struct acsa_record *))
{
    static uint8_t body[ACSA_RECORD_MAX];
    struct frame f;
    FUZZ_CHECK(frame_parse(batch, len, &f), "the pending batch does not frame");
    struct acsa_error err;
    for (uint32_t i = 0; i < f.count; i++) {
        FUZZ_CHECK(acsa_record_decode(f.bodies[i], f.lens[i], &record, &err) == ACSA_OK, "%s",
                   err.message);
        if (record.seq == seq) {
            change(&record);
            FUZZ_CHECK(acsa_record_encode(&record, body, sizeof(body), &f.lens[i], &err) ==
                       ACSA_OK, "%s", err.message);
            f.bodies[i] = body;
        }
    }
    size_t out = frame_build(batch, f.bodies, f.lens, f.count, scratch, BATCH_MAX);
    FUZZ_CHECK(out > 0, "regression %s", name);
    write_file(dir, "batch", name, scratch, out);
}

static void line_16777215(struct acsa_record *r)
{
    r->command.line_no = 16777215;
}

static void from_int32_min(struct acsa_record *r)
{
    r->ref_activity.from_day = INT32_MIN + 1;
}

static void seq_int64_max(struct acsa_record *r)
{
    r->seq = INT64_MAX;
}

static void need_by_far_past(struct acsa_record *r)
{
    r->draft.need_by_day = -596177960;
}

/* India's batch of one record, its range moved to INT64_MAX..INT64_MAX. */
static void write_header_regression(const char *dir, const uint8_t *batch, size_t len)
{
    FUZZ_CHECK(len <= BATCH_MAX, "batch too long");
    memcpy(scratch, batch, len);
    frame_put(scratch + 16, (uint64_t)INT64_MAX, 8);
    frame_put(scratch + 24, (uint64_t)INT64_MAX, 8);
    write_file(dir, "batch", "fuzz-header-after-int64-max", scratch, len);
}

/* The batches India would send Japan now (all of it, and its first records), and each of the
 * records both nodes hold. */
static void write_seeds(const char *dir)
{
    static const uint32_t sizes[] = {0, 1, 3};
    bool written[4 + ACSA_STEP_COUNT] = {false};
    struct acsa_error err;
    struct acsa_peer peer;
    FUZZ_CHECK(acsa_app_peer_get(nodes.jp.app, "IN", &peer, &err) == ACSA_OK, "%s", err.message);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        uint8_t *buf = NULL;
        size_t len = 0;
        struct acsa_batch_info info;
        FUZZ_CHECK(acsa_app_batch_export(nodes.in.app, "JP", peer.received_through, sizes[i],
                                         FUZZ_NOW, &buf, &len, &info, &err) == ACSA_OK, "%s",
                   err.message);
        memset(buf + len - FRAME_SIG, 0, FRAME_SIG); /* Each run signs with its own key. */
        char name[32];
        snprintf(name, sizeof(name), "pending-%u", info.count);
        write_file(dir, "batch", name, buf, len);
        if (sizes[i] == 1) {
            write_header_regression(dir, buf, len);
        }
        if (sizes[i] == 0) {
            /* Records 12 (a submit, followed by a cancel), 15 (an activity) and 16 (a create)
             * of the scenario. */
            write_regression(dir, "finding-2-submit-line-16777215", buf, len, 12,
                             line_16777215);
            write_regression(dir, "finding-2-activity-from-int32-min", buf, len, 15,
                             from_int32_min);
            write_regression(dir, "fuzz-create-need-by-far-past", buf, len, 16,
                             need_by_far_past);
            write_regression(dir, "fuzz-seq-int64-max-then-another", buf, len, 12,
                             seq_int64_max);
        }
        free(buf);
    }
    for (int n = 0; n < 2; n++) {
        struct fuzz_node *node = n == 0 ? &nodes.in : &nodes.jp;
        uint8_t *buf = NULL;
        size_t len = 0;
        struct acsa_batch_info info;
        FUZZ_CHECK(acsa_app_batch_export(node->app, n == 0 ? "JP" : "IN", 0, 0, FUZZ_NOW, &buf,
                                         &len, &info, &err) == ACSA_OK, "%s", err.message);
        FUZZ_CHECK(frame_parse(buf, len, &frame), "an exported batch does not frame");
        for (uint32_t i = 0; i < frame.count; i++) {
            /* One record of each kind and step is enough. */
            FUZZ_CHECK(acsa_record_decode(frame.bodies[i], frame.lens[i], &record, &err) ==
                       ACSA_OK, "%s", err.message);
            unsigned kind = record.kind == ACSA_RECORD_STEP ? 4 + (unsigned)record.command.step
                                                            : (unsigned)record.kind;
            if (kind >= sizeof(written) || written[kind]) {
                continue;
            }
            written[kind] = true;
            char name[32];
            snprintf(name, sizeof(name), "%s-%02u", node->nation, i + 1);
            write_file(dir, "record", name, frame.bodies[i], frame.lens[i]);
        }
        free(buf);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (sodium_init() < 0) {
        abort();
    }
    work = malloc(BATCH_MAX);
    scratch = malloc(BATCH_MAX);
    FUZZ_CHECK(work != NULL && scratch != NULL, "out of memory");
    fuzz_nodes_setup(&nodes);
    atexit(teardown);
    skip_known = getenv("ACSA_FUZZ_SKIP_KNOWN") != NULL;
    describe = getenv("ACSA_FUZZ_DESCRIBE") != NULL;
    const char *seeds = getenv("ACSA_FUZZ_WRITE_SEEDS");
    if (seeds != NULL) {
        write_seeds(seeds);
        exit(0);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = size < BATCH_MAX ? size : BATCH_MAX;
    memcpy(work, data, len);
    if (skip_known && len >= FRAME_HEADER && frame_get(work + 16, 8) == (uint64_t)INT64_MAX) {
        return 0; /* The batch's first number, after + 1, overflows in messages. */
    }
    if (frame_parse(work, len, &frame)) {
        if (describe) {
            describe_records(&frame);
        }
        if (skip_known && known_finding(&frame)) {
            return 0;
        }
        frame_sign(work, &frame, nodes.in.sk);
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_app *jp = nodes.jp.app;
    FUZZ_CHECK(acsa_app_begin(jp, &err) == ACSA_OK, "begin: %s", err.message);
    struct acsa_batch_result result;
    enum acsa_rc rc = acsa_app_batch_import(jp, work, len, len % 2 == 0 ? "sync" : "bundle",
                                            FUZZ_NOW, &result, &err);
    acsa_app_rollback(jp);
    FUZZ_CHECK(rc != ACSA_ESTORAGE && rc != ACSA_ENOMEM, "import failed: %s", err.message);
    if (rc == ACSA_OK) {
        FUZZ_CHECK(result.applied + result.duplicates + result.quarantined == result.info.count,
                   "%u applied, %u duplicates, %u quarantined of %u", result.applied,
                   result.duplicates, result.quarantined, result.info.count);
    } else {
        FUZZ_CHECK(err.message[0] != '\0', "a refusal without a reason");
    }
    return 0;
}

/* ---- Mutation ---------------------------------------------------------------------------- */

static const int64_t edges[] = {
    0, 1, -1, 2, 1000, 16777215, 16777216, INT32_MAX, INT32_MIN, INT32_MIN + 1, INT32_MAX - 1,
    UINT32_MAX, INT64_MAX, INT64_MIN, INT64_MIN + 1, 2896372, 2932896, -25567, 99999999999,
    (int64_t)1 << 62, 64, 65,
};

static int64_t edge(unsigned *seed)
{
    unsigned r = (unsigned)rand_r(seed);
    if (r % 4 == 0) {
        return (int64_t)(((uint64_t)rand_r(seed) << 33) ^ ((uint64_t)rand_r(seed) << 2) ^ r);
    }
    return edges[r % (sizeof(edges) / sizeof(edges[0]))];
}

/* Sets one number of a decoded record to an edge value; false if it has none to set. */
static bool mutate_number(struct acsa_record *r, unsigned *seed)
{
    int64_t v = edge(seed);
    struct acsa_command *c = &r->command;
    struct acsa_order_draft *d = &r->draft;
    uint32_t line = d->line_count > 0 ? (uint32_t)rand_r(seed) % d->line_count : 0;
    switch (rand_r(seed) % 16) {
    case 0: r->seq = v; break;
    case 1: c->day = (int32_t)v; break;
    case 2: c->line_no = (uint32_t)v; break;
    case 3: c->quantity_milli = v; break;
    case 4: c->amount_minor = v; break;
    case 5: r->official_limit_minor = v; break;
    case 6: d->need_by_day = (int32_t)v; break;
    case 7: d->lines[line].quantity_milli = v; break;
    case 8: d->lines[line].price_minor = v; break;
    case 9: r->ref_activity.from_day = (int32_t)v; break;
    case 10: r->ref_activity.to_day = (int32_t)v; break;
    case 11: r->ref_id = v; break;
    case 12: r->activity.id = v; break;
    case 13: r->requester_unit.id = v; break;
    case 14: c->step = (enum acsa_step)((uint64_t)v % ACSA_STEP_COUNT); break;
    default: d->method = (enum acsa_method)((uint64_t)v % 3); break;
    }
    return true;
}

/* Replaces record i of frame by a mutation of it, written to out (cap bytes); its length. */
static size_t mutate_record(uint32_t i, uint8_t *out, size_t cap, unsigned *seed)
{
    struct acsa_error err;
    if (rand_r(seed) % 2 == 0 && acsa_record_decode(frame.bodies[i], frame.lens[i], &record,
                                                    &err) == ACSA_OK) {
        mutate_number(&record, seed);
        size_t len = 0;
        if (acsa_record_encode(&record, out, cap, &len, &err) == ACSA_OK) {
            return len;
        }
    }
    size_t len = frame.lens[i] < cap ? frame.lens[i] : cap;
    memcpy(out, frame.bodies[i], len);
    return LLVMFuzzerMutate(out, len, cap);
}

/* The header's through: the largest seq of the records, so that they are in range. */
static void cover_records(uint8_t *buf, const struct frame *f)
{
    uint64_t through = frame_get(buf + 24, 8);
    for (uint32_t i = 0; i < f->count; i++) {
        if (f->lens[i] >= 14) {
            uint64_t seq = frame_get(f->bodies[i] + 6, 8);
            through = seq > through && seq < ((uint64_t)1 << 62) ? seq : through;
        }
    }
    frame_put(buf + 24, through, 8);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
    static uint8_t body[ACSA_RECORD_MAX];
    if (rand_r(&seed) % 8 == 0 || !frame_parse(data, size, &frame) || frame.count == 0) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    const uint8_t *bodies[FRAME_RECORDS_MAX];
    size_t lens[FRAME_RECORDS_MAX];
    uint32_t count = frame.count;
    memcpy(bodies, frame.bodies, sizeof(bodies[0]) * count);
    memcpy(lens, frame.lens, sizeof(lens[0]) * count);
    uint32_t i = (uint32_t)rand_r(&seed) % count;
    unsigned what = (unsigned)rand_r(&seed) % 8;
    if (what == 0 && count > 1) {                     /* Drop a record. */
        memmove(&bodies[i], &bodies[i + 1], sizeof(bodies[0]) * (count - i - 1));
        memmove(&lens[i], &lens[i + 1], sizeof(lens[0]) * (count - i - 1));
        count--;
    } else if (what == 1 && count < FRAME_RECORDS_MAX) { /* Repeat one. */
        bodies[count] = bodies[i];
        lens[count++] = lens[i];
    } else if (what == 2) {                           /* Swap two. */
        uint32_t j = (uint32_t)rand_r(&seed) % count;
        const uint8_t *b = bodies[i];
        size_t l = lens[i];
        bodies[i] = bodies[j];
        lens[i] = lens[j];
        bodies[j] = b;
        lens[j] = l;
    } else {
        lens[i] = mutate_record(i, body, sizeof(body), &seed);
        bodies[i] = body;
    }
    size_t len = frame_build(data, bodies, lens, count, scratch, BATCH_MAX);
    if (len == 0 || len > max_size) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    struct frame built;
    if (rand_r(&seed) % 2 == 0 && frame_parse(scratch, len, &built)) {
        cover_records(scratch, &built);
    }
    memcpy(data, scratch, len);
    return len;
}
