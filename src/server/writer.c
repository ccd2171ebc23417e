/* SPDX-License-Identifier: MIT */
/* The one writer: HTTP threads queue write jobs on a bounded ring and suspend their
 * connections; this thread takes up to SERVER_BATCH_MAX jobs, runs each in a savepoint of one
 * write transaction, commits the batch once (one fsync for all) and only then resumes the
 * waiting connections. A full ring answers 503 with Retry-After. */
#include "server_int.h"
#include "alloc.h"

#include <microhttpd.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

struct writer {
    pthread_mutex_t lock;
    pthread_cond_t work;          /* Signalled when a job is queued or the writer must stop. */
    pthread_cond_t idle;          /* Signalled when the ring is empty and no batch runs. */
    struct request **ring;        /* capacity slots; count of them from head are queued. */
    uint32_t capacity;
    uint32_t head;
    uint32_t count;
    bool busy;                    /* A batch is running. */
    bool closed;                  /* No more jobs are taken. */
    bool stopping;                /* The thread ends once the ring is empty. */
    pthread_t thread;
    struct acsa_app *app;         /* The write connection, used by the thread only. */
};

const char *acsa__server_request_audit_action(const struct request *req, char *buf, size_t size)
{
    const char *action = req->route != NULL && req->route->audit != NULL ? req->route->audit
                                                                          : "request";
    if (strcmp(action, "order.step") == 0) {
        snprintf(buf, size, "order.%s", req->params[1]);
    } else {
        snprintf(buf, size, "%s", action);
    }
    return buf;
}

/* Replaces whatever the job answered with a 500 (its batch or savepoint failed). */
static void job_failed(struct request *req, enum acsa_rc rc, const struct acsa_error *err)
{
    acsa__server_response_free(&req->response);
    req->render = NULL;
    acsa__server_problem_rc(req, rc, err);
}

/* Looks for a response stored under the request's key by an earlier job. True if the
 * request has been answered. */
static bool job_replayed(struct acsa_app *app, struct request *req)
{
    int status = 0;
    char *body = NULL;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_idempotency_get(app, req->user.id, req->idempotency_key,
                                               req->request_hash, &status, &body, &err);
    if (rc == ACSA_ENOTFOUND) {
        return false;
    }
    req->render = NULL; /* The job does not run: nothing of it is rendered. */
    if (rc == ACSA_OK) {
        acsa__server_response_replay(req, status, body);
    } else if (rc == ACSA_EREFUSED) {
        acsa__server_problem(req, 422, "Idempotency-Key",
                             "Idempotency-Key: %s was used with another request",
                             req->idempotency_key);
    } else {
        acsa__server_problem_rc(req, rc, &err);
    }
    return true;
}

/* Whether the response carries a secret (Cache-Control: no-store): never kept for a replay,
 * so that the secret is never written to the database. The job stores what a replay may
 * show, if anything. */
static bool response_no_store(const struct response *r)
{
    for (uint32_t i = 0; i < r->header_count; i++) {
        if (strcmp(r->header_names[i], "Cache-Control") == 0 &&
            strstr(r->header_values[i], "no-store") != NULL) {
            return true;
        }
    }
    return false;
}

