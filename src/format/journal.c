/* SPDX-License-Identifier: MIT */
/* Plain-text accounting journals of the ledger (journal.h). */
#include "journal.h"

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "money.h"

static const char *const format_names[ACSA_JOURNAL_FORMAT_COUNT] = {"ledger", "hledger",
                                                                     "beancount"};

const char *acsa_journal_format_name(enum acsa_journal_format format)
{
    return (unsigned)format < ACSA_JOURNAL_FORMAT_COUNT ? format_names[format] : NULL;
}

bool acsa_journal_format_parse(const char *text, enum acsa_journal_format *out)
{
    for (unsigned i = 0; i < ACSA_JOURNAL_FORMAT_COUNT; i++) {
        if (strcmp(text, format_names[i]) == 0) {
            *out = (enum acsa_journal_format)i;
            return true;
        }
    }
    return false;
}

const char *acsa_journal_extension(enum acsa_journal_format format)
{
    static const char *const extensions[ACSA_JOURNAL_FORMAT_COUNT] = {"ledger", "journal",
                                                                      "beancount"};
    return (unsigned)format < ACSA_JOURNAL_FORMAT_COUNT ? extensions[format] : "txt";
}

/* Each ledger account under one of the five roots every tool knows (beancount requires them,
 * each component capitalised); the partner is the last component. */
static const char *const account_paths[ACSA_ACCOUNT_COUNT] = {
    [ACSA_ACCOUNT_RECEIVABLE_CASH] = "Assets:Receivable:Cash",
    [ACSA_ACCOUNT_RECEIVABLE_KIND] = "Assets:Receivable:Kind",
    [ACSA_ACCOUNT_PAYABLE_CASH] = "Liabilities:Payable:Cash",
    [ACSA_ACCOUNT_PAYABLE_KIND] = "Liabilities:Payable:Kind",
    [ACSA_ACCOUNT_SUPPLIED] = "Income:Supplied",
    [ACSA_ACCOUNT_RECEIVED] = "Expenses:Received",
    [ACSA_ACCOUNT_CASH] = "Assets:Cash",
    [ACSA_ACCOUNT_KIND_SETTLED] = "Assets:KindSettled",
    [ACSA_ACCOUNT_EXCHANGE] = "Equity:Exchange",
    [ACSA_ACCOUNT_COMMITTED_RECEIVABLE_CASH] = "Assets:Committed:Receivable:Cash",
    [ACSA_ACCOUNT_COMMITTED_RECEIVABLE_KIND] = "Assets:Committed:Receivable:Kind",
    [ACSA_ACCOUNT_COMMITTED_PAYABLE_CASH] = "Liabilities:Committed:Payable:Cash",
    [ACSA_ACCOUNT_COMMITTED_PAYABLE_KIND] = "Liabilities:Committed:Payable:Kind",
    [ACSA_ACCOUNT_COMMITTED] = "Equity:Committed",
};

/* A partner code as an account component: capital letters and digits only ("XX" otherwise,
 * which a stored, validated code never is). */
static const char *partner_component(const char *partner)
{
    size_t length = strlen(partner);
    bool ok = length > 0 && length < ACSA_NATION_SIZE;
    for (size_t i = 0; ok && i < length; i++) {
        ok = (partner[i] >= 'A' && partner[i] <= 'Z') || (partner[i] >= '0' && partner[i] <= '9');
    }
    return ok ? partner : "XX";
}

char *acsa_journal_account(enum acsa_account account, const char *partner,
                           char buf[ACSA_JOURNAL_ACCOUNT_SIZE])
{
    const char *path = (unsigned)account < ACSA_ACCOUNT_COUNT ? account_paths[account] : NULL;
    snprintf(buf, ACSA_JOURNAL_ACCOUNT_SIZE, "%s:%s", path != NULL ? path : "Equity:Unknown",
             partner_component(partner));
    return buf;
}

/* A code (currency, order or invoice number) as journal text: letters, digits and '-' kept,
 * anything else '?', so no quote, comment sign or newline reaches the file. */
