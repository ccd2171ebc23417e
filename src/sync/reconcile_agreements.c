/* SPDX-License-Identifier: MIT */
/* Reconciliation of the agreements two nodes share: each side lists, per agreement between
 * them, its versions (effective day and SHA-256 of the canonical text), its notice of
 * non-renewal and its termination; a fact held on one side only, or held otherwise, is
 * reported. An amendment, notice or termination not yet synced shows here until it is. */
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "app_reads.h"
#include "alloc.h"
#include "sync.h"


struct agreement_ids {
    char ids[ACSA_RECONCILE_AGREEMENTS_MAX][ACSA_ID_SIZE];
    uint32_t count;
    const char *party;
};

static enum acsa_rc collect_id(void *ctx, const struct acsa_agreement *agreement)
{
    struct agreement_ids *list = ctx;
    if (acsa_agreement_has_party(agreement, list->party) &&
        list->count < ACSA_RECONCILE_AGREEMENTS_MAX) {
        memcpy(list->ids[list->count++], agreement->id, ACSA_ID_SIZE);
    }
    return ACSA_OK;
}

static void fact_event(struct acsa_sync_buf *out, const char *id, const char *field,
                       int32_t day, const char *party)
{
    char date[ACSA_DATE_TEXT_SIZE];
    if (day == ACSA_DATE_NONE) {
        acsa_sync_buf_printf(out, "%s\t%s\tnone\n", id, field);
    } else {
        acsa_sync_buf_printf(out, "%s\t%s\t%s by %s\n", id, field, acsa_date_format(day, date),
                             party[0] != '\0' ? party : "?");
    }
}

static void agreement_facts(struct acsa_sync_buf *out, const char *id,
                            const struct acsa_agreement_info *info)
{
    char date[ACSA_DATE_TEXT_SIZE];
    acsa_sync_buf_printf(out, "%s\tversions\t%u\n", id, (unsigned)info->version_count);
    for (uint32_t i = 0; i < info->version_count; i++) {
        acsa_sync_buf_printf(out, "%s\tversion %u\tfrom %s, sha256 %.16s\n", id, (unsigned)i + 1,
                             acsa_date_format(info->effective[i], date), info->hash[i]);
    }
    fact_event(out, id, "notice", info->notice_day, info->notice_by);
    /* The termination as the node holds it: a date in the file has no party. */
    fact_event(out, id, "terminated", info->terminated_day, info->terminated_by);
}

