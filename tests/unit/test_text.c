/* SPDX-License-Identifier: MIT */
/* Unit tests of text.h, the one rule for text from outside (finding 5 of issue 8): overlong
 * forms, surrogates, code points above U+10FFFF, sequences cut short, C0, DEL and C1 controls,
 * the newline flag, valid multi-byte text, and the refusal messages naming the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "order_json.h"
#include "text.h"
#include "alloc.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct text_case {
    const char *bytes;   /* Input, NUL-terminated. */
    unsigned flags;      /* ACSA_TEXT_LINE or ACSA_TEXT_NEWLINES. */
    size_t offset;       /* The first offending byte, or strlen(bytes) when valid. */
};

static void expect_cases(const struct text_case *cases, size_t count, bool valid)
{
    for (size_t i = 0; i < count; i++) {
        size_t offset = 999;
        size_t size = strlen(cases[i].bytes);
        bool got = acsa_text_valid(cases[i].bytes, size, cases[i].flags, &offset);
        if (got != valid || offset != cases[i].offset) {
            print_error("case %zu: valid %d offset %zu\n", i, got, offset);
        }
        assert_int_equal(got, valid);
        assert_int_equal(offset, cases[i].offset);
    }
}

static void test_valid_multibyte(void **state)
{
    (void)state;
    static const struct text_case cases[] = {
        {"", ACSA_TEXT_LINE, 0},
        {"Cdr Rao", ACSA_TEXT_LINE, 7},
        {"Kapit\xc3\xa4n zur See", ACSA_TEXT_LINE, 16},        /* U+00E4, 2 bytes. */
        {"\xc2\xa0", ACSA_TEXT_LINE, 2},                       /* U+00A0, just past C1. */
        {"\xe0\xa0\x80", ACSA_TEXT_LINE, 3},                   /* U+0800, smallest 3-byte. */
        {"\xe6\x9d\xb1\xe4\xba\xac", ACSA_TEXT_LINE, 6},       /* Tokyo in kanji. */
        {"\xed\x9f\xbf", ACSA_TEXT_LINE, 3},                   /* U+D7FF, below surrogates. */
        {"\xee\x80\x80", ACSA_TEXT_LINE, 3},                   /* U+E000, above them. */
        {"\xef\xbf\xbd", ACSA_TEXT_LINE, 3},                   /* U+FFFD. */
        {"\xf0\x90\x80\x80", ACSA_TEXT_LINE, 4},               /* U+10000. */
        {"\xf0\x9f\x9a\xa2 ship", ACSA_TEXT_LINE, 9},          /* U+1F6A2. */
        {"\xf4\x8f\xbf\xbf", ACSA_TEXT_LINE, 4},               /* U+10FFFF, the last. */
        {"~ tilde", ACSA_TEXT_LINE, 7},                        /* U+007E, just below DEL. */
    };
    expect_cases(cases, ARRAY_LEN(cases), true);
}

static void test_overlong_refused(void **state)
{
    (void)state;
    static const struct text_case cases[] = {
        {"\xc0\xaf", ACSA_TEXT_LINE, 0},                /* '/' in 2 bytes. */
        {"ab\xc1\xbf", ACSA_TEXT_LINE, 2},              /* U+007F in 2 bytes. */
        {"\xe0\x80\xaf", ACSA_TEXT_LINE, 0},            /* '/' in 3 bytes. */
        {"\xe0\x9f\xbf", ACSA_TEXT_LINE, 0},            /* U+07FF in 3 bytes. */
        {"\xf0\x80\x80\xaf", ACSA_TEXT_LINE, 0},        /* '/' in 4 bytes. */
        {"x\xf0\x8f\xbf\xbf", ACSA_TEXT_LINE, 1},       /* U+FFFF in 4 bytes. */
        {"\xc0\x80", ACSA_TEXT_LINE, 0},                /* NUL in 2 bytes (modified UTF-8). */
    };
    expect_cases(cases, ARRAY_LEN(cases), false);
}

