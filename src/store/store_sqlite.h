/* SPDX-License-Identifier: MIT */
/* The SQLite backend of the store interface (store.h). Callers open it through
 * acsa_store_open; the storage tests open it directly. */
#ifndef ACSA_STORE_SQLITE_H
#define ACSA_STORE_SQLITE_H

#include "store.h"

/** Opens (and migrates to the current schema) the SQLite database at path. ENOTFOUND when the
 * file is missing and ACSA_STORE_CREATE is not set; ESTORAGE with the SQLite message
 * otherwise. ACSA_STORE_BULK_LOAD is synchronous=NORMAL instead of FULL. */
ACSA_NODISCARD enum acsa_rc acsa_store_sqlite_open(const char *path, unsigned flags,
                                                   struct acsa_store **out_store,
                                                   struct acsa_error *err);

#endif
