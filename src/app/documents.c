/* SPDX-License-Identifier: MIT */
/* Supporting documents (requirement 11): attach a file to an order line, list and read them,
 * and take in a partner's document record and, apart from it, the bytes it names. The bytes
 * are kept once per SHA-256; the reference is a signed record (kind 6) for the partner. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "app_int.h"
#include "app_limits.h"
#include "app_reads.h"
#include "date.h"

_Static_assert(ACSA_DOCUMENT_BYTES_MAX <= ACSA_RECORD_DOCUMENT_BYTES_MAX,
               "a document this node takes is one its records may name");

#define REFUSE(err, field, ...) acsa_error_set((err), ACSA_EREFUSED, (field), __VA_ARGS__)

enum acsa_rc acsa_app_document_content_check(const uint8_t *bytes, size_t len,
                                             const char *field, const char **out_type,
                                             struct acsa_error *err)
{
    *out_type = NULL;
    if (len == 0) {
        return REFUSE(err, field, "%s: the file is empty", field);
    }
    if (len > ACSA_DOCUMENT_BYTES_MAX) {
        return acsa_error_set(err, ACSA_ELIMIT, field, "%s: %.1f MiB is over the %u MiB limit "
                              "for a document", field, (double)len / (1024.0 * 1024.0),
                              ACSA_DOCUMENT_BYTES_MAX >> 20);
    }
    const char *type = acsa_document_sniff(bytes, len);
    if (type == NULL) {
        return REFUSE(err, field, "%s: not a PDF, JPEG or PNG file (told by its content, not "
                      "its name)", field);
    }
    *out_type = type;
    return ACSA_OK;
}

/* The order's lines with at least one document, bit i-1 for line i. */
static enum acsa_rc mark_line(void *ctx, const struct acsa_document_row *row)
{
    uint64_t *lines = ctx;
    if (row->ref.line >= 1 && row->ref.line <= 64) {
        *lines |= UINT64_C(1) << (row->ref.line - 1);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__app_lines_with_documents(struct acsa_app *app, const char *number,
                                            uint64_t *out, struct acsa_error *err)
{
    *out = 0;
    return SYNC_STORE(app)->document_list(app->store, number, false, mark_line, out, err);
}

enum acsa_rc acsa_app_order_lines_without_documents(struct acsa_app *app, const char *number,
                                                    uint64_t *out_missing,
                                                    struct acsa_error *err)
{
    *out_missing = 0;
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    ACSA_TRY(LEDGER(app)->order_get(app->store, number, &work->order, err));
    uint64_t with = 0;
    ACSA_TRY(acsa__app_lines_with_documents(app, number, &with, err));
    *out_missing = acsa_document_lines_missing(&work->order, with);
    return ACSA_OK;
}

struct attach {
    const char *number;
    uint32_t line;
    enum acsa_document_kind kind;
    const uint8_t *bytes;
    size_t len;
    const char *field;
    const char *by;
    struct acsa_document_ref ref;
};

static enum acsa_rc attach_in_transaction(struct acsa_app *app, struct attach *a,
                                          struct acsa_error *err)
{
    const char *type = NULL;
    ACSA_TRY(acsa_app_document_content_check(a->bytes, a->len, a->field, &type, err));
    if (acsa_document_kind_name(a->kind)[0] == '\0') {
        return REFUSE(err, "kind", "kind: must be fuel-ticket, delivery-note, receipt, invoice "
                      "or other");
    }
    ACSA_TRY(acsa__app_check_name("by", a->by, ACSA_NAME_SIZE, err));
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    ACSA_TRY(LEDGER(app)->order_get(app->store, a->number, &work->order, err));
    const struct acsa_order *order = &work->order;
    if (strcmp(order->requester, app->nation) != 0 && strcmp(order->supplier, app->nation) != 0) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "number", "number: %s is not an order of "
                              "this node's party (%s)", order->number, app->nation);
    }
    ACSA_TRY(acsa_document_check(order, a->line, err));
    struct acsa_document_ref *d = &a->ref;
    memset(d, 0, sizeof(*d));
    int64_t now = (int64_t)time(NULL);
    int32_t year = 0;
    acsa_date_to_ymd(acsa__app_today(0), &year, NULL, NULL);
    char series[ACSA_NUMBER_SIZE];
    snprintf(series, sizeof(series), "%s-DOC", app->nation);
    int64_t sequence = 0;
    ACSA_TRY(LEDGER(app)->invoice_next_sequence(app->store, series, year, &sequence, err));
    snprintf(d->id, sizeof(d->id), "%.12s-%04d-%06lld", series, (int)year, (long long)sequence);
    memcpy(d->number, order->number, sizeof(d->number));
    d->line = a->line;
    d->kind = a->kind;
    acsa__app_sha256(a->bytes, a->len, d->sha256);
    d->size = (int64_t)a->len;
    snprintf(d->content_type, sizeof(d->content_type), "%s", type);
    snprintf(d->actor, sizeof(d->actor), "%s", a->by);
    d->at_s = now;
    ACSA_TRY(SYNC_STORE(app)->blob_put(app->store, d->sha256, a->bytes, a->len, err));
    ACSA_TRY(SYNC_STORE(app)->document_add(app->store, d, app->nation, err));
    const char *partner = strcmp(order->requester, app->nation) == 0 ? order->supplier
                                                                      : order->requester;
    return acsa__app_record_document(app, d, partner, err);
}

