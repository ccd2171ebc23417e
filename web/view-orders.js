// SPDX-License-Identifier: MIT
// Order list: filters (state, agreement, activity, partner, overdue) and a search box kept in
// the address (#/orders?state=...), a table of summaries and cursor pagination ("More").

import { get, itemsOf } from "./api.js";
import { dataTable, h, note, orderLink, replace, select, stateBadge, tag } from "./dom.js";
import { busy, field, input } from "./forms.js";
import { compareDecimals, methodLabel, money, STATES, stateLabel, today } from "./format.js";
import { activities, agreements, nations } from "./reference.js";
import { canCreateOrder } from "./roles.js";
import { exportLinks } from "./export-links.js";

const PAGE_SIZE = 50;
const FILTERS = ["state", "agreement", "activity", "partner", "overdue", "q"];
const OPEN_STATES = new Set(["delivered", "invoiced", "disputed", "delivering"]);

/** Whether a summary is past its due date with something outstanding. */
function isOverdue(order) {
    return Boolean(order.due) && order.due < today() && OPEN_STATES.has(order.state)
        && compareDecimals(order.outstanding || "0", "0") !== 0;
}

function columns(activityNames) {
    return [
        { label: "Order", nowrap: true,
            cell: (o) => orderLink(o.number, `order-link-${o.number}`) },
        { label: "Agreement", cell: (o) => o.agreement_id },
        { label: "Parties", cell: (o) => `${o.requester} → ${o.supplier}` },
        { label: "Activity", cell: (o) => activityNames.get(Number(o.activity_id))
            || String(o.activity_id ?? "") },
        { label: "Method", cell: (o) => methodLabel(o.method) },
        { label: "State", cell: (o) => [stateBadge(o.state),
            isOverdue(o) ? tag("Overdue", "warn", "order-overdue") : null] },
        { label: "Raised", nowrap: true, cell: (o) => o.created || "" },
        { label: "Due", nowrap: true, cell: (o) => o.due || "—" },
        { label: "Value", numeric: true, cell: (o) => money(o.value, o.currency) },
        { label: "Outstanding", numeric: true, cell: (o) => money(o.outstanding, o.currency) },
    ];
}

/** The filter form, filled from the current query. */
async function filterForm(query) {
    const [agreementList, nationList, activityList] = await Promise.all([
        agreements(), nations(), activities(query.agreement || "")]);
    const controls = {
        state: select(STATES.map((s) => ({ value: s, label: stateLabel(s) })),
            { value: query.state, placeholder: "Any state", test: "filter-state" }),
        agreement: select(agreementList.map((a) => a.id),
            { value: query.agreement, placeholder: "Any agreement", test: "filter-agreement" }),
        activity: select(activityList.map((a) => ({ value: a.id, label: a.name })),
            { value: query.activity, placeholder: "Any activity", test: "filter-activity" }),
        partner: select(nationList,
            { value: query.partner, placeholder: "Any nation", test: "filter-partner" }),
        overdue: h("input", { type: "checkbox", id: "filter-overdue", test: "filter-overdue",
            checked: query.overdue === "true" }),
        q: input({ type: "search", value: query.q || "", test: "filter-q",
            placeholder: "Order number or description" }),
    };
    const form = h("form", { class: "filters", role: "search", test: "orders-filters" },
        field("Search", controls.q, { wide: true }),
        field("State", controls.state),
        field("Agreement", controls.agreement),
        field("Activity", controls.activity),
        field("Partner", controls.partner),
        h("div", { class: "field check" }, controls.overdue,
            h("label", { for: "filter-overdue" }, "Overdue only")),
        h("div", { class: "form-actions" },
            h("button", { type: "submit", class: "primary", test: "filter-apply" }, "Apply"),
            h("a", { href: "#/orders", class: "button", test: "filter-reset" }, "Reset")));
    // A different agreement offers its own activities: apply at once.
    controls.agreement.addEventListener("change", () => {
        controls.activity.value = "";
        form.requestSubmit();
    });
    form.addEventListener("submit", (event) => {
        event.preventDefault();
        const params = new URLSearchParams();
        for (const name of FILTERS) {
            const control = controls[name];
            const value = control.type === "checkbox" ? (control.checked ? "true" : "")
                : control.value.trim();
            if (value) {
                params.set(name, value);
            }
        }
        const text = params.toString();
        location.hash = text ? `#/orders?${text}` : "#/orders";
    });
    return form;
}

export async function renderOrders(main, user, query) {
    const results = h("div", { class: "results", test: "orders-results" }, note("Loading…"));
    const count = h("p", { class: "hint", test: "orders-count", "aria-live": "polite" });
    main.replaceChildren(h("div", { class: "orders", test: "view-orders" },
        h("div", { class: "title-row" }, h("h1", { tabindex: "-1" }, "Orders"),
            canCreateOrder(user)
                ? h("a", { href: "#/orders/new", class: "button primary", test: "order-new" },
                    "New order") : null),
        await filterForm(query), count, results));

    const activityNames = new Map((await activities()).map((a) => [Number(a.id), a.name]));
    const filter = {};
    FILTERS.forEach((name) => {
        if (query[name]) {
            filter[name] = query[name];
        }
    });
    // The exports hold every order the filters select, not only the pages shown.
    count.after(h("div", { class: "export-row" },
        exportLinks("Export orders:", "orders",
            [["csv", "CSV"], ["xlsx", "XLSX"], ["json", "JSON"]], filter),
        exportLinks("Lines:", "lines", [["csv", "CSV"], ["xlsx", "XLSX"]], filter),
        exportLinks("Postings:", "postings", [["csv", "CSV"], ["xlsx", "XLSX"]], filter),
        exportLinks("Documents:", "documents", [["csv", "CSV"], ["xlsx", "XLSX"]], filter)));
    const rows = [];
    const more = h("button", { type: "button", class: "more", test: "orders-more" }, "More");
    let cursor = null;

    const page = async () => {
        const data = await get("/api/orders", { ...filter, cursor, limit: PAGE_SIZE });
        rows.push(...itemsOf(data));
        cursor = data && data.next_cursor;
        count.textContent = `${rows.length} order${rows.length === 1 ? "" : "s"} shown`
            + (cursor ? "; more available." : ".");
        replace(results, rows.length === 0 ? note("No order matches.", "orders-empty")
            : dataTable({ columns: columns(activityNames), rows, test: "orders-table",
                caption: "Orders", rowTest: (o) => `order-row-${o.number}` }),
        cursor ? more : null);
    };
    more.addEventListener("click", () => busy(more, page).then(() => {
        (more.isConnected ? more : results.querySelector("tbody tr:last-child a")).focus();
    }).catch((error) => {
        count.textContent = error.detail;
    }));
    try {
        await page();
    } catch (error) {
        replace(results, h("p", { class: "form-error", role: "alert", test: "orders-error" },
            error.detail || String(error)));
    }
}
