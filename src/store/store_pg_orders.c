/* SPDX-License-Identifier: MIT */
/* Orders in the PostgreSQL store: order and invoice numbers, the order row with its lines,
 * the append-only events with their postings, and the invoices; the same rows and answers as
 * store_sqlite_orders.c, store_sqlite_fix.c and store_sqlite_invoices.c. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_pg_int.h"

/* ---- Numbers -------------------------------------------------------------------------- */

static enum acsa_rc last_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    *(int64_t *)ctx = acsa__pg_col_int(row, 0);
    return acsa__pg_row_check(row, err);
}

/* Counting in the database, inside the caller's transaction (which holds the write lock), is
 * what makes a number never reused nor skipped: a refused command rolls the increment back. */
enum acsa_rc acsa__pg_order_next_sequence(struct acsa_store *store, const char *requester,
                                          const char *supplier, int32_t year,
                                          int64_t *out_sequence, struct acsa_error *err)
{
    ACSA_ASSERT(requester != NULL && supplier != NULL);
    ACSA_ASSERT(out_sequence != NULL);
    *out_sequence = 0;
    const struct acsa__pg_value values[] = {PG_TEXT(requester), PG_TEXT(supplier), PG_INT(year)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_SEQUENCE_BUMP,
        "INSERT INTO order_sequences (requester, supplier, year, last) VALUES ($1, $2, $3, 1) "
        "ON CONFLICT (requester, supplier, year) DO UPDATE SET last = order_sequences.last + 1 "
        "RETURNING last",
        values);
    enum acsa_rc rc = acsa__pg_run_get(acsa__pg_of(store), &st, last_row, out_sequence,
                                       "order sequence", err);
    ACSA_ASSERT(rc != ACSA_OK || *out_sequence >= 1);
    return rc;
}

enum acsa_rc acsa__pg_invoice_next_sequence(struct acsa_store *store, const char *series,
                                            int32_t year, int64_t *out_sequence,
                                            struct acsa_error *err)
{
    ACSA_ASSERT(series != NULL && out_sequence != NULL);
    *out_sequence = 0;
    const struct acsa__pg_value values[] = {PG_TEXT(series), PG_INT(year)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_INVOICE_SEQ,
        "INSERT INTO invoice_sequences (series, year, last) VALUES ($1, $2, 1) "
        "ON CONFLICT (series, year) DO UPDATE SET last = invoice_sequences.last + 1 "
        "RETURNING last",
        values);
    enum acsa_rc rc = acsa__pg_run_get(acsa__pg_of(store), &st, last_row, out_sequence,
                                       "invoice sequence", err);
    ACSA_ASSERT(rc != ACSA_OK || *out_sequence >= 1);
    return rc;
}

/* ---- Writing orders ------------------------------------------------------------------- */

/* Maps the failure of a write to an order's rows: a taken number, or a reference to what is
 * not stored (named as the SQLite backend names it). */
static enum acsa_rc order_write_fail(struct acsa_store_pg *s, enum acsa_rc rc,
                                     const char *number, struct acsa_error *err)
{
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, ACSA_EEXISTS, "number", "order \"%s\" already exists",
                              number);
    }
    if (rc == ACSA_ESTORAGE && acsa__pg_foreign_key(s)) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" refers to an "
                              "agreement, activity or unit that is not stored", number);
    }
    return rc;
}

