/* SPDX-License-Identifier: MIT */
/* The database schema as numbered migrations, and the code that brings a database up to the
 * latest one. A shipped migration is never edited: a change to the schema is a new entry at the
 * end of the list, so every database reaches the same schema by the same steps. */
#include <stdio.h>

#include "acsa_assert.h"
#include "store_sqlite_int.h"

/* Dates are ISO 'YYYY-MM-DD' text (NULL for none), so they read well in the sqlite3 shell and
 * compare correctly as text. States, steps, methods and accounts are stored by name, never by
 * enum number. Money is INTEGER minor units, quantities INTEGER thousandths.
 *
 * Migration 1: the initial schema, one string per statement. */
static const char *const migration_1[] = {
    "CREATE TABLE meta (\n"
    "    key TEXT PRIMARY KEY,\n"
    "    value TEXT NOT NULL\n"
    ")",
    /* source_json is the canonical JSON of what was validated, and is what agreement_get
     * parses; loaded_json keeps the text as the user loaded it, for audit. */
    "CREATE TABLE agreements (\n"
    "    id TEXT PRIMARY KEY,\n"
    "    party_a TEXT NOT NULL,\n"
    "    party_b TEXT NOT NULL,\n"
    "    title TEXT NOT NULL,\n"
    "    effective_from TEXT,\n"
    "    source_json TEXT NOT NULL,\n"
    "    loaded_json TEXT\n"
    ")",
    "CREATE TABLE units (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    party TEXT NOT NULL,\n"
    "    name TEXT NOT NULL,\n"
    "    UNIQUE (party, name)\n"
    ")",
    "CREATE TABLE officials (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    party TEXT NOT NULL,\n"
    "    name TEXT NOT NULL,\n"
    "    UNIQUE (party, name)\n"
    ")",
    "CREATE TABLE official_limits (\n"
    "    official_id INTEGER NOT NULL REFERENCES officials (id),\n"
    "    currency TEXT NOT NULL,\n"
    "    exponent INTEGER NOT NULL,\n"
    "    limit_minor INTEGER NOT NULL,\n"
    "    PRIMARY KEY (official_id, currency)\n"
    ") WITHOUT ROWID",
    /* An activity name is unique within its agreement: two "Dharma Guardian 2024" under one
     * agreement would make orders ambiguous to a reader. */
    "CREATE TABLE activities (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    agreement_id TEXT NOT NULL REFERENCES agreements (id),\n"
    "    name TEXT NOT NULL,\n"
    "    type TEXT NOT NULL,\n"
    "    from_day TEXT,\n"
    "    to_day TEXT,\n"
    "    place TEXT NOT NULL DEFAULT '',\n"
    "    UNIQUE (agreement_id, name)\n"
    ")",
    "CREATE TABLE order_sequences (\n"
    "    requester TEXT NOT NULL,\n"
    "    supplier TEXT NOT NULL,\n"
    "    year INTEGER NOT NULL,\n"
    "    last INTEGER NOT NULL,\n"
    "    PRIMARY KEY (requester, supplier, year)\n"
    ") WITHOUT ROWID",
    /* outstanding_minor repeats acsa_order_outstanding at the last step, so reports and the
     * overdue filter need not recompute it. state_before_dispute is NULL for draft, its
     * value in an order that was never disputed. */
    "CREATE TABLE orders (\n"
    "    number TEXT PRIMARY KEY,\n"
    "    agreement_id TEXT NOT NULL REFERENCES agreements (id),\n"
    "    requester TEXT NOT NULL,\n"
    "    supplier TEXT NOT NULL,\n"
    "    requester_unit_id INTEGER REFERENCES units (id),\n"
    "    supplier_unit_id INTEGER REFERENCES units (id),\n"
    "    activity_id INTEGER REFERENCES activities (id),\n"
    "    method TEXT NOT NULL,\n"
    "    state TEXT NOT NULL,\n"
    "    state_before_dispute TEXT,\n"
    "    currency TEXT NOT NULL,\n"
    "    exponent INTEGER NOT NULL,\n"
    "    place TEXT NOT NULL DEFAULT '',\n"
    "    need_by TEXT,\n"
    "    created_on TEXT,\n"
    "    delivered_on TEXT,\n"
    "    invoiced_on TEXT,\n"
    "    due_on TEXT,\n"
    "    value_minor INTEGER NOT NULL,\n"
    "    received_value_minor INTEGER NOT NULL,\n"
    "    kind_settled_minor INTEGER NOT NULL,\n"
    "    cash_due_minor INTEGER NOT NULL,\n"
    "    paid_minor INTEGER NOT NULL,\n"
    "    outstanding_minor INTEGER NOT NULL,\n"
    "    converted INTEGER NOT NULL CHECK (converted IN (0, 1)),\n"
    "    exchanged_with TEXT\n"
    ")",
    "CREATE INDEX orders_state_due ON orders (state, due_on)",
    "CREATE INDEX orders_agreement ON orders (agreement_id)",
    "CREATE INDEX orders_activity ON orders (activity_id)",
    "CREATE TABLE order_lines (\n"
    "    order_number TEXT NOT NULL REFERENCES orders (number),\n"
    "    line_no INTEGER NOT NULL,\n"
    "    category TEXT NOT NULL,\n"
    "    description TEXT NOT NULL,\n"
    "    nsn TEXT NOT NULL DEFAULT '',\n"
    "    unit_of_issue TEXT NOT NULL,\n"
    "    quantity_milli INTEGER NOT NULL,\n"
    "    price_minor INTEGER NOT NULL,\n"
    "    value_minor INTEGER NOT NULL,\n"
    "    issued_milli INTEGER NOT NULL,\n"
    "    received_milli INTEGER NOT NULL,\n"
    "    returned_milli INTEGER NOT NULL,\n"
    "    return_accepted_milli INTEGER NOT NULL,\n"
    "    PRIMARY KEY (order_number, line_no)\n"
    ") WITHOUT ROWID",
    /* line_no is NULL for a step that concerns no single line. */
    "CREATE TABLE events (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    order_number TEXT NOT NULL REFERENCES orders (number),\n"
    "    step TEXT NOT NULL,\n"
    "    day TEXT NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    state_from TEXT NOT NULL,\n"
    "    state_to TEXT NOT NULL,\n"
    "    line_no INTEGER,\n"
    "    quantity_milli INTEGER NOT NULL,\n"
    "    amount_minor INTEGER NOT NULL,\n"
    "    detail TEXT NOT NULL DEFAULT ''\n"
    ")",
    "CREATE INDEX events_order ON events (order_number, id)",
    /* A posting is keyed by its event and its place among the event's legs, which keeps the
     * legs in order and makes the event's postings one range of the primary key. */
    "CREATE TABLE postings (\n"
    "    event_id INTEGER NOT NULL REFERENCES events (id),\n"
    "    leg INTEGER NOT NULL,\n"
    "    order_number TEXT NOT NULL,\n"
    "    partner TEXT NOT NULL,\n"
    "    account TEXT NOT NULL,\n"
    "    currency TEXT NOT NULL,\n"
    "    amount_minor INTEGER NOT NULL,\n"
    "    quantity_milli INTEGER NOT NULL,\n"
    "    line_no INTEGER,\n"
    "    day TEXT NOT NULL,\n"
    "    PRIMARY KEY (event_id, leg)\n"
    ") WITHOUT ROWID",
    /* Covers the balance report: its grouping follows the index order and every column it
     * reads is in the index, so the report never touches the table. */
    "CREATE INDEX postings_balance\n"
    "    ON postings (partner, currency, account, day, amount_minor, quantity_milli)",
    /* The history is append-only (DOMAIN.md requirement 12): a correction is a new event. */
    "CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "CREATE TRIGGER events_no_delete BEFORE DELETE ON events\n"
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "CREATE TRIGGER postings_no_update BEFORE UPDATE ON postings\n"
    "BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END",
    "CREATE TRIGGER postings_no_delete BEFORE DELETE ON postings\n"
    "BEGIN SELECT RAISE(ABORT, 'postings are append-only'); END",
};

