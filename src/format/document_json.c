/* SPDX-License-Identifier: MIT */
/* A supporting document as JSON. */
#include "document_json.h"

#include <stdio.h>

json_t *acsa_document_json(const struct acsa_document_row *row)
{
    const struct acsa_document_ref *d = &row->ref;
    char hex[65];
    for (size_t i = 0; i < sizeof(d->sha256); i++) {
        snprintf(hex + 2 * i, 3, "%02x", d->sha256[i]);
    }
    char at[ACSA_TIME_TEXT_SIZE];
    return json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b}", "id", d->id,
                     "order", d->number, "line", (json_int_t)d->line, "kind",
                     acsa_document_kind_name(d->kind), "sha256", hex, "size",
                     (json_int_t)d->size, "content_type", d->content_type, "by", d->actor,
                     "at", acsa_time_format(d->at_s, at), "origin", row->origin, "available",
                     row->have_bytes ? 1 : 0);
}
