// Runs before the app's modules (a classic script, first in <head>): for a reader who is
// logged in and opens the request form, ask at once for the form's modules and for the options,
// the form's biggest answer, instead of after app.js has arrived and run (issue 22). Nothing
// here for the log-in page. app.js takes the options call over (api.js adopt()).
// Classic on purpose: as a module script with a static import of config.js (tried) it waits for
// config.js and for the parsed page, and started the options call later here, not sooner (a
// median of 7 rounds: 190 ms, 203 ms as async, against 152 ms with the dynamic import below).
(() => {
  // The form's whole module graph beyond app.js's own imports (tests/ops/test_frontend_modules.py
  // holds this list to form.js's real imports).
  const FORM_MODULES = [
    "form.js", "request-state.js", "stations-picker.js",
  ];
  const here = document.currentScript.src;
  let preloaded = false;

  function preloadForm() {
    if (preloaded) return;
    preloaded = true;
    for (const name of FORM_MODULES) {
      const link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = new URL(name, here).href;
      document.head.append(link);
    }
  }

  function accessToken() {
    try {
      const access = JSON.parse(localStorage.getItem("jmaww.tokens"))?.access;
      const payload = JSON.parse(atob(access.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      // One that expires soon is left to api.js, which refreshes it first.
      return payload.exp * 1000 - Date.now() > 60_000 ? access : null;
    } catch {
      return null;
    }
  }

  const jmaww = { preloadForm, options: null };
  window.jmaww = jmaww;
  const route = location.hash.slice(1).split("?")[0] || "/";
  const access = accessToken();
  if (!access || (route !== "/new" && route !== "/")) return;
  preloadForm();
  jmaww.options = import(new URL("../config.js", here).href).then(({ API_BASE_URL }) =>
    // Public master data: no Authorization header, so no CORS preflight before it.
    fetch(`${API_BASE_URL}/api/v1/options/`, { headers: { Accept: "application/json" } }),
  );
  jmaww.options.catch(() => {}); // a failure is asked again by app.js
})();
