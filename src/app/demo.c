/* SPDX-License-Identifier: MIT */
/* The demo data set: India's node under the India-Japan agreement, with three exercises,
 * about sixty orders in every state and settlement method, and a user for every role. Every
 * write goes through the application commands, so the demo obeys the rules a user does; its
 * data is fully deterministic (the audit log records when it ran). */
#include "demo.h"
#include "alloc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "acsa_assert.h"
#include "date.h"
#include "app_int.h"
#include "app.h"
#include "auth.h"

/* Mirrors agreements/india-japan-2020.json: tests/unit/test_demo.c checks that both parse to
 * the same agreement. Embedded so that the demo does not depend on the working directory. */
static const char demo_agreement[] =
    "{\n"
    "  \"id\": \"IN-JP-2020\",\n"
    "  \"title\": \"Agreement concerning reciprocal provision of supplies and services between "
    "the Self-Defense Forces of Japan and the Indian Armed Forces\",\n"
    "  \"parties\": [\"IN\", \"JP\"],\n"
    "  \"signed\": \"2020-09-09\",\n"
    "  \"effective_from\": \"2020-09-09\",\n"
    "  \"term_years\": 10,\n"
    "  \"renewal_years\": 10,\n"
    "  \"terminated\": null,\n"
    "  \"activity_types\": [\"bilateral-training\", \"un-pko\", \"humanitarian-relief\",\n"
    "    \"disaster-response\", \"evacuation\", \"routine\", \"other-lawful\"],\n"
    "  \"categories\": [\"food\", \"water\", \"billeting\", \"transportation\", \"pol\",\n"
    "    \"clothing\", \"communications\", \"medical\", \"base-support\", \"storage\",\n"
    "    \"facilities\", \"training-services\", \"spare-parts\", \"repair-maintenance\",\n"
    "    \"airport-seaport\"],\n"
    "  \"services\": {\"IN\": [\"army\", \"navy\", \"air-force\"], \"JP\": [\"jgsdf\", "
    "\"jmsdf\", \"jasdf\"]},\n"
    "  \"excluded\": [\"weapons\", \"ammunition\"],\n"
    "  \"settlement\": {\n"
    "    \"cash\": {\"due_days\": 30},\n"
    "    \"rik\": {\"due_days\": 365},\n"
    "    \"eve\": {\"due_days\": 365}\n"
    "  },\n"
    "  \"currencies\": [\"JPY\", \"INR\", \"USD\"],\n"
    "  \"conversion\": \"automatic\",\n"
    "  \"invoice_within_days\": 30,\n"
    "  \"ageing_buckets\": [30, 90, 365],\n"
    "  \"pricing_basis\": \"Reimbursement at the price the supplying party charges its own armed "
    "forces for the same supplies or services; where none exists, a price both parties agree "
    "before the order is accepted.\"\n"
    "}\n";

const char *acsa_demo_agreement_json(void)
{
    return demo_agreement;
}

/* ---- Reference data --------------------------------------------------------------------- */

enum { PARTY_IN, PARTY_JP };
static const char *const demo_parties[2] = {"IN", "JP"};

static const struct {
    int party;
    const char *name;
} demo_units[] = {
    {PARTY_IN, "Indian Army"},
    {PARTY_IN, "Indian Navy"},
    {PARTY_IN, "Indian Air Force"},
    {PARTY_JP, "Japan Ground Self-Defense Force 陸上自衛隊"},
    {PARTY_JP, "Japan Maritime Self-Defense Force"},
    {PARTY_JP, "Japan Air Self-Defense Force"},
};
#define DEMO_UNITS (sizeof(demo_units) / sizeof(demo_units[0]))

/* Authorised officials and their approval limits (minor units: paise, yen, cents). */
static const struct {
    int party;
    const char *name;
    int64_t inr;
    int64_t jpy;
    int64_t usd;
    const char *title;
} demo_officials[] = {
    {PARTY_IN, "Col R. Mehta", 250000000, 10000000, 6000000, "Director, Army Logistics"},
    {PARTY_IN, "Cdr A. Rao", 500000000, 20000000, 10000000, "Fleet Logistics Officer"},
    {PARTY_IN, "Gp Capt S. Nair", 500000000, 15000000, 10000000, "Air Logistics Officer"},
    {PARTY_JP, "Col T. Yamamoto", 500000000, 10000000, 6000000, "Chief, JGSDF Supply"},
    {PARTY_JP, "Capt K. Sato", 1000000000, 30000000, 20000000, "Chief, JMSDF Supply"},
    {PARTY_JP, "Col H. Watanabe", 500000000, 15000000, 10000000, "Chief, JASDF Supply"},
};
#define DEMO_OFFICIALS (sizeof(demo_officials) / sizeof(demo_officials[0]))

/* Users to sign in to the server with, one per role for India and the Japanese roles an order
 * from India needs; all share DEMO_PASSWORD. They act as the JIMEX 2024 cast, so the
 * approvers are officials with limits. */
#define DEMO_PASSWORD "demo-password-1"
static const struct {
    const char *username;
    const char *name;
    enum acsa_role role;
    int party;
    int unit;   /* Index into demo_units, or -1 for none. */
} demo_users[] = {
    {"in-requester", "Lt Cdr M. Pillai", ACSA_ROLE_REQUESTER, PARTY_IN, 1},
    {"in-approver", "Cdr A. Rao", ACSA_ROLE_APPROVER, PARTY_IN, -1},
    {"in-clerk", "MCPO D. Fernandes", ACSA_ROLE_SUPPLIER_CLERK, PARTY_IN, 1},
    {"in-finance", "Cdr N. Menon", ACSA_ROLE_FINANCE_OFFICER, PARTY_IN, -1},
    {"in-programme", "Capt V. Kulkarni", ACSA_ROLE_PROGRAMME_OFFICER, PARTY_IN, -1},
    {"in-auditor", "Ms R. Sharma", ACSA_ROLE_AUDITOR, PARTY_IN, -1},
    {"jp-requester", "Lt K. Tanaka", ACSA_ROLE_REQUESTER, PARTY_JP, 4},
    {"jp-approver", "Capt K. Sato", ACSA_ROLE_APPROVER, PARTY_JP, -1},
    {"jp-clerk", "CPO T. Ito", ACSA_ROLE_SUPPLIER_CLERK, PARTY_JP, 4},
    {"jp-finance", "Cdr M. Kato", ACSA_ROLE_FINANCE_OFFICER, PARTY_JP, -1},
};
#define DEMO_USERS (sizeof(demo_users) / sizeof(demo_users[0]))

