// SPDX-License-Identifier: MIT
// Partners page (#/partners): the partner nodes this node exchanges signed records with, how far
// each side holds the other's records, a reconciliation of the two nodes' views per partner, a
// sync now for the programme officer, and the quarantine of refused records with the reasons.

import { get, itemsOf, request } from "./api.js";
import { dataTable, facts, h, note, orderLink, replace, tag } from "./dom.js";
import { busy } from "./forms.js";
import { groupDigits, stateLabel, trimZeros } from "./format.js";
import { canSeePartners, canSync } from "./roles.js";
import { problemText, t } from "./i18n.js";

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

/** A count in the catalogue's words: key's entry given the grouped number and the count. */
const counted = (key, n, vars = {}) => t(key, { ...vars, n: groupDigits(String(n)),
    count: Number(n) });

/** A problem of a call to the partner, in words. */
function partnerError(party, error) {
    if (error.status === 502) {
        return t("sync.unreachable", { party, detail: error.detail });
    }
    return problemText(error);
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
    const records = (n) => counted("sync.r.records", n);
    const inBatches = (n, batches) => t("sync.r.inBatches", { records: records(n),
        batches: counted("sync.r.batches", batches) });
    const words = [t("sync.r.sentReceived", { party, sent: records(r.sent),
        received: records(r.received) })];
    if (refusedThere > 0) {
        words.push(t("sync.r.refusedThere", { party, records: records(refusedThere) }));
    }
    if (refusedHere > 0) {
        words.push(t("sync.r.refusedHere", { records: records(refusedHere) }));
    }
    if (Number(r.sent) + Number(r.received) + refusedThere + refusedHere === 0) {
        words.splice(0, 1, t("sync.r.nothingNew"));
    }
    const ok = refusedThere === 0 && refusedHere === 0;
    return [
        h("p", { class: `message ${ok ? "ok" : "warn"}`, test: "sync-summary" }, words.join(" ")),
        facts([
            [t("sync.r.sentTo", { party }), inBatches(r.sent, r.batches_sent), "sync-sent"],
            [t("sync.r.heldThere", { party }), groupDigits(String(r.sent_duplicates)),
                "sync-sent-duplicates"],
            [t("sync.r.refusedBy", { party }), groupDigits(String(r.sent_quarantined)),
                "sync-sent-quarantined"],
            [t("sync.r.receivedFrom", { party }), inBatches(r.received, r.batches_received),
                "sync-received"],
            [t("sync.alreadyHeldHere"), groupDigits(String(r.received_duplicates)),
                "sync-received-duplicates"],
            [t("sync.refusedHere"), groupDigits(String(r.received_quarantined)),
                "sync-received-quarantined"],
            [t("sync.r.holdsOurs", { party }), cursor(r.acked_through), "sync-acked-through"],
            [t("sync.r.weHold", { party }), cursor(r.received_through), "sync-received-through"],
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
    const parts = [t("rec.shared", { peer: data.peer, here: groupDigits(String(s.orders_here)),
        there: groupDigits(String(s.orders_there)) })];
    const counts = [];
    if (s.missing_here) {
        counts.push(counted("rec.missingHere", s.missing_here));
    }
    if (s.missing_there) {
        counts.push(counted("rec.missingThere", s.missing_there));
    }
    if (s.differing) {
        counts.push(counted("rec.ordersDiffer", s.differing));
    }
    if (counts.length) {
        parts.push(`${counts.join(t("rec.sep"))}.`);
    }
    if (s.balance_rows) {
        parts.push(counted("rec.balanceRows", s.balance_rows));
    }
    if (s.in_transit) {
        parts.push(counted("rec.inTransit", s.in_transit));
    }
    if (s.agreement_rows) {
        parts.push(counted("rec.agreementRows", s.agreement_rows));
    }
    return parts.join(" ");
}

/** What the partner's snapshot an offline reconciliation compared with had seen. */
function snapshotLine(data) {
    const s = data.snapshot;
    const unseen = Math.max(0, Number(s.our_records_now) - Number(s.our_records_seen_through));
    return h("p", { test: "reconcile-snapshot" },
        counted("rec.snapshot", unseen, { peer: data.peer, made: s.made, received: s.received,
            theirs: s.partner_records_through, nation: data.nation,
            ours: s.our_records_seen_through, unseen: groupDigits(String(unseen)) }));
}

function reconcileReport(data) {
    const items = itemsOf(data);
    const summary = h("p", { test: "reconcile-summary" }, reconcileSummary(data));
    const seen = data.snapshot ? [snapshotLine(data)] : [];
    if (items.length === 0) {
        return [h("p", { class: "message ok", test: "reconcile-agree" },
            t("rec.agree", { peer: data.peer })), ...seen, summary];
    }
    const table = dataTable({
        test: "reconcile-table",
        caption: counted("rec.disagreements", items.length, { peer: data.peer }),
        rowTest: () => "reconcile-row",
        columns: [
            { label: t("sync.kind"), test: () => "reconcile-kind", cell: (r) => tag(
                (KINDS[r.kind] || { label: r.kind }).label, (KINDS[r.kind] || {}).kind || "") },
            { label: t("sync.order"), nowrap: true, test: () => "reconcile-order",
                cell: (r) => (!r.order ? "—"
                    : r.kind === "missing_here" ? r.order : orderLink(r.order)) },
            { label: t("sync.field"), test: () => "reconcile-field", cell: (r) => fieldLabel(r.field) },
            { label: t("rec.here", { nation: data.nation }), test: () => "reconcile-ours",
                cell: (r) => fieldValue(r.field, r.ours) },
            { label: t("rec.there", { peer: data.peer }), test: () => "reconcile-theirs",
                cell: (r) => fieldValue(r.field, r.theirs) },
        ],
        rows: items,
    });
    table.classList.add("tall");
    return [h("p", { class: "message warn", test: "reconcile-disagree" },
        t("rec.disagree")), ...seen, summary, table];
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
                    problemText(error)));
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
    const nation = h("span", { test: "partners-nation" }, t("sync.r.thisNode"));
    const syncPanel = resultPanel("sync-report");
    const reconcilePanel = resultPanel("reconcile-report");

    const actions = {
        async reconcile(party, button, offline = false) {
            reconcilePanel.show(t("rec.title", { party }),
                note(t(offline ? "rec.runningOffline" : "rec.running", { party }),
                "reconcile-running"));
            await busy(button, async () => {
                try {
                    const query = offline ? { peer: party, offline: "true" } : { peer: party };
                    const data = await get("/api/reconcile", query);
                    reconcilePanel.show(t("rec.title", { party }),
                        reconcileReport(data));
                } catch (error) {
                    reconcilePanel.show(t("rec.title", { party }), h("p", {
                        class: "form-error", role: "alert", test: "reconcile-error" },
                    partnerError(party, error)));
                }
            });
            reconcilePanel.focus();
        },
        async sync(party, button) {
            syncPanel.show(t("sync.r.title", { party }),
                note(t("sync.r.running", { party }), "sync-running"));
            await busy(button, async () => {
                try {
                    const { data } = await request("POST", "/api/sync", { query: { peer: party } });
                    syncPanel.show(t("sync.r.title", { party }), syncReport(party, data));
                } catch (error) {
                    syncPanel.show(t("sync.r.title", { party }), h("p", { class: "form-error",
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
