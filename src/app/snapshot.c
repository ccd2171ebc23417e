/* SPDX-License-Identifier: MIT */
/* Signed snapshots: what a node held of its shared orders and its ledger with one partner when
 * it wrote a bundle for it. The encoding is that of records (big-endian integers, texts as a
 * u16 length and UTF-8 bytes); one Ed25519 signature over the SHA-256 of everything before it.
 * A snapshot is checked in three steps, each refusal naming what failed: the layout (size,
 * truncation), the signature, then every field, so nothing unsigned is ever interpreted. */
#include <inttypes.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app_int.h"
#include "snapshot.h"
#include "date.h"
#include "text.h"
#include "auth_json.h"
#include "alloc.h"

#define MAGIC_LEN 8

/* ---- Writing ------------------------------------------------------------------------------ */

static void put(struct acsa_snapshot_writer *w, const void *data, size_t n)
{
    if (w->failed) {
        return;
    }
    if (n > w->cap - w->len) {
        size_t cap = w->cap * 2 > w->len + n ? w->cap * 2 : w->len + n + 4096;
        uint8_t *grown = cap <= ACSA_SNAPSHOT_BYTES_MAX ? acsa_realloc(w->data, cap) : NULL;
        if (grown == NULL) {
            w->failed = true;
            return;
        }
        w->data = grown;
        w->cap = cap;
    }
    memcpy(w->data + w->len, data, n);
    w->len += n;
}

