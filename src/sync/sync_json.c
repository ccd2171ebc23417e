/* SPDX-License-Identifier: MIT */
/* The JSON renderings of partner nodes, quarantined input, reconciliation rows and sync
 * reports, one for the CLI's --json and the API alike. */
#include "auth_json.h"
#include "sync.h"

static json_t *text_or_null(const char *text)
{
    return text != NULL && text[0] != '\0' ? json_string(text) : json_null();
}

json_t *acsa_peer_json(const struct acsa_peer *peer)
{
    char key[ACSA_KEY_TEXT_SIZE];
    char fingerprint[ACSA_FINGERPRINT_TEXT_SIZE];
    char at[ACSA_TIME_TEXT_SIZE];
    acsa_node_key_text(peer->key, key);
    acsa_node_fingerprint(peer->key, fingerprint);
    return json_pack("{s:s, s:o, s:s, s:s, s:I, s:I, s:o}", "party", peer->party, "url",
                     text_or_null(peer->url), "key", key, "fingerprint", fingerprint,
                     "received_through", (json_int_t)peer->received_through, "acked_through",
                     (json_int_t)peer->acked_through, "last_sync",
                     peer->last_sync_s > 0 ? json_string(acsa_time_format(peer->last_sync_s, at))
                                           : json_null());
}

/* The last decision on an entry, or null. */
static json_t *decision_json(const struct acsa_quarantine_decision *d)
{
    if (d->action[0] == '\0') {
        return json_null();
    }
    char at[ACSA_TIME_TEXT_SIZE];
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "at", acsa_time_format(d->at_s, at),
                     "action", d->action, "outcome", d->outcome, "by", d->by, "reason",
                     d->reason, "refusal", text_or_null(d->refusal));
}

json_t *acsa_quarantine_json(const struct acsa_quarantine_row *row)
{
    char at[ACSA_TIME_TEXT_SIZE];
    json_t *json = json_pack("{s:I, s:s, s:o, s:s, s:s, s:I, s:o, s:s, s:I}", "id",
                             (json_int_t)row->id, "at", acsa_time_format(row->at_s, at), "peer",
                             text_or_null(row->peer), "via", row->via, "what", row->what, "seq",
                             (json_int_t)row->seq, "order", text_or_null(row->order_number),
                             "reason", row->reason, "bytes", (json_int_t)row->body_len);
    if (json != NULL && row->status[0] != '\0' &&
        (json_object_set_new(json, "status", json_string(row->status)) != 0 ||
         json_object_set_new(json, "tries", json_integer((json_int_t)row->tries)) != 0 ||
         json_object_set_new(json, "decision", decision_json(&row->decision)) != 0)) {
        json_decref(json);
        return NULL;
    }
    return json;
}

json_t *acsa_reconcile_row_json(const struct acsa_reconcile_row *row)
{
    return json_pack("{s:s, s:o, s:s, s:s, s:s}", "kind", row->kind, "order",
                     text_or_null(row->number), "field", row->field, "ours", row->ours, "theirs",
                     row->theirs);
}

json_t *acsa_reconcile_summary_json(const struct acsa_reconcile_summary *s)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "orders_here",
                     (json_int_t)s->orders_here, "orders_there", (json_int_t)s->orders_there,
                     "missing_here", (json_int_t)s->missing_here, "missing_there",
                     (json_int_t)s->missing_there, "differing", (json_int_t)s->differing,
                     "balance_rows", (json_int_t)s->balance_rows, "in_transit",
                     (json_int_t)s->in_transit, "agreement_rows", (json_int_t)s->agreement_rows);
}

json_t *acsa_reconcile_snapshot_json(const struct acsa_reconcile_snapshot *seen)
{
    char made[ACSA_TIME_TEXT_SIZE];
    char received[ACSA_TIME_TEXT_SIZE];
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I}", "made",
                     acsa_time_format(seen->created_s, made), "received",
                     acsa_time_format(seen->received_s, received), "partner_records_through",
                     (json_int_t)seen->sender_through, "our_records_seen_through",
                     (json_int_t)seen->seen_through, "our_records_now",
                     (json_int_t)seen->ours_through, "partner_records_held",
                     (json_int_t)seen->theirs_held, "orders", (json_int_t)seen->orders);
}

json_t *acsa_sync_report_json(const struct acsa_sync_report *r)
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
                     "batches_sent",
                     (json_int_t)r->batches_sent, "sent", (json_int_t)r->sent,
                     "sent_duplicates", (json_int_t)r->sent_duplicates, "sent_quarantined",
                     (json_int_t)r->sent_quarantined, "batches_received",
                     (json_int_t)r->batches_received, "received", (json_int_t)r->received,
                     "received_duplicates", (json_int_t)r->received_duplicates,
                     "received_quarantined", (json_int_t)r->received_quarantined,
                     "acked_through", (json_int_t)r->acked_through, "received_through",
                     (json_int_t)r->received_through, "documents_sent",
                     (json_int_t)r->documents_sent, "documents_received",
                     (json_int_t)r->documents_received, "documents_refused",
                     (json_int_t)r->documents_refused);
}

json_t *acsa_batch_result_json(const struct acsa_batch_result *r)
{
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "sender", r->info.sender,
                     "receiver", r->info.receiver, "after", (json_int_t)r->info.after, "through",
                     (json_int_t)r->info.through, "ack", (json_int_t)r->info.ack, "records",
                     (json_int_t)r->info.count, "applied", (json_int_t)r->applied,
                     "duplicates", (json_int_t)r->duplicates, "quarantined",
                     (json_int_t)r->quarantined, "concurrent", (json_int_t)r->concurrent);
}
