/* SPDX-License-Identifier: MIT */
/* The one door to the heap for every layer above the core: acsa_malloc and friends call a
 * replaceable allocator, so that tests can fail the Nth allocation (tests/fault) and check that
 * every failure ends in a clean ACSA_ENOMEM, with no leak and nothing half-written. */
#ifndef ACSA_ALLOC_H
#define ACSA_ALLOC_H

#include <stddef.h>

/* An allocator: malloc, realloc and free semantics of the C library (realloc(NULL, n) is
 * malloc(n); free(NULL) does nothing). */
struct acsa_allocator {
    void *(*malloc)(size_t size);
    void *(*realloc)(void *pointer, size_t size);
    void (*free)(void *pointer);
};

/** Replaces the allocator (NULL: the C library's). Not thread-safe: call it before any thread
 * allocates, and never while memory of the previous allocator is still held by callers that
 * will free it through the new one (the C library's and a wrapper of it may be mixed). */
void acsa_alloc_set(const struct acsa_allocator *allocator);

/** The allocator in force. */
const struct acsa_allocator *acsa_alloc_get(void);

/** How many allocations through acsa_malloc and acsa_realloc have failed on this thread: a
 * library that allocates through them (jansson, see json_set_alloc_funcs) but cannot say why it
 * failed is known to have run out of memory if the count moved. */
unsigned long acsa_alloc_failures(void);

/** Like malloc; NULL when the allocator fails. size 0 allocates 1 byte. */
void *acsa_malloc(size_t size);
/** Like calloc, with overflow of count * size refused (NULL). */
void *acsa_calloc(size_t count, size_t size);
/** Like realloc; on NULL the old block is untouched and still owned by the caller. */
void *acsa_realloc(void *pointer, size_t size);
/** Like free. */
void acsa_free(void *pointer);
/** A copy of text, or NULL. The caller owns it (acsa_free). */
char *acsa_strdup(const char *text);
/** A copy of at most size bytes of text, NUL-terminated, or NULL. */
char *acsa_strndup(const char *text, size_t size);

#endif
