/* SPDX-License-Identifier: MIT */
/* acsa serve: the HTTP API and web UI on this node's database, until SIGTERM or SIGINT; and
 * the hidden verb acsa routes, which prints the routes the server answers. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

/* Returns the parser's exit code unless it says go on. */
#define ACSA_TRY_CLI(expr)                 \
    do {                                   \
        int try_code_ = (expr);            \
        if (try_code_ != CLI_CONTINUE) {   \
            return try_code_;              \
        }                                  \
    } while (0)


/* The options of acsa serve, by their index in its table. */
enum { OPT_LISTEN, OPT_TLS_CERT, OPT_TLS_KEY, OPT_THREADS, OPT_QUEUE, OPT_SYNC_EVERY,
       OPT_CONVERT_EVERY, OPT_CONFIG, OPT_NO_CONFIG, OPT_CHECK_CONFIG, OPT_COUNT };

/* "ADDR:PORT" or "[IPv6]:PORT" into config; name is how messages name the option. */
static int parse_listen(struct cli *cli, const char *name, const char *text,
                        struct acsa_server_config *config)
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
        return cli_usage(cli, "%s: \"%.60s\" is not ADDRESS:PORT (e.g. 127.0.0.1:8080)", name,
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

/* The values' ranges, each refusal naming where the value came from. */
struct serve_values {
    char listen[CLI_LISTEN_SIZE];
    int64_t threads;
    int64_t queue;
    int64_t sync_every;
    int64_t convert_every;
};

static int check_values(struct cli *cli, const struct cli_command *cmd,
                        const struct cli_config *file, const struct serve_values *values,
                        struct acsa_server_config *config)
{
    char name[CLI_LISTEN_SIZE + 512];
    if (cmd->options[OPT_TLS_CERT].seen != cmd->options[OPT_TLS_KEY].seen) {
        size_t given = cmd->options[OPT_TLS_CERT].seen ? OPT_TLS_CERT : OPT_TLS_KEY;
        return cli_usage(cli, "%s: --tls-cert and --tls-key go together",
                         cli_config_name(file, cmd, given, name, sizeof(name)));
    }
    ACSA_TRY_CLI(parse_listen(cli, cli_config_name(file, cmd, OPT_LISTEN, name, sizeof(name)),
                              values->listen, config));
    const struct {
        size_t option;
        int64_t value;
        int64_t max;
        const char *what;    /* Before the number: "a week (" for a week in seconds. */
    } ranges[] = {
        {OPT_THREADS, values->threads, ACSA_SERVER_THREADS_MAX, ""},
        {OPT_QUEUE, values->queue, ACSA_SERVER_QUEUE_MAX, ""},
        {OPT_SYNC_EVERY, values->sync_every, 7 * 86400, "a week ("},
        {OPT_CONVERT_EVERY, values->convert_every, 7 * 86400, "a week ("},
    };
    for (size_t i = 0; i < CLI_LEN(ranges); i++) {
        if (ranges[i].value > ranges[i].max) {
            bool week = ranges[i].what[0] != '\0';
            return cli_usage(cli, "%s: at most %s%lld%s",
                             cli_config_name(file, cmd, ranges[i].option, name, sizeof(name)),
                             ranges[i].what, (long long)ranges[i].max, week ? " seconds)" : "");
        }
    }
    config->threads = (uint32_t)values->threads;
    config->queue = (uint32_t)values->queue;
    config->sync_every_s = (uint32_t)values->sync_every;
    config->convert_every_s = (uint32_t)values->convert_every;
    return CLI_CONTINUE;
}

/* The command line, then the configuration file, then the checks of every value. */
static int serve_options(struct cli *cli, struct cli_command *cmd, struct cli_config *file,
                         struct serve_values *values, struct acsa_server_config *config,
                         int argc, char **argv)
{
    ACSA_TRY_CLI(cli_parse(cli, cmd, argc, argv));
    const char *path = *(const char **)cmd->options[OPT_CONFIG].target;
    bool none = *(bool *)cmd->options[OPT_NO_CONFIG].target;
    if (none && path != NULL) {
        return cli_usage(cli, "--config and --no-config: choose one");
    }
    if (!none) {
        ACSA_TRY_CLI(cli_config_load(cli, cmd, path != NULL ? path : CLI_CONFIG_DEFAULT,
                                     path != NULL, file));
    }
    return check_values(cli, cmd, file, values, config);
}

int cmd_serve(struct cli *cli, int argc, char **argv)
{
    struct acsa_server_config config;
    memset(&config, 0, sizeof(config));
    struct serve_values values = {"127.0.0.1:8080", 4, 4096, 0, 86400};
    const char *config_path = NULL;
    bool no_config = false;
    bool check_only = false;
    struct cli_option options[] = {
        [OPT_LISTEN] = CLI_OPT("listen", CLI_TEXT, false, values.listen, sizeof(values.listen),
                               "ADDR:PORT",
                               "address and port (default 127.0.0.1:8080; port 0 picks a free "
                               "one)"),
        [OPT_TLS_CERT] = CLI_OPT("tls-cert", CLI_PATH, false, &config.tls_cert_path, 0, "FILE",
                                 "serve HTTPS with this PEM certificate (with --tls-key)"),
        [OPT_TLS_KEY] = CLI_OPT("tls-key", CLI_PATH, false, &config.tls_key_path, 0, "FILE",
                                "the certificate's PEM private key"),
        [OPT_THREADS] = CLI_OPT("threads", CLI_ID, false, &values.threads, 0, "N",
                                "HTTP threads (default 4)"),
        [OPT_QUEUE] = CLI_OPT("queue", CLI_ID, false, &values.queue, 0, "N",
                              "write jobs that may wait; more get 503 (default 4096)"),
        [OPT_SYNC_EVERY] = CLI_OPT("sync-every", CLI_ID, false, &values.sync_every, 0,
                                   "SECONDS",
                                   "exchange records with every partner node that has a URL "
                                   "this often"),
        [OPT_CONVERT_EVERY] = CLI_OPT("convert-every", CLI_ID, false, &values.convert_every, 0,
                                      "SECONDS",
                                      "convert overdue in-kind obligations under the automatic "
                                      "rule this often (default a day, 86400)"),
        [OPT_CONFIG] = CLI_OPT("config", CLI_PATH, false, &config_path, 0, "FILE",
                               "read options from FILE (default " CLI_CONFIG_DEFAULT
                               ", read when it exists); options given here win"),
        [OPT_NO_CONFIG] = CLI_OPT("no-config", CLI_FLAG, false, &no_config, 0, NULL,
                                  "read no configuration file"),
        [OPT_CHECK_CONFIG] = CLI_OPT("check-config", CLI_FLAG, false, &check_only, 0, NULL,
                                     "check the options and the configuration file, then exit"),
    };
    _Static_assert(CLI_LEN(options) == OPT_COUNT, "one entry per option");
    struct cli_command cmd = {"Serves the HTTP API (docs/API.md) and the web UI on the node "
                              "database until SIGTERM or SIGINT; its log on stderr, one JSON "
                              "object per line (the start-up line, each request, each timer run, "
                              "the stop).",
                              NULL, 0, NULL, false, options, CLI_LEN(options)};
    struct cli_config file;
    memset(&file, 0, sizeof(file));
    int code = serve_options(cli, &cmd, &file, &values, &config, argc, argv);
    if (code != CLI_CONTINUE || check_only) {
        cli_config_free(&file);
        if (code == CLI_CONTINUE) {
            printf("acsa serve: the options%s%s are valid\n", file.loaded ? " and " : "",
                   file.loaded ? file.path : "");
        }
        return code == CLI_CONTINUE ? CLI_EXIT_OK : code;
    }
    config.db_uri = cli_db_path(cli);
    /* The log says why it stopped, as its last JSON line: nothing else is written. */
    enum acsa_rc rc = acsa_server_run(&config, stderr, &cli->err);
    cli_config_free(&file);
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
