/* SPDX-License-Identifier: MIT */
/* Names, texts and exit codes of result codes, and the error record helpers. */
#include "rc.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *acsa_rc_name(enum acsa_rc rc)
{
    switch (rc) {
#define ACSA_RC_CASE(name, number, exit_code, text) \
    case name:                                      \
        return #name;
        ACSA_RC_MAP(ACSA_RC_CASE)
#undef ACSA_RC_CASE
    }
    return "ACSA_UNKNOWN";
}

const char *acsa_rc_text(enum acsa_rc rc)
{
    switch (rc) {
#define ACSA_RC_CASE(name, number, exit_code, text) \
    case name:                                      \
        return text;
        ACSA_RC_MAP(ACSA_RC_CASE)
#undef ACSA_RC_CASE
    }
    return "unknown error";
}

bool acsa_rc_fatal(enum acsa_rc rc)
{
    return rc == ACSA_ESTORAGE || rc == ACSA_ENOMEM || rc == ACSA_EUNAVAILABLE;
}

int acsa_rc_exit_code(enum acsa_rc rc)
{
    switch (rc) {
#define ACSA_RC_CASE(name, number, exit_code, text) \
    case name:                                      \
        return exit_code;
        ACSA_RC_MAP(ACSA_RC_CASE)
#undef ACSA_RC_CASE
    }
    return 4;
}

void acsa_error_clear(struct acsa_error *err)
{
    if (err != NULL) {
        memset(err, 0, sizeof(*err));
    }
}

enum acsa_rc acsa_error_set(struct acsa_error *err, enum acsa_rc rc, const char *field,
                            const char *format, ...)
{
    if (err == NULL) {
        return rc;
    }
    err->rc = rc;
    snprintf(err->field, sizeof(err->field), "%s", field != NULL ? field : "");
    va_list args;
    va_start(args, format);
    vsnprintf(err->message, sizeof(err->message), format, args);
    va_end(args);
    return rc;
}
