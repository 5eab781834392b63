// The time scale of a request: daily values, JMA's hourly or 10-minute pages (one page per
// station-day), or its annual values (one page per station). Under the choice, each scale's
// cost as the estimate endpoint gives it for the draft: pages, rows and the time at the
// politeness budget; the counts are the server's only.

import { ApiError, json } from "./api.js";
import { field, h } from "./dom.js";
import { duration, number, t } from "./i18n.js";
import { chosenStations, isSubdaily, requestBody, state } from "./request-state.js";

const CHOICES = ["daily", "hourly", "10min", "annual"];

export function granularityCard(onChange) {
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