/* Migration 2: accounts and the audit log. Secrets are kept only as hashes: passwords as
 * encoded Argon2id strings, session and API tokens as SHA-256 hex. Times are INTEGER Unix
 * seconds. */
static const char *const migration_2[] = {
    "CREATE TABLE users (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    username TEXT NOT NULL UNIQUE,\n"
    "    display_name TEXT NOT NULL,\n"
    "    role TEXT NOT NULL,\n"
    "    party TEXT NOT NULL,\n"
    "    unit_id INTEGER REFERENCES units (id),\n"
    "    password_hash TEXT NOT NULL,\n"
    "    disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
    "    created_s INTEGER NOT NULL\n"
    ")",
    "CREATE TABLE sessions (\n"
    "    token_hash TEXT PRIMARY KEY,\n"
    "    user_id INTEGER NOT NULL REFERENCES users (id),\n"
    "    csrf TEXT NOT NULL,\n"
    "    created_s INTEGER NOT NULL,\n"
    "    expires_s INTEGER NOT NULL\n"
    ") WITHOUT ROWID",
    "CREATE INDEX sessions_user ON sessions (user_id)",
    "CREATE TABLE api_tokens (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    user_id INTEGER NOT NULL REFERENCES users (id),\n"
    "    name TEXT NOT NULL,\n"
    "    token_hash TEXT NOT NULL UNIQUE,\n"
    "    created_s INTEGER NOT NULL,\n"
    "    revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1))\n"
    ")",
    "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
    /* Keyed by the name tried, which need not be a user: guessing names is throttled too. */
    "CREATE TABLE login_failures (\n"
    "    username TEXT PRIMARY KEY,\n"
    "    count INTEGER NOT NULL,\n"
    "    first_s INTEGER NOT NULL,\n"
    "    locked_until_s INTEGER NOT NULL\n"
    ") WITHOUT ROWID",
    "CREATE TABLE idempotency (\n"
    "    user_id INTEGER NOT NULL REFERENCES users (id),\n"
    "    key TEXT NOT NULL,\n"
    "    request_hash TEXT NOT NULL,\n"
    "    status INTEGER NOT NULL,\n"
    "    body TEXT NOT NULL,\n"
    "    created_s INTEGER NOT NULL,\n"
    "    PRIMARY KEY (user_id, key)\n"
    ") WITHOUT ROWID",
    /* A hash chain: each record's hash covers the previous record's hash, so an edited,
     * removed or inserted record breaks every later link (docs/ARCHITECTURE.md). */
    "CREATE TABLE audit (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    at_s INTEGER NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    action TEXT NOT NULL,\n"
    "    object TEXT NOT NULL,\n"
    "    outcome TEXT NOT NULL,\n"
    "    detail TEXT NOT NULL,\n"
    "    prev_hash TEXT NOT NULL,\n"
    "    hash TEXT NOT NULL\n"
    ")",
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit\n"
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
};

