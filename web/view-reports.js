// SPDX-License-Identifier: MIT
// Reports page (#/reports): the reports of requirement 15 (GET /api/reports/NAME): the
// statement of account with a partner for a period, open orders by state and age,
// unliquidated obligations, settlement by method, the yearly summary and orders missing data.
// One report at a time: its parameters, a table of its rows, and a "Download CSV" link to the
// same report as a spreadsheet (?format=csv; the session cookie goes with the link).

import { getPages } from "./api.js";
import { dataTable, h, note, panel, replace, select, stacked } from "./dom.js";
import { busy, field, input } from "./forms.js";
import { nations } from "./reference.js";
import { canSeeBalance } from "./roles.js";
import { problemText, t } from "./i18n.js";

const today = () => new Date().toISOString().slice(0, 10);
const dash = (value) => (value === null || value === undefined || value === "" ? "—"
    : String(value));

/* Each report: its label, its parameters (name, label, type, default) and its columns (key,
 * label, numeric). */
const REPORTS = {
    statement: {
        label: t("reports.statementOfAccount"),
        params: [["partner", t("reports.partner"), "partner"], ["from", t("reports.from"), "date", () => `${today()
            .slice(0, 4)}-01-01`], ["to", t("reports.to"), "date", today], ["currency", t("reports.currencyOptional"),
            "text"]],
        columns: [["currency", t("reports.currency")], ["section", t("reports.cashOrKind")], ["line", t("reports.line")],
            ["date", t("reports.date")], ["order", t("reports.order")], ["invoice", t("reports.invoice")], ["step", t("reports.step")],
            ["account", t("reports.account")], ["amount", t("reports.amount"), true], ["balance", t("reports.balance"), true]],
    },
    open: {
        label: t("reports.openOrders"),
        params: [["as_of", t("reports.asOf"), "date", today]],
        columns: [["number", t("reports.order")], ["state", t("reports.state")], ["method", t("reports.method")],
            ["partner", t("reports.partner")], ["currency", t("reports.currency")], ["value", t("reports.value"), true],
            ["outstanding", t("reports.outstanding"), true], ["created", t("reports.raised")],
            ["age_days", t("reports.ageDays"), true], ["bucket", t("reports.bucket")]],
        totals: [["state", t("reports.state")], ["currency", t("reports.currency")], ["orders", t("reports.orders"), true],
            ["value", t("reports.value"), true], ["outstanding", t("reports.outstanding"), true]],
    },
    unliquidated: {
        label: t("reports.unliquidatedObligations"),
        params: [["partner", t("reports.partnerOptional"), "partner", null, t("reports.any")]],
        columns: [["partner", t("reports.partner")], ["way", t("reports.way")], ["currency", t("reports.currency")],
            ["method", t("reports.method")], ["orders", t("reports.orders"), true],
            ["outstanding", t("reports.outstanding"), true]],
    },
    "by-method": {
        label: t("reports.settlementByMethod"),
        params: [],
        columns: [["method", t("reports.method")], ["currency", t("reports.currency")], ["orders", t("reports.orders"), true],
            ["value", t("reports.value"), true], ["settled_orders", t("reports.settled"), true],
            ["settled_value", t("reports.settledValue"), true], ["settled_percent", t("reports.settled2"), true],
            ["average_days", t("reports.averageDaysToSettle"), true]],
    },
    yearly: {
        label: t("reports.yearlySummary"),
        params: [["year", t("reports.year"), "year", () => today().slice(0, 4)]],
        columns: [["agreement", t("reports.agreement")], ["activity", t("reports.activity")], ["category", t("reports.category")],
            ["way", t("reports.way")], ["partner", t("reports.partner")], ["currency", t("reports.currency")],
            ["orders", t("reports.orders"), true], ["value", t("reports.value"), true]],
    },
    missing: {
        label: t("reports.ordersMissingDataOrDocuments"),
        params: [["as_of", t("reports.asOf"), "date", today]],
        columns: [["number", t("reports.order")], ["state", t("reports.state")], ["check", t("reports.check")],
            ["detail", t("reports.detail")]],
    },
};

