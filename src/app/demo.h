/* SPDX-License-Identifier: MIT */
/* The demo node: a complete sample database for trying acsa and for showing its reports. */
#ifndef ACSA_DEMO_H
#define ACSA_DEMO_H

#include <stdio.h>

#include "rc.h"

/** Creates a demo node database at path (India's node, the India-Japan agreement, units,
 * officials, three exercises, about 60 orders in every state and method, some overdue).
 * Refuses if path exists. */
enum acsa_rc acsa_demo_run(const char *path, FILE *progress, struct acsa_error *err);

/** The India-Japan agreement text the demo loads; its content equals
 * agreements/india-japan-2020.json, so the demo does not depend on the working directory. */
const char *acsa_demo_agreement_json(void);

#endif
