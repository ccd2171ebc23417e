/* SPDX-License-Identifier: MIT */
/* The fields, columns and cells of a form as text, shared by the PDF and the HTML page. */
#include "print_int.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "money.h"

static const struct print_column order_columns[] = {
    {"Line", 0.05, true},        {"NSN / part no.", 0.17, false},
    {"Description", 0.32, false}, {"Unit", 0.06, false},
    {"Qty ordered", 0.11, true}, {"Unit price", 0.13, true},
    {"Value", 0.16, true},
};
static const struct print_column receipt_columns[] = {
    {"Line", 0.05, true},       {"NSN / part no.", 0.16, false},
    {"Description", 0.22, false}, {"Unit", 0.05, false},
    {"Ordered", 0.09, true},    {"Issued", 0.09, true},
    {"Received", 0.09, true},   {"Unit price", 0.11, true},
    {"Value received", 0.14, true},
};
static const struct print_column invoice_columns[] = {
    {"Line", 0.05, true},         {"NSN / part no.", 0.17, false},
    {"Description", 0.32, false},  {"Unit", 0.06, false},
    {"Qty invoiced", 0.11, true}, {"Unit price", 0.13, true},
    {"Value", 0.16, true},
};
static const struct print_column step_columns[PRINT_STEP_COLUMNS] = {
    {"Date", 0.12, false}, {"Step", 0.13, false}, {"Party", 0.07, false},
    {"Name", 0.22, false}, {"Title", 0.24, false}, {"Detail", 0.22, false},
};

uint32_t acsa__print_line_columns(const struct acsa_form *f, const struct print_column **out)
{
    if (f->kind == ACSA_FORM_RECEIPT) {
        *out = receipt_columns;
        return sizeof(receipt_columns) / sizeof(receipt_columns[0]);
    }
    *out = f->kind == ACSA_FORM_INVOICE ? invoice_columns : order_columns;
    return sizeof(order_columns) / sizeof(order_columns[0]);
}

char *acsa__print_date(int32_t day, char buf[ACSA_DATE_TEXT_SIZE + 1])
{
    if (day == ACSA_DATE_NONE || day == 0) {
        snprintf(buf, ACSA_DATE_TEXT_SIZE + 1, "-");
        return buf;
    }
    char text[ACSA_DATE_TEXT_SIZE];
    snprintf(buf, ACSA_DATE_TEXT_SIZE + 1, "%s", acsa_date_format(day, text));
    return buf;
}

static void money(char *buf, int64_t minor, uint8_t exponent)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    snprintf(buf, PRINT_CELL_SIZE, "%s", acsa_money_format(minor, exponent, text));
}

static void quantity(char *buf, int64_t milli)
{
    char text[ACSA_MONEY_TEXT_SIZE];
    snprintf(buf, PRINT_CELL_SIZE, "%s", acsa_quantity_format(milli, text));
}

void acsa__print_line_cells(const struct acsa_form *f, const struct acsa_form_line *l,
                            char cells[PRINT_COLUMNS_MAX][PRINT_CELL_SIZE])
{
    uint32_t c = 0;
    snprintf(cells[c++], PRINT_CELL_SIZE, "%u", l->no);
    snprintf(cells[c++], PRINT_CELL_SIZE, "%s", l->nsn[0] != '\0' ? l->nsn : "-");
    snprintf(cells[c++], PRINT_CELL_SIZE, "%s (%s)%s", l->description, l->category,
             l->closed ? ", closed short" : "");
    snprintf(cells[c++], PRINT_CELL_SIZE, "%s", l->unit_of_issue);
    if (f->kind == ACSA_FORM_RECEIPT) {
        quantity(cells[c++], l->ordered_milli);
        quantity(cells[c++], l->issued_milli);
        quantity(cells[c++], l->received_milli);
    } else {
        quantity(cells[c++], l->quantity_milli);
    }
    money(cells[c++], l->price_minor, f->exponent);
    money(cells[c], l->value_minor, f->exponent);
}

const struct print_column *acsa__print_step_columns(void)
{
    return step_columns;
}

void acsa__print_step_cells(const struct acsa_form *f, const struct acsa_form_step *s,
                            char cells[PRINT_STEP_COLUMNS][PRINT_CELL_SIZE])
{
    char date[ACSA_DATE_TEXT_SIZE + 1];
    snprintf(cells[0], PRINT_CELL_SIZE, "%s", acsa__print_date(s->day, date));
    snprintf(cells[1], PRINT_CELL_SIZE, "%s", acsa_step_name(s->step));
    snprintf(cells[2], PRINT_CELL_SIZE, "%s", s->party[0] != '\0' ? s->party : "-");
    snprintf(cells[3], PRINT_CELL_SIZE, "%s", s->name);
    snprintf(cells[4], PRINT_CELL_SIZE, "%s", s->title[0] != '\0' ? s->title : "-");
    char q[ACSA_MONEY_TEXT_SIZE];
    char m[ACSA_MONEY_TEXT_SIZE];
    if (s->line > 0) {
        snprintf(cells[5], PRINT_CELL_SIZE, "line %u, qty %s%s%s", s->line,
                 acsa_quantity_format(s->quantity_milli, q), s->invoice[0] != '\0' ? ", " : "",
                 s->invoice);
    } else if (s->invoice[0] != '\0') {
        snprintf(cells[5], PRINT_CELL_SIZE, "%s %s, %s", f->currency,
                 acsa_money_format(s->amount_minor, f->exponent, m), s->invoice);
    } else if (s->amount_minor != 0) {
        snprintf(cells[5], PRINT_CELL_SIZE, "%s %s", f->currency,
                 acsa_money_format(s->amount_minor, f->exponent, m));
    } else {
        snprintf(cells[5], PRINT_CELL_SIZE, "-");
    }
}

