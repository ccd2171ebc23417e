// SPDX-License-Identifier: MIT
// New order form: agreement, activity, parties, units, method, place, need-by date and lines
// (category, description, NSN, quantity, unit, price, currency); refusals show by their field.

import { post } from "./api.js";
import { h, note, replace, select, setOptions } from "./dom.js";
import { busy, Checks, field, FormErrors, input } from "./forms.js";
import { t } from "./i18n.js";
import { codeLabel, lineValue, methodLabel, money, sumDecimals } from "./format.js";
import { activities, agreement as loadAgreement, agreements, units } from "./reference.js";
import { canCreateOrder } from "./roles.js";

const LINE_KEYS = ["category", "desc", "nsn", "qty", "unit", "price", "currency"];
const LINES_MAX = 64;

/** The error slot a problem's field names: "line.qty" with "line 2: ..." -> "line-qty-1",
 * "lines[1].qty" or "lines.1.qty" -> "line-qty-1"; header fields keep their name. */
function resolveField(fieldName, detail) {
    const indexed = /^lines?(?:\[(\d+)\]|\.(\d+))\.(\w+)$/.exec(fieldName);
    if (indexed) {
        return `line-${indexed[3]}-${indexed[1] ?? indexed[2]}`;
    }
    const perLine = /^lines?\.(\w+)$/.exec(fieldName);
    const number = /(?:^|\s|-)line (\d+)/.exec(detail || "");
    if (perLine && number) {
        return `line-${perLine[1]}-${Number(number[1]) - 1}`;
    }
    return fieldName;
}

/** Options of an agreement's methods: "Cash, due in 30 days". */
function methodOptions(doc) {
    return doc.methods.map((m) => ({ value: m.method, label: Number.isInteger(m.due_days)
        ? t("form.methodDue", { method: methodLabel(m.method), days: m.due_days })
        : methodLabel(m.method) }));
}

/** The lines editor: rows of controls kept in order, redrawn on add and remove. */
class LinesEditor {
    constructor(errors) {
        this.errors = errors;
        this.doc = null;
        this.values = [{}];
        this.rows = [];
        this.body = h("div", { class: "lines", test: "new-lines" });
        this.total = h("p", { class: "total", test: "new-total", "aria-live": "polite" });
        this.add = h("button", { type: "button", test: "line-add" }, t("form.addLine"));
        this.add.addEventListener("click", () => this.insert());
        this.listError = errors.slot("lines", this.add);
    }

    setAgreement(doc) {
        this.read();
        this.doc = doc;
        this.draw();
    }

    read() {
        if (this.rows.length === 0) {
            return;
        }
        this.values = this.rows.map((row) => Object.fromEntries(LINE_KEYS.map((k) =>
            [k, row[k].value])));
    }

    insert() {
        this.read();
        const last = this.values[this.values.length - 1] || {};
        this.values.push({ currency: last.currency });
        this.draw();
        this.rows[this.rows.length - 1].category.focus();
    }

    remove(index) {
        this.read();
        this.values.splice(index, 1);
        this.draw();
        (this.rows[Math.min(index, this.rows.length - 1)] || {}).category?.focus();
    }

    row(value, i) {
        const doc = this.doc;
        const codes = doc ? doc.currencies.map((c) => c.code) : [];
        const c = {
            category: select((doc ? doc.categories : []).map((k) => ({ value: k,
                label: codeLabel(k) })), { value: value.category, placeholder: t("common.choose"),
                test: `line-category-${i}` }),
            desc: input({ test: `line-desc-${i}`, maxlength: 255, value: value.desc || "" }),
            nsn: input({ test: `line-nsn-${i}`, maxlength: 31, value: value.nsn || "",
                placeholder: t("common.optional") }),
            qty: input({ test: `line-qty-${i}`, inputmode: "decimal", value: value.qty || "" }),
            unit: input({ test: `line-unit-${i}`, maxlength: 15, value: value.unit || "",
                placeholder: t("form.unitHint") }),
            price: input({ test: `line-price-${i}`, inputmode: "decimal",
                value: value.price || "" }),
            currency: select(codes, { value: value.currency || codes[0] || "",
                test: `line-currency-${i}` }),
        };
        const labels = { category: t("form.category"), desc: t("form.desc"), nsn: t("form.nsn"),
            qty: t("form.qty"), unit: t("form.unit"), price: t("form.price"),
            currency: t("form.currency") };
        const remove = h("button", { type: "button", class: "remove", test: `line-remove-${i}`,
            "aria-label": t("form.removeLine", { n: i + 1 }), disabled: this.values.length <= 1 },
        t("common.remove"));
        remove.addEventListener("click", () => this.remove(i));
        const valueOut = h("output", { class: "line-value", test: `line-value-${i}` });
        const row = h("fieldset", { class: "line-row", test: `line-${i}` },
            h("legend", {}, t("form.line", { n: i + 1 })),
            LINE_KEYS.map((k) => field(labels[k], c[k], { key: `line-${k}-${i}`,
                errors: this.errors, errorLabel: t("check.line", { n: i + 1,
                    label: labels[k].toLowerCase() }) })),
            h("div", { class: "line-end" }, valueOut, remove));
        row.addEventListener("input", () => this.recompute());
        row.addEventListener("change", () => this.recompute());
        return { ...c, el: row, valueOut };
    }

