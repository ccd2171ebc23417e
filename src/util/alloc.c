/* SPDX-License-Identifier: MIT */
/* The replaceable allocator (alloc.h). The default is the C library's. */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_malloc(size_t size)
{
    return malloc(size);
}

static void *libc_realloc(void *pointer, size_t size)
{
    return realloc(pointer, size);
}

static void libc_free(void *pointer)
{
    free(pointer);
}

static const struct acsa_allocator libc_allocator = {libc_malloc, libc_realloc, libc_free};
static const struct acsa_allocator *current = &libc_allocator;
static _Thread_local unsigned long failures;

void acsa_alloc_set(const struct acsa_allocator *allocator)
{
    current = allocator != NULL ? allocator : &libc_allocator;
}

const struct acsa_allocator *acsa_alloc_get(void)
{
    return current;
}

unsigned long acsa_alloc_failures(void)
{
    return failures;
}

void *acsa_malloc(size_t size)
{
    void *pointer = current->malloc(size == 0 ? 1 : size);
    failures += pointer == NULL ? 1 : 0;
    return pointer;
}

void *acsa_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size) {
        return NULL;
    }
    void *pointer = acsa_malloc(count * size);
    if (pointer != NULL) {
        memset(pointer, 0, count * size == 0 ? 1 : count * size);
    }
    return pointer;
}

void *acsa_realloc(void *pointer, size_t size)
{
    void *grown = current->realloc(pointer, size == 0 ? 1 : size);
    failures += grown == NULL ? 1 : 0;
    return grown;
}

void acsa_free(void *pointer)
{
    if (pointer != NULL) {
        current->free(pointer);
    }
}

char *acsa_strdup(const char *text)
{
    return acsa_strndup(text, strlen(text));
}

char *acsa_strndup(const char *text, size_t size)
{
    size_t length = strnlen(text, size);
    char *copy = acsa_malloc(length + 1);
    if (copy != NULL) {
        memcpy(copy, text, length);
        copy[length] = '\0';
    }
    return copy;
}
