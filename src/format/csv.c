/* SPDX-License-Identifier: MIT */
/* CSV rows per RFC 4180, with formula neutralisation (csv.h). */
#include "csv.h"

#include <string.h>

/* A plain decimal: an optional minus, digits, and an optional point with digits. */
static bool plain_number(const char *text)
{
    const char *p = text[0] == '-' ? text + 1 : text;
    size_t digits = strspn(p, "0123456789");
    if (digits == 0) {
        return false;
    }
    p += digits;
    if (*p == '.') {
        size_t decimals = strspn(p + 1, "0123456789");
        if (decimals == 0) {
            return false;
        }
        p += 1 + decimals;
    }
    return *p == '\0';
}

bool acsa_csv_formula(const char *text)
{
    return text[0] != '\0' && strchr("=+-@\t\r", text[0]) != NULL && !plain_number(text);
}

void acsa_csv_field(struct acsa_text *t, const char *text)
{
    bool formula = acsa_csv_formula(text);
    bool quoted = strpbrk(text, ",\"\r\n") != NULL;
    if (quoted) {
        ACSA_TEXT_LIT(t, "\"");
    }
    if (formula) {
        ACSA_TEXT_LIT(t, "'");
    }
    const char *start = text;
    for (const char *quote = strchr(start, '"'); quote != NULL; quote = strchr(start, '"')) {
        acsa_text_raw(t, start, (size_t)(quote - start) + 1);
        ACSA_TEXT_LIT(t, "\"");
        start = quote + 1;
    }
    acsa_text_raw(t, start, strlen(start));
    if (quoted) {
        ACSA_TEXT_LIT(t, "\"");
    }
}

void acsa_csv_row(struct acsa_text *t, const char *const *cells, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (i > 0) {
            ACSA_TEXT_LIT(t, ",");
        }
        acsa_csv_field(t, cells[i] != NULL ? cells[i] : "");
    }
    ACSA_TEXT_LIT(t, "\r\n");
}
