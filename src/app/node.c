/* SPDX-License-Identifier: MIT */
/* The node's key pair and its partner nodes. The secret key never enters the database: it is
 * a file of its own, created owner-only, so that a copied database cannot sign. */
#include "node.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app_int.h"
#include "text_quote.h"

const char *acsa_app_node_key_path(const struct acsa_app *app)
{
    return app->key_path;
}

void acsa_node_key_text(const uint8_t key[32], char out[ACSA_KEY_TEXT_SIZE])
{
    sodium_bin2hex(out, ACSA_KEY_TEXT_SIZE, key, 32);
}

bool acsa_node_key_parse(const char *text, uint8_t out[32])
{
    size_t len = 0;
    const char *end = NULL;
    if (text == NULL || strlen(text) != 64) {
        return false;
    }
    return sodium_hex2bin(out, 32, text, 64, NULL, &len, &end) == 0 && len == 32 &&
           *end == '\0';
}

void acsa_node_fingerprint(const uint8_t key[32], char out[ACSA_FINGERPRINT_TEXT_SIZE])
{
    uint8_t hash[32];
    crypto_hash_sha256(hash, key, 32);
    int n = snprintf(out, ACSA_FINGERPRINT_TEXT_SIZE, "SHA256:");
    for (int i = 0; i < 16; i += 2) {
        n += snprintf(out + n, (size_t)(ACSA_FINGERPRINT_TEXT_SIZE - n), "%s%02x%02x",
                      i > 0 ? " " : "", hash[i], hash[i + 1]);
    }
}

enum acsa_rc acsa_app_node_public_key(struct acsa_app *app, uint8_t out[32],
                                      struct acsa_error *err)
{
    char text[ACSA_KEY_TEXT_SIZE];
    enum acsa_rc rc = STORE(app)->meta_get(app->store, "public_key", text, sizeof(text), err);
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "key",
                              "key: this node has no key pair (run \"acsa node keygen\")");
    }
    if (rc == ACSA_OK && !acsa_node_key_parse(text, out)) {
        return acsa_error_set(err, ACSA_ESTORAGE, "key", "key: the stored public key is damaged");
    }
    return rc;
}

enum acsa_rc acsa_app_node_keygen(struct acsa_app *app, struct acsa_error *err)
{
    uint8_t pk[crypto_sign_PUBLICKEYBYTES];
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    enum acsa_rc rc = acsa_app_node_public_key(app, pk, err);
    if (rc == ACSA_OK) {
        return acsa_error_set(err, ACSA_EEXISTS, "key", "key: this node has a key pair already");
    }
    if (rc != ACSA_ENOTFOUND) {
        return rc;
    }
    acsa_error_clear(err);
    int fd = open(app->key_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        return acsa_error_set(err, errno == EEXIST ? ACSA_EEXISTS : ACSA_ESTORAGE, "key",
                              "key: cannot create %s: %s", app->key_path, strerror(errno));
    }
    crypto_sign_keypair(pk, sk);
    bool written = write(fd, sk, sizeof(sk)) == (ssize_t)sizeof(sk) && fsync(fd) == 0;
    sodium_memzero(sk, sizeof(sk));
    if (close(fd) != 0 || !written) {
        unlink(app->key_path);
        return acsa_error_set(err, ACSA_ESTORAGE, "key", "key: cannot write %s", app->key_path);
    }
    char text[ACSA_KEY_TEXT_SIZE];
    acsa_node_key_text(pk, text);
    rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = STORE(app)->meta_set(app->store, "public_key", text, err);
    }
    rc = acsa__app_finish(app, rc, "node.keygen", "node:key", err);
    if (rc != ACSA_OK) {
        unlink(app->key_path);
    }
    return rc;
}

/* Reads the secret key, refusing a file others may read. */
static enum acsa_rc load_secret(struct acsa_app *app, uint8_t sk[crypto_sign_SECRETKEYBYTES],
                                struct acsa_error *err)
{
    int fd = open(app->key_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "key", "key: cannot open %s: %s (run \"acsa "
                              "node keygen\" for a node made without one)", app->key_path,
                              strerror(errno));
    }
    struct stat st;
    enum acsa_rc rc = ACSA_OK;
    if (fstat(fd, &st) != 0 || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        rc = acsa_error_set(err, ACSA_EFORBIDDEN, "key", "key: %s may be read by others "
                            "(chmod 600 it)", app->key_path);
    } else if (read(fd, sk, crypto_sign_SECRETKEYBYTES) != crypto_sign_SECRETKEYBYTES) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "key", "key: %s is not a key file",
                            app->key_path);
    }
    close(fd);
    return rc;
}

enum acsa_rc acsa_app_node_sign(struct acsa_app *app, const uint8_t *msg, size_t len,
                                uint8_t sig[64], struct acsa_error *err)
{
    uint8_t sk[crypto_sign_SECRETKEYBYTES];
    enum acsa_rc rc = load_secret(app, sk, err);
    if (rc == ACSA_OK) {
        crypto_sign_detached(sig, NULL, msg, len, sk);
    }
    sodium_memzero(sk, sizeof(sk));
    return rc;
}

