// SPDX-License-Identifier: MIT
// Reference data the views share (agreements, units, activities), read once per session, and
// agreements normalised to one shape whichever rendering the server sends.

import { cached, get, getAll } from "./api.js";
import { t } from "./i18n.js";

/* ISO 4217 minor units of the currencies that do not have two decimals. */
const EXPONENTS = { JPY: 0, KRW: 0, OMR: 3, BHD: 3, KWD: 3, JOD: 3, TND: 3, CLP: 0, ISK: 0 };

/** The decimals of currency code: the agreement's when it names them, else ISO 4217's. */
export function exponentOf(code, agreement = null) {
    const named = agreement && (agreement.currencies || []).find((c) => c.code === code);
    if (named && Number.isInteger(named.exponent)) {
        return named.exponent;
    }
    return code in EXPONENTS ? EXPONENTS[code] : 2;
}

/** Agreement as {id, title, parties, in_force, categories, activity_types, methods:
 * [{method, due_days}], currencies: [{code, exponent}], invoice_within_days, ...} from either
 * the file format (currencies as codes, settlement object) or the `show` rendering. */
function normaliseAgreement(doc) {
    const currencies = (doc.currencies || []).map((c) => (typeof c === "string"
        ? { code: c, exponent: exponentOf(c) } : c));
    let methods = doc.methods;
    if (!Array.isArray(methods)) {
        methods = Object.entries(doc.settlement || {})
            .filter(([, rule]) => rule)
            .map(([method, rule]) => ({ method, due_days: rule.due_days }));
    }
    return {
        ...doc,
        parties: doc.parties || [],
        categories: doc.categories || [],
        activity_types: doc.activity_types || [],
        excluded: doc.excluded || [],
        currencies,
        methods,
    };
}

export const agreements = () => cached("agreements", () => getAll("/api/agreements"));

export const agreement = (id) => cached(`agreement:${id}`,
    async () => normaliseAgreement(await get(`/api/agreements/${encodeURIComponent(id)}`)));

export const units = () => cached("units", () => getAll("/api/units"));

/** Activities of one agreement, or of all when agreementId is empty. */
export const activities = (agreementId = "") => cached(`activities:${agreementId}`,
    () => getAll("/api/activities", { agreement: agreementId }));

/** Every nation that is party to an agreement of the node, sorted. */
export async function nations() {
    const list = await agreements();
    return [...new Set(list.flatMap((a) => a.parties || []))].sort();
}

/** "Indian Navy (IN)" for a unit id, from the units list. */
export function unitLabel(unitList, id) {
    const unit = unitList.find((u) => Number(u.id) === Number(id));
    return unit ? `${unit.name} (${unit.party})` : (id ? t("reference.unit", { id }) : "—");
}
