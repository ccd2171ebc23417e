/* SPDX-License-Identifier: MIT */
/* Tests of the agreement file format: the shipped agreements parse to the expected data, the
 * canonical form round-trips, and every bad file is refused naming the JSON path at fault. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agreement.h"
#include "agreement_json.h"
#include "date.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

#define FIXTURES ACSA_SOURCE_ROOT "/tests/fixtures/agreements"

/* Reads a whole file; the buffer is freed by the caller. Fails the test if unreadable. */
static char *read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        fail_msg("cannot open %s", path);
    }
    size_t capacity = 4096;
    size_t used = 0;
    char *buf = malloc(capacity);
    assert_non_null(buf);
    for (;;) {
        used += fread(buf + used, 1, capacity - used, file);
        if (used < capacity) {
            break;
        }
        capacity *= 2;
        char *bigger = realloc(buf, capacity);
        assert_non_null(bigger);
        buf = bigger;
    }
    assert_int_equal(ferror(file), 0);
    fclose(file);
    *size = used;
    return buf;
}

static enum acsa_rc load(const char *path, struct acsa_agreement *out, struct acsa_error *err)
{
    size_t size;
    char *text = read_file(path, &size);
    enum acsa_rc rc = acsa_agreement_from_json(text, size, out, err);
    free(text);
    return rc;
}

static void load_ok(const char *path, struct acsa_agreement *out)
{
    struct acsa_error err;
    enum acsa_rc rc = load(path, out, &err);
    if (rc != ACSA_OK) {
        fail_msg("%s refused: %s", path, err.message);
    }
}

static void assert_codes(char (*codes)[ACSA_CODE_SIZE], uint32_t count,
                         const char *const *expected, size_t expected_count)
{
    assert_int_equal(count, expected_count);
    for (size_t i = 0; i < expected_count; i++) {
        assert_string_equal(codes[i], expected[i]);
    }
}

static void test_india_japan(void **state)
{
    (void)state;
    static const char *const activities[] = {
        "bilateral-training", "un-pko", "humanitarian-relief", "disaster-response",
        "evacuation", "routine", "other-lawful",
    };
    static const char *const categories[] = {
        "food", "water", "billeting", "transportation", "pol", "clothing", "communications",
        "medical", "base-support", "storage", "facilities", "training-services", "spare-parts",
        "repair-maintenance", "airport-seaport",
    };
    static const char *const excluded[] = {"weapons", "ammunition"};
    struct acsa_agreement a;
    load_ok(ACSA_SOURCE_ROOT "/agreements/india-japan-2020.json", &a);
    assert_string_equal(a.id, "IN-JP-2020");
    assert_true(strlen(a.title) > 0);
    assert_string_equal(a.parties[0], "IN");
    assert_string_equal(a.parties[1], "JP");
    assert_int_equal(a.signed_day, acsa_date_from_ymd(2020, 9, 9));
    assert_int_equal(a.effective_from_day, acsa_date_from_ymd(2020, 9, 9));
    assert_int_equal(a.term_years, 10);
    assert_int_equal(a.renewal_years, 10);
    assert_int_equal(a.terminated_day, ACSA_DATE_NONE);
    assert_codes(a.activity_types, a.activity_type_count, activities, 7);
    assert_codes(a.categories, a.category_count, categories, 15);
    assert_codes(a.excluded, a.excluded_count, excluded, 2);
    assert_true(a.method_allowed[ACSA_METHOD_CASH]);
    assert_true(a.method_allowed[ACSA_METHOD_RIK]);
    assert_true(a.method_allowed[ACSA_METHOD_EVE]);
    assert_int_equal(a.due_days[ACSA_METHOD_CASH], 30);
    assert_int_equal(a.due_days[ACSA_METHOD_RIK], 365);
    assert_int_equal(a.due_days[ACSA_METHOD_EVE], 365);
    assert_int_equal(a.currency_count, 3);
    assert_string_equal(a.currencies[0].code, "JPY");
    assert_int_equal(a.currencies[0].exponent, 0);
    assert_string_equal(a.currencies[1].code, "INR");
    assert_int_equal(a.currencies[1].exponent, 2);
    assert_string_equal(a.currencies[2].code, "USD");
    assert_int_equal(a.currencies[2].exponent, 2);
    assert_int_equal(a.conversion, ACSA_CONVERSION_AUTOMATIC);
    assert_int_equal(a.invoice_within_days, 30);
    assert_int_equal(a.ageing_bounds[0], 30);
    assert_int_equal(a.ageing_bounds[1], 90);
    assert_int_equal(a.ageing_bounds[2], 365);
    assert_true(strlen(a.pricing_basis) > 0);
    assert_false(acsa_agreement_excludes(&a, "food"));
    assert_true(acsa_agreement_excludes(&a, "ammunition"));
}

