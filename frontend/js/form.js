// The new-request page: period, optional season, stations, items, output options, the live
// estimate, and an idempotent submit. The parts live in their own modules.

import { ApiError, json } from "./api.js";
import { alertBox, clearErrors, field, h, showErrors } from "./dom.js";
import { estimateBox } from "./estimate.js";
import { lang, t } from "./i18n.js";
import { itemsPicker } from "./items-picker.js";
import { granularityCard } from "./granularity.js";
import { chosenStations, isSubdaily, loadOptions, newKey, options, requestBody, state } from "./request-state.js";
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
    values.map((v) => h("option", { value: v, selected: String(state[name]) === String(v) }, v)),
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
