/* SPDX-License-Identifier: MIT */
/* Orders in the SQLite store: order numbers, the order row with its lines, and the append-only
 * events with their ledger postings that every step writes together with the new order state. */
#include <string.h>

#include "acsa_assert.h"
#include "date.h"
#include "store_sqlite_int.h"

/* ---- Order numbers -------------------------------------------------------------------- */

static enum acsa_rc last_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    (void)err;
    *(int64_t *)ctx = sqlite3_column_int64(row->stmt, 0);
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_order_next_sequence(struct acsa_store *store, const char *requester,
                                              const char *supplier, int32_t year,
                                              int64_t *out_sequence, struct acsa_error *err)
{
    ACSA_ASSERT(requester != NULL && supplier != NULL);
    ACSA_ASSERT(out_sequence != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_sequence = 0;
    /* Counting in the database, inside the caller's transaction, is what makes a number never
     * reused: a refused command rolls the increment back with everything else. */
    const struct acsa__sqlite_value values[] = {TEXT(requester), TEXT(supplier), INT(year)};
    const struct acsa__sqlite_statement bump = STATEMENT_PLAIN(
        ACSA__SQLITE_SEQUENCE_BUMP,
        "INSERT INTO order_sequences (requester, supplier, year, last) VALUES (?1, ?2, ?3, 1) "
        "ON CONFLICT (requester, supplier, year) DO UPDATE SET last = last + 1",
        values);
    const struct acsa__sqlite_statement get = STATEMENT(
        ACSA__SQLITE_SEQUENCE_GET,
        "SELECT last FROM order_sequences WHERE requester = ?1 AND supplier = ?2 AND year = ?3",
        values);
    ACSA_TRY(acsa__sqlite_run_write(s, &bump, NULL, err));
    enum acsa_rc rc = acsa__sqlite_run_query(s, &get, last_row, out_sequence, NULL, err);
    ACSA_ASSERT(rc != ACSA_OK || *out_sequence >= 1);
    return rc;
}

/* ---- Writing orders ------------------------------------------------------------------- */

/* The orders columns in parameter order; insert and update bind the same numbers, so one
 * binding function serves both. */
#define ORDER_INSERT_SQL                                                                    \
    "INSERT INTO orders (number, agreement_id, requester, supplier, requester_unit_id, "   \
    "supplier_unit_id, activity_id, method, state, state_before_dispute, currency, "       \
    "exponent, place, need_by, created_on, delivered_on, invoiced_on, due_on, value_minor, " \
    "received_value_minor, kind_settled_minor, cash_due_minor, paid_minor, "               \
    "outstanding_minor, converted, exchanged_with, fingerprint, last_step_on) VALUES (?1, ?2, " \
    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, " \
    "?22, ?23, ?24, ?25, ?26, ?27, ?28)"

/* Only what a step can change: the parties, units, activity, lines' terms and currency are
 * fixed at creation, and leaving them out spares every step the foreign-key look-ups and the
 * index entries of those columns. The parameters keep the numbers of ORDER_INSERT_SQL, so one
 * bind function serves both. */
#define ORDER_UPDATE_SQL                                                                    \
    "UPDATE orders SET state = ?9, state_before_dispute = ?10, delivered_on = ?16, "       \
    "invoiced_on = ?17, due_on = ?18, received_value_minor = ?20, "                         \
    "kind_settled_minor = ?21, cash_due_minor = ?22, paid_minor = ?23, "                    \
    "outstanding_minor = ?24, converted = ?25, exchanged_with = ?26, fingerprint = ?27, "  \
    "last_step_on = ?28 WHERE number = ?1"

/* Maps the answers of a write to an order's rows (run_write with refs_answer). A foreign key
 * names no column in SQLite's message, so the message lists what the order refers to. */
static enum acsa_rc order_write_answer(enum acsa_rc rc, const char *number,
                                       struct acsa_error *err)
{
    if (rc == ACSA_EEXISTS) {
        return acsa_error_set(err, ACSA_EEXISTS, "number", "order \"%s\" already exists",
                              number);
    }
    if (rc == ACSA_ENOTFOUND) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" refers to an "
                              "agreement, activity or unit that is not stored", number);
    }
    return rc;
}

