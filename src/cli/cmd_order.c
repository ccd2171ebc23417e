/* SPDX-License-Identifier: MIT */
/* The order verbs that write: create, and every step an order takes, described by one table
 * (which options a step needs, how its confirmation reads). Reading verbs are in
 * cmd_order_show.c. */
#include "cli.h"
#include "alloc.h"
#include "step_inputs.h"

#include <stdlib.h>
#include <string.h>

/* ---- create: --line "category=...,desc=...,qty=...,unit=...,price=...,currency=..." ------ */

enum line_key { KEY_CATEGORY, KEY_DESC, KEY_QTY, KEY_UNIT, KEY_PRICE, KEY_CURRENCY, KEY_NSN,
                KEY_COUNT };

static const struct {
    const char *name;
    bool required;
    size_t size; /* Size of the field the value goes to; 0 for numbers. */
} line_keys[KEY_COUNT] = {
    [KEY_CATEGORY] = {"category", true, ACSA_CODE_SIZE},
    [KEY_DESC] = {"desc", true, ACSA_TEXT_SIZE},
    [KEY_QTY] = {"qty", true, 0},
    [KEY_UNIT] = {"unit", true, ACSA_UNIT_OF_ISSUE_SIZE},
    [KEY_PRICE] = {"price", true, 0},
    [KEY_CURRENCY] = {"currency", true, ACSA_CURRENCY_SIZE},
    [KEY_NSN] = {"nsn", false, ACSA_NSN_SIZE},
};


static int find_key(const char *name)
{
    for (int k = 0; k < KEY_COUNT; k++) {
        if (strcmp(line_keys[k].name, name) == 0) {
            return k;
        }
    }
    return -1;
}

/* Checks that every required key is there and every value fits its field. */
static int check_line_values(struct cli *cli, uint32_t no, const char *values[KEY_COUNT])
{
    for (int k = 0; k < KEY_COUNT; k++) {
        const char *name = line_keys[k].name;
        if (values[k] == NULL && line_keys[k].required) {
            return cli_usage(cli, "--line %u: missing key \"%s\"", no, name);
        }
        if (values[k] != NULL && values[k][0] == '\0') {
            return cli_usage(cli, "--line %u: key \"%s\" has no value", no, name);
        }
        if (values[k] != NULL && line_keys[k].size > 0 &&
            strlen(values[k]) >= line_keys[k].size) {
            return cli_usage(cli, "--line %u: key \"%s\" is longer than %zu characters", no,
                             name, line_keys[k].size - 1);
        }
    }
    return CLI_CONTINUE;
}

