// SPDX-License-Identifier: MIT
// The controls of the order steps whose bodies are more than a line and a quantity: amend
// (units chosen by name, place, need-by, lines added and removed, as `order amend`), exchange
// (the reverse orders ticked from the delivered candidates or typed), and the mapping of a
// refusal's field to the control it names.

import { h, select } from "./dom.js";
import { field, input } from "./forms.js";
import { exponentOf } from "./reference.js";
import { codeLabel, money, quantity, trimZeros } from "./format.js";
import { t } from "./i18n.js";

const ADD_KEYS = ["category", "desc", "qty", "unit", "price", "currency"];
const ADD_LABELS = { category: t("orderforms.category"), desc: t("orderforms.description"), qty: t("orderforms.quantity"),
    unit: t("orderforms.unitOfIssue"), price: t("orderforms.unitPrice"), currency: t("orderforms.currency") };
/* As many lines as an order may hold (ACSA_ORDER_LINES_MAX). */
const LINES_MAX = 64;
/* As many reverse orders as one exchange may match (ACSA_EXCHANGE_WITH_MAX). */
const WITH_MAX = 8;

/** The units of party as select options, the order's own first chosen. */
function unitSelect(unitList, party, current, props) {
    const options = unitList.filter((u) => u.party === party)
        .map((u) => ({ value: u.id, label: u.name }));
    const id = current && current.id ? String(current.id) : "";
    return select(options, { placeholder: id ? null : t("orderforms.notChosenYet"), value: id, ...props });
}

/** One added line: its controls, the error slots add-<key>-<i>. */
function addLineRow(i, ctx, errors, onRemove) {
    const doc = ctx.agreement;
    const id = (k) => `act-amend-add-${k}-${i}`;
    const test = (k) => `action-amend-add-${k}-${i}`;
    const c = {
        category: select((doc ? doc.categories : []).map((k) => ({ value: k,
            label: codeLabel(k) })), { placeholder: t("orderforms.choose"), id: id("category"),
            test: test("category") }),
        desc: input({ id: id("desc"), test: test("desc"), maxlength: 255 }),
        qty: input({ id: id("qty"), test: test("qty"), inputmode: "decimal" }),
        unit: input({ id: id("unit"), test: test("unit"), maxlength: 15,
            placeholder: t("form.unitHint") }),
        price: input({ id: id("price"), test: test("price"), inputmode: "decimal" }),
        currency: select([ctx.order.currency], { value: ctx.order.currency, id: id("currency"),
            test: test("currency") }),
    };
    const remove = h("button", { type: "button", class: "remove", test: test("remove"),
        "aria-label": t("orderforms.dropNewLine", { n: i + 1 }) }, t("orderforms.remove"));
    remove.addEventListener("click", onRemove);
    const el = h("fieldset", { class: "add-line", test: `action-amend-add-${i}` },
        h("legend", {}, t("orderforms.newLine", { n: i + 1 })),
        ADD_KEYS.map((k) => field(ADD_LABELS[k], c[k], { key: `add-${k}-${i}`, errors,
            wide: k === "desc", errorLabel: t("check.newLine", { n: i + 1,
                label: ADD_LABELS[k].toLowerCase() }) })),
        h("div", { class: "line-end" }, remove));
    const body = () => Object.fromEntries(ADD_KEYS.map((k) => [k, c[k].value.trim()]));
    /* The checks of the new-order form's lines, the same rules (server: lines[i]). */
    const check = (checks) => {
        const key = (k) => `add-${k}-${i}`;
        checks.required(key("category"), c.category.value);
        checks.text(key("desc"), c.desc.value, { required: true });
        checks.decimal(key("qty"), c.qty.value, { decimals: 3 });
        checks.text(key("unit"), c.unit.value, { required: true, max: 15 });
        if (checks.required(key("currency"), c.currency.value)) {
            checks.decimal(key("price"), c.price.value, { positive: false,
                decimals: exponentOf(c.currency.value, doc), currency: c.currency.value });
        }
    };
    return { el, body, check };
}

