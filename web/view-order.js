// SPDX-License-Identifier: MIT
// Order page: header, lines, due dates, the timeline of events with their postings, and a
// form for each step the user's role looks allowed to take now (the server decides).

import { get, itemsOf, post, request } from "./api.js";
import { dataTable, facts, h, note, orderLink, replace, select, stacked, stateBadge,
    tag } from "./dom.js";
import { busy, Checks, field, FormErrors, input } from "./forms.js";
import { addDays, codeLabel, compareDecimals, daysBetween, methodLabel, money, quantity,
    stateLabel, stepLabel, subtractDecimals, today, trimZeros } from "./format.js";
import { amendControls as amendFields, exchangeControls,
    stepFieldResolver } from "./order-forms.js";
import { backEnteredCount, backTag, changesPanel, disputeNote, invoicesPanel,
    paymentsPanel } from "./order-panels.js";
import { documentsPanel } from "./order-documents.js";
import { exponentOf, agreement as loadAgreement, units as loadUnits } from "./reference.js";
import { availableSteps } from "./roles.js";
import { exportLinks } from "./export-links.js";
import { problemText, t } from "./i18n.js";
import { roleLabel } from "./format.js";

/* What each step's form asks for, the line quantity it works on (remaining = a - b), and
 * what the page says once it is recorded. */
const ACTIONS = {
    submit: { title: t("order.submitForApproval"), done: t("order.submittedForApproval"), fields: [],
        help: t("order.theDraftIsCompleteAnd") },
    approve: { title: t("order.approve"), done: t("order.approved"), fields: [],
        help: t("order.approvalForTheRequestingParty") },
    accept: { title: t("order.accept"), done: t("order.accepted"), fields: [],
        help: t("order.acceptanceForTheSupplyingParty") },
    reject: { title: t("order.reject"), done: t("order.rejected"), fields: ["reason"],
        help: t("order.refuseTheRequestStateWhy") },
    cancel: { title: t("order.cancel"), done: t("order.cancelled"), fields: ["reason"], optional: ["reason"],
        help: t("order.withdrawTheOrderBeforeDelivery") },
    issue: { title: t("order.issue"), done: t("order.issueRecorded"), fields: ["line", "qty"],
        remaining: ["quantity", "issued"], help: t("order.quantityIssuedToTheRequesting") },
    receive: { title: t("order.receive"), done: t("order.receiptRecorded"), fields: ["line", "qty"],
        remaining: ["issued", "received"],
        help: t("order.quantityReceivedNotMoreThan") },
    return: { title: t("order.returnInKind"), done: t("order.returnRecorded"), fields: ["line", "qty"],
        remaining: ["received", "returned"], help: t("order.quantityReturnedToTheSupplier") },
    "accept-return": { title: t("order.acceptReturn"), done: t("order.returnAccepted"), fields: ["line", "qty"],
        remaining: ["returned", "return_accepted"], help: t("order.returnedQuantityAccepted") },
    invoice: { title: t("order.invoice"), done: t("order.invoiced"), fields: ["invoice-part"],
        help: t("order.issueANumberedInvoiceFor") },
    pay: { title: t("order.recordPayment"), done: t("order.paymentRecorded"),
        fields: ["amount", "currency", "rate", "invoice"],
        help: t("order.aPaymentAppliedToThe") },
    exchange: { title: t("order.equalValueExchange"), done: t("order.exchangeRecorded"), fields: ["with", "rate"],
        help: t("order.matchWithOneOrMore") },
    dispute: { title: t("order.dispute"), done: t("order.disputeRecorded"), fields: ["reason"],
        help: t("order.putTheOrderInDispute") },
    close: { title: t("order.close"), done: t("order.closed"), fields: [], help: t("order.closeTheSettledOrder") },
    resolve: { title: t("order.resolveDispute"), done: t("order.disputeResolved"), fields: ["reason"],
        help: t("order.endTheDisputeYourParty") },
    "close-line": { title: t("order.closeLineShort"), done: t("order.lineClosed"), fields: ["reason"],
        lines: "open", help: t("order.endALineAtThe") },
    correct: { title: t("order.correctAQuantity"), done: t("order.correctionRecorded"),
        fields: ["reason"], lines: "all", correct: true,
        help: t("order.setALineSIssued") },
    "reject-return": { title: t("order.rejectReturn"), done: t("order.returnRejected"),
        fields: ["line", "qty", "reason"], remaining: ["returned", "return_accepted"],
        help: t("order.refusePartOfAReturn") },
    amend: { title: t("order.amendDraft"), done: t("order.draftAmended"), fields: [], amend: true,
        help: t("order.completeOrChangeTheDraft") },
};