static void put_int(struct acsa_snapshot_writer *w, uint64_t v, unsigned width)
{
    uint8_t b[8];
    for (unsigned i = 0; i < width; i++) {
        b[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
    put(w, b, width);
}

static void put_text(struct acsa_snapshot_writer *w, const char *text)
{
    size_t n = strlen(text);
    if (n > ACSA_SNAPSHOT_TEXT_MAX) {
        w->failed = true;
        return;
    }
    put_int(w, n, 2);
    put(w, text, n);
}

/* Writes the count of the list just ended into its place. */
static void close_list(struct acsa_snapshot_writer *w)
{
    if (!w->failed) {
        for (unsigned i = 0; i < 4; i++) {
            w->data[w->count_at + i] = (uint8_t)(w->count >> (8 * (3 - i)));
        }
    }
}

static void open_list(struct acsa_snapshot_writer *w)
{
    w->count_at = w->len;
    w->count = 0;
    put_int(w, 0, 4);
}

void acsa_snapshot_begin(struct acsa_snapshot_writer *w, const char *sender,
                         const char *receiver, int64_t created_s, int64_t sender_through,
                         int64_t seen_through)
{
    memset(w, 0, sizeof(*w));
    put(w, ACSA_SNAPSHOT_MAGIC, MAGIC_LEN);
    put_text(w, sender);
    put_text(w, receiver);
    put_int(w, (uint64_t)created_s, 8);
    put_int(w, (uint64_t)sender_through, 8);
    put_int(w, (uint64_t)seen_through, 8);
    open_list(w);
}

void acsa_snapshot_add_order(struct acsa_snapshot_writer *w, const char *number,
                             uint64_t fingerprint)
{
    w->over = w->over || w->count >= ACSA_SNAPSHOT_ORDERS_MAX;
    w->failed = w->failed || w->over;
    put_text(w, number);
    put_int(w, fingerprint, 8);
    w->count++;
}

void acsa_snapshot_begin_balances(struct acsa_snapshot_writer *w)
{
    close_list(w);
    open_list(w);
}

void acsa_snapshot_add_balance(struct acsa_snapshot_writer *w, const char *currency,
                               const char *account, acsa_wide amount_minor)
{
    w->over = w->over || w->count >= ACSA_SNAPSHOT_BALANCES_MAX;
    w->failed = w->failed || w->over;
    put_text(w, currency);
    put_text(w, account);
    /* A sum of many orders may pass 64 bits (ARCHITECTURE.md "No overflow"): two's
     * complement in 128, high half first. */
    acsa_uwide bits = (acsa_uwide)amount_minor;
    put_int(w, (uint64_t)(bits >> 64), 8);
    put_int(w, (uint64_t)bits, 8);
    w->count++;
}

void acsa_snapshot_end(struct acsa_snapshot_writer *w, uint8_t digest[32])
{
    close_list(w);
    memset(digest, 0, 32);
    if (!w->failed) {
        acsa__app_sha256(w->data, w->len, digest);
    }
}

void acsa_snapshot_seal(struct acsa_snapshot_writer *w,
                        const uint8_t signature[ACSA_SNAPSHOT_SIGNATURE_SIZE])
{
    put(w, signature, ACSA_SNAPSHOT_SIGNATURE_SIZE);
}

/* ---- Reading ------------------------------------------------------------------------------ */

struct reader {
    const uint8_t *buf;
    size_t end;                  /* Where the signature starts. */
    size_t pos;
    struct acsa_error *layout;   /* The first layout refusal (reading stops). */
    struct acsa_error *value;    /* The first field refusal (reading goes on). */
    bool layout_bad;
    bool value_bad;
    bool narrow;                 /* A layout 1 snapshot: balances as i64. */
};

#define LAYOUT(r, ...) \
    ((r)->layout_bad ? ACSA_EREFUSED \
                     : ((r)->layout_bad = true, \
                        acsa_error_set((r)->layout, ACSA_EREFUSED, "snapshot", __VA_ARGS__)))

__attribute__((format(printf, 3, 4)))
static void value_bad(struct reader *r, const char *field, const char *fmt, ...)
{
    if (!r->value_bad) {
        r->value_bad = true;
        char message[ACSA_ERROR_MESSAGE_SIZE];
        va_list args;
        va_start(args, fmt);
        vsnprintf(message, sizeof(message), fmt, args);
        va_end(args);
        acsa_error_set(r->value, ACSA_EREFUSED, field, "%s: %s", field, message);
    }
}

static uint64_t get_int(struct reader *r, unsigned width, const char *field)
{
    if (r->layout_bad || r->end - r->pos < width) {
        LAYOUT(r, "snapshot: truncated: %s ends past the end (byte %zu)", field, r->end);
        return 0;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        v = (v << 8) | r->buf[r->pos + i];
    }
    r->pos += width;
    return v;
}

/* A text into out (ACSA_SNAPSHOT_TEXT_MAX + 1 bytes), checked by the one text rule. */
static void get_text(struct reader *r, char *out, const char *field)
{
    out[0] = '\0';
    size_t n = (size_t)get_int(r, 2, field);
    if (!r->layout_bad && (n > ACSA_SNAPSHOT_TEXT_MAX || r->end - r->pos < n)) {
        LAYOUT(r, n > ACSA_SNAPSHOT_TEXT_MAX ? "snapshot: %s is %zu bytes long; at most 255"
                               : "snapshot: truncated: %s ends past the end (%zu bytes)",
               field, n);
    }
    if (r->layout_bad) {
        return;
    }
    memcpy(out, r->buf + r->pos, n);
    out[n] = '\0';
    r->pos += n;
    size_t at = 0;
    if (!acsa_text_valid(out, n, ACSA_TEXT_LINE, &at)) {
        char where[32];
        snprintf(where, sizeof(where), "%zu", at);
        value_bad(r, field, "not valid UTF-8, or a control character, at byte %s%s", where, "");
        out[0] = '\0';
    }
}

static bool number_valid(const char *text)
{
    size_t n = strlen(text);
    if (n == 0 || n >= ACSA_NUMBER_SIZE) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
            return false;
        }
    }
    return true;
}

void acsa_snapshot_free(struct acsa_snapshot *snapshot)
{
    acsa_free(snapshot->fingerprints);
    acsa_free(snapshot->balance);
    snapshot->fingerprints = NULL;
    snapshot->balance = NULL;
}

/* Appends a line to a growing text; false when out of memory. */
static bool text_add(char **text, size_t *len, size_t *cap, const char *line)
{
    size_t n = strlen(line);
    if (*len + n + 1 > *cap) {
        size_t grown_cap = *cap * 2 > *len + n + 1 ? *cap * 2 : *len + n + 4096;
        char *grown = acsa_realloc(*text, grown_cap);
        if (grown == NULL) {
            return false;
        }
        *text = grown;
        *cap = grown_cap;
    }
    memcpy(*text + *len, line, n + 1);
    *len += n;
    return true;
}