enum acsa_rc acsa_sync_agreements(struct acsa_app *app, const char *party,
                                  struct acsa_sync_buf *out, struct acsa_error *err)
{
    struct agreement_ids *list = acsa_calloc(1, sizeof(*list));
    struct acsa_agreement_info *info = acsa_malloc(sizeof(*info));
    if (list == NULL || info == NULL) {
        acsa_free(list);
        acsa_free(info);
        return acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    list->party = party;
    enum acsa_rc rc = acsa_app_agreement_list(app, collect_id, list, err);
    for (uint32_t i = 0; rc == ACSA_OK && i < list->count; i++) {
        rc = acsa_app_agreement_info(app, list->ids[i], ACSA_DATE_NONE, info, err);
        if (rc == ACSA_OK) {
            agreement_facts(out, list->ids[i], info);
        }
    }
    if (rc == ACSA_OK && out->failed) {
        rc = acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    }
    acsa_free(list);
    acsa_free(info);
    return rc;
}

/* One line "ID\tFIELD\tVALUE" split in place; false for anything else. */
static bool split_line(char *line, char **id, char **field, char **value)
{
    *id = line;
    char *tab = strchr(line, '\t');
    char *tab2 = tab != NULL ? strchr(tab + 1, '\t') : NULL;
    if (tab2 == NULL) {
        return false;
    }
    *tab = '\0';
    *tab2 = '\0';
    *field = tab + 1;
    *value = tab2 + 1;
    return true;
}

/* The value of (id, field) in a list of lines, or NULL. */
static const char *find_fact(char *text, size_t len, const char *id, const char *field)
{
    for (char *pos = text; pos < text + len;) {
        const char *fid = pos; /* cut_lines left NUL-separated triples. */
        const char *ffield = fid + strlen(fid) + 1;
        const char *fvalue = ffield + strlen(ffield) + 1;
        if (strcmp(fid, id) == 0 && strcmp(ffield, field) == 0) {
            return fvalue;
        }
        pos = (char *)fvalue + strlen(fvalue) + 1;
    }
    return NULL;
}

/* Cuts text into NUL-separated triples (id, field, value); lines of another form are dropped.
 * Returns the length used. */
static size_t cut_lines(char *text, size_t len)
{
    size_t used = 0;
    for (char *pos = text; pos < text + len;) {
        char *nl = memchr(pos, '\n', (size_t)(text + len - pos));
        char *end = nl != NULL ? nl : text + len;
        *end = '\0';
        char *id = NULL;
        char *field = NULL;
        char *value = NULL;
        if (split_line(pos, &id, &field, &value)) {
            size_t a = strlen(id) + 1;
            size_t b = strlen(field) + 1;
            size_t c = strlen(value) + 1;
            memmove(text + used, id, a);
            memmove(text + used + a, field, b);
            memmove(text + used + a + b, value, c);
            used += a + b + c;
        }
        pos = end + 1;
    }
    return used;
}

static enum acsa_rc report(acsa_reconcile_cb cb, void *ctx, const char *id, const char *field,
                           const char *ours, const char *theirs,
                           struct acsa_reconcile_summary *summary)
{
    struct acsa_reconcile_row row;
    memset(&row, 0, sizeof(row));
    row.kind = "agreement";
    snprintf(row.number, sizeof(row.number), "%s", id);
    snprintf(row.field, sizeof(row.field), "%s", field);
    snprintf(row.ours, sizeof(row.ours), "%s", ours != NULL ? ours : "(none)");
    snprintf(row.theirs, sizeof(row.theirs), "%s", theirs != NULL ? theirs : "(none)");
    summary->agreement_rows++;
    return cb(ctx, &row);
}

/* Every fact of one list that the other does not hold alike. */
static enum acsa_rc compare_facts(char *ours, size_t ours_len, char *theirs, size_t theirs_len,
                                  acsa_reconcile_cb cb, void *ctx,
                                  struct acsa_reconcile_summary *summary)
{
    enum acsa_rc rc = ACSA_OK;
    for (char *pos = ours; rc == ACSA_OK && pos < ours + ours_len;) {
        const char *id = pos;
        const char *field = id + strlen(id) + 1;
        const char *value = field + strlen(field) + 1;
        const char *other = find_fact(theirs, theirs_len, id, field);
        if (other == NULL || strcmp(other, value) != 0) {
            rc = report(cb, ctx, id, field, value, other, summary);
        }
        pos = (char *)value + strlen(value) + 1;
    }
    for (char *pos = theirs; rc == ACSA_OK && pos < theirs + theirs_len;) {
        const char *id = pos;
        const char *field = id + strlen(id) + 1;
        const char *value = field + strlen(field) + 1;
        if (find_fact(ours, ours_len, id, field) == NULL) {
            rc = report(cb, ctx, id, field, NULL, value, summary);
        }
        pos = (char *)value + strlen(value) + 1;
    }
    return rc;
}

/* Our agreement facts, and the partner's answer to the same question (r, whatever its status). */
static enum acsa_rc fetch_agreement_facts(struct acsa_app *app, const struct acsa_peer *peer,
                                          struct acsa_sync_buf *mine,
                                          struct acsa_sync_response *r, struct acsa_error *err)
{
    ACSA_TRY(acsa_sync_agreements(app, peer->party, mine, err));
    return acsa_sync_request_retry(app, peer, "GET", ACSA_SYNC_AGREEMENTS, NULL, 0, r, err);
}

enum acsa_rc acsa_reconcile_agreements(struct acsa_app *app, const struct acsa_peer *peer,
                                       acsa_reconcile_cb cb, void *ctx,
                                       struct acsa_reconcile_summary *summary,
                                       struct acsa_error *err)
{
    struct acsa_sync_buf mine = {0};
    struct acsa_sync_response r;
    memset(&r, 0, sizeof(r));
    enum acsa_rc rc = fetch_agreement_facts(app, peer, &mine, &r, err);
    /* A partner of an earlier version has no such route: its agreements are not compared. */
    if (rc == ACSA_OK && r.status != 200 && r.status != 404) {
        rc = acsa_error_set(err, ACSA_EREFUSED, "peer", "peer: agreements: the partner "
                            "answered %ld", r.status);
    }
    if (rc == ACSA_OK && r.status == 200) {
        size_t ours_len = cut_lines(mine.data, mine.len);
        size_t theirs_len = cut_lines((char *)r.body, r.size);
        rc = compare_facts(mine.data, ours_len, (char *)r.body, theirs_len, cb, ctx, summary);
    }
    acsa_free(mine.data);
    acsa_sync_response_free(&r);
    return rc;
}
