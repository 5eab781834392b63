// The time scale of a request: daily values, or JMA's hourly or 10-minute pages (one page per
// station-day). Beside each choice, its cost as the estimate endpoint gives it for the draft:
// pages, rows and the time at the politeness budget; the counts are the server's only.

import { ApiError, json } from "./api.js";
import { h } from "./dom.js";
import { duration, number, t } from "./i18n.js";
import { chosenStations, isSubdaily, requestBody, state } from "./request-state.js";

const CHOICES = ["daily", "hourly", "10min"];

export function granularityCard(onChange) {
  const costs = new Map();
  let seq = 0;
  const radios = CHOICES.map((value) => {
    const input = h("input", {
      type: "radio",
      name: "granularity",
      id: `f-granularity-${value}`,
      value,
      checked: state.granularity === value,
      onchange: () => {
        state.granularity = value;
        if (value === "daily") state.start_day = state.end_day = "";
        onChange();
      },
    });
    const cost = h("span", { class: "cost help", id: `cost-${value}` });
    costs.set(value, cost);
    return h("label", { class: "check granularity", for: input.id }, input, ` ${t(`granularity_${value}`)} `, cost);
  });
  const element = h(
    "fieldset",
    { class: "card", id: "granularity" },
    h("legend", { text: t("granularity") }),
    h("p", { class: "help", text: t("granularity_help") }),
    h("div", { class: "choices" }, radios),
    h("p", { class: "field-error", id: "err-granularity", "aria-live": "polite" }),
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
