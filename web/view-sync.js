// SPDX-License-Identifier: MIT
// Partners page (#/partners): the partner nodes this node exchanges signed records with, how far
// each side holds the other's records, a reconciliation of the two nodes' views per partner, a
// sync now for the programme officer, and the quarantine of refused records with the reasons.

import { get, itemsOf, request } from "./api.js";
import { dataTable, facts, h, note, orderLink, replace, tag } from "./dom.js";
import { busy } from "./forms.js";
import { groupDigits, stateLabel, trimZeros } from "./format.js";
import { canSeePartners, canSync } from "./roles.js";
import { t } from "./i18n.js";

const QUARANTINE_LIMITS = [100, 500]; // Shown first; the most the API answers.

const KINDS = {
    missing_here: { label: t("sync.missingHere"), kind: "warn" },
    missing_there: { label: t("sync.missingThere"), kind: "warn" },
    differs: { label: t("sync.differs"), kind: "bad" },
    balance: { label: t("sync.balance"), kind: "bad" },
    in_transit: { label: t("sync.inTransit"), kind: "warn" },
};

/** "2026-11-23T09:08:33Z" -> "2026-11-23 09:08:33 UTC"; null -> "never". */
function moment(text) {
    if (!text) {
        return "never";
    }
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z$/.exec(text);
    return match ? `${match[1]} ${match[2]} UTC` : text;
}

/** How far one side holds the other's records: "through no. 413" or "none yet". */
function cursor(seq) {
    return Number(seq) > 0 ? t("sync.through", { n: groupDigits(String(seq)) })
        : t("sync.noneYet");
}

/** "SHA256:13c1 30cd ... 9aae" on two lines of four groups, each kept whole. */
function fingerprint(text) {
    const words = String(text || "").split(" ");
    const lines = words.length > 4 ? [words.slice(0, 4), words.slice(4)] : [words];
    return h("code", { class: "fingerprint" }, lines.map((line) => h("span", {}, line.join(" "))));
}

const plural = (n, one, many = `${one}s`) => `${groupDigits(String(n))} ${n === 1 ? one : many}`;

/** A problem of a call to the partner, in words. */
function partnerError(party, error) {
    if (error.status === 502) {
        return t("sync.unreachable", { party, detail: error.detail });
    }
    return error.detail || String(error);
}

/* ---- Partner nodes ------------------------------------------------------------------------- */

function peerColumns(user, actions) {
    return [
        { label: t("sync.partner"), cell: (p) => h("strong", {}, p.party) },
        { label: t("sync.address"), test: (p) => `peer-url-${p.party}`,
            cell: (p) => p.url || h("span", { class: "muted" }, "none (bundle files only)") },
        { label: t("sync.keyFingerprint"), test: (p) => `peer-fingerprint-${p.party}`,
            cell: (p) => fingerprint(p.fingerprint) },
        { label: t("sync.itsRecordsHeldHere"), nowrap: true, test: (p) => `peer-received-${p.party}`,
            cell: (p) => cursor(p.received_through) },
        { label: t("sync.ourRecordsHeldThere"), nowrap: true, test: (p) => `peer-acked-${p.party}`,
            cell: (p) => cursor(p.acked_through) },
        { label: t("sync.lastSync"), nowrap: true, test: (p) => `peer-last-sync-${p.party}`,
            cell: (p) => moment(p.last_sync) },
        { label: t("sync.actions"), cell: (p) => h("div", { class: "row-actions" },
            h("button", { type: "button", test: `reconcile-${p.party}`,
                "aria-label": t("sync.reconcileWith", { party: p.party }),
                on: { click: (event) => actions.reconcile(p.party, event.currentTarget) } },
            t("sync.reconcile")),
            h("button", { type: "button", test: `reconcile-offline-${p.party}`,
                "aria-label": t("sync.reconcileOfflineWith", { party: p.party }),
                on: { click: (event) => actions.reconcile(p.party, event.currentTarget, true) } },
            t("sync.reconcileOffline")),
            canSync(user) ? h("button", { type: "button", class: "primary", test: `sync-${p.party}`,
                "aria-label": t("sync.syncWith", { party: p.party }), disabled: !p.url,
                on: { click: (event) => actions.sync(p.party, event.currentTarget) } },
            t("sync.syncNow")) : null) },
    ];
}

function peersTable(data, user, actions) {
    const nation = data.nation ? t("sync.ofNation", { nation: data.nation }) : "";
    const peers = itemsOf(data);
    if (peers.length === 0) {
        return note(t("sync.thisNodeHasNoPartner"), "peers-empty");
    }
    return dataTable({ columns: peerColumns(user, actions), rows: peers, test: "peers-table",
        caption: t("sync.partnerNodesOf", { nation }), rowTest: (p) => `peer-row-${p.party}` });
}

