/* SPDX-License-Identifier: MIT */
/* The statement of account with one partner (requirement 15, the statement a finance officer
 * sends the partner): per currency, in cash and in kind, the opening balance, every posting
 * of the period on the receivable and payable accounts with its running balance, and the
 * closing balance. The balances come from the balance scan (as of the day before from and as
 * of to, so they equal `acsa balance --as-of`); the postings stream from the store one at a
 * time: memory does not grow with the period. */
#include "app_int.h"
#include "app_reads.h"
#include "alloc.h"

#include <stdio.h>
#include <string.h>

#include "date.h"

const char *acsa_statement_section_name(bool in_kind)
{
    return in_kind ? "kind" : "cash";
}

const char *acsa_statement_line_kind_name(enum acsa_statement_line_kind kind)
{
    switch (kind) {
    case ACSA_STATEMENT_OPENING: return "opening";
    case ACSA_STATEMENT_POSTING: return "posting";
    case ACSA_STATEMENT_CLOSING: return "closing";
    }
    return "?";
}

/* The balances of one currency: opening and closing, cash and kind. */
struct currency_balance {
    char currency[ACSA_CURRENCY_SIZE];
    acsa_wide opening[2];
    acsa_wide closing[2];
};

struct balances {
    struct currency_balance *items;
    size_t count;
    size_t capacity;
    bool closing;            /* Filling closing (else opening). */
    const char *only;        /* "": every currency. */
    struct acsa_error *err;
};

/* The section of an account of the statement: 0 cash, 1 kind, -1 none. */
static int section_of(enum acsa_account account)
{
    switch (account) {
    case ACSA_ACCOUNT_RECEIVABLE_CASH:
    case ACSA_ACCOUNT_PAYABLE_CASH: return 0;
    case ACSA_ACCOUNT_RECEIVABLE_KIND:
    case ACSA_ACCOUNT_PAYABLE_KIND: return 1;
    default: return -1;
    }
}

static enum acsa_rc balance_take(void *ctx, const struct acsa_balance_row *row)
{
    struct balances *b = ctx;
    int section = section_of(row->account);
    if (section < 0 || (b->only[0] != '\0' && strcmp(b->only, row->currency) != 0)) {
        return ACSA_OK;
    }
    /* Rows arrive by currency: the one sought is the last or a new one (opening and closing
     * are two scans, so search the few held). */
    struct currency_balance *c = NULL;
    for (size_t i = 0; i < b->count && c == NULL; i++) {
        c = strcmp(b->items[i].currency, row->currency) == 0 ? &b->items[i] : NULL;
    }
    if (c == NULL) {
        if (b->count == b->capacity) {
            size_t next = b->capacity == 0 ? 4 : b->capacity * 2;
            struct currency_balance *grown = acsa_realloc(b->items, next * sizeof(*grown));
            if (grown == NULL) {
                return acsa_error_set(b->err, ACSA_ENOMEM, NULL, "out of memory");
            }
            b->items = grown;
            b->capacity = next;
        }
        /* Kept in currency order: the closing scan may meet a currency the opening had not. */
        size_t at = b->count;
        while (at > 0 && strcmp(b->items[at - 1].currency, row->currency) > 0) {
            at--;
        }
        memmove(&b->items[at + 1], &b->items[at], (b->count - at) * sizeof(b->items[0]));
        b->count++;
        c = &b->items[at];
        memset(c, 0, sizeof(*c));
        snprintf(c->currency, sizeof(c->currency), "%s", row->currency);
    }
    if (b->closing) {
        c->closing[section] += row->amount_minor;
    } else {
        c->opening[section] += row->amount_minor;
    }
    return ACSA_OK;
}

/* One section's postings, each passed on with the running balance. */
struct section_scan {
    struct acsa_statement_line line;
    acsa_statement_cb cb;
    void *ctx;
    uint64_t postings;
};

static enum acsa_rc posting_take(void *ctx, const struct acsa_statement_row *row)
{
    struct section_scan *scan = ctx;
    scan->line.balance_minor += row->amount_minor;
    scan->line.day = row->day;
    scan->line.posting = row;
    scan->postings++;
    return scan->cb(scan->ctx, &scan->line);
}

static const enum acsa_account section_accounts[2][2] = {
    {ACSA_ACCOUNT_RECEIVABLE_CASH, ACSA_ACCOUNT_PAYABLE_CASH},
    {ACSA_ACCOUNT_RECEIVABLE_KIND, ACSA_ACCOUNT_PAYABLE_KIND},
};

/* One section: its opening (cb defers it until a posting when both balances are zero), its
 * postings, and its closing if anything was shown. */
