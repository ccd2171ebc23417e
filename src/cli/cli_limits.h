/* SPDX-License-Identifier: MIT */
/* Every bound of the acsa command in one place (the layers below keep theirs in their own
 * limits headers), with the relations between them checked at compile time. */
#ifndef ACSA_CLI_LIMITS_H
#define ACSA_CLI_LIMITS_H

#include "limits.h"
#include "server_limits.h"

#define CLI_VERB_SIZE 40       /* "acsa" plus the longest verb path, e.g. "order accept-return". */
#define CLI_OPTIONS_MAX 24     /* Options of one verb, besides --db, --json and --help. */
#define CLI_LINE_SPEC_MAX 1024 /* One --line of an order, as typed. */
#define CLI_AGREEMENT_FILE_MAX (4u * 1024u * 1024u)  /* An agreement file. */
#define CLI_JOINED_SIZE 1200   /* Room for every code of an agreement list, joined. */
#define CLI_COLUMNS_MAX 16     /* Columns of a table. */
#define CLI_GROUPED_SIZE 64    /* An amount grouped by thousands, with its NUL. */
/* Longest line of cli_field once formatted (a label and a few stored names). */
#define CLI_FIELD_LINE_MAX 1024
/* Room for the longest escape terminal_piece shows, "\u009b", and its NUL. */
#define CLI_ESCAPE_SIZE 8
#define CLI_POSTING_LINE_MAX 160  /* One ledger posting under its event. */
/* The officials who approved, accepted or rejected an order, with the titles of their
 * grants on the day (DOMAIN requirement 4: name and title of the approving officials). */
#define CLI_SHOWN_OFFICIALS_MAX 8
#define CLI_CONFIG_MAX (64u * 1024u)  /* acsa serve's configuration file. */
#define CLI_LISTEN_SIZE (ACSA_SERVER_ADDRESS_SIZE + 8)  /* --listen ADDRESS:PORT. */

_Static_assert(CLI_LINE_SPEC_MAX > ACSA_TEXT_SIZE + ACSA_NSN_SIZE + ACSA_CODE_SIZE + 64,
               "a --line with the longest description, NSN and category fits");
_Static_assert(CLI_AGREEMENT_FILE_MAX >= ACSA_AGREEMENT_DOC_MAX,
               "every agreement the core can hold can be loaded");
_Static_assert(CLI_FIELD_LINE_MAX > 4 * ACSA_NAME_SIZE, "a label and a few names fit a line");
_Static_assert(CLI_ESCAPE_SIZE >= sizeof("\\u009b"), "the longest escape fits");

#endif