/* One thing an exercise's orders may ask for; prices are set in yen and converted. */
struct demo_item {
    const char *category;
    const char *description;
    const char *nsn;
    const char *unit;
    int64_t price_jpy;   /* Unit price in yen. */
    int64_t base;        /* Typical quantity of one order, in whole units. */
};

/* Who acts for one party in one exercise. */
struct demo_cast {
    const char *raiser;   /* Raises and submits the party's orders. */
    const char *official; /* Approves the party's orders, accepts or rejects the partner's. */
    const char *store;    /* Issues what the party supplies, receives what it requests. */
    const char *finance;  /* Invoices what the party supplied, pays what it received. */
};

struct demo_exercise {
    const char *name;
    int32_t from_ymd;
    int32_t to_ymd;
    const char *place;
    size_t unit[2];                  /* Index into demo_units, for IN and for JP. */
    struct demo_cast cast[2];        /* For IN and for JP. */
    const struct demo_item *items;   /* Catalogue; letters A, B, ... in the order specs. */
    size_t item_count;
};

/* Dharma Guardian: India hosts; letters A-G are Indian supplies, H-J Japanese ones. */
static const struct demo_item demo_items_dg[] = {
    {"billeting", "Barrack accommodation, Mahajan cantonment", "", "night", 2800, 600},
    {"food", "Fresh rations, Indian Army field scale", "", "ration", 900, 1200},
    {"water", "Potable water by bowser", "", "l", 2, 60000},
    {"pol", "High-speed diesel for vehicles", "9140-00-286-5294", "l", 140, 8000},
    {"transportation", "Ground transport, 3-tonne truck with driver", "", "km", 260, 3000},
    {"facilities", "Field firing range, per range-day", "", "day", 350000, 6},
    {"medical", "Medical cover, field ambulance with team", "", "day", 95000, 14},
    {"communications", "Satellite terminal airtime", "", "min", 250, 2000},
    {"medical", "Individual first-aid kit", "6545-01-532-3674", "ea", 7500, 60},
    {"food", "Combat rations, JGSDF type II", "", "ration", 1100, 300},
};

/* JIMEX: Japan hosts at Yokosuka; A-G and I are Japanese supplies, H, J and K Indian ones. */
static const struct demo_item demo_items_jx[] = {
    {"airport-seaport", "Berthing, Yokosuka, per ship-day", "", "day", 320000, 6},
    {"pol", "Marine diesel fuel F-76", "9140-00-273-2377", "l", 115, 80000},
    {"food", "Fresh provisions", "", "kg", 850, 2500},
    {"water", "Potable water alongside", "", "l", 2, 300000},
    {"spare-parts", "Impeller, centrifugal fire pump", "4320-01-447-8219", "ea", 185000, 3},
    {"repair-maintenance", "Diesel generator overhaul, shipyard labour", "", "hr", 11000, 120},
    {"transportation", "Bus, ship to Yokosuka station", "", "km", 400, 900},
    {"pol", "Aviation fuel JP-5 for embarked helicopter", "9130-00-273-2379", "l", 135, 12000},
    {"airport-seaport", "Tug assistance, per movement", "", "ea", 240000, 4},
    {"water", "Potable water transfer at sea", "", "l", 3, 150000},
    {"pol", "Marine diesel F-76, replenishment at sea", "9140-00-273-2377", "l", 115, 40000},
};

/* Veer Guardian: Japan hosts at Hyakuri; G and K are Indian supplies, the rest Japanese. */
static const struct demo_item demo_items_vg[] = {
    {"pol", "Aviation turbine fuel JP-4", "9130-00-256-8613", "l", 95, 60000},
    {"airport-seaport", "Aircraft handling and ground power, per sortie", "", "sortie", 55000,
     40},
    {"facilities", "Hangar space, per aircraft-day", "", "day", 42000, 60},
    {"billeting", "Base accommodation, Hyakuri", "", "night", 4200, 450},
    {"transportation", "Crew bus, Hyakuri and Narita", "", "km", 330, 1500},
    {"food", "Messing, three meals", "", "day", 2300, 450},
    {"transportation", "Airlift of JASDF cargo by IAF C-17, per tonne", "", "t", 160000, 10},
    {"storage", "Bonded storage for aircraft spares", "", "m3-day", 1400, 400},
    {"medical", "Aviation medicine support", "", "day", 85000, 10},
    {"communications", "Secure line rental", "", "day", 22000, 14},
    {"communications", "Satellite link time, IAF terminal", "", "min", 300, 1500},
};

enum { DG, JX, VG, DEMO_EXERCISES };

