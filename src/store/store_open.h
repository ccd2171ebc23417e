/* SPDX-License-Identifier: MIT */
/* Opening a store by what names it: the backend is picked from the text. */
#ifndef ACSA_STORE_OPEN_H
#define ACSA_STORE_OPEN_H

#include "store.h"

/** Whether spec names a PostgreSQL database ("postgresql://..." or "postgres://..."). */
bool acsa_store_spec_is_pg(const char *spec);

/** Opens the store spec names: "postgresql://..." (or "postgres://...") the PostgreSQL
 * backend, "sqlite:PATH" or a plain PATH the SQLite backend. flags and results as the
 * backend's open (acsa_store_sqlite_open, acsa_store_pg_open); EUSAGE for a PostgreSQL URI
 * when this acsa was built without libpq. */
ACSA_NODISCARD enum acsa_rc acsa_store_open_spec(const char *spec, unsigned flags,
                                                 struct acsa_store **out_store,
                                                 struct acsa_error *err);

#endif
