/* SPDX-License-Identifier: MIT */
/* Power loss, as SQLite's crash tests do it: a write workload of the real application (orders
 * created and taken through their cash lifecycle, each command run as the CLI runs it: open,
 * command, close) with the power failing at the Nth write or sync; the VFS then discards every
 * write not yet synced and the node "reboots" (reopens its database). A command counts as
 * acknowledged once it returned ACSA_OK. After each reboot: every acknowledged step of every
 * order is there (an order may be one step further: the step whose answer the power cut),
 * integrity and foreign keys are clean, the audit chain verifies, and the node takes a new
 * order. Crash points are spread evenly over every write and sync of the workload.
 *
 * Usage: powerloss [--points N] [--control N]
 *   --points N   crash points (default 1000; 0: every write and sync of the workload)
 *   --control N  then N crashes with synchronous = NORMAL, which must lose orders */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault_util.h"
#include "fault_vfs.h"

#define ORDERS 5
#define COMMANDS_PER_ORDER 12          /* create and the 11 steps of fx_cash_steps. */
#define COMMANDS (ORDERS * COMMANDS_PER_ORDER)
#define DEFAULT_POINTS 1000ul

_Static_assert(COMMANDS_PER_ORDER == 12, "create and eleven steps");

struct power {
    char dir[64];
    char base[FX_PATH_SIZE];
    char work[FX_PATH_SIZE];
    struct fx_ids ids;
    unsigned flags;                    /* Store flags: ACSA_STORE_BULK_LOAD for the control run. */
    uint32_t history[COMMANDS];        /* Events of the order after command i (untouched). */
    size_t acked;                      /* Commands acknowledged in this run. */
    unsigned long lost;                /* Acknowledged orders or steps missing, over all. */
    unsigned long discarded;           /* Unsynced writes thrown away, over all. */
};

static void number_of(size_t order, char out[ACSA_NUMBER_SIZE])
{
    snprintf(out, ACSA_NUMBER_SIZE, "IN-JP-2024-%06zu", order + 1);
}

/* Command i of the workload on app, or, with app NULL, as the CLI runs it (open, command,
 * close). */
static enum acsa_rc command(struct power *p, struct acsa_app *app, size_t i,
                            struct acsa_error *err)
{
    struct acsa_app *own = NULL;
    enum acsa_rc rc = app != NULL ? ACSA_OK : acsa_app_open(p->work, p->flags, &own, err);
    app = app != NULL ? app : own;
    char number[ACSA_NUMBER_SIZE];
    number_of(i / COMMANDS_PER_ORDER, number);
    size_t k = i % COMMANDS_PER_ORDER;
    if (rc == ACSA_OK) {
        char made[ACSA_NUMBER_SIZE];
        rc = k == 0 ? fx_create(app, &p->ids, made, err)
                    : fx_take(app, number, &fx_cash_steps[k - 1], err);
        if (rc == ACSA_OK && k == 0 && strcmp(made, number) != 0) {
            rc = acsa_error_set(err, ACSA_EREFUSED, "number", "number %s, not %s", made,
                                number);
        }
    }
    acsa_app_close(own);
    return rc;
}

/* Runs the workload until a command fails (the power loss); false if one failed otherwise.
 * Even orders are made as the CLI makes them, odd ones as a server does, on one handle kept
 * open across their commands (so that their commits are not followed by a checkpoint). */
