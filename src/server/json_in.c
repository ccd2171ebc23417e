/* SPDX-License-Identifier: MIT */
/* The one validation of request input: the content type, JSON syntax (line and column),
 * unknown, missing and mistyped members, and the values themselves, each refusal naming its
 * field ("lines[1].qty"). Query strings are checked against the same kind of table. */
#include "server_int.h"
#include "alloc.h"

#include <errno.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "money.h"
#include "text.h"


static enum acsa_rc invalid(struct acsa_error *err, const char *field, const char *rule,
                            const char *text)
{
    return acsa_error_set(err, ACSA_EUSAGE, field, "%s: \"%.*s\" %s", field, ACSA_QUOTE_MAX, text,
                          rule);
}

static enum acsa_rc convert_integer(struct json_in_field *f, const char *field, long long value,
                                    struct acsa_error *err)
{
    long long min = f->kind == JIN_COUNT ? (long long)f->min : 1;
    long long max = f->kind == JIN_ID ? INT64_MAX : f->kind == JIN_COUNT ? f->max : UINT32_MAX;
    if (value < min || value > max) {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: must be a whole number from %lld to "
                              "%lld", field, min, max);
    }
    if (f->kind == JIN_ID) {
        *(int64_t *)f->target = (int64_t)value;
    } else {
        *(uint32_t *)f->target = (uint32_t)value;
    }
    return ACSA_OK;
}

/* A whole number in text (query strings): digits only. */
static enum acsa_rc convert_number_text(struct json_in_field *f, const char *field,
                                        const char *text, struct acsa_error *err)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || errno != 0 || *end != '\0') {
        return invalid(err, field, "is not a whole number", text);
    }
    return convert_integer(f, field, value, err);
}

static enum acsa_rc convert_text_field(struct json_in_field *f, const char *field,
                                       const char *text, struct acsa_error *err)
{
    size_t length = strlen(text);
    if (length == 0 && f->kind == JIN_TEXT) {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: must not be empty", field);
    }
    if (length >= f->size) {
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: longer than %zu bytes", field,
                              f->size - 1);
    }
    memcpy(f->target, text, length + 1);
    return ACSA_OK;
}

/* Converts text into f's target; the value of a JSON string, of a query parameter or of a path
 * parameter. Every such text passes the text rule (core/text.h) first, whatever its kind, so
 * nothing stored and no message quoting it holds a control character or bytes that are not
 * UTF-8. No field of the API is multi-line: newline is refused everywhere. */