static void test_india_france(void **state)
{
    (void)state;
    static const char *const activities[] = {
        "bilateral-training", "humanitarian-relief", "disaster-response", "routine", "un-pko",
    };
    static const char *const categories[] = {
        "food", "water", "billeting", "transportation", "pol", "clothing", "communications",
        "medical", "base-support", "storage", "spare-parts", "repair-maintenance",
        "airport-seaport",
    };
    static const char *const excluded[] = {"weapons", "ammunition"};
    struct acsa_agreement a;
    load_ok(ACSA_SOURCE_ROOT "/agreements/india-france-2018.json", &a);
    assert_string_equal(a.id, "IN-FR-2018");
    assert_string_equal(a.parties[0], "IN");
    assert_string_equal(a.parties[1], "FR");
    assert_int_equal(a.signed_day, acsa_date_from_ymd(2018, 3, 10));
    assert_int_equal(a.term_years, 10);
    assert_int_equal(a.renewal_years, 10);
    assert_int_equal(a.terminated_day, ACSA_DATE_NONE);
    assert_codes(a.activity_types, a.activity_type_count, activities, 5);
    assert_codes(a.categories, a.category_count, categories, 13);
    assert_codes(a.excluded, a.excluded_count, excluded, 2);
    assert_true(a.method_allowed[ACSA_METHOD_CASH]);
    assert_true(a.method_allowed[ACSA_METHOD_RIK]);
    assert_false(a.method_allowed[ACSA_METHOD_EVE]);
    assert_int_equal(a.due_days[ACSA_METHOD_CASH], 45);
    assert_int_equal(a.due_days[ACSA_METHOD_RIK], 180);
    assert_int_equal(a.due_days[ACSA_METHOD_EVE], 0);
    assert_int_equal(a.currency_count, 2);
    assert_string_equal(a.currencies[0].code, "EUR");
    assert_int_equal(a.currencies[0].exponent, 2);
    assert_string_equal(a.currencies[1].code, "INR");
    assert_int_equal(a.conversion, ACSA_CONVERSION_APPROVAL);
    assert_false(acsa_agreement_has_activity_type(&a, "evacuation"));
}

/* to_json then from_json must give back the very same bytes, and a second to_json the very
 * same text. */
static void assert_round_trip(const struct acsa_agreement *a)
{
    struct acsa_error err;
    char *text = NULL;
    assert_int_equal(acsa_agreement_to_json(a, &text, &err), ACSA_OK);
    assert_non_null(text);
    struct acsa_agreement back;
    enum acsa_rc rc = acsa_agreement_from_json(text, strlen(text), &back, &err);
    if (rc != ACSA_OK) {
        fail_msg("canonical text refused: %s\n%s", err.message, text);
    }
    assert_memory_equal(a, &back, sizeof(back));
    char *again = NULL;
    assert_int_equal(acsa_agreement_to_json(&back, &again, &err), ACSA_OK);
    assert_string_equal(text, again);
    free(again);
    free(text);
}

static void test_round_trip_shipped(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load_ok(ACSA_SOURCE_ROOT "/agreements/india-japan-2020.json", &a);
    assert_round_trip(&a);
    load_ok(ACSA_SOURCE_ROOT "/agreements/india-france-2018.json", &a);
    assert_round_trip(&a);
}

static const char minimal[] =
    "{\"id\": \"AU-JP-2017\", \"title\": \"t\", \"parties\": [\"JP\", \"AU\"],"
    " \"signed\": \"2017-01-14\", \"effective_from\": \"2017-09-13\", \"term_years\": 10,"
    " \"terminated\": \"2024-02-29\", \"activity_types\": [\"routine\"],"
    " \"categories\": [\"food\", \"ammunition\"], \"excluded\": [],"
    " \"settlement\": {\"rik\": {\"due_days\": 90}, \"cash\": {\"due_days\": 60}},"
    " \"currencies\": [\"AUD\"]}";

