/* SPDX-License-Identifier: MIT */
/* Every bound of the domain core in one place. Structs are fixed-size so the core never
 * allocates; the relations between bounds are checked at compile time. */
#ifndef ACSA_LIMITS_H
#define ACSA_LIMITS_H

#include <stdint.h>

#define ACSA_NATION_SIZE 3              /* ISO 3166 alpha-2 plus NUL. */
#define ACSA_CURRENCY_SIZE 4            /* ISO 4217 alpha-3 plus NUL. */
#define ACSA_CODE_SIZE 32               /* Category and activity-type codes. */
#define ACSA_ID_SIZE 32                 /* Agreement ids such as IN-JP-2020. */
#define ACSA_NUMBER_SIZE 32             /* Order numbers such as IN-JP-2024-000042. */
#define ACSA_NAME_SIZE 96               /* Person, unit and activity names. */
#define ACSA_TITLE_SIZE 160             /* Agreement titles. */
#define ACSA_TEXT_SIZE 256              /* Descriptions, places, reasons. */
#define ACSA_NSN_SIZE 32                /* NATO stock number or part number. */
#define ACSA_UNIT_OF_ISSUE_SIZE 16      /* "l", "kg", "ea", "night", ... */
#define ACSA_NAME_KEY_SIZE 32           /* A person's comparison key: SHA-256 of the name
                                           case-folded and with its spaces normalised. */

#define ACSA_AGREEMENT_CATEGORIES_MAX 32
#define ACSA_AGREEMENT_EXCLUDED_MAX 16
#define ACSA_AGREEMENT_ACTIVITY_TYPES_MAX 16
#define ACSA_AGREEMENT_CURRENCIES_MAX 8
#define ACSA_ACTIVITY_OTHER_LAWFUL "other-lawful" /* The activity type that needs a reason. */
#define ACSA_AGREEMENT_SERVICES_MAX 16   /* Participating services of one party. */
#define ACSA_AGREEMENT_VERSIONS_MAX 64   /* Versions (amendments) of one agreement. */
#define ACSA_AGREEMENT_DOC_MAX 16384  /* An agreement file as canonical JSON in an amendment
                                           record: the largest file the bounds above allow is
                                           under 8 KiB. */
#define ACSA_AGREEMENT_YEARS_MAX 99     /* Longest term or renewal, in years. */
#define ACSA_AGREEMENT_DAYS_MAX 3650    /* Longest deadline of an agreement: ten years. */
#define ACSA_AGEING_BOUNDS 3            /* 0-30, 31-90, 91-365, over 365: three bounds. */

#define ACSA_ORDER_LINES_MAX 64
#define ACSA_ORDER_EVENTS_MAX 512       /* Events one order may carry. */
#define ACSA_ORDER_DUTIES_MAX 64        /* People one order may have raised, submitted, issued
                                           or received by (separation of duties weighs them). */
#define ACSA_EVENT_POSTINGS_MAX 8
#define ACSA_OFFICIAL_LIMITS_MAX 8
#define ACSA_ORDER_INVOICES_MAX 32     /* Partial invoices one order may carry. */
#define ACSA_EXCHANGE_WITH_MAX 8       /* Reverse orders one exchange may match. */
#define ACSA_OFFICIAL_GRANTS_MAX 32     /* Grants one official may hold over its history. */

/* Value limits: the largest value of one order line and of one order, in minor units of the
 * order's currency (10^15: ten trillion US dollars in cents, a quadrillion yen), far above any
 * real order and far below int64, so that every amount of an order, and any sum of amounts of
 * one order, fits int64 and the wide sums of the reports (money.h, acsa_wide) cannot overflow
 * for any number of orders a database can hold. Refused at entry (create, amend), naming the
 * limit. */
#define ACSA_LINE_VALUE_MAX INT64_C(1000000000000000)
#define ACSA_ORDER_VALUE_MAX INT64_C(1000000000000000)