function columnsOf(list) {
    return list.map(([key, label, numeric]) => ({ label, numeric: Boolean(numeric),
        nowrap: key === "date" || key === "created",
        cell: (row) => dash(row[key]) }));
}

function paramControl([name, , type, initial, placeholder], parties) {
    const value = initial ? initial() : "";
    const test = `report-param-${name}`;
    if (type === "partner") {
        return select(parties, { placeholder: placeholder || t("reports.choose"), value, test, name });
    }
    if (type === "date") {
        return input({ type: "date", value, test, name });
    }
    if (type === "year") {
        return input({ inputmode: "numeric", value, test, name, maxlength: 4, size: 6 });
    }
    return input({ value, test, name, maxlength: 3, size: 6 });
}

/** The query of the report's parameters (empty ones left out). */
function queryOf(controls) {
    const query = {};
    for (const [name, control] of Object.entries(controls)) {
        const value = control.value.trim();
        if (value) {
            query[name] = value;
        }
    }
    return query;
}

async function show(target, link, name, controls) {
    const report = REPORTS[name];
    const query = queryOf(controls);
    link.href = `/api/reports/${name}?${new URLSearchParams({ ...query, format: "csv" })}`;
    link.hidden = false;
    replace(target, note(t("reports.loading"), "report-loading"));
    try {
        const data = await getPages(`/api/reports/${name}`, query);
        const parts = [data.items.length === 0 ? note(t("reports.nothingToReport"), "report-empty")
            : stacked(dataTable({ columns: columnsOf(report.columns), rows: data.items,
                test: "report-table", rowTest: (row, i) => `report-row-${i}`,
                caption: report.label }))];
        if (report.totals && Array.isArray(data.totals)) {
            parts.push(stacked(dataTable({ columns: columnsOf(report.totals), rows: data.totals,
                test: "report-totals", caption: t("reports.totalsByState") })));
        }
        replace(target, ...parts);
    } catch (error) {
        replace(target, h("p", { class: "form-error", role: "alert", test: "report-error" },
            problemText(error)));
    }
}

export async function renderReports(el, user, query = {}) {
    if (!canSeeBalance(user)) {
        replace(el, h("h1", {}, t("reports.reports")), note(t("reports.yourRoleDoesNotSee"),
            "reports-forbidden"));
        return;
    }
    const parties = (await nations().catch(() => [])).filter((p) => p !== user.party);
    const names = Object.keys(REPORTS);
    const chosen = names.includes(query.report) ? query.report : "statement";
    const choice = select(names.map((n) => ({ value: n, label: REPORTS[n].label })),
        { value: chosen, test: "report-choice", name: "report" });
    const paramBox = h("div", { class: "action-fields", test: "report-params" });
    const table = h("div", { test: "report-result" });
    const link = h("a", { class: "button", test: "report-csv", hidden: true, download: "" },
        t("reports.downloadCsv"));
    const button = h("button", { type: "submit", class: "primary", test: "report-show" },
        t("reports.show"));
    let controls = {};
    const fill = () => {
        const report = REPORTS[choice.value];
        controls = {};
        const fields = report.params.map((p) => {
            controls[p[0]] = paramControl(p, parties);
            return field(p[1], controls[p[0]], { key: p[0] });
        });
        replace(paramBox, ...fields);
        replace(table);
        link.hidden = true;
    };
    choice.addEventListener("change", fill);
    fill();
    const form = h("form", { class: "form", test: "report-form", novalidate: true },
        field(t("reports.report"), choice, { key: "report" }), paramBox,
        h("div", { class: "form-actions" }, button, link));
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        await busy(button, () => show(table, link, choice.value, controls));
    });
    replace(el, h("h1", {}, t("reports.reports")), panel(t("reports.report"), "reports", form, table));
    if (query.report) {
        await show(table, link, choice.value, controls);
    }
}