static enum acsa_rc order_row_insert(struct acsa_store_pg *s, const struct acsa_order *o,
                                     struct acsa_error *err)
{
    /* Draft is the value of an order never disputed; NULL shows that to a reader. */
    const char *before = o->state_before_dispute == ACSA_STATE_DRAFT
                             ? NULL : acsa_state_name(o->state_before_dispute);
    const struct acsa__pg_value values[] = {
        PG_TEXT(o->number), PG_TEXT(o->agreement_id), PG_TEXT(o->requester),
        PG_TEXT(o->supplier), PG_OPT_INT(o->requester_unit_id),
        PG_OPT_INT(o->supplier_unit_id), PG_OPT_INT(o->activity_id),
        PG_TEXT(acsa_method_name(o->method)), PG_TEXT(acsa_state_name(o->state)),
        PG_TEXT(before), PG_TEXT(o->currency.code), PG_INT(o->currency.exponent),
        PG_TEXT(o->place), PG_DAY(o->need_by_day), PG_DAY(o->created_day),
        PG_DAY(o->delivered_day), PG_DAY(o->invoiced_day), PG_DAY(o->due_day),
        PG_INT(o->value_minor), PG_INT(o->received_value_minor),
        PG_INT(o->kind_settled_minor), PG_INT(o->cash_due_minor), PG_INT(o->paid_minor),
        PG_INT(acsa_order_outstanding(o)), PG_INT(o->converted ? 1 : 0),
        PG_OPT_TEXT(o->exchanged_with), PG_INT((int64_t)acsa_order_fingerprint(o)),
        PG_DAY(o->last_step_day)};
    const struct acsa__pg_statement st = PG_STATEMENT_UNIQUE(
        ACSA__PG_ORDER_INSERT,
        "INSERT INTO orders (number, agreement_id, requester, supplier, requester_unit_id, "
        "supplier_unit_id, activity_id, method, state, state_before_dispute, currency, "
        "exponent, place, need_by, created_on, delivered_on, invoiced_on, due_on, value_minor, "
        "received_value_minor, kind_settled_minor, cash_due_minor, paid_minor, "
        "outstanding_minor, converted, exchanged_with, fingerprint, last_step_on) VALUES ($1, "
        "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
        "$21, $22, $23, $24, $25, $26, $27, $28) ON CONFLICT DO NOTHING",
        values);
    enum acsa_rc rc = acsa__pg_run_write(s, &st, NULL, NULL, err);
    return rc == ACSA_OK ? rc : order_write_fail(s, rc, o->number, err);
}

/* Only what a step can change: parties, units, activity, terms and currency are fixed at
 * creation (an amended draft's terms are written by fix_write). */
static enum acsa_rc order_row_update(struct acsa_store_pg *s, const struct acsa_order *o,
                                     struct acsa_error *err)
{
    const char *before = o->state_before_dispute == ACSA_STATE_DRAFT
                             ? NULL : acsa_state_name(o->state_before_dispute);
    const struct acsa__pg_value values[] = {
        PG_TEXT(o->number), PG_TEXT(acsa_state_name(o->state)), PG_TEXT(before),
        PG_DAY(o->delivered_day), PG_DAY(o->invoiced_day), PG_DAY(o->due_day),
        PG_INT(o->received_value_minor), PG_INT(o->kind_settled_minor),
        PG_INT(o->cash_due_minor), PG_INT(o->paid_minor), PG_INT(acsa_order_outstanding(o)),
        PG_INT(o->converted ? 1 : 0), PG_OPT_TEXT(o->exchanged_with),
        PG_INT((int64_t)acsa_order_fingerprint(o)), PG_DAY(o->last_step_day)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_ORDER_UPDATE,
        "UPDATE orders SET state = $2, state_before_dispute = $3, delivered_on = $4, "
        "invoiced_on = $5, due_on = $6, received_value_minor = $7, kind_settled_minor = $8, "
        "cash_due_minor = $9, paid_minor = $10, outstanding_minor = $11, converted = $12, "
        "exchanged_with = $13, fingerprint = $14, last_step_on = $15 WHERE number = $1",
        values);
    int64_t changes = 0;
    enum acsa_rc rc = acsa__pg_run_write(s, &st, &changes, NULL, err);
    if (rc == ACSA_OK && changes == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", o->number);
    }
    return rc == ACSA_OK ? rc : order_write_fail(s, rc, o->number, err);
}

/* The columns the ways out of an order change (store_sqlite_fix.c): the party that raised a
 * dispute, a line closed short, an amended draft's terms. */
