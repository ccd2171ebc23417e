/* SPDX-License-Identifier: MIT */
/* The signed snapshot a bundle carries (src/app/snapshot.c): its canonical bytes, decoding back
 * to the text the sync routes serve, and every refusal: another key, another sender or
 * receiver, any byte changed, any cut, too large, too many orders, bad UTF-8 in a text, orders
 * out of order, an unknown account. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "snapshot.h"
#include "../util/alloc.h"

#define MADE 1718000000 /* 2024-06-10. */

struct keys {
    uint8_t pk[32];
    uint8_t sk[64];
};

static struct keys japan;
static struct keys other;

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0) {
        return -1;
    }
    crypto_sign_keypair(japan.pk, japan.sk);
    crypto_sign_keypair(other.pk, other.sk);
    return 0;
}

struct order_in {
    const char *number;
    uint64_t fingerprint;
};

struct balance_in {
    const char *currency;
    const char *account;
    acsa_wide amount;
};

/* A snapshot by sender for receiver of orders and balances, signed with keys. */
static void build(struct acsa_snapshot_writer *w, const char *sender, const char *receiver,
                  const struct order_in *orders, size_t n_orders,
                  const struct balance_in *balances, size_t n_balances, const struct keys *keys)
{
    acsa_snapshot_begin(w, sender, receiver, MADE, 42, 17);
    for (size_t i = 0; i < n_orders; i++) {
        acsa_snapshot_add_order(w, orders[i].number, orders[i].fingerprint);
    }
    acsa_snapshot_begin_balances(w);
    for (size_t i = 0; i < n_balances; i++) {
        acsa_snapshot_add_balance(w, balances[i].currency, balances[i].account,
                                  balances[i].amount);
    }
    uint8_t digest[32];
    acsa_snapshot_end(w, digest);
    uint8_t sig[ACSA_SNAPSHOT_SIGNATURE_SIZE];
    crypto_sign_detached(sig, NULL, digest, sizeof(digest), keys->sk);
    acsa_snapshot_seal(w, sig);
    assert_false(w->failed);
}

static const struct order_in ORDERS[] = {
    {"IN-JP-2024-000001", 0xffu},
    {"IN-JP-2024-000002", UINT64_C(0x0123456789abcdef)},
    {"JP-IN-2024-000001", UINT64_MAX},
};
static const struct balance_in BALANCES[] = {
    {"JPY", "receivable-cash", 2000000},
    {"JPY", "supplied", -2000000},
};

static enum acsa_rc decode(const struct acsa_snapshot_writer *w, const uint8_t *key,
                           struct acsa_snapshot *out, struct acsa_error *err)
{
    acsa_error_clear(err);
    return acsa_snapshot_decode(w->data, w->len, key, "JP", "IN", out, err);
}

static void test_round_trip(void **state)
{
    (void)state;
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", ORDERS, 3, BALANCES, 2, &japan);
    /* magic, two nations, three i64, two counts, the orders, the balances, the signature. */
    size_t orders = 3 * (2 + 17 + 8);
    size_t balances = (2 + 3 + 2 + 15 + 16) + (2 + 3 + 2 + 8 + 16);
    assert_int_equal(w.len, 8 + 2 * 4 + 3 * 8 + 4 + orders + 4 + balances + 64);
    assert_memory_equal(w.data, "ACSASNP2\0\2JP\0\2IN", 16);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_OK);
    assert_string_equal(s.sender, "JP");
    assert_string_equal(s.receiver, "IN");
    assert_int_equal(s.created_s, MADE);
    assert_int_equal(s.sender_through, 42);
    assert_int_equal(s.seen_through, 17);
    assert_int_equal(s.orders, 3);
    assert_int_equal(s.balances, 2);
    const char *fingerprints = "IN-JP-2024-000001 00000000000000ff\n"
                               "IN-JP-2024-000002 0123456789abcdef\n"
                               "JP-IN-2024-000001 ffffffffffffffff\n";
    assert_int_equal(s.fingerprints_len, strlen(fingerprints));
    assert_memory_equal(s.fingerprints, fingerprints, s.fingerprints_len);
    const char *balance = "JPY\treceivable-cash\t2000000\nJPY\tsupplied\t-2000000\n";
    assert_int_equal(s.balance_len, strlen(balance));
    assert_memory_equal(s.balance, balance, s.balance_len);
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

/* A balance summed over more orders than 64 bits hold travels whole (ARCHITECTURE.md "No
 * overflow"): a layout 1 snapshot cut it to its low 64 bits. */
