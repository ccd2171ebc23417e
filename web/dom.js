// SPDX-License-Identifier: MIT
// Small DOM builders shared by the views: elements, tables, selects, badges. No HTML strings:
// every text goes through textContent.

import { stateLabel } from "./format.js";
import { t } from "./i18n.js";

const PROPERTIES = new Set(["value", "checked", "disabled", "selected", "hidden", "open"]);

function append(parent, child) {
    if (child === null || child === undefined || child === false) {
        return;
    }
    if (Array.isArray(child)) {
        child.forEach((c) => append(parent, c));
    } else if (child instanceof Node) {
        parent.appendChild(child);
    } else {
        parent.appendChild(document.createTextNode(String(child)));
    }
}

/** A date input typed and shown as ISO whatever the browser's locale: a text input with a
 * pattern, given a calendar button by datepicker.js. */
function isoDateProps(props) {
    return { ...props, type: "text", inputmode: "numeric", maxlength: 10,
        pattern: "\\d{4}-\\d{2}-\\d{2}", placeholder: t("date.placeholder"),
        autocomplete: "off", "data-iso-date": "", class: `${props.class || ""} iso-date`.trim() };
}

/** h("a", {href: "#/", class: "x", test: "nav-orders", on: {click: f}}, "text", child...).
 * `test` sets data-test; value, checked, disabled, selected, hidden and open are set as
 * properties; other keys as attributes (null and false leave them out). */
export function h(tag, props = {}, ...children) {
    const el = document.createElement(tag);
    if (tag === "input" && props && props.type === "date") {
        props = isoDateProps(props);
    }
    for (const [key, value] of Object.entries(props || {})) {
        if (value === null || value === undefined || value === false) {
            continue;
        }
        if (key === "on") {
            Object.entries(value).forEach(([type, fn]) => el.addEventListener(type, fn));
        } else if (key === "test") {
            el.dataset.test = value;
        } else if (key === "class") {
            el.className = value;
        } else if (PROPERTIES.has(key)) {
            el[key] = value;
        } else {
            el.setAttribute(key, value === true ? "" : String(value));
        }
    }
    append(el, children);
    return el;
}

/** Removes every child of el, then appends the given children. */
export function replace(el, ...children) {
    el.replaceChildren();
    append(el, children);
    return el;
}

/** Replaces the options of a <select>: [{value, label}] or strings; placeholder adds a first
 * empty option. Chooses value when given (or the placeholder), else the first option. */
export function setOptions(el, options, { value = "", placeholder = null } = {}) {
    el.replaceChildren();
    if (placeholder !== null) {
        el.appendChild(h("option", { value: "" }, placeholder));
    }
    for (const option of options) {
        const item = typeof option === "object" ? option : { value: option, label: option };
        el.appendChild(h("option", { value: String(item.value) }, item.label));
    }
    if ((value !== null && value !== undefined && value !== "") || placeholder !== null) {
        el.value = value === null || value === undefined ? "" : String(value);
    }
    return el;
}

/** A <select> with its options (see setOptions) and element properties. */
export function select(options, { value = "", placeholder = null, ...props } = {}) {
    return setOptions(h("select", props), options, { value, placeholder });
}

/** Coloured state name. */
export function stateBadge(state, test) {
    return h("span", { class: `badge state-${state}`, test }, stateLabel(state));
}

/** A neutral or warning tag ("Overdue", "Converted to cash"). */
export function tag(text, kind = "", test = null) {
    return h("span", { class: `tag ${kind}`.trim(), test }, text);
}

/** Link to an order's page. */
export function orderLink(number, test = null) {
    return h("a", { href: `#/orders/${encodeURIComponent(number)}`, test }, number);
}

/** A horizontally scrolling table. columns: [{label, cell(row, index) -> node|text,
 * numeric, nowrap, test(row, index) -> data-test of the cell}]; rowTest(row, index) names rows;
 * groups: an optional first header row [{label, span}]. */
export function dataTable({ columns, rows, test, rowTest, caption, foot, groups,
    stack = true }) {
    const groupRow = groups ? h("tr", { class: "groups" }, groups.map((g) => h("th", {
        scope: g.label ? "colgroup" : null, colspan: g.span || 1,
    }, g.label || ""))) : null;
    const head = h("thead", {}, groupRow, h("tr", {}, columns.map((c) => h("th", {
        scope: "col", class: c.numeric ? "num" : null,
    }, c.label))));
    const body = h("tbody", {}, rows.map((row, i) => h("tr", {
        test: rowTest ? rowTest(row, i) : null,
    }, columns.map((c) => h("td", {
        class: c.numeric ? "num" : (c.nowrap ? "nowrap" : null),
        test: c.test ? c.test(row, i) : null,
    }, c.cell(row, i))))));
    const table = h("table", { test }, caption ? h("caption", {}, caption) : null, head, body,
        foot || null);
    const wrap = h("div", { class: "table-wrap", tabindex: "0", role: "region",
        "aria-label": caption || t("common.table") }, table);
    if (stack) {
        // On phones each row is a card, each cell labelled by its group and column.
        const labels = [];
        (groups || [{ span: columns.length }]).forEach((g) => {
            for (let i = 0; i < (g.span || 1); i++) {
                labels.push(g.label ? `${g.label} · ` : "");
            }
        });
        table.classList.add("stack");
        body.querySelectorAll("tr").forEach((tr) => [...tr.children].forEach((td, i) => {
            td.dataset.label = `${labels[i] || ""}${columns[i] ? columns[i].label : ""}`;
            if (td.childNodes.length > 1) { // One value beside the label on a card.
                td.append(h("span", { class: "cell" }, [...td.childNodes]));
            }
        }));
    }
    return wrap;
}

/** A titled panel (section with a heading). */
export function panel(title, test, ...children) {
    const id = `panel-${test}`;
    return h("section", { class: "panel", test, "aria-labelledby": id },
        h("h2", { id }, title), children);
}

/** A label/value list for headers: [[label, value, test], ...]; empty values are skipped. */
export function facts(pairs, test) {
    const list = h("dl", { class: "facts", test });
    for (const [term, value, valueTest] of pairs) {
        if (value === null || value === undefined || value === "") {
            continue;
        }
        list.appendChild(h("div", {}, h("dt", {}, term), h("dd", { test: valueTest }, value)));
    }
    return list;
}

/** A paragraph for loading and empty states. */
export function note(text, test = null) {
    return h("p", { class: "note", test }, text);
}

/** Marks a dataTable to stack on phones: each row a card, each cell labelled by its column
 * (style.css "table.stack"). Returns the table's wrapper. */
export function stacked(wrap) {
    const table = wrap.querySelector("table");
    const labels = [...table.querySelectorAll("thead tr:last-child th")]
        .map((th) => th.textContent);
    table.classList.add("stack");
    table.querySelectorAll("tbody tr").forEach((tr) => [...tr.children].forEach((td, i) => {
        td.dataset.label = labels[i] || "";
    }));
    return wrap;
}
