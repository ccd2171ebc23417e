/* SPDX-License-Identifier: MIT */
/* Every bound of the application layer in one place (the core's are in core/limits.h, the
 * store's in store/store_limits.h), with the relations between them checked at compile time. */
#ifndef ACSA_APP_LIMITS_H
#define ACSA_APP_LIMITS_H

#include <stdint.h>

#include "record.h"
#include "limits.h"

/* Node identity and the sync wire. */
#define ACSA_KEY_TEXT_SIZE 65              /* A public key as hex, plus NUL. */
#define ACSA_FINGERPRINT_TEXT_SIZE 48      /* "SHA256:" and 8 groups of 4 hex, plus NUL. */
#define ACSA_NONCE_BYTES 16                /* Random bytes of a request's nonce. */
#define ACSA_NONCE_TEXT_SIZE (2 * ACSA_NONCE_BYTES + 1)   /* As hex, plus NUL. */
#define ACSA_SHA256_TEXT_SIZE 65           /* A SHA-256 as hex, plus NUL. */
#define ACSA_SIGNATURE_TEXT_SIZE 129       /* An Ed25519 signature as hex, plus NUL. */
#define ACSA_WIRE_TARGET_MAX 1024          /* Longest path and query a signed request has. */
#define ACSA_WIRE_MESSAGE_SIZE (ACSA_WIRE_TARGET_MAX + 256)  /* Room for a signed message. */
#define ACSA_REQUEST_SKEW_S 900            /* Clock difference tolerated on signed requests. */

/* Batches, bundles and snapshots. */
#define ACSA_BATCH_RECORDS_MAX 10000       /* Most records one batch may carry. */
#define ACSA_BATCH_BYTES_MAX (32u << 20)   /* Largest batch or bundle accepted. */
#define ACSA_BATCH_RECORDS_DEFAULT 2000    /* Records per batch sent. */
#define ACSA_BATCH_TIME_MAX INT64_C(253402300799) /* A batch's time: 9999-12-31T23:59:59Z. */
#define ACSA_SNAPSHOT_BYTES_MAX (16u << 20)    /* Largest snapshot accepted. */
/* Orders one snapshot may list: each takes at most 2 + 31 + 8 bytes. */
#define ACSA_SNAPSHOT_ORDERS_MAX 400000u
/* Balance figures: every account of up to 64 currencies. */
#define ACSA_SNAPSHOT_BALANCES_MAX 1024u
#define ACSA_SNAPSHOT_SIGNATURE_SIZE 64
#define ACSA_SNAPSHOT_TEXT_MAX 255   /* Longest text of a snapshot: numbers, codes, accounts. */
/* A bundle: the batch, then the snapshot. */
#define ACSA_BUNDLE_BYTES_MAX (ACSA_BATCH_BYTES_MAX + ACSA_SNAPSHOT_BYTES_MAX)
/* The quarantine keeps at most this much of what it refused (batch.c): a batch of this size
 * or more may have been cut and cannot be taken in again from the copy. */
#define ACSA_QUARANTINE_KEPT_BYTES_MAX 65536u

/* Supporting documents: the largest file attached (a scan or photograph of a ticket or note),
 * named in the refusal ("--file: 21.3 MiB is over the 20 MiB limit for a document"). */
#define ACSA_DOCUMENT_BYTES_MAX (20u << 20)
/* A bundle carries the bytes of the documents its records name after its snapshot, in a
 * section of at most this many bytes and files (more: left for a later bundle, and said). */
#define ACSA_BUNDLE_DOCUMENTS_BYTES_MAX (128u << 20)
#define ACSA_BUNDLE_DOCUMENTS_MAX 1024u

/* Accounts. */
#define ACSA_PASSWORD_MIN 12          /* Characters. */
#define ACSA_PASSWORD_MAX 256         /* Bytes. */
#define ACSA_SESSION_SECONDS 28800    /* Sessions last 8 hours. */
#define ACSA_IDEMPOTENCY_KEY_SIZE 65  /* 1-64 characters [A-Za-z0-9_-], plus NUL. */
#define ACSA_IDEMPOTENCY_SECONDS 86400 /* Stored responses are replayed for 24 hours. */

/* Agreements an app handle keeps parsed. */
#define ACSA__APP_AGREEMENT_CACHE 16

_Static_assert(ACSA_KEY_TEXT_SIZE == 2 * ACSA_PUBLIC_KEY_SIZE + 1, "a public key as hex");
_Static_assert(ACSA_SIGNATURE_TEXT_SIZE == 2 * ACSA_SIGNATURE_SIZE + 1, "a signature as hex");
_Static_assert(ACSA_SNAPSHOT_SIGNATURE_SIZE == ACSA_SIGNATURE_SIZE, "snapshots are signed too");
_Static_assert(ACSA_SHA256_TEXT_SIZE == ACSA_SECRET_TEXT_SIZE, "both are 32 bytes as hex");
_Static_assert(ACSA_BATCH_RECORDS_DEFAULT <= ACSA_BATCH_RECORDS_MAX,
               "a node sends batches its partner takes");
/* A batch of many large records is cut by bytes on export (batch.c), never refused. */
_Static_assert(ACSA_RECORD_MAX + 1024 < ACSA_BATCH_BYTES_MAX, "a batch holds the largest record");
_Static_assert(ACSA_RECORD_MAX < ACSA_QUARANTINE_KEPT_BYTES_MAX,
               "a quarantined record is always kept whole");
_Static_assert(ACSA_SNAPSHOT_TEXT_MAX >= ACSA_NUMBER_SIZE - 1, "an order number fits");
_Static_assert(ACSA_IDEMPOTENCY_SECONDS > ACSA_SESSION_SECONDS,
               "a retry within a session is always recognised");

/* CSV imports of orders (import.h): the largest file, its data rows, the errors one import
 * reports in full (the rest are counted), and an order_ref. */
#define ACSA_IMPORT_BYTES_MAX (4u << 20)
#define ACSA_IMPORT_ROWS_MAX 10000u
#define ACSA_IMPORT_ERRORS_MAX 50u
#define ACSA_IMPORT_REF_SIZE 64

#endif
