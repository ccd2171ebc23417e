/* SPDX-License-Identifier: MIT */
/* An agreement as data: parties, period, eligible activity types, categories, exclusions,
 * settlement methods and deadlines, currencies. Every order is checked against one. */
#ifndef ACSA_AGREEMENT_H
#define ACSA_AGREEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "money.h"
#include "rc.h"

/* Settlement methods. The numbers are stored: never renumber. */
enum acsa_method {
    ACSA_METHOD_CASH = 0, /* Reimbursement in currency, due after the invoice. */
    ACSA_METHOD_RIK = 1,  /* Replacement in kind, due after receipt. */
    ACSA_METHOD_EVE = 2,  /* Equal-value exchange, due after receipt; difference in cash. */
    ACSA_METHOD_COUNT
};

/** "cash", "rik", "eve". */
const char *acsa_method_name(enum acsa_method method);
/** Parses "cash", "rik" or "eve"; false for anything else. */
bool acsa_method_parse(const char *text, enum acsa_method *out);

/* What happens when an in-kind obligation misses its deadline. */
enum acsa_conversion {
    ACSA_CONVERSION_AUTOMATIC = 0, /* convert-overdue converts it. */
    ACSA_CONVERSION_APPROVAL = 1,  /* convert-overdue converts it; recorded as approved by the
                                      person running the command. */
};

/** "automatic" or "approval". */
const char *acsa_conversion_name(enum acsa_conversion conversion);
/** Parses "automatic" or "approval"; false for anything else. */
bool acsa_conversion_parse(const char *text, enum acsa_conversion *out);

struct acsa_agreement {
    char id[ACSA_ID_SIZE];                     /* "IN-JP-2020". */
    char title[ACSA_TITLE_SIZE];               /* Free text. */
    char parties[2][ACSA_NATION_SIZE];         /* ISO 3166 alpha-2, two different ones. */
    int32_t signed_day;                        /* Date of signature. */
    int32_t effective_from_day;                /* In force from. */
    int32_t term_years;                        /* Initial term (>= 1). */
    int32_t renewal_years;                     /* Automatic renewal period; 0 = none. */
    int32_t terminated_day;                    /* Termination date, or ACSA_DATE_NONE. */
    char activity_types[ACSA_AGREEMENT_ACTIVITY_TYPES_MAX][ACSA_CODE_SIZE]; /* Eligible. */
    uint32_t activity_type_count;                                           /* Used entries. */
    char categories[ACSA_AGREEMENT_CATEGORIES_MAX][ACSA_CODE_SIZE];         /* Permitted. */
    uint32_t category_count;                                                /* Used entries. */
    char excluded[ACSA_AGREEMENT_EXCLUDED_MAX][ACSA_CODE_SIZE];             /* Never allowed. */
    uint32_t excluded_count;                                                /* Used entries. */
    bool method_allowed[ACSA_METHOD_COUNT];    /* Which settlement methods may be used. */
    int32_t due_days[ACSA_METHOD_COUNT];       /* cash: days after invoice; rik, eve: after
                                                  receipt (delivery complete). */
    struct acsa_currency currencies[ACSA_AGREEMENT_CURRENCIES_MAX]; /* Allowed currencies. */
    uint32_t currency_count;                                        /* Used entries. */
    enum acsa_conversion conversion;           /* Rule for overdue in-kind obligations. */
    int32_t invoice_within_days;               /* Warn when delivered but not invoiced. */
    int32_t ageing_bounds[ACSA_AGEING_BOUNDS]; /* Upper bounds of the first buckets (30,90,365). */
    char pricing_basis[ACSA_TEXT_SIZE];        /* How prices are set, free text. */
    /* Participating services of each party, in the order of parties[] ("army", "jmsdf"). A
     * party with none listed (a file without "services") takes any service. */
    char services[2][ACSA_AGREEMENT_SERVICES_MAX][ACSA_CODE_SIZE];
    uint32_t service_count[2];
    /* Notice of non-renewal given on, or ACSA_DATE_NONE. Not from the file: a signed fact of
     * the node (agreement notice), set when the agreement is loaded for use. */
    int32_t notice_day;
    int32_t planning_days_before;              /* An order may be dated this many days before
                                                  its activity starts (default 90). */
    int32_t days_after;                        /* ... and this many after it ends (default 30). */
    int32_t backdate_days;                     /* A step dated more days than this before the
                                                  day it is recorded needs a back-entry reason
                                                  (default 30). */
    int32_t transit_days;                      /* A line issued and not received after this
                                                  many days is a discrepancy (in transit). */
    bool close_requires_documents;             /* An order whose receipt lines lack a
                                                  supporting document may not close
                                                  (document.h; default false). */
};

/* Days a line may be in transit (issued, not received) before it is reported. */
#define ACSA_AGREEMENT_TRANSIT_DAYS_DEFAULT 14

