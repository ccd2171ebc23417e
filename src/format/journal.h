/* SPDX-License-Identifier: MIT */
/* The node's ledger as a plain-text accounting journal (ARCHITECTURE.md "Exports"): ledger,
 * hledger or beancount. One transaction per order event that posts (dated by the event, named
 * by order number, step and partner), its legs as they were posted (debit positive), each
 * account named from acsa's ledger account and the partner (Assets:Receivable:Cash:JP), each
 * amount with its currency's exact decimals and the currency code as commodity. Every
 * transaction balances in its currency, as every event does. The quantity and line of an
 * in-kind leg are metadata of the posting (ledger and hledger: "; quantity: 1000" comment
 * tags; beancount: posting metadata), never amounts. Postings before the first day are brought
 * in as one opening-balance transaction the day before, so balances agree. */
#ifndef ACSA_JOURNAL_H
#define ACSA_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "rc.h"
#include "rows.h"

enum acsa_journal_format {
    ACSA_JOURNAL_LEDGER,
    ACSA_JOURNAL_HLEDGER,
    ACSA_JOURNAL_BEANCOUNT,
    ACSA_JOURNAL_FORMAT_COUNT
};

/** "ledger", "hledger", "beancount". */
const char *acsa_journal_format_name(enum acsa_journal_format format);
bool acsa_journal_format_parse(const char *text, enum acsa_journal_format *out);
/** The usual file extension: "ledger", "journal", "beancount". */
const char *acsa_journal_extension(enum acsa_journal_format format);

#define ACSA_JOURNAL_ACCOUNT_SIZE 64
/** The journal's name of a ledger account with a partner: "Assets:Receivable:Cash:JP". */
char *acsa_journal_account(enum acsa_account account, const char *partner,
                           char buf[ACSA_JOURNAL_ACCOUNT_SIZE]);

/* An account the journal used, with its first day (beancount opens it then). */
struct acsa_journal_open {
    enum acsa_account account;
    char partner[ACSA_NATION_SIZE];
    int32_t day;
};

struct acsa_journal {
    FILE *file;
    const char *path;                  /* For messages. */
    enum acsa_journal_format format;
    int64_t event_id;                  /* The transaction being written; 0 none. */
    bool opening;                      /* The opening transaction is begun. */
    uint64_t transactions;
    struct acsa_journal_open *opens;   /* acsa_malloc'd; few (accounts x partners). */
    size_t open_count;
    size_t open_capacity;
};

/** Begins the journal of nation's node on file: a header naming the period. */
ACSA_NODISCARD enum acsa_rc acsa_journal_begin(struct acsa_journal *j, FILE *file,
                                               const char *path,
                                               enum acsa_journal_format format,
                                               const char *nation, int32_t from_day,
                                               int32_t to_day, struct acsa_error *err);
/** One balance row (acsa_app_balance) of the postings before the period, as a leg of the
 * opening transaction dated day; rows of zero are left out. */
ACSA_NODISCARD enum acsa_rc acsa_journal_opening(struct acsa_journal *j, int32_t day,
                                                 const struct acsa_balance_row *row,
                                                 struct acsa_error *err);
/** One posting, in the order of the store's posting scan (a new event begins a new
 * transaction). */
ACSA_NODISCARD enum acsa_rc acsa_journal_posting(struct acsa_journal *j,
                                                 const struct acsa_posting_row *row,
                                                 struct acsa_error *err);
/** Ends the journal (beancount: the open directives of the accounts used) and checks that
 * everything was written; the caller closes the file. Releases what j holds. */
ACSA_NODISCARD enum acsa_rc acsa_journal_end(struct acsa_journal *j, struct acsa_error *err);
/** Releases what j holds without ending it. */
void acsa_journal_release(struct acsa_journal *j);

#endif
