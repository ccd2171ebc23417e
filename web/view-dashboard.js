// SPDX-License-Identifier: MIT
// Dashboard: the orders of the user's queues counted by state, balance per partner and currency
// (committed, delivered, settled), overdue orders with ageing totals, lines in transit too long,
// and the monthly order value received and supplied per partner as one bar chart per currency,
// every month of the chosen period on its axis. Panels load independently.

import { get, getPages, itemsOf } from "./api.js";
import { barChart, swatch } from "./chart.js";
import { dataTable, h, note, orderLink, panel, replace, select, stateBadge, tag } from "./dom.js";
import { compareDecimals, groupDigits, methodLabel, money, monthLabel, stateLabel,
    sumDecimals } from "./format.js";
import { canSeeBalance, canSeeOverdue } from "./roles.js";
import { csvLink, exportLinks } from "./export-links.js";

const CHART_MONTHS = [12, 24, 36, 60];
const CHART_MONTHS_DEFAULT = 36;

/* States worth a look for each role, counted and offered as links to the order list. */
const QUEUES = {
    requester: ["draft", "delivering", "delivered", "disputed"],
    approver: ["submitted", "approved", "disputed"],
    "supplier-clerk": ["accepted", "delivering", "delivered"],
    "finance-officer": ["delivered", "invoiced", "settled", "disputed"],
    "programme-officer": ["settled", "disputed", "delivered"],
    auditor: ["disputed", "invoiced", "closed"],
};

/* What a count of orders in a state reads as ("3 awaiting your approval"), by role where the
 * state waits on that role, else the "" entry: [phrase, side], side "requested" or "supplied"
 * counting only the orders the user's party asked for or supplies (GET /api/stats/states). */
const QUEUE_PHRASES = {
    draft: { requester: ["drafts to submit"], "": ["in draft"] },
    submitted: { approver: ["awaiting your approval", "requested"], "": ["awaiting approval"] },
    approved: { approver: ["awaiting your acceptance", "supplied"],
        "": ["approved, awaiting acceptance"] },
    accepted: { "supplier-clerk": ["accepted, to issue"], "": ["accepted, awaiting delivery"] },
    delivering: { requester: ["being delivered, to receive"], "": ["being delivered"] },
    delivered: { "finance-officer": ["delivered by us, to invoice or settle", "supplied"],
        "": ["delivered"] },
    invoiced: { "finance-officer": ["invoiced to us, to pay", "requested"], "": ["invoiced"] },
    settled: { "": ["settled, to close"] },
    disputed: { "": ["disputed"] },
    closed: { "": ["closed"] },
};

/** "3 awaiting your approval", "None disputed": the sentence for state of the counts (the
 * answer of GET /api/stats/states) for role. */
export function queueSentence(state, counts, role) {
    const phrases = QUEUE_PHRASES[state] || { "": [stateLabel(state).toLowerCase()] };
    const [phrase, side] = phrases[role] || phrases[""];
    const count = Number(((counts && counts[side || "states"]) || {})[state] || 0);
    return { count, text: `${count === 0 ? "None" : String(count)} ${phrase}` };
}

/** A panel whose body shows render(await load(), body), or the error; reloaded when the
 * optional [control, label] of its toolbar changes. */
function livePanel(title, test, [control, label] = [], load, render) {
    const body = h("div", { class: "panel-body" });
    const refresh = async () => {
        replace(body, note("Loading…", "loading"));
        try {
            replace(body, render(await load(), body));
        } catch (error) {
            if (error.status !== 401) {
                replace(body, h("p", { class: "form-error", role: "alert", test: "panel-error" },
                    error.detail || String(error)));
            }
        }
    };
    if (control) {
        control.addEventListener("change", refresh);
    }
    refresh();
    return panel(title, test, control
        ? h("div", { class: "toolbar" }, h("label", { for: control.id }, label), control) : null,
    body);
}

