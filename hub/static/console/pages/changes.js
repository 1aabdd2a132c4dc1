// 变更历史: every governance change (catalogue, grants, requests, clients, calendar, time-limit rules) with who,
// when, and the record before and after.

import { gql } from "../lib/api.js";
import { busy, field, h, replace, table, when } from "../lib/dom.js";
import { LABELS, label } from "../lib/labels.js";

const PAGE = `query ($entity: String, $before: Int) {
  governanceChanges(entity: $entity, beforeVersion: $before, first: 50) {
    version at actorSubject actorOrganisation entity entityId action before after } }`;

export async function render(view) {
  const rows = [];
  let entity = null;
  const list = h("div");
  const more = h("button", { type: "button", class: "secondary", hidden: true, onClick: (e) => busy(e.currentTarget, next) }, "更早的变更 Older");

  async function next() {
    const before = rows.length ? rows[rows.length - 1].version : null;
    const page = (await gql(PAGE, { entity, before })).governanceChanges;
    rows.push(...page);
    more.hidden = page.length < 50;
    replace(list, table([
      { label: "版本", class: "number", value: (c) => `v${c.version}` },
      { label: "时间", value: (c) => when(c.at) },
      { label: "操作人", value: (c) => h("div", null, c.actorSubject, c.actorOrganisation && h("div", { class: "hint" }, c.actorOrganisation)) },
      { label: "对象", value: (c) => h("div", null, label("entity", c.entity), h("div", null, h("code", null, c.entityId))) },
      { label: "动作", value: (c) => label("action", c.action) },
      { label: "变更前 → 变更后 Before → after", value: (c) => diff(c.before, c.after) },
    ], rows, { empty: "暂无变更" }));
  }

  const choose = h("select", { "aria-label": "对象类型", onChange: (e) => { entity = e.target.value || null; rows.length = 0; next(); } },
    h("option", { value: "" }, "全部对象"), Object.entries(LABELS.entity).map(([code, text]) => h("option", { value: code }, text)));
  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "变更历史"),
      h("p", { class: "hint" }, "每项治理变更都有版本号（即策略版本）、操作人和前后对照。Every change, versioned, with before and after.")),
    h("div", { class: "toolbar" }, field("对象类型", choose)),
    list, h("div", { class: "actions" }, more));
  await next();
}

function show(value) {
  if (value === null || value === undefined) return "—";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

function diff(before, after) {
  const keys = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])];
  if (!keys.length) return "—";
  return h("div", { class: "diff" },
    h("span", { class: "head" }, "字段"), h("span", { class: "head" }, "变更前"), h("span", { class: "head" }, "变更后"),
    keys.map((key) => {
      const old = show(before?.[key]);
      const now = show(after?.[key]);
      const changed = before && after && old !== now ? "changed" : "";
      return [h("code", null, key), h("span", { class: changed }, before ? old : ""), h("span", { class: changed }, after ? now : "")];
    }));
}
