// The new-request page: period, optional season, stations, items, output options, the live
// estimate, and an idempotent submit. The time scale, the items and the estimate are here too
// (issue 22: one request, not four, on the form's first paint); the state is request-state.js's,
// the stations card stations-picker.js's.

import { ApiError, json } from "./api.js";
import { alertBox, clearErrors, field, h, showErrors } from "./dom.js";
import { duration, fileSize, joinList, lang, number, stationName, t } from "./i18n.js";
import { chosenStations, isSubdaily, loadOptions, newKey, observes, options, requestBody, state } from "./request-state.js";
import { stationsPicker } from "./stations-picker.js";

export async function newRequestPage(params, ctx) {
  ctx.page("new_title", h("p", { text: t("loading") }));
  await loadOptions();
  let estimateTimer = null;
  const onChange = () => {
    state.key = null; // a changed draft is a new request
    redraw();
  };
  const stations = stationsPicker(params, onChange);
  const items = itemsPicker(onChange);
  const estimate = estimateBox();
  const scale = granularityCard(onChange);
  const submit = h("button", { type: "submit", class: "primary", id: "submit", text: t("submit") });
  const form = h(
    "form",
    { novalidate: true, id: "request-form" },
    alertBox(),
    scale.element,
    periodCard(onChange),
    seasonCard(onChange),
    stations.element,
    items.element,
    outputCard(onChange),
    h("section", { class: "card", "aria-labelledby": "estimate-title" },
      h("h2", { id: "estimate-title", class: "sub", text: t("estimate") }),
      estimate.element),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", submitHandler(form, submit, ctx));

  // Everything that depends on the selection, redrawn on each change.
  function redraw() {
    const chosen = chosenStations();
    stations.redraw(chosen);
    items.redraw(chosen);
    scale.redraw();
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(() => (estimate.refresh(), scale.refresh()), 300);
  }
  redraw();
  ctx.page("new_title", form);
  stations.searchIfAsked();
}

function select(name, label, values, onChange, { none = null } = {}) {
  const control = h(
    "select",
    { onchange: (e) => ((state[name] = e.target.value), onChange()) },
    none ? h("option", { value: "", text: none }) : null,
    // new Option(): ~450 of them (155 years twice) before the form's first paint (issue 22).
    values.map((v) => {
      const chosen = String(state[name]) === String(v);
      return new Option(String(v), String(v), chosen, chosen);
    }),
  );
  return field(name, label, control);
}

const DAYS = Array.from({ length: 31 }, (_, i) => i + 1);

function periodCard(onChange) {
  const { months, years } = options;
  return h(
    "fieldset",
    { class: "card" },
    h("legend", { text: t("period") }),
    h("div", { class: "row" },
      select("start_year", t("start_year"), years, onChange),
      select("start_month", t("start_month"), months, onChange),
      select("end_year", t("end_year"), years, onChange),
      select("end_month", t("end_month"), months, onChange)),
    // Sub-daily periods are given by day (a storm is two days, not two months).
    h("div", { class: "row days", id: "day-pickers", hidden: !isSubdaily() },
      select("start_day", t("start_day"), DAYS, onChange, { none: t("day_first") }),
      select("end_day", t("end_day"), DAYS, onChange, { none: t("day_last") })),
  );
}

function seasonCard(onChange) {
  const none = t("season_none");
  return h(
    "fieldset",
    { class: "card" },
    h("legend", { text: t("season") }),
    h("p", { class: "help", text: t("season_help") }),
    h("div", { class: "row" },
      select("season_start_month", t("season_start_month"), options.months, onChange, { none }),
      select("season_end_month", t("season_end_month"), options.months, onChange, { none })),
  );
}

function outputCard(onChange) {
  const languageSelect = h(
    "select",
    { onchange: (e) => ((state.language = e.target.value), onChange()) },
    options.languages.map((code) =>
      h("option", { value: code, selected: (state.language || lang()) === code }, code === "ja" ? "日本語" : "English")),
  );
  const quality = h("input", {
    type: "checkbox",
    id: "f-quality_columns",
    checked: state.quality_columns,
    "aria-describedby": "err-quality_columns",
    onchange: (e) => ((state.quality_columns = e.target.checked), onChange()),
  });
  const formatSelect = h(
    "select",
    { onchange: (e) => ((state.format = e.target.value), onChange()) },
    ["xlsx", "csv"].map((code) =>
      h("option", { value: code, selected: state.format === code }, t(`format_${code}`))),
  );
  return h(
    "fieldset",
    { class: "card" },
    h("legend", { text: t("output") }),
    h("div", { class: "row" },
      field("format", t("format"), formatSelect),
      field("language", t("language"), languageSelect),
      h("div", { class: "field" },
        h("label", { class: "check", for: "f-quality_columns" }, quality, ` ${t("quality_columns")}`),
        h("p", { class: "field-error", id: "err-quality_columns" }))),
  );
}

/** Sends once per click (the key covers a lost answer too), then shows the list or the errors. */
function submitHandler(form, submit, ctx) {
  let sending = false;
  return async (event) => {
    event.preventDefault();
    if (sending) return;
    sending = true;
    submit.disabled = true;
    submit.textContent = t("submitting");
    clearErrors(form);
    state.key ||= newKey();
    try {
      const { status, body } = await json("/api/v1/requests/", {
        method: "POST",
        body: requestBody(),
        headers: { "Idempotency-Key": state.key },
      });
      const text = t(status === 200 ? "replayed" : "submitted", { id: body.id });
      ctx.go("#/requests", { text, kind: "ok" });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      showErrors(form, error, t("form_has_errors"), { idempotency_key: "non_field_errors" });
    } finally {
      sending = false;
      submit.disabled = false;
      submit.textContent = t("submit");
    }
  };
}

// --- The time scale ----------------------------------------------------------------------
// The time scale of a request: daily values, JMA's hourly or 10-minute pages (one page per
// station-day), or its annual values (one page per station). Under the choice, each scale's
// cost as the estimate endpoint gives it for the draft: pages, rows and the time at the
// politeness budget; the counts are the server's only.


const CHOICES = ["daily", "hourly", "10min", "annual"];

function granularityCard(onChange) {
  const costs = new Map();
  let seq = 0;
  const control = h(
    "select",
    {
      onchange: (e) => {
        state.granularity = e.target.value;
        if (!isSubdaily()) state.start_day = state.end_day = "";
        onChange();
      },
    },
    CHOICES.map((value) =>
      h("option", { value, selected: state.granularity === value, text: t(`granularity_${value}`) })),
  );
  const lines = CHOICES.map((value) => {
    const cost = h("span", { class: "cost", id: `cost-${value}` });
    costs.set(value, cost);
    return h("li", { "data-granularity": value }, `${t(`granularity_${value}_short`)} `, cost);
  });
  const element = h(
    "fieldset",
    { class: "card", id: "granularity-card" },
    h("legend", { text: t("granularity") }),
    h("p", { class: "help", text: t("granularity_help") }),
    h("div", { class: "row" }, field("granularity", t("granularity"), control)),
    h("ul", { class: "costs help" }, lines),
  );

  /** Show the day pickers for hourly and 10-minute requests only. */
  function redraw() {
    const days = document.getElementById("day-pickers");
    if (days) days.hidden = !isSubdaily();
  }

  /** Ask the estimate of the draft at each time scale; a later answer replaces an earlier. */
  async function refresh() {
    const mine = ++seq;
    if (!chosenStations().length) {
      for (const cost of costs.values()) cost.textContent = "";
      return;
    }
    await Promise.all(
      CHOICES.map(async (value) => {
        const body = requestBody(value);
        let text = "";
        if (body.items.length || isSubdaily(value)) {
          try {
            const { body: result } = await json("/api/v1/requests/estimate/", { method: "POST", body });
            text = t("cost", {
              pages: number(result.pages),
              rows: number(result.rows),
              time: duration(result.expected_seconds),
            });
            if (!result.within_limits) text += ` ${t("cost_over")}`;
          } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            text = "";
          }
        }
        if (mine === seq) costs.get(value).textContent = text ? `(${text})` : "";
      }),
    );
  }
  return { element, redraw, refresh };
}

