/* SPDX-License-Identifier: MIT */
/* The order verbs that read: order list (streamed from the store, fixed-width columns or a
 * streamed JSON array) and order show (header, lines, events with their postings). */
#include "cli.h"
#include "alloc.h"
#include "json_text.h"

#include <stdlib.h>
#include <string.h>

/* ---- order list ----------------------------------------------------------------------- */

static const struct cli_column order_columns[] = {
    {"NUMBER", 18, false},  {"AGREEMENT", 12, false}, {"REQ", 3, false},
    {"SUP", 3, false},      {"ACTIVITY", 20, false},  {"METHOD", 6, false},
    {"STATE", 10, false},   {"CREATED", 10, false},   {"DUE", 10, false},
    {"CUR", 3, false},      {"VALUE", 16, CLI_AMOUNT},      {"OUTSTANDING", 16, CLI_AMOUNT},
};

/* The names of the node's activities, read once before the orders: a table shows the name an
 * order cites, not its id. */
struct activity_name {
    int64_t id;
    char name[ACSA_NAME_SIZE];
};

struct order_list {
    struct cli_list list;
    struct activity_name *activities;  /* acsa_malloc'd. */
    size_t count;
    size_t capacity;
};

static enum acsa_rc activity_keep(void *ctx, const struct acsa_activity *activity)
{
    struct order_list *l = ctx;
    if (l->count == l->capacity) {
        size_t capacity = l->capacity > 0 ? l->capacity * 2 : 16;
        struct activity_name *grown = acsa_realloc(l->activities, capacity * sizeof(*grown));
        if (grown == NULL) {
            return ACSA_ENOMEM;
        }
        l->activities = grown;
        l->capacity = capacity;
    }
    l->activities[l->count].id = activity->id;
    snprintf(l->activities[l->count].name, ACSA_NAME_SIZE, "%s", activity->name);
    l->count++;
    return ACSA_OK;
}

/* The activity's name, or its id when the node has no such activity. */
static const char *activity_name(const struct order_list *l, int64_t id, char buf[24])
{
    for (size_t i = 0; i < l->count; i++) {
        if (l->activities[i].id == id) {
            return l->activities[i].name;
        }
    }
    snprintf(buf, 24, "%lld", (long long)id);
    return buf;
}

static enum acsa_rc order_row(void *ctx, const struct acsa_order_summary *o)
{
    struct order_list *l = ctx;
    struct cli_list *list = &l->list;
    if (list->out.json) {
        return cli_out_json(&list->out, acsa_order_summary_json(o));
    }
    char activity[24];
    char created[ACSA_DATE_TEXT_SIZE];
    char due[ACSA_DATE_TEXT_SIZE];
    char value[ACSA_MONEY_TEXT_SIZE];
    char outstanding[ACSA_MONEY_TEXT_SIZE];
    const char *cells[] = {o->number,
                           o->agreement_id,
                           o->requester,
                           o->supplier,
                           activity_name(l, o->activity_id, activity),
                           acsa_method_name(o->method),
                           acsa_state_name(o->state),
                           cli_date_text(o->created_day, created),
                           cli_date_text(o->due_day, due),
                           o->currency,
                           acsa_money_format(o->value_minor, o->exponent, value),
                           acsa_money_format(o->outstanding_minor, o->exponent, outstanding)};
    return cli_out_cells(&list->out, cells);
}

static int order_list_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct acsa_order_filter *filter = ctx;
    struct order_list l;
    memset(&l, 0, sizeof(l));
    enum acsa_rc rc = cli->json ? ACSA_OK
                                : acsa_app_activity_list(app, NULL, activity_keep, &l, &cli->err);
    if (rc != ACSA_OK) {
        acsa_free(l.activities);
        return cli_fail(cli, rc);
    }
    cli_list_begin(&l.list, cli, app, order_columns, CLI_LEN(order_columns));
    int code = cli_list_end(&l.list, acsa_app_order_list(app, filter, order_row, &l,
                                                         &cli->err));
    acsa_free(l.activities);
    return code;
}