/* Which steps a correction may name, by the side that corrects. */
const CORRECTABLE = { requester: ["receive", "return"], "supplier-clerk": ["issue",
    "accept-return"] };
const CORRECTED_FIELD = { issue: "issued", receive: "received", return: "returned",
    "accept-return": "return_accepted" };

const CLOSED_STATES = new Set(["settled", "closed", "cancelled", "rejected"]);

function unitText(party, unit) {
    return unit && unit.name ? `${party} · ${unit.name}` : `${party} · ${t("order.noUnitYet")}`;
}

/** The orders this one was exchanged against: every one its exchange events name (one order
 * may be matched against several, one event each), else the one the order records. */
function exchangedWith(order) {
    const numbers = [...new Set((order.events || []).filter((e) => e.step === "exchange")
        .flatMap((e) => {
            const named = /^exchanged with (.+)$/.exec(e.detail || "");
            return named ? named[1].split(/,\s*/).filter((n) => /^[A-Z0-9-]+$/.test(n)) : [];
        }))];
    if (numbers.length === 0) {
        return order.exchanged_with ? orderLink(order.exchanged_with) : null;
    }
    return numbers.flatMap((n, i) => (i ? [", ", orderLink(n)] : [orderLink(n)]));
}

/* ---- Printed forms -------------------------------------------------------------------- */

/** Links to the order's printed forms (PDF, made by the node): the order, the receipt once
 * something is received, each invoice's form. */
function printLinks(order) {
    const base = `/api/orders/${encodeURIComponent(order.number)}/forms`;
    const link = (href, text, test) => h("a", { href, target: "_blank", rel: "noopener",
        class: "button", test }, text);
    const received = (order.lines || []).some((l) => compareDecimals(l.received, "0") > 0);
    const invoices = order.invoices || [];
    return h("p", { class: "print-links", test: "order-print" },
        link(`${base}/order.pdf`, t("order.printOrderPdf"), "print-order"),
        received ? link(`${base}/receipt.pdf`, t("order.printReceiptPdf"), "print-receipt") : null,
        invoices.length === 1
            ? link(`${base}/invoice.pdf`, t("order.printInvoicePdf"), "print-invoice") : null,
        ...(invoices.length > 1 ? invoices.map((inv, i) => link(
            `${base}/invoice.pdf?invoice=${encodeURIComponent(inv.number)}`,
            t("order.printInvoiceN", { number: inv.number }), `print-invoice-${i + 1}`)) : []));
}

/* ---- Header, lines, due dates --------------------------------------------------------- */

function header(order) {
    const amount = (value) => money(value, order.currency);
    return h("div", { class: "order-header grid" },
        h("section", { class: "panel", "aria-label": t("order.order") }, facts([
            [t("order.agreement"), order.agreement_id, "order-agreement"],
            [t("order.requester"), unitText(order.requester, order.requester_unit), "order-requester"],
            [t("order.supplier"), unitText(order.supplier, order.supplier_unit), "order-supplier"],
            [t("order.activity"), order.activity
                ? `${order.activity.name} (${codeLabel(order.activity.type)})` : "",
            "order-activity"],
            [t("order.settlement"), methodLabel(order.method), "order-method"],
            [t("order.place"), order.place || "—", "order-place"],
            [t("order.raised"), order.created, "order-created"],
            [t("order.neededBy"), order.need_by || "—", "order-need-by"],
            [t("order.exchangedWith"), exchangedWith(order), "order-exchanged-with"],
            [t("order.disputedBy"), order.state === "disputed" && order.disputed_by
                ? order.disputed_by : null, "order-disputed-by"],
        ], "order-header")),
        h("section", { class: "panel", "aria-label": t("order.amounts") }, facts([
            [t("order.value"), amount(order.value), "order-value"],
            [t("order.receivedValue"), amount(order.received_value), "order-received-value"],
            [t("order.settledInKind"), amount(order.kind_settled), "order-kind-settled"],
            [t("order.cashDue"), amount(order.cash_due), "order-cash-due"],
            [t("order.paid"), amount(order.paid), "order-paid"],
            [t("order.outstanding"), h("strong", {}, amount(order.outstanding)), "order-outstanding"],
            [t("order.settlementDue"), order.due || "—", "order-due"],
        ], "order-amounts")));
}

