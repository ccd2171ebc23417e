/* SPDX-License-Identifier: MIT */
/* The exports' reads (ARCHITECTURE.md "Exports"): orders with the names they refer to, order
 * lines and ledger postings of the orders an order-list filter selects, and the journal of the
 * node's postings. Each streams its rows to a callback from one store scan; viewer (NULL: the
 * node's operator) sees only the orders it may see, as in the order list. */
#ifndef ACSA_APP_EXPORT_H
#define ACSA_APP_EXPORT_H

#include <stdio.h>

#include "app.h"
#include "export.h"
#include "journal.h"
#include "rows.h"

typedef enum acsa_rc (*acsa_export_order_cb)(void *ctx, const struct acsa_export_order *row);

/** The orders filter selects (NULL: all) that viewer may see, by number, with the names of
 * their units and activity. */
ACSA_NODISCARD enum acsa_rc acsa_app_export_orders(struct acsa_app *app,
                                                   const struct acsa_order_filter *filter,
                                                   const struct acsa_user *viewer,
                                                   acsa_export_order_cb cb, void *ctx,
                                                   struct acsa_error *err);
/** Their lines, by order number and line. */
ACSA_NODISCARD enum acsa_rc acsa_app_export_lines(struct acsa_app *app,
                                                  const struct acsa_order_filter *filter,
                                                  const struct acsa_user *viewer,
                                                  acsa_order_line_cb cb, void *ctx,
                                                  struct acsa_error *err);
/** The postings of their events dated from_day to to_day (ACSA_DATE_NONE: open), by event
 * (as recorded) and leg. */
ACSA_NODISCARD enum acsa_rc acsa_app_export_postings(struct acsa_app *app,
                                                     const struct acsa_order_filter *filter,
                                                     const struct acsa_user *viewer,
                                                     int32_t from_day, int32_t to_day,
                                                     acsa_posting_row_cb cb, void *ctx,
                                                     struct acsa_error *err);
/* One row of a table export, built from its scan (export.h), ready for a writer. */
typedef enum acsa_rc (*acsa_export_row_cb)(void *ctx, const struct acsa_export_row *row);

/** The documents of the orders filter selects (NULL: all) that viewer may see, by order
 * number, line and id: their references, not their bytes. */
ACSA_NODISCARD enum acsa_rc acsa_app_export_documents(struct acsa_app *app,
                                                      const struct acsa_order_filter *filter,
                                                      const struct acsa_user *viewer,
                                                      acsa_document_cb cb, void *ctx,
                                                      struct acsa_error *err);

/** The rows of the table export kind, each as the writers take it: the one place that maps a
 * kind to its scan and its row, for the command and the server alike. from_day and to_day
 * bound postings only. */
ACSA_NODISCARD enum acsa_rc acsa_app_export_table(struct acsa_app *app,
                                                  enum acsa_export_kind kind,
                                                  const struct acsa_order_filter *filter,
                                                  const struct acsa_user *viewer,
                                                  int32_t from_day, int32_t to_day,
                                                  acsa_export_row_cb cb, void *ctx,
                                                  struct acsa_error *err);

/** Writes the journal of every posting of the node dated up to to_day (ACSA_DATE_NONE: all)
 * to file in format: those before from_day (ACSA_DATE_NONE: none) as one opening
 * transaction, the rest one transaction per event. *out_transactions (may be NULL) counts
 * them. */
ACSA_NODISCARD enum acsa_rc acsa_app_export_journal(struct acsa_app *app, FILE *file,
                                                    const char *path,
                                                    enum acsa_journal_format format,
                                                    int32_t from_day, int32_t to_day,
                                                    uint64_t *out_transactions,
                                                    struct acsa_error *err);

#endif
