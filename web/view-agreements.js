// SPDX-License-Identifier: MIT
// Agreements (#/agreements) and one agreement (#/agreements/ID): its versions (each in force
// from its effective day, with the party whose node entered it), its status (in force, notice
// given, terminated, expired) with the notice and termination, and the programme officer's
// forms to give notice of non-renewal, terminate it, or amend it by pasting the new version's
// agreement file. Each is a signed record the partner's node takes in by the next sync.

import { get, getAll, post } from "./api.js";
import { dataTable, facts, h, note, panel, replace, tag } from "./dom.js";
import { busy, field, FormErrors, input } from "./forms.js";
import { canManageAgreements } from "./roles.js";
import { has, t } from "./i18n.js";

const STATUS_KIND = { "in force": "", "not yet in force": "", "notice given": "warn",
    terminated: "bad", expired: "bad" };

const statusTag = (status, test) => tag(has(`agreementStatus.${status}`)
    ? t(`agreementStatus.${status}`) : status, STATUS_KIND[status] ?? "", test);
const agreementHref = (id) => `#/agreements/${encodeURIComponent(id)}`;

export async function renderAgreements(el) {
    replace(el, h("h1", {}, t("agreements.agreements")), note(t("agreements.loadingAgreements"), "agreements-loading"));
    const agreements = await getAll("/api/agreements");
    replace(el, h("h1", {}, t("agreements.agreements")), agreements.length === 0
        ? note(t("agreements.noAgreementIsLoaded"), "agreements-empty")
        : dataTable({ test: "agreements-table", caption: t("agreements.agreementsLoadedOnThisNode"),
            rowTest: (a) => `agreement-${a.id}`, rows: agreements, columns: [
                { label: t("agreements.agreement"), cell: (a) => h("a", { href: agreementHref(a.id),
                    test: `agreement-link-${a.id}` }, a.id) },
                { label: t("agreements.title"), cell: (a) => a.title },
                { label: t("agreements.parties"), cell: (a) => a.parties.join(" – ") },
                { label: t("agreements.inForceFrom"), nowrap: true, cell: (a) => a.effective_from },
                { label: t("agreements.inForce"), cell: (a) => (a.in_force ? "yes" : tag("no", "warn")) },
            ] }));
}

function lifecycleFacts(life) {
    return facts([
        [t("agreements.status"), statusTag(life.status, "agreement-status")],
        [t("agreements.lastDay"), life.last_day || t("agreements.noLastDay"), "agreement-last-day"],
        [t("agreements.noticeOfNonRenewal"), life.notice
            ? t("agreements.noticeGiven", { by: life.notice.by, date: life.notice.date })
            : t("agreements.none"), "agreement-notice"],
        [t("agreements.termination"), life.termination
            ? t("agreements.terminatedBy", { by: life.termination.by,
                date: life.termination.date, reason: life.termination.reason })
            : t("agreements.none"),
        "agreement-termination"],
    ], "agreement-facts");
}

function versionsTable(life) {
    return dataTable({ test: "agreement-versions", caption: t("agreements.versionsEachInForceFrom"),
        rowTest: (v) => `agreement-version-${v.version}`, rows: life.versions, columns: [
            { label: t("agreements.version"), numeric: true, cell: (v) => String(v.version) },
            { label: t("agreements.inForceFrom"), nowrap: true, cell: (v) => v.effective },
            { label: t("agreements.enteredBy"), cell: (v) => v.entered_by || (v.version === 1 ? t("agreements.loaded")
                : "—") },
            { label: "SHA-256", cell: (v) => h("code", { title: v.sha256 },
                `${v.sha256.slice(0, 16)}…`) },
        ] });
}

/* One form of the lifecycle: its fields, a submit button, the API call on submit. */
function lifeForm({ test, label, fields, call, onDone }) {
    const errors = new FormErrors();
    const button = h("button", { type: "submit", class: "primary", test: `${test}-submit` },
        label);
    const form = h("form", { class: "form", test: `${test}-form` }, errors.top,
        ...fields.map(([name, control, opts]) => field(name, control, { errors, ...opts })),
        button);
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        errors.clear();
        await busy(button, async () => {
            try {
                onDone((await call()).data);
            } catch (error) {
                errors.show(error);
            }
        });
    });
    return form;
}

function noticeForm(id, onDone) {
    const date = input({ name: "date", type: "date", test: "notice-date" });
    return lifeForm({ test: "notice", label: t("agreements.giveNotice"), onDone,
        fields: [[t("agreements.givenOn"), date, { key: "date",
            hint: t("agreements.hintLastTerm") }]],
        call: () => post(`/api/agreements/${encodeURIComponent(id)}/notice`,
            { date: date.value }) });
}

function terminateForm(id, onDone) {
    const date = input({ name: "date", type: "date", test: "terminate-date" });
    const reason = input({ name: "reason", test: "terminate-reason" });
    return lifeForm({ test: "terminate", label: t("agreements.terminate"), onDone,
        fields: [[t("agreements.from"), date, { key: "date", hint: t("agreements.hintFirstDay") }],
            [t("agreements.reason"), reason, { key: "reason", wide: true }]],
        call: () => post(`/api/agreements/${encodeURIComponent(id)}/terminate`,
            { date: date.value, reason: reason.value }) });
}

function amendForm(id, onDone) {
    const effective = input({ name: "effective", type: "date", test: "amend-effective" });
    const text = h("textarea", { name: "agreement", rows: 8, spellcheck: "false",
        test: "amend-agreement" });
    const form = lifeForm({ test: "amend", label: t("agreements.amend"), onDone,
        fields: [[t("agreements.inForceFrom"), effective, { key: "effective",
            hint: t("agreements.hintAfter") }],
        [t("agreements.agreementFileOfTheNew"), text, { key: "agreement", wide: true,
            hint: t("agreements.hintAmend") }]],
        call: () => {
            let agreement = null;
            try {
                agreement = JSON.parse(text.value);
            } catch (error) {
                return Promise.reject({ detail: `agreement: not JSON: ${error.message}`,
                    field: "agreement", status: 400 });
            }
            return post(`/api/agreements/${encodeURIComponent(id)}/amend`,
                { effective: effective.value, agreement });
        } });
    return form;
}

export async function renderAgreement(el, user, id) {
    const show = async (message = "") => {
        const life = await get(`/api/agreements/${encodeURIComponent(id)}/lifecycle`);
        const manage = canManageAgreements(user);
        const ended = life.status === "terminated" || life.status === "expired";
        replace(el, h("div", { class: "title-row" }, h("h1", { tabindex: "-1" }, id),
            statusTag(life.status, "agreement-title-status")),
        h("p", {}, h("a", { href: "#/agreements" }, t("agreements.allAgreements"))),
        message ? h("p", { class: "message ok", role: "status", test: "agreement-done" },
            message) : null,
        panel(t("agreements.status"), "agreement-lifecycle", lifecycleFacts(life)),
        panel(t("agreements.versions"), "agreement-versions-panel", versionsTable(life)),
        manage && !ended && !life.notice ? panel(t("agreements.noticeOfNonRenewal"), "agreement-notice-panel",
            noticeForm(id, () => show(t("agreements.noticeOfNonRenewalRecorded")))) : null,
        manage && !ended ? panel(t("agreements.terminate"), "agreement-terminate-panel",
            terminateForm(id, () => show(t("agreements.terminationRecorded")))) : null,
        manage && !ended ? panel(t("agreements.amend"), "agreement-amend-panel",
            amendForm(id, () => show(t("agreements.amendmentRecorded")))) : null);
    };
    await show();
}