enum acsa_rc acsa_app_document_attach(struct acsa_app *app, const char *number, uint32_t line,
                                      enum acsa_document_kind kind, const uint8_t *bytes,
                                      size_t len, const char *field, const char *by,
                                      char out_id[ACSA_DOCUMENT_ID_SIZE],
                                      struct acsa_error *err)
{
    out_id[0] = '\0';
    struct attach a;
    memset(&a, 0, sizeof(a));
    a.number = number;
    a.line = line;
    a.kind = kind;
    a.bytes = bytes;
    a.len = len;
    a.field = field;
    a.by = by;
    char object[ACSA__APP_OBJECT_SIZE];
    acsa__app_text_copy(object, sizeof(object), number);
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = attach_in_transaction(app, &a, err);
        if (rc == ACSA_OK) {
            snprintf(object, sizeof(object), "%s line %u: %s", a.ref.number, a.ref.line,
                     a.ref.id);
        }
        rc = acsa__app_finish(app, rc, "document.attach", object, err);
    }
    if (rc == ACSA_OK) {
        memcpy(out_id, a.ref.id, ACSA_DOCUMENT_ID_SIZE);
    }
    return rc;
}

enum acsa_rc acsa_app_documents(struct acsa_app *app, const char *number, acsa_document_cb cb,
                                void *ctx, struct acsa_error *err)
{
    if (number == NULL || number[0] == '\0') {
        return SYNC_STORE(app)->document_list(app->store, "", false, cb, ctx, err);
    }
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    ACSA_TRY(LEDGER(app)->order_get(app->store, number, &work->order, err));
    return SYNC_STORE(app)->document_list(app->store, number, false, cb, ctx, err);
}

enum acsa_rc acsa_app_document_get(struct acsa_app *app, const char *id,
                                   struct acsa_document_row *out, uint8_t **out_bytes,
                                   size_t *out_len, struct acsa_error *err)
{
    if (out_bytes != NULL) {
        *out_bytes = NULL;
        *out_len = 0;
    }
    enum acsa_rc rc = SYNC_STORE(app)->document_get(app->store, id, out, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, rc, "id", "document %.40s not found", id);
    }
    if (rc != ACSA_OK || out_bytes == NULL) {
        return rc;
    }
    rc = SYNC_STORE(app)->blob_get(app->store, out->ref.sha256, out_bytes, out_len, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "id", "document %s: its bytes have not "
                              "arrived from %s yet (they come with the next sync or bundle)",
                              out->ref.id, out->origin);
    }
    return rc;
}

enum acsa_rc acsa_app_documents_pending(struct acsa_app *app, acsa_document_cb cb, void *ctx,
                                        struct acsa_error *err)
{
    return SYNC_STORE(app)->document_list(app->store, "", true, cb, ctx, err);
}

/* ---- A partner's document record and bytes ------------------------------------------------ */

