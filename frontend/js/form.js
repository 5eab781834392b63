// The new-request form: period, optional season, stations (search, near, map, prefectures),
// grouped items with notes, output options, a live size estimate, and an idempotent submit.

import { ApiError, call, json } from "./api.js";
import { alertBox, clearErrors, field, h, showErrors } from "./dom.js";
import { duration, joinList, lang, number, stationName, t } from "./i18n.js";
import { createMap } from "./map.js";

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
const POLITE_SECONDS_PER_PAGE = 3; // JMA_MIN_INTERVAL_S's default, when the API cannot say
const EXCEL_DATA_ROWS = 1_048_575;

let options = null;
let byBlock = new Map(); // block_no -> station (with its prefecture code)
let supportsSeason = false;
const state = {
  start_year: "",
  start_month: "",
  end_year: "",
  end_month: "",
  season_start_month: "",
  season_end_month: "",
  stations: [], // block_no, in the order chosen
  prefectures: new Set(),
  items: new Set(),
  language: null,
  quality_columns: false,
  key: null, // Idempotency-Key of the current draft; a change makes a new one
  results: null, // the last search: {hits, near}
};

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function load() {
  if (options) return;
  options = (await json("/api/v1/options/")).body;
  byBlock = new Map();
  for (const pref of options.prefectures) {
    for (const station of pref.stations) byBlock.set(station.block_no, { ...station, prefecture: pref.code });
  }
  // The last complete month by default.
  const { year, month } = options.latest;
  const [y, m] = month === 1 ? [year - 1, 12] : [year, month - 1];
  Object.assign(state, { start_year: y, start_month: m, end_year: y, end_month: m });
  // Seasons are offered when this API's create body knows them.
  try {
    const schema = (await json("/api/schema/?format=json", { auth: false })).body;
    const props = schema.components?.schemas?.CreateRequestRequest?.properties || {};
    supportsSeason = "season_start_month" in props;
  } catch {
    supportsSeason = false;
  }
}

function prefectureName(code) {
  const pref = options.prefectures.find((p) => p.code === code);
  return pref ? (lang() === "ja" ? pref.name_ja : pref.name_en) : code;
}

/** Explicit stations, then the representatives of chosen prefectures (not already chosen). */
function chosenStations() {
  const list = state.stations.map((b) => ({ station: byBlock.get(b), representativeOf: null }));
  const seen = new Set(state.stations);
  for (const pref of options.prefectures) {
    if (!state.prefectures.has(pref.code)) continue;
    const station = byBlock.get(pref.representative_block_no);
    if (station && !seen.has(station.block_no)) {
      seen.add(station.block_no);
      list.push({ station, representativeOf: pref.code });
    }
  }
  return list.filter((entry) => entry.station);
}

/** Rain-only AMeDAS stations observe precipitation only (JMA); otherwise the page type says. */
function observes(station, item) {
  if (!item.available_on[station.page_type]) return false;
  return station.kind !== "雨" || item.code.startsWith("precip_");
}

function requestBody() {
  const body = {
    start_year: Number(state.start_year),
    start_month: Number(state.start_month),
    end_year: Number(state.end_year),
    end_month: Number(state.end_month),
    stations: [...state.stations],
    prefectures: [...state.prefectures],
    items: options.items.filter((i) => state.items.has(i.code)).map((i) => i.code),
    language: state.language || lang(),
    quality_columns: state.quality_columns,
  };
  if (supportsSeason && (state.season_start_month || state.season_end_month)) {
    body.season_start_month = state.season_start_month ? Number(state.season_start_month) : null;
    body.season_end_month = state.season_end_month ? Number(state.season_end_month) : null;
  }
  return body;
}

// --- The page --------------------------------------------------------------------------------

