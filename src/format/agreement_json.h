/* SPDX-License-Identifier: MIT */
/* Agreement files: JSON text <-> struct acsa_agreement. A refused file names the JSON path
 * ("$.settlement.cash.due_days") and the reason. Depends on the core and jansson only. */
#ifndef ACSA_AGREEMENT_JSON_H
#define ACSA_AGREEMENT_JSON_H

#include <stddef.h>

#include "agreement.h"
#include "rc.h"

/** Parses and validates an agreement from JSON text of length size. On success fills *out
 * (fully, every field) and returns ACSA_OK. Otherwise returns ACSA_EREFUSED with err->field
 * the JSON path and err->message "<path>: <reason>", and *out zeroed. Unknown members are
 * refused (a misspelt key must not be silently ignored). Thread-safe. */
ACSA_NODISCARD enum acsa_rc acsa_agreement_from_json(const char *text, size_t size,
                                                     struct acsa_agreement *out,
                                                     struct acsa_error *err);

/** Serialises an agreement to canonical JSON (keys in a fixed order, two-space indent) in a
 * buffer the caller frees with acsa_free(). Parsing the result gives back an equal struct.
 * ACSA_ENOMEM on allocation failure; *out_text NULL then. */
ACSA_NODISCARD enum acsa_rc acsa_agreement_to_json(const struct acsa_agreement *agreement,
                                                   char **out_text, struct acsa_error *err);

#endif