#define ACSA_QUANTITY_SCALE 1000        /* Quantities are kept in thousandths (milli-units). */
#define ACSA_MONEY_TEXT_SIZE 32         /* Longest formatted amount: sign, 19 digits, point. */
#define ACSA_DATE_TEXT_SIZE 11          /* YYYY-MM-DD plus NUL. */
#define ACSA_QUOTE_MAX 40               /* Bytes of a refused input quoted back in a message
                                           (every layer's messages: one bound). */

/* Record counters: a node numbers its records 1, 2, 3, ... A partner's record or batch naming
 * a number above ACSA_RECORD_SEQ_MAX (2^48, a thousand records a second for nine thousand
 * years) is refused, and one batch may skip at most ACSA_RECORD_SEQ_GAP_MAX numbers between
 * two records it carries (the numbers of records for other partners), so that a partner's
 * counter can never jump far ahead of its real records and stall its later syncs. */
#define ACSA_RECORD_SEQ_MAX (INT64_C(1) << 48)

#define ACSA_RECORD_SEQ_GAP_MAX (INT64_C(1) << 20)

/* Sizes of the rows the store keeps for accounts, partner nodes and the quarantine (rows.h). */
#define ACSA_SECRET_TEXT_SIZE 65      /* 32 random bytes or a SHA-256 as hex, plus NUL. */
#define ACSA_AUDIT_TEXT_SIZE 256      /* Detail of an audit record, plus NUL. */
#define ACSA_PASSWORD_HASH_SIZE 128   /* An encoded Argon2id hash, plus NUL. */
#define ACSA_REQUEST_HASH_SIZE 129    /* What identifies a request body, plus NUL. */
#define ACSA_URL_SIZE 256             /* A partner node's base URL, plus NUL. */
#define ACSA_PUBLIC_KEY_SIZE 32       /* Ed25519. */
#define ACSA_SIGNATURE_SIZE 64        /* Ed25519. */
#define ACSA_QUARANTINE_WORD_SIZE 16  /* "retry", "drop"; "open", "applied", "dropped", ... */

_Static_assert(ACSA_NUMBER_SIZE >= 19, "IN-JP-2024-000042 must fit");
_Static_assert(ACSA_SECRET_TEXT_SIZE == 2 * 32 + 1, "a SHA-256 or 32 random bytes as hex");
_Static_assert(ACSA_AUDIT_TEXT_SIZE >= ACSA_TEXT_SIZE, "an audit detail holds a reason whole");
_Static_assert(ACSA_REQUEST_HASH_SIZE >= ACSA_SECRET_TEXT_SIZE, "a request hash holds a SHA-256");
_Static_assert(ACSA_QUARANTINE_WORD_SIZE > sizeof("applied"), "every status word fits");
_Static_assert(ACSA_ORDER_DUTIES_MAX >= 4 * 4,
               "four people at least for each weighed step (raise, submit, issue, receive)");
_Static_assert(ACSA_ORDER_EVENTS_MAX > ACSA_ORDER_LINES_MAX * 4,
               "every line must be able to be issued, received, returned and accepted");
_Static_assert(ACSA_RECORD_SEQ_GAP_MAX < ACSA_RECORD_SEQ_MAX,
               "a gap is a part of the counter's range");
_Static_assert(ACSA_RECORD_SEQ_MAX <= INT64_MAX / 4,
               "sums of record numbers and gaps never overflow int64");
_Static_assert(ACSA_LINE_VALUE_MAX <= ACSA_ORDER_VALUE_MAX, "a line fits the order it is in");
_Static_assert(ACSA_LINE_VALUE_MAX <= INT64_MAX / ACSA_ORDER_LINES_MAX,
               "the lines of an order are summed before their total is checked");
_Static_assert(ACSA_ORDER_VALUE_MAX <= INT64_MAX / 8,
               "sums of a few values of one order (value, received, settled, due) fit int64");
_Static_assert(ACSA_QUOTE_MAX >= ACSA_MONEY_TEXT_SIZE && ACSA_QUOTE_MAX >= ACSA_NUMBER_SIZE,
               "an amount or an order number is quoted whole");
_Static_assert(ACSA_EVENT_POSTINGS_MAX >= 4, "an exchange with a difference posts four legs");

#endif
