// SPDX-License-Identifier: MIT
// The one way the UI talks to the server: JSON over fetch with the session cookie, the CSRF
// token on writes, an Idempotency-Key on every POST, If-Match on order steps; errors as ApiError.

import { t } from "./i18n.js";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/* Set while this browser holds a session: without it the first load does not ask the server
 * (whose answer would be a 401 logged in the console) and shows the sign-in form at once. */
const SIGNED_IN_HINT = "acsa.signed-in";
const RETRY_DELAYS_MS = [400, 1200];

let session = null;           // {user, csrf_token} of the signed-in user, or null.
let referenceCache = new Map(); // Reference data promises, by key, for this session.

/** A refused or failed request: status (0 for a network failure), detail (the server's
 * message), field (the input it names, or null), title. */
export class ApiError extends Error {
    constructor(status, detail, field = null, title = "") {
        super(detail);
        this.name = "ApiError";
        this.status = status;
        this.detail = detail;
        this.field = field;
        this.title = title;
    }
}

function url(path, query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query || {})) {
        if (value !== null && value !== undefined && value !== "" && value !== false) {
            params.set(key, String(value));
        }
    }
    const text = params.toString();
    return text ? `${path}?${text}` : path;
}

async function problem(response) {
    let body = null;
    try {
        body = await response.json();
    } catch {
        body = null;
    }
    const status = response.status;
    const fallback = status === 429 ? t("problem.throttled-later")
        : t("problem.http", { text: response.statusText || t("problem.failed"), status });
    const error = new ApiError(status, (body && (body.detail || body.title)) || fallback,
        (body && body.field) || null, (body && body.title) || "");
    error.type = (body && body.type) || "";
    if (body && Array.isArray(body.errors)) { // An import's errors, by row and column.
        error.errors = body.errors;
        error.errorCount = body.error_count;
    }
    return error;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends one request; the same Idempotency-Key is kept across retries of a 503, so a retried
 * write is never applied twice. Resolves {data, etag, status}; rejects with ApiError. */
export async function request(method, path, { query, body, etag } = {}) {
    const headers = { Accept: "application/json" };
    const raw = body instanceof Blob; // A file sent as it is (an import's CSV).
    if (body !== undefined) {
        headers["Content-Type"] = raw ? body.type : "application/json";
    }
    if (MUTATING.has(method) && session && session.csrf_token) {
        headers["X-CSRF-Token"] = session.csrf_token;
    }
    if (method === "POST") {
        headers["Idempotency-Key"] = crypto.randomUUID();
    }
    if (etag) {
        headers["If-Match"] = etag;
    }
    const init = {
        method, headers, credentials: "same-origin", cache: "no-store",
        body: body === undefined || raw ? body : JSON.stringify(body),
    };
    let response = null;
    for (let attempt = 0; ; attempt++) {
        try {
            response = await fetch(url(path, query), init);
        } catch (e) {
            throw new ApiError(0, t("problem.unreachable", { reason: e.message }));
        }
        if (response.status !== 503 || attempt >= RETRY_DELAYS_MS.length) {
            break;
        }
        await sleep(RETRY_DELAYS_MS[attempt]);
    }
    if (!response.ok) {
        const error = await problem(response);
        if (error.status === 401 && path !== "/api/session") {
            forget();
            window.dispatchEvent(new CustomEvent("acsa:signed-out"));
        }
        throw error;
    }
    const type = response.headers.get("Content-Type") || "";
    const data = response.status === 204 || !type.includes("json") ? null : await response.json();
    return { data, etag: response.headers.get("ETag"), status: response.status };
}

export const get = async (path, query) => (await request("GET", path, { query })).data;
export const post = (path, body, etag) => request("POST", path, { body, etag });

/** A paginated list read to its end: the first page's members (totals, as_of, ...) with
 * items holding the items of every page, following next_cursor. */
export async function getPages(path, query = {}) {
    const first = await get(path, { ...query, limit: 500 });
    const items = itemsOf(first);
    let cursor = first && first.next_cursor;
    while (cursor) {
        const page = await get(path, { ...query, cursor, limit: 500 });
        items.push(...itemsOf(page));
        cursor = page && page.next_cursor;
    }
    return { ...(Array.isArray(first) ? {} : first), items, next_cursor: null };
}

/** Every item of a paginated list. */
export async function getAll(path, query = {}) {
    return (await getPages(path, query)).items;
}

/** The items of a list response ({items} or a bare array). */
export function itemsOf(data) {
    if (Array.isArray(data)) {
        return [...data];
    }
    return (data && Array.isArray(data.items)) ? [...data.items] : [];
}

/** Reference data (agreements, units, activities) read once per session. */
export function cached(key, load) {
    if (!referenceCache.has(key)) {
        const promise = load().catch((error) => {
            referenceCache.delete(key);
            throw error;
        });
        referenceCache.set(key, promise);
    }
    return referenceCache.get(key);
}

/** Sends file as the raw body of a POST (a supporting document), reporting upload progress
 * (0..1) to onProgress; resolves the JSON answer, rejects with ApiError. XMLHttpRequest,
 * since fetch tells nothing of an upload's progress. */
export function upload(path, query, file, onProgress = () => {}) {
    return new Promise((resolve, reject) => {
        const xhr = new XMLHttpRequest();
        xhr.open("POST", url(path, query));
        xhr.setRequestHeader("Accept", "application/json");
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        if (session && session.csrf_token) {
            xhr.setRequestHeader("X-CSRF-Token", session.csrf_token);
        }
        xhr.upload.addEventListener("progress", (e) => {
            if (e.lengthComputable && e.total > 0) {
                onProgress(e.loaded / e.total);
            }
        });
        xhr.addEventListener("error", () => reject(new ApiError(0,
            t("problem.upload-closed"))));
        xhr.addEventListener("load", () => {
            let body = null;
            try {
                body = JSON.parse(xhr.responseText);
            } catch {
                body = null;
            }
            if (xhr.status >= 200 && xhr.status < 300) {
                resolve(body);
                return;
            }
            if (xhr.status === 401) {
                forget();
                window.dispatchEvent(new CustomEvent("acsa:signed-out"));
            }
            reject(new ApiError(xhr.status, (body && (body.detail || body.title))
                || t("problem.http", { text: t("problem.failed"), status: xhr.status }),
            (body && body.field) || null, (body && body.title) || ""));
        });
        xhr.send(file);
    });
}

/* ---- Session -------------------------------------------------------------------------- */

function forget() {
    session = null;
    referenceCache = new Map();
    localStorage.removeItem(SIGNED_IN_HINT);
}

export function currentUser() {
    return session ? session.user : null;
}

/** The session of the cookie, if any: the user, or null when not signed in. */
export async function loadSession() {
    if (!localStorage.getItem(SIGNED_IN_HINT)) {
        return null;
    }
    try {
        session = (await request("GET", "/api/session")).data;
    } catch (error) {
        if (error.status === 401) {
            forget();
            return null;
        }
        throw error;
    }
    return session.user;
}

export async function signIn(username, password) {
    forget();
    session = (await request("POST", "/api/session", { body: { username, password } })).data;
    localStorage.setItem(SIGNED_IN_HINT, "1");
    return session.user;
}

export async function signOut() {
    try {
        await request("DELETE", "/api/session");
    } finally {
        forget();
    }
}
