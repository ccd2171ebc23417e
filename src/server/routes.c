/* SPDX-License-Identifier: MIT */
/* The route table of the API (docs/API.md): method, pattern, handler, who may call it and
 * the action a refused write is audited as; and the matcher that takes {params} out of a
 * path. `acsa routes` prints this table; docs/openapi.json describes the same paths. */
#include "server_int.h"

#include <string.h>

#include "text.h"


#define SIGNED_IN ROUTE_SIGNED_IN, ACSA_ACTION_COUNT
#define PUBLIC ROUTE_PUBLIC, ACSA_ACTION_COUNT
#define ACTION(name) ROUTE_ACTION, ACSA_ACTION_##name
#define PEER ROUTE_PEER, ACSA_ACTION_COUNT
#define PROBE ROUTE_PROBE, ACSA_ACTION_COUNT

const struct route acsa__server_routes[] = {
    {"GET", "/healthz", acsa__server_route_healthz, PROBE, NULL},
    {"GET", "/metrics", acsa__server_route_metrics, ACTION(READ_AUDIT), NULL},
    {"GET", "/readyz", acsa__server_route_readyz, PROBE, NULL},
    {"GET", "/problems", acsa__server_route_problems, PUBLIC, NULL},
    {"GET", "/problems/{type}", acsa__server_route_problem, PUBLIC, NULL},
    {"GET", "/api/openapi.json", acsa__server_route_openapi, PUBLIC, NULL},
    {"POST", "/api/session", acsa__server_route_session_create, PUBLIC, "session.create"},
    {"GET", "/api/session", acsa__server_route_session_get, SIGNED_IN, NULL},
    {"DELETE", "/api/session", acsa__server_route_session_delete, SIGNED_IN, "session.delete"},
    {"GET", "/api/users", acsa__server_route_users_list, ACTION(MANAGE_USERS), NULL},
    {"POST", "/api/users", acsa__server_route_users_create, ACTION(MANAGE_USERS), "user.add"},
    {"POST", "/api/users/{username}/disable", acsa__server_route_users_disable,
     ACTION(MANAGE_USERS), "user.disable"},
    {"GET", "/api/tokens", acsa__server_route_tokens_list, SIGNED_IN, NULL},
    {"POST", "/api/tokens", acsa__server_route_tokens_create, SIGNED_IN, "token.create"},
    {"DELETE", "/api/tokens/{id}", acsa__server_route_tokens_delete, SIGNED_IN, "token.revoke"},
    {"GET", "/api/agreements", acsa__server_route_agreements_list, ACTION(READ_REFERENCE), NULL},
    {"GET", "/api/agreements/{id}", acsa__server_route_agreements_get, ACTION(READ_REFERENCE),
     NULL},
    {"POST", "/api/agreements", acsa__server_route_agreements_create, ACTION(MANAGE_NODE),
     "agreement.load"},
    {"GET", "/api/agreements/{id}/lifecycle", acsa__server_route_agreement_lifecycle,
     ACTION(READ_REFERENCE), NULL},
    {"POST", "/api/agreements/{id}/amend", acsa__server_route_agreement_amend, ACTION(MANAGE_NODE),
     "agreement.amend"},
    {"POST", "/api/agreements/{id}/notice", acsa__server_route_agreement_notice,
     ACTION(MANAGE_NODE), "agreement.notice"},
    {"POST", "/api/agreements/{id}/terminate", acsa__server_route_agreement_terminate,
     ACTION(MANAGE_NODE), "agreement.terminate"},
    {"GET", "/api/units", acsa__server_route_units_list, ACTION(READ_REFERENCE), NULL},
    {"POST", "/api/units", acsa__server_route_units_create, ACTION(MANAGE_NODE), "unit.add"},
    {"GET", "/api/officials", acsa__server_route_officials_list, ACTION(READ_REFERENCE), NULL},
    {"POST", "/api/officials", acsa__server_route_officials_create, ACTION(MANAGE_NODE),
     "official.add"},
    {"POST", "/api/officials/revoke", acsa__server_route_officials_revoke, ACTION(MANAGE_NODE),
     "official.revoke"},
    {"GET", "/api/activities", acsa__server_route_activities_list, ACTION(READ_REFERENCE), NULL},
    {"POST", "/api/activities", acsa__server_route_activities_create, ACTION(MANAGE_NODE),
     "activity.add"},
    {"GET", "/api/orders", acsa__server_route_orders_list, SIGNED_IN, NULL},
    {"POST", "/api/orders", acsa__server_route_orders_create, ACTION(CREATE_ORDER), "order.create"},
    {"GET", "/api/orders/{number}", acsa__server_route_orders_get, SIGNED_IN, NULL},
    {"GET", "/api/orders/{number}/forms/{form}", acsa__server_route_order_form, SIGNED_IN, NULL},
    {"GET", "/api/orders/{number}/verify", acsa__server_route_order_verify, SIGNED_IN, NULL},
    {"GET", "/api/orders/{number}/documents", acsa__server_route_documents_list, SIGNED_IN, NULL},
    {"POST", "/api/orders/{number}/documents", acsa__server_route_documents_upload, SIGNED_IN,
     "document.attach"},
    {"GET", "/api/documents/{id}", acsa__server_route_document_get, SIGNED_IN, NULL},
    {"POST", "/api/orders/{number}/{step}", acsa__server_route_orders_step, SIGNED_IN,
     "order.step"},
    {"GET", "/api/balance", acsa__server_route_balance, ACTION(READ_FINANCE), NULL},
    {"GET", "/api/overdue", acsa__server_route_overdue, ACTION(READ_OVERDUE), NULL},
    {"POST", "/api/convert-overdue", acsa__server_route_convert_overdue, ACTION(CONVERT_OVERDUE),
     "order.convert-overdue"},
    {"GET", "/api/stats/monthly", acsa__server_route_stats_monthly, SIGNED_IN, NULL},
    {"GET", "/api/stats/states", acsa__server_route_stats_states, SIGNED_IN, NULL},
    {"GET", "/api/reports/in-transit", acsa__server_route_in_transit, SIGNED_IN, NULL},
    {"POST", "/api/import/orders", acsa__server_route_import_orders, ACTION(CREATE_ORDER),
     "order.import"},
    {"GET", "/api/reports/statement", acsa__server_route_report_statement, ACTION(READ_FINANCE),
     NULL},
    {"GET", "/api/reports/open", acsa__server_route_report_open, ACTION(READ_FINANCE), NULL},
    {"GET", "/api/reports/unliquidated", acsa__server_route_report_unliquidated,
     ACTION(READ_FINANCE), NULL},
    {"GET", "/api/reports/by-method", acsa__server_route_report_by_method, ACTION(READ_FINANCE),
     NULL},
    {"GET", "/api/reports/yearly", acsa__server_route_report_yearly, ACTION(READ_FINANCE), NULL},
    {"GET", "/api/reports/missing", acsa__server_route_report_missing, ACTION(READ_FINANCE),
     NULL},
    {"GET", "/api/export/journal", acsa__server_route_export_journal, ACTION(READ_FINANCE),
     NULL},
    {"GET", "/api/export/{kind}", acsa__server_route_export, SIGNED_IN, NULL},
    {"GET", "/api/audit", acsa__server_route_audit_list, ACTION(READ_AUDIT), NULL},
    {"GET", "/api/audit/verify", acsa__server_route_audit_verify, ACTION(READ_AUDIT), NULL},
    {"GET", "/api/peers", acsa__server_route_peers_list, ACTION(READ_AUDIT), NULL},
    {"GET", "/api/quarantine", acsa__server_route_quarantine_list, ACTION(READ_AUDIT), NULL},
    {"POST", "/api/quarantine/{id}/resolve", acsa__server_route_quarantine_resolve,
     ACTION(MANAGE_NODE), "quarantine.resolve"},
    {"GET", "/api/reconcile", acsa__server_route_reconcile, ACTION(READ_AUDIT), NULL},
    {"POST", "/api/sync", acsa__server_route_sync_run, ACTION(MANAGE_NODE), "sync.run"},
    {"GET", "/sync/v1/status", acsa__server_route_sync_status, PEER, NULL},
    {"GET", "/sync/v1/batches", acsa__server_route_sync_batches_get, PEER, NULL},
    {"POST", "/sync/v1/batches", acsa__server_route_sync_batches_post, PEER, NULL},
    {"GET", "/sync/v1/fingerprints", acsa__server_route_sync_fingerprints, PEER, NULL},
    {"POST", "/sync/v1/facts", acsa__server_route_sync_facts, PEER, NULL},
    {"GET", "/sync/v1/balance", acsa__server_route_sync_balance, PEER, NULL},
    {"GET", "/sync/v1/agreements", acsa__server_route_sync_agreements, PEER, NULL},
    {"GET", "/sync/v1/documents/pending", acsa__server_route_sync_documents_pending, PEER, NULL},
    {"GET", "/sync/v1/documents/{sha256}", acsa__server_route_sync_document_get, PEER, NULL},
    {"POST", "/sync/v1/documents", acsa__server_route_sync_documents_post, PEER, NULL},
    {"GET", "/", acsa__server_route_asset, PUBLIC, NULL},
    {"GET", "/{asset*}", acsa__server_route_asset, PUBLIC, NULL},
};

