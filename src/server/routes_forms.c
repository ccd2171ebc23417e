/* SPDX-License-Identifier: MIT */
/* GET /api/orders/{number}/forms/{form}.pdf and .html: the printed order, receipt or invoice
 * form of an order the user may see (?invoice= picks the invoice form's invoice), rendered by
 * src/print from acsa_app_order_form; and GET /api/orders/{number}/verify?hash=: a printed
 * hash checked against the order's records. Reads on the thread's read connection. */
#include "server_int.h"

#include <string.h>

#include "alloc.h"
#include "print.h"

#define LEN(array) (sizeof(array) / sizeof((array)[0]))
#define FORM_PARAM_SIZE 16   /* "receipt.html" and a little. */

/* "order.pdf" into kind and whether it is HTML; false if it names no form. */
static bool form_of(const char *param, enum acsa_form_kind *kind, bool *html)
{
    const char *dot = strrchr(param, '.');
    char name[FORM_PARAM_SIZE];
    if (dot == NULL || (size_t)(dot - param) >= sizeof(name)) {
        return false;
    }
    snprintf(name, sizeof(name), "%.*s", (int)(dot - param), param);
    *html = strcmp(dot, ".html") == 0;
    return (*html || strcmp(dot, ".pdf") == 0) && acsa_form_kind_parse(name, kind);
}

static void form_answer(struct request *req, const struct acsa_form *form, bool html)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    void *body = NULL;
    size_t size = 0;
    enum acsa_rc rc = html ? acsa_print_html(form, (char **)&body, &size, &err)
                           : acsa_print_pdf(form, (uint8_t **)&body, &size, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    acsa__server_response_text(req, 200, html ? "text/html; charset=utf-8" : "application/pdf",
                               body, size);
    acsa__server_response_header(req, "Content-Disposition", "inline; filename=\"%s-%s.%s\"",
                                 form->number, acsa_form_kind_name(form->kind),
                                 html ? "html" : "pdf");
    acsa__server_response_header(req, "Cache-Control", "no-store");
    if (html) {
        acsa__server_response_header(req, "Content-Security-Policy", "%s", ACSA_PRINT_HTML_CSP);
    }
}

void acsa__server_route_order_form(struct request *req)
{
    char invoice[ACSA_NUMBER_SIZE] = "";
    struct json_in_field params[] = {
        JIN("invoice", JIN_TEXT, false, invoice, sizeof(invoice)),
    };
    if (!acsa__server_query_parse(req, params, LEN(params))) {
        return;
    }
    enum acsa_form_kind kind = ACSA_FORM_ORDER;
    bool html = false;
    if (!form_of(req->params[1], &kind, &html)) {
        acsa__server_refusef(req, 404, ACSA_ENOTFOUND, "form",
                             "form: not order, receipt or invoice with .pdf or .html");
        return;
    }
    if (params[0].seen && kind != ACSA_FORM_INVOICE) {
        acsa__server_refusef(req, 400, ACSA_EUSAGE, "invoice",
                             "invoice: only for the invoice form");
        return;
    }
    struct acsa_form *form = acsa_malloc(sizeof(*form));
    if (form == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_order_form(acsa__server_reader(req), req->params[0], kind,
                                          invoice, &req->user, form, &err);
    if (rc == ACSA_OK) {
        form_answer(req, form, html);
    } else {
        acsa__server_problem_rc(req, rc, &err);
    }
    acsa_free(form);
}

void acsa__server_route_order_verify(struct request *req)
{
    char hash[ACSA_FORM_HASH_TEXT_SIZE + 1] = "";
    struct json_in_field params[] = {
        JIN("hash", JIN_TEXT, true, hash, sizeof(hash)),
    };
    if (!acsa__server_query_parse(req, params, LEN(params))) {
        return;
    }
    for (char *c = hash; *c != '\0'; c++) {
        *c = (*c >= 'A' && *c <= 'F') ? (char)(*c - 'A' + 'a') : *c;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    struct acsa_order_hash_check check;
    enum acsa_rc rc = acsa_app_order_verify(acsa__server_reader(req), req->params[0], hash,
                                            &req->user, &check, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return;
    }
    bool matches = check.records > 0 && check.match == check.records;
    json_t *doc = json_pack("{s:s, s:s, s:o, s:b, s:b, s:I, s:I}", "number", req->params[0],
                            "hash", hash, "last", acsa_json_text(check.last), "matches",
                            matches, "out_of_date", check.match > 0 && !matches, "record",
                            (json_int_t)check.match, "records", (json_int_t)check.records);
    if (doc == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    acsa__server_response_json(req, 200, doc);
}
