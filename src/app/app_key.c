/* SPDX-License-Identifier: MIT */
/* The node key file's path, by database kind (app_key.h). */
#include "app_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store_open.h"

#define SQLITE_PREFIX "sqlite:"

static const char *key_path_set; /* The CLI's --key; NULL if not given. */

void acsa_app_set_key_path(const char *path)
{
    key_path_set = path != NULL && path[0] != '\0' ? path : NULL;
}

enum acsa_rc acsa__app_key_path(const char *db, char *out, size_t size, struct acsa_error *err)
{
    out[0] = '\0';
    const char *named = key_path_set;
    if (named == NULL) {
        const char *env = getenv("ACSA_KEY");
        named = env != NULL && env[0] != '\0' ? env : NULL;
    }
    int written = 0;
    if (named != NULL) {
        written = snprintf(out, size, "%s", named);
    } else if (acsa_store_spec_is_pg(db)) {
        return acsa_error_set(err, ACSA_EUSAGE, "key", "key: a PostgreSQL database needs the "
                              "node key file named (--key PATH, or ACSA_KEY)");
    } else {
        if (db != NULL && strncmp(db, SQLITE_PREFIX, strlen(SQLITE_PREFIX)) == 0) {
            db += strlen(SQLITE_PREFIX);
        }
        written = db != NULL && db[0] != '\0' ? snprintf(out, size, "%s.key", db) : -1;
    }
    if (written < 0 || (size_t)written >= size) {
        out[0] = '\0';
        return acsa_error_set(err, ACSA_EUSAGE, "db", "db: the path is missing or too long");
    }
    return ACSA_OK;
}