static void test_surrogates_and_beyond_refused(void **state)
{
    (void)state;
    static const struct text_case cases[] = {
        {"\xed\xa0\x80", ACSA_TEXT_LINE, 0},                   /* U+D800. */
        {"ok \xed\xbf\xbf", ACSA_TEXT_LINE, 3},                /* U+DFFF. */
        {"\xed\xa0\xbd\xed\xb8\x80", ACSA_TEXT_LINE, 0},       /* A CESU-8 pair. */
        {"\xf4\x90\x80\x80", ACSA_TEXT_LINE, 0},               /* U+110000. */
        {"\xf5\x80\x80\x80", ACSA_TEXT_LINE, 0},               /* Lead byte F5. */
        {"\xf7\xbf\xbf\xbf", ACSA_TEXT_LINE, 0},               /* U+1FFFFF. */
        {"\xf8\x88\x80\x80\x80", ACSA_TEXT_LINE, 0},           /* Old 5-byte form. */
        {"\xfc\x84\x80\x80\x80\x80", ACSA_TEXT_LINE, 0},       /* Old 6-byte form. */
        {"Cdr \xff\xfe", ACSA_TEXT_LINE, 4},                   /* The bytes of finding 5. */
    };
    expect_cases(cases, ARRAY_LEN(cases), false);
}

static void test_truncated_refused(void **state)
{
    (void)state;
    static const struct text_case cases[] = {
        {"\xc3", ACSA_TEXT_LINE, 0},                   /* 2-byte lead at the end. */
        {"ab\xe6\x9d", ACSA_TEXT_LINE, 2},             /* 3-byte sequence cut short. */
        {"\xf0\x9f\x9a", ACSA_TEXT_LINE, 0},           /* 4-byte sequence cut short. */
        {"\xe6\x9dx", ACSA_TEXT_LINE, 0},              /* ASCII where a continuation goes. */
        {"\xf0\x9f\x9a\xc3\xa4", ACSA_TEXT_LINE, 0},   /* A new lead byte instead. */
        {"\x80", ACSA_TEXT_LINE, 0},                   /* Stray continuation byte. */
        {"a\xbf", ACSA_TEXT_LINE, 1},
        {"\xc3\xa4\xa4", ACSA_TEXT_LINE, 2},           /* One continuation too many. */
    };
    expect_cases(cases, ARRAY_LEN(cases), false);
}

static void test_controls_refused(void **state)
{
    (void)state;
    static const struct text_case cases[] = {
        {"\x01", ACSA_TEXT_LINE, 0},                         /* SOH. */
        {"bell\x07", ACSA_TEXT_LINE, 4},                     /* BEL. */
        {"Goa\x1b[2J", ACSA_TEXT_LINE, 3},                   /* ESC: clear screen. */
        {"line\rover", ACSA_TEXT_LINE, 4},                   /* CR. */
        {"tab\there", ACSA_TEXT_LINE, 3},                    /* TAB is a control too. */
        {"\x1f", ACSA_TEXT_LINE, 0},                         /* US, the last C0. */
        {"del\x7f", ACSA_TEXT_LINE, 3},                      /* DEL. */
        {"\xc2\x80", ACSA_TEXT_LINE, 0},                     /* U+0080, the first C1. */
        {"csi \xc2\x9b" "2J", ACSA_TEXT_LINE, 4},            /* U+009B CSI. */
        {"\xc2\x9f", ACSA_TEXT_LINE, 0},                     /* U+009F, the last C1. */
        {"a\nb", ACSA_TEXT_LINE, 1},                         /* Newline on one line. */
        {"a\nb\rc", ACSA_TEXT_NEWLINES, 3},                  /* CR even with newlines. */
        {"a\n\x1b", ACSA_TEXT_NEWLINES, 2},                  /* ESC even with newlines. */
        {"a\n\xc2\x85", ACSA_TEXT_NEWLINES, 2},              /* NEL is not newline. */
    };
    expect_cases(cases, ARRAY_LEN(cases), false);
}

static void test_newline_flag(void **state)
{
    (void)state;
    static const struct text_case cases[] = {
        {"first\nsecond\n", ACSA_TEXT_NEWLINES, 13},
        {"\n", ACSA_TEXT_NEWLINES, 1},
        {"\xc3\xa4\n\xe6\x9d\xb1", ACSA_TEXT_NEWLINES, 6},
    };
    expect_cases(cases, ARRAY_LEN(cases), true);
}

static void test_nul_inside_refused(void **state)
{
    (void)state;
    static const char bytes[] = {'a', '\0', 'b'};
    size_t offset = 0;
    assert_false(acsa_text_valid(bytes, sizeof(bytes), ACSA_TEXT_NEWLINES, &offset));
    assert_int_equal(offset, 1);
    assert_true(acsa_text_valid(NULL, 0, ACSA_TEXT_LINE, NULL));
}