const size_t acsa__server_route_count =
    sizeof(acsa__server_routes) / sizeof(acsa__server_routes[0]);

/* Copies one path segment (up to '/' or the end) into out; false if it is empty or long. */
static bool take_segment(const char **path, char *out, size_t size, bool rest)
{
    const char *start = *path;
    size_t length = rest ? strlen(start) : strcspn(start, "/");
    if (length == 0 || length >= size) {
        return false;
    }
    memcpy(out, start, length);
    out[length] = '\0';
    *path = start + length;
    return true;
}

/* Whether path fits pattern; the {params} go to params. */
static bool path_matches(const char *pattern, const char *path,
                         char params[SERVER_PARAMS_MAX][SERVER_PARAM_SIZE])
{
    int index = 0;
    while (*pattern != '\0') {
        if (*pattern != '{') {
            if (*pattern != *path) {
                return false;
            }
            pattern++;
            path++;
            continue;
        }
        const char *close = strchr(pattern, '}');
        bool rest = close != NULL && close[-1] == '*';
        if (close == NULL || index == SERVER_PARAMS_MAX ||
            !take_segment(&path, params[index++], SERVER_PARAM_SIZE, rest)) {
            return false;
        }
        pattern = close + 1;
    }
    return *path == '\0';
}

const struct route *acsa__server_route_match(struct request *req, const char *method,
                                             const char *path, bool *out_allowed)
{
    *out_allowed = false;
    bool head = strcmp(method, "HEAD") == 0;
    for (size_t i = 0; i < acsa__server_route_count; i++) {
        const struct route *route = &acsa__server_routes[i];
        if (!path_matches(route->pattern, path, req->params)) {
            continue;
        }
        if (strcmp(route->method, method) == 0 || (head && strcmp(route->method, "GET") == 0)) {
            ACSA_ASSERT(route->handler != NULL);
            ACSA_ASSERT(route->access != ROUTE_ACTION || route->action < ACSA_ACTION_COUNT);
            req->route_index = (int)i;
            return route;
        }
        /* The web UI's catch-all does not make every path a 405. */
        *out_allowed = *out_allowed || strchr(route->pattern, '*') == NULL;
    }
    return NULL;
}

