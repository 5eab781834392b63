// The live estimate: what the API's estimate endpoint says the draft needs. The counts (and
// the season rule behind them) are the server's only; without an answer there is no estimate.

import { ApiError, json } from "./api.js";
import { h } from "./dom.js";
import { duration, fileSize, number, t } from "./i18n.js";
import { chosenStations, isSubdaily, requestBody } from "./request-state.js";

// Where a field's label is not the field's own name in i18n.js.
const FIELD_LABELS = { stations: "chosen", prefectures: "prefectures", items: "items" };

/** The estimate box; `refresh()` asks again (a later answer replaces an earlier one). */
export function estimateBox() {
  const box = h("div", { class: "estimate", id: "estimate", "aria-live": "polite" });
  let seq = 0;
  async function refresh() {
    const body = requestBody();
    if ((!body.items.length && !isSubdaily()) || !chosenStations().length) {
      box.replaceChildren(h("p", { class: "help", text: t("estimate_pending") }));
      return;
    }
    const mine = ++seq;
    let lines;
    try {
      lines = estimateLines((await json("/api/v1/requests/estimate/", { method: "POST", body })).body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      lines = problemLines(error);
    }
    if (mine === seq) box.replaceChildren(...lines);
  }
  return { element: box, refresh };
}

function estimateLines(result) {
  const subdaily = result.rows_per_day > 1;
  const lines = [
    subdaily
      ? t("estimate_line_days", { pages: number(result.pages), rows: number(result.rows) })
      : t("estimate_line", { sm: number(result.station_months), rows: number(result.rows) }),
    t("estimate_file", { rows: number(result.file_rows), size: fileSize(result.file_bytes) }),
    t("estimate_cache", { cached: number(result.cached), fetch: number(result.to_fetch) }),
    t("estimate_time", { time: duration(result.expected_seconds), spp: result.seconds_per_page }),
    result.queue_ahead_pages ? t("estimate_queue", { pages: number(result.queue_ahead_pages) }) : null,
    t("estimate_limits", { msm: number(result.max_station_months), rows: number(result.max_rows) }),
  ];
  const shown = lines.filter(Boolean).map((line) => h("p", { text: line }));
  if (!result.within_limits) shown.push(h("p", { class: "warn", text: t("over_limit") }));
  return shown;
}

/** A refused draft: each field's messages once, after the field's label; else why not. */
function problemLines(error) {
  const fields = Object.entries(error.fields);
  if (error.status === 400 && fields.length) {
    return [
      h("p", { class: "help", text: t("estimate_fix_fields") }),
      ...fields.flatMap(([name, messages]) => {
        const label = name === "non_field_errors" ? null : t(FIELD_LABELS[name] || name);
        return [...new Set(messages)].map((message) =>
          h("p", { class: "field-problem", text: label ? `${label}: ${message}` : message }));
      }),
    ];
  }
  if (error.status === 400) return [h("p", { class: "help", text: error.message })];
  return [h("p", { class: "help", text: t("estimate_unavailable", { why: error.message }) })];
}
