/* SPDX-License-Identifier: MIT */
/* Quoting text that may break the rule of text.h (a partner's refused record, a text stored
 * before the rule held) so that it can be shown, stored and rendered as JSON safely: every
 * byte that the rule refuses is written as \xNN. Pure: no I/O, no allocation. */
#ifndef ACSA_TEXT_QUOTE_H
#define ACSA_TEXT_QUOTE_H

#include <stddef.h>

/* The smallest output buffer acsa_text_quote accepts: one escape and "..." fit. */
#define ACSA_TEXT_QUOTE_MIN 8

/** Copies bytes[0..size) into out (out_size >= ACSA_TEXT_QUOTE_MIN bytes, NUL-terminated) so
 * that the copy passes acsa_text_valid with ACSA_TEXT_LINE: each well-formed character that is
 * not a control character is kept, every other byte (malformed or cut UTF-8, a control
 * character's bytes, NUL) becomes the four characters \xNN. A backslash is kept as it is, so a
 * text that already passes and fits is copied unchanged (quoting twice changes nothing). A
 * copy that does not fit is cut at a character or escape boundary and ends in "...".
 * Returns out. Thread-safe. */
char *acsa_text_quote(const char *bytes, size_t size, char *out, size_t out_size);

#endif