function linesTable(order) {
    const qty = (key) => (line) => quantity(line[key]);
    const cellTest = (name) => (line) => `line-${line.line}-${name}`;
    return stacked(dataTable({
        test: "order-lines",
        caption: t("order.lines"),
        rowTest: (line) => `line-row-${line.line}`,
        columns: [
            { label: "#", cell: (line) => String(line.line) },
            { label: t("order.category"), cell: (line) => codeLabel(line.category) },
            { label: t("order.description"), cell: (line) => line.description },
            { label: t("order.nsnPart"), cell: (line) => line.nsn || "—" },
            { label: t("order.unit"), cell: (line) => line.unit_of_issue },
            { label: t("order.ordered"), numeric: true, cell: qty("quantity"), test: cellTest("ordered") },
            { label: t("order.issued"), numeric: true, cell: qty("issued"), test: cellTest("issued") },
            { label: t("order.received"), numeric: true, cell: qty("received"),
                test: cellTest("received") },
            { label: t("order.returned"), numeric: true, cell: qty("returned"),
                test: cellTest("returned") },
            { label: t("order.colReturnAccepted"), numeric: true, cell: qty("return_accepted"),
                test: cellTest("accepted") },
            ...(order.method === "cash" ? [{ label: t("order.colInvoiced"), numeric: true,
                cell: qty("invoiced"), test: cellTest("invoiced") }] : []),
            { label: t("order.colClosed"), cell: (line) => (line.closed ? t("order.closedShort") : ""),
                test: cellTest("closed") },
            { label: t("order.unitPrice"), numeric: true,
                cell: (line) => money(line.unit_price, order.currency) },
            { label: t("order.value"), numeric: true, cell: (line) => money(line.value, order.currency),
                test: cellTest("value") },
        ],
        rows: order.lines || [],
    }));
}

/** "in 12 days", "today", "8 days ago" relative to today. */
function relative(day) {
    const days = daysBetween(today(), day);
    if (days === 0) {
        return t("order.relToday");
    }
    return days > 0 ? t("order.relIn", { n: days }) : t("order.relAgo", { n: -days });
}

function dueDates(order, agreement) {
    const open = !CLOSED_STATES.has(order.state);
    const rows = [
        [t("order.raised"), order.created],
        [t("order.neededBy"), order.need_by],
        [t("order.delivered"), order.delivered],
    ];
    if (order.method === "cash" && order.delivered && !order.invoiced && agreement
        && Number.isInteger(agreement.invoice_within_days)) {
        rows.push([t("order.invoiceBy"), addDays(order.delivered, agreement.invoice_within_days)]);
    }
    rows.push([t("order.dateInvoiced"), order.invoiced]);
    rows.push([t("order.settlementDue"), order.due]);
    const extra = order.due_dates;
    if (extra && typeof extra === "object") {
        const entries = Array.isArray(extra)
            ? extra.map((d) => [codeLabel(d.label || d.kind || d.name), d.date || d.due])
            : Object.entries(extra).map(([k, v]) => [codeLabel(k), v]);
        entries.forEach(([label, day]) => {
            if (!rows.some(([l, d]) => d === day && l.toLowerCase() === label.toLowerCase())) {
                rows.push([label, day]);
            }
        });
    }
    const items = rows.filter(([, day]) => typeof day === "string" && day).map(([label, day]) => {
        const late = open && label === "Settlement due" && day < today();
        return h("li", { class: late ? "late" : null, test: `due-${label.toLowerCase()
            .replace(/[^a-z]+/g, "-")}` },
        h("span", { class: "due-label" }, label),
        h("span", { class: "due-date" }, day),
        open ? h("span", { class: "due-rel" }, relative(day)) : null);
    });
    return h("section", { class: "panel", test: "order-due-dates", "aria-labelledby": "dd-h" },
        h("h2", { id: "dd-h" }, t("order.datesAndDeadlines")),
        order.overdue ? h("p", { class: "warn-text" }, t("order.settlementIsOverdue")) : null,
        items.length ? h("ul", { class: "due-list" }, items) : note(t("order.noDatesYet")));
}

/* ---- Timeline ------------------------------------------------------------------------- */

