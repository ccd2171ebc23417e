/* SPDX-License-Identifier: MIT */
/* The record decoder (src/core/record.h): any bytes a partner could sign. Properties: a record
 * the decoder takes encodes again, and its encoding is the very input (one record, one
 * encoding: both nodes hash and sign the same bytes); a refusal names a field.
 *
 * ACSA_FUZZ_SKIP_KNOWN=1: a create record without lines, whose currency the decoder drops (a
 * finding reported, refused once the decoder checks the line count), is not checked. */
#include "fuzz.h"

#include "record.h"

static struct acsa_record record;
static struct acsa_record again;
static uint8_t encoded[ACSA_RECORD_MAX];
static int skip_known = -1;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acsa_error err;
    if (acsa_record_decode(data, size, &record, &err) != ACSA_OK) {
        FUZZ_CHECK(err.field[0] != '\0', "a refusal without a field: %s", err.message);
        return 0;
    }
    if (skip_known < 0) {
        skip_known = getenv("ACSA_FUZZ_SKIP_KNOWN") != NULL;
    }
    if (skip_known && record.kind == ACSA_RECORD_STEP &&
        record.command.step == ACSA_STEP_CREATE && record.draft.line_count == 0) {
        return 0;
    }
    size_t len = 0;
    FUZZ_CHECK(acsa_record_encode(&record, encoded, sizeof(encoded), &len, &err) == ACSA_OK,
               "a decoded record does not encode: %s", err.message);
    FUZZ_CHECK(len == size && memcmp(encoded, data, size) == 0,
               "the record encodes to other bytes (%zu of %zu)", len, size);
    FUZZ_CHECK(acsa_record_decode(encoded, len, &again, &err) == ACSA_OK, "re-decode: %s",
               err.message);
    return 0;
}
