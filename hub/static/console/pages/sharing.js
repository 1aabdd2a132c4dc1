// 申请有条件共享 (utilities): the CONDITIONAL items the organisation may request, whether it holds them, and its
// requests with their answers.

import { gql, mutate } from "../lib/api.js";
import { badge, busy, day, field, h, notify, replace, table, when } from "../lib/dom.js";
import { label } from "../lib/labels.js";

const DATA = `{
  requestableItems { code name description sensitivity held heldUntil pendingRequest }
  sharingRequests { id itemCodes purpose status requestedAt dueAt decidedAt reason validFrom validUntil }
}`;
const REQUEST = `mutation ($input: RequestSharingInput!) { requestSharing(input: $input) { request { id dueAt } errors { field code message } } }`;
const TONE = { PENDING: "warn", APPROVED: "ok", REFUSED: "bad" };

export async function render(view) {
  const chosen = new Set();
  const itemsArea = h("div");
  const mine = h("div");
  const purpose = h("textarea", { name: "purpose", rows: 3, maxLength: 500, required: true, placeholder: "例如：核验申请人身份以办理燃气过户" });
  const send = h("button", { type: "submit", class: "primary", disabled: true }, "提交申请 Submit request");
  const form = h("form", {
    class: "stack", onSubmit: (e) => { e.preventDefault(); busy(send, submit); },
  }, field("用途 Purpose（必填）", purpose, "说明用途、范围与依据；审批单位据此决定。"), h("div", null, send));

  async function draw() {
    const data = await gql(DATA);
    const name = (code) => data.requestableItems.find((i) => i.code === code)?.name || code;
    replace(itemsArea, table([
      { label: h("span", { class: "sr-only" }, "选择"), class: "narrow", value: (i) => h("input", {
        type: "checkbox", "aria-label": `申请 ${i.code}`, checked: chosen.has(i.code),
        onChange: (e) => { e.target.checked ? chosen.add(i.code) : chosen.delete(i.code); send.disabled = chosen.size === 0; },
      }) },
      { label: "信息项", value: (i) => h("div", null, h("strong", null, i.name), " ", h("code", null, i.code), h("div", { class: "hint" }, i.description)) },
      { label: "敏感程度", value: (i) => badge(label("sensitivity", i.sensitivity), i.sensitivity === "SENSITIVE_PERSONAL" ? "bad" : "warn") },
      { label: "本单位状态", value: (i) => (i.held ? badge(i.heldUntil ? `已获授权至 ${day(i.heldUntil)}` : "已获授权", "ok")
        : i.pendingRequest ? badge("审批中", "warn") : badge("未授权")) },
    ], data.requestableItems, { empty: "目录中暂无有条件共享的信息项" }));
    replace(mine, table([
      { label: "信息项", value: (r) => r.itemCodes.map(name).join("、") },
      { label: "用途", value: (r) => r.purpose },
      { label: "提交时间", value: (r) => when(r.requestedAt) },
      { label: "答复期限", value: (r) => day(r.dueAt) },
      { label: "结果", value: (r) => h("div", null, badge(label("requestStatus", r.status), TONE[r.status]),
        r.status === "APPROVED" && h("div", { class: "hint" }, `有效期 ${day(r.validFrom || r.decidedAt)} 至 ${day(r.validUntil)}`),
        r.status === "REFUSED" && h("div", { class: "hint" }, `理由：${r.reason}`)) },
    ], data.sharingRequests, { empty: "本单位尚未提交申请" }));
  }

  async function submit() {
    const payload = await mutate(REQUEST, { input: { itemCodes: [...chosen], purpose: purpose.value } }, "requestSharing");
    chosen.clear();
    purpose.value = "";
    send.disabled = true;
    await draw();
    notify(`申请已提交，答复期限 ${day(payload.request.dueAt)}。Request filed.`);
  }

  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "申请有条件共享"),
      h("p", { class: "hint" }, "有条件共享的信息项须说明用途，经政务服务和大数据管理局批准后在有效期内可完整读取。Conditional items: request with a purpose.")),
    h("section", { class: "panel" }, h("h2", null, "可申请的信息项 Requestable items"), itemsArea, h("h3", null, "申请"), form),
    h("section", { class: "panel" }, h("h2", null, "本单位的申请 Our requests"), mine));
  await draw();
}
