/* SPDX-License-Identifier: MIT */
/* Failed sign-ins, counted in memory: growing delays per (address, user name), per address
 * and per user name, and the counts for one audit summary per interval. Nothing here touches
 * the database, so a flood of bad sign-ins cannot grow it or hold its write lock. Never a
 * lock: every delay is capped, and the per-name delay does not hold back an address that has
 * no failures of its own, so the right user still gets in (docs/ARCHITECTURE.md, Accounts).
 * The table is fixed in size: the oldest entries give way to new ones. Thread-safe. */
#ifndef ACSA_THROTTLE_H
#define ACSA_THROTTLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* Entries per kind (pair, address, name), in sets of ACSA_THROTTLE_WAYS. */
#define ACSA_THROTTLE_ENTRIES 1024
#define ACSA_THROTTLE_WAYS 8
/* An entry with no failure for this long is forgotten. */
#define ACSA_THROTTLE_FORGET_MS (15 * 60 * 1000)
/* Failures let through before a delay, per kind, and the delays: the first is BASE, each
 * further failure doubles it, up to the kind's cap. */
#define ACSA_THROTTLE_PAIR_FREE 3
#define ACSA_THROTTLE_ADDRESS_FREE 10
#define ACSA_THROTTLE_NAME_FREE 10
#define ACSA_THROTTLE_BASE_MS 1000
#define ACSA_THROTTLE_PAIR_CAP_MS 60000
#define ACSA_THROTTLE_ADDRESS_CAP_MS 60000
#define ACSA_THROTTLE_NAME_CAP_MS 30000
/* One audit summary at most per interval, or sooner once this many failures wait. */
#define ACSA_THROTTLE_SUMMARY_MS 60000
#define ACSA_THROTTLE_SUMMARY_FAILURES 1000

_Static_assert(ACSA_THROTTLE_ENTRIES % ACSA_THROTTLE_WAYS == 0, "whole sets");
_Static_assert(ACSA_THROTTLE_PAIR_CAP_MS <= ACSA_THROTTLE_FORGET_MS &&
               ACSA_THROTTLE_ADDRESS_CAP_MS <= ACSA_THROTTLE_FORGET_MS &&
               ACSA_THROTTLE_NAME_CAP_MS <= ACSA_THROTTLE_FORGET_MS,
               "a delay ends before its entry is forgotten");

enum acsa_throttle_kind { ACSA_THROTTLE_PAIR, ACSA_THROTTLE_ADDRESS, ACSA_THROTTLE_NAME,
                          ACSA_THROTTLE_KINDS };

struct acsa_throttle_entry {
    uint64_t key;                /* Keyed hash of the address and/or name; 0: empty. */
    uint32_t failures;           /* Counted since the entry was last forgotten. */
    uint32_t period;             /* Summary period of its last failure (addresses). */
    int64_t last_ms;             /* Last failure. */
    int64_t until_ms;            /* No attempt before this. */
};

/* The counts of one summary. */
struct acsa_throttle_summary {
    uint64_t failures;           /* Sign-ins that failed. */
    uint64_t throttled;          /* Attempts answered "wait" without a password check. */
    uint64_t addresses;          /* Distinct addresses the failures came from. */
};

struct acsa_throttle {
    pthread_mutex_t lock;
    unsigned char key[16];       /* For the keyed hashes: entries cannot be aimed at a set. */
    struct acsa_throttle_entry table[ACSA_THROTTLE_KINDS][ACSA_THROTTLE_ENTRIES];
    struct acsa_throttle_summary pending;
    uint32_t period;
    int64_t period_start_ms;
};

/** Initialises t (which may be static storage) at now_ms (a monotonic clock). */
void acsa_throttle_init(struct acsa_throttle *t, int64_t now_ms);
void acsa_throttle_destroy(struct acsa_throttle *t);

/** Whether an attempt of name from address may go on at now_ms. If it may, it is counted as
 * a failure at once (parallel attempts see it) until acsa_throttle_result says otherwise;
 * if not, *out_retry_s is the wait in whole seconds (at least 1) and it is counted as
 * throttled. */
bool acsa_throttle_admit(struct acsa_throttle *t, const char *address, const char *name,
                         int64_t now_ms, uint32_t *out_retry_s);

enum acsa_throttle_outcome {
    ACSA_THROTTLE_OK,        /* The right password: the pair's failures are forgotten. */
    ACSA_THROTTLE_FAILED,    /* Counted for the summary. */
    ACSA_THROTTLE_UNTRIED,   /* Never checked (the server was busy): as if never admitted. */
};

/** The outcome of an admitted attempt. OK and UNTRIED take back the failure counted at
 * admission. */
void acsa_throttle_result(struct acsa_throttle *t, const char *address, const char *name,
                          enum acsa_throttle_outcome outcome, int64_t now_ms);

/** When a summary is due (failures waiting, and the interval passed or enough failures):
 * true with the counts, which start again from zero. At most one caller gets each. */
bool acsa_throttle_summary_due(struct acsa_throttle *t, int64_t now_ms,
                               struct acsa_throttle_summary *out);

#endif
