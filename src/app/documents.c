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
