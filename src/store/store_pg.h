/* SPDX-License-Identifier: MIT */
/* The PostgreSQL backend of the store interface (store.h), through libpq. */
#ifndef ACSA_STORE_PG_H
#define ACSA_STORE_PG_H

#include "store.h"

/** Whether text names a PostgreSQL database ("postgresql://..." or "postgres://..."). */
bool acsa_store_pg_uri(const char *text);

/** Opens the PostgreSQL database uri (a libpq connection URI) and migrates it to the current
 * schema. The database must exist; ACSA_STORE_CREATE lets an empty one be given the schema,
 * without it a database acsa never migrated is refused (EUSAGE). ACSA_STORE_BULK_LOAD turns off
 * waiting for the commit to be flushed (synchronous_commit off) for bulk loads. ESTORAGE with
 * libpq's message when the server cannot be reached. */
ACSA_NODISCARD enum acsa_rc acsa_store_pg_open(const char *uri, unsigned flags,
                                               struct acsa_store **out_store,
                                               struct acsa_error *err);

#endif
