// SPDX-License-Identifier: MIT
// Labelled form fields and the display of the API's refusals: the message goes beside the
// input the problem's `field` names, or at the top of the form when no input matches.

import { h } from "./dom.js";
import { problemText, t } from "./i18n.js";

let nextId = 0;

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
            this.top.textContent = problemText(error);
            this.top.hidden = false;
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
        slot.message.textContent = text;
        slot.message.hidden = false;
        if (slot.control) {
            slot.control.setAttribute("aria-invalid", "true");
        }
    }

    /** Shows every error of a check before sending at once, each beside its field: list of
     * {key, text}; the top says how many, the first field takes the focus. */
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
            first = first || slot.control;
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

/** The checks of a form, gathered: each add(key, text) is one error for the field of key. */
export class Checks {
    constructor(errors) {
        this.errors = errors;
        this.list = [];
    }

    add(key, messageKey, vars = {}) {
        this.list.push({ key, text: t(messageKey, { label: this.errors.label(key), ...vars }) });
    }

    required(key, value) {
        if (value === null || value === undefined || String(value).trim() === "") {
            this.add(key, "check.required");
            return false;
        }
        return true;
    }

    /** A decimal number with at most decimals decimals (currency names them in the message),
     * more than zero when positive. */
    decimal(key, value, { decimals = 3, currency = "", positive = true } = {}) {
        const text = String(value ?? "").trim();
        if (!this.required(key, text)) {
            return;
        }
        const match = DECIMAL.exec(text);
        if (!match) {
            this.add(key, "check.number");
        } else if ((match[1] || "").length > decimals) {
            this.add(key, currency ? "check.decimals" : "check.qtyDecimals",
                { d: decimals, currency });
        } else if (positive && !/[1-9]/.test(text)) {
            this.add(key, "check.positive");
        }
    }

    /** An optional ISO date. */
    date(key, value) {
        const text = String(value ?? "").trim();
        if (text && !(/^\d{4}-\d{2}-\d{2}$/.test(text)
            && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)))) {
            this.add(key, "check.date");
        }
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