static bool workload(struct power *p, char *why, size_t size)
{
    p->acked = 0;
    struct acsa_app *held = NULL;
    enum acsa_rc rc = ACSA_OK;
    struct acsa_error err;
    size_t i = 0;
    for (; rc == ACSA_OK && i < COMMANDS; i++) {
        bool server = (i / COMMANDS_PER_ORDER) % 2 == 1;
        if (server && i % COMMANDS_PER_ORDER == 0) {
            rc = acsa_app_open(p->work, p->flags, &held, &err);
        }
        rc = rc == ACSA_OK ? command(p, server ? held : NULL, i, &err) : rc;
        p->acked = rc == ACSA_OK ? i + 1 : p->acked;
        if (server && (rc != ACSA_OK || i % COMMANDS_PER_ORDER == COMMANDS_PER_ORDER - 1)) {
            acsa_app_close(held);
            held = NULL;
        }
    }
    if (rc != ACSA_OK && (!fault_vfs_fired() || rc != ACSA_ESTORAGE)) {
        snprintf(why, size, "command %zu: %s: %s", i - 1, acsa_rc_name(rc), err.message);
        return false;
    }
    return true;
}

/* After the reboot: how many acknowledged steps are missing (an order missing counts its
 * every acknowledged step). */
static unsigned long missing(struct power *p, struct acsa_app *app, struct acsa_order *order)
{
    unsigned long gone = 0;
    for (size_t o = 0; o * COMMANDS_PER_ORDER < p->acked; o++) {
        size_t last = o * COMMANDS_PER_ORDER + COMMANDS_PER_ORDER - 1;
        last = last < p->acked - 1 ? last : p->acked - 1;
        char number[ACSA_NUMBER_SIZE];
        number_of(o, number);
        struct acsa_error err;
        enum acsa_rc rc = acsa_app_order_get(app, number, order, NULL, &err);
        uint32_t held = rc == ACSA_OK ? order->event_count : 0;
        if (held < p->history[last]) {
            tap_diag("order %s: %u events after the reboot, %u acknowledged", number, held,
                     p->history[last]);
            gone++;
        }
    }
    return gone;
}

/* Reopens after the reboot and checks; false with why if the node is damaged. */
static bool after_reboot(struct power *p, char *why, size_t size)
{
    if (!fx_check_db(p->work, why, size)) {
        return false;
    }
    struct acsa_app *app = NULL;
    struct acsa_error err;
    struct acsa_order *order = calloc(1, sizeof(*order));
    enum acsa_rc rc = acsa_app_open(p->work, 0, &app, &err);
    if (rc == ACSA_OK) {
        p->lost += missing(p, app, order);
        char number[ACSA_NUMBER_SIZE];
        rc = fx_create(app, &p->ids, number, &err);
    }
    acsa_app_close(app);
    free(order);
    if (rc != ACSA_OK) {
        snprintf(why, size, "after the reboot, a new order: %s", err.message);
        return false;
    }
    return true;
}

/* One crash at the nth operation of kind op. */
static bool crash_point(struct power *p, enum fault_op op, unsigned long n, char *why,
                        size_t size)
{
    fx_copy_db(p->base, p->work);
    fault_vfs_arm_power_loss(op, n);
    bool ok = workload(p, why, size);
    bool fired = fault_vfs_fired();
    p->discarded += fault_vfs_reboot();
    if (ok && !fired) {
        snprintf(why, size, "the workload ended before the crash point");
        return false;
    }
    return ok && after_reboot(p, why, size);
}

/* The untouched workload: the events of each order after each command, and how many writes
 * and syncs it makes. */
static void reference(struct power *p, unsigned long *writes, unsigned long *syncs)
{
    char why[FX_WHY_SIZE];
    for (int pass = 0; pass < 2; pass++) {
        fx_copy_db(p->base, p->work);
        fault_vfs_arm(pass == 0 ? FAULT_WRITE : FAULT_SYNC, 0, SQLITE_IOERR, false);
        bool ok = workload(p, why, sizeof(why));
        *(pass == 0 ? writes : syncs) = fault_vfs_count();
        fault_vfs_disarm();
        if (!ok || p->acked != COMMANDS) {
            fprintf(stderr, "powerloss: untouched workload failed: %s\n", why);
            abort();
        }
    }
    struct acsa_app *app = NULL;
    struct acsa_error err;
    struct acsa_order *order = calloc(1, sizeof(*order));
    fx_copy_db(p->base, p->work);
    for (size_t i = 0; i < COMMANDS; i++) {
        char number[ACSA_NUMBER_SIZE];
        number_of(i / COMMANDS_PER_ORDER, number);
        if (command(p, NULL, i, &err) != ACSA_OK ||
            acsa_app_open(p->work, 0, &app, &err) != ACSA_OK ||
            acsa_app_order_get(app, number, order, NULL, &err) != ACSA_OK) {
            fprintf(stderr, "powerloss: reference: %s\n", err.message);
            abort();
        }
        p->history[i] = order->event_count;
        acsa_app_close(app);
    }
    free(order);
}

