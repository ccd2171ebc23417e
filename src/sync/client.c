/* SPDX-License-Identifier: MIT */
/* Signed HTTP requests to a partner node (libcurl). Each request carries both nodes' nations,
 * the time, a random nonce and the body's hash, signed (Ed25519) with the target exactly as
 * sent, so the partner knows which registered node asks and can take each request once; the
 * answer must carry the partner's signature over this request's nonce, its status and body,
 * so a man in the middle cannot forge or swap it. Its body is capped so a faulty partner cannot
 * exhaust memory. */
#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "sync.h"
#include "alloc.h"


static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static void curl_start(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

void acsa_sync_buf_add(struct acsa_sync_buf *b, const void *data, size_t n)
{
    if (b->failed) {
        return;
    }
    if (n + 1 > b->cap - b->len) {
        size_t cap = b->cap * 2 > b->len + n + 1 ? b->cap * 2 : b->len + n + 4096;
        char *grown = acsa_realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void acsa_sync_buf_printf(struct acsa_sync_buf *b, const char *format, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, format);
    int n = vsnprintf(text, sizeof(text), format, ap);
    va_end(ap);
    if (n > 0) {
        acsa_sync_buf_add(b, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
    }
}

static size_t on_data(char *data, size_t size, size_t count, void *ctx)
{
    struct acsa_sync_buf *b = ctx;
    size_t n = size * count;
    if (b->len + n > ACSA_SYNC_RESPONSE_MAX) {
        return 0; /* Aborts the transfer. */
    }
    acsa_sync_buf_add(b, data, n);
    return b->failed ? 0 : n;
}

void acsa_sync_response_free(struct acsa_sync_response *response)
{
    acsa_free(response->body);
    memset(response, 0, sizeof(*response));
}

/* Whether target is canonical (see acsa_sync_request): the server rebuilds the signed target
 * from the path and the query pairs it parsed, and only such a target comes out the same. */
static bool target_canonical(const char *target)
{
    static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                "0123456789-._~";
    size_t path = strspn(target, "/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                         "0123456789-._~");
    if (target[0] != '/' || strlen(target) > ACSA_WIRE_TARGET_MAX) {
        return false;
    }
    const char *p = target + path;
    if (*p == '\0') {
        return true;
    }
    if (*p != '?') {
        return false;
    }
    do {
        p++;
        size_t name = strspn(p, plain);
        if (name == 0 || p[name] != '=') {
            return false;
        }
        p += name + 1;
        p += strspn(p, plain);
    } while (*p == '&');
    return *p == '\0';
}

/* The reply headers that carry the partner's signature. */
struct reply_headers {
    char node[ACSA_NATION_SIZE + 1];
    char sig[ACSA_SIGNATURE_TEXT_SIZE + 1];
};

/* Copies the value of header "name: value" into out when line is that header. */
static void header_value(const char *line, size_t n, const char *name, char *out, size_t cap)
{
    size_t len = strlen(name);
    if (n <= len + 1 || strncasecmp(line, name, len) != 0 || line[len] != ':') {
        return;
    }
    const char *v = line + len + 1;
    size_t vn = n - len - 1;
    while (vn > 0 && (*v == ' ' || *v == '\t')) {
        v++;
        vn--;
    }
    while (vn > 0 && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' ')) {
        vn--;
    }
    out[0] = '\0';
    if (vn < cap) {
        memcpy(out, v, vn);
        out[vn] = '\0';
    }
}

static size_t on_header(char *line, size_t size, size_t count, void *ctx)
{
    struct reply_headers *h = ctx;
    size_t n = size * count;
    if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
        memset(h, 0, sizeof(*h)); /* A new answer (after an interim one). */
    }
    header_value(line, n, "X-Acsa-Node", h->node, sizeof(h->node));
    header_value(line, n, "X-Acsa-Signature", h->sig, sizeof(h->sig));
    return n;
}

/* Checks the partner's signature on its answer; see acsa_sync_request for what is refused. */
static enum acsa_rc verify_reply(struct acsa_app *app, const struct acsa_peer *peer,
                                 const char *method, const char *target, const char *nonce,
                                 const struct reply_headers *h, struct acsa_sync_response *out,
                                 struct acsa_error *err)
{
    char body_hash[ACSA_SHA256_TEXT_SIZE];
    acsa_sha256_text(out->body, out->size, body_hash);
    char msg[ACSA_WIRE_MESSAGE_SIZE];
    size_t n = acsa_reply_message(nonce, out->status, body_hash, peer->party,
                                  acsa_app_nation(app), msg, sizeof(msg));
    uint8_t sig[64];
    size_t len = 0;
    bool has_sig = h->sig[0] != '\0';
    out->verified = has_sig && n > 0 && strcmp(h->node, peer->party) == 0 &&
                    strlen(h->sig) == 128 &&
                    sodium_hex2bin(sig, sizeof(sig), h->sig, 128, NULL, &len, NULL) == 0 &&
                    len == sizeof(sig) &&
                    crypto_sign_verify_detached(sig, (const uint8_t *)msg, n, peer->key) == 0;
    if (out->verified) {
        return ACSA_OK;
    }
    if (!has_sig && (out->status == 403 || out->status == 429 || out->status >= 500)) {
        return ACSA_OK; /* Refused before the partner knew us: reported, never used. */
    }
    return acsa_error_set(err, ACSA_EFORBIDDEN, "peer", "peer: the answer (HTTP %ld) of %s's node "
                          "to %s %s %s (X-Acsa-Signature by its registered key over this "
                          "request's nonce, the status and the body); refused, nothing of it "
                          "used", out->status, peer->party, method, target,
                          has_sig ? "does not verify" : "is not signed");
}

/* The signed request's headers: from, to, time, nonce, body hash and signature. */
static struct curl_slist *signed_headers(struct acsa_app *app, const struct acsa_peer *peer,
                                         const char *method, const char *target,
                                         const uint8_t *body, size_t body_len,
                                         char nonce[ACSA_NONCE_TEXT_SIZE], struct acsa_error *err)
{
    uint8_t raw[ACSA_NONCE_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(nonce, ACSA_NONCE_TEXT_SIZE, raw, sizeof(raw));
    char body_hash[ACSA_SHA256_TEXT_SIZE];
    acsa_sha256_text(body, body_len, body_hash);
    struct acsa_wire_request w = {method, target, acsa_app_nation(app), peer->party,
                                  (int64_t)time(NULL), nonce, body_hash};
    char msg[ACSA_WIRE_MESSAGE_SIZE];
    size_t msg_len = acsa_request_message(&w, msg, sizeof(msg));
    uint8_t sig[64];
    if (msg_len == 0 || !target_canonical(target)) {
        acsa_error_set(err, ACSA_EUSAGE, "target", "target: \"%.80s\" cannot be signed (a path "
                       "and name=value pairs of A-Z a-z 0-9 - . _ ~, at most %d bytes)", target,
                       ACSA_WIRE_TARGET_MAX);
        return NULL;
    }
    if (acsa_app_node_sign(app, (const uint8_t *)msg, msg_len, sig, err) != ACSA_OK) {
        return NULL;
    }
    char sig_hex[ACSA_SIGNATURE_TEXT_SIZE];
    sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
    char lines[6][200];
    snprintf(lines[0], sizeof(lines[0]), "X-Acsa-Node: %s", w.from);
    snprintf(lines[1], sizeof(lines[1]), "X-Acsa-To: %s", w.to);
    snprintf(lines[2], sizeof(lines[2]), "X-Acsa-Time: %" PRId64, w.at_s);
    snprintf(lines[3], sizeof(lines[3]), "X-Acsa-Nonce: %s", nonce);
    snprintf(lines[4], sizeof(lines[4]), "X-Acsa-Body-SHA256: %s", body_hash);
    snprintf(lines[5], sizeof(lines[5]), "X-Acsa-Signature: %s", sig_hex);
    struct curl_slist *headers = NULL;
    bool ok = true;
    for (size_t i = 0; i < 6 && ok; i++) {
        struct curl_slist *more = curl_slist_append(headers, lines[i]);
        ok = more != NULL;
        headers = ok ? more : headers;
    }
    struct curl_slist *more = ok ? curl_slist_append(headers, "Expect:") : NULL;
    more = more != NULL ? curl_slist_append(more, "Content-Type: application/octet-stream")
                        : NULL;
    if (more == NULL) {
        curl_slist_free_all(headers);
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    return more;
}

enum acsa_rc acsa_sync_request(struct acsa_app *app, const struct acsa_peer *peer,
                               const char *method, const char *target, const uint8_t *body,
                               size_t body_len, long timeout_s, struct acsa_sync_response *out,
                               struct acsa_error *err)
{
    memset(out, 0, sizeof(out[0]));
    if (peer->url[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "url", "url: peer %s has no URL (it is reached "
                              "by bundle files; set one with \"acsa peer add --url\", or "
                              "reconcile with its last bundle: \"acsa reconcile --offline\")",
                              peer->party);
    }
    pthread_once(&curl_once, curl_start);
    char nonce[ACSA_NONCE_TEXT_SIZE];
    struct curl_slist *headers = signed_headers(app, peer, method, target, body, body_len,
                                                nonce, err);
    if (headers == NULL) {
        return err->rc != ACSA_OK ? err->rc : ACSA_ENOMEM;
    }
    char url[ACSA_URL_SIZE + ACSA_WIRE_TARGET_MAX];
    size_t base = strlen(peer->url);
    while (base > 0 && peer->url[base - 1] == '/') {
        base--;
    }
    snprintf(url, sizeof(url), "%.*s%s", (int)base, peer->url, target);
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        curl_slist_free_all(headers);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    struct acsa_sync_buf buf = {0};
    struct reply_headers reply;
    memset(&reply, 0, sizeof(reply));
    char curl_err[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "POST") == 0) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body != NULL ? (const char *)body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
    }
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &buf);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_err);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s > 0 ? timeout_s : 120L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode code = curl_easy_perform(curl);
    if (code == CURLE_OK) {
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out->status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK || buf.failed) {
        acsa_free(buf.data);
        return acsa_error_set(err, ACSA_ENETWORK, "url", "url: %s %s: %s", method, url,
                              buf.failed ? "out of memory"
                              : curl_err[0] != '\0' ? curl_err : curl_easy_strerror(code));
    }
    if (buf.data == NULL) {
        acsa_sync_buf_add(&buf, "", 0);
    }
    out->body = (uint8_t *)buf.data;
    out->size = buf.len;
    if (buf.failed) {
        acsa_sync_response_free(out);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = verify_reply(app, peer, method, target, nonce, &reply, out, err);
    if (rc != ACSA_OK) {
        acsa_sync_response_free(out);
    }
    return rc;
}

#define ATTEMPTS 6          /* Tries of one request before giving up. */
#define RETRY_TIMEOUT_S 300L /* For one batch, applied by the partner before it answers. */

/* A request, tried again after a network failure or a 5xx answer, waiting longer each time. */
enum acsa_rc acsa_sync_request_retry(struct acsa_app *app, const struct acsa_peer *peer,
                                     const char *method, const char *target,
                                     const uint8_t *body, size_t len,
                                     struct acsa_sync_response *out, struct acsa_error *err)
{
    enum acsa_rc rc = ACSA_OK;
    unsigned delay_ms = 250;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        rc = acsa_sync_request(app, peer, method, target, body, len, RETRY_TIMEOUT_S, out, err);
        bool again = rc == ACSA_ENETWORK || (rc == ACSA_OK && out->status >= 500);
        if (!again || attempt == ATTEMPTS) {
            break;
        }
        acsa_sync_response_free(out);
        usleep(delay_ms * 1000u);
        delay_ms *= 2;
    }
    return rc;
}
