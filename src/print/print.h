/* SPDX-License-Identifier: MIT */
/* The printed forms (DOMAIN.md requirement 16): the canonical record of core/form.h rendered
 * as a PDF (cairo's PDF surface, pango, fonts embedded from fontconfig's Noto Sans, Noto Sans
 * CJK JP and Noto Sans Devanagari; A4; a QR code of the number and the hash with libqrencode)
 * or as a self-contained HTML page (every stored text escaped; no script; an SVG QR code).
 * Renders into memory: the caller writes the file or the HTTP answer. */
#ifndef ACSA_PRINT_H
#define ACSA_PRINT_H

#include <stddef.h>
#include <stdint.h>

#include "form.h"
#include "rc.h"

/** The PDF of form into *out (acsa_malloc'd, *out_size bytes; the caller frees it).
 * ACSA_ENOMEM, or ACSA_ESTORAGE naming "pdf" when cairo fails. */
ACSA_NODISCARD enum acsa_rc acsa_print_pdf(const struct acsa_form *form, uint8_t **out,
                                           size_t *out_size, struct acsa_error *err);

/** The HTML page of form into *out (acsa_malloc'd, NUL-terminated, *out_size bytes without
 * the NUL; the caller frees it). Every text of the form is escaped. */
ACSA_NODISCARD enum acsa_rc acsa_print_html(const struct acsa_form *form, char **out,
                                            size_t *out_size, struct acsa_error *err);

/** The Content-Security-Policy the HTML page is served with: no script, nothing loaded, the
 * page's one style element and its inline SVG only. */
#define ACSA_PRINT_HTML_CSP                                                               \
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "    \
    "form-action 'none'; frame-ancestors 'none'"

#endif