    draw() {
        this.errors.drop((key) => key.startsWith("line-"));
        this.rows = this.values.map((v, i) => this.row(v, i));
        replace(this.body, this.rows.map((r) => r.el));
        this.add.disabled = this.rows.length >= LINES_MAX;
        this.recompute();
    }

    /** Shows each line's value and the order total (exact, half-even rounding). */
    recompute() {
        const exponent = (code) => {
            const found = this.doc && this.doc.currencies.find((c) => c.code === code);
            return found ? found.exponent : 2;
        };
        const totals = new Map();
        for (const row of this.rows) {
            const code = row.currency.value;
            const value = lineValue(row.qty.value, row.price.value, exponent(code));
            row.valueOut.textContent = value === null ? ""
                : t("form.lineValue", { value: money(value, code) });
            if (value !== null) {
                totals.set(code, [...(totals.get(code) || []), value]);
            }
        }
        this.total.textContent = totals.size === 0 ? "" : t("form.total", { value: [...totals]
            .map(([code, values]) => money(sumDecimals(values), code)).join(" + ") });
    }

    /** The lines' checks before sending: every field of every line. */
    check(checks) {
        this.read();
        const exponent = (code) => {
            const found = this.doc && this.doc.currencies.find((x) => x.code === code);
            return found ? found.exponent : 2;
        };
        this.values.forEach((v, i) => {
            checks.required(`line-category-${i}`, v.category);
            checks.required(`line-desc-${i}`, v.desc);
            checks.decimal(`line-qty-${i}`, v.qty, { decimals: 3 });
            checks.required(`line-unit-${i}`, v.unit);
            if (checks.required(`line-currency-${i}`, v.currency)) {
                checks.decimal(`line-price-${i}`, v.price, { decimals: exponent(v.currency),
                    currency: v.currency, positive: false });
            }
        });
    }

    toBody() {
        this.read();
        return this.values.map((v) => {
            const line = { category: v.category, desc: v.desc.trim(), qty: v.qty.trim(),
                unit: v.unit.trim(), price: v.price.trim(), currency: v.currency };
            if (v.nsn.trim()) {
                line.nsn = v.nsn.trim();
            }
            return line;
        });
    }
}