/* Migration 3: partner nodes and the records exchanged with them. records keeps every record
 * this node signed or took in, as its canonical bytes (append-only, like events): the history
 * a partner can check. The chain head of an order is the hash of its newest record. Reference
 * data made by a partner node is bound to its origin, so both nodes name it alike. */
static const char *const migration_3[] = {
    "ALTER TABLE orders ADD COLUMN fingerprint INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE orders ADD COLUMN chain_head BLOB",
    /* Covers the listing reconciliation merges, so it never reads the orders' rows. */
    "CREATE INDEX orders_fingerprint ON orders (number, requester, supplier, fingerprint)",
    "ALTER TABLE units ADD COLUMN origin TEXT",
    "ALTER TABLE units ADD COLUMN origin_id INTEGER",
    "CREATE UNIQUE INDEX units_origin ON units (origin, origin_id) WHERE origin IS NOT NULL",
    "ALTER TABLE activities ADD COLUMN origin TEXT",
    "ALTER TABLE activities ADD COLUMN origin_id INTEGER",
    "CREATE UNIQUE INDEX activities_origin ON activities (origin, origin_id) "
    "WHERE origin IS NOT NULL",
    "CREATE TABLE peers (\n"
    "    party TEXT PRIMARY KEY,\n"
    "    url TEXT NOT NULL,\n"
    "    public_key BLOB NOT NULL CHECK (length(public_key) = 32),\n"
    "    received_through INTEGER NOT NULL DEFAULT 0,\n"
    "    acked_through INTEGER NOT NULL DEFAULT 0,\n"
    "    last_sync_s INTEGER NOT NULL DEFAULT 0\n"
    ") WITHOUT ROWID",
    "CREATE TABLE batches (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    peer TEXT NOT NULL,\n"
    "    via TEXT NOT NULL,\n"
    "    first_seq INTEGER NOT NULL,\n"
    "    last_seq INTEGER NOT NULL,\n"
    "    count INTEGER NOT NULL,\n"
    "    digest BLOB NOT NULL,\n"
    "    signature BLOB NOT NULL,\n"
    "    at_s INTEGER NOT NULL\n"
    ")",
    "CREATE TABLE records (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    origin TEXT NOT NULL,\n"
    "    seq INTEGER NOT NULL,\n"
    "    partner TEXT NOT NULL,\n"
    "    order_number TEXT,\n"
    "    other_number TEXT,\n"
    "    hash BLOB NOT NULL,\n"
    "    batch_id INTEGER REFERENCES batches (id),\n"
    "    body BLOB NOT NULL,\n"
    "    UNIQUE (origin, seq)\n"
    ")",
    "CREATE INDEX records_hash ON records (hash)",
    "CREATE INDEX records_order ON records (order_number) WHERE order_number IS NOT NULL",
    "CREATE INDEX records_other ON records (other_number) WHERE other_number IS NOT NULL",
    "CREATE TRIGGER records_no_update BEFORE UPDATE ON records\n"
    "BEGIN SELECT RAISE(ABORT, 'records are append-only'); END",
    "CREATE TRIGGER records_no_delete BEFORE DELETE ON records\n"
    "BEGIN SELECT RAISE(ABORT, 'records are append-only'); END",
    "CREATE TABLE quarantine (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    at_s INTEGER NOT NULL,\n"
    "    peer TEXT NOT NULL,\n"
    "    via TEXT NOT NULL,\n"
    "    what TEXT NOT NULL,\n"
    "    seq INTEGER NOT NULL,\n"
    "    order_number TEXT NOT NULL,\n"
    "    reason TEXT NOT NULL,\n"
    "    body BLOB NOT NULL\n"
    ")",
};

