// 接入客户端: machine callers with client credentials (utilities' systems, the government platform); register,
// rotate the secret (shown once), disable.

import { gql, mutate } from "../lib/api.js";
import { badge, busy, dialog, field, h, notify, replace, table, when } from "../lib/dom.js";
import { label } from "../lib/labels.js";

const DATA = `{ oauthClients { clientId name organisationCode roles secretGeneration enabled createdAt createdBy rotatedAt disabledAt } }`;
const PAYLOAD = "client { clientId name } clientSecret errors { field code message }";
const REGISTER = `mutation ($input: RegisterOAuthClientInput!) { registerOAuthClient(input: $input) { ${PAYLOAD} } }`;
const ROTATE = `mutation ($id: String!) { rotateOAuthClientSecret(clientId: $id) { ${PAYLOAD} } }`;
const DISABLE = `mutation ($id: String!) { disableOAuthClient(clientId: $id) { ${PAYLOAD} } }`;

export async function render(view, context) {
  const orgName = (code) => context.organisations.find((o) => o.code === code)?.name || code;
  const list = h("div");

  async function draw() {
    const data = await gql(DATA);
    replace(list, table([
      { label: "名称", value: (c) => h("div", null, h("strong", null, c.name), h("div", null, h("code", null, c.clientId))) },
      { label: "所属单位", value: (c) => orgName(c.organisationCode) },
      { label: "角色", value: (c) => c.roles.map((r) => badge(label("role", r))) },
      { label: "状态", value: (c) => (c.enabled ? badge("启用", "ok") : badge(`已停用 ${when(c.disabledAt)}`, "bad")) },
      { label: "密钥", value: (c) => h("div", null, `第 ${c.secretGeneration} 代`, c.rotatedAt && h("div", { class: "hint" }, `更换于 ${when(c.rotatedAt)}`)) },
      { label: "登记", value: (c) => h("div", { class: "hint" }, `${when(c.createdAt)} · ${c.createdBy}`) },
      { label: "操作", value: (c) => c.enabled && h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary small", "aria-label": `更换密钥 ${c.name}`, onClick: (e) => busy(e.currentTarget, () => rotate(c)) }, "更换密钥"),
        h("button", { type: "button", class: "danger small", "aria-label": `停用 ${c.name}`, onClick: (e) => busy(e.currentTarget, () => disable(c)) }, "停用")) },
    ], data.oauthClients, { empty: "尚未登记接入客户端" }));
  }

  async function register() {
    const form = await dialog("登记接入客户端", [
      field("名称 Name", h("input", { name: "name", required: true, maxLength: 100, placeholder: "例如：水务集团营业系统" })),
      field("所属单位", h("select", { name: "organisation" }, context.organisations.map((o) => h("option", { value: o.code }, `${o.name}（${o.code}）`)))),
      h("fieldset", null, h("legend", null, "角色"),
        ["UTILITY", "PLATFORM"].map((r) => h("label", null, h("input", { type: "checkbox", name: "roles", value: r, checked: r === "UTILITY" }), ` ${label("role", r)}（${r}）`))),
    ], { submit: "登记" });
    if (!form) return;
    const payload = await mutate(REGISTER, { input: { name: form.get("name"), organisation: form.get("organisation"), roles: form.getAll("roles") } }, "registerOAuthClient");
    await showSecret(payload, "已登记");
    await draw();
  }

  async function rotate(client) {
    const ok = await dialog(`更换 ${client.name} 的密钥？`, [h("p", null, "旧密钥及其签发的令牌将立即失效。The old secret and its tokens stop working at once.")], { submit: "更换", danger: true });
    if (!ok) return;
    await showSecret(await mutate(ROTATE, { id: client.clientId }, "rotateOAuthClientSecret"), "已更换密钥");
    await draw();
  }

  async function disable(client) {
    const ok = await dialog(`停用 ${client.name}？`, [h("p", null, "停用后其令牌在下一次请求时即失效。Its tokens stop working on the next request.")], { submit: "停用", danger: true });
    if (!ok) return;
    await mutate(DISABLE, { id: client.clientId }, "disableOAuthClient");
    await draw();
    notify(`已停用 ${client.name}。Disabled.`);
  }

  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "接入客户端"),
      h("p", { class: "hint" }, "公用企业系统和政务平台以客户端凭证（OAuth client credentials）接入。Machine clients.")),
    h("div", { class: "toolbar" }, h("button", { type: "button", class: "primary", onClick: (e) => busy(e.currentTarget, register) }, "登记新客户端 Register")),
    list);
  await draw();
}

// The secret exists in no list and is never shown again: the dialog says so and offers to copy it.
async function showSecret(payload, title) {
  const secret = h("div", { class: "secret", "aria-label": "客户端密钥" }, payload.clientSecret);
  await dialog(`${title}：${payload.client.name}`, [
    h("div", { class: "notice warn" }, "密钥仅显示这一次，请立即妥善保存。The secret is shown once only."),
    field("客户端 ID", h("div", { class: "secret" }, payload.client.clientId)),
    field("客户端密钥 Secret", secret),
    h("button", { type: "button", class: "secondary small", onClick: async (e) => {
      await navigator.clipboard.writeText(payload.clientSecret).then(() => { e.target.textContent = "已复制"; }, () => { e.target.textContent = "请手动复制"; });
    } }, "复制密钥 Copy"),
  ], { submit: "我已保存 Done", cancel: false });
  notify(`${title}。`);
}