int cmd_order_list(struct cli *cli, int argc, char **argv)
{
    struct acsa_order_filter filter;
    memset(&filter, 0, sizeof(filter));
    bool overdue = false;
    int32_t as_of = cli->today;
    struct cli_option options[] = {
        CLI_OPT("state", CLI_STATE, false, &filter.state, 0, "STATE", "only orders in STATE"),
        CLI_OPT("agreement", CLI_TEXT, false, filter.agreement_id, ACSA_ID_SIZE, "ID",
                "only orders under this agreement"),
        CLI_OPT("activity", CLI_ID, false, &filter.activity_id, 0, "ID",
                "only orders citing this activity"),
        CLI_OPT("partner", CLI_NATION, false, filter.partner, 0, "CC",
                "only orders where CC is a party"),
        CLI_OPT("overdue", CLI_FLAG, false, &overdue, 0, NULL,
                "only orders past due as of --as-of"),
        CLI_OPT("as-of", CLI_DATE, false, &as_of, 0, "DATE",
                "date --overdue is judged on (default: today)"),
    };
    struct cli_command cmd = {"Lists orders, ordered by number.", NULL, 0, NULL, true, options,
                              CLI_LEN(options)};
    cmd.outputs |= CLI_CSV;
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    if (options[5].seen && !overdue) {
        return cli_usage(cli, "--as-of needs --overdue");
    }
    filter.state_set = options[0].seen;
    if (overdue) {
        acsa_order_overdue_rule(as_of, &filter.due);
    }
    return cli_with_app(cli, order_list_in, &filter);
}

/* ---- order show ----------------------------------------------------------------------- */


struct shown_official {
    enum acsa_step step;
    int32_t day;
    char party[ACSA_NATION_SIZE];
    char name[ACSA_NAME_SIZE];
    char title[ACSA_NAME_SIZE];
};

/* An order with what it refers to, resolved for display. */
struct shown_order {
    struct acsa_order_view view;       /* The order, its activity and unit names. */
    struct acsa_agreement agreement;
    json_t *events;                    /* JSON output: the events array being filled. */
    struct cli_out out;                /* Text output: the events table. */
    /* Who approved, accepted, rejected. */
    struct shown_official officials[CLI_SHOWN_OFFICIALS_MAX];
    uint32_t official_count;
};

static const struct cli_column event_columns[] = {
    {"DATE", 10, false},   {"STEP", 13, false},  {"BY", 20, false},  {"STATE", 24, false},
    {"LINE", 4, true},     {"QTY", 10, CLI_AMOUNT},    {"AMOUNT", 16, CLI_AMOUNT},
    {"DETAIL", 6, false},
};

/* Under a payment: what was paid in its own currency, at which rate, on which invoice; under
 * an invoice: its number. */
static void settlement_text(const struct acsa_event *e)
{
    const struct acsa_currency *cur = acsa_currency_find(e->paid_currency);
    char text[CLI_POSTING_LINE_MAX];
    char amount[ACSA_MONEY_TEXT_SIZE];
    char rate[ACSA_RATE_TEXT_SIZE];
    char date[ACSA_DATE_TEXT_SIZE];
    size_t used = 0;
    if (cur != NULL) {
        cli_append(text, sizeof(text), &used, "    paid %s %s",
                   acsa_money_format(e->paid_minor, cur->exponent, amount), cur->code);
        if (e->rate.units > 0) {
            cli_append(text, sizeof(text), &used, " at %s (rate of %s, %s)",
                       acsa_rate_format(&e->rate, rate), cli_date_text(e->rate_day, date),
                       e->rate_source);
        }
    }
    if (e->invoice[0] != '\0') {
        cli_append(text, sizeof(text), &used, "%sinvoice %s", used > 0 ? " on " : "    ",
                   e->invoice);
    }
    if (used > 0) {
        cli_put_text(stdout, text); /* The source and numbers are stored text. */
        fputc('\n', stdout);
    }
}