static enum acsa_rc fix_write(struct acsa_store_pg *s, const struct acsa_order *o,
                              const struct acsa_event *event, struct acsa_error *err)
{
    if (event->step == ACSA_STEP_DISPUTE) {
        const struct acsa__pg_value values[] = {PG_TEXT(o->number), PG_OPT_TEXT(o->disputed_by)};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_FIX_DISPUTED, "UPDATE orders SET disputed_by = $2 WHERE number = $1",
            values);
        return acsa__pg_run_write(s, &st, NULL, NULL, err);
    }
    if (event->step == ACSA_STEP_CLOSE_LINE) {
        ACSA_ASSERT(event->line_no >= 1 && event->line_no <= o->line_count);
        const struct acsa__pg_value values[] = {
            PG_TEXT(o->number), PG_INT(event->line_no),
            PG_INT(o->lines[event->line_no - 1].closed ? 1 : 0)};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_FIX_CLOSED,
            "UPDATE order_lines SET closed = $3 WHERE order_number = $1 AND line_no = $2",
            values);
        return acsa__pg_run_write(s, &st, NULL, NULL, err);
    }
    if (event->step == ACSA_STEP_AMEND) {
        const struct acsa__pg_value values[] = {
            PG_TEXT(o->number), PG_OPT_INT(o->requester_unit_id),
            PG_OPT_INT(o->supplier_unit_id), PG_TEXT(o->place), PG_DAY(o->need_by_day),
            PG_INT(o->value_minor)};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_FIX_AMEND,
            "UPDATE orders SET requester_unit_id = $2, supplier_unit_id = $3, place = $4, "
            "need_by = $5, value_minor = $6 WHERE number = $1",
            values);
        return acsa__pg_run_write(s, &st, NULL, NULL, err);
    }
    return ACSA_OK;
}

static enum acsa_rc line_upsert(struct acsa_store_pg *s, const char *number, uint32_t line_no,
                                const struct acsa_order_line *line, struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {
        PG_TEXT(number), PG_INT(line_no), PG_TEXT(line->category), PG_TEXT(line->description),
        PG_TEXT(line->nsn), PG_TEXT(line->unit_of_issue), PG_INT(line->quantity_milli),
        PG_INT(line->price_minor), PG_INT(line->value_minor), PG_INT(line->issued_milli),
        PG_INT(line->received_milli), PG_INT(line->returned_milli),
        PG_INT(line->return_accepted_milli), PG_INT(line->invoiced_milli)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_LINE_UPSERT,
        "INSERT INTO order_lines (order_number, line_no, category, description, nsn, "
        "unit_of_issue, quantity_milli, price_minor, value_minor, issued_milli, received_milli, "
        "returned_milli, return_accepted_milli, invoiced_milli) VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, $14) "
        "ON CONFLICT (order_number, line_no) DO UPDATE SET "
        "category = excluded.category, description = excluded.description, "
        "nsn = excluded.nsn, unit_of_issue = excluded.unit_of_issue, "
        "quantity_milli = excluded.quantity_milli, price_minor = excluded.price_minor, "
        "value_minor = excluded.value_minor, issued_milli = excluded.issued_milli, "
        "received_milli = excluded.received_milli, returned_milli = excluded.returned_milli, "
        "return_accepted_milli = excluded.return_accepted_milli, "
        "invoiced_milli = excluded.invoiced_milli",
        values);
    return acsa__pg_run_write(s, &st, NULL, NULL, err);
}

/* Every line, and no stored line beyond line_count: the stored order is exactly the one
 * given. A new order has no stored lines to trim. */
static enum acsa_rc lines_write(struct acsa_store_pg *s, const struct acsa_order *order,
                                bool fresh, struct acsa_error *err)
{
    ACSA_ASSERT(order->line_count <= ACSA_ORDER_LINES_MAX);
    for (uint32_t i = 0; i < order->line_count; i++) {
        ACSA_TRY(line_upsert(s, order->number, i + 1, &order->lines[i], err));
    }
    if (fresh) {
        return ACSA_OK;
    }
    const struct acsa__pg_value values[] = {PG_TEXT(order->number), PG_INT(order->line_count)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_LINE_TRIM, "DELETE FROM order_lines WHERE order_number = $1 AND line_no > $2",
        values);
    return acsa__pg_run_write(s, &st, NULL, NULL, err);
}

/* Events get their id from an identity column: ids ascend with commit order across all
 * orders (writers are serialised by the write lock), which event_list and sync rely on. */
