/* SPDX-License-Identifier: MIT */
/* The XLSX side of the table exports (export.h), over libxlsxwriter in constant-memory mode:
 * a bold, frozen header row with an autofilter, numbers as numbers with a format per
 * currency exponent, dates as date serials. Shared by the files of the format layer only. */
#ifndef ACSA_XLSX_H
#define ACSA_XLSX_H

#include "export.h"

struct acsa__format_xlsx;

ACSA_NODISCARD enum acsa_rc acsa__format_xlsx_open(const char *path,
                                                   const struct acsa_export_column *columns,
                                                   size_t count, struct acsa__format_xlsx **out,
                                                   struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc acsa__format_xlsx_row(struct acsa__format_xlsx *x,
                                                  const struct acsa_export_row *row,
                                                  struct acsa_error *err);
/** Writes the workbook and releases x. */
ACSA_NODISCARD enum acsa_rc acsa__format_xlsx_close(struct acsa__format_xlsx *x,
                                                    struct acsa_error *err);
/** Releases x, its workbook unfinished (the caller removes the file). */
void acsa__format_xlsx_drop(struct acsa__format_xlsx *x);

#endif
