/* SPDX-License-Identifier: MIT */
#include "batch_frame.h"

#include <sodium.h>
#include <string.h>

uint64_t frame_get(const uint8_t *p, unsigned width)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < width; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

void frame_put(uint8_t *p, uint64_t v, unsigned width)
{
    for (unsigned i = 0; i < width; i++) {
        p[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
    }
}

bool frame_parse(const uint8_t *buf, size_t len, struct frame *out)
{
    if (len < FRAME_HEADER + FRAME_SIG || memcmp(buf, "ACSABAT1", 8) != 0) {
        return false;
    }
    uint64_t count = frame_get(buf + 48, 4);
    if (count > FRAME_RECORDS_MAX) {
        return false;
    }
    size_t pos = FRAME_HEADER;
    for (uint32_t i = 0; i < count; i++) {
        if (len - pos < 4) {
            return false;
        }
        size_t n = (size_t)frame_get(buf + pos, 4);
        pos += 4;
        if (n > len - pos) {
            return false;
        }
        out->bodies[i] = buf + pos;
        out->lens[i] = n;
        pos += n;
    }
    if (len - pos != FRAME_SIG) {
        return false;
    }
    out->count = (uint32_t)count;
    out->sig_at = pos;
    return true;
}

void frame_sign(uint8_t *buf, const struct frame *frame, const uint8_t sk[64])
{
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    crypto_hash_sha256_update(&state, buf, FRAME_HEADER);
    for (uint32_t i = 0; i < frame->count; i++) {
        uint8_t hash[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(hash, frame->bodies[i], frame->lens[i]);
        crypto_hash_sha256_update(&state, hash, sizeof(hash));
    }
    uint8_t digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    crypto_sign_detached(buf + frame->sig_at, NULL, digest, sizeof(digest), sk);
}

size_t frame_build(const uint8_t *header, const uint8_t *const *bodies, const size_t *lens,
                   uint32_t count, uint8_t *out, size_t cap)
{
    size_t need = FRAME_HEADER + FRAME_SIG;
    for (uint32_t i = 0; i < count; i++) {
        need += 4 + lens[i];
    }
    if (need > cap) {
        return 0;
    }
    memmove(out, header, FRAME_HEADER);
    frame_put(out + 48, count, 4);
    size_t pos = FRAME_HEADER;
    for (uint32_t i = 0; i < count; i++) {
        frame_put(out + pos, lens[i], 4);
        memcpy(out + pos + 4, bodies[i], lens[i]);
        pos += 4 + lens[i];
    }
    memset(out + pos, 0, FRAME_SIG);
    return need;
}