/* The header's fields: who made it for whom, when, and what it had seen. */
static void read_header(struct reader *r, const char *sender, const char *receiver,
                        struct acsa_snapshot *out)
{
    char text[ACSA_SNAPSHOT_TEXT_MAX + 1];
    get_text(r, text, "snapshot.sender");
    snprintf(out->sender, sizeof(out->sender), "%.2s", text);
    if (!r->layout_bad && (!acsa_nation_valid(text) || strcmp(text, sender) != 0)) {
        value_bad(r, "snapshot.sender", "the snapshot is signed as \"%.8s\", but the bundle is "
                  "from %s", text, sender);
    }
    get_text(r, text, "snapshot.receiver");
    snprintf(out->receiver, sizeof(out->receiver), "%.2s", text);
    if (!r->layout_bad && (!acsa_nation_valid(text) || strcmp(text, receiver) != 0)) {
        value_bad(r, "snapshot.receiver", "made for \"%.8s\", but this node is %s", text,
                  receiver);
    }
    out->created_s = (int64_t)get_int(r, 8, "snapshot.created");
    out->sender_through = (int64_t)get_int(r, 8, "snapshot.sender_through");
    out->seen_through = (int64_t)get_int(r, 8, "snapshot.seen_through");
    if (out->created_s < 0 || out->created_s > ACSA_BATCH_TIME_MAX) {
        value_bad(r, "snapshot.created", "%s%s", "not a time in 1970..9999", "");
    }
    if (out->sender_through < 0 || out->sender_through > ACSA_RECORD_SEQ_MAX) {
        value_bad(r, "snapshot.sender_through", "%s%s", "not a record number (0..2^48)", "");
    }
    if (out->seen_through < 0 || out->seen_through > ACSA_RECORD_SEQ_MAX) {
        value_bad(r, "snapshot.seen_through", "%s%s", "not a record number (0..2^48)", "");
    }
}

/* The orders, strictly by number, into the text "NUMBER HEX16\n". */
static bool read_orders(struct reader *r, struct acsa_snapshot *out)
{
    out->orders = (uint32_t)get_int(r, 4, "snapshot.orders");
    if (!r->layout_bad && out->orders > ACSA_SNAPSHOT_ORDERS_MAX) {
        LAYOUT(r, "snapshot.orders: %u orders; at most %u are accepted", out->orders,
               ACSA_SNAPSHOT_ORDERS_MAX);
    }
    char prev[ACSA_SNAPSHOT_TEXT_MAX + 1] = "";
    size_t cap = 0;
    for (uint32_t i = 0; i < out->orders && !r->layout_bad; i++) {
        char field[48];
        snprintf(field, sizeof(field), "snapshot.orders[%u].number", i);
        char number[ACSA_SNAPSHOT_TEXT_MAX + 1];
        get_text(r, number, field);
        uint64_t fingerprint = get_int(r, 8, "snapshot.orders");
        if (r->layout_bad || r->value_bad) {
            continue;
        }
        if (!number_valid(number)) {
            value_bad(r, field, "\"%.40s\" is not an order number (A-Z, 0-9, -)%s", number, "");
        } else if (i > 0 && strcmp(number, prev) <= 0) {
            value_bad(r, field, "%s does not come after %s (by number, each once)", number,
                      prev);
        }
        snprintf(prev, sizeof(prev), "%s", number);
        char line[ACSA_SNAPSHOT_TEXT_MAX + 32];
        snprintf(line, sizeof(line), "%s %016" PRIx64 "\n", number, fingerprint);
        if (!text_add(&out->fingerprints, &out->fingerprints_len, &cap, line)) {
            return false;
        }
    }
    return true;
}