static void test_defaults_and_round_trip(void **state)
{
    (void)state;
    struct acsa_agreement a;
    struct acsa_error err;
    enum acsa_rc rc = acsa_agreement_from_json(minimal, strlen(minimal), &a, &err);
    if (rc != ACSA_OK) {
        fail_msg("minimal refused: %s", err.message);
    }
    assert_int_equal(a.renewal_years, 0);
    assert_int_equal(a.terminated_day, acsa_date_from_ymd(2024, 2, 29));
    assert_int_equal(a.excluded_count, 0);
    assert_false(a.method_allowed[ACSA_METHOD_EVE]);
    assert_int_equal(a.due_days[ACSA_METHOD_EVE], 0);
    assert_int_equal(a.due_days[ACSA_METHOD_CASH], 60);
    assert_int_equal(a.due_days[ACSA_METHOD_RIK], 90);
    assert_int_equal(a.conversion, ACSA_CONVERSION_AUTOMATIC);
    assert_int_equal(a.invoice_within_days, 30);
    assert_int_equal(a.ageing_bounds[0], 30);
    assert_int_equal(a.ageing_bounds[1], 90);
    assert_int_equal(a.ageing_bounds[2], 365);
    assert_string_equal(a.pricing_basis, "");
    assert_round_trip(&a);
}

/* The canonical text lists every member, in the documented order. */
static void test_canonical_order(void **state)
{
    (void)state;
    static const char *const keys[] = {
        "\"id\"", "\"title\"", "\"parties\"", "\"signed\"", "\"effective_from\"",
        "\"term_years\"", "\"renewal_years\"", "\"terminated\"", "\"activity_types\"",
        "\"categories\"", "\"excluded\"", "\"settlement\"", "\"currencies\"", "\"conversion\"",
        "\"invoice_within_days\"", "\"ageing_buckets\"", "\"pricing_basis\"",
    };
    struct acsa_agreement a;
    struct acsa_error err;
    char *text = NULL;
    load_ok(ACSA_SOURCE_ROOT "/agreements/india-japan-2020.json", &a);
    assert_int_equal(acsa_agreement_to_json(&a, &text, &err), ACSA_OK);
    const char *previous = text;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        const char *at = strstr(text, keys[i]);
        assert_non_null(at);
        assert_true(at >= previous);
        previous = at;
    }
    assert_non_null(strstr(text, "\n  \"id\": \"IN-JP-2020\",\n"));
    assert_non_null(strstr(text, "\"terminated\": null"));
    free(text);
}

struct bad_file {
    const char *name;
    const char *path;
};

static const struct bad_file bad_files[] = {
    {"malformed.json", "$"},
    {"duplicate-key.json", "$"},
    {"not-an-object.json", "$"},
    {"empty.json", "$"},
    {"unknown-member.json", "$.colour"},
    {"excluded-also-category.json", "$.excluded[1]"},
    {"unknown-currency.json", "$.currencies[2]"},
    {"duplicate-currency.json", "$.currencies[2]"},
    {"bad-party-code.json", "$.parties[1]"},
    {"same-party-twice.json", "$.parties[1]"},
    {"bad-date.json", "$.signed"},
    {"negative-due-days.json", "$.settlement.cash.due_days"},
    {"missing-term-years.json", "$.term_years"},
    {"wrong-type-term-years.json", "$.term_years"},
    {"too-many-categories.json", "$.categories"},
    {"duplicate-category.json", "$.categories[3]"},
    {"uppercase-category.json", "$.categories[1]"},
    {"no-activity-types.json", "$.activity_types"},
    {"empty-settlement.json", "$.settlement"},
    {"unknown-settlement-method.json", "$.settlement.barter"},
    {"unknown-method-member.json", "$.settlement.rik.days"},
    {"bad-id.json", "$.id"},
    {"title-too-long.json", "$.title"},
    {"ageing-not-ascending.json", "$.ageing_buckets[1]"},
    {"bad-conversion.json", "$.conversion"},
    {"terminated-wrong-type.json", "$.terminated"},
    /* These two pass the format checks and are refused by acsa_agreement_validate. */
    {"effective-before-signed.json", "$.effective_from"},
    {"eve-without-cash.json", "$.settlement"},
};

#define BAD_FILE_COUNT (sizeof(bad_files) / sizeof(bad_files[0]))

static void assert_refused(const char *label, enum acsa_rc rc, const struct acsa_agreement *a,
                           const struct acsa_error *err, const char *path)
{
    static const struct acsa_agreement zero;
    if (rc != ACSA_EREFUSED || strcmp(err->field, path) != 0) {
        fail_msg("%s: rc %d field \"%s\" message \"%s\", expected field \"%s\"", label, (int)rc,
                 err->field, err->message, path);
    }
    assert_int_equal(err->rc, ACSA_EREFUSED);
    if (strncmp(err->message, path, strlen(path)) != 0 ||
        strncmp(err->message + strlen(path), ": ", 2) != 0) {
        fail_msg("%s: message \"%s\" does not start with \"%s: \"", label, err->message, path);
    }
    assert_true(strlen(err->message) > strlen(path) + 2);
    assert_memory_equal(a, &zero, sizeof(zero));
}

