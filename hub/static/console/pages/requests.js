// 有条件共享审批: utilities' requests for CONDITIONAL items, with purpose and the 10-working-day answer date;
// approve for a validity window or refuse with a reason.

import { gql, mutate } from "../lib/api.js";
import { addDays, badge, busy, day, dialog, endOf, field, h, localDay, notify, replace, startOf, table, when } from "../lib/dom.js";
import { label } from "../lib/labels.js";

const DATA = `query ($status: String) {
  sharingRequests(status: $status) { id organisationCode requestedBy itemCodes purpose status requestedAt dueAt decidedAt decidedBy reason validFrom validUntil }
  catalogueItems(shareType: "CONDITIONAL") { code name }
}`;
const APPROVE = `mutation ($input: ApproveSharingRequestInput!) { approveSharingRequest(input: $input) { request { id status } errors { field code message } } }`;
const REFUSE = `mutation ($input: RefuseSharingRequestInput!) { refuseSharingRequest(input: $input) { request { id status } errors { field code message } } }`;
const TABS = [["PENDING", "待审批 Pending"], ["APPROVED", "已批准 Approved"], ["REFUSED", "已拒绝 Refused"], ["", "全部 All"]];
const TONE = { PENDING: "warn", APPROVED: "ok", REFUSED: "bad" };

export async function render(view, context) {
  let status = "PENDING";
  const orgName = (code) => context.organisations.find((o) => o.code === code)?.name || code;
  const tabs = h("div", { class: "tabs", role: "tablist" });
  const body = h("div");

  async function draw() {
    const data = await gql(DATA, { status: status || null });
    const itemName = (code) => data.catalogueItems.find((i) => i.code === code)?.name || code;
    replace(tabs, TABS.map(([code, text]) => h("button", {
      type: "button", role: "tab", "aria-selected": String(code === status), onClick: () => { status = code; draw(); },
    }, text)));
    replace(body, table([
      { label: "申请单位", value: (r) => h("div", null, h("strong", null, orgName(r.organisationCode)), h("div", { class: "hint" }, r.requestedBy)) },
      { label: "申请信息项", value: (r) => h("ul", { class: "plain" }, r.itemCodes.map((c) => h("li", null, itemName(c), " ", h("code", null, c)))) },
      { label: "用途 Purpose", value: (r) => r.purpose },
      { label: "申请时间", value: (r) => when(r.requestedAt) },
      { label: "答复期限", value: (r) => due(r) },
      { label: "状态", value: (r) => h("div", null, badge(label("requestStatus", r.status), TONE[r.status]), decision(r)) },
      { label: "操作", value: (r) => r.status === "PENDING" && h("div", { class: "actions" },
        h("button", { type: "button", class: "primary small", "aria-label": `批准 ${orgName(r.organisationCode)} 的申请`, onClick: (e) => busy(e.currentTarget, () => approve(r)) }, "批准"),
        h("button", { type: "button", class: "secondary small", "aria-label": `拒绝 ${orgName(r.organisationCode)} 的申请`, onClick: (e) => busy(e.currentTarget, () => refuse(r)) }, "拒绝")) },
    ], data.sharingRequests, { empty: "没有此状态的申请" }));
  }

  async function approve(request) {
    const today = localDay();
    const form = await dialog("批准有条件共享申请", [
      h("p", null, `${orgName(request.organisationCode)}：${request.purpose}`),
      field("生效日期 Valid from", h("input", { type: "date", name: "validFrom", value: today, required: true })),
      field("截止日期 Valid until", h("input", { type: "date", name: "validUntil", value: addDays(today, 365), required: true }),
        "批准后授予完整读取权限，至截止日期当天结束。"),
    ], { submit: "批准" });
    if (!form) return;
    await mutate(APPROVE, { input: { requestId: request.id, validFrom: startOf(form.get("validFrom")), validUntil: endOf(form.get("validUntil")) } }, "approveSharingRequest");
    await draw();
    notify(`已批准 ${orgName(request.organisationCode)} 的申请，授权至 ${form.get("validUntil")}。Approved.`);
  }

  async function refuse(request) {
    const form = await dialog("拒绝有条件共享申请", [
      h("p", null, `${orgName(request.organisationCode)}：${request.purpose}`),
      field("拒绝理由 Reason", h("textarea", { name: "reason", rows: 3, required: true, maxLength: 500 }), "理由将告知申请单位。"),
    ], { submit: "拒绝", danger: true });
    if (!form) return;
    await mutate(REFUSE, { input: { requestId: request.id, reason: form.get("reason") } }, "refuseSharingRequest");
    await draw();
    notify("已拒绝该申请。Refused.");
  }

  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "有条件共享审批"),
      h("p", { class: "hint" }, "公用企业申请有条件共享的信息项；依《政务信息资源共享管理暂行办法》，应在 10 个工作日内答复。Sharing requests: answer within 10 working days.")),
    tabs, body);
  await draw();
}

function due(request) {
  if (request.status !== "PENDING") return day(request.dueAt);
  const left = (new Date(request.dueAt) - Date.now()) / 86_400_000;
  const text = left < 0 ? `已逾期 ${Math.ceil(-left)} 天` : `剩余 ${Math.floor(left)} 天`;
  return h("div", null, day(request.dueAt), h("div", { class: left < 0 ? "due-late" : left < 3 ? "due-soon" : "hint" }, text));
}

function decision(request) {
  if (request.status === "APPROVED") {
    return h("div", { class: "hint" }, `${day(request.validFrom || request.decidedAt)} 至 ${day(request.validUntil)}`);
  }
  if (request.status === "REFUSED") return h("div", { class: "hint" }, `理由：${request.reason}`);
  return null;
}
