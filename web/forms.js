// SPDX-License-Identifier: MIT
// Labelled form fields and the display of the API's refusals: the message goes beside the
// input the problem's `field` names, or at the top of the form when no input matches.

import { h } from "./dom.js";

let nextId = 0;

/** The errors of one form: a top message area and one message slot per field key. */
export class FormErrors {
    constructor() {
        this.top = h("p", { class: "form-error", test: "form-error", role: "alert",
            hidden: true });
        this.slots = new Map();   // key -> {control, message}
        this.resolve = (field) => field;
    }

    /** Registers the message slot of a field; returns the element to place below it. */
    slot(key, control) {
        const message = h("p", { class: "field-error", test: `field-error-${key}`,
            id: `err-${++nextId}`, "aria-live": "polite", hidden: true });
        if (control) {
            control.setAttribute("aria-describedby", message.id);
        }
        this.slots.set(key, { control, message });
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

    /** Shows an error: beside its field when the form has it, else at the top. */
    show(error) {
        this.clear();
        const detail = (error && (error.detail || error.message)) || "The request failed.";
        const key = error && error.field ? this.resolve(error.field, detail) : null;
        const slot = key !== null ? this.slots.get(key) : undefined;
        if (!slot) {
            this.top.textContent = detail;
            this.top.hidden = false;
            return;
        }
        slot.message.textContent = detail;
        slot.message.hidden = false;
        if (slot.control) {
            slot.control.setAttribute("aria-invalid", "true");
            slot.control.focus();
        }
    }
}

/** A label, its control, an optional hint and the control's error slot.
 * key: the API field the control feeds (names the slot field-error-<key>). */
export function field(label, control, { key, errors, hint, wide = false } = {}) {
    if (!control.id) {
        control.id = `f-${++nextId}`;
    }
    const hintEl = hint ? h("p", { class: "hint", id: `hint-${control.id}` }, hint) : null;
    const errorEl = key && errors ? errors.slot(key, control) : null;
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
