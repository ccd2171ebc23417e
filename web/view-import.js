// SPDX-License-Identifier: MIT
// Import page (#/import): a requester picks a CSV file of order lines (the template of
// `acsa import template`, docs/CLI.md "Imports"), checks it with a dry run that shows the
// orders it would create, each with its lines and values, or every error by row and column;
// then imports it: every order or none (POST /api/import/orders).

import { ApiError, request } from "./api.js";
import { dataTable, h, note, orderLink, panel, replace } from "./dom.js";
import { money, quantity } from "./format.js";
import { canCreateOrder } from "./roles.js";

function ordersTable(data, created) {
    const rows = data.orders.flatMap((o) => o.lines.map((l, i) => ({ o, l, first: i === 0 })));
    return dataTable({
        columns: [
            { label: "Ref", cell: (r) => (r.first ? r.o.order_ref : "") },
            { label: created ? "Order" : "Would be", nowrap: true,
                cell: (r) => (r.first ? (created ? orderLink(r.o.number) : r.o.number) : "") },
            { label: "Row", numeric: true, cell: (r) => r.l.row },
            { label: "Category", cell: (r) => r.l.category },
            { label: "Description", cell: (r) => r.l.description },
            { label: "Quantity", numeric: true, cell: (r) => quantity(r.l.quantity, r.l.unit) },
            { label: "Price", numeric: true, cell: (r) => money(r.l.price, r.o.currency) },
            { label: "Value", numeric: true, cell: (r) => money(r.l.value, r.o.currency) },
            { label: "Order value", numeric: true,
                cell: (r) => (r.first ? money(r.o.value, r.o.currency) : "") },
        ],
        rows, test: "import-orders", rowTest: (r) => `import-row-${r.l.row}`,
        caption: created ? "Orders created" : "Orders the file would create (nothing created yet)",
    });
}

function errorsTable(errors, count) {
    const table = dataTable({
        columns: [
            { label: "Row", numeric: true, cell: (e) => (e.row === null ? "—" : e.row) },
            { label: "Column", cell: (e) => e.column || "—" },
            { label: "Error", cell: (e) => e.message },
        ],
        rows: errors.map((e, i) => ({ ...e, i })), test: "import-errors",
        rowTest: (e) => `import-error-${e.i}`,
        caption: "Errors by row and column: nothing was created",
    });
    const more = count > errors.length ? note(`and ${count - errors.length} more`) : null;
    return h("div", {}, table, more);
}

export function renderImport(el, user) {
    if (!canCreateOrder(user)) {
        replace(el, h("h1", { tabindex: "-1" }, "Import orders"),
            note("Only requesters import orders.", "import-not-allowed"));
        return;
    }
    const file = h("input", { type: "file", accept: ".csv,text/csv", test: "import-file",
        id: "import-file" });
    const result = h("div", { test: "import-result", "aria-live": "polite" });
    const send = async (dryRun) => {
        const chosen = file.files && file.files[0];
        if (!chosen) {
            replace(result, note("Choose a CSV file first.", "import-none"));
            return;
        }
        replace(result, note(dryRun ? "Checking…" : "Importing…"));
        try {
            const blob = new Blob([await chosen.arrayBuffer()], { type: "text/csv" });
            const r = await request("POST", "/api/import/orders",
                { query: { dry_run: dryRun ? "true" : null }, body: blob });
            replace(result, ordersTable(r.data, !dryRun),
                note(dryRun ? `${r.data.orders.length} orders would be created.`
                    : `${r.data.orders.length} orders created.`, "import-summary"));
        } catch (e) {
            if (e instanceof ApiError && e.errors) {
                replace(result, note(e.detail, "import-summary"),
                    errorsTable(e.errors, e.errorCount ?? e.errors.length));
            } else {
                replace(result, note(e.message, "import-summary"));
            }
        }
    };
    replace(el, h("h1", { tabindex: "-1" }, "Import orders"), panel("From a CSV file", "import",
        note("One row per order line; rows with the same order_ref are one order. The columns "
            + "are those of `acsa import template` (docs/CLI.md, Imports). Check the file first: "
            + "nothing is created until you import, and then every order or none."),
        h("p", {}, h("label", { for: "import-file" }, "CSV file "), file),
        h("p", {},
            h("button", { type: "button", test: "import-check", on: { click: () => send(true) } },
                "Check (dry run)"), " ",
            h("button", { type: "button", test: "import-submit", on: { click: () => send(false) } },
                "Import")),
        result));
}
