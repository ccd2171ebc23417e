/* SPDX-License-Identifier: MIT */
/* The store's conformance tests (test_store.c) through a store that forwards every call to the
 * real backend and can fail any one of them (store_fault.h): first with no fault, where every
 * test must pass as on the backend alone; then a write transaction failed at its first call,
 * its second, ... until it runs through, each time rolled back by the caller as the app does.
 * After each failure nothing of the transaction is stored (no unit, order, line, event,
 * posting, order number or setting), and the same transaction then commits, taking the order
 * number the failed one would have had: no gap, no half-written order. SQLite by default;
 * PostgreSQL with ACSA_TEST_PG (test_store_fault_pg). */
#define ACSA_TEST_STORE_FAULT 1
#include "test_store.c"

/* Checks each function of one table of the wrapper against the backend's: present where the
 * backend's is, and never the backend's own (so the call is counted). Returns how many. */
static size_t forwarded(const void *outer_table, const void *inner_table, size_t size)
{
    typedef void (*entry)(void);
    for (size_t i = 0; i < size / sizeof(entry); i++) {
        entry outer;
        entry inner;
        memcpy(&outer, (const char *)outer_table + i * sizeof(entry), sizeof(entry));
        memcpy(&inner, (const char *)inner_table + i * sizeof(entry), sizeof(entry));
        assert_true((outer == NULL) == (inner == NULL));
        assert_true(outer == NULL || outer != inner);
    }
    return size / sizeof(entry);
}

/* The wrapper forwards every function of the interface the backend has, and only those. */
static void test_fault_forwarding(void **state)
{
    struct fixture *f = *state;
    struct acsa_store_fault *w = acsa_store_fault_of(f->store);
    assert_int_equal(w->base.vtbl->version, ACSA_STORE_INTERFACE_VERSION);
    /* The copy table (acsa migrate) works on a backend's own handle: never through a wrapper. */
    assert_null(w->base.vtbl->copy);
    const size_t first = offsetof(struct acsa_store_vtbl, close);
    const size_t base = offsetof(struct acsa_store_vtbl, ledger) - first;
    size_t count = forwarded((const char *)w->base.vtbl + first,
                             (const char *)w->inner->vtbl + first, base);
    count += forwarded(w->base.vtbl->ledger, w->inner->vtbl->ledger,
                       sizeof(struct acsa_store_ledger));
    count += forwarded(w->base.vtbl->accounts, w->inner->vtbl->accounts,
                       sizeof(struct acsa_store_accounts));
    count += forwarded(w->base.vtbl->sync, w->inner->vtbl->sync, sizeof(struct acsa_store_sync));
    assert_int_equal(count, acsa_store_fault_forwarded);
    /* Unarmed, the calls reach the backend and are counted. */
    acsa_store_fault_arm(f->store, 0);
    char value[8];
    assert_int_equal(f->store->vtbl->meta_get(f->store, "nation", value, sizeof(value), &f->err),
                     ACSA_ENOTFOUND);
    assert_int_equal(w->calls, 1);
    assert_int_equal(w->failed, 0);
    /* Armed at 2: the second call fails, with the entry named, the third goes through. */
    acsa_store_fault_arm(f->store, 2);
    assert_int_equal(f->store->vtbl->meta_set(f->store, "name", "x", &f->err), ACSA_OK);
    assert_int_equal(f->store->vtbl->meta_set(f->store, "name", "y", &f->err), ACSA_ESTORAGE);
    assert_int_equal(f->err.rc, ACSA_ESTORAGE);
    assert_non_null(strstr(f->err.message, "meta_set"));
    assert_string_equal(w->failed_name, "meta_set");
    assert_int_equal(f->store->vtbl->meta_get(f->store, "name", value, sizeof(value), &f->err),
                     ACSA_OK);
    assert_string_equal(value, "x");
}

/* Everything a write transaction may touch, as one line of text, read on a connection of its
 * own: what is committed. */
static const char *stored_state(struct fixture *f, char *buf, size_t size)
{
    return raw_text(f->path,
                    "SELECT (SELECT count(*) FROM units) || ' ' || (SELECT count(*) FROM orders)"
                    " || ' ' || (SELECT count(*) FROM order_lines) || ' ' ||"
                    " (SELECT count(*) FROM events) || ' ' || (SELECT count(*) FROM postings)"
                    " || ' ' || (SELECT coalesce(max(last), 0) FROM order_sequences) || ' ' ||"
                    " coalesce((SELECT value FROM meta WHERE key = 'name'), '-')",
                    buf, size);
}

/* One write transaction as the app runs a command: a unit, the next order number, the order
 * and its create event, its submission (an update with an event), the node's name, and a
 * nested level with another unit. Stops at the first failure and rolls back every level it
 * opened; returns that failure. round names the unit and the node. */