static void put_code(FILE *file, const char *code)
{
    for (const char *p = code; *p != '\0'; p++) {
        bool keep = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
                    (*p >= '0' && *p <= '9') || *p == '-';
        fputc(keep ? *p : '?', file);
    }
}

static uint8_t exponent_of(const char *currency, uint8_t fallback)
{
    const struct acsa_currency *cur = acsa_currency_find(currency);
    return cur != NULL ? cur->exponent : fallback;
}

/* Notes the account's first day, for beancount's open directives. */
static enum acsa_rc note_account(struct acsa_journal *j, enum acsa_account account,
                                 const char *partner, int32_t day, struct acsa_error *err)
{
    if (j->format != ACSA_JOURNAL_BEANCOUNT) {
        return ACSA_OK;
    }
    for (size_t i = 0; i < j->open_count; i++) {
        struct acsa_journal_open *o = &j->opens[i];
        if (o->account == account && strcmp(o->partner, partner) == 0) {
            o->day = day < o->day ? day : o->day;
            return ACSA_OK;
        }
    }
    if (j->open_count == j->open_capacity) {
        size_t capacity = j->open_capacity == 0 ? 32 : 2 * j->open_capacity;
        struct acsa_journal_open *grown = acsa_realloc(j->opens, capacity * sizeof(*grown));
        if (grown == NULL) {
            return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
        }
        j->opens = grown;
        j->open_capacity = capacity;
    }
    struct acsa_journal_open *o = &j->opens[j->open_count++];
    memset(o, 0, sizeof(*o));
    o->account = account;
    snprintf(o->partner, sizeof(o->partner), "%s", partner);
    o->day = day;
    return ACSA_OK;
}

enum acsa_rc acsa_journal_begin(struct acsa_journal *j, FILE *file, const char *path,
                                enum acsa_journal_format format, const char *nation,
                                int32_t from_day, int32_t to_day, struct acsa_error *err)
{
    (void)err;
    memset(j, 0, sizeof(*j));
    j->file = file;
    j->path = path;
    j->format = format;
    char from[ACSA_DATE_TEXT_SIZE];
    char to[ACSA_DATE_TEXT_SIZE];
    /* ";" begins a comment in all three formats. */
    fputs("; The ledger of the acsa node of ", file);
    put_code(file, nation);
    fprintf(file, ", from %s to %s (%s).\n", from_day != ACSA_DATE_NONE
                                                 ? acsa_date_format(from_day, from)
                                                 : "the first posting",
            to_day != ACSA_DATE_NONE ? acsa_date_format(to_day, to) : "the last",
            format_names[format]);
    fputs("; Debit positive, credit negative; one transaction per order event.\n", file);
    if (format == ACSA_JOURNAL_BEANCOUNT) {
        fputs("option \"title\" \"acsa ", file);
        put_code(file, nation);
        fputs("\"\n", file);
    }
    return ACSA_OK;
}

static void put_amount_line(struct acsa_journal *j, const char *account, const char *amount,
                            const char *currency)
{
    fprintf(j->file, "%s%-44s %20s ", j->format == ACSA_JOURNAL_BEANCOUNT ? "  " : "    ",
            account, amount);
    put_code(j->file, currency);
    fputc('\n', j->file);
}

enum acsa_rc acsa_journal_opening(struct acsa_journal *j, int32_t day,
                                  const struct acsa_balance_row *row, struct acsa_error *err)
{
    if (row->amount_minor == 0) {
        return ACSA_OK;
    }
    char date[ACSA_DATE_TEXT_SIZE];
    if (!j->opening) {
        j->opening = true;
        j->transactions++;
        fprintf(j->file, "\n%s * %s\n", acsa_date_format(day, date),
                j->format == ACSA_JOURNAL_BEANCOUNT ? "\"acsa\" \"opening balance\""
                                                    : "opening balance");
    }
    ACSA_TRY(note_account(j, row->account, row->partner, day, err));
    char account[ACSA_JOURNAL_ACCOUNT_SIZE];
    char amount[ACSA_WIDE_TEXT_SIZE];
    put_amount_line(j, acsa_journal_account(row->account, row->partner, account),
                    acsa_wide_format(row->amount_minor, exponent_of(row->currency, 0), amount),
                    row->currency);
    return ACSA_OK;
}

