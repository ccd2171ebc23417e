/* SPDX-License-Identifier: MIT */
/* The counting allocator (fault_alloc.h). acsa and jansson get it through acsa_malloc; SQLite
 * gets it through its own memory methods, which need a block's size (xSize), kept in a header
 * in front of each block. The blocks themselves come from the C library, so memory allocated
 * before the install (or by code that bypasses it) may still be freed through it. */
#include "fault_alloc.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

/* SQLite's header: the size, padded so that the block SQLite sees stays 16-byte aligned. */
#define HEADER 16

static unsigned long counted;
static unsigned long target;       /* 0: never fail. */
static bool persistent_failure;
static unsigned long failures;

/* One allocation is asked for: true if it must fail. */
static bool must_fail(void)
{
    counted++;
    if (target != 0 && (counted == target || (persistent_failure && counted > target))) {
        failures++;
        return true;
    }
    return false;
}

static void *counting_malloc(size_t size)
{
    return must_fail() ? NULL : malloc(size);
}

static void *counting_realloc(void *pointer, size_t size)
{
    return must_fail() ? NULL : realloc(pointer, size);
}

static void counting_free(void *pointer)
{
    free(pointer);
}

static const struct acsa_allocator counting = {counting_malloc, counting_realloc, counting_free};

/* ---- SQLite's memory methods ------------------------------------------------------------ */

static void *sqlite_malloc(int size)
{
    if (size <= 0) {
        return NULL;
    }
    unsigned char *block = acsa_malloc((size_t)size + HEADER);
    if (block == NULL) {
        return NULL;
    }
    memcpy(block, &size, sizeof(size));
    return block + HEADER;
}

static void sqlite_free(void *pointer)
{
    if (pointer != NULL) {
        acsa_free((unsigned char *)pointer - HEADER);
    }
}

static void *sqlite_realloc(void *pointer, int size)
{
    if (size <= 0) {
        return NULL;
    }
    unsigned char *block = acsa_realloc((unsigned char *)pointer - HEADER, (size_t)size + HEADER);
    if (block == NULL) {
        return NULL;
    }
    memcpy(block, &size, sizeof(size));
    return block + HEADER;
}

static int sqlite_size(void *pointer)
{
    int size = 0;
    if (pointer != NULL) {
        memcpy(&size, (unsigned char *)pointer - HEADER, sizeof(size));
    }
    return size;
}

static int sqlite_roundup(int size)
{
    return (size + 7) & ~7;
}

static int sqlite_init(void *data)
{
    (void)data;
    return SQLITE_OK;
}

static void sqlite_shutdown(void *data)
{
    (void)data;
}

static const sqlite3_mem_methods sqlite_methods = {
    sqlite_malloc, sqlite_free,    sqlite_realloc, sqlite_size,
    sqlite_roundup, sqlite_init,   sqlite_shutdown, NULL,
};

void fault_alloc_install(void)
{
    acsa_alloc_set(&counting);
    json_set_alloc_funcs(acsa_malloc, acsa_free);
    /* No lookaside: its slots would hide SQLite's small allocations from the counter. */
    if (sqlite3_config(SQLITE_CONFIG_MALLOC, &sqlite_methods) != SQLITE_OK ||
        sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK ||
        sqlite3_initialize() != SQLITE_OK) {
        fprintf(stderr, "fault_alloc: SQLite refused the allocator (initialised already?)\n");
        abort();
    }
}

void fault_alloc_arm(unsigned long n, bool persistent)
{
    counted = 0;
    failures = 0;
    target = n;
    persistent_failure = persistent;
}

void fault_alloc_disarm(void)
{
    target = 0;
}

unsigned long fault_alloc_count(void)
{
    return counted;
}

unsigned long fault_alloc_failures(void)
{
    return failures;
}
