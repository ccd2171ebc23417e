/* SPDX-License-Identifier: MIT */
/* The columns the ways out of an order change (migration 4), written after the order row by
 * the same update: the party that raised a dispute, a line closed short, and the terms of an
 * amended draft (its lines are rewritten by the order write itself). */
#include <string.h>

#include "acsa_assert.h"
#include "store_sqlite_int.h"

enum acsa_rc acsa__sqlite_order_fix_write(struct acsa_store_sqlite *s,
                                          const struct acsa_order *order,
                                          const struct acsa_event *event, struct acsa_error *err)
{
    switch (event->step) {
    case ACSA_STEP_DISPUTE: {
        const struct acsa__sqlite_value values[] = {TEXT(order->number),
                                                    OPT_TEXT(order->disputed_by)};
        const struct acsa__sqlite_statement st =
            STATEMENT_PLAIN(ACSA__SQLITE_FIX_DISPUTED,
                            "UPDATE orders SET disputed_by = ?2 WHERE number = ?1", values);
        return acsa__sqlite_run_write(s, &st, NULL, err);
    }
    case ACSA_STEP_CLOSE_LINE: {
        ACSA_ASSERT(event->line_no >= 1 && event->line_no <= order->line_count);
        const struct acsa__sqlite_value values[] = {
            TEXT(order->number), INT(event->line_no),
            INT(order->lines[event->line_no - 1].closed ? 1 : 0)};
        const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
            ACSA__SQLITE_FIX_CLOSED,
            "UPDATE order_lines SET closed = ?3 WHERE order_number = ?1 AND line_no = ?2",
            values);
        return acsa__sqlite_run_write(s, &st, NULL, err);
    }
    case ACSA_STEP_AMEND: {
        const struct acsa__sqlite_value values[] = {
            TEXT(order->number),      OPT_INT(order->requester_unit_id),
            OPT_INT(order->supplier_unit_id), TEXT(order->place),
            DAY(order->need_by_day),  INT(order->value_minor)};
        const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
            ACSA__SQLITE_FIX_AMEND,
            "UPDATE orders SET requester_unit_id = ?2, supplier_unit_id = ?3, "
            "place = ?4, need_by = ?5, value_minor = ?6 WHERE number = ?1",
            values);
        return acsa__sqlite_run_write(s, &st, NULL, err);
    }
    default:
        return ACSA_OK;
    }
}
