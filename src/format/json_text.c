/* SPDX-License-Identifier: MIT */
/* Compact JSON text (json_text.h), byte for byte what jansson writes: strings are checked as
 * UTF-8 by jansson's rules and escaped as jansson escapes them. */
#include "json_text.h"
#include "../util/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/limits.h"

#define DEPTH_MAX 2048  /* jansson's own limit on nesting. */

void acsa_text_init(struct acsa_text *t, size_t capacity)
{
    t->text = acsa_malloc(capacity + 1);
    t->size = 0;
    t->capacity = t->text != NULL ? capacity : 0;
    t->failed = t->text == NULL;
}

char *acsa_text_take(struct acsa_text *t, size_t *out_size)
{
    char *text = t->failed ? NULL : t->text;
    if (text == NULL) {
        acsa_free(t->text);
    } else {
        text[t->size] = '\0';
    }
    *out_size = text != NULL ? t->size : 0;
    memset(t, 0, sizeof(*t));
    return text;
}

static char *room(struct acsa_text *t, size_t size)
{
    if (t->failed) {
        return NULL;
    }
    if (size > t->capacity - t->size) {
        size_t capacity = t->capacity * 2;
        capacity = capacity - t->size < size ? t->size + size : capacity;
        char *text = acsa_realloc(t->text, capacity + 1);
        if (text == NULL) {
            t->failed = true;
            return NULL;
        }
        t->text = text;
        t->capacity = capacity;
    }
    char *at = t->text + t->size;
    t->size += size;
    return at;
}

void acsa_text_raw(struct acsa_text *t, const char *bytes, size_t size)
{
    char *at = room(t, size);
    if (at != NULL && size > 0) {
        memcpy(at, bytes, size);
    }
}

/* The length of the UTF-8 sequence at text (at most size bytes), or 0 if it is not one: no
 * continuation byte first, no overlong form, no surrogate, nothing above U+10FFFF. */
static size_t utf8_sequence(const unsigned char *text, size_t size)
{
    unsigned char u = text[0];
    size_t count = u < 0x80 ? 1 : u < 0xc2 ? 0 : u < 0xe0 ? 2 : u < 0xf0 ? 3 : u < 0xf5 ? 4 : 0;
    if (count <= 1 || count > size) {
        return count > size ? 0 : count;
    }
    uint32_t value = u & (count == 2 ? 0x1fu : count == 3 ? 0x0fu : 0x07u);
    for (size_t i = 1; i < count; i++) {
        if (text[i] < 0x80 || text[i] > 0xbf) {
            return 0;
        }
        value = (value << 6) | (text[i] & 0x3fu);
    }
    bool overlong = (count == 3 && value < 0x800) || (count == 4 && value < 0x10000);
    bool surrogate = value >= 0xd800 && value <= 0xdfff;
    return overlong || surrogate || value > 0x10ffff ? 0 : count;
}

static bool utf8_valid(const char *text, size_t size)
{
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = 0; i < size;) {
        size_t count = utf8_sequence(u + i, size - i);
        if (count == 0) {
            return false;
        }
        i += count;
    }
    return true;
}

/* Quotes, backslashes and control characters escaped (\b \f \n \r \t, else \u00XX). */
static void string_bytes(struct acsa_text *t, const char *text, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    ACSA_TEXT_LIT(t, "\"");
    size_t start = 0;
    for (size_t i = 0; i < size; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        acsa_text_raw(t, text + start, i - start);
        start = i + 1;
        char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xfu]};
        size_t length = 2;
        switch (c) {
        case '"':
        case '\\':
            escape[1] = (char)c;
            break;
        case '\b':
            escape[1] = 'b';
            break;
        case '\f':
            escape[1] = 'f';
            break;
        case '\n':
            escape[1] = 'n';
            break;
        case '\r':
            escape[1] = 'r';
            break;
        case '\t':
            escape[1] = 't';
            break;
        default:
            length = sizeof(escape);
            break;
        }
        acsa_text_raw(t, escape, length);
    }
    acsa_text_raw(t, text + start, size - start);
    ACSA_TEXT_LIT(t, "\"");
}

void acsa_text_string(struct acsa_text *t, const char *text)
{
    size_t size = strlen(text);
    if (!utf8_valid(text, size)) {
        t->failed = true;
        return;
    }
    string_bytes(t, text, size);
}

void acsa_text_text(struct acsa_text *t, const char *text)
{
    if (text[0] == '\0') {
        ACSA_TEXT_LIT(t, "null");
        return;
    }
    size_t size = strlen(text);
    if (utf8_valid(text, size)) {
        string_bytes(t, text, size);
        return;
    }
    /* As acsa_json_text: the ASCII characters kept, the others marked. */
    char clean[ACSA_TEXT_SIZE * 2];
    size_t i = 0;
    for (; text[i] != '\0' && i + 1 < sizeof(clean); i++) {
        clean[i] = (unsigned char)text[i] < 0x80u ? text[i] : '?';
    }
    string_bytes(t, clean, i);
}

void acsa_text_int(struct acsa_text *t, int64_t value)
{
    char number[24];
    int n = snprintf(number, sizeof(number), "%lld", (long long)value);
    acsa_text_raw(t, number, n > 0 ? (size_t)n : 0);
}

void acsa_text_bool(struct acsa_text *t, bool value)
{
    if (value) {
        ACSA_TEXT_LIT(t, "true");
    } else {
        ACSA_TEXT_LIT(t, "false");
    }
}

static void value_text(struct acsa_text *t, json_t *value, unsigned depth)
{
    if (value == NULL || depth > DEPTH_MAX) {
        t->failed = true;
        return;
    }
    switch (json_typeof(value)) {
    case JSON_OBJECT: {
        ACSA_TEXT_LIT(t, "{");
        bool first = true;
        for (void *it = json_object_iter(value); it != NULL;
             it = json_object_iter_next(value, it)) {
            acsa_text_raw(t, ",", first ? 0 : 1);
            first = false;
            string_bytes(t, json_object_iter_key(it), json_object_iter_key_len(it));
            ACSA_TEXT_LIT(t, ":");
            value_text(t, json_object_iter_value(it), depth + 1);
        }
        ACSA_TEXT_LIT(t, "}");
        break;
    }
    case JSON_ARRAY:
        ACSA_TEXT_LIT(t, "[");
        for (size_t i = 0; i < json_array_size(value); i++) {
            acsa_text_raw(t, ",", i > 0 ? 1 : 0);
            value_text(t, json_array_get(value, i), depth + 1);
        }
        ACSA_TEXT_LIT(t, "]");
        break;
    case JSON_STRING:
        /* A jansson string is UTF-8 already (or was made so on purpose). */
        string_bytes(t, json_string_value(value), json_string_length(value));
        break;
    case JSON_INTEGER:
        acsa_text_int(t, json_integer_value(value));
        break;
    case JSON_TRUE:
    case JSON_FALSE:
        acsa_text_bool(t, json_is_true(value));
        break;
    case JSON_NULL:
        ACSA_TEXT_LIT(t, "null");
        break;
    default: {
        /* Reals, which acsa never answers with: jansson's own text keeps them exact. */
        unsigned long failures = acsa_alloc_failures();
        char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
        /* jansson's dump may drop what it could not allocate for and still return a text. */
        t->failed = t->failed || text == NULL || acsa_alloc_failures() != failures;
        acsa_text_raw(t, text != NULL ? text : "", text != NULL ? strlen(text) : 0);
        acsa_free(text);
        break;
    }
    }
}

void acsa_text_json(struct acsa_text *t, json_t *value)
{
    value_text(t, value, 0);
}
