// The console's shell: sign-in, the navigation of the signed-in person's roles, and a page per hash route.

import { gql } from "./lib/api.js";
import { beginSignIn, completeSignIn, config, currentToken, demoIdentities, expired, onChange, signOut, useToken } from "./lib/auth.js";
import { busy, h, notify, replace } from "./lib/dom.js";
import { label } from "./lib/labels.js";

const PAGES = [
  { path: "catalogue", title: "共享目录与授权", en: "Catalogue & grants", role: "GOVERNANCE", module: "./pages/catalogue.js" },
  { path: "requests", title: "有条件共享审批", en: "Sharing requests", role: "GOVERNANCE", module: "./pages/requests.js" },
  { path: "clients", title: "接入客户端", en: "OAuth clients", role: "GOVERNANCE", module: "./pages/clients.js" },
  { path: "time-limits", title: "时限规则与工作日历", en: "Time limits & calendar", role: "GOVERNANCE", module: "./pages/timelimits.js" },
  { path: "audit", title: "审计日志", en: "Audit log", role: "GOVERNANCE", module: "./pages/audit.js" },
  { path: "changes", title: "变更历史", en: "Change history", role: "GOVERNANCE", module: "./pages/changes.js" },
  { path: "late", title: "超期与预警", en: "Overdue & at risk", role: "SUPERVISOR", module: "./pages/late.js" },
  { path: "statistics", title: "统计分析", en: "Statistics", role: "SUPERVISOR", module: "./pages/statistics.js" },
  { path: "sharing", title: "申请有条件共享", en: "Request sharing", role: "UTILITY", module: "./pages/sharing.js" },
];
const CONSOLE_ROLES = ["GOVERNANCE", "SUPERVISOR", "UTILITY"];

const root = document.getElementById("app");
let context = null;  // {viewer, organisations, districts}: loaded once per sign-in

function pagesFor(roles) {
  return PAGES.filter((p) => roles.includes(p.role));
}

async function start() {
  root.classList.remove("loading");
  onChange((reason) => {
    context = null;
    if (reason) notify(reason, "error");
    route();
  });
  window.addEventListener("hashchange", route);
  try {
    await completeSignIn();
  } catch (error) {
    renderSignIn(error.message);
    return;
  }
  await route();
}

async function route() {
  if (!currentToken() || expired()) {
    if (currentToken()) signOut("登录已过期，请重新登录。Your sign-in has expired.");
    else renderSignIn();
    return;
  }
  if (!context) {
    try {
      context = await gql(`{ viewer { subject organisation roles }
        organisations { code name services } districts { code name active } }`);
    } catch (error) {
      signOut(`无法登录：${error.message}`);
      return;
    }
  }
  const pages = pagesFor(context.viewer.roles);
  const wanted = window.location.hash.replace(/^#\/?/, "").split("?")[0];
  const page = pages.find((p) => p.path === wanted) || pages[0];
  const view = renderShell(pages, page);
  if (!page) {
    replace(view, h("section", { class: "panel" }, h("h1", null, "此控制台不适用于您的角色"),
      h("p", null, "管理控制台面向数据治理（政务服务和大数据管理局）、时限监管（城市管理局、优化营商环境办公室）和公用企业的共享申请。",
        "This console is for governance, supervision and utilities' sharing requests."),
      config.graphiql && h("p", null, h("a", { href: config.graphiql }, "打开 GraphiQL 调用接口 Open GraphiQL"))));
    return;
  }
  if (wanted !== page.path) window.history.replaceState(null, "", `#/${page.path}`);
  document.title = `${page.title} · 一件事一次办`;
  const module = await import(page.module);
  try {
    await module.render(view, context);
  } catch (error) {
    replace(view, h("div", { class: "notice error", role: "alert" }, `加载失败：${error.message}`));
  }
}

function renderShell(pages, current) {
  const viewer = context.viewer;
  const organisation = context.organisations.find((o) => o.code === viewer.organisation);
  const view = h("main", { id: "view", tabIndex: -1 });
  replace(root,
    h("header", { class: "top" },
      h("div", { class: "brand" }, h("strong", null, "一件事一次办"), h("span", null, "数据共享治理与时限监管")),
      h("div", { class: "who", role: "status" },
        h("span", null, viewer.subject),
        viewer.roles.map((r) => h("span", { class: "badge" }, label("role", r))),
        viewer.organisation && h("span", { class: "org" }, organisation?.name || viewer.organisation),
        h("button", { type: "button", class: "secondary small", onClick: () => signOut() }, "退出 Sign out"))),
    h("div", { class: "layout" },
      h("nav", { class: "side", "aria-label": "功能" },
        CONSOLE_ROLES.filter((role) => pages.some((p) => p.role === role)).map((role) => h("div", { class: "group" },
          h("div", { class: "group-title" }, label("role", role)),
          pages.filter((p) => p.role === role).map((p) => h("a", {
            href: `#/${p.path}`, class: p === current ? "current" : "", "aria-current": p === current ? "page" : null,
          }, h("span", null, p.title), h("small", null, p.en)))))),
      h("div", { class: "content" }, h("div", { id: "notices", "aria-live": "polite" }), view)));
  return view;
}

async function renderSignIn(problem) {
  const demo = (await demoIdentities()).filter((d) => CONSOLE_ROLES.includes(d.role))
    .sort((a, b) => CONSOLE_ROLES.indexOf(a.role) - CONSOLE_ROLES.indexOf(b.role));
  const pasted = h("input", { type: "password", name: "token", autocomplete: "off", placeholder: "粘贴令牌 paste a bearer token", "aria-label": "令牌 Token", required: true });
  replace(root,
    h("div", { class: "signin" },
      h("h1", null, "一件事一次办 · 数据共享治理与时限监管"),
      h("p", { class: "lead" }, "开封市水电气暖信过户、报装 — 管理控制台 Console"),
      h("div", { id: "notices", "aria-live": "polite" }),
      problem && h("div", { class: "notice error", role: "alert" }, problem),
      config.oidc.length > 0 && h("section", { class: "panel" },
        h("h2", null, "统一身份认证登录 Single sign-on"),
        config.oidc.map((issuer) => h("button", {
          type: "button", class: "primary",
          onClick: (e) => busy(e.currentTarget, () => beginSignIn(issuer)),
        }, `通过 ${issuer.name} 登录`))),
      demo.length > 0 && h("section", { class: "panel" },
        h("h2", null, "演示身份 Demo identities"),
        h("p", { class: "hint" }, "仅在本机运行的嵌入式默认部署提供。Offered on the embedded default, on this machine only."),
        h("div", { class: "choices" }, demo.map((d) => h("button", {
          type: "button", class: "choice", onClick: () => useToken(d.token),
        }, h("strong", null, label("role", d.role)), h("span", null, d.organisation || d.role))))),
      h("section", { class: "panel" },
        h("h2", null, "使用令牌 Use a token"),
        h("form", {
          class: "inline", onSubmit: (e) => { e.preventDefault(); useToken(pasted.value.trim()); },
        }, pasted, h("button", { type: "submit", class: "secondary" }, "登录 Sign in")),
        h("p", { class: "hint" }, "令牌仅保存在本标签页中。The token is kept for this browser tab only."))));
  document.title = "登录 Sign in · 一件事一次办";
}

start();