function postingsTable(postings) {
    return dataTable({
        caption: t("order.ledgerPostingsDebitPositiveCredit"),
        columns: [
            { label: t("order.account"), cell: (p) => codeLabel(p.account) },
            { label: t("order.partner"), cell: (p) => p.partner || "" },
            { label: t("order.line"), cell: (p) => (p.line === null || p.line === undefined ? ""
                : String(p.line)) },
            { label: t("order.quantity"), numeric: true, cell: (p) => (p.quantity ? quantity(p.quantity)
                : "") },
            { label: t("order.amount"), numeric: true, cell: (p) => money(p.amount, p.currency) },
        ],
        rows: postings,
    });
}

function eventItem(order, event, index) {
    const line = (order.lines || []).find((l) => l.line === event.line);
    const what = [];
    if (event.line !== null && event.line !== undefined) {
        what.push(t("order.evLine", { n: event.line }));
    }
    const corrected = event.step === "correct" && event.corrected_step
        ? t("order.evCorrected", { step: stepLabel(event.corrected_step).toLowerCase() }) : "";
    if (event.quantity || corrected) {
        what.push(corrected + quantity(event.quantity || "0", line ? line.unit_of_issue : ""));
    }
    if (event.amount && compareDecimals(event.amount, "0") !== 0) {
        what.push(money(event.amount, event.currency || order.currency));
    }
    const paid = event.payment;
    if (paid && paid.rate) {
        what.push(t("order.evPaid", { amount: money(paid.amount, paid.currency),
            rate: paid.rate, date: paid.rate_date, source: paid.rate_source }));
    }
    if (event.invoice) {
        what.push(t(event.step === "invoice" ? "order.evInvoice" : "order.evOnInvoice",
            { number: event.invoice }));
    }

    const changed = event.state_from !== event.state_to;
    const postings = event.postings || [];
    return h("li", { class: "event", test: `event-${index}` },
        h("div", { class: "event-date", test: "event-date" }, event.date),
        h("div", { class: "event-body" },
            h("p", { class: "event-title" },
                h("strong", { test: "event-step" }, stepLabel(event.step)),
                t("order.evBy"), h("span", { test: "event-actor" }, event.actor || "—"),
                h("span", { class: "event-states", test: "event-states" },
                    changed ? [stateBadge(event.state_from), " → ", stateBadge(event.state_to)]
                        : stateBadge(event.state_to)),
                backTag(event)),
            what.length ? h("p", { class: "event-what" }, what.join(" · ")) : null,
            event.detail ? h("p", { class: "event-detail", test: "event-detail" }, event.detail)
                : null,
            event.back_entered ? h("p", { class: "event-back-entered", test: "event-back-entry" },
                t("order.enteredOn", { date: event.recorded_date || "—",
                    reason: event.backdate_reason || "" })) : null,
            postings.length ? h("details", { class: "postings", test: "event-postings" },
                h("summary", {}, t("order.postingsN", { n: postings.length })), postingsTable(postings))
                : null));
}

function timeline(order) {
    const events = order.events || [];
    return h("section", { class: "panel", test: "order-events", "aria-labelledby": "ev-h" },
        h("h2", { id: "ev-h" }, t("order.history")),
        events.length ? h("ol", { class: "timeline" }, events.map((e, i) => eventItem(order, e, i)))
            : note(t("order.noEvents")),
        // The order's number is unique and of fixed width: the search selects this order.
        events.some((e) => (e.postings || []).length) ? exportLinks(t("order.exportPostings"),
            "postings", [["csv", "CSV"], ["xlsx", "XLSX"]], { q: order.number },
            "export-order-postings") : null);
}

/* ---- Action forms --------------------------------------------------------------------- */

function remainingLines(order, [from, to]) {
    return (order.lines || []).map((line) => ({ line,
        left: subtractDecimals(line[from] || "0", line[to] || "0") }))
        .filter((item) => compareDecimals(item.left, "0") > 0);
}

/** The day of the order's latest step: no step may be dated before it. */
function lastStepDay(order) {
    return (order.events || []).map((e) => e.date || "").filter(Boolean).sort().pop() || "";
}

/** Checks of a line and its quantity, at most what is left (item.left) on the line. */
function checkLineQty(c, lineSelect, qty, lines, leftKey) {
    const item = lines.find(({ line }) => String(line.line) === lineSelect.value);
    if (!c.required("line", lineSelect.value) || !item) {
        return;
    }
    const left = trimZeros(item.left);
    c.decimal("qty", qty.value, { max: left, maxText: t(leftKey, { n: item.line.line,
        qty: quantity(left, item.line.unit_of_issue) }) });
}

