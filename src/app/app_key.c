/* SPDX-License-Identifier: MIT */
/* The node key file's path, by database kind (app_key.h). */
#include "app_key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"


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
    } else if (db == NULL || db[0] == '\0') {
        written = -1;
    } else if (acsa_store_uri_file(db) == NULL) {
        return acsa_error_set(err, ACSA_EUSAGE, "key", "key: a node on a database server "
                              "needs its key file named (--key PATH, or ACSA_KEY)");
    } else {
        const char *file = acsa_store_uri_file(db);
        written = file[0] != '\0' ? snprintf(out, size, "%s.key", file) : -1;
    }
    if (written < 0 || (size_t)written >= size) {
        out[0] = '\0';
        return acsa_error_set(err, ACSA_EUSAGE, "db", "db: the path is missing or too long");
    }
    return ACSA_OK;
}
