/* SPDX-License-Identifier: MIT */
/* Two nodes in one process for the batch harness and its seed corpus: India and Japan, each
 * with its database (in /dev/shm when there is one) and key pair, with orders of every method
 * in several states. What India did last is not yet taken in by Japan: that is the batch the
 * harness mutates, re-signs with India's key and imports into Japan. */
#ifndef ACSA_FUZZ_NODES_H
#define ACSA_FUZZ_NODES_H

#include <stdint.h>

#include "app.h"
#include "node.h"

#define FUZZ_NOW 1718000000 /* 2024-06-10: the clock of every import. */

struct fuzz_node {
    const char *nation;
    char path[160];
    struct acsa_app *app;
    uint8_t sk[64];         /* The node's secret key, to sign batches as it would. */
    char key[ACSA_KEY_TEXT_SIZE];
};

struct fuzz_nodes {
    char dir[64];
    struct fuzz_node in;
    struct fuzz_node jp;
};

/** Builds both nodes and the scenario; exits with a message if any step fails. Deterministic:
 * the records are the same bytes on every run (only the keys differ). */
void fuzz_nodes_setup(struct fuzz_nodes *nodes);
/** Closes both nodes and removes their files. */
void fuzz_nodes_teardown(struct fuzz_nodes *nodes);

#endif
