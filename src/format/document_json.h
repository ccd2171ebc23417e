/* SPDX-License-Identifier: MIT */
/* A supporting document as JSON, one shape for the CLI's --json and the API. */
#ifndef ACSA_DOCUMENT_JSON_H
#define ACSA_DOCUMENT_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "auth_json.h"
#include "rows.h"

/** {"id", "order", "line", "kind", "sha256" (hex), "size", "content_type", "by", "at",
 * "origin", "available"}: available is false while a partner's bytes have not arrived. NULL
 * when out of memory. */
json_t *acsa_document_json(const struct acsa_document_row *row);

#endif