static enum acsa_rc convert_text(struct json_in_field *f, const char *field, const char *text,
                                 struct acsa_error *err)
{
    enum acsa_rc rc = acsa_text_check(text, ACSA_TEXT_LINE, field, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    switch (f->kind) {
    case JIN_TEXT:
    case JIN_TEXT_EMPTY:
        return convert_text_field(f, field, text, err);
    case JIN_NATION:
        if (!acsa_nation_valid(text)) {
            return invalid(err, field, "is not an ISO 3166 alpha-2 code (e.g. IN, JP)", text);
        }
        memcpy(f->target, text, ACSA_NATION_SIZE);
        return ACSA_OK;
    case JIN_CURRENCY:
        *(const struct acsa_currency **)f->target = acsa_currency_find(text);
        return *(const struct acsa_currency **)f->target != NULL
                   ? ACSA_OK
                   : invalid(err, field, "is not a known ISO 4217 currency", text);
    case JIN_DATE:
        return acsa_date_parse(text, field, f->target, err);
    case JIN_QUANTITY:
        return acsa_quantity_parse(text, field, f->target, err);
    case JIN_AMOUNT:
        *(const char **)f->target = text;
        return ACSA_OK;
    case JIN_METHOD:
        return acsa_method_parse(text, f->target) ? ACSA_OK
                                                  : invalid(err, field, "is not cash, rik or eve",
                                                            text);
    case JIN_ROLE:
        return acsa_role_parse(text, f->target) ? ACSA_OK
                                                : invalid(err, field, "is not a role", text);
    case JIN_STATE:
        return acsa_state_parse(text, f->target) ? ACSA_OK
                                                 : invalid(err, field, "is not a state", text);
    case JIN_BOOL:
        if (strcmp(text, "true") != 0 && strcmp(text, "false") != 0) {
            return invalid(err, field, "is not true or false", text);
        }
        *(bool *)f->target = strcmp(text, "true") == 0;
        return ACSA_OK;
    case JIN_ID:
    case JIN_LINE_NO:
    case JIN_COUNT:
        return convert_number_text(f, field, text, err);
    case JIN_ARRAY:
        break;
    }
    return acsa_error_set(err, ACSA_EUSAGE, field, "%s: not accepted here", field);
}

static const char *type_wanted(enum json_in_kind kind)
{
    switch (kind) {
    case JIN_ID:
    case JIN_LINE_NO:
    case JIN_COUNT:
        return "a whole number";
    case JIN_BOOL:
        return "true or false";
    case JIN_ARRAY:
        return "a non-empty array";
    default:
        return "a string";
    }
}

static enum acsa_rc convert_json(struct json_in_field *f, const char *field, json_t *value,
                                 struct acsa_error *err)
{
    bool integer = f->kind == JIN_ID || f->kind == JIN_LINE_NO || f->kind == JIN_COUNT;
    if (integer && json_is_integer(value)) {
        return convert_integer(f, field, (long long)json_integer_value(value), err);
    }
    if (f->kind == JIN_BOOL && json_is_boolean(value)) {
        *(bool *)f->target = json_is_true(value);
        return ACSA_OK;
    }
    if (f->kind == JIN_ARRAY && json_is_array(value) && json_array_size(value) > 0) {
        *(json_t **)f->target = value;
        return ACSA_OK;
    }
    bool text = !integer && f->kind != JIN_BOOL && f->kind != JIN_ARRAY;
    if (text && json_is_string(value) &&
        strlen(json_string_value(value)) == json_string_length(value)) {
        return convert_text(f, field, json_string_value(value), err);
    }
    return acsa_error_set(err, ACSA_EUSAGE, field, "%s: must be %s", field,
                          type_wanted(f->kind));
}

static void field_name(char *out, size_t size, const char *path, const char *name)
{
    snprintf(out, size, "%s%s%s", path, path[0] != '\0' ? "." : "", name);
}

static struct json_in_field *find_field(struct json_in_field *fields, size_t count,
                                        const char *name)
{
    for (size_t i = 0; i < count; i++) {
        if (strcmp(fields[i].name, name) == 0) {
            return &fields[i];
        }
    }
    return NULL;
}

enum acsa_rc acsa__server_json_in_object(json_t *object, const char *path,
                                         struct json_in_field *fields, size_t count,
                                         struct acsa_error *err)
{
    char field[ACSA_ERROR_FIELD_SIZE];
    if (!json_is_object(object)) {
        snprintf(field, sizeof(field), "%s", path[0] != '\0' ? path : "body");
        return acsa_error_set(err, ACSA_EUSAGE, field, "%s: must be a JSON object", field);
    }
    const char *key = NULL;
    json_t *value = NULL;
    char name_field[ACSA_ERROR_FIELD_SIZE];
    snprintf(name_field, sizeof(name_field), "%s%smember name", path, path[0] != '\0' ? " " : "");
    json_object_foreach(object, key, value) {
        if (acsa_text_check(key, ACSA_TEXT_LINE, name_field, err) != ACSA_OK) {
            return ACSA_EUSAGE; /* Before the name is quoted back. */
        }
        field_name(field, sizeof(field), path, key);
        struct json_in_field *f = find_field(fields, count, key);
        if (f == NULL) {
            return acsa_error_set(err, ACSA_EUSAGE, field, "%s: unknown member", field);
        }
        if (json_is_null(value) && !f->required) {
            continue;
        }
        enum acsa_rc rc = convert_json(f, field, value, err);
        if (rc != ACSA_OK) {
            return rc;
        }
        f->seen = true;
    }
    for (size_t i = 0; i < count; i++) {
        if (fields[i].required && !fields[i].seen) {
            field_name(field, sizeof(field), path, fields[i].name);
            return acsa_error_set(err, ACSA_EUSAGE, field, "%s: missing member", field);
        }
    }
    return ACSA_OK;
}

static bool json_content_type(const char *type)
{
    static const char json_type[] = "application/json";
    size_t length = sizeof(json_type) - 1;
    return type != NULL && strncasecmp(type, json_type, length) == 0 &&
           (type[length] == '\0' || type[length] == ';' || type[length] == ' ');
}

bool acsa__server_json_in_body(struct request *req, json_t **out)
{
    *out = NULL;
    if (req->body_size == 0) {
        *out = json_object();
        return *out != NULL;
    }
    if (!json_content_type(acsa__server_header(req, MHD_HTTP_HEADER_CONTENT_TYPE))) {
        acsa__server_refusef(req, 415, ACSA_EUSAGE, "Content-Type",
                "Content-Type: the body must be application/json");
        return false;
    }
    json_error_t error;
    unsigned long failures = acsa_alloc_failures();
    json_t *doc = json_loadb(req->body, req->body_size, JSON_REJECT_DUPLICATES, &error);
    if (acsa_alloc_failures() != failures) {
        /* jansson drops what it cannot allocate for, or calls it a syntax error. */
        json_decref(doc);
        acsa__server_problem_rc(req, ACSA_ENOMEM, NULL);
        return false;
    }
    if (doc == NULL) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, "body", "body: line %d, column %d: %s",
                             error.line, error.column, error.text);
        return false;
    }
    *out = doc;
    return true;
}