/* Stores the job's response under its key, inside the job's savepoint. */
static enum acsa_rc job_remember(struct acsa_app *app, struct request *req,
                                 struct acsa_error *err)
{
    if (req->render != NULL) {
        req->render(app, req);
        req->render = NULL;
    }
    const struct response *r = &req->response;
    if (r->status >= 500 || response_no_store(r)) {
        return ACSA_OK;
    }
    char *body = acsa_strndup(r->body != NULL ? r->body : "", r->size);
    if (body == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    enum acsa_rc rc = acsa_app_idempotency_put(app, req->user.id, req->idempotency_key,
                                               req->request_hash, r->status, body, err);
    acsa_free(body);
    return rc;
}

/* Keeps a job's work: remembers a keyed request's answer, then commits the job's level. */
static enum acsa_rc job_keep(struct acsa_app *app, struct request *req, bool keyed,
                             struct acsa_error *err)
{
    if (keyed) {
        ACSA_TRY(job_remember(app, req, err));
    }
    return acsa_app_commit(app, err);
}

static void job_run(struct acsa_app *app, struct request *req)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    acsa_app_set_actor(app, req->signed_in ? req->user.username : "");
    bool keyed = req->signed_in && req->idempotency_key[0] != '\0';
    if (keyed && job_replayed(app, req)) {
        return;
    }
    enum acsa_rc rc = acsa_app_begin(app, &err);
    if (rc != ACSA_OK) {
        job_failed(req, rc, &err);
        return;
    }
    rc = req->job(app, req);
    if (rc != ACSA_OK) {
        req->render = NULL; /* The job answered with its problem. */
    }
    if (acsa_rc_fatal(rc)) {
        acsa_app_rollback(app); /* The job answered with its problem already. */
        return;
    }
    rc = job_keep(app, req, keyed, &err);
    if (rc != ACSA_OK) {
        acsa_app_rollback(app);
        job_failed(req, rc, &err);
    }
}

/* Runs the batch's jobs in one transaction and commits it; each job answers its request. */
static enum acsa_rc batch_commit(struct writer *w, struct request **batch, uint32_t count,
                                 struct acsa_error *err)
{
    ACSA_TRY(acsa_app_begin(w->app, err));
    for (uint32_t i = 0; i < count; i++) {
        job_run(w->app, batch[i]);
    }
    return acsa_app_commit(w->app, err);
}

static void batch_run(struct writer *w, struct request **batch, uint32_t count)
{
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = batch_commit(w, batch, count, &err);
    if (rc != ACSA_OK) {
        acsa_app_rollback(w->app);
        for (uint32_t i = 0; i < count; i++) {
            job_failed(batch[i], rc, &err);
        }
    }
}

static void *writer_main(void *arg)
{
    struct writer *w = arg;
    struct request **batch = acsa_calloc(SERVER_BATCH_MAX, sizeof(*batch));
    void *connections[SERVER_BATCH_MAX];
    if (batch == NULL) {
        abort(); /* Allocated once at start; nothing can be served without it. */
    }
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (w->count == 0 && !w->stopping) {
            pthread_cond_wait(&w->work, &w->lock);
        }
        if (w->count == 0) {
            break;
        }
        uint32_t n = w->count < SERVER_BATCH_MAX ? w->count : SERVER_BATCH_MAX;
        ACSA_ASSERT(n >= 1);
        ACSA_ASSERT(w->count <= w->capacity);
        for (uint32_t i = 0; i < n; i++) {
            batch[i] = w->ring[(w->head + i) % w->capacity];
        }
        w->head = (w->head + n) % w->capacity;
        w->count -= n;
        w->busy = true;
        pthread_mutex_unlock(&w->lock);
        acsa__server_metrics_batch(n);
        batch_run(w, batch, n);
        for (uint32_t i = 0; i < n; i++) {
            if (batch[i]->changes_auth) {
                /* Committed (or not): either way before any answer. */
                acsa__server_http_auth_changed();
                break;
            }
        }
        pthread_mutex_lock(&w->lock);
        for (uint32_t i = 0; i < n; i++) {
            ACSA_ASSERT(batch[i]->job_state == JOB_QUEUED);
            ACSA_ASSERT(batch[i]->response.status != 0); /* Every job answers. */
            connections[i] = batch[i]->connection;
            batch[i]->job_state = JOB_DONE;
            if (batch[i]->ping_abandoned) {
                /* Its waiter gave up (writer_ping): nobody else holds it. */
                acsa__server_response_free(&batch[i]->response);
                acsa_free(batch[i]);
                batch[i] = NULL;
            }
        }
        w->busy = false;
        pthread_cond_broadcast(&w->idle);
        pthread_mutex_unlock(&w->lock);
        /* From here on a request may be answered and freed by its HTTP thread. */
        for (uint32_t i = 0; i < n; i++) {
            if (connections[i] != NULL) { /* NULL: a job of the node itself (writer_run). */
                MHD_resume_connection(connections[i]);
            }
        }
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
    acsa_free(batch);
    return NULL;
}