static enum acsa_rc event_row_insert(struct acsa_store_pg *s, const char *number,
                                     const struct acsa_event *e, int64_t *out_id,
                                     struct acsa_error *err)
{
    bool paid = e->paid_currency[0] != '\0';
    bool rated = e->rate.units > 0;
    struct acsa__pg_value values[] = {
        PG_TEXT(number), PG_TEXT(acsa_step_name(e->step)), PG_DAY(e->day), PG_TEXT(e->actor),
        PG_TEXT(acsa_state_name(e->state_from)), PG_TEXT(acsa_state_name(e->state_to)),
        PG_OPT_INT(e->line_no), PG_INT(e->quantity_milli), PG_INT(e->amount_minor),
        PG_TEXT(e->detail), PG_OPT_TEXT(e->paid_currency), PG_INT(e->paid_minor),
        PG_INT(e->rate.units), PG_INT(e->rate.scale),
        PG_DAY(rated ? e->rate_day : ACSA_DATE_NONE), PG_OPT_TEXT(e->rate_source),
        PG_OPT_TEXT(e->invoice), PG_INT(e->recorded_day), PG_TEXT(e->backdate_reason),
        PG_OPT_TEXT(e->step == ACSA_STEP_CORRECT || e->step == ACSA_STEP_VOID
                        ? acsa_step_name(e->corrected_step) : "")};
    /* A payment's amount and a rate are NULL where the step has none, as in SQLite. */
    values[11].kind = paid ? 'i' : 'z';
    values[11].number = paid ? e->paid_minor : 0;
    values[12].kind = rated ? 'i' : 'z';
    values[12].number = rated ? e->rate.units : 0;
    values[13].kind = rated ? 'i' : 'z';
    values[13].number = rated ? e->rate.scale : 0;
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_EVENT_INSERT,
        "INSERT INTO events (order_number, step, day, actor, state_from, state_to, line_no, "
        "quantity_milli, amount_minor, detail, paid_currency, paid_minor, rate_units, "
        "rate_scale, rate_on, rate_source, invoice, recorded_day, backdate_reason, "
        "corrected_step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
        "$15, $16, $17, $18, $19, $20) RETURNING id",
        values);
    enum acsa_rc rc = acsa__pg_run_write(s, &st, NULL, out_id, err);
    return rc == ACSA_OK ? rc : order_write_fail(s, rc, number, err);
}

/* The postings of an event, one row per leg; leg keeps the core's order, so the event reads
 * back exactly as it was written. */
static enum acsa_rc postings_insert(struct acsa_store_pg *s, int64_t event_id,
                                    const char *number, const struct acsa_event *event,
                                    struct acsa_error *err)
{
    for (uint32_t i = 0; i < event->posting_count; i++) {
        const struct acsa_posting *p = &event->postings[i];
        const struct acsa__pg_value values[] = {
            PG_INT(event_id), PG_INT(i + 1), PG_TEXT(number), PG_TEXT(p->partner),
            PG_TEXT(acsa_account_name(p->account)), PG_TEXT(p->currency),
            PG_INT(p->amount_minor), PG_INT(p->quantity_milli), PG_OPT_INT(p->line_no),
            PG_DAY(event->day)};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_POSTING_INSERT,
            "INSERT INTO postings (event_id, leg, order_number, partner, account, currency, "
            "amount_minor, quantity_milli, line_no, day) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            values);
        enum acsa_rc rc = acsa__pg_run_write(s, &st, NULL, NULL, err);
        if (rc != ACSA_OK) {
            return rc;
        }
    }
    return ACSA_OK;
}

static enum acsa_rc event_insert(struct acsa_store_pg *s, const char *number,
                                 const struct acsa_event *event, struct acsa_error *err)
{
    ACSA_ASSERT(event->posting_count <= ACSA_EVENT_POSTINGS_MAX);
    /* The ledger's one invariant is checked where it becomes permanent. */
    ACSA_ASSERT(acsa_event_balanced(event));
    int64_t event_id = 0;
    enum acsa_rc rc = event_row_insert(s, number, event, &event_id, err);
    if (rc == ACSA_OK) {
        rc = postings_insert(s, event_id, number, event, err);
    }
    s->last_event_id = rc == ACSA_OK ? event_id : 0;
    return rc;
}