static enum acsa_rc write_sequence(struct fixture *f, unsigned round, char *number)
{
    const struct acsa_store_vtbl *v = f->store->vtbl;
    unsigned depth = 0;
    char name[ACSA_NAME_SIZE];
    snprintf(name, sizeof(name), "Unit of round %u", round);
    int64_t id = 0;
    int64_t sequence = 0;
    enum acsa_rc rc = v->begin_write(f->store, &f->err);
    if (rc != ACSA_OK) {
        goto out;
    }
    depth = 1;
    if ((rc = v->ledger->unit_add(f->store, "IN", name, &id, &f->err)) != ACSA_OK ||
        (rc = v->ledger->order_next_sequence(f->store, "IN", "JP", 2024, &sequence, &f->err)) !=
            ACSA_OK) {
        goto out;
    }
    struct acsa_order_draft draft;
    memset(&draft, 0, sizeof(draft));
    snprintf(draft.requester, sizeof(draft.requester), "IN");
    snprintf(draft.supplier, sizeof(draft.supplier), "JP");
    draft.requester_unit_id = f->unit_in;
    draft.supplier_unit_id = f->unit_jp;
    draft.method = ACSA_METHOD_CASH;
    snprintf(draft.place, sizeof(draft.place), "Yokosuka");
    draft.need_by_day = day_of("2024-06-05");
    set_line(&draft, 0, "pol", 10000, 1000, "JPY");
    set_line(&draft, 1, "food", 4000, 2500, "JPY");
    acsa_order_number_format("IN", "JP", 2024, sequence, number);
    assert_int_equal(acsa_order_create(&f->agreement, &f->activity, &draft, number,
                                       day_of("2024-06-01"), "Lt Iyer", &f->order, &f->event,
                                       &f->err),
                     ACSA_OK);
    if ((rc = v->ledger->order_insert(f->store, &f->order, &f->event, &f->err)) != ACSA_OK) {
        goto out;
    }
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = ACSA_STEP_SUBMIT;
    cmd.day = day_of("2024-06-02");
    snprintf(cmd.actor, sizeof(cmd.actor), "Lt Iyer");
    assert_int_equal(acsa_order_apply(&f->agreement, "IN", &f->order, &cmd, &f->event, &f->err),
                     ACSA_OK);
    if ((rc = v->ledger->order_update(f->store, &f->order, &f->event, &f->err)) != ACSA_OK ||
        (rc = v->meta_set(f->store, "name", name, &f->err)) != ACSA_OK ||
        (rc = v->begin_write(f->store, &f->err)) != ACSA_OK) {
        goto out;
    }
    depth = 2;
    snprintf(name, sizeof(name), "Inner unit of round %u", round);
    if ((rc = v->ledger->unit_add(f->store, "JP", name, &id, &f->err)) != ACSA_OK ||
        (rc = v->commit(f->store, &f->err)) != ACSA_OK) {
        goto out;
    }
    depth = 1;
    if ((rc = v->commit(f->store, &f->err)) != ACSA_OK) {
        goto out;
    }
    depth = 0;
out:
    while (depth > 0) {
        v->rollback(f->store);
        depth--;
    }
    return rc;
}

static void test_fault_each_call(void **state)
{
    struct fixture *f = *state;
    struct acsa_store_fault *w = acsa_store_fault_of(f->store);
    const struct acsa_store_vtbl *v = f->store->vtbl;
    char before[256];
    char after[256];
    char number[ACSA_NUMBER_SIZE];
    unsigned committed = 0;
    uint64_t n = 1;
    for (;; n++) {
        assert_true(n < 100);
        stored_state(f, before, sizeof(before));
        uint64_t failed = w->failed;
        acsa_store_fault_arm(f->store, n);
        enum acsa_rc rc = write_sequence(f, (unsigned)n, number);
        acsa_store_fault_arm(f->store, 0);
        if (w->failed == failed) {
            /* Past the last call: the transaction ran through. */
            assert_int_equal(rc, ACSA_OK);
            break;
        }
        if (rc != ACSA_ESTORAGE) {
            print_error("call %llu (%s) failed, but the transaction returned %s\n",
                        (unsigned long long)n, w->failed_name, acsa_rc_name(rc));
        }
        assert_int_equal(rc, ACSA_ESTORAGE);
        stored_state(f, after, sizeof(after));
        if (strcmp(before, after) != 0) {
            print_error("failed at call %llu (%s): stored \"%s\", was \"%s\"\n",
                        (unsigned long long)n, w->failed_name, after, before);
        }
        assert_string_equal(after, before);
        /* The same transaction commits now, with the number the failed one took. */
        assert_int_equal(write_sequence(f, (unsigned)n, number), ACSA_OK);
        committed++;
        char expected[ACSA_NUMBER_SIZE];
        acsa_order_number_format("IN", "JP", 2024, committed, expected);
        assert_string_equal(number, expected);
        assert_int_equal(v->ledger->order_get(f->store, number, &f->loaded, &f->err), ACSA_OK);
        assert_int_equal(f->loaded.state, ACSA_STATE_SUBMITTED);
        assert_int_equal(f->loaded.line_count, 2);
    }
    /* Every call of the transaction was failed once: ten calls that can fail. */
    printf("# the write transaction was failed at each of its %llu calls\n",
           (unsigned long long)(n - 1));
    assert_true(n - 1 >= 10);
    assert_int_equal(committed, n - 1);
}

int main(void)
{
    return run_store_tests();
}