#define ITEMS(array) array, sizeof(array) / sizeof(array[0])
static const struct demo_exercise demo_exercises[DEMO_EXERCISES] = {
    [DG] = {"Dharma Guardian 2024", 20240225, 20240309, "Mahajan Field Firing Range, Rajasthan",
            {0, 3},
            {{"Maj V. Singh", "Col R. Mehta", "Sub Maj K. Yadav", "Lt Col P. Iyer"},
             {"Capt S. Nakamura", "Col T. Yamamoto", "SFC H. Kobayashi", "Maj Y. Suzuki"}},
            ITEMS(demo_items_dg)},
    [JX] = {"JIMEX 2024", 20240611, 20240620, "Yokosuka", {1, 4},
            {{"Lt Cdr M. Pillai", "Cdr A. Rao", "MCPO D. Fernandes", "Cdr N. Menon"},
             {"Lt K. Tanaka", "Capt K. Sato", "CPO T. Ito", "Cdr M. Kato"}},
            ITEMS(demo_items_jx)},
    [VG] = {"Veer Guardian 2025", 20250112, 20250126, "Hyakuri Air Base", {2, 5},
            {{"Sqn Ldr A. Verma", "Gp Capt S. Nair", "JWO R. Chauhan", "Wg Cdr L. D'Souza"},
             {"Capt R. Mori", "Col H. Watanabe", "MSgt S. Hayashi", "Maj A. Fujita"}},
            ITEMS(demo_items_vg)},
};
#undef ITEMS

/* One demo order: what it asks for and how far it goes. */
struct demo_spec {
    int exercise;
    bool jp_requests;          /* false: India requests, Japan supplies. */
    enum acsa_method method;
    enum acsa_state target;    /* Where the order is left. */
    const char *currency;
    const char *items;         /* Catalogue letters, one per line. */
    int16_t offset;            /* Days from the exercise start to the order's creation. */
    int16_t lag;               /* Days from delivery to invoice, return, exchange or dispute. */
    uint8_t part;              /* Percent paid (cash, converted) or returned (rik) if left open. */
    uint8_t pair;              /* Eve: orders with the same non-zero pair are exchanged. */
    const char *reason;        /* For reject, cancel and dispute. */
};

#define M(method) ACSA_METHOD_##method
#define S(state) ACSA_STATE_##state
#define IN_JP false
#define JP_IN true
static const struct demo_spec demo_specs[] = {
    /* Dharma Guardian 2024. The first one is converted to cash when its deadline passes. */
    {DG, JP_IN, M(RIK), S(INVOICED), "INR", "D", -5, 0, 50, 0, NULL},
    {DG, JP_IN, M(CASH), S(CLOSED), "INR", "AB", 0, 21, 0, 0, NULL},
    {DG, JP_IN, M(CASH), S(SETTLED), "INR", "C", 1, 14, 0, 0, NULL},
    {DG, JP_IN, M(CASH), S(INVOICED), "INR", "EF", 2, 30, 0, 0, NULL},
    {DG, JP_IN, M(CASH), S(INVOICED), "INR", "G", 3, 25, 40, 0, NULL},
    {DG, JP_IN, M(CASH), S(DISPUTED), "INR", "E", 4, 20, 0, 0,
     "kilometres invoiced exceed the trip sheets"},
    {DG, JP_IN, M(RIK), S(DELIVERED), "INR", "BC", 1, 0, 0, 0, NULL},
    {DG, JP_IN, M(RIK), S(DELIVERED), "INR", "D", 2, 120, 30, 0, NULL},
    {DG, JP_IN, M(RIK), S(SETTLED), "INR", "C", 3, 200, 0, 0, NULL},
    {DG, JP_IN, M(RIK), S(CLOSED), "INR", "B", 5, 150, 0, 0, NULL},
    {DG, JP_IN, M(CASH), S(REJECTED), "INR", "F", 6, 0, 0, 0,
     "range allotted to another formation on the requested days"},
    {DG, JP_IN, M(CASH), S(CANCELLED), "INR", "A", 7, 0, 0, 0,
     "contingent moved to its own tented camp"},
    {DG, JP_IN, M(CASH), S(DELIVERED), "INR", "AB", 10, 0, 0, 0, NULL},
    {DG, JP_IN, M(CASH), S(DRAFT), "INR", "C", 8, 0, 0, 0, NULL},
    {DG, IN_JP, M(CASH), S(CLOSED), "JPY", "J", 2, 30, 0, 0, NULL},
    {DG, IN_JP, M(CASH), S(INVOICED), "USD", "H", 4, 40, 0, 0, NULL},
    {DG, IN_JP, M(RIK), S(DISPUTED), "JPY", "I", 3, 200, 0, 0,
     "twelve kits received damaged; quantity to be replaced contested"},
    /* JIMEX 2024. */
    {JX, IN_JP, M(EVE), S(SETTLED), "JPY", "B", -2, 30, 0, 1, NULL},
    {JX, JP_IN, M(EVE), S(CLOSED), "JPY", "K", 3, 30, 0, 1, NULL},
    {JX, IN_JP, M(CASH), S(CLOSED), "JPY", "AD", 0, 14, 0, 0, NULL},
    {JX, IN_JP, M(CASH), S(CLOSED), "JPY", "C", 1, 14, 0, 0, NULL},
    {JX, IN_JP, M(CASH), S(SETTLED), "JPY", "EF", 2, 25, 0, 0, NULL},
    {JX, IN_JP, M(CASH), S(SETTLED), "USD", "G", 4, 20, 0, 0, NULL},
    {JX, IN_JP, M(CASH), S(INVOICED), "JPY", "AI", 5, 30, 0, 0, NULL},
    {JX, IN_JP, M(CASH), S(INVOICED), "JPY", "B", 6, 20, 60, 0, NULL},
    {JX, IN_JP, M(CASH), S(DISPUTED), "JPY", "F", 7, 35, 0, 0,
     "labour hours invoiced exceed the job card"},
    {JX, IN_JP, M(RIK), S(DELIVERED), "JPY", "D", 2, 90, 50, 0, NULL},
    {JX, IN_JP, M(RIK), S(DELIVERED), "JPY", "B", 3, 0, 0, 0, NULL},
    {JX, IN_JP, M(RIK), S(SETTLED), "JPY", "B", 1, 180, 0, 0, NULL},
    {JX, IN_JP, M(EVE), S(DELIVERED), "JPY", "I", 4, 0, 0, 0, NULL},
    {JX, JP_IN, M(CASH), S(CLOSED), "INR", "J", 4, 20, 0, 0, NULL},
    {JX, JP_IN, M(CASH), S(INVOICED), "USD", "H", 5, 30, 0, 0, NULL},
    {JX, JP_IN, M(RIK), S(DELIVERED), "JPY", "K", 6, 60, 25, 0, NULL},
    {JX, IN_JP, M(CASH), S(REJECTED), "JPY", "E", 3, 0, 0, 0,
     "no impellers of this pattern held at Yokosuka"},
    {JX, IN_JP, M(CASH), S(CANCELLED), "JPY", "G", 4, 0, 0, 0,
     "shore leave cancelled; the ship sails early"},
    {JX, JP_IN, M(CASH), S(DELIVERING), "INR", "HJ", 7, 0, 0, 0, NULL},
    /* Veer Guardian 2025. Three invoices go out late, in 2026. */
    {VG, IN_JP, M(EVE), S(INVOICED), "JPY", "CD", -3, 20, 0, 2, NULL},
    {VG, JP_IN, M(EVE), S(SETTLED), "JPY", "G", 2, 20, 0, 2, NULL},
    {VG, IN_JP, M(CASH), S(CLOSED), "JPY", "A", 0, 14, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(SETTLED), "JPY", "BF", 1, 21, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(INVOICED), "JPY", "E", 2, 410, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(INVOICED), "JPY", "H", 3, 590, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(INVOICED), "USD", "I", 4, 635, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(INVOICED), "JPY", "DF", 5, 25, 50, 0, NULL},
    {VG, IN_JP, M(CASH), S(DELIVERED), "JPY", "J", 6, 0, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(DELIVERING), "JPY", "AB", 7, 0, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(DELIVERING), "USD", "E", 8, 0, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(ACCEPTED), "JPY", "C", 9, 0, 0, 0, NULL},
    {VG, IN_JP, M(RIK), S(ACCEPTED), "JPY", "A", 10, 0, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(APPROVED), "JPY", "D", 11, 0, 0, 0, NULL},
    {VG, IN_JP, M(EVE), S(APPROVED), "JPY", "F", 12, 0, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(SUBMITTED), "JPY", "H", 12, 0, 0, 0, NULL},
    {VG, JP_IN, M(CASH), S(SUBMITTED), "INR", "K", 13, 0, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(DRAFT), "JPY", "BC", 13, 0, 0, 0, NULL},
    {VG, JP_IN, M(CASH), S(DRAFT), "INR", "G", 14, 0, 0, 0, NULL},
    {VG, IN_JP, M(RIK), S(DELIVERED), "JPY", "A", 1, 0, 0, 0, NULL},
    {VG, IN_JP, M(RIK), S(CLOSED), "JPY", "A", 2, 90, 0, 0, NULL},
    {VG, IN_JP, M(CASH), S(DISPUTED), "JPY", "B", 4, 20, 0, 0,
     "sorties invoiced exceed the flying log"},
    {VG, IN_JP, M(CASH), S(REJECTED), "USD", "J", 5, 0, 0, 0,
     "no secure lines free during the exercise"},
    {VG, IN_JP, M(EVE), S(CANCELLED), "JPY", "D", 6, 0, 0, 0,
     "detachment reduced; accommodation no longer needed"},
};
#undef M
#undef S
#undef IN_JP
#undef JP_IN

