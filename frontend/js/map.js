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

export function createMap(stations, { label, onPick }) {
  const lats = stations.map((s) => s.latitude);
  const lons = stations.map((s) => s.longitude);
  const north = Math.max(...lats);
  const west = Math.min(...lons);
  const cos = Math.cos(((north + Math.min(...lats)) / 2) * (Math.PI / 180));
  const project = (lat, lon) => [
    PAD + (lon - west) * cos * SCALE,
    PAD + (north - lat) * SCALE,
  ];
  const width = 2 * PAD + (Math.max(...lons) - west) * cos * SCALE;
  const height = 2 * PAD + (north - Math.min(...lats)) * SCALE;

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
  const points = stations.map((station) => {
    const [x, y] = project(station.latitude, station.longitude);
    return { station, x, y };
  });
  // The ~1,300 grey dots are drawn once the form has painted (issue 22): building and laying
  // them out was a third of the form's first paint, and the form works without them.
  const drawDots = () =>
    all.append(
      ...points.map(({ station, x, y }) =>
        el("circle", { cx: x.toFixed(2), cy: y.toFixed(2), r: 1.6, "data-block": station.block_no }),
      ),
    );
  if (window.requestIdleCallback) window.requestIdleCallback(drawDots, { timeout: 300 });
  else setTimeout(drawDots, 0);
  const chosen = el("g", { class: "chosen" });
  svg.append(all, chosen);

  const byBlock = new Map(stations.map((s) => [s.block_no, s]));
  svg.addEventListener("click", (event) => {
    // A dot hit exactly is that station; elsewhere the nearest one within reach.
    const hit = event.target.closest?.("circle");
    const block = hit?.getAttribute("data-block") || hit?.getAttribute("data-chosen");
    if (block && byBlock.has(block)) {
      onPick(byBlock.get(block));
      return;
    }
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const at = point.matrixTransform(svg.getScreenCTM().inverse());
    let best = null;
    let bestDistance = Infinity;
    for (const p of points) {
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