// --- The items ---------------------------------------------------------------------------
// Choosing weather items, grouped, each with a note where a chosen station does not observe it.


const GROUPS = [
  ["temp", (c) => c.startsWith("temp_")],
  ["precip", (c) => c.startsWith("precip_")],
  ["wind", (c) => c.startsWith("wind_") || c.startsWith("gust_")],
  ["sunshine", (c) => c.startsWith("sunshine")],
  ["snow", (c) => c.startsWith("snow")],
  ["pressure", (c) => c.startsWith("pressure")],
  ["humidity", (c) => c.includes("humidity")],
  ["weather", () => true], // 天気概況 and anything new
];

/** The items card; `redraw(chosen)` updates the notes for the chosen stations. */
function itemsPicker(onChange) {
  const groups = new Map(GROUPS.map(([name]) => [name, []]));
  for (const item of options.items) groups.get(GROUPS.find(([, test]) => test(item.code))[0]).push(item);
  const notes = new Map();
  const checkbox = (item) => {
    const note = h("span", { class: "note", id: `note-${item.code}` });
    notes.set(item.code, note);
    return h("div", { class: "item" },
      h("label", { class: "check" },
        h("input", {
          type: "checkbox",
          value: item.code,
          "data-item": item.code,
          "aria-describedby": `note-${item.code}`,
          checked: state.items.has(item.code),
          onchange: (e) => {
            if (e.target.checked) state.items.add(item.code);
            else state.items.delete(item.code);
            onChange();
          },
        }),
        ` ${lang() === "ja" ? item.label_ja : item.label_en}`,
        item.unit ? h("span", { class: "unit", text: ` (${item.unit})` }) : null),
      note);
  };
  const element = h(
    "fieldset",
    { class: "card", id: "f-items", tabindex: "-1", "aria-describedby": "err-items" },
    h("legend", { text: t("items") }),
    h("div", { class: "groups" },
      [...groups].filter(([, list]) => list.length).map(([name, list]) =>
        h("fieldset", { class: "group" }, h("legend", { text: t(`group_${name}`) }), list.map(checkbox)))),
    h("p", { class: "field-error", id: "err-items", "aria-live": "polite" }),
  );

  function redraw(chosen) {
    for (const item of options.items) {
      const missing = chosen.filter(({ station }) => !observes(station, item)).map(({ station }) => stationName(station));
      notes.get(item.code).textContent = missing.length ? t("not_observed_at", { names: joinList(missing) }) : "";
    }
  }
  return { element, redraw };
}

// --- The estimate ------------------------------------------------------------------------
// The live estimate: what the API's estimate endpoint says the draft needs. The counts (and
// the season rule behind them) are the server's only; without an answer there is no estimate.


// Where a field's label is not the field's own name in i18n.js.
const FIELD_LABELS = { stations: "chosen", prefectures: "prefectures", items: "items" };

/** The estimate box; `refresh()` asks again (a later answer replaces an earlier one). */
function estimateBox() {
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