/* The balances into the text "CUR\tACCOUNT\tAMOUNT\n". */
static bool read_balances(struct reader *r, struct acsa_snapshot *out)
{
    out->balances = (uint32_t)get_int(r, 4, "snapshot.balances");
    if (!r->layout_bad && out->balances > ACSA_SNAPSHOT_BALANCES_MAX) {
        LAYOUT(r, "snapshot.balances: %u figures; at most %u are accepted", out->balances,
               ACSA_SNAPSHOT_BALANCES_MAX);
    }
    size_t cap = 0;
    for (uint32_t i = 0; i < out->balances && !r->layout_bad; i++) {
        char field[48];
        char currency[ACSA_SNAPSHOT_TEXT_MAX + 1];
        char account[ACSA_SNAPSHOT_TEXT_MAX + 1];
        snprintf(field, sizeof(field), "snapshot.balances[%u].currency", i);
        get_text(r, currency, field);
        bool currency_ok = strlen(currency) == 3 && currency[0] >= 'A' && currency[0] <= 'Z' &&
                           currency[1] >= 'A' && currency[1] <= 'Z' && currency[2] >= 'A' &&
                           currency[2] <= 'Z';
        if (!r->layout_bad && !currency_ok) {
            value_bad(r, field, "\"%.8s\" is not a currency code%s", currency, "");
        }
        snprintf(field, sizeof(field), "snapshot.balances[%u].account", i);
        get_text(r, account, field);
        enum acsa_account parsed;
        if (!r->layout_bad && !acsa_account_parse(account, &parsed)) {
            value_bad(r, field, "\"%.40s\" is not an account%s", account, "");
        }
        acsa_wide amount = 0;
        if (r->narrow) {
            amount = (int64_t)get_int(r, 8, "snapshot.balances");
        } else {
            acsa_uwide high = get_int(r, 8, "snapshot.balances");
            amount = (acsa_wide)((high << 64) | get_int(r, 8, "snapshot.balances"));
        }
        if (!r->layout_bad && !acsa_wide_in_range(amount)) {
            snprintf(field, sizeof(field), "snapshot.balances[%u].amount", i);
            value_bad(r, field, "more than %d digits%s", ACSA_WIDE_DIGITS_MAX, "");
        }
        char figure[ACSA_WIDE_TEXT_SIZE];
        char line[ACSA_SNAPSHOT_TEXT_MAX * 2 + ACSA_WIDE_TEXT_SIZE + 8];
        snprintf(line, sizeof(line), "%s\t%s\t%s\n", currency, account,
                 acsa_wide_format(amount, 0, figure));
        if (!r->layout_bad && !r->value_bad &&
            !text_add(&out->balance, &out->balance_len, &cap, line)) {
            return false;
        }
    }
    return true;
}

enum acsa_rc acsa_snapshot_decode(const uint8_t *buf, size_t len, const uint8_t key[32],
                                  const char *sender, const char *receiver,
                                  struct acsa_snapshot *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > ACSA_SNAPSHOT_BYTES_MAX) {
        return acsa_error_set(err, ACSA_EREFUSED, "snapshot", "snapshot: %zu bytes; at most "
                              "%u are accepted", len, ACSA_SNAPSHOT_BYTES_MAX);
    }
    bool narrow = len >= MAGIC_LEN && memcmp(buf, ACSA_SNAPSHOT_MAGIC_V1, MAGIC_LEN) == 0;
    if (len < MAGIC_LEN || (memcmp(buf, ACSA_SNAPSHOT_MAGIC, MAGIC_LEN) != 0 && !narrow)) {
        return acsa_error_set(err, ACSA_EREFUSED, "snapshot", "snapshot: the %zu bytes after "
                              "the batch are not an acsa snapshot (it starts with the 8 bytes "
                              "%s)", len, ACSA_SNAPSHOT_MAGIC);
    }
    if (len < MAGIC_LEN + ACSA_SNAPSHOT_SIGNATURE_SIZE) {
        return acsa_error_set(err, ACSA_EREFUSED, "snapshot", "snapshot: truncated: %zu bytes, "
                              "too few for its signature", len);
    }
    struct acsa_error value;
    acsa_error_clear(&value);
    struct reader r = {buf, len - ACSA_SNAPSHOT_SIGNATURE_SIZE, MAGIC_LEN, err, &value, false,
                       false, narrow};
    read_header(&r, sender, receiver, out);
    bool memory = read_orders(&r, out) && read_balances(&r, out);
    if (!memory) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    if (!r.layout_bad && r.pos != r.end) {
        LAYOUT(&r, "snapshot: %zu bytes after the balances where only the 64-byte signature "
               "belongs (truncated or padded)", r.end - r.pos);
    }
    if (r.layout_bad) {
        return err->rc;
    }
    uint8_t digest[32];
    acsa__app_sha256(buf, r.end, digest);
    if (crypto_sign_verify_detached(buf + r.end, digest, sizeof(digest), key) != 0) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "snapshot.signature",
                              "snapshot.signature: the snapshot in the bundle from %s does not "
                              "verify with the key registered for %s (forged, altered, or "
                              "signed by another key); nothing applied", sender, sender);
    }
    if (r.value_bad) {
        *err = value;
        return value.rc;
    }
    return ACSA_OK;
}

