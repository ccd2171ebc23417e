// SPDX-License-Identifier: MIT
// The order page's record of settlement and of the ways out: invoices with the quantities each
// one claims, payments with both amounts and the rate, the dispute and who raised it, and the
// closed lines, corrections, rejected returns and amendments, each with its reason. Everything
// is read from the order and its events as GET /api/orders/{number} answers them.

import { dataTable, h, stacked, tag } from "./dom.js";
import { compareDecimals, money, quantity, stepLabel, today, trimZeros } from "./format.js";
import { t } from "./i18n.js";

/* Exact decimal arithmetic on the API's quantity strings (at most 3 decimals). */
const MILLI = 1000n;
function milli(text) {
    const [whole, frac = ""] = String(text || "0").split(".");
    const sign = whole.startsWith("-") ? -1n : 1n;
    return sign * (BigInt(whole.replace("-", "") || "0") * MILLI
        + BigInt((frac + "000").slice(0, 3)));
}
function unmilli(value) {
    const sign = value < 0n ? "-" : "";
    const abs = value < 0n ? -value : value;
    return trimZeros(`${sign}${abs / MILLI}.${String(abs % MILLI).padStart(3, "0")}`);
}

/** Whether an event was entered later than the day it is dated (any of the API's marks). */
export function backEntered(event) {
    return Boolean(event.back_entered || event.backdated || event.backdate_reason);
}

/** The reason given for entering an event late, when the API gives one. */
function backReason(event) {
    return typeof event.backdate_reason === "string" ? event.backdate_reason : "";
}

/** A "Back-entered" tag (with its reason as the title), or null. */
export function backTag(event, test = "event-back-entered") {
    if (!backEntered(event)) {
        return null;
    }
    const reason = backReason(event);
    const el = tag(reason ? t("orderpanels.backEnteredReason", { reason }) : t("orderpanels.backEntered"), "warn", test);
    return el;
}

/**
 * The quantities each invoice claims, line by line, by replaying the events: a receipt adds
 * to the line, a correction of a receipt sets it, an invoice of one line claims its quantity,
 * an invoice of the whole order claims everything received and not yet invoiced.
 * Returns Map invoice number -> [{line, qty}].
 */
export function invoiceQuantities(order) {
    const received = new Map();
    const invoiced = new Map();
    const claims = new Map();
    const get = (map, line) => map.get(line) || 0n;
    for (const event of order.events || []) {
        if (event.step === "receive" && event.line) {
            received.set(event.line, get(received, event.line) + milli(event.quantity));
        } else if (event.step === "correct" && event.corrected_step === "receive") {
            received.set(event.line, milli(event.quantity));
        } else if (event.step === "invoice" && event.invoice) {
            const lines = event.line ? [[event.line, milli(event.quantity)]]
                : [...received.keys()].map((line) => [line,
                    get(received, line) - get(invoiced, line)]).filter(([, q]) => q > 0n);
            lines.forEach(([line, q]) => invoiced.set(line, get(invoiced, line) + q));
            claims.set(event.invoice, lines.map(([line, q]) => ({ line, qty: unmilli(q) })));
        }
    }
    return claims;
}

function claimText(order, claim) {
    if (!claim || claim.length === 0) {
        return "—";
    }
    return claim.map(({ line, qty }) => {
        const l = (order.lines || []).find((x) => x.line === line);
        return `line ${line}: ${quantity(qty, l ? l.unit_of_issue : "")}`;
    }).join("; ");
}

function invoiceStatus(inv) {
    if (compareDecimals(inv.open, "0") <= 0) {
        return tag(t("orderpanels.paid"), "", "invoice-status");
    }
    if (inv.due && inv.due < today()) {
        return tag(t("orderpanels.overdue"), "warn", "invoice-status");
    }
    return compareDecimals(inv.paid, "0") > 0 ? tag(t("orderpanels.partPaid"), "", "invoice-status")
        : tag(t("orderpanels.open"), "", "invoice-status");
}

/** Invoices: number, date, the quantities claimed, due date, amount, paid, open. */
export function invoicesPanel(order) {
    const claims = invoiceQuantities(order);
    const amount = (key) => (inv) => money(inv[key], order.currency);
    return h("section", { class: "panel", test: "order-invoices", "aria-label": t("orderpanels.invoices") },
        stacked(dataTable({
            test: "order-invoices-table",
            caption: t("orderpanels.invoices"),
            rowTest: (inv) => `invoice-row-${inv.number}`,
            columns: [
                { label: t("orderpanels.invoice"), nowrap: true, cell: (inv) => inv.number,
                    test: () => "invoice-number" },
                { label: t("orderpanels.date"), nowrap: true, cell: (inv) => inv.date },
                { label: t("orderpanels.quantity"), cell: (inv) => claimText(order, claims.get(inv.number)),
                    test: () => "invoice-qty" },
                { label: t("orderpanels.due"), nowrap: true, cell: (inv) => inv.due, test: () => "invoice-due" },
                { label: t("orderpanels.amount"), numeric: true, cell: amount("amount"),
                    test: () => "invoice-amount" },
                { label: t("orderpanels.paid"), numeric: true, cell: amount("paid"), test: () => "invoice-paid" },
                { label: t("orderpanels.open"), numeric: true, cell: amount("open"), test: () => "invoice-open" },
                { label: t("orderpanels.status"), cell: invoiceStatus },
            ],
            rows: order.invoices,
        })));
}