#define DEMO_SPECS (sizeof(demo_specs) / sizeof(demo_specs[0]))
#define DEMO_SPECS_MAX 64
_Static_assert(DEMO_SPECS <= DEMO_SPECS_MAX, "raise DEMO_SPECS_MAX");

/* The day overdue in-kind obligations are converted: only the first order is past due then. */
#define DEMO_CONVERT_YMD 20250224
#define DEMO_CONVERTER "Lt Col P. Iyer"

/* ---- The run ------------------------------------------------------------------------- */

struct demo {
    struct acsa_app *app;
    struct acsa_error *err;
    char agreement_id[ACSA_ID_SIZE];
    int64_t unit_ids[DEMO_UNITS];
    int64_t activity_ids[DEMO_EXERCISES];
    uint32_t seed;                                  /* Fixed-seed LCG for quantities. */
    char numbers[DEMO_SPECS_MAX][ACSA_NUMBER_SIZE]; /* Per spec, once raised. */
    int32_t created[DEMO_SPECS_MAX];                /* Creation day per spec. */
    int32_t last[DEMO_SPECS_MAX];                   /* Day of the latest step per spec. */
    struct acsa_order_draft draft;                  /* The order being raised. */
    struct acsa_order order;                        /* Scratch for reading an order back. */
};

static int32_t demo_day(int32_t ymd)
{
    return acsa_date_from_ymd(ymd / 10000, ymd / 100 % 100, ymd % 100);
}

__attribute__((format(printf, 2, 3))) static void demo_progress(FILE *progress,
                                                                const char *format, ...)
{
    if (progress == NULL) {
        return;
    }
    va_list args;
    va_start(args, format);
    fputs("demo: ", progress);
    vfprintf(progress, format, args);
    fputc('\n', progress);
    va_end(args);
    fflush(progress);
}

/* Adds the spec's identity to the error of a failed step. */
static enum acsa_rc demo_failed(struct demo *d, size_t i, enum acsa_rc rc)
{
    struct acsa_error inner = *d->err;
    const struct demo_spec *s = &demo_specs[i];
    return acsa_error_set(d->err, rc, inner.field, "demo order spec %zu (%s, %s, target %s): %s",
                          i + 1, d->numbers[i][0] != '\0' ? d->numbers[i] : "not raised",
                          demo_exercises[s->exercise].name, acsa_state_name(s->target),
                          inner.message);
}

