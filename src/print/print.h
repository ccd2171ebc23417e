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

/** The HTML page's one style element, and its SHA-256 in base64, which the page's policy
 * names (tests/unit/test_print.c checks that the two agree). */
extern const char acsa_print_html_style[];
#define ACSA_PRINT_HTML_STYLE_SHA256 "/JkdU+3V2yMboaJ77J0GHqdSaIou84vMLvG4WjSgxHk="

/** The policy of the HTML page, in the page (a meta element: also for a file opened from
 * disk) and, with frame-ancestors, as the server's header: no script, nothing loaded, no
 * inline style but the page's one style element (by its hash), the QR code as inline SVG. */
#define ACSA_PRINT_HTML_META_CSP                                                          \
    "default-src 'none'; style-src 'sha256-" ACSA_PRINT_HTML_STYLE_SHA256 "'; "           \
    "img-src data:; base-uri 'none'; form-action 'none'"
#define ACSA_PRINT_HTML_CSP ACSA_PRINT_HTML_META_CSP "; frame-ancestors 'none'"

#endif
