/* SPDX-License-Identifier: MIT */
/* UTF-8 and control-character checks for text from outside (text.h). The decoder follows the
 * well-formed byte sequences of Unicode 15, table 3-7, so overlong forms and surrogates are
 * refused where they start. */
#include "text.h"

#include <stdint.h>
#include <string.h>

#include "acsa_assert.h"

/* The length of the well-formed sequence at bytes[0..size) and its code point, or 0. */
static size_t utf8_sequence(const unsigned char *bytes, size_t size, uint32_t *out_code)
{
    unsigned char b0 = bytes[0];
    if (b0 < 0x80) {
        *out_code = b0;
        return 1;
    }
    size_t length = b0 >= 0xc2 && b0 <= 0xdf ? 2 : b0 >= 0xe0 && b0 <= 0xef ? 3
                  : b0 >= 0xf0 && b0 <= 0xf4 ? 4 : 0;
    if (length == 0 || length > size) {
        return 0;
    }
    /* The second byte's range depends on the first (table 3-7). */
    unsigned char low = 0x80;
    unsigned char high = 0xbf;
    low = b0 == 0xe0 ? 0xa0 : b0 == 0xf0 ? 0x90 : low;
    high = b0 == 0xed ? 0x9f : b0 == 0xf4 ? 0x8f : high;
    if (bytes[1] < low || bytes[1] > high) {
        return 0;
    }
    uint32_t code = b0 & (0x7fu >> length);
    for (size_t i = 1; i < length; i++) {
        if ((bytes[i] & 0xc0) != 0x80) {
            return 0;
        }
        code = (code << 6) | (bytes[i] & 0x3fu);
    }
    ACSA_ASSERT(code >= 0x80 && code <= 0x10ffff);
    *out_code = code;
    return length;
}

size_t acsa_utf8_next(const char *bytes, size_t size, uint32_t *out_code)
{
    ACSA_ASSERT(bytes != NULL && size > 0);
    *out_code = 0;
    return utf8_sequence((const unsigned char *)bytes, size, out_code);
}

bool acsa_text_control(uint32_t code, unsigned flags)
{
    if (code == '\n') {
        return (flags & ACSA_TEXT_NEWLINES) == 0;
    }
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
}

/* The offset of the first offending byte (size when none); *out_code is the control
 * character found there, or UINT32_MAX for a malformed sequence. */
static size_t first_offence(const unsigned char *bytes, size_t size, unsigned flags,
                            uint32_t *out_code)
{
    size_t at = 0;
    while (at < size) {
        uint32_t code = 0;
        size_t length = utf8_sequence(bytes + at, size - at, &code);
        if (length == 0) {
            *out_code = UINT32_MAX;
            return at;
        }
        if (code == 0 || acsa_text_control(code, flags)) {
            *out_code = code;
            return at;
        }
        at += length;
    }
    ACSA_ASSERT(at == size);
    return size;
}

bool acsa_text_valid(const char *bytes, size_t size, unsigned flags, size_t *out_offset)
{
    ACSA_ASSERT(bytes != NULL || size == 0);
    uint32_t code = 0;
    size_t offset = size == 0 ? 0 : first_offence((const unsigned char *)bytes, size, flags,
                                                  &code);
    if (out_offset != NULL) {
        *out_offset = offset;
    }
    return offset == size;
}

enum acsa_rc acsa_text_check(const char *text, unsigned flags, const char *field,
                             struct acsa_error *err)
{
    ACSA_ASSERT(text != NULL);
    ACSA_ASSERT(field != NULL);
    size_t size = strlen(text);
    uint32_t code = 0;
    size_t offset = first_offence((const unsigned char *)text, size, flags, &code);
    if (offset == size) {
        return ACSA_OK;
    }
    if (code == UINT32_MAX) {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: not valid UTF-8 at byte %zu",
                              field, offset + 1);
    }
    return acsa_error_set(err, ACSA_EUSAGE, field,
                          "%s: control character U+%04X at byte %zu is not allowed", field,
                          (unsigned)code, offset + 1);
}
