// 统计分析: time-limit statistics by utility, service, case type, district or channel for cases submitted in a
// chosen period — on-time rate, median and p90 working days, 补正 rounds, status — as charts and a table, and the
// export for the 督查 report (CSV of the view; XLSX with every grouping and the overdue list).

import { gql } from "../lib/api.js";
import { bars, shares, whiskers } from "../lib/charts.js";
import { csv, download, xlsx } from "../lib/export.js";
import { addDays, busy, field, h, localDay, number, percent, replace, startOf, table } from "../lib/dom.js";
import { LABELS, label } from "../lib/labels.js";

const GROUP_FIELDS = "key total byStatus { status count } finished onTime onTimeRate medianWorkingDays p90WorkingDays correctionRounds";
const ONE = `query ($groupBy: StatisticsGroup!, $from: DateTime!, $before: DateTime!) {
  timeLimitStatistics(groupBy: $groupBy, submittedFrom: $from, submittedBefore: $before) { ${GROUP_FIELDS} } }`;
const GROUPS = ["UTILITY", "SERVICE", "CASE_TYPE", "DISTRICT", "CHANNEL"];
const ALL = `query ($from: DateTime!, $before: DateTime!) {
  ${GROUPS.map((g) => `${g.toLowerCase()}: timeLimitStatistics(groupBy: ${g}, submittedFrom: $from, submittedBefore: $before) { ${GROUP_FIELDS} }`).join("\n  ")}
  overdueAssignments(first: 100) { edges { node { service organisationCode status
    timeLimit { deadline workingDaysUsed correctionRounds } case { number caseType channel site { districtCode } } } } } }`;
const STATUS_ORDER = ["PENDING", "RECEIVED", "ACCEPTED", "NEEDS_MATERIALS", "COMPLETED", "REJECTED"];
const STATUS_TONES = { PENDING: "s-pending", RECEIVED: "s-received", ACCEPTED: "s-accepted", NEEDS_MATERIALS: "s-needs", COMPLETED: "s-completed", REJECTED: "s-rejected" };
const STATUTORY_DAYS = 5;  // 河南省优化营商环境条例 第二十一条: water, gas, low-voltage power

export async function render(view, context) {
  const today = localDay();
  const state = { groupBy: "UTILITY", from: addDays(today, -29), to: today, groups: [] };
  const orgName = (code) => context.organisations.find((o) => o.code === code)?.name || code;
  const districtName = (code) => context.districts.find((d) => d.code === code)?.name || code;
  const keyLabel = (groupBy, key) => ({
    UTILITY: orgName, SERVICE: (k) => label("service", k), CASE_TYPE: (k) => label("caseType", k),
    DISTRICT: districtName, CHANNEL: (k) => label("channel", k),
  })[groupBy](key);
  const variables = () => ({ from: startOf(state.from), before: startOf(addDays(state.to, 1)) });

  const from = h("input", { type: "date", value: state.from, "aria-label": "起始日期 From", onChange: (e) => { state.from = e.target.value; load(); } });
  const to = h("input", { type: "date", value: state.to, "aria-label": "截止日期 To", onChange: (e) => { state.to = e.target.value; load(); } });
  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "分组 Group by" });
  const kpis = h("div", { class: "kpis" });
  const charts = h("div", { class: "columns" });
  const details = h("div");

  function preset(text, fromDay) {
    return h("button", { type: "button", class: "secondary small", onClick: () => {
      state.from = fromDay; state.to = today; from.value = state.from; to.value = state.to; load();
    } }, text);
  }

  async function load() {
    state.groups = (await gql(ONE, { groupBy: state.groupBy, ...variables() })).timeLimitStatistics;
    draw();
  }

  function draw() {
    replace(tabs, GROUPS.map((g) => h("button", {
      type: "button", role: "tab", "aria-selected": String(g === state.groupBy), onClick: () => { state.groupBy = g; load(); },
    }, `按${LABELS.groupBy[g]}`)));
    const groups = state.groups;
    const sum = (f) => groups.reduce((n, g) => n + f(g), 0);
    const finished = sum((g) => g.finished);
    const rate = finished ? sum((g) => g.onTime) / finished : null;
    replace(kpis,
      kpi("分发事项 Assignments", String(sum((g) => g.total))),
      kpi("已办结 Finished", String(finished)),
      kpi("按时办结率 On time", percent(rate), rate === null ? "" : rate >= 0.95 ? "ok" : rate < 0.8 ? "bad" : ""),
      kpi("补正次数 补正 rounds", String(sum((g) => g.correctionRounds))));
    const named = groups.map((g) => ({ ...g, name: shortName(keyLabel(state.groupBy, g.key)) }));
    replace(charts,
      panel("按时办结率", bars("按时办结率 On-time rate", named.map((g) => ({ label: g.name, value: g.onTimeRate, text: g.finished ? `${percent(g.onTimeRate)}（${g.onTime}/${g.finished}）` : "尚无办结" })),
        { max: 1, format: (v) => `${Math.round(v * 100)}%`, tone: (v) => (v >= 0.95 ? "ok" : v >= 0.8 ? "warn" : "bad") })),
      panel("办理用时（工作日）：中位数与 P90", whiskers("办理用时 Working days: median bar, p90 whisker", named.map((g) => ({
        label: g.name, low: g.medianWorkingDays, high: g.p90WorkingDays,
        text: g.medianWorkingDays === null ? "" : `中位 ${number(g.medianWorkingDays)} · P90 ${number(g.p90WorkingDays)}`,
      })), { reference: STATUTORY_DAYS, referenceLabel: `${STATUTORY_DAYS} 个工作日`, format: (v) => v.toFixed(1) })),
      panel("补正次数", bars("补正次数 补正 rounds", named.map((g) => ({ label: g.name, value: g.correctionRounds, text: String(g.correctionRounds) })),
        { format: (v) => v.toFixed(0), tone: () => "warn" })),
      panel("办理状态构成", shares("办理状态 Status", named.map((g) => ({ label: g.name, parts: Object.fromEntries(g.byStatus.map((s) => [s.status, s.count])) })),
        { order: STATUS_ORDER, names: LABELS.assignmentStatus, tones: STATUS_TONES })));
    replace(details, h("div", { class: "scroll" }, table(statisticsColumns(state.groupBy, keyLabel).map((c) => ({ ...c, value: (g) => display(c, g) })), groups,
      { empty: "所选期间没有提交的办件" })));
  }

  async function exportCsv() {
    const sheet = { name: LABELS.groupBy[state.groupBy], columns: statisticsColumns(state.groupBy, keyLabel), rows: state.groups };
    download(csv(sheet), `时限统计-按${LABELS.groupBy[state.groupBy]}-${state.from}至${state.to}.csv`);
  }

  async function exportXlsx() {
    const data = await gql(ALL, variables());
    const sheets = GROUPS.map((g) => ({ name: `按${LABELS.groupBy[g]}`, columns: statisticsColumns(g, keyLabel), rows: data[g.toLowerCase()] }));
    sheets.push({ name: "超期清单", columns: overdueColumns(orgName, districtName), rows: data.overdueAssignments.edges.map((e) => e.node) });
    sheets.unshift({ name: "说明", columns: [{ label: "项目", value: (r) => r[0] }, { label: "内容", value: (r) => r[1] }], rows: [
      ["报表", "水电气暖信过户、报装时限统计"], ["统计期间（提交日期）", `${state.from} 至 ${state.to}`],
      ["导出人", context.viewer.subject], ["导出时间", new Date().toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })],
      ["口径", "按时办结率 = 按时办结数 / 已办结数；办理用时以工作日计，不含补正等待时间"]] });
    download(xlsx(sheets), `时限统计-${state.from}至${state.to}.xlsx`);
  }

  const csvButton = h("button", { type: "button", class: "secondary", onClick: (e) => busy(e.currentTarget, exportCsv) }, "导出 CSV");
  const xlsxButton = h("button", { type: "button", class: "primary", onClick: (e) => busy(e.currentTarget, exportXlsx) }, "导出 Excel（督查报表）");
  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "统计分析"),
      h("p", { class: "hint" }, "按提交日期统计所选期间的办件。Statistics of cases submitted in the period.")),
    h("div", { class: "toolbar" }, field("起始日期", from), field("截止日期", to),
      preset("近 7 天", addDays(today, -6)), preset("近 30 天", addDays(today, -29)), preset("本月", `${today.slice(0, 8)}01`),
      preset("本年", `${today.slice(0, 5)}01-01`), csvButton, xlsxButton),
    tabs, kpis, charts, h("section", { class: "panel" }, h("h2", null, "明细 Details"), details));
  await load();
}

