/* SPDX-License-Identifier: MIT */
/* The sync wire (issue 8, finding 6): the exact bytes a request and an answer sign, the order
 * of the checks of a request's headers, a signature that breaks when any signed part changes
 * (the query above all, and the receiving node), and the nonce cache: a nonce is taken once
 * within its window, also by two threads at once, and a full cache refuses new nonces rather
 * than forget ones still within their window. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "app.h"
#include "auth.h"
#include "node.h"
#include "sync.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define NOW 1795426200
#define NONCE "00112233445566778899aabbccddeeff"
#define EMPTY_SHA256 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define THREADS 4
#define SHARED_NONCES 500

struct fixture {
    char dir[64];
    char path[128];
    struct acsa_app *app;        /* India's node; Japan's node is registered. */
    uint8_t jp_pk[32];
    uint8_t jp_sk[64];
    struct acsa_error err;
};

#define CHECK(f, call)                                                                         \
    do {                                                                                       \
        enum acsa_rc check_rc_ = (call);                                                       \
        if (check_rc_ != ACSA_OK) {                                                            \
            fail_msg("%s: %s: %s", #call, acsa_rc_name(check_rc_), (f)->err.message);          \
        }                                                                                      \
    } while (0)

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/acsa-test-wire-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/IN.db", f->dir);
    CHECK(f, acsa_app_init(f->path, "IN", "IN", &f->err));
    CHECK(f, acsa_app_open(f->path, 0, &f->app, &f->err));
    acsa_app_set_actor(f->app, "tester");
    char file[512];
    snprintf(file, sizeof(file), "%s/agreements/india-japan-2020.json", ACSA_SOURCE_ROOT);
    FILE *in = fopen(file, "rb");
    assert_non_null(in);
    char *text = calloc(1, 65536);
    assert_non_null(text);
    size_t size = fread(text, 1, 65535, in);
    fclose(in);
    char id[ACSA_ID_SIZE];
    CHECK(f, acsa_app_agreement_load(f->app, text, size, id, &f->err));
    free(text);
    crypto_sign_keypair(f->jp_pk, f->jp_sk);
    char key[ACSA_KEY_TEXT_SIZE];
    acsa_node_key_text(f->jp_pk, key);
    CHECK(f, acsa_app_peer_add(f->app, "JP", "", key, &f->err));
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    acsa_app_close(f->app);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".key"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[200];
        snprintf(path, sizeof(path), "%s%s", f->path, suffixes[i]);
        unlink(path);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Japan's request to India for its records after 412. */
static struct acsa_wire_request example(void)
{
    struct acsa_wire_request w = {"GET", "/sync/v1/batches?after=412&limit=2000", "JP", "IN",
                                  NOW, NONCE, EMPTY_SHA256};
    return w;
}

static void sign(const struct fixture *f, const struct acsa_wire_request *w, char out[129])
{
    char msg[ACSA_WIRE_MESSAGE_SIZE];
    size_t n = acsa_request_message(w, msg, sizeof(msg));
    assert_true(n > 0);
    uint8_t sig[64];
    crypto_sign_detached(sig, NULL, (const uint8_t *)msg, n, f->jp_sk);
    sodium_bin2hex(out, 129, sig, sizeof(sig));
}

static void test_request_message_bytes(void **state)
{
    (void)state;
    struct acsa_wire_request w = example();
    char msg[ACSA_WIRE_MESSAGE_SIZE];
    size_t n = acsa_request_message(&w, msg, sizeof(msg));
    const char *want = "ACSA-REQ-2\nGET\n/sync/v1/batches?after=412&limit=2000\nJP\nIN\n"
                       "1795426200\n" NONCE "\n" EMPTY_SHA256;
    assert_int_equal(n, strlen(want));
    assert_string_equal(msg, want);
    char hash[ACSA_SHA256_TEXT_SIZE];
    acsa_sha256_text(NULL, 0, hash);
    assert_string_equal(hash, EMPTY_SHA256);
    /* A part that would add a line, or a malformed nonce or hash, makes no message. */
    w.target = "/sync/v1/status\nX";
    assert_int_equal(acsa_request_message(&w, msg, sizeof(msg)), 0);
    w = example();
    w.nonce = "0011";
    assert_int_equal(acsa_request_message(&w, msg, sizeof(msg)), 0);
    w = example();
    w.body_sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
    assert_int_equal(acsa_request_message(&w, msg, sizeof(msg)), 0);
    n = acsa_reply_message(NONCE, 200, EMPTY_SHA256, "IN", "JP", msg, sizeof(msg));
    want = "ACSA-REP-2\n" NONCE "\n200\n" EMPTY_SHA256 "\nIN\nJP";
    assert_int_equal(n, strlen(want));
    assert_string_equal(msg, want);
}

static void expect_refused(struct fixture *f, const struct acsa_wire_request *w,
                           const char *field)
{
    uint8_t key[32];
    assert_int_equal(acsa_app_request_check(f->app, w, NOW, key, &f->err), ACSA_EFORBIDDEN);
    assert_string_equal(f->err.field, field);
}

/* Sender, receiver, time, nonce, body hash: each refused naming its header. */
static void test_request_check_order(void **state)
{
    struct fixture *f = *state;
    struct acsa_wire_request w = example();
    uint8_t key[32];
    CHECK(f, acsa_app_request_check(f->app, &w, NOW, key, &f->err));
    assert_memory_equal(key, f->jp_pk, 32);
    w.from = "FR";
    w.to = "FR";
    expect_refused(f, &w, "X-Acsa-Node");
    w.from = NULL;
    expect_refused(f, &w, "X-Acsa-Node");
    w = example();
    w.to = "FR";
    w.at_s = 0;
    expect_refused(f, &w, "X-Acsa-To");
    w.to = NULL;
    expect_refused(f, &w, "X-Acsa-To");
    w = example();
    w.at_s = NOW - ACSA_REQUEST_SKEW_S - 1;
    w.nonce = "x";
    expect_refused(f, &w, "X-Acsa-Time");
    w.at_s = NOW + ACSA_REQUEST_SKEW_S + 1;
    expect_refused(f, &w, "X-Acsa-Time");
    w.at_s = NOW + ACSA_REQUEST_SKEW_S;
    expect_refused(f, &w, "X-Acsa-Nonce");
    w.nonce = NULL;
    expect_refused(f, &w, "X-Acsa-Nonce");
    w = example();
    w.body_sha256 = "00";
    expect_refused(f, &w, "X-Acsa-Body-SHA256");
}

static void expect_bad_signature(struct fixture *f, const struct acsa_wire_request *w,
                                 const char *sig)
{
    assert_int_equal(acsa_request_verify_signature(w, sig, f->jp_pk, &f->err), ACSA_EFORBIDDEN);
    assert_string_equal(f->err.field, "X-Acsa-Signature");
}

/* Finding 6: a captured signature is worthless for any other query, receiver, time, nonce,
 * method or body. */
static void test_signature_covers_every_part(void **state)
{
    struct fixture *f = *state;
    struct acsa_wire_request w = example();
    w.target = "/sync/v1/batches?after=5&limit=1";
    char sig[129];
    sign(f, &w, sig);
    CHECK(f, acsa_request_verify_signature(&w, sig, f->jp_pk, &f->err));
    struct acsa_wire_request other = w;
    other.target = "/sync/v1/batches?after=0&limit=10000";
    expect_bad_signature(f, &other, sig);
    other.target = "/sync/v1/batches";
    expect_bad_signature(f, &other, sig);
    other = w;
    other.to = "FR";
    expect_bad_signature(f, &other, sig);
    other = w;
    other.at_s = NOW + 1;
    expect_bad_signature(f, &other, sig);
    other = w;
    other.nonce = "ffeeddccbbaa99887766554433221100";
    expect_bad_signature(f, &other, sig);
    other = w;
    other.method = "POST";
    expect_bad_signature(f, &other, sig);
    other = w;
    other.body_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    expect_bad_signature(f, &other, sig);
    other = w;
    other.from = "IN";
    expect_bad_signature(f, &other, sig);
    expect_bad_signature(f, &w, "xyz");
    uint8_t other_pk[32];
    uint8_t other_sk[64];
    crypto_sign_keypair(other_pk, other_sk);
    assert_int_equal(acsa_request_verify_signature(&w, sig, other_pk, &f->err),
                     ACSA_EFORBIDDEN);
}

/* The node signs answers with its own key (acsa_app_node_sign), checked with its public key. */
static void test_reply_signature(void **state)
{
    struct fixture *f = *state;
    char msg[ACSA_WIRE_MESSAGE_SIZE];
    size_t n = acsa_reply_message(NONCE, 200, EMPTY_SHA256, "IN", "JP", msg, sizeof(msg));
    assert_true(n > 0);
    uint8_t sig[64];
    CHECK(f, acsa_app_node_sign(f->app, (const uint8_t *)msg, n, sig, &f->err));
    uint8_t pk[32];
    CHECK(f, acsa_app_node_public_key(f->app, pk, &f->err));
    assert_int_equal(crypto_sign_verify_detached(sig, (const uint8_t *)msg, n, pk), 0);
    /* Another status or another request's nonce: the signature does not carry over. */
    n = acsa_reply_message(NONCE, 409, EMPTY_SHA256, "IN", "JP", msg, sizeof(msg));
    assert_int_not_equal(crypto_sign_verify_detached(sig, (const uint8_t *)msg, n, pk), 0);
    n = acsa_reply_message("ffeeddccbbaa99887766554433221100", 200, EMPTY_SHA256, "IN", "JP",
                           msg, sizeof(msg));
    assert_int_not_equal(crypto_sign_verify_detached(sig, (const uint8_t *)msg, n, pk), 0);
}

static void nonce_text(uint32_t i, char out[ACSA_NONCE_TEXT_SIZE])
{
    snprintf(out, ACSA_NONCE_TEXT_SIZE, "%032x", i);
}

/* Finding 6: a nonce is taken once within its window; a full cache refuses, then frees the
 * nonces whose window has passed. */
static void test_nonce_cache(void **state)
{
    (void)state;
    struct acsa_nonce_cache *c = acsa_nonce_cache_new(8);
    assert_non_null(c);
    char nonce[ACSA_NONCE_TEXT_SIZE];
    assert_false(acsa_nonce_seen(c, "JP", NONCE, NOW));
    assert_int_equal(acsa_nonce_remember(c, "JP", NONCE, NOW + 900, NOW), ACSA_NONCE_NEW);
    assert_true(acsa_nonce_seen(c, "JP", NONCE, NOW + 900));
    assert_int_equal(acsa_nonce_remember(c, "JP", NONCE, NOW + 900, NOW + 500), ACSA_NONCE_SEEN);
    /* The same nonce from another node is another request. */
    assert_int_equal(acsa_nonce_remember(c, "FR", NONCE, NOW + 900, NOW), ACSA_NONCE_NEW);
    for (uint32_t i = 0; i < 6; i++) {
        nonce_text(i, nonce);
        assert_int_equal(acsa_nonce_remember(c, "JP", nonce, NOW + 100 + i, NOW),
                         ACSA_NONCE_NEW);
    }
    assert_int_equal(acsa_nonce_count(c), 8);
    nonce_text(100, nonce);
    assert_int_equal(acsa_nonce_remember(c, "JP", nonce, NOW + 900, NOW), ACSA_NONCE_FULL);
    assert_int_equal(acsa_nonce_remember(c, "JP", nonce, NOW + 900, NOW + 100), ACSA_NONCE_FULL);
    /* At NOW + 103, three of them have expired: room for three. */
    for (uint32_t i = 100; i < 103; i++) {
        nonce_text(i, nonce);
        assert_int_equal(acsa_nonce_remember(c, "JP", nonce, NOW + 900, NOW + 103),
                         ACSA_NONCE_NEW);
    }
    nonce_text(103, nonce);
    assert_int_equal(acsa_nonce_remember(c, "JP", nonce, NOW + 900, NOW + 103), ACSA_NONCE_FULL);
    /* Those not expired are still known after the move. */
    nonce_text(5, nonce);
    assert_int_equal(acsa_nonce_remember(c, "JP", nonce, NOW + 900, NOW + 103), ACSA_NONCE_SEEN);
    assert_true(acsa_nonce_seen(c, "JP", NONCE, NOW + 103));
    /* Once its window has passed, a nonce is forgotten. */
    assert_false(acsa_nonce_seen(c, "JP", NONCE, NOW + 901));
    acsa_nonce_cache_free(c);
}

struct race {
    struct acsa_nonce_cache *cache;
    uint32_t taken;
};

static void *race_thread(void *arg)
{
    struct race *r = arg;
    char nonce[ACSA_NONCE_TEXT_SIZE];
    for (uint32_t i = 0; i < SHARED_NONCES; i++) {
        nonce_text(i, nonce);
        if (acsa_nonce_remember(r->cache, "JP", nonce, NOW + 900, NOW) == ACSA_NONCE_NEW) {
            r->taken++;
        }
    }
    return NULL;
}

/* Threads sending the same signed requests at once: each is taken exactly once. */
static void test_nonce_cache_threads(void **state)
{
    (void)state;
    struct acsa_nonce_cache *c = acsa_nonce_cache_new(0);
    assert_non_null(c);
    pthread_t threads[THREADS];
    struct race races[THREADS];
    for (int i = 0; i < THREADS; i++) {
        races[i].cache = c;
        races[i].taken = 0;
        assert_int_equal(pthread_create(&threads[i], NULL, race_thread, &races[i]), 0);
    }
    uint32_t taken = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(threads[i], NULL);
        taken += races[i].taken;
    }
    assert_int_equal(taken, SHARED_NONCES);
    assert_int_equal(acsa_nonce_count(c), SHARED_NONCES);
    acsa_nonce_cache_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_message_bytes),
        cmocka_unit_test_setup_teardown(test_request_check_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signature_covers_every_part, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reply_signature, setup, teardown),
        cmocka_unit_test(test_nonce_cache),
        cmocka_unit_test(test_nonce_cache_threads),
    };
    if (sodium_init() < 0) {
        return 1;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
