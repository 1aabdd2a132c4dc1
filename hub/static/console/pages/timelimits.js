// 时限规则与工作日历: the time-limit rules in force (a change is a new version), the years of the working-day
// calendar with their holidays and make-up working days (调休), and importing a year's official arrangement.

import { gql, mutate } from "../lib/api.js";
import { busy, dialog, field, h, notify, replace, table, when } from "../lib/dom.js";
import { LABELS, label } from "../lib/labels.js";

const DATA = `{
  timeLimitRules { id caseType service variant unit amount source createdAt createdBy }
  calendarYears { year source loadedAt loadedBy holidays workdays }
}`;
const SET_RULE = `mutation ($input: SetTimeLimitRuleInput!) { setTimeLimitRule(input: $input) { rule { id } errors { field code message } } }`;
const IMPORT = `mutation ($input: ImportCalendarYearInput!) { importCalendarYear(input: $input) { year recomputedDeadlines movedDeadlines errors { field code message } } }`;
const WEEK = ["一", "二", "三", "四", "五", "六", "日"];

export async function render(view) {
  const rules = h("div");
  const years = h("div");
  const grid = h("div");
  let shown = null;

  async function draw() {
    const data = await gql(DATA);
    replace(rules, table([
      { label: "事项", value: (r) => `${label("caseType", r.caseType)} · ${label("service", r.service)}` },
      { label: "情形", value: (r) => label("variant", r.variant) },
      { label: "时限", value: (r) => h("strong", null, r.unit === "SAME_WORKING_DAY" ? label("unit", r.unit) : `${r.amount} ${label("unit", r.unit)}`) },
      { label: "依据", value: (r) => r.source },
      { label: "版本", value: (r) => h("span", { class: "hint" }, `${when(r.createdAt)} · ${r.createdBy}`) },
      { label: "", value: (r) => h("button", { type: "button", class: "secondary small", "aria-label": `修改时限 ${r.caseType} ${r.service} ${r.variant}`, onClick: (e) => busy(e.currentTarget, () => editRule(r)) }, "修改") },
    ], data.timeLimitRules));
    const list = [...data.calendarYears].reverse();
    shown = list.find((y) => y.year === shown?.year) || list.find((y) => y.year === new Date().getFullYear()) || list[0];
    replace(years, table([
      { label: "年份", value: (y) => h("button", { type: "button", class: "link", onClick: () => { shown = y; drawYear(); } }, String(y.year)) },
      { label: "休息日（工作日放假）", class: "number", value: (y) => String(y.holidays.length) },
      { label: "调休上班", class: "number", value: (y) => String(y.workdays.length) },
      { label: "来源", value: (y) => y.source },
      { label: "载入", value: (y) => h("span", { class: "hint" }, `${when(y.loadedAt)} · ${y.loadedBy}`) },
    ], list, { empty: "尚未载入任何年份" }));
    drawYear();
  }

  function drawYear() {
    if (!shown) return replace(grid);
    return replace(grid, h("h3", null, `${shown.year} 年工作日历`),
      h("ul", { class: "legend" }, h("li", null, h("span", { class: "swatch c-holiday" }), "节假日"),
        h("li", null, h("span", { class: "swatch c-workday" }), "调休上班"),
        h("li", null, h("span", { class: "swatch c-weekend" }), "周末")),
      yearGrid(shown));
  }

  async function editRule(rule) {
    const form = await dialog(`修改时限：${label("caseType", rule.caseType)} · ${label("service", rule.service)} · ${label("variant", rule.variant)}`, [
      field("单位", h("select", { name: "unit" }, Object.entries(LABELS.unit).map(([c, t]) => h("option", { value: c, selected: c === rule.unit }, t.replace(/^个/, ""))))),
      field("时限数值", h("input", { name: "amount", type: "number", min: "0", step: "0.5", value: String(rule.amount) })),
      field("依据 Source", h("input", { name: "source", value: rule.source, required: true }), "新版本仅适用于此后产生的分发。"),
    ], { submit: "保存为新版本" });
    if (!form) return;
    await mutate(SET_RULE, { input: { caseType: rule.caseType, service: rule.service, variant: rule.variant, unit: form.get("unit"), amount: Number(form.get("amount")), source: form.get("source") } }, "setTimeLimitRule");
    await draw();
    notify("已保存时限规则的新版本。Saved.");
  }

  const year = h("input", { type: "number", name: "year", min: "2000", max: "2100", required: true, "aria-label": "年份 Year" });
  const source = h("input", { name: "source", placeholder: "国办发明电〔…〕…号", "aria-label": "依据 Source" });
  const holidays = h("textarea", { name: "holidays", rows: 6, "aria-label": "节假日 Holidays", placeholder: "每行一个日期，如 2027-01-01" });
  const workdays = h("textarea", { name: "workdays", rows: 6, "aria-label": "调休上班日 Workdays", placeholder: "每行一个日期，如 2027-02-20" });
  const file = h("input", { type: "file", accept: ".yaml,.yml,.json", "aria-label": "从文件读取 From a file", onChange: async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    try {
      const parsed = parseArrangement(await chosen.text(), chosen.name);
      year.value = parsed.year ?? "";
      source.value = parsed.source ?? "";
      holidays.value = (parsed.holidays || []).join("\n");
      workdays.value = (parsed.workdays || []).join("\n");
      notify(`已读取 ${chosen.name}，请核对后导入。`);
    } catch (error) {
      notify(`无法读取 ${chosen.name}：${error.message}`, "error");
    }
  } });
  const submit = h("button", { type: "submit", class: "primary" }, "导入该年 Import year");
  const importForm = h("form", { class: "stack", onSubmit: (e) => { e.preventDefault(); busy(submit, importYear); } },
    field("从文件读取（与 hub calendar import 相同的 YAML/JSON 格式）", file),
    h("div", { class: "columns" }, field("年份 Year", year), field("依据 Source", source)),
    h("div", { class: "columns" },
      field("节假日（工作日放假）Holidays", holidays, "周一至周五中放假的日期"),
      field("调休上班日 Make-up working days", workdays, "周六、周日中上班的日期")),
    h("div", null, submit));

  async function importYear() {
    const lines = (text) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    const input = { year: Number(year.value), holidays: lines(holidays.value), workdays: lines(workdays.value) };
    if (source.value.trim()) input.source = source.value.trim();
    const done = await mutate(IMPORT, { input }, "importCalendarYear");
    shown = { year: done.year };
    await draw();
    notify(`已导入 ${done.year} 年工作日历；重算 ${done.recomputedDeadlines} 个在办时限，其中 ${done.movedDeadlines} 个期限变化。Imported.`);
  }

  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "时限规则与工作日历"),
      h("p", { class: "hint" }, "时限按工作日计算，遵循国务院办公厅每年的节假日安排（含调休）。Time limits count working days.")),
    h("section", { class: "panel" }, h("h2", null, "现行时限规则 Rules in force"), rules),
    h("section", { class: "panel" }, h("h2", null, "工作日历 Working-day calendar"),
      h("p", { class: "hint" }, "未载入官方安排的年份暂按周一至周五计算，期限标记为“暂定”，载入后自动重算。"), years, grid),
    h("section", { class: "panel" }, h("h2", null, "导入年度节假日安排 Import a year"), importForm));
  await draw();
}

