/* SPDX-License-Identifier: MIT */
/* POST /api/session: sign-in off the writer thread. The HTTP thread checks the throttle
 * (throttle.h: 429 with Retry-After), reads the user on its read connection and hands the
 * password check (Argon2id, about 60 ms of one core) to a small pool of hashing threads,
 * its connection suspended; a full pool answers 503 at once. A hashing thread answers a
 * failure itself (401, nothing written) or, for the right password of an enabled user,
 * queues the session's write on the writer, which then holds the database's write lock for
 * an insert only. Failures are counted in memory; one audit record summarises them per
 * interval (ACSA_THROTTLE_SUMMARY_MS), written by the writer with the failure that finds it
 * due. */
#include "server_int.h"
#include "throttle.h"
#include "alloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define COOKIE_ATTRIBUTES "HttpOnly; SameSite=Strict; Path=/"
#define WRONG_LOGIN "username or password is wrong"

/* Password checks running at once, at most (one per two cores, at least one), and sign-ins
 * waiting for one: past that, 503 at once. */
/* The hashing threads run this much nicer than the server, so that on a busy machine the
 * threads that answer requests and write (the writer's commits) come first. */
#define SIGNIN_HASHER_NICE 10

struct signin_args {
    char username[ACSA_USERNAME_SIZE];
    char password[ACSA_PASSWORD_MAX + 1];
    char address[SERVER_SIGNIN_ADDRESS_SIZE];     /* The client's address (IPv6: its /64). */
    char hash[ACSA_PASSWORD_HASH_SIZE];    /* The user's, or "" for no such user. */
    struct acsa_user user;
    struct acsa_throttle_summary summary;  /* For the summary's audit record. */
};

/* The pool: a ring of suspended sign-ins and the threads that check them. Started on first
 * use and kept for the life of the process. */
static struct {
    pthread_once_t once;
    pthread_mutex_t lock;
    pthread_cond_t work;
    struct request *ring[SERVER_SIGNIN_QUEUE_MAX];
    pthread_cond_t idle;          /* Signalled when a check ends. */
    uint32_t head;
    uint32_t count;
    uint32_t busy;                /* Checks running. */
    bool started;
    bool closed;                  /* The server stops: no more sign-ins are taken. */
    struct acsa_throttle throttle;
} pool = {.once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER,
          .work = PTHREAD_COND_INITIALIZER, .idle = PTHREAD_COND_INITIALIZER};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Answers -------------------------------------------------------------------------- */

static void answer_wrong(struct request *req)
{
    acsa__server_problem(req, 401, "password", WRONG_LOGIN);
}

static void answer_busy(struct request *req)
{
    acsa__server_problem(req, 503, NULL, "too many sign-ins at once; retry shortly");
    acsa__server_response_header(req, "Retry-After", "1");
}

/* The writer's job for a right password: the session. */
static enum acsa_rc session_job(struct acsa_app *app, struct request *req)
{
    struct signin_args *args = req->job_args;
    char session[ACSA_SECRET_TEXT_SIZE];
    char csrf[ACSA_SECRET_TEXT_SIZE];
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_session_open(app, &args->user, (int64_t)time(NULL), session,
                                            csrf, &err);
    if (rc != ACSA_OK) {
        acsa__server_problem_rc(req, rc, &err);
        return rc;
    }
    acsa__server_response_json(
        req, 200, json_pack("{s:o, s:s}", "user", acsa_user_json(&args->user), "csrf_token", csrf));
    acsa__server_response_header(
        req, "Set-Cookie", "acsa_session=%s; " COOKIE_ATTRIBUTES "; Max-Age=%d%s", session,
        ACSA_SESSION_SECONDS, acsa__server_tls(req->server) ? "; Secure" : "");
    acsa__server_response_header(req, "Cache-Control", "no-store");
    sodium_memzero(session, sizeof(session));
    req->user = args->user; /* For the request log. */
    req->signed_in = true;
    return ACSA_OK;
}