static const struct demo_cast *demo_cast_of(size_t i, bool requesting)
{
    const struct demo_spec *s = &demo_specs[i];
    int requester = s->jp_requests ? PARTY_JP : PARTY_IN;
    return &demo_exercises[s->exercise].cast[requesting ? requester : 1 - requester];
}

/* An exercise running now (from a few days ago to two weeks ahead), so that a new user can
 * raise an order today: the exercises of the demo history are too long past for the date
 * rules to let a new order cite them. */
#define DEMO_CURRENT_BEFORE 3
#define DEMO_CURRENT_AFTER 14

static enum acsa_rc demo_current_exercise(struct demo *d)
{
    int32_t today = acsa__app_today(0);
    int32_t year = 0;
    acsa_date_to_ymd(today, &year, NULL, NULL);
    struct acsa_activity activity;
    memset(&activity, 0, sizeof(activity));
    snprintf(activity.agreement_id, sizeof(activity.agreement_id), "%s", d->agreement_id);
    snprintf(activity.name, sizeof(activity.name), "PASSEX %d", (int)year);
    snprintf(activity.type, sizeof(activity.type), "bilateral-training");
    activity.from_day = today - DEMO_CURRENT_BEFORE;
    activity.to_day = today + DEMO_CURRENT_AFTER;
    snprintf(activity.place, sizeof(activity.place), "Yokosuka");
    int64_t id = 0;
    return acsa_app_activity_add(d->app, &activity, &id, d->err);
}

static enum acsa_rc demo_reference_data(struct demo *d)
{
    for (size_t i = 0; i < DEMO_UNITS; i++) {
        ACSA_TRY(acsa_app_unit_add(d->app, demo_parties[demo_units[i].party],
                                   demo_units[i].name, &d->unit_ids[i], d->err));
    }
    static const char *const currencies[3] = {"INR", "JPY", "USD"};
    for (size_t i = 0; i < DEMO_OFFICIALS; i++) {
        const int64_t limits[3] = {demo_officials[i].inr, demo_officials[i].jpy,
                                   demo_officials[i].usd};
        for (size_t c = 0; c < 3; c++) {
            /* One grant per currency, for every agreement, since the agreement began. */
            struct acsa_grant g;
            memset(&g, 0, sizeof(g));
            snprintf(g.party, sizeof(g.party), "%s", demo_parties[demo_officials[i].party]);
            snprintf(g.name, sizeof(g.name), "%s", demo_officials[i].name);
            snprintf(g.title, sizeof(g.title), "%s", demo_officials[i].title);
            snprintf(g.currency.code, sizeof(g.currency.code), "%s", currencies[c]);
            g.limit_minor = limits[c];
            g.from_day = acsa_date_from_ymd(2020, 1, 1);
            g.to_day = ACSA_DATE_NONE;
            g.revoked_day = ACSA_DATE_NONE;
            int64_t id = 0;
            ACSA_TRY(acsa_app_grant_add(d->app, &g, &id, d->err));
        }
    }
    for (size_t x = 0; x < DEMO_EXERCISES; x++) {
        const struct demo_exercise *e = &demo_exercises[x];
        struct acsa_activity activity;
        memset(&activity, 0, sizeof(activity));
        snprintf(activity.agreement_id, sizeof(activity.agreement_id), "%s", d->agreement_id);
        snprintf(activity.name, sizeof(activity.name), "%s", e->name);
        snprintf(activity.type, sizeof(activity.type), "bilateral-training");
        activity.from_day = demo_day(e->from_ymd);
        activity.to_day = demo_day(e->to_ymd);
        snprintf(activity.place, sizeof(activity.place), "%s", e->place);
        ACSA_TRY(acsa_app_activity_add(d->app, &activity, &d->activity_ids[x], d->err));
    }
    return demo_current_exercise(d);
}

static enum acsa_rc demo_accounts(struct demo *d)
{
    enum acsa_rc rc = ACSA_OK;
    for (size_t i = 0; rc == ACSA_OK && i < DEMO_USERS; i++) {
        struct acsa_user user;
        memset(&user, 0, sizeof(user));
        snprintf(user.username, sizeof(user.username), "%s", demo_users[i].username);
        snprintf(user.display_name, sizeof(user.display_name), "%s", demo_users[i].name);
        user.role = demo_users[i].role;
        snprintf(user.party, sizeof(user.party), "%s", demo_parties[demo_users[i].party]);
        user.unit_id = demo_users[i].unit >= 0 ? d->unit_ids[demo_users[i].unit] : 0;
        int64_t id = 0;
        rc = acsa_app_user_add(d->app, &user, DEMO_PASSWORD, &id, d->err);
    }
    return rc;
}

/* A deterministic pseudo-random number in 0..32767 (the classic ANSI C LCG). */
static uint32_t demo_random(struct demo *d)
{
    d->seed = d->seed * 1103515245u + 12345u;
    return (d->seed >> 16) & 0x7fffu;
}

/* A yen price in the order currency, at fixed demo rates (1 JPY = 0.55 INR = 0.0067 USD). */
static int64_t demo_price(int64_t jpy, const char *currency)
{
    if (strcmp(currency, "INR") == 0) {
        return jpy * 55;
    }
    if (strcmp(currency, "USD") == 0) {
        return (jpy * 2 + 1) / 3;
    }
    return jpy;
}