static void test_check_messages(void **state)
{
    (void)state;
    struct acsa_error err;
    acsa_error_clear(&err);
    assert_int_equal(acsa_text_check("Cdr \xff\xfe", ACSA_TEXT_LINE, "--by", &err),
                     ACSA_EUSAGE);
    assert_string_equal(err.field, "--by");
    assert_string_equal(err.message, "--by: not valid UTF-8 at byte 5");
    acsa_error_clear(&err);
    assert_int_equal(acsa_text_check("Goa\x1b[2J", ACSA_TEXT_LINE, "place", &err), ACSA_EUSAGE);
    assert_string_equal(err.field, "place");
    assert_string_equal(err.message, "place: control character U+001B at byte 4 is not allowed");
    acsa_error_clear(&err);
    assert_int_equal(acsa_text_check("x\xc2\x9b", ACSA_TEXT_LINE, "desc", &err), ACSA_EUSAGE);
    assert_string_equal(err.message, "desc: control character U+009B at byte 2 is not allowed");
    acsa_error_clear(&err);
    assert_int_equal(acsa_text_check("a\nb", ACSA_TEXT_NEWLINES, "note", &err), ACSA_OK);
    assert_int_equal(acsa_text_check("\xe6\x9d\xb1", ACSA_TEXT_LINE, "name", &err), ACSA_OK);
}

static void test_utf8_next(void **state)
{
    (void)state;
    uint32_t code = 0;
    assert_int_equal(acsa_utf8_next("A", 1, &code), 1);
    assert_int_equal(code, 0x41);
    assert_int_equal(acsa_utf8_next("\xc3\xa4", 2, &code), 2);
    assert_int_equal(code, 0xe4);
    assert_int_equal(acsa_utf8_next("\xe6\x9d\xb1", 3, &code), 3);
    assert_int_equal(code, 0x6771);
    assert_int_equal(acsa_utf8_next("\xf4\x8f\xbf\xbf", 4, &code), 4);
    assert_int_equal(code, 0x10ffff);
    assert_int_equal(acsa_utf8_next("\xe6\x9d\xb1", 2, &code), 0); /* Size cuts it short. */
    assert_int_equal(acsa_utf8_next("\xff", 1, &code), 0);
    assert_true(acsa_text_control(0x1b, ACSA_TEXT_LINE));
    assert_true(acsa_text_control(0x85, ACSA_TEXT_NEWLINES));
    assert_true(acsa_text_control('\n', ACSA_TEXT_LINE));
    assert_false(acsa_text_control('\n', ACSA_TEXT_NEWLINES));
    assert_false(acsa_text_control(0xa0, ACSA_TEXT_LINE));
}

/* Finding 5: stored text that breaks the rule renders in JSON instead of failing: each byte
 * that is not UTF-8 becomes U+FFFD, controls are escaped, and the server's text writer gives
 * the same bytes as jansson's rendering of acsa_json_string. */
static void test_json_repairs_stored_text(void **state)
{
    (void)state;
    static const struct {
        const char *stored;
        const char *json;
    } cases[] = {
        {"Cdr \xff\xfe", "\"Cdr \xef\xbf\xbd\xef\xbf\xbd\""},
        {"Goa\x1b[2J\a\r", "\"Goa\\u001B[2J\\u0007\\r\""},
        {"cut \xe6\x9d", "\"cut \xef\xbf\xbd\xef\xbf\xbd\""},
        {"\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\""},
        {"\xc0\xafok", "\"\xef\xbf\xbd\xef\xbf\xbdok\""},
        {"\xe6\x9d\xb1\xe4\xba\xac \x80", "\"\xe6\x9d\xb1\xe4\xba\xac \xef\xbf\xbd\""},
        {"plain", "\"plain\""},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        json_t *value = acsa_json_string(cases[i].stored);
        assert_non_null(value);
        char *dumped = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
        json_decref(value);
        assert_non_null(dumped);
        struct acsa_text t;
        acsa_text_init(&t, 8);
        acsa_text_string(&t, cases[i].stored);
        size_t size = 0;
        char *text = acsa_text_take(&t, &size);
        assert_non_null(text);
        assert_string_equal(text, dumped);
        assert_string_equal(text, cases[i].json);
        free(dumped);
        acsa_free(text);
    }
    json_t *null_text = acsa_json_text("");
    assert_true(json_is_null(null_text));
    json_decref(null_text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_multibyte),
        cmocka_unit_test(test_overlong_refused),
        cmocka_unit_test(test_surrogates_and_beyond_refused),
        cmocka_unit_test(test_truncated_refused),
        cmocka_unit_test(test_controls_refused),
        cmocka_unit_test(test_newline_flag),
        cmocka_unit_test(test_nul_inside_refused),
        cmocka_unit_test(test_check_messages),
        cmocka_unit_test(test_utf8_next),
        cmocka_unit_test(test_json_repairs_stored_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