/* The ledger records commitments from acceptance (DOMAIN step 3). Orders accepted
 * before it hold none, yet their later receipts and cancels release one; so each order that
 * is accepted and not yet delivered (or disputed while so) gets the value still committed
 * (ordered less received, by cumulative rounding the same as the sum over its lines) posted
 * on its accept event, as the core posts it now: committed-receivable against committed when
 * this node supplies, committed against committed-payable when it receives. Postings are
 * append-only; these are added, nothing is changed. */
#define M4_COMMITTED_ORDERS                                                                \
    "FROM orders o JOIN events e ON e.order_number = o.number AND e.step = 'accept' "       \
    "JOIN meta n ON n.key = 'nation' "                                                    \
    "WHERE (o.state IN ('accepted', 'delivering') OR (o.state = 'disputed' AND "          \
    "o.state_before_dispute IN ('accepted', 'delivering'))) "                             \
    "AND o.value_minor > o.received_value_minor"
#define M4_PARTNER "CASE WHEN o.supplier = n.value THEN o.requester ELSE o.supplier END"
#define M4_COMMITTED_ACCOUNT(side)                                                         \
    "CASE WHEN o.method = 'cash' THEN 'committed-" side "-cash' "                          \
    "ELSE 'committed-" side "-kind' END"

struct migration {
    const char *const *statements; /* Applied in order, in one transaction. */
    size_t count;                  /* Number of statements. */
};

/* Migration 4: the real-life lifecycle; each part says what it adds. Settlement: payments
 * keep what was paid in its own currency and the rate it was converted at; cash orders are
 * invoiced in numbered parts. Invoices are never deleted, and each node's series counts in
 * invoice_sequences (ARCHITECTURE.md "Invoices"). */
static const char *const migration_4[] = {
    /* The ways out of an order: the party that raised a dispute (it ends it), and lines closed
     * short at the quantity received. */
    "ALTER TABLE orders ADD COLUMN disputed_by TEXT",
    "ALTER TABLE order_lines ADD COLUMN closed INTEGER NOT NULL DEFAULT 0",
    /* The stated reason of an activity (required for type other-lawful). */
    "ALTER TABLE activities ADD COLUMN reason TEXT NOT NULL DEFAULT ''",
    /* Date rules: the day each step was recorded on and, for a back-entered step, its
     * reason. */
    "ALTER TABLE events ADD COLUMN recorded_day INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE events ADD COLUMN backdate_reason TEXT NOT NULL DEFAULT ''",
    /* Settlement. */
    "ALTER TABLE order_lines ADD COLUMN invoiced_milli INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE events ADD COLUMN paid_currency TEXT",
    "ALTER TABLE events ADD COLUMN paid_minor INTEGER",
    "ALTER TABLE events ADD COLUMN rate_units INTEGER",
    "ALTER TABLE events ADD COLUMN rate_scale INTEGER",
    "ALTER TABLE events ADD COLUMN rate_on TEXT",
    "ALTER TABLE events ADD COLUMN rate_source TEXT",
    "ALTER TABLE events ADD COLUMN invoice TEXT",
    "CREATE TABLE invoices (\n"
    "    number TEXT PRIMARY KEY,\n"
    "    order_number TEXT NOT NULL REFERENCES orders (number),\n"
    "    position INTEGER NOT NULL,\n"
    "    issued_on TEXT NOT NULL,\n"
    "    due_on TEXT NOT NULL,\n"
    "    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),\n"
    "    paid_minor INTEGER NOT NULL CHECK (paid_minor >= 0 AND paid_minor <= amount_minor),\n"
    "    UNIQUE (order_number, position)\n"
    ")",
    "CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices\n"
    "BEGIN SELECT RAISE(ABORT, 'invoices are never deleted'); END",
    "CREATE TABLE invoice_sequences (\n"
    "    series TEXT NOT NULL,\n"
    "    year INTEGER NOT NULL,\n"
    "    last INTEGER NOT NULL,\n"
    "    PRIMARY KEY (series, year)\n"
    ") WITHOUT ROWID",
    /* Dated grants of officials (each grant a new row, never edited but for its revocation),
     * with the limits of migration 1 carried over as grants for every agreement from 1900-01-01,
     * open-ended. origin and origin_id name a grant a partner node made and signed. */
    "CREATE TABLE grants (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    party TEXT NOT NULL,\n"
    "    name TEXT NOT NULL,\n"
    "    title TEXT NOT NULL DEFAULT '',\n"
    "    agreement_id TEXT NOT NULL DEFAULT '',\n"
    "    currency TEXT NOT NULL,\n"
    "    exponent INTEGER NOT NULL,\n"
    "    limit_minor INTEGER NOT NULL CHECK (limit_minor > 0),\n"
    "    from_day TEXT NOT NULL,\n"
    "    to_day TEXT,\n"
    "    revoked_day TEXT,\n"
    "    revoke_reason TEXT NOT NULL DEFAULT '',\n"
    "    origin TEXT,\n"
    "    origin_id INTEGER\n"
    ")",
    "CREATE INDEX grants_official ON grants (party, name)",
    "CREATE UNIQUE INDEX grants_origin ON grants (origin, origin_id) WHERE origin IS NOT NULL",
    "INSERT INTO grants (party, name, currency, exponent, limit_minor, from_day) "
    "SELECT o.party, o.name, l.currency, l.exponent, l.limit_minor, '1900-01-01' "
    "FROM officials o JOIN official_limits l ON l.official_id = o.id ORDER BY o.id, l.currency",
    /* The agreement's lifecycle: amendments are versions from an effective day (append-only:
     * versions are history); notice of non-renewal and termination are one each per
     * agreement. Units carry their participating service. */
    "CREATE TABLE agreement_versions (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    agreement_id TEXT NOT NULL REFERENCES agreements (id),\n"
    "    effective_day INTEGER NOT NULL,\n"
    "    canonical_json TEXT NOT NULL,\n"
    "    source_json TEXT NOT NULL,\n"
    "    UNIQUE (agreement_id, effective_day)\n"
    ")",
    "CREATE TRIGGER agreement_versions_no_update BEFORE UPDATE ON agreement_versions\n"
    "BEGIN SELECT RAISE(ABORT, 'agreement versions are append-only'); END",
    "CREATE TRIGGER agreement_versions_no_delete BEFORE DELETE ON agreement_versions\n"
    "BEGIN SELECT RAISE(ABORT, 'agreement versions are append-only'); END",
    "CREATE TABLE agreement_events (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    agreement_id TEXT NOT NULL REFERENCES agreements (id),\n"
    "    kind TEXT NOT NULL CHECK (kind IN ('notice', 'terminate')),\n"
    "    day INTEGER NOT NULL,\n"
    "    party TEXT NOT NULL,\n"
    "    reason TEXT NOT NULL,\n"
    "    UNIQUE (agreement_id, kind)\n"
    ")",
    "CREATE TRIGGER agreement_events_no_update BEFORE UPDATE ON agreement_events\n"
    "BEGIN SELECT RAISE(ABORT, 'agreement events are append-only'); END",
    "ALTER TABLE units ADD COLUMN service TEXT NOT NULL DEFAULT ''",
};

