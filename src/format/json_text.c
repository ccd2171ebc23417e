/* SPDX-License-Identifier: MIT */
/* Compact JSON text (json_text.h), byte for byte what jansson writes: strings are escaped as
 * jansson escapes them, and bytes that are not UTF-8 are replaced as acsa_json_string replaces
 * them, so that writing never fails on stored text. */
#include "json_text.h"
#include "alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "text.h"
#include "format_limits.h"


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

/* The length of the run of well-formed UTF-8 at text[0..size) (by the rule of text.h). */
static size_t utf8_run(const char *text, size_t size)
{
    size_t at = 0;
    while (at < size) {
        uint32_t code = 0;
        size_t length = acsa_utf8_next(text + at, size - at, &code);
        if (length == 0) {
            break;
        }
        at += length;
    }
    return at;
}

bool acsa_utf8_valid(const char *text, size_t size)
{
    return utf8_run(text, size) == size;
}

size_t acsa_utf8_repair(const char *text, size_t size, char *out)
{
    size_t used = 0;
    size_t at = 0;
    while (at < size) {
        size_t run = utf8_run(text + at, size - at);
        memcpy(out + used, text + at, run);
        used += run;
        at += run;
        if (at < size) {
            memcpy(out + used, ACSA_UTF8_REPLACEMENT, sizeof(ACSA_UTF8_REPLACEMENT) - 1);
            used += sizeof(ACSA_UTF8_REPLACEMENT) - 1;
            at++;
        }
    }
    return used;
}

/* Well-formed UTF-8 with quotes, backslashes and control characters escaped (\b \f \n \r \t,
 * else \u00XX), as jansson escapes them; no quotes around. */
static void string_run(struct acsa_text *t, const char *text, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
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
}

/* A JSON string of any bytes: each byte that is not part of well-formed UTF-8 becomes U+FFFD,
 * as acsa_utf8_repair makes it, so that text stored before the text rule (text.h) or written
 * by another program still renders. */
static void string_bytes(struct acsa_text *t, const char *text, size_t size)
{
    ACSA_TEXT_LIT(t, "\"");
    size_t at = 0;
    while (at < size) {
        size_t run = utf8_run(text + at, size - at);
        string_run(t, text + at, run);
        at += run;
        if (at < size) {
            ACSA_TEXT_LIT(t, ACSA_UTF8_REPLACEMENT);
            at++;
        }
    }
    ACSA_TEXT_LIT(t, "\"");
}

void acsa_text_string(struct acsa_text *t, const char *text)
{
    string_bytes(t, text, strlen(text));
}

void acsa_text_text(struct acsa_text *t, const char *text)
{
    if (text[0] == '\0') {
        ACSA_TEXT_LIT(t, "null");
        return;
    }
    string_bytes(t, text, strlen(text));
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
    if (value == NULL || depth > ACSA_JSON_DEPTH_MAX) {
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
        /* UTF-8 already, unless made with json_string_nocheck: repaired then too. */
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