/**
 * The amend form's controls: units by name (of each party), place, need-by, lines to remove
 * (ticked) and lines to add. Fills nodes and values (read at submit); only what changed is
 * sent.
 */
export function amendControls(ctx, errors, nodes, values, checks) {
    const order = ctx.order;
    const unitList = ctx.units || [];
    const requester = unitSelect(unitList, order.requester, order.requester_unit,
        { id: "act-amend-requester_unit", test: "action-amend-requester_unit" });
    const supplier = unitSelect(unitList, order.supplier, order.supplier_unit,
        { id: "act-amend-supplier_unit", test: "action-amend-supplier_unit" });
    const place = input({ id: "act-amend-place", test: "action-amend-place", maxlength: 255,
        value: order.place || "" });
    const needBy = h("input", { type: "date", id: "act-amend-need_by",
        test: "action-amend-need_by", value: order.need_by || "" });
    nodes.push(field(t("orderforms.requestingUnit", { party: order.requester }), requester,
        { key: "requester_unit", errors }),
    field(t("orderforms.supplyingUnit", { party: order.supplier }), supplier, { key: "supplier_unit", errors }),
    field(t("orderforms.deliveryPlace"), place, { key: "place", errors }),
    field(t("orderforms.neededBy"), needBy, { key: "need_by", errors }));
    const unitId = (u) => (u && u.id ? String(u.id) : "");
    values.requester_unit = () => (requester.value && requester.value
        !== unitId(order.requester_unit) ? Number(requester.value) : undefined);
    values.supplier_unit = () => (supplier.value && supplier.value
        !== unitId(order.supplier_unit) ? Number(supplier.value) : undefined);
    values.place = () => (place.value.trim() && place.value.trim() !== (order.place || "")
        ? place.value.trim() : undefined);
    values.need_by = () => (needBy.value && needBy.value !== (order.need_by || "")
        ? needBy.value : undefined);

    const boxes = (order.lines || []).map((line) => {
        const box = h("input", { type: "checkbox", id: `act-amend-remove-${line.line}`,
            test: `action-amend-remove-${line.line}`, value: String(line.line) });
        return { box, el: h("label", { class: "check-line", for: box.id }, box,
            `${line.line}: ${line.description} (${quantity(trimZeros(line.quantity),
                line.unit_of_issue)})`) };
    });
    const removeSet = h("fieldset", { class: "field wide check-list",
        test: "action-amend-remove" }, h("legend", {}, t("orderforms.removeLines")),
    boxes.map((b) => b.el), errors.slot("remove_lines", boxes[0] ? boxes[0].box : null));
    values.remove_lines = () => {
        const chosen = boxes.filter((b) => b.box.checked).map((b) => Number(b.box.value));
        return chosen.length ? chosen : undefined;
    };

    const rows = [];
    const list = h("div", { class: "add-lines field wide" });
    const addButton = h("button", { type: "button", test: "action-amend-add-line" },
        t("orderforms.addALine"));
    const redraw = () => {
        const kept = rows.map((r) => r.body());
        errors.drop((key) => key.startsWith("add-"));
        rows.length = 0;
        kept.forEach((v, i) => {
            const row = addLineRow(i, ctx, errors, () => {
                rows.splice(i, 1);
                redraw();
            });
            Object.entries(v).forEach(([k, value]) => {
                const control = row.el.querySelector(`[data-test="action-amend-add-${k}-${i}"]`);
                if (control) {
                    control.value = value;
                }
            });
            rows.push(row);
        });
        list.replaceChildren(...rows.map((r) => r.el), addButton,
            errors.slot("add_lines", addButton));
        addButton.disabled = rows.length >= LINES_MAX;
    };
    addButton.addEventListener("click", () => {
        rows.push({ body: () => ({ currency: order.currency }) });
        redraw();
        const first = list.querySelector(`[data-test="action-amend-add-category-${
            rows.length - 1}"]`);
        if (first) {
            first.focus();
        }
    });
    redraw();
    nodes.push(removeSet, list);
    values.add_lines = () => (rows.length ? rows.map((r) => r.body()) : undefined);
    checks.push((c) => {
        c.text("place", place.value);
        c.date("need_by", needBy.value, { notBefore: order.created || "",
            notBeforeText: t("check.orderDate") });
        const kept = boxes.length - boxes.filter((b) => b.box.checked).length;
        if (kept + rows.length < 1) {
            c.add("remove_lines", "check.keepOneLine");
        } else if (kept + rows.length > LINES_MAX) {
            c.add("add_lines", "check.linesMax", { max: LINES_MAX });
        }
        rows.forEach((r) => r.check(c));
    });
    return { addedCount: () => rows.length,
        removedCount: () => boxes.filter((b) => b.box.checked).length };
}