/* Migration 5 (quarantine): a programme officer's decisions on quarantined input, one row
 * each, never edited or deleted: a retry applied or still refused (with the new refusal), or
 * a drop. An entry with an applied or dropped decision is resolved (at most one, by the
 * unique index); otherwise it is open. Quarantined input itself is never deleted either. */
static const char *const migration_quarantine[] = {
    "CREATE TABLE quarantine_decisions (\n"
    "    id INTEGER PRIMARY KEY,\n"
    "    quarantine_id INTEGER NOT NULL REFERENCES quarantine (id),\n"
    "    at_s INTEGER NOT NULL,\n"
    "    action TEXT NOT NULL CHECK (action IN ('retry', 'drop')),\n"
    "    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refused', 'dropped')),\n"
    "    by_name TEXT NOT NULL,\n"
    "    reason TEXT NOT NULL,\n"
    "    refusal TEXT NOT NULL DEFAULT ''\n"
    ")",
    "CREATE INDEX quarantine_decisions_entry ON quarantine_decisions (quarantine_id, id)",
    "CREATE UNIQUE INDEX quarantine_decisions_final ON quarantine_decisions (quarantine_id) "
    "WHERE outcome <> 'refused'",
    "CREATE TRIGGER quarantine_decisions_no_update BEFORE UPDATE ON quarantine_decisions\n"
    "BEGIN SELECT RAISE(ABORT, 'quarantine decisions are append-only'); END",
    "CREATE TRIGGER quarantine_decisions_no_delete BEFORE DELETE ON quarantine_decisions\n"
    "BEGIN SELECT RAISE(ABORT, 'quarantine decisions are append-only'); END",
    "CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON quarantine\n"
    "BEGIN SELECT RAISE(ABORT, 'quarantined input is kept for audit'); END",
};

/* Migration 6, the agreement's records: the party that entered each amendment (an amendment
 * is agreed by both parties; the party whose node entered it signs its record). */
static const char *const migration_agreement_records[] = {
    "ALTER TABLE agreement_versions ADD COLUMN entered_by TEXT NOT NULL DEFAULT ''",
};

/* Migration 7: commitments of the orders accepted before the ledger posted them (see
 * M4_COMMITTED_ORDERS above), a migration of its own, so that it runs once on a database of any
 * earlier version. */
static const char *const migration_commitments[] = {
    "INSERT INTO postings (event_id, leg, order_number, partner, account, currency, "
    "amount_minor, quantity_milli, line_no, day) "
    "SELECT e.id, 1, o.number, " M4_PARTNER ", CASE WHEN o.supplier = n.value THEN "
    M4_COMMITTED_ACCOUNT("receivable") " ELSE 'committed' END, o.currency, "
    "o.value_minor - o.received_value_minor, 0, NULL, e.day " M4_COMMITTED_ORDERS,
    "INSERT INTO postings (event_id, leg, order_number, partner, account, currency, "
    "amount_minor, quantity_milli, line_no, day) "
    "SELECT e.id, 2, o.number, " M4_PARTNER ", CASE WHEN o.supplier = n.value THEN "
    "'committed' ELSE " M4_COMMITTED_ACCOUNT("payable") " END, o.currency, "
    "o.received_value_minor - o.value_minor, 0, NULL, e.day " M4_COMMITTED_ORDERS,
};

