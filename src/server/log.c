/* SPDX-License-Identifier: MIT */
/* The server's log: one JSON object per line on the log stream (stderr for acsa serve), each
 * with the time ("ts", UTC with milliseconds), a level and an event; the start-up line, the
 * timers' lines and libmicrohttpd's own messages included, so that a log collector parses every
 * line the same way. */
#include "server_int.h"
#include "alloc.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

void acsa__server_log_time(char *buf, size_t size)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    char seconds[32];
    strftime(seconds, sizeof(seconds), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03ldZ", seconds, now.tv_nsec / 1000000);
}

void acsa__server_log(FILE *log, const char *level, const char *event, json_t *fields)
{
    if (log == NULL) {
        json_decref(fields);
        return;
    }
    char ts[40];
    acsa__server_log_time(ts, sizeof(ts));
    json_t *line = json_pack("{s:s, s:s, s:s}", "ts", ts, "level", level, "event", event);
    if (line != NULL && fields != NULL) {
        json_object_update_missing(line, fields);
    }
    json_decref(fields);
    char *text = line != NULL ? json_dumps(line, JSON_COMPACT) : NULL;
    json_decref(line);
    if (text == NULL) {
        /* Still one JSON object: what the line was about, without its fields. */
        fprintf(log, "{\"ts\":\"%s\",\"level\":\"error\",\"event\":\"log\",\"error\":"
                "\"out of memory\"}\n", ts);
    } else {
        fprintf(log, "%s\n", text);
        acsa_free(text);
    }
    fflush(log);
}

void acsa__server_log_text(FILE *log, const char *level, const char *event, const char *format,
                           ...)
{
    char message[ACSA_ERROR_MESSAGE_SIZE];
    va_list args;
    va_start(args, format);
    vsnprintf(message, sizeof(message), format, args);
    va_end(args);
    /* Repaired: a message may quote what a client sent. */
    acsa__server_log(log, level, event, json_pack("{s:o}", "message", acsa_json_string(message)));
}

void acsa__server_log_mhd(void *cls, const char *format, va_list args)
{
    char message[ACSA_ERROR_MESSAGE_SIZE];
    vsnprintf(message, sizeof(message), format, args);
    size_t length = strlen(message);
    while (length > 0 && (message[length - 1] == '\n' || message[length - 1] == '\r')) {
        message[--length] = '\0';
    }
    acsa__server_log(cls, "warning", "http", json_pack("{s:o}", "message",
                                                       acsa_json_string(message)));
}