/* ---- Balance -------------------------------------------------------------------------- */

function netCell(row) {
    const sign = compareDecimals(row.net, "0");
    const words = sign > 0 ? "owed to us" : (sign < 0 ? "we owe" : "even");
    return h("span", { class: sign > 0 ? "net positive" : (sign < 0 ? "net negative" : "net") },
        money(row.net, row.currency), h("span", { class: "net-words" }, ` ${words}`));
}

function renderBalance(data) {
    const rows = itemsOf(data);
    if (rows.length === 0) {
        return note("No commitments, receivables or payables recorded.", "balance-empty");
    }
    const amount = (key) => (row) => money(row[key], row.currency);
    const figure = (label, key) => ({ label, numeric: true, cell: amount(key),
        test: (row) => `balance-${key}-${row.partner}-${row.currency}` });
    return dataTable({
        test: "balance-table",
        rows,
        caption: "Balance per partner and currency: committed (accepted, not yet delivered), "
            + "delivered and not yet settled, settled",
        rowTest: (row) => `balance-row-${row.partner}-${row.currency}`,
        groups: [{ span: 2 }, { label: "Committed to us", span: 2 },
            { label: "Committed by us", span: 2 }, { label: "Owed to us (receivable)", span: 2 },
            { label: "We owe (payable)", span: 2 }, { label: "Settled", span: 2 }, { span: 1 }],
        columns: [
            { label: "Partner", cell: (row) => row.partner },
            { label: "Currency", cell: (row) => row.currency },
            figure("Cash", "committed_receivable_cash"),
            figure("In kind", "committed_receivable_kind"),
            figure("Cash", "committed_payable_cash"),
            figure("In kind", "committed_payable_kind"),
            { label: "Cash", numeric: true, cell: amount("receivable_cash") },
            { label: "In kind", numeric: true, cell: amount("receivable_kind") },
            { label: "Cash", numeric: true, cell: amount("payable_cash") },
            { label: "In kind", numeric: true, cell: amount("payable_kind") },
            figure("To us", "settled_receivable"),
            figure("By us", "settled_payable"),
            { label: "Net", numeric: true, cell: netCell,
                test: (row) => `balance-net-${row.partner}-${row.currency}` },
        ],
    });
}

/* ---- Lines in transit ----------------------------------------------------------------- */

function renderTransit(data) {
    const rows = itemsOf(data);
    const parts = [h("p", { class: "hint" }, `As of ${data.as_of || "today"}: lines issued and `
        + "not received after the agreement's transit days (14 unless it says otherwise).")];
    parts.push(rows.length === 0
        ? note("No line is in transit too long.", "transit-empty")
        : dataTable({
            test: "transit-table",
            rows,
            caption: "Lines issued and not received after the agreement's transit days",
            rowTest: (row) => `transit-row-${row.number}-${row.line}`,
            columns: [
                { label: "Order", nowrap: true, cell: (row) => orderLink(row.number) },
                { label: "Line", numeric: true, cell: (row) => String(row.line) },
                { label: "Description", cell: (row) => row.description },
                { label: "Issued", numeric: true, cell: (row) => `${row.issued} ${row.unit}` },
                { label: "Received", numeric: true,
                    cell: (row) => `${row.received} ${row.unit}` },
                { label: "Issued on", nowrap: true, cell: (row) => row.issued_on },
                { label: "Days", numeric: true, cell: (row) => String(row.days) },
                { label: "State", cell: (row) => stateBadge(row.state) },
            ],
        }));
    return parts;
}

function transitPanel() {
    const asOf = h("input", { type: "date", id: "transit-as-of", test: "transit-as-of" });
    return livePanel("Lines in transit", "dashboard-transit", [asOf, "As of"],
        () => getPages("/api/reports/in-transit", { as_of: asOf.value }),
        (data) => [csvLink("/api/reports/in-transit", { as_of: asOf.value }, "transit-export"),
            ...renderTransit(data)]);
}

