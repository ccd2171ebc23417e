/* SPDX-License-Identifier: MIT */
/* Agreement files: reads the JSON form of an agreement into struct acsa_agreement, refusing
 * anything missing, unknown or out of range with the JSON path at fault, and writes the
 * canonical form back. The rules of the core are then applied by acsa_agreement_validate. */
#include "agreement_json.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "money.h"
#include "text.h"
#include "alloc.h"
#include "format_limits.h"

#define DEFAULT_INVOICE_WITHIN_DAYS 30
/* Date rules (ARCHITECTURE.md "Dates"): an order may be raised while an activity is planned
 * and shortly after it ends; a step entered more than a month late must say why. */
#define DEFAULT_PLANNING_DAYS_BEFORE 90
#define DEFAULT_DAYS_AFTER 30
#define DEFAULT_BACKDATE_DAYS 30

static const int32_t default_ageing_bounds[ACSA_AGEING_BOUNDS] = {30, 90, 365};

static const char *const top_members[] = {
    "id", "title", "parties", "signed", "effective_from", "term_years", "renewal_years",
    "terminated", "activity_types", "categories", "excluded", "settlement", "currencies",
    "conversion", "invoice_within_days", "ageing_buckets", "pricing_basis", "services",
    "planning_days_before", "days_after", "backdate_days",
    "transit_days", "close_requires_documents",
};

static const char *const method_members[] = {"due_days"};