enum acsa_rc acsa__app_take_document(struct acsa_app *app, struct acsa__app_work *work,
                                     struct acsa_error *err)
{
    const struct acsa_record *r = &work->record;
    const struct acsa_document_ref *d = &r->document;
    enum acsa_rc rc = LEDGER(app)->order_get(app->store, d->number, &work->order, err);
    if (rc == ACSA_ENOTFOUND) {
        return REFUSE(err, "number", "number: order %s of document %s is not known here",
                      d->number, d->id);
    }
    ACSA_TRY(rc);
    const struct acsa_order *order = &work->order;
    bool signer_party = strcmp(order->requester, r->origin) == 0 ||
                        strcmp(order->supplier, r->origin) == 0;
    bool ours = strcmp(order->requester, app->nation) == 0 ||
                strcmp(order->supplier, app->nation) == 0;
    if (!signer_party || !ours) {
        return REFUSE(err, "number", "number: order %s is not between %s and this node (%s)",
                      order->number, r->origin, app->nation);
    }
    ACSA_TRY(acsa_document_check(order, d->line, err));
    struct acsa_document_row held;
    rc = SYNC_STORE(app)->document_get(app->store, d->id, &held, err);
    if (rc == ACSA_OK) {
        return REFUSE(err, "id", "id: document %s is held already (a replay under another "
                      "record number)", d->id);
    }
    if (rc != ACSA_ENOTFOUND) {
        return rc;
    }
    acsa_error_clear(err);
    return SYNC_STORE(app)->document_add(app->store, d, r->origin, err);
}

struct bytes_match {
    const uint8_t *sha256;
    int64_t size;
    const char *from;
    struct acsa_document_row found;
    bool any;
};

static enum acsa_rc match_pending(void *ctx, const struct acsa_document_row *row)
{
    struct bytes_match *m = ctx;
    if (!m->any && sodium_memcmp(row->ref.sha256, m->sha256, ACSA_HASH_SIZE) == 0 &&
        (m->from == NULL || strcmp(row->origin, m->from) == 0)) {
        m->found = *row;
        m->any = true;
    }
    return ACSA_OK;
}

static enum acsa_rc bytes_take(struct acsa_app *app, const char *from, const uint8_t *bytes,
                               size_t len, const uint8_t *expect, bool *out_new,
                               struct acsa_error *err)
{
    uint8_t hash[ACSA_HASH_SIZE];
    if (len == 0 || len > ACSA_DOCUMENT_BYTES_MAX) {
        return REFUSE(err, "bytes", "bytes: %zu bytes is not the size of a document (1 .. %u)",
                      len, ACSA_DOCUMENT_BYTES_MAX);
    }
    acsa__app_sha256(bytes, len, hash);
    if (expect != NULL && sodium_memcmp(hash, expect, ACSA_HASH_SIZE) != 0) {
        char want[ACSA_SHA256_TEXT_SIZE];
        char got[ACSA_SHA256_TEXT_SIZE];
        sodium_bin2hex(want, sizeof(want), expect, ACSA_HASH_SIZE);
        sodium_bin2hex(got, sizeof(got), hash, ACSA_HASH_SIZE);
        return REFUSE(err, "sha256", "sha256: the bytes from %s hash to %.16s..., not to "
                      "%.16s... as named", from, got, want);
    }
    struct bytes_match m;
    memset(&m, 0, sizeof(m));
    m.sha256 = hash;
    m.from = from;
    ACSA_TRY(SYNC_STORE(app)->document_list(app->store, "", true, match_pending, &m, err));
    if (!m.any) {
        /* Bytes already held are a repeat, not an error. */
        uint8_t *held = NULL;
        size_t held_len = 0;
        enum acsa_rc rc = SYNC_STORE(app)->blob_get(app->store, hash, &held, &held_len, err);
        acsa_free(held);
        if (rc == ACSA_OK) {
            *out_new = false;
            return ACSA_OK;
        }
        if (rc != ACSA_ENOTFOUND) {
            return rc;
        }
        acsa_error_clear(err);
        return REFUSE(err, "sha256", "sha256: bytes from %s that no document record of %s "
                      "names (%zu bytes): refused", from, from, len);
    }
    if (m.found.ref.size != (int64_t)len) {
        return REFUSE(err, "size", "size: document %s names %lld bytes; %zu came",
                      m.found.ref.id, (long long)m.found.ref.size, len);
    }
    const char *type = acsa_document_sniff(bytes, len);
    if (type == NULL || strcmp(type, m.found.ref.content_type) != 0) {
        return REFUSE(err, "content_type", "content_type: document %s is named %s; its bytes "
                      "are %s", m.found.ref.id, m.found.ref.content_type,
                      type != NULL ? type : "not a PDF, JPEG or PNG");
    }
    *out_new = true;
    return SYNC_STORE(app)->blob_put(app->store, hash, bytes, len, err);
}

