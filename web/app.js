// SPDX-License-Identifier: MIT
// Application shell: loads the session, fills the header, and routes on location.hash to the
// views (#/ dashboard, #/orders list, #/orders/new form, #/orders/NUMBER detail, #/partners).

import { currentUser, loadSession, signOut } from "./api.js";
import { h } from "./dom.js";
import { installDatePicker } from "./datepicker.js";
import { lang, problemText, setLang, t, translatePage, userSignedIn } from "./i18n.js";
import { roleLabel } from "./format.js";
import { units, unitLabel } from "./reference.js";
import { canCreateOrder, canSeeBalance, canSeePartners } from "./roles.js";
import { renderDashboard } from "./view-dashboard.js";
import { renderLogin } from "./view-login.js";
import { renderOrder } from "./view-order.js";
import { renderOrderForm } from "./view-order-form.js";
import { renderOrders } from "./view-orders.js";
import { renderPartners } from "./view-sync.js";
import { renderOfficials } from "./view-officials.js";
import { renderQuarantine } from "./view-quarantine.js";
import { renderAgreement, renderAgreements } from "./view-agreements.js";
import { renderImport } from "./view-import.js";
import { renderReports } from "./view-reports.js";

const main = document.getElementById("main");
const q = (test) => document.querySelector(`[data-test="${test}"]`);

/* Routes: pattern on the path after "#", the nav item to mark, the view, the page title. */
const ROUTES = [
    { path: /^\/?$/, nav: "nav-dashboard", title: "title.dashboard",
        view: (el, user) => renderDashboard(el, user) },
    { path: /^\/orders\/?$/, nav: "nav-orders", title: "title.orders",
        view: (el, user, query) => renderOrders(el, user, query) },
    { path: /^\/orders\/new$/, nav: "nav-new-order", title: "title.newOrder",
        view: (el, user) => renderOrderForm(el, user) },
    { path: /^\/orders\/([^/?]+)$/, nav: "nav-orders", title: "title.order",
        view: (el, user, query, match) => renderOrder(el, user, decodeURIComponent(match[1])) },
    { path: /^\/import\/?$/, nav: "nav-import", title: "title.import",
        view: (el, user) => renderImport(el, user) },
    { path: /^\/partners\/?$/, nav: "nav-partners", title: "title.partners",
        view: (el, user) => renderPartners(el, user) },
    { path: /^\/officials\/?$/, nav: "nav-officials", title: "title.officials",
        view: (el, user) => renderOfficials(el, user) },
    { path: /^\/quarantine\/?$/, nav: "nav-quarantine", title: "title.quarantine",
        view: (el, user) => renderQuarantine(el, user) },
    { path: /^\/reports\/?$/, nav: "nav-reports", title: "title.reports",
        view: (el, user, query) => renderReports(el, user, query) },
    { path: /^\/agreements\/?$/, nav: "nav-agreements", title: "title.agreements",
        view: (el) => renderAgreements(el) },
    { path: /^\/agreements\/([^/?]+)$/, nav: "nav-agreements", title: "title.agreement",
        view: (el, user, query, match) => renderAgreement(el, user,
            decodeURIComponent(match[1])) },
];

function parseHash() {
    const text = location.hash.replace(/^#/, "");
    const [path, search = ""] = text.split("?");
    return { path: path || "/", query: Object.fromEntries(new URLSearchParams(search)) };
}

function showError(text) {
    const bar = q("global-error");
    bar.textContent = text || "";
    bar.hidden = !text;
}

/** The language this user chose last on this browser: the page is drawn again in it. */
function rememberUser(user) {
    if (user && userSignedIn(user.username)) {
        location.reload(); // Drawn again in the language this user chose.
    }
}

async function fillHeader(user) {
    rememberUser(user);
    q("nav").hidden = !user;
    q("user-box").hidden = !user;
    if (!user) {
        return;
    }
    q("nav-new-order").hidden = !canCreateOrder(user);
    q("nav-import").hidden = !canCreateOrder(user);
    q("nav-partners").hidden = !canSeePartners(user);
    q("nav-quarantine").hidden = !canSeePartners(user);
    q("nav-reports").hidden = !canSeeBalance(user);
    q("user-name").textContent = user.display_name || user.username;
    q("user-role").textContent = roleLabel(user.role);
    q("user-party").textContent = user.party || "";
    if (user.unit_id) {
        try {
            q("user-party").textContent = unitLabel(await units(), user.unit_id);
        } catch {
            /* The party alone is shown. */
        }
    }
}

function markNav(test) {
    document.querySelectorAll(".nav a").forEach((a) => {
        if (a.dataset.test === test) {
            a.setAttribute("aria-current", "page");
        } else {
            a.removeAttribute("aria-current");
        }
    });
}

function showLogin(reason = "") {
    fillHeader(null);
    document.title = `${t("title.signIn")} · acsa`;
    const view = h("div");
    main.replaceChildren(view);
    renderLogin(view, async (user) => {
        showError("");
        await fillHeader(user);
        route(true);
    });
    showError(reason);
}

/** Renders the view of the current address into a fresh container, so a slow view that
 * finishes after the user moved on writes into a detached element. */
async function route(focus = false) {
    const user = currentUser();
    if (!user) {
        showLogin();
        return;
    }
    const { path, query } = parseHash();
    if (!path.startsWith("/")) {
        return;           // An in-page anchor such as the skip link.
    }
    showError("");
    const found = ROUTES.map((r) => ({ r, match: r.path.exec(path) })).find((x) => x.match);
    const view = h("div");
    main.replaceChildren(view);
    if (!found) {
        document.title = `${t("app.notFound")} · acsa`;
        view.append(h("h1", { tabindex: "-1", test: "not-found" }, t("app.notFound")));
        return;
    }
    markNav(found.r.nav);
    document.title = `${t(found.r.title)} · acsa`;
    try {
        await found.r.view(view, user, query, found.match);
    } catch (error) {
        if (error.status !== 401 && view.isConnected) {
            showError(problemText(error));
        }
    }
    const heading = view.querySelector("h1");
    if (focus && heading && view.isConnected) {
        heading.focus();
    }
}

async function start() {
    translatePage();
    installDatePicker();
    const switcher = q("lang-switch");
    switcher.value = lang();
    switcher.addEventListener("change", () => {
        setLang(switcher.value);
        location.reload();
    });
    q("sign-out").addEventListener("click", async () => {
        try {
            await signOut();
        } catch {
            /* Signed out locally either way. */
        }
        location.hash = "#/";
        showLogin();
    });
    q("skip-link").addEventListener("click", (event) => {
        event.preventDefault();
        main.focus();
    });
    window.addEventListener("hashchange", () => route(true));
    window.addEventListener("acsa:signed-out", () => {
        if (!main.querySelector("[data-test=view-login]")) {
            showLogin(t("app.sessionEnded"));
        }
    });
    window.addEventListener("unhandledrejection", (event) => {
        const reason = event.reason || {};
        if (reason.status !== 401) {
            showError(problemText(reason) || String(reason));
        }
    });
    try {
        const user = await loadSession();
        await fillHeader(user);
    } catch (error) {
        showError(problemText(error));
    }
    route();
}

start();