/** The invoice form: all received, not yet invoiced quantities, or part of one line. */
function invoicePart(order, { id, test, nodes, values, errors, checks }) {
    const lines = remainingLines(order, ["received", "invoiced"]);
    const lineSelect = select([{ value: "", label: t("order.everythingReceivedNotYetInvoiced") },
        ...lines.map(({ line, left }) => ({ value: line.line,
            label: `${line.line}: ${line.description} (${quantity(trimZeros(left),
                line.unit_of_issue)} ${t("order.toInvoice")})` }))],
    { id: id("line"), test: test("line") });
    const qty = input({ id: id("qty"), test: test("qty"), inputmode: "decimal" });
    const fillQty = () => {
        const item = lines.find(({ line }) => String(line.line) === lineSelect.value);
        qty.value = item ? trimZeros(item.left) : "";
        qty.disabled = !item;
    };
    lineSelect.addEventListener("change", fillQty);
    fillQty();
    nodes.push(field(t("order.line"), lineSelect, { key: "line", errors }),
        field(t("order.quantity"), qty, { key: "qty", errors }));
    values.line = () => (lineSelect.value ? Number(lineSelect.value) : undefined);
    values.qty = () => (lineSelect.value ? qty.value.trim() : undefined);
    checks.push((c) => {
        if (lineSelect.value) {
            checkLineQty(c, lineSelect, qty, lines, "check.toInvoice");
        }
    });
}

/** Rate, its date and source: sent only when a rate is given. */
function rateFields({ id, test, nodes, values, errors, checks, order }, step) {
    const rate = input({ id: id("rate"), test: test("rate"), inputmode: "decimal",
        placeholder: t("common.eg", { text: "1.7750" }) });
    const rateDate = h("input", { type: "date", id: id("rate-date"), test: test("rate-date") });
    const source = h("input", { type: "text", id: id("rate-source"), test: test("rate-source"),
        maxlength: 255 });
    nodes.push(field(t("order.rateOtherCurrencyOnly"), rate, { key: "rate", errors,
        errorLabel: t("order.rate") }),
        field(t("order.rateDate"), rateDate, { key: "rate_date", errors }),
        field(t("order.rateSource"), source, { key: "rate_source", errors }));
    values.rate = () => rate.value.trim() || undefined;
    values.rate_date = () => (rate.value.trim() ? rateDate.value || "" : undefined);
    values.rate_source = () => (rate.value.trim() ? source.value.trim() : undefined);
    checks.push((c, day) => {
        const given = rate.value.trim();
        // A payment in another currency needs the rate, its date and source; in the order's
        // own, none. An exchange's rate is optional (the server asks for one across
        // currencies), but its date and source go with it.
        const paid = step === "pay" ? values.currency() : "";
        if (step === "pay" && paid === order.currency) {
            if (given) {
                c.add("rate", "check.noRate", { currency: paid });
            }
            return;
        }
        if (!given) {
            if (step === "pay") {
                c.add("rate", "check.rateNeeded", { currency: paid, order: order.currency });
            } else if (rateDate.value.trim() || source.value.trim()) {
                c.add("rate", "check.rateAlone");
            }
            if (step === "pay" || !(rateDate.value.trim() || source.value.trim())) {
                return;
            }
        }
        c.rate("rate", given);
        const dated = c.date("rate_date", rateDate.value, { required: true });
        if (dated && dated > day) {
            c.add("rate_date", "check.rateAfter", { date: day });
        }
        c.text("rate_source", source.value, { required: true });
    });
}