enum acsa_rc acsa__app_document_bytes_take(struct acsa_app *app, const char *from,
                                           const uint8_t *bytes, size_t len,
                                           const uint8_t *expect, bool *out_new,
                                           struct acsa_error *err)
{
    *out_new = false;
    return bytes_take(app, from, bytes, len, expect, out_new, err);
}

enum acsa_rc acsa_app_document_bytes_take(struct acsa_app *app, const char *from,
                                          const uint8_t *bytes, size_t len,
                                          const uint8_t *expect, bool *out_new,
                                          struct acsa_error *err)
{
    *out_new = false;
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = bytes_take(app, from, bytes, len, expect, out_new, err);
    if (rc != ACSA_OK && !acsa_rc_fatal(rc)) {
        rc = acsa__app_end(app, rc, err);
        return acsa__app_refused(app, rc, "sync.document", from, err);
    }
    return acsa__app_end(app, rc, err);
}

/* ---- The documents section of a bundle ----------------------------------------------------- */

#define SECTION_MAGIC "ACSADOC1"
#define SECTION_MAGIC_LEN 8u
#define SECTION_TRAILER (8u + SECTION_MAGIC_LEN)

struct section_build {
    struct acsa_app *app;
    int64_t through;
    struct acsa_record *record;         /* Scratch for decoding. */
    uint8_t (*hashes)[ACSA_HASH_SIZE];  /* Distinct SHA-256s named by our document records. */
    size_t count;
    size_t capacity;
};

static enum acsa_rc section_note(void *ctx, const struct acsa_record_row *row)
{
    struct section_build *b = ctx;
    if (row->seq > b->through) {
        return ACSA_OK;
    }
    struct acsa_error ignored;
    if (acsa_record_decode(row->body, row->body_len, b->record, &ignored) != ACSA_OK ||
        b->record->kind != ACSA_RECORD_DOCUMENT) {
        return ACSA_OK;
    }
    for (size_t i = 0; i < b->count; i++) {
        if (memcmp(b->hashes[i], b->record->document.sha256, ACSA_HASH_SIZE) == 0) {
            return ACSA_OK;
        }
    }
    if (b->count == b->capacity) {
        size_t capacity = b->capacity == 0 ? 16 : 2 * b->capacity;
        void *grown = acsa_realloc(b->hashes, capacity * ACSA_HASH_SIZE);
        if (grown == NULL) {
            return ACSA_ENOMEM;
        }
        b->hashes = grown;
        b->capacity = capacity;
    }
    memcpy(b->hashes[b->count++], b->record->document.sha256, ACSA_HASH_SIZE);
    return ACSA_OK;
}

static void put_be(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
}

