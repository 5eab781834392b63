// Small DOM helpers: build elements, labelled fields with their error slot, show API errors.

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A label, the control, its help and an (empty) error line the control is described by. */
export function field(name, label, control, help) {
  control.id ||= `f-${name}`;
  control.name ||= name;
  const error = h("p", { class: "field-error", id: `err-${name}`, "aria-live": "polite" });
  const described = [help ? `help-${name}` : null, error.id].filter(Boolean).join(" ");
  control.setAttribute("aria-describedby", described);
  return h(
    "div",
    { class: "field", "data-field": name },
    h("label", { for: control.id, text: label }),
    control,
    help ? h("p", { class: "help", id: `help-${name}`, text: help }) : null,
    error,
  );
}

export function clearErrors(root) {
  for (const p of root.querySelectorAll(".field-error")) p.textContent = "";
  for (const c of root.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
  const alert = root.querySelector(".form-alert");
  if (alert) {
    alert.textContent = "";
    alert.hidden = true;
  }
}

/**
 * Field messages next to their fields; the rest (and a summary) in the form's alert box.
 * `aliases` maps an API field to the field slot that shows it.
 */
export function showErrors(root, error, summary, aliases = {}) {
  clearErrors(root);
  const loose = [];
  let first = null;
  for (const [name, messages] of Object.entries(error.fields || {})) {
    const slot = root.querySelector(`#err-${aliases[name] || name}`);
    if (!slot) {
      loose.push(...messages);
      continue;
    }
    slot.textContent = messages.join(" ");
    const control = root.querySelector(`[aria-describedby~="${slot.id}"]`);
    if (control) {
      control.setAttribute("aria-invalid", "true");
      first ||= control;
    }
  }
  const alert = root.querySelector(".form-alert");
  if (alert) {
    const hasFields = Object.keys(error.fields || {}).length > 0;
    const lines = hasFields ? [summary, ...loose] : [error.message];
    alert.replaceChildren(...lines.filter(Boolean).map((line) => h("p", { text: line })));
    alert.hidden = false;
    if (!first) alert.focus();
  }
  if (first) first.focus();
}

export function alertBox() {
  return h("div", { class: "form-alert", role: "alert", tabindex: "-1", hidden: true });
}

export function notice(text, kind = "info") {
  return h("p", { class: `notice ${kind}`, role: "status", text });
}