static void demo_draft(struct demo *d, size_t i)
{
    const struct demo_spec *s = &demo_specs[i];
    const struct demo_exercise *e = &demo_exercises[s->exercise];
    struct acsa_order_draft *draft = &d->draft;
    int requester = s->jp_requests ? PARTY_JP : PARTY_IN;
    memset(draft, 0, sizeof(*draft));
    snprintf(draft->requester, sizeof(draft->requester), "%s", demo_parties[requester]);
    snprintf(draft->supplier, sizeof(draft->supplier), "%s", demo_parties[1 - requester]);
    draft->requester_unit_id = d->unit_ids[e->unit[requester]];
    draft->supplier_unit_id = d->unit_ids[e->unit[1 - requester]];
    draft->method = s->method;
    snprintf(draft->place, sizeof(draft->place), "%s", e->place);
    for (const char *letter = s->items; *letter != '\0'; letter++) {
        size_t index = (size_t)(*letter - 'A');
        ACSA_ASSERT(*letter >= 'A' && index < e->item_count);
        ACSA_ASSERT(draft->line_count < ACSA_ORDER_LINES_MAX);
        const struct demo_item *item = &e->items[index];
        struct acsa_order_line *line = &draft->lines[draft->line_count];
        snprintf(line->category, sizeof(line->category), "%s", item->category);
        snprintf(line->description, sizeof(line->description), "%s", item->description);
        snprintf(line->nsn, sizeof(line->nsn), "%s", item->nsn);
        snprintf(line->unit_of_issue, sizeof(line->unit_of_issue), "%s", item->unit);
        int64_t quantity = item->base * (60 + (int64_t)(demo_random(d) % 81)) / 100;
        line->quantity_milli = (quantity > 0 ? quantity : 1) * ACSA_QUANTITY_SCALE;
        line->price_minor = demo_price(item->price_jpy, s->currency);
        snprintf(draft->line_currency[draft->line_count], ACSA_CURRENCY_SIZE, "%s",
                 s->currency);
        draft->line_count++;
    }
    /* Delivery is planned one line a day from the fourth day after the order is raised. */
    draft->need_by_day = d->created[i] + 3 + (int32_t)draft->line_count;
}

/* The demo enters the history of past exercises today: a step dated long ago is marked
 * back-entered, as an office keying in its paper records would mark it. */
#define DEMO_BACKDATE_DAYS 30

static const char *demo_backdate(int32_t day)
{
    int32_t today = acsa__app_today(0);
    return today != 0 && today - day > DEMO_BACKDATE_DAYS ? "demo: entered from paper records"
                                                          : "";
}

static struct acsa_command demo_command(enum acsa_step step, int32_t day, const char *actor,
                                        const char *reason)
{
    struct acsa_command cmd;
    memset(&cmd, 0, sizeof(cmd));
    cmd.step = step;
    cmd.day = day;
    snprintf(cmd.actor, sizeof(cmd.actor), "%s", actor);
    snprintf(cmd.reason, sizeof(cmd.reason), "%s", reason != NULL ? reason : "");
    snprintf(cmd.backdate_reason, sizeof(cmd.backdate_reason), "%s", demo_backdate(day));
    return cmd;
}

static enum acsa_rc demo_apply(struct demo *d, size_t i, const struct acsa_command *cmd)
{
    d->last[i] = cmd->day;
    return acsa_app_order_step(d->app, d->numbers[i], cmd, NULL, d->err);
}

static enum acsa_rc demo_step(struct demo *d, size_t i, enum acsa_step step, int32_t day,
                              const char *actor, const char *reason)
{
    struct acsa_command cmd = demo_command(step, day, actor, reason);
    return demo_apply(d, i, &cmd);
}

static enum acsa_rc demo_line_step(struct demo *d, size_t i, enum acsa_step step, int32_t day,
                                   const char *actor, uint32_t line_no, int64_t quantity_milli)
{
    struct acsa_command cmd = demo_command(step, day, actor, NULL);
    cmd.line_no = line_no;
    cmd.quantity_milli = quantity_milli;
    return demo_apply(d, i, &cmd);
}

/* Order of the states along the main path; rejected and cancelled branch off after approval,
 * disputed after delivery. */
static int demo_rank(enum acsa_state state)
{
    static const int rank[ACSA_STATE_COUNT] = {
        [ACSA_STATE_DRAFT] = 0,      [ACSA_STATE_SUBMITTED] = 1, [ACSA_STATE_APPROVED] = 2,
        [ACSA_STATE_REJECTED] = 2,   [ACSA_STATE_CANCELLED] = 2, [ACSA_STATE_ACCEPTED] = 3,
        [ACSA_STATE_DELIVERING] = 4, [ACSA_STATE_DELIVERED] = 5, [ACSA_STATE_DISPUTED] = 5,
        [ACSA_STATE_INVOICED] = 6,   [ACSA_STATE_SETTLED] = 7,   [ACSA_STATE_CLOSED] = 8,
    };
    return rank[state];
}

/* Submit, approve, then accept, reject or cancel. */
static enum acsa_rc demo_walk_signatures(struct demo *d, size_t i)
{
    const struct demo_spec *s = &demo_specs[i];
    const struct demo_cast *req = demo_cast_of(i, true);
    const struct demo_cast *sup = demo_cast_of(i, false);
    int32_t day = d->created[i];
    int rank = demo_rank(s->target);
    enum acsa_rc rc = ACSA_OK;
    if (rank >= 1) {
        rc = demo_step(d, i, ACSA_STEP_SUBMIT, day, req->raiser, NULL);
    }
    if (rc == ACSA_OK && rank >= 2) {
        rc = demo_step(d, i, ACSA_STEP_APPROVE, day + 1, req->official, NULL);
    }
    if (rc == ACSA_OK && s->target == ACSA_STATE_REJECTED) {
        return demo_step(d, i, ACSA_STEP_REJECT, day + 2, sup->official, s->reason);
    }
    if (rc == ACSA_OK && s->target == ACSA_STATE_CANCELLED) {
        return demo_step(d, i, ACSA_STEP_CANCEL, day + 3, req->raiser, s->reason);
    }
    if (rc == ACSA_OK && rank >= 3) {
        rc = demo_step(d, i, ACSA_STEP_ACCEPT, day + 2, sup->official, NULL);
    }
    return rc;
}