static enum acsa_rc event_text(struct shown_order *s, const struct acsa_event_row *row)
{
    const struct acsa_event *e = &row->event;
    uint8_t exponent = s->view.order.currency.exponent;
    char date[ACSA_DATE_TEXT_SIZE];
    char states[2 * 12 + 4];
    char line[16];
    char qty[ACSA_MONEY_TEXT_SIZE];
    char amount[ACSA_MONEY_TEXT_SIZE];
    snprintf(states, sizeof(states), "%s -> %s", acsa_state_name(e->state_from),
             acsa_state_name(e->state_to));
    snprintf(line, sizeof(line), "%u", e->line_no);
    const char *cells[] = {cli_date_text(e->day, date), acsa_step_name(e->step), e->actor,
                           states, e->line_no > 0 ? line : "-",
                           e->quantity_milli != 0 ? acsa_quantity_format(e->quantity_milli, qty)
                                                  : "-",
                           acsa_money_format(e->amount_minor, exponent, amount),
                           e->detail[0] != '\0' ? e->detail : "-"};
    enum acsa_rc rc = cli_out_cells(&s->out, cells);
    if (rc == ACSA_OK) {
        settlement_text(e);
    }
    if (rc == ACSA_OK && e->backdate_reason[0] != '\0') {
        char text[ACSA_TEXT_SIZE + 64];
        char rec[ACSA_DATE_TEXT_SIZE];
        snprintf(text, sizeof(text), "    back-entered on %s: %s",
                 cli_date_text(e->recorded_day, rec), e->backdate_reason);
        cli_put_text(stdout, text); /* The reason is stored text. */
        fputc('\n', stdout);
    }
    for (uint32_t i = 0; rc == ACSA_OK && i < e->posting_count; i++) {
        const struct acsa_posting *p = &e->postings[i];
        const struct acsa_currency *pc = acsa_currency_find(p->currency);
        acsa_money_format(p->amount_minor, pc != NULL ? pc->exponent : exponent, amount);
        char text[CLI_POSTING_LINE_MAX];
        size_t used = 0;
        cli_append(text, sizeof(text), &used, "    %-25s %-2s %-3s %16s",
                   acsa_account_name(p->account), p->partner, p->currency, amount);
        if (p->quantity_milli != 0) {
            cli_append(text, sizeof(text), &used, "  qty %s",
                       acsa_quantity_format(p->quantity_milli, qty));
        }
        if (p->line_no > 0) {
            cli_append(text, sizeof(text), &used, "  line %u", p->line_no);
        }
        cli_put_text(stdout, text); /* Partner and currency codes are stored text. */
        fputc('\n', stdout);
    }
    return rc;
}

static void note_official(struct shown_order *s, const struct acsa_event *e)
{
    bool approve = e->step == ACSA_STEP_APPROVE;
    if ((!approve && e->step != ACSA_STEP_ACCEPT && e->step != ACSA_STEP_REJECT) ||
        s->official_count >= CLI_SHOWN_OFFICIALS_MAX) {
        return;
    }
    struct shown_official *o = &s->officials[s->official_count++];
    o->step = e->step;
    o->day = e->day;
    snprintf(o->party, sizeof(o->party), "%s",
             approve ? s->view.order.requester : s->view.order.supplier);
    snprintf(o->name, sizeof(o->name), "%s", e->actor);
}

static enum acsa_rc event_row(void *ctx, const struct acsa_event_row *row)
{
    struct shown_order *s = ctx;
    note_official(s, &row->event);
    if (s->events == NULL) {
        return event_text(s, row);
    }
    json_t *event = acsa_event_json(row, &s->view.order.currency);
    return json_array_append_new(s->events, event) == 0 ? ACSA_OK : ACSA_ENOMEM;
}

