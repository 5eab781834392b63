// Choosing stations: search by name or number, near a place or here, the map, prefectures,
// and the chosen list with each station's records. One module with its map and records panel
// (issue 22: one request, not three, on the form's first paint).

import { ApiError, json } from "./api.js";
import { field, h } from "./dom.js";
import { lang, stationName, t } from "./i18n.js";
import { allStations, options, prefectureName, rememberStation, state } from "./request-state.js";

const NEAR = /^\s*(-?\d+(?:\.\d+)?)\s*[,、 ]\s*(-?\d+(?:\.\d+)?)\s*$/;

/** The stations card; `redraw(chosen)` shows a new selection, `onChange` reports one. */
export function stationsPicker(params, onChange) {
  const results = h("ul", { class: "results", "aria-label": t("results") });
  const resultsStatus = h("p", { class: "help", role: "status" });
  const chosenList = h("ul", { class: "chosen", id: "chosen-stations" });
  const toggleStation = (block) => {
    const at = state.stations.indexOf(block);
    if (at >= 0) state.stations.splice(at, 1);
    else state.stations.push(block);
    onChange();
  };
  const map = createMap(allStations(), {
    label: t("map_label"),
    onPick: (station) => toggleStation(station.block_no),
  });
  const search = searchControls(params, resultsStatus, () => drawResults());
  const near = nearControls(search.search);

  function drawResults() {
    const hits = state.results?.hits;
    resultsStatus.textContent = hits ? (hits.length ? `${t("results")}: ${hits.length}` : t("no_results")) : "";
    results.replaceChildren(...(hits || []).map((hit) => resultItem(hit, toggleStation)));
  }

  // A prefecture's representative goes with its prefecture: removing it unticks the box.
  const removePrefecture = (code) => {
    state.prefectures.delete(code);
    const box = prefBoxes.querySelector(`input[value="${code}"]`);
    if (box) box.checked = false;
    onChange();
  };

  function redraw(chosen) {
    chosenList.replaceChildren(
      ...(chosen.length
        ? chosen.map((entry) => chosenItem(entry, toggleStation, removePrefecture))
        : [h("li", { class: "empty", text: t("chosen_none") })]),
    );
    map.update(chosen);
    drawResults();
  }

  const prefBoxes = prefectureBoxes(onChange);
  const element = h(
    "fieldset",
    { class: "card" },
    h("legend", { text: t("places") }),
    h("div", { class: "row" }, search.searchField, field("search_prefecture", t("search_prefecture"), search.prefFilter)),
    near.nearRow,
    near.nearError,
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
  return { element, redraw, searchIfAsked: search.searchIfAsked };
}

/** The search box and the prefecture filter; `search(query)` fills state.results. */
function searchControls(params, resultsStatus, drawResults) {
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
  const searchField = field("q", t("search"), searchInput, t("search_help"));
  searchInput.setAttribute("aria-describedby", "help-q err-stations");
  const searchIfAsked = () => {
    if (searchInput.value) searchSoon();
  };
  return { searchField, prefFilter, search, searchIfAsked };
}

/** Stations near here (the browser's position) or near a typed "lat,lon". */
function nearControls(search) {
  const nearInput = h("input", { type: "text", inputmode: "decimal", placeholder: t("near_placeholder"), id: "f-near" });
  const nearError = h("p", { class: "field-error", id: "err-near", "aria-live": "polite" });
  nearInput.setAttribute("aria-describedby", "err-near");
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
      const match = NEAR.exec(nearInput.value);
      if (!match) {
        nearError.textContent = t("near_bad");
        nearInput.focus();
        return;
      }
      search({ near: `${match[1]},${match[2]}`, limit: "10" });
    },
  });
  const nearRow = h("div", { class: "row near" },
    nearMe,
    h("div", { class: "field" }, h("label", { for: "f-near", text: t("near_place") }), h("div", { class: "inline" }, nearInput, nearPlace)),
  );
  return { nearRow, nearError };
}

