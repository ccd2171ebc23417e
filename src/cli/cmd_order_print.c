/* SPDX-License-Identifier: MIT */
/* acsa order print: the order, receipt or invoice form of an order as PDF or HTML (the
 * canonical record of acsa_app_order_form rendered by src/print), written whole through a
 * temporary file; and acsa order verify: a printed hash checked against the order's records. */
#include "cli.h"
#include "alloc.h"
#include "print.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What to print. */
struct print_args {
    const char *number;
    enum acsa_form_kind kind;
    char invoice[ACSA_NUMBER_SIZE];
    bool html;
    const char *out;
};

/* Writes data to path through a temporary file of the same directory renamed into place, so
 * that no half-written form is ever left under path. */
static int write_whole(struct cli *cli, const char *path, const void *data, size_t size)
{
    size_t n = strlen(path) + 16;
    char *tmp = acsa_malloc(n);
    if (tmp == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    /* mkstemp makes the file 0600; the form is as readable as any file the user writes. */
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fd >= 0 && fchmod(fd, 0666 & ~mask) == 0 ? fdopen(fd, "wb") : NULL;
    bool ok = f != NULL && fwrite(data, 1, size, f) == size;
    ok = f != NULL && fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
    int error = errno;
    if (f != NULL) {
        ok = fclose(f) == 0 && ok;
    } else if (fd >= 0) {
        close(fd);
    }
    ok = ok && rename(tmp, path) == 0;
    error = ok ? 0 : (error != 0 ? error : errno);
    if (!ok && fd >= 0) {
        unlink(tmp);
    }
    acsa_free(tmp);
    if (!ok) {
        acsa_error_set(&cli->err, ACSA_ESTORAGE, "out", "--out: cannot write %s: %s", path,
                       strerror(error));
        return cli_fail(cli, ACSA_ESTORAGE);
    }
    return CLI_EXIT_OK;
}

static int render_and_write(struct cli *cli, const struct print_args *args,
                            const struct acsa_form *form)
{
    void *data = NULL;
    size_t size = 0;
    enum acsa_rc rc = args->html ? acsa_print_html(form, (char **)&data, &size, &cli->err)
                                 : acsa_print_pdf(form, (uint8_t **)&data, &size, &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    int code = write_whole(cli, args->out, data, size);
    acsa_free(data);
    if (code == CLI_EXIT_OK) {
        char *shown = form->invoice[0] != '\0' ? (char *)form->invoice : NULL;
        fprintf(stderr, "acsa: %s form of %s%s%s written to ", acsa_form_kind_name(form->kind),
                form->number, shown != NULL ? ", invoice " : "", shown != NULL ? shown : "");
        cli_put_text(stderr, args->out);
        fputc('\n', stderr);
    }
    return code;
}

static int order_print_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct print_args *args = ctx;
    struct acsa_form *form = acsa_malloc(sizeof(*form));
    if (form == NULL) {
        return cli_fail(cli, ACSA_ENOMEM);
    }
    enum acsa_rc rc = acsa_app_order_form(app, args->number, args->kind,
                                          args->invoice[0] != '\0' ? args->invoice : NULL, NULL,
                                          form, &cli->err);
    int code = rc == ACSA_OK ? render_and_write(cli, args, form) : cli_fail(cli, rc);
    acsa_free(form);
    return code;
}

int cmd_order_print(struct cli *cli, int argc, char **argv)
{
    struct print_args args;
    memset(&args, 0, sizeof(args));
    char form[16] = "";
    char format[16] = "pdf";
    struct cli_option options[] = {
        CLI_OPT("form", CLI_TEXT, true, form, sizeof(form), "order|receipt|invoice",
                "which form"),
        CLI_OPT("invoice", CLI_TEXT, false, args.invoice, ACSA_NUMBER_SIZE, "ID",
                "the invoice form's invoice (default: the order's latest)"),
        CLI_OPT("format", CLI_TEXT, false, format, sizeof(format), "pdf|html",
                "the file's format (default pdf)"),
        CLI_OPT("out", CLI_PATH, true, &args.out, 0, "FILE", "the file to write"),
    };
    struct cli_command cmd = {"Prints the order, receipt or invoice form of an order as PDF "
                              "(A4, fonts embedded) or HTML: one canonical record with the "
                              "hash of the order's last record and its QR code.",
                              "NUMBER", ACSA_NUMBER_SIZE, NULL, 0, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    if (!acsa_form_kind_parse(form, &args.kind)) {
        return cli_usage(cli, "--form: \"%s\" is not order, receipt or invoice", form);
    }
    if (strcmp(format, "pdf") != 0 && strcmp(format, "html") != 0) {
        return cli_usage(cli, "--format: \"%s\" is not pdf or html", format);
    }
    if (options[1].seen && args.kind != ACSA_FORM_INVOICE) {
        return cli_usage(cli, "--invoice is for --form invoice");
    }
    if (args.out[0] == '\0') {
        return cli_usage(cli, "--out: a file name is required");
    }
    args.html = strcmp(format, "html") == 0;
    args.number = cmd.value;
    return cli_with_app(cli, order_print_in, &args);
}

/* ---- order verify --------------------------------------------------------------------- */

struct verify_args {
    const char *number;
    char hash[ACSA_FORM_HASH_TEXT_SIZE + 1];
};

static int order_verify_in(struct cli *cli, struct acsa_app *app, void *ctx)
{
    const struct verify_args *args = ctx;
    struct acsa_order_hash_check check;
    enum acsa_rc rc = acsa_app_order_verify(app, args->number, args->hash, NULL, &check,
                                            &cli->err);
    if (rc != ACSA_OK) {
        return cli_fail(cli, rc);
    }
    if (check.records > 0 && check.match == check.records) {
        printf("%s matches the last record of %s (record %u of %u)\n", args->hash, args->number,
               check.match, check.records);
        return CLI_EXIT_OK;
    }
    printf("%s does not match the last record of %s: its hash is %s\n", args->hash,
           args->number, check.records > 0 ? check.last : "none (the order has no record)");
    if (check.match > 0) {
        printf("%s is the hash of record %u of %u of %s: the paper is out of date, %u later "
               "record%s\n", args->hash, check.match, check.records, args->number,
               check.records - check.match, check.records - check.match == 1 ? "" : "s");
    } else {
        printf("no record of %s has hash %s\n", args->number, args->hash);
    }
    return acsa_rc_exit_code(ACSA_EREFUSED);
}

int cmd_order_verify(struct cli *cli, int argc, char **argv)
{
    struct verify_args args;
    memset(&args, 0, sizeof(args));
    struct cli_option options[] = {
        CLI_OPT("hash", CLI_TEXT, true, args.hash, sizeof(args.hash), "HEX",
                "the SHA-256 printed on the form (64 hexadecimal digits)"),
    };
    struct cli_command cmd = {"Checks a printed form's hash against the order's records on "
                              "this node: exit 0 when it is the last record's, 1 when not "
                              "(saying whether it is an earlier record's: the paper is out of "
                              "date).",
                              "NUMBER", ACSA_NUMBER_SIZE, NULL, 0, options, CLI_LEN(options)};
    int code = cli_parse(cli, &cmd, argc, argv);
    if (code != CLI_CONTINUE) {
        return code;
    }
    if (!acsa_form_hash_valid(args.hash)) {
        return cli_usage(cli, "--hash: \"%s\" is not a SHA-256 (64 hexadecimal digits)",
                         args.hash);
    }
    for (char *c = args.hash; *c != '\0'; c++) {
        *c = (*c >= 'A' && *c <= 'F') ? (char)(*c - 'A' + 'a') : *c;
    }
    args.number = cmd.value;
    return cli_with_app(cli, order_verify_in, &args);
}

#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer (the test suite's second build): fontconfig and cairo keep caches of
 * their own for the life of the process (cairo's font cache, fontconfig's configuration),
 * which LeakSanitizer counts as leaks at exit once the print layer's font map is released.
 * They are those libraries' and are left out of the report; a leak of acsa's own still is. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libfontconfig.so\nleak:libcairo.so\nleak:libpango-1.0.so\n"
           "leak:libpangocairo-1.0.so\nleak:libpangoft2-1.0.so\nleak:libharfbuzz.so\n";
}
#endif
