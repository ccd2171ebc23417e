/* SPDX-License-Identifier: MIT */
/* A thread that calls one function every so many seconds until stopped: the one loop behind
 * `acsa serve --sync-every` and `--convert-every`. Stopping wakes it at once, so a server
 * never waits out an interval to shut down. */
#include "server_int.h"
#include "alloc.h"

#include <errno.h>
#include <pthread.h>
#include <time.h>

struct ticker {
    uint32_t every_s;
    void (*tick)(void *ctx);
    void *ctx;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

static void *run(void *arg)
{
    struct ticker *t = arg;
    pthread_mutex_lock(&t->lock);
    while (!t->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += t->every_s;
        while (!t->stop && pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT) {
        }
        if (t->stop) {
            break;
        }
        pthread_mutex_unlock(&t->lock);
        t->tick(t->ctx);
        pthread_mutex_lock(&t->lock);
    }
    pthread_mutex_unlock(&t->lock);
    return NULL;
}

enum acsa_rc acsa__server_ticker_start(uint32_t every_s, void (*tick)(void *ctx), void *ctx,
                                       const char *what, struct ticker **out,
                                       struct acsa_error *err)
{
    *out = NULL;
    struct ticker *t = acsa_calloc(1, sizeof(*t));
    if (t == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    t->every_s = every_s;
    t->tick = tick;
    t->ctx = ctx;
    pthread_mutex_init(&t->lock, NULL);
    pthread_cond_init(&t->wake, NULL);
    if (pthread_create(&t->thread, NULL, run, t) != 0) {
        pthread_mutex_destroy(&t->lock);
        pthread_cond_destroy(&t->wake);
        acsa_free(t);
        return acsa_error_set(err, ACSA_ESTORAGE, "", "cannot start the %s thread", what);
    }
    *out = t;
    return ACSA_OK;
}

void acsa__server_ticker_stop(struct ticker *t)
{
    if (t == NULL) {
        return;
    }
    pthread_mutex_lock(&t->lock);
    t->stop = true;
    pthread_cond_signal(&t->wake);
    pthread_mutex_unlock(&t->lock);
    pthread_join(t->thread, NULL);
    pthread_mutex_destroy(&t->lock);
    pthread_cond_destroy(&t->wake);
    acsa_free(t);
}