function resultItem(hit, toggleStation) {
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
        rememberStation(hit);
        toggleStation(hit.block_no);
      },
    }));
}

function chosenItem({ station, representativeOf }, toggleStation, removePrefecture) {
  const meta = [
    station.block_no,
    t(`kind_${station.kind}`),
    representativeOf ? t("via_prefecture", { pref: prefectureName(representativeOf) }) : null,
  ];
  return h("li", { "data-station": station.block_no },
    h("span", { class: "name", text: stationName(station) }),
    h("span", { class: "meta", text: meta.filter(Boolean).join(" · ") }),
    h("button", {
      type: "button",
      class: "small",
      "aria-label": `${stationName(station)} (${station.block_no}): ${t("remove")}`,
      text: t("remove"),
      onclick: () => (representativeOf ? removePrefecture(representativeOf) : toggleStation(station.block_no)),
    }),
    recordsPanel(station.block_no));
}

function prefectureBoxes(onChange) {
  return h(
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
}

// --- The map -----------------------------------------------------------------------------
// A map of Japan drawn from the stations' own coordinates (no tiles): every station a grey
// dot, chosen ones red. A click adds or removes the station nearest to it.

const SVG = "http://www.w3.org/2000/svg";
const SCALE = 20; // SVG units per degree of latitude
const PAD = 8;

function el(name, attrs = {}) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  return node;
}

function createMap(stations, { label, onPick }) {
  // The bounds in one pass (no arrays of 1,300 values spread into Math.max): this runs
  // between the options' arrival and the form's first paint (issue 22).
  let north = -Infinity;
  let south = Infinity;
  let west = Infinity;
  let east = -Infinity;
  for (const { latitude, longitude } of stations) {
    if (latitude > north) north = latitude;
    if (latitude < south) south = latitude;
    if (longitude < west) west = longitude;
    if (longitude > east) east = longitude;
  }
  const cos = Math.cos(((north + south) / 2) * (Math.PI / 180));
  const project = (lat, lon) => [
    PAD + (lon - west) * cos * SCALE,
    PAD + (north - lat) * SCALE,
  ];
  const width = 2 * PAD + (east - west) * cos * SCALE;
  const height = 2 * PAD + (north - south) * SCALE;

  const svg = el("svg", {
    viewBox: `0 0 ${width.toFixed(1)} ${height.toFixed(1)}`,
    role: "img",
    "aria-label": label,
    class: "station-map",
  });
  const title = el("title");
  title.textContent = label;
  svg.append(title, el("rect", { x: 0, y: 0, width, height, class: "sea" }));
  const all = el("g", { class: "all" });
  // Each station's place on the map, worked out when first needed (the dots or a click), not
  // before the form's first paint.
  let placed = null;
  const points = () =>
    (placed ||= stations.map((station) => {
      const [x, y] = project(station.latitude, station.longitude);
      return { station, x, y };
    }));
  // The ~1,300 grey dots are drawn once the form has painted (issue 22): building and laying
  // them out was a third of the form's first paint, and the form works without them.
  const drawDots = () =>
    all.append(
      ...points().map(({ station, x, y }) =>
        el("circle", { cx: x.toFixed(2), cy: y.toFixed(2), r: 1.6, "data-block": station.block_no }),
      ),
    );
  if (window.requestIdleCallback) window.requestIdleCallback(drawDots, { timeout: 300 });
  else setTimeout(drawDots, 0);
  const chosen = el("g", { class: "chosen" });
  svg.append(all, chosen);

  svg.addEventListener("click", (event) => {
    // A dot hit exactly is that station; elsewhere the nearest one within reach.
    const hit = event.target.closest?.("circle");
    const block = hit?.getAttribute("data-block") || hit?.getAttribute("data-chosen");
    const station = block && stations.find((s) => s.block_no === block);
    if (station) {
      onPick(station);
      return;
    }
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const at = point.matrixTransform(svg.getScreenCTM().inverse());
    let best = null;
    let bestDistance = Infinity;
    for (const p of points()) {
      const d = (p.x - at.x) ** 2 + (p.y - at.y) ** 2;
      if (d < bestDistance) {
        best = p;
        bestDistance = d;
      }
    }
    if (best && bestDistance < 15 ** 2) onPick(best.station);
  });

  function update(selected) {
    chosen.replaceChildren();
    for (const { station, representativeOf } of selected) {
      const [x, y] = project(station.latitude, station.longitude);
      const dot = el("circle", {
        cx: x.toFixed(2),
        cy: y.toFixed(2),
        r: 5,
        class: representativeOf ? "rep" : "",
        "data-chosen": station.block_no,
      });
      const name = el("title");
      name.textContent = `${station.name} (${station.block_no})`;
      dot.append(name);
      chosen.append(dot);
    }
  }

  return { svg, update };
}