/** Builds the controls of one step form; returns {nodes, body()}. */
function controls(step, spec, order, ctx, errors) {
    const nodes = [];
    const values = {};
    const checks = []; // Each (c: Checks, day) checks fields before sending.
    const id = (name) => `act-${step}-${name}`;
    const test = (name) => `action-${step}-${name}`;
    if (spec.remaining) {
        const lines = remainingLines(order, spec.remaining);
        const lineSelect = select(lines.map(({ line, left }) => ({ value: line.line,
            label: `${line.line}: ${line.description} (${quantity(trimZeros(left),
                line.unit_of_issue)} ${t("order.open")})` })), { id: id("line"), test: test("line") });
        const qty = input({ id: id("qty"), test: test("qty"), inputmode: "decimal" });
        const fillQty = () => {
            const item = lines.find(({ line }) => String(line.line) === lineSelect.value);
            qty.value = item ? trimZeros(item.left) : "";
        };
        lineSelect.addEventListener("change", fillQty);
        fillQty();
        nodes.push(field(t("order.line"), lineSelect, { key: "line", errors }),
            field(t("order.quantity"), qty, { key: "qty", errors }));
        values.line = () => Number(lineSelect.value);
        values.qty = () => qty.value.trim();
        checks.push((c) => checkLineQty(c, lineSelect, qty, lines, "check.open"));
    }
    if (spec.lines) {
        extraControls(step, spec, order, ctx, errors, nodes, values, checks);
    }
    let amend = null;
    if (spec.amend) {
        amend = amendFields(ctx, errors, nodes, values, checks);
    }
    if (spec.fields.includes("reason")) {
        const optional = (spec.optional || []).includes("reason");
        // One line, as the API and the records hold every text (no field is multi-line).
        const reason = h("input", { id: id("reason"), test: test("reason"), type: "text",
            maxlength: 255 });
        nodes.push(field(optional ? t("order.reasonOptional") : t("order.reason"), reason,
            { key: "reason", errors, wide: true, errorLabel: t("order.reason") }));
        values.reason = () => reason.value.trim() || (optional ? undefined : "");
        checks.push((c) => c.text("reason", reason.value, { required: !optional }));
    }
    if (spec.fields.includes("amount")) {
        const open = subtractDecimals(order.cash_due || "0", order.paid || "0");
        const amount = input({ id: id("amount"), test: test("amount"), inputmode: "decimal",
            value: compareDecimals(open, "0") > 0 ? open : "" });
        const codes = [...new Set([order.currency,
            ...(ctx.agreement ? ctx.agreement.currencies.map((c) => c.code) : [])])];
        const currency = select(codes, { value: order.currency, id: id("currency"),
            test: test("currency") });
        nodes.push(field(t("order.amount"), amount, { key: "amount", errors }),
            field(t("order.currency"), currency, { key: "currency", errors }));
        values.amount = () => amount.value.trim();
        values.currency = () => currency.value;
        checks.push((c) => {
            const code = currency.value;
            let max = null;
            let maxText = "";
            // In the order's currency a payment is at most what is outstanding, and at most
            // what is open on the invoice it names; another currency is converted there.
            if (code === order.currency) {
                max = compareDecimals(open, "0") > 0 ? open : "0";
                maxText = t("check.cashOpen", { amount: money(max, code) });
                const inv = (order.invoices || []).find((i) => values.invoice
                    && i.number === values.invoice());
                if (inv && compareDecimals(inv.open, max) < 0) {
                    max = inv.open;
                    maxText = t("check.invoiceOpen", { amount: money(inv.open, code),
                        number: inv.number });
                }
            }
            c.decimal("amount", amount.value, { decimals: exponentOf(code, ctx.agreement),
                currency: code, max, maxText });
        });
    }
    if (spec.fields.includes("with")) {
        exchangeControls(ctx, errors, nodes, values, checks);
    }
    if (spec.fields.includes("invoice-part")) {
        invoicePart(order, { id, test, nodes, values, errors, checks });
    }
    if (spec.fields.includes("invoice") && (order.invoices || []).length) {
        const unpaid = order.invoices.filter((inv) => compareDecimals(inv.open, "0") > 0);
        const which = select([{ value: "", label: t("order.oldestUnpaidFirst") },
            ...unpaid.map((inv) => ({ value: inv.number,
                label: t("order.invoiceChoice", { number: inv.number,
                    amount: money(inv.open, order.currency), due: inv.due }) }))],
        { id: id("invoice"), test: test("invoice") });
        nodes.push(field(t("order.invoice"), which, { key: "invoice", errors }));
        values.invoice = () => which.value || undefined;
    }
    if (spec.fields.includes("rate")) {
        rateFields({ id, test, nodes, values, errors, checks, order }, step);
    }
    const day = h("input", { type: "date", id: id("date"), test: test("date") });
    nodes.push(field(t("order.dateDefaultToday"), day, { key: "date", errors,
        errorLabel: t("order.date") }));
    values.date = () => day.value || undefined;
    // A step dated more than the agreement's backdate_days ago needs a reason (API.md "Dates").
    const backdate = h("input", { type: "text", id: id("backdate-reason"), maxlength: 255,
        test: test("backdate-reason") });
    nodes.push(field(t("order.backEntryReasonOptional"), backdate, { key: "backdate_reason", errors,
        hint: t("order.neededWhenTheDateIs"), errorLabel: t("order.backEntryReason") }));
    values.backdate_reason = () => backdate.value.trim() || undefined;
    const body = () => Object.fromEntries(Object.entries(values)
        .map(([k, read]) => [k, read()]).filter(([, v]) => v !== undefined));
    /* The checks before sending, every one run so that every error shows at once: the date
     * (ISO, not after today, not before the order's previous step; one more than the
     * agreement's backdate_days ago needs a back-entry reason), then each part's. */
    const check = () => {
        const c = new Checks(errors);
        const now = today();
        const last = lastStepDay(order);
        const dated = c.date("date", day.value, { notAfter: now, notBefore: last,
            notBeforeText: t("check.previousStep") });
        const backdays = ctx.agreement && Number.isInteger(ctx.agreement.backdate_days)
            ? ctx.agreement.backdate_days : null;
        if (c.text("backdate_reason", backdate.value) && dated && backdays !== null
            && daysBetween(dated, now) > backdays && !backdate.value.trim()) {
            c.add("backdate_reason", "check.backdate", { n: backdays });
        }
        checks.forEach((run) => run(c, dated || now));
        return c.ok();
    };
    return { nodes, body, amend, check };
}

