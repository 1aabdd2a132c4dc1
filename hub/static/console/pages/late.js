// 超期与预警: open assignments past their deadline, and those past the warning point, earliest deadline first.
// Personal data is masked by the catalogue; this list shows process data only.

import { gql } from "../lib/api.js";
import { badge, busy, h, number, replace, table, when } from "../lib/dom.js";
import { label } from "../lib/labels.js";

const NODE = `id service organisationCode status
  timeLimit { deadline warningAt workingDaysUsed correctionRounds provisional paused }
  case { number caseType channel submittedAt site { districtCode } }`;
const LISTS = {
  overdue: { field: "overdueAssignments", title: "已超期 Overdue", empty: "没有超期的在办事项" },
  risk: { field: "atRiskAssignments", title: "临期预警 At risk", empty: "没有临期预警的在办事项" },
};

export async function render(view, context) {
  let which = "overdue";
  let rows = [];
  let cursor = null;
  const orgName = (code) => context.organisations.find((o) => o.code === code)?.name || code;
  const districtName = (code) => context.districts.find((d) => d.code === code)?.name || code || "—";
  const tabs = h("div", { class: "tabs", role: "tablist" });
  const list = h("div");
  const more = h("button", { type: "button", class: "secondary", hidden: true, onClick: (e) => busy(e.currentTarget, next) }, "加载更多 More");

  async function next() {
    const field = LISTS[which].field;
    const page = (await gql(`query ($after: String) { ${field}(first: 50, after: $after) { edges { node { ${NODE} } } pageInfo { hasNextPage endCursor } } }`, { after: cursor }))[field];
    rows.push(...page.edges.map((e) => e.node));
    cursor = page.pageInfo.endCursor;
    more.hidden = !page.pageInfo.hasNextPage;
    draw();
  }

  function draw() {
    replace(tabs, Object.entries(LISTS).map(([key, list]) => h("button", {
      type: "button", role: "tab", "aria-selected": String(key === which),
      onClick: () => { which = key; rows = []; cursor = null; next(); },
    }, list.title)));
    replace(list, table([
      { label: "办件编号", class: "nowrap", value: (a) => h("code", null, a.case?.number || "—") },
      { label: "事项", class: "nowrap", value: (a) => `${label("caseType", a.case?.caseType)} · ${label("service", a.service)}` },
      { label: "承办单位", value: (a) => orgName(a.organisationCode) },
      { label: "行政区域", class: "nowrap", value: (a) => districtName(a.case?.site?.districtCode) },
      { label: "受理渠道", class: "nowrap", value: (a) => label("channel", a.case?.channel) },
      { label: "状态", value: (a) => badge(label("assignmentStatus", a.status), a.status === "NEEDS_MATERIALS" ? "warn" : "") },
      { label: "办理期限", class: "nowrap", value: (a) => h("div", null, when(a.timeLimit?.deadline), a.timeLimit?.provisional && h("div", { class: "hint" }, "暂定")) },
      { label: which === "overdue" ? "已超期" : "距期限", class: "nowrap", value: (a) => distance(a.timeLimit?.deadline) },
      { label: "已用工作日", class: "number", value: (a) => number(a.timeLimit?.workingDaysUsed) },
      { label: "补正次数", class: "number", value: (a) => String(a.timeLimit?.correctionRounds ?? "—") },
    ], rows, { empty: LISTS[which].empty }));
  }

  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "超期与预警"),
      h("p", { class: "hint" }, "在办事项按办理期限排序，最早到期的在前；达到时限的 75% 即预警。Open assignments by deadline.")),
    tabs, list, h("div", { class: "actions" }, more));
  await next();
}

// How far the deadline is (calendar time, as a person reads it): "超期 3 天 4 小时" or "还剩 5 小时".
function distance(deadline) {
  if (!deadline) return "—";
  const hours = Math.round((new Date(deadline) - Date.now()) / 3_600_000);
  const text = `${Math.floor(Math.abs(hours) / 24)} 天 ${Math.abs(hours) % 24} 小时`;
  return hours < 0 ? h("span", { class: "due-late" }, `超期 ${text}`) : h("span", { class: "due-soon" }, `还剩 ${text}`);
}
