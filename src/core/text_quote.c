/* SPDX-License-Identifier: MIT */
/* Escaping of the bytes text.h refuses (text_quote.h). The valid stretches are found with
 * acsa_text_valid itself, so the quote and the rule can never disagree. */
#include "text_quote.h"

#include <stdbool.h>
#include <string.h>

#include "acsa_assert.h"
#include "text.h"

#define ESCAPE_SIZE 4 /* \xNN */
#define ELLIPSIS "..."

/* Writes the quote of bytes into out, at most limit bytes (out NULL: only counts). Returns the
 * length; *all tells whether every input byte was quoted. */
static size_t quote_into(const char *bytes, size_t size, char *out, size_t limit, bool *all)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    size_t at = 0;
    while (at < size) {
        size_t valid = 0;
        (void)acsa_text_valid(bytes + at, size - at, ACSA_TEXT_LINE, &valid);
        if (valid == 0) {
            if (limit - n < ESCAPE_SIZE) {
                break;
            }
            if (out != NULL) {
                unsigned char c = (unsigned char)bytes[at];
                out[n] = '\\';
                out[n + 1] = 'x';
                out[n + 2] = hex[c >> 4];
                out[n + 3] = hex[c & 0x0f];
            }
            n += ESCAPE_SIZE;
            at++;
            continue;
        }
        size_t take = valid <= limit - n ? valid : limit - n;
        /* Cut before a character the room could not hold whole. */
        while (take < valid && take > 0 && ((unsigned char)bytes[at + take] & 0xc0) == 0x80) {
            take--;
        }
        if (out != NULL) {
            memcpy(out + n, bytes + at, take);
        }
        n += take;
        at += take;
        if (take < valid) {
            break;
        }
    }
    *all = at == size;
    return n;
}

char *acsa_text_quote(const char *bytes, size_t size, char *out, size_t out_size)
{
    ACSA_ASSERT(out != NULL && out_size >= ACSA_TEXT_QUOTE_MIN);
    ACSA_ASSERT(bytes != NULL || size == 0);
    bool all = false;
    size_t n = quote_into(bytes, size, NULL, out_size - 1, &all);
    if (all) {
        n = quote_into(bytes, size, out, out_size - 1, &all);
        out[n] = '\0';
        return out;
    }
    n = quote_into(bytes, size, out, out_size - sizeof(ELLIPSIS), &all);
    memcpy(out + n, ELLIPSIS, sizeof(ELLIPSIS));
    return out;
}
