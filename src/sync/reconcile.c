/* SPDX-License-Identifier: MIT */
/* Reconciliation: the two nodes' views of their shared orders and of their ledger with each
 * other. Each side keeps a fingerprint of every order's shared facts, so the comparison is
 * one merge of two sorted lists; only orders whose fingerprints differ are compared fact by
 * fact. Balances must mirror: our receivable is the partner's payable, our cash in its cash
 * out. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "alloc.h"
#include "money.h"
#include "transit.h"
#include "app_reads.h"
#include "sync.h"
#include "snapshot.h"

/* ---- Serving our side ---------------------------------------------------------------------- */

static enum acsa_rc add_fingerprint(void *ctx, const char *number, uint64_t fingerprint)
{
    struct acsa_sync_buf *out = ctx;
    acsa_sync_buf_printf(out, "%s %016" PRIx64 "\n", number, fingerprint);
    return out->failed ? ACSA_ENOMEM : ACSA_OK;
}

enum acsa_rc acsa_sync_fingerprints(struct acsa_app *app, const char *party,
                                    struct acsa_sync_buf *out, struct acsa_error *err)
{
    enum acsa_rc rc = acsa_app_order_fingerprints(app, party, add_fingerprint, out, err);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    return rc;
}

/* A fact's value on one line: backslash, tab and line ends escaped. */
static void add_escaped(struct acsa_sync_buf *out, const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        const char *esc = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" : *p == '\n' ? "\\n"
                          : *p == '\r' ? "\\r" : NULL;
        if (esc != NULL) {
            acsa_sync_buf_add(out, esc, 2);
        } else {
            acsa_sync_buf_add(out, p, 1);
        }
    }
}

struct fact_out {
    struct acsa_sync_buf *out;
    const char *number;
};

static void add_fact(void *ctx, const char *field, const char *value)
{
    struct fact_out *f = ctx;
    acsa_sync_buf_printf(f->out, "%s\t%s\t", f->number, field);
    add_escaped(f->out, value);
    acsa_sync_buf_add(f->out, "\n", 1);
}

