/* SPDX-License-Identifier: MIT */
/* acsa serve: the HTTP API and web UI on this node's database, until SIGTERM or SIGINT; and
 * the hidden verb acsa routes, which prints the routes the server answers. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"


/* "ADDR:PORT" or "[IPv6]:PORT" into config. */
static int parse_listen(struct cli *cli, const char *text, struct acsa_server_config *config)
{
    const char *colon = strrchr(text, ':');
    const char *address = text;
    size_t length = colon != NULL ? (size_t)(colon - text) : 0;
    if (length >= 2 && text[0] == '[' && text[length - 1] == ']') {
        address = text + 1;
        length -= 2;
    }
    char *end = NULL;
    errno = 0;
    long port = colon != NULL ? strtol(colon + 1, &end, 10) : -1;
    if (colon == NULL || length == 0 || length >= sizeof(config->address) || colon[1] == '\0' ||
        errno != 0 || *end != '\0' || port < 0 || port > 65535) {
        return cli_usage(cli, "--listen: \"%.60s\" is not ADDRESS:PORT (e.g. 127.0.0.1:8080)",
                         text);
    }
    memcpy(config->address, address, length);
    config->address[length] = '\0';
    if (strcmp(config->address, "localhost") == 0) {
        snprintf(config->address, sizeof(config->address), "127.0.0.1");
    }
    config->port = (uint16_t)port;
    return CLI_CONTINUE;
}

static int check_config(struct cli *cli, const struct cli_option *options, int64_t threads,
                        int64_t queue)
{
    if (options[1].seen != options[2].seen) {
        return cli_usage(cli, "--tls-cert and --tls-key go together");
    }
    if (threads > ACSA_SERVER_THREADS_MAX) {
        return cli_usage(cli, "--threads: at most %d", ACSA_SERVER_THREADS_MAX);
    }
    if (queue > ACSA_SERVER_QUEUE_MAX) {
        return cli_usage(cli, "--queue: at most %d", ACSA_SERVER_QUEUE_MAX);
    }
    return CLI_CONTINUE;
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
    struct acsa_server_config config;
    memset(&config, 0, sizeof(config));
    char listen[CLI_LISTEN_SIZE] = "127.0.0.1:8080";
    int64_t threads = 4;
    int64_t queue = 4096;
    int64_t sync_every = 0;
    int64_t convert_every = 86400;
    struct cli_option options[] = {
        CLI_OPT("listen", CLI_TEXT, false, listen, sizeof(listen), "ADDR:PORT",
                "address and port (default 127.0.0.1:8080; port 0 picks a free one)"),
        CLI_OPT("tls-cert", CLI_PATH, false, &config.tls_cert_path, 0, "FILE",
                "serve HTTPS with this PEM certificate (with --tls-key)"),
        CLI_OPT("tls-key", CLI_PATH, false, &config.tls_key_path, 0, "FILE",
                "the certificate's PEM private key"),
        CLI_OPT("threads", CLI_ID, false, &threads, 0, "N", "HTTP threads (default 4)"),
        CLI_OPT("queue", CLI_ID, false, &queue, 0, "N",
                "write jobs that may wait; more get 503 (default 4096)"),
        CLI_OPT("sync-every", CLI_ID, false, &sync_every, 0, "SECONDS",
                "exchange records with every partner node that has a URL this often"),
        CLI_OPT("convert-every", CLI_ID, false, &convert_every, 0, "SECONDS",
                "convert overdue in-kind obligations under the automatic rule this often "
                "(default a day, 86400)"),
    };
    struct cli_command cmd = {"Serves the HTTP API (docs/API.md) and the web UI on the node "
                              "database until SIGTERM or SIGINT; its log on stderr, one JSON "
                              "object per line (the start-up line, each request, each timer run, "
                              "the stop).",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    code = code == CLI_CONTINUE ? parse_listen(cli, listen, &config) : code;
    code = code == CLI_CONTINUE ? check_config(cli, options, threads, queue) : code;
    if (code != CLI_CONTINUE) {
        return code;
    }
    config.db_uri = cli_db_path(cli);
    config.threads = (uint32_t)threads;
    config.queue = (uint32_t)queue;
    if (sync_every > 7 * 86400) {
        return cli_usage(cli, "--sync-every: at most a week (604800 seconds)");
    }
    config.sync_every_s = (uint32_t)sync_every;
    if (convert_every > 7 * 86400) {
        return cli_usage(cli, "--convert-every: at most a week (604800 seconds)");
    }
    config.convert_every_s = (uint32_t)convert_every;
    /* The log says why it stopped, as its last JSON line: nothing else is written. */
    enum acsa_rc rc = acsa_server_run(&config, stderr, &cli->err);
    return rc == ACSA_OK ? CLI_EXIT_OK : acsa_rc_exit_code(rc);
}

int cmd_routes(struct cli *cli, int argc, char **argv)
{
    struct cli_command cmd = {"Prints the routes acsa serve answers, METHOD PATTERN per line.",
                              NULL, 0, NULL, false, NULL, 0};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    acsa_server_routes_print(stdout);
    return CLI_EXIT_OK;
}
