/* SPDX-License-Identifier: MIT */
/* Unit tests of csv.h: RFC 4180 quoting (comma, quote, CR, LF), CRLF row ends, formula
 * neutralisation (=, +, -, @, tab, CR) and plain numbers, negative ones included, kept. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"
#include "alloc.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static void expect_field(const char *cell, const char *expected)
{
    struct acsa_text t;
    acsa_text_init(&t, 16);
    acsa_csv_field(&t, cell);
    size_t size = 0;
    char *text = acsa_text_take(&t, &size);
    assert_non_null(text);
    if (strcmp(text, expected) != 0) {
        print_error("cell [%s]: got [%s], expected [%s]\n", cell, text, expected);
    }
    assert_string_equal(text, expected);
    assert_int_equal(size, strlen(expected));
    acsa_free(text);
}

static void test_plain_fields_as_they_are(void **state)
{
    (void)state;
    expect_field("", "");
    expect_field("IN-JP-2024-000001", "IN-JP-2024-000001");
    expect_field("燃料 JP-8", "燃料 JP-8");
    expect_field("2024-02-27", "2024-02-27");
}

static void test_quoting(void **state)
{
    (void)state;
    expect_field("a,b", "\"a,b\"");
    expect_field("say \"yes\"", "\"say \"\"yes\"\"\"");
    expect_field("\"", "\"\"\"\"");
    expect_field("two\nlines", "\"two\nlines\"");
    expect_field("cr\rhere", "\"cr\rhere\"");
}

static void test_formulas_neutralised(void **state)
{
    (void)state;
    expect_field("=1+1", "'=1+1");
    expect_field("+1-2", "'+1-2");
    expect_field("-2+3", "'-2+3");
    expect_field("@SUM(A1)", "'@SUM(A1)");
    expect_field("\tx", "'\tx");
    expect_field("\rx", "\"'\rx\"");
    expect_field("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    expect_field("-", "'-");
    expect_field("-.5", "'-.5");
    expect_field("-5.", "'-5.");
    assert_true(acsa_csv_formula("=A1"));
    assert_false(acsa_csv_formula("A=1"));
}

static void test_numbers_kept(void **state)
{
    (void)state;
    expect_field("-12.50", "-12.50");
    expect_field("-7", "-7");
    expect_field("326700", "326700");
    expect_field("0.001", "0.001");
    assert_false(acsa_csv_formula("-12.50"));
}

static void test_rows_end_in_crlf(void **state)
{
    (void)state;
    const char *cells[] = {"a", NULL, "b,c", "=x"};
    struct acsa_text t;
    acsa_text_init(&t, 4);
    acsa_csv_row(&t, cells, ARRAY_LEN(cells));
    acsa_csv_row(&t, cells, 1);
    size_t size = 0;
    char *text = acsa_text_take(&t, &size);
    assert_non_null(text);
    assert_string_equal(text, "a,,\"b,c\",'=x\r\na\r\n");
    acsa_free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_fields_as_they_are),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_formulas_neutralised),
        cmocka_unit_test(test_numbers_kept),
        cmocka_unit_test(test_rows_end_in_crlf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