static void transaction_header(struct acsa_journal *j, const struct acsa_posting_row *row)
{
    FILE *f = j->file;
    char date[ACSA_DATE_TEXT_SIZE];
    fprintf(f, "\n%s * ", acsa_date_format(row->day, date));
    const char *step = acsa_step_name(row->step);
    if (j->format == ACSA_JOURNAL_BEANCOUNT) {
        fputc('"', f);
        put_code(f, row->posting.partner);
        fputs("\" \"", f);
        put_code(f, row->order.number);
        fprintf(f, " %s", step != NULL ? step : "step");
        if (row->invoice[0] != '\0') {
            fputs(" invoice ", f);
            put_code(f, row->invoice);
        }
        fprintf(f, "\"\n  event: \"%lld\"\n", (long long)row->event_id);
        return;
    }
    put_code(f, row->order.number);
    fprintf(f, " %s (", step != NULL ? step : "step");
    put_code(f, row->posting.partner);
    fputc(')', f);
    if (row->invoice[0] != '\0') {
        fputs(" invoice ", f);
        put_code(f, row->invoice);
    }
    fprintf(f, "\n    ; event: %lld\n", (long long)row->event_id);
}

enum acsa_rc acsa_journal_posting(struct acsa_journal *j, const struct acsa_posting_row *row,
                                  struct acsa_error *err)
{
    if (row->event_id != j->event_id) {
        j->event_id = row->event_id;
        j->transactions++;
        transaction_header(j, row);
    }
    const struct acsa_posting *p = &row->posting;
    ACSA_TRY(note_account(j, p->account, p->partner, row->day, err));
    char account[ACSA_JOURNAL_ACCOUNT_SIZE];
    char amount[ACSA_MONEY_TEXT_SIZE];
    put_amount_line(j, acsa_journal_account(p->account, p->partner, account),
                    acsa_money_format(p->amount_minor,
                                      exponent_of(p->currency, row->order.exponent), amount),
                    p->currency);
    char quantity[ACSA_MONEY_TEXT_SIZE];
    bool beancount = j->format == ACSA_JOURNAL_BEANCOUNT;
    if (p->quantity_milli != 0) {
        fprintf(j->file, beancount ? "    quantity: \"%s\"\n" : "    ; quantity: %s\n",
                acsa_quantity_format(p->quantity_milli, quantity));
    }
    if (p->line_no > 0) {
        fprintf(j->file, beancount ? "    line: \"%u\"\n" : "    ; line: %u\n", p->line_no);
    }
    return ACSA_OK;
}

/* Beancount: every account used is opened on the day of its first posting (directives are
 * ordered by date, not by place in the file). */
static void write_opens(struct acsa_journal *j)
{
    if (j->format != ACSA_JOURNAL_BEANCOUNT || j->open_count == 0) {
        return;
    }
    fputs("\n; The accounts, each opened on the day of its first posting.\n", j->file);
    for (size_t i = 0; i < j->open_count; i++) {
        const struct acsa_journal_open *o = &j->opens[i];
        char date[ACSA_DATE_TEXT_SIZE];
        char account[ACSA_JOURNAL_ACCOUNT_SIZE];
        fprintf(j->file, "%s open %s\n", acsa_date_format(o->day, date),
                acsa_journal_account(o->account, o->partner, account));
    }
}

enum acsa_rc acsa_journal_end(struct acsa_journal *j, struct acsa_error *err)
{
    write_opens(j);
    bool failed = fflush(j->file) != 0 || ferror(j->file) != 0;
    int error = errno;
    acsa_journal_release(j);
    if (failed) {
        return acsa_error_set(err, ACSA_ESTORAGE, "out", "cannot write \"%s\": %s", j->path,
                              strerror(error));
    }
    return ACSA_OK;
}

void acsa_journal_release(struct acsa_journal *j)
{
    acsa_free(j->opens);
    j->opens = NULL;
    j->open_count = 0;
    j->open_capacity = 0;
}