/* Migration 8: the latest signed snapshot each partner node sent with a bundle, kept whole as
 * received (its signature still checkable), for reconciliation without a network. */
static const char *const migration_offline[] = {
    "CREATE TABLE peer_snapshots (\n"
    "    party TEXT PRIMARY KEY REFERENCES peers (party),\n"
    "    created_s INTEGER NOT NULL,\n"
    "    sender_through INTEGER NOT NULL,\n"
    "    seen_through INTEGER NOT NULL,\n"
    "    received_s INTEGER NOT NULL,\n"
    "    bytes BLOB NOT NULL\n"
    ")",
};

/* Migration 9 (the order views): a correction keeps the step whose quantity it set, so that
 * the order's history says what was corrected. */
static const char *const migration_order_views[] = {
    "ALTER TABLE events ADD COLUMN corrected_step TEXT",
};

/* Migration 10 (the order's date): the date of an order's latest step is kept with the order,
 * so a step voided after a conflict no longer dates it (ARCHITECTURE.md "Concurrent steps"). */
static const char *const migration_order_dated[] = {
    "ALTER TABLE orders ADD COLUMN last_step_on TEXT",
    "UPDATE orders SET last_step_on = (SELECT MAX(day) FROM events "
    "WHERE events.order_number = orders.number)",
};

/* Migration 11 (maintained balances): the sums of the postings per partner, currency and
 * account, kept up to date by a trigger on every posting inserted, in the posting's own
 * statement and so its transaction, whatever path inserts it (a step, a partner's record taken
 * in, a bulk load); filled from the postings already there. Each sum is kept in the three
 * 21-bit parts of ACSA__SQLITE_WIDE_SUM, so that it never overflows an integer (ARCHITECTURE.md
 * "No overflow anywhere"). The current balance reads this table, not every posting. */
#define PART_HI(x) "(" x ") >> 42"
#define PART_MID(x) "((" x ") >> 21) & 2097151"
#define PART_LO(x) "(" x ") & 2097151"
#define PARTS(x) PART_HI(x) ", " PART_MID(x) ", " PART_LO(x)
static const char *const migration_balances[] = {
    "CREATE TABLE balances (\n"
    "    partner TEXT NOT NULL,\n"
    "    currency TEXT NOT NULL,\n"
    "    account TEXT NOT NULL,\n"
    "    amount_hi INTEGER NOT NULL,\n"
    "    amount_mid INTEGER NOT NULL,\n"
    "    amount_lo INTEGER NOT NULL,\n"
    "    quantity_hi INTEGER NOT NULL,\n"
    "    quantity_mid INTEGER NOT NULL,\n"
    "    quantity_lo INTEGER NOT NULL,\n"
    "    PRIMARY KEY (partner, currency, account)\n"
    ") WITHOUT ROWID",
    "INSERT INTO balances (partner, currency, account, amount_hi, amount_mid, amount_lo, "
    "quantity_hi, quantity_mid, quantity_lo) "
    "SELECT partner, currency, account, " ACSA__SQLITE_WIDE_SUM("amount_minor") ", "
    ACSA__SQLITE_WIDE_SUM("quantity_milli") " FROM postings GROUP BY partner, currency, account",
    "CREATE TRIGGER postings_balance AFTER INSERT ON postings\n"
    "BEGIN\n"
    "    INSERT INTO balances (partner, currency, account, amount_hi, amount_mid, amount_lo,\n"
    "        quantity_hi, quantity_mid, quantity_lo)\n"
    "    VALUES (NEW.partner, NEW.currency, NEW.account, " PARTS("NEW.amount_minor") ",\n"
    "        " PARTS("NEW.quantity_milli") ")\n"
    "    ON CONFLICT (partner, currency, account) DO UPDATE SET\n"
    "        amount_hi = amount_hi + excluded.amount_hi,\n"
    "        amount_mid = amount_mid + excluded.amount_mid,\n"
    "        amount_lo = amount_lo + excluded.amount_lo,\n"
    "        quantity_hi = quantity_hi + excluded.quantity_hi,\n"
    "        quantity_mid = quantity_mid + excluded.quantity_mid,\n"
    "        quantity_lo = quantity_lo + excluded.quantity_lo;\n"
    "END",
    ("CREATE TRIGGER balances_no_delete BEFORE DELETE ON balances\n"
     "BEGIN SELECT RAISE(ABORT, 'balances follow the postings, which are append-only'); END"),
};
#undef PARTS
#undef PART_LO
#undef PART_MID
#undef PART_HI
/* Migration 12 (supporting documents): the references of documents, append-only, and their
 * bytes kept once per SHA-256. A partner's reference may arrive before its bytes, so a
 * reference does not require them (no foreign key to document_blobs). */
