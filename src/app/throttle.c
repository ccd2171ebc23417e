/* SPDX-License-Identifier: MIT */
/* The sign-in throttle (throttle.h): three set-associative tables of failure counts keyed by
 * a keyed hash (SipHash), so that the memory is fixed and chosen names cannot crowd one set. */
#include "throttle.h"

#include <sodium.h>
#include <string.h>

#include "acsa_assert.h"

#define SETS (ACSA_THROTTLE_ENTRIES / ACSA_THROTTLE_WAYS)
#define SHIFT_MAX 20 /* 2^20 times the base is past every cap. */

struct policy {
    uint32_t free;
    int64_t cap_ms;
};

static const struct policy policies[ACSA_THROTTLE_KINDS] = {
    [ACSA_THROTTLE_PAIR] = {ACSA_THROTTLE_PAIR_FREE, ACSA_THROTTLE_PAIR_CAP_MS},
    [ACSA_THROTTLE_ADDRESS] = {ACSA_THROTTLE_ADDRESS_FREE, ACSA_THROTTLE_ADDRESS_CAP_MS},
    [ACSA_THROTTLE_NAME] = {ACSA_THROTTLE_NAME_FREE, ACSA_THROTTLE_NAME_CAP_MS},
};

void acsa_throttle_init(struct acsa_throttle *t, int64_t now_ms)
{
    memset(t, 0, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    randombytes_buf(t->key, sizeof(t->key));
    t->period_start_ms = now_ms;
}

void acsa_throttle_destroy(struct acsa_throttle *t)
{
    pthread_mutex_destroy(&t->lock);
}

/* The key of kind for address and name: never 0 (the mark of an empty entry). */
static uint64_t key_of(const struct acsa_throttle *t, enum acsa_throttle_kind kind,
                       const char *address, const char *name)
{
    unsigned char buf[512];
    size_t n = 0;
    buf[n++] = (unsigned char)kind;
    const char *parts[2] = {kind != ACSA_THROTTLE_NAME ? address : "",
                            kind != ACSA_THROTTLE_ADDRESS ? name : ""};
    for (int p = 0; p < 2; p++) {
        size_t length = strnlen(parts[p], 200);
        memcpy(buf + n, parts[p], length);
        n += length;
        buf[n++] = 0;
    }
    unsigned char out[crypto_shorthash_BYTES];
    crypto_shorthash(out, buf, n, t->key);
    uint64_t key = 0;
    memcpy(&key, out, sizeof(key));
    return key != 0 ? key : 1;
}

static bool live(const struct acsa_throttle_entry *e, int64_t now_ms)
{
    return e->key != 0 && now_ms - e->last_ms < ACSA_THROTTLE_FORGET_MS;
}

/* The live entry of key, or NULL. */
static struct acsa_throttle_entry *find(struct acsa_throttle *t, enum acsa_throttle_kind kind,
                                        uint64_t key, int64_t now_ms)
{
    struct acsa_throttle_entry *set = &t->table[kind][(key % SETS) * ACSA_THROTTLE_WAYS];
    for (int i = 0; i < ACSA_THROTTLE_WAYS; i++) {
        if (set[i].key == key && live(&set[i], now_ms)) {
            return &set[i];
        }
    }
    return NULL;
}

/* The entry of key, made in place of another if need be. */
static struct acsa_throttle_entry *take(struct acsa_throttle *t, enum acsa_throttle_kind kind,
                                        uint64_t key, int64_t now_ms)
{
    struct acsa_throttle_entry *e = find(t, kind, key, now_ms);
    if (e != NULL) {
        return e;
    }
    struct acsa_throttle_entry *set = &t->table[kind][(key % SETS) * ACSA_THROTTLE_WAYS];
    e = &set[0];
    /* An empty or forgotten entry; else the one whose delay ends first (one that holds an
     * attempt back is the last to go), the oldest of those. */
    for (int i = 0; i < ACSA_THROTTLE_WAYS; i++) {
        if (!live(&set[i], now_ms)) {
            e = &set[i];
            break;
        }
        bool sooner = set[i].until_ms < e->until_ms ||
                      (set[i].until_ms == e->until_ms && set[i].last_ms < e->last_ms);
        e = sooner ? &set[i] : e;
    }
    memset(e, 0, sizeof(*e));
    e->key = key;
    e->last_ms = now_ms;
    return e;
}

/* Counts one failure on e: past the kind's free ones, a delay that doubles up to the cap. */
static void count_failure(struct acsa_throttle_entry *e, enum acsa_throttle_kind kind,
                          int64_t now_ms)
{
    const struct policy *p = &policies[kind];
    e->failures += e->failures < UINT32_MAX;
    e->last_ms = now_ms;
    if (e->failures > p->free) {
        uint32_t shift = e->failures - p->free - 1;
        shift = shift > SHIFT_MAX ? SHIFT_MAX : shift;
        int64_t delay = (int64_t)ACSA_THROTTLE_BASE_MS << shift;
        e->until_ms = now_ms + (delay < p->cap_ms ? delay : p->cap_ms);
    }
}

bool acsa_throttle_admit(struct acsa_throttle *t, const char *address, const char *name,
                         int64_t now_ms, uint32_t *out_retry_s)
{
    *out_retry_s = 0;
    uint64_t keys[ACSA_THROTTLE_KINDS];
    for (int k = 0; k < ACSA_THROTTLE_KINDS; k++) {
        keys[k] = key_of(t, (enum acsa_throttle_kind)k, address, name);
    }
    pthread_mutex_lock(&t->lock);
    int64_t until = 0;
    struct acsa_throttle_entry *own = find(t, ACSA_THROTTLE_ADDRESS, keys[1], now_ms);
    for (int k = 0; k < ACSA_THROTTLE_KINDS; k++) {
        /* The per-name delay holds back only addresses with failures of their own: a flood
         * against a name from elsewhere does not keep its owner out. */
        if (k == ACSA_THROTTLE_NAME && (own == NULL || own->failures == 0)) {
            continue;
        }
        const struct acsa_throttle_entry *e = find(t, (enum acsa_throttle_kind)k, keys[k],
                                                   now_ms);
        until = e != NULL && e->until_ms > until ? e->until_ms : until;
    }
    bool admitted = until <= now_ms;
    if (admitted) {
        for (int k = 0; k < ACSA_THROTTLE_KINDS; k++) {
            count_failure(take(t, (enum acsa_throttle_kind)k, keys[k], now_ms),
                          (enum acsa_throttle_kind)k, now_ms);
        }
    } else {
        t->pending.throttled++;
        int64_t wait_ms = until - now_ms;
        *out_retry_s = (uint32_t)((wait_ms + 999) / 1000);
    }
    pthread_mutex_unlock(&t->lock);
    return admitted;
}

/* Takes back the failure counted at admission. */
static void take_back(struct acsa_throttle *t, enum acsa_throttle_kind kind, uint64_t key,
                      int64_t now_ms)
{
    struct acsa_throttle_entry *e = find(t, kind, key, now_ms);
    if (e != NULL && e->failures > 0) {
        e->failures--;
        e->until_ms = e->failures > policies[kind].free ? e->until_ms : 0;
    }
}

void acsa_throttle_result(struct acsa_throttle *t, const char *address, const char *name,
                          enum acsa_throttle_outcome outcome, int64_t now_ms)
{
    uint64_t keys[ACSA_THROTTLE_KINDS];
    for (int k = 0; k < ACSA_THROTTLE_KINDS; k++) {
        keys[k] = key_of(t, (enum acsa_throttle_kind)k, address, name);
    }
    pthread_mutex_lock(&t->lock);
    if (outcome == ACSA_THROTTLE_FAILED) {
        t->pending.failures++;
        struct acsa_throttle_entry *a = take(t, ACSA_THROTTLE_ADDRESS, keys[1], now_ms);
        if (a->period != t->period + 1) {
            a->period = t->period + 1; /* 0 means never counted. */
            t->pending.addresses++;
        }
    } else {
        for (int k = 0; k < ACSA_THROTTLE_KINDS; k++) {
            take_back(t, (enum acsa_throttle_kind)k, keys[k], now_ms);
        }
        struct acsa_throttle_entry *pair = find(t, ACSA_THROTTLE_PAIR, keys[0], now_ms);
        if (outcome == ACSA_THROTTLE_OK && pair != NULL) {
            memset(pair, 0, sizeof(*pair)); /* The right password: the pair starts afresh. */
        }
    }
    pthread_mutex_unlock(&t->lock);
}

bool acsa_throttle_summary_due(struct acsa_throttle *t, int64_t now_ms,
                               struct acsa_throttle_summary *out)
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&t->lock);
    bool due = t->pending.failures > 0 &&
               (now_ms - t->period_start_ms >= ACSA_THROTTLE_SUMMARY_MS ||
                t->pending.failures >= ACSA_THROTTLE_SUMMARY_FAILURES);
    if (due) {
        *out = t->pending;
        memset(&t->pending, 0, sizeof(t->pending));
        t->period++;
        t->period_start_ms = now_ms;
    }
    pthread_mutex_unlock(&t->lock);
    ACSA_ASSERT(!due || out->addresses <= out->failures);
    return due;
}
