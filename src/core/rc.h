/* SPDX-License-Identifier: MIT */
/* Result codes shared by every layer, and the error record that carries the field and the rule
 * a refusal is about. Codes are stable numbers: a retired code is never reused. */
#ifndef ACSA_RC_H
#define ACSA_RC_H

#include <stdbool.h>
#include <stddef.h>

#define ACSA_NODISCARD __attribute__((warn_unused_result))

/* Returns expr's code from the calling function unless it is ACSA_OK. One call per statement,
 * so the line that failed is the line a debugger and a reader see; a function that must undo
 * something on failure uses one exit label instead. */
#define ACSA_TRY(expr)                        \
    do {                                      \
        enum acsa_rc acsa_try_rc_ = (expr);   \
        if (acsa_try_rc_ != ACSA_OK) {        \
            return acsa_try_rc_;              \
        }                                     \
    } while (0)

/* X(name, number, exit_code, text). exit_code is what the CLI exits with. */
#define ACSA_RC_MAP(X)                                                              \
    X(ACSA_OK, 0, 0, "ok")                                                          \
    X(ACSA_EREFUSED, 1, 1, "refused by a rule of the agreement or the order state") \
    X(ACSA_EUSAGE, 2, 2, "invalid input")                                           \
    X(ACSA_ENOTFOUND, 3, 3, "not found")                                            \
    X(ACSA_ESTORAGE, 4, 4, "storage error")                                         \
    X(ACSA_ENOMEM, 5, 4, "out of memory")                                           \
    X(ACSA_EEXISTS, 6, 1, "already exists")                                          \
    X(ACSA_ETHROTTLED, 7, 1, "too many attempts")                                   \
    X(ACSA_EFORBIDDEN, 8, 1, "not allowed for this user")                           \
    X(ACSA_ECONFLICT, 9, 1, "changed by someone else")                             \
    X(ACSA_ENETWORK, 10, 5, "the partner node could not be reached")                \
    X(ACSA_ELIMIT, 11, 1, "beyond a limit of acsa")                                 \
    X(ACSA_ESTOP, 12, 4, "a scan was stopped by its reader")                        \
    X(ACSA_EUNAVAILABLE, 13, 4, "the database cannot be reached")

enum acsa_rc {
#define ACSA_RC_ENUM(name, number, exit_code, text) name = number,
    ACSA_RC_MAP(ACSA_RC_ENUM)
#undef ACSA_RC_ENUM
};

/* Sizes of the text fields of an error. */
#define ACSA_ERROR_FIELD_SIZE 64
#define ACSA_ERROR_MESSAGE_SIZE 384

/* A refusal: which field, and the whole message naming the field and the rule.
 * message is complete on its own (it already contains field), e.g.
 * `line 2: category "ammunition" is excluded by agreement IN-JP-2020`. */
struct acsa_error {
    enum acsa_rc rc;                            /* Same as the returned code. */
    char field[ACSA_ERROR_FIELD_SIZE];          /* The input field, e.g. "line 2.category". */
    char message[ACSA_ERROR_MESSAGE_SIZE];      /* Human-readable, names field and rule. */
};

/** The constant name of rc, e.g. "ACSA_EREFUSED". */
const char *acsa_rc_name(enum acsa_rc rc);
/** A short description of rc. */
const char *acsa_rc_text(enum acsa_rc rc);
/** The process exit code for rc (0 ok, 1 refused, 2 usage, 3 not found, 4 storage).
 * ACSA_ELIMIT is what acsa itself cannot hold (an order's lines, events or invoices, a
 * snapshot's orders, an official's grants): not a rule of the agreement, nor memory, nor
 * storage. ACSA_ESTOP is returned by a row callback to end a scan early (a page is full);
 * the caller that asked for it takes it as done, so it never reaches a user.
 * ACSA_EUNAVAILABLE is a database server that does not answer (down, restarting, failing
 * over): nothing was written, and the same command may be tried again. */
int acsa_rc_exit_code(enum acsa_rc rc);

/** Whether rc ends a command whatever it was doing: storage failed (ACSA_ESTORAGE), memory ran
 * out (ACSA_ENOMEM) or the database does not answer (ACSA_EUNAVAILABLE). Every other code is
 * an answer about the input, which a sync may quarantine and a batch may go on after. */
bool acsa_rc_fatal(enum acsa_rc rc);

/** Clears err to ACSA_OK with empty texts. err may be NULL. */
void acsa_error_clear(struct acsa_error *err);

/** Fills err (if not NULL) with rc, field and a printf-style message; returns rc so callers can
 * write `return acsa_error_set(err, ACSA_EREFUSED, "qty", "...")`. */
enum acsa_rc acsa_error_set(struct acsa_error *err, enum acsa_rc rc, const char *field,
                            const char *format, ...) __attribute__((format(printf, 4, 5)));

#endif