export async function newRequestPage(params, ctx) {
  ctx.page("new_title", h("p", { text: t("loading") }));
  await load();
  let changed = () => {};
  const onChange = () => {
    state.key = null;
    changed();
  };

  const select = (name, values, label, optionText = (v) => v) => {
    const control = h(
      "select",
      { onchange: (e) => ((state[name] = e.target.value), onChange()) },
      values.map((v) => h("option", { value: v, selected: String(state[name]) === String(v) }, optionText(v))),
    );
    return field(name, label, control);
  };
  const months = options.months;
  const years = options.years;
  const period = h(
    "fieldset",
    { class: "card" },
    h("legend", { text: t("period") }),
    h("div", { class: "row" },
      select("start_year", years, t("start_year")),
      select("start_month", months, t("start_month")),
      select("end_year", years, t("end_year")),
      select("end_month", months, t("end_month"))),
  );
  let season = null;
  if (supportsSeason) {
    const seasonSelect = (name, label) => {
      const control = h(
        "select",
        { onchange: (e) => ((state[name] = e.target.value), onChange()) },
        h("option", { value: "", text: t("season_none") }),
        months.map((v) => h("option", { value: v, selected: String(state[name]) === String(v) }, v)),
      );
      return field(name, label, control);
    };
    season = h(
      "fieldset",
      { class: "card" },
      h("legend", { text: t("season") }),
      h("p", { class: "help", text: t("season_help") }),
      h("div", { class: "row" },
        seasonSelect("season_start_month", t("season_start_month")),
        seasonSelect("season_end_month", t("season_end_month"))),
    );
  }

  // Stations: search, near, chosen list, map, prefectures.
  const results = h("ul", { class: "results", "aria-label": t("results") });
  const resultsStatus = h("p", { class: "help", role: "status" });
  const chosenList = h("ul", { class: "chosen", id: "chosen-stations" });
  const map = createMap([...byBlock.values()], {
    label: t("map_label"),
    onPick: (station) => toggleStation(station.block_no),
  });
  const searchInput = h("input", {
    type: "search",
    autocomplete: "off",
    placeholder: "東京 / とうきょう / 47662",
    value: params.get("q") || "",
  });
  const prefFilter = h(
    "select",
    {},
    h("option", { value: "", text: t("all_prefectures") }),
    options.prefectures.map((p) => h("option", { value: p.code }, `${p.code} ${lang() === "ja" ? p.name_ja : p.name_en}`)),
  );
  const nearInput = h("input", { type: "text", inputmode: "decimal", placeholder: t("near_placeholder") });

  let searchSeq = 0;
  async function search(query) {
    const seq = ++searchSeq;
    const qs = new URLSearchParams({ limit: "20", ...query });
    try {
      const { body } = await json(`/api/v1/stations/?${qs}`);
      if (seq !== searchSeq) return;
      state.results = { hits: body.results, near: Boolean(query.near) };
      drawResults();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      resultsStatus.textContent = [error.message, ...Object.values(error.fields).flat()].join(" ");
    }
  }
  let searchTimer = null;
  const searchSoon = () => {
    clearTimeout(searchTimer);
    const q = searchInput.value.trim();
    if (!q && !prefFilter.value) {
      state.results = null;
      drawResults();
      return;
    }
    searchTimer = setTimeout(() => search({ q, prefecture: prefFilter.value }), 250);
  };
  searchInput.addEventListener("input", searchSoon);
  prefFilter.addEventListener("change", searchSoon);

  function drawResults() {
    const hits = state.results?.hits;
    resultsStatus.textContent = hits ? (hits.length ? `${t("results")}: ${hits.length}` : t("no_results")) : "";
    results.replaceChildren(
      ...(hits || []).map((hit) => {
        const chosen = state.stations.includes(hit.block_no);
        const prefecture = lang() === "en" ? hit.prefecture_name_en || hit.prefecture_name : hit.prefecture_name;
        const where = [hit.block_no, prefecture, t(`kind_${hit.kind}`)];
        if (hit.distance_km !== null) where.push(t("km", { d: hit.distance_km }));
        return h("li", {},
          h("span", { class: "name" }, `${stationName(hit)} `, h("span", { class: "kana", text: hit.kana })),
          h("span", { class: "meta", text: where.join(" · ") }),
          h("button", {
            type: "button",
            class: "small",
            "data-add": hit.block_no,
            disabled: chosen,
            "aria-label": `${stationName(hit)} (${hit.block_no}): ${t(chosen ? "added" : "add")}`,
            text: t(chosen ? "added" : "add"),
            onclick: () => {
              // The options may predate this station (cached while master data changed): the
              // hit itself says all the chosen list needs, so a station added is always shown.
              if (!byBlock.has(hit.block_no)) byBlock.set(hit.block_no, { ...hit });
              toggleStation(hit.block_no);
            },
          }));
      }),
    );
  }

  function toggleStation(block) {
    const at = state.stations.indexOf(block);
    if (at >= 0) state.stations.splice(at, 1);
    else state.stations.push(block);
    onChange();
  }

  const nearError = h("p", { class: "field-error", id: "err-near", "aria-live": "polite" });
  const nearMe = h("button", {
    type: "button",
    text: t("near_me"),
    onclick: () => {
      nearError.textContent = "";
      if (!navigator.geolocation) {
        nearError.textContent = t("geolocation_failed");
        return;
      }
      navigator.geolocation.getCurrentPosition(
        (pos) => search({ near: `${pos.coords.latitude.toFixed(4)},${pos.coords.longitude.toFixed(4)}`, limit: "10" }),
        () => (nearError.textContent = t("geolocation_failed")),
        { timeout: 10_000 },
      );
    },
  });
  const nearPlace = h("button", {
    type: "button",
    text: t("near_button"),
    onclick: () => {
      nearError.textContent = "";
      const match = /^\s*(-?\d+(?:\.\d+)?)\s*[,、 ]\s*(-?\d+(?:\.\d+)?)\s*$/.exec(nearInput.value);
      if (!match) {
        nearError.textContent = t("near_bad");
        nearInput.focus();
        return;
      }
      search({ near: `${match[1]},${match[2]}`, limit: "10" });
    },
  });
  nearInput.id = "f-near";
  nearInput.setAttribute("aria-describedby", "err-near");

  const prefBoxes = h(
    "div",
    { class: "checks prefs" },
    options.prefectures.map((p) =>
      h("label", { class: "check" },
        h("input", {
          type: "checkbox",
          value: p.code,
          checked: state.prefectures.has(p.code),
          disabled: !p.representative_block_no,
          onchange: (e) => {
            if (e.target.checked) state.prefectures.add(p.code);
            else state.prefectures.delete(p.code);
            onChange();
          },
        }),
        ` ${lang() === "ja" ? p.name_ja : p.name_en}`)),
  );

  const searchField = field("q", t("search"), searchInput, t("search_help"));
  searchInput.setAttribute("aria-describedby", "help-q err-stations");
  const stations = h(
    "fieldset",
    { class: "card" },
    h("legend", { text: t("places") }),
    h("div", { class: "row" }, searchField, field("search_prefecture", t("search_prefecture"), prefFilter)),
    h("div", { class: "row near" },
      nearMe,
      h("div", { class: "field" }, h("label", { for: "f-near", text: t("near_place") }), h("div", { class: "inline" }, nearInput, nearPlace)),
    ),
    nearError,
    resultsStatus,
    results,
    h("h2", { class: "sub", text: t("chosen") }),
    chosenList,
    h("p", { class: "field-error", id: "err-stations", "aria-live": "polite" }),
    h("figure", { class: "map" }, map.svg, h("figcaption", { class: "help", text: t("map_help") })),
    h("details", { class: "prefs" },
      h("summary", { text: t("prefectures") }),
      h("p", { class: "help", text: t("prefectures_help") }),
      prefBoxes,
      h("p", { class: "field-error", id: "err-prefectures", "aria-live": "polite" })),
  );
  // Messages about stations are read with the search box; prefectures' with their boxes.
  prefBoxes.querySelector("input")?.setAttribute("aria-describedby", "err-prefectures");

  // Items, grouped, each with a note where a chosen station does not observe it.
  const groups = new Map(GROUPS.map(([name]) => [name, []]));
  for (const item of options.items) groups.get(GROUPS.find(([, test]) => test(item.code))[0]).push(item);
  const notes = new Map();
  const items = h(
    "fieldset",
    { class: "card", id: "f-items", tabindex: "-1", "aria-describedby": "err-items" },
    h("legend", { text: t("items") }),
    h("div", { class: "groups" },
      [...groups].filter(([, list]) => list.length).map(([name, list]) =>
        h("fieldset", { class: "group" },
          h("legend", { text: t(`group_${name}`) }),
          list.map((item) => {
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
          })))),
    h("p", { class: "field-error", id: "err-items", "aria-live": "polite" }),
  );

  const languageSelect = h(
    "select",
    { onchange: (e) => ((state.language = e.target.value), onChange()) },
    options.languages.map((code) => h("option", { value: code, selected: (state.language || lang()) === code }, code === "ja" ? "日本語" : "English")),
  );
  const quality = h("input", {
    type: "checkbox",
    id: "f-quality_columns",
    checked: state.quality_columns,
    "aria-describedby": "err-quality_columns",
    onchange: (e) => ((state.quality_columns = e.target.checked), onChange()),
  });
  const output = h(
    "fieldset",
    { class: "card" },
    h("legend", { text: t("output") }),
    h("div", { class: "row" },
      field("language", t("language"), languageSelect),
      h("div", { class: "field" },
        h("label", { class: "check", for: "f-quality_columns" }, quality, ` ${t("quality_columns")}`),
        h("p", { class: "field-error", id: "err-quality_columns" }))),
  );

  const estimateBox = h("div", { class: "estimate", id: "estimate", "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary", id: "submit", text: t("submit") });
  const form = h(
    "form",
    { novalidate: true, id: "request-form" },
    alertBox(),
    period,
    season,
    stations,
    items,
    output,
    h("section", { class: "card", "aria-labelledby": "estimate-title" },
      h("h2", { id: "estimate-title", class: "sub", text: t("estimate") }),
      estimateBox),
    h("div", { class: "actions" }, submit),
  );

  let sending = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (sending) return; // a double click sends once; the key covers a lost answer too
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
  });

  // Everything that depends on the selection, redrawn on each change.
  let estimateTimer = null;
  changed = () => {
    const chosen = chosenStations();
    chosenList.replaceChildren(
      ...(chosen.length
        ? chosen.map(({ station, representativeOf }) =>
            h("li", { "data-station": station.block_no },
              h("span", { class: "name", text: stationName(station) }),
              h("span", { class: "meta", text: [station.block_no, t(`kind_${station.kind}`), representativeOf ? t("via_prefecture", { pref: prefectureName(representativeOf) }) : null].filter(Boolean).join(" · ") }),
              representativeOf
                ? null
                : h("button", {
                    type: "button",
                    class: "small",
                    "aria-label": `${stationName(station)} (${station.block_no}): ${t("remove")}`,
                    text: t("remove"),
                    onclick: () => toggleStation(station.block_no),
                  })))
        : [h("li", { class: "empty", text: t("chosen_none") })]),
    );
    map.update(chosen);
    drawResults();
    for (const item of options.items) {
      const missing = chosen.filter(({ station }) => !observes(station, item)).map(({ station }) => stationName(station));
      notes.get(item.code).textContent = missing.length ? t("not_observed_at", { names: joinList(missing) }) : "";
    }
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(() => estimate(estimateBox), 300);
  };
  changed();
  ctx.page("new_title", form);
  if (searchInput.value) searchSoon();
}

