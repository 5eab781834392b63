// The API over HTTP with JWT: Accept-Language on every call, silent refresh of the access token.

import { API_BASE_URL } from "../config.js";
import { lang, t } from "./i18n.js";

const TOKENS = "jmaww.tokens";

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || "error";
    this.fields = body?.fields || {};
  }
}

export function tokens() {
  try {
    return JSON.parse(localStorage.getItem(TOKENS)) || null;
  } catch {
    return null;
  }
}

export function saveTokens(value) {
  if (value) localStorage.setItem(TOKENS, JSON.stringify(value));
  else localStorage.removeItem(TOKENS);
}

export function loggedIn() {
  return Boolean(tokens()?.refresh);
}

function expiresSoon(jwt) {
  try {
    const payload = JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    return payload.exp * 1000 - Date.now() < 60_000;
  } catch {
    return true;
  }
}

let refreshing = null;

/** One refresh at a time; every caller waiting for it gets the same answer. */
async function refreshAccess() {
  if (!refreshing) {
    refreshing = (async () => {
      const current = tokens();
      if (!current?.refresh) return false;
      const response = await send("/api/v1/auth/token/refresh/", {
        method: "POST",
        body: { refresh: current.refresh },
        auth: false,
      });
      if (!response.ok) {
        // Another tab used the same refresh token a moment earlier (each works once) and
        // saved the next one: carry on with that.
        const now = tokens();
        if (now?.refresh && now.refresh !== current.refresh) return true;
        saveTokens(null);
        window.dispatchEvent(new CustomEvent("session-expired"));
        return false;
      }
      const body = await response.json();
      saveTokens({ ...current, ...body });
      return true;
    })().finally(() => {
      refreshing = null;
    });
  }
  return refreshing;
}

async function send(path, { method = "GET", body, headers = {}, auth = true } = {}) {
  const url = path.startsWith("http") ? path : API_BASE_URL + path;
  const all = { Accept: "application/json", "Accept-Language": lang(), ...headers };
  if (body !== undefined) all["Content-Type"] = "application/json";
  if (auth && tokens()?.access) all.Authorization = `Bearer ${tokens().access}`;
  try {
    return await fetch(url, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: "network", message: t("network_error", { url: API_BASE_URL }) });
  }
}

/** A call; returns the Response (ok or not). Refreshes the access token when needed. */
export async function call(path, options = {}) {
  const auth = options.auth !== false;
  if (auth && loggedIn() && expiresSoon(tokens().access || "")) await refreshAccess();
  let response = await send(path, options);
  if (auth && response.status === 401 && loggedIn() && (await refreshAccess())) {
    response = await send(path, options);
  }
  return response;
}

/** A JSON call: the body on success, ApiError with code/message/fields otherwise. */
export async function json(path, options = {}) {
  const response = await call(path, options);
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return { status: response.status, body, headers: response.headers };
}

/** A call warm.js started without a token (a Promise of its Response) as json() answers it.
 * One that failed is asked again the usual way, still without a token. */
export async function adopt(started, path) {
  try {
    const response = await started;
    if (response.ok) return { status: response.status, body: await response.json(), headers: response.headers };
  } catch {
    // asked again below
  }
  return json(path, { auth: false });
}

/** Forget the tokens here and end the session on the server (its tokens stop working). */
export function logOut() {
  const refresh = tokens()?.refresh;
  saveTokens(null);
  if (refresh) {
    send("/api/v1/auth/logout/", { method: "POST", body: { refresh }, auth: false }).catch(() => {});
  }
}

/** The file name from Content-Disposition (RFC 6266 filename*=UTF-8''... first). */
export function fileName(disposition, fallback) {
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition || "");
  if (star) return decodeURIComponent(star[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition || "");
  return plain ? plain[1] : fallback;
}