/* Splits one --line into the values of its keys, which point into buf afterwards. */
static int split_line(struct cli *cli, uint32_t no, const char *spec, char *buf,
                      const char *values[KEY_COUNT])
{
    size_t length = strlen(spec);
    if (length >= CLI_LINE_SPEC_MAX) {
        return cli_usage(cli, "--line %u: longer than %d characters", no, CLI_LINE_SPEC_MAX - 1);
    }
    memcpy(buf, spec, length + 1);
    char *piece = buf;
    while (piece != NULL) {
        char *comma = strchr(piece, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        char *equals = strchr(piece, '=');
        if (equals == NULL) {
            return cli_usage(cli, "--line %u: \"%.*s\" is not key=value (a value may not "
                             "contain ',')", no, ACSA_QUOTE_MAX, piece);
        }
        *equals = '\0';
        int key = find_key(piece);
        if (key < 0) {
            return cli_usage(cli, "--line %u: unknown key \"%.*s\" (keys: category, desc, qty, "
                             "unit, price, currency, nsn)", no, ACSA_QUOTE_MAX, piece);
        }
        if (values[key] != NULL) {
            return cli_usage(cli, "--line %u: duplicate key \"%s\"", no, piece);
        }
        values[key] = equals + 1;
        piece = comma != NULL ? comma + 1 : NULL;
    }
    return check_line_values(cli, no, values);
}

static int parse_line(struct cli *cli, struct acsa_order_draft *draft, uint32_t index,
                      const char *spec);

int cli_order_line_parse(struct cli *cli, struct acsa_order_draft *draft, uint32_t index,
                         const char *spec)
{
    return parse_line(cli, draft, index, spec);
}

/* Fills line index of the draft from one --line. */
static int parse_line(struct cli *cli, struct acsa_order_draft *draft, uint32_t index,
                      const char *spec)
{
    uint32_t no = index + 1;
    char buf[CLI_LINE_SPEC_MAX];
    const char *values[KEY_COUNT] = {NULL};
    int code = split_line(cli, no, spec, buf, values);
    if (code != CLI_CONTINUE) {
        return code;
    }
    const struct acsa_currency *currency = acsa_currency_find(values[KEY_CURRENCY]);
    if (currency == NULL) {
        return cli_usage(cli, "--line %u: currency \"%s\" is not a known ISO 4217 currency", no,
                         values[KEY_CURRENCY]);
    }
    struct acsa_order_line *line = &draft->lines[index];
    enum acsa_rc rc = acsa_quantity_parse(values[KEY_QTY], "qty", &line->quantity_milli,
                                          &cli->err);
    if (rc == ACSA_OK) {
        rc = acsa_money_parse(values[KEY_PRICE], currency->exponent, "price", &line->price_minor,
                              &cli->err);
    }
    if (rc != ACSA_OK) {
        return cli_usage(cli, "--line %u: %s", no, cli->err.message);
    }
    /* Every length was checked against its field in check_line_values. */
    snprintf(line->category, sizeof(line->category), "%s", values[KEY_CATEGORY]);
    snprintf(line->description, sizeof(line->description), "%s", values[KEY_DESC]);
    snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "%s", values[KEY_UNIT]);
    snprintf(line->nsn, sizeof(line->nsn), "%s", values[KEY_NSN] != NULL ? values[KEY_NSN] : "");
    snprintf(draft->line_currency[index], ACSA_CURRENCY_SIZE, "%s", currency->code);
    return CLI_CONTINUE;
}

struct create_args {
    char agreement_id[ACSA_ID_SIZE];
    int64_t activity_id;
    int32_t day;
    char actor[ACSA_NAME_SIZE];
    struct cli_multi lines;
    struct acsa_order_draft draft;
};

static int order_create_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct create_args *args = ctx;
    char number[ACSA_NUMBER_SIZE];
    enum acsa_rc rc = acsa_app_order_create(app, args->agreement_id, args->activity_id,
                                            &args->draft, args->day, args->actor, number,
                                            &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    printf("%s\n", number);
    return CLI_EXIT_OK;
}

/* The options of order create; the values go to args. */
static int order_create_parse(struct cli *cli, struct create_args *args, int argc, char **argv)
{
    struct acsa_order_draft *d = &args->draft;
    struct cli_option options[] = {
        CLI_OPT("agreement", CLI_TEXT, true, args->agreement_id, ACSA_ID_SIZE, "ID",
                "agreement the order falls under"),
        CLI_OPT("requester", CLI_NATION, true, d->requester, 0, "CC", "requesting party"),
        CLI_OPT("supplier", CLI_NATION, true, d->supplier, 0, "CC", "supplying party"),
        CLI_OPT("activity", CLI_ID, true, &args->activity_id, 0, "ID", "activity it cites"),
        CLI_OPT("method", CLI_METHOD, true, &d->method, 0, "METHOD",
                "settlement method: cash, rik or eve"),
        CLI_OPT("line", CLI_MULTI, true, &args->lines, 0, "SPEC",
                "category=..,desc=..,qty=..,unit=..,price=..,currency=..[,nsn=..]; repeatable"),
        CLI_OPT("requester-unit", CLI_ID, false, &d->requester_unit_id, 0, "ID",
                "unit of the requesting party"),
        CLI_OPT("supplier-unit", CLI_ID, false, &d->supplier_unit_id, 0, "ID",
                "unit of the supplying party"),
        CLI_OPT("place", CLI_TEXT, false, d->place, ACSA_TEXT_SIZE, "TEXT", "delivery place"),
        CLI_OPT("need-by", CLI_DATE, false, &d->need_by_day, 0, "DATE", "delivery date"),
        CLI_OPT("by", CLI_TEXT, false, args->actor, ACSA_NAME_SIZE, "NAME",
                "who raises the order (default: $USER)"),
        CLI_OPT("date", CLI_DATE, false, &args->day, 0, "DATE", "date raised (default: today)"),
        CLI_OPT("backdate-reason", CLI_TEXT, false, d->backdate_reason, ACSA_TEXT_SIZE, "TEXT",
                "why a date more than the agreement's backdate_days ago is entered only now"),
    };
    struct cli_command cmd = {"Raises an order as a draft and prints its number.", NULL, 0,
                              NULL, false, options, CLI_LEN(options)};
    d->need_by_day = ACSA_DATE_NONE;
    d->recorded_day = cli->today;
    args->day = cli->today;
    snprintf(args->actor, sizeof(args->actor), "%s", cli_default_actor());
    int code = cli_parse(cli, &cmd, argc, argv);
    for (uint32_t i = 0; code == CLI_CONTINUE && i < args->lines.count; i++) {
        code = parse_line(cli, d, i, args->lines.values[i]);
    }
    d->line_count = args->lines.count;
    return code;
}

