/* SPDX-License-Identifier: MIT */
/* Comparison keys of people's names, for separation of duties: "CPO Das", "cpo das",
 * "CPO  Das" and "ＣＰＯ Ｄａｓ" are one person. The key is the SHA-256 of the name after
 * NFKC, full case folding and NFKC again (folding can undo a normalisation), with white space
 * trimmed and each run of it made one space. ICU does the Unicode work, above the core, which
 * only compares keys. */
#include <sodium.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include "app.h"

/* UTF-16 units a name may grow to on the way: NFKC expands a character to at most 18 and
 * folding to 3; names are at most ACSA_NAME_SIZE bytes. */
#define NAME_UNITS_MAX (ACSA_NAME_SIZE * 18 * 3)

static bool normalize_nfkc(const UChar *in, int32_t n, UChar *out, int32_t cap, int32_t *len)
{
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&status);
    if (U_FAILURE(status)) {
        return false;
    }
    *len = unorm2_normalize(nfkc, in, n, out, cap, &status);
    return U_SUCCESS(status);
}

/* Trims white space and collapses each run of it into one space, in place. */
static int32_t collapse_space(UChar *s, int32_t n)
{
    int32_t out = 0;
    bool pending = false;
    for (int32_t i = 0; i < n; i++) {
        if (u_isUWhiteSpace(s[i])) {
            pending = out > 0;
            continue;
        }
        if (pending) {
            s[out++] = 0x20;
            pending = false;
        }
        s[out++] = s[i];
    }
    return out;
}

/* The folded form of name as UTF-16 in buf; false if ICU refuses it (ill-formed UTF-8). */
static bool fold(const char *name, UChar *a, UChar *b, int32_t *out_len)
{
    UErrorCode status = U_ZERO_ERROR;
    int32_t n = 0;
    u_strFromUTF8(a, NAME_UNITS_MAX, &n, name, -1, &status);
    if (U_FAILURE(status)) {
        return false;
    }
    int32_t m = 0;
    if (!normalize_nfkc(a, n, b, NAME_UNITS_MAX, &m)) {
        return false;
    }
    n = u_strFoldCase(a, NAME_UNITS_MAX, b, m, U_FOLD_CASE_DEFAULT, &status);
    if (U_FAILURE(status) || !normalize_nfkc(a, n, b, NAME_UNITS_MAX, &m)) {
        return false;
    }
    *out_len = collapse_space(b, m);
    return true;
}

void acsa_app_name_key(const char *name, uint8_t key[ACSA_NAME_KEY_SIZE])
{
    static _Thread_local UChar a[NAME_UNITS_MAX];
    static _Thread_local UChar b[NAME_UNITS_MAX];
    _Static_assert(ACSA_NAME_KEY_SIZE == crypto_hash_sha256_BYTES, "a key is a SHA-256");
    int32_t len = 0;
    if (strlen(name) >= ACSA_NAME_SIZE || !fold(name, a, b, &len)) {
        /* Text that passed the input rules always folds; anything else keys as written. */
        crypto_hash_sha256(key, (const unsigned char *)name, strlen(name));
        return;
    }
    crypto_hash_sha256(key, (const unsigned char *)b, (unsigned long long)len * sizeof(UChar));
}

void acsa_app_order_keys(struct acsa_order *order)
{
    for (uint32_t i = 0; i < order->duty_count && i < ACSA_ORDER_DUTIES_MAX; i++) {
        acsa_app_name_key(order->duties[i].actor, order->duties[i].actor_key);
    }
}