/* ---- This node's snapshot, and bundles ---------------------------------------------------- */

static enum acsa_rc add_order(void *ctx, const char *number, uint64_t fingerprint)
{
    struct acsa_snapshot_writer *w = ctx;
    acsa_snapshot_add_order(w, number, fingerprint);
    return w->over ? ACSA_ESTOP : w->failed ? ACSA_ENOMEM : ACSA_OK;
}

static enum acsa_rc add_balance(void *ctx, const struct acsa_balance_row *row)
{
    struct acsa_snapshot_writer *w = ctx;
    acsa_snapshot_add_balance(w, row->currency, acsa_account_name(row->account),
                              row->amount_minor);
    return w->over ? ACSA_ESTOP : w->failed ? ACSA_ENOMEM : ACSA_OK;
}

/* The orders and the balances shared with party, into w; the balance list is opened (and the
 * order list closed) whatever the orders' scan returned. */
static enum acsa_rc snapshot_lists(struct acsa_app *app, const char *party,
                                   struct acsa_snapshot_writer *w, struct acsa_error *err)
{
    enum acsa_rc rc = SYNC_STORE(app)->order_fingerprints(app->store, party, add_order, w, err);
    acsa_snapshot_begin_balances(w);
    ACSA_TRY(rc);
    return LEDGER(app)->balance(app->store, party, ACSA_DATE_NONE, add_balance, w, err);
}

