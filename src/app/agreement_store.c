/* SPDX-License-Identifier: MIT */
/* Agreements to and from the store: the store keeps each as the canonical JSON made here and
 * hands it back as text, so that the store never depends on the format layer; a text that no
 * longer parses is damage to the database, not bad input. */
#include <string.h>

#include "agreement_json.h"
#include "alloc.h"
#include "app_int.h"

struct parse_into {
    struct acsa_agreement *out;
    const char *what;          /* "agreement" or "version of agreement", for the message. */
};

static enum acsa_rc parse_one(void *ctx, const char *id, const char *json, size_t len,
                              struct acsa_error *err)
{
    const struct parse_into *p = ctx;
    struct acsa_error parse_err;
    acsa_error_clear(&parse_err);
    if (acsa_agreement_from_json(json, len, p->out, &parse_err) != ACSA_OK) {
        return acsa_error_set(err, ACSA_ESTORAGE, "", "storage: stored %s \"%s\" is "
                              "unreadable: %s", p->what, id, parse_err.message);
    }
    return ACSA_OK;
}

enum acsa_rc acsa__app_agreement_read(struct acsa_app *app, const char *id,
                                      struct acsa_agreement *out, struct acsa_error *err)
{
    memset(out, 0, sizeof(*out));
    struct parse_into p = {out, "agreement"};
    return LEDGER(app)->agreement_get(app->store, id, parse_one, &p, err);
}

struct each {
    acsa_agreement_cb cb;
    void *ctx;
    struct acsa_agreement *scratch;
};

static enum acsa_rc each_one(void *ctx, const char *id, const char *json, size_t len,
                             struct acsa_error *err)
{
    struct each *e = ctx;
    struct parse_into p = {e->scratch, "agreement"};
    ACSA_TRY(parse_one(&p, id, json, len, err));
    return e->cb(e->ctx, e->scratch);
}

enum acsa_rc acsa__app_agreement_each(struct acsa_app *app, acsa_agreement_cb cb, void *ctx,
                                      struct acsa_error *err)
{
    struct each e = {cb, ctx, acsa_malloc(sizeof(struct acsa_agreement))};
    if (e.scratch == NULL) {
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    enum acsa_rc rc = LEDGER(app)->agreement_list(app->store, each_one, &e, err);
    acsa_free(e.scratch);
    return rc;
}

enum acsa_rc acsa__app_agreement_version_read(struct acsa_app *app, const char *id,
                                              uint32_t index, struct acsa_agreement *out,
                                              int32_t *out_effective_day, char *entered_by,
                                              struct acsa_error *err)
{
    struct parse_into p = {out, "version of agreement"};
    return LEDGER(app)->agreement_version_get(app->store, id, index, parse_one, &p,
                                             out_effective_day, entered_by, err);
}

enum acsa_rc acsa__app_agreement_write(struct acsa_app *app,
                                       const struct acsa_agreement *agreement,
                                       const char *source_json, struct acsa_error *err)
{
    /* The canonical JSON of the struct is what was validated, so it is what is read back;
     * the loaded text is kept beside it only as a record. */
    char *canonical = NULL; /* Left NULL when the serialising fails. */
    ACSA_TRY(acsa_agreement_to_json(agreement, &canonical, err));
    enum acsa_rc rc = LEDGER(app)->agreement_put(app->store, agreement, canonical, source_json,
                                                 err);
    acsa_free(canonical);
    return rc;
}

enum acsa_rc acsa__app_agreement_version_write(struct acsa_app *app,
                                               const struct acsa_agreement *agreement,
                                               int32_t effective_day, const char *source_json,
                                               const char *party, struct acsa_error *err)
{
    char *canonical = NULL; /* Left NULL when the serialising fails. */
    ACSA_TRY(acsa_agreement_to_json(agreement, &canonical, err));
    enum acsa_rc rc = LEDGER(app)->agreement_version_add_by(app->store, agreement,
                                                            effective_day, canonical,
                                                            source_json, party, err);
    acsa_free(canonical);
    return rc;
}
