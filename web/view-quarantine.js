// SPDX-License-Identifier: MIT
// Quarantine page (#/quarantine): the records and batches from partner nodes that this node
// refused and nobody has decided on yet (or, on request, every one with its decision), and the
// programme officer's form to retry one once its cause is fixed or to drop it. A decision is
// this node's own and audited; the server decides who may take it.

import { get, itemsOf, post } from "./api.js";
import { dataTable, h, note, panel, replace, select, tag } from "./dom.js";
import { busy, field, FormErrors, input } from "./forms.js";
import { csvLink } from "./export-links.js";
import { groupDigits } from "./format.js";
import { canResolveQuarantine, canSeePartners } from "./roles.js";
import { problemText, t } from "./i18n.js";

const LIMIT = 500; // The most GET /api/quarantine answers.

const STATUS = {
    open: { label: t("quarantine.open"), kind: "warn" },
    applied: { label: t("quarantine.applied"), kind: "" },
    dropped: { label: t("quarantine.dropped"), kind: "" },
};

/** "2026-11-23T09:08:33Z" -> "2026-11-23 09:08 UTC". */
function moment(text) {
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}Z$/.exec(text || "");
    return match ? `${match[1]} ${match[2]} UTC` : (text || "");
}

/** What was refused, in words: "Record no. 3 of JP" or "Batch from no. 1 of JP". */
function what(q) {
    return t(q.what === "batch" ? "quarantine.batchOf" : "quarantine.recordOf",
        { n: groupDigits(String(q.seq)), peer: q.peer || t("quarantine.unknownSender") });
}

/** The last decision: "Dropped by PO Sharma: a replay" or "Retry refused by ...". */
function decision(q) {
    const d = q.decision;
    if (!d) {
        return "—";
    }
    const verb = { applied: t("quarantine.applied"), dropped: t("quarantine.dropped"), refused: t("quarantine.retryRefused") }[d.outcome]
        || d.outcome;
    return `${verb} by ${d.by} (${moment(d.at)}): ${d.reason}`;
}

function columns() {
    return [
        { label: t("quarantine.no"), numeric: true, test: (q) => `quarantine-id-${q.id}`, cell: (q) => q.id },
        { label: t("quarantine.when"), nowrap: true, cell: (q) => moment(q.at) },
        { label: t("quarantine.what"), cell: (q) => [what(q), q.via === "bundle" ? " (bundle file)" : ""] },
        { label: t("quarantine.order"), nowrap: true, cell: (q) => q.order || "—" },
        { label: t("quarantine.status"), test: (q) => `quarantine-status-${q.id}`,
            cell: (q) => tag((STATUS[q.status] || { label: q.status }).label,
                (STATUS[q.status] || {}).kind || "") },
        { label: t("quarantine.reason"), test: (q) => `quarantine-reason-${q.id}`, cell: (q) => q.reason },
        { label: t("quarantine.decision"), test: (q) => `quarantine-decision-${q.id}`, cell: decision },
    ];
}

function entriesTable(items, all) {
    if (items.length === 0) {
        return note(all ? t("quarantine.nothingWasEverRefusedFrom")
            : t("quarantine.nothingOpenEveryRefusedRecord"),
        "quarantine-empty");
    }
    const cols = columns();
    const table = dataTable({ columns: cols, rows: items, test: "quarantine-table",
        rowTest: (q) => `quarantine-entry-${q.id}`,
        caption: all ? t("quarantine.everyRefusedRecordAndBatch")
            : t("quarantine.refusedRecordsAndBatchesStill") });
    table.classList.add("tall");
    // Each cell names its column, for the cards a phone shows (style.css).
    table.querySelectorAll("tbody tr").forEach((row) => [...row.children].forEach((cell, i) => {
        cell.dataset.label = cols[i].label;
    }));
    return table;
}

