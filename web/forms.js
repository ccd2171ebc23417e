// SPDX-License-Identifier: MIT
// Labelled form fields and the display of the API's refusals: the message goes beside the
// input the problem's `field` names, or at the top of the form when no input matches.

import { h } from "./dom.js";
import { lang, problemParts, problemText, t } from "./i18n.js";

let nextId = 0;

/** Fills el with a server problem in the user's language: the message, then (in Japanese)
 * the server's own detail as a secondary technical line, marked as English. label: the
 * field's name in the form's words. */
export function fillProblem(el, error, label = "") {
    const { text, detail } = problemParts(error, label);
    el.replaceChildren(text, detail ? h("span", { class: "problem-detail", lang: "en",
        test: "problem-detail" }, detail) : "");
}

/** The same as an element: a paragraph of class cls (and test name) for a panel. */
export function problemNote(error, { cls = "form-error", test = "", label = "" } = {}) {
    const el = h("p", { class: cls, role: "alert", test: test || null });
    fillProblem(el, error, label);
    return el;
}

/** The errors of one form: a top message area and one message slot per field key. */
export class FormErrors {
    constructor() {
        this.top = h("p", { class: "form-error", test: "form-error", role: "alert",
            hidden: true });
        this.slots = new Map();   // key -> {control, message, label}
        this.resolve = (field) => field;
    }

    /** Registers the message slot of a field; returns the element to place below it. label:
     * the field's name in the form's words ("Line 1, unit price"), for messages. */
    slot(key, control, label = "") {
        const message = h("p", { class: "field-error", test: `field-error-${key}`,
            id: `err-${++nextId}`, "aria-live": "polite", hidden: true });
        if (control) {
            control.setAttribute("aria-describedby", message.id);
        }
        this.slots.set(key, { control, message, label });
        return message;
    }

    /** Forgets the slots whose key matches (their inputs were redrawn). */
    drop(match) {
        [...this.slots.keys()].filter(match).forEach((key) => this.slots.delete(key));
    }

    clear() {
        this.top.hidden = true;
        this.top.textContent = "";
        for (const { control, message } of this.slots.values()) {
            message.hidden = true;
            message.textContent = "";
            if (control) {
                control.removeAttribute("aria-invalid");
            }
        }
    }

    /** The form's name of the field of key ("Line 1, unit price"), or "". */
    label(key) {
        const slot = this.slots.get(key);
        return slot ? slot.label : "";
    }

    /** Shows a server's refusal: beside its field when the form has it, in the form's words
     * (the API's path, "lines[0].price: ...", becomes the field's label), else at the top. */
    show(error) {
        this.clear();
        const key = error && error.field ? this.resolve(error.field, error.detail || "") : null;
        const slot = key !== null ? this.slots.get(key) : undefined;
        if (!slot) {
            fillProblem(this.top, error);
            this.top.hidden = false;
            return;
        }
        if (lang() !== "en") {
            // The type's title after the field's name in the form's words; the server's own
            // detail (English, naming the API's field) as a second line.
            fillProblem(slot.message, error, slot.label);
            this.mark(slot, null);
            slot.control?.focus();
            return;
        }
        let detail = problemText(error);
        // A path of the API (lines[0].price, line.qty with "line 1: ...") is put in the form's
        // words; a plain field's message already names it.
        if (slot.label && error.detail && (/[.[]/.test(error.field)
            || /^line \d+:/.test(error.detail))) {
            // "lines[0].price: at most 2 decimals" or "line 1: ..." -> the form's words.
            const rest = String(error.detail)
                .replace(/^(?:lines?(?:\[\d+\]|\.\d+)?\.?\w*|[\w.[\]-]+)\s*:\s*/, "")
                .replace(/^line \d+:\s*/, "");
            detail = `${slot.label}: ${problemText({ ...error, detail: rest })}`;
        }
        this.mark(slot, detail);
        slot.control?.focus();
    }

    mark(slot, text) {
        if (text !== null) {
            slot.message.textContent = text;
        }
        slot.message.hidden = false;
        if (slot.control) {
            slot.control.setAttribute("aria-invalid", "true");
        }
    }

    /** Shows every error of a check before sending at once, each beside its field: list of
     * {key, text}; the top says how many, the first field in error takes the focus. */
    showAll(list) {
        this.clear();
        let first = null;
        for (const { key, text } of list) {
            const slot = this.slots.get(key);
            if (!slot) {
                this.top.textContent = [this.top.textContent, text].filter(Boolean).join(" ");
                continue;
            }
            this.mark(slot, text);
            // The focus goes to the first field in error as the form shows them.
            if (slot.control && (!first || (first.compareDocumentPosition(slot.control)
                & Node.DOCUMENT_POSITION_PRECEDING))) {
                first = slot.control;
            }
        }
        if (list.length > 0) {
            this.top.textContent = `${t("check.summary", { n: list.length })} `
                + this.top.textContent;
            this.top.hidden = false;
        }
        first?.focus();
    }
}

/** A label, its control, an optional hint and the control's error slot.
 * key: the API field the control feeds (names the slot field-error-<key>). */
export function field(label, control, { key, errors, hint, wide = false, errorLabel } = {}) {
    if (!control.id) {
        control.id = `f-${++nextId}`;
    }
    const hintEl = hint ? h("p", { class: "hint", id: `hint-${control.id}` }, hint) : null;
    const errorEl = key && errors ? errors.slot(key, control, errorLabel || label) : null;
    if (hintEl && errorEl) {
        control.setAttribute("aria-describedby", `${hintEl.id} ${errorEl.id}`);
    } else if (hintEl) {
        control.setAttribute("aria-describedby", hintEl.id);
    }
    return h("div", { class: wide ? "field wide" : "field" },
        h("label", { for: control.id }, label), control, hintEl, errorEl);
}

/** Runs the async action with the button disabled and marked busy. */
export async function busy(button, action) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    try {
        return await action();
    } finally {
        button.disabled = false;
        button.removeAttribute("aria-busy");
    }
}