static enum acsa_rc refuse(struct acsa_error *err, const char *path, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static enum acsa_rc refuse(struct acsa_error *err, const char *path, const char *format, ...)
{
    char reason[ACSA_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(reason, sizeof(reason), format, args);
    va_end(args);
    (void)acsa_error_set(err, ACSA_EREFUSED, path, "%s: %s", path, reason);
    return ACSA_EREFUSED;
}

/* Copies text for a message: control characters, quotes and backslashes become '?' so a file
 * cannot garble a terminal or fake message structure, and long text is cut (never inside a
 * UTF-8 sequence) and marked with "...". */
static void show_text(const char *text, char buf[ACSA_JSON_SHOW_SIZE])
{
    size_t limit = ACSA_JSON_SHOW_SIZE - 4;
    size_t len = strlen(text);
    size_t n = len <= limit ? len : limit;
    if (n < len) {
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80) {
            n--;
        }
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        bool unsafe = c < 0x20 || c == 0x7F || c == '"' || c == '\\';
        /* A C1 control (U+0080 to U+009F) is 0xC2 then 0x80 to 0x9F: both bytes masked. */
        bool c1 = (c == 0xC2 && i + 1 < n && (unsigned char)text[i + 1] <= 0x9F &&
                   (unsigned char)text[i + 1] >= 0x80) ||
                  (i > 0 && (unsigned char)text[i - 1] == 0xC2 && c >= 0x80 && c <= 0x9F);
        buf[i] = unsafe || c1 ? '?' : (char)c;
    }
    if (n < len) {
        memcpy(buf + n, "...", 3);
        n += 3;
    }
    buf[n] = '\0';
}

/* Paths cannot outgrow the field with the members and limits of this format; should one
 * ever do, it is cut visibly rather than silently. */
static void mark_cut(char out[ACSA_JSON_PATH_SIZE], int written)
{
    if (written < 0 || written >= ACSA_JSON_PATH_SIZE) {
        memcpy(out + ACSA_JSON_PATH_SIZE - 4, "...", 4);
    }
}

static void path_key(char out[ACSA_JSON_PATH_SIZE], const char *base, const char *key)
{
    char shown[ACSA_JSON_SHOW_SIZE];
    show_text(key, shown);
    mark_cut(out, snprintf(out, ACSA_JSON_PATH_SIZE, "%s.%s", base, shown));
}

static void path_index(char out[ACSA_JSON_PATH_SIZE], const char *base, size_t index)
{
    mark_cut(out, snprintf(out, ACSA_JSON_PATH_SIZE, "%s[%zu]", base, index));
}

/* Fetches object.key into *out_value (NULL when absent) and its path into path. */
static enum acsa_rc member(json_t *object, const char *base, const char *key, bool required,
                           json_t **out_value, char path[ACSA_JSON_PATH_SIZE],
                           struct acsa_error *err)
{
    path_key(path, base, key);
    *out_value = json_object_get(object, key);
    if (*out_value == NULL && required) {
        return refuse(err, path, "required member is missing");
    }
    return ACSA_OK;
}

/* A misspelt optional key would otherwise silently fall back to its default. */
static enum acsa_rc check_members(json_t *object, const char *path, const char *const *known,
                                  size_t known_count, struct acsa_error *err)
{
    const char *key;
    json_t *value = NULL;
    json_object_foreach(object, key, value) {
        (void)value;
        bool found = false;
        for (size_t i = 0; i < known_count && !found; i++) {
            found = strcmp(key, known[i]) == 0;
        }
        if (!found) {
            char member_path[ACSA_JSON_PATH_SIZE];
            path_key(member_path, path, key);
            return refuse(err, member_path, "unknown member");
        }
    }
    return ACSA_OK;
}

/* The text rule (core/text.h) on every string of the file, before any message quotes it: no
 * field of an agreement is multi-line. jansson has refused bytes that are not UTF-8 already;
 * the rule adds the control characters (ESC, BEL, CR, newline, C1), which JSON escapes carry. */
static enum acsa_rc text_rule(const char *text, const char *path, struct acsa_error *err)
{
    struct acsa_error found;
    acsa_error_clear(&found);
    if (acsa_text_check(text, ACSA_TEXT_LINE, path, &found) != ACSA_OK) {
        (void)acsa_error_set(err, ACSA_EREFUSED, path, "%s", found.message);
        return ACSA_EREFUSED;
    }
    return ACSA_OK;
}

static enum acsa_rc get_string(json_t *value, const char *path, const char **out,
                               struct acsa_error *err)
{
    *out = "";
    if (!json_is_string(value)) {
        return refuse(err, path, "must be a string");
    }
    *out = json_string_value(value);
    if (*out == NULL || strlen(*out) != json_string_length(value)) {
        return refuse(err, path, "must not contain NUL characters");
    }
    return text_rule(*out, path, err);
}

static enum acsa_rc get_int(json_t *value, const char *path, int32_t min, int32_t max,
                            int32_t *out, struct acsa_error *err)
{
    if (!json_is_integer(value) || json_integer_value(value) < min ||
        json_integer_value(value) > max) {
        return refuse(err, path, "must be an integer from %d to %d", (int)min, (int)max);
    }
    *out = (int32_t)json_integer_value(value);
    return ACSA_OK;
}

static enum acsa_rc get_date(json_t *value, const char *path, int32_t *out_day,
                             struct acsa_error *err)
{
    if (!json_is_string(value)) {
        return refuse(err, path, "must be a date string \"YYYY-MM-DD\"");
    }
    enum acsa_rc rc = text_rule(json_string_value(value), path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa_error scratch;
    if (acsa_date_parse(json_string_value(value), path, out_day, &scratch) != ACSA_OK) {
        char shown[ACSA_JSON_SHOW_SIZE];
        show_text(json_string_value(value), shown);
        return refuse(err, path, "\"%s\" is not a valid date (YYYY-MM-DD, 1900 to 9999)",
                      shown);
    }
    return ACSA_OK;
}

/* Free text (title, pricing basis): bounded by the field size, single line (get_string has
 * held it to the text rule). */
static enum acsa_rc copy_text(json_t *value, const char *path, size_t min, char *dst,
                              size_t dst_size, struct acsa_error *err)
{
    const char *text = NULL;
    enum acsa_rc rc = get_string(value, path, &text, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    size_t len = strlen(text);
    if (len < min || len >= dst_size) {
        return refuse(err, path, "must be %zu to %zu bytes long (found %zu)", min,
                      dst_size - 1, len);
    }
    memcpy(dst, text, len);
    dst[len] = '\0';
    return ACSA_OK;
}

static bool id_valid(const char *text)
{
    size_t len = strlen(text);
    if (len == 0 || len >= ACSA_ID_SIZE) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                  c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

/* Codes are compared byte for byte by orders, so one spelling only: lower case. */
static bool code_valid(const char *text)
{
    size_t len = strlen(text);
    if (len == 0 || len >= ACSA_CODE_SIZE) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

static enum acsa_rc parse_id(json_t *root, struct acsa_agreement *out, struct acsa_error *err)
{
    json_t *value = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    const char *text = NULL;
    enum acsa_rc rc = member(root, "$", "id", true, &value, path, err);
    if (rc == ACSA_OK) {
        rc = get_string(value, path, &text, err);
    }
    if (rc != ACSA_OK) {
        return rc;
    }
    if (!id_valid(text)) {
        char shown[ACSA_JSON_SHOW_SIZE];
        show_text(text, shown);
        return refuse(err, path, "\"%s\" must be 1 to %d characters: letters, digits and '-'",
                      shown, ACSA_ID_SIZE - 1);
    }
    memcpy(out->id, text, strlen(text) + 1);
    return ACSA_OK;
}

static enum acsa_rc parse_parties(json_t *root, struct acsa_agreement *out,
                                  struct acsa_error *err)
{
    json_t *array = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", "parties", true, &array, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (!json_is_array(array) || json_array_size(array) != 2) {
        return refuse(err, path, "must be an array of exactly two ISO 3166 alpha-2 codes");
    }
    for (size_t p = 0; p < 2; p++) {
        char item_path[ACSA_JSON_PATH_SIZE];
        const char *code = NULL;
        path_index(item_path, path, p);
        rc = get_string(json_array_get(array, p), item_path, &code, err);
        if (rc != ACSA_OK) {
            return rc;
        }
        if (!acsa_nation_valid(code)) {
            char shown[ACSA_JSON_SHOW_SIZE];
            show_text(code, shown);
            return refuse(err, item_path,
                          "\"%s\" is not an ISO 3166 alpha-2 code (two upper-case letters)",
                          shown);
        }
        if (p == 1 && strcmp(code, out->parties[0]) == 0) {
            return refuse(err, item_path,
                          "\"%s\" is already %s[0]; the two parties must be different nations",
                          code, path);
        }
        memcpy(out->parties[p], code, ACSA_NATION_SIZE);
    }
    return ACSA_OK;
}

/* An optional integer member takes fallback when absent; null is not accepted as absent. */
static enum acsa_rc parse_int_member(json_t *root, const char *key, bool required,
                                     int32_t fallback, int32_t min, int32_t max, int32_t *out,
                                     struct acsa_error *err)
{
    json_t *value = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", key, required, &value, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (value == NULL) {
        *out = fallback;
        return ACSA_OK;
    }
    return get_int(value, path, min, max, out, err);
}

static enum acsa_rc parse_date_member(json_t *root, const char *key, int32_t *out_day,
                                      struct acsa_error *err)
{
    json_t *value = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", key, true, &value, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    return get_date(value, path, out_day, err);
}

static enum acsa_rc parse_terminated(json_t *root, struct acsa_agreement *out,
                                     struct acsa_error *err)
{
    json_t *value = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", "terminated", false, &value, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    out->terminated_day = ACSA_DATE_NONE;
    out->notice_day = ACSA_DATE_NONE;
    if (value == NULL || json_is_null(value)) {
        return ACSA_OK;
    }
    if (!json_is_string(value)) {
        return refuse(err, path, "must be null or a date string \"YYYY-MM-DD\"");
    }
    return get_date(value, path, &out->terminated_day, err);
}

/* Identity and period: id, title, parties, dates and terms. */
static enum acsa_rc parse_header(json_t *root, struct acsa_agreement *out,
                                 struct acsa_error *err)
{
    json_t *title = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = parse_id(root, out, err);
    if (rc == ACSA_OK) {
        rc = member(root, "$", "title", true, &title, path, err);
    }
    if (rc == ACSA_OK) {
        rc = copy_text(title, path, 1, out->title, sizeof(out->title), err);
    }
    if (rc == ACSA_OK) {
        rc = parse_parties(root, out, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_date_member(root, "signed", &out->signed_day, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_date_member(root, "effective_from", &out->effective_from_day, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_int_member(root, "term_years", true, 0, 1, ACSA_AGREEMENT_YEARS_MAX,
                              &out->term_years, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_int_member(root, "renewal_years", false, 0, 0, ACSA_AGREEMENT_YEARS_MAX,
                              &out->renewal_years, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_terminated(root, out, err);
    }
    return rc;
}

/* One code list (activity types, categories, exclusions): strings in code form, no
 * duplicates, at most max entries, and at least one when need_one. */
static enum acsa_rc parse_code_list_at(json_t *root, const char *base, const char *key,
                                       char (*codes)[ACSA_CODE_SIZE], size_t max, bool need_one,
                                       uint32_t *count, struct acsa_error *err)
{
    json_t *array = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, base, key, true, &array, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (!json_is_array(array)) {
        return refuse(err, path, "must be an array of codes");
    }
    size_t n = json_array_size(array);
    if (n > max) {
        return refuse(err, path, "at most %zu entries are allowed (found %zu)", max, n);
    }
    if (n == 0 && need_one) {
        return refuse(err, path, "at least one entry is required");
    }
    for (size_t i = 0; i < n; i++) {
        char item_path[ACSA_JSON_PATH_SIZE];
        const char *code = NULL;
        path_index(item_path, path, i);
        rc = get_string(json_array_get(array, i), item_path, &code, err);
        if (rc != ACSA_OK) {
            return rc;
        }
        if (!code_valid(code)) {
            char shown[ACSA_JSON_SHOW_SIZE];
            show_text(code, shown);
            return refuse(err, item_path,
                          "\"%s\" is not a valid code (1 to %d characters: a-z, 0-9, '-')",
                          shown, ACSA_CODE_SIZE - 1);
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(codes[j], code) == 0) {
                return refuse(err, item_path, "\"%s\" is listed twice (first at %s[%zu])",
                              code, path, j);
            }
        }
        memcpy(codes[i], code, strlen(code) + 1);
    }
    *count = (uint32_t)n;
    return ACSA_OK;
}

static enum acsa_rc parse_code_list(json_t *root, const char *key, char (*codes)[ACSA_CODE_SIZE],
                                    size_t max, bool need_one, uint32_t *count,
                                    struct acsa_error *err)
{
    return parse_code_list_at(root, "$", key, codes, max, need_one, count, err);
}

/* "services": {"IN": ["army", ...], "JP": [...]}: optional; a party left out takes any
 * service. Members other than the two parties are refused. */
static enum acsa_rc parse_services(json_t *root, struct acsa_agreement *out,
                                   struct acsa_error *err)
{
    json_t *object = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", "services", false, &object, path, err);
    if (rc != ACSA_OK || object == NULL) {
        return rc;
    }
    if (!json_is_object(object)) {
        return refuse(err, path, "must be an object of party code to list of services");
    }
    const char *names[2] = {out->parties[0], out->parties[1]};
    rc = check_members(object, path, names, 2, err);
    for (unsigned p = 0; p < 2 && rc == ACSA_OK; p++) {
        if (json_object_get(object, names[p]) != NULL) {
            rc = parse_code_list_at(object, path, names[p], out->services[p],
                                    ACSA_AGREEMENT_SERVICES_MAX, true, &out->service_count[p],
                                    err);
        }
    }
    return rc;
}

static enum acsa_rc check_exclusions(const struct acsa_agreement *out, struct acsa_error *err)
{
    for (uint32_t i = 0; i < out->excluded_count; i++) {
        if (acsa_agreement_has_category(out, out->excluded[i])) {
            char path[ACSA_JSON_PATH_SIZE];
            path_index(path, "$.excluded", i);
            return refuse(err, path,
                          "\"%s\" is also listed in $.categories; a category cannot be both "
                          "permitted and excluded",
                          out->excluded[i]);
        }
    }
    return ACSA_OK;
}

/* What an order may cite: activity types, categories and exclusions. */
static enum acsa_rc parse_scope(json_t *root, struct acsa_agreement *out,
                                struct acsa_error *err)
{
    enum acsa_rc rc = parse_code_list(root, "activity_types", out->activity_types,
                                      ACSA_AGREEMENT_ACTIVITY_TYPES_MAX, true,
                                      &out->activity_type_count, err);
    if (rc == ACSA_OK) {
        rc = parse_code_list(root, "categories", out->categories, ACSA_AGREEMENT_CATEGORIES_MAX,
                             true, &out->category_count, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_code_list(root, "excluded", out->excluded, ACSA_AGREEMENT_EXCLUDED_MAX, false,
                             &out->excluded_count, err);
    }
    if (rc == ACSA_OK) {
        rc = check_exclusions(out, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_services(root, out, err);
    }
    return rc;
}

static enum acsa_rc parse_method(json_t *settlement, const char *base, enum acsa_method method,
                                 struct acsa_agreement *out, struct acsa_error *err)
{
    json_t *object = NULL;
    json_t *due = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    char due_path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(settlement, base, acsa_method_name(method), false, &object, path,
                             err);
    if (rc != ACSA_OK || object == NULL) {
        return rc;
    }
    if (!json_is_object(object)) {
        return refuse(err, path, "must be an object such as {\"due_days\": 30}");
    }
    rc = check_members(object, path, method_members,
                       sizeof(method_members) / sizeof(method_members[0]), err);
    if (rc == ACSA_OK) {
        rc = member(object, path, "due_days", true, &due, due_path, err);
    }
    if (rc == ACSA_OK) {
        rc = get_int(due, due_path, 1, ACSA_AGREEMENT_DAYS_MAX, &out->due_days[method], err);
    }
    if (rc == ACSA_OK) {
        out->method_allowed[method] = true;
    }
    return rc;
}

/* The members present are the methods allowed; a method absent keeps due_days 0 so the struct
 * of a file has one form only. */
static enum acsa_rc parse_settlement(json_t *root, struct acsa_agreement *out,
                                     struct acsa_error *err)
{
    json_t *settlement = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    const char *names[ACSA_METHOD_COUNT];
    enum acsa_rc rc = member(root, "$", "settlement", true, &settlement, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (!json_is_object(settlement)) {
        return refuse(err, path, "must be an object with one or more of cash, rik, eve");
    }
    for (int m = 0; m < ACSA_METHOD_COUNT; m++) {
        names[m] = acsa_method_name((enum acsa_method)m);
    }
    rc = check_members(settlement, path, names, ACSA_METHOD_COUNT, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (json_object_size(settlement) == 0) {
        return refuse(err, path, "at least one of cash, rik, eve is required");
    }
    for (int m = 0; m < ACSA_METHOD_COUNT && rc == ACSA_OK; m++) {
        rc = parse_method(settlement, path, (enum acsa_method)m, out, err);
    }
    return rc;
}

static enum acsa_rc parse_currency(json_t *value, const char *path, uint32_t index,
                                   struct acsa_agreement *out, struct acsa_error *err)
{
    const char *code = NULL;
    enum acsa_rc rc = get_string(value, path, &code, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    const struct acsa_currency *known = acsa_currency_find(code);
    if (known == NULL) {
        char shown[ACSA_JSON_SHOW_SIZE];
        show_text(code, shown);
        return refuse(err, path, "\"%s\" is not a known ISO 4217 currency", shown);
    }
    for (uint32_t j = 0; j < index; j++) {
        if (strcmp(out->currencies[j].code, known->code) == 0) {
            return refuse(err, path, "\"%s\" is listed twice (first at $.currencies[%u])",
                          known->code, (unsigned)j);
        }
    }
    /* The exponent comes from the table, never from the file. */
    memcpy(&out->currencies[index], known, sizeof(*known));
    return ACSA_OK;
}

static enum acsa_rc parse_currencies(json_t *root, struct acsa_agreement *out,
                                     struct acsa_error *err)
{
    json_t *array = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", "currencies", true, &array, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (!json_is_array(array)) {
        return refuse(err, path, "must be an array of ISO 4217 codes");
    }
    size_t n = json_array_size(array);
    if (n == 0) {
        return refuse(err, path, "at least one currency is required");
    }
    if (n > ACSA_AGREEMENT_CURRENCIES_MAX) {
        return refuse(err, path, "at most %d entries are allowed (found %zu)",
                      ACSA_AGREEMENT_CURRENCIES_MAX, n);
    }
    for (size_t i = 0; i < n && rc == ACSA_OK; i++) {
        char item_path[ACSA_JSON_PATH_SIZE];
        path_index(item_path, path, i);
        rc = parse_currency(json_array_get(array, i), item_path, (uint32_t)i, out, err);
    }
    if (rc == ACSA_OK) {
        out->currency_count = (uint32_t)n;
    }
    return rc;
}

static enum acsa_rc parse_conversion(json_t *root, struct acsa_agreement *out,
                                     struct acsa_error *err)
{
    json_t *value = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", "conversion", false, &value, path, err);
    out->conversion = ACSA_CONVERSION_AUTOMATIC;
    if (rc != ACSA_OK || value == NULL) {
        return rc;
    }
    if (json_is_string(value) && acsa_conversion_parse(json_string_value(value),
                                                       &out->conversion)) {
        return ACSA_OK;
    }
    return refuse(err, path, "must be \"automatic\" or \"approval\"");
}

static enum acsa_rc parse_ageing(json_t *root, struct acsa_agreement *out,
                                 struct acsa_error *err)
{
    json_t *array = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", "ageing_buckets", false, &array, path, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (array == NULL) {
        memcpy(out->ageing_bounds, default_ageing_bounds, sizeof(out->ageing_bounds));
        return ACSA_OK;
    }
    if (!json_is_array(array) || json_array_size(array) != ACSA_AGEING_BOUNDS) {
        return refuse(err, path, "must be an array of %d ascending day counts, e.g. [30, 90, 365]",
                      ACSA_AGEING_BOUNDS);
    }
    for (size_t i = 0; i < ACSA_AGEING_BOUNDS; i++) {
        char item_path[ACSA_JSON_PATH_SIZE];
        path_index(item_path, path, i);
        rc = get_int(json_array_get(array, i), item_path, 1, ACSA_AGREEMENT_DAYS_MAX,
                     &out->ageing_bounds[i], err);
        if (rc != ACSA_OK) {
            return rc;
        }
        if (i > 0 && out->ageing_bounds[i] <= out->ageing_bounds[i - 1]) {
            return refuse(err, item_path, "must be greater than %s[%zu] (%d)", path, i - 1,
                          (int)out->ageing_bounds[i - 1]);
        }
    }
    return ACSA_OK;
}

static enum acsa_rc parse_pricing_basis(json_t *root, struct acsa_agreement *out,
                                        struct acsa_error *err)
{
    json_t *value = NULL;
    char path[ACSA_JSON_PATH_SIZE];
    enum acsa_rc rc = member(root, "$", "pricing_basis", false, &value, path, err);
    if (rc != ACSA_OK || value == NULL) {
        return rc;
    }
    return copy_text(value, path, 0, out->pricing_basis, sizeof(out->pricing_basis), err);
}

/* The date rules' settings, each with its default when the file omits it. */
static enum acsa_rc parse_date_rules(json_t *root, struct acsa_agreement *out,
                                     struct acsa_error *err)
{
    ACSA_TRY(parse_int_member(root, "planning_days_before", false, DEFAULT_PLANNING_DAYS_BEFORE,
                              0, ACSA_AGREEMENT_DAYS_MAX, &out->planning_days_before, err));
    ACSA_TRY(parse_int_member(root, "days_after", false, DEFAULT_DAYS_AFTER, 0,
                              ACSA_AGREEMENT_DAYS_MAX, &out->days_after, err));
    return parse_int_member(root, "backdate_days", false, DEFAULT_BACKDATE_DAYS, 0,
                            ACSA_AGREEMENT_DAYS_MAX, &out->backdate_days, err);
}

/* Money and deadlines: settlement, currencies, conversion, invoicing, ageing, pricing. */
static enum acsa_rc parse_money_terms(json_t *root, struct acsa_agreement *out,
                                      struct acsa_error *err)
{
    ACSA_TRY(parse_settlement(root, out, err));
    ACSA_TRY(parse_currencies(root, out, err));
    ACSA_TRY(parse_conversion(root, out, err));
    ACSA_TRY(parse_int_member(root, "invoice_within_days", false, DEFAULT_INVOICE_WITHIN_DAYS, 1,
                              ACSA_AGREEMENT_DAYS_MAX, &out->invoice_within_days, err));
    ACSA_TRY(parse_ageing(root, out, err));
    ACSA_TRY(parse_pricing_basis(root, out, err));
    ACSA_TRY(parse_date_rules(root, out, err));
    ACSA_TRY(parse_int_member(root, "transit_days", false, ACSA_AGREEMENT_TRANSIT_DAYS_DEFAULT,
                              1, ACSA_AGREEMENT_DAYS_MAX, &out->transit_days, err));
    json_t *docs = json_object_get(root, "close_requires_documents");
    if (docs != NULL && !json_is_boolean(docs)) {
        return refuse(err, "$.close_requires_documents", "must be true or false");
    }
    out->close_requires_documents = docs != NULL && json_is_true(docs);
    return ACSA_OK;
}

static bool is_path_like(const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
                  c == '[' || c == ']';
        if (!ok) {
            return false;
        }
    }
    return len > 0;
}

/* acsa_agreement_validate reports "settlement.cash.due_days: reason" with err->field naming
 * the struct member; a file's reader wants the "$." path form every other refusal here uses. */
static enum acsa_rc validate_parsed(const struct acsa_agreement *agreement,
                                    struct acsa_error *err)
{
    struct acsa_error inner;
    acsa_error_clear(&inner);
    if (acsa_agreement_validate(agreement, &inner) == ACSA_OK) {
        return ACSA_OK;
    }
    char path[ACSA_JSON_PATH_SIZE] = "$";
    const char *reason = inner.message;
    const char *colon = strstr(inner.message, ": ");
    size_t prefix_len = colon != NULL ? (size_t)(colon - inner.message) : 0;
    if (colon != NULL && prefix_len + 3 <= ACSA_JSON_PATH_SIZE &&
        is_path_like(inner.message, prefix_len)) {
        snprintf(path, sizeof(path), "$.%.*s", (int)prefix_len, inner.message);
        reason = colon + 2;
    } else if (inner.field[0] == '$') {
        snprintf(path, sizeof(path), "%s", inner.field);
    } else if (inner.field[0] != '\0') {
        snprintf(path, sizeof(path), "$.%.*s", ACSA_JSON_PATH_SIZE - 3, inner.field);
    }
    return refuse(err, path, "%s", reason);
}

static bool blank(const char *text, size_t size)
{
    for (size_t i = 0; i < size; i++) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') {
            return false;
        }
    }
    return true;
}

static enum acsa_rc parse_document(json_t *root, struct acsa_agreement *out,
                                   struct acsa_error *err)
{
    if (!json_is_object(root)) {
        return refuse(err, "$", "the document must be a JSON object");
    }
    enum acsa_rc rc = check_members(root, "$", top_members,
                                    sizeof(top_members) / sizeof(top_members[0]), err);
    if (rc == ACSA_OK) {
        rc = parse_header(root, out, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_scope(root, out, err);
    }
    if (rc == ACSA_OK) {
        rc = parse_money_terms(root, out, err);
    }
    if (rc == ACSA_OK) {
        rc = validate_parsed(out, err);
    }
    return rc;
}

enum acsa_rc acsa_agreement_from_json(const char *text, size_t size, struct acsa_agreement *out,
                                      struct acsa_error *err)
{
    ACSA_ASSERT(out != NULL);
    /* Zeroed first, padding included, so two parses of one file compare equal with memcmp. */
    memset(out, 0, sizeof(*out));
    acsa_error_clear(err);
    if (text == NULL || blank(text, size)) {
        return refuse(err, "$", "the document is empty");
    }
    json_error_t jerr;
    unsigned long failures = acsa_alloc_failures();
    json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &jerr);
    if (acsa_alloc_failures() != failures ||
        (root == NULL && (json_error_code(&jerr) == json_error_out_of_memory ||
                          jerr.text[0] == '\0'))) {
        /* jansson's lexer drops a character it cannot store and parses on (a title read as
         * "concrning"), reports other failed allocations as syntax errors, and none at all for
         * its first buffer. Allocating through acsa_malloc (json_set_alloc_funcs), it is
         * known to have run out of memory if a failure was counted: the document, whole or
         * not, is not used, and the file is not blamed. */
        json_decref(root);
        return acsa_error_set(err, ACSA_ENOMEM, "$", "$: out of memory reading the agreement");
    }
    if (root == NULL) {
        return refuse(err, "$", "malformed JSON at line %d column %d: %s", jerr.line,
                      jerr.column, jerr.text);
    }
    enum acsa_rc rc = parse_document(root, out, err);
    json_decref(root);
    if (rc != ACSA_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

/* Serialisation. Every builder returns NULL on failure; json_object_set_new and
 * json_array_append_new take ownership even then, so nothing leaks on the error path. */

static json_t *text_value(const char *text, size_t size)
{
    return json_stringn(text, strnlen(text, size));
}

static json_t *date_value(int32_t day)
{
    char buf[ACSA_DATE_TEXT_SIZE];
    if (day == ACSA_DATE_NONE) {
        return json_null();
    }
    return json_string(acsa_date_format(day, buf));
}

static bool put(json_t *object, const char *key, json_t *value)
{
    return json_object_set_new(object, key, value) == 0;
}

static json_t *code_array(const char (*codes)[ACSA_CODE_SIZE], uint32_t count, uint32_t max)
{
    ACSA_ASSERT(count <= max);
    json_t *array = json_array();
    for (uint32_t i = 0; i < count && array != NULL; i++) {
        if (json_array_append_new(array, text_value(codes[i], ACSA_CODE_SIZE)) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    return array;
}

static json_t *parties_array(const struct acsa_agreement *agreement)
{
    json_t *array = json_array();
    for (size_t p = 0; p < 2 && array != NULL; p++) {
        json_t *party = text_value(agreement->parties[p], ACSA_NATION_SIZE);
        if (json_array_append_new(array, party) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    return array;
}

static json_t *settlement_object(const struct acsa_agreement *agreement)
{
    json_t *settlement = json_object();
    for (int m = 0; m < ACSA_METHOD_COUNT && settlement != NULL; m++) {
        if (!agreement->method_allowed[m]) {
            continue;
        }
        json_t *method = json_object();
        if (method == NULL || !put(method, "due_days", json_integer(agreement->due_days[m]))) {
            json_decref(method);
            json_decref(settlement);
            return NULL;
        }
        if (!put(settlement, acsa_method_name((enum acsa_method)m), method)) {
            json_decref(settlement);
            return NULL;
        }
    }
    return settlement;
}

static json_t *currency_array(const struct acsa_agreement *agreement)
{
    ACSA_ASSERT(agreement->currency_count <= ACSA_AGREEMENT_CURRENCIES_MAX);
    json_t *array = json_array();
    for (uint32_t i = 0; i < agreement->currency_count && array != NULL; i++) {
        json_t *code = text_value(agreement->currencies[i].code, ACSA_CURRENCY_SIZE);
        if (json_array_append_new(array, code) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    return array;
}

static json_t *ageing_array(const struct acsa_agreement *agreement)
{
    json_t *array = json_array();
    for (size_t i = 0; i < ACSA_AGEING_BOUNDS && array != NULL; i++) {
        if (json_array_append_new(array, json_integer(agreement->ageing_bounds[i])) != 0) {
            json_decref(array);
            array = NULL;
        }
    }
    return array;
}

static bool put_header(json_t *root, const struct acsa_agreement *a)
{
    bool ok = put(root, "id", text_value(a->id, sizeof(a->id)));
    ok = ok && put(root, "title", text_value(a->title, sizeof(a->title)));
    ok = ok && put(root, "parties", parties_array(a));
    ok = ok && put(root, "signed", date_value(a->signed_day));
    ok = ok && put(root, "effective_from", date_value(a->effective_from_day));
    ok = ok && put(root, "term_years", json_integer(a->term_years));
    ok = ok && put(root, "renewal_years", json_integer(a->renewal_years));
    ok = ok && put(root, "terminated", date_value(a->terminated_day));
    return ok;
}

static bool put_rules(json_t *root, const struct acsa_agreement *a)
{
    bool ok = put(root, "activity_types", code_array(a->activity_types, a->activity_type_count,
                                                     ACSA_AGREEMENT_ACTIVITY_TYPES_MAX));
    ok = ok && put(root, "categories", code_array(a->categories, a->category_count,
                                                  ACSA_AGREEMENT_CATEGORIES_MAX));
    ok = ok && put(root, "excluded",
                   code_array(a->excluded, a->excluded_count, ACSA_AGREEMENT_EXCLUDED_MAX));
    ok = ok && put(root, "settlement", settlement_object(a));
    ok = ok && put(root, "currencies", currency_array(a));
    ok = ok && put(root, "conversion", json_string(acsa_conversion_name(a->conversion)));
    ok = ok && put(root, "invoice_within_days", json_integer(a->invoice_within_days));
    ok = ok && put(root, "planning_days_before", json_integer(a->planning_days_before));
    ok = ok && put(root, "days_after", json_integer(a->days_after));
    ok = ok && put(root, "backdate_days", json_integer(a->backdate_days));
    ok = ok && put(root, "ageing_buckets", ageing_array(a));
    ok = ok && put(root, "pricing_basis", text_value(a->pricing_basis, sizeof(a->pricing_basis)));
    ok = ok && put(root, "transit_days", json_integer(a->transit_days));
    /* Written only when set, so that the canonical text of every agreement without it (and
     * the hashes of its versions) stays what it was. */
    if (ok && a->close_requires_documents) {
        ok = put(root, "close_requires_documents", json_true());
    }
    if (ok && (a->service_count[0] > 0 || a->service_count[1] > 0)) {
        json_t *services = json_object();
        ok = services != NULL;
        for (unsigned p = 0; p < 2 && ok; p++) {
            if (a->service_count[p] > 0) {
                ok = put(services, a->parties[p],
                         code_array(a->services[p], a->service_count[p],
                                    ACSA_AGREEMENT_SERVICES_MAX));
            }
        }
        ok = ok ? put(root, "services", services) : (json_decref(services), false);
    }
    return ok;
}

enum acsa_rc acsa_agreement_to_json(const struct acsa_agreement *agreement, char **out_text,
                                    struct acsa_error *err)
{
    ACSA_ASSERT(agreement != NULL && out_text != NULL);
    *out_text = NULL;
    acsa_error_clear(err);
    json_t *root = json_object();
    unsigned long failures = acsa_alloc_failures();
    bool ok = root != NULL && put_header(root, agreement) && put_rules(root, agreement);
    if (ok) {
        *out_text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    }
    json_decref(root);
    if (acsa_alloc_failures() != failures) {
        /* jansson's dump leaves out what it could not allocate for and still returns a text
         * ("\": " for "\"title\": "): a failure counted means the text is not the agreement. */
        acsa_free(*out_text);
        *out_text = NULL;
    }
    if (*out_text == NULL) {
        /* json_string also fails on text that is not UTF-8, which only a struct not made by
         * acsa_agreement_from_json can hold. */
        return acsa_error_set(err, ACSA_ENOMEM, "$",
                              "$: cannot serialise agreement %.*s: out of memory or text not "
                              "UTF-8",
                              (int)strnlen(agreement->id, sizeof(agreement->id)), agreement->id);
    }
    return ACSA_OK;
}