/* The line (and for a correction the step and new quantity) of close-line and correct. */
function extraControls(step, spec, order, ctx, errors, nodes, values, checks) {
    const id = (name) => `act-${step}-${name}`;
    const test = (name) => `action-${step}-${name}`;
    const lines = (order.lines || []).filter((line) => spec.lines === "all"
        || (!line.closed && compareDecimals(line.received || "0", line.quantity) < 0));
    const lineSelect = select(lines.map((line) => ({ value: line.line,
        label: `${line.line}: ${line.description} (${quantity(line.received || "0",
            line.unit_of_issue)} received)` })), { id: id("line"), test: test("line") });
    nodes.push(field(t("order.line"), lineSelect, { key: "line", errors }));
    values.line = () => Number(lineSelect.value);
    checks.push((c) => c.required("line", lineSelect.value));
    if (!spec.correct) {
        return;
    }
    const steps = CORRECTABLE[ctx.user.role] || ["issue", "receive", "return", "accept-return"];
    const which = select(steps.filter((s) => order.method === "rik"
        || (s !== "return" && s !== "accept-return")).map((s) => ({ value: s,
        label: stepLabel(s) })), { id: id("step"), test: test("step") });
    const qty = input({ id: id("qty"), test: test("qty"), inputmode: "decimal" });
    const fill = () => {
        const line = lines.find((l) => String(l.line) === lineSelect.value);
        qty.value = line ? trimZeros(line[CORRECTED_FIELD[which.value]] || "0") : "";
    };
    lineSelect.addEventListener("change", fill);
    which.addEventListener("change", fill);
    fill();
    nodes.push(field(t("order.stepCorrected"), which, { key: "corrected_step", errors }),
        field(t("order.quantityInAll"), qty, { key: "qty", errors,
            hint: t("order.theStepSWholeQuantity") }));
    values.corrected_step = () => which.value;
    values.qty = () => qty.value.trim();
    checks.push((c) => {
        const line = lines.find((l) => String(l.line) === lineSelect.value);
        if (!c.required("corrected_step", which.value)
            || !c.decimal("qty", qty.value, { positive: false }) || !line) {
            return;
        }
        const now = line[CORRECTED_FIELD[which.value]] || "0";
        if (compareDecimals(qty.value.trim(), now) === 0) {
            c.add("qty", "check.sameAsNow", { qty: quantity(trimZeros(now),
                line.unit_of_issue) });
        }
    });
}

function actionForm(step, ctx) {
    const spec = ACTIONS[step];
    const order = ctx.order;
    if (spec.remaining && remainingLines(order, spec.remaining).length === 0) {
        return null;
    }
    if (spec.lines === "open" && !(order.lines || []).some((line) => !line.closed
        && compareDecimals(line.received || "0", line.quantity) < 0)) {
        return null;
    }
    const errors = new FormErrors();
    const { nodes, body, amend, check } = controls(step, spec, order, ctx, errors);
    errors.resolve = stepFieldResolver(order, amend);
    const button = h("button", { type: "submit", test: `action-${step}-button`,
        class: ["reject", "cancel", "dispute", "reject-return"].includes(step) ? "danger"
            : "primary" },
    spec.title);
    const form = h("form", { class: "action", test: `action-${step}`, novalidate: true,
        "aria-labelledby": `act-${step}-h` },
    h("h3", { id: `act-${step}-h` }, spec.title),
    h("p", { class: "hint" }, spec.help),
    errors.top,
    h("div", { class: "action-fields" }, nodes),
    h("div", { class: "form-actions" }, button));
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        errors.clear();
        if (!check()) {
            return;
        }
        try {
            const result = await busy(button, () => post(
                `/api/orders/${encodeURIComponent(order.number)}/${step}`, body(), ctx.etag));
            ctx.done(result, t("order.stepDone", { done: spec.done,
                state: stateLabel(result.data.state).toLowerCase() }));
        } catch (error) {
            if (error.status === 412 || error.status === 428) {
                ctx.reload(t("order.theOrderChangedSinceThis"));
            } else if (error.status !== 401) {
                errors.show(error);
            }
        }
    });
    return form;
}

