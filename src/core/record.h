/* SPDX-License-Identifier: MIT */
/* Records: the facts one node sends its partner. Every order step, and the reference data an
 * order cites (activities, units), is one record with one canonical byte encoding, so that the
 * two nodes hash and sign exactly the same bytes. The layout is in docs/ARCHITECTURE.md,
 * "Records". Pure: no I/O, no allocation, no clock. */
#ifndef ACSA_RECORD_H
#define ACSA_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "document.h"
#include "order.h"

#define ACSA_HASH_SIZE 32              /* SHA-256. */
#define ACSA_RECORD_MAX 32768          /* Longest encoding: a create with 64 full lines is
                                          under 24 KiB. */
#define ACSA_RECORD_VERSION 2

enum acsa_record_kind {
    ACSA_RECORD_STEP = 1,              /* One step of an order (create included). */
    ACSA_RECORD_ACTIVITY = 2,          /* An activity orders cite. */
    ACSA_RECORD_UNIT = 3,              /* A unit orders cite. */
    ACSA_RECORD_GRANT = 4,             /* A grant of authority to an official, or its
                                          revocation (the same grant, revoked_day set). */
    ACSA_RECORD_AGREEMENT = 5,         /* A fact of an agreement's lifecycle: an amendment,
                                          a notice of non-renewal or a termination. */
    ACSA_RECORD_DOCUMENT = 6,          /* A supporting document of an order line: its
                                          reference and hash; the bytes travel apart. */
};

/* What an agreement record says. */
enum acsa_agreement_action {
    ACSA_AGREEMENT_AMEND = 1,          /* A new version in force from day (both parties agreed
                                          it; the signer is the party that entered it). */
    ACSA_AGREEMENT_NOTICE = 2,         /* Notice of non-renewal given on day (either party). */
    ACSA_AGREEMENT_TERMINATE = 3,      /* Terminated from day, the first day no longer in force
                                          (either party). */
};

/* ACSA_RECORD_AGREEMENT: one fact of an agreement's lifecycle, signed by the node of the party
 * that gave or entered it. */
struct acsa_agreement_fact {
    char agreement_id[ACSA_ID_SIZE];
    enum acsa_agreement_action action;
    int32_t day;                       /* Effective day, day of notice, or of termination. */
    char actor[ACSA_NAME_SIZE];        /* Who entered it on the signing node. */
    char reason[ACSA_TEXT_SIZE];       /* terminate: required; else empty. */
    char document[ACSA_AGREEMENT_DOC_MAX]; /* amend: the new version as canonical JSON (the
                                              one text field that holds newlines); else "". */
};

/* Which party may sign a step. */
enum acsa_signer {
    ACSA_SIGNER_REQUESTER,
    ACSA_SIGNER_SUPPLIER,
    ACSA_SIGNER_EITHER,
    ACSA_SIGNER_DISPUTANT,             /* resolve: the party that raised the dispute. */
    ACSA_SIGNER_CORRECTED,             /* correct: the party entitled to the corrected step. */
    ACSA_SIGNER_NONE,                  /* void: derived on each node, never signed. */
};

/* A reference datum (activity, unit) named as its origin node numbered it; id 0: none. */
struct acsa_ref {
    char origin[ACSA_NATION_SIZE];
    int64_t id;
};

struct acsa_record {
    enum acsa_record_kind kind;
    char origin[ACSA_NATION_SIZE];     /* The node that wrote and signs it. */
    int64_t seq;                       /* Its number among the origin's records: 1, 2, ... */
    uint8_t manual;                    /* 1: the origin entered a step of a partner that has no
                                          node (unsigned by that partner). */
    /* ACSA_RECORD_STEP */
    char number[ACSA_NUMBER_SIZE];     /* The order. */
    uint8_t prev_hash[ACSA_HASH_SIZE]; /* The order's previous record (zeros for create). */
    struct acsa_command command;       /* The step; command.official is always NULL here. */
    int64_t official_limit_minor;      /* approve/accept/reject: the actor's limit in the order
                                          currency, as the signing node holds it; else 0. */
    /* create */
    char agreement_id[ACSA_ID_SIZE];
    struct acsa_ref activity;
    struct acsa_ref requester_unit;
    struct acsa_ref supplier_unit;
    struct acsa_order_draft draft;     /* line_currency[0] carries the order currency. */
    /* exchange */
    char other_number[ACSA_NUMBER_SIZE];
    uint8_t other_prev_hash[ACSA_HASH_SIZE];
    /* ACSA_RECORD_ACTIVITY (id: ref id) and ACSA_RECORD_UNIT (party, name) */
    int64_t ref_id;                    /* The origin's id of the activity or unit. */
    struct acsa_activity ref_activity;
    char unit_party[ACSA_NATION_SIZE];
    char unit_name[ACSA_NAME_SIZE];
    /* ACSA_RECORD_GRANT (ref_id: the origin's id of the grant; grant.id unused) */
    struct acsa_grant grant;
    /* ACSA_RECORD_UNIT, appended: the unit's participating service ("" not known). */
    char unit_service[ACSA_CODE_SIZE];
    /* ACSA_RECORD_AGREEMENT */
    struct acsa_agreement_fact life;
    /* ACSA_RECORD_DOCUMENT */
    struct acsa_document_ref document;
};

