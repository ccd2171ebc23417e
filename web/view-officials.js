// SPDX-License-Identifier: MIT
// Officials page (#/officials): the dated grants of authority of both parties' officials (who
// may approve, accept or reject which agreement's orders, in which currency, up to which limit,
// from when to when, and whether revoked), as of a day or the whole history, and the programme
// officer's forms to grant authority (a new dated grant; earlier ones stay) and to revoke an
// official from a date.

import { getAll, post } from "./api.js";
import { dataTable, h, note, panel, replace, select, stacked, tag } from "./dom.js";
import { busy, field, FormErrors, input } from "./forms.js";
import { csvLink } from "./export-links.js";
import { money } from "./format.js";
import { agreement, agreements, nations } from "./reference.js";
import { canGrantOfficials, canRevokeOfficials } from "./roles.js";
import { problemText, t } from "./i18n.js";

const dash = (text) => text || "—";

function grantColumns() {
    return [
        { label: t("officials.name"), cell: (g) => h("strong", {}, g.name) },
        { label: t("officials.title"), test: (g) => `official-title-${g.id}`, cell: (g) => dash(g.title) },
        { label: t("officials.party"), cell: (g) => g.party },
        { label: t("officials.agreement"), cell: (g) => g.agreement || t("officials.everyAgreementLower") },
        { label: t("officials.limit"), numeric: true, cell: (g) => money(g.limit, g.currency) },
        { label: t("officials.from"), nowrap: true, cell: (g) => g.from },
        { label: t("officials.to"), nowrap: true, cell: (g) => g.to || t("officials.openEnded") },
        { label: t("officials.revoked"), test: (g) => `official-revoked-${g.id}`,
            cell: (g) => (g.revoked ? tag(`from ${g.revoked}: ${g.revoke_reason || ""}`, "warn")
                : "—") },
    ];
}

/** The grants table, as of a day ("" for the whole history). */
async function loadGrants(target, asOf) {
    replace(target, note(t("officials.loadingGrants"), "officials-loading"));
    try {
        const query = asOf ? { as_of: asOf } : { all: "true" };
        const grants = await getAll("/api/officials", query);
        replace(target, grants.length === 0 ? note(t("officials.noGrant"), "officials-empty")
            : stacked(dataTable({ columns: grantColumns(), rows: grants, test: "officials-table",
                rowTest: (g) => `official-${g.id}`,
                caption: asOf ? t("officials.grantsOn", { date: asOf })
                    : t("officials.everyGrantEndedAndRevoked") })),
        csvLink("/api/officials", query, "officials-export"));
    } catch (error) {
        replace(target, h("p", { class: "form-error", role: "alert" }, problemText(error)));
    }
}

function revokeForm(onDone) {
    const errors = new FormErrors();
    const party = input({ name: "party", test: "revoke-party", maxlength: 2 });
    const name = input({ name: "name", test: "revoke-name" });
    const date = input({ name: "date", type: "date", test: "revoke-date" });
    const reason = input({ name: "reason", test: "revoke-reason" });
    const button = h("button", { type: "submit", class: "primary", test: "revoke-submit" },
        t("officials.revoke"));
    const result = h("p", { class: "note", test: "revoke-result", hidden: true });
    const form = h("form", { class: "form", test: "revoke-form" }, errors.top,
        field(t("officials.party"), party, { key: "party", errors, hint: "IN, JP, ..." }),
        field(t("officials.official"), name, { key: "name", errors, hint: t("officials.hintExact") }),
        field(t("officials.from"), date, { key: "date", errors,
            hint: t("officials.hintFirstDay") }),
        field(t("officials.reason"), reason, { key: "reason", errors, wide: true }), button, result);
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        errors.clear();
        await busy(button, async () => {
            try {
                const { data } = await post("/api/officials/revoke", { party: party.value,
                    name: name.value, date: date.value, reason: reason.value });
                result.textContent = `${data.revoked} grant(s) of ${data.name} end on ${data.date}.`;
                result.hidden = false;
                onDone();
            } catch (error) {
                errors.show(error);
            }
        });
    });
    return form;
}

