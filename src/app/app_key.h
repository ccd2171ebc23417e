/* SPDX-License-Identifier: MIT */
/* Where the node's secret key file is. Beside a SQLite database it is "<db>.key"; a PostgreSQL
 * database has no place on this machine to put it beside, so it is named: --key PATH, or the
 * environment variable ACSA_KEY. */
#ifndef ACSA_APP_KEY_H
#define ACSA_APP_KEY_H

#include <stddef.h>

#include "rc.h"

/** Names the key file for every acsa_app_open and acsa_app_init of this process (the CLI's
 * --key); NULL forgets it. The text is not copied: it must outlive the opens. */
void acsa_app_set_key_path(const char *path);

/** The key file of the database db into out (size bytes): the one set by acsa_app_set_key_path,
 * else $ACSA_KEY, else "<db>.key" beside a SQLite file. EUSAGE naming --key for a PostgreSQL
 * database without one, or when the path does not fit. */
ACSA_NODISCARD enum acsa_rc acsa__app_key_path(const char *db, char *out, size_t size,
                                               struct acsa_error *err);

#endif
