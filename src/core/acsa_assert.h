/* SPDX-License-Identifier: MIT */
/* Assertions. ACSA_ASSERT stays on in release builds: it guards money and ledger invariants,
 * where continuing after a broken invariant would corrupt the books. */
#ifndef ACSA_ASSERT_H
#define ACSA_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#define ACSA_ASSERT(cond)                                                                  \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "acsa: assertion failed: %s (%s:%d)\n", #cond, __FILE__,       \
                    __LINE__);                                                             \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#ifdef NDEBUG
#define ACSA_DEBUG_ASSERT(cond) ((void)0)
#else
#define ACSA_DEBUG_ASSERT(cond) ACSA_ASSERT(cond)
#endif

#endif