/** POST /api/officials: a new dated grant, as `acsa official add`. */
async function grantForm(onDone) {
    const [parties, agreementList] = await Promise.all([nations().catch(() => []),
        agreements().catch(() => [])]);
    const docs = await Promise.all(agreementList.map((a) => agreement(a.id).catch(() => null)));
    const currencies = [...new Set(docs.filter(Boolean).flatMap((d) => d.currencies
        .map((c) => c.code)))].sort();
    const errors = new FormErrors();
    const c = {
        party: select(parties, { placeholder: t("officials.choose"), test: "grant-party" }),
        name: input({ test: "grant-name", maxlength: 95 }),
        title: input({ test: "grant-title", maxlength: 95 }),
        limit: input({ test: "grant-limit", inputmode: "decimal" }),
        currency: select(currencies, { placeholder: t("officials.choose"), test: "grant-currency" }),
        from: input({ type: "date", test: "grant-from" }),
        to: input({ type: "date", test: "grant-to" }),
        agreement: select(agreementList.map((a) => ({ value: a.id, label: a.id })),
            { placeholder: t("officials.everyAgreement"), test: "grant-agreement" }),
    };
    const button = h("button", { type: "submit", class: "primary", test: "grant-submit" },
        t("officials.grant"));
    const result = h("p", { class: "note", test: "grant-result", hidden: true });
    const f = (label, key, opts = {}) => field(label, c[key], { key, errors, ...opts });
    const form = h("form", { class: "form grant-form", test: "grant-form", novalidate: true },
        errors.top,
        h("div", { class: "action-fields" },
            f(t("officials.party"), "party"),
            f(t("officials.official"), "name", { hint: t("officials.hintAsApprovals") }),
            f(t("officials.title"), "title"),
            f(t("officials.limit"), "limit", { hint: t("officials.hintLimit") }),
            f(t("officials.currency"), "currency"),
            f(t("officials.from"), "from"),
            f(t("officials.toOptional"), "to", { hint: t("officials.hintTo") }),
            f(t("officials.agreement"), "agreement")),
        h("div", { class: "form-actions" }, button), result);
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        errors.clear();
        result.hidden = true;
        const body = { party: c.party.value, name: c.name.value.trim(),
            title: c.title.value.trim(), limit: c.limit.value.trim(),
            currency: c.currency.value, from: c.from.value };
        if (c.to.value) {
            body.to = c.to.value;
        }
        if (c.agreement.value) {
            body.agreement = c.agreement.value;
        }
        await busy(button, async () => {
            try {
                const { data } = await post("/api/officials", body);
                result.textContent = `${data.name || body.name} may act from ${data.from
                    || body.from}, up to ${money(data.limit || body.limit,
                    (data.currency && data.currency.code) || data.currency || body.currency)}.`;
                result.hidden = false;
                onDone();
            } catch (error) {
                errors.show(error);
            }
        });
    });
    return form;
}

export async function renderOfficials(el, user) {
    const table = h("div", { test: "officials-grants" });
    const asOf = input({ name: "as_of", type: "date", test: "officials-as-of" });
    const show = () => loadGrants(table, asOf.value);
    asOf.addEventListener("change", show);
    replace(el, h("h1", {}, t("officials.officials")),
        panel(t("officials.grantsOfAuthority"), "officials", h("div", { class: "form" },
            field(t("officials.inForceOn"), asOf, { hint: t("officials.hintAsOf") })), table),
        canGrantOfficials(user) ? panel(t("officials.grantAuthority"), "officials-grant",
            await grantForm(show)) : null,
        canRevokeOfficials(user) ? panel(t("officials.revokeAnOfficial"), "officials-revoke",
            revokeForm(show)) : null);
    await show();
}
