// Hand-drawn SVG charts (no library): horizontal bars, bars with a whisker, stacked shares. Each chart has a
// <title> and every value is also written beside its bar, so the chart reads without hovering.

import { h, s } from "./dom.js";

const ROW = 30;
const LABEL = 150;
const WIDTH = 640;
const VALUE = 70;
const PLOT = WIDTH - LABEL - VALUE;

function frame(title, rows, extra = 0) {
  const height = rows * ROW + 24 + extra;
  return s("svg", { viewBox: `0 0 ${WIDTH} ${height}`, role: "img", "aria-label": title, class: "chart" }, s("title", null, title));
}

function rowLabel(y, text) {
  const shown = text.length > 11 ? `${text.slice(0, 10)}…` : text;
  return s("text", { x: LABEL - 8, y: y + ROW / 2 + 4, "text-anchor": "end", class: "chart-label" }, s("title", null, text), shown);
}

// Beside the bar, or inside its end when the bar leaves no room.
function valueText(width, y, text) {
  const inside = width > PLOT * 0.7;
  return s("text", { x: LABEL + width + (inside ? -6 : 6), y: y + ROW / 2 + 4, "text-anchor": inside ? "end" : "start",
    class: inside ? "chart-inside" : "chart-value" }, text);
}

function ticks(svg, max, rows, format) {
  for (const share of [0, 0.25, 0.5, 0.75, 1]) {
    const x = LABEL + share * PLOT;
    svg.append(s("line", { x1: x, x2: x, y1: 4, y2: rows * ROW + 4, class: "chart-grid" }),
      s("text", { x, y: rows * ROW + 18, "text-anchor": "middle", class: "chart-tick" }, format(share * max)));
  }
}

// rows: [{label, value (null = none), text}]; tone(value) picks a colour class.
export function bars(title, rows, { max, format = (v) => String(v), tone = () => "" } = {}) {
  const top = max || Math.max(1e-9, ...rows.map((r) => r.value || 0));
  const svg = frame(title, rows.length);
  ticks(svg, top, rows.length, format);
  rows.forEach((row, i) => {
    const y = i * ROW + 4;
    const width = row.value ? (Math.min(row.value, top) / top) * PLOT : 0;
    svg.append(rowLabel(y, row.label),
      s("rect", { x: LABEL, y: y + 6, width: Math.max(width, row.value ? 2 : 0), height: ROW - 12, rx: 3,
        class: `chart-bar ${row.value === null ? "" : tone(row.value)}` }),
      valueText(width, y, row.text));
  });
  return svg;
}

// rows: [{label, low, high, text}]: a bar to `low` (e.g. the median) and a whisker on to `high` (e.g. p90);
// `reference` draws a dashed line (e.g. the statutory limit).
export function whiskers(title, rows, { reference, referenceLabel, format = (v) => String(v) } = {}) {
  const top = Math.ceil(Math.max(1, reference || 0, ...rows.map((r) => r.high || r.low || 0)) * 1.1);
  const svg = frame(title, rows.length);
  ticks(svg, top, rows.length, format);
  const x = (v) => LABEL + (v / top) * PLOT;
  rows.forEach((row, i) => {
    const y = i * ROW + 4;
    svg.append(rowLabel(y, row.label));
    if (row.low === null || row.low === undefined) {
      svg.append(s("text", { x: LABEL + 4, y: y + ROW / 2 + 4, class: "chart-value muted" }, "尚无办结"));
      return;
    }
    svg.append(s("rect", { x: LABEL, y: y + 8, width: Math.max(x(row.low) - LABEL, 2), height: ROW - 16, rx: 3, class: "chart-bar" }));
    if (row.high !== null && row.high !== undefined) {
      const mid = y + ROW / 2;
      svg.append(s("line", { x1: x(row.low), x2: x(row.high), y1: mid, y2: mid, class: "chart-whisker" }),
        s("line", { x1: x(row.high), x2: x(row.high), y1: mid - 7, y2: mid + 7, class: "chart-whisker" }));
    }
    svg.append(s("text", { x: x(Math.max(row.low, row.high || 0)) + 6, y: y + ROW / 2 + 4, class: "chart-value" }, row.text));
  });
  if (reference) {
    svg.append(s("line", { x1: x(reference), x2: x(reference), y1: 0, y2: rows.length * ROW + 6, class: "chart-reference" }),
      s("text", { x: x(reference) + 4, y: 10, class: "chart-tick" }, referenceLabel || format(reference)));
  }
  return svg;
}

// rows: [{label, parts: {key: count}}]; keys in `order`, coloured by `tones[key]`; each row is 100%.
export function shares(title, rows, { order, names, tones }) {
  const svg = frame(title, rows.length);
  rows.forEach((row, i) => {
    const y = i * ROW + 4;
    const total = order.reduce((sum, key) => sum + (row.parts[key] || 0), 0);
    svg.append(rowLabel(y, row.label));
    let at = LABEL;
    for (const key of order) {
      const n = row.parts[key] || 0;
      if (!n) continue;
      const width = (n / total) * (PLOT + VALUE - 10);
      svg.append(s("rect", { x: at, y: y + 6, width, height: ROW - 12, class: `chart-part ${tones[key]}` },
        s("title", null, `${names[key]}：${n}`)));
      if (width > 22) svg.append(s("text", { x: at + width / 2, y: y + ROW / 2 + 4, "text-anchor": "middle", class: "chart-inside" }, n));
      at += width;
    }
  });
  const legend = h("ul", { class: "legend" }, order.map((key) => h("li", null, h("span", { class: `swatch ${tones[key]}` }), names[key])));
  return h("figure", { class: "chart-figure" }, svg, legend);
}