static int order_create(struct cli *cli, int argc, char **argv)
{
    struct create_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    int code = order_create_parse(cli, args, argc, argv);
    if (code == CLI_CONTINUE) {
        code = cli_with_app(cli, order_create_in, args);
    }
    acsa_free(args);
    return code;
}

/* ---- steps ---------------------------------------------------------------------------- */

/* How each step reads on the command line; the options it takes besides NUMBER, --by and
 * --date are the core's table (acsa_step_inputs). */
static const struct step_rule {
    enum acsa_step step;  /* The verb is acsa_step_name(step). */
    const char *done;     /* The confirmation: "IN-JP-2024-000001: approved ...". */
    const char *summary;
} step_rules[] = {
    {ACSA_STEP_SUBMIT, "submitted", "submit a complete draft for approval"},
    {ACSA_STEP_APPROVE, "approved", "approve, as an official of the requester"},
    {ACSA_STEP_ACCEPT, "accepted", "accept, as an official of the supplier"},
    {ACSA_STEP_REJECT, "rejected", "refuse, as an official of the supplier"},
    {ACSA_STEP_CANCEL, "cancelled", "cancel an order not yet delivering"},
    {ACSA_STEP_DISPUTE, "disputed", "raise a dispute on the order"},
    {ACSA_STEP_ISSUE, "issued", "record supplies issued on one line"},
    {ACSA_STEP_RECEIVE, "received", "record a receipt on one line"},
    {ACSA_STEP_RETURN, "returned", "record a return in kind on one line (rik)"},
    {ACSA_STEP_ACCEPT_RETURN, "return accepted", "accept a return in kind (rik)"},
    {ACSA_STEP_INVOICE, "invoiced",
     "issue a numbered invoice for received, not yet invoiced quantities (cash)"},
    {ACSA_STEP_PAY, "paid",
     "record a payment, in another currency at a stated rate; oldest invoice first"},
    {ACSA_STEP_EXCHANGE, "exchanged",
     "match a delivered eve order against one or more reverse ones, across currencies at a "
     "stated rate"},
    {ACSA_STEP_CLOSE, "closed", "close a settled order"},
    {ACSA_STEP_RESOLVE, "resolved",
     "end a dispute, as an official of the party that raised it"},
    {ACSA_STEP_CLOSE_LINE, "line closed",
     "end a line short at the quantity received"},
    {ACSA_STEP_CORRECT, "corrected",
     "set a line's issued, received, returned or accepted quantity anew"},
    {ACSA_STEP_REJECT_RETURN, "return rejected",
     "refuse part of a return in kind; it is owed again (rik)"},
};

struct step_args {
    const struct step_rule *rule;
    unsigned needs;         /* acsa_step_inputs of the step. */
    const char *number;
    struct acsa_command command;
    const char *amount;
    const struct acsa_currency *currency;
    struct cli_multi with;  /* --with, repeatable. */
    const char *rate;       /* --rate, parsed after the options. */
    char corrected[ACSA_CODE_SIZE];
};

