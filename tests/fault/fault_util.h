/* SPDX-License-Identifier: MIT */
/* What the fault programs share: TAP output, node databases made through the app layer (the
 * India-Japan agreement, units, officials, an activity), the steps of a cash order, and the
 * checks run after every fault: integrity, the audit chain, and a digest of every row. */
#ifndef FAULT_UTIL_H
#define FAULT_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"

#define FX_NOW 1718000000            /* 2024-06-10, the clock of batches. */
#define FX_PATH_SIZE 200
#define FX_WHY_SIZE 512

/* ---- TAP ------------------------------------------------------------------------------ */

void tap_ok(bool ok, const char *format, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *format, ...) __attribute__((format(printf, 1, 2)));
/** Prints the plan; the exit status of the program. */
int tap_done(void);

/* ---- Files ---------------------------------------------------------------------------- */

/** A new directory under /dev/shm (or /tmp) named after the program. */
void fx_tempdir(char out[64], const char *name);
/** Removes a database with its WAL, shared memory and key files. */
void fx_remove_db(const char *path);
/** Copies a cleanly closed database (and its key file) over to. */
void fx_copy_db(const char *from, const char *to);
/** A file of the source tree, NUL-terminated, malloc'd; aborts if missing. */
char *fx_source(const char *relative, size_t *out_size);

/* ---- Nodes and orders ----------------------------------------------------------------- */

struct fx_ids {
    int64_t navy;                    /* Unit Indian Navy (IN). */
    int64_t jmsdf;                   /* Unit JMSDF (JP). */
    int64_t activity;                /* JIMEX 2024. */
};

/** A new node database for nation with the India-Japan agreement and an official of each
 * party; on "IN" also the units and the activity. Aborts on any failure (no faults armed). */
void fx_make_node(const char *path, const char *nation, struct fx_ids *ids);
int32_t fx_day(const char *text);
/** A cash order of India on Japan: 10 x 1000 JPY of fuel, 4 x 2500 JPY of food. */
struct acsa_order_draft fx_draft(const struct fx_ids *ids);

struct fx_step {
    enum acsa_step step;
    const char *actor;
    const char *day;
    uint32_t line;
    int64_t qty_milli;
    int64_t amount_minor;
};
/** A cash order's life after create: submit ... close. */
extern const struct fx_step fx_cash_steps[];
extern const size_t fx_cash_step_count;
ACSA_NODISCARD enum acsa_rc fx_create(struct acsa_app *app, const struct fx_ids *ids,
                                      char number[ACSA_NUMBER_SIZE], struct acsa_error *err);
ACSA_NODISCARD enum acsa_rc fx_take(struct acsa_app *app, const char *number,
                                    const struct fx_step *s, struct acsa_error *err);

/** dir/step-K.db for K = 1 .. fx_cash_step_count + 1: the node at from (made by fx_make_node)
 * after create and the first K - 1 steps of the cash order, each command run on a copy opened
 * and closed as the CLI does. Aborts on any failure. */
void fx_make_lifecycle(const char *dir, const char *from, const struct fx_ids *ids);

/** Two linked nodes, India's at in and Japan's at jp, each registered with the other; on
 * India's an order created, submitted and approved (its records not yet sent). */
void fx_make_pair(const char *in, const char *jp);
/** India's bundle file for Japan from fx_make_pair's in: its batch and its snapshot (malloc'd).
 * Aborts on failure. */
uint8_t *fx_export(const char *in, size_t *out_size);

/* ---- Checks --------------------------------------------------------------------------- */

/** Opens path (no fault armed) and checks: integrity_check and foreign_key_check clean, the
 * audit chain verifies. false with why filled otherwise. */
bool fx_check_db(const char *path, char *why, size_t size);
/** A digest of every row of every table; with skip_times the audit's clock and hashes are
 * left out, so that the same commands run at another second give the same digest. */
uint64_t fx_digest(const char *path, bool skip_times);
/** Whether rc is a clean failure: out of memory or a storage error. */
bool fx_clean_failure(enum acsa_rc rc);

#endif