bool acsa__server_json_in_request(struct request *req, struct json_in_field *fields, size_t count,
                     json_t **out)
{
    json_t *doc = NULL;
    if (out != NULL) {
        *out = NULL;
    }
    if (!acsa__server_json_in_body(req, &doc)) {
        return false;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa__server_json_in_object(doc, "", fields, count, &err);
    if (rc != ACSA_OK) {
        json_decref(doc);
        acsa__server_refuse(req, 400, &err);
        return false;
    }
    if (out != NULL) {
        *out = doc;
    } else {
        json_decref(doc);
    }
    return true;
}

enum acsa_rc acsa__server_json_in_value(struct json_in_field *f, const char *text,
                                        struct acsa_error *err)
{
    return convert_text(f, f->name, text, err);
}

enum acsa_rc acsa__server_json_in_amount(const char *text, const struct acsa_currency *currency,
                            const char *field, int64_t *out_minor, struct acsa_error *err)
{
    return acsa_money_parse(text, currency->exponent, field, out_minor, err);
}

/* ---- Query strings -------------------------------------------------------------------- */

struct query_scan {
    struct json_in_field *params;
    size_t count;
    struct acsa_error err;
};

static enum MHD_Result query_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    struct query_scan *scan = cls;
    if (acsa_text_check(key, ACSA_TEXT_LINE, "query parameter", &scan->err) != ACSA_OK) {
        return MHD_NO; /* Before the name is quoted back. */
    }
    struct json_in_field *f = find_field(scan->params, scan->count, key);
    if (f == NULL) {
        acsa_error_set(&scan->err, ACSA_EUSAGE, key, "%.40s: unknown query parameter", key);
        return MHD_NO;
    }
    if (f->seen) {
        acsa_error_set(&scan->err, ACSA_EUSAGE, key, "%s: given more than once", key);
        return MHD_NO;
    }
    f->seen = true;
    enum acsa_rc rc = convert_text(f, key, value != NULL ? value : "", &scan->err);
    return rc == ACSA_OK ? MHD_YES : MHD_NO;
}

bool acsa__server_query_parse(struct request *req, struct json_in_field *params, size_t count)
{
    struct query_scan scan = {params, count, {ACSA_OK, "", ""}};
    MHD_get_connection_values(req->connection, MHD_GET_ARGUMENT_KIND, query_one, &scan);
    for (size_t i = 0; scan.err.rc == ACSA_OK && i < count; i++) {
        if (params[i].required && !params[i].seen) {
            acsa_error_set(&scan.err, ACSA_EUSAGE, params[i].name, "%s: is required",
                           params[i].name);
        }
    }
    if (scan.err.rc != ACSA_OK) {
        acsa__server_problem_rc(req, scan.err.rc, &scan.err);
        return false;
    }
    return true;
}