enum acsa_rc acsa_sync_facts(struct acsa_app *app, const char *party, const char *numbers,
                             size_t len, struct acsa_sync_buf *out, struct acsa_error *err)
{
    struct acsa_order *order = acsa_malloc(sizeof(*order));
    if (order == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = ACSA_OK;
    size_t pos = 0;
    while (rc == ACSA_OK && pos < len) {
        const char *line = numbers + pos;
        const char *end = memchr(line, '\n', len - pos);
        size_t n = end != NULL ? (size_t)(end - line) : len - pos;
        pos += n + 1;
        char number[ACSA_NUMBER_SIZE];
        if (n == 0) {
            continue;
        }
        if (n >= sizeof(number)) {
            rc = acsa_error_set(err, ACSA_EUSAGE, "numbers", "numbers: \"%.40s...\" is longer "
                                "than an order number", line);
            break;
        }
        memcpy(number, line, n);
        number[n] = '\0';
        enum acsa_rc got = acsa_app_order_get(app, number, order, NULL, err);
        if (got == ACSA_ENOTFOUND) {
            acsa_error_clear(err);
            continue;
        }
        if (got != ACSA_OK) {
            rc = got;
            break;
        }
        if (strcmp(order->requester, party) != 0 && strcmp(order->supplier, party) != 0) {
            continue; /* Not shared with the asking node: not its business. */
        }
        struct fact_out f = {out, order->number};
        acsa_order_facts(order, add_fact, &f);
    }
    acsa_free(order);
    if (rc == ACSA_OK && out->failed) {
        rc = acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    return rc;
}

static enum acsa_rc add_balance(void *ctx, const struct acsa_balance_row *row)
{
    struct acsa_sync_buf *out = ctx;
    char amount[ACSA_WIDE_TEXT_SIZE];
    acsa_sync_buf_printf(out, "%s\t%s\t%s\n", row->currency, acsa_account_name(row->account),
                         acsa_wide_format(row->amount_minor, 0, amount));
    return out->failed ? ACSA_ENOMEM : ACSA_OK;
}

enum acsa_rc acsa_sync_balance(struct acsa_app *app, const char *party,
                               struct acsa_sync_buf *out, struct acsa_error *err)
{
    enum acsa_rc rc = acsa_app_balance(app, party, ACSA_DATE_NONE, add_balance, out, err);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    return rc;
}

/* ---- Comparing ----------------------------------------------------------------------------- */

/* A list of fingerprints ("NUMBER HEX16" lines, as acsa_sync_fingerprints writes them), read
 * line by line: the partner's answer or this node's own. */
struct fingerprint_list {
    char *pos;
    char *end;
    char number[ACSA_NUMBER_SIZE];
    uint64_t fingerprint;
    bool valid;                 /* number and fingerprint hold the current line. */
};

static void list_next(struct fingerprint_list *t)
{
    t->valid = false;
    while (t->pos < t->end && !t->valid) {
        char *nl = memchr(t->pos, '\n', (size_t)(t->end - t->pos));
        char *line_end = nl != NULL ? nl : t->end;
        char *space = memchr(t->pos, ' ', (size_t)(line_end - t->pos));
        size_t n = space != NULL ? (size_t)(space - t->pos) : 0;
        if (space != NULL && n > 0 && n < sizeof(t->number)) {
            memcpy(t->number, t->pos, n);
            t->number[n] = '\0';
            t->fingerprint = strtoull(space + 1, NULL, 16);
            t->valid = true;
        }
        t->pos = line_end + (nl != NULL ? 1 : 0);
    }
}

struct numbers {
    char (*items)[ACSA_NUMBER_SIZE];
    size_t count;
    size_t cap;
};

static bool numbers_add(struct numbers *list, const char *number)
{
    if (list->count == list->cap) {
        size_t cap = list->cap == 0 ? 256 : list->cap * 2;
        void *grown = acsa_realloc(list->items, cap * sizeof(*list->items));
        if (grown == NULL) {
            return false;
        }
        list->items = grown;
        list->cap = cap;
    }
    snprintf(list->items[list->count++], ACSA_NUMBER_SIZE, "%s", number);
    return true;
}

struct merge {
    struct numbers differing;
    acsa_reconcile_cb cb;
    void *ctx;
    struct acsa_reconcile_summary *summary;
    bool offline;               /* Theirs is a snapshot: no facts to ask for. */
    uint64_t (*fingerprints)[2]; /* Offline: ours and theirs of each differing order. */
    size_t fingerprints_cap;
};

static enum acsa_rc report_missing(struct merge *m, const char *kind, const char *number)
{
    struct acsa_reconcile_row row;
    memset(&row, 0, sizeof(row));
    row.kind = kind;
    snprintf(row.number, sizeof(row.number), "%s", number);
    snprintf(row.field, sizeof(row.field), "order");
    bool here = strcmp(kind, "missing_there") == 0;
    snprintf(row.ours, sizeof(row.ours), "%s", here ? "present" : "missing");
    snprintf(row.theirs, sizeof(row.theirs), "%s", here ? "missing" : "present");
    if (here) {
        m->summary->missing_there++;
    } else {
        m->summary->missing_here++;
    }
    return m->cb(m->ctx, &row);
}

/* Offline: a differing order with both fingerprints, kept beside its number. */
static bool differing_add(struct merge *m, const struct fingerprint_list *ours,
                          const struct fingerprint_list *theirs)
{
    if (!numbers_add(&m->differing, ours->number)) {
        return false;
    }
    if (!m->offline) {
        return true;
    }
    if (m->fingerprints_cap < m->differing.cap) {
        void *grown = acsa_realloc(m->fingerprints,
                                   m->differing.cap * sizeof(*m->fingerprints));
        if (grown == NULL) {
            m->differing.count--;
            return false;
        }
        m->fingerprints = grown;
        m->fingerprints_cap = m->differing.cap;
    }
    m->fingerprints[m->differing.count - 1][0] = ours->fingerprint;
    m->fingerprints[m->differing.count - 1][1] = theirs->fingerprint;
    return true;
}

/* A snapshot carries the fingerprints of the partner's orders, not their facts: an order
 * whose fingerprints differ is one row (its facts are read on each node), reported after the
 * merge, where online reconciliation reports the facts that differ. */
static enum acsa_rc report_fingerprints(struct merge *m)
{
    enum acsa_rc rc = ACSA_OK;
    for (size_t i = 0; rc == ACSA_OK && i < m->differing.count; i++) {
        struct acsa_reconcile_row row;
        memset(&row, 0, sizeof(row));
        row.kind = "differs";
        snprintf(row.number, sizeof(row.number), "%s", m->differing.items[i]);
        snprintf(row.field, sizeof(row.field), "fingerprint");
        snprintf(row.ours, sizeof(row.ours), "%016" PRIx64, m->fingerprints[i][0]);
        snprintf(row.theirs, sizeof(row.theirs), "%016" PRIx64 " (as of its snapshot)",
                 m->fingerprints[i][1]);
        rc = m->cb(m->ctx, &row);
    }
    return rc;
}

/* One pass over both sorted lists: an order on one side only is missing on the other; equal
 * numbers with different fingerprints are compared fact by fact afterwards. */
static enum acsa_rc merge_lists(struct merge *m, struct fingerprint_list *ours,
                                struct fingerprint_list *theirs)
{
    enum acsa_rc rc = ACSA_OK;
    list_next(ours);
    list_next(theirs);
    while (rc == ACSA_OK && (ours->valid || theirs->valid)) {
        int order = !ours->valid ? 1 : !theirs->valid ? -1 : strcmp(ours->number, theirs->number);
        if (order < 0) {
            m->summary->orders_here++;
            rc = report_missing(m, "missing_there", ours->number);
            list_next(ours);
        } else if (order > 0) {
            m->summary->orders_there++;
            rc = report_missing(m, "missing_here", theirs->number);
            list_next(theirs);
        } else {
            m->summary->orders_here++;
            m->summary->orders_there++;
            if (ours->fingerprint != theirs->fingerprint) {
                m->summary->differing++;
                rc = differing_add(m, ours, theirs) ? ACSA_OK : ACSA_ENOMEM;
            }
            list_next(ours);
            list_next(theirs);
        }
    }
    return rc;
}

/* One order's facts, as "field\tvalue" pairs. */
struct facts {
    char (*fields)[64];
    char (*values)[ACSA_RECONCILE_VALUE_SIZE];
    size_t count;
    size_t cap;
};

static void facts_add(void *ctx, const char *field, const char *value)
{
    struct facts *f = ctx;
    if (f->count == f->cap) {
        size_t cap = f->cap == 0 ? 128 : f->cap * 2;
        void *fields = acsa_realloc(f->fields, cap * sizeof(*f->fields));
        if (fields != NULL) {
            f->fields = fields;
        }
        void *values = acsa_realloc(f->values, cap * sizeof(*f->values));
        if (values != NULL) {
            f->values = values;
        }
        if (fields == NULL || values == NULL) {
            return;
        }
        f->cap = cap;
    }
    snprintf(f->fields[f->count], sizeof(f->fields[0]), "%s", field);
    snprintf(f->values[f->count], sizeof(f->values[0]), "%s", value);
    f->count++;
}

static void facts_free(struct facts *f)
{
    acsa_free(f->fields);
    acsa_free(f->values);
    memset(f, 0, sizeof(*f));
}

/* Unescapes a value of the facts answer in place. */
static void unescape(char *text)
{
    char *out = text;
    for (char *p = text; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            *out++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : *p;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

static enum acsa_rc report_diff(struct merge *m, const char *number, const char *field,
                                const char *ours, const char *theirs)
{
    struct acsa_reconcile_row row;
    memset(&row, 0, sizeof(row));
    row.kind = "differs";
    snprintf(row.number, sizeof(row.number), "%s", number);
    snprintf(row.field, sizeof(row.field), "%s", field);
    snprintf(row.ours, sizeof(row.ours), "%s", ours);
    snprintf(row.theirs, sizeof(row.theirs), "%s", theirs);
    return m->cb(m->ctx, &row);
}

/* Compares our facts of number with the partner's (theirs, in its answer's order). */
static enum acsa_rc compare_order(struct acsa_app *app, struct merge *m, const char *number,
                                  struct acsa_order *order, const struct facts *theirs,
                                  struct acsa_error *err)
{
    struct facts ours = {0};
    enum acsa_rc rc = acsa_app_order_get(app, number, order, NULL, err);
    if (rc == ACSA_OK) {
        acsa_order_facts(order, facts_add, &ours);
    }
    for (size_t i = 0; rc == ACSA_OK && i < ours.count; i++) {
        const char *value = NULL;
        for (size_t j = 0; j < theirs->count; j++) {
            if (strcmp(theirs->fields[j], ours.fields[i]) == 0) {
                value = theirs->values[j];
                break;
            }
        }
        if (value == NULL || strcmp(value, ours.values[i]) != 0) {
            rc = report_diff(m, number, ours.fields[i], ours.values[i],
                             value != NULL ? value : "(none)");
        }
    }
    for (size_t j = 0; rc == ACSA_OK && j < theirs->count; j++) {
        bool found = false;
        for (size_t i = 0; i < ours.count && !found; i++) {
            found = strcmp(theirs->fields[j], ours.fields[i]) == 0;
        }
        if (!found) {
            rc = report_diff(m, number, theirs->fields[j], "(none)", theirs->values[j]);
        }
    }
    facts_free(&ours);
    return rc;
}

#define FACTS_CHUNK 500 /* Orders asked for in one request. */

/* Asks the partner for the facts of the differing orders, a chunk at a time, and compares. */
static enum acsa_rc compare_differing(struct acsa_app *app, const struct acsa_peer *peer,
                                      struct merge *m, struct acsa_error *err)
{
    struct acsa_order *order = acsa_malloc(sizeof(*order));
    if (order == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = ACSA_OK;
    for (size_t first = 0; rc == ACSA_OK && first < m->differing.count; first += FACTS_CHUNK) {
        size_t last = first + FACTS_CHUNK < m->differing.count ? first + FACTS_CHUNK
                                                               : m->differing.count;
        struct acsa_sync_buf ask = {0};
        for (size_t i = first; i < last; i++) {
            acsa_sync_buf_printf(&ask, "%s\n", m->differing.items[i]);
        }
        struct acsa_sync_response r;
        memset(&r, 0, sizeof(r));
        rc = ask.failed ? ACSA_ENOMEM
                        : acsa_sync_request_retry(app, peer, "POST", ACSA_SYNC_FACTS,
                                                  (const uint8_t *)ask.data, ask.len, &r, err);
        acsa_free(ask.data);
        if (rc == ACSA_OK && r.status != 200) {
            rc = acsa_error_set(err, ACSA_EREFUSED, "peer", "peer: facts: the partner answered "
                                "%ld", r.status);
        }
        /* The answer lists the orders in the order asked, each fact on a line. */
        char *pos = (char *)r.body;
        char *end = pos != NULL ? pos + r.size : NULL;
        for (size_t i = first; rc == ACSA_OK && i < last; i++) {
            const char *number = m->differing.items[i];
            size_t n = strlen(number);
            struct facts theirs = {0};
            while (pos < end && strncmp(pos, number, n) == 0 && pos[n] == '\t') {
                char *nl = memchr(pos, '\n', (size_t)(end - pos));
                char *line_end = nl != NULL ? nl : end;
                *line_end = '\0';
                char *field = pos + n + 1;
                char *tab = strchr(field, '\t');
                if (tab != NULL) {
                    *tab = '\0';
                    unescape(tab + 1);
                    facts_add(&theirs, field, tab + 1);
                }
                pos = nl != NULL ? nl + 1 : end;
            }
            rc = theirs.count == 0 ? report_missing(m, "missing_here", number)
                                   : compare_order(app, m, number, order, &theirs, err);
            facts_free(&theirs);
        }
        acsa_sync_response_free(&r);
    }
    acsa_free(order);
    return rc;
}

/* ---- Balances ------------------------------------------------------------------------------ */


struct ledger {
    char currency[ACSA_RECONCILE_CURRENCIES_MAX][ACSA_CURRENCY_SIZE];
    /* Wide sums: never overflow. */
    acsa_wide amount[ACSA_RECONCILE_CURRENCIES_MAX][ACSA_ACCOUNT_COUNT];
    uint32_t count;
};

static acsa_wide *ledger_cell(struct ledger *l, const char *currency, enum acsa_account account)
{
    for (uint32_t i = 0; i < l->count; i++) {
        if (strcmp(l->currency[i], currency) == 0) {
            return &l->amount[i][account];
        }
    }
    if (l->count == ACSA_RECONCILE_CURRENCIES_MAX || (unsigned)account >= ACSA_ACCOUNT_COUNT) {
        return NULL;
    }
    snprintf(l->currency[l->count], ACSA_CURRENCY_SIZE, "%s", currency);
    return &l->amount[l->count++][account];
}

static enum acsa_rc ours_row(void *ctx, const struct acsa_balance_row *row)
{
    acsa_wide *cell = ledger_cell(ctx, row->currency, row->account);
    if (cell != NULL) {
        *cell += row->amount_minor;
    }
    return ACSA_OK;
}

static void parse_theirs(struct ledger *l, char *text, size_t len)
{
    char *end = text + len;
    for (char *pos = text; pos < end;) {
        char *nl = memchr(pos, '\n', (size_t)(end - pos));
        char *line_end = nl != NULL ? nl : end;
        *line_end = '\0';
        char currency[8];
        char account[32];
        char number[ACSA_WIDE_TEXT_SIZE];
        acsa_wide amount = 0;
        enum acsa_account a;
        if (sscanf(pos, "%7[A-Z]\t%31[a-z-]\t%47[-0-9]", currency, account, number) == 3 &&
            strlen(currency) == 3 && acsa_account_parse(account, &a) &&
            acsa_wide_parse(number, &amount)) {
            acsa_wide *cell = ledger_cell(l, currency, a);
            if (cell != NULL) {
                *cell += amount;
            }
        }
        pos = nl != NULL ? nl + 1 : end;
    }
}

static void money_text(acsa_wide minor, const char *currency, char *out, size_t size)
{
    const struct acsa_currency *c = acsa_currency_find(currency);
    char text[ACSA_WIDE_TEXT_SIZE];
    snprintf(out, size, "%s %s", acsa_wide_format(minor, c != NULL ? c->exponent : 0, text),
             currency);
}

/* Compares our ledger with party with theirs, the partner's balance as its node serves it
 * (acsa_sync_balance's text), live or from its snapshot. */
static enum acsa_rc compare_ledgers(struct acsa_app *app, const char *party, struct merge *m,
                                    char *theirs_text, size_t theirs_len,
                                    struct acsa_error *err)
{
    struct ledger *ours = acsa_calloc(2, sizeof(*ours));
    if (ours == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    struct ledger *theirs = ours + 1;
    enum acsa_rc rc = acsa_app_balance(app, party, ACSA_DATE_NONE, ours_row, ours, err);
    if (rc == ACSA_OK && theirs_text != NULL) {
        parse_theirs(theirs, theirs_text, theirs_len);
        for (uint32_t i = 0; i < theirs->count; i++) {
            (void)ledger_cell(ours, theirs->currency[i], ACSA_ACCOUNT_CASH);
        }
    }
    for (uint32_t i = 0; rc == ACSA_OK && i < ours->count; i++) {
        const char *currency = ours->currency[i];
        for (int a = 0; rc == ACSA_OK && a < ACSA_ACCOUNT_COUNT; a++) {
            enum acsa_account account = (enum acsa_account)a;
            acsa_wide *mine = ledger_cell(ours, currency, account);
            acsa_wide *other = ledger_cell(theirs, currency, acsa_account_mirror(account));
            acsa_wide expected = other != NULL ? -*other : 0;
            if (mine == NULL || *mine == expected) {
                continue;
            }
            struct acsa_reconcile_row row;
            memset(&row, 0, sizeof(row));
            row.kind = "balance";
            snprintf(row.field, sizeof(row.field), "%s %s", currency,
                     acsa_account_name(account));
            money_text(*mine, currency, row.ours, sizeof(row.ours));
            char text[64];
            money_text(expected, currency, text, sizeof(text));
            snprintf(row.theirs, sizeof(row.theirs), "%s (its %s, sign turned)", text,
                     acsa_account_name(acsa_account_mirror(account)));
            m->summary->balance_rows++;
            rc = m->cb(m->ctx, &row);
        }
    }
    acsa_free(ours);
    return rc;
}

/* ---- Lines in transit ---------------------------------------------------------------------- */

/* A line issued and not received after transit_days is a discrepancy the two sides must
 * clear; a disputed order's is on record already (the dispute), so it is not flagged again. */
static enum acsa_rc transit_row(void *ctx, const struct acsa_order *order,
                                const struct acsa_transit_line *line)
{
    struct merge *m = ctx;
    struct acsa_reconcile_row row;
    memset(&row, 0, sizeof(row));
    row.kind = "in_transit";
    snprintf(row.number, sizeof(row.number), "%s", order->number);
    snprintf(row.field, sizeof(row.field), "line %u", line->line_no);
    char issued[ACSA_MONEY_TEXT_SIZE];
    char received[ACSA_MONEY_TEXT_SIZE];
    char on[ACSA_DATE_TEXT_SIZE];
    snprintf(row.ours, sizeof(row.ours), "issued %s, received %s; in transit since %s (%d days)",
             acsa_quantity_format(line->issued_milli, issued),
             acsa_quantity_format(line->received_milli, received),
             acsa_date_format(line->issued_day, on), (int)line->days);
    snprintf(row.theirs, sizeof(row.theirs), "not received");
    m->summary->in_transit++;
    return m->cb(m->ctx, &row);
}

static int32_t local_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    if (localtime_r(&now, &tm) == NULL) {
        return acsa_date_from_ymd(1970, 1, 1);
    }
    return acsa_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Asks the partner for its balances (into r, which the caller frees) and compares them. */
static enum acsa_rc fetch_and_compare_balances(struct acsa_app *app,
                                               const struct acsa_peer *peer, struct merge *m,
                                               struct acsa_sync_response *r,
                                               struct acsa_error *err)
{
    ACSA_TRY(acsa_sync_request_retry(app, peer, "GET", ACSA_SYNC_BALANCE, NULL, 0, r, err));
    if (r->status != 200) {
        return acsa_error_set(err, ACSA_EREFUSED, "peer",
                              "peer: balance: the partner answered %ld", r->status);
    }
    return compare_ledgers(app, peer->party, m, (char *)r->body, r->size, err);
}

static enum acsa_rc compare_balances(struct acsa_app *app, const struct acsa_peer *peer,
                                     struct merge *m, struct acsa_error *err)
{
    struct acsa_sync_response r;
    memset(&r, 0, sizeof(r));
    enum acsa_rc rc = fetch_and_compare_balances(app, peer, m, &r, err);
    acsa_sync_response_free(&r);
    return rc;
}

/* Merges our list of fingerprints with theirs (either node's "NUMBER HEX16" lines). */
static enum acsa_rc merge_fingerprints(struct merge *m, const struct acsa_sync_buf *mine,
                                       char *theirs, size_t theirs_len)
{
    struct fingerprint_list ours;
    struct fingerprint_list other;
    memset(&ours, 0, sizeof(ours));
    memset(&other, 0, sizeof(other)); /* An empty list: no pointer arithmetic on NULL. */
    if (mine->data != NULL) {
        ours.pos = mine->data;
        ours.end = mine->data + mine->len;
    }
    if (theirs != NULL) {
        other.pos = theirs;
        other.end = theirs + theirs_len;
    }
    return merge_lists(m, &ours, &other);
}

/* The partner's fingerprints, fetched on a thread of their own while this node lists its own:
 * the request uses only the node's key file and nation, never the store. */
struct fetch {
    struct acsa_app *app;
    const struct acsa_peer *peer;
    struct acsa_sync_response response;
    enum acsa_rc rc;
    struct acsa_error err;
};

static void *fetch_run(void *arg)
{
    struct fetch *f = arg;
    f->rc = acsa_sync_request_retry(f->app, f->peer, "GET", ACSA_SYNC_FINGERPRINTS, NULL, 0,
                                    &f->response, &f->err);
    return NULL;
}

/* Merges the partner's fetched fingerprints with ours (mine), unless the fetch failed. */
static enum acsa_rc merge_fetched(struct merge *m, const struct acsa_sync_buf *mine,
                                  const struct fetch *f, struct acsa_error *err)
{
    if (f->rc != ACSA_OK) {
        *err = f->err;
        return f->rc;
    }
    if (f->response.status != 200) {
        return acsa_error_set(err, f->response.status == 403 ? ACSA_EFORBIDDEN : ACSA_EREFUSED,
                              "peer", "peer: fingerprints: the partner answered %ld: %.200s",
                              f->response.status, (const char *)f->response.body);
    }
    return merge_fingerprints(m, mine, (char *)f->response.body, f->response.size);
}

/* Lists our fingerprints while the partner's are fetched, then merges the two lists into m. */
static enum acsa_rc merge_with_partner(struct acsa_app *app, const char *party,
                                       const struct acsa_peer *peer, struct merge *m,
                                       struct acsa_error *err)
{
    struct fetch f;
    memset(&f, 0, sizeof(f));
    f.app = app;
    f.peer = peer;
    pthread_t thread;
    bool threaded = pthread_create(&thread, NULL, fetch_run, &f) == 0;
    if (!threaded) {
        fetch_run(&f);
    }
    struct acsa_sync_buf mine = {0};
    enum acsa_rc rc = acsa_sync_fingerprints(app, party, &mine, err);
    if (threaded) {
        pthread_join(thread, NULL);
    }
    if (rc == ACSA_OK) {
        rc = merge_fetched(m, &mine, &f, err);
    }
    acsa_free(mine.data);
    acsa_sync_response_free(&f.response);
    return rc;
}

/* Every comparison with a reachable partner, in order; the first failure ends it. */
static enum acsa_rc compare_with_partner(struct acsa_app *app, const char *party,
                                         const struct acsa_peer *peer, struct merge *m,
                                         struct acsa_error *err)
{
    ACSA_TRY(merge_with_partner(app, party, peer, m, err));
    ACSA_TRY(compare_differing(app, peer, m, err));
    ACSA_TRY(compare_balances(app, peer, m, err));
    ACSA_TRY(acsa_app_in_transit(app, local_today(), peer->party, false, transit_row, m, err));
    return acsa_reconcile_agreements(app, peer, m->cb, m->ctx, m->summary, err);
}

enum acsa_rc acsa_reconcile(struct acsa_app *app, const char *party, acsa_reconcile_cb cb,
                            void *ctx, struct acsa_reconcile_summary *out,
                            struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct acsa_peer peer;
    ACSA_TRY(acsa_app_peer_get(app, party, &peer, err));
    struct merge m;
    memset(&m, 0, sizeof(m));
    m.cb = cb;
    m.ctx = ctx;
    m.summary = out;
    enum acsa_rc rc = compare_with_partner(app, party, &peer, &m, err);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    acsa_free(m.differing.items);
    return rc;
}

/* Merges our fingerprints with those of the partner's snapshot into m. */
static enum acsa_rc merge_with_snapshot(struct acsa_app *app, const char *party,
                                        const struct acsa_snapshot *snap, struct merge *m,
                                        struct acsa_error *err)
{
    struct acsa_sync_buf mine = {0};
    enum acsa_rc rc = acsa_sync_fingerprints(app, party, &mine, err);
    if (rc == ACSA_OK) {
        rc = merge_fingerprints(m, &mine, snap->fingerprints, snap->fingerprints_len);
    }
    acsa_free(mine.data);
    return rc;
}

/* Every comparison with the partner's latest snapshot, in order; the first failure ends it.
 * ours_through is set to our own last sequence number first. */
static enum acsa_rc compare_with_snapshot(struct acsa_app *app, const char *party,
                                          const struct acsa_snapshot *snap, struct merge *m,
                                          int64_t *ours_through, struct acsa_error *err)
{
    ACSA_TRY(acsa_app_own_last_seq(app, ours_through, err));
    ACSA_TRY(merge_with_snapshot(app, party, snap, m, err));
    ACSA_TRY(report_fingerprints(m));
    return compare_ledgers(app, party, m, snap->balance, snap->balance_len, err);
}

enum acsa_rc acsa_reconcile_offline(struct acsa_app *app, const char *party,
                                    acsa_reconcile_cb cb, void *ctx,
                                    struct acsa_reconcile_summary *out,
                                    struct acsa_reconcile_snapshot *seen,
                                    struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    memset(seen, 0, sizeof(*seen));
    struct acsa_peer peer;
    ACSA_TRY(acsa_app_peer_get(app, party, &peer, err));
    struct acsa_snapshot snap;
    struct acsa_snapshot_row row;
    memset(&snap, 0, sizeof(snap));
    enum acsa_rc rc = acsa_app_snapshot_latest(app, party, &snap, &row, err);
    if (rc != ACSA_OK) {
        acsa_snapshot_free(&snap);
        return rc;
    }
    seen->created_s = snap.created_s;
    seen->received_s = row.received_s;
    seen->sender_through = snap.sender_through;
    seen->seen_through = snap.seen_through;
    seen->theirs_held = peer.received_through;
    seen->orders = snap.orders;
    struct merge m;
    memset(&m, 0, sizeof(m));
    m.cb = cb;
    m.ctx = ctx;
    m.summary = out;
    m.offline = true;
    rc = compare_with_snapshot(app, party, &snap, &m, &seen->ours_through, err);
    acsa_free(m.differing.items);
    acsa_free(m.fingerprints);
    if (rc == ACSA_ENOMEM) {
        acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    acsa_snapshot_free(&snap);
    return rc;
}