static void test_bad_files(void **state)
{
    (void)state;
    for (size_t i = 0; i < BAD_FILE_COUNT; i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s/%s", FIXTURES, bad_files[i].name);
        struct acsa_agreement a;
        struct acsa_error err;
        memset(&a, 0x5A, sizeof(a));
        enum acsa_rc rc = load(path, &a, &err);
        assert_refused(bad_files[i].name, rc, &a, &err, bad_files[i].path);
    }
}

/* A fixture not listed above would never be tested. */
static void test_every_fixture_listed(void **state)
{
    (void)state;
    DIR *dir = opendir(FIXTURES);
    assert_non_null(dir);
    size_t seen = 0;
    for (struct dirent *entry = readdir(dir); entry != NULL; entry = readdir(dir)) {
        if (entry->d_name[0] == '.') {
            continue;
        }
        bool listed = false;
        for (size_t i = 0; i < BAD_FILE_COUNT && !listed; i++) {
            listed = strcmp(entry->d_name, bad_files[i].name) == 0;
        }
        if (!listed) {
            fail_msg("fixture %s has no expected path", entry->d_name);
        }
        seen++;
    }
    closedir(dir);
    assert_int_equal(seen, BAD_FILE_COUNT);
}

static void test_messages(void **state)
{
    (void)state;
    struct acsa_agreement a;
    struct acsa_error err;
    assert_int_equal(load(FIXTURES "/unknown-currency.json", &a, &err), ACSA_EREFUSED);
    assert_string_equal(err.message,
                        "$.currencies[2]: \"XYZ\" is not a known ISO 4217 currency");
    assert_int_equal(load(FIXTURES "/unknown-member.json", &a, &err), ACSA_EREFUSED);
    assert_string_equal(err.message, "$.colour: unknown member");
    assert_int_equal(load(FIXTURES "/wrong-type-term-years.json", &a, &err), ACSA_EREFUSED);
    assert_string_equal(err.message, "$.term_years: must be an integer from 1 to 99");
    assert_int_equal(load(FIXTURES "/empty-settlement.json", &a, &err), ACSA_EREFUSED);
    assert_string_equal(err.message, "$.settlement: at least one of cash, rik, eve is required");
    assert_int_equal(load(FIXTURES "/malformed.json", &a, &err), ACSA_EREFUSED);
    assert_non_null(strstr(err.message, "$: malformed JSON at line 5 column"));
}

/* Documents that are refused before any member is read, given as text. */
static void test_bad_texts(void **state)
{
    (void)state;
    static const char *const texts[] = {
        " \n\t ", "42", "\"IN-JP-2020\"", "null", "{} trailing", "{\"id\": 1",
    };
    struct acsa_agreement a;
    struct acsa_error err;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        enum acsa_rc rc = acsa_agreement_from_json(texts[i], strlen(texts[i]), &a, &err);
        assert_refused(texts[i], rc, &a, &err, "$");
    }
    assert_refused("NULL", acsa_agreement_from_json(NULL, 0, &a, &err), &a, &err, "$");
    /* {} is well-formed JSON: the first required member is what is missing. */
    assert_refused("{}", acsa_agreement_from_json("{}", 2, &a, &err), &a, &err, "$.id");
    /* Only size bytes are read: the closing brace lies beyond them. */
    assert_refused("cut", acsa_agreement_from_json(minimal, strlen(minimal) - 1, &a, &err), &a,
                   &err, "$");
}

/* A value from the file is shown in a message, but cut short and without control
 * characters, so a hostile file cannot overflow or garble it. */
static void test_hostile_value_shown_safely(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof(text),
             "{\"id\": \"AU-JP-2017\", \"title\": \"t\", \"parties\": [\"JP\", \"AU\"],"
             " \"signed\": \"2017-01-14\", \"effective_from\": \"2017-09-13\","
             " \"term_years\": 10, \"activity_types\": [\"routine\"],"
             " \"categories\": [\"food\"], \"excluded\": [],"
             " \"settlement\": {\"cash\": {\"due_days\": 30}},"
             " \"currencies\": [\"%s\"]}",
             "\\\"[31mXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
    struct acsa_agreement a;
    struct acsa_error err;
    enum acsa_rc rc = acsa_agreement_from_json(text, strlen(text), &a, &err);
    assert_refused("hostile", rc, &a, &err, "$.currencies[0]");
    assert_non_null(strstr(err.message, ": \"?[31mXXX"));
    assert_non_null(strstr(err.message, "...\" is not a known ISO 4217 currency"));
}