static const char *const migration_documents[] = {
    "CREATE TABLE document_blobs (\n"
    "    sha256 BLOB PRIMARY KEY,\n"
    "    size INTEGER NOT NULL CHECK (size > 0),\n"
    "    bytes BLOB NOT NULL\n"
    ")",
    "CREATE TABLE documents (\n"
    "    id TEXT PRIMARY KEY,\n"
    "    order_number TEXT NOT NULL REFERENCES orders (number),\n"
    "    line INTEGER NOT NULL,\n"
    "    kind TEXT NOT NULL,\n"
    "    sha256 BLOB NOT NULL,\n"
    "    size INTEGER NOT NULL,\n"
    "    content_type TEXT NOT NULL,\n"
    "    actor TEXT NOT NULL,\n"
    "    at_s INTEGER NOT NULL,\n"
    "    origin TEXT NOT NULL\n"
    ")",
    "CREATE INDEX documents_order ON documents (order_number, line, id)",
    "CREATE INDEX documents_sha256 ON documents (sha256)",
    "CREATE TRIGGER documents_no_update BEFORE UPDATE ON documents\n"
    "BEGIN SELECT RAISE(ABORT, 'documents are append-only'); END",
    "CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents\n"
    "BEGIN SELECT RAISE(ABORT, 'documents are append-only'); END",
    "CREATE TRIGGER document_blobs_no_update BEFORE UPDATE ON document_blobs\n"
    "BEGIN SELECT RAISE(ABORT, 'document bytes are append-only'); END",
};

/* Numbered from 1 by position. Append only: never edit or reorder a shipped entry. */
static const struct migration migrations[] = {
    {migration_1, sizeof(migration_1) / sizeof(migration_1[0])},
    {migration_2, sizeof(migration_2) / sizeof(migration_2[0])},
    {migration_3, sizeof(migration_3) / sizeof(migration_3[0])},
    {migration_4, sizeof(migration_4) / sizeof(migration_4[0])},
    {migration_quarantine, sizeof(migration_quarantine) / sizeof(migration_quarantine[0])},
    {migration_agreement_records,
     sizeof(migration_agreement_records) / sizeof(migration_agreement_records[0])},
    {migration_commitments, sizeof(migration_commitments) / sizeof(migration_commitments[0])},
    {migration_offline, sizeof(migration_offline) / sizeof(migration_offline[0])},
    {migration_order_views, sizeof(migration_order_views) / sizeof(migration_order_views[0])},
    {migration_order_dated, sizeof(migration_order_dated) / sizeof(migration_order_dated[0])},
    {migration_balances, sizeof(migration_balances) / sizeof(migration_balances[0])},
    {migration_documents, sizeof(migration_documents) / sizeof(migration_documents[0])},
};

#define MIGRATION_COUNT ((int)(sizeof(migrations) / sizeof(migrations[0])))

int acsa_store_schema_version(void)
{
    return MIGRATION_COUNT;
}

static enum acsa_rc int_row(void *ctx, struct acsa__sqlite_row *row, struct acsa_error *err)
{
    (void)err;
    *(int64_t *)ctx = sqlite3_column_int64(row->stmt, 0);
    return ACSA_OK;
}

/* Reads one integer from a query of constant text. */
static enum acsa_rc query_int(struct acsa_store_sqlite *s, const char *sql, int64_t *out,
                              struct acsa_error *err)
{
    *out = 0;
    const struct acsa__sqlite_statement st = STATEMENT_BARE(ACSA__SQLITE_ONCE, sql);
    return acsa__sqlite_run_query(s, &st, int_row, out, NULL, err);
}

/* The version the database is at: 0 for a new file. */
static enum acsa_rc schema_version(struct acsa_store_sqlite *s, int64_t *out,
                                   struct acsa_error *err)
{
    int64_t exists = 0;
    enum acsa_rc rc = query_int(s,
                                "SELECT count(*) FROM sqlite_master "
                                "WHERE type = 'table' AND name = 'schema_migrations'",
                                &exists, err);
    if (rc != ACSA_OK || exists == 0) {
        *out = 0;
        return rc;
    }
    rc = query_int(s, "SELECT coalesce(max(version), 0) FROM schema_migrations", out, err);
    if (rc == ACSA_OK && *out > MIGRATION_COUNT) {
        return acsa_error_set(err, ACSA_ESTORAGE, "database",
                              "storage: the database has schema version %lld, newer than the "
                              "%d this acsa knows; use a newer acsa",
                              (long long)*out, MIGRATION_COUNT);
    }
    return rc;
}