/* ---- Overdue -------------------------------------------------------------------------- */

function direction(user, row) {
    if (user.party === row.requester) {
        return "We owe";
    }
    return user.party === row.supplier ? "Owed to us" : "";
}

function renderOverdue(user, data) {
    const orders = itemsOf(data.orders || data).sort((a, b) => b.days_overdue - a.days_overdue);
    const totals = data.totals || [];
    const late = data.invoice_late || [];
    const parts = [h("p", { class: "hint" }, `As of ${data.as_of || "today"}.`)];
    if (totals.length > 0) {
        parts.push(h("h3", {}, "Ageing totals"), dataTable({
            test: "overdue-totals",
            rows: totals,
            caption: "Overdue totals per ageing bucket and currency",
            rowTest: (row) => `overdue-total-${row.bucket}-${row.currency}`,
            columns: [
                { label: "Days overdue", cell: (row) => row.bucket },
                { label: "Currency", cell: (row) => row.currency },
                { label: "Orders", numeric: true, cell: (row) => String(row.orders) },
                { label: "Outstanding", numeric: true,
                    cell: (row) => money(row.outstanding, row.currency) },
            ],
        }));
    }
    parts.push(h("h3", {}, "Overdue orders"), orders.length === 0
        ? note("No order is overdue.", "overdue-empty")
        : dataTable({
            test: "overdue-table",
            rows: orders,
            caption: "Orders past their settlement date",
            rowTest: () => "overdue-row",
            columns: [
                { label: "Order", nowrap: true, cell: (row) => orderLink(row.number) },
                { label: "Parties", cell: (row) => `${row.requester} → ${row.supplier}` },
                { label: "Direction", cell: (row) => direction(user, row) },
                { label: "Method", cell: (row) => methodLabel(row.method) },
                { label: "State", cell: (row) => stateBadge(row.state) },
                { label: "Due", nowrap: true, cell: (row) => row.due },
                { label: "Days", numeric: true, cell: (row) => String(row.days_overdue) },
                { label: "Bucket", cell: (row) => tag(row.bucket, "warn") },
                { label: "Outstanding", numeric: true,
                    cell: (row) => money(row.outstanding, row.currency) },
            ],
        }));
    const disputed = data.disputed || [];
    if (disputed.length > 0) {
        parts.push(h("h3", {}, "Disputed, past due"), dataTable({
            test: "overdue-disputed",
            rows: disputed,
            caption: "Disputed orders past their settlement date; settled once resolved",
            rowTest: () => "overdue-disputed-row",
            columns: [
                { label: "Order", nowrap: true, cell: (row) => orderLink(row.number) },
                { label: "Parties", cell: (row) => `${row.requester} → ${row.supplier}` },
                { label: "Due", nowrap: true, cell: (row) => row.due },
                { label: "Days", numeric: true, cell: (row) => String(row.days_overdue) },
                { label: "Outstanding", numeric: true,
                    cell: (row) => money(row.outstanding, row.currency) },
            ],
        }));
    }
    if (late.length > 0) {
        parts.push(h("h3", {}, "Delivered, not invoiced in time"), dataTable({
            test: "invoice-late",
            rows: late,
            caption: "Cash orders delivered but not invoiced within the agreement's days",
            rowTest: () => "invoice-late-row",
            columns: [
                { label: "Order", nowrap: true, cell: (row) => orderLink(row.number) },
                { label: "Delivered", nowrap: true, cell: (row) => row.delivered },
                { label: "Invoice by", nowrap: true, cell: (row) => row.invoice_by },
                { label: "Days late", numeric: true, cell: (row) => String(row.days_late) },
                { label: "Value", numeric: true, cell: (row) => money(row.value, row.currency) },
            ],
        }));
    }
    return parts;
}

