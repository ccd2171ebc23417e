// SPDX-License-Identifier: MIT
// Export buttons: plain links to GET /api/export/... (the session cookie goes with them), each
// a download of what the list beside it shows, with the list's filters.

import { h } from "./dom.js";
import { t } from "./i18n.js";

/** A row of download links for kind ("orders", "lines", "postings", "documents" or
 * "journal"), each of formats [format, label], with the query's non-empty members. */
export function exportLinks(label, kind, formats, query = {}, test = `export-${kind}`) {
    const params = (format) => {
        const p = new URLSearchParams({ format });
        for (const [name, value] of Object.entries(query)) {
            if (value !== undefined && value !== null && value !== "") {
                p.set(name, value);
            }
        }
        return p.toString();
    };
    return h("div", { class: "export-links", test },
        h("span", { class: "hint" }, label),
        ...formats.map(([format, text]) => h("a", {
            href: `/api/export/${kind}?${params(format)}`, download: "", class: "button",
            test: `${test}-${format}`, title: t("export.title", { kind, format: text }),
        }, text)));
}

/** A download link of a list's GET path as CSV (?format=csv), with the query's non-empty
 * members as the list was asked with: every row, not only the page shown. */
export function csvLink(path, query = {}, test = "csv-link") {
    const p = new URLSearchParams({ format: "csv" });
    for (const [name, value] of Object.entries(query)) {
        if (value !== undefined && value !== null && value !== "") {
            p.set(name, value);
        }
    }
    return h("div", { class: "export-links", test },
        h("a", { href: `${path}?${p}`, download: "", class: "button", test: `${test}-csv`,
            title: t("export.everyRowCsv") }, "CSV"));
}
