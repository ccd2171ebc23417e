/* SPDX-License-Identifier: MIT */
/* The configuration file of acsa serve: "KEY = VALUE" lines whose keys are the verb's long
 * options (and db, key), each value converted and checked exactly as on the command line. A
 * refusal names the file, the line and the key; options given on the command line win. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "app_key.h"
#include "text.h"

/* Longest name of a place in a message: "FILE:LINE: key". */
#define CONFIG_WHERE_SIZE 600
/* The scratch a value given on both the command line and in the file is checked into. */
#define CONFIG_SCRATCH_MIN 64

/* A refusal at a line of the file, named FILE:LINE. */
static int refuse(struct cli *cli, const struct cli_config *config, uint32_t line,
                  const char *message, const char *key)
{
    if (key != NULL) {
        return cli_usage(cli, "%.400s:%u: %.60s: %s", config->path, line, key, message);
    }
    return cli_usage(cli, "%.400s:%u: %s", config->path, line, message);
}

static struct cli_option *find_option(struct cli_command *cmd, const char *key, size_t *out)
{
    for (size_t i = 0; i < cmd->option_count; i++) {
        if (strcmp(cmd->options[i].name, key) == 0) {
            *out = i;
            return &cmd->options[i];
        }
    }
    return NULL;
}

/* db and key: the global options, used when neither the command line nor the environment
 * named them. */
static int apply_global(struct cli *cli, const char *key, const char *value)
{
    bool db = strcmp(key, "db") == 0;
    const char *env = getenv(db ? "ACSA_DB" : "ACSA_KEY");
    bool env_set = env != NULL && env[0] != '\0';
    if (db && cli->db_uri == NULL && !env_set) {
        cli->db_uri = value;
    } else if (!db && !cli->key_given && !env_set) {
        acsa_app_set_key_path(value);
    }
    return CLI_CONTINUE;
}

