// 审计日志: who read or changed which items of which case, when, on which grants; filters, pages, and a check of
// the hash chain (tamper evidence).

import { gql } from "../lib/api.js";
import { badge, busy, endOf, field, h, replace, startOf, table, when } from "../lib/dom.js";
import { label } from "../lib/labels.js";

const PAGE = `query ($filter: AuditFilterInput, $after: String) {
  auditRecords(filter: $filter, first: 50, after: $after) {
    edges { node { id at subject organisation clientId kind operation caseId items grants outcome reason hash } }
    pageInfo { hasNextPage endCursor } } }`;
const VERIFY = `{ verifyAuditChain { intact records firstBadId problem checkpoints } }`;

export async function render(view, context) {
  const rows = [];
  let filter = {};
  let cursor = null;
  const list = h("div");
  const more = h("button", { type: "button", class: "secondary", hidden: true, onClick: (e) => busy(e.currentTarget, next) }, "加载更多 More");
  const chain = h("div", { class: "chain", role: "status" });

  async function next() {
    const page = (await gql(PAGE, { filter, after: cursor })).auditRecords;
    rows.push(...page.edges.map((e) => e.node));
    cursor = page.pageInfo.endCursor;
    more.hidden = !page.pageInfo.hasNextPage;
    draw();
  }

  function draw() {
    replace(list, table([
      { label: "时间", class: "nowrap", value: (r) => when(r.at) },
      { label: "操作人", value: (r) => h("div", null, r.subject, h("div", { class: "hint" }, [r.organisation, r.clientId].filter(Boolean).join(" · "))) },
      { label: "类型", value: (r) => badge(label("auditKind", r.kind), r.kind === "WRITE" ? "warn" : "") },
      { label: "操作", value: (r) => h("code", null, r.operation) },
      { label: "信息项", value: (r) => (r.items.length ? h("details", null, h("summary", null, `${r.items.length} 项`), h("code", null, r.items.join(", "))) : "—") },
      { label: "结果", value: (r) => badge(r.outcome === "OK" ? "成功" : r.outcome, r.outcome === "OK" ? "ok" : "bad") },
      { label: "案件", value: (r) => r.caseId && h("button", { type: "button", class: "link", title: r.caseId, onClick: () => {
        form.elements.caseId.value = r.caseId;
        busy(searchButton, () => search(form));
      } }, `…${r.caseId.slice(-10)}`) },
      { label: "说明", value: (r) => r.reason || "" },
      { label: "记录", value: (r) => h("code", { title: r.hash }, `#${r.id} ${r.hash.slice(0, 8)}`) },
    ], rows, { empty: "没有符合条件的审计记录" }));
  }

  async function search(form) {
    const data = new FormData(form);
    filter = {};
    for (const key of ["organisation", "subject", "kind", "caseId"]) if (data.get(key)) filter[key] = data.get(key).trim();
    if (data.get("since")) filter.since = startOf(data.get("since"));
    if (data.get("until")) filter.until = endOf(data.get("until"));
    rows.length = 0;
    cursor = null;
    await next();
  }

  async function verify() {
    const result = (await gql(VERIFY)).verifyAuditChain;
    replace(chain, result.intact
      ? badge(`完整 Intact：${result.records} 条记录，经 ${result.checkpoints} 个签名检查点`, "ok")
      : badge(`已被改动 Broken：${result.problem}${result.firstBadId ? `（首个异常记录 #${result.firstBadId}）` : ""}`, "bad"));
  }

  const searchButton = h("button", { type: "submit", class: "primary" }, "查询 Search");
  const form = h("form", { class: "filters", onSubmit: (e) => { e.preventDefault(); busy(searchButton, () => search(e.target)); } },
    field("单位", h("select", { name: "organisation" }, h("option", { value: "" }, "全部"), context.organisations.map((o) => h("option", { value: o.code }, o.name || o.code)))),
    field("操作人", h("input", { name: "subject", placeholder: "用户或客户端标识" })),
    field("类型", h("select", { name: "kind" }, h("option", { value: "" }, "全部"), h("option", { value: "READ" }, "读取"), h("option", { value: "WRITE" }, "写入"))),
    field("案件 ID", h("input", { name: "caseId", placeholder: "案件的全局 ID" })),
    field("自", h("input", { name: "since", type: "date" })),
    field("至", h("input", { name: "until", type: "date" })),
    searchButton);

  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "审计日志"),
      h("p", { class: "hint" }, "只增不改、以哈希链防篡改的审计记录；最新的在前。Append-only, hash-chained audit log.")),
    h("section", { class: "panel" }, h("div", { class: "chain" },
      h("button", { type: "button", class: "secondary", onClick: (e) => busy(e.currentTarget, verify) }, "校验哈希链 Verify chain"), chain)),
    h("div", { class: "panel" }, form, list, h("div", { class: "actions" }, more)));
  await next();
}