/* What the confirmation says after the verb: the line and quantity, amount or partner. */
static void step_detail(const struct step_args *args, const struct acsa_order *order,
                        const struct acsa_event *event, char *buf, size_t size)
{
    const struct acsa_command *cmd = &args->command;
    char amount[ACSA_MONEY_TEXT_SIZE];
    buf[0] = '\0';
    if ((args->needs & ACSA_INPUT_LINE_NO) != 0) {
        snprintf(buf, size, " line %u", cmd->line_no);
    } else if ((args->needs & ACSA_INPUT_STEP) != 0) {
        snprintf(buf, size, " line %u %s to %s", cmd->line_no,
                 acsa_step_name(cmd->corrected_step),
                 acsa_quantity_format(cmd->quantity_milli, amount));
    } else if ((args->needs & ACSA_INPUT_LINE) != 0) {
        const char *unit = order != NULL && cmd->line_no <= order->line_count
                               ? order->lines[cmd->line_no - 1].unit_of_issue
                               : "";
        snprintf(buf, size, " line %u, %s %s", cmd->line_no,
                 acsa_quantity_format(cmd->quantity_milli, amount), unit);
    } else if ((args->needs & ACSA_INPUT_WITH) != 0) {
        size_t used = 0;
        for (uint32_t i = 0; i < args->with.count && used < size; i++) {
            int n = snprintf(buf + used, size - used, "%s%s", i == 0 ? " with " : ", ",
                             args->with.values[i]);
            used += n > 0 ? (size_t)n : 0;
        }
    } else if (order != NULL && event->amount_minor != 0) {
        char paid[ACSA_MONEY_TEXT_SIZE];
        char rate[ACSA_RATE_TEXT_SIZE];
        const struct acsa_currency *cur = acsa_currency_find(event->paid_currency);
        int n = snprintf(buf, size, " %s %s",
                         acsa_money_format(event->amount_minor, order->currency.exponent,
                                           amount), order->currency.code);
        size_t used = n > 0 ? (size_t)n : 0;
        if (event->rate.units > 0 && cur != NULL && used < size) {
            n = snprintf(buf + used, size - used, " (%s %s at %s)",
                         acsa_money_format(event->paid_minor, cur->exponent, paid), cur->code,
                         acsa_rate_format(&event->rate, rate));
            used += n > 0 ? (size_t)n : 0;
        }
        if (event->invoice[0] != '\0' && used < size) {
            snprintf(buf + used, size - used, " %s %s",
                     event->step == ACSA_STEP_INVOICE ? "as" : "on", event->invoice);
        }
    }
}

/* One line on stderr: "IN-JP-2024-000001: received line 1, 500 l by ... (state delivered)". */
static void step_confirm(struct cli *cli, struct acsa_app *app, const struct step_args *args,
                         const struct acsa_event *event)
{
    struct acsa_order *order = acsa_malloc(sizeof(*order));
    if (order != NULL && acsa_app_order_get(app, args->number, order, NULL, &cli->err) != ACSA_OK) {
        acsa_free(order);
        order = NULL;
    }
    char detail[ACSA_TEXT_SIZE];
    char date[ACSA_DATE_TEXT_SIZE];
    step_detail(args, order, event, detail, sizeof(detail));
    fprintf(stderr, "%s: %s%s by %s on %s", args->number, args->rule->done, detail,
            args->command.actor, acsa_date_format(args->command.day, date));
    if (order != NULL) {
        fprintf(stderr, " (state %s)", acsa_state_name(order->state));
    }
    fputc('\n', stderr);
    acsa_free(order);
}

static int order_step_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct step_args *args = ctx;
    struct acsa_event event;
    memset(&event, 0, sizeof(event));
    enum acsa_rc rc;
    if (args->rule->step == ACSA_STEP_EXCHANGE) {
        rc = acsa_app_order_exchange_many(app, args->number, args->with.values,
                                          args->with.count, &args->command, &cli->err);
    } else {
        rc = acsa_app_order_step(app, args->number, &args->command, &event, &cli->err);
    }
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    step_confirm(cli, app, args, &event);
    return CLI_EXIT_OK;
}