static void header_text(const struct shown_order *s, int32_t today)
{
    const struct acsa_order *o = &s->view.order;
    uint8_t e = o->currency.exponent;
    char d[ACSA_DATE_TEXT_SIZE];
    char m[ACSA_MONEY_TEXT_SIZE];
    cli_field(stdout, "Order", "%s", o->number);
    cli_field(stdout, "Agreement", "%s", o->agreement_id);
    cli_field(stdout, "Requester", "%s, unit %s", o->requester,
              o->requester_unit_id != 0 ? s->view.requester_unit : "-");
    cli_field(stdout, "Supplier", "%s, unit %s", o->supplier,
              o->supplier_unit_id != 0 ? s->view.supplier_unit : "-");
    cli_field(stdout, "Activity", "%lld %s (%s)", (long long)o->activity_id, s->view.activity.name,
              s->view.activity.type);
    cli_field(stdout, "Method", "%s", acsa_method_name(o->method));
    cli_field(stdout, "State", "%s%s", acsa_state_name(o->state),
              acsa_order_overdue(o, today) ? " (overdue)" : "");
    cli_field(stdout, "Place", "%s", o->place[0] != '\0' ? o->place : "-");
    cli_field(stdout, "Need by", "%s", cli_date_text(o->need_by_day, d));
    cli_field(stdout, "Created", "%s", cli_date_text(o->created_day, d));
    cli_field(stdout, "Delivered", "%s", cli_date_text(o->delivered_day, d));
    cli_field(stdout, "Invoiced", "%s", cli_date_text(o->invoiced_day, d));
    cli_field(stdout, "Due", "%s", cli_date_text(o->due_day, d));
    cli_field(stdout, "Value", "%s %s", acsa_money_format(o->value_minor, e, m), o->currency.code);
    const char *c = o->currency.code;
    cli_field(stdout, "Received value", "%s %s", acsa_money_format(o->received_value_minor, e, m),
              c);
    cli_field(stdout, "Settled in kind", "%s %s", acsa_money_format(o->kind_settled_minor, e, m),
              c);
    cli_field(stdout, "Cash due", "%s %s", acsa_money_format(o->cash_due_minor, e, m), c);
    cli_field(stdout, "Paid", "%s %s", acsa_money_format(o->paid_minor, e, m), c);
    cli_field(stdout, "Outstanding", "%s %s", acsa_money_format(acsa_order_outstanding(o), e, m),
              o->currency.code);
    cli_field(stdout, "Converted", "%s", o->converted ? "yes" : "no");
    cli_field(stdout, "Exchanged with", "%s", o->exchanged_with[0] != '\0' ? o->exchanged_with
                                                                          : "-");
    if (o->state == ACSA_STATE_DISPUTED && o->disputed_by[0] != '\0') {
        cli_field(stdout, "Disputed by", "%s", o->disputed_by);
    }
    char closed[ACSA_ORDER_LINES_MAX * 4] = "";
    size_t used = 0;
    for (uint32_t i = 0; i < o->line_count; i++) {
        if (o->lines[i].closed) {
            cli_append(closed, sizeof(closed), &used, "%s%u", used > 0 ? ", " : "", i + 1);
        }
    }
    if (used > 0) {
        cli_field(stdout, "Closed short", "line %s", closed);
    }
}