/* Every invoice of the order: an invoice step adds one, a payment changes what is paid. */
static enum acsa_rc invoices_write(struct acsa_store_pg *s, const struct acsa_order *order,
                                   struct acsa_error *err)
{
    ACSA_ASSERT(order->invoice_count <= ACSA_ORDER_INVOICES_MAX);
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t i = 0; rc == ACSA_OK && i < order->invoice_count; i++) {
        const struct acsa_invoice *inv = &order->invoices[i];
        const struct acsa__pg_value values[] = {
            PG_TEXT(inv->number), PG_TEXT(order->number), PG_INT(i + 1), PG_DAY(inv->day),
            PG_DAY(inv->due_day), PG_INT(inv->amount_minor), PG_INT(inv->paid_minor)};
        const struct acsa__pg_statement st = PG_STATEMENT(
            ACSA__PG_INVOICE_UPSERT,
            "INSERT INTO invoices (number, order_number, position, issued_on, due_on, "
            "amount_minor, paid_minor) VALUES ($1, $2, $3, $4, $5, $6, $7) "
            "ON CONFLICT (number) DO UPDATE SET paid_minor = excluded.paid_minor "
            "WHERE invoices.order_number = excluded.order_number",
            values);
        int64_t changes = 0;
        rc = acsa__pg_run_write(s, &st, &changes, NULL, err);
        if (rc == ACSA_OK && changes == 0) {
            /* The number names an invoice of another order: numbers are never reused. */
            rc = acsa_error_set(err, ACSA_EEXISTS, "invoice", "invoice \"%s\" already exists "
                                "on another order", inv->number);
        }
    }
    return rc;
}

static enum acsa_rc order_write_rows(struct acsa_store_pg *s, const struct acsa_order *order,
                                     const struct acsa_event *event, bool insert,
                                     struct acsa_error *err)
{
    if (insert) {
        ACSA_TRY(order_row_insert(s, order, err));
    } else {
        ACSA_TRY(order_row_update(s, order, err));
        ACSA_TRY(fix_write(s, order, event, err));
    }
    if (insert || event->step == ACSA_STEP_AMEND ||
        (event->step == ACSA_STEP_INVOICE && event->line_no == 0)) {
        /* A new order, an amended draft, or an invoice of everything receipted. */
        ACSA_TRY(lines_write(s, order, insert, err));
    } else if (event->line_no > 0) {
        /* After creation a line changes only through a step that names it. */
        ACSA_ASSERT(event->line_no <= order->line_count);
        ACSA_TRY(line_upsert(s, order->number, event->line_no,
                             &order->lines[event->line_no - 1], err));
    }
    ACSA_TRY(event_insert(s, order->number, event, err));
    if (event->step == ACSA_STEP_INVOICE || event->step == ACSA_STEP_PAY) {
        return invoices_write(s, order, err);
    }
    return ACSA_OK;
}