/** The programme officer's decision on one open entry. */
function resolveForm(user, onDone) {
    const errors = new FormErrors();
    const entry = select([], { test: "resolve-entry", name: "id" });
    const action = select([
        { value: "retry", label: t("quarantine.retryTakeItInAgain") },
        { value: "drop", label: t("quarantine.dropCloseItUnappliedKept") },
    ], { test: "resolve-action", name: "action" });
    const by = input({ name: "by", test: "resolve-by", maxlength: 95,
        value: user.display_name || "" });
    const reason = input({ name: "reason", test: "resolve-reason", maxlength: 255 });
    const button = h("button", { type: "submit", class: "primary", test: "resolve-submit" },
        t("quarantine.decide"));
    const result = h("p", { class: "message ok", test: "resolve-result", role: "status",
        hidden: true });
    const form = h("form", { class: "form", test: "resolve-form" }, errors.top,
        field(t("quarantine.entry"), entry, { key: "id", errors }),
        field(t("quarantine.decision"), action, { key: "action", errors }),
        field(t("quarantine.programmeOfficer"), by, { key: "by", errors, hint: t("quarantine.whoDecides") }),
        field(t("quarantine.reason"), reason, { key: "reason", errors, wide: true,
            hint: "why: for the audit log" }),
        button);
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        errors.clear();
        result.hidden = true;
        await busy(button, async () => {
            try {
                const { data } = await post(`/api/quarantine/${encodeURIComponent(entry.value)}`
                    + "/resolve", { action: action.value, by: by.value, reason: reason.value });
                result.textContent = t("quarantine.entryResult", { id: data.id, status: data.status });
                result.hidden = false;
                reason.value = "";
            } catch (error) {
                errors.show(error);
            }
        });
        await onDone();
    });
    return {
        /* The outcome stays in sight when the form goes (nothing left open). */
        element: h("div", {}, form, result),
        /** Offers the open entries (the one chosen stays chosen while it is open). */
        offer(items) {
            const open = items.filter((q) => q.status === "open");
            const chosen = entry.value;
            replace(entry, ...open.map((q) => h("option", { value: String(q.id) },
                t("quarantine.entryOption", { id: q.id, what: what(q) })
                + (q.order ? t("quarantine.entryOrder", { order: q.order }) : ""))));
            if (open.some((q) => String(q.id) === chosen)) {
                entry.value = chosen;
            }
            form.hidden = open.length === 0;
        },
    };
}

export async function renderQuarantine(main, user) {
    if (!canSeePartners(user)) {
        replace(main, h("div", { test: "view-quarantine" }, h("h1", { tabindex: "-1" },
            t("quarantine.quarantine")), note(t("quarantine.theQuarantineIsShownTo"), "quarantine-denied")));
        return;
    }
    const all = h("input", { type: "checkbox", test: "quarantine-all", id: "quarantine-all" });
    const list = h("div", { test: "quarantine-list" }, note(t("quarantine.loading"), "loading"));
    const decide = canResolveQuarantine(user) ? resolveForm(user, () => load()) : null;
    const load = async () => {
        try {
            const data = await get("/api/quarantine", { limit: LIMIT,
                ...(all.checked ? { all: "true" } : {}) });
            const items = itemsOf(data);
            replace(list, entriesTable(items, all.checked), csvLink("/api/quarantine",
                all.checked ? { all: "true" } : {}, "quarantine-export"));
            if (decide) {
                decide.offer(items);
            }
        } catch (error) {
            if (error.status !== 401) {
                replace(list, h("p", { class: "form-error", role: "alert", test: "panel-error" },
                    problemText(error)));
            }
        }
    };
    all.addEventListener("change", load);
    replace(main, h("div", { class: "quarantine", test: "view-quarantine" },
        h("h1", { tabindex: "-1" }, t("quarantine.quarantine")),
        h("p", { class: "lead" }, t("quarantine.recordsAndBatchesFromPartner")),
        panel(t("quarantine.refusedInput"), "quarantine-entries",
            h("div", { class: "form" }, h("div", { class: "field check" }, all,
                h("label", { for: "quarantine-all" }, t("quarantine.showDecidedOnesToo")))), list),
        decide ? panel(t("quarantine.decideOnAnEntry"), "quarantine-resolve",
            h("p", { class: "hint" }, t("quarantine.retryOnceTheCauseIs")), decide.element) : null));
    await load();
}