/* minimal with its member key set to value (JSON text), as the file given to the loader. */
static enum acsa_rc load_with(const char *key, const char *value, struct acsa_agreement *a,
                              struct acsa_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loads(minimal, 0, &jerr);
    assert_non_null(doc);
    json_t *member = json_loads(value, JSON_DECODE_ANY, &jerr);
    assert_non_null(member);
    assert_int_equal(json_object_set_new(doc, key, member), 0);
    char *text = json_dumps(doc, 0);
    json_decref(doc);
    assert_non_null(text);
    enum acsa_rc rc = acsa_agreement_from_json(text, strlen(text), a, err);
    free(text);
    return rc;
}

/* Finding 5 of issue 8: a control character in any text of an agreement file (ESC, BEL, CR,
 * newline, C1) is refused naming the JSON path, before any message quotes it. */
static void test_control_character_refused_naming_path(void **state)
{
    (void)state;
    static const struct {
        const char *key;
        const char *value;
        const char *path;
        const char *message;
    } cases[] = {
        {"title", "\"Log\\u001b[2Jistics\"", "$.title",
         "$.title: control character U+001B at byte 4 is not allowed"},
        {"pricing_basis", "\"cost\\nplus\"", "$.pricing_basis",
         "$.pricing_basis: control character U+000A at byte 5 is not allowed"},
        {"parties", "[\"JP\", \"A\\u0007\"]", "$.parties[1]",
         "$.parties[1]: control character U+0007 at byte 2 is not allowed"},
        {"categories", "[\"food\", \"fu\\u009bel\"]", "$.categories[1]",
         "$.categories[1]: control character U+009B at byte 3 is not allowed"},
        {"id", "\"AU-JP\\r2017\"", "$.id",
         "$.id: control character U+000D at byte 6 is not allowed"},
        {"signed", "\"2017-01-14\\u001b\"", "$.signed",
         "$.signed: control character U+001B at byte 11 is not allowed"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct acsa_agreement a;
        struct acsa_error err;
        memset(&a, 0x5A, sizeof(a));
        enum acsa_rc rc = load_with(cases[i].key, cases[i].value, &a, &err);
        assert_refused(cases[i].key, rc, &a, &err, cases[i].path);
        assert_string_equal(err.message, cases[i].message);
        assert_null(strchr(err.message, '\x1b'));
    }
    /* The rule refuses controls, not letters: multi-byte text still loads. */
    struct acsa_agreement a;
    struct acsa_error err;
    assert_int_equal(load_with("title", "\"Accord Fran\\u00e7ais \\u6771\\u4eac\"", &a, &err),
                     ACSA_OK);
    assert_string_equal(a.title, "Accord Fran\xc3\xa7" "ais \xe6\x9d\xb1\xe4\xba\xac");
}

/* Allocations left before the allocator given to jansson starts failing. */
static long allocations_left;

static void *failing_malloc(size_t size)
{
    if (allocations_left <= 0) {
        return NULL;
    }
    allocations_left--;
    return malloc(size);
}

/* Every allocation jansson makes is made to fail in turn: the result is ENOMEM or a complete
 * text, never a crash, and the sanitizer's leak check sees nothing left behind. */
static void test_out_of_memory(void **state)
{
    (void)state;
    struct acsa_agreement a;
    load_ok(ACSA_SOURCE_ROOT "/agreements/india-japan-2020.json", &a);
    json_set_alloc_funcs(failing_malloc, free);
    bool succeeded = false;
    for (long budget = 0; budget < 10000 && !succeeded; budget++) {
        struct acsa_error err;
        char *text = NULL;
        allocations_left = budget;
        enum acsa_rc rc = acsa_agreement_to_json(&a, &text, &err);
        if (rc == ACSA_OK) {
            assert_non_null(text);
            succeeded = true;
        } else {
            assert_int_equal(rc, ACSA_ENOMEM);
            assert_null(text);
            assert_string_equal(err.field, "$");
        }
        free(text);
    }
    json_set_alloc_funcs(malloc, free);
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_india_japan),
        cmocka_unit_test(test_india_france),
        cmocka_unit_test(test_round_trip_shipped),
        cmocka_unit_test(test_defaults_and_round_trip),
        cmocka_unit_test(test_canonical_order),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_every_fixture_listed),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_bad_texts),
        cmocka_unit_test(test_hostile_value_shown_safely),
        cmocka_unit_test(test_control_character_refused_naming_path),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
