// SPDX-License-Identifier: MIT
// Display of amounts, quantities, dates and codes, and exact decimal arithmetic on the API's
// decimal strings (BigInt, never floating point for money).

import { lang, numberLocale, t, has } from "./i18n.js";

export const STATES = ["draft", "submitted", "approved", "accepted", "rejected", "delivering",
    "delivered", "invoiced", "settled", "closed", "cancelled", "disputed"];

/** A code's label from the catalogue (prefix.code), or the code itself. */
function label(prefix, code) {
    return code && has(`${prefix}.${code}`) ? t(`${prefix}.${code}`) : (code || "");
}

export const stateLabel = (code) => label("state", code);
export const methodLabel = (code) => label("method", code);
export const stepLabel = (code) => label("step", code);
export const roleLabel = (code) => label("role", code);

/** "bilateral-training" -> "Bilateral training"; known codes get their full names. */
export function codeLabel(code) {
    if (!code) {
        return "";
    }
    if (has(`code.${code}`)) {
        return t(`code.${code}`);
    }
    const words = String(code).replace(/-/g, " ");
    return words.charAt(0).toUpperCase() + words.slice(1);
}

const MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const formats = new Map();

/** Intl.NumberFormat of a locale with exactly decimals fraction digits, kept. */
function numberFormat(locale, decimals) {
    const key = `${locale}/${decimals}`;
    if (!formats.has(key)) {
        formats.set(key, new Intl.NumberFormat(locale, { minimumFractionDigits: decimals,
            maximumFractionDigits: decimals, useGrouping: true }));
    }
    return formats.get(key);
}

/** Groups the digits of a decimal string in the user's locale, exactly (the string is
 * formatted as it is, never through a float): "-31967800.5" -> "-31,967,800.5"; with
 * currency INR in English, the Indian way: "5199700.00" -> "51,99,700.00". */
export function groupDigits(text, currency = "") {
    if (text === null || text === undefined || text === "") {
        return "";
    }
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(text));
    if (!match) {
        return String(text);
    }
    const decimals = match[3] ? match[3].length : 0;
    try {
        return numberFormat(numberLocale(currency), decimals).format(String(text));
    } catch {
        return String(text);
    }
}

/** An amount with its currency: "1,880,000 JPY", "51,99,700.00 INR". */
export function money(amount, currency) {
    if (amount === null || amount === undefined) {
        return "—";
    }
    return currency ? `${groupDigits(amount, currency)} ${currency}` : groupDigits(amount);
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
    if (lang() === "ja") {
        return `${match[1]}年${Number(match[2])}月`;
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