static enum acsa_rc lines_text(const struct acsa_order *o)
{
    static const struct cli_column columns[] = {
        {"LINE", 0, true},    {"CATEGORY", 0, false}, {"DESCRIPTION", 0, false},
        {"NSN", 0, false},    {"UNIT", 0, false},     {"PRICE", 0, CLI_AMOUNT},
        {"ORDERED", 0, CLI_AMOUNT}, {"ISSUED", 0, CLI_AMOUNT},    {"RECEIVED", 0, CLI_AMOUNT},
        {"RETURNED", 0, CLI_AMOUNT}, {"ACCEPTED", 0, CLI_AMOUNT}, {"VALUE", 0, CLI_AMOUNT},
    };
    struct cli_out out;
    cli_out_begin(&out, stdout, false, columns, CLI_LEN(columns));
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t i = 0; rc == ACSA_OK && i < o->line_count; i++) {
        const struct acsa_order_line *l = &o->lines[i];
        char no[16];
        char text[7][ACSA_MONEY_TEXT_SIZE];
        snprintf(no, sizeof(no), "%u", i + 1);
        const char *cells[] = {no, l->category, l->description, l->nsn[0] != '\0' ? l->nsn : "-",
                               l->unit_of_issue,
                               acsa_money_format(l->price_minor, o->currency.exponent, text[0]),
                               acsa_quantity_format(l->quantity_milli, text[1]),
                               acsa_quantity_format(l->issued_milli, text[2]),
                               acsa_quantity_format(l->received_milli, text[3]),
                               acsa_quantity_format(l->returned_milli, text[4]),
                               acsa_quantity_format(l->return_accepted_milli, text[5]),
                               acsa_money_format(l->value_minor, o->currency.exponent, text[6])};
        rc = cli_out_cells(&out, cells);
    }
    return cli_out_end(&out, rc);
}

static enum acsa_rc invoices_text(const struct acsa_order *o)
{
    static const struct cli_column columns[] = {
        {"INVOICE", 0, false}, {"DATE", 0, false}, {"DUE", 0, false},
        {"AMOUNT", 0, CLI_AMOUNT},   {"PAID", 0, CLI_AMOUNT},  {"OPEN", 0, CLI_AMOUNT},
    };
    struct cli_out out;
    cli_out_begin(&out, stdout, false, columns, CLI_LEN(columns));
    enum acsa_rc rc = ACSA_OK;
    uint8_t e = o->currency.exponent;
    for (uint32_t i = 0; rc == ACSA_OK && i < o->invoice_count; i++) {
        const struct acsa_invoice *inv = &o->invoices[i];
        char d[2][ACSA_DATE_TEXT_SIZE];
        char m[3][ACSA_MONEY_TEXT_SIZE];
        const char *cells[] = {inv->number, cli_date_text(inv->day, d[0]),
                               cli_date_text(inv->due_day, d[1]),
                               acsa_money_format(inv->amount_minor, e, m[0]),
                               acsa_money_format(inv->paid_minor, e, m[1]),
                               acsa_money_format(inv->amount_minor - inv->paid_minor, e, m[2])};
        rc = cli_out_cells(&out, cells);
    }
    return cli_out_end(&out, rc);
}

/* The titles of the officials noted while the events were read. */
static enum acsa_rc officials_titles(struct acsa_app *app, struct shown_order *s,
                                     struct cli *cli)
{
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t i = 0; rc == ACSA_OK && i < s->official_count; i++) {
        struct shown_official *o = &s->officials[i];
        rc = acsa_app_official_title(app, o->party, o->name, o->day, o->title,
                                     sizeof(o->title), &cli->err);
    }
    return rc;
}