// --- A station's records -----------------------------------------------------------------
// A station's records (JMA's 観測史上1〜10位の値) in the chosen station's details: read from the
// API's cache only. While the daemon fetches them (202 queued) the panel says so and asks again.


const RETRY_MS = 5000;
const MAX_TRIES = 12;

/** A <details> that loads the station's records when first opened. */
function recordsPanel(blockNo) {
  const body = h("div", { class: "records", "aria-live": "polite" });
  const details = h("details", { class: "records-panel" }, h("summary", { text: t("records") }), body);
  let loaded = false;
  let tries = 0;
  async function load() {
    body.replaceChildren(h("p", { class: "help", text: t("loading") }));
    try {
      const { status, body: answer } = await json(`/api/v1/stations/${encodeURIComponent(blockNo)}/records/`);
      if (status === 202) {
        body.replaceChildren(h("p", { class: "help", text: answer.message || t("records_queued") }));
        if (++tries < MAX_TRIES) setTimeout(() => details.open && load(), RETRY_MS);
        else loaded = false;
        return;
      }
      body.replaceChildren(...recordsView(answer));
    } catch (error) {
      loaded = false;
      if (!(error instanceof ApiError)) throw error;
      body.replaceChildren(h("p", { class: "field-error", text: error.message }));
    }
  }
  details.addEventListener("toggle", () => {
    if (details.open && !loaded) {
      loaded = true;
      tries = 0;
      load();
    }
  });
  return details;
}

function recordText(record) {
  const value = record.no_phenomenon ? "--" : record.value ?? "";
  const mark = record.quality === 4 ? " ]" : record.quality === 5 ? " )" : "";
  const direction = record.direction ? ` ${record.direction}` : "";
  return `${value}${mark}${direction} (${record.date})`;
}

function recordsView(answer) {
  if (answer.status !== "ready") return [h("p", { class: "help", text: answer.message })];
  const ranks = Array.from({ length: 10 }, (_, i) => i + 1);
  const table = h(
    "table",
    { class: "records-table" },
    h("thead", {},
      h("tr", {},
        h("th", { scope: "col", text: t("records_element") }),
        ranks.map((rank) => h("th", { scope: "col", text: t("records_rank", { rank }) })),
        h("th", { scope: "col", text: t("records_period") }))),
    h("tbody", {},
      answer.elements.map((element) =>
        h("tr", {},
          h("th", { scope: "row", text: `${element.name} (${element.unit})` }),
          ranks.map((rank) => {
            const record = element.records.find((r) => r.rank === rank);
            return h("td", { text: record ? recordText(record) : "" });
          }),
          h("td", { text: element.period })))),
  );
  const source = h("p", { class: "help" },
    `${t("records_source")} `,
    h("a", { href: answer.source_url, rel: "noopener", target: "_blank", text: answer.source_url }),
    answer.stale ? ` ${t("records_stale")}` : "");
  return [h("div", { class: "table-scroll" }, table), source];
}
