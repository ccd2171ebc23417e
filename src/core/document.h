/* SPDX-License-Identifier: MIT */
/* Supporting documents of order lines (requirement 11): what kinds there are, which content a
 * document may have (PDF, JPEG, PNG, told by its first bytes, never by a file name), which
 * orders take one, and the rule of close_requires_documents. Pure: no I/O, no allocation. */
#ifndef ACSA_DOCUMENT_H
#define ACSA_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agreement.h"
#include "order.h"
#include "rc.h"

/* A document id: the attaching nation, "DOC", the year and a sequence, as invoices are
 * numbered: "IN-DOC-2024-000001". Unique across both nodes because each prefixes its own. */
#define ACSA_DOCUMENT_ID_SIZE ACSA_NUMBER_SIZE
#define ACSA_DOCUMENT_KIND_SIZE 16       /* "delivery-note" and NUL. */
#define ACSA_CONTENT_TYPE_SIZE 24        /* "application/pdf" and NUL. */
/* The largest document a record may name: a partner's record naming more is refused before
 * a byte of it is fetched. The node's own limit (app_limits.h) is at most this. */
#define ACSA_RECORD_DOCUMENT_BYTES_MAX (20u << 20)
#define ACSA_DOCUMENT_TIME_MAX INT64_C(253402300799) /* 9999-12-31T23:59:59Z. */

enum acsa_document_kind {
    ACSA_DOCUMENT_FUEL_TICKET = 1,
    ACSA_DOCUMENT_DELIVERY_NOTE,
    ACSA_DOCUMENT_RECEIPT,
    ACSA_DOCUMENT_INVOICE,
    ACSA_DOCUMENT_OTHER,
};

/* The reference of one document (record kind 6): which line of which order it supports, what
 * it is, and the SHA-256 and size of its bytes, which travel apart from the record. */
struct acsa_document_ref {
    char id[ACSA_DOCUMENT_ID_SIZE];          /* "IN-DOC-2024-000001": the origin's series. */
    char number[ACSA_NUMBER_SIZE];           /* The order. */
    uint32_t line;                           /* 1 .. the order's line count. */
    enum acsa_document_kind kind;
    uint8_t sha256[32];                      /* Of the bytes. */
    int64_t size;                            /* 1 .. ACSA_RECORD_DOCUMENT_BYTES_MAX bytes. */
    char content_type[ACSA_CONTENT_TYPE_SIZE]; /* As sniffed from the bytes. */
    char actor[ACSA_NAME_SIZE];              /* Who attached it. */
    int64_t at_s;                            /* When, Unix seconds. */
};

/** "fuel-ticket", "delivery-note", "receipt", "invoice", "other"; "" if not a kind. */
const char *acsa_document_kind_name(enum acsa_document_kind kind);
/** The kind of name; 0 if none. */
enum acsa_document_kind acsa_document_kind_parse(const char *name);

/** The content type of bytes by their first bytes: "application/pdf" (%PDF-), "image/jpeg"
 * (FF D8 FF), "image/png" (89 'P' 'N' 'G' CR LF 1A LF); NULL for anything else. */
const char *acsa_document_sniff(const uint8_t *bytes, size_t len);
/** Whether text is one of the three content types. */
bool acsa_document_content_type_valid(const char *text);

/** Whether an order in state may take a new document: every state but cancelled and rejected
 * (those orders never moved goods or money, so nothing needs supporting; a closed, settled or
 * disputed order may still need the paper that proves it). */
bool acsa_document_state_allowed(enum acsa_state state);

/** Refuses (ACSA_EREFUSED, field "line") a document for a line the order does not have, or
 * for an order in a state acsa_document_state_allowed refuses (field "state"). */
ACSA_NODISCARD enum acsa_rc acsa_document_check(const struct acsa_order *order, uint32_t line,
                                                struct acsa_error *err);

/** The receipt lines of order (received quantity above zero) that lack a document: bit i-1
 * of the result is line i. lines_with_documents has bit i-1 set for each line i with at
 * least one document. */
uint64_t acsa_document_lines_missing(const struct acsa_order *order,
                                     uint64_t lines_with_documents);

/** The rule of close_requires_documents: where the agreement sets it, an order whose receipt
 * lines lack a document may not close. ACSA_OK, or ACSA_EREFUSED naming the lines ("close:
 * lines 1, 3 have no supporting document (close_requires_documents)"). */
ACSA_NODISCARD enum acsa_rc acsa_document_close_check(const struct acsa_agreement *agreement,
                                                      const struct acsa_order *order,
                                                      uint64_t lines_with_documents,
                                                      struct acsa_error *err);

#endif