static json_t *officials_json(const struct shown_order *s)
{
    json_t *list = json_array();
    for (uint32_t i = 0; list != NULL && i < s->official_count; i++) {
        const struct shown_official *o = &s->officials[i];
        json_t *item = json_pack("{s:s, s:o, s:o, s:o, s:o}", "step", acsa_step_name(o->step),
                                 "date", acsa_json_date(o->day), "party",
                                 acsa_json_text(o->party), "name", acsa_json_text(o->name),
                                 "title", acsa_json_text(o->title));
        if (item == NULL || json_array_append_new(list, item) != 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

static enum acsa_rc show_text(struct acsa_app *app, struct shown_order *s, struct cli *cli)
{
    header_text(s, cli->today);
    fputs("\nLines\n", stdout);
    ACSA_TRY(lines_text(&s->view.order));
    if (s->view.order.invoice_count > 0) {
        fputs("\nInvoices\n", stdout);
        ACSA_TRY(invoices_text(&s->view.order));
    }
    fputs("\nEvents\n", stdout);
    cli_out_begin(&s->out, stdout, false, event_columns, CLI_LEN(event_columns));
    enum acsa_rc rc = acsa_app_order_events(app, s->view.order.number, event_row, s, &cli->err);
    ACSA_TRY(cli_out_end(&s->out, rc));
    ACSA_TRY(officials_titles(app, s, cli));
    if (s->official_count > 0) {
        fputs("\nOfficials\n", stdout);
    }
    for (uint32_t i = 0; i < s->official_count; i++) {
        const struct shown_official *o = &s->officials[i];
        char day[ACSA_DATE_TEXT_SIZE];
        static const char *const labels[] = {"Approved by", "Accepted by", "Rejected by"};
        const char *label = o->step == ACSA_STEP_APPROVE  ? labels[0]
                            : o->step == ACSA_STEP_ACCEPT ? labels[1]
                                                          : labels[2];
        cli_field(stdout, label, "%s%s%s (%s, %s)", o->name, o->title[0] != '\0' ? ", " : "",
                  o->title, o->party, cli_date_text(o->day, day));
    }
    return ACSA_OK;
}

/* Adds the order's events (s->events, which the caller releases) and officials to doc. */
static enum acsa_rc json_events_officials(struct acsa_app *app, struct shown_order *s,
                                          struct cli *cli, json_t *doc)
{
    ACSA_TRY(acsa_app_order_events(app, s->view.order.number, event_row, s, &cli->err));
    if (json_object_set(doc, "events", s->events) != 0) {
        return ACSA_ENOMEM;
    }
    ACSA_TRY(officials_titles(app, s, cli));
    if (json_object_set_new(doc, "officials", officials_json(s)) != 0) {
        return ACSA_ENOMEM;
    }
    return ACSA_OK;
}

static enum acsa_rc show_json(struct acsa_app *app, struct shown_order *s, struct cli *cli)
{
    json_t *doc = acsa_order_json(&s->view, cli->today);
    s->events = json_array();
    if (doc == NULL || s->events == NULL) {
        json_decref(doc);
        json_decref(s->events);
        return ACSA_ENOMEM;
    }
    enum acsa_rc rc = json_events_officials(app, s, cli, doc);
    json_decref(s->events);
    if (rc != ACSA_OK) {
        json_decref(doc);
        return rc;
    }
    return cli_json_print(stdout, doc);
}

/* Reads order number with the names it refers to into s, and shows it. */
static enum acsa_rc show_order(struct cli *cli, struct acsa_app *app, const char *number,
                               struct shown_order *s)
{
    ACSA_TRY(acsa_app_order_get(app, number, &s->view.order, &s->agreement, &cli->err));
    enum acsa_rc rc = acsa_app_order_view(app, &s->view);
    acsa_error_clear(&cli->err);
    if (rc != ACSA_OK) {
        return acsa_error_set(&cli->err, rc, "", "cannot read the names order %s refers to",
                              number);
    }
    return cli->json ? show_json(app, s, cli) : show_text(app, s, cli);
}

static int order_show_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    struct shown_order *s = acsa_calloc(1, sizeof(*s));
    if (s == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    enum acsa_rc rc = show_order(cli, app, ctx, s);
    acsa_free(s);
    return rc == ACSA_OK ? CLI_EXIT_OK : cli_fail(cli, rc);
}

int cmd_order_show(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Shows an order: header, lines with quantities and values, then "
                              "every event with its ledger postings.",
                              "NUMBER", ACSA_NUMBER_SIZE, NULL, true, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    return cli_with_app(cli, order_show_in, (void *)cmd.value);
}