function yearGrid(year) {
  const holidays = new Set(year.holidays);
  const workdays = new Set(year.workdays);
  return h("div", { class: "months" }, Array.from({ length: 12 }, (_, m) => {
    const first = new Date(Date.UTC(year.year, m, 1));
    const days = new Date(Date.UTC(year.year, m + 1, 0)).getUTCDate();
    const offset = (first.getUTCDay() + 6) % 7;
    const cells = [...WEEK.map((d) => h("span", { class: "head" }, d)), ...Array.from({ length: offset }, () => h("span"))];
    for (let d = 1; d <= days; d++) {
      const iso = `${year.year}-${String(m + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
      const weekend = (offset + d - 1) % 7 >= 5;
      const kind = holidays.has(iso) ? "holiday" : workdays.has(iso) ? "workday" : weekend ? "weekend" : "";
      cells.push(h("span", { class: kind, title: iso }, String(d)));
    }
    return h("div", { class: "month" }, h("h4", null, `${m + 1} 月`), h("div", { class: "days" }, cells));
  }));
}

// The file `hub calendar import` reads: JSON, or the plain YAML of docs/calendar-2027.example.yaml (keys with
// scalars, lists of `- YYYY-MM-DD` or `[a, b]`, comments after #).
export function parseArrangement(text, name) {
  if (name.endsWith(".json")) return JSON.parse(text);
  const found = {};
  let list = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, "").replace(/^#.*$/, "").trimEnd();
    if (!line.trim()) continue;
    const item = line.match(/^\s*-\s*(.+)$/);
    if (item && list) { list.push(unquote(item[1])); continue; }
    const pair = line.match(/^(\w+):\s*(.*)$/);
    if (!pair) throw new Error(`无法理解这一行：${raw}`);
    const [, key, value] = pair;
    if (value.startsWith("[")) { found[key] = value.replace(/^\[|\]$/g, "").split(",").map(unquote).filter(Boolean); list = null; }
    else if (value === "") { found[key] = list = []; }
    else { found[key] = key === "year" ? Number(value) : unquote(value); list = null; }
  }
  return found;
}

function unquote(value) {
  return value.trim().replace(/^["']|["']$/g, "");
}