static size_t step_options(struct step_args *args, struct cli_option *options)
{
    struct acsa_command *c = &args->command;
    unsigned needs = args->needs;
    size_t n = 0;
    options[n++] = (struct cli_option)CLI_OPT("by", CLI_TEXT, true, c->actor, ACSA_NAME_SIZE,
                                              "NAME", "who takes the step");
    options[n++] = (struct cli_option)CLI_OPT("date", CLI_DATE, false, &c->day, 0, "DATE",
                                              "date the step takes effect (default: today)");
    options[n++] = (struct cli_option)CLI_OPT("backdate-reason", CLI_TEXT, false,
                                              c->backdate_reason, ACSA_TEXT_SIZE, "TEXT",
                                              "why a date more than backdate_days ago is "
                                              "entered only now");
    if ((needs & ACSA_INPUT_REASON) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("reason", CLI_TEXT, false, c->reason,
                                                  ACSA_TEXT_SIZE, "TEXT", "reason or note");
    }
    if ((needs & (ACSA_INPUT_LINE | ACSA_INPUT_LINE_NO)) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("line", CLI_LINE_NO, true, &c->line_no, 0,
                                                  "N", "line number (1 is the first line)");
    }
    if ((needs & ACSA_INPUT_STEP) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("step", CLI_TEXT, true, args->corrected,
                                                  ACSA_CODE_SIZE, "STEP",
                                                  "issue, receive, return or accept-return");
    }
    if ((needs & ACSA_INPUT_LINE) != 0) {
        options[n++] = (struct cli_option)CLI_OPT(
            "qty", CLI_QUANTITY, true, &c->quantity_milli, 0, "Q",
            (needs & ACSA_INPUT_STEP) != 0 ? "the step's quantity on the line, in all (may be 0)"
                                      : "quantity, in the line's unit");
    }
    if ((needs & ACSA_INPUT_AMOUNT) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("amount", CLI_RAW, true, &args->amount, 0,
                                                  "AMOUNT", "amount paid, in --currency");
        options[n++] = (struct cli_option)CLI_OPT("currency", CLI_CURRENCY, true,
                                                  &args->currency, 0, "CUR",
                                                  "currency of the payment (ISO 4217)");
    }
    if ((needs & ACSA_INPUT_LINE_OPTIONAL) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("line", CLI_LINE_NO, false, &c->line_no, 0,
                                                  "N", "invoice only this line (with --qty)");
        options[n++] = (struct cli_option)CLI_OPT("qty", CLI_QUANTITY, false, &c->quantity_milli,
                                                  0, "Q", "quantity of the line to invoice");
    }
    if ((needs & (ACSA_INPUT_AMOUNT | ACSA_INPUT_WITH)) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("rate", CLI_RAW, false, &args->rate, 0, "R",
                                                  "1 unit of the other currency = R of the "
                                                  "order's (exact decimal); when they differ");
        options[n++] = (struct cli_option)CLI_OPT("rate-date", CLI_DATE, false, &c->rate_day, 0,
                                                  "DATE", "date of the rate");
        options[n++] = (struct cli_option)CLI_OPT("rate-source", CLI_TEXT, false,
                                                  c->rate_source, ACSA_TEXT_SIZE, "TEXT",
                                                  "where the rate comes from");
    }
    if ((needs & ACSA_INPUT_AMOUNT) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("invoice", CLI_TEXT, false, c->invoice,
                                                  ACSA_NUMBER_SIZE, "ID",
                                                  "the invoice paid (default: oldest first)");
    }
    if ((needs & ACSA_INPUT_WITH) != 0) {
        options[n++] = (struct cli_option)CLI_OPT("with", CLI_MULTI, true, &args->with, 0,
                                                  "NUMBER", "a reverse eve order; repeatable "
                                                  "(matched in the order given)");
    }
    return n;
}

/* --rate parsed exactly; --rate-date and --rate-source only with it; --line and --qty of an
 * invoice together or not at all. */
static int step_settlement(struct cli *cli, struct step_args *args)
{
    struct acsa_command *c = &args->command;
    if (args->rate != NULL) {
        if (acsa_rate_parse(args->rate, "rate", &c->rate, &cli->err) != ACSA_OK) {
            return cli_usage(cli, "--%s", cli->err.message);
        }
    } else if (c->rate_day != ACSA_DATE_NONE || c->rate_source[0] != '\0') {
        return cli_usage(cli, "--rate-date and --rate-source go with --rate");
    }
    if ((args->needs & ACSA_INPUT_LINE_OPTIONAL) != 0 &&
        (c->line_no == 0) != (c->quantity_milli == 0)) {
        return cli_usage(cli, "--line and --qty go together");
    }
    if ((args->needs & ACSA_INPUT_WITH) != 0 && args->with.count > ACSA_EXCHANGE_WITH_MAX) {
        return cli_usage(cli, "--with: at most %d reverse orders", ACSA_EXCHANGE_WITH_MAX);
    }
    for (uint32_t i = 0; i < args->with.count; i++) {
        if (strlen(args->with.values[i]) >= ACSA_NUMBER_SIZE) {
            return cli_usage(cli, "--with: \"%.40s\" is not an order number",
                             args->with.values[i]);
        }
    }
    return CLI_CONTINUE;
}

