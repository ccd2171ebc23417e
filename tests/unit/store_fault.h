/* SPDX-License-Identifier: MIT */
/* A store that forwards every call to an inner store and can fail one of them: the Nth call
 * that returns a result code (counted from when the fault is armed) returns ACSA_ESTORAGE
 * without reaching the inner store, as a backend that lost its connection or its disk would.
 * Calls without a result (rollback, last_event_id) are forwarded always, and counted. The
 * wrapper owns the inner store: closing it closes both. For the store's conformance tests. */
#ifndef ACSA_TEST_STORE_FAULT_H
#define ACSA_TEST_STORE_FAULT_H

#include <stdint.h>

#include "store.h"

struct acsa_store_fault {
    struct acsa_store base;        /* base.vtbl is vtbl below. */
    struct acsa_store_vtbl vtbl;   /* The forwarders; NULL where the inner store has none. */
    struct acsa_store_ledger ledger;     /* vtbl's tables. */
    struct acsa_store_accounts accounts;
    struct acsa_store_sync sync;
    struct acsa_store *inner;      /* The store every call goes to. */
    uint64_t calls;                /* Calls since the wrapper was armed (or made). */
    uint64_t fail_at;              /* The call to fail, from 1; 0: none. */
    uint64_t failed;               /* Calls failed so far. */
    char failed_name[48];          /* The vtbl entry of the last call failed. */
};

/** Wraps inner (taking it over) with no fault armed; NULL, with inner closed, if out of
 * memory. */
struct acsa_store *acsa_store_fault_wrap(struct acsa_store *inner);

/** The wrapper of a store acsa_store_fault_wrap returned. */
struct acsa_store_fault *acsa_store_fault_of(struct acsa_store *store);

/** Restarts the count of calls; the call number fail_at (from 1) will fail, 0 none. */
void acsa_store_fault_arm(struct acsa_store *store, uint64_t fail_at);

/** The number of vtbl entries the wrapper forwards (every function of the interface). */
extern const unsigned acsa_store_fault_forwarded;

#endif
