// SPDX-License-Identifier: MIT
// Sign-in screen: username and password; shows the server's message when sign-in is refused
// and says so plainly when too many attempts have locked the name.

import { signIn } from "./api.js";
import { h } from "./dom.js";
import { busy, field, FormErrors, input } from "./forms.js";
import { t } from "./i18n.js";

/** Renders the sign-in form into main; onSignedIn(user) runs after a successful sign-in. */
export function renderLogin(main, onSignedIn) {
    const errors = new FormErrors();
    errors.top.dataset.test = "login-error";
    const username = input({ name: "username", test: "login-username",
        autocomplete: "username", autocapitalize: "none", spellcheck: "false" });
    const password = input({ name: "password", type: "password", test: "login-password",
        autocomplete: "current-password" });
    const submit = h("button", { type: "submit", class: "primary", test: "login-submit" },
        t("login.submit"));
    const form = h("form", { class: "login-form", test: "login-form", novalidate: true },
        errors.top,
        field(t("login.username"), username),
        field(t("login.password"), password),
        h("div", { class: "form-actions" }, submit));

    form.addEventListener("submit", async (event) => {
        event.preventDefault();
        errors.clear();
        try {
            const user = await busy(submit, () => signIn(username.value.trim(), password.value));
            onSignedIn(user);
        } catch (error) {
            if (error.status === 429 && !/too many attempts/i.test(error.detail)) {
                errors.show({ detail: t("login.tooMany", { detail: error.detail }) });
            } else if (error.status === 401) {
                // A sign-in refused is not "not signed in": the form's own words.
                errors.show({ detail: t("login.wrong") });
            } else {
                errors.show(error);
            }
            password.value = "";
            password.focus();
        }
    });

    main.replaceChildren(h("div", { class: "login", test: "view-login" },
        h("h1", { tabindex: "-1" }, t("login.title")),
        h("p", { class: "lead" },
            t("login.lead")),
        form));
    username.focus();
}