/* Inserts (insert true) or updates the orders row; an update of a missing order is ENOTFOUND. */
static enum acsa_rc order_row_write(struct acsa_store_sqlite *s, const struct acsa_order *order,
                                    bool insert, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        TEXT(order->number),
        TEXT(order->agreement_id),
        TEXT(order->requester),
        TEXT(order->supplier),
        OPT_INT(order->requester_unit_id),
        OPT_INT(order->supplier_unit_id),
        OPT_INT(order->activity_id),
        TEXT(acsa_method_name(order->method)),
        TEXT(acsa_state_name(order->state)),
        /* Draft is the value of an order never disputed; NULL shows that in the shell. */
        TEXT(order->state_before_dispute == ACSA_STATE_DRAFT
                 ? NULL
                 : acsa_state_name(order->state_before_dispute)),
        TEXT(order->currency.code),
        INT(order->currency.exponent),
        TEXT(order->place),
        DAY(order->need_by_day),
        DAY(order->created_day),
        DAY(order->delivered_day),
        DAY(order->invoiced_day),
        DAY(order->due_day),
        INT(order->value_minor),
        INT(order->received_value_minor),
        INT(order->kind_settled_minor),
        INT(order->cash_due_minor),
        INT(order->paid_minor),
        INT(acsa_order_outstanding(order)),
        INT(order->converted ? 1 : 0),
        OPT_TEXT(order->exchanged_with),
        INT((int64_t)acsa_order_fingerprint(order)),
        DAY(order->last_step_day),
    };
    const struct acsa__sqlite_statement inserted =
        STATEMENT_REFS(ACSA__SQLITE_ORDER_INSERT, ORDER_INSERT_SQL, values);
    const struct acsa__sqlite_statement updated =
        STATEMENT_REFS(ACSA__SQLITE_ORDER_UPDATE, ORDER_UPDATE_SQL, values);
    int64_t changed = 0;
    enum acsa_rc rc = acsa__sqlite_run_write(s, insert ? &inserted : &updated, &changed, err);
    if (rc != ACSA_OK) {
        return order_write_answer(rc, order->number, err);
    }
    if (!insert && changed == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found",
                              order->number);
    }
    return ACSA_OK;
}

static enum acsa_rc line_upsert(struct acsa_store_sqlite *s, const char *number,
                                uint32_t line_no, const struct acsa_order_line *line,
                                struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        TEXT(number),
        INT(line_no),
        TEXT(line->category),
        TEXT(line->description),
        TEXT(line->nsn),
        TEXT(line->unit_of_issue),
        INT(line->quantity_milli),
        INT(line->price_minor),
        INT(line->value_minor),
        INT(line->issued_milli),
        INT(line->received_milli),
        INT(line->returned_milli),
        INT(line->return_accepted_milli),
        INT(line->invoiced_milli),
    };
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_LINE_UPSERT,
        "INSERT INTO order_lines (order_number, line_no, category, description, nsn, "
        "unit_of_issue, quantity_milli, price_minor, value_minor, issued_milli, received_milli, "
        "returned_milli, return_accepted_milli, invoiced_milli) VALUES (?1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) "
        "ON CONFLICT (order_number, line_no) DO UPDATE SET "
        "category = excluded.category, description = excluded.description, "
        "nsn = excluded.nsn, unit_of_issue = excluded.unit_of_issue, "
        "quantity_milli = excluded.quantity_milli, price_minor = excluded.price_minor, "
        "value_minor = excluded.value_minor, issued_milli = excluded.issued_milli, "
        "received_milli = excluded.received_milli, returned_milli = excluded.returned_milli, "
        "return_accepted_milli = excluded.return_accepted_milli, "
        "invoiced_milli = excluded.invoiced_milli",
        values);
    return acsa__sqlite_run_write(s, &st, NULL, err);
}

/* Writes every line, and removes stored lines beyond line_count so the stored order is
 * exactly the one given. */
