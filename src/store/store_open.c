/* SPDX-License-Identifier: MIT */
/* acsa_store_open: the engine is picked from the text that names the database, and the
 * backend's interface version is checked before the store is handed out. */
#include <string.h>

#include "acsa_assert.h"
#include "store.h"
#include "store_sqlite.h"
#if defined(ACSA_HAVE_PG)
#include "store_pg.h"
#endif

#define SQLITE_PREFIX "sqlite:"

static bool names_server(const char *uri)
{
    return uri != NULL &&
           (strncmp(uri, "postgresql://", 13) == 0 || strncmp(uri, "postgres://", 11) == 0);
}

const char *acsa_store_uri_file(const char *uri)
{
    if (uri == NULL || names_server(uri)) {
        return NULL;
    }
    return strncmp(uri, SQLITE_PREFIX, strlen(SQLITE_PREFIX)) == 0 ? uri + strlen(SQLITE_PREFIX)
                                                                   : uri;
}

static enum acsa_rc open_engine(const char *uri, unsigned flags, struct acsa_store **out_store,
                                struct acsa_error *err)
{
    if (names_server(uri)) {
#if defined(ACSA_HAVE_PG)
        return acsa_store_pg_open(uri, flags, out_store, err);
#else
        return acsa_error_set(err, ACSA_EUSAGE, "database", "database: this acsa was built "
                              "without PostgreSQL (libpq not found)");
#endif
    }
    return acsa_store_sqlite_open(acsa_store_uri_file(uri), flags, out_store, err);
}

enum acsa_rc acsa_store_open(const char *uri, unsigned flags, struct acsa_store **out_store,
                             struct acsa_error *err)
{
    ACSA_ASSERT(out_store != NULL);
    *out_store = NULL;
    struct acsa_store *store = NULL;
    enum acsa_rc rc = open_engine(uri, flags, &store, err);
    if (rc != ACSA_OK) {
        return rc;
    }
    if (store->vtbl->version != ACSA_STORE_INTERFACE_VERSION) {
        uint32_t version = store->vtbl->version;
        acsa_store_close(store);
        return acsa_error_set(err, ACSA_ESTORAGE, "database", "database: the backend was built "
                              "for store interface %u, this acsa speaks %u", version,
                              ACSA_STORE_INTERFACE_VERSION);
    }
    *out_store = store;
    return ACSA_OK;
}