function overduePanel(user) {
    const asOf = h("input", { type: "date", id: "overdue-as-of", test: "overdue-as-of" });
    return livePanel("Overdue settlements", "dashboard-overdue", [asOf, "As of"],
        () => getPages("/api/overdue", { as_of: asOf.value }),
        (data) => [csvLink("/api/overdue", { as_of: asOf.value }, "overdue-export"),
            ...renderOverdue(user, data)]);
}

/* ---- Monthly chart -------------------------------------------------------------------- */

const DIRECTIONS = ["received", "supplied"];

/** Rows of the stats response as {month, partner, direction, currency, value}. */
function statsRows(data) {
    return itemsOf(data).map((r) => ({
        month: String(r.month || "").slice(0, 7),
        partner: r.partner || "—",
        direction: r.direction === "supplied" ? "supplied" : "received",
        currency: r.currency,
        value: String(r.value ?? "0"),
    })).filter((r) => r.month && r.currency);
}

/** Every month from first to last, "YYYY-MM". */
function monthRange(first, last) {
    const months = [];
    let [year, month] = first.split("-").map(Number);
    const [endYear, endMonth] = last.split("-").map(Number);
    while (year < endYear || (year === endYear && month <= endMonth)) {
        months.push(`${year}-${String(month).padStart(2, "0")}`);
        month += 1;
        if (month > 12) {
            month = 1;
            year += 1;
        }
    }
    return months;
}

/** Every month of the period asked for, from the answer's from and to (or its months). */
function periodMonths(data, count) {
    const first = String(data.from || "").slice(0, 7);
    if (!/^\d{4}-\d{2}$/.test(first)) {
        return [];
    }
    let last = String(data.to || "");
    if (!/^\d{4}-\d{2}$/.test(last)) {
        const [year, month] = first.split("-").map(Number);
        const end = year * 12 + month - 1 + Number(data.months || count) - 1;
        last = `${Math.floor(end / 12)}-${String((end % 12) + 1).padStart(2, "0")}`;
    }
    return monthRange(first, last);
}

/** "Received from JP", "Supplied to JP". */
const seriesName = (partner, direction) => (direction === "received"
    ? `Received from ${partner}` : `Supplied to ${partner}`);

function currencyChart(currency, rows, months, fit) {
    const keys = [];
    for (const partner of [...new Set(rows.map((r) => r.partner))].sort()) {
        for (const direction of DIRECTIONS) {
            if (rows.some((r) => r.partner === partner && r.direction === direction)) {
                keys.push({ partner, direction });
            }
        }
    }
    const mine = (k) => rows.filter((r) => r.partner === k.partner && r.direction === k.direction);
    const cell = (k, month) => {
        const values = mine(k).filter((r) => r.month === month).map((r) => r.value);
        if (values.length === 0) {
            return null;
        }
        const text = sumDecimals(values);
        return { text, number: Number(text) };
    };
    const series = keys.map((k) => ({ name: seriesName(k.partner, k.direction),
        values: months.map((month) => cell(k, month)) }));
    const period = `${monthLabel(months[0])} to ${monthLabel(months[months.length - 1])}`;
    const title = `Monthly order value in ${currency}, received and supplied by partner, `
        + `${period}`;
    const key = keys.map((k, i) => h("span", { class: "chart-total nowrap",
        test: `chart-total-${currency}-${k.direction}-${k.partner}` },
    swatch(i), " ", h("span", { test: "chart-series" }, seriesName(k.partner, k.direction)),
    ": ", money(sumDecimals(mine(k).map((r) => r.value)), currency)));
    const table = dataTable({
        caption: `${title} (table)`,
        columns: [{ label: "Month", cell: (m) => monthLabel(m) },
            ...series.map((s) => ({ label: s.name, numeric: true,
                cell: (m, i) => (s.values[i] ? groupDigits(s.values[i].text) : "") }))],
        rows: months,
        rowTest: () => "chart-month-row",
    });
    const scroll = h("div", { class: "chart-scroll" }, barChart({ months, series,
        unit: currency, title, fit }));
    requestAnimationFrame(() => showLastBar(scroll));
    return h("figure", { class: "chart-figure", test: `chart-${currency}` },
        h("figcaption", {}, h("strong", {}, currency), ` · ${period}`, h("br"),
            ...key.flatMap((t, i) => (i === 0 ? [t] : [" · ", t]))),
        scroll,
        h("details", { class: "chart-data" }, h("summary", {}, "Show the figures"), table));
}