enum acsa_rc acsa__server_route_params_check(const struct request *req, struct acsa_error *err)
{
    const char *open = req->route->pattern;
    for (int index = 0; (open = strchr(open, '{')) != NULL; index++) {
        const char *close = strchr(open, '}');
        ACSA_ASSERT(close != NULL && index < SERVER_PARAMS_MAX); /* Patterns are ours. */
        char name[SERVER_PARAM_NAME_SIZE];
        int length = (int)(close - open - 1) - (close[-1] == '*' ? 1 : 0);
        snprintf(name, sizeof(name), "%.*s", length, open + 1);
        enum acsa_rc rc = acsa_text_check(req->params[index], ACSA_TEXT_LINE, name, err);
        if (rc != ACSA_OK) {
            return rc;
        }
        open = close + 1;
    }
    return ACSA_OK;
}

void acsa__server_route_allowed(const char *path, char *buf, size_t size)
{
    char params[SERVER_PARAMS_MAX][SERVER_PARAM_SIZE];
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < acsa__server_route_count; i++) {
        const struct route *route = &acsa__server_routes[i];
        bool wildcard = strchr(route->pattern, '*') != NULL;
        if (!wildcard && used < size && path_matches(route->pattern, path, params)) {
            int n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "",
                             route->method);
            used = n > 0 ? used + (size_t)n : used;
        }
    }
}

void acsa_server_routes_print(FILE *file)
{
    for (size_t i = 0; i < acsa__server_route_count; i++) {
        /* As OpenAPI writes paths: "{asset*}" is "{asset}" there. */
        const char *pattern = acsa__server_routes[i].pattern;
        const char *star = strchr(pattern, '*');
        int length = star != NULL ? (int)(star - pattern) : (int)strlen(pattern);
        fprintf(file, "%s %.*s%s\n", acsa__server_routes[i].method, length, pattern,
                star != NULL ? star + 1 : "");
    }
}