/** The name of an agreement action ("amend", "notice", "terminate"), "" if not one. */
const char *acsa_agreement_action_name(enum acsa_agreement_action action);

/** Who may sign step. */
enum acsa_signer acsa_step_signer(enum acsa_step step);

/** The party entitled to take step on order: requester or supplier, or NULL for either. For
 * resolve, the party that raised the dispute (NULL if not known); for correct, which needs
 * the corrected step, NULL: use acsa_command_party. */
const char *acsa_step_party(const struct acsa_order *order, enum acsa_step step);

/** The party entitled to take cmd on order: acsa_step_party, and for correct the party
 * entitled to the corrected step (issue, accept-return: supplier; receive, return:
 * requester). NULL for either. */
const char *acsa_command_party(const struct acsa_order *order, const struct acsa_command *cmd);

/** Writes the canonical encoding of record into buf (cap bytes; ACSA_RECORD_MAX always
 * suffices). ACSA_EUSAGE naming the field if a text is too long or a value out of range. */
ACSA_NODISCARD enum acsa_rc acsa_record_encode(const struct acsa_record *record, uint8_t *buf,
                                               size_t cap, size_t *out_len,
                                               struct acsa_error *err);

/** Decodes one record of exactly len bytes. Refuses (ACSA_EREFUSED, field named) a wrong
 * version or kind, a truncated or overlong input, texts that are not NUL-free or too long,
 * unknown steps and methods, and trailing bytes; then every value acsa_record_check refuses.
 * On refusal *out is zeroed. Pure: a partner's bytes can reach no assertion through it. */
ACSA_NODISCARD enum acsa_rc acsa_record_decode(const uint8_t *buf, size_t len,
                                               struct acsa_record *out, struct acsa_error *err);

/** Whether every field of record lies in its range (docs/ARCHITECTURE.md, "Records"): origin
 * a nation, seq 1..ACSA_RECORD_SEQ_MAX, texts one line of text.h's rule (a refused text is
 * quoted with \xNN escapes in the message), days within ACSA_DATE_FIRST..ACSA_DATE_STEP_LAST
 * (steps) or ..ACSA_DATE_LAST (need_by, activities), a line 1..ACSA_ORDER_LINES_MAX and a
 * positive quantity on per-line steps only, a positive amount and a known currency on a
 * payment only, an official limit only on approve, accept and reject, 1..ACSA_ORDER_LINES_MAX
 * lines with positive quantities and prices not negative, positive reference ids. ACSA_OK or
 * ACSA_EREFUSED with err naming the field ("record.line: 16777215 is outside 0..0"). */
ACSA_NODISCARD enum acsa_rc acsa_record_check(const struct acsa_record *record,
                                              struct acsa_error *err);

/** Clears what the step of a step record does not carry (a line and quantity but on issue,
 * receive, return and accept-return; an amount and currency but on pay; an official limit but
 * on approve, accept and reject), as acsa_record_check requires. */
void acsa_record_normalize(struct acsa_record *record);

/** The entry point of a fuzzer: acsa_record_decode into *scratch, then, for a record that
 * decodes, the invariant that it encodes to exactly buf (one record, one encoding; broken, it
 * aborts). Returns what acsa_record_decode returned. Pure; needs about 40 KiB of stack. */
ACSA_NODISCARD enum acsa_rc acsa_record_roundtrip(const uint8_t *buf, size_t len,
                                                  struct acsa_record *scratch,
                                                  struct acsa_error *err);

/* One fact of an order that both nodes must agree on: "state", "line 2.received", ... */
typedef void (*acsa_fact_cb)(void *ctx, const char *field, const char *value);

/** Calls cb for each fact of order the two parties share, in a fixed order: number, parties,
 * method, currency, state, dates, amounts, and per line its quantities and values. Local ids
 * (units, activity) and the actors are left out: they are not shared facts. */
void acsa_order_facts(const struct acsa_order *order, acsa_fact_cb cb, void *ctx);

/** A 64-bit digest (FNV-1a) of the facts: equal orders give equal digests on both nodes. */
uint64_t acsa_order_fingerprint(const struct acsa_order *order);

#endif
