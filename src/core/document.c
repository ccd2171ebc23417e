/* SPDX-License-Identifier: MIT */
/* Supporting documents: kinds, content by magic bytes, and the close rule. */
#include "document.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[] = {
    [ACSA_DOCUMENT_FUEL_TICKET] = "fuel-ticket",
    [ACSA_DOCUMENT_DELIVERY_NOTE] = "delivery-note",
    [ACSA_DOCUMENT_RECEIPT] = "receipt",
    [ACSA_DOCUMENT_INVOICE] = "invoice",
    [ACSA_DOCUMENT_OTHER] = "other",
};

const char *acsa_document_kind_name(enum acsa_document_kind kind)
{
    if (kind < ACSA_DOCUMENT_FUEL_TICKET || kind > ACSA_DOCUMENT_OTHER) {
        return "";
    }
    return kind_names[kind];
}

enum acsa_document_kind acsa_document_kind_parse(const char *name)
{
    for (int k = ACSA_DOCUMENT_FUEL_TICKET; k <= ACSA_DOCUMENT_OTHER; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            return (enum acsa_document_kind)k;
        }
    }
    return (enum acsa_document_kind)0;
}

static const struct {
    const char *type;
    const char *magic;
    size_t len;
} magics[] = {
    {"application/pdf", "%PDF-", 5},
    {"image/jpeg", "\xFF\xD8\xFF", 3},
    {"image/png", "\x89PNG\r\n\x1A\n", 8},
};

const char *acsa_document_sniff(const uint8_t *bytes, size_t len)
{
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
        if (len >= magics[i].len && memcmp(bytes, magics[i].magic, magics[i].len) == 0) {
            return magics[i].type;
        }
    }
    return NULL;
}

bool acsa_document_content_type_valid(const char *text)
{
    for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
        if (strcmp(text, magics[i].type) == 0) {
            return true;
        }
    }
    return false;
}

bool acsa_document_state_allowed(enum acsa_state state)
{
    return state != ACSA_STATE_CANCELLED && state != ACSA_STATE_REJECTED;
}

enum acsa_rc acsa_document_check(const struct acsa_order *order, uint32_t line,
                                 struct acsa_error *err)
{
    if (line < 1 || line > order->line_count) {
        return acsa_error_set(err, ACSA_EREFUSED, "line", "line: order %s has no line %u "
                              "(it has %u)", order->number, line, order->line_count);
    }
    if (!acsa_document_state_allowed(order->state)) {
        return acsa_error_set(err, ACSA_EREFUSED, "state", "state: order %s is %s; a %s order "
                              "takes no documents", order->number,
                              acsa_state_name(order->state), acsa_state_name(order->state));
    }
    return ACSA_OK;
}

uint64_t acsa_document_lines_missing(const struct acsa_order *order,
                                     uint64_t lines_with_documents)
{
    uint64_t missing = 0;
    for (uint32_t i = 0; i < order->line_count && i < 64; i++) {
        uint64_t bit = UINT64_C(1) << i;
        if (order->lines[i].received_milli > 0 && (lines_with_documents & bit) == 0) {
            missing |= bit;
        }
    }
    return missing;
}

enum acsa_rc acsa_document_close_check(const struct acsa_agreement *agreement,
                                       const struct acsa_order *order,
                                       uint64_t lines_with_documents, struct acsa_error *err)
{
    if (!agreement->close_requires_documents) {
        return ACSA_OK;
    }
    uint64_t missing = acsa_document_lines_missing(order, lines_with_documents);
    if (missing == 0) {
        return ACSA_OK;
    }
    char list[ACSA_ERROR_MESSAGE_SIZE / 2];
    size_t used = 0;
    unsigned count = 0;
    list[0] = '\0';
    for (unsigned i = 0; i < 64; i++) {
        if ((missing & (UINT64_C(1) << i)) == 0 || used >= sizeof(list)) {
            continue;
        }
        int n = snprintf(list + used, sizeof(list) - used, "%s%u", count > 0 ? ", " : "",
                         i + 1);
        used += n > 0 ? (size_t)n : 0;
        count++;
    }
    return acsa_error_set(err, ACSA_EREFUSED, "close", "close: %s %s %s no supporting document "
                          "(close_requires_documents)", count == 1 ? "line" : "lines", list,
                          count == 1 ? "has" : "have");
}
