// A station's records (JMA's 観測史上1〜10位の値) in the chosen station's details: read from the
// API's cache only. While the daemon fetches them (202 queued) the panel says so and asks again.

import { ApiError, json } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

const RETRY_MS = 5000;
const MAX_TRIES = 12;

/** A <details> that loads the station's records when first opened. */
export function recordsPanel(blockNo) {
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
