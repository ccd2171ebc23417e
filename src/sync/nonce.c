/* SPDX-License-Identifier: MIT */
/* The nonces of signed requests, remembered until their request's time window has passed so
 * that no signed request is taken twice. An open-addressing table (linear probing, at most half
 * full) keyed by a keyed hash of sender and nonce: a partner cannot choose colliding nonces.
 * Expired entries stay in place (they still carry probe chains) until the table reaches its
 * limit, when the live entries are moved into a fresh table; if it is still at its limit, new
 * nonces are refused rather than old ones forgotten. */
#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "sync.h"
#include "alloc.h"

struct nonce_entry {
    uint8_t nonce[ACSA_NONCE_BYTES];
    char from[ACSA_NATION_SIZE];
    int64_t expires_s;            /* 0: a free slot. */
};

struct acsa_nonce_cache {
    pthread_mutex_t lock;
    uint32_t max;                 /* Entries at most. */
    uint32_t slots;               /* A power of two, at least 2 * max. */
    uint32_t count;               /* Entries in the table, expired or not. */
    struct nonce_entry *table;
    struct nonce_entry *spare;    /* As large, for moving the live entries. */
    uint8_t key[crypto_shorthash_KEYBYTES];
};


struct acsa_nonce_cache *acsa_nonce_cache_new(uint32_t max)
{
    max = max == 0 || max > ACSA_NONCE_CACHE_MAX ? ACSA_NONCE_CACHE_MAX : max;
    struct acsa_nonce_cache *c = acsa_calloc(1, sizeof(*c));
    if (c == NULL) {
        return NULL;
    }
    c->max = max;
    c->slots = 2;
    while (c->slots < 2 * max) {
        c->slots *= 2;
    }
    c->table = acsa_calloc(c->slots, sizeof(c->table[0]));
    c->spare = acsa_calloc(c->slots, sizeof(c->spare[0]));
    if (c->table == NULL || c->spare == NULL || pthread_mutex_init(&c->lock, NULL) != 0) {
        acsa_free(c->table);
        acsa_free(c->spare);
        acsa_free(c);
        return NULL;
    }
    randombytes_buf(c->key, sizeof(c->key));
    return c;
}

void acsa_nonce_cache_free(struct acsa_nonce_cache *cache)
{
    if (cache != NULL) {
        pthread_mutex_destroy(&cache->lock);
        acsa_free(cache->table);
        acsa_free(cache->spare);
        acsa_free(cache);
    }
}

/* The entry key of a request; false if the nonce is not 32 hex digits. */
static bool entry_of(const char *from, const char *nonce, struct nonce_entry *out)
{
    memset(out, 0, sizeof(*out));
    size_t len = 0;
    if (from == NULL || strlen(from) >= sizeof(out->from) || nonce == NULL ||
        strlen(nonce) != 2 * ACSA_NONCE_BYTES ||
        sodium_hex2bin(out->nonce, sizeof(out->nonce), nonce, 2 * ACSA_NONCE_BYTES, NULL, &len,
                       NULL) != 0 || len != ACSA_NONCE_BYTES) {
        return false;
    }
    memcpy(out->from, from, strlen(from));
    return true;
}

static uint32_t slot_of(const struct acsa_nonce_cache *c, const struct nonce_entry *e)
{
    uint8_t hash[crypto_shorthash_BYTES];
    crypto_shorthash(hash, (const uint8_t *)e, sizeof(e->nonce) + sizeof(e->from), c->key);
    uint32_t h = 0;
    memcpy(&h, hash, sizeof(h));
    return h & (c->slots - 1);
}

static bool same(const struct nonce_entry *a, const struct nonce_entry *b)
{
    return memcmp(a->nonce, b->nonce, sizeof(a->nonce)) == 0 &&
           memcmp(a->from, b->from, sizeof(a->from)) == 0;
}

/* The slot holding e (live or expired), or the free slot ending its probe chain. */
static uint32_t probe(const struct acsa_nonce_cache *c, const struct nonce_entry *e)
{
    uint32_t i = slot_of(c, e);
    while (c->table[i].expires_s != 0 && !same(&c->table[i], e)) {
        i = (i + 1) & (c->slots - 1);
    }
    return i;
}

/* Moves the entries not expired at now_s into a fresh table. */
static void drop_expired(struct acsa_nonce_cache *c, int64_t now_s)
{
    struct nonce_entry *old = c->table;
    c->table = c->spare;
    c->spare = old;
    memset(c->table, 0, (size_t)c->slots * sizeof(c->table[0]));
    c->count = 0;
    for (uint32_t i = 0; i < c->slots; i++) {
        if (old[i].expires_s != 0 && old[i].expires_s >= now_s) {
            c->table[probe(c, &old[i])] = old[i];
            c->count++;
        }
    }
}

bool acsa_nonce_seen(struct acsa_nonce_cache *cache, const char *from, const char *nonce,
                     int64_t now_s)
{
    struct nonce_entry e;
    if (!entry_of(from, nonce, &e)) {
        return false;
    }
    pthread_mutex_lock(&cache->lock);
    const struct nonce_entry *found = &cache->table[probe(cache, &e)];
    bool seen = found->expires_s != 0 && found->expires_s >= now_s;
    pthread_mutex_unlock(&cache->lock);
    return seen;
}

enum acsa_nonce_verdict acsa_nonce_remember(struct acsa_nonce_cache *cache, const char *from,
                                            const char *nonce, int64_t expires_s,
                                            int64_t now_s)
{
    struct nonce_entry e;
    if (!entry_of(from, nonce, &e)) {
        return ACSA_NONCE_SEEN; /* Never reached: the headers were checked before. */
    }
    e.expires_s = expires_s > 0 ? expires_s : 1;
    pthread_mutex_lock(&cache->lock);
    enum acsa_nonce_verdict verdict = ACSA_NONCE_NEW;
    struct nonce_entry *slot = &cache->table[probe(cache, &e)];
    if (slot->expires_s != 0 && slot->expires_s >= now_s) {
        verdict = ACSA_NONCE_SEEN;
    } else if (slot->expires_s != 0) {
        *slot = e; /* The same nonce, expired: its window has passed. */
    } else {
        if (cache->count >= cache->max) {
            drop_expired(cache, now_s);
            slot = &cache->table[probe(cache, &e)];
        }
        if (cache->count >= cache->max) {
            verdict = ACSA_NONCE_FULL;
        } else {
            *slot = e;
            cache->count++;
        }
    }
    pthread_mutex_unlock(&cache->lock);
    return verdict;
}

uint32_t acsa_nonce_count(struct acsa_nonce_cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    uint32_t count = cache->count;
    pthread_mutex_unlock(&cache->lock);
    return count;
}
