/* SPDX-License-Identifier: MIT */
/* The columns and cells of the reports of requirement 15, shared by the CLI's tables and CSV
 * and the API's JSON and CSV, so every front end shows the same figures under the same
 * names. Amounts are exact decimals of their currency; "-" is a cell without a value. */
#include "app_int.h"
#include "app_reads.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "report.h"

#define COLS(array) (sizeof(array) / sizeof((array)[0]))

static const struct acsa_report_column statement_columns[] = {
    {"currency", "CURRENCY", 8, false, false}, {"section", "SECTION", 7, false, false},
    {"line", "LINE", 7, false, false},         {"date", "DATE", 10, false, false},
    {"order", "ORDER", 18, false, false},      {"invoice", "INVOICE", 18, false, false},
    {"step", "STEP", 13, false, false},        {"account", "ACCOUNT", 15, false, false},
    {"amount", "AMOUNT", 16, true, false},     {"balance", "BALANCE", 18, true, false},
};
static const struct acsa_report_column open_columns[] = {
    {"number", "NUMBER", 18, false, false},    {"state", "STATE", 10, false, false},
    {"method", "METHOD", 6, false, false},     {"partner", "PARTNER", 7, false, false},
    {"currency", "CURRENCY", 8, false, false}, {"value", "VALUE", 16, true, false},
    {"outstanding", "OUTSTANDING", 16, true, false},
    {"created", "CREATED", 10, false, false},  {"age_days", "AGE", 5, true, true},
    {"bucket", "BUCKET", 8, false, false},
};
static const struct acsa_report_column open_total_columns[] = {
    {"state", "STATE", 10, false, false},      {"currency", "CURRENCY", 8, false, false},
    {"orders", "ORDERS", 8, true, true},       {"value", "VALUE", 18, true, false},
    {"outstanding", "OUTSTANDING", 18, true, false},
};
static const struct acsa_report_column unliquidated_columns[] = {
    {"partner", "PARTNER", 7, false, false},   {"way", "WAY", 10, false, false},
    {"currency", "CURRENCY", 8, false, false}, {"method", "METHOD", 6, false, false},
    {"orders", "ORDERS", 8, true, true},       {"outstanding", "OUTSTANDING", 18, true, false},
};
static const struct acsa_report_column method_columns[] = {
    {"method", "METHOD", 6, false, false},     {"currency", "CURRENCY", 8, false, false},
    {"orders", "ORDERS", 8, true, true},       {"value", "VALUE", 18, true, false},
    {"settled_orders", "SETTLED", 8, true, true},
    {"settled_value", "SETTLED VALUE", 18, true, false},
    {"settled_percent", "SETTLED %", 9, true, false},
    {"average_days", "AVG DAYS", 8, true, true},
};
static const struct acsa_report_column yearly_columns[] = {
    {"agreement", "AGREEMENT", 12, false, false}, {"activity", "ACTIVITY", 24, false, false},
    {"category", "CATEGORY", 18, false, false},    {"way", "WAY", 9, false, false},
    {"partner", "PARTNER", 7, false, false},      {"currency", "CURRENCY", 8, false, false},
    {"orders", "ORDERS", 8, true, true},          {"value", "VALUE", 18, true, false},
};
static const struct acsa_report_column missing_columns[] = {
    {"number", "NUMBER", 18, false, false}, {"state", "STATE", 10, false, false},
    {"check", "CHECK", 11, false, false},   {"detail", "DETAIL", 60, false, false},
};

const struct acsa_report_column *acsa_report_columns(enum acsa_report_table table,
                                                     size_t *count)
{
    switch (table) {
    case ACSA_REPORT_STATEMENT: *count = COLS(statement_columns); return statement_columns;
    case ACSA_REPORT_OPEN: *count = COLS(open_columns); return open_columns;
    case ACSA_REPORT_OPEN_TOTALS: *count = COLS(open_total_columns); return open_total_columns;
    case ACSA_REPORT_UNLIQUIDATED:
        *count = COLS(unliquidated_columns);
        return unliquidated_columns;
    case ACSA_REPORT_BY_METHOD: *count = COLS(method_columns); return method_columns;
    case ACSA_REPORT_YEARLY: *count = COLS(yearly_columns); return yearly_columns;
    case ACSA_REPORT_MISSING: *count = COLS(missing_columns); return missing_columns;
    }
    *count = 0;
    return NULL;
}

_Static_assert(COLS(statement_columns) <= ACSA_REPORT_COLUMNS_MAX, "room for the columns");
_Static_assert(ACSA_REPORT_CELL_SIZE >= ACSA_WIDE_TEXT_SIZE, "a cell holds a wide amount");