/* ---- Sync report --------------------------------------------------------------------------- */

function syncReport(party, r) {
    const refusedThere = Number(r.sent_quarantined) || 0;
    const refusedHere = Number(r.received_quarantined) || 0;
    const words = [`Sent ${plural(r.sent, "record")} to ${party}, received `
        + `${plural(r.received, "record")} from it.`];
    if (refusedThere > 0) {
        words.push(`${party}'s node refused ${plural(refusedThere, "record")}: its officer `
            + "sees why in its quarantine.");
    }
    if (refusedHere > 0) {
        words.push(`This node refused ${plural(refusedHere, "record")}: see the quarantine `
            + "below.");
    }
    if (Number(r.sent) + Number(r.received) + refusedThere + refusedHere === 0) {
        words.splice(0, 1, `Nothing new: each node already held the other's records.`);
    }
    const ok = refusedThere === 0 && refusedHere === 0;
    return [
        h("p", { class: `message ${ok ? "ok" : "warn"}`, test: "sync-summary" }, words.join(" ")),
        facts([
            [`Sent to ${party}`, `${plural(r.sent, "record")} in ${plural(r.batches_sent, "batch",
                "batches")}`, "sync-sent"],
            [`Already held by ${party}`, groupDigits(String(r.sent_duplicates)),
                "sync-sent-duplicates"],
            [`Refused by ${party}`, groupDigits(String(r.sent_quarantined)),
                "sync-sent-quarantined"],
            [`Received from ${party}`, `${plural(r.received, "record")} in `
                + `${plural(r.batches_received, "batch", "batches")}`, "sync-received"],
            [t("sync.alreadyHeldHere"), groupDigits(String(r.received_duplicates)),
                "sync-received-duplicates"],
            [t("sync.refusedHere"), groupDigits(String(r.received_quarantined)),
                "sync-received-quarantined"],
            [`${party} holds our records`, cursor(r.acked_through), "sync-acked-through"],
            [`We hold ${party}'s records`, cursor(r.received_through), "sync-received-through"],
        ], "sync-facts"),
    ];
}

/* ---- Reconciliation ------------------------------------------------------------------------ */

