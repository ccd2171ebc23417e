/* SPDX-License-Identifier: MIT */
/* Conversions between "YYYY-MM-DD" text, calendar fields and day numbers since 1970-01-01,
 * using Howard Hinnant's days_from_civil and civil_from_days algorithms. */
#include "date.h"

#include "acsa_assert.h"

#define YEAR_MIN 1900
#define YEAR_MAX 9999

/* Days in a 400-year era, and the day number of 0000-03-01 counted back from 1970-01-01:
 * the algorithms count from a March-based year so that the leap day ends the year. */
#define DAYS_PER_ERA 146097
#define EPOCH_SHIFT 719468

/* Longest piece of user text quoted in a message, so the rule after it always fits. */

static bool is_leap_year(int64_t year)
{
    return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

static int32_t days_in_month(int64_t year, int32_t month)
{
    static const int32_t days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year)) {
        return 29;
    }
    return days[month - 1];
}

/* Hinnant's days_from_civil, in 64 bits so that intermediate values never overflow. */
static int64_t days_from_civil(int64_t year, int64_t month, int64_t day)
{
    year -= month <= 2 ? 1 : 0;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    int64_t year_of_era = year - era * 400;
    int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT;
}

/* Hinnant's civil_from_days, in 64 bits for the same reason. */
static void civil_from_days(int64_t days, int64_t *year, int32_t *month, int32_t *day)
{
    days += EPOCH_SHIFT;
    int64_t era = (days >= 0 ? days : days - (DAYS_PER_ERA - 1)) / DAYS_PER_ERA;
    int64_t day_of_era = days - era * DAYS_PER_ERA;
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_index = (5 * day_of_year + 2) / 153; /* 0 is March. */
    *day = (int32_t)(day_of_year - (153 * month_index + 2) / 5 + 1);
    *month = (int32_t)(month_index < 10 ? month_index + 3 : month_index - 9);
    *year = year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

int32_t acsa_date_from_ymd(int32_t year, int32_t month, int32_t day)
{
    return (int32_t)days_from_civil(year, month, day);
}

void acsa_date_to_ymd(int32_t day, int32_t *year, int32_t *month, int32_t *day_of_month)
{
    int64_t y = 0;
    int32_t m = 0;
    int32_t d = 0;
    civil_from_days(day, &y, &m, &d);
    if (year != NULL) {
        /* Every int32 day number lies within about six million years of 1970. */
        *year = (int32_t)y;
    }
    if (month != NULL) {
        *month = m;
    }
    if (day_of_month != NULL) {
        *day_of_month = d;
    }
}

/* The value of count decimal digits at text; the caller has checked they are digits. */
static int32_t digits_value(const char *text, size_t count)
{
    int32_t value = 0;
    for (size_t i = 0; i < count; i++) {
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/* Exactly ten characters: four digits, '-', two digits, '-', two digits. */
static bool has_date_shape(const char *text)
{
    for (size_t i = 0; i < 10; i++) {
        bool dash = i == 4 || i == 7;
        if (text[i] == '\0') {
            return false;
        }
        if (dash ? text[i] != '-' : (text[i] < '0' || text[i] > '9')) {
            return false;
        }
    }
    return text[10] == '\0';
}

static enum acsa_rc refuse(struct acsa_error *err, const char *field, const char *text,
                           const char *rule)
{
    size_t len = 0;
    while (len <= ACSA_QUOTE_MAX && text[len] != '\0') {
        len++;
    }
    return acsa_error_set(err, ACSA_EUSAGE, field, "%s: \"%.*s%s\" %s", field,
                          (int)(len > ACSA_QUOTE_MAX ? ACSA_QUOTE_MAX : len), text,
                          len > ACSA_QUOTE_MAX ? "..." : "", rule);
}

enum acsa_rc acsa_date_parse(const char *text, const char *field, int32_t *out_day,
                             struct acsa_error *err)
{
    *out_day = ACSA_DATE_NONE;
    if (field == NULL) {
        field = "date";
    }
    if (text == NULL) {
        text = "";
    }
    if (!has_date_shape(text)) {
        return refuse(err, field, text, "is not a valid date (YYYY-MM-DD)");
    }
    int32_t year = digits_value(text, 4);
    int32_t month = digits_value(text + 5, 2);
    int32_t day = digits_value(text + 8, 2);
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
        return refuse(err, field, text, "is not a valid date (YYYY-MM-DD)");
    }
    if (year < YEAR_MIN || year > YEAR_MAX) {
        return refuse(err, field, text, "is outside 1900-01-01 to 9999-12-31");
    }
    *out_day = acsa_date_from_ymd(year, month, day);
    return ACSA_OK;
}

/* Writes value as exactly width decimal digits, most significant first. */
static void put_digits(char *out, int32_t value, size_t width)
{
    for (size_t i = width; i > 0; i--) {
        out[i - 1] = (char)('0' + value % 10);
        value /= 10;
    }
}

char *acsa_date_format(int32_t day, char buf[ACSA_DATE_TEXT_SIZE])
{
    if (day == ACSA_DATE_NONE) {
        buf[0] = '\0';
        return buf;
    }
    int32_t year = 0;
    int32_t month = 0;
    int32_t day_of_month = 0;
    acsa_date_to_ymd(day, &year, &month, &day_of_month);
    /* Four year digits is all the buffer holds; a day outside years 0-9999 is a bug in the
     * caller, which must keep dates within what the parser accepts plus its deadlines. */
    ACSA_ASSERT(year >= 0 && year <= YEAR_MAX);
    put_digits(buf, year, 4);
    buf[4] = '-';
    put_digits(buf + 5, month, 2);
    buf[7] = '-';
    put_digits(buf + 8, day_of_month, 2);
    buf[10] = '\0';
    return buf;
}

int32_t acsa_date_add_years(int32_t day, int32_t years)
{
    /* "No date" stays "no date": an open deadline does not move. */
    if (day == ACSA_DATE_NONE) {
        return ACSA_DATE_NONE;
    }
    int64_t year = 0;
    int32_t month = 0;
    int32_t day_of_month = 0;
    civil_from_days(day, &year, &month, &day_of_month);
    year += years;
    if (month == 2 && day_of_month == 29 && !is_leap_year(year)) {
        day_of_month = 28;
    }
    int64_t result = days_from_civil(year, month, day_of_month);
    ACSA_ASSERT(result > INT32_MIN && result <= INT32_MAX);
    return (int32_t)result;
}