/** A chart wider than its box scrolls to its latest bar (the months before it are a scroll
 * away, to the left). */
function showLastBar(scroll) {
    const bars = [...scroll.querySelectorAll("rect.bar")];
    const right = Math.max(0, ...bars.map((b) => Number(b.getAttribute("x"))
        + Number(b.getAttribute("width"))));
    if (scroll.scrollWidth > scroll.clientWidth && right > scroll.clientWidth - 24) {
        scroll.scrollLeft = right + 24 - scroll.clientWidth;
    }
}

function renderChart(data, count, fit) {
    const rows = statsRows(data);
    const months = periodMonths(data, count);
    const hint = h("p", { class: "hint" }, "Orders raised in each month, by the month they were "
        + "raised; received: this node's party asked for them, supplied: it supplied them. "
        + "Rejected and cancelled orders are left out.");
    if (rows.length === 0 || months.length === 0) {
        return [hint, note(months.length === 0 ? "No orders in this period."
            : `No orders from ${monthLabel(months[0])} to ${monthLabel(months.at(-1))}.`,
        "chart-empty")];
    }
    const currencies = [...new Set(rows.map((r) => r.currency))].sort();
    return [hint, ...currencies.map((c) => currencyChart(c, rows.filter((r) => r.currency === c),
        months, fit))];
}

function chartPanel() {
    const months = select(CHART_MONTHS.map((m) => ({ value: m, label: `Last ${m} months` })),
        { value: CHART_MONTHS_DEFAULT, id: "chart-months", test: "chart-months" });
    return livePanel("Monthly order value, received and supplied", "dashboard-chart",
        [months, "Period"], () => getPages("/api/stats/monthly", { months: months.value }),
        (data, body) => renderChart(data, Number(months.value), body.clientWidth - 2));
}

/* ---- Screen --------------------------------------------------------------------------- */

function renderQueues(user, data) {
    return h("ul", { class: "queues" },
        (QUEUES[user.role] || []).map((state) => {
            const { count, text } = queueSentence(state, data, user.role);
            return h("li", {}, h("a", { href: `#/orders?state=${state}`, test: `queue-${state}`,
                class: count === 0 ? "queue-none" : null }, text));
        }),
        h("li", {}, h("a", { href: "#/orders?overdue=true", test: "queue-overdue" },
            "Overdue")));
}

function queuesPanel(user) {
    return livePanel("Your orders by state", "dashboard-queues", [],
        () => get("/api/stats/states"), (data) => renderQueues(user, data));
}

export function renderDashboard(main, user) {
    main.replaceChildren(h("div", { class: "dashboard", test: "view-dashboard" },
        h("h1", { tabindex: "-1" }, "Dashboard"),
        queuesPanel(user),
        canSeeBalance(user) ? livePanel("Balance with partners", "dashboard-balance", [],
            () => getPages("/api/balance"), (data) => h("div", {}, renderBalance(data),
                exportLinks("Journal of the ledger:", "journal",
                    [["ledger", "ledger"], ["hledger", "hledger"], ["beancount", "beancount"]]),
                exportLinks("Postings:", "postings", [["csv", "CSV"], ["xlsx", "XLSX"]])))
            : null,
        canSeeOverdue(user) ? overduePanel(user) : null,
        transitPanel(),
        chartPanel()));
}
