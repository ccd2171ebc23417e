/* SPDX-License-Identifier: MIT */
/* Picks the backend from the text that names the database. */
#include <string.h>

#include "../core/acsa_assert.h"
#include "store_open.h"
#if defined(ACSA_HAVE_PG)
#include "store_pg.h"
#endif

#define SQLITE_PREFIX "sqlite:"

bool acsa_store_spec_is_pg(const char *spec)
{
    return spec != NULL &&
           (strncmp(spec, "postgresql://", 13) == 0 || strncmp(spec, "postgres://", 11) == 0);
}

enum acsa_rc acsa_store_open_spec(const char *spec, unsigned flags,
                                  struct acsa_store **out_store, struct acsa_error *err)
{
    ACSA_ASSERT(out_store != NULL);
    *out_store = NULL;
    if (acsa_store_spec_is_pg(spec)) {
#if defined(ACSA_HAVE_PG)
        return acsa_store_pg_open(spec, flags, out_store, err);
#else
        return acsa_error_set(err, ACSA_EUSAGE, "database", "database: this acsa was built "
                              "without PostgreSQL (libpq not found)");
#endif
    }
    if (spec != NULL && strncmp(spec, SQLITE_PREFIX, strlen(SQLITE_PREFIX)) == 0) {
        spec += strlen(SQLITE_PREFIX);
    }
    return acsa_store_sqlite_open(spec, flags, out_store, err);
}
