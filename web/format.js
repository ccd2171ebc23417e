// SPDX-License-Identifier: MIT
// Display of amounts, quantities, dates and codes, and exact decimal arithmetic on the API's
// decimal strings (BigInt, never floating point for money).

const STATE_LABELS = {
    draft: "Draft",
    submitted: "Submitted",
    approved: "Approved",
    accepted: "Accepted",
    rejected: "Rejected",
    delivering: "Delivering",
    delivered: "Delivered",
    invoiced: "Invoiced",
    settled: "Settled",
    closed: "Closed",
    cancelled: "Cancelled",
    disputed: "Disputed",
};

export const STATES = Object.keys(STATE_LABELS);

const METHOD_LABELS = {
    cash: "Cash",
    rik: "Replacement in kind",
    eve: "Equal-value exchange",
};

const STEP_LABELS = {
    create: "Raised",
    submit: "Submit",
    approve: "Approve",
    accept: "Accept",
    reject: "Reject",
    cancel: "Cancel",
    dispute: "Dispute",
    issue: "Issue",
    receive: "Receive",
    return: "Return in kind",
    "accept-return": "Accept return",
    invoice: "Invoice",
    pay: "Pay",
    exchange: "Exchange",
    convert: "Converted to cash",
    close: "Close",
    resolve: "Resolve dispute",
    "close-line": "Close line short",
    correct: "Correct",
    amend: "Amend draft",
    "reject-return": "Reject return",
    void: "Voided",
};

const ROLE_LABELS = {
    requester: "Requester",
    approver: "Approving official",
    "supplier-clerk": "Supply clerk",
    "finance-officer": "Finance officer",
    "programme-officer": "Programme officer",
    auditor: "Auditor",
};

const CODE_LABELS = {
    pol: "POL (fuel, oils, lubricants)",
    "un-pko": "UN peacekeeping",
    "airport-seaport": "Airport and seaport services",
    "repair-maintenance": "Repair and maintenance",
    "base-support": "Base support",
    "other-lawful": "Other lawful activity",
    "receivable-cash": "Receivable, cash",
    "receivable-kind": "Receivable, in kind",
    "payable-cash": "Payable, cash",
    "payable-kind": "Payable, in kind",
    "kind-settled": "Settled in kind",
};

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A code's label from a table, or the code itself. */
function label(table, code) {
    return table[code] || code || "";
}

export const stateLabel = (code) => label(STATE_LABELS, code);
export const methodLabel = (code) => label(METHOD_LABELS, code);
export const stepLabel = (code) => label(STEP_LABELS, code);
export const roleLabel = (code) => label(ROLE_LABELS, code);

/** "bilateral-training" -> "Bilateral training"; known codes get their full names. */
export function codeLabel(code) {
    if (!code) {
        return "";
    }
    if (CODE_LABELS[code]) {
        return CODE_LABELS[code];
    }
    const words = String(code).replace(/-/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Groups the integer digits of a decimal string: "-31967800.5" -> "-31,967,800.5". */
export function groupDigits(text) {
    if (text === null || text === undefined || text === "") {
        return "";
    }
    const match = /^(-?)(\d+)(\.\d+)?$/.exec(String(text));
    if (!match) {
        return String(text);
    }
    const grouped = match[2].replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return match[1] + grouped + (match[3] || "");
}

/** An amount with its currency: "1,880,000 JPY". */
export function money(amount, currency) {
    if (amount === null || amount === undefined) {
        return "—";
    }
    return currency ? `${groupDigits(amount)} ${currency}` : groupDigits(amount);
}

/** A quantity ("12000" -> "12,000"), with its unit of issue when given. */
export function quantity(qty, unit) {
    if (qty === null || qty === undefined) {
        return "—";
    }
    return unit ? `${groupDigits(qty)} ${unit}` : groupDigits(qty);
}

/** Dates stay ISO (unambiguous between nations); null shows as a dash. */
export function date(text) {
    return text || "—";
}

/** "2024-06" -> "Jun 2024". */
export function monthLabel(month) {
    const match = /^(\d{4})-(\d{2})/.exec(month || "");
    if (!match) {
        return month || "";
    }
    return `${MONTH_NAMES[Number(match[2]) - 1]} ${match[1]}`;
}

/** Today's local date as "YYYY-MM-DD". */
export function today() {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Days from date a to date b ("YYYY-MM-DD"), b - a. */
export function daysBetween(a, b) {
    return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86400000);
}

/** date + days, as "YYYY-MM-DD". */
export function addDays(text, days) {
    const t = new Date(Date.parse(`${text}T00:00:00Z`) + days * 86400000);
    return t.toISOString().slice(0, 10);
}

/* ---- Exact decimals ------------------------------------------------------------------- */

/** Decimal string -> BigInt scaled by 10^scale (extra digits truncated); null if malformed. */
function toScaled(text, scale) {
    const match = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(String(text ?? ""));
    if (!match || (match[2] === "" && !match[3])) {
        return null;
    }
    const fraction = (match[3] || "").padEnd(scale, "0").slice(0, scale);
    const value = BigInt((match[2] || "0") + fraction);
    return match[1] === "-" ? -value : value;
}

/** BigInt scaled by 10^scale -> decimal string with exactly scale decimals. */
function fromScaled(value, scale) {
    const negative = value < 0n;
    const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
    const cut = digits.length - scale;
    const text = scale > 0 ? `${digits.slice(0, cut)}.${digits.slice(cut)}` : digits;
    return negative ? `-${text}` : text;
}

/** Decimals of a decimal string ("12.50" -> 2). */
function decimalsOf(text) {
    const match = /\.(\d*)$/.exec(String(text ?? ""));
    return match ? match[1].length : 0;
}

/** Sum of decimal strings, exact, at the largest number of decimals among them. */
export function sumDecimals(values) {
    const scale = values.reduce((max, v) => Math.max(max, decimalsOf(v)), 0);
    const total = values.reduce((sum, v) => sum + (toScaled(v, scale) ?? 0n), 0n);
    return fromScaled(total, scale);
}

/** Compares two decimal strings: -1, 0 or 1. */
export function compareDecimals(a, b) {
    const scale = Math.max(decimalsOf(a), decimalsOf(b));
    const x = toScaled(a, scale) ?? 0n;
    const y = toScaled(b, scale) ?? 0n;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/** a - b of decimal strings, exact. */
export function subtractDecimals(a, b) {
    const scale = Math.max(decimalsOf(a), decimalsOf(b));
    return fromScaled((toScaled(a, scale) ?? 0n) - (toScaled(b, scale) ?? 0n), scale);
}

/** Quantity decimal string without trailing zeros. */
export function trimZeros(text) {
    return String(text).includes(".") ? String(text).replace(/\.?0+$/, "") : String(text);
}

/** quantity x unit price rounded half to even at the currency's minor unit (acsa's one
 * rounding rule); null when either is not a number. */
export function lineValue(qty, price, exponent) {
    const milli = toScaled(qty, 3);
    const minor = toScaled(price, exponent);
    if (milli === null || minor === null) {
        return null;
    }
    const product = milli * minor;
    const negative = product < 0n;
    const abs = negative ? -product : product;
    let quotient = abs / 1000n;
    const remainder = abs % 1000n;
    if (remainder > 500n || (remainder === 500n && quotient % 2n === 1n)) {
        quotient += 1n;
    }
    return fromScaled(negative ? -quotient : quotient, exponent);
}