/** "line 1.received_milli" -> "Line 1, received"; "cash_due" -> "Cash due". */
function fieldLabel(field) {
    const text = String(field || "").replace(/_milli$/, "").replace(/\./g, ", ")
        .replace(/_/g, " ");
    return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A compared value as people read it: quantities out of thousandths, state names. */
function fieldValue(field, value) {
    if (value === null || value === undefined || value === "") {
        return "—";
    }
    if (/_milli$/.test(field) && /^-?\d+$/.test(value)) {
        const negative = value.startsWith("-");
        const digits = value.replace("-", "").padStart(4, "0");
        const text = trimZeros(`${digits.slice(0, -3)}.${digits.slice(-3)}`);
        return `${negative ? "-" : ""}${groupDigits(text)}`;
    }
    if (field === "state") {
        return stateLabel(value);
    }
    return /^-?\d+(\.\d+)?$/.test(value) ? groupDigits(value) : value;
}

function reconcileSummary(data) {
    const s = data.summary || {};
    const parts = [`Orders shared with ${data.peer}: ${groupDigits(String(s.orders_here))} here, `
        + `${groupDigits(String(s.orders_there))} on its node.`];
    const counts = [];
    if (s.missing_here) {
        counts.push(`${groupDigits(String(s.missing_here))} missing here`);
    }
    if (s.missing_there) {
        counts.push(`${groupDigits(String(s.missing_there))} missing there`);
    }
    if (s.differing) {
        counts.push(`${plural(s.differing, "order")} differ${s.differing === 1 ? "s" : ""}`);
    }
    if (counts.length) {
        parts.push(`${counts.join(", ")}.`);
    }
    if (s.balance_rows) {
        parts.push(`${plural(s.balance_rows, "balance figure")} do${s.balance_rows === 1 ? "es"
            : ""} not mirror.`);
    }
    if (s.in_transit) {
        parts.push(`${plural(s.in_transit, "line")} issued and not received after the `
            + "agreement's transit days.");
    }
    if (s.agreement_rows) {
        parts.push(`${plural(s.agreement_rows, "agreement fact")} differ${s.agreement_rows === 1
            ? "s" : ""} (versions, notice or termination).`);
    }
    return parts.join(" ");
}

/** What the partner's snapshot an offline reconciliation compared with had seen. */
function snapshotLine(data) {
    const s = data.snapshot;
    const unseen = Math.max(0, Number(s.our_records_now) - Number(s.our_records_seen_through));
    return h("p", { test: "reconcile-snapshot" },
        `Compared without a network with ${data.peer}'s snapshot made ${s.made} (received `
        + `${s.received}): it had ${data.peer}'s records through ${s.partner_records_through} `
        + `and ${data.nation}'s through ${s.our_records_seen_through}; `
        + `${plural(unseen, "record")} of ${data.nation} written since ${unseen === 1 ? "was"
            : "were"} not seen by it.`);
}

function reconcileReport(data) {
    const items = itemsOf(data);
    const summary = h("p", { test: "reconcile-summary" }, reconcileSummary(data));
    const seen = data.snapshot ? [snapshotLine(data)] : [];
    if (items.length === 0) {
        return [h("p", { class: "message ok", test: "reconcile-agree" },
            `The two nodes agree: every order shared with ${data.peer} and the balance with it `
            + "are the same on both."), ...seen, summary];
    }
    const table = dataTable({
        test: "reconcile-table",
        caption: `Disagreements with ${data.peer}: ${plural(items.length, "row")}`,
        rowTest: () => "reconcile-row",
        columns: [
            { label: t("sync.kind"), test: () => "reconcile-kind", cell: (r) => tag(
                (KINDS[r.kind] || { label: r.kind }).label, (KINDS[r.kind] || {}).kind || "") },
            { label: t("sync.order"), nowrap: true, test: () => "reconcile-order",
                cell: (r) => (!r.order ? "—"
                    : r.kind === "missing_here" ? r.order : orderLink(r.order)) },
            { label: t("sync.field"), test: () => "reconcile-field", cell: (r) => fieldLabel(r.field) },
            { label: `Here (${data.nation})`, test: () => "reconcile-ours",
                cell: (r) => fieldValue(r.field, r.ours) },
            { label: `There (${data.peer})`, test: () => "reconcile-theirs",
                cell: (r) => fieldValue(r.field, r.theirs) },
        ],
        rows: items,
    });
    table.classList.add("tall");
    return [h("p", { class: "message warn", test: "reconcile-disagree" },
        `The two nodes disagree. A sync usually settles what is missing; a difference that stays `
        + "after one needs the officers of both nodes."), ...seen, summary, table];
}

/* ---- Quarantine ---------------------------------------------------------------------------- */

/** The quarantine, at most limit entries; more() asks for the longest list. */
function quarantineTable(data, limit, more) {
    const items = itemsOf(data);
    if (items.length === 0) {
        return note(t("sync.nothingRefusedEveryRecordAnd"),
            "quarantine-empty");
    }
    const longest = QUARANTINE_LIMITS.at(-1);
    const table = dataTable({
        test: "quarantine-table",
        caption: t("sync.refusedRecordsAndBatchesNewest"),
        rowTest: () => "quarantine-row",
        columns: [
            { label: t("sync.when"), nowrap: true, cell: (q) => moment(q.at) },
            { label: t("sync.from"), cell: (q) => q.peer },
            { label: t("sync.via"), cell: (q) => (q.via === "bundle" ? "Bundle file" : t("sync.sync")) },
            { label: t("sync.what"), nowrap: true, test: () => "quarantine-what",
                cell: (q) => (q.what === "snapshot" ? t("sync.snapshotOfABundle")
                    : `${q.what === "batch" ? "Batch" : t("sync.record")} no. ${q.seq}`) },
            { label: t("sync.order"), nowrap: true, cell: (q) => q.order || "—" },
            { label: t("sync.reason"), test: () => "quarantine-reason", cell: (q) => q.reason },
            { label: t("sync.size"), numeric: true, cell: (q) => `${groupDigits(String(q.bytes))} B` },
        ],
        rows: items,
    });
    table.classList.add("tall");
    const full = items.length >= limit;
    return [
        h("p", { class: "hint", test: "quarantine-count" }, full
            ? t("sync.latestShown", { n: limit })
            : t("sync.entries", { n: items.length }),
        full && limit < longest ? [" ", h("button", { type: "button", test: "quarantine-more",
            on: { click: more } }, t("sync.showLatest", { n: longest }))] : null),
        table,
    ];
}

/* ---- Screen -------------------------------------------------------------------------------- */

/** A panel that is shown once an action has a result, with a heading the page focuses. */
function resultPanel(test) {
    const heading = h("h2", { id: `panel-${test}`, tabindex: "-1" });
    const body = h("div", { class: "panel-body", "aria-live": "polite" });
    const section = h("section", { class: "panel", test, "aria-labelledby": `panel-${test}`,
        hidden: true }, heading, body);
    return {
        section,
        show(title, ...children) {
            heading.textContent = title;
            replace(body, ...children);
            section.hidden = false;
        },
        focus() {
            if (section.isConnected) {
                heading.focus();
            }
        },
    };
}

/** A panel loaded by load() and drawn by render(); reload() draws it again. */
function loadedPanel(title, test, lead, load, render) {
    const body = h("div", { class: "panel-body" }, note(t("sync.loading"), "loading"));
    const reload = async () => {
        try {
            replace(body, render(await load()));
        } catch (error) {
            if (error.status !== 401) {
                replace(body, h("p", { class: "form-error", role: "alert", test: "panel-error" },
                    error.detail || String(error)));
            }
        }
    };
    const section = h("section", { class: "panel", test, "aria-labelledby": `panel-${test}` },
        h("h2", { id: `panel-${test}` }, title), lead, body);
    return { section, reload };
}

export async function renderPartners(main, user) {
    if (!canSeePartners(user)) {
        main.replaceChildren(h("div", { class: "partners", test: "view-partners" },
            h("h1", { tabindex: "-1" }, t("sync.partners")),
            note(t("sync.partnerNodesAreShownTo"),
                "partners-denied")));
        return;
    }
    const nation = h("span", { test: "partners-nation" }, "this node");
    const syncPanel = resultPanel("sync-report");
    const reconcilePanel = resultPanel("reconcile-report");

    const actions = {
        async reconcile(party, button, offline = false) {
            reconcilePanel.show(`Reconciliation with ${party}`,
                note(offline ? `Comparing this node's orders and balance with the snapshot of `
                    + `${party}'s last bundle…`
                    : `Comparing this node's orders and balance with ${party}'s node…`,
                "reconcile-running"));
            await busy(button, async () => {
                try {
                    const query = offline ? { peer: party, offline: "true" } : { peer: party };
                    const data = await get("/api/reconcile", query);
                    reconcilePanel.show(`Reconciliation with ${party}`,
                        reconcileReport(data));
                } catch (error) {
                    reconcilePanel.show(`Reconciliation with ${party}`, h("p", {
                        class: "form-error", role: "alert", test: "reconcile-error" },
                    partnerError(party, error)));
                }
            });
            reconcilePanel.focus();
        },
        async sync(party, button) {
            syncPanel.show(`Sync with ${party}`,
                note(`Exchanging records with ${party}'s node…`, "sync-running"));
            await busy(button, async () => {
                try {
                    const { data } = await request("POST", "/api/sync", { query: { peer: party } });
                    syncPanel.show(`Sync with ${party}`, syncReport(party, data));
                } catch (error) {
                    syncPanel.show(`Sync with ${party}`, h("p", { class: "form-error",
                        role: "alert", test: "sync-error" }, partnerError(party, error),
                    error.status === 502 ? " Nothing was lost: the next sync starts again where the partner's last confirmed batch ended." : ""));
                }
            });
            await Promise.all([peers.reload(), quarantine.reload()]);
            syncPanel.focus();
        },
    };

    const peers = loadedPanel(t("sync.partnerNodes"), "partners-peers",
        h("p", { class: "hint" }, t("sync.eachSideNumbersItsOwn")),
        () => get("/api/peers"),
        (data) => {
            nation.textContent = data.nation ? t("sync.thisNodeOf", { nation: data.nation })
                : t("sync.thisNode");
            return peersTable(data, user, actions);
        });
    let limit = QUARANTINE_LIMITS[0];
    const quarantine = loadedPanel(t("sync.quarantine"), "partners-quarantine",
        h("p", { class: "hint" }, t("sync.recordsAndBatchesFromPartners"),
        h("a", { href: "#/quarantine", test: "partners-quarantine-link" },
            t("sync.retryOrDropThemOn"))),
        () => get("/api/quarantine", { limit }),
        (data) => quarantineTable(data, limit, () => {
            limit = QUARANTINE_LIMITS.at(-1);
            quarantine.reload();
        }));

    main.replaceChildren(h("div", { class: "partners", test: "view-partners" },
        h("h1", { tabindex: "-1" }, t("sync.partners")),
        h("p", { class: "lead" }, t("sync.theNodesOfPartnerNations"), nation,
            t("sync.leadAfter")),
        peers.section, syncPanel.section, reconcilePanel.section, quarantine.section));
    await Promise.all([peers.reload(), quarantine.reload()]);
}
