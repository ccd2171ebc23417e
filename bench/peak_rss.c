/* SPDX-License-Identifier: MIT */
/* Runs a command and reports its wall time, CPU time and peak resident set size: `peak_rss CMD
 * ARGS...` passes the command's output through and prints "wall_s=S cpu_s=C peak_rss_kb=K" on
 * stderr last, so the benchmark scripts measure acsa and the sqlite3 shell the same way. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: peak_rss COMMAND [ARGS...]\n");
        return 2;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "peak_rss: fork: %s\n", strerror(errno));
        return 125;
    }
    if (pid == 0) {
        execvp(argv[1], &argv[1]);
        fprintf(stderr, "peak_rss: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage usage;
    memset(&usage, 0, sizeof(usage));
    pid_t done = -1;
    do {
        done = wait4(pid, &status, 0, &usage);
    } while (done < 0 && errno == EINTR);
    double wall = seconds_since(&start);
    if (done < 0) {
        fprintf(stderr, "peak_rss: wait4: %s\n", strerror(errno));
        return 125;
    }
    double cpu = (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    /* On Linux ru_maxrss is in kilobytes. */
    fprintf(stderr, "wall_s=%.6f cpu_s=%.6f peak_rss_kb=%ld\n", wall, cpu, usage.ru_maxrss);
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
