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
import { has, problemText, t } from "./i18n.js";

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
 * state waits on that role (catalogue queue.STATE.ROLE), else queue.STATE; side "requested" or
 * "supplied" counts only the orders the user's party asked for or supplies
 * (GET /api/stats/states). */
const QUEUE_SIDES = {
    "submitted.approver": "requested",
    "approved.approver": "supplied",
    "delivered.finance-officer": "supplied",
    "invoiced.finance-officer": "requested",
};

/** "3 awaiting your approval", "None disputed": the sentence for state of the counts (the
 * answer of GET /api/stats/states) for role. */
export function queueSentence(state, counts, role) {
    const own = `queue.${state}.${role}`;
    const key = has(own) ? own : (has(`queue.${state}`) ? `queue.${state}` : null);
    const phrase = key ? t(key) : stateLabel(state).toLowerCase();
    const side = has(own) ? QUEUE_SIDES[`${state}.${role}`] : undefined;
    const count = Number(((counts && counts[side || "states"]) || {})[state] || 0);
    return { count, text: count === 0 ? t("queue.none", { phrase })
        : t("queue.count", { n: count, phrase }) };
}

/** A panel whose body shows render(await load(), body), or the error; reloaded when the
 * optional [control, label] of its toolbar changes. */
function livePanel(title, test, [control, label] = [], load, render) {
    const body = h("div", { class: "panel-body" });
    const refresh = async () => {
        replace(body, note(t("common.loading"), "loading"));
        try {
            replace(body, render(await load(), body));
        } catch (error) {
            if (error.status !== 401) {
                replace(body, h("p", { class: "form-error", role: "alert", test: "panel-error" },
                    problemText(error)));
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
    const words = t(sign > 0 ? "dash.netOwedToUs" : (sign < 0 ? "dash.netWeOwe" : "dash.netEven"));
    return h("span", { class: sign > 0 ? "net positive" : (sign < 0 ? "net negative" : "net") },
        money(row.net, row.currency), h("span", { class: "net-words" }, ` ${words}`));
}

function renderBalance(data) {
    const rows = itemsOf(data);
    if (rows.length === 0) {
        return note(t("dash.balanceEmpty"), "balance-empty");
    }
    const amount = (key) => (row) => money(row[key], row.currency);
    const figure = (label, key) => ({ label, numeric: true, cell: amount(key),
        test: (row) => `balance-${key}-${row.partner}-${row.currency}` });
    return dataTable({
        test: "balance-table",
        rows,
        caption: t("dash.balanceCaption"),
        rowTest: (row) => `balance-row-${row.partner}-${row.currency}`,
        // Net first after the partner and currency: it is what is owed now, and a wide table
        // would otherwise push it off a laptop's screen.
        groups: [{ span: 3 }, { label: t("dash.committedToUs"), span: 2 },
            { label: t("dash.committedByUs"), span: 2 }, { label: t("dash.owedToUs"), span: 2 },
            { label: t("dash.weOwe"), span: 2 }, { label: t("dash.settled"), span: 2 }],
        columns: [
            { label: t("dash.partner"), cell: (row) => row.partner },
            { label: t("dash.currency"), cell: (row) => row.currency },
            { label: t("dash.net"), numeric: true, cell: netCell,
                test: (row) => `balance-net-${row.partner}-${row.currency}` },
            figure(t("dash.cash"), "committed_receivable_cash"),
            figure(t("dash.inKind"), "committed_receivable_kind"),
            figure(t("dash.cash"), "committed_payable_cash"),
            figure(t("dash.inKind"), "committed_payable_kind"),
            { label: t("dash.cash"), numeric: true, cell: amount("receivable_cash") },
            { label: t("dash.inKind"), numeric: true, cell: amount("receivable_kind") },
            { label: t("dash.cash"), numeric: true, cell: amount("payable_cash") },
            { label: t("dash.inKind"), numeric: true, cell: amount("payable_kind") },
            figure(t("dash.toUs"), "settled_receivable"),
            figure(t("dash.byUs"), "settled_payable"),
        ],
    });
}

/* ---- Lines in transit ----------------------------------------------------------------- */

function renderTransit(data) {
    const rows = itemsOf(data);
    const parts = [h("p", { class: "hint" }, t("dash.transitHint",
        { date: data.as_of || t("common.today") }))];
    parts.push(rows.length === 0
        ? note(t("dash.transitEmpty"), "transit-empty")
        : dataTable({
            test: "transit-table",
            rows,
            caption: t("dash.transitCaption"),
            rowTest: (row) => `transit-row-${row.number}-${row.line}`,
            columns: [
                { label: t("dash.col.order"), nowrap: true, cell: (row) => orderLink(row.number) },
                { label: t("dash.col.line"), numeric: true, cell: (row) => String(row.line) },
                { label: t("dash.col.desc"), cell: (row) => row.description },
                { label: t("dash.col.issued"), numeric: true,
                    cell: (row) => `${row.issued} ${row.unit}` },
                { label: t("dash.col.received"), numeric: true,
                    cell: (row) => `${row.received} ${row.unit}` },
                { label: t("dash.col.issuedOn"), nowrap: true, cell: (row) => row.issued_on },
                { label: t("dash.col.days"), numeric: true, cell: (row) => String(row.days) },
                { label: t("dash.col.state"), cell: (row) => stateBadge(row.state) },
            ],
        }));
    return parts;
}

function transitPanel() {
    const asOf = h("input", { type: "date", id: "transit-as-of", test: "transit-as-of" });
    return livePanel(t("dash.transit"), "dashboard-transit", [asOf, t("dash.asOf")],
        () => getPages("/api/reports/in-transit", { as_of: asOf.value }),
        (data) => [csvLink("/api/reports/in-transit", { as_of: asOf.value }, "transit-export"),
            ...renderTransit(data)]);
}

/* ---- Overdue -------------------------------------------------------------------------- */

function direction(user, row) {
    if (user.party === row.requester) {
        return t("dash.weOweDir");
    }
    return user.party === row.supplier ? t("dash.owedToUsDir") : "";
}

function renderOverdue(user, data) {
    const orders = itemsOf(data.orders || data).sort((a, b) => b.days_overdue - a.days_overdue);
    const totals = data.totals || [];
    const late = data.invoice_late || [];
    const parts = [h("p", { class: "hint" }, t("dash.asOfDate",
        { date: data.as_of || t("common.today") }))];
    if (totals.length > 0) {
        parts.push(h("h3", {}, t("dash.ageing")), dataTable({
            test: "overdue-totals",
            rows: totals,
            caption: t("dash.ageingCaption"),
            rowTest: (row) => `overdue-total-${row.bucket}-${row.currency}`,
            columns: [
                { label: t("dash.col.daysOverdue"), cell: (row) => row.bucket },
                { label: t("dash.currency"), cell: (row) => row.currency },
                { label: t("dash.col.orders"), numeric: true, cell: (row) => String(row.orders) },
                { label: t("dash.col.outstanding"), numeric: true,
                    cell: (row) => money(row.outstanding, row.currency) },
            ],
        }));
    }
    parts.push(h("h3", {}, t("dash.overdueOrders")), orders.length === 0
        ? note(t("dash.overdueEmpty"), "overdue-empty")
        : dataTable({
            test: "overdue-table",
            rows: orders,
            caption: t("dash.overdueCaption"),
            rowTest: () => "overdue-row",
            columns: [
                { label: t("dash.col.order"), nowrap: true, cell: (row) => orderLink(row.number) },
                { label: t("dash.col.parties"), cell: (row) => `${row.requester} → ${row.supplier}` },
                { label: t("dash.col.direction"), cell: (row) => direction(user, row) },
                { label: t("dash.col.method"), cell: (row) => methodLabel(row.method) },
                { label: t("dash.col.state"), cell: (row) => stateBadge(row.state) },
                { label: t("dash.col.due"), nowrap: true, cell: (row) => row.due },
                { label: t("dash.col.days"), numeric: true, cell: (row) => String(row.days_overdue) },
                { label: t("dash.col.bucket"), cell: (row) => tag(row.bucket, "warn") },
                { label: t("dash.col.outstanding"), numeric: true,
                    cell: (row) => money(row.outstanding, row.currency) },
            ],
        }));
    const disputed = data.disputed || [];
    if (disputed.length > 0) {
        parts.push(h("h3", {}, t("dash.disputedPast")), dataTable({
            test: "overdue-disputed",
            rows: disputed,
            caption: t("dash.disputedCaption"),
            rowTest: () => "overdue-disputed-row",
            columns: [
                { label: t("dash.col.order"), nowrap: true, cell: (row) => orderLink(row.number) },
                { label: t("dash.col.parties"), cell: (row) => `${row.requester} → ${row.supplier}` },
                { label: t("dash.col.due"), nowrap: true, cell: (row) => row.due },
                { label: t("dash.col.days"), numeric: true, cell: (row) => String(row.days_overdue) },
                { label: t("dash.col.outstanding"), numeric: true,
                    cell: (row) => money(row.outstanding, row.currency) },
            ],
        }));
    }
    if (late.length > 0) {
        parts.push(h("h3", {}, t("dash.invoiceLate")), dataTable({
            test: "invoice-late",
            rows: late,
            caption: t("dash.invoiceLateCaption"),
            rowTest: () => "invoice-late-row",
            columns: [
                { label: t("dash.col.order"), nowrap: true, cell: (row) => orderLink(row.number) },
                { label: t("dash.col.delivered"), nowrap: true, cell: (row) => row.delivered },
                { label: t("dash.col.invoiceBy"), nowrap: true, cell: (row) => row.invoice_by },
                { label: t("dash.col.daysLate"), numeric: true,
                    cell: (row) => String(row.days_late) },
                { label: t("dash.col.value"), numeric: true,
                    cell: (row) => money(row.value, row.currency) },
            ],
        }));
    }
    return parts;
}

function overduePanel(user) {
    const asOf = h("input", { type: "date", id: "overdue-as-of", test: "overdue-as-of" });
    return livePanel(t("dash.overdue"), "dashboard-overdue", [asOf, t("dash.asOf")],
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
const seriesName = (partner, direction) => t(direction === "received"
    ? "dash.receivedFrom" : "dash.suppliedTo", { partner });

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
    const period = t("dash.periodRange", { from: monthLabel(months[0]),
        to: monthLabel(months[months.length - 1]) });
    const title = t("dash.chartTitle", { currency, period });
    const key = keys.map((k, i) => h("span", { class: "chart-total nowrap",
        test: `chart-total-${currency}-${k.direction}-${k.partner}` },
    swatch(i), " ", h("span", { test: "chart-series" }, seriesName(k.partner, k.direction)),
    ": ", money(sumDecimals(mine(k).map((r) => r.value)), currency)));
    const table = dataTable({
        caption: t("dash.chartTable", { title }),
        columns: [{ label: t("dash.col.month"), cell: (m) => monthLabel(m) },
            ...series.map((s) => ({ label: s.name, numeric: true,
                cell: (m, i) => (s.values[i] ? groupDigits(s.values[i].text, currency) : "") }))],
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
        h("details", { class: "chart-data" }, h("summary", {}, t("dash.showFigures")), table));
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
    const hint = h("p", { class: "hint" }, t("dash.chartHint"));
    if (rows.length === 0 || months.length === 0) {
        return [hint, note(months.length === 0 ? t("dash.chartNone")
            : t("dash.chartNoneRange", { from: monthLabel(months[0]),
                to: monthLabel(months.at(-1)) }),
        "chart-empty")];
    }
    const currencies = [...new Set(rows.map((r) => r.currency))].sort();
    return [hint, ...currencies.map((c) => currencyChart(c, rows.filter((r) => r.currency === c),
        months, fit))];
}

function chartPanel() {
    const months = select(CHART_MONTHS.map((m) => ({ value: m, label: t("dash.lastMonths", { n: m }) })),
        { value: CHART_MONTHS_DEFAULT, id: "chart-months", test: "chart-months" });
    return livePanel(t("dash.chart"), "dashboard-chart",
        [months, t("dash.period")], () => getPages("/api/stats/monthly", { months: months.value }),
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
            t("dash.overdueLink"))));
}

function queuesPanel(user) {
    return livePanel(t("dash.queues"), "dashboard-queues", [],
        () => get("/api/stats/states"), (data) => renderQueues(user, data));
}

export function renderDashboard(main, user) {
    main.replaceChildren(h("div", { class: "dashboard", test: "view-dashboard" },
        h("h1", { tabindex: "-1" }, t("dash.title")),
        queuesPanel(user),
        canSeeBalance(user) ? livePanel(t("dash.balance"), "dashboard-balance", [],
            () => getPages("/api/balance"), (data) => h("div", {}, renderBalance(data),
                exportLinks(t("dash.journal"), "journal",
                    [["ledger", "ledger"], ["hledger", "hledger"], ["beancount", "beancount"]]),
                exportLinks(t("dash.postings"), "postings", [["csv", "CSV"], ["xlsx", "XLSX"]])))
            : null,
        canSeeOverdue(user) ? overduePanel(user) : null,
        transitPanel(),
        chartPanel()));
}