static enum acsa_rc section_run(struct acsa_app *app, const char *partner,
                                const struct currency_balance *c, int section, int32_t from_day,
                                int32_t to_day, acsa_statement_cb cb, void *ctx,
                                struct acsa_error *err)
{
    const struct acsa_currency *currency = acsa_currency_find(c->currency);
    struct section_scan scan;
    memset(&scan, 0, sizeof(scan));
    scan.cb = cb;
    scan.ctx = ctx;
    struct acsa_statement_line *line = &scan.line;
    memcpy(line->currency, c->currency, sizeof(line->currency));
    line->exponent = currency != NULL ? currency->exponent : 0;
    line->in_kind = section == 1;
    line->kind = ACSA_STATEMENT_OPENING;
    line->day = from_day - 1;
    line->balance_minor = c->opening[section];
    bool shown = c->opening[section] != 0 || c->closing[section] != 0;
    if (shown) {
        ACSA_TRY(cb(ctx, line));
    }
    line->kind = ACSA_STATEMENT_POSTING;
    ACSA_TRY(LEDGER(app)->statement(app->store, partner, c->currency,
                                    section_accounts[section][0], section_accounts[section][1],
                                    from_day, to_day, posting_take, &scan, err));
    if (!shown && scan.postings == 0) {
        return ACSA_OK;
    }
    line->kind = ACSA_STATEMENT_CLOSING;
    line->day = to_day;
    line->posting = NULL;
    return cb(ctx, line);
}

/* Passes a section's lines on, sending its opening first when a section with zero balances
 * turns out to have postings. */
struct deferred {
    acsa_statement_cb cb;
    void *ctx;
    bool opened;
    struct acsa_statement_line opening;
};

static enum acsa_rc deferred_take(void *ctx, const struct acsa_statement_line *line)
{
    struct deferred *d = ctx;
    if (line->kind == ACSA_STATEMENT_OPENING) {
        d->opened = true;
        return d->cb(d->ctx, line);
    }
    if (!d->opened) {
        d->opened = true;
        ACSA_TRY(d->cb(d->ctx, &d->opening));
    }
    return d->cb(d->ctx, line);
}

static enum acsa_rc statement_body(struct acsa_app *app, const char *partner,
                                   struct balances *b, int32_t from_day, int32_t to_day,
                                   acsa_statement_cb cb, void *ctx, struct acsa_error *err)
{
    b->closing = false;
    ACSA_TRY(LEDGER(app)->balance(app->store, partner, from_day - 1, balance_take, b, err));
    b->closing = true;
    ACSA_TRY(LEDGER(app)->balance(app->store, partner, to_day, balance_take, b, err));
    for (size_t i = 0; i < b->count; i++) {
        for (int section = 0; section < 2; section++) {
            const struct currency_balance *c = &b->items[i];
            const struct acsa_currency *currency = acsa_currency_find(c->currency);
            struct deferred d;
            memset(&d, 0, sizeof(d));
            d.cb = cb;
            d.ctx = ctx;
            memcpy(d.opening.currency, c->currency, sizeof(d.opening.currency));
            d.opening.exponent = currency != NULL ? currency->exponent : 0;
            d.opening.in_kind = section == 1;
            d.opening.kind = ACSA_STATEMENT_OPENING;
            d.opening.day = from_day - 1;
            d.opening.balance_minor = c->opening[section];
            ACSA_TRY(section_run(app, partner, c, section, from_day, to_day, deferred_take, &d,
                                 err));
        }
    }
    return ACSA_OK;
}

enum acsa_rc acsa_app_statement(struct acsa_app *app, const char *partner, const char *currency,
                                int32_t from_day, int32_t to_day, acsa_statement_cb cb,
                                void *ctx, struct acsa_error *err)
{
    if (partner == NULL || partner[0] == '\0') {
        return acsa_error_set(err, ACSA_EUSAGE, "partner", "partner: a statement is for one "
                              "partner");
    }
    if (from_day == ACSA_DATE_NONE || to_day == ACSA_DATE_NONE) {
        return acsa_error_set(err, ACSA_EUSAGE, from_day == ACSA_DATE_NONE ? "from" : "to",
                              "%s: a statement needs a period",
                              from_day == ACSA_DATE_NONE ? "from" : "to");
    }
    if (from_day > to_day) {
        char from_text[ACSA_DATE_TEXT_SIZE];
        char to_text[ACSA_DATE_TEXT_SIZE];
        return acsa_error_set(err, ACSA_EUSAGE, "from", "from (%s) is after to (%s)",
                              acsa_date_format(from_day, from_text),
                              acsa_date_format(to_day, to_text));
    }
    struct balances b;
    memset(&b, 0, sizeof(b));
    b.only = currency != NULL ? currency : "";
    b.err = err;
    enum acsa_rc rc = statement_body(app, partner, &b, from_day, to_day, cb, ctx, err);
    acsa_free(b.items);
    return rc;
}
