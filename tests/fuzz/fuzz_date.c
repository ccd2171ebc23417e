/* SPDX-License-Identifier: MIT */
/* Date parsing (src/core/date.h). Properties: a parsed date formats back to the very text
 * (the parser takes exactly YYYY-MM-DD); every day the parser can yield survives the calendar
 * arithmetic the order rules apply to it (deadlines some years on) without an assert. */
#include "fuzz.h"

#include "date.h"

#define YEARS_AHEAD_MAX 100 /* Far more than any deadline or agreement term. */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (text == NULL) {
        return 0;
    }
    struct acsa_error err;
    int32_t day = 0;
    if (acsa_date_parse(text, "date", &day, &err) == ACSA_OK) {
        char buf[ACSA_DATE_TEXT_SIZE];
        acsa_date_format(day, buf);
        FUZZ_CHECK(strcmp(buf, text) == 0, "\"%s\" -> %d -> \"%s\"", text, day, buf);
        int32_t year = 0;
        int32_t month = 0;
        int32_t mday = 0;
        acsa_date_to_ymd(day, &year, &month, &mday);
        FUZZ_CHECK(acsa_date_from_ymd(year, month, mday) == day, "ymd of %d", day);
        int32_t years = (int32_t)(size % YEARS_AHEAD_MAX);
        int32_t later = acsa_date_add_years(day, years);
        FUZZ_CHECK(later >= day, "%s plus %d years went back", text, years);
    } else {
        FUZZ_CHECK(day == ACSA_DATE_NONE, "a refused date left %d", day);
    }
    free(text);
    return 0;
}
