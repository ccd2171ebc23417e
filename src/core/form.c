/* SPDX-License-Identifier: MIT */
/* The names of the printed forms and the text of their QR code. */
#include "form.h"

#include <stdio.h>
#include <string.h>

static const char *const kind_names[ACSA_FORM_KIND_COUNT] = {"order", "receipt", "invoice"};
static const char *const kind_titles[ACSA_FORM_KIND_COUNT] = {
    "ORDER FOR SUPPLIES OR SERVICES",
    "RECEIPT FOR SUPPLIES OR SERVICES",
    "INVOICE FOR SUPPLIES OR SERVICES",
};

const char *acsa_form_kind_name(enum acsa_form_kind kind)
{
    return (unsigned)kind < ACSA_FORM_KIND_COUNT ? kind_names[kind] : "";
}

const char *acsa_form_kind_title(enum acsa_form_kind kind)
{
    return (unsigned)kind < ACSA_FORM_KIND_COUNT ? kind_titles[kind] : "";
}

bool acsa_form_kind_parse(const char *text, enum acsa_form_kind *out)
{
    for (unsigned i = 0; i < ACSA_FORM_KIND_COUNT; i++) {
        if (strcmp(text, kind_names[i]) == 0) {
            *out = (enum acsa_form_kind)i;
            return true;
        }
    }
    return false;
}

char *acsa_form_qr_text(const struct acsa_form *form, char *buf, uint32_t size)
{
    snprintf(buf, size, "acsa:%s:%s", form->number, form->hash);
    return buf;
}

bool acsa_form_hash_valid(const char *text)
{
    size_t length = strlen(text);
    return length == ACSA_FORM_HASH_TEXT_SIZE - 1 &&
           strspn(text, "0123456789abcdefABCDEF") == length;
}
