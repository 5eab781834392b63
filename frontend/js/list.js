// My requests: status filter, pages, progress that follows the daemon, timeline, download,
// cancel and retry. Polls while something on the page is queued or running.

import { ApiError, call, fileName, json } from "./api.js";
import { h, notice } from "./dom.js";
import { dateTime, joinList, lang, stationName, t } from "./i18n.js";

const STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"];
const ACTIVE = new Set(["queued", "running"]);
const POLL_MS = 2000;

function period(r) {
  const pad = (m) => String(m).padStart(2, "0");
  if (r.granularity === "annual") return `${r.start_year} – ${r.end_year} (${t("granularity_annual_short")})`;
  let text = `${r.start_year}-${pad(r.start_month)} – ${r.end_year}-${pad(r.end_month)}`;
  if (r.granularity === "hourly" || r.granularity === "10min") {
    const last = new Date(Date.UTC(r.end_year, r.end_month, 0)).getUTCDate();
    text = `${r.start_year}-${pad(r.start_month)}-${pad(r.start_day || 1)} – ` +
      `${r.end_year}-${pad(r.end_month)}-${pad(r.end_day || last)} ${t(`granularity_${r.granularity}`)}`;
  }
  if (r.season_start_month && r.season_end_month) {
    text += ` (${pad(r.season_start_month)}–${pad(r.season_end_month)})`;
  }
  return text;
}

