/* SPDX-License-Identifier: MIT */
/* The snapshot decoder (src/app/snapshot.h): any bytes after a bundle's batch. Each input is
 * decoded twice: as it is (its last 64 bytes taken as the signature, which almost never
 * verifies), and signed again with Japan's fixed key, so that mutated fields pass the signature
 * and reach the checks of every field. Properties: a refusal names a snapshot field; a snapshot
 * the decoder takes lists as many lines as it counts, and written again from what was decoded
 * it is the very input (one snapshot, one encoding). */
#include "fuzz.h"

#include <inttypes.h>
#include <sodium.h>

#include "snapshot.h"
#include "../util/alloc.h"

static uint8_t pk[32];
static uint8_t sk[64];
static uint8_t *signed_copy;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    uint8_t seed[32] = {'J', 'P'};
    if (sodium_init() < 0) {
        abort();
    }
    crypto_sign_seed_keypair(pk, sk, seed);
    signed_copy = malloc(ACSA_SNAPSHOT_BYTES_MAX);
    return signed_copy != NULL ? 0 : 1;
}

static size_t count_lines(const char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        n += text[i] == '\n';
    }
    return n;
}

/* Writes the decoded snapshot again, from its texts, signed as the input was: the bytes of
 * the input for a snapshot of the current layout; for one of layout 1 (balances as i64), a
 * snapshot of the current layout that reads back to the same texts. */
static void encode_again(const struct acsa_snapshot *s, const uint8_t *data, size_t size)
{
    struct acsa_snapshot_writer w;
    acsa_snapshot_begin(&w, s->sender, s->receiver, s->created_s, s->sender_through,
                        s->seen_through);
    for (const char *line = s->fingerprints; line != NULL && *line != '\0';) {
        const char *space = strchr(line, ' ');
        FUZZ_CHECK(space != NULL, "a fingerprint line without a space");
        char number[ACSA_NUMBER_SIZE];
        snprintf(number, sizeof(number), "%.*s", (int)(space - line), line);
        acsa_snapshot_add_order(&w, number, strtoull(space + 1, NULL, 16));
        line = strchr(space, '\n') + 1;
    }
    acsa_snapshot_begin_balances(&w);
    for (const char *line = s->balance; line != NULL && *line != '\0';) {
        char currency[8];
        char account[64];
        char figure[ACSA_WIDE_TEXT_SIZE];
        acsa_wide amount = 0;
        FUZZ_CHECK(sscanf(line, "%7[^\t]\t%63[^\t]\t%47[^\n]", currency, account, figure) == 3 &&
                       acsa_wide_parse(figure, &amount),
                   "a balance line that does not read back");
        acsa_snapshot_add_balance(&w, currency, account, amount);
        line = strchr(line, '\n') + 1;
    }
    uint8_t digest[32];
    acsa_snapshot_end(&w, digest);
    FUZZ_CHECK(!w.failed, "the decoded snapshot cannot be written again");
    if (memcmp(data, ACSA_SNAPSHOT_MAGIC_V1, 8) != 0) {
        acsa_snapshot_seal(&w, data + size - ACSA_SNAPSHOT_SIGNATURE_SIZE);
        FUZZ_CHECK(w.len == size && memcmp(w.data, data, size) == 0,
                   "the snapshot encodes to other bytes (%zu of %zu)", w.len, size);
    } else {
        uint8_t sig[ACSA_SNAPSHOT_SIGNATURE_SIZE];
        crypto_sign_detached(sig, NULL, digest, sizeof(digest), sk);
        acsa_snapshot_seal(&w, sig);
        struct acsa_snapshot again;
        struct acsa_error err;
        acsa_error_clear(&err);
        FUZZ_CHECK(acsa_snapshot_decode(w.data, w.len, pk, "JP", "IN", &again, &err) == ACSA_OK,
                   "a layout 1 snapshot written in layout 2 is refused: %s", err.message);
        FUZZ_CHECK(again.fingerprints_len == s->fingerprints_len &&
                       again.balance_len == s->balance_len &&
                       (s->fingerprints_len == 0 ||
                        memcmp(again.fingerprints, s->fingerprints, s->fingerprints_len) == 0) &&
                       (s->balance_len == 0 ||
                        memcmp(again.balance, s->balance, s->balance_len) == 0),
                   "a layout 1 snapshot reads otherwise in layout 2");
        acsa_snapshot_free(&again);
    }
    acsa_free(w.data);
}

static void decode(const uint8_t *data, size_t size, bool resigned)
{
    struct acsa_snapshot s;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_snapshot_decode(data, size, pk, "JP", "IN", &s, &err);
    if (rc != ACSA_OK) {
        FUZZ_CHECK(strncmp(err.field, "snapshot", 8) == 0 || rc == ACSA_ENOMEM,
                   "a refusal without a snapshot field: %s", err.message);
    } else {
        FUZZ_CHECK(count_lines(s.fingerprints, s.fingerprints_len) == s.orders,
                   "%u orders, other lines", s.orders);
        FUZZ_CHECK(count_lines(s.balance, s.balance_len) == s.balances,
                   "%u balances, other lines", s.balances);
        if (resigned) {
            encode_again(&s, data, size);
        }
    }
    acsa_snapshot_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    decode(data, size, false);
    if (size < 8 + ACSA_SNAPSHOT_SIGNATURE_SIZE || size > ACSA_SNAPSHOT_BYTES_MAX) {
        return 0;
    }
    memcpy(signed_copy, data, size);
    size_t body = size - ACSA_SNAPSHOT_SIGNATURE_SIZE;
    uint8_t digest[32];
    crypto_hash_sha256(digest, signed_copy, body);
    crypto_sign_detached(signed_copy + body, NULL, digest, sizeof(digest), sk);
    decode(signed_copy, size, true);
    return 0;
}