/* Cell i as text (printf). */
static void put(struct acsa_report_cells *out, size_t i, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

static void put(struct acsa_report_cells *out, size_t i, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(out->text[i], sizeof(out->text[i]), format, args);
    va_end(args);
    out->cells[i] = out->text[i];
}

static void put_wide(struct acsa_report_cells *out, size_t i, acsa_wide minor, uint8_t exponent)
{
    char buf[ACSA_WIDE_TEXT_SIZE];
    put(out, i, "%s", acsa_wide_format(minor, exponent, buf));
}

static void put_day(struct acsa_report_cells *out, size_t i, int32_t day)
{
    char buf[ACSA_DATE_TEXT_SIZE];
    put(out, i, "%s", day == ACSA_DATE_NONE ? "-" : acsa_date_format(day, buf));
}

void acsa_report_statement_cells(const struct acsa_statement_line *l,
                                 struct acsa_report_cells *out)
{
    const struct acsa_statement_row *p = l->posting;
    put(out, 0, "%s", l->currency);
    put(out, 1, "%s", acsa_statement_section_name(l->in_kind));
    put(out, 2, "%s", acsa_statement_line_kind_name(l->kind));
    put_day(out, 3, l->day);
    put(out, 4, "%s", p != NULL ? p->order_number : "-");
    put(out, 5, "%s", p != NULL && p->invoice[0] != '\0' ? p->invoice : "-");
    put(out, 6, "%s", p != NULL ? acsa_step_name(p->step) : "-");
    put(out, 7, "%s", p != NULL ? acsa_account_name(p->account) : "-");
    if (p != NULL) {
        put_wide(out, 8, p->amount_minor, l->exponent);
    } else {
        put(out, 8, "-");
    }
    put_wide(out, 9, l->balance_minor, l->exponent);
}

void acsa_report_open_cells(const char *nation, const struct acsa_open_item *item,
                            struct acsa_report_cells *out)
{
    const struct acsa_order_summary *o = item->order;
    put(out, 0, "%s", o->number);
    put(out, 1, "%s", acsa_state_name(o->state));
    put(out, 2, "%s", acsa_method_name(o->method));
    put(out, 3, "%s", strcmp(o->requester, nation) == 0 ? o->supplier : o->requester);
    put(out, 4, "%s", o->currency);
    put_wide(out, 5, o->value_minor, o->exponent);
    put_wide(out, 6, o->outstanding_minor, o->exponent);
    put_day(out, 7, o->created_day);
    put(out, 8, "%d", (int)item->age_days);
    put(out, 9, "%s", item->label);
}

void acsa_report_open_total_cells(const struct acsa_open_total *t, struct acsa_report_cells *out)
{
    put(out, 0, "%s", acsa_state_name(t->state));
    put(out, 1, "%s", t->currency);
    put(out, 2, "%llu", (unsigned long long)t->orders);
    put_wide(out, 3, t->value_minor, t->exponent);
    put_wide(out, 4, t->outstanding_minor, t->exponent);
}

void acsa_report_unliquidated_cells(const struct acsa_unliquidated_row *r,
                                    struct acsa_report_cells *out)
{
    put(out, 0, "%s", r->partner);
    put(out, 1, "%s", r->receivable ? "receivable" : "payable");
    put(out, 2, "%s", r->currency);
    put(out, 3, "%s", acsa_method_name(r->method));
    put(out, 4, "%llu", (unsigned long long)r->orders);
    put_wide(out, 5, r->outstanding_minor, r->exponent);
}

void acsa_report_method_cells(const struct acsa_method_row *r, struct acsa_report_cells *out)
{
    char share[24];
    put(out, 0, "%s", acsa_method_name(r->method));
    put(out, 1, "%s", r->currency);
    put(out, 2, "%llu", (unsigned long long)r->orders);
    put_wide(out, 3, r->value_minor, r->exponent);
    put(out, 4, "%llu", (unsigned long long)r->settled_orders);
    put_wide(out, 5, r->settled_minor, r->exponent);
    put(out, 6, "%s", acsa_report_permille_text(r->settled_permille, share));
    if (r->timed_orders > 0) {
        put(out, 7, "%lld", (long long)r->average_days);
    } else {
        put(out, 7, "-");
    }
}

void acsa_report_yearly_cells(const struct acsa_yearly_row *r, struct acsa_report_cells *out)
{
    const struct acsa_totals_row *t = r->totals;
    put(out, 0, "%s", t->agreement_id);
    put(out, 1, "%s", t->activity[0] != '\0' ? t->activity : "-");
    put(out, 2, "%s", t->category);
    put(out, 3, "%s", r->supplied ? "supplied" : "requested");
    put(out, 4, "%s", r->partner);
    put(out, 5, "%s", t->currency);
    put(out, 6, "%llu", (unsigned long long)t->orders);
    put_wide(out, 7, t->value_minor, t->exponent);
}

void acsa_report_missing_cells(const struct acsa_missing_item *item,
                               struct acsa_report_cells *out)
{
    put(out, 0, "%s", item->order->number);
    put(out, 1, "%s", acsa_state_name(item->order->state));
    put(out, 2, "%s", item->check);
    put(out, 3, "%s", item->detail);
}

json_t *acsa_report_row_json(enum acsa_report_table table, const struct acsa_report_cells *cells)
{
    size_t count = 0;
    const struct acsa_report_column *columns = acsa_report_columns(table, &count);
    json_t *o = json_object();
    for (size_t i = 0; o != NULL && i < count; i++) {
        const char *cell = cells->cells[i];
        json_t *value = NULL;
        if (cell == NULL || strcmp(cell, "-") == 0) {
            value = json_null();
        } else if (columns[i].integer) {
            value = json_integer(strtoll(cell, NULL, 10));
        } else {
            value = json_string(cell);
        }
        if (json_object_set_new(o, columns[i].key, value) != 0) {
            json_decref(o);
            o = NULL;
        }
    }
    return o;
}