// --- The size estimate -----------------------------------------------------------------------

let estimateSeq = 0;

function monthsOf(body) {
  const list = [];
  let [y, m] = [body.start_year, body.start_month];
  while (y < body.end_year || (y === body.end_year && m <= body.end_month)) {
    list.push([y, m]);
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
  const [s, e] = [body.season_start_month, body.season_end_month];
  if (!s || !e) return list;
  return list.filter(([, month]) => (s <= e ? month >= s && month <= e : month >= s || month <= e));
}

/** What the form can tell without the estimate endpoint: sizes, and time at the polite rate. */
function localEstimate(body) {
  const stations = chosenStations().length;
  const months = monthsOf(body);
  const days = months.reduce((sum, [y, m]) => sum + new Date(y, m, 0).getDate(), 0);
  const stationMonths = stations * months.length;
  return {
    station_months: stationMonths,
    rows: stations * days,
    to_fetch: stationMonths,
    seconds_per_page: POLITE_SECONDS_PER_PAGE,
    expected_seconds: stationMonths * POLITE_SECONDS_PER_PAGE,
    max_station_months: options.max_station_months ?? null,
    max_rows: EXCEL_DATA_ROWS,
    local: true,
  };
}

async function estimate(box) {
  const body = requestBody();
  if (!body.items.length || !chosenStations().length) {
    box.replaceChildren(h("p", { class: "help", text: t("estimate_pending") }));
    return;
  }
  const seq = ++estimateSeq;
  let result = null;
  let problem = null;
  try {
    const response = await call("/api/v1/requests/estimate/", { method: "POST", body });
    // 404/405: an API without the estimate endpoint; the form computes what it can.
    if (response.status === 404 || response.status === 405) result = localEstimate(body);
    else if (response.ok) result = await response.json();
    else {
      const error = await response.json().catch(() => ({}));
      const lines = [error.message, ...Object.values(error.fields || {}).flat()];
      problem = lines.filter(Boolean).join(" ") || `HTTP ${response.status}`;
    }
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    result = localEstimate(body);
  }
  if (seq !== estimateSeq) return;
  if (problem) {
    box.replaceChildren(h("p", { class: "help", text: problem }));
    return;
  }
  const within =
    result.within_limits ??
    (result.rows <= result.max_rows && (!result.max_station_months || result.station_months <= result.max_station_months));
  const lines = [
    t("estimate_line", { sm: number(result.station_months), rows: number(result.rows) }),
    result.cached !== undefined ? t("estimate_cache", { cached: number(result.cached), fetch: number(result.to_fetch) }) : null,
    t("estimate_time", { time: duration(result.expected_seconds), spp: result.seconds_per_page }),
    result.queue_ahead_pages ? t("estimate_queue", { pages: number(result.queue_ahead_pages) }) : null,
    result.max_station_months
      ? t("estimate_limits", { msm: number(result.max_station_months), rows: number(result.max_rows) })
      : t("estimate_rows_limit", { rows: number(result.max_rows) }),
    result.local ? t("estimate_local") : null,
  ];
  box.replaceChildren(...lines.filter(Boolean).map((line) => h("p", { text: line })));
  if (!within) box.append(h("p", { class: "warn", text: t("over_limit") }));
}
