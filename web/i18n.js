// SPDX-License-Identifier: MIT
// The message catalogue: every label, message and error of the UI by key, in English and
// Japanese; the language chosen (remembered in localStorage per browser and user), the locale
// numbers are written in, and the translation of the server's problem types.

import { en, ja } from "./i18n-catalogue.js";

const STORE_KEY = "acsa.lang";
export const LANGUAGES = [{ code: "en", name: "English" }, { code: "ja", name: "日本語" }];
const TABLES = { en, ja };

let current = "en";
let currentUserName = "";

function readStored(name) {
    try {
        return localStorage.getItem(name ? `${STORE_KEY}.${name}` : STORE_KEY);
    } catch {
        return null;
    }
}

/** The language to start in: the last one chosen in this browser (English by default). */
function initial() {
    const stored = readStored("");
    return TABLES[stored] ? stored : "en";
}

current = initial();
if (typeof document !== "undefined") {
    document.documentElement.lang = current;
}

/** The language code in use, "en" or "ja". */
export const lang = () => current;

/** Chooses the language: remembered for this browser and, once signed in, for the user. */
export function setLang(code) {
    if (!TABLES[code]) {
        return;
    }
    current = code;
    document.documentElement.lang = code;
    try {
        localStorage.setItem(STORE_KEY, code);
        if (currentUserName) {
            localStorage.setItem(`${STORE_KEY}.${currentUserName}`, code);
        }
    } catch {
        /* Private browsing: the choice lasts for this page. */
    }
}

/** After sign-in: the language this user chose last on this browser, if any. Returns whether
 * it differs from the one in use (the page is then drawn again). */
export function userSignedIn(username) {
    currentUserName = username || "";
    const chosen = currentUserName ? readStored(currentUserName) : null;
    if (chosen && TABLES[chosen] && chosen !== current) {
        setLang(chosen);
        return true;
    }
    if (currentUserName) {
        setLang(current);
    }
    return false;
}

/** The text of key in the current language (English when Japanese lacks it), with {name}
 * placeholders filled from vars; an entry may be a function of vars (plurals). */
export function t(key, vars = {}) {
    const entry = TABLES[current][key] ?? en[key];
    if (entry === undefined) {
        return key;
    }
    const text = typeof entry === "function" ? entry(vars) : entry;
    return text.replace(/\{(\w+)\}/g, (all, name) => (vars[name] !== undefined
        ? String(vars[name]) : all));
}

/** Whether the catalogue has key. */
export const has = (key) => en[key] !== undefined;

/** The locale numbers are grouped in: Indian grouping (lakh, crore) for INR in English,
 * Japanese conventions in Japanese. */
export function numberLocale(currency) {
    if (current === "ja") {
        return "ja-JP";
    }
    return currency === "INR" ? "en-IN" : "en-US";
}

/* The problem type of each status, for an answer without a problem body (an upload's, a
 * proxy's): the first type of src/server/response.c's table with that status. */
const STATUS_TYPES = { 400: "invalid-input", 401: "not-signed-in", 403: "forbidden",
    404: "not-found", 405: "method-not-allowed", 409: "exists", 412: "changed",
    413: "too-large", 415: "unsupported-media-type", 422: "refused", 428: "if-match-required",
    429: "throttled", 500: "storage", 502: "partner-unreachable", 503: "busy" };

/** The code of a problem (`/problems/refused` -> "refused"), from its type or its status. */
export function problemCode(error) {
    const type = error && error.type ? String(error.type).replace(/^.*\//, "") : "";
    return type || (error && STATUS_TYPES[error.status]) || "";
}

/**
 * A server problem in the user's language, as {text, detail}. In English text is the server's
 * detail (which names the field and value) and detail is "". In Japanese text is the
 * translated title of the problem's type (of its status when the answer had no problem body),
 * after label, the field's name in the form's words, when given; detail is the server's own
 * message, kept as a secondary technical line when it says more than the title. A message
 * made by the UI itself (no status, or 0 for a network failure) is already in the user's
 * language and is kept.
 */
export function problemParts(error, label = "") {
    const detail = String((error && (error.detail || error.message)) || "");
    if (current === "en") {
        return { text: detail || t("problem.failed"), detail: "" };
    }
    const status = error ? error.status : undefined;
    if (!(error && error.type) && !status) {
        return { text: detail || t(status === 0 ? "problem.network" : "problem.failed"),
            detail: "" };
    }
    const code = problemCode(error);
    const title = t(code && has(`problem.${code}`) ? `problem.${code}` : "problem.failed");
    const same = !detail || detail === error.title || detail === title;
    return { text: label ? `${label}：${title}` : title, detail: same ? "" : detail };
}

/** A server problem in the user's language as one text: in Japanese the translated title of
 * its type (after label when given), then the server's detail in brackets. */
export function problemText(error, label = "") {
    const { text, detail } = problemParts(error, label);
    return detail ? `${text}（${detail}）` : text;
}

/** Fills the elements of root marked data-i18n (text), data-i18n-label (aria-label). */
export function translatePage(root = document) {
    root.querySelectorAll("[data-i18n]").forEach((el) => {
        el.textContent = t(el.dataset.i18n);
    });
    root.querySelectorAll("[data-i18n-label]").forEach((el) => {
        el.setAttribute("aria-label", t(el.dataset.i18nLabel));
    });
}
