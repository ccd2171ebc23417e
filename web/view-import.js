// SPDX-License-Identifier: MIT
// Import page (#/import): a requester picks a CSV file of order lines (the template of
// `acsa import template`, docs/CLI.md "Imports"), checks it with a dry run that shows the
// orders it would create, each with its lines and values, or every error by row and column;
// then imports it: every order or none (POST /api/import/orders).

import { ApiError, request } from "./api.js";
import { dataTable, h, note, orderLink, panel, replace } from "./dom.js";
import { money, quantity } from "./format.js";
import { canCreateOrder } from "./roles.js";
import { problemText, t } from "./i18n.js";

function ordersTable(data, created) {
    const rows = data.orders.flatMap((o) => o.lines.map((l, i) => ({ o, l, first: i === 0 })));
    return dataTable({
        columns: [
            { label: t("import.ref"), cell: (r) => (r.first ? r.o.order_ref : "") },
            { label: created ? "Order" : t("import.wouldBe"), nowrap: true,
                cell: (r) => (r.first ? (created ? orderLink(r.o.number) : r.o.number) : "") },
            { label: t("import.row"), numeric: true, cell: (r) => r.l.row },
            { label: t("import.category"), cell: (r) => r.l.category },
            { label: t("import.description"), cell: (r) => r.l.description },
            { label: t("import.quantity"), numeric: true, cell: (r) => quantity(r.l.quantity, r.l.unit) },
            { label: t("import.price"), numeric: true, cell: (r) => money(r.l.price, r.o.currency) },
            { label: t("import.value"), numeric: true, cell: (r) => money(r.l.value, r.o.currency) },
            { label: t("import.orderValue"), numeric: true,
                cell: (r) => (r.first ? money(r.o.value, r.o.currency) : "") },
        ],
        rows, test: "import-orders", rowTest: (r) => `import-row-${r.l.row}`,
        caption: created ? "Orders created" : t("import.ordersTheFileWouldCreate"),
    });
}

function errorsTable(errors, count) {
    const table = dataTable({
        columns: [
            { label: t("import.row"), numeric: true, cell: (e) => (e.row === null ? "—" : e.row) },
            { label: t("import.column"), cell: (e) => e.column || "—" },
            { label: t("import.error"), cell: (e) => e.message },
        ],
        rows: errors.map((e, i) => ({ ...e, i })), test: "import-errors",
        rowTest: (e) => `import-error-${e.i}`,
        caption: t("import.errorsByRowAndColumn"),
    });
    const more = count > errors.length ? note(`and ${count - errors.length} more`) : null;
    return h("div", {}, table, more);
}

export function renderImport(el, user) {
    if (!canCreateOrder(user)) {
        replace(el, h("h1", { tabindex: "-1" }, t("import.importOrders")),
            note(t("import.onlyRequestersImportOrders"), "import-not-allowed"));
        return;
    }
    const file = h("input", { type: "file", accept: ".csv,text/csv", test: "import-file",
        id: "import-file" });
    const result = h("div", { test: "import-result", "aria-live": "polite" });
    const send = async (dryRun) => {
        const chosen = file.files && file.files[0];
        if (!chosen) {
            replace(result, note(t("import.chooseACsvFileFirst"), "import-none"));
            return;
        }
        replace(result, note(dryRun ? "Checking…" : t("import.importing")));
        try {
            const blob = new Blob([await chosen.arrayBuffer()], { type: "text/csv" });
            const r = await request("POST", "/api/import/orders",
                { query: { dry_run: dryRun ? "true" : null }, body: blob });
            replace(result, ordersTable(r.data, !dryRun),
                note(dryRun ? `${r.data.orders.length} orders would be created.`
                    : `${r.data.orders.length} orders created.`, "import-summary"));
        } catch (e) {
            if (e instanceof ApiError && e.errors) {
                replace(result, note(problemText(e), "import-summary"),
                    errorsTable(e.errors, e.errorCount ?? e.errors.length));
            } else {
                replace(result, note(problemText(e), "import-summary"));
            }
        }
    };
    replace(el, h("h1", { tabindex: "-1" }, t("import.importOrders")), panel(t("import.fromACsvFile"), "import",
        note(t("import.oneRowPerOrderLine")),
        h("p", {}, h("label", { for: "import-file" }, t("import.csvFile")), file),
        h("p", {},
            h("button", { type: "button", test: "import-check", on: { click: () => send(true) } },
                t("import.checkDryRun")), " ",
            h("button", { type: "button", test: "import-submit", on: { click: () => send(false) } },
                t("import.import"))),
        result));
}
