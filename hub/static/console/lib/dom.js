// Small DOM helpers: elements from plain data, tables, dialogs, notices, dates in Kaifeng's time zone.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "class") el.className = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const SVG = "http://www.w3.org/2000/svg";

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

// A table: columns [{label, value: row => text|Node, class?}], rows; `empty` when there are none.
export function table(columns, rows, { empty = "暂无数据", caption, rowAttrs } = {}) {
  const head = h("thead", null, h("tr", null, columns.map((c) => h("th", { class: c.class, scope: "col" }, c.label))));
  const body = h("tbody", null, rows.length === 0
    ? h("tr", null, h("td", { colSpan: columns.length, class: "empty" }, empty))
    : rows.map((row) => h("tr", rowAttrs ? rowAttrs(row) : null,
      columns.map((c) => h("td", { class: c.class }, c.value(row))))));
  return h("table", { class: "grid" }, caption && h("caption", null, caption), head, body);
}

const DATE_TIME = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  hour12: false,
});
const DATE = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" });

export function when(iso) {
  return iso ? DATE_TIME.format(new Date(iso)) : "—";
}

export function day(iso) {
  return iso ? DATE.format(new Date(iso)) : "—";
}

// The calendar day (YYYY-MM-DD) in Kaifeng of a time, and the start of a Kaifeng day as an instant.
export function localDay(date = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(date);
}

export function startOf(isoDay) {
  return `${isoDay}T00:00:00+08:00`;
}

export function endOf(isoDay) {
  return `${isoDay}T23:59:59+08:00`;
}

export function addDays(isoDay, n) {
  const d = new Date(`${isoDay}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function percent(x) {
  return x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;
}

export function number(x, digits = 1) {
  return x === null || x === undefined ? "—" : Number(x).toFixed(digits);
}

// Notices at the top of the page; errors stay until dismissed.
export function notify(message, kind = "ok") {
  const area = document.getElementById("notices");
  if (!area) return;
  const note = h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status" },
    h("span", null, message), h("button", { type: "button", class: "link", "aria-label": "关闭", onClick: () => note.remove() }, "×"));
  area.append(note);
  if (kind !== "error") setTimeout(() => note.remove(), 6000);
}

// A modal form: `fields` is the form's content; resolves with FormData on submit, null on cancel.
export function dialog(title, fields, { submit = "确定", danger = false, cancel = true } = {}) {
  return new Promise((resolve) => {
    const form = h("form", { method: "dialog", class: "stack" },
      h("h2", null, title), fields,
      h("div", { class: "actions" },
        cancel && h("button", { type: "button", class: "secondary", onClick: () => close(null) }, "取消"),
        h("button", { type: "submit", class: danger ? "danger" : "primary" }, submit)));
    const box = h("dialog", { class: "modal" }, form);
    function close(value) {
      box.close();
      box.remove();
      resolve(value);
    }
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      close(new FormData(form));
    });
    box.addEventListener("cancel", (e) => { e.preventDefault(); close(null); });
    document.body.append(box);
    box.showModal();
  });
}

export function field(label, input, hint) {
  return h("label", { class: "field" }, h("span", null, label), input, hint && h("small", null, hint));
}

export function badge(text, kind = "") {
  return h("span", { class: `badge ${kind}` }, text);
}

// Runs `work` with the button disabled; errors become notices.
export async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } catch (error) {
    notify(error.message, "error");
    return undefined;
  } finally {
    button.disabled = false;
  }
}