/** Checks an agreement's internal consistency (two different well-formed parties, known
 * currencies, a category not both permitted and excluded, positive deadlines, ascending
 * ageing bounds, at least one method, activity type and category). ACSA_EUSAGE with the
 * field named on failure. Pure. */
ACSA_NODISCARD enum acsa_rc acsa_agreement_validate(const struct acsa_agreement *agreement,
                                                    struct acsa_error *err);

/** Whether new orders may be raised under the agreement on day: on or after effective_from
 * and on or before acsa_agreement_last_day. */
bool acsa_agreement_in_force(const struct acsa_agreement *agreement, int32_t day);

/** The last day of the current term as of day (ACSA_DATE_NONE when renewals never end). */
int32_t acsa_agreement_term_end(const struct acsa_agreement *agreement, int32_t day);

/** The agreement's last day as of what is known: the end of the initial term without
 * renewal; with automatic renewal, the end of the term in which notice of non-renewal was
 * given (notice_day), or no end (ACSA_DATE_NONE) without notice; a termination
 * (terminated_day, the day it takes effect) ends it the day before, if that comes earlier. */
int32_t acsa_agreement_last_day(const struct acsa_agreement *agreement);

/** Which of count versions, listed by ascending effective day, is in force on day: the last
 * whose effective day is on or before day, or the first (0) when day precedes them all. */
uint32_t acsa_agreement_version_pick(const int32_t *effective_days, uint32_t count, int32_t day);

/** Whether service is a participating service of nation under the agreement (any service
 * when the agreement lists none for that party). */
bool acsa_agreement_has_service(const struct acsa_agreement *agreement, const char *nation,
                                const char *service);

/** Refuses (ACSA_EREFUSED, naming field and the rule) a unit of nation whose service is not
 * a participating service under the agreement. */
ACSA_NODISCARD enum acsa_rc acsa_agreement_check_service(const struct acsa_agreement *agreement,
                                                         const char *field, const char *nation,
                                                         const char *unit_name,
                                                         const char *service,
                                                         struct acsa_error *err);

bool acsa_agreement_has_party(const struct acsa_agreement *agreement, const char *nation);
bool acsa_agreement_has_activity_type(const struct acsa_agreement *agreement, const char *code);
bool acsa_agreement_has_category(const struct acsa_agreement *agreement, const char *code);
bool acsa_agreement_excludes(const struct acsa_agreement *agreement, const char *code);
/** The allowed currency with that code, or NULL. */
const struct acsa_currency *acsa_agreement_currency(const struct acsa_agreement *agreement,
                                                    const char *code);

/** Ageing bucket index of a debt days_overdue (>= 1) days past due: 0 for up to bound[0],
 * 1 up to bound[1], 2 up to bound[2], 3 beyond. */
uint32_t acsa_agreement_ageing_bucket(const struct acsa_agreement *agreement,
                                      int32_t days_overdue);

/** The label of an ageing bucket from the agreement's bounds: "0-30", "31-90", "91-365",
 * ">365". buf holds size bytes. Returns buf. */
char *acsa_agreement_ageing_label(const struct acsa_agreement *agreement, uint32_t bucket,
                                  char *buf, size_t size);

/** The last day a cash order delivered on delivered_day should be invoiced by. */
int32_t acsa_agreement_invoice_by(const struct acsa_agreement *agreement, int32_t delivered_day);

/** Checks that code is a well-formed ISO 3166 alpha-2 code (two upper-case letters). */
bool acsa_nation_valid(const char *code);

/* ---- Lifecycle (agreement_life.c): judged alike where entered and where taken in ---------- */

/** An amendment next of current, in force from effective_day, given the effective days of the
 * count versions held (days[0]: the day the agreement took effect): the same id and parties,
 * a day after the latest version, room for one more version, before any termination.
 * ACSA_EREFUSED (or ACSA_EUSAGE for a missing day) naming the field. */
ACSA_NODISCARD enum acsa_rc acsa_agreement_amend_check(const struct acsa_agreement *current,
                                                      const struct acsa_agreement *next,
                                                      const int32_t *days, uint32_t count,
                                                      int32_t effective_day,
                                                      struct acsa_error *err);

/** A notice of non-renewal on day: on or after the start, not terminated, an agreement that
 * renews itself, no notice given before (agreement->notice_day). */
ACSA_NODISCARD enum acsa_rc acsa_agreement_notice_check(const struct acsa_agreement *agreement,
                                                       int32_t day, struct acsa_error *err);

/** A termination from day: on or after the start, not terminated before, a reason stated. */
ACSA_NODISCARD enum acsa_rc acsa_agreement_terminate_check(
    const struct acsa_agreement *agreement, int32_t day, const char *reason,
    struct acsa_error *err);

#endif
