/* SPDX-License-Identifier: MIT */
/* Agreement files (src/format/agreement_json.h). Properties: a refusal names a JSON path; an
 * accepted agreement serialises to canonical JSON that parses back to the same agreement (the
 * same canonical text again). */
#include "fuzz.h"

#include "agreement.h"
#include "agreement_json.h"
#include "alloc.h"

static struct acsa_agreement agreement;
static struct acsa_agreement again;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct acsa_error err;
    if (acsa_agreement_from_json((const char *)data, size, &agreement, &err) != ACSA_OK) {
        FUZZ_CHECK(err.rc != ACSA_OK && err.message[0] != '\0', "a refusal without a reason");
        return 0;
    }
    char *text = NULL;
    if (acsa_agreement_to_json(&agreement, &text, &err) != ACSA_OK) {
        FUZZ_CHECK(err.rc == ACSA_ENOMEM, "an accepted agreement does not serialise: %s",
                   err.message);
        return 0;
    }
    FUZZ_CHECK(acsa_agreement_from_json(text, strlen(text), &again, &err) == ACSA_OK,
               "canonical JSON refused: %s\n%s", err.message, text);
    char *text2 = NULL;
    FUZZ_CHECK(acsa_agreement_to_json(&again, &text2, &err) == ACSA_OK, "second serialise");
    FUZZ_CHECK(strcmp(text, text2) == 0, "canonical JSON is not stable:\n%s\n---\n%s", text,
               text2);
    acsa_free(text);
    acsa_free(text2);
    return 0;
}
