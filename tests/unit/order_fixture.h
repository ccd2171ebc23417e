/* SPDX-License-Identifier: MIT */
/* The fixture the order tests share: the India-Japan agreement, an activity, an official of
 * each side, and helpers that create an order and take its steps. Included by each test file;
 * every helper is static so each test program has its own. */
#ifndef ACSA_TEST_ORDER_FIXTURE_H
#define ACSA_TEST_ORDER_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agreement.h"
#include "agreement_json.h"
#include "date.h"
#include "money.h"
#include "order.h"

#ifndef ACSA_SOURCE_ROOT
#define ACSA_SOURCE_ROOT "."
#endif

/* Everything one test works on; on the heap because orders are large. */
struct fixture {
    struct acsa_agreement agreement;
    struct acsa_activity activity;
    struct acsa_official approver;      /* IN official, 1,000,000.00 INR and 5,000,000 JPY. */
    struct acsa_official acceptor;      /* JP official. */
    struct acsa_order order;
    struct acsa_order other;
    struct acsa_event event;
    struct acsa_event other_event;
    struct acsa_error err;
};

static int32_t day_of(const char *text)
{
    int32_t day = 0;
    struct acsa_error err;
    assert_int_equal(acsa_date_parse(text, "date", &day, &err), ACSA_OK);
    return day;
}

static void load_agreement(const char *file, struct acsa_agreement *out)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/agreements/%s", ACSA_SOURCE_ROOT, file);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[65536];
    size_t size = fread(text, 1, sizeof(text), f);
    fclose(f);
    struct acsa_error err;
    assert_int_equal(acsa_agreement_from_json(text, size, out, &err), ACSA_OK);
}

static void add_limit(struct acsa_official *official, const char *code, int64_t minor)
{
    official->limit_currency[official->limit_count] = *acsa_currency_find(code);
    official->limit_minor[official->limit_count] = minor;
    official->limit_count++;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    load_agreement("india-japan-2020.json", &f->agreement);
    f->activity.id = 1;
    snprintf(f->activity.agreement_id, ACSA_ID_SIZE, "IN-JP-2020");
    snprintf(f->activity.name, ACSA_NAME_SIZE, "JIMEX 2024");
    snprintf(f->activity.type, ACSA_CODE_SIZE, "bilateral-training");
    f->activity.from_day = day_of("2024-06-01");
    f->activity.to_day = day_of("2024-06-20");
    snprintf(f->approver.party, ACSA_NATION_SIZE, "IN");
    snprintf(f->approver.name, ACSA_NAME_SIZE, "Cdr Rao");
    add_limit(&f->approver, "INR", 100000000);
    add_limit(&f->approver, "JPY", 5000000);
    snprintf(f->acceptor.party, ACSA_NATION_SIZE, "JP");
    snprintf(f->acceptor.name, ACSA_NAME_SIZE, "Capt Sato");
    add_limit(&f->acceptor, "JPY", 50000000);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    free(*state);
    return 0;
}

static void set_line(struct acsa_order_draft *draft, uint32_t index, const char *category,
                     int64_t quantity_milli, int64_t price_minor, const char *currency)
{
    struct acsa_order_line *line = &draft->lines[index];
    snprintf(line->category, sizeof(line->category), "%s", category);
    snprintf(line->description, sizeof(line->description), "%s supply", category);
    snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "ea");
    line->quantity_milli = quantity_milli;
    line->price_minor = price_minor;
    snprintf(draft->line_currency[index], ACSA_CURRENCY_SIZE, "%s", currency);
    if (index + 1 > draft->line_count) {
        draft->line_count = index + 1;
    }
}

/* IN requests from JP: 10 x 1000 JPY fuel and 4 x 2500 JPY food = 20,000 JPY. */
static struct acsa_order_draft draft_of(enum acsa_method method, const char *requester,
                                        const char *supplier)
{
    struct acsa_order_draft draft;
    memset(&draft, 0, sizeof(draft));
    snprintf(draft.requester, ACSA_NATION_SIZE, "%s", requester);
    snprintf(draft.supplier, ACSA_NATION_SIZE, "%s", supplier);
    draft.requester_unit_id = 1;
    draft.supplier_unit_id = 2;
    draft.method = method;
    snprintf(draft.place, sizeof(draft.place), "Yokosuka");
    draft.need_by_day = day_of("2024-06-05");
    set_line(&draft, 0, "pol", 10000, 1000, "JPY");
    set_line(&draft, 1, "food", 4000, 2500, "JPY");
    return draft;
}

