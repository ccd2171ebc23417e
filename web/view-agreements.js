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

const STATUS_KIND = { "in force": "", "not yet in force": "", "notice given": "warn",
    terminated: "bad", expired: "bad" };

const statusTag = (status, test) => tag(status, STATUS_KIND[status] ?? "", test);
const agreementHref = (id) => `#/agreements/${encodeURIComponent(id)}`;

export async function renderAgreements(el) {
    replace(el, h("h1", {}, "Agreements"), note("Loading agreements…", "agreements-loading"));
    const agreements = await getAll("/api/agreements");
    replace(el, h("h1", {}, "Agreements"), agreements.length === 0
        ? note("No agreement is loaded.", "agreements-empty")
        : dataTable({ test: "agreements-table", caption: "Agreements loaded on this node",
            rowTest: (a) => `agreement-${a.id}`, rows: agreements, columns: [
                { label: "Agreement", cell: (a) => h("a", { href: agreementHref(a.id),
                    test: `agreement-link-${a.id}` }, a.id) },
                { label: "Title", cell: (a) => a.title },
                { label: "Parties", cell: (a) => a.parties.join(" – ") },
                { label: "In force from", nowrap: true, cell: (a) => a.effective_from },
                { label: "In force", cell: (a) => (a.in_force ? "yes" : tag("no", "warn")) },
            ] }));
}

function lifecycleFacts(life) {
    return facts([
        ["Status", statusTag(life.status, "agreement-status")],
        ["Last day", life.last_day || "none set (renews itself)", "agreement-last-day"],
        ["Notice of non-renewal", life.notice ? `given by ${life.notice.by} on ${life.notice.date}`
            : "none", "agreement-notice"],
        ["Termination", life.termination ? `by ${life.termination.by} from `
            + `${life.termination.date}: ${life.termination.reason}` : "none",
        "agreement-termination"],
    ], "agreement-facts");
}

function versionsTable(life) {
    return dataTable({ test: "agreement-versions", caption: "Versions, each in force from its day",
        rowTest: (v) => `agreement-version-${v.version}`, rows: life.versions, columns: [
            { label: "Version", numeric: true, cell: (v) => String(v.version) },
            { label: "In force from", nowrap: true, cell: (v) => v.effective },
            { label: "Entered by", cell: (v) => v.entered_by || (v.version === 1 ? "loaded"
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
    return lifeForm({ test: "notice", label: "Give notice", onDone,
        fields: [["Given on", date, { key: "date",
            hint: "the term running on that day is the last" }]],
        call: () => post(`/api/agreements/${encodeURIComponent(id)}/notice`,
            { date: date.value }) });
}

function terminateForm(id, onDone) {
    const date = input({ name: "date", type: "date", test: "terminate-date" });
    const reason = input({ name: "reason", test: "terminate-reason" });
    return lifeForm({ test: "terminate", label: "Terminate", onDone,
        fields: [["From", date, { key: "date", hint: "the first day no longer in force" }],
            ["Reason", reason, { key: "reason", wide: true }]],
        call: () => post(`/api/agreements/${encodeURIComponent(id)}/terminate`,
            { date: date.value, reason: reason.value }) });
}

function amendForm(id, onDone) {
    const effective = input({ name: "effective", type: "date", test: "amend-effective" });
    const text = h("textarea", { name: "agreement", rows: 8, spellcheck: "false",
        test: "amend-agreement" });
    const form = lifeForm({ test: "amend", label: "Amend", onDone,
        fields: [["In force from", effective, { key: "effective",
            hint: "after the day the latest version took effect" }],
        ["Agreement file of the new version (JSON)", text, { key: "agreement", wide: true,
            hint: "both parties agreed it; the partner's node takes it in by the next sync" }]],
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
        h("p", {}, h("a", { href: "#/agreements" }, "All agreements")),
        message ? h("p", { class: "message ok", role: "status", test: "agreement-done" },
            message) : null,
        panel("Status", "agreement-lifecycle", lifecycleFacts(life)),
        panel("Versions", "agreement-versions-panel", versionsTable(life)),
        manage && !ended && !life.notice ? panel("Notice of non-renewal", "agreement-notice-panel",
            noticeForm(id, () => show("Notice of non-renewal recorded."))) : null,
        manage && !ended ? panel("Terminate", "agreement-terminate-panel",
            terminateForm(id, () => show("Termination recorded."))) : null,
        manage && !ended ? panel("Amend", "agreement-amend-panel",
            amendForm(id, () => show("Amendment recorded."))) : null);
    };
    await show();
}