enum acsa_rc acsa__server_writer_start(const char *db_uri, uint32_t capacity, struct writer **out,
                          struct acsa_error *err)
{
    *out = NULL;
    struct writer *w = acsa_calloc(1, sizeof(*w));
    struct request **ring = acsa_calloc(capacity, sizeof(*ring));
    if (w == NULL || ring == NULL) {
        acsa_free(w);
        acsa_free(ring);
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    w->ring = ring;
    w->capacity = capacity;
    enum acsa_rc rc = acsa_app_open(db_uri, 0, &w->app, err);
    if (rc != ACSA_OK) {
        acsa_free(ring);
        acsa_free(w);
        return rc;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->idle, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        acsa_app_close(w->app);
        acsa_free(ring);
        acsa_free(w);
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "cannot start the writer thread");
    }
    *out = w;
    return ACSA_OK;
}

/* Queues req under the lock, suspending its connection first unless it is suspended already
 * (a sign-in waiting for its password check); false if the queue is full or closed. */
static bool enqueue(struct writer *w, struct request *req, bool suspend)
{
    pthread_mutex_lock(&w->lock);
    if (w->closed || w->count == w->capacity) {
        pthread_mutex_unlock(&w->lock);
        return false;
    }
    ACSA_ASSERT(req->job_state == JOB_NONE);
    ACSA_ASSERT(req->job != NULL);
    ACSA_ASSERT(suspend != req->suspended);
    if (suspend) {
        /* Suspended before it is queued, so the writer cannot resume it first. */
        MHD_suspend_connection(req->connection);
        req->suspended = true;
    }
    w->ring[(w->head + w->count) % w->capacity] = req;
    w->count++;
    req->job_state = JOB_QUEUED;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->lock);
    return true;
}

bool acsa__server_writer_submit(struct writer *w, struct request *req)
{
    return enqueue(w, req, true);
}

bool acsa__server_writer_enqueue_suspended(struct writer *w, struct request *req)
{
    return enqueue(w, req, false);
}

/* What writer_run saw: the job done, refused (the queue closed or full), or given up on at
 * the deadline (the writer frees the request when its batch ends: ping_abandoned). */
enum run_result { RUN_DONE, RUN_REFUSED, RUN_GAVE_UP };

/* Queues a job of the node itself (no connection) and waits for its batch to end, until
 * deadline if one is given (CLOCK_REALTIME, pthread_cond_timedwait's clock). */
static enum run_result writer_run(struct writer *w, struct request *req,
                                  const struct timespec *deadline)
{
    ACSA_ASSERT(req->connection == NULL && req->job != NULL && !req->signed_in);
    pthread_mutex_lock(&w->lock);
    if (w->closed || w->count == w->capacity) {
        pthread_mutex_unlock(&w->lock);
        return RUN_REFUSED;
    }
    ACSA_ASSERT(req->job_state == JOB_NONE);
    w->ring[(w->head + w->count) % w->capacity] = req;
    w->count++;
    req->job_state = JOB_QUEUED;
    pthread_cond_signal(&w->work);
    /* The writer broadcasts idle after each batch, once its jobs are done. */
    int waited = 0;
    while (req->job_state != JOB_DONE && waited != ETIMEDOUT) {
        waited = deadline != NULL ? pthread_cond_timedwait(&w->idle, &w->lock, deadline)
                                  : pthread_cond_wait(&w->idle, &w->lock);
    }
    bool done = req->job_state == JOB_DONE;
    req->ping_abandoned = !done;
    pthread_mutex_unlock(&w->lock);
    return done ? RUN_DONE : RUN_GAVE_UP;
}

/* What writer_call runs and what it answered, filled on the writer thread. */
struct call {
    const char *actor;
    acsa_app_write_fn fn;
    void *arg;
    enum acsa_rc rc;
    struct acsa_error err;
};

