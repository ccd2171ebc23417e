/* SPDX-License-Identifier: MIT */
/* The audit log: its records, oldest first, paged by id, and the verification of its hash
 * chain. Read by auditors and programme officers. */
#include "server_int.h"

#include <string.h>

#define LEN(array) (sizeof(array) / sizeof((array)[0]))

static enum acsa_rc audit_row(void *ctx, const struct acsa_audit_record *record)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)record->id);
    return acsa__server_page_offer(ctx, key, acsa_audit_json(record));
}

void acsa__server_route_audit_list(struct request *req)
{
    struct page page;
    acsa__server_page_init(&page, false);
    struct json_in_field query[] = {PAGE_QUERY(&page)};
    if (!acsa__server_query_parse(req, query, LEN(query))) {
        return;
    }
    struct json_in_field cursor = {"cursor", JIN_ID, true, NULL, 0, 0, 0, false};
    int64_t after_id = 0;
    struct acsa_error err;
    acsa_error_clear(&err);
    cursor.target = &after_id;
    if (page.cursor[0] != '\0' &&
        acsa__server_json_in_value(&cursor, page.cursor, &err) != ACSA_OK) {
        acsa__server_problem_rc(req, ACSA_EUSAGE, &err);
        return;
    }
    enum acsa_rc rc = acsa_app_audit_list(acsa__server_reader(req), after_id, page.limit + 1,
                                          audit_row, &page, &err);
    acsa__server_page_respond(req, &page, rc, &err, NULL);
}

void acsa__server_route_audit_verify(struct request *req)
{
    struct acsa_audit_verdict verdict;
    struct acsa_error err;
    acsa_error_clear(&err);
    memset(&verdict, 0, sizeof(verdict));
    if (!acsa__server_query_parse(req, NULL, 0)) {
        return;
    }
    enum acsa_rc rc = acsa_app_audit_verify(acsa__server_reader(req), &verdict, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    json_t *doc = json_pack("{s:b, s:I}", "ok", verdict.ok, "records",
                            (json_int_t)verdict.records);
    if (doc != NULL && !verdict.ok) {
        json_object_set_new(doc, "first_broken", json_integer(verdict.first_broken_id));
        json_object_set_new(doc, "reason", json_string(verdict.reason));
    }
    acsa__server_response_json(req, 200, doc);
}
