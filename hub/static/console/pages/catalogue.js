// 共享目录与授权: browse and search the sharing catalogue, see who holds which grant, grant and revoke in bulk,
// change an item's attributes.

import { gql, mutate } from "../lib/api.js";
import { badge, busy, dialog, endOf, field, h, notify, replace, startOf, table, when } from "../lib/dom.js";
import { LABELS, label } from "../lib/labels.js";

const DATA = `{
  catalogueItems { code name description provider sensitivity shareType updateCycle openType mask version updatedAt updatedBy }
  sharingGrants { id itemCode granteeRole granteeOrganisation access purpose validFrom validUntil origin createdAt createdBy }
}`;
const GRANT = `mutation ($input: GrantAccessInput!) { grantAccess(input: $input) { grants { id } errors { field code message } } }`;
const REVOKE = `mutation ($input: RevokeGrantsInput!) { revokeGrants(input: $input) { grants { id } errors { field code message } } }`;
const UPDATE = `mutation ($input: UpdateCatalogueItemInput!) { updateCatalogueItem(input: $input) { item { code version } errors { field code message } } }`;

const SHARE_TONE = { UNCONDITIONAL: "ok", CONDITIONAL: "warn", NOT_SHARED: "bad" };
const SENSITIVITY_TONE = { PUBLIC: "", INTERNAL: "", PERSONAL: "warn", SENSITIVE_PERSONAL: "bad" };