/* The writer's job for the failure that found a summary due: its audit record, then the
 * same answer as any failure. */
static enum acsa_rc summary_job(struct acsa_app *app, struct request *req)
{
    struct signin_args *args = req->job_args;
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_audit_signin_failures(app, args->summary.failures,
                                                     args->summary.throttled,
                                                     args->summary.addresses, &err);
    answer_wrong(req);
    return acsa_rc_fatal(rc) ? rc : ACSA_OK;
}

/* ---- The hashing threads -------------------------------------------------------------- */

/* Checks one sign-in; its connection is suspended, and resumed here or by the writer. */
static void check_one(struct request *req)
{
    struct signin_args *args = req->job_args;
    bool ok = acsa_login_allowed(&args->user, acsa_password_check(args->hash, args->password));
    sodium_memzero(args->password, sizeof(args->password));
    sodium_memzero(args->hash, sizeof(args->hash));
    int64_t now = now_ms();
    acsa_throttle_result(&pool.throttle, args->address, args->username,
                         ok ? ACSA_THROTTLE_OK : ACSA_THROTTLE_FAILED, now);
    if (ok) {
        req->job = session_job;
    } else if (acsa_throttle_summary_due(&pool.throttle, now, &args->summary)) {
        req->job = summary_job;
    } else {
        answer_wrong(req);
        MHD_resume_connection(req->connection);
        return;
    }
    if (!acsa__server_writer_enqueue_suspended(acsa__server_writer(req), req)) {
        if (ok) {
            answer_busy(req);
        } else {
            answer_wrong(req); /* The summary waits for the next failure. */
        }
        MHD_resume_connection(req->connection);
    }
}

static void *hasher_main(void *arg)
{
    (void)arg;
    /* Linux: a thread's nice value is its own. Failing that, it runs at the server's. */
    id_t thread = (id_t)syscall(SYS_gettid);
    errno = 0;
    int nice_now = getpriority(PRIO_PROCESS, thread);
    if (errno == 0) {
        (void)setpriority(PRIO_PROCESS, thread, nice_now + SIGNIN_HASHER_NICE);
    }
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (pool.count == 0) {
            pthread_cond_wait(&pool.work, &pool.lock);
        }
        struct request *req = pool.ring[pool.head];
        pool.head = (pool.head + 1) % SERVER_SIGNIN_QUEUE_MAX;
        pool.count--;
        pool.busy++;
        pthread_mutex_unlock(&pool.lock);
        check_one(req);
        pthread_mutex_lock(&pool.lock);
        pool.busy--;
        pthread_cond_broadcast(&pool.idle);
    }
    return NULL;
}

static void pool_start(void)
{
    acsa_throttle_init(&pool.throttle, now_ms());
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    uint32_t threads = cores > 1 ? (uint32_t)(cores / 2) : 1u;
    threads = threads > SERVER_SIGNIN_HASHERS_MAX ? SERVER_SIGNIN_HASHERS_MAX : threads;
    uint32_t started = 0;
    for (uint32_t i = 0; i < threads; i++) {
        pthread_t thread;
        if (pthread_create(&thread, NULL, hasher_main, NULL) == 0) {
            pthread_detach(thread);
            started++;
        }
    }
    pool.started = started > 0; /* Else every sign-in is answered 503. */
}

/* Suspends req and queues it for a hashing thread; false (nothing queued) if the pool is
 * full. */
static bool pool_queue(struct request *req)
{
    pthread_mutex_lock(&pool.lock);
    if (!pool.started || pool.closed || pool.count == SERVER_SIGNIN_QUEUE_MAX) {
        pthread_mutex_unlock(&pool.lock);
        return false;
    }
    /* Suspended before it is queued, so that no thread can resume it first. */
    MHD_suspend_connection(req->connection);
    req->suspended = true;
    pool.ring[(pool.head + pool.count) % SERVER_SIGNIN_QUEUE_MAX] = req;
    pool.count++;
    pthread_cond_signal(&pool.work);
    pthread_mutex_unlock(&pool.lock);
    return true;
}