static enum acsa_rc lines_write(struct acsa_store_sqlite *s, const struct acsa_order *order,
                                struct acsa_error *err)
{
    ACSA_ASSERT(order->line_count <= ACSA_ORDER_LINES_MAX);
    for (uint32_t i = 0; i < order->line_count; i++) {
        ACSA_TRY(line_upsert(s, order->number, i + 1, &order->lines[i], err));
    }
    const struct acsa__sqlite_value values[] = {TEXT(order->number), INT(order->line_count)};
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_LINE_TRIM,
        "DELETE FROM order_lines WHERE order_number = ?1 AND line_no > ?2", values);
    return acsa__sqlite_run_write(s, &st, NULL, err);
}

/* Events get their id from SQLite: ids ascend with time across all orders, which is what
 * event_list's "oldest first" and sync both rely on. A payment's own currency and amount and
 * its rate, an invoice's or payment's invoice, and the step a correction corrects or a void
 * undoes (migration of the order views) are NULL where the step has none. */
static enum acsa_rc event_row_insert(struct acsa_store_sqlite *s, const char *number,
                                     const struct acsa_event *event, int64_t *out_id,
                                     struct acsa_error *err)
{
    bool paid = event->paid_currency[0] != '\0';
    bool rated = event->rate.units > 0;
    bool names_step = event->step == ACSA_STEP_CORRECT || event->step == ACSA_STEP_VOID;
    const struct acsa__sqlite_value values[] = {
        TEXT(number),
        TEXT(acsa_step_name(event->step)),
        DAY(event->day),
        TEXT(event->actor),
        TEXT(acsa_state_name(event->state_from)),
        TEXT(acsa_state_name(event->state_to)),
        OPT_INT(event->line_no),
        INT(event->quantity_milli),
        INT(event->amount_minor),
        TEXT(event->detail),
        OPT_TEXT(event->paid_currency),
        INT_IF(paid, event->paid_minor),
        OPT_INT(rated ? event->rate.units : 0),
        INT_IF(rated, event->rate.scale),
        DAY(rated ? event->rate_day : ACSA_DATE_NONE),
        OPT_TEXT(event->rate_source),
        OPT_TEXT(event->invoice),
        INT(event->recorded_day),
        TEXT(event->backdate_reason),
        OPT_TEXT(names_step ? acsa_step_name(event->corrected_step) : ""),
    };
    const struct acsa__sqlite_statement st = STATEMENT_REFS(
        ACSA__SQLITE_EVENT_INSERT,
        "INSERT INTO events (order_number, step, day, actor, state_from, state_to, line_no, "
        "quantity_milli, amount_minor, detail, paid_currency, paid_minor, rate_units, "
        "rate_scale, rate_on, rate_source, invoice, recorded_day, backdate_reason, "
        "corrected_step) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
        "?15, ?16, ?17, ?18, ?19, ?20)",
        values);
    enum acsa_rc rc = acsa__sqlite_run_write(s, &st, NULL, err);
    if (rc != ACSA_OK) {
        return order_write_answer(rc, number, err);
    }
    *out_id = sqlite3_last_insert_rowid(s->db);
    return ACSA_OK;
}

/* leg is the posting's 1-based place in its event; it keeps the legs in the order the core
 * made them, so an event reads back exactly as it was written. */
static enum acsa_rc posting_insert(struct acsa_store_sqlite *s, int64_t event_id, uint32_t leg,
                                   const char *number, int32_t day,
                                   const struct acsa_posting *posting, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {
        INT(event_id),
        INT(leg),
        TEXT(number),
        TEXT(posting->partner),
        TEXT(acsa_account_name(posting->account)),
        TEXT(posting->currency),
        INT(posting->amount_minor),
        INT(posting->quantity_milli),
        OPT_INT(posting->line_no),
        /* A posting is dated by its event: the balance report's as-of filter reads this. */
        DAY(day),
    };
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_POSTING_INSERT,
        "INSERT INTO postings (event_id, leg, order_number, partner, account, currency, "
        "amount_minor, quantity_milli, line_no, day) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        values);
    return acsa__sqlite_run_write(s, &st, NULL, err);
}

