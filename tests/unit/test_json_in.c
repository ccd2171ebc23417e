/* SPDX-License-Identifier: MIT */
/* Unit tests of the server's request validation (json_in.c): every member converted, and each
 * refusal (unknown, missing, mistyped, out of range, bad value) naming its field with a path;
 * and of the response text (json_text in response.c), byte for byte jansson's compact text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "server_int.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The targets of one table of fields. */
struct sample {
    char name[8];
    char nation[ACSA_NATION_SIZE];
    const struct acsa_currency *currency;
    int32_t day;
    int64_t id;
    uint32_t line;
    uint32_t count;
    int64_t qty;
    const char *amount;
    enum acsa_method method;
    bool flag;
    json_t *lines;
};

static size_t sample_fields(struct sample *s, struct json_in_field *fields)
{
    struct json_in_field table[] = {
        JIN("name", JIN_TEXT, true, s->name, sizeof(s->name)),
        JIN("nation", JIN_NATION, false, s->nation, 0),
        JIN("currency", JIN_CURRENCY, false, &s->currency, 0),
        JIN("day", JIN_DATE, false, &s->day, 0),
        JIN("id", JIN_ID, false, &s->id, 0),
        JIN("line", JIN_LINE_NO, false, &s->line, 0),
        {"count", JIN_COUNT, false, &s->count, 0, 1, 500, false},
        JIN("qty", JIN_QUANTITY, false, &s->qty, 0),
        JIN("amount", JIN_AMOUNT, false, &s->amount, 0),
        JIN("method", JIN_METHOD, false, &s->method, 0),
        JIN("flag", JIN_BOOL, false, &s->flag, 0),
        JIN("lines", JIN_ARRAY, false, &s->lines, 0),
    };
    memcpy(fields, table, sizeof(table));
    return ARRAY_LEN(table);
}

/* Checks text against the sample table under path; returns the code, err filled. */
static enum acsa_rc check(const char *text, const char *path, struct sample *s,
                          struct acsa_error *err)
{
    struct json_in_field fields[16];
    size_t count = sample_fields(s, fields);
    json_error_t error;
    json_t *doc = json_loads(text, 0, &error);
    assert_non_null(doc);
    acsa_error_clear(err);
    enum acsa_rc rc = acsa__server_json_in_object(doc, path, fields, count, err);
    json_decref(doc);
    return rc;
}

static void expect_refused(const char *text, const char *path, const char *field,
                           const char *message)
{
    struct sample s;
    struct acsa_error err;
    memset(&s, 0, sizeof(s));
    assert_int_equal(check(text, path, &s, &err), ACSA_EUSAGE);
    assert_string_equal(err.field, field);
    assert_string_equal(err.message, message);
}

static void converts_every_kind(void **state)
{
    struct sample s;
    struct acsa_error err;
    memset(&s, 0, sizeof(s));
    assert_int_equal(check("{\"name\":\"abc\",\"nation\":\"IN\",\"currency\":\"JPY\","
                           "\"day\":\"2024-06-12\",\"id\":7,\"line\":2,\"count\":500,"
                           "\"qty\":\"0.5\",\"amount\":\"12.50\",\"method\":\"rik\","
                           "\"flag\":true}",
                           "", &s, &err),
                     ACSA_OK);
    assert_string_equal(s.name, "abc");
    assert_string_equal(s.nation, "IN");
    assert_string_equal(s.currency->code, "JPY");
    assert_int_equal(s.day, acsa_date_from_ymd(2024, 6, 12));
    assert_int_equal(s.id, 7);
    assert_int_equal(s.line, 2);
    assert_int_equal(s.count, 500);
    assert_int_equal(s.qty, 500);
    assert_int_equal(s.method, ACSA_METHOD_RIK);
    assert_true(s.flag);
}

