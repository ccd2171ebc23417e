/* SPDX-License-Identifier: MIT */
/* Unit tests of the CSV reader (csv.h): RFC 4180 fields (quoted commas, doubled quotes, CR and
 * LF inside quotes), CRLF and LF rows, a byte order mark skipped, empty fields and rows, and
 * each malformed input refused naming its row and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "csv.h"

/* Reads text whole; the rows joined as "f1|f2;f1|f2;" into out. */
static enum acsa_rc read_all(const char *text, size_t size, uint32_t max_fields, char *out,
                             size_t out_size, uint32_t *out_row, uint32_t *out_column)
{
    struct acsa_csv_reader r;
    struct acsa_error err;
    enum acsa_rc rc = acsa_csv_reader_open(&r, text, size, max_fields, &err);
    assert_int_equal(rc, ACSA_OK);
    size_t used = 0;
    out[0] = '\0';
    for (;;) {
        const char *const *fields = NULL;
        uint32_t count = 0;
        bool end = false;
        rc = acsa_csv_next(&r, &fields, &count, &end, out_column, &err);
        *out_row = r.row;
        if (rc != ACSA_OK || end) {
            break;
        }
        for (uint32_t i = 0; i < count; i++) {
            int n = snprintf(out + used, out_size - used, "%s%s", i > 0 ? "|" : "", fields[i]);
            used += (size_t)n;
        }
        used += (size_t)snprintf(out + used, out_size - used, ";");
    }
    acsa_csv_reader_close(&r);
    return rc;
}

static void expect_rows(const char *text, size_t size, const char *expected)
{
    char out[512];
    uint32_t row = 0;
    uint32_t column = 0;
    assert_int_equal(read_all(text, size, 8, out, sizeof(out), &row, &column), ACSA_OK);
    assert_string_equal(out, expected);
}

static void expect_refused(const char *text, uint32_t max_fields, uint32_t row,
                           uint32_t column)
{
    char out[512];
    uint32_t got_row = 0;
    uint32_t got_column = 0;
    assert_int_equal(read_all(text, strlen(text), max_fields, out, sizeof(out), &got_row,
                              &got_column), ACSA_EUSAGE);
    assert_int_equal(got_row, row);
    assert_int_equal(got_column, column);
}

#define ROWS(text, expected) expect_rows((text), sizeof(text) - 1, (expected))

static void test_plain_rows(void **state)
{
    (void)state;
    ROWS("a,b,c\n1,2,3\n", "a|b|c;1|2|3;");
    ROWS("a,b,c\r\n1,2,3\r\n", "a|b|c;1|2|3;");
    ROWS("a,b\n1,2", "a|b;1|2;");          /* No ending on the last row. */
    ROWS("a,b\r\n1,2\n", "a|b;1|2;");      /* Endings mixed. */
    ROWS("", "");
    ROWS("\n", ";");                        /* An empty row is one empty field. */
    ROWS("a,,\n,,\n", "a||;||;");
    ROWS("x,", "x|;");
}

static void test_quoted_fields(void **state)
{
    (void)state;
    ROWS("\"a,b\",c\n", "a,b|c;");
    ROWS("\"say \"\"yes\"\"\",x\n", "say \"yes\"|x;");
    ROWS("\"two\nlines\",x\r\nnext,y\r\n", "two\nlines|x;next|y;");
    ROWS("\"cr\r\nlf\"\n", "cr\r\nlf;");
    ROWS("\"\",\"\"\"\"\n", "|\";");
    ROWS("\"end\"", "end;");
    ROWS("a,\"\"", "a|;");
}

static void test_bom_skipped(void **state)
{
    (void)state;
    ROWS("\xef\xbb\xbf" "a,b\n1,2\n", "a|b;1|2;");
    ROWS("\xef\xbb\xbf", "");
    ROWS("\xef\xbb" "a\n", "\xef\xbb" "a;");  /* Not a whole BOM: kept for the caller. */
}

static void test_utf8_passed_through(void **state)
{
    (void)state;
    ROWS("燃料,ジェット\n", "燃料|ジェット;");
    ROWS("\xff,x\n", "\xff|x;"); /* The caller judges UTF-8 per column. */
}

static void test_refusals_name_row_and_column(void **state)
{
    (void)state;
    expect_refused("a,b\n1,x\"y\n", 8, 2, 2);      /* Quote inside an unquoted field. */
    expect_refused("a,b\n\"1\"x,2\n", 8, 2, 1);    /* Text after the closing quote. */
    expect_refused("a\n\"never closed\n", 8, 2, 1);
    expect_refused("a,b,c\n1,2,3,4\n", 3, 2, 4);   /* More fields than allowed. */
    expect_refused("\"two\nlines\",x\nok,\"\"\"x\n", 8, 2, 2);  /* Rows are records. */
    char out[64];
    uint32_t row = 0;
    uint32_t column = 0;
    assert_int_equal(read_all("a,b\nc,d\0e\n", 10, 8, out, sizeof(out), &row, &column),
                     ACSA_EUSAGE);
    assert_int_equal(row, 2);
    assert_int_equal(column, 2);
}

static void test_error_message(void **state)
{
    (void)state;
    struct acsa_csv_reader r;
    struct acsa_error err;
    assert_int_equal(acsa_csv_reader_open(&r, "a,b\n1,x\"\n", 9, 4, &err), ACSA_OK);
    const char *const *fields = NULL;
    uint32_t count = 0;
    uint32_t column = 0;
    bool end = false;
    assert_int_equal(acsa_csv_next(&r, &fields, &count, &end, &column, &err), ACSA_OK);
    assert_int_equal(acsa_csv_next(&r, &fields, &count, &end, &column, &err), ACSA_EUSAGE);
    assert_non_null(strstr(err.message, "row 2, column 2"));
    acsa_csv_reader_close(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_rows),
        cmocka_unit_test(test_quoted_fields),
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_utf8_passed_through),
        cmocka_unit_test(test_refusals_name_row_and_column),
        cmocka_unit_test(test_error_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