static enum acsa_rc event_insert(struct acsa_store_sqlite *s, const char *number,
                                 const struct acsa_event *event, struct acsa_error *err)
{
    ACSA_ASSERT(event->posting_count <= ACSA_EVENT_POSTINGS_MAX);
    /* The ledger's one invariant is checked where it becomes permanent. */
    ACSA_ASSERT(acsa_event_balanced(event));
    int64_t event_id = 0;
    enum acsa_rc rc = event_row_insert(s, number, event, &event_id, err);
    for (uint32_t i = 0; rc == ACSA_OK && i < event->posting_count; i++) {
        rc = posting_insert(s, event_id, i + 1, number, event->day, &event->postings[i], err);
    }
    s->last_event_id = rc == ACSA_OK ? event_id : 0;
    return rc;
}

int64_t acsa__sqlite_last_event_id(struct acsa_store *store)
{
    return acsa__sqlite_of(store)->last_event_id;
}

/* The rows of one order write, inside order_write's savepoint. */
static enum acsa_rc order_rows_write(struct acsa_store_sqlite *s, const struct acsa_order *order,
                                     const struct acsa_event *event, bool insert,
                                     struct acsa_error *err)
{
    ACSA_TRY(order_row_write(s, order, insert, err));
    if (!insert) {
        ACSA_TRY(acsa__sqlite_order_fix_write(s, order, event, err));
    }
    if (insert || event->step == ACSA_STEP_AMEND) {
        ACSA_TRY(lines_write(s, order, err)); /* An amended draft may add and remove lines. */
    } else if (event->step == ACSA_STEP_INVOICE && event->line_no == 0) {
        /* An invoice of everything receipted moves every line's invoiced quantity. */
        ACSA_TRY(lines_write(s, order, err));
    } else if (event->line_no > 0) {
        /* After creation a line changes only through a per-line step, and that step's event
         * names the line: writing just that one keeps a step to a handful of row writes. */
        ACSA_ASSERT(event->line_no <= order->line_count);
        ACSA_TRY(line_upsert(s, order->number, event->line_no,
                             &order->lines[event->line_no - 1], err));
    }
    ACSA_TRY(event_insert(s, order->number, event, err));
    if (event->step == ACSA_STEP_INVOICE || event->step == ACSA_STEP_PAY) {
        ACSA_TRY(acsa__sqlite_invoices_write(s, order, err));
    }
    return ACSA_OK;
}

static enum acsa_rc order_write(struct acsa_store_sqlite *s, const struct acsa_order *order,
                                const struct acsa_event *event, bool insert,
                                struct acsa_error *err)
{
    ACSA_ASSERT(order != NULL && event != NULL);
    ACSA_ASSERT(order->number[0] != '\0');
    /* Order, lines and event are one write: the savepoint keeps them together even when the
     * caller runs outside begin_write. */
    ACSA_TRY(acsa__sqlite_savepoint(s, err));
    enum acsa_rc rc = order_rows_write(s, order, event, insert, err);
    return acsa__sqlite_finish(s, rc, err);
}

enum acsa_rc acsa__sqlite_order_insert(struct acsa_store *store, const struct acsa_order *order,
                                       const struct acsa_event *event, struct acsa_error *err)
{
    return order_write(acsa__sqlite_of(store), order, event, true, err);
}

enum acsa_rc acsa__sqlite_order_update(struct acsa_store *store, const struct acsa_order *order,
                                       const struct acsa_event *event, struct acsa_error *err)
{
    return order_write(acsa__sqlite_of(store), order, event, false, err);
}

/* ---- Reading orders ------------------------------------------------------------------- */

#define ORDER_SELECT_SQL                                                                    \
    "SELECT number, agreement_id, requester, supplier, requester_unit_id, supplier_unit_id, " \
    "activity_id, method, state, state_before_dispute, currency, exponent, place, need_by, " \
    "created_on, delivered_on, invoiced_on, due_on, value_minor, received_value_minor, "   \
    "kind_settled_minor, cash_due_minor, paid_minor, converted, exchanged_with, "          \
    "disputed_by, last_step_on FROM orders WHERE number = ?1"