/* Issues and receives one line a day; an order left delivering has its last line in transit. */
static enum acsa_rc demo_walk_delivery(struct demo *d, size_t i)
{
    const struct demo_spec *s = &demo_specs[i];
    const struct demo_cast *req = demo_cast_of(i, true);
    const struct demo_cast *sup = demo_cast_of(i, false);
    uint32_t count = d->draft.line_count;
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t no = 1; rc == ACSA_OK && no <= count; no++) {
        int32_t day = d->created[i] + 3 + (int32_t)no;
        int64_t quantity = d->draft.lines[no - 1].quantity_milli;
        rc = demo_line_step(d, i, ACSA_STEP_ISSUE, day, sup->store, no, quantity);
        bool in_transit = s->target == ACSA_STATE_DELIVERING && no == count;
        if (rc == ACSA_OK && !in_transit) {
            rc = demo_line_step(d, i, ACSA_STEP_RECEIVE, day, req->store, no, quantity);
        }
    }
    return rc;
}

/* Pays what the spec says on an invoiced order (part of it if the order is left invoiced),
 * then closes it if it is to be closed. */
static enum acsa_rc demo_finish(struct demo *d, size_t i, int32_t day)
{
    const struct demo_spec *s = &demo_specs[i];
    const struct demo_cast *req = demo_cast_of(i, true);
    enum acsa_rc rc = acsa_app_order_get(d->app, d->numbers[i], &d->order, NULL, d->err);
    if (rc == ACSA_OK && d->order.state == ACSA_STATE_INVOICED) {
        int64_t open = d->order.cash_due_minor - d->order.paid_minor;
        int64_t amount = s->target == ACSA_STATE_INVOICED ? open * s->part / 100 : open;
        if (amount > 0) {
            struct acsa_command cmd = demo_command(ACSA_STEP_PAY, day, req->finance, NULL);
            cmd.amount_minor = amount;
            snprintf(cmd.currency, sizeof(cmd.currency), "%s", d->order.currency.code);
            rc = demo_apply(d, i, &cmd);
        }
        day += 10;
    }
    if (rc == ACSA_OK && s->target == ACSA_STATE_CLOSED) {
        rc = demo_step(d, i, ACSA_STEP_CLOSE, day, req->official, NULL);
    }
    return rc;
}

/* Returns in kind: every line in full, or part percent of the first line. */
static enum acsa_rc demo_return(struct demo *d, size_t i, int32_t day, unsigned part)
{
    const struct demo_cast *req = demo_cast_of(i, true);
    const struct demo_cast *sup = demo_cast_of(i, false);
    uint32_t count = part < 100 ? 1 : d->draft.line_count;
    enum acsa_rc rc = ACSA_OK;
    for (uint32_t no = 1; rc == ACSA_OK && no <= count; no++) {
        int64_t units = d->draft.lines[no - 1].quantity_milli / ACSA_QUANTITY_SCALE;
        int64_t quantity = units * part / 100;
        quantity = (quantity > 0 ? quantity : 1) * ACSA_QUANTITY_SCALE;
        rc = demo_line_step(d, i, ACSA_STEP_RETURN, day, req->store, no, quantity);
        if (rc == ACSA_OK) {
            rc = demo_line_step(d, i, ACSA_STEP_ACCEPT_RETURN, day + 7, sup->store, no,
                                quantity);
        }
    }
    return rc;
}

/* After delivery: invoice and pay (cash), return (rik), or dispute. Eve orders wait for their
 * exchange, rik orders to be converted wait for their deadline. */
static enum acsa_rc demo_walk_settlement(struct demo *d, size_t i)
{
    const struct demo_spec *s = &demo_specs[i];
    const struct demo_cast *req = demo_cast_of(i, true);
    const struct demo_cast *sup = demo_cast_of(i, false);
    int32_t day = d->last[i] + s->lag;
    bool dispute = s->target == ACSA_STATE_DISPUTED;
    enum acsa_rc rc = ACSA_OK;
    if (s->method == ACSA_METHOD_CASH && s->target != ACSA_STATE_DELIVERED) {
        rc = demo_step(d, i, ACSA_STEP_INVOICE, day, sup->finance, NULL);
        day += 14;
        if (rc == ACSA_OK && !dispute) {
            return demo_finish(d, i, day + 6);
        }
    }
    if (s->method == ACSA_METHOD_RIK && s->part > 0 && s->target == ACSA_STATE_DELIVERED) {
        return demo_return(d, i, day, s->part);
    }
    if (s->method == ACSA_METHOD_RIK && demo_rank(s->target) >= demo_rank(ACSA_STATE_SETTLED)) {
        ACSA_TRY(demo_return(d, i, day, 100));
        return demo_finish(d, i, day + 17);
    }
    if (rc == ACSA_OK && dispute) {
        rc = demo_step(d, i, ACSA_STEP_DISPUTE, day, req->finance, s->reason);
    }
    return rc;
}

static enum acsa_rc demo_raise(struct demo *d, size_t i)
{
    const struct demo_spec *s = &demo_specs[i];
    demo_draft(d, i);
    d->last[i] = d->created[i];
    snprintf(d->draft.backdate_reason, sizeof(d->draft.backdate_reason), "%s",
             demo_backdate(d->created[i]));
    ACSA_TRY(acsa_app_order_create(d->app, d->agreement_id, d->activity_ids[s->exercise],
                                   &d->draft, d->created[i], demo_cast_of(i, true)->raiser,
                                   d->numbers[i], d->err));
    int rank = demo_rank(s->target);
    ACSA_TRY(demo_walk_signatures(d, i));
    if (rank >= demo_rank(ACSA_STATE_DELIVERING)) {
        ACSA_TRY(demo_walk_delivery(d, i));
    }
    if (rank >= demo_rank(ACSA_STATE_DELIVERED)) {
        ACSA_TRY(demo_walk_settlement(d, i));
    }
    return ACSA_OK;
}

