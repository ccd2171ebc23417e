/* SPDX-License-Identifier: MIT */
/* Signed HTTP requests to a partner node (libcurl). Each request carries the node's nation, the
 * time and an Ed25519 signature over method, target, time and the body's hash, so the partner
 * knows which registered node asks; the answer's body is capped so a faulty partner cannot
 * exhaust memory. */
#include <curl/curl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sync.h"
#include "../util/alloc.h"

#define RESPONSE_MAX (256u << 20) /* The fingerprints of some millions of orders. */

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
    if (b->len + n > RESPONSE_MAX) {
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

enum acsa_rc acsa_sync_request(struct acsa_app *app, const struct acsa_peer *peer,
                               const char *method, const char *target, const uint8_t *body,
                               size_t body_len, long timeout_s, struct acsa_sync_response *out,
                               struct acsa_error *err)
{
    memset(out, 0, sizeof(out[0]));
    if (peer->url[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "url", "url: peer %s has no URL (it is reached "
                              "by bundle files; set one with \"acsa peer add --url\")",
                              peer->party);
    }
    pthread_once(&curl_once, curl_start);
    int64_t now = (int64_t)time(NULL);
    char msg[4096];
    size_t msg_len = acsa_request_message(method, target, now, body, body_len, msg,
                                          sizeof(msg));
    uint8_t sig[64];
    enum acsa_rc rc = msg_len > 0 ? acsa_app_node_sign(app, (const uint8_t *)msg, msg_len, sig,
                                                       err)
                                  : acsa_error_set(err, ACSA_EUSAGE, "target", "target: too long");
    if (rc != ACSA_OK) {
        return rc;
    }
    char sig_hex[129];
    sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
    char url[ACSA_URL_SIZE + 512];
    size_t base = strlen(peer->url);
    while (base > 0 && peer->url[base - 1] == '/') {
        base--;
    }
    snprintf(url, sizeof(url), "%.*s%s", (int)base, peer->url, target);
    char h_node[64];
    char h_time[64];
    char h_sig[200];
    snprintf(h_node, sizeof(h_node), "X-Acsa-Node: %s", acsa_app_nation(app));
    snprintf(h_time, sizeof(h_time), "X-Acsa-Time: %" PRId64, now);
    snprintf(h_sig, sizeof(h_sig), "X-Acsa-Signature: %s", sig_hex);
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = NULL;
    headers = curl_slist_append(headers, h_node);
    headers = curl_slist_append(headers, h_time);
    headers = curl_slist_append(headers, h_sig);
    headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    headers = curl_slist_append(headers, "Expect:");
    if (curl == NULL || headers == NULL) {
        curl_slist_free_all(headers);
        curl_easy_cleanup(curl);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    struct acsa_sync_buf buf = {0};
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
    return buf.failed ? acsa_error_set(err, ACSA_ENOMEM, "", "out of memory") : ACSA_OK;
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