static void null_is_absent_for_optional_members(void **state)
{
    struct sample s;
    struct acsa_error err;
    memset(&s, 0, sizeof(s));
    assert_int_equal(check("{\"name\":\"x\",\"nation\":null}", "", &s, &err), ACSA_OK);
    assert_string_equal(s.nation, "");
}

static void refusals_name_the_field(void **state)
{
    expect_refused("{\"name\":\"x\",\"colour\":1}", "", "colour", "colour: unknown member");
    expect_refused("{}", "", "name", "name: missing member");
    expect_refused("{\"name\":\"\"}", "", "name", "name: must not be empty");
    expect_refused("{\"name\":\"toolongname\"}", "", "name", "name: longer than 7 bytes");
    expect_refused("{\"name\":5}", "", "name", "name: must be a string");
    expect_refused("{\"name\":\"x\",\"id\":\"7\"}", "", "id", "id: must be a whole number");
    expect_refused("{\"name\":\"x\",\"id\":0}", "", "id",
                   "id: must be a whole number from 1 to 9223372036854775807");
    expect_refused("{\"name\":\"x\",\"count\":501}", "", "count",
                   "count: must be a whole number from 1 to 500");
    expect_refused("{\"name\":\"x\",\"nation\":\"India\"}", "", "nation",
                   "nation: \"India\" is not an ISO 3166 alpha-2 code (e.g. IN, JP)");
    expect_refused("{\"name\":\"x\",\"currency\":\"XXX\"}", "", "currency",
                   "currency: \"XXX\" is not a known ISO 4217 currency");
    expect_refused("{\"name\":\"x\",\"method\":\"barter\"}", "", "method",
                   "method: \"barter\" is not cash, rik or eve");
    expect_refused("{\"name\":\"x\",\"flag\":\"yes\"}", "", "flag", "flag: must be true or false");
    expect_refused("{\"name\":\"x\",\"lines\":[]}", "", "lines",
                   "lines: must be a non-empty array");
}

/* Finding 5 of issue 8: every text of a body, whatever its kind, and every member name is held
 * to the text rule before it is converted or quoted. */
static void control_characters_refused_naming_the_field(void **state)
{
    expect_refused("{\"name\":\"a\\u001bb\"}", "", "name",
                   "name: control character U+001B at byte 2 is not allowed");
    expect_refused("{\"name\":\"a\\nb\"}", "", "name",
                   "name: control character U+000A at byte 2 is not allowed");
    expect_refused("{\"name\":\"x\",\"nation\":\"I\\u0007\"}", "", "nation",
                   "nation: control character U+0007 at byte 2 is not allowed");
    expect_refused("{\"name\":\"x\",\"amount\":\"1\\u009b\"}", "", "amount",
                   "amount: control character U+009B at byte 2 is not allowed");
    expect_refused("{\"name\":\"x\",\"day\":\"\\r2024-06-12\"}", "lines[2]", "lines[2].day",
                   "lines[2].day: control character U+000D at byte 1 is not allowed");
    expect_refused("{\"na\\u001bme\":\"x\"}", "", "member name",
                   "member name: control character U+001B at byte 3 is not allowed");
    expect_refused("{\"na\\u001bme\":\"x\"}", "lines[0]", "lines[0] member name",
                   "lines[0] member name: control character U+001B at byte 3 is not allowed");
}

static void nested_paths(void **state)
{
    expect_refused("{\"name\":\"x\",\"qty\":1000}", "lines[1]", "lines[1].qty",
                   "lines[1].qty: must be a string");
    expect_refused("{}", "lines[0]", "lines[0].name", "lines[0].name: missing member");
    expect_refused("[]", "lines[3]", "lines[3]", "lines[3]: must be a JSON object");
}

static void amounts_convert_in_their_currency(void **state)
{
    struct acsa_error err;
    int64_t minor = 0;
    acsa_error_clear(&err);
    assert_int_equal(
        acsa__server_json_in_amount("12.50", acsa_currency_find("USD"), "price", &minor, &err),
        ACSA_OK);
    assert_int_equal(minor, 1250);
    assert_int_equal(acsa__server_json_in_amount("12.5", acsa_currency_find("JPY"),
                                                 "lines[0].price", &minor, &err),
                     ACSA_EUSAGE);
    assert_string_equal(err.field, "lines[0].price");
}