void acsa__server_signin_close(void)
{
    pthread_mutex_lock(&pool.lock);
    pool.closed = true;
    while (pool.count > 0) {
        struct request *req = pool.ring[pool.head];
        pool.head = (pool.head + 1) % SERVER_SIGNIN_QUEUE_MAX;
        pool.count--;
        struct signin_args *args = req->job_args;
        sodium_memzero(args->password, sizeof(args->password));
        acsa_throttle_result(&pool.throttle, args->address, args->username,
                             ACSA_THROTTLE_UNTRIED, now_ms());
        answer_busy(req);
        MHD_resume_connection(req->connection);
    }
    while (pool.busy > 0) {
        pthread_cond_wait(&pool.idle, &pool.lock);
    }
    pthread_mutex_unlock(&pool.lock);
}

/* ---- The route ------------------------------------------------------------------------ */

/* The client's address as the throttle keys it: IPv4 as is, IPv6 by its /64 (one host
 * commonly holds a whole /64). */
static void client_address(struct request *req, char out[SERVER_SIGNIN_ADDRESS_SIZE])
{
    snprintf(out, SERVER_SIGNIN_ADDRESS_SIZE, "unknown");
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(
        req->connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) {
        return;
    }
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)(const void *)sa;
        inet_ntop(AF_INET, &v4->sin_addr, out, SERVER_SIGNIN_ADDRESS_SIZE);
    } else if (sa->sa_family == AF_INET6) {
        struct in6_addr a = ((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&a)) {
            inet_ntop(AF_INET, &a.s6_addr[12], out, SERVER_SIGNIN_ADDRESS_SIZE);
            return;
        }
        memset(&a.s6_addr[8], 0, 8);
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, &a, text, sizeof(text));
        snprintf(out, SERVER_SIGNIN_ADDRESS_SIZE, "%s/64", text);
    }
}

void acsa__server_route_session_create(struct request *req)
{
    (void)pthread_once(&pool.once, pool_start);
    struct signin_args *args = acsa_calloc(1, sizeof(*args));
    if (args == NULL) {
        acsa__server_problem(req, 500, NULL, "out of memory");
        return;
    }
    struct json_in_field fields[] = {
        JIN("username", JIN_TEXT, true, args->username, sizeof(args->username)),
        JIN("password", JIN_TEXT, true, args->password, sizeof(args->password)),
    };
    if (!acsa__server_json_in_request(req, fields, sizeof(fields) / sizeof(fields[0]), NULL)) {
        sodium_memzero(args, sizeof(*args));
        acsa_free(args);
        return;
    }
    req->signed_in = false; /* A new sign-in is not made by whoever the cookie names. */
    acsa_free(req->job_args);
    req->job_args = args;   /* Freed with the request. */
    client_address(req, args->address);
    uint32_t retry_s = 0;
    if (!acsa_throttle_admit(&pool.throttle, args->address, args->username, now_ms(),
                             &retry_s)) {
        sodium_memzero(args->password, sizeof(args->password));
        acsa__server_problem(req, 429, "username",
                             "too many failed sign-ins from this address or for "
                             "this user name; retry in %u seconds",
                             retry_s);
        acsa__server_response_header(req, "Retry-After", "%u", retry_s);
        return;
    }
    struct acsa_error err;
    acsa_error_clear(&err);
    enum acsa_rc rc = acsa_app_login_lookup(acsa__server_reader(req), args->username,
                                            &args->user, args->hash, &err);
    if (rc != ACSA_OK || !pool_queue(req)) {
        sodium_memzero(args->password, sizeof(args->password));
        acsa_throttle_result(&pool.throttle, args->address, args->username,
                             ACSA_THROTTLE_UNTRIED, now_ms());
        if (rc != ACSA_OK) {
            acsa__server_problem_rc(req, rc, &err);
        } else {
            answer_busy(req);
        }
    }
}
