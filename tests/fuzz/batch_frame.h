/* SPDX-License-Identifier: MIT */
/* The framing of a batch as docs/ARCHITECTURE.md lays it out (magic, two nations, after,
 * through, ack, created, count; each record as a 32-bit length and its bytes; the Ed25519
 * signature over SHA-256 of the header and of each record): just enough for the harness to
 * find the records, rebuild a batch around mutated ones and sign it as the sender would. */
#ifndef ACSA_FUZZ_BATCH_FRAME_H
#define ACSA_FUZZ_BATCH_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER 52
#define FRAME_SIG 64
#define FRAME_RECORDS_MAX 256 /* The harness frames at most this many records. */

struct frame {
    uint32_t count;
    const uint8_t *bodies[FRAME_RECORDS_MAX];
    size_t lens[FRAME_RECORDS_MAX];
    size_t sig_at;            /* Offset of the signature. */
};

uint64_t frame_get(const uint8_t *p, unsigned width);
void frame_put(uint8_t *p, uint64_t v, unsigned width);
/** Finds the records and the signature; false unless the layout is whole. */
bool frame_parse(const uint8_t *buf, size_t len, struct frame *out);
/** Signs buf (a whole layout) in place with sk. */
void frame_sign(uint8_t *buf, const struct frame *frame, const uint8_t sk[64]);
/** Writes header (FRAME_HEADER bytes, count replaced) and the records of frame into out (cap
 * bytes) with a zero signature; its length, or 0 if it does not fit. */
size_t frame_build(const uint8_t *header, const uint8_t *const *bodies, const size_t *lens,
                   uint32_t count, uint8_t *out, size_t cap);

#endif