static uint64_t get_be(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

/* Appends n bytes to *out (grown as needed). */
static bool section_add(uint8_t **out, size_t *len, size_t *cap, const void *data, size_t n)
{
    if (*len + n > *cap) {
        size_t want = *cap == 0 ? 4096 : *cap;
        while (want < *len + n) {
            want *= 2;
        }
        uint8_t *grown = acsa_realloc(*out, want);
        if (grown == NULL) {
            return false;
        }
        *out = grown;
        *cap = want;
    }
    memcpy(*out + *len, data, n);
    *len += n;
    return true;
}

static enum acsa_rc section_write(struct acsa_app *app, const struct section_build *b,
                                  uint8_t **out, size_t *out_len, uint32_t *out_count,
                                  uint32_t *out_left, struct acsa_error *err)
{
    size_t len = 0;
    size_t cap = 0;
    uint8_t head[SECTION_MAGIC_LEN + 4];
    memcpy(head, SECTION_MAGIC, SECTION_MAGIC_LEN);
    bool ok = section_add(out, &len, &cap, head, sizeof(head));
    uint32_t count = 0;
    for (size_t i = 0; ok && i < b->count; i++) {
        uint8_t *bytes = NULL;
        size_t n = 0;
        enum acsa_rc rc = SYNC_STORE(app)->blob_get(app->store, b->hashes[i], &bytes, &n, err);
        if (rc == ACSA_ENOTFOUND) {
            acsa_error_clear(err);
            continue;
        }
        if (rc != ACSA_OK) {
            *out_len = len;
            return rc;
        }
        if (len + n + ACSA_HASH_SIZE + 4 + SECTION_TRAILER > ACSA_BUNDLE_DOCUMENTS_BYTES_MAX ||
            count == ACSA_BUNDLE_DOCUMENTS_MAX) {
            acsa_free(bytes);
            (*out_left)++;
            continue;
        }
        uint8_t entry[ACSA_HASH_SIZE + 4];
        memcpy(entry, b->hashes[i], ACSA_HASH_SIZE);
        put_be(entry + ACSA_HASH_SIZE, n, 4);
        ok = section_add(out, &len, &cap, entry, sizeof(entry)) &&
             section_add(out, &len, &cap, bytes, n);
        acsa_free(bytes);
        count++;
    }
    uint8_t trailer[SECTION_TRAILER];
    put_be(trailer, len, 8);
    memcpy(trailer + 8, SECTION_MAGIC, SECTION_MAGIC_LEN);
    ok = ok && section_add(out, &len, &cap, trailer, sizeof(trailer));
    *out_len = len;
    if (!ok) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    put_be(*out + SECTION_MAGIC_LEN, count, 4);
    *out_count = count;
    return ACSA_OK;
}

enum acsa_rc acsa_app_bundle_documents(struct acsa_app *app, const char *partner, int64_t after,
                                       int64_t through, uint8_t **out, size_t *out_len,
                                       uint32_t *out_count, uint32_t *out_left,
                                       struct acsa_error *err)
{
    *out = NULL;
    *out_len = 0;
    *out_count = 0;
    *out_left = 0;
    struct section_build b;
    memset(&b, 0, sizeof(b));
    b.app = app;
    b.through = through;
    b.record = acsa_malloc(sizeof(*b.record));
    if (b.record == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = SYNC_STORE(app)->record_scan(app->store, app->nation, partner, after,
                                                   ACSA_BATCH_RECORDS_MAX, section_note, &b,
                                                   err);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, rc, "", "out of memory");
    }
    if (rc == ACSA_OK && b.count > 0) {
        rc = section_write(app, &b, out, out_len, out_count, out_left, err);
    }
    acsa_free(b.record);
    acsa_free(b.hashes);
    if (rc != ACSA_OK || *out_count == 0) {
        acsa_free(*out);
        *out = NULL;
        *out_len = 0;
    }
    return rc;
}

size_t acsa_app_bundle_documents_offset(const uint8_t *buf, size_t len)
{
    if (len < SECTION_TRAILER ||
        memcmp(buf + len - SECTION_MAGIC_LEN, SECTION_MAGIC, SECTION_MAGIC_LEN) != 0) {
        return len;
    }
    uint64_t body = get_be(buf + len - SECTION_TRAILER, 8);
    if (body > len - SECTION_TRAILER) {
        return len; /* Not a section: the batch's own checks name what is wrong. */
    }
    size_t start = len - SECTION_TRAILER - (size_t)body;
    if (body < SECTION_MAGIC_LEN + 4 ||
        memcmp(buf + start, SECTION_MAGIC, SECTION_MAGIC_LEN) != 0) {
        return len;
    }
    return start;
}

/* Walks the section's entries: at most ACSA_BUNDLE_DOCUMENTS_MAX, each a SHA-256, a length of
 * 1 .. ACSA_DOCUMENT_BYTES_MAX and that many bytes, nothing after the last. take NULL: only
 * the layout is checked. */