static enum acsa_rc order_write(struct acsa_store_pg *s, const struct acsa_order *order,
                                const struct acsa_event *event, bool insert,
                                struct acsa_error *err)
{
    ACSA_ASSERT(order != NULL && event != NULL);
    ACSA_ASSERT(order->number[0] != '\0');
    /* Order, lines and event are one write, even outside begin_write. */
    enum acsa_rc rc = acsa__pg_savepoint(s, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    rc = order_write_rows(s, order, event, insert, err);
    return acsa__pg_finish(s, rc, err);
}

enum acsa_rc acsa__pg_order_insert(struct acsa_store *store, const struct acsa_order *order,
                                   const struct acsa_event *event, struct acsa_error *err)
{
    return order_write(acsa__pg_of(store), order, event, true, err);
}

enum acsa_rc acsa__pg_order_update(struct acsa_store *store, const struct acsa_order *order,
                                   const struct acsa_event *event, struct acsa_error *err)
{
    return order_write(acsa__pg_of(store), order, event, false, err);
}

/* ---- Reading orders ------------------------------------------------------------------- */

static enum acsa_rc order_read(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct acsa_order *out = ctx;
    acsa__pg_col_text(row, 0, out->number, sizeof(out->number));
    acsa__pg_col_text(row, 1, out->agreement_id, sizeof(out->agreement_id));
    acsa__pg_col_text(row, 2, out->requester, sizeof(out->requester));
    acsa__pg_col_text(row, 3, out->supplier, sizeof(out->supplier));
    out->requester_unit_id = acsa__pg_col_opt_int(row, 4);
    out->supplier_unit_id = acsa__pg_col_opt_int(row, 5);
    out->activity_id = acsa__pg_col_opt_int(row, 6);
    out->method = acsa__pg_col_method(row, 7);
    out->state = acsa__pg_col_state(row, 8);
    out->state_before_dispute = acsa__pg_col_state(row, 9);
    acsa__pg_col_text(row, 10, out->currency.code, sizeof(out->currency.code));
    out->currency.exponent = (uint8_t)acsa__pg_col_u32(row, 11, ACSA_STORE_EXPONENT_MAX);
    acsa__pg_col_text(row, 12, out->place, sizeof(out->place));
    out->need_by_day = acsa__pg_col_day(row, 13);
    out->created_day = acsa__pg_col_day(row, 14);
    out->delivered_day = acsa__pg_col_day(row, 15);
    out->invoiced_day = acsa__pg_col_day(row, 16);
    out->due_day = acsa__pg_col_day(row, 17);
    out->value_minor = acsa__pg_col_int(row, 18);
    out->received_value_minor = acsa__pg_col_int(row, 19);
    out->kind_settled_minor = acsa__pg_col_int(row, 20);
    out->cash_due_minor = acsa__pg_col_int(row, 21);
    out->paid_minor = acsa__pg_col_int(row, 22);
    out->converted = acsa__pg_col_u32(row, 23, 1) != 0;
    acsa__pg_col_text(row, 24, out->exchanged_with, sizeof(out->exchanged_with));
    acsa__pg_col_text(row, 25, out->disputed_by, sizeof(out->disputed_by));
    out->last_step_day = acsa__pg_col_day(row, 26);
    return acsa__pg_row_check(row, err);
}

/* Lines are numbered 1..count without gaps, so line_no must be the next index. */
static enum acsa_rc line_read(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct acsa_order *out = ctx;
    uint32_t line_no = acsa__pg_col_u32(row, 0, UINT32_MAX);
    if (out->line_count >= ACSA_ORDER_LINES_MAX || line_no != out->line_count + 1) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" has line %u "
                              "where line %u was expected (at most %d lines)", out->number,
                              line_no, out->line_count + 1, ACSA_ORDER_LINES_MAX);
    }
    struct acsa_order_line *line = &out->lines[out->line_count];
    acsa__pg_col_text(row, 1, line->category, sizeof(line->category));
    acsa__pg_col_text(row, 2, line->description, sizeof(line->description));
    acsa__pg_col_text(row, 3, line->nsn, sizeof(line->nsn));
    acsa__pg_col_text(row, 4, line->unit_of_issue, sizeof(line->unit_of_issue));
    line->quantity_milli = acsa__pg_col_int(row, 5);
    line->price_minor = acsa__pg_col_int(row, 6);
    line->value_minor = acsa__pg_col_int(row, 7);
    line->issued_milli = acsa__pg_col_int(row, 8);
    line->received_milli = acsa__pg_col_int(row, 9);
    line->returned_milli = acsa__pg_col_int(row, 10);
    line->return_accepted_milli = acsa__pg_col_int(row, 11);
    line->closed = acsa__pg_col_u32(row, 12, 1) != 0;
    line->invoiced_milli = acsa__pg_col_int(row, 13);
    out->line_count++;
    return acsa__pg_row_check(row, err);
}

/* Each event counts (the order's version); of the steps separation of duties weighs, each
 * (step, name as written) is kept once. */
static enum acsa_rc duty_read(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct acsa_order *out = ctx;
    if (out->duty_count >= ACSA_ORDER_DUTIES_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" has more than %d "
                              "people separation of duties weighs", out->number,
                              ACSA_ORDER_DUTIES_MAX);
    }
    out->event_count = acsa__pg_col_u32(row, 0, UINT32_MAX);
    struct acsa_order_duty *duty = &out->duties[out->duty_count];
    duty->step = (uint8_t)acsa__pg_col_step(row, 1);
    acsa__pg_col_text(row, 2, duty->actor, sizeof(duty->actor));
    enum acsa_rc rc = acsa__pg_row_check(row, err);
    out->duty_count += rc == ACSA_OK ? 1 : 0;
    return rc;
}