/* One "KEY = VALUE" (the line already cut at its end and checked as text). */
static int apply_line(struct cli *cli, struct cli_command *cmd, struct cli_config *config,
                      uint32_t line, char *text)
{
    char *equals = strchr(text, '=');
    if (equals == NULL) {
        return refuse(cli, config, line, "expected KEY = VALUE", NULL);
    }
    char *end = equals;
    while (end > text && end[-1] == ' ') {
        end--;
    }
    *end = '\0';
    char *value = equals + 1;
    while (*value == ' ') {
        value++;
    }
    size_t length = strlen(value);
    while (length > 0 && value[length - 1] == ' ') {
        value[--length] = '\0';
    }
    if (text[0] == '\0') {
        return refuse(cli, config, line, "expected KEY = VALUE (the key is missing)", NULL);
    }
    char where[CONFIG_WHERE_SIZE];
    snprintf(where, sizeof(where), "%.400s:%u: %.60s", config->path, line, text);
    if (value[0] == '\0') {
        return cli_usage(cli, "%s: must not be empty", where);
    }
    if (strcmp(text, "db") == 0 || strcmp(text, "key") == 0) {
        uint32_t *seen_line = text[0] == 'd' ? &config->db_line : &config->key_line;
        if (*seen_line != 0) {
            return refuse(cli, config, line, "given twice", text);
        }
        *seen_line = line;
        struct acsa_error err;
        acsa_error_clear(&err);
        if (acsa_text_check(value, ACSA_TEXT_LINE, where, &err) != ACSA_OK) {
            return cli_usage(cli, "%s", err.message);
        }
        return apply_global(cli, text, value);
    }
    size_t index = 0;
    struct cli_option *opt = find_option(cmd, text, &index);
    if (opt == NULL || opt->kind == CLI_FLAG || index >= CLI_OPTIONS_MAX ||
        strcmp(text, "config") == 0) {
        return refuse(cli, config, line, opt == NULL ? "unknown key" : "not allowed in the file",
                      text);
    }
    if (config->lines[index] != 0 || config->lines_overridden[index] != 0) {
        return refuse(cli, config, line, "given twice", text);
    }
    config->lines[index] = line;
    if (!opt->seen) {
        opt->seen = true;
        return cli_option_convert(cli, opt, where, opt->target, value);
    }
    /* Given on the command line too, which wins: the file's value is still checked. */
    config->lines[index] = 0;
    config->lines_overridden[index] = line;
    size_t size = opt->size > CONFIG_SCRATCH_MIN ? opt->size : CONFIG_SCRATCH_MIN;
    void *scratch = acsa_malloc(size);
    if (scratch == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    memset(scratch, 0, size);
    int code = cli_option_convert(cli, opt, where, scratch, value);
    acsa_free(scratch);
    return code;
}

/* How a refusal of a line's bytes names it: "FILE:LINE: key" when the key before '=' is
 * readable text, else "FILE:LINE". */
static void line_where(const struct cli_config *config, uint32_t line, const char *text,
                       char *where, size_t size)
{
    const char *equals = strchr(text, '=');
    size_t start = strspn(text, " ");
    size_t end = equals != NULL ? (size_t)(equals - text) : start;
    while (end > start && text[end - 1] == ' ') {
        end--;
    }
    if (equals == NULL || end == start || end - start > 60 ||
        !acsa_text_valid(text + start, end - start, ACSA_TEXT_LINE, NULL)) {
        snprintf(where, size, "%.400s:%u", config->path, line);
        return;
    }
    snprintf(where, size, "%.400s:%u: %.*s", config->path, line, (int)(end - start),
             text + start);
}

/* Every line: its bytes checked (UTF-8, no control character but a tab), comments and blank
 * lines skipped, the rest applied. */
static int apply_text(struct cli *cli, struct cli_command *cmd, struct cli_config *config,
                      size_t size)
{
    char *text = config->text;
    if (memchr(text, '\0', size) != NULL) {
        size_t at = (size_t)((char *)memchr(text, '\0', size) - text);
        uint32_t line = 1;
        for (size_t i = 0; i < at; i++) {
            line += text[i] == '\n' ? 1u : 0u;
        }
        return refuse(cli, config, line, "a NUL byte: not a text file", NULL);
    }
    uint32_t line = 0;
    for (char *start = text; *start != '\0';) {
        line++;
        char *newline = strchr(start, '\n');
        char *next = newline != NULL ? newline + 1 : start + strlen(start);
        if (newline != NULL) {
            *newline = '\0';
        }
        for (char *p = start; *p != '\0'; p++) {
            *p = *p == '\t' ? ' ' : *p;
        }
        char where[CONFIG_WHERE_SIZE];
        line_where(config, line, start, where, sizeof(where));
        struct acsa_error err;
        acsa_error_clear(&err);
        if (acsa_text_check(start, ACSA_TEXT_LINE, where, &err) != ACSA_OK) {
            return cli_usage(cli, "%s", err.message);
        }
        while (*start == ' ') {
            start++;
        }
        if (start[0] != '\0' && start[0] != '#') {
            int code = apply_line(cli, cmd, config, line, start);
            if (code != CLI_CONTINUE) {
                return code;
            }
        }
        start = next;
    }
    return CLI_CONTINUE;
}

int cli_config_load(struct cli *cli, struct cli_command *cmd, const char *path, bool required,
                    struct cli_config *config)
{
    memset(config, 0, sizeof(*config));
    config->path = path;
    size_t size = 0;
    struct stat info;
    if (!required && stat(path, &info) != 0 && errno == ENOENT) {
        return CLI_CONTINUE; /* The default file is read only when it is there. */
    }
    int code = cli_read_file(cli, path, CLI_CONFIG_MAX, &config->text, &size);
    if (code != CLI_CONTINUE) {
        return code;
    }
    config->loaded = true;
    if (size > CLI_CONFIG_MAX) {
        return cli_usage(cli, "%.400s: larger than %u bytes", path, (unsigned)CLI_CONFIG_MAX);
    }
    return apply_text(cli, cmd, config, size);
}

void cli_config_free(struct cli_config *config)
{
    acsa_free(config->text);
    config->text = NULL;
}

const char *cli_config_name(const struct cli_config *config, const struct cli_command *cmd,
                            size_t index, char *buf, size_t size)
{
    if (index < CLI_OPTIONS_MAX && config->lines[index] != 0) {
        snprintf(buf, size, "%.400s:%u: %s", config->path, config->lines[index],
                 cmd->options[index].name);
    } else {
        snprintf(buf, size, "--%s", cmd->options[index].name);
    }
    return buf;
}
