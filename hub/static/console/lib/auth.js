// Who is signed in: a token kept for this tab only (sessionStorage). It comes from a demo identity (embedded
// default on this machine), a pasted token, or single sign-on: OIDC authorization code + PKCE at an issuer the hub
// trusts (HUB_OIDC_ISSUERS with a console_client_id). The hub verifies every token; the claims shown here are a
// courtesy to the user and decide nothing.

export const config = JSON.parse(document.getElementById("console-config").textContent);

const TOKEN = "hub.console.token";
const PENDING = "hub.console.oidc";
const listeners = new Set();

export function currentToken() {
  return sessionStorage.getItem(TOKEN) || "";
}

export function onChange(listener) {
  listeners.add(listener);
}

export function useToken(token) {
  sessionStorage.setItem(TOKEN, token);
  listeners.forEach((l) => l(null));
}

export function signOut(reason = null) {
  sessionStorage.removeItem(TOKEN);
  listeners.forEach((l) => l(reason));
}

export function claims(token = currentToken()) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
    return JSON.parse(json);
  } catch {
    return null;
  }
}

export function expired(token = currentToken()) {
  const c = claims(token);
  return !c || (c.exp && c.exp * 1000 < Date.now());
}

export async function demoIdentities() {
  if (!config.demoTokens) return [];
  try {
    const response = await fetch(config.demoTokens, { headers: { Accept: "application/json" } });
    return response.ok ? await response.json() : [];
  } catch {
    return [];
  }
}

function randomText(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function endpoints(issuer) {
  if (issuer.authorizationEndpoint && issuer.tokenEndpoint) {
    return { authorization: issuer.authorizationEndpoint, token: issuer.tokenEndpoint };
  }
  const response = await fetch(`${issuer.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`无法读取 ${issuer.name} 的 OIDC 配置 (HTTP ${response.status})`);
  const found = await response.json();
  return { authorization: found.authorization_endpoint, token: found.token_endpoint };
}

function redirectUri() {
  return `${window.location.origin}${window.location.pathname}`;
}

// Leaves for the issuer's sign-in page; `completeSignIn` finishes when it sends the browser back.
export async function beginSignIn(issuer) {
  const found = await endpoints(issuer);
  const verifier = randomText(48);
  const challenge = base64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
  const state = randomText(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ state, verifier, token: found.token, clientId: issuer.clientId }));
  const url = new URL(found.authorization);
  Object.entries({
    response_type: "code", client_id: issuer.clientId, redirect_uri: redirectUri(), scope: issuer.scope, state,
    code_challenge: challenge, code_challenge_method: "S256",
  }).forEach(([k, v]) => url.searchParams.set(k, v));
  window.location.assign(url.href);
}

// On return from the issuer (?code=…&state=…): exchange the code for tokens; the access token is sent to the hub.
export async function completeSignIn() {
  const params = new URLSearchParams(window.location.search);
  if (!params.has("code") && !params.has("error")) return false;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  window.history.replaceState(null, "", redirectUri() + window.location.hash);
  if (params.has("error")) throw new Error(`登录被拒绝：${params.get("error_description") || params.get("error")}`);
  if (!pending || pending.state !== params.get("state")) throw new Error("登录响应与本次登录不符，请重试。");
  const response = await fetch(pending.token, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: new URLSearchParams({
      grant_type: "authorization_code", code: params.get("code"), redirect_uri: redirectUri(),
      client_id: pending.clientId, code_verifier: pending.verifier,
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) {
    throw new Error(`登录未完成：${body.error_description || body.error || `HTTP ${response.status}`}`);
  }
  useToken(body.access_token);
  return true;
}
