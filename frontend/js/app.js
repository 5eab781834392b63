// The single-page app: header, hash routes, and the account pages.

import { adopt, ApiError, call, json, loggedIn, logOut, saveTokens, tokens } from "./api.js";
import { alertBox, clearErrors, field, h, notice, showErrors } from "./dom.js";
import { lang, setLang, t } from "./i18n.js";

const main = document.getElementById("main");
let flash = null; // {text, kind}: shown once on the next page
let leave = null; // cleanup of the current page (timers)

export function go(route, message) {
  if (message) flash = message;
  if (location.hash === route) render();
  else location.hash = route;
}

function parseRoute() {
  const [path, query = ""] = (location.hash.slice(1) || "/").split("?");
  return { path, params: new URLSearchParams(query) };
}

function header() {
  const nav = loggedIn()
    ? [
        h("a", { href: "#/new", text: t("nav_new") }),
        h("a", { href: "#/requests", text: t("nav_list") }),
        h("button", {
          type: "button",
          class: "link",
          text: t("logout"),
          onclick: () => {
            logOut();
            go("#/login");
          },
        }),
      ]
    : [
        h("a", { href: "#/login", text: t("nav_login") }),
        h("a", { href: "#/register", text: t("nav_register") }),
      ];
  const current = parseRoute().path;
  for (const link of nav) {
    if (link.getAttribute?.("href") === `#${current}`) link.setAttribute("aria-current", "page");
  }
  const langButton = h("button", {
    type: "button",
    class: "lang",
    lang: lang() === "ja" ? "en" : "ja",
    "aria-label": t("switch_lang_label"),
    text: t("switch_lang"),
    onclick: () => {
      setLang(lang() === "ja" ? "en" : "ja");
      render({ focus: "header .lang" });
    },
  });
  const bar = document.getElementById("top");
  bar.replaceChildren(
    h("a", { class: "skip", href: "#main", onclick: skipToMain, text: t("skip") }),
    h("div", { class: "bar" },
      h("p", { class: "brand" }, h("a", { href: loggedIn() ? "#/new" : "#/login", text: t("app_title") })),
      h("nav", { "aria-label": t("nav_label") }, ...nav, langButton),
    ),
  );
  document.title = t("app_title");
}

function skipToMain(event) {
  event.preventDefault();
  main.focus();
}

function page(titleKey, ...content) {
  const title = h("h1", { tabindex: "-1", text: t(titleKey) });
  const shown = flash ? notice(flash.text, flash.kind) : null;
  shown?.setAttribute("data-flash", "");
  flash = null;
  main.replaceChildren(...[title, shown, ...content].filter(Boolean));
  document.title = `${t(titleKey)} | ${t("app_title")}`;
  return title;
}

// --- Account pages ---------------------------------------------------------------------------

function form(onsubmit, ...children) {
  const node = h("form", { novalidate: true, class: "card narrow" }, alertBox(), ...children);
  let busy = false;
  node.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    busy = true;
    const button = node.querySelector("button[type=submit]");
    button.disabled = true;
    clearErrors(node);
    try {
      await onsubmit(new FormData(node), node);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(node, error, t("form_has_errors"));
    } finally {
      busy = false;
      button.disabled = false;
    }
  });
  return node;
}

function input(type, autocomplete, extra = {}) {
  return h("input", { type, autocomplete, required: true, ...extra });
}

function loginPage(params) {
  const email = input("email", "username", { value: params.get("email") || "" });
  page(
    "login_title",
    form(
      async (data) => {
        const { body } = await json("/api/v1/auth/token/", {
          method: "POST",
          auth: false,
          body: { email: data.get("email"), password: data.get("password") },
        });
        saveTokens(body);
        go("#/new");
      },
      field("email", t("email"), email),
      field("password", t("password"), input("password", "current-password")),
      h("button", { type: "submit", class: "primary", text: t("login_button") }),
      h("p", { class: "links" },
        h("a", { href: "#/forgot", text: t("forgot_link") }), " ",
        h("a", { href: "#/register", text: t("register_link") })),
    ),
  );
}

function registerPage() {
  page(
    "register_title",
    form(
      async (data) => {
        const { body } = await json("/api/v1/auth/register/", {
          method: "POST",
          auth: false,
          body: { email: data.get("email"), password: data.get("password"), name: data.get("name") },
        });
        // The server says whether it lets an unverified account in (REQUIRE_VERIFIED_EMAIL):
        // "verify first" only where that is the rule (issue 18), in the reader's language.
        const text = body?.detail || t(body?.verification_required === false ? "registered" : "registered_check_mail");
        go(`#/login?email=${encodeURIComponent(data.get("email"))}`, { text, kind: "ok" });
      },
      field("email", t("email"), input("email", "email")),
      field("name", t("name"), h("input", { type: "text", autocomplete: "name" })),
      field("password", t("password"), input("password", "new-password")),
      h("button", { type: "submit", class: "primary", text: t("register_button") }),
    ),
  );
}