static enum acsa_rc invoice_read(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    struct acsa_order *out = ctx;
    if (out->invoice_count >= ACSA_ORDER_INVOICES_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" has more than %d "
                              "invoices", out->number, ACSA_ORDER_INVOICES_MAX);
    }
    struct acsa_invoice *inv = &out->invoices[out->invoice_count];
    acsa__pg_col_text(row, 0, inv->number, sizeof(inv->number));
    inv->day = acsa__pg_col_day(row, 1);
    inv->due_day = acsa__pg_col_day(row, 2);
    inv->amount_minor = acsa__pg_col_int(row, 3);
    inv->paid_minor = acsa__pg_col_int(row, 4);
    out->invoice_count++;
    return acsa__pg_row_check(row, err);
}

/* Lines, duties and invoices of the order in out (its row read already). */
static enum acsa_rc order_parts(struct acsa_store_pg *s, const char *number,
                                struct acsa_order *out, struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_TEXT(number)};
    const struct acsa__pg_statement lines = PG_STATEMENT(
        ACSA__PG_ORDER_LINES,
        "SELECT line_no, category, description, nsn, unit_of_issue, quantity_milli, "
        "price_minor, value_minor, issued_milli, received_milli, returned_milli, "
        "return_accepted_milli, closed, invoiced_milli FROM order_lines "
        "WHERE order_number = $1 ORDER BY line_no",
        values);
    /* The event count on every row: an order has its create event, so one row at least. */
    const struct acsa__pg_statement history = PG_STATEMENT(
        ACSA__PG_ORDER_HISTORY,
        "SELECT (SELECT count(*) FROM events WHERE order_number = $1), step, actor FROM events "
        "WHERE order_number = $1 AND step IN ('create', 'submit', 'issue', 'receive') "
        "GROUP BY step, actor ORDER BY min(id)", values);
    const struct acsa__pg_statement invoices = PG_STATEMENT(
        ACSA__PG_INVOICE_LIST,
        "SELECT number, issued_on, due_on, amount_minor, paid_minor FROM invoices "
        "WHERE order_number = $1 ORDER BY position",
        values);
    ACSA_TRY(acsa__pg_run_query(s, &lines, line_read, out, NULL, err));
    ACSA_TRY(acsa__pg_run_query(s, &history, duty_read, out, NULL, err));
    return acsa__pg_run_query(s, &invoices, invoice_read, out, NULL, err);
}

enum acsa_rc acsa__pg_order_get(struct acsa_store *store, const char *number,
                                struct acsa_order *out, struct acsa_error *err)
{
    ACSA_ASSERT(number != NULL);
    ACSA_ASSERT(out != NULL);
    struct acsa_store_pg *s = acsa__pg_of(store);
    char key[ACSA_NUMBER_SIZE];
    if (!acsa__pg_key_copy(key, sizeof(key), number)) {
        acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", number);
        memset(out, 0, sizeof(*out));
        return ACSA_ENOTFOUND;
    }
    memset(out, 0, sizeof(*out));
    const struct acsa__pg_value values[] = {PG_TEXT(key)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_ORDER_GET,
        "SELECT number, agreement_id, requester, supplier, requester_unit_id, "
        "supplier_unit_id, activity_id, method, state, state_before_dispute, currency, "
        "exponent, place, need_by, created_on, delivered_on, invoiced_on, due_on, value_minor, "
        "received_value_minor, kind_settled_minor, cash_due_minor, paid_minor, converted, "
        "exchanged_with, disputed_by, last_step_on FROM orders WHERE number = $1",
        values);
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(s, &st, order_read, out, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        rc = acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", key);
    }
    if (rc == ACSA_OK) {
        rc = order_parts(s, key, out, err);
    }
    if (rc != ACSA_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

static enum acsa_rc any_row(void *ctx, struct acsa__pg_row *row, struct acsa_error *err)
{
    (void)ctx;
    (void)row;
    (void)err;
    return ACSA_OK;
}

enum acsa_rc acsa__pg_order_exists(struct acsa_store_pg *s, const char *number,
                                   struct acsa_error *err)
{
    const struct acsa__pg_value values[] = {PG_TEXT(number)};
    const struct acsa__pg_statement st = PG_STATEMENT(
        ACSA__PG_ORDER_EXISTS, "SELECT 1 FROM orders WHERE number = $1", values);
    int64_t rows = 0;
    enum acsa_rc rc = acsa__pg_run_query(s, &st, any_row, NULL, &rows, err);
    if (rc == ACSA_OK && rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", number);
    }
    return rc;
}