export async function renderOrderForm(main, user) {
    if (!canCreateOrder(user)) {
        main.replaceChildren(h("h1", { tabindex: "-1" }, t("form.title")),
            note(t("form.denied"), "order-form-denied"));
        return;
    }
    const [agreementList, unitList] = await Promise.all([agreements(), units()]);
    const usable = agreementList.filter((a) => a.in_force !== false);
    const errors = new FormErrors();
    errors.resolve = resolveField;
    const lines = new LinesEditor(errors);

    const c = {
        agreement: select(usable.map((a) => ({ value: a.id, label: `${a.id} — ${a.title}` })),
            { value: usable.length === 1 ? usable[0].id : "", placeholder: t("common.choose"),
                test: "new-agreement" }),
        activity: select([], { placeholder: t("common.choose"), test: "new-activity" }),
        requester: select([], { test: "new-requester" }),
        supplier: select([], { test: "new-supplier" }),
        requester_unit: select([], { test: "new-requester-unit" }),
        supplier_unit: select([], { test: "new-supplier-unit" }),
        method: select([], { test: "new-method" }),
        place: input({ test: "new-place", maxlength: 255 }),
        need_by: h("input", { type: "date", test: "new-need-by" }),
    };
    let activityList = [];

    const fillUnits = (which, party, keep) => {
        const options = unitList.filter((u) => u.party === party)
            .map((u) => ({ value: u.id, label: u.name }));
        const known = options.some((o) => String(o.value) === String(keep));
        setOptions(c[which], options, { placeholder: t("common.choose"),
            value: known ? keep : "" });
    };
    const fillParties = (doc) => {
        const parties = doc ? doc.parties : [];
        const mine = parties.includes(user.party) ? user.party : parties[0] || "";
        setOptions(c.requester, parties, { value: mine });
        setOptions(c.supplier, parties, { value: parties.find((p) => p !== mine) || "" });
        fillUnits("requester_unit", c.requester.value, user.unit_id);
        fillUnits("supplier_unit", c.supplier.value, "");
    };
    const chooseAgreement = async () => {
        const id = c.agreement.value;
        const doc = id ? await loadAgreement(id) : null;
        activityList = id ? await activities(id) : [];
        setOptions(c.activity, activityList.map((a) => ({ value: a.id, label: a.name })),
            { placeholder: t("common.choose") });
        setOptions(c.method, doc ? methodOptions(doc) : []);
        fillParties(doc);
        lines.setAgreement(doc);
    };
    c.agreement.addEventListener("change", () => chooseAgreement().catch((e) => errors.show(e)));
    c.requester.addEventListener("change", () => {
        fillUnits("requester_unit", c.requester.value, user.unit_id);
    });
    c.supplier.addEventListener("change", () => fillUnits("supplier_unit", c.supplier.value, ""));
    c.activity.addEventListener("change", () => {
        const chosen = activityList.find((a) => String(a.id) === c.activity.value);
        if (chosen && chosen.place && !c.place.value.trim()) {
            c.place.value = chosen.place;
        }
    });

    const submit = h("button", { type: "submit", class: "primary", test: "order-create" },
        t("form.create"));
    const f = (label, key, opts = {}) => field(label, c[key], { key, errors, ...opts });
    const form = h("form", { class: "order-form", test: "order-form", novalidate: true },
        errors.top,
        h("fieldset", { class: "grid form-grid" }, h("legend", {}, t("form.order")),
            f(t("form.agreement"), "agreement", { wide: true }),
            f(t("form.activity"), "activity"),
            f(t("form.method"), "method", { hint: t("form.methodHint") }),
            f(t("form.place"), "place"),
            f(t("form.needBy"), "need_by"),
            f(t("form.requester"), "requester"),
            f(t("form.requesterUnit"), "requester_unit"),
            f(t("form.supplier"), "supplier"),
            f(t("form.supplierUnit"), "supplier_unit")),
        h("fieldset", { class: "lines-set" }, h("legend", {}, t("form.lines")), lines.body,
            h("div", { class: "lines-foot" }, lines.add, lines.total), lines.listError),
        h("div", { class: "form-actions" }, submit,
            h("a", { href: "#/orders", class: "button", test: "new-cancel" }, t("form.cancel"))));

    const optionalNumber = (el) => (el.value ? Number(el.value) : undefined);
    const optionalText = (el) => el.value.trim() || undefined;
    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        errors.clear();
        const checks = new Checks(errors);
        checks.required("agreement", c.agreement.value);
        checks.required("activity", c.activity.value);
        checks.required("method", c.method.value);
        checks.required("requester_unit", c.requester_unit.value);
        checks.required("supplier_unit", c.supplier_unit.value);
        checks.date("need_by", c.need_by.value);
        lines.check(checks);
        if (!checks.ok()) {
            return;
        }
        const body = {
            agreement: c.agreement.value || undefined,
            requester: c.requester.value || undefined,
            supplier: c.supplier.value || undefined,
            activity: optionalNumber(c.activity),
            method: c.method.value || undefined,
            requester_unit: optionalNumber(c.requester_unit),
            supplier_unit: optionalNumber(c.supplier_unit),
            place: optionalText(c.place),
            need_by: optionalText(c.need_by),
            lines: lines.toBody(),
        };
        try {
            const result = await busy(submit, () => post("/api/orders", body));
            location.hash = `#/orders/${encodeURIComponent(result.data.number)}`;
        } catch (error) {
            if (error.status !== 401) {
                errors.show(error);
            }
        }
    });

    main.replaceChildren(h("div", { class: "order-new", test: "view-order-form" },
        h("p", { class: "crumbs" }, h("a", { href: "#/orders" }, t("form.back"))),
        h("h1", { tabindex: "-1" }, t("form.title")),
        h("p", { class: "lead" }, t("form.lead")),
        form));
    await chooseAgreement();
}