/* json_text writes what json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) writes. */
static void expect_same_text(json_t *doc)
{
    char *expected = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
    size_t size = 0;
    char *text = acsa__server_json_text(doc, &size);
    assert_non_null(expected);
    assert_non_null(text);
    assert_int_equal(size, strlen(expected));
    assert_memory_equal(text, expected, size);
    free(expected);
    free(text);
    json_decref(doc);
}

static void text_is_jansson_compact_text(void **state)
{
    char controls[32 + 8];
    for (int i = 1; i < 32; i++) {
        controls[i - 1] = (char)i;
    }
    memcpy(controls + 31, "\"\\/\x7f", 5);
    const char *utf8 = "Gr\xc3\xbc\xc3\x9f \xe2\x82\xb9 \xf0\x9f\x9a\xa2";
    json_t *nul = json_stringn("a\0b", 3);
    json_t *doc = json_pack("{s:s, s:s, s:s, s:I, s:I, s:b, s:b, s:n, s:[], s:{}, s:o}", "text",
                            "plain", "controls", controls, "utf8", utf8, "zero", (json_int_t)0,
                            "min", (json_int_t)INT64_MIN, "yes", 1, "no", 0, "none", "empty",
                            "nothing", "nul", nul);
    assert_non_null(doc);
    assert_int_equal(json_object_set_new(doc, "key \"\n\\", json_pack("[i, [s, {s:[]}], {}]", -7,
                                                                      "x", "y")), 0);
    expect_same_text(doc);
    expect_same_text(json_pack("[]"));
    expect_same_text(json_pack("{}"));
    expect_same_text(json_string(""));
    (void)state;
}

/* The text of json (taken) is text (freed). */
static void expect_text_is_json(char *text, size_t size, json_t *json)
{
    char *expected = json_dumps(json, JSON_COMPACT | JSON_PRESERVE_ORDER);
    assert_non_null(expected);
    assert_non_null(text);
    assert_int_equal(size, strlen(expected));
    assert_memory_equal(text, expected, size);
    free(expected);
    free(text);
    json_decref(json);
}

