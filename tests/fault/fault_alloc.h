/* SPDX-License-Identifier: MIT */
/* An allocator that fails the Nth allocation, installed under acsa_malloc, jansson and SQLite
 * alike, so that one counter covers every heap use of acsa and of the libraries it calls. */
#ifndef FAULT_ALLOC_H
#define FAULT_ALLOC_H

#include <stdbool.h>

/** Routes acsa_malloc, jansson (json_set_alloc_funcs) and SQLite (SQLITE_CONFIG_MALLOC)
 * through the counting allocator. Call first in main: before SQLite initialises and before
 * jansson or acsa allocate anything. Aborts if SQLite refuses the configuration. */
void fault_alloc_install(void);

/** Counts allocations from zero again; the nth allocation from now (1: the next one) fails,
 * and with persistent every one after it too. n 0 only counts. */
void fault_alloc_arm(unsigned long n, bool persistent);
/** Stops failing (counting goes on). */
void fault_alloc_disarm(void);
/** Allocations (malloc and realloc) asked for since the last arm. */
unsigned long fault_alloc_count(void);
/** Allocations made to fail since the last arm. */
unsigned long fault_alloc_failures(void);

#endif