enum acsa_rc acsa_app_snapshot_export(struct acsa_app *app, const char *party, int64_t now_s,
                                      uint8_t **out, size_t *out_len, struct acsa_error *err)
{
    *out = NULL;
    *out_len = 0;
    struct acsa_peer peer;
    ACSA_TRY(SYNC_STORE(app)->peer_get(app->store, party, &peer, err));
    int64_t own_last = 0;
    ACSA_TRY(SYNC_STORE(app)->record_last_seq(app->store, app->nation, &own_last, err));
    /* The lists the sync routes serve a reconciling partner (acsa_sync_fingerprints,
     * acsa_sync_balance), read from the store the same way. A step stored meanwhile (by a
     * running server) has a record numbered above own_last, read first: the snapshot may
     * reflect more than sender_through says, never less. */
    struct acsa_snapshot_writer w;
    acsa_snapshot_begin(&w, app->nation, party, now_s, own_last, peer.received_through);
    enum acsa_rc rc = snapshot_lists(app, party, &w, err);
    uint8_t digest[32];
    acsa_snapshot_end(&w, digest);
    uint8_t sig[ACSA_SNAPSHOT_SIGNATURE_SIZE];
    if (rc == ACSA_ESTOP && w.over) {
        rc = acsa_error_set(err, ACSA_ELIMIT, "snapshot", "snapshot: more than %u orders "
                            "(ACSA_SNAPSHOT_ORDERS_MAX) or %u balance figures are shared with "
                            "%s; export with --no-snapshot", ACSA_SNAPSHOT_ORDERS_MAX,
                            ACSA_SNAPSHOT_BALANCES_MAX, party);
    } else if (rc == ACSA_OK && w.failed) {
        rc = acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    if (rc == ACSA_OK) {
        rc = acsa_app_node_sign(app, digest, sizeof(digest), sig, err);
    }
    acsa_snapshot_seal(&w, sig);
    if (rc == ACSA_OK && w.failed) {
        rc = acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    if (rc != ACSA_OK) {
        acsa_free(w.data);
        return rc;
    }
    *out = w.data;
    *out_len = w.len;
    return ACSA_OK;
}

/* The batch for party, made after the snapshot, with the snapshot appended: *out, *out_len.
 * On a failure *out may hold the batch, for the caller to free. */
static enum acsa_rc bundle_join(struct acsa_app *app, const char *party, int64_t after,
                                int64_t now_s, const uint8_t *snap, size_t snap_len,
                                uint8_t **out, size_t *out_len, struct acsa_batch_info *info,
                                struct acsa_error *err)
{
    ACSA_TRY(acsa_app_batch_export(app, party, after, ACSA_BATCH_RECORDS_MAX, now_s, out,
                                   out_len, info, err));
    uint8_t *whole = acsa_realloc(*out, *out_len + snap_len);
    if (whole == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    memcpy(whole + *out_len, snap, snap_len);
    *out = whole;
    *out_len += snap_len;
    return ACSA_OK;
}

enum acsa_rc acsa_app_bundle_export(struct acsa_app *app, const char *party, int64_t after,
                                    int64_t now_s, uint8_t **out, size_t *out_len,
                                    size_t *snapshot_len, struct acsa_batch_info *info,
                                    struct acsa_error *err)
{
    *snapshot_len = 0;
    /* The snapshot first: it then never claims records the batch does not carry. */
    uint8_t *snap = NULL;
    size_t snap_len = 0;
    enum acsa_rc rc = acsa_app_snapshot_export(app, party, now_s, &snap, &snap_len, err);
    if (rc == ACSA_OK) {
        rc = bundle_join(app, party, after, now_s, snap, snap_len, out, out_len, info, err);
    }
    acsa_free(snap);
    if (rc != ACSA_OK) {
        acsa_free(*out);
        *out = NULL;
        *out_len = 0;
        return rc;
    }
    *snapshot_len = snap_len;
    return ACSA_OK;
}

/* A snapshot replaces the one held only if it is newer: made later, or having seen more, and
 * never having seen less (a bundle carried late, after a newer one, is refused). */
static enum acsa_rc check_newer(const struct acsa_snapshot *s, const struct acsa_snapshot_row *held,
                                struct acsa_error *err)
{
    char made[ACSA_TIME_TEXT_SIZE];
    char held_made[ACSA_TIME_TEXT_SIZE];
    acsa_time_format(s->created_s, made);
    acsa_time_format(held->created_s, held_made);
    if (s->created_s == held->created_s && s->sender_through == held->sender_through &&
        s->seen_through == held->seen_through) {
        return acsa_error_set(err, ACSA_ECONFLICT, "snapshot.created", "snapshot.created: "
                              "replayed: %s's snapshot made %s (its records through %lld) is "
                              "the one held; nothing applied", s->sender, made,
                              (long long)s->sender_through);
    }
    if (s->created_s < held->created_s || s->sender_through < held->sender_through ||
        s->seen_through < held->seen_through) {
        return acsa_error_set(err, ACSA_ECONFLICT, "snapshot.created", "snapshot.created: "
                              "older than the one held: %s's snapshot made %s (its records "
                              "through %lld, ours through %lld), but the one held was made %s "
                              "(through %lld, ours through %lld); nothing applied", s->sender,
                              made, (long long)s->sender_through, (long long)s->seen_through,
                              held_made, (long long)held->sender_through,
                              (long long)held->seen_through);
    }
    return ACSA_OK;
}

/* A bundle's snapshot on its way in: the bytes, and once checked, what they say. */
struct incoming {
    struct acsa_app *app;
    const uint8_t *bytes;
    size_t len;
    int64_t now_s;
    struct acsa_snapshot snapshot;
    bool kept;
};

/* Runs once the batch passed its own checks (so the sender is a registered partner and the
 * batch is signed by it), before anything of the bundle applies. */
static enum acsa_rc incoming_check(void *ctx, const struct acsa_batch_info *info,
                                   const struct acsa_peer *peer, struct acsa_error *err)
{
    struct incoming *in = ctx;
    struct acsa_app *app = in->app;
    enum acsa_rc rc = acsa_snapshot_decode(in->bytes, in->len, peer->key, info->sender,
                                           app->nation, &in->snapshot, err);
    struct acsa_snapshot_row held;
    enum acsa_rc got = rc == ACSA_OK
                           ? SYNC_STORE(app)->snapshot_get(app->store, info->sender, &held, err)
                           : ACSA_ENOTFOUND;
    if (got == ACSA_OK) {
        acsa_free(held.bytes);
        rc = check_newer(&in->snapshot, &held, err);
    } else if (rc == ACSA_OK && got != ACSA_ENOTFOUND) {
        rc = got;
    } else if (rc == ACSA_OK) {
        acsa_error_clear(err);
    }
    return rc;
}

/* Inside the batch's transaction, after its records: the snapshot replaces the one held. */
static enum acsa_rc incoming_keep(void *ctx, struct acsa_error *err)
{
    struct incoming *in = ctx;
    struct acsa_snapshot_row row;
    memset(&row, 0, sizeof(row));
    snprintf(row.party, sizeof(row.party), "%s", in->snapshot.sender);
    row.created_s = in->snapshot.created_s;
    row.sender_through = in->snapshot.sender_through;
    row.seen_through = in->snapshot.seen_through;
    row.received_s = in->now_s;
    row.bytes = (uint8_t *)in->bytes;
    row.len = in->len;
    enum acsa_rc rc = SYNC_STORE(in->app)->snapshot_put(in->app->store, &row, err);
    in->kept = rc == ACSA_OK;
    return rc;
}

enum acsa_rc acsa_app_bundle_import(struct acsa_app *app, const uint8_t *buf, size_t len,
                                    int64_t now_s, struct acsa_batch_result *result,
                                    bool *snapshot_stored, struct acsa_error *err)
{
    *snapshot_stored = false;
    /* A bundle of the first version is a batch alone; a layout that does not hold is all
     * batch, for the batch's checks to name. */
    size_t batch_len = len <= ACSA_BUNDLE_BYTES_MAX ? acsa_batch_extent(buf, len) : len;
    struct incoming in;
    memset(&in, 0, sizeof(in));
    in.app = app;
    in.bytes = buf + batch_len;
    in.len = len - batch_len;
    in.now_s = now_s;
    struct acsa__batch_hook hook = {incoming_check, incoming_keep, &in, "snapshot", in.bytes,
                                    in.len};
    enum acsa_rc rc = acsa__app_batch_take(app, buf, batch_len, "bundle", now_s, true,
                                           batch_len < len ? &hook : NULL, result, err);
    *snapshot_stored = rc == ACSA_OK && in.kept;
    acsa_snapshot_free(&in.snapshot);
    return rc;
}

enum acsa_rc acsa_app_snapshot_latest(struct acsa_app *app, const char *party,
                                      struct acsa_snapshot *out, struct acsa_snapshot_row *row,
                                      struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct acsa_peer peer;
    enum acsa_rc rc = SYNC_STORE(app)->peer_get(app->store, party, &peer, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = SYNC_STORE(app)->snapshot_get(app->store, party, row, err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "snapshot", "snapshot: no snapshot of %s's "
                              "node has been received: offline reconciliation compares with "
                              "the one a bundle carries (acsa bundle import FILE, a bundle %s "
                              "wrote with acsa bundle export)", party, party);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    /* Checked again: the key may have changed since, or the file been edited behind acsa. */
    rc = acsa_snapshot_decode(row->bytes, row->len, peer.key, party, app->nation, out, err);
    if (rc != ACSA_OK && rc != ACSA_ENOMEM) {
        char why[ACSA_ERROR_MESSAGE_SIZE];
        snprintf(why, sizeof(why), "%s", err->message);
        rc = acsa_error_set(err, rc, "snapshot", "snapshot: the snapshot of %s held here no "
                            "longer checks (its key changed since, or the database was edited): "
                            "%.200s; import a new bundle of %s", party, why, party);
    }
    acsa_free(row->bytes);
    row->bytes = NULL;
    return rc;
}