static void order_read(struct acsa__sqlite_row *row, struct acsa_order *out)
{
    acsa__sqlite_col_text(row, 0, out->number, sizeof(out->number));
    acsa__sqlite_col_text(row, 1, out->agreement_id, sizeof(out->agreement_id));
    acsa__sqlite_col_text(row, 2, out->requester, sizeof(out->requester));
    acsa__sqlite_col_text(row, 3, out->supplier, sizeof(out->supplier));
    out->requester_unit_id = acsa__sqlite_col_opt_int(row, 4);
    out->supplier_unit_id = acsa__sqlite_col_opt_int(row, 5);
    out->activity_id = acsa__sqlite_col_opt_int(row, 6);
    out->method = acsa__sqlite_col_method(row, 7);
    out->state = acsa__sqlite_col_state(row, 8);
    out->state_before_dispute = acsa__sqlite_col_state(row, 9);
    acsa__sqlite_col_text(row, 10, out->currency.code, sizeof(out->currency.code));
    out->currency.exponent = (uint8_t)acsa__sqlite_col_u32(row, 11, ACSA_STORE_EXPONENT_MAX);
    acsa__sqlite_col_text(row, 12, out->place, sizeof(out->place));
    out->need_by_day = acsa__sqlite_col_day(row, 13);
    out->created_day = acsa__sqlite_col_day(row, 14);
    out->delivered_day = acsa__sqlite_col_day(row, 15);
    out->invoiced_day = acsa__sqlite_col_day(row, 16);
    out->due_day = acsa__sqlite_col_day(row, 17);
    out->value_minor = acsa__sqlite_col_int(row, 18);
    out->received_value_minor = acsa__sqlite_col_int(row, 19);
    out->kind_settled_minor = acsa__sqlite_col_int(row, 20);
    out->cash_due_minor = acsa__sqlite_col_int(row, 21);
    out->paid_minor = acsa__sqlite_col_int(row, 22);
    out->converted = acsa__sqlite_col_u32(row, 23, 1) != 0;
    acsa__sqlite_col_text(row, 24, out->exchanged_with, sizeof(out->exchanged_with));
    acsa__sqlite_col_text(row, 25, out->disputed_by, sizeof(out->disputed_by));
    out->last_step_day = acsa__sqlite_col_day(row, 26);
}

static enum acsa_rc order_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    order_read(row, ctx);
    return acsa__sqlite_row_check(row, err);
}

static enum acsa_rc order_row_get(struct acsa_store_sqlite *s, const char *number,
                                  struct acsa_order *out, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(number)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_ORDER_GET, ORDER_SELECT_SQL, values);
    int64_t rows = 0;
    ACSA_TRY(acsa__sqlite_run_query(s, &st, order_row, out, &rows, err));
    if (rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", number);
    }
    return ACSA_OK;
}

/* Reads the line of the current row into out->lines; lines are numbered 1..count without
 * gaps, so line_no must be the next index. */
static enum acsa_rc line_read(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct acsa_order *out = ctx;
    uint32_t line_no = acsa__sqlite_col_u32(row, 0, UINT32_MAX);
    if (out->line_count >= ACSA_ORDER_LINES_MAX || line_no != out->line_count + 1) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" has line %u "
                              "where line %u was expected (at most %d lines)", out->number,
                              line_no, out->line_count + 1, ACSA_ORDER_LINES_MAX);
    }
    struct acsa_order_line *line = &out->lines[out->line_count];
    acsa__sqlite_col_text(row, 1, line->category, sizeof(line->category));
    acsa__sqlite_col_text(row, 2, line->description, sizeof(line->description));
    acsa__sqlite_col_text(row, 3, line->nsn, sizeof(line->nsn));
    acsa__sqlite_col_text(row, 4, line->unit_of_issue, sizeof(line->unit_of_issue));
    line->quantity_milli = acsa__sqlite_col_int(row, 5);
    line->price_minor = acsa__sqlite_col_int(row, 6);
    line->value_minor = acsa__sqlite_col_int(row, 7);
    line->issued_milli = acsa__sqlite_col_int(row, 8);
    line->received_milli = acsa__sqlite_col_int(row, 9);
    line->returned_milli = acsa__sqlite_col_int(row, 10);
    line->return_accepted_milli = acsa__sqlite_col_int(row, 11);
    line->closed = acsa__sqlite_col_u32(row, 12, 1) != 0;
    line->invoiced_milli = acsa__sqlite_col_int(row, 13);
    out->line_count++;
    return acsa__sqlite_row_check(row, err);
}

/* Each event counts (the order's version); of the steps separation of duties weighs, each
 * (step, name as written) is kept once. The full events are read with event_list. */