static void test_balance_past_64_bits(void **state)
{
    (void)state;
    acsa_wide big = (acsa_wide)INT64_MAX * 3;
    const struct balance_in wide[] = {{"JPY", "receivable-cash", big},
                                      {"JPY", "supplied", -big}};
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", NULL, 0, wide, 2, &japan);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_OK);
    const char *balance = "JPY\treceivable-cash\t27670116110564327421\n"
                          "JPY\tsupplied\t-27670116110564327421\n";
    assert_int_equal(s.balance_len, strlen(balance));
    assert_memory_equal(s.balance, balance, s.balance_len);
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

/* A balance no sum of orders comes near (39 digits) is refused, naming it. */
static void test_balance_out_of_range_is_refused(void **state)
{
    (void)state;
    acsa_wide huge = 1;
    for (int i = 0; i < ACSA_WIDE_DIGITS_MAX; i++) {
        huge *= 10;
    }
    const struct balance_in wide[] = {{"JPY", "receivable-cash", -huge}};
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", NULL, 0, wide, 1, &japan);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.balances[0].amount");
    acsa_free(w.data);
}

/* A snapshot of layout 1 (balances as i64), as a node of the previous release signs it, is
 * still read. */
static void test_layout1_still_read(void **state)
{
    (void)state;
    const struct balance_in one[] = {{"JPY", "cash", -5}};
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", NULL, 0, one, 1, &japan);
    /* The same snapshot in layout 1: the old magic, the amount's high half gone, signed anew. */
    size_t high = w.len - ACSA_SNAPSHOT_SIGNATURE_SIZE - 16;
    uint8_t old[512];
    assert_true(w.len < sizeof(old));
    memcpy(old, w.data, high);
    memcpy(old, "ACSASNP1", 8);
    memcpy(old + high, w.data + high + 8, 8);
    size_t len = high + 8;
    uint8_t digest[32];
    crypto_hash_sha256(digest, old, len);
    crypto_sign_detached(old + len, NULL, digest, sizeof(digest), japan.sk);
    len += ACSA_SNAPSHOT_SIGNATURE_SIZE;
    struct acsa_snapshot s;
    struct acsa_error err;
    acsa_error_clear(&err);
    assert_int_equal(acsa_snapshot_decode(old, len, japan.pk, "JP", "IN", &s, &err), ACSA_OK);
    assert_int_equal(s.balances, 1);
    const char *balance = "JPY\tcash\t-5\n";
    assert_int_equal(s.balance_len, strlen(balance));
    assert_memory_equal(s.balance, balance, s.balance_len);
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_empty_snapshot(void **state)
{
    (void)state;
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", NULL, 0, NULL, 0, &japan);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_OK);
    assert_int_equal(s.orders, 0);
    assert_int_equal(s.fingerprints_len, 0);
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_another_key_is_refused(void **state)
{
    (void)state;
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", ORDERS, 3, BALANCES, 2, &other);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EFORBIDDEN);
    assert_string_equal(err.field, "snapshot.signature");
    assert_non_null(strstr(err.message, "does not verify with the key registered for JP"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_another_party_is_refused(void **state)
{
    (void)state;
    /* Signed with Japan's key, but saying it is Korea's, or made for Korea. */
    struct acsa_snapshot_writer w;
    build(&w, "KR", "IN", ORDERS, 3, BALANCES, 2, &japan);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.sender");
    assert_non_null(strstr(err.message, "signed as \"KR\", but the bundle is from JP"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);
    build(&w, "JP", "KR", ORDERS, 3, BALANCES, 2, &japan);
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.receiver");
    assert_non_null(strstr(err.message, "made for \"KR\", but this node is IN"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_any_byte_changed_is_refused(void **state)
{
    (void)state;
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", ORDERS, 3, BALANCES, 2, &japan);
    for (size_t i = 0; i < w.len; i++) {
        w.data[i] ^= 0x01;
        struct acsa_snapshot s;
        struct acsa_error err;
        enum acsa_rc rc = decode(&w, japan.pk, &s, &err);
        if (rc == ACSA_OK) {
            fail_msg("byte %zu changed, yet the snapshot was accepted", i);
        }
        assert_true(strncmp(err.field, "snapshot", 8) == 0);
        acsa_snapshot_free(&s);
        w.data[i] ^= 0x01;
    }
    acsa_free(w.data);
}

static void test_any_cut_is_refused(void **state)
{
    (void)state;
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", ORDERS, 3, BALANCES, 2, &japan);
    for (size_t n = 0; n < w.len; n++) {
        struct acsa_snapshot s;
        struct acsa_error err;
        acsa_error_clear(&err);
        enum acsa_rc rc = acsa_snapshot_decode(w.data, n, japan.pk, "JP", "IN", &s, &err);
        if (rc == ACSA_OK) {
            fail_msg("cut to %zu of %zu bytes, yet the snapshot was accepted", n, w.len);
        }
        acsa_snapshot_free(&s);
    }
    /* Cut inside the orders: named as truncated, before any signature check. */
    struct acsa_snapshot s;
    struct acsa_error err;
    acsa_error_clear(&err);
    assert_int_equal(acsa_snapshot_decode(w.data, 70, japan.pk, "JP", "IN", &s, &err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "snapshot: truncated"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_too_large_is_refused(void **state)
{
    (void)state;
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", ORDERS, 3, BALANCES, 2, &japan);
    struct acsa_snapshot s;
    struct acsa_error err;
    acsa_error_clear(&err);
    assert_int_equal(acsa_snapshot_decode(w.data, ACSA_SNAPSHOT_BYTES_MAX + 1u, japan.pk, "JP",
                                          "IN", &s, &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "at most 16777216 are accepted"));
    acsa_snapshot_free(&s);
    /* A count of orders past the limit is refused before any order is read. */
    size_t count_at = 8 + 2 * 4 + 3 * 8;
    uint32_t count = ACSA_SNAPSHOT_ORDERS_MAX + 1u;
    for (unsigned i = 0; i < 4; i++) {
        w.data[count_at + i] = (uint8_t)(count >> (8 * (3 - i)));
    }
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "snapshot.orders: 400001 orders; at most 400000"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_bad_utf8_is_refused(void **state)
{
    (void)state;
    const struct order_in bad_number[] = {{"IN-JP-\xff-000001", 1}};
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", bad_number, 1, NULL, 0, &japan);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.orders[0].number");
    assert_non_null(strstr(err.message, "not valid UTF-8, or a control character, at byte 6"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);

    const struct balance_in bad_account[] = {{"JPY", "cash\xc0\xaf", 5}};
    build(&w, "JP", "IN", NULL, 0, bad_account, 1, &japan);
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.balances[0].account");
    assert_non_null(strstr(err.message, "not valid UTF-8"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);

    const struct balance_in control[] = {{"JP\x1b", "cash", 5}};
    build(&w, "JP", "IN", NULL, 0, control, 1, &japan);
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.balances[0].currency");
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_malformed_fields_are_refused(void **state)
{
    (void)state;
    const struct order_in unsorted[] = {{"JP-IN-2024-000001", 1}, {"IN-JP-2024-000001", 2}};
    struct acsa_snapshot_writer w;
    build(&w, "JP", "IN", unsorted, 2, NULL, 0, &japan);
    struct acsa_snapshot s;
    struct acsa_error err;
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.orders[1].number");
    assert_non_null(strstr(err.message, "does not come after JP-IN-2024-000001"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);

    const struct order_in twice[] = {{"IN-JP-2024-000001", 1}, {"IN-JP-2024-000001", 1}};
    build(&w, "JP", "IN", twice, 2, NULL, 0, &japan);
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    acsa_snapshot_free(&s);
    acsa_free(w.data);

    const struct order_in lower[] = {{"in-jp-2024-000001", 1}};
    build(&w, "JP", "IN", lower, 1, NULL, 0, &japan);
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "is not an order number"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);

    const struct balance_in account[] = {{"JPY", "gift", 5}};
    build(&w, "JP", "IN", NULL, 0, account, 1, &japan);
    assert_int_equal(decode(&w, japan.pk, &s, &err), ACSA_EREFUSED);
    assert_string_equal(err.field, "snapshot.balances[0].account");
    assert_non_null(strstr(err.message, "\"gift\" is not an account"));
    acsa_snapshot_free(&s);
    acsa_free(w.data);
}

static void test_other_bytes_are_not_a_snapshot(void **state)
{
    (void)state;
    static const uint8_t batch[] = "ACSABAT1 and then some bytes of a batch, not a snapshot";
    struct acsa_snapshot s;
    struct acsa_error err;
    acsa_error_clear(&err);
    assert_int_equal(acsa_snapshot_decode(batch, sizeof(batch), japan.pk, "JP", "IN", &s, &err),
                     ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "not an acsa snapshot"));
    acsa_snapshot_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_empty_snapshot),
        cmocka_unit_test(test_balance_past_64_bits),
        cmocka_unit_test(test_layout1_still_read),
        cmocka_unit_test(test_balance_out_of_range_is_refused),
        cmocka_unit_test(test_another_key_is_refused),
        cmocka_unit_test(test_another_party_is_refused),
        cmocka_unit_test(test_any_byte_changed_is_refused),
        cmocka_unit_test(test_any_cut_is_refused),
        cmocka_unit_test(test_too_large_is_refused),
        cmocka_unit_test(test_bad_utf8_is_refused),
        cmocka_unit_test(test_malformed_fields_are_refused),
        cmocka_unit_test(test_other_bytes_are_not_a_snapshot),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
