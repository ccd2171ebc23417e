/* SPDX-License-Identifier: MIT */
/* The printed forms of an order (DOMAIN.md requirement 16): one canonical record, filled by
 * the application layer from the order, its events, its agreement and its record chain, and
 * rendered as PDF or HTML by src/print. Plain fixed-size data: the same record for every
 * rendering, so the paper and the screen never disagree. */
#ifndef ACSA_FORM_H
#define ACSA_FORM_H

#include <stdbool.h>
#include <stdint.h>

#include "agreement.h"
#include "limits.h"
#include "order.h"

/* Which form. */
enum acsa_form_kind {
    ACSA_FORM_ORDER,     /* The order as raised, approved and accepted. */
    ACSA_FORM_RECEIPT,   /* What was issued and received, line by line. */
    ACSA_FORM_INVOICE,   /* One numbered invoice of a cash order. */
    ACSA_FORM_KIND_COUNT
};

#define ACSA_FORM_STEPS_MAX 48       /* Signed steps listed on one form (the first ones). */
#define ACSA_FORM_SIGNATURES_MAX 4   /* Signature blocks of one form. */
#define ACSA_FORM_TOTALS_MAX 8       /* Total lines of one form. */
#define ACSA_FORM_LABEL_SIZE 48      /* "Approved for the requesting party". */
#define ACSA_FORM_HASH_TEXT_SIZE 65  /* SHA-256 as hex, plus NUL. */

/* One step as signed: who, with which title, on which day, for which party. */
struct acsa_form_step {
    enum acsa_step step;
    int32_t day;
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    char title[ACSA_NAME_SIZE];                  /* The official's title that day, or "". */
    uint32_t line;                               /* Per-line steps: the line; else 0. */
    int64_t quantity_milli;                      /* Per-line steps: the quantity; else 0. */
    int64_t amount_minor;                        /* Money steps, in the order currency. */
    char invoice[ACSA_NUMBER_SIZE];              /* invoice, pay: the invoice; else "". */
};

/* A signature block: name, title and date when signed, blank (a line to sign) when not. */
struct acsa_form_signature {
    char label[ACSA_FORM_LABEL_SIZE];            /* "Requested by", "Received by", ... */
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];                   /* "" : not signed yet. */
    char title[ACSA_NAME_SIZE];
    int32_t day;                                 /* ACSA_DATE_NONE: not signed yet. */
};

/* One line of the form. quantity_milli is the quantity the form is about (ordered on the
 * order, received on the receipt, invoiced on the invoice) and value_minor its value. */
struct acsa_form_line {
    uint32_t no;                                 /* The order's line number, 1-based. */
    char category[ACSA_CODE_SIZE];
    char description[ACSA_TEXT_SIZE];
    char nsn[ACSA_NSN_SIZE];
    char unit_of_issue[ACSA_UNIT_OF_ISSUE_SIZE];
    int64_t ordered_milli;
    int64_t issued_milli;
    int64_t received_milli;
    int64_t quantity_milli;
    int64_t price_minor;
    int64_t value_minor;
    bool closed;                                 /* Ended short (close-line). */
};

/* One total: a label, a currency and an amount. */
struct acsa_form_total {
    char label[ACSA_FORM_LABEL_SIZE];
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    int64_t amount_minor;
};

struct acsa_form {
    enum acsa_form_kind kind;
    char number[ACSA_NUMBER_SIZE];
    char node[ACSA_NATION_SIZE];                 /* The node that printed it. */
    /* The agreement and its parties. */
    char agreement_id[ACSA_ID_SIZE];
    char agreement_title[ACSA_TITLE_SIZE];
    char parties[2][ACSA_NATION_SIZE];
    char requester[ACSA_NATION_SIZE];
    char supplier[ACSA_NATION_SIZE];
    int64_t requester_unit_id;                   /* 0 if none (who may see it). */
    int64_t supplier_unit_id;
    char requester_unit[ACSA_NAME_SIZE];         /* "" if none. */
    char supplier_unit[ACSA_NAME_SIZE];
    /* The activity. */
    char activity[ACSA_NAME_SIZE];
    char activity_type[ACSA_CODE_SIZE];
    int32_t activity_from_day;
    int32_t activity_to_day;
    char activity_place[ACSA_TEXT_SIZE];
    /* The order. */
    enum acsa_method method;
    enum acsa_state state;
    char currency[ACSA_CURRENCY_SIZE];
    uint8_t exponent;
    char place[ACSA_TEXT_SIZE];
    int32_t need_by_day;
    int32_t created_day;
    int32_t delivered_day;
    int32_t due_day;                             /* The order's, ACSA_DATE_NONE if none. */
    /* The invoice form's invoice ("" on the other forms). */
    char invoice[ACSA_NUMBER_SIZE];
    int32_t invoice_day;
    int32_t invoice_due_day;
    int64_t invoice_amount_minor;
    int64_t invoice_paid_minor;
    uint32_t line_count;
    struct acsa_form_line lines[ACSA_ORDER_LINES_MAX];
    uint32_t total_count;
    struct acsa_form_total totals[ACSA_FORM_TOTALS_MAX];
    uint32_t step_count;
    uint32_t steps_omitted;                      /* Signed steps past ACSA_FORM_STEPS_MAX. */
    struct acsa_form_step steps[ACSA_FORM_STEPS_MAX];
    uint32_t signature_count;
    struct acsa_form_signature signatures[ACSA_FORM_SIGNATURES_MAX];
    /* The SHA-256 of the order's last record on this node, as hex ("" if it has none), and
     * how many records its chain holds. */
    char hash[ACSA_FORM_HASH_TEXT_SIZE];
    uint32_t record_count;
};

/** "order", "receipt", "invoice". */
const char *acsa_form_kind_name(enum acsa_form_kind kind);
/** The title printed on the form ("ORDER FOR SUPPLIES OR SERVICES"). */
const char *acsa_form_kind_title(enum acsa_form_kind kind);
bool acsa_form_kind_parse(const char *text, enum acsa_form_kind *out);
/** The text a form's QR code encodes: "acsa:NUMBER:HASH" into buf (size bytes). */
char *acsa_form_qr_text(const struct acsa_form *form, char *buf, uint32_t size);
/** Whether text is 64 hexadecimal digits (either case). */
bool acsa_form_hash_valid(const char *text);

#endif