/**
 * The exchange form's reverse orders: one box per delivered exchange order of the other side,
 * and a text input for any other number (commas between). Sent in the order ticked, then typed.
 */
export function exchangeControls(ctx, errors, nodes, values, checks) {
    const ticked = [];
    const boxes = ctx.exchangeCandidates.map((o) => {
        const box = h("input", { type: "checkbox", id: `act-exchange-with-${o.number}`,
            test: `action-exchange-with-${o.number}`, value: o.number });
        box.addEventListener("change", () => {
            const at = ticked.indexOf(o.number);
            if (box.checked && at < 0) {
                ticked.push(o.number);
            } else if (!box.checked && at >= 0) {
                ticked.splice(at, 1);
            }
        });
        return h("label", { class: "check-line", for: box.id }, box,
            `${o.number}: ${o.requester} → ${o.supplier}, ${money(o.value, o.currency)}`);
    });
    const other = input({ id: "act-exchange-with", test: "action-exchange-with",
        placeholder: t("common.eg", { text: "JP-IN-2024-000015, JP-IN-2024-000016" }) });
    if (boxes.length) {
        nodes.push(h("fieldset", { class: "field wide check-list",
            test: "action-exchange-candidates" },
        h("legend", {}, t("orderforms.againstOrdersDeliveredOtherSide")), boxes));
    }
    nodes.push(field(boxes.length ? t("order.otherOrderNumbers") : t("orderforms.withOrders"), other,
        { key: "with", errors, wide: true,
            hint: t("orderforms.deliveredExchangeOrdersFromThe") }));
    values.with = () => [...ticked, ...other.value.split(",").map((n) => n.trim())
        .filter((n) => n && !ticked.includes(n))];
    checks.push((c) => {
        const numbers = values.with();
        const bad = numbers.find((n) => new TextEncoder().encode(n).length > 31
            || /[\u0000-\u001f\u007f]/.test(n));
        if (numbers.length === 0) {
            c.add("with", "check.required");
        } else if (numbers.length > WITH_MAX) {
            c.add("with", "check.withCount", { max: WITH_MAX });
        } else if (bad !== undefined) {
            c.add("with", "check.withNumber", { number: bad });
        } else if (numbers.includes(ctx.order.number)) {
            c.add("with", "check.withSelf");
        }
    });
}

/**
 * The slot a refusal's field names on a step form: "lines[i].qty" of an amend is the added
 * line's quantity; "line.qty" with "line N" in the text is the Nth line of the amended order,
 * counted after the lines kept; remove_line is remove_lines.
 */
export function stepFieldResolver(order, amend) {
    return (name, detail) => {
        if (!amend) {
            return name;
        }
        const indexed = /^(?:add_)?lines?\[(\d+)\]\.(\w+)$/.exec(name);
        if (indexed) {
            return `add-${indexed[2]}-${indexed[1]}`;
        }
        const perLine = /^lines?\.(\w+)$/.exec(name);
        const number = /(?:^|\s|-)line (\d+)/.exec(detail || "");
        if (perLine) {
            const kept = (order.lines || []).length - amend.removedCount();
            const index = number ? Number(number[1]) - 1 - kept : 0;
            return `add-${perLine[1] === "description" ? "desc" : perLine[1]}-${
                Math.max(0, Math.min(index, Math.max(0, amend.addedCount() - 1)))}`;
        }
        return name === "remove_line" ? "remove_lines" : name;
    };
}
