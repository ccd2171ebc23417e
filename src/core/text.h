/* SPDX-License-Identifier: MIT */
/* The one rule for text that comes from outside (CLI arguments, JSON bodies, agreement files,
 * partner records, bundles): well-formed UTF-8 with no control characters, newline allowed
 * only where a field says so. Pure: no I/O, no allocation. */
#ifndef ACSA_TEXT_H
#define ACSA_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rc.h"

enum acsa_text_flags {
    ACSA_TEXT_LINE = 0,          /* One line: no control character at all. */
    ACSA_TEXT_NEWLINES = 1u,     /* Newline (U+000A) allowed, no other control character. */
};

/** Whether bytes[0..size) is well-formed UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF, no NUL) without C0 controls, DEL or C1 controls (newline allowed with
 * ACSA_TEXT_NEWLINES). *out_offset (may be NULL) is set to the offset of the first offending
 * byte, or to size when the text is valid. Thread-safe. */
bool acsa_text_valid(const char *bytes, size_t size, unsigned flags, size_t *out_offset);

/** The length of the well-formed UTF-8 sequence that starts bytes[0..size) (size > 0), its code
 * point into *out_code; 0 when the bytes there are not one (a stray continuation byte, an
 * overlong form, a surrogate, a sequence cut short, above U+10FFFF). Thread-safe. */
size_t acsa_utf8_next(const char *bytes, size_t size, uint32_t *out_code);

/** Whether code is a control character by the rule: C0, DEL or C1 (newline only when flags
 * lack ACSA_TEXT_NEWLINES). */
bool acsa_text_control(uint32_t code, unsigned flags);

/** acsa_text_valid on a NUL-terminated string, as a refusal: ACSA_EUSAGE with err naming field
 * ("field: not valid UTF-8 at byte 4", "field: control character U+001B at byte 4"), or
 * ACSA_OK. Thread-safe. */
ACSA_NODISCARD enum acsa_rc acsa_text_check(const char *text, unsigned flags, const char *field,
                                            struct acsa_error *err);

#endif