/** Payments: date, who, the invoice, the amount as paid, the rate, the amount credited. */
export function paymentsPanel(order) {
    const payments = (order.events || []).filter((e) => e.step === "pay");
    if (payments.length === 0) {
        return null;
    }
    const paidAs = (e) => (e.payment ? money(e.payment.amount, e.payment.currency)
        : money(e.amount, order.currency));
    const rate = (e) => (e.payment && e.payment.rate
        ? `1 ${e.payment.currency} = ${e.payment.rate} ${order.currency} (${e.payment.rate_date}, `
            + `${e.payment.rate_source})` : "—");
    return h("section", { class: "panel", test: "order-payments", "aria-label": t("orderpanels.payments") },
        stacked(dataTable({
            test: "order-payments-table",
            caption: t("orderpanels.payments"),
            rowTest: (e, i) => `payment-row-${i}`,
            columns: [
                { label: t("orderpanels.date"), nowrap: true, cell: (e) => e.date },
                { label: t("orderpanels.by"), cell: (e) => e.actor },
                { label: t("orderpanels.invoice"), nowrap: true, cell: (e) => e.invoice || t("orderpanels.oldestFirst"),
                    test: () => "payment-invoice" },
                { label: t("orderpanels.paid"), numeric: true, cell: paidAs, test: () => "payment-paid" },
                { label: t("orderpanels.rate"), cell: rate, test: () => "payment-rate" },
                { label: t("orderpanels.credited", { currency: order.currency }), numeric: true,
                    cell: (e) => money(e.amount, order.currency), test: () => "payment-credited" },
                { label: "", cell: (e) => backTag(e, "payment-back-entered") },
            ],
            rows: payments,
        })));
}

/** The dispute: which party raised it, who, when and why; null unless disputed. */
export function disputeNote(order) {
    if (order.state !== "disputed") {
        return null;
    }
    const raised = [...(order.events || [])].reverse().find((e) => e.step === "dispute");
    return h("div", { class: "message warn dispute-note", role: "note", test: "order-dispute" },
        h("strong", {}, t("orderpanels.disputed")),
        ` by ${order.disputed_by || "?"}`,
        raised ? [" (", h("span", { test: "order-dispute-actor" }, raised.actor),
            `, ${raised.date})`] : null,
        raised && raised.detail ? [": ", h("q", { test: "order-dispute-reason" }, raised.detail)]
            : null,
        ". Only that party's official may resolve it; every other step waits.");
}

const CHANGE_STEPS = new Set(["close-line", "correct", "reject-return", "amend", "dispute",
    "resolve", "void"]);

function changeWhat(order, event) {
    const line = (order.lines || []).find((l) => l.line === event.line);
    const unit = line ? line.unit_of_issue : "";
    switch (event.step) {
    case "correct":
        return `line ${event.line}: ${event.corrected_step ? stepLabel(event.corrected_step)
            .toLowerCase() : "quantity"} set to ${quantity(event.quantity || "0", unit)}`
            + (event.amount && compareDecimals(event.amount, "0") !== 0
                ? ` (${money(event.amount, order.currency)})` : "");
    case "close-line":
        return `line ${event.line} closed at ${quantity(line ? line.received : "0", unit)} `
            + "received";
    case "reject-return":
        return `line ${event.line}: ${quantity(event.quantity, unit)} of the return refused`;
    case "amend":
        return `draft changed; value ${money(event.amount, order.currency)}`;
    case "void":
        return `${event.corrected_step ? stepLabel(event.corrected_step).toLowerCase() : "step"} `
            + "undone: the partner's concurrent step stands";
    default:
        return "";
    }
}

/** Closed lines, corrections, refused returns, amendments, disputes and resolutions. */
export function changesPanel(order) {
    const changes = (order.events || []).filter((e) => CHANGE_STEPS.has(e.step));
    if (changes.length === 0) {
        return null;
    }
    return h("section", { class: "panel", test: "order-changes", "aria-label": t("orderpanels.corrections") },
        stacked(dataTable({
            test: "order-changes-table",
            caption: t("orderpanels.correctionsAndWaysOut"),
            rowTest: (e, i) => `change-row-${i}`,
            columns: [
                { label: t("orderpanels.date"), nowrap: true, cell: (e) => e.date },
                { label: t("orderpanels.step"), cell: (e) => stepLabel(e.step), test: () => "change-step" },
                { label: t("orderpanels.by"), cell: (e) => e.actor },
                { label: t("orderpanels.what"), cell: (e) => changeWhat(order, e), test: () => "change-what" },
                { label: t("orderpanels.reason"), cell: (e) => e.detail || "—", test: () => "change-reason" },
                { label: "", cell: (e) => backTag(e, "change-back-entered") },
            ],
            rows: changes,
        })));
}

/** The number of back-entered events, for the title row. */
export function backEnteredCount(order) {
    return (order.events || []).filter(backEntered).length;
}
