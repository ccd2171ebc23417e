// SPDX-License-Identifier: MIT
// The order page's supporting documents (requirement 11): each line with its documents, as
// download links, and a form to attach one: the line, the kind, and a file input that opens a
// phone's camera (capture="environment"); PDF, JPEG or PNG, at most 20 MiB, told by the
// server from the file's content. Progress and refusals are shown in the panel.

import { get, itemsOf, upload } from "./api.js";
import { h, note, replace, select } from "./dom.js";
import { busy, field } from "./forms.js";
import { problemText, t } from "./i18n.js";

const KINDS = [
    { value: "fuel-ticket", label: t("orderdocuments.fuelTicket") },
    { value: "delivery-note", label: t("orderdocuments.deliveryNote") },
    { value: "receipt", label: t("orderdocuments.receipt") },
    { value: "invoice", label: t("orderdocuments.invoice") },
    { value: "other", label: t("orderdocuments.other") },
];
const LIMIT = 20 * 1024 * 1024;

const kindLabel = (code) => (KINDS.find((k) => k.value === code) || { label: code }).label;

function size(bytes) {
    return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
        : bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} B`;
}

function documentItem(doc) {
    const title = `${kindLabel(doc.kind)} · ${doc.id}`;
    const detail = `${size(doc.size)}, ${doc.by}, ${doc.at.slice(0, 10)}`;
    return h("li", { test: `document-${doc.id}` },
        doc.available
            ? h("a", { href: `/api/documents/${encodeURIComponent(doc.id)}`, download: "",
                test: "document-link" }, title)
            : h("span", { test: "document-pending", title: t("orderdocuments.theFileComesWithThe") }, `${title} (file not yet received)`),
        h("span", { class: "doc-detail" }, ` — ${detail}`));
}

function lineList(order, docs) {
    return h("ul", { class: "doc-lines", test: "document-lines" },
        (order.lines || []).map((line) => {
            const mine = docs.filter((d) => d.line === line.line);
            return h("li", { test: `documents-line-${line.line}` },
                h("strong", {}, t("orderdocuments.lineDesc", { n: line.line, desc: line.description })),
                mine.length ? h("ul", { class: "doc-list" }, mine.map(documentItem))
                    : h("span", { class: "doc-none" }, Number(line.received) > 0
                        ? t("orderdocuments.receivedNoDoc") : t("orderdocuments.noDoc")));
        }));
}

function attachForm(order, reload, status) {
    const lineSelect = select((order.lines || []).map((line) => ({ value: line.line,
        label: `${line.line}: ${line.description}` })), { test: "document-line" });
    const kindSelect = select(KINDS, { test: "document-kind", value: "receipt" });
    const file = h("input", { type: "file", accept: "application/pdf,image/jpeg,image/png",
        capture: "environment", test: "document-file" });
    const progress = h("progress", { max: "1", value: "0", hidden: true,
        test: "document-progress" });
    const button = h("button", { type: "submit", test: "document-attach" }, t("orderdocuments.attach"));
    const form = h("form", { class: "doc-form", test: "document-form", novalidate: true },
        h("div", { class: "fields" },
            field(t("orderdocuments.line"), lineSelect),
            field(t("orderdocuments.kind"), kindSelect),
            field(t("orderdocuments.filePdfJpegOrPng"), file, { wide: true,
                hint: t("orderdocuments.onAPhoneThisOpens") })),
        h("div", { class: "actions" }, button, progress));
    form.addEventListener("submit", async (e) => {
        e.preventDefault();
        const chosen = file.files && file.files[0];
        if (!chosen) {
            status(t("orderdocuments.chooseAFileOrTake"), "warn");
            return;
        }
        if (chosen.size > LIMIT) {
            status(`${chosen.name}: ${size(chosen.size)} is over the 20 MiB limit for a `
                + "document.", "warn");
            return;
        }
        await busy(button, async () => {
            progress.hidden = false;
            progress.value = 0;
            status(t("orderdocuments.sending", { name: chosen.name }), "");
            try {
                const doc = await upload(`/api/orders/${encodeURIComponent(order.number)}`
                    + "/documents", { line: lineSelect.value, kind: kindSelect.value }, chosen,
                (p) => { progress.value = p; });
                file.value = "";
                await reload(t("orderdocuments.attached", { id: doc.id, n: doc.line }), "ok");
            } catch (error) {
                status(problemText(error), "warn");
            } finally {
                progress.hidden = true;
            }
        });
    });
    return form;
}

/** The documents panel of order for user (an auditor sees no form). */
export function documentsPanel(order, user) {
    const panel = h("section", { class: "panel documents", "aria-labelledby": "docs-h",
        test: "documents-panel" });
    const message = h("p", { class: "message", role: "status", "aria-live": "polite",
        test: "document-message" });
    const status = (text, kind) => {
        replace(message, text || "");
        message.className = `message ${text ? kind : ""}`.trim();
    };
    const mayAttach = user && user.role !== "auditor"
        && (user.party === order.requester || user.party === order.supplier)
        && order.state !== "cancelled" && order.state !== "rejected";
    const draw = async (text = "", kind = "ok") => {
        let docs = [];
        try {
            docs = itemsOf(await get(`/api/orders/${encodeURIComponent(order.number)}`
                + "/documents"));
        } catch (error) {
            replace(panel, h("h2", { id: "docs-h" }, t("orderdocuments.supportingDocuments")),
                note(problemText(error) || t("orderdocuments.theDocumentsCannotBeRead"), "documents-error"));
            return;
        }
        replace(panel, h("h2", { id: "docs-h" }, t("orderdocuments.supportingDocuments")), message,
            lineList(order, docs), mayAttach ? attachForm(order, draw, status) : null);
        status(text, kind);
    };
    draw();
    return panel;
}