export async function render(view, context) {
  const state = { query: "", shareType: "", sensitivity: "", typeName: "", grantee: "", selected: new Set(), open: null };
  let data = await gql(DATA);
  const organisations = context.organisations;
  const orgName = (code) => organisations.find((o) => o.code === code)?.name || code;
  const grantee = (g) => (g.granteeRole ? `${label("role", g.granteeRole)}（角色）` : orgName(g.granteeOrganisation));

  const list = h("div", { class: "list" });
  const detail = h("aside", { class: "detail panel", "aria-label": "信息项详情" });
  const count = h("span", { class: "hint" });
  const bulk = h("button", { type: "button", class: "primary", disabled: true, onClick: (e) => busy(e.currentTarget, () => grantDialog([...state.selected])) }, "授权所选信息项");

  async function reload() {
    data = await gql(DATA);
    draw();
  }

  function filtered() {
    const q = state.query.trim().toLowerCase();
    const holders = state.grantee ? new Set(data.sharingGrants.filter((g) => (g.granteeRole || g.granteeOrganisation) === state.grantee).map((g) => g.itemCode)) : null;
    return data.catalogueItems.filter((item) =>
      (!q || [item.code, item.name, item.description].some((t) => t.toLowerCase().includes(q)))
      && (!state.shareType || item.shareType === state.shareType)
      && (!state.sensitivity || item.sensitivity === state.sensitivity)
      && (!state.typeName || item.code.startsWith(`${state.typeName}.`))
      && (!holders || holders.has(item.code)));
  }

  function draw() {
    const items = filtered();
    const grantsOf = (code) => data.sharingGrants.filter((g) => g.itemCode === code);
    count.textContent = `共 ${items.length} 项（目录 ${data.catalogueItems.length} 项），已选 ${state.selected.size} 项`;
    bulk.disabled = state.selected.size === 0;
    replace(list, table([
      { label: h("span", { class: "sr-only" }, "选择"), class: "narrow", value: (item) => h("input", {
        type: "checkbox", "aria-label": `选择 ${item.code}`, checked: state.selected.has(item.code),
        onChange: (e) => { e.target.checked ? state.selected.add(item.code) : state.selected.delete(item.code); draw(); },
      }) },
      { label: "信息项 Item", value: (item) => h("button", { type: "button", class: "link item", onClick: () => { state.open = item.code; draw(); } },
        h("span", null, item.name), h("code", null, item.code)) },
      { label: "共享类型", value: (item) => badge(label("shareType", item.shareType), SHARE_TONE[item.shareType]) },
      { label: "敏感程度", value: (item) => badge(label("sensitivity", item.sensitivity), SENSITIVITY_TONE[item.sensitivity]) },
      { label: "授权数", class: "number", value: (item) => String(grantsOf(item.code).length) },
    ], items, { empty: "没有符合条件的信息项", rowAttrs: (item) => ({ class: item.code === state.open ? "open" : "" }) }));
    drawDetail();
  }

  function drawDetail() {
    const item = data.catalogueItems.find((i) => i.code === state.open);
    if (!item) {
      replace(detail, h("p", { class: "hint" }, "选择左侧信息项，查看其属性和授权。Pick an item to see its grants."));
      return;
    }
    const grants = data.sharingGrants.filter((g) => g.itemCode === item.code);
    const chosen = new Set();
    const revoke = h("button", { type: "button", class: "danger", disabled: true, onClick: (e) => busy(e.currentTarget, () => revokeDialog([...chosen], grants)) }, "撤销所选授权");
    replace(detail,
      h("h2", null, item.name), h("code", null, item.code),
      h("p", null, item.description),
      h("dl", { class: "facts" },
        fact("共享类型", label("shareType", item.shareType)), fact("敏感程度", label("sensitivity", item.sensitivity)),
        fact("提供方", item.provider === "ASSIGNED_UTILITY" ? "承办公用企业" : orgName(item.provider)),
        fact("脱敏方式", label("mask", item.mask)), fact("更新周期", label("updateCycle", item.updateCycle)),
        fact("开放属性", label("openType", item.openType)), fact("版本", `v${item.version} · ${when(item.updatedAt)} · ${item.updatedBy}`)),
      h("div", { class: "actions" },
        h("button", { type: "button", class: "secondary", onClick: (e) => busy(e.currentTarget, () => editDialog(item)) }, "修改属性"),
        h("button", { type: "button", class: "primary", onClick: (e) => busy(e.currentTarget, () => grantDialog([item.code])) }, "新增授权")),
      h("h3", null, `现行授权（${grants.length}）Current grants`),
      table([
        { label: h("span", { class: "sr-only" }, "选择"), class: "narrow", value: (g) => h("input", {
          type: "checkbox", "aria-label": `选择授权 ${grantee(g)} ${label("access", g.access)}`,
          onChange: (e) => { e.target.checked ? chosen.add(g.id) : chosen.delete(g.id); revoke.disabled = chosen.size === 0; },
        }) },
        { label: "被授权方", value: (g) => grantee(g) },
        { label: "权限", value: (g) => badge(label("access", g.access), g.access === "READ_FULL" ? "warn" : "") },
        { label: "用途", value: (g) => g.purpose },
        { label: "有效期 · 来源", value: (g) => h("div", null, g.validUntil ? `至 ${when(g.validUntil)}` : "长期",
          h("div", { class: "hint" }, label("origin", g.origin))) },
      ], grants, { empty: "无人持有此信息项的授权" }),
      h("div", { class: "actions" }, revoke));
  }

  async function grantDialog(codes) {
    const kind = h("select", { name: "kind" }, h("option", { value: "organisation" }, "组织 Organisation"), h("option", { value: "role" }, "角色 Role"));
    const org = h("select", { name: "organisation" }, organisations.map((o) => h("option", { value: o.code }, `${o.name}（${o.code}）`)));
    const role = h("select", { name: "role" }, Object.entries(LABELS.role).map(([code, text]) => h("option", { value: code }, `${text}（${code}）`)));
    const form = await dialog(`授权 ${codes.length} 个信息项`, [
      h("p", { class: "hint" }, codes.join("、")),
      field("授权对象", kind), field("组织", org), field("角色", role, "按组织或按角色，二选一（按上面的“授权对象”）"),
      field("权限", h("select", { name: "access" }, Object.entries(LABELS.access).map(([c, t]) => h("option", { value: c }, t)))),
      field("用途 Purpose", h("input", { name: "purpose", required: true, maxLength: 300 }), "《个人信息保护法》第二十三条：说明共享目的"),
      field("生效日期（可选）", h("input", { name: "validFrom", type: "date" })),
      field("截止日期（可选）", h("input", { name: "validUntil", type: "date" })),
    ], { submit: "授权" });
    if (!form) return;
    const byRole = form.get("kind") === "role";
    await mutate(GRANT, { input: {
      itemCodes: codes, access: form.get("access"), purpose: form.get("purpose"),
      grantee: byRole ? { role: form.get("role") } : { organisation: form.get("organisation") },
      validFrom: form.get("validFrom") ? startOf(form.get("validFrom")) : null,
      validUntil: form.get("validUntil") ? endOf(form.get("validUntil")) : null,
    } }, "grantAccess");
    state.selected.clear();
    await reload();
    notify(`已授权 ${codes.length} 个信息项。Granted.`);
  }

  async function revokeDialog(ids, grants) {
    const form = await dialog(`撤销 ${ids.length} 项授权`, [
      h("ul", null, grants.filter((g) => ids.includes(g.id)).map((g) => h("li", null, `${grantee(g)} · ${label("access", g.access)} · ${g.purpose}`))),
      field("撤销原因 Reason", h("textarea", { name: "reason", required: true, maxLength: 500, rows: 2 })),
      h("p", { class: "hint" }, "撤销自下一次请求起生效，记入变更历史。Effective on the next request."),
    ], { submit: "撤销", danger: true });
    if (!form) return;
    await mutate(REVOKE, { input: { grantIds: ids, reason: form.get("reason") } }, "revokeGrants");
    await reload();
    notify(`已撤销 ${ids.length} 项授权。Revoked.`);
  }

  async function editDialog(item) {
    const select = (name, list) => h("select", { name }, Object.entries(LABELS[list]).map(([c, t]) => h("option", { value: c, selected: c === item[name] }, t)));
    const form = await dialog(`修改 ${item.name}`, [
      field("名称", h("input", { name: "name", value: item.name, required: true })),
      field("说明", h("textarea", { name: "description", rows: 3 }, item.description)),
      field("共享类型", select("shareType", "shareType")), field("敏感程度", select("sensitivity", "sensitivity")),
      field("脱敏方式", select("mask", "mask")), field("更新周期", select("updateCycle", "updateCycle")),
      field("开放属性", select("openType", "openType")),
    ], { submit: "保存" });
    if (!form) return;
    const input = { code: item.code, expectedVersion: item.version };
    for (const key of ["name", "description", "shareType", "sensitivity", "mask", "updateCycle", "openType"]) {
      if (form.get(key) !== item[key]) input[key] = form.get(key);
    }
    await mutate(UPDATE, { input }, "updateCatalogueItem");
    await reload();
    notify(`已保存 ${item.code}。Saved.`);
  }

  const typeNames = [...new Set(data.catalogueItems.map((i) => i.code.split(".")[0]))].sort();
  const holders = [...new Set(data.sharingGrants.map((g) => g.granteeRole || g.granteeOrganisation))].sort();
  const selectFilter = (key, aria, options) => h("select", {
    "aria-label": aria, onChange: (e) => { state[key] = e.target.value; draw(); },
  }, h("option", { value: "" }, `${aria}：全部`), options);
  replace(view,
    h("div", { class: "page-head" }, h("h1", null, "共享目录与授权"), h("p", { class: "hint" }, "信息共享目录 · Sharing catalogue: items, share types, sensitivity and grants")),
    h("div", { class: "toolbar" },
      h("input", { type: "search", "aria-label": "搜索信息项", placeholder: "搜索名称、代码或说明 Search", onInput: (e) => { state.query = e.target.value; draw(); } }),
      selectFilter("shareType", "共享类型", Object.entries(LABELS.shareType).map(([c, t]) => h("option", { value: c }, t))),
      selectFilter("sensitivity", "敏感程度", Object.entries(LABELS.sensitivity).map(([c, t]) => h("option", { value: c }, t))),
      selectFilter("typeName", "对象", typeNames.map((t) => h("option", { value: t }, t))),
      selectFilter("grantee", "持有授权者", holders.map((c) => h("option", { value: c }, LABELS.role[c] ? `${LABELS.role[c]}（角色）` : orgName(c)))),
      count, bulk),
    h("div", { class: "split" }, list, detail));
  draw();
}

function fact(name, value) {
  return [h("dt", null, name), h("dd", null, value)];
}
