/* SPDX-License-Identifier: MIT */
/* Money and quantity parsing (src/core/money.h). The first byte picks the currency exponent;
 * the rest is the text. Properties: a parsed amount formats back to text that parses to the
 * same value; a parsed quantity likewise; line values never overflow silently. */
#include "fuzz.h"

#include "money.h"

static void check_money(const char *text, uint8_t exponent)
{
    struct acsa_error err;
    int64_t minor = 0;
    if (acsa_money_parse(text, exponent, "amount", &minor, &err) != ACSA_OK) {
        FUZZ_CHECK(minor == 0, "a refused amount left %lld", (long long)minor);
        FUZZ_CHECK(strcmp(err.field, "amount") == 0, "refusal names %s", err.field);
        return;
    }
    char buf[ACSA_MONEY_TEXT_SIZE];
    acsa_money_format(minor, exponent, buf);
    int64_t again = 0;
    FUZZ_CHECK(acsa_money_parse(buf, exponent, "amount", &again, &err) == ACSA_OK,
               "\"%s\" formatted as \"%s\" does not parse: %s", text, buf, err.message);
    FUZZ_CHECK(again == minor, "\"%s\" -> %lld -> \"%s\" -> %lld", text, (long long)minor, buf,
               (long long)again);
}

static void check_quantity(const char *text)
{
    struct acsa_error err;
    int64_t milli = 0;
    if (acsa_quantity_parse(text, "qty", &milli, &err) != ACSA_OK) {
        FUZZ_CHECK(milli == 0, "a refused quantity left %lld", (long long)milli);
        return;
    }
    FUZZ_CHECK(milli >= 0, "quantity \"%s\" parsed negative", text);
    char buf[ACSA_MONEY_TEXT_SIZE];
    acsa_quantity_format(milli, buf);
    int64_t again = 0;
    FUZZ_CHECK(acsa_quantity_parse(buf, "qty", &again, &err) == ACSA_OK && again == milli,
               "\"%s\" -> %lld -> \"%s\"", text, (long long)milli, buf);
}

/* Line values and sums over two int64s taken from the input's first bytes. */
static void check_arithmetic(const uint8_t *data, size_t size)
{
    if (size < 16) {
        return;
    }
    int64_t a = 0;
    int64_t b = 0;
    memcpy(&a, data, 8);
    memcpy(&b, data + 8, 8);
    int64_t out = 0;
    if (acsa_money_line_value(a, b, &out)) {
        __int128 exact = (__int128)a * b;
        __int128 diff = exact - (__int128)out * 1000;
        FUZZ_CHECK(diff >= -500 && diff <= 500, "%lld x %lld -> %lld", (long long)a,
                   (long long)b, (long long)out);
    } else {
        FUZZ_CHECK(out == 0, "an overflowing line value left %lld", (long long)out);
    }
    if (acsa_money_add(a, b, &out)) {
        FUZZ_CHECK((__int128)out == (__int128)a + b, "add");
    }
    if (acsa_money_sub(a, b, &out)) {
        FUZZ_CHECK((__int128)out == (__int128)a - b, "sub");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    char *text = fuzz_text(data + 1, size - 1);
    if (text == NULL) {
        return 0;
    }
    check_money(text, (uint8_t)(data[0] % 4));
    check_quantity(text);
    const struct acsa_currency *currency = acsa_currency_find(text);
    FUZZ_CHECK(currency == NULL || strcmp(currency->code, text) == 0, "currency %s", text);
    check_arithmetic(data + 1, size - 1);
    free(text);
    return 0;
}