/* Whether party is the other party of a loaded agreement. */
struct party_search {
    const char *party;
    const char *own;
    bool found;
};

static enum acsa_rc find_party(void *ctx, const struct acsa_agreement *agreement)
{
    struct party_search *search = ctx;
    if (acsa_agreement_has_party(agreement, search->party) &&
        acsa_agreement_has_party(agreement, search->own)) {
        search->found = true;
    }
    return ACSA_OK;
}

/* The partner kept, once a loaded agreement is between this node's party and its. */
static enum acsa_rc put_peer(struct acsa_app *app, const char *party,
                             const struct acsa_peer *peer, struct acsa_error *err)
{
    struct party_search search = {party, app->nation, false};
    ACSA_TRY(acsa__app_agreement_each(app, find_party, &search, err));
    if (!search.found) {
        return acsa_error_set(err, ACSA_EREFUSED, "party", "party: no loaded agreement is "
                              "between %s and %s (load the agreement first)", app->nation,
                              party);
    }
    return SYNC_STORE(app)->peer_put(app->store, peer, err);
}

enum acsa_rc acsa_app_peer_add(struct acsa_app *app, const char *party, const char *url,
                               const char *key_text, struct acsa_error *err)
{
    struct acsa_peer peer;
    memset(&peer, 0, sizeof(peer));
    enum acsa_rc rc = acsa__app_check_party(party, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (strcmp(party, app->nation) == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "party", "party: %s is this node's own nation",
                              party);
    }
    url = url != NULL ? url : "";
    if (strlen(url) >= sizeof(peer.url) ||
        (url[0] != '\0' && strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0)) {
        return acsa_error_set(err, ACSA_EUSAGE, "url", "url: \"%.80s\" is not an http:// or "
                              "https:// URL of at most %zu characters", url, sizeof(peer.url) - 1);
    }
    if (!acsa_node_key_parse(key_text, peer.key)) {
        return acsa_error_set(err, ACSA_EUSAGE, "key", "key: expected the partner's public key "
                              "as 64 hex digits (\"acsa node show\" on its node prints it)");
    }
    memcpy(peer.party, party, sizeof(peer.party));
    snprintf(peer.url, sizeof(peer.url), "%s", url);
    rc = acsa_app_begin(app, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = put_peer(app, party, &peer, err);
    char object[ACSA__APP_OBJECT_SIZE];
    snprintf(object, sizeof(object), "peer:%s", party);
    return acsa__app_finish(app, rc, "peer.add", object, err);
}

void acsa_sha256_text(const uint8_t *data, size_t len, char out[ACSA_SHA256_TEXT_SIZE])
{
    uint8_t hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(hash, data != NULL ? data : (const uint8_t *)"", len);
    sodium_bin2hex(out, ACSA_SHA256_TEXT_SIZE, hash, sizeof(hash));
}

bool acsa_wire_hex_valid(const char *text, size_t n)
{
    return text != NULL && strlen(text) == n && strspn(text, "0123456789abcdef") == n;
}

/* A part of a signed message: no newline (it separates the parts), no empty part. */
static bool part_valid(const char *text)
{
    return text != NULL && text[0] != '\0' && strpbrk(text, "\r\n") == NULL;
}

size_t acsa_request_message(const struct acsa_wire_request *w, char *out, size_t cap)
{
    if (!part_valid(w->method) || !part_valid(w->target) || !part_valid(w->from) ||
        !part_valid(w->to) || !acsa_wire_hex_valid(w->nonce, ACSA_NONCE_TEXT_SIZE - 1) ||
        !acsa_wire_hex_valid(w->body_sha256, ACSA_SHA256_TEXT_SIZE - 1) ||
        strlen(w->target) > ACSA_WIRE_TARGET_MAX) {
        return 0;
    }
    int n = snprintf(out, cap, ACSA_WIRE_REQUEST_TAG "\n%s\n%s\n%s\n%s\n%" PRId64 "\n%s\n%s",
                     w->method, w->target, w->from, w->to, w->at_s, w->nonce, w->body_sha256);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

size_t acsa_reply_message(const char *nonce, long status, const char *body_sha256,
                          const char *from, const char *to, char *out, size_t cap)
{
    if (!acsa_wire_hex_valid(nonce, ACSA_NONCE_TEXT_SIZE - 1) ||
        !acsa_wire_hex_valid(body_sha256, ACSA_SHA256_TEXT_SIZE - 1) || !part_valid(from) ||
        !part_valid(to)) {
        return 0;
    }
    int n = snprintf(out, cap, ACSA_WIRE_REPLY_TAG "\n%s\n%ld\n%s\n%s\n%s", nonce, status,
                     body_sha256, from, to);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

enum acsa_rc acsa_app_request_check(struct acsa_app *app, const struct acsa_wire_request *w,
                                    int64_t now_s, uint8_t key_out[32], struct acsa_error *err)
{
    struct acsa_peer peer;
    const char *from = w->from != NULL ? w->from : "";
    enum acsa_rc rc = acsa__app_check_party(from, err) == ACSA_OK
                          ? SYNC_STORE(app)->peer_get(app->store, from, &peer, err)
                          : ACSA_ENOTFOUND;
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "X-Acsa-Node",
                              "X-Acsa-Node: \"%.8s\" is not a partner node of %s", from,
                              app->nation);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    if (w->to == NULL || strcmp(w->to, app->nation) != 0) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "X-Acsa-To",
                              "X-Acsa-To: the request is for the node of \"%.8s\", but this is "
                              "the node of %s", w->to != NULL ? w->to : "", app->nation);
    }
    if (w->at_s < now_s - ACSA_REQUEST_SKEW_S || w->at_s > now_s + ACSA_REQUEST_SKEW_S) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "X-Acsa-Time",
                              "X-Acsa-Time: %" PRId64 " is more than %d s from this node's clock "
                              "(%" PRId64 ")", w->at_s, ACSA_REQUEST_SKEW_S, now_s);
    }
    if (!acsa_wire_hex_valid(w->nonce, ACSA_NONCE_TEXT_SIZE - 1)) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "X-Acsa-Nonce",
                              "X-Acsa-Nonce: expected %d lowercase hex digits",
                              ACSA_NONCE_TEXT_SIZE - 1);
    }
    if (!acsa_wire_hex_valid(w->body_sha256, ACSA_SHA256_TEXT_SIZE - 1)) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "X-Acsa-Body-SHA256",
                              "X-Acsa-Body-SHA256: expected %d lowercase hex digits",
                              ACSA_SHA256_TEXT_SIZE - 1);
    }
    memcpy(key_out, peer.key, 32);
    return ACSA_OK;
}