// 开封市城市水务集团有限公司 → 城市水务集团: the chart's labels name the units as people say them.
function shortName(name) {
  return name.replace(/^开封市?/, "").replace(/有限公司$/, "") || name;
}

function kpi(name, value, tone = "") {
  return h("div", { class: `kpi ${tone}` }, h("div", { class: "value" }, value), h("div", { class: "name" }, name));
}

function panel(title, chart) {
  return h("section", { class: "panel" }, h("h2", null, title), chart);
}

function display(column, row) {
  const value = column.value(row);
  if (column.type === "percent") return percent(value);
  if (column.type === "decimal") return number(value);
  return value === null || value === undefined ? "—" : String(value);
}

function statisticsColumns(groupBy, keyLabel) {
  return [
    { label: LABELS.groupBy[groupBy], class: "nowrap", value: (g) => keyLabel(groupBy, g.key) },
    { label: "代码", value: (g) => g.key },
    { label: "分发事项", type: "int", value: (g) => g.total },
    { label: "已办结", type: "int", value: (g) => g.finished },
    { label: "按时办结", type: "int", value: (g) => g.onTime },
    { label: "按时办结率", type: "percent", value: (g) => g.onTimeRate },
    { label: "用时中位数（工作日）", type: "decimal", value: (g) => g.medianWorkingDays },
    { label: "用时P90（工作日）", type: "decimal", value: (g) => g.p90WorkingDays },
    { label: "补正次数", type: "int", value: (g) => g.correctionRounds },
    ...STATUS_ORDER.map((s) => ({ label: LABELS.assignmentStatus[s], type: "int", value: (g) => g.byStatus.find((b) => b.status === s)?.count || 0 })),
  ];
}

function overdueColumns(orgName, districtName) {
  return [
    { label: "办件编号", value: (a) => a.case?.number },
    { label: "事项类型", value: (a) => label("caseType", a.case?.caseType) },
    { label: "业务", value: (a) => label("service", a.service) },
    { label: "承办单位", value: (a) => orgName(a.organisationCode) },
    { label: "行政区域", value: (a) => districtName(a.case?.site?.districtCode) },
    { label: "受理渠道", value: (a) => label("channel", a.case?.channel) },
    { label: "状态", value: (a) => label("assignmentStatus", a.status) },
    { label: "办理期限", value: (a) => (a.timeLimit?.deadline ? new Date(a.timeLimit.deadline).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" }) : "") },
    { label: "已用工作日", type: "decimal", value: (a) => a.timeLimit?.workingDaysUsed },
    { label: "补正次数", type: "int", value: (a) => a.timeLimit?.correctionRounds },
  ];
}
