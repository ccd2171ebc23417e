// SPDX-License-Identifier: MIT
// What the signed-in user's role allows (the roles table of docs/API.md), used only to decide
// which panels and step forms to offer; the server decides every request.

const FINANCE_READERS = ["finance-officer", "programme-officer", "auditor"];
const OVERDUE_READERS = [...FINANCE_READERS, "approver"];
/* Partner nodes, the quarantine and reconciliation (GET /api/peers ...: READ_AUDIT). */
const PARTNER_READERS = ["programme-officer", "auditor"];

/* States from which each step may be taken, and the settlement method it needs. */
const STEP_RULES = {
    submit: { states: ["draft"] },
    approve: { states: ["submitted"] },
    accept: { states: ["approved"] },
    reject: { states: ["approved"] },
    cancel: { states: ["draft", "submitted", "approved", "accepted"] },
    issue: { states: ["accepted", "delivering"] },
    receive: { states: ["delivering"] },
    return: { states: ["delivered"], method: "rik" },
    "accept-return": { states: ["delivered"], method: "rik" },
    /* Receipted quantities are invoiced in parts while delivering, and invoices paid. */
    invoice: { states: ["delivering", "delivered"], method: "cash",
        when: (order) => (order.lines || []).some((l) => l.received !== l.invoiced) },
    pay: { states: ["delivering", "delivered", "invoiced"],
        when: (order) => order.cash_due !== order.paid },
    exchange: { states: ["delivered"], method: "eve" },
    dispute: { states: ["accepted", "delivering", "delivered", "invoiced"] },
    close: { states: ["settled"] },
    resolve: { states: ["disputed"] },
    "close-line": { states: ["accepted", "delivering"] },
    correct: { states: ["delivering", "delivered"] },
    "reject-return": { states: ["delivered"], method: "rik" },
    amend: { states: ["draft"] },
};

/** The steps in the order the action panel lists them. */
const STEPS = Object.keys(STEP_RULES);

export const canSeeBalance = (user) => FINANCE_READERS.includes(user.role);
export const canSeeOverdue = (user) => OVERDUE_READERS.includes(user.role);
export const canCreateOrder = (user) => user.role === "requester";
export const canSeePartners = (user) => PARTNER_READERS.includes(user.role);
/** POST /api/sync: managing the node is the programme officer's. */
export const canSync = (user) => user.role === "programme-officer";
/** Agreement notice, termination and amendment (MANAGE_NODE): the programme officer's. */
export const canManageAgreements = (user) => user.role === "programme-officer";
/** POST /api/officials/revoke: managing the node is the programme officer's. */
export const canRevokeOfficials = (user) => user.role === "programme-officer";
/** POST /api/quarantine/{id}/resolve: managing the node is the programme officer's. */
export const canResolveQuarantine = (user) => user.role === "programme-officer";
/** POST /api/officials: a new dated grant, also the programme officer's. */
export const canGrantOfficials = (user) => user.role === "programme-officer";

function unitId(unit) {
    if (unit === null || unit === undefined) {
        return 0;
    }
    return Number(typeof unit === "object" ? unit.id : unit) || 0;
}

/** The steps the role table lets user take on order, whatever its state. */
function roleSteps(user, order) {
    const requesterSide = user.party === order.requester;
    const supplierSide = user.party === order.supplier;
    const myUnit = Number(user.unit_id) || 0;
    const requestingUnit = requesterSide && myUnit !== 0
        && myUnit === unitId(order.requester_unit);
    const supplyingUnit = supplierSide && myUnit !== 0
        && myUnit === unitId(order.supplier_unit);
    switch (user.role) {
    case "requester":
        return requestingUnit ? ["submit", "cancel", "receive", "return", "dispute",
            "close-line", "correct", "amend"] : [];
    case "approver":
        /* A dispute is resolved by an official of the party that raised it. */
        return [...(requesterSide ? ["approve"] : []),
            ...(supplierSide ? ["accept", "reject"] : []),
            ...((requesterSide || supplierSide) && (!order.disputed_by
                || order.disputed_by === user.party) ? ["resolve"] : [])];
    case "supplier-clerk":
        return supplyingUnit ? ["issue", "accept-return", "dispute", "close-line", "correct",
            "reject-return"] : [];
    case "finance-officer":
        return [...(supplierSide ? ["invoice"] : []),
            ...(requesterSide ? ["pay", "exchange"] : []),
            ...(requesterSide || supplierSide ? ["dispute", "close"] : [])];
    case "programme-officer":
        return ["close", "dispute"];
    default:
        return [];
    }
}

/** Steps that look legal for user on order now: role, side, unit, state and method. */
export function availableSteps(user, order) {
    const allowed = new Set(roleSteps(user, order));
    return STEPS.filter((step) => {
        const rule = STEP_RULES[step];
        return allowed.has(step) && rule.states.includes(order.state)
            && (!rule.method || rule.method === order.method)
            && (!rule.when || rule.when(order));
    });
}
