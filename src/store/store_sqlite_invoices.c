/* SPDX-License-Identifier: MIT */
/* Invoices in the SQLite store: the invoices of an order, written with the step that issues or
 * pays them and read with the order, and the per-node invoice series. */
#include <string.h>

#include "acsa_assert.h"
#include "store_sqlite_int.h"

/* Writes every invoice of the order: an invoice step adds one, a payment changes what is paid
 * on some; the rows are few (ACSA_ORDER_INVOICES_MAX at most). */
enum acsa_rc acsa__sqlite_invoices_write(struct acsa_store_sqlite *s,
                                         const struct acsa_order *order, struct acsa_error *err)
{
    ACSA_ASSERT(order->invoice_count <= ACSA_ORDER_INVOICES_MAX);
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t i = 0; rc == ACSA_OK && i < order->invoice_count; i++) {
        const struct acsa_invoice *inv = &order->invoices[i];
        const struct acsa__sqlite_value values[] = {
            TEXT(inv->number), TEXT(order->number), INT(i + 1), DAY(inv->day),
            DAY(inv->due_day), INT(inv->amount_minor), INT(inv->paid_minor)};
        const struct acsa__sqlite_statement st = STATEMENT(
            ACSA__SQLITE_INVOICE_UPSERT,
            "INSERT INTO invoices (number, order_number, position, issued_on, due_on, "
            "amount_minor, paid_minor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
            "ON CONFLICT (number) DO UPDATE SET paid_minor = excluded.paid_minor "
            "WHERE order_number = excluded.order_number",
            values);
        int64_t changed = 0;
        rc = acsa__sqlite_run_write(s, &st, &changed, err);
        if (rc == ACSA_OK && changed == 0) {
            /* The number names an invoice of another order: numbers are never reused. */
            rc = acsa_error_set(err, ACSA_EEXISTS, "invoice", "invoice \"%s\" already exists "
                                "on another order", inv->number);
        }
    }
    return rc;
}

enum acsa_rc acsa__sqlite_invoice_read(void *ctx, struct acsa__sqlite_row *row,
                                       struct acsa_error *err)
{
    struct acsa_order *out = ctx;
    if (out->invoice_count >= ACSA_ORDER_INVOICES_MAX) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: order \"%s\" has more than %d "
                              "invoices", out->number, ACSA_ORDER_INVOICES_MAX);
    }
    struct acsa_invoice *inv = &out->invoices[out->invoice_count];
    acsa__sqlite_col_text(row, 0, inv->number, sizeof(inv->number));
    inv->day = acsa__sqlite_col_day(row, 1);
    inv->due_day = acsa__sqlite_col_day(row, 2);
    inv->amount_minor = acsa__sqlite_col_int(row, 3);
    inv->paid_minor = acsa__sqlite_col_int(row, 4);
    out->invoice_count++;
    return acsa__sqlite_row_check(row, err);
}

static enum acsa_rc sequence_row(void *ctx, struct acsa__sqlite_row *row,
                                 struct acsa_error *err)
{
    *(int64_t *)ctx = acsa__sqlite_col_int(row, 0);
    return acsa__sqlite_row_check(row, err);
}

enum acsa_rc acsa__sqlite_invoice_next_sequence(struct acsa_store *store, const char *series,
                                                int32_t year, int64_t *out_sequence,
                                                struct acsa_error *err)
{
    ACSA_ASSERT(series != NULL && out_sequence != NULL);
    struct acsa_store_sqlite *s = acsa__sqlite_of(store);
    *out_sequence = 0;
    /* Counted inside the caller's transaction, like order numbers: a refused invoice rolls
     * the increment back, an issued one keeps its number for ever. */
    const struct acsa__sqlite_value values[] = {TEXT(series), INT(year)};
    const struct acsa__sqlite_statement st = STATEMENT(
        ACSA__SQLITE_INVOICE_SEQ,
        "INSERT INTO invoice_sequences (series, year, last) VALUES (?1, ?2, 1) "
        "ON CONFLICT (series, year) DO UPDATE SET last = last + 1 RETURNING last",
        values);
    enum acsa_rc rc = acsa__sqlite_run_query(s, &st, sequence_row, out_sequence, NULL, err);
    if (rc == ACSA_OK && *out_sequence < 1) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "storage: invoice series %s gave no "
                            "number", series);
    }
    return rc;
}