enum acsa_rc acsa_request_verify_signature(const struct acsa_wire_request *w,
                                           const char *sig_hex, const uint8_t key[32],
                                           struct acsa_error *err)
{
    uint8_t sig[64];
    size_t len = 0;
    if (sig_hex == NULL || strlen(sig_hex) != 128 ||
        sodium_hex2bin(sig, sizeof(sig), sig_hex, 128, NULL, &len, NULL) != 0 || len != 64) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "X-Acsa-Signature",
                              "X-Acsa-Signature: expected 128 hex digits");
    }
    char msg[ACSA_WIRE_MESSAGE_SIZE];
    size_t n = acsa_request_message(w, msg, sizeof(msg));
    if (n == 0 || crypto_sign_verify_detached(sig, (const uint8_t *)msg, n, key) != 0) {
        return acsa_error_set(err, ACSA_EFORBIDDEN, "X-Acsa-Signature",
                              "X-Acsa-Signature: does not verify with the key registered for %s "
                              "(over method, path and query, both nodes, time, nonce and body "
                              "hash)", w->from);
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_peer_get(struct acsa_app *app, const char *party, struct acsa_peer *out,
                               struct acsa_error *err)
{
    return SYNC_STORE(app)->peer_get(app->store, party, out, err);
}

enum acsa_rc acsa_app_peer_list(struct acsa_app *app, acsa_peer_cb cb, void *ctx,
                                struct acsa_error *err)
{
    return SYNC_STORE(app)->peer_list(app->store, cb, ctx, err);
}

enum acsa_rc acsa_app_peer_advance(struct acsa_app *app, const char *party,
                                   int64_t received_through, int64_t acked_through,
                                   int64_t last_sync_s, struct acsa_error *err)
{
    enum acsa_rc rc = acsa_app_begin(app, err);
    if (rc == ACSA_OK) {
        rc = SYNC_STORE(app)->peer_advance(app->store, party, received_through, acked_through,
                                      last_sync_s, err);
        rc = acsa__app_end(app, rc, err);
    }
    return rc;
}

/* The caller's callback, behind the one that makes each row safe to show. */
struct safe_rows {
    acsa_quarantine_cb cb;
    void *ctx;
};

#define SAFE_TEXT(row, field)                                                              \
    acsa_text_quote((row)->field, strnlen((row)->field, sizeof((row)->field)), safe.field,  \
                    sizeof(safe.field))

/* A quarantine row's texts came from a partner or quote what it sent, and rows stored before
 * text was checked may hold anything: every text is handed on as one line of valid UTF-8
 * (odd bytes as \xNN), so no list, JSON answer or terminal can fail or be driven by it. */
static enum acsa_rc safe_row(void *ctx, const struct acsa_quarantine_row *row)
{
    const struct safe_rows *rows = ctx;
    struct acsa_quarantine_row safe = *row;
    SAFE_TEXT(row, via);
    SAFE_TEXT(row, what);
    SAFE_TEXT(row, order_number);
    SAFE_TEXT(row, reason);
    if (!acsa_nation_valid(row->peer)) {
        memset(safe.peer, 0, sizeof(safe.peer)); /* Too short to quote: shown as unknown. */
    }
    return rows->cb(rows->ctx, &safe);
}

enum acsa_rc acsa_app_quarantine_list(struct acsa_app *app, uint32_t limit,
                                      acsa_quarantine_cb cb, void *ctx, struct acsa_error *err)
{
    struct safe_rows rows = {cb, ctx};
    return SYNC_STORE(app)->quarantine_list(app->store, limit, safe_row, &rows, err);
}