function forgotPage() {
  const result = h("div", { "aria-live": "polite" });
  page(
    "forgot_title",
    h("p", { text: t("forgot_help") }),
    form(
      async (data) => {
        const { body } = await json("/api/v1/auth/password/reset/", {
          method: "POST",
          auth: false,
          body: { email: data.get("email") },
        });
        result.replaceChildren(notice(body.message, "ok"));
      },
      field("email", t("email"), input("email", "email")),
      h("button", { type: "submit", class: "primary", text: t("forgot_button") }),
    ),
    result,
  );
}

function resetPage(params) {
  const uid = params.get("uid");
  const token = params.get("token");
  if (!uid || !token) {
    page("reset_title", notice(t("reset_link_missing"), "error"), h("a", { href: "#/forgot", text: t("forgot_link") }));
    return;
  }
  page(
    "reset_title",
    form(
      async (data, node) => {
        if (data.get("new_password") !== data.get("new_password_again")) {
          showErrors(node, { fields: { new_password_again: [t("passwords_differ")] } }, t("form_has_errors"));
          return;
        }
        const { body } = await json("/api/v1/auth/password/reset/confirm/", {
          method: "POST",
          auth: false,
          body: { uid, token, new_password: data.get("new_password") },
        });
        logOut();
        go("#/login", { text: body.message, kind: "ok" });
      },
      field("new_password", t("new_password"), input("password", "new-password")),
      field("new_password_again", t("new_password_again"), input("password", "new-password")),
      h("p", { id: "err-token", class: "field-error" }),
      h("button", { type: "submit", class: "primary", text: t("reset_button") }),
      h("p", { class: "links" }, h("a", { href: "#/forgot", text: t("forgot_link") })),
    ),
  );
}

// Verifying sets the password too: whoever signed up first with an address chose its password
// so far, possibly not the address's owner (the server ends that password and its sessions).
function verifyPage(params) {
  const uid = params.get("uid");
  const token = params.get("token");
  if (!uid || !token) {
    page("verify_title", notice(t("reset_link_missing"), "error"));
    return;
  }
  page(
    "verify_title",
    h("p", { text: t("verify_help") }),
    form(
      async (data, node) => {
        if (data.get("password") !== data.get("password_again")) {
          showErrors(node, { fields: { password_again: [t("passwords_differ")] } }, t("form_has_errors"));
          return;
        }
        const { body } = await json("/api/v1/auth/verify-email/", {
          method: "POST",
          auth: false,
          body: { uid, token, password: data.get("password") },
        });
        logOut();
        // The API says which: verified now, or already verified (a link opened again).
        go("#/login", { text: body?.detail || t("verified"), kind: "ok" });
      },
      field("password", t("password"), input("password", "new-password")),
      field("password_again", t("new_password_again"), input("password", "new-password")),
      h("p", { id: "err-token", class: "field-error" }),
      h("button", { type: "submit", class: "primary", text: t("verify_button") }),
    ),
  );
}

// --- Router ----------------------------------------------------------------------------------

const PUBLIC = { "/login": loginPage, "/register": registerPage, "/forgot": forgotPage, "/reset": resetPage, "/verify": verifyPage };
// The pages behind the log-in load their modules when first shown (issue 22): the log-in
// page paints without the form's and the list's code. For the form, warm.js asks for its whole
// module graph (modulepreload) and for the options before this module has even arrived.
let formOptions = null; // the options call of this page load (request-state.js keeps the answer)
const OPTIONS = "/api/v1/options/";

const PRIVATE = {
  "/new": async (...args) => {
    window.jmaww?.preloadForm();
    // The options (the form's biggest answer, public master data: asked without a token, so
    // without a CORS preflight): warm.js's call, or one asked for now, while the form's code loads.
    if (!formOptions) {
      const started = window.jmaww?.options;
      formOptions = started ? adopt(started, OPTIONS) : json(OPTIONS, { auth: false });
      formOptions.catch(() => {}); // a failure shows when the form asks again
    }
    const options = import("./request-state.js").then((m) => m.loadOptions(formOptions)).catch(() => {});
    const { newRequestPage } = await import("./form.js");
    await options;
    // The session may have ended meanwhile (a refresh refused elsewhere): the
    // session-expired handler has gone to the log-in page; do not paint the form over it.
    if (!loggedIn()) return undefined;
    await newRequestPage(...args);
    // Nothing on the form needed the session so far: whether it still holds is asked once the
    // form is shown (an ended one goes to the log-in page, said plainly), not before.
    call("/api/v1/auth/me/").catch(() => {});
    return undefined;
  },
  "/requests": async (...args) => (await import("./list.js")).requestsPage(...args),
};

export async function render({ focus = "main h1" } = {}) {
  if (leave) leave();
  leave = null;
  document.documentElement.lang = lang();
  const { path, params } = parseRoute();
  header();
  const ctx = { page, go, params, onLeave: (fn) => (leave = fn) };
  let view = PUBLIC[path] || PRIVATE[path];
  if (!view) {
    go(loggedIn() ? "#/new" : "#/login");
    return;
  }
  if (PRIVATE[path] && !loggedIn()) {
    go("#/login");
    return;
  }
  try {
    await view(params, ctx);
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    main.append(notice(error.message, "error"));
  }
  document.querySelector(focus)?.focus();
}

window.addEventListener("hashchange", () => render());
window.addEventListener("session-expired", () => {
  if (tokens() === null) go("#/login", { text: t("session_expired"), kind: "error" });
});
render();