static void order_and_event_text_are_their_json(void **state)
{
    struct acsa_order_view *view = calloc(1, sizeof(*view));
    assert_non_null(view);
    struct acsa_order *o = &view->order;
    snprintf(o->number, sizeof(o->number), "IN-JP-2024-000042");
    snprintf(o->agreement_id, sizeof(o->agreement_id), "IN-JP-2020");
    snprintf(o->requester, sizeof(o->requester), "IN");
    snprintf(o->supplier, sizeof(o->supplier), "JP");
    o->requester_unit_id = 2;
    o->activity_id = 7;
    o->method = ACSA_METHOD_RIK;
    o->state = ACSA_STATE_DELIVERED;
    o->currency = *acsa_currency_find("USD");
    snprintf(o->place, sizeof(o->place), "Berth \"4\"\n\x01 \xe2\x82\xb9");
    o->need_by_day = acsa_date_from_ymd(2024, 6, 18);
    o->created_day = acsa_date_from_ymd(2024, 6, 12);
    o->delivered_day = acsa_date_from_ymd(2024, 6, 20);
    o->invoiced_day = ACSA_DATE_NONE;
    o->due_day = acsa_date_from_ymd(2024, 7, 20);
    o->value_minor = 123456;
    o->received_value_minor = 100000;
    o->cash_due_minor = -5;
    o->converted = true;
    o->line_count = 2;
    snprintf(o->lines[0].category, sizeof(o->lines[0].category), "pol");
    snprintf(o->lines[0].description, sizeof(o->lines[0].description), "Diesel \xff\xfe fuel");
    snprintf(o->lines[0].unit_of_issue, sizeof(o->lines[0].unit_of_issue), "l");
    o->lines[0].quantity_milli = 1000500;
    o->lines[0].price_minor = 150;
    o->lines[0].received_milli = 999;
    snprintf(o->lines[1].category, sizeof(o->lines[1].category), "water");
    snprintf(o->lines[1].description, sizeof(o->lines[1].description), "Water \\ ice");
    snprintf(o->lines[1].nsn, sizeof(o->lines[1].nsn), "6810-01-234-5678");
    snprintf(o->lines[1].unit_of_issue, sizeof(o->lines[1].unit_of_issue), "ea");
    o->lines[1].quantity_milli = 3;
    o->lines[1].issued_milli = 2;
    snprintf(view->requester_unit, sizeof(view->requester_unit), "Indian Navy");
    for (int activity = 0; activity < 2; activity++) {
        view->activity.id = activity == 0 ? 0 : 7;
        snprintf(view->activity.name, sizeof(view->activity.name), "JIMEX 2024");
        snprintf(view->activity.type, sizeof(view->activity.type), "bilateral-training");
        for (int32_t today = o->due_day; today <= o->due_day + 1; today++) {
            struct acsa_text t;
            acsa_text_init(&t, 16);
            ACSA_TEXT_LIT(&t, "{");
            acsa_order_text_members(&t, view, today);
            ACSA_TEXT_LIT(&t, "}");
            size_t size = 0;
            char *text = acsa_text_take(&t, &size);
            expect_text_is_json(text, size, acsa_order_json(view, today));
        }
    }
    struct acsa_event_row row;
    memset(&row, 0, sizeof(row));
    row.id = 9001;
    row.event.step = ACSA_STEP_RECEIVE;
    row.event.day = acsa_date_from_ymd(2024, 6, 20);
    snprintf(row.event.actor, sizeof(row.event.actor), "Lt Cdr M. Pillai");
    row.event.state_from = ACSA_STATE_DELIVERING;
    row.event.state_to = ACSA_STATE_DELIVERED;
    row.event.line_no = 1;
    row.event.quantity_milli = 500;
    row.event.amount_minor = -75;
    row.event.posting_count = 2;
    row.event.postings[0].account = ACSA_ACCOUNT_RECEIVED;
    snprintf(row.event.postings[0].partner, sizeof(row.event.postings[0].partner), "JP");
    snprintf(row.event.postings[0].currency, sizeof(row.event.postings[0].currency), "JPY");
    row.event.postings[0].amount_minor = 75;
    row.event.postings[0].quantity_milli = 500;
    row.event.postings[0].line_no = 1;
    row.event.postings[1].account = ACSA_ACCOUNT_PAYABLE_KIND;
    snprintf(row.event.postings[1].partner, sizeof(row.event.postings[1].partner), "JP");
    snprintf(row.event.postings[1].currency, sizeof(row.event.postings[1].currency), "XXX");
    row.event.postings[1].amount_minor = -75;
    for (int detail = 0; detail < 2; detail++) {
        snprintf(row.event.detail, sizeof(row.event.detail), "%s", detail == 0 ? "" : "late\t!");
        struct acsa_text t;
        acsa_text_init(&t, 0);
        acsa_event_text(&t, &row, &o->currency);
        size_t size = 0;
        char *text = acsa_text_take(&t, &size);
        expect_text_is_json(text, size, acsa_event_json(&row, &o->currency));
    }
    free(view);
    (void)state;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(converts_every_kind),
        cmocka_unit_test(null_is_absent_for_optional_members),
        cmocka_unit_test(refusals_name_the_field),
        cmocka_unit_test(control_characters_refused_naming_the_field),
        cmocka_unit_test(nested_paths),
        cmocka_unit_test(amounts_convert_in_their_currency),
        cmocka_unit_test(text_is_jansson_compact_text),
        cmocka_unit_test(order_and_event_text_are_their_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