static enum acsa_rc duty_read(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    struct acsa_order *out = ctx;
    if (out->duty_count >= ACSA_ORDER_DUTIES_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" has more than %d "
                              "people separation of duties weighs", out->number,
                              ACSA_ORDER_DUTIES_MAX);
    }
    out->event_count = acsa__sqlite_col_u32(row, 0, UINT32_MAX);
    struct acsa_order_duty *duty = &out->duties[out->duty_count];
    duty->step = (uint8_t)acsa__sqlite_col_step(row, 1);
    acsa__sqlite_col_text(row, 2, duty->actor, sizeof(duty->actor));
    enum acsa_rc rc = acsa__sqlite_row_check(row, err);
    out->duty_count += rc == ACSA_OK ? 1 : 0;
    return rc;
}

/* Runs a query on the order's number and hands each row to read. */
static enum acsa_rc order_rows(struct acsa_store_sqlite *s, enum acsa__sqlite_slot slot,
                               const char *sql, acsa__sqlite_row_fn read,
                               struct acsa_order *out, struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(out->number)};
    const struct acsa__sqlite_statement st = STATEMENT(slot, sql, values);
    return acsa__sqlite_run_query(s, &st, read, out, NULL, err);
}

/* The order row, then its lines, the actors separation of duties weighs, and its invoices.
 * Separate queries rather than one join: lines and events are independent lists, and a join
 * would return every line once per event. */
static enum acsa_rc order_parts_get(struct acsa_store_sqlite *s, const char *number,
                                    struct acsa_order *out, struct acsa_error *err)
{
    ACSA_TRY(order_row_get(s, number, out, err));
    ACSA_TRY(order_rows(s, ACSA__SQLITE_ORDER_LINES,
                        "SELECT line_no, category, description, nsn, unit_of_issue, "
                        "quantity_milli, price_minor, value_minor, issued_milli, "
                        "received_milli, returned_milli, return_accepted_milli, closed, "
                        "invoiced_milli FROM order_lines WHERE order_number = ?1 ORDER BY line_no",
                        line_read, out, err));
    /* The event count on every row: an order has its create event, so one row at least. */
    ACSA_TRY(order_rows(s, ACSA__SQLITE_ORDER_HISTORY,
                        "SELECT (SELECT COUNT(*) FROM events WHERE order_number = ?1), step, "
                        "actor FROM events WHERE order_number = ?1 AND step IN ('create', "
                        "'submit', 'issue', 'receive') GROUP BY step, actor ORDER BY MIN(id)",
                        duty_read, out, err));
    return order_rows(s, ACSA__SQLITE_INVOICE_LIST, ACSA__SQLITE_INVOICE_LIST_SQL,
                      acsa__sqlite_invoice_read, out, err);
}

enum acsa_rc acsa__sqlite_order_get(struct acsa_store *store, const char *number,
                                    struct acsa_order *out, struct acsa_error *err)
{
    ACSA_ASSERT(number != NULL);
    ACSA_ASSERT(out != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    char key[ACSA_NUMBER_SIZE];
    if (!acsa__sqlite_key_copy(key, sizeof(key), number)) {
        acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", number);
        memset(out, 0, sizeof(*out));
        return ACSA_ENOTFOUND;
    }
    memset(out, 0, sizeof(*out));
    enum acsa_rc rc = order_parts_get(s, key, out, err);
    if (rc != ACSA_OK) {
        memset(out, 0, sizeof(*out));
    }
    return rc;
}

static enum acsa_rc exists_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    (void)ctx;
    (void)row;
    (void)err;
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_order_exists(struct acsa_store_sqlite *s, const char *number,
                                       struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {TEXT(number)};
    const struct acsa__sqlite_statement st =
        STATEMENT(ACSA__SQLITE_ORDER_EXISTS, "SELECT 1 FROM orders WHERE number = ?1", values);
    int64_t rows = 0;
    ACSA_TRY(acsa__sqlite_run_query(s, &st, exists_row, NULL, &rows, err));
    if (rows == 0) {
        return acsa_error_set(err, ACSA_ENOTFOUND, "order", "order \"%s\" not found", number);
    }
    return ACSA_OK;
}
