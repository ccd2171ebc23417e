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
import { problemText, t } from "./i18n.js";

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
        { label: t("orders.col.order"), nowrap: true,
            cell: (o) => orderLink(o.number, `order-link-${o.number}`) },
        { label: t("orders.col.agreement"), cell: (o) => o.agreement_id },
        { label: t("orders.col.parties"), cell: (o) => `${o.requester} → ${o.supplier}` },
        { label: t("orders.col.activity"), cell: (o) => activityNames.get(Number(o.activity_id))
            || String(o.activity_id ?? "") },
        { label: t("orders.col.method"), cell: (o) => methodLabel(o.method) },
        { label: t("orders.col.state"), cell: (o) => [stateBadge(o.state),
            isOverdue(o) ? tag(t("orders.overdue"), "warn", "order-overdue") : null] },
        { label: t("orders.col.raised"), nowrap: true, cell: (o) => o.created || "" },
        { label: t("orders.col.due"), nowrap: true, cell: (o) => o.due || "—" },
        { label: t("orders.col.value"), numeric: true, cell: (o) => money(o.value, o.currency) },
        { label: t("orders.col.outstanding"), numeric: true, cell: (o) => money(o.outstanding, o.currency) },
    ];
}

/** The filter form, filled from the current query. */
async function filterForm(query) {
    const [agreementList, nationList, activityList] = await Promise.all([
        agreements(), nations(), activities(query.agreement || "")]);
    const controls = {
        state: select(STATES.map((s) => ({ value: s, label: stateLabel(s) })),
            { value: query.state, placeholder: t("orders.anyState"), test: "filter-state" }),
        agreement: select(agreementList.map((a) => a.id),
            { value: query.agreement, placeholder: t("orders.anyAgreement"), test: "filter-agreement" }),
        activity: select(activityList.map((a) => ({ value: a.id, label: a.name })),
            { value: query.activity, placeholder: t("orders.anyActivity"), test: "filter-activity" }),
        partner: select(nationList,
            { value: query.partner, placeholder: t("orders.anyNation"), test: "filter-partner" }),
        overdue: h("input", { type: "checkbox", id: "filter-overdue", test: "filter-overdue",
            checked: query.overdue === "true" }),
        q: input({ type: "search", value: query.q || "", test: "filter-q",
            placeholder: t("orders.searchHint") }),
    };
    const form = h("form", { class: "filters", role: "search", "aria-label": t("orders.filters"), test: "orders-filters" },
        field(t("orders.search"), controls.q, { wide: true }),
        field(t("orders.state"), controls.state),
        field(t("orders.agreement"), controls.agreement),
        field(t("orders.activity"), controls.activity),
        field(t("orders.partner"), controls.partner),
        h("div", { class: "field check" }, controls.overdue,
            h("label", { for: "filter-overdue" }, t("orders.overdueOnly"))),
        h("div", { class: "form-actions" },
            h("button", { type: "submit", class: "primary", test: "filter-apply" }, t("common.apply")),
            h("a", { href: "#/orders", class: "button", test: "filter-reset" }, t("common.reset"))));
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
    const results = h("div", { class: "results", test: "orders-results" }, note(t("common.loading")));
    const count = h("p", { class: "hint", test: "orders-count", "aria-live": "polite" });
    main.replaceChildren(h("div", { class: "orders", test: "view-orders" },
        h("div", { class: "title-row" }, h("h1", { tabindex: "-1" }, t("orders.title")),
            canCreateOrder(user)
                ? h("a", { href: "#/orders/new", class: "button primary", test: "order-new" },
                    t("orders.new")) : null),
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
        exportLinks(t("orders.exportOrders"), "orders",
            [["csv", "CSV"], ["xlsx", "XLSX"], ["json", "JSON"]], filter),
        exportLinks(t("orders.exportLines"), "lines", [["csv", "CSV"], ["xlsx", "XLSX"]], filter),
        exportLinks(t("orders.exportPostings"), "postings", [["csv", "CSV"], ["xlsx", "XLSX"]], filter),
        exportLinks(t("orders.exportDocuments"), "documents", [["csv", "CSV"], ["xlsx", "XLSX"]], filter)));
    const rows = [];
    const more = h("button", { type: "button", class: "more", test: "orders-more" }, t("common.more"));
    let cursor = null;

    const page = async () => {
        const data = await get("/api/orders", { ...filter, cursor, limit: PAGE_SIZE });
        rows.push(...itemsOf(data));
        cursor = data && data.next_cursor;
        count.textContent = t("orders.shown", { n: rows.length })
            + t(cursor ? "orders.moreAvailable" : "orders.end");
        replace(results, rows.length === 0 ? note(t("orders.none"), "orders-empty")
            : dataTable({ columns: columns(activityNames), rows, test: "orders-table",
                caption: t("orders.caption"), rowTest: (o) => `order-row-${o.number}` }),
        cursor ? more : null);
    };
    more.addEventListener("click", () => busy(more, page).then(() => {
        (more.isConnected ? more : results.querySelector("tbody tr:last-child a")).focus();
    }).catch((error) => {
        count.textContent = problemText(error);
    }));
    try {
        await page();
    } catch (error) {
        replace(results, h("p", { class: "form-error", role: "alert", test: "orders-error" },
            problemText(error)));
    }
}