static enum acsa_rc create(struct fixture *f, const struct acsa_order_draft *draft,
                           struct acsa_order *out)
{
    return acsa_order_create(&f->agreement, &f->activity, draft, "IN-JP-2024-000001",
                             day_of("2024-06-01"), "Lt Iyer", out, &f->event, &f->err);
}

static struct acsa_command command(enum acsa_step step, const char *actor)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day_of("2024-06-10");
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    return cmd;
}

static enum acsa_rc step(struct fixture *f, struct acsa_order *order, struct acsa_command cmd)
{
    if (cmd.step == ACSA_STEP_APPROVE) {
        cmd.official = &f->approver;
    }
    if (cmd.step == ACSA_STEP_ACCEPT || cmd.step == ACSA_STEP_REJECT) {
        cmd.official = &f->acceptor;
    }
    return acsa_order_apply(&f->agreement, "IN", order, &cmd, &f->event, &f->err);
}

static enum acsa_rc line_step(struct fixture *f, struct acsa_order *order, enum acsa_step s,
                              uint32_t line_no, int64_t quantity_milli, const char *actor)
{
    struct acsa_command cmd = command(s, actor);
    if (cmd.day < order->last_step_day) {
        cmd.day = order->last_step_day; /* Not before the order's previous step. */
    }
    cmd.line_no = line_no;
    cmd.quantity_milli = quantity_milli;
    return step(f, order, cmd);
}

static enum acsa_rc pay(struct fixture *f, struct acsa_order *order, int64_t amount,
                        const char *currency, const char *actor)
{
    struct acsa_command cmd = command(ACSA_STEP_PAY, actor);
    if (order->invoiced_day != ACSA_DATE_NONE && cmd.day < order->invoiced_day) {
        cmd.day = order->invoiced_day; /* A payment is not dated before the invoice. */
    }
    cmd.amount_minor = amount;
    snprintf(cmd.currency, sizeof(cmd.currency), "%s", currency);
    return step(f, order, cmd);
}

/* Expects a refusal with the given code, field and message, and an unchanged order. */
static void expect_refused(struct fixture *f, struct acsa_order *order, enum acsa_rc got,
                           enum acsa_rc rc, const char *field, const char *message)
{
    assert_int_equal(got, rc);
    assert_string_equal(f->err.field, field);
    if (message != NULL) {
        assert_string_equal(f->err.message, message);
    }
    (void)order;
}

/* Walks a fresh order to accepted. */
static void to_accepted(struct fixture *f, enum acsa_method method, struct acsa_order *order)
{
    struct acsa_order_draft draft = draft_of(method, "IN", "JP");
    assert_int_equal(create(f, &draft, order), ACSA_OK);
    assert_int_equal(step(f, order, command(ACSA_STEP_SUBMIT, "Lt Iyer")), ACSA_OK);
    assert_int_equal(step(f, order, command(ACSA_STEP_APPROVE, "Cdr Rao")), ACSA_OK);
    assert_int_equal(step(f, order, command(ACSA_STEP_ACCEPT, "Capt Sato")), ACSA_OK);
    assert_int_equal(order->state, ACSA_STATE_ACCEPTED);
}

/* Walks an accepted order to delivered: issue and receive both lines in full. */
static void to_delivered(struct fixture *f, struct acsa_order *order)
{
    for (uint32_t no = 1; no <= order->line_count; no++) {
        int64_t q = order->lines[no - 1].quantity_milli;
        assert_int_equal(line_step(f, order, ACSA_STEP_ISSUE, no, q, "PO Tanaka"), ACSA_OK);
        assert_int_equal(line_step(f, order, ACSA_STEP_RECEIVE, no, q, "CPO Das"), ACSA_OK);
    }
    assert_int_equal(order->state, ACSA_STATE_DELIVERED);
}

#endif
