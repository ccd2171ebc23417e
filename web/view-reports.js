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

const today = () => new Date().toISOString().slice(0, 10);
const dash = (value) => (value === null || value === undefined || value === "" ? "—"
    : String(value));

/* Each report: its label, its parameters (name, label, type, default) and its columns (key,
 * label, numeric). */
const REPORTS = {
    statement: {
        label: "Statement of account",
        params: [["partner", "Partner", "partner"], ["from", "From", "date", () => `${today()
            .slice(0, 4)}-01-01`], ["to", "To", "date", today], ["currency", "Currency (optional)",
            "text"]],
        columns: [["currency", "Currency"], ["section", "Cash or kind"], ["line", "Line"],
            ["date", "Date"], ["order", "Order"], ["invoice", "Invoice"], ["step", "Step"],
            ["account", "Account"], ["amount", "Amount", true], ["balance", "Balance", true]],
    },
    open: {
        label: "Open orders",
        params: [["as_of", "As of", "date", today]],
        columns: [["number", "Order"], ["state", "State"], ["method", "Method"],
            ["partner", "Partner"], ["currency", "Currency"], ["value", "Value", true],
            ["outstanding", "Outstanding", true], ["created", "Raised"],
            ["age_days", "Age (days)", true], ["bucket", "Bucket"]],
        totals: [["state", "State"], ["currency", "Currency"], ["orders", "Orders", true],
            ["value", "Value", true], ["outstanding", "Outstanding", true]],
    },
    unliquidated: {
        label: "Unliquidated obligations",
        params: [["partner", "Partner (optional)", "partner", null, "Any"]],
        columns: [["partner", "Partner"], ["way", "Way"], ["currency", "Currency"],
            ["method", "Method"], ["orders", "Orders", true],
            ["outstanding", "Outstanding", true]],
    },
    "by-method": {
        label: "Settlement by method",
        params: [],
        columns: [["method", "Method"], ["currency", "Currency"], ["orders", "Orders", true],
            ["value", "Value", true], ["settled_orders", "Settled", true],
            ["settled_value", "Settled value", true], ["settled_percent", "Settled %", true],
            ["average_days", "Average days to settle", true]],
    },
    yearly: {
        label: "Yearly summary",
        params: [["year", "Year", "year", () => today().slice(0, 4)]],
        columns: [["agreement", "Agreement"], ["activity", "Activity"], ["category", "Category"],
            ["way", "Way"], ["partner", "Partner"], ["currency", "Currency"],
            ["orders", "Orders", true], ["value", "Value", true]],
    },
    missing: {
        label: "Orders missing data or documents",
        params: [["as_of", "As of", "date", today]],
        columns: [["number", "Order"], ["state", "State"], ["check", "Check"],
            ["detail", "Detail"]],
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
        return select(parties, { placeholder: placeholder || "Choose…", value, test, name });
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
    replace(target, note("Loading…", "report-loading"));
    try {
        const data = await getPages(`/api/reports/${name}`, query);
        const parts = [data.items.length === 0 ? note("Nothing to report.", "report-empty")
            : stacked(dataTable({ columns: columnsOf(report.columns), rows: data.items,
                test: "report-table", rowTest: (row, i) => `report-row-${i}`,
                caption: report.label }))];
        if (report.totals && Array.isArray(data.totals)) {
            parts.push(stacked(dataTable({ columns: columnsOf(report.totals), rows: data.totals,
                test: "report-totals", caption: "Totals by state" })));
        }
        replace(target, ...parts);
    } catch (error) {
        replace(target, h("p", { class: "form-error", role: "alert", test: "report-error" },
            error.detail || String(error)));
    }
}

export async function renderReports(el, user, query = {}) {
    if (!canSeeBalance(user)) {
        replace(el, h("h1", {}, "Reports"), note("Your role does not see the reports.",
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
        "Download CSV");
    const button = h("button", { type: "submit", class: "primary", test: "report-show" },
        "Show");
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
        field("Report", choice, { key: "report" }), paramBox,
        h("div", { class: "form-actions" }, button, link));
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        await busy(button, () => show(table, link, choice.value, controls));
    });
    replace(el, h("h1", {}, "Reports"), panel("Report", "reports", form, table));
    if (query.report) {
        await show(table, link, choice.value, controls);
    }
}
