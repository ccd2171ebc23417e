/* SPDX-License-Identifier: MIT */
/* JSON written straight as compact text into one growing buffer: the bytes jansson's
 * json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) gives, for the server's answers, without
 * building a tree of values or making a copy at the end. */
#ifndef ACSA_JSON_TEXT_H
#define ACSA_JSON_TEXT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* U+FFFD REPLACEMENT CHARACTER in UTF-8: what a byte that is not UTF-8 is rendered as. */
#define ACSA_UTF8_REPLACEMENT "\xef\xbf\xbd"

/** Whether text[0..size) is well-formed UTF-8 (NUL included), by the decoder of text.h. */
bool acsa_utf8_valid(const char *text, size_t size);
/** Copies text[0..size) to out with each byte that is not part of well-formed UTF-8 replaced by
 * U+FFFD; out must have room for 3 * size bytes. Returns the bytes written (no NUL added). */
size_t acsa_utf8_repair(const char *text, size_t size, char *out);

/* A text being written. Once failed (out of memory) every further write is ignored and
 * acsa_text_take gives NULL. */
struct acsa_text {
    char *text;
    size_t size;
    size_t capacity;  /* Allocated, less room for the NUL. */
    bool failed;
};

/** Starts an empty text with room for capacity bytes. */
void acsa_text_init(struct acsa_text *t, size_t capacity);
/** The text, NUL-terminated, for acsa_free() (its length into *out_size); NULL if it failed. */
char *acsa_text_take(struct acsa_text *t, size_t *out_size);
/** Bytes as they are (punctuation, keys written as literals). */
void acsa_text_raw(struct acsa_text *t, const char *bytes, size_t size);
#define ACSA_TEXT_LIT(t, literal) acsa_text_raw((t), (literal), sizeof(literal) - 1)
/** A JSON string, escaped as jansson escapes; bytes that are not UTF-8 become U+FFFD (as
 * acsa_json_string), so stored text never makes an answer fail. */
void acsa_text_string(struct acsa_text *t, const char *text);
/** As acsa_json_text: null for "", bytes that are not UTF-8 written as U+FFFD. */
void acsa_text_text(struct acsa_text *t, const char *text);
void acsa_text_int(struct acsa_text *t, int64_t value);
void acsa_text_bool(struct acsa_text *t, bool value);
/** Any jansson value, compact, its object members in insertion order. */
void acsa_text_json(struct acsa_text *t, json_t *value);

#endif