static enum acsa_rc section_walk(struct acsa_app *app, const char *from, const uint8_t *buf,
                                 size_t len, uint32_t *taken, uint32_t *refused,
                                 struct acsa_error *err)
{
    size_t end = len - SECTION_TRAILER;
    size_t pos = SECTION_MAGIC_LEN;
    if (len < SECTION_MAGIC_LEN + 4 + SECTION_TRAILER) {
        return REFUSE(err, "documents", "documents: the section is truncated");
    }
    uint64_t count = get_be(buf + pos, 4);
    pos += 4;
    if (count > ACSA_BUNDLE_DOCUMENTS_MAX) {
        return REFUSE(err, "documents", "documents: %llu files, more than a bundle carries (%u)",
                      (unsigned long long)count, ACSA_BUNDLE_DOCUMENTS_MAX);
    }
    for (uint64_t i = 0; i < count; i++) {
        if (end - pos < ACSA_HASH_SIZE + 4) {
            return REFUSE(err, "documents", "documents[%llu]: truncated",
                          (unsigned long long)i);
        }
        const uint8_t *hash = buf + pos;
        uint64_t n = get_be(buf + pos + ACSA_HASH_SIZE, 4);
        pos += ACSA_HASH_SIZE + 4;
        if (n == 0 || n > ACSA_DOCUMENT_BYTES_MAX || n > end - pos) {
            return REFUSE(err, "documents", "documents[%llu]: a length of %llu bytes is not one "
                          "of a document here", (unsigned long long)i, (unsigned long long)n);
        }
        if (app != NULL) {
            bool fresh = false;
            struct acsa_error one;
            acsa_error_clear(&one);
            enum acsa_rc rc = acsa_app_document_bytes_take(app, from, buf + pos, (size_t)n,
                                                           hash, &fresh, &one);
            if (acsa_rc_fatal(rc)) {
                *err = one;
                return rc;
            }
            *taken += rc == ACSA_OK && fresh ? 1 : 0;
            *refused += rc != ACSA_OK ? 1 : 0;
        }
        pos += (size_t)n;
    }
    if (pos != end) {
        return REFUSE(err, "documents", "documents: %zu bytes after the last file",
                      end - pos);
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_bundle_documents_check(const uint8_t *buf, size_t len,
                                             struct acsa_error *err)
{
    return section_walk(NULL, NULL, buf, len, NULL, NULL, err);
}

enum acsa_rc acsa_app_bundle_documents_import(struct acsa_app *app, const char *from,
                                              const uint8_t *buf, size_t len, uint32_t *taken,
                                              uint32_t *refused, struct acsa_error *err)
{
    *taken = 0;
    *refused = 0;
    ACSA_TRY(section_walk(NULL, NULL, buf, len, NULL, NULL, err));
    return section_walk(app, from, buf, len, taken, refused, err);
}

/* ---- Bytes a partner asks for, and the partner's pending list ----------------------------- */

struct shared_find {
    struct acsa_app *app;
    const char *partner;
    const uint8_t *sha256;
    struct acsa_order *order;     /* Scratch. */
    bool shared;
    enum acsa_rc failed;
    struct acsa_error *err;
};

/* Whether a document with these bytes belongs to an order between this node and partner. */
static enum acsa_rc find_shared(void *ctx, const struct acsa_document_row *row)
{
    struct shared_find *s = ctx;
    if (s->shared || !row->have_bytes ||
        memcmp(row->ref.sha256, s->sha256, ACSA_HASH_SIZE) != 0) {
        return ACSA_OK;
    }
    enum acsa_rc rc = LEDGER(s->app)->order_get(s->app->store, row->ref.number, s->order,
                                                s->err);
    if (rc != ACSA_OK) {
        s->failed = rc;
        return rc;
    }
    s->shared = strcmp(s->order->requester, s->partner) == 0 ||
                strcmp(s->order->supplier, s->partner) == 0;
    return ACSA_OK;
}

enum acsa_rc acsa_app_document_bytes_for(struct acsa_app *app, const char *partner,
                                         const uint8_t sha256[ACSA_HASH_SIZE], uint8_t **out,
                                         size_t *out_len, struct acsa_error *err)
{
    *out = NULL;
    *out_len = 0;
    struct acsa__app_work *work = acsa__app_work(app, err);
    if (work == NULL) {
        return ACSA_ENOMEM;
    }
    struct shared_find s = {app, partner, sha256, &work->order, false, ACSA_OK, err};
    ACSA_TRY(SYNC_STORE(app)->document_list(app->store, "", false, find_shared, &s, err));
    if (!s.shared) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "sha256", "sha256: no document shared with "
                              "%s has these bytes here", partner);
    }
    return SYNC_STORE(app)->blob_get(app->store, sha256, out, out_len, err);
}
