/* SPDX-License-Identifier: MIT */
/* The columns the ways out of an order change (migration 4), written after the order row by
 * the same update: the party that raised a dispute, a line closed short, and the terms of an
 * amended draft (its lines are rewritten by the order write itself). */
#include <string.h>

#include "acsa_assert.h"
#include "store_sqlite_int.h"

/* Runs one prepared statement of a slot, bound by bind, expecting no rows. */
typedef void (*fix_binder)(struct acsa__sqlite_bind *b, const struct acsa_order *order,
                           const struct acsa_event *event);

static enum acsa_rc fix_run(struct acsa_store_sqlite *s, enum acsa__sqlite_slot slot,
                            const char *sql, fix_binder bind, const struct acsa_order *order,
                            const struct acsa_event *event, struct acsa_error *err)
{
    sqlite3_stmt *stmt = NULL;
    enum acsa_rc rc = acsa__sqlite_acquire(s, slot, sql, &stmt, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    struct acsa__sqlite_bind b;
    acsa__sqlite_bind_init(&b, stmt);
    bind(&b, order, event);
    if (b.rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
        rc = acsa__sqlite_fail(s, err);
    }
    acsa__sqlite_release(s, slot, stmt);
    return rc;
}

static void bind_disputed(struct acsa__sqlite_bind *b, const struct acsa_order *order,
                          const struct acsa_event *event)
{
    (void)event;
    acsa__sqlite_bind_text(b, 1, order->number);
    acsa__sqlite_bind_opt_text(b, 2, order->disputed_by);
}

static void bind_closed(struct acsa__sqlite_bind *b, const struct acsa_order *order,
                        const struct acsa_event *event)
{
    acsa__sqlite_bind_text(b, 1, order->number);
    acsa__sqlite_bind_int(b, 2, event->line_no);
    acsa__sqlite_bind_int(b, 3, order->lines[event->line_no - 1].closed ? 1 : 0);
}

static void bind_amend(struct acsa__sqlite_bind *b, const struct acsa_order *order,
                       const struct acsa_event *event)
{
    (void)event;
    acsa__sqlite_bind_text(b, 1, order->number);
    acsa__sqlite_bind_opt_int(b, 2, order->requester_unit_id);
    acsa__sqlite_bind_opt_int(b, 3, order->supplier_unit_id);
    acsa__sqlite_bind_text(b, 4, order->place);
    acsa__sqlite_bind_day(b, 5, order->need_by_day);
    acsa__sqlite_bind_int(b, 6, order->value_minor);
}

enum acsa_rc acsa__sqlite_order_fix_write(struct acsa_store_sqlite *s,
                                          const struct acsa_order *order,
                                          const struct acsa_event *event, struct acsa_error *err)
{
    switch (event->step) {
    case ACSA_STEP_DISPUTE:
        return fix_run(s, ACSA__SQLITE_FIX_DISPUTED,
                       "UPDATE orders SET disputed_by = ?2 WHERE number = ?1", bind_disputed,
                       order, event, err);
    case ACSA_STEP_CLOSE_LINE:
        ACSA_ASSERT(event->line_no >= 1 && event->line_no <= order->line_count);
        return fix_run(s, ACSA__SQLITE_FIX_CLOSED,
                       "UPDATE order_lines SET closed = ?3 WHERE order_number = ?1 AND "
                       "line_no = ?2", bind_closed, order, event, err);
    case ACSA_STEP_AMEND:
        return fix_run(s, ACSA__SQLITE_FIX_AMEND,
                       "UPDATE orders SET requester_unit_id = ?2, supplier_unit_id = ?3, "
                       "place = ?4, need_by = ?5, value_minor = ?6 WHERE number = ?1",
                       bind_amend, order, event, err);
    default:
        return ACSA_OK;
    }
}
