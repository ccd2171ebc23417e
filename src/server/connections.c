/* SPDX-License-Identifier: MIT */
/* What one connection may hold, and for how long. libmicrohttpd's own timeout is an idle one
 * that every byte resets, so a client sending a header line every few seconds would keep its
 * connection for ever: here each connection carries an absolute deadline for the phase it is
 * in (its request line and headers, then its body), and the main thread's sweep shuts the
 * socket of any connection past it, which libmicrohttpd then closes as it would a client that
 * went away. Bodies larger than SERVER_BODY_MAX (partner batches) draw on a fixed number of
 * slots, so that what the server holds for bodies is bounded whatever arrives. */
#include "connections.h"
#include "alloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

struct conn {
    struct conn *prev;            /* In conns->head, under conns->lock. */
    struct conn *next;
    int fd;
    bool cut;                     /* Shut by the sweep already; under conns->lock. */
    _Atomic int64_t deadline_us;  /* Monotonic; 0: none (the request is being handled). */
};

struct conns {
    pthread_mutex_t lock;         /* Guards the list and each conn's cut. */
    struct conn *head;
    atomic_uint large_bodies;     /* Slots taken. */
};

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

enum acsa_rc acsa__server_conns_start(struct conns **out, struct acsa_error *err)
{
    struct conns *conns = acsa_calloc(1, sizeof(*conns));
    if (conns == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, NULL, "out of memory");
    }
    pthread_mutex_init(&conns->lock, NULL);
    atomic_init(&conns->large_bodies, 0u);
    *out = conns;
    return ACSA_OK;
}

void acsa__server_conns_stop(struct conns *conns)
{
    if (conns == NULL) {
        return;
    }
    /* The daemon has stopped and told of every connection it closed; none should be left. */
    while (conns->head != NULL) {
        struct conn *next = conns->head->next;
        acsa_free(conns->head);
        conns->head = next;
    }
    pthread_mutex_destroy(&conns->lock);
    acsa_free(conns);
}

void acsa__server_conns_notify(void *cls, struct MHD_Connection *connection, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    struct conns *conns = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        struct conn *conn = acsa_calloc(1, sizeof(*conn));
        if (conn == NULL || info == NULL) {
            /* A connection without a deadline is not served: the client sees it closed. */
            acsa_free(conn);
            if (info != NULL) {
                shutdown(info->connect_fd, SHUT_RDWR);
            }
            *socket_context = NULL;
            return;
        }
        conn->fd = info->connect_fd;
        atomic_init(&conn->deadline_us, now_us() + (int64_t)SERVER_HEADER_DEADLINE_S * 1000000);
        pthread_mutex_lock(&conns->lock);
        conn->next = conns->head;
        if (conns->head != NULL) {
            conns->head->prev = conn;
        }
        conns->head = conn;
        pthread_mutex_unlock(&conns->lock);
        *socket_context = conn;
        return;
    }
    struct conn *conn = *socket_context;
    if (conn == NULL) {
        return;
    }
    /* libmicrohttpd tells of a closed connection before it closes the socket, so the sweep,
     * which shuts sockets under the same lock, never touches a descriptor reused since. */
    pthread_mutex_lock(&conns->lock);
    if (conn->prev != NULL) {
        conn->prev->next = conn->next;
    } else {
        conns->head = conn->next;
    }
    if (conn->next != NULL) {
        conn->next->prev = conn->prev;
    }
    pthread_mutex_unlock(&conns->lock);
    *socket_context = NULL;
    acsa_free(conn);
}

struct conn *acsa__server_conn_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info != NULL ? info->socket_context : NULL;
}

void acsa__server_conn_phase(struct conn *conn, enum acsa__server_conn_phase phase)
{
    if (conn == NULL) {
        return;
    }
    static const uint32_t seconds[] = {
        [CONN_HEADERS] = SERVER_HEADER_DEADLINE_S,
        [CONN_BODY] = SERVER_BODY_DEADLINE_S,
        [CONN_LARGE_BODY] = SERVER_LARGE_BODY_DEADLINE_S,
        [CONN_HANDLING] = 0,
    };
    ACSA_ASSERT((unsigned)phase < sizeof(seconds) / sizeof(seconds[0]));
    int64_t deadline = 0;
    if (phase == CONN_LARGE_BODY) {
        /* Longer than the body's own deadline, counted from when that began. */
        int64_t body = atomic_load(&conn->deadline_us);
        deadline = body + (int64_t)(seconds[phase] - SERVER_BODY_DEADLINE_S) * 1000000;
    } else if (seconds[phase] != 0) {
        deadline = now_us() + (int64_t)seconds[phase] * 1000000;
    }
    atomic_store(&conn->deadline_us, deadline);
}

bool acsa__server_conn_expired(struct conn *conn)
{
    if (conn == NULL) {
        return false;
    }
    int64_t deadline = atomic_load(&conn->deadline_us);
    return deadline != 0 && now_us() > deadline;
}

void acsa__server_conns_sweep(struct conns *conns)
{
    int64_t now = now_us();
    pthread_mutex_lock(&conns->lock);
    for (struct conn *conn = conns->head; conn != NULL; conn = conn->next) {
        int64_t deadline = atomic_load(&conn->deadline_us);
        if (!conn->cut && deadline != 0 && now > deadline) {
            shutdown(conn->fd, SHUT_RDWR);
            conn->cut = true;
        }
    }
    pthread_mutex_unlock(&conns->lock);
}

bool acsa__server_conns_large_body_take(struct conns *conns)
{
    unsigned taken = atomic_load(&conns->large_bodies);
    do {
        if (taken >= SERVER_LARGE_BODIES_MAX) {
            return false;
        }
    } while (!atomic_compare_exchange_weak(&conns->large_bodies, &taken, taken + 1));
    return true;
}

void acsa__server_conns_large_body_give(struct conns *conns)
{
    unsigned before = atomic_fetch_sub(&conns->large_bodies, 1u);
    ACSA_ASSERT(before > 0);
}

unsigned acsa__server_conns_limit(uint32_t threads, FILE *log)
{
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) != 0) {
        return SERVER_CONNECTIONS_MIN;
    }
    /* More connections fit once the soft limit on open files is raised to the hard one. */
    if (files.rlim_cur < files.rlim_max) {
        struct rlimit raised = {files.rlim_max, files.rlim_max};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            files = raised;
        }
    }
    rlim_t reserved = SERVER_FILES_RESERVED + (rlim_t)SERVER_FILES_PER_THREAD * (threads + 1);
    rlim_t room = files.rlim_cur > reserved ? files.rlim_cur - reserved : 0;
    if (room >= SERVER_CONNECTIONS_MAX) {
        return SERVER_CONNECTIONS_MAX;
    }
    unsigned limit = room > SERVER_CONNECTIONS_MIN ? (unsigned)room : SERVER_CONNECTIONS_MIN;
    acsa__server_log(log, "warning", "limits",
                     json_pack("{s:I, s:I, s:s}", "connections_max", (json_int_t)limit,
                               "open_files_max", (json_int_t)files.rlim_cur, "message",
                               "open files are limited (ulimit -n): fewer connections are "
                               "taken"));
    return limit;
}