static struct print_field *field(struct print_field *out, uint32_t *count, uint32_t row,
                                 double share, const char *label)
{
    struct print_field *f = &out[(*count)++];
    snprintf(f->label, sizeof(f->label), "%u. %s", *count, label);
    f->row = row;
    f->share = share;
    return f;
}

static void unit_text(char *buf, const char *party, const char *unit)
{
    snprintf(buf, PRINT_CELL_SIZE, "%s%s%s", party, unit[0] != '\0' ? " \xe2\x80\x94 " : "",
             unit);
}

uint32_t acsa__print_fields(const struct acsa_form *f, struct print_field out[PRINT_FIELDS_MAX])
{
    uint32_t n = 0;
    char d[2][ACSA_DATE_TEXT_SIZE + 1];
    snprintf(field(out, &n, 0, 1.0, "Agreement")->value, PRINT_CELL_SIZE, "%s \xe2\x80\x94 %s",
             f->agreement_id, f->agreement_title[0] != '\0' ? f->agreement_title : "-");
    unit_text(field(out, &n, 1, 0.5, "Requesting party and unit")->value, f->requester,
              f->requester_unit);
    unit_text(field(out, &n, 1, 0.5, "Supplying party and unit")->value, f->supplier,
              f->supplier_unit);
    struct print_field *a = field(out, &n, 2, 0.6, "Activity");
    if (f->activity[0] == '\0') {
        snprintf(a->value, PRINT_CELL_SIZE, "-");
    } else {
        snprintf(a->value, PRINT_CELL_SIZE, "%s (%s), %s to %s%s%s", f->activity,
                 f->activity_type, acsa__print_date(f->activity_from_day, d[0]),
                 acsa__print_date(f->activity_to_day, d[1]), f->activity_place[0] ? ", " : "",
                 f->activity_place);
    }
    snprintf(field(out, &n, 2, 0.4, "Settlement, currency, state")->value, PRINT_CELL_SIZE,
             "%s, %s, %s", acsa_method_name(f->method), f->currency, acsa_state_name(f->state));
    snprintf(field(out, &n, 3, 0.32, "Deliver to")->value, PRINT_CELL_SIZE, "%s",
             f->place[0] != '\0' ? f->place : "-");
    acsa__print_date(f->need_by_day, field(out, &n, 3, 0.17, "Need by")->value);
    acsa__print_date(f->created_day, field(out, &n, 3, 0.17, "Raised")->value);
    acsa__print_date(f->delivered_day, field(out, &n, 3, 0.17, "Delivered")->value);
    acsa__print_date(f->due_day, field(out, &n, 3, 0.17, "Settlement due")->value);
    if (f->kind == ACSA_FORM_INVOICE) {
        snprintf(field(out, &n, 4, 0.34, "Invoice number")->value, PRINT_CELL_SIZE, "%s",
                 f->invoice);
        acsa__print_date(f->invoice_day, field(out, &n, 4, 0.2, "Invoice date")->value);
        acsa__print_date(f->invoice_due_day, field(out, &n, 4, 0.2, "Payment due")->value);
        char m[ACSA_MONEY_TEXT_SIZE];
        snprintf(field(out, &n, 4, 0.26, "Amount of invoice")->value, PRINT_CELL_SIZE, "%s %s",
                 f->currency, acsa_money_format(f->invoice_amount_minor, f->exponent, m));
    }
    return n;
}

void acsa__print_total(const struct acsa_form_total *t, char buf[PRINT_CELL_SIZE])
{
    char m[ACSA_MONEY_TEXT_SIZE];
    snprintf(buf, PRINT_CELL_SIZE, "%s %s", t->currency,
             acsa_money_format(t->amount_minor, t->exponent, m));
}

void acsa__print_footer(const struct acsa_form *f, char buf[PRINT_CELL_SIZE])
{
    snprintf(buf, PRINT_CELL_SIZE, "%s \xc2\xb7 %s%s%s \xc2\xb7 printed by node %s", f->number,
             acsa_form_kind_name(f->kind), f->invoice[0] != '\0' ? " " : "", f->invoice,
             f->node);
}
