// SPDX-License-Identifier: MIT
// Dates typed and shown as ISO (YYYY-MM-DD) whatever the browser's locale: every date input
// is a text input with a pattern (dom.js turns type "date" into one) and a small calendar
// button beside it; the calendar's days are buttons named by their ISO date.

import { h } from "./dom.js";
import { t } from "./i18n.js";

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n) => String(n).padStart(2, "0");
const isoOf = (y, m, d) => `${y}-${pad(m + 1)}-${pad(d)}`;

let open = null; // {pop, input, button}

function close(focusInput = false) {
    if (!open) {
        return;
    }
    const { pop, input, button } = open;
    open = null;
    pop.remove();
    button.setAttribute("aria-expanded", "false");
    if (focusInput) {
        input.focus();
    }
}

function choose(input, iso) {
    input.value = iso;
    input.dispatchEvent(new Event("input", { bubbles: true })); // Sends the change too.
    close(true);
}

/** Draws the month (year, month from 0) of the calendar into pop. */
function draw(pop, input, year, month) {
    const today = new Date();
    const todayIso = isoOf(today.getFullYear(), today.getMonth(), today.getDate());
    const chosen = input.value;
    const first = new Date(Date.UTC(year, month, 1));
    const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const lead = (first.getUTCDay() + 6) % 7; // Monday first.
    const names = t("date.weekdays").split(",");
    const move = (delta) => {
        const next = new Date(Date.UTC(year, month + delta, 1));
        draw(pop, input, next.getUTCFullYear(), next.getUTCMonth());
        pop.querySelector(delta < 0 ? ".date-prev" : ".date-next").focus();
    };
    const rows = [];
    let cells = [];
    for (let i = 0; i < lead; i++) {
        cells.push(h("td"));
    }
    for (let d = 1; d <= days; d++) {
        const iso = isoOf(year, month, d);
        cells.push(h("td", {}, h("button", {
            type: "button", class: `date-day${iso === todayIso ? " today" : ""}`,
            "aria-label": iso, "aria-pressed": iso === chosen ? "true" : "false",
            "data-date": iso, on: { click: () => choose(input, iso) },
        }, String(d))));
        if (cells.length === 7) {
            rows.push(h("tr", {}, cells));
            cells = [];
        }
    }
    if (cells.length > 0) {
        rows.push(h("tr", {}, cells));
    }
    pop.replaceChildren(
        h("div", { class: "date-head" },
            h("button", { type: "button", class: "date-prev", "aria-label": t("date.prev"),
                on: { click: () => move(-1) } }, "‹"),
            h("span", { class: "date-month", "aria-live": "polite" },
                `${year}-${pad(month + 1)}`),
            h("button", { type: "button", class: "date-next", "aria-label": t("date.next"),
                on: { click: () => move(1) } }, "›")),
        h("table", { class: "date-grid", role: "presentation" },
            h("thead", {}, h("tr", {}, names.map((n) => h("th", { scope: "col" }, n)))),
            h("tbody", {}, rows)),
        h("button", { type: "button", class: "date-close", on: { click: () => close(true) } },
            t("date.close")));
}

function toggle(input, button) {
    if (open && open.input === input) {
        close(true);
        return;
    }
    close();
    const match = ISO.exec(input.value);
    const now = new Date();
    const year = match ? Number(match[1]) : now.getFullYear();
    const month = match ? Number(match[2]) - 1 : now.getMonth();
    const pop = h("div", { class: "date-pop", role: "dialog", "aria-label": t("date.pick"),
        test: "date-picker" });
    pop.addEventListener("keydown", (event) => {
        if (event.key === "Escape") {
            event.preventDefault();
            close(true);
        }
    });
    draw(pop, input, year, month);
    button.after(pop);
    button.setAttribute("aria-expanded", "true");
    open = { pop, input, button };
    (pop.querySelector("[aria-pressed=true]") || pop.querySelector(".date-day.today")
        || pop.querySelector(".date-day")).focus();
}

/** A small calendar drawn in SVG (no font needed). */
function calendarIcon() {
    const NS = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(NS, "path");
    path.setAttribute("d", "M2 3h12v11H2zM2 6h12M5 1v4M11 1v4M4.5 8.5h2v2h-2zM9.5 8.5h2v2h-2z");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "1.3");
    svg.appendChild(path);
    return svg;
}

/** Gives a date input its calendar button (once). */
function enhance(input) {
    if (input.dataset.picker || !input.isConnected) {
        return;
    }
    input.dataset.picker = "1";
    const wrap = h("span", { class: "date-field" });
    const button = h("button", { type: "button", class: "date-button",
        "aria-label": t("date.pick"), "aria-haspopup": "dialog", "aria-expanded": "false",
        test: input.dataset.test ? `${input.dataset.test}-pick` : null }, calendarIcon());
    button.addEventListener("click", () => toggle(input, button));
    input.addEventListener("keydown", (event) => {
        if (event.altKey && event.key === "ArrowDown") {
            event.preventDefault();
            toggle(input, button);
        }
    });
    // A whole date typed applies at once (as a date input's change does); the change of the
    // same value when the input is left is not sent again.
    let committed = input.value;
    input.addEventListener("change", (event) => {
        if (event.isTrusted && input.value === committed) {
            event.stopImmediatePropagation();
        }
        committed = input.value;
    }, { capture: true });
    input.addEventListener("input", () => {
        if (input.value !== committed && (ISO.test(input.value) || input.value === "")) {
            committed = input.value;
            input.dispatchEvent(new Event("change", { bubbles: true }));
        }
    });
    input.replaceWith(wrap);
    wrap.append(input, button);
}

/** Watches the page for date inputs and closes the calendar on a click elsewhere. */
export function installDatePicker() {
    const scan = (root) => {
        if (root.matches && root.matches("input[data-iso-date]")) {
            enhance(root);
        }
        if (root.querySelectorAll) {
            root.querySelectorAll("input[data-iso-date]").forEach(enhance);
        }
    };
    scan(document.body);
    new MutationObserver((records) => records.forEach((r) => r.addedNodes.forEach(scan)))
        .observe(document.body, { childList: true, subtree: true });
    document.addEventListener("click", (event) => {
        if (open && !open.pop.contains(event.target) && !open.button.contains(event.target)) {
            close();
        }
    });
}
