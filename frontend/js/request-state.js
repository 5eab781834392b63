// The new-request form's state: the options the API offers, the draft, and the body it makes.

import { json } from "./api.js";
import { lang } from "./i18n.js";

export let options = null;
let byBlock = new Map(); // block_no -> station (with its prefecture code)

export const state = {
  start_year: "",
  start_month: "",
  end_year: "",
  end_month: "",
  season_start_month: "",
  season_end_month: "",
  // daily | hourly | 10min | annual (JMA's annual values for the years start_year..end_year)
  granularity: "daily",
  start_day: "", // hourly and 10min: "" is the month's first / last day
  end_day: "",
  stations: [], // block_no, in the order chosen
  prefectures: new Set(),
  items: new Set(),
  language: null,
  quality_columns: false,
  format: "xlsx", // "xlsx" (the workbook) or "csv" (a ZIP of CSVs for R and Python)
  key: null, // Idempotency-Key of the current draft; a change makes a new one
  results: null, // the last search: {hits, near}
};

/** The options (once per page load) and the default period: the last complete month.
 * `pending` is the options call app.js started before this module arrived. */
export async function loadOptions(pending = null) {
  if (options) return;
  const answer = (await (pending ?? json("/api/v1/options/", { auth: false }))).body;
  if (options) return;
  options = answer;
  byBlock = new Map();
  for (const pref of options.prefectures) {
    for (const station of pref.stations) byBlock.set(station.block_no, { ...station, prefecture: pref.code });
  }
  const { year, month } = options.latest;
  const [y, m] = month === 1 ? [year - 1, 12] : [year, month - 1];
  Object.assign(state, { start_year: y, start_month: m, end_year: y, end_month: m });
}

export const allStations = () => [...byBlock.values()];

/** A station the options may not list (cached while master data changed): the hit says enough. */
export function rememberStation(hit) {
  if (!byBlock.has(hit.block_no)) byBlock.set(hit.block_no, { ...hit });
}

export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export function prefectureName(code) {
  const pref = options.prefectures.find((p) => p.code === code);
  return pref ? (lang() === "ja" ? pref.name_ja : pref.name_en) : code;
}

/** Explicit stations, then the representatives of chosen prefectures (not already chosen). */
export function chosenStations() {
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
export function observes(station, item) {
  if (!item.available_on[station.page_type]) return false;
  return station.kind !== "雨" || item.code.startsWith("precip_");
}

export const SUBDAILY = ["hourly", "10min"];
export const isSubdaily = (granularity = state.granularity) => SUBDAILY.includes(granularity);

/** The body of POST requests/ (and of the estimate): the API's own field names.
 * `granularity` asks the body of another time scale (the cost shown beside each choice). */
export function requestBody(granularity = state.granularity) {
  const body = {
    start_year: Number(state.start_year),
    start_month: Number(state.start_month),
    end_year: Number(state.end_year),
    end_month: Number(state.end_month),
    stations: [...state.stations],
    prefectures: [...state.prefectures],
    items: [...state.items], // in the order ticked (a Set keeps insertion order)
    language: state.language || lang(),
    quality_columns: state.quality_columns,
    format: state.format,
  };
  if (granularity && granularity !== "daily") body.granularity = granularity;
  if (isSubdaily(granularity)) {
    if (state.start_day) body.start_day = Number(state.start_day);
    if (state.end_day) body.end_day = Number(state.end_day);
  }
  if (state.season_start_month || state.season_end_month) {
    body.season_start_month = state.season_start_month ? Number(state.season_start_month) : null;
    body.season_end_month = state.season_end_month ? Number(state.season_end_month) : null;
  }
  return body;
}