/* Crashes at points spread evenly over the workload's writes and syncs; the number of
 * points that did not reboot whole. */
static unsigned long crashes(struct power *p, unsigned long points, unsigned long *all)
{
    unsigned long writes = 0;
    unsigned long syncs = 0;
    reference(p, &writes, &syncs);
    *all = writes + syncs;
    points = points == 0 || points > *all ? *all : points;
    tap_diag("workload: %d commands, %lu writes, %lu syncs%s", COMMANDS, writes, syncs,
             p->flags != 0 ? " (synchronous = NORMAL)" : "");
    unsigned long broken = 0;
    char why[FX_WHY_SIZE];
    for (unsigned long i = 0; i < points; i++) {
        /* Candidate j of syncs + writes: sync j + 1, then write j - syncs + 1. */
        unsigned long j = (unsigned long)((unsigned long long)i * *all / points);
        enum fault_op op = j < syncs ? FAULT_SYNC : FAULT_WRITE;
        unsigned long n = j < syncs ? j + 1 : j - syncs + 1;
        if (!crash_point(p, op, n, why, sizeof(why))) {
            broken++;
            tap_diag("crash at %s %lu: %s", op == FAULT_SYNC ? "sync" : "write", n, why);
        }
    }
    return broken;
}

static void run(struct power *p, unsigned long points, unsigned long control)
{
    unsigned long all = 0;
    unsigned long broken = crashes(p, points, &all);
    unsigned long tried = points == 0 || points > all ? all : points;
    tap_ok(broken == 0, "%lu power-loss points (of %lu writes and syncs): every one rebooted "
           "whole", tried, all);
    tap_ok(p->lost == 0, "%lu acknowledged orders lost (%lu unsynced writes discarded)",
           p->lost, p->discarded);
    if (control > 0) {
        /* The same crashes without a sync at each commit must lose orders: proof that the
         * test sees a loss when there is one. */
        p->flags = ACSA_STORE_BULK_LOAD;
        p->lost = 0;
        (void)crashes(p, control, &all);
        tap_ok(p->lost > 0, "control: with synchronous = NORMAL, %lu power losses lose %lu "
               "acknowledged orders", control, p->lost);
    }
}

int main(int argc, char **argv)
{
    unsigned long points = DEFAULT_POINTS;
    unsigned long control = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--points") == 0 && i + 1 < argc) {
            points = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--control") == 0 && i + 1 < argc) {
            control = strtoul(argv[++i], NULL, 10);
        } else {
            fprintf(stderr, "usage: powerloss [--points N] [--control N]\n");
            return 2;
        }
    }
    fault_vfs_install();
    setenv("USER", "powerloss", 1);
    struct power *p = calloc(1, sizeof(*p));
    fx_tempdir(p->dir, "powerloss");
    snprintf(p->base, sizeof(p->base), "%s/base.db", p->dir);
    snprintf(p->work, sizeof(p->work), "%s/work.db", p->dir);
    fx_make_node(p->base, "IN", &p->ids);
    run(p, points, control);
    char command[128];
    snprintf(command, sizeof(command), "rm -rf %s", p->dir);
    if (system(command) != 0) {
        tap_diag("could not remove %s", p->dir);
    }
    free(p);
    return tap_done();
}