function actionsPanel(ctx) {
    const steps = availableSteps(ctx.user, ctx.order);
    const forms = steps.map((step) => actionForm(step, ctx)).filter(Boolean);
    return h("section", { class: "panel", test: "order-actions", "aria-labelledby": "ac-h" },
        h("h2", { id: "ac-h" }, t("order.actions")),
        forms.length ? h("div", { class: "actions" }, forms)
            : note(t("order.noStep", { role: roleLabel(ctx.user.role),
                state: stateLabel(ctx.order.state).toLowerCase() }), "actions-none"));
}

/* ---- Screen --------------------------------------------------------------------------- */

async function exchangeCandidates(order) {
    if (order.method !== "eve" || order.state !== "delivered") {
        return [];
    }
    try {
        const items = itemsOf(await get("/api/orders", { state: "delivered",
            agreement: order.agreement_id, limit: 500 }));
        return items.filter((o) => o.method === "eve" && o.number !== order.number
            && o.requester === order.supplier);
    } catch {
        return [];
    }
}

export async function renderOrder(main, user, number) {
    const path = `/api/orders/${encodeURIComponent(number)}`;
    const message = h("div", { class: "message", role: "status", "aria-live": "polite",
        tabindex: "-1", test: "order-message" });
    const ctx = { user, order: null, etag: null, agreement: null, exchangeCandidates: [] };

    const draw = async (text, kind = "ok") => {
        const order = ctx.order;
        document.title = `${order.number} · acsa`;
        [ctx.agreement, ctx.exchangeCandidates, ctx.units] = await Promise.all([
            loadAgreement(order.agreement_id).catch(() => null), exchangeCandidates(order),
            order.state === "draft" ? loadUnits().catch(() => []) : []]);
        const late = backEnteredCount(order);
        replace(message, text || "");
        message.className = `message ${text ? kind : ""}`.trim();
        main.replaceChildren(h("div", { class: "order", test: "view-order" },
            h("p", { class: "crumbs" }, h("a", { href: "#/orders", test: "back-orders" },
                t("order.orders"))),
            h("div", { class: "title-row" },
                h("h1", { tabindex: "-1", test: "order-number" }, order.number),
                stateBadge(order.state, "order-state"),
                order.overdue ? tag(t("order.overdue"), "warn", "order-overdue") : null,
                order.converted ? tag(t("order.convertedToCash"), "", "order-converted") : null,
                late ? tag(t("order.backEnteredSteps", { n: late }), "warn",
                    "order-back-entered") : null),
            printLinks(order),
            message,
            disputeNote(order),
            header(order),
            h("section", { class: "panel", "aria-label": t("order.lines") }, linesTable(order)),
            documentsPanel(order, ctx.user),
            (order.invoices || []).length ? invoicesPanel(order) : null,
            paymentsPanel(order),
            changesPanel(order),
            h("div", { class: "grid two" }, actionsPanel(ctx), dueDates(order, ctx.agreement)),
            timeline(order)));
        if (text) {
            message.focus();
        }
    };
    ctx.reload = async (text) => {
        const result = await request("GET", path);
        ctx.order = result.data;
        ctx.etag = result.etag;
        await draw(text, "warn");
    };
    ctx.done = async (result, text) => {
        ctx.order = result.data;
        ctx.etag = result.etag;
        await draw(text);
    };

    main.replaceChildren(note(t("order.loadingOrder"), "loading"));
    try {
        await ctx.reload("");
    } catch (error) {
        if (error.status !== 401) {
            main.replaceChildren(h("h1", { tabindex: "-1" }, number),
                h("p", { class: "form-error", role: "alert", test: "order-error" },
                    error.status === 404 ? t("order.thisOrderDoesNotExist")
                        : problemText(error)));
        }
    }
}
