// Choosing weather items, grouped, each with a note where a chosen station does not observe it.

import { h } from "./dom.js";
import { joinList, lang, stationName, t } from "./i18n.js";
import { observes, options, state } from "./request-state.js";

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
export function itemsPicker(onChange) {
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