static int order_step(struct cli *cli, int argc, char **argv)
{
    struct step_args args;
    memset(&args, 0, sizeof(args));
    enum acsa_step step = ACSA_STEP_CREATE;
    bool known = acsa_step_parse(argv[0], &step);
    for (size_t i = 0; known && i < CLI_LEN(step_rules); i++) {
        args.rule = step_rules[i].step == step ? &step_rules[i] : args.rule;
    }
    if (args.rule == NULL || !acsa_step_inputs(step, &args.needs)) {
        return cli_usage(cli, "not an order step");
    }
    struct cli_option options[14];
    struct cli_command cmd = {args.rule->summary, "NUMBER", ACSA_NUMBER_SIZE, NULL, false,
                              options, step_options(&args, options)};
    args.command.step = step;
    args.command.day = cli->today;
    args.command.rate_day = ACSA_DATE_NONE;
    args.command.recorded_day = cli->today;
    int code = cli_parse(cli, &cmd, argc, argv);
    code = code == CLI_CONTINUE ? step_settlement(cli, &args) : code;
    if (code == CLI_CONTINUE && args.amount != NULL) {
        code = cli_amount(cli, "--amount", args.amount, args.currency,
                          &args.command.amount_minor);
        snprintf(args.command.currency, sizeof(args.command.currency), "%s",
                 args.currency->code);
    }
    if (code == CLI_CONTINUE && args.corrected[0] != '\0') {
        bool ok = acsa_step_parse(args.corrected, &args.command.corrected_step);
        enum acsa_step s = args.command.corrected_step;
        if (!ok || (s != ACSA_STEP_ISSUE && s != ACSA_STEP_RECEIVE && s != ACSA_STEP_RETURN &&
                    s != ACSA_STEP_ACCEPT_RETURN)) {
            code = cli_usage(cli, "--step: \"%s\" is not issue, receive, return or "
                             "accept-return", args.corrected);
        }
    }
    if (code != CLI_CONTINUE) {
        return code;
    }
    args.number = cmd.value;
    return cli_with_app(cli, order_step_in, &args);
}

int cmd_order(struct cli *cli, int argc, char **argv)
{
    /* The verbs that are not steps, then one per step (their summaries from step_rules). */
    static const struct cli_verb fixed[] = {
        {"create", order_create, "raise an order (prints its number)"},
        {"list", cmd_order_list, "list orders, with filters"},
        {"show", cmd_order_show, "NUMBER: show an order, its lines, events and postings"},
        {"chain", cmd_order_chain, "NUMBER: the signed records of an order, as a hash chain"},
        {"amend", cmd_order_amend, "NUMBER: change a draft's units, place, need-by or lines"},
        {"print", cmd_order_print, "NUMBER --form order|receipt|invoice --out FILE: a printed "
                                   "form, PDF or HTML"},
        {"verify", cmd_order_verify, "NUMBER --hash HEX: check a printed form's hash"},
        {"attach", cmd_order_attach, "NUMBER: attach a supporting document to a line"},
        {"documents", cmd_order_documents, "NUMBER: the supporting documents of an order"},
    };
    enum { FIXED = CLI_LEN(fixed) };
    struct cli_verb verbs[FIXED + CLI_LEN(step_rules)];
    memcpy(verbs, fixed, sizeof(fixed));
    for (size_t i = 0; i < CLI_LEN(step_rules); i++) {
        verbs[FIXED + i] = (struct cli_verb){acsa_step_name(step_rules[i].step), order_step,
                                             step_rules[i].summary};
    }
    return cli_dispatch(cli, verbs, CLI_LEN(verbs), argc, argv);
}