/** An input with its test name. */
export function input(props) {
    return h("input", { type: "text", autocomplete: "off", ...props });
}

/* ---- Checks before sending ------------------------------------------------------------ */

const DECIMAL = /^\d+(?:\.(\d+))?$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/* Control characters the server refuses in every text (no field of the API is multi-line). */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Compares two plain decimal strings exactly (no float): -1, 0 or 1. */
function compareDecimal(a, b) {
    const [ai, af = ""] = String(a).split(".");
    const [bi, bf = ""] = String(b).split(".");
    const width = Math.max(af.length, bf.length);
    const x = BigInt(ai + af.padEnd(width, "0"));
    const y = BigInt(bi + bf.padEnd(width, "0"));
    return x < y ? -1 : (x > y ? 1 : 0);
}

/** Whether text is a day of the calendar as YYYY-MM-DD, within the server's range. */
function isoDay(text) {
    const m = ISO_DAY.exec(text);
    if (!m) {
        return false;
    }
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1
        && d.getUTCDate() === Number(m[3]) && text >= "1900-01-01" && text <= "9899-12-31";
}

/** The checks of a form, gathered: each add(key, text) is one error for the field of key.
 * One error per field: a field already in error takes no second message. */
export class Checks {
    constructor(errors) {
        this.errors = errors;
        this.list = [];
    }

    add(key, messageKey, vars = {}) {
        if (this.failed(key)) {
            return;
        }
        this.list.push({ key, text: t(messageKey, { label: this.errors.label(key), ...vars }) });
    }

    /** Whether the field of key has an error already. */
    failed(key) {
        return this.list.some((e) => e.key === key);
    }

    required(key, value) {
        if (value === null || value === undefined || String(value).trim() === "") {
            this.add(key, "check.required");
            return false;
        }
        return true;
    }

    /** A decimal number with at most decimals decimals (currency names them in the message),
     * more than zero when positive, at most max (a decimal string; unit and line name it in
     * the message) when given. Returns whether it passed. */
    decimal(key, value, { decimals = 3, currency = "", positive = true, max = null,
        maxText = "" } = {}) {
        const text = String(value ?? "").trim();
        if (!this.required(key, text)) {
            return false;
        }
        const match = DECIMAL.exec(text);
        if (!match) {
            this.add(key, "check.number");
        } else if ((match[1] || "").length > decimals) {
            this.add(key, currency ? "check.decimals" : "check.qtyDecimals",
                { d: decimals, currency });
        } else if (positive && !/[1-9]/.test(text)) {
            this.add(key, "check.positive");
        } else if (max !== null && compareDecimal(text, max) > 0) {
            this.add(key, "check.atMost", { max: maxText || max });
        } else {
            return true;
        }
        return false;
    }

    /** An exchange rate as the server reads it: a plain positive decimal of at most 15
     * digits, 10 of them decimals. */
    rate(key, value) {
        const text = String(value ?? "").trim();
        if (!this.required(key, text)) {
            return false;
        }
        const match = DECIMAL.exec(text);
        const digits = match ? text.replace(".", "").replace(/^0+/, "").length : 0;
        if (!match) {
            this.add(key, "check.rate");
        } else if ((match[1] || "").length > 10 || digits > 15) {
            this.add(key, "check.rateDigits");
        } else if (!/[1-9]/.test(text)) {
            this.add(key, "check.positive");
        } else {
            return true;
        }
        return false;
    }

    /** An optional ISO date (required when required), not after notAfter and not before
     * notBefore (ISO days; notBeforeText names the earlier event in the message). Returns the
     * day when it is a valid one, else "". */
    date(key, value, { required = false, notAfter = "", notBefore = "",
        notBeforeText = "" } = {}) {
        const text = String(value ?? "").trim();
        if (!text) {
            if (required) {
                this.add(key, "check.required");
            }
            return "";
        }
        if (!isoDay(text)) {
            this.add(key, "check.date");
        } else if (notAfter && text > notAfter) {
            this.add(key, "check.future", { date: notAfter });
        } else if (notBefore && text < notBefore) {
            this.add(key, "check.notBefore", { date: notBefore, what: notBeforeText });
        } else {
            return text;
        }
        return "";
    }

    /** A text the server holds in max bytes of UTF-8 (255 for reasons, places and
     * descriptions), on one line; required when required. */
    text(key, value, { max = 255, required = false } = {}) {
        const text = String(value ?? "").trim();
        if (required && !this.required(key, text)) {
            return false;
        }
        if (CONTROL.test(text)) {
            this.add(key, "check.control");
        } else if (new TextEncoder().encode(text).length > max) {
            this.add(key, "check.tooLong", { max });
        } else {
            return true;
        }
        return false;
    }

    /** Shows the errors found; true when there were none. */
    ok() {
        if (this.list.length === 0) {
            return true;
        }
        this.errors.showAll(this.list);
        return false;
    }
}
