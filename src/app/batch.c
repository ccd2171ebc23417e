/* SPDX-License-Identifier: MIT */
/* Signed batches of records: what crosses between two nodes, over HTTP or in a bundle file.
 * One Ed25519 signature covers the batch header and the SHA-256 of every record in order, so
 * each record stays attributable to its signer and any change, cut or reordering breaks the
 * signature. A batch is checked whole before anything of it is applied. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app_int.h"
#include "text_quote.h"
#include "alloc.h"
#include "node.h"

static const uint8_t MAGIC[8] = {'A', 'C', 'S', 'A', 'B', 'A', 'T', '1'};
#define HEADER_FIXED (8 + 4 + 4 + 8 * 4 + 4) /* Magic, two nation texts, four i64, count. */

static void be_put(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
}

static uint64_t be_get(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static size_t put_header(uint8_t *p, const struct acsa_batch_info *info)
{
    memcpy(p, MAGIC, sizeof(MAGIC));
    size_t n = sizeof(MAGIC);
    be_put(p + n, 2, 2);
    memcpy(p + n + 2, info->sender, 2);
    be_put(p + n + 4, 2, 2);
    memcpy(p + n + 6, info->receiver, 2);
    n += 8;
    be_put(p + n, (uint64_t)info->after, 8);
    be_put(p + n + 8, (uint64_t)info->through, 8);
    be_put(p + n + 16, (uint64_t)info->ack, 8);
    be_put(p + n + 24, (uint64_t)info->created_s, 8);
    be_put(p + n + 32, info->count, 4);
    return n + 36;
}

/* Where each record of a parsed batch lies. */
struct parsed {
    struct acsa_batch_info info;
    size_t header_len;
    const uint8_t **bodies;
    size_t *lens;
    uint8_t (*hashes)[ACSA_HASH_SIZE];  /* SHA-256 of each record, computed once. */
    const uint8_t *signature;
};

#define BAD(err, ...) acsa_error_set((err), ACSA_EREFUSED, "batch", __VA_ARGS__)

/* The values of a header whose layout holds: nations, a range of record numbers within
 * ACSA_RECORD_SEQ_MAX, a time. */
static enum acsa_rc check_header(struct acsa_batch_info *info, struct acsa_error *err)
{
    if (!acsa_nation_valid(info->sender) || !acsa_nation_valid(info->receiver)) {
        /* Neither is kept: the quarantine and the audit log show the sender as text. */
        memset(info->sender, 0, sizeof(info->sender));
        memset(info->receiver, 0, sizeof(info->receiver));
        return BAD(err, "batch: the sender and receiver must be ISO 3166 alpha-2 nations");
    }
    if (info->after < 0 || info->through < info->after || info->ack < 0) {
        return BAD(err, "batch: its range %lld..%lld is not a range of record numbers",
                   (long long)info->after, (long long)info->through);
    }
    if (info->through > ACSA_RECORD_SEQ_MAX || info->ack > ACSA_RECORD_SEQ_MAX) {
        return acsa_error_set(err, ACSA_EREFUSED, "seq", "seq: the batch names record %lld; "
                              "record numbers end at %lld (ACSA_RECORD_SEQ_MAX)",
                              (long long)(info->through > info->ack ? info->through : info->ack),
                              (long long)ACSA_RECORD_SEQ_MAX);
    }
    if (info->created_s < 0 || info->created_s > ACSA_BATCH_TIME_MAX) {
        return BAD(err, "batch: made at %lld, not a time in 1970..9999",
                   (long long)info->created_s);
    }
    return ACSA_OK;
}

/* The header's layout, then (values) what check_header checks. */
static enum acsa_rc parse_header(const uint8_t *buf, size_t len, struct acsa_batch_info *info,
                                 bool values, struct acsa_error *err)
{
    memset(info, 0, sizeof(*info));
    info->size = len;
    if (len < HEADER_FIXED || memcmp(buf, MAGIC, sizeof(MAGIC)) != 0) {
        return BAD(err, "batch: not an acsa batch or bundle (%zu bytes; it starts with the "
                   "8 bytes ACSABAT1 and has a %d-byte header)", len, HEADER_FIXED);
    }
    if (be_get(buf + 8, 2) != 2 || be_get(buf + 12, 2) != 2) {
        return BAD(err, "batch: the sender and receiver must be two-letter nations");
    }
    memcpy(info->sender, buf + 10, 2);
    memcpy(info->receiver, buf + 14, 2);
    info->after = (int64_t)be_get(buf + 16, 8);
    info->through = (int64_t)be_get(buf + 24, 8);
    info->ack = (int64_t)be_get(buf + 32, 8);
    info->created_s = (int64_t)be_get(buf + 40, 8);
    info->count = (uint32_t)be_get(buf + 48, 4);
    return values ? check_header(info, err) : ACSA_OK;
}

size_t acsa_batch_extent(const uint8_t *buf, size_t len)
{
    if (len < HEADER_FIXED || memcmp(buf, MAGIC, sizeof(MAGIC)) != 0) {
        return len;
    }
    uint64_t count = be_get(buf + 48, 4);
    size_t pos = HEADER_FIXED;
    for (uint64_t i = 0; i < count && count <= ACSA_BATCH_RECORDS_MAX; i++) {
        if (len - pos < 4) {
            return len;
        }
        size_t n = (size_t)be_get(buf + pos, 4);
        if (n == 0 || n > ACSA_RECORD_MAX || n > len - pos - 4) {
            return len;
        }
        pos += 4 + n;
    }
    /* A layout that does not hold is the batch's own refusal to name: all of it is batch. */
    return count <= ACSA_BATCH_RECORDS_MAX && len - pos >= crypto_sign_BYTES
               ? pos + crypto_sign_BYTES : len;
}

enum acsa_rc acsa_batch_peek(const uint8_t *buf, size_t len, struct acsa_batch_info *out,
                             struct acsa_error *err)
{
    return parse_header(buf, len, out, true, err);
}

/* Checks the layout: the count within bounds, every record inside the buffer and the
 * signature its last 64 bytes, nothing after it. p->bodies and p->lens are malloc'd. */
static enum acsa_rc parse(const uint8_t *buf, size_t len, struct parsed *p, bool values,
                          struct acsa_error *err)
{
    memset(p, 0, sizeof(*p));
    if (len > ACSA_BATCH_BYTES_MAX) {
        return BAD(err, "batch: %zu bytes; at most %u are accepted", len, ACSA_BATCH_BYTES_MAX);
    }
    enum acsa_rc rc = parse_header(buf, len, &p->info, values, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    uint32_t count = p->info.count;
    if (count > ACSA_BATCH_RECORDS_MAX) {
        return BAD(err, "batch: %u records; at most %d are accepted in one batch", count,
                   ACSA_BATCH_RECORDS_MAX);
    }
    p->header_len = HEADER_FIXED;
    p->bodies = acsa_calloc(count + 1, sizeof(*p->bodies));
    p->lens = acsa_calloc(count + 1, sizeof(*p->lens));
    p->hashes = acsa_calloc(count + 1, sizeof(*p->hashes));
    if (p->bodies == NULL || p->lens == NULL || p->hashes == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    size_t pos = HEADER_FIXED;
    for (uint32_t i = 0; i < count; i++) {
        if (len - pos < 4) {
            return BAD(err, "batch: truncated: record %u of %u is missing (%zu bytes)", i + 1,
                       count, len);
        }
        size_t n = (size_t)be_get(buf + pos, 4);
        pos += 4;
        if (n == 0 || n > ACSA_RECORD_MAX) {
            return BAD(err, "batch: record %u of %u has a length of %zu bytes (1..%d)", i + 1,
                       count, n, ACSA_RECORD_MAX);
        }
        if (n > len - pos) {
            return BAD(err, "batch: truncated: record %u of %u ends past the end (%zu bytes)",
                       i + 1, count, len);
        }
        p->bodies[i] = buf + pos;
        p->lens[i] = n;
        pos += n;
    }
    if (len - pos != crypto_sign_BYTES) {
        return BAD(err, len - pos < crypto_sign_BYTES
                            ? "batch: truncated: the signature is missing or cut (%zu bytes)"
                            : "batch: %zu bytes after the records where a 64-byte signature "
                              "belongs", len - pos);
    }
    p->signature = buf + pos;
    return ACSA_OK;
}

static void parsed_free(struct parsed *p)
{
    acsa_free(p->bodies);
    acsa_free(p->lens);
    acsa_free(p->hashes);
}

/* The digest a batch's signature covers: SHA-256 of the header and each record's SHA-256,
 * which hashes[i] receives (kept: it is the record's hash when stored). */
static void digest_of(const uint8_t *header, size_t header_len, const uint8_t *const *bodies,
                      const size_t *lens, uint32_t count, uint8_t (*hashes)[ACSA_HASH_SIZE],
                      uint8_t out[32])
{
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, header, header_len);
    for (uint32_t i = 0; i < count; i++) {
        acsa__app_sha256(bodies[i], lens[i], hashes[i]);
        crypto_hash_sha256_update(&state, hashes[i], ACSA_HASH_SIZE);
    }
    crypto_hash_sha256_final(&state, out);
}

enum acsa_rc acsa_batch_resign(uint8_t *buf, size_t len, const uint8_t secret_key[64],
                               struct acsa_error *err)
{
    struct parsed p;
    enum acsa_rc rc = parse(buf, len, &p, false, err);
    if (rc == ACSA_OK) {
        uint8_t digest[32];
        digest_of(buf, p.header_len, p.bodies, p.lens, p.info.count, p.hashes, digest);
        crypto_sign_detached(buf + len - crypto_sign_BYTES, NULL, digest, sizeof(digest),
                             secret_key);
    }
    parsed_free(&p);
    return rc;
}

/* ---- Export ------------------------------------------------------------------------------- */

struct out_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    uint32_t count;
    int64_t last_seq;
    const uint8_t **bodies;  /* Offsets are fixed up after the buffer stops growing. */
    size_t *offsets;
    size_t *lens;
    uint32_t max;
    int64_t after;
    bool stopped;            /* A record lay beyond the gap a batch may skip: left for later. */
    bool full;               /* The next record would pass ACSA_BATCH_BYTES_MAX: left for later. */
};

static enum acsa_rc append(struct out_buf *b, const void *data, size_t n)
{
    if (n > b->cap - b->len) {
        size_t cap = b->cap * 2 > b->len + n ? b->cap * 2 : b->len + n + 4096;
        uint8_t *grown = acsa_realloc(b->data, cap);
        if (grown == NULL) {
            return ACSA_ENOMEM;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    return ACSA_OK;
}

static enum acsa_rc add_record(void *ctx, const struct acsa_record_row *row)
{
    struct out_buf *b = ctx;
    int64_t prev = b->count > 0 ? b->last_seq : b->after;
    if (b->stopped || row->seq - prev > ACSA_RECORD_SEQ_GAP_MAX) {
        b->stopped = true; /* The receiver refuses a longer jump: the next batch covers it. */
        return ACSA_OK;
    }
    /* The receiver refuses a batch past ACSA_BATCH_BYTES_MAX: the signature follows. */
    if (b->len + 4 + row->body_len + crypto_sign_BYTES > ACSA_BATCH_BYTES_MAX) {
        b->stopped = true;
        b->full = true;
        return ACSA_OK;
    }
    uint8_t len[4];
    be_put(len, row->body_len, 4);
    ACSA_TRY(append(b, len, sizeof(len)));
    b->offsets[b->count] = b->len;
    b->lens[b->count] = row->body_len;
    ACSA_TRY(append(b, row->body, row->body_len));
    b->count++;
    b->last_seq = row->seq;
    return ACSA_OK;
}

/* How far a batch reaches: one that is not full holds every record for the partner up to
 * our last; numbers skipped (records for other partners) move the cursor at most a gap on. */
static int64_t batch_through(const struct out_buf *b, int64_t own_last)
{
    int64_t through = own_last > b->after ? own_last : b->after;
    through = b->last_seq > through ? b->last_seq : through;
    through = b->count < b->max && !b->full ? through : b->last_seq;
    int64_t reach = (b->count > 0 ? b->last_seq : b->after) + ACSA_RECORD_SEQ_GAP_MAX;
    return through < reach ? through : reach;
}

/* The signature over the header and the records, appended to the batch. */
static enum acsa_rc sign_batch(struct acsa_app *app, struct out_buf *b, struct acsa_error *err)
{
    uint8_t digest[32];
    uint8_t sig[crypto_sign_BYTES];
    uint8_t (*hashes)[ACSA_HASH_SIZE] = acsa_calloc(b->count + 1, sizeof(*hashes));
    if (hashes == NULL) {
        return ACSA_ENOMEM;
    }
    digest_of(b->data, HEADER_FIXED, b->bodies, b->lens, b->count, hashes, digest);
    acsa_free(hashes);
    ACSA_TRY(acsa_app_node_sign(app, digest, sizeof(digest), sig, err));
    return append(b, sig, sizeof(sig));
}

/* The header, the partner's records after after, and the signature, into b. */
static enum acsa_rc export_into(struct acsa_app *app, const char *party, int64_t after,
                                int64_t now_s, const struct acsa_peer *peer, struct out_buf *b,
                                struct acsa_batch_info *info, struct acsa_error *err)
{
    uint8_t header[HEADER_FIXED] = {0}; /* Room, filled in once the records are counted. */
    ACSA_TRY(append(b, header, sizeof(header)));
    /* Our last number is read first: records are numbered in the order they are stored, so
     * whatever the scan then finds for the partner covers every one up to it. No write
     * transaction is taken, so that a server's read connections can export. */
    int64_t own_last = 0;
    ACSA_TRY(SYNC_STORE(app)->record_last_seq(app->store, app->nation, &own_last, err));
    ACSA_TRY(SYNC_STORE(app)->record_scan(app->store, app->nation, party, after, b->max,
                                          add_record, b, err));
    memcpy(info->sender, app->nation, 2);
    memcpy(info->receiver, party, 2);
    info->after = after;
    info->through = batch_through(b, own_last);
    info->ack = peer->received_through;
    info->created_s = now_s;
    info->count = b->count;
    put_header(b->data, info);
    for (uint32_t i = 0; i < b->count; i++) {
        b->bodies[i] = b->data + b->offsets[i];
    }
    return sign_batch(app, b, err);
}

enum acsa_rc acsa_app_batch_export(struct acsa_app *app, const char *party, int64_t after,
                                   uint32_t max_records, int64_t now_s, uint8_t **out,
                                   size_t *out_len, struct acsa_batch_info *info,
                                   struct acsa_error *err)
{
    *out = NULL;
    *out_len = 0;
    memset(info, 0, sizeof(*info));
    uint32_t max = max_records == 0 || max_records > ACSA_BATCH_RECORDS_MAX
                       ? ACSA_BATCH_RECORDS_DEFAULT : max_records;
    struct acsa_peer peer;
    enum acsa_rc rc = SYNC_STORE(app)->peer_get(app->store, party, &peer, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (after < 0 || after > ACSA_RECORD_SEQ_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, "since", "since: %lld is not a record number",
                              (long long)after);
    }
    struct out_buf b = {.max = max, .after = after};
    b.offsets = acsa_calloc(max + 1, sizeof(*b.offsets));
    b.lens = acsa_calloc(max + 1, sizeof(*b.lens));
    b.bodies = acsa_calloc(max + 1, sizeof(*b.bodies));
    rc = ACSA_ENOMEM;
    if (b.offsets != NULL && b.lens != NULL && b.bodies != NULL) {
        rc = export_into(app, party, after, now_s, &peer, &b, info, err);
    }
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    acsa_free(b.offsets);
    acsa_free(b.lens);
    acsa_free(b.bodies);
    if (rc != ACSA_OK) {
        acsa_free(b.data);
        return rc;
    }
    info->size = b.len;
    *out = b.data;
    *out_len = b.len;
    return ACSA_OK;
}

/* ---- Import ------------------------------------------------------------------------------- */

/* Keeps refused input with its reason, in a level of its own. */
void acsa__app_quarantine(struct acsa_app *app, const char *peer, const char *via,
                          const char *what, int64_t seq, const char *number,
                          const struct acsa_error *why, const uint8_t *body, size_t len,
                          int64_t now_s)
{
    struct acsa_quarantine_row row;
    memset(&row, 0, sizeof(row));
    row.at_s = now_s;
    snprintf(row.peer, sizeof(row.peer), "%s", peer);
    snprintf(row.via, sizeof(row.via), "%s", via);
    snprintf(row.what, sizeof(row.what), "%s", what);
    row.seq = seq;
    snprintf(row.order_number, sizeof(row.order_number), "%s", number != NULL ? number : "");
    /* The reason may quote what was refused: kept as one valid line, odd bytes as \xNN. */
    acsa_text_quote(why->message, strnlen(why->message, sizeof(why->message)), row.reason,
                    sizeof(row.reason));
    row.body = body;
    row.body_len = len > ACSA_QUARANTINE_KEPT_BYTES_MAX ? ACSA_QUARANTINE_KEPT_BYTES_MAX : len;
    struct acsa_error ignored;
    acsa_error_clear(&ignored);
    if (acsa_app_begin(app, &ignored) == ACSA_OK) {
        enum acsa_rc rc = SYNC_STORE(app)->quarantine_add(app->store, &row, &ignored);
        if (acsa__app_end(app, rc, &ignored) != ACSA_OK) {
            return; /* Losing the quarantine entry must not lose the batch verdict. */
        }
    }
}

/* The seq of a record, read from its fixed place (version, kind, origin "CC", seq), or 0. */
static int64_t peek_seq(const uint8_t *body, size_t len)
{
    return len >= 14 && be_get(body + 2, 2) == 2 ? (int64_t)be_get(body + 6, 8) : 0;
}

/* The order number of a step record, for the quarantine list, or "". */
static void peek_number(const uint8_t *body, size_t len, char out[ACSA_NUMBER_SIZE])
{
    out[0] = '\0';
    size_t at = 15; /* After version, kind, origin, seq and manual. */
    if (len > at + 2 && body[1] == ACSA_RECORD_STEP) {
        size_t n = (size_t)be_get(body + at, 2);
        if (n < ACSA_NUMBER_SIZE && at + 2 + n <= len) {
            memcpy(out, body + at + 2, n);
            out[n] = '\0';
            for (size_t i = 0; i < n; i++) {
                out[i] = (out[i] < 0x20 || out[i] > 0x7e) ? '?' : out[i];
            }
        }
    }
}

/* A record at or below the cursor was judged when it first came: the same bytes again are a
 * duplicate; other bytes under a number stored here are refused; a number not stored was
 * refused then (its quarantine entry says why) and is not tried again. */
static enum acsa_rc already_judged(struct acsa_app *app, const char *sender, int64_t seq,
                                   const uint8_t hash[ACSA_HASH_SIZE], struct acsa_error *why)
{
    struct acsa_record_row stored;
    enum acsa_rc rc = SYNC_STORE(app)->record_get(app->store, sender, seq, &stored, why);
    if (rc == ACSA_ENOTFOUND) {
        acsa_error_clear(why);
        return ACSA_OK;
    }
    if (rc == ACSA_OK && sodium_memcmp(hash, stored.hash, ACSA_HASH_SIZE) != 0) {
        return acsa_error_set(why, ACSA_EREFUSED, "seq", "seq: %s/%lld differs from the record "
                              "of that number taken in before", sender, (long long)seq);
    }
    return rc;
}

/* A batch may skip at most ACSA_RECORD_SEQ_GAP_MAX numbers between the records it carries
 * (from after to the first, between two, from the last to through): a counter that jumps
 * further would put the sender's real records behind this node's cursor for good. Records
 * whose number is out of order are left to take_all, which quarantines them. */
static enum acsa_rc check_gaps(const struct parsed *p, struct acsa_error *err)
{
    int64_t prev = p->info.after;
    for (uint32_t i = 0; i <= p->info.count; i++) {
        int64_t seq = i < p->info.count ? peek_seq(p->bodies[i], p->lens[i]) : p->info.through;
        if (seq <= prev || seq > p->info.through) {
            continue;
        }
        if (seq - prev > ACSA_RECORD_SEQ_GAP_MAX) {
            return acsa_error_set(err, ACSA_EREFUSED, "seq",
                                  "seq: the batch jumps from record %lld to %lld; at most %lld "
                                  "numbers may be skipped (ACSA_RECORD_SEQ_GAP_MAX)",
                                  (long long)prev, (long long)seq,
                                  (long long)ACSA_RECORD_SEQ_GAP_MAX);
        }
        prev = seq;
    }
    return ACSA_OK;
}

/* Takes each record in, inside the open level: a refused one is rolled back alone, then
 * quarantined once the batch is committed. */
static enum acsa_rc take_all(struct acsa_app *app, const struct parsed *p, const char *via,
                             int64_t batch_id, int64_t received_through, int64_t now_s,
                             struct acsa_batch_result *result, struct acsa_error *err)
{
    int64_t prev_seq = p->info.after;
    for (uint32_t i = 0; i < p->info.count; i++) {
        int64_t seq = peek_seq(p->bodies[i], p->lens[i]);
        struct acsa_error why;
        acsa_error_clear(&why);
        enum acsa_rc rc = ACSA_OK;
        bool duplicate = false;
        bool concurrent = false;
        if (seq <= prev_seq || seq > p->info.through) {
            /* prev_seq may be a refused record's number, INT64_MAX included. */
            int64_t next = prev_seq < INT64_MAX ? prev_seq + 1 : INT64_MAX;
            rc = acsa_error_set(&why, ACSA_EREFUSED, "seq", "seq: record %u of the batch has "
                                "number %lld, outside %lld..%lld or not ascending", i + 1,
                                (long long)seq, (long long)next, (long long)p->info.through);
        } else if (seq <= received_through) {
            rc = already_judged(app, p->info.sender, seq, p->hashes[i], &why);
            duplicate = rc == ACSA_OK;
        } else {
            /* No savepoint per record: a record is refused before anything of it is written
             * (acsa__app_record_take), and a savepoint per record inside the server's writer
             * transaction costs more than the record itself. */
            rc = acsa__app_record_take(app, p->info.sender, p->bodies[i], p->lens[i],
                                       p->hashes[i], batch_id, false, &duplicate, &concurrent,
                                       &why);
            if (acsa_rc_fatal(rc)) {
                *err = why;
                return rc;
            }
        }
        prev_seq = seq > prev_seq ? seq : prev_seq;
        if (rc != ACSA_OK) {
            char number[ACSA_NUMBER_SIZE];
            peek_number(p->bodies[i], p->lens[i], number);
            acsa__app_quarantine(app, p->info.sender, via, "record", seq, number, &why,
                                 p->bodies[i], p->lens[i], now_s);
            result->quarantined++;
        } else if (duplicate) {
            result->duplicates++;
        } else {
            result->applied++;
            result->concurrent += concurrent ? 1 : 0;
        }
    }
    return ACSA_OK;
}

/* The checks of a batch as a whole; ACSA_OK to go on. */
static enum acsa_rc check_batch(struct acsa_app *app, const struct parsed *p,
                                const uint8_t digest[32], const struct acsa_peer *peer,
                                struct acsa_error *err)
{
    const struct acsa_batch_info *info = &p->info;
    if (strcmp(info->receiver, app->nation) != 0) {
        return BAD(err, "batch: addressed to %s, but this node is %s", info->receiver,
                   app->nation);
    }
    if (crypto_sign_verify_detached(p->signature, digest, 32, peer->key) != 0) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "signature",
                              "signature: the batch from %s does not verify with the key "
                              "registered for %s (forged, altered, reordered, or signed by "
                              "another key); nothing applied", info->sender, info->sender);
    }
    enum acsa_rc rc = check_gaps(p, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (info->after > peer->received_through) {
        return BAD(err, "batch: gap: it starts after record %lld of %s, but this node holds "
                   "%s's records only through %lld (export again with --since %lld)",
                   (long long)info->after, info->sender, info->sender,
                   (long long)peer->received_through, (long long)peer->received_through);
    }
    if (info->count > 0 && info->through <= peer->received_through) {
        return acsa_error_set(err, ACSA_ECONFLICT, "batch",
                              "batch: replayed: %s's records %lld..%lld were all taken in "
                              "before; nothing applied", info->sender,
                              (long long)info->after + 1, (long long)info->through);
    }
    return ACSA_OK;
}

/* The batch read (its header into result even when refused), its sender a partner, and its
 * digest, signature and numbers checked; digest is the batch's. */
static enum acsa_rc check_incoming(struct acsa_app *app, const uint8_t *buf, size_t len,
                                   struct parsed *p, struct acsa_peer *peer, uint8_t digest[32],
                                   struct acsa_batch_result *result, struct acsa_error *err)
{
    enum acsa_rc rc = parse(buf, len, p, true, err);
    result->info = p->info;
    ACSA_TRY(rc);
    rc = SYNC_STORE(app)->peer_get(app->store, p->info.sender, peer, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "sender", "sender: %s is not a partner "
                              "node of %s (add it with \"acsa peer add\")", p->info.sender,
                              app->nation);
    }
    ACSA_TRY(rc);
    digest_of(buf, p->header_len, p->bodies, p->lens, p->info.count, p->hashes, digest);
    return check_batch(app, p, digest, peer, err);
}

/* In the import's transaction: the batch kept, its records taken in, what follows it kept,
 * and the partner's cursors moved on. */
static enum acsa_rc take_batch(struct acsa_app *app, const struct parsed *p, const char *via,
                               int64_t now_s, const uint8_t digest[32],
                               int64_t received_through, const struct acsa__batch_hook *hook,
                               struct acsa_batch_result *result, struct acsa_error *err)
{
    int64_t batch_id = 0;
    ACSA_TRY(SYNC_STORE(app)->batch_add(app->store, p->info.sender, via, p->info.after + 1,
                                        p->info.through, p->info.count, digest, p->signature,
                                        now_s, &batch_id, err));
    ACSA_TRY(take_all(app, p, via, batch_id, received_through, now_s, result, err));
    if (hook != NULL) {
        ACSA_TRY(hook->keep(hook->ctx, err));
    }
    /* The sender cannot hold more of our records than we wrote: its ack is taken up to our
     * last number (more would skip our next records in bundles made for it). */
    int64_t own_last = 0;
    ACSA_TRY(SYNC_STORE(app)->record_last_seq(app->store, app->nation, &own_last, err));
    int64_t ack = p->info.ack < own_last ? p->info.ack : own_last;
    return SYNC_STORE(app)->peer_advance(app->store, p->info.sender, p->info.through, ack, 0,
                                         err);
}

enum acsa_rc acsa_app_batch_import(struct acsa_app *app, const uint8_t *buf, size_t len,
                                   const char *via, int64_t now_s,
                                   struct acsa_batch_result *result, struct acsa_error *err)
{
    return acsa__app_batch_take(app, buf, len, via, now_s, true, NULL, result, err);
}

enum acsa_rc acsa__app_batch_take(struct acsa_app *app, const uint8_t *buf, size_t len,
                                  const char *via, int64_t now_s, bool keep_refused,
                                  const struct acsa__batch_hook *hook,
                                  struct acsa_batch_result *result, struct acsa_error *err)
{
    memset(result, 0, sizeof(*result));
    struct parsed p;
    struct acsa_peer peer;
    memset(&peer, 0, sizeof(peer));
    uint8_t digest[32];
    enum acsa_rc rc = check_incoming(app, buf, len, &p, &peer, digest, result, err);
    result->replay = rc == ACSA_ECONFLICT;
    bool hooked = rc == ACSA_OK && hook != NULL;
    if (hooked) {
        rc = hook->check(hook->ctx, &p.info, &peer, err);
    }
    /* A refused header may hold any number: no arithmetic may overflow on it. */
    int64_t first = p.info.after < INT64_MAX ? p.info.after + 1 : p.info.after;
    char object[ACSA__APP_OBJECT_SIZE];
    snprintf(object, sizeof(object), "%s:%s:%lld..%lld", via, p.info.sender[0] ? p.info.sender
             : "?", (long long)first, (long long)p.info.through);
    if (rc != ACSA_OK && !acsa_rc_fatal(rc)) {
        if (hooked) { /* What follows the batch was refused: kept rather than the batch. */
            acsa__app_quarantine(app, p.info.sender, via, hook->what, first, "", err,
                                 hook->bytes, hook->len, now_s);
        } else if (keep_refused) {
            acsa__app_quarantine(app, p.info.sender, via, "batch", first, "", err, buf, len,
                                 now_s);
        }
        parsed_free(&p);
        return acsa__app_refused(app, rc, "sync.import", object, err);
    }
    if (rc == ACSA_OK) {
        rc = acsa_app_begin(app, err);
    }
    if (rc == ACSA_OK) {
        rc = take_batch(app, &p, via, now_s, digest, peer.received_through, hook, result, err);
        rc = acsa__app_finish(app, rc, "sync.import", object, err);
    }
    parsed_free(&p);
    return rc;
}