/* Raises every order in the order of its creation date, so numbers follow the calendar. */
static enum acsa_rc demo_orders(struct demo *d)
{
    size_t order[DEMO_SPECS];
    for (size_t i = 0; i < DEMO_SPECS; i++) {
        const struct demo_spec *s = &demo_specs[i];
        d->created[i] = demo_day(demo_exercises[s->exercise].from_ymd) + s->offset;
        size_t at = i;
        while (at > 0 && d->created[order[at - 1]] > d->created[i]) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = i;
    }
    for (size_t k = 0; k < DEMO_SPECS; k++) {
        enum acsa_rc rc = demo_raise(d, order[k]);
        if (rc != ACSA_OK) {
            return demo_failed(d, order[k], rc);
        }
    }
    return ACSA_OK;
}

/* Matches each eve pair, then pays any cash difference and closes as the specs say. */
static enum acsa_rc demo_exchanges(struct demo *d, uint32_t *out_count)
{
    *out_count = 0;
    for (size_t i = 0; i < DEMO_SPECS; i++) {
        for (size_t j = i + 1; demo_specs[i].pair != 0 && j < DEMO_SPECS; j++) {
            if (demo_specs[j].pair != demo_specs[i].pair) {
                continue;
            }
            int32_t day = (d->last[i] > d->last[j] ? d->last[i] : d->last[j]) +
                          demo_specs[i].lag;
            struct acsa_command cmd = demo_command(ACSA_STEP_EXCHANGE, day,
                                                   demo_exercises[demo_specs[i].exercise]
                                                       .cast[PARTY_IN].finance,
                                                   NULL);
            enum acsa_rc rc = acsa_app_order_exchange(d->app, d->numbers[i], d->numbers[j],
                                                      &cmd, d->err);
            if (rc != ACSA_OK) {
                return demo_failed(d, i, rc);
            }
            rc = demo_finish(d, i, day + 25);
            if (rc != ACSA_OK) {
                return demo_failed(d, i, rc);
            }
            rc = demo_finish(d, j, day + 25);
            if (rc != ACSA_OK) {
                return demo_failed(d, j, rc);
            }
            (*out_count)++;
        }
    }
    return ACSA_OK;
}

/* Converts the in-kind obligations past their deadline, then pays on them as the specs say. */
static enum acsa_rc demo_conversions(struct demo *d, uint32_t *out_count)
{
    int32_t day = demo_day(DEMO_CONVERT_YMD);
    enum acsa_rc rc = acsa_app_convert_overdue(d->app, day, day, DEMO_CONVERTER, NULL, NULL,
                                               out_count, d->err);
    for (size_t i = 0; rc == ACSA_OK && i < DEMO_SPECS; i++) {
        const struct demo_spec *s = &demo_specs[i];
        if (s->method == ACSA_METHOD_RIK && s->target == ACSA_STATE_INVOICED) {
            rc = demo_finish(d, i, day + 45);
            if (rc != ACSA_OK) {
                return demo_failed(d, i, rc);
            }
        }
    }
    return rc;
}

static enum acsa_rc demo_fill(struct demo *d, FILE *progress)
{
    const char *text = demo_agreement;
    enum acsa_rc rc = acsa_app_agreement_load(d->app, text, strlen(text), d->agreement_id,
                                              d->err);
    if (rc == ACSA_OK) {
        demo_progress(progress, "agreement %s loaded", d->agreement_id);
        rc = demo_reference_data(d);
    }
    if (rc == ACSA_OK) {
        demo_progress(progress, "%zu units, %zu officials and %d exercises added", DEMO_UNITS,
                      DEMO_OFFICIALS, DEMO_EXERCISES);
        rc = demo_accounts(d);
    }
    if (rc == ACSA_OK) {
        demo_progress(progress, "%zu users added (in-requester, in-approver, ..., jp-finance), "
                      "all with the password \"%s\": a demo-only database, never a real "
                      "node's", DEMO_USERS, DEMO_PASSWORD);
        rc = demo_orders(d);
    }
    uint32_t count = 0;
    if (rc == ACSA_OK) {
        demo_progress(progress, "%zu orders created", DEMO_SPECS);
        rc = demo_exchanges(d, &count);
    }
    if (rc == ACSA_OK) {
        demo_progress(progress, "%u equal-value exchange%s matched", count,
                      count == 1 ? "" : "s");
        rc = demo_conversions(d, &count);
    }
    if (rc == ACSA_OK) {
        demo_progress(progress, "%u overdue in-kind order%s converted to cash", count,
                      count == 1 ? "" : "s");
    }
    return rc;
}

enum acsa_rc acsa_demo_run(const char *path, FILE *progress, struct acsa_error *err)
{
    struct acsa_error local;
    err = err != NULL ? err : &local;
    acsa_error_clear(err);
    struct stat info;
    if (stat(path, &info) == 0) {
        return acsa_error_set(err, ACSA_EEXISTS, "db",
                              "db: %s already exists; the demo creates a new database", path);
    }
    enum acsa_rc rc = acsa_app_init(path, "IN", "Indian Armed Forces (demo node)", err);
    if (rc != ACSA_OK) {
        return rc;
    }
    demo_progress(progress, "node IN created at %s", path);
    struct demo *d = acsa_calloc(1, sizeof(*d));
    if (d == NULL) {
        rc = acsa_error_set(err, ACSA_ENOMEM, "", "out of memory");
    } else {
        d->err = err;
        d->seed = 20240225u;
        rc = acsa_app_open(path, ACSA_STORE_BULK_LOAD, &d->app, err);
    }
    if (rc == ACSA_OK) {
        rc = demo_fill(d, progress);
    }
    if (d != NULL) {
        acsa_app_close(d->app);
    }
    acsa_free(d);
    if (rc != ACSA_OK) {
        remove(path); /* Ours since acsa_app_init: leave no half-filled demo behind. */
    }
    return rc;
}