export async function requestsPage(params, ctx) {
  const status = STATUSES.includes(params.get("status")) ? params.get("status") : "";
  const pageNo = Math.max(1, Number(params.get("page")) || 1);
  const filter = h(
    "select",
    {
      id: "f-status",
      onchange: (e) => ctx.go(`#/requests?status=${e.target.value}`),
    },
    h("option", { value: "", text: t("all_statuses") }),
    STATUSES.map((s) => h("option", { value: s, selected: s === status, text: t(`status_${s}`) })),
  );
  const list = h("ol", { class: "requests", reversed: true });
  const pager = h("nav", { class: "pager", "aria-label": t("page_of", { page: pageNo, pages: "", count: "" }) });
  const live = h("p", { class: "sr-only", role: "status" });
  ctx.page(
    "list_title",
    h("div", { class: "field inline-field" }, h("label", { for: "f-status", text: t("filter_status") }), filter),
    list,
    pager,
    live,
  );

  const cards = new Map();
  let timer = null;
  let stopped = false;
  ctx.onLeave(() => {
    stopped = true;
    clearTimeout(timer);
  });

  async function refresh() {
    const qs = new URLSearchParams({ page: String(pageNo) });
    if (status) qs.set("status", status);
    const { body } = await json(`/api/v1/requests/?${qs}`);
    if (stopped) return;
    if (!body.results.length && !cards.size) list.replaceChildren(h("li", { class: "empty", text: t("none_yet") }));
    for (const request of body.results) {
      let card = cards.get(request.id);
      if (!card) {
        card = makeCard(request);
        cards.set(request.id, card);
        list.append(card.node);
      }
      card.update(request);
    }
    const pages = Math.max(1, Math.ceil(body.count / 20));
    const link = (n, label) =>
      h("a", { href: `#/requests?${new URLSearchParams({ ...(status && { status }), page: String(n) })}`, text: label });
    const parts = [
      body.previous ? link(pageNo - 1, t("prev")) : null,
      h("span", { text: t("page_of", { page: pageNo, pages, count: body.count }) }),
      body.next ? link(pageNo + 1, t("next")) : null,
    ];
    pager.replaceChildren(...parts.filter(Boolean));
    schedule([...cards.values()].some((c) => ACTIVE.has(c.request.status)));
  }

  function schedule(active) {
    clearTimeout(timer);
    if (active && !stopped) timer = setTimeout(() => refresh().catch(showError), POLL_MS);
  }

  function showError(error) {
    if (!(error instanceof ApiError)) throw error;
    live.textContent = error.message;
    list.after(notice(error.message, "error"));
  }

  function makeCard(request) {
    const title = h("h2", { class: "sub", text: t("request_n", { id: request.id }) });
    const badge = h("span", { class: "badge" });
    const summary = h("p", { class: "meta" });
    const bar = h("progress", { max: "100", value: "0", id: `progress-${request.id}`, "aria-label": t("progress") });
    const barText = h("span", { class: "progress-text" });
    const warnings = h("ul", { class: "warnings" });
    const error = h("p", { class: "error-text" });
    const actions = h("div", { class: "actions" });
    const timeline = h("ol", { class: "timeline" });
    const details = h("details", {}, h("summary", { text: t("timeline") }), timeline);
    details.addEventListener("toggle", () => details.open && loadTimeline());
    const node = h(
      "li",
      { class: "card request", "data-id": request.id },
      h("div", { class: "head" }, title, badge),
      summary,
      h("div", { class: "progress" }, bar, barText),
      error,
      warnings,
      actions,
      details,
    );
    const card = { node, request };

    async function loadTimeline() {
      const { body } = await json(`/api/v1/requests/${request.id}/`);
      timeline.replaceChildren(
        ...body.timeline.map((e) =>
          h("li", { "data-kind": e.kind }, h("time", { datetime: e.at, text: dateTime(e.at) }), ` ${e.message}`)),
      );
    }

    async function act(path) {
      // Ask before cancelling: one click must not throw away a running request's work.
      if (path === "cancel" && !window.confirm(t("cancel_confirm", { id: request.id }))) return;
      // "Request #5 was accepted" is stale once the request is cancelled or retried.
      for (const old of document.querySelectorAll("#main [data-flash]")) old.remove();
      try {
        const { body } = await json(`/api/v1/requests/${request.id}/${path}/`, { method: "POST" });
        card.update(body);
        live.textContent = `${t("request_n", { id: request.id })}: ${t(`status_${body.status}`)}`;
        schedule(true);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        error.textContent = e.message;
      }
    }

    async function download(button) {
      button.disabled = true;
      button.textContent = t("downloading");
      try {
        const response = await call(card.request.file.url);
        if (!response.ok) {
          const body = await response.json().catch(() => ({}));
          throw new ApiError(response.status, body);
        }
        const blob = await response.blob();
        const url = URL.createObjectURL(blob);
        const a = h("a", { href: url, download: fileName(response.headers.get("Content-Disposition"), card.request.file.name) });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        error.textContent = e.message;
      } finally {
        button.disabled = false;
        button.textContent = t("download");
      }
    }

    let shownStatus = null;
    card.update = (r) => {
      card.request = r;
      const label = t(`status_${r.status}`) + (r.cancel_requested && r.status === "running" ? ` (${t("cancel_requested")})` : "");
      badge.textContent = label;
      badge.className = `badge ${r.status}`;
      const names = joinList(r.stations.map(stationName));
      const itemNames = joinList(r.items.map((i) => (lang() === "ja" ? i.label_ja : i.label_en)));
      const format = t(`format_short_${r.format === "csv" ? "csv" : "xlsx"}`);
      summary.textContent = `${period(r)} · ${format} · ${names} · ${itemNames} · ${t("created")} ${dateTime(r.created_at)}`;
      bar.value = r.progress.percent;
      const progressKey = r.granularity === "hourly" || r.granularity === "10min" ? "progress_text_days" : "progress_text";
      barText.textContent = t(progressKey, { done: r.progress.done, total: r.progress.total, percent: r.progress.percent });
      error.textContent = r.error ? `${t("error")}: ${r.error.message}` : "";
      warnings.replaceChildren(...(r.warnings || []).map((w) => h("li", { text: typeof w === "string" ? w : w.message || JSON.stringify(w) })));
      if (details.open) loadTimeline().catch(showError);
      const key = `${r.status}|${r.cancel_requested}|${r.file?.available}`;
      if (key === shownStatus) return;
      shownStatus = key;
      const buttons = [];
      if (r.status === "succeeded" && r.file?.available) {
        const button = h("button", { type: "button", class: "primary small", "data-action": "download", text: t("download") });
        button.addEventListener("click", () => download(button));
        buttons.push(button, h("span", { class: "meta", text: t("file_expires", { date: dateTime(r.file.expires_at) }) }));
      }
      if (ACTIVE.has(r.status) && !r.cancel_requested) {
        buttons.push(h("button", { type: "button", class: "small", "data-action": "cancel", text: t("cancel"), onclick: () => act("cancel") }));
      }
      if (["failed", "cancelled"].includes(r.status) || (r.status === "succeeded" && r.file && !r.file.available)) {
        buttons.push(h("button", { type: "button", class: "small", "data-action": "retry", text: t("retry"), onclick: () => act("retry") }));
      }
      actions.replaceChildren(...buttons);
      if (card.request !== request) live.textContent = `${t("request_n", { id: r.id })}: ${label}`;
    };
    return card;
  }

  await refresh();
}