static enum acsa_rc call_job(struct acsa_app *app, struct request *req)
{
    struct call *c = req->job_args;
    acsa_app_set_actor(app, c->actor);
    c->rc = c->fn(app, c->arg, &c->err);
    if (c->rc != ACSA_OK) {
        acsa__server_problem_rc(req, c->rc, &c->err);
        return c->rc;
    }
    acsa__server_response_empty(req, 204);
    return ACSA_OK;
}

enum acsa_rc acsa__server_writer_call(struct writer *w, const char *actor, acsa_app_write_fn fn,
                                      void *arg, struct acsa_error *err)
{
    struct request *req = acsa_calloc(1, sizeof(*req));
    struct call *c = acsa_calloc(1, sizeof(*c));
    if (req == NULL || c == NULL) {
        acsa_free(req);
        acsa_free(c);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    *c = (struct call){.actor = actor, .fn = fn, .arg = arg, .rc = ACSA_OK};
    acsa_error_clear(&c->err);
    req->job = call_job;
    req->job_args = c;
    req->route_index = -1;
    enum acsa_rc rc = ACSA_OK;
    if (writer_run(w, req, NULL) != RUN_DONE) {
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "the node's writer is busy or stopping; "
                            "nothing was written");
    } else if (c->rc != ACSA_OK) {
        *err = c->err;
        rc = c->rc;
    } else if (req->response.status >= 400) {
        /* The job did its part, but its savepoint or batch did not commit. */
        rc = acsa_error_set(err, ACSA_ESTORAGE, "", "the write was not committed (HTTP %d)",
                            req->response.status);
    }
    acsa__server_response_free(&req->response);
    acsa_free(c);
    acsa_free(req);
    return rc;
}

static enum acsa_rc ping_job(struct acsa_app *app, struct request *req)
{
    (void)app;
    acsa__server_response_empty(req, 204);
    return ACSA_OK;
}

bool acsa__server_writer_ping(struct writer *w, uint32_t timeout_ms)
{
    struct request *req = acsa_calloc(1, sizeof(*req));
    if (req == NULL) {
        return false;
    }
    req->job = ping_job;
    req->route_index = -1;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline); /* The clock of pthread_cond_timedwait. */
    deadline.tv_sec += (time_t)(timeout_ms / 1000u);
    deadline.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    enum run_result run = writer_run(w, req, &deadline);
    if (run == RUN_GAVE_UP) {
        return false; /* The writer frees it when its batch ends. */
    }
    bool ok = run == RUN_DONE && req->response.status == 204;
    acsa__server_response_free(&req->response);
    acsa_free(req);
    return ok;
}

uint32_t acsa__server_writer_depth(struct writer *w)
{
    pthread_mutex_lock(&w->lock);
    uint32_t depth = w->count;
    pthread_mutex_unlock(&w->lock);
    return depth;
}

void acsa__server_writer_close(struct writer *w)
{
    pthread_mutex_lock(&w->lock);
    w->closed = true;
    while (w->count > 0 || w->busy) {
        pthread_cond_wait(&w->idle, &w->lock);
    }
    pthread_mutex_unlock(&w->lock);
}

void acsa__server_writer_stop(struct writer *w)
{
    pthread_mutex_lock(&w->lock);
    ACSA_ASSERT(w->closed);
    ACSA_ASSERT(w->count == 0);
    w->stopping = true;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    acsa_app_close(w->app);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->idle);
    pthread_mutex_destroy(&w->lock);
    acsa_free(w->ring);
    acsa_free(w);
}

void acsa__server_submit(struct request *req, job_fn job, render_fn render, void *args)
{
    req->job = job;
    req->render = render;
    acsa_free(req->job_args);
    req->job_args = args;
    if (acsa__server_writer_submit(acsa__server_writer(req), req)) {
        return;
    }
    acsa__server_problem(req, 503, NULL, "the write queue is full; retry shortly");
    acsa__server_response_header(req, "Retry-After", "1");
}