enum acsa_rc acsa__sqlite_check_created(struct acsa_store_sqlite *s, const char *path,
                                        struct acsa_error *err)
{
    int64_t version = 0;
    enum acsa_rc rc = schema_version(s, &version, err);
    if (rc == ACSA_OK && version == 0) {
        return acsa_error_set(err, ACSA_EUSAGE, "database", "database \"%s\" was not created "
                              "by acsa (run \"acsa init\" first)", path);
    }
    return rc;
}

static enum acsa_rc record_version(struct acsa_store_sqlite *s, int64_t version,
                                   struct acsa_error *err)
{
    const struct acsa__sqlite_value values[] = {INT(version)};
    const struct acsa__sqlite_statement st = STATEMENT_PLAIN(
        ACSA__SQLITE_ONCE,
        "INSERT INTO schema_migrations (version, applied_at) "
        "VALUES (?1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
        values);
    return acsa__sqlite_run_write(s, &st, NULL, err);
}

/* Applies the next pending migration, if any, in a transaction of its own. The version is
 * read again under the write lock because another process may have migrated meanwhile. */
static enum acsa_rc migrate_step(struct acsa_store_sqlite *s, bool *out_done,
                                 struct acsa_error *err)
{
    *out_done = false;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        return acsa__sqlite_fail(s, err);
    }
    int64_t version = 0;
    enum acsa_rc rc = schema_version(s, &version, err);
    if (rc == ACSA_OK && version == MIGRATION_COUNT) {
        *out_done = true;
    } else if (rc == ACSA_OK) {
        const char *sql = "CREATE TABLE IF NOT EXISTS schema_migrations (\n"
                          "    version INTEGER PRIMARY KEY,\n"
                          "    applied_at TEXT NOT NULL\n"
                          ")";
        bool ok = sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK;
        const struct migration *migration = &migrations[version];
        for (size_t i = 0; ok && i < migration->count; i++) {
            ok = sqlite3_exec(s->db, migration->statements[i], NULL, NULL, NULL) == SQLITE_OK;
        }
        rc = ok ? record_version(s, version + 1, err) : acsa__sqlite_fail(s, err);
    }
    if (rc == ACSA_OK && sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        rc = acsa__sqlite_fail(s, err);
    }
    if (rc != ACSA_OK && sqlite3_get_autocommit(s->db) == 0) {
        (void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

/* Before a migration changes the schema of a database that has one: a copy of the whole file
 * as it is (SQLite's backup API) at "<db>.pre-migration-<version>.bak" (or .2.bak, .3.bak, ...
 * if taken), told on stderr: the one way back if the new acsa must be given up. */
static enum acsa_rc pre_migration_backup(struct acsa_store_sqlite *s, int64_t version,
                                         struct acsa_error *err)
{
    const char *file = sqlite3_db_filename(s->db, "main");
    if (file == NULL || file[0] == '\0') {
        return ACSA_OK; /* In memory: nothing to keep. */
    }
    char path[4200];
    enum acsa_rc rc = ACSA_EEXISTS;
    for (int n = 1; rc == ACSA_EEXISTS && n <= 100; n++) {
        char again[16] = "";
        if (n > 1) {
            snprintf(again, sizeof(again), ".%d", n);
        }
        int len = snprintf(path, sizeof(path), "%s.pre-migration-%lld%s.bak", file,
                           (long long)version, again);
        if (len < 0 || (size_t)len >= sizeof(path)) {
            return acsa_error_set(err, ACSA_ESTORAGE, "database", "storage: the path of the "
                                  "backup before migrating is too long");
        }
        rc = acsa__sqlite_backup_pages(s->db, path, err);
    }
    if (rc != ACSA_OK) {
        return acsa_error_set(err, rc == ACSA_ENOMEM ? ACSA_ENOMEM : ACSA_ESTORAGE, "database",
                              "storage: the database was not migrated: the backup before "
                              "migrating failed: %s", err != NULL ? err->message : "");
    }
    fprintf(stderr, "acsa: database schema version %lld, this acsa migrates it to %d; the "
            "database as it was is saved in %s\n", (long long)version, MIGRATION_COUNT, path);
    return ACSA_OK;
}

enum acsa_rc acsa__sqlite_migrate(struct acsa_store_sqlite *s, struct acsa_error *err)
{
    ACSA_ASSERT(s->db != NULL);
    /* Opening an up-to-date database only reads; the write lock is taken only to migrate. */
    int64_t version = 0;
    enum acsa_rc rc = schema_version(s, &version, err);
    if (rc != ACSA_OK || version == MIGRATION_COUNT) {
        return rc;
    }
    if (version > 0) {
        ACSA_TRY(pre_migration_backup(s, version, err));
    }
    for (int i = 0; i <= MIGRATION_COUNT; i++) {
        bool done = false;
        rc = migrate_step(s, &done, err);
        if (rc != ACSA_OK || done) {
            return rc;
        }
    }
    /* Each step applies one migration, so MIGRATION_COUNT + 1 steps always reach the end. */
    ACSA_ASSERT(false);
    return ACSA_ESTORAGE;
}
